//! The HTTP application: routes, CORS, compression, static files, security headers and the
//! request deadline.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{any, get, post};
use baraza_core::ErrorCode;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{self, AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::admin;
use crate::api::{self, consultations, feedback, polls};
use crate::channels;
use crate::error::{AppError, with_body_limit};
use crate::idempotency;
use crate::security_headers::{SecurityHeaders, add_security_headers};

/// Which web origins may embed the widgets and call the API from their pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// Any origin (`*`): for demos and for deployments whose widgets are meant for everyone.
    Any,
    /// Only these origins, e.g. `https://water.example.go.ke`. Empty means same-origin only.
    List(Vec<HeaderValue>),
}

impl AllowedOrigins {
    /// Parses `*` or a comma-separated list of origins (`scheme://host[:port]`, no path).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "*" {
            return Ok(Self::Any);
        }
        let mut origins = Vec::new();
        for origin in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let (scheme, rest) = origin.split_once("://").ok_or_else(|| {
                format!("allowed origin {origin:?} lacks a scheme such as https://")
            })?;
            if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
                return Err(format!(
                    "allowed origin {origin:?} must look like https://example.org (scheme, host, optional port; no path)"
                ));
            }
            origins.push(
                HeaderValue::from_str(origin)
                    .map_err(|_| format!("allowed origin {origin:?} has invalid characters"))?,
            );
        }
        Ok(Self::List(origins))
    }
}

/// Settings of the HTTP application.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Origins whose pages may load the widgets and call the API.
    pub allowed_origins: AllowedOrigins,
    /// Folder served at `/`: the demo site.
    pub www_dir: PathBuf,
    /// Folder served at `/widgets/`: the built widget bundle (`cargo xtask dist`).
    pub widgets_dir: PathBuf,
    /// Longest a request may take from its head being read to the response head being ready,
    /// reading the body included; then the client gets `408 request_timeout`.
    pub request_timeout: Duration,
    /// Whether to send `Strict-Transport-Security` (only for deployments reached over HTTPS).
    pub hsts: bool,
}

impl HttpConfig {
    /// The defaults of `baraza serve`: same-origin only, `www/` and `target/widgets/`, 30 s
    /// request timeout, no HSTS.
    pub fn new(www_dir: impl Into<PathBuf>, widgets_dir: impl Into<PathBuf>) -> Self {
        Self {
            allowed_origins: AllowedOrigins::List(Vec::new()),
            www_dir: www_dir.into(),
            widgets_dir: widgets_dir.into(),
            request_timeout: Duration::from_secs(30),
            hsts: false,
        }
    }
}

/// Builds the router. Tests drive it in-process; `baraza serve` puts it on a socket.
pub fn app(state: AppState, config: &HttpConfig) -> Router {
    let widgets = Router::new()
        .fallback_service(
            ServeDir::new(&config.widgets_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn(widget_cache_headers));
    Router::new()
        .route("/api/v1/polls/{slug}", get(polls::get_poll))
        .route(
            "/api/v1/polls/{slug}/ballots",
            with_body_limit(post(polls::submit_ballot), polls::MAX_BALLOT_BODY_BYTES),
        )
        .route("/api/v1/polls/{slug}/results", get(polls::get_results))
        .route("/api/v1/feedback/{slug}", get(feedback::get_form))
        .route(
            "/api/v1/feedback/{slug}/responses",
            with_body_limit(
                post(feedback::submit_response),
                feedback::MAX_FEEDBACK_BODY_BYTES,
            ),
        )
        .route(
            "/api/v1/feedback/{slug}/results",
            get(feedback::get_results),
        )
        .route(
            "/api/v1/consultations/{slug}",
            get(consultations::get_consultation),
        )
        .route(
            "/api/v1/consultations/{slug}/comments",
            with_body_limit(
                post(consultations::submit_comment),
                consultations::MAX_COMMENT_BODY_BYTES,
            ),
        )
        .route(
            "/api/v1/consultations/{slug}/comments/{id}/reactions",
            with_body_limit(
                post(consultations::submit_reaction),
                consultations::MAX_REACTION_BODY_BYTES,
            ),
        )
        .route(
            "/api/v1/consultations/{slug}/comments/{id}/reports",
            with_body_limit(
                post(consultations::submit_report),
                consultations::MAX_REACTION_BODY_BYTES,
            ),
        )
        .route("/api/v1/polls/{slug}/channels", get(polls::get_channel_shares))
        .route("/api/v1/health", get(|| async { "ok" }))
        .route("/channels/sms/kannel", get(channels::kannel_sms))
        .route(
            "/channels/ussd",
            with_body_limit(post(channels::ussd_step), 4 * 1024),
        )
        .merge(admin::api_routes())
        .merge(admin::site_routes(config.hsts))
        .route("/api", any(api::api_not_found))
        .route("/api/", any(api::api_not_found))
        .route("/api/{*rest}", any(api::api_not_found))
        .method_not_allowed_fallback(api::method_not_allowed)
        .nest("/widgets", widgets)
        .fallback_service(ServeDir::new(&config.www_dir).append_index_html_on_directories(true))
        // Inside compression, so what it records and replays is the plain body.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::honour_idempotency_key,
        ))
        .layer(CompressionLayer::new())
        .layer(cors_layer(&config.allowed_origins))
        .layer(middleware::from_fn_with_state(
            state.database.clone(),
            organisation_origins,
        ))
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            request_deadline,
        ))
        // Outside the deadline, so a 408 carries the security headers too.
        .layer(middleware::from_fn_with_state(
            SecurityHeaders { hsts: config.hsts },
            add_security_headers,
        ))
        // Spans name the path only: query strings carry phone numbers (Kannel's `from=`).
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Answers `408 request_timeout` when a request is not answered within `limit`: a client
/// trickling its body, or a handler stuck behind a slow database, no longer holds a connection.
///
/// The limit ends when the response head is ready; streaming a large static file to a slow
/// reader is not cut off. A ballot whose commit was already under way when the limit struck may
/// still be stored: the client then learns it on retry, as `409 already_voted`.
async fn request_deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_elapsed) => {
            let mut response = AppError::client(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                format!(
                    "the request was not completed within {} seconds; try again",
                    limit.as_secs_f64()
                ),
            )
            .into_response();
            // The rest of the request may still be on its way; reading it is not worth the wait.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// CORS covers the API and the bundle alike: a `<script type="module">` and a wasm fetch from
/// another origin are CORS requests, so the embedding site gets nothing without these headers.
fn cors_layer(origins: &AllowedOrigins) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([header::CONTENT_TYPE, idempotency::IDEMPOTENCY_KEY])
        // Readable by the widget's script on another origin.
        .expose_headers([header::RETRY_AFTER, idempotency::IDEMPOTENT_REPLAYED])
        .max_age(Duration::from_secs(24 * 60 * 60));
    match origins {
        AllowedOrigins::Any => layer.allow_origin(cors::Any),
        AllowedOrigins::List(list) => layer.allow_origin(AllowOrigin::list(list.iter().cloned())),
    }
}

/// The slug of the instrument an API path is about: `/api/v1/polls/{slug}…`,
/// `/api/v1/feedback/{slug}…`, `/api/v1/consultations/{slug}…`.
fn instrument_slug(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/v1/")?;
    let (kind, rest) = rest.split_once('/')?;
    if !matches!(kind, "polls" | "feedback" | "consultations") {
        return None;
    }
    rest.split('/').next().filter(|slug| !slug.is_empty())
}

/// CORS for an organisation's instruments follows that organisation's list of origins, when
/// it has one, instead of the server-wide one: after [`cors_layer`] has answered, the
/// `Access-Control-Allow-Origin` of such a request is set to the request's origin when the
/// organisation allows it and removed when it does not (the browser then refuses the
/// response). Everything else — the server's own instruments, organisations without a list,
/// the widget bundle — keeps the server-wide answer.
async fn organisation_origins(
    State(database): State<crate::storage::Database>,
    request: Request,
    next: Next,
) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let allowed =
        instrument_slug(request.uri().path()).and_then(|slug| database.embedding_origins(slug));
    let mut response = next.run(request).await;
    if let (Some(origin), Some(allowed)) = (origin, allowed) {
        let headers = response.headers_mut();
        let listed = origin
            .to_str()
            .is_ok_and(|origin| allowed.iter().any(|allowed| allowed == origin));
        if listed {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.append(header::VARY, HeaderValue::from_static("origin"));
        } else {
            headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        }
    }
    response
}

/// Content-hashed files never change, so browsers may keep them for a year; the loader keeps a
/// stable URL that host pages hard-code, so it is revalidated after five minutes.
async fn widget_cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300"
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // ServeDir picks a pre-compressed copy by Accept-Encoding without saying so; caches must
        // not hand a brotli body to a client that cannot read it.
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether a file name carries a content hash: `name-<16 hex digits>.ext`, as `xtask dist` writes.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_content_hashed_names() {
        assert!(is_content_hashed(
            "/baraza_widgets_bg-0123456789abcdef.wasm"
        ));
        assert!(is_content_hashed("/baraza_widgets-0123456789abcdef.js"));
        assert!(!is_content_hashed("/baraza.js"));
        assert!(!is_content_hashed("/water-tariffs-2027.js"));
    }

    #[test]
    fn instrument_paths_name_their_slug() {
        assert_eq!(
            instrument_slug("/api/v1/polls/water-2027/ballots"),
            Some("water-2027")
        );
        assert_eq!(
            instrument_slug("/api/v1/feedback/page-form"),
            Some("page-form")
        );
        assert_eq!(
            instrument_slug("/api/v1/consultations/act/comments/3/reports"),
            Some("act")
        );
        assert_eq!(instrument_slug("/api/v1/admin/polls/x"), None);
        assert_eq!(instrument_slug("/api/v1/polls/"), None);
        assert_eq!(instrument_slug("/widgets/baraza.js"), None);
    }

    #[test]
    fn parses_allowed_origins() {
        assert_eq!(AllowedOrigins::parse("*"), Ok(AllowedOrigins::Any));
        assert_eq!(AllowedOrigins::parse(""), Ok(AllowedOrigins::List(vec![])));
        assert_eq!(
            AllowedOrigins::parse("https://a.example, http://127.0.0.1:8081"),
            Ok(AllowedOrigins::List(vec![
                HeaderValue::from_static("https://a.example"),
                HeaderValue::from_static("http://127.0.0.1:8081")
            ]))
        );
        assert!(AllowedOrigins::parse("a.example").is_err());
        assert!(AllowedOrigins::parse("https://a.example/path").is_err());
        assert!(AllowedOrigins::parse("ftp://a.example").is_err());
    }
}
