//! The candidates of a ranked contest.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::ErrorCode;
use crate::code::write_joined;

/// The most candidates a contest may have. Candidates are numbered with `u16` internally, and the
/// largest ranked ballots in public use list a few dozen.
pub const MAX_CANDIDATES: usize = 4096;

/// A candidate's position in its [`Candidates`] list (0-based).
///
/// Ids are only handed out by a `Candidates` list, so an id from one list always names a
/// candidate of that list. Serialised as the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct CandidateId(pub(crate) u16);

impl CandidateId {
    /// The 0-based position in the candidate list.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The candidates of a contest, in their official order.
///
/// The order matters: [`TieBreak::CandidateOrder`](super::TieBreak::CandidateOrder) uses it, and
/// candidates elected together because no more remain than open seats are listed in it.
///
/// One candidate may be marked as the *undeclared write-ins* pseudo-candidate (all write-ins
/// pooled under one label, as RCTab does): it can never win, nobody can be elected while it
/// holds votes, and while it holds votes it is eliminated first, alone.
///
/// Names are unique, not blank, and have no leading or trailing whitespace (CSV fields are
/// trimmed, so such a name could never be matched). JSON:
/// `{"names": ["Ada", "Grace"], "undeclared_write_ins": null}`.
///
/// ```
/// use baraza_ranked::Candidates;
/// let candidates = Candidates::new(["Memphis", "Nashville", "Chattanooga", "Knoxville"])?;
/// let knoxville = candidates.id("Knoxville").unwrap();
/// assert_eq!((knoxville.index(), candidates.name(knoxville)), (3, "Knoxville"));
///
/// let errors = Candidates::new(["Ada", " Ada", "Ada"]).unwrap_err();
/// assert_eq!(errors.to_string(),
///     "candidates[1] \" Ada\" starts or ends with whitespace; candidate \"Ada\" is listed twice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "CandidatesSpec", into = "CandidatesSpec")]
pub struct Candidates {
    names: Vec<String>,
    by_name: BTreeMap<String, CandidateId>,
    write_ins: Option<CandidateId>,
}

/// The unchecked JSON shape of [`Candidates`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CandidatesSpec {
    /// Candidate names in official order.
    pub names: Vec<String>,
    /// The name (one of `names`) that pools undeclared write-ins, if any.
    #[serde(default)]
    pub undeclared_write_ins: Option<String>,
}

/// One problem with a candidate list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CandidatesError {
    /// No candidates at all.
    #[error("a contest needs at least one candidate")]
    Empty,
    /// More than [`MAX_CANDIDATES`].
    #[error("a contest may have at most {MAX_CANDIDATES} candidates; this one has {count}")]
    TooMany {
        /// How many were given.
        count: usize,
    },
    /// A name is empty or only whitespace.
    #[error("candidates[{index}] has a blank name")]
    BlankName {
        /// Position in the list.
        index: usize,
    },
    /// A name starts or ends with whitespace.
    #[error("candidates[{index}] {name:?} starts or ends with whitespace")]
    UntrimmedName {
        /// Position in the list.
        index: usize,
        /// The name as given.
        name: String,
    },
    /// Two candidates share a name.
    #[error("candidate {name:?} is listed twice")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// The write-in label is not one of the names.
    #[error("the undeclared write-ins label {name:?} is not one of the candidates")]
    UnknownWriteInLabel {
        /// The label as given.
        name: String,
    },
    /// The write-in pseudo-candidate is the only candidate.
    #[error("a contest needs at least one declared candidate besides the undeclared write-ins")]
    OnlyWriteIns,
}

/// Every problem found in a candidate list (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatesErrors(pub Vec<CandidatesError>);

impl CandidatesErrors {
    /// The problems, in list order.
    pub fn errors(&self) -> &[CandidatesError] {
        &self.0
    }

    /// The stable code for all of them: [`ErrorCode::InvalidCandidates`].
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidCandidates
    }
}

impl fmt::Display for CandidatesErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for CandidatesErrors {}

impl Candidates {
    /// Checks the names (see the type's docs) and numbers them in the order given.
    pub fn new<I, S>(names: I) -> Result<Self, CandidatesErrors>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::try_from(CandidatesSpec {
            names: names.into_iter().map(Into::into).collect(),
            undeclared_write_ins: None,
        })
    }

    /// Marks the candidate called `label` as the undeclared write-ins pseudo-candidate.
    pub fn with_undeclared_write_ins(self, label: &str) -> Result<Self, CandidatesErrors> {
        Self::try_from(CandidatesSpec {
            names: self.names,
            undeclared_write_ins: Some(label.to_owned()),
        })
    }

    /// How many candidates there are (at least one), the write-ins pseudo-candidate included.
    pub fn count(&self) -> usize {
        self.names.len()
    }

    /// How many candidates there are, not counting the undeclared write-ins.
    pub fn declared_count(&self) -> usize {
        self.names.len() - usize::from(self.write_ins.is_some())
    }

    /// The names, in official order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of a candidate. An id from another, longer list gives `"?"`.
    pub fn name(&self, id: CandidateId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    /// The id of the candidate with exactly this name.
    pub fn id(&self, name: &str) -> Option<CandidateId> {
        self.by_name.get(name).copied()
    }

    /// The id of the candidate at `index` in the official order.
    pub fn id_at(&self, index: usize) -> Option<CandidateId> {
        (index < self.names.len()).then_some(CandidateId(index as u16))
    }

    /// Every id, in official order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = CandidateId> + '_ {
        (0..self.names.len()).map(|index| CandidateId(index as u16))
    }

    /// The undeclared write-ins pseudo-candidate, if the contest has one.
    pub fn undeclared_write_ins(&self) -> Option<CandidateId> {
        self.write_ins
    }

    /// Whether `id` belongs to this list.
    pub(crate) fn contains(&self, id: CandidateId) -> bool {
        id.index() < self.names.len()
    }
}

impl TryFrom<CandidatesSpec> for Candidates {
    type Error = CandidatesErrors;

    fn try_from(spec: CandidatesSpec) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        if spec.names.is_empty() {
            errors.push(CandidatesError::Empty);
        }
        if spec.names.len() > MAX_CANDIDATES {
            errors.push(CandidatesError::TooMany {
                count: spec.names.len(),
            });
        }
        let mut by_name = BTreeMap::new();
        for (index, name) in spec.names.iter().enumerate() {
            if name.trim().is_empty() {
                errors.push(CandidatesError::BlankName { index });
            } else if name.trim() != name {
                errors.push(CandidatesError::UntrimmedName {
                    index,
                    name: name.clone(),
                });
            } else if by_name.contains_key(name) {
                errors.push(CandidatesError::DuplicateName { name: name.clone() });
            } else {
                by_name.insert(name.clone(), CandidateId(index.min(MAX_CANDIDATES) as u16));
            }
        }
        let write_ins = match spec.undeclared_write_ins {
            None => None,
            Some(label) => match by_name.get(&label) {
                Some(&id) => {
                    if spec.names.len() == 1 {
                        errors.push(CandidatesError::OnlyWriteIns);
                    }
                    Some(id)
                }
                None => {
                    errors.push(CandidatesError::UnknownWriteInLabel { name: label });
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(Self {
                names: spec.names,
                by_name,
                write_ins,
            })
        } else {
            Err(CandidatesErrors(errors))
        }
    }
}

impl From<Candidates> for CandidatesSpec {
    fn from(candidates: Candidates) -> Self {
        let undeclared_write_ins = candidates
            .write_ins
            .map(|id| candidates.names[id.index()].clone());
        Self {
            names: candidates.names,
            undeclared_write_ins,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem() {
        let errors = Candidates::new(["", "A", "A ", "A"]).unwrap_err();
        assert_eq!(
            errors.errors(),
            [
                CandidatesError::BlankName { index: 0 },
                CandidatesError::UntrimmedName {
                    index: 2,
                    name: "A ".into()
                },
                CandidatesError::DuplicateName { name: "A".into() },
            ]
        );
        assert_eq!(
            Candidates::new(Vec::<String>::new()).unwrap_err().errors(),
            [CandidatesError::Empty]
        );
    }

    #[test]
    fn write_ins_label_must_name_a_candidate_and_not_the_only_one() {
        let candidates = Candidates::new(["A", "Write-ins"]).unwrap();
        let marked = candidates
            .clone()
            .with_undeclared_write_ins("Write-ins")
            .unwrap();
        assert_eq!(marked.undeclared_write_ins(), marked.id("Write-ins"));
        assert_eq!(marked.declared_count(), 1);
        assert_eq!(
            candidates
                .with_undeclared_write_ins("Other")
                .unwrap_err()
                .errors(),
            [CandidatesError::UnknownWriteInLabel {
                name: "Other".into()
            }]
        );
        assert_eq!(
            Candidates::new(["W"])
                .unwrap()
                .with_undeclared_write_ins("W")
                .unwrap_err()
                .errors(),
            [CandidatesError::OnlyWriteIns]
        );
    }

    #[test]
    fn json_round_trip_checks_the_list() {
        let candidates = Candidates::new(["A", "B", "UWI"])
            .unwrap()
            .with_undeclared_write_ins("UWI")
            .unwrap();
        let json = serde_json::to_string(&candidates).unwrap();
        assert_eq!(
            json,
            r#"{"names":["A","B","UWI"],"undeclared_write_ins":"UWI"}"#
        );
        assert_eq!(
            serde_json::from_str::<Candidates>(&json).unwrap(),
            candidates
        );
        assert!(serde_json::from_str::<Candidates>(r#"{"names":["A","A"]}"#).is_err());
    }
}
