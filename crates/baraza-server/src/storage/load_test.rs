//! Synthetic ballots in bulk, for capacity planning and benchmarks (`baraza seed load-test`):
//! a million ballots are written by the database itself in seconds, with their running counts,
//! instead of through the HTTP API.

use anyhow::{Context as _, ensure};
use baraza_core::Slug;
use time::OffsetDateTime;

use super::Database;
use super::engine::{EngineKind, with_pool};

impl Database {
    /// Adds `ballots` synthetic ballots to `poll`, spread evenly over its options (each ballot
    /// selects as few options as the poll allows, at least one), and updates its running counts.
    /// Their voter tokens start with `load-test-`. Returns the number of ballots added.
    pub async fn add_load_test_ballots(
        &self,
        poll: &Slug,
        ballots: u64,
        now: OffsetDateTime,
    ) -> anyhow::Result<u64> {
        let definition = self
            .poll(poll)
            .await?
            .with_context(|| format!("there is no poll {poll}"))?;
        let options: Vec<&str> = definition.options().iter().map(|o| o.id.as_str()).collect();
        let (min, _) = definition.selection_range();
        let per_ballot = usize::try_from(min.max(1))?.min(options.len());
        ensure!(!options.is_empty(), "poll {poll} has no options");
        // Synthetic ballots are choices: a score poll's would need scores, a ranked poll's
        // rankings, which this load does not make.
        ensure!(
            definition.kind().scale().is_none() && !definition.kind().is_ranked(),
            "poll {poll} is a score or ranked poll; load-test ballots are for choice polls"
        );
        let shapes = options.len() as u64;
        // Distinct from any earlier run, so repeated runs add rather than collide.
        let run = now.unix_timestamp_nanos();
        let generate = match self.engine() {
            EngineKind::Postgres => {
                "INSERT INTO ballots (poll_slug, voter_token, selections, submitted_at) \
                 SELECT $1, $2 || g::text, $3, $4 FROM generate_series(1, $5) AS g"
            }
            EngineKind::Sqlite => {
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $5) \
                 INSERT INTO ballots (poll_slug, voter_token, selections, submitted_at) \
                 SELECT $1, $2 || n, $3, $4 FROM g"
            }
        };
        let mut added = 0_u64;
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            for shape in 0..shapes {
                let count = ballots / shapes + u64::from(shape < ballots % shapes);
                if count == 0 {
                    continue;
                }
                let first = usize::try_from(shape)?;
                let selected: Vec<&str> = (0..per_ballot)
                    .map(|j| options[(first + j) % options.len()])
                    .collect();
                let inserted = sqlx::query(generate)
                    .bind(poll.as_str())
                    .bind(format!("load-test-{run}-{shape}-"))
                    .bind(serde_json::to_string(&selected)?)
                    .bind(now)
                    .bind(i64::try_from(count)?)
                    .execute(&mut *transaction)
                    .await
                    .context("cannot insert synthetic ballots")?
                    .rows_affected();
                ensure!(inserted == count, "inserted {inserted} of {count} synthetic ballots");
                for option in &selected {
                    sqlx::query(
                        "INSERT INTO poll_option_counts (poll_slug, option_id, ballots) \
                         VALUES ($1, $2, $3) ON CONFLICT (poll_slug, option_id) \
                         DO UPDATE SET ballots = poll_option_counts.ballots + excluded.ballots",
                    )
                    .bind(poll.as_str())
                    .bind(*option)
                    .bind(i64::try_from(count)?)
                    .execute(&mut *transaction)
                    .await?;
                }
                added += count;
            }
            sqlx::query("UPDATE polls SET ballot_count = ballot_count + $1 WHERE slug = $2")
                .bind(i64::try_from(added)?)
                .bind(poll.as_str())
                .execute(&mut *transaction)
                .await?;
            sqlx::query(
                "INSERT INTO poll_channel_counts (poll_slug, channel, ballots) \
                 VALUES ($1, 'web', $2) ON CONFLICT (poll_slug, channel) \
                 DO UPDATE SET ballots = poll_channel_counts.ballots + excluded.ballots",
            )
            .bind(poll.as_str())
            .bind(i64::try_from(added)?)
            .execute(&mut *transaction)
            .await?;
            transaction.commit().await?;
        });
        self.inner.writer.reload(Some(poll.clone())).await?;
        Ok(added)
    }
}
