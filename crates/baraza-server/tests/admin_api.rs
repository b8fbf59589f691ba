//! The admin API (`/api/v1/admin/…`): bearer tokens scoped to one organisation, poll creation
//! with the core's validation, listings, results and streamed exports; every refusal leaves
//! nothing changed and every action is in the audit log.

mod support;

use axum::http::{Request, StatusCode, header};
use baraza_server::storage::Role;
use serde_json::{Value, json};
use support::staff::{admin_get, admin_post};
use support::{
    TestServer, ballot, ballots_uri, get, multiple_choice_spec, now, poll_uri, post_json,
    single_choice_spec, voter,
};

const POLLS: &str = "/api/v1/admin/polls";
const WATER: &str = "ministry-of-water";
const HEALTH: &str = "ministry-of-health";

fn poll_admin_uri(slug: &str) -> String {
    format!("{POLLS}/{slug}")
}

#[tokio::test]
async fn an_editor_creates_a_poll_that_citizens_then_see() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("editor@water.go.ke", Role::Editor, WATER)
        .await;

    let created = server
        .send(admin_post(
            POLLS,
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(
        created.header("location"),
        Some("/api/v1/admin/polls/tariffs")
    );
    let body = created.json();
    assert_eq!(body["organisation"], WATER);
    assert_eq!(body["phase"], "open");
    assert_eq!(body["definition"], single_choice_spec("tariffs"));
    assert_eq!(body["results"]["total_ballots"], 0);

    let public = server.send(get(&poll_uri("tariffs"))).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.json()["slug"], "tariffs");
    let voted = server
        .send(post_json(
            &ballots_uri("tariffs"),
            ballot(&["flat"], &voter(1)),
        ))
        .await;
    assert_eq!(voted.status, StatusCode::CREATED);

    let audit = server.audit_log(WATER).await;
    let entry = &audit[0];
    assert_eq!(
        (entry.action.as_str(), entry.target.as_str()),
        ("poll.create", "tariffs")
    );
    assert!(entry.actor.starts_with("token:"), "{entry:?}");
}

#[tokio::test]
async fn a_draft_created_through_the_api_stays_hidden_from_citizens() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let mut spec = single_choice_spec("draft-tariffs");
    spec["status"] = json!("draft");
    let created = server
        .send(admin_post(POLLS, &token, spec.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json()["phase"], "draft");
    server
        .send(get(&poll_uri("draft-tariffs")))
        .await
        .assert_error(StatusCode::NOT_FOUND, "poll_not_found");
    let admin_view = server
        .send(admin_get(&poll_admin_uri("draft-tariffs"), &token))
        .await;
    assert_eq!(admin_view.status, StatusCode::OK);
}

#[tokio::test]
async fn requests_without_a_valid_token_get_401_and_change_nothing() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let audit_before = server.audit_log(WATER).await.len();
    let spec = single_choice_spec("tariffs").to_string();

    let no_token = server.send(post_json(POLLS, spec.clone())).await;
    no_token.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(
        no_token.header("www-authenticate"),
        Some(r#"Bearer realm="baraza""#)
    );

    let wrong_token = format!("{}x", &token[..token.len() - 1]);
    for bad in [
        format!("Bearer {wrong_token}"),
        "Bearer ".to_owned(),
        format!("Basic {token}"),
        token.clone(),
    ] {
        let request = Request::post(POLLS)
            .header(header::AUTHORIZATION, &bad)
            .header(header::CONTENT_TYPE, "application/json")
            .body(spec.clone().into())
            .expect("request");
        let refused = server.send(request).await;
        refused.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(
            refused.header("www-authenticate"),
            Some(r#"Bearer realm="baraza", error="invalid_token""#),
            "{bad}"
        );
        let message = refused.json()["error"]["message"].to_string();
        assert!(
            !message.contains(&token[8..]),
            "the token is echoed: {message}"
        );
    }
    for uri in [
        POLLS.to_owned(),
        poll_admin_uri("tariffs"),
        format!("{POLLS}/tariffs/export.csv"),
    ] {
        server
            .send(get(&uri))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    assert_eq!(server.poll_count().await, 0);
    assert_eq!(server.audit_log(WATER).await.len(), audit_before);
}

#[tokio::test]
async fn an_invalid_definition_gets_422_listing_every_problem_and_stores_nothing() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let audit_before = server.audit_log(WATER).await.len();
    let spec = json!({
        "slug": "Bad Slug",
        "default_language": "en",
        "question": {"sw": "Swali"},
        "kind": {"type": "multiple_choice", "min_selections": 3, "max_selections": 2},
        "options": [{"id": "only", "label": {"en": "Only one"}}],
        "status": "open",
        "opens_at": "2027-02-01T00:00:00Z",
        "closes_at": "2027-01-01T00:00:00Z"
    });
    let refused = server
        .send(admin_post(POLLS, &token, spec.to_string()))
        .await;
    let error = refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll_definition");
    let details = error["details"].as_array().expect("details listed");
    let messages: Vec<&str> = details
        .iter()
        .map(|d| d["message"].as_str().expect("message"))
        .collect();
    assert_eq!(details.len(), 5, "{messages:?}");
    for expected in [
        "slug",
        "question has no text",
        "2 to",
        "min 3, max 2",
        "closes_at",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "no problem mentions {expected:?}: {messages:?}"
        );
    }
    assert!(
        details
            .iter()
            .all(|d| d["code"] == "invalid_poll_definition")
    );

    let mut unknown_field = single_choice_spec("tariffs");
    unknown_field["colour"] = json!("blue");
    server
        .send(admin_post(POLLS, &token, unknown_field.to_string()))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    server
        .send(admin_post(POLLS, &token, "{not json"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    let oversized = format!(r#"{{"slug": "x", "padding": "{}"}}"#, "x".repeat(64 * 1024));
    let too_large = server.send(admin_post(POLLS, &token, oversized)).await;
    let error = too_large.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("65536 bytes")),
        "{error}"
    );

    assert_eq!(server.poll_count().await, 0);
    assert_eq!(server.audit_log(WATER).await.len(), audit_before);
}

#[tokio::test]
async fn a_slug_already_taken_gets_409_and_the_first_poll_is_untouched() {
    let server = TestServer::new().await;
    let water = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let health = server
        .staff_token("b@health.go.ke", Role::Admin, HEALTH)
        .await;
    // A poll of the server's own (no organisation), e.g. the demo's.
    server.add_poll(single_choice_spec("legacy")).await;
    let first = server
        .send(admin_post(
            POLLS,
            &water,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);

    let mut rival = multiple_choice_spec("tariffs", 1, 2);
    rival["question"] = json!({"en": "Replaced?"});
    for (token, slug) in [
        (&water, "tariffs"),
        (&health, "tariffs"),
        (&health, "legacy"),
    ] {
        let mut spec = rival.clone();
        spec["slug"] = json!(slug);
        server
            .send(admin_post(POLLS, token, spec.to_string()))
            .await
            .assert_error(StatusCode::CONFLICT, "slug_taken");
    }
    let kept = server.send(get(&poll_uri("tariffs"))).await.json();
    assert_eq!(kept["question"], single_choice_spec("tariffs")["question"]);
    let legacy = server.send(get(&poll_uri("legacy"))).await.json();
    assert_eq!(legacy["question"], single_choice_spec("legacy")["question"]);
    assert_eq!(server.poll_count().await, 2);
    assert!(
        server
            .audit_log(HEALTH)
            .await
            .iter()
            .all(|e| e.action != "poll.create")
    );
}

#[tokio::test]
async fn another_organisations_token_gets_404_for_its_polls() {
    let server = TestServer::new().await;
    let water = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let health = server
        .staff_token("b@health.go.ke", Role::Admin, HEALTH)
        .await;
    server
        .send(admin_post(
            POLLS,
            &water,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    server.add_poll(single_choice_spec("legacy")).await;
    let audit_before = server.audit_log(HEALTH).await.len();

    for uri in [
        poll_admin_uri("tariffs"),
        format!("{POLLS}/tariffs/export.csv"),
        format!("{POLLS}/tariffs/export.json"),
        // The server's own polls belong to no organisation, so to no token either.
        poll_admin_uri("legacy"),
        format!("{POLLS}/legacy/export.csv"),
        // The same answer as for a poll that does not exist.
        poll_admin_uri("no-such-poll"),
    ] {
        server
            .send(admin_get(&uri, &health))
            .await
            .assert_error(StatusCode::NOT_FOUND, "poll_not_found");
    }
    let listed = server.send(admin_get(POLLS, &health)).await.json();
    assert_eq!(listed, json!({"organisation": HEALTH, "polls": []}));
    assert_eq!(server.audit_log(HEALTH).await.len(), audit_before);
}

#[tokio::test]
async fn roles_that_may_not_author_or_export_are_refused_with_403() {
    let server = TestServer::new().await;
    let admin = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let analyst = server
        .staff_token("c@water.go.ke", Role::Analyst, WATER)
        .await;
    let moderator = server
        .staff_token("d@water.go.ke", Role::Moderator, WATER)
        .await;
    server
        .send(admin_post(
            POLLS,
            &admin,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    let audit_before = server.audit_log(WATER).await.len();

    for token in [&analyst, &moderator] {
        server
            .send(admin_post(
                POLLS,
                token,
                single_choice_spec("other").to_string(),
            ))
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");
    }
    server
        .send(admin_get(
            &format!("{POLLS}/tariffs/export.csv"),
            &moderator,
        ))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(server.poll_count().await, 1);
    assert_eq!(server.audit_log(WATER).await.len(), audit_before);

    // Reading is every member's.
    let csv = server
        .send(admin_get(&format!("{POLLS}/tariffs/export.csv"), &analyst))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let listed = server.send(admin_get(POLLS, &moderator)).await;
    assert_eq!(listed.status, StatusCode::OK);
}

#[tokio::test]
async fn the_list_and_the_poll_show_phase_ballots_and_results() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let mut draft = multiple_choice_spec("priorities", 1, 2);
    draft["status"] = json!("draft");
    for spec in [single_choice_spec("tariffs"), draft] {
        let created = server
            .send(admin_post(POLLS, &token, spec.to_string()))
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    for (n, choice) in ["flat", "tiered", "tiered"].iter().enumerate() {
        let voted = server
            .send(post_json(
                &ballots_uri("tariffs"),
                ballot(&[choice], &voter(n)),
            ))
            .await;
        assert_eq!(voted.status, StatusCode::CREATED);
    }

    let listed = server.send(admin_get(POLLS, &token)).await.json();
    assert_eq!(
        listed,
        // Created at the same instant (the tests' clock is fixed): ordered by slug.
        json!({"organisation": WATER, "polls": [
            {"slug": "priorities", "question": "Which investments matter most?",
             "phase": "draft", "ballots": 0},
            {"slug": "tariffs", "question": "How should water be charged from 2027?",
             "phase": "open", "ballots": 3}
        ]})
    );
    let poll = server
        .send(admin_get(&poll_admin_uri("tariffs"), &token))
        .await
        .json();
    assert_eq!(poll["results"]["total_ballots"], 3);
    let counts: Vec<&Value> = poll["results"]["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| &o["count"])
        .collect();
    assert_eq!(counts, [&json!(1), &json!(2), &json!(0)]);
}

/// Creates `priorities` (multiple choice, options a–e) and casts three ballots.
async fn poll_with_three_ballots(server: &TestServer, token: &str) {
    let created = server
        .send(admin_post(
            POLLS,
            token,
            multiple_choice_spec("priorities", 1, 3).to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    for (n, selections) in [vec!["a", "c"], vec!["e"], vec!["b", "c", "d"]]
        .iter()
        .enumerate()
    {
        let voted = server
            .send(post_json(
                &ballots_uri("priorities"),
                ballot(selections, &voter(n)),
            ))
            .await;
        assert_eq!(voted.status, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn csv_export_has_a_header_and_one_row_per_ballot_without_voter_tokens() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Analyst, WATER)
        .await;
    let editor = server
        .staff_token("e@water.go.ke", Role::Editor, WATER)
        .await;
    poll_with_three_ballots(&server, &editor).await;

    let export = server
        .send(admin_get(&format!("{POLLS}/priorities/export.csv"), &token))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(
        export.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        export.header("content-disposition"),
        Some(r#"attachment; filename="priorities-ballots.csv""#)
    );
    let text = String::from_utf8(export.body.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "ballot_id,submitted_at,a,b,c,d,e");
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    let marks: Vec<String> = rows.iter().map(|r| r[2..].join("")).collect();
    assert_eq!(marks, ["10100", "00001", "01110"]);
    for row in &rows {
        assert_eq!(row[1], support::NOW, "submitted_at is UTC RFC 3339");
        assert!(row[0].parse::<i64>().is_ok(), "{row:?}");
    }
    assert!(
        !text.contains("device-"),
        "a voter token was exported: {text}"
    );

    let audit = server.audit_log(WATER).await;
    assert_eq!(
        (audit[0].action.as_str(), audit[0].target.as_str()),
        ("poll.export_csv", "priorities")
    );
}

#[tokio::test]
async fn json_export_is_an_array_of_every_ballot() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let empty = server
        .send(admin_post(
            POLLS,
            &token,
            single_choice_spec("empty").to_string(),
        ))
        .await;
    assert_eq!(empty.status, StatusCode::CREATED);
    let none = server
        .send(admin_get(&format!("{POLLS}/empty/export.json"), &token))
        .await;
    assert_eq!(none.json(), json!([]));

    poll_with_three_ballots(&server, &token).await;
    let export = server
        .send(admin_get(
            &format!("{POLLS}/priorities/export.json"),
            &token,
        ))
        .await;
    let ballots = export.json();
    let ballots = ballots.as_array().expect("an array");
    assert_eq!(ballots.len(), 3);
    assert_eq!(ballots[2]["selections"], json!(["b", "c", "d"]));
    assert_eq!(ballots[0]["submitted_at"], support::NOW);
    assert!(
        ballots
            .iter()
            .all(|b| b.as_object().is_some_and(|o| o.len() == 3))
    );
}

#[tokio::test]
async fn a_large_export_streams_every_row() {
    let server = TestServer::new().await;
    let token = server
        .staff_token("a@water.go.ke", Role::Admin, WATER)
        .await;
    let created = server
        .send(admin_post(
            POLLS,
            &token,
            single_choice_spec("tariffs").to_string(),
        ))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let poll = server
        .database
        .poll(&support::staff::slug("tariffs"))
        .await
        .expect("readable")
        .expect("stored");
    // More rows than the export's channel holds, so the reader must wait for the writer.
    let ballots = 2_000;
    server
        .database
        .add_load_test_ballots(poll.slug(), ballots, support::now())
        .await
        .expect("ballots added");
    let export = server
        .send(admin_get(&format!("{POLLS}/tariffs/export.csv"), &token))
        .await;
    let text = String::from_utf8(export.body.to_vec()).expect("UTF-8");
    assert_eq!(text.split_terminator("\r\n").count(), 1 + ballots as usize);
}

#[tokio::test]
async fn a_poll_cannot_take_the_slug_of_a_feedback_form_or_a_consultation() {
    let server = TestServer::new().await;
    baraza_server::seed::seed_demo(&server.database, now())
        .await
        .expect("demo seeded");
    let water = server
        .staff_token("a@water.go.ke", Role::Editor, WATER)
        .await;
    let polls_before = server.poll_count().await;
    for slug in [
        baraza_server::seed::DEMO_FEEDBACK_FORM,
        baraza_server::seed::DEMO_CONSULTATION,
    ] {
        server
            .send(admin_post(
                POLLS,
                &water,
                single_choice_spec(slug).to_string(),
            ))
            .await
            .assert_error(StatusCode::CONFLICT, "slug_taken");
        server
            .send(get(&poll_uri(slug)))
            .await
            .assert_error(StatusCode::NOT_FOUND, "poll_not_found");
    }
    assert_eq!(server.poll_count().await, polls_before);
    assert!(
        server
            .audit_log(WATER)
            .await
            .iter()
            .all(|entry| entry.action != "poll.create")
    );
}
