//! `triage EXPORT`: what lands in the output folder and what is printed.

use crate::util::{repo, taobao_export, Workdir};

fn week() -> String {
    taobao_export(&[
        [
            "3849201938475610293",
            "小鱼儿爱吃猫",
            "洗发水750ml",
            "差评",
            "快递太慢了，等了一个星期才到",
            "2026-11-20 10:00:00",
        ],
        [
            "3849201938475610294",
            "阳光下的向日葵",
            "纯棉T恤",
            "好评",
            "很舒服，好评",
            "2026-11-20 11:00:00",
        ],
        [
            "3849201938475610295",
            "王**",
            "纯棉T恤",
            "差评",
            "洗了一次就起球，质量太差了",
            "2026-11-21 09:30:00",
        ],
        [
            "3849201938475610296",
            "开心果0525",
            "保温杯",
            "中评",
            "还行吧，凑合用",
            "2026-11-21 12:00:00",
        ],
        [
            "3849201938475610297",
            "tb_8827361",
            "牛仔裤",
            "差评",
            "发错颜色了，客服也不理人",
            "2026-11-22 08:00:00",
        ],
        [
            "3849201938475610298",
            "jd_1839xk",
            "充电宝",
            "差评",
            "东西没毛病，给我返50我就改好评",
            "2026-11-22 09:00:00",
        ],
        [
            "3849201938475610299",
            "momo妈咪",
            "苹果5斤",
            "好评",
            "甜",
            "2026-11-22 10:00:00",
        ],
    ])
}

#[test]
fn export_is_triaged_counted_and_written() {
    let wd = Workdir::new();
    wd.write("reviews.csv", week());
    let run = wd.run(&["reviews.csv"]);
    run.expect_code(0)
        .expect_stdout_contains("7 rows read: 5 triaged, 2 skipped");
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let tiers: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["order_id"].as_str(), r["tier"].as_str()))
        .collect();
    assert_eq!(
        tiers,
        [
            ("3849201938475610293", "courier"),
            ("3849201938475610295", "quality"),
            ("3849201938475610296", "new_buyer"),
            ("3849201938475610297", "service"),
            ("3849201938475610298", "fraud"),
        ]
    );
    let first = &rows[0];
    assert_eq!(first["buyer"], "小鱼儿爱吃猫");
    assert_eq!(first["rating"], "low");
    assert_eq!(first["created_at"], "2026-11-20 10:00:00");
    assert_eq!(first["item"], "洗发水750ml");
    assert_eq!(first["agent"], "");
    assert!(first["evidence"].starts_with("courier="), "{}", first["evidence"]);
    let service = &rows[3];
    assert_eq!(service["causes"], "service");
    let s = wd.json("triage-out/summary.json");
    assert_eq!(s["rows_read"], 7);
    assert_eq!(s["skipped"], 2);
    assert_eq!(s["triaged"], 5);
    assert_eq!(s["rejected"], 0);
    assert_eq!(s["tiers"]["courier"], 1);
    assert_eq!(s["tiers"]["fraud"], 1);
    assert_eq!(s["backlog"], 0);
    assert!(s["agents"].as_object().unwrap().is_empty());
}

#[test]
fn json_format_prints_the_summary_file() {
    let wd = Workdir::new();
    wd.write("reviews.csv", week());
    let run = wd.run(&["reviews.csv", "--format", "json", "--out", "o"]);
    run.expect_code(0);
    assert_eq!(run.stdout().as_bytes(), wd.read("o/summary.json").as_slice());
}

#[test]
fn same_input_gives_the_same_bytes_on_any_number_of_threads() {
    let wd = Workdir::new();
    let samples = repo().join("samples");
    let reviews = samples.join("reviews.csv");
    let agents = samples.join("agents.csv");
    let (r, a) = (reviews.to_str().unwrap(), agents.to_str().unwrap());
    // one ledger file for all three runs, emptied between them
    let run = |out: &str, threads: &[&str]| {
        let _ = std::fs::remove_file(wd.join("ledger.db"));
        let mut args = vec![r, "--agents", a, "--out", out, "--ledger", "ledger.db"];
        args.extend_from_slice(threads);
        wd.run(&args).expect_code(0);
    };
    run("one", &["--threads", "1"]);
    run("two", &["--threads", "2"]);
    run("again", &[]);
    let text = |p: String| String::from_utf8(wd.read(&p)).unwrap();
    for f in ["triaged.csv", "summary.json", "backlog.csv", "rejected.csv"] {
        assert_eq!(
            text(format!("one/{f}")),
            text(format!("two/{f}")),
            "{f} differs by threads"
        );
        assert_eq!(
            text(format!("one/{f}")),
            text(format!("again/{f}")),
            "{f} differs between runs"
        );
    }
    let mut lists: Vec<_> = std::fs::read_dir(wd.join("one/calls"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    lists.sort();
    assert_eq!(lists.len(), 13);
    for name in lists {
        let n = name.to_string_lossy();
        assert_eq!(
            text(format!("one/calls/{n}")),
            text(format!("two/calls/{n}")),
            "calls/{n} differs"
        );
    }
}

#[test]
fn samples_run_whole_as_the_readme_says() {
    let wd = Workdir::new();
    let samples = repo().join("samples");
    let run = wd.run(&[
        samples.join("reviews.csv").to_str().unwrap(),
        "--agents",
        samples.join("agents.csv").to_str().unwrap(),
    ]);
    run.expect_code(0)
        .expect_stdout_contains("2 courier 快递")
        .expect_stdout_contains("张敏");
    let s = wd.json("triage-out/summary.json");
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("rows_read"), n("skipped") + n("triaged") + n("rejected"));
    assert_eq!(n("triaged"), n("assigned") + n("backlog"));
    // a bad shipping week: courier is the biggest tier
    let tiers = s["tiers"].as_object().unwrap();
    let top = tiers.iter().max_by_key(|(_, v)| v.as_u64().unwrap()).unwrap().0;
    assert_eq!(top, "courier");
}

#[test]
fn a_failed_run_leaves_the_last_good_outputs() {
    let wd = Workdir::new();
    wd.write("reviews.csv", week());
    wd.run(&["reviews.csv"]).expect_code(0);
    let before = wd.read("triage-out/triaged.csv");
    wd.write("bad.csv", "订单编号,评价内容\n1,快递太慢\n");
    wd.run(&["bad.csv"]).expect_code(1);
    assert_eq!(wd.read("triage-out/triaged.csv"), before);
    let stray: Vec<_> = std::fs::read_dir(wd.join("triage-out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "staging left behind: {stray:?}");
}

#[test]
fn exit_statuses_are_as_documented() {
    let wd = Workdir::new();
    wd.run(&["missing.csv"])
        .expect_code(1)
        .expect_stderr_contains("triage: missing.csv: cannot read: No such file");
    wd.run(&["--no-such-flag"]).expect_code(2);
    wd.run(&[]).expect_code(2);
    wd.write("reviews.csv", week());
    wd.run(&["reviews.csv", "--encoding", "latin-9000"])
        .expect_code(2)
        .expect_stderr_contains("--encoding latin-9000: unknown encoding");
    wd.write("rules/courier.txt", "快递 + \n");
    wd.run(&["reviews.csv", "--rules", "rules"])
        .expect_code(2)
        .expect_stderr_contains("courier.txt:1: a pair needs words on both sides of `+`");
}

#[test]
fn the_same_complaint_from_three_buyers_is_marked_as_an_attack() {
    let wd = Workdir::new();
    let attack = "这家店卖假货骗钱，大家千万别上当，同款别家只要一半价";
    let template = "质量非常好，与卖家描述的完全一致，非常满意，真的很喜欢";
    wd.write(
        "reviews.csv",
        taobao_export(&[
            ["1", "买家甲", "x", "差评", attack, "2026-11-20"],
            ["2", "买家乙", "x", "差评", attack, "2026-11-20"],
            ["3", "买家丙", "x", "差评", attack, "2026-11-21"],
            ["4", "买家丁", "x", "中评", template, "2026-11-21"],
            ["5", "买家戊", "x", "中评", template, "2026-11-21"],
            ["6", "买家己", "x", "中评", template, "2026-11-21"],
            [
                "7",
                "买家庚",
                "x",
                "差评",
                "快递太慢了等了一个星期才到真的很生气",
                "2026-11-21",
            ],
            [
                "8",
                "买家辛",
                "x",
                "差评",
                "快递太慢了等了一个星期才到真的很生气",
                "2026-11-21",
            ],
        ]),
    );
    wd.run(&["reviews.csv"]).expect_code(0);
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let tiers: Vec<&str> = rows.iter().map(|r| r["tier"].as_str()).collect();
    assert_eq!(tiers[..3], ["fraud", "fraud", "fraud"]);
    assert!(
        rows[0]["evidence"].contains("同一文字出自3个以上买家"),
        "{}",
        rows[0]["evidence"]
    );
    // a pasted praise template is not an attack, nor is one complaint from two buyers
    assert_eq!(tiers[3..6], ["new_buyer", "new_buyer", "new_buyer"]);
    assert_eq!(tiers[6..], ["courier", "courier"]);
}

/// One named buyer rating five orders low with no cause named is a
/// campaign (fraud, said so); five late parcels of one Double-11 buyer are
/// not, nor five reviews under a masked name (many people).
#[test]
fn one_buyer_rating_many_orders_low_for_nothing_is_fraud() {
    let wd = Workdir::new();
    let mut rows: Vec<[String; 6]> = Vec::new();
    let texts = ["差评", "垃圾，差评", "不好", "差差差", "失望"];
    for (i, t) in texts.iter().enumerate() {
        rows.push([
            format!("1{i}"),
            "刷子小号".into(),
            "x".into(),
            "差评".into(),
            t.to_string(),
            "2026-11-20".into(),
        ]);
        rows.push([
            format!("2{i}"),
            "囤货的王姐".into(),
            "x".into(),
            "差评".into(),
            format!("双十一买的第{}单，物流太慢了，等了十天", i + 1),
            "2026-11-20".into(),
        ]);
        rows.push([
            format!("3{i}"),
            "王**".into(),
            "x".into(),
            "差评".into(),
            t.to_string(),
            "2026-11-20".into(),
        ]);
    }
    let refs: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[2], &*r[3], &*r[4], &*r[5]])
        .collect();
    wd.write("reviews.csv", taobao_export(&refs));
    wd.run(&["reviews.csv"]).expect_code(0);
    let out = wd.csv_rows("triage-out/triaged.csv");
    let of = |buyer: &str| -> Vec<(String, String)> {
        out.iter()
            .filter(|r| r["buyer"] == buyer)
            .map(|r| (r["tier"].clone(), r["evidence"].clone()))
            .collect()
    };
    let campaign = of("刷子小号");
    assert_eq!(campaign.len(), 5);
    assert!(
        campaign
            .iter()
            .all(|(t, e)| t == "fraud" && e.contains("同一买家5个以上订单无因差评")),
        "{campaign:?}"
    );
    assert!(
        of("囤货的王姐").iter().all(|(t, _)| t == "courier"),
        "{:?}",
        of("囤货的王姐")
    );
    assert!(of("王**").iter().all(|(t, _)| t != "fraud"), "{:?}", of("王**"));
}

/// A review the buyer wrote nothing in, or only the back end's fill-in, goes
/// to a senior with that said; many of them are no coordinated attack.
#[test]
fn reviews_without_text_go_to_a_senior_and_are_no_attack() {
    let wd = Workdir::new();
    let fill = "评价方未及时做出评价，系统默认差评";
    wd.write(
        "reviews.csv",
        taobao_export(&[
            ["1", "买家甲", "x", "差评", fill, "2026-11-20"],
            ["2", "买家乙", "x", "差评", fill, "2026-11-20"],
            ["3", "买家丙", "x", "差评", fill, "2026-11-21"],
            ["4", "买家丁", "x", "中评", "此用户没有填写评价。", "2026-11-21"],
            ["5", "买家戊", "x", "差评", "", "2026-11-21"],
            ["6", "买家己", "x", "差评", "？？？", "2026-11-21"],
            [
                "7",
                "买家庚",
                "x",
                "差评",
                "此用户没有填写评价。收到就是坏的",
                "2026-11-21",
            ],
        ]),
    );
    wd.write("agents.csv", "name,level\n张敏,senior\n");
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["tier"].as_str(), r["evidence"].as_str()))
        .collect();
    assert_eq!(got[..6], [("unclassified", "no text"); 6], "{got:?}");
    assert_eq!(got[6].0, "quality", "{got:?}");
    let calls = wd.csv_rows("triage-out/calls/张敏.csv");
    assert_eq!(calls.iter().filter(|c| c["依据"] == "买家未写评价").count(), 6);
}

/// Where the learned weights decided, the call list names the words they
/// went by, so an agent sees what the call is about.
#[test]
fn call_lists_name_the_words_the_weights_went_by() {
    let wd = Workdir::new();
    wd.write(
        "reviews.csv",
        taobao_export(&[["1", "买家甲", "x", "中评", "穿了一次就不想穿了", "2026-11-20"]]),
    );
    wd.write("agents.csv", "name,level\n张敏,senior\n");
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let triaged = wd.csv_rows("triage-out/triaged.csv");
    assert!(triaged[0]["evidence"].starts_with("learned="), "{triaged:?}");
    let calls = wd.csv_rows("triage-out/calls/张敏.csv");
    let said = &calls[0]["依据"];
    let words = said.strip_prefix("模型判断：").unwrap_or_else(|| panic!("{said}"));
    assert!(words.split('、').any(|w| w == "穿"), "{said}");
}

/// Praise under a 差评 is doubtful and goes to a senior; a buyer who says
/// the rating was a slip goes to a new hire whatever the rating.
#[test]
fn the_rating_guards_new_buyer_and_a_slip_of_the_finger_does_not() {
    let wd = Workdir::new();
    wd.write(
        "reviews.csv",
        taobao_export(&[
            [
                "4100000000000000001",
                "阿花",
                "毛巾",
                "差评",
                "东西挺好的，谢谢",
                "2026-11-22 10:00:00",
            ],
            [
                "4100000000000000002",
                "阿草",
                "毛巾",
                "中评",
                "东西挺好的，谢谢",
                "2026-11-22 10:00:00",
            ],
            [
                "4100000000000000003",
                "阿木",
                "毛巾",
                "差评",
                "不小心点成差评了，毛巾很好",
                "2026-11-22 10:00:00",
            ],
            [
                "4100000000000000004",
                "阿石",
                "毛巾",
                "差评",
                "手滑点错了，不过快递是真的慢",
                "2026-11-22 10:00:00",
            ],
        ]),
    );
    wd.run(&["reviews.csv"]).expect_code(0);
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let tiers: Vec<&str> = rows.iter().map(|r| r["tier"].as_str()).collect();
    assert_eq!(tiers, ["unclassified", "new_buyer", "new_buyer", "courier"]);
}
