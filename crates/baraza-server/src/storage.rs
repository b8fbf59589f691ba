//! Persistence: one [`Database`] handle over SQLite or PostgreSQL.
//!
//! - [`engine`]: the two engines, their migrations (`migrations/sqlite`, `migrations/postgres`:
//!   the same tables on both) and the `with_pool!` macro that runs one query text on either.
//! - [`writer`]: every citizen submission goes through one bounded queue to one writer that
//!   commits them in groups and acknowledges each after its group's durable commit.
//! - [`live`]: poll definitions and running counts kept in memory; reading a poll or its results
//!   touches no database.
//! - [`feedback`]: feedback forms, and their results counted from the stored responses.
//! - [`consultations`]: consultation documents, with comments, reactions and reports as rows
//!   put back together and checked by the core on each read; moderation and official answers.
//! - [`listen`]: with PostgreSQL, servers sharing the database tell each other what changed.
//! - [`staff`]: organisations, staff accounts and roles, admin API tokens, site sessions,
//!   sign-in throttling and the audit log (staff writes, straight through the pool).
//! - [`organisation_polls`]: polls owned by organisations, and streamed ballot exports.
//!
//! The database is the source of truth throughout: memory is loaded from it on start and
//! [`Database::recount`] audits the running counts against the stored ballots.

use std::sync::Arc;

use anyhow::Context as _;
use baraza_core::score::RatingSubmission;
use baraza_core::{Ballot, Poll, PollTally, Slug};
use futures_util::TryStreamExt as _;
use sqlx::Row as _;
use time::OffsetDateTime;

mod channels;
mod consultations;
mod embedding;
mod engine;
mod feedback;
mod idempotency;
pub mod listen;
mod live;
mod load_test;
mod members;
pub mod organisation_consultations;
mod organisation_feedback;
pub mod organisation_polls;
mod phone_routes;
pub mod staff;
mod tokens;
mod vouchers;
mod writer;

pub use channels::{Channel, PollChannels, SetChannelsError};
pub(crate) use consultations::wire_name;
pub use consultations::{
    ConsultationChangeError, ConsultationWrite, OFFICIAL_AUTHOR, StoredConsultation,
};
pub use embedding::OrganisationSettings;
pub use engine::EngineKind;
pub use feedback::StoredFeedbackResponse;
pub use idempotency::{IDEMPOTENCY_RECORD_LIFETIME, RecordedResponse};
pub use members::{MemberChangeError, OrganisationMember};
pub use organisation_consultations::ConsultationQueue;
pub use organisation_polls::{CreatePollError, ExportedBallot};
pub use phone_routes::{FeedbackFormChannels, PhoneRoute};
pub use staff::{
    Actor, AuditEntry, AuditPage, FailureKey, InvalidEmail, Membership, Role, StaffEmail,
    StaffSession, StaffUser, TokenCaller, UnknownRole,
};
pub use tokens::TokenSummary;
pub use vouchers::VoucherCounts;
pub use writer::{Stored, Submission, SubmitError, WriterConfig};

use engine::{Engine, with_pool};
use live::LivePolls;

/// Handle to the database; cheap to clone (clones share one writer and one in-memory state).
#[derive(Debug, Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: Engine,
    live: Arc<LivePolls>,
    writer: writer::WriterHandle,
    /// Requests with an idempotency key being handled right now (see [`crate::idempotency`]);
    /// here so every router and handler sharing this database shares it.
    in_flight_keys: Arc<crate::idempotency::InFlightKeys>,
    /// Recent wrong voucher codes by poll and sender (see [`crate::vouchers::WrongCodes`]).
    wrong_codes: crate::vouchers::WrongCodes,
    /// Which origins may embed each organisation's instruments (see [`embedding`]).
    embedding: Arc<embedding::EmbeddingOrigins>,
    _background: Vec<BackgroundTask>,
}

/// A task that lives as long as the database handle: aborted when the last clone is dropped.
#[derive(Debug)]
pub(crate) struct BackgroundTask(tokio::task::AbortHandle);

impl Drop for BackgroundTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Database {
    /// Opens (creating if needed) and migrates the database at `url` — `postgres://USER@HOST/DB`,
    /// `sqlite:PATH` or a plain SQLite file path — loads its polls and counts into memory, and
    /// starts its writer. Must be called inside a Tokio runtime.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(url, &WriterConfig::default()).await
    }

    /// [`Database::connect`] with the write path's sizes and limits.
    pub async fn connect_with(url: &str, config: &WriterConfig) -> anyhow::Result<Self> {
        let engine = Engine::connect(url).await?;
        let live = Arc::new(LivePolls::default());
        live.reload_all(&engine)
            .await
            .context("cannot load the polls into memory")?;
        let writer = writer::WriterHandle::spawn(engine.clone(), Arc::clone(&live), config);
        let writer_for_listener = writer.clone();
        let mut background = vec![match &engine {
            Engine::Postgres(pool) => listen::spawn(pool.clone(), writer_for_listener),
            Engine::Sqlite(pool) => engine::spawn_checkpointer(pool.clone()),
        }];
        background.push(idempotency::spawn_purger(engine.clone()));
        let embedding = Arc::new(embedding::EmbeddingOrigins::default());
        embedding.replace(
            embedding::load(&engine)
                .await
                .context("cannot load the organisations' allowed origins")?,
        );
        background.push(embedding::spawn_refresher(
            engine.clone(),
            Arc::clone(&embedding),
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                engine,
                live,
                writer,
                in_flight_keys: Arc::default(),
                wrong_codes: crate::vouchers::WrongCodes::default(),
                embedding,
                _background: background,
            }),
        })
    }

    pub(crate) fn in_flight_keys(&self) -> &Arc<crate::idempotency::InFlightKeys> {
        &self.inner.in_flight_keys
    }

    /// Recent wrong voucher codes, shared by every router and handler on this database.
    pub(crate) fn wrong_codes(&self) -> &crate::vouchers::WrongCodes {
        &self.inner.wrong_codes
    }

    /// The engine this database runs on.
    pub fn engine(&self) -> EngineKind {
        self.inner.engine.kind()
    }

    /// The poll with this slug, including drafts. Served from memory; a slug not in memory is
    /// looked up in the database once (another server may have just created it).
    pub async fn poll(&self, slug: &Slug) -> anyhow::Result<Option<Arc<Poll>>> {
        if let Some(live) = self.inner.live.get(slug) {
            return Ok(Some(Arc::clone(&live.poll)));
        }
        Ok(self
            .inner
            .live
            .load_missing(&self.inner.engine, slug)
            .await?
            .map(|live| Arc::clone(&live.poll)))
    }

    /// Whether ballots of `slug` need a voucher code (from memory; `false` for an unknown poll).
    pub async fn voucher_required(&self, slug: &Slug) -> anyhow::Result<bool> {
        if let Some(live) = self.inner.live.get(slug) {
            return Ok(live.voucher_required);
        }
        Ok(self
            .inner
            .live
            .load_missing(&self.inner.engine, slug)
            .await?
            .is_some_and(|live| live.voucher_required))
    }

    /// Stores `poll`, replacing an existing definition with the same slug, and tells the other
    /// servers sharing a PostgreSQL database to reload it.
    pub async fn save_poll(&self, poll: &Poll, now: OffsetDateTime) -> anyhow::Result<()> {
        let definition = serde_json::to_string(poll)?;
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            sqlx::query(
                "INSERT INTO polls (slug, definition, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition",
            )
            .bind(poll.slug().as_str())
            .bind(&definition)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
            if self.engine() == EngineKind::Postgres {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(writer::CHANGES_CHANNEL)
                    .bind(format!("poll:{}", poll.slug()))
                    .execute(&mut *transaction)
                    .await?;
            }
            transaction.commit().await?;
        });
        self.inner
            .writer
            .reload(Some(poll.slug().clone()))
            .await
            .context("cannot load the saved poll")?;
        Ok(())
    }

    /// How many polls exist.
    pub async fn poll_count(&self) -> anyhow::Result<i64> {
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM polls").fetch_one(pool).await?
        }))
    }

    /// Queues a validated submission for the writer and returns once it is durably stored (or
    /// refused).
    pub async fn submit(&self, submission: Submission) -> Result<Stored, SubmitError> {
        self.inner.writer.submit(submission).await
    }

    /// Stores a validated ballot from the web (through the writer) and returns once it is
    /// durably committed.
    pub async fn insert_ballot(
        &self,
        ballot: Ballot,
        now: OffsetDateTime,
    ) -> Result<(), SubmitError> {
        self.insert_ballot_via(ballot, now, Channel::Web).await
    }

    /// [`Database::insert_ballot`] for a ballot that came by `channel`.
    pub async fn insert_ballot_via(
        &self,
        ballot: Ballot,
        now: OffsetDateTime,
        channel: Channel,
    ) -> Result<(), SubmitError> {
        self.insert_ballot_with_voucher(ballot, now, channel, None)
            .await
    }

    /// [`Database::insert_ballot_via`] for a ballot carrying a voucher code (its keyed hash),
    /// spent in the same transaction: refused with [`SubmitError::VoucherUnknown`] or
    /// [`SubmitError::VoucherUsed`] when it cannot be.
    pub async fn insert_ballot_with_voucher(
        &self,
        ballot: Ballot,
        now: OffsetDateTime,
        channel: Channel,
        voucher: Option<String>,
    ) -> Result<(), SubmitError> {
        self.submit(Submission::Ballot {
            ballot,
            submitted_at: now,
            channel,
            voucher,
        })
        .await
        .map(drop)
    }

    /// The current results of `poll`, from memory: no database access, whatever the number of
    /// ballots.
    pub fn tally(&self, poll: &Poll) -> anyhow::Result<PollTally> {
        let live = self
            .inner
            .live
            .get(poll.slug())
            .with_context(|| format!("poll {} is not loaded", poll.slug()))?;
        Ok(live.tally())
    }

    /// The running counts as stored in the database (not memory): what a restart would load.
    pub async fn stored_tally(&self, poll: &Slug) -> anyhow::Result<Option<PollTally>> {
        let fresh = LivePolls::default();
        Ok(fresh
            .reload(&self.inner.engine, poll)
            .await?
            .map(|live| live.tally()))
    }

    /// Counts every stored ballot of `poll` from scratch, streaming rows so memory stays flat:
    /// the audit of the running counts.
    pub async fn recount(&self, poll: &Poll) -> anyhow::Result<PollTally> {
        let mut tally = PollTally::new(poll);
        with_pool!(&self.inner.engine, pool => {
            let mut rows = sqlx::query(
                "SELECT voter_token, selections, scores FROM ballots WHERE poll_slug = $1 \
                 ORDER BY id",
            )
            .bind(poll.slug().as_str())
            .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                let voter: String = row.try_get("voter_token")?;
                let selections: String = row.try_get("selections")?;
                let selections: Vec<String> = serde_json::from_str(&selections)?;
                let scores: Option<String> = row.try_get("scores")?;
                let checked = match scores {
                    Some(scores) => {
                        let scores: Vec<i64> = serde_json::from_str(&scores)?;
                        anyhow::ensure!(
                            scores.len() == selections.len(),
                            "a stored ballot of poll {} has {} scores for {} ratings",
                            poll.slug(),
                            scores.len(),
                            selections.len()
                        );
                        let ratings: Vec<RatingSubmission> = selections
                            .into_iter()
                            .zip(scores)
                            .map(|(option, score)| RatingSubmission { option, score })
                            .collect();
                        poll.check_rated_ballot(&ratings, &voter)
                    }
                    None => poll.check_ballot(&selections, &voter),
                };
                let ballot = checked.map_err(|e| {
                    anyhow::anyhow!("stored ballot of poll {} no longer fits it: {e}", poll.slug())
                })?;
                tally.record(&ballot)?;
            }
        });
        Ok(tally)
    }

    /// The selections of every ballot in `poll`, oldest first (for exports and tests).
    pub async fn ballot_selections(&self, poll: &Slug) -> anyhow::Result<Vec<Vec<String>>> {
        let stored: Vec<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT selections FROM ballots WHERE poll_slug = $1 ORDER BY id")
                .bind(poll.as_str())
                .fetch_all(pool)
                .await?
        });
        stored
            .iter()
            .map(|selections| Ok(serde_json::from_str(selections)?))
            .collect()
    }

    /// The voter token of every ballot in `poll`, oldest first: for audits and tests, never for
    /// exports (a token is a device's secret, or a keyed hash of a phone number).
    pub async fn ballot_voter_tokens(&self, poll: &Slug) -> anyhow::Result<Vec<String>> {
        Ok(with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT voter_token FROM ballots WHERE poll_slug = $1 ORDER BY id")
                .bind(poll.as_str())
                .fetch_all(pool)
                .await?
        }))
    }

    /// Whether a ballot with this voter token is stored for `poll`.
    pub async fn has_ballot(&self, poll: &Slug, voter: &str) -> anyhow::Result<bool> {
        let count: i64 = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE poll_slug = $1 AND voter_token = $2")
                .bind(poll.as_str())
                .bind(voter)
                .fetch_one(pool)
                .await?
        });
        Ok(count > 0)
    }

    /// Closes the connections (the writer stops once every clone is dropped).
    pub async fn close(&self) {
        with_pool!(&self.inner.engine, pool => pool.close().await);
    }
}
