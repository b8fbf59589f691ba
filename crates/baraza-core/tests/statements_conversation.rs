//! Statements and votes: text rules (every problem reported, each with its code), moderation,
//! last-vote-wins, and refusals of unknown or rejected statements and duplicate ids.

use baraza_core::ErrorCode;
use baraza_core::statements::{
    Conversation, ConversationError, MAX_STATEMENT_CHARS, Moderation, ParticipantId, StatementId,
    StatementText, StatementTextError, Vote, VoteOutcome,
};

fn text(s: &str) -> StatementText {
    StatementText::parse(s).expect("valid statement text")
}

fn conversation_with(ids: &[u64]) -> Conversation {
    let mut conversation = Conversation::new();
    for &id in ids {
        conversation
            .add_statement(
                StatementId(id),
                ParticipantId(100),
                text(&format!("Statement {id}")),
            )
            .expect("valid test data");
    }
    conversation
}

#[test]
fn text_is_trimmed_and_kept_up_to_the_limit() {
    assert_eq!(
        text("  Light the park at night \u{a0}").as_str(),
        "Light the park at night"
    );
    let longest = "é".repeat(MAX_STATEMENT_CHARS);
    assert_eq!(text(&longest).as_str().chars().count(), MAX_STATEMENT_CHARS);
    // Whitespace around the text does not count towards the limit.
    assert!(StatementText::parse(&format!("  {longest}  ")).is_ok());
}

#[test]
fn text_problems_are_all_reported_with_codes() {
    let blank = StatementText::parse(" \t\n ").unwrap_err();
    assert_eq!(blank.errors(), [StatementTextError::Blank]);
    assert_eq!(blank.primary_code(), ErrorCode::StatementBlank);
    assert_eq!(blank.to_string(), "statement text is blank");

    let too_long = "x".repeat(MAX_STATEMENT_CHARS + 1);
    let error = StatementText::parse(&too_long).unwrap_err();
    assert_eq!(error.errors(), [StatementTextError::TooLong { chars: 141 }]);
    assert_eq!(error.primary_code(), ErrorCode::StatementTooLong);
    assert_eq!(
        error.to_string(),
        "statement text has 141 characters; at most 140 are allowed"
    );

    let both = format!("{too_long}\nsecond line\u{7}");
    let error = StatementText::parse(&both).unwrap_err();
    let codes: Vec<ErrorCode> = error
        .errors()
        .iter()
        .map(StatementTextError::code)
        .collect();
    assert_eq!(
        codes,
        [
            ErrorCode::StatementTooLong,
            ErrorCode::StatementControlCharacter,
            ErrorCode::StatementControlCharacter
        ]
    );
    assert_eq!(
        error.errors()[1],
        StatementTextError::ControlCharacter {
            code_point: 0x0A,
            position: 141
        }
    );
    assert!(
        error
            .to_string()
            .contains("control character U+000A at character 141")
    );
}

#[test]
fn text_deserialisation_applies_the_same_rules() {
    let ok: StatementText = serde_json::from_str(r#"" Fewer meetings ""#).unwrap();
    assert_eq!(ok.as_str(), "Fewer meetings");
    assert_eq!(serde_json::to_string(&ok).unwrap(), r#""Fewer meetings""#);
    assert!(serde_json::from_str::<StatementText>(r#""   ""#).is_err());
}

#[test]
fn votes_and_ids_serialise_as_documented() {
    assert_eq!(
        serde_json::to_string(&Vote::Disagree).unwrap(),
        r#""disagree""#
    );
    assert_eq!(
        serde_json::to_string(&Moderation::Rejected).unwrap(),
        r#""rejected""#
    );
    assert_eq!(serde_json::to_string(&StatementId(42)).unwrap(), "42");
    assert_eq!(
        [Vote::Agree, Vote::Disagree, Vote::Pass].map(Vote::value),
        [1, -1, 0]
    );
}

#[test]
fn the_last_vote_wins() {
    let mut conversation = conversation_with(&[1, 2]);
    let p = ParticipantId(7);
    assert_eq!(
        conversation.vote(p, StatementId(1), Vote::Agree),
        Ok(VoteOutcome::Recorded)
    );
    assert_eq!(
        conversation.vote(p, StatementId(1), Vote::Agree),
        Ok(VoteOutcome::Unchanged)
    );
    assert_eq!(
        conversation.vote(p, StatementId(1), Vote::Disagree),
        Ok(VoteOutcome::Changed {
            previous: Vote::Agree
        })
    );
    assert_eq!(
        conversation.vote(p, StatementId(2), Vote::Pass),
        Ok(VoteOutcome::Recorded)
    );
    assert_eq!(
        conversation.vote_of(p, StatementId(1)),
        Some(Vote::Disagree)
    );
    assert_eq!(conversation.vote_of(p, StatementId(2)), Some(Vote::Pass));
    assert_eq!(conversation.vote_of(ParticipantId(8), StatementId(1)), None);
    assert_eq!(
        conversation.vote_count(),
        2,
        "a changed vote is still one vote"
    );
    assert_eq!(conversation.participant_count(), 1);
    let votes: Vec<_> = conversation.votes_of(p).collect();
    assert_eq!(
        votes,
        [
            (StatementId(1), Vote::Disagree),
            (StatementId(2), Vote::Pass)
        ]
    );
}

#[test]
fn unknown_and_rejected_statements_take_no_votes() {
    let mut conversation = conversation_with(&[1, 2]);
    let p = ParticipantId(7);
    let error = conversation
        .vote(p, StatementId(3), Vote::Agree)
        .unwrap_err();
    assert_eq!(
        error,
        ConversationError::UnknownStatement { id: StatementId(3) }
    );
    assert_eq!(error.code(), ErrorCode::UnknownStatement);
    assert_eq!(error.to_string(), "the conversation has no statement 3");

    conversation.vote(p, StatementId(2), Vote::Agree).unwrap();
    conversation
        .moderate(StatementId(2), Moderation::Rejected)
        .unwrap();
    let error = conversation
        .vote(p, StatementId(2), Vote::Disagree)
        .unwrap_err();
    assert_eq!(
        error,
        ConversationError::StatementRejected { id: StatementId(2) }
    );
    assert_eq!(error.code(), ErrorCode::StatementRejected);
    // The earlier vote is kept, unchanged, and counts again once the statement is accepted.
    assert_eq!(conversation.vote_of(p, StatementId(2)), Some(Vote::Agree));
    conversation
        .moderate(StatementId(2), Moderation::Accepted)
        .unwrap();
    assert_eq!(
        conversation.vote(p, StatementId(2), Vote::Disagree),
        Ok(VoteOutcome::Changed {
            previous: Vote::Agree
        })
    );
    assert_eq!(
        conversation.moderate(StatementId(9), Moderation::Rejected),
        Err(ConversationError::UnknownStatement { id: StatementId(9) })
    );
    // Nothing was recorded for the refused votes.
    assert_eq!(conversation.vote_count(), 1);
}

#[test]
fn statement_ids_are_unique() {
    let mut conversation = conversation_with(&[5]);
    let error = conversation
        .add_statement(StatementId(5), ParticipantId(1), text("Again"))
        .unwrap_err();
    assert_eq!(
        error,
        ConversationError::DuplicateStatement { id: StatementId(5) }
    );
    assert_eq!(error.code(), ErrorCode::DuplicateStatement);
    assert_eq!(
        conversation
            .statement(StatementId(5))
            .unwrap()
            .text()
            .as_str(),
        "Statement 5"
    );
}

#[test]
fn statements_are_listed_in_id_order_with_their_details() {
    let mut conversation = conversation_with(&[30, 10, 20]);
    conversation
        .moderate(StatementId(20), Moderation::Rejected)
        .unwrap();
    let listed: Vec<(u64, Moderation)> = conversation
        .statements()
        .map(|s| (s.id().0, s.moderation()))
        .collect();
    assert_eq!(
        listed,
        [
            (10, Moderation::Accepted),
            (20, Moderation::Rejected),
            (30, Moderation::Accepted)
        ]
    );
    let statement = conversation.statement(StatementId(30)).unwrap();
    assert_eq!(statement.author(), ParticipantId(100));
    assert_eq!(statement.text().to_string(), "Statement 30");
}

#[test]
fn participants_are_listed_in_id_order() {
    let mut conversation = conversation_with(&[1]);
    for p in [9, 3, 6] {
        conversation
            .vote(ParticipantId(p), StatementId(1), Vote::Pass)
            .unwrap();
    }
    let listed: Vec<u64> = conversation.participants().map(|p| p.0).collect();
    assert_eq!(listed, [3, 6, 9]);
}
