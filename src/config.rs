//! From the command line to a validated `Config`, with every expensive
//! object (rules, matchers, jieba, roster) built before the first row is read.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::assign::{read_roster, Agent};
use crate::classify::Classifier;
use crate::cli::{Format, RunArgs};
use crate::input::{Field, InputOptions};
use crate::rules::RuleSet;

/// A mistake in the arguments: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Everything a triage run needs, checked.
pub struct Config {
    /// Input exports, in the order given.
    pub files: Vec<PathBuf>,
    /// The roster, when `--agents` was given.
    pub agents: Option<Vec<Agent>>,
    /// Output folder.
    pub out: PathBuf,
    /// Compiled rules (and jieba).
    pub classifier: Classifier,
    pub input: InputOptions,
    pub format: Format,
    pub quiet: bool,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// The ledger file, when runs remember (a roster was given and not --no-ledger).
    pub ledger: Option<PathBuf>,
    /// The date of this run, `YYYY-MM-DD`.
    pub today: String,
}

/// `--today`, checked, or today in China.
pub fn parse_today(arg: Option<&str>) -> Result<String, UsageError> {
    match arg {
        None => Ok(crate::ledger::today_china()),
        Some(d) if crate::ledger::valid_date(d) => Ok(d.to_string()),
        Some(d) => Err(UsageError(format!("--today {d}: expected a date as YYYY-MM-DD"))),
    }
}

/// Load the rules named by `--rules`, or the built-in ones.
pub fn load_rules(dir: Option<&Path>) -> Result<RuleSet> {
    Ok(match dir {
        Some(d) => RuleSet::load_dir(d)?,
        None => RuleSet::built_in()?,
    })
}

/// Parse `--encoding`.
pub fn parse_encoding(name: &str) -> Result<&'static encoding_rs::Encoding, UsageError> {
    let n = name.trim().to_lowercase().replace('_', "-");
    let label = match n.as_str() {
        "utf8" => "utf-8",
        "utf16le" | "utf-16" => "utf-16le",
        "utf16be" => "utf-16be",
        "gb2312" | "cp936" => "gbk",
        other => other,
    };
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        // encoding_rs decodes GBK as GB18030, its superset
        Some(e) if e == encoding_rs::GBK => Ok(encoding_rs::GB18030),
        Some(e) => Ok(e),
        None => Err(UsageError(format!(
            "--encoding {name}: unknown encoding (try utf-8, gb18030, gbk, utf-16le)"
        ))),
    }
}

/// Parse `--column field=header`.
pub fn parse_column(arg: &str) -> Result<(Field, String), UsageError> {
    let Some((f, h)) = arg.split_once('=') else {
        return Err(UsageError(format!(
            "--column {arg}: expected FIELD=HEADER, e.g. --column text=评论"
        )));
    };
    let Some(field) = Field::from_key(f.trim()) else {
        let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        return Err(UsageError(format!(
            "--column {arg}: unknown field `{}` (expected one of {})",
            f.trim(),
            keys.join(", ")
        )));
    };
    if h.trim().is_empty() {
        return Err(UsageError(format!("--column {arg}: empty header name")));
    }
    Ok((field, h.trim().to_string()))
}

impl Config {
    pub fn from_cli(args: RunArgs) -> Result<Config> {
        let encoding = args.encoding.as_deref().map(parse_encoding).transpose()?;
        let columns = args
            .columns
            .iter()
            .map(|c| parse_column(c))
            .collect::<Result<Vec<_>, _>>()?;
        if args.threads == Some(0) {
            return Err(UsageError("--threads must be at least 1".into()).into());
        }
        let rules = load_rules(args.rules.as_deref())?;
        let agents = match &args.agents {
            Some(p) => Some(read_roster(p, &rules)?),
            None => None,
        };
        let classifier = Classifier::new(rules)?;
        let today = parse_today(args.today.as_deref())?;
        let ledger = match (&agents, args.no_ledger) {
            (Some(_), false) => Some(args.ledger.unwrap_or_else(|| args.out.join("triage.db"))),
            _ => None,
        };
        Ok(Config {
            ledger,
            today,
            files: args.files,
            agents,
            out: args.out,
            classifier,
            input: InputOptions { encoding, columns },
            format: args.format,
            quiet: args.quiet,
            threads: args.threads,
        })
    }
}
