//! # baraza-ranked
//!
//! Ranked-choice counting from [Baraza](https://github.com/baraza-civic/baraza), on its own: no
//! polls, no web types, no I/O beyond the `io::Read` you hand it. `baraza-core` re-exports this
//! crate as `baraza_core::ranked`.
//!
//! Ranked-choice voting: instant-runoff (one winner) and single transferable vote (several),
//! counted round by round as RCTab counts them.
//!
//! # From ballots to results
//!
//! * [`Candidates`]: the official list, in order; one entry may be the *undeclared write-ins*
//!   pseudo-candidate.
//! * [`RankedBallot`]: a ballot as cast: ranks holding zero, one or several marks, so skipped
//!   ranks, overvotes and repeated candidates are kept as they are. Built from ids
//!   ([`RankedBallot::from_ranks`]), from names checked against the list
//!   ([`RankedBallot::from_names`]), read from CSV ([`read_csv_ballots`],
//!   [`read_csv_contest`], or straight into a pool with [`read_csv_pool`] and
//!   [`read_csv_contest_pool`]; each with a `parse_csv_*` twin taking the file's bytes; format
//!   in [`CsvOptions`]), or read from a NIST SP 1500-103 cast vote record report
//!   ([`cdf_contest`] on a [`CastVoteRecordReport`]).
//! * [`Rules`]: what overvotes, skipped ranks and repeats mean, the quota, the decimal places of
//!   surplus arithmetic, batch elimination, tie-breaking.
//! * [`instant_runoff`] and [`single_transferable_vote`] count a slice of ballots;
//!   [`BallotPool`] does the same one ballot at a time, keeping only distinct ballots.
//! * [`Tabulation`]: every [`Round`] (votes per candidate, threshold, exhausted votes by cause,
//!   transfers, who was elected or eliminated and how any tie was broken) and the winners in
//!   order of election.
//!
//! ```
//! use baraza_ranked::{Candidates, CsvOptions, Rules, instant_runoff, read_csv_ballots};
//! // The Tennessee capital example (Wikipedia, "Instant-runoff voting"), per 100 voters.
//! let candidates = Candidates::new(["Memphis", "Nashville", "Chattanooga", "Knoxville"])?;
//! let mut csv = String::new();
//! for (voters, ranking) in [(42, "Memphis,Nashville,Chattanooga,Knoxville"),
//!                           (26, "Nashville,Chattanooga,Knoxville,Memphis"),
//!                           (15, "Chattanooga,Knoxville,Nashville,Memphis"),
//!                           (17, "Knoxville,Chattanooga,Nashville,Memphis")] {
//!     for _ in 0..voters { csv.push_str(ranking); csv.push('\n'); }
//! }
//! let ballots = read_csv_ballots(csv.as_bytes(), &candidates, &CsvOptions::default())?;
//! let count = instant_runoff(&candidates, &ballots, &Rules::default())?;
//! let first_round: Vec<String> = count.rounds()[0].tallies.iter()
//!     .map(|t| format!("{} {}", count.name(t.candidate), t.votes)).collect();
//! assert_eq!(first_round, ["Memphis 42", "Nashville 26", "Chattanooga 15", "Knoxville 17"]);
//! assert_eq!(count.rounds().len(), 3);
//! assert_eq!(count.name(count.winner().unwrap()), "Knoxville");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Ballot rules
//!
//! Before counting, each ballot is reduced to the candidates it can count for, reading at most
//! [`Rules::max_ranks`] ranks and checking each marked rank in RCTab's order:
//!
//! 1. **skipped ranks**: a gap of more than [`Rules::max_skipped_ranks`] empty ranks before a
//!    mark (a gap before the first mark counts) exhausts the ballot there;
//! 2. **repeated candidate**: with [`Rules::exhaust_on_repeated_candidate`] a candidate already
//!    met exhausts the ballot there; otherwise later repeats are dropped (when the count reaches
//!    one, that candidate is out anyway);
//! 3. **overvote**: several marks at one rank exhaust the ballot there
//!    ([`OvervoteRule::Exhaust`]) or the rank is ignored ([`OvervoteRule::SkipRank`]).
//!
//! Each exhausted ballot is reported under its [`ExhaustionCause`]; a ballot with no mark is
//! [`ExhaustionCause::Blank`]. Blank ballots, and ballots whose first marked rank already
//! exhausts them, count for nobody from round 1 and take no part in any threshold.
//!
//! # Instant-runoff voting
//!
//! Each round, every ballot counts for its highest-ranked *continuing* candidate (neither
//! elected nor eliminated). The threshold is a majority of the votes for continuing candidates
//! in that round, `floor(A / 2) + 1`, so exhausted ballots do not count against anyone:
//!
//! 1. a candidate with at least the threshold wins;
//! 2. when only one candidate continues, it wins; when two continue and neither has the
//!    threshold (they are tied), the tie-break elects one;
//! 3. otherwise candidates are eliminated: the undeclared write-ins first, alone, if they hold
//!    votes; else, with [`Rules::batch_elimination`], every candidate who cannot catch up; else
//!    the candidate with the fewest votes, ties broken by [`Rules::tie_break`]. Their ballots
//!    move to their next continuing choice in the next round.
//!
//! All arithmetic is in whole ballots. This is Hare's method of the single winner as counted by
//! RCTab's `singleWinnerMajority` and Minneapolis Code of Ordinances § 167.60.
//!
//! # Single transferable vote
//!
//! Several seats, by the **weighted inclusive Gregory method** (WIGM) with truncation, as RCTab
//! (`multiWinnerAllowMultipleWinnersPerRound`) and Minneapolis § 167.70 count it:
//!
//! 1. The quota ([`Quota`]: whole or fractional Droop, or Hare) is computed once, from the votes
//!    for continuing candidates in round 1.
//! 2. Each round, if no more candidates continue than seats remain open, all of them are elected
//!    (in official order). Otherwise every candidate with at least the quota is elected, most
//!    votes first (only the first with [`Rules::one_winner_per_round`], ties by the tie-break).
//!    Nobody is elected while the undeclared write-ins hold votes.
//! 3. An elected candidate with `T` votes above the quota `Q` has the surplus fraction
//!    `f = trunc_d((T - Q) / T)`, `d` = [`Rules::decimal_places`]. *Every* ballot counting for
//!    them (inclusive: not only the last parcel received) moves on to its next continuing
//!    choice with the value `trunc_d(v × f)`, `v` its current value; the candidate keeps the
//!    rest and is shown with exactly `Q` in later rounds. What truncation leaves over is the
//!    *residual surplus* ([`Round::residual_surplus`]). The surpluses of all candidates elected
//!    in a round move together, in the next round.
//! 4. In a round where nobody is elected, the candidate with the fewest votes is eliminated
//!    (write-ins first, as above; no batch elimination, which RCTab refuses for several seats)
//!    and their ballots move on at their current value.
//! 5. Once every seat is filled, one last round shows the surplus of the last candidates
//!    elected, which now has nowhere to go ([`Round::final_surplus`]), as RCTab reports it.
//!
//! Vote values are exact fixed-point integers ([`Votes`]: units of `10^-d`, products in
//! `u128`); no floating point is involved. Within one round, candidates elected by the quota are
//! listed (and counted as elected) with the most votes first; RCTab lists them the other way
//! round, which changes nothing in any tally.
//!
//! ## End of the count
//!
//! A count refuses more seats than declared candidates ([`CountError`]), so it elects exactly
//! `seats` winners — except in one corner: the undeclared write-ins pseudo-candidate never
//! wins, so if it outlasts declared candidates with no votes (it takes part in elimination
//! like any candidate once it has none), the count ends with a seat unfilled.
//!
//! # Tie-breaking
//!
//! [`TieBreak`] decides between candidates tied for elimination (the lowest tally) or for
//! election (one winner per round, or the last two in a single-winner count): by the official
//! candidate order, by previous-round tallies, or by a lot drawn from a published seed with
//! RCTab's generator. Each tie broken is recorded in [`Round::tie_breaks`].
//!
//! # Conformance and performance
//!
//! `tests/ranked_conformance.rs` recounts the RCTab regression cases kept outside the repository
//! (Minneapolis 2013 and 2017 mayor, Minneapolis 2013 park board with Droop and Hare quotas,
//! Portland 2015 with two tie-breaks, and the overvote, skipped-rank, repeat and fractional
//! surplus test sets) and checks every tally of every round, every election and elimination,
//! and the winners in order. Worked examples from the literature are in
//! `test_data/ranked/` (sources in its README). Counting touches each distinct ballot once per
//! transfer; `benches/ranked.rs` counts a million ballots over 8 candidates.
//!
//! Reading is built for large files: the CSV reader walks the bytes once, interns each
//! candidate name once (a packed-integer cache in front of a hash map), assembles each ballot in
//! reused buffers, and the pool forms group identical ballots as 64-bit keys before any
//! counting rule is applied, so nothing is allocated per field or per line.
//! `benches/ranked_files.rs` reads and counts a 24 MB file of a million ballots end to end
//! (figures in BENCHMARKS.md). It runs on one thread: splitting the file between threads would
//! halve the time again, but one thread already reads at over 200 MB/s.
//!
//! # References
//!
//! * RCTab (Ranked Choice Voting Universal Tabulator) 2.0, Bright Spots,
//!   <https://github.com/BrightSpots/rcv>: `Tabulator.java` (`identifyWinners`,
//!   `runBatchElimination`, `setWinningThreshold`, `updateWinnerTallies`) and `Tiebreak.java`.
//! * Minneapolis Code of Ordinances, Title 8.5, Chapter 167 (Ranked-choice voting): § 167.20
//!   (threshold `floor(votes / (seats + 1)) + 1`; surplus fraction and transfer value computed
//!   to four decimal places, remainder ignored), § 167.60 (single-seat tabulation, batch
//!   elimination), § 167.70 (multiple-seat tabulation).
//! * H. R. Droop, "On methods of electing representatives", *Journal of the Statistical Society
//!   of London* 44 (1881) 141–202 (the Droop quota).
//! * The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
//!   45–52: the weighted inclusive Gregory method in statute, truncated to five places.
//! * N. Tideman, "The single transferable vote", *Journal of Economic Perspectives* 9 (1995)
//!   27–38 (Gregory, inclusive and weighted transfers compared).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ballot;
mod candidate;
mod cdf;
mod code;
mod count;
mod csv_ballots;
mod pool;
mod rules;
#[cfg(feature = "schema")]
mod schema;
mod votes;

pub use ballot::{MAX_RANKS, RankedBallot, RankedBallotError, RankedBallotErrors, Ranks};
pub use candidate::{
    CandidateId, Candidates, CandidatesError, CandidatesErrors, CandidatesSpec, MAX_CANDIDATES,
};
pub use cdf::{
    CastVoteRecordReport, CdfContest, CdfError, CdfErrors, UNDECLARED_WRITE_INS, cdf_contest,
};
pub use code::ErrorCode;
pub use count::{
    CandidateTally, CountError, Exhausted, Method, Round, Standing, Tabulation, TieBreakRecord,
    TieDecider, TieKind, Transfer, TransferTarget,
};
pub use csv_ballots::{
    CsvContest, CsvError, CsvErrors, CsvOptions, parse_csv_ballots, parse_csv_contest,
    parse_csv_contest_pool, parse_csv_pool, read_csv_ballots, read_csv_contest,
    read_csv_contest_pool, read_csv_pool,
};
pub use pool::{BallotPool, ExhaustionCause, ForeignCandidate};
pub use rules::{DecimalPlaces, DecimalPlacesError, OvervoteRule, Quota, Rules, TieBreak};
pub use votes::{MAX_DECIMAL_PLACES, Votes};

/// Counts `ballots` by instant-runoff voting (one winner); see the [module docs](self).
///
/// # Errors
/// [`CountError::ForeignCandidate`] when a ballot was built against another candidate list.
pub fn instant_runoff<'a>(
    candidates: &Candidates,
    ballots: impl IntoIterator<Item = &'a RankedBallot>,
    rules: &Rules,
) -> Result<Tabulation, CountError> {
    pool_of(candidates, ballots, rules)?.instant_runoff()
}

/// Counts `ballots` by single transferable vote for `seats` seats; see the
/// [module docs](self).
///
/// ```
/// use baraza_ranked::{Candidates, RankedBallot, Rules, single_transferable_vote};
/// let candidates = Candidates::new(["A", "B", "C"])?;
/// let ballot = |names: &[&str]| {
///     let ranks: Vec<[&str; 1]> = names.iter().map(|n| [*n]).collect();
///     RankedBallot::from_names(&candidates, &ranks)
/// };
/// let mut ballots = vec![ballot(&["A", "B"])?; 6];
/// ballots.extend(vec![ballot(&["C"])?; 3]);
/// // 9 votes, 2 seats: Droop quota floor(9 / 3) + 1 = 4. A's surplus of 2 goes to B.
/// let count = single_transferable_vote(&candidates, &ballots, 2, &Rules::default())?;
/// let b = candidates.id("B").unwrap();
/// assert_eq!(count.rounds()[1].votes(b).unwrap().to_string(), "1.9998");
/// let winners: Vec<&str> = count.winners().iter().map(|&c| count.name(c)).collect();
/// assert_eq!(winners, ["A", "C"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`CountError`] when `seats` is 0 or above the number of declared candidates, when batch
/// elimination is asked for, or when a ballot was built against another candidate list.
pub fn single_transferable_vote<'a>(
    candidates: &Candidates,
    ballots: impl IntoIterator<Item = &'a RankedBallot>,
    seats: u32,
    rules: &Rules,
) -> Result<Tabulation, CountError> {
    pool_of(candidates, ballots, rules)?.single_transferable_vote(seats)
}

fn pool_of<'a>(
    candidates: &Candidates,
    ballots: impl IntoIterator<Item = &'a RankedBallot>,
    rules: &Rules,
) -> Result<BallotPool, CountError> {
    let mut pool = BallotPool::new(candidates, rules);
    for (index, ballot) in ballots.into_iter().enumerate() {
        pool.push(ballot)
            .map_err(|source| CountError::ForeignCandidate {
                ballot: index as u64,
                source,
            })?;
    }
    Ok(pool)
}
