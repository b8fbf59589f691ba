//! The stored first answers of requests sent with an `Idempotency-Key` (see
//! [`crate::idempotency`] for the rules).

use time::{Duration, OffsetDateTime};

use super::engine::{Engine, with_pool};
use super::{BackgroundTask, Database};

/// How long a first answer is kept for replay.
pub const IDEMPOTENCY_RECORD_LIFETIME: Duration = Duration::hours(24);

/// The first answer given to a request with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedResponse {
    /// SHA-256 of the request body that got this answer, in hex.
    pub request_hash: String,
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` of the body.
    pub content_type: String,
    /// The body (the API answers JSON, so text).
    pub body: String,
}

impl Database {
    /// The answer recorded for `key` on `path`, if one is younger than
    /// [`IDEMPOTENCY_RECORD_LIFETIME`].
    pub async fn recorded_response(
        &self,
        key: &str,
        path: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<RecordedResponse>> {
        let row: Option<(String, i64, String, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT request_hash, status, content_type, body FROM idempotency_records \
                 WHERE idempotency_key = $1 AND path = $2 AND created_at > $3",
            )
            .bind(key)
            .bind(path)
            .bind(now - IDEMPOTENCY_RECORD_LIFETIME)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(request_hash, status, content_type, body)| {
            Ok(RecordedResponse {
                request_hash,
                status: u16::try_from(status)?,
                content_type,
                body,
            })
        })
        .transpose()
    }

    /// Records the first answer to `key` on `path`. If another server recorded one meanwhile,
    /// that one stays (and is what later retries get).
    pub async fn record_response(
        &self,
        key: &str,
        path: &str,
        response: &RecordedResponse,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        with_pool!(&self.inner.engine, pool => {
            // An expired record with the same key makes way for the new one.
            sqlx::query(
                "DELETE FROM idempotency_records \
                 WHERE idempotency_key = $1 AND path = $2 AND created_at <= $3",
            )
            .bind(key)
            .bind(path)
            .bind(now - IDEMPOTENCY_RECORD_LIFETIME)
            .execute(pool)
            .await?;
            sqlx::query(
                "INSERT INTO idempotency_records \
                 (idempotency_key, path, request_hash, status, content_type, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (idempotency_key, path) DO NOTHING",
            )
            .bind(key)
            .bind(path)
            .bind(&response.request_hash)
            .bind(i64::from(response.status))
            .bind(&response.content_type)
            .bind(&response.body)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Deletes recorded answers older than [`IDEMPOTENCY_RECORD_LIFETIME`]; returns how many.
    pub async fn purge_recorded_responses(&self, now: OffsetDateTime) -> anyhow::Result<u64> {
        purge(&self.inner.engine, now).await
    }
}

async fn purge(engine: &Engine, now: OffsetDateTime) -> anyhow::Result<u64> {
    Ok(with_pool!(engine, pool => {
        sqlx::query("DELETE FROM idempotency_records WHERE created_at <= $1")
            .bind(now - IDEMPOTENCY_RECORD_LIFETIME)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}

/// Deletes expired records every hour, for as long as the database handle lives.
pub(super) fn spawn_purger(engine: Engine) -> BackgroundTask {
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every.tick().await;
            if let Err(error) = purge(&engine, OffsetDateTime::now_utc()).await {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "cannot purge idempotency records"
                );
            }
        }
    });
    BackgroundTask(task.abort_handle())
}
