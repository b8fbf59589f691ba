//! Feedback forms on the admin site, in-process: the dashboard lists an organisation's forms,
//! the form page shows each question's results with its 95% interval and the eight-week
//! trend, and the CSV download has one row per response, personal details already removed and
//! formulas defused. Members of other organisations, and roles that may not download, are
//! refused with nothing written.

mod support;

use axum::http::StatusCode;
use baraza_core::feedback::FeedbackForm;
use baraza_server::storage::Role;
use serde_json::{Value, json};
use support::site::html;
use support::{TestServer, now, post_json};

const WATER: &str = "ministry-of-water";
const FORM: &str = "kiosk-service";
const PAGE: &str = "/admin/feedback/kiosk-service";

fn form_spec() -> Value {
    json!({
        "slug": FORM,
        "default_language": "en",
        "title": {"en": "How was your visit to the kiosk?"},
        "questions": [
            {"id": "useful", "prompt": {"en": "Is this page useful?"},
             "kind": {"type": "useful", "reasons": [
                 {"id": "outdated", "label": {"en": "It is out of date"}}
             ], "comment_max_len": 200}},
            {"id": "satisfaction", "prompt": {"en": "How satisfied are you?"}, "kind": {"type": "csat"}},
            {"id": "recommend", "prompt": {"en": "Would you recommend the kiosk?"}, "kind": {"type": "nps"}}
        ]
    })
}

async fn server_with_form(organisation: Option<&str>) -> TestServer {
    let server = TestServer::new().await;
    let form: FeedbackForm = serde_json::from_value(form_spec()).expect("valid form");
    server
        .database
        .save_feedback_form(&form, organisation, now())
        .await
        .expect("saved");
    server
}

async fn respond(server: &TestServer, answers: Value, title: &str) {
    let body = json!({"page_path": "/kiosks", "page_title": title, "answers": answers});
    let response = server
        .send(post_json(
            &format!("/api/v1/feedback/{FORM}/responses"),
            body.to_string(),
        ))
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
}

/// Four responses: three satisfied (5, 4, 4) and one not (2); useful 3 yes, 1 no with a comment
/// naming an e-mail address; NPS 10, 9, 7, 3.
async fn four_responses(server: &TestServer) {
    for (useful, csat, nps) in [(true, 5, 10), (true, 4, 9), (true, 4, 7)] {
        respond(
            server,
            json!([
                {"question": "useful", "answer": {"useful": {"useful": useful}}},
                {"question": "satisfaction", "answer": {"csat": csat}},
                {"question": "recommend", "answer": {"nps": nps}}
            ]),
            "Kiosks",
        )
        .await;
    }
    respond(
        server,
        json!([
            {"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"],
              "comment": "Write to jane@mail.example"}}},
            {"question": "satisfaction", "answer": {"csat": 2}},
            {"question": "recommend", "answer": {"nps": 3}}
        ]),
        "=HYPERLINK(\"http://evil.example\")",
    )
    .await;
}

#[tokio::test]
async fn an_analyst_reads_results_with_intervals_and_downloads_the_responses() {
    let server = server_with_form(Some(WATER)).await;
    four_responses(&server).await;
    server
        .add_staff("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let analyst = server.sign_in("analyst@water.go.ke").await;

    let dashboard = html(&server.get_as(&analyst, "/admin/").await);
    assert!(
        dashboard.contains(
            r#"<a href="/admin/feedback/kiosk-service">How was your visit to the kiosk?</a>"#
        ),
        "{dashboard}"
    );

    let page = html(&server.get_as(&analyst, PAGE).await);
    assert!(
        page.contains(r#"<strong id="responses">4</strong>"#),
        "{page}"
    );
    // 3 of 4 useful: 75.0%, with its Wilson interval (z = 1.96): 30.1–95.4%.
    assert!(page.contains("Yes, useful: 75.0% (30.1–95.4%)"), "{page}");
    // CSAT: 3 of 4 answered 4 or 5.
    assert!(page.contains("Satisfied (4 or 5): 75.0%"), "{page}");
    assert!(page.contains("Mean score: 3.75"), "{page}");
    // NPS: 2 promoters, 1 passive, 1 detractor of 4: (2 − 1) / 4 = 25.
    assert!(page.contains("Net Promoter Score: 25.0"), "{page}");
    // The reasons table and the trend: this week holds all four responses.
    assert!(page.contains("It is out of date"), "{page}");
    let trend = page
        .split(r#"id="trend-table""#)
        .nth(1)
        .expect("the trend table");
    assert!(trend.contains(r#"<td class="numeric">4</td><td class="numeric">75.0%</td><td class="numeric">75.0%</td><td class="numeric">25.0</td>"#), "{trend}");
    // The embed code, as the textarea shows it (escaped).
    assert!(
        page.contains("baraza-feedback form=&#34;kiosk-service&#34; server="),
        "{page}"
    );

    let download = server.get_as(&analyst, &format!("{PAGE}/export.csv")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        download.header("content-disposition"),
        Some("attachment; filename=\"kiosk-service-responses.csv\"")
    );
    let csv = String::from_utf8(download.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(
        lines[0],
        "submitted_at,page_path,page_title,channel,useful,useful_reasons,useful_comment,satisfaction,recommend"
    );
    assert_eq!(lines.len(), 5);
    assert!(
        lines[1].ends_with(",/kiosks,Kiosks,web,yes,,,5,10"),
        "{}",
        lines[1]
    );
    assert!(!csv.contains("jane@mail.example"), "{csv}");
    assert!(
        lines[4].contains(r#""'=HYPERLINK(""http://evil.example"")""#),
        "{}",
        lines[4]
    );
    assert!(lines[4].contains(",no,outdated,"), "{}", lines[4]);
    // The same responses as JSON, on the site and through the admin API.
    let json = server
        .get_as(&analyst, &format!("{PAGE}/export.json"))
        .await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    let rows = json.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(4), "{rows}");
    assert_eq!(rows[0]["channel"], "web");
    assert_eq!(rows[0]["page_path"], "/kiosks");
    assert_eq!(rows[0]["answers"]["satisfaction"], json!({"csat": 5}));
    assert_eq!(
        rows[3]["answers"]["useful"]["useful"]["reasons"],
        json!(["outdated"])
    );
    assert!(!rows.to_string().contains("jane@mail.example"), "{rows}");
    let token = server.token_for("analyst@water.go.ke").await;
    let api = server
        .send(support::staff::admin_get(
            &format!("/api/v1/admin/feedback-forms/{FORM}/export.json"),
            &token,
        ))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json(), rows);
    let api_csv = server
        .send(support::staff::admin_get(
            &format!("/api/v1/admin/feedback-forms/{FORM}/export.csv"),
            &token,
        ))
        .await;
    assert_eq!(api_csv.body, download.body);
    let audit: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .map(|entry| format!("{} {}", entry.action, entry.target))
        .filter(|line| line.starts_with("feedback."))
        .collect();
    assert_eq!(
        audit[..4],
        [
            format!("feedback.export_csv {FORM}"),
            format!("feedback.export_json {FORM}"),
            format!("feedback.export_json {FORM}"),
            format!("feedback.export_csv {FORM}"),
        ]
    );
}

#[tokio::test]
async fn other_organisations_demo_forms_and_moderators_downloads_are_refused() {
    let server = server_with_form(Some(WATER)).await;
    server
        .add_staff("admin@health.go.ke", Role::Admin, "ministry-of-health")
        .await;
    server
        .add_staff("moderator@water.go.ke", Role::Moderator, WATER)
        .await;
    let stranger = server.sign_in("admin@health.go.ke").await;
    let moderator = server.sign_in("moderator@water.go.ke").await;
    assert_eq!(
        server.get_as(&stranger, PAGE).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get_as(&stranger, &format!("{PAGE}/export.csv"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A moderator reads the results but does not take the responses away.
    assert_eq!(server.get_as(&moderator, PAGE).await.status, StatusCode::OK);
    assert_eq!(
        server
            .get_as(&moderator, &format!("{PAGE}/export.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Through the admin API: another organisation's token finds nothing, a moderator's may
    // not download.
    let outsider = server
        .staff_token("editor@health.go.ke", Role::Editor, "ministry-of-health")
        .await;
    let moderator_token = server.token_for("moderator@water.go.ke").await;
    let uri = format!("/api/v1/admin/feedback-forms/{FORM}/export.json");
    server
        .send(support::staff::admin_get(&uri, &outsider))
        .await
        .assert_error(StatusCode::NOT_FOUND, "feedback_form_not_found");
    server
        .send(support::staff::admin_get(&uri, &moderator_token))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert!(
        server
            .audit_log(WATER)
            .await
            .iter()
            .all(|entry| !entry.action.starts_with("feedback.export"))
    );

    // The server's own demo forms belong to no organisation, so to no member.
    let demo = server_with_form(None).await;
    demo.add_staff("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let analyst = demo.sign_in("analyst@water.go.ke").await;
    assert_eq!(
        demo.get_as(&analyst, PAGE).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_admin_api_creates_and_lists_feedback_forms_and_refuses_bad_ones() {
    use support::staff::{admin_get, admin_post};
    let server = TestServer::new().await;
    let editor = server
        .staff_token("editor@water.go.ke", Role::Editor, WATER)
        .await;
    let analyst = server
        .staff_token("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let uri = "/api/v1/admin/feedback-forms";

    // Refused: no token, a role that may not author, an invalid definition.
    let anonymous = axum::http::Request::post(uri)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(form_spec().to_string()))
        .expect("request");
    server
        .send(anonymous)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    server
        .send(admin_post(uri, &analyst, form_spec().to_string()))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let mut broken = form_spec();
    broken["slug"] = json!("Not a slug");
    broken["questions"] = json!([]);
    let error = server
        .send(admin_post(uri, &editor, broken.to_string()))
        .await
        .assert_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_feedback_form_definition",
        );
    assert_eq!(
        error["details"].as_array().map(Vec::len),
        Some(2),
        "{error}"
    );
    let listed = server.send(admin_get(uri, &editor)).await.json();
    assert_eq!(listed["forms"], json!([]));

    let created = server
        .send(admin_post(uri, &editor, form_spec().to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(
        created.header("location"),
        Some("/api/v1/feedback/kiosk-service")
    );
    assert_eq!(created.json()["organisation"], WATER);
    // Citizens can answer it at once.
    four_responses(&server).await;
    let listed = server.send(admin_get(uri, &editor)).await.json();
    assert_eq!(
        listed["forms"],
        json!([{"slug": FORM, "title": "How was your visit to the kiosk?", "responses": 4}])
    );
    // The slug is taken now, by any kind of instrument.
    server
        .send(admin_post(uri, &editor, form_spec().to_string()))
        .await
        .assert_error(StatusCode::CONFLICT, "slug_taken");
    let poll = json!({"slug": FORM, "default_language": "en", "question": {"en": "?"},
        "kind": {"type": "single_choice"}, "status": "draft",
        "options": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}]});
    server
        .send(admin_post("/api/v1/admin/polls", &editor, poll.to_string()))
        .await
        .assert_error(StatusCode::CONFLICT, "slug_taken");
}

/// An SMS from a phone through the gateway, answered with the reply text.
async fn sms(server: &TestServer, text: &str) -> String {
    use std::net::SocketAddr;

    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use baraza_server::channels::ChannelSettings;

    let query = format!("from=254700111222&text={}", text.replace(' ', "+"));
    let mut request = Request::get(format!("/channels/sms/kannel?{query}"))
        .body(Body::empty())
        .expect("request");
    let gateway: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(gateway));
    let settings = ChannelSettings::ephemeral().expect("channel settings");
    let response = server
        .send_with(request, |state| state.with_channels(settings))
        .await;
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

#[tokio::test]
async fn an_editor_gives_a_form_phone_channels_and_its_page_counts_responses_by_channel() {
    let server = server_with_form(Some(WATER)).await;
    four_responses(&server).await;
    server
        .add_staff("editor@water.go.ke", Role::Editor, WATER)
        .await;
    server
        .add_staff("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let editor = server.sign_in("editor@water.go.ke").await;
    let analyst = server.sign_in("analyst@water.go.ke").await;
    let channels = format!("{PAGE}/channels");
    let fields = [("sms_keyword", "kiosk"), ("ussd_service_code", "*384*57#")];

    // Analysts read results but do not change channels: refused, nothing stored.
    assert_eq!(
        server.get_as(&analyst, &channels).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = server.post_as(&analyst, &channels, &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        sms(&server, "KIOSK yes").await,
        "This number takes no answers at the moment."
    );

    // The form has no voucher rule (feedback is anonymous) and refuses a bad keyword beside it.
    let form = html(&server.get_as(&editor, &channels).await);
    assert!(
        form.contains(r#"action="/admin/feedback/kiosk-service/channels""#),
        "{form}"
    );
    assert!(!form.contains("voucher_required"), "{form}");
    let bad = server
        .post_as(
            &editor,
            &channels,
            &[("sms_keyword", "9KIOSK"), ("ussd_service_code", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&bad).contains(r##"<a href="#sms_keyword">Enter an SMS keyword"##));

    let saved = server.post_as(&editor, &channels, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header("location"),
        Some("/admin/feedback/kiosk-service?done=channels")
    );
    let reply = sms(&server, "kiosk no 2").await;
    assert_eq!(reply, "Thank you. Your feedback to KIOSK is recorded.");

    let page = html(&server.get_as(&analyst, PAGE).await);
    assert!(
        page.contains(r#"<code id="sms-keyword">KIOSK</code>"#),
        "{page}"
    );
    assert!(page.contains(r#"<code id="ussd-service-code">*384*57#</code>"#));
    assert!(!page.contains(r#"href="/admin/feedback/kiosk-service/channels""#));
    assert!(page.contains(
        r#"<tr><th scope="row">Web</th><td class="numeric">4</td><td class="numeric">80.0%</td></tr>"#
    ), "{page}");
    assert!(page.contains(
        r#"<tr><th scope="row">SMS</th><td class="numeric">1</td><td class="numeric">20.0%</td></tr>"#
    ));
    let audits: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .filter(|entry| entry.action == "feedback.channels")
        .map(|entry| entry.target)
        .collect();
    assert_eq!(audits, [FORM]);
    let editor_page = html(
        &server
            .get_as(&editor, &format!("{PAGE}?done=channels"))
            .await,
    );
    assert!(editor_page.contains("The channel settings are saved."));
    assert!(editor_page.contains(r#"href="/admin/feedback/kiosk-service/channels""#));
}
