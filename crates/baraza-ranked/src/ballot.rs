//! Ranked ballots as cast: ranks holding zero, one or several marks.

use std::fmt;

use crate::code::ErrorCode;
use crate::code::write_joined;

use super::candidate::{CandidateId, Candidates};

/// The most ranks a ballot may have. Real ballots offer 3 to 15; the limit only guards memory.
pub const MAX_RANKS: usize = 1000;

/// One voter's ballot as cast, before any counting rule is applied.
///
/// A ballot is a list of ranks, most preferred first. Each rank holds the candidates marked at
/// it, as a cast-vote record (CVR) reports them:
///
/// * no mark — a *skipped rank* (undervote at that rank);
/// * one mark — the usual case;
/// * several marks — an *overvote*.
///
/// The same candidate may appear at several ranks (a *repeated candidate*). What each of these
/// means is decided when counting, by [`Rules`](super::Rules): see
/// [`OvervoteRule`](super::OvervoteRule), [`Rules::max_skipped_ranks`](super::Rules::max_skipped_ranks)
/// and [`Rules::exhaust_on_repeated_candidate`](super::Rules::exhaust_on_repeated_candidate).
/// A ballot with no mark at all is *blank*.
///
/// Invariants: at most [`MAX_RANKS`] ranks, and no candidate marked twice at one rank.
///
/// ```
/// use baraza_ranked::{Candidates, RankedBallot};
/// let candidates = Candidates::new(["Ada", "Grace", "Edsger"])?;
/// // Rank 1: Ada; rank 2 skipped; rank 3: Grace and Edsger (an overvote).
/// let ballot = RankedBallot::from_names(&candidates, &[&["Ada"][..], &[], &["Grace", "Edsger"]])?;
/// let ranks: Vec<usize> = ballot.ranks().map(|marks| marks.len()).collect();
/// assert_eq!(ranks, [1, 0, 2]);
///
/// let errors = RankedBallot::from_names(&candidates, &[&["Ada", "Alan"][..]]).unwrap_err();
/// assert_eq!(errors.to_string(), "rank 1 marks \"Alan\", who is not a candidate");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankedBallot {
    /// The ranks, in one allocation (16 bytes plus the marks, since elections have millions of
    /// ballots). When every rank holds exactly one mark, the common case, these are the marks;
    /// otherwise every rank is opened by [`RANK`] and followed by its marks.
    marks: Box<[CandidateId]>,
}

/// Opens a rank in the general form of [`RankedBallot::marks`]; above every candidate id.
pub(crate) const RANK: CandidateId = CandidateId(u16::MAX);

/// One problem with a ranked ballot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RankedBallotError {
    /// A mark names no candidate of the contest.
    #[error("rank {rank} marks {name:?}, who is not a candidate")]
    UnknownCandidate {
        /// The rank (1 = first preference).
        rank: usize,
        /// The name as given.
        name: String,
    },
    /// The same candidate is marked twice at one rank.
    #[error("rank {rank} marks candidate {name:?} more than once")]
    MarkedTwiceAtRank {
        /// The rank (1 = first preference).
        rank: usize,
        /// The candidate's name, or `#index` when the ballot was built from ids.
        name: String,
    },
    /// More than [`MAX_RANKS`] ranks.
    #[error("a ballot may have at most {MAX_RANKS} ranks; this one has {ranks}")]
    TooManyRanks {
        /// How many ranks were given.
        ranks: usize,
    },
}

impl RankedBallotError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownCandidate { .. } => ErrorCode::UnknownCandidate,
            Self::MarkedTwiceAtRank { .. } | Self::TooManyRanks { .. } => ErrorCode::InvalidRanking,
        }
    }
}

/// Every problem found in a ranked ballot, rank by rank (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedBallotErrors(pub Vec<RankedBallotError>);

impl RankedBallotErrors {
    /// The problems, in rank order.
    pub fn errors(&self) -> &[RankedBallotError] {
        &self.0
    }

    /// The first problem's code.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRanking, RankedBallotError::code)
    }
}

impl fmt::Display for RankedBallotErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for RankedBallotErrors {}

impl RankedBallot {
    /// A ballot ranking `ranking` one candidate per rank, most preferred first. Repeats are
    /// kept (they are a counting-rule matter).
    pub fn from_ranking(ranking: &[CandidateId]) -> Result<Self, RankedBallotErrors> {
        if ranking.len() > MAX_RANKS {
            return Err(RankedBallotErrors(vec![RankedBallotError::TooManyRanks {
                ranks: ranking.len(),
            }]));
        }
        Ok(Self {
            marks: ranking.into(),
        })
    }

    /// A ballot from its ranks, each holding the candidates marked there (none, one, or
    /// several).
    pub fn from_ranks<R: AsRef<[CandidateId]>>(ranks: &[R]) -> Result<Self, RankedBallotErrors> {
        let mut errors = Vec::new();
        if ranks.len() > MAX_RANKS {
            errors.push(RankedBallotError::TooManyRanks { ranks: ranks.len() });
        }
        for (index, rank) in ranks.iter().enumerate() {
            let marks = rank.as_ref();
            for (position, mark) in marks.iter().enumerate() {
                if marks[..position].contains(mark) {
                    errors.push(RankedBallotError::MarkedTwiceAtRank {
                        rank: index + 1,
                        name: format!("#{}", mark.index()),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(RankedBallotErrors(errors));
        }
        Ok(Self::from_checked_ranks(ranks.iter().map(AsRef::as_ref)))
    }

    /// A ballot from candidate names, checked against `candidates`: every unknown name and
    /// every candidate marked twice at one rank is reported.
    pub fn from_names<R, S>(
        candidates: &Candidates,
        ranks: &[R],
    ) -> Result<Self, RankedBallotErrors>
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        let mut errors = Vec::new();
        if ranks.len() > MAX_RANKS {
            errors.push(RankedBallotError::TooManyRanks { ranks: ranks.len() });
        }
        let mut ids: Vec<Vec<CandidateId>> = Vec::with_capacity(ranks.len());
        for (index, rank) in ranks.iter().enumerate() {
            let mut marks = Vec::with_capacity(rank.as_ref().len());
            for name in rank.as_ref() {
                let name = name.as_ref();
                match candidates.id(name) {
                    None => errors.push(RankedBallotError::UnknownCandidate {
                        rank: index + 1,
                        name: name.to_owned(),
                    }),
                    Some(id) if marks.contains(&id) => {
                        errors.push(RankedBallotError::MarkedTwiceAtRank {
                            rank: index + 1,
                            name: name.to_owned(),
                        })
                    }
                    Some(id) => marks.push(id),
                }
            }
            ids.push(marks);
        }
        if errors.is_empty() {
            Ok(Self::from_checked_ranks(ids.iter().map(Vec::as_slice)))
        } else {
            Err(RankedBallotErrors(errors))
        }
    }

    /// Builds from ranks already known to satisfy the invariants.
    pub(crate) fn from_checked_ranks<'a>(
        ranks: impl Iterator<Item = &'a [CandidateId]> + Clone,
    ) -> Self {
        let simple = ranks.clone().all(|marks| marks.len() == 1);
        let marks: Vec<CandidateId> = if simple {
            ranks.flatten().copied().collect()
        } else {
            ranks
                .flat_map(|marks| std::iter::once(&RANK).chain(marks))
                .copied()
                .collect()
        };
        Self {
            marks: marks.into(),
        }
    }

    /// The ballot whose marks, in the layout of [`RankedBallot::marks`], are `encoding` (as
    /// the CSV reader writes them). The caller vouches for the invariants.
    pub(crate) fn from_encoding(encoding: &[u16]) -> Self {
        Self {
            marks: encoding.iter().map(|&mark| CandidateId(mark)).collect(),
        }
    }

    fn is_simple(&self) -> bool {
        self.marks.first() != Some(&RANK)
    }

    /// The ranks, most preferred first, each as the candidates marked at it.
    pub fn ranks(&self) -> Ranks<'_> {
        Ranks {
            rest: if self.is_simple() {
                &self.marks
            } else {
                &self.marks[1..]
            },
            simple: self.is_simple(),
            left: self.rank_count(),
        }
    }

    /// How many ranks the ballot has (skipped ranks included).
    pub fn rank_count(&self) -> usize {
        if self.is_simple() {
            self.marks.len()
        } else {
            self.marks.iter().filter(|&&mark| mark == RANK).count()
        }
    }

    /// Whether no candidate is marked at any rank.
    pub fn is_blank(&self) -> bool {
        self.marks.iter().all(|&mark| mark == RANK)
    }

    /// Every mark, rank by rank (with the rank openers of the general form).
    pub(crate) fn marks(&self) -> impl Iterator<Item = CandidateId> + '_ {
        self.marks.iter().copied().filter(|&mark| mark != RANK)
    }

    /// Renumbers the candidates: `new_ids[old.index()]` is the new id of `old`.
    pub(crate) fn renumber(&mut self, new_ids: &[CandidateId]) {
        for mark in self.marks.iter_mut().filter(|mark| **mark != RANK) {
            *mark = new_ids[mark.index()];
        }
    }
}

/// The ranks of a [`RankedBallot`], from [`RankedBallot::ranks`].
#[derive(Debug, Clone)]
pub struct Ranks<'a> {
    /// What is left to read: marks (simple form), or rank contents separated by openers.
    rest: &'a [CandidateId],
    simple: bool,
    left: usize,
}

impl<'a> Iterator for Ranks<'a> {
    type Item = &'a [CandidateId];

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let end = if self.simple {
            1
        } else {
            self.rest
                .iter()
                .position(|&mark| mark == RANK)
                .unwrap_or(self.rest.len())
        };
        let (rank, rest) = self.rest.split_at(end);
        // Skip the opener of the next rank.
        self.rest = if self.simple || rest.is_empty() {
            rest
        } else {
            &rest[1..]
        };
        Some(rank)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Ranks<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Candidates {
        Candidates::new(["A", "B", "C"]).unwrap()
    }

    #[test]
    fn simple_and_general_ballots_have_the_same_ranks() {
        let c = candidates();
        let (a, b) = (c.id("A").unwrap(), c.id("B").unwrap());
        let simple = RankedBallot::from_ranking(&[a, b, a]).unwrap();
        let general = RankedBallot::from_ranks(&[vec![a], vec![b], vec![a]]).unwrap();
        assert_eq!(simple, general);
        assert_eq!(simple.ranks().collect::<Vec<_>>(), [&[a][..], &[b], &[a]]);
        let gappy = RankedBallot::from_ranks(&[vec![], vec![a, b], vec![b]]).unwrap();
        assert_eq!(gappy.ranks().collect::<Vec<_>>(), [&[][..], &[a, b], &[b]]);
        assert_eq!(gappy.rank_count(), 3);
        let trailing = RankedBallot::from_ranks(&[vec![a], vec![], vec![]]).unwrap();
        assert_eq!(trailing.ranks().collect::<Vec<_>>(), [&[a][..], &[], &[]]);
        assert_eq!(trailing.ranks().len(), 3);
        assert!(!trailing.is_blank());
        assert!(
            RankedBallot::from_ranks(&[Vec::<CandidateId>::new()])
                .unwrap()
                .is_blank()
        );
    }

    #[test]
    fn from_names_reports_every_problem() {
        let errors = RankedBallot::from_names(
            &candidates(),
            &[vec!["A", "Z"], vec!["B", "B", "B"], vec!["Y"]],
        )
        .unwrap_err();
        assert_eq!(
            errors.errors(),
            [
                RankedBallotError::UnknownCandidate {
                    rank: 1,
                    name: "Z".into()
                },
                RankedBallotError::MarkedTwiceAtRank {
                    rank: 2,
                    name: "B".into()
                },
                RankedBallotError::MarkedTwiceAtRank {
                    rank: 2,
                    name: "B".into()
                },
                RankedBallotError::UnknownCandidate {
                    rank: 3,
                    name: "Y".into()
                },
            ]
        );
        assert_eq!(errors.primary_code(), ErrorCode::UnknownCandidate);
    }

    #[test]
    fn from_ranks_rejects_a_candidate_marked_twice_at_one_rank() {
        let a = candidates().id("A").unwrap();
        let errors = RankedBallot::from_ranks(&[vec![a], vec![a, a]]).unwrap_err();
        assert_eq!(
            errors.errors(),
            [RankedBallotError::MarkedTwiceAtRank {
                rank: 2,
                name: "#0".into()
            }]
        );
        assert_eq!(errors.primary_code(), ErrorCode::InvalidRanking);
    }

    #[test]
    fn too_many_ranks_are_rejected() {
        let a = candidates().id("A").unwrap();
        let errors = RankedBallot::from_ranking(&vec![a; MAX_RANKS + 1]).unwrap_err();
        assert_eq!(
            errors.errors(),
            [RankedBallotError::TooManyRanks {
                ranks: MAX_RANKS + 1
            }]
        );
    }
}
