//! `triage eval`: the scores a lead sees, and the figures the suite holds on
//! ../shared/data/dev.csv.

use crate::util::{shared_data, Workdir};

/// `triage eval FILE --format json`, which must succeed, as JSON.
fn eval_json(wd: &Workdir, file: &str) -> serde_json::Value {
    let run = wd.run(&["eval", file, "--format", "json"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout()).unwrap()
}

#[test]
fn eval_scores_a_labelled_file() {
    let wd = Workdir::new();
    wd.write(
        "labelled.csv",
        "text,tier,extra\n快递太慢了,courier,x\n质量太差了,quality,x\n还行吧,new_buyer,x\n发错货了,quality,x\n",
    );
    let r = eval_json(&wd, "labelled.csv");
    assert_eq!(r["rows"], 4);
    assert_eq!(r["accuracy"], 0.75);
    assert_eq!(r["confusion"]["quality"]["service"], 1);
    assert_eq!(r["tiers"]["service"]["precision"], 0.0);
    assert_eq!(r["junior_unsafe"], 0.0);
    let text = wd.run(&["eval", "labelled.csv"]);
    text.expect_code(0)
        .expect_stdout_contains("accuracy 0.750")
        .expect_stdout_contains("confusion (rows: true tier, columns: predicted)");
    // --predictions lists every row with what the tool said, to find the wrong ones
    wd.run(&["eval", "labelled.csv", "--predictions", "out/rows.csv"])
        .expect_code(0);
    let rows = String::from_utf8(wd.read("out/rows.csv")).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines[0], "text,tier,predicted,evidence");
    assert_eq!(lines.len(), 5, "{rows}");
    assert!(lines[4].starts_with("发错货了,quality,service,"), "{rows}");
    assert!(lines[1].starts_with("快递太慢了,courier,courier,"), "{rows}");
    wd.write("bad.csv", "text,tier\n快递太慢了,kuaidi\n");
    wd.run(&["eval", "bad.csv"])
        .expect_code(1)
        .expect_stderr_contains("bad.csv:2: unknown tier `kuaidi`");
    // a lead labels in the words of the call lists: 快递, 2 快递, 4
    wd.write(
        "zh.csv",
        "text,tier\n快递太慢了,2 快递\n质量太差了,质量\n客服不理人,3\n",
    );
    let r = eval_json(&wd, "zh.csv");
    assert_eq!(r["rows"], 3);
    assert_eq!(r["accuracy"], 1.0, "{r}");
    // ... or corrects a call list where it stands: 档位 and 评价内容 are read
    wd.write(
        "list.csv",
        "\u{FEFF}档位,订单编号,买家,评价内容,结果\n2 快递,1,小王,快递太慢了,\n4 质量,2,小李,质量太差了,\n",
    );
    let r = eval_json(&wd, "list.csv");
    assert_eq!(
        (r["rows"].as_u64(), r["accuracy"].as_f64()),
        (Some(2), Some(1.0)),
        "{r}"
    );
}

/// The figures the default rules reach on dev.csv. They are a floor: the
/// test fails if a change drops below them. Every one is at or past issue
/// 3's targets (accuracy 0.85, junior-unsafe 3%, fraud precision 0.95, every
/// F1 0.70). Raise the floors as the rules improve.
#[test]
fn default_rules_hold_their_figures_on_dev() {
    let Some(data) = shared_data() else {
        panic!("../shared/data/dev.csv not found: the classifier figures are checked against it");
    };
    let wd = Workdir::new();
    let dev = data.join("dev.csv");
    let run = wd.run(&["eval", dev.to_str().unwrap(), "--format", "json"]);
    run.expect_code(0);
    let r: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let f = |k: &str| r["tiers"][k]["f1"].as_f64().unwrap();
    let acc = r["accuracy"].as_f64().unwrap();
    let unsafe_rate = r["junior_unsafe"].as_f64().unwrap();
    let fraud_p = r["tiers"]["fraud"]["precision"].as_f64().unwrap();
    let report = run.stdout();
    assert!(acc >= 0.87, "accuracy {acc}\n{report}");
    assert!(unsafe_rate <= 0.02, "junior-unsafe {unsafe_rate}\n{report}");
    assert!(fraud_p >= 0.95, "fraud precision {fraud_p}\n{report}");
    for (tier, floor) in [
        ("new_buyer", 0.89),
        ("courier", 0.75),
        ("service", 0.78),
        ("quality", 0.91),
        ("fraud", 0.98),
        ("unclassified", 0.70),
    ] {
        assert!(f(tier) >= floor, "{tier} F1 {} < {floor}\n{report}", f(tier));
    }
}

/// Every example phrase TIERS.md gives in a tier's section, in brackets
/// (快递太慢, 物流慢, …), is put in that tier by the default rules. The spec is
/// read at run time from ../shared/TIERS.md.
#[test]
fn the_spec_s_own_examples_get_their_tier() {
    let Some(data) = shared_data() else {
        panic!("../shared/data not found: the spec examples are read from ../shared/TIERS.md");
    };
    let spec = std::fs::read_to_string(data.join("../TIERS.md")).expect("read ../shared/TIERS.md");
    let mut csv = String::from("text,tier\n");
    let mut n = 0;
    // a section opens with its bold heading (**2 courier 快递.**) and ends at a blank line
    let heading = regex::Regex::new(r"\*\*(?:\d )?([a-z_]+) \p{Han}+\.\*\*").unwrap();
    let groups = regex::Regex::new(r"\(([^()]*)\)").unwrap();
    for h in heading.captures_iter(&spec) {
        let key = &h[1];
        // new_buyer's examples are shrugs listed without brackets
        if !["courier", "service", "quality", "fraud", "unclassified"].contains(&key) {
            continue;
        }
        let at = h.get(0).unwrap().end();
        let section = spec[at..].split("\n\n").next().unwrap();
        for g in groups.captures_iter(section) {
            for phrase in g[1].split([',', '，']).map(str::trim) {
                let chinese = phrase.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                if chinese && phrase.chars().count() < 25 {
                    csv.push_str(&format!("\"{}\",{key}\n", phrase.replace('"', "\"\"")));
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 40, "only {n} example phrases found in TIERS.md");
    let wd = Workdir::new();
    wd.write("spec.csv", csv);
    let wrong = wrong_tiers(&eval_rows(&wd, "spec.csv"));
    assert!(
        wrong.is_empty(),
        "{} of {n} spec examples in the wrong tier:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Reviews written for this repository in buyers' own voice, one or more
/// per kind of trouble TIERS.md names (tests/fixtures/written.csv): the
/// default rules put every one in its tier.
#[test]
fn written_reviews_get_their_tier() {
    let wd = Workdir::new();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/written.csv");
    let all = eval_rows(&wd, fixture.to_str().unwrap());
    assert!(all.len() >= 100, "{} rows", all.len());
    let wrong = wrong_tiers(&all);
    assert!(
        wrong.is_empty(),
        "{} of {} in the wrong tier:\n{}",
        wrong.len(),
        all.len(),
        wrong.join("\n")
    );
}

/// Honest buyers are almost never called frauds: over the 62k real reviews
/// of ../shared/data/corpus.csv (angry ones among them), the default rules
/// put at most one in 10,000 in the fraud tier.
#[test]
fn fraud_is_rare_among_real_reviews() {
    let Some(data) = shared_data() else {
        panic!("../shared/data/corpus.csv not found: fraud precision is checked against it");
    };
    let mut reader = ::csv::Reader::from_path(data.join("corpus.csv")).expect("read corpus.csv");
    let mut labelled = ::csv::Writer::from_writer(Vec::new());
    labelled.write_record(["text", "tier"]).unwrap();
    let mut n = 0usize;
    for r in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let r = r.unwrap();
        labelled.write_record([r["review"].as_str(), "unclassified"]).unwrap();
        n += 1;
    }
    let wd = Workdir::new();
    wd.write("corpus.csv", labelled.into_inner().unwrap());
    let fraud: Vec<String> = eval_rows(&wd, "corpus.csv")
        .into_iter()
        .filter(|r| &r[2] == "fraud")
        .map(|r| format!("{} ({})", r[0].chars().take(60).collect::<String>(), &r[3]))
        .collect();
    assert!(n > 60_000, "{n} reviews");
    assert!(
        fraud.len() * 10_000 <= n,
        "{} of {n} called fraud:\n{}",
        fraud.len(),
        fraud.join("\n")
    );
}

/// `triage eval FILE --predictions`: every row as (text, tier, predicted, evidence).
fn eval_rows(wd: &Workdir, file: &str) -> Vec<::csv::StringRecord> {
    wd.run(&["eval", file, "--predictions", "rows.csv"]).expect_code(0);
    let rows = wd.read("rows.csv");
    ::csv::Reader::from_reader(rows.as_slice())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// The rows put in another tier than their label, as the lead would read them.
fn wrong_tiers(rows: &[::csv::StringRecord]) -> Vec<String> {
    rows.iter()
        .filter(|r| r[1] != r[2])
        .map(|r| format!("{} ({} -> {}: {})", &r[0], &r[1], &r[2], &r[3]))
        .collect()
}

/// A lead's retrain: label reviews, learn, check, use — with no shared data.
#[test]
fn learn_then_eval_then_run_with_the_lead_s_own_labels() {
    let wd = Workdir::new();
    let mut labelled = String::from("text,tier\n");
    let service = [
        "打开盒子看见一只蟑螂",
        "箱子里爬出来蟑螂",
        "包裹里有蟑螂太恶心了",
        "收到货发现有蟑螂",
        "蟑螂从盒子里爬出来",
        "里面居然有只蟑螂",
        "快递盒里有死蟑螂",
        "拆开就有蟑螂",
    ];
    let new_buyer = [
        "挺好的谢谢",
        "东西不错",
        "还可以吧",
        "满意",
        "好用",
        "不错不错",
        "还行",
        "挺喜欢的",
    ];
    let quality = [
        "穿了一天裤子就破了",
        "裤子开线了",
        "洗一次就起球",
        "鞋底断了",
        "杯子漏水",
        "衣服掉色",
        "拉链坏了",
        "扣子掉了",
    ];
    for (texts, tier) in [(service, "service"), (new_buyer, "new_buyer"), (quality, "quality")] {
        for t in texts {
            labelled.push_str(&format!("{t},{tier}\n"));
        }
    }
    wd.write("mine.csv", labelled);
    let repo_labels = crate::util::repo().join("samples/labelled.csv");
    let learn = || {
        let args = [
            "learn",
            "--tiers",
            "mine.csv",
            "--tiers",
            repo_labels.to_str().unwrap(),
            "--rules",
            "r",
        ];
        wd.run(&[&args[..], &["--min-count", "1"]].concat())
    };
    learn().expect_code(0).expect_stdout_contains("wrote ");
    let weights = String::from_utf8(wd.read("r/weights.tsv")).unwrap();
    let rows = sorted_weight_rows(&weights);
    // the thresholds learn picked travel with the weights, and say how they were picked
    for name in ["cause_margin", "praise_margin", "override_margin"] {
        assert!(rows.contains(&("param", name)), "{name} is in weights.tsv");
    }
    assert!(weights.contains("Thresholds picked by 5-fold cross-validation"));
    wd.run(&["rules", "check", "r"]).expect_code(0);
    // what the lead taught: a cockroach in the box is the shop's doing
    wd.run(&["explain", "盒子里竟然有蟑螂", "--rules", "r"])
        .expect_code(0)
        .expect_stdout_contains("tier:       3 service 服务");
    wd.run(&["eval", "mine.csv", "--rules", "r"])
        .expect_code(0)
        .expect_stdout_contains("accuracy");
    let samples = crate::util::repo().join("samples/reviews.csv");
    wd.run(&[samples.to_str().unwrap(), "--rules", "r"]).expect_code(0);
    // learning again from the same labels writes the same file
    let before = wd.read("r/weights.tsv");
    learn().expect_code(0);
    assert_eq!(wd.read("r/weights.tsv"), before);
}

/// A lead teaches the fraud head from written cases: `learn --fraud` writes
/// fraud-weights.tsv (sorted, readable), leaves weights.tsv alone, and the
/// next run calls a new demand in those words fraud; a file with no fraud
/// case in it is refused with its name.
#[test]
fn learn_fraud_writes_the_fraud_head_from_a_lead_s_cases() {
    let wd = Workdir::new();
    let mut cases = String::from("text,tier\n");
    for t in [
        "拼团券码发我私信，不发就一直挂着",
        "券码不发私信我，差评一直挂着",
        "私信发券码，挂着的差评就撤",
        "要券码，私信我，不然一直挂着",
        "发了券码就撤，没发就挂着",
        "券码私信给我，这条就不挂着了",
    ] {
        cases.push_str(&format!("{t},fraud\n"));
    }
    for t in [
        "券码用不了，客服不理人",
        "私信客服没人回",
        "发货太慢了",
        "衣服起球了",
        "东西不错",
    ] {
        cases.push_str(&format!("{t},service\n"));
    }
    wd.write("cases.csv", cases);
    wd.run(&["rules", "init", "r"]).expect_code(0);
    let tiers_before = wd.read("r/weights.tsv");
    wd.run(&["learn", "--fraud", "cases.csv", "--rules", "r", "--min-count", "1"])
        .expect_code(0)
        .expect_stdout_contains("6 of them fraud");
    assert_eq!(
        wd.read("r/weights.tsv"),
        tiers_before,
        "the tier weights are left as they were"
    );
    let head = String::from_utf8(wd.read("r/fraud-weights.tsv")).unwrap();
    let rows = sorted_weight_rows(&head);
    assert!(rows.contains(&("param", "fraud_margin")));
    wd.run(&["rules", "check", "r"])
        .expect_code(0)
        .expect_stdout_contains("fraud weights)");
    wd.run(&["explain", "券码私信我，挂着呢", "--rules", "r"])
        .expect_code(0)
        .expect_stdout_contains("learned=fraud score")
        .expect_stdout_contains("tier:       5 fraud 骗子");
    wd.write("honest.csv", "text,tier\n发货太慢了,service\n");
    wd.run(&["learn", "--fraud", "honest.csv", "--rules", "r"])
        .expect_code(1)
        .expect_stderr_contains("no review labelled fraud in honest.csv");
}

/// The (class, token) of every line of a weights file, checked to be three
/// tab-separated fields and sorted, so a retrain diffs cleanly.
fn sorted_weight_rows(text: &str) -> Vec<(&str, &str)> {
    let rows: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "token, class, weight: {l}");
            (f[1], f[0])
        })
        .collect();
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "weights are sorted so a retrain diffs cleanly");
    rows
}
