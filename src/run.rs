//! The triage run: read → classify → assign → write, and the command dispatch.
//!
//! Owns the order of the stages, the run-wide passes (duplicates across
//! files, the same text from many buyers) and the printed summary. Each stage
//! itself lives in its own module.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::assign::{self, Agent, Assignment, BacklogReason, CaseInput};
use crate::classify::{Evidence, Verdict};
use crate::cli::{Cli, Command, Format, RulesAction};
use crate::config::{self, Config};
use crate::exit::ExitCode;
use crate::input::{self, InputError, Rejected, Review, Row};
use crate::ledger::{Carry, Handed, Held, Ledger};
use crate::output::csv::{self as out_csv, BacklogRow, CallRow, TriagedRow};
use crate::output::json::{self, FileCounts, Summary};
use crate::output::Staged;
use crate::rules::CueKind;
use crate::text;
use crate::tier::{Causes, Tier};

/// The same normalised text from this many different buyers is an attack.
pub const BATCH_BUYERS: usize = 3;
/// Texts shorter than this (差评, 垃圾) are too common to call an attack.
pub const BATCH_MIN_CHARS: usize = 12;
/// One buyer's low reviews naming no cause, on this many different orders
/// in one run, are fraud (TIERS.md: one buyer leaving low reviews on many
/// orders). Reviews that name a cause are not counted: after Double 11 an
/// honest buyer may rate five late parcels low.
pub const BUYER_ORDERS: usize = 5;

/// Run the command line. Safe to call more than once in a process.
pub fn run(cli: Cli) -> Result<ExitCode> {
    STARTED.get_or_init(std::time::Instant::now);
    // commands that segment text: load jieba while the rules are read
    if matches!(
        cli.command,
        None | Some(Command::Eval { .. } | Command::Explain { .. } | Command::Learn { .. })
    ) {
        text::preload();
    }
    match cli.command {
        None => {
            let cfg = Config::from_cli(cli.run)?;
            let (summary, code) = triage(&cfg)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match cfg.format {
                Format::Json => json::write_summary(&mut out, &summary)?,
                Format::Text => print_summary(&mut out, &summary, &cfg)?,
            }
            out.flush()?;
            // the process ends now: the rules, the automata and jieba's
            // dictionary need not be freed piece by piece first
            std::mem::forget(cfg);
            Ok(code)
        }
        Some(Command::Eval {
            file,
            rules,
            format,
            predictions,
        }) => crate::eval::command(&file, rules.as_deref(), format, predictions.as_deref()),
        Some(Command::Explain { text, rating, rules }) => {
            crate::eval::explain_command(&text, rating.as_deref(), rules.as_deref())
        }
        Some(Command::Rules {
            action: RulesAction::Check { dir },
        }) => {
            let set = config::load_rules(dir.as_deref())?;
            set.compile_patterns()?;
            println!(
                "{}: ok ({} cues, {} vetoes, {} shop words, {} levels, {} learned weights, {} fraud weights)",
                set.source,
                set.cues.len(),
                set.vetoes.len(),
                set.dict.len(),
                set.levels.len(),
                set.weights.len(),
                set.fraud_weights.len()
            );
            Ok(ExitCode::Ok)
        }
        Some(Command::Rules {
            action: RulesAction::Init { dir },
        }) => {
            init_rules(&dir)?;
            println!(
                "wrote the built-in rules to {}; use them with --rules {}",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::Ok)
        }
        Some(Command::Record {
            files,
            ledger,
            rules,
            today,
        }) => crate::followup::record_command(&files, &ledger, rules.as_deref(), today.as_deref()),
        Some(Command::Status { ledger, today, format }) => {
            crate::followup::status_command(&ledger, today.as_deref(), format)
        }
        Some(Command::Learn {
            tiers,
            fraud,
            polarity,
            rules,
            min_count,
            folds,
            predictions,
        }) => {
            let opts = crate::eval::LearnOptions {
                min_count,
                folds,
                predictions,
                fraud,
            };
            crate::eval::learn_command(&tiers, polarity.as_deref(), &rules, &opts)
        }
    }
}

/// Copy the built-in rules into `dir` (refusing to overwrite a file).
pub fn init_rules(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in crate::rules::RuleSet::built_in_files() {
        let path = dir.join(name);
        if path.exists() {
            bail!("{} already exists: not overwriting it", path.display());
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// One triaged review.
struct Triaged {
    review: Review,
    verdict: Verdict,
    time: u64,
    /// The ledger case this review comes back with, and why.
    carry: Option<(i64, Carry)>,
    /// Handed out in an earlier run (to this agent, when known): not again.
    handed_before: Option<String>,
    /// The ledger's key for this review (with a ledger only; see `ledger::review_key`).
    key: Option<u128>,
}

/// Read every input, tier every mid/low review, assign, write. Returns the
/// summary and the exit status (3 when rows were rejected).
pub fn triage(cfg: &Config) -> Result<(Summary, ExitCode)> {
    match cfg.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(|| triage_all(cfg)),
        None => triage_all(cfg),
    }
}

/// Reviews classified in chunks of this many while the file is read, so the
/// progress bar follows the real work and memory holds no unclassified backlog.
const CHUNK: usize = 8192;

/// Classify a chunk on every core; the results keep the input order.
fn classify_chunk(classifier: &crate::classify::Classifier, chunk: Vec<Review>, rows: &mut Vec<Triaged>) {
    let verdicts: Vec<Verdict> = chunk
        .par_iter()
        .with_min_len(64)
        .map(|r| classifier.classify(&r.full_text(), r.rating.stars()))
        .collect();
    rows.extend(chunk.into_iter().zip(verdicts).map(|(review, verdict)| Triaged {
        time: input::time_key(review.created_at()),
        review,
        verdict,
        carry: None,
        handed_before: None,
        key: None,
    }));
}

fn triage_all(cfg: &Config) -> Result<(Summary, ExitCode)> {
    // Take the ledger's lock first, so two runs on one ledger take turns.
    let inputs_label: Vec<String> = cfg.files.iter().map(|f| f.display().to_string()).collect();
    let mut ledger = match &cfg.ledger {
        Some(path) => Some(Ledger::open(path, &cfg.today, &inputs_label.join(" "))?),
        None => None,
    };
    let total: u64 = cfg
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = crate::progress::bytes_bar(total, cfg.quiet);
    let count = Arc::new(AtomicU64::new(0));

    let mut laps = Laps::from_env();
    laps.lap("start-up");
    let classifier = &cfg.classifier;
    let mut rows: Vec<Triaged> = Vec::new();
    // One thread reads and decodes while the others classify what it has
    // read so far; chunks arrive in input order, so output does not change.
    let (chunks, inbox) = std::sync::mpsc::sync_channel::<Vec<Review>>(2);
    let read = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read_all(cfg, &bar, &count, chunks));
        for chunk in inbox {
            classify_chunk(classifier, chunk, &mut rows);
        }
        reader.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
    })?;
    laps.lap("read and classify");
    let Read {
        rejected,
        counts,
        duplicates,
        good,
        readable,
    } = read;
    bar.finish_and_clear();
    if readable == 0 {
        bail!("nothing to triage: no input file could be read");
    }

    mark_batches(&mut rows);
    laps.lap("same-text batches");
    let triaged_today = rows.len();

    let agents: &[Agent] = cfg.agents.as_deref().unwrap_or(&[]);
    let mut memory = Memory::default();
    if let Some(l) = &ledger {
        memory = remember(l, cfg, &mut rows)?;
        laps.lap("ledger lookups");
    }
    // per case still open with an agent: who holds it (for 跟进)
    let mut holders: HashMap<usize, String> = HashMap::new();
    let assignment = match cfg.agents.as_ref() {
        None => None,
        Some(agents) => {
            // reviews handed out before are not dealt again
            let active: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].handed_before.is_none()).collect();
            let inputs: Vec<CaseInput> = active
                .iter()
                .map(|&i| {
                    let t = &rows[i];
                    CaseInput {
                        buyer: t.review.buyer(),
                        order_id: t.review.order_id(),
                        tier: t.verdict.tier,
                        time: t.time,
                        carry: t.carry,
                    }
                })
                .collect();
            let mut cases = assign::build_cases(&inputs);
            // the case key of each case that keeps its agent (an escalation does not)
            let keys: Vec<Option<String>> = cases
                .iter_mut()
                .map(|case| {
                    // back to row indices
                    for r in &mut case.reviews {
                        *r = active[*r];
                    }
                    let first = &rows[case.reviews[0]].review;
                    (case.carry != Some(Carry::Escalate)).then(|| assign::case_key(first.buyer(), first.order_id()))
                })
                .collect();
            // who had each buyer before: yesterday's carried cases, else the ledger
            let earlier = match &ledger {
                Some(l) if !memory.first_run => {
                    let ask: Vec<&str> = keys
                        .iter()
                        .flatten()
                        .filter(|k| !memory.agents.contains_key(*k))
                        .map(String::as_str)
                        .collect();
                    l.last_agents_of(&ask)?
                }
                _ => HashMap::new(),
            };
            // buyers an agent still holds (handed out and not reported, or
            // not reached and not yet due): today's reviews join that case,
            // with that agent
            let open = match &ledger {
                Some(l) if !memory.first_run => l.held_cases()?,
                _ => HashMap::new(),
            };
            for (ci, (case, key)) in cases.iter_mut().zip(&keys).enumerate() {
                let Some(key) = key else { continue };
                let mut before = memory.agents.get(key).or_else(|| earlier.get(key));
                if matches!(case.carry, Some(Carry::Today | Carry::Uncalled)) {
                    if let Some(h) = memory.agents.get(key) {
                        holders.insert(ci, h.clone());
                    }
                }
                if let Some(Held { ids, agent: holder }) = open.get(key) {
                    for id in ids {
                        if !case.ledger_ids.contains(id) {
                            case.ledger_ids.push(*id);
                        }
                    }
                    if case.carry.is_none() {
                        case.carry = Some(Carry::Open);
                        before = holder.as_ref().or(before);
                        if let Some(h) = holder {
                            holders.insert(ci, h.clone());
                        }
                    }
                }
                case.preferred = before.and_then(|name| agents.iter().position(|a| &a.name == name));
            }
            Some(assign::assign(cases, agents))
        }
    };
    // review index -> (case index, agent)
    let mut case_of = vec![usize::MAX; rows.len()];
    if let Some(a) = &assignment {
        for (ci, case) in a.cases.iter().enumerate() {
            for &r in &case.reviews {
                case_of[r] = ci;
            }
        }
    }
    let agent_of = |i: usize| -> Option<&str> {
        if let Some(before) = &rows[i].handed_before {
            return Some(before.as_str());
        }
        let a = assignment.as_ref()?;
        a.outcome.get(case_of[i])?.ok().map(|x| agents[x].name.as_str())
    };

    let mut summary = summarise(
        &rows[..triaged_today],
        &counts,
        good,
        duplicates,
        rejected.len(),
        assignment.as_ref(),
        agents,
    );
    summary.already_assigned = memory.already;
    summary.carried_over = rows.len() - triaged_today;
    summary.comebacks = assignment.as_ref().map_or(0, |a| {
        a.cases
            .iter()
            .filter(|c| c.carry.is_some_and(|w| !matches!(w, Carry::Open | Carry::Today)))
            .count()
    });
    summary.dealt_earlier_today = assignment
        .as_ref()
        .map_or(0, |a| a.cases.iter().filter(|c| c.carry == Some(Carry::Today)).count());
    summary.not_called = assignment.as_ref().map_or(0, |a| {
        a.cases.iter().filter(|c| c.carry == Some(Carry::Uncalled)).count()
    });
    summary.still_open = assignment
        .as_ref()
        .map_or(0, |a| a.cases.iter().filter(|c| c.carry == Some(Carry::Open)).count());
    summary.ledger = cfg.ledger.as_ref().map(|p| p.display().to_string());

    let file_names: Vec<String> = cfg.files.iter().map(|f| f.display().to_string()).collect();
    laps.lap("assign");
    let mut staged = Staged::new(&cfg.out)?;
    // The ledger takes the run's cases on a second thread while the files
    // are written (the cores are free once classification is done); it
    // commits only once every file is staged.
    let archive_old = ledger.is_some();
    let mut write_all = || -> Result<()> {
        if archive_old {
            staged.archive_old_calls(&format!("calls-replaced-{}", cfg.today));
        }
        staged.write("triaged.csv", |w| {
            out_csv::write_triaged(w, triaged_today, |i| {
                let t = &rows[i];
                TriagedRow {
                    order_id: t.review.order_id(),
                    buyer: t.review.buyer(),
                    rating: t.review.rating.key(),
                    created_at: t.review.created_at(),
                    item: t.review.item(),
                    tier: t.verdict.tier.key(),
                    causes: t.verdict.causes.keys(),
                    evidence: t.verdict.evidence_en(),
                    agent: agent_of(i).unwrap_or(""),
                    text: t.review.text(),
                    follow_up: t.review.follow_up(),
                    source_file: file_names.get(t.review.file).map_or("ledger", String::as_str),
                    source_line: t.review.line,
                }
            })
        })?;
        staged.write("summary.json", |w| json::write_summary(w, &summary))?;
        staged.write("rejected.csv", |w| out_csv::write_rejected(w, &rejected))?;
        if let Some(a) = &assignment {
            let scripts = &cfg.classifier.rules().scripts;
            // Which words the learned weights went by, for the reviews in call
            // lists they decided (segmented again, on both cores; not for the
            // backlog, which can hold most of a huge export).
            let listed: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].verdict.learned.is_some() && a.outcome.get(case_of[i]).is_some_and(|o| o.is_ok()))
                .collect();
            let model_words: HashMap<usize, Vec<String>> = listed
                .par_iter()
                .map(|&i| {
                    let t = &rows[i];
                    (i, cfg.classifier.learned_words(&t.review.full_text(), t.verdict.tier))
                })
                .collect();
            let call_row = |i: usize, ci: usize| -> CallRow<'_> {
                let t = &rows[i];
                let mut evidence = t.verdict.evidence_zh();
                if let Some(words) = model_words.get(&i) {
                    if !words.is_empty() {
                        let said = format!("模型判断：{}", words.join("、"));
                        evidence = match evidence.as_str() {
                            "模型判断" | "" => said,
                            _ => format!("{evidence}；{said}"),
                        };
                    }
                }
                let case = &a.cases[ci];
                let (case_tier, carry) = (case.tier, case.carry);
                // a case someone holds, who could not keep it (on leave, off
                // the roster, full, or the new review above their level)
                let given = a.outcome[ci].ok().map(|x| agents[x].name.as_str());
                let comeback: std::borrow::Cow<'_, str> = match (carry, holders.get(&ci)) {
                    (Some(Carry::Open), Some(h)) if given != Some(h.as_str()) => {
                        format!("买家又评：原由{h}跟进").into()
                    }
                    (Some(Carry::Today), Some(h)) if given != Some(h.as_str()) => {
                        format!("今日改派：原由{h}跟进").into()
                    }
                    (Some(Carry::Uncalled), Some(h)) if given != Some(h.as_str()) => {
                        format!("上次未打：原由{h}跟进").into()
                    }
                    _ => carry.map_or("", Carry::zh).into(),
                };
                CallRow {
                    comeback,
                    channel: if matches!(carry, Some(Carry::Retry { phone: false })) {
                        "消息"
                    } else {
                        "电话"
                    },
                    tier: case_tier.label_zh(),
                    order_id: out_csv::order_cell(t.review.order_id()),
                    buyer: out_csv::safe_cell(t.review.buyer()),
                    rating: t.review.rating.zh(),
                    created_at: out_csv::safe_cell(t.review.created_at()),
                    item: out_csv::safe_cell(t.review.item()),
                    text: out_csv::safe_cell(t.review.text()),
                    follow_up: out_csv::safe_cell(t.review.follow_up()),
                    causes: t.verdict.causes.iter().map(|c| c.zh()).collect::<Vec<_>>().join("、"),
                    evidence: out_csv::safe_cell(&evidence).into_owned(),
                    opening: scripts.get(&case_tier).map_or("", String::as_str),
                    result: String::new(),
                    note: String::new(),
                    day: &cfg.today,
                }
            };
            // cases in list order: grouped by tier, newest first within a tier
            let mut order: Vec<usize> = (0..a.cases.len()).collect();
            order.sort_by(|&x, &y| {
                let (cx, cy) = (&a.cases[x], &a.cases[y]);
                cx.tier
                    .report_order()
                    .cmp(&cy.tier.report_order())
                    .then(cy.newest.cmp(&cx.newest))
                    .then(x.cmp(&y))
            });
            let case_rows = |ci: usize| -> Vec<usize> {
                let mut rs = a.cases[ci].reviews.clone();
                rs.sort_by(|&x, &y| rows[y].time.cmp(&rows[x].time).then(x.cmp(&y)));
                rs
            };
            staged.calls_folder()?;
            let list_names = crate::output::call_list_names(agents.iter().map(|a| a.name.as_str()));
            for (ai, agent) in agents.iter().enumerate() {
                if !agent.available {
                    continue;
                }
                let list: Vec<CallRow> = order
                    .iter()
                    .filter(|&&ci| a.outcome[ci] == Ok(ai))
                    .flat_map(|&ci| case_rows(ci).into_iter().map(move |r| (r, ci)))
                    .map(|(r, ci)| call_row(r, ci))
                    .collect();
                staged.write(&format!("calls/{}.csv", list_names[ai]), |w| {
                    out_csv::write_calls(w, &list)
                })?;
            }
            // which review, of which case, and why it waits; the rows themselves
            // are made as they are written (a backlog can hold most of a huge export)
            let backlog: Vec<(usize, usize, BacklogReason)> = order
                .iter()
                .filter_map(|&ci| a.outcome[ci].err().map(|why| (ci, why)))
                .flat_map(|(ci, why)| case_rows(ci).into_iter().map(move |r| (r, ci, why)))
                .collect();
            staged.write("backlog.csv", |w| {
                out_csv::write_backlog(w, backlog.len(), |k| {
                    let (r, ci, why) = backlog[k];
                    BacklogRow {
                        call: call_row(r, ci),
                        reason: why.zh(),
                    }
                })
            })?;
        }
        Ok(())
    };
    let handed = ledger.take().zip(assignment.as_ref());
    let (rows, agents) = (&rows, &agents);
    let (written, recorded) = std::thread::scope(|s| {
        let recording = handed.map(|(mut l, a)| {
            s.spawn(move || -> Result<(Ledger, std::time::Duration)> {
                let started = std::time::Instant::now();
                let keys = assign::cases_keys(&a.cases, |i| (rows[i].review.buyer(), rows[i].review.order_id()));
                l.record(a.cases.len(), |c| {
                    let case = &a.cases[c];
                    Handed {
                        carried: case.ledger_ids.clone(),
                        case_key: &keys[c],
                        tier: case.tier.key(),
                        agent: a.outcome[c]
                            .ok()
                            .map(|x| (agents[x].name.as_str(), agents[x].level.as_str())),
                        fresh: case
                            .reviews
                            .iter()
                            .filter_map(|&i| Some((rows[i].key?, &rows[i].review)))
                            .collect(),
                    }
                })?;
                Ok((l, started.elapsed()))
            })
        });
        let started = std::time::Instant::now();
        let written = write_all().map(|()| started.elapsed());
        let recorded = recording.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (written, recorded)
    });
    // Every file is written (staged) before the ledger remembers what was
    // handed out, and moved into place only once the ledger has: a run that
    // fails before then leaves ledger and outputs as they were (the ledger's
    // transaction is dropped unsaved), and one that fails while moving keeps
    // its staged files and names them.
    let writing = written?;
    let recorded = recorded.transpose()?;
    laps.lap("write outputs and ledger record");
    // the two run side by side: which one the stage waited for
    laps.note(&format!("outputs written in {:.2} s", writing.as_secs_f64()));
    if let Some((l, recording)) = recorded {
        laps.note(&format!("ledger recorded in {:.2} s", recording.as_secs_f64()));
        l.commit()?;
        laps.lap("ledger commit");
    }
    staged.commit()?;
    laps.lap("outputs in place");
    let code = if rejected.is_empty() {
        ExitCode::Ok
    } else {
        ExitCode::Rejected
    };
    Ok((summary, code))
}

/// What reading every input gave, apart from the reviews themselves.
struct Read {
    rejected: Vec<Rejected>,
    counts: Vec<FileCounts>,
    duplicates: usize,
    good: usize,
    readable: usize,
}

/// Read every input file in turn, sending the mid/low reviews on in chunks
/// of `CHUNK`; good reviews, duplicates and rejected rows are counted here.
fn read_all(
    cfg: &Config,
    bar: &indicatif::ProgressBar,
    count: &Arc<AtomicU64>,
    chunks: std::sync::mpsc::SyncSender<Vec<Review>>,
) -> Result<Read> {
    let mut pending: Vec<Review> = Vec::with_capacity(CHUNK);
    let mut read = Read {
        rejected: Vec::new(),
        counts: Vec::new(),
        duplicates: 0,
        good: 0,
        readable: 0,
    };
    let mut seen: rustc_hash::FxHashSet<u128> = Default::default();
    for (fi, path) in cfg.files.iter().enumerate() {
        let mut fc = FileCounts {
            file: path.display().to_string(),
            ..FileCounts::default()
        };
        let mut n = 0u64;
        let res = input::read_reviews(path, fi, &cfg.input, count.clone(), |row| {
            fc.rows_read += 1;
            n += 1;
            if n.is_multiple_of(4096) {
                bar.set_position(count.load(Ordering::Relaxed));
                bar.set_message(format!("{} rows", n));
            }
            match row {
                Row::Good => {
                    fc.skipped += 1;
                    read.good += 1;
                }
                Row::Rejected(r) => {
                    fc.rejected += 1;
                    read.rejected.push(r);
                }
                Row::Review(r) => {
                    if seen.insert(r.identity()) {
                        fc.triaged += 1;
                        pending.push(r);
                        if pending.len() >= CHUNK {
                            // the classifier side only stops taking chunks when it is gone
                            let _ = chunks.send(std::mem::replace(&mut pending, Vec::with_capacity(CHUNK)));
                        }
                    } else {
                        fc.skipped += 1;
                        read.duplicates += 1;
                    }
                }
            }
        });
        match res {
            Ok(format) => {
                if format.header_line > 1 {
                    let above = format.header_line - 1;
                    bar.suspend(|| {
                        eprintln!(
                            "triage: note: {}: the headers are on line {}; the {above} line{} above them (a title) {} not read as reviews",
                            fc.file,
                            format.header_line,
                            if above == 1 { "" } else { "s" },
                            if above == 1 { "was" } else { "were" }
                        )
                    });
                }
                if format.rounded_orders > 0 {
                    bar.suspend(|| {
                        eprintln!(
                            "triage: warning: {}: {} order number{} rounded by Excel (like 2.23345E+18) and read as missing; \
                             reviews are told apart by buyer, time and text. Export again without opening the file in Excel, or set the column to text",
                            fc.file,
                            format.rounded_orders,
                            if format.rounded_orders == 1 { " was" } else { "s were" }
                        )
                    });
                }
                if let Some((line, column, cell)) = &format.first_unread_time {
                    let n = format.unread_times;
                    bar.suspend(|| {
                        eprintln!(
                            "triage: warning: {}: {n} review time{} could not be read as a date (first: line {line}, column {column}: {cell:?}); \
                             {} kept and sorted last in {} tier",
                            fc.file,
                            if n == 1 { "" } else { "s" },
                            if n == 1 { "the review is" } else { "the reviews are" },
                            if n == 1 { "its" } else { "their" },
                        )
                    });
                }
                fc.encoding = format.encoding.to_string();
                read.readable += 1;
            }
            Err(InputError::Empty { file }) => {
                bar.suspend(|| {
                    eprintln!("triage: warning: {file}: the file is empty (no header row); nothing read from it")
                });
            }
            Err(e) => return Err(e.into()),
        }
        read.counts.push(fc);
    }
    let _ = chunks.send(pending);
    Ok(read)
}

/// Wall time of each stage, on stderr when TRIAGE_TIMINGS is set (for the
/// benchmark; see bench/run.sh).
struct Laps(Option<std::time::Instant>);

/// When `run` was entered: the first lap counts the start-up (rules, jieba's dictionary).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

impl Laps {
    fn from_env() -> Laps {
        Laps(std::env::var_os("TRIAGE_TIMINGS").map(|_| *STARTED.get_or_init(std::time::Instant::now)))
    }

    /// A line of its own beside the stage times.
    fn note(&self, what: &str) {
        if self.0.is_some() {
            eprintln!("timing:   ({what})");
        }
    }

    fn lap(&mut self, stage: &str) {
        if let Some(t) = &mut self.0 {
            // peak memory so far, where the system tells it (Linux)
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l[6..].trim().to_string())
                })
                .unwrap_or_default();
            eprintln!("timing: {stage:<18} {:>8.2} s  peak {peak}", t.elapsed().as_secs_f64());
            *t = std::time::Instant::now();
        }
    }
}

/// What the ledger said about this run's reviews.
#[derive(Default)]
struct Memory {
    /// Reviews handed out in earlier runs, not dealt again.
    already: usize,
    /// Case key -> the agent who had that case before.
    agents: HashMap<String, String>,
    /// The ledger held nothing yet.
    first_run: bool,
}

/// Mark today's reviews the ledger knows, and bring back the cases it holds
/// for today (backlog, escalations, retries due), classified afresh.
fn remember(l: &Ledger, cfg: &Config, rows: &mut Vec<Triaged>) -> Result<Memory> {
    let mut memory = Memory::default();
    for t in rows.iter_mut() {
        t.key = Some(t.review.identity());
    }
    // reviews read again today are not loaded from the ledger a second time
    let today: FxHashSet<u128> = rows.iter().filter_map(|t| t.key).collect();
    let carried = l.carried(cfg.classifier.rules().followup, &|k| today.contains(&k))?;
    let mut by_key: FxHashMap<u128, (i64, Carry)> = FxHashMap::default();
    for c in &carried {
        for &k in &c.in_hand {
            by_key.insert(k, (c.id, c.why));
        }
        if let Some(a) = &c.agent {
            memory.agents.insert(c.case_key.clone(), a.clone());
        }
    }
    let first_run = l.is_empty()?;
    memory.first_run = first_run;
    let mut ask = Vec::new();
    for (i, t) in rows.iter_mut().enumerate() {
        let Some(id) = t.key else { continue };
        if let Some(&c) = by_key.get(&id) {
            t.carry = Some(c);
        } else if !first_run {
            ask.push(i);
        }
    }
    let ids: Vec<u128> = ask.iter().filter_map(|&i| rows[i].key).collect();
    let handed = l.handed_before(&ids)?;
    for i in ask {
        if let Some(agent) = rows[i].key.and_then(|id| handed.get(&id)) {
            rows[i].handed_before = Some(agent.clone().unwrap_or_default());
            memory.already += 1;
        }
    }
    // the rest come back from the ledger alone, classified afresh
    let back: Vec<(Review, u128, (i64, Carry))> = carried
        .into_iter()
        .flat_map(|c| c.reviews.into_iter().map(move |(key, r)| (r, key, (c.id, c.why))))
        .collect();
    let classifier = &cfg.classifier;
    let verdicts: Vec<Verdict> = back
        .par_iter()
        .map(|(review, _, _)| classifier.classify(&review.full_text(), review.rating.stars()))
        .collect();
    for ((review, key, carry), verdict) in back.into_iter().zip(verdicts) {
        rows.push(Triaged {
            time: input::time_key(review.created_at()),
            review,
            verdict,
            carry: Some(carry),
            handed_before: None,
            key: Some(key),
        });
    }
    Ok(memory)
}

/// The same normalised text from `BATCH_BUYERS` or more different buyers is
/// a coordinated attack, and one buyer's low reviews naming no cause on
/// `BUYER_ORDERS` or more orders a campaign: fraud, with that said in the evidence. Texts and
/// buyers are kept as 64-bit fingerprints, so a million rows cost little.
fn mark_batches(rows: &mut [Triaged]) {
    use std::hash::{Hash, Hasher};
    let fingerprint = |x: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        x(&mut h);
        h.finish()
    };
    // text fingerprint per row (None: too short to count)
    // praise pasted by many buyers is a template, not an attack, and a
    // back end's fill-in for no text is no one's words: only complaints count
    let texts: Vec<Option<u64>> = rows
        .par_iter()
        .map(|t| {
            if t.verdict.tier == Tier::NewBuyer || t.verdict.blank {
                return None;
            }
            let norm = text::normalise(t.review.text());
            (norm.chars().filter(|c| c.is_alphanumeric()).count() >= BATCH_MIN_CHARS)
                .then(|| fingerprint(&|h| norm.hash(h)))
        })
        .collect();
    // distinct buyers per text, counted up to BATCH_BUYERS
    let mut buyers: HashMap<u64, Vec<u64>> = HashMap::new();
    for (i, (t, fp)) in rows.iter().zip(&texts).enumerate() {
        let Some(fp) = fp else { continue };
        let who = if assign::is_masked(t.review.buyer()) {
            fingerprint(&|h| (0u8, t.review.order_id(), i).hash(h))
        } else {
            fingerprint(&|h| (1u8, t.review.buyer().trim()).hash(h))
        };
        let seen = buyers.entry(*fp).or_default();
        if seen.len() < BATCH_BUYERS && !seen.contains(&who) {
            seen.push(who);
        }
    }
    for (t, fp) in rows.iter_mut().zip(&texts) {
        let Some(fp) = fp else { continue };
        let n = buyers[fp].len();
        if n < BATCH_BUYERS {
            continue;
        }
        mark_fraud(t, &format!("同一文字出自{n}个以上买家"));
    }
    // one named buyer's low reviews that name no cause, on many orders (a
    // masked or empty name is many people)
    let complains = |t: &Triaged| t.verdict.tier == Tier::Unclassified && !t.verdict.blank;
    let mut orders: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in rows
        .iter()
        .filter(|t| complains(t) && !assign::is_masked(t.review.buyer()))
    {
        let seen = orders.entry(t.review.buyer().trim()).or_default();
        if seen.len() < BUYER_ORDERS && !seen.contains(&t.review.order_id()) {
            seen.push(t.review.order_id());
        }
    }
    let many: HashMap<String, usize> = orders
        .into_iter()
        .filter(|(_, o)| o.len() >= BUYER_ORDERS)
        .map(|(b, o)| (b.to_string(), o.len()))
        .collect();
    if many.is_empty() {
        return;
    }
    for t in rows.iter_mut().filter(|t| complains(t)) {
        if let Some(n) = many.get(t.review.buyer().trim()) {
            mark_fraud(t, &format!("同一买家{n}个以上订单无因差评"));
        }
    }
}

/// Make a review fraud for a signal of the whole run, said first in its evidence.
fn mark_fraud(t: &mut Triaged, note: &str) {
    let v = &mut t.verdict;
    v.tier = Tier::Fraud;
    v.causes = Causes::of(v.causes.iter().filter(|c| c.is_cause()));
    v.causes.insert(Tier::Fraud);
    v.evidence = v.evidence.with_first(Evidence {
        kind: CueKind::Cause(Tier::Fraud),
        text: note,
    });
}

fn summarise(
    rows: &[Triaged],
    counts: &[FileCounts],
    good: usize,
    duplicates: usize,
    rejected: usize,
    assignment: Option<&Assignment>,
    agents: &[Agent],
) -> Summary {
    let mut s = Summary {
        rows_read: counts.iter().map(|c| c.rows_read).sum(),
        skipped: good + duplicates,
        skipped_good: good,
        skipped_duplicate: duplicates,
        triaged: rows.len(),
        rejected,
        files: counts.to_vec(),
        ..Summary::default()
    };
    for t in Tier::ALL {
        s.tiers.insert(t.key().to_string(), 0);
    }
    for r in rows {
        *s.tiers.entry(r.verdict.tier.key().to_string()).or_default() += 1;
    }
    if let Some(a) = assignment {
        s.cases = a.cases.len();
        for agent in agents.iter().filter(|a| a.available) {
            s.agents.insert(agent.name.clone(), 0);
            s.agent_cases.insert(agent.name.clone(), 0);
            s.agent_tiers.insert(agent.name.clone(), BTreeMap::new());
        }
        for (case, outcome) in a.cases.iter().zip(&a.outcome) {
            let n = case.reviews.len();
            match outcome {
                Ok(ai) => {
                    let name = &agents[*ai].name;
                    s.assigned += n;
                    *s.agents.entry(name.clone()).or_default() += n;
                    *s.agent_cases.entry(name.clone()).or_default() += 1;
                    *s.agent_tiers
                        .entry(name.clone())
                        .or_default()
                        .entry(case.tier.key().to_string())
                        .or_default() += n;
                }
                Err(why) => {
                    s.backlog += n;
                    *s.backlog_reasons.entry(why.key().to_string()).or_default() += n;
                }
            }
        }
    }
    s
}

/// Display width of a string in a terminal: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{1100}'..='\u{115F}').contains(&c) || ('\u{2E80}'..='\u{FFDC}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The summary a person reads at a glance.
pub fn print_summary(out: &mut dyn Write, s: &Summary, cfg: &Config) -> Result<()> {
    writeln!(
        out,
        "{} {} read: {} triaged, {} skipped ({} good, {} duplicate), {} rejected",
        s.rows_read,
        if s.rows_read == 1 { "row" } else { "rows" },
        s.triaged,
        s.skipped,
        s.skipped_good,
        s.skipped_duplicate,
        s.rejected
    )?;
    writeln!(out)?;
    writeln!(out, "tier                  reviews")?;
    for t in Tier::ALL {
        let n = s.tiers.get(t.key()).copied().unwrap_or(0);
        writeln!(out, "  {} {n:>6}", pad(&t.label_en(), 20))?;
    }
    writeln!(out)?;
    match &cfg.agents {
        None => writeln!(out, "agents: none (give --agents roster.csv to make call lists)")?,
        Some(agents) => {
            let nw = agents.iter().map(|a| width(&a.name)).max().unwrap_or(5).max(5);
            writeln!(out, "{} level   calls  reviews  by tier", pad("agent", nw + 2))?;
            for a in agents {
                if !a.available {
                    writeln!(out, "  {} {:<7} (not available)", pad(&a.name, nw), a.level)?;
                    continue;
                }
                let by: Vec<String> = s
                    .agent_tiers
                    .get(&a.name)
                    .map(|m| {
                        let mut v: Vec<(&String, &usize)> = m.iter().collect();
                        v.sort_by_key(|(k, _)| Tier::from_key(k).map_or(9, |t| t.report_order()));
                        v.into_iter().map(|(k, n)| format!("{k} {n}")).collect()
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {} {:<7} {:>3}/{:<3} {:>6}  {}",
                    pad(&a.name, nw),
                    a.level,
                    s.agent_cases.get(&a.name).copied().unwrap_or(0),
                    a.capacity,
                    s.agents.get(&a.name).copied().unwrap_or(0),
                    by.join(", ")
                )?;
            }
            let reasons: Vec<String> = [BacklogReason::NoEligibleAgent, BacklogReason::AllFull]
                .iter()
                .filter_map(|r| s.backlog_reasons.get(r.key()).map(|n| format!("{n} {}", r.key())))
                .collect();
            if s.backlog == 0 {
                writeln!(out, "backlog: none")?;
            } else {
                writeln!(out, "backlog: {} reviews ({})", s.backlog, reasons.join(", "))?;
            }
        }
    }
    if let Some(l) = &s.ledger {
        writeln!(
            out,
            "ledger {l}: {} handed out in earlier runs (not again); {} brought back (backlog, escalations, retries, not called)",
            counted(s.already_assigned, "review", "reviews"),
            counted(s.comebacks, "case", "cases")
        )?;
        let kinds = [
            (
                s.not_called,
                ("buyer", "buyers"),
                "left empty on an earlier list (not called): first on today's lists (跟进: 上次未打)",
            ),
            (
                s.dealt_earlier_today,
                ("case", "cases"),
                "dealt by an earlier run today, not yet reported: in today's lists again",
            ),
            (
                s.still_open,
                ("buyer", "buyers"),
                "still on an agent's list wrote again: kept with that agent (跟进: 买家又评)",
            ),
        ];
        for (n, (one, many), what) in kinds.into_iter().filter(|k| k.0 > 0) {
            writeln!(out, "  {} {what}", counted(n, one, many))?;
        }
    }
    writeln!(out)?;
    let mut files = vec!["triaged.csv", "summary.json", "rejected.csv"];
    if cfg.agents.is_some() {
        files.extend(["calls/", "backlog.csv"]);
    }
    writeln!(out, "wrote {}: {}", cfg.out.display(), files.join(", "))?;
    if s.rejected > 0 {
        writeln!(
            out,
            "{} rejected: see {}",
            counted(s.rejected, "row", "rows"),
            cfg.out.join("rejected.csv").display()
        )?;
    }
    Ok(())
}

/// `1 case`, `2 cases`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
