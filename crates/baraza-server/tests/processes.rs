//! The real `baraza` binary as an operator runs it: killed with SIGKILL under load and restarted
//! on the same database, and several processes sharing one PostgreSQL database.

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, StatusCode, header};
use baraza_core::{Poll, Slug};
use baraza_server::storage::Database;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use support::{PostgresDatabase, ballot, ballots_uri, results_uri, single_choice_spec};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A `baraza serve` process; killed with SIGKILL when dropped.
struct ServerProcess {
    child: Child,
    base: String,
    /// Holds the phone-hash key, so no test leaves a key file in the working directory.
    _secrets: tempfile::TempDir,
}

impl ServerProcess {
    fn start(database_url: &str) -> Self {
        let secrets = tempfile::tempdir().expect("temporary directory");
        let mut child = Command::new(env!("CARGO_BIN_EXE_baraza"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database",
                database_url,
            ])
            .arg("--secret-file")
            .arg(secrets.path().join("secret.key"))
            .env("BARAZA_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start baraza serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the serving line");
        let base = line
            .trim()
            .strip_prefix("Baraza is serving ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Self {
            child,
            base,
            _secrets: secrets,
        }
    }

    /// SIGKILL: no shutdown code runs, as when the machine loses power or the OOM killer acts.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

async fn post_ballot(
    client: &HttpClient,
    base: &str,
    choice: &str,
    voter: &str,
) -> Option<(StatusCode, Value)> {
    let request = Request::post(format!("{base}{}", ballots_uri("water")))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(ballot(&[choice], voter))))
        .expect("request");
    let response = tokio::time::timeout(Duration::from_secs(30), client.request(request))
        .await
        .ok()?
        .ok()?;
    let status = response.status();
    let body = response.into_body().collect().await.ok()?.to_bytes();
    Some((status, serde_json::from_slice(&body).ok()?))
}

async fn results(client: &HttpClient, base: &str) -> Value {
    let request = Request::get(format!("{base}{}", results_uri("water")))
        .body(Full::new(Bytes::new()))
        .expect("request");
    let response = client.request(request).await.expect("results answered");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("JSON")
}

/// Creates the test poll in the database at `url` (before any server runs on it).
async fn prepare(url: &str) -> Poll {
    let database = Database::connect(url).await.expect("database");
    // The test polls' window is fixed around 2027; open this one around the real clock.
    let mut spec = single_choice_spec("water");
    let now = OffsetDateTime::now_utc();
    let rfc3339 = |t: OffsetDateTime| t.format(&Rfc3339).expect("format");
    spec["opens_at"] = rfc3339(now - time::Duration::days(1)).into();
    spec["closes_at"] = rfc3339(now + time::Duration::days(1)).into();
    let poll: Poll = serde_json::from_value(spec).expect("open poll");
    database.save_poll(&poll, now).await.expect("saved");
    database.close().await;
    poll
}

/// Kills the server with SIGKILL while clients are voting, three times, restarting it on the
/// same database each time; then checks that every acknowledged ballot is stored and that the
/// running counts (in the database and in the restarted server's memory) equal a recount.
async fn acknowledged_ballots_survive_sigkill(url: &str) {
    const CLIENTS: usize = 12;
    let poll = prepare(url).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    for round in 0..3_u64 {
        let server = ServerProcess::start(url);
        let at_start = acknowledged.lock().expect("lock").len();
        let mut clients = tokio::task::JoinSet::new();
        for c in 0..CLIENTS {
            let base = server.base.clone();
            let acknowledged = Arc::clone(&acknowledged);
            clients.spawn(async move {
                let client = client();
                for n in 0.. {
                    let voter = format!("kill-test-{round}-{c:02}-{n:06}");
                    let choice = ["flat", "tiered", "seasonal"][(c + n) % 3];
                    match post_ballot(&client, &base, choice, &voter).await {
                        Some((StatusCode::CREATED, _)) => {
                            acknowledged.lock().expect("lock").push(voter);
                        }
                        Some((status, body)) => panic!("unexpected {status}: {body}"),
                        // The server is gone: this client stops.
                        None => return,
                    }
                }
            });
        }
        // Under load for a while (a different while each round), then killed mid-flight.
        tokio::time::sleep(Duration::from_millis(400 + 250 * round)).await;
        server.kill();
        while let Some(client) = clients.join_next().await {
            client.expect("client task");
        }
        assert!(
            acknowledged.lock().expect("lock").len() > at_start,
            "round {round}: no ballot was acknowledged under load"
        );
    }

    let restarted = ServerProcess::start(url);
    let database = Database::connect(url).await.expect("database");
    let slug = Slug::parse("water").expect("slug");
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 30,
        "only {} acknowledged",
        acknowledged.len()
    );
    for voter in &acknowledged {
        assert!(
            database.has_ballot(&slug, voter).await.expect("query"),
            "acknowledged ballot of {voter} was lost"
        );
    }
    let recount = database.recount(&poll).await.expect("recount");
    // Ballots committed but not acknowledged before the kill may be stored too; never fewer.
    assert!(recount.total_ballots() >= acknowledged.len() as u64);
    eprintln!(
        "{} ballots acknowledged over three SIGKILLs, {} stored",
        acknowledged.len(),
        recount.total_ballots()
    );
    let stored_counts = database
        .stored_tally(&slug)
        .await
        .expect("stored counts")
        .expect("poll");
    assert_eq!(
        stored_counts, recount,
        "running counts differ from a recount"
    );
    let served = results(&client(), &restarted.base).await;
    assert_eq!(served["total_ballots"], recount.total_ballots());
    let served_counts: Vec<u64> = (0..3)
        .map(|i| served["options"][i]["count"].as_u64().expect("count"))
        .collect();
    let recounted: Vec<u64> = recount.options().iter().map(|o| o.count).collect();
    assert_eq!(served_counts, recounted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_ballot_through_sigkill() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("baraza.sqlite3").display());
    acknowledged_ballots_survive_sigkill(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_ballot_through_sigkill() {
    let database = PostgresDatabase::create().await;
    acknowledged_ballots_survive_sigkill(&database.url).await;
}

/// How long another server's ballot may take to show in this server's results: the
/// notification path takes milliseconds; this leaves room for a loaded CI machine.
const CROSS_SERVER_BOUND: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_refuse_duplicates_and_agree_on_results() {
    let database = PostgresDatabase::create().await;
    prepare(&database.url).await;
    let first = ServerProcess::start(&database.url);
    let second = ServerProcess::start(&database.url);
    let client = client();

    // The same device votes through both servers at once: exactly one ballot is stored.
    let (a, b) = tokio::join!(
        post_ballot(&client, &first.base, "flat", "device-two-servers-0001"),
        post_ballot(&client, &second.base, "tiered", "device-two-servers-0001"),
    );
    let mut statuses = [a.expect("answer").0, b.expect("answer").0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);

    // Ballots through the first server show in the second server's results.
    for n in 0..20 {
        let (status, body) = post_ballot(
            &client,
            &first.base,
            "seasonal",
            &format!("device-first-{n:010}"),
        )
        .await
        .expect("answer");
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let deadline = Instant::now() + CROSS_SERVER_BOUND;
    loop {
        let seen = results(&client, &second.base).await;
        if seen["total_ballots"] == 21 && seen["options"][2]["count"] == 20 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the second server still shows {seen} after {CROSS_SERVER_BOUND:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(results(&client, &first.base).await["total_ballots"], 21);
}
