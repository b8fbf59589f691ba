//! USSD sessions driven step by step over HTTP, as an aggregator does: each step posts
//! everything typed so far; the answer is `CON …` (wait for input) or `END …`.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use baraza_core::Slug;
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::channels::ussd::SCREEN_CHARS;
use baraza_server::storage::PollChannels;
use serde_json::json;
use support::{TestServer, get, results_uri, single_choice_spec};

const CODE: &str = "*384*55#";
const PHONE: &str = "+254700111222";

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes([42; 32]),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

async fn server_with(spec: serde_json::Value) -> TestServer {
    let server = TestServer::new().await;
    let poll = server.add_poll(spec).await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("TARIFF".into()),
                ussd_service_code: Some(CODE.into()),
                voucher_required: false,
            },
        )
        .await
        .expect("channels");
    server
}

/// One step of session `session` from `phone` with everything typed so far.
async fn step(server: &TestServer, session: &str, phone: &str, text: &str) -> String {
    let form = format!(
        "sessionId={session}&serviceCode={}&phoneNumber={}&text={}",
        "%2A384%2A55%23",
        phone.replace('+', "%2B"),
        text.replace('*', "%2A")
    );
    let mut request = Request::post("/channels/ussd")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let peer: SocketAddr = "127.0.0.1:40001".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let body = String::from_utf8(response.body.to_vec()).expect("UTF-8");
    assert!(
        body.starts_with("CON ") || body.starts_with("END "),
        "{body}"
    );
    assert!(body.chars().count() <= 4 + SCREEN_CHARS, "{body}");
    body
}

#[tokio::test]
async fn a_session_chooses_the_language_answers_confirms_and_is_counted_once_per_phone() {
    let server = server_with(single_choice_spec("water")).await;

    let languages = step(&server, "s1", PHONE, "").await;
    let question = step(&server, "s1", PHONE, "2").await;
    let confirm = step(&server, "s1", PHONE, "2*3").await;
    let done = step(&server, "s1", PHONE, "2*3*1").await;

    assert_eq!(languages, "CON Choose a language:\n1 English\n2 Kiswahili");
    assert_eq!(
        question,
        "CON Maji yatozwe vipi kuanzia 2027?\n1 Kiwango kimoja\n2 Lipa zaidi ukitumia zaidi\n3 Bei za kiangazi"
    );
    assert_eq!(
        confirm,
        "CON Umechagua: Bei za kiangazi. Tuma?\n1 Ndiyo, tuma\n2 Hapana, ghairi"
    );
    assert!(done.starts_with("END Asante."), "{done}");
    assert_eq!(server.stored_ballots("water").await, [["seasonal"]]);
    let by_channel = server
        .database
        .ballots_by_channel(&Slug::parse("water").expect("slug"))
        .await
        .expect("channels");
    assert_eq!(by_channel, [("ussd".to_owned(), 1)]);
    let counts = server
        .database
        .channel_counts(&Slug::parse("water").expect("slug"))
        .await
        .expect("running counts");
    let counts: Vec<u64> = counts.iter().map(|(_, count)| *count).collect();
    assert_eq!(counts, [0, 0, 1], "web, sms, ussd");

    // The same phone again, by USSD or in another format: nothing more is counted.
    let again = step(&server, "s2", "0700111222", "").await;
    assert_eq!(
        again,
        "END This phone has already answered TARIFF. Each phone answers once."
    );
    let racing = step(&server, "s3", PHONE, "1*1*1").await;
    assert!(racing.contains("already answered"), "{racing}");
    assert_eq!(
        server.send(get(&results_uri("water"))).await.json()["total_ballots"],
        1
    );
}

#[tokio::test]
async fn a_session_that_stops_before_confirming_stores_nothing() {
    let server = server_with(single_choice_spec("water")).await;

    step(&server, "s1", PHONE, "").await;
    step(&server, "s1", PHONE, "1").await;
    let confirm = step(&server, "s1", PHONE, "1*2").await;
    // The aggregator times the session out here: no further step comes.
    let cancelled = step(&server, "s2", "+254700000002", "1*2*2").await;

    assert!(
        confirm.starts_with("CON You chose: Pay more for heavy use."),
        "{confirm}"
    );
    assert_eq!(cancelled, "END Cancelled. Nothing was stored.");
    assert!(server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn a_wrong_entry_shows_the_screen_again_and_the_session_goes_on() {
    let server = server_with(single_choice_spec("water")).await;

    let wrong = step(&server, "s1", PHONE, "1*7").await;
    let done = step(&server, "s1", PHONE, "1*7*1*1").await;

    assert!(
        wrong.starts_with("CON Invalid choice.\nHow should water be charged"),
        "{wrong}"
    );
    assert!(done.starts_with("END Thank you."), "{done}");
    assert_eq!(server.stored_ballots("water").await, [["flat"]]);
}

#[tokio::test]
async fn options_that_do_not_fit_a_screen_are_paged_with_more() {
    let options: Vec<serde_json::Value> = (1..=9)
        .map(|i| json!({"id": format!("route-{i}"), "label": {"en": format!("Rehabilitate the water main along route number {i}")}}))
        .collect();
    let server = server_with(json!({
        "slug": "mains", "default_language": "en",
        "question": {"en": "Which water main should be rehabilitated first?"},
        "kind": {"type": "single_choice"}, "options": options, "status": "open",
        "opens_at": support::OPENS_AT, "closes_at": support::CLOSES_AT
    }))
    .await;

    let first_page = step(&server, "s1", PHONE, "").await;
    let second_page = step(&server, "s1", PHONE, "99").await;
    let last_on_second: usize = second_page
        .lines()
        .filter_map(|line| {
            line.split_once(' ')
                .and_then(|(n, _)| n.parse::<usize>().ok())
        })
        .filter(|&n| n != 99)
        .max()
        .expect("numbered options");
    let chosen = step(&server, "s1", PHONE, &format!("99*{last_on_second}*1")).await;

    assert!(
        first_page.starts_with("CON Which water main"),
        "{first_page}"
    );
    assert!(first_page.ends_with("\n99 More"), "{first_page}");
    assert!(
        !first_page.contains(&format!("\n{last_on_second} ")),
        "{first_page}"
    );
    assert!(
        second_page.contains(&format!("\n{last_on_second} Rehabilitate")),
        "{second_page}"
    );
    assert!(chosen.starts_with("END Thank you."), "{chosen}");
    assert_eq!(
        server.stored_ballots("mains").await,
        [[format!("route-{last_on_second}")]]
    );
}

#[tokio::test]
async fn an_unknown_code_or_a_stranger_gets_nothing_stored() {
    let server = server_with(single_choice_spec("water")).await;
    let form = "sessionId=s1&serviceCode=%2A999%23&phoneNumber=%2B254700111222&text=1%2A1%2A1";
    let mut request = Request::post("/channels/ussd")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo(
        "127.0.0.1:1".parse::<SocketAddr>().expect("address"),
    ));
    let unknown = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    let mut request = Request::post("/channels/ussd")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.replace("%2A999%23", "%2A384%2A55%23")))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo(
        "198.51.100.7:1".parse::<SocketAddr>().expect("address"),
    ));
    let stranger = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;

    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(
        &unknown.body[..],
        b"END This number takes no answers at the moment."
    );
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(server.stored_ballots("water").await.is_empty());
}

#[tokio::test]
async fn a_poll_taking_several_answers_is_ticked_option_by_option_and_finished_with_zero() {
    let server = server_with(support::multiple_choice_spec("water", 2, 3)).await;

    let first = step(&server, "s9", PHONE, "").await;
    let ticked = step(&server, "s9", PHONE, "4*2").await;
    let too_few = step(&server, "s9", PHONE, "4*0").await;
    let too_many = step(&server, "s9", PHONE, "4*2*1*5").await;
    let confirm = step(&server, "s9", PHONE, "4*2*1*5*1*0").await;
    let done = step(&server, "s9", PHONE, "4*2*1*5*1*0*1").await;

    assert_eq!(
        first,
        "CON Which investments matter most?\n1 Option a\n2 Option b\n3 Option c\n4 Option d\n5 Option e\n0 Done"
    );
    assert_eq!(
        ticked,
        "CON Which investments matter most?\n1 Option a\n2 [x] Option b\n3 Option c\n4 [x] Option d\n5 Option e\n0 Done"
    );
    assert!(too_few.starts_with("CON Choose at least 2.\n"), "{too_few}");
    assert!(
        too_many.starts_with("CON You can choose at most 3.\n"),
        "{too_many}"
    );
    // Unticking `1` made room for the `0` to finish with d and b.
    assert_eq!(
        confirm,
        "CON You chose: Option d, Option b. Send it?\n1 Yes, send\n2 No, cancel"
    );
    assert!(done.starts_with("END Thank you."), "{done}");
    let mut stored = server.stored_ballots("water").await;
    for ballot in &mut stored {
        ballot.sort();
    }
    assert_eq!(stored, [["b", "d"]]);
}
