//! Poll definitions and their life cycle.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::definition::{
    DefinitionProblem, check_default_language, check_item_id, check_slug, report,
    require_default_language,
};
use crate::score::Scale;
use crate::slug::{OptionId, Slug};
use crate::text::{LanguageTag, LocalizedText};

/// The fewest options a poll may offer.
pub const MIN_OPTIONS: usize = 2;
/// The most options a poll may offer; more would not fit a phone screen as a list.
pub const MAX_OPTIONS: usize = 20;

/// How citizens answer a poll.
///
/// JSON: `{"type": "single_choice"}`,
/// `{"type": "multiple_choice", "min_selections": 1, "max_selections": 3}`,
/// `{"type": "approval"}`, `{"type": "ranked"}` or
/// `{"type": "score", "scale": {"min": 1, "max": 5}}` (with an optional `"require_all": true`).
///
/// # Approval
/// An approval ballot selects any subset of the options: none, some or all (Brams and Fishburn,
/// "Approval Voting", *American Political Science Review* 72(3), 1978). An **empty approval
/// ballot is valid**: it is counted in [`PollTally::total_ballots`](crate::PollTally::total_ballots)
/// as a ballot that approves nothing, so it lowers every option's approval share. A client that
/// wants to guard against accidental empty ballots should ask the citizen to confirm; the core
/// does not treat them as abstentions. The winners are the options with the most approvals
/// (every tied option wins; see [`PollTally::leaders`](crate::PollTally::leaders)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "KindFields", into = "KindFields")]
pub enum PollKind {
    /// Exactly one option.
    SingleChoice,
    /// Between `min_selections` and `max_selections` options, inclusive.
    MultipleChoice {
        /// The fewest options a ballot must select (at least 1).
        min_selections: u32,
        /// The most options a ballot may select (at most the number of options).
        max_selections: u32,
    },
    /// Any subset of the options, from none to all of them; see the type's docs.
    Approval,
    /// The options ranked in order of preference, one or more of them (selections in the
    /// ballot's order, most preferred first), counted by instant-runoff voting: one winner, as
    /// [`crate::ranked`] counts it with its default rules (RCTab's), ties broken by the earlier
    /// rounds and then by the option order.
    Ranked,
    /// Each option rated on a scale of at most [`MAX_POLL_SCALE_POINTS`] points (1–5 stars,
    /// 0–10). A ballot rates at least one option, every option when `require_all` is set; an
    /// option left unrated is not a zero, it simply does not count for that option. Counted as
    /// [`crate::score`] explains: per option the number of ratings, the distribution, the mean
    /// and the median.
    Score {
        /// The scale every option is rated on.
        scale: Scale,
        /// Whether a ballot must rate every option.
        require_all: bool,
    },
}

/// The most points a score poll's scale may have: 0–10, the widest scale that still fits a
/// phone screen as a row of choices and a USSD menu as one screen.
pub const MAX_POLL_SCALE_POINTS: usize = 11;

/// The JSON shape of [`PollKind`]. A flat struct rather than serde's internally tagged enum,
/// whose generic input buffering costs the browser bundle several kilobytes.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFields {
    #[serde(rename = "type")]
    name: KindName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_selections: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_selections: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scale: Option<Scale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    require_all: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    SingleChoice,
    MultipleChoice,
    Approval,
    Ranked,
    Score,
}

/// Why a poll kind's JSON is inconsistent.
#[derive(Debug, thiserror::Error)]
enum KindError {
    #[error("single_choice takes no min_selections or max_selections")]
    BoundsOnSingleChoice,
    #[error("multiple_choice needs both min_selections and max_selections")]
    MissingMultipleChoiceBounds,
    #[error("approval takes no min_selections or max_selections")]
    BoundsOnApproval,
    #[error("ranked takes no min_selections or max_selections")]
    BoundsOnRanked,
    #[error("only score polls take scale or require_all")]
    ScaleOnChoice,
    #[error("score needs a scale and takes no min_selections or max_selections")]
    ScoreFields,
}

impl TryFrom<KindFields> for PollKind {
    type Error = KindError;
    fn try_from(fields: KindFields) -> Result<Self, Self::Error> {
        if !matches!(fields.name, KindName::Score)
            && (fields.scale.is_some() || fields.require_all.is_some())
        {
            return Err(KindError::ScaleOnChoice);
        }
        match (fields.name, fields.min_selections, fields.max_selections) {
            (KindName::SingleChoice, None, None) => Ok(Self::SingleChoice),
            (KindName::SingleChoice, _, _) => Err(KindError::BoundsOnSingleChoice),
            (KindName::MultipleChoice, Some(min_selections), Some(max_selections)) => {
                Ok(Self::MultipleChoice {
                    min_selections,
                    max_selections,
                })
            }
            (KindName::MultipleChoice, _, _) => Err(KindError::MissingMultipleChoiceBounds),
            (KindName::Approval, None, None) => Ok(Self::Approval),
            (KindName::Approval, _, _) => Err(KindError::BoundsOnApproval),
            (KindName::Ranked, None, None) => Ok(Self::Ranked),
            (KindName::Ranked, _, _) => Err(KindError::BoundsOnRanked),
            (KindName::Score, None, None) => match fields.scale {
                Some(scale) => Ok(Self::Score {
                    scale,
                    require_all: fields.require_all.unwrap_or(false),
                }),
                None => Err(KindError::ScoreFields),
            },
            (KindName::Score, _, _) => Err(KindError::ScoreFields),
        }
    }
}

impl From<PollKind> for KindFields {
    fn from(kind: PollKind) -> Self {
        let (name, min_selections, max_selections, scale, require_all) = match kind {
            PollKind::SingleChoice => (KindName::SingleChoice, None, None, None, None),
            PollKind::MultipleChoice {
                min_selections,
                max_selections,
            } => (
                KindName::MultipleChoice,
                Some(min_selections),
                Some(max_selections),
                None,
                None,
            ),
            PollKind::Approval => (KindName::Approval, None, None, None, None),
            PollKind::Ranked => (KindName::Ranked, None, None, None, None),
            PollKind::Score { scale, require_all } => (
                KindName::Score,
                None,
                None,
                Some(scale),
                // Written only when set, so the JSON of a poll that does not need it stays short.
                require_all.then_some(true),
            ),
        };
        Self {
            name,
            min_selections,
            max_selections,
            scale,
            require_all,
        }
    }
}

impl PollKind {
    /// The inclusive range of how many options a ballot selects, as far as the kind alone can
    /// tell.
    ///
    /// Exact for single and multiple choice. For [`PollKind::Approval`] the upper bound depends
    /// on the number of options, which the kind does not know, so this returns
    /// `(0, MAX_OPTIONS)`: a safe bound (a valid approval ballot never selects more options
    /// than the poll has, and no poll has more than [`MAX_OPTIONS`]) but not the poll's own.
    /// Prefer [`Poll::selection_range`] or [`crate::v1::PollView::selection_range`], which know
    /// the options; use [`PollKind::selection_range_for`] when only the count is at hand.
    pub fn selection_range(self) -> (u32, u32) {
        self.selection_range_for(MAX_OPTIONS)
    }

    /// The inclusive range of how many options a ballot selects (rates, in a score poll) in a
    /// poll of `option_count` options. For approval that is `(0, option_count)`; for score
    /// `(1, option_count)`, or `(option_count, option_count)` when every option must be rated;
    /// the other kinds ignore the count.
    pub fn selection_range_for(self, option_count: usize) -> (u32, u32) {
        let all = u32::try_from(option_count).unwrap_or(u32::MAX);
        match self {
            Self::SingleChoice => (1, 1),
            Self::MultipleChoice {
                min_selections,
                max_selections,
            } => (min_selections, max_selections),
            Self::Approval => (0, all),
            Self::Ranked => (1, all),
            Self::Score {
                require_all: true, ..
            } => (all, all),
            Self::Score { .. } => (1, all),
        }
    }

    /// The scale of a score poll; `None` for the choice kinds.
    pub fn scale(self) -> Option<Scale> {
        match self {
            Self::Score { scale, .. } => Some(scale),
            _ => None,
        }
    }

    /// Whether a ballot may select any subset of the options.
    pub fn is_approval(self) -> bool {
        matches!(self, Self::Approval)
    }

    /// Whether a ballot ranks the options (its selections are in order of preference).
    pub fn is_ranked(self) -> bool {
        matches!(self, Self::Ranked)
    }

    /// Whether a ballot selects exactly one option.
    pub fn is_single_choice(self) -> bool {
        matches!(self, Self::SingleChoice)
    }
}

/// The status an official sets on a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    /// Being prepared; invisible to citizens.
    Draft,
    /// Published; takes ballots between its opening and closing instants.
    Open,
    /// Closed early or by hand; shows results only.
    Closed,
}

/// Where a poll stands at a given instant, combining its [`PollStatus`] with its schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollPhase {
    /// Not published.
    Draft,
    /// Published, but its opening instant has not come yet.
    Upcoming,
    /// Taking ballots.
    Open,
    /// No longer taking ballots: closed by status or past its closing instant.
    Closed,
}

/// One answer a citizen can choose.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    /// Stable id used by ballots.
    pub id: OptionId,
    /// The text shown to citizens.
    pub label: LocalizedText,
}

/// A poll definition as written by an official or stored: the unchecked shape of a [`Poll`].
///
/// ```
/// use baraza_core::{Poll, PollSpec};
/// let spec: PollSpec = serde_json::from_str(r#"{
///     "slug": "water-tariffs-2027",
///     "default_language": "en",
///     "question": {"en": "Which tariff do you prefer?", "sw": "Unapendelea ushuru upi?"},
///     "kind": {"type": "single_choice"},
///     "options": [
///         {"id": "flat", "label": {"en": "A flat rate"}},
///         {"id": "tiered", "label": {"en": "Tiers by use"}}
///     ],
///     "status": "open"
/// }"#).unwrap();
/// let poll = Poll::try_from(spec).unwrap();
/// assert_eq!(poll.options().len(), 2);
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollSpec {
    /// URL-safe identifier, see [`Slug`].
    pub slug: String,
    /// Language every citizen-facing text must have; the last resort of the fallback chain.
    pub default_language: String,
    /// The question asked.
    pub question: LocalizedText,
    /// How citizens answer.
    pub kind: PollKind,
    /// The answers offered, in display order.
    pub options: Vec<PollOptionSpec>,
    /// The official's status.
    pub status: PollStatus,
    /// When ballots start being accepted (RFC 3339); absent means as soon as the status is open.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub opens_at: Option<OffsetDateTime>,
    /// When ballots stop being accepted (RFC 3339, exclusive); absent means never.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Rfc3339>"))]
    pub closes_at: Option<OffsetDateTime>,
}

/// One option of a [`PollSpec`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollOptionSpec {
    /// Stable id, same rules as [`Slug`].
    pub id: String,
    /// The text shown to citizens.
    pub label: LocalizedText,
}

/// A problem with a poll definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PollDefinitionError {
    /// A problem every instrument's definition can have: slug, default language, a text
    /// lacking it, an option id malformed or used twice.
    #[error(transparent)]
    Definition(#[from] DefinitionProblem),
    /// Fewer than [`MIN_OPTIONS`] or more than [`MAX_OPTIONS`] options.
    #[error("a poll needs {MIN_OPTIONS} to {MAX_OPTIONS} options; this one has {count}")]
    OptionCount {
        /// How many options the definition has.
        count: usize,
    },
    /// The multiple-choice bounds are impossible.
    #[error(
        "selections must satisfy 1 <= min_selections <= max_selections <= number of options; \
         got min {min}, max {max} with {options} options"
    )]
    InvalidSelectionRange {
        /// `min_selections` as given.
        min: u32,
        /// `max_selections` as given.
        max: u32,
        /// Number of options.
        options: usize,
    },
    /// The poll closes before (or when) it opens.
    #[error("closes_at must be after opens_at")]
    ClosesBeforeOpening,
    /// A score poll's scale has more than [`MAX_POLL_SCALE_POINTS`] points.
    #[error(
        "a score poll's scale has at most {MAX_POLL_SCALE_POINTS} points (such as 0 to 10); \
         {min} to {max} has {points}"
    )]
    ScaleTooWide {
        /// The scale's lowest score.
        min: i32,
        /// The scale's highest score.
        max: i32,
        /// How many points it has.
        points: usize,
    },
}

impl PollDefinitionError {
    /// The stable code of this problem: every definition problem is
    /// [`crate::ErrorCode::InvalidPollDefinition`]; its message names the field and the rule.
    pub fn code(&self) -> crate::ErrorCode {
        crate::ErrorCode::InvalidPollDefinition
    }
}

/// Every problem found in a poll definition (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollDefinitionErrors(pub Vec<PollDefinitionError>);

impl fmt::Display for PollDefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl std::error::Error for PollDefinitionErrors {}

pub(crate) fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Why a poll does not take ballots at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PollNotOpen {
    /// The poll is a draft.
    #[error("the poll is not published")]
    Draft,
    /// The poll opens later.
    #[error("the poll has not opened yet")]
    NotYetOpen,
    /// The poll is closed.
    #[error("the poll is closed")]
    Closed,
}

/// A checked poll definition: every invariant of [`PollSpec`] holds.
///
/// Fields are private so a `Poll` cannot be made invalid after it was checked; read them with
/// the getters. Serialises to, and deserialises (with checks) from, the [`PollSpec`] shape.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PollSpec", into = "PollSpec")]
pub struct Poll {
    slug: Slug,
    default_language: LanguageTag,
    question: LocalizedText,
    kind: PollKind,
    options: Vec<PollOption>,
    status: PollStatus,
    opens_at: Option<OffsetDateTime>,
    closes_at: Option<OffsetDateTime>,
}

/// Checks a definition's slug and default language, and that the question and every option
/// label have a text in the default language. Invalid parts come back as `None`.
pub(crate) fn check_header<E: From<DefinitionProblem>>(
    slug: &str,
    default_language: String,
    question: &LocalizedText,
    options: &[PollOptionSpec],
    errors: &mut Vec<E>,
) -> (Option<Slug>, Option<LanguageTag>) {
    let checked_slug = report(check_slug(slug), errors);
    let language = report(check_default_language(default_language), errors);
    let question = require_default_language(language.as_ref(), || "question".to_owned(), question);
    report(question, errors);
    for (index, option) in options.iter().enumerate() {
        let label = require_default_language(
            language.as_ref(),
            || format!("options[{index}].label"),
            &option.label,
        );
        report(label, errors);
    }
    (checked_slug, language)
}

/// Turns the option specs of the list `list` (e.g. `options`) into options, reporting
/// malformed and repeated ids. With `language`, each option's label is first checked to have
/// it (polls and score questions check their labels with the question instead, see
/// [`check_header`], so their problems keep that order).
pub(crate) fn check_options<E: From<DefinitionProblem>>(
    list: &str,
    specs: Vec<PollOptionSpec>,
    language: Option<&LanguageTag>,
    errors: &mut Vec<E>,
) -> Vec<PollOption> {
    let mut options: Vec<PollOption> = Vec::with_capacity(specs.len());
    for (index, option) in specs.into_iter().enumerate() {
        let label =
            require_default_language(language, || format!("{list}[{index}].label"), &option.label);
        report(label, errors);
        let id = check_item_id(
            option.id,
            || format!("{list}[{index}].id"),
            OptionId::parse,
            |id| options.iter().any(|o| &o.id == id),
        );
        if let Some(id) = report(id, errors) {
            options.push(PollOption {
                id,
                label: option.label,
            });
        }
    }
    options
}

impl TryFrom<PollSpec> for Poll {
    type Error = PollDefinitionErrors;

    fn try_from(spec: PollSpec) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let (slug, default_language) = check_header(
            &spec.slug,
            spec.default_language,
            &spec.question,
            &spec.options,
            &mut errors,
        );
        let spec_option_count = spec.options.len();
        if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&spec_option_count) {
            errors.push(PollDefinitionError::OptionCount {
                count: spec.options.len(),
            });
        }
        let options = check_options("options", spec.options, None, &mut errors);
        if let PollKind::MultipleChoice {
            min_selections: min,
            max_selections: max,
        } = spec.kind
        {
            // Judged against the options as listed, so a duplicate id is reported once, as such.
            let listed = spec_option_count;
            let count = u32::try_from(listed).unwrap_or(u32::MAX);
            if min < 1 || min > max || max > count {
                errors.push(PollDefinitionError::InvalidSelectionRange {
                    min,
                    max,
                    options: listed,
                });
            }
        }
        if let Some(scale) = spec.kind.scale()
            && scale.points() > MAX_POLL_SCALE_POINTS
        {
            errors.push(PollDefinitionError::ScaleTooWide {
                min: scale.min(),
                max: scale.max(),
                points: scale.points(),
            });
        }
        if let (Some(opens), Some(closes)) = (spec.opens_at, spec.closes_at)
            && closes <= opens
        {
            errors.push(PollDefinitionError::ClosesBeforeOpening);
        }
        match (slug, default_language) {
            (Some(slug), Some(default_language)) if errors.is_empty() => Ok(Self {
                slug,
                default_language,
                question: spec.question,
                kind: spec.kind,
                options,
                status: spec.status,
                opens_at: spec.opens_at,
                closes_at: spec.closes_at,
            }),
            _ => Err(PollDefinitionErrors(errors)),
        }
    }
}

impl From<Poll> for PollSpec {
    fn from(poll: Poll) -> Self {
        Self {
            slug: poll.slug.into(),
            default_language: poll.default_language.into(),
            question: poll.question,
            kind: poll.kind,
            options: poll
                .options
                .into_iter()
                .map(|o| PollOptionSpec {
                    id: o.id.as_str().to_owned(),
                    label: o.label,
                })
                .collect(),
            status: poll.status,
            opens_at: poll.opens_at,
            closes_at: poll.closes_at,
        }
    }
}

impl Poll {
    /// The poll's URL-safe identifier.
    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The language every text is guaranteed to have.
    pub fn default_language(&self) -> &LanguageTag {
        &self.default_language
    }

    /// The question asked.
    pub fn question(&self) -> &LocalizedText {
        &self.question
    }

    /// How citizens answer.
    pub fn kind(&self) -> PollKind {
        self.kind
    }

    /// The options, in display order.
    pub fn options(&self) -> &[PollOption] {
        &self.options
    }

    /// The official's status.
    pub fn status(&self) -> PollStatus {
        self.status
    }

    /// When ballots start being accepted, if scheduled.
    pub fn opens_at(&self) -> Option<OffsetDateTime> {
        self.opens_at
    }

    /// When ballots stop being accepted (exclusive), if scheduled.
    pub fn closes_at(&self) -> Option<OffsetDateTime> {
        self.closes_at
    }

    /// The inclusive range of how many options a ballot of this poll selects: `(1, 1)` for
    /// single choice, the bounds for multiple choice, `(0, number of options)` for approval.
    pub fn selection_range(&self) -> (u32, u32) {
        self.kind.selection_range_for(self.options.len())
    }

    /// The position of the option with this id.
    pub fn option_index(&self, id: &str) -> Option<usize> {
        self.options.iter().position(|o| o.id.as_str() == id)
    }

    /// Where the poll stands at `now`. Opening is inclusive, closing exclusive.
    pub fn phase_at(&self, now: OffsetDateTime) -> PollPhase {
        match self.status {
            PollStatus::Draft => PollPhase::Draft,
            PollStatus::Closed => PollPhase::Closed,
            PollStatus::Open if self.closes_at.is_some_and(|closes| now >= closes) => {
                PollPhase::Closed
            }
            PollStatus::Open if self.opens_at.is_some_and(|opens| now < opens) => {
                PollPhase::Upcoming
            }
            PollStatus::Open => PollPhase::Open,
        }
    }

    /// `Ok` when the poll takes ballots at `now`, otherwise why not.
    pub fn check_open_at(&self, now: OffsetDateTime) -> Result<(), PollNotOpen> {
        match self.phase_at(now) {
            PollPhase::Open => Ok(()),
            PollPhase::Draft => Err(PollNotOpen::Draft),
            PollPhase::Upcoming => Err(PollNotOpen::NotYetOpen),
            PollPhase::Closed => Err(PollNotOpen::Closed),
        }
    }
}
