//! # baraza-server
//!
//! The Baraza HTTP server: the v1 JSON API over [`baraza_core`], SQLite storage, and static
//! hosting of the widget bundle (`/widgets/`) and the demo site (`/`).
//!
//! Most users run the `baraza` binary (`baraza serve`). The library exists so the router can be
//! driven in-process, e.g. by tests:
//!
//! ```
//! use baraza_server::{AllowedOrigins, AppState, HttpConfig, app, storage::Database};
//! use tower::ServiceExt as _;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let database = Database::connect("sqlite::memory:").await?;
//! baraza_server::seed::seed_demo(&database, time::OffsetDateTime::now_utc()).await?;
//! let config = HttpConfig {
//!     allowed_origins: AllowedOrigins::Any,
//!     ..HttpConfig::new("www", "target/widgets")
//! };
//! let router = app(AppState::new(database), &config);
//! let request = axum::http::Request::get("/api/v1/polls/water-tariffs-2027").body(axum::body::Body::empty())?;
//! let response = router.oneshot(request).await?;
//! assert_eq!(response.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! On a socket, [`serve`] runs the router with the connection limits of [`ServeConfig`].

#![forbid(unsafe_code)]

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;

pub mod admin;
mod api;
mod app;
pub mod channels;
mod connections;
mod error;
pub mod idempotency;
mod security_headers;
pub mod seed;
pub mod storage;
pub mod vouchers;

pub use admin::{FAILURE_WINDOW, MAX_FAILURES, SESSION_COOKIE, SESSION_LIFETIME};
pub use api::consultations::{MAX_COMMENT_BODY_BYTES, MAX_REACTION_BODY_BYTES};
pub use api::feedback::{MAX_FEEDBACK_BODY_BYTES, MAX_PAGE_TITLE_CHARS};
pub use api::polls::MAX_BALLOT_BODY_BYTES;
pub use app::{AllowedOrigins, HttpConfig, app};
pub use connections::{ServeConfig, serve};
pub use error::AppError;

/// A source of the current time; tests substitute a fixed one.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    /// Where polls and ballots live.
    pub database: storage::Database,
    clock: Clock,
    channels: Option<Arc<channels::ChannelSettings>>,
    outgoing_sms: Option<Arc<channels::sendsms::KannelSendSms>>,
    trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl AppState {
    /// State reading the system clock.
    pub fn new(database: storage::Database) -> Self {
        Self {
            database,
            clock: Arc::new(OffsetDateTime::now_utc),
            channels: None,
            outgoing_sms: None,
            trusted_proxies: Arc::new([]),
        }
    }

    /// Turns on the SMS and USSD channels with these settings (off by default: their endpoints
    /// answer `503` until a server secret keys the phone-number hashes).
    pub fn with_channels(mut self, settings: channels::ChannelSettings) -> Self {
        self.channels = Some(Arc::new(settings));
        self
    }

    /// The phone channels' settings, when they are on.
    pub fn channels(&self) -> Option<&channels::ChannelSettings> {
        self.channels.as_deref()
    }

    /// Sends the messages the server starts (voucher codes) through Kannel's sendsms interface
    /// (off by default: sending them is then refused with `sms_not_configured`).
    pub fn with_outgoing_sms(mut self, sendsms: channels::sendsms::KannelSendSms) -> Self {
        self.outgoing_sms = Some(Arc::new(sendsms));
        self
    }

    /// Believes `X-Forwarded-For` from these addresses (the reverse proxies in front of the
    /// server), for the limits kept per client address.
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = proxies.into_iter().map(|p| p.to_canonical()).collect();
        self
    }

    /// The address of the client whose request came from `peer`: `peer` itself, unless `peer`
    /// is a trusted proxy and the request says whom it forwards (`X-Forwarded-For`); then the
    /// last address there that is not itself a trusted proxy (earlier ones the client may have
    /// written itself).
    pub fn client_address(
        &self,
        peer: std::net::IpAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        let peer = peer.to_canonical();
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let forwarded: Vec<std::net::IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|part| part.trim().parse::<std::net::IpAddr>().ok())
            .map(|address| address.to_canonical())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|address| !self.trusted_proxies.contains(address))
            .unwrap_or(peer)
    }

    /// Kannel's sendsms settings, when the server may send messages.
    pub fn outgoing_sms(&self) -> Option<&channels::sendsms::KannelSendSms> {
        self.outgoing_sms.as_deref()
    }

    /// State with a custom clock, for tests of opening and closing times.
    pub fn with_clock(database: storage::Database, clock: Clock) -> Self {
        Self {
            database,
            clock,
            channels: None,
            outgoing_sms: None,
            trusted_proxies: Arc::new([]),
        }
    }

    /// The current instant by this state's clock.
    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}
