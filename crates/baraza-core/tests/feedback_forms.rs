//! Feedback forms: definition checks, response validation (each rule with its own error and
//! code, every problem at once), the Wilson interval against Newcombe (1998), a hand-computed
//! worked example of every aggregate, grouping by page and by period, and property tests.

use std::path::Path;

use baraza_core::OffsetDateTime;
use baraza_core::feedback::{
    AnswerValue, Confidence, FeedbackAggregate, FeedbackForm, FeedbackFormSpec, FeedbackResponse,
    FeedbackSubmission, FeedbackTallyError, FormDefinitionError, PageGroups, PeriodBoundariesError,
    PeriodGroups, QuestionCounts, ResponseError, nps_interval, wilson_interval,
};
use baraza_core::score::Ratio;
use baraza_core::{DefinitionProblem, ErrorCode};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2027-05-02 08:00 UTC);

fn form_json() -> Value {
    json!({
        "slug": "passport-page",
        "default_language": "en",
        "title": {"en": "Help us improve this page", "sw": "Tusaidie kuboresha ukurasa huu"},
        "questions": [
            {"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
             "kind": {"type": "useful", "comment_max_len": 40, "reasons": [
                 {"id": "outdated", "label": {"en": "It is out of date"}},
                 {"id": "confusing", "label": {"en": "It is hard to understand"}}]}},
            {"id": "csat", "prompt": {"en": "How satisfied are you?"}, "kind": {"type": "csat"}},
            {"id": "nps", "prompt": {"en": "Would you recommend this service?"}, "kind": {"type": "nps"}},
            {"id": "topic", "prompt": {"en": "What was your visit about?"},
             "kind": {"type": "single_choice", "options": [
                 {"id": "fees", "label": {"en": "Fees"}}, {"id": "forms", "label": {"en": "Forms"}}]}},
            {"id": "more", "prompt": {"en": "Anything else?"}, "kind": {"type": "free_text", "max_len": 20}}
        ]
    })
}

fn form() -> FeedbackForm {
    serde_json::from_value(form_json()).expect("valid form")
}

fn submit(form: &FeedbackForm, body: Value, at: OffsetDateTime) -> FeedbackResponse {
    let submission: FeedbackSubmission = serde_json::from_value(body).expect("submission shape");
    form.validate_response(&submission, at)
        .unwrap_or_else(|e| panic!("valid response: {e}"))
}

fn errors(form: &FeedbackForm, body: Value) -> Vec<ResponseError> {
    let submission: FeedbackSubmission = serde_json::from_value(body).expect("submission shape");
    form.validate_response(&submission, NOW)
        .expect_err("invalid response")
        .errors()
        .to_vec()
}

fn yes(page: &str) -> Value {
    json!({"page": page, "answers": [{"question": "useful", "answer": {"useful": {"useful": true}}}]})
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

#[test]
fn good_forms_survive_a_json_round_trip() {
    let form = form();
    assert_eq!(form.questions().len(), 5);
    assert_eq!(form.questions()[0].kind.name(), "useful");
    let text = serde_json::to_string(&form).unwrap();
    assert_eq!(serde_json::from_str::<FeedbackForm>(&text).unwrap(), form);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["questions"][1]["kind"], json!({"type": "csat"}));
    assert_eq!(
        value["questions"][4]["kind"],
        json!({"type": "free_text", "max_len": 20})
    );
}

#[test]
fn form_definition_reports_every_problem_at_once() {
    let spec: FeedbackFormSpec = serde_json::from_value(json!({
        "slug": "bad slug",
        "default_language": "en",
        "title": {"sw": "Kichwa"},
        "questions": [
            {"id": "q", "prompt": {"en": "Q"}, "kind": {"type": "csat"}},
            {"id": "q", "prompt": {"en": "Q again"}, "kind": {"type": "nps"}},
            {"id": "Bad", "prompt": {"sw": "Swali"}, "kind": {"type": "free_text", "max_len": 0}},
            {"id": "pick", "prompt": {"en": "Pick"}, "kind": {"type": "single_choice", "options": [
                {"id": "a", "label": {"en": "A"}}]}},
            {"id": "u", "prompt": {"en": "Useful?"}, "kind": {"type": "useful", "comment_max_len": 10001,
                "reasons": [{"id": "x", "label": {"en": "X"}}, {"id": "x", "label": {"en": "X"}}]}}
        ]
    }))
    .unwrap();
    let errors = FeedbackForm::try_from(spec).unwrap_err();
    let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "slug \"bad slug\" contains ' '; only lower-case ASCII letters, digits and '-' are allowed",
            "title has no text in the default language en",
            "questions[1].id \"q\" is used twice",
            "questions[2].prompt has no text in the default language en",
            "questions[2].kind.max_len must be 1 to 10000 characters; got 0",
            "questions[2].id \"Bad\" contains 'B'; only lower-case ASCII letters, digits and '-' are allowed",
            "questions[3].kind.options needs 2 to 20 choices; it has 1",
            "questions[4].kind.reasons[1].id \"x\" is used twice",
            "questions[4].kind.comment_max_len must be 1 to 10000 characters; got 10001",
        ]
    );
    assert!(matches!(
        errors.0[0],
        FormDefinitionError::Definition(DefinitionProblem::InvalidSlug { .. })
    ));

    let empty: FeedbackFormSpec = serde_json::from_value(json!({
        "slug": "f", "default_language": "en", "title": {"en": "T"}, "questions": []
    }))
    .unwrap();
    assert_eq!(
        FeedbackForm::try_from(empty).unwrap_err().0,
        [FormDefinitionError::QuestionCount { count: 0 }]
    );
}

#[test]
fn unknown_question_kinds_and_fields_are_rejected_when_parsing() {
    for kind in [
        json!({"type": "stars"}),
        json!({"type": "csat", "max": 7}),
        json!({"type": "free_text"}),
    ] {
        let mut definition = form_json();
        definition["questions"][1]["kind"] = kind.clone();
        assert!(
            serde_json::from_value::<FeedbackForm>(definition).is_err(),
            "{kind}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

#[test]
fn a_full_response_keeps_page_time_and_answers() {
    let form = form();
    let response = submit(
        &form,
        json!({"page": "/passports/renew", "answers": [
            {"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["confusing", "outdated"], "comment": "The fee table is old"}}},
            {"question": "csat", "answer": {"csat": 2}},
            {"question": "nps", "answer": {"nps": 0}},
            {"question": "topic", "answer": {"choice": "fees"}},
            {"question": "more", "answer": {"text": "Add a checklist"}}
        ]}),
        NOW,
    );
    assert_eq!(response.page().as_str(), "/passports/renew");
    assert_eq!(response.submitted_at(), NOW);
    assert_eq!(response.form(), form.slug());
    assert_eq!(response.answers().len(), 5);
    match &response.answers()[0].value {
        AnswerValue::Useful {
            useful,
            reasons,
            comment,
        } => {
            assert!(!useful);
            let reasons: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
            assert_eq!(reasons, ["confusing", "outdated"]);
            assert_eq!(comment.as_deref(), Some("The fee table is old"));
        }
        other => panic!("expected a useful answer, got {other:?}"),
    }
    assert_eq!(response.answers()[1].value, AnswerValue::Csat(2));
    assert_eq!(response.answers()[2].value, AnswerValue::Nps(0));
}

#[test]
fn each_response_rule_has_its_own_error_and_code() {
    let form = form();
    let one = |answer: Value| {
        let mut answers =
            vec![json!({"question": "useful", "answer": {"useful": {"useful": true}}})];
        answers.push(answer);
        errors(&form, json!({"page": "/p", "answers": answers}))
    };
    let cases: Vec<(Vec<ResponseError>, ErrorCode, &str)> = vec![
        (
            one(json!({"question": "colour", "answer": {"text": "blue"}})),
            ErrorCode::UnknownQuestion,
            "the form has no question \"colour\"",
        ),
        (
            one(json!({"question": "useful", "answer": {"useful": {"useful": false}}})),
            ErrorCode::DuplicateAnswer,
            "question \"useful\" is answered more than once",
        ),
        (
            one(json!({"question": "csat", "answer": {"nps": 4}})),
            ErrorCode::AnswerTypeMismatch,
            "question \"csat\" takes a csat answer, not nps",
        ),
        (
            one(json!({"question": "csat", "answer": {"csat": 0}})),
            ErrorCode::AnswerOutOfRange,
            "question \"csat\" takes 1 to 5; got 0",
        ),
        (
            one(json!({"question": "csat", "answer": {"csat": 6}})),
            ErrorCode::AnswerOutOfRange,
            "question \"csat\" takes 1 to 5; got 6",
        ),
        (
            one(json!({"question": "nps", "answer": {"nps": 11}})),
            ErrorCode::AnswerOutOfRange,
            "question \"nps\" takes 0 to 10; got 11",
        ),
        (
            one(json!({"question": "nps", "answer": {"nps": -1}})),
            ErrorCode::AnswerOutOfRange,
            "question \"nps\" takes 0 to 10; got -1",
        ),
        (
            one(json!({"question": "topic", "answer": {"choice": "taxes"}})),
            ErrorCode::UnknownOption,
            "question \"topic\" has no choice \"taxes\"",
        ),
        (
            one(json!({"question": "more", "answer": {"text": "x".repeat(21)}})),
            ErrorCode::TextTooLong,
            "question \"more\": the text is 21 characters; the limit is 20",
        ),
        (
            one(json!({"question": "more", "answer": {"text": " \n "}})),
            ErrorCode::BlankText,
            "question \"more\": the text is blank",
        ),
        (
            errors(
                &form,
                json!({"page": "/p", "answers": [{"question": "csat", "answer": {"csat": 3}}]}),
            ),
            ErrorCode::MissingAnswer,
            "question \"useful\" must be answered",
        ),
        (
            errors(
                &form,
                json!({"page": " /p", "answers": [{"question": "useful", "answer": {"useful": {"useful": true}}}]}),
            ),
            ErrorCode::InvalidPageKey,
            "page must be 1 to 512 characters without control characters or surrounding whitespace",
        ),
        (
            errors(
                &form,
                json!({"page": "/p", "answers": [{"question": "useful", "answer": {"useful": {"useful": true, "reasons": ["outdated"]}}}]}),
            ),
            ErrorCode::AnswerPartNotAsked,
            "question \"useful\": reasons go with a \"no\" only",
        ),
        (
            errors(
                &form,
                json!({"page": "/p", "answers": [{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated", "outdated"]}}}]}),
            ),
            ErrorCode::DuplicateSelection,
            "question \"useful\": reason \"outdated\" is given more than once",
        ),
    ];
    for (errors, code, message) in cases {
        assert_eq!(errors.len(), 1, "{message}: {errors:?}");
        assert_eq!(errors[0].code(), code, "{message}");
        assert_eq!(errors[0].to_string(), message);
    }
    // Text limits count characters, not bytes: 20 two-byte letters fit.
    let fits = submit(
        &form,
        json!({"page": "/p", "answers": [
            {"question": "useful", "answer": {"useful": {"useful": true}}},
            {"question": "more", "answer": {"text": "é".repeat(20)}}]}),
        NOW,
    );
    assert_eq!(fits.answers().len(), 2);
}

#[test]
fn a_comment_where_none_is_asked_and_an_empty_response_are_refused() {
    let mut definition = form_json();
    definition["questions"][0]["kind"] = json!({"type": "useful"});
    definition["questions"][0]["required"] = json!(false);
    let form: FeedbackForm = serde_json::from_value(definition).unwrap();
    let found = errors(
        &form,
        json!({"page": "/p", "answers": [{"question": "useful", "answer": {"useful": {"useful": false, "comment": "hi"}}}]}),
    );
    assert_eq!(
        found,
        [ResponseError::CommentNotAsked {
            question: "useful".into()
        }]
    );
    assert_eq!(found[0].code(), ErrorCode::AnswerPartNotAsked);
    let found = errors(&form, json!({"page": "/p", "answers": []}));
    assert_eq!(found, [ResponseError::NoAnswers]);
    assert_eq!(found[0].code(), ErrorCode::MissingAnswer);
}

#[test]
fn every_problem_of_a_response_is_reported_in_order() {
    let form = form();
    let found = errors(
        &form,
        json!({"page": "", "answers": [
            {"question": "nps", "answer": {"nps": 12}},
            {"question": "ghost", "answer": {"csat": 3}},
            {"question": "topic", "answer": {"text": "fees"}},
            {"question": "nps", "answer": {"nps": 5}}
        ]}),
    );
    let codes: Vec<ErrorCode> = found.iter().map(ResponseError::code).collect();
    assert_eq!(
        codes,
        [
            ErrorCode::InvalidPageKey,
            ErrorCode::AnswerOutOfRange,
            ErrorCode::UnknownQuestion,
            ErrorCode::AnswerTypeMismatch,
            ErrorCode::DuplicateAnswer,
            ErrorCode::MissingAnswer,
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Intervals
// ---------------------------------------------------------------------------------------------

#[test]
fn wilson_matches_newcombe_1998_table_1() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/feedback/newcombe-1998-table-1.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (s, n): (u64, u64) = (fields[0].parse().unwrap(), fields[1].parse().unwrap());
        let (low, high): (f64, f64) = (fields[2].parse().unwrap(), fields[3].parse().unwrap());
        let p = wilson_interval(s, n, Confidence::NINETY_FIVE).unwrap();
        assert_eq!((p.low * 1e4).round() / 1e4, low, "{s}/{n} low");
        assert_eq!((p.high * 1e4).round() / 1e4, high, "{s}/{n} high");
        rows += 1;
    }
    assert_eq!(rows, 4);
}

/// Wilson's interval written as the roots of its quadratic, (2np + z² ± z·√(z² + 4np(1−p))) /
/// 2(n + z²): an algebraically independent form of the same formula.
fn wilson_by_quadratic(s: u64, n: u64, z: f64) -> (f64, f64) {
    let (s, n) = (s as f64, n as f64);
    let p = s / n;
    let root = z * (z * z + 4.0 * n * p * (1.0 - p)).sqrt();
    let denominator = 2.0 * (n + z * z);
    (
        (2.0 * s + z * z - root) / denominator,
        (2.0 * s + z * z + root) / denominator,
    )
}

#[test]
fn confidence_levels_are_checked_and_change_the_width() {
    assert_eq!(Confidence::default(), Confidence::NINETY_FIVE);
    assert!(Confidence::from_z(0.0).is_err());
    assert!(Confidence::from_z(f64::NAN).is_err());
    assert!(Confidence::from_z(-1.96).is_err());
    let width = |c: Confidence| {
        let p = wilson_interval(30, 100, c).unwrap();
        p.high - p.low
    };
    assert!(width(Confidence::NINETY) < width(Confidence::NINETY_FIVE));
    assert!(width(Confidence::NINETY_FIVE) < width(Confidence::NINETY_NINE));
    assert_eq!(wilson_interval(0, 0, Confidence::default()), None);
    assert_eq!(wilson_interval(3, 2, Confidence::default()), None);
    let all = wilson_interval(10, 10, Confidence::default()).unwrap();
    assert_eq!((all.estimate, all.high), (1.0, 1.0));
    assert_eq!((all.low * 1e4).round(), 7225.0);
    let none = wilson_interval(0, 10, Confidence::default()).unwrap();
    assert_eq!((none.low, (none.high * 1e4).round()), (0.0, 2775.0));
}

// ---------------------------------------------------------------------------------------------
// A worked example of every aggregate
// ---------------------------------------------------------------------------------------------

fn worked_example_responses(form: &FeedbackForm) -> Vec<FeedbackResponse> {
    let csat = [
        Some(5),
        Some(4),
        Some(4),
        Some(3),
        Some(2),
        Some(5),
        Some(1),
        Some(4),
        None,
        None,
    ];
    let nps = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6];
    let topic = [
        Some("fees"),
        Some("fees"),
        Some("forms"),
        Some("fees"),
        None,
        None,
        None,
        None,
        None,
        None,
    ];
    (0..10)
        .map(|i| {
            let useful = match i {
                7 => json!({"useful": false, "reasons": ["outdated"]}),
                8 => json!({"useful": false, "reasons": ["outdated", "confusing"], "comment": "The fee table is old"}),
                9 => json!({"useful": false, "reasons": ["confusing"]}),
                _ => json!({"useful": true}),
            };
            let mut answers = vec![json!({"question": "useful", "answer": {"useful": useful}})];
            if let Some(score) = csat[i] {
                answers.push(json!({"question": "csat", "answer": {"csat": score}}));
            }
            answers.push(json!({"question": "nps", "answer": {"nps": nps[i]}}));
            if let Some(choice) = topic[i] {
                answers.push(json!({"question": "topic", "answer": {"choice": choice}}));
            }
            if i == 0 {
                answers.push(json!({"question": "more", "answer": {"text": "Great"}}));
            }
            submit(form, json!({"page": "/passports/renew", "answers": answers}), NOW)
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[test]
fn worked_example_aggregates_match_hand_computation() {
    let form = form();
    let mut aggregate = FeedbackAggregate::new(&form);
    for response in worked_example_responses(&form) {
        aggregate.record(&response).unwrap();
    }
    assert_eq!(aggregate.responses(), 10);
    let answered: Vec<u64> = aggregate.questions().iter().map(|q| q.answered).collect();
    assert_eq!(answered, [10, 8, 10, 4, 1]);

    // Useful: 7 yes, 3 no → 0.7, Wilson 0.3968–0.8922; reasons outdated 2, confusing 2.
    let useful = aggregate.useful("useful").unwrap();
    assert_eq!((useful.yes, useful.no, useful.comments), (7, 3, 1));
    let reasons: Vec<u64> = useful.reasons.iter().map(|r| r.count).collect();
    assert_eq!(reasons, [2, 2]);
    let share = useful.useful_share(Confidence::default()).unwrap();
    assert_eq!(
        (share.estimate, round4(share.low), round4(share.high)),
        (0.7, 0.3968, 0.8922)
    );

    // CSAT: 5, 4, 4, 3, 2, 5, 1, 4 → 5 of 8 satisfied = 62.5 %, Wilson 0.3057–0.8632;
    // mean 28/8 = 7/2; sorted 1,2,3,4,4,4,5,5 → median (4+4)/2 = 4.
    let csat = aggregate.csat("csat").unwrap();
    assert_eq!(csat.distribution, [1, 1, 1, 3, 2]);
    assert_eq!((csat.count(), csat.satisfied()), (8, 5));
    let percent = csat.csat(Confidence::default()).unwrap();
    assert_eq!(percent.estimate * 100.0, 62.5);
    assert_eq!(
        (round4(percent.low), round4(percent.high)),
        (0.3057, 0.8632)
    );
    assert_eq!(csat.mean(), Some(Ratio::new(7, 2)));
    assert_eq!(csat.median(), Some(Ratio::new(4, 1)));

    // NPS: promoters 10,9,9,10,9 = 5; passives 7,8,8 = 3; detractors 3,6 = 2 → NPS 30;
    // Var = 100²(0.5 + 0.2 − 0.3²) = 6100; 1.959964·√(6100/10) = 48.4075.
    let nps_counts = aggregate.nps("nps").unwrap();
    assert_eq!(
        (
            nps_counts.promoters(),
            nps_counts.passives(),
            nps_counts.detractors()
        ),
        (5, 3, 2)
    );
    assert_eq!(nps_counts.mean(), Some(Ratio::new(79, 10)));
    let nps = nps_counts.score(Confidence::default()).unwrap();
    assert_eq!(nps.score, Ratio::new(30, 1));
    assert_eq!((round4(nps.low), round4(nps.high)), (-18.4075, 78.4075));
    // Independently from the formula in the module docs:
    let (p, d, n) = (0.5_f64, 0.2_f64, 10.0_f64);
    let half = 1.959_963_984_540_054 * (10_000.0 * (p + d - (p - d).powi(2)) / n).sqrt();
    assert!((nps.high - (30.0 + half)).abs() < 1e-9);

    // Single choice: fees 3, forms 1 of 4 → fees 0.75, Wilson 0.3006–0.9544.
    let topic = aggregate.single_choice("topic").unwrap();
    let counts: Vec<u64> = topic.options.iter().map(|o| o.count).collect();
    assert_eq!(counts, [3, 1]);
    let fees = topic.share("fees", Confidence::default()).unwrap();
    assert_eq!(
        (fees.estimate, round4(fees.low), round4(fees.high)),
        (0.75, 0.3006, 0.9544)
    );
    assert!(topic.share("taxes", Confidence::default()).is_none());

    // Free text: only the count.
    assert_eq!(
        aggregate.question("more").unwrap().counts,
        QuestionCounts::FreeText
    );
    assert!(
        aggregate.csat("useful").is_none(),
        "kind-specific getters check the kind"
    );
}

#[test]
fn empty_aggregates_have_no_estimates() {
    let aggregate = FeedbackAggregate::new(&form());
    assert!(
        aggregate
            .useful("useful")
            .unwrap()
            .useful_share(Confidence::default())
            .is_none()
    );
    assert!(
        aggregate
            .csat("csat")
            .unwrap()
            .csat(Confidence::default())
            .is_none()
    );
    assert!(aggregate.csat("csat").unwrap().mean().is_none());
    assert!(
        aggregate
            .nps("nps")
            .unwrap()
            .score(Confidence::default())
            .is_none()
    );
    assert_eq!(nps_interval(0, 0, 0, Confidence::default()), None);
}

#[test]
fn aggregates_refuse_responses_to_other_forms() {
    let form = form();
    let mut other_json = form_json();
    other_json["slug"] = json!("other-form");
    let other: FeedbackForm = serde_json::from_value(other_json).unwrap();
    let response = submit(&other, yes("/p"), NOW);
    let mut aggregate = FeedbackAggregate::new(&form);
    assert!(matches!(
        aggregate.record(&response),
        Err(FeedbackTallyError::WrongForm { .. })
    ));
    assert_eq!(aggregate.responses(), 0);

    // Same slug, changed questions: the response no longer fits and nothing is counted.
    let mut changed_json = form_json();
    changed_json["questions"][0]["kind"] = json!({"type": "csat"});
    let changed: FeedbackForm = serde_json::from_value(changed_json).unwrap();
    let mut aggregate = FeedbackAggregate::new(&changed);
    assert!(matches!(
        aggregate.record(&submit(&form, yes("/p"), NOW)),
        Err(FeedbackTallyError::AnswerDoesNotFit { .. })
    ));
    assert_eq!(aggregate, FeedbackAggregate::new(&changed));
}

// ---------------------------------------------------------------------------------------------
// Grouping
// ---------------------------------------------------------------------------------------------

#[test]
fn grouping_by_page_keeps_one_aggregate_per_key() {
    let form = form();
    let mut groups = PageGroups::new(&form);
    for page in ["/b", "/a", "/b", "/b"] {
        groups.record(&submit(&form, yes(page), NOW)).unwrap();
    }
    let sizes: Vec<(&str, u64)> = groups
        .groups()
        .iter()
        .map(|(page, aggregate)| (page.as_str(), aggregate.responses()))
        .collect();
    assert_eq!(sizes, [("/a", 1), ("/b", 3)]);
    assert_eq!(groups.get("/b").unwrap().useful("useful").unwrap().yes, 3);
    assert!(groups.get("/c").is_none());
}

#[test]
fn grouping_by_period_uses_half_open_periods_between_given_boundaries() {
    let form = form();
    let boundaries = vec![
        datetime!(2027-01-01 00:00 UTC),
        datetime!(2027-02-01 00:00 UTC),
        datetime!(2027-03-01 00:00 UTC),
    ];
    let mut groups = PeriodGroups::new(&form, boundaries).unwrap();
    for at in [
        datetime!(2026-12-31 23:59:59 UTC), // before the first boundary
        datetime!(2027-01-01 00:00 UTC),    // first instant of January
        datetime!(2027-01-31 23:59:59 UTC), // still January
        datetime!(2027-02-01 00:00 UTC),    // a boundary starts the next period
        datetime!(2027-03-01 00:00 UTC),    // the last boundary is excluded
        datetime!(2027-06-01 00:00 UTC),    // after
    ] {
        groups.record(&submit(&form, yes("/p"), at)).unwrap();
    }
    let periods: Vec<(OffsetDateTime, u64)> = groups
        .periods()
        .map(|p| (p.start, p.aggregate.responses()))
        .collect();
    assert_eq!(
        periods,
        [
            (datetime!(2027-01-01 00:00 UTC), 2),
            (datetime!(2027-02-01 00:00 UTC), 1)
        ]
    );
    assert_eq!((groups.before_first(), groups.at_or_after_last()), (1, 2));

    let too_few = PeriodGroups::new(&form, vec![datetime!(2027-01-01 00:00 UTC)]);
    assert_eq!(
        too_few.unwrap_err(),
        PeriodBoundariesError::TooFew { count: 1 }
    );
    let unordered = PeriodGroups::new(
        &form,
        vec![
            datetime!(2027-01-01 00:00 UTC),
            datetime!(2027-03-01 00:00 UTC),
            datetime!(2027-03-01 00:00 UTC),
        ],
    );
    assert_eq!(
        unordered.unwrap_err(),
        PeriodBoundariesError::NotIncreasing { index: 2 }
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    /// The Wilson interval contains the estimate, stays in 0..=1 and equals the quadratic
    /// form of the same formula.
    #[test]
    fn wilson_interval_is_sound(n in 1u64..1_000_000, fraction in 0.0f64..=1.0, z in 0.5f64..4.0) {
        let s = ((n as f64) * fraction).floor() as u64;
        let p = wilson_interval(s, n, Confidence::from_z(z).unwrap()).unwrap();
        prop_assert!(0.0 <= p.low && p.low <= p.estimate && p.estimate <= p.high && p.high <= 1.0);
        let (low, high) = wilson_by_quadratic(s, n, z);
        prop_assert!((p.low - low.max(0.0)).abs() < 1e-9, "{} vs {}", p.low, low);
        prop_assert!((p.high - high.min(1.0)).abs() < 1e-9, "{} vs {}", p.high, high);
    }

    /// NPS lies in −100..=100 with its interval around it; CSAT % in 0..=100; the mean within
    /// the scale; every distribution sums to the answers counted.
    #[test]
    fn aggregates_stay_in_range(
        answers in prop::collection::vec((any::<bool>(), 1i64..=5, 0i64..=10), 1..120),
    ) {
        let form = form();
        let mut aggregate = FeedbackAggregate::new(&form);
        for (useful, csat, nps) in &answers {
            let body = json!({"page": "/p", "answers": [
                {"question": "useful", "answer": {"useful": {"useful": useful}}},
                {"question": "csat", "answer": {"csat": csat}},
                {"question": "nps", "answer": {"nps": nps}}]});
            aggregate.record(&submit(&form, body, NOW)).unwrap();
        }
        let n = answers.len() as u64;
        let nps = aggregate.nps("nps").unwrap();
        prop_assert_eq!(nps.count(), n);
        prop_assert_eq!(nps.promoters() + nps.passives() + nps.detractors(), n);
        let score = nps.score(Confidence::default()).unwrap();
        let value = score.score.to_f64();
        prop_assert!((-100.0..=100.0).contains(&value));
        prop_assert!(-100.0 <= score.low && score.low <= value + 1e-9);
        prop_assert!(value - 1e-9 <= score.high && score.high <= 100.0);
        let csat = aggregate.csat("csat").unwrap();
        prop_assert_eq!(csat.count(), n);
        let percent = csat.csat(Confidence::default()).unwrap().estimate * 100.0;
        prop_assert!((0.0..=100.0).contains(&percent));
        let mean = csat.mean().unwrap().to_f64();
        prop_assert!((1.0..=5.0).contains(&mean));
        let useful = aggregate.useful("useful").unwrap();
        prop_assert_eq!(useful.yes + useful.no, n);
    }
}
