//! Parsing of one rules file into typed entries.
//!
//! Every function here takes a file name and a reader, so tests feed byte
//! literals. Lines count from 1, a leading UTF-8 BOM is stripped, blank lines
//! and `#` comments are skipped, and every bad line is collected (never only
//! the first). Checks that span files live in `mod.rs`.

use std::io::BufRead;

use crate::text::normalise;
use crate::tier::Tier;

/// One bad line: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Where a rule was written, for messages and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The content lines of a rules file: (line number, trimmed text).
pub fn content_lines(name: &str, reader: impl BufRead, problems: &mut Vec<Problem>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                problems.push(Problem {
                    file: name.to_string(),
                    line: n,
                    message: format!("cannot read line: {e} (rules files are UTF-8)"),
                });
                continue;
            }
        };
        let line = if n == 1 {
            line.trim_start_matches('\u{FEFF}').to_string()
        } else {
            line
        };
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        out.push((n, t.to_string()));
    }
    out
}

/// How a cue is matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// A literal phrase, matched in the normalised text.
    Phrase(String),
    /// Aspect and opinion words within a few tokens of each other in one clause.
    Pair {
        aspects: Vec<String>,
        opinions: Vec<String>,
    },
    /// A regular expression over the normalised text.
    Regex(String),
    /// Regular expressions that must each match somewhere in the review,
    /// in any order and at any distance (`all: 删|改成 & 红包|转我`).
    All(Vec<String>),
}

/// What a cue says when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CueKind {
    /// A cause: courier, service, quality or fraud.
    Cause(Tier),
    /// Unhappy, but says nothing of why.
    Complaint,
    /// Praise or a shrug.
    Praise,
}

impl CueKind {
    pub fn name(self) -> &'static str {
        match self {
            CueKind::Cause(t) => t.key(),
            CueKind::Complaint => "complaint",
            CueKind::Praise => "praise",
        }
    }
}

/// One line of a cue file.
#[derive(Debug, Clone)]
pub struct Cue {
    pub kind: CueKind,
    pub pattern: Pattern,
    pub origin: Origin,
}

/// A `!` line: when it matches, the file's cues are ignored in the clauses
/// the match spans; a `!!` line, in the whole review.
#[derive(Debug, Clone)]
pub struct Veto {
    pub kind: CueKind,
    pub regex: String,
    pub origin: Origin,
    /// `!!`: the whole review, not only the clauses of the match.
    pub whole: bool,
}

/// Parse a cue file (`courier.txt`, `complaint.txt`, ...).
///
/// Line forms: `phrase`; `aspect|aspect + opinion|opinion`; `re: regex`;
/// `all: regex & regex …` (each somewhere in the review); `! regex` (a veto over the clauses it matches in); `!! regex` (a veto
/// over the whole review).
pub fn parse_cues(
    name: &str,
    kind: CueKind,
    reader: impl BufRead,
    problems: &mut Vec<Problem>,
) -> (Vec<Cue>, Vec<Veto>) {
    let mut cues = Vec::new();
    let mut vetoes = Vec::new();
    for (line, text) in content_lines(name, reader, problems) {
        let origin = Origin {
            file: name.to_string(),
            line,
        };
        let mut bad = |message: String| {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message,
            })
        };
        if let Some(rest) = text.strip_prefix('!') {
            let (whole, rest) = match rest.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            let re = rest.trim();
            if re.is_empty() {
                bad("empty veto: write `! pattern` (its clauses) or `!! pattern` (the whole review)".into());
            } else {
                vetoes.push(Veto {
                    kind,
                    regex: re.to_string(),
                    origin,
                    whole,
                });
            }
        } else if let Some(rest) = text.strip_prefix("all:") {
            let parts: Vec<String> = rest.split('&').map(|p| p.trim().to_string()).collect();
            if parts.len() < 2 {
                bad("`all:` needs two or more patterns joined by `&`: `all: 删|改成 & 红包|转我`".into());
            } else if parts.iter().any(String::is_empty) {
                bad("an empty pattern in `all:`: `&&`, or `&` at the start or end".into());
            } else {
                cues.push(Cue {
                    kind,
                    pattern: Pattern::All(parts),
                    origin,
                });
            }
        } else if let Some(rest) = text.strip_prefix("re:") {
            let re = rest.trim();
            if re.is_empty() {
                bad("empty pattern after `re:`".into());
            } else {
                cues.push(Cue {
                    kind,
                    pattern: Pattern::Regex(re.to_string()),
                    origin,
                });
            }
        } else if text.contains('+') {
            let sides: Vec<&str> = text.split('+').collect();
            if sides.len() != 2 {
                bad("a pair has one `+`: `aspect|aspect + opinion|opinion`".into());
                continue;
            }
            let words = |s: &str| -> Vec<String> { s.split('|').map(|w| normalise(w.trim())).collect() };
            let (aspects, opinions) = (words(sides[0]), words(sides[1]));
            let blank = |ws: &[String]| ws.iter().all(|w| w.is_empty());
            if blank(&aspects) || blank(&opinions) {
                bad("a pair needs words on both sides of `+`".into());
                continue;
            }
            if aspects.iter().chain(&opinions).any(String::is_empty) {
                bad("an empty word in a pair: `||`, or `|` next to `+` or at the end".into());
                continue;
            }
            cues.push(Cue {
                kind,
                pattern: Pattern::Pair { aspects, opinions },
                origin,
            });
        } else if text.contains('|') {
            bad("`|` only separates words of a pair: write one phrase a line, `a + b` for a pair or `re:` for a pattern".into());
        } else {
            let phrase = normalise(&text);
            if phrase.is_empty() {
                bad("empty keyword".into());
            } else {
                cues.push(Cue {
                    kind,
                    pattern: Pattern::Phrase(phrase),
                    origin,
                });
            }
        }
    }
    (cues, vetoes)
}

/// Parse `key: value` lines where the key must be one of `keys`.
pub fn parse_keyed(
    name: &str,
    keys: &[&str],
    reader: impl BufRead,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (line, text) in content_lines(name, reader, problems) {
        let Some((k, v)) = text.split_once(':').or_else(|| text.split_once('：')) else {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message: format!("expected `key: value` with key one of {}", keys.join(", ")),
            });
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        if !keys.contains(&k) {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message: format!("unknown key `{k}` (expected one of {})", keys.join(", ")),
            });
        } else if v.is_empty() {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message: format!("empty value after `{k}:`"),
            });
        } else {
            out.push((line, k.to_string(), v.to_string()));
        }
    }
    out
}

/// Parse jieba user-dictionary lines: `word` or `word freq`.
pub fn parse_dict(name: &str, reader: impl BufRead, problems: &mut Vec<Problem>) -> Vec<(String, Option<usize>)> {
    let mut out = Vec::new();
    for (line, text) in content_lines(name, reader, problems) {
        let mut parts = text.split_whitespace();
        let word = normalise(parts.next().unwrap_or_default());
        let freq = match parts.next() {
            None => None,
            Some(f) => match f.parse::<usize>() {
                Ok(f) => Some(f),
                Err(_) => {
                    problems.push(Problem {
                        file: name.to_string(),
                        line,
                        message: format!("frequency `{f}` is not a whole number"),
                    });
                    continue;
                }
            },
        };
        if parts.next().is_some() {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message: "expected `word` or `word frequency`".into(),
            });
            continue;
        }
        out.push((word, freq));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(src: &[u8]) -> (Vec<Cue>, Vec<Veto>, Vec<String>) {
        let mut problems = Vec::new();
        let (c, v) = parse_cues("courier.txt", CueKind::Cause(Tier::Courier), src, &mut problems);
        (c, v, problems.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn cue_lines_of_every_form() {
        let (c, v, p) =
            cues("\u{FEFF}# comment\n\n快递太慢\n快递|物流 + 慢|晚\nre: 等了\\d+天\n! 不是快递\n!! 转发\n".as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].pattern, Pattern::Phrase("快递太慢".into()));
        assert_eq!(c[0].origin.line, 3);
        assert_eq!(
            c[1].pattern,
            Pattern::Pair {
                aspects: vec!["快递".into(), "物流".into()],
                opinions: vec!["慢".into(), "晚".into()],
            }
        );
        assert_eq!(c[2].pattern, Pattern::Regex("等了\\d+天".into()));
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].origin.line, v[0].whole, v[0].regex.as_str()),
            (6, false, "不是快递")
        );
        assert_eq!((v[1].origin.line, v[1].whole, v[1].regex.as_str()), (7, true, "转发"));
    }

    /// `all:` holds patterns that must each match somewhere in the review.
    #[test]
    fn all_lines_hold_two_or_more_patterns() {
        let (c, _, p) = cues("all: 差评|评价 & 删|撤 & 红包\nall: 删\nall: 删 && 红包\nall: & 红包\n".as_bytes());
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].pattern,
            Pattern::All(vec!["差评|评价".into(), "删|撤".into(), "红包".into()])
        );
        assert_eq!(
            p,
            [
                "courier.txt:2: `all:` needs two or more patterns joined by `&`: `all: 删|改成 & 红包|转我`",
                "courier.txt:3: an empty pattern in `all:`: `&&`, or `&` at the start or end",
                "courier.txt:4: an empty pattern in `all:`: `&&`, or `&` at the start or end",
            ]
        );
    }

    #[test]
    fn bad_cue_lines_are_all_reported_with_file_and_line() {
        let (_, _, p) = cues("ok\n快递 + \nre:\n a|b\n+ + +\n!\n!!\n快递|物流 + |慢\n".as_bytes());
        assert_eq!(
            p,
            [
                "courier.txt:2: a pair needs words on both sides of `+`",
                "courier.txt:3: empty pattern after `re:`",
                "courier.txt:4: `|` only separates words of a pair: write one phrase a line, `a + b` for a pair or `re:` for a pattern",
                "courier.txt:5: a pair has one `+`: `aspect|aspect + opinion|opinion`",
                "courier.txt:6: empty veto: write `! pattern` (its clauses) or `!! pattern` (the whole review)",
                "courier.txt:7: empty veto: write `! pattern` (its clauses) or `!! pattern` (the whole review)",
                "courier.txt:8: an empty word in a pair: `||`, or `|` next to `+` or at the end",
            ]
        );
    }

    #[test]
    fn keyed_and_dict_lines() {
        let mut p = Vec::new();
        let kv = parse_keyed(
            "negation.txt",
            &["negator", "filler"],
            "negator: 没有\nfoo: x\nfiller:\nnope\n".as_bytes(),
            &mut p,
        );
        assert_eq!(kv, [(1, "negator".to_string(), "没有".to_string())]);
        let msgs: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "negation.txt:2: unknown key `foo` (expected one of negator, filler)",
                "negation.txt:3: empty value after `filler:`",
                "negation.txt:4: expected `key: value` with key one of negator, filler",
            ]
        );
        let mut p = Vec::new();
        let d = parse_dict("dict.txt", "差评师\n快递员 3000\n色差 x\n".as_bytes(), &mut p);
        assert_eq!(d, [("差评师".to_string(), None), ("快递员".to_string(), Some(3000))]);
        assert_eq!(p[0].to_string(), "dict.txt:3: frequency `x` is not a whole number");
    }
}
