//! Assignment: from triaged reviews and a roster to who calls whom.
//!
//! Owns the roster file, the grouping of reviews into cases (one buyer, one
//! agent) and the deterministic deal. It reads the roster but no review file,
//! and writes nothing.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::input::{open_decoded, Decoded};
use crate::ledger::Carry;
use crate::rules::RuleSet;
use crate::tier::Tier;

/// One agent of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    /// The level's key (`junior`, `senior`).
    pub level: String,
    /// Tiers this agent may take, from the rules' levels.
    pub tiers: Vec<Tier>,
    /// How many calls (cases) this agent takes in this run.
    pub capacity: usize,
    pub available: bool,
}

/// A bad roster, with every bad line.
#[derive(Debug)]
pub struct RosterError {
    pub problems: Vec<String>,
}

impl fmt::Display for RosterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problems.join("\n"))
    }
}

impl std::error::Error for RosterError {}

/// Calls a strong agent closes in a day: the capacity of a roster row that
/// gives none.
pub const DAY_CAPACITY: usize = 70;

/// A capacity as leads write it: 50, ５０, 50单, 50个, 50 通.
fn read_capacity(raw: &str) -> Option<usize> {
    let digits: String = raw
        .trim()
        .trim_end_matches(['单', '个', '通', '件', '条', '位', '人'])
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    digits.parse().ok()
}

/// Read a roster: `name, level[, capacity][, available]` (Chinese headers
/// 姓名, 级别, 容量/每日上限, 在岗 also work).
pub fn read_roster(path: &Path, rules: &RuleSet) -> Result<Vec<Agent>, RosterError> {
    let shown = path.display().to_string();
    let err = |m: String| RosterError { problems: vec![m] };
    let Decoded { stream, delimiter, .. } =
        open_decoded(path, None, Arc::new(AtomicU64::new(0))).map_err(|e| err(e.to_string()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(stream);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| err(format!("{shown}:1: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_lowercase())
        .collect();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let name_col = find(&["name", "agent", "姓名", "名字", "客服"]);
    let level_col = find(&["level", "级别", "等级"]);
    let cap_col = find(&["capacity", "容量", "每日上限", "上限", "日上限", "每日容量"]);
    let avail_col = find(&["available", "在岗", "可用"]);
    let (Some(name_col), Some(level_col)) = (name_col, level_col) else {
        return Err(err(format!(
            "{shown}:1: a roster needs the columns name and level (optional: capacity, available). Headers found: {}",
            headers.join(", ")
        )));
    };
    let mut agents: Vec<Agent> = Vec::new();
    let mut problems = Vec::new();
    let level_names = rules
        .levels
        .iter()
        .map(|l| {
            std::iter::once(l.name.clone())
                .chain(l.aliases.iter().cloned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut names: Vec<(String, u64)> = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let name = get(name_col);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if name.is_empty() {
            problems.push(format!("{shown}:{line}: empty name"));
            continue;
        }
        // a name counts as listed even when its row has another fault
        if let Some(first) = names.iter().find(|(n, _)| *n == name).map(|(_, l)| *l) {
            problems.push(format!(
                "{shown}:{line}: agent `{name}` is listed twice (first on line {first})"
            ));
            continue;
        }
        names.push((name.clone(), line));
        let level_raw = get(level_col);
        let Some(level) = rules.level(&level_raw) else {
            problems.push(format!(
                "{shown}:{line}: unknown level `{level_raw}` (expected {level_names})"
            ));
            continue;
        };
        // no capacity given: a day's work of a strong agent
        let cap_raw = cap_col.map(get).unwrap_or_default();
        let capacity = if cap_raw.is_empty() {
            DAY_CAPACITY
        } else if let Some(n) = read_capacity(&cap_raw) {
            n
        } else {
            problems.push(format!("{shown}:{line}: capacity `{cap_raw}` is not a whole number"));
            continue;
        };
        let available = match avail_col.map(get) {
            None => true,
            Some(v) => match v.to_lowercase().as_str() {
                "" | "yes" | "y" | "true" | "1" | "on" | "是" | "在" | "在岗" | "在职" | "上班" | "√" | "✓" => {
                    true
                }
                "no" | "n" | "false" | "0" | "off" | "否" | "不在" | "休" | "休假" | "休息" | "请假" | "离职" | "×"
                | "✗" => false,
                other => {
                    problems.push(format!("{shown}:{line}: available `{other}` is not yes or no"));
                    continue;
                }
            },
        };
        agents.push(Agent {
            name,
            level: level.name.clone(),
            tiers: level.tiers.clone(),
            capacity,
            available,
        });
    }
    if agents.is_empty() && problems.is_empty() {
        problems.push(format!("{shown}: no agents listed"));
    }
    if problems.is_empty() {
        Ok(agents)
    } else {
        Err(RosterError { problems })
    }
}

/// True when a nickname names nobody: empty, or masked (王**, t***1).
pub fn is_masked(buyer: &str) -> bool {
    let b = buyer.trim();
    b.is_empty() || b.contains('*') || b.contains('＊') || b == "匿名" || b == "匿名用户"
}

/// What the deal needs to know of one triaged review.
#[derive(Debug, Clone)]
pub struct CaseInput<'a> {
    pub buyer: &'a str,
    pub order_id: &'a str,
    pub tier: Tier,
    /// Sortable time (`input::time_key`; 0 when unknown).
    pub time: u64,
    /// The ledger case it comes back with, and why.
    pub carry: Option<(i64, Carry)>,
}

/// The ledger's name of each case, from its first review's buyer and order.
pub fn cases_keys<'a>(cases: &[Case], review: impl Fn(usize) -> (&'a str, &'a str)) -> Vec<String> {
    cases
        .iter()
        .map(|c| {
            let (buyer, order) = review(c.reviews[0]);
            case_key(buyer, order)
        })
        .collect()
}

/// The ledger's name for a case: its buyer, or its order when the buyer is masked.
pub fn case_key(buyer: &str, order_id: &str) -> String {
    if is_masked(buyer) {
        format!("order:{}", order_id.trim())
    } else {
        format!("buyer:{}", buyer.trim())
    }
}

/// The reviews of one buyer (or one order, when the buyer is masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Indices of the reviews, in input order.
    pub reviews: Vec<usize>,
    /// Highest tier of its reviews.
    pub tier: Tier,
    /// Newest review time.
    pub newest: u64,
    /// Why it comes back from an earlier run, if it does.
    pub carry: Option<Carry>,
    /// The ledger cases it continues (the first is kept).
    pub ledger_ids: Vec<i64>,
    /// The agent this buyer had before, tried first when eligible and not
    /// full (when the case is still open with them, even when full).
    pub preferred: Option<usize>,
}

/// Why a case went to the backlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BacklogReason {
    /// No available agent's level may take the tier.
    NoEligibleAgent,
    /// Every agent who may take it is at capacity.
    AllFull,
}

impl BacklogReason {
    pub fn key(self) -> &'static str {
        match self {
            BacklogReason::NoEligibleAgent => "no_eligible_agent",
            BacklogReason::AllFull => "all_eligible_full",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            BacklogReason::NoEligibleAgent => "没有可处理此档位的客服",
            BacklogReason::AllFull => "可处理的客服都已满额",
        }
    }
}

/// Where each case went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub cases: Vec<Case>,
    /// Per case: the agent's index in the roster, or why it waits.
    pub outcome: Vec<Result<usize, BacklogReason>>,
}

/// Group reviews into cases: one per named buyer, one per order otherwise.
pub fn build_cases(reviews: &[CaseInput]) -> Vec<Case> {
    #[derive(Hash, PartialEq, Eq)]
    enum Key<'a> {
        Buyer(&'a str),
        Ledger(i64),
        Order(&'a str),
        Row(usize),
    }
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    let mut cases: Vec<Case> = Vec::new();
    for (i, r) in reviews.iter().enumerate() {
        let key = if let (true, Some((id, _))) = (is_masked(r.buyer), r.carry) {
            Key::Ledger(id)
        } else if is_masked(r.buyer) {
            if r.order_id.trim().is_empty() {
                Key::Row(i)
            } else {
                Key::Order(r.order_id.trim())
            }
        } else {
            Key::Buyer(r.buyer.trim())
        };
        match by_key.get(&key) {
            Some(&c) => {
                let case = &mut cases[c];
                case.reviews.push(i);
                case.tier = case.tier.max(r.tier);
                case.newest = case.newest.max(r.time);
                if let Some((id, why)) = r.carry {
                    if !case.ledger_ids.contains(&id) {
                        case.ledger_ids.push(id);
                    }
                    // an escalation outranks a retry, which outranks a buyer
                    // not called, who outranks a backlog
                    case.carry = Some(match (case.carry, why) {
                        (Some(Carry::Escalate), _) | (_, Carry::Escalate) => Carry::Escalate,
                        (Some(r @ Carry::Retry { .. }), _) | (_, r @ Carry::Retry { .. }) => r,
                        (Some(Carry::Uncalled), _) | (_, Carry::Uncalled) => Carry::Uncalled,
                        _ => why,
                    });
                }
            }
            None => {
                by_key.insert(key, cases.len());
                cases.push(Case {
                    reviews: vec![i],
                    tier: r.tier,
                    newest: r.time,
                    carry: r.carry.map(|c| c.1),
                    ledger_ids: r.carry.map(|c| c.0).into_iter().collect(),
                    preferred: None,
                });
            }
        }
    }
    cases
}

/// Deal cases to agents.
///
/// Cases that come back from earlier runs go first (yesterday's backlog,
/// escalations, retries). Then cases that fewer levels may take (so seniors'
/// capacity goes where only they can help), newest first within that. A
/// buyer's earlier agent is tried first; an escalation goes only to a level
/// that takes every tier. Each case goes
/// to the narrowest level that may take it, and within a level to the agent
/// with the fewest cases so far (roster order breaks ties): loads are dealt,
/// not filled. No agent goes over capacity; what is left waits in the
/// backlog with its reason. Deterministic: no clock, no randomness.
pub fn assign(cases: Vec<Case>, agents: &[Agent]) -> Assignment {
    // per tier: how many levels may take it, and which agents
    let tier_info: Vec<(usize, Vec<usize>)> = Tier::ALL
        .iter()
        .map(|t| {
            let mut levels: Vec<&str> = agents
                .iter()
                .filter(|a| a.tiers.contains(t))
                .map(|a| a.level.as_str())
                .collect();
            levels.sort();
            levels.dedup();
            let eligible = (0..agents.len())
                .filter(|&a| agents[a].available && agents[a].tiers.contains(t) && agents[a].capacity > 0)
                .collect();
            (levels.len(), eligible)
        })
        .collect();
    let info = |t: Tier| &tier_info[t.report_order()];
    let breadth = |t: Tier| info(t).0;
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&cases[a], &cases[b]);
        cb.carry
            .is_some()
            .cmp(&ca.carry.is_some())
            .then(breadth(ca.tier).cmp(&breadth(cb.tier)))
            .then(cb.newest.cmp(&ca.newest))
            .then(cb.tier.cmp(&ca.tier))
            .then(a.cmp(&b))
    });
    let mut load = vec![0usize; agents.len()];
    let mut outcome = vec![Err(BacklogReason::NoEligibleAgent); cases.len()];
    for c in order {
        let tier = cases[c].tier;
        let senior_only = cases[c].carry == Some(Carry::Escalate);
        let eligible: Vec<usize> = info(tier)
            .1
            .iter()
            .copied()
            .filter(|&a| !senior_only || agents[a].tiers.len() == Tier::ALL.len())
            .collect();
        if eligible.is_empty() {
            outcome[c] = Err(BacklogReason::NoEligibleAgent);
            continue;
        }
        let has_room = |a: usize| load[a] < agents[a].capacity;
        // a buyer still on an agent's list stays there: a second agent
        // would call them twice (these go first, so only they can overfill)
        let holds = cases[c].carry == Some(Carry::Open);
        let pick = cases[c]
            .preferred
            .filter(|p| eligible.contains(p) && (holds || has_room(*p)))
            .or_else(|| {
                eligible
                    .iter()
                    .copied()
                    .filter(|&a| has_room(a))
                    .min_by_key(|&a| (agents[a].tiers.len(), load[a], a))
            });
        match pick {
            Some(a) => {
                load[a] += 1;
                outcome[c] = Ok(a);
            }
            None => outcome[c] = Err(BacklogReason::AllFull),
        }
    }
    Assignment { cases, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn agent(name: &str, senior: bool, capacity: usize) -> Agent {
        Agent {
            name: name.into(),
            level: if senior { "senior" } else { "junior" }.into(),
            tiers: if senior {
                Tier::ALL.to_vec()
            } else {
                vec![Tier::NewBuyer, Tier::Courier]
            },
            capacity,
            available: true,
        }
    }

    #[test]
    fn capacities_read_as_leads_write_them() {
        for (raw, n) in [
            ("50", 50),
            ("５０", 50),
            ("50单", 50),
            ("30个", 30),
            ("40 通", 40),
            (" 7 ", 7),
        ] {
            assert_eq!(read_capacity(raw), Some(n), "{raw}");
        }
        for raw in ["五十", "50-60", "单", "-3"] {
            assert_eq!(read_capacity(raw), None, "{raw}");
        }
    }

    fn input(buyer: &'static str, order: &'static str, tier: Tier, time: &'static str) -> CaseInput<'static> {
        CaseInput {
            buyer,
            order_id: order,
            tier,
            time: crate::input::time_key(time),
            carry: None,
        }
    }

    fn case(review: usize, tier: Tier, newest: u64) -> Case {
        Case {
            reviews: vec![review],
            tier,
            newest,
            carry: None,
            ledger_ids: Vec::new(),
            preferred: None,
        }
    }

    #[test]
    fn one_buyer_one_case_masked_buyers_split_by_order() {
        let rows = [
            input("小明", "1", Tier::Courier, "2026-11-01 00:00:00"),
            input("王**", "2", Tier::Courier, "2026-11-02 00:00:00"),
            input("小明", "3", Tier::Quality, "2026-11-03 00:00:00"),
            input("王**", "4", Tier::NewBuyer, "2026-11-04 00:00:00"),
        ];
        let cases = build_cases(&rows);
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].reviews, [0, 2]);
        assert_eq!(cases[0].tier, Tier::Quality);
        assert_eq!(cases[0].newest, 20261103000000);
    }

    #[test]
    fn juniors_take_easy_cases_first_seniors_keep_capacity_for_hard_ones() {
        let agents = [agent("老王", true, 2), agent("小李", false, 1), agent("小张", false, 1)];
        let cases = vec![
            case(0, Tier::Courier, 3),
            case(1, Tier::Quality, 1),
            case(2, Tier::NewBuyer, 2),
            case(3, Tier::Courier, 0),
            case(4, Tier::Fraud, 0),
            case(5, Tier::Courier, 9),
        ];
        let a = assign(cases, &agents);
        // quality and fraud to the senior first
        assert_eq!(a.outcome[1], Ok(0));
        assert_eq!(a.outcome[4], Ok(0));
        // the two newest easy cases are dealt across the juniors
        assert_eq!(a.outcome[5], Ok(1));
        assert_eq!(a.outcome[0], Ok(2));
        // the senior is full, so the oldest easy cases wait
        assert_eq!(a.outcome[2], Err(BacklogReason::AllFull));
        assert_eq!(a.outcome[3], Err(BacklogReason::AllFull));
    }

    #[test]
    fn comebacks_go_first_escalations_to_seniors_and_buyers_keep_their_agent() {
        let agents = [agent("小李", false, 1), agent("小张", false, 1), agent("老王", true, 1)];
        let mut fresh = case(0, Tier::Courier, 9);
        fresh.preferred = Some(1);
        let mut backlog = case(1, Tier::Courier, 1);
        backlog.carry = Some(Carry::Backlog { today: false });
        let mut escalated = case(2, Tier::Courier, 0);
        escalated.carry = Some(Carry::Escalate);
        escalated.preferred = None;
        let a = assign(vec![fresh, backlog, escalated], &agents);
        // the older backlog case is placed before today's newer one
        assert_eq!(a.outcome[1], Ok(0));
        // the buyer's earlier agent is kept
        assert_eq!(a.outcome[0], Ok(1));
        // a courier case a new hire could not resolve goes to the senior
        assert_eq!(a.outcome[2], Ok(2));
    }

    /// A buyer still open with an agent who writes again stays with that
    /// agent even when the agent is full; any other buyer waits for room.
    #[test]
    fn a_buyer_still_open_stays_with_their_agent() {
        let agents = [agent("小李", false, 1), agent("小张", false, 1)];
        let mut other = case(0, Tier::Courier, 9);
        other.preferred = Some(0);
        let mut open = case(1, Tier::Courier, 1);
        open.carry = Some(Carry::Open);
        open.preferred = Some(0);
        let mut open2 = case(2, Tier::Courier, 2);
        open2.carry = Some(Carry::Open);
        open2.preferred = Some(0);
        let a = assign(vec![other, open, open2], &agents);
        assert_eq!(a.outcome[1], Ok(0));
        assert_eq!(a.outcome[2], Ok(0), "held over capacity, not given to 小张");
        // the fresh case's preferred agent is full: it goes to the other
        assert_eq!(a.outcome[0], Ok(1));
    }

    #[test]
    fn no_eligible_agent_is_its_own_reason() {
        let agents = [agent("小李", false, 5)];
        let cases = vec![case(0, Tier::Service, 0)];
        assert_eq!(assign(cases, &agents).outcome, [Err(BacklogReason::NoEligibleAgent)]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn tier_strategy() -> impl Strategy<Value = Tier> {
        prop::sample::select(Tier::ALL.to_vec())
    }

    fn roster_strategy() -> impl Strategy<Value = Vec<Agent>> {
        prop::collection::vec((any::<bool>(), 0usize..8, any::<bool>()), 0..7).prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (senior, capacity, available))| Agent {
                    available: available || i == 0,
                    ..super::tests::agent(&format!("a{i}"), senior, capacity)
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn deals_respect_capacity_level_and_buyers(
            agents in roster_strategy(),
            reviews in prop::collection::vec((0usize..12, tier_strategy(), 0u32..30, any::<bool>()), 0..60),
        ) {
            let buyers: Vec<String> = reviews.iter().map(|(b, _, _, masked)| if *masked { format!("王*{b}") } else { format!("buyer{b}") }).collect();
            let orders: Vec<String> = (0..reviews.len()).map(|i| format!("o{i}")).collect();
            let times: Vec<u64> = reviews.iter().map(|(_, _, t, _)| crate::input::time_key(&format!("2026-11-{:02} 00:00:00", t + 1))).collect();
            let inputs: Vec<CaseInput> = reviews.iter().enumerate().map(|(i, (_, tier, _, _))| CaseInput {
                buyer: &buyers[i], order_id: &orders[i], tier: *tier, time: times[i], carry: None,
            }).collect();
            let cases = build_cases(&inputs);
            // every review is in exactly one case
            let mut seen = vec![0; inputs.len()];
            for c in &cases { for &r in &c.reviews { seen[r] += 1; } }
            prop_assert!(seen.iter().all(|&n| n == 1));
            let a = assign(cases.clone(), &agents);
            let again = assign(cases, &agents);
            prop_assert_eq!(&a, &again, "deterministic");
            let mut load = vec![0usize; agents.len()];
            for (case, out) in a.cases.iter().zip(&a.outcome) {
                // a case's tier is its highest review's
                prop_assert_eq!(case.tier, case.reviews.iter().map(|&r| inputs[r].tier).max().unwrap());
                match out {
                    Ok(ag) => {
                        load[*ag] += 1;
                        prop_assert!(agents[*ag].available);
                        prop_assert!(agents[*ag].tiers.contains(&case.tier), "tier below level");
                    }
                    Err(BacklogReason::AllFull) => {
                        // someone could take it, and all of them are full
                        let eligible: Vec<usize> = (0..agents.len()).filter(|&i| agents[i].available && agents[i].capacity > 0 && agents[i].tiers.contains(&case.tier)).collect();
                        prop_assert!(!eligible.is_empty());
                        prop_assert!(eligible.iter().all(|&i| load_after(&a, i) == agents[i].capacity));
                    }
                    Err(BacklogReason::NoEligibleAgent) => {
                        prop_assert!(!agents.iter().any(|g| g.available && g.capacity > 0 && g.tiers.contains(&case.tier)));
                    }
                }
            }
            for (i, g) in agents.iter().enumerate() {
                prop_assert!(load[i] <= g.capacity, "over capacity");
            }
            // one named buyer, one agent
            for (i, ci) in inputs.iter().enumerate() {
                for (j, cj) in inputs.iter().enumerate() {
                    if !is_masked(ci.buyer) && ci.buyer == cj.buyer {
                        let case_of = |r: usize| a.cases.iter().position(|c| c.reviews.contains(&r)).unwrap();
                        prop_assert_eq!(case_of(i), case_of(j));
                    }
                }
            }
        }
    }

    fn load_after(a: &Assignment, agent: usize) -> usize {
        a.outcome.iter().filter(|o| **o == Ok(agent)).count()
    }
}
