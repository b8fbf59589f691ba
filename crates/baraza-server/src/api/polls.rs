//! Polls: `GET /api/v1/polls/{slug}`, `POST /api/v1/polls/{slug}/ballots`,
//! `GET /api/v1/polls/{slug}/results`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use baraza_core::v1::{BallotReceipt, BallotSubmission, PollResults, PollView};
use baraza_core::{ErrorCode, Poll, PollPhase, Slug};

use crate::AppState;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::storage::{Channel, SubmitError};
use crate::vouchers::{self, Sender, VoucherCheck};

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
    let voucher_required = state.database.voucher_required(poll.slug()).await?;
    Ok(Json(
        PollView::new(&poll, state.now()).with_voucher_required(voucher_required),
    ))
}

/// `POST /api/v1/polls/{slug}/ballots`
pub(crate) async fn submit_ballot(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiPath(slug): ApiPath<String>,
    ApiJson(submission): ApiJson<BallotSubmission>,
) -> Result<(StatusCode, Json<BallotReceipt>), AppError> {
    let poll = visible_poll(&state, &slug).await?;
    let now = state.now();
    let ballot = submission.validate(&poll, now)?;
    // Codes are counted by the client's address (through trusted proxies); without one (the
    // router driven in-process) they are not limited.
    let wrong_codes = state.database.wrong_codes();
    let attempt =
        peer.filter(|_| submission.voucher.is_some())
            .map(|Extension(ConnectInfo(address))| {
                Sender::address(state.client_address(address.ip(), &headers))
            });
    if let Some(sender) = &attempt
        && !wrong_codes.attempt(poll.slug(), sender, now)
    {
        return Err(AppError::client(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyVoucherAttempts,
            "too many wrong voucher codes came from this address for this poll: try again in \
             an hour",
        ));
    }
    // Every outcome but a wrong code takes the attempt back.
    let forgive = || {
        if let Some(sender) = &attempt {
            wrong_codes.forgive(poll.slug(), sender);
        }
    };
    let voucher = match vouchers::check(&state, poll.slug(), submission.voucher.as_deref()).await {
        Ok(VoucherCheck::Missing) => {
            return Err(AppError::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VoucherRequired,
                "this poll counts only ballots with one of its voucher codes: send it in `voucher`",
            ));
        }
        Ok(VoucherCheck::Malformed) => return Err(SubmitError::VoucherUnknown.into()),
        Ok(check) => check.into_hash(),
        Err(error) => {
            forgive();
            return Err(error.into());
        }
    };
    let stored = state
        .database
        .insert_ballot_with_voucher(ballot, now, Channel::Web, voucher)
        .await;
    if !matches!(stored, Err(SubmitError::VoucherUnknown)) {
        forgive();
    }
    stored.map_err(|e| match e {
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

/// `GET /api/v1/polls/{slug}/channels`: how the poll's ballots arrived — web, SMS, USSD.
pub(crate) async fn get_channel_shares(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ChannelShares>, AppError> {
    let poll = visible_poll(&state, &slug).await?;
    let counts = state.database.channel_counts(poll.slug()).await?;
    let total: u64 = counts.iter().map(|(_, count)| count).sum();
    let tenths = shares_in_tenths(&counts.iter().map(|(_, c)| *c).collect::<Vec<_>>());
    Ok(Json(ChannelShares {
        poll: poll.slug().clone(),
        total_ballots: total,
        channels: counts
            .iter()
            .zip(tenths)
            .map(|((channel, count), percent_tenths)| ChannelShare {
                channel: channel.as_str(),
                count: *count,
                percent_tenths,
            })
            .collect(),
    }))
}

/// The share of each channel in a poll's ballots.
#[derive(Debug, serde::Serialize)]
pub(crate) struct ChannelShares {
    poll: Slug,
    total_ballots: u64,
    channels: Vec<ChannelShare>,
}

/// One channel's ballots: `{"channel": "sms", "count": 12, "percent_tenths": 375}`.
#[derive(Debug, serde::Serialize)]
pub(crate) struct ChannelShare {
    channel: &'static str,
    count: u64,
    percent_tenths: u32,
}

/// Shares of `counts` in tenths of a percent that add up to exactly 1000 (largest remainder);
/// all zero when there is nothing to share.
pub(crate) fn shares_in_tenths(counts: &[u64]) -> Vec<u32> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let exact: Vec<(u64, u64)> = counts
        .iter()
        .map(|&count| ((count * 1000) / total, (count * 1000) % total))
        .collect();
    let mut shares: Vec<u32> = exact
        .iter()
        .map(|&(whole, _)| u32::try_from(whole).unwrap_or(1000))
        .collect();
    let given: u32 = shares.iter().sum();
    let mut by_remainder: Vec<usize> = (0..counts.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(exact[i].1));
    for &i in by_remainder
        .iter()
        .take(1000_u32.saturating_sub(given) as usize)
    {
        shares[i] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::shares_in_tenths;

    #[test]
    fn shares_add_up_to_a_thousand_tenths() {
        assert_eq!(shares_in_tenths(&[1, 1, 1]), [334, 333, 333]);
        assert_eq!(shares_in_tenths(&[2, 1, 0]), [667, 333, 0]);
        assert_eq!(shares_in_tenths(&[0, 0, 0]), [0, 0, 0]);
        assert_eq!(shares_in_tenths(&[5, 0, 0]), [1000, 0, 0]);
    }
}
