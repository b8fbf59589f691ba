//! The counting rules of a ranked contest.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::votes::MAX_DECIMAL_PLACES;

/// How a ranked contest is counted: ballot rules (what overvotes, skipped ranks and repeated
/// candidates mean), the quota, surplus arithmetic and tie-breaking.
///
/// Each option is named after, and behaves as, the RCTab setting noted on it, so a contest
/// configured for RCTab can be recounted here with the same result. The defaults are listed on
/// each field. JSON (every field optional):
///
/// ```
/// use baraza_ranked::{Quota, Rules, TieBreak};
/// let rules: Rules = serde_json::from_str(r#"{
///     "tie_break": {"method": "previous_rounds_then_random", "seed": 2027},
///     "max_skipped_ranks": 1,
///     "quota": "droop_fractional"
/// }"#)?;
/// assert_eq!(rules.tie_break, TieBreak::PreviousRoundsThenRandom { seed: 2027 });
/// assert_eq!(rules.quota, Quota::DroopFractional);
/// assert_eq!(rules.decimal_places.get(), 4);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// How ties for elimination or election are broken (RCTab `tiebreakMode`). Default:
    /// [`TieBreak::PreviousRoundsThenCandidateOrder`].
    pub tie_break: TieBreak,
    /// Eliminate at once every candidate who cannot catch up (RCTab `batchElimination`).
    /// Single-winner counts only, as in RCTab. Default: `false`.
    ///
    /// Tallies are sorted ascending and the largest group of lowest candidates whose combined
    /// votes are strictly below the next higher tally is eliminated, provided it has at least
    /// two members; otherwise the single lowest candidate is.
    pub batch_elimination: bool,
    /// What a rank with several marks does (RCTab `overvoteRule`). Default:
    /// [`OvervoteRule::Exhaust`].
    pub overvote: OvervoteRule,
    /// How many consecutive skipped ranks a ballot may have before the next mark; a longer gap
    /// exhausts the ballot there. A gap before the first mark counts; overvoted and repeated
    /// ranks count as marked. `None` means any gap is allowed (RCTab
    /// `maxSkippedRanksAllowed`, `"unlimited"`). Default: `None`.
    pub max_skipped_ranks: Option<u32>,
    /// Whether reaching a candidate ranked earlier on the same ballot exhausts the ballot
    /// (RCTab `exhaustOnDuplicateCandidate`); otherwise later repeats are skipped. Default:
    /// `false`.
    pub exhaust_on_repeated_candidate: bool,
    /// Only the first this many ranks are read; `None` reads all (RCTab
    /// `maxRankingsAllowed`). Default: `None`.
    pub max_ranks: Option<u32>,
    /// The STV quota (threshold of election). Single-winner counts always use a majority of
    /// the continuing votes instead. Default: [`Quota::DroopWhole`].
    pub quota: Quota,
    /// Decimal places of STV vote arithmetic: surplus fractions and transferred values are
    /// truncated to this many places (RCTab `decimalPlacesForVoteArithmetic`; Minneapolis uses
    /// 4). At most [`MAX_DECIMAL_PLACES`]. Default: 4.
    pub decimal_places: DecimalPlaces,
    /// Elect at most one candidate per round, the one with the most votes (RCTab
    /// `multiWinnerAllowOnlyOneWinnerPerRound`); the others reaching the quota are elected in
    /// later rounds. Default: `false`.
    pub one_winner_per_round: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            tie_break: TieBreak::PreviousRoundsThenCandidateOrder,
            batch_elimination: false,
            overvote: OvervoteRule::Exhaust,
            max_skipped_ranks: None,
            exhaust_on_repeated_candidate: false,
            max_ranks: None,
            quota: Quota::DroopWhole,
            decimal_places: DecimalPlaces(4),
            one_winner_per_round: false,
        }
    }
}

/// How ties are broken, both for elimination (several candidates share the lowest tally) and
/// for election (one winner per round, or the last two candidates of a single-winner count tied).
///
/// JSON: `{"method": "candidate_order"}`, `{"method": "random", "seed": 7}`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum TieBreak {
    /// By the official candidate order (RCTab `useCandidateOrder`): the tied candidate listed
    /// last is eliminated, the one listed first is elected.
    CandidateOrder,
    /// By lot, drawn deterministically from `seed` (RCTab `random`).
    ///
    /// The draw is RCTab's: the tied candidates are sorted by name (Java string order, by
    /// UTF-16 code unit), one `java.util.Random(seed)` generator serves the whole count, and
    /// the candidate at `floor(nextDouble() × number tied)` is chosen. This follows RCTab's
    /// algorithm; it has not been checked against an RCTab count with a random tie, as none of
    /// the reference cases has one.
    Random {
        /// The published seed.
        seed: i64,
    },
    /// The tied candidate with the fewest votes (when eliminating) or the most (when electing)
    /// in the previous round, then the round before, and so on; if they were tied in every
    /// earlier round, by candidate order (RCTab `previousRoundCountsThen…`, with candidate
    /// order as the last resort).
    PreviousRoundsThenCandidateOrder,
    /// As [`TieBreak::PreviousRoundsThenCandidateOrder`], then by lot as [`TieBreak::Random`]
    /// (RCTab `previousRoundCountsThenRandom`).
    PreviousRoundsThenRandom {
        /// The published seed.
        seed: i64,
    },
}

/// What a rank with several marks (an overvote) does to the ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OvervoteRule {
    /// The ballot is exhausted when the count reaches that rank (RCTab `exhaustImmediately`).
    Exhaust,
    /// The rank is ignored and the ballot moves on to the next one (RCTab
    /// `alwaysSkipToNextRank`).
    SkipRank,
}

/// The STV quota, computed once from the active votes `V` of the first round, for `S` seats,
/// with `d` [decimal places](Rules::decimal_places). A candidate with at least the quota is
/// elected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    /// Whole Droop quota, `floor(V / (S + 1)) + 1` (Droop 1881; Minneapolis § 167.20).
    DroopWhole,
    /// Fractional Droop quota, `trunc_d(V / (S + 1)) + 10^-d` (RCTab
    /// `nonIntegerWinningThreshold`): the smallest `d`-place number above `V / (S + 1)`.
    DroopFractional,
    /// Hare quota, `ceil(V / S)` (RCTab `hareQuota`).
    Hare,
}

/// A number of decimal places from 0 to [`MAX_DECIMAL_PLACES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DecimalPlaces(u8);

/// A number of decimal places above [`MAX_DECIMAL_PLACES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("decimal_places must be at most {MAX_DECIMAL_PLACES}; got {0}")]
pub struct DecimalPlacesError(pub u8);

impl DecimalPlaces {
    /// Checks `places`.
    pub fn new(places: u8) -> Result<Self, DecimalPlacesError> {
        if places <= MAX_DECIMAL_PLACES {
            Ok(Self(places))
        } else {
            Err(DecimalPlacesError(places))
        }
    }

    /// The number of places.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for DecimalPlaces {
    type Error = DecimalPlacesError;
    fn try_from(places: u8) -> Result<Self, Self::Error> {
        Self::new(places)
    }
}

impl From<DecimalPlaces> for u8 {
    fn from(places: DecimalPlaces) -> Self {
        places.0
    }
}

impl fmt::Display for DecimalPlaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serialise_with_snake_case_names() {
        let json = serde_json::to_value(Rules::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "tie_break": {"method": "previous_rounds_then_candidate_order"},
                "batch_elimination": false,
                "overvote": "exhaust",
                "max_skipped_ranks": null,
                "exhaust_on_repeated_candidate": false,
                "max_ranks": null,
                "quota": "droop_whole",
                "decimal_places": 4,
                "one_winner_per_round": false
            })
        );
        assert_eq!(
            serde_json::from_value::<Rules>(json).unwrap(),
            Rules::default()
        );
    }

    #[test]
    fn decimal_places_are_checked_when_parsed() {
        assert!(serde_json::from_str::<Rules>(r#"{"decimal_places": 10}"#).is_err());
        assert!(serde_json::from_str::<Rules>(r#"{"decimals": 4}"#).is_err());
        assert_eq!(DecimalPlaces::new(10), Err(DecimalPlacesError(10)));
        assert_eq!(DecimalPlaces::new(9).map(DecimalPlaces::get), Ok(9));
    }
}
