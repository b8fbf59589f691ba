//! Poll work on the admin site, in-process: creating a poll through the form (problems beside
//! their fields, a summary on top), editing a draft, opening and closing, the poll page's
//! chart, table, downloads and embed code, and every role boundary refused with nothing
//! changed.

mod support;

use axum::http::StatusCode;
use baraza_core::Slug;
use baraza_core::v1::BallotSubmission;
use baraza_server::storage::{Channel, Role};
use support::site::{HOST, Member, ORIGIN, form_body, html, site_post_from};
use support::{TestServer, ballot, ballots_uri, get, now, poll_uri, post_json, voter};

const WATER: &str = "ministry-of-water";
const HEALTH: &str = "ministry-of-health";
const EDITOR: &str = "editor@water.go.ke";
const NEW_POLL: &str = "/admin/organisations/ministry-of-water/polls/new";

/// A complete, valid poll form.
fn kiosk_poll() -> Vec<(&'static str, &'static str)> {
    vec![
        ("slug", "kiosk-hours"),
        ("default_language", "en"),
        ("question_en", "When should water kiosks open?"),
        ("question_sw", "Vibanda vya maji vifunguliwe lini?"),
        ("kind", "single_choice"),
        ("option_rows", "3"),
        ("option_0_en", "Early morning"),
        ("option_0_sw", "Asubuhi na mapema"),
        ("option_1_en", "Late evening"),
        ("option_1_id", "evening"),
        ("option_2_en", ""),
        ("action", "save"),
    ]
}

async fn editor(server: &TestServer) -> Member {
    server.add_staff(EDITOR, Role::Editor, WATER).await;
    server.sign_in(EDITOR).await
}

/// The poll actions of the organisation's audit log, oldest first.
async fn audit_actions(server: &TestServer, organisation: &str) -> Vec<String> {
    let mut actions: Vec<String> = server
        .audit_log(organisation)
        .await
        .into_iter()
        .filter(|entry| entry.action.starts_with("poll."))
        .map(|entry| format!("{} {}", entry.action, entry.target))
        .collect();
    actions.reverse();
    actions
}

#[tokio::test]
async fn an_editor_creates_opens_and_closes_a_poll_that_citizens_answer() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;

    let form = html(&server.get_as(&editor, NEW_POLL).await);
    for expected in [
        r#"<label for="slug">"#,
        r#"<label for="question_en">"#,
        r#"name="option_0_en""#,
        r#"type="datetime-local""#,
        r#"value="add_option""#,
    ] {
        assert!(form.contains(expected), "{expected} missing from the form");
    }

    let created = server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", html(&created));
    assert_eq!(
        created.header("location"),
        Some("/admin/polls/kiosk-hours?done=saved")
    );
    // A draft is not served to citizens.
    assert_eq!(
        server.send(get(&poll_uri("kiosk-hours"))).await.status,
        StatusCode::NOT_FOUND
    );
    let page = html(
        &server
            .get_as(&editor, "/admin/polls/kiosk-hours?done=saved")
            .await,
    );
    assert!(page.contains("The draft is saved."), "{page}");
    assert!(page.contains("When should water kiosks open?"));
    assert!(page.contains(r#"<strong class="tag" id="phase">draft</strong>"#));

    let opened = server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    // The running server sees the opened poll at once.
    let served = server.send(get(&poll_uri("kiosk-hours"))).await;
    assert_eq!(served.status, StatusCode::OK);
    let ids: Vec<String> = served.json()["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|option| option["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, ["early-morning", "evening"]);
    for (n, choice) in ["evening", "evening", "early-morning"].iter().enumerate() {
        let response = server
            .send(post_json(
                &ballots_uri("kiosk-hours"),
                ballot(&[choice], &voter(n)),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }

    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(
        page.contains(r#"<strong id="ballots-cast">3</strong>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<svg class="chart" role="img" aria-labelledby="chart-title chart-desc""#)
    );
    assert!(page.contains(
        r#"<desc id="chart-desc">Ballots cast: 3. Early morning: 1 (33.3%). Late evening: 2 (66.7%).</desc>"#
    ), "{page}");
    assert!(page.contains(
        r#"<tr><th scope="row">Late evening</th><td class="numeric">2</td><td class="numeric">66.7%</td></tr>"#
    ));

    let closed = server
        .post_as(&editor, "/admin/polls/kiosk-hours/close", &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let late = server
        .send(post_json(
            &ballots_uri("kiosk-hours"),
            ballot(&["evening"], &voter(9)),
        ))
        .await;
    late.assert_error(StatusCode::CONFLICT, "poll_not_open");

    assert_eq!(
        audit_actions(&server, WATER).await,
        [
            "poll.create kiosk-hours",
            "poll.open kiosk-hours",
            "poll.close kiosk-hours"
        ]
    );
}

#[tokio::test]
async fn problems_are_shown_beside_their_fields_with_a_summary_and_nothing_is_stored() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let polls_before = server.poll_count().await;

    let response = server
        .post_as(
            &editor,
            NEW_POLL,
            &[
                ("slug", "Kiosk Hours"),
                ("default_language", "en"),
                ("question_sw", "Lini?"),
                ("kind", "multiple_choice"),
                ("min_selections", "3"),
                ("max_selections", "2"),
                ("option_0_en", "Morning"),
                ("option_1_en", "Evening"),
                ("opens_at", "2027-02-01T09:00"),
                ("closes_at", "2027-01-01T09:00"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&response);
    assert!(page.contains("<title>Error: Create a poll"), "{page}");
    assert!(page.contains(r#"<div class="error-summary" role="alert""#));
    for (field, message) in [
        ("slug", "Enter a short name of 1 to 64 lower-case letters"),
        ("question_en", "Enter the question in the default language"),
        ("min_selections", "The fewest must be at least 1"),
        (
            "closes_at",
            "The closing time must be after the opening time",
        ),
    ] {
        assert!(
            page.contains(&format!(r##"<li><a href="#{field}">{message}"##)),
            "no summary link to {field}: {page}"
        );
        assert!(
            page.contains(&format!(r#"<p id="{field}-error" class="error-message">"#)),
            "no message beside {field}"
        );
        assert!(page.contains(&format!(r#"id="{field}" name="{field}""#)));
    }
    assert!(page.contains(r#"aria-describedby="slug-hint slug-error" aria-invalid="true""#));
    // What was typed is kept.
    assert!(page.contains(r#"value="Kiosk Hours""#));
    assert!(page.contains(r#"value="Lini?""#));
    assert_eq!(server.poll_count().await, polls_before);
    assert!(audit_actions(&server, WATER).await.is_empty());

    // Another option row, without JavaScript: the form comes back with one more row.
    let more = server
        .post_as(
            &editor,
            NEW_POLL,
            &[
                ("option_rows", "3"),
                ("option_0_en", "Morning"),
                ("action", "add_option"),
            ],
        )
        .await;
    assert_eq!(more.status, StatusCode::OK);
    let page = html(&more);
    assert!(page.contains(r#"name="option_3_en""#) && !page.contains(r#"name="option_4_en""#));
    assert!(page.contains(r#"value="Morning""#) && !page.contains("error-summary"));

    // A slug already taken is reported on the slug.
    assert_eq!(
        server
            .post_as(&editor, NEW_POLL, &kiosk_poll())
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let again = server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&again).contains(r##"<a href="#slug">This short name is already used"##));
}

#[tokio::test]
async fn a_draft_is_edited_and_an_opened_poll_is_not() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;

    let form = html(
        &server
            .get_as(&editor, "/admin/polls/kiosk-hours/edit")
            .await,
    );
    assert!(form.contains(r#"value="When should water kiosks open?""#));
    assert!(form.contains(r#"value="evening""#));
    let mut edited = kiosk_poll();
    edited.retain(|(name, _)| *name != "question_en");
    edited.push(("question_en", "At what time should water kiosks open?"));
    edited.push(("option_2_en", "Midday"));
    // The slug cannot change: a posted one is ignored.
    edited.retain(|(name, _)| *name != "slug");
    edited.push(("slug", "another-slug"));
    let saved = server
        .post_as(&editor, "/admin/polls/kiosk-hours/edit", &edited)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(page.contains("At what time should water kiosks open?"));
    assert!(page.contains("Midday"));

    server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    let refused = server
        .post_as(&editor, "/admin/polls/kiosk-hours/edit", &kiosk_poll())
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(html(&refused).contains("Only a draft can be edited"));
    let served = server.send(get(&poll_uri("kiosk-hours"))).await.json();
    assert_eq!(served["options"].as_array().expect("options").len(), 3);
    assert_eq!(
        audit_actions(&server, WATER).await,
        [
            "poll.create kiosk-hours",
            "poll.edit kiosk-hours",
            "poll.open kiosk-hours"
        ]
    );
}

#[tokio::test]
async fn a_scheduled_poll_is_published_and_opens_at_its_time() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let mut scheduled = kiosk_poll();
    // The tests' clock reads 2027-01-15T09:30Z.
    scheduled.push(("opens_at", "2027-02-01T08:00"));
    scheduled.push(("closes_at", "2027-02-28T17:00"));
    server.post_as(&editor, NEW_POLL, &scheduled).await;
    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(page.contains("2027-02-01 08:00 UTC"));
    assert!(page.contains("Publish, opening at the scheduled time"));
    let published = server
        .post_as(
            &editor,
            "/admin/polls/kiosk-hours/open",
            &[("when", "schedule")],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let served = server.send(get(&poll_uri("kiosk-hours"))).await.json();
    assert_eq!(served["phase"], "upcoming", "{served}");
    // Publishing twice is refused: it is no longer a draft.
    let again = server
        .post_as(
            &editor,
            "/admin/polls/kiosk-hours/open",
            &[("when", "schedule")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn moderators_and_analysts_cannot_create_edit_open_or_close_and_nothing_changes() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    let mut other = kiosk_poll();
    other.retain(|(name, _)| *name != "slug");
    other.push(("slug", "market-days"));
    server.post_as(&editor, NEW_POLL, &other).await;
    server
        .post_as(&editor, "/admin/polls/market-days/open", &[("when", "now")])
        .await;
    let polls_before = server.poll_count().await;
    let audit_before = audit_actions(&server, WATER).await;

    for (email, role) in [
        ("moderator@water.go.ke", Role::Moderator),
        ("analyst@water.go.ke", Role::Analyst),
    ] {
        server.add_staff(email, role, WATER).await;
        let member = server.sign_in(email).await;
        let dashboard = html(&server.get_as(&member, "/admin/").await);
        assert!(
            !dashboard.contains("Create a poll"),
            "{role:?} offered to create"
        );

        assert_eq!(
            server.get_as(&member, NEW_POLL).await.status,
            StatusCode::FORBIDDEN
        );
        let mut renamed = kiosk_poll();
        renamed.push(("slug", "sneaky"));
        let refused = server.post_as(&member, NEW_POLL, &renamed).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role:?} created");
        assert!(html(&refused).contains("Your role does not allow this"));
        for (uri, fields) in [
            ("/admin/polls/kiosk-hours/edit", kiosk_poll()),
            ("/admin/polls/kiosk-hours/open", vec![("when", "now")]),
            ("/admin/polls/market-days/close", vec![]),
        ] {
            let response = server.post_as(&member, uri, &fields).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?} {uri}");
        }
        assert_eq!(
            server
                .get_as(&member, "/admin/polls/kiosk-hours/edit")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // Reading the poll page is every member's right; its buttons are not offered.
        let page = html(&server.get_as(&member, "/admin/polls/market-days").await);
        assert!(!page.contains("Close now") && !page.contains("/close"));
    }
    assert_eq!(server.poll_count().await, polls_before);
    assert_eq!(audit_actions(&server, WATER).await, audit_before);
    assert_eq!(
        server.send(get(&poll_uri("kiosk-hours"))).await.status,
        StatusCode::NOT_FOUND,
        "the draft stayed a draft"
    );
    let served = server.send(get(&poll_uri("market-days"))).await.json();
    assert_eq!(served["phase"], "open", "the open poll stayed open");
}

#[tokio::test]
async fn downloads_are_for_analysts_and_above_and_are_audited() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    server
        .send(post_json(
            &ballots_uri("kiosk-hours"),
            ballot(&["evening"], &voter(1)),
        ))
        .await;

    server
        .add_staff("analyst@water.go.ke", Role::Analyst, WATER)
        .await;
    let analyst = server.sign_in("analyst@water.go.ke").await;
    let page = html(&server.get_as(&analyst, "/admin/polls/kiosk-hours").await);
    assert!(page.contains(r#"href="/admin/polls/kiosk-hours/export.csv" download"#));
    let csv = server
        .get_as(&analyst, "/admin/polls/kiosk-hours/export.csv")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ballot_id,submitted_at,early-morning,evening");
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with(",0,1"), "{text}");
    let json = server
        .get_as(&analyst, "/admin/polls/kiosk-hours/export.json")
        .await;
    assert_eq!(json.json()[0]["selections"][0], "evening");

    server
        .add_staff("moderator@water.go.ke", Role::Moderator, WATER)
        .await;
    let moderator = server.sign_in("moderator@water.go.ke").await;
    let page = html(&server.get_as(&moderator, "/admin/polls/kiosk-hours").await);
    assert!(!page.contains("export.csv"));
    assert_eq!(
        server
            .get_as(&moderator, "/admin/polls/kiosk-hours/export.csv")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let actions = audit_actions(&server, WATER).await;
    assert_eq!(
        actions[actions.len() - 2..],
        [
            "poll.export_csv kiosk-hours",
            "poll.export_json kiosk-hours"
        ]
    );
}

#[tokio::test]
async fn another_organisations_staff_reach_nothing_of_this_one() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    server
        .add_staff("admin@health.go.ke", Role::Admin, HEALTH)
        .await;
    let stranger = server.sign_in("admin@health.go.ke").await;
    for uri in [
        "/admin/polls/kiosk-hours",
        "/admin/polls/kiosk-hours/edit",
        "/admin/polls/kiosk-hours/export.csv",
        "/admin/polls/kiosk-hours/preview",
        NEW_POLL,
        "/admin/organisations/ministry-of-water/audit",
    ] {
        assert_eq!(
            server.get_as(&stranger, uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    let opened = server
        .post_as(
            &stranger,
            "/admin/polls/kiosk-hours/open",
            &[("when", "now")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::NOT_FOUND);
    let created = server.post_as(&stranger, NEW_POLL, &kiosk_poll()).await;
    assert_eq!(created.status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.send(get(&poll_uri("kiosk-hours"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        audit_actions(&server, WATER).await,
        ["poll.create kiosk-hours"]
    );
}

#[tokio::test]
async fn cross_site_posts_and_posts_without_the_csrf_token_are_refused() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let mut fields = kiosk_poll();
    fields.push(("csrf_token", &editor.csrf));
    let body = form_body(&fields);
    let cross_site = server
        .send(site_post_from(
            NEW_POLL,
            &body,
            Some(&editor.session),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let without_token = server
        .send(site_post_from(
            NEW_POLL,
            &form_body(&kiosk_poll()),
            Some(&editor.session),
            Some(ORIGIN),
        ))
        .await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    assert_eq!(server.poll_count().await, 0);
    assert!(audit_actions(&server, WATER).await.is_empty());
}

#[tokio::test]
async fn the_poll_page_gives_the_embed_code_and_a_preview() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    let expected = format!(
        "&#60;script type=&#34;module&#34; src=&#34;http://{HOST}/widgets/baraza.js&#34;&#62;&#60;/script&#62;\n\
         &#60;baraza-poll poll=&#34;kiosk-hours&#34; server=&#34;http://{HOST}&#34;&#62;&#60;/baraza-poll&#62;"
    );
    assert!(page.contains(&expected), "{page}");
    assert!(page.contains(r#"<textarea id="embed-code""#) && page.contains("readonly"));
    assert!(page.contains(r#"data-copy-from="embed-code""#));
    assert!(page.contains(r#"<script type="module" src="/admin/static/admin.js"></script>"#));
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "no inline code"
    );
    assert!(page.contains("the preview appears once the poll is published"));
    assert!(!page.contains("<iframe"), "a draft has nothing to preview");
    server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(page.contains(r#"<iframe class="preview" src="/admin/polls/kiosk-hours/preview""#));

    let preview = html(
        &server
            .get_as(&editor, "/admin/polls/kiosk-hours/preview")
            .await,
    );
    assert!(preview.contains(r#"<script type="module" src="/widgets/baraza.js"></script>"#));
    assert!(preview.contains(r#"<baraza-poll poll="kiosk-hours" lang="en"></baraza-poll>"#));
    let script = server.send(get("/admin/static/admin.js")).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
}

#[tokio::test]
async fn a_poll_of_twenty_options_in_three_languages_fits_the_form() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let long = "une réponse assez longue, écrite avec des accents é è à ç ".repeat(3);
    let texts: Vec<(String, String)> = (0..20)
        .flat_map(|row| {
            let long = long.clone();
            ["en", "fr", "sw"]
                .into_iter()
                .map(move |lang| (format!("option_{row}_{lang}"), format!("{row} {long}")))
        })
        .collect();
    let mut fields: Vec<(&str, &str)> = kiosk_poll()
        .into_iter()
        .filter(|(name, _)| !name.starts_with("option_"))
        .collect();
    fields.push(("option_rows", "20"));
    for (name, value) in &texts {
        fields.push((name.as_str(), value.as_str()));
    }
    let body_length = form_body(&fields).len();
    assert!(body_length > 16 * 1024, "the form is {body_length} bytes");
    let response = server.post_as(&editor, NEW_POLL, &fields).await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&response)
    );
    let served = server
        .database
        .poll(&support::staff::slug("kiosk-hours"))
        .await
        .expect("readable")
        .expect("stored");
    assert_eq!(served.options().len(), 20);
    assert_eq!(
        served.options()[19].id.as_str(),
        // Derived identifiers stop at 48 characters.
        "19-une-r-ponse-assez-longue-crite-avec-des-accen"
    );
}

#[tokio::test]
async fn the_poll_page_shows_ballots_by_channel() {
    let server = TestServer::new().await;
    let editor = editor(&server).await;
    let created = server.post_as(&editor, NEW_POLL, &kiosk_poll()).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let opened = server
        .post_as(&editor, "/admin/polls/kiosk-hours/open", &[("when", "now")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    // Three ballots from the web, one from a phone by SMS (stored as the SMS route stores it).
    for n in 0..3 {
        let response = server
            .send(post_json(
                &ballots_uri("kiosk-hours"),
                ballot(&["evening"], &voter(n)),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let poll = server
        .database
        .poll(&Slug::parse("kiosk-hours").expect("slug"))
        .await
        .expect("read")
        .expect("the poll");
    let submission = BallotSubmission {
        selections: vec!["early-morning".into()],
        ratings: Vec::new(),
        voter: format!("phone-{}", "ab".repeat(20)),
        voucher: None,
    };
    let sms_ballot = submission.validate(&poll, now()).expect("a valid ballot");
    server
        .database
        .insert_ballot_via(sms_ballot, now(), Channel::Sms)
        .await
        .expect("stored");

    let page = html(&server.get_as(&editor, "/admin/polls/kiosk-hours").await);
    assert!(
        page.contains("<caption>Ballots by channel</caption>"),
        "{page}"
    );
    for row in [
        r#"<tr><th scope="row">Web</th><td class="numeric">3</td><td class="numeric">75.0%</td></tr>"#,
        r#"<tr><th scope="row">SMS</th><td class="numeric">1</td><td class="numeric">25.0%</td></tr>"#,
        r#"<tr><th scope="row">USSD</th><td class="numeric">0</td><td class="numeric">0.0%</td></tr>"#,
    ] {
        assert!(page.contains(row), "{row} missing from {page}");
    }
}
