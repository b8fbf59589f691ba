//! Problems every instrument's definition can have, and the checks that find them.
//!
//! Polls, score questions, feedback forms and consultations all have a slug, a default
//! language that every citizen-facing text must have, and lists of items (options, questions,
//! choices, sections) with slug-shaped ids unique within their list. [`DefinitionProblem`]
//! describes what can be wrong with those parts; each instrument's own error type holds it in
//! one variant (e.g. [`PollDefinitionError::Definition`](crate::PollDefinitionError::Definition)),
//! next to the rules only that instrument has. The checks below are the only place these rules
//! are written, so the instruments cannot drift apart.

use crate::slug::{Slug, SlugError};
use crate::text::{LanguageTag, LanguageTagError, LocalizedText};

/// A problem with a part that every instrument's definition shares: the slug, the default
/// language, a text lacking it, or the id of an item in a list.
///
/// Fields are named by their path in the definition's JSON, such as `question`,
/// `options[2].label` or `questions[1].id`, so one variant serves options, questions, choices
/// and sections; [`DefinitionProblem::index_in`] reads the position back.
///
/// ```
/// use baraza_core::{DefinitionProblem, Poll, PollDefinitionError, PollSpec};
/// let spec: PollSpec = serde_json::from_str(r#"{
///     "slug": "buses", "default_language": "en", "question": {"en": "Which route?"},
///     "kind": {"type": "single_choice"}, "status": "open",
///     "options": [{"id": "north", "label": {"en": "North"}},
///                 {"id": "north", "label": {"en": "North again"}}]
/// }"#)?;
/// let errors = Poll::try_from(spec).unwrap_err();
/// let PollDefinitionError::Definition(problem) = &errors.0[0] else { panic!("{errors}") };
/// assert_eq!(problem.field(), "options[1].id");
/// assert_eq!(problem.index_in("options"), Some(1));
/// assert_eq!(problem.to_string(), r#"options[1].id "north" is used twice"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionProblem {
    /// The slug is not URL-safe.
    #[error("slug {slug:?} {source}")]
    InvalidSlug {
        /// The rejected slug.
        slug: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// The default language is not a language tag.
    #[error("default_language: {0}")]
    InvalidDefaultLanguage(LanguageTagError),
    /// A text lacks the default language.
    #[error("{field} has no text in the default language {language}")]
    MissingDefaultLanguage {
        /// Which text, e.g. `question`, `options[2].label` or `questions[1].prompt`.
        field: String,
        /// The default language.
        language: String,
    },
    /// An item's id is not URL-safe.
    #[error("{field} {id:?} {source}")]
    InvalidId {
        /// Which id, e.g. `options[2].id` or `questions[1].kind.options[0].id`.
        field: String,
        /// The rejected id.
        id: String,
        /// Which rule it breaks.
        source: SlugError,
    },
    /// An item's id is already used by an earlier item of the same list.
    #[error("{field} {id:?} is used twice")]
    DuplicateId {
        /// The later of the two ids, e.g. `options[3].id`.
        field: String,
        /// The repeated id.
        id: String,
    },
}

impl DefinitionProblem {
    /// The path of the field at fault: `slug`, `default_language`, or the text's or id's path
    /// such as `options[2].label`.
    pub fn field(&self) -> &str {
        match self {
            Self::InvalidSlug { .. } => "slug",
            Self::InvalidDefaultLanguage(_) => "default_language",
            Self::MissingDefaultLanguage { field, .. }
            | Self::InvalidId { field, .. }
            | Self::DuplicateId { field, .. } => field,
        }
    }

    /// The position of the item of `list` the problem is about: `Some(2)` for the field
    /// `options[2].label` and the list `options`; `None` when the field is not in that list.
    pub fn index_in(&self, list: &str) -> Option<usize> {
        self.field()
            .strip_prefix(list)?
            .strip_prefix('[')?
            .split_once(']')?
            .0
            .parse()
            .ok()
    }
}

/// Adds a failed check's problem to `errors`, giving back what a successful one checked.
pub(crate) fn report<T, E: From<DefinitionProblem>>(
    checked: Result<T, DefinitionProblem>,
    errors: &mut Vec<E>,
) -> Option<T> {
    checked.map_err(|problem| errors.push(problem.into())).ok()
}

/// Checks a definition's slug.
pub(crate) fn check_slug(slug: &str) -> Result<Slug, DefinitionProblem> {
    Slug::parse(slug).map_err(|source| DefinitionProblem::InvalidSlug {
        slug: slug.to_owned(),
        source,
    })
}

/// Checks a definition's default language.
pub(crate) fn check_default_language(
    tag: impl Into<String>,
) -> Result<LanguageTag, DefinitionProblem> {
    LanguageTag::parse(tag).map_err(DefinitionProblem::InvalidDefaultLanguage)
}

/// Checks that `text` has the default language; `field` (computed only when it lacks it)
/// names the text. With no language (an invalid one, reported already) there is nothing to
/// check against, and the text passes.
pub(crate) fn require_default_language(
    language: Option<&LanguageTag>,
    field: impl FnOnce() -> String,
    text: &LocalizedText,
) -> Result<(), DefinitionProblem> {
    match language {
        Some(language) if !text.has(language) => Err(DefinitionProblem::MissingDefaultLanguage {
            field: field(),
            language: language.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Parses the id of an item of a list: `parse` checks its shape and `is_taken` says whether an
/// earlier item of the list has it already. `field` (computed only on a problem) is the id's
/// path, such as `options[2].id`.
pub(crate) fn check_item_id<T>(
    id: String,
    field: impl FnOnce() -> String,
    parse: impl FnOnce(String) -> Result<T, SlugError>,
    is_taken: impl FnOnce(&T) -> bool,
) -> Result<T, DefinitionProblem> {
    match parse(id.clone()) {
        Ok(parsed) if is_taken(&parsed) => {
            Err(DefinitionProblem::DuplicateId { field: field(), id })
        }
        Ok(parsed) => Ok(parsed),
        Err(source) => Err(DefinitionProblem::InvalidId {
            field: field(),
            id,
            source,
        }),
    }
}
