//! Consultations owned by organisations: creating them from the admin site, listing them, and
//! the moderation queue across all of an organisation's consultations.
//!
//! A consultation's document and comments are stored as [`consultations`](super::consultations)
//! describes; this module adds what staff need around them: a slug that no other instrument
//! has, an audit row written in the same transaction as the creation, and the queue.

use anyhow::Context as _;
use baraza_core::Slug;
use baraza_core::consultation::{Comment, Consultation, ModerationState};

use super::Database;
use super::consultations::{StoredConsultation, wire_name};
use super::engine::with_pool;
use super::organisation_polls::CreatePollError;
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};

/// What waits for moderators in one consultation.
#[derive(Debug, Clone)]
pub struct ConsultationQueue {
    /// The consultation, with its whole discussion.
    pub stored: StoredConsultation,
    /// Comments and replies waiting for a first decision, oldest first.
    pub pending: Vec<Comment>,
    /// Published comments that citizens reported, and those their reports hid, oldest first.
    pub reported: Vec<Comment>,
}

impl ConsultationQueue {
    /// Whether nothing waits in this consultation.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.reported.is_empty()
    }
}

impl Database {
    /// Stores a new consultation owned by `organisation`, with its audit entry, in one
    /// transaction. Refuses a slug already used by any instrument of any organisation
    /// ([`CreatePollError::SlugTaken`]); nothing is stored then.
    pub async fn create_organisation_consultation(
        &self,
        consultation: &Consultation,
        organisation: &Slug,
        audit: &AuditEntry,
    ) -> Result<(), CreatePollError> {
        let slug = consultation.slug().as_str();
        let mut document =
            serde_json::to_value(consultation).context("cannot encode the consultation")?;
        if let Some(object) = document.as_object_mut() {
            object.insert("comments".into(), serde_json::Value::Array(Vec::new()));
        }
        let phase = wire_name(&consultation.phase())?;
        let created: bool = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            // Slugs are unique across instruments (see `create_organisation_poll`); the
            // consultations' own primary key guards the rest.
            let other_instrument: Option<i32> = sqlx::query_scalar(
                "SELECT 1 FROM polls WHERE slug = $1 \
                 UNION ALL SELECT 1 FROM feedback_forms WHERE slug = $1 LIMIT 1",
            )
            .bind(slug)
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot check the slug")?;
            if other_instrument.is_some() {
                return Err(CreatePollError::SlugTaken);
            }
            let inserted: Option<String> = sqlx::query_scalar(
                "INSERT INTO consultations (slug, organisation_slug, phase, definition, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING RETURNING slug",
            )
            .bind(slug)
            .bind(organisation.as_str())
            .bind(&phase)
            .bind(document.to_string())
            .bind(stored_instant(audit.at))
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot store the consultation")?;
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
                transaction.commit().await.context("cannot commit")?;
            }
            inserted.is_some()
        });
        if !created {
            return Err(CreatePollError::SlugTaken);
        }
        // The new instrument follows its organisation's embedding origins at once.
        self.refresh_embedding_origins().await?;
        Ok(())
    }

    /// The slugs of `organisation`'s consultations, newest first (then by slug).
    pub async fn organisation_consultations(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Vec<Slug>> {
        let slugs: Vec<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(
                "SELECT slug FROM consultations WHERE organisation_slug = $1 \
                 ORDER BY created_at DESC, slug",
            )
            .bind(organisation.as_str())
            .fetch_all(pool)
            .await?
        });
        slugs
            .into_iter()
            .map(|slug| Slug::parse(slug).context("a stored consultation slug is invalid"))
            .collect()
    }

    /// The consultation `slug` when `organisation` owns it; `None` for a missing one and for
    /// another organisation's (the two must look the same to staff).
    pub async fn organisation_consultation(
        &self,
        organisation: &Slug,
        slug: &Slug,
    ) -> anyhow::Result<Option<StoredConsultation>> {
        Ok(self
            .consultation(slug)
            .await?
            .filter(|stored| stored.organisation.as_deref() == Some(organisation.as_str())))
    }

    /// The moderation queue of `organisation`: for each of its consultations with something
    /// waiting, the pending comments and the reported or hidden ones, oldest first.
    /// Consultations are listed newest first, as on the dashboard.
    pub async fn moderation_queue(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Vec<ConsultationQueue>> {
        let mut queues = Vec::new();
        for slug in self.organisation_consultations(organisation).await? {
            let Some(stored) = self.consultation(&slug).await? else {
                continue;
            };
            let comments = stored.consultation.comments();
            let pending = comments
                .iter()
                .filter(|c| c.state() == ModerationState::Pending)
                .cloned()
                .collect();
            let reported = comments
                .iter()
                .filter(|c| {
                    c.state() == ModerationState::Hidden
                        || (c.state() == ModerationState::Published && c.report_count() > 0)
                })
                .cloned()
                .collect();
            let queue = ConsultationQueue {
                stored,
                pending,
                reported,
            };
            if !queue.is_empty() {
                queues.push(queue);
            }
        }
        Ok(queues)
    }
}
