//! The JSON Schema of the instruments (`schema/instruments.schema.json`): the checked-in file
//! matches the types; real serialised values of every major type, built through the public API,
//! are valid against it; and broken documents are refused by the schema (and, for the types that
//! deserialise, by serde too).
//!
//! Runs with feature `schema`, which the crate's self dev-dependency turns on for every test
//! build, so plain `cargo test` runs it. To regenerate the file after an intended change:
//! `UPDATE_SCHEMA=1 cargo test -p baraza-core --test schema_instruments`.

#![cfg(feature = "schema")]

use std::path::PathBuf;

use baraza_core::budgeting::{
    GreedyRule, MesOptions, PbElection, PbInstance, PbInstanceSpec, ProjectSpec,
};
use baraza_core::consultation::{
    Consultation, ConsultationRecord, ConsultationSettings, ModerationAction, ParticipantId, Stance,
};
use baraza_core::feedback::{
    Confidence, FeedbackAggregate, FeedbackForm, FeedbackFormSpec, FeedbackSubmission,
};
use baraza_core::ranked::{
    Candidates, RankedBallot, Rules, instant_runoff, single_transferable_vote,
};
use baraza_core::schema::{INSTRUMENTS_SCHEMA_PATH, instruments_json_schema};
use baraza_core::score::{ScoreQuestion, ScoreQuestionSpec, ScoreSubmission, ScoreTally};
use baraza_core::statements::{
    Conversation, GroupingOptions, ParticipantId as Voter, StatementId, StatementText, Vote,
};
use baraza_core::suppression::SuppressionRule;
use baraza_core::text_safety::{CitizenText, TextLimits};
use baraza_core::{LocalizedText, Poll, PollSpec};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::macros::datetime;

fn generated() -> String {
    let mut text = serde_json::to_string_pretty(&instruments_json_schema().to_value())
        .expect("a schema serialises");
    text.push('\n');
    text
}

#[test]
fn checked_in_schema_matches_the_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(INSTRUMENTS_SCHEMA_PATH);
    let fresh = generated();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("the schema file can be written");
        eprintln!("wrote {}", path.display());
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let first_difference = current
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || current.lines().count().min(fresh.lines().count()) + 1,
            |i| i + 1,
        );
    assert!(
        current == fresh,
        "{} does not match the instrument types (first difference at line {first_difference}).\n\
         If the change is intended, regenerate the file and commit it:\n\n    \
         UPDATE_SCHEMA=1 cargo test -p baraza-core --test schema_instruments\n",
        path.display()
    );
}

#[test]
fn generation_is_deterministic_and_lists_every_instrument_type() {
    assert_eq!(generated(), generated());
    let schema = instruments_json_schema();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .expect("$defs");
    let names: Vec<&str> = defs.keys().map(String::as_str).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "$defs keys are sorted");
    for expected in [
        // score
        "Scale",
        "ScoreQuestion",
        "ScoreQuestionSpec",
        "ScoreSubmission",
        "RatingSubmission",
        "OptionScores",
        "ScorePoint",
        "Ratio",
        // feedback
        "FeedbackForm",
        "FeedbackFormSpec",
        "QuestionKindSpec",
        "FeedbackSubmission",
        "AnswerInput",
        "PageKey",
        "FeedbackAggregate",
        "QuestionCounts",
        "Confidence",
        "Proportion",
        "NpsScore",
        // consultation
        "Consultation",
        "ConsultationRecord",
        "ConsultationParticipantId",
        "CommentText",
        "Comment",
        "ModerationState",
        "ModerationAction",
        "OutcomeReport",
        "SectionReport",
        // ranked
        "Candidates",
        "CandidatesSpec",
        "Rules",
        "TieBreak",
        "DecimalPlaces",
        "Tabulation",
        "Round",
        "Votes",
        "TransferTarget",
        "TieBreakRecord",
        "ExhaustionCause",
        // budgeting
        "PbInstance",
        "PbInstanceSpec",
        "ProjectId",
        "BallotRules",
        "PbOutcome",
        // statements
        "Statement",
        "StatementText",
        "StatementParticipantId",
        "GroupingOptions",
        "OpinionGroups",
        "OpinionGroup",
        "PrincipalComponents",
        // suppression
        "RowCounts",
        "SuppressedCounts_for_string",
        "SuppressedTable_for_string",
        "GroupCount_for_string",
        "GroupRow_for_string",
        // text safety
        "RedactionCounts",
        "RedactionKind",
        "CitizenText",
        // the poll definition the others share options with
        "PollSpec",
        "PollOptionSpec",
        "VoterToken",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.ends_with('2')),
        "no name clash resolved by a numeric suffix: {names:?}"
    );
}

fn validator(def: &str) -> jsonschema::Validator {
    let mut schema = instruments_json_schema().to_value();
    assert!(schema["$defs"].get(def).is_some(), "{def} is not in $defs");
    schema["$ref"] = json!(format!("#/$defs/{def}"));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid(def: &str, value: &Value) {
    let errors: Vec<String> = validator(def)
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{def} {value}:\n{}", errors.join("\n"));
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("serialises")
}

fn en(text: &str) -> LocalizedText {
    LocalizedText::new("en", text).expect("valid text")
}

fn score_question() -> ScoreQuestion {
    serde_json::from_value(json!({
        "slug": "clinic-services",
        "default_language": "en",
        "question": {"en": "How good is each service at your clinic?"},
        "scale": {"min": 1, "max": 5},
        "options": [{"id": "waiting", "label": {"en": "Waiting time"}},
                    {"id": "staff", "label": {"en": "Staff"}}]
    }))
    .expect("a valid question")
}

fn feedback_form() -> FeedbackForm {
    serde_json::from_value(json!({
        "slug": "passport-page",
        "default_language": "en",
        "title": {"en": "Help us improve this page"},
        "questions": [
            {"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
             "kind": {"type": "useful", "reasons": [{"id": "outdated", "label": {"en": "It is out of date"}}]}},
            {"id": "nps", "prompt": {"en": "Would you recommend this service?"}, "kind": {"type": "nps"}}
        ]
    }))
    .expect("a valid form")
}

fn consultation() -> Consultation {
    let mut c = Consultation::new(
        "bus-lanes",
        "en",
        en("Bus lanes on Moi Avenue"),
        ConsultationSettings::default(),
    )
    .expect("valid");
    c.add_section("route", en("The route"), en("Buses would run from…"))
        .expect("draft");
    c.open(datetime!(2027-01-10 08:00 UTC)).expect("opens");
    let amina = ParticipantId::parse("amina").expect("valid id");
    let id = c
        .comment(
            "route",
            &amina,
            Stance::Support,
            "Faster journeys to work.",
            datetime!(2027-01-11 09:00 UTC),
        )
        .expect("open");
    c.moderate(
        id,
        ModerationAction::Publish,
        datetime!(2027-01-11 10:00 UTC),
    )
    .expect("moderates");
    c.close(datetime!(2027-02-10 00:00 UTC)).expect("closes");
    c.respond(
        "route",
        en("We will build the lanes in 2028."),
        datetime!(2027-03-01 00:00 UTC),
    )
    .expect("responds");
    c.publish_outcome(en("The lanes go ahead."), datetime!(2027-03-02 00:00 UTC))
        .expect("publishes");
    c
}

fn ranked_ballots(candidates: &Candidates, groups: &[(usize, &[&str])]) -> Vec<RankedBallot> {
    let mut out = Vec::new();
    for &(copies, names) in groups {
        let ranks: Vec<Vec<&str>> = names.iter().map(|n| vec![*n]).collect();
        let ballot = RankedBallot::from_names(candidates, &ranks).expect("valid ballot");
        out.extend(std::iter::repeat_n(ballot, copies));
    }
    out
}

fn pb_election() -> PbElection {
    let ids: Vec<String> = (0..6)
        .map(|i| format!("{}{i}", if i < 3 { "red" } else { "blue" }))
        .collect();
    let instance = PbInstance::new(PbInstanceSpec {
        budget: 300,
        projects: ids
            .iter()
            .map(|id| ProjectSpec::new(id.clone(), 100))
            .collect(),
        ballot_rules: Default::default(),
        decimal_places: 0,
    })
    .expect("valid instance");
    let mut election = PbElection::new(instance);
    for _ in 0..6 {
        election.cast(&ids[..3]).expect("valid ballot");
    }
    for _ in 0..4 {
        election.cast(&ids[3..]).expect("valid ballot");
    }
    election
}

fn conversation() -> Conversation {
    let mut conversation = Conversation::new();
    for s in 0..4 {
        let text = StatementText::parse(&format!("Statement {s}")).expect("valid");
        conversation
            .add_statement(StatementId(s), Voter(0), text)
            .expect("valid");
    }
    // Two blocs of five: one agrees with statements 0 and 1 and disagrees with 2 and 3, the
    // other the opposite.
    for p in 1..=10u64 {
        let first_bloc = p <= 5;
        for s in 0..4u64 {
            let agree = (s < 2) == first_bloc;
            let vote = if agree { Vote::Agree } else { Vote::Disagree };
            conversation
                .vote(Voter(p), StatementId(s), vote)
                .expect("valid vote");
        }
    }
    conversation
}

/// Real values of every major type, each with the `$defs` entry it must match.
fn real_values() -> Vec<(&'static str, Value)> {
    let mut values = Vec::new();

    // score
    let question = score_question();
    let mut tally = ScoreTally::new(&question);
    for (ratings, voter) in [
        (
            json!([{"option": "waiting", "score": 2}, {"option": "staff", "score": 5}]),
            "voter-000000000001",
        ),
        (
            json!([{"option": "waiting", "score": 3}]),
            "voter-000000000002",
        ),
    ] {
        let submission = ScoreSubmission {
            ratings: serde_json::from_value(ratings).expect("ratings"),
            voter: voter.into(),
        };
        values.push(("ScoreSubmission", to_value(&submission)));
        let ballot = question.validate_ballot(&submission).expect("valid ballot");
        tally.record(&ballot).expect("same question");
    }
    values.push(("ScoreQuestion", to_value(&question)));
    values.push((
        "ScoreQuestionSpec",
        to_value(&ScoreQuestionSpec::from(question)),
    ));
    for option in tally.options() {
        values.push(("OptionScores", to_value(&option)));
    }

    // feedback
    let form = feedback_form();
    let mut aggregate = FeedbackAggregate::new(&form);
    for body in [
        json!({"page": "/passports/renew", "answers": [
            {"question": "useful", "answer": {"useful": {"useful": true}}},
            {"question": "nps", "answer": {"nps": 10}}]}),
        json!({"page": "/passports/renew", "answers": [
            {"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"]}}},
            {"question": "nps", "answer": {"nps": 3}}]}),
    ] {
        let submission: FeedbackSubmission = serde_json::from_value(body).expect("submission");
        values.push(("FeedbackSubmission", to_value(&submission)));
        let response = form
            .validate_response(&submission, datetime!(2027-05-02 08:00 UTC))
            .expect("valid response");
        aggregate.record(&response).expect("same form");
    }
    values.push(("FeedbackForm", to_value(&form)));
    values.push(("FeedbackFormSpec", to_value(&FeedbackFormSpec::from(form))));
    values.push(("FeedbackAggregate", to_value(&aggregate)));
    let useful = aggregate.useful("useful").expect("a useful question");
    values.push((
        "Proportion",
        to_value(
            &useful
                .useful_share(Confidence::default())
                .expect("responses"),
        ),
    ));
    let nps = aggregate.nps("nps").expect("an nps question");
    values.push((
        "NpsScore",
        to_value(&nps.score(Confidence::default()).expect("responses")),
    ));
    values.push(("Confidence", to_value(&Confidence::NINETY_NINE)));

    // consultation
    let consultation = consultation();
    values.push(("Consultation", to_value(&consultation)));
    values.push(("ConsultationRecord", to_value(&consultation)));
    values.push(("OutcomeReport", to_value(&consultation.outcome_report())));
    let draft = Consultation::new(
        "draft",
        "sw",
        LocalizedText::new("sw", "Rasimu").expect("valid"),
        ConsultationSettings::default(),
    )
    .expect("valid");
    values.push(("Consultation", to_value(&draft)));

    // ranked: an instant-runoff count with transfers and exhaustion, and an STV count with
    // fractional surpluses.
    let candidates =
        Candidates::new(["Memphis", "Nashville", "Chattanooga", "Knoxville"]).expect("valid names");
    let ballots = ranked_ballots(
        &candidates,
        &[
            (42, &["Memphis", "Nashville"]),
            (26, &["Nashville", "Chattanooga", "Knoxville"]),
            (15, &["Chattanooga", "Knoxville", "Nashville"]),
            (17, &["Knoxville"]),
        ],
    );
    let irv = instant_runoff(&candidates, &ballots, &Rules::default()).expect("counts");
    values.push(("Tabulation", to_value(&irv)));
    values.push(("Candidates", to_value(&candidates)));
    values.push(("Rules", to_value(&Rules::default())));
    let stv_rules: Rules = serde_json::from_value(json!({
        "quota": "droop_fractional", "decimal_places": 4,
        "tie_break": {"method": "random", "seed": 7}
    }))
    .expect("valid rules");
    values.push(("Rules", to_value(&stv_rules)));
    let stv = single_transferable_vote(&candidates, &ballots, 2, &stv_rules).expect("counts");
    values.push(("Tabulation", to_value(&stv)));

    // budgeting
    let election = pb_election();
    values.push(("PbInstance", to_value(election.instance())));
    values.push((
        "PbOutcome",
        to_value(&election.greedy(&GreedyRule::default()).expect("no ties")),
    ));
    let mes = election.equal_shares(&MesOptions::default());
    values.push(("PbOutcome", to_value(mes.outcome())));

    // statements
    let conversation = conversation();
    let groups = conversation
        .opinion_groups(&GroupingOptions::default())
        .expect("groups");
    values.push(("OpinionGroups", to_value(&groups)));
    values.push(("GroupingOptions", to_value(&GroupingOptions::default())));
    for statement in conversation.statements() {
        values.push(("Statement", to_value(statement)));
    }

    // suppression
    let by_ward = [
        ("kilimani".to_owned(), 40),
        ("kibra".to_owned(), 2),
        ("langata".to_owned(), 31),
        ("westlands".to_owned(), 9),
    ];
    values.push((
        "SuppressedCounts_for_string",
        to_value(&SuppressionRule::default().counts(&by_ward)),
    ));
    let table = SuppressionRule::default()
        .table(&[
            ("kilimani".to_owned(), 40, vec![25, 15]),
            ("kibra".to_owned(), 2, vec![1, 1]),
            ("langata".to_owned(), 31, vec![20, 11]),
            ("westlands".to_owned(), 9, vec![6, 3]),
        ])
        .expect("a rectangular table");
    values.push(("SuppressedTable_for_string", to_value(&table)));

    // text safety
    let text = CitizenText::new(
        "Please fix the pump. Call me on +254 712 345 678 or mail jane@mail.example.co.ke",
        TextLimits::default(),
    )
    .expect("valid text");
    values.push(("RedactionCounts", to_value(&text.redactions())));
    values.push(("CitizenText", to_value(&text)));

    // the poll definition
    let poll: Poll = serde_json::from_value(json!({
        "slug": "water-tariffs-2027", "default_language": "en",
        "question": {"en": "Which tariff?"}, "kind": {"type": "approval"},
        "options": [{"id": "flat", "label": {"en": "Flat"}}, {"id": "tiered", "label": {"en": "Tiered"}}],
        "status": "open", "closes_at": "2027-03-31T00:00:00Z"
    }))
    .expect("a valid poll");
    values.push(("Poll", to_value(&poll)));
    values.push(("PollSpec", to_value(&PollSpec::from(poll))));
    values
}

#[test]
fn real_serialised_values_are_valid() {
    let values = real_values();
    // The values exercise what they should.
    let find = |def: &str| {
        values
            .iter()
            .filter(|(d, _)| *d == def)
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
    };
    let irv = find("Tabulation")[0];
    assert!(
        irv["rounds"].as_array().is_some_and(|r| r.len() >= 2),
        "the count has transfers: {irv}"
    );
    let stv = find("Tabulation")[1];
    assert!(
        stv.to_string().contains('.'),
        "the STV count has fractional votes: {stv}"
    );
    let groups = find("OpinionGroups")[0];
    assert!(
        groups["groups"].as_array().is_some_and(|g| g.len() == 2),
        "two opinion groups: {groups}"
    );
    let counts = find("SuppressedCounts_for_string")[0];
    assert!(
        counts.to_string().contains("\"suppressed\":true"),
        "{counts}"
    );
    assert!(find("Consultation")[0]["outcome"].is_object());
    assert!(find("RedactionCounts")[0]["phone"] == json!(1));
    for (def, value) in &values {
        assert_valid(def, value);
    }
}

/// Whether serde reads `value` as the type of `def`; `None` for types without `Deserialize`.
fn serde_accepts(def: &str, value: &Value) -> Option<bool> {
    fn ok<T: DeserializeOwned>(value: &Value) -> Option<bool> {
        Some(serde_json::from_value::<T>(value.clone()).is_ok())
    }
    use baraza_core::budgeting::{ProjectId, ProjectSpec as Project};
    use baraza_core::consultation::CommentText;
    use baraza_core::feedback::PageKey;
    use baraza_core::ranked::DecimalPlaces;
    match def {
        "ScoreQuestion" => ok::<ScoreQuestion>(value),
        "ScoreSubmission" => ok::<ScoreSubmission>(value),
        "FeedbackForm" => ok::<FeedbackForm>(value),
        "FeedbackSubmission" => ok::<FeedbackSubmission>(value),
        "Confidence" => ok::<Confidence>(value),
        "PageKey" => ok::<PageKey>(value),
        "ConsultationRecord" => ok::<ConsultationRecord>(value),
        "CommentText" => ok::<CommentText>(value),
        "ConsultationParticipantId" => ok::<ParticipantId>(value),
        "Rules" => ok::<Rules>(value),
        "Candidates" => ok::<Candidates>(value),
        "DecimalPlaces" => ok::<DecimalPlaces>(value),
        "PbInstanceSpec" => ok::<PbInstanceSpec>(value),
        "ProjectSpec" => ok::<Project>(value),
        "ProjectId" => ok::<ProjectId>(value),
        "StatementText" => ok::<StatementText>(value),
        "GroupingOptions" => ok::<GroupingOptions>(value),
        _ => None,
    }
}

/// `base` with `pointer` set to `new` (or removed when `new` is `None`).
fn with(base: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut value = base.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let target = value.pointer_mut(parent).expect("pointer exists");
    match (target, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(key.to_owned(), new);
        }
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Array(items), Some(new)) => items[key.parse::<usize>().expect("index")] = new,
        (Value::Array(items), None) => {
            items.remove(key.parse::<usize>().expect("index"));
        }
        _ => panic!("{pointer} is not in an object or array"),
    }
    value
}

#[test]
fn schema_refuses_broken_documents_as_serde_does() {
    let values = real_values();
    let first = |def: &str| {
        values
            .iter()
            .find(|(d, _)| *d == def)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no real {def}"))
    };
    let question = first("ScoreQuestion");
    let submission = first("FeedbackSubmission");
    let form = first("FeedbackForm");
    let record = first("ConsultationRecord");
    let rules = first("Rules");
    let tabulation = first("Tabulation");
    let outcome = first("PbOutcome");
    let groups = first("OpinionGroups");
    let counts = first("SuppressedCounts_for_string");
    let table = first("SuppressedTable_for_string");
    let redactions = first("RedactionCounts");
    let instance = first("PbInstance");
    let cases: Vec<(&str, Value, bool)> = vec![
        // Definitions: unknown fields, missing fields, wrong shapes.
        (
            "ScoreQuestion",
            with(&question, "/extra", Some(json!(1))),
            false,
        ),
        ("ScoreQuestion", with(&question, "/scale", None), false),
        (
            "ScoreQuestion",
            with(&question, "/scale/min", Some(json!("one"))),
            false,
        ),
        (
            "FeedbackForm",
            with(&form, "/questions/0/kind", Some(json!({"type": "stars"}))),
            false,
        ),
        (
            "FeedbackForm",
            with(&form, "/questions/1/kind", Some(json!({"type": "csat"}))),
            true,
        ),
        // A submission is unchecked (its page is a plain string until validated); a PageKey
        // is checked.
        (
            "FeedbackSubmission",
            with(&submission, "/page", Some(json!(" /padded"))),
            true,
        ),
        ("PageKey", json!(" /padded"), false),
        ("PageKey", json!("/a\u{7}b"), false),
        ("PageKey", json!("/passports/renew?x=1 y"), true),
        ("PageKey", json!(""), false),
        (
            "FeedbackSubmission",
            with(&submission, "/answers/0/answer", Some(json!({"stars": 3}))),
            false,
        ),
        ("Confidence", json!(0), false),
        ("Confidence", json!(10.5), false),
        ("Confidence", json!(1.96), true),
        (
            "ConsultationRecord",
            with(&record, "/phase", Some(json!("archived"))),
            false,
        ),
        (
            "ConsultationRecord",
            with(&record, "/opened_at", Some(json!("last week"))),
            false,
        ),
        (
            "ConsultationRecord",
            with(&record, "/comments/0/text", Some(json!("   "))),
            false,
        ),
        (
            "ConsultationRecord",
            with(&record, "/comments/0/author", Some(json!("has space"))),
            false,
        ),
        (
            "ConsultationRecord",
            with(&record, "/comments/0/stance", Some(json!("maybe"))),
            false,
        ),
        (
            "ConsultationRecord",
            with(&record, "/secret", Some(json!(1))),
            false,
        ),
        ("CommentText", json!("Line one\nline two\ttab"), true),
        ("CommentText", json!("bell\u{7}"), false),
        ("ConsultationParticipantId", json!("amina"), true),
        ("ConsultationParticipantId", json!(""), false),
        ("ConsultationParticipantId", json!("é"), false),
        (
            "Rules",
            with(&rules, "/tie_break", Some(json!({"method": "coin_toss"}))),
            false,
        ),
        (
            "Rules",
            with(&rules, "/decimal_places", Some(json!(10))),
            false,
        ),
        (
            "Rules",
            with(&rules, "/decimal_places", Some(json!(9))),
            true,
        ),
        ("Rules", with(&rules, "/max_ranks", Some(json!(-1))), false),
        ("Rules", with(&rules, "/max_ranks", Some(json!(3))), true),
        ("Rules", json!({}), true),
        ("Candidates", json!({"names": "A"}), false),
        ("VoterToken", json!("a1b2c3d4e5f6a7b8"), true),
        ("VoterToken", json!("short"), false),
        ("ProjectId", json!("303"), true),
        ("ProjectId", json!("30;3"), false),
        ("ProjectId", json!("303 "), false),
        ("ProjectId", json!(""), false),
        (
            "PbInstanceSpec",
            with(&instance, "/budget", Some(json!(-5))),
            false,
        ),
        (
            "PbInstanceSpec",
            with(&instance, "/projects/0/cost", Some(json!("100"))),
            false,
        ),
        (
            "PbInstanceSpec",
            with(&instance, "/ballot_rules/kind", Some(json!("ranked"))),
            false,
        ),
        ("StatementText", json!("  Padded but fine  "), true),
        ("StatementText", json!("two\nlines"), false),
        ("StatementText", json!(" "), false),
        ("GroupingOptions", json!({"max_groups": "five"}), false),
        ("GroupingOptions", json!({"unknown": 1}), false),
        ("GroupingOptions", json!({}), true),
        // Results (serialise only): what a consumer may rely on.
        ("Tabulation", with(&tabulation, "/rounds", None), false),
        (
            "Tabulation",
            with(&tabulation, "/rounds/0/tallies/0/votes", Some(json!(42))),
            false,
        ),
        (
            "Tabulation",
            with(
                &tabulation,
                "/rounds/0/tallies/0/votes",
                Some(json!("42.50")),
            ),
            false,
        ),
        (
            "Tabulation",
            with(
                &tabulation,
                "/rounds/0/tallies/0/votes",
                Some(json!("42.5")),
            ),
            true,
        ),
        (
            "PbOutcome",
            with(&outcome, "/total_cost", Some(json!(-1))),
            false,
        ),
        (
            "PbOutcome",
            with(&outcome, "/selected/0", Some(json!("a;b"))),
            false,
        ),
        ("OpinionGroups", with(&groups, "/groups", None), false),
        (
            "SuppressedCounts_for_string",
            with(
                &counts,
                "/groups/1",
                Some(json!({"group": "kibra", "count": 2, "suppressed": true})),
            ),
            false,
        ),
        (
            "SuppressedCounts_for_string",
            with(
                &counts,
                "/groups/1",
                Some(json!({"group": "kibra", "suppressed": false})),
            ),
            false,
        ),
        (
            "SuppressedCounts_for_string",
            with(&counts, "/groups/1", Some(json!({"group": "kibra"}))),
            false,
        ),
        (
            "SuppressedTable_for_string",
            with(&table, "/groups/0/answers", None),
            false,
        ),
        (
            "RedactionCounts",
            with(&redactions, "/phone", Some(json!(-1))),
            false,
        ),
    ];
    let mut mismatches = Vec::new();
    for (def, value, expected) in &cases {
        let by_schema = validator(def).is_valid(value);
        let by_serde = serde_accepts(def, value);
        if by_schema != *expected || by_serde.is_some_and(|ok| ok != *expected) {
            mismatches.push(format!(
                "{def}: expected {expected}, schema {by_schema}, serde {by_serde:?}: {value}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
