//! The server on a real loopback socket, driven by a real HTTP client: what holds only when
//! requests arrive over the wire, concurrently, on separate connections.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, Response, StatusCode, header};
use baraza_core::Slug;
use baraza_server::storage::Database;
use baraza_server::{MAX_BALLOT_BODY_BYTES, ServeConfig};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use support::{TestServer, VOTER_A, ballot, ballots_uri, results_uri, single_choice_spec};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

/// How long any one request may take before the test fails instead of hanging.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A [`TestServer`] listening on an ephemeral loopback port until dropped.
struct RunningServer {
    server: TestServer,
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RunningServer {
    async fn start(server: TestServer) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("bound address");
        let router = server.router();
        // The listener is bound before the task starts, so connections made before `serve`
        // polls it wait in the backlog: no readiness check needed.
        let task = tokio::spawn(async move {
            baraza_server::serve(
                listener,
                router,
                &ServeConfig::default(),
                std::future::pending(),
            )
            .await
            .expect("server runs");
        });
        Self {
            server,
            base: format!("http://{address}"),
            client: Client::builder(TokioExecutor::new()).build_http(),
            task,
        }
    }

    /// Sends a request over the socket and reads the whole response.
    async fn send(&self, request: Request<Full<Bytes>>) -> (StatusCode, Value) {
        let response: Response<_> =
            tokio::time::timeout(REQUEST_TIMEOUT, self.client.request(request))
                .await
                .expect("response before the timeout")
                .expect("HTTP exchange succeeds");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body readable")
            .to_bytes();
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{status}: body is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        (status, json)
    }

    async fn post_ballot(&self, slug: &str, body: String) -> (StatusCode, Value) {
        let request = Request::post(format!("{}{}", self.base, ballots_uri(slug)))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        self.send(request).await
    }

    async fn results(&self, slug: &str) -> Value {
        let request = Request::get(format!("{}{}", self.base, results_uri(slug)))
            .body(Full::new(Bytes::new()))
            .expect("request");
        let (status, json) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        json
    }
}

async fn running_with_poll(slug: &str) -> Arc<RunningServer> {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec(slug)).await;
    Arc::new(RunningServer::start(server).await)
}

#[tokio::test]
async fn accepted_ballot_is_committed_before_the_201_is_sent() {
    let running = running_with_poll("water").await;

    let (status, receipt) = running
        .post_ballot("water", ballot(&["seasonal"], VOTER_A))
        .await;

    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["results"]["total_ballots"], 1);
    // A second, independent connection pool sees the ballot: it is committed, not merely
    // buffered in the server's connection.
    let other = Database::connect(&running.server.database_url)
        .await
        .expect("second handle on the same file");
    let stored = other
        .ballot_selections(&Slug::parse("water").expect("slug"))
        .await
        .expect("ballots readable");
    assert_eq!(stored, [["seasonal"]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_citizens_voting_at_once_are_all_counted() {
    const VOTERS: usize = 20;
    let running = running_with_poll("water").await;
    let start = Arc::new(Barrier::new(VOTERS));
    let mut requests = JoinSet::new();
    for n in 0..VOTERS {
        let running = Arc::clone(&running);
        let start = Arc::clone(&start);
        requests.spawn(async move {
            let choice = ["flat", "tiered", "seasonal"][n % 3];
            start.wait().await;
            running
                .post_ballot("water", ballot(&[choice], &support::voter(n)))
                .await
        });
    }

    let mut totals = Vec::new();
    while let Some(outcome) = requests.join_next().await {
        let (status, receipt) = outcome.expect("request task");
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        totals.push(receipt["results"]["total_ballots"].as_u64().expect("total"));
    }

    assert_eq!(totals.len(), VOTERS);
    assert!(
        totals.iter().all(|&t| (1..=VOTERS as u64).contains(&t)),
        "{totals:?}"
    );
    assert_eq!(totals.iter().max(), Some(&(VOTERS as u64)));
    let results = running.results("water").await;
    assert_eq!(results["total_ballots"], VOTERS);
    let counts: Vec<&Value> = (0..3).map(|i| &results["options"][i]["count"]).collect();
    assert_eq!(counts, [7, 7, 6]);
    assert_eq!(running.server.stored_ballots("water").await.len(), VOTERS);
    // The running counts, updated by concurrent transactions, agree with a recount of ballots.
    let poll = running
        .server
        .database
        .poll(&Slug::parse("water").expect("slug"))
        .await
        .expect("poll readable")
        .expect("poll exists");
    let running_counts = running.server.database.tally(&poll).expect("tally");
    let recount = running
        .server
        .database
        .recount(&poll)
        .await
        .expect("recount");
    assert_eq!(running_counts, recount);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_token_sent_five_times_at_once_is_stored_exactly_once() {
    const ATTEMPTS: usize = 5;
    let running = running_with_poll("water").await;
    let start = Arc::new(Barrier::new(ATTEMPTS));
    let mut requests = JoinSet::new();
    for _ in 0..ATTEMPTS {
        let running = Arc::clone(&running);
        let start = Arc::clone(&start);
        requests.spawn(async move {
            start.wait().await;
            running
                .post_ballot("water", ballot(&["flat"], VOTER_A))
                .await
        });
    }

    let mut created = 0;
    let mut already_voted = 0;
    while let Some(outcome) = requests.join_next().await {
        match outcome.expect("request task") {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, body) if body["error"]["code"] == "already_voted" => {
                already_voted += 1;
            }
            (status, body) => panic!("unexpected {status}: {body}"),
        }
    }

    assert_eq!((created, already_voted), (1, ATTEMPTS - 1));
    assert_eq!(running.results("water").await["total_ballots"], 1);
    assert_eq!(running.server.stored_ballots("water").await, [["flat"]]);
}

#[tokio::test]
async fn oversized_body_with_a_content_length_is_refused_over_the_wire() {
    let running = running_with_poll("water").await;
    let body = format!(
        r#"{{"selections": ["flat"], "voter": "{VOTER_A}", "pad": "{}"}}"#,
        "x".repeat(MAX_BALLOT_BODY_BYTES)
    );

    let (status, error) = running.post_ballot("water", body).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{error}");
    assert_eq!(error["error"]["code"], "payload_too_large");
    assert!(running.server.stored_ballots("water").await.is_empty());
}

/// Regression: with `Accept-Encoding: gzip` (every browser), the compression layer polled a
/// streamed export once more after its end, and the stream panicked ("Unfold must not be
/// polled after it returned `Poll::Ready(None)`"), so browsers cancelled every download.
#[tokio::test]
async fn exports_stream_to_their_end_over_the_wire() {
    let server = TestServer::new().await;
    let token = server
        .staff_token(
            "analyst@water.go.ke",
            baraza_server::storage::Role::Editor,
            "ministry-of-water",
        )
        .await;
    let created = server
        .send(support::staff::admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("export-me").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let running = RunningServer::start(server).await;
    let (status, _) = running
        .post_ballot("export-me", ballot(&["flat"], VOTER_A))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for (path, accept_encoding) in [
        ("export.csv", "identity"),
        ("export.csv", "gzip"),
        ("export.json", "gzip"),
    ] {
        let request = Request::get(format!(
            "{}/api/v1/admin/polls/export-me/{path}",
            running.base
        ))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_ENCODING, accept_encoding)
        .body(Full::new(Bytes::new()))
        .expect("request");
        let response = tokio::time::timeout(REQUEST_TIMEOUT, running.client.request(request))
            .await
            .expect("response before the timeout")
            .expect("HTTP exchange succeeds");
        assert_eq!(response.status(), StatusCode::OK);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("the whole body arrives")
            .to_bytes();
        if accept_encoding == "identity" {
            let text = String::from_utf8(body.to_vec()).expect("UTF-8");
            assert!(text.ends_with(",1,0,0\r\n"), "{text:?}");
        } else {
            // A complete gzip member ends with its 8-byte trailer (CRC32, length); a body cut
            // short by the panic fails to arrive at all.
            assert!(body.len() > 18, "{path}: {} bytes", body.len());
            assert_eq!(&body[..2], [0x1f, 0x8b], "{path} is gzip");
        }
    }
}
