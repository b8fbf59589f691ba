//! Polis-style statements: participants write short statements, vote agree / disagree / pass on
//! each other's statements, and the votes are mapped into opinion groups with the statements that
//! characterise each group and those every group shares.
//!
//! The method is the one of Polis (Small, Bjorkegren, Erkkilä, Shaw & Megill, "Polis: Scaling
//! Deliberation by Mapping High Dimensional Opinion Spaces", *Recerca* 26(2), 2021; the algorithm
//! notes at <https://compdemocracy.org/algorithms/>; and the `math` module of
//! <https://github.com/compdemocracy/polis>: `pca.clj`, `clusters.clj`, `repness.clj`,
//! `stats.clj`). Where this module departs from Polis it says so below.
//!
//! # Statements and votes
//! * A [`StatementText`] is trimmed, non-blank, at most [`MAX_STATEMENT_CHARS`] characters
//!   (Unicode scalar values, the limit Polis has used) and one line: control characters, line
//!   breaks and tabs included, are refused. [`StatementText::parse`] reports every problem at
//!   once.
//! * A [`Statement`] has a caller-chosen [`StatementId`] (e.g. the database row id), an author and
//!   a [`Moderation`] state. Rejected statements take no votes and are left out of the analysis;
//!   votes cast before a rejection are kept (and count again if the statement is accepted again).
//! * A [`Vote`] is agree, disagree or pass. **A participant's later vote on the same statement
//!   replaces the earlier one** (last vote wins, as in Polis, where a participant can change a
//!   vote); [`Conversation::vote`] says which happened with a [`VoteOutcome`]. Voting on an
//!   unknown statement or a rejected one is an error ([`ConversationError`]).
//! * The vote matrix is stored sparsely: only cast votes, sorted per participant, 8 bytes each.
//!   Memory scales with the number of votes, never with participants × statements.
//!
//! # Opinion groups ([`Conversation::opinion_groups`], [`GroupingOptions`])
//! 1. **Columns and rows.** The columns are the accepted statements, ordered by id. A participant
//!    takes part when they cast at least `min(min_votes, number of columns)` votes (pass counts)
//!    on accepted statements; `min_votes` defaults to 7, as in Polis. Polis also back-fills up to
//!    15 participants when too few qualify; this module does not.
//! 2. **Encoding.** agree = +1, disagree = −1, pass = 0. (Polis stores agree as −1 internally;
//!    the sign of a component is arbitrary anyway, see below.)
//! 3. **Missing votes: mean imputation.** μⱼ is the mean of the votes cast on statement j by
//!    eligible participants (passes included as 0; μⱼ = 0 when nobody voted on it). A missing
//!    vote is imputed as μⱼ, so after column centring it is exactly 0: the centred matrix C has
//!    cᵢⱼ = xᵢⱼ − μⱼ at cast votes and zero elsewhere. Nothing of size participants × statements
//!    is ever built. Polis projects participants this way (`sparsity-aware-project-ptpt`);
//!    when *fitting* the components it fills missing votes with 0 before centring instead,
//!    which this module does not.
//! 4. **PCA, 2 components, sparse.** The top two eigenvectors of CᵀC are found by subspace
//!    iteration (block power iteration, Rutishauser 1970; Saad, *Numerical Methods for Large
//!    Eigenvalue Problems*, 2011, §5.1) with a Rayleigh–Ritz rotation each step: one pass over the
//!    votes computes U = CV and CᵀU together, so an iteration costs O(votes + participants +
//!    statements). The block holds four vectors, the two wanted and two guards, so the second
//!    component converges at the rate λ₅/λ₂ rather than λ₃/λ₂. The start block is pseudo-random
//!    from the seed and the statement ids. The iteration stops at the first of:
//!    * **converged**: both Ritz vectors' residuals ‖CᵀCv − θv‖ are at most `pca_tolerance` · θ₁
//!      ([`PrincipalComponents::converged`]);
//!    * **flat spectrum**: the block's four Ritz values θ₁ ≥ … ≥ θ₄ lie within 1 % of θ₁ *and*
//!      the variance the two components capture, θ₁ + θ₂, rose by at most 0.1 % in the last
//!      iteration ([`PrincipalComponents::flat`]). The iteration converges as slowly as the
//!      leading eigenvalues are close; when they are this close (votes without groups: noise
//!      around a common stance) the components are not determined by the data — one vote more
//!      or less would turn them within their common subspace — and any pair of directions in
//!      the block projects the participants as well as the best pair in it, to within 1 % of
//!      the variance. Going on would only pick one such pair among equals, slowly: on the
//!      structureless benchmark (100,000 participants × 10,000 statements) the rule stops at
//!      iteration 48, where 100 iterations would capture 0.7 % more variance and still not
//!      meet the tolerance. Conversations with groups have a clear gap below θ₂ (no test
//!      conversation and no planted benchmark meets the first condition);
//!    * `pca_max_iterations`.
//!
//!    Each pass over the votes is cut into at most 8 chunks of participants (one up to 16,384
//!    participants) that run on the available cores (`std::thread::scope`; one thread on wasm)
//!    and are summed in a fixed order, so the result is the same bits whatever the number of
//!    cores. Only the raw votes are stored; each cᵢⱼ is formed from the vote and μⱼ as it is
//!    used, so the iteration reads 5 bytes a vote. Each component is normalised to unit length and its sign
//!    fixed so that its largest-magnitude entry (first by statement id on ties) is positive.
//! 5. **Projection.** Participant i is placed at √(m / vᵢ) · Σⱼ cᵢⱼ·(pc₁ⱼ, pc₂ⱼ), with m the
//!    number of columns and vᵢ the participant's votes: Polis' sparsity-aware projection, which
//!    pushes participants who voted on few statements out from the centre.
//! 6. **k-means, k chosen by silhouette.** For each k in `min_groups..=max_groups` (2..=5, as
//!    Polis), capped by the number of distinct positions and by participants − 1 (and never
//!    below 2), Lloyd's algorithm runs from k-means++ seeding (Arthur & Vassilvitskii, 2007)
//!    drawn from a SplitMix64 generator seeded with `seed`, `kmeans_restarts` times; the run
//!    with the least within-group sum of squares is kept. An emptied group is re-seeded with the
//!    point farthest from its centroid. On many points, Lloyd's steps skip the points whose
//!    centre is provably still the nearest (Hamerly's bounds, 2010), which changes no label.
//!    From 4,096 participants the Lloyd runs of every k (and the base clusters below), then the
//!    silhouettes of every k, run on the available cores (`std::thread::scope`; one thread on
//!    wasm): every k-means++ start is drawn first, in the order a run-by-run pass draws them,
//!    each run is computed as it would be alone, and the best run and k are chosen in the same
//!    order, so the result is the same bits whatever the number of cores.
//!    The k with the highest mean silhouette (Rousseeuw, 1987; a point alone in its group
//!    scores 0) wins, the smaller k on ties. Groups are numbered by their smallest participant
//!    id, so group 0 holds the lowest id.
//!    * **Up to `base_clusters` (100) eligible participants** the silhouette is exact, over
//!      every pair, O(participants²); distances in single precision (vectorised), summed in
//!      double precision, which agrees with a double-precision silhouette to about 1e-6.
//!    * **Beyond**, it is estimated from **base clusters**, as Polis forms them: k-means with
//!      `base_clusters` centres on the participants' positions (one k-means++ run, at most 20
//!      Lloyd steps). Each (base cluster, group) pair becomes a cell, replaced by its mean and
//!      size, so a participant's mean distance to a group costs one distance per cell:
//!      O(participants × cells) per k. **Error bound:** replacing a member by its cell's mean
//!      moves any distance to it by at most its distance to that mean (triangle inequality), so
//!      each estimated mean distance to group g is off by at most E_g / n_g (E_g: the members'
//!      summed distance to their cells' means); the silhouette rises with b and falls with a,
//!      so evaluating it at the ends of those ranges brackets the exact value. Each
//!      [`KScore`] carries the estimate and `silhouette_bounds`, the interval that is
//!      guaranteed to hold the exact mean silhouette. (Polis runs the group k-means and the
//!      silhouette on the base clusters themselves; here the groups are still formed from every
//!      participant, so they are the groups the exact computation forms whenever it would
//!      choose the same k.)
//! 7. **Representative statements** ("repness", `repness.clj`). For group g and statement j, with
//!    nₐ agrees, n_d disagrees and nₛ votes (pass included) by members of g, and the same counts
//!    summed over all other groups (the "rest", subscript r):
//!    * pₐ = (nₐ + 1) / (nₛ + 2) (Laplace smoothing); likewise p_d;
//!    * one-proportion test pₐₜ = 2·√(nₛ + 1)·((nₐ + 1)/(nₛ + 1) − ½) (Polis' `prop-test`);
//!    * repness rₐ = pₐ / ((nₐ,ᵣ + 1) / (nₛ,ᵣ + 2));
//!    * two-proportion test rₐₜ = (p₁ − p₂) / √(p̂(1 − p̂)(1/(nₛ+1) + 1/(nₛ,ᵣ+1))) with
//!      p₁ = (nₐ+1)/(nₛ+1), p₂ = (nₐ,ᵣ+1)/(nₛ,ᵣ+1), p̂ = (nₐ + nₐ,ᵣ + 2)/(nₛ + nₛ,ᵣ + 2),
//!      and 0 when p̂ = 1 (Polis' `two-prop-test`);
//!    * the same with disagrees. A statement represents g *for agreement* when rₐₜ > r_dₜ, else
//!      *for disagreement*. It is significant when both its tests exceed `significance_z`
//!      (1.2816: one-sided 90 %, as Polis). Significant statements are ranked by
//!      r · rₜ · p · pₜ (Polis' `repness-metric`) and the first `max_representative` (5) kept.
//!      When none is significant, the statement with the highest test value that group members
//!      voted on is given alone, marked not significant (Polis' fallback; Polis' extra promotion
//!      of a "best agree" statement to the front is not done).
//! 8. **Consensus statements.** A statement is an agreement consensus when in *every* group
//!    pₐ > `consensus_min_probability` (0.5, as Polis) and pₐₜ > `significance_z`; likewise for
//!    disagreement. They are ranked by Πg pₐ,g (Polis' group-aware consensus) and the first
//!    `max_consensus` (5) of each direction kept. (Polis' classic consensus looks at all
//!    participants together; asking it of every group is the stricter, group-aware reading.)
//!
//! Everything is deterministic: the same conversation, options and seed give the same result,
//! whatever order statements and votes were added in.
//!
//! ```
//! use baraza_core::statements::{Conversation, GroupingOptions, ParticipantId, StatementId,
//!     StatementText, Vote};
//!
//! let mut conversation = Conversation::new();
//! for s in 0..8 {
//!     let text = StatementText::parse(&format!("Statement number {s}"))?;
//!     conversation.add_statement(StatementId(s), ParticipantId(0), text)?;
//! }
//! // Two blocs of six: they split on statements 0–5 and all agree on 6 and 7.
//! for p in 0..12u64 {
//!     let bloc_a = p < 6;
//!     for s in 0..8u64 {
//!         let vote = match (s, bloc_a) {
//!             (6 | 7, _) => Vote::Agree,
//!             (_, true) => Vote::Agree,
//!             (_, false) => Vote::Disagree,
//!         };
//!         conversation.vote(ParticipantId(p), StatementId(s), vote)?;
//!     }
//! }
//! let groups = conversation.opinion_groups(&GroupingOptions::default())?;
//! assert_eq!(groups.groups.len(), 2);
//! assert_eq!(groups.groups[0].members, (0..6).map(ParticipantId).collect::<Vec<_>>());
//! let consensus: Vec<_> = groups.consensus.iter().map(|c| c.statement).collect();
//! assert_eq!(consensus, [StatementId(6), StatementId(7)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::poll::write_joined;

mod choose;
mod chunks;
mod groups;
mod kmeans;
mod pca;
mod repness;

pub use groups::{
    ConsensusStatement, Direction, GroupingError, GroupingOptions, KScore, OpinionGroup,
    OpinionGroups, PlacedParticipant, PrincipalComponents, RepresentativeStatement,
};

/// The longest statement, in characters (Unicode scalar values).
pub const MAX_STATEMENT_CHARS: usize = 140;

/// Identifies a participant. Chosen by the caller (e.g. a database row id mapped from a device
/// token); participants exist once they have voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "StatementParticipantId")
)]
#[serde(transparent)]
pub struct ParticipantId(pub u64);

/// Identifies a statement. Chosen by the caller, unique within a [`Conversation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct StatementId(pub u64);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The checked text of a statement: trimmed, non-blank, one line, at most
/// [`MAX_STATEMENT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StatementText(String);

/// One rule a statement's text breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementTextError {
    /// Nothing but whitespace.
    #[error("statement text is blank")]
    Blank,
    /// Longer than [`MAX_STATEMENT_CHARS`] after trimming.
    #[error("statement text has {chars} characters; at most {MAX_STATEMENT_CHARS} are allowed")]
    TooLong {
        /// Characters after trimming.
        chars: usize,
    },
    /// A control character (line break, tab, …) inside the text.
    #[error(
        "statement text has control character U+{code_point:04X} at character {position}; \
         a statement is one line of text"
    )]
    ControlCharacter {
        /// The character's code point.
        code_point: u32,
        /// Its position, counted in characters from 0 after trimming.
        position: usize,
    },
}

impl StatementTextError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Blank => ErrorCode::StatementBlank,
            Self::TooLong { .. } => ErrorCode::StatementTooLong,
            Self::ControlCharacter { .. } => ErrorCode::StatementControlCharacter,
        }
    }
}

/// Every rule a statement's text breaks (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementTextErrors(Vec<StatementTextError>);

impl StatementTextErrors {
    /// The problems, in the order: blank, too long, control characters by position.
    pub fn errors(&self) -> &[StatementTextError] {
        &self.0
    }

    /// The first problem's code.
    pub fn primary_code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::InvalidRequest, StatementTextError::code)
    }
}

impl fmt::Display for StatementTextErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for StatementTextErrors {}

impl StatementText {
    /// Trims `text` and checks it, reporting every problem at once.
    ///
    /// ```
    /// use baraza_core::{ErrorCode, statements::StatementText};
    /// let text = StatementText::parse("  More buses at night  ")?;
    /// assert_eq!(text.as_str(), "More buses at night");
    /// let errors = StatementText::parse(&format!("{}\n", "x".repeat(141) + "\ty")).unwrap_err();
    /// let codes: Vec<_> = errors.errors().iter().map(|e| e.code()).collect();
    /// assert_eq!(codes, [ErrorCode::StatementTooLong, ErrorCode::StatementControlCharacter]);
    /// # Ok::<(), baraza_core::statements::StatementTextErrors>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, StatementTextErrors> {
        let trimmed = text.trim();
        let mut errors = Vec::new();
        if trimmed.is_empty() {
            errors.push(StatementTextError::Blank);
        }
        let chars = trimmed.chars().count();
        if chars > MAX_STATEMENT_CHARS {
            errors.push(StatementTextError::TooLong { chars });
        }
        errors.extend(
            trimmed
                .chars()
                .enumerate()
                .filter(|(_, c)| c.is_control())
                .map(|(position, c)| StatementTextError::ControlCharacter {
                    code_point: u32::from(c),
                    position,
                }),
        );
        if errors.is_empty() {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(StatementTextErrors(errors))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StatementText {
    type Error = StatementTextErrors;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<StatementText> for String {
    fn from(text: StatementText) -> Self {
        text.0
    }
}

impl fmt::Display for StatementText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A moderator's decision on a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    /// Shown to participants, takes votes, part of the analysis. New statements start here.
    Accepted,
    /// Hidden: takes no votes and is left out of the analysis.
    Rejected,
}

/// A participant's reaction to a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    /// Agrees: +1 in the vote matrix.
    Agree,
    /// Disagrees: −1.
    Disagree,
    /// Has seen the statement and neither agrees nor disagrees: 0, but counted as a vote.
    Pass,
}

impl Vote {
    /// The value in the vote matrix: agree +1, disagree −1, pass 0.
    pub fn value(self) -> i8 {
        match self {
            Self::Agree => 1,
            Self::Disagree => -1,
            Self::Pass => 0,
        }
    }
}

/// A statement in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    id: StatementId,
    author: ParticipantId,
    text: StatementText,
    moderation: Moderation,
}

impl Statement {
    /// Its id.
    pub fn id(&self) -> StatementId {
        self.id
    }

    /// Who wrote it.
    pub fn author(&self) -> ParticipantId {
        self.author
    }

    /// What it says.
    pub fn text(&self) -> &StatementText {
        &self.text
    }

    /// The moderator's decision.
    pub fn moderation(&self) -> Moderation {
        self.moderation
    }
}

/// What [`Conversation::vote`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    /// The participant's first vote on this statement.
    Recorded,
    /// A different earlier vote was replaced (last vote wins).
    Changed {
        /// The vote that was replaced.
        previous: Vote,
    },
    /// The same vote was cast again; nothing changed.
    Unchanged,
}

/// A change a [`Conversation`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConversationError {
    /// A statement with this id already exists.
    #[error("statement id {id} is already used")]
    DuplicateStatement {
        /// The repeated id.
        id: StatementId,
    },
    /// No statement has this id.
    #[error("the conversation has no statement {id}")]
    UnknownStatement {
        /// The unknown id.
        id: StatementId,
    },
    /// The statement was rejected by moderation and takes no votes.
    #[error("statement {id} was rejected by moderation and takes no votes")]
    StatementRejected {
        /// The rejected statement.
        id: StatementId,
    },
}

impl ConversationError {
    /// The stable code for this problem.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::DuplicateStatement { .. } => ErrorCode::DuplicateStatement,
            Self::UnknownStatement { .. } => ErrorCode::UnknownStatement,
            Self::StatementRejected { .. } => ErrorCode::StatementRejected,
        }
    }
}

/// The statements of one conversation and the sparse matrix of votes on them.
///
/// Participants and statements are kept in id order, so the analysis does not depend on the
/// order in which they were added.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    statements: Vec<Statement>,
    /// Statement id → position in `statements`.
    index: BTreeMap<StatementId, u32>,
    /// Each participant's votes as (position in `statements`, vote), sorted by position.
    votes: BTreeMap<ParticipantId, Vec<(u32, Vote)>>,
    vote_count: usize,
}

impl Conversation {
    /// An empty conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an accepted statement.
    pub fn add_statement(
        &mut self,
        id: StatementId,
        author: ParticipantId,
        text: StatementText,
    ) -> Result<&Statement, ConversationError> {
        if self.index.contains_key(&id) {
            return Err(ConversationError::DuplicateStatement { id });
        }
        // Positions are u32 to keep each stored vote at 8 bytes; 2³² statements in one
        // conversation are not a case to serve, so the overflow is reported as a clash.
        let position = u32::try_from(self.statements.len())
            .map_err(|_| ConversationError::DuplicateStatement { id })?;
        self.index.insert(id, position);
        self.statements.push(Statement {
            id,
            author,
            text,
            moderation: Moderation::Accepted,
        });
        Ok(&self.statements[position as usize])
    }

    /// Sets a statement's moderation state. Votes already cast are kept either way.
    pub fn moderate(
        &mut self,
        id: StatementId,
        moderation: Moderation,
    ) -> Result<(), ConversationError> {
        let position = self.position(id)?;
        self.statements[position as usize].moderation = moderation;
        Ok(())
    }

    /// Records `participant`'s vote on `statement`; a later vote replaces an earlier one.
    ///
    /// ```
    /// use baraza_core::statements::*;
    /// let mut conversation = Conversation::new();
    /// let text = StatementText::parse("Open the library on Sundays")?;
    /// conversation.add_statement(StatementId(1), ParticipantId(9), text)?;
    /// let p = ParticipantId(7);
    /// assert_eq!(conversation.vote(p, StatementId(1), Vote::Agree)?, VoteOutcome::Recorded);
    /// let changed = conversation.vote(p, StatementId(1), Vote::Pass)?;
    /// assert_eq!(changed, VoteOutcome::Changed { previous: Vote::Agree });
    /// assert_eq!(conversation.vote_of(p, StatementId(1)), Some(Vote::Pass));
    /// assert_eq!(conversation.vote_count(), 1);
    /// let error = conversation.vote(p, StatementId(2), Vote::Agree).unwrap_err();
    /// assert_eq!(error.code(), baraza_core::ErrorCode::UnknownStatement);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vote(
        &mut self,
        participant: ParticipantId,
        statement: StatementId,
        vote: Vote,
    ) -> Result<VoteOutcome, ConversationError> {
        let position = self.position(statement)?;
        if self.statements[position as usize].moderation == Moderation::Rejected {
            return Err(ConversationError::StatementRejected { id: statement });
        }
        let row = self.votes.entry(participant).or_default();
        match row.binary_search_by_key(&position, |&(p, _)| p) {
            Ok(at) => {
                let previous = std::mem::replace(&mut row[at].1, vote);
                Ok(if previous == vote {
                    VoteOutcome::Unchanged
                } else {
                    VoteOutcome::Changed { previous }
                })
            }
            Err(at) => {
                row.insert(at, (position, vote));
                self.vote_count += 1;
                Ok(VoteOutcome::Recorded)
            }
        }
    }

    /// The statement with this id.
    pub fn statement(&self, id: StatementId) -> Option<&Statement> {
        self.index
            .get(&id)
            .map(|&position| &self.statements[position as usize])
    }

    /// Every statement, rejected ones included, in id order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> + '_ {
        self.index
            .values()
            .map(|&position| &self.statements[position as usize])
    }

    /// `participant`'s current vote on `statement`, if any.
    pub fn vote_of(&self, participant: ParticipantId, statement: StatementId) -> Option<Vote> {
        let position = *self.index.get(&statement)?;
        let row = self.votes.get(&participant)?;
        row.binary_search_by_key(&position, |&(p, _)| p)
            .ok()
            .map(|at| row[at].1)
    }

    /// `participant`'s current votes, as (statement, vote) in the order statements were added.
    pub fn votes_of(
        &self,
        participant: ParticipantId,
    ) -> impl Iterator<Item = (StatementId, Vote)> + '_ {
        self.votes
            .get(&participant)
            .into_iter()
            .flatten()
            .map(|&(position, vote)| (self.statements[position as usize].id, vote))
    }

    /// Everyone who has voted, in id order.
    pub fn participants(&self) -> impl Iterator<Item = ParticipantId> + '_ {
        self.votes.keys().copied()
    }

    /// How many participants have voted.
    pub fn participant_count(&self) -> usize {
        self.votes.len()
    }

    /// How many votes are held (one per participant and statement; changed votes count once).
    pub fn vote_count(&self) -> usize {
        self.vote_count
    }

    fn position(&self, id: StatementId) -> Result<u32, ConversationError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(ConversationError::UnknownStatement { id })
    }
}
