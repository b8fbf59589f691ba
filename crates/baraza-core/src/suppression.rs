//! Small-cell suppression: publishing breakdowns by group without revealing small groups.
//!
//! Results broken down by ward, age band or service are useful, but a group of two people who
//! answered a poll is nearly a disclosure of how those two answered. The *threshold rule* of
//! statistical disclosure control hides every group with fewer than `k` members (Hundepool et
//! al., *Statistical Disclosure Control*, Wiley 2012, §5.2 "frequency tables"; Eurostat and the
//! UK ONS apply thresholds between 3 and 10). Baraza's default is `k` = [`DEFAULT_K`] = 5.
//!
//! ```
//! use baraza_core::suppression::SuppressionRule;
//!
//! let by_ward = [("kilimani", 40), ("kibra", 2), ("langata", 31), ("westlands", 9)];
//! let published = SuppressionRule::default().counts(&by_ward);
//! let shown: Vec<Option<u64>> = published.groups().iter().map(|g| g.count).collect();
//! // kibra is below k = 5; westlands, the smallest other group, is hidden with it, or
//! // kibra = total - 40 - 31 - 9 could be worked out from the published total of 82.
//! assert_eq!(shown, [Some(40), None, Some(31), None]);
//! assert_eq!((published.total(), published.hidden_total()), (82, 11));
//! assert!(published.is_protected());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The rules
//!
//! 1. **Primary suppression**: every group with 1 to `k` − 1 members is hidden. Groups of 0 are
//!    shown: there is nobody in them to disclose. (So an intruder knows that every hidden group
//!    has at least one member; rule 2 assumes so.)
//! 2. **Complementary (secondary) suppression** (Cox, "Suppression methodology and statistical
//!    disclosure control", *JASA* 75(370), 1980). The total of a breakdown is always assumed to
//!    be public — it is the poll's `total_ballots`, published with the results — so the sum of
//!    the hidden groups, `total − Σ shown`, is public too ([`SuppressedCounts::hidden_total`]
//!    states it openly). With a single hidden group, that sum *is* the group. So while the hidden
//!    groups are not safe, the smallest shown non-empty group (ties: the first in input order) is
//!    hidden as well. The hidden groups are safe when both hold:
//!    * their sum is at least `k` (the combined "other groups" figure is not itself a small
//!      cell), and
//!    * no group hidden by rule 1 can be worked out exactly by an intruder who knows the shown
//!      counts, the total, `k`, these rules, and even which hidden groups were hidden by which
//!      rule: a group hidden by rule 1 lies in `1..=k-1`, a group hidden by rule 2 lies between
//!      `k` and the smallest count still shown (rule 2 hides the smallest first), and the hidden
//!      groups add up to the hidden sum. The feasible interval of each rule-1 group (intersection
//!      of its box with what the others leave) must contain at least two values. Exactly:
//!      `lo = max(1, H − Σ others' upper bounds)`, `hi = min(k − 1, H − Σ others' lower bounds)`,
//!      and `lo < hi` is required.
//! 3. If every non-empty group is hidden and the rules still fail (for example a breakdown whose
//!    total is itself below `k`, or one group of 1 beside one of exactly `k`), the result says
//!    so: [`SuppressedCounts::is_protected`] is `false`, and the caller must publish neither the
//!    breakdown nor its total.
//!
//! The published form (`Serialize`) shows a hidden group as `{"group": …, "suppressed": true}`
//! and never says why it was hidden: which groups are below `k` is exactly what must not leak.
//! The reason ([`Suppression`]) is available to the program for audit.
//!
//! # Tables: counts per answer
//!
//! [`SuppressionRule::table`] applies the same rules to a group × answer table, using each
//! group's number of respondents as its size (given explicitly, since with multiple-choice polls
//! the answer counts of a group add up to more than its respondents). A hidden group's whole row
//! is hidden. Column totals — the poll's overall results — are assumed public, so the per-answer
//! sums of the hidden rows ([`SuppressedTable::hidden_totals`]) are public too.
//!
//! Limits, plainly: only group sizes are protected. Answer counts inside a shown group are
//! published even when small (1 of a ward's 40 respondents opposed), as the poll's results are
//! what is being published; and when every hidden respondent gave the same answer (a hidden
//! column sum of 0, or equal to the hidden sum), the hidden groups are known to have answered
//! alike. Rounding or noise, the other families of methods, are not implemented.

use std::fmt;

use serde::Serialize;
use serde::ser::SerializeStruct;

/// The default threshold: groups with fewer than 5 members are hidden.
pub const DEFAULT_K: u64 = 5;

/// The threshold `k` below which a group is hidden. Build with [`SuppressionRule::new`] or take
/// the [`Default`] (`k` = [`DEFAULT_K`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SuppressionRule {
    k: u64,
}

/// A threshold of 0, which would hide nothing and is surely a mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the suppression threshold k must be at least 1")]
pub struct ZeroThreshold;

/// Why a table cannot be suppressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A row has a different number of answers from the first row.
    #[error("row {row} has {found} answer counts; the first row has {expected}")]
    RowLength {
        /// Position of the row.
        row: usize,
        /// Answers in the first row.
        expected: usize,
        /// Answers in this row.
        found: usize,
    },
    /// An answer count is larger than the group's number of respondents.
    #[error(
        "row {row} counts {count} for answer {answer}, more than its {respondents} respondents"
    )]
    CountAboveRespondents {
        /// Position of the row.
        row: usize,
        /// Position of the answer.
        answer: usize,
        /// The count.
        count: u64,
        /// The row's respondents.
        respondents: u64,
    },
}

/// Every problem with a table (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableErrors(pub Vec<TableError>);

impl fmt::Display for TableErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::poll::write_joined(f, &self.0)
    }
}

impl std::error::Error for TableErrors {}

/// Why a group is hidden. For the operator only: publishing it would reveal which groups are
/// small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suppression {
    /// The group has 1 to `k` − 1 members (primary suppression).
    BelowThreshold,
    /// The group is hidden so that the small ones cannot be worked out from the total
    /// (complementary suppression).
    Complementary,
}

/// One group of a [`SuppressedCounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount<G> {
    /// The group.
    pub group: G,
    /// Its count, or `None` when hidden.
    pub count: Option<u64>,
    /// Why it is hidden, when it is.
    pub suppression: Option<Suppression>,
}

/// One group of a [`SuppressedTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow<G> {
    /// The group.
    pub group: G,
    /// Its respondents and answer counts, or `None` when hidden.
    pub counts: Option<RowCounts>,
    /// Why it is hidden, when it is.
    pub suppression: Option<Suppression>,
}

/// A shown row of a [`SuppressedTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowCounts {
    /// People in the group who answered.
    pub respondents: u64,
    /// Count per answer, in the table's answer order.
    pub answers: Vec<u64>,
}

/// A group → count breakdown ready to publish.
///
/// JSON (hidden groups without their count, and without the reason):
/// `{"k": 5, "total": 82, "hidden_total": 11, "groups": [{"group": "kilimani", "count": 40},
/// {"group": "kibra", "suppressed": true}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedCounts<G> {
    k: u64,
    groups: Vec<GroupCount<G>>,
    total: u64,
    hidden_total: u64,
    protected: bool,
}

/// A group × answer table ready to publish.
///
/// JSON: `{"k": 5, "respondents": 120, "answer_totals": [70, 50], "hidden_respondents": 11,
/// "hidden_totals": [6, 5], "groups": [{"group": "kilimani", "respondents": 40, "answers":
/// [25, 15]}, {"group": "kibra", "suppressed": true}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedTable<G> {
    k: u64,
    groups: Vec<GroupRow<G>>,
    respondents: u64,
    answer_totals: Vec<u64>,
    hidden_respondents: u64,
    hidden_totals: Vec<u64>,
    protected: bool,
}

impl Default for SuppressionRule {
    fn default() -> Self {
        Self { k: DEFAULT_K }
    }
}

impl SuppressionRule {
    /// Hides groups with fewer than `k` members; `k` must be at least 1 (with 1, nothing is
    /// hidden).
    pub fn new(k: u64) -> Result<Self, ZeroThreshold> {
        if k == 0 {
            Err(ZeroThreshold)
        } else {
            Ok(Self { k })
        }
    }

    /// The threshold.
    pub fn k(self) -> u64 {
        self.k
    }

    /// Applies the rules of the [module documentation](self) to a group → count breakdown, in
    /// the order given (which breaks ties when choosing groups for complementary suppression).
    pub fn counts<G: Clone>(self, groups: &[(G, u64)]) -> SuppressedCounts<G> {
        let sizes: Vec<u64> = groups.iter().map(|(_, count)| *count).collect();
        let (hidden, protected) = choose_hidden(&sizes, self.k);
        let hidden_total = sum_where(&sizes, &hidden);
        SuppressedCounts {
            k: self.k,
            groups: groups
                .iter()
                .zip(&hidden)
                .map(|((group, count), why)| GroupCount {
                    group: group.clone(),
                    count: why.is_none().then_some(*count),
                    suppression: *why,
                })
                .collect(),
            total: sizes.iter().sum(),
            hidden_total,
            protected,
        }
    }

    /// Applies the rules to a table whose rows are `(group, respondents, count per answer)`,
    /// using `respondents` as the group's size. Every row must have as many answers as the first
    /// and no count above its respondents; all problems are reported at once.
    pub fn table<G: Clone>(
        self,
        rows: &[(G, u64, Vec<u64>)],
    ) -> Result<SuppressedTable<G>, TableErrors> {
        let width = rows.first().map_or(0, |(_, _, answers)| answers.len());
        let mut errors = Vec::new();
        for (row, (_, respondents, answers)) in rows.iter().enumerate() {
            if answers.len() != width {
                errors.push(TableError::RowLength {
                    row,
                    expected: width,
                    found: answers.len(),
                });
            }
            for (answer, &count) in answers.iter().enumerate() {
                if count > *respondents {
                    errors.push(TableError::CountAboveRespondents {
                        row,
                        answer,
                        count,
                        respondents: *respondents,
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(TableErrors(errors));
        }
        let sizes: Vec<u64> = rows
            .iter()
            .map(|(_, respondents, _)| *respondents)
            .collect();
        let (hidden, protected) = choose_hidden(&sizes, self.k);
        let column_sums = |only_hidden: bool| -> Vec<u64> {
            (0..width)
                .map(|a| {
                    rows.iter()
                        .zip(&hidden)
                        .filter(|(_, why)| !only_hidden || why.is_some())
                        .map(|((_, _, answers), _)| answers[a])
                        .sum()
                })
                .collect()
        };
        Ok(SuppressedTable {
            k: self.k,
            groups: rows
                .iter()
                .zip(&hidden)
                .map(|((group, respondents, answers), why)| GroupRow {
                    group: group.clone(),
                    counts: why.is_none().then(|| RowCounts {
                        respondents: *respondents,
                        answers: answers.clone(),
                    }),
                    suppression: *why,
                })
                .collect(),
            respondents: sizes.iter().sum(),
            answer_totals: column_sums(false),
            hidden_respondents: sum_where(&sizes, &hidden),
            hidden_totals: column_sums(true),
            protected,
        })
    }
}

fn sum_where(sizes: &[u64], hidden: &[Option<Suppression>]) -> u64 {
    sizes
        .iter()
        .zip(hidden)
        .filter(|(_, why)| why.is_some())
        .map(|(size, _)| size)
        .sum()
}

/// Which groups to hide, and whether the result is protected (rules 1–3).
fn choose_hidden(sizes: &[u64], k: u64) -> (Vec<Option<Suppression>>, bool) {
    let mut hidden: Vec<Option<Suppression>> = sizes
        .iter()
        .map(|&n| (n > 0 && n < k).then_some(Suppression::BelowThreshold))
        .collect();
    if hidden.iter().all(Option::is_none) {
        return (hidden, true);
    }
    loop {
        if is_safe(sizes, &hidden, k) {
            return (hidden, true);
        }
        // The smallest shown non-empty group, first in order on ties.
        let next = (0..sizes.len())
            .filter(|&g| hidden[g].is_none() && sizes[g] > 0)
            .min_by_key(|&g| sizes[g]);
        match next {
            Some(g) => hidden[g] = Some(Suppression::Complementary),
            None => return (hidden, false),
        }
    }
}

/// Whether the hidden groups pass rule 2: their sum is at least `k`, and every group hidden by
/// rule 1 keeps at least two feasible values for an intruder who knows everything else.
fn is_safe(sizes: &[u64], hidden: &[Option<Suppression>], k: u64) -> bool {
    let hidden_sum: u64 = sum_where(sizes, hidden);
    if hidden_sum < k {
        return false;
    }
    // Rule 2 hides the smallest shown groups first, so each of them is at most the smallest
    // count still shown.
    let smallest_shown = (0..sizes.len())
        .filter(|&g| hidden[g].is_none() && sizes[g] > 0)
        .map(|g| sizes[g])
        .min()
        .unwrap_or(hidden_sum);
    let bounds = |why: Suppression| match why {
        Suppression::BelowThreshold => (1, k - 1),
        Suppression::Complementary => (k, smallest_shown),
    };
    let (sum_lo, sum_hi) = hidden
        .iter()
        .flatten()
        .map(|&why| bounds(why))
        .fold((0u64, 0u64), |(lo, hi), (l, h)| {
            (lo.saturating_add(l), hi.saturating_add(h))
        });
    hidden
        .iter()
        .flatten()
        .filter(|&&why| why == Suppression::BelowThreshold)
        .all(|&why| {
            let (own_lo, own_hi) = bounds(why);
            let others_lo = sum_lo - own_lo;
            let others_hi = sum_hi - own_hi;
            let lo = own_lo.max(hidden_sum.saturating_sub(others_hi));
            let hi = own_hi.min(hidden_sum.saturating_sub(others_lo));
            lo < hi
        })
}

impl<G> SuppressedCounts<G> {
    /// The threshold applied.
    pub fn k(&self) -> u64 {
        self.k
    }

    /// Every group, in input order, hidden or shown.
    pub fn groups(&self) -> &[GroupCount<G>] {
        &self.groups
    }

    /// The hidden groups, in input order.
    pub fn suppressed(&self) -> impl Iterator<Item = &G> {
        self.groups
            .iter()
            .filter(|g| g.suppression.is_some())
            .map(|g| &g.group)
    }

    /// The sum of all groups, hidden or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The sum of the hidden groups (`total` minus the shown counts), safe to publish as
    /// "other groups".
    pub fn hidden_total(&self) -> u64 {
        self.hidden_total
    }

    /// Whether the rules could protect every small group. When `false`, publish neither the
    /// breakdown nor its total (rule 3).
    pub fn is_protected(&self) -> bool {
        self.protected
    }
}

impl<G> SuppressedTable<G> {
    /// The threshold applied.
    pub fn k(&self) -> u64 {
        self.k
    }

    /// Every group, in input order, hidden or shown.
    pub fn groups(&self) -> &[GroupRow<G>] {
        &self.groups
    }

    /// The hidden groups, in input order.
    pub fn suppressed(&self) -> impl Iterator<Item = &G> {
        self.groups
            .iter()
            .filter(|g| g.suppression.is_some())
            .map(|g| &g.group)
    }

    /// Respondents in all groups.
    pub fn respondents(&self) -> u64 {
        self.respondents
    }

    /// Count per answer over all groups.
    pub fn answer_totals(&self) -> &[u64] {
        &self.answer_totals
    }

    /// Respondents in the hidden groups, safe to publish.
    pub fn hidden_respondents(&self) -> u64 {
        self.hidden_respondents
    }

    /// Count per answer over the hidden groups, safe to publish (it follows from the public
    /// column totals anyway).
    pub fn hidden_totals(&self) -> &[u64] {
        &self.hidden_totals
    }

    /// Whether the rules could protect every small group; see
    /// [`SuppressedCounts::is_protected`].
    pub fn is_protected(&self) -> bool {
        self.protected
    }
}

impl<G: Serialize> Serialize for GroupCount<G> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_struct("GroupCount", 2)?;
        row.serialize_field("group", &self.group)?;
        match self.count {
            Some(count) => row.serialize_field("count", &count)?,
            None => row.serialize_field("suppressed", &true)?,
        }
        row.end()
    }
}

impl<G: Serialize> Serialize for GroupRow<G> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_struct("GroupRow", 3)?;
        row.serialize_field("group", &self.group)?;
        match &self.counts {
            Some(counts) => {
                row.serialize_field("respondents", &counts.respondents)?;
                row.serialize_field("answers", &counts.answers)?;
            }
            None => row.serialize_field("suppressed", &true)?,
        }
        row.end()
    }
}

impl<G: Serialize> Serialize for SuppressedCounts<G> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("SuppressedCounts", 4)?;
        out.serialize_field("k", &self.k)?;
        out.serialize_field("total", &self.total)?;
        out.serialize_field("hidden_total", &self.hidden_total)?;
        out.serialize_field("groups", &self.groups)?;
        out.end()
    }
}

impl<G: Serialize> Serialize for SuppressedTable<G> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("SuppressedTable", 6)?;
        out.serialize_field("k", &self.k)?;
        out.serialize_field("respondents", &self.respondents)?;
        out.serialize_field("answer_totals", &self.answer_totals)?;
        out.serialize_field("hidden_respondents", &self.hidden_respondents)?;
        out.serialize_field("hidden_totals", &self.hidden_totals)?;
        out.serialize_field("groups", &self.groups)?;
        out.end()
    }
}
