//! The v1 JSON API driven in-process: every test gets its own SQLite file, its own polls and a
//! clock fixed at `support::NOW`.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use baraza_server::MAX_BALLOT_BODY_BYTES;
use serde_json::{Value, json};
use support::{
    CLOSES_AT, NOW, OPENS_AT, TestServer, VOTER_A, VOTER_B, ballot, ballots_uri, get,
    multiple_choice_spec, poll_uri, post_json, results_uri, single_choice_spec,
};

/// The poll every rejection test watches: it must hold no ballot before or after.
const WATCHED: &str = "water-tariffs-2027";

/// A server with the watched single-choice poll and a multiple-choice poll `priorities` (2 to 3
/// of `a`..`e`).
async fn server_with_polls() -> TestServer {
    let server = TestServer::new().await;
    server.add_poll(single_choice_spec(WATCHED)).await;
    server
        .add_poll(multiple_choice_spec("priorities", 2, 3))
        .await;
    server
}

/// Sends `request`, asserts it is refused with `status` and `code`, and that no poll's ballots
/// changed. Returns the `error` object.
async fn assert_refused(
    server: &TestServer,
    request: Request<Body>,
    status: StatusCode,
    code: &str,
) -> Value {
    let before = (
        server.stored_ballots(WATCHED).await,
        server.stored_ballots("priorities").await,
    );
    let error = server.send(request).await.assert_error(status, code);
    let after = (
        server.stored_ballots(WATCHED).await,
        server.stored_ballots("priorities").await,
    );
    assert_eq!(
        before, after,
        "a refused request changed the stored ballots"
    );
    error
}

/// The codes listed in an error's `details`.
fn detail_codes(error: &Value) -> Vec<&str> {
    error["details"]
        .as_array()
        .expect("details is an array")
        .iter()
        .map(|d| {
            assert!(
                d["message"].as_str().is_some_and(|m| !m.is_empty()),
                "detail without message: {d}"
            );
            d["code"].as_str().expect("detail code is a string")
        })
        .collect()
}

#[tokio::test]
async fn get_poll_returns_the_citizen_view_of_an_open_poll() {
    let server = server_with_polls().await;

    let response = server.send(get(&poll_uri(WATCHED))).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.json(),
        json!({
            "slug": WATCHED,
            "default_language": "en",
            "question": {
                "en": "How should water be charged from 2027?",
                "sw": "Maji yatozwe vipi kuanzia 2027?"
            },
            "kind": {"type": "single_choice"},
            "options": [
                {"id": "flat", "label": {"en": "One flat rate", "sw": "Kiwango kimoja"}},
                {"id": "tiered", "label": {"en": "Pay more for heavy use", "sw": "Lipa zaidi ukitumia zaidi"}},
                {"id": "seasonal", "label": {"en": "Dry-season prices", "sw": "Bei za kiangazi"}}
            ],
            "phase": "open",
            "opens_at": OPENS_AT,
            "closes_at": CLOSES_AT
        })
    );
}

#[tokio::test]
async fn get_poll_reports_the_phase_by_the_clock_not_only_the_status() {
    let server = TestServer::new().await;
    let mut upcoming = single_choice_spec("upcoming");
    upcoming["opens_at"] = json!("2027-02-01T00:00:00Z");
    server.add_poll(upcoming).await;
    let mut ended = single_choice_spec("ended");
    ended["opens_at"] = json!("2026-12-01T00:00:00Z");
    ended["closes_at"] = json!("2027-01-01T00:00:00Z");
    server.add_poll(ended).await;
    let mut closed = single_choice_spec("closed-by-hand");
    closed["status"] = json!("closed");
    server.add_poll(closed).await;

    for (slug, phase) in [
        ("upcoming", "upcoming"),
        ("ended", "closed"),
        ("closed-by-hand", "closed"),
    ] {
        let response = server.send(get(&poll_uri(slug))).await;
        assert_eq!(response.status, StatusCode::OK, "{slug}");
        assert_eq!(response.json()["phase"], phase, "{slug}");
        let results = server.send(get(&results_uri(slug))).await;
        assert_eq!(results.status, StatusCode::OK, "{slug}");
        assert_eq!(results.json()["phase"], phase, "{slug} results");
    }
}

#[tokio::test]
async fn accepted_ballot_is_stored_and_counted_in_the_receipt_and_results() {
    let server = server_with_polls().await;

    let response = server
        .send(post_json(
            &ballots_uri(WATCHED),
            ballot(&["tiered"], VOTER_A),
        ))
        .await;

    assert_eq!(
        response.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let expected_results = json!({
        "poll": WATCHED,
        "phase": "open",
        "total_ballots": 1,
        "options": [
            {"id": "flat", "count": 0, "percent_tenths": 0},
            {"id": "tiered", "count": 1, "percent_tenths": 1000},
            {"id": "seasonal", "count": 0, "percent_tenths": 0}
        ]
    });
    assert_eq!(
        response.json(),
        json!({"poll": WATCHED, "results": expected_results})
    );
    assert_eq!(server.stored_ballots(WATCHED).await, [["tiered"]]);

    let results = server.send(get(&results_uri(WATCHED))).await;
    assert_eq!(results.status, StatusCode::OK);
    assert_eq!(results.json(), expected_results);
}

#[tokio::test]
async fn receipts_count_every_earlier_ballot() {
    let server = server_with_polls().await;
    for (n, choice) in ["flat", "tiered", "tiered"].into_iter().enumerate() {
        let response = server
            .send(post_json(
                &ballots_uri(WATCHED),
                ballot(&[choice], &support::voter(n)),
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
        assert_eq!(response.json()["results"]["total_ballots"], n + 1);
    }

    let results = server.send(get(&results_uri(WATCHED))).await.json();
    let counts: Vec<(&str, u64, u64)> = results["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| {
            (
                o["id"].as_str().expect("id"),
                o["count"].as_u64().expect("count"),
                o["percent_tenths"].as_u64().expect("percent"),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("flat", 1, 333), ("tiered", 2, 667), ("seasonal", 0, 0)]
    );
}

#[tokio::test]
async fn multiple_choice_ballot_is_stored_with_selections_in_the_order_given() {
    let server = server_with_polls().await;

    let response = server
        .send(post_json(
            &ballots_uri("priorities"),
            ballot(&["d", "a", "c"], VOTER_A),
        ))
        .await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json()["results"]["total_ballots"], 1);
    assert_eq!(server.stored_ballots("priorities").await, [["d", "a", "c"]]);
}

#[tokio::test]
async fn ballot_is_accepted_at_the_opening_instant() {
    let server = TestServer::new().await;
    let mut spec = single_choice_spec("opens-now");
    spec["opens_at"] = json!(NOW);
    server.add_poll(spec).await;

    let response = server
        .send(post_json(
            &ballots_uri("opens-now"),
            ballot(&["flat"], VOTER_A),
        ))
        .await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.stored_ballots("opens-now").await, [["flat"]]);
}

#[tokio::test]
async fn json_content_type_with_charset_is_accepted() {
    let server = server_with_polls().await;
    let request = Request::post(ballots_uri(WATCHED))
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(ballot(&["flat"], VOTER_A)))
        .expect("request");

    let response = server.send(request).await;

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(server.stored_ballots(WATCHED).await, [["flat"]]);
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_malformed_json() {
    let server = server_with_polls().await;
    for body in [
        r#"{"selections": ["flat"], "voter": "#,
        r#"{"selections": ["flat"] "voter": "device-aaaaaaaaaaaaaaaa"}"#,
        "",
        "not json",
    ] {
        let error = assert_refused(
            &server,
            post_json(&ballots_uri(WATCHED), body),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        )
        .await;
        assert!(
            error.get("details").is_none(),
            "{body:?} has no details: {error}"
        );
    }
}

#[tokio::test]
async fn ballot_without_content_type_is_refused_with_415() {
    let server = server_with_polls().await;
    let request = Request::post(ballots_uri(WATCHED))
        .body(Body::from(ballot(&["flat"], VOTER_A)))
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
async fn ballot_sent_as_text_plain_is_refused_with_415() {
    let server = server_with_polls().await;
    let request = Request::post(ballots_uri(WATCHED))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(ballot(&["flat"], VOTER_A)))
        .expect("request");

    assert_refused(
        &server,
        request,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

/// A ballot that is valid apart from being padded to `len` bytes with an ignored-looking field.
fn padded_ballot(len: usize) -> String {
    let head = format!(r#"{{"selections": ["flat"], "voter": "{VOTER_A}", "pad": ""#);
    let tail = r#""}"#;
    let padding = "x".repeat(len - head.len() - tail.len());
    let body = format!("{head}{padding}{tail}");
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn body_over_the_limit_is_refused_with_413() {
    let server = server_with_polls().await;

    assert_refused(
        &server,
        post_json(
            &ballots_uri(WATCHED),
            padded_ballot(MAX_BALLOT_BODY_BYTES + 1),
        ),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn streamed_body_over_the_limit_without_length_is_refused_with_413() {
    let server = server_with_polls().await;
    let chunks: Vec<Result<String, std::io::Error>> = padded_ballot(4 * MAX_BALLOT_BODY_BYTES)
        .into_bytes()
        .chunks(1024)
        .map(|c| Ok(String::from_utf8(c.to_vec()).expect("ascii")))
        .collect();
    let body = Body::from_stream(futures_util::stream::iter(chunks));

    assert_refused(
        &server,
        post_json(&ballots_uri(WATCHED), body),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn body_at_exactly_the_limit_is_read() {
    // The padding field makes it the wrong shape, so it is refused, but for its shape (422),
    // which proves the limit itself let it through.
    let server = server_with_polls().await;

    assert_refused(
        &server,
        post_json(&ballots_uri(WATCHED), padded_ballot(MAX_BALLOT_BODY_BYTES)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_refused_with_422_invalid_request() {
    let server = server_with_polls().await;
    for body in [
        json!({"selections": "flat", "voter": VOTER_A}),
        json!({"selections": ["flat"]}),
        json!({"voter": VOTER_A}),
        json!({"selections": [1], "voter": VOTER_A}),
        json!({"selections": ["flat"], "voter": VOTER_A, "weight": 2}),
        json!(["flat"]),
        json!(null),
    ] {
        assert_refused(
            &server,
            post_json(&ballots_uri(WATCHED), body.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_poll_is_404_poll_not_found_for_every_endpoint() {
    let server = server_with_polls().await;

    assert_refused(
        &server,
        get(&poll_uri("no-such-poll")),
        StatusCode::NOT_FOUND,
        "poll_not_found",
    )
    .await;
    assert_refused(
        &server,
        get(&results_uri("no-such-poll")),
        StatusCode::NOT_FOUND,
        "poll_not_found",
    )
    .await;
    assert_refused(
        &server,
        post_json(&ballots_uri("no-such-poll"), ballot(&["flat"], VOTER_A)),
        StatusCode::NOT_FOUND,
        "poll_not_found",
    )
    .await;
}

#[tokio::test]
async fn draft_poll_is_hidden_behind_404_poll_not_found() {
    let server = server_with_polls().await;
    let mut draft = single_choice_spec("draft-poll");
    draft["status"] = json!("draft");
    server.add_poll(draft).await;

    for request in [
        get(&poll_uri("draft-poll")),
        get(&results_uri("draft-poll")),
        post_json(&ballots_uri("draft-poll"), ballot(&["flat"], VOTER_A)),
    ] {
        assert_refused(&server, request, StatusCode::NOT_FOUND, "poll_not_found").await;
    }
    assert_eq!(
        server.stored_ballots("draft-poll").await,
        Vec::<Vec<String>>::new()
    );
}

#[tokio::test]
async fn invalid_slug_in_the_path_is_404_poll_not_found() {
    let server = server_with_polls().await;
    for slug in [
        "Water-Tariffs-2027",
        "WATER-TARIFFS-2027",
        "water_tariffs",
        "-water",
        "water%20tariffs",
    ] {
        for request in [
            get(&poll_uri(slug)),
            get(&results_uri(slug)),
            post_json(&ballots_uri(slug), ballot(&["flat"], VOTER_A)),
        ] {
            assert_refused(&server, request, StatusCode::NOT_FOUND, "poll_not_found").await;
        }
    }
}

#[tokio::test]
async fn unknown_option_is_refused_with_422_unknown_option() {
    let server = server_with_polls().await;

    let error = assert_refused(
        &server,
        post_json(&ballots_uri(WATCHED), ballot(&["free-water"], VOTER_A)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_option",
    )
    .await;

    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("free-water"),
        "message names the option: {error}"
    );
}

#[tokio::test]
async fn duplicate_selection_is_refused_with_422_duplicate_selection() {
    let server = server_with_polls().await;

    let error = assert_refused(
        &server,
        post_json(
            &ballots_uri("priorities"),
            ballot(&["a", "b", "a"], VOTER_A),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "duplicate_selection",
    )
    .await;

    assert!(error.get("details").is_none(), "a single problem: {error}");
}

#[tokio::test]
async fn too_few_selections_are_refused_with_422_too_few_selections() {
    let server = server_with_polls().await;
    for selections in [&["a"][..], &[]] {
        assert_refused(
            &server,
            post_json(&ballots_uri("priorities"), ballot(selections, VOTER_A)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_few_selections",
        )
        .await;
    }
}

#[tokio::test]
async fn too_many_selections_are_refused_with_422_too_many_selections() {
    let server = server_with_polls().await;

    assert_refused(
        &server,
        post_json(
            &ballots_uri("priorities"),
            ballot(&["a", "b", "c", "d"], VOTER_A),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_selections",
    )
    .await;
    // A single-choice poll takes exactly one.
    assert_refused(
        &server,
        post_json(&ballots_uri(WATCHED), ballot(&["flat", "tiered"], VOTER_A)),
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_selections",
    )
    .await;
}

#[tokio::test]
async fn bad_voter_token_is_refused_with_422_invalid_voter_token() {
    let server = server_with_polls().await;
    let too_long = "a".repeat(129);
    for token in [
        "",
        "short",
        "device with spaces 0123",
        "device-ünïcode-012345",
        &too_long,
    ] {
        assert_refused(
            &server,
            post_json(&ballots_uri(WATCHED), ballot(&["flat"], token)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_voter_token",
        )
        .await;
    }
}

#[tokio::test]
async fn closed_poll_refuses_ballots_with_409_poll_not_open() {
    let server = server_with_polls().await;
    let mut closed = single_choice_spec("closed-by-hand");
    closed["status"] = json!("closed");
    server.add_poll(closed).await;

    assert_refused(
        &server,
        post_json(&ballots_uri("closed-by-hand"), ballot(&["flat"], VOTER_A)),
        StatusCode::CONFLICT,
        "poll_not_open",
    )
    .await;
    assert!(server.stored_ballots("closed-by-hand").await.is_empty());
}

#[tokio::test]
async fn poll_past_its_closing_time_refuses_ballots_with_409_poll_not_open() {
    let server = server_with_polls().await;
    // Closing is exclusive: a poll closing at exactly NOW is already closed.
    let mut ended = single_choice_spec("ended");
    ended["closes_at"] = json!(NOW);
    server.add_poll(ended).await;

    let error = assert_refused(
        &server,
        post_json(&ballots_uri("ended"), ballot(&["flat"], VOTER_A)),
        StatusCode::CONFLICT,
        "poll_not_open",
    )
    .await;

    assert_eq!(error["message"], "the poll is closed");
    assert!(server.stored_ballots("ended").await.is_empty());
}

#[tokio::test]
async fn poll_not_yet_open_refuses_ballots_with_409_poll_not_open() {
    let server = server_with_polls().await;
    let mut upcoming = single_choice_spec("upcoming");
    upcoming["opens_at"] = json!("2027-01-15T09:30:01Z");
    server.add_poll(upcoming).await;

    let error = assert_refused(
        &server,
        post_json(&ballots_uri("upcoming"), ballot(&["flat"], VOTER_A)),
        StatusCode::CONFLICT,
        "poll_not_open",
    )
    .await;

    assert_eq!(error["message"], "the poll has not opened yet");
    assert!(server.stored_ballots("upcoming").await.is_empty());
}

#[tokio::test]
async fn second_ballot_with_the_same_token_is_refused_and_the_first_is_kept() {
    let server = server_with_polls().await;
    let first = server
        .send(post_json(&ballots_uri(WATCHED), ballot(&["flat"], VOTER_A)))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);

    assert_refused(
        &server,
        post_json(&ballots_uri(WATCHED), ballot(&["tiered"], VOTER_A)),
        StatusCode::CONFLICT,
        "already_voted",
    )
    .await;

    assert_eq!(server.stored_ballots(WATCHED).await, [["flat"]]);
    let results = server.send(get(&results_uri(WATCHED))).await.json();
    assert_eq!(results["total_ballots"], 1);
    assert_eq!(results["options"][0]["count"], 1, "flat keeps its vote");
    assert_eq!(results["options"][1]["count"], 0, "tiered got nothing");
}

#[tokio::test]
async fn same_token_may_vote_once_in_each_poll() {
    let server = server_with_polls().await;

    let first = server
        .send(post_json(&ballots_uri(WATCHED), ballot(&["flat"], VOTER_A)))
        .await;
    let other_poll = server
        .send(post_json(
            &ballots_uri("priorities"),
            ballot(&["a", "b"], VOTER_A),
        ))
        .await;
    let other_voter = server
        .send(post_json(&ballots_uri(WATCHED), ballot(&["flat"], VOTER_B)))
        .await;

    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(other_poll.status, StatusCode::CREATED);
    assert_eq!(other_voter.status, StatusCode::CREATED);
    assert_eq!(server.stored_ballots(WATCHED).await.len(), 2);
}

#[tokio::test]
async fn several_problems_are_all_listed_in_details_with_their_codes() {
    let server = server_with_polls().await;

    let error = assert_refused(
        &server,
        post_json(
            &ballots_uri(WATCHED),
            ballot(&["flat", "free-water", "flat"], "bad token"),
        ),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_option",
    )
    .await;

    assert_eq!(
        detail_codes(&error),
        [
            "unknown_option",
            "duplicate_selection",
            "too_many_selections",
            "invalid_voter_token"
        ]
    );
}

#[tokio::test]
async fn problems_with_a_ballot_to_a_closed_poll_are_listed_after_poll_not_open() {
    let server = server_with_polls().await;
    let mut closed = single_choice_spec("closed-by-hand");
    closed["status"] = json!("closed");
    server.add_poll(closed).await;

    let error = assert_refused(
        &server,
        post_json(&ballots_uri("closed-by-hand"), ballot(&["nope"], "x")),
        StatusCode::CONFLICT,
        "poll_not_open",
    )
    .await;

    assert_eq!(
        detail_codes(&error),
        ["poll_not_open", "unknown_option", "invalid_voter_token"]
    );
}

#[tokio::test]
async fn unknown_api_path_is_404_not_found_json() {
    let server = server_with_polls().await;
    for uri in [
        "/api",
        "/api/v1",
        "/api/v1/polls",
        "/api/v2/polls/water-tariffs-2027",
        "/api/v1/polls/water-tariffs-2027/votes",
        "/api/v1/polls/water-tariffs-2027/",
    ] {
        let response = server.send(get(uri)).await;
        response.assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    assert_refused(
        &server,
        post_json("/api/v1/ballots", ballot(&["flat"], VOTER_A)),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn wrong_method_on_an_api_endpoint_is_405_method_not_allowed_json() {
    let server = server_with_polls().await;
    let cases = [
        (Method::DELETE, results_uri(WATCHED), "GET,HEAD"),
        (Method::POST, results_uri(WATCHED), "GET,HEAD"),
        (Method::GET, ballots_uri(WATCHED), "POST"),
        (Method::PUT, ballots_uri(WATCHED), "POST"),
        (Method::DELETE, poll_uri(WATCHED), "GET,HEAD"),
    ];
    for (method, uri, allow) in cases {
        let request = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(ballot(&["flat"], VOTER_A)))
            .expect("request");
        let before = server.stored_ballots(WATCHED).await;
        let response = server.send(request).await;
        response.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(response.header("allow"), Some(allow), "{method} {uri}");
        assert_eq!(server.stored_ballots(WATCHED).await, before);
    }
}

#[tokio::test]
async fn health_endpoint_answers_ok() {
    let server = TestServer::new().await;

    let response = server.send(get("/api/v1/health")).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(&response.body[..], b"ok");
}

#[tokio::test]
async fn api_root_with_trailing_slash_is_404_not_found_json() {
    let server = TestServer::new().await;
    server
        .send(get("/api/"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn approval_poll_accepts_any_subset_including_none_and_counts_approvals() {
    let server = TestServer::new().await;
    let mut spec = multiple_choice_spec("parks", 1, 1);
    spec["kind"] = json!({"type": "approval"});
    server.add_poll(spec).await;

    for (n, selections) in [vec!["a", "c"], vec![], vec!["c"]].into_iter().enumerate() {
        let response = server
            .send(post_json(
                &ballots_uri("parks"),
                ballot(&selections, &support::voter(n)),
            ))
            .await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
    }
    let results = server.send(get(&results_uri("parks"))).await.json();
    assert_eq!(results["total_ballots"], 3);
    let counts: Vec<(Value, Value)> = results["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| (o["count"].clone(), o["percent_tenths"].clone()))
        .collect();
    // Approval shares are of all ballots, the empty one included: c is approved by 2 of 3.
    assert_eq!(
        counts,
        [
            (json!(1), json!(333)),
            (json!(0), json!(0)),
            (json!(2), json!(667)),
            (json!(0), json!(0)),
            (json!(0), json!(0))
        ]
    );
    let view = server.send(get(&poll_uri("parks"))).await.json();
    assert_eq!(view["kind"], json!({"type": "approval"}));
}
