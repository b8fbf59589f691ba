//! Citizens on basic phones: SMS through the Kannel gateway (`sms`) and USSD menus (`ussd`),
//! into polls and feedback forms (`feedback`). Both land in the same instruments through the
//! same validation, one-answer rule and writer as the web; phone numbers are kept only as keyed
//! hashes (`phone`), and not at all with feedback, which is anonymous.

use std::net::{IpAddr, SocketAddr};

use axum::Extension;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

mod feedback;
pub mod phone;
pub mod sendsms;
mod sms;
pub mod sms_text;
mod texts;
pub mod ussd;
mod ussd_scores;

use crate::AppState;
use crate::storage::Database;
use phone::PhoneKey;
pub(crate) use texts::texts_for as texts_for_language;

/// Settings of the phone channels.
#[derive(Debug, Clone)]
pub struct ChannelSettings {
    /// Keys the phone-number hashes. Every server sharing a database needs the same key.
    pub phone_key: PhoneKey,
    /// The country calling code used to read national numbers (`0700…` → `+254700…`).
    pub country_code: Option<String>,
    /// Addresses allowed to call the gateway endpoints (Kannel's smsbox, the USSD aggregator):
    /// anyone else could claim to be any phone.
    pub gateways: Vec<IpAddr>,
}

/// Purges the phone hashes of every poll closed for longer than `retention`, now and every
/// hour, for as long as the server runs (see [`Database::purge_phone_hashes`]).
pub async fn purge_phone_hashes_after_closing(database: Database, retention: time::Duration) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        every.tick().await;
        if let Err(error) =
            purge_expired_phone_hashes(&database, retention, time::OffsetDateTime::now_utc()).await
        {
            tracing::warn!(error = format!("{error:#}"), "cannot purge phone hashes");
        }
    }
}

/// One pass of [`purge_phone_hashes_after_closing`] at `now`; returns the ballots changed.
pub async fn purge_expired_phone_hashes(
    database: &Database,
    retention: time::Duration,
    now: time::OffsetDateTime,
) -> anyhow::Result<u64> {
    let mut purged = 0;
    for poll in database.polls() {
        let closed_long_enough = poll.phase_at(now) == baraza_core::PollPhase::Closed
            && poll
                .closes_at()
                .is_none_or(|closes| closes + retention <= now);
        if closed_long_enough {
            let changed = database.purge_phone_hashes(poll.slug()).await?;
            if changed > 0 {
                tracing::info!(poll = %poll.slug(), changed, "purged the phone hashes of a closed poll");
            }
            purged += changed;
        }
    }
    Ok(purged)
}

impl ChannelSettings {
    /// Settings for a server that keeps no phone data across restarts: a random key, gateways
    /// on this machine only. `baraza serve` reads a persistent key instead.
    pub fn ephemeral() -> anyhow::Result<Self> {
        Ok(Self {
            phone_key: PhoneKey::random()?,
            country_code: None,
            gateways: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ],
        })
    }

    fn allows(&self, peer: Option<SocketAddr>) -> bool {
        // An unknown peer (the router driven without `baraza_server::serve`) is refused.
        peer.is_some_and(|peer| {
            let ip = peer.ip().to_canonical();
            self.gateways
                .iter()
                .any(|allowed| allowed.to_canonical() == ip)
        })
    }
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `GET /channels/sms/kannel?from=NUMBER&text=TEXT`: the reply SMS as `text/plain`.
pub(crate) async fn kannel_sms(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    message: Result<Query<sms::KannelMessage>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(settings) = state.channels() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the SMS channel is not configured on this server".to_owned(),
        );
    };
    if !settings.allows(peer.map(|Extension(ConnectInfo(address))| address)) {
        return plain(
            StatusCode::FORBIDDEN,
            "this address is not an allowed SMS gateway".to_owned(),
        );
    }
    let Ok(Query(message)) = message else {
        return plain(
            StatusCode::BAD_REQUEST,
            "expected the query from=NUMBER&text=TEXT (Kannel's %p and %a)".to_owned(),
        );
    };
    plain(StatusCode::OK, sms::reply(&state, settings, &message).await)
}

/// `POST /channels/ussd` (form-encoded `sessionId`, `serviceCode`, `phoneNumber`, `text`): the
/// next screen as `text/plain`, `CON …` or `END …`.
pub(crate) async fn ussd_step(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    step: Result<Form<ussd::UssdStep>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(settings) = state.channels() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "END The USSD channel is not configured on this server".to_owned(),
        );
    };
    if !settings.allows(peer.map(|Extension(ConnectInfo(address))| address)) {
        return plain(
            StatusCode::FORBIDDEN,
            "END This address is not an allowed USSD gateway".to_owned(),
        );
    }
    let Ok(Form(step)) = step else {
        return plain(
            StatusCode::BAD_REQUEST,
            "END Expected sessionId, serviceCode, phoneNumber and text, form-encoded".to_owned(),
        );
    };
    plain(
        StatusCode::OK,
        ussd::respond(&state, settings, &step).await.into_body(),
    )
}
