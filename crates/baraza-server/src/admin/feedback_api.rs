//! The admin API's feedback forms: create one and list the organisation's.
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/v1/admin/feedback-forms` with a `FeedbackFormSpec` | `201` [`AdminFeedbackForm`] |
//! | `GET /api/v1/admin/feedback-forms` | [`AdminFeedbackFormList`] |
//!
//! A form is served to citizens (`GET /api/v1/feedback/{slug}`) as soon as it is created:
//! feedback forms have no draft phase in the core.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baraza_core::feedback::{FeedbackForm, FeedbackFormSpec, FormDefinitionErrors};
use baraza_core::v1::{ApiError, ErrorDetail};
use baraza_core::{ErrorCode, Slug};
use serde::Serialize;

use super::auth::{ApiCaller, forbidden};
use crate::AppState;
use crate::error::{ApiJson, AppError};
use crate::storage::{Actor, AuditEntry, CreatePollError};

/// Largest feedback form definition accepted, like a poll's: 64 KiB.
pub(crate) const MAX_FORM_BODY_BYTES: usize = 64 * 1024;

/// A feedback form as the admin API shows it.
#[derive(Debug, Serialize)]
pub(crate) struct AdminFeedbackForm {
    /// The owning organisation.
    organisation: Slug,
    /// The definition, in the `FeedbackFormSpec` shape.
    definition: FeedbackForm,
    /// Responses stored so far.
    responses: u64,
}

/// `GET /api/v1/admin/feedback-forms`: the organisation's forms, newest first.
#[derive(Debug, Serialize)]
pub(crate) struct AdminFeedbackFormList {
    organisation: Slug,
    forms: Vec<AdminFeedbackFormSummary>,
}

/// One line of [`AdminFeedbackFormList`].
#[derive(Debug, Serialize)]
pub(crate) struct AdminFeedbackFormSummary {
    slug: Slug,
    /// The title in the form's default language.
    title: String,
    responses: u64,
}

/// `POST /api/v1/admin/feedback-forms`
pub(crate) async fn create_form(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(spec): ApiJson<FeedbackFormSpec>,
) -> Result<Response, AppError> {
    if !caller.role.may_author() {
        return Err(forbidden(&caller, "create feedback forms"));
    }
    let form = FeedbackForm::try_from(spec).map_err(invalid_definition)?;
    let audit = AuditEntry::new(
        Some(&caller.organisation),
        Actor::Token(caller.token_id),
        "feedback.create",
        form.slug().as_str(),
        state.now(),
    );
    state
        .database
        .create_organisation_feedback_form(&form, &caller.organisation, &audit)
        .await
        .map_err(|error| match error {
            CreatePollError::SlugTaken => AppError::client(
                StatusCode::CONFLICT,
                ErrorCode::SlugTaken,
                format!(
                    "the slug {} is already used by another instrument; choose another",
                    form.slug()
                ),
            ),
            CreatePollError::Database(cause) => AppError::Internal(cause),
        })?;
    tracing::info!(form = %form.slug(), organisation = %caller.organisation, token = caller.token_id, "feedback form created");
    let location = format!("/api/v1/feedback/{}", form.slug());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(AdminFeedbackForm {
            organisation: caller.organisation,
            definition: form,
            responses: 0,
        }),
    )
        .into_response())
}

/// `GET /api/v1/admin/feedback-forms`
pub(crate) async fn list_forms(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<AdminFeedbackFormList>, AppError> {
    let mut forms = Vec::new();
    for slug in state
        .database
        .organisation_feedback_forms(&caller.organisation)
        .await?
    {
        let Some(form) = state.database.feedback_form(&slug).await? else {
            continue;
        };
        forms.push(AdminFeedbackFormSummary {
            title: form
                .title()
                .get(form.default_language().as_str())
                .unwrap_or_default()
                .to_owned(),
            responses: state.database.feedback_response_count(&slug).await?,
            slug,
        });
    }
    Ok(Json(AdminFeedbackFormList {
        organisation: caller.organisation,
        forms,
    }))
}

/// `422 invalid_feedback_form_definition` listing every problem in `details`.
fn invalid_definition(errors: FormDefinitionErrors) -> AppError {
    AppError::Client {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        error: ApiError {
            code: ErrorCode::InvalidFeedbackFormDefinition,
            message: format!("the feedback form definition is invalid: {errors}"),
            details: errors
                .0
                .iter()
                .map(|problem| ErrorDetail {
                    code: ErrorCode::InvalidFeedbackFormDefinition,
                    message: problem.to_string(),
                })
                .collect(),
        },
    }
}
