//! The tiers of shared TIERS.md: the one domain type every stage shares.
//!
//! Owns the stable English keys, the Chinese names agents read, and the order
//! in which causes rank. Holds no rules and no text handling.

use std::fmt;

/// Why a mid/low review was left, and so who may call the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    NewBuyer,
    Courier,
    Unclassified,
    Service,
    Quality,
    Fraud,
}

impl Tier {
    /// Every tier, in the order reports list them (1..5, then 待定).
    pub const ALL: [Tier; 6] = [
        Tier::NewBuyer,
        Tier::Courier,
        Tier::Service,
        Tier::Quality,
        Tier::Fraud,
        Tier::Unclassified,
    ];

    /// Stable key scripts read.
    pub fn key(self) -> &'static str {
        match self {
            Tier::NewBuyer => "new_buyer",
            Tier::Courier => "courier",
            Tier::Service => "service",
            Tier::Quality => "quality",
            Tier::Fraud => "fraud",
            Tier::Unclassified => "unclassified",
        }
    }

    /// Chinese name agents read.
    pub fn zh(self) -> &'static str {
        match self {
            Tier::NewBuyer => "新手",
            Tier::Courier => "快递",
            Tier::Service => "服务",
            Tier::Quality => "质量",
            Tier::Fraud => "骗子",
            Tier::Unclassified => "待定",
        }
    }

    /// Tier number of TIERS.md; unclassified has none.
    pub fn number(self) -> Option<u8> {
        match self {
            Tier::NewBuyer => Some(1),
            Tier::Courier => Some(2),
            Tier::Service => Some(3),
            Tier::Quality => Some(4),
            Tier::Fraud => Some(5),
            Tier::Unclassified => None,
        }
    }

    /// What an agent's file shows: `2 快递`, or `待定`.
    pub fn label_zh(self) -> String {
        match self.number() {
            Some(n) => format!("{n} {}", self.zh()),
            None => self.zh().to_string(),
        }
    }

    /// What the command line shows: `2 courier 快递`.
    pub fn label_en(self) -> String {
        match self.number() {
            Some(n) => format!("{n} {} {}", self.key(), self.zh()),
            None => format!("- {} {}", self.key(), self.zh()),
        }
    }

    /// Position in reports (1..5, then unclassified).
    pub fn report_order(self) -> usize {
        Tier::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    pub fn from_key(key: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.key() == key)
    }

    /// A tier as a lead may write it in a labelled sheet: the key
    /// (`courier`), the Chinese name (`快递`), the call-list label
    /// (`2 快递`), the number (`2`), or `2 courier 快递`. Case and spaces
    /// do not matter.
    pub fn parse_label(label: &str) -> Option<Tier> {
        let s = label.trim().to_lowercase();
        if let Some(t) = Tier::from_key(&s) {
            return Some(t);
        }
        let mut found: Option<Tier> = None;
        // `- unclassified 待定` is how the command line shows 待定
        for word in s.split_whitespace().filter(|&w| w != "-") {
            let t = Tier::ALL
                .into_iter()
                .find(|t| t.key() == word || t.zh() == word || t.number().is_some_and(|n| word == n.to_string()))?;
            // every word must name the same tier (`2 质量` names none)
            if found.is_some_and(|f| f != t) {
                return None;
            }
            found = Some(t);
        }
        found
    }

    /// True for the causes of TIERS.md (courier, service, quality, fraud).
    pub fn is_cause(self) -> bool {
        matches!(self, Tier::Courier | Tier::Service | Tier::Quality | Tier::Fraud)
    }
}

/// A set of tiers, read highest first: the causes of one review. One byte,
/// where a list would cost a heap block on each of a million reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Causes(u8);

impl Causes {
    /// Every tier in rank order, lowest first (as `Ord` ranks them).
    const RANKED: [Tier; 6] = [
        Tier::NewBuyer,
        Tier::Courier,
        Tier::Unclassified,
        Tier::Service,
        Tier::Quality,
        Tier::Fraud,
    ];

    pub fn of(tiers: impl IntoIterator<Item = Tier>) -> Causes {
        let mut c = Causes::default();
        for t in tiers {
            c.insert(t);
        }
        c
    }

    fn bit(t: Tier) -> u8 {
        1 << Causes::RANKED.iter().position(|&r| r == t).unwrap_or(0)
    }

    pub fn insert(&mut self, t: Tier) {
        self.0 |= Causes::bit(t);
    }

    /// Highest first.
    pub fn iter(self) -> impl Iterator<Item = Tier> {
        Causes::RANKED
            .into_iter()
            .rev()
            .filter(move |&t| self.0 & Causes::bit(t) != 0)
    }

    pub fn first(self) -> Option<Tier> {
        self.iter().next()
    }

    /// Keys joined with `|`, highest first: the `causes` column.
    pub fn keys(self) -> String {
        self.iter().map(|t| t.key()).collect::<Vec<_>>().join("|")
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_read_highest_first_as_ranked() {
        let c = Causes::of([Tier::Courier, Tier::Quality, Tier::Courier, Tier::Service]);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [Tier::Quality, Tier::Service, Tier::Courier]
        );
        assert_eq!(c.keys(), "quality|service|courier");
        assert_eq!(c.first(), Some(Tier::Quality));
        assert_eq!(Causes::default().first(), None);
        let mut all = Causes::default();
        for t in Tier::ALL {
            all.insert(t);
        }
        let mut sorted = Tier::ALL.to_vec();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(all.iter().collect::<Vec<_>>(), sorted);
    }

    #[test]
    fn labels_a_lead_writes_are_read() {
        for t in Tier::ALL {
            assert_eq!(Tier::parse_label(t.key()), Some(t));
            assert_eq!(Tier::parse_label(&t.label_zh()), Some(t));
            assert_eq!(Tier::parse_label(&t.label_en()), Some(t));
            assert_eq!(Tier::parse_label(&format!(" {} ", t.zh())), Some(t));
        }
        assert_eq!(Tier::parse_label("2"), Some(Tier::Courier));
        assert_eq!(Tier::parse_label("Quality"), Some(Tier::Quality));
        assert_eq!(Tier::parse_label("2 质量"), None);
        assert_eq!(Tier::parse_label("6"), None);
        assert_eq!(Tier::parse_label(""), None);
        assert_eq!(Tier::parse_label("快递慢"), None);
    }

    #[test]
    fn keys_round_trip_and_rank_follows_tiers_md() {
        for t in Tier::ALL {
            assert_eq!(Tier::from_key(t.key()), Some(t));
        }
        assert!(Tier::Fraud > Tier::Quality);
        assert!(Tier::Quality > Tier::Service);
        assert!(Tier::Service > Tier::Courier);
        // unclassified needs a senior, so a case holding it outranks the junior tiers
        assert!(Tier::Unclassified > Tier::Courier && Tier::Unclassified < Tier::Service);
        assert_eq!(Tier::Courier.label_zh(), "2 快递");
        assert_eq!(Tier::Unclassified.label_zh(), "待定");
    }
}
