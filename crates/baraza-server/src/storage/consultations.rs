//! Consultations: the document, and its comments, reactions and reports as rows.
//!
//! The core keeps a consultation as one value ([`Consultation`]) and enforces every rule on it
//! (phases, one-level replies, moderation steps, reports that hide). Storage keeps the document
//! (everything but the comments) as the core's JSON, and each comment, reaction and report as
//! a row, so a citizen's write is one appended row through the writer rather than a rewrite of
//! the whole discussion. Reading puts the two back together and hands them to the core, which
//! checks every invariant again ([`baraza_core::consultation::ConsultationRecord`]); every
//! change is first made on that value by the core, and only what the core accepted is written.
//!
//! Citizens' comments, reactions and reports go through the writer
//! ([`Submission::Consultation`](super::Submission::Consultation)); moderation, official
//! answers and document changes are staff writes, straight through the pool. A moderation step
//! is guarded by the comment's previous state, so a concurrent change is refused rather than
//! overwritten; a document change replaces the document (the last of two concurrent edits wins).
//!
//! Each read loads the whole discussion of one consultation: simple and exact, and fine for
//! the hundreds to low thousands of comments a consultation gets. An index by status serves
//! the moderation queue.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;
use baraza_core::consultation::{
    Comment, CommentId, Consultation, ConsultationError, ModerationAction, ModerationState,
    ParticipantId, Reaction, SectionId, Stance,
};
use baraza_core::{LocalizedText, Slug};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Database;
use super::engine::with_pool;

/// The author recorded on the public body's answers to comments. Device tokens are at least
/// 16 characters ([`baraza_core::MIN_VOTER_TOKEN_LEN`]), so no citizen can share it.
pub const OFFICIAL_AUTHOR: &str = "official";

/// A consultation as stored: the core's value with every comment, and which comments are the
/// public body's answers.
#[derive(Debug, Clone)]
pub struct StoredConsultation {
    /// The document and its whole discussion, checked by the core.
    pub consultation: Consultation,
    /// The comments written by the public body ([`Database::add_official_response`]).
    pub official: BTreeSet<CommentId>,
    /// The organisation that owns it; `None` for the server's own (demo) consultations.
    pub organisation: Option<String>,
}

impl StoredConsultation {
    /// Whether the public body wrote comment `id`.
    pub fn is_official(&self, id: CommentId) -> bool {
        self.official.contains(&id)
    }
}

/// A citizen's write to a consultation, already accepted by the core on the consultation as it
/// was read. The database's keys settle what the core could not see: two writes racing (one
/// reaction or report per device and comment) and the comment's number.
#[derive(Debug)]
pub enum ConsultationWrite {
    /// A new comment or reply; its text already redacted.
    Comment {
        /// The consultation.
        consultation: Slug,
        /// The section (a reply's is its parent's).
        section: SectionId,
        /// The comment answered, for a reply.
        parent: Option<CommentId>,
        /// The stance of a top-level comment.
        stance: Option<Stance>,
        /// The redacted text.
        text: String,
        /// The device token of the author.
        author: ParticipantId,
        /// `pending` or `published`, as the core started it.
        state: ModerationState,
        /// When it was posted.
        created_at: OffsetDateTime,
    },
    /// A reaction to a published comment.
    Reaction {
        /// The consultation.
        consultation: Slug,
        /// The comment.
        comment: CommentId,
        /// The device token.
        voter: ParticipantId,
        /// Agree or disagree.
        reaction: Reaction,
        /// When.
        at: OffsetDateTime,
    },
    /// A report of a published comment.
    Report {
        /// The consultation.
        consultation: Slug,
        /// The comment.
        comment: CommentId,
        /// The device token.
        voter: ParticipantId,
        /// When.
        at: OffsetDateTime,
        /// Whether the core hid the comment with this report (its report threshold reached).
        hides: bool,
    },
}

/// Why a staff change to a consultation was refused. Nothing changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum ConsultationChangeError {
    /// No consultation has that slug.
    #[error("there is no consultation {0}")]
    NotFound(Slug),
    /// The core refused the change.
    #[error(transparent)]
    Rule(#[from] ConsultationError),
    /// Someone else changed the same comment meanwhile; read again and retry.
    #[error("comment {0} was changed by someone else meanwhile; nothing was changed")]
    Conflict(CommentId),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ConsultationChangeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error.into())
    }
}

/// The snake_case name serde gives `value` (a unit enum variant), e.g. `"support"`.
pub(crate) fn wire_name(value: &impl serde::Serialize) -> anyhow::Result<String> {
    match serde_json::to_value(value)? {
        Value::String(name) => Ok(name),
        other => anyhow::bail!("expected a name, got {other}"),
    }
}

/// The status column's value for `state`, and the rejection reason's.
fn status_columns(state: ModerationState) -> anyhow::Result<(&'static str, Option<String>)> {
    Ok(match state {
        ModerationState::Pending => ("pending", None),
        ModerationState::Published => ("published", None),
        ModerationState::Hidden => ("hidden", None),
        ModerationState::Rejected { reason } => ("rejected", Some(wire_name(&reason)?)),
    })
}

/// The document as stored: the core's JSON with no comments.
fn document_json(consultation: &Consultation) -> anyhow::Result<String> {
    let mut document = serde_json::to_value(consultation)?;
    if let Some(object) = document.as_object_mut() {
        object.insert("comments".into(), Value::Array(Vec::new()));
    }
    Ok(document.to_string())
}

fn rfc3339(instant: OffsetDateTime) -> anyhow::Result<String> {
    Ok(instant.format(&Rfc3339)?)
}

/// One comment row, as read.
type CommentRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    String,
    bool,
    String,
    Option<String>,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

/// Every comment row, reaction row (number, voter, reaction) and report row (number, voter)
/// of one consultation.
type DiscussionRows = (
    Vec<CommentRow>,
    Vec<(i64, String, String)>,
    Vec<(i64, String)>,
);

impl Database {
    /// Stores the document of `consultation` (sections, phase, official responses to sections,
    /// outcome) for `organisation` (`None`: the server's own), replacing an existing document
    /// with the same slug. Its comments are not touched: they are rows, written by
    /// [`Database::submit`] and the moderation methods.
    pub async fn save_consultation(
        &self,
        consultation: &Consultation,
        organisation: Option<&str>,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let definition = document_json(consultation)?;
        let phase = wire_name(&consultation.phase())?;
        with_pool!(&self.inner.engine, pool => {
            sqlx::query(
                "INSERT INTO consultations (slug, organisation_slug, phase, definition, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition, \
                 phase = excluded.phase, organisation_slug = excluded.organisation_slug",
            )
            .bind(consultation.slug().as_str())
            .bind(organisation)
            .bind(&phase)
            .bind(&definition)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Stores `consultation` whole, replacing the document and every comment, reaction and
    /// report stored under its slug: for demo data and imports, never for a live discussion.
    /// `official` lists the comments the public body wrote.
    pub async fn import_consultation(
        &self,
        consultation: &Consultation,
        official: &BTreeSet<CommentId>,
        organisation: Option<&str>,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let slug = consultation.slug().as_str();
        let definition = document_json(consultation)?;
        let phase = wire_name(&consultation.phase())?;
        with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            for table in ["consultation_reactions", "consultation_reports", "consultation_comments"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE consultation_slug = $1"))
                    .bind(slug)
                    .execute(&mut *transaction)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO consultations (slug, organisation_slug, phase, definition, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition, \
                 phase = excluded.phase, organisation_slug = excluded.organisation_slug",
            )
            .bind(slug)
            .bind(organisation)
            .bind(&phase)
            .bind(&definition)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
            for comment in consultation.comments() {
                let (status, reason) = status_columns(comment.state())?;
                let stance = comment.stance().map(|s| wire_name(&s)).transpose()?;
                sqlx::query(
                    "INSERT INTO consultation_comments (consultation_slug, number, section_id, \
                     parent_number, stance, body, author_token, official, status, \
                     rejection_reason, created_at, moderated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(slug)
                .bind(i64::try_from(comment.id().0)?)
                .bind(comment.section().as_str())
                .bind(comment.parent().map(|p| i64::try_from(p.0)).transpose()?)
                .bind(stance)
                .bind(comment.text().as_str())
                .bind(comment.author().as_str())
                .bind(official.contains(&comment.id()))
                .bind(status)
                .bind(reason)
                .bind(comment.created_at())
                .bind(comment.moderated_at())
                .execute(&mut *transaction)
                .await?;
                // The core keeps who reacted and reported private; its JSON has them.
                let record = serde_json::to_value(comment)?;
                let number = i64::try_from(comment.id().0)?;
                if let Some(reactions) = record["reactions"].as_object() {
                    for (voter, reaction) in reactions {
                        sqlx::query(
                            "INSERT INTO consultation_reactions (consultation_slug, \
                             comment_number, voter_token, reaction, created_at) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(slug)
                        .bind(number)
                        .bind(voter.as_str())
                        .bind(reaction.as_str().unwrap_or_default())
                        .bind(comment.created_at())
                        .execute(&mut *transaction)
                        .await?;
                    }
                }
                for voter in record["reports"].as_array().into_iter().flatten() {
                    sqlx::query(
                        "INSERT INTO consultation_reports (consultation_slug, comment_number, \
                         voter_token, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(slug)
                    .bind(number)
                    .bind(voter.as_str().unwrap_or_default())
                    .bind(comment.created_at())
                    .execute(&mut *transaction)
                    .await?;
                }
            }
            transaction.commit().await?;
        });
        Ok(())
    }

    /// The consultation with this slug and its whole discussion, including drafts and every
    /// moderation state. A stored consultation the core no longer accepts is logged and
    /// treated as missing.
    pub async fn consultation(&self, slug: &Slug) -> anyhow::Result<Option<StoredConsultation>> {
        let found: Option<(String, Option<String>)> = with_pool!(&self.inner.engine, pool => {
            sqlx::query_as(
                "SELECT definition, organisation_slug FROM consultations WHERE slug = $1",
            )
            .bind(slug.as_str())
            .fetch_optional(pool)
            .await?
        });
        let Some((definition, organisation)) = found else {
            return Ok(None);
        };
        let (comments, reactions, reports): DiscussionRows = with_pool!(&self.inner.engine, pool => {
            let comments = sqlx::query_as(
                "SELECT number, section_id, parent_number, stance, body, author_token, official, \
                 status, rejection_reason, created_at, moderated_at FROM consultation_comments \
                 WHERE consultation_slug = $1 ORDER BY number",
            )
            .bind(slug.as_str())
            .fetch_all(pool)
            .await?;
            let reactions = sqlx::query_as(
                "SELECT comment_number, voter_token, reaction FROM consultation_reactions \
                 WHERE consultation_slug = $1",
            )
            .bind(slug.as_str())
            .fetch_all(pool)
            .await?;
            let reports = sqlx::query_as(
                "SELECT comment_number, voter_token FROM consultation_reports \
                 WHERE consultation_slug = $1",
            )
            .bind(slug.as_str())
            .fetch_all(pool)
            .await?;
            (comments, reactions, reports)
        });
        // Grouped by comment once, so putting the discussion together stays linear.
        let mut reactions_of: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
        for (number, voter, reaction) in reactions {
            reactions_of
                .entry(number)
                .or_default()
                .insert(voter, Value::String(reaction));
        }
        let mut reports_of: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
        for (number, voter) in reports {
            reports_of
                .entry(number)
                .or_default()
                .push(Value::String(voter));
        }
        let mut official = BTreeSet::new();
        let mut records = Vec::with_capacity(comments.len());
        for (
            number,
            section,
            parent,
            stance,
            body,
            author,
            is_official,
            status,
            reason,
            created_at,
            moderated_at,
        ) in comments
        {
            let id = CommentId(u64::try_from(number)?);
            if is_official {
                official.insert(id);
            }
            let mut record = Map::new();
            record.insert("id".into(), json!(id));
            record.insert("section".into(), json!(section));
            if let Some(parent) = parent {
                record.insert("parent".into(), json!(parent));
            }
            if let Some(stance) = stance {
                record.insert("stance".into(), json!(stance));
            }
            record.insert("text".into(), json!(body));
            record.insert("author".into(), json!(author));
            record.insert("created_at".into(), json!(rfc3339(created_at)?));
            record.insert(
                "state".into(),
                match reason {
                    Some(reason) => json!({"state": status, "reason": reason}),
                    None => json!({"state": status}),
                },
            );
            record.insert(
                "moderated_at".into(),
                json!(moderated_at.map(rfc3339).transpose()?),
            );
            record.insert(
                "reports".into(),
                Value::Array(reports_of.remove(&number).unwrap_or_default()),
            );
            record.insert(
                "reactions".into(),
                Value::Object(reactions_of.remove(&number).unwrap_or_default()),
            );
            records.push(Value::Object(record));
        }
        let mut document: Value =
            serde_json::from_str(&definition).context("a stored consultation is not JSON")?;
        if let Some(object) = document.as_object_mut() {
            object.insert("comments".into(), Value::Array(records));
        }
        match serde_json::from_value::<Consultation>(document) {
            Ok(consultation) => Ok(Some(StoredConsultation {
                consultation,
                official,
                organisation,
            })),
            Err(error) => {
                tracing::error!(consultation = %slug, %error, "a stored consultation is invalid; it is not served");
                Ok(None)
            }
        }
    }

    async fn existing_consultation(
        &self,
        slug: &Slug,
    ) -> Result<StoredConsultation, ConsultationChangeError> {
        self.consultation(slug)
            .await?
            .ok_or_else(|| ConsultationChangeError::NotFound(slug.clone()))
    }

    /// The comments and replies of `slug` waiting for a moderator, oldest first (the
    /// moderation queue).
    pub async fn pending_comments(
        &self,
        slug: &Slug,
    ) -> Result<Vec<Comment>, ConsultationChangeError> {
        let stored = self.existing_consultation(slug).await?;
        Ok(stored
            .consultation
            .comments()
            .iter()
            .filter(|c| c.state() == ModerationState::Pending)
            .cloned()
            .collect())
    }

    /// Applies a moderator's step to comment `id` at `now`, by the core's rules (publish,
    /// reject with a reason, hide, restore; restoring clears the comment's reports). Returns
    /// the comment's new state. Refused with [`ConsultationChangeError::Conflict`] when the
    /// comment changed state since it was read (another moderator, or reports hiding it).
    pub async fn moderate_comment(
        &self,
        slug: &Slug,
        id: CommentId,
        action: ModerationAction,
        now: OffsetDateTime,
    ) -> Result<ModerationState, ConsultationChangeError> {
        let mut stored = self.existing_consultation(slug).await?;
        let before = stored
            .consultation
            .comment_by_id(id)
            .map(Comment::state)
            .ok_or(ConsultationError::CommentNotFound { id })?;
        let after = stored.consultation.moderate(id, action, now)?;
        let (old_status, _) = status_columns(before)?;
        let (status, reason) = status_columns(after)?;
        let number = i64::try_from(id.0).context("comment id out of range")?;
        let changed = with_pool!(&self.inner.engine, pool => {
            let mut transaction = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE consultation_comments SET status = $1, rejection_reason = $2, \
                 moderated_at = $3 WHERE consultation_slug = $4 AND number = $5 AND status = $6",
            )
            .bind(status)
            .bind(reason)
            .bind(now)
            .bind(slug.as_str())
            .bind(number)
            .bind(old_status)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
            if changed == 1 && action == ModerationAction::Restore {
                sqlx::query(
                    "DELETE FROM consultation_reports WHERE consultation_slug = $1 \
                     AND comment_number = $2",
                )
                .bind(slug.as_str())
                .bind(number)
                .execute(&mut *transaction)
                .await?;
            }
            transaction.commit().await?;
            changed
        });
        if changed == 1 {
            Ok(after)
        } else {
            Err(ConsultationChangeError::Conflict(id))
        }
    }

    /// The public body answers comment `parent` at `now`: a published reply marked official,
    /// by the core's rules for replies (while open, to a published top-level comment).
    /// Returns the answer's id.
    pub async fn add_official_response(
        &self,
        slug: &Slug,
        parent: CommentId,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CommentId, ConsultationChangeError> {
        let mut stored = self.existing_consultation(slug).await?;
        let official = ParticipantId::parse(OFFICIAL_AUTHOR)
            .map_err(|e| anyhow::anyhow!("the official author id is invalid: {e}"))?;
        let consultation = &mut stored.consultation;
        let predicted = consultation.reply(parent, &official, text, now)?;
        consultation.moderate(predicted, ModerationAction::Publish, now)?;
        let reply = consultation
            .comment_by_id(predicted)
            .ok_or_else(|| anyhow::anyhow!("the core lost a reply it just made"))?;
        let number = with_pool!(&self.inner.engine, pool => {
            let number: i64 = sqlx::query_scalar(&insert_comment_sql())
                .bind(slug.as_str())
                .bind(reply.section().as_str())
                .bind(i64::try_from(parent.0).context("comment id out of range")?)
                .bind(None::<String>)
                .bind(reply.text().as_str())
                .bind(OFFICIAL_AUTHOR)
                .bind(true)
                .bind("published")
                .bind(now)
                .bind(Some(now))
                .fetch_one(pool)
                .await?;
            number
        });
        Ok(CommentId(u64::try_from(number).context("comment number")?))
    }

    /// Gives, or replaces, the official response to a section (after closing), by the core's
    /// rules.
    pub async fn respond_to_section(
        &self,
        slug: &Slug,
        section: &str,
        text: LocalizedText,
        now: OffsetDateTime,
    ) -> Result<(), ConsultationChangeError> {
        self.change_consultation_document(slug, now, |c| c.respond(section, text, now))
            .await
    }

    /// Changes the document of consultation `slug` with `change` (a core step: edit while
    /// draft, open, close, respond to a section, publish the outcome) and stores it; nothing
    /// is stored when the core refuses. Comments are rows and are not written here: a change
    /// to them inside `change` is ignored (moderation has [`Database::moderate_comment`]).
    pub async fn change_consultation_document(
        &self,
        slug: &Slug,
        now: OffsetDateTime,
        change: impl FnOnce(&mut Consultation) -> Result<(), ConsultationError>,
    ) -> Result<(), ConsultationChangeError> {
        let mut stored = self.existing_consultation(slug).await?;
        change(&mut stored.consultation)?;
        self.save_consultation(&stored.consultation, stored.organisation.as_deref(), now)
            .await?;
        Ok(())
    }

    /// The published comments and replies of `slug` that citizens reported, and those hidden by
    /// reports, oldest first, with their report counts (the moderators' "reported" list).
    pub async fn reported_comments(
        &self,
        slug: &Slug,
    ) -> Result<Vec<Comment>, ConsultationChangeError> {
        let stored = self.existing_consultation(slug).await?;
        Ok(stored
            .consultation
            .comments()
            .iter()
            .filter(|c| c.report_count() > 0 || c.state() == ModerationState::Hidden)
            .cloned()
            .collect())
    }
}

/// The insert of one comment, numbered one past the consultation's last comment. Parameters:
/// slug, section, parent, stance, body, author, official, status, created_at, moderated_at.
/// Two servers numbering at once collide on the primary key; the loser's write fails and is
/// retried alone by the writer.
pub(crate) fn insert_comment_sql() -> String {
    "INSERT INTO consultation_comments (consultation_slug, number, section_id, parent_number, \
     stance, body, author_token, official, status, created_at, moderated_at) \
     VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM consultation_comments \
     WHERE consultation_slug = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING number"
        .to_owned()
}
