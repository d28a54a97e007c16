//! Text normalisation and word segmentation.
//!
//! Owns the one `Jieba` instance and is the only module that calls jieba-rs.
//! It knows nothing of tiers or rules: it turns raw review text into a
//! normalised string, clauses and tokens with byte offsets into that string.

use std::sync::Mutex;
use std::thread::JoinHandle;

use jieba_rs::Jieba;

/// jieba's dictionary, loading on its own thread (see `preload`).
static LOADING: Mutex<Option<JoinHandle<Jieba>>> = Mutex::new(None);

/// Start loading jieba's dictionary (about 0.2 s) on another thread, so it
/// overlaps with reading the rules. The next `Segmenter::new` takes it.
pub fn preload() {
    let mut loading = LOADING.lock().unwrap_or_else(|e| e.into_inner());
    if loading.is_none() {
        *loading = Some(std::thread::spawn(Jieba::new));
    }
}

/// The preloaded dictionary, or a fresh load when there is none.
fn base_jieba() -> Jieba {
    let started = LOADING.lock().unwrap_or_else(|e| e.into_inner()).take();
    match started.map(JoinHandle::join) {
        Some(Ok(jieba)) => jieba,
        _ => Jieba::new(),
    }
}

/// Normalise review text so rules see one spelling of each thing.
///
/// Full-width ASCII becomes half-width, letters are lower-cased, Chinese
/// sentence punctuation becomes its ASCII twin, runs of the same punctuation
/// collapse to one, and any run of whitespace (line breaks included) becomes
/// one space.
pub fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last: Option<char> = None;
    for c in raw.chars() {
        // most of a review: a CJK ideograph, kept as it is
        if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            out.push(c);
            last = Some(c);
            continue;
        }
        let c = fold_char(c);
        if c.is_whitespace() {
            if !out.is_empty() && last != Some(' ') {
                out.push(' ');
                last = Some(' ');
            }
            continue;
        }
        if is_punct(c) && last == Some(c) {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if !('\u{4e00}'..='\u{9fff}').contains(&c) && c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        last = Some(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '。' | '｡' => '.',
        '、' => ',',
        '…' => '.',
        '“' | '”' | '「' | '」' => '"',
        '‘' | '’' => '\'',
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        '〜' => '~',
        _ => c,
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '—' | '·' | '《' | '》')
}

/// True for characters that end a clause: a rule pair never reaches across one.
pub fn is_clause_break(c: char) -> bool {
    matches!(c, ',' | '.' | '!' | '?' | ';' | '~' | ' ' | '\n')
}

/// Byte ranges of the clauses of a normalised text.
pub fn clauses(norm: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in norm.char_indices() {
        if is_clause_break(c) {
            if i > start {
                out.push((start, i));
            }
            start = i + c.len_utf8();
        }
    }
    if start < norm.len() {
        out.push((start, norm.len()));
    }
    out
}

/// One word of a segmented text, with its byte range in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub word: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Wraps the shared jieba instance, loaded once with the rules' shop words.
pub struct Segmenter {
    jieba: Jieba,
}

impl Segmenter {
    /// Load jieba's default dictionary and add the given shop words
    /// (`word` or `word freq`).
    pub fn new<'w>(words: impl IntoIterator<Item = (&'w str, Option<usize>)>) -> Self {
        let mut jieba = base_jieba();
        for (word, freq) in words {
            // A word that is not in jieba's dictionary gets a frequency high
            // enough to win against its parts.
            let freq = freq.unwrap_or_else(|| jieba.suggest_freq(word).max(2000));
            jieba.add_word(word, Some(freq), None);
        }
        Segmenter { jieba }
    }

    /// Cut a normalised text into words, dropping whitespace tokens.
    pub fn tokens<'a>(&self, norm: &'a str) -> Vec<Token<'a>> {
        self.jieba
            .cut(norm, true)
            .into_iter()
            .filter(|t| !t.word.chars().all(char::is_whitespace))
            .map(|t| Token {
                word: t.word,
                start: t.byte_start,
                end: t.byte_end,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_width_case_punctuation_and_space() {
        let cases = [
            ("ＶＸ：ｚｈａｎｇ", "vx:zhang"),
            ("太慢了！！！真的。。。", "太慢了!真的."),
            ("第一行\r\n第二行   第三", "第一行 第二行 第三"),
            ("  ABC好  ", "abc好"),
            ("东西，还行、凑合", "东西,还行,凑合"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise(raw), want, "normalise({raw:?})");
        }
    }

    #[test]
    fn clauses_split_on_punctuation_and_space() {
        let norm = normalise("快递很快，但是质量不行 差评");
        let parts: Vec<&str> = clauses(&norm).iter().map(|&(s, e)| &norm[s..e]).collect();
        assert_eq!(parts, ["快递很快", "但是质量不行", "差评"]);
    }

    #[test]
    fn shop_words_come_out_whole() {
        let seg = Segmenter::new([("差评师", None), ("发错货", None)]);
        let norm = normalise("这个差评师说发错货了");
        let words: Vec<&str> = seg.tokens(&norm).iter().map(|t| t.word).collect();
        assert!(words.contains(&"差评师"), "{words:?}");
        assert!(words.contains(&"发错货"), "{words:?}");
    }
}
