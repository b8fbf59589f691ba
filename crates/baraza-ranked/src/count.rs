//! The round-by-round count shared by instant-runoff and STV.

use serde::Serialize;

use crate::code::ErrorCode;

use super::candidate::{CandidateId, Candidates};
use super::pool::{BallotPool, ExhaustionCause, Prepared};
use super::rules::{Quota, TieBreak};
use super::votes::{Votes, scale};

/// Which method produced a [`Tabulation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Instant-runoff voting: one winner, by majority of the continuing votes.
    InstantRunoff,
    /// Single transferable vote: several winners, by quota, with surplus transfers.
    SingleTransferableVote,
}

/// The complete result of a count: every round, and the winners in order of election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tabulation {
    method: Method,
    seats: u32,
    candidates: Candidates,
    ballots: u64,
    decimal_places: u8,
    rounds: Vec<Round>,
    winners: Vec<CandidateId>,
}

impl Tabulation {
    /// The counting method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Seats filled (1 for instant-runoff).
    pub fn seats(&self) -> u32 {
        self.seats
    }

    /// The contest's candidates, to turn ids into names.
    pub fn candidates(&self) -> &Candidates {
        &self.candidates
    }

    /// Every ballot counted, blank and exhausted ones included.
    pub fn ballots(&self) -> u64 {
        self.ballots
    }

    /// Decimal places of the vote arithmetic (0 for instant-runoff).
    pub fn decimal_places(&self) -> u8 {
        self.decimal_places
    }

    /// The rounds, first to last.
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }

    /// The last round.
    pub fn final_round(&self) -> &Round {
        // A count always has at least one round.
        &self.rounds[self.rounds.len() - 1]
    }

    /// The winners in order of election: exactly `seats` of them (see [`CountError`] for what
    /// is refused up front), except in the one corner documented in the
    /// [module docs](super#end-of-the-count).
    pub fn winners(&self) -> &[CandidateId] {
        &self.winners
    }

    /// The instant-runoff winner (the first elected, for STV).
    pub fn winner(&self) -> Option<CandidateId> {
        self.winners.first().copied()
    }

    /// A candidate's name.
    pub fn name(&self, candidate: CandidateId) -> &str {
        self.candidates.name(candidate)
    }
}

/// One round of a count.
///
/// `tallies` are the votes at the start of the round, after the transfers decided in the
/// previous round. `elected`, `eliminated` and `transfers` are what this round decided: the
/// transfers show where the votes of the candidates elected (their surplus) or eliminated in this
/// round went; they take effect in the next round (RCTab reports them the same way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Round {
    /// 1 for the first round.
    pub number: u32,
    /// Every candidate still in the count: continuing candidates and those elected in earlier
    /// rounds (shown, as in RCTab, with the votes they keep: the quota once their surplus is
    /// transferred). Candidates eliminated in earlier rounds are left out. In official order.
    pub tallies: Vec<CandidateTally>,
    /// The votes needed to win: for instant-runoff a majority of the continuing votes,
    /// `floor(A / 2) + 1`, recomputed every round; for STV the quota, fixed in round 1.
    pub threshold: Votes,
    /// Votes of exhausted ballots so far, by cause.
    pub exhausted: Exhausted,
    /// STV: votes lost to truncation so far, the part of the elected candidates' surpluses that
    /// truncation to [`Rules::decimal_places`](super::Rules::decimal_places) left untransferred
    /// (RCTab's "residual surplus").
    pub residual_surplus: Votes,
    /// STV, last round only: the surplus of the candidates elected in the round before, which
    /// has nowhere to go once every seat is filled (RCTab's "final round surplus").
    pub final_surplus: Votes,
    /// Candidates elected in this round, in order of election.
    pub elected: Vec<CandidateId>,
    /// Candidates eliminated in this round (several under batch elimination).
    pub eliminated: Vec<CandidateId>,
    /// Where the votes of this round's elected (surplus) and eliminated candidates went.
    pub transfers: Vec<Transfer>,
    /// The ties broken in this round, in the order they were broken (usually none, at most
    /// one per candidate elected or eliminated).
    pub tie_breaks: Vec<TieBreakRecord>,
}

impl Round {
    /// The votes of `candidate` in this round, if it is still in the count.
    pub fn votes(&self, candidate: CandidateId) -> Option<Votes> {
        self.tallies
            .iter()
            .find(|t| t.candidate == candidate)
            .map(|t| t.votes)
    }

    /// The votes of the continuing candidates (not those elected earlier): RCTab's active
    /// votes.
    pub fn continuing_votes(&self) -> Votes {
        let places = self.threshold.decimal_places();
        let units = self
            .tallies
            .iter()
            .filter(|t| t.standing == Standing::Continuing)
            .map(|t| t.votes.units())
            .sum();
        Votes::from_units(units, places).unwrap_or(Votes::ZERO)
    }

    /// Every vote accounted for: all tallies, exhausted votes, residual and final surplus. It
    /// equals the number of ballots counted, in every round.
    pub fn accounted_votes(&self) -> Votes {
        let places = self.threshold.decimal_places();
        let units = self.tallies.iter().map(|t| t.votes.units()).sum::<u64>()
            + self.exhausted.total().units()
            + self.residual_surplus.units()
            + self.final_surplus.units();
        Votes::from_units(units, places).unwrap_or(Votes::ZERO)
    }
}

/// A candidate's votes in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CandidateTally {
    /// The candidate.
    pub candidate: CandidateId,
    /// Their votes.
    pub votes: Votes,
    /// Whether they are still competing or were elected in an earlier round.
    pub standing: Standing,
}

/// Where a candidate listed in a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Neither elected nor eliminated before this round.
    Continuing,
    /// Elected in an earlier round.
    Elected,
}

/// Exhausted votes by cause (cumulative). For instant-runoff each is a number of ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Exhausted {
    /// Blank ballots.
    pub blank: Votes,
    /// Ballots whose ranked candidates are all elected or eliminated.
    pub no_more_choices: Votes,
    /// Ballots that reached an overvote under the exhausting rule.
    pub overvote: Votes,
    /// Ballots that reached too long a gap of skipped ranks.
    pub skipped_ranks: Votes,
    /// Ballots that reached a repeated candidate under the exhausting rule.
    pub repeated_candidate: Votes,
}

impl Exhausted {
    /// The votes exhausted for `cause`.
    pub fn by_cause(&self, cause: ExhaustionCause) -> Votes {
        match cause {
            ExhaustionCause::Blank => self.blank,
            ExhaustionCause::NoMoreChoices => self.no_more_choices,
            ExhaustionCause::Overvote => self.overvote,
            ExhaustionCause::SkippedRanks => self.skipped_ranks,
            ExhaustionCause::RepeatedCandidate => self.repeated_candidate,
        }
    }

    /// All exhausted votes.
    pub fn total(&self) -> Votes {
        let units = ExhaustionCause::ALL
            .iter()
            .map(|&cause| self.by_cause(cause).units())
            .sum();
        Votes::from_units(units, self.blank.decimal_places()).unwrap_or(Votes::ZERO)
    }
}

/// Votes moving from an elected or eliminated candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Transfer {
    /// The candidate the votes leave.
    pub from: CandidateId,
    /// Where they go.
    pub to: TransferTarget,
    /// How many.
    pub votes: Votes,
}

/// Where transferred votes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransferTarget {
    /// To a continuing candidate.
    Candidate(CandidateId),
    /// Nowhere: the ballots are exhausted, for this cause.
    Exhausted(ExhaustionCause),
    /// Lost to truncation (STV residual surplus).
    ResidualSurplus,
    /// Nowhere, because every seat is filled (STV final surplus).
    FinalSurplus,
}

/// How a tie was broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TieBreakRecord {
    /// Whether the tie was for election (most votes) or elimination (fewest).
    pub kind: TieKind,
    /// The tied candidates, in official order.
    pub tied: Vec<CandidateId>,
    /// The one elected or eliminated.
    pub chosen: CandidateId,
    /// What decided it.
    pub decided_by: TieDecider,
}

/// What a tie was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TieKind {
    /// Choosing whom to elect.
    Election,
    /// Choosing whom to eliminate.
    Elimination,
}

/// What broke a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TieDecider {
    /// The tallies of this earlier round.
    PreviousRound(u32),
    /// The official candidate order.
    CandidateOrder,
    /// The seeded draw.
    Lot,
}

/// Why a count cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CountError {
    /// STV needs at least one seat.
    #[error("seats must be at least 1")]
    NoSeats,
    /// More seats than declared candidates.
    #[error("{seats} seats cannot be filled from {candidates} declared candidate(s)")]
    MoreSeatsThanCandidates {
        /// Seats asked for.
        seats: u32,
        /// Declared candidates (the undeclared write-ins do not count).
        candidates: usize,
    },
    /// Batch elimination with several seats (RCTab refuses this too: it could eliminate a
    /// candidate a surplus would have elected).
    #[error("batch_elimination applies to single-winner counts only, not to {seats} seats")]
    BatchEliminationWithSeveralSeats {
        /// Seats asked for.
        seats: u32,
    },
    /// A ballot marks a candidate the contest does not have.
    #[error("ballot {ballot}: {source}")]
    ForeignCandidate {
        /// 0-based position of the ballot in the input.
        ballot: u64,
        /// The problem.
        source: super::pool::ForeignCandidate,
    },
}

impl CountError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::ForeignCandidate { .. } => ErrorCode::UnknownCandidate,
            Self::NoSeats
            | Self::MoreSeatsThanCandidates { .. }
            | Self::BatchEliminationWithSeveralSeats { .. } => ErrorCode::InvalidCountRules,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Continuing,
    Elected,
    Eliminated,
}

/// What a round decided, applied at the start of the next one.
#[derive(Debug, Default)]
struct Pending {
    eliminated: Vec<CandidateId>,
    /// Elected candidates with their surplus fraction, in units of `10^-d`.
    elected: Vec<(CandidateId, u64)>,
    /// Whether every seat is now filled: surpluses go nowhere.
    final_round: bool,
}

/// The state of a count in progress.
struct Counter<'a> {
    pool: &'a BallotPool,
    ballots: Prepared,
    method: Method,
    seats: u32,
    places: u8,
    /// Units per whole vote.
    one: u64,
    status: Vec<Status>,
    /// Votes per candidate, in units.
    tally: Vec<u64>,
    /// Groups (distinct ballots) counting for each candidate.
    piles: Vec<Vec<u32>>,
    /// Position in `ballots.preferences` of the candidate each group counts for.
    position: Vec<u32>,
    /// Value of one ballot of each group, in units.
    value: Vec<u64>,
    exhausted: [u64; 5],
    residual: u64,
    final_surplus: u64,
    /// Tallies of every finished round, per candidate (for previous-round tie-breaks).
    history: Vec<Vec<u64>>,
    random: Option<JavaRandom>,
    winners: Vec<CandidateId>,
    rounds: Vec<Round>,
    /// Per-source transfer sums of the round being applied: candidates, then exhaustion
    /// causes, residual and final surplus.
    transfer_sums: Vec<u64>,
}

const TARGET_RESIDUAL: usize = 5;
const TARGET_FINAL: usize = 6;

pub(crate) fn tabulate(
    pool: &BallotPool,
    method: Method,
    seats: u32,
) -> Result<Tabulation, CountError> {
    let candidates = pool.candidates();
    let rules = pool.rules();
    if seats == 0 {
        return Err(CountError::NoSeats);
    }
    if seats as usize > candidates.declared_count() {
        return Err(CountError::MoreSeatsThanCandidates {
            seats,
            candidates: candidates.declared_count(),
        });
    }
    if method == Method::SingleTransferableVote && rules.batch_elimination {
        return Err(CountError::BatchEliminationWithSeveralSeats { seats });
    }
    let places = match method {
        Method::InstantRunoff => 0,
        Method::SingleTransferableVote => rules.decimal_places.get(),
    };
    let n = candidates.count();
    let ballots = pool.prepare();
    let groups = ballots.groups.len();
    let random = match rules.tie_break {
        TieBreak::Random { seed } | TieBreak::PreviousRoundsThenRandom { seed } => {
            Some(JavaRandom::new(seed))
        }
        TieBreak::CandidateOrder | TieBreak::PreviousRoundsThenCandidateOrder => None,
    };
    let mut counter = Counter {
        pool,
        ballots,
        method,
        seats,
        places,
        one: scale(places),
        status: vec![Status::Continuing; n],
        tally: vec![0; n],
        piles: vec![Vec::new(); n],
        position: vec![0; groups],
        value: vec![scale(places); groups],
        exhausted: [0; 5],
        residual: 0,
        final_surplus: 0,
        history: Vec::new(),
        random,
        winners: Vec::new(),
        rounds: Vec::new(),
        transfer_sums: vec![0; n + 7],
    };
    counter.run();
    Ok(Tabulation {
        method,
        seats,
        candidates: candidates.clone(),
        ballots: pool.ballots(),
        decimal_places: places,
        rounds: counter.rounds,
        winners: counter.winners,
    })
}

impl Counter<'_> {
    fn votes(&self, units: u64) -> Votes {
        Votes::from_units(units, self.places).unwrap_or(Votes::ZERO)
    }

    fn is_write_ins(&self, candidate: CandidateId) -> bool {
        self.pool.candidates().undeclared_write_ins() == Some(candidate)
    }

    fn continuing(&self) -> Vec<CandidateId> {
        self.pool
            .candidates()
            .ids()
            .filter(|c| self.status[c.index()] == Status::Continuing)
            .collect()
    }

    fn run(&mut self) {
        self.first_allocation();
        let mut pending: Option<Pending> = None;
        let mut threshold = 0_u64;
        loop {
            let final_round = pending.as_ref().is_some_and(|p| p.final_round);
            if let Some(decided) = pending.take() {
                self.apply(&decided, threshold);
            }
            let number = self.rounds.len() as u32 + 1;
            let continuing = self.continuing();
            let active: u64 = continuing.iter().map(|c| self.tally[c.index()]).sum();
            threshold = match self.method {
                Method::InstantRunoff => active / 2 + 1,
                Method::SingleTransferableVote if number == 1 => self.quota(active),
                Method::SingleTransferableVote => threshold,
            };
            let tallies = self.snapshot();
            self.history.push(self.tally.clone());
            let mut round = Round {
                number,
                tallies,
                threshold: self.votes(threshold),
                exhausted: self.exhausted_votes(),
                residual_surplus: self.votes(self.residual),
                final_surplus: self.votes(self.final_surplus),
                elected: Vec::new(),
                eliminated: Vec::new(),
                transfers: Vec::new(),
                tie_breaks: Vec::new(),
            };
            if final_round {
                self.rounds.push(round);
                return;
            }
            let elected = self.elect(&continuing, threshold, &mut round);
            if !elected.is_empty() {
                let mut decided = Pending::default();
                for &winner in &elected {
                    self.status[winner.index()] = Status::Elected;
                    self.winners.push(winner);
                    let votes = self.tally[winner.index()];
                    let fraction = if votes > threshold {
                        // trunc_d((votes - threshold) / votes), in units.
                        (u128::from(votes - threshold) * u128::from(self.one) / u128::from(votes))
                            as u64
                    } else {
                        0
                    };
                    decided.elected.push((winner, fraction));
                }
                round.elected = elected;
                let seats_filled = self.winners.len() == self.seats as usize;
                decided.final_round = seats_filled;
                self.rounds.push(round);
                if seats_filled && self.method == Method::InstantRunoff {
                    return;
                }
                pending = Some(decided);
                continue;
            }
            let eliminated = self.eliminate(&continuing, &mut round);
            if eliminated.is_empty() {
                // Nobody left to elect or eliminate: only reachable when the undeclared
                // write-ins outlast the declared candidates (see the module docs).
                self.rounds.push(round);
                return;
            }
            for &loser in &eliminated {
                self.status[loser.index()] = Status::Eliminated;
            }
            round.eliminated = eliminated.clone();
            self.rounds.push(round);
            pending = Some(Pending {
                eliminated,
                ..Pending::default()
            });
        }
    }

    fn quota(&self, active: u64) -> u64 {
        let seats = u64::from(self.seats);
        let whole = active / self.one;
        match self.pool.rules().quota {
            Quota::DroopWhole => (whole / (seats + 1) + 1) * self.one,
            Quota::DroopFractional => active / (seats + 1) + 1,
            // At least one unit, so that an empty count elects nobody by quota.
            Quota::Hare => (whole.div_ceil(seats) * self.one).max(1),
        }
    }

    fn first_allocation(&mut self) {
        let ballots = &self.ballots;
        for (index, group) in ballots.groups.iter().enumerate() {
            let amount = ballots.counts[index] * self.one;
            self.position[index] = group.start;
            match ballots.sequence(group).first() {
                Some(&first) => {
                    self.piles[usize::from(first)].push(index as u32);
                    self.tally[usize::from(first)] += amount;
                }
                None => self.exhausted[group.cause.index()] += amount,
            }
        }
    }

    fn snapshot(&self) -> Vec<CandidateTally> {
        self.pool
            .candidates()
            .ids()
            .filter_map(|c| {
                let standing = match self.status[c.index()] {
                    Status::Continuing => Standing::Continuing,
                    Status::Elected => Standing::Elected,
                    Status::Eliminated => return None,
                };
                Some(CandidateTally {
                    candidate: c,
                    votes: self.votes(self.tally[c.index()]),
                    standing,
                })
            })
            .collect()
    }

    fn exhausted_votes(&self) -> Exhausted {
        let by = |cause: ExhaustionCause| self.votes(self.exhausted[cause.index()]);
        Exhausted {
            blank: by(ExhaustionCause::Blank),
            no_more_choices: by(ExhaustionCause::NoMoreChoices),
            overvote: by(ExhaustionCause::Overvote),
            skipped_ranks: by(ExhaustionCause::SkippedRanks),
            repeated_candidate: by(ExhaustionCause::RepeatedCandidate),
        }
    }

    /// Who is elected this round, in order of election (RCTab `identifyWinners`).
    fn elect(
        &mut self,
        continuing: &[CandidateId],
        threshold: u64,
        round: &mut Round,
    ) -> Vec<CandidateId> {
        let write_ins_hold_votes = continuing
            .iter()
            .any(|&c| self.is_write_ins(c) && self.tally[c.index()] > 0);
        if write_ins_hold_votes {
            return Vec::new();
        }
        let unfilled = self.seats as usize - self.winners.len();
        let mut winners: Vec<CandidateId> = if continuing.len() <= unfilled {
            // No more candidates than open seats: all of them win, in official order.
            continuing
                .iter()
                .copied()
                .filter(|&c| !self.is_write_ins(c))
                .collect()
        } else {
            let mut reaching: Vec<CandidateId> = continuing
                .iter()
                .copied()
                .filter(|&c| !self.is_write_ins(c) && self.tally[c.index()] >= threshold)
                .collect();
            // Most votes first; equal tallies in official order.
            reaching.sort_by_key(|c| std::cmp::Reverse(self.tally[c.index()]));
            reaching
        };
        let limit = if self.method == Method::SingleTransferableVote
            && self.pool.rules().one_winner_per_round
        {
            1
        } else {
            unfilled
        };
        let last_two = self.method == Method::InstantRunoff
            && winners.is_empty()
            && continuing.len() == 2
            && unfilled == 1;
        if last_two {
            // Neither of the last two has a majority: they are tied, or the write-ins are one
            // of them. The one with more votes wins.
            let declared: Vec<CandidateId> = continuing
                .iter()
                .copied()
                .filter(|&c| !self.is_write_ins(c))
                .collect();
            winners = self.pick_most(declared, 1, round);
        } else if winners.len() > limit {
            winners = self.pick_most(winners, limit, round);
        }
        winners
    }

    /// The `count` candidates of `pool` with the most votes, most first, ties broken.
    fn pick_most(
        &mut self,
        mut pool: Vec<CandidateId>,
        count: usize,
        round: &mut Round,
    ) -> Vec<CandidateId> {
        let mut picked = Vec::with_capacity(count);
        while picked.len() < count {
            let Some(most) = pool.iter().map(|c| self.tally[c.index()]).max() else {
                break;
            };
            let tied: Vec<CandidateId> = pool
                .iter()
                .copied()
                .filter(|c| self.tally[c.index()] == most)
                .collect();
            let chosen = if let [only] = tied.as_slice() {
                *only
            } else {
                let mut tied = tied;
                tied.sort();
                let record = self.break_tie(&tied, TieKind::Election);
                let chosen = record.chosen;
                round.tie_breaks.push(record);
                chosen
            };
            pool.retain(|&c| c != chosen);
            picked.push(chosen);
        }
        picked
    }

    /// Who is eliminated this round (RCTab: undeclared write-ins, then batch, then lowest).
    fn eliminate(&mut self, continuing: &[CandidateId], round: &mut Round) -> Vec<CandidateId> {
        if let Some(&write_ins) = continuing
            .iter()
            .find(|&&c| self.is_write_ins(c) && self.tally[c.index()] > 0)
        {
            return vec![write_ins];
        }
        let mut ascending: Vec<CandidateId> = continuing.to_vec();
        ascending.sort_by_key(|c| self.tally[c.index()]);
        if self.pool.rules().batch_elimination {
            let batch = self.batch(&ascending);
            if batch.len() >= 2 {
                let mut batch = batch;
                batch.sort();
                return batch;
            }
        }
        let Some(lowest) = ascending.first().map(|c| self.tally[c.index()]) else {
            return Vec::new();
        };
        let tied: Vec<CandidateId> = continuing
            .iter()
            .copied()
            .filter(|c| self.tally[c.index()] == lowest)
            .collect();
        if tied.len() == 1 {
            return tied;
        }
        let record = self.break_tie(&tied, TieKind::Elimination);
        let chosen = record.chosen;
        round.tie_breaks.push(record);
        vec![chosen]
    }

    /// The largest group of lowest candidates whose combined votes are below the next higher
    /// tally (RCTab `runBatchElimination`). `ascending` is sorted by tally.
    fn batch(&self, ascending: &[CandidateId]) -> Vec<CandidateId> {
        let mut running = 0_u64;
        let mut batch_len = 0;
        let mut index = 0;
        while index < ascending.len() {
            let votes = self.tally[ascending[index].index()];
            if running < votes {
                batch_len = index;
            }
            // Take every candidate with this tally at once.
            while index < ascending.len() && self.tally[ascending[index].index()] == votes {
                running += votes;
                index += 1;
            }
        }
        ascending[..batch_len].to_vec()
    }

    /// Breaks a tie by the rules' method; `tied` is in official order.
    fn break_tie(&mut self, tied: &[CandidateId], kind: TieKind) -> TieBreakRecord {
        let mut contention: Vec<CandidateId> = tied.to_vec();
        let record = |chosen, decided_by| TieBreakRecord {
            kind,
            tied: tied.to_vec(),
            chosen,
            decided_by,
        };
        let tie_break = self.pool.rules().tie_break;
        if matches!(
            tie_break,
            TieBreak::PreviousRoundsThenCandidateOrder | TieBreak::PreviousRoundsThenRandom { .. }
        ) {
            // `history` ends with the current round: look at the ones before it.
            for earlier in (0..self.history.len().saturating_sub(1)).rev() {
                let tallies = &self.history[earlier];
                let pick = match kind {
                    TieKind::Election => contention.iter().map(|c| tallies[c.index()]).max(),
                    TieKind::Elimination => contention.iter().map(|c| tallies[c.index()]).min(),
                };
                let Some(pick) = pick else { break };
                contention.retain(|c| tallies[c.index()] == pick);
                if let [only] = contention.as_slice() {
                    return record(*only, TieDecider::PreviousRound(earlier as u32 + 1));
                }
            }
        }
        match tie_break {
            TieBreak::CandidateOrder | TieBreak::PreviousRoundsThenCandidateOrder => {
                let chosen = match kind {
                    TieKind::Election => contention.iter().min(),
                    TieKind::Elimination => contention.iter().max(),
                };
                record(*chosen.unwrap_or(&tied[0]), TieDecider::CandidateOrder)
            }
            TieBreak::Random { .. } | TieBreak::PreviousRoundsThenRandom { .. } => {
                let candidates = self.pool.candidates();
                contention.sort_by(|a, b| {
                    candidates
                        .name(*a)
                        .encode_utf16()
                        .cmp(candidates.name(*b).encode_utf16())
                });
                let draw = self.random.as_mut().map_or(0.0, JavaRandom::next_double);
                let index = (draw * contention.len() as f64).floor() as usize;
                record(contention[index.min(contention.len() - 1)], TieDecider::Lot)
            }
        }
    }

    /// Applies the previous round's decisions: moves the ballots of eliminated candidates and
    /// the surplus of elected ones, recording the transfers in that round.
    fn apply(&mut self, decided: &Pending, threshold: u64) {
        let mut transfers = Vec::new();
        for &loser in &decided.eliminated {
            let pile = std::mem::take(&mut self.piles[loser.index()]);
            self.tally[loser.index()] = 0;
            for group in pile {
                self.move_on(group);
            }
            self.drain_transfers(loser, &mut transfers);
        }
        for &(winner, fraction) in &decided.elected {
            let pile = std::mem::take(&mut self.piles[winner.index()]);
            let mut kept = 0_u64;
            let mut stays = Vec::new();
            for group in pile {
                let count = self.ballots.counts[group as usize];
                let value = self.value[group as usize];
                let moving =
                    (u128::from(value) * u128::from(fraction) / u128::from(self.one)) as u64;
                kept += count * (value - moving);
                if moving == 0 {
                    stays.push(group);
                    continue;
                }
                self.value[group as usize] = moving;
                if decided.final_round {
                    self.final_surplus += count * moving;
                    self.transfer_sums[self.pool.candidates().count() + TARGET_FINAL] +=
                        count * moving;
                } else {
                    self.move_on(group);
                }
            }
            self.piles[winner.index()] = stays;
            if kept > threshold {
                self.residual += kept - threshold;
                self.transfer_sums[self.pool.candidates().count() + TARGET_RESIDUAL] +=
                    kept - threshold;
                kept = threshold;
            }
            self.tally[winner.index()] = kept;
            self.drain_transfers(winner, &mut transfers);
        }
        if let Some(previous) = self.rounds.last_mut() {
            previous.transfers = transfers;
        }
    }

    /// Moves a group on to its next continuing candidate, or exhausts it.
    fn move_on(&mut self, group: u32) {
        let ballots = &self.ballots;
        let g = &ballots.groups[group as usize];
        let end = g.start + g.len;
        let amount = ballots.counts[group as usize] * self.value[group as usize];
        let mut at = self.position[group as usize] + 1;
        while at < end
            && self.status[usize::from(ballots.preferences[at as usize])] != Status::Continuing
        {
            at += 1;
        }
        self.position[group as usize] = at;
        if at < end {
            let next = usize::from(ballots.preferences[at as usize]);
            self.piles[next].push(group);
            self.tally[next] += amount;
            self.transfer_sums[next] += amount;
        } else {
            self.exhausted[g.cause.index()] += amount;
            self.transfer_sums[self.pool.candidates().count() + g.cause.index()] += amount;
        }
    }

    fn drain_transfers(&mut self, from: CandidateId, transfers: &mut Vec<Transfer>) {
        let n = self.pool.candidates().count();
        for target in 0..self.transfer_sums.len() {
            let units = std::mem::take(&mut self.transfer_sums[target]);
            if units == 0 {
                continue;
            }
            let to = if target < n {
                TransferTarget::Candidate(CandidateId(target as u16))
            } else if target - n < ExhaustionCause::ALL.len() {
                TransferTarget::Exhausted(ExhaustionCause::ALL[target - n])
            } else if target - n == TARGET_RESIDUAL {
                TransferTarget::ResidualSurplus
            } else {
                TransferTarget::FinalSurplus
            };
            transfers.push(Transfer {
                from,
                to,
                votes: self.votes(units),
            });
        }
    }
}

/// `java.util.Random`, the generator RCTab draws its lots from: a 48-bit linear congruential
/// generator (Knuth, TAOCP vol. 2, § 3.2.1).
#[derive(Debug, Clone)]
struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        Self {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> u64 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.state >> (48 - bits)
    }

    fn next_double(&mut self) -> f64 {
        let high = self.next(26);
        let low = self.next(27);
        ((high << 27) + low) as f64 * (1.0 / (1_u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_matches_the_jdk() {
        // new java.util.Random(42).nextDouble() twice, and new Random(0).nextDouble().
        let mut random = JavaRandom::new(42);
        assert_eq!(random.next_double(), 0.7275636800328681);
        assert_eq!(random.next_double(), 0.6832234717598454);
        assert_eq!(JavaRandom::new(0).next_double(), 0.730967787376657);
    }
}
