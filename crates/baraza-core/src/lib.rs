//! # baraza-core
//!
//! The participation domain of [Baraza](https://github.com/baraza-civic/baraza): polls, ballots,
//! validation, tallies, score questions, feedback forms, consultations and the versioned wire
//! types (`v1`) that the server and the widgets share.
//!
//! The crate is pure: it does no I/O, reads no clock and keeps no global state. The one
//! concurrency is inside opinion groups' PCA, which splits its passes over scoped threads that
//! end before it returns, with bit-identical results on any number of cores.
//! Time is always a parameter (`now`), so every result can be reproduced. It builds for native
//! targets and for `wasm32-unknown-unknown`.
//!
//! ## A poll from definition to results
//!
//! ```
//! use baraza_core::{Poll, PollTally, v1::PollResults};
//! use time::macros::datetime;
//!
//! let poll: Poll = serde_json::from_str(r#"{
//!     "slug": "water-tariffs-2027",
//!     "default_language": "en",
//!     "question": {"en": "How should water be charged from 2027?",
//!                  "sw": "Maji yatozwe vipi kuanzia 2027?"},
//!     "kind": {"type": "single_choice"},
//!     "options": [
//!         {"id": "flat", "label": {"en": "One flat rate", "sw": "Kiwango kimoja"}},
//!         {"id": "tiered", "label": {"en": "Pay more for heavy use", "sw": "Lipa zaidi ukitumia zaidi"}}
//!     ],
//!     "status": "open",
//!     "closes_at": "2027-03-31T00:00:00Z"
//! }"#)?;
//!
//! let now = datetime!(2027-01-15 09:30 UTC);
//! let mut tally = PollTally::new(&poll);
//! for (choice, voter) in [("tiered", "a1b2c3d4e5f6a7b8"), ("flat", "0f1e2d3c4b5a6978"), ("tiered", "ffffeeeeddddcccc")] {
//!     let ballot = poll.validate_ballot(&[choice], voter, now)?;
//!     tally.record(&ballot)?;
//! }
//!
//! let results = PollResults::new(&tally, poll.phase_at(now));
//! assert_eq!(results.total_ballots, 3);
//! assert_eq!((results.options[1].count, results.options[1].percent_tenths), (2, 667));
//!
//! // After closing time the same poll refuses ballots, with a specific error.
//! let late = datetime!(2027-04-01 00:00 UTC);
//! let errors = poll.validate_ballot(&["flat"], "a1b2c3d4e5f6a7b8", late).unwrap_err();
//! assert_eq!(errors.to_string(), "the poll is closed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map
//! * [`Poll`] / [`PollSpec`]: a checked poll definition and its raw form: single choice,
//!   multiple choice with bounds, approval.
//! * [`DefinitionProblem`]: what every instrument's definition can get wrong — slug, default
//!   language, a text lacking it, an item id malformed or used twice — each naming its field
//!   path (`options[2].id`). [`PollDefinitionError`], [`score::ScoreDefinitionError`],
//!   [`feedback::FormDefinitionError`] and [`consultation::ConsultationError`] hold it in their
//!   `Definition` variant, beside their own rules; every problem is reported at once.
//! * [`Ballot`], [`Poll::validate_ballot`]: turning selected option ids and a voter token into a
//!   valid ballot, reporting every problem at once as [`BallotErrors`]
//!   ([`v1::BallotSubmission::validate`] does the same for an HTTP body).
//! * [`PollTally`], [`PollTally::from_ballots`]: streaming and one-go counts and percentages (rounding rule in
//!   [`tally`](mod@tally)); [`PollTally::leaders`] gives the approval winners, every tied option
//!   included; [`PollTally::record_indices`] is the bulk path.
//! * [`score`]: rating questions on a small integer scale, with exact means, medians and full
//!   distributions.
//! * [`ranked`]: ranked-choice voting: instant-runoff and single transferable vote, round by
//!   round as RCTab counts them, with ballot rules, tie-breaks, exact surplus arithmetic and CSV
//!   reading.
//! * [`budgeting`]: participatory budgeting — projects with costs and a budget, approval and
//!   knapsack ballots, greedy-by-votes and Method of Equal Shares outcomes (exact arithmetic,
//!   documented completion), and the pabulib `.pb` reader.
//! * [`feedback`]: feedback forms ("Is this page useful?", CSAT, NPS, single choice, free
//!   text), validated responses, aggregates with Wilson and NPS confidence intervals, grouping
//!   by page and by period.
//! * [`consultation`]: a document of numbered sections, comments with stances, replies,
//!   reactions, moderation, official responses and the "we asked, you said, we did" outcome,
//!   with the life cycle draft → open → closed → outcome published.
//! * [`statements`]: Polis-style statements and votes, opinion groups (sparse PCA, k-means with
//!   k chosen by silhouette), representative and consensus statements.
//! * [`LocalizedText`]: citizen-facing text in several languages with a fallback chain.
//! * [`ErrorCode`]: stable snake_case codes shared by every layer.
//! * [`v1`]: the JSON shapes of the HTTP API.
//! * `schema` (cargo feature `schema`): JSON Schema documents of the v1 wire format and of every
//!   instrument's definitions, submissions and results, checked in under
//!   `crates/baraza-core/schema/` (`schema::instruments_json_schema`, `v1::json_schema`).
//! * [`suppression`]: breakdowns by group with every group smaller than `k` hidden, plus
//!   complementary suppression so no hidden count follows from the total by subtraction:
//!
//!   ```
//!   use baraza_core::suppression::SuppressionRule;
//!   let published = SuppressionRule::default().counts(&[("north", 40), ("south", 3), ("east", 12)]);
//!   assert_eq!(published.suppressed().collect::<Vec<_>>(), [&"south", &"east"]);
//!   ```
//! * [`text_safety`]: citizens' free text made safe to store — controls removed, NFC, trimmed,
//!   length-checked, and e-mail addresses, phone, card and ID numbers replaced by placeholders:
//!
//!   ```
//!   use baraza_core::text_safety::{CitizenText, TextLimits};
//!   let text = CitizenText::new("Call 0712 345 678 about the leak", TextLimits::default())?;
//!   assert_eq!(text.as_str(), "Call [phone] about the leak");
//!   # Ok::<(), baraza_core::text_safety::CitizenTextError>(())
//!   ```
//!
//! ## The other instruments in brief
//!
//! An approval poll is a [`Poll`] of kind `{"type": "approval"}`; a ballot approves any subset
//! of the options, the empty one included:
//!
//! ```
//! # use baraza_core::{Poll, PollTally};
//! let poll: Poll = serde_json::from_str(r#"{"slug": "parks", "default_language": "en",
//!     "question": {"en": "Which parks should be renovated?"}, "kind": {"type": "approval"},
//!     "status": "open", "options": [{"id": "uhuru", "label": {"en": "Uhuru Park"}},
//!                                   {"id": "central", "label": {"en": "Central Park"}}]}"#)?;
//! assert_eq!(poll.selection_range(), (0, 2));
//! let ballot = poll.validate_ballot(&["uhuru", "central"], "device-0123456789ab",
//!     time::OffsetDateTime::UNIX_EPOCH)?;
//! let mut tally = PollTally::new(&poll);
//! tally.record(&ballot)?;
//! assert_eq!(tally.leaders().len(), 2); // a tie: both lead
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A score question rates options on a scale; means and medians are exact fractions:
//!
//! ```
//! # use baraza_core::score::{ScoreQuestion, ScoreSubmission, RatingSubmission, ScoreTally, Ratio};
//! let question: ScoreQuestion = serde_json::from_str(r#"{"slug": "buses", "default_language": "en",
//!     "question": {"en": "Rate the bus service"}, "scale": {"min": 1, "max": 5},
//!     "options": [{"id": "punctuality", "label": {"en": "Punctuality"}}]}"#)?;
//! let mut tally = ScoreTally::new(&question);
//! for (score, voter) in [(2, "device-000000000001"), (5, "device-000000000002")] {
//!     let ratings = vec![RatingSubmission { option: "punctuality".into(), score }];
//!     tally.record(&question.validate_ballot(&ScoreSubmission { ratings, voter: voter.into() })?)?;
//! }
//! assert_eq!(tally.options()[0].mean, Some(Ratio::new(7, 2)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! An instant-runoff count from ranked ballots in CSV, one ballot per line:
//!
//! ```
//! use baraza_core::ranked::{CsvOptions, Rules, read_csv_contest};
//! let csv = "Ada,Grace\nGrace\nEdsger,Grace\nAda\nAda,Edsger\n";
//! let contest = read_csv_contest(csv.as_bytes(), &CsvOptions::default())?;
//! let count = baraza_core::ranked::instant_runoff(&contest.candidates, &contest.ballots,
//!                                                 &Rules::default())?;
//! assert_eq!(count.name(count.winner().unwrap()), "Ada"); // 3 of 5 first preferences
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Participatory budgeting from a pabulib file: greedy by votes, and the Method of Equal Shares:
//!
//! ```
//! use baraza_core::budgeting::{GreedyRule, MesOptions, pabulib};
//! let file = pabulib::parse_str("META\nkey;value\nbudget;900\nvote_type;approval\n\
//!     PROJECTS\nproject_id;cost\nbridge;600\nlibrary;300\nclinic;300\n\
//!     VOTES\nvoter_id;vote\n1;bridge\n2;bridge\n3;bridge,library\n4;clinic\n")?;
//! let election = file.approval_election()?;
//! // Greedy funds the most-voted projects that fit; MES gives the clinic voter a share too.
//! assert_eq!(election.greedy(&GreedyRule::default())?.selected(), ["bridge", "library"]);
//! assert_eq!(election.equal_shares(&MesOptions::default()).selected(), ["bridge", "clinic"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Feedback proportions come with a Wilson score interval (95 % by default):
//!
//! ```
//! use baraza_core::feedback::{wilson_interval, Confidence};
//! let csat = wilson_interval(81, 263, Confidence::default()).unwrap();
//! assert!((csat.low - 0.2553).abs() < 1e-4 && (csat.high - 0.3662).abs() < 1e-4);
//! ```
//!
//! A consultation enforces its life cycle with typed errors:
//!
//! ```
//! use baraza_core::consultation::{Consultation, ConsultationError, ConsultationSettings};
//! use baraza_core::LocalizedText;
//! let title = LocalizedText::new("en", "Draft county budget")?;
//! let mut consultation = Consultation::new("budget-2027", "en", title, ConsultationSettings::default())?;
//! let now = time::OffsetDateTime::UNIX_EPOCH;
//! assert_eq!(consultation.open(now), Err(ConsultationError::NoSections));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Opinion groups from agree/disagree votes on statements:
//!
//! ```
//! use baraza_core::statements::{Conversation, GroupingOptions, ParticipantId as P,
//!     StatementId as S, StatementText, Vote};
//! let mut conversation = Conversation::new();
//! for (s, text) in ["Close the market street to cars", "Add cycle lanes", "Fix the potholes"]
//!     .into_iter().enumerate() {
//!     conversation.add_statement(S(s as u64), P(0), StatementText::parse(text)?)?;
//! }
//! // Participants 0–2 want the street closed and lanes built; 3–5 do not; all want repairs.
//! for p in 0..6u64 {
//!     let stance = if p < 3 { Vote::Agree } else { Vote::Disagree };
//!     for (s, vote) in [(0, stance), (1, stance), (2, Vote::Agree)] {
//!         conversation.vote(P(p), S(s), vote)?;
//!     }
//! }
//! let groups = conversation.opinion_groups(&GroupingOptions::default())?;
//! assert_eq!(groups.groups.len(), 2);
//! assert_eq!(groups.consensus[0].statement, S(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ballot;
#[cfg(feature = "budgeting")]
pub use baraza_budgeting as budgeting;
pub mod consultation;
mod definition;
mod error;
pub mod feedback;
mod poll;
#[cfg(feature = "ranked")]
pub use baraza_ranked as ranked;
#[cfg(feature = "schema")]
pub mod schema;
pub mod score;
mod slug;
pub mod statements;
pub mod suppression;
pub mod tally;
mod text;
pub mod text_safety;
pub mod v1;

pub use ballot::{
    Ballot, BallotError, BallotErrors, MAX_VOTER_TOKEN_LEN, MIN_VOTER_TOKEN_LEN, VoterToken,
    VoterTokenError,
};
pub use definition::DefinitionProblem;
pub use error::ErrorCode;
pub use poll::{
    MAX_OPTIONS, MAX_POLL_SCALE_POINTS, MIN_OPTIONS, Poll, PollDefinitionError,
    PollDefinitionErrors, PollKind, PollNotOpen, PollOption, PollOptionSpec, PollPhase, PollSpec,
    PollStatus,
};
pub use slug::{MAX_SLUG_LEN, OptionId, Slug, SlugError};
#[allow(deprecated)]
pub use tally::tally;
pub use tally::{OptionCount, PollTally, TallyError};
pub use text::{LanguageTag, LanguageTagError, LocalizedText, LocalizedTextError};
/// Instants are [`time::OffsetDateTime`]; re-exported so callers need not depend on `time`.
pub use time::OffsetDateTime;
