//! Feedback forms and their responses.
//!
//! Forms are staff writes and go straight through the pool. Responses are citizen writes and go
//! through the writer ([`Submission::FeedbackResponse`](super::Submission::FeedbackResponse)),
//! in the same group transactions as ballots.
//!
//! Results are counted from the stored responses on each request, streaming rows through the
//! core's [`FeedbackAggregate`] (memory stays flat whatever the number of responses). Unlike
//! polls they are not kept in memory: the aggregate has no stored running counts to start from,
//! so memory would have to be rebuilt by replaying every response on start and on every other
//! server's change. Results are an officials' and dashboard read, not the citizen's hot path
//! (the widget never asks for them), so one indexed scan per request is the simpler trade for
//! now.

use anyhow::Context as _;
use baraza_core::Slug;
use baraza_core::feedback::{
    Answer, AnswerInput, AnswerSubmission, FeedbackAggregate, FeedbackForm, FeedbackResponse,
    FeedbackSubmission, UsefulInput,
};
use futures_util::TryStreamExt as _;
use sqlx::Row as _;
use time::OffsetDateTime;

use super::Database;
use super::engine::with_pool;

/// A stored feedback response as read back (for exports and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedbackResponse {
    /// The page path, without query string or fragment.
    pub page_path: String,
    /// The page title, if the client sent one.
    pub page_title: Option<String>,
    /// The answers as stored, free text already redacted.
    pub answers: Vec<AnswerSubmission>,
    /// When it was received.
    pub submitted_at: OffsetDateTime,
    /// How it reached the server: `web`, `sms` or `ussd`.
    pub channel: String,
}

/// The answers of a validated response in their stored (submission) shape.
pub(crate) fn stored_answers(response: &FeedbackResponse) -> Vec<AnswerSubmission> {
    response
        .answers()
        .iter()
        .map(|Answer { question, value }| AnswerSubmission {
            question: question.as_str().to_owned(),
            answer: match value {
                baraza_core::feedback::AnswerValue::Useful {
                    useful,
                    reasons,
                    comment,
                } => AnswerInput::Useful(UsefulInput {
                    useful: *useful,
                    reasons: reasons.iter().map(|r| r.as_str().to_owned()).collect(),
                    comment: comment.clone(),
                }),
                baraza_core::feedback::AnswerValue::Csat(score) => {
                    AnswerInput::Csat(i64::from(*score))
                }
                baraza_core::feedback::AnswerValue::Nps(score) => {
                    AnswerInput::Nps(i64::from(*score))
                }
                baraza_core::feedback::AnswerValue::Choice(id) => {
                    AnswerInput::Choice(id.as_str().to_owned())
                }
                baraza_core::feedback::AnswerValue::Text(text) => AnswerInput::Text(text.clone()),
            },
        })
        .collect()
}

impl Database {
    /// Stores `form` for `organisation` (`None`: the server's own), replacing an existing
    /// definition with the same slug.
    pub async fn save_feedback_form(
        &self,
        form: &FeedbackForm,
        organisation: Option<&str>,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let definition = serde_json::to_string(form)?;
        with_pool!(&self.inner.engine, pool => {
            sqlx::query(
                "INSERT INTO feedback_forms (slug, organisation_slug, definition, created_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition, \
                 organisation_slug = excluded.organisation_slug",
            )
            .bind(form.slug().as_str())
            .bind(organisation)
            .bind(&definition)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The feedback form with this slug. A stored definition that no longer passes the core's
    /// checks is logged and treated as missing.
    pub async fn feedback_form(&self, slug: &Slug) -> anyhow::Result<Option<FeedbackForm>> {
        let definition: Option<String> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_scalar("SELECT definition FROM feedback_forms WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        let Some(definition) = definition else {
            return Ok(None);
        };
        match serde_json::from_str(&definition) {
            Ok(form) => Ok(Some(form)),
            Err(error) => {
                tracing::error!(form = %slug, %error, "a stored feedback form is invalid; it is not served");
                Ok(None)
            }
        }
    }

    /// Counts every stored response of `form`, streaming rows. A response that no longer fits
    /// the form (its definition was edited since) is skipped and logged, not counted.
    pub async fn feedback_aggregate(
        &self,
        form: &FeedbackForm,
    ) -> anyhow::Result<FeedbackAggregate> {
        let mut aggregate = FeedbackAggregate::new(form);
        let mut skipped = 0_u64;
        with_pool!(&self.inner.engine, pool => {
            let mut rows = sqlx::query(
                "SELECT page_path, answers, submitted_at FROM feedback_responses \
                 WHERE form_slug = $1 ORDER BY id",
            )
            .bind(form.slug().as_str())
            .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                let page: String = row.try_get("page_path")?;
                let answers: String = row.try_get("answers")?;
                let submitted_at: OffsetDateTime = row.try_get("submitted_at")?;
                let submission = FeedbackSubmission {
                    page,
                    answers: serde_json::from_str(&answers)
                        .context("a stored feedback response is not valid JSON")?,
                };
                match form.validate_response(&submission, submitted_at) {
                    Ok(response) => aggregate.record(&response)?,
                    Err(_) => skipped += 1,
                }
            }
        });
        if skipped > 0 {
            tracing::warn!(form = %form.slug(), skipped, "stored feedback responses no longer fit their form and were not counted");
        }
        Ok(aggregate)
    }

    /// Every stored response of `form`, oldest first (for exports and tests).
    pub async fn feedback_responses(
        &self,
        form: &Slug,
    ) -> anyhow::Result<Vec<StoredFeedbackResponse>> {
        let rows: Vec<(String, Option<String>, String, OffsetDateTime, String)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT page_path, page_title, answers, submitted_at, channel \
                 FROM feedback_responses WHERE form_slug = $1 ORDER BY id",
            )
            .bind(form.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(page_path, page_title, answers, submitted_at, channel)| {
                Ok(StoredFeedbackResponse {
                    page_path,
                    page_title,
                    answers: serde_json::from_str(&answers)?,
                    submitted_at,
                    channel,
                })
            })
            .collect()
    }
}
