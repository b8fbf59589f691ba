//! Run with: cargo run -p example-poll-tally
//!
//! Uses `baraza-core` the way a ministry's own portal or an SMS gateway would: define a poll,
//! validate incoming answers (reporting every problem), and tally the valid ones.

use baraza_core::v1::PollResults;
use baraza_core::{OffsetDateTime, Poll, PollTally};

const POLL: &str = r#"{
    "slug": "market-days",
    "default_language": "en",
    "question": {"en": "Which days should the covered market open?", "sw": "Soko lifunguliwe siku gani?"},
    "kind": {"type": "multiple_choice", "min_selections": 1, "max_selections": 2},
    "options": [
        {"id": "tuesday", "label": {"en": "Tuesday", "sw": "Jumanne"}},
        {"id": "thursday", "label": {"en": "Thursday", "sw": "Alhamisi"}},
        {"id": "saturday", "label": {"en": "Saturday", "sw": "Jumamosi"}}
    ],
    "status": "open"
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let poll: Poll = serde_json::from_str(POLL)?;
    // Time is a parameter: the core never reads a clock.
    let now = OffsetDateTime::now_utc();
    let incoming = [
        (vec!["saturday"], "sms-0000000000000001"),
        (vec!["tuesday", "saturday"], "sms-0000000000000002"),
        (
            vec!["saturday", "sunday", "thursday"],
            "sms-0000000000000003",
        ),
        (vec!["thursday"], "sms-0000000000000004"),
    ];

    let mut tally = PollTally::new(&poll);
    for (selections, voter) in incoming {
        match poll.validate_ballot(&selections, voter, now) {
            Ok(ballot) => tally.record(&ballot)?,
            Err(problems) => println!("rejected {voter}: {problems}"),
        }
    }

    let question = poll.question().resolve(&["sw"], poll.default_language());
    println!("{question}");
    let results = PollResults::new(&tally, poll.phase_at(now));
    for (option, result) in poll.options().iter().zip(&results.options) {
        let label = option.label.resolve(&["sw"], poll.default_language());
        println!(
            "  {label:<10} {:>3} ({}.{}%)",
            result.count,
            result.percent_tenths / 10,
            result.percent_tenths % 10
        );
    }
    println!("{} valid ballots", results.total_ballots);
    Ok(())
}
