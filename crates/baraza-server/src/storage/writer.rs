//! The one writer of a database: submissions wait in a bounded queue and are committed in
//! groups, many per transaction, each acknowledged only once its group's commit is durable.
//!
//! Why: a commit costs one `fsync` (SQLite) or one WAL flush (PostgreSQL) whatever it holds, and
//! SQLite has one write lock. One transaction per ballot from a pool of connections made every
//! ballot queue for that lock and pay its own flush; one writer that takes whatever has queued
//! while the previous commit was flushing pays one flush per group instead.
//!
//! Invariants:
//! - A submission is acknowledged (`Ok`) only after the transaction holding it has committed.
//! - Duplicate detection is the database's unique constraint, read through `ON CONFLICT … DO
//!   NOTHING RETURNING`: exact inside a group (the second insert sees the first), across groups
//!   and across server processes sharing a PostgreSQL database.
//! - Nothing waits without bound: a full queue refuses at once ([`SubmitError::Overloaded`]),
//!   and a caller stops waiting for its confirmation after [`WriterConfig::confirm_timeout`].
//! - Running counts are updated in the same transaction as the rows they count (summed per
//!   group), and in memory only after the commit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use baraza_core::consultation::CommentId;
use baraza_core::feedback::FeedbackResponse;
use baraza_core::{Ballot, Slug};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::channels::Channel;
use super::consultations::{ConsultationWrite, insert_comment_sql, wire_name};
use super::engine::{Engine, with_pool};
use super::live::LivePolls;
use super::vouchers;

/// The PostgreSQL notification channel on which a server tells the others what it changed.
pub(crate) const CHANGES_CHANNEL: &str = "baraza_changes";

/// Something a citizen submitted, validated by the core, to be stored durably. Each instrument
/// adds its own kind of write here, so they all share one queue and one commit.
#[derive(Debug)]
#[non_exhaustive]
pub enum Submission {
    /// A poll ballot.
    Ballot {
        /// The validated ballot.
        ballot: Ballot,
        /// When it was received.
        submitted_at: OffsetDateTime,
        /// How it reached the server.
        channel: Channel,
        /// The keyed hash of the voucher code it carries, spent in the same transaction: a code
        /// already spent, or unknown to the poll, refuses the ballot.
        voucher: Option<String>,
    },
    /// A feedback response: its free text already redacted, its page path without query
    /// string or fragment. Feedback is anonymous, so it is never refused as a duplicate.
    FeedbackResponse {
        /// The validated response (it carries its form, page and instant).
        response: FeedbackResponse,
        /// The title of the page it was sent from, if known.
        page_title: Option<String>,
        /// How it reached the server.
        channel: Channel,
    },
    /// A comment, reply, reaction or report on a consultation. One reaction and one report
    /// per device and comment: a repeat is refused as [`SubmitError::AlreadyParticipated`].
    Consultation(ConsultationWrite),
}

/// A stored submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stored {
    /// A ballot, with its row id.
    Ballot {
        /// The ballot's row id.
        id: i64,
    },
    /// A feedback response, with its row id.
    FeedbackResponse {
        /// The response's row id.
        id: i64,
    },
    /// A consultation comment or reply, with the number it was given.
    ConsultationComment {
        /// The comment's id within its consultation.
        id: CommentId,
    },
    /// A reaction or a report on a consultation comment.
    ConsultationReactionOrReport,
}

/// Why a submission was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// This participant has already taken part (one ballot per poll and device).
    #[error("this device has already taken part")]
    AlreadyParticipated,
    /// The ballot's voucher code is not one of the poll's codes; nothing was stored.
    #[error("this voucher code is not one of the poll's codes")]
    VoucherUnknown,
    /// The ballot's voucher code has already been used; nothing was stored.
    #[error("this voucher code has already been used")]
    VoucherUsed,
    /// The write queue is full: the server is taking more than it can commit. Nothing was
    /// stored; the client may try again shortly.
    #[error("the server is busy; nothing was stored")]
    Overloaded,
    /// The commit was not confirmed in time. The submission may or may not have been stored.
    #[error("the write was not confirmed within {0:?}")]
    Unconfirmed(Duration),
    /// The database failed; nothing was stored.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Sizes and limits of the write path.
#[derive(Debug, Clone)]
pub struct WriterConfig {
    /// Submissions that may wait for the writer; one more is refused with
    /// [`SubmitError::Overloaded`].
    pub queue_capacity: usize,
    /// Most submissions committed in one transaction.
    pub max_group: usize,
    /// How long a caller waits for its commit before giving up with
    /// [`SubmitError::Unconfirmed`].
    pub confirm_timeout: Duration,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            queue_capacity: 8192,
            max_group: 512,
            confirm_timeout: Duration::from_secs(10),
        }
    }
}

struct WriteRequest {
    submission: Submission,
    reply: oneshot::Sender<Result<Stored, SubmitError>>,
}

/// A request to read polls and their counts from the database into memory: one poll, or all.
///
/// Reloads run in the writer task, between two groups, for the same reason the writer is the
/// only one to update counts after a commit: a snapshot read while a group of this server's is
/// committing could include that group (which the writer then counts again) or miss it (and
/// overwrite counts the writer already added). Between groups, a snapshot holds exactly every
/// commit of this server so far, plus whatever other servers committed.
#[derive(Debug)]
pub(crate) struct ReloadRequest {
    /// The poll to reload; every poll when `None`.
    pub(crate) only: Option<Slug>,
    /// Told when the reload is done.
    pub(crate) done: oneshot::Sender<anyhow::Result<()>>,
}

/// The sending side of the writer's queues; the writer stops when every handle is dropped.
#[derive(Debug, Clone)]
pub(crate) struct WriterHandle {
    queue: mpsc::Sender<WriteRequest>,
    reloads: mpsc::Sender<ReloadRequest>,
    confirm_timeout: Duration,
}

impl std::fmt::Debug for WriteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteRequest")
            .field("submission", &self.submission)
            .finish_non_exhaustive()
    }
}

impl WriterHandle {
    /// Starts the writer task of `engine`.
    pub(crate) fn spawn(engine: Engine, live: Arc<LivePolls>, config: &WriterConfig) -> Self {
        let (queue, requests) = mpsc::channel(config.queue_capacity.max(1));
        let (reloads, reload_requests) = mpsc::channel(64);
        tokio::spawn(run(
            engine,
            live,
            requests,
            reload_requests,
            config.max_group.max(1),
        ));
        Self {
            queue,
            reloads,
            confirm_timeout: config.confirm_timeout,
        }
    }

    /// Has the writer reload one poll (or all) from the database, and waits until it has.
    pub(crate) async fn reload(&self, only: Option<Slug>) -> anyhow::Result<()> {
        let (done, finished) = oneshot::channel();
        self.reloads
            .send(ReloadRequest { only, done })
            .await
            .map_err(|_| anyhow::anyhow!("the database writer has stopped"))?;
        finished
            .await
            .map_err(|_| anyhow::anyhow!("the database writer stopped before reloading"))?
    }

    /// Queues `submission` and waits for its group's commit.
    pub(crate) async fn submit(&self, submission: Submission) -> Result<Stored, SubmitError> {
        let (reply, confirmation) = oneshot::channel();
        self.queue
            .try_send(WriteRequest { submission, reply })
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => SubmitError::Overloaded,
                mpsc::error::TrySendError::Closed(_) => {
                    SubmitError::Database(anyhow::anyhow!("the database writer has stopped"))
                }
            })?;
        match tokio::time::timeout(self.confirm_timeout, confirmation).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(SubmitError::Database(anyhow::anyhow!(
                "the database writer stopped before confirming"
            ))),
            Err(_) => Err(SubmitError::Unconfirmed(self.confirm_timeout)),
        }
    }
}

/// Scheduler turns the writer yields to gather a group (see [`run`]).
const GATHER_TURNS: usize = 4;

/// The writer: takes whatever has queued (up to `max_group`), commits it as one group, then
/// answers each caller.
async fn run(
    engine: Engine,
    live: Arc<LivePolls>,
    mut requests: mpsc::Receiver<WriteRequest>,
    mut reloads: mpsc::Receiver<ReloadRequest>,
    max_group: usize,
) {
    let mut group = Vec::with_capacity(max_group);
    loop {
        tokio::select! {
            biased;
            Some(reload) = reloads.recv() => {
                let outcome = match &reload.only {
                    Some(slug) => live.reload(&engine, slug).await.map(drop),
                    None => live.reload_all(&engine).await,
                };
                let _ = reload.done.send(outcome);
                continue;
            }
            received = requests.recv_many(&mut group, max_group) => {
                if received == 0 {
                    break;
                }
            }
        }
        // The writer wakes on the first submission after a commit, while the requests answered
        // by that commit are still turning into new ones. Letting the other tasks run for a
        // moment (no timer: a few turns of the scheduler) gathers them into this group instead
        // of committing a group of one and making them wait for the next flush.
        for _ in 0..GATHER_TURNS {
            if group.len() >= max_group {
                break;
            }
            tokio::task::yield_now().await;
            while group.len() < max_group {
                match requests.try_recv() {
                    Ok(request) => group.push(request),
                    Err(_) => break,
                }
            }
        }
        let submissions: Vec<&Submission> = group.iter().map(|r| &r.submission).collect();
        let outcomes = match commit_group(&engine, &submissions).await {
            Ok(outcomes) => outcomes,
            Err(error) => {
                // One bad submission (or a deadlock with another server) must not sink the
                // others: commit each alone and report failures one by one.
                tracing::warn!(
                    error = format!("{error:#}"),
                    size = group.len(),
                    "group commit failed; committing one by one"
                );
                let mut outcomes = Vec::with_capacity(submissions.len());
                for submission in &submissions {
                    outcomes.push(match commit_group(&engine, &[submission]).await {
                        Ok(mut one) => one.pop().unwrap_or(Outcome::Failed),
                        Err(error) => {
                            tracing::error!(
                                error = format!("{error:#}"),
                                "cannot store a submission"
                            );
                            Outcome::Failed
                        }
                    });
                }
                outcomes
            }
        };
        for (request, outcome) in group.drain(..).zip(outcomes) {
            let answer = match outcome {
                Outcome::Stored(stored) => {
                    match &request.submission {
                        Submission::Ballot { ballot, .. } => live.record(ballot),
                        // Feedback results are counted from the stored rows (storage/feedback.rs),
                        // consultations read from their rows (storage/consultations.rs).
                        Submission::FeedbackResponse { .. } | Submission::Consultation(_) => {}
                    }
                    Ok(stored)
                }
                Outcome::AlreadyParticipated => Err(SubmitError::AlreadyParticipated),
                Outcome::VoucherUnknown => Err(SubmitError::VoucherUnknown),
                Outcome::VoucherUsed => Err(SubmitError::VoucherUsed),
                Outcome::Failed => Err(SubmitError::Database(anyhow::anyhow!(
                    "the database refused the write"
                ))),
            };
            // The caller may have stopped waiting; its submission is stored all the same.
            let _ = request.reply.send(answer);
        }
    }
}

/// What happened to one submission of a committed group.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Stored(Stored),
    AlreadyParticipated,
    VoucherUnknown,
    VoucherUsed,
    Failed,
}

/// Changes to one poll's running counts from one group.
#[derive(Debug, Default)]
struct CountDelta<'a> {
    ballots: i64,
    options: BTreeMap<&'a str, i64>,
    /// A score poll's ratings by (option, score).
    scores: BTreeMap<(&'a str, i32), i64>,
    /// A ranked poll's ballots by ranking (a JSON list of option ids).
    rankings: BTreeMap<String, i64>,
    channels: BTreeMap<&'static str, i64>,
}

/// Most rows of one multi-row `INSERT`: 256 rows × 6 values stays far below both engines'
/// limits on bound parameters.
const MAX_ROWS_PER_INSERT: usize = 256;

/// The SQL inserting `rows` ballots at once, skipping those whose voter already has a ballot in
/// the poll and returning the stored ones.
fn insert_ballots_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO ballots (poll_slug, voter_token, selections, scores, submitted_at, channel) \
         VALUES ",
    );
    for row in 0..rows {
        let first = row * 6 + 1;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${first}, ${}, ${}, ${}, ${}, ${})",
            first + 1,
            first + 2,
            first + 3,
            first + 4,
            first + 5
        ));
    }
    sql.push_str(
        " ON CONFLICT (poll_slug, voter_token) DO NOTHING RETURNING id, poll_slug, voter_token",
    );
    sql
}

/// The SQL adding counts to `rows` options' running totals at once.
fn upsert_option_counts_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| format!("(${}, ${}, ${})", row * 3 + 1, row * 3 + 2, row * 3 + 3))
        .collect();
    format!(
        "INSERT INTO poll_option_counts (poll_slug, option_id, ballots) VALUES {} \
         ON CONFLICT (poll_slug, option_id) \
         DO UPDATE SET ballots = poll_option_counts.ballots + excluded.ballots",
        values.join(", ")
    )
}

/// A ballot's selections as stored: a JSON list of option ids, in the order given.
fn encoded_selections(ballot: &Ballot) -> Result<String, serde_json::Error> {
    let selections: Vec<&str> = ballot.selections().iter().map(|id| id.as_str()).collect();
    serde_json::to_string(&selections)
}

/// The SQL adding ratings to `rows` (option, score) running totals of one score poll at once.
fn upsert_score_counts_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 4 + 1;
            format!("(${first}, ${}, ${}, ${})", first + 1, first + 2, first + 3)
        })
        .collect();
    format!(
        "INSERT INTO poll_score_counts (poll_slug, option_id, score, ballots) VALUES {} \
         ON CONFLICT (poll_slug, option_id, score) \
         DO UPDATE SET ballots = poll_score_counts.ballots + excluded.ballots",
        values.join(", ")
    )
}

/// Stores `submissions` in one transaction and returns each one's outcome, in order. An `Err`
/// means the transaction was rolled back and nothing of the group was stored.
async fn commit_group(
    engine: &Engine,
    submissions: &[&Submission],
) -> anyhow::Result<Vec<Outcome>> {
    let mut outcomes = vec![Outcome::Failed; submissions.len()];
    // A voter repeated inside the group: the first submission stands, the others are refused
    // here, so each row of the insert below has a distinct key.
    let mut ballots: Vec<(usize, &Ballot, &OffsetDateTime, Channel, Option<&str>)> =
        Vec::with_capacity(submissions.len());
    let mut feedback: Vec<(usize, &FeedbackResponse, Option<&str>, Channel)> = Vec::new();
    let mut consultation_writes: Vec<(usize, &ConsultationWrite)> = Vec::new();
    let mut keys_seen = HashSet::with_capacity(submissions.len());
    for (index, submission) in submissions.iter().enumerate() {
        match submission {
            Submission::Ballot {
                ballot,
                submitted_at,
                channel,
                voucher,
            } => {
                if keys_seen.insert((ballot.poll().as_str(), ballot.voter().as_str())) {
                    ballots.push((index, ballot, submitted_at, *channel, voucher.as_deref()));
                } else {
                    outcomes[index] = Outcome::AlreadyParticipated;
                }
            }
            Submission::FeedbackResponse {
                response,
                page_title,
                channel,
            } => feedback.push((index, response, page_title.as_deref(), *channel)),
            Submission::Consultation(write) => consultation_writes.push((index, write)),
        }
    }
    let feedback_answers: Vec<String> = feedback
        .iter()
        .map(|(_, response, _, _)| {
            serde_json::to_string(&super::feedback::stored_answers(response))
        })
        .collect::<Result<_, _>>()
        .context("cannot encode feedback answers")?;
    // Rows are written in one global order (poll, then voter) so that two servers writing
    // overlapping groups into one PostgreSQL database take their locks in the same order and
    // cannot deadlock each other.
    ballots.sort_by_key(|(_, ballot, _, _, _)| (ballot.poll().as_str(), ballot.voter().as_str()));
    let notify = matches!(engine, Engine::Postgres(_));
    let mut stored: HashMap<(String, String), i64> = HashMap::with_capacity(ballots.len());
    with_pool!(engine, pool => {
        let mut transaction = pool.begin().await.context("cannot start a transaction")?;
        // Voucher codes first, in (poll, code) order for the same reason as the rows below:
        // a ballot whose code is unknown or already spent (by an earlier group, another server,
        // or an earlier ballot of this group) is refused and not inserted.
        let mut spending: Vec<(usize, &str, &str)> = ballots
            .iter()
            .filter_map(|(index, ballot, _, _, voucher)| voucher.map(|v| (*index, ballot.poll().as_str(), v)))
            .collect();
        spending.sort_by_key(|(_, poll, voucher)| (*poll, *voucher));
        for (index, poll, voucher) in &spending {
            let spent = sqlx::query(vouchers::spend_sql())
                .bind(*poll)
                .bind(*voucher)
                .execute(&mut *transaction)
                .await
                .context("cannot spend a voucher code")?
                .rows_affected();
            if spent == 0 {
                let exists: Option<i32> = sqlx::query_scalar(vouchers::exists_sql())
                    .bind(*poll)
                    .bind(*voucher)
                    .fetch_optional(&mut *transaction)
                    .await
                    .context("cannot check a voucher code")?;
                outcomes[*index] = if exists.is_some() { Outcome::VoucherUsed } else { Outcome::VoucherUnknown };
            }
        }
        ballots.retain(|(index, _, _, _, _)| {
            !matches!(outcomes[*index], Outcome::VoucherUsed | Outcome::VoucherUnknown)
        });
    let encoded: Vec<(String, Option<String>)> = ballots
        .iter()
        .map(|(_, ballot, _, _, _)| {
            let scores = match ballot.scores() {
                [] => None,
                scores => Some(serde_json::to_string(scores)?),
            };
            Ok::<_, serde_json::Error>((encoded_selections(ballot)?, scores))
        })
        .collect::<Result<_, _>>()
        .context("cannot encode selections")?;
        for (chunk, chunk_encoded) in ballots
            .chunks(MAX_ROWS_PER_INSERT)
            .zip(encoded.chunks(MAX_ROWS_PER_INSERT))
        {
            let sql = insert_ballots_sql(chunk.len());
            // One statement for the whole group saves a round trip per row; its text changes
            // with the group's size, so it is not kept in the prepared-statement cache.
            let mut insert = sqlx::query_as::<_, (i64, String, String)>(&sql).persistent(false);
            for ((_, ballot, submitted_at, channel, _), (selections, scores)) in chunk.iter().zip(chunk_encoded) {
                insert = insert
                    .bind(ballot.poll().as_str())
                    .bind(ballot.voter().as_str())
                    .bind(selections.as_str())
                    .bind(scores.as_deref())
                    .bind(**submitted_at)
                    .bind(channel.as_str());
            }
            for (id, poll, voter) in insert
                .fetch_all(&mut *transaction)
                .await
                .context("cannot store ballots")?
            {
                stored.insert((poll, voter), id);
            }
        }
        let mut deltas: BTreeMap<&str, CountDelta<'_>> = BTreeMap::new();
        for (index, ballot, _, channel, voucher) in &ballots {
            let key = (ballot.poll().as_str().to_owned(), ballot.voter().as_str().to_owned());
            if let (None, Some(voucher)) = (stored.get(&key), voucher) {
                // The voter had already answered: the code spent above stays usable.
                sqlx::query(vouchers::unspend_sql())
                    .bind(ballot.poll().as_str())
                    .bind(*voucher)
                    .execute(&mut *transaction)
                    .await
                    .context("cannot give back a voucher code")?;
            }
            outcomes[*index] = match stored.get(&key) {
                Some(&id) => {
                    let delta = deltas.entry(ballot.poll().as_str()).or_default();
                    delta.ballots += 1;
                    *delta.channels.entry(channel.as_str()).or_default() += 1;
                    for option in ballot.selections() {
                        *delta.options.entry(option.as_str()).or_default() += 1;
                    }
                    for (option, score) in ballot.ratings() {
                        *delta.scores.entry((option.as_str(), score)).or_default() += 1;
                    }
                    if ballot.ranking().is_some() {
                        // The same JSON as the ballot's stored selections.
                        *delta.rankings.entry(encoded_selections(ballot)?).or_default() += 1;
                    }
                    Outcome::Stored(Stored::Ballot { id })
                }
                // Skipped by ON CONFLICT: stored earlier, by this server or another.
                None => Outcome::AlreadyParticipated,
            };
        }
        for (poll, delta) in &deltas {
            sqlx::query("UPDATE polls SET ballot_count = ballot_count + $1 WHERE slug = $2")
                .bind(delta.ballots)
                .bind(*poll)
                .execute(&mut *transaction)
                .await
                .context("cannot count ballots")?;
            // Every option's count of this poll in one statement (the keys are distinct, which
            // PostgreSQL requires of one INSERT … ON CONFLICT DO UPDATE).
            if !delta.options.is_empty() {
                let sql = upsert_option_counts_sql(delta.options.len());
                let mut upsert = sqlx::query(&sql).persistent(false);
                for (option, count) in &delta.options {
                    upsert = upsert.bind(*poll).bind(*option).bind(*count);
                }
                upsert
                    .execute(&mut *transaction)
                    .await
                    .context("cannot count ballots")?;
            }
            if !delta.scores.is_empty() {
                let sql = upsert_score_counts_sql(delta.scores.len());
                let mut upsert = sqlx::query(&sql).persistent(false);
                for ((option, score), count) in &delta.scores {
                    upsert = upsert.bind(*poll).bind(*option).bind(*score).bind(*count);
                }
                upsert
                    .execute(&mut *transaction)
                    .await
                    .context("cannot count ratings")?;
            }
            for (ranking, count) in &delta.rankings {
                sqlx::query(
                    "INSERT INTO poll_ranking_counts (poll_slug, ranking, ballots) \
                     VALUES ($1, $2, $3) ON CONFLICT (poll_slug, ranking) \
                     DO UPDATE SET ballots = poll_ranking_counts.ballots + excluded.ballots",
                )
                .bind(*poll)
                .bind(ranking.as_str())
                .bind(*count)
                .execute(&mut *transaction)
                .await
                .context("cannot count rankings")?;
            }
            for (channel, count) in &delta.channels {
                sqlx::query(
                    "INSERT INTO poll_channel_counts (poll_slug, channel, ballots) \
                     VALUES ($1, $2, $3) ON CONFLICT (poll_slug, channel) \
                     DO UPDATE SET ballots = poll_channel_counts.ballots + excluded.ballots",
                )
                .bind(*poll)
                .bind(*channel)
                .bind(*count)
                .execute(&mut *transaction)
                .await
                .context("cannot count ballots by channel")?;
            }
            if notify {
                // Delivered to the other servers only if, and when, this transaction commits.
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANGES_CHANNEL)
                    .bind(format!("poll:{poll}"))
                    .execute(&mut *transaction)
                    .await
                    .context("cannot notify other servers")?;
            }
        }
        // Feedback responses are few next to ballots: one insert each is enough.
        for ((index, response, page_title, channel), answers) in
            feedback.iter().zip(&feedback_answers)
        {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO feedback_responses \
                 (form_slug, page_path, page_title, answers, submitted_at, channel) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(response.form().as_str())
            .bind(response.page().as_str())
            .bind(*page_title)
            .bind(answers.as_str())
            .bind(response.submitted_at())
            .bind(channel.as_str())
            .fetch_one(&mut *transaction)
            .await
            .context("cannot store a feedback response")?;
            outcomes[*index] = Outcome::Stored(Stored::FeedbackResponse { id });
        }
        // Consultation writes in arrival order: a reply may follow, in the same group, the
        // moderation-free comment it answers. Repeats inside the group are caught by the keys,
        // as the inserts see the group's earlier rows.
        for (index, write) in &consultation_writes {
            outcomes[*index] = match write {
                ConsultationWrite::Comment {
                    consultation,
                    section,
                    parent,
                    stance,
                    text,
                    author,
                    state,
                    created_at,
                } => {
                    let status = if state.is_published() { "published" } else { "pending" };
                    let number: i64 = sqlx::query_scalar(&insert_comment_sql())
                        .bind(consultation.as_str())
                        .bind(section.as_str())
                        .bind(parent.map(|p| i64::try_from(p.0)).transpose()?)
                        .bind(stance.map(|s| wire_name(&s)).transpose()?)
                        .bind(text.as_str())
                        .bind(author.as_str())
                        .bind(false)
                        .bind(status)
                        .bind(*created_at)
                        .bind(None::<OffsetDateTime>)
                        .fetch_one(&mut *transaction)
                        .await
                        .context("cannot store a consultation comment")?;
                    Outcome::Stored(Stored::ConsultationComment {
                        id: CommentId(u64::try_from(number)?),
                    })
                }
                ConsultationWrite::Reaction { consultation, comment, voter, reaction, at } => {
                    let stored: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO consultation_reactions (consultation_slug, comment_number, \
                         voter_token, reaction, created_at) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (consultation_slug, comment_number, voter_token) DO NOTHING \
                         RETURNING comment_number",
                    )
                    .bind(consultation.as_str())
                    .bind(i64::try_from(comment.0)?)
                    .bind(voter.as_str())
                    .bind(wire_name(reaction)?)
                    .bind(*at)
                    .fetch_optional(&mut *transaction)
                    .await
                    .context("cannot store a reaction")?;
                    match stored {
                        Some(_) => Outcome::Stored(Stored::ConsultationReactionOrReport),
                        None => Outcome::AlreadyParticipated,
                    }
                }
                ConsultationWrite::Report { consultation, comment, voter, at, hides } => {
                    let stored: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO consultation_reports (consultation_slug, comment_number, \
                         voter_token, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (consultation_slug, comment_number, voter_token) DO NOTHING \
                         RETURNING comment_number",
                    )
                    .bind(consultation.as_str())
                    .bind(i64::try_from(comment.0)?)
                    .bind(voter.as_str())
                    .bind(*at)
                    .fetch_optional(&mut *transaction)
                    .await
                    .context("cannot store a report")?;
                    if stored.is_some() && *hides {
                        sqlx::query(
                            "UPDATE consultation_comments SET status = 'hidden' \
                             WHERE consultation_slug = $1 AND number = $2 AND status = 'published'",
                        )
                        .bind(consultation.as_str())
                        .bind(i64::try_from(comment.0)?)
                        .execute(&mut *transaction)
                        .await
                        .context("cannot hide a reported comment")?;
                    }
                    match stored {
                        Some(_) => Outcome::Stored(Stored::ConsultationReactionOrReport),
                        None => Outcome::AlreadyParticipated,
                    }
                }
            };
        }
        transaction.commit().await.context("cannot commit")?;
    });
    Ok(outcomes)
}
