//! The demo data behind www/: `baraza seed demo` on an empty and on an already seeded database.

mod support;

use axum::http::StatusCode;
use baraza_core::PollStatus;
use baraza_server::seed::{DEMO_POLL, DEMO_SCORE_POLL, demo_polls, seed_demo};
use serde_json::json;
use support::{
    TestServer, VOTER_A, ballot, ballots_uri, get, now, poll_uri, post_json, results_uri,
};
use time::Duration;

const CLOSED_DEMO: &str = "kiosk-hours-2026";

#[tokio::test]
async fn seeding_an_empty_database_opens_the_main_poll_and_fills_the_closed_one() {
    let server = TestServer::new().await;

    seed_demo(&server.database, now()).await.expect("seeded");

    assert_eq!(server.database.poll_count().await.expect("count"), 5);
    let main = server.send(get(&poll_uri(DEMO_POLL))).await;
    assert_eq!(main.status, StatusCode::OK);
    assert_eq!(main.json()["phase"], "open");
    let main_results = server.send(get(&results_uri(DEMO_POLL))).await.json();
    assert_eq!(main_results["total_ballots"], 0);

    let closed = server.send(get(&poll_uri(CLOSED_DEMO))).await;
    assert_eq!(closed.status, StatusCode::OK);
    assert_eq!(closed.json()["phase"], "closed");
    let results = server.send(get(&results_uri(CLOSED_DEMO))).await.json();
    assert_eq!(
        results,
        json!({
            "poll": CLOSED_DEMO,
            "phase": "closed",
            "total_ballots": 23,
            "options": [
                {"id": "yes", "count": 12, "percent_tenths": 522},
                {"id": "weekdays", "count": 7, "percent_tenths": 304},
                {"id": "no", "count": 4, "percent_tenths": 174}
            ]
        })
    );
}

#[tokio::test]
async fn seeded_main_poll_takes_ballots_and_the_closed_one_refuses_them() {
    let server = TestServer::new().await;
    seed_demo(&server.database, now()).await.expect("seeded");

    let accepted = server
        .send(post_json(
            &ballots_uri(DEMO_POLL),
            ballot(&["lifeline-block"], VOTER_A),
        ))
        .await;
    let refused = server
        .send(post_json(
            &ballots_uri(CLOSED_DEMO),
            ballot(&["yes"], VOTER_A),
        ))
        .await;

    assert_eq!(accepted.status, StatusCode::CREATED);
    refused.assert_error(StatusCode::CONFLICT, "poll_not_open");
    assert_eq!(server.stored_ballots(CLOSED_DEMO).await.len(), 23);
}

#[tokio::test]
async fn seeding_twice_does_not_duplicate_polls_or_ballots() {
    let server = TestServer::new().await;
    seed_demo(&server.database, now())
        .await
        .expect("first seed");
    let first = server.stored_ballots(CLOSED_DEMO).await;

    seed_demo(&server.database, now())
        .await
        .expect("second seed");
    // A later re-seed (the next day's `baraza seed demo`) must not add ballots either.
    seed_demo(&server.database, now() + Duration::days(1))
        .await
        .expect("third seed");

    assert_eq!(server.database.poll_count().await.expect("count"), 5);
    assert_eq!(first.len(), 23);
    // The demo's phone keywords: the main poll and the feedback form, once each.
    let keywords: Vec<String> = server
        .database
        .sms_routes()
        .await
        .expect("routes")
        .into_iter()
        .map(|(keyword, route)| format!("{keyword} {}", route.slug()))
        .collect();
    assert_eq!(
        keywords,
        [
            "KLINIKI clinic-services-2027",
            "MAONI water-page-feedback",
            "TARIFF water-tariffs-2027"
        ]
    );
    assert_eq!(server.stored_ballots(CLOSED_DEMO).await, first);
    assert!(server.stored_ballots(DEMO_POLL).await.is_empty());
}

#[tokio::test]
async fn reseeding_keeps_ballots_citizens_cast_in_the_open_polls() {
    let server = TestServer::new().await;
    seed_demo(&server.database, now())
        .await
        .expect("first seed");
    let vote = server
        .send(post_json(
            &ballots_uri(DEMO_POLL),
            ballot(&["seasonal"], VOTER_A),
        ))
        .await;
    assert_eq!(vote.status, StatusCode::CREATED);

    seed_demo(&server.database, now())
        .await
        .expect("second seed");

    assert_eq!(server.stored_ballots(DEMO_POLL).await, [["seasonal"]]);
}

#[test]
fn demo_polls_are_scheduled_around_the_given_instant() {
    let polls = demo_polls(now()).expect("demo polls are valid");

    for poll in &polls {
        match poll.status() {
            PollStatus::Closed => {
                assert_eq!(poll.opens_at(), Some(now() - Duration::days(90)));
                assert_eq!(poll.closes_at(), Some(now() - Duration::days(30)));
            }
            _ => assert_eq!(poll.closes_at(), Some(now() + Duration::days(60))),
        }
    }
    let slugs: Vec<&str> = polls.iter().map(|p| p.slug().as_str()).collect();
    assert_eq!(
        slugs,
        [
            DEMO_POLL,
            "water-priorities-2027",
            DEMO_SCORE_POLL,
            "repair-order-2027",
            CLOSED_DEMO
        ]
    );
}
