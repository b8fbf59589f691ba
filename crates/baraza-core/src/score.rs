//! Score (rating) questions: citizens rate options on a small integer scale, such as 1–5 stars
//! or 0–10.
//!
//! # Method
//! A [`ScoreQuestion`] has a [`Scale`] (`min < max`, both within
//! [`MIN_SCALE_VALUE`]`..=`[`MAX_SCALE_VALUE`], so at most 201 points) and 1 to
//! [`MAX_OPTIONS`] options. A ballot rates some or all of the options, at
//! most once each; with `require_all` set it must rate every option, and without it it must
//! rate at least one (a ballot that rates nothing says nothing and is refused, code
//! `too_few_selections`). Validation ([`ScoreQuestion::validate_ballot`]) reports every
//! problem at once: unknown option, repeated option, score outside the scale, options left
//! unrated when all are required, malformed voter token.
//!
//! The tally ([`ScoreTally`]) is streaming: it keeps, per option, the full distribution (one
//! counter per scale point), so memory is `options × points` whatever the number of ballots,
//! and every statistic is computed from the distribution:
//!
//! * **count**: the ballots that rated the option (an option left unrated on a ballot is not a
//!   zero; it simply does not count for that option);
//! * **mean**: exact, as a reduced fraction [`Ratio`] (sum of scores / count); round it for
//!   display with [`Ratio::round_half_away`], which rounds halves away from zero;
//! * **median**: for an odd count the middle score; for an even count the **midpoint of the two
//!   middle scores** (so 3 and 4 give 3½), also an exact [`Ratio`] (denominator 1 or 2). This
//!   is the textbook definition (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.1,
//!   "Measures of Location");
//! * **distribution**: the number of ratings at every point of the scale, zeros included, in
//!   ascending score order, so it always sums to the count.
//!
//! Means of ordinal ratings are common practice but disputed (Jamieson, "Likert scales: how to
//! (ab)use them", *Medical Education* 38, 2004); the median and the full distribution are given
//! so that a publisher can show those instead.
//!
//! ```
//! use baraza_core::score::{ScoreQuestion, ScoreSubmission, ScoreTally, Ratio};
//! let question: ScoreQuestion = serde_json::from_str(r#"{
//!     "slug": "clinic-services",
//!     "default_language": "en",
//!     "question": {"en": "How good is each service at your clinic?"},
//!     "scale": {"min": 1, "max": 5},
//!     "options": [{"id": "waiting", "label": {"en": "Waiting time"}},
//!                 {"id": "staff", "label": {"en": "Staff"}}]
//! }"#)?;
//! let mut tally = ScoreTally::new(&question);
//! for (ratings, voter) in [(r#"[{"option":"waiting","score":2},{"option":"staff","score":5}]"#, "voter-000000000001"),
//!                          (r#"[{"option":"waiting","score":3}]"#, "voter-000000000002")] {
//!     let submission = ScoreSubmission { ratings: serde_json::from_str(ratings)?, voter: voter.into() };
//!     tally.record(&question.validate_ballot(&submission)?)?;
//! }
//! let waiting = &tally.options()[0];
//! assert_eq!(waiting.count, 2);
//! assert_eq!(waiting.mean, Some(Ratio::new(5, 2))); // (2 + 3) / 2
//! assert_eq!(waiting.median, Some(Ratio::new(5, 2))); // midpoint of 2 and 3
//! assert_eq!(waiting.distribution.iter().map(|p| p.count).collect::<Vec<_>>(), [0, 1, 1, 0, 0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ballot::{VoterToken, VoterTokenError};
use crate::definition::DefinitionProblem;
use crate::error::ErrorCode;
use crate::poll::{
    MAX_OPTIONS, PollOption, PollOptionSpec, check_header, check_options, write_joined,
};
use crate::slug::{OptionId, Slug};
use crate::text::{LanguageTag, LocalizedText};

/// The lowest value a scale may start at.
pub const MIN_SCALE_VALUE: i32 = -100;
/// The highest value a scale may end at.
pub const MAX_SCALE_VALUE: i32 = 100;

/// A closed integer rating scale `min..=max`, such as 1–5 or 0–10.
///
/// Invariant: `MIN_SCALE_VALUE <= min < max <= MAX_SCALE_VALUE`. JSON: `{"min": 1, "max": 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "ScaleSpec", into = "ScaleSpec")]
pub struct Scale {
    min: i32,
    max: i32,
}

/// The unchecked JSON shape of a [`Scale`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScaleSpec {
    /// The lowest score.
    pub min: i64,
    /// The highest score.
    pub max: i64,
}

/// Why a scale is impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "scale must satisfy {MIN_SCALE_VALUE} <= min < max <= {MAX_SCALE_VALUE}; got min {min}, max {max}"
)]
pub struct ScaleError {
    /// `min` as given.
    pub min: i64,
    /// `max` as given.
    pub max: i64,
}

impl Scale {
    /// The scale `min..=max`, checked.
    pub fn new(min: i64, max: i64) -> Result<Self, ScaleError> {
        let range = i64::from(MIN_SCALE_VALUE)..=i64::from(MAX_SCALE_VALUE);
        match (i32::try_from(min), i32::try_from(max)) {
            (Ok(lo), Ok(hi)) if range.contains(&min) && range.contains(&max) && lo < hi => {
                Ok(Self { min: lo, max: hi })
            }
            _ => Err(ScaleError { min, max }),
        }
    }

    /// The lowest score.
    pub fn min(self) -> i32 {
        self.min
    }

    /// The highest score.
    pub fn max(self) -> i32 {
        self.max
    }

    /// How many scores the scale has (`max - min + 1`).
    pub fn points(self) -> usize {
        usize::try_from(self.max - self.min).unwrap_or(0) + 1
    }

    /// Whether `score` lies on the scale.
    pub fn contains(self, score: i64) -> bool {
        (i64::from(self.min)..=i64::from(self.max)).contains(&score)
    }

    /// The scores of the scale in ascending order.
    pub fn scores(self) -> impl Iterator<Item = i32> {
        self.min..=self.max
    }

    /// The position of `score` among the scale's points (0 for the lowest).
    pub(crate) fn index(self, score: i32) -> usize {
        usize::try_from(score - self.min).unwrap_or(0)
    }
}

impl TryFrom<ScaleSpec> for Scale {
    type Error = ScaleError;
    fn try_from(spec: ScaleSpec) -> Result<Self, Self::Error> {
        Self::new(spec.min, spec.max)
    }
}

impl From<Scale> for ScaleSpec {
    fn from(scale: Scale) -> Self {
        Self {
            min: scale.min.into(),
            max: scale.max.into(),
        }
    }
}

/// An exact rational number in lowest terms, with a positive denominator. Used for means and
/// medians so that no rounding happens until display.
///
/// JSON: `{"numerator": 7, "denominator": 2}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ratio {
    numerator: i128,
    denominator: u64,
}

impl Ratio {
    /// `numerator / denominator` reduced to lowest terms.
    ///
    /// # Panics
    /// If `denominator` is zero (a programming error: callers divide by a non-zero count).
    pub fn new(numerator: i128, denominator: u64) -> Self {
        assert!(denominator > 0, "a ratio's denominator must not be zero");
        let divisor = gcd(numerator.unsigned_abs(), u128::from(denominator)).max(1);
        Self {
            // The divisor divides both, so the quotients fit their types.
            numerator: numerator / i128::try_from(divisor).unwrap_or(1),
            denominator: u64::try_from(u128::from(denominator) / divisor).unwrap_or(u64::MAX),
        }
    }

    /// The numerator, in lowest terms (carries the sign).
    pub fn numerator(self) -> i128 {
        self.numerator
    }

    /// The denominator, in lowest terms (always at least 1).
    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// The nearest `f64` (for charts; use [`Ratio::round_half_away`] for printed figures).
    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// The value scaled by `10^decimals` and rounded to the nearest integer, halves away from
    /// zero: `Ratio::new(7, 3).round_half_away(2)` is `233` (2.33) and
    /// `Ratio::new(-5, 2).round_half_away(0)` is `-3`. `decimals` above 18 is treated as 18.
    pub fn round_half_away(self, decimals: u32) -> i128 {
        let scale = 10_i128.pow(decimals.min(18));
        let scaled = self.numerator.saturating_mul(scale);
        let denominator = i128::from(self.denominator);
        let quotient = scaled / denominator;
        let remainder = (scaled % denominator).abs();
        if remainder * 2 >= denominator {
            quotient + scaled.signum()
        } else {
            quotient
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A score question as written by an official or stored: the unchecked shape of a
/// [`ScoreQuestion`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreQuestionSpec {
    /// URL-safe identifier, see [`Slug`].
    pub slug: String,
    /// Language every citizen-facing text must have.
    pub default_language: String,
    /// The question asked.
    pub question: LocalizedText,
    /// The rating scale, e.g. `{"min": 1, "max": 5}`.
    pub scale: ScaleSpec,
    /// The options to rate, in display order.
    pub options: Vec<PollOptionSpec>,
    /// Whether every ballot must rate every option (default `false`: at least one).
    #[serde(default)]
    pub require_all: bool,
}

/// A problem with a score question definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreDefinitionError {
    /// A problem every instrument's definition can have: slug, default language, a text
    /// lacking it, an option id malformed or used twice.
    #[error(transparent)]
    Definition(#[from] DefinitionProblem),
    /// The scale is impossible.
    #[error("{0}")]
    InvalidScale(ScaleError),
    /// No options, or more than [`MAX_OPTIONS`].
    #[error("a score question needs 1 to {MAX_OPTIONS} options; this one has {count}")]
    OptionCount {
        /// How many options the definition has.
        count: usize,
    },
}

/// Every problem found in a score question definition (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreDefinitionErrors(pub Vec<ScoreDefinitionError>);

impl fmt::Display for ScoreDefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for ScoreDefinitionErrors {}

/// A checked score question. Serialises to, and deserialises (with checks) from, the
/// [`ScoreQuestionSpec`] shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "ScoreQuestionSpec", into = "ScoreQuestionSpec")]
pub struct ScoreQuestion {
    slug: Slug,
    default_language: LanguageTag,
    question: LocalizedText,
    scale: Scale,
    options: Vec<PollOption>,
    require_all: bool,
}

impl TryFrom<ScoreQuestionSpec> for ScoreQuestion {
    type Error = ScoreDefinitionErrors;

    fn try_from(spec: ScoreQuestionSpec) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let (slug, default_language) = check_header(
            &spec.slug,
            spec.default_language,
            &spec.question,
            &spec.options,
            &mut errors,
        );
        let scale = Scale::try_from(spec.scale)
            .map_err(|e| errors.push(ScoreDefinitionError::InvalidScale(e)))
            .ok();
        if !(1..=MAX_OPTIONS).contains(&spec.options.len()) {
            errors.push(ScoreDefinitionError::OptionCount {
                count: spec.options.len(),
            });
        }
        let options = check_options("options", spec.options, None, &mut errors);
        match (slug, default_language, scale) {
            (Some(slug), Some(default_language), Some(scale)) if errors.is_empty() => Ok(Self {
                slug,
                default_language,
                question: spec.question,
                scale,
                options,
                require_all: spec.require_all,
            }),
            _ => Err(ScoreDefinitionErrors(errors)),
        }
    }
}

impl From<ScoreQuestion> for ScoreQuestionSpec {
    fn from(question: ScoreQuestion) -> Self {
        Self {
            slug: question.slug.into(),
            default_language: question.default_language.into(),
            question: question.question,
            scale: question.scale.into(),
            options: question
                .options
                .into_iter()
                .map(|o| PollOptionSpec {
                    id: o.id.as_str().to_owned(),
                    label: o.label,
                })
                .collect(),
            require_all: question.require_all,
        }
    }
}

impl ScoreQuestion {
    /// The question's identifier.
    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The language every text is guaranteed to have.
    pub fn default_language(&self) -> &LanguageTag {
        &self.default_language
    }

    /// The question asked.
    pub fn question(&self) -> &LocalizedText {
        &self.question
    }

    /// The rating scale.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The options to rate, in display order.
    pub fn options(&self) -> &[PollOption] {
        &self.options
    }

    /// Whether every ballot must rate every option.
    pub fn require_all(&self) -> bool {
        self.require_all
    }

    /// Checks a submitted ballot and reports every problem, in this order: per rating (unknown
    /// option, repeated option, score off the scale), then options left unrated (when all are
    /// required) or no rating at all, then the voter token.
    pub fn validate_ballot(
        &self,
        submission: &ScoreSubmission,
    ) -> Result<ScoreBallot, ScoreBallotErrors> {
        let mut errors = Vec::new();
        let ratings = check_ratings(
            &self.options,
            self.scale,
            self.require_all,
            &submission.ratings,
            &mut errors,
        );
        let voter = VoterToken::parse(submission.voter.as_str())
            .map_err(|e| errors.push(e.into()))
            .ok();
        match voter {
            Some(voter) if errors.is_empty() => Ok(ScoreBallot {
                question: self.slug.clone(),
                voter,
                ratings,
            }),
            _ => Err(ScoreBallotErrors(errors)),
        }
    }
}

/// Checks the ratings of a ballot against the options and the scale, reporting every problem in
/// `errors` (per rating: unknown option, repeated option, score off the scale; then options left
/// unrated when all are required, or no rating at all). Shared by score questions and score
/// polls, so both judge a ballot the same way.
pub(crate) fn check_ratings(
    options: &[PollOption],
    scale: Scale,
    require_all: bool,
    ratings_given: &[RatingSubmission],
    errors: &mut Vec<ScoreBallotError>,
) -> Vec<(OptionId, i32)> {
    let mut ratings: Vec<(OptionId, i32)> = Vec::with_capacity(ratings_given.len());
    let mut seen: Vec<&str> = Vec::with_capacity(ratings_given.len());
    for rating in ratings_given {
        let option = options.iter().find(|o| o.id.as_str() == rating.option);
        match option {
            None => errors.push(ScoreBallotError::UnknownOption {
                id: rating.option.clone(),
            }),
            Some(_) if seen.contains(&rating.option.as_str()) => {
                errors.push(ScoreBallotError::DuplicateRating {
                    id: rating.option.clone(),
                });
                continue;
            }
            Some(_) => {}
        }
        seen.push(&rating.option);
        if !scale.contains(rating.score) {
            errors.push(ScoreBallotError::OutOfScale {
                id: rating.option.clone(),
                score: rating.score,
                min: scale.min,
                max: scale.max,
            });
        } else if let (Some(option), Ok(score)) = (option, i32::try_from(rating.score)) {
            ratings.push((option.id.clone(), score));
        }
    }
    if require_all {
        for option in options {
            if !seen.contains(&option.id.as_str()) {
                errors.push(ScoreBallotError::MissingRating {
                    id: option.id.as_str().to_owned(),
                });
            }
        }
    } else if ratings_given.is_empty() {
        errors.push(ScoreBallotError::NoRatings);
    }
    ratings
}

/// A citizen's ratings as submitted, unchecked.
///
/// JSON: `{"ratings": [{"option": "staff", "score": 4}], "voter": "…"}`. Ratings are a list,
/// not an object, so that a repeated option is reported instead of silently overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreSubmission {
    /// One entry per rated option.
    pub ratings: Vec<RatingSubmission>,
    /// The device's [`VoterToken`].
    pub voter: String,
}

/// One rating in a [`ScoreSubmission`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingSubmission {
    /// The option's id.
    pub option: String,
    /// The score given (checked against the scale).
    pub score: i64,
}

/// A valid score ballot: known options, each at most once, every score on the scale, and every
/// option rated when the question requires it. Built only by [`ScoreQuestion::validate_ballot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreBallot {
    question: Slug,
    voter: VoterToken,
    ratings: Vec<(OptionId, i32)>,
}

impl ScoreBallot {
    /// The question this ballot was validated against.
    pub fn question(&self) -> &Slug {
        &self.question
    }

    /// The device token that cast it.
    pub fn voter(&self) -> &VoterToken {
        &self.voter
    }

    /// The ratings, one per rated option, in the order given.
    pub fn ratings(&self) -> &[(OptionId, i32)] {
        &self.ratings
    }
}

/// One problem with a score ballot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreBallotError {
    /// A rating names no option of the question.
    #[error("the question has no option {id:?}")]
    UnknownOption {
        /// The unknown id, as submitted.
        id: String,
    },
    /// An option is rated more than once.
    #[error("option {id:?} is rated more than once")]
    DuplicateRating {
        /// The repeated id.
        id: String,
    },
    /// A score lies outside the scale.
    #[error("option {id:?} is rated {score}; scores run from {min} to {max}")]
    OutOfScale {
        /// The option rated.
        id: String,
        /// The score given.
        score: i64,
        /// The scale's lowest score.
        min: i32,
        /// The scale's highest score.
        max: i32,
    },
    /// Every option must be rated and this one is not.
    #[error("option {id:?} is not rated; every option must be")]
    MissingRating {
        /// The unrated option.
        id: String,
    },
    /// The ballot rates nothing.
    #[error("rate at least one option")]
    NoRatings,
    /// The voter token is malformed.
    #[error(transparent)]
    InvalidVoterToken(#[from] VoterTokenError),
}

impl ScoreBallotError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownOption { .. } => ErrorCode::UnknownOption,
            Self::DuplicateRating { .. } => ErrorCode::DuplicateSelection,
            Self::OutOfScale { .. } => ErrorCode::ScoreOutOfScale,
            Self::MissingRating { .. } => ErrorCode::MissingRating,
            Self::NoRatings => ErrorCode::TooFewSelections,
            Self::InvalidVoterToken(_) => ErrorCode::InvalidVoterToken,
        }
    }
}

/// Every problem found in a score ballot, in a stable order (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreBallotErrors(Vec<ScoreBallotError>);

impl ScoreBallotErrors {
    /// The problems, in the order described on [`ScoreQuestion::validate_ballot`].
    pub fn errors(&self) -> &[ScoreBallotError] {
        &self.0
    }

    /// The first problem's code.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRequest, ScoreBallotError::code)
    }
}

impl fmt::Display for ScoreBallotErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for ScoreBallotErrors {}

mod tally;
pub(crate) use tally::DistributionSummary;
pub use tally::{OptionScores, ScorePoint, ScoreTally, ScoreTallyError};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_reduce_and_round() {
        assert_eq!(Ratio::new(6, 4), Ratio::new(3, 2));
        assert_eq!(Ratio::new(-6, 4).numerator(), -3);
        assert_eq!(Ratio::new(0, 7), Ratio::new(0, 1));
        assert_eq!(Ratio::new(7, 3).round_half_away(2), 233);
        assert_eq!(Ratio::new(5, 2).round_half_away(0), 3);
        assert_eq!(Ratio::new(-5, 2).round_half_away(0), -3);
        assert_eq!(Ratio::new(-7, 3).round_half_away(1), -23);
        assert_eq!(Ratio::new(1, 8).round_half_away(2), 13);
        assert_eq!(Ratio::new(3, 2).to_string(), "3/2");
        assert_eq!(Ratio::new(4, 2).to_string(), "2");
    }

    #[test]
    fn summary_of_a_distribution() {
        // Scores 1..=5 with ratings 1, 1, 2, 4, 5 (counts 2, 1, 0, 1, 1).
        let summary = DistributionSummary::of(1, &[2, 1, 0, 1, 1]);
        assert_eq!(summary.count, 5);
        assert_eq!(summary.mean, Some(Ratio::new(13, 5)));
        assert_eq!(summary.median, Some(Ratio::new(2, 1)));
        // Even count: 0, 10 → midpoint 5.
        let summary = DistributionSummary::of(0, &[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(summary.median, Some(Ratio::new(5, 1)));
        let summary = DistributionSummary::of(-2, &[0, 1, 1, 0, 0]);
        assert_eq!(summary.median, Some(Ratio::new(-1, 2)));
        assert_eq!(DistributionSummary::of(1, &[0; 5]).mean, None);
    }
}
