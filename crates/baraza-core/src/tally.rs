//! Counting ballots.
//!
//! # Percentages
//! Each option's share is exact: `count / total_ballots` (see [`OptionCount::count`] and
//! [`PollTally::total_ballots`]). For display, [`OptionCount::percent_tenths`] gives the share in
//! tenths of a percent (`425` means 42.5 %), rounded by this rule:
//!
//! * **single choice** — largest remainder (Hamilton): every option gets the floor of its exact
//!   value, then the options with the largest remainders (ties: earlier option first) get one
//!   more tenth until the total is exactly 1000. Displayed percentages therefore always add up
//!   to 100.0 %.
//! * **multiple choice** and **approval** — each option independently, half rounded up. A
//!   ballot may select several options, so the percentages (of ballots, not of selections) can
//!   exceed 100 % in sum.
//!
//! With no ballots every percentage is 0.
//!
//! # Approval
//! An approval poll ([`PollKind::Approval`](crate::PollKind::Approval)) is tallied like
//! multiple choice: an option's count is its number of approvals and `percent_tenths` its
//! **approval share**, the fraction of all ballots (empty ballots included) that approve it.
//! The winners are [`PollTally::leaders`]: every option with the most approvals, so a tie
//! yields several winners, in option order; the core does not break ties (a caller that needs
//! exactly one winner must apply and publish its own rule, e.g. a public lot). With no
//! approvals at all there is no winner.

use std::collections::BTreeMap;

use crate::ballot::Ballot;

mod rated;
use crate::poll::Poll;
use crate::score::Scale;
use crate::slug::{OptionId, Slug};
use rated::{best_means, position_u16};

/// Running counts for one poll. Add ballots one at a time with [`PollTally::record`], so a
/// tally never needs all ballots in memory at once.
///
/// ```
/// use baraza_core::{Poll, PollTally};
/// # let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
/// #   "question":{"en":"Q?"},"kind":{"type":"single_choice"},"status":"open",
/// #   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}}]}"#).unwrap();
/// let now = time::OffsetDateTime::UNIX_EPOCH;
/// let mut tally = PollTally::new(&poll);
/// for (choice, voter) in [("a", "voter-000000000001"), ("a", "voter-000000000002"), ("b", "voter-000000000003")] {
///     tally.record(&poll.validate_ballot(&[choice], voter, now).unwrap()).unwrap();
/// }
/// assert_eq!(tally.total_ballots(), 3);
/// let percents: Vec<u32> = tally.options().iter().map(|o| o.percent_tenths).collect();
/// assert_eq!(percents, [667, 333]); // 66.7 % + 33.3 % = 100.0 %
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollTally {
    poll: Slug,
    single_choice: bool,
    selection_range: (u32, u32),
    option_ids: Vec<OptionId>,
    counts: Vec<u64>,
    total_ballots: u64,
    /// A score poll's scale; `None` for the choice kinds.
    scale: Option<Scale>,
    /// Per option, the ratings at each point of the scale (empty unless a score poll).
    distributions: Vec<Vec<u64>>,
    /// A ranked poll's ballots: each distinct ranking (option positions, most preferred first)
    /// and how many ballots gave it. `None` unless a ranked poll.
    rankings: Option<BTreeMap<Vec<u16>, u64>>,
}

/// The count for one option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionCount {
    /// The option.
    pub id: OptionId,
    /// Ballots that selected it.
    pub count: u64,
    /// Its share of all ballots in tenths of a percent, rounded by the rule in the module docs.
    pub percent_tenths: u32,
}

/// A ballot that cannot be added to this tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    /// The ballot was validated against another poll.
    #[error("ballot for poll {ballot_poll} given to the tally of poll {tally_poll}")]
    WrongPoll {
        /// The tally's poll.
        tally_poll: Slug,
        /// The ballot's poll.
        ballot_poll: Slug,
    },
    /// The ballot names an option this poll does not have (its definition changed).
    #[error("ballot selects {id}, which poll {poll} does not have")]
    UnknownOption {
        /// The poll.
        poll: Slug,
        /// The unknown option.
        id: OptionId,
    },
    /// An indexed ballot names a position past the poll's options.
    #[error("option position {index} is out of range: poll {poll} has {options} options")]
    IndexOutOfRange {
        /// The poll.
        poll: Slug,
        /// The position given.
        index: u16,
        /// How many options the poll has.
        options: usize,
    },
    /// An indexed ballot names the same option twice.
    #[error("option position {index} is selected more than once in a ballot of poll {poll}")]
    RepeatedIndex {
        /// The poll.
        poll: Slug,
        /// The repeated position.
        index: u16,
    },
    /// An indexed ballot selects too few or too many options.
    #[error("a ballot of poll {poll} selects {given} options; it must select {min} to {max}")]
    SelectionCount {
        /// The poll.
        poll: Slug,
        /// How many were selected.
        given: usize,
        /// The poll's minimum.
        min: u32,
        /// The poll's maximum.
        max: u32,
    },
    /// Stored counts that no set of valid ballots could produce.
    #[error("option {id} of poll {poll} has {count} ballots, more than the {total} ballots cast")]
    ImpossibleCount {
        /// The poll.
        poll: Slug,
        /// The option.
        id: OptionId,
        /// Its stored count.
        count: u64,
        /// The stored number of ballots.
        total: u64,
    },
    /// A single-choice poll whose option counts do not add up to its ballots.
    #[error(
        "the option counts of single-choice poll {poll} add up to {sum}, not to its {total} ballots"
    )]
    CountsDoNotAddUp {
        /// The poll.
        poll: Slug,
        /// Sum of the option counts.
        sum: u64,
        /// The stored number of ballots.
        total: u64,
    },
    /// A ballot or count of the wrong kind: selections without scores for a score poll, scores
    /// for a choice poll.
    #[error("poll {poll} is {expected}; this ballot or count is not")]
    WrongKind {
        /// The poll.
        poll: Slug,
        /// What the poll takes.
        expected: &'static str,
    },
    /// The ranked count could not be made (a bug: the rankings are checked when recorded).
    #[error("the ranked count of poll {poll} failed: {reason}")]
    RankedCount {
        /// The poll.
        poll: Slug,
        /// Why.
        reason: String,
    },
    /// A score off the poll's scale.
    #[error("score {score} for option {id} is off the scale of poll {poll}")]
    OffScale {
        /// The poll.
        poll: Slug,
        /// The option.
        id: OptionId,
        /// The score.
        score: i64,
    },
    /// An option's score distribution does not add up to its number of ratings.
    #[error("option {id} of poll {poll} has {count} ratings but {sum} scores")]
    ScoresDoNotAddUp {
        /// The poll.
        poll: Slug,
        /// The option.
        id: OptionId,
        /// Its number of ratings.
        count: u64,
        /// The sum of its distribution.
        sum: u64,
    },
}

impl PollTally {
    /// Tallies `ballots` for `poll` in one go; [`PollTally::new`] and [`PollTally::record`] are
    /// the streaming form. Fails on the first ballot of another poll.
    ///
    /// ```
    /// use baraza_core::{Poll, PollTally};
    /// let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    ///   "question":{"en":"Q?"},"kind":{"type":"single_choice"},"status":"open",
    ///   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// let ballots = [poll.validate_ballot(&["b"], "voter-000000000001", now).unwrap()];
    /// assert_eq!(PollTally::from_ballots(&poll, &ballots).unwrap().options()[1].count, 1);
    /// ```
    pub fn from_ballots<'a>(
        poll: &Poll,
        ballots: impl IntoIterator<Item = &'a Ballot>,
    ) -> Result<Self, TallyError> {
        let mut tally = Self::new(poll);
        for ballot in ballots {
            tally.record(ballot)?;
        }
        Ok(tally)
    }

    /// An empty tally for `poll`.
    pub fn new(poll: &Poll) -> Self {
        let option_ids: Vec<OptionId> = poll.options().iter().map(|o| o.id.clone()).collect();
        let scale = poll.kind().scale();
        Self {
            poll: poll.slug().clone(),
            single_choice: poll.kind().is_single_choice(),
            selection_range: poll.selection_range(),
            counts: vec![0; option_ids.len()],
            distributions: match scale {
                Some(scale) => vec![vec![0; scale.points()]; option_ids.len()],
                None => Vec::new(),
            },
            option_ids,
            total_ballots: 0,
            scale,
            rankings: poll.kind().is_ranked().then(BTreeMap::new),
        }
    }

    /// A tally rebuilt from counts kept elsewhere (e.g. running totals in a database), checked
    /// for consistency: every option known, no count above `total_ballots`, and for single
    /// choice the counts add up to `total_ballots`. Options not listed count zero.
    pub fn from_counts(
        poll: &Poll,
        total_ballots: u64,
        counts: &[(OptionId, u64)],
    ) -> Result<Self, TallyError> {
        let mut tally = Self::new(poll);
        tally.total_ballots = total_ballots;
        for (id, count) in counts {
            let index = tally
                .option_ids
                .iter()
                .position(|known| known == id)
                .ok_or_else(|| TallyError::UnknownOption {
                    poll: tally.poll.clone(),
                    id: id.clone(),
                })?;
            if *count > total_ballots {
                return Err(TallyError::ImpossibleCount {
                    poll: tally.poll.clone(),
                    id: id.clone(),
                    count: *count,
                    total: total_ballots,
                });
            }
            tally.counts[index] += count;
        }
        let sum: u64 = tally.counts.iter().sum();
        if tally.single_choice && sum != total_ballots {
            return Err(TallyError::CountsDoNotAddUp {
                poll: tally.poll.clone(),
                sum,
                total: total_ballots,
            });
        }
        Ok(tally)
    }

    /// Adds one ballot. Nothing is counted if it is rejected.
    pub fn record(&mut self, ballot: &Ballot) -> Result<(), TallyError> {
        if *ballot.poll() != self.poll {
            return Err(TallyError::WrongPoll {
                tally_poll: self.poll.clone(),
                ballot_poll: ballot.poll().clone(),
            });
        }
        // A score ballot rates at least one option, so it always has scores.
        if self.scale.is_some() == ballot.scores().is_empty()
            || self.rankings.is_some() != ballot.ranking().is_some()
        {
            return Err(self.wrong_kind());
        }
        let mut indices = Vec::with_capacity(ballot.selections().len());
        for id in ballot.selections() {
            indices.push(self.index_of(id)?);
        }
        let mut slots = Vec::with_capacity(ballot.scores().len());
        if let Some(scale) = self.scale {
            for ((id, score), &index) in ballot.ratings().zip(&indices) {
                if !scale.contains(i64::from(score)) {
                    return Err(TallyError::OffScale {
                        poll: self.poll.clone(),
                        id: id.clone(),
                        score: i64::from(score),
                    });
                }
                slots.push((index, scale.index(score)));
            }
        }
        if let Some(rankings) = &mut self.rankings {
            let ranking = indices.iter().map(|&i| position_u16(i)).collect();
            *rankings.entry(ranking).or_default() += 1;
        }
        for index in indices {
            self.counts[index] += 1;
        }
        for (index, slot) in slots {
            self.distributions[index][slot] += 1;
        }
        self.total_ballots += 1;
        Ok(())
    }

    /// Adds one ballot given as option positions (indices into [`Poll::options`]): the bulk
    /// path for counting stored or imported ballots without building [`Ballot`] values. The
    /// ballot is checked as [`Poll::validate_ballot`] would (positions in range, no repeats,
    /// selection count within the poll's range); nothing is counted if it is rejected.
    ///
    /// ```
    /// # use baraza_core::{Poll, PollTally};
    /// # let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    /// #   "question":{"en":"Q?"},"kind":{"type":"approval"},"status":"open",
    /// #   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}}]}"#).unwrap();
    /// let mut tally = PollTally::new(&poll);
    /// tally.record_indices(&[0, 1]).unwrap();
    /// tally.record_indices(&[1]).unwrap();
    /// assert!(tally.record_indices(&[1, 1]).is_err());
    /// let counts: Vec<u64> = tally.options().iter().map(|o| o.count).collect();
    /// assert_eq!(counts, [1, 2]);
    /// ```
    pub fn record_indices(&mut self, selections: &[u16]) -> Result<(), TallyError> {
        if self.scale.is_some() {
            return Err(self.wrong_kind());
        }
        let (min, max) = self.selection_range;
        let given = selections.len();
        if given < min as usize || given > max as usize {
            return Err(TallyError::SelectionCount {
                poll: self.poll.clone(),
                given,
                min,
                max,
            });
        }
        // MAX_OPTIONS is far below 64, so a bit set catches repeats without allocating.
        let mut seen = 0_u64;
        for &index in selections {
            let bit = 1_u64.checked_shl(u32::from(index)).unwrap_or(0);
            if usize::from(index) >= self.counts.len() || bit == 0 {
                return Err(TallyError::IndexOutOfRange {
                    poll: self.poll.clone(),
                    index,
                    options: self.counts.len(),
                });
            }
            if seen & bit != 0 {
                return Err(TallyError::RepeatedIndex {
                    poll: self.poll.clone(),
                    index,
                });
            }
            seen |= bit;
        }
        for &index in selections {
            self.counts[usize::from(index)] += 1;
        }
        if let Some(rankings) = &mut self.rankings {
            *rankings.entry(selections.to_vec()).or_default() += 1;
        }
        self.total_ballots += 1;
        Ok(())
    }

    /// The poll counted.
    pub fn poll(&self) -> &Slug {
        &self.poll
    }

    /// Ballots recorded.
    pub fn total_ballots(&self) -> u64 {
        self.total_ballots
    }

    /// The options with the most ballots (for approval: the most approvals), in the poll's
    /// option order. One option when there is a clear leader, every tied option otherwise, and
    /// none when no option has been selected at all.
    ///
    /// ```
    /// use baraza_core::{Poll, PollTally};
    /// let poll: Poll = serde_json::from_str(r#"{"slug":"p","default_language":"en",
    ///   "question":{"en":"Which would you support?"},"kind":{"type":"approval"},"status":"open",
    ///   "options":[{"id":"a","label":{"en":"A"}},{"id":"b","label":{"en":"B"}},{"id":"c","label":{"en":"C"}}]}"#).unwrap();
    /// let now = time::OffsetDateTime::UNIX_EPOCH;
    /// let mut tally = PollTally::new(&poll);
    /// for (approved, voter) in [(&["a", "b"][..], "voter-000000000001"), (&["b", "a"], "voter-000000000002"), (&[], "voter-000000000003")] {
    ///     tally.record(&poll.validate_ballot(approved, voter, now).unwrap()).unwrap();
    /// }
    /// assert_eq!(tally.total_ballots(), 3); // the empty ballot counts
    /// let shares: Vec<u32> = tally.options().iter().map(|o| o.percent_tenths).collect();
    /// assert_eq!(shares, [667, 667, 0]);
    /// let leaders: Vec<String> = tally.leaders().iter().map(|id| id.to_string()).collect();
    /// assert_eq!(leaders, ["a", "b"]); // a tie: both win
    /// ```
    pub fn leaders(&self) -> Vec<OptionId> {
        if let Some(scores) = self.option_scores() {
            return best_means(&scores);
        }
        // Without the `ranked` feature there is no count, and the most-ranked option is not
        // the instant-runoff winner: no leader rather than a wrong one.
        #[cfg(not(feature = "ranked"))]
        if self.rankings.is_some() {
            return Vec::new();
        }
        #[cfg(feature = "ranked")]
        if let Some(count) = self.ranked_count() {
            // The instant-runoff winner (none before any ballot).
            return count
                .ok()
                .and_then(|count| count.winner())
                .and_then(|winner| self.option_ids.get(winner.index()).cloned())
                .into_iter()
                .collect();
        }
        let most = self.counts.iter().copied().max().unwrap_or(0);
        if most == 0 {
            return Vec::new();
        }
        self.option_ids
            .iter()
            .zip(&self.counts)
            .filter(|&(_, &count)| count == most)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// A score poll's scale; `None` for the choice kinds.
    pub fn scale(&self) -> Option<Scale> {
        self.scale
    }

    fn index_of(&self, id: &OptionId) -> Result<usize, TallyError> {
        self.option_ids
            .iter()
            .position(|known| known == id)
            .ok_or_else(|| TallyError::UnknownOption {
                poll: self.poll.clone(),
                id: id.clone(),
            })
    }

    fn wrong_kind(&self) -> TallyError {
        TallyError::WrongKind {
            poll: self.poll.clone(),
            expected: if self.scale.is_some() {
                "a score poll (ballots with scores)"
            } else if self.rankings.is_some() {
                "a ranked poll (ballots that rank)"
            } else {
                "a choice poll (ballots without scores or rankings)"
            },
        }
    }

    /// Per-option counts and percentages, in the poll's option order.
    pub fn options(&self) -> Vec<OptionCount> {
        let percents = if self.single_choice {
            largest_remainder_tenths(&self.counts, self.total_ballots)
        } else {
            self.counts
                .iter()
                .map(|&count| half_up_tenths(count, self.total_ballots))
                .collect()
        };
        self.option_ids
            .iter()
            .zip(&self.counts)
            .zip(percents)
            .map(|((id, &count), percent_tenths)| OptionCount {
                id: id.clone(),
                count,
                percent_tenths,
            })
            .collect()
    }
}

/// Tallies `ballots` for `poll` in one go: [`PollTally::from_ballots`].
#[deprecated(
    since = "0.1.0",
    note = "use `PollTally::from_ballots`: `tally` is also the name of this module"
)]
pub fn tally<'a>(
    poll: &Poll,
    ballots: impl IntoIterator<Item = &'a Ballot>,
) -> Result<PollTally, TallyError> {
    PollTally::from_ballots(poll, ballots)
}

fn half_up_tenths(count: u64, total: u64) -> u32 {
    if total == 0 {
        return 0;
    }
    let tenths = (u128::from(count) * 2000 + u128::from(total)) / (u128::from(total) * 2);
    u32::try_from(tenths).unwrap_or(u32::MAX)
}

fn largest_remainder_tenths(counts: &[u64], total: u64) -> Vec<u32> {
    if total == 0 {
        return vec![0; counts.len()];
    }
    let total = u128::from(total);
    let mut floors: Vec<u32> = Vec::with_capacity(counts.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(counts.len());
    for (index, &count) in counts.iter().enumerate() {
        let scaled = u128::from(count) * 1000;
        floors.push(u32::try_from(scaled / total).unwrap_or(u32::MAX));
        remainders.push((scaled % total, index));
    }
    let assigned: u32 = floors.iter().sum();
    // Largest remainder first; the stable sort keeps earlier options first among equals.
    remainders.sort_by_key(|&(remainder, _)| std::cmp::Reverse(remainder));
    for &(_, index) in remainders
        .iter()
        .take(1000_u32.saturating_sub(assigned) as usize)
    {
        floors[index] += 1;
    }
    floors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_to_one_thousand() {
        assert_eq!(largest_remainder_tenths(&[1, 1, 1], 3), [334, 333, 333]);
        assert_eq!(largest_remainder_tenths(&[2, 1], 3), [667, 333]);
        assert_eq!(largest_remainder_tenths(&[0, 5], 5), [0, 1000]);
        assert_eq!(largest_remainder_tenths(&[0, 0], 0), [0, 0]);
    }

    fn two_option_poll(kind: &str) -> Poll {
        serde_json::from_str(&format!(
            r#"{{"slug":"p","default_language":"en","question":{{"en":"Q?"}},"kind":{kind},
            "status":"open","options":[{{"id":"a","label":{{"en":"A"}}}},{{"id":"b","label":{{"en":"B"}}}}]}}"#
        ))
        .unwrap()
    }

    fn id(text: &str) -> OptionId {
        OptionId::parse(text).unwrap()
    }

    #[test]
    fn from_counts_rebuilds_a_consistent_tally() {
        let poll = two_option_poll(r#"{"type":"single_choice"}"#);
        let tally = PollTally::from_counts(&poll, 3, &[(id("b"), 2), (id("a"), 1)]).unwrap();
        let counts: Vec<(String, u64, u32)> = tally
            .options()
            .into_iter()
            .map(|o| (o.id.to_string(), o.count, o.percent_tenths))
            .collect();
        assert_eq!(counts, [("a".into(), 1, 333), ("b".into(), 2, 667)]);
    }

    #[test]
    fn from_counts_rejects_impossible_counts() {
        let single = two_option_poll(r#"{"type":"single_choice"}"#);
        assert!(matches!(
            PollTally::from_counts(&single, 3, &[(id("a"), 1)]),
            Err(TallyError::CountsDoNotAddUp {
                sum: 1,
                total: 3,
                ..
            })
        ));
        assert!(matches!(
            PollTally::from_counts(&single, 1, &[(id("z"), 1)]),
            Err(TallyError::UnknownOption { .. })
        ));
        let multiple =
            two_option_poll(r#"{"type":"multiple_choice","min_selections":1,"max_selections":2}"#);
        assert!(PollTally::from_counts(&multiple, 2, &[(id("a"), 2), (id("b"), 2)]).is_ok());
        assert!(matches!(
            PollTally::from_counts(&multiple, 2, &[(id("a"), 3)]),
            Err(TallyError::ImpossibleCount {
                count: 3,
                total: 2,
                ..
            })
        ));
    }

    #[test]
    fn record_indices_checks_like_validation_and_counts_nothing_on_error() {
        let multiple =
            two_option_poll(r#"{"type":"multiple_choice","min_selections":1,"max_selections":2}"#);
        let mut tally = PollTally::new(&multiple);
        assert!(matches!(
            tally.record_indices(&[]),
            Err(TallyError::SelectionCount {
                given: 0,
                min: 1,
                max: 2,
                ..
            })
        ));
        assert!(matches!(
            tally.record_indices(&[2]),
            Err(TallyError::IndexOutOfRange {
                index: 2,
                options: 2,
                ..
            })
        ));
        assert!(matches!(
            tally.record_indices(&[64]),
            Err(TallyError::IndexOutOfRange { index: 64, .. })
        ));
        assert!(matches!(
            tally.record_indices(&[1, 1]),
            Err(TallyError::RepeatedIndex { index: 1, .. })
        ));
        assert_eq!(tally.total_ballots(), 0);
        assert!(tally.options().iter().all(|o| o.count == 0));
        tally.record_indices(&[1, 0]).unwrap();
        tally.record_indices(&[1]).unwrap();
        let counts: Vec<u64> = tally.options().iter().map(|o| o.count).collect();
        assert_eq!((counts, tally.total_ballots()), (vec![1, 2], 2));
    }

    #[test]
    fn half_up_rounds_halves_up() {
        assert_eq!(half_up_tenths(1, 2000), 1); // 0.05 % -> 0.1 %
        assert_eq!(half_up_tenths(1, 2001), 0);
        assert_eq!(half_up_tenths(2, 3), 667);
        assert_eq!(half_up_tenths(3, 3), 1000);
    }
}
