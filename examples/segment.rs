//! Segmentation alone, for the benchmark: jieba-rs over the review texts of
//! an export, on the same threads `triage` uses, and nothing else.
//!
//! Usage: segment EXPORT.csv [THREADS]

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use triage::input::{read_reviews, InputOptions, Row};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: segment EXPORT.csv [THREADS]");
    if let Some(n) = args.get(2).and_then(|n| n.parse().ok()) {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().unwrap();
    }
    let mut texts = Vec::new();
    read_reviews(
        Path::new(path),
        0,
        &InputOptions::default(),
        Arc::new(AtomicU64::new(0)),
        |row| {
            if let Row::Review(r) = row {
                texts.push(r.text().to_string());
            }
        },
    )
    .expect("read the export");
    let t = Instant::now();
    let jieba = jieba_rs::Jieba::new();
    let load = t.elapsed();
    let t = Instant::now();
    let words: usize = texts.par_iter().map(|s| jieba.cut(s, true).len()).sum();
    let cut = t.elapsed();
    println!(
        "segmentation: {} texts, {words} words, dictionary {:.2} s, cutting {:.2} s on {} threads",
        texts.len(),
        load.as_secs_f64(),
        cut.as_secs_f64(),
        rayon::current_num_threads()
    );
}
