//! Score polls on every channel: rated on the web (`{"ratings": …}`), by SMS (`CLINIC 4 3 5`) and
//! by USSD (one screen per option), into one tally whose running distributions agree with a
//! recount and survive a restart; every bad ballot refused with its own code and nothing stored.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use baraza_core::Slug;
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::PollChannels;
use serde_json::{Value, json};
use support::{TestServer, ballots_uri, get, poll_uri, post_json, results_uri, voter};

const KEYWORD: &str = "CLINIC";
const CODE: &str = "*384*57#";

fn clinic_spec(require_all: bool) -> Value {
    json!({
        "slug": "clinic",
        "default_language": "en",
        "question": {"en": "How good is your clinic?", "sw": "Kliniki yako ni nzuri kiasi gani?"},
        "kind": {"type": "score", "scale": {"min": 1, "max": 5}, "require_all": require_all},
        "options": [
            {"id": "waiting", "label": {"en": "Waiting time", "sw": "Muda wa kusubiri"}},
            {"id": "staff", "label": {"en": "Staff", "sw": "Wahudumu"}},
            {"id": "medicines", "label": {"en": "Medicines", "sw": "Dawa"}}
        ],
        "status": "open"
    })
}

async fn clinic_server(require_all: bool) -> TestServer {
    let server = TestServer::new().await;
    let poll = server.add_poll(clinic_spec(require_all)).await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some(KEYWORD.into()),
                ussd_service_code: Some(CODE.into()),
                voucher_required: false,
            },
        )
        .await
        .expect("channels");
    server
}

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes([42; 32]),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

fn from_gateway(mut request: Request<Body>) -> Request<Body> {
    let peer: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn sms(server: &TestServer, from: &str, text: &str) -> String {
    let uri = format!(
        "/channels/sms/kannel?from={}&text={}",
        percent_encode(from),
        percent_encode(text)
    );
    let request = from_gateway(Request::get(uri).body(Body::empty()).expect("request"));
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

async fn ussd(server: &TestServer, session: &str, phone: &str, text: &str) -> String {
    let form = format!(
        "sessionId={session}&serviceCode={}&phoneNumber={}&text={}",
        percent_encode(CODE),
        percent_encode(phone),
        percent_encode(text)
    );
    let request = from_gateway(
        Request::post("/channels/ussd")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request"),
    );
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

fn rated(ratings: &[(&str, i64)], voter: &str) -> String {
    let ratings: Vec<Value> = ratings
        .iter()
        .map(|(option, score)| json!({"option": option, "score": score}))
        .collect();
    json!({"ratings": ratings, "voter": voter}).to_string()
}

fn means(results: &Value) -> Vec<Value> {
    results["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["scores"]["mean_tenths"].clone())
        .collect()
}

#[tokio::test]
async fn the_web_rates_options_and_results_carry_distributions_means_and_medians() {
    let server = clinic_server(false).await;
    let view = server.send(get(&poll_uri("clinic"))).await.json();
    assert_eq!(
        view["kind"],
        json!({"type": "score", "scale": {"min": 1, "max": 5}})
    );

    let first = server
        .send(post_json(
            &ballots_uri("clinic"),
            rated(&[("waiting", 2), ("staff", 5)], &voter(1)),
        ))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let receipt = first.json();
    assert_eq!(receipt["results"]["total_ballots"], 1);
    let second = server
        .send(post_json(
            &ballots_uri("clinic"),
            rated(&[("waiting", 3)], &voter(2)),
        ))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);

    let results = server.send(get(&results_uri("clinic"))).await.json();
    assert_eq!(results["total_ballots"], 2);
    assert_eq!(means(&results), [json!(25), json!(50), Value::Null]);
    let waiting = &results["options"][0];
    assert_eq!(waiting["count"], 2);
    assert_eq!(waiting["scores"]["median_tenths"], 25);
    assert_eq!(waiting["scores"]["distribution"], json!([0, 1, 1, 0, 0]));
    assert_eq!(
        results["options"][2]["scores"]["distribution"],
        json!([0, 0, 0, 0, 0])
    );

    // What is in memory is what a recount of the stored ballots and a restart give.
    let slug = Slug::parse("clinic").expect("slug");
    let poll = server
        .database
        .poll(&slug)
        .await
        .expect("read")
        .expect("poll");
    let in_memory = server.database.tally(&poll).expect("tally");
    let recount = server.database.recount(&poll).await.expect("recount");
    let stored = server
        .database
        .stored_tally(&slug)
        .await
        .expect("reload")
        .expect("poll stored");
    assert_eq!(in_memory, recount);
    assert_eq!(stored, recount);
}

#[tokio::test]
async fn every_bad_rating_is_refused_with_its_code_and_nothing_is_stored() {
    let server = clinic_server(true).await;
    let cases: [(String, &str); 7] = [
        (
            json!({"ratings": [], "voter": voter(1)}).to_string(),
            "invalid_request",
        ),
        (
            rated(&[("waiting", 6), ("staff", 1), ("medicines", 1)], &voter(1)),
            "score_out_of_scale",
        ),
        (
            rated(&[("parking", 3), ("staff", 1), ("medicines", 1)], &voter(1)),
            "unknown_option",
        ),
        (rated(&[("waiting", 3)], &voter(1)), "missing_rating"),
        (
            rated(
                &[
                    ("waiting", 3),
                    ("waiting", 4),
                    ("staff", 1),
                    ("medicines", 1),
                ],
                &voter(1),
            ),
            "duplicate_selection",
        ),
        (
            json!({"selections": ["waiting"], "voter": voter(1)}).to_string(),
            "answer_type_mismatch",
        ),
        (
            json!({"ratings": [{"option": "waiting", "score": "five"}], "voter": voter(1)})
                .to_string(),
            "invalid_request",
        ),
    ];
    for (body, code) in cases {
        let response = server.send(post_json(&ballots_uri("clinic"), body)).await;
        response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    assert!(server.stored_ballots("clinic").await.is_empty());
    let results = server.send(get(&results_uri("clinic"))).await.json();
    assert_eq!(results["total_ballots"], 0);
}

#[tokio::test]
async fn by_sms_scores_follow_the_options_in_order_or_by_letter() {
    let server = clinic_server(false).await;
    let help = sms(&server, "254700000001", KEYWORD).await;
    assert!(
        help.contains("score from 1 to 5")
            && help.contains("(CLINIC b5)")
            && help.contains("a Waiting time, b Staff, c Medicines"),
        "{help}"
    );

    let recorded = sms(&server, "254700000001", "clinic 4 3").await;
    assert_eq!(
        recorded,
        "Thank you. Your answer to CLINIC is recorded: Waiting time 4, Staff 3."
    );
    let by_letter = sms(&server, "254700000002", "CLINIC c5").await;
    assert!(by_letter.ends_with("recorded: Medicines 5."), "{by_letter}");
    let off_scale = sms(&server, "254700000003", "CLINIC 9").await;
    assert!(off_scale.contains("score from 1 to 5"), "{off_scale}");
    let too_many = sms(&server, "254700000003", "CLINIC 1 2 3 4").await;
    assert!(too_many.contains("score from 1 to 5"), "{too_many}");
    let again = sms(&server, "0700000001", "CLINIC 1").await;
    assert!(again.contains("already answered"), "{again}");

    let results = server.send(get(&results_uri("clinic"))).await.json();
    assert_eq!(results["total_ballots"], 2);
    assert_eq!(means(&results), [json!(40), json!(30), json!(50)]);
}

#[tokio::test]
async fn by_sms_a_negative_score_keeps_its_sign_and_a_decimal_is_not_read() {
    let server = TestServer::new().await;
    let mut spec = clinic_spec(false);
    spec["slug"] = "mood".into();
    spec["kind"]["scale"] = json!({"min": -2, "max": 2});
    let poll = server.add_poll(spec).await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("MOOD".into()),
                ussd_service_code: None,
                voucher_required: false,
            },
        )
        .await
        .expect("channels");
    let decimal = sms(&server, "254700000021", "MOOD 1.5").await;
    assert!(decimal.contains("\"1.5\""), "{decimal}");
    let recorded = sms(&server, "254700000021", "mood -2, 1").await;
    assert!(
        recorded.ends_with("recorded: Waiting time -2, Staff 1."),
        "{recorded}"
    );
    let results = server.send(get(&results_uri("mood"))).await.json();
    assert_eq!(
        results["options"][0]["scores"]["distribution"],
        json!([1, 0, 0, 0, 0])
    );
    assert_eq!(means(&results), [json!(-20), json!(10), Value::Null]);
}

#[tokio::test]
async fn by_ussd_each_option_has_a_screen_and_only_the_confirmation_stores() {
    let server = clinic_server(false).await;
    let phone = "+254700000009";
    assert_eq!(
        ussd(&server, "u1", phone, "").await,
        "CON Choose a language:\n1 English\n2 Kiswahili"
    );
    assert_eq!(
        ussd(&server, "u1", phone, "1").await,
        "CON How good is your clinic?\n1/3 Waiting time\nRate from 1 to 5\n99 Skip"
    );
    let wrong = ussd(&server, "u1", phone, "1*8").await;
    assert!(
        wrong.starts_with("CON ") && wrong.contains("1/3 Waiting time"),
        "{wrong}"
    );
    let confirm = ussd(&server, "u1", phone, "1*8*2*99*5").await;
    assert!(
        confirm.starts_with("CON ") && confirm.contains("Waiting time 2, Medicines 5"),
        "{confirm}"
    );
    assert!(
        server.stored_ballots("clinic").await.is_empty(),
        "nothing is stored before the confirmation"
    );
    let done = ussd(&server, "u1", phone, "1*8*2*99*5*1").await;
    assert!(done.starts_with("END Thank you."), "{done}");
    assert_eq!(
        server.stored_ballots("clinic").await,
        [["waiting", "medicines"]]
    );
    let results = server.send(get(&results_uri("clinic"))).await.json();
    assert_eq!(means(&results), [json!(20), Value::Null, json!(50)]);
}
