//! The admin API's voucher codes of a poll.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /api/v1/admin/polls/{slug}/vouchers` | any role | `{"poll", "required", "total", "used"}` |
//! | `POST /api/v1/admin/polls/{slug}/vouchers` with `{"count": N}` | editor, admin | `201 text/csv`, the new codes |
//! | `POST /api/v1/admin/polls/{slug}/vouchers/sms` with `{"phones": ["+254…", …]}` | editor, admin | `200 {"poll", "sent", "failed"}`: one new code sent to each phone through Kannel |
//!
//! As on the admin site, the CSV is the only time the codes exist in the clear (`no-store`);
//! every generation writes an audit row (`poll.vouchers`). Codes sent by SMS exist in the clear
//! only in the messages: the numbers are read, used to send and forgotten (never stored, never
//! logged), and a number that cannot be read refuses the whole request before anything is
//! generated or sent. Without Kannel's sendsms settings the answer is `503 sms_not_configured`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baraza_core::{ErrorCode, PollPhase, Slug};
use serde::{Deserialize, Serialize};

use super::auth::{ApiCaller, forbidden};
use super::polls::owned_poll;
use crate::AppState;
use crate::channels::phone::PhoneNumber;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::storage::{Actor, AuditEntry};
use crate::vouchers::{self, MAX_CODES_PER_BATCH, MAX_PHONES_PER_SMS_BATCH};

/// `GET …/vouchers`: the poll's voucher rule and codes.
#[derive(Debug, Serialize)]
pub(crate) struct VoucherSummary {
    poll: Slug,
    /// Whether ballots count only with a code.
    required: bool,
    /// Codes generated.
    total: u64,
    /// Codes spent.
    used: u64,
}

/// `POST …/vouchers/sms`: the phones to send one new code each.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SendRequest {
    phones: Vec<String>,
}

/// `POST …/vouchers`: how many codes to generate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenerateRequest {
    count: u32,
}

/// `GET /api/v1/admin/polls/{slug}/vouchers`
pub(crate) async fn voucher_summary(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<VoucherSummary>, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    let counts = state.database.voucher_counts(&slug).await?;
    Ok(Json(VoucherSummary {
        required: state.database.voucher_required(&slug).await?,
        total: counts.total,
        used: counts.used,
        poll: slug,
    }))
}

/// `POST /api/v1/admin/polls/{slug}/vouchers`
pub(crate) async fn generate_vouchers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Response, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    if !caller.role.may_author() {
        return Err(forbidden(&caller, "generate voucher codes"));
    }
    if !(1..=MAX_CODES_PER_BATCH).contains(&request.count) {
        return Err(AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            format!("count must be from 1 to {MAX_CODES_PER_BATCH}"),
        ));
    }
    let Some(settings) = state.channels() else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "voucher codes need the server secret (the phone channels' settings)"
        )));
    };
    let poll = state
        .database
        .poll(&slug)
        .await?
        .ok_or_else(|| AppError::poll_not_found(slug.as_str()))?;
    if poll.phase_at(state.now()) == PollPhase::Closed {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            ErrorCode::PollNotOpen,
            "the poll is closed: its voucher codes can no longer be used",
        ));
    }
    let audit = AuditEntry::new(
        Some(&caller.organisation),
        Actor::Token(caller.token_id),
        "poll.vouchers",
        slug.as_str(),
        state.now(),
    );
    let codes = vouchers::issue(
        &state.database,
        &settings.phone_key,
        &slug,
        request.count,
        &audit,
    )
    .await?;
    tracing::info!(poll = %slug, token = caller.token_id, count = codes.len(), "voucher codes generated through the admin API");
    let mut response = super::export::download(
        axum::body::Body::from(vouchers::csv(&slug, &codes)),
        "text/csv; charset=utf-8",
        &format!("{slug}-vouchers.csv"),
    );
    *response.status_mut() = StatusCode::CREATED;
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&format!("/api/v1/admin/polls/{slug}/vouchers"))
            .unwrap_or_else(|_| HeaderValue::from_static("/api/v1/admin/polls")),
    );
    Ok(response.into_response())
}

/// `POST /api/v1/admin/polls/{slug}/vouchers/sms`
pub(crate) async fn send_vouchers_by_sms(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(slug): ApiPath<String>,
    ApiJson(request): ApiJson<SendRequest>,
) -> Result<Json<SentReceipt>, AppError> {
    let slug = owned_poll(&state, &caller, &slug).await?;
    if !caller.role.may_author() {
        return Err(forbidden(&caller, "send voucher codes"));
    }
    if !(1..=MAX_PHONES_PER_SMS_BATCH).contains(&request.phones.len()) {
        return Err(AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            format!("phones must list from 1 to {MAX_PHONES_PER_SMS_BATCH} numbers"),
        ));
    }
    let (Some(settings), Some(sendsms)) = (state.channels(), state.outgoing_sms()) else {
        return Err(AppError::client(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::SmsNotConfigured,
            "this server sends no SMS: start it with --kannel-sendsms-url, --kannel-username \
             and --kannel-password-file",
        ));
    };
    let mut phones = Vec::with_capacity(request.phones.len());
    for (index, typed) in request.phones.iter().enumerate() {
        // The message names the position, never the number.
        let phone = PhoneNumber::parse(typed, settings.country_code.as_deref()).map_err(|_| {
            AppError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidRequest,
                format!(
                    "phones[{index}] is not a phone number (international +254…, or national \
                     with --sms-country-code); nothing was sent"
                ),
            )
        })?;
        phones.push(phone);
    }
    let poll = state
        .database
        .poll(&slug)
        .await?
        .ok_or_else(|| AppError::poll_not_found(slug.as_str()))?;
    if poll.phase_at(state.now()) == PollPhase::Closed {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            ErrorCode::PollNotOpen,
            "the poll is closed: its voucher codes can no longer be used",
        ));
    }
    let audit = AuditEntry::new(
        Some(&caller.organisation),
        Actor::Token(caller.token_id),
        "poll.vouchers_sms",
        slug.as_str(),
        state.now(),
    );
    let outcome =
        vouchers::send_by_sms(&state, sendsms, &settings.phone_key, &poll, &phones, &audit).await?;
    Ok(Json(SentReceipt {
        poll: slug,
        sent: outcome.sent,
        failed: outcome.failed,
    }))
}

/// `POST …/vouchers/sms`: what became of the messages.
#[derive(Debug, Serialize)]
pub(crate) struct SentReceipt {
    poll: Slug,
    /// Messages Kannel accepted for delivery.
    sent: usize,
    /// Messages Kannel did not accept (see the server log for why; no number is logged).
    failed: usize,
}
