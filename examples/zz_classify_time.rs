use std::time::Instant;
use triage::classify::Classifier;
use triage::rules::RuleSet;
fn main() {
    let c = Classifier::new(RuleSet::built_in().unwrap()).unwrap();
    let mut rd = csv::Reader::from_path("../shared/data/corpus.csv").unwrap();
    let texts: Vec<String> = rd
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.get(3).unwrap_or("").to_string())
        .take(20000)
        .collect();
    let mut best = f64::MAX;
    let mut out = String::new();
    for _ in 0..7 {
        let t = Instant::now();
        out.clear();
        for x in &texts {
            let v = c.classify(x, None);
            out.push_str(v.tier.key());
            out.push_str(&v.evidence_en());
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let h = out.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    println!(
        "{} texts: best {:.2} us/review, digest {h:x}",
        texts.len(),
        best * 1e6 / texts.len() as f64
    );
}
