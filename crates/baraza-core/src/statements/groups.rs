//! The opinion-group analysis: options, results and the pipeline described in [`super`].

use serde::{Deserialize, Serialize};

use super::choose::{PARALLEL_FROM_PARTICIPANTS, choose_groups};
use super::chunks;
use super::kmeans::{Point, mix};
use super::pca::{self, CenteredVotes};
use super::repness::{Counts, DirectionStats};
use super::{Conversation, Moderation, ParticipantId, StatementId};
use crate::error::ErrorCode;

/// How [`Conversation::opinion_groups`] works; [`Default`] gives Polis' settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GroupingOptions {
    /// Votes on accepted statements a participant needs to be grouped (capped at the number of
    /// accepted statements). Default 7, as Polis.
    pub min_votes: usize,
    /// The fewest groups tried. Default 2; at least 2. Fewer groups (never below 2) are formed
    /// only when the participants hold fewer distinct positions than this.
    pub min_groups: usize,
    /// The most groups tried. Default 5, as Polis.
    pub max_groups: usize,
    /// Seeds the PCA start vectors and the k-means++ draws.
    pub seed: u64,
    /// k-means runs per k, from different k-means++ draws; the least within-group sum of squares
    /// wins. Default 4; at least 1.
    pub kmeans_restarts: usize,
    /// Lloyd iterations per k-means run at most. Default 100; at least 1.
    pub kmeans_max_iterations: usize,
    /// With more eligible participants than this, the silhouette that chooses k is estimated,
    /// with guaranteed bounds, from this many base clusters (k-means on the participants'
    /// positions, as Polis forms them) instead of computed over every pair of participants;
    /// with this many or fewer it is exact. Default 100, as Polis; at least `max_groups`.
    pub base_clusters: usize,
    /// Subspace iterations at most. Default 100 (an iteration is one pass over the votes: about
    /// 30 ms of CPU time at 5,000,000 votes; conversations with distinct groups converge in
    /// 10–30, structureless ones stop on the flat-spectrum rule in about 50); at least 1.
    pub pca_max_iterations: usize,
    /// Stop the subspace iteration when both components' residuals ‖CᵀCv − θv‖ are at most
    /// this times the largest eigenvalue θ₁. Default 1e-8; positive.
    pub pca_tolerance: f64,
    /// Representative statements kept per group. Default 5, as Polis.
    pub max_representative: usize,
    /// Consensus statements kept per direction (agree, disagree). Default 5, as Polis.
    pub max_consensus: usize,
    /// A consensus statement needs a smoothed probability above this in every group. Default
    /// 0.5, as Polis; in [0, 1).
    pub consensus_min_probability: f64,
    /// z value a test must exceed to count as significant. Default 1.2816 (one-sided 90 %, as
    /// Polis).
    pub significance_z: f64,
}

impl Default for GroupingOptions {
    fn default() -> Self {
        Self {
            min_votes: 7,
            min_groups: 2,
            max_groups: 5,
            seed: 0,
            kmeans_restarts: 4,
            kmeans_max_iterations: 100,
            base_clusters: 100,
            pca_max_iterations: 100,
            pca_tolerance: 1e-8,
            max_representative: 5,
            max_consensus: 5,
            consensus_min_probability: 0.5,
            significance_z: 1.2816,
        }
    }
}

impl GroupingOptions {
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.min_groups < 2 {
            problems.push(format!(
                "min_groups must be at least 2; got {}",
                self.min_groups
            ));
        }
        if self.max_groups < self.min_groups {
            problems.push(format!(
                "max_groups must be at least min_groups ({}); got {}",
                self.min_groups, self.max_groups
            ));
        }
        if self.base_clusters < self.max_groups {
            problems.push(format!(
                "base_clusters must be at least max_groups ({}); got {}",
                self.max_groups, self.base_clusters
            ));
        }
        for (name, value) in [
            ("kmeans_restarts", self.kmeans_restarts),
            ("kmeans_max_iterations", self.kmeans_max_iterations),
            ("pca_max_iterations", self.pca_max_iterations),
        ] {
            if value == 0 {
                problems.push(format!("{name} must be at least 1; got 0"));
            }
        }
        if !(self.pca_tolerance > 0.0 && self.pca_tolerance.is_finite()) {
            problems.push(format!(
                "pca_tolerance must be a positive number; got {}",
                self.pca_tolerance
            ));
        }
        if !(0.0..1.0).contains(&self.consensus_min_probability) {
            problems.push(format!(
                "consensus_min_probability must be in [0, 1); got {}",
                self.consensus_min_probability
            ));
        }
        if !self.significance_z.is_finite() {
            problems.push(format!(
                "significance_z must be a finite number; got {}",
                self.significance_z
            ));
        }
        problems
    }
}

/// Why opinion groups cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GroupingError {
    /// The options break their rules (every problem listed).
    #[error("invalid grouping options: {}", .0.join("; "))]
    InvalidOptions(Vec<String>),
    /// Fewer than two accepted statements: two components need two columns.
    #[error("opinion groups need at least 2 accepted statements; the conversation has {accepted}")]
    TooFewStatements {
        /// Accepted statements.
        accepted: usize,
    },
    /// Fewer than three participants cast enough votes.
    #[error(
        "opinion groups need at least 3 participants with {min_votes} or more votes; \
         {eligible} have"
    )]
    TooFewParticipants {
        /// Participants with enough votes.
        eligible: usize,
        /// The votes each needed.
        min_votes: usize,
    },
    /// Every eligible participant voted alike, so there is nothing to tell apart.
    #[error("all {eligible} eligible participants hold the same position; no groups can form")]
    NoDistinctOpinions {
        /// Participants with enough votes.
        eligible: usize,
    },
}

impl GroupingError {
    /// The stable code: [`ErrorCode::NotEnoughVotes`] when more votes would help,
    /// [`ErrorCode::InvalidRequest`] for bad options.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidOptions(_) => ErrorCode::InvalidRequest,
            Self::TooFewStatements { .. }
            | Self::TooFewParticipants { .. }
            | Self::NoDistinctOpinions { .. } => ErrorCode::NotEnoughVotes,
        }
    }
}

/// Agreement or disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The statement is characteristic because the group agrees with it.
    Agree,
    /// The statement is characteristic because the group disagrees with it.
    Disagree,
}

/// The two principal components of the centred vote matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PrincipalComponents {
    /// The accepted statements, in id order: the columns of the matrix.
    pub statements: Vec<StatementId>,
    /// Column means μⱼ over the votes cast by eligible participants (agree +1, disagree −1,
    /// pass 0; 0 for a statement none of them voted on), parallel to `statements`.
    pub center: Vec<f64>,
    /// The two unit-length, orthogonal components, each parallel to `statements`.
    pub components: [Vec<f64>; 2],
    /// Their eigenvalues of CᵀC (sum of squared unscaled projections), largest first.
    pub eigenvalues: [f64; 2],
    /// Subspace iterations run.
    pub iterations: usize,
    /// Whether the iteration met `pca_tolerance` before `pca_max_iterations`.
    pub converged: bool,
    /// Whether it stopped instead because the leading eigenvalues are too close to tell apart
    /// (the flat-spectrum rule of the module docs, step 4): the components are then one pair
    /// of directions among equally good ones, as happens when the votes hold no groups.
    pub flat: bool,
}

/// An eligible participant's place in the opinion map.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PlacedParticipant {
    /// Who.
    pub id: ParticipantId,
    /// Projection on the two components, scaled as Polis does.
    pub position: [f64; 2],
    /// Index into [`OpinionGroups::groups`].
    pub group: usize,
    /// Votes on accepted statements.
    pub votes: usize,
}

/// A statement that sets a group apart from the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RepresentativeStatement {
    /// The statement.
    pub statement: StatementId,
    /// Whether the group stands out by agreeing or by disagreeing.
    pub direction: Direction,
    /// Group members who voted that way.
    pub successes: u32,
    /// Group members who voted on the statement (pass included).
    pub trials: u32,
    /// Smoothed probability (successes + 1) / (trials + 2).
    pub probability: f64,
    /// Polis' one-proportion test of that probability against ½.
    pub probability_test: f64,
    /// Ratio of the group's smoothed probability to the rest's.
    pub repness: f64,
    /// Two-proportion z test of the group against the rest.
    pub repness_test: f64,
    /// Both tests exceed `significance_z`; false only for the fallback statement of a group
    /// that has no significant one.
    pub significant: bool,
}

/// A statement every group agrees (or disagrees) with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConsensusStatement {
    /// The statement.
    pub statement: StatementId,
    /// Shared agreement or shared disagreement.
    pub direction: Direction,
    /// Each group's smoothed probability of voting that way, parallel to
    /// [`OpinionGroups::groups`].
    pub probabilities: Vec<f64>,
    /// The product of `probabilities`: the ranking score.
    pub score: f64,
}

/// One opinion group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OpinionGroup {
    /// Members, in id order.
    pub members: Vec<ParticipantId>,
    /// Mean position of the members.
    pub centroid: [f64; 2],
    /// The statements that set this group apart, most representative first.
    pub representative: Vec<RepresentativeStatement>,
}

/// The silhouette reached with k groups.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct KScore {
    /// Number of groups.
    pub k: usize,
    /// Mean silhouette, in [−1, 1]: exact up to about 1e-6 when every participant is their own
    /// base cluster, else the estimate from base clusters.
    pub silhouette: f64,
    /// Where the exact mean silhouette is guaranteed to lie: `[silhouette, silhouette]` when
    /// it was computed exactly, else the bounds of the base-cluster estimate (module docs).
    pub silhouette_bounds: [f64; 2],
}

/// The opinion groups of a conversation; see the [module docs](super) for the method.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OpinionGroups {
    /// The groups, numbered by their smallest participant id (group 0 holds the lowest).
    pub groups: Vec<OpinionGroup>,
    /// Mean silhouette of the chosen grouping, in [−1, 1] (estimated beyond `base_clusters`
    /// participants; the chosen k's entry in `silhouette_by_k` has its bounds).
    pub silhouette: f64,
    /// Every k tried and its silhouette, in increasing k.
    pub silhouette_by_k: Vec<KScore>,
    /// Every eligible participant, in id order.
    pub participants: Vec<PlacedParticipant>,
    /// Participants left out for casting too few votes.
    pub excluded_participants: usize,
    /// Statements all groups agree with, then those all groups disagree with; each best first.
    pub consensus: Vec<ConsensusStatement>,
    /// The components the participants were projected on.
    pub pca: PrincipalComponents,
}

impl Conversation {
    /// Computes opinion groups, representative and consensus statements, as described in the
    /// [module docs](super).
    pub fn opinion_groups(
        &self,
        options: &GroupingOptions,
    ) -> Result<OpinionGroups, GroupingError> {
        let problems = options.problems();
        if !problems.is_empty() {
            return Err(GroupingError::InvalidOptions(problems));
        }
        // Columns: accepted statements in id order.
        let mut column_of = vec![u32::MAX; self.statements.len()];
        let mut column_ids = Vec::new();
        for (&id, &position) in &self.index {
            if self.statements[position as usize].moderation == Moderation::Accepted {
                column_of[position as usize] = column_ids.len() as u32;
                column_ids.push(id);
            }
        }
        let m = column_ids.len();
        if m < 2 {
            return Err(GroupingError::TooFewStatements { accepted: m });
        }
        let min_votes = options.min_votes.min(m);

        // Rows: eligible participants in id order, each row sorted by column.
        let mut ids = Vec::new();
        let mut row_starts = vec![0usize];
        let mut columns: Vec<u32> = Vec::new();
        let mut raw: Vec<i8> = Vec::new();
        let mut row: Vec<(u32, i8)> = Vec::new();
        for (&participant, votes) in &self.votes {
            row.clear();
            row.extend(votes.iter().filter_map(|&(position, vote)| {
                let column = column_of[position as usize];
                (column != u32::MAX).then_some((column, vote.value()))
            }));
            if row.len() < min_votes.max(1) {
                continue;
            }
            row.sort_unstable_by_key(|&(c, _)| c);
            ids.push(participant);
            columns.extend(row.iter().map(|&(c, _)| c));
            raw.extend(row.iter().map(|&(_, v)| v));
            row_starts.push(columns.len());
        }
        let n = ids.len();
        let excluded_participants = self.votes.len() - n;
        if n < 3 {
            return Err(GroupingError::TooFewParticipants {
                eligible: n,
                min_votes,
            });
        }
        let matrix = CenteredVotes::new(m, row_starts, columns, raw);

        // PCA from a start block that depends only on the seed and the statement ids.
        let start = column_ids
            .iter()
            .map(|id| {
                let mut h = mix(options.seed ^ mix(id.0));
                [(); 4].map(|()| {
                    h = mix(h);
                    (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
                })
            })
            .collect();
        let components = pca::leading_components(
            &matrix,
            start,
            options.pca_max_iterations,
            options.pca_tolerance,
        );

        // Sparsity-aware projection.
        let raw_positions = matrix.times(&components.vectors);
        let positions: Vec<Point> = raw_positions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let votes = matrix.row(i).len();
                let scale = (m as f64 / votes as f64).sqrt();
                [p[0] * scale, p[1] * scale]
            })
            .collect();

        // k-means on the participants for each k, chosen by silhouette.
        let distinct = count_distinct(&positions, options.max_groups);
        if distinct < 2 {
            return Err(GroupingError::NoDistinctOpinions { eligible: n });
        }
        let top_k = options.max_groups.min(distinct).min(n - 1);
        let threads = if n >= PARALLEL_FROM_PARTICIPANTS {
            chunks::threads_for(usize::MAX)
        } else {
            1
        };
        let (silhouette, clustering, silhouette_by_k) =
            choose_groups(&positions, options, top_k, threads)
                .ok_or(GroupingError::NoDistinctOpinions { eligible: n })?;

        // Number groups by their first (lowest-id) member.
        let k = clustering.centroids.len();
        let mut renumber = vec![usize::MAX; k];
        let mut next = 0;
        for &label in &clustering.labels {
            if renumber[label] == usize::MAX {
                renumber[label] = next;
                next += 1;
            }
        }
        let labels: Vec<usize> = clustering.labels.iter().map(|&l| renumber[l]).collect();
        let mut centroids = vec![[0.0; 2]; k];
        for (old, &new) in renumber.iter().enumerate() {
            if new < k {
                centroids[new] = clustering.centroids[old];
            }
        }

        // Vote counts per group and statement: k × m, never participants × statements.
        let mut counts = vec![Counts::default(); k * m];
        for (i, &g) in labels.iter().enumerate() {
            for at in matrix.row(i) {
                counts[g * m + matrix.columns[at] as usize].add(matrix.raw[at]);
            }
        }
        let mut totals = vec![Counts::default(); m];
        for g in 0..k {
            for (total, c) in totals.iter_mut().zip(&counts[g * m..(g + 1) * m]) {
                total.agree += c.agree;
                total.disagree += c.disagree;
                total.seen += c.seen;
            }
        }

        let mut groups: Vec<OpinionGroup> = (0..k)
            .map(|g| OpinionGroup {
                members: Vec::new(),
                centroid: centroids[g],
                representative: representative(
                    &counts[g * m..(g + 1) * m],
                    &totals,
                    &column_ids,
                    options,
                ),
            })
            .collect();
        let participants = ids
            .iter()
            .zip(&positions)
            .zip(&labels)
            .enumerate()
            .map(|(i, ((&id, &position), &group))| {
                groups[group].members.push(id);
                PlacedParticipant {
                    id,
                    position,
                    group,
                    votes: matrix.row(i).len(),
                }
            })
            .collect();
        let consensus = consensus(&counts, k, &column_ids, options);

        let [first, second]: [Vec<f64>; 2] =
            [0, 1].map(|c| components.vectors.iter().map(|p| p[c]).collect());
        Ok(OpinionGroups {
            groups,
            silhouette,
            silhouette_by_k,
            participants,
            excluded_participants,
            consensus,
            pca: PrincipalComponents {
                statements: column_ids,
                center: matrix.column_means,
                components: [first, second],
                eigenvalues: components.eigenvalues,
                iterations: components.iterations,
                converged: components.converged,
                flat: components.flat,
            },
        })
    }
}

/// Distinct positions, counting no further than `limit + 1`.
fn count_distinct(points: &[Point], limit: usize) -> usize {
    let mut sorted: Vec<Point> = points.to_vec();
    sorted.sort_unstable_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    sorted.dedup();
    sorted.len().min(limit + 1)
}

fn representative(
    group: &[Counts],
    totals: &[Counts],
    statements: &[StatementId],
    options: &GroupingOptions,
) -> Vec<RepresentativeStatement> {
    let mut sufficient = Vec::new();
    let mut fallback: Option<RepresentativeStatement> = None;
    for ((c, t), &statement) in group.iter().zip(totals).zip(statements) {
        let rest_seen = t.seen - c.seen;
        let agree = DirectionStats::new(c.agree, c.seen, t.agree - c.agree, rest_seen);
        let disagree = DirectionStats::new(c.disagree, c.seen, t.disagree - c.disagree, rest_seen);
        let (direction, stats) = if agree.repness_test > disagree.repness_test {
            (Direction::Agree, agree)
        } else {
            (Direction::Disagree, disagree)
        };
        let significant = stats.significant(options.significance_z);
        let item = RepresentativeStatement {
            statement,
            direction,
            successes: stats.successes,
            trials: stats.trials,
            probability: stats.probability,
            probability_test: stats.probability_test,
            repness: stats.repness,
            repness_test: stats.repness_test,
            significant,
        };
        if significant {
            sufficient.push((stats.metric(), item));
        } else if c.agree + c.disagree > 0
            && fallback
                .as_ref()
                .is_none_or(|best| item.repness_test > best.repness_test)
        {
            fallback = Some(item);
        }
    }
    if sufficient.is_empty() {
        return fallback.into_iter().collect();
    }
    sufficient.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.statement.cmp(&b.1.statement)));
    sufficient
        .into_iter()
        .take(options.max_representative)
        .map(|(_, item)| item)
        .collect()
}

fn consensus(
    counts: &[Counts],
    k: usize,
    statements: &[StatementId],
    options: &GroupingOptions,
) -> Vec<ConsensusStatement> {
    let m = statements.len();
    let mut result = Vec::new();
    for direction in [Direction::Agree, Direction::Disagree] {
        let mut found: Vec<ConsensusStatement> = Vec::new();
        for (j, &statement) in statements.iter().enumerate() {
            let mut probabilities = Vec::with_capacity(k);
            let mut everywhere = true;
            for g in 0..k {
                let c = counts[g * m + j];
                let successes = match direction {
                    Direction::Agree => c.agree,
                    Direction::Disagree => c.disagree,
                };
                let probability = super::repness::smoothed(successes, c.seen);
                let test = super::repness::prop_test(successes, c.seen);
                everywhere &= probability > options.consensus_min_probability
                    && test > options.significance_z;
                probabilities.push(probability);
            }
            if everywhere {
                let score = probabilities.iter().product();
                found.push(ConsensusStatement {
                    statement,
                    direction,
                    probabilities,
                    score,
                });
            }
        }
        found.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.statement.cmp(&b.statement))
        });
        result.extend(found.into_iter().take(options.max_consensus));
    }
    result
}
