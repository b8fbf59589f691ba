//! Ranked polls on the server: rankings from the web and by SMS, counted by instant-runoff from
//! the running rankings, which agree with a recount and survive a restart.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use baraza_core::Slug;
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::PollChannels;
use serde_json::{Value, json};
use support::{TestServer, ballot, ballots_uri, get, post_json, results_uri, voter};

fn repairs_spec() -> Value {
    json!({
        "slug": "repairs",
        "default_language": "en",
        "question": {"en": "What should be repaired first?"},
        "kind": {"type": "ranked"},
        "options": [
            {"id": "mains", "label": {"en": "Leaking mains"}},
            {"id": "boreholes", "label": {"en": "Village boreholes"}},
            {"id": "taps", "label": {"en": "School taps"}}
        ],
        "status": "open"
    })
}

async fn ussd(server: &TestServer, phone: &str, text: &str) -> String {
    let form = format!(
        "sessionId=r1&serviceCode=%2A384%2A58%23&phoneNumber={phone}&text={}",
        text.replace('*', "%2A")
    );
    let mut request = Request::post("/channels/ussd")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let peer: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes([42; 32]),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

async fn sms(server: &TestServer, from: &str, text: &str) -> String {
    let mut request = Request::get(format!(
        "/channels/sms/kannel?from={from}&text={}",
        text.replace(' ', "+")
    ))
    .body(Body::empty())
    .expect("request");
    let peer: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

fn round_votes(round: &Value) -> Vec<(String, u64)> {
    round["votes"]
        .as_array()
        .expect("votes")
        .iter()
        .map(|v| {
            (
                v["id"].as_str().expect("id").to_owned(),
                v["votes"].as_u64().expect("votes"),
            )
        })
        .collect()
}

#[tokio::test]
async fn rankings_from_the_web_and_by_sms_are_counted_round_by_round() {
    let server = TestServer::new().await;
    let poll = server.add_poll(repairs_spec()).await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("REPAIR".into()),
                ussd_service_code: Some("*384*58#".into()),
                voucher_required: false,
            },
        )
        .await
        .expect("channels");

    for (n, ranking) in [
        &["mains", "taps"][..],
        &["mains"][..],
        &["boreholes"][..],
        &["boreholes", "mains"][..],
    ]
    .iter()
    .enumerate()
    {
        let response = server
            .send(post_json(
                &ballots_uri("repairs"),
                ballot(ranking, &voter(n)),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let help = sms(&server, "254700000031", "REPAIR").await;
    assert!(
        help.contains("Reply REPAIR and numbers, your first choice first: 1 Leaking mains"),
        "{help}"
    );
    // By SMS, the order of the numbers is the order of preference: taps, then boreholes.
    let reply = sms(&server, "254700000031", "REPAIR 3 2").await;
    assert!(
        reply.ends_with("recorded: School taps, Village boreholes."),
        "{reply}"
    );

    // By USSD, each option ticked takes the next place, shown as `#1`, `#2`.
    let phone = "254700000032";
    let ticked = ussd(&server, phone, "3*2").await;
    assert_eq!(
        ticked,
        "CON What should be repaired first?\n1 Leaking mains\n2 #2 Village boreholes\n3 #1 School taps\n0 Done"
    );
    let confirm = ussd(&server, phone, "3*2*0").await;
    assert!(
        confirm.contains("School taps, Village boreholes"),
        "{confirm}"
    );
    let done = ussd(&server, phone, "3*2*0*1").await;
    assert!(done.starts_with("END Thank you."), "{done}");

    let results = server.send(get(&results_uri("repairs"))).await.json();
    assert_eq!(results["total_ballots"], 6);
    let rounds = results["rounds"].as_array().expect("rounds");
    // Round 1: mains 2, boreholes 2, taps 2 — a three-way tie at the bottom, broken by the
    // option order: taps (listed last) go, and both their ballots move to boreholes: 4 of 6.
    assert_eq!(
        round_votes(&rounds[0]),
        [
            ("mains".to_owned(), 2),
            ("boreholes".to_owned(), 2),
            ("taps".to_owned(), 2)
        ]
    );
    assert_eq!(rounds[0]["eliminated"], json!(["taps"]));
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        round_votes(&rounds[1]),
        [("mains".to_owned(), 2), ("boreholes".to_owned(), 4)]
    );
    assert_eq!(rounds[1]["elected"], json!(["boreholes"]));
    assert_eq!(
        server.stored_ballots("repairs").await[4],
        ["taps", "boreholes"]
    );

    // Repeating an option is refused, and nothing is stored.
    server
        .send(post_json(
            &ballots_uri("repairs"),
            ballot(&["taps", "taps"], &voter(9)),
        ))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "duplicate_selection");
    assert_eq!(server.stored_ballots("repairs").await.len(), 6);

    let slug = Slug::parse("repairs").expect("slug");
    let in_memory = server.database.tally(&poll).expect("tally");
    let recount = server.database.recount(&poll).await.expect("recount");
    let stored = server
        .database
        .stored_tally(&slug)
        .await
        .expect("reload")
        .expect("stored");
    assert_eq!(in_memory, recount);
    assert_eq!(stored, recount);
}

#[tokio::test]
async fn an_editor_makes_a_ranked_poll_whose_page_shows_the_rounds() {
    use baraza_server::storage::Role;
    use support::site::html;

    let server = TestServer::new().await;
    server
        .add_staff("editor@water.go.ke", Role::Editor, "ministry-of-water")
        .await;
    let editor = server.sign_in("editor@water.go.ke").await;
    let form = [
        ("slug", "repairs"),
        ("default_language", "en"),
        ("question_en", "What should be repaired first?"),
        ("kind", "ranked"),
        ("option_rows", "3"),
        ("option_0_en", "Leaking mains"),
        ("option_0_id", "mains"),
        ("option_1_en", "Village boreholes"),
        ("option_1_id", "boreholes"),
        ("option_2_en", "School taps"),
        ("option_2_id", "taps"),
        ("action", "save"),
    ];
    let created = server
        .post_as(
            &editor,
            "/admin/organisations/ministry-of-water/polls/new",
            &form,
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", html(&created));
    server
        .post_as(&editor, "/admin/polls/repairs/open", &[("when", "now")])
        .await;
    for (n, ranking) in [
        &["mains"][..],
        &["taps", "boreholes"][..],
        &["boreholes"][..],
    ]
    .iter()
    .enumerate()
    {
        let response = server
            .send(post_json(
                &ballots_uri("repairs"),
                ballot(ranking, &voter(n)),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let page = html(&server.get_as(&editor, "/admin/polls/repairs").await);
    assert!(
        page.contains("Rank options in order of preference (instant-runoff)"),
        "{page}"
    );
    assert!(
        page.contains("<caption>Instant-runoff count, round by round</caption>"),
        "{page}"
    );
    // Round 1: 1 each; the tie at the bottom goes by option order, so taps (listed last) go
    // and their ballot moves to boreholes, which wins round 2 with 2 of 3.
    assert!(page.contains(
        r#"<tr><th scope="row">1</th><td class="numeric">1</td><td class="numeric">1</td><td class="numeric">1</td><td class="numeric">0</td><td>Eliminated: School taps</td></tr>"#
    ), "{page}");
    let csv = server
        .get_as(&editor, "/admin/polls/repairs/export.csv")
        .await;
    let text = String::from_utf8(csv.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ballot_id,submitted_at,mains,boreholes,taps");
    assert!(
        lines[1].ends_with(",1,,"),
        "each cell is the option's place: {text}"
    );
    assert!(lines[2].ends_with(",,2,1"), "{text}");
    assert!(page.contains(
        r#"<tr><th scope="row">2</th><td class="numeric">1</td><td class="numeric">2</td><td class="numeric">–</td><td class="numeric">0</td><td>Elected: Village boreholes</td></tr>"#
    ), "{page}");
}
