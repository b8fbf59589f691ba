//! Stable error codes of ranked-choice counting.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code, serialised as a snake_case string.
///
/// These are the ranked-choice subset of `baraza_ranked::ErrorCode`, with the same strings, so a
/// program that only counts elections need not depend on Baraza's web API codes; `baraza-core`
/// converts them with `From`. A code is never renamed or reused; new ones may be added, hence
/// `#[non_exhaustive]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not of the expected shape (e.g. a cast vote record report without the
    /// contest or snapshot asked for).
    InvalidRequest,
    /// A ranked ballot names a candidate the contest does not have.
    UnknownCandidate,
    /// A ranked ballot is malformed: a candidate marked twice at one rank, or too many ranks.
    InvalidRanking,
    /// A candidate list is invalid: empty, blank or repeated names, or a bad write-ins label.
    InvalidCandidates,
    /// Ballot CSV cannot be read: empty lines, invalid UTF-8, or an empty overvote mark.
    MalformedCsv,
    /// A count cannot be made with these settings (e.g. more seats than candidates).
    InvalidCountRules,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::InvalidRequest,
        Self::UnknownCandidate,
        Self::InvalidRanking,
        Self::InvalidCandidates,
        Self::MalformedCsv,
        Self::InvalidCountRules,
    ];

    /// The snake_case string form, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnknownCandidate => "unknown_candidate",
            Self::InvalidRanking => "invalid_ranking",
            Self::InvalidCandidates => "invalid_candidates",
            Self::MalformedCsv => "malformed_csv",
            Self::InvalidCountRules => "invalid_count_rules",
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
