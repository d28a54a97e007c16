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

/// Traditional characters buyers in Hong Kong, Macau, Taiwan and abroad
/// write, each followed by its simplified form: the words of reviews (goods,
/// delivery, service, praise and complaint), not a full conversion table.
const TRADITIONAL: [&str; 18] = [
    "丟丢亂乱來来係系倉仓個个們们偽伪傢家傳传僞伪價价償偿優优兒儿兩两冊册別别則则剛刚",
    "劃划劑剂動动務务勵励區区參参員员問问單单嗎吗嘗尝噁恶噴喷嚐尝嚴严圖图團团塊块壓压",
    "壞坏壺壶夠够奧奥奮奋媽妈嬰婴孫孙實实寫写寬宽寶宝將将專专對对層层師师帳账幫帮幹干",
    "幾几庫库廠厂張张強强彈弹後后從从惡恶惱恼愛爱態态慶庆懇恳應应懶懒戲戏換换揹背損损",
    "據据擠挤擬拟擺摆斷断時时書书會会東东條条棗枣業业極极樂乐樓楼樣样機机檢检檸柠櫃柜",
    "權权歡欢歲岁殼壳氣气沒没涼凉淨净淺浅準准滲渗滷卤滿满漲涨潔洁澀涩濃浓濕湿濺溅濾滤",
    "灑洒為为無无煉炼煩烦熱热燈灯燉炖燒烧燙烫爐炉爛烂爺爷獎奖獲获現现瑪玛產产瘡疮療疗",
    "癢痒癮瘾發发盤盘確确碼码禮礼種种穩稳筆笔節节糧粮約约紅红紋纹純纯紙纸級级細细給给",
    "絲丝經经綠绿綫线網网緊紧線线縣县縫缝縮缩總总繫系義义聯联聲声脫脱腦脑腫肿腳脚膚肤",
    "膠胶膿脓臉脸與与舉举舊旧艙舱萬万蒼苍蓋盖藍蓝藥药蘋苹蘭兰處处虛虚號号虧亏蝦虾蝸蜗",
    "螢萤蟲虫蠅蝇衛卫裏里補补裝装裡里褲裤襪袜襯衬見见規规覺觉訂订計计訊讯記记設设許许",
    "詐诈話话該该認认語语誠诚誤误說说謝谢謹谨證证識识護护讀读讓让讚赞貝贝貨货貴贵買买",
    "費费貼贴賠赔賣卖質质賬账賺赚購购贈赠贊赞車车軍军軟软載载輕轻輛辆輸输這这週周遊游",
    "運运過过達达遞递遠远適适選选還还邊边郵邮鄉乡醃腌醬酱釀酿釦扣鈕钮銀银銷销鋼钢錄录",
    "錢钱錯错錶表鍊链鍋锅鍵键鎮镇鏈链鏡镜鐘钟鐵铁鑑鉴鑒鉴長长門门開开間间關关隊队際际",
    "隨随隻只雙双雞鸡電电霧雾靈灵響响頁页預预領领頭头顆颗題题顏颜顯显飛飞飯饭飽饱餅饼",
    "餓饿餿馊饞馋騙骗驗验驛驿髒脏體体髮发鬆松鬧闹魚鱼鮮鲜鳳凤鹹咸鹽盐麗丽麵面麼么麽么",
    "黃黄點点黴霉齊齐龜龟",
];

/// Simplified form of each ideograph (U+4E00..U+9FFF) that has one in
/// `TRADITIONAL`, as an offset from U+4E00 plus one; 0 keeps the character.
fn simplified_table() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u16; 0xa000 - 0x4e00];
        for chunk in TRADITIONAL {
            let cs: Vec<char> = chunk.chars().collect();
            for pair in cs.chunks(2) {
                t[pair[0] as usize - 0x4e00] = (pair[1] as u32 - 0x4e00 + 1) as u16;
            }
        }
        t
    })
}

/// Normalise review text so rules see one spelling of each thing.
///
/// Full-width ASCII becomes half-width, letters are lower-cased, common
/// traditional characters become simplified (質量 -> 质量), Chinese sentence
/// punctuation becomes its ASCII twin, runs of the same punctuation collapse
/// to one, and any run of whitespace (line breaks included) becomes one space.
pub fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last: Option<char> = None;
    let simplified = simplified_table();
    for c in raw.chars() {
        // most of a review: a CJK ideograph, kept as it is unless traditional
        if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            let c = match simplified[c as usize - 0x4e00] {
                0 => c,
                s => char::from_u32(0x4e00 + u32::from(s) - 1).unwrap_or(c),
            };
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
    if out.contains(' ') {
        out = join_spaced_letters(&out);
    }
    out
}

/// A word written a letter at a time (还 可 以 吧) is read as the word:
/// three or more single Chinese letters in a row, each set apart by a
/// space, are joined. Spaces between longer pieces stay, since buyers use
/// them as commas (大 好大 真的大).
fn join_spaced_letters(text: &str) -> String {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let single = |seg: &str| {
        let mut cs = seg.chars();
        cs.next().is_some_and(is_cjk) && cs.all(is_punct)
    };
    let segs: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < segs.len() {
        let run = segs[i..].iter().take_while(|s| single(s)).count();
        if i > 0 {
            out.push(' ');
        }
        if run >= 3 {
            segs[i..i + run].iter().for_each(|s| out.push_str(s));
            i += run;
        } else {
            out.push_str(segs[i]);
            i += 1;
        }
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

/// The hasher for fingerprints the ledger keeps from run to run. The
/// standard library's default hasher may change between Rust releases; this
/// is the same SipHash-1-3 with zero keys that it is today, pinned by a crate,
/// so keys written before stay the keys read after a toolchain update.
pub fn stable_hasher() -> siphasher::sip::SipHasher13 {
    siphasher::sip::SipHasher13::new_with_keys(0, 0)
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
            ("質量太差，物流也慢，客服態度不好", "质量太差,物流也慢,客服态度不好"),
            // a word spelt out a letter at a time is joined; spaces as commas stay
            ("还 可 以 吧", "还可以吧"),
            ("质量 很 差 差 差!", "质量 很差差差!"),
            ("大 好大 真的大", "大 好大 真的大"),
            ("好 吃", "好 吃"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise(raw), want, "normalise({raw:?})");
        }
    }

    #[test]
    fn the_traditional_table_is_sound() {
        let mut seen = std::collections::HashSet::new();
        for chunk in TRADITIONAL {
            let cs: Vec<char> = chunk.chars().collect();
            assert_eq!(cs.len() % 2, 0, "{chunk}: pairs of characters");
            for pair in cs.chunks(2) {
                assert_ne!(pair[0], pair[1], "{chunk}");
                assert!(seen.insert(pair[0]), "{} twice", pair[0]);
            }
        }
        // no simplified form is itself rewritten again
        for chunk in TRADITIONAL {
            for (i, c) in chunk.chars().enumerate() {
                if i % 2 == 1 {
                    assert!(!seen.contains(&c), "{c} is both a target and a source");
                }
            }
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
