//! Score questions: definitions (every problem at once), ballot validation (each rule with its
//! own error and code), the worked examples under `test_data/score/` (hand-computed counts,
//! exact means, midpoint medians, distributions), and property tests of the tally.

use std::path::Path;

use baraza_core::score::{
    RatingSubmission, Ratio, Scale, ScaleError, ScoreBallotError, ScoreDefinitionError,
    ScoreQuestion, ScoreQuestionSpec, ScoreSubmission, ScoreTally, ScoreTallyError,
};
use baraza_core::{DefinitionProblem, ErrorCode};
use proptest::prelude::*;
use serde_json::json;

fn question(min: i64, max: i64, options: &[&str], require_all: bool) -> ScoreQuestion {
    let options: Vec<_> = options
        .iter()
        .map(|id| json!({"id": id, "label": {"en": format!("Option {id}")}}))
        .collect();
    serde_json::from_value(json!({
        "slug": "clinic-services",
        "default_language": "en",
        "question": {"en": "How good is each service?"},
        "scale": {"min": min, "max": max},
        "options": options,
        "require_all": require_all
    }))
    .expect("valid score question")
}

fn submission(ratings: &[(&str, i64)], voter: &str) -> ScoreSubmission {
    ScoreSubmission {
        ratings: ratings
            .iter()
            .map(|&(option, score)| RatingSubmission {
                option: option.to_owned(),
                score,
            })
            .collect(),
        voter: voter.to_owned(),
    }
}

const VOTER: &str = "voter-0000000000000001";

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

#[test]
fn scales_must_be_small_increasing_ranges() {
    for (min, max) in [(1, 5), (0, 10), (-2, 2), (-100, 100)] {
        let scale = Scale::new(min, max).unwrap();
        assert_eq!((i64::from(scale.min()), i64::from(scale.max())), (min, max));
        assert_eq!(scale.points() as i64, max - min + 1);
    }
    for (min, max) in [(5, 5), (5, 1), (-101, 0), (0, 101), (i64::MIN, 0)] {
        assert_eq!(Scale::new(min, max), Err(ScaleError { min, max }));
    }
    let json: Result<Scale, _> = serde_json::from_str(r#"{"min": 3, "max": 2}"#);
    assert!(json.unwrap_err().to_string().contains("min < max"));
}

#[test]
fn definition_reports_every_problem_at_once() {
    let spec: ScoreQuestionSpec = serde_json::from_value(json!({
        "slug": "Bad Slug",
        "default_language": "en",
        "question": {"sw": "Swali"},
        "scale": {"min": 5, "max": 1},
        "options": [
            {"id": "a", "label": {"en": "A"}},
            {"id": "a", "label": {"en": "A again"}},
            {"id": "B", "label": {"sw": "B"}}
        ]
    }))
    .unwrap();
    let errors = ScoreQuestion::try_from(spec).unwrap_err();
    let kinds: Vec<&str> = errors
        .0
        .iter()
        .map(|e| match e {
            ScoreDefinitionError::Definition(DefinitionProblem::InvalidSlug { .. }) => "slug",
            ScoreDefinitionError::Definition(DefinitionProblem::MissingDefaultLanguage {
                ..
            }) => "language",
            ScoreDefinitionError::InvalidScale(_) => "scale",
            ScoreDefinitionError::Definition(DefinitionProblem::DuplicateId { .. }) => "duplicate",
            ScoreDefinitionError::Definition(DefinitionProblem::InvalidId { .. }) => "option id",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "slug",
            "language",
            "language",
            "scale",
            "duplicate",
            "option id"
        ]
    );
    assert!(
        errors
            .to_string()
            .contains("question has no text in the default language en")
    );
    assert!(errors.to_string().contains("options[2].label has no text"));

    let no_options: ScoreQuestionSpec = serde_json::from_value(json!({
        "slug": "s", "default_language": "en", "question": {"en": "Q"},
        "scale": {"min": 1, "max": 5}, "options": []
    }))
    .unwrap();
    assert_eq!(
        ScoreQuestion::try_from(no_options).unwrap_err().0,
        [ScoreDefinitionError::OptionCount { count: 0 }]
    );
}

#[test]
fn definitions_survive_a_json_round_trip() {
    let q = question(0, 10, &["a", "b"], true);
    let text = serde_json::to_string(&q).unwrap();
    assert!(text.contains(r#""scale":{"min":0,"max":10}"#), "{text}");
    assert!(text.contains(r#""require_all":true"#));
    assert_eq!(serde_json::from_str::<ScoreQuestion>(&text).unwrap(), q);
    assert!(q.require_all());
    assert_eq!(q.options().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Ballots
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_ballots_keep_their_ratings() {
    let q = question(1, 5, &["a", "b", "c"], false);
    let ballot = q
        .validate_ballot(&submission(&[("c", 5), ("a", 1)], VOTER))
        .unwrap();
    let ratings: Vec<(String, i32)> = ballot
        .ratings()
        .iter()
        .map(|(id, score)| (id.to_string(), *score))
        .collect();
    assert_eq!(ratings, [("c".to_owned(), 5), ("a".to_owned(), 1)]);
    assert_eq!(ballot.question(), q.slug());
    assert_eq!(ballot.voter().as_str(), VOTER);
}

fn single_error(q: &ScoreQuestion, ratings: &[(&str, i64)]) -> ScoreBallotError {
    let errors = q
        .validate_ballot(&submission(ratings, VOTER))
        .expect_err("the ballot is invalid");
    assert_eq!(errors.errors().len(), 1, "{errors}");
    errors.errors()[0].clone()
}

#[test]
fn each_rule_has_its_own_error_and_code() {
    let q = question(1, 5, &["a", "b"], false);
    let cases = [
        (
            single_error(&q, &[("z", 3)]),
            ErrorCode::UnknownOption,
            "the question has no option \"z\"",
        ),
        (
            single_error(&q, &[("a", 3), ("a", 4)]),
            ErrorCode::DuplicateSelection,
            "option \"a\" is rated more than once",
        ),
        (
            single_error(&q, &[("a", 6)]),
            ErrorCode::ScoreOutOfScale,
            "option \"a\" is rated 6; scores run from 1 to 5",
        ),
        (
            single_error(&q, &[("a", 0)]),
            ErrorCode::ScoreOutOfScale,
            "option \"a\" is rated 0; scores run from 1 to 5",
        ),
        (
            single_error(&q, &[]),
            ErrorCode::TooFewSelections,
            "rate at least one option",
        ),
    ];
    for (error, code, message) in cases {
        assert_eq!(error.code(), code, "{error}");
        assert_eq!(error.to_string(), message);
    }
    let all = question(1, 5, &["a", "b"], true);
    let error = single_error(&all, &[("a", 3)]);
    assert_eq!(error, ScoreBallotError::MissingRating { id: "b".into() });
    assert_eq!(error.code(), ErrorCode::MissingRating);
    assert_eq!(ErrorCode::MissingRating.as_str(), "missing_rating");
    assert_eq!(ErrorCode::ScoreOutOfScale.as_str(), "score_out_of_scale");
}

#[test]
fn every_problem_of_a_ballot_is_reported_in_order() {
    let q = question(1, 5, &["a", "b", "c"], true);
    let errors = q
        .validate_ballot(&submission(
            &[("z", 9), ("a", 2), ("a", 3), ("b", 99)],
            "bad",
        ))
        .unwrap_err();
    assert_eq!(
        errors.errors(),
        [
            ScoreBallotError::UnknownOption { id: "z".into() },
            ScoreBallotError::OutOfScale {
                id: "z".into(),
                score: 9,
                min: 1,
                max: 5
            },
            ScoreBallotError::DuplicateRating { id: "a".into() },
            ScoreBallotError::OutOfScale {
                id: "b".into(),
                score: 99,
                min: 1,
                max: 5
            },
            ScoreBallotError::MissingRating { id: "c".into() },
            ScoreBallotError::InvalidVoterToken(baraza_core::VoterTokenError),
        ]
    );
    assert_eq!(errors.primary_code(), ErrorCode::UnknownOption);
}

#[test]
fn submissions_are_lists_so_repeats_are_seen() {
    let parsed: ScoreSubmission = serde_json::from_str(
        r#"{"ratings": [{"option": "a", "score": 4}, {"option": "a", "score": 5}], "voter": "voter-0000000000000001"}"#,
    )
    .unwrap();
    assert_eq!(parsed.ratings.len(), 2);
    let unknown_field: Result<ScoreSubmission, _> =
        serde_json::from_str(r#"{"ratings": [], "voter": "v", "extra": 1}"#);
    assert!(unknown_field.is_err());
}

// ---------------------------------------------------------------------------------------------
// Worked examples from test_data/score
// ---------------------------------------------------------------------------------------------

fn parse_ratio(text: &str) -> Option<Ratio> {
    if text == "none" {
        return None;
    }
    let (n, d) = text.split_once('/').expect("P/Q");
    Some(Ratio::new(
        n.parse().expect("a fraction P/Q"),
        d.parse().expect("a fraction P/Q"),
    ))
}

fn check_example(path: &Path) {
    let text = std::fs::read_to_string(path).expect("a well-formed example file");
    let name = path.display();
    let mut scale = (0, 0);
    let mut options: Vec<String> = Vec::new();
    let mut require_all = false;
    let mut ballots: Vec<Vec<(String, i64)>> = Vec::new();
    let mut expectations: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut total = None;
    for line in text.lines().map(str::trim) {
        let line = line
            .split('#')
            .next()
            .expect("a well-formed example file")
            .trim();
        let mut words = line.split_whitespace();
        match words.next() {
            None => {}
            Some("scale") => {
                scale = (
                    words
                        .next()
                        .expect("a well-formed example file")
                        .parse()
                        .expect("a well-formed example file"),
                    words
                        .next()
                        .expect("a well-formed example file")
                        .parse()
                        .expect("a well-formed example file"),
                )
            }
            Some("options") => options = words.map(str::to_owned).collect(),
            Some("require_all") => require_all = true,
            Some("ballot") => ballots.push(
                words
                    .map(|w| {
                        let (id, score) = w.split_once('=').expect("a well-formed example file");
                        (
                            id.to_owned(),
                            score.parse().expect("a well-formed example file"),
                        )
                    })
                    .collect(),
            ),
            Some("total") => {
                total = Some(
                    words
                        .next()
                        .expect("a well-formed example file")
                        .parse::<u64>()
                        .expect("a well-formed example file"),
                )
            }
            Some("expect") => {
                let id = words.next().expect("a well-formed example file").to_owned();
                let fields = words
                    .map(|w| {
                        let (k, v) = w.split_once('=').expect("a well-formed example file");
                        (k.to_owned(), v.to_owned())
                    })
                    .collect();
                expectations.push((id, fields));
            }
            Some(other) => panic!("{name}: unknown directive {other}"),
        }
    }
    let ids: Vec<&str> = options.iter().map(String::as_str).collect();
    let q = question(scale.0, scale.1, &ids, require_all);
    let mut tally = ScoreTally::new(&q);
    for (n, ballot) in ballots.iter().enumerate() {
        let ratings: Vec<(&str, i64)> = ballot.iter().map(|(id, s)| (id.as_str(), *s)).collect();
        let valid = q
            .validate_ballot(&submission(&ratings, &format!("voter-{n:016}")))
            .unwrap_or_else(|e| panic!("{name}: ballot {n}: {e}"));
        tally.record(&valid).expect("a well-formed example file");
    }
    assert_eq!(Some(tally.total_ballots()), total, "{name}: total");
    let results = tally.options();
    assert_eq!(
        expectations.len(),
        results.len(),
        "{name}: one expect per option"
    );
    for (id, fields) in expectations {
        let result = results
            .iter()
            .find(|o| o.id.as_str() == id)
            .unwrap_or_else(|| panic!("{name}: no option {id}"));
        for (key, value) in fields {
            match key.as_str() {
                "count" => assert_eq!(result.count.to_string(), value, "{name}: {id} count"),
                "mean" => assert_eq!(result.mean, parse_ratio(&value), "{name}: {id} mean"),
                "median" => {
                    assert_eq!(result.median, parse_ratio(&value), "{name}: {id} median")
                }
                "distribution" => {
                    let counts: Vec<String> = result
                        .distribution
                        .iter()
                        .map(|p| p.count.to_string())
                        .collect();
                    assert_eq!(counts.join(","), value, "{name}: {id} distribution");
                    let scores: Vec<i64> = result
                        .distribution
                        .iter()
                        .map(|p| i64::from(p.score))
                        .collect();
                    assert_eq!(scores, (scale.0..=scale.1).collect::<Vec<_>>());
                }
                other => panic!("{name}: unknown field {other}"),
            }
        }
    }
}

#[test]
fn worked_examples_match_hand_computed_statistics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/score");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "every example file is checked");
    for file in files {
        check_example(&file);
    }
}

#[test]
fn means_round_for_display_half_away_from_zero() {
    // 13/3 = 4.333… → 4.33; 5/2 → 3 at 0 decimals; −1/2 → −1.
    assert_eq!(Ratio::new(13, 3).round_half_away(2), 433);
    assert_eq!(Ratio::new(5, 2).round_half_away(0), 3);
    assert_eq!(Ratio::new(-1, 2).round_half_away(0), -1);
    assert_eq!(Ratio::new(13, 3).to_string(), "13/3");
    assert!((Ratio::new(13, 3).to_f64() - 4.333_333).abs() < 1e-6);
}

// ---------------------------------------------------------------------------------------------
// Tally bookkeeping
// ---------------------------------------------------------------------------------------------

#[test]
fn tally_rejects_foreign_ballots_and_impossible_counts() {
    let q = question(1, 5, &["a", "b"], false);
    let other: ScoreQuestion = serde_json::from_value(json!({
        "slug": "other", "default_language": "en", "question": {"en": "Q"},
        "scale": {"min": 1, "max": 5}, "options": [{"id": "a", "label": {"en": "A"}}]
    }))
    .unwrap();
    let foreign = other
        .validate_ballot(&submission(&[("a", 3)], VOTER))
        .unwrap();
    let mut tally = ScoreTally::new(&q);
    assert!(matches!(
        tally.record(&foreign),
        Err(ScoreTallyError::WrongQuestion { .. })
    ));
    assert_eq!(tally.total_ballots(), 0);

    let a = q.options()[0].id.clone();
    assert!(matches!(
        ScoreTally::from_counts(&q, 1, &[(a.clone(), 3, 2)]),
        Err(ScoreTallyError::ImpossibleCount {
            count: 2,
            total: 1,
            ..
        })
    ));
    assert!(matches!(
        ScoreTally::from_counts(&q, 1, &[(a.clone(), 6, 1)]),
        Err(ScoreTallyError::OffScale { score: 6, .. })
    ));
    let rebuilt = ScoreTally::from_counts(&q, 2, &[(a.clone(), 3, 1), (a, 5, 1)]).unwrap();
    assert_eq!(rebuilt.options()[0].mean, Some(Ratio::new(4, 1)));
    assert_eq!(rebuilt.options()[1].count, 0);
}

proptest! {
    /// For random scales and ballots: each distribution sums to its count; the mean and the
    /// median lie within the scale (and the median between the lowest and highest rating); no
    /// option is rated more often than there are ballots; and a tally rebuilt from its
    /// distribution equals the streamed one.
    #[test]
    fn tally_invariants(
        min in -10i64..=5,
        width in 1i64..=10,
        ballots in prop::collection::vec(
            prop::collection::vec(prop::option::of(0i64..=10), 3),
            0..80,
        ),
    ) {
        let max = min + width;
        let q = question(min, max, &["a", "b", "c"], false);
        let mut tally = ScoreTally::new(&q);
        let mut rated: Vec<Vec<i64>> = vec![Vec::new(); 3];
        for (n, ballot) in ballots.iter().enumerate() {
            let ratings: Vec<(&str, i64)> = ["a", "b", "c"]
                .iter()
                .zip(ballot)
                .filter_map(|(id, score)| score.map(|s| (*id, min + s % (width + 1))))
                .collect();
            if ratings.is_empty() {
                continue;
            }
            for (i, id) in ["a", "b", "c"].iter().enumerate() {
                if let Some((_, s)) = ratings.iter().find(|(r, _)| r == id) {
                    rated[i].push(*s);
                }
            }
            let valid = q.validate_ballot(&submission(&ratings, &format!("voter-{n:016}"))).unwrap();
            tally.record(&valid).unwrap();
        }
        let mut rows = Vec::new();
        for (i, option) in tally.options().iter().enumerate() {
            let sum: u64 = option.distribution.iter().map(|p| p.count).sum();
            prop_assert_eq!(sum, option.count);
            prop_assert_eq!(option.count, rated[i].len() as u64);
            prop_assert!(option.count <= tally.total_ballots());
            if let (Some(mean), Some(median)) = (option.mean, option.median) {
                let (lo, hi) = (*rated[i].iter().min().unwrap(), *rated[i].iter().max().unwrap());
                prop_assert!(mean.to_f64() >= lo as f64 && mean.to_f64() <= hi as f64);
                prop_assert!(median.to_f64() >= lo as f64 && median.to_f64() <= hi as f64);
                prop_assert!(lo >= min && hi <= max);
                let exact_sum: i64 = rated[i].iter().sum();
                prop_assert_eq!(mean, Ratio::new(exact_sum.into(), option.count));
                prop_assert!(median.denominator() == 1 || median.denominator() == 2);
            } else {
                prop_assert_eq!(option.count, 0);
            }
            for point in &option.distribution {
                if point.count > 0 {
                    rows.push((option.id.clone(), i64::from(point.score), point.count));
                }
            }
        }
        let rebuilt = ScoreTally::from_counts(&q, tally.total_ballots(), &rows).unwrap();
        prop_assert_eq!(rebuilt, tally);
    }
}
