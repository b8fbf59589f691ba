//! Polls: `GET /api/v1/polls/{slug}`, `POST /api/v1/polls/{slug}/ballots`,
//! `GET /api/v1/polls/{slug}/results`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use baraza_core::v1::{BallotReceipt, BallotSubmission, PollResults, PollView};
use baraza_core::{ErrorCode, Poll, PollPhase, Slug};

use crate::AppState;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::storage::SubmitError;
use std::sync::Arc;

/// Largest ballot body accepted. A ballot of 20 option ids and a token fits in well under 2 KiB.
pub const MAX_BALLOT_BODY_BYTES: usize = 8 * 1024;

/// Loads a poll citizens may see: drafts are hidden behind the same 404 as a missing poll.
async fn visible_poll(state: &AppState, slug: &str) -> Result<Arc<Poll>, AppError> {
    let parsed = Slug::parse(slug).map_err(|_| AppError::poll_not_found(slug))?;
    match state.database.poll(&parsed).await? {
        Some(poll) if poll.phase_at(state.now()) != PollPhase::Draft => Ok(poll),
        _ => Err(AppError::poll_not_found(slug)),
    }
}

/// `GET /api/v1/polls/{slug}`
pub(crate) async fn get_poll(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<PollView>, AppError> {
    let poll = visible_poll(&state, &slug).await?;
    Ok(Json(PollView::new(&poll, state.now())))
}

/// `POST /api/v1/polls/{slug}/ballots`
pub(crate) async fn submit_ballot(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    ApiJson(submission): ApiJson<BallotSubmission>,
) -> Result<(StatusCode, Json<BallotReceipt>), AppError> {
    let poll = visible_poll(&state, &slug).await?;
    let now = state.now();
    let ballot = poll.validate_ballot(&submission, now)?;
    state
        .database
        .insert_ballot(ballot, now)
        .await
        .map_err(|e| match e {
            SubmitError::AlreadyParticipated => AppError::client(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyVoted,
                "this device has already voted in this poll; a ballot cannot be changed once cast",
            ),
            other => AppError::from(other),
        })?;
    tracing::debug!(poll = %poll.slug(), "ballot stored");
    let tally = state.database.tally(&poll)?;
    let results = PollResults::new(&tally, poll.phase_at(now));
    Ok((
        StatusCode::CREATED,
        Json(BallotReceipt {
            poll: poll.slug().clone(),
            results,
        }),
    ))
}

/// `GET /api/v1/polls/{slug}/results`
pub(crate) async fn get_results(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<PollResults>, AppError> {
    let poll = visible_poll(&state, &slug).await?;
    let tally = state.database.tally(&poll)?;
    Ok(Json(PollResults::new(&tally, poll.phase_at(state.now()))))
}
