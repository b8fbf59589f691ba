//! Persistence of polls and ballots in SQLite.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use baraza_core::{Ballot, OptionId, Poll, PollTally, Slug};
use futures_util::TryStreamExt as _;
use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Database {
    pool: SqlitePool,
}

/// Why a ballot was not stored.
#[derive(Debug, thiserror::Error)]
pub enum InsertBallotError {
    /// This voter token already has a ballot in this poll.
    #[error("this device has already voted in this poll")]
    AlreadyVoted,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Turns the `--database` value into SQLite connect options: a `sqlite:` URL, or a plain path.
fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        anyhow::bail!("PostgreSQL is not supported yet; use a sqlite: URL or a file path");
    }
    let options = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid SQLite URL {url:?}"))?
    } else {
        SqliteConnectOptions::new().filename(url)
    };
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL makes each commit durable on disk before the transaction returns, which is what
        // lets the API acknowledge a ballot only once it is safely stored.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}

impl Database {
    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(sqlite_options(url)?)
            .await
            .with_context(|| format!("cannot open database {url:?}"))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the database")?;
        Ok(Self { pool })
    }

    /// The poll with this slug, including drafts.
    pub async fn poll(&self, slug: &Slug) -> anyhow::Result<Option<Poll>> {
        let row = sqlx::query("SELECT definition FROM polls WHERE slug = ?")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            let definition: String = row.try_get("definition")?;
            serde_json::from_str(&definition)
                .with_context(|| format!("stored poll {slug} is invalid"))
        })
        .transpose()
    }

    /// Stores `poll`, replacing an existing definition with the same slug.
    pub async fn save_poll(&self, poll: &Poll, now: OffsetDateTime) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO polls (slug, definition, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition",
        )
        .bind(poll.slug().as_str())
        .bind(serde_json::to_string(poll)?)
        .bind(now.format(&Rfc3339)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many polls exist.
    pub async fn poll_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM polls")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// Stores a validated ballot and updates the poll's running counts in the same transaction.
    /// Returns once that transaction is committed durably.
    pub async fn insert_ballot(
        &self,
        ballot: &Ballot,
        now: OffsetDateTime,
    ) -> Result<(), InsertBallotError> {
        let selections: Vec<&str> = ballot.selections().iter().map(|id| id.as_str()).collect();
        let poll = ballot.poll().as_str();
        let mut transaction = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        let inserted = sqlx::query(
            "INSERT INTO ballots (poll_slug, voter_token, selections, submitted_at) VALUES (?, ?, ?, ?)",
        )
        .bind(poll)
        .bind(ballot.voter().as_str())
        .bind(serde_json::to_string(&selections).context("cannot encode selections")?)
        .bind(now.format(&Rfc3339).context("cannot format time")?)
        .execute(&mut *transaction)
        .await;
        match inserted {
            Ok(_) => {}
            // Dropping the transaction rolls it back.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(InsertBallotError::AlreadyVoted);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("cannot store ballot").into()),
        }
        for option in &selections {
            sqlx::query(
                "INSERT INTO poll_option_counts (poll_slug, option_id, ballots) VALUES (?, ?, 1) \
                 ON CONFLICT (poll_slug, option_id) DO UPDATE SET ballots = ballots + 1",
            )
            .bind(poll)
            .bind(option)
            .execute(&mut *transaction)
            .await
            .context("cannot count ballot")?;
        }
        sqlx::query("UPDATE polls SET ballot_count = ballot_count + 1 WHERE slug = ?")
            .bind(poll)
            .execute(&mut *transaction)
            .await
            .context("cannot count ballot")?;
        transaction.commit().await.context("cannot commit ballot")?;
        Ok(())
    }

    /// The current results of `poll` from its running counts: a few rows, whatever the number
    /// of ballots. Checked for consistency by [`PollTally::from_counts`].
    pub async fn tally(&self, poll: &Poll) -> anyhow::Result<PollTally> {
        // One read transaction, so the total and the per-option counts are a consistent snapshot.
        let mut transaction = self.pool.begin().await?;
        let total: i64 = sqlx::query("SELECT ballot_count FROM polls WHERE slug = ?")
            .bind(poll.slug().as_str())
            .fetch_one(&mut *transaction)
            .await?
            .try_get(0)?;
        let rows =
            sqlx::query("SELECT option_id, ballots FROM poll_option_counts WHERE poll_slug = ?")
                .bind(poll.slug().as_str())
                .fetch_all(&mut *transaction)
                .await?;
        transaction.commit().await?;
        let counts = rows
            .iter()
            .map(|row| {
                let id = OptionId::parse(row.try_get::<String, _>("option_id")?)?;
                let count = u64::try_from(row.try_get::<i64, _>("ballots")?)?;
                Ok((id, count))
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .with_context(|| format!("stored counts of poll {} are unreadable", poll.slug()))?;
        Ok(PollTally::from_counts(
            poll,
            u64::try_from(total)?,
            &counts,
        )?)
    }

    /// Counts every stored ballot of `poll` from scratch, streaming rows so memory stays flat:
    /// the audit of the running counts that [`Database::tally`] reads.
    pub async fn recount(&self, poll: &Poll) -> anyhow::Result<PollTally> {
        let mut tally = PollTally::new(poll);
        let mut rows = sqlx::query(
            "SELECT voter_token, selections FROM ballots WHERE poll_slug = ? ORDER BY id",
        )
        .bind(poll.slug().as_str())
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let voter: String = row.try_get("voter_token")?;
            let selections: Vec<String> = serde_json::from_str(row.try_get("selections")?)?;
            let ballot = poll.check_ballot(&selections, &voter).map_err(|e| {
                anyhow::anyhow!(
                    "stored ballot of poll {} no longer fits it: {e}",
                    poll.slug()
                )
            })?;
            tally.record(&ballot)?;
        }
        Ok(tally)
    }

    /// The selections of every ballot in `poll`, oldest first (for exports and tests).
    pub async fn ballot_selections(&self, poll: &Slug) -> anyhow::Result<Vec<Vec<String>>> {
        let rows = sqlx::query("SELECT selections FROM ballots WHERE poll_slug = ? ORDER BY id")
            .bind(poll.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok(serde_json::from_str(row.try_get("selections")?)?))
            .collect()
    }
}
