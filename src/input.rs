//! Reading review exports: every CSV the tool reads goes through here.
//!
//! Owns encoding and delimiter detection, the header alias table, rating
//! parsing and the reasons a row is rejected. It streams: one record buffer
//! is reused and each row is handed to the caller as it is read. It does not
//! classify, deduplicate across files or write anything.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::classify::Stars;

/// Longest review text read; a longer field is rejected, not truncated.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A column the tool understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    Rating,
    Order,
    Buyer,
    Time,
    Item,
    FollowUp,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Text,
        Field::Rating,
        Field::Order,
        Field::Buyer,
        Field::Time,
        Field::Item,
        Field::FollowUp,
    ];

    /// The name used with `--column`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Rating => "rating",
            Field::Order => "order",
            Field::Buyer => "buyer",
            Field::Time => "time",
            Field::Item => "item",
            Field::FollowUp => "follow_up",
        }
    }

    pub fn from_key(k: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == k)
    }

    /// Header names real exports use, compared after trimming and lower-casing.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Text => &[
                "评价内容",
                "初评内容",
                "评论内容",
                "内容",
                "评价",
                "content",
                "comment",
                "text",
                "review",
            ],
            Field::Rating => &[
                "评价等级",
                "评价结果",
                "评价",
                "评分",
                "星级",
                "评价星级",
                "score",
                "rating",
                "result",
                "rate",
            ],
            Field::Order => &["订单编号", "订单号", "子订单号", "order_id", "tid", "oid", "orderid"],
            Field::Buyer => &[
                "买家昵称",
                "用户昵称",
                "会员名",
                "买家",
                "nick",
                "user_nick",
                "nickname",
                "buyer",
            ],
            Field::Time => &[
                "评价时间",
                "评论时间",
                "创建时间",
                "created",
                "comment_time",
                "creationtime",
                "created_at",
                "time",
            ],
            Field::Item => &["宝贝名称", "商品名称", "商品", "item_title", "skuname", "item"],
            Field::FollowUp => &["追评内容", "追加评论", "append_content", "follow_up"],
        }
    }

    /// Words a header of this field holds, in order of preference, and words
    /// that rule a header out (a seller's reply, a logistics score, a date).
    fn header_words(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Field::FollowUp => (
                &["追评", "追加", "append"],
                &["时间", "日期", "图", "回复", "time", "date"],
            ),
            Field::Rating => (
                &[
                    "评分",
                    "星级",
                    "评级",
                    "等级",
                    "分数",
                    "打分",
                    "描述分",
                    "描述相符",
                    "星",
                    "score",
                    "rating",
                ],
                &[
                    "物流", "快递", "服务", "卖家", "店铺", "商家", "发货", "包装", "时间", "日期", "会员", "买家",
                    "用户", "信用",
                ],
            ),
            Field::Time => (
                &[
                    "评价时间",
                    "评论时间",
                    "评价日期",
                    "评论日期",
                    "时间",
                    "日期",
                    "time",
                    "date",
                ],
                &[
                    "追",
                    "下单",
                    "付款",
                    "支付",
                    "发货",
                    "收货",
                    "回复",
                    "成交",
                    "订单",
                    "创建订单",
                ],
            ),
            Field::Order => (
                &["订单", "order"],
                &["时间", "日期", "状态", "金额", "类型", "来源", "备注"],
            ),
            Field::Text => (
                &[
                    "评价内容",
                    "评论内容",
                    "初评",
                    "评价",
                    "评论",
                    "评语",
                    "内容",
                    "content",
                    "comment",
                    "review",
                ],
                &[
                    "追", "回复", "解释", "时间", "日期", "等级", "星", "分", "图", "视频", "状态", "编号", "类型",
                    "是否", "标签", "id", "time", "date", "reply",
                ],
            ),
            Field::Buyer => (
                &[
                    "昵称",
                    "会员",
                    "用户名",
                    "买家",
                    "用户",
                    "客户",
                    "nick",
                    "buyer",
                    "user",
                ],
                &[
                    "时间", "日期", "备注", "留言", "地址", "电话", "手机", "评价", "评论", "内容", "等级", "信用",
                ],
            ),
            Field::Item => (
                &["宝贝", "商品", "标题", "item", "sku", "product", "title"],
                &["评", "编号", "id", "数量", "价格", "金额", "链接", "图", "规格", "属性"],
            ),
        }
    }
}

/// What the rating column says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Good,
    Mid,
    Low,
}

/// True when `head` (a file's first bytes) is an HTML page with a table:
/// it opens with a tag, and `<table` comes in it (ASCII in UTF-8 and GBK
/// alike; UTF-16 text is read as such first).
fn is_web_page(head: &[u8]) -> bool {
    let text = match Encoding::for_bom(head) {
        Some((enc, bom)) => enc.decode_without_bom_handling(&head[bom..]).0.into_owned(),
        None => String::from_utf8_lossy(head).into_owned(),
    };
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with('<') && lower.contains("<table")
}

impl Rating {
    /// Read a rating as exports write it: 好评/中评/差评, good/neutral/bad,
    /// 1-5, 1星..5星 (3颗星, 3/5), ★ counts. `None` when it cannot be read.
    pub fn parse(raw: &str) -> Option<Rating> {
        // full-width digits and slash as Excel on Chinese Windows may keep them (３星)
        let s: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' | '／' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                c => c,
            })
            .collect();
        let s = s.to_lowercase();
        let s = s.trim_matches(|c: char| c == '"' || c == '\'');
        // a note in brackets after the rating says nothing more: 中评(3), 差评（1星）
        let s = match s.split_once(['(', '（']) {
            Some((head, _)) if !head.trim().is_empty() => head.trim(),
            _ => s,
        };
        match s {
            "好评" | "good" | "positive" | "好" => return Some(Rating::Good),
            "中评" | "neutral" | "mid" | "medium" | "中" => return Some(Rating::Mid),
            "差评" | "bad" | "negative" | "poor" | "差" => return Some(Rating::Low),
            _ => {}
        }
        // 5星好评, 一星差评: the one kind named says it
        let named: Vec<Rating> = [("好评", Rating::Good), ("中评", Rating::Mid), ("差评", Rating::Low)]
            .into_iter()
            .filter(|(word, _)| s.contains(word))
            .map(|(_, r)| r)
            .collect();
        if let [r] = named[..] {
            return Some(r);
        }
        let stars = s.chars().filter(|&c| c == '★').count();
        if stars > 0 && s.chars().all(|c| c == '★' || c == '☆' || c.is_whitespace()) {
            return Rating::from_stars(stars as f64);
        }
        // 3/5: stars out of five
        let s = match s.split_once('/') {
            Some((n, d)) if d.trim() == "5" => n.trim(),
            Some(_) => return None,
            None => s,
        };
        let s = s
            .trim_end_matches("星级")
            .trim_end_matches("星")
            .trim_end_matches("颗")
            .trim_end_matches("个")
            .trim_end_matches("分")
            .trim_end_matches("stars")
            .trim_end_matches("star")
            .trim();
        let n = match s {
            "一" => Some(1.0),
            "二" | "两" => Some(2.0),
            "三" => Some(3.0),
            "四" => Some(4.0),
            "五" => Some(5.0),
            _ => s.parse::<f64>().ok(),
        }?;
        Rating::from_stars(n)
    }

    fn from_stars(n: f64) -> Option<Rating> {
        if !(1.0..=5.0).contains(&n) {
            return None;
        }
        Some(if n >= 4.0 {
            Rating::Good
        } else if n >= 3.0 {
            Rating::Mid
        } else {
            Rating::Low
        })
    }

    /// Stable key for scripts.
    pub fn key(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Mid => "mid",
            Rating::Low => "low",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Rating::Good => "好评",
            Rating::Mid => "中评",
            Rating::Low => "差评",
        }
    }

    pub fn stars(self) -> Option<Stars> {
        match self {
            Rating::Good => None,
            Rating::Mid => Some(Stars::Mid),
            Rating::Low => Some(Stars::Low),
        }
    }
}

/// One mid/low review as read.
///
/// Its six text fields live in one allocation (a million reviews are held
/// at once on a big run); read them through the methods of the same names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Index of the input file in the run.
    pub file: usize,
    /// Line where the record starts (1-based, header is line 1).
    pub line: u64,
    pub rating: Rating,
    /// order id, buyer, time, item, text and follow-up, one after another.
    fields: Box<str>,
    /// Where each of those ends in `fields`.
    ends: [u32; 6],
}

/// The text fields of a review, to make one.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewFields<'a> {
    pub order_id: &'a str,
    pub buyer: &'a str,
    pub created_at: &'a str,
    pub item: &'a str,
    pub text: &'a str,
    pub follow_up: &'a str,
}

impl Review {
    pub fn new(file: usize, line: u64, rating: Rating, f: ReviewFields<'_>) -> Review {
        let parts = [f.order_id, f.buyer, f.created_at, f.item, f.text, f.follow_up];
        let mut fields = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0u32; 6];
        for (end, part) in ends.iter_mut().zip(parts) {
            fields.push_str(part);
            // a CSV row of 4 GiB is not something an export holds
            *end = u32::try_from(fields.len()).unwrap_or(u32::MAX);
        }
        Review {
            file,
            line,
            rating,
            fields: fields.into_boxed_str(),
            ends,
        }
    }

    fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.fields[start..self.ends[i] as usize]
    }

    pub fn order_id(&self) -> &str {
        self.field(0)
    }

    pub fn buyer(&self) -> &str {
        self.field(1)
    }

    pub fn created_at(&self) -> &str {
        self.field(2)
    }

    pub fn item(&self) -> &str {
        self.field(3)
    }

    pub fn text(&self) -> &str {
        self.field(4)
    }

    pub fn follow_up(&self) -> &str {
        self.field(5)
    }

    /// The text classified: the review and the buyer's follow-up together.
    pub fn full_text(&self) -> std::borrow::Cow<'_, str> {
        if self.follow_up().trim().is_empty() {
            std::borrow::Cow::Borrowed(self.text())
        } else {
            std::borrow::Cow::Owned(format!("{} {}", self.text(), self.follow_up()))
        }
    }

    /// A 128-bit fingerprint of what makes two rows the same review: the
    /// order and the texts (or, without an order, buyer, time and texts).
    pub fn identity(&self) -> u128 {
        use std::hash::{Hash, Hasher};
        let half = |salt: u8| {
            let mut h = crate::text::stable_hasher();
            salt.hash(&mut h);
            if self.order_id().is_empty() {
                (self.buyer(), self.created_at()).hash(&mut h);
            } else {
                self.order_id().hash(&mut h);
            }
            (self.text(), self.follow_up()).hash(&mut h);
            h.finish()
        };
        (u128::from(half(1)) << 64) | u128::from(half(2))
    }
}

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub file: String,
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// What reading one row gave.
#[derive(Debug)]
pub enum Row {
    /// A mid/low review to triage.
    Review(Review),
    /// A good review: counted and skipped.
    Good,
    Rejected(Rejected),
}

/// How to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Forced encoding; detected when `None`.
    pub encoding: Option<&'static Encoding>,
    /// `--column field=header` mappings.
    pub columns: Vec<(Field, String)>,
}

/// A file that cannot be read at all.
#[derive(Debug)]
pub enum InputError {
    Io {
        file: String,
        err: io::Error,
    },
    Empty {
        file: String,
    },
    /// An Excel file (.xlsx or .xls) given where a CSV was expected.
    Workbook {
        file: String,
    },
    /// A web page holding a table (what some back ends save under an .xls
    /// name) given where a CSV was expected.
    WebPage {
        file: String,
    },
    MissingColumn {
        file: String,
        field: Field,
        found: Vec<String>,
    },
    UnknownColumn {
        file: String,
        field: Field,
        name: String,
        found: Vec<String>,
    },
    Csv {
        file: String,
        line: u64,
        err: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { file, err } => write!(f, "{file}: cannot read: {err}"),
            InputError::Empty { file } => write!(f, "{file}: the file is empty (no header row)"),
            InputError::Workbook { file } => write!(
                f,
                "{file}: this is an Excel workbook, not a CSV. Open it in Excel or WPS and save it as CSV (另存为 → CSV UTF-8), then run on the .csv"
            ),
            InputError::WebPage { file } => write!(
                f,
                "{file}: this is a web page (HTML table), not a CSV; some back ends export one under an .xls name. Open it in Excel or WPS and save it as CSV (另存为 → CSV UTF-8), then run on the .csv"
            ),
            InputError::MissingColumn { file, field, found } => write!(
                f,
                "{file}:1: no {} column. Headers found: {}. Map one with --column {}=HEADER",
                field_name(*field),
                found.join(", "),
                field.key()
            ),
            InputError::UnknownColumn {
                file,
                field,
                name,
                found,
            } => write!(
                f,
                "{file}:1: --column {}={name}: no such header. Headers found: {}",
                field.key(),
                found.join(", ")
            ),
            InputError::Csv { file, line, err } => write!(f, "{file}:{line}: {err}"),
        }
    }
}

impl std::error::Error for InputError {}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Text => "review text",
        Field::Rating => "rating",
        Field::Order => "order",
        Field::Buyer => "buyer",
        Field::Time => "time",
        Field::Item => "item",
        Field::FollowUp => "follow-up",
    }
}

/// What was learned about a file while opening it.
#[derive(Debug, Clone)]
pub struct FileFormat {
    pub encoding: &'static str,
    pub delimiter: u8,
    /// The line the headers are on (1 unless a title comes first).
    pub header_line: u64,
    /// Mid/low reviews whose order number Excel rounded (read as having none).
    pub rounded_orders: u64,
    /// Mid/low reviews with a time no date can be read from (they sort last
    /// in their tier), and the first of them: (line, column header, cell).
    pub unread_times: u64,
    pub first_unread_time: Option<(u64, String, String)>,
}

/// The last line a header row is looked for on.
const MAX_HEADER_LINE: u64 = 10;

/// Counts raw bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Pick an encoding from the first bytes: a BOM decides; else UTF-8 if the
/// bytes are valid UTF-8, else GB18030 (what Excel and WPS save on Chinese
/// Windows).
pub fn sniff_encoding(head: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return enc;
    }
    match std::str::from_utf8(head) {
        Ok(_) => encoding_rs::UTF_8,
        // a character cut off by the end of the sample is still UTF-8
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => encoding_rs::UTF_8,
        Err(_) => encoding_rs::GB18030,
    }
}

/// The delimiter of a header line: the most frequent of `,` `\t` `;`
/// outside quotes (comma when none).
pub fn sniff_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b'\t', b';'][best]
    }
}

/// Open a file (or `-` for stdin) as a decoded UTF-8 stream.
pub fn open_decoded(
    path: &Path,
    forced: Option<&'static Encoding>,
    count: Arc<AtomicU64>,
) -> Result<Decoded, InputError> {
    let shown = path.display().to_string();
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|err| InputError::Io {
            file: shown.clone(),
            err,
        })?)
    };
    let mut raw = Counting { inner: raw, count };
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut raw)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|err| InputError::Io {
            file: shown.clone(),
            err,
        })?;
    if head.is_empty() {
        return Err(InputError::Empty { file: shown });
    }
    // .xlsx is a zip, .xls an OLE compound file: say so, not "no text column"
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(InputError::Workbook { file: shown });
    }
    if is_web_page(&head) {
        return Err(InputError::WebPage { file: shown });
    }
    let enc = match forced {
        Some(e) => Encoding::for_bom(&head).map_or(e, |(b, _)| b),
        None => sniff_encoding(&head),
    };
    // the delimiter from the text itself: the decoder's first read may hand
    // out only a few bytes, less than a header line
    let delimiter = {
        let (enc, bom) = Encoding::for_bom(&head).unwrap_or((enc, 0));
        let (text, _) = enc.decode_without_bom_handling(&head[bom..]);
        sniff_delimiter_of_lines(&text)
    };
    let stream = io::Cursor::new(head).chain(raw);
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(enc))
        .bom_override(true)
        .strip_bom(true)
        .build(stream);
    Ok(Decoded {
        stream: Box::new(BufReader::with_capacity(256 * 1024, CrlfToLf::new(decoded))),
        encoding: enc,
        delimiter,
    })
}

/// An opened file, decoded to UTF-8 as it is read.
pub struct Decoded {
    pub stream: Box<dyn BufRead + Send>,
    pub encoding: &'static Encoding,
    /// The field delimiter sniffed from the first lines.
    pub delimiter: u8,
}

/// The delimiter of a file's first lines: that of the first of the first
/// ten lines holding any (a title line or a blank one above the headers has
/// none), comma when none does.
fn sniff_delimiter_of_lines(text: &str) -> u8 {
    text.lines()
        .take(MAX_HEADER_LINE as usize)
        .find(|l| l.contains([',', '\t', ';']))
        .map_or(b',', sniff_delimiter)
}

/// Turns each CRLF into LF as it reads. The CSV reader dates a record by
/// the line it starts on, and with CRLF (what Excel and WPS on Windows save)
/// it dates every record one line early; with LF it is exact. A lone CR is
/// left alone.
struct CrlfToLf<R> {
    inner: R,
    buf: Vec<u8>,
    /// Bytes of `buf` not yet handed out: `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// A CR at the end of the last chunk, waiting to see what follows it.
    held_cr: bool,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            buf: vec![0; 64 * 1024],
            pos: 0,
            end: 0,
            held_cr: false,
        }
    }

    /// Read the next chunk and drop each CR that comes before an LF.
    fn refill(&mut self) -> io::Result<()> {
        let start = usize::from(self.held_cr);
        if self.held_cr {
            self.buf[0] = b'\r';
        }
        let n = loop {
            match self.inner.read(&mut self.buf[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let mut len = start + n;
        // at the end of the input a held CR is just a CR; otherwise a CR
        // that ends the chunk waits for the next one
        self.held_cr = n > 0 && self.buf[len - 1] == b'\r';
        if self.held_cr {
            len -= 1;
        }
        let mut w = 0;
        for r in 0..len {
            if self.buf[r] == b'\r' && r + 1 < len && self.buf[r + 1] == b'\n' {
                continue;
            }
            self.buf[w] = self.buf[r];
            w += 1;
        }
        self.pos = 0;
        self.end = w;
        Ok(())
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.end {
            self.refill()?;
            if self.pos == self.end && !self.held_cr {
                return Ok(0);
            }
        }
        let n = out.len().min(self.end - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Resolve header names to column indices, once per file.
fn resolve_columns(file: &str, headers: &[String], opts: &InputOptions) -> Result<[Option<usize>; 7], InputError> {
    let norm: Vec<String> = headers
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{FEFF}').trim().to_lowercase())
        .collect();
    let found = || headers.iter().map(|h| h.trim().to_string()).collect::<Vec<_>>();
    let mut cols = [None; 7];
    for (i, field) in Field::ALL.iter().enumerate() {
        if let Some((_, name)) = opts.columns.iter().find(|(f, _)| f == field) {
            let want = name.trim().to_lowercase();
            match norm.iter().position(|h| *h == want) {
                Some(c) => cols[i] = Some(c),
                None => {
                    return Err(InputError::UnknownColumn {
                        file: file.to_string(),
                        field: *field,
                        name: name.clone(),
                        found: found(),
                    })
                }
            }
            continue;
        }
        // aliases in order of preference: the first alias present wins
        cols[i] = field.aliases().iter().find_map(|a| norm.iter().position(|h| h == a));
    }
    // Back ends name columns in many ways (商品评分, 初评, 宝贝标题, 买家会员名):
    // a field no alias found takes a free column whose header holds one of
    // its words and none of the words that mark another kind of column.
    // 追评 goes first so that 追评内容 is never read as the review itself.
    for field in [
        Field::FollowUp,
        Field::Rating,
        Field::Time,
        Field::Order,
        Field::Text,
        Field::Buyer,
        Field::Item,
    ] {
        let i = Field::ALL
            .iter()
            .position(|f| *f == field)
            .expect("every field is in ALL");
        if cols[i].is_some() {
            continue;
        }
        let (words, not) = field.header_words();
        cols[i] = words.iter().find_map(|w| {
            (0..norm.len())
                .find(|&c| !cols.contains(&Some(c)) && norm[c].contains(w) && !not.iter().any(|n| norm[c].contains(n)))
        });
    }
    // `评价` is an alias of both text and rating: where a file has a better
    // text column, 评价 is its rating, and the other way round.
    if cols[0].is_some() && cols[0] == cols[1] {
        let other_text = Field::Text
            .aliases()
            .iter()
            .filter_map(|a| norm.iter().position(|h| h == a))
            .find(|&c| Some(c) != cols[1]);
        let other_rating = Field::Rating
            .aliases()
            .iter()
            .filter_map(|a| norm.iter().position(|h| h == a))
            .find(|&c| Some(c) != cols[0]);
        if let Some(t) = other_text {
            cols[0] = Some(t);
        } else if let Some(r) = other_rating {
            cols[1] = Some(r);
        }
    }
    for (i, field) in [(0, Field::Text), (1, Field::Rating)] {
        if cols[i].is_none() {
            return Err(InputError::MissingColumn {
                file: file.to_string(),
                field,
                found: found(),
            });
        }
    }
    Ok(cols)
}

/// Read one export, handing each row to `on_row` as it is read.
///
/// Fails only when the file cannot be read at all (missing, empty, without a
/// text or rating column); a bad row is a `Row::Rejected` and reading goes on.
pub fn read_reviews(
    path: &Path,
    file_index: usize,
    opts: &InputOptions,
    count: Arc<AtomicU64>,
    mut on_row: impl FnMut(Row),
) -> Result<FileFormat, InputError> {
    let shown = path.display().to_string();
    let Decoded {
        stream,
        encoding: enc,
        delimiter,
    } = open_decoded(path, opts.encoding, count)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(stream);
    let mut record = csv::ByteRecord::new();
    // The header is the first line, or the first of the next few that names
    // a text and a rating column: an export saved from a spreadsheet may
    // open with a title (评价导出 2026-11-20) or a blank line.
    let mut first_problem = None;
    let (cols, width, header_line, header_names) = loop {
        let line = rdr.position().line();
        let more = rdr.read_byte_record(&mut record).map_err(|e| InputError::Csv {
            file: shown.clone(),
            line,
            err: e.to_string(),
        })?;
        if !more {
            return Err(first_problem.unwrap_or(InputError::Empty { file: shown }));
        }
        let headers: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
        match resolve_columns(&shown, &headers, opts) {
            Ok(cols) => {
                break (
                    cols,
                    headers.len(),
                    record.position().map_or(line, |p| p.line()),
                    headers,
                )
            }
            Err(e) if line > MAX_HEADER_LINE => return Err(first_problem.unwrap_or(e)),
            Err(e) => {
                first_problem.get_or_insert(e);
            }
        }
    };
    let enc_name = enc.name();
    let mut rounded = 0u64;
    let mut unread_times = 0u64;
    let mut first_unread_time = None;
    let time_header = cols[Field::Time as usize]
        .and_then(|c| header_names.get(c))
        .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string())
        .unwrap_or_default();
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_hint, |p| p.line());
                on_row(Row::Rejected(Rejected {
                    file: shown.clone(),
                    line,
                    reason: format!("unreadable CSV: {e}"),
                    raw: String::new(),
                }));
                continue;
            }
        }
        // The reader dates a record from before the blank lines it skipped;
        // count back from where the record ended instead.
        let inner: u64 = record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum();
        let before = record.position().map_or(line_hint, |p| p.line());
        let line = before.max(rdr.position().line().saturating_sub(1 + inner));
        let row = parse_row(&shown, line, file_index, &record, &cols, width, enc_name);
        // parse_row reads a rounded order number as none; count them for the warning
        let order_cell = cols[2].and_then(|c| record.get(c)).unwrap_or_default();
        if matches!(row, Row::Review(_)) && looks_rounded(bare_order(&String::from_utf8_lossy(order_cell))) {
            rounded += 1;
        }
        // a time written but not readable as one: the review is kept, and
        // the lead told why it sorts last
        if let Row::Review(r) = &row {
            if !r.created_at().trim().is_empty() && time_key(r.created_at()) == 0 {
                unread_times += 1;
                first_unread_time.get_or_insert_with(|| (line, time_header.clone(), r.created_at().to_string()));
            }
        }
        on_row(row);
    }
    Ok(FileFormat {
        encoding: enc_name,
        delimiter,
        header_line,
        rounded_orders: rounded,
        unread_times,
        first_unread_time,
    })
}

fn raw_of(record: &csv::ByteRecord, delimiter: char) -> String {
    let fields: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    let raw = fields.join(&delimiter.to_string());
    if raw.len() > 2000 {
        let mut end = 2000;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}… ({} bytes)", &raw[..end], raw.len())
    } else {
        raw
    }
}

fn parse_row(
    file: &str,
    line: u64,
    file_index: usize,
    record: &csv::ByteRecord,
    cols: &[Option<usize>; 7],
    width: usize,
    enc: &str,
) -> Row {
    let reject = |reason: String| {
        Row::Rejected(Rejected {
            file: file.to_string(),
            line,
            reason,
            raw: raw_of(record, ','),
        })
    };
    let extra_filled = record
        .iter()
        .skip(width)
        .any(|f| !f.iter().all(|b| b.is_ascii_whitespace()));
    if record.len() < width || extra_filled {
        return reject(format!("{} fields, but the header has {width}", record.len()));
    }
    let mut values: [String; 7] = Default::default();
    // in the file's column order, so the first bad column is the one named
    let mut used: Vec<(usize, usize)> = cols.iter().enumerate().filter_map(|(i, c)| Some((i, (*c)?))).collect();
    used.sort_by_key(|&(_, c)| c);
    for (i, c) in used {
        let c = &c;
        let bytes = record.get(*c).unwrap_or_default();
        let Ok(s) = std::str::from_utf8(bytes) else {
            return reject(format!("column {}: bytes that are not valid {enc}", c + 1));
        };
        if s.contains('\u{FFFD}') {
            return reject(format!("column {}: bytes that are not valid {enc}", c + 1));
        }
        values[i] = s.trim().to_string();
    }
    if values[0].len() > MAX_TEXT_BYTES {
        return reject(format!(
            "review text is {} bytes, over the limit of {MAX_TEXT_BYTES}",
            values[0].len()
        ));
    }
    let rating = match Rating::parse(&values[1]) {
        Some(r) => r,
        None if values[1].is_empty() => return reject("empty rating".into()),
        None => {
            return reject(format!(
                "unreadable rating `{}` (expected 好评/中评/差评, good/neutral/bad, 1-5 or ★)",
                values[1]
            ))
        }
    };
    if rating == Rating::Good {
        return Row::Good;
    }
    if let Some(bare) = order_unwrapped(&values[2]) {
        values[2] = bare.to_string();
    }
    // an order number Excel rounded (2.23345E+18) tells no order apart
    if looks_rounded(&values[2]) {
        values[2].clear();
    }
    let [text, _, order_id, buyer, created_at, item, follow_up] = &values;
    Row::Review(Review::new(
        file_index,
        line,
        rating,
        ReviewFields {
            order_id,
            buyer,
            created_at,
            item,
            text,
            follow_up,
        },
    ))
}

/// An order number as written in a cell, bare: tools (and our own call
/// lists, see `output::csv::order_cell`) write `="123…"` or `'123…` to keep
/// spreadsheets off it.
pub fn bare_order(s: &str) -> &str {
    let s = s.trim();
    order_unwrapped(s).unwrap_or(s)
}

/// The number inside `="123…"` or `'123…`; `None` when it is written plain.
fn order_unwrapped(s: &str) -> Option<&str> {
    let inner = s
        .strip_prefix("=\"")
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix(['\'', '‘', '’', '`']))?
        .trim();
    (!inner.is_empty()).then_some(inner)
}

/// True for a number Excel showed in scientific notation (2.23345E+18):
/// an order number saved that way has lost its last digits.
pub fn looks_rounded(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    digits(int) && digits(frac) && exp.strip_prefix('+').is_some_and(digits)
}

/// A sortable key for a review time, the number YYYYMMDDHHMMSS, from the
/// digit groups of whatever the export wrote (2026/11/3 9:05,
/// 2026-11-03T09:05:00, 2026年11月3日, 20261103, 11/3/2026 9:05) or from an
/// Excel date number (46329.378). 0 when no date can be read, which sorts
/// oldest.
pub fn time_key(s: &str) -> u64 {
    let s = s.trim();
    if let Some(key) = plain_time_key(s) {
        return key;
    }
    if let Some(key) = excel_serial(s) {
        return key;
    }
    let nums: Vec<u64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let key = |y: u64, m: u64, d: u64, rest: &[u64]| {
        let at = |i: usize| rest.get(i).copied().unwrap_or(0).min(99);
        ((((y * 100 + m) * 100 + d) * 100 + at(0)) * 100 + at(1)) * 100 + at(2)
    };
    let date = |y: u64, m: u64, d: u64| (1000..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    match nums.as_slice() {
        [y, m, d, rest @ ..] if date(*y, *m, *d) => key(*y, *m, *d, rest),
        // month/day/year, as Excel writes dates in an English locale
        [m, d, y, rest @ ..] if date(*y, *m, *d) => key(*y, *m, *d, rest),
        // all in one: 20261103, 202611030905, 20261103090507
        [n, rest @ ..] if matches!(n.to_string().len(), 8 | 12 | 14) => {
            let digits = n.to_string();
            let part = |r: std::ops::Range<usize>| digits.get(r).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
            let (y, m, d) = (part(0..4), part(4..6), part(6..8));
            if !date(y, m, d) {
                return 0;
            }
            let mut clock = vec![part(8..10), part(10..12), part(12..14)];
            clock.truncate((digits.len() - 8) / 2);
            clock.extend_from_slice(rest);
            key(y, m, d, &clock)
        }
        _ => 0,
    }
}

/// The key of the form nearly every export writes, 2026-11-03 09:05:07
/// (or with `/`, or without the seconds or the clock), read without
/// splitting: the same key `time_key` finds the long way. `None` for any
/// other form, or a date out of range.
fn plain_time_key(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let part = b.get(r)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, &d| n * 10 + u64::from(d - b'0')))
    };
    let sep = *b.get(4)?;
    if !matches!(sep, b'-' | b'/') || b.get(7) != Some(&sep) {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !((1000..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)) {
        return None;
    }
    let (hh, mm, ss) = match b.len() {
        10 => (0, 0, 0),
        16 if b[10] == b' ' && b[13] == b':' => (num(11..13)?, num(14..16)?, 0),
        19 if b[10] == b' ' && b[13] == b':' && b[16] == b':' => (num(11..13)?, num(14..16)?, num(17..19)?),
        _ => return None,
    };
    Some(((((y * 100 + m) * 100 + d) * 100 + hh) * 100 + mm) * 100 + ss)
}

/// The key of an Excel date number (days since 1899-12-30, the fraction
/// the time of day), for years 1955 to 2118; `None` for anything else.
fn excel_serial(s: &str) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.len() != 5 || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: f64 = s.parse().ok()?;
    if !(20000.0..80000.0).contains(&value) {
        return None;
    }
    let days = value.floor() as i64;
    let secs = ((value - value.floor()) * 86400.0).round() as u64;
    // civil date from days since 1970-01-01 (Howard Hinnant's algorithm)
    let z = days - 25569 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u64;
    let (hh, mm, ss) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    Some(((((y * 100 + m) * 100 + d) * 100 + hh) * 100 + mm) * 100 + ss)
}

/// A labelled file for `eval` and `learn`: rows of the named columns, in order.
pub fn read_columns(path: &Path, wanted: &[&str]) -> anyhow::Result<Vec<(u64, Vec<String>)>> {
    use anyhow::Context;
    let shown = path.display().to_string();
    let Decoded { stream, delimiter, .. } = open_decoded(path, None, Arc::new(AtomicU64::new(0)))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(stream);
    let headers: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{shown}:1: cannot read the header"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    // a call list a lead corrected works as it is: its 档位, and the review
    // text under any header an export may give it (评价内容)
    let also = |w: &str| -> &[&str] {
        match w {
            "text" => Field::Text.aliases(),
            "tier" => &["档位", "分档"],
            _ => &[],
        }
    };
    let mut idx = Vec::new();
    for w in wanted {
        let i = headers
            .iter()
            .position(|h| h == w)
            .or_else(|| also(w).iter().find_map(|a| headers.iter().position(|h| h == a)))
            .with_context(|| format!("{shown}:1: no `{w}` column. Headers found: {}", headers.join(", ")))?;
        idx.push(i);
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{shown}: bad CSV"))?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push((
            line,
            idx.iter().map(|&i| rec.get(i).unwrap_or("").to_string()).collect(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns found for `headers`, as (field key, header) pairs.
    fn columns_of(headers: &[&str]) -> Vec<(&'static str, String)> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let cols = resolve_columns("x.csv", &headers, &InputOptions::default()).unwrap();
        Field::ALL
            .iter()
            .zip(cols)
            .filter_map(|(f, c)| Some((f.key(), headers[c?].clone())))
            .collect()
    }

    #[test]
    fn headers_back_ends_write_are_understood() {
        // a JD-style export: the score is 商品评分, the follow-up 追评
        let jd = columns_of(&[
            "商品名称",
            "订单编号",
            "用户名",
            "评价时间",
            "物流评分",
            "商品评分",
            "评价内容",
            "追评",
        ]);
        assert_eq!(
            jd,
            [
                ("text", "评价内容"),
                ("rating", "商品评分"),
                ("order", "订单编号"),
                ("buyer", "用户名"),
                ("time", "评价时间"),
                ("item", "商品名称"),
                ("follow_up", "追评")
            ]
            .map(|(k, h)| (k, h.to_string()))
        );
        // a Taobao-style one: 初评 is the text; the seller's reply and the
        // follow-up's own text are not
        let tb = columns_of(&[
            "宝贝标题",
            "买家会员名",
            "会员等级",
            "评价日期",
            "评价等级",
            "商家回复",
            "追评内容",
            "初评",
            "主订单编号",
        ]);
        assert_eq!(
            tb,
            [
                ("text", "初评"),
                ("rating", "评价等级"),
                ("order", "主订单编号"),
                ("buyer", "买家会员名"),
                ("time", "评价日期"),
                ("item", "宝贝标题"),
                ("follow_up", "追评内容")
            ]
            .map(|(k, h)| (k, h.to_string()))
        );
        // a Pinduoduo-style one: three scores, the goods' one is the rating
        let pdd = columns_of(&["订单号", "物流分", "服务分", "描述分", "评价内容"]);
        assert_eq!(
            pdd[..2],
            [("text", "评价内容"), ("rating", "描述分")].map(|(k, h)| (k, h.to_string()))
        );
        // a column holding none of a field's words is not guessed at
        let headers = ["星级".to_string(), "买家说".to_string(), "商家回复".to_string()];
        let err = resolve_columns("x.csv", &headers, &InputOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("x.csv:1: no review text column"), "{err}");
    }

    /// The ledger keeps these keys from run to run: a new Rust or crate
    /// version must not change them, or every review is handed out again.
    const KEY_WITH_ORDER: &str = "43c80970725c928baf7ec97fd6c43f79";
    const KEY_WITHOUT_ORDER: &str = "7f8d9d451a6c69363a85127f59a55ef9";

    #[test]
    fn review_keys_stay_what_earlier_versions_wrote() {
        let r = |order_id: &'static str, buyer: &'static str| {
            Review::new(
                0,
                2,
                Rating::Low,
                ReviewFields {
                    order_id,
                    buyer,
                    created_at: "2026-11-20 10:00:00",
                    text: "快递太慢了",
                    ..ReviewFields::default()
                },
            )
        };
        assert_eq!(format!("{:032x}", r("1001", "小王").identity()), KEY_WITH_ORDER);
        assert_eq!(format!("{:032x}", r("", "小王").identity()), KEY_WITHOUT_ORDER);
    }

    #[test]
    fn order_numbers_kept_from_spreadsheets_are_read_bare() {
        assert_eq!(order_unwrapped("=\"3391027745512093811\""), Some("3391027745512093811"));
        assert_eq!(order_unwrapped("'3391027745512093811"), Some("3391027745512093811"));
        assert_eq!(order_unwrapped("‘290876543210"), Some("290876543210"));
        assert_eq!(order_unwrapped("3391027745512093811"), None);
        assert_eq!(order_unwrapped("'"), None);
        // what a call list writes reads back whole
        let cell = crate::output::csv::order_cell("3849201938475610293");
        assert_eq!(bare_order(&cell), "3849201938475610293");
        assert_eq!(bare_order(" A123 "), "A123");
    }

    #[test]
    fn order_numbers_excel_rounded_are_told_from_real_ones() {
        for rounded in ["2.23345E+18", "2E+18", "4.5e+17"] {
            assert!(looks_rounded(rounded), "{rounded}");
        }
        for whole in ["2233450000000000003", "E+18", "2.2E18", "2.2E-3", "订单2E+5", ""] {
            assert!(!looks_rounded(whole), "{whole}");
        }
    }

    #[test]
    fn ratings_as_exports_write_them() {
        let cases = [
            ("好评", Some(Rating::Good)),
            (" 中评 ", Some(Rating::Mid)),
            ("差评", Some(Rating::Low)),
            ("neutral", Some(Rating::Mid)),
            ("BAD", Some(Rating::Low)),
            ("3", Some(Rating::Mid)),
            ("1", Some(Rating::Low)),
            ("5", Some(Rating::Good)),
            ("4.0", Some(Rating::Good)),
            ("2星", Some(Rating::Low)),
            ("三星", Some(Rating::Mid)),
            ("★★★☆☆", Some(Rating::Mid)),
            ("★★★★★", Some(Rating::Good)),
            ("中评(3)", Some(Rating::Mid)),
            ("差评（1星）", Some(Rating::Low)),
            ("1 分", Some(Rating::Low)),
            ("3颗星", Some(Rating::Mid)),
            ("一颗星", Some(Rating::Low)),
            ("5个星", Some(Rating::Good)),
            ("３星", Some(Rating::Mid)),
            ("3/5", Some(Rating::Mid)),
            ("2 / 5", Some(Rating::Low)),
            ("4星级", Some(Rating::Good)),
            ("3/10", None),
            ("(3)", None),
            ("5星好评", Some(Rating::Good)),
            ("一星差评", Some(Rating::Low)),
            ("中评差评", None),
            ("0", None),
            ("6", None),
            ("很好", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(Rating::parse(raw), want, "Rating::parse({raw:?})");
        }
    }

    #[test]
    fn encodings_and_delimiters_are_sniffed() {
        assert_eq!(sniff_encoding("评价内容".as_bytes()), encoding_rs::UTF_8);
        let (gbk, _, _) = encoding_rs::GB18030.encode("评价内容,评价等级");
        assert_eq!(sniff_encoding(&gbk), encoding_rs::GB18030);
        assert_eq!(sniff_encoding(b"\xFF\xFEa\x00"), encoding_rs::UTF_16LE);
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFabc"), encoding_rs::UTF_8);
        // a UTF-8 character cut by the end of the sample
        let cut = &"好评".as_bytes()[..4];
        assert_eq!(sniff_encoding(cut), encoding_rs::UTF_8);
        assert_eq!(sniff_delimiter("a,b,c"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("a;b;\"x,y\""), b';');
        assert_eq!(sniff_delimiter("onlyone"), b',');
        // a title line or a blank one above the headers has no say
        assert_eq!(
            sniff_delimiter_of_lines("评价导出 2026-11-20\n\na\tb,c\tx\n1\t2\t3"),
            b'\t'
        );
        assert_eq!(sniff_delimiter_of_lines("no delimiter here"), b',');
    }

    #[test]
    fn the_plain_form_is_read_as_the_long_way_reads_it() {
        let long_way = |s: &str| {
            // time_key without its shortcut
            let mut t = String::from("x");
            t.push_str(s);
            time_key(&t)
        };
        for s in [
            "2026-11-03 09:05:07",
            "2026/11/03 09:05",
            "2026-11-03",
            "2026-13-40 99:99",
            "2026-02-31 23:59:59",
            "0999-11-03 09:05:07",
            "2026-11-03 99:99:99",
            "2026-11-0309:05:07",
            "2026-11/03 09:05:07",
        ] {
            assert_eq!(time_key(s), long_way(s), "{s}");
        }
    }

    #[test]
    fn time_keys_sort_as_times() {
        assert_eq!(time_key("2026/11/3 9:05"), 20261103090500);
        assert_eq!(time_key("2026-11-03T09:05:07+08:00"), 20261103090507);
        assert_eq!(time_key("昨天"), 0);
        assert!(time_key("2026/11/10 8:00") > time_key("2026/11/9 23:00"));
        assert_eq!(time_key("2026年11月3日 09:05"), 20261103090500);
        assert_eq!(time_key("11/3/2026 9:05"), 20261103090500);
        assert_eq!(time_key("20261103"), 20261103000000);
        assert_eq!(time_key("20261103090507"), 20261103090507);
        assert_eq!(time_key("20261103 09:05"), 20261103090500);
        // Excel's day numbers: 46329 is 2026-11-03, .375 is 09:00
        assert_eq!(time_key("46329"), 20261103000000);
        assert_eq!(time_key("46329.375"), 20261103090000);
        assert_eq!(time_key("45658"), 20250101000000);
        assert_eq!(time_key("12345"), 0);
        assert_eq!(time_key("13/45/2026"), 0);
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Hands out its bytes a few at a time, as a pipe might.
    struct Trickle(Vec<u8>, usize, usize);

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.2.min(out.len()).min(self.0.len() - self.1);
            out[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// The shortcut for 2026-11-03 09:05:07 reads what the long way reads.
        #[test]
        fn the_plain_time_form_reads_as_the_long_way(s in "[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?") {
            prop_assert_eq!(time_key(&s), time_key(&format!("x{s}")));
        }

        /// CRLF becomes LF and nothing else changes, wherever the chunks end.
        #[test]
        fn crlf_becomes_lf_and_nothing_else_changes(
            body in prop::collection::vec(prop::sample::select(vec![b'\r', b'\n', b'a', b',', 0xE5]), 0..300),
            step in 1usize..5,
        ) {
            let mut got = Vec::new();
            CrlfToLf::new(Trickle(body.clone(), 0, step)).read_to_end(&mut got).unwrap();
            let want: Vec<u8> = {
                let mut w = Vec::new();
                let mut i = 0;
                while i < body.len() {
                    if body[i] == b'\r' && body.get(i + 1) == Some(&b'\n') {
                        i += 1;
                        continue;
                    }
                    w.push(body[i]);
                    i += 1;
                }
                w
            };
            prop_assert_eq!(got, want);
        }

        /// Arbitrary bytes never make the reader panic, and every record it
        /// sees is accounted for as a review, a good one or a rejection.
        #[test]
        fn arbitrary_bytes_never_panic(
            body in prop::collection::vec(any::<u8>(), 0..2000),
            header in prop::sample::select(vec![
                "评价内容,评价等级\n".as_bytes().to_vec(),
                b"content\trating\n".to_vec(),
                b"\xFF\xFEc\x00o\x00".to_vec(),
                Vec::new(),
            ]),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f.csv");
            let mut bytes = header;
            bytes.extend_from_slice(&body);
            std::fs::write(&path, &bytes).unwrap();
            let mut n = 0usize;
            let _ = read_reviews(&path, 0, &InputOptions::default(), Arc::new(AtomicU64::new(0)), |_| n += 1);
        }
    }
}

/// One row read back from an agent's call list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    /// `file:line`.
    pub source: String,
    pub order_id: String,
    /// The 结果 cell as written.
    pub result: String,
    /// The 派单日期 cell (lists written before it existed have none).
    pub day: Option<String>,
}

/// Results read from agents' call lists, every row, or every problem found
/// (file:line: reason).
pub fn read_call_results(path: &Path) -> Result<Vec<CallResult>, Vec<String>> {
    let shown = path.display().to_string();
    let Decoded { stream, delimiter, .. } =
        open_decoded(path, None, Arc::new(AtomicU64::new(0))).map_err(|e| vec![e.to_string()])?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(stream);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string())
            .collect(),
        Err(e) => return Err(vec![format!("{shown}:1: {e}")]),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(order), Some(result)) = (col("订单编号"), col("结果")) else {
        return Err(vec![format!(
            "{shown}:1: not a call list: it needs the columns 订单编号 and 结果. Headers found: {}",
            headers.join(", ")
        )]);
    };
    let day = col("派单日期");
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                out.push(CallResult {
                    source: format!("{shown}:{line}"),
                    order_id: bare_order(r.get(order).unwrap_or("")).to_string(),
                    result: r.get(result).unwrap_or("").to_string(),
                    day: day
                        .and_then(|d| r.get(d))
                        .map(str::trim)
                        .filter(|d| !d.is_empty())
                        .map(String::from),
                });
            }
            Err(e) => problems.push(format!("{shown}: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
