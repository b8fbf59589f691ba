//! The write path and the in-memory results, on whichever engine the suite runs on
//! (`BARAZA_TEST_DATABASE=postgres` for PostgreSQL): group commit with exact duplicate
//! detection, running counts that agree with a recount, results that need no database, and a
//! full queue that refuses at once with `503` and stores nothing.

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use baraza_core::{Poll, Slug};
use baraza_server::storage::{
    Channel, Database, EngineKind, Submission, SubmitError, WriterConfig,
};
use futures_util::future::join_all;
use support::{
    TestServer, ballot, ballots_uri, get, now, poll_uri, post_json, results_uri,
    single_choice_spec, testing_postgres, voter,
};

fn submission(poll: &Poll, choice: &str, voter: &str) -> Submission {
    Submission::Ballot {
        ballot: poll
            .check_ballot(&[choice.to_owned()], voter)
            .expect("test ballot is valid"),
        submitted_at: now(),
        channel: Channel::Web,
        voucher: None,
    }
}

#[tokio::test]
async fn the_suite_runs_on_the_engine_it_was_asked_for() {
    let server = TestServer::new().await;
    let expected = if testing_postgres() {
        EngineKind::Postgres
    } else {
        EngineKind::Sqlite
    };
    assert_eq!(server.database.engine(), expected);
}

#[tokio::test]
async fn one_group_with_repeated_voters_stores_each_voter_once() {
    let server = TestServer::new().await;
    let poll = server.add_poll(single_choice_spec("water")).await;
    // Queued before the writer runs (this runtime has one thread), so they reach it together:
    // ten voters, each sending five times.
    let submissions = (0..50).map(|n| {
        let choice = ["flat", "tiered", "seasonal"][n % 3];
        server
            .database
            .submit(submission(&poll, choice, &voter(n % 10)))
    });

    let outcomes = join_all(submissions).await;

    let stored = outcomes.iter().filter(|o| o.is_ok()).count();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Err(SubmitError::AlreadyParticipated)))
        .count();
    assert_eq!((stored, refused), (10, 40), "{outcomes:?}");
    assert_eq!(server.stored_ballots("water").await.len(), 10);
    let in_memory = server.database.tally(&poll).expect("tally");
    let recount = server.database.recount(&poll).await.expect("recount");
    let stored_counts = server
        .database
        .stored_tally(poll.slug())
        .await
        .expect("stored counts")
        .expect("poll exists");
    assert_eq!(in_memory.total_ballots(), 10);
    assert_eq!(in_memory, recount);
    assert_eq!(stored_counts, recount);
    let by_channel = server
        .database
        .channel_counts(poll.slug())
        .await
        .expect("channel counts");
    assert_eq!(
        by_channel,
        [(Channel::Web, 10), (Channel::Sms, 0), (Channel::Ussd, 0)]
    );
}

#[tokio::test]
async fn a_reopened_database_loads_the_running_counts_it_stored() {
    let server = TestServer::new().await;
    let poll = server.add_poll(single_choice_spec("water")).await;
    for n in 0..7 {
        let choice = ["flat", "tiered"][n % 2];
        server
            .database
            .submit(submission(&poll, choice, &voter(n)))
            .await
            .expect("stored");
    }

    let reopened = Database::connect(&server.database_url)
        .await
        .expect("reopen");

    let loaded = reopened.tally(&poll).expect("loaded on start");
    assert_eq!(loaded.total_ballots(), 7);
    assert_eq!(loaded, reopened.recount(&poll).await.expect("recount"));
}

#[tokio::test]
async fn results_and_the_poll_are_served_with_the_database_closed() {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    let accepted = server
        .send(post_json(
            &ballots_uri("water"),
            ballot(&["tiered"], &voter(1)),
        ))
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED);

    // Every connection closed: a read that touched the database would now fail.
    server.database.close().await;

    let results = server.send(get(&results_uri("water"))).await;
    assert_eq!(results.status, StatusCode::OK);
    assert_eq!(results.json()["total_ballots"], 1);
    assert_eq!(results.json()["options"][1]["count"], 1);
    assert_eq!(
        server.send(get(&poll_uri("water"))).await.status,
        StatusCode::OK
    );
}

/// Holds the database's write lock from another connection until dropped or released, so the
/// writer blocks on its first insert and the queue fills up behind it.
enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    async fn take(url: &str) -> Self {
        use sqlx::Connection as _;
        if testing_postgres() {
            let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query("BEGIN")
                .execute(&mut connection)
                .await
                .expect("begin");
            sqlx::query("LOCK TABLE ballots IN EXCLUSIVE MODE")
                .execute(&mut connection)
                .await
                .expect("lock");
            Self::Postgres(connection)
        } else {
            let mut connection = sqlx::SqliteConnection::connect(url).await.expect("connect");
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut connection)
                .await
                .expect("take the write lock");
            Self::Sqlite(connection)
        }
    }

    async fn release(self) {
        match self {
            Self::Sqlite(mut connection) => sqlx::query("ROLLBACK")
                .execute(&mut connection)
                .await
                .map(drop),
            Self::Postgres(mut connection) => sqlx::query("ROLLBACK")
                .execute(&mut connection)
                .await
                .map(drop),
        }
        .expect("release the lock");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_503_with_retry_after_and_stores_nothing_of_what_it_refused() {
    const REQUESTS: usize = 10;
    // One ballot being written plus two waiting: everything else is refused.
    let server = TestServer::with_writer(&WriterConfig {
        queue_capacity: 2,
        max_group: 1,
        confirm_timeout: Duration::from_secs(30),
    })
    .await;
    server.add_poll(single_choice_spec("water")).await;
    let lock = WriteLock::take(&server.database_url).await;

    let requests = (0..REQUESTS).map(|n| {
        server.send(post_json(
            &ballots_uri("water"),
            ballot(&["flat"], &voter(n)),
        ))
    });
    let releaser = async {
        // Long enough for every request to have been queued or refused.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        lock.release().await;
    };
    let (responses, ()) = tokio::join!(join_all(requests), releaser);

    let mut created = 0;
    let mut busy = 0;
    for response in &responses {
        match response.status {
            StatusCode::CREATED => created += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                response.assert_error(StatusCode::SERVICE_UNAVAILABLE, "server_busy");
                let retry_after: u32 = response
                    .header("retry-after")
                    .expect("Retry-After header")
                    .parse()
                    .expect("Retry-After in seconds");
                assert!(retry_after >= 1);
                busy += 1;
            }
            other => panic!(
                "unexpected {other}: {}",
                String::from_utf8_lossy(&response.body)
            ),
        }
    }
    assert_eq!(created + busy, REQUESTS);
    assert!(busy >= REQUESTS - 3, "{busy} refused of {REQUESTS}");
    // Exactly the acknowledged ballots are stored.
    assert_eq!(server.stored_ballots("water").await.len(), created);
    let results = server.send(get(&results_uri("water"))).await.json();
    assert_eq!(results["total_ballots"], created);
}

#[tokio::test]
async fn synthetic_load_test_ballots_are_counted_like_real_ones() {
    let server = TestServer::new().await;
    let poll = server.add_poll(single_choice_spec("water")).await;
    let slug = Slug::parse("water").expect("slug");

    let added = server
        .database
        .add_load_test_ballots(&slug, 1_000, now())
        .await
        .expect("bulk insert");
    let added_again = server
        .database
        .add_load_test_ballots(&slug, 11, now() + time::Duration::seconds(1))
        .await
        .expect("a second run adds");

    assert_eq!((added, added_again), (1_000, 11));
    let recount = server.database.recount(&poll).await.expect("recount");
    assert_eq!(recount.total_ballots(), 1_011);
    assert_eq!(
        server
            .database
            .channel_counts(&slug)
            .await
            .expect("channels")[0],
        (Channel::Web, 1_011)
    );
    assert_eq!(server.database.tally(&poll).expect("tally"), recount);
    let counts: Vec<u64> = recount.options().iter().map(|o| o.count).collect();
    assert_eq!(counts, [334 + 4, 333 + 4, 333 + 3]);
}

#[tokio::test]
async fn feedback_responses_share_groups_with_ballots_and_are_all_stored() {
    use baraza_core::feedback::{FeedbackForm, FeedbackSubmission};
    use baraza_server::storage::Stored;
    let server = TestServer::new().await;
    let poll = server.add_poll(single_choice_spec("water")).await;
    let form: FeedbackForm = serde_json::from_value(serde_json::json!({
        "slug": "water-page", "default_language": "en", "title": {"en": "Feedback"},
        "questions": [{"id": "useful", "prompt": {"en": "Is this page useful?"}, "kind": {"type": "useful"}}]
    }))
    .expect("test form is valid");
    server
        .database
        .save_feedback_form(&form, None, now())
        .await
        .expect("form saved");
    let response = |n: usize| {
        let submission: FeedbackSubmission = serde_json::from_value(serde_json::json!({
            "page": format!("/page/{n}"),
            "answers": [{"question": "useful", "answer": {"useful": {"useful": n.is_multiple_of(2)}}}]
        }))
        .expect("submission");
        Submission::FeedbackResponse {
            response: form
                .validate_response(&submission, now())
                .expect("valid response"),
            page_title: None,
            channel: baraza_server::storage::Channel::Web,
        }
    };
    // Interleaved and queued together (one runtime thread), so they reach one group.
    let submissions = (0..20_usize).map(|n| {
        let submission = if n.is_multiple_of(2) {
            submission(&poll, "flat", &voter(n))
        } else {
            response(n)
        };
        server.database.submit(submission)
    });

    let outcomes = join_all(submissions).await;

    let feedback = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Stored::FeedbackResponse { .. })))
        .count();
    let ballots = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Stored::Ballot { .. })))
        .count();
    assert_eq!((ballots, feedback), (10, 10), "{outcomes:?}");
    assert_eq!(server.stored_ballots("water").await.len(), 10);
    let stored = server
        .database
        .feedback_responses(form.slug())
        .await
        .expect("responses");
    assert_eq!(stored.len(), 10);
    let aggregate = server
        .database
        .feedback_aggregate(&form)
        .await
        .expect("aggregate");
    assert_eq!(aggregate.responses(), 10);
    assert_eq!(
        server.database.tally(&poll).expect("tally").total_ballots(),
        10
    );
}
