//! The SMS endpoint Kannel calls, driven in-process (the real gateway is in tests/kannel.rs):
//! the same poll, validation and one-answer rule as the web, replies for every case, and no
//! phone number stored.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use baraza_core::Slug;
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::PollChannels;
use support::{
    TestServer, ballot, ballots_uri, get, post_json, results_uri, single_choice_spec, voter,
};

const PHONE: &str = "254700111222";
const KANNEL: &str = "127.0.0.1:40000";

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes([42; 32]),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

/// A message as Kannel's smsbox sends it, from `peer`.
fn sms(from: &str, text: &str, peer: &str) -> Request<Body> {
    let query = format!("from={}&text={}", urlencode(from), urlencode(text));
    let mut request = Request::get(format!("/channels/sms/kannel?{query}"))
        .body(Body::empty())
        .expect("request");
    let peer: SocketAddr = peer.parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct SmsServer {
    server: TestServer,
}

impl SmsServer {
    async fn new() -> Self {
        let server = TestServer::new().await;
        let poll = server.add_poll(single_choice_spec("water")).await;
        server
            .database
            .set_poll_channels(
                poll.slug(),
                &PollChannels {
                    sms_keyword: Some("tariff".into()),
                    ussd_service_code: None,
                    voucher_required: false,
                },
            )
            .await
            .expect("channels");
        Self { server }
    }

    /// Sends one SMS and returns the reply text.
    async fn text(&self, from: &str, text: &str) -> String {
        let response = self
            .server
            .send_with(sms(from, text, KANNEL), |state| {
                state.with_channels(settings())
            })
            .await;
        assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
        assert_eq!(
            response.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        String::from_utf8(response.body.to_vec()).expect("UTF-8 reply")
    }
}

#[tokio::test]
async fn an_sms_answer_is_counted_in_the_same_poll_as_web_ballots_once_per_phone() {
    let sms = SmsServer::new().await;
    let web = sms
        .server
        .send(post_json(
            &ballots_uri("water"),
            ballot(&["flat"], &voter(1)),
        ))
        .await;
    assert_eq!(web.status, StatusCode::CREATED);

    let first = sms.text(PHONE, "TARIFF 2").await;
    let again = sms.text(&format!("+{PHONE}"), "tariff 3").await;
    let national = sms.text("0700111222", "TARIFF 1").await;

    assert!(first.starts_with("Thank you."), "{first}");
    assert!(first.contains("Pay more for heavy use"), "{first}");
    assert!(again.contains("already answered TARIFF"), "{again}");
    assert!(national.contains("already answered TARIFF"), "{national}");
    let results = sms.server.send(get(&results_uri("water"))).await.json();
    assert_eq!(results["total_ballots"], 2);
    assert_eq!(results["options"][0]["count"], 1);
    assert_eq!(results["options"][1]["count"], 1);
    let by_channel = sms
        .server
        .database
        .ballots_by_channel(&Slug::parse("water").expect("slug"))
        .await
        .expect("channels");
    assert_eq!(by_channel, [("sms".to_owned(), 1), ("web".to_owned(), 1)]);
    let shares = sms
        .server
        .send(get("/api/v1/polls/water/channels"))
        .await
        .json();
    assert_eq!(
        shares,
        serde_json::json!({"poll": "water", "total_ballots": 2, "channels": [
            {"channel": "web", "count": 1, "percent_tenths": 500},
            {"channel": "sms", "count": 1, "percent_tenths": 500},
            {"channel": "ussd", "count": 0, "percent_tenths": 0}
        ]})
    );
}

#[tokio::test]
async fn letters_glued_numbers_and_odd_spacing_are_read() {
    let sms = SmsServer::new().await;
    assert!(
        sms.text("254700000001", "  Tariff   c ")
            .await
            .starts_with("Thank you.")
    );
    assert!(
        sms.text("254700000002", "TARIFF2")
            .await
            .starts_with("Thank you.")
    );
    assert!(
        sms.text("254700000003", "tariff tiered")
            .await
            .starts_with("Thank you.")
    );
    let results = sms.server.send(get(&results_uri("water"))).await.json();
    let counts: Vec<u64> = (0..3)
        .map(|i| results["options"][i]["count"].as_u64().expect("count"))
        .collect();
    assert_eq!(counts, [0, 2, 1]);
}

#[tokio::test]
async fn what_cannot_be_read_gets_help_and_counts_nothing() {
    let sms = SmsServer::new().await;

    let keyword_only = sms.text(PHONE, "TARIFF").await;
    let bad_number = sms.text(PHONE, "TARIFF 9").await;
    let two_answers = sms.text(PHONE, "TARIFF 1 2").await;
    let unknown = sms.text(PHONE, "HELLO").await;

    assert!(
        keyword_only.starts_with("TARIFF: How should water be charged from 2027? Reply TARIFF and a number: 1 One flat rate, 2 Pay more for heavy use, 3 Dry-season prices"),
        "{keyword_only}"
    );
    assert!(
        bad_number.starts_with("We could not read \"9\". TARIFF:"),
        "{bad_number}"
    );
    assert!(
        two_answers.starts_with("That answer does not fit"),
        "{two_answers}"
    );
    assert_eq!(
        unknown,
        "Sorry, we did not understand. Send one of: TARIFF."
    );
    assert!(sms.server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn a_closed_poll_says_so_and_counts_nothing() {
    let sms = SmsServer::new().await;
    let mut spec = single_choice_spec("water");
    spec["status"] = "closed".into();
    sms.server.add_poll(spec).await;

    let reply = sms.text(PHONE, "TARIFF 1").await;

    assert_eq!(reply, "TARIFF is closed and takes no more answers.");
    assert!(sms.server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn replies_are_in_the_polls_language() {
    let sms = SmsServer::new().await;
    let mut spec = single_choice_spec("water");
    spec["default_language"] = "sw".into();
    sms.server.add_poll(spec).await;

    let reply = sms.text(PHONE, "TARIFF 1").await;

    assert!(reply.starts_with("Asante."), "{reply}");
    assert!(reply.contains("Kiwango kimoja"), "{reply}");
}

#[tokio::test]
async fn only_the_configured_gateway_may_call_and_only_when_configured() {
    let sms = SmsServer::new().await;

    let stranger = sms
        .server
        .send_with(sms_request_from("203.0.113.9:5000"), |state| {
            state.with_channels(settings())
        })
        .await;
    let unconfigured = sms.server.send(sms_request_from(KANNEL)).await;

    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert_eq!(unconfigured.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(sms.server.stored_ballots("water").await.is_empty());
}

fn sms_request_from(peer: &str) -> Request<Body> {
    sms(PHONE, "TARIFF 1", peer)
}

#[tokio::test]
async fn no_phone_number_is_stored() {
    let sms = SmsServer::new().await;
    sms.text(PHONE, "TARIFF 2").await;

    let tokens = sms.server.voter_tokens("water").await;

    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].starts_with("phone-"), "{tokens:?}");
    assert!(!tokens[0].contains("700111222"), "{tokens:?}");
    assert!(!sms.server.database_dump().await.contains("700111222"));
}

#[tokio::test]
async fn phone_hashes_are_purged_once_a_poll_has_been_closed_for_the_retention_period() {
    let sms = SmsServer::new().await;
    sms.text(PHONE, "TARIFF 2").await;
    let poll = sms
        .server
        .database
        .poll(&Slug::parse("water").expect("slug"))
        .await
        .expect("read")
        .expect("poll");
    let before = sms.server.database.recount(&poll).await.expect("recount");
    let closes = poll.closes_at().expect("closing time");

    let while_open = baraza_server::channels::purge_expired_phone_hashes(
        &sms.server.database,
        time::Duration::days(30),
        support::now(),
    )
    .await
    .expect("purge");
    let too_soon = baraza_server::channels::purge_expired_phone_hashes(
        &sms.server.database,
        time::Duration::days(30),
        closes + time::Duration::days(29),
    )
    .await
    .expect("purge");
    let after_retention = baraza_server::channels::purge_expired_phone_hashes(
        &sms.server.database,
        time::Duration::days(30),
        closes + time::Duration::days(30),
    )
    .await
    .expect("purge");

    assert_eq!((while_open, too_soon, after_retention), (0, 0, 1));
    let tokens = sms.server.voter_tokens("water").await;
    assert!(
        tokens.iter().all(|t| !t.starts_with("phone-")),
        "{tokens:?}"
    );
    assert_eq!(
        sms.server.database.recount(&poll).await.expect("recount"),
        before
    );
}

/// A server whose poll `slug` (from `spec`) answers to the SMS keyword `MAJI`.
async fn keyword_poll(spec: serde_json::Value) -> SmsServer {
    let server = TestServer::new().await;
    let poll = server.add_poll(spec).await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("MAJI".into()),
                ussd_service_code: None,
                voucher_required: false,
            },
        )
        .await
        .expect("channels");
    SmsServer { server }
}

#[tokio::test]
async fn multiple_choice_and_approval_polls_take_several_numbers_in_one_sms() {
    let sms = keyword_poll(support::multiple_choice_spec("budget", 2, 3)).await;
    let help = sms.text(PHONE, "MAJI").await;
    assert!(help.contains("Reply MAJI and numbers"), "{help}");
    let too_few = sms.text(PHONE, "MAJI 1").await;
    assert!(
        too_few.starts_with("That answer does not fit the question."),
        "{too_few}"
    );
    let counted = sms.text(PHONE, "maji 1 3").await;
    assert!(counted.contains("Option a, Option c"), "{counted}");
    let again = sms.text(PHONE, "MAJI 2,4").await;
    assert!(again.contains("already answered MAJI"), "{again}");
    assert_eq!(
        sms.server.stored_ballots("budget").await,
        [vec!["a".to_owned(), "c".to_owned()]]
    );

    let mut approval = support::multiple_choice_spec("approve", 0, 5);
    approval["kind"] = serde_json::json!({"type": "approval"});
    let sms = keyword_poll(approval).await;
    let counted = sms.text(PHONE, "MAJI b d e").await;
    assert!(
        counted.contains("Option b, Option d, Option e"),
        "{counted}"
    );
    assert_eq!(
        sms.server.stored_ballots("approve").await,
        [vec!["b".to_owned(), "d".to_owned(), "e".to_owned()]]
    );
}
