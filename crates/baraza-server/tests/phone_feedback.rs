//! Feedback forms by SMS and USSD, driven in-process as Kannel and a USSD aggregator call the
//! server (the real gateway is in tests/kannel.rs): the same form, validation and redaction as
//! the web, counted by channel, and nothing of the phone number stored.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use baraza_core::Slug;
use baraza_core::feedback::{AnswerInput, FeedbackForm};
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::{
    Channel, FeedbackFormChannels, PhoneRoute, PollChannels, SetChannelsError,
};
use serde_json::json;
use support::{TestServer, now, single_choice_spec};

const PHONE: &str = "254700111222";
const GATEWAY: &str = "127.0.0.1:40000";

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes([42; 32]),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("slug")
}

/// A service form: was it useful (required, reasons for a "no"), satisfaction, free text.
fn form_spec() -> serde_json::Value {
    json!({
        "slug": "huduma",
        "default_language": "en",
        "title": {"en": "Service feedback"},
        "questions": [
            {"id": "useful", "required": true, "prompt": {"en": "Did you get what you came for?"},
             "kind": {"type": "useful", "reasons": [
                {"id": "slow", "label": {"en": "Too slow"}},
                {"id": "closed", "label": {"en": "Office closed"}}]}},
            {"id": "csat", "prompt": {"en": "How satisfied are you?"}, "kind": {"type": "csat"}},
            {"id": "more", "prompt": {"en": "Anything else?"}, "kind": {"type": "free_text", "max_len": 300}}
        ]
    })
}

async fn server() -> TestServer {
    let server = TestServer::new().await;
    let form: FeedbackForm = serde_json::from_value(form_spec()).expect("form");
    server
        .database
        .save_feedback_form(&form, None, now())
        .await
        .expect("form saved");
    server
        .database
        .update_feedback_form_channels(
            form.slug(),
            &FeedbackFormChannels {
                sms_keyword: Some("huduma".into()),
                ussd_service_code: Some("*384*56#".into()),
            },
            None,
        )
        .await
        .expect("channels");
    server
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

async fn plain(server: &TestServer, mut request: Request<Body>) -> String {
    let peer: SocketAddr = GATEWAY.parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = server
        .send_with(request, |state| state.with_channels(settings()))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

/// Sends one SMS as Kannel does and returns the reply.
async fn sms(server: &TestServer, text: &str) -> String {
    let uri = format!(
        "/channels/sms/kannel?from={}&text={}",
        urlencode(PHONE),
        urlencode(text)
    );
    plain(
        server,
        Request::get(uri).body(Body::empty()).expect("request"),
    )
    .await
}

/// One USSD step with everything typed so far.
async fn ussd(server: &TestServer, session: &str, text: &str) -> String {
    let form = format!(
        "sessionId={session}&serviceCode={}&phoneNumber={}&text={}",
        urlencode("*384*56#"),
        urlencode(PHONE),
        urlencode(text)
    );
    let request = Request::post("/channels/ussd")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    plain(server, request).await
}

async fn responses(server: &TestServer) -> Vec<(String, Vec<AnswerInput>)> {
    server
        .database
        .feedback_responses(&slug("huduma"))
        .await
        .expect("responses")
        .into_iter()
        .map(|r| {
            (
                r.page_path,
                r.answers.into_iter().map(|a| a.answer).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_sms_answers_the_form_in_order_with_its_personal_details_removed() {
    let server = server().await;

    let help = sms(&server, "HUDUMA").await;
    let unreadable = sms(&server, "huduma maybe").await;
    let stored = sms(
        &server,
        "Huduma no 2 waited 3 hours, call me on 0722 123 456",
    )
    .await;

    assert_eq!(
        help,
        "HUDUMA: Service feedback. Reply HUDUMA, then Did you get what you came for? (yes/no); \
         How satisfied are you? (1-5); Anything else? (your words). E.g. HUDUMA yes 4 Long queue"
    );
    assert!(
        unreadable.starts_with("We could not read \"maybe\". HUDUMA: Service feedback."),
        "{unreadable}"
    );
    assert_eq!(
        stored,
        "Thank you. Your feedback to HUDUMA is recorded. Personal details in it were removed."
    );
    let responses = responses(&server).await;
    assert_eq!(
        responses.len(),
        1,
        "help and unreadable messages store nothing"
    );
    let (page, answers) = &responses[0];
    assert_eq!(page, "sms");
    assert!(matches!(&answers[0], AnswerInput::Useful(u) if !u.useful));
    assert_eq!(answers[1], AnswerInput::Csat(2));
    let AnswerInput::Text(text) = &answers[2] else {
        panic!("free text expected: {answers:?}");
    };
    assert!(text.starts_with("waited 3 hours, call me on "), "{text}");
    assert!(!text.contains("123 456"), "{text}");
    let dump = server.database_dump().await;
    assert!(!dump.contains("700111222"), "the sender's number is stored");
    assert!(
        !dump.contains("0722 123 456"),
        "the number in the text is stored"
    );
}

#[tokio::test]
async fn a_ussd_session_goes_question_by_question_and_stores_only_when_confirmed() {
    let server = server().await;

    let first = ussd(&server, "s1", "").await;
    let reasons = ussd(&server, "s1", "2").await;
    let csat = ussd(&server, "s1", "2*2").await;
    let wrong = ussd(&server, "s1", "2*2*9").await;
    let text = ussd(&server, "s1", "2*2*9*4").await;
    let confirm = ussd(&server, "s1", "2*2*9*4*0").await;
    let done = ussd(&server, "s1", "2*2*9*4*0*1").await;
    // A second session stops at the confirmation: nothing more is stored.
    ussd(&server, "s2", "1*5*0").await;
    let cancelled = ussd(&server, "s3", "1*5*0*2").await;

    assert_eq!(first, "CON Did you get what you came for?\n1 Yes\n2 No");
    assert_eq!(
        reasons,
        "CON What went wrong?\n1 Too slow\n2 Office closed\n0 Skip"
    );
    assert_eq!(
        csat,
        "CON How satisfied are you?\nEnter 1 (very unhappy) to 5 (very happy)\n0 Skip"
    );
    assert!(
        wrong.starts_with("CON Invalid choice.\nHow satisfied"),
        "{wrong}"
    );
    assert_eq!(
        text,
        "CON Anything else?\nType your answer. Personal details are removed.\n0 Skip"
    );
    assert_eq!(confirm, "CON Send your answers?\n1 Yes, send\n2 No, cancel");
    assert_eq!(done, "END Thank you. Your feedback to HUDUMA is recorded.");
    assert_eq!(cancelled, "END Cancelled. Nothing was stored.");
    let responses = responses(&server).await;
    assert_eq!(responses.len(), 1);
    let (page, answers) = &responses[0];
    assert_eq!(page, "ussd");
    assert!(
        matches!(&answers[0], AnswerInput::Useful(u) if !u.useful && u.reasons == ["closed"]),
        "{answers:?}"
    );
    assert_eq!(answers[1], AnswerInput::Csat(4));
    assert_eq!(answers.len(), 2);

    let counts = server
        .database
        .feedback_channel_counts(&slug("huduma"))
        .await
        .expect("counts");
    assert_eq!(
        counts,
        [(Channel::Web, 0), (Channel::Sms, 0), (Channel::Ussd, 1)]
    );
}

#[tokio::test]
async fn a_keyword_or_code_leads_to_one_instrument_across_polls_and_forms() {
    let server = server().await;
    let poll = server.add_poll(single_choice_spec("water")).await;

    let taken_keyword = server
        .database
        .update_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("HUDUMA".into()),
                ussd_service_code: None,
                voucher_required: false,
            },
            &baraza_server::storage::AuditEntry::new(
                None,
                baraza_server::storage::Actor::CommandLine,
                "poll.channels",
                "water",
                now(),
            ),
        )
        .await;
    server
        .database
        .set_poll_channels(
            poll.slug(),
            &PollChannels {
                sms_keyword: Some("TARIFF".into()),
                ussd_service_code: Some("*384*55#".into()),
                voucher_required: false,
            },
        )
        .await
        .expect("poll channels");
    let taken_code = server
        .database
        .update_feedback_form_channels(
            &slug("huduma"),
            &FeedbackFormChannels {
                sms_keyword: Some("HUDUMA".into()),
                ussd_service_code: Some("*384*55#".into()),
            },
            None,
        )
        .await;

    assert!(matches!(taken_keyword, Err(SetChannelsError::KeywordTaken)));
    assert!(matches!(
        taken_code,
        Err(SetChannelsError::ServiceCodeTaken)
    ));
    let routes = server.database.sms_routes().await.expect("routes");
    assert_eq!(
        routes,
        [
            (
                "HUDUMA".to_owned(),
                PhoneRoute::FeedbackForm(slug("huduma"))
            ),
            ("TARIFF".to_owned(), PhoneRoute::Poll(slug("water"))),
        ]
    );
    assert_eq!(
        server.database.ussd_route("*384*56#").await.expect("route"),
        Some(PhoneRoute::FeedbackForm(slug("huduma")))
    );
    // The poll still answers to its own keyword beside the form.
    let poll_reply = sms(&server, "TARIFF 2").await;
    assert!(poll_reply.starts_with("Thank you."), "{poll_reply}");
}
