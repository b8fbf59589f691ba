//! Ballots prepared for counting: ballot rules applied once, identical ballots grouped.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use super::ballot::RankedBallot;
use super::candidate::{CandidateId, Candidates};
use super::count::{self, CountError, Method, Tabulation};
use super::rules::{OvervoteRule, Rules};

/// Why a ballot stopped counting for anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExhaustionCause {
    /// No candidate is marked at any rank read.
    Blank,
    /// Every candidate the ballot ranks (validly) has been elected or eliminated.
    NoMoreChoices,
    /// The count reached an overvoted rank under [`OvervoteRule::Exhaust`].
    Overvote,
    /// The count reached a gap longer than [`Rules::max_skipped_ranks`].
    SkippedRanks,
    /// The count reached a repeated candidate under
    /// [`Rules::exhaust_on_repeated_candidate`].
    RepeatedCandidate,
}

impl ExhaustionCause {
    /// Every cause, in a stable order.
    pub const ALL: [Self; 5] = [
        Self::Blank,
        Self::NoMoreChoices,
        Self::Overvote,
        Self::SkippedRanks,
        Self::RepeatedCandidate,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A ballot that marks a candidate the pool's contest does not have (it was built against
/// another, longer candidate list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the ballot marks candidate number {index}, but the contest has only {count} candidates")]
pub struct ForeignCandidate {
    /// The 0-based index the ballot uses.
    pub index: usize,
    /// How many candidates the contest has.
    pub count: usize,
}

/// Ballots ready to be counted, added one at a time: the streaming form of
/// [`instant_runoff`](super::instant_runoff) and
/// [`single_transferable_vote`](super::single_transferable_vote).
///
/// Each ballot is reduced, as it is added, to what the count needs: the sequence of candidates
/// it can count for under the pool's [`Rules`] (overvotes, skipped ranks, repeats and
/// `max_ranks` applied, in RCTab's order: skipped-rank gap, then repeated candidate, then
/// overvote) and the [`ExhaustionCause`] that applies once that sequence runs out. Identical
/// reductions are kept once, with a count, so memory grows with the number of *distinct*
/// ballots, not with the number of ballots; the count itself then only touches distinct
/// ballots, moving each one only when the candidate it counts for is eliminated or elected.
///
/// Static reduction gives exactly the count a dynamic walk of each ballot gives, because a
/// ballot is only ever re-examined from the position where it last counted, and every
/// candidate before that position is no longer continuing.
///
/// ```
/// use baraza_ranked::{BallotPool, Candidates, RankedBallot, Rules};
/// let candidates = Candidates::new(["A", "B", "C"])?;
/// let mut pool = BallotPool::new(&candidates, &Rules::default());
/// for names in [&["A", "B"][..], &["A", "B"], &["B"], &["C", "A"]] {
///     let ranks: Vec<[&str; 1]> = names.iter().map(|n| [*n]).collect();
///     pool.push(&RankedBallot::from_names(&candidates, &ranks)?)?;
/// }
/// assert_eq!((pool.ballots(), pool.distinct_ballots()), (4, 3));
/// let count = pool.instant_runoff()?;
/// assert_eq!(count.winners(), [candidates.id("A").unwrap()]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BallotPool {
    candidates: Candidates,
    rules: Rules,
    /// Ballots per reduced ballot short enough to pack into 64 bits (see [`Self::packed`]).
    /// Adding a ballot then touches one slot of this table and nothing else, which matters:
    /// that random access is most of its cost.
    packed_counts: HashMap<u64, u64, BuildHasherDefault<FxHasher>>,
    /// Ballots per longer reduced ballot, keyed by its sequence and an end marker.
    long_counts: HashMap<Box<[u16]>, u64, BuildHasherDefault<FxHasher>>,
    /// Bits per candidate in a packed key: enough for `1..=count`.
    bits_per_candidate: u32,
    ballots: u64,
    /// Scratch space for reducing one ballot: its sequence (then, for a long one, its end
    /// marker).
    key: Vec<u16>,
    /// `seen[c] == generation` when candidate `c` was met on the ballot being reduced.
    seen: Vec<u32>,
    generation: u32,
}

/// The distinct reduced ballots laid out for counting.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// The candidate sequences, back to back.
    pub(crate) preferences: Vec<u16>,
    pub(crate) groups: Vec<Group>,
    /// Ballots per group.
    pub(crate) counts: Vec<u64>,
}

impl Prepared {
    pub(crate) fn sequence(&self, group: &Group) -> &[u16] {
        &self.preferences[group.start as usize..(group.start + group.len) as usize]
    }

    fn push(
        &mut self,
        sequence: impl IntoIterator<Item = u16>,
        cause: ExhaustionCause,
        count: u64,
    ) {
        let start = self.preferences.len() as u32;
        self.preferences.extend(sequence);
        self.groups.push(Group {
            start,
            len: self.preferences.len() as u32 - start,
            cause,
        });
        self.counts.push(count);
    }
}

/// Identical reduced ballots.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    /// Where the sequence starts in `preferences`.
    pub(crate) start: u32,
    /// Its length.
    pub(crate) len: u32,
    /// Why the ballot exhausts after its last candidate.
    pub(crate) cause: ExhaustionCause,
}

/// End markers appended to a long reduced sequence in its key: above every candidate number,
/// one per [`ExhaustionCause`].
const END_MARKER: u16 = u16::MAX - 8;

impl BallotPool {
    /// An empty pool for a contest with these candidates, reducing ballots by `rules`.
    pub fn new(candidates: &Candidates, rules: &Rules) -> Self {
        Self {
            candidates: candidates.clone(),
            rules: rules.clone(),
            packed_counts: HashMap::default(),
            long_counts: HashMap::default(),
            bits_per_candidate: u64::BITS - (candidates.count() as u64).leading_zeros(),
            ballots: 0,
            key: Vec::new(),
            seen: vec![0; candidates.count()],
            generation: 0,
        }
    }

    /// Adds one ballot.
    pub fn push(&mut self, ballot: &RankedBallot) -> Result<(), ForeignCandidate> {
        self.push_many(ballot, 1)
    }

    /// Adds `count` identical ballots.
    pub fn push_many(&mut self, ballot: &RankedBallot, count: u64) -> Result<(), ForeignCandidate> {
        if let Some(foreign) = ballot.marks().find(|&mark| !self.candidates.contains(mark)) {
            return Err(ForeignCandidate {
                index: foreign.index(),
                count: self.candidates.count(),
            });
        }
        let cause = self.reduce(ballot);
        match self.packed(cause) {
            Some(packed) => *self.packed_counts.entry(packed).or_insert(0) += count,
            None => {
                self.key.push(END_MARKER + cause as u16);
                match self.long_counts.get_mut(self.key.as_slice()) {
                    Some(ballots) => *ballots += count,
                    None => {
                        self.long_counts.insert(self.key.as_slice().into(), count);
                    }
                }
            }
        }
        self.ballots += count;
        Ok(())
    }

    /// The reduced ballot in `self.key` with its end `cause`, packed into 64 bits if it fits:
    /// each candidate as `index + 1` in `bits_per_candidate` bits, then the cause in 3 bits.
    /// The packing is one-to-one because no candidate packs to zero. (Up to 15 candidates, 15
    /// choices fit; with 36, 10.)
    fn packed(&self, cause: ExhaustionCause) -> Option<u64> {
        let bits = self.bits_per_candidate;
        if self.key.len() as u32 * bits + 3 > u64::BITS {
            return None;
        }
        let mut packed = 0_u64;
        for &candidate in &self.key {
            packed = packed << bits | u64::from(candidate + 1);
        }
        Some(packed << 3 | cause as u64)
    }

    /// The distinct reduced ballots, in no particular order (a count does not depend on it).
    pub(crate) fn prepare(&self) -> Prepared {
        let mut prepared = Prepared::default();
        let bits = self.bits_per_candidate;
        let mask = (1_u64 << bits) - 1;
        let mut sequence = Vec::new();
        for (&packed, &count) in &self.packed_counts {
            let cause = ExhaustionCause::ALL[(packed & 7) as usize];
            sequence.clear();
            let mut rest = packed >> 3;
            while rest != 0 {
                sequence.push((rest & mask) as u16 - 1);
                rest >>= bits;
            }
            prepared.push(sequence.iter().rev().copied(), cause, count);
        }
        for (key, &count) in &self.long_counts {
            let (marker, sequence) = key.split_last().unwrap_or((&END_MARKER, &[]));
            let cause = ExhaustionCause::ALL[usize::from(marker - END_MARKER)];
            prepared.push(sequence.iter().copied(), cause, count);
        }
        prepared
    }

    /// Writes the candidates `ballot` can count for, in order, into `self.key` and returns why
    /// it exhausts after them.
    fn reduce(&mut self, ballot: &RankedBallot) -> ExhaustionCause {
        self.key.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.fill(0);
            self.generation = 1;
        }
        let generation = self.generation;
        let rules = &self.rules;
        let max_ranks = rules.max_ranks.map_or(usize::MAX, |max| max as usize);
        let mut last_marked = 0_usize;
        for (index, marks) in ballot.ranks().take(max_ranks).enumerate() {
            let rank = index + 1;
            if marks.is_empty() {
                continue;
            }
            if let Some(max_skipped) = rules.max_skipped_ranks
                && rank - last_marked > max_skipped as usize + 1
            {
                return ExhaustionCause::SkippedRanks;
            }
            last_marked = rank;
            if rules.exhaust_on_repeated_candidate {
                for mark in marks {
                    let seen = &mut self.seen[mark.index()];
                    if *seen == generation {
                        return ExhaustionCause::RepeatedCandidate;
                    }
                    *seen = generation;
                }
            }
            if marks.len() > 1 {
                match rules.overvote {
                    OvervoteRule::Exhaust => return ExhaustionCause::Overvote,
                    OvervoteRule::SkipRank => continue,
                }
            }
            let candidate = marks[0];
            if !rules.exhaust_on_repeated_candidate {
                // A later repeat is never continuing when the count reaches it: drop it.
                let seen = &mut self.seen[candidate.index()];
                if *seen == generation {
                    continue;
                }
                *seen = generation;
            }
            self.key.push(candidate.0);
        }
        if last_marked == 0 {
            ExhaustionCause::Blank
        } else {
            ExhaustionCause::NoMoreChoices
        }
    }

    /// The contest's candidates.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// The rules ballots are reduced and counted by.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// How many ballots were added.
    pub fn ballots(&self) -> u64 {
        self.ballots
    }

    /// How many distinct reduced ballots there are.
    pub fn distinct_ballots(&self) -> usize {
        self.packed_counts.len() + self.long_counts.len()
    }

    /// The reduced ballots: each distinct candidate sequence, why it exhausts, and how many
    /// ballots reduce to it, sorted by sequence.
    pub fn reduced(&self) -> Vec<(Vec<CandidateId>, ExhaustionCause, u64)> {
        let prepared = self.prepare();
        let mut reduced: Vec<_> = prepared
            .groups
            .iter()
            .zip(&prepared.counts)
            .map(|(group, &count)| {
                let sequence = prepared
                    .sequence(group)
                    .iter()
                    .map(|&c| CandidateId(c))
                    .collect();
                (sequence, group.cause, count)
            })
            .collect();
        reduced.sort();
        reduced
    }

    /// Counts the ballots by instant-runoff voting (one winner); see the
    /// [module docs](super) for the method.
    pub fn instant_runoff(&self) -> Result<Tabulation, CountError> {
        count::tabulate(self, Method::InstantRunoff, 1)
    }

    /// Counts the ballots by single transferable vote for `seats` seats; see the
    /// [module docs](super) for the method.
    pub fn single_transferable_vote(&self, seats: u32) -> Result<Tabulation, CountError> {
        count::tabulate(self, Method::SingleTransferableVote, seats)
    }
}

/// The multiply-rotate hash of rustc (`FxHasher`): fast on short keys, deterministic (no
/// random seed), and good enough for candidate sequences, which are not chosen by an attacker
/// who sees the table.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    // Integer keys in one step each, not through `write`'s byte chunks.
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(rules: &Rules, ranks: &[&[&str]]) -> (Vec<String>, ExhaustionCause) {
        let candidates = Candidates::new(["A", "B", "C", "D"]).unwrap();
        let mut pool = BallotPool::new(&candidates, rules);
        pool.push(&RankedBallot::from_names(&candidates, ranks).unwrap())
            .unwrap();
        let (sequence, cause, count) = pool.reduced().into_iter().next().unwrap();
        assert_eq!(count, 1);
        let names = sequence
            .into_iter()
            .map(|c| candidates.name(c).to_owned())
            .collect();
        (names, cause)
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn overvotes_exhaust_or_are_skipped() {
        let ballot: &[&[&str]] = &[&["A"], &["B", "C"], &["D"]];
        let exhaust = Rules::default();
        assert_eq!(
            reduce(&exhaust, ballot),
            (names(&["A"]), ExhaustionCause::Overvote)
        );
        let skip = Rules {
            overvote: OvervoteRule::SkipRank,
            ..Rules::default()
        };
        assert_eq!(
            reduce(&skip, ballot),
            (names(&["A", "D"]), ExhaustionCause::NoMoreChoices)
        );
        // A candidate of a skipped overvote may still count later.
        assert_eq!(
            reduce(&skip, &[&["A", "B"], &["B"]]),
            (names(&["B"]), ExhaustionCause::NoMoreChoices)
        );
    }

    #[test]
    fn skipped_ranks_exhaust_beyond_the_allowed_gap() {
        let ballot: &[&[&str]] = &[&[], &["A"], &[], &[], &["B"]];
        let one = Rules {
            max_skipped_ranks: Some(1),
            ..Rules::default()
        };
        assert_eq!(
            reduce(&one, ballot),
            (names(&["A"]), ExhaustionCause::SkippedRanks)
        );
        let none = Rules {
            max_skipped_ranks: Some(0),
            ..Rules::default()
        };
        assert_eq!(
            reduce(&none, ballot),
            (names(&[]), ExhaustionCause::SkippedRanks)
        );
        assert_eq!(
            reduce(&Rules::default(), ballot),
            (names(&["A", "B"]), ExhaustionCause::NoMoreChoices)
        );
    }

    #[test]
    fn repeated_candidates_are_dropped_or_exhaust() {
        let ballot: &[&[&str]] = &[&["A"], &["B"], &["A"], &["C"]];
        assert_eq!(
            reduce(&Rules::default(), ballot),
            (names(&["A", "B", "C"]), ExhaustionCause::NoMoreChoices)
        );
        let exhaust = Rules {
            exhaust_on_repeated_candidate: true,
            ..Rules::default()
        };
        assert_eq!(
            reduce(&exhaust, ballot),
            (names(&["A", "B"]), ExhaustionCause::RepeatedCandidate)
        );
        // Repeats are checked before overvotes, and overvoted marks count as seen.
        let both = Rules {
            exhaust_on_repeated_candidate: true,
            overvote: OvervoteRule::SkipRank,
            ..Rules::default()
        };
        assert_eq!(
            reduce(&both, &[&["A", "B"], &["B"]]),
            (names(&[]), ExhaustionCause::RepeatedCandidate)
        );
    }

    #[test]
    fn a_repeat_counts_as_marked_for_the_skipped_rank_rule() {
        // Rank 2 repeats A; the gap from rank 2 to rank 4 is one skipped rank, allowed.
        let rules = Rules {
            max_skipped_ranks: Some(1),
            ..Rules::default()
        };
        assert_eq!(
            reduce(&rules, &[&["A"], &["A"], &[], &["B"]]),
            (names(&["A", "B"]), ExhaustionCause::NoMoreChoices)
        );
    }

    #[test]
    fn max_ranks_limits_what_is_read() {
        let rules = Rules {
            max_ranks: Some(2),
            ..Rules::default()
        };
        assert_eq!(
            reduce(&rules, &[&["A"], &["B"], &["C"]]),
            (names(&["A", "B"]), ExhaustionCause::NoMoreChoices)
        );
        assert_eq!(
            reduce(&rules, &[&[], &[], &["C"]]),
            (names(&[]), ExhaustionCause::Blank)
        );
    }

    #[test]
    fn long_reductions_are_grouped_too() {
        // 4000 candidates need 12 bits each: 6 of them no longer pack into 64 bits.
        let candidates = Candidates::new((0..4000).map(|i| format!("C{i}"))).unwrap();
        let mut pool = BallotPool::new(&candidates, &Rules::default());
        let ids: Vec<CandidateId> = candidates.ids().collect();
        let long = RankedBallot::from_ranking(&ids[..6]).unwrap();
        let longer = RankedBallot::from_ranking(&ids[..7]).unwrap();
        let short = RankedBallot::from_ranking(&ids[3995..]).unwrap();
        for ballot in [&long, &short, &longer, &long, &short, &long] {
            pool.push(ballot).unwrap();
        }
        let counts: Vec<(usize, u64)> = pool
            .reduced()
            .into_iter()
            .map(|(sequence, _, count)| (sequence.len(), count))
            .collect();
        assert_eq!(counts, [(6, 3), (7, 1), (5, 2)]);
        assert!(pool.packed_counts.len() == 1 && pool.long_counts.len() == 2);
    }

    #[test]
    fn identical_reductions_are_grouped() {
        let candidates = Candidates::new(["A", "B"]).unwrap();
        let mut pool = BallotPool::new(&candidates, &Rules::default());
        let a = candidates.id("A").unwrap();
        let b = candidates.id("B").unwrap();
        for ranking in [vec![a, b], vec![a, b, a], vec![a], vec![a, b]] {
            pool.push(&RankedBallot::from_ranking(&ranking).unwrap())
                .unwrap();
        }
        assert_eq!(
            pool.reduced(),
            [
                (vec![a], ExhaustionCause::NoMoreChoices, 1),
                (vec![a, b], ExhaustionCause::NoMoreChoices, 3)
            ]
        );
        let other = Candidates::new(["A", "B", "C"]).unwrap();
        let c = other.id("C").unwrap();
        assert_eq!(
            pool.push(&RankedBallot::from_ranking(&[c]).unwrap()),
            Err(ForeignCandidate { index: 2, count: 2 })
        );
        assert_eq!(pool.ballots(), 4);
    }
}
