//! The admin API's polls: create, list, read with results, and export every ballot.
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/v1/admin/polls` with a `PollSpec` | `201` [`AdminPoll`] |
//! | `GET /api/v1/admin/polls` | [`AdminPollList`] |
//! | `GET /api/v1/admin/polls/{slug}` | [`AdminPoll`] with results |
//! | `GET /api/v1/admin/polls/{slug}/export.csv` | `text/csv`, see [`export`](super::export) |
//! | `GET /api/v1/admin/polls/{slug}/export.json` | JSON array, see [`export`](super::export) |
//!
//! A poll of another organisation answers `404 poll_not_found`, exactly like a poll that does
//! not exist: a token learns nothing about other organisations.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baraza_core::v1::{ApiError, ErrorDetail, PollResults};
use baraza_core::{ErrorCode, Poll, PollDefinitionErrors, PollPhase, PollSpec, Slug};
use serde::Serialize;

use super::auth::{ApiCaller, forbidden};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::storage::{Actor, AuditEntry, CreatePollError, TokenCaller};

/// Largest poll definition accepted: 64 KiB holds the most options a poll may have, each
/// labelled in a dozen languages.
pub(crate) const MAX_POLL_BODY_BYTES: usize = 64 * 1024;

/// A poll as the admin API shows it.
#[derive(Debug, Serialize)]
pub(crate) struct AdminPoll {
    /// The owning organisation.
    organisation: Slug,
    /// Where the poll stands now (drafts included).
    phase: PollPhase,
    /// The definition, in the `PollSpec` shape it was created with.
    definition: Arc<Poll>,
    /// The current results.
    results: PollResults,
}

/// `GET /api/v1/admin/polls`: the organisation's polls, newest first (then by slug).
#[derive(Debug, Serialize)]
pub(crate) struct AdminPollList {
    organisation: Slug,
    polls: Vec<AdminPollSummary>,
}

/// One line of [`AdminPollList`].
#[derive(Debug, Serialize)]
pub(crate) struct AdminPollSummary {
    slug: Slug,
    /// The question in the poll's default language.
    question: String,
    phase: PollPhase,
    ballots: u64,
}

/// `POST /api/v1/admin/polls`
pub(crate) async fn create_poll(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(spec): ApiJson<PollSpec>,
) -> Result<Response, AppError> {
    if !caller.role.may_author() {
        return Err(forbidden(&caller, "create polls"));
    }
    let poll = Poll::try_from(spec).map_err(invalid_definition)?;
    let now = state.now();
    let audit = AuditEntry::new(
        Some(&caller.organisation),
        Actor::Token(caller.token_id),
        "poll.create",
        poll.slug().as_str(),
        now,
    );
    state
        .database
        .create_organisation_poll(&poll, &caller.organisation, &audit, now)
        .await
        .map_err(|error| match error {
            CreatePollError::SlugTaken => AppError::client(
                StatusCode::CONFLICT,
                ErrorCode::SlugTaken,
                format!(
                    "the slug {} is already used by another poll; choose another",
                    poll.slug()
                ),
            ),
            CreatePollError::Database(cause) => AppError::Internal(cause),
        })?;
    tracing::info!(poll = %poll.slug(), organisation = %caller.organisation, token = caller.token_id, "poll created");
    let view = admin_poll(&state, &caller, poll.slug()).await?;
    let location = format!("/api/v1/admin/polls/{}", poll.slug());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response())
}

/// `GET /api/v1/admin/polls`
pub(crate) async fn list_polls(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<AdminPollList>, AppError> {
    let now = state.now();
    let mut polls = Vec::new();
    for slug in state
        .database
        .organisation_polls(&caller.organisation)
        .await?
    {
        // A poll whose stored definition no longer loads is left out (and logged on load).
        let Some(poll) = state.database.poll(&slug).await? else {
            continue;
        };
        let tally = state.database.tally(&poll)?;
        polls.push(AdminPollSummary {
            question: poll
                .question()
                .get(poll.default_language().as_str())
                .unwrap_or_default()
                .to_owned(),
            phase: poll.phase_at(now),
            ballots: tally.total_ballots(),
            slug,
        });
    }
    Ok(Json(AdminPollList {
        organisation: caller.organisation,
        polls,
    }))
}

/// `GET /api/v1/admin/polls/{slug}`
pub(crate) async fn get_poll(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<AdminPoll>, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    Ok(Json(admin_poll(&state, &caller, &slug).await?))
}

/// The slug of a poll of the caller's organisation, or `404 poll_not_found` (for polls of
/// other organisations too).
pub(crate) async fn owned_poll(
    state: &AppState,
    caller: &TokenCaller,
    slug: &str,
) -> Result<Slug, AppError> {
    let parsed = Slug::parse(slug).map_err(|_| AppError::poll_not_found(slug))?;
    match state.database.poll_organisation(&parsed).await? {
        Some(Some(owner)) if owner == caller.organisation => Ok(parsed),
        _ => Err(AppError::poll_not_found(slug)),
    }
}

async fn admin_poll(
    state: &AppState,
    caller: &TokenCaller,
    slug: &Slug,
) -> Result<AdminPoll, AppError> {
    let poll = state
        .database
        .poll(slug)
        .await?
        .ok_or_else(|| AppError::poll_not_found(slug.as_str()))?;
    let tally = state.database.tally(&poll)?;
    let phase = poll.phase_at(state.now());
    Ok(AdminPoll {
        organisation: caller.organisation.clone(),
        phase,
        results: PollResults::new(&tally, phase),
        definition: poll,
    })
}

/// `422 invalid_poll_definition` listing every problem in `details`.
fn invalid_definition(errors: PollDefinitionErrors) -> AppError {
    AppError::Client {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        error: ApiError {
            code: ErrorCode::InvalidPollDefinition,
            message: format!("the poll definition is invalid: {errors}"),
            details: errors
                .0
                .iter()
                .map(|problem| ErrorDetail {
                    code: problem.code(),
                    message: problem.to_string(),
                })
                .collect(),
        },
    }
}
