//! Polls owned by organisations: creating them from the admin API, listing them, and streaming
//! their ballots out for exports.

use anyhow::Context as _;
use baraza_core::{Poll, Slug};
use futures_util::{Stream, TryStreamExt as _};
use sqlx::Row as _;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::engine::{EngineKind, with_pool};
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};
use super::{Database, writer};

/// Why a poll was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreatePollError {
    /// Another poll (of any organisation) already has this slug.
    #[error("a poll with this slug already exists")]
    SlugTaken,
    /// The database failed; nothing was stored.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// One stored ballot, as exports see it: never the voter token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedBallot {
    /// The ballot's row id.
    pub id: i64,
    /// When it was received.
    pub submitted_at: OffsetDateTime,
    /// The option ids selected (rated, in a score poll), in the order given.
    pub selections: Vec<String>,
    /// A score poll's score of each selection, in the same order; empty for choice polls.
    pub scores: Vec<i64>,
}

/// How many exported ballots may wait between the database and a slow HTTP client: the export
/// task stops reading rows until the client has taken some.
const EXPORT_BUFFER: usize = 256;

impl Database {
    /// Stores a new poll owned by `organisation`, with its audit entry, in one transaction.
    /// Refuses a slug already in use: an organisation never replaces another's poll (nor its
    /// own: editing is a separate, later action).
    pub async fn create_organisation_poll(
        &self,
        poll: &Poll,
        organisation: &Slug,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<(), CreatePollError> {
        let definition = serde_json::to_string(poll).context("cannot encode the poll")?;
        let notify = self.engine() == EngineKind::Postgres;
        let created: bool = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            // Slugs are unique across instruments: a poll may not take a feedback form's or a
            // consultation's slug (their public paths differ, but staff and exports name
            // instruments by slug alone). Polls themselves are guarded by the primary key below.
            let other_instrument: Option<i32> = sqlx::query_scalar(
                "SELECT 1 FROM feedback_forms WHERE slug = $1 \
                 UNION ALL SELECT 1 FROM consultations WHERE slug = $1 LIMIT 1",
            )
            .bind(poll.slug().as_str())
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot check the slug")?;
            if other_instrument.is_some() {
                return Err(CreatePollError::SlugTaken);
            }
            let inserted: Option<String> = sqlx::query_scalar(
                "INSERT INTO polls (slug, definition, created_at, organisation_slug) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING RETURNING slug",
            )
            .bind(poll.slug().as_str())
            .bind(&definition)
            .bind(stored_instant(now))
            .bind(organisation.as_str())
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot store the poll")?;
            if inserted.is_some() {
                sqlx::query(INSERT_AUDIT)
                    .bind(audit.organisation.as_ref().map(Slug::as_str))
                    .bind(audit.actor.as_str())
                    .bind(audit.action.as_str())
                    .bind(audit.target.as_str())
                    .bind(stored_instant(audit.at))
                    .execute(&mut *transaction)
                    .await
                    .context("cannot write the audit log")?;
                if notify {
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(writer::CHANGES_CHANNEL)
                        .bind(format!("poll:{}", poll.slug()))
                        .execute(&mut *transaction)
                        .await
                        .context("cannot notify other servers")?;
                }
                transaction.commit().await.context("cannot commit")?;
            }
            inserted.is_some()
        });
        if !created {
            return Err(CreatePollError::SlugTaken);
        }
        // The new poll follows its organisation's embedding origins at once.
        self.refresh_embedding_origins().await?;
        self.inner
            .writer
            .reload(Some(poll.slug().clone()))
            .await
            .context("cannot load the new poll")?;
        Ok(())
    }

    /// Replaces the definition of `organisation`'s poll (same slug) with `poll`, with its audit
    /// entry, in one transaction; returns whether the poll was found. The caller has checked
    /// that the change is allowed (a draft edited, a status set): the row only knows its owner.
    pub async fn update_organisation_poll(
        &self,
        poll: &Poll,
        organisation: &Slug,
        audit: &AuditEntry,
    ) -> anyhow::Result<bool> {
        let definition = serde_json::to_string(poll).context("cannot encode the poll")?;
        let notify = self.engine() == EngineKind::Postgres;
        let updated: bool = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            let changed = sqlx::query(
                "UPDATE polls SET definition = $1 WHERE slug = $2 AND organisation_slug = $3",
            )
            .bind(&definition)
            .bind(poll.slug().as_str())
            .bind(organisation.as_str())
            .execute(&mut *transaction)
            .await
            .context("cannot store the poll")?
            .rows_affected();
            if changed == 1 {
                sqlx::query(INSERT_AUDIT)
                    .bind(audit.organisation.as_ref().map(Slug::as_str))
                    .bind(audit.actor.as_str())
                    .bind(audit.action.as_str())
                    .bind(audit.target.as_str())
                    .bind(stored_instant(audit.at))
                    .execute(&mut *transaction)
                    .await
                    .context("cannot write the audit log")?;
                if notify {
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(writer::CHANGES_CHANNEL)
                        .bind(format!("poll:{}", poll.slug()))
                        .execute(&mut *transaction)
                        .await
                        .context("cannot notify other servers")?;
                }
                transaction.commit().await.context("cannot commit")?;
            }
            changed == 1
        });
        if updated {
            self.inner
                .writer
                .reload(Some(poll.slug().clone()))
                .await
                .context("cannot load the changed poll")?;
        }
        Ok(updated)
    }

    /// The organisation owning poll `slug`: `None` when there is no such poll, `Some(None)` for
    /// the server's own (demo or legacy) polls.
    pub async fn poll_organisation(&self, slug: &Slug) -> anyhow::Result<Option<Option<Slug>>> {
        let row: Option<(Option<String>,)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as("SELECT organisation_slug FROM polls WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(owner,)| owner.map(Slug::parse).transpose())
            .transpose()
            .context("a stored organisation slug is invalid")
    }

    /// The slugs of `organisation`'s polls, newest first (then by slug).
    pub async fn organisation_polls(&self, organisation: &Slug) -> anyhow::Result<Vec<Slug>> {
        let slugs: Vec<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(
                "SELECT slug FROM polls WHERE organisation_slug = $1 ORDER BY created_at DESC, slug",
            )
            .bind(organisation.as_str())
            .fetch_all(pool)
            .await?
        });
        slugs
            .into_iter()
            .map(|slug| Slug::parse(slug).context("a stored poll slug is invalid"))
            .collect()
    }

    /// Every ballot of `poll`, oldest first, as a stream that reads rows only as fast as they
    /// are consumed: an export of a million ballots holds a few hundred in memory at a time.
    ///
    /// A task reads the rows and hands them over through a bounded channel; dropping the stream
    /// (a client hanging up) stops it.
    pub fn stream_ballots(
        &self,
        poll: &Slug,
    ) -> impl Stream<Item = anyhow::Result<ExportedBallot>> + Send + 'static {
        let (sender, receiver) = mpsc::channel::<anyhow::Result<ExportedBallot>>(EXPORT_BUFFER);
        let engine = self.inner.engine.clone();
        let poll = poll.as_str().to_owned();
        tokio::spawn(async move {
            let outcome: anyhow::Result<()> = async {
                with_pool!(&engine, pool => {
                    let mut rows = sqlx::query(
                        "SELECT id, submitted_at, selections, scores FROM ballots \
                         WHERE poll_slug = $1 ORDER BY id",
                    )
                    .bind(&poll)
                    .fetch(pool);
                    while let Some(row) = rows.try_next().await? {
                        let selections: String = row.try_get("selections")?;
                        let scores: Option<String> = row.try_get("scores")?;
                        let ballot = ExportedBallot {
                            id: row.try_get("id")?,
                            submitted_at: row.try_get("submitted_at")?,
                            selections: serde_json::from_str(&selections)
                                .context("a stored ballot's selections are not a JSON list")?,
                            scores: match scores {
                                Some(scores) => serde_json::from_str(&scores)
                                    .context("a stored ballot's scores are not a JSON list")?,
                                None => Vec::new(),
                            },
                        };
                        if sender.send(Ok(ballot)).await.is_err() {
                            // The reader is gone (the client hung up): stop reading.
                            return Ok(());
                        }
                    }
                });
                Ok(())
            }
            .await;
            if let Err(error) = outcome {
                let _ = sender.send(Err(error)).await;
            }
        });
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
        })
    }
}
