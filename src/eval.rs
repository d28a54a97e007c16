//! The lead's tools around the rules: `eval` (how good are they on labelled
//! reviews), `explain` (why one text got its tier) and `learn` (fit weights).
//!
//! Owns the metrics and their report. Classification itself is `classify`;
//! training itself is `learn`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::classify::{Classifier, HitState, Verdict};
use crate::cli::Format;
use crate::config::{load_rules, UsageError};
use crate::exit::ExitCode;
use crate::input::{read_columns, Rating};
use crate::learn;
use crate::rules::{CueKind, Pattern};
use crate::text;
use crate::tier::Tier;

/// Precision, recall and F1 of one tier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// The scores of a rule set on labelled reviews.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Of the reviews whose true tier needs a senior, the share put in
    /// new_buyer or courier.
    pub junior_unsafe: f64,
    pub tiers: BTreeMap<String, TierScore>,
    /// confusion[truth][predicted] = count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Score predictions against truth.
pub fn score(pairs: &[(Tier, Tier)]) -> Report {
    let n = pairs.len();
    let correct = pairs.iter().filter(|(t, p)| t == p).count();
    let mut tiers = BTreeMap::new();
    let mut confusion: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for t in Tier::ALL {
        let row = confusion.entry(t.key().to_string()).or_default();
        for p in Tier::ALL {
            row.insert(p.key().to_string(), 0);
        }
    }
    for (t, p) in pairs {
        *confusion
            .entry(t.key().into())
            .or_default()
            .entry(p.key().into())
            .or_default() += 1;
    }
    let mut f1s = Vec::new();
    for t in Tier::ALL {
        let tp = pairs.iter().filter(|(a, b)| *a == t && *b == t).count() as f64;
        let pred = pairs.iter().filter(|(_, b)| *b == t).count() as f64;
        let support = pairs.iter().filter(|(a, _)| *a == t).count();
        let precision = if pred > 0.0 { tp / pred } else { 0.0 };
        let recall = if support > 0 { tp / support as f64 } else { 0.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if support > 0 {
            f1s.push(f1);
        }
        tiers.insert(
            t.key().to_string(),
            TierScore {
                precision,
                recall,
                f1,
                support,
            },
        );
    }
    let senior: Vec<&(Tier, Tier)> = pairs
        .iter()
        .filter(|(t, _)| matches!(t, Tier::Service | Tier::Quality | Tier::Fraud | Tier::Unclassified))
        .collect();
    let unsafe_n = senior
        .iter()
        .filter(|(_, p)| matches!(p, Tier::NewBuyer | Tier::Courier))
        .count();
    Report {
        rows: n,
        accuracy: if n > 0 { correct as f64 / n as f64 } else { 0.0 },
        macro_f1: if f1s.is_empty() {
            0.0
        } else {
            f1s.iter().sum::<f64>() / f1s.len() as f64
        },
        junior_unsafe: if senior.is_empty() {
            0.0
        } else {
            unsafe_n as f64 / senior.len() as f64
        },
        tiers,
        confusion,
    }
}

/// Read a labelled file: (text, tier) rows, with an error naming the line
/// of any unknown tier.
pub fn read_labelled(path: &Path) -> Result<Vec<(String, Tier)>> {
    let rows = read_columns(path, &["text", "tier"])?;
    let mut out = Vec::with_capacity(rows.len());
    for (line, cols) in rows {
        let tier = Tier::parse_label(&cols[1]).with_context(|| {
            format!(
                "{}:{line}: unknown tier `{}` (expected a key, a Chinese name or a number: {})",
                path.display(),
                cols[1],
                Tier::ALL.map(|t| format!("{} {}", t.key(), t.label_zh())).join(", ")
            )
        })?;
        out.push((cols[0].clone(), tier));
    }
    Ok(out)
}

/// Classify every labelled row and score it.
pub fn evaluate(classifier: &Classifier, rows: &[(String, Tier)]) -> Report {
    let verdicts = classify_all(classifier, rows);
    score_verdicts(rows, &verdicts)
}

fn classify_all(classifier: &Classifier, rows: &[(String, Tier)]) -> Vec<Verdict> {
    rows.par_iter()
        .map(|(text, _)| classifier.classify(text, None))
        .collect()
}

fn score_verdicts(rows: &[(String, Tier)], verdicts: &[Verdict]) -> Report {
    let pairs: Vec<(Tier, Tier)> = rows.iter().zip(verdicts).map(|((_, t), v)| (*t, v.tier)).collect();
    score(&pairs)
}

/// Write every labelled row with what the tool said of it, atomically.
fn write_predictions(path: &Path, rows: &[(String, Tier)], verdicts: &[Verdict]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(tmp));
    w.write_record(["text", "tier", "predicted", "evidence"])?;
    for ((text, truth), v) in rows.iter().zip(verdicts) {
        w.write_record([text.as_str(), truth.key(), v.tier.key(), &v.evidence_en()])?;
    }
    let tmp = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error()))?
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error()))?;
    let file = tmp
        .persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    set_readable(&file);
    Ok(())
}

pub fn command(file: &Path, rules: Option<&Path>, format: Format, predictions: Option<&Path>) -> Result<ExitCode> {
    let classifier = Classifier::new(load_rules(rules)?)?;
    let rows = read_labelled(file)?;
    let verdicts = classify_all(&classifier, &rows);
    let report = score_verdicts(&rows, &verdicts);
    if let Some(path) = predictions {
        write_predictions(path, &rows, &verdicts)?;
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", render(&report, &file.display().to_string())),
    }
    Ok(ExitCode::Ok)
}

/// The report as text.
pub fn render(r: &Report, name: &str) -> String {
    let mut s = String::new();
    s.push_str(&format!("{name}: {} labelled reviews\n", r.rows));
    s.push_str(&format!(
        "accuracy {:.3}   macro-F1 {:.3}   junior-unsafe {:.1}%\n\n",
        r.accuracy,
        r.macro_f1,
        r.junior_unsafe * 100.0
    ));
    s.push_str("tier                   precision  recall     F1  support\n");
    for t in Tier::ALL {
        let x = &r.tiers[t.key()];
        s.push_str(&format!(
            "  {:<20} {:>9.3} {:>7.3} {:>6.3} {:>8}\n",
            t.label_en().replace(t.zh(), ""),
            x.precision,
            x.recall,
            x.f1,
            x.support
        ));
    }
    s.push_str("\nconfusion (rows: true tier, columns: predicted)\n");
    s.push_str(&format!("{:>14}", ""));
    for p in Tier::ALL {
        s.push_str(&format!("{:>13}", p.key()));
    }
    s.push('\n');
    for t in Tier::ALL {
        s.push_str(&format!("{:>14}", t.key()));
        for p in Tier::ALL {
            s.push_str(&format!("{:>13}", r.confusion[t.key()][p.key()]));
        }
        s.push('\n');
    }
    s
}

pub fn explain_command(text: &str, rating: Option<&str>, rules: Option<&Path>) -> Result<ExitCode> {
    let stars = match rating {
        None => None,
        Some(r) => match Rating::parse(r) {
            Some(r) => r.stars(),
            None => return Err(UsageError(format!("--rating {r}: expected 中评/差评, neutral/bad or 1-5")).into()),
        },
    };
    let classifier = Classifier::new(load_rules(rules)?)?;
    let a = classifier.analyse(text, stars);
    let cues = &classifier.rules().cues;
    println!("normalised: {}", a.normalised);
    println!("tokens:     {}", a.tokens.join(" / "));
    if a.hits.is_empty() {
        println!("rules:      none fired");
    } else {
        println!("rules:");
    }
    for h in &a.hits {
        let cue = &cues[h.cue];
        let pat = match &cue.pattern {
            Pattern::Phrase(p) => p.clone(),
            Pattern::Pair { aspects, opinions } => format!("{} + {}", short_list(aspects), short_list(opinions)),
            Pattern::Regex(r) => format!("re: {r}"),
            Pattern::All(parts) => format!("all: {}", parts.join(" & ")),
        };
        let state = match &h.state {
            HitState::Active if h.kind != cue.kind => format!("fired, as {}: said of a gift", h.kind.name()),
            HitState::Active => "fired".to_string(),
            HitState::Negated(n) => format!("cancelled: negated by {n}"),
            HitState::Dismissed(d) => format!("cancelled: dismissed by {d}"),
            HitState::Vetoed(v) => format!("cancelled: veto {v}"),
            HitState::Inside(o) => format!("ignored: inside {o}"),
        };
        println!(
            "  {:<12} {:<16} {} ({})  {state}",
            h.kind.name(),
            h.text,
            pat,
            cue.origin
        );
    }
    let cause_fired = a
        .hits
        .iter()
        .any(|h| matches!(h.kind, CueKind::Cause(_)) && h.state == HitState::Active);
    if let (Some(t), false) = (&a.turn, cause_fired) {
        if a.verdict.tier == Tier::NewBuyer {
            // only sure_margin gives new_buyer over a standing turn
            println!("turn:       {t} (turn: in contrast.txt) outweighed: the rest is clear praise (complaint at or below -sure_margin)");
        } else {
            println!("turn:       {t} (turn: in contrast.txt) brings in a gripe no rule named");
        }
    }
    if let Some(l) = &a.verdict.learned {
        println!("learned:    {l}");
        if !a.learned_tokens.is_empty() {
            let t: Vec<String> = a.learned_tokens.iter().map(|(w, x)| format!("{w} {x:+.2}")).collect();
            println!("            pushed by: {}", t.join(", "));
        }
    }
    println!("causes:     {}", a.verdict.causes.keys());
    println!("tier:       {}", a.verdict.tier.label_en());
    println!("evidence:   {}", a.verdict.evidence_en());
    Ok(ExitCode::Ok)
}

/// How `learn` runs.
pub struct LearnOptions {
    pub min_count: usize,
    /// Cross-validate with this many folds instead of writing weights.
    pub folds: Option<usize>,
    /// Where to write held-out predictions when cross-validating.
    pub predictions: Option<PathBuf>,
    /// Fraud cases and look-alikes to learn the fraud head from.
    pub fraud: Vec<PathBuf>,
}

pub fn learn_command(
    tier_files: &[PathBuf],
    polarity: Option<&Path>,
    dir: &Path,
    opts: &LearnOptions,
) -> Result<ExitCode> {
    if opts.folds.is_none() && !dir.join("levels.txt").exists() {
        crate::run::init_rules(dir)?;
        std::fs::remove_file(dir.join("weights.tsv")).ok();
    }
    // learn over the tokens the rules of that folder see, without old weights
    let mut rules = load_rules(Some(dir))?;
    rules.weights.clear();
    let classifier = Classifier::new(rules.clone())?;
    let mut labelled = Vec::new();
    for f in tier_files {
        labelled.extend(read_labelled(f)?);
    }
    if opts.folds.is_some() && tier_files.is_empty() {
        return Err(
            UsageError("--folds scores the tier weights: give the labelled reviews with --tiers".into()).into(),
        );
    }
    if opts.folds.is_none() && !opts.fraud.is_empty() {
        learn_fraud(&labelled, polarity, dir, opts)?;
        if tier_files.is_empty() {
            return Ok(ExitCode::Ok);
        }
    }
    if labelled.is_empty() {
        bail!(
            "no labelled reviews in {}",
            tier_files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let tiered: Vec<(Vec<String>, Tier)> = labelled
        .par_iter()
        .map(|(t, tier)| (classifier.tokens(t), *tier))
        .collect();
    let polar: Vec<(Vec<String>, bool)> = match polarity {
        None => Vec::new(),
        Some(p) => {
            let rows = read_columns(p, &["review", "label"])?;
            rows.par_iter()
                .filter(|(_, c)| c[1].trim() == "0" || c[1].trim() == "1")
                .map(|(_, c)| (classifier.tokens(&c[0]), c[1].trim() == "0"))
                .collect()
        }
    };
    let mut prov = format!(
        "From {} tier-labelled reviews ({})",
        tiered.len(),
        tier_files.iter().map(|p| file_label(p)).collect::<Vec<_>>().join(", ")
    );
    if let Some(p) = polarity {
        prov.push_str(&format!(
            " and {} polarity-labelled reviews ({})",
            polar.len(),
            file_label(p)
        ));
    }
    prov.push_str(&format!(", min count {}.", opts.min_count));

    let polarity = learn::fit_polarity(&polar, opts.min_count);
    let mut classifier = classifier;
    let texts: Vec<&str> = labelled.iter().map(|(t, _)| t.as_str()).collect();
    if let Some(k) = opts.folds {
        if k < 2 || k > labelled.len() {
            return Err(UsageError(format!("--folds {k}: expected 2 to {}", labelled.len())).into());
        }
        let mut predicted: Vec<Option<Verdict>> = vec![None; labelled.len()];
        let mut chosen = Vec::new();
        for fold in 0..k {
            let train: Vec<usize> = (0..labelled.len()).filter(|i| i % k != fold).collect();
            // thresholds picked on the training folds only, then weights
            let params = tune(&mut classifier, &tiered, &texts, &polarity, &train, opts.min_count);
            chosen.push(params);
            let subset: Vec<(Vec<String>, Tier)> = train.iter().map(|&i| tiered[i].clone()).collect();
            classifier.set_weights(&learn::train(&subset, &polarity, opts.min_count, params));
            let held: Vec<(usize, Verdict)> = labelled
                .par_iter()
                .enumerate()
                .filter(|(i, _)| i % k == fold)
                .map(|(i, (text, _))| (i, classifier.classify(text, None)))
                .collect();
            for (i, v) in held {
                predicted[i] = Some(v);
            }
        }
        let verdicts: Vec<Verdict> = predicted.into_iter().flatten().collect();
        let report = score_verdicts(&labelled, &verdicts);
        print!("{}", render(&report, &format!("{k}-fold cross-validation ({prov})")));
        for (fold, p) in chosen.iter().enumerate() {
            println!(
                "fold {}: cause_margin {} praise_margin {} lean_margin {} override_margin {} sure_margin {}",
                fold + 1,
                p.cause_margin,
                p.praise_margin,
                p.lean_margin,
                p.override_margin,
                p.sure_margin
            );
        }
        if let Some(path) = &opts.predictions {
            write_predictions(path, &labelled, &verdicts)?;
        }
        return Ok(ExitCode::Ok);
    }

    let all: Vec<usize> = (0..labelled.len()).collect();
    let params = tune(&mut classifier, &tiered, &texts, &polarity, &all, opts.min_count);
    prov.push_str(&format!(
        " Thresholds picked by {TUNE_FOLDS}-fold cross-validation: cause_margin {}, praise_margin {}, lean_margin {}, override_margin {}, sure_margin {}.",
        params.cause_margin, params.praise_margin, params.lean_margin, params.override_margin, params.sure_margin
    ));
    let weights = learn::train(&tiered, &polarity, opts.min_count, params);
    let text = learn::render(&weights, &prov);
    let target = write_whole(dir, "weights.tsv", &text)?;
    println!("{prov}\nwrote {} weights to {}", weights.len(), target.display());
    println!("check them: triage eval LABELLED.csv --rules {}", dir.display());
    Ok(ExitCode::Ok)
}

/// Fit the fraud head on the fraud files' rows, the tier files' rows and
/// the polarity rows (none of them fraud) and write `fraud-weights.tsv`.
fn learn_fraud(tiered: &[(String, Tier)], polarity: Option<&Path>, dir: &Path, opts: &LearnOptions) -> Result<()> {
    let mut cases = Vec::new();
    for f in &opts.fraud {
        cases.extend(read_labelled(f)?);
    }
    let positives = cases.iter().chain(tiered).filter(|(_, t)| *t == Tier::Fraud).count();
    if positives == 0 {
        bail!(
            "no review labelled fraud in {}: the fraud head learns from fraud cases",
            opts.fraud
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut docs: Vec<(String, bool)> = cases
        .iter()
        .chain(tiered)
        .map(|(t, tier)| (text::normalise(t), *tier == Tier::Fraud))
        .collect();
    let mut polar_rows = 0;
    if let Some(p) = polarity {
        let rows = read_columns(p, &["review", "label"])?;
        polar_rows = rows.len();
        docs.extend(
            rows.par_iter()
                .map(|(_, c)| (text::normalise(&c[0]), false))
                .collect::<Vec<_>>(),
        );
    }
    let weights = learn::fit_fraud(&docs, opts.min_count);
    let mut sources: Vec<String> = opts.fraud.iter().map(|p| file_label(p)).collect();
    if !tiered.is_empty() {
        sources.push(format!("{} tier-labelled reviews", tiered.len()));
    }
    if let Some(p) = polarity {
        sources.push(format!(
            "{polar_rows} polarity-labelled reviews ({}) as honest ones",
            file_label(p)
        ));
    }
    let prov = format!(
        "Fraud head from {} reviews, {positives} of them fraud: {}; min count {}. A review is fraud at fraud_margin or above (log-odds); reviews over {} letters are not scored.",
        docs.len(),
        sources.join(", "),
        opts.min_count,
        learn::FRAUD_LONGEST
    );
    let mut text =
        String::from("# Learned fraud head for triage (token, class, weight). Made by `triage learn --fraud`.\n");
    for line in prov.lines() {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str("# Tokens are letters and letter pairs of the normalised text; class fraud is their log-odds, <bias> the start.\n");
    for w in &weights {
        text.push_str(&format!("{}\t{}\t{}\n", w.token, w.class, w.weight));
    }
    let target = write_whole(dir, "fraud-weights.tsv", &text)?;
    println!("{prov}\nwrote {} fraud weights to {}", weights.len(), target.display());
    Ok(())
}

/// Write `dir/name` whole or not at all (a temporary file in `dir`, renamed
/// over the old one), readable by the team; the path written.
fn write_whole(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let target = dir.join(name);
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    let file = tmp
        .persist(&target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    set_readable(&file);
    Ok(target)
}

/// Folds used to pick the decision thresholds.
const TUNE_FOLDS: usize = 5;

/// Pick the decision thresholds for the reviews `rows` (indices into
/// `tiered`/`texts`): cross-validate over them, score every setting of
/// `Params::grid` by `learn::cost`, keep the cheapest (the first on a tie).
/// Leaves `classifier` with the last fold's weights.
fn tune(
    classifier: &mut Classifier,
    tiered: &[(Vec<String>, Tier)],
    texts: &[&str],
    polarity: &[crate::rules::Weight],
    rows: &[usize],
    min_count: usize,
) -> learn::Params {
    let grid = learn::Params::grid();
    let k = TUNE_FOLDS.min(rows.len()).max(1);
    let mut cost = vec![0u64; grid.len()];
    for fold in 0..k {
        let train: Vec<(Vec<String>, Tier)> = rows
            .iter()
            .enumerate()
            .filter(|(j, _)| j % k != fold || k == 1)
            .map(|(_, &i)| tiered[i].clone())
            .collect();
        classifier.set_weights(&learn::train(&train, polarity, min_count, learn::Params::default()));
        let c = &*classifier;
        let fold_cost: Vec<u64> = rows
            .par_iter()
            .enumerate()
            .filter(|(j, _)| j % k == fold)
            .map(|(_, &i)| {
                let truth = tiered[i].1;
                c.tiers_under(texts[i], None, &grid)
                    .into_iter()
                    .map(|got| learn::cost(truth, got))
                    .collect::<Vec<u64>>()
            })
            .reduce(
                || vec![0; grid.len()],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        cost.iter_mut().zip(fold_cost).for_each(|(x, y)| *x += y);
    }
    let best = (0..grid.len()).min_by_key(|&g| (cost[g], g)).unwrap_or(0);
    grid[best]
}

/// A temporary file is created owner-only; a weights file is for everyone to read.
fn set_readable(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644)).ok();
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// `a|b|c|…` for a long word list.
fn short_list(words: &[String]) -> String {
    if words.len() <= 4 {
        words.join("|")
    } else {
        format!("{}|…", words[..4].join("|"))
    }
}

fn file_label(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_count_what_they_say() {
        use Tier::*;
        let pairs = [
            (Quality, Quality),
            (Quality, Courier),
            (Service, NewBuyer),
            (Courier, Courier),
            (NewBuyer, NewBuyer),
            (Fraud, Quality),
        ];
        let r = score(&pairs);
        assert!((r.accuracy - 0.5).abs() < 1e-9);
        // senior truths: quality, quality, service, fraud; two went to juniors
        assert!((r.junior_unsafe - 0.5).abs() < 1e-9);
        let c = &r.tiers["courier"];
        assert!((c.precision - 0.5).abs() < 1e-9 && (c.recall - 1.0).abs() < 1e-9);
        assert_eq!(r.confusion["quality"]["courier"], 1);
        assert_eq!(r.tiers["fraud"].support, 1);
    }
}
