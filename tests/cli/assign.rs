//! Assignment end to end: the lead's bad week (800 mid/low reviews, 3
//! seniors at 70, 10 new hires at 40), checked on the files agents open.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{taobao_export, Workdir};

const EASY: &[&str] = &[
    "快递太慢了，等了一个星期才到",
    "物流慢死了，催了好几次",
    "快递员不送上门，让我自己去驿站拿",
    "外包装破了，洗发水漏了一半",
    "还行吧，凑合用",
    "东西挺好的，就是手滑点了中评",
];
const HARD: &[&str] = &[
    "质量太差了，洗一次就起球",
    "发错颜色了，客服也不理人",
    "尺码偏大，穿着不合适",
    "垃圾，失望",
    "=HYPERLINK(\"http://x\",\"点我\") 质量太差",
    "-_- 做工粗糙，线头到处都是",
];

/// 800 mid/low reviews and 100 good ones; some buyers write twice, some are masked.
fn bad_week() -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut state: u64 = 7;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    for i in 0..900 {
        let r = next();
        let (rating, text) = if i % 9 == 0 {
            ("好评".to_string(), "好评".to_string())
        } else if r % 10 < 6 {
            (
                "差评".to_string(),
                format!("{}{}", EASY[r % EASY.len()], "!".repeat(i % 3)),
            )
        } else {
            (
                "中评".to_string(),
                format!("{}{}", HARD[r % HARD.len()], "。".repeat(i % 3)),
            )
        };
        let buyer = match next() % 10 {
            0 => format!("{}**", ["王", "李", "张"][i % 3]),
            1 => format!("回头客{}", i % 37),
            _ => format!("买家{i}"),
        };
        let day = 10 + next() % 14;
        let time = format!("2026-11-{day:02} {:02}:{:02}:00", next() % 24, next() % 60);
        rows.push([format!("38{:017}", 1000 + i), buyer, "宝贝".into(), rating, text, time]);
    }
    let refs: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [r[0].as_str(), &r[1], &r[2], &r[3], &r[4], &r[5]])
        .collect();
    taobao_export(&refs)
}

fn roster() -> String {
    let mut s = String::from("name,level,capacity,available\n");
    for n in ["张敏", "王磊", "刘芳"] {
        s.push_str(&format!("{n},资深,70,yes\n"));
    }
    for i in 1..=10 {
        s.push_str(&format!("新人{i},新人,40,yes\n"));
    }
    s.push_str("休假的人,senior,70,no\n");
    s
}

/// `n` 差评 with the same text from `n` buyers, orders from `first`.
fn low_reviews(n: usize, first: usize, text: &str) -> String {
    let rows: Vec<[String; 6]> = (0..n)
        .map(|i| {
            [
                format!("{}", first + i),
                format!("买家{i}"),
                "宝贝".into(),
                "差评".into(),
                text.into(),
                format!("2026-11-{:02} 10:00", 1 + i % 28),
            ]
        })
        .collect();
    let refs: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[2], &*r[3], &*r[4], &*r[5]])
        .collect();
    taobao_export(&refs)
}

fn case_key(row: &BTreeMap<String, String>) -> String {
    let buyer = &row["买家"];
    if buyer.contains('*') {
        format!("order:{}", row["订单编号"])
    } else {
        format!("buyer:{buyer}")
    }
}

#[test]
fn the_bad_week_is_split_as_a_seasoned_lead_would() {
    let wd = Workdir::new();
    wd.write("reviews.csv", bad_week());
    wd.write("agents.csv", roster());
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("triaged"), 800);
    assert_eq!(n("triaged"), n("assigned") + n("backlog"));
    assert!(
        !wd.join("triage-out/calls/休假的人.csv").exists(),
        "an agent on leave gets no list"
    );

    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut junior_loads = Vec::new();
    let mut seniors_easy = 0;
    let mut assigned_rows = 0;
    let tier_rank = |t: &str| {
        ["1 新手", "2 快递", "3 服务", "4 质量", "5 骗子", "待定"]
            .iter()
            .position(|x| *x == t)
            .unwrap()
    };
    let mut easy_assigned_times = Vec::new();
    let mut hard_assigned_times = Vec::new();
    for agent in [
        "张敏", "王磊", "刘芳", "新人1", "新人2", "新人3", "新人4", "新人5", "新人6", "新人7", "新人8", "新人9",
        "新人10",
    ] {
        let path = format!("triage-out/calls/{agent}.csv");
        let raw = wd.read(&path);
        assert!(raw.starts_with(b"\xEF\xBB\xBF"), "{path} has no BOM");
        assert!(String::from_utf8_lossy(&raw[3..]).starts_with("档位,订单编号,买家,评价等级,评价时间"));
        let rows = wd.csv_rows(&path);
        assigned_rows += rows.len();
        let junior = agent.starts_with("新人");
        let cases: BTreeSet<String> = rows.iter().map(case_key).collect();
        assert!(
            cases.len() <= if junior { 40 } else { 70 },
            "{agent} over capacity: {}",
            cases.len()
        );
        if junior {
            junior_loads.push(cases.len());
        }
        let mut last_rank = 0;
        // (tier rank, case, newest time of the case) of each block of rows
        let mut blocks: Vec<(usize, String, String)> = Vec::new();
        for r in &rows {
            let rank = tier_rank(&r["档位"]);
            if junior {
                assert!(rank <= 1, "{agent} got tier {}", r["档位"]);
            }
            assert!(rank >= last_rank, "{agent}: rows not grouped by tier");
            last_rank = rank;
            match blocks.last_mut() {
                Some(b) if b.1 == case_key(r) => {
                    if r["评价时间"] > b.2 {
                        b.2 = r["评价时间"].clone();
                    }
                }
                _ => blocks.push((rank, case_key(r), r["评价时间"].clone())),
            }
            assert!(
                r["订单编号"].starts_with("=\"38") && r["订单编号"].len() == 22,
                "order kept as text: {}",
                r["订单编号"]
            );
            assert!(
                !r["评价内容"].starts_with('='),
                "formula not neutralised: {}",
                r["评价内容"]
            );
            assert!(
                !r["评价内容"].starts_with('-'),
                "formula not neutralised: {}",
                r["评价内容"]
            );
            assert!(!r["开场白"].is_empty());
            if let Some(prev) = owner.insert(case_key(r), agent.to_string()) {
                assert_eq!(prev, agent, "buyer {} called by two agents", case_key(r));
            }
            if rank <= 1 && !junior {
                seniors_easy += 1;
            }
        }
        for b in &blocks {
            if b.0 <= 1 {
                easy_assigned_times.push(b.2.clone());
            } else {
                hard_assigned_times.push(b.2.clone());
            }
        }
        for w in blocks.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[0].2 >= w[1].2, "{agent}: not newest first within {}: {:?}", w[0].0, w);
            }
        }
        let keys: BTreeSet<&String> = blocks.iter().map(|b| &b.1).collect();
        assert_eq!(keys.len(), blocks.len(), "{agent}: a buyer's rows are split apart");
    }
    assert_eq!(assigned_rows as u64, n("assigned"));
    // dealt, not filled: new hires' loads differ by at most one call
    let (lo, hi) = (junior_loads.iter().min().unwrap(), junior_loads.iter().max().unwrap());
    assert!(hi - lo <= 1, "uneven new-hire loads: {junior_loads:?}");
    // easy cases reach seniors only when every new hire is full
    if seniors_easy > 0 {
        assert_eq!(
            *lo, 40,
            "seniors took easy calls while new hires had room: {junior_loads:?}"
        );
    }
    let backlog = wd.csv_rows("triage-out/backlog.csv");
    assert_eq!(backlog.len() as u64, n("backlog"));
    assert!(n("backlog") > 0, "800 reviews for 610 calls must leave a backlog");
    for r in &backlog {
        assert_eq!(r["未分配原因"], "可处理的客服都已满额");
        assert!(
            !owner.contains_key(&case_key(r)),
            "{} both assigned and in the backlog",
            case_key(r)
        );
    }
    // the newest reviews are kept: what waits is older than what was handed out
    let mut waiting: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for r in &backlog {
        let e = waiting
            .entry(case_key(r))
            .or_insert((tier_rank(&r["档位"]), String::new()));
        if r["评价时间"] > e.1 {
            e.1 = r["评价时间"].clone();
        }
    }
    let hard_backlog: Vec<&String> = waiting.values().filter(|(rank, _)| *rank > 1).map(|(_, t)| t).collect();
    if let (Some(newest_waiting), Some(oldest_taken)) = (hard_backlog.iter().max(), hard_assigned_times.iter().min()) {
        assert!(
            *newest_waiting <= oldest_taken,
            "kept {oldest_taken} but left {newest_waiting}"
        );
    }
    assert!(!easy_assigned_times.is_empty());
}

#[test]
fn bad_roster_rows_name_their_line() {
    let wd = Workdir::new();
    wd.write(
        "reviews.csv",
        taobao_export(&[["1", "a", "b", "差评", "快递太慢", "2026-11-01"]]),
    );
    wd.write(
        "agents.csv",
        "name,level,capacity\n小李,junior,40\n小王,intern,40\n小张,senior,lots\n小李,senior,5\n小王,senior,5\n",
    );
    let run = wd.run(&["reviews.csv", "--agents", "agents.csv"]);
    run.expect_code(1)
        .expect_stderr_contains("agents.csv:3: unknown level `intern` (expected junior/新人/新手/初级/")
        .expect_stderr_contains(", senior/资深/老手/高级/组长/")
        .expect_stderr_contains("agents.csv:4: capacity `lots` is not a whole number")
        .expect_stderr_contains("agents.csv:5: agent `小李` is listed twice (first on line 2)")
        // a name on a faulty row is still taken
        .expect_stderr_contains("agents.csv:6: agent `小王` is listed twice (first on line 3)");
}

#[test]
fn a_roster_without_capacities_gives_each_agent_a_day_s_work() {
    let wd = Workdir::new();
    wd.write("reviews.csv", low_reviews(100, 5000, "质量太差了，用两天就坏"));
    // 姓名/级别 only, and a blank capacity: 70 each
    wd.write("agents.csv", "姓名,级别,容量\n张敏,资深,\n王磊,资深\n");
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(s["assigned"], 100, "{s}");
    wd.write("agents.csv", "name,level\n张敏,senior\n");
    wd.run(&["reviews.csv", "--agents", "agents.csv", "--no-ledger"])
        .expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(
        (s["assigned"].as_u64(), s["backlog"].as_u64()),
        (Some(70), Some(30)),
        "{s}"
    );
}

#[test]
fn a_roster_saved_as_tab_separated_text_reads() {
    let wd = Workdir::new();
    wd.write("reviews.csv", low_reviews(30, 5000, "质量太差了，用两天就坏"));
    wd.write(
        "agents.txt",
        "姓名\t级别\t容量\r\n张敏\t资深\t20\r\n王磊\tsenior\t5\r\n",
    );
    wd.run(&["reviews.csv", "--agents", "agents.txt"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(
        (s["assigned"].as_u64(), s["backlog"].as_u64()),
        (Some(25), Some(5)),
        "{s}"
    );
}

#[test]
fn agents_whose_names_make_the_same_file_each_get_their_own_list() {
    let wd = Workdir::new();
    wd.write("reviews.csv", low_reviews(9, 6000, "做工粗糙，线头到处都是"));
    // `/` cannot stand in a file name, Windows does not tell Amy from amy,
    // and no file system takes a name of a hundred 张
    let long = "张".repeat(100);
    wd.write(
        "agents.csv",
        format!("name,level,capacity\na/b,senior,2\na_b,senior,2\nAmy,senior,2\namy,senior,2\n{long},senior,1\n"),
    );
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(s["assigned"], 9, "{s}");
    let mut lists: Vec<String> = std::fs::read_dir(wd.join("triage-out/calls"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    lists.sort();
    assert_eq!(lists.len(), 5, "{lists:?}");
    assert!(
        lists.contains(&"a_b-2.csv".to_string()) && lists.contains(&"amy-2.csv".to_string()),
        "{lists:?}"
    );
    let on_lists: usize = lists
        .iter()
        .map(|f| wd.csv_rows(&format!("triage-out/calls/{f}")).len())
        .sum();
    assert_eq!(on_lists, 9, "every call is on somebody's list");
}

#[test]
fn a_tier_no_one_may_take_waits_with_that_reason() {
    let wd = Workdir::new();
    wd.write(
        "reviews.csv",
        taobao_export(&[
            ["1", "a", "b", "差评", "快递太慢了", "2026-11-01"],
            ["2", "c", "b", "差评", "质量太差了，一洗就坏", "2026-11-02"],
        ]),
    );
    wd.write("agents.csv", "name,level,capacity\n小李,junior,40\n");
    wd.run(&["reviews.csv", "--agents", "agents.csv"]).expect_code(0);
    let backlog = wd.csv_rows("triage-out/backlog.csv");
    assert_eq!(backlog.len(), 1);
    assert_eq!(backlog[0]["档位"], "4 质量");
    assert_eq!(backlog[0]["未分配原因"], "没有可处理此档位的客服");
    let calls = wd.csv_rows("triage-out/calls/小李.csv");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["档位"], "2 快递");
}
