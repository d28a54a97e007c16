//! Day after day: cron runs on overlapping exports, with results recorded in
//! between, checked as a lead with a shared sheet would check them.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use crate::util::{taobao_export, Workdir};

const ROSTER: &str = "name,level,capacity\n新人甲,junior,2\n老王,senior,3\n";

fn r(order: &str, buyer: &str, text: &str, time: &str) -> [String; 6] {
    [
        order.into(),
        buyer.into(),
        "宝贝".into(),
        "差评".into(),
        text.into(),
        time.into(),
    ]
}

fn export(rows: &[[String; 6]]) -> String {
    let refs: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[2], &*r[3], &*r[4], &*r[5]])
        .collect();
    taobao_export(&refs)
}

fn day1() -> Vec<[String; 6]> {
    vec![
        r("1001", "小王", "快递太慢了，一个星期才到", "2026-11-23 10:00"),
        r("1002", "小李", "物流慢死了，催了好几次", "2026-11-23 11:00"),
        r("1003", "小赵", "快递员不送上门，让我自己去驿站拿", "2026-11-20 09:00"),
        r("1004", "小钱", "质量太差了，洗一次就起球", "2026-11-23 12:00"),
        r("1005", "小孙", "做工粗糙，线头到处都是", "2026-11-23 13:00"),
        r("1006", "小周", "尺码偏大，穿着不合适", "2026-11-23 14:00"),
    ]
}

/// Who has which order, from the call lists: order -> (agent, 跟进, 方式).
fn lists(wd: &Workdir) -> BTreeMap<String, (String, String, String)> {
    lists_of(wd, &["新人甲", "老王"])
}

/// `lists` over the given agents' lists.
fn lists_of(wd: &Workdir, agents: &[&str]) -> BTreeMap<String, (String, String, String)> {
    let mut out = BTreeMap::new();
    for &agent in agents {
        for row in wd.csv_rows(&format!("triage-out/calls/{agent}.csv")) {
            let order = row["订单编号"].trim_start_matches('\'').to_string();
            out.insert(order, (agent.to_string(), row["跟进"].clone(), row["方式"].clone()));
        }
    }
    out
}

/// Write results into an agent's list, as the agent would in Excel.
fn fill(wd: &Workdir, agent: &str, results: &[(&str, &str)]) {
    let path = format!("triage-out/calls/{agent}.csv");
    let raw = wd.read(&path);
    let body = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw);
    let mut rdr = csv::Reader::from_reader(body);
    let headers = rdr.headers().unwrap().clone();
    let (oi, ri) = (
        headers.iter().position(|h| h == "订单编号").unwrap(),
        headers.iter().position(|h| h == "结果").unwrap(),
    );
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        // Excel and WPS on Windows end lines with CRLF
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(&headers).unwrap();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let order = rec[oi].to_string();
            let mut fields: Vec<String> = rec.iter().map(String::from).collect();
            if let Some((_, res)) = results.iter().find(|(o, _)| order.contains(o)) {
                fields[ri] = res.to_string();
            }
            w.write_record(&fields).unwrap();
        }
    }
    wd.write(&path, out);
}

/// Rows in each ledger table: runs, cases, reviews, outcomes.
fn ledger_counts(wd: &Workdir) -> Vec<i64> {
    ["runs", "cases", "reviews", "outcomes"]
        .iter()
        .map(|t| ledger_count(wd, &format!("SELECT COUNT(*) FROM {t}")))
        .collect()
}

/// The one number a `SELECT COUNT(…)` over the ledger gives.
fn ledger_count(wd: &Workdir, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(wd.join("triage-out/triage.db")).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The buyer's cases in the ledger that are open.
const WANG_OPEN: &str = "SELECT COUNT(*) FROM cases WHERE case_key = 'buyer:小王' AND status = 'open'";

/// Day 1 of one buyer, 小王, with two orders of goods gone wrong (a senior's
/// call), dealt on 2026-11-24.
fn one_buyer_two_orders(first: &str, second: &str) -> Workdir {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write(
        "d1.csv",
        export(&[
            r(first, "小王", "质量太差了，洗一次就起球", "2026-11-23 10:00"),
            r(second, "小王", "做工粗糙，线头到处都是", "2026-11-23 11:00"),
        ]),
    );
    run_day(&wd, "d1.csv", "2026-11-24");
    wd
}

fn run_day(wd: &Workdir, file: &str, today: &str) -> serde_json::Value {
    wd.run(&[file, "--agents", "agents.csv", "--today", today, "--format", "json"])
        .expect_code(0);
    wd.json("triage-out/summary.json")
}

#[test]
fn three_days_of_overlapping_exports() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);

    // Day 1: quality first to the senior; the oldest courier case waits.
    wd.write("d1.csv", export(&day1()));
    let s = run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(s["assigned"], 5);
    assert_eq!(s["backlog"], 1);
    let l1 = lists(&wd);
    assert_eq!(l1["1001"].0, "新人甲", "{l1:?}");
    assert_eq!(l1["1004"].0, "老王");
    assert!(!l1.contains_key("1003"), "the oldest courier case waits");

    fill(&wd, "新人甲", &[("1001", "未解决"), ("1002", "未接通")]);
    fill(&wd, "老王", &[("1004", "已解决"), ("1005", "未接通")]);
    let record_day1 = || {
        let lists = ["triage-out/calls/新人甲.csv", "triage-out/calls/老王.csv"];
        wd.run(&["record", lists[0], lists[1], "--today", "2026-11-24"])
    };
    record_day1()
        .expect_code(0)
        .expect_stdout_contains("recorded 4 results")
        .expect_stdout_contains("1 resolved, 1 to a senior");
    // applied exactly once
    record_day1()
        .expect_code(0)
        .expect_stdout_contains("recorded 0 results")
        .expect_stdout_contains("4 were recorded before");
    // a bad value names its line, and nothing is applied
    fill(&wd, "老王", &[("1006", "打过了")]);
    let list = String::from_utf8(wd.read("triage-out/calls/老王.csv")).unwrap();
    let line = list.lines().position(|l| l.contains("1006")).unwrap() + 1;
    wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-24"])
        .expect_code(1)
        .expect_stderr_contains(&format!("calls/老王.csv:{line}: result `打过了` is not one of"));

    // Day 2: yesterday's export again, one more review from 小王, a new buyer.
    let mut d2 = day1();
    d2.push(r("1007", "小王", "又买了一单，快递还是慢", "2026-11-24 18:00"));
    d2.push(r("1008", "小吴", "快递把箱子压扁了", "2026-11-24 19:00"));
    wd.write("d2.csv", export(&d2));
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    // 1004 resolved: not handed out again
    assert_eq!(s["already_assigned"], 1);
    assert_eq!(
        s["comebacks"], 5,
        "backlog 1003, escalation 1001, retries 1002 and 1005, 1006 not called"
    );
    let l2 = lists(&wd);
    assert!(!l2.contains_key("1004"), "{l2:?}");
    // left empty on the list 老王 handed in: he still owes that buyer a call
    assert_eq!(l2["1006"], ("老王".into(), "上次未打：请先联系".into(), "电话".into()));
    // the new hire could not resolve 小王: a senior calls back, with his new order
    assert_eq!(l2["1001"], ("老王".into(), "升级：新人未解决".into(), "电话".into()));
    assert_eq!(l2["1007"].0, "老王", "one buyer, one agent");
    // not reached yesterday: the same agent tries again, by message first
    assert_eq!(l2["1002"], ("新人甲".into(), "未接通：先发消息".into(), "消息".into()));
    assert_eq!(l2["1005"].0, "老王");
    // yesterday's backlog comes first today
    assert_eq!(l2["1003"].1, "昨日积压");
    assert!(l2.contains_key("1003"));
    // a cron run keeps yesterday's lists instead of deleting them
    assert!(wd
        .join("triage-out/archive/calls-replaced-2026-11-25/新人甲.csv")
        .exists());

    fill(&wd, "老王", &[("1001", "已改评"), ("1005", "已解决")]);
    wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-25"])
        .expect_code(0);

    // Day 3: resolved cases never come back.
    let mut d3 = d2.clone();
    d3.push(r("1009", "小郑", "物流太慢", "2026-11-25 20:00"));
    wd.write("d3.csv", export(&d3));
    run_day(&wd, "d3.csv", "2026-11-26");
    let l3 = lists(&wd);
    for done in ["1001", "1004", "1005", "1007"] {
        assert!(!l3.contains_key(done), "{done} came back: {l3:?}");
    }
    assert!(l3.contains_key("1009"));

    let st = wd.run(&["status", "--today", "2026-11-26", "--format", "json"]);
    st.expect_code(0);
    let st: serde_json::Value = serde_json::from_str(&st.stdout()).unwrap();
    assert_eq!(st["resolved_week"], 3);
    assert_eq!(st["resolved_today"], 0);
    assert!(st["open_total"].as_u64().unwrap() >= 1);
    let oldest = st["oldest_open"][2].as_str().unwrap().to_string();
    let buyer = oldest.strip_prefix("buyer:").expect("a named buyer's case");
    wd.run(&["status", "--today", "2026-11-26"])
        .expect_code(0)
        .expect_stdout_contains(&format!("oldest open case: buyer {buyer}, with "));

    // three days of merges, escalations and results leave no dangling reference
    let c = rusqlite::Connection::open(wd.join("triage-out/triage.db")).unwrap();
    let dangling: Vec<String> = c
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(dangling.is_empty(), "{dangling:?}");
}

#[test]
fn a_small_export_after_a_big_day_still_knows_what_was_handed_out() {
    // A ledger holding 20 reviews and an export of 2: each of today's
    // reviews is looked up on its own (not one pass over the ledger).
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    let gripes = [
        "快递慢得离谱，等了整整九天",
        "物流一直不更新，问了也没人管",
        "快递员把东西扔在门口就走了",
        "盒子送到的时候都压瘪了",
        "说好次日达，结果拖了四天",
        "快递放驿站也不打个电话",
        "派送员态度很差，还挂我电话",
        "快递小哥没打招呼就签收了",
        "外箱破了个大洞，胶带都散了",
        "物流绕了一圈又回到始发地",
        "中转站压了三天没动静",
        "快递把我的件送到隔壁小区去了",
        "送货上门要另外加钱，什么道理",
        "等快递等到花儿都谢了",
    ];
    let mut rows = day1();
    for (n, text) in gripes.iter().enumerate() {
        let order = format!("20{n:02}");
        rows.push(r(&order, &format!("买家{n}"), text, "2026-11-22 09:00"));
    }
    wd.write("d1.csv", export(&rows));
    run_day(&wd, "d1.csv", "2026-11-24");
    let handed = lists(&wd);
    let (order, (agent, _, _)) = handed.iter().next().expect("someone got a call");
    let again = rows.iter().find(|row| &row[0] == order).unwrap().clone();

    let new = r("3001", "小冯", "快递三天都没送到", "2026-11-24 20:00");
    wd.write("d2.csv", export(&[again, new]));
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    assert_eq!(s["already_assigned"], 1, "{s}");
    let today = lists(&wd);
    assert!(!today.contains_key(order), "{order} was {agent}'s yesterday: {today:?}");
}

/// A work folder after day 1, and another process's write lock on its ledger.
/// A work folder with the roster and day 1's export, already run once.
fn after_day1() -> Workdir {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write("d1.csv", export(&day1()));
    run_day(&wd, "d1.csv", "2026-11-24");
    wd
}

fn locked_after_day1() -> (Workdir, rusqlite::Connection) {
    let wd = after_day1();
    let conn = rusqlite::Connection::open(wd.join("triage-out/triage.db")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    (wd, conn)
}

#[test]
fn a_second_run_waits_for_the_first() {
    // another run holds the ledger for a moment
    let (wd, conn) = locked_after_day1();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        conn.execute_batch("COMMIT").unwrap();
    });
    let start = std::time::Instant::now();
    run_day(&wd, "d1.csv", "2026-11-25");
    assert!(start.elapsed() >= Duration::from_millis(1400), "did not wait");
    release.join().unwrap();
}

#[test]
fn a_ledger_held_too_long_stops_the_run_with_a_clear_message() {
    let (wd, conn) = locked_after_day1();
    wd.run(&["d1.csv", "--agents", "agents.csv", "--today", "2026-11-25"])
        .expect_code(1)
        .expect_stderr_contains("is in use by another triage run (waited 10 s)");
    conn.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_run_killed_midway_leaves_the_ledger_as_it_was() {
    let wd = after_day1();
    let before = ledger_counts(&wd);
    // a big export, so the run spends a while writing its ledger record
    let mut big = day1();
    for i in 0..40_000 {
        big.push(r(
            &format!("9{i:07}"),
            &format!("买家{i}"),
            "快递太慢了，等了好几天才到，外包装也破了",
            "2026-11-24 08:00",
        ));
    }
    wd.write("big.csv", export(&big));
    let mut child = Command::new(env!("CARGO_BIN_EXE_triage"))
        .args(["big.csv", "--agents", "agents.csv", "--today", "2026-11-25", "-q"])
        .current_dir(wd.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // killed once its ledger transaction has begun writing (the rollback
    // journal is there), whatever the speed of the machine
    let journal = wd.join("triage-out/triage.db-journal");
    let start = std::time::Instant::now();
    while !journal.exists() && child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run finished before it could be killed");
    assert_eq!(ledger_counts(&wd), before);
    wd.run(&["status", "--today", "2026-11-25"]).expect_code(0);
}

#[test]
fn an_order_number_excel_rounded_is_named_as_such() {
    let wd = after_day1();
    // the list came back from Excel with its order column turned to numbers
    wd.write(
        "back.csv",
        "档位,订单编号,买家,结果\r\n4 质量,1.40459E+18,小钱,已解决\r\n4 质量,1005,小孙,\r\n",
    );
    wd.run(&["record", "back.csv", "--today", "2026-11-24"])
        .expect_code(1)
        .expect_stderr_contains("back.csv:2: order 1.40459E+18 was rounded by Excel");
}

#[test]
fn a_run_that_dies_while_its_files_are_written_hands_out_nothing() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write("d1.csv", export(&day1()));
    let day1_assigned = run_day(&wd, "d1.csv", "2026-11-24")["assigned"].clone();
    let before = ledger_counts(&wd);
    let triaged_before = wd.read("triage-out/triaged.csv");
    let mut big = day1();
    for i in 0..8_000 {
        big.push(r(
            &format!("8{i:07}"),
            &format!("买家{i}"),
            &format!("做工很差，穿了{i}次就开线了"),
            "2026-11-24 08:00",
        ));
    }
    wd.write("big.csv", export(&big));
    // files may not grow past a few hundred KB: the run dies part-way
    // through writing its lists and recording its cases (they run together)
    let status = Command::new("sh")
        .args(["-c", "ulimit -f 400 && exec \"$@\"", "sh", env!("CARGO_BIN_EXE_triage")])
        .args(["big.csv", "--agents", "agents.csv", "--today", "2026-11-25", "-q"])
        .current_dir(wd.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the run should not have fit under the limit");
    assert_eq!(ledger_counts(&wd), before, "the ledger took part of a failed run");
    assert_eq!(wd.read("triage-out/triaged.csv"), triaged_before);
    // and the next run hands those cases out
    let s = run_day(&wd, "big.csv", "2026-11-25");
    assert_eq!(s["already_assigned"], day1_assigned, "{s}");
    assert!(s["assigned"].as_u64().unwrap() > 0, "{s}");
}

#[test]
fn outputs_that_cannot_be_moved_are_kept_and_named_and_never_handed_out_twice() {
    let wd = after_day1();
    // something of the lead's sits where this run's summary must go
    std::fs::remove_file(wd.join("triage-out/summary.json")).unwrap();
    wd.write("triage-out/summary.json/note.txt", "mine");
    let d2 = vec![
        r("2001", "小吴", "快递太慢了，十天才到", "2026-11-24 09:00"),
        r("2002", "小郑", "做工很差，开线了", "2026-11-24 10:00"),
    ];
    wd.write("d2.csv", export(&d2));
    let run = wd.run(&["d2.csv", "--agents", "agents.csv", "--today", "2026-11-25"]);
    run.expect_code(1)
        .expect_stderr_contains("this run's outputs are kept in");
    let kept: Vec<_> = std::fs::read_dir(wd.join("triage-out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".triage-staging-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(run.stderr().contains(&*kept[0].to_string_lossy()), "{}", run.stderr());
    assert!(kept[0].join("calls").exists());
    let kept_agent = |order: &str| -> String {
        ["新人甲", "老王"]
            .into_iter()
            .find(|a| std::fs::read_to_string(kept[0].join(format!("calls/{a}.csv"))).is_ok_and(|t| t.contains(order)))
            .unwrap_or_else(|| panic!("{order} in no kept list"))
            .to_string()
    };
    // the ledger took that run: the same export the same day lists the
    // day's cases again with the agents the ledger gave them, not others
    std::fs::remove_dir_all(wd.join("triage-out/summary.json")).unwrap();
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    // its two cases, and day 1's backlog case it dealt
    assert_eq!(s["dealt_earlier_today"], 3, "{s}");
    let l = lists(&wd);
    assert_eq!(l["2001"].0, kept_agent("2001"));
    assert_eq!(l["2002"].0, kept_agent("2002"));
    assert_eq!(ledger_counts(&wd)[1], 8, "no new cases: 6 of day 1, 2 of day 2");
}

/// A buyer with two orders is one call: two rows of that call that disagree
/// are named together, and nothing is recorded until they agree.
#[test]
fn two_rows_of_one_call_must_agree() {
    let wd = one_buyer_two_orders("2001", "2002");
    fill(&wd, "老王", &[("2001", "未接通"), ("2002", "已解决")]);
    let list = String::from_utf8(wd.read("triage-out/calls/老王.csv")).unwrap();
    let line = |order: &str| list.lines().position(|l| l.contains(order)).unwrap() + 1;
    let (first, second) = if line("2001") < line("2002") {
        ("2001", "2002")
    } else {
        ("2002", "2001")
    };
    let record = || wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-24"]);
    record()
        .expect_code(1)
        .expect_stderr_contains(&format!("calls/老王.csv:{}: order {second} says", line(second)));
    record().expect_stderr_contains(&format!(
        "but triage-out/calls/老王.csv:{} (order {first}, the same buyer's call) says",
        line(first)
    ));
    assert_eq!(ledger_counts(&wd)[3], 0, "nothing recorded");

    fill(&wd, "老王", &[("2001", "已解决"), ("2002", "已解决")]);
    record()
        .expect_code(0)
        .expect_stdout_contains("recorded 1 result in")
        .expect_stdout_contains("1 resolved")
        .expect_stdout_contains("1 was recorded before");
}

/// A buyer whose case is handed out and not yet reported writes a follow-up
/// (追评): the review, now with its follow-up, joins that case and stays
/// with the agent who holds it, even on a day that agent is otherwise full.
/// The ledger keeps one case for the buyer, and one result closes it.
#[test]
fn a_follow_up_on_an_open_case_stays_with_its_agent() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    let header = "订单编号,买家昵称,评价等级,评价内容,评价时间,追评内容\n";
    wd.write(
        "d1.csv",
        format!("{header}3001,小王,差评,质量太差了洗一次就起球,2026-11-23 10:00,\n"),
    );
    run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(lists(&wd)["3001"].0, "老王");

    // day 2: the same review with a follow-up, and three new quality buyers
    // for the senior, whose capacity is 3
    wd.write(
        "d2.csv",
        format!(
            "{header}3001,小王,差评,质量太差了洗一次就起球,2026-11-23 10:00,客服到现在也没联系我\n\
             3002,小钱,差评,做工粗糙线头到处都是,2026-11-24 09:00,\n\
             3003,小孙,差评,尺码偏大穿着不合适,2026-11-24 10:00,\n\
             3004,小周,差评,用了两天就坏了,2026-11-24 11:00,\n"
        ),
    );
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    assert_eq!(s["still_open"], 1);
    let l2 = lists(&wd);
    assert_eq!(
        l2["3001"],
        ("老王".into(), "买家又评：仍由您跟进".into(), "电话".into())
    );
    assert_eq!(
        s["agent_cases"]["老王"], 3,
        "the held buyer counts in the day's capacity"
    );
    assert_eq!(s["backlog"], 1);

    assert_eq!(
        ledger_count(&wd, WANG_OPEN),
        1,
        "one case for the buyer, not one per day"
    );

    fill(&wd, "老王", &[("3001", "已解决")]);
    wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-25"])
        .expect_code(0)
        .expect_stdout_contains("1 resolved");
    let left = ledger_count(
        &wd,
        "SELECT COUNT(*) FROM cases WHERE case_key = 'buyer:小王' AND status NOT IN ('resolved', 'merged')",
    );
    assert_eq!(left, 0, "nothing of the buyer is left open");
}

/// When the holder may not keep the buyer (the new review is above a new
/// hire's level), a senior takes the case and is told who had it.
#[test]
fn a_follow_up_above_the_holders_level_goes_up_naming_the_holder() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    let header = "订单编号,买家昵称,评价等级,评价内容,评价时间,追评内容\n";
    wd.write(
        "d1.csv",
        format!("{header}4001,小赵,差评,快递太慢了一个星期才到,2026-11-23 10:00,\n"),
    );
    run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(lists(&wd)["4001"].0, "新人甲");
    wd.write(
        "d2.csv",
        format!("{header}4001,小赵,差评,快递太慢了一个星期才到,2026-11-23 10:00,用了两天就坏了质量太差\n"),
    );
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    assert_eq!(s["still_open"], 1);
    let l2 = lists(&wd);
    assert_eq!(l2["4001"].0, "老王");
    assert_eq!(l2["4001"].1, "买家又评：原由新人甲跟进");
}

/// A buyer not reached, whose retry is not yet due, who writes again is
/// called now, by the same agent, and the retry does not come back later
/// as a second call.
#[test]
fn a_buyer_waiting_for_a_retry_who_writes_again_is_called_now() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.run(&["rules", "init", "my-rules"]).expect_code(0);
    wd.write("my-rules/followup.txt", "retry_after_days: 3\nphone_after_days: 5\n");
    let header = "订单编号,买家昵称,评价等级,评价内容,评价时间,追评内容\n";
    let run = |file: &str, today: &str| {
        wd.run(&[
            file,
            "--agents",
            "agents.csv",
            "--rules",
            "my-rules",
            "--today",
            today,
            "-q",
        ])
        .expect_code(0);
        wd.json("triage-out/summary.json")
    };
    wd.write(
        "d1.csv",
        format!("{header}6001,小冯,差评,快递太慢了一个星期才到,2026-11-23 10:00,\n"),
    );
    run("d1.csv", "2026-11-24");
    fill(&wd, "新人甲", &[("6001", "未接通")]);
    wd.run(&[
        "record",
        "triage-out/calls/新人甲.csv",
        "--rules",
        "my-rules",
        "--today",
        "2026-11-24",
    ])
    .expect_code(0)
    .expect_stdout_contains("1 to try again");

    // the retry is due on 11-27; on 11-25 the buyer adds a follow-up
    wd.write(
        "d2.csv",
        format!("{header}6001,小冯,差评,快递太慢了一个星期才到,2026-11-23 10:00,快递员态度也很差\n"),
    );
    let s = run("d2.csv", "2026-11-25");
    assert_eq!(s["still_open"], 1);
    assert_eq!(
        lists(&wd)["6001"],
        ("新人甲".into(), "买家又评：仍由您跟进".into(), "电话".into())
    );

    // on the retry day nothing of this buyer comes back a second time
    wd.write("d3.csv", header);
    let s = run("d3.csv", "2026-11-27");
    assert_eq!(s["comebacks"], 0);
    assert!(!lists(&wd).contains_key("6001"));
}

/// Two runs on one day: the second deals the day's cases again (same
/// agents, marked 今日已派), so a rerun gives the same lists, a roster fixed
/// at noon moves an absent agent's buyers, and no one gets more than a
/// day's work.
#[test]
fn a_second_run_the_same_day_deals_the_day_again() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write("d1.csv", export(&day1()));
    run_day(&wd, "d1.csv", "2026-11-24");
    let first = lists(&wd);
    assert!(first.values().all(|(_, follow, _)| follow.is_empty()), "{first:?}");

    // the same export again: the same cases with the same agents, each
    // marked as on the list already today
    let s = run_day(&wd, "d1.csv", "2026-11-24");
    let again = lists(&wd);
    assert_eq!(again.len(), first.len());
    for (order, (agent, follow, _)) in &again {
        assert_eq!(agent, &first[order].0, "{order}");
        assert_eq!(follow, "今日已派", "{order}");
    }
    assert_eq!(s["dealt_earlier_today"], 5);
    assert_eq!(s["already_assigned"], 0);

    // new reviews at noon: the agents are full with the morning's cases
    let noon = vec![r("1101", "小冯", "快递太慢了", "2026-11-24 12:00")];
    wd.write("noon.csv", export(&noon));
    let s = run_day(&wd, "noon.csv", "2026-11-24");
    assert_eq!(s["agent_cases"]["新人甲"], 2, "a day's work, not two: {s}");
    assert_eq!(s["agent_cases"]["老王"], 3, "{s}");
    assert_eq!(lists(&wd).len(), 5, "the morning's cases are in the lists");

    // the lead sets the senior on leave and adds another: his buyers move
    wd.write(
        "agents.csv",
        "name,level,capacity,available\n新人甲,junior,2,yes\n老王,senior,3,no\n老李,senior,3,yes\n",
    );
    let s = run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(s["agent_cases"]["老李"], 3, "{s}");
    let moved: Vec<String> = wd
        .csv_rows("triage-out/calls/老李.csv")
        .iter()
        .map(|r| r["订单编号"].clone())
        .collect();
    for order in ["1004", "1005", "1006"] {
        assert!(moved.contains(&order.to_string()), "{moved:?}");
    }
    let l = lists_of(&wd, &["老李"]);
    assert_eq!(l["1004"].1, "今日改派：原由老王跟进");
    assert_eq!(ledger_counts(&wd)[1], 7, "one case per buyer, however many runs");
}

/// A ledger an older version left with two open cases for one buyer: the
/// buyer's next review joins both into one.
#[test]
fn two_open_cases_of_one_buyer_become_one() {
    let wd = one_buyer_two_orders("7001", "7002");
    {
        // split the buyer's case in two, as older versions could leave it
        let c = rusqlite::Connection::open(wd.join("triage-out/triage.db")).unwrap();
        c.execute_batch(
            "INSERT INTO cases (case_key, tier, status, agent, level, first_day, assigned_day, assigned_run, run_id)
             SELECT case_key, tier, status, agent, level, first_day, assigned_day, assigned_run, run_id FROM cases;
             UPDATE reviews SET case_id = (SELECT MAX(id) FROM cases) WHERE order_id = '7002';",
        )
        .unwrap();
    }
    wd.write(
        "d2.csv",
        export(&[r("7003", "小王", "又买了一件，还是起球", "2026-11-24 10:00")]),
    );
    run_day(&wd, "d2.csv", "2026-11-25");
    assert_eq!(ledger_count(&wd, WANG_OPEN), 1);
    let cases_of_reviews = ledger_count(
        &wd,
        "SELECT COUNT(DISTINCT case_id) FROM reviews WHERE order_id IN ('7001', '7002', '7003')",
    );
    assert_eq!(cases_of_reviews, 1);
}

/// A list handed in with some results left empty: those buyers were not
/// called. They come back first on the next day's list, to the same agent,
/// or to another with the holder named when the holder is away; a rerun on
/// the day of the report does not lose that they are owed a call.
#[test]
fn buyers_left_empty_on_a_recorded_list_come_back_the_next_day() {
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write("d1.csv", export(&day1()));
    run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(lists(&wd)["1004"].0, "老王");
    // 老王 resolved 1004; 1005 and 1006 he did not get to
    fill(&wd, "老王", &[("1004", "已解决")]);
    wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-24"])
        .expect_code(0)
        .expect_stdout_contains("recorded 1 result")
        .expect_stdout_contains("2 buyers left empty (not called)");
    wd.run(&["status", "--today", "2026-11-24"])
        .expect_code(0)
        .expect_stdout_contains("2 not called");

    // a noon rerun the same day: the day's lists again, still owed a call
    run_day(&wd, "d1.csv", "2026-11-24");
    assert_eq!(lists(&wd)["1005"], ("老王".into(), "今日已派".into(), "电话".into()));
    assert_eq!(
        ledger_count(&wd, "SELECT COUNT(*) FROM cases WHERE status = 'uncalled'"),
        2
    );

    // the next day: first on 老王's list again, marked; 1004 is done
    let d2 = vec![r("1201", "小韩", "质量太差了，穿一次就开线", "2026-11-25 08:00")];
    wd.write("d2.csv", export(&d2));
    let s = run_day(&wd, "d2.csv", "2026-11-25");
    assert_eq!(s["not_called"], 2, "{s}");
    let l = lists(&wd);
    for order in ["1005", "1006"] {
        assert_eq!(
            l[order],
            ("老王".into(), "上次未打：请先联系".into(), "电话".into()),
            "{l:?}"
        );
    }
    assert!(!l.contains_key("1004"), "resolved: {l:?}");
    assert_eq!(l["1201"].0, "老王", "room for one more today: {l:?}");

    // had 老王 been away that day, another senior takes them, naming him
    let wd = Workdir::new();
    wd.write("agents.csv", ROSTER);
    wd.write("d1.csv", export(&day1()));
    run_day(&wd, "d1.csv", "2026-11-24");
    wd.run(&["record", "triage-out/calls/老王.csv", "--today", "2026-11-24"])
        .expect_code(0)
        .expect_stdout_contains("3 buyers left empty")
        .expect_stderr_contains("老王.csv: no result written in it");
    wd.write(
        "agents.csv",
        "name,level,capacity,available\n新人甲,junior,2,yes\n老王,senior,3,no\n老李,senior,3,yes\n",
    );
    wd.write("d2.csv", export(&d2));
    run_day(&wd, "d2.csv", "2026-11-25");
    let l = lists_of(&wd, &["老李"]);
    for order in ["1004", "1005", "1006"] {
        assert_eq!(l[order].1, "上次未打：原由老王跟进", "{l:?}");
    }
    // dealt again, they are 老李's open cases now, not owed a call twice
    assert_eq!(
        ledger_count(&wd, "SELECT COUNT(*) FROM cases WHERE status = 'uncalled'"),
        0
    );
    // 老王's day-1 list handed in again late says nothing of 老李's day
    let old = "triage-out/archive/calls-replaced-2026-11-25/老王.csv";
    assert!(wd.join(old).exists());
    let late = wd.run(&["record", old, "--today", "2026-11-25"]);
    late.expect_code(0);
    assert!(!late.stdout().contains("left empty"), "{}", late.stdout());
    assert_eq!(
        ledger_count(&wd, "SELECT COUNT(*) FROM cases WHERE status = 'uncalled'"),
        0
    );
    let l = lists_of(&wd, &["老李"]);
    assert_eq!(
        wd.csv_rows("triage-out/calls/老李.csv")[0]["派单日期"],
        "2026-11-25",
        "{l:?}"
    );
}
