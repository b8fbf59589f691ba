//! Consultations: `GET /api/v1/consultations/{slug}`,
//! `POST /api/v1/consultations/{slug}/comments`,
//! `POST /api/v1/consultations/{slug}/comments/{id}/reactions`,
//! `POST /api/v1/consultations/{slug}/comments/{id}/reports`.
//!
//! Every write is first made by the core on the consultation as stored (phase, section,
//! one-level replies, published targets, text rules, one reaction and one report per device),
//! and only what the core accepted is queued for the writer. Comment text goes through
//! [`CitizenText`](baraza_core::text_safety::CitizenText) before the core sees it, so personal
//! details are never stored.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use baraza_core::consultation::{
    CommentId, ConsultationError, ConsultationPhase, ModerationState, ParticipantId,
};
use baraza_core::text_safety::RedactionCounts;
use baraza_core::v1::{
    CommentReceipt, CommentSubmission, ConsultationView, ReactionReceipt, ReactionSubmission,
    ReportReceipt, ReportSubmission,
};
use baraza_core::{ErrorCode, Slug, VoterToken};

use crate::AppState;
use crate::api::redacted;
use crate::error::{ApiJson, ApiPath, AppError, quoted_excerpt};
use crate::storage::{ConsultationWrite, Stored, StoredConsultation, Submission, SubmitError};

/// Largest comment body accepted: a comment at the largest limit a consultation may set
/// (20,000 characters) in any script (up to 4 bytes a character), plus the other fields.
pub const MAX_COMMENT_BODY_BYTES: usize = 96 * 1024;

/// Largest reaction or report body accepted: a reaction name and a device token.
pub const MAX_REACTION_BODY_BYTES: usize = 1024;

pub(crate) fn consultation_not_found(slug: &str) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::ConsultationNotFound,
        format!("there is no consultation {}", quoted_excerpt(slug)),
    )
}

/// Loads a consultation citizens may see: drafts are hidden behind the same 404 as a missing
/// consultation.
async fn visible_consultation(
    state: &AppState,
    slug: &str,
) -> Result<StoredConsultation, AppError> {
    let parsed = Slug::parse(slug).map_err(|_| consultation_not_found(slug))?;
    match state.database.consultation(&parsed).await? {
        Some(stored) if stored.consultation.phase() != ConsultationPhase::Draft => Ok(stored),
        _ => Err(consultation_not_found(slug)),
    }
}

/// The device token as the core's participant id.
fn participant(voter: &str) -> Result<ParticipantId, AppError> {
    let invalid = |message: String| {
        AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidVoterToken,
            message,
        )
    };
    let token = VoterToken::parse(voter).map_err(|e| invalid(format!("voter: {e}")))?;
    ParticipantId::parse(token.as_str()).map_err(|e| invalid(format!("voter: {e}")))
}

/// The path's comment id; anything but a positive number is a comment that does not exist.
fn comment_id(raw: &str) -> Result<CommentId, AppError> {
    raw.parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .map(CommentId)
        .ok_or_else(|| {
            AppError::client(
                StatusCode::NOT_FOUND,
                ErrorCode::CommentNotFound,
                format!("there is no comment {}", quoted_excerpt(raw)),
            )
        })
}

/// The core's refusal as an HTTP error: a wrong phase or a repeat conflicts with the
/// consultation's state; a missing comment is not found; the rest is in the request.
fn refused(error: &ConsultationError) -> AppError {
    let code = error.code();
    let status = match code {
        ErrorCode::ConsultationWrongPhase
        | ErrorCode::AlreadyReported
        | ErrorCode::CommentNotPublished => StatusCode::CONFLICT,
        ErrorCode::CommentNotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    AppError::client(status, code, error.to_string())
}

fn invalid_request(message: &str) -> AppError {
    AppError::client(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidRequest,
        message,
    )
}

/// `GET /api/v1/consultations/{slug}`
pub(crate) async fn get_consultation(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ConsultationView>, AppError> {
    let stored = visible_consultation(&state, &slug).await?;
    Ok(Json(ConsultationView::new(&stored.consultation, |id| {
        stored.is_official(id)
    })))
}

/// `POST /api/v1/consultations/{slug}/comments`
pub(crate) async fn submit_comment(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CommentSubmission>,
) -> Result<(StatusCode, Json<CommentReceipt>), AppError> {
    let mut stored = visible_consultation(&state, &slug).await?;
    let author = participant(&body.voter)?;
    let now = state.now();
    let mut removed = RedactionCounts::default();
    let text = redacted(&body.text, &mut removed);
    let consultation = &mut stored.consultation;
    let made = match (body.parent, body.section, body.stance) {
        (Some(parent), None, None) => consultation.reply(parent, &author, &text, now),
        (Some(_), _, _) => {
            return Err(invalid_request(
                "a reply (with parent) has no section or stance: it is on its parent's section",
            ));
        }
        (None, Some(section), Some(stance)) => {
            consultation.comment(&section, &author, stance, &text, now)
        }
        (None, None, _) => {
            return Err(invalid_request(
                "section is required: the id of the section commented on (or parent, for a reply)",
            ));
        }
        (None, Some(_), None) => {
            return Err(invalid_request(
                "stance is required: support, oppose, neutral or question",
            ));
        }
    };
    let predicted = made.map_err(|e| refused(&e))?;
    let comment = consultation
        .comment_by_id(predicted)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the core lost a new comment")))?;
    let initial = comment.state();
    let receipt = |id| CommentReceipt {
        consultation: consultation.slug().clone(),
        id,
        status: initial.into(),
        personal_details_removed: u64::try_from(removed.total()).unwrap_or(u64::MAX),
        redactions: removed,
    };
    if body.honeypot.is_some_and(|h| !h.trim().is_empty()) {
        // Answered like a stored comment, so an automated sender learns nothing.
        tracing::debug!(consultation = %consultation.slug(), "honeypot filled; comment dropped");
        return Ok((StatusCode::CREATED, Json(receipt(predicted))));
    }
    let write = ConsultationWrite::Comment {
        consultation: consultation.slug().clone(),
        section: comment.section().clone(),
        parent: comment.parent(),
        stance: comment.stance(),
        text: comment.text().as_str().to_owned(),
        author,
        state: initial,
        created_at: now,
    };
    let id = match state
        .database
        .submit(Submission::Consultation(write))
        .await?
    {
        Stored::ConsultationComment { id } => id,
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "a comment was stored as {other:?}"
            )));
        }
    };
    tracing::debug!(consultation = %consultation.slug(), "consultation comment stored");
    Ok((StatusCode::CREATED, Json(receipt(id))))
}

fn already_reacted() -> AppError {
    AppError::client(
        StatusCode::CONFLICT,
        ErrorCode::AlreadyReacted,
        "this device has already reacted to this comment; one reaction per device and comment",
    )
}

/// `POST /api/v1/consultations/{slug}/comments/{id}/reactions`
pub(crate) async fn submit_reaction(
    State(state): State<AppState>,
    ApiPath((slug, id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ReactionSubmission>,
) -> Result<(StatusCode, Json<ReactionReceipt>), AppError> {
    let mut stored = visible_consultation(&state, &slug).await?;
    let id = comment_id(&id)?;
    let voter = participant(&body.voter)?;
    let consultation = &mut stored.consultation;
    // The core replaces an earlier reaction; the public API keeps one per device instead,
    // so a repeat is refused and nothing changes.
    if consultation
        .react(id, &voter, body.reaction)
        .map_err(|e| refused(&e))?
        .is_some()
    {
        return Err(already_reacted());
    }
    let (agrees, disagrees) = consultation
        .comment_by_id(id)
        .map(|c| (c.agrees(), c.disagrees()))
        .unwrap_or_default();
    let write = ConsultationWrite::Reaction {
        consultation: consultation.slug().clone(),
        comment: id,
        voter,
        reaction: body.reaction,
        at: state.now(),
    };
    state
        .database
        .submit(Submission::Consultation(write))
        .await
        .map_err(|e| match e {
            SubmitError::AlreadyParticipated => already_reacted(),
            other => AppError::from(other),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(ReactionReceipt {
            comment: id,
            agrees,
            disagrees,
        }),
    ))
}

/// `POST /api/v1/consultations/{slug}/comments/{id}/reports`
pub(crate) async fn submit_report(
    State(state): State<AppState>,
    ApiPath((slug, id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ReportSubmission>,
) -> Result<(StatusCode, Json<ReportReceipt>), AppError> {
    let mut stored = visible_consultation(&state, &slug).await?;
    let id = comment_id(&id)?;
    let voter = participant(&body.voter)?;
    let consultation = &mut stored.consultation;
    let after = consultation.report(id, &voter).map_err(|e| refused(&e))?;
    let write = ConsultationWrite::Report {
        consultation: consultation.slug().clone(),
        comment: id,
        voter,
        at: state.now(),
        hides: after == ModerationState::Hidden,
    };
    state
        .database
        .submit(Submission::Consultation(write))
        .await
        .map_err(|e| match e {
            SubmitError::AlreadyParticipated => refused(&ConsultationError::AlreadyReported { id }),
            other => AppError::from(other),
        })?;
    Ok((StatusCode::CREATED, Json(ReportReceipt { comment: id })))
}
