//! Feedback forms: "Is this page useful?", CSAT, NPS, single choice and free text, with
//! validated responses and aggregates that carry confidence intervals.
//!
//! # Forms
//! A [`FeedbackForm`] is checked from a [`FeedbackFormSpec`] (every problem reported at once):
//! a slug, a default language that every text has, a title and 1 to [`MAX_QUESTIONS`]
//! questions with distinct slug-shaped ids. Question kinds ([`QuestionKind`]):
//!
//! * **useful** — "Is this page useful?" yes/no, the GOV.UK pattern. Optionally a list of
//!   "what went wrong" reasons (0 to [`MAX_OPTIONS`], any number may be
//!   picked, **only with a "no"**) and optionally a comment box of at most `comment_max_len`
//!   characters;
//! * **csat** — customer satisfaction on 1–5;
//! * **nps** — Net Promoter "how likely are you to recommend" on 0–10;
//! * **single_choice** — one of 2 to [`MAX_OPTIONS`] options;
//! * **free_text** — text of at most `max_len` characters (1 to [`MAX_TEXT_LIMIT`]).
//!
//! # Responses
//! [`FeedbackForm::validate_response`] turns a [`FeedbackSubmission`] into a
//! [`FeedbackResponse`] or reports every problem ([`ResponseErrors`]). A response carries, as
//! data, the [`PageKey`] of the page or service it is about and the instant it was submitted
//! (a parameter: the core reads no clock). It must answer at least one question, every
//! required one, each at most once, with an answer of the question's type. Text is counted in
//! Unicode scalar values and must not be blank.
//!
//! Free text is stored as given, after these checks. Removing personal data (redaction) is the
//! caller's job, done before calling this module, with the crate's text-safety tools where the
//! build has them; the core never interprets text as HTML.
//!
//! # Aggregates
//! [`FeedbackAggregate`] counts responses one at a time (streaming; memory does not grow with
//! the number of responses). Per question it keeps counts, and computes on demand:
//!
//! * **useful share**: the share of "yes" among yes/no answers, with a Wilson interval;
//! * **CSAT %**: the share of CSAT answers that are **4 or 5** ("satisfied" or "very
//!   satisfied", the usual top-two-box definition), times 100, with a Wilson interval; also the
//!   exact mean and median (rules in [`crate::score`]);
//! * **NPS**: promoters (9–10) minus detractors (0–6), as percentage points of all NPS answers
//!   (Reichheld, "The One Number You Need to Grow", *Harvard Business Review*, Dec. 2003), so
//!   it lies in −100..=100; with the interval described below; also the mean score;
//! * **single choice**: each option's count and share with a Wilson interval;
//! * **free text**: only the number of answers (texts are not summarised here).
//!
//! ## Intervals
//! The confidence level is a parameter, [`Confidence`], given as the standard normal quantile
//! `z`; the default is 95 % (`z = 1.959963984540054`).
//!
//! * Proportions use the **Wilson score interval** (E. B. Wilson, "Probable inference, the law
//!   of succession, and statistical inference", *JASA* 22, 1927; method 3 of R. G. Newcombe,
//!   "Two-sided confidence intervals for the single proportion: comparison of seven methods",
//!   *Statistics in Medicine* 17, 1998), without continuity correction. With `p = s/n`:
//!   centre `(p + z²/2n) / (1 + z²/n)`, half-width
//!   `z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)`. Unlike the Wald interval it stays inside 0..1
//!   and is sensible for small `n` and for 0 or `n` successes. See [`wilson_interval`].
//! * NPS uses the **variance-based (Wald) interval** of a mean of per-respondent scores +100
//!   (promoter), 0 (passive) and −100 (detractor): with shares `p` and `d` of promoters and
//!   detractors, `NPS = 100(p − d)`, `Var = 100²·(p + d − (p − d)²)`, interval
//!   `NPS ± z·√(Var/n)`, clipped to −100..=100. This is the common practitioners' interval
//!   discussed by B. Rocks, "Interval Estimation for the 'Net Promoter Score'", *The American
//!   Statistician* 70(4), 2016, who shows it is too narrow for small samples (it has zero
//!   width when every answer falls in one group). Treat intervals from fewer than about 30
//!   answers with caution. See [`nps_interval`].
//!
//! ## Grouping
//! [`PageGroups`] keeps one aggregate per page or service key. [`PeriodGroups`] keeps one per
//! period between caller-given boundaries `b0 < b1 < … < bk`: period `i` is the half-open
//! interval `[b(i), b(i+1))`; responses before `b0` or at/after `bk` are counted as outside,
//! never silently dropped. The caller chooses the boundaries (calendar months in its time
//! zone, weeks, a campaign), so the core needs no clock or calendar.
//!
//! ```
//! use baraza_core::feedback::{Confidence, FeedbackAggregate, FeedbackForm, FeedbackSubmission};
//! use time::macros::datetime;
//! let form: FeedbackForm = serde_json::from_str(r#"{
//!     "slug": "passport-page",
//!     "default_language": "en",
//!     "title": {"en": "Help us improve this page"},
//!     "questions": [
//!         {"id": "useful", "prompt": {"en": "Is this page useful?"}, "required": true,
//!          "kind": {"type": "useful", "reasons": [{"id": "outdated", "label": {"en": "It is out of date"}}]}},
//!         {"id": "nps", "prompt": {"en": "Would you recommend this service?"}, "kind": {"type": "nps"}}
//!     ]
//! }"#)?;
//! let mut aggregate = FeedbackAggregate::new(&form);
//! for body in [
//!     r#"{"page": "/passports/renew", "answers": [{"question": "useful", "answer": {"useful": {"useful": true}}},
//!                                                {"question": "nps", "answer": {"nps": 10}}]}"#,
//!     r#"{"page": "/passports/renew", "answers": [{"question": "useful", "answer": {"useful": {"useful": false, "reasons": ["outdated"]}}},
//!                                                {"question": "nps", "answer": {"nps": 3}}]}"#,
//! ] {
//!     let submission: FeedbackSubmission = serde_json::from_str(body)?;
//!     let response = form.validate_response(&submission, datetime!(2027-05-02 08:00 UTC))?;
//!     aggregate.record(&response)?;
//! }
//! let useful = aggregate.useful("useful").unwrap();
//! assert_eq!((useful.yes, useful.no), (1, 1));
//! let share = useful.useful_share(Confidence::default()).unwrap();
//! assert_eq!(share.estimate, 0.5);
//! let nps = aggregate.nps("nps").unwrap().score(Confidence::default()).unwrap();
//! assert_eq!(nps.score.to_f64(), 0.0); // one promoter, one detractor
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::{MAX_OPTIONS, MIN_OPTIONS, PollOption, PollOptionSpec, write_joined};
use crate::score::{DistributionSummary, Ratio};
use crate::slug::{OptionId, Slug};
use crate::text::{LanguageTag, LocalizedText};

/// The most questions a form may have.
pub const MAX_QUESTIONS: usize = 30;
/// The largest text limit a form may set, in characters (Unicode scalar values).
pub const MAX_TEXT_LIMIT: u32 = 10_000;
/// The longest page or service key, in characters.
pub const MAX_PAGE_KEY_LEN: usize = 512;

mod aggregate;
mod definition;
mod interval;
mod response;

pub use aggregate::*;
pub use definition::*;
pub use interval::*;
pub use response::*;
