//! CSV files: `triaged.csv` for scripts, call lists and the backlog for
//! people, `rejected.csv` for whoever fixes the export.
//!
//! Files for people open in Excel and WPS on Windows: UTF-8 with a BOM,
//! Chinese headers, long order numbers kept as text, and any cell a
//! spreadsheet would run as a formula neutralised. Writers only write: the
//! rows arrive sorted and complete.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::input::Rejected;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell of free text, safe to open in a spreadsheet: a leading = + - @ (or
/// tab, carriage return) would start a formula, so it gets a `'` before it.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// An order number a spreadsheet keeps whole: long digit strings are written
/// as `="…"`, which Excel and WPS show as text instead of 3.8E+18
/// (`input::bare_order` reads it back).
pub fn order_cell(s: &str) -> Cow<'_, str> {
    if s.len() >= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Cow::Owned(format!("=\"{s}\""))
    } else {
        safe_cell(s)
    }
}

/// One row of `triaged.csv`: stable English headers, raw values.
#[derive(Debug, Serialize)]
pub struct TriagedRow<'a> {
    pub order_id: &'a str,
    pub buyer: &'a str,
    /// `mid` or `low`.
    pub rating: &'static str,
    pub created_at: &'a str,
    pub item: &'a str,
    /// Tier key (`courier`).
    pub tier: &'static str,
    /// Every cause, `|`-joined, highest first.
    pub causes: String,
    /// What decided, `kind=words; …`.
    pub evidence: String,
    /// Agent's name; empty when no roster was given or the case waits.
    pub agent: &'a str,
    pub text: &'a str,
    pub follow_up: &'a str,
    /// Input file and the line the record starts on.
    pub source_file: &'a str,
    pub source_line: u64,
}

/// One row of an agent's call list (and of the backlog), in Chinese.
/// Headers are `CALL_HEADERS`, in field order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow<'a> {
    /// The case's tier, `2 快递`.
    pub tier: String,
    pub order_id: Cow<'a, str>,
    pub buyer: Cow<'a, str>,
    /// 中评 / 差评.
    pub rating: &'static str,
    pub created_at: Cow<'a, str>,
    pub item: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub follow_up: Cow<'a, str>,
    /// This review's causes, in Chinese.
    pub causes: String,
    pub evidence: String,
    /// The opening line for the case's tier.
    pub opening: &'a str,
    /// Why the case comes back from an earlier run (昨日积压, 升级, 未接通,
    /// 买家又评), or empty.
    pub comeback: Cow<'a, str>,
    /// How to reach the buyer: 电话, or 消息 while a buyer not reached gets messages first.
    pub channel: &'static str,
    /// Left for the agent: 已解决 / 未解决 / 未接通 / 已改评.
    pub result: String,
    pub note: String,
    /// The day the list was dealt (YYYY-MM-DD): which handing-out a row
    /// left empty speaks of, when `record` reads it back.
    pub day: &'a str,
}

impl CallRow<'_> {
    fn record(&self) -> [&str; 16] {
        [
            &self.tier,
            &self.order_id,
            &self.buyer,
            self.rating,
            &self.created_at,
            &self.item,
            &self.text,
            &self.follow_up,
            &self.causes,
            &self.evidence,
            self.opening,
            &self.comeback,
            self.channel,
            &self.result,
            &self.note,
            self.day,
        ]
    }
}

/// A backlog row: the call-list row and why nobody took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogRow<'a> {
    pub call: CallRow<'a>,
    pub reason: &'static str,
}

/// Headers of a call list, in `CallRow` field order.
pub const CALL_HEADERS: [&str; 16] = [
    "档位",
    "订单编号",
    "买家",
    "评价等级",
    "评价时间",
    "宝贝",
    "评价内容",
    "追评",
    "原因",
    "依据",
    "开场白",
    "跟进",
    "方式",
    "结果",
    "备注",
    "派单日期",
];

fn writer(w: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new().from_writer(w)
}

/// `n` rows formatted on every core, a block at a time, and written in
/// order: the same bytes one writer would give, in a fraction of the time
/// on a million-row run. `row(i, csv)` writes row `i`.
fn write_parallel(
    w: &mut dyn Write,
    n: usize,
    row: impl Fn(usize, &mut csv::Writer<Vec<u8>>) -> Result<()> + Sync,
) -> Result<()> {
    const BLOCK: usize = 2048;
    let blocks: Vec<(usize, usize)> = (0..n).step_by(BLOCK).map(|s| (s, (s + BLOCK).min(n))).collect();
    for round in blocks.chunks(16) {
        let bufs = round
            .par_iter()
            .map(|&(start, end)| -> Result<Vec<u8>> {
                let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
                for i in start..end {
                    row(i, &mut csv)?;
                }
                csv.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
            })
            .collect::<Result<Vec<Vec<u8>>>>()?;
        for b in bufs {
            w.write_all(&b)?;
        }
    }
    Ok(())
}

/// `triaged.csv`: UTF-8 without BOM, for scripts; `row(i)` is row `i` of `n`.
pub fn write_triaged<'a>(w: &mut dyn Write, n: usize, row: impl Fn(usize) -> TriagedRow<'a> + Sync) -> Result<()> {
    let mut csv = writer(w);
    csv.write_record([
        "order_id",
        "buyer",
        "rating",
        "created_at",
        "item",
        "tier",
        "causes",
        "evidence",
        "agent",
        "text",
        "follow_up",
        "source_file",
        "source_line",
    ])?;
    csv.flush()?;
    drop(csv);
    write_parallel(w, n, |i, csv| Ok(csv.serialize(row(i))?))
}

/// An agent's call list: UTF-8 with BOM, Chinese headers.
pub fn write_calls(w: &mut dyn Write, rows: &[CallRow<'_>]) -> Result<()> {
    w.write_all(BOM)?;
    let mut csv = writer(w);
    csv.write_record(CALL_HEADERS)?;
    for r in rows {
        csv.write_record(r.record())?;
    }
    csv.flush()?;
    Ok(())
}

/// `backlog.csv`: like a call list, with the reason it waits; `row(i)` is
/// row `i` of `n`.
pub fn write_backlog<'a>(w: &mut dyn Write, n: usize, row: impl Fn(usize) -> BacklogRow<'a> + Sync) -> Result<()> {
    w.write_all(BOM)?;
    let mut csv = writer(w);
    let mut h: Vec<&str> = CALL_HEADERS.to_vec();
    h.push("未分配原因");
    csv.write_record(h)?;
    csv.flush()?;
    drop(csv);
    write_parallel(w, n, |i, csv| {
        let r = row(i);
        for cell in r.call.record() {
            csv.write_field(cell)?;
        }
        csv.write_field(r.reason)?;
        csv.write_record(None::<&[u8]>)?;
        Ok(())
    })
}

/// `rejected.csv`: every row that could not be read, with where and why.
pub fn write_rejected(w: &mut dyn Write, rows: &[Rejected]) -> Result<()> {
    w.write_all(BOM)?;
    let mut csv = writer(w);
    csv.write_record(["file", "line", "reason", "raw"])?;
    for r in rows {
        csv.write_record([r.file.as_str(), &r.line.to_string(), &r.reason, &safe_cell(&r.raw)])?;
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_safe_in_spreadsheets() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+86 138"), "'+86 138");
        assert_eq!(safe_cell("-差评"), "'-差评");
        assert_eq!(safe_cell("@客服"), "'@客服");
        assert_eq!(safe_cell("快递太慢"), "快递太慢");
        assert_eq!(order_cell("3849201938475610293"), "=\"3849201938475610293\"");
        assert_eq!(order_cell("A123"), "A123");
    }

    #[test]
    fn call_list_has_bom_and_chinese_headers() {
        let mut buf = Vec::new();
        write_calls(&mut buf, &[]).unwrap();
        assert!(buf.starts_with(BOM));
        let text = String::from_utf8(buf[3..].to_vec()).unwrap();
        assert!(text.starts_with("档位,订单编号,买家,评价等级,评价时间"), "{text}");
    }
}
