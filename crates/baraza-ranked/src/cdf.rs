//! Ranked ballots from a NIST Cast Vote Record Common Data Format report (NIST SP 1500-103,
//! JSON), the US standard that RCTab also reads.
//!
//! Only what a ranked count needs is read; every other field of the report is ignored:
//!
//! ```text
//! CastVoteRecordReport
//! ├─ Election[]   ─ Candidate[] {"@id", Name}
//! │               └ Contest[] {"@id", Name, ContestSelection[] {"@id", CandidateIds[], IsWriteIn}}
//! └─ CVR[]        {CurrentSnapshotId, CVRSnapshot[] {"@id", CVRContest[] {ContestId,
//!                  CVRContestSelection[] {ContestSelectionId, Rank?, SelectionPosition[]
//!                  {Rank, HasIndication, IsAllocable, CVRWriteIn?}}}}}
//! ```
//!
//! As RCTab reads it (`CommonDataFormatReader`):
//!
//! * the contest is chosen by its `Name` (or its `@id`);
//! * the candidates are the contest's selections in their listed order, each named after the
//!   first of its `CandidateIds`; write-in selections (`IsWriteIn: true`), and positions
//!   holding a `CVRWriteIn`, mark one *undeclared write-ins* pseudo-candidate, listed last;
//! * each CVR is read from its current snapshot (`CurrentSnapshotId`), so adjudicated
//!   (`modified`) snapshots win over the `original` scan; a CVR whose current snapshot does not
//!   hold the contest is not a ballot of this contest;
//! * a position with `HasIndication: "no"` or `IsAllocable: "no"` is no mark; the rank of a
//!   mark is the position's `Rank`, or the selection's when the position has none; several
//!   marks at one rank are an overvote, kept as such for [`Rules`](super::Rules) to judge.
//!
//! The report is deserialised with serde by the caller's JSON library, so the core carries no
//! parser of its own:
//!
//! ```
//! use baraza_ranked::{CastVoteRecordReport, Rules, cdf_contest};
//! let json = r#"{
//!   "Election": [{"Candidate": [{"@id": "c-ada", "Name": "Ada"}, {"@id": "c-grace", "Name": "Grace"}],
//!                 "Contest": [{"@id": "mayor", "Name": "Mayor", "ContestSelection": [
//!                    {"@id": "s-ada", "CandidateIds": ["c-ada"]},
//!                    {"@id": "s-grace", "CandidateIds": ["c-grace"]}]}]}],
//!   "CVR": [{"CurrentSnapshotId": "s1", "CVRSnapshot": [{"@id": "s1", "CVRContest": [
//!             {"ContestId": "mayor", "CVRContestSelection": [
//!               {"ContestSelectionId": "s-grace", "SelectionPosition": [{"Rank": 1, "HasIndication": "yes"}]},
//!               {"ContestSelectionId": "s-ada", "SelectionPosition": [{"Rank": 2, "HasIndication": "yes"}]}]}]}]}]
//! }"#;
//! let report: CastVoteRecordReport = serde_json::from_str(json)?;
//! let contest = cdf_contest(&report, "Mayor")?;
//! let count = baraza_ranked::instant_runoff(&contest.candidates, &contest.ballots, &Rules::default())?;
//! assert_eq!(count.name(count.winner().unwrap()), "Grace");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::code::ErrorCode;

use super::ballot::{MAX_RANKS, RankedBallot};
use super::candidate::{CandidateId, Candidates, CandidatesError};

/// The label of the undeclared write-ins pseudo-candidate, as RCTab names it.
pub const UNDECLARED_WRITE_INS: &str = "Undeclared Write-ins";

/// A NIST SP 1500-103 `CastVoteRecordReport`, as far as a ranked count reads it (see the
/// [module docs](self)). Deserialise it from the JSON form with any serde JSON library.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CastVoteRecordReport {
    #[serde(rename = "Election", default)]
    elections: Vec<Election>,
    #[serde(rename = "CVR", default)]
    cvrs: Vec<Cvr>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Election {
    #[serde(rename = "Candidate", default)]
    candidates: Vec<Candidate>,
    #[serde(rename = "Contest", default)]
    contests: Vec<Contest>,
}

#[derive(Debug, Clone, Deserialize)]
struct Candidate {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Contest {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "ContestSelection", default)]
    selections: Vec<ContestSelection>,
}

#[derive(Debug, Clone, Deserialize)]
struct ContestSelection {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "CandidateIds", default)]
    candidate_ids: Vec<String>,
    #[serde(rename = "IsWriteIn", default)]
    is_write_in: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct Cvr {
    #[serde(rename = "CurrentSnapshotId", default)]
    current_snapshot: Option<String>,
    #[serde(rename = "CVRSnapshot", default)]
    snapshots: Vec<CvrSnapshot>,
}

#[derive(Debug, Clone, Deserialize)]
struct CvrSnapshot {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "CVRContest", default)]
    contests: Vec<CvrContest>,
}

#[derive(Debug, Clone, Deserialize)]
struct CvrContest {
    #[serde(rename = "ContestId")]
    contest_id: String,
    #[serde(rename = "CVRContestSelection", default)]
    selections: Vec<CvrContestSelection>,
}

#[derive(Debug, Clone, Deserialize)]
struct CvrContestSelection {
    #[serde(rename = "ContestSelectionId")]
    selection_id: String,
    #[serde(rename = "Rank", default)]
    rank: Option<i64>,
    #[serde(rename = "SelectionPosition", default)]
    positions: Vec<SelectionPosition>,
}

#[derive(Debug, Clone, Deserialize)]
struct SelectionPosition {
    #[serde(rename = "Rank", default)]
    rank: Option<i64>,
    #[serde(rename = "HasIndication", default)]
    has_indication: Option<String>,
    #[serde(rename = "IsAllocable", default)]
    is_allocable: Option<String>,
    #[serde(rename = "CVRWriteIn", default)]
    write_in: Option<serde::de::IgnoredAny>,
}

/// One problem in a cast vote record report. CVRs are numbered from 1 in report order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CdfError {
    /// No contest of the report has this name or id.
    #[error("no contest is named {wanted:?}; the report has {available:?}")]
    ContestNotFound {
        /// The name asked for.
        wanted: String,
        /// The names (or ids, for unnamed contests) in the report.
        available: Vec<String>,
    },
    /// Two contest selections of the contest share an id.
    #[error("contest selection {id:?} is listed twice")]
    DuplicateSelection {
        /// The id.
        id: String,
    },
    /// A contest selection names a candidate id the report does not define.
    #[error(
        "contest selection {selection:?} names candidate {candidate:?}, who is not in the report"
    )]
    UnknownCandidate {
        /// The selection's id.
        selection: String,
        /// The candidate id it names.
        candidate: String,
    },
    /// A contest selection that is not a write-in names no candidate.
    #[error("contest selection {selection:?} names no candidate and is not a write-in")]
    SelectionWithoutCandidate {
        /// The selection's id.
        selection: String,
    },
    /// The candidates do not make a valid list (two selections of one name, a blank name…).
    #[error("{0}")]
    Candidates(CandidatesError),
    /// A CVR has no snapshot with its `CurrentSnapshotId` (or no such id).
    #[error("CVR {cvr}: no current snapshot (CurrentSnapshotId {id:?})")]
    MissingSnapshot {
        /// The CVR (1-based).
        cvr: usize,
        /// Its `CurrentSnapshotId`, if any.
        id: Option<String>,
    },
    /// A CVR marks a contest selection the contest does not have.
    #[error("CVR {cvr}: contest selection {selection:?} is not one of the contest's")]
    UnknownSelection {
        /// The CVR (1-based).
        cvr: usize,
        /// The selection id.
        selection: String,
    },
    /// A mark has no rank, on its position or its selection.
    #[error("CVR {cvr}: the mark for contest selection {selection:?} has no Rank")]
    MissingRank {
        /// The CVR (1-based).
        cvr: usize,
        /// The selection id.
        selection: String,
    },
    /// A rank below 1 or above [`MAX_RANKS`].
    #[error(
        "CVR {cvr}: contest selection {selection:?} has rank {rank}; ranks run from 1 to {MAX_RANKS}"
    )]
    BadRank {
        /// The CVR (1-based).
        cvr: usize,
        /// The selection id.
        selection: String,
        /// The rank given.
        rank: i64,
    },
}

impl CdfError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownCandidate { .. }
            | Self::SelectionWithoutCandidate { .. }
            | Self::UnknownSelection { .. } => ErrorCode::UnknownCandidate,
            Self::Candidates(_) | Self::DuplicateSelection { .. } => ErrorCode::InvalidCandidates,
            Self::MissingRank { .. } | Self::BadRank { .. } => ErrorCode::InvalidRanking,
            // The report does not hold what was asked for, or not in a usable form.
            Self::ContestNotFound { .. } | Self::MissingSnapshot { .. } => {
                ErrorCode::InvalidRequest
            }
        }
    }
}

/// Every problem found in a cast vote record report (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdfErrors(pub Vec<CdfError>);

impl CdfErrors {
    /// The problems: the contest's first, then the CVRs' in report order.
    pub fn errors(&self) -> &[CdfError] {
        &self.0
    }
}

impl fmt::Display for CdfErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::code::write_joined(f, &self.0)
    }
}

impl std::error::Error for CdfErrors {}

/// The ballots of one contest of a report, with its candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdfContest {
    /// The contest's selections in their listed order, then [`UNDECLARED_WRITE_INS`] (marked
    /// as the write-ins pseudo-candidate) if the contest has write-in selections.
    pub candidates: Candidates,
    /// One ballot per CVR whose current snapshot holds the contest, in report order.
    pub ballots: Vec<RankedBallot>,
}

/// Reads the ranked ballots of the contest named `contest` (its `Name`, or its `@id`) from a
/// report; see the [module docs](self) for what is read and how.
///
/// # Errors
/// Every problem at once ([`CdfError`]): a missing contest, selections naming unknown
/// candidates, CVRs with no current snapshot, unknown selections, missing or bad ranks.
pub fn cdf_contest(report: &CastVoteRecordReport, contest: &str) -> Result<CdfContest, CdfErrors> {
    let all_contests = || report.elections.iter().flat_map(|e| &e.contests);
    let chosen = all_contests()
        .find(|c| c.name.as_deref() == Some(contest))
        .or_else(|| all_contests().find(|c| c.id == contest));
    let Some(chosen) = chosen else {
        return Err(CdfErrors(vec![CdfError::ContestNotFound {
            wanted: contest.to_owned(),
            available: all_contests()
                .map(|c| c.name.clone().unwrap_or_else(|| c.id.clone()))
                .collect(),
        }]));
    };
    let ContestCandidates {
        candidates,
        by_selection: selection_ids,
        write_ins,
    } = candidates_of(report, chosen)?;
    let mut errors = Vec::new();
    let mut ballots = Vec::new();
    let mut marks: Vec<(usize, CandidateId)> = Vec::new();
    for (index, cvr) in report.cvrs.iter().enumerate() {
        let number = index + 1;
        let snapshot = cvr
            .current_snapshot
            .as_ref()
            .and_then(|id| cvr.snapshots.iter().find(|s| &s.id == id));
        let Some(snapshot) = snapshot else {
            errors.push(CdfError::MissingSnapshot {
                cvr: number,
                id: cvr.current_snapshot.clone(),
            });
            continue;
        };
        let Some(cvr_contest) = snapshot.contests.iter().find(|c| c.contest_id == chosen.id) else {
            continue;
        };
        marks.clear();
        let before = errors.len();
        for selection in &cvr_contest.selections {
            let Some(&candidate) = selection_ids.get(selection.selection_id.as_str()) else {
                errors.push(CdfError::UnknownSelection {
                    cvr: number,
                    selection: selection.selection_id.clone(),
                });
                continue;
            };
            let mut mark =
                |rank: Option<i64>, candidate: CandidateId, errors: &mut Vec<_>| match rank {
                    None => errors.push(CdfError::MissingRank {
                        cvr: number,
                        selection: selection.selection_id.clone(),
                    }),
                    Some(rank @ 1..) if rank as usize <= MAX_RANKS => {
                        marks.push((rank as usize, candidate));
                    }
                    Some(rank) => errors.push(CdfError::BadRank {
                        cvr: number,
                        selection: selection.selection_id.clone(),
                        rank,
                    }),
                };
            if selection.positions.is_empty() {
                mark(selection.rank, candidate, &mut errors);
            }
            for position in &selection.positions {
                let no = |flag: &Option<String>| flag.as_deref() == Some("no");
                if no(&position.has_indication) || no(&position.is_allocable) {
                    continue;
                }
                let candidate = match (position.write_in.is_some(), write_ins) {
                    (true, Some(write_ins)) => write_ins,
                    _ => candidate,
                };
                mark(position.rank.or(selection.rank), candidate, &mut errors);
            }
        }
        if errors.len() == before {
            ballots.push(ballot_of(&mut marks));
        }
    }
    if errors.is_empty() {
        Ok(CdfContest {
            candidates,
            ballots,
        })
    } else {
        Err(CdfErrors(errors))
    }
}

/// A contest's candidates as the CVRs refer to them.
struct ContestCandidates<'r> {
    candidates: Candidates,
    /// The candidate each selection id marks.
    by_selection: HashMap<&'r str, CandidateId>,
    /// The undeclared write-ins pseudo-candidate, if the contest has write-in selections.
    write_ins: Option<CandidateId>,
}

fn candidates_of<'r>(
    report: &'r CastVoteRecordReport,
    contest: &'r Contest,
) -> Result<ContestCandidates<'r>, CdfErrors> {
    let names_by_id: HashMap<&str, &str> = report
        .elections
        .iter()
        .flat_map(|e| &e.candidates)
        .map(|c| (c.id.as_str(), c.name.as_deref().unwrap_or(c.id.as_str())))
        .collect();
    let mut errors = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut by_selection: HashMap<&str, Option<CandidateId>> = HashMap::new();
    for selection in &contest.selections {
        let candidate = if selection.is_write_in {
            None
        } else {
            match selection.candidate_ids.first() {
                None => {
                    errors.push(CdfError::SelectionWithoutCandidate {
                        selection: selection.id.clone(),
                    });
                    continue;
                }
                Some(id) => match names_by_id.get(id.as_str()) {
                    None => {
                        errors.push(CdfError::UnknownCandidate {
                            selection: selection.id.clone(),
                            candidate: id.clone(),
                        });
                        continue;
                    }
                    Some(&name) => {
                        names.push(name.to_owned());
                        Some(CandidateId((names.len() - 1) as u16))
                    }
                },
            }
        };
        if by_selection.insert(&selection.id, candidate).is_some() {
            errors.push(CdfError::DuplicateSelection {
                id: selection.id.clone(),
            });
        }
    }
    let has_write_ins = contest.selections.iter().any(|s| s.is_write_in);
    let write_ins = has_write_ins.then(|| {
        names.push(UNDECLARED_WRITE_INS.to_owned());
        CandidateId((names.len() - 1) as u16)
    });
    if !errors.is_empty() {
        return Err(CdfErrors(errors));
    }
    let list = Candidates::new(names).and_then(|list| match write_ins {
        Some(_) => list.with_undeclared_write_ins(UNDECLARED_WRITE_INS),
        None => Ok(list),
    });
    let candidates = list.map_err(|problems| {
        CdfErrors(problems.0.into_iter().map(CdfError::Candidates).collect())
    })?;
    let by_selection = by_selection
        .into_iter()
        .filter_map(|(id, candidate)| Some((id, candidate.or(write_ins)?)))
        .collect();
    Ok(ContestCandidates {
        candidates,
        by_selection,
        write_ins,
    })
}

/// The ballot of `(rank, candidate)` marks: ranks up to the highest marked, each holding its
/// candidates once (a candidate marked twice at one rank is one mark).
fn ballot_of(marks: &mut [(usize, CandidateId)]) -> RankedBallot {
    marks.sort_unstable();
    let ranks = marks.last().map_or(0, |&(rank, _)| rank);
    let mut by_rank: Vec<Vec<CandidateId>> = vec![Vec::new(); ranks];
    for &(rank, candidate) in marks.iter() {
        let at = &mut by_rank[rank - 1];
        if !at.contains(&candidate) {
            at.push(candidate);
        }
    }
    RankedBallot::from_checked_ranks(by_rank.iter().map(Vec::as_slice))
}
