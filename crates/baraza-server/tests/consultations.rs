//! The consultation API driven in-process: the document with its published discussion,
//! comments and replies going to moderation (redacted), reactions and reports with their
//! one-per-device rule, every refusal leaving nothing stored, the outcome after closing, and
//! the storage functions moderation builds on. Runs on SQLite, and on PostgreSQL with
//! `BARAZA_TEST_DATABASE=postgres`.

mod support;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use baraza_core::consultation::{
    CommentId, Consultation, ConsultationError, ConsultationSettings, ModerationAction,
    ModerationState, ParticipantId, Reaction, RejectionReason, Stance,
};
use baraza_core::{LocalizedText, Slug};
use baraza_server::seed::{DEMO_CLOSED_CONSULTATION, DEMO_CONSULTATION, seed_demo};
use baraza_server::storage::ConsultationChangeError;
use baraza_server::{MAX_COMMENT_BODY_BYTES, MAX_REACTION_BODY_BYTES};
use serde_json::{Value, json};
use support::{TestServer, VOTER_A, VOTER_B, get, instant, now, post_json, voter};
use time::Duration;

const SLUG: &str = "bus-lanes";

fn en(text: &str) -> LocalizedText {
    LocalizedText::new("en", text).expect("text")
}

fn citizen(n: usize) -> ParticipantId {
    ParticipantId::parse(voter(n)).expect("participant")
}

/// An open consultation with two sections: comment 1 published (support, on `route`), comment
/// 2 a published reply to it, comment 3 pending (on `fares`), comment 4 published (oppose, on
/// `fares`). Two reports hide a comment.
fn open_consultation() -> Consultation {
    let settings = ConsultationSettings {
        hide_after_reports: 2,
        max_comment_len: 100,
        premoderation: true,
    };
    let mut c = Consultation::new(SLUG, "en", en("Bus lanes on Moi Avenue"), settings)
        .expect("consultation");
    c.add_section(
        "route",
        en("The route"),
        en("Buses would run from the station."),
    )
    .expect("section");
    c.add_section("fares", en("Fares"), en("Fares stay as they are."))
        .expect("section");
    let opened = instant("2027-01-10T08:00:00Z");
    c.open(opened).expect("open");
    let at = |h| opened + Duration::hours(h);
    let first = c
        .comment(
            "route",
            &citizen(1),
            Stance::Support,
            "Faster journeys.",
            at(1),
        )
        .expect("comment");
    c.moderate(first, ModerationAction::Publish, at(2))
        .expect("publish");
    let reply = c
        .reply(first, &citizen(2), "Agreed.", at(3))
        .expect("reply");
    c.moderate(reply, ModerationAction::Publish, at(4))
        .expect("publish");
    c.comment(
        "fares",
        &citizen(3),
        Stance::Question,
        "Waiting here.",
        at(5),
    )
    .expect("pending");
    let fourth = c
        .comment(
            "fares",
            &citizen(4),
            Stance::Oppose,
            "Fares too high.",
            at(6),
        )
        .expect("comment");
    c.moderate(fourth, ModerationAction::Publish, at(7))
        .expect("publish");
    c.react(first, &citizen(5), Reaction::Agree).expect("react");
    c
}

async fn server_with(consultation: &Consultation, official: &[u64]) -> TestServer {
    let server = TestServer::new().await;
    let official: BTreeSet<CommentId> = official.iter().map(|&n| CommentId(n)).collect();
    server
        .database
        .import_consultation(consultation, &official, None, now())
        .await
        .expect("imported");
    server
}

async fn server_with_open() -> TestServer {
    server_with(&open_consultation(), &[]).await
}

fn slug() -> Slug {
    Slug::parse(SLUG).expect("slug")
}

fn view_uri(slug: &str) -> String {
    format!("/api/v1/consultations/{slug}")
}

fn comments_uri(slug: &str) -> String {
    format!("/api/v1/consultations/{slug}/comments")
}

fn reactions_uri(slug: &str, id: &str) -> String {
    format!("/api/v1/consultations/{slug}/comments/{id}/reactions")
}

fn reports_uri(slug: &str, id: &str) -> String {
    format!("/api/v1/consultations/{slug}/comments/{id}/reports")
}

/// Everything stored about the test consultation, comments, reactions and reports included.
async fn stored(server: &TestServer) -> Value {
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("readable")
        .expect("stored");
    json!({
        "consultation": serde_json::to_value(&stored.consultation).expect("json"),
        "official": stored.official.iter().map(|id| id.0).collect::<Vec<_>>(),
    })
}

/// Sends a request, asserts it is refused with `status` and `code`, and that nothing changed.
async fn assert_refused(
    server: &TestServer,
    request: axum::http::Request<axum::body::Body>,
    status: StatusCode,
    code: &str,
) -> Value {
    let before = stored(server).await;
    let error = server.send(request).await.assert_error(status, code);
    assert_eq!(
        stored(server).await,
        before,
        "a refused request changed the data"
    );
    error
}

fn comment_body(edit: impl FnOnce(&mut Value)) -> String {
    let mut body =
        json!({"section": "route", "stance": "oppose", "text": "Too noisy.", "voter": VOTER_A});
    edit(&mut body);
    body.to_string()
}

#[tokio::test]
async fn view_shows_sections_and_only_published_comments_with_replies_and_counts() {
    let server = server_with(&open_consultation(), &[2]).await;

    let response = server.send(get(&view_uri(SLUG))).await;

    assert_eq!(response.status, StatusCode::OK);
    let view = response.json();
    assert_eq!(view["phase"], "open");
    assert_eq!(view["max_comment_len"], 100);
    assert_eq!(view["outcome"], Value::Null);
    let sections = view["sections"].as_array().expect("sections");
    assert_eq!(
        sections
            .iter()
            .map(|s| (s["id"].clone(), s["number"].clone()))
            .collect::<Vec<_>>(),
        [(json!("route"), json!(1)), (json!("fares"), json!(2))]
    );
    assert_eq!(
        sections[0]["comments"],
        json!([{
            "id": 1, "stance": "support", "text": "Faster journeys.",
            "created_at": "2027-01-10T09:00:00Z", "agrees": 1, "disagrees": 0, "official": false,
            "replies": [{"id": 2, "stance": null, "text": "Agreed.", "created_at": "2027-01-10T11:00:00Z",
                         "agrees": 0, "disagrees": 0, "official": true, "replies": []}]
        }])
    );
    // The pending comment 3 is not shown; the published comment 4 is.
    let fares: Vec<&Value> = sections[1]["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .collect();
    assert_eq!(fares.len(), 1);
    assert_eq!(fares[0]["id"], 4);
    assert_eq!(fares[0]["stance"], "oppose");
    // No device token reaches the public.
    assert!(
        !String::from_utf8_lossy(&response.body).contains("device-"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
}

#[tokio::test]
async fn unknown_malformed_or_draft_consultation_is_404_on_every_endpoint() {
    let server = server_with_open().await;
    let draft = Consultation::new(
        "draft-one",
        "en",
        en("Draft"),
        ConsultationSettings::default(),
    )
    .expect("draft");
    server
        .database
        .save_consultation(&draft, None, now())
        .await
        .expect("saved");
    for slug in ["no-such-thing", "Not_A_Slug", "draft-one"] {
        server
            .send(get(&view_uri(slug)))
            .await
            .assert_error(StatusCode::NOT_FOUND, "consultation_not_found");
        assert_refused(
            &server,
            post_json(&comments_uri(slug), comment_body(|_| {})),
            StatusCode::NOT_FOUND,
            "consultation_not_found",
        )
        .await;
        assert_refused(
            &server,
            post_json(
                &reactions_uri(slug, "1"),
                json!({"reaction": "agree", "voter": VOTER_A}).to_string(),
            ),
            StatusCode::NOT_FOUND,
            "consultation_not_found",
        )
        .await;
        assert_refused(
            &server,
            post_json(
                &reports_uri(slug, "1"),
                json!({"voter": VOTER_A}).to_string(),
            ),
            StatusCode::NOT_FOUND,
            "consultation_not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn comment_goes_to_moderation_redacted_and_is_not_shown() {
    let server = server_with_open().await;
    let body = comment_body(|b| {
        b["text"] = json!("Call me on 0712 345 678 or jane@mail.example about it.")
    });

    let response = server.send(post_json(&comments_uri(SLUG), body)).await;

    assert_eq!(
        response.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let receipt = response.json();
    assert_eq!(receipt["consultation"], SLUG);
    assert_eq!(receipt["id"], 5);
    assert_eq!(receipt["status"], "pending");
    assert_eq!(receipt["personal_details_removed"], 2);
    assert_eq!(receipt["redactions"]["email"], 1);
    assert_eq!(receipt["redactions"]["phone"], 1);
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("readable")
        .expect("stored");
    let comment = stored
        .consultation
        .comment_by_id(CommentId(5))
        .expect("stored comment");
    assert_eq!(comment.state(), ModerationState::Pending);
    assert_eq!(comment.stance(), Some(Stance::Oppose));
    assert_eq!(comment.section().as_str(), "route");
    assert_eq!(comment.author().as_str(), VOTER_A);
    let text = comment.text().as_str();
    assert!(
        !text.contains("jane@mail.example") && !text.contains("345"),
        "{text}"
    );
    let dump = server.database_dump().await;
    assert!(
        !dump.contains("jane@mail.example"),
        "the raw e-mail reached storage"
    );
    let view = server.send(get(&view_uri(SLUG))).await.json();
    assert!(
        !view.to_string().contains("Call me"),
        "a pending comment is shown: {view}"
    );
}

#[tokio::test]
async fn reply_goes_to_moderation_under_its_parent() {
    let server = server_with_open().await;
    let body = json!({"parent": 4, "text": "Fares are fine.", "voter": VOTER_B}).to_string();

    let response = server.send(post_json(&comments_uri(SLUG), body)).await;

    assert_eq!(
        response.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.json()["status"], "pending");
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("ok")
        .expect("stored");
    let reply = stored
        .consultation
        .comment_by_id(CommentId(5))
        .expect("reply");
    assert_eq!(reply.parent(), Some(CommentId(4)));
    assert_eq!(reply.section().as_str(), "fares");
    assert_eq!(reply.stance(), None);
}

#[tokio::test]
async fn every_bad_comment_is_refused_and_stores_nothing() {
    let server = server_with_open().await;
    let uri = comments_uri(SLUG);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            "{not json".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            comment_body(|b| b["colour"] = json!("red")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            comment_body(|b| b["stance"] = json!("furious")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            comment_body(|b| {
                b.as_object_mut().expect("object").remove("section");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            comment_body(|b| {
                b.as_object_mut().expect("object").remove("stance");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            comment_body(|b| b["parent"] = json!(1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            comment_body(|b| b["section"] = json!("tunnels")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "section_not_found",
        ),
        (
            comment_body(|b| b["text"] = json!("   \n ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "blank_text",
        ),
        (
            comment_body(|b| b["text"] = json!("x".repeat(101))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_too_long",
        ),
        (
            comment_body(|b| b["voter"] = json!("short")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_voter_token",
        ),
        (
            json!({"parent": 2, "text": "Reply to a reply", "voter": VOTER_A}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reply_to_reply",
        ),
        (
            json!({"parent": 3, "text": "Reply to pending", "voter": VOTER_A}).to_string(),
            StatusCode::CONFLICT,
            "comment_not_published",
        ),
        (
            json!({"parent": 99, "text": "Reply to nothing", "voter": VOTER_A}).to_string(),
            StatusCode::NOT_FOUND,
            "comment_not_found",
        ),
    ];
    for (body, status, code) in cases {
        assert_refused(&server, post_json(&uri, body), status, code).await;
    }
    // Without a JSON content type.
    let mut request = post_json(&uri, comment_body(|_| {}));
    request
        .headers_mut()
        .remove(axum::http::header::CONTENT_TYPE);
    assert_refused(
        &server,
        request,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn comment_over_the_comment_limit_is_413_naming_that_limit() {
    let server = server_with_open().await;
    let body = comment_body(|b| b["text"] = json!("x".repeat(MAX_COMMENT_BODY_BYTES)));

    let error = assert_refused(
        &server,
        post_json(&comments_uri(SLUG), body),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;

    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains(&MAX_COMMENT_BODY_BYTES.to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn filled_honeypot_is_answered_as_pending_but_stores_nothing() {
    let server = server_with_open().await;
    let before = stored(&server).await;

    let response = server
        .send(post_json(
            &comments_uri(SLUG),
            comment_body(|b| b["honeypot"] = json!("buy now")),
        ))
        .await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json()["status"], "pending");
    assert_eq!(stored(&server).await, before);
}

#[tokio::test]
async fn reaction_is_counted_once_per_device() {
    let server = server_with_open().await;
    let react = |reaction: &str, voter: &str| {
        post_json(
            &reactions_uri(SLUG, "4"),
            json!({"reaction": reaction, "voter": voter}).to_string(),
        )
    };

    let first = server.send(react("disagree", VOTER_A)).await;

    assert_eq!(
        first.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(
        first.json(),
        json!({"comment": 4, "agrees": 0, "disagrees": 1})
    );
    for repeat in ["disagree", "agree"] {
        assert_refused(
            &server,
            react(repeat, VOTER_A),
            StatusCode::CONFLICT,
            "already_reacted",
        )
        .await;
    }
    let second = server.send(react("agree", VOTER_B)).await;
    assert_eq!(
        second.json(),
        json!({"comment": 4, "agrees": 1, "disagrees": 1})
    );
    let view = server.send(get(&view_uri(SLUG))).await.json();
    let fares = &view["sections"][1]["comments"][0];
    assert_eq!(
        (fares["agrees"].clone(), fares["disagrees"].clone()),
        (json!(1), json!(1))
    );
}

#[tokio::test]
async fn racing_reactions_of_one_device_store_one() {
    let server = server_with_open().await;
    let body = json!({"reaction": "agree", "voter": VOTER_A}).to_string();
    let uri = reactions_uri(SLUG, "4");

    let (a, b) = tokio::join!(
        server.send(post_json(&uri, body.clone())),
        server.send(post_json(&uri, body.clone()))
    );

    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("ok")
        .expect("stored");
    assert_eq!(
        stored
            .consultation
            .comment_by_id(CommentId(4))
            .expect("c")
            .agrees(),
        1
    );
}

#[tokio::test]
async fn every_bad_reaction_is_refused_and_stores_nothing() {
    let server = server_with_open().await;
    let body =
        |reaction: &str, voter: &str| json!({"reaction": reaction, "voter": voter}).to_string();
    let cases: Vec<(String, String, StatusCode, &str)> = vec![
        (
            reactions_uri(SLUG, "99"),
            body("agree", VOTER_A),
            StatusCode::NOT_FOUND,
            "comment_not_found",
        ),
        (
            reactions_uri(SLUG, "abc"),
            body("agree", VOTER_A),
            StatusCode::NOT_FOUND,
            "comment_not_found",
        ),
        (
            reactions_uri(SLUG, "0"),
            body("agree", VOTER_A),
            StatusCode::NOT_FOUND,
            "comment_not_found",
        ),
        (
            reactions_uri(SLUG, "3"),
            body("agree", VOTER_A),
            StatusCode::CONFLICT,
            "comment_not_published",
        ),
        (
            reactions_uri(SLUG, "4"),
            body("love", VOTER_A),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            reactions_uri(SLUG, "4"),
            body("agree", "no"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_voter_token",
        ),
        (
            reactions_uri(SLUG, "4"),
            "{".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            reactions_uri(SLUG, "4"),
            "x".repeat(MAX_REACTION_BODY_BYTES + 1),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (uri, body, status, code) in cases {
        assert_refused(&server, post_json(&uri, body), status, code).await;
    }
}

#[tokio::test]
async fn reports_are_once_per_device_and_enough_of_them_hide_the_comment() {
    let server = server_with_open().await;
    let report =
        |voter: &str| post_json(&reports_uri(SLUG, "4"), json!({"voter": voter}).to_string());

    let first = server.send(report(VOTER_A)).await;

    assert_eq!(
        first.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.json(), json!({"comment": 4}));
    assert_refused(
        &server,
        report(VOTER_A),
        StatusCode::CONFLICT,
        "already_reported",
    )
    .await;
    let view = server.send(get(&view_uri(SLUG))).await.json();
    assert_eq!(
        view["sections"][1]["comments"]
            .as_array()
            .expect("list")
            .len(),
        1
    );

    // The second distinct report reaches the threshold of 2: the comment is hidden for review.
    assert_eq!(
        server.send(report(VOTER_B)).await.status,
        StatusCode::CREATED
    );
    let view = server.send(get(&view_uri(SLUG))).await.json();
    assert_eq!(view["sections"][1]["comments"], json!([]));
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("ok")
        .expect("stored");
    let comment = stored.consultation.comment_by_id(CommentId(4)).expect("c");
    assert_eq!(comment.state(), ModerationState::Hidden);
    assert_eq!(comment.report_count(), 2);
    // A hidden comment can no longer be reported or reacted to.
    assert_refused(
        &server,
        report(&voter(9)),
        StatusCode::CONFLICT,
        "comment_not_published",
    )
    .await;
    for bad in [
        (
            reports_uri(SLUG, "3"),
            json!({"voter": VOTER_A}).to_string(),
            StatusCode::CONFLICT,
            "comment_not_published",
        ),
        (
            reports_uri(SLUG, "77"),
            json!({"voter": VOTER_A}).to_string(),
            StatusCode::NOT_FOUND,
            "comment_not_found",
        ),
        (
            reports_uri(SLUG, "1"),
            json!({"voter": VOTER_A, "reason": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            reports_uri(SLUG, "1"),
            "x".repeat(MAX_REACTION_BODY_BYTES + 1),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ] {
        assert_refused(&server, post_json(&bad.0, bad.1), bad.2, bad.3).await;
    }
}

/// The open consultation, closed, with a response to `route` and the outcome published.
fn finished_consultation() -> Consultation {
    let mut c = open_consultation();
    let closed = instant("2027-01-12T00:00:00Z");
    c.close(closed).expect("close");
    c.respond(
        "route",
        en("The lanes open in June."),
        closed + Duration::hours(1),
    )
    .expect("respond");
    c.publish_outcome(en("We build the lanes."), closed + Duration::hours(2))
        .expect("outcome");
    c
}

#[tokio::test]
async fn closed_consultation_shows_the_outcome_and_refuses_participation() {
    let server = server_with(&finished_consultation(), &[]).await;

    let view = server.send(get(&view_uri(SLUG))).await.json();

    assert_eq!(view["phase"], "outcome_published");
    assert_eq!(
        view["sections"][0]["official_response"]["text"]["en"],
        "The lanes open in June."
    );
    let outcome = &view["outcome"];
    assert_eq!(outcome["outcome"]["summary"]["en"], "We build the lanes.");
    assert_eq!(outcome["sections"][0]["we_asked"]["en"], "The route");
    assert_eq!(outcome["sections"][0]["you_said"]["support"], 1);
    assert_eq!(outcome["sections"][0]["you_said"]["replies"], 1);
    assert_eq!(outcome["sections"][1]["you_said"]["oppose"], 1);
    assert_eq!(
        outcome["sections"][1]["you_said"]["question"], 0,
        "pending comments are not counted"
    );
    assert_eq!(
        outcome["sections"][0]["we_did"]["text"]["en"],
        "The lanes open in June."
    );

    assert_refused(
        &server,
        post_json(&comments_uri(SLUG), comment_body(|_| {})),
        StatusCode::CONFLICT,
        "consultation_wrong_phase",
    )
    .await;
    assert_refused(
        &server,
        post_json(
            &reactions_uri(SLUG, "1"),
            json!({"reaction": "agree", "voter": VOTER_A}).to_string(),
        ),
        StatusCode::CONFLICT,
        "consultation_wrong_phase",
    )
    .await;
    // Reports stay possible: unlawful content must be removable whenever it is found.
    let report = server
        .send(post_json(
            &reports_uri(SLUG, "1"),
            json!({"voter": VOTER_A}).to_string(),
        ))
        .await;
    assert_eq!(report.status, StatusCode::CREATED);
}

#[tokio::test]
async fn moderation_storage_lists_pending_publishes_rejects_and_answers() {
    let server = server_with_open().await;
    let database = &server.database;
    let later = now();

    let pending = database.pending_comments(&slug()).await.expect("queue");
    assert_eq!(
        pending.iter().map(|c| c.id()).collect::<Vec<_>>(),
        [CommentId(3)]
    );

    let published = database
        .moderate_comment(&slug(), CommentId(3), ModerationAction::Publish, later)
        .await
        .expect("published");
    assert_eq!(published, ModerationState::Published);
    let view = server.send(get(&view_uri(SLUG))).await.json();
    assert_eq!(view["sections"][1]["comments"][0]["id"], 3);
    assert!(
        database
            .pending_comments(&slug())
            .await
            .expect("queue")
            .is_empty()
    );

    let reject = ModerationAction::Reject {
        reason: RejectionReason::Offensive,
    };
    let rejected = database
        .moderate_comment(&slug(), CommentId(4), reject, later)
        .await
        .expect("rejected");
    assert_eq!(
        rejected,
        ModerationState::Rejected {
            reason: RejectionReason::Offensive
        }
    );
    // Rejection is final: the core refuses to publish it again, and nothing changes.
    let before = stored(&server).await;
    let again = database
        .moderate_comment(&slug(), CommentId(4), ModerationAction::Publish, later)
        .await;
    assert!(
        matches!(
            again,
            Err(ConsultationChangeError::Rule(
                ConsultationError::InvalidModeration { .. }
            ))
        ),
        "{again:?}"
    );
    assert_eq!(stored(&server).await, before);

    let answer = database
        .add_official_response(
            &slug(),
            CommentId(1),
            "The lanes will be painted red.",
            later,
        )
        .await
        .expect("answered");
    assert_eq!(answer, CommentId(5));
    let view = server.send(get(&view_uri(SLUG))).await.json();
    let replies = view["sections"][0]["comments"][0]["replies"]
        .as_array()
        .expect("replies");
    assert_eq!(replies.last().expect("answer")["official"], true);
    assert_eq!(
        replies.last().expect("answer")["text"],
        "The lanes will be painted red."
    );

    // Official answers follow the core's reply rules: not to a reply.
    let to_reply = database
        .add_official_response(&slug(), CommentId(2), "No.", later)
        .await;
    assert!(
        matches!(
            to_reply,
            Err(ConsultationChangeError::Rule(
                ConsultationError::ReplyToReply { .. }
            ))
        ),
        "{to_reply:?}"
    );
    // Section responses wait for closing.
    let early = database
        .respond_to_section(&slug(), "route", en("Too early"), later)
        .await;
    assert!(
        matches!(
            early,
            Err(ConsultationChangeError::Rule(
                ConsultationError::WrongPhase { .. }
            ))
        ),
        "{early:?}"
    );
    // Closing and publishing the outcome are core steps on the document.
    let closed_at = later + Duration::days(1);
    database
        .change_consultation_document(&slug(), closed_at, |c| c.close(closed_at))
        .await
        .expect("closed");
    database
        .respond_to_section(&slug(), "route", en("Lanes in June."), closed_at)
        .await
        .expect("responded");
    let view = server.send(get(&view_uri(SLUG))).await.json();
    assert_eq!(view["phase"], "closed");
    assert_eq!(
        view["outcome"]["sections"][0]["we_did"]["text"]["en"],
        "Lanes in June."
    );
    assert_eq!(view["outcome"]["outcome"], Value::Null);
    let before = stored(&server).await;
    let twice = database
        .change_consultation_document(&slug(), closed_at, |c| c.close(closed_at))
        .await;
    assert!(
        matches!(
            twice,
            Err(ConsultationChangeError::Rule(
                ConsultationError::WrongPhase { .. }
            ))
        ),
        "{twice:?}"
    );
    assert_eq!(stored(&server).await, before);
    let missing = database
        .pending_comments(&Slug::parse("nothing-here").expect("slug"))
        .await;
    assert!(
        matches!(missing, Err(ConsultationChangeError::NotFound(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn restoring_a_hidden_comment_clears_its_reports() {
    let server = server_with_open().await;
    for voter in [VOTER_A, VOTER_B] {
        let response = server
            .send(post_json(
                &reports_uri(SLUG, "1"),
                json!({"voter": voter}).to_string(),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }

    let reported = server
        .database
        .reported_comments(&slug())
        .await
        .expect("list");
    assert_eq!(
        reported
            .iter()
            .map(|c| (c.id(), c.report_count(), c.state()))
            .collect::<Vec<_>>(),
        [(CommentId(1), 2, ModerationState::Hidden)]
    );

    let restored = server
        .database
        .moderate_comment(&slug(), CommentId(1), ModerationAction::Restore, now())
        .await
        .expect("restored");

    assert_eq!(restored, ModerationState::Published);
    assert!(
        server
            .database
            .reported_comments(&slug())
            .await
            .expect("list")
            .is_empty(),
        "a restored comment leaves the reported list"
    );
    let stored = server
        .database
        .consultation(&slug())
        .await
        .expect("ok")
        .expect("stored");
    assert_eq!(
        stored
            .consultation
            .comment_by_id(CommentId(1))
            .expect("c")
            .report_count(),
        0
    );
    // The same device may report it again after a restore.
    let again = server
        .send(post_json(
            &reports_uri(SLUG, "1"),
            json!({"voter": VOTER_A}).to_string(),
        ))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
}

#[tokio::test]
async fn demo_seed_serves_an_open_and_a_finished_consultation_and_keeps_citizens_comments() {
    let server = TestServer::new().await;
    seed_demo(&server.database, now()).await.expect("seeded");

    let open = server.send(get(&view_uri(DEMO_CONSULTATION))).await.json();
    assert_eq!(open["phase"], "open");
    assert_eq!(open["sections"].as_array().expect("sections").len(), 3);
    let first = &open["sections"][0]["comments"];
    assert!(
        first.to_string().contains("\"official\":true"),
        "the demo has an official answer: {first}"
    );
    let finished = server
        .send(get(&view_uri(DEMO_CLOSED_CONSULTATION)))
        .await
        .json();
    assert_eq!(finished["phase"], "outcome_published");
    assert!(finished["outcome"]["outcome"]["summary"]["sw"].is_string());

    let comment =
        json!({"section": "kiosks", "stance": "support", "text": "Yes please.", "voter": VOTER_A});
    let response = server
        .send(post_json(
            &comments_uri(DEMO_CONSULTATION),
            comment.to_string(),
        ))
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    seed_demo(&server.database, now() + Duration::days(1))
        .await
        .expect("seeded again");
    let demo = server
        .database
        .pending_comments(&Slug::parse(DEMO_CONSULTATION).expect("slug"))
        .await
        .expect("queue");
    assert!(
        demo.iter().any(|c| c.text().as_str() == "Yes please."),
        "seeding again dropped a citizen's comment"
    );
}
