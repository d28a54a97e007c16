//! The ledger: what earlier runs handed out, and what came of each call.
//!
//! Owns the SQLite file (schema, migrations, the one write transaction a run
//! holds), the follow-up rules of a case's life (resolved, escalated to a
//! senior, tried again later) and the calendar arithmetic they need. It does
//! not classify, assign or write call lists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::input::{Rating, Review, ReviewFields};

/// Schema version this build writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;
/// How long a run waits for another run on the same ledger.
const BUSY_WAIT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    inputs TEXT NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    case_key TEXT NOT NULL,
    tier TEXT NOT NULL,
    -- open: handed out and not reported; backlog: no one could take it;
    -- escalate: a new hire could not resolve it; retry: not reached;
    -- uncalled: on a call list recorded with its result left empty (not
    -- called), comes back the next day; resolved: done, never comes back
    status TEXT NOT NULL,
    agent TEXT,
    level TEXT,
    first_day TEXT NOT NULL,
    assigned_day TEXT,
    assigned_run INTEGER,
    unreached_since TEXT,
    next_day TEXT,
    escalations INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER NOT NULL REFERENCES runs(id)
);
CREATE TABLE reviews (
    review_key TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    order_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    buyer TEXT NOT NULL,
    rating TEXT NOT NULL,
    created_at TEXT NOT NULL,
    item TEXT NOT NULL,
    text TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id)
);
CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    assigned_run INTEGER NOT NULL,
    result TEXT NOT NULL,
    agent TEXT,
    day TEXT NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (case_id, assigned_run)
);
";

/// The secondary indexes: (name, definition). A run that adds more reviews
/// than the ledger holds drops them and builds them again after its inserts:
/// one sort instead of a million random index inserts.
const INDEXES: [(&str, &str); 4] = [
    ("cases_key", "cases(case_key)"),
    ("cases_status", "cases(status)"),
    ("reviews_order", "reviews(order_id)"),
    ("reviews_case", "reviews(case_id)"),
];

fn create_indexes(conn: &Connection) -> rusqlite::Result<()> {
    for (name, on) in INDEXES {
        conn.execute_batch(&format!("CREATE INDEX {name} ON {on};"))?;
    }
    Ok(())
}

/// Why a case from an earlier run comes back today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carry {
    /// No one could take it last time (`today`: that was an earlier run
    /// today, not yesterday).
    Backlog { today: bool },
    /// A new hire could not resolve it: a senior calls back.
    Escalate,
    /// Not reached: try again, by message until phone days are due.
    Retry { phone: bool },
    /// Handed out by an earlier run today and not yet reported: dealt again
    /// with today's lists, to the same agent when still on the roster.
    Today,
    /// Still held by an agent (handed out and not yet reported, or not
    /// reached and not yet due), and the buyer wrote again (a follow-up,
    /// another order): it stays with that agent.
    Open,
    /// On an earlier day's list that was recorded with this buyer's result
    /// left empty: not called, so dealt again, to the same agent when free.
    Uncalled,
}

impl Carry {
    /// What the call list's 跟进 column says.
    pub fn zh(self) -> &'static str {
        match self {
            Carry::Backlog { today: false } => "昨日积压",
            Carry::Backlog { today: true } => "今日积压",
            Carry::Escalate => "升级：新人未解决",
            Carry::Retry { phone: false } => "未接通：先发消息",
            Carry::Retry { phone: true } => "未接通：电话回访",
            Carry::Open => "买家又评：仍由您跟进",
            // on this agent's earlier list today too: not a second buyer
            Carry::Today => "今日已派",
            Carry::Uncalled => "上次未打：请先联系",
        }
    }
}

/// A case from an earlier run that comes back today, with its reviews.
#[derive(Debug, Clone)]
pub struct CarriedCase {
    pub id: i64,
    pub case_key: String,
    pub why: Carry,
    /// Who had it (the continuity preference; not for an escalation).
    pub agent: Option<String>,
    /// Its reviews, loaded, by identity and in key order.
    pub reviews: Vec<(u128, Review)>,
    /// Its reviews the caller already holds (read again today): named, not
    /// loaded.
    pub in_hand: Vec<u128>,
}

/// A buyer's cases an agent still holds (see `Ledger::held_cases`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// The cases, oldest first.
    pub ids: Vec<i64>,
    /// Who holds the newest.
    pub agent: Option<String>,
}

/// What the ledger knows of a review read today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub case_id: i64,
    pub status: String,
    pub agent: Option<String>,
}

/// How one case of this run ended up, for the ledger.
#[derive(Debug, Clone)]
pub struct Handed<'a> {
    /// The ledger cases it continues, when it came back from earlier runs
    /// (the first is kept; the others are merged into it).
    pub carried: Vec<i64>,
    pub case_key: &'a str,
    pub tier: &'static str,
    /// (agent, level) when someone took it.
    pub agent: Option<(&'a str, &'a str)>,
    /// Fresh reviews of this run: (review identity, review).
    pub fresh: Vec<(u128, &'a Review)>,
}

/// Follow-up timing, from the rules folder's `followup.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    /// Days before a buyer not reached is tried again.
    pub retry_after_days: i64,
    /// Days of messages before the phone is used.
    pub phone_after_days: i64,
}

impl Default for FollowUp {
    fn default() -> Self {
        FollowUp {
            retry_after_days: 1,
            phone_after_days: 3,
        }
    }
}

/// A case as `carried` reads it: id, key, status, agent, unreached since,
/// first day, day last dealt.
type CaseRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);
/// A case as `record_outcomes` reads it: id, status, agent, level, run, unreached since.
type HandedRow = (i64, String, Option<String>, Option<String>, Option<i64>, Option<String>);

/// An open ledger holding the write lock for one run.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    pub run_id: i64,
    pub today: String,
}

/// Open (creating and migrating) a ledger file.
fn connect(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let conn = Connection::open(path).with_context(|| format!("cannot open the ledger {}", path.display()))?;
    conn.busy_timeout(BUSY_WAIT)?;
    // The schema's REFERENCES are not enforced per row: checking every
    // insert cost a third of recording a big run. Only this module writes,
    // it never deletes, and a test holds `PRAGMA foreign_key_check` clean.
    // (The bundled SQLite enforces them unless told not to.)
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // A new ledger gets 16 KiB pages (a no-op on one that exists): a
    // million-row run records 10% faster than with the default 4 KiB.
    conn.pragma_update(None, "page_size", 16384)?;
    Ok(conn)
}

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    match version {
        0 => {
            conn.execute_batch(SCHEMA)
                .and_then(|()| create_indexes(conn))
                .with_context(|| format!("cannot create the ledger tables in {}", path.display()))?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        // version 2 added the status `uncalled`, which version 1 would never
        // bring back: the number keeps an older triage off such a ledger
        1 => conn.pragma_update(None, "user_version", SCHEMA_VERSION)?,
        SCHEMA_VERSION => {}
        v => bail!(
            "{}: ledger schema version {v} is newer than this triage understands ({SCHEMA_VERSION}); use a newer triage",
            path.display()
        ),
    }
    Ok(())
}

fn busy_message(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => anyhow::anyhow!(
            "the ledger {} is in use by another triage run (waited {} s); try again when it has finished",
            path.display(),
            BUSY_WAIT.as_secs()
        ),
        _ => anyhow::Error::new(e).context(format!("ledger {}", path.display())),
    }
}

impl Ledger {
    /// Open the ledger for a run: take the write lock (waiting for another
    /// run up to `BUSY_WAIT`), migrate, and start this run's record. Nothing
    /// is kept unless `commit` is called.
    pub fn open(path: &Path, today: &str, inputs: &str) -> Result<Ledger> {
        let conn = connect(path)?;
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| busy_message(path, e))?;
        migrate(&conn, path)?;
        conn.execute("INSERT INTO runs (day, inputs) VALUES (?1, ?2)", params![today, inputs])?;
        let run_id = conn.last_insert_rowid();
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            run_id,
            today: today.to_string(),
        })
    }

    /// True when no earlier run recorded anything (lookups can be skipped).
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM reviews)", [], |r| r.get(0))?)
    }

    /// What the ledger knows of a review, by its key.
    pub fn known(&self, review_key: &str) -> Result<Option<Known>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.id, c.status, c.agent FROM reviews r JOIN cases c ON c.id = r.case_id WHERE r.review_key = ?1",
            )?
            .query_row(
                params![review_key],
                |r| {
                    Ok(Known {
                        case_id: r.get(0)?,
                        status: r.get(1)?,
                        agent: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Cases that come back today: the backlog, escalations, and buyers not
    /// reached whose retry day has come. Oldest first. Reviews for which
    /// `in_hand` is true are named but not loaded.
    pub fn carried(&self, rules: FollowUp, in_hand: &dyn Fn(u128) -> bool) -> Result<Vec<CarriedCase>> {
        self.carried_reading(rules, in_hand, None)
    }

    /// `carried`, reading the reviews table whole (`Some(true)`), by case
    /// through its index (`Some(false)`), or whichever suits (`None`).
    fn carried_reading(
        &self,
        rules: FollowUp,
        in_hand: &dyn Fn(u128) -> bool,
        whole: Option<bool>,
    ) -> Result<Vec<CarriedCase>> {
        // today's earlier runs' open cases too: a second run on one day deals
        // the day's work again (same agent when still on the roster and free),
        // so its lists hold the whole day and no one gets two days' work
        const COMING_BACK: &str =
            "status IN ('backlog', 'escalate', 'uncalled') OR (status = 'retry' AND next_day <= ?1) \
             OR (status = 'open' AND assigned_day = ?1)";
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, case_key, status, agent, unreached_since, first_day, assigned_day FROM cases WHERE {COMING_BACK} ORDER BY first_day, id"
        ))?;
        let rows: Vec<CaseRow> = stmt
            .query_map(params![self.today], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // the reviews of all of them in one pass, not one query per case
        let at: FxHashMap<i64, usize> = rows.iter().enumerate().map(|(i, row)| (row.0, i)).collect();
        let mut reviews: Vec<Vec<(u128, Review)>> = vec![Vec::new(); rows.len()];
        let mut held_today: Vec<Vec<u128>> = vec![Vec::new(); rows.len()];
        // When a good part of the table comes back, reading it whole, in
        // order, beats jumping through the index for each review (counting
        // them reads the index alone).
        let whole = match whole {
            Some(w) => w,
            None => {
                let held = self.held()?;
                let coming: i64 = self.conn.query_row(
                    &format!(
                        "SELECT COUNT(*) FROM reviews WHERE case_id IN (SELECT id FROM cases WHERE {COMING_BACK})"
                    ),
                    params![self.today],
                    |r| r.get(0),
                )?;
                coming * 4 > held
            }
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT case_id, review_key, order_id, buyer, rating, created_at, item, text, follow_up FROM reviews{}",
            if whole {
                String::new()
            } else {
                format!(" WHERE case_id IN (SELECT id FROM cases WHERE {COMING_BACK})")
            }
        ))?;
        let mut found = if whole {
            stmt.query([])?
        } else {
            stmt.query(params![self.today])?
        };
        while let Some(r) = found.next()? {
            let Some(&i) = at.get(&r.get::<_, i64>(0)?) else {
                continue;
            };
            let key: String = r.get(1)?;
            let key = self.parse_key(&key)?;
            if in_hand(key) {
                held_today[i].push(key);
                continue;
            }
            let rating: String = r.get(4)?;
            reviews[i].push((
                key,
                Review::new(
                    usize::MAX,
                    0,
                    if rating == "mid" { Rating::Mid } else { Rating::Low },
                    ReviewFields {
                        order_id: &r.get::<_, String>(2)?,
                        buyer: &r.get::<_, String>(3)?,
                        created_at: &r.get::<_, String>(5)?,
                        item: &r.get::<_, String>(6)?,
                        text: &r.get::<_, String>(7)?,
                        follow_up: &r.get::<_, String>(8)?,
                    },
                ),
            ));
        }
        let mut out = Vec::with_capacity(rows.len());
        for (((id, case_key, status, agent, since, first_day, assigned_day), mut reviews), mut in_hand) in
            rows.into_iter().zip(reviews).zip(held_today)
        {
            reviews.sort_by_key(|r| r.0);
            in_hand.sort_unstable();
            let why = match status.as_str() {
                "backlog" => Carry::Backlog {
                    today: first_day == self.today,
                },
                "escalate" => Carry::Escalate,
                "open" => Carry::Today,
                // not called on today's own list: the day's work, dealt again
                "uncalled" if assigned_day.as_deref() == Some(self.today.as_str()) => Carry::Today,
                "uncalled" => Carry::Uncalled,
                _ => {
                    let waited = since.as_deref().map_or(0, |s| days_between(s, &self.today));
                    Carry::Retry {
                        phone: waited >= rules.phone_after_days,
                    }
                }
            };
            let agent = if why == Carry::Escalate { None } else { agent };
            out.push(CarriedCase {
                id,
                case_key,
                why,
                agent,
                reviews,
                in_hand,
            });
        }
        Ok(out)
    }

    /// How many reviews the ledger holds (about: the highest row number).
    pub fn held(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(rowid), 0) FROM reviews", [], |r| r.get(0))?)
    }

    /// True when asking about `wanted` reviews or cases one by one would
    /// cost more than reading the ledger in one pass (more than an eighth
    /// of what it holds).
    fn worth_one_pass(&self, wanted: usize) -> Result<bool> {
        Ok(wanted as i64 * 8 > self.held()?)
    }

    /// The reviews among `ids` that earlier runs recorded, each with its
    /// case's agent (if any): `known` for many at once.
    pub fn handed_before(&self, ids: &[u128]) -> Result<FxHashMap<u128, Option<String>>> {
        if self.worth_one_pass(ids.len())? {
            let asked: FxHashSet<u128> = ids.iter().copied().collect();
            return self.known_among(&|k| asked.contains(&k));
        }
        let mut found = FxHashMap::default();
        for &id in ids {
            if let Some(known) = self.known(&key_text(id))? {
                found.insert(id, known.agent);
            }
        }
        Ok(found)
    }

    /// `known` in one pass over the ledger: the reviews it holds among
    /// those `wanted` picks, each with its case's agent (if any).
    fn known_among(&self, wanted: &dyn Fn(u128) -> bool) -> Result<FxHashMap<u128, Option<String>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT r.review_key, c.agent FROM reviews r JOIN cases c ON c.id = r.case_id")?;
        let mut rows = stmt.query([])?;
        let mut out = FxHashMap::default();
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let key = self.parse_key(&key)?;
            if wanted(key) {
                out.insert(key, r.get(1)?);
            }
        }
        Ok(out)
    }

    fn parse_key(&self, key: &str) -> Result<u128> {
        u128::from_str_radix(key, 16)
            .map_err(|_| anyhow::anyhow!("{}: review key `{key}` is damaged", self.path.display()))
    }

    /// The last agent of each of these buyers (or orders) that had one.
    pub fn last_agents_of(&self, case_keys: &[&str]) -> Result<HashMap<String, String>> {
        if self.worth_one_pass(case_keys.len())? {
            return self.last_agents();
        }
        let mut found = HashMap::new();
        for &key in case_keys {
            if let Some(agent) = self.last_agent(key)? {
                found.insert(key.to_string(), agent);
            }
        }
        Ok(found)
    }

    /// The cases an agent still holds, by case key: handed out and not yet
    /// reported, or not reached and not yet due to come back. Their ids,
    /// oldest first, and the newest one's agent. Few are held at a time
    /// (what agents hold), so they are read in one pass.
    pub fn held_cases(&self) -> Result<HashMap<String, Held>> {
        let mut stmt = self.conn.prepare(
            "SELECT case_key, id, agent FROM cases
             WHERE status = 'open' OR (status = 'retry' AND next_day > ?1) ORDER BY id",
        )?;
        let mut out: HashMap<String, Held> = HashMap::new();
        let mut rows = stmt.query(params![self.today])?;
        while let Some(r) = rows.next()? {
            let held = out.entry(r.get(0)?).or_default();
            held.ids.push(r.get(1)?);
            // the newest case's agent holds the buyer
            held.agent = r.get(2)?;
        }
        Ok(out)
    }

    /// The agent who last had a case of this buyer (or order), if any.
    fn last_agent(&self, case_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT agent FROM cases WHERE case_key = ?1 AND agent IS NOT NULL ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![case_key], |r| r.get(0))
            .optional()?)
    }

    /// Every buyer's (or order's) last agent at once: what `last_agent`
    /// answers key by key.
    fn last_agents(&self) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT case_key, agent FROM cases WHERE agent IS NOT NULL ORDER BY id")?;
        let mut out = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            // later cases overwrite earlier ones
            out.insert(r.get(0)?, r.get(1)?);
        }
        Ok(out)
    }

    /// Record how this run's cases ended up.
    /// `case(i)` describes case `i` of `n`; it is asked twice per case, so a
    /// million-case run never holds them all at once.
    pub fn record<'a>(&mut self, n: usize, case: impl Fn(usize) -> Handed<'a>) -> Result<()> {
        let tx = &self.conn;
        // index pages stay in memory while a big ledger is written (64 MiB at most)
        tx.pragma_update(None, "cache_size", -65536)?;
        // Cases that come back are updated first, while the indexes serve
        // the merges.
        let mut adding = 0;
        for h in (0..n).map(&case) {
            adding += h.fresh.len();
            let Some(id) = h.carried.first().copied() else {
                continue;
            };
            let (status, agent, level) = status_of(&h);
            for other in &h.carried[1..] {
                tx.prepare_cached("UPDATE reviews SET case_id = ?1 WHERE case_id = ?2")?
                    .execute(params![id, other])?;
                tx.prepare_cached("UPDATE cases SET status = 'merged' WHERE id = ?1")?
                    .execute(params![other])?;
            }
            // an escalated case keeps its count; a senior's list now holds it.
            // A buyer reported not called on today's list stays so when the
            // day is dealt again: tomorrow brings them back.
            tx.prepare_cached(
                "UPDATE cases SET tier = ?2,
                 status = CASE WHEN status = 'uncalled' AND assigned_day = ?8 AND ?3 = 'open' THEN 'uncalled' ELSE ?3 END,
                 agent = COALESCE(?4, agent), level = COALESCE(?5, level),
                 assigned_day = COALESCE(?6, assigned_day), assigned_run = COALESCE(?7, assigned_run), next_day = NULL
                 WHERE id = ?1",
            )?
            .execute(params![
                    id,
                    h.tier,
                    status,
                    agent,
                    level,
                    h.agent.map(|_| self.today.as_str()),
                    h.agent.map(|_| self.run_id),
                    self.today
                ])?;
        }
        let held: i64 = tx.query_row("SELECT COALESCE(MAX(rowid), 0) FROM reviews", [], |r| r.get(0))?;
        let bulk = adding as i64 > held.max(10_000);
        if bulk {
            // written in key order, indexes sorted afterwards: 32 MiB is as
            // fast, and leaves a million-row run more room under 1 GiB
            tx.pragma_update(None, "cache_size", -32768)?;
            for (name, _) in INDEXES {
                tx.execute_batch(&format!("DROP INDEX {name};"))?;
            }
        }
        let mut new_case = tx.prepare(
            "INSERT INTO cases (case_key, tier, status, agent, level, first_day, assigned_day, assigned_run, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        // the key as two halves: 32 bytes an entry instead of u128's aligned 48
        let mut fresh: Vec<((u64, u64), i64, &Review)> = Vec::with_capacity(adding);
        for h in (0..n).map(&case) {
            let case_id = match h.carried.first().copied() {
                Some(id) => id,
                None => {
                    let (status, agent, level) = status_of(&h);
                    new_case.execute(params![
                        h.case_key,
                        h.tier,
                        status,
                        agent,
                        level,
                        self.today,
                        h.agent.map(|_| self.today.as_str()),
                        h.agent.map(|_| self.run_id),
                        self.run_id
                    ])?;
                    tx.last_insert_rowid()
                }
            };
            fresh.extend(
                h.fresh
                    .iter()
                    .map(|&(key, r)| (((key >> 64) as u64, key as u64), case_id, r)),
            );
        }
        // Reviews go in by key, so the key index grows at its end instead of
        // splitting pages all over (a stable sort: with a key twice, the
        // first still wins, as in input order).
        fresh.sort_by_key(|&(key, _, _)| key);
        let mut new_review = tx.prepare(
            "INSERT OR IGNORE INTO reviews (review_key, case_id, order_id, text_hash, buyer, rating, created_at, item, text, follow_up, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for ((hi, lo), case_id, r) in fresh {
            new_review.execute(params![
                format!("{hi:016x}{lo:016x}"),
                case_id,
                r.order_id(),
                text_hash(r.text()),
                r.buyer(),
                r.rating.key(),
                r.created_at(),
                r.item(),
                r.text(),
                r.follow_up(),
                self.run_id
            ])?;
        }
        if bulk {
            // the outputs are mostly written by now: both cores sort the indexes
            tx.pragma_update(None, "threads", 2)?;
            create_indexes(tx)?;
        }
        Ok(())
    }

    /// Keep everything this run wrote.
    pub fn commit(self) -> Result<()> {
        self.conn
            .execute_batch("COMMIT")
            .with_context(|| format!("cannot save the ledger {}", self.path.display()))
    }
}

/// A case's status, agent and level as this run leaves it.
fn status_of<'a>(h: &Handed<'a>) -> (&'static str, Option<&'a str>, Option<&'a str>) {
    match h.agent {
        Some((a, l)) => ("open", Some(a), Some(l)),
        None => ("backlog", None, None),
    }
}

/// A review's key in the ledger: its 128-bit identity as hex.
pub fn review_key(r: &Review) -> String {
    key_text(r.identity())
}

/// A review identity as the ledger's key text.
pub fn key_text(identity: u128) -> String {
    format!("{identity:032x}")
}

fn text_hash(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = crate::text::stable_hasher();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What an agent wrote in the 结果 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Resolved,
    Unresolved,
    Unreached,
}

impl Outcome {
    /// Read a result cell; `Ok(None)` for an empty cell (not called yet).
    /// Agents write in their own words: the cell, or its part before the
    /// first comma or space (已解决，买家改了五星), is read.
    pub fn parse(s: &str) -> Result<Option<Outcome>, String> {
        let cell = s.trim();
        if cell.is_empty() {
            return Ok(None);
        }
        let head = cell
            .split(|c: char| c.is_whitespace() || "，,。.;；:：/（(".contains(c))
            .next()
            .unwrap_or("")
            .trim_end_matches(['了', '!', '！']);
        let word = |w: &str| match w.to_lowercase().as_str() {
            "已解决" | "已改评" | "解决" | "已处理" | "处理" | "已完成" | "完成" | "搞定" | "已改" | "改好评"
            | "已改好评" | "已修改" | "已删评" | "已追评" | "已退款" | "已补发" | "已换货" | "resolved" | "done" => {
                Some(Outcome::Resolved)
            }
            "未解决" | "没解决" | "不同意" | "不同意改评" | "拒绝" | "拒绝改评" | "不改" | "不改评" | "不肯改"
            | "不愿改" | "不愿意改" | "没改" | "未改" | "失败" | "unresolved" => Some(Outcome::Unresolved),
            "未接通" | "没接通" | "没接" | "未接" | "不接" | "拒接" | "无人接听" | "没人接" | "打不通" | "关机"
            | "停机" | "空号" | "占线" | "联系不上" | "已发消息" | "unreached" => {
                Some(Outcome::Unreached)
            }
            _ => None,
        };
        match word(cell.trim_end_matches(['了', '!', '！'])).or_else(|| word(head)) {
            Some(o) => Ok(Some(o)),
            None => Err(format!(
                "result `{cell}` is not one of 已解决, 已改评, 未解决, 未接通 (leave it empty if not called yet)"
            )),
        }
    }

    /// As agents write it in 结果.
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Resolved => "已解决",
            Outcome::Unresolved => "未解决",
            Outcome::Unreached => "未接通",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Unresolved => "unresolved",
            Outcome::Unreached => "unreached",
        }
    }
}

/// A call-list row whose result was left empty.
#[derive(Debug, Clone)]
pub struct Blank {
    pub source: String,
    pub order_id: String,
    /// The day its list was dealt, when the list says.
    pub day: Option<String>,
}

/// One result read from a call list.
#[derive(Debug, Clone)]
pub struct Reported {
    pub source: String,
    pub order_id: String,
    pub outcome: Outcome,
}

/// What `record` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub applied: usize,
    pub already: usize,
    pub resolved: usize,
    pub escalated: usize,
    pub retry: usize,
    /// Cases whose rows were left empty (not called): back the next day.
    pub uncalled: usize,
}

/// Apply reported results in one transaction: every error is collected and,
/// if there is any, nothing is applied.
pub fn record_outcomes(
    path: &Path,
    today: &str,
    reports: &[Reported],
    blanks: &[Blank],
    rules: FollowUp,
    full_levels: &[String],
) -> Result<Recorded> {
    if !path.exists() {
        bail!(
            "{}: no ledger here yet (it is made by the first triage run)",
            path.display()
        );
    }
    let mut conn = connect(path)?;
    migrate(&conn, path)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| busy_message(path, e))?;
    let mut problems = Vec::new();
    let mut done = Recorded::default();
    // what this batch said of each call, to name the row a conflict is with
    let mut said: HashMap<(i64, i64), &Reported> = HashMap::new();
    for rep in reports {
        let case: Option<HandedRow> = tx
            .query_row(
                "SELECT c.id, c.status, c.agent, c.level, c.assigned_run, c.unreached_since
                 FROM reviews r JOIN cases c ON c.id = r.case_id WHERE r.order_id = ?1 ORDER BY c.id DESC LIMIT 1",
                params![rep.order_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((case_id, _status, agent, level, assigned_run, since)) = case else {
            problems.push(format!("{}: order {} is not in the ledger", rep.source, rep.order_id));
            continue;
        };
        let Some(run) = assigned_run else {
            problems.push(format!("{}: order {} was never handed out", rep.source, rep.order_id));
            continue;
        };
        let before: Option<String> = tx
            .query_row(
                "SELECT result FROM outcomes WHERE case_id = ?1 AND assigned_run = ?2",
                params![case_id, run],
                |r| r.get(0),
            )
            .optional()?;
        match before {
            Some(r) if r == rep.outcome.key() => {
                done.already += 1;
                continue;
            }
            Some(r) => {
                problems.push(match said.get(&(case_id, run)) {
                    // two rows of one buyer's call (two orders) disagree
                    Some(first) => format!(
                        "{}: order {} says {} {}, but {} (order {}, the same buyer's call) says {} {}; one call has one result",
                        rep.source,
                        rep.order_id,
                        rep.outcome.key(),
                        rep.outcome.zh(),
                        first.source,
                        first.order_id,
                        first.outcome.key(),
                        first.outcome.zh()
                    ),
                    None => format!(
                        "{}: order {} was already recorded as {r} for this call",
                        rep.source, rep.order_id
                    ),
                });
                continue;
            }
            None => {}
        }
        said.insert((case_id, run), rep);
        tx.execute(
            "INSERT INTO outcomes (case_id, assigned_run, result, agent, day, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![case_id, run, rep.outcome.key(), agent, today, rep.source],
        )?;
        done.applied += 1;
        let senior = level.as_ref().is_some_and(|l| full_levels.contains(l));
        match rep.outcome {
            Outcome::Resolved => {
                tx.execute("UPDATE cases SET status = 'resolved' WHERE id = ?1", params![case_id])?;
                done.resolved += 1;
            }
            Outcome::Unresolved if !senior => {
                tx.execute(
                    "UPDATE cases SET status = 'escalate', escalations = escalations + 1 WHERE id = ?1",
                    params![case_id],
                )?;
                done.escalated += 1;
            }
            Outcome::Unresolved | Outcome::Unreached => {
                let next = add_days(today, rules.retry_after_days);
                let since = if rep.outcome == Outcome::Unreached {
                    since.unwrap_or_else(|| today.to_string())
                } else {
                    since.unwrap_or_default()
                };
                tx.execute(
                    "UPDATE cases SET status = 'retry', next_day = ?2, unreached_since = NULLIF(?3, '') WHERE id = ?1",
                    params![case_id, next, since],
                )?;
                done.retry += 1;
            }
        }
    }
    // Rows left empty on a list that was handed in: those buyers were not
    // called. A case still open (no other row of its call gave a result)
    // comes back the next day.
    let mut uncalled: Vec<i64> = Vec::new();
    for blank in blanks {
        let case: Option<(i64, String, Option<String>)> = tx
            .query_row(
                "SELECT c.id, c.status, c.assigned_day
                 FROM reviews r JOIN cases c ON c.id = r.case_id WHERE r.order_id = ?1 ORDER BY c.id DESC LIMIT 1",
                params![blank.order_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match case {
            None => problems.push(format!(
                "{}: order {} is not in the ledger",
                blank.source, blank.order_id
            )),
            Some((_, _, None)) => problems.push(format!(
                "{}: order {} was never handed out",
                blank.source, blank.order_id
            )),
            // an older list: the buyer has been dealt again since, and that
            // later list speaks for them
            Some((_, _, Some(dealt))) if blank.day.as_ref().is_some_and(|d| *d != dealt) => {}
            Some((id, status, Some(_))) if status == "open" => uncalled.push(id),
            Some(_) => {}
        }
    }
    uncalled.sort_unstable();
    uncalled.dedup();
    for id in &uncalled {
        tx.execute("UPDATE cases SET status = 'uncalled' WHERE id = ?1", params![id])?;
    }
    done.uncalled = uncalled.len();
    if !problems.is_empty() {
        bail!(
            "nothing recorded; fix these and run again:\n  {}",
            problems.join("\n  ")
        );
    }
    tx.commit()?;
    Ok(done)
}

/// Where every case stands, for `triage status`.
#[derive(Debug, Default, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Status {
    pub today: String,
    /// Open cases per agent and tier.
    pub open: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
    pub open_total: usize,
    pub backlog: usize,
    pub escalations: usize,
    pub retry: usize,
    /// On a recorded list with the result left empty: back on the next run.
    pub not_called: usize,
    pub resolved_today: usize,
    pub resolved_week: usize,
    /// The open case handed out longest ago: (agent, assigned day, case key).
    pub oldest_open: Option<(String, String, String)>,
}

/// Read where every case stands.
pub fn status(path: &Path, today: &str) -> Result<Status> {
    if !path.exists() {
        bail!(
            "{}: no ledger here yet (it is made by the first triage run)",
            path.display()
        );
    }
    let conn = connect(path)?;
    migrate(&conn, path)?;
    let mut s = Status {
        today: today.to_string(),
        ..Status::default()
    };
    let mut stmt =
        conn.prepare("SELECT agent, tier, COUNT(*) FROM cases WHERE status = 'open' GROUP BY agent, tier")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
    })?;
    for row in rows {
        let (agent, tier, n) = row?;
        *s.open.entry(agent).or_default().entry(tier).or_default() += n as usize;
        s.open_total += n as usize;
    }
    let count = |sql: &str| -> Result<usize> { Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as usize) };
    s.backlog = count("SELECT COUNT(*) FROM cases WHERE status = 'backlog'")?;
    s.escalations = count("SELECT COUNT(*) FROM cases WHERE status = 'escalate'")?;
    s.retry = count("SELECT COUNT(*) FROM cases WHERE status = 'retry'")?;
    s.not_called = count("SELECT COUNT(*) FROM cases WHERE status = 'uncalled'")?;
    let week_start = add_days(today, -6);
    s.resolved_today = conn.query_row(
        "SELECT COUNT(*) FROM outcomes WHERE result = 'resolved' AND day = ?1",
        params![today],
        |r| r.get::<_, i64>(0),
    )? as usize;
    s.resolved_week = conn.query_row(
        "SELECT COUNT(*) FROM outcomes WHERE result = 'resolved' AND day >= ?1 AND day <= ?2",
        params![week_start, today],
        |r| r.get::<_, i64>(0),
    )? as usize;
    s.oldest_open = conn
        .query_row(
            "SELECT agent, assigned_day, case_key FROM cases WHERE status = 'open' ORDER BY assigned_day, id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(s)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian).
fn day_number(date: &str) -> Option<i64> {
    let mut it = date.get(..10)?.split('-');
    let (y, m, d): (i64, i64, i64) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The `YYYY-MM-DD` date of a day number.
fn date_of(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `date` plus `days`.
pub fn add_days(date: &str, days: i64) -> String {
    day_number(date).map_or_else(|| date.to_string(), |n| date_of(n + days))
}

/// Whole days from `a` to `b`.
pub fn days_between(a: &str, b: &str) -> i64 {
    match (day_number(a), day_number(b)) {
        (Some(x), Some(y)) => y - x,
        _ => 0,
    }
}

/// Today's date in UTC+8 (China Standard Time), as `YYYY-MM-DD`.
pub fn today_china() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    date_of((secs + 8 * 3600).div_euclid(86_400))
}

/// Check a `--today` value.
pub fn valid_date(s: &str) -> bool {
    s.len() == 10 && day_number(s).is_some_and(|n| date_of(n) == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(add_days("2026-11-30", 1), "2026-12-01");
        assert_eq!(add_days("2024-02-28", 1), "2024-02-29");
        assert_eq!(add_days("2026-01-01", -1), "2025-12-31");
        assert_eq!(days_between("2026-11-20", "2026-11-24"), 4);
        assert!(valid_date("2026-11-24"));
        assert!(!valid_date("2026-02-30"));
        assert!(!valid_date("24/11/2026"));
    }

    fn review(n: usize) -> Review {
        Review::new(
            0,
            n as u64 + 2,
            Rating::Low,
            ReviewFields {
                order_id: &format!("{:018}", 500_000_000_000_000_000u64 + n as u64),
                buyer: &format!("buyer{n}"),
                created_at: "2026-11-20 10:00:00",
                item: "保温杯",
                text: "快递太慢了，等了一个星期",
                follow_up: "",
            },
        )
    }

    /// A ledger where `first` reviews were recorded one day and `then` more
    /// the next: one case per review, every other one handed to an agent.
    fn ledger_with(dir: &Path, first: usize, then: usize) -> (Ledger, Vec<Review>) {
        let reviews: Vec<Review> = (0..first + then).map(review).collect();
        let keys: Vec<String> = reviews.iter().map(|r| format!("buyer:{}", r.buyer())).collect();
        let path = dir.join("triage.db");
        for (day, range) in [("2026-11-20", 0..first), ("2026-11-21", first..first + then)] {
            let mut l = Ledger::open(&path, day, "test.csv").unwrap();
            l.record(range.len(), |j| {
                let i = range.start + j;
                Handed {
                    carried: vec![],
                    case_key: &keys[i],
                    tier: "courier",
                    agent: (i % 2 == 0).then_some(("小王", "junior")),
                    fresh: vec![(reviews[i].identity(), &reviews[i])],
                }
            })
            .unwrap();
            l.commit().unwrap();
        }
        (Ledger::open(&path, "2026-11-22", "test.csv").unwrap(), reviews)
    }

    #[test]
    fn a_big_first_run_is_recorded_like_small_ones() {
        // 12,000 reviews into an empty ledger take the bulk path (indexes
        // dropped and built again); 30 + 30 do not. Both must answer alike.
        let (big_dir, small_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (big, reviews) = ledger_with(big_dir.path(), 12_000, 30);
        let (small, _) = ledger_with(small_dir.path(), 30, 30);
        let indexes = |l: &Ledger| -> Vec<String> {
            let mut s = l
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
                .unwrap();
            s.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(
            indexes(&big),
            ["cases_key", "cases_status", "reviews_case", "reviews_order"]
        );
        assert_eq!(indexes(&big), indexes(&small));
        for i in [0, 1, 29, 11_999, 12_029] {
            let known = big.known(&review_key(&reviews[i])).unwrap().expect("recorded");
            assert_eq!(known.case_id, i as i64 + 1, "review {i}");
            let status = if i % 2 == 0 { "open" } else { "backlog" };
            assert_eq!(known.status, status, "review {i}");
        }
        assert_eq!(big.last_agent("buyer:buyer11998").unwrap().as_deref(), Some("小王"));
        // one pass answers as the lookups do, for reviews held and not
        let stranger = review(99_999);
        let asked: Vec<&Review> = [0, 1, 11_999, 12_029]
            .iter()
            .map(|&i| &reviews[i])
            .chain([&stranger])
            .collect();
        let all = big.known_among(&|k| asked.iter().any(|r| r.identity() == k)).unwrap();
        assert_eq!(all.len(), 4);
        for r in asked {
            let one = big.known(&review_key(r)).unwrap().map(|k| k.agent);
            assert_eq!(all.get(&r.identity()).cloned(), one, "{}", r.buyer());
        }
        let backlog = big.carried(FollowUp::default(), &|_| false).unwrap();
        assert_eq!(backlog.len(), 6_015);
        assert_eq!(backlog[0].reviews[0].1.text(), "快递太慢了，等了一个星期");
        // reviews read again today are named, not loaded
        let again = reviews[1].identity();
        let named = big.carried(FollowUp::default(), &|k| k == again).unwrap();
        assert!(named[0].reviews.is_empty());
        assert_eq!(named[0].in_hand, [again]);
        let plan: String = big
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT case_id FROM reviews WHERE order_id = '500000000000000007'",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("reviews_order"), "{plan}");
    }

    #[test]
    fn a_big_rerun_reads_the_ledger_in_one_pass_with_the_same_answers() {
        let dir = tempfile::tempdir().unwrap();
        let (l, _) = ledger_with(dir.path(), 3_000, 40);
        let show = |cases: Vec<CarriedCase>| -> Vec<(i64, Vec<String>)> {
            cases
                .into_iter()
                .map(|c| {
                    (
                        c.id,
                        c.reviews
                            .into_iter()
                            .map(|(k, r)| format!("{k} {}", r.buyer()))
                            .chain(c.in_hand.into_iter().map(|k| format!("{k} -")))
                            .collect(),
                    )
                })
                .collect()
        };
        // one review of the backlog is read again today
        let again = review(3).identity();
        let in_hand = |k: u128| k == again;
        let whole = show(l.carried_reading(FollowUp::default(), &in_hand, Some(true)).unwrap());
        let by_case = show(l.carried_reading(FollowUp::default(), &in_hand, Some(false)).unwrap());
        assert_eq!(whole.len(), 1_520);
        assert!(whole.iter().all(|(_, reviews)| reviews.len() == 1));
        assert_eq!(whole, by_case);
        assert_eq!(whole[1].1, [format!("{again} -")]);
        assert_eq!(whole[0].1, [format!("{} buyer1", review(1).identity())]);
        let all = l.last_agents().unwrap();
        assert_eq!(all.len(), 1_520);
        for i in [0, 1, 2, 2_998, 3_038, 3_039] {
            let key = format!("buyer:buyer{i}");
            assert_eq!(all.get(&key).cloned(), l.last_agent(&key).unwrap(), "{key}");
        }
        // a few keys are asked one by one, and answer as the one pass does
        let few = ["buyer:buyer0", "buyer:buyer1", "buyer:nobody"];
        let asked = l.last_agents_of(&few).unwrap();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked.get("buyer:buyer0"), all.get("buyer:buyer0"));
        let ids: Vec<u128> = [0, 1, 99_999].iter().map(|&i| review(i).identity()).collect();
        let handed = l.handed_before(&ids).unwrap();
        let all = l.known_among(&|k| ids.contains(&k)).unwrap();
        assert_eq!(handed, all);
        assert_eq!(handed.len(), 2);
    }

    #[test]
    fn every_reference_in_the_ledger_holds() {
        let dir = tempfile::tempdir().unwrap();
        let (mut l, reviews) = ledger_with(dir.path(), 30, 30);
        // a third run merges two backlog cases and adds a review to the first
        let backlog: Vec<i64> = l
            .carried(FollowUp::default(), &|_| false)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let new = review(60);
        l.record(1, |_| Handed {
            carried: backlog[..2].to_vec(),
            case_key: "buyer:buyer1",
            tier: "service",
            agent: Some(("老李", "senior")),
            fresh: vec![(new.identity(), &new)],
        })
        .unwrap();
        let broken = |l: &Ledger| -> usize {
            let mut s = l.conn.prepare("PRAGMA foreign_key_check").unwrap();
            s.query_map([], |_| Ok(())).unwrap().count()
        };
        assert_eq!(broken(&l), 0);
        let merged = l
            .known(&review_key(&reviews[backlog[1] as usize - 1]))
            .unwrap()
            .unwrap();
        assert_eq!(merged.case_id, backlog[0]);
        // and the check sees a review whose case is missing
        l.conn
            .execute("UPDATE reviews SET case_id = 999999 WHERE rowid = 1", [])
            .unwrap();
        assert_eq!(broken(&l), 1);
    }

    #[test]
    fn results_as_agents_write_them() {
        assert_eq!(Outcome::parse(" 已改评 "), Ok(Some(Outcome::Resolved)));
        assert_eq!(Outcome::parse("已解决，买家改了五星"), Ok(Some(Outcome::Resolved)));
        assert_eq!(Outcome::parse("搞定了"), Ok(Some(Outcome::Resolved)));
        assert_eq!(Outcome::parse("拒接"), Ok(Some(Outcome::Unreached)));
        assert_eq!(Outcome::parse("关机 明天再打"), Ok(Some(Outcome::Unreached)));
        assert_eq!(Outcome::parse("不同意改评"), Ok(Some(Outcome::Unresolved)));
        assert_eq!(
            Outcome::parse("下午再说"),
            Err(
                "result `下午再说` is not one of 已解决, 已改评, 未解决, 未接通 (leave it empty if not called yet)"
                    .into()
            )
        );
        assert_eq!(Outcome::parse("不同意，说要投诉"), Ok(Some(Outcome::Unresolved)));
        // a result that only starts like a known word is not taken for it
        assert!(Outcome::parse("解决不了").is_err());
        assert_eq!(Outcome::parse("未接通"), Ok(Some(Outcome::Unreached)));
        assert_eq!(Outcome::parse(""), Ok(None));
        assert!(Outcome::parse("打了").is_err());
    }
}
