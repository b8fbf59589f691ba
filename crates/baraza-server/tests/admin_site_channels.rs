//! A poll's phone channels on the admin site, in-process: an editor gives a poll an SMS keyword,
//! a USSD service code and a voucher rule, each problem is reported beside its field with
//! nothing stored, keywords and codes stay unique across polls, the voucher rule is frozen
//! once the poll opens, every save is audited, and role and organisation boundaries hold.

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use baraza_server::channels::ChannelSettings;
use baraza_server::channels::phone::PhoneKey;
use baraza_server::storage::{PollChannels, Role};
use support::TestServer;
use support::site::{Member, html};
use support::staff::slug;

const WATER: &str = "ministry-of-water";
const HEALTH: &str = "ministry-of-health";
const EDITOR: &str = "editor@water.go.ke";
const CHANNELS: &str = "/admin/polls/kiosk-hours/channels";

/// A poll form of `slug`, valid, with two options.
fn poll_form(slug: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("slug", slug),
        ("default_language", "en"),
        ("question_en", "When should water kiosks open?"),
        ("kind", "single_choice"),
        ("option_rows", "2"),
        ("option_0_en", "Early morning"),
        ("option_1_en", "Late evening"),
        ("action", "save"),
    ]
}

/// A signed-in editor of the water ministry, with the draft poll `kiosk-hours`.
async fn editor_with_draft(server: &TestServer) -> Member {
    server.add_staff(EDITOR, Role::Editor, WATER).await;
    let editor = server.sign_in(EDITOR).await;
    let created = server
        .post_as(
            &editor,
            "/admin/organisations/ministry-of-water/polls/new",
            &poll_form("kiosk-hours"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", html(&created));
    editor
}

async fn stored(server: &TestServer, poll: &str) -> PollChannels {
    server
        .database
        .poll_channels(&slug(poll))
        .await
        .expect("channels readable")
}

/// The `poll.channels` rows of the organisation's audit log.
async fn channel_audits(server: &TestServer) -> Vec<String> {
    server
        .audit_log(WATER)
        .await
        .into_iter()
        .filter(|entry| entry.action == "poll.channels")
        .map(|entry| entry.target)
        .collect()
}

/// An SMS from a phone through the gateway, answered with the reply text.
async fn sms(server: &TestServer, text: &str) -> String {
    let query = format!("from=254700111222&text={}", text.replace(' ', "+"));
    let mut request = Request::get(format!("/channels/sms/kannel?{query}"))
        .body(Body::empty())
        .expect("request");
    let gateway: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(gateway));
    let response = server
        .send_with(request, |state| {
            state.with_channels(ChannelSettings {
                phone_key: PhoneKey::from_bytes([7; 32]),
                country_code: Some("254".into()),
                gateways: vec!["127.0.0.1".parse().expect("address")],
            })
        })
        .await;
    assert_eq!(response.status, StatusCode::OK);
    String::from_utf8(response.body.to_vec()).expect("UTF-8")
}

#[tokio::test]
async fn an_editor_sets_a_keyword_and_service_code_that_citizens_then_use() {
    let server = TestServer::new().await;
    let editor = editor_with_draft(&server).await;

    let poll_page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(
        poll_page.contains(r#"<h2 id="phone-channels">Phone channels</h2>"#),
        "{poll_page}"
    );
    assert!(
        poll_page
            .contains(r#"<a href="/admin/polls/kiosk-hours/channels">Change phone channels</a>"#)
    );
    assert!(poll_page.contains(r#"<dd id="voucher-rule">not required</dd>"#));

    let form = html(&server.get_as(&editor, CHANNELS).await);
    for expected in [
        r#"<label for="sms_keyword">SMS keyword</label>"#,
        r#"<label for="ussd_service_code">USSD service code</label>"#,
        r#"<input id="voucher_required" name="voucher_required" type="checkbox" value="yes">"#,
    ] {
        assert!(form.contains(expected), "{expected} missing from {form}");
    }

    let saved = server
        .post_as(
            &editor,
            CHANNELS,
            &[
                ("sms_keyword", " maji "),
                ("ussd_service_code", "*384*77#"),
                ("voucher_required", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert_eq!(
        saved.header("location"),
        Some("/admin/polls/kiosk-hours?done=channels")
    );
    assert_eq!(
        stored(&server, "kiosk-hours").await,
        PollChannels {
            sms_keyword: Some("MAJI".into()),
            ussd_service_code: Some("*384*77#".into()),
            voucher_required: true,
        }
    );
    let poll_page = html(
        &server
            .get_as(&editor, "/admin/polls/kiosk-hours?done=channels")
            .await,
    );
    assert!(poll_page.contains("The channel settings are saved."));
    assert!(poll_page.contains(r#"<code id="sms-keyword">MAJI</code>"#));
    assert!(poll_page.contains(r#"<code id="ussd-service-code">*384*77#</code>"#));
    assert!(poll_page.contains(r#"<dd id="voucher-rule">required</dd>"#));

    // Clearing a field turns that channel off; the voucher box unchecked drops the rule.
    let cleared = server
        .post_as(
            &editor,
            CHANNELS,
            &[("sms_keyword", "maji"), ("ussd_service_code", "")],
        )
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&server, "kiosk-hours").await,
        PollChannels {
            sms_keyword: Some("MAJI".into()),
            ussd_service_code: None,
            voucher_required: false,
        }
    );
    assert_eq!(
        channel_audits(&server).await,
        ["kiosk-hours", "kiosk-hours"]
    );

    // Once opened, the keyword leads citizens' SMS to this poll.
    let opened = server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let reply = sms(&server, "Maji 2").await;
    assert!(reply.contains("Late evening"), "{reply}");
    let tally = server
        .database
        .stored_tally(&slug("kiosk-hours"))
        .await
        .expect("tally")
        .expect("a tally");
    assert_eq!(tally.total_ballots(), 1);
}

#[tokio::test]
async fn malformed_reserved_and_taken_values_are_refused_beside_their_fields() {
    let server = TestServer::new().await;
    let editor = editor_with_draft(&server).await;
    let other = server
        .post_as(
            &editor,
            "/admin/organisations/ministry-of-water/polls/new",
            &poll_form("meter-fees"),
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let taken = server
        .post_as(
            &editor,
            "/admin/polls/meter-fees/channels",
            &[("sms_keyword", "TARIFF"), ("ussd_service_code", "*384*55#")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);

    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "2TARIFF",
            "",
            "sms_keyword",
            "Enter an SMS keyword of 2 to 20 letters or digits",
        ),
        (
            "stop",
            "",
            "sms_keyword",
            "HELP and STOP are kept by mobile networks",
        ),
        (
            "",
            "384*55",
            "ussd_service_code",
            "Enter a USSD service code like *384*55#",
        ),
        // Keywords are compared as citizens type them: any case.
        (
            "tariff",
            "",
            "sms_keyword",
            "Another poll or feedback form already uses this SMS keyword",
        ),
        (
            "",
            "*384*55#",
            "ussd_service_code",
            "Another poll or feedback form already uses this USSD service code",
        ),
    ];
    for (keyword, code, field, message) in cases {
        let refused = server
            .post_as(
                &editor,
                CHANNELS,
                &[("sms_keyword", keyword), ("ussd_service_code", code)],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{keyword} {code}"
        );
        let page = html(&refused);
        assert!(
            page.contains(&format!(r##"<a href="#{field}">{message}"##)),
            "{page}"
        );
        assert!(page.contains(&format!(r#"<p id="{field}-error" class="error-message">"#)));
        assert!(page.contains(r#"aria-invalid="true""#));
        assert!(
            page.starts_with("<!doctype html>") && page.contains("<title>Error: Phone channels")
        );
        // What was typed comes back to be corrected.
        assert!(page.contains(&format!(r#"value="{keyword}""#)), "{page}");
    }
    assert_eq!(
        stored(&server, "kiosk-hours").await,
        PollChannels::default()
    );
    assert_eq!(channel_audits(&server).await, ["meter-fees"]);

    // The form speaks the member's language.
    let french = html(&server.get_as(&editor, &format!("{CHANNELS}?lang=fr")).await);
    assert!(french.contains("<h1>Canaux téléphoniques</h1>"), "{french}");
    assert!(french.contains("Mot-clé SMS"));
}

#[tokio::test]
async fn the_voucher_rule_is_frozen_once_the_poll_opens_and_a_closed_poll_changes_nothing() {
    let server = TestServer::new().await;
    let editor = editor_with_draft(&server).await;
    let opened = server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);

    let form = html(&server.get_as(&editor, CHANNELS).await);
    assert!(!form.contains(r#"type="checkbox""#), "{form}");
    assert!(form.contains("<strong>not required</strong>"));

    let refused = server
        .post_as(
            &editor,
            CHANNELS,
            &[("sms_keyword", "MAJI"), ("voucher_required", "yes")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&refused)
            .contains("Voucher codes can be required or dropped only until the poll opens")
    );
    assert_eq!(
        stored(&server, "kiosk-hours").await,
        PollChannels::default()
    );

    // The keyword of an open poll may still change.
    let renamed = server
        .post_as(&editor, CHANNELS, &[("sms_keyword", "MAJI")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);

    let closed = server
        .post_as(&editor, "/admin/polls/kiosk-hours/close", &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        server.get_as(&editor, CHANNELS).await.status,
        StatusCode::CONFLICT
    );
    let late = server
        .post_as(&editor, CHANNELS, &[("sms_keyword", "OTHER")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(html(&late).contains("The phone channels of a closed poll cannot change."));
    let poll_page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(!poll_page.contains("Change phone channels"));
    assert_eq!(
        stored(&server, "kiosk-hours").await.sms_keyword.as_deref(),
        Some("MAJI")
    );
}

#[tokio::test]
async fn analysts_and_other_organisations_cannot_change_channels() {
    let server = TestServer::new().await;
    let _editor = editor_with_draft(&server).await;
    server
        .add_staff("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    server
        .add_staff("editor@health.go.ke", Role::Editor, HEALTH)
        .await;
    let analyst = server.sign_in("analyst@water.go.ke").await;
    let outsider = server.sign_in("editor@health.go.ke").await;

    assert_eq!(
        server.get_as(&analyst, CHANNELS).await.status,
        StatusCode::FORBIDDEN
    );
    let poll_page = html(&server.get_as(&analyst, "/admin/polls/kiosk-hours").await);
    assert!(!poll_page.contains("Change phone channels"));
    let by_analyst = server
        .post_as(&analyst, CHANNELS, &[("sms_keyword", "MAJI")])
        .await;
    assert_eq!(by_analyst.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.get_as(&outsider, CHANNELS).await.status,
        StatusCode::NOT_FOUND
    );
    let by_outsider = server
        .post_as(&outsider, CHANNELS, &[("sms_keyword", "MAJI")])
        .await;
    assert_eq!(by_outsider.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stored(&server, "kiosk-hours").await,
        PollChannels::default()
    );
    assert!(channel_audits(&server).await.is_empty());
}
