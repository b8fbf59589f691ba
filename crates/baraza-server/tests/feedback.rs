//! The feedback API driven in-process: the form, responses (redaction, page path, honeypot),
//! every refusal leaving nothing stored, and results with CSAT and NPS. Runs on SQLite, and on
//! PostgreSQL with `BARAZA_TEST_DATABASE=postgres`.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use baraza_core::Slug;
use baraza_core::feedback::FeedbackForm;
use baraza_server::storage::StoredFeedbackResponse;
use baraza_server::{MAX_BALLOT_BODY_BYTES, MAX_FEEDBACK_BODY_BYTES, MAX_PAGE_TITLE_CHARS};
use serde_json::{Value, json};
use support::{TestServer, ballots_uri, get, now, post_json, single_choice_spec};

/// The form every test uses: one question of each kind.
const FORM: &str = "passport-page";

fn form_spec() -> Value {
    json!({
        "slug": FORM,
        "default_language": "en",
        "title": {"en": "Help us improve this page", "sw": "Tusaidie kuboresha ukurasa huu"},
        "questions": [
            {"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
             "kind": {"type": "useful", "reasons": [
                 {"id": "outdated", "label": {"en": "It is out of date"}},
                 {"id": "unclear", "label": {"en": "It is hard to understand"}}
             ], "comment_max_len": 40}},
            {"id": "satisfaction", "prompt": {"en": "How satisfied are you?"}, "kind": {"type": "csat"}},
            {"id": "recommend", "prompt": {"en": "Would you recommend this service?"}, "kind": {"type": "nps"}},
            {"id": "channel", "prompt": {"en": "How did you find us?"}, "kind": {"type": "single_choice", "options": [
                {"id": "search", "label": {"en": "A search engine"}},
                {"id": "friend", "label": {"en": "A friend"}}
            ]}},
            {"id": "more", "prompt": {"en": "Anything else?"}, "kind": {"type": "free_text", "max_len": 200}}
        ]
    })
}

async fn server_with_form() -> TestServer {
    let server = TestServer::new().await;
    let form: FeedbackForm = serde_json::from_value(form_spec()).expect("test form is valid");
    server
        .database
        .save_feedback_form(&form, None, now())
        .await
        .expect("form saved");
    server
}

fn form_uri(slug: &str) -> String {
    format!("/api/v1/feedback/{slug}")
}

fn responses_uri(slug: &str) -> String {
    format!("/api/v1/feedback/{slug}/responses")
}

fn results_uri(slug: &str) -> String {
    format!("/api/v1/feedback/{slug}/results")
}

async fn stored(server: &TestServer) -> Vec<StoredFeedbackResponse> {
    server
        .database
        .feedback_responses(&Slug::parse(FORM).expect("slug"))
        .await
        .expect("responses readable")
}

/// A response body answering "no" with a reason, and nothing else.
fn useful_no() -> Value {
    json!({
        "page_path": "/passports/renew",
        "page_title": "Renew a passport",
        "answers": [{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"]}}}]
    })
}

/// Sends `request`, asserts it is refused with `status` and `code` and that nothing was stored.
async fn assert_refused(
    server: &TestServer,
    request: Request<Body>,
    status: StatusCode,
    code: &str,
) -> Value {
    let error = server.send(request).await.assert_error(status, code);
    assert!(
        stored(server).await.is_empty(),
        "a refused response was stored"
    );
    error
}

/// `useful_no()` with `edit` applied.
fn body_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut body = useful_no();
    edit(&mut body);
    body.to_string()
}

#[tokio::test]
async fn get_form_returns_the_citizen_view() {
    let server = server_with_form().await;

    let response = server.send(get(&form_uri(FORM))).await;

    assert_eq!(response.status, StatusCode::OK);
    let view = response.json();
    assert_eq!(view["slug"], FORM);
    assert_eq!(view["title"]["sw"], "Tusaidie kuboresha ukurasa huu");
    assert_eq!(
        view["questions"],
        form_spec()["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| {
                let mut q = q.clone();
                // The definition's default is written out in the view.
                q.as_object_mut()
                    .expect("object")
                    .entry("required")
                    .or_insert(json!(false));
                q
            })
            .collect::<Value>()
    );
}

#[tokio::test]
async fn unknown_or_malformed_form_is_404_on_every_endpoint() {
    let server = server_with_form().await;
    for slug in ["no-such-form", "Not%20A%20Slug"] {
        server
            .send(get(&form_uri(slug)))
            .await
            .assert_error(StatusCode::NOT_FOUND, "feedback_form_not_found");
        server
            .send(get(&results_uri(slug)))
            .await
            .assert_error(StatusCode::NOT_FOUND, "feedback_form_not_found");
        assert_refused(
            &server,
            post_json(&responses_uri(slug), useful_no().to_string()),
            StatusCode::NOT_FOUND,
            "feedback_form_not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn accepted_response_is_stored_redacted_without_query_or_fragment() {
    let server = server_with_form().await;
    let body = json!({
        "page_path": "/passports/renew?email=jane@mail.example#fees",
        "page_title": "  Renew a passport  ",
        "answers": [
            {"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"],
              "comment": "Mail me: jane.doe@mail.example.co.ke"}}},
            {"question": "more", "answer": {"text": "Call +254 712 345 678 please"}}
        ]
    });

    let response = server
        .send(post_json(&responses_uri(FORM), body.to_string()))
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    assert_eq!(
        response.json(),
        json!({"form": FORM, "personal_details_removed": 2,
               "redactions": {"email": 1, "phone": 1, "card": 0, "id": 0}})
    );
    let stored = stored(&server).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].page_path, "/passports/renew");
    assert_eq!(stored[0].page_title.as_deref(), Some("Renew a passport"));
    assert_eq!(stored[0].submitted_at, now());
    assert_eq!(
        serde_json::to_value(&stored[0].answers).expect("answers serialise"),
        json!([
            {"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"],
              "comment": "Mail me: [email]"}}},
            {"question": "more", "answer": {"text": "Call [phone] please"}}
        ])
    );
}

#[tokio::test]
async fn filled_honeypot_is_answered_as_stored_but_stores_nothing() {
    let server = server_with_form().await;
    let body = body_with(|b| b["honeypot"] = json!("http://spam.example"));

    let response = server.send(post_json(&responses_uri(FORM), body)).await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json()["form"], FORM);
    assert!(stored(&server).await.is_empty());
    // An empty honeypot is what people send: stored.
    let body = body_with(|b| b["honeypot"] = json!(""));
    let response = server.send(post_json(&responses_uri(FORM), body)).await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(stored(&server).await.len(), 1);
}

#[tokio::test]
async fn malformed_json_is_400_and_stores_nothing() {
    let server = server_with_form().await;
    assert_refused(
        &server,
        post_json(&responses_uri(FORM), "{\"page_path\": "),
        StatusCode::BAD_REQUEST,
        "malformed_json",
    )
    .await;
}

#[tokio::test]
async fn body_without_json_content_type_is_415() {
    let server = server_with_form().await;
    let request = Request::post(responses_uri(FORM))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(useful_no().to_string()))
        .expect("request");
    assert_refused(
        &server,
        request,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn unknown_field_or_wrong_shape_is_422_invalid_request() {
    let server = server_with_form().await;
    for body in [
        body_with(|b| b["voter"] = json!("x")),
        body_with(|b| b["answers"] = json!("yes")),
        json!({"answers": []}).to_string(),
    ] {
        assert_refused(
            &server,
            post_json(&responses_uri(FORM), body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        )
        .await;
    }
}

#[tokio::test]
async fn body_over_the_feedback_limit_is_413_naming_the_feedback_limit() {
    let server = server_with_form().await;
    let padding = "x".repeat(MAX_FEEDBACK_BODY_BYTES);
    let body = body_with(|b| b["page_title"] = json!(padding));

    let error = assert_refused(
        &server,
        post_json(&responses_uri(FORM), body),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;

    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains(&MAX_FEEDBACK_BODY_BYTES.to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn ballot_route_keeps_its_own_limit_in_its_413() {
    // Regression: the 413 message quoted the ballot limit for every route.
    let server = server_with_form().await;
    server
        .add_poll(single_choice_spec("water-tariffs-2027"))
        .await;
    let body = "x".repeat(MAX_BALLOT_BODY_BYTES + 1);

    let error = server
        .send(post_json(&ballots_uri("water-tariffs-2027"), body))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains(&MAX_BALLOT_BODY_BYTES.to_string()),
        "{message}"
    );
    // A body between the two limits is fine for feedback (refused only for its shape here).
    let mid = body_with(|b| b["padding"] = json!("x".repeat(MAX_BALLOT_BODY_BYTES * 2)));
    assert_refused(
        &server,
        post_json(&responses_uri(FORM), mid),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn page_path_must_be_a_path() {
    let server = server_with_form().await;
    for path in [
        "",
        "passports/renew",
        "https://example.org/passports",
        "?q=1",
        "/a\u{7}b",
    ] {
        assert_refused(
            &server,
            post_json(
                &responses_uri(FORM),
                body_with(|b| b["page_path"] = json!(path)),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_page_key",
        )
        .await;
    }
}

#[tokio::test]
async fn page_title_too_long_or_with_control_characters_is_422() {
    let server = server_with_form().await;
    for title in [
        "t".repeat(MAX_PAGE_TITLE_CHARS + 1),
        "two\nlines".to_owned(),
    ] {
        assert_refused(
            &server,
            post_json(
                &responses_uri(FORM),
                body_with(|b| b["page_title"] = json!(title)),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_page_title",
        )
        .await;
    }
}

#[tokio::test]
async fn each_bad_answer_is_422_with_its_code_and_stores_nothing() {
    let server = server_with_form().await;
    let useful_yes = json!({"question": "useful", "answer": {"useful": {"useful": true}}});
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "missing_answer"),
        (
            json!([{"question": "satisfaction", "answer": {"csat": 4}}]),
            "missing_answer",
        ),
        (
            json!([useful_yes, {"question": "satisfaction", "answer": {"csat": 6}}]),
            "answer_out_of_range",
        ),
        (
            json!([useful_yes, {"question": "recommend", "answer": {"nps": -1}}]),
            "answer_out_of_range",
        ),
        (
            json!([useful_yes, {"question": "nope", "answer": {"csat": 3}}]),
            "unknown_question",
        ),
        (
            json!([useful_yes, {"question": "satisfaction", "answer": {"nps": 3}}]),
            "answer_type_mismatch",
        ),
        (
            json!([useful_yes, {"question": "channel", "answer": {"choice": "radio"}}]),
            "unknown_option",
        ),
        (json!([useful_yes, useful_yes]), "duplicate_answer"),
        (
            json!([{"question": "useful", "answer": {"useful": {"useful": true, "reasons": ["outdated"]}}}]),
            "answer_part_not_asked",
        ),
        (
            json!([useful_yes, {"question": "more", "answer": {"text": "  \n "}}]),
            "blank_text",
        ),
        (
            json!([{"question": "useful", "answer": {"useful": {"useful": false, "comment": "c".repeat(41)}}}]),
            "text_too_long",
        ),
    ];
    for (answers, code) in cases {
        assert_refused(
            &server,
            post_json(
                &responses_uri(FORM),
                body_with(|b| b["answers"] = answers.clone()),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
}

#[tokio::test]
async fn text_limit_is_checked_after_redaction() {
    // 44 characters as typed, 33 once the address becomes "[email]": within the limit of 40.
    let server = server_with_form().await;
    let comment = "Write to jane.doe@ministry.example.go.ke now";
    assert!(comment.chars().count() > 40);
    let body = body_with(
        |b| b["answers"] = json!([{"question": "useful", "answer": {"useful": {"useful": false, "comment": comment}}}]),
    );

    let response = server.send(post_json(&responses_uri(FORM), body)).await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json()["personal_details_removed"], 1);
}

#[tokio::test]
async fn several_problems_are_all_listed_in_details() {
    let server = server_with_form().await;
    let body = json!({
        "page_path": "relative",
        "page_title": "t".repeat(MAX_PAGE_TITLE_CHARS + 1),
        "answers": [{"question": "satisfaction", "answer": {"csat": 9}}]
    });

    let error = assert_refused(
        &server,
        post_json(&responses_uri(FORM), body.to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_page_key",
    )
    .await;

    let codes: Vec<&str> = error["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_page_key",
            "invalid_page_title",
            "answer_out_of_range",
            "missing_answer"
        ]
    );
}

#[tokio::test]
async fn results_count_responses_with_csat_and_nps() {
    let server = server_with_form().await;
    let answers = [
        json!([{"question": "useful", "answer": {"useful": {"useful": true}}},
               {"question": "satisfaction", "answer": {"csat": 5}},
               {"question": "recommend", "answer": {"nps": 10}},
               {"question": "channel", "answer": {"choice": "search"}}]),
        json!([{"question": "useful", "answer": {"useful": {"useful": true}}},
               {"question": "satisfaction", "answer": {"csat": 4}},
               {"question": "recommend", "answer": {"nps": 9}},
               {"question": "more", "answer": {"text": "Thanks"}}]),
        json!([{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated", "unclear"]}}},
               {"question": "satisfaction", "answer": {"csat": 2}},
               {"question": "recommend", "answer": {"nps": 3}},
               {"question": "channel", "answer": {"choice": "friend"}}]),
        json!([{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"]}}},
               {"question": "recommend", "answer": {"nps": 7}}]),
    ];
    for answers in answers {
        let response = server
            .send(post_json(
                &responses_uri(FORM),
                body_with(|b| b["answers"] = answers.clone()),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }

    let results = server.send(get(&results_uri(FORM))).await.json();

    assert_eq!(results["form"], FORM);
    assert_eq!(results["responses"], 4);
    let questions = results["questions"].as_array().expect("questions");
    let useful = &questions[0];
    assert_eq!(
        (
            useful["type"].as_str(),
            useful["yes"].as_u64(),
            useful["no"].as_u64()
        ),
        (Some("useful"), Some(2), Some(2))
    );
    assert_eq!(useful["useful_share"]["estimate"], 0.5);
    assert_eq!(useful["reasons"][0]["count"], 2);
    assert_eq!(useful["reasons"][0]["share"]["estimate"], 1.0);
    assert_eq!(useful["reasons"][1]["count"], 1);
    // CSAT: 2 of 3 answers are 4 or 5.
    let csat = &questions[1];
    assert_eq!(csat["distribution"], json!([0, 1, 0, 1, 1]));
    assert_eq!(csat["csat"]["successes"], 2);
    assert_eq!(csat["csat"]["trials"], 3);
    let (low, high) = (
        csat["csat"]["low"].as_f64().expect("low"),
        csat["csat"]["high"].as_f64().expect("high"),
    );
    assert!(
        low < 2.0 / 3.0 && 2.0 / 3.0 < high && low > 0.0 && high < 1.0,
        "{csat}"
    );
    // NPS: promoters 10 and 9, detractor 3, passive 7: (2 - 1) / 4 = 25 points.
    let nps = &questions[2];
    assert_eq!(nps["answered"], 4);
    assert_eq!(
        (
            nps["nps"]["promoters"].as_u64(),
            nps["nps"]["passives"].as_u64(),
            nps["nps"]["detractors"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        nps["nps"]["score"],
        json!({"numerator": 25, "denominator": 1})
    );
    assert!(nps["nps"]["low"].as_f64().expect("low") < 25.0);
    assert!(nps["nps"]["high"].as_f64().expect("high") > 25.0);
    let channel = &questions[3];
    assert_eq!(channel["options"][0]["count"], 1);
    assert_eq!(channel["options"][1]["count"], 1);
    assert_eq!(
        questions[4],
        json!({"type": "free_text", "id": "more", "answered": 1})
    );
}

#[tokio::test]
async fn results_of_a_form_without_responses_have_no_shares() {
    let server = server_with_form().await;

    let results = server.send(get(&results_uri(FORM))).await.json();

    assert_eq!(results["responses"], 0);
    assert!(results["questions"][1].get("csat").is_none());
    assert!(results["questions"][2].get("nps").is_none());
}

#[tokio::test]
async fn demo_seed_serves_the_water_page_form() {
    let server = TestServer::new().await;
    baraza_server::seed::seed_demo(&server.database, now())
        .await
        .expect("seeded");

    let view = server
        .send(get(&form_uri(baraza_server::seed::DEMO_FEEDBACK_FORM)))
        .await
        .json();

    assert_eq!(view["questions"][0]["kind"]["type"], "useful");
    assert_eq!(view["questions"][1]["kind"]["type"], "csat");
    assert_eq!(view["title"]["sw"], "Tusaidie kuboresha ukurasa huu");
}
