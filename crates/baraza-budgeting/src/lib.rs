//! # baraza-budgeting
//!
//! Participatory budgeting from [Baraza](https://github.com/baraza-civic/baraza), on its own:
//! no polls, no web types, no I/O beyond the `io::Read` you hand it. `baraza-core` re-exports
//! this crate as `baraza_core::budgeting`.
//!
//! Participatory budgeting (PB): citizens vote on projects with costs, and a rule decides which
//! projects a fixed budget funds.
//!
//! # The pieces
//!
//! * [`PbInstance`]: the budget, the [`Project`]s (id, name, cost, free-form metadata) and the
//!   [`BallotRules`]: approval ballots (any projects, optionally between `min_selections` and
//!   `max_selections`, optionally capped in total cost) or knapsack ballots (the approved
//!   projects must fit the budget). Built from a [`PbInstanceSpec`] (JSON) with every problem
//!   reported at once. Amounts are exact: whole numbers of minor units, with
//!   [`PbInstance::decimal_places`] saying how many make a currency unit (0 by default; a
//!   pabulib file with costs like `0.9` gets the places it needs); [`Amount`] shows them.
//! * [`PbInstance::validate_ballot`] and [`PbElection::cast`]: ballots are checked (unknown or
//!   repeated project, too few, too many, over the cost limit: each a [`PbBallotError`] with a
//!   stable [`ErrorCode`](crate::ErrorCode)) before they count.
//! * [`PbElection::greedy`] and [`PbElection::equal_shares`]: the two outcome rules below.
//! * [`pabulib`]: reading the `.pb` files of the public PB library <https://pabulib.org>.
//!
//! # Greedy by votes
//!
//! What most cities do: order the projects by number of approvals, most first, and go down the
//! list funding each project that still fits in what is left of the budget, skipping those
//! that do not. Ties in votes are broken by a [`GreedyTieBreak`]: the instance order (the
//! default; for a pabulib file the order of its PROJECTS section), cheaper first, dearer first,
//! or an order the city gives (drawn by lot, say). Projects with fewer than
//! [`GreedyRule::min_votes`] votes (default 1) are never funded. (In pabutools this is
//! `greedy_utilitarian_welfare` with `Cost_Sat`: satisfaction per unit of cost is the vote
//! count.)
//!
//! Greedy is not proportional: a 51 % majority that agrees on enough projects gets the whole
//! budget, and the other 49 % nothing.
//!
//! # The Method of Equal Shares
//!
//! MES (Peters & Skowron 2020, "Proportionality and the Limits of Welfarism", EC '20, where it is
//! "Rule X"; for PB: Peters, Pierczyński & Skowron 2021, "Proportional Participatory Budgeting
//! with Additive Utilities", NeurIPS '21, arXiv:2008.13276; <https://equalshares.net>) divides the
//! budget `B` equally among the `n` voters, so each starts with `b_i = B / n`, and funds a project
//! only with the money of the voters who approve it:
//!
//! 1. For every unfunded project `p` with cost `c_p`, find the smallest `ρ` such that its
//!    supporters can pay for it when each pays `min(b_i, ρ · u_i(p))`:
//!    `Σ_{i approves p} min(b_i, ρ · u_i(p)) = c_p`. A project whose supporters hold less than
//!    `c_p` together cannot be funded (now or later: budgets only shrink).
//! 2. Fund the project with the smallest `ρ` (ties below), charge each supporter
//!    `min(b_i, ρ · u_i(p))`, and repeat; stop when no project can be funded.
//!
//! **Utilities.** Approval ballots say nothing about how much a voter likes a project, and the
//! rule needs a utility `u_i(p)`. This module uses *cost utilities*, `u_i(p) = c_p` when voter
//! `i` approves `p` (and 0 otherwise), as in the cities that adopted MES with approval ballots
//! (Wieliczka's "Green Million", 2023; Świecie) and in equalshares.net's reference
//! implementation.
//! Then `ρ · u_i(p) = ρ · c_p = α`, the most any supporter pays: every supporter pays `α` or,
//! if they have less, all they have, and the rule funds the project with the smallest `α / c_p`
//! (equalshares.net calls `c_p / α` the "effective vote count" and funds the largest). Without
//! any poor supporters `α / c_p = 1 / votes`, so the rule favours the most-approved project
//! regardless of its cost, whereas unit ("cardinality") utilities would favour cheap projects.
//! Projects that cost 0 give no utility, so MES proper leaves them out (as equalshares.net and
//! pabutools do); the greedy fill funds them if anyone voted for them.
//!
//! **Ties** in `ρ` are broken as equalshares.net's reference implementation does: lower cost
//! first, then more votes; the last resort is the instance order (equalshares.net sorts ids).
//! Ties are exact — see the arithmetic below — and they do happen: two projects with the same
//! number of approvals whose supporters all still have enough money tie at `ρ = 1 / votes`.
//!
//! **Completion** ([`MesCompletion`]). MES alone usually leaves money unspent. The default,
//! [`MesCompletion::Add1ThenGreedy`], is:
//!
//! 1. *Add1*, exactly as equalshares.net computes it: run MES with `b_i = B / n`. While some
//!    project MES could fund (cost above 0, at least one vote) is unfunded and fits in the unspent
//!    budget, re-run MES from scratch with every voter's budget raised to the next whole currency
//!    unit — `⌊B / n⌋ + 1`, then `⌊B / n⌋ + 2`, … — and keep the new outcome if it costs at most
//!    `B`; stop at the first raise whose outcome would cost more than `B` (without trying larger
//!    raises; MES is not monotonic in the budget) or once the kept outcome is exhaustive. In
//!    pabutools terms this is `method_of_equal_shares(instance, profile, sat_class=Cost_Sat)`
//!    iterated like its `voter_budget_increment=1` option, except that pabutools steps from
//!    `B / n + 1` rather than `⌊B / n⌋ + 1` (the same when `B / n` is whole).
//! 2. *Greedy fill*: the projects still unfunded, in order of votes (most first, ties in instance
//!    order), each funded if it still fits; projects nobody voted for are left out. (pabutools:
//!    `completion_by_rule_combination` with `greedy_utilitarian_welfare` and `Cost_Sat` second,
//!    which is greedy by votes.)
//!
//! [`MesCompletion::Add1`] stops after step 1, and [`MesCompletion::None`] returns MES with
//! `B / n` alone.
//!
//! **Arithmetic.** Voter budgets are exact rationals. After each funded project the equal share
//! `α = (c_p − paid by the poorer supporters) / (supporters still paying)` brings a new factor
//! into the denominators, so after a few dozen rounds they exceed any fixed-width integer; all
//! budgets are therefore kept as big integers over one common denominator (`num-bigint`), and
//! every comparison — who is poorer than `α`, which `ρ` is smaller, whether a project is
//! affordable — is exact. The outcome is deterministic and the same on every platform, wasm
//! included. [`MesRound`] reports each round's exact `α` and `ρ` as [`Rational`]s.
//!
//! **Cost.** A voter's budget depends only on which funded projects they approve (a voter who
//! could not pay `α` in full paid everything and holds 0), so voters are grouped in classes of
//! equal budget; each class keeps how many of its voters approve each project, so pricing a
//! project is one pass over the classes, poorest first. A project's `ρ` never decreases, so the `ρ` computed in an earlier round is a lower
//! bound and projects that cannot win are not re-priced. Voters with identical ballots are
//! handled as one weighted group. Add1 repeats the whole computation once per currency unit of
//! raise — at most until the per-voter budget reaches the cost of the dearest fundable project,
//! usually far sooner, when the outcome would exceed the budget. On 10,000 voters × 50 projects
//! one MES run takes a few milliseconds; see the `budgeting` benchmark and BENCHMARKS.md.
//!
//! # Example: the 51 % / 49 % split
//!
//! ```
//! use baraza_budgeting::{GreedyRule, MesOptions, PbElection, PbInstance, PbInstanceSpec, ProjectSpec};
//!
//! // 10 "red" and 10 "blue" projects of 100 each, a budget of 1000: 10 projects fit.
//! let ids: Vec<String> = (0..20).map(|i| format!("{}{i}", if i < 10 { "red" } else { "blue" })).collect();
//! let instance = PbInstance::new(PbInstanceSpec {
//!     budget: 1000,
//!     projects: ids.iter().map(|id| ProjectSpec::new(id.clone(), 100)).collect(),
//!     ballot_rules: Default::default(),
//!     decimal_places: 0,
//! })?;
//! let mut election = PbElection::new(instance);
//! for _ in 0..51 { election.cast(&ids[..10])?; } // 51 voters approve every red project
//! for _ in 0..49 { election.cast(&ids[10..])?; } // 49 voters approve every blue project
//!
//! let greedy = election.greedy(&GreedyRule::default())?;
//! assert!(greedy.selected().iter().all(|p| p.as_str().starts_with("red")));
//!
//! let mes = election.equal_shares(&MesOptions::default());
//! let blue = mes.selected().iter().filter(|p| p.as_str().starts_with("blue")).count();
//! assert_eq!((blue, mes.total_cost()), (5, 1000));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ballot;
mod code;
mod greedy;
mod instance;
mod mes;
pub mod pabulib;
#[cfg(feature = "schema")]
mod schema;

pub use ballot::{PbBallot, PbBallotError, PbBallotErrors, PbElection};
pub use code::ErrorCode;
pub use greedy::{GreedyRule, GreedyTieBreak, PbOutcome, TieOrderError};
pub use instance::{
    Amount, BallotKind, BallotRules, MAX_DECIMAL_PLACES, MAX_PROJECT_ID_LEN, PbInstance,
    PbInstanceError, PbInstanceErrors, PbInstanceSpec, Project, ProjectId, ProjectIdError,
    ProjectSpec,
};
pub use mes::{MesCompletion, MesOptions, MesOutcome, MesRound, Rational};
