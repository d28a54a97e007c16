//! Regexes run only where they can match.
//!
//! Most rule patterns must begin (or end) with one of a few words:
//! `(等了|过了)?[0-9]+天才到` ends in 到, `快递.{0,6}催` begins with 快递.
//! The caller finds those words in its own Aho-Corasick pass over a review
//! (the classifier's lexicon); only the patterns whose words are there are
//! run, from the first place they can start. The answers are the same as
//! running every regex on every review.

use std::sync::OnceLock;

use regex::{Match, Regex};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

thread_local! {
    /// Per thread: for each regex, its entry in the list being built, or
    /// `u32::MAX`. Always left all `u32::MAX` between calls.
    static SLOTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A regex list with one shared literal gate.
///
/// Each regex is compiled the first time a review opens its gate: a cron
/// run of a thousand reviews needs few of them, and compiling all ~270
/// took a third of its start-up. `RuleSet::compile_patterns` (what `rules
/// check` runs) compiles every one, and the rules' checks keep patterns
/// small enough to compile.
pub struct RegexBank {
    patterns: Vec<String>,
    origins: Vec<String>,
    regexes: Vec<OnceLock<Regex>>,
    /// Has words every match begins with / ends with.
    has_prefix: Vec<bool>,
    has_suffix: Vec<bool>,
    /// The gate words.
    words: Vec<Vec<u8>>,
    /// For each gate word: the regexes it opens, and whether as a prefix.
    opens: Vec<Vec<(usize, bool)>>,
    /// Regexes with no gate word: they run on every text.
    ungated: Vec<usize>,
}

/// The words every match of `pattern` begins with (or, for `Suffix`, ends
/// with), when there are few enough of them to be worth a gate.
fn gate_words(pattern: &str, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let seq = Extractor::new()
        .kind(kind)
        .limit_class(40)
        .limit_total(400)
        .extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

impl RegexBank {
    /// Gate `(pattern, origin)` pairs (each compiles when first needed; the
    /// origin names a pattern that will not).
    pub fn new<'p>(patterns: impl IntoIterator<Item = (&'p str, String)>) -> RegexBank {
        let mut patterns_out = Vec::new();
        let mut origins = Vec::new();
        let mut has_prefix = Vec::new();
        let mut has_suffix = Vec::new();
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut opens: Vec<Vec<(usize, bool)>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
        for (i, (pattern, origin)) in patterns.into_iter().enumerate() {
            patterns_out.push(pattern.to_string());
            origins.push(origin);
            for (kind, is_prefix) in [(ExtractKind::Prefix, true), (ExtractKind::Suffix, false)] {
                let lits = gate_words(pattern, kind);
                if is_prefix {
                    has_prefix.push(lits.is_some());
                } else {
                    has_suffix.push(lits.is_some());
                }
                for lit in lits.into_iter().flatten() {
                    let w = *index.entry(lit).or_insert_with_key(|lit| {
                        words.push(lit.clone());
                        opens.push(Vec::new());
                        words.len() - 1
                    });
                    if !opens[w].contains(&(i, is_prefix)) {
                        opens[w].push((i, is_prefix));
                    }
                }
            }
        }
        let ungated = (0..patterns_out.len())
            .filter(|&i| !has_prefix[i] && !has_suffix[i])
            .collect();
        RegexBank {
            regexes: patterns_out.iter().map(|_| OnceLock::new()).collect(),
            patterns: patterns_out,
            origins,
            has_prefix,
            has_suffix,
            words,
            opens,
            ungated,
        }
    }

    /// Regex `i`, compiled on first use.
    fn regex(&self, i: usize) -> &Regex {
        self.regexes[i].get_or_init(|| {
            Regex::new(&self.patterns[i])
                .unwrap_or_else(|e| panic!("{}: pattern does not compile: {e}", self.origins[i]))
        })
    }

    /// The gate words, for a caller that finds them in its own pass.
    pub fn words(&self) -> &[Vec<u8>] {
        &self.words
    }

    /// The first match of every regex in `text`, in pattern order, given
    /// every place a gate word occurs in `text` as (index into `words()`,
    /// start, end).
    pub fn first_matches<'t>(
        &self,
        text: &'t str,
        found: impl IntoIterator<Item = (usize, usize, usize)>,
    ) -> Vec<(usize, Match<'t>)> {
        // per regex a gate word opened: (regex, earliest start of a prefix
        // word, latest end of a suffix word); a few per text, not one per
        // regex. `slot` finds a regex's entry without a search (a common
        // gate word opens dozens of regexes, and a review holds many).
        let mut open: Vec<(usize, usize, usize)> = self.ungated.iter().map(|&i| (i, 0, 0)).collect();
        SLOTS.with_borrow_mut(|slot| {
            if slot.len() < self.patterns.len() {
                slot.resize(self.patterns.len(), u32::MAX);
            }
            for (w, start, end) in found {
                for &(i, is_prefix) in &self.opens[w] {
                    let at = match slot[i] {
                        u32::MAX => {
                            slot[i] = open.len() as u32;
                            open.push((i, usize::MAX, 0));
                            open.len() - 1
                        }
                        at => at as usize,
                    };
                    if is_prefix {
                        open[at].1 = open[at].1.min(start);
                    } else {
                        open[at].2 = open[at].2.max(end);
                    }
                }
            }
            // leave the table empty for the next text
            for o in &open {
                slot[o.0] = u32::MAX;
            }
        });
        open.sort_unstable();
        let mut out = Vec::new();
        for (i, first_start, last_end) in open {
            // a match starts at a prefix word and ends, later, at a suffix word
            let from = if self.has_prefix[i] { first_start } else { 0 };
            if from == usize::MAX || self.has_suffix[i] && last_end <= from {
                continue;
            }
            if let Some(m) = self.regex(i).find_at(text, from) {
                out.push((i, m));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank(patterns: &[&str]) -> RegexBank {
        RegexBank::new(patterns.iter().map(|p| (*p, p.to_string())))
    }

    #[test]
    fn gated_answers_equal_running_every_regex() {
        let patterns = [
            "(等了|过了)?[0-9一二三四五六七八九十两几半]+[天日周]才(到|收到)",
            "快递.{0,6}(催|投诉)",
            "(给|转)我?[0-9]+(块|元).{0,12}(改|删)",
            "^差",
            "[a-z]+",
        ];
        let b = bank(&patterns);
        let gated = (0..patterns.len())
            .filter(|&i| b.has_prefix[i] || b.has_suffix[i])
            .count();
        assert!(gated >= 3, "most patterns get a gate");
        let finder = aho_corasick::AhoCorasick::new(b.words()).unwrap();
        let texts = [
            "等了5天才到,快递员说催也没用",
            "过了三周才收到",
            "快递太慢我要投诉",
            "给我50块就改",
            "差评,vx联系",
            "没有问题",
            "",
        ];
        for t in texts {
            let found = finder
                .find_overlapping_iter(t)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()));
            let got: Vec<(usize, (usize, usize))> = b
                .first_matches(t, found)
                .into_iter()
                .map(|(i, m)| (i, (m.start(), m.end())))
                .collect();
            let want: Vec<(usize, (usize, usize))> = patterns
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Regex::new(p).unwrap().find(t).map(|m| (i, (m.start(), m.end()))))
                .collect();
            assert_eq!(got, want, "{t}");
        }
    }
}
