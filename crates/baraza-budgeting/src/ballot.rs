//! Ballots of a participatory-budgeting election and their validation.

use std::fmt;

use crate::code::ErrorCode;
use crate::code::write_joined;

use super::instance::{Amount, PbInstance, ProjectId};

/// One problem with a participatory-budgeting ballot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PbBallotError {
    /// A selection names no project of the instance.
    #[error("there is no project {id:?}")]
    UnknownProject {
        /// The unknown id, as submitted.
        id: String,
    },
    /// A project is selected more than once.
    #[error("project {id:?} is selected more than once")]
    DuplicateProject {
        /// The repeated id.
        id: String,
    },
    /// Fewer projects than the rules require.
    #[error("select at least {min} project(s); {given} selected")]
    TooFewProjects {
        /// The rules' minimum.
        min: u32,
        /// How many selections were submitted, counting unknown and repeated ids.
        given: usize,
    },
    /// More projects than the rules allow.
    #[error("select at most {max} project(s); {given} selected")]
    TooManyProjects {
        /// The rules' maximum.
        max: u32,
        /// How many selections were submitted, counting unknown and repeated ids.
        given: usize,
    },
    /// The selected projects cost more together than a ballot may spend.
    #[error("the selected projects cost {total} together; a ballot may spend at most {limit}")]
    OverBudget {
        /// The ballot's cost limit (the budget for knapsack ballots, or `max_total_cost`).
        limit: Amount,
        /// The total cost of the distinct known projects selected.
        total: Amount,
    },
}

impl PbBallotError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownProject { .. } => ErrorCode::UnknownProject,
            Self::DuplicateProject { .. } => ErrorCode::DuplicateSelection,
            Self::TooFewProjects { .. } => ErrorCode::TooFewSelections,
            Self::TooManyProjects { .. } => ErrorCode::TooManySelections,
            Self::OverBudget { .. } => ErrorCode::BallotOverBudget,
        }
    }
}

/// Every problem found in a ballot, in a stable order (never empty): unknown and repeated ids
/// in the order given, then the count, then the cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbBallotErrors(Vec<PbBallotError>);

impl PbBallotErrors {
    /// The problems.
    pub fn errors(&self) -> &[PbBallotError] {
        &self.0
    }

    /// The first problem's code: the one a client should act on first.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRequest, PbBallotError::code)
    }
}

impl fmt::Display for PbBallotErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for PbBallotErrors {}

/// A valid ballot for one instance: known projects, each once, within the selection bounds and
/// the cost limit. Built by [`PbInstance::validate_ballot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbBallot {
    projects: Vec<ProjectId>,
    total_cost: u64,
}

impl PbBallot {
    /// The approved projects, in the order given.
    pub fn projects(&self) -> &[ProjectId] {
        &self.projects
    }

    /// What the approved projects cost together.
    pub fn total_cost(&self) -> u64 {
        self.total_cost
    }
}

impl PbInstance {
    /// Checks a ballot (the ids of the approved projects) against this instance's projects and
    /// [`BallotRules`](super::BallotRules), reporting every problem at once.
    ///
    /// ```
    /// use baraza_budgeting::{BallotRules, ErrorCode, PbInstance, PbInstanceSpec, ProjectSpec};
    /// let instance = PbInstance::new(PbInstanceSpec {
    ///     budget: 1000,
    ///     projects: vec![ProjectSpec::new("park", 600), ProjectSpec::new("lights", 500)],
    ///     ballot_rules: BallotRules::knapsack(),
    ///     decimal_places: 0,
    /// })?;
    /// assert_eq!(instance.validate_ballot(&["park"])?.total_cost(), 600);
    ///
    /// let errors = instance.validate_ballot(&["park", "lights", "pool"]).unwrap_err();
    /// let codes: Vec<_> = errors.errors().iter().map(|e| e.code()).collect();
    /// assert_eq!(codes, [ErrorCode::UnknownProject, ErrorCode::BallotOverBudget]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate_ballot<S: AsRef<str>>(
        &self,
        selections: &[S],
    ) -> Result<PbBallot, PbBallotErrors> {
        let (indices, total_cost) = self.check_selections(selections)?;
        Ok(PbBallot {
            projects: indices
                .iter()
                .map(|&i| self.projects()[i as usize].id().clone())
                .collect(),
            total_cost,
        })
    }

    /// The positions of the selected projects and their total cost, or every problem.
    pub(crate) fn check_selections<S: AsRef<str>>(
        &self,
        selections: &[S],
    ) -> Result<(Vec<u32>, u64), PbBallotErrors> {
        let mut errors = Vec::new();
        let mut chosen: Vec<u32> = Vec::with_capacity(selections.len());
        for id in selections {
            let id = id.as_ref();
            match self.project_index(id) {
                None => errors.push(PbBallotError::UnknownProject { id: id.to_owned() }),
                Some(index) if chosen.contains(&(index as u32)) => {
                    errors.push(PbBallotError::DuplicateProject { id: id.to_owned() });
                }
                Some(index) => chosen.push(index as u32),
            }
        }
        let rules = self.ballot_rules();
        let given = selections.len();
        if given < rules.min_selections as usize {
            errors.push(PbBallotError::TooFewProjects {
                min: rules.min_selections,
                given,
            });
        } else if let Some(max) = rules.max_selections
            && given > max as usize
        {
            errors.push(PbBallotError::TooManyProjects { max, given });
        }
        let total: u128 = chosen
            .iter()
            .map(|&i| u128::from(self.projects()[i as usize].cost()))
            .sum();
        let total_cost = u64::try_from(total).unwrap_or(u64::MAX);
        if let Some(limit) = rules.cost_limit(self.budget())
            && total > u128::from(limit)
        {
            errors.push(PbBallotError::OverBudget {
                limit: self.amount(limit),
                total: self.amount(total_cost),
            });
        }
        if errors.is_empty() {
            Ok((chosen, total_cost))
        } else {
            Err(PbBallotErrors(errors))
        }
    }
}

/// An instance and the valid ballots cast in it: the input of every outcome rule.
///
/// Ballots are stored compactly (4 bytes per approval) and can only enter through
/// [`cast`](Self::cast), which validates them, so every stored ballot fits the instance.
///
/// ```
/// use baraza_budgeting::{PbElection, PbInstance, PbInstanceSpec, ProjectSpec, BallotRules};
/// let instance = PbInstance::new(PbInstanceSpec {
///     budget: 1000,
///     projects: vec![ProjectSpec::new("park", 600), ProjectSpec::new("lights", 300)],
///     ballot_rules: BallotRules::approval(),
///     decimal_places: 0,
/// })?;
/// let mut election = PbElection::new(instance);
/// election.cast(&["park", "lights"])?;
/// election.cast(&["lights"])?;
/// assert!(election.cast(&["pool"]).is_err()); // rejected, not recorded
/// assert_eq!(election.ballot_count(), 2);
/// assert_eq!(election.approval_counts(), [1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbElection {
    instance: PbInstance,
    /// `starts[b]..starts[b + 1]` is ballot `b`'s range in `approvals`.
    starts: Vec<usize>,
    approvals: Vec<u32>,
}

impl PbElection {
    /// An election with no ballots yet.
    pub fn new(instance: PbInstance) -> Self {
        Self {
            instance,
            starts: vec![0],
            approvals: Vec::new(),
        }
    }

    /// The instance.
    pub fn instance(&self) -> &PbInstance {
        &self.instance
    }

    /// Validates a ballot (ids of approved projects) and records it, or reports every problem
    /// and records nothing.
    pub fn cast<S: AsRef<str>>(&mut self, selections: &[S]) -> Result<(), PbBallotErrors> {
        let (indices, _) = self.instance.check_selections(selections)?;
        self.push_indices(&indices);
        Ok(())
    }

    /// Records a ballot already checked against this instance.
    pub(crate) fn push_indices(&mut self, indices: &[u32]) {
        self.approvals.extend_from_slice(indices);
        self.starts.push(self.approvals.len());
    }

    /// How many ballots were recorded (blank ones included).
    pub fn ballot_count(&self) -> usize {
        self.starts.len() - 1
    }

    /// The projects ballot `index` approves, in the order given.
    pub fn ballot(&self, index: usize) -> Option<Vec<&ProjectId>> {
        let range = *self.starts.get(index)?..*self.starts.get(index + 1)?;
        Some(
            self.approvals[range]
                .iter()
                .map(|&p| self.instance.projects()[p as usize].id())
                .collect(),
        )
    }

    /// How many ballots approve each project, in instance order.
    pub fn approval_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.instance.projects().len()];
        for &p in &self.approvals {
            counts[p as usize] += 1;
        }
        counts
    }

    /// Ballot `b`'s project positions. `b` must be below [`ballot_count`](Self::ballot_count).
    pub(crate) fn ballot_indices(&self, b: usize) -> &[u32] {
        &self.approvals[self.starts[b]..self.starts[b + 1]]
    }
}
