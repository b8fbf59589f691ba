//! Consultations: every cell of the phase table and of the moderation table (both read from
//! `test_data/consultation/`), every life-cycle transition, the rules for comments, replies,
//! reactions and reports, the "we asked, you said, we did" report, and a property test that
//! moderation never publishes a rejected comment.

use std::path::Path;

use baraza_core::consultation::{
    Action, CommentId, CommentTextError, Consultation, ConsultationError, ConsultationPhase,
    ConsultationSettings, ModerationAction, ModerationState, ParticipantId, Reaction,
    RejectionReason, Stance,
};
use baraza_core::{DefinitionProblem, ErrorCode, LocalizedText, OffsetDateTime};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2027-01-10 08:00 UTC);

fn at(days: i64) -> OffsetDateTime {
    T0 + Duration::days(days)
}

fn en(text: &str) -> LocalizedText {
    LocalizedText::new("en", text).expect("non-blank English text")
}

fn who(name: &str) -> ParticipantId {
    ParticipantId::parse(name).expect("valid participant id")
}

fn draft(settings: ConsultationSettings) -> Consultation {
    let mut c = Consultation::new("bus-lanes", "en", en("Bus lanes"), settings)
        .expect("valid consultation");
    c.add_section("route", en("The route"), en("Buses would run…"))
        .expect("draft accepts sections");
    c.add_section("fares", en("Fares"), en("Fares would be…"))
        .expect("draft accepts sections");
    c
}

/// Comment ids in the fixtures below.
const PUBLISHED: CommentId = CommentId(1);
const PENDING: CommentId = CommentId(2);
const HIDDEN: CommentId = CommentId(3);

/// A consultation in `phase` whose comments (once open) are: 1 published (with a "disagree"
/// from zawadi), 2 pending, 3 hidden by a moderator. Life-cycle steps happen on days 0, 20 and 30.
fn in_phase(phase: ConsultationPhase) -> Consultation {
    let mut c = draft(ConsultationSettings::default());
    if phase == ConsultationPhase::Draft {
        return c;
    }
    c.open(at(0)).expect("open");
    for (n, text) in ["Yes please", "Not sure", "Rude words"].iter().enumerate() {
        c.comment(
            "route",
            &who(&format!("p{n}")),
            Stance::Support,
            text,
            at(1),
        )
        .expect("comment while open");
    }
    c.moderate(PUBLISHED, ModerationAction::Publish, at(2))
        .expect("publish");
    c.moderate(HIDDEN, ModerationAction::Publish, at(2))
        .expect("publish");
    c.moderate(HIDDEN, ModerationAction::Hide, at(3))
        .expect("hide");
    c.react(PUBLISHED, &who("zawadi"), Reaction::Disagree)
        .expect("react");
    if phase == ConsultationPhase::Open {
        return c;
    }
    c.close(at(20)).expect("close");
    if phase == ConsultationPhase::Closed {
        return c;
    }
    c.publish_outcome(en("We will build them."), at(30))
        .expect("publish outcome");
    c
}

const PHASES: [ConsultationPhase; 4] = [
    ConsultationPhase::Draft,
    ConsultationPhase::Open,
    ConsultationPhase::Closed,
    ConsultationPhase::OutcomePublished,
];

fn action_named(name: &str) -> Action {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).expect("an action name")
}

fn read_table(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data/consultation")
        .join(name);
    std::fs::read_to_string(path)
        .expect("table file")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Every call that belongs to `action`, each made on a fresh copy of `base`, with arguments
/// that succeed whenever the phase allows the action.
fn attempts(
    action: Action,
    base: &Consultation,
) -> Vec<(Consultation, Result<(), ConsultationError>)> {
    let later = at(40);
    let run = |f: &dyn Fn(&mut Consultation) -> Result<(), ConsultationError>| {
        let mut c = base.clone();
        let result = f(&mut c);
        (c, result)
    };
    match action {
        Action::EditDocument => vec![
            run(&|c| c.set_title(en("New title"))),
            run(&|c| c.add_section("stops", en("Stops"), en("Stops would be…"))),
            run(&|c| c.edit_section("route", en("Route"), en("Changed"))),
            run(&|c| c.remove_section("fares")),
            run(&|c| c.move_section("fares", 0)),
        ],
        Action::Open => vec![run(&|c| c.open(later))],
        Action::Close => vec![run(&|c| c.close(later))],
        Action::Comment => {
            vec![run(&|c| {
                c.comment("fares", &who("zawadi"), Stance::Question, "Why?", later)
                    .map(drop)
            })]
        }
        Action::Reply => {
            vec![run(&|c| {
                c.reply(PUBLISHED, &who("zawadi"), "Agreed", later)
                    .map(drop)
            })]
        }
        Action::React => vec![
            run(&|c| {
                c.react(PUBLISHED, &who("zawadi"), Reaction::Agree)
                    .map(drop)
            }),
            run(&|c| c.withdraw_reaction(PUBLISHED, &who("zawadi")).map(drop)),
        ],
        Action::Report => vec![run(&|c| c.report(PUBLISHED, &who("zawadi")).map(drop))],
        Action::PublishOrRestore => vec![
            run(&|c| {
                c.moderate(PENDING, ModerationAction::Publish, later)
                    .map(drop)
            }),
            run(&|c| {
                c.moderate(HIDDEN, ModerationAction::Restore, later)
                    .map(drop)
            }),
        ],
        Action::RejectOrHide => vec![
            run(&|c| {
                c.moderate(PUBLISHED, ModerationAction::Hide, later)
                    .map(drop)
            }),
            run(&|c| {
                let reason = RejectionReason::Offensive;
                c.moderate(PENDING, ModerationAction::Reject { reason }, later)
                    .map(drop)
            }),
        ],
        Action::Respond => vec![run(&|c| c.respond("route", en("We heard you."), later))],
        Action::PublishOutcome => vec![run(&|c| c.publish_outcome(en("Done."), later))],
    }
}

#[test]
fn phase_table_file_matches_allows() {
    let rows = read_table("phase-table.txt");
    assert_eq!(rows.len(), 11, "one row per action");
    for row in rows {
        let action = action_named(&row[0]);
        for (phase, cell) in PHASES.iter().zip(&row[1..]) {
            assert_eq!(
                phase.allows(action),
                cell == "yes",
                "{action:?} in {phase:?}"
            );
        }
    }
}

#[test]
fn every_method_enforces_the_phase_table() {
    let mut checked = 0;
    for row in read_table("phase-table.txt") {
        let action = action_named(&row[0]);
        for (phase, cell) in PHASES.iter().zip(&row[1..]) {
            let base = in_phase(*phase);
            assert_eq!(base.phase(), *phase);
            for (after, result) in attempts(action, &base) {
                checked += 1;
                if cell == "yes" {
                    assert_eq!(result, Ok(()), "{action:?} should be allowed in {phase:?}");
                    assert_ne!(after, base, "an allowed {action:?} changes something");
                } else {
                    let error = result.expect_err("forbidden");
                    assert_eq!(
                        error,
                        ConsultationError::WrongPhase {
                            action,
                            phase: *phase
                        },
                        "{action:?} in {phase:?}"
                    );
                    assert_eq!(error.code(), ErrorCode::ConsultationWrongPhase);
                    assert_eq!(after, base, "a refused {action:?} changes nothing");
                }
            }
        }
    }
    assert_eq!(checked, 4 * 18, "18 calls in each of 4 phases");
}

#[test]
fn wrong_phase_messages_name_the_action_and_the_phase() {
    let mut c = in_phase(ConsultationPhase::Closed);
    let error = c
        .comment("route", &who("late"), Stance::Oppose, "Too late?", at(41))
        .expect_err("closed");
    assert_eq!(
        error.to_string(),
        "cannot comment while the consultation is closed"
    );
    assert_eq!(
        c.open(at(41)).expect_err("not a draft").to_string(),
        "cannot open the consultation while the consultation is closed"
    );
}

/// Drives `c` one step towards `to`; the only steps there are.
fn step(
    c: &mut Consultation,
    to: ConsultationPhase,
    now: OffsetDateTime,
) -> Result<(), ConsultationError> {
    match to {
        ConsultationPhase::Draft => panic!("no step leads back to draft"),
        ConsultationPhase::Open => c.open(now),
        ConsultationPhase::Closed => c.close(now),
        ConsultationPhase::OutcomePublished => c.publish_outcome(en("Outcome"), now),
    }
}

#[test]
fn only_the_three_forward_transitions_exist() {
    let allowed = [
        (ConsultationPhase::Draft, ConsultationPhase::Open),
        (ConsultationPhase::Open, ConsultationPhase::Closed),
        (
            ConsultationPhase::Closed,
            ConsultationPhase::OutcomePublished,
        ),
    ];
    for from in PHASES {
        for to in PHASES
            .into_iter()
            .filter(|&p| p != ConsultationPhase::Draft)
        {
            let mut c = in_phase(from);
            let result = step(&mut c, to, at(50));
            if allowed.contains(&(from, to)) {
                assert_eq!(result, Ok(()), "{from:?} → {to:?}");
                assert_eq!(c.phase(), to);
            } else {
                assert!(
                    matches!(result, Err(ConsultationError::WrongPhase { phase, .. }) if phase == from),
                    "{from:?} → {to:?}: {result:?}"
                );
                assert_eq!(c.phase(), from);
            }
        }
    }
    // The outcome is published once: a second try is a phase error.
    let mut c = in_phase(ConsultationPhase::OutcomePublished);
    assert!(c.publish_outcome(en("Again"), at(60)).is_err());
    assert_eq!(
        c.outcome().expect("published").summary,
        en("We will build them.")
    );
    assert_eq!(c.outcome().expect("published").published_at, at(30));
}

#[test]
fn life_cycle_instants_never_go_backwards_and_opening_needs_sections() {
    let mut empty = Consultation::new("empty", "en", en("Empty"), ConsultationSettings::default())
        .expect("valid");
    assert_eq!(empty.open(at(0)), Err(ConsultationError::NoSections));
    assert_eq!(empty.phase(), ConsultationPhase::Draft);

    let mut c = draft(ConsultationSettings::default());
    c.open(at(5)).expect("open");
    assert_eq!(c.opened_at(), Some(at(5)));
    assert!(matches!(
        c.close(at(4)),
        Err(ConsultationError::TimeBeforePreviousStep {
            action: Action::Close,
            ..
        })
    ));
    assert!(matches!(
        c.comment("route", &who("early"), Stance::Neutral, "Hi", at(4)),
        Err(ConsultationError::TimeBeforePreviousStep {
            action: Action::Comment,
            ..
        })
    ));
    c.close(at(5))
        .expect("closing at the opening instant is allowed");
    assert!(c.respond("route", en("Noted"), at(4)).is_err());
    assert!(c.publish_outcome(en("Done"), at(4)).is_err());
    assert_eq!(c.phase(), ConsultationPhase::Closed);
}

// ---------------------------------------------------------------------------------------------
// Moderation
// ---------------------------------------------------------------------------------------------

fn state_named(name: &str) -> Option<ModerationState> {
    match name {
        "pending" => Some(ModerationState::Pending),
        "published" => Some(ModerationState::Published),
        "hidden" => Some(ModerationState::Hidden),
        "rejected" => Some(ModerationState::Rejected {
            reason: RejectionReason::Spam,
        }),
        "-" => None,
        other => panic!("unknown state {other}"),
    }
}

/// An open consultation with one comment in `state`.
fn comment_in(state: ModerationState) -> Consultation {
    let mut c = draft(ConsultationSettings::default());
    c.open(at(0)).expect("open");
    let id = c
        .comment("route", &who("amina"), Stance::Support, "Good", at(1))
        .expect("comment");
    let steps: &[ModerationAction] = match state {
        ModerationState::Pending => &[],
        ModerationState::Published => &[ModerationAction::Publish],
        ModerationState::Hidden => &[ModerationAction::Publish, ModerationAction::Hide],
        ModerationState::Rejected { .. } => &[ModerationAction::Reject {
            reason: RejectionReason::Spam,
        }],
    };
    for &action in steps {
        c.moderate(id, action, at(2)).expect("set up the state");
    }
    assert_eq!(c.comment_by_id(id).expect("exists").state(), state);
    c
}

#[test]
fn moderation_table_file_matches_every_step() {
    let rows = read_table("moderation-table.txt");
    assert_eq!(rows.len(), 4);
    let actions = [
        ModerationAction::Publish,
        ModerationAction::Reject {
            reason: RejectionReason::Spam,
        },
        ModerationAction::Hide,
        ModerationAction::Restore,
    ];
    for row in rows {
        let from = state_named(&row[0]).expect("a state");
        for (action, cell) in actions.iter().zip(&row[1..]) {
            let expected = state_named(cell);
            assert_eq!(action.apply_to(from), expected, "{action:?} from {from:?}");
            let mut c = comment_in(from);
            let before = c.clone();
            match (c.moderate(CommentId(1), *action, at(3)), expected) {
                (Ok(state), Some(expected)) => {
                    assert_eq!(state, expected);
                    assert_eq!(
                        c.comment_by_id(CommentId(1))
                            .expect("exists")
                            .moderated_at(),
                        Some(at(3))
                    );
                }
                (Err(error), None) => {
                    assert_eq!(error.code(), ErrorCode::InvalidModeration, "{error}");
                    assert_eq!(c, before, "a refused step changes nothing");
                }
                (result, expected) => {
                    panic!("{action:?} from {from:?}: {result:?}, expected {expected:?}")
                }
            }
        }
    }
    let mut c = comment_in(ModerationState::Rejected {
        reason: RejectionReason::Spam,
    });
    assert_eq!(
        c.moderate(CommentId(1), ModerationAction::Publish, at(3))
            .expect_err("final")
            .to_string(),
        "cannot publish comment 1: it is rejected"
    );
}

#[test]
fn rejection_reasons_serialise_as_stable_codes() {
    let state = ModerationState::Rejected {
        reason: RejectionReason::PersonalData,
    };
    assert_eq!(
        serde_json::to_string(&state).expect("serialises"),
        r#"{"state":"rejected","reason":"personal_data"}"#
    );
    let action: ModerationAction =
        serde_json::from_str(r#"{"action":"reject","reason":"off_topic"}"#).expect("parses");
    assert_eq!(
        action,
        ModerationAction::Reject {
            reason: RejectionReason::OffTopic
        }
    );
}

#[test]
fn reports_hide_a_comment_at_the_threshold_and_restoring_clears_them() {
    let settings = ConsultationSettings {
        hide_after_reports: 2,
        ..ConsultationSettings::default()
    };
    let mut c = draft(settings);
    c.open(at(0)).expect("open");
    let id = c
        .comment("route", &who("amina"), Stance::Oppose, "No", at(1))
        .expect("comment");
    assert_eq!(
        c.report(id, &who("r1")),
        Err(ConsultationError::CommentNotPublished { id }),
        "pending comments cannot be reported"
    );
    c.moderate(id, ModerationAction::Publish, at(1))
        .expect("publish");
    assert_eq!(c.report(id, &who("r1")), Ok(ModerationState::Published));
    let again = c
        .report(id, &who("r1"))
        .expect_err("one report per participant");
    assert_eq!(again, ConsultationError::AlreadyReported { id });
    assert_eq!(again.code(), ErrorCode::AlreadyReported);
    assert_eq!(c.report(id, &who("r2")), Ok(ModerationState::Hidden));
    assert_eq!(c.comment_by_id(id).expect("exists").report_count(), 2);
    assert_eq!(c.published_comments().count(), 0);
    assert_eq!(
        c.comment_by_id(id).expect("exists").moderated_at(),
        Some(at(1)),
        "automatic hiding is not a moderator step"
    );

    c.moderate(id, ModerationAction::Restore, at(2))
        .expect("restore");
    let restored = c.comment_by_id(id).expect("exists");
    assert_eq!(
        (restored.state(), restored.report_count()),
        (ModerationState::Published, 0)
    );
    assert_eq!(
        c.report(id, &who("r1")),
        Ok(ModerationState::Published),
        "reports start again"
    );

    // Reports stay possible after closing and after the outcome.
    c.close(at(3)).expect("close");
    c.publish_outcome(en("Done"), at(4)).expect("outcome");
    assert_eq!(c.report(id, &who("r3")), Ok(ModerationState::Hidden));
}

// ---------------------------------------------------------------------------------------------
// Comments, replies, reactions
// ---------------------------------------------------------------------------------------------

fn open_without_premoderation() -> Consultation {
    let settings = ConsultationSettings {
        premoderation: false,
        max_comment_len: 50,
        ..ConsultationSettings::default()
    };
    let mut c = draft(settings);
    c.open(at(0)).expect("open");
    c
}

#[test]
fn replies_are_one_level_deep_and_need_a_published_parent() {
    let mut c = open_without_premoderation();
    let top = c
        .comment(
            "fares",
            &who("amina"),
            Stance::Question,
            "Student fares?",
            at(1),
        )
        .expect("comment");
    let reply = c
        .reply(top, &who("official"), "Yes, half price.", at(2))
        .expect("reply");
    let stored = c.comment_by_id(reply).expect("exists");
    assert_eq!((stored.parent(), stored.stance()), (Some(top), None));
    assert_eq!(
        stored.section().as_str(),
        "fares",
        "a reply belongs to its parent's section"
    );
    let error = c
        .reply(reply, &who("amina"), "Thanks", at(3))
        .expect_err("one level");
    assert_eq!(error, ConsultationError::ReplyToReply { parent: reply });
    assert_eq!(error.code(), ErrorCode::ReplyToReply);
    assert_eq!(
        c.reply(CommentId(99), &who("amina"), "?", at(3)),
        Err(ConsultationError::CommentNotFound { id: CommentId(99) })
    );
    c.moderate(top, ModerationAction::Hide, at(3))
        .expect("hide");
    assert_eq!(
        c.reply(top, &who("b"), "More", at(4)),
        Err(ConsultationError::CommentNotPublished { id: top })
    );
    assert_eq!(
        c.comment("tolls", &who("amina"), Stance::Support, "Yes", at(1)),
        Err(ConsultationError::SectionNotFound { id: "tolls".into() })
    );
}

#[test]
fn comment_text_is_checked() {
    let mut c = open_without_premoderation();
    let cases = [
        ("   ", CommentTextError::Blank, ErrorCode::BlankText),
        (
            &"x".repeat(51)[..],
            CommentTextError::TooLong {
                length: 51,
                max: 50,
            },
            ErrorCode::TextTooLong,
        ),
        (
            "bell\u{7}",
            CommentTextError::ControlCharacter { code: 7 },
            ErrorCode::InvalidRequest,
        ),
    ];
    for (text, expected, code) in cases {
        let error = c
            .comment("route", &who("a"), Stance::Neutral, text, at(1))
            .expect_err("invalid text");
        assert_eq!(error, ConsultationError::InvalidText(expected));
        assert_eq!(error.code(), code);
    }
    let id = c
        .comment(
            "route",
            &who("a"),
            Stance::Neutral,
            "Two lines\nand a\ttab",
            at(1),
        )
        .expect("line breaks and tabs are text");
    assert_eq!(
        c.comment_by_id(id).expect("exists").text().as_str(),
        "Two lines\nand a\ttab"
    );
    assert_eq!(c.comments().len(), 1, "refused comments are not stored");
    assert!(ParticipantId::parse("").is_err());
    assert!(ParticipantId::parse("has space").is_err());
    assert!(ParticipantId::parse("x".repeat(129)).is_err());
    assert!(ParticipantId::parse("user:42@example.org").is_ok());
}

#[test]
fn each_participant_has_at_most_one_reaction_per_comment() {
    let mut c = open_without_premoderation();
    let id = c
        .comment("route", &who("amina"), Stance::Support, "Yes", at(1))
        .expect("comment");
    assert_eq!(c.react(id, &who("b"), Reaction::Agree), Ok(None));
    assert_eq!(c.react(id, &who("c"), Reaction::Agree), Ok(None));
    assert_eq!(
        c.react(id, &who("b"), Reaction::Disagree),
        Ok(Some(Reaction::Agree))
    );
    let comment = c.comment_by_id(id).expect("exists");
    assert_eq!((comment.agrees(), comment.disagrees()), (1, 1));
    assert_eq!(comment.reaction_of(&who("b")), Some(Reaction::Disagree));
    assert_eq!(
        c.withdraw_reaction(id, &who("b")),
        Ok(Some(Reaction::Disagree))
    );
    assert_eq!(c.withdraw_reaction(id, &who("b")), Ok(None));
    let comment = c.comment_by_id(id).expect("exists");
    assert_eq!((comment.agrees(), comment.disagrees()), (1, 0));
}

#[test]
fn sections_are_numbered_by_position_with_stable_ids() {
    let mut c = draft(ConsultationSettings::default());
    c.add_section("stops", en("Stops"), en("…")).expect("add");
    assert_eq!(c.section_number("stops"), Some(3));
    c.move_section("stops", 0).expect("move");
    let order: Vec<&str> = c.sections().iter().map(|s| s.id().as_str()).collect();
    assert_eq!(order, ["stops", "route", "fares"]);
    c.remove_section("route").expect("remove");
    assert_eq!(
        (c.section_number("stops"), c.section_number("fares")),
        (Some(1), Some(2))
    );
    assert_eq!(
        c.add_section("fares", en("Again"), en("…")),
        Err(ConsultationError::Definition(
            DefinitionProblem::DuplicateId {
                field: "sections[2].id".into(),
                id: "fares".into()
            }
        ))
    );
    let duplicate = c
        .add_section("fares", en("Again"), en("…"))
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), ErrorCode::DuplicateSection);
    assert_eq!(
        duplicate.to_string(),
        "sections[2].id \"fares\" is used twice"
    );
    assert!(matches!(
        c.add_section("Bad Id", en("X"), en("…")),
        Err(ConsultationError::Definition(
            DefinitionProblem::InvalidId { .. }
        ))
    ));
    let swahili = LocalizedText::new("sw", "Nauli").expect("text");
    assert!(matches!(
        c.add_section("tolls", swahili, en("…")),
        Err(ConsultationError::Definition(
            DefinitionProblem::MissingDefaultLanguage { .. }
        ))
    ));
    assert_eq!(
        c.move_section("fares", 5),
        Err(ConsultationError::PositionOutOfRange {
            position: 5,
            count: 2
        })
    );
}

#[test]
fn creation_reports_every_problem_at_once() {
    let settings = ConsultationSettings {
        hide_after_reports: 0,
        max_comment_len: 0,
        premoderation: true,
    };
    let title = LocalizedText::new("sw", "Njia za basi").expect("text");
    let errors =
        Consultation::new("Bus Lanes", "english!", title.clone(), settings).expect_err("invalid");
    assert_eq!(errors.0.len(), 4, "{errors}");
    let errors = Consultation::new("bus-lanes", "en", title, settings).expect_err("invalid");
    let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "title has no text in the default language en",
            "hide_after_reports must be at least 1; got 0",
            "max_comment_len must be 1 to 20000; got 0",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// We asked, you said, we did
// ---------------------------------------------------------------------------------------------

#[test]
fn outcome_report_counts_only_published_comments() {
    let mut c = draft(ConsultationSettings::default());
    c.open(at(0)).expect("open");
    let mut post = |name: &str, section: &str, stance: Stance| {
        c.comment(section, &who(name), stance, "text", at(1))
            .expect("comment")
    };
    let s1 = post("a", "route", Stance::Support);
    let s2 = post("b", "route", Stance::Support);
    let o1 = post("a", "route", Stance::Oppose);
    let q1 = post("c", "fares", Stance::Question);
    let pending = post("d", "route", Stance::Neutral);
    let rejected = post("e", "route", Stance::Oppose);
    let hidden = post("f", "route", Stance::Support);
    for id in [s1, s2, o1, q1, hidden] {
        c.moderate(id, ModerationAction::Publish, at(2))
            .expect("publish");
    }
    c.moderate(
        rejected,
        ModerationAction::Reject {
            reason: RejectionReason::Spam,
        },
        at(2),
    )
    .expect("reject");
    c.moderate(hidden, ModerationAction::Hide, at(2))
        .expect("hide");
    let reply = c
        .reply(q1, &who("official"), "Answer", at(3))
        .expect("reply");
    c.moderate(reply, ModerationAction::Publish, at(3))
        .expect("publish");
    c.react(s1, &who("x"), Reaction::Agree).expect("react");
    c.react(s1, &who("y"), Reaction::Agree).expect("react");
    c.react(o1, &who("x"), Reaction::Disagree).expect("react");
    c.close(at(10)).expect("close");
    c.respond("route", en("Lanes approved"), at(11))
        .expect("respond");
    c.respond("route", en("Lanes approved with changes"), at(12))
        .expect("a response can be replaced until the outcome");

    let preview = c.outcome_report();
    assert!(preview.outcome.is_none());
    c.publish_outcome(en("We asked about bus lanes…"), at(13))
        .expect("outcome");
    let report = c.outcome_report();
    assert_eq!(report.phase, ConsultationPhase::OutcomePublished);
    let route = &report.sections[0];
    assert_eq!((route.number, route.id.as_str()), (1, "route"));
    // Published on route: s1, s2 (support), o1 (oppose); pending, rejected and hidden are not counted.
    assert_eq!(
        (
            route.you_said.support,
            route.you_said.oppose,
            route.you_said.neutral,
            route.you_said.question
        ),
        (2, 1, 0, 0)
    );
    assert_eq!((route.you_said.agrees, route.you_said.disagrees), (2, 1));
    assert_eq!(route.you_said.commenters, 2, "a and b");
    assert_eq!(
        route.we_did.as_ref().expect("responded").text,
        en("Lanes approved with changes")
    );
    let fares = &report.sections[1];
    assert_eq!((fares.you_said.question, fares.you_said.replies), (1, 1));
    assert!(fares.we_did.is_none());
    assert_eq!(
        report.outcome.as_ref().expect("published").summary,
        en("We asked about bus lanes…")
    );
    let _ = pending;
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(json["sections"][0]["you_said"]["support"], 2);
    assert_eq!(json["phase"], "outcome_published");
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Comment(usize, usize),
    Reply(usize, usize),
    React(usize, usize, bool),
    Report(usize, usize),
    Moderate(usize, u8),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..2, 0usize..5).prop_map(|(s, p)| Op::Comment(s, p)),
        2 => (0usize..12, 0usize..5).prop_map(|(c, p)| Op::Reply(c, p)),
        2 => (0usize..12, 0usize..5, any::<bool>()).prop_map(|(c, p, a)| Op::React(c, p, a)),
        3 => (0usize..12, 0usize..5).prop_map(|(c, p)| Op::Report(c, p)),
        4 => (0usize..12, 0u8..4).prop_map(|(c, a)| Op::Moderate(c, a)),
        1 => Just(Op::Close),
    ]
}

proptest! {
    /// Whatever happens, a comment once rejected stays rejected (moderation never publishes a
    /// rejected comment), a hidden comment was hidden by a moderator or reached the report
    /// threshold, no participant has two reactions on a comment, and the outcome report counts
    /// exactly the published top-level comments.
    #[test]
    fn moderation_never_publishes_a_rejected_comment(
        threshold in 1u32..4,
        premoderation in any::<bool>(),
        ops in prop::collection::vec(op(), 0..80),
    ) {
        let settings = ConsultationSettings { hide_after_reports: threshold, premoderation, ..ConsultationSettings::default() };
        let mut c = draft(settings);
        c.open(at(0)).expect("open");
        let sections = ["route", "fares"];
        let people: Vec<ParticipantId> = (0..5).map(|i| who(&format!("p{i}"))).collect();
        let mut ever_rejected = std::collections::BTreeSet::new();
        let mut hidden_by_moderator = std::collections::BTreeSet::new();
        for (step, op) in ops.iter().enumerate() {
            let now = at(1 + step as i64);
            let id = |n: usize| CommentId(n as u64 + 1);
            match *op {
                Op::Comment(s, p) => { let _ = c.comment(sections[s], &people[p], Stance::Support, "text", now); }
                Op::Reply(n, p) => { let _ = c.reply(id(n), &people[p], "reply", now); }
                Op::React(n, p, agree) => {
                    let reaction = if agree { Reaction::Agree } else { Reaction::Disagree };
                    let _ = c.react(id(n), &people[p], reaction);
                }
                Op::Report(n, p) => { let _ = c.report(id(n), &people[p]); }
                Op::Moderate(n, a) => {
                    let action = match a {
                        0 => ModerationAction::Publish,
                        1 => ModerationAction::Reject { reason: RejectionReason::Spam },
                        2 => ModerationAction::Hide,
                        _ => ModerationAction::Restore,
                    };
                    if c.moderate(id(n), action, now).is_ok() {
                        match action {
                            ModerationAction::Reject { .. } => { ever_rejected.insert(id(n)); }
                            ModerationAction::Hide => { hidden_by_moderator.insert(id(n)); }
                            ModerationAction::Restore => { hidden_by_moderator.remove(&id(n)); }
                            ModerationAction::Publish => {}
                        }
                    }
                }
                Op::Close => { let _ = c.close(now); }
            }
            for comment in c.comments() {
                if ever_rejected.contains(&comment.id()) {
                    let rejected = matches!(comment.state(), ModerationState::Rejected { .. });
                    prop_assert!(rejected, "comment {} left the rejected state", comment.id());
                }
                if comment.state() == ModerationState::Hidden && !hidden_by_moderator.contains(&comment.id()) {
                    prop_assert!(comment.report_count() >= threshold as usize);
                }
                prop_assert!(comment.agrees() + comment.disagrees() <= people.len() as u64);
            }
        }
        let report = c.outcome_report();
        let counted: u64 = report.sections.iter().map(|s| s.you_said.support).sum();
        let published_top_level = c.published_comments().filter(|x| x.parent().is_none()).count() as u64;
        prop_assert_eq!(counted, published_top_level);
        let replies: u64 = report.sections.iter().map(|s| s.you_said.replies).sum();
        prop_assert_eq!(replies, c.published_comments().filter(|x| x.parent().is_some()).count() as u64);
    }
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

/// A consultation with every kind of record: sections, a published comment with a reply and
/// reactions, a hidden and a pending comment, an official response and the outcome.
fn full_record() -> Consultation {
    let mut c = in_phase(ConsultationPhase::Open);
    let reply = c
        .reply(PUBLISHED, &who("official"), "Thank you", at(4))
        .expect("reply");
    c.moderate(reply, ModerationAction::Publish, at(4))
        .expect("publish");
    c.report(PUBLISHED, &who("r1")).expect("report");
    c.close(at(20)).expect("close");
    c.respond("route", en("Approved"), at(21)).expect("respond");
    c.publish_outcome(en("Lanes go ahead"), at(30))
        .expect("outcome");
    c
}

#[test]
fn consultations_survive_a_json_round_trip() {
    for c in [
        in_phase(ConsultationPhase::Draft),
        in_phase(ConsultationPhase::Open),
        in_phase(ConsultationPhase::Closed),
        full_record(),
    ] {
        let json = serde_json::to_string(&c).expect("serialises");
        let back: Consultation = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, c);
    }
    let json = serde_json::to_value(full_record()).expect("serialises");
    assert_eq!(json["phase"], "outcome_published");
    assert_eq!(json["comments"][3]["parent"], 1);
    assert_eq!(json["comments"][0]["reactions"]["zawadi"], "disagree");
    assert_eq!(
        json["comments"][2]["state"],
        serde_json::json!({"state": "hidden"})
    );
}

#[test]
fn inconsistent_stored_consultations_are_refused_with_every_problem() {
    let good = serde_json::to_value(full_record()).expect("serialises");
    let check = |edit: &dyn Fn(&mut serde_json::Value), expected: &[&str]| {
        let mut value = good.clone();
        edit(&mut value);
        let error = serde_json::from_value::<Consultation>(value)
            .expect_err("inconsistent")
            .to_string();
        for part in expected {
            assert!(error.contains(part), "{error:?} should mention {part:?}");
        }
    };
    check(
        &|v| v["phase"] = "draft".into(),
        &[
            "section \"route\" has an official response, but the consultation is draft",
            "a draft has no opened_at",
            "a draft has no comments",
        ],
    );
    check(
        &|v| v["comments"][3]["parent"] = 4.into(),
        &["reply 4 answers comment 4, which does not come before it"],
    );
    check(
        &|v| v["comments"][1]["parent"] = 4.into(),
        &["reply 2 has a stance"],
    );
    check(
        &|v| v["comments"][0]["id"] = 7.into(),
        &["comment 7 is at position 1"],
    );
    check(
        &|v| v["comments"][0]["section"] = "tolls".into(),
        &["comment 1 is on unknown section \"tolls\""],
    );
    check(
        &|v| v["comments"][0]["text"] = " ".into(),
        &["the comment is blank"],
    );
    check(
        &|v| v["settings"]["max_comment_len"] = 5.into(),
        &["comment 1 is 10 characters; the limit is 5"],
    );
    check(
        &|v| v["sections"][1]["id"] = "route".into(),
        &["section \"route\" appears twice"],
    );
    check(
        &|v| v["closed_at"] = "2027-01-01T00:00:00Z".into(),
        &["must be in time order"],
    );
    check(
        &|v| v["outcome"] = serde_json::Value::Null,
        &["a published outcome is missing"],
    );
    check(&|v| v["slug"] = "Bad Slug".into(), &["slug \"Bad Slug\""]);
}
