//! Poll definitions and their running counts, kept in memory so that reading a poll or its
//! results never touches the database.
//!
//! The database stays the source of truth: everything here is loaded from it on start, updated
//! by the writer after each durable commit, and — when several servers share a PostgreSQL
//! database — reloaded from it when another server says it changed something (see
//! [`listen`](super::listen)).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use anyhow::Context as _;
use baraza_core::{Ballot, OptionId, Poll, PollTally, Slug};

use super::engine::{Engine, with_pool};

/// One poll and its counts.
#[derive(Debug)]
pub(crate) struct LivePoll {
    pub(crate) poll: Arc<Poll>,
    tally: Mutex<PollTally>,
    /// Whether its ballots need a voucher code (a channel setting, reloaded with the poll).
    pub(crate) voucher_required: bool,
}

impl LivePoll {
    /// A copy of the current counts.
    pub(crate) fn tally(&self) -> PollTally {
        self.tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Every poll the server knows, by slug.
#[derive(Debug, Default)]
pub(crate) struct LivePolls {
    polls: RwLock<HashMap<Slug, Arc<LivePoll>>>,
}

impl LivePolls {
    /// Every poll in memory.
    pub(crate) fn all(&self) -> Vec<Arc<Poll>> {
        self.polls
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(|live| Arc::clone(&live.poll))
            .collect()
    }

    pub(crate) fn get(&self, slug: &Slug) -> Option<Arc<LivePoll>> {
        self.polls
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .cloned()
    }

    /// Puts `poll` with `tally` in place of whatever was known under its slug. Only the writer
    /// task calls this for polls that may already be in memory (see
    /// [`ReloadRequest`](super::writer::ReloadRequest) for why).
    pub(crate) fn replace(&self, loaded: Loaded) -> Arc<LivePoll> {
        let live = Arc::new(loaded.into_live());
        self.polls
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(live.poll.slug().clone(), Arc::clone(&live));
        live
    }

    /// Loads one poll that is not in memory yet (a request for a slug this server has not seen);
    /// if it arrived meanwhile, what is in memory stays.
    pub(crate) async fn load_missing(
        &self,
        engine: &Engine,
        slug: &Slug,
    ) -> anyhow::Result<Option<Arc<LivePoll>>> {
        let Some(loaded) = load(engine, Some(slug)).await?.pop() else {
            return Ok(None);
        };
        let mut polls = self.polls.write().unwrap_or_else(PoisonError::into_inner);
        let live = polls
            .entry(slug.clone())
            .or_insert_with(|| Arc::new(loaded.into_live()));
        Ok(Some(Arc::clone(live)))
    }

    fn remove(&self, slug: &Slug) {
        self.polls
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(slug);
    }

    /// Counts a ballot that has just been committed.
    pub(crate) fn record(&self, ballot: &Ballot) {
        let Some(live) = self.get(ballot.poll()) else {
            // Not loaded (yet): the next load reads the committed counts from the database.
            return;
        };
        let mut tally = live.tally.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(error) = tally.record(ballot) {
            // The definition changed under the ballot (another server edited it). The database
            // has the ballot; the next reload of this poll brings the counts back in line.
            tracing::warn!(poll = %ballot.poll(), %error, "a committed ballot does not fit the poll in memory");
        }
    }

    /// Reads one poll and its counts from the database into memory; `None` (and forgotten
    /// here) when it does not exist.
    pub(crate) async fn reload(
        &self,
        engine: &Engine,
        slug: &Slug,
    ) -> anyhow::Result<Option<Arc<LivePoll>>> {
        let mut loaded = load(engine, Some(slug)).await?;
        match loaded.pop() {
            Some(one) => Ok(Some(self.replace(one))),
            None => {
                self.remove(slug);
                Ok(None)
            }
        }
    }

    /// Reads every poll and its counts from the database, replacing what is in memory.
    pub(crate) async fn reload_all(&self, engine: &Engine) -> anyhow::Result<()> {
        let loaded = load(engine, None).await?;
        let fresh: HashMap<Slug, Arc<LivePoll>> = loaded
            .into_iter()
            .map(|one| {
                let live = Arc::new(one.into_live());
                (live.poll.slug().clone(), live)
            })
            .collect();
        *self.polls.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        Ok(())
    }
}

/// One poll as read from the database.
pub(crate) struct Loaded {
    poll: Poll,
    tally: PollTally,
    voucher_required: bool,
}

impl Loaded {
    fn into_live(self) -> LivePoll {
        LivePoll {
            poll: Arc::new(self.poll),
            tally: Mutex::new(self.tally),
            voucher_required: self.voucher_required,
        }
    }
}

/// Polls with their running counts, read in one statement so the definition, the total, the
/// per-option counts and a score poll's distributions come from one snapshot on both engines.
/// `only` limits it to one poll.
async fn load(engine: &Engine, only: Option<&Slug>) -> anyhow::Result<Vec<Loaded>> {
    // The first part gives a poll's row (and one per option count); the second, after it in
    // the order, the poll's (option, score) distribution rows; the third its rankings (the
    // ranking's JSON in the option column).
    let select = |filter: &str, score_filter: &str, ranking_filter: &str| {
        format!(
            "SELECT p.slug, p.definition, p.ballot_count, c.option_id, c.ballots, \
             CAST(NULL AS INTEGER) AS score, ch.voucher_required, 0 AS row_kind FROM polls p \
             LEFT JOIN poll_option_counts c ON c.poll_slug = p.slug \
             LEFT JOIN poll_channels ch ON ch.poll_slug = p.slug {filter} \
             UNION ALL \
             SELECT s.poll_slug, '', 0, s.option_id, s.ballots, s.score, NULL, 1 \
             FROM poll_score_counts s {score_filter} \
             UNION ALL \
             SELECT r.poll_slug, '', 0, r.ranking, r.ballots, NULL, NULL, 2 \
             FROM poll_ranking_counts r {ranking_filter} \
             ORDER BY 1, 8"
        )
    };
    let rows = with_pool!(engine, pool => {
        match only {
            Some(slug) => {
                sqlx::query(&select(
                    "WHERE p.slug = $1",
                    "WHERE s.poll_slug = $1",
                    "WHERE r.poll_slug = $1",
                ))
                    .bind(slug.as_str())
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(PollCountRow::read)
                    .collect::<anyhow::Result<Vec<_>>>()?
            }
            None => sqlx::query(&select("", "", ""))
                .fetch_all(pool)
                .await?
                .iter()
                .map(PollCountRow::read)
                .collect::<anyhow::Result<Vec<_>>>()?,
        }
    });
    let mut polls = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while let Some(first) = rows.next() {
        let mut counts = Vec::new();
        let mut score_counts = Vec::new();
        let mut ranking_counts = Vec::new();
        let mut push = |row: &PollCountRow| -> anyhow::Result<()> {
            if let (Some(option), Some(ballots)) = (&row.option_id, row.option_ballots) {
                let ballots = u64::try_from(ballots)?;
                if row.row_kind == 2 {
                    let ranking: Vec<String> = serde_json::from_str(option)
                        .context("a stored ranking is not a JSON list")?;
                    let ranking = ranking
                        .into_iter()
                        .map(OptionId::parse)
                        .collect::<Result<Vec<_>, _>>()?;
                    ranking_counts.push((ranking, ballots));
                    return Ok(());
                }
                let option = OptionId::parse(option.clone())?;
                match row.score {
                    Some(score) => score_counts.push((option, score, ballots)),
                    None => counts.push((option, ballots)),
                }
            }
            Ok(())
        };
        push(&first)?;
        while let Some(row) = rows.next_if(|row| row.slug == first.slug) {
            push(&row)?;
        }
        if first.row_kind != 0 {
            // Distributions of a poll that is not there (cannot happen with the foreign key).
            continue;
        }
        let poll: Poll = match serde_json::from_str(&first.definition) {
            Ok(poll) => poll,
            Err(error) => {
                // One damaged row must not keep every other poll offline; it answers 404.
                tracing::error!(poll = %first.slug, %error, "a stored poll definition is invalid; it is not served");
                continue;
            }
        };
        let tally = PollTally::from_counts(&poll, u64::try_from(first.total)?, &counts)
            .and_then(|tally| tally.with_score_counts(&score_counts))
            .and_then(|tally| tally.with_ranking_counts(&ranking_counts))
            .with_context(|| {
                format!(
                    "stored running counts of poll {} are inconsistent",
                    first.slug
                )
            })?;
        polls.push(Loaded {
            poll,
            tally,
            voucher_required: first.voucher_required.unwrap_or(false),
        });
    }
    Ok(polls)
}

/// One row of [`load`]'s join.
struct PollCountRow {
    slug: String,
    definition: String,
    total: i64,
    option_id: Option<String>,
    option_ballots: Option<i64>,
    /// The score of a distribution row; `None` on a poll's own rows.
    score: Option<i32>,
    voucher_required: Option<bool>,
    /// 0 for a poll's rows, 1 for its distribution rows, 2 for its rankings.
    row_kind: i32,
}

impl PollCountRow {
    fn read<R>(row: &R) -> anyhow::Result<Self>
    where
        R: sqlx::Row,
        for<'a> &'a str: sqlx::ColumnIndex<R>,
        String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        i32: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        bool: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(Self {
            slug: row.try_get("slug")?,
            definition: row.try_get("definition")?,
            total: row.try_get("ballot_count")?,
            option_id: row.try_get("option_id")?,
            option_ballots: row.try_get("ballots")?,
            score: row.try_get("score")?,
            voucher_required: row.try_get("voucher_required")?,
            row_kind: row.try_get("row_kind")?,
        })
    }
}
