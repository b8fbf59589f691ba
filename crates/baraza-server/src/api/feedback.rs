//! Feedback forms: `GET /api/v1/feedback/{slug}`, `POST /api/v1/feedback/{slug}/responses`,
//! `GET /api/v1/feedback/{slug}/results`.
//!
//! A response is turned into the core's submission here, at the edge: the page path loses any
//! query string or fragment (they can carry search terms, tokens or e-mail addresses), the page
//! title is checked, and every free text goes through [`CitizenText`] so that personal details
//! are replaced before the core validates the text and long before it is stored.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use baraza_core::feedback::{
    AnswerInput, AnswerSubmission, Confidence, FeedbackForm, FeedbackSubmission,
};
use baraza_core::text_safety::RedactionCounts;
use baraza_core::v1::{
    ApiError, ErrorDetail, FeedbackFormView, FeedbackReceipt, FeedbackResponseSubmission,
    FeedbackResults,
};
use baraza_core::{ErrorCode, Slug};

use crate::AppState;
use crate::api::redacted;
use crate::error::{ApiJson, ApiPath, AppError, quoted_excerpt};
use crate::storage::{Channel, Submission};

/// Largest feedback response body accepted: room for a form's ratings and choices and several
/// thousand characters of free text in any script (up to 4 bytes a character in UTF-8).
pub const MAX_FEEDBACK_BODY_BYTES: usize = 64 * 1024;

/// Longest page title stored, in characters; longer titles are refused, not cut.
pub const MAX_PAGE_TITLE_CHARS: usize = 300;

pub(crate) fn form_not_found(slug: &str) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::FeedbackFormNotFound,
        format!("there is no feedback form {}", quoted_excerpt(slug)),
    )
}

async fn find_form(state: &AppState, slug: &str) -> Result<FeedbackForm, AppError> {
    let parsed = Slug::parse(slug).map_err(|_| form_not_found(slug))?;
    state
        .database
        .feedback_form(&parsed)
        .await?
        .ok_or_else(|| form_not_found(slug))
}

/// `GET /api/v1/feedback/{slug}`
pub(crate) async fn get_form(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<FeedbackFormView>, AppError> {
    let form = find_form(&state, &slug).await?;
    Ok(Json(FeedbackFormView::new(&form)))
}

/// The page path as stored: everything before the first `?` or `#`.
fn page_path(raw: &str) -> &str {
    raw.split(['?', '#']).next().unwrap_or_default()
}

/// The answers with every free text redacted.
pub(crate) fn redact_answers(
    answers: Vec<AnswerSubmission>,
    removed: &mut RedactionCounts,
) -> Vec<AnswerSubmission> {
    answers
        .into_iter()
        .map(|mut submitted| {
            match &mut submitted.answer {
                AnswerInput::Text(text) => *text = redacted(text, removed),
                AnswerInput::Useful(useful) => {
                    if let Some(comment) = &mut useful.comment {
                        *comment = redacted(comment, removed);
                    }
                }
                AnswerInput::Csat(_) | AnswerInput::Nps(_) | AnswerInput::Choice(_) => {}
            }
            submitted
        })
        .collect()
}

/// The page title as stored: trimmed, `None` when empty; a problem when too long or holding
/// control characters.
fn page_title(raw: Option<String>) -> Result<Option<String>, ErrorDetail> {
    let Some(title) = raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let chars = title.chars().count();
    if chars > MAX_PAGE_TITLE_CHARS || title.chars().any(char::is_control) {
        return Err(ErrorDetail {
            code: ErrorCode::InvalidPageTitle,
            message: format!(
                "page_title must be at most {MAX_PAGE_TITLE_CHARS} characters without control \
                 characters; it has {chars}"
            ),
        });
    }
    Ok(Some(title))
}

/// `POST /api/v1/feedback/{slug}/responses`
pub(crate) async fn submit_response(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<FeedbackResponseSubmission>,
) -> Result<(StatusCode, Json<FeedbackReceipt>), AppError> {
    let form = find_form(&state, &slug).await?;
    let now = state.now();
    let mut problems = Vec::new();
    let path = page_path(&body.page_path);
    if !path.starts_with('/') {
        problems.push(ErrorDetail {
            code: ErrorCode::InvalidPageKey,
            message: "page_path must be the page's path, starting with /, e.g. /water/tariffs"
                .to_owned(),
        });
    }
    let title = page_title(body.page_title).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    let mut removed = RedactionCounts::default();
    let submission = FeedbackSubmission {
        page: path.to_owned(),
        answers: redact_answers(body.answers, &mut removed),
    };
    let response = form.validate_response(&submission, now);
    let response = match response {
        Ok(response) if problems.is_empty() => response,
        outcome => {
            if let Err(errors) = outcome {
                problems.extend(errors.errors().iter().map(|e| ErrorDetail {
                    code: e.code(),
                    message: e.to_string(),
                }));
            }
            return Err(refusal(problems));
        }
    };
    let receipt = FeedbackReceipt {
        form: form.slug().clone(),
        personal_details_removed: u64::try_from(removed.total()).unwrap_or(u64::MAX),
        redactions: removed,
    };
    if body.honeypot.is_some_and(|h| !h.trim().is_empty()) {
        // Answered exactly as a stored response, so an automated sender learns nothing.
        tracing::debug!(form = %form.slug(), "honeypot filled; feedback response dropped");
        return Ok((StatusCode::CREATED, Json(receipt)));
    }
    state
        .database
        .submit(Submission::FeedbackResponse {
            response,
            page_title: title,
            channel: Channel::Web,
        })
        .await?;
    tracing::debug!(form = %form.slug(), "feedback response stored");
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// A `422` listing every problem; the first one's code is the error's code.
fn refusal(mut problems: Vec<ErrorDetail>) -> AppError {
    let Some(first) = problems.first().cloned() else {
        return AppError::Internal(anyhow::anyhow!(
            "a feedback response was refused for no reason"
        ));
    };
    let message = if problems.len() == 1 {
        first.message
    } else {
        let all: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        format!(
            "{} problems with the response: {}",
            problems.len(),
            all.join("; ")
        )
    };
    if problems.len() == 1 {
        problems.clear();
    }
    AppError::Client {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        error: ApiError {
            code: first.code,
            message,
            details: problems,
        },
    }
}

/// `GET /api/v1/feedback/{slug}/results`
pub(crate) async fn get_results(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<FeedbackResults>, AppError> {
    let form = find_form(&state, &slug).await?;
    let aggregate = state.database.feedback_aggregate(&form).await?;
    Ok(Json(FeedbackResults::new(
        &aggregate,
        Confidence::default(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_path_drops_query_and_fragment() {
        assert_eq!(
            page_path("/water/tariffs?q=jane@mail.example#top"),
            "/water/tariffs"
        );
        assert_eq!(page_path("/water#section-2"), "/water");
        assert_eq!(page_path("/water"), "/water");
        assert_eq!(page_path("?only-a-query"), "");
    }

    #[test]
    fn page_title_is_trimmed_and_bounded() {
        assert_eq!(page_title(None), Ok(None));
        assert_eq!(page_title(Some("   ".into())), Ok(None));
        assert_eq!(page_title(Some(" Water ".into())), Ok(Some("Water".into())));
        let long = "x".repeat(MAX_PAGE_TITLE_CHARS + 1);
        assert_eq!(
            page_title(Some(long)).map_err(|e| e.code),
            Err(ErrorCode::InvalidPageTitle)
        );
        assert_eq!(
            page_title(Some("a\nb".into())).map_err(|e| e.code),
            Err(ErrorCode::InvalidPageTitle)
        );
    }
}
