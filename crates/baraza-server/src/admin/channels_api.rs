//! The admin API's phone channels of a poll, with the admin site's rules
//! (`channel_settings.rs`).
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /api/v1/admin/polls/{slug}/channels` | any role | `{"poll", "sms_keyword", "ussd_service_code", "voucher_required"}` |
//! | `PUT /api/v1/admin/polls/{slug}/channels` with the same fields but `poll` | editor, admin | `200` the stored settings |
//!
//! A keyword is 2–20 letters or digits starting with a letter (stored upper case; not `HELP` or
//! `STOP`), a service code `*`, numbers separated by `*`, and `#`; `null` turns a channel off.
//! Refusals change nothing: `422 invalid_request` for a malformed value (the message names the
//! field), `409 slug_taken` for a keyword or code another poll or form answers to,
//! `409 poll_not_open` for a closed poll or for a voucher rule changed after opening. Every
//! change writes an audit row (`poll.channels`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use baraza_core::{ErrorCode, PollPhase, Slug};
use serde::{Deserialize, Serialize};

use super::auth::{ApiCaller, forbidden};
use super::channel_settings::{KeywordProblem, before_opening, parse_keyword, parse_service_code};
use super::polls::owned_poll;
use crate::AppState;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::storage::{Actor, AuditEntry, PollChannels, SetChannelsError};

/// A poll's phone channels as the API shows them.
#[derive(Debug, Serialize)]
pub(crate) struct ChannelsView {
    poll: Slug,
    sms_keyword: Option<String>,
    ussd_service_code: Option<String>,
    voucher_required: bool,
}

/// `PUT …/channels`: the settings to store, all of them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChannelsRequest {
    sms_keyword: Option<String>,
    ussd_service_code: Option<String>,
    voucher_required: bool,
}

fn view(poll: Slug, channels: PollChannels) -> ChannelsView {
    ChannelsView {
        poll,
        sms_keyword: channels.sms_keyword,
        ussd_service_code: channels.ussd_service_code,
        voucher_required: channels.voucher_required,
    }
}

fn unprocessable(message: &str) -> AppError {
    AppError::client(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidRequest,
        message,
    )
}

/// `GET /api/v1/admin/polls/{slug}/channels`
pub(crate) async fn get_channels(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ChannelsView>, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    let channels = state.database.poll_channels(&slug).await?;
    Ok(Json(view(slug, channels)))
}

/// `PUT /api/v1/admin/polls/{slug}/channels`
pub(crate) async fn put_channels(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
    ApiJson(request): ApiJson<ChannelsRequest>,
) -> Result<Json<ChannelsView>, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    if !caller.role.may_author() {
        return Err(forbidden(&caller, "change a poll's phone channels"));
    }
    let keyword = parse_keyword(request.sms_keyword.as_deref().unwrap_or_default()).map_err(
        |problem| {
            unprocessable(match problem {
                KeywordProblem::Format => {
                    "sms_keyword must be 2 to 20 letters or digits starting with a letter, like TARIFF"
                }
                KeywordProblem::Reserved => {
                    "sms_keyword cannot be HELP or STOP, which mobile networks keep"
                }
            })
        },
    )?;
    let code = parse_service_code(request.ussd_service_code.as_deref().unwrap_or_default())
        .map_err(|()| {
            unprocessable(
                "ussd_service_code must be a star, numbers separated by stars, and a hash, like *384*55#",
            )
        })?;
    let poll = state
        .database
        .poll(&slug)
        .await?
        .ok_or_else(|| AppError::poll_not_found(slug.as_str()))?;
    let now = state.now();
    if poll.phase_at(now) == PollPhase::Closed {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            ErrorCode::PollNotOpen,
            "the poll is closed: its phone channels no longer change",
        ));
    }
    let stored = state.database.poll_channels(&slug).await?;
    if request.voucher_required != stored.voucher_required && !before_opening(&poll, now) {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            ErrorCode::PollNotOpen,
            "voucher_required changes only until the poll opens, so every counted answer met \
             the same rule",
        ));
    }
    let channels = PollChannels {
        sms_keyword: keyword,
        ussd_service_code: code,
        voucher_required: request.voucher_required,
    };
    let audit = AuditEntry::new(
        Some(&caller.organisation),
        Actor::Token(caller.token_id),
        "poll.channels",
        slug.as_str(),
        now,
    );
    let taken = |what: &str| {
        AppError::client(
            StatusCode::CONFLICT,
            ErrorCode::SlugTaken,
            format!("another poll or feedback form already answers to this {what}"),
        )
    };
    match state
        .database
        .update_poll_channels(&slug, &channels, &audit)
        .await
    {
        Ok(()) => {}
        Err(SetChannelsError::KeywordTaken) => return Err(taken("SMS keyword")),
        Err(SetChannelsError::ServiceCodeTaken) => return Err(taken("USSD service code")),
        Err(SetChannelsError::Database(error)) => return Err(error.into()),
    }
    tracing::info!(poll = %slug, token = caller.token_id, "poll channels changed through the admin API");
    let channels = state.database.poll_channels(&slug).await?;
    Ok(Json(view(slug, channels)))
}
