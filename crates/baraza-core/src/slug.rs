//! URL-safe identifiers for polls and their options.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest slug accepted, in bytes (slugs are ASCII).
pub const MAX_SLUG_LEN: usize = 64;

/// A URL-safe identifier: 1 to [`MAX_SLUG_LEN`] lower-case ASCII letters, digits and inner
/// hyphens, such as `water-tariffs-2027`.
///
/// A `Slug` can only be built by [`Slug::parse`], so every value in the program is valid and can
/// be put into a URL path without escaping.
///
/// ```
/// use baraza_core::Slug;
/// assert_eq!(Slug::parse("water-tariffs-2027").unwrap().as_str(), "water-tariffs-2027");
/// assert!(Slug::parse("Water Tariffs").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a string is not a valid [`Slug`] or [`OptionId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// The string is empty.
    #[error("is empty")]
    Empty,
    /// The string is longer than [`MAX_SLUG_LEN`].
    #[error("is {len} characters long; the limit is {MAX_SLUG_LEN}")]
    TooLong {
        /// Length of the rejected string, in bytes.
        len: usize,
    },
    /// The string contains a character outside `a-z`, `0-9` and `-`.
    #[error("contains {found:?}; only lower-case ASCII letters, digits and '-' are allowed")]
    InvalidCharacter {
        /// The first offending character.
        found: char,
    },
    /// The string starts or ends with a hyphen.
    #[error("must not start or end with '-'")]
    EdgeHyphen,
}

impl Slug {
    /// Checks `text` and wraps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, SlugError> {
        let text = text.into();
        if text.is_empty() {
            return Err(SlugError::Empty);
        }
        if text.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong { len: text.len() });
        }
        if let Some(found) = text
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SlugError::InvalidCharacter { found });
        }
        if text.starts_with('-') || text.ends_with('-') {
            return Err(SlugError::EdgeHyphen);
        }
        Ok(Self(text))
    }

    /// The slug as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(text)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl FromStr for Slug {
    type Err = SlugError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identifier of one option within a poll, with the same rules as [`Slug`] (e.g.
/// `keep-flat-rate`). Ballots name options by id, so ids stay stable when labels are reworded
/// or translated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptionId(Slug);

impl OptionId {
    /// Checks `text` and wraps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, SlugError> {
        Slug::parse(text).map(Self)
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for OptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_digits_and_inner_hyphens() {
        for ok in ["a", "water-tariffs-2027", "x1", &"a".repeat(MAX_SLUG_LEN)] {
            assert_eq!(Slug::parse(ok).map(String::from), Ok(ok.to_owned()));
        }
    }

    #[test]
    fn rejects_each_rule_with_its_own_error() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(
            Slug::parse("a".repeat(MAX_SLUG_LEN + 1)),
            Err(SlugError::TooLong {
                len: MAX_SLUG_LEN + 1
            })
        );
        assert_eq!(
            Slug::parse("Water"),
            Err(SlugError::InvalidCharacter { found: 'W' })
        );
        assert_eq!(
            Slug::parse("a b"),
            Err(SlugError::InvalidCharacter { found: ' ' })
        );
        assert_eq!(
            Slug::parse("a/../b"),
            Err(SlugError::InvalidCharacter { found: '/' })
        );
        assert_eq!(Slug::parse("-a"), Err(SlugError::EdgeHyphen));
        assert_eq!(Slug::parse("a-"), Err(SlugError::EdgeHyphen));
    }

    #[test]
    fn deserialising_applies_the_same_rules() {
        let parsed: Result<Slug, _> = serde_json::from_str("\"Bad Slug\"");
        assert!(parsed.is_err());
        let parsed: OptionId = serde_json::from_str("\"keep\"").unwrap();
        assert_eq!(parsed.as_str(), "keep");
    }
}
