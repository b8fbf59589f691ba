//! What only score and ranked polls have: a score poll's distributions (means, medians) and a
//! ranked poll's rankings with their instant-runoff count, and how each is rebuilt from stored
//! counts.

use std::collections::BTreeMap;

use super::{PollTally, TallyError};
#[cfg(feature = "ranked")]
use crate::ranked::{BallotPool, Candidates, RankedBallot, Rules, Tabulation};
use crate::score::{DistributionSummary, OptionScores, ScorePoint};
use crate::slug::OptionId;

impl PollTally {
    /// Per option of a score poll, in option order: the number of ratings, the exact mean and
    /// median, and the distribution over the scale (see [`crate::score`]). `None` for the
    /// choice kinds.
    ///
    /// ```
    /// use baraza_core::{Poll, PollTally, score::{RatingSubmission, Ratio}};
    /// let poll: Poll = serde_json::from_str(r#"{"slug":"clinic","default_language":"en",
    ///   "question":{"en":"Rate each service"},"status":"open",
    ///   "kind":{"type":"score","scale":{"min":1,"max":5}},
    ///   "options":[{"id":"staff","label":{"en":"Staff"}},{"id":"wait","label":{"en":"Waiting"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// let mut tally = PollTally::new(&poll);
    /// for (score, voter) in [(4, "voter-000000000001"), (5, "voter-000000000002")] {
    ///     let rating = [RatingSubmission { option: "staff".into(), score }];
    ///     tally.record(&poll.validate_rated_ballot(&rating, voter, now).unwrap()).unwrap();
    /// }
    /// let staff = &tally.option_scores().unwrap()[0];
    /// assert_eq!((staff.count, staff.mean), (2, Some(Ratio::new(9, 2))));
    /// assert_eq!(tally.options()[1].count, 0); // nobody rated the waiting time
    /// ```
    pub fn option_scores(&self) -> Option<Vec<OptionScores>> {
        let scale = self.scale?;
        Some(
            self.option_ids
                .iter()
                .zip(&self.distributions)
                .map(|(id, distribution)| {
                    let summary = DistributionSummary::of(scale.min(), distribution);
                    OptionScores {
                        id: id.clone(),
                        count: summary.count,
                        mean: summary.mean,
                        median: summary.median,
                        distribution: scale
                            .scores()
                            .zip(distribution)
                            .map(|(score, &count)| ScorePoint { score, count })
                            .collect(),
                    }
                })
                .collect(),
        )
    }

    /// Adds a score poll's stored distributions — `(option, score, ratings)` rows, as kept by
    /// a database beside [`PollTally::from_counts`]'s counts — checking that every score is on
    /// the scale and that each option's distribution adds up to its count.
    pub fn with_score_counts(
        mut self,
        counts: &[(OptionId, i32, u64)],
    ) -> Result<Self, TallyError> {
        let Some(scale) = self.scale else {
            if counts.is_empty() {
                return Ok(self);
            }
            return Err(self.wrong_kind());
        };
        for (id, score, count) in counts {
            let index = self.index_of(id)?;
            if !scale.contains(i64::from(*score)) {
                return Err(TallyError::OffScale {
                    poll: self.poll.clone(),
                    id: id.clone(),
                    score: i64::from(*score),
                });
            }
            let slot = &mut self.distributions[index][scale.index(*score)];
            *slot = slot.saturating_add(*count);
        }
        for ((id, &count), distribution) in self
            .option_ids
            .iter()
            .zip(&self.counts)
            .zip(&self.distributions)
        {
            let sum = distribution.iter().fold(0_u64, |a, &b| a.saturating_add(b));
            if sum != count {
                return Err(TallyError::ScoresDoNotAddUp {
                    poll: self.poll.clone(),
                    id: id.clone(),
                    count,
                    sum,
                });
            }
        }
        Ok(self)
    }

    /// Adds a ranked poll's stored rankings — `(ranking, ballots)` rows, as kept by a database
    /// beside [`PollTally::from_counts`]'s counts — checking that they are the poll's options,
    /// that they add up to the ballots and that each option is in as many rankings as its
    /// count says.
    pub fn with_ranking_counts(
        mut self,
        counts: &[(Vec<OptionId>, u64)],
    ) -> Result<Self, TallyError> {
        if self.rankings.is_none() {
            if counts.is_empty() {
                return Ok(self);
            }
            return Err(self.wrong_kind());
        }
        let mut rankings = BTreeMap::new();
        let mut ranked_in = vec![0_u64; self.option_ids.len()];
        let mut ballots = 0_u64;
        for (ranking, count) in counts {
            let mut positions = Vec::with_capacity(ranking.len());
            for id in ranking {
                let index = self.index_of(id)?;
                ranked_in[index] = ranked_in[index].saturating_add(*count);
                positions.push(position_u16(index));
            }
            ballots = ballots.saturating_add(*count);
            let slot: &mut u64 = rankings.entry(positions).or_default();
            *slot = slot.saturating_add(*count);
        }
        if ballots != self.total_ballots {
            return Err(TallyError::CountsDoNotAddUp {
                poll: self.poll.clone(),
                sum: ballots,
                total: self.total_ballots,
            });
        }
        for ((id, &count), &ranked) in self.option_ids.iter().zip(&self.counts).zip(&ranked_in) {
            if ranked != count {
                return Err(TallyError::ImpossibleCount {
                    poll: self.poll.clone(),
                    id: id.clone(),
                    count: ranked,
                    total: count,
                });
            }
        }
        self.rankings = Some(rankings);
        Ok(self)
    }

    /// A ranked poll's instant-runoff count, round by round, as [`crate::ranked`] counts it
    /// with its default rules (RCTab's; ties broken by the earlier rounds, then by the option
    /// order). `None` for the other kinds, and before the first ballot. The candidates are the
    /// option ids, in option order. Needs the `ranked` feature (on by default).
    ///
    /// ```
    /// use baraza_core::{Poll, PollTally};
    /// let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    ///   "question":{"en":"Where first?"},"kind":{"type":"ranked"},"status":"open",
    ///   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}},{"id":"c","label":{"en":"C"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// let mut tally = PollTally::new(&poll);
    /// for (ranking, voter) in [(&["a", "b"][..], "voter-000000000001"), (&["b"], "voter-000000000002"),
    ///                          (&["c", "b"], "voter-000000000003")] {
    ///     tally.record(&poll.validate_ballot(ranking, voter, now).unwrap()).unwrap();
    /// }
    /// let count = tally.ranked_count().unwrap().unwrap();
    /// // Round 1: a 1, b 1, c 1; a tie at the bottom, broken by option order: c goes, its
    /// // ballot moves to b, which wins round 2 with 2 of 3.
    /// assert_eq!(count.rounds().len(), 2);
    /// assert_eq!(count.name(count.winner().unwrap()), "b");
    /// ```
    #[cfg(feature = "ranked")]
    pub fn ranked_count(&self) -> Option<Result<Tabulation, TallyError>> {
        // Before the first ballot there is nothing to count: a count of nothing would tie
        // every option at zero and "elect" one by the tie-break.
        let rankings = self.rankings.as_ref().filter(|r| !r.is_empty())?;
        let count = || -> Result<Tabulation, String> {
            let candidates = Candidates::new(self.option_ids.iter().map(|id| id.as_str()))
                .map_err(|e| e.to_string())?;
            let mut pool = BallotPool::new(&candidates, &Rules::default());
            for (ranking, &ballots) in rankings {
                let ids: Vec<_> = ranking
                    .iter()
                    .filter_map(|&position| candidates.id_at(usize::from(position)))
                    .collect();
                let ballot = RankedBallot::from_ranking(&ids).map_err(|e| e.to_string())?;
                pool.push_many(&ballot, ballots)
                    .map_err(|e| e.to_string())?;
            }
            pool.instant_runoff().map_err(|e| e.to_string())
        };
        Some(count().map_err(|reason| TallyError::RankedCount {
            poll: self.poll.clone(),
            reason,
        }))
    }
}

/// An option's position as stored in a ranking; polls have at most [`crate::MAX_OPTIONS`].
pub(super) fn position_u16(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// The options with the highest mean score (every tied option), none when nothing is rated.
pub(super) fn best_means(scores: &[OptionScores]) -> Vec<OptionId> {
    // Means are exact fractions: compare a/b with c/d as a·d with c·b. Scores are at most 100
    // in size, so below 2^50 ratings per option every product fits i128; past that the
    // comparison saturates instead of overflowing.
    let above = |a: crate::score::Ratio, b: crate::score::Ratio| {
        (a.numerator().saturating_mul(i128::from(b.denominator())))
            .cmp(&b.numerator().saturating_mul(i128::from(a.denominator())))
    };
    let best = scores
        .iter()
        .filter_map(|option| option.mean)
        .max_by(|&a, &b| above(a, b));
    let Some(best) = best else {
        return Vec::new();
    };
    scores
        .iter()
        .filter(|option| option.mean.is_some_and(|mean| above(mean, best).is_eq()))
        .map(|option| option.id.clone())
        .collect()
}
