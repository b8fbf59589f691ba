//! Ranked polls: ballots rank one or more options in order of preference and the poll is
//! counted by instant-runoff, round by round, from the distinct rankings it keeps.

use baraza_core::v1::PollResults;
use baraza_core::{OptionId, Poll, PollKind, PollTally};
use time::OffsetDateTime;

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

fn poll(kind: serde_json::Value) -> Poll {
    serde_json::from_value(serde_json::json!({
        "slug": "first-repair",
        "default_language": "en",
        "question": {"en": "What should be repaired first?"},
        "kind": kind,
        "options": [
            {"id": "mains", "label": {"en": "Leaking mains"}},
            {"id": "boreholes", "label": {"en": "Village boreholes"}},
            {"id": "taps", "label": {"en": "School taps"}},
            {"id": "kiosks", "label": {"en": "Water kiosks"}}
        ],
        "status": "open"
    }))
    .expect("a valid poll")
}

fn ranked() -> Poll {
    poll(serde_json::json!({"type": "ranked"}))
}

fn id(text: &str) -> OptionId {
    OptionId::parse(text).expect("an option id")
}

fn tally_of(poll: &Poll, ballots: &[(&[&str], usize)]) -> PollTally {
    let mut tally = PollTally::new(poll);
    let mut voter = 0;
    for (ranking, copies) in ballots {
        for _ in 0..*copies {
            voter += 1;
            let ballot = poll
                .validate_ballot(ranking, &format!("voter-{voter:012}"), NOW)
                .expect("a valid ranking");
            tally.record(&ballot).expect("the ballot fits the tally");
        }
    }
    tally
}

#[test]
fn a_ranked_ballot_keeps_the_order_given_and_ranks_at_least_one_option() {
    let poll = ranked();
    assert_eq!(poll.kind(), PollKind::Ranked);
    assert_eq!(poll.selection_range(), (1, 4));
    let ballot = poll
        .validate_ballot(&["taps", "mains"], "device-0123456789ab", NOW)
        .expect("valid");
    let ranking: Vec<&str> = ballot
        .ranking()
        .expect("a ranked ballot")
        .iter()
        .map(OptionId::as_str)
        .collect();
    assert_eq!(ranking, ["taps", "mains"]);
    let empty: [&str; 0] = [];
    assert!(
        poll.validate_ballot(&empty, "device-0123456789ab", NOW)
            .is_err()
    );
    assert!(
        poll.validate_ballot(&["taps", "taps"], "device-0123456789ab", NOW)
            .is_err()
    );
    let parsed: Result<PollKind, _> =
        serde_json::from_value(serde_json::json!({"type": "ranked", "max_selections": 2}));
    assert!(parsed.is_err(), "ranked takes no bounds");
}

#[test]
fn the_count_runs_round_by_round_to_a_majority_and_the_results_carry_the_rounds() {
    let poll = ranked();
    // Round 1: mains 4, boreholes 3, taps 2, kiosks 0 (of 9). Kiosks go (no votes), then taps:
    // both taps ballots move to boreholes, 5 of 9 — a majority.
    let tally = tally_of(
        &poll,
        &[
            (&["mains", "taps"], 4),
            (&["boreholes"], 3),
            (&["taps", "boreholes", "mains"], 2),
        ],
    );
    let count = tally
        .ranked_count()
        .expect("a ranked poll")
        .expect("the count runs");
    assert_eq!(count.name(count.winner().expect("a winner")), "boreholes");
    assert_eq!(tally.leaders(), [id("boreholes")]);

    let results = PollResults::new(&tally, poll.phase_at(NOW));
    let rounds = results.rounds.expect("ranked results have rounds");
    let first: Vec<(&str, u64)> = rounds[0]
        .votes
        .iter()
        .map(|v| (v.id.as_str(), v.votes))
        .collect();
    assert_eq!(
        first,
        [("mains", 4), ("boreholes", 3), ("taps", 2), ("kiosks", 0)]
    );
    let last = rounds.last().expect("a last round");
    assert_eq!(last.elected, [id("boreholes")]);
    let eliminated: Vec<&OptionId> = rounds.iter().flat_map(|r| &r.eliminated).collect();
    assert_eq!(eliminated, [&id("kiosks"), &id("taps")]);
    let json = serde_json::to_value(&rounds[0]).expect("serialises");
    assert_eq!(json["round"], 1);
    // Counts are the ballots that ranked each option at all.
    let counts: Vec<u64> = results.options.iter().map(|o| o.count).collect();
    assert_eq!(counts, [6, 5, 6, 0]);
}

#[test]
fn before_the_first_ballot_there_is_no_count_and_no_winner() {
    let poll = ranked();
    let tally = PollTally::new(&poll);
    assert!(tally.ranked_count().is_none());
    assert!(tally.leaders().is_empty());
    assert!(
        PollResults::new(&tally, poll.phase_at(NOW))
            .rounds
            .is_none()
    );
}

#[test]
fn stored_rankings_rebuild_the_same_tally_and_inconsistent_ones_are_refused() {
    let poll = ranked();
    let live = tally_of(&poll, &[(&["mains", "taps"], 2), (&["taps"], 1)]);
    let rebuilt = PollTally::from_counts(&poll, 3, &[(id("mains"), 2), (id("taps"), 3)])
        .and_then(|t| {
            t.with_ranking_counts(&[(vec![id("mains"), id("taps")], 2), (vec![id("taps")], 1)])
        })
        .expect("consistent");
    assert_eq!(rebuilt, live);

    let short = PollTally::from_counts(&poll, 3, &[(id("mains"), 2), (id("taps"), 3)])
        .and_then(|t| t.with_ranking_counts(&[(vec![id("mains"), id("taps")], 2)]));
    assert!(short.is_err(), "one ballot's ranking is missing");
    let unknown = PollTally::from_counts(&poll, 1, &[(id("mains"), 1)])
        .and_then(|t| t.with_ranking_counts(&[(vec![id("mains"), id("parks")], 1)]));
    assert!(unknown.is_err(), "an option the poll does not have");
}

#[test]
fn choice_and_ranked_tallies_refuse_each_others_ballots() {
    let choice = poll(
        serde_json::json!({"type": "multiple_choice", "min_selections": 1, "max_selections": 2}),
    );
    let ranked_ballot = ranked()
        .validate_ballot(&["mains"], "device-0123456789ab", NOW)
        .expect("valid");
    let mut choice_tally = PollTally::new(&choice);
    assert!(choice_tally.record(&ranked_ballot).is_err());
    assert!(choice_tally.ranked_count().is_none());
    let choice_ballot = choice
        .validate_ballot(&["mains"], "device-0123456789ab", NOW)
        .expect("valid");
    let mut ranked_tally = PollTally::new(&ranked());
    assert!(ranked_tally.record(&choice_ballot).is_err());
    assert_eq!(ranked_tally.total_ballots(), 0);
}
