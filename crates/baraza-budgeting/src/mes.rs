//! The Method of Equal Shares with cost utilities, exact arithmetic and the Add1 completion.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use super::ballot::PbElection;
use super::greedy::{GreedyTieBreak, PbOutcome};
use super::instance::ProjectId;

/// How the outcome of the Method of Equal Shares is completed, since MES on its own usually
/// leaves part of the budget unspent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MesCompletion {
    /// MES with the per-voter budget `budget / voters`, nothing more.
    None,
    /// Add1, as equalshares.net computes it: while some unfunded project that MES could fund
    /// (cost above 0, at least one vote) still fits in the unspent budget, re-run MES with
    /// every voter's budget raised to the next whole currency unit (`⌊budget / voters⌋ + 1`,
    /// then `+ 2`, …; whole units also when amounts have decimal places) and keep the new outcome if its total cost is within the real budget;
    /// stop at the first increment whose outcome would exceed it.
    Add1,
    /// [`Add1`](Self::Add1), then a greedy fill: the remaining projects in order of votes (most
    /// first, ties in instance order), each funded if it still fits; projects nobody voted for
    /// are left out. This is the default and what `example-pb-tally` prints.
    #[default]
    Add1ThenGreedy,
}

/// Settings of [`PbElection::equal_shares`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MesOptions {
    /// The completion rule.
    pub completion: MesCompletion,
}

/// A non-negative rational number, exact, in lowest terms.
///
/// `Display` writes `n` for whole numbers and `n/d` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rational {
    num: BigUint,
    den: BigUint,
}

impl Rational {
    fn new(num: BigUint, den: BigUint) -> Self {
        let g = num.gcd(&den);
        if g.is_zero() || g == BigUint::from(1u8) {
            Self { num, den }
        } else {
            Self {
                num: num / &g,
                den: den / &g,
            }
        }
    }

    /// `num / den`, or `None` when `den` is 0.
    pub fn from_ratio(num: u128, den: u128) -> Option<Self> {
        (den != 0).then(|| Self::new(BigUint::from(num), BigUint::from(den)))
    }

    /// The nearest `f64` (for display and plotting; comparisons should use the exact value).
    pub fn to_f64(&self) -> f64 {
        ratio_to_f64(&self.num, &self.den)
    }

    /// This value divided by `divisor` (not 0).
    fn divided_by(self, divisor: u128) -> Self {
        if divisor == 1 {
            self
        } else {
            Self::new(self.num, self.den * BigUint::from(divisor))
        }
    }

    /// Whether the value is a whole number.
    pub fn is_integer(&self) -> bool {
        self.den == BigUint::from(1u8)
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integer() {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// One project funded by an MES round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MesRound {
    project: ProjectId,
    max_payment: Rational,
    cost_per_utility: Rational,
}

impl MesRound {
    /// The funded project.
    pub fn project(&self) -> &ProjectId {
        &self.project
    }

    /// α: what each supporter paid who could afford it, in currency units; supporters with less
    /// paid all they had.
    pub fn max_payment(&self) -> &Rational {
        &self.max_payment
    }

    /// ρ = α / cost: the price of one unit of (cost) utility, the quantity MES minimises.
    pub fn cost_per_utility(&self) -> &Rational {
        &self.cost_per_utility
    }
}

/// The result of [`PbElection::equal_shares`]: the funded projects, and how they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MesOutcome {
    outcome: PbOutcome,
    rounds: Vec<MesRound>,
    voter_budget: Rational,
    budget_increments: u64,
    filled: Vec<ProjectId>,
}

impl MesOutcome {
    /// The funded projects (MES rounds first, in order, then the greedy fill) and their cost.
    pub fn outcome(&self) -> &PbOutcome {
        &self.outcome
    }

    /// The funded projects, in the order they were selected.
    pub fn selected(&self) -> &[ProjectId] {
        self.outcome.selected()
    }

    /// What the funded projects cost together, in minor units; never more than the budget.
    pub fn total_cost(&self) -> u64 {
        self.outcome.total_cost()
    }

    /// The rounds of the MES run whose outcome was kept.
    pub fn rounds(&self) -> &[MesRound] {
        &self.rounds
    }

    /// Each voter's budget in the MES run that was kept, in currency units: `budget / voters`,
    /// or a whole number reached by Add1.
    pub fn voter_budget(&self) -> &Rational {
        &self.voter_budget
    }

    /// How many Add1 increments were accepted (0 when the first run was kept).
    pub fn budget_increments(&self) -> u64 {
        self.budget_increments
    }

    /// The projects added by the greedy fill, in order.
    pub fn filled(&self) -> &[ProjectId] {
        &self.filled
    }

    /// Turns this into the plain outcome.
    pub fn into_outcome(self) -> PbOutcome {
        self.outcome
    }
}

impl PbElection {
    /// The Method of Equal Shares (Peters, Pierczyński & Skowron 2021) with cost utilities and
    /// the completion rule in `options`. See the [module documentation](super) for the method,
    /// the tie-breaking and the arithmetic.
    ///
    /// ```
    /// use baraza_budgeting::{MesCompletion, MesOptions, PbElection, PbInstance, PbInstanceSpec, ProjectSpec};
    /// let projects = (1..=20).map(|i| ProjectSpec::new(format!("{}{i}", if i <= 10 { "red" } else { "blue" }), 100));
    /// let instance = PbInstance::new(PbInstanceSpec {
    ///     budget: 1000, projects: projects.collect(), ballot_rules: Default::default(), decimal_places: 0,
    /// })?;
    /// let red: Vec<String> = (1..=10).map(|i| format!("red{i}")).collect();
    /// let blue: Vec<String> = (11..=20).map(|i| format!("blue{i}")).collect();
    /// let mut election = PbElection::new(instance);
    /// for _ in 0..51 { election.cast(&red)?; }
    /// for _ in 0..49 { election.cast(&blue)?; }
    ///
    /// // Greedy gives the 51 % everything; MES splits the budget 5 : 5.
    /// let mes = election.equal_shares(&MesOptions::default());
    /// let red_funded = mes.selected().iter().filter(|p| p.as_str().starts_with("red")).count();
    /// assert_eq!((red_funded, mes.selected().len(), mes.total_cost()), (5, 10, 1000));
    /// assert_eq!(mes.voter_budget().to_string(), "11"); // reached by Add1 from 10
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn equal_shares(&self, options: &MesOptions) -> MesOutcome {
        let engine = Engine::new(self);
        let budget = self.instance().budget();
        let voters = self.ballot_count() as u64;
        // Amounts are in minor units; one currency unit, Add1's step, is `unit` of them.
        let unit = 10_u128.pow(u32::from(self.instance().decimal_places()));
        let (mut kept, mut voter_budget) = if voters == 0 {
            (Run::default(), Rational::from_ratio(0, 1))
        } else {
            (
                engine.run(BigUint::from(budget), voters, None),
                Rational::from_ratio(u128::from(budget), u128::from(voters) * unit),
            )
        };
        let mut budget_increments = 0;
        if voters > 0 && options.completion != MesCompletion::None {
            // ⌊budget / voters⌋ in whole currency units, held in minor units.
            let mut per_voter = u128::from(budget) / (u128::from(voters) * unit) * unit;
            while !engine.is_exhaustive(&kept, budget) {
                per_voter += unit;
                let next = engine.run(BigUint::from(per_voter), 1, Some(budget));
                if next.total_cost > budget {
                    break;
                }
                kept = next;
                voter_budget = Rational::from_ratio(per_voter, unit);
                budget_increments += 1;
            }
        }
        let projects = self.instance().projects();
        let mut selected: Vec<ProjectId> = kept
            .rounds
            .iter()
            .map(|r| projects[r.project].id().clone())
            .collect();
        let mut total_cost = kept.total_cost;
        let mut filled = Vec::new();
        if options.completion == MesCompletion::Add1ThenGreedy {
            let counts = &engine.votes;
            let mut chosen = vec![false; projects.len()];
            for r in &kept.rounds {
                chosen[r.project] = true;
            }
            let order = self
                .greedy_order(&GreedyTieBreak::InstanceOrder)
                .unwrap_or_default();
            for p in order {
                let cost = projects[p].cost();
                if !chosen[p] && counts[p] > 0 && cost <= budget - total_cost {
                    total_cost += cost;
                    filled.push(projects[p].id().clone());
                }
            }
            selected.extend(filled.iter().cloned());
        }
        let rounds = kept
            .rounds
            .into_iter()
            .map(|r| MesRound {
                project: projects[r.project].id().clone(),
                max_payment: r.max_payment.divided_by(unit),
                cost_per_utility: r.cost_per_utility,
            })
            .collect();
        MesOutcome {
            outcome: PbOutcome::new(selected, self.instance().amount(total_cost)),
            rounds,
            voter_budget: voter_budget
                .unwrap_or_else(|| Rational::new(BigUint::zero(), 1u8.into())),
            budget_increments,
            filled,
        }
    }
}

/// One funded project of a run, by position.
#[derive(Debug)]
struct RunRound {
    project: usize,
    max_payment: Rational,
    cost_per_utility: Rational,
}

/// The outcome of one MES run at a fixed per-voter budget.
#[derive(Debug, Default)]
struct Run {
    rounds: Vec<RunRound>,
    total_cost: u64,
}

/// What stays the same across the runs of one election.
struct Engine {
    costs: Vec<u64>,
    votes: Vec<u64>,
    /// Voters with the same ballot always hold the same budget, so MES works on groups of
    /// identical ballots. Groups approving project `p`: `groups[starts[p]..starts[p + 1]]`.
    starts: Vec<usize>,
    groups: Vec<u32>,
    /// Voters in each group.
    weights: Vec<u32>,
    /// Projects approved by group `g`: `ballot_projects[ballot_starts[g]..ballot_starts[g + 1]]`.
    ballot_starts: Vec<usize>,
    ballot_projects: Vec<u32>,
    /// Projects MES can fund: cost above 0 and at least one vote.
    eligible: Vec<usize>,
    voter_count: usize,
}

impl Engine {
    fn new(election: &PbElection) -> Self {
        let costs: Vec<u64> = election
            .instance()
            .projects()
            .iter()
            .map(|p| p.cost())
            .collect();
        let votes = election.approval_counts();
        // Group identical ballots: sort each ballot's projects, then sort the ballots.
        let mut flat: Vec<u32> = Vec::new();
        let mut offsets = vec![0usize];
        for b in 0..election.ballot_count() {
            let start = flat.len();
            flat.extend_from_slice(election.ballot_indices(b));
            flat[start..].sort_unstable();
            offsets.push(flat.len());
        }
        let ballot = |b: usize| &flat[offsets[b]..offsets[b + 1]];
        let mut by_content: Vec<usize> = (0..election.ballot_count()).collect();
        by_content.sort_by(|&x, &y| ballot(x).cmp(ballot(y)).then(x.cmp(&y)));
        let mut weights: Vec<u32> = Vec::new();
        let mut ballot_starts = vec![0];
        let mut ballot_projects = Vec::new();
        for (i, &b) in by_content.iter().enumerate() {
            if i > 0 && ballot(by_content[i - 1]) == ballot(b) {
                if let Some(last) = weights.last_mut() {
                    *last += 1;
                }
            } else {
                weights.push(1);
                ballot_projects.extend_from_slice(ballot(b));
                ballot_starts.push(ballot_projects.len());
            }
        }
        let mut starts = vec![0usize; costs.len() + 1];
        for &p in &ballot_projects {
            starts[p as usize + 1] += 1;
        }
        for p in 0..costs.len() {
            starts[p + 1] += starts[p];
        }
        let mut fill = starts.clone();
        let mut groups = vec![0u32; ballot_projects.len()];
        for g in 0..weights.len() {
            for &p in &ballot_projects[ballot_starts[g]..ballot_starts[g + 1]] {
                groups[fill[p as usize]] = g as u32;
                fill[p as usize] += 1;
            }
        }
        let eligible = (0..costs.len())
            .filter(|&p| costs[p] > 0 && votes[p] > 0)
            .collect();
        Self {
            costs,
            votes,
            starts,
            groups,
            weights,
            ballot_starts,
            ballot_projects,
            eligible,
            voter_count: election.ballot_count(),
        }
    }

    fn approvers(&self, p: usize) -> &[u32] {
        &self.groups[self.starts[p]..self.starts[p + 1]]
    }

    fn ballot(&self, v: u32) -> &[u32] {
        &self.ballot_projects[self.ballot_starts[v as usize]..self.ballot_starts[v as usize + 1]]
    }

    /// Whether no project MES could fund is left out while fitting in the unspent budget.
    fn is_exhaustive(&self, run: &Run, budget: u64) -> bool {
        let left = budget - run.total_cost;
        self.eligible
            .iter()
            .all(|&p| self.costs[p] > left || run.rounds.iter().any(|r| r.project == p))
    }

    /// MES with every voter starting at `per_voter_num / per_voter_den`. With `abort_above`,
    /// the run stops as soon as its total cost exceeds that amount (its outcome is then only
    /// good for telling that it is too expensive).
    fn run(&self, per_voter_num: BigUint, per_voter_den: u64, abort_above: Option<u64>) -> Run {
        let mut state = State::new(self, per_voter_num, per_voter_den);
        let mut alive: Vec<usize> = self.eligible.clone();
        // Lower bounds of each project's ρ: exact, and as an f64 that only orders the search.
        // ρ ≥ 1 / votes always, because the supporters together pay the cost and none pays more
        // than α; and ρ never decreases, because budgets only shrink.
        let mut lower: Vec<Fraction> = (0..self.costs.len())
            .map(|p| Fraction::new(BigUint::from(1u8), BigUint::from(self.votes[p].max(1))))
            .collect();
        let mut run = Run::default();
        loop {
            alive.sort_by(|&a, &b| {
                lower[a]
                    .approx
                    .total_cmp(&lower[b].approx)
                    .then(self.tie_order(a, b))
            });
            let mut best: Option<(Candidate, Fraction)> = None;
            let mut dead = Vec::new();
            for &p in &alive {
                if let Some((_, best_rho)) = &best {
                    // ρ(p) ≥ lower(p) > ρ(best): p cannot win. Later projects may have lower
                    // exact bounds than their approximations suggest, so keep scanning only
                    // while the approximations are close.
                    if lower[p].approx > best_rho.approx * (1.0 + 1e-9) {
                        break;
                    }
                    if lower[p].cmp(best_rho) == Ordering::Greater {
                        continue;
                    }
                }
                match state.evaluate(p, self.costs[p]) {
                    None => dead.push(p),
                    Some((a, r)) => {
                        let rho = Fraction::new(
                            a.clone(),
                            &state.denominator
                                * BigUint::from(u128::from(r) * u128::from(self.costs[p])),
                        );
                        let better = match &best {
                            None => true,
                            Some((b, best_rho)) => match rho.cmp(best_rho) {
                                Ordering::Less => true,
                                Ordering::Greater => false,
                                Ordering::Equal => self.tie_order(p, b.project) == Ordering::Less,
                            },
                        };
                        lower[p] = rho.clone();
                        if better {
                            best = Some((Candidate { project: p, a, r }, rho));
                        }
                    }
                }
            }
            alive.retain(|p| !dead.contains(p));
            for &p in &dead {
                state.tracked[p] = false;
            }
            let Some((best, rho)) = best else { break };
            state.tracked[best.project] = false;
            let cost = self.costs[best.project];
            run.rounds.push(RunRound {
                project: best.project,
                max_payment: Rational::new(
                    best.a.clone(),
                    &state.denominator * BigUint::from(best.r),
                ),
                cost_per_utility: Rational::new(rho.num, rho.den),
            });
            run.total_cost += cost;
            alive.retain(|&p| p != best.project);
            if abort_above.is_some_and(|limit| run.total_cost > limit) {
                break;
            }
            state.pay(self, best.project, &best.a, best.r);
        }
        run
    }

    /// The MES tie-break: lower cost first, then more votes, then instance order.
    fn tie_order(&self, a: usize, b: usize) -> Ordering {
        self.costs[a]
            .cmp(&self.costs[b])
            .then(self.votes[b].cmp(&self.votes[a]))
            .then(a.cmp(&b))
    }
}

/// An exact non-negative fraction with an `f64` approximation (relative error below 1e-12).
#[derive(Debug, Clone)]
struct Fraction {
    num: BigUint,
    den: BigUint,
    approx: f64,
}

impl Fraction {
    fn new(num: BigUint, den: BigUint) -> Self {
        let approx = ratio_to_f64(&num, &den);
        Self { num, den, approx }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}

/// `num / den` as the nearest-ish `f64`, for numbers of any size.
fn ratio_to_f64(num: &BigUint, den: &BigUint) -> f64 {
    let shift = num.bits().max(den.bits()).saturating_sub(1000);
    if shift == 0 {
        let n = num.to_f64().unwrap_or(f64::INFINITY);
        let d = den.to_f64().unwrap_or(f64::INFINITY);
        return n / d;
    }
    let n = (num >> shift).to_f64().unwrap_or(f64::INFINITY);
    let d = (den >> shift).to_f64().unwrap_or(f64::INFINITY);
    n / d
}

/// A project's price this round: α = a / (D · r) per supporter who can pay it in full.
struct Candidate {
    project: usize,
    a: BigUint,
    r: u64,
}

/// The voters' budgets during one run.
///
/// A voter's budget depends only on which funded projects they approve (voters who could not
/// pay α in full paid everything and hold 0), so voters are grouped into classes of equal
/// budget, and all budgets are kept as integers over one common denominator `D`: the
/// arithmetic is exact. For every class the number of its voters approving each project is kept
/// up to date, so pricing a project is one pass over the classes, poorest first.
struct State {
    projects: usize,
    denominator: BigUint,
    /// Budget numerator of each class (over `denominator`). Class 0 is the empty purse.
    values: Vec<BigUint>,
    /// Voters in each class.
    sizes: Vec<u32>,
    /// `supporters[class * projects + p]`: voters of `class` approving `p`.
    supporters: Vec<u32>,
    /// The class of each group of identical ballots.
    voter_class: Vec<u32>,
    /// Live classes in ascending budget order; class 0 always first.
    order: Vec<u32>,
    free: Vec<u32>,
    /// Projects still in the running, whose supporter counts are kept up to date.
    tracked: Vec<bool>,
    /// Scratch: the class each class's paying supporters move to.
    target: Vec<u32>,
    product: BigUint,
}

impl State {
    fn new(engine: &Engine, per_voter_num: BigUint, per_voter_den: u64) -> Self {
        let projects = engine.costs.len();
        let mut supporters = vec![0u32; 2 * projects];
        for (p, &votes) in engine.votes.iter().enumerate() {
            supporters[projects + p] = u32::try_from(votes).unwrap_or(u32::MAX);
        }
        Self {
            projects,
            denominator: BigUint::from(per_voter_den),
            values: vec![BigUint::zero(), per_voter_num],
            sizes: vec![0, u32::try_from(engine.voter_count).unwrap_or(u32::MAX)],
            supporters,
            voter_class: vec![1; engine.weights.len()],
            order: vec![0, 1],
            free: Vec::new(),
            tracked: vec![true; projects],
            target: vec![0, 0],
            product: BigUint::zero(),
        }
    }

    fn supporters_in(&self, class: u32, project: usize) -> u64 {
        u64::from(self.supporters[class as usize * self.projects + project])
    }

    /// Walks the supporters' classes from the poorest: a class whose budget is below the
    /// current equal share pays everything; the first that can pay it fixes α. Returns
    /// `(a, r)` with α = a / (D · r) and `r` the supporters paying α in full, or `None` when
    /// the supporters cannot afford the project.
    fn evaluate(&mut self, project: usize, cost: u64) -> Option<(BigUint, u64)> {
        // Supporters with an empty purse (class 0, whose counts are not kept) pay nothing.
        let mut r: u64 = self.order[1..]
            .iter()
            .map(|&class| self.supporters_in(class, project))
            .sum();
        let mut a = &self.denominator * BigUint::from(cost);
        for &class in &self.order[1..] {
            let m = self.supporters_in(class, project);
            if m == 0 {
                continue;
            }
            let value = &self.values[class as usize];
            self.product.clone_from(value);
            self.product *= r;
            if self.product < a {
                self.product.clone_from(value);
                self.product *= m;
                a -= &self.product;
                r -= m;
            } else {
                return Some((a, r));
            }
        }
        None
    }

    /// Charges the supporters of the funded project: α = a / (D · r) each, or all they have.
    fn pay(&mut self, engine: &Engine, project: usize, a: &BigUint, r: u64) {
        // Bring α onto a common denominator: D' = D · s with s = r / gcd(a, r), α = a' / D'.
        let g = (a % r).to_u64().unwrap_or(0).gcd(&r);
        let s = r / g;
        let alpha = a / g;
        // Decide each supporting class before scaling: poor iff value · r < a.
        let mut decisions: Vec<(u32, bool)> = Vec::new();
        for &class in &self.order[1..] {
            if self.supporters_in(class, project) > 0 {
                let value = &self.values[class as usize];
                decisions.push((class, value * r < *a));
            }
        }
        if s > 1 {
            for &class in &self.order {
                self.values[class as usize] *= s;
            }
            self.denominator *= s;
        }
        // New classes for the supporters who paid α and still hold something, in the order of
        // their old classes (subtracting the same α keeps the order).
        let mut new_classes: Vec<u32> = Vec::new();
        for &(class, poor) in &decisions {
            let target = if poor {
                0
            } else {
                let left = &self.values[class as usize] - &alpha;
                if left.is_zero() {
                    0
                } else {
                    let id = self.allocate(left);
                    new_classes.push(id);
                    id
                }
            };
            self.target[class as usize] = target;
        }
        let width = self.projects;
        for &g in engine.approvers(project) {
            let from = self.voter_class[g as usize];
            if from == 0 {
                continue;
            }
            let to = self.target[from as usize];
            let weight = engine.weights[g as usize];
            self.sizes[from as usize] -= weight;
            self.sizes[to as usize] += weight;
            self.voter_class[g as usize] = to;
            // Only projects still in the running are ever priced again; class 0's counts are
            // not kept (its voters can pay nothing).
            for &q in engine.ballot(g) {
                if self.tracked[q as usize] {
                    self.supporters[from as usize * width + q as usize] -= weight;
                    if to != 0 {
                        self.supporters[to as usize * width + q as usize] += weight;
                    }
                }
            }
        }
        // Merge the surviving old classes with the new ones, both already sorted.
        let mut old = Vec::with_capacity(self.order.len());
        for &c in &self.order[1..] {
            if self.sizes[c as usize] > 0 {
                old.push(c);
            } else {
                self.values[c as usize] = BigUint::zero();
                self.free.push(c);
            }
        }
        let mut merged = Vec::with_capacity(old.len() + new_classes.len() + 1);
        merged.push(0);
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < new_classes.len() {
            if self.values[old[i] as usize] <= self.values[new_classes[j] as usize] {
                merged.push(old[i]);
                i += 1;
            } else {
                merged.push(new_classes[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&new_classes[j..]);
        self.order = merged;
    }

    fn allocate(&mut self, value: BigUint) -> u32 {
        if let Some(id) = self.free.pop() {
            self.values[id as usize] = value;
            id
        } else {
            let id = self.values.len() as u32;
            self.values.push(value);
            self.sizes.push(0);
            self.target.push(0);
            self.supporters
                .extend(std::iter::repeat_n(0, self.projects));
            id
        }
    }
}
