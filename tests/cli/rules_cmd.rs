//! The lead's view of the rules: check, init, explain, and edits that take
//! effect on the next run without recompiling.

use crate::util::{taobao_export, Workdir};

#[test]
fn rules_check_reports_every_bad_line() {
    let wd = Workdir::new();
    wd.run(&["rules", "init", "r"]).expect_code(0);
    wd.run(&["rules", "check", "r"])
        .expect_code(0)
        .expect_stdout_contains("r: ok (");
    let mut courier = String::from_utf8(wd.read("r/courier.txt")).unwrap();
    courier.push_str("\n快递|物流 +\nre: (坏\n");
    wd.write("r/courier.txt", courier.as_bytes());
    let lines = courier.lines().count();
    wd.write("r/levels.txt", "junior: new_buyer courrier\nsenior: *\n");
    wd.write("r/refund.txt", "退款\n");
    let run = wd.run(&["rules", "check", "r"]);
    run.expect_code(2)
        .expect_stderr_contains(&format!(
            "r/courier.txt:{}: a pair needs words on both sides of `+`",
            lines - 1
        ))
        .expect_stderr_contains(&format!("r/courier.txt:{lines}: pattern does not compile"))
        .expect_stderr_contains("r/levels.txt:1: unknown tier `courrier`")
        .expect_stderr_contains("r/refund.txt: not a rules file the tool knows");
}

#[test]
fn an_edited_rule_changes_the_next_run() {
    let wd = Workdir::new();
    wd.write(
        "reviews.csv",
        taobao_export(&[["1", "a", "x", "差评", "盒子里有只蟑螂", "2026-11-01"]]),
    );
    wd.run(&["rules", "init", "r"]).expect_code(0);
    wd.run(&["reviews.csv", "--rules", "r"]).expect_code(0);
    assert_ne!(wd.csv_rows("triage-out/triaged.csv")[0]["tier"], "service");
    let mut service = String::from_utf8(wd.read("r/service.txt")).unwrap();
    service.push_str("\n蟑螂\n");
    wd.write("r/service.txt", service);
    wd.run(&["reviews.csv", "--rules", "r"]).expect_code(0);
    let row = &wd.csv_rows("triage-out/triaged.csv")[0];
    assert_eq!(row["tier"], "service");
    assert_eq!(row["evidence"], "service=蟑螂");
}

#[test]
fn explain_shows_tokens_rules_negation_and_tier() {
    let wd = Workdir::new();
    let run = wd.run(&["explain", "快递一点也不慢，但是质量不行！！"]);
    run.expect_code(0)
        .expect_stdout_contains("normalised: 快递一点也不慢,但是质量不行!")
        .expect_stdout_contains("tokens:")
        .expect_stdout_contains("cancelled: negated by 不")
        .expect_stdout_contains("tier:       4 quality 质量");
    let run = wd.run(&["explain", "没有破损，包装很好"]);
    run.expect_code(0).expect_stdout_contains("cancelled: negated by 没有");
    // a turn word with no named cause after it is what makes the gripe;
    // 不过 inside 再合适不过 is praise, not a turn
    wd.run(&["explain", "颜色很正，就是有点小"])
        .expect_code(0)
        .expect_stdout_contains("turn:       就是");
    // a long review of clear praise keeps its new hire despite one 不过
    wd.run(&[
        "explain",
        "这本绘本孩子天天抱着看，画面细腻，故事温暖，每晚睡前都要我读两遍，不过有时候读到一半他自己先睡着了，哈哈。纸张厚实，印刷清楚，颜色鲜艳，小手翻也不怕撕坏。真的是一本值得收藏的好书，推荐给各位家长，我们已经又买了同系列的另外三本，期待孩子继续喜欢",
    ])
    .expect_code(0)
    .expect_stdout_contains("turn:       不过 (turn: in contrast.txt) outweighed")
    .expect_stdout_contains("tier:       1 new_buyer 新手");
    let run = wd.run(&["explain", "打游戏看电影再合适不过了"]);
    run.expect_code(0).expect_stdout_contains("fired");
    assert!(!run.stdout().contains("turn:"), "{}", run.stdout());
    wd.run(&["explain", "x", "--rating", "七星"])
        .expect_code(2)
        .expect_stderr_contains("--rating 七星: expected");
}
