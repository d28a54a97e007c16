//! The learned layer: linear weights over the tokens the rules see.
//!
//! Owns training (`train`), the weight file format and the decision made when
//! the hand rules find no cause. Two heads: `tier` (which cause, or none), a
//! softmax regression over the words and word pairs of tier-labelled reviews,
//! and `polarity` (is this a complaint at all), naive Bayes log-odds from the
//! polarity-labelled corpus. Weights are plain numbers a person can read and
//! diff; nothing here reads files or the network.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::classify::Stars;
use crate::rules::Weight;
use crate::tier::Tier;

/// The token that carries a class's prior.
pub const BIAS: &str = "<bias>";
/// Class name of the polarity head's weights (log-odds of a complaint).
pub const COMPLAINT: &str = "complaint";
/// Class name of the decision thresholds.
const PARAM: &str = "param";

/// Tiers the tier head chooses among. Fraud is left to the rules: bad faith
/// is too rare in real exports to learn from.
pub const LEARNED_TIERS: [Tier; 5] = [
    Tier::NewBuyer,
    Tier::Courier,
    Tier::Service,
    Tier::Quality,
    Tier::Unclassified,
];

/// A threshold no score reaches: the rule it guards is off.
const OFF: f64 = 1000.0;

/// Thresholds of the decision, written into the weights file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// A cause is taken from the weights only with at least this margin
    /// (log-probability over the runner-up).
    pub cause_margin: f64,
    /// new_buyer needs the polarity log-odds at or below minus this; a
    /// text of little more than a shrug is new_buyer only below plus this.
    pub praise_margin: f64,
    /// ... or, when the rules found praise words, below minus this.
    pub lean_margin: f64,
    /// A courier finding goes to a senior tier when the weights prefer it by this much.
    pub override_margin: f64,
    /// With no cause found, polarity log-odds at or below minus this is
    /// new_buyer even when a stray complaint or turn word was read (a long
    /// review of praise with one 但 in it). Weights files written before it
    /// existed get the default.
    pub sure_margin: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            cause_margin: 1.0,
            praise_margin: 1.0,
            lean_margin: -1.0,
            override_margin: 4.0,
            sure_margin: 24.0,
        }
    }
}

impl Params {
    /// The settings `learn` tries, in a fixed order (ties keep the first).
    pub fn grid() -> Vec<Params> {
        let mut out = Vec::new();
        for sure_margin in [24.0, OFF, 16.0, 12.0] {
            for override_margin in [4.0, 1.0, 2.0, 3.0, 5.0, 6.0, 8.0, OFF] {
                for praise_margin in [1.0, 0.0, 0.5, 2.0, 3.0, 4.0, 6.0] {
                    for lean_margin in [-1.0, -0.5, 0.0, 0.5, 1.0, 2.0] {
                        for cause_margin in [1.0, 0.0, 0.5, 1.5, 2.0, 3.0] {
                            out.push(Params {
                                cause_margin,
                                praise_margin,
                                lean_margin,
                                override_margin,
                                sure_margin,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// What a wrong tier costs when `learn` picks the thresholds: 1, and 3 when
/// a senior's review (service, quality, fraud, unclassified) would go to a
/// new hire (that call goes badly, and the buyer may be lost).
pub fn cost(truth: Tier, got: Tier) -> u64 {
    if truth == got {
        0
    } else if !matches!(truth, Tier::NewBuyer | Tier::Courier) && matches!(got, Tier::NewBuyer | Tier::Courier) {
        3
    } else {
        1
    }
}

/// What the weights decided.
pub struct Call {
    pub tier: Tier,
    pub note: Note,
}

/// What the weights said, for the evidence column. Kept as numbers (a
/// million reviews each carry one) and written out only when shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Note {
    /// `learned=quality margin 2.3, complaint +1.7`
    Decided { tier: Tier, margin: f64, complaint: f64 },
    /// `learned=service over courier by 4.2`
    Overruled { tier: Tier, found: Tier, by: f64 },
    /// `learned=courier but no word of the delivery, complaint +1.7`: a senior looks
    NoDelivery { complaint: f64 },
    /// `learned=fraud score 3.4`: the fraud head, where the fraud rules found nothing
    Fraud { score: f64 },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Note::Decided {
                tier,
                margin,
                complaint,
            } => {
                write!(
                    f,
                    "learned={} margin {margin:.1}, complaint {complaint:+.1}",
                    tier.key()
                )
            }
            Note::Overruled { tier, found, by } => write!(f, "learned={} over {} by {by:.1}", tier.key(), found.key()),
            Note::NoDelivery { complaint } => {
                write!(
                    f,
                    "learned=courier but no word of the delivery, complaint {complaint:+.1}"
                )
            }
            Note::Fraud { score } => write!(f, "learned=fraud score {score:.1}"),
        }
    }
}

/// What the hand rules saw in a review they found no cause in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// Generic displeasure (垃圾, 失望) or praise denied (不好吃).
    pub complaint: bool,
    /// Praise or a shrug (不错, 还行).
    pub praise: bool,
    /// A turn word (但是, 就是) that nothing waves away.
    pub turned: bool,
    /// The text is hardly more than the complaint words (失望, 差评差评).
    pub only_generic: bool,
    /// A gripe the buyer waved away (没送鼠标, 不过没什么关系).
    pub waved: bool,
    /// The buyer says the rating itself was a slip (点错了, 手滑).
    pub misclick: bool,
    /// The text speaks of the delivery (快递, 物流, a courier cue even
    /// denied): only then may the weights make it courier, a new hire's
    /// tier (a price drop told in days is not).
    pub delivery: bool,
}

/// Tier scores of a review (in `LEARNED_TIERS` order) and its complaint log-odds.
pub type Scored = ([f64; 5], f64);

/// Weights ready to score a token list.
///
/// Every word the weights name, alone or in a pair, gets a number once at
/// load; a review's words are looked up once each, and pairs by number.
pub struct Model {
    word_id: FxHashMap<String, u32>,
    /// Tier weights of a word alone, by word number.
    tier: Vec<Option<[f64; 5]>>,
    /// Tier weights of two neighbouring words.
    pair: FxHashMap<(u32, u32), [f64; 5]>,
    tier_bias: [f64; 5],
    /// Complaint log-odds of a word, by word number.
    polarity: Vec<Option<f64>>,
    polarity_bias: f64,
    params: Params,
}

/// Which word numbers one review has shown already: a stamp per word,
/// reused from review to review on each thread instead of a new set.
struct Seen {
    stamp: Vec<u32>,
    now: u32,
}

impl Seen {
    /// True the first time `id` (of `words` known words) comes up in this review.
    fn first_time(&mut self, id: u32, words: usize) -> bool {
        if self.stamp.len() < words {
            self.stamp.resize(words, 0);
        }
        let slot = &mut self.stamp[id as usize];
        std::mem::replace(slot, self.now) != self.now
    }

    /// Start a new review: every word is unseen again.
    fn next_review(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamp.fill(0);
            self.now = 1;
        }
    }
}

thread_local! {
    static SEEN: std::cell::RefCell<Seen> = const { std::cell::RefCell::new(Seen { stamp: Vec::new(), now: 1 }) };
}

/// The two words of a pair feature (`发货+慢`). A word may hold a `+`
/// itself (c++), so the split is taken where both halves are words.
fn split_pair(token: &str) -> Option<(&str, &str)> {
    token
        .match_indices('+')
        .map(|(i, _)| (&token[..i], &token[i + 1..]))
        .find(|(a, b)| is_word(a) && is_word(b))
}

/// True for a word the model sees: one with a letter or digit in it.
pub fn is_word(w: &str) -> bool {
    w.chars().any(|c| {
        c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c) || !c.is_ascii() && c.is_alphanumeric()
    })
}

/// The tokens a model sees: words, without punctuation or spaces, once each.
pub fn features<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut seen = FxHashSet::default();
    words
        .iter()
        .copied()
        .filter(|w| is_word(w))
        .filter(|w| seen.insert(*w))
        .collect()
}

/// What the tier head sees: the words, and each pair of neighbouring words
/// (`发货+慢` tells the shop's dispatch from `快递+慢`, the courier's road).
pub fn tier_features(words: &[&str]) -> Vec<String> {
    let kept: Vec<&str> = words.iter().copied().filter(|w| is_word(w)).collect();
    let mut out: Vec<String> = features(&kept).into_iter().map(str::to_string).collect();
    let mut seen: HashSet<String> = HashSet::new();
    for pair in kept.windows(2) {
        let b = format!("{}+{}", pair[0], pair[1]);
        if seen.insert(b.clone()) {
            out.push(b);
        }
    }
    out
}

impl Model {
    /// Build from the weights of a rules folder; `None` when there are none.
    pub fn from_weights(weights: &[Weight]) -> Option<Model> {
        if weights.is_empty() {
            return None;
        }
        let mut m = Model {
            word_id: FxHashMap::default(),
            tier: Vec::new(),
            pair: FxHashMap::default(),
            tier_bias: [0.0; 5],
            polarity: Vec::new(),
            polarity_bias: 0.0,
            params: Params::default(),
        };
        for w in weights {
            if w.class == PARAM {
                match w.token.as_str() {
                    "cause_margin" => m.params.cause_margin = w.weight,
                    "praise_margin" => m.params.praise_margin = w.weight,
                    "lean_margin" => m.params.lean_margin = w.weight,
                    "override_margin" => m.params.override_margin = w.weight,
                    "sure_margin" => m.params.sure_margin = w.weight,
                    _ => {}
                }
            } else if w.class == COMPLAINT {
                if w.token == BIAS {
                    m.polarity_bias = w.weight;
                } else {
                    let id = m.id_of(&w.token);
                    m.polarity[id as usize] = Some(w.weight);
                }
            } else if let Some(i) = LEARNED_TIERS.iter().position(|t| t.key() == w.class) {
                if w.token == BIAS {
                    m.tier_bias[i] = w.weight;
                } else if let Some((a, b)) = split_pair(&w.token) {
                    let key = (m.id_of(a), m.id_of(b));
                    m.pair.entry(key).or_insert([0.0; 5])[i] = w.weight;
                } else {
                    let id = m.id_of(&w.token);
                    m.tier[id as usize].get_or_insert([0.0; 5])[i] = w.weight;
                }
            }
        }
        Some(m)
    }

    /// The number of a word, given one when new.
    fn id_of(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.word_id.get(word) {
            return id;
        }
        let id = self.tier.len() as u32;
        self.word_id.insert(word.to_string(), id);
        self.tier.push(None);
        self.polarity.push(None);
        id
    }

    pub fn params(&self) -> Params {
        self.params
    }

    /// Tier scores (over words and neighbouring pairs, each once, as in
    /// training) and complaint log-odds (over words) of one review.
    pub fn scores(&self, words: &[&str]) -> Scored {
        let ids: Vec<Option<u32>> = words
            .iter()
            .filter(|w| is_word(w))
            .map(|w| self.word_id.get(*w).copied())
            .collect();
        let mut tier = self.tier_bias;
        let mut pol = 0.0;
        SEEN.with_borrow_mut(|seen| {
            seen.next_review();
            for &id in ids.iter().flatten() {
                if !seen.first_time(id, self.tier.len()) {
                    continue;
                }
                if let Some(w) = &self.tier[id as usize] {
                    for i in 0..5 {
                        tier[i] += w[i];
                    }
                }
                if let Some(p) = self.polarity[id as usize] {
                    pol += p;
                }
            }
        });
        // few pairs of a review have weights: a list is enough to keep each once
        let mut seen_pairs: Vec<(u32, u32)> = Vec::new();
        for pair in ids.windows(2) {
            let (Some(a), Some(b)) = (pair[0], pair[1]) else {
                continue;
            };
            if let Some(w) = self.pair.get(&(a, b)) {
                if !seen_pairs.contains(&(a, b)) {
                    seen_pairs.push((a, b));
                    for i in 0..5 {
                        tier[i] += w[i];
                    }
                }
            }
        }
        (tier, self.polarity_bias + pol)
    }

    /// A senior tier (service or quality) the weights prefer over `found` by
    /// at least `override_margin`, with a note for the evidence column.
    pub fn second_opinion(&self, scored: Scored, found: Tier, p: Params) -> Option<(Tier, Note)> {
        let (scores, _) = scored;
        let fi = LEARNED_TIERS.iter().position(|&t| t == found)?;
        [Tier::Service, Tier::Quality]
            .iter()
            .filter_map(|&t| {
                let i = LEARNED_TIERS.iter().position(|&x| x == t)?;
                let m = scores[i] - scores[fi];
                (m >= p.override_margin).then_some((t, m))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(tier, by)| (tier, Note::Overruled { tier, found, by }))
    }

    /// Decide a review the hand rules found no cause in.
    ///
    /// `complaint` and `praise` say whether the rules saw generic displeasure
    /// or praise. new_buyer is guarded: only with no complaint cue, a
    /// polarity clearly on the praise side and a rating that is not 差评.
    /// Anything in doubt goes to unclassified, a senior's tier.
    pub fn decide(&self, scored: Scored, sig: Signals, stars: Option<Stars>, p: Params) -> Call {
        let Signals {
            complaint,
            praise,
            turned,
            ..
        } = sig;
        let (scores, pol) = scored;
        let mut order: Vec<usize> = (0..5).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        // best cause among the four non-new_buyer classes
        let cause_idx: Vec<usize> = order.iter().copied().filter(|&i| i != 0).collect();
        let best = order[0];
        let margin = scores[best] - scores[order[1]];
        let doubtful_rating = stars == Some(Stars::Low);
        let happy = !complaint && !turned && !doubtful_rating;
        // new_buyer needs the complaint log-odds at or below -praise_margin,
        // or below -lean_margin when the rules found praise words
        let praise_clear = happy && pol <= -p.praise_margin;
        let praise_lean = happy && praise && pol < -p.lean_margin;
        let praise_sure = !doubtful_rating && pol <= -p.sure_margin;
        // the text is little more than a shrug or praise (一般般吧, 凑合), or
        // its only gripe was waved away: the buyer says so, whatever the
        // words weigh in the corpus
        // a slip of the finger is new_buyer whatever the rating says
        // (unless the words weigh clearly for a complaint: 差差差，只值… is
        // no shrug)
        let shrug = happy && (praise && sig.only_generic || sig.waved) && pol < p.praise_margin;
        let said_fine = shrug || sig.misclick && !complaint && !turned;
        // the strongest cause (courier, service, quality) against unclassified and each other
        let c = cause_idx[0];
        let cause_margin = scores[c] - scores[cause_idx[1]];
        // a cause is taken when the weights are clear about it, or when the
        // text is clearly a gripe (a turn word, a complaint with more to it
        // than the complaint words, a complaint polarity) and new_buyer is
        // not the weights' first choice
        let only_generic = complaint && sig.only_generic;
        let clear_cause = cause_margin >= p.cause_margin && !only_generic;
        let gripe = !only_generic && (turned || (complaint || pol > 0.0) && LEARNED_TIERS[best] != Tier::NewBuyer);
        let fine = praise_clear || praise_lean || praise_sure || said_fine;
        let taken = !fine && LEARNED_TIERS[c] != Tier::Unclassified && (clear_cause || gripe);
        // courier is a new hire's call: not for a text that never speaks
        // of the delivery (a price drop told in days)
        if taken && LEARNED_TIERS[c] == Tier::Courier && !sig.delivery {
            let note = Note::NoDelivery { complaint: pol };
            return Call {
                tier: Tier::Unclassified,
                note,
            };
        }
        let tier = if fine {
            Tier::NewBuyer
        } else if taken {
            LEARNED_TIERS[c]
        } else {
            Tier::Unclassified
        };
        let note = Note::Decided {
            tier,
            margin,
            complaint: pol,
        };
        Call { tier, note }
    }

    /// The words that pushed most toward `tier`, with their weight over the
    /// mean of the classes (for `explain`; not on the per-review path).
    pub fn pushers(&self, words: &[&str], tier: Tier) -> Vec<(String, f64)> {
        let ti = LEARNED_TIERS.iter().position(|&t| t == tier).unwrap_or(4);
        let mut pushed: Vec<(String, f64)> = features(words)
            .iter()
            .filter_map(|f| {
                let w = self.tier[*self.word_id.get(*f)? as usize].as_ref()?;
                let mean = w.iter().sum::<f64>() / 5.0;
                Some((f.to_string(), w[ti] - mean))
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        pushed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        pushed.truncate(5);
        pushed
    }
}

/// The whole weights file: the tier head fitted on `tiered` (tokens, tier
/// from tier-labelled reviews; fraud rows are left out), the polarity head
/// from `fit_polarity`, and the thresholds. Tokens seen fewer than
/// `min_count` times are dropped. The result is sorted by (class, token) so
/// a retrain diffs cleanly.
pub fn train(tiered: &[(Vec<String>, Tier)], polarity: &[Weight], min_count: usize, params: Params) -> Vec<Weight> {
    let mut out = fit_tiers(tiered, min_count);
    out.extend_from_slice(polarity);
    out.push(weight("cause_margin", PARAM, params.cause_margin));
    out.push(weight("praise_margin", PARAM, params.praise_margin));
    out.push(weight("lean_margin", PARAM, params.lean_margin));
    out.push(weight("override_margin", PARAM, params.override_margin));
    out.push(weight("sure_margin", PARAM, params.sure_margin));
    out.retain(|w| w.class == PARAM || w.token == BIAS || w.weight.abs() >= 0.05);
    out.sort_by(|a, b| a.class.cmp(&b.class).then(a.token.cmp(&b.token)));
    out
}

/// The polarity head, naive Bayes log-odds of a complaint per token, from
/// `polar` (tokens, is_complaint) of the polarity corpus. It does not
/// depend on the tier labels, so `learn` fits it once for every fold.
pub fn fit_polarity(polar: &[(Vec<String>, bool)], min_count: usize) -> Vec<Weight> {
    let mut out = Vec::new();
    let mut pc: HashMap<&str, [f64; 2]> = HashMap::new();
    let mut ptot = [0.0f64; 2];
    let mut pdocs = [0.0f64; 2];
    for (toks, bad) in polar {
        let k = usize::from(*bad);
        pdocs[k] += 1.0;
        let words: Vec<&str> = toks.iter().map(String::as_str).collect();
        for f in features(&words) {
            pc.entry(f).or_insert([0.0; 2])[k] += 1.0;
            ptot[k] += 1.0;
        }
    }
    if pdocs[0] + pdocs[1] > 0.0 {
        let vocab: Vec<(&str, [f64; 2])> = pc
            .iter()
            .filter(|(_, c)| c[0] + c[1] >= min_count as f64)
            .map(|(t, c)| (*t, *c))
            .collect();
        let v = vocab.len() as f64;
        out.push(weight(BIAS, COMPLAINT, ((pdocs[1] + 1.0) / (pdocs[0] + 1.0)).ln()));
        for (tok, c) in &vocab {
            let good = (c[0] + 1.0) / (ptot[0] + v);
            let bad = (c[1] + 1.0) / (ptot[1] + v);
            let w = (bad / good).ln() - ((1.0 / (ptot[1] + v)) / (1.0 / (ptot[0] + v))).ln();
            out.push(weight(tok, COMPLAINT, w));
        }
    }
    out
}

/// The features seen in at least `min_count` documents, sorted, and each
/// document's features as numbers into that list (rarer ones dropped).
fn number_features<'a, 'd>(
    docs: impl Iterator<Item = &'d [&'a str]> + Clone,
    min_count: usize,
) -> (Vec<&'a str>, Vec<Vec<usize>>)
where
    'a: 'd,
{
    let mut df: HashMap<&str, usize> = HashMap::new();
    for f in docs.clone() {
        for t in f {
            *df.entry(t).or_default() += 1;
        }
    }
    let mut vocab: Vec<&str> = df.iter().filter(|(_, &n)| n >= min_count).map(|(t, _)| *t).collect();
    vocab.sort_unstable();
    let index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let numbered = docs
        .map(|f| f.iter().filter_map(|t| index.get(t).copied()).collect())
        .collect();
    (vocab, numbered)
}

/// A fixed, well-mixed order to visit `n` rows in, different each epoch:
/// strides of about half the rows, with a stride that shares no factor with
/// `n` so every row comes once. (A stride of n/2 rounded to odd shares one
/// when n is twice an odd number, 1,798 say: then an epoch saw two rows.)
fn visit_order(n: usize, epoch: usize) -> Vec<usize> {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    if n == 0 {
        return Vec::new();
    }
    let mut step = (n / 2).max(1);
    while gcd(step, n) != 1 {
        step += 1;
    }
    (0..n).map(|k| (k * step + epoch * 7) % n).collect()
}

/// Softmax (multinomial logistic) regression for the tier head, by plain
/// stochastic gradient descent in a fixed order (no randomness: the same
/// data give the same weights). Classes are weighted by the square root of
/// their rarity, so the small tiers (courier, unclassified) are not drowned
/// by quality.
fn fit_tiers(tiered: &[(Vec<String>, Tier)], min_count: usize) -> Vec<Weight> {
    const EPOCHS: usize = 20;
    const RATE: f64 = 0.2;
    const L2: f64 = 1e-4;
    let owned: Vec<(Vec<String>, usize)> = tiered
        .iter()
        .filter_map(|(toks, tier)| {
            let i = LEARNED_TIERS.iter().position(|t| t == tier)?;
            let words: Vec<&str> = toks.iter().map(String::as_str).collect();
            Some((tier_features(&words), i))
        })
        .collect();
    let docs: Vec<(Vec<&str>, usize)> = owned
        .iter()
        .map(|(f, i)| (f.iter().map(String::as_str).collect(), *i))
        .collect();
    if docs.is_empty() {
        return Vec::new();
    }
    let (vocab, numbered) = number_features(docs.iter().map(|(f, _)| f.as_slice()), min_count);
    let rows: Vec<(Vec<usize>, usize)> = numbered.into_iter().zip(docs.iter().map(|(_, c)| *c)).collect();
    let mut per_class = [0usize; 5];
    for (_, c) in &rows {
        per_class[*c] += 1;
    }
    let n = rows.len() as f64;
    let class_weight: Vec<f64> = per_class
        .iter()
        .map(|&k| if k == 0 { 0.0 } else { (n / (5.0 * k as f64)).sqrt() })
        .collect();
    let mut w = vec![[0.0f64; 5]; vocab.len()];
    let mut b = [0.0f64; 5];
    for epoch in 0..EPOCHS {
        let order = visit_order(rows.len(), epoch);
        let rate = RATE / (1.0 + epoch as f64 * 0.1);
        for &k in &order {
            let (feats, c) = &rows[k];
            let mut z = b;
            for &f in feats {
                for j in 0..5 {
                    z[j] += w[f][j];
                }
            }
            let m = z.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
            let sum: f64 = e.iter().sum();
            let cw = class_weight[*c];
            for j in 0..5 {
                let g = (e[j] / sum - if j == *c { 1.0 } else { 0.0 }) * cw;
                b[j] -= rate * g;
                for &f in feats {
                    w[f][j] -= rate * (g + L2 * w[f][j]);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (j, t) in LEARNED_TIERS.iter().enumerate() {
        out.push(weight(BIAS, t.key(), b[j]));
        for (f, tok) in vocab.iter().enumerate() {
            out.push(weight(tok, t.key(), w[f][j]));
        }
    }
    out
}

/// The fraud head's class in `fraud-weights.tsv`.
pub const FRAUD: &str = "fraud";

/// Reviews longer than this many letters are not scored by the fraud head:
/// a demand or a bait is said in a few lines, and a long story gathers
/// enough of any words to look like anything.
pub const FRAUD_LONGEST: usize = 160;

/// The fraud head: logistic regression over the letters and letter pairs
/// of a review, learned from written fraud cases and honest reviews. It
/// speaks where the fraud rules found nothing, and only above its margin.
#[derive(Debug, Clone)]
pub struct FraudHead {
    /// By `feature_key` of a letter or a pair of letters.
    weight: FxHashMap<u64, f64>,
    bias: f64,
    /// Log-odds at or above which a review is called fraud.
    pub margin: f64,
}

/// The default margin, written into a fraud weights file by `learn`.
pub const FRAUD_MARGIN: f64 = 1.0;

/// True for a letter or digit the fraud head reads (as `is_word`).
fn is_letter(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c) || !c.is_ascii() && c.is_alphanumeric()
}

/// The letters and letter pairs of `norm` the fraud head sees, once each:
/// pairs stay inside a run of letters or digits (not across 。or a space).
pub fn fraud_features(norm: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut prev: Option<usize> = None;
    for (i, c) in norm.char_indices() {
        let end = i + c.len_utf8();
        if !is_letter(c) {
            prev = None;
            continue;
        }
        out.push(&norm[i..end]);
        if let Some(p) = prev {
            out.push(&norm[p..end]);
        }
        prev = Some(i);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A number for a letter or a pair of letters (the same features as
/// `fraud_features`, found without building strings); `None` for longer.
fn feature_key(feature: &str) -> Option<u64> {
    let mut cs = feature.chars();
    let a = cs.next()? as u64;
    match (cs.next(), cs.next()) {
        (None, _) => Some(a),
        (Some(b), None) => Some(1 << 42 | a << 21 | b as u64),
        _ => None,
    }
}

thread_local! {
    /// Per thread: the feature keys of the review being scored.
    static KEYS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl FraudHead {
    /// Build from `fraud-weights.tsv`; `None` when it holds no weights.
    pub fn from_weights(weights: &[Weight]) -> Option<FraudHead> {
        let mut head = FraudHead {
            weight: FxHashMap::default(),
            bias: 0.0,
            margin: FRAUD_MARGIN,
        };
        for w in weights {
            if w.class == PARAM && w.token == "fraud_margin" {
                head.margin = w.weight;
            } else if w.class == FRAUD && w.token == BIAS {
                head.bias = w.weight;
            } else if w.class == FRAUD {
                if let Some(k) = feature_key(&w.token) {
                    head.weight.insert(k, w.weight);
                }
            }
        }
        (!head.weight.is_empty()).then_some(head)
    }

    /// Fraud log-odds of a normalised review; `None` for a long one.
    /// Works on numbers, not strings: it runs on nearly every review.
    pub fn score(&self, norm: &str) -> Option<f64> {
        if norm.chars().nth(FRAUD_LONGEST).is_some() {
            return None;
        }
        KEYS.with(|keys| {
            let mut keys = keys.borrow_mut();
            keys.clear();
            let mut prev: Option<char> = None;
            for c in norm.chars() {
                if !is_letter(c) {
                    prev = None;
                    continue;
                }
                keys.push(c as u64);
                if let Some(p) = prev {
                    keys.push(1 << 42 | (p as u64) << 21 | c as u64);
                }
                prev = Some(c);
            }
            keys.sort_unstable();
            keys.dedup();
            Some(self.bias + keys.iter().filter_map(|k| self.weight.get(k)).sum::<f64>())
        })
    }

    /// The letters and pairs that pushed most toward fraud, strongest
    /// first (for `explain` and a call list's 依据).
    pub fn pushers(&self, norm: &str) -> Vec<(String, f64)> {
        let mut pushed: Vec<(String, f64)> = fraud_features(norm)
            .into_iter()
            .filter_map(|f| Some((f.to_string(), *self.weight.get(&feature_key(f)?)?)))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        pushed.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        pushed
    }
}

/// Fit the fraud head: `docs` are (normalised text, is fraud). Plain
/// stochastic gradient descent in a fixed order (the same data give the
/// same weights); the few fraud cases weigh as much as a fortieth of the
/// rest together, so they are heard without making every angry review a
/// fraud (a tenth called 18 of corpus.csv's 62k reviews fraud, a fortieth
/// none).
pub fn fit_fraud(docs: &[(String, bool)], min_count: usize) -> Vec<Weight> {
    const EPOCHS: usize = 8;
    const RATE: f64 = 0.2;
    const L2: f64 = 1e-4;
    let positives = docs.iter().filter(|(_, f)| *f).count();
    if positives == 0 || positives == docs.len() {
        return Vec::new();
    }
    let feats: Vec<Vec<&str>> = docs.iter().map(|(t, _)| fraud_features(t)).collect();
    let (vocab, numbered) = number_features(feats.iter().map(Vec::as_slice), min_count);
    let rows: Vec<(Vec<usize>, bool)> = numbered.into_iter().zip(docs.iter().map(|(_, y)| *y)).collect();
    let negatives = rows.len() - positives;
    let pos_weight = (negatives as f64 / positives as f64 / 40.0).max(1.0);
    let mut w = vec![0.0f64; vocab.len()];
    let mut b = -3.0f64;
    for epoch in 0..EPOCHS {
        let order = visit_order(rows.len(), epoch);
        let rate = RATE / (1.0 + epoch as f64);
        for &k in &order {
            let (fs, y) = &rows[k];
            let z = (b + fs.iter().map(|&f| w[f]).sum::<f64>()).clamp(-30.0, 30.0);
            let p = 1.0 / (1.0 + (-z).exp());
            let g = (p - if *y { 1.0 } else { 0.0 }) * if *y { pos_weight } else { 1.0 };
            b -= rate * g;
            for &f in fs {
                w[f] -= rate * (g + L2 * w[f]);
            }
        }
    }
    let mut out = vec![weight(BIAS, FRAUD, b), weight("fraud_margin", PARAM, FRAUD_MARGIN)];
    out.extend(
        vocab
            .iter()
            .zip(&w)
            .map(|(t, &x)| weight(t, FRAUD, x))
            .filter(|x| x.weight.abs() >= 0.05),
    );
    out.sort_by(|a, b| a.class.cmp(&b.class).then(a.token.cmp(&b.token)));
    out
}

fn weight(token: &str, class: &str, w: f64) -> Weight {
    Weight {
        token: token.to_string(),
        class: class.to_string(),
        weight: (w * 1000.0).round() / 1000.0,
    }
}

/// The weights file's text: a header comment, then `token\tclass\tweight`.
pub fn render(weights: &[Weight], provenance: &str) -> String {
    let mut s = String::new();
    s.push_str("# Learned weights for triage (token, class, weight). Made by `triage learn`.\n");
    for line in provenance.lines() {
        s.push_str("# ");
        s.push_str(line);
        s.push('\n');
    }
    s.push_str("# Classes: tier keys (which cause), complaint (log-odds of a complaint), param (thresholds).\n");
    for w in weights {
        s.push_str(&format!("{}\t{}\t{}\n", w.token, w.class, w.weight));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row once an epoch, whatever the count (1,798 = 2 x 899 too).
    #[test]
    fn every_epoch_visits_every_row() {
        for n in [1, 2, 7, 1798, 1800, 62622] {
            for epoch in [0, 1, 39] {
                let mut order = visit_order(n, epoch);
                order.sort_unstable();
                assert_eq!(order, (0..n).collect::<Vec<_>>(), "{n} rows, epoch {epoch}");
            }
        }
    }

    /// Letters and pairs inside a run of letters; nothing across a break.
    #[test]
    fn fraud_features_are_letters_and_pairs_within_a_run() {
        assert_eq!(
            fraud_features("转我50,删"),
            ["0", "5", "50", "删", "我", "我5", "转", "转我"]
        );
        assert!(fraud_features("好,好").iter().all(|f| *f == "好"));
    }

    /// The fraud head learns what the cases share and not what honest
    /// reviews share; a long review is not scored; a retrain is the same.
    #[test]
    fn fraud_head_tells_a_demand_from_a_complaint() {
        let mut docs: Vec<(String, bool)> = ["给我红包就删差评", "红包到了再删", "不给红包差评不删", "先发红包"]
            .iter()
            .map(|t| (t.to_string(), true))
            .collect();
        for t in [
            "质量太差了",
            "差评,发货太慢",
            "东西不错",
            "客服不理人,差评",
            "很好很满意",
        ] {
            for _ in 0..20 {
                docs.push((t.to_string(), false));
            }
        }
        let w = fit_fraud(&docs, 1);
        assert_eq!(w, fit_fraud(&docs, 1));
        let head = FraudHead::from_weights(&w).unwrap();
        assert_eq!(head.margin, FRAUD_MARGIN);
        let demand = head.score("发个红包我就删").unwrap();
        let complaint = head.score("质量太差了,差评").unwrap();
        assert!(demand > 0.0 && complaint < 0.0, "{demand} {complaint}");
        let pushers: Vec<String> = head
            .pushers("发个红包我就删")
            .into_iter()
            .take(4)
            .map(|p| p.0)
            .collect();
        assert!(pushers.iter().any(|p| p == "红包"), "{pushers:?}");
        assert!(!pushers.iter().any(|p| p == "差" || p == "质量"), "{pushers:?}");
        assert_eq!(head.score(&"红包".repeat(FRAUD_LONGEST)), None);
        // with no fraud case there is nothing to learn
        assert!(fit_fraud(&docs[4..], 1).is_empty());
    }

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn trained_weights_pick_the_taught_tier_and_guard_new_buyer() {
        let tiered = vec![
            (toks("快递 太慢 了"), Tier::Courier),
            (toks("物流 太慢"), Tier::Courier),
            (toks("衣服 起球 掉色"), Tier::Quality),
            (toks("起球 严重"), Tier::Quality),
            (toks("很 好 喜欢"), Tier::NewBuyer),
            (toks("好 满意"), Tier::NewBuyer),
        ];
        let polar = vec![
            (toks("很 好 喜欢"), false),
            (toks("满意 好"), false),
            (toks("起球 差"), true),
            (toks("太慢 差"), true),
        ];
        let w = train(
            &tiered,
            &fit_polarity(&polar, 1),
            1,
            Params {
                cause_margin: 0.5,
                praise_margin: 0.5,
                lean_margin: 0.25,
                override_margin: 2.0,
                sure_margin: 12.0,
            },
        );
        let mut sorted = w.clone();
        sorted.sort_by(|a, b| a.class.cmp(&b.class).then(a.token.cmp(&b.token)));
        assert_eq!(w, sorted, "weights are written sorted");
        let m = Model::from_weights(&w).expect("weights give a model");
        let p = m.params();
        assert_eq!(p.override_margin, 2.0, "thresholds travel in the weights");
        assert_eq!(p.lean_margin, 0.25, "thresholds travel in the weights");
        assert_eq!(p.sure_margin, 12.0, "thresholds travel in the weights");
        let praised = Signals {
            praise: true,
            ..Signals::default()
        };
        assert_eq!(
            m.decide(m.scores(&["起球"]), Signals::default(), None, p).tier,
            Tier::Quality
        );
        let delivery = Signals {
            delivery: true,
            ..Signals::default()
        };
        assert_eq!(m.decide(m.scores(&["太慢"]), delivery, None, p).tier, Tier::Courier);
        // a text that never names the delivery is no new hire's courier call
        let call = m.decide(m.scores(&["太慢"]), Signals::default(), None, p);
        assert_eq!(call.tier, Tier::Unclassified);
        assert!(
            call.note.to_string().contains("no word of the delivery"),
            "{}",
            call.note
        );
        assert_eq!(
            m.decide(m.scores(&["喜欢", "满意"]), praised, Some(Stars::Mid), p).tier,
            Tier::NewBuyer
        );
        // the same praise under a 差评 is doubtful: a senior looks
        assert_eq!(
            m.decide(m.scores(&["喜欢", "满意"]), praised, Some(Stars::Low), p).tier,
            Tier::Unclassified
        );
    }

    #[test]
    fn overwhelming_praise_outweighs_a_stray_turn_word() {
        let tiered = vec![(toks("起球"), Tier::Quality), (toks("好"), Tier::NewBuyer)];
        let m = Model::from_weights(&train(&tiered, &[], 1, Params::default())).expect("a model");
        let p = Params {
            sure_margin: 12.0,
            ..Params::default()
        };
        // a long review of praise with one 但 in it: the tier head leans to
        // quality, the polarity is far on the side of praise
        let turned = Signals {
            turned: true,
            praise: true,
            ..Signals::default()
        };
        let essay = ([0.0, 0.0, 0.0, 3.0, 0.0], -30.0);
        assert_eq!(m.decide(essay, turned, Some(Stars::Mid), p).tier, Tier::NewBuyer);
        // not under a 差评, and not when the praise is only fairly clear
        assert_eq!(m.decide(essay, turned, Some(Stars::Low), p).tier, Tier::Quality);
        let milder = ([0.0, 0.0, 0.0, 3.0, 0.0], -8.0);
        assert_eq!(m.decide(milder, turned, Some(Stars::Mid), p).tier, Tier::Quality);
        // off, the turn word keeps it with a senior
        let off = Params { sure_margin: OFF, ..p };
        assert_eq!(m.decide(essay, turned, Some(Stars::Mid), off).tier, Tier::Quality);
    }

    #[test]
    fn a_senior_review_sent_to_a_new_hire_costs_most() {
        assert_eq!(cost(Tier::Quality, Tier::Quality), 0);
        assert_eq!(cost(Tier::Quality, Tier::Service), 1);
        assert_eq!(cost(Tier::Courier, Tier::Quality), 1);
        assert_eq!(cost(Tier::Quality, Tier::Courier), 3);
        assert_eq!(cost(Tier::Unclassified, Tier::NewBuyer), 3);
        let grid = Params::grid();
        assert_eq!(grid[0], Params::default(), "a tie keeps the defaults");
        let mut keys: Vec<String> = grid.iter().map(|p| format!("{p:?}")).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), grid.len(), "no setting is tried twice");
    }
}
