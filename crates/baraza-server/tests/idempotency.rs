//! `Idempotency-Key` on the API's POSTs: a resent request is counted once and answered with the
//! first answer, on either engine.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use baraza_server::storage::Database;
use futures_util::future::join_all;
use serde_json::Value;
use support::{TestServer, ballot, ballots_uri, get, results_uri, single_choice_spec, voter};

fn post_with_key(uri: &str, body: String, key: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key)
        .body(Body::from(body))
        .expect("valid request")
}

async fn server_with_poll() -> TestServer {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec("water")).await;
    server.add_poll(single_choice_spec("roads")).await;
    server
}

#[tokio::test]
async fn a_resent_ballot_is_counted_once_and_gets_the_first_receipt() {
    let server = server_with_poll().await;
    let body = ballot(&["tiered"], &voter(1));

    let first = server
        .send(post_with_key(
            &ballots_uri("water"),
            body.clone(),
            "key-0001",
        ))
        .await;
    let again = server
        .send(post_with_key(&ballots_uri("water"), body, "key-0001"))
        .await;

    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(server.stored_ballots("water").await.len(), 1);
    assert_eq!(
        server.send(get(&results_uri("water"))).await.json()["total_ballots"],
        1
    );
}

#[tokio::test]
async fn without_a_key_a_resent_ballot_is_refused_as_already_voted() {
    let server = server_with_poll().await;
    let body = ballot(&["tiered"], &voter(1));
    let request = || support::post_json(&ballots_uri("water"), body.clone());

    assert_eq!(server.send(request()).await.status, StatusCode::CREATED);
    server
        .send(request())
        .await
        .assert_error(StatusCode::CONFLICT, "already_voted");
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_and_stores_nothing() {
    let server = server_with_poll().await;
    server
        .send(post_with_key(
            &ballots_uri("water"),
            ballot(&["tiered"], &voter(1)),
            "key-0002",
        ))
        .await;

    let reused = server
        .send(post_with_key(
            &ballots_uri("water"),
            ballot(&["flat"], &voter(2)),
            "key-0002",
        ))
        .await;

    reused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    assert_eq!(server.stored_ballots("water").await, [["tiered"]]);
}

#[tokio::test]
async fn a_key_names_a_request_on_one_path_only() {
    let server = server_with_poll().await;
    let body = ballot(&["flat"], &voter(1));

    let water = server
        .send(post_with_key(
            &ballots_uri("water"),
            body.clone(),
            "key-0003",
        ))
        .await;
    let roads = server
        .send(post_with_key(&ballots_uri("roads"), body, "key-0003"))
        .await;

    assert_eq!(water.status, StatusCode::CREATED);
    assert_eq!(roads.status, StatusCode::CREATED);
    assert_eq!(roads.header("idempotent-replayed"), None);
    assert_eq!(server.stored_ballots("roads").await.len(), 1);
}

#[tokio::test]
async fn a_refusal_is_replayed_too() {
    let server = server_with_poll().await;
    let body = ballot(&["no-such-option"], &voter(1));

    let first = server
        .send(post_with_key(
            &ballots_uri("water"),
            body.clone(),
            "key-0004",
        ))
        .await;
    let again = server
        .send(post_with_key(&ballots_uri("water"), body, "key-0004"))
        .await;

    first.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_option");
    assert_eq!(again.status, first.status);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
}

#[tokio::test]
async fn malformed_keys_are_refused_and_store_nothing() {
    let server = server_with_poll().await;
    for key in ["", "has space", &"k".repeat(256)] {
        let response = server
            .send(post_with_key(
                &ballots_uri("water"),
                ballot(&["flat"], &voter(1)),
                key,
            ))
            .await;
        response.assert_error(StatusCode::BAD_REQUEST, "invalid_idempotency_key");
    }
    assert!(server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn the_first_answer_outlives_a_restart() {
    let server = server_with_poll().await;
    let body = ballot(&["seasonal"], &voter(1));
    let first = server
        .send(post_with_key(
            &ballots_uri("water"),
            body.clone(),
            "key-0005",
        ))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);

    // A second handle on the same database, as a restarted server (or a second one) would be.
    let reopened = Database::connect(&server.database_url)
        .await
        .expect("reopen");
    let recorded = reopened
        .recorded_response("key-0005", &ballots_uri("water"), support::now())
        .await
        .expect("query")
        .expect("recorded");

    assert_eq!(recorded.status, 201);
    assert_eq!(recorded.body.as_bytes(), &first.body[..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_sent_five_times_at_once_is_counted_once() {
    let server = server_with_poll().await;
    let body = ballot(&["flat"], &voter(7));
    let attempts = (0..5).map(|_| {
        server.send(post_with_key(
            &ballots_uri("water"),
            body.clone(),
            "key-0006",
        ))
    });

    let responses = join_all(attempts).await;

    let mut receipts: Vec<Value> = Vec::new();
    for response in &responses {
        match response.status {
            StatusCode::CREATED => receipts.push(response.json()),
            StatusCode::CONFLICT => {
                let error = response.assert_error(StatusCode::CONFLICT, "request_in_progress");
                assert!(error["message"].as_str().is_some());
                assert_eq!(response.header("retry-after"), Some("1"));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(!receipts.is_empty());
    assert!(receipts.iter().all(|r| r == &receipts[0]), "{receipts:?}");
    assert_eq!(server.stored_ballots("water").await.len(), 1);
}

#[tokio::test]
async fn cross_origin_widgets_may_send_the_key() {
    let server = server_with_poll().await;
    let preflight = Request::options(ballots_uri("water"))
        .header(header::ORIGIN, "https://county.example.gov")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,idempotency-key",
        )
        .body(Body::empty())
        .expect("request");

    let response = server.send(preflight).await;

    let allowed = response
        .header("access-control-allow-headers")
        .expect("allowed headers")
        .to_ascii_lowercase();
    assert!(allowed.contains("idempotency-key"), "{allowed}");
}
