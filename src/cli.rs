//! The command line: raw arguments only. Doc comments are the help text.
//! Validation and everything built from the arguments live in `config.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sort a shop's 中评/差评 into call tiers and split them among agents.
///
/// Tiers: 1 new_buyer 新手, 2 courier 快递, 3 service 服务, 4 quality 质量,
/// 5 fraud 骗子, and unclassified 待定. Juniors (新人) may call tiers 1-2;
/// seniors (资深) call every tier.
///
/// Exit status: 0 done; 1 failed; 2 usage error or invalid rules;
/// 3 done, but some rows were rejected (see rejected.csv).
#[derive(Debug, Parser)]
#[command(
    name = "triage",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Output format of the summary on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Review exports (CSV; `-` reads stdin). The same review in two files counts once.
    #[arg(required = true, value_name = "EXPORT")]
    pub files: Vec<PathBuf>,

    /// Agents roster: CSV with name, level (junior/新人, senior/资深), capacity[, available].
    #[arg(long, value_name = "CSV")]
    pub agents: Option<PathBuf>,

    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "triage-out")]
    pub out: PathBuf,

    /// Rules folder to use instead of the built-in rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Input encoding (utf-8, gb18030, gbk, utf-16le, utf-16be); detected when not given.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// Map a column: FIELD=HEADER, FIELD one of text, rating, order, buyer, time, item, follow_up.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,

    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,

    /// Worker threads for classifying (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Ledger of what earlier runs handed out (default: triage.db in the output folder).
    /// Used with --agents: reviews handed out before are not handed out again.
    #[arg(long, value_name = "FILE", conflicts_with = "no_ledger")]
    pub ledger: Option<PathBuf>,

    /// Run without the ledger: hand out everything, remember nothing.
    #[arg(long)]
    pub no_ledger: bool,

    /// The date of this run, YYYY-MM-DD (default: today, China time).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score the rules on labelled reviews (CSV with `text` and `tier` columns).
    Eval {
        /// Labelled CSV.
        file: PathBuf,
        /// Rules folder to use instead of the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Report format (json for scripts).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write every row's prediction (text, truth, predicted, evidence) to this CSV, to see which rows were wrong
        #[arg(long, value_name = "CSV")]
        predictions: Option<PathBuf>,
    },
    /// Show how one review text is tiered: tokens, every rule that fired, the verdict.
    Explain {
        /// The review text.
        text: String,
        /// The rating, if known (中评/差评, 1-5).
        #[arg(long)]
        rating: Option<String>,
        /// Rules folder to use instead of the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Check or copy rules folders.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Read agents' results (the 结果 column of call lists) into the ledger.
    Record {
        /// Call lists (calls/*.csv).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The ledger file.
        #[arg(long, value_name = "FILE", default_value = "triage-out/triage.db")]
        ledger: PathBuf,
        /// Rules folder to use instead of the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// The date of the calls, YYYY-MM-DD (default: today, China time).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Where every case stands: open per agent and tier, resolved, escalations, oldest open case.
    Status {
        /// The ledger file.
        #[arg(long, value_name = "FILE", default_value = "triage-out/triage.db")]
        ledger: PathBuf,
        /// The day to report on, YYYY-MM-DD (default: today, China time).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Report format (json for scripts).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Learn weights from labelled reviews and write them into a rules folder.
    Learn {
        /// Tier-labelled CSV (columns text, tier); may be given more than once.
        #[arg(long = "tiers", value_name = "CSV", required_unless_present = "fraud")]
        tiers: Vec<PathBuf>,
        /// Fraud cases and honest look-alikes (columns text, tier) to learn the
        /// fraud head from, into fraud-weights.tsv; may be given more than once.
        #[arg(long = "fraud", value_name = "CSV")]
        fraud: Vec<PathBuf>,
        /// Polarity-labelled CSV (columns review, label: 1 positive, 0 negative).
        #[arg(long, value_name = "CSV")]
        polarity: Option<PathBuf>,
        /// Rules folder to write weights.tsv into (created from the built-in rules if missing).
        #[arg(long, value_name = "DIR")]
        rules: PathBuf,
        /// Drop tokens seen fewer times than this.
        #[arg(long, default_value_t = 2)]
        min_count: usize,
        /// Instead of writing weights, score them by K-fold cross-validation
        /// over the tier-labelled files (each fold learned without its own
        /// rows; the fraud head is not refitted per fold).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
        /// With --folds: write every held-out prediction (text, truth, predicted, evidence) to this CSV.
        #[arg(long, value_name = "CSV", requires = "folds")]
        predictions: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Validate a rules folder (default: the built-in rules); report every bad line.
    Check {
        /// The rules folder to check.
        dir: Option<PathBuf>,
    },
    /// Copy the built-in rules into DIR to edit them.
    Init {
        /// A new folder for the copy.
        dir: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
