//! Voucher codes, in-process: an editor generates them (admin site and admin API) and gets them
//! once as CSV, the database keeps only keyed hashes, and a poll that needs a code counts each
//! code once — on the web, by SMS and in the USSD menu, also when answers race — with clear
//! errors for a missing, unknown or used code and nothing stored for them.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::{PollChannels, Role, VoucherCounts};
use futures_util::future::join_all;
use serde_json::json;
use support::site::{Member, html};
use support::staff::{admin_get, admin_post, slug};
use support::{TestResponse, TestServer, get, poll_uri, post_json, single_choice_spec, voter};

const WATER: &str = "ministry-of-water";
const EDITOR: &str = "editor@water.go.ke";
const KEY: [u8; 32] = [9; 32];

fn settings() -> ChannelSettings {
    ChannelSettings {
        phone_key: PhoneKey::from_bytes(KEY),
        country_code: Some("254".into()),
        gateways: vec!["127.0.0.1".parse().expect("address")],
    }
}

/// A request from the phone gateway's address.
fn from_gateway(mut request: Request<Body>) -> Request<Body> {
    let gateway: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(gateway));
    request
}

/// The open poll `water` of the water ministry, answered by SMS (`TARIFF`) and USSD, that
/// needs a voucher code; and a signed-in editor.
async fn voucher_poll() -> (TestServer, Member) {
    let server = TestServer::new().await;
    server.add_staff(EDITOR, Role::Editor, WATER).await;
    let token = server.token_for(EDITOR).await;
    let created = server
        .send(admin_post(
            "/api/v1/admin/polls",
            &token,
            single_choice_spec("water").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    server
        .database
        .set_poll_channels(
            &slug("water"),
            &PollChannels {
                sms_keyword: Some("TARIFF".into()),
                ussd_service_code: Some("*384*55#".into()),
                voucher_required: true,
            },
        )
        .await
        .expect("channels");
    let editor = server.sign_in(EDITOR).await;
    (server, editor)
}

/// Sends `request` with the phone channels (and so the server secret) on.
async fn send(server: &TestServer, request: Request<Body>) -> TestResponse {
    server
        .send_with(request, |state| state.with_channels(settings()))
        .await
}

/// Generates `count` codes on the admin site and returns them as printed.
async fn generate(server: &TestServer, editor: &Member, count: &str) -> Vec<String> {
    let body = support::site::form_body(&[("csrf_token", &editor.csrf), ("count", count)]);
    let response = send(
        server,
        support::site::site_post("/admin/polls/water/vouchers", &body, Some(&editor.session)),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        response.header("content-disposition"),
        Some("attachment; filename=\"water-vouchers.csv\"")
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let csv = String::from_utf8(response.body.to_vec()).expect("UTF-8");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("poll,code"));
    lines
        .map(|line| {
            line.strip_prefix("water,")
                .expect("a row of the poll")
                .to_owned()
        })
        .collect()
}

fn web_ballot(n: usize, code: Option<&str>) -> Request<Body> {
    let mut body = json!({"selections": ["tiered"], "voter": voter(n)});
    if let Some(code) = code {
        body["voucher"] = json!(code);
    }
    post_json("/api/v1/polls/water/ballots", body.to_string())
}

async fn counts(server: &TestServer) -> VoucherCounts {
    server
        .database
        .voucher_counts(&slug("water"))
        .await
        .expect("counts")
}

async fn sms(server: &TestServer, from: &str, text: &str) -> String {
    let query = format!("from={from}&text={}", text.replace(' ', "+"));
    let request = Request::get(format!("/channels/sms/kannel?{query}"))
        .body(Body::empty())
        .expect("request");
    let response = send(server, from_gateway(request)).await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

async fn ussd(server: &TestServer, phone: &str, text: &str) -> String {
    let body = support::site::form_body(&[
        ("sessionId", "ATUid_1"),
        ("serviceCode", "*384*55#"),
        ("phoneNumber", phone),
        ("text", text),
    ]);
    let request = Request::post("/channels/ussd")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let response = send(server, from_gateway(request)).await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

#[tokio::test]
async fn generated_codes_are_handed_out_once_and_stored_only_as_hashes() {
    let (server, editor) = voucher_poll().await;
    let page = send(
        &server,
        support::site::site_get("/admin/polls/water/vouchers", Some(&editor.session)),
    )
    .await;
    let page = html(&page);
    assert!(page.contains("<h1>Voucher codes</h1>"), "{page}");
    assert!(page.contains(r#"<dd id="vouchers-total">0</dd>"#));

    let codes = generate(&server, &editor, "25").await;
    assert_eq!(codes.len(), 25);
    for code in &codes {
        assert!(
            code.len() == 7 && code.as_bytes()[3] == b'-',
            "{code} is not like K7Q-94M"
        );
    }
    assert_eq!(counts(&server).await, VoucherCounts { total: 25, used: 0 });
    let dump = server.database_dump().await;
    for code in &codes {
        assert!(!dump.contains(code.as_str()) && !dump.contains(&code.replace('-', "")));
    }
    let audit: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .map(|entry| format!("{} {}", entry.action, entry.target))
        .collect();
    assert!(
        audit.contains(&"poll.vouchers water".to_owned()),
        "{audit:?}"
    );

    // A count out of range comes back beside its field, and nothing is generated.
    for bad in ["0", "10001", "many", ""] {
        let body = support::site::form_body(&[("csrf_token", &editor.csrf), ("count", bad)]);
        let refused = send(
            &server,
            support::site::site_post("/admin/polls/water/vouchers", &body, Some(&editor.session)),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            html(&refused).contains(
                r##"<a href="#count">Enter a whole number of codes from 1 to 10,000</a>"##
            )
        );
    }
    assert_eq!(counts(&server).await.total, 25);

    // Without the server secret no code can be protected, so none is made.
    let body = support::site::form_body(&[("csrf_token", &editor.csrf), ("count", "5")]);
    let without = server
        .send(support::site::site_post(
            "/admin/polls/water/vouchers",
            &body,
            Some(&editor.session),
        ))
        .await;
    assert_eq!(without.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(counts(&server).await.total, 25);
}

#[tokio::test]
async fn on_the_web_each_code_counts_once_and_bad_codes_are_refused_clearly() {
    let (server, editor) = voucher_poll().await;
    let codes = generate(&server, &editor, "3").await;

    let view = send(&server, get(&poll_uri("water"))).await;
    assert_eq!(view.json()["voucher_required"], json!(true));

    send(&server, web_ballot(1, None))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_required");
    send(&server, web_ballot(1, Some("ZZZ-ZZZ")))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_unknown");
    send(&server, web_ballot(1, Some("not a code")))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_unknown");
    // Typed as citizens do: lower case, no dash.
    let typed = codes[0].replace('-', "").to_lowercase();
    assert_eq!(
        send(&server, web_ballot(1, Some(&typed))).await.status,
        StatusCode::CREATED
    );
    send(&server, web_ballot(2, Some(&codes[0])))
        .await
        .assert_error(StatusCode::CONFLICT, "voucher_used");
    // A device that has already voted does not use up the code it brings.
    send(&server, web_ballot(1, Some(&codes[1])))
        .await
        .assert_error(StatusCode::CONFLICT, "already_voted");
    assert_eq!(counts(&server).await, VoucherCounts { total: 3, used: 1 });
    assert_eq!(
        send(&server, web_ballot(3, Some(&codes[1]))).await.status,
        StatusCode::CREATED
    );
    assert_eq!(server.stored_ballots("water").await.len(), 2);
    assert_eq!(counts(&server).await, VoucherCounts { total: 3, used: 2 });

    // A code of one poll is unknown to every other.
    let other = server.add_poll(single_choice_spec("other")).await;
    server
        .database
        .set_poll_channels(
            other.slug(),
            &PollChannels {
                voucher_required: true,
                ..PollChannels::default()
            },
        )
        .await
        .expect("channels");
    let elsewhere = json!({"selections": ["flat"], "voter": voter(9), "voucher": codes[2]});
    send(
        &server,
        post_json("/api/v1/polls/other/ballots", elsewhere.to_string()),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_unknown");
}

#[tokio::test]
async fn one_code_sent_by_many_devices_at_once_is_counted_once() {
    let (server, editor) = voucher_poll().await;
    let codes = generate(&server, &editor, "1").await;
    let answers =
        join_all((0..16).map(|n| send(&server, web_ballot(100 + n, Some(&codes[0]))))).await;
    let created = answers
        .iter()
        .filter(|answer| answer.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1);
    for answer in answers.iter().filter(|a| a.status != StatusCode::CREATED) {
        answer.assert_error(StatusCode::CONFLICT, "voucher_used");
    }
    assert_eq!(server.stored_ballots("water").await.len(), 1);
    assert_eq!(counts(&server).await, VoucherCounts { total: 1, used: 1 });
}

#[tokio::test]
async fn by_sms_and_ussd_a_code_counts_once_across_channels() {
    let (server, editor) = voucher_poll().await;
    let codes = generate(&server, &editor, "2").await;

    let without = sms(&server, "254700111222", "TARIFF 2").await;
    assert!(without.contains("needs your voucher code"), "{without}");
    let unknown = sms(&server, "254700111222", "TARIFF 2 ZZZ-ZZZ").await;
    assert!(unknown.contains("not valid for TARIFF"), "{unknown}");
    let counted = sms(&server, "254700111222", &format!("TARIFF 2 {}", codes[0])).await;
    assert!(counted.starts_with("Thank you."), "{counted}");
    let reused = sms(
        &server,
        "254700333444",
        &format!("tariff 1 {}", codes[0].to_lowercase()),
    )
    .await;
    assert!(reused.contains("already been used"), "{reused}");

    // USSD asks for the code first; a used code ends the session at the confirmation.
    let first = ussd(&server, "254700555666", "").await;
    assert_eq!(first, "CON Enter your voucher code:");
    let wrong = ussd(&server, "254700555666", "12").await;
    assert!(
        wrong.starts_with("CON Invalid choice.\nEnter your voucher code:"),
        "{wrong}"
    );
    let languages = ussd(&server, "254700555666", &format!("12*{}", codes[1])).await;
    assert!(
        languages.starts_with("CON Choose a language:"),
        "{languages}"
    );
    let options = ussd(&server, "254700555666", &format!("12*{}*1", codes[1])).await;
    assert!(
        options.starts_with("CON How should water be charged"),
        "{options}"
    );
    let confirm = ussd(&server, "254700555666", &format!("12*{}*1*3", codes[1])).await;
    assert!(confirm.contains("Send it?"), "{confirm}");
    let done = ussd(&server, "254700555666", &format!("12*{}*1*3*1", codes[1])).await;
    assert!(done.starts_with("END Thank you."), "{done}");
    let again = ussd(&server, "254700777888", &format!("{}*1*1*1", codes[0])).await;
    assert_eq!(
        again,
        "END That voucher code has already been used. Each code counts once."
    );

    assert_eq!(server.stored_ballots("water").await.len(), 2);
    assert_eq!(counts(&server).await, VoucherCounts { total: 2, used: 2 });
    // A used code cannot be used on the web either.
    send(&server, web_ballot(1, Some(&codes[1])))
        .await
        .assert_error(StatusCode::CONFLICT, "voucher_used");
}

#[tokio::test]
async fn the_admin_api_generates_codes_for_authors_only() {
    let (server, _editor) = voucher_poll().await;
    let token = server.token_for(EDITOR).await;
    let analyst = server
        .staff_token("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let uri = "/api/v1/admin/polls/water/vouchers";

    let created = send(&server, admin_post(uri, &token, r#"{"count": 4}"#)).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(
        created.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let csv = String::from_utf8(created.body.to_vec()).expect("UTF-8");
    assert_eq!(csv.lines().count(), 5, "{csv}");

    let summary = send(&server, admin_get(uri, &analyst)).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert_eq!(
        summary.json(),
        json!({"poll": "water", "required": true, "total": 4, "used": 0})
    );
    send(&server, admin_post(uri, &analyst, r#"{"count": 4}"#))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    send(&server, admin_post(uri, &token, r#"{"count": 0}"#))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    send(&server, admin_post(uri, &token, r#"{"count": "4"}"#))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert_eq!(counts(&server).await.total, 4);

    // Another organisation's poll is not found.
    let outsider = server
        .staff_token("editor@health.go.ke", Role::Editor, "ministry-of-health")
        .await;
    send(&server, admin_post(uri, &outsider, r#"{"count": 4}"#))
        .await
        .assert_error(StatusCode::NOT_FOUND, "poll_not_found");
}

#[tokio::test]
async fn sending_codes_by_sms_is_refused_clearly_with_nothing_issued() {
    let (server, _editor) = voucher_poll().await;
    let token = server.token_for(EDITOR).await;
    let analyst = server
        .staff_token("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let uri = "/api/v1/admin/polls/water/vouchers/sms";
    let phones = r#"{"phones": ["+254700111222"]}"#;

    // No Kannel sendsms settings on this server: said so, nothing issued.
    let unconfigured = send(&server, admin_post(uri, &token, phones))
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_not_configured");
    assert!(
        unconfigured["message"]
            .as_str()
            .is_some_and(|m| m.contains("--kannel-sendsms-url")),
        "{unconfigured}"
    );
    // Unreadable numbers are named by position, never quoted back.
    let sendsms = baraza_server::channels::sendsms::KannelSendSms::new(
        "http://127.0.0.1:9/cgi-bin/sendsms",
        "baraza".into(),
        "secret".into(),
        None,
    )
    .expect("settings");
    let with_sms = |request| {
        let sendsms = sendsms.clone();
        server.send_with(from_gateway(request), move |state| {
            state.with_channels(settings()).with_outgoing_sms(sendsms)
        })
    };
    let unreadable = with_sms(admin_post(
        uri,
        &token,
        r#"{"phones": ["+254700111222", "call 0800-FLOWERS"]}"#,
    ))
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let message = unreadable["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("phones[1] is not a phone number"),
        "{message}"
    );
    assert!(!message.contains("FLOWERS"), "{message}");
    with_sms(admin_post(uri, &analyst, phones))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    with_sms(admin_post(uri, &token, r#"{"phones": []}"#))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert_eq!(counts(&server).await.total, 0);

    // Kannel unreachable (nothing listens on port 9): the codes were issued, none delivered.
    let unreachable = with_sms(admin_post(uri, &token, phones)).await;
    assert_eq!(unreachable.status, StatusCode::OK);
    assert_eq!(
        unreachable.json(),
        json!({"poll": "water", "sent": 0, "failed": 1})
    );
}

#[tokio::test]
async fn the_admin_api_reads_and_sets_a_polls_phone_channels_with_the_sites_rules() {
    let (server, _editor) = voucher_poll().await;
    let token = server.token_for(EDITOR).await;
    let analyst = server
        .staff_token("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let uri = "/api/v1/admin/polls/water/channels";
    let put = |token: &str, body: &str| {
        let mut request = admin_post(uri, token, body.to_owned());
        *request.method_mut() = axum::http::Method::PUT;
        request
    };

    let read = server.send(admin_get(uri, &analyst)).await;
    assert_eq!(
        read.json(),
        json!({"poll": "water", "sms_keyword": "TARIFF", "ussd_service_code": "*384*55#", "voucher_required": true})
    );
    server
        .send(put(
            &analyst,
            r#"{"sms_keyword": "MAJI", "ussd_service_code": null, "voucher_required": true}"#,
        ))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    server
        .send(put(
            &token,
            r#"{"sms_keyword": "STOP", "ussd_service_code": null, "voucher_required": true}"#,
        ))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    server
        .send(put(
            &token,
            r#"{"sms_keyword": "MAJI", "ussd_service_code": "384", "voucher_required": true}"#,
        ))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    // The poll is open: its voucher rule no longer changes.
    server
        .send(put(
            &token,
            r#"{"sms_keyword": "MAJI", "ussd_service_code": null, "voucher_required": false}"#,
        ))
        .await
        .assert_error(StatusCode::CONFLICT, "poll_not_open");
    assert_eq!(
        server.send(admin_get(uri, &token)).await.json(),
        read.json()
    );

    let changed = server
        .send(put(
            &token,
            r#"{"sms_keyword": "maji", "ussd_service_code": null, "voucher_required": true}"#,
        ))
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(
        changed.json(),
        json!({"poll": "water", "sms_keyword": "MAJI", "ussd_service_code": null, "voucher_required": true})
    );
    let audits: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .filter(|entry| entry.action == "poll.channels")
        .map(|entry| entry.actor)
        .collect();
    assert_eq!(audits.len(), 1, "{audits:?}");
}

#[tokio::test]
async fn an_editor_sends_codes_by_sms_from_the_admin_site() {
    let (server, editor) = voucher_poll().await;
    let page = "/admin/polls/water/vouchers";
    // Kannel at an address where nothing listens: every message fails, which the page reports.
    let sendsms = baraza_server::channels::sendsms::KannelSendSms::new(
        "http://127.0.0.1:9/cgi-bin/sendsms",
        "baraza".into(),
        "secret".into(),
        Some("22555".into()),
    )
    .expect("settings");
    let with_sms = |request| {
        let sendsms = sendsms.clone();
        server.send_with(request, move |state| {
            state.with_channels(settings()).with_outgoing_sms(sendsms)
        })
    };
    let post = |phones: &str| {
        let body = support::site::form_body(&[("csrf_token", &editor.csrf), ("phones", phones)]);
        support::site::site_post(&format!("{page}/sms"), &body, Some(&editor.session))
    };

    // Without Kannel's sendsms settings the page says so and offers no form.
    let without = html(
        &send(
            &server,
            support::site::site_get(page, Some(&editor.session)),
        )
        .await,
    );
    assert!(
        without.contains(r#"<p id="sms-unavailable">This server sends no SMS"#),
        "{without}"
    );
    assert!(!without.contains(r#"name="phones""#));
    assert_eq!(
        send(&server, post("+254700111222")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let form = html(&with_sms(support::site::site_get(page, Some(&editor.session))).await);
    assert!(
        form.contains(r#"<textarea id="phones" name="phones""#),
        "{form}"
    );
    let unreadable = with_sms(post("+254700111222\n\n0800-FLOWERS")).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unreadable = html(&unreadable);
    assert!(
        unreadable.contains(r##"<a href="#phones">Line 3 is not a phone number"##),
        "{unreadable}"
    );
    assert!(unreadable.contains(r#"aria-invalid="true""#));
    let empty = html(&with_sms(post("  \n")).await);
    assert!(empty.contains("Enter at least one phone number"), "{empty}");
    assert_eq!(counts(&server).await.total, 0, "refusals issue nothing");

    let sent = with_sms(post("+254700111222\n0700333444\n")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let back = sent.header("location").expect("location").to_owned();
    assert_eq!(back, "/admin/polls/water/vouchers?sent=0&failed=2");
    let notice = html(&with_sms(support::site::site_get(&back, Some(&editor.session))).await);
    assert!(
        notice.contains(r#"<div class="notice" role="status"><p>0 codes sent by SMS; 2 could not be sent.</p></div>"#),
        "{notice}"
    );
    assert_eq!(counts(&server).await.total, 2);
    let audited: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .map(|entry| entry.action)
        .filter(|action| action == "poll.vouchers_sms")
        .collect();
    assert_eq!(audited.len(), 1);
    assert!(!server.database_dump().await.contains("700333444"));
}

/// `request` as if it came from `address`.
fn from_address(address: &str, mut request: Request<Body>) -> Request<Body> {
    let peer: SocketAddr = format!("{address}:50000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

#[tokio::test]
async fn wrong_codes_from_one_sender_are_limited_and_other_senders_go_on() {
    let (server, editor) = voucher_poll().await;
    let codes = generate(&server, &editor, "3").await;
    let guesser = "198.51.100.7";

    // On the web, by address: ten wrong codes, then even a right one is refused unseen.
    for n in 0..10 {
        send(
            &server,
            from_address(guesser, web_ballot(n, Some("AAA-AAA"))),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_unknown");
    }
    let blocked = send(
        &server,
        from_address(guesser, web_ballot(10, Some(&codes[0]))),
    )
    .await
    .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_voucher_attempts");
    assert!(
        blocked["message"]
            .as_str()
            .is_some_and(|m| m.contains("try again in an hour")),
        "{blocked}"
    );
    assert_eq!(
        counts(&server).await.used,
        0,
        "the right code was not spent"
    );
    let elsewhere = send(
        &server,
        from_address("198.51.100.8", web_ballot(11, Some(&codes[0]))),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED);

    // By SMS and USSD, by phone: the same allowance, shared by both channels.
    for _ in 0..9 {
        let wrong = sms(&server, "254700111222", "TARIFF 2 AAAAAA").await;
        assert!(
            wrong.starts_with("That voucher code is not valid"),
            "{wrong}"
        );
    }
    let tenth = ussd(&server, "+254700111222", "AAAAAA*1*2*1").await;
    assert!(tenth.contains("not valid"), "{tenth}");
    let refused = sms(&server, "254700111222", &format!("TARIFF 2 {}", codes[1])).await;
    assert_eq!(
        refused,
        "Too many wrong voucher codes for TARIFF from this phone. Try again in an hour."
    );
    let other_phone = sms(&server, "254700999888", &format!("TARIFF 2 {}", codes[1])).await;
    assert!(other_phone.starts_with("Thank you."), "{other_phone}");
    assert_eq!(counts(&server).await.used, 2);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_limited_not_everyone() {
    let (server, editor) = voucher_poll().await;
    let codes = generate(&server, &editor, "1").await;
    let proxy = "10.0.0.1";
    let through_proxy = |client: &str, request: Request<Body>| {
        let mut request = from_address(proxy, request);
        request.headers_mut().insert(
            "x-forwarded-for",
            // A client may write its own X-Forwarded-For; the proxy appends the real address.
            format!("203.0.113.99, {client}").parse().expect("header"),
        );
        request
    };
    let send_trusting = |request| {
        server.send_with(request, |state| {
            state
                .with_channels(settings())
                .with_trusted_proxies(vec![proxy.parse().expect("address")])
        })
    };
    // IPv6 guessers are one sender per /64: changing the last 64 bits does not help.
    for n in 0..10 {
        let client = format!("2001:db8:1:2::{n:x}");
        send_trusting(through_proxy(&client, web_ballot(n, Some("AAA-AAA"))))
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "voucher_unknown");
    }
    send_trusting(through_proxy(
        "2001:db8:1:2::ffff",
        web_ballot(10, Some(&codes[0])),
    ))
    .await
    .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_voucher_attempts");
    // Another citizen behind the same proxy is not blocked.
    let other = send_trusting(through_proxy(
        "198.51.100.20",
        web_ballot(11, Some(&codes[0])),
    ))
    .await;
    assert_eq!(other.status, StatusCode::CREATED);
    // Without trusting the proxy, every request would be the proxy's: its own count is clean.
    assert_eq!(counts(&server).await.used, 1);
}
