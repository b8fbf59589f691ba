//! Feedback forms owned by organisations: creating them from the admin API, listing them, finding one for its organisation's
//! staff, and counting its responses period by period for the dashboard's trend.

use anyhow::Context as _;
use baraza_core::Slug;
use baraza_core::feedback::{FeedbackForm, FeedbackSubmission, PeriodGroups};
use futures_util::TryStreamExt as _;
use sqlx::Row as _;
use time::OffsetDateTime;

use super::Database;
use super::engine::with_pool;
use super::organisation_polls::CreatePollError;
use super::staff::{AuditEntry, INSERT_AUDIT, stored_instant};

impl Database {
    /// Stores a new feedback form owned by `organisation`, with its audit entry, in one
    /// transaction. Refuses a slug already used by any instrument of any organisation
    /// ([`CreatePollError::SlugTaken`]); nothing is stored then.
    pub async fn create_organisation_feedback_form(
        &self,
        form: &FeedbackForm,
        organisation: &Slug,
        audit: &AuditEntry,
    ) -> Result<(), CreatePollError> {
        let definition = serde_json::to_string(form).context("cannot encode the form")?;
        let slug = form.slug().as_str();
        let created: bool = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await.context("cannot start a transaction")?;
            // Slugs are unique across instruments (see `create_organisation_poll`).
            let other_instrument: Option<i32> = sqlx::query_scalar(
                "SELECT 1 FROM polls WHERE slug = $1 \
                 UNION ALL SELECT 1 FROM consultations WHERE slug = $1 LIMIT 1",
            )
            .bind(slug)
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot check the slug")?;
            if other_instrument.is_some() {
                return Err(CreatePollError::SlugTaken);
            }
            let inserted: Option<String> = sqlx::query_scalar(
                "INSERT INTO feedback_forms (slug, organisation_slug, definition, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING RETURNING slug",
            )
            .bind(slug)
            .bind(organisation.as_str())
            .bind(&definition)
            .bind(stored_instant(audit.at))
            .fetch_optional(&mut *transaction)
            .await
            .context("cannot store the form")?;
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

    /// The slugs of `organisation`'s feedback forms, newest first (then by slug).
    pub async fn organisation_feedback_forms(
        &self,
        organisation: &Slug,
    ) -> anyhow::Result<Vec<Slug>> {
        let slugs: Vec<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar(
                "SELECT slug FROM feedback_forms WHERE organisation_slug = $1 \
                 ORDER BY created_at DESC, slug",
            )
            .bind(organisation.as_str())
            .fetch_all(pool)
            .await?
        });
        slugs
            .into_iter()
            .map(|slug| Slug::parse(slug).context("a stored feedback form slug is invalid"))
            .collect()
    }

    /// How many responses feedback form `slug` has stored.
    pub async fn feedback_response_count(&self, slug: &Slug) -> anyhow::Result<u64> {
        let count: i64 = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses WHERE form_slug = $1")
                .bind(slug.as_str())
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(count)?)
    }

    /// The organisation owning feedback form `slug`: `None` when there is no such form,
    /// `Some(None)` for the server's own (demo) forms.
    pub async fn feedback_form_organisation(
        &self,
        slug: &Slug,
    ) -> anyhow::Result<Option<Option<Slug>>> {
        let row: Option<(Option<String>,)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as("SELECT organisation_slug FROM feedback_forms WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(owner,)| owner.map(Slug::parse).transpose())
            .transpose()
            .context("a stored organisation slug is invalid")
    }

    /// Counts the responses of `form` into periods `[b0, b1), [b1, b2), …`, streaming rows
    /// like [`Database::feedback_aggregate`]; responses outside the periods are only counted
    /// as such (SQLite keeps instants as text, so the filter is the core's, not SQL's). A
    /// response that no longer fits the form is skipped.
    pub async fn feedback_periods(
        &self,
        form: &FeedbackForm,
        boundaries: Vec<OffsetDateTime>,
    ) -> anyhow::Result<PeriodGroups> {
        let mut groups = PeriodGroups::new(form, boundaries)?;
        with_pool!(&self.inner.engine, pool => {
            let mut rows = sqlx::query(
                "SELECT page_path, answers, submitted_at FROM feedback_responses \
                 WHERE form_slug = $1 ORDER BY id",
            )
            .bind(form.slug().as_str())
            .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                let submitted_at: OffsetDateTime = row.try_get("submitted_at")?;
                let answers: String = row.try_get("answers")?;
                let submission = FeedbackSubmission {
                    page: row.try_get("page_path")?,
                    answers: serde_json::from_str(&answers)
                        .context("a stored feedback response is not valid JSON")?,
                };
                if let Ok(response) = form.validate_response(&submission, submitted_at) {
                    groups.record(&response)?;
                }
            }
        });
        Ok(groups)
    }
}
