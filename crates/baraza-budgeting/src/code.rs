//! Stable error codes of participatory budgeting.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code, serialised as a snake_case string.
///
/// These are the participatory-budgeting subset of `baraza_budgeting::ErrorCode`, with the same
/// strings, so a program that only computes outcomes need not depend on Baraza's web API
/// codes; `baraza-core` converts them with `From`. A code is never renamed or reused; new ones
/// may be added, hence `#[non_exhaustive]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not of the expected shape.
    InvalidRequest,
    /// The same project is selected twice.
    DuplicateSelection,
    /// Fewer projects are selected than the ballot rules require.
    TooFewSelections,
    /// More projects are selected than the ballot rules allow.
    TooManySelections,
    /// A ballot names a project the instance does not have.
    UnknownProject,
    /// The projects on a ballot cost more together than a ballot may spend (the budget for
    /// knapsack ballots, or the instance's cap).
    BallotOverBudget,
    /// A pabulib `.pb` file cannot be used; the error lists every bad line.
    InvalidPabulibFile,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [Self; 7] = [
        Self::InvalidRequest,
        Self::DuplicateSelection,
        Self::TooFewSelections,
        Self::TooManySelections,
        Self::UnknownProject,
        Self::BallotOverBudget,
        Self::InvalidPabulibFile,
    ];

    /// The snake_case string form, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::DuplicateSelection => "duplicate_selection",
            Self::TooFewSelections => "too_few_selections",
            Self::TooManySelections => "too_many_selections",
            Self::UnknownProject => "unknown_project",
            Self::BallotOverBudget => "ballot_over_budget",
            Self::InvalidPabulibFile => "invalid_pabulib_file",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes `items` separated by "; ": how every list of problems displays.
pub(crate) fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(code.to_string(), code.as_str());
        }
    }
}
