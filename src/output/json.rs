//! `summary.json`: the counts of a run, for scripts and cron.
//!
//! Maps are `BTreeMap`s so the same run serialises byte for byte the same.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

/// Counts for one input file.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FileCounts {
    pub file: String,
    pub encoding: String,
    pub rows_read: usize,
    pub skipped: usize,
    pub triaged: usize,
    pub rejected: usize,
}

/// Everything a run counted. `rows_read = skipped + triaged + rejected`,
/// overall and per file; with a roster, `triaged = assigned + backlog`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub rows_read: usize,
    /// Good reviews plus duplicates.
    pub skipped: usize,
    pub skipped_good: usize,
    /// The same review (order and text) seen before in this run.
    pub skipped_duplicate: usize,
    pub triaged: usize,
    pub rejected: usize,
    /// Reviews per tier key.
    pub tiers: BTreeMap<String, usize>,
    /// Reviews per agent.
    pub agents: BTreeMap<String, usize>,
    /// Reviews per agent and tier key (the case's tier).
    pub agent_tiers: BTreeMap<String, BTreeMap<String, usize>>,
    /// Calls (cases) per agent.
    pub agent_cases: BTreeMap<String, usize>,
    /// Reviews handed out.
    pub assigned: usize,
    /// Reviews no one could take.
    pub backlog: usize,
    /// Backlog reviews per reason key.
    pub backlog_reasons: BTreeMap<String, usize>,
    /// Cases (one buyer, or one order when the buyer is masked).
    pub cases: usize,
    /// Reviews of this run handed out in an earlier run (ledger): not again.
    pub already_assigned: usize,
    /// Reviews brought back from the ledger that are not in this run's files
    /// (yesterday's backlog, escalations, buyers to try again).
    pub carried_over: usize,
    /// Cases from earlier runs dealt again today (backlog, escalations, retries).
    pub comebacks: usize,
    /// Cases an earlier run today handed out, not yet reported: dealt again
    /// in this run's lists (the same agent when still on the roster).
    pub dealt_earlier_today: usize,
    /// Cases on an earlier day's list whose result was recorded empty (not
    /// called): dealt again, to the same agent when still on the roster and
    /// free (counted in `comebacks` too).
    pub not_called: usize,
    /// Buyers handed out earlier and not yet reported who wrote again: their
    /// new reviews join that case and stay with its agent.
    pub still_open: usize,
    /// The ledger file, when runs remember.
    pub ledger: Option<String>,
    pub files: Vec<FileCounts>,
}

/// Write the summary as pretty JSON with a trailing newline.
pub fn write_summary(w: &mut dyn Write, s: &Summary) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, s)?;
    w.write_all(b"\n")?;
    Ok(())
}
