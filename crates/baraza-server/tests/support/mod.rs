//! Helpers shared by the server's integration tests: a fresh SQLite file per test, polls built
//! from JSON `PollSpec`s, a fixed clock, and requests driven in-process through the router.

#![allow(
    dead_code,
    reason = "each test crate includes this module and uses a different subset of it"
)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use baraza_core::{Poll, Slug};
use baraza_server::storage::Database;
use baraza_server::{AllowedOrigins, AppState, HttpConfig, app};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tempfile::TempDir;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tower::ServiceExt as _;

/// The instant every test's clock reads.
pub(crate) const NOW: &str = "2027-01-15T09:30:00Z";
/// Opening and closing of the test polls: a window around [`NOW`].
pub(crate) const OPENS_AT: &str = "2027-01-01T00:00:00Z";
pub(crate) const CLOSES_AT: &str = "2027-03-31T00:00:00Z";

/// Well-formed voter tokens (16 to 128 characters of `A-Z a-z 0-9 - _`).
pub(crate) const VOTER_A: &str = "device-aaaaaaaaaaaaaaaa";
pub(crate) const VOTER_B: &str = "device-bbbbbbbbbbbbbbbb";

pub(crate) fn instant(rfc3339: &str) -> OffsetDateTime {
    OffsetDateTime::parse(rfc3339, &Rfc3339).expect("test instants are RFC 3339")
}

/// The fixed clock of every test.
pub(crate) fn now() -> OffsetDateTime {
    instant(NOW)
}

/// A distinct, well-formed voter token for index `n`.
pub(crate) fn voter(n: usize) -> String {
    format!("device-{n:016}")
}

/// An open single-choice poll whose window contains [`NOW`]; options `flat`, `tiered`, `seasonal`.
pub(crate) fn single_choice_spec(slug: &str) -> Value {
    json!({
        "slug": slug,
        "default_language": "en",
        "question": {
            "en": "How should water be charged from 2027?",
            "sw": "Maji yatozwe vipi kuanzia 2027?"
        },
        "kind": {"type": "single_choice"},
        "options": [
            {"id": "flat", "label": {"en": "One flat rate", "sw": "Kiwango kimoja"}},
            {"id": "tiered", "label": {"en": "Pay more for heavy use", "sw": "Lipa zaidi ukitumia zaidi"}},
            {"id": "seasonal", "label": {"en": "Dry-season prices", "sw": "Bei za kiangazi"}}
        ],
        "status": "open",
        "opens_at": OPENS_AT,
        "closes_at": CLOSES_AT
    })
}

/// An open multiple-choice poll taking `min..=max` of options `a` to `e`, window around [`NOW`].
pub(crate) fn multiple_choice_spec(slug: &str, min: u32, max: u32) -> Value {
    let options: Vec<Value> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|id| json!({"id": id, "label": {"en": format!("Option {id}")}}))
        .collect();
    json!({
        "slug": slug,
        "default_language": "en",
        "question": {"en": "Which investments matter most?"},
        "kind": {"type": "multiple_choice", "min_selections": min, "max_selections": max},
        "options": options,
        "status": "open",
        "opens_at": OPENS_AT,
        "closes_at": CLOSES_AT
    })
}

/// The JSON body of a ballot.
pub(crate) fn ballot(selections: &[&str], voter: &str) -> String {
    json!({"selections": selections, "voter": voter}).to_string()
}

pub(crate) fn poll_uri(slug: &str) -> String {
    format!("/api/v1/polls/{slug}")
}

pub(crate) fn ballots_uri(slug: &str) -> String {
    format!("/api/v1/polls/{slug}/ballots")
}

pub(crate) fn results_uri(slug: &str) -> String {
    format!("/api/v1/polls/{slug}/results")
}

pub(crate) fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .body(Body::empty())
        .expect("valid request")
}

/// A POST with `Content-Type: application/json`.
pub(crate) fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("valid request")
}

/// One test's server: its own temporary directory holding the SQLite file and the static
/// folders, removed when the value is dropped.
pub(crate) struct TestServer {
    dir: TempDir,
    pub(crate) database: Database,
    pub(crate) database_url: String,
    pub(crate) config: HttpConfig,
}

impl TestServer {
    /// A server allowing any origin, with empty static folders.
    pub(crate) async fn new() -> Self {
        Self::with_origins(AllowedOrigins::Any).await
    }

    pub(crate) async fn with_origins(allowed_origins: AllowedOrigins) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database_url = format!("sqlite:{}", dir.path().join("baraza.sqlite3").display());
        let database = Database::connect(&database_url)
            .await
            .expect("fresh database");
        let www_dir = dir.path().join("www");
        let widgets_dir = dir.path().join("widgets");
        std::fs::create_dir(&www_dir).expect("www dir");
        std::fs::create_dir(&widgets_dir).expect("widgets dir");
        Self {
            dir,
            database,
            database_url,
            config: HttpConfig {
                allowed_origins,
                ..HttpConfig::new(www_dir, widgets_dir)
            },
        }
    }

    /// The folder served at `/widgets/`.
    pub(crate) fn widgets_dir(&self) -> PathBuf {
        self.config.widgets_dir.clone()
    }

    /// The folder served at `/`.
    pub(crate) fn www_dir(&self) -> PathBuf {
        self.config.www_dir.clone()
    }

    /// The application, with its clock fixed at [`NOW`].
    pub(crate) fn router(&self) -> Router {
        let state = AppState::with_clock(self.database.clone(), Arc::new(now));
        app(state, &self.config)
    }

    /// Checks and stores a poll given as the JSON of a `PollSpec`.
    pub(crate) async fn add_poll(&self, spec: Value) -> Poll {
        let poll: Poll = serde_json::from_value(spec).expect("test poll spec is valid");
        self.database
            .save_poll(&poll, now())
            .await
            .expect("poll saved");
        poll
    }

    /// The stored selections of every ballot of `slug`, oldest first.
    pub(crate) async fn stored_ballots(&self, slug: &str) -> Vec<Vec<String>> {
        let slug = Slug::parse(slug).expect("valid slug");
        self.database
            .ballot_selections(&slug)
            .await
            .expect("ballots readable")
    }

    /// Sends one request through a fresh router, in-process.
    pub(crate) async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .expect("response body readable")
            .to_bytes();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

/// A response read in full.
#[derive(Debug)]
pub(crate) struct TestResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl TestResponse {
    /// The body as JSON, after checking the response says it is JSON.
    pub(crate) fn json(&self) -> Value {
        assert_eq!(
            self.header(header::CONTENT_TYPE.as_str()),
            Some("application/json"),
            "content type of a {} response",
            self.status
        );
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// One header as text, if present.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("header is text"))
    }

    /// Asserts the response is the API's error envelope with this status and code, and returns
    /// the `error` object.
    pub(crate) fn assert_error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        let envelope = body.as_object().expect("error body is an object");
        assert_eq!(
            envelope.keys().collect::<Vec<_>>(),
            ["error"],
            "envelope: {body}"
        );
        let error = &body["error"];
        assert_eq!(error["code"], code, "error code: {body}");
        let message = error["message"].as_str().expect("message is a string");
        assert!(!message.is_empty(), "message is empty: {body}");
        error.clone()
    }
}
