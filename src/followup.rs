//! `triage record` and `triage status`: the lead's side of the ledger.
//!
//! Reads agents' results from their call lists into the ledger and shows
//! where every case stands. The ledger itself lives in `ledger.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::cli::Format;
use crate::config::{load_rules, parse_today};
use crate::exit::ExitCode;
use crate::input::{read_call_results, CallResult};
use crate::ledger::{self, Blank, Outcome, Reported};
use crate::tier::Tier;

pub fn record_command(
    files: &[PathBuf],
    ledger_path: &Path,
    rules: Option<&Path>,
    today: Option<&str>,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let rules = load_rules(rules)?;
    let mut reports = Vec::new();
    let mut blanks = Vec::new();
    let mut problems = Vec::new();
    // lists handed in before anyone called: worth a word
    let mut unworked = Vec::new();
    for f in files {
        match read_call_results(f) {
            Ok(rows) => {
                let (results, blanks_before) = (reports.len(), blanks.len());
                for CallResult {
                    source,
                    order_id: order,
                    result: cell,
                    day,
                } in rows
                {
                    match Outcome::parse(&cell) {
                        Ok(Some(_)) if crate::input::looks_rounded(&order) => problems.push(format!(
                            "{source}: order {order} was rounded by Excel (the 订单编号 column was saved as a number); \
                             copy the order numbers back from the list triage wrote, or format the column as text before saving"
                        )),
                        Ok(Some(outcome)) => reports.push(Reported {
                            source,
                            order_id: order,
                            outcome,
                        }),
                        // left empty: not called (an order Excel rounded
                        // names no buyer, and says nothing)
                        Ok(None) if crate::input::looks_rounded(&order) || order.trim().is_empty() => {}
                        Ok(None) => blanks.push(Blank {
                            source,
                            order_id: order,
                            day,
                        }),
                        Err(why) => problems.push(format!("{source}: {why}")),
                    }
                }
                if reports.len() == results && blanks.len() > blanks_before {
                    unworked.push((f.display().to_string(), blanks.len() - blanks_before));
                }
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if !problems.is_empty() {
        bail!(
            "nothing recorded; fix these and run again:\n  {}",
            problems.join("\n  ")
        );
    }
    for (file, n) in &unworked {
        eprintln!(
            "triage: note: {file}: no result written in it; its {n} row{} are taken as not called (back on the next day's list)",
            if *n == 1 { "" } else { "s" }
        );
    }
    let done = ledger::record_outcomes(
        ledger_path,
        &today,
        &reports,
        &blanks,
        rules.followup,
        &rules.full_levels(),
    )?;
    let before = match done.already {
        0 => String::new(),
        1 => "; 1 was recorded before".to_string(),
        n => format!("; {n} were recorded before"),
    };
    println!(
        "recorded {} result{} in {}: {} resolved, {} to a senior (new hire could not resolve), {} to try again{before}",
        done.applied,
        if done.applied == 1 { "" } else { "s" },
        ledger_path.display(),
        done.resolved,
        done.escalated,
        done.retry,
    );
    if done.uncalled > 0 {
        println!(
            "{} buyer{} left empty (not called): back on the next day's list, to the same agent when free",
            done.uncalled,
            if done.uncalled == 1 { "" } else { "s" },
        );
    }
    Ok(ExitCode::Ok)
}

pub fn status_command(ledger_path: &Path, today: Option<&str>, format: Format) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let s = ledger::status(ledger_path, &today)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
        return Ok(ExitCode::Ok);
    }
    writeln!(out, "ledger {} on {}", ledger_path.display(), s.today)?;
    writeln!(out, "open cases: {}", s.open_total)?;
    for (agent, tiers) in &s.open {
        let mut by: Vec<(&String, &usize)> = tiers.iter().collect();
        by.sort_by_key(|(k, _)| Tier::from_key(k).map_or(9, |t| t.report_order()));
        let by: Vec<String> = by
            .iter()
            .map(|(k, n)| match Tier::from_key(k) {
                Some(t) => format!("{} {n}", t.label_en()),
                None => format!("{k} {n}"),
            })
            .collect();
        writeln!(out, "  {agent}: {}", by.join(", "))?;
    }
    writeln!(
        out,
        "waiting: {} backlog, {} escalated to a senior, {} to try again, {} not called",
        s.backlog, s.escalations, s.retry, s.not_called
    )?;
    writeln!(
        out,
        "resolved: {} today, {} in the last 7 days",
        s.resolved_today, s.resolved_week
    )?;
    match &s.oldest_open {
        Some((agent, day, key)) => {
            // the ledger's case key, as a lead reads it: the buyer, or the order
            let who = match key.split_once(':') {
                Some(("buyer", b)) => format!("buyer {b}"),
                Some(("order", o)) => format!("order {o}"),
                _ => key.clone(),
            };
            writeln!(out, "oldest open case: {who}, with {agent} since {day}")?
        }
        None => writeln!(out, "oldest open case: none")?,
    }
    Ok(ExitCode::Ok)
}
