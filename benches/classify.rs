//! Per-review classification, apart from setup (rules, jieba).

use std::hint::black_box;
use std::sync::LazyLock;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use triage::classify::Classifier;
use triage::rules::RuleSet;

static CLASSIFIER: LazyLock<Classifier> =
    LazyLock::new(|| Classifier::new(RuleSet::built_in().expect("built-in rules")).expect("compile rules"));

/// Reviews of different shapes, written for this benchmark.
const TEXTS: &[&str] = &[
    "快递太慢了，一个星期才到，急用的东西都耽误了",
    "还行吧，凑合用",
    "质量太差了，洗了一次就起球，客服也不理人，退货还不给退，以后再也不来了",
    "东西没毛病，就是给个差评。想改评价的话私聊，返我50就改好评",
    "裤子版型好看，显瘦，码子标准，就是颜色和图片有点色差，不过总体还是满意的，物流也快，包装也严实",
];

fn setup(c: &mut Criterion) {
    c.bench_function("setup: rules + jieba", |b| {
        b.iter(|| Classifier::new(RuleSet::built_in().unwrap()).unwrap())
    });
}

fn classify(c: &mut Criterion) {
    let classifier = &*CLASSIFIER;
    let bytes: usize = TEXTS.iter().map(|t| t.len()).sum();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("five reviews", |b| {
        b.iter(|| {
            for t in TEXTS {
                black_box(classifier.classify(black_box(t), None));
            }
        })
    });
    // Real reviews when ../shared/data is beside the repo: 2,000 negative
    // rows of the corpus, the mix a busy shop sees.
    if let Some(texts) = corpus_sample(2000) {
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("2000 corpus reviews", |b| {
            b.iter(|| {
                for t in &texts {
                    black_box(classifier.classify(black_box(t), None));
                }
            })
        });
    }
    g.finish();
}

fn corpus_sample(n: usize) -> Option<Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/corpus.csv");
    let mut rd = csv::Reader::from_path(path).ok()?;
    let headers = rd.headers().ok()?.clone();
    let text = headers.iter().position(|h| h == "review" || h == "text")?;
    let label = headers.iter().position(|h| h == "label")?;
    let texts: Vec<String> = rd
        .records()
        .filter_map(|r| r.ok())
        .filter(|r| r.get(label) == Some("0"))
        .filter_map(|r| r.get(text).map(str::to_string))
        .take(n)
        .collect();
    (texts.len() == n).then_some(texts)
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = classify, setup
}
criterion_main!(benches);
