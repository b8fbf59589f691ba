//! Consultations on the admin site, in-process: an editor creates one through the form
//! (problems beside their fields), edits the draft and opens it; citizens comment through the
//! public API; a moderator works the queue (bulk publish, reject with a reason, reported
//! comments hidden and restored) and answers a comment; the editor closes it, responds to a
//! section and publishes the outcome, which citizens then read. Every role boundary is refused
//! with nothing changed.

mod support;

use axum::http::StatusCode;
use baraza_core::consultation::{CommentId, ConsultationPhase, ModerationState, RejectionReason};
use baraza_server::storage::Role;
use serde_json::{Value, json};
use support::site::{Member, form_body, html, site_post_from};
use support::staff::slug;
use support::{TestServer, get, post_json, voter};

const WATER: &str = "ministry-of-water";
const HEALTH: &str = "ministry-of-health";
const EDITOR: &str = "editor@water.go.ke";
const MODERATOR: &str = "moderator@water.go.ke";
const NEW: &str = "/admin/organisations/ministry-of-water/consultations/new";
const QUEUE: &str = "/admin/organisations/ministry-of-water/moderation";
const SLUG: &str = "kiosk-bylaw-2027";
const PAGE: &str = "/admin/consultations/kiosk-bylaw-2027";

/// A complete consultation form with two sections; the second's id is derived.
fn kiosk_bylaw() -> Vec<(&'static str, &'static str)> {
    vec![
        ("slug", SLUG),
        ("default_language", "en"),
        ("title_en", "Water kiosk by-law 2027"),
        ("title_sw", "Sheria ndogo ya vibanda vya maji 2027"),
        ("premoderation", "on"),
        ("section_rows", "2"),
        ("section_0_id", "hours"),
        ("section_0_title_en", "Opening hours"),
        (
            "section_0_text_en",
            "Kiosks open from 6 in the morning to 9 at night.",
        ),
        ("section_1_title_en", "Prices"),
        (
            "section_1_text_en",
            "A 20-litre jerrycan costs 5 shillings.",
        ),
        ("action", "save"),
    ]
}

async fn member(server: &TestServer, email: &str, role: Role, organisation: &str) -> Member {
    server.add_staff(email, role, organisation).await;
    server.sign_in(email).await
}

/// An open consultation made through the site by the editor.
async fn open_through_the_site(server: &TestServer, editor: &Member) {
    let created = server.post_as(editor, NEW, &kiosk_bylaw()).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", html(&created));
    let opened = server.post_as(editor, &format!("{PAGE}/open"), &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", html(&opened));
}

/// A citizen's comment through the public API; its number.
async fn comment(server: &TestServer, section: &str, text: &str, n: usize) -> u64 {
    let body = json!({"section": section, "stance": "support", "text": text, "voter": voter(n)});
    let response = server
        .send(post_json(
            &format!("/api/v1/consultations/{SLUG}/comments"),
            body.to_string(),
        ))
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    response.json()["id"].as_u64().expect("comment id")
}

/// The consultation as citizens read it.
async fn public_view(server: &TestServer) -> Value {
    let response = server
        .send(get(&format!("/api/v1/consultations/{SLUG}")))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()
}

async fn state_of(server: &TestServer, id: u64) -> ModerationState {
    server
        .database
        .consultation(&slug(SLUG))
        .await
        .expect("readable")
        .expect("stored")
        .consultation
        .comment_by_id(CommentId(id))
        .expect("comment")
        .state()
}

/// The consultation and comment actions of the organisation's audit log, oldest first.
async fn audit_actions(server: &TestServer) -> Vec<String> {
    let mut actions: Vec<String> = server
        .audit_log(WATER)
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("consultation.") || e.action.starts_with("comment."))
        .map(|e| format!("{} {}", e.action, e.target))
        .collect();
    actions.reverse();
    actions
}

#[tokio::test]
async fn a_consultation_goes_from_form_to_published_outcome() {
    let server = TestServer::new().await;
    let editor = member(&server, EDITOR, Role::Editor, WATER).await;
    let moderator = member(&server, MODERATOR, Role::Moderator, WATER).await;

    // A form with problems comes back with each beside its field, nothing stored.
    let mut broken = kiosk_bylaw();
    broken.retain(|(name, _)| *name != "title_en" && *name != "section_1_text_en");
    let refused = server.post_as(&editor, NEW, &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&refused);
    assert!(
        page.contains(
            r##"<a href="#title_en">Give the consultation a title in the default language</a>"##
        ),
        "{page}"
    );
    assert!(page.contains(r##"<a href="#section_1_text_en">Write this section&#39;s text in the default language</a>"##) || page.contains(r##"<a href="#section_1_text_en">"##), "{page}");
    assert!(page.contains(r#"aria-invalid="true""#));
    assert!(
        server
            .database
            .consultation(&slug(SLUG))
            .await
            .expect("read")
            .is_none()
    );

    // "Add another section" needs no JavaScript: the form comes back with one more row.
    let mut more = kiosk_bylaw();
    more.retain(|(name, _)| *name != "action");
    more.push(("action", "add_section"));
    let grown = html(&server.post_as(&editor, NEW, &more).await);
    assert!(grown.contains(r#"name="section_2_title_en""#), "{grown}");

    open_through_the_site(&server, &editor).await;
    let view = public_view(&server).await;
    assert_eq!(view["title"]["en"], "Water kiosk by-law 2027");
    let sections: Vec<&str> = view["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(sections, ["hours", "prices"]);

    // Citizens comment; every comment waits for a moderator.
    let first = comment(&server, "hours", "Open earlier, at 5.", 1).await;
    let second = comment(&server, "prices", "Buy my phones!!! cheap", 2).await;
    let third = comment(&server, "hours", "Nine at night is good.", 3).await;
    let queue = html(&server.get_as(&moderator, QUEUE).await);
    assert!(queue.contains("Open earlier, at 5."), "{queue}");
    assert!(queue.contains("Waiting for a decision (3)"), "{queue}");

    // Bulk: two published at once, one rejected as spam.
    let published = server
        .post_as(
            &moderator,
            &format!("{PAGE}/moderate"),
            &[
                ("list", "pending"),
                ("comment", &first.to_string()),
                ("comment", &third.to_string()),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert_eq!(
        published.header("location"),
        Some("/admin/organisations/ministry-of-water/moderation?done=publish&count=2&skipped=0")
    );
    let rejected = server
        .post_as(
            &moderator,
            &format!("{PAGE}/moderate"),
            &[
                ("list", "pending"),
                ("comment", &second.to_string()),
                ("action", "reject"),
                ("reason", "spam"),
            ],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    assert_eq!(
        state_of(&server, second).await,
        ModerationState::Rejected {
            reason: RejectionReason::Spam
        }
    );
    let after = html(
        &server
            .get_as(
                &moderator,
                &format!("{QUEUE}?done=reject&count=1&skipped=0"),
            )
            .await,
    );
    assert!(after.contains("Comments rejected: 1."), "{after}");
    assert!(
        after.contains("Nothing is waiting for moderation."),
        "{after}"
    );
    let public: Vec<String> = public_view(&server).await["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["comments"].as_array().cloned().unwrap_or_default())
        .map(|c| c["text"].as_str().expect("text").to_owned())
        .collect();
    assert_eq!(public, ["Open earlier, at 5.", "Nine at night is good."]);

    // The moderator answers a comment on the ministry's behalf; citizens see it as official.
    let answered = server
        .post_as(
            &moderator,
            &format!("{PAGE}/comments/{first}/answer"),
            &[(
                &*format!("answer-{first}"),
                "We will try 5:30 at the busiest kiosks.",
            )],
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&answered)
    );
    let view = public_view(&server).await;
    let reply = &view["sections"][0]["comments"][0]["replies"][0];
    assert_eq!(reply["text"], "We will try 5:30 at the busiest kiosks.");
    assert_eq!(reply["official"], true);

    // The editor closes it, responds to a section and publishes the outcome.
    let closed = server.post_as(&editor, &format!("{PAGE}/close"), &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let blank = server
        .post_as(&editor, &format!("{PAGE}/outcome"), &[("outcome_en", " ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&blank).contains(r##"<a href="#outcome_en">"##));
    let responded = server
        .post_as(
            &editor,
            &format!("{PAGE}/sections/hours/response"),
            &[("response-hours_en", "Kiosks will open at 5:30.")],
        )
        .await;
    assert_eq!(
        responded.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&responded)
    );
    let outcome = server
        .post_as(
            &editor,
            &format!("{PAGE}/outcome"),
            &[
                ("outcome_en", "The by-law passes with earlier hours."),
                ("outcome_sw", "Sheria ndogo imepitishwa."),
            ],
        )
        .await;
    assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", html(&outcome));
    let view = public_view(&server).await;
    assert_eq!(view["phase"], "outcome_published");
    assert_eq!(
        view["outcome"]["outcome"]["summary"]["en"],
        "The by-law passes with earlier hours."
    );
    assert_eq!(view["outcome"]["sections"][0]["you_said"]["support"], 2);
    let page = html(&server.get_as(&editor, PAGE).await);
    assert!(
        page.contains(r#"id="outcome-text">The by-law passes with earlier hours."#),
        "{page}"
    );

    assert_eq!(
        audit_actions(&server).await,
        [
            "consultation.create kiosk-bylaw-2027".to_owned(),
            "consultation.open kiosk-bylaw-2027".to_owned(),
            format!("comment.publish kiosk-bylaw-2027#{first}"),
            format!("comment.publish kiosk-bylaw-2027#{third}"),
            format!("comment.reject kiosk-bylaw-2027#{second}"),
            format!("comment.answer kiosk-bylaw-2027#{first} → #4"),
            "consultation.close kiosk-bylaw-2027".to_owned(),
            "consultation.respond kiosk-bylaw-2027/hours".to_owned(),
            "consultation.publish_outcome kiosk-bylaw-2027".to_owned(),
        ]
    );
}

#[tokio::test]
async fn editing_a_draft_keeps_its_slug_and_an_open_one_cannot_be_edited() {
    let server = TestServer::new().await;
    let editor = member(&server, EDITOR, Role::Editor, WATER).await;
    let created = server.post_as(&editor, NEW, &kiosk_bylaw()).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);

    let form = html(&server.get_as(&editor, &format!("{PAGE}/edit")).await);
    assert!(form.contains("Opening hours"), "{form}");
    let mut edited = kiosk_bylaw();
    for field in &mut edited {
        match field.0 {
            "slug" => field.1 = "another-slug",
            "title_en" => field.1 = "Kiosk by-law, second draft",
            _ => {}
        }
    }
    let saved = server
        .post_as(&editor, &format!("{PAGE}/edit"), &edited)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let stored = server
        .database
        .consultation(&slug(SLUG))
        .await
        .expect("read")
        .expect("the slug did not change");
    assert_eq!(
        stored.consultation.title().get("en"),
        Some("Kiosk by-law, second draft")
    );

    // The same slug cannot be taken twice.
    let again = server.post_as(&editor, NEW, &kiosk_bylaw()).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&again).contains("is already used"), "{}", html(&again));

    let opened = server.post_as(&editor, &format!("{PAGE}/open"), &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let late = server
        .post_as(&editor, &format!("{PAGE}/edit"), &edited)
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let reopened = server.post_as(&editor, &format!("{PAGE}/open"), &[]).await;
    assert_eq!(reopened.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn reported_comments_are_hidden_and_restored_and_mistakes_change_nothing() {
    let server = TestServer::new().await;
    let editor = member(&server, EDITOR, Role::Editor, WATER).await;
    let moderator = member(&server, MODERATOR, Role::Moderator, WATER).await;
    open_through_the_site(&server, &editor).await;
    let id = comment(&server, "hours", "Kiosk 4 is always shut.", 1).await;
    let moderate = format!("{PAGE}/moderate");

    // Nothing ticked, or a rejection without a reason: 422, the problem shown, nothing changed.
    let empty = server
        .post_as(
            &moderator,
            &moderate,
            &[("list", "pending"), ("action", "publish")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&empty).contains("Select at least one comment"));
    let reasonless = server
        .post_as(
            &moderator,
            &moderate,
            &[
                ("list", "pending"),
                ("comment", &id.to_string()),
                ("action", "reject"),
            ],
        )
        .await;
    assert_eq!(reasonless.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&reasonless);
    assert!(
        page.contains(&format!(
            r##"<a href="#reason-pending-{SLUG}">Choose why the comments are rejected</a>"##
        )),
        "{page}"
    );
    // What was ticked stays ticked.
    assert!(page.contains(&format!(r#"value="{id}" checked"#)), "{page}");
    assert_eq!(state_of(&server, id).await, ModerationState::Pending);

    // Published, then reported by citizens: it appears among the reported.
    let published = server
        .post_as(
            &moderator,
            &moderate,
            &[
                ("list", "pending"),
                ("comment", &id.to_string()),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let report = server
        .send(post_json(
            &format!("/api/v1/consultations/{SLUG}/comments/{id}/reports"),
            json!({"voter": voter(7)}).to_string(),
        ))
        .await;
    assert_eq!(report.status, StatusCode::CREATED);
    let queue = html(&server.get_as(&moderator, QUEUE).await);
    assert!(queue.contains("Reported by citizens (1)"), "{queue}");
    assert!(queue.contains("Reports: 1"), "{queue}");

    // Publishing it again is a step that does not apply: skipped, not an error.
    let twice = server
        .post_as(
            &moderator,
            &moderate,
            &[
                ("list", "pending"),
                ("comment", &id.to_string()),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        twice.header("location"),
        Some("/admin/organisations/ministry-of-water/moderation?done=publish&count=0&skipped=1")
    );

    for (action, expected) in [
        ("hide", ModerationState::Hidden),
        ("restore", ModerationState::Published),
    ] {
        let response = server
            .post_as(
                &moderator,
                &moderate,
                &[
                    ("list", "reported"),
                    ("comment", &id.to_string()),
                    ("action", action),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{action}");
        assert_eq!(state_of(&server, id).await, expected, "{action}");
    }
    // Restoring cleared the reports, so the queue is empty again.
    let queue = html(&server.get_as(&moderator, QUEUE).await);
    assert!(
        queue.contains("Nothing is waiting for moderation."),
        "{queue}"
    );
}

#[tokio::test]
async fn every_role_boundary_is_refused_and_changes_nothing() {
    let server = TestServer::new().await;
    let editor = member(&server, EDITOR, Role::Editor, WATER).await;
    let analyst = member(&server, "analyst@water.go.ke", Role::Analyst, WATER).await;
    let moderator = member(&server, MODERATOR, Role::Moderator, WATER).await;
    let stranger = member(&server, "moderator@health.go.ke", Role::Admin, HEALTH).await;
    open_through_the_site(&server, &editor).await;
    let id = comment(&server, "hours", "Please fix kiosk 4.", 1).await;
    let moderate = format!("{PAGE}/moderate");
    let publish = [
        ("list", "pending"),
        ("comment", &*id.to_string()),
        ("action", "publish"),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let publish: Vec<(&str, &str)> = publish.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A moderator cannot create or open instruments.
    let mut other = kiosk_bylaw();
    other[0].1 = "moderators-own";
    assert_eq!(
        server.post_as(&moderator, NEW, &other).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        server
            .database
            .consultation(&slug("moderators-own"))
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(
        server
            .post_as(&moderator, &format!("{PAGE}/close"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // An analyst and an editor cannot moderate or answer.
    for who in [&analyst, &editor] {
        assert_eq!(
            server.get_as(who, QUEUE).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            server.post_as(who, &moderate, &publish).await.status,
            StatusCode::FORBIDDEN
        );
        let answer = server
            .post_as(
                who,
                &format!("{PAGE}/comments/{id}/answer"),
                &[("answer-1", "Hi")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
    }
    // Another organisation's admin finds nothing.
    assert_eq!(
        server.get_as(&stranger, PAGE).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.post_as(&stranger, &moderate, &publish).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get_as(
                &stranger,
                "/admin/organisations/ministry-of-water/moderation"
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A cross-origin form post is refused even with the session and token.
    let mut fields = vec![("csrf_token", moderator.csrf.as_str())];
    fields.extend_from_slice(&publish);
    let forged = server
        .send(site_post_from(
            &moderate,
            &form_body(&fields),
            Some(&moderator.session),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A form without the session's token is refused too.
    let tokenless = server
        .send(site_post_from(
            &moderate,
            &form_body(&publish),
            Some(&moderator.session),
            Some(support::site::ORIGIN),
        ))
        .await;
    assert_eq!(tokenless.status, StatusCode::FORBIDDEN);

    assert_eq!(state_of(&server, id).await, ModerationState::Pending);
    let stored = server
        .database
        .consultation(&slug(SLUG))
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.consultation.phase(), ConsultationPhase::Open);
    assert_eq!(stored.consultation.comments().len(), 1);
    assert_eq!(
        audit_actions(&server).await,
        [
            "consultation.create kiosk-bylaw-2027",
            "consultation.open kiosk-bylaw-2027"
        ]
    );
}

#[tokio::test]
async fn analysts_download_every_comment_without_device_tokens_and_moderators_cannot() {
    let server = TestServer::new().await;
    let editor = member(&server, EDITOR, Role::Editor, WATER).await;
    let moderator = member(&server, MODERATOR, Role::Moderator, WATER).await;
    let analyst = member(&server, "analyst@water.go.ke", Role::Analyst, WATER).await;
    open_through_the_site(&server, &editor).await;
    let kept = comment(&server, "hours", "Write to jane@mail.example, kiosk 4", 1).await;
    let spam = comment(&server, "prices", "=HYPERLINK(\"http://evil.example\")", 2).await;
    for (id, action, reason) in [(kept, "publish", ""), (spam, "reject", "spam")] {
        let moderated = server
            .post_as(
                &moderator,
                &format!("{PAGE}/moderate"),
                &[
                    ("list", "pending"),
                    ("comment", &id.to_string()),
                    ("action", action),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(moderated.status, StatusCode::SEE_OTHER);
    }
    let export = format!("{PAGE}/export.csv");
    assert_eq!(
        server.get_as(&moderator, &export).await.status,
        StatusCode::FORBIDDEN
    );
    let download = server.get_as(&analyst, &export).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("content-disposition"),
        Some("attachment; filename=\"kiosk-bylaw-2027-comments.csv\"")
    );
    let csv = String::from_utf8(download.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(
        lines[0],
        "comment_id,section,reply_to,stance,state,rejection_reason,official,created_at,moderated_at,agrees,disagrees,reports,text"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("1,hours,,support,published,,false,"),
        "{}",
        lines[1]
    );
    // The text was redacted when it was posted: the address never reaches the export.
    assert!(!csv.contains("jane@mail.example"), "{csv}");
    assert!(lines[1].ends_with(", kiosk 4\""), "{}", lines[1]);
    assert!(
        lines[2].starts_with("2,prices,,support,rejected,spam,false,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains(r#""'=HYPERLINK(""http://evil.example"")""#),
        "{}",
        lines[2]
    );
    // No device token leaves the server.
    assert!(
        !csv.contains(&voter(1)) && !csv.contains(&voter(2)),
        "{csv}"
    );
    let audit = server.audit_log(WATER).await;
    assert_eq!(audit[0].action, "consultation.export_csv");

    // The same comments as JSON, on the site and through the admin API.
    let json = server
        .get_as(&analyst, &format!("{PAGE}/export.json"))
        .await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    let rows = json.json();
    assert_eq!(rows[0]["comment_id"], 1);
    assert_eq!(rows[0]["state"], "published");
    assert_eq!(rows[0]["reply_to"], serde_json::Value::Null);
    assert_eq!(rows[1]["rejection_reason"], "spam");
    assert_eq!(
        rows[1]["text"], "=HYPERLINK(\"http://evil.example\")",
        "JSON needs no defusing"
    );
    assert!(!rows.to_string().contains("jane@mail.example"));
    assert!(!rows.to_string().contains(&voter(1)));
    let token = server.token_for("analyst@water.go.ke").await;
    let api = server
        .send(support::staff::admin_get(
            "/api/v1/admin/consultations/kiosk-bylaw-2027/export.json",
            &token,
        ))
        .await;
    assert_eq!(api.json(), rows);
    let api_csv = server
        .send(support::staff::admin_get(
            "/api/v1/admin/consultations/kiosk-bylaw-2027/export.csv",
            &token,
        ))
        .await;
    assert_eq!(api_csv.body, download.body);
    let moderator_token = server.token_for(MODERATOR).await;
    server
        .send(support::staff::admin_get(
            "/api/v1/admin/consultations/kiosk-bylaw-2027/export.json",
            &moderator_token,
        ))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let outsider = server
        .staff_token("analyst@health.go.ke", Role::Analyst, "ministry-of-health")
        .await;
    server
        .send(support::staff::admin_get(
            "/api/v1/admin/consultations/kiosk-bylaw-2027/export.csv",
            &outsider,
        ))
        .await
        .assert_error(StatusCode::NOT_FOUND, "consultation_not_found");
}
