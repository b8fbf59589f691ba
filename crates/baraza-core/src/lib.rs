//! # baraza-core
//!
//! The participation domain of [Baraza](https://github.com/baraza-civic/baraza): polls, ballots,
//! validation, tallies and the versioned wire types (`v1`) that the server and the widgets share.
//!
//! The crate is pure: it does no I/O, spawns nothing, reads no clock and keeps no global state.
//! Time is always a parameter (`now`), so every result can be reproduced. It builds for native
//! targets and for `wasm32-unknown-unknown`.
//!
//! ## A poll from definition to results
//!
//! ```
//! use baraza_core::{Poll, PollTally, v1::{BallotSubmission, PollResults}};
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
//!     let submission = BallotSubmission { selections: vec![choice.into()], voter: voter.into() };
//!     let ballot = poll.validate_ballot(&submission, now)?;
//!     tally.record(&ballot)?;
//! }
//!
//! let results = PollResults::new(&tally, poll.phase_at(now));
//! assert_eq!(results.total_ballots, 3);
//! assert_eq!((results.options[1].count, results.options[1].percent_tenths), (2, 667));
//!
//! // After closing time the same poll refuses ballots, with a specific error.
//! let late = BallotSubmission { selections: vec!["flat".into()], voter: "a1b2c3d4e5f6a7b8".into() };
//! let errors = poll.validate_ballot(&late, datetime!(2027-04-01 00:00 UTC)).unwrap_err();
//! assert_eq!(errors.to_string(), "the poll is closed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map
//! * [`Poll`] / [`PollSpec`]: a checked poll definition and its raw form.
//! * [`Ballot`], [`Poll::validate_ballot`]: turning a submission into a valid ballot, reporting
//!   every problem at once as [`BallotErrors`].
//! * [`PollTally`], [`tally()`]: streaming counts and percentages (rounding rule in [`tally`]).
//! * [`LocalizedText`]: citizen-facing text in several languages with a fallback chain.
//! * [`ErrorCode`]: stable snake_case codes shared by every layer.
//! * [`v1`]: the JSON shapes of the HTTP API.
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ballot;
mod error;
mod poll;
mod slug;
pub mod suppression;
pub mod tally;
mod text;
pub mod text_safety;
pub mod v1;

pub use ballot::{
    Ballot, BallotError, BallotErrors, MAX_VOTER_TOKEN_LEN, MIN_VOTER_TOKEN_LEN, VoterToken,
    VoterTokenError,
};
pub use error::ErrorCode;
pub use poll::{
    MAX_OPTIONS, MIN_OPTIONS, Poll, PollDefinitionError, PollDefinitionErrors, PollKind,
    PollNotOpen, PollOption, PollOptionSpec, PollPhase, PollSpec, PollStatus,
};
pub use slug::{MAX_SLUG_LEN, OptionId, Slug, SlugError};
pub use tally::{OptionCount, PollTally, TallyError, tally};
pub use text::{LanguageTag, LanguageTagError, LocalizedText, LocalizedTextError};
/// Instants are [`time::OffsetDateTime`]; re-exported so callers need not depend on `time`.
pub use time::OffsetDateTime;
