//! The rule set: every file of a rules folder, parsed and checked as a whole.
//!
//! Owns which files a rules folder holds, the built-in copy of the default
//! folder, and the checks that span files (duplicate keywords, regexes that do
//! not compile, unknown tiers). It does not match text: `classify` does.

pub mod parse;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::BufRead;
use std::path::Path;

pub use parse::{Cue, CueKind, Origin, Pattern, Problem, Veto};

use crate::tier::Tier;

/// What a file of the rules folder holds.
#[derive(Debug, Clone, Copy)]
enum FileKind {
    Cues(CueKind),
    Negation,
    Contrast,
    Dict,
    Levels,
    Scripts,
    FollowUp,
    Weights,
    FraudWeights,
}

/// Every file a rules folder holds, in load order.
const FILES: &[(&str, FileKind)] = &[
    ("dict.txt", FileKind::Dict),
    ("fraud.txt", FileKind::Cues(CueKind::Cause(Tier::Fraud))),
    ("quality.txt", FileKind::Cues(CueKind::Cause(Tier::Quality))),
    ("service.txt", FileKind::Cues(CueKind::Cause(Tier::Service))),
    ("courier.txt", FileKind::Cues(CueKind::Cause(Tier::Courier))),
    ("complaint.txt", FileKind::Cues(CueKind::Complaint)),
    ("praise.txt", FileKind::Cues(CueKind::Praise)),
    ("negation.txt", FileKind::Negation),
    ("contrast.txt", FileKind::Contrast),
    ("levels.txt", FileKind::Levels),
    ("scripts.txt", FileKind::Scripts),
    ("followup.txt", FileKind::FollowUp),
    ("weights.tsv", FileKind::Weights),
    ("fraud-weights.tsv", FileKind::FraudWeights),
];

/// The default rules folder, built into the binary.
const BUILT_IN: &[(&str, &str)] = &[
    ("dict.txt", include_str!("../../rules/dict.txt")),
    ("fraud.txt", include_str!("../../rules/fraud.txt")),
    ("quality.txt", include_str!("../../rules/quality.txt")),
    ("service.txt", include_str!("../../rules/service.txt")),
    ("courier.txt", include_str!("../../rules/courier.txt")),
    ("complaint.txt", include_str!("../../rules/complaint.txt")),
    ("praise.txt", include_str!("../../rules/praise.txt")),
    ("negation.txt", include_str!("../../rules/negation.txt")),
    ("contrast.txt", include_str!("../../rules/contrast.txt")),
    ("levels.txt", include_str!("../../rules/levels.txt")),
    ("scripts.txt", include_str!("../../rules/scripts.txt")),
    ("followup.txt", include_str!("../../rules/followup.txt")),
    ("weights.tsv", include_str!("../../rules/weights.tsv")),
    ("fraud-weights.tsv", include_str!("../../rules/fraud-weights.tsv")),
];

/// A level of agent and the tiers it may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// The key written in outputs (`junior`, `senior`).
    pub name: String,
    /// Other names a roster may use (新人, 资深).
    pub aliases: Vec<String>,
    /// Tiers an agent of this level may take.
    pub tiers: Vec<Tier>,
}

/// One learned weight: how much a token speaks for a class.
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub token: String,
    pub class: String,
    pub weight: f64,
}

/// A whole rules folder, parsed and checked.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Where the rules came from (`built-in rules` or the folder).
    pub source: String,
    pub cues: Vec<Cue>,
    pub vetoes: Vec<Veto>,
    /// Words that cancel the cue right after them (没有, 不).
    pub negators: Vec<String>,
    /// Words that may stand between a negator and its cue (很, 太, 算).
    pub fillers: Vec<String>,
    /// Words that cancel the cue right before them (坏的都没有).
    pub after_negators: Vec<String>,
    /// Words that deny a whole aspect + opinion pair when they stand right
    /// before its aspect (不是质量问题, 没有包装破损).
    pub denials: Vec<String>,
    /// Words that deny a comparison: a gripe later in their clause, a few
    /// words on, says the opposite (不比专柜的差, 一点不比实体店贵).
    pub comparisons: Vec<String>,
    /// Words that end in a one-letter opinion or praise but name a thing,
    /// a time, a deed or a mood (显卡, 昨晚, 音响, 出差, 愉快): the letter
    /// says nothing there, alone or as the start of a two-letter cue (假的
    /// in 度假的).
    pub things: Vec<String>,
    /// Words made of two opposites (大小, 快慢): a measure, so neither half
    /// is an opinion.
    pub measures: Vec<String>,
    /// What, right after 好, makes it "so" or a count, not praise (好小,
    /// 好贵, 好几天).
    pub so_after_hao: Vec<String>,
    /// Phrases that wave away a gripe said just before (没关系, 总体还不错).
    pub dismissers: Vec<String>,
    /// Words that open a conceded gripe (虽然).
    pub concessions: Vec<String>,
    /// Words that bring in a gripe (但是, 就是, 可惜).
    pub turns: Vec<String>,
    /// The buts (但是, 不过) that end what a concession grants: a gripe
    /// after one is what the buyer asserts (虽然便宜，但是质量太差).
    pub buts: Vec<String>,
    /// Phrases saying the rating itself was a slip (点错了, 手滑).
    pub misclicks: Vec<String>,
    /// Words naming a gift (赠品, 送的): a fault found in the clause after
    /// one is the gift's, a shop matter (送的水壶锈了 is service).
    pub gifts: Vec<String>,
    /// What a back end writes when the buyer wrote nothing (此用户没有填写评价).
    pub blanks: Vec<String>,
    /// Shop words added to jieba's dictionary.
    pub dict: Vec<(String, Option<usize>)>,
    pub levels: Vec<Level>,
    /// Opening line of the call, per tier.
    pub scripts: BTreeMap<Tier, String>,
    /// Follow-up timing for buyers not reached.
    pub followup: crate::ledger::FollowUp,
    /// Learned weights (`weights.tsv`), empty when none are given.
    pub weights: Vec<Weight>,
    /// The learned fraud head (`fraud-weights.tsv`), empty when none is given.
    pub fraud_weights: Vec<Weight>,
}

/// Every problem found in a rules folder.
#[derive(Debug, Clone)]
pub struct RulesError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{n} problem{} in the rules:", if n == 1 { "" } else { "s" })?;
        // by file and line, as a lead fixes them (checks that run after
        // parsing, such as regex compiling, find theirs later)
        let mut sorted: Vec<&Problem> = self.problems.iter().collect();
        sorted.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        for (i, p) in sorted.into_iter().enumerate() {
            if i + 1 < n {
                writeln!(f, "  {p}")?;
            } else {
                write!(f, "  {p}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

impl RuleSet {
    /// The default rules built into the binary.
    pub fn built_in() -> Result<RuleSet, RulesError> {
        let files = BUILT_IN
            .iter()
            .map(|(name, text)| (format!("rules/{name}"), name.to_string(), text.as_bytes()));
        Self::from_files("built-in rules".into(), files)
    }

    /// The raw text of a built-in rules file, for `triage rules init`.
    pub fn built_in_files() -> &'static [(&'static str, &'static str)] {
        BUILT_IN
    }

    /// Load a rules folder. Every file of the default folder must be there,
    /// except the learned `weights.tsv` and `fraud-weights.tsv`; a `.txt` or `.tsv` file the tool does not know is
    /// an error, so a misspelt name is not silently ignored.
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RulesError> {
        let mut problems = Vec::new();
        let shown = |name: &str| dir.join(name).display().to_string();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut unknown: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| (n.ends_with(".txt") || n.ends_with(".tsv")) && !FILES.iter().any(|(f, _)| f == n))
                    .collect();
                unknown.sort();
                for n in unknown {
                    problems.push(Problem {
                        file: shown(&n),
                        line: 0,
                        message: format!(
                            "not a rules file the tool knows (expected: {})",
                            FILES.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
            Err(e) => {
                return Err(RulesError {
                    problems: vec![Problem {
                        file: dir.display().to_string(),
                        line: 0,
                        message: format!("cannot read the rules folder: {e}"),
                    }],
                })
            }
        }
        let mut contents = Vec::new();
        for (name, kind) in FILES {
            match std::fs::read(dir.join(name)) {
                Ok(bytes) => contents.push((shown(name), name.to_string(), bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if !matches!(kind, FileKind::Weights | FileKind::FraudWeights) {
                        problems.push(Problem {
                            file: shown(name),
                            line: 0,
                            message: "missing (copy it from the default rules: `triage rules init DIR`)".into(),
                        });
                    }
                }
                Err(e) => problems.push(Problem {
                    file: shown(name),
                    line: 0,
                    message: format!("cannot read: {e}"),
                }),
            }
        }
        let loaded = Self::from_files(
            dir.display().to_string(),
            contents.iter().map(|(s, n, b)| (s.clone(), n.clone(), b.as_slice())),
        );
        match loaded {
            Ok(set) if problems.is_empty() => Ok(set),
            Ok(_) => Err(RulesError { problems }),
            Err(mut e) => {
                problems.append(&mut e.problems);
                Err(RulesError { problems })
            }
        }
    }

    /// Parse a set of files given as (shown name, file name, bytes).
    pub(crate) fn from_files<'b>(
        source: String,
        files: impl IntoIterator<Item = (String, String, &'b [u8])>,
    ) -> Result<RuleSet, RulesError> {
        let mut problems = Vec::new();
        let mut set = RuleSet {
            source,
            cues: Vec::new(),
            vetoes: Vec::new(),
            negators: Vec::new(),
            fillers: Vec::new(),
            after_negators: Vec::new(),
            denials: Vec::new(),
            comparisons: Vec::new(),
            things: Vec::new(),
            measures: Vec::new(),
            so_after_hao: Vec::new(),
            dismissers: Vec::new(),
            concessions: Vec::new(),
            buts: Vec::new(),
            misclicks: Vec::new(),
            gifts: Vec::new(),
            blanks: Vec::new(),
            turns: Vec::new(),
            dict: Vec::new(),
            levels: Vec::new(),
            scripts: BTreeMap::new(),
            followup: crate::ledger::FollowUp::default(),
            weights: Vec::new(),
            fraud_weights: Vec::new(),
        };
        for (shown, name, bytes) in files {
            let Some((_, kind)) = FILES.iter().find(|(f, _)| *f == name) else {
                continue;
            };
            set.parse_file(&shown, *kind, bytes, &mut problems);
        }
        set.check(&mut problems);
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(RulesError { problems })
        }
    }

    fn parse_file(&mut self, name: &str, kind: FileKind, reader: impl BufRead, problems: &mut Vec<Problem>) {
        match kind {
            FileKind::Cues(k) => {
                let (mut c, mut v) = parse::parse_cues(name, k, reader, problems);
                self.cues.append(&mut c);
                self.vetoes.append(&mut v);
            }
            FileKind::Negation => {
                for (_, k, v) in parse::parse_keyed(
                    name,
                    &[
                        "negator", "filler", "after", "denial", "compare", "thing", "measure", "so",
                    ],
                    reader,
                    problems,
                ) {
                    let v = crate::text::normalise(&v);
                    match k.as_str() {
                        "negator" => self.negators.push(v),
                        "after" => self.after_negators.push(v),
                        "denial" => self.denials.push(v),
                        "compare" => self.comparisons.push(v),
                        "thing" => self.things.push(v),
                        "measure" => self.measures.push(v),
                        "so" => self.so_after_hao.push(v),
                        _ => self.fillers.push(v),
                    }
                }
            }
            FileKind::Contrast => {
                for (_, k, v) in parse::parse_keyed(
                    name,
                    &["dismiss", "concede", "turn", "but", "misclick", "blank", "gift"],
                    reader,
                    problems,
                ) {
                    let v = crate::text::normalise(&v);
                    match k.as_str() {
                        "dismiss" => self.dismissers.push(v),
                        "turn" => self.turns.push(v),
                        "but" => self.buts.push(v),
                        "misclick" => self.misclicks.push(v),
                        "gift" => self.gifts.push(v),
                        "blank" => self.blanks.push(v),
                        _ => self.concessions.push(v),
                    }
                }
            }
            FileKind::Dict => self.dict.extend(parse::parse_dict(name, reader, problems)),
            FileKind::Levels => self.levels.extend(parse_levels(name, reader, problems)),
            FileKind::Scripts => {
                let keys: Vec<&str> = Tier::ALL.iter().map(|t| t.key()).collect();
                for (_, k, v) in parse::parse_keyed(name, &keys, reader, problems) {
                    if let Some(t) = Tier::from_key(&k) {
                        self.scripts.insert(t, v);
                    }
                }
            }
            FileKind::FollowUp => {
                for (line, k, v) in
                    parse::parse_keyed(name, &["retry_after_days", "phone_after_days"], reader, problems)
                {
                    match v.parse::<i64>() {
                        Ok(n) if n >= 0 => match k.as_str() {
                            "retry_after_days" => self.followup.retry_after_days = n,
                            _ => self.followup.phone_after_days = n,
                        },
                        _ => problems.push(Problem {
                            file: name.to_string(),
                            line,
                            message: format!("`{v}` is not a whole number of days"),
                        }),
                    }
                }
            }
            FileKind::Weights => self.weights.extend(parse_weights(name, reader, problems)),
            FileKind::FraudWeights => self.fraud_weights.extend(parse_weights(name, reader, problems)),
        }
    }

    /// Checks that span lines and files.
    fn check(&self, problems: &mut Vec<Problem>) {
        let mut seen: HashMap<String, &Origin> = HashMap::new();
        for cue in &self.cues {
            let key = match &cue.pattern {
                Pattern::Phrase(p) => format!("phrase {p}"),
                Pattern::Pair { aspects, opinions } => {
                    format!("pair {} + {}", aspects.join("|"), opinions.join("|"))
                }
                Pattern::Regex(r) => format!("re {r}"),
                Pattern::All(parts) => format!("all {}", parts.join(" & ")),
            };
            if let Some(first) = seen.get(&key) {
                problems.push(Problem {
                    file: cue.origin.file.clone(),
                    line: cue.origin.line,
                    message: format!("duplicate keyword (first at {first})"),
                });
            } else {
                seen.insert(key, &cue.origin);
            }
            match &cue.pattern {
                Pattern::Regex(r) => check_regex(r, &cue.origin, problems),
                Pattern::All(parts) => parts.iter().for_each(|r| check_regex(r, &cue.origin, problems)),
                _ => {}
            }
        }
        for v in &self.vetoes {
            check_regex(&v.regex, &v.origin, problems);
        }
        if self.levels.is_empty() && !self.source.is_empty() {
            problems.push(Problem {
                file: "levels.txt".into(),
                line: 0,
                message: "no levels defined: write e.g. `junior 新人: new_buyer courier`".into(),
            });
        }
    }

    /// Levels that may take every tier (seniors): where escalations go.
    pub fn full_levels(&self) -> Vec<String> {
        self.levels
            .iter()
            .filter(|l| Tier::ALL.iter().all(|t| l.tiers.contains(t)))
            .map(|l| l.name.clone())
            .collect()
    }

    /// The level a roster names, by key or alias (case-insensitive).
    pub fn level(&self, name: &str) -> Option<&Level> {
        let n = name.trim().to_lowercase();
        self.levels
            .iter()
            .find(|l| l.name.to_lowercase() == n || l.aliases.iter().any(|a| a.to_lowercase() == n))
    }

    /// Compile every pattern, as a run compiles them one by one when a
    /// review first needs each (for `rules check`, which promises a folder
    /// that loads is a folder that runs).
    pub fn compile_patterns(&self) -> Result<(), RulesError> {
        let regexes = self.cues.iter().flat_map(|c| match &c.pattern {
            Pattern::Regex(r) => vec![(r, &c.origin)],
            Pattern::All(parts) => parts.iter().map(|r| (r, &c.origin)).collect(),
            _ => Vec::new(),
        });
        let problems: Vec<Problem> = regexes
            .chain(self.vetoes.iter().map(|v| (&v.regex, &v.origin)))
            .filter_map(|(re, origin)| {
                let e = regex::Regex::new(re).err()?;
                Some(Problem {
                    file: origin.file.clone(),
                    line: origin.line,
                    message: format!("pattern does not compile: {}", last_line(&e)),
                })
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(RulesError { problems })
        }
    }
}

/// The largest count a pattern may repeat by (`.{0,16}`): rules name words
/// a few characters apart, and a count in the thousands makes a pattern too
/// big to compile.
const MAX_REPEAT: u32 = 100;

/// Parsed only: a run compiles each pattern the first time a review needs
/// it (see `gate::RegexBank`), so what could stop a pattern compiling is
/// checked here, on every load: its syntax, and its counts.
fn check_regex(re: &str, origin: &Origin, problems: &mut Vec<Problem>) {
    let problem = match regex_syntax::Parser::new().parse(re) {
        Err(e) => Some(format!("pattern does not compile: {}", last_line(&e))),
        Ok(hir) => largest_repeat(&hir).filter(|&n| n > MAX_REPEAT).map(|n| {
            format!("a count of {n} makes the pattern too big; keep counts such as {{0,16}} at {MAX_REPEAT} or under")
        }),
    };
    if let Some(message) = problem {
        problems.push(Problem {
            file: origin.file.clone(),
            line: origin.line,
            message,
        });
    }
}

/// The last line of a regex error: the reason, without the pattern drawn
/// above it.
fn last_line(e: &dyn fmt::Display) -> String {
    e.to_string().lines().last().unwrap_or("").trim().to_string()
}

/// The largest bound of any counted repetition in `hir` (`{2,5}` gives 5).
fn largest_repeat(hir: &regex_syntax::hir::Hir) -> Option<u32> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Repetition(r) => {
            let own = r.max.unwrap_or(r.min).max(r.min);
            Some(largest_repeat(&r.sub).map_or(own, |n| n.max(own)))
        }
        HirKind::Capture(c) => largest_repeat(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().filter_map(largest_repeat).max(),
        _ => None,
    }
}

/// `name alias alias: tier tier` or `name: *`.
fn parse_levels(name: &str, reader: impl BufRead, problems: &mut Vec<Problem>) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for (line, text) in parse::content_lines(name, reader, problems) {
        let mut bad = |message: String| {
            problems.push(Problem {
                file: name.to_string(),
                line,
                message,
            })
        };
        let Some((names, tiers)) = text.split_once(':') else {
            bad("expected `level alias: tier tier` (or `: *` for every tier)".into());
            continue;
        };
        let mut names = names.split_whitespace().map(str::to_string);
        let Some(key) = names.next() else {
            bad("missing level name before `:`".into());
            continue;
        };
        let mut list = Vec::new();
        for t in tiers.split([' ', ',']).filter(|t| !t.is_empty()) {
            if t == "*" {
                list.extend(Tier::ALL);
            } else if let Some(tier) = Tier::parse_label(t) {
                // a key, a Chinese name or a number, as in labelled sheets
                list.push(tier);
            } else {
                bad(format!(
                    "unknown tier `{t}` (expected {}, their Chinese names, numbers 1-5, or *)",
                    Tier::ALL.map(|t| t.key()).join(", ")
                ));
            }
        }
        list.sort();
        list.dedup();
        let aliases: Vec<String> = names.collect();
        let clash = std::iter::once(&key)
            .chain(aliases.iter())
            .find(|n| out.iter().any(|l| &l.name == *n || l.aliases.contains(n)));
        if let Some(n) = clash {
            bad(format!("level name `{n}` is used twice"));
            continue;
        }
        out.push(Level {
            name: key,
            aliases,
            tiers: list,
        });
    }
    out
}

/// `token <TAB> class <TAB> weight` lines.
fn parse_weights(name: &str, reader: impl BufRead, problems: &mut Vec<Problem>) -> Vec<Weight> {
    let mut out = Vec::new();
    for (line, text) in parse::content_lines(name, reader, problems) {
        let parts: Vec<&str> = text.split('\t').collect();
        let weight = parts.get(2).and_then(|w| w.trim().parse::<f64>().ok());
        match (parts.len(), weight) {
            (3, Some(w)) if w.is_finite() => out.push(Weight {
                token: parts[0].to_string(),
                class: parts[1].trim().to_string(),
                weight: w,
            }),
            _ => problems.push(Problem {
                file: name.to_string(),
                line,
                message: "expected `token<TAB>class<TAB>weight` with a number for weight".into(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_load_cleanly() {
        let set = RuleSet::built_in().unwrap_or_else(|e| panic!("{e}"));
        assert!(set.cues.len() > 100, "only {} cues", set.cues.len());
        let junior = set.level("新人").expect("新人 is a junior alias");
        assert_eq!(junior.tiers, [Tier::NewBuyer, Tier::Courier]);
        assert_eq!(set.level("SENIOR").map(|l| l.tiers.len()), Some(6));
        for t in Tier::ALL {
            assert!(set.scripts.contains_key(&t), "no script for {t}");
        }
    }

    /// A rules set from (file name, text) pairs.
    fn from_texts(files: &[(&str, &str)]) -> Result<RuleSet, RulesError> {
        RuleSet::from_files(
            "test".into(),
            files.iter().map(|(n, t)| (n.to_string(), n.to_string(), t.as_bytes())),
        )
    }

    /// Levels may name tiers as labelled sheets do: 快递, 2, courier.
    #[test]
    fn levels_take_tiers_by_key_chinese_name_or_number() {
        let set = from_texts(&[("levels.txt", "新人: 1 快递\nsenior: *\n")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.level("新人").unwrap().tiers, [Tier::NewBuyer, Tier::Courier]);
    }

    #[test]
    fn problems_are_listed_by_file_and_line() {
        let err = from_texts(&[("quality.txt", "re: (坏\n质量差 + \n")]).unwrap_err();
        let shown = err.to_string();
        let first = shown.find("quality.txt:1:").expect(&shown);
        let second = shown.find("quality.txt:2:").expect(&shown);
        assert!(first < second, "{shown}");
    }

    #[test]
    fn cross_file_problems_name_both_places() {
        let err = from_texts(&[
            ("courier.txt", "快递太慢\n"),
            (
                "quality.txt",
                "质量差\n快递太慢\nre: (坏\nre: 坏[^,]{0,5000}了\nre: 坏.{0,100}了\n",
            ),
            ("levels.txt", "junior: new_buyer courrier\n"),
        ])
        .unwrap_err();
        let msgs: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert!(msgs.contains(&"levels.txt:1: unknown tier `courrier` (expected new_buyer, courier, service, quality, fraud, unclassified, their Chinese names, numbers 1-5, or *)".to_string()), "{msgs:?}");
        assert!(
            msgs.contains(&"courier.txt:1: duplicate keyword (first at quality.txt:2)".to_string())
                || msgs.contains(&"quality.txt:2: duplicate keyword (first at courier.txt:1)".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("quality.txt:3: pattern does not compile:")),
            "{msgs:?}"
        );
        // a count big enough to stop the pattern compiling, not one at the limit
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("quality.txt:4: a count of 5000 makes the pattern too big")),
            "{msgs:?}"
        );
        assert!(!msgs.iter().any(|m| m.starts_with("quality.txt:5:")), "{msgs:?}");
    }

    /// What `rules check` adds: every pattern compiled, as a run compiles
    /// each when first needed.
    #[test]
    fn every_built_in_pattern_compiles() {
        RuleSet::built_in().unwrap().compile_patterns().unwrap();
    }
}
