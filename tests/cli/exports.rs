//! Real exports and bad input: encodings, header names, ratings, bad rows.

use crate::util::{taobao_export, Workdir};

/// The same five reviews, as a JD back end names its columns.
const JD_ROWS: &[[&str; 5]] = &[
    [
        "2233445566778899001",
        "jd_小王",
        "1",
        "快递太慢了，一个星期才到",
        "2026-11-20 10:00:00",
    ],
    ["2233445566778899002", "李**", "5", "很好", "2026-11-20 11:00:00"],
    [
        "2233445566778899003",
        "jd_阿强",
        "2",
        "洗了一次就起球\n质量太差",
        "2026-11-21 09:00:00",
    ],
    [
        "2233445566778899004",
        "jd_七七",
        "3",
        "还行吧，凑合",
        "2026-11-21 10:00:00",
    ],
    [
        "2233445566778899005",
        "jd_老陈",
        "1",
        "发错颜色了",
        "2026-11-22 10:00:00",
    ],
];

fn jd_text(sep: &str) -> String {
    let mut s = ["订单号", "用户昵称", "评分", "评论内容", "评论时间"].join(sep);
    s.push_str("\r\n");
    for r in JD_ROWS {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        s.push_str(&cells.join(sep));
        s.push_str("\r\n");
    }
    s
}

#[test]
fn the_same_reviews_in_any_encoding_or_separator_give_the_same_triage() {
    let wd = Workdir::new();
    let text = jd_text(",");
    wd.write("utf8.csv", &text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    wd.write("utf8bom.csv", bom);
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    wd.write("gbk.csv", gbk.as_ref());
    let tab = jd_text("\t");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in tab.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    wd.write("utf16.txt", utf16);
    // tab-separated text saved as UTF-8, and as GBK under a title line
    wd.write("tab.csv", &tab);
    let titled = format!("京东评价导出 2026-11-22\r\n{tab}");
    let (gbk_tab, _, _) = encoding_rs::GB18030.encode(&titled);
    wd.write("gbk-tab.txt", gbk_tab.as_ref());
    let mut outputs = Vec::new();
    for f in [
        "utf8.csv",
        "utf8bom.csv",
        "gbk.csv",
        "utf16.txt",
        "tab.csv",
        "gbk-tab.txt",
    ] {
        let out = format!("out-{f}");
        wd.run(&[f, "--out", &out]).expect_code(0);
        let rows = wd.csv_rows(&format!("{out}/triaged.csv"));
        let tiers: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r["order_id"].clone(), r["tier"].clone(), r["text"].clone()))
            .collect();
        outputs.push((f, tiers));
    }
    let want = vec![
        (
            "2233445566778899001".to_string(),
            "courier".to_string(),
            JD_ROWS[0][3].to_string(),
        ),
        (
            "2233445566778899003".to_string(),
            "quality".to_string(),
            JD_ROWS[2][3].to_string(),
        ),
        (
            "2233445566778899004".to_string(),
            "new_buyer".to_string(),
            JD_ROWS[3][3].to_string(),
        ),
        (
            "2233445566778899005".to_string(),
            "service".to_string(),
            JD_ROWS[4][3].to_string(),
        ),
    ];
    for (f, got) in outputs {
        assert_eq!(got, want, "{f}");
    }
    let s = wd.json("out-gbk.csv/summary.json");
    assert_eq!(s["files"][0]["encoding"], "gb18030");
}

#[test]
fn bad_rows_are_rejected_with_file_line_and_reason_and_counted() {
    let wd = Workdir::new();
    let big = "长".repeat(30_000);
    let body = format!(
        "订单编号,买家昵称,评价等级,评价内容\n\
         1,a,差评,快递太慢\n\
         \n\
         2,b,很好吧,一般\n\
         3,c,差评\n\
         4,d,,没打分\n\
         5,e,中评,\"第一行\n第二行 质量差\"\n\
         6,f,差评,{big}\n\
         7,g,差评,快递太慢\n\
         7,g,差评,快递太慢\n"
    );
    let mut bytes = body.into_bytes();
    // a stray byte that is not UTF-8, in row 8
    bytes.extend_from_slice(b"8,h,\xE5\xB7,\xFF\xFE bad\n");
    wd.write("messy.csv", &bytes);
    let run = wd.run(&["messy.csv"]);
    run.expect_code(3).expect_stdout_contains("5 rows rejected: see");
    let s = wd.json("triage-out/summary.json");
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("rows_read"), 9);
    assert_eq!(n("triaged"), 3, "rows 1, 5 and 7");
    assert_eq!(n("skipped_duplicate"), 1);
    assert_eq!(n("rejected"), 5);
    assert_eq!(n("rows_read"), n("skipped") + n("triaged") + n("rejected"));
    let rej = wd.csv_rows("triage-out/rejected.csv");
    let got: Vec<(String, String)> = rej.iter().map(|r| (r["line"].clone(), r["reason"].clone())).collect();
    assert_eq!(
        got,
        [
            (
                "4".into(),
                "unreadable rating `很好吧` (expected 好评/中评/差评, good/neutral/bad, 1-5 or ★)".into()
            ),
            ("5".into(), "3 fields, but the header has 4".into()),
            ("6".into(), "empty rating".into()),
            ("9".into(), "review text is 90000 bytes, over the limit of 65536".into()),
            ("12".into(), "column 3: bytes that are not valid UTF-8".into()),
        ]
    );
    assert!(rej.iter().all(|r| r["file"] == "messy.csv"));
    assert!(rej[0]["raw"].contains("很好吧"));
    let rows = wd.csv_rows("triage-out/triaged.csv");
    assert_eq!(rows[1]["text"], "第一行\n第二行 质量差");
    assert_eq!(rows[1]["source_line"], "7");

    // the same file saved on Windows (CRLF) names the same lines
    let crlf: Vec<u8> = bytes
        .iter()
        .flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] })
        .collect();
    wd.write("messy.csv", crlf);
    wd.run(&["messy.csv"]).expect_code(3);
    let rej = wd.csv_rows("triage-out/rejected.csv");
    let lines: Vec<&str> = rej.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["4", "5", "6", "9", "12"]);
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let lines: Vec<&str> = rows.iter().map(|r| r["source_line"].as_str()).collect();
    assert_eq!(lines, ["2", "7", "10"]);
    assert_eq!(rows[1]["text"], "第一行\n第二行 质量差");

    wd.write(
        "one.csv",
        "订单编号,买家昵称,评价等级,评价内容\n1,a,差评,快递太慢\n2,b,,没打分\n",
    );
    wd.run(&["one.csv"])
        .expect_code(3)
        .expect_stdout_contains("1 row rejected: see");
}

#[test]
fn several_files_count_a_review_once() {
    let wd = Workdir::new();
    let day1 = taobao_export(&[
        ["1", "a", "x", "差评", "快递太慢", "2026-11-01"],
        ["2", "b", "x", "差评", "质量差", "2026-11-01"],
    ]);
    let day2 = taobao_export(&[
        ["2", "b", "x", "差评", "质量差", "2026-11-01"],
        ["3", "c", "x", "好评", "好", "2026-11-02"],
    ]);
    wd.write("d1.csv", day1);
    wd.write("d2.csv", day2);
    wd.run(&["d1.csv", "d2.csv"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(s["triaged"], 2);
    assert_eq!(s["skipped_duplicate"], 1);
    assert_eq!(s["files"][1]["rows_read"], 2);
    assert_eq!(s["files"][1]["skipped"], 2);
}

#[test]
fn headers_are_found_by_alias_or_mapped_by_flag() {
    let wd = Workdir::new();
    wd.write(
        "api.csv",
        "tid,nick,result,content,created\n9,x,bad,快递太慢了,2026-11-01\n",
    );
    wd.run(&["api.csv"]).expect_code(0);
    assert_eq!(wd.csv_rows("triage-out/triaged.csv")[0]["tier"], "courier");

    // headers that only hold a field's word are found too (我的评价, 打分)
    wd.write("own.csv", "单号,我的评价,打分,商家回复\n9,快递太慢了,1星,亲亲抱歉\n");
    wd.run(&["own.csv"]).expect_code(0);
    let row = &wd.csv_rows("triage-out/triaged.csv")[0];
    assert_eq!((row["text"].as_str(), row["rating"].as_str()), ("快递太慢了", "low"));

    wd.write("odd.csv", "单号,买家反馈,满意度\n9,快递太慢了,1星\n");
    wd.run(&["odd.csv"]).expect_code(1).expect_stderr_contains(
        "odd.csv:1: no review text column. Headers found: 单号, 买家反馈, 满意度. Map one with --column text=HEADER",
    );
    wd.run(&[
        "odd.csv",
        "--column",
        "text=买家反馈",
        "--column",
        "rating=满意度",
        "--column",
        "order=单号",
    ])
    .expect_code(0);
    assert_eq!(wd.csv_rows("triage-out/triaged.csv")[0]["order_id"], "9");
    wd.run(&["odd.csv", "--column", "text=评语"])
        .expect_code(1)
        .expect_stderr_contains("--column text=评语: no such header");
    wd.run(&["odd.csv", "--column", "txt=买家反馈"])
        .expect_stderr_contains("unknown field `txt`");
}

#[test]
fn a_title_above_the_headers_is_passed_over_and_lines_stay_true() {
    let wd = Workdir::new();
    wd.write(
        "titled.csv",
        "评价导出（2026-11-20）,,\n,,\n订单编号,评价等级,评价内容\n11,差评,衣服掉毛严重\n12,中评,物流太慢了\n",
    );
    wd.run(&["titled.csv"])
        .expect_code(0)
        .expect_stderr_contains("titled.csv: the headers are on line 3; the 2 lines above them");
    let rows = wd.csv_rows("triage-out/triaged.csv");
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["order_id"].as_str(), r["source_line"].as_str()))
        .collect();
    assert_eq!(got, [("11", "4"), ("12", "5")]);
    assert_eq!(wd.json("triage-out/summary.json")["rows_read"], 2);
    // no header in the first lines at all: the first line is what is named
    let mut junk = String::new();
    for i in 0..12 {
        junk.push_str(&format!("x{i},y{i}\n"));
    }
    junk.push_str("订单编号,评价等级,评价内容\n");
    wd.write("junk.csv", junk);
    wd.run(&["junk.csv"])
        .expect_code(1)
        .expect_stderr_contains("junk.csv:1: no review text column. Headers found: x0, y0");
}

#[test]
fn order_numbers_rounded_by_excel_do_not_merge_buyers() {
    let wd = Workdir::new();
    // three masked buyers whose order numbers Excel turned into one value
    wd.write(
        "excel.csv",
        "订单编号,买家昵称,评价时间,评价等级,评价内容\n\
         2.23345E+18,t**1,2026-11-20 10:00,差评,东西是坏的\n\
         2.23345E+18,t**1,2026-11-20 11:00,差评,东西是坏的\n\
         2.23345E+18,t**1,2026-11-20 12:00,差评,东西是坏的\n\
         '2.23345E+18,t**1,2026-11-20 13:00,差评,东西是坏的\n",
    );
    wd.write("agents.csv", "name,level,capacity\n张敏,senior,70\n");
    wd.run(&["excel.csv", "--agents", "agents.csv"])
        .expect_code(0)
        .expect_stderr_contains("excel.csv: 4 order numbers were rounded by Excel");
    let s = wd.json("triage-out/summary.json");
    assert_eq!((s["triaged"].as_u64(), s["skipped"].as_u64()), (Some(4), Some(0)));
    let rows = wd.csv_rows("triage-out/triaged.csv");
    assert!(rows.iter().all(|r| r["order_id"].is_empty()), "{rows:?}");
}

#[test]
fn a_time_that_is_no_date_is_named_and_its_review_kept() {
    let wd = Workdir::new();
    wd.write(
        "times.csv",
        "订单编号,买家昵称,评价时间,评价等级,评价内容\n\
         1001,阿花,2026-11-20 10:00,差评,东西是坏的\n\
         1002,小猫,2026-13-40 99:99,差评,睡衣掉毛\n\
         1003,老王,昨天,中评,快递太慢\n\
         1004,大李,,中评,还行吧\n",
    );
    wd.write("agents.csv", "name,level,capacity\n张敏,senior,70\n");
    wd.run(&["times.csv", "--agents", "agents.csv"])
        .expect_code(0)
        .expect_stderr_contains(
        "times.csv: 2 review times could not be read as a date (first: line 3, column 评价时间: \"2026-13-40 99:99\")",
    );
    // every review is triaged; within its tier the undated one comes last
    let rows = wd.csv_rows("triage-out/triaged.csv");
    assert_eq!(rows.len(), 4, "{rows:?}");
    let quality: Vec<String> = wd
        .csv_rows("triage-out/calls/张敏.csv")
        .into_iter()
        .filter(|r| r["档位"] == "4 质量")
        .map(|r| r["评价内容"].clone())
        .collect();
    assert_eq!(quality, ["东西是坏的", "睡衣掉毛"]);
    // an empty time is no error: nothing to warn of in a file without one
    wd.write("plain.csv", "订单编号,评价等级,评价内容\n1005,差评,东西是坏的\n");
    let run = wd.run(&["plain.csv", "--out", "plain-out"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("could not be read as a date"));
}

#[test]
fn order_numbers_kept_as_text_read_the_same_as_plain_ones() {
    let wd = Workdir::new();
    // a helper tool writes '… or ="…" so that Excel keeps the digits
    wd.write(
        "tool.csv",
        "订单编号,买家昵称,评价时间,评价等级,评价内容\n\
         '3391027745512093811,小猫爱吃鱼,2026-11-20 10:00,差评,睡衣掉毛\n\
         \"=\"\"3391027745512093812\"\"\",阿花,2026-11-20 11:00,中评,快递太慢\n",
    );
    wd.write(
        "plain.csv",
        "订单编号,买家昵称,评价时间,评价等级,评价内容\n\
         3391027745512093811,小猫爱吃鱼,2026-11-20 10:00,差评,睡衣掉毛\n",
    );
    wd.run(&["tool.csv", "plain.csv"]).expect_code(0);
    let s = wd.json("triage-out/summary.json");
    assert_eq!(
        (s["triaged"].as_u64(), s["skipped_duplicate"].as_u64()),
        (Some(2), Some(1))
    );
    let orders: Vec<String> = wd
        .csv_rows("triage-out/triaged.csv")
        .iter()
        .map(|r| r["order_id"].clone())
        .collect();
    assert_eq!(orders, ["3391027745512093811", "3391027745512093812"]);
}

#[test]
fn empty_and_header_only_files() {
    let wd = Workdir::new();
    wd.write("empty.csv", "");
    wd.write("header.csv", "订单编号,评价等级,评价内容\n");
    wd.run(&["empty.csv"])
        .expect_code(1)
        .expect_stderr_contains("nothing to triage");
    let run = wd.run(&["header.csv", "empty.csv"]);
    run.expect_code(0)
        .expect_stderr_contains("empty.csv: the file is empty");
    let s = wd.json("triage-out/summary.json");
    assert_eq!(s["rows_read"], 0);
    // a workbook saved as .xlsx is named for what it is
    wd.write("week.xlsx", b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml");
    wd.run(&["week.xlsx"])
        .expect_code(1)
        .expect_stderr_contains("week.xlsx: this is an Excel workbook, not a CSV");
    // so is a web page saved under an .xls name, as some back ends export
    wd.write(
        "week.xls",
        "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>订单编号</td><td>评价内容</td><td>评价等级</td></tr></table></body></html>",
    );
    wd.run(&["week.xls"])
        .expect_code(1)
        .expect_stderr_contains("week.xls: this is a web page (HTML table), not a CSV");
}

#[test]
fn follow_ups_are_read_with_the_review() {
    let wd = Workdir::new();
    wd.write(
        "r.csv",
        "订单编号,评价等级,评价内容,追评内容\n1,中评,还行,用了三天就坏了\n",
    );
    wd.run(&["r.csv"]).expect_code(0);
    let rows = wd.csv_rows("triage-out/triaged.csv");
    assert_eq!(rows[0]["tier"], "quality");
    assert_eq!(rows[0]["follow_up"], "用了三天就坏了");
}

#[test]
fn a_forced_encoding_is_used() {
    let wd = Workdir::new();
    let (gbk, _, _) = encoding_rs::GB18030.encode("评价内容,评价等级\n快递太慢了,差评\n");
    wd.write("gbk.csv", gbk.as_ref());
    wd.run(&["gbk.csv", "--encoding", "gbk"]).expect_code(0);
    assert_eq!(wd.csv_rows("triage-out/triaged.csv")[0]["tier"], "courier");
    // read as UTF-8, the same bytes are not valid: the header is not found
    wd.run(&["gbk.csv", "--encoding", "utf-8"])
        .expect_code(1)
        .expect_stderr_contains("no review text column");
}
