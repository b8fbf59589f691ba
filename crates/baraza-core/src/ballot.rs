//! Ballots and their validation.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::poll::{Poll, PollKind, PollNotOpen, write_joined};
use crate::score::{RatingSubmission, ScoreBallotError, check_ratings};
use crate::slug::{OptionId, Slug};

/// Shortest accepted voter token, in characters.
pub const MIN_VOTER_TOKEN_LEN: usize = 16;
/// Longest accepted voter token, in characters.
pub const MAX_VOTER_TOKEN_LEN: usize = 128;

/// A random token a device generates once and sends with each ballot, so that the same device
/// cannot vote twice in one poll by accident (a double click, a retry after a lost response).
///
/// It identifies a browser, not a person: it is a guard against accidents, not against fraud,
/// and carries no personal data. 16–128 characters of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VoterToken(String);

/// Why a string is not a [`VoterToken`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "voter token must be {MIN_VOTER_TOKEN_LEN} to {MAX_VOTER_TOKEN_LEN} characters of A-Z, a-z, 0-9, '-' and '_'"
)]
pub struct VoterTokenError;

impl VoterToken {
    /// Checks `token` and wraps it.
    pub fn parse(token: impl Into<String>) -> Result<Self, VoterTokenError> {
        let token = token.into();
        let shape_ok = (MIN_VOTER_TOKEN_LEN..=MAX_VOTER_TOKEN_LEN).contains(&token.len())
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if shape_ok {
            Ok(Self(token))
        } else {
            Err(VoterTokenError)
        }
    }

    /// The token as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VoterToken {
    type Error = VoterTokenError;
    fn try_from(token: String) -> Result<Self, Self::Error> {
        Self::parse(token)
    }
}

impl From<VoterToken> for String {
    fn from(token: VoterToken) -> Self {
        token.0
    }
}

/// A valid ballot for one poll: its selections exist, are distinct and respect the poll's
/// selection bounds; in a score poll each selected (rated) option has a score on the scale.
/// Built only by [`Poll::validate_ballot`], [`Poll::check_ballot`],
/// [`Poll::validate_rated_ballot`] or [`Poll::check_rated_ballot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    poll: Slug,
    voter: VoterToken,
    selections: Vec<OptionId>,
    /// The score of each selection, in the same order; empty unless the poll is a score poll.
    scores: Vec<i32>,
    /// Whether the selections are a ranking (a ranked poll's ballot).
    ranked: bool,
}

impl Ballot {
    /// The poll this ballot was validated against.
    pub fn poll(&self) -> &Slug {
        &self.poll
    }

    /// The device token that cast it.
    pub fn voter(&self) -> &VoterToken {
        &self.voter
    }

    /// The selected options, distinct, in the order the citizen gave them; in a score poll, the
    /// rated options.
    pub fn selections(&self) -> &[OptionId] {
        &self.selections
    }

    /// The score given to each of [`Ballot::selections`], in the same order; empty unless the
    /// ballot is for a score poll.
    pub fn scores(&self) -> &[i32] {
        &self.scores
    }

    /// The options in order of preference, most preferred first, when the ballot is for a
    /// ranked poll.
    pub fn ranking(&self) -> Option<&[OptionId]> {
        self.ranked.then_some(self.selections.as_slice())
    }

    /// Each rated option with its score (nothing unless the ballot is for a score poll).
    pub fn ratings(&self) -> impl Iterator<Item = (&OptionId, i32)> {
        self.selections.iter().zip(self.scores.iter().copied())
    }
}

/// One problem with a ballot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BallotError {
    /// The poll does not take ballots now.
    #[error("{0}")]
    PollNotOpen(PollNotOpen),
    /// A selection names no option of the poll.
    #[error("the poll has no option {id:?}")]
    UnknownOption {
        /// The unknown id, as submitted.
        id: String,
    },
    /// An option is selected more than once.
    #[error("option {id:?} is selected more than once")]
    DuplicateSelection {
        /// The repeated id.
        id: String,
    },
    /// Too few selections.
    #[error("select at least {min} option(s); {given} selected")]
    TooFewSelections {
        /// The poll's minimum.
        min: u32,
        /// How many selections were submitted, counting unknown and repeated ids.
        given: usize,
    },
    /// Too many selections.
    #[error("select at most {max} option(s); {given} selected")]
    TooManySelections {
        /// The poll's maximum.
        max: u32,
        /// How many selections were submitted, counting unknown and repeated ids.
        given: usize,
    },
    /// A score is off the poll's scale.
    #[error("option {id:?} is rated {score}; scores run from {min} to {max}")]
    OutOfScale {
        /// The rated option.
        id: String,
        /// The score given.
        score: i64,
        /// The scale's lowest score.
        min: i32,
        /// The scale's highest score.
        max: i32,
    },
    /// An option is left unrated in a poll that requires every option to be rated.
    #[error("option {id:?} is not rated; every option must be")]
    MissingRating {
        /// The unrated option.
        id: String,
    },
    /// The ballot has the wrong shape for the poll's kind: ratings for a choice poll, or
    /// selections for a score poll.
    #[error("{0}")]
    WrongShape(&'static str),
    /// The voter token is malformed.
    #[error(transparent)]
    InvalidVoterToken(#[from] VoterTokenError),
}

impl BallotError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::PollNotOpen(_) => ErrorCode::PollNotOpen,
            Self::UnknownOption { .. } => ErrorCode::UnknownOption,
            Self::DuplicateSelection { .. } => ErrorCode::DuplicateSelection,
            Self::TooFewSelections { .. } => ErrorCode::TooFewSelections,
            Self::TooManySelections { .. } => ErrorCode::TooManySelections,
            Self::OutOfScale { .. } => ErrorCode::ScoreOutOfScale,
            Self::MissingRating { .. } => ErrorCode::MissingRating,
            Self::WrongShape(_) => ErrorCode::AnswerTypeMismatch,
            Self::InvalidVoterToken(_) => ErrorCode::InvalidVoterToken,
        }
    }
}

/// Every problem found in a ballot, in a stable order (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotErrors(Vec<BallotError>);

impl BallotErrors {
    /// The problems, most fundamental first.
    pub fn errors(&self) -> &[BallotError] {
        &self.0
    }

    /// The first problem's code: the one a client should act on first.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRequest, BallotError::code)
    }
}

impl fmt::Display for BallotErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for BallotErrors {}

impl Poll {
    /// Checks a ballot — the ids of the selected options and the voter's token — against this
    /// poll at instant `now`, and reports every problem.
    ///
    /// This takes plain domain values; a JSON body of the HTTP API
    /// ([`v1::BallotSubmission`](crate::v1::BallotSubmission)) is checked with
    /// [`BallotSubmission::validate`](crate::v1::BallotSubmission::validate), which calls this.
    ///
    /// ```
    /// # use baraza_core::{Poll, ErrorCode};
    /// # let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    /// #   "question":{"en":"Q?"},"kind":{"type":"single_choice"},"status":"open",
    /// #   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// assert!(poll.validate_ballot(&["a"], "device-0123456789ab", now).is_ok());
    ///
    /// let errors = poll.validate_ballot(&["a", "z"], "x", now).unwrap_err();
    /// let codes: Vec<_> = errors.errors().iter().map(|e| e.code()).collect();
    /// assert_eq!(codes, [ErrorCode::UnknownOption, ErrorCode::TooManySelections, ErrorCode::InvalidVoterToken]);
    /// ```
    pub fn validate_ballot<S: AsRef<str>>(
        &self,
        selections: &[S],
        voter: &str,
        now: OffsetDateTime,
    ) -> Result<Ballot, BallotErrors> {
        let open = self.check_open_at(now).map_err(BallotError::PollNotOpen);
        self.build_ballot(open.err(), selections, voter)
    }

    /// Checks a ballot's contents without regard to time, e.g. to re-read stored ballots of a
    /// poll that has since closed.
    pub fn check_ballot<S: AsRef<str>>(
        &self,
        selections: &[S],
        voter: &str,
    ) -> Result<Ballot, BallotErrors> {
        self.build_ballot(None, selections, voter)
    }

    fn build_ballot<S: AsRef<str>>(
        &self,
        not_open: Option<BallotError>,
        selections: &[S],
        voter: &str,
    ) -> Result<Ballot, BallotErrors> {
        let mut errors: Vec<BallotError> = not_open.into_iter().collect();
        if self.kind().scale().is_some() {
            errors.push(BallotError::WrongShape(
                "this is a score poll: rate options in `ratings` (option and score), not \
                 `selections`",
            ));
        }
        let mut chosen: Vec<OptionId> = Vec::with_capacity(selections.len());
        for id in selections {
            let id = id.as_ref();
            match self.options().iter().find(|o| o.id.as_str() == id) {
                None => errors.push(BallotError::UnknownOption { id: id.to_owned() }),
                Some(option) if chosen.contains(&option.id) => {
                    errors.push(BallotError::DuplicateSelection { id: id.to_owned() })
                }
                Some(option) => chosen.push(option.id.clone()),
            }
        }
        let (min, max) = self.selection_range();
        // Count what was asked for, not only what matched, so "too many" is reported even when
        // some of the ids were also unknown.
        let given = selections.len();
        if given < min as usize {
            errors.push(BallotError::TooFewSelections { min, given });
        } else if given > max as usize {
            errors.push(BallotError::TooManySelections { max, given });
        }
        let voter = VoterToken::parse(voter)
            .map_err(|e| errors.push(e.into()))
            .ok();
        match voter {
            Some(voter) if errors.is_empty() => Ok(Ballot {
                poll: self.slug().clone(),
                voter,
                selections: chosen,
                scores: Vec::new(),
                ranked: self.kind().is_ranked(),
            }),
            _ => Err(BallotErrors(errors)),
        }
    }

    /// Checks a score poll's ballot at `now`: the poll is open, every rated option exists and
    /// is rated once, every score is on the scale, at least one option is rated (every option
    /// when the poll requires it) and the voter token is well formed. Every problem is
    /// reported, in that order; a choice poll refuses ratings with
    /// [`BallotError::WrongShape`].
    ///
    /// ```
    /// # use baraza_core::{Poll, ErrorCode};
    /// use baraza_core::score::RatingSubmission;
    /// # let poll: Poll = serde_json::from_str(r#"{"slug":"clinic","default_language":"en",
    /// #   "question":{"en":"Rate each service"},"status":"open",
    /// #   "kind":{"type":"score","scale":{"min":1,"max":5}},
    /// #   "options":[{"id":"staff","label":{"en":"Staff"}},{"id":"wait","label":{"en":"Waiting"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// let rate = |option: &str, score| RatingSubmission { option: option.into(), score };
    /// let ballot = poll.validate_rated_ballot(&[rate("staff", 4)], "device-0123456789ab", now).unwrap();
    /// assert_eq!(ballot.ratings().map(|(id, s)| (id.as_str(), s)).collect::<Vec<_>>(), [("staff", 4)]);
    ///
    /// let errors = poll.validate_rated_ballot(&[rate("wait", 9)], "device-0123456789ab", now).unwrap_err();
    /// assert_eq!(errors.primary_code(), ErrorCode::ScoreOutOfScale);
    /// ```
    pub fn validate_rated_ballot(
        &self,
        ratings: &[RatingSubmission],
        voter: &str,
        now: OffsetDateTime,
    ) -> Result<Ballot, BallotErrors> {
        let open = self.check_open_at(now).map_err(BallotError::PollNotOpen);
        self.build_rated_ballot(open.err(), ratings, voter)
    }

    /// Checks a score poll's ballot without regard to time (see [`Poll::check_ballot`]).
    pub fn check_rated_ballot(
        &self,
        ratings: &[RatingSubmission],
        voter: &str,
    ) -> Result<Ballot, BallotErrors> {
        self.build_rated_ballot(None, ratings, voter)
    }

    fn build_rated_ballot(
        &self,
        not_open: Option<BallotError>,
        ratings: &[RatingSubmission],
        voter: &str,
    ) -> Result<Ballot, BallotErrors> {
        let mut errors: Vec<BallotError> = not_open.into_iter().collect();
        let rated = match self.kind() {
            PollKind::Score { scale, require_all } => {
                let mut problems = Vec::new();
                let rated =
                    check_ratings(self.options(), scale, require_all, ratings, &mut problems);
                errors.extend(problems.into_iter().map(BallotError::from));
                rated
            }
            _ => {
                errors.push(BallotError::WrongShape(
                    "this poll is answered with `selections`; only score polls take `ratings`",
                ));
                Vec::new()
            }
        };
        let voter = VoterToken::parse(voter)
            .map_err(|e| errors.push(e.into()))
            .ok();
        match voter {
            Some(voter) if errors.is_empty() => {
                let (selections, scores) = rated.into_iter().unzip();
                Ok(Ballot {
                    poll: self.slug().clone(),
                    voter,
                    selections,
                    scores,
                    ranked: false,
                })
            }
            _ => Err(BallotErrors(errors)),
        }
    }
}

impl From<ScoreBallotError> for BallotError {
    fn from(problem: ScoreBallotError) -> Self {
        match problem {
            ScoreBallotError::UnknownOption { id } => Self::UnknownOption { id },
            ScoreBallotError::DuplicateRating { id } => Self::DuplicateSelection { id },
            ScoreBallotError::OutOfScale {
                id,
                score,
                min,
                max,
            } => Self::OutOfScale {
                id,
                score,
                min,
                max,
            },
            ScoreBallotError::MissingRating { id } => Self::MissingRating { id },
            ScoreBallotError::NoRatings => Self::TooFewSelections { min: 1, given: 0 },
            ScoreBallotError::InvalidVoterToken(error) => Self::InvalidVoterToken(error),
        }
    }
}
