//! Citizen-facing text in several languages.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A BCP 47 language tag such as `en`, `sw` or `fr-CA`, checked for shape (a 2–8 letter primary
/// language, then 1–8 character alphanumeric subtags) but not against the IANA registry.
/// Comparison is case-insensitive, as BCP 47 requires.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

/// Why a string is not a [`LanguageTag`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{tag:?} is not a BCP 47 language tag (expected e.g. \"en\", \"sw\" or \"fr-CA\")")]
pub struct LanguageTagError {
    /// The rejected text.
    pub tag: String,
}

impl LanguageTag {
    /// Checks the shape of `tag` and wraps it.
    pub fn parse(tag: impl Into<String>) -> Result<Self, LanguageTagError> {
        let tag = tag.into();
        let mut subtags = tag.split('-');
        let primary_ok = subtags.next().is_some_and(|p| {
            (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
        let rest_ok = subtags
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()));
        if primary_ok && rest_ok {
            Ok(Self(tag))
        } else {
            Err(LanguageTagError { tag })
        }
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `sw` for `sw-KE`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    fn matches(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

impl PartialEq for LanguageTag {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = LanguageTagError;
    fn try_from(tag: String) -> Result<Self, Self::Error> {
        Self::parse(tag)
    }
}

impl From<LanguageTag> for String {
    fn from(tag: LanguageTag) -> Self {
        tag.0
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One piece of citizen-facing text in one or more languages, keyed by BCP 47 tag.
///
/// In JSON it is an object from language tag to text: `{"en": "Yes", "sw": "Ndiyo"}`. It is
/// never empty and no translation is blank.
///
/// [`LocalizedText::resolve`] picks the best translation for a reader:
///
/// ```
/// use baraza_core::{LanguageTag, LocalizedText};
/// let text = LocalizedText::new("en", "Water").unwrap().with("sw", "Maji").unwrap();
/// let english = LanguageTag::parse("en").unwrap();
/// assert_eq!(text.resolve(&["sw-KE"], &english), "Maji"); // falls back from sw-KE to sw
/// assert_eq!(text.resolve(&["fr"], &english), "Water"); // falls back to the default language
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, String>",
    into = "BTreeMap<String, String>"
)]
pub struct LocalizedText(Vec<(LanguageTag, String)>);

/// Why a [`LocalizedText`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalizedTextError {
    /// No translation at all.
    #[error("has no text in any language")]
    Empty,
    /// A key is not a language tag.
    #[error(transparent)]
    InvalidLanguage(#[from] LanguageTagError),
    /// A translation is empty or only whitespace.
    #[error("the {language} text is blank")]
    Blank {
        /// The language whose text is blank.
        language: String,
    },
    /// The same language (compared case-insensitively) appears twice.
    #[error("has two texts for language {language}")]
    DuplicateLanguage {
        /// The repeated language.
        language: String,
    },
}

impl LocalizedText {
    /// Text in one language.
    pub fn new(language: &str, text: impl Into<String>) -> Result<Self, LocalizedTextError> {
        Self(Vec::new()).with(language, text)
    }

    /// Adds a translation.
    pub fn with(
        mut self,
        language: &str,
        text: impl Into<String>,
    ) -> Result<Self, LocalizedTextError> {
        let language = LanguageTag::parse(language)?;
        let text = text.into();
        if text.trim().is_empty() {
            return Err(LocalizedTextError::Blank {
                language: language.0,
            });
        }
        if self.0.iter().any(|(existing, _)| *existing == language) {
            return Err(LocalizedTextError::DuplicateLanguage {
                language: language.0,
            });
        }
        // Kept sorted so equal texts compare equal however they were built.
        let key = language.0.to_ascii_lowercase();
        let position = self
            .0
            .partition_point(|(tag, _)| tag.0.to_ascii_lowercase() < key);
        self.0.insert(position, (language, text));
        Ok(self)
    }

    /// The text in exactly `language` (case-insensitive), if present.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(tag, _)| tag.matches(language))
            .map(|(_, text)| text.as_str())
    }

    /// Whether a translation exists for exactly `language`.
    pub fn has(&self, language: &LanguageTag) -> bool {
        self.get(language.as_str()).is_some()
    }

    /// The languages this text is available in.
    pub fn languages(&self) -> impl Iterator<Item = &LanguageTag> {
        self.0.iter().map(|(tag, _)| tag)
    }

    /// The best text for a reader who prefers `preferred` languages, in order.
    ///
    /// Fallback chain, first hit wins: for each preferred tag, an exact match, then a text whose
    /// primary language matches (`sw-KE` finds `sw`, and `sw` finds `sw-TZ`); then
    /// `default_language`; then the first translation in tag order. It always returns text.
    pub fn resolve(&self, preferred: &[&str], default_language: &LanguageTag) -> &str {
        for wanted in preferred {
            if let Some(text) = self.get(wanted) {
                return text;
            }
            let primary = wanted.split('-').next().unwrap_or(wanted);
            if let Some((_, text)) = self
                .0
                .iter()
                .find(|(tag, _)| tag.primary().eq_ignore_ascii_case(primary))
            {
                return text;
            }
        }
        self.get(default_language.as_str())
            .or_else(|| self.0.first().map(|(_, text)| text.as_str()))
            .unwrap_or_default()
    }
}

impl TryFrom<BTreeMap<String, String>> for LocalizedText {
    type Error = LocalizedTextError;
    fn try_from(map: BTreeMap<String, String>) -> Result<Self, Self::Error> {
        if map.is_empty() {
            return Err(LocalizedTextError::Empty);
        }
        map.into_iter()
            .try_fold(Self(Vec::new()), |text, (language, value)| {
                text.with(&language, value)
            })
    }
}

impl From<LocalizedText> for BTreeMap<String, String> {
    fn from(text: LocalizedText) -> Self {
        text.0
            .into_iter()
            .map(|(tag, value)| (tag.0, value))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).unwrap()
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        for ok in ["en", "sw-KE", "zh-Hant-TW", "fil"] {
            assert!(LanguageTag::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "e", "englishlanguage", "en_GB", "en-", "1a"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(tag("EN-gb"), tag("en-GB"));
    }

    #[test]
    fn resolve_walks_the_fallback_chain() {
        let text = LocalizedText::new("en", "Water")
            .unwrap()
            .with("sw-TZ", "Maji")
            .unwrap()
            .with("fr", "Eau")
            .unwrap();
        let en = tag("en");
        assert_eq!(text.resolve(&["fr"], &en), "Eau");
        assert_eq!(text.resolve(&["FR"], &en), "Eau");
        assert_eq!(text.resolve(&["sw"], &en), "Maji");
        assert_eq!(text.resolve(&["de", "fr-CA"], &en), "Eau");
        assert_eq!(text.resolve(&["de"], &en), "Water");
        assert_eq!(text.resolve(&[], &tag("de")), "Water");
    }

    #[test]
    fn rejects_empty_blank_and_duplicate_translations() {
        let empty: Result<LocalizedText, _> = serde_json::from_str("{}");
        assert!(empty.is_err());
        assert_eq!(
            LocalizedText::new("en", "  "),
            Err(LocalizedTextError::Blank {
                language: "en".into()
            })
        );
        assert_eq!(
            LocalizedText::new("en", "a").unwrap().with("EN", "b"),
            Err(LocalizedTextError::DuplicateLanguage {
                language: "EN".into()
            })
        );
    }

    #[test]
    fn json_shape_is_an_object_of_tags() {
        let text = LocalizedText::new("sw", "Maji")
            .unwrap()
            .with("en", "Water")
            .unwrap();
        let json = serde_json::to_string(&text).unwrap();
        assert_eq!(json, r#"{"en":"Water","sw":"Maji"}"#);
        assert_eq!(serde_json::from_str::<LocalizedText>(&json).unwrap(), text);
    }
}
