//! Counting score ballots: per option, the distribution over the scale and, from it, the count,
//! the exact mean and the median (see the [module docs](super)).

use serde::{Deserialize, Serialize};

use super::{Ratio, Scale, ScoreBallot, ScoreQuestion};
use crate::slug::{OptionId, Slug};

/// A ballot or stored counts that cannot go into this tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreTallyError {
    /// The ballot was validated against another question.
    #[error(
        "ballot for question {ballot_question} given to the tally of question {tally_question}"
    )]
    WrongQuestion {
        /// The tally's question.
        tally_question: Slug,
        /// The ballot's question.
        ballot_question: Slug,
    },
    /// The ballot or stored counts name an option this question does not have.
    #[error("question {question} has no option {id}")]
    UnknownOption {
        /// The question.
        question: Slug,
        /// The unknown option.
        id: OptionId,
    },
    /// The ballot or stored counts hold a score off this question's scale.
    #[error("score {score} for option {id} is off the scale of question {question}")]
    OffScale {
        /// The question.
        question: Slug,
        /// The option.
        id: OptionId,
        /// The score.
        score: i64,
    },
    /// Stored counts rate an option more often than there were ballots.
    #[error(
        "option {id} of question {question} has {count} ratings, more than the {total} ballots"
    )]
    ImpossibleCount {
        /// The question.
        question: Slug,
        /// The option.
        id: OptionId,
        /// Its number of ratings.
        count: u64,
        /// The stored number of ballots.
        total: u64,
    },
}

/// Running distributions for one score question; add ballots with [`ScoreTally::record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreTally {
    question: Slug,
    scale: Scale,
    option_ids: Vec<OptionId>,
    /// `distributions[option][score - min]`.
    distributions: Vec<Vec<u64>>,
    total_ballots: u64,
}

/// The statistics of one option, computed from its distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionScores {
    /// The option.
    pub id: OptionId,
    /// Ballots that rated it.
    pub count: u64,
    /// Exact mean score; `None` when nobody rated it.
    pub mean: Option<Ratio>,
    /// Exact median score (midpoint of the two middle scores for an even count); `None` when
    /// nobody rated it.
    pub median: Option<Ratio>,
    /// Ratings at every point of the scale, in ascending score order; sums to `count`.
    pub distribution: Vec<ScorePoint>,
}

/// How many ratings gave one score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScorePoint {
    /// The score.
    pub score: i32,
    /// Ratings with that score.
    pub count: u64,
}

impl ScoreTally {
    /// An empty tally for `question`.
    pub fn new(question: &ScoreQuestion) -> Self {
        let option_ids: Vec<OptionId> = question.options.iter().map(|o| o.id.clone()).collect();
        Self {
            question: question.slug.clone(),
            scale: question.scale,
            distributions: vec![vec![0; question.scale.points()]; option_ids.len()],
            option_ids,
            total_ballots: 0,
        }
    }

    /// A tally rebuilt from counts kept elsewhere: `(option, score, number of ratings)` rows
    /// (repeated rows add up) and the number of ballots. Checked: options known, scores on the
    /// scale, no option rated more often than there were ballots.
    pub fn from_counts(
        question: &ScoreQuestion,
        total_ballots: u64,
        counts: &[(OptionId, i64, u64)],
    ) -> Result<Self, ScoreTallyError> {
        let mut tally = Self::new(question);
        tally.total_ballots = total_ballots;
        for (id, score, count) in counts {
            let index = tally.index_of(id)?;
            let score32 = i32::try_from(*score)
                .ok()
                .filter(|s| tally.scale.contains(i64::from(*s)))
                .ok_or_else(|| ScoreTallyError::OffScale {
                    question: tally.question.clone(),
                    id: id.clone(),
                    score: *score,
                })?;
            let slot = tally.scale.index(score32);
            tally.distributions[index][slot] =
                tally.distributions[index][slot].saturating_add(*count);
        }
        for (id, distribution) in tally.option_ids.iter().zip(&tally.distributions) {
            let count: u64 = distribution.iter().fold(0, |a, &b| a.saturating_add(b));
            if count > total_ballots {
                return Err(ScoreTallyError::ImpossibleCount {
                    question: tally.question.clone(),
                    id: id.clone(),
                    count,
                    total: total_ballots,
                });
            }
        }
        Ok(tally)
    }

    fn index_of(&self, id: &OptionId) -> Result<usize, ScoreTallyError> {
        self.option_ids
            .iter()
            .position(|known| known == id)
            .ok_or_else(|| ScoreTallyError::UnknownOption {
                question: self.question.clone(),
                id: id.clone(),
            })
    }

    /// Adds one ballot. Nothing is counted if it is rejected.
    pub fn record(&mut self, ballot: &ScoreBallot) -> Result<(), ScoreTallyError> {
        if ballot.question != self.question {
            return Err(ScoreTallyError::WrongQuestion {
                tally_question: self.question.clone(),
                ballot_question: ballot.question.clone(),
            });
        }
        let mut slots = Vec::with_capacity(ballot.ratings.len());
        for (id, score) in &ballot.ratings {
            let index = self.index_of(id)?;
            if !self.scale.contains(i64::from(*score)) {
                return Err(ScoreTallyError::OffScale {
                    question: self.question.clone(),
                    id: id.clone(),
                    score: i64::from(*score),
                });
            }
            slots.push((index, self.scale.index(*score)));
        }
        for (index, slot) in slots {
            self.distributions[index][slot] += 1;
        }
        self.total_ballots += 1;
        Ok(())
    }

    /// The question counted.
    pub fn question(&self) -> &Slug {
        &self.question
    }

    /// The scale of the question counted.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Ballots recorded.
    pub fn total_ballots(&self) -> u64 {
        self.total_ballots
    }

    /// Per-option statistics, in the question's option order.
    pub fn options(&self) -> Vec<OptionScores> {
        self.option_ids
            .iter()
            .zip(&self.distributions)
            .map(|(id, distribution)| {
                let summary = DistributionSummary::of(self.scale.min, distribution);
                OptionScores {
                    id: id.clone(),
                    count: summary.count,
                    mean: summary.mean,
                    median: summary.median,
                    distribution: self
                        .scale
                        .scores()
                        .zip(distribution)
                        .map(|(score, &count)| ScorePoint { score, count })
                        .collect(),
                }
            })
            .collect()
    }
}

/// Count, exact mean and exact median of a distribution over consecutive integer scores
/// starting at `first_score`. Shared with the feedback aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DistributionSummary {
    pub(crate) count: u64,
    pub(crate) mean: Option<Ratio>,
    pub(crate) median: Option<Ratio>,
}

impl DistributionSummary {
    pub(crate) fn of(first_score: i32, distribution: &[u64]) -> Self {
        let count: u64 = distribution.iter().sum();
        if count == 0 {
            return Self {
                count,
                mean: None,
                median: None,
            };
        }
        let sum: i128 = (i128::from(first_score)..)
            .zip(distribution)
            .map(|(score, &n)| score * i128::from(n))
            .sum();
        // 0-based ranks of the two middle ratings (the same rank when the count is odd).
        let low = nth_score(first_score, distribution, (count - 1) / 2);
        let high = nth_score(first_score, distribution, count / 2);
        Self {
            count,
            mean: Some(Ratio::new(sum, count)),
            median: Some(Ratio::new(i128::from(low) + i128::from(high), 2)),
        }
    }
}

/// The score of the rating with 0-based rank `rank` in ascending order.
fn nth_score(first_score: i32, distribution: &[u64], rank: u64) -> i32 {
    let mut seen = 0u64;
    let mut last = first_score;
    for (score, &n) in (first_score..).zip(distribution) {
        seen += n;
        last = score;
        if seen > rank {
            break;
        }
    }
    last
}
