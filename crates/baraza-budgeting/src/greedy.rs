//! Greedy selection by votes: what most cities do.

use std::cmp::Reverse;
use std::fmt;

use serde::Serialize;

use super::ballot::PbElection;
use super::instance::{Amount, ProjectId};

/// The projects an outcome rule funds.
///
/// `Display` writes the ids in order of selection, separated by `", "`, then the total cost as
/// an [`Amount`]: `1940, 303, 310 (cost 234800)`, or `p2, p1 (cost 2.9)` in an instance with
/// decimal amounts; an empty outcome is `(cost 0)`. Serialises (for reports) as
/// `{"selected": ["1940", "303", "310"], "total_cost": 234800}`, the total in minor units,
/// with `"decimal_places": 2` added when the instance has decimal amounts; it is only ever
/// built by the outcome rules, so it has no `Deserialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PbOutcome {
    selected: Vec<ProjectId>,
    total_cost: u64,
    /// Decimal places of the amounts (absent: whole currency units).
    #[serde(default, skip_serializing_if = "is_zero")]
    decimal_places: u8,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(places: &u8) -> bool {
    *places == 0
}

impl PbOutcome {
    pub(crate) fn new(selected: Vec<ProjectId>, total: Amount) -> Self {
        Self {
            selected,
            total_cost: total.minor_units(),
            decimal_places: total.decimal_places(),
        }
    }

    /// The funded projects, in the order the rule selected them.
    pub fn selected(&self) -> &[ProjectId] {
        &self.selected
    }

    /// What the funded projects cost together, in the instance's minor units; never more than
    /// the budget.
    pub fn total_cost(&self) -> u64 {
        self.total_cost
    }

    /// The total cost as an [`Amount`], for display.
    pub fn total_amount(&self) -> Amount {
        Amount::new(self.total_cost, self.decimal_places)
    }

    /// Whether the project with this id is funded.
    pub fn contains(&self, id: &str) -> bool {
        self.selected.iter().any(|p| p.as_str() == id)
    }
}

impl fmt::Display for PbOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.selected.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            write!(f, "{separator}{id}")?;
        }
        let space = if self.selected.is_empty() { "" } else { " " };
        write!(f, "{space}(cost {})", self.total_amount())
    }
}

/// How [`PbElection::greedy`] orders projects with the same number of votes.
///
/// Whatever the choice, a tie only matters when the tied projects do not both fit; the order
/// is total, so the outcome is always deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GreedyTieBreak {
    /// The instance's project order (for a pabulib file, its PROJECTS section).
    #[default]
    InstanceOrder,
    /// Cheaper project first; equal costs in instance order.
    LowerCostFirst,
    /// Dearer project first; equal costs in instance order.
    HigherCostFirst,
    /// A city's own order (e.g. drawn by lot): the listed projects first, in the order listed,
    /// then the others in instance order.
    GivenOrder(Vec<ProjectId>),
}

/// Greedy-by-votes settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreedyRule {
    /// How to order projects with equal votes.
    pub tie_break: GreedyTieBreak,
    /// Projects with fewer votes are never funded. The default, 1, only leaves out projects
    /// nobody voted for; cities often set a threshold (Warsaw: 50 votes in a district).
    pub min_votes: u64,
}

impl Default for GreedyRule {
    fn default() -> Self {
        Self {
            tie_break: GreedyTieBreak::InstanceOrder,
            min_votes: 1,
        }
    }
}

/// A [`GreedyTieBreak::GivenOrder`] that does not fit the instance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TieOrderError {
    /// The order names a project the instance does not have.
    #[error("the tie order names project {id:?}, which the instance does not have")]
    UnknownProject {
        /// The unknown id.
        id: String,
    },
    /// The order names a project twice.
    #[error("the tie order names project {id:?} twice")]
    DuplicateProject {
        /// The repeated id.
        id: String,
    },
}

impl PbElection {
    /// Greedy by votes, the rule most cities use: projects in order of approval count (most
    /// first, ties by `rule.tie_break`); each is funded if it still fits in what is left of the
    /// budget, otherwise skipped, and the scan goes on down the list. Projects with fewer than
    /// `rule.min_votes` votes are never funded.
    ///
    /// ```
    /// use baraza_budgeting::{GreedyRule, PbElection, PbInstance, PbInstanceSpec, ProjectSpec};
    /// let instance = PbInstance::new(PbInstanceSpec {
    ///     budget: 1000,
    ///     projects: vec![ProjectSpec::new("park", 600), ProjectSpec::new("pool", 500),
    ///                    ProjectSpec::new("lights", 300)],
    ///     ballot_rules: Default::default(),
    ///     decimal_places: 0,
    /// })?;
    /// let mut election = PbElection::new(instance);
    /// for ballot in [&["park", "pool"][..], &["park", "pool"], &["pool", "lights"], &["park"]] {
    ///     election.cast(ballot)?;
    /// }
    /// // park (3 votes) is funded, pool (3) no longer fits, lights (1) does.
    /// let outcome = election.greedy(&GreedyRule::default())?;
    /// assert_eq!(outcome.selected(), ["park", "lights"]);
    /// assert_eq!(outcome.total_cost(), 900);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn greedy(&self, rule: &GreedyRule) -> Result<PbOutcome, TieOrderError> {
        let order = self.greedy_order(&rule.tie_break)?;
        let counts = self.approval_counts();
        let projects = self.instance().projects();
        let mut remaining = self.instance().budget();
        let mut selected = Vec::new();
        for p in order {
            if counts[p] < rule.min_votes {
                continue;
            }
            let cost = projects[p].cost();
            if cost <= remaining {
                remaining -= cost;
                selected.push(projects[p].id().clone());
            }
        }
        Ok(PbOutcome::new(
            selected,
            self.instance().amount(self.instance().budget() - remaining),
        ))
    }

    /// Project positions, most votes first, ties broken by `tie_break`.
    pub(crate) fn greedy_order(
        &self,
        tie_break: &GreedyTieBreak,
    ) -> Result<Vec<usize>, TieOrderError> {
        let projects = self.instance().projects();
        let counts = self.approval_counts();
        // Rank of each project under the tie-break; lower goes first.
        let mut tie_rank: Vec<usize> = (0..projects.len()).collect();
        match tie_break {
            GreedyTieBreak::InstanceOrder => {}
            GreedyTieBreak::LowerCostFirst | GreedyTieBreak::HigherCostFirst => {
                let mut by_cost: Vec<usize> = (0..projects.len()).collect();
                if matches!(tie_break, GreedyTieBreak::LowerCostFirst) {
                    by_cost.sort_by_key(|&p| (projects[p].cost(), p));
                } else {
                    by_cost.sort_by_key(|&p| (Reverse(projects[p].cost()), p));
                }
                for (rank, p) in by_cost.into_iter().enumerate() {
                    tie_rank[p] = rank;
                }
            }
            GreedyTieBreak::GivenOrder(ids) => {
                let listed = ids.len();
                let mut seen = vec![false; projects.len()];
                for (rank, id) in ids.iter().enumerate() {
                    let p = self.instance().project_index(id.as_str()).ok_or_else(|| {
                        TieOrderError::UnknownProject {
                            id: id.as_str().to_owned(),
                        }
                    })?;
                    if seen[p] {
                        return Err(TieOrderError::DuplicateProject {
                            id: id.as_str().to_owned(),
                        });
                    }
                    seen[p] = true;
                    tie_rank[p] = rank;
                }
                for (p, rank) in tie_rank.iter_mut().enumerate() {
                    if !seen[p] {
                        *rank = listed + p;
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..projects.len()).collect();
        order.sort_by_key(|&p| (Reverse(counts[p]), tie_rank[p]));
        Ok(order)
    }
}
