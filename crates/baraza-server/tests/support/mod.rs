//! Helpers shared by the server's integration tests: a fresh database per test (an SQLite file,
//! or with `BARAZA_TEST_DATABASE=postgres` a PostgreSQL database created for the test and
//! dropped after it), polls built from JSON `PollSpec`s, a fixed clock, and requests driven
//! in-process through the router.

#![allow(
    dead_code,
    reason = "each test crate includes this module and uses a different subset of it"
)]

pub(crate) mod site;
pub(crate) mod staff;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use baraza_core::{Poll, Slug};
use baraza_server::storage::{Database, WriterConfig};
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

/// Where the tests' PostgreSQL server is: `BARAZA_TEST_POSTGRES_URL` (a URL without a database
/// name), by default the one every machine of this project runs.
fn postgres_server_url() -> String {
    std::env::var("BARAZA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Whether this test run uses PostgreSQL (`BARAZA_TEST_DATABASE=postgres`) instead of SQLite.
pub(crate) fn testing_postgres() -> bool {
    std::env::var("BARAZA_TEST_DATABASE").is_ok_and(|engine| engine == "postgres")
}

/// A database for one test: an SQLite file in `dir`, or a new PostgreSQL database that is
/// dropped with the returned guard.
pub(crate) async fn fresh_database_url(
    dir: &std::path::Path,
) -> (String, Option<PostgresDatabase>) {
    if testing_postgres() {
        let database = PostgresDatabase::create().await;
        (database.url.clone(), Some(database))
    } else {
        let path = dir.join("baraza.sqlite3");
        (format!("sqlite:{}", path.display()), None)
    }
}

/// A uniquely named PostgreSQL database, dropped (with any connections still open) on drop.
pub(crate) struct PostgresDatabase {
    name: String,
    pub(crate) url: String,
}

impl PostgresDatabase {
    pub(crate) async fn create() -> Self {
        use sqlx::Connection as _;
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = format!(
            "baraza_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
        );
        let server = postgres_server_url();
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
            .await
            .expect("the tests' PostgreSQL server answers (BARAZA_TEST_POSTGRES_URL)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.expect("close the admin connection");
        Self {
            url: format!("{server}/{name}"),
            name,
        }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let server = postgres_server_url();
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with a
        // runtime of its own.
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection as _;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map(drop)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// One test's server: its own temporary directory holding the SQLite file (or its own
/// PostgreSQL database) and the static folders, removed when the value is dropped.
pub(crate) struct TestServer {
    dir: TempDir,
    pub(crate) database: Database,
    pub(crate) database_url: String,
    pub(crate) config: HttpConfig,
    // Last, so the pool above is dropped before the database is.
    _postgres: Option<PostgresDatabase>,
}

impl TestServer {
    /// A server allowing any origin, with empty static folders.
    pub(crate) async fn new() -> Self {
        Self::with_origins(AllowedOrigins::Any).await
    }

    pub(crate) async fn with_origins(allowed_origins: AllowedOrigins) -> Self {
        Self::build(allowed_origins, &WriterConfig::default()).await
    }

    /// A server whose write path has these sizes and limits.
    pub(crate) async fn with_writer(writer: &WriterConfig) -> Self {
        Self::build(AllowedOrigins::Any, writer).await
    }

    async fn build(allowed_origins: AllowedOrigins, writer: &WriterConfig) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (database_url, postgres) = fresh_database_url(dir.path()).await;
        let database = Database::connect_with(&database_url, writer)
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
            _postgres: postgres,
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

    /// The voter token of every ballot of `slug`, oldest first.
    pub(crate) async fn voter_tokens(&self, slug: &str) -> Vec<String> {
        let slug = Slug::parse(slug).expect("valid slug");
        self.database
            .ballot_voter_tokens(&slug)
            .await
            .expect("tokens readable")
    }

    /// Everything the database holds, as text: the SQLite file and its write-ahead log, or
    /// every row of every PostgreSQL table. For checks that something never reaches storage.
    pub(crate) async fn database_dump(&self) -> String {
        if let Some(postgres) = &self._postgres {
            use sqlx::Connection as _;
            let mut connection = sqlx::PgConnection::connect(&postgres.url)
                .await
                .expect("connect");
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&mut connection)
            .await
            .expect("tables");
            let mut dump = String::new();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
                        .fetch_all(&mut connection)
                        .await
                        .expect("rows");
                dump.push_str(&rows.join("\n"));
            }
            dump
        } else {
            let file = self.dir.path().join("baraza.sqlite3");
            let mut bytes = std::fs::read(&file).expect("database file");
            bytes.extend(std::fs::read(file.with_extension("sqlite3-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }

    /// Sends one request through a fresh router whose state `adjust` has changed, in-process.
    pub(crate) async fn send_with(
        &self,
        request: Request<Body>,
        adjust: impl FnOnce(AppState) -> AppState,
    ) -> TestResponse {
        let state = adjust(AppState::with_clock(self.database.clone(), Arc::new(now)));
        let response = app(state, &self.config)
            .oneshot(request)
            .await
            .expect("the router is infallible");
        read_response(response).await
    }

    /// Sends one request through a fresh router, in-process.
    pub(crate) async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        read_response(response).await
    }
}

async fn read_response(response: axum::response::Response) -> TestResponse {
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
