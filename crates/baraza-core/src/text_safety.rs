//! Free text from citizens, made safe to store: normalised, cleaned, bounded and with personal
//! data redacted.
//!
//! A comment box on a ministry page receives whatever people type or paste, and people paste
//! their phone number, their e-mail address, sometimes their ID or card number, "so you can call
//! me back". Baraza publishes and analyses these texts, so personal data must not be stored in the
//! first place (data minimisation, GDPR art. 5(1)(c); Kenya's Data Protection Act 2019, s. 25).
//! [`CitizenText::new`] is the one door through which free text enters storage:
//!
//! ```
//! use baraza_core::text_safety::{CitizenText, TextLimits};
//!
//! let text = CitizenText::new(
//!     "  Please fix the pump. Call me on +254 712 345 678 or mail jane+water@mail.example.co.ke\u{0007}  ",
//!     TextLimits::default(),
//! )?;
//! assert_eq!(text.as_str(), "Please fix the pump. Call me on [phone] or mail [email]");
//! assert_eq!((text.redactions().phone, text.redactions().email), (1, 1));
//! # Ok::<(), baraza_core::text_safety::CitizenTextError>(())
//! ```
//!
//! # The steps, in order
//!
//! 1. **Control characters** ([`clean`]): line breaks are unified to `\n` (`\r\n`, a lone `\r`,
//!    NEL U+0085, LINE SEPARATOR U+2028 and PARAGRAPH SEPARATOR U+2029 all become `\n`). Tab
//!    (`\t`) and `\n` are kept; every other C0/C1 control character (Unicode category `Cc`) is
//!    removed, as are the byte-order mark U+FEFF and the bidirectional embedding, override and
//!    isolate controls U+202A–U+202E and U+2066–U+2069, which can make a text display in an order
//!    other than the one it is stored in ("Trojan Source", Boucher & Anderson 2021; Unicode
//!    TR #36 §2.4). The marks U+200E/U+200F, ZWJ and ZWNJ are kept: scripts and emoji need them.
//! 2. **Normalisation** to NFC (Unicode Standard Annex #15), so that `é` typed as one code point
//!    and `e` + U+0301 are stored, compared, counted and searched alike. Removing controls comes
//!    first because removing a character can leave a sequence that is no longer normalised.
//! 3. **Trimming** of leading and trailing white space (Unicode `White_Space`). Inner white
//!    space, including blank lines, is kept as typed.
//! 4. **Redaction** ([`redact`]) of e-mail addresses, phone numbers, payment-card numbers and
//!    ID-like digit runs, each replaced by a typed placeholder (see [`RedactionKind`]); the counts
//!    per kind are kept ([`RedactionCounts`]) so the server can tell the citizen what was removed.
//!    The result is normalised again if a replacement left it unnormalised.
//! 5. **Length limits** ([`TextLimits`], in Unicode scalar values, i.e. Rust `char`s) are checked
//!    on the text as it will be stored, after all of the above. A widget that counts the
//!    characters a citizen types is therefore close but not exact: cleaning, trimming and
//!    redaction usually shorten a text, and only a 6-character e-mail address (`a@b.co`, stored
//!    as the 7-character `[email]`) or one of the rare characters whose NFC form is longer can
//!    lengthen it. The server's verdict ([`CitizenTextError`]) is authoritative.
//!
//! The core's other free-text types check shape only and leave redaction to this module; build
//! them from the cleaned text:
//!
//! ```
//! use baraza_core::consultation::CommentText;
//! use baraza_core::text_safety::{CitizenText, TextLimits};
//!
//! let safe = CitizenText::new("Agree. Reach me at 0722 123456.", TextLimits::default())?;
//! let comment = CommentText::parse(safe.into_string(), 2000)?;
//! assert_eq!(comment.as_str(), "Agree. Reach me at [phone].");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Text stays text
//!
//! Nothing here interprets HTML, Markdown or any other markup: `<b>hi</b>` is stored as those ten
//! characters, neither stripped nor escaped, and this module offers nothing that decodes or
//! un-escapes entities. Every renderer must escape the text for its output context (HTML text
//! node, attribute, JSON, CSV, SMS...), as the OWASP Cross Site Scripting Prevention Cheat Sheet
//! prescribes; escaping at storage time would double-escape in some outputs and under-escape in
//! others.
//!
//! # What is redacted, and what is not
//!
//! Detection is hand-written scanning, linear in the length of the text, with no regular
//! expressions (which would add far more to the browser bundle than this module does). Matching
//! prefers redacting too much over too little: a false positive hides a number the citizen meant
//! to share, a false negative stores someone's personal data.
//!
//! **`[email]`** — an address `local@domain` ([RFC 5322] dot-atom shape, generously read): the
//! local part is a run of letters, digits (any script) and `. _ % + -` (so `+tags` are covered);
//! the domain is two or more labels of letters, digits (any script, so internationalised domain
//! names count) and `-`, separated by single dots, the last label (TLD) being two or more letters
//! or a punycode `xn--` label. Sub-domains are covered (`a@mail.example.co.ke`). A trailing dot
//! or hyphen ends the address (`mail a@b.com.` keeps its full stop). *Not* detected:
//! obfuscations (`jane at example dot com`), quoted local parts, IP-literal domains and
//! dot-less domains (`user@localhost`).
//!
//! Digits, for the three rules below, are the ASCII digits `0`–`9` only; numbers written in other
//! digit scripts (Arabic-Indic, Devanagari, full-width) are not detected. A *number* is a run of
//! digit groups joined by separators: a space (or no-break, narrow no-break or thin space), `-`,
//! `.`, and parentheses, at most one space/dash/dot between two groups (so `(020) 7946`,
//! `+44 (0)20` and `) (` work). Commas and `/` end a number, so `1,500,000` and `12/03/2024` are
//! never one. Every rule below looks at consecutive groups of one number (up to eight groups),
//! tries the longest first, and needs something other than a letter or digit on both sides.
//!
//! **`[phone]`**, in this order:
//! * *International*: `+` or `00` then 8 to 15 digits ([ITU-T E.164] caps numbers at 15;
//!   the national trunk `(0)` in `+44 (0)20 7946 0958` is not counted), in any grouping:
//!   `+254 712 345 678`, `+254712345678`, `+33 6 12 34 56 78`, `+1 (555) 123-4567`,
//!   `0044 20 7946 0958`.
//! * *National, with a trunk prefix `0`* (Kenya, the UK, France, Germany, Nigeria, South Africa,
//!   India and most of the world outside North America): 9 to 11 digits starting with one `0`,
//!   every group at least two digits: `0712 345 678`, `0712345678`, `020 7946 0958`,
//!   `07700 900123`, `06 12 34 56 78`, `06.12.34.56.78`, `030 1234567`.
//! * *North American*: `NXX NXX XXXX` (area code and exchange starting 2–9), in groups, with an
//!   optional leading `1`: `(555) 234-5678`, `555-234-5678`, `555.234.5678`, `1 555 234 5678`.
//!
//! Not detected as phones: national numbers without a trunk prefix in other shapes (Spanish
//! `612 34 56 78`, Kenyan `712 345 678` without its `0`), 7-digit local numbers (`555-1234`),
//! a country code without `+` or `00` (`254712345678` — but see `[id]`), and extensions.
//!
//! **`[card]`** — a payment-card number ([ISO/IEC 7812-1]): 13 to 19 digits that pass the Luhn
//! check (H. P. Luhn, US patent 2,950,048, 1960), written either without separators or in the
//! usual groupings with one consistent separator (space, `-` or `.`): groups of four with a
//! shorter last group (`4111 1111 1111 1111`, `4111-1111-1111-1111`, 19-digit `4-4-4-4-3`), and
//! the 4-6-5 and 4-6-4 groupings of American Express and Diners Club (`3782 822463 10005`).
//! A 13–19 digit number that fails the Luhn check is not a card: without separators it becomes
//! `[id]` (next rule); in groups of four it is kept — it is no valid card, and any four
//! consecutive years (`2019 2020 2021 2022`) would otherwise disappear.
//!
//! **`[id]`** — national-ID-like numbers:
//! * any run of **7 or more consecutive digits** not matched by a rule above nor kept as a date
//!   or amount (below). National ID, passport, tax (KRA PIN, NIR), student and account numbers
//!   are mostly 7 to 13 consecutive digits, so this is the catch-all. When the run touches
//!   letters (`A012345678Z`, `tel0712345678`), the whole alphanumeric word is replaced, so no
//!   identifying prefix or suffix is left behind.
//! * the US social-security shape `ddd-dd-dddd`.
//!
//! The trade-off of the 7-digit rule: any long bare number goes, including ones that were not
//! personal — a population figure written `4397073`, an order or case number, a long decimal
//! fraction (`3.14159265`). Digit groups joined by separators (`712 345 678`, a non-Luhn
//! `1234 5678 9012 3456`) are not ID-like by this rule and are kept unless a phone or card rule
//! matches them.
//!
//! **Kept on purpose** (not redacted), checked before the phone rules:
//! * *dates* `2024-03-15`, `15.03.2024`, `03-15-2024` (three groups, one separator `-` or `.`,
//!   a year 1900–2099, a month and day in range);
//! * *amounts*: at most 15 digits, not starting with `0` (amounts have no leading zeros, phone
//!   numbers do), and either grouped in thousands (`1 500 000`, `1.500.000`, `2 500 000.50`),
//!   or a decimal with a fraction of at most three digits (`1234567.50`), or a plain run of
//!   digits with a currency beside it: a sign such as `$ € £ ₦ ₹`, a code or abbreviation such
//!   as `KES`, `KSh`, `USD`, `TZS`, or the East African `/=` (`KES 2500000`, `2500000/=`).
//!
//! Limits of these heuristics, plainly: a thousands-grouped or currency-marked number that really
//! was an ID or phone number is kept (`KES 2500000` stays, as does `712 345 678`); a date written
//! without separators (`20240315`) becomes `[id]`; a Luhn-valid 16-digit run of four consecutive
//! years in groups of four becomes `[card]` (one time in ten); phone and card rules read only the
//! formats listed. Placeholders in the citizen's own text (`[email]` typed literally) are left as
//! they are and not counted.
//!
//! # Guarantees (checked by property tests)
//!
//! Redaction is idempotent (`redact(redact(x)) == redact(x)`, with nothing counted the second
//! time); the stored text is NFC; its length is within the limits; no e-mail address and no
//! Luhn-valid card number in the formats above survives.
//!
//! [RFC 5322]: https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1
//! [ITU-T E.164]: https://www.itu.int/rec/T-REC-E.164
//! [ISO/IEC 7812-1]: https://www.iso.org/standard/70484.html

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::ErrorCode;

mod email;
mod numbers;

/// The default longest text, in characters: about a page of comment, enough for a considered
/// consultation response and short enough to read in a moderation queue.
pub const DEFAULT_MAX_CHARS: usize = 2000;

/// The default shortest text, in characters: an empty (or all-blank) text is refused.
pub const DEFAULT_MIN_CHARS: usize = 1;

/// How long a citizen's text may be, in characters (Unicode scalar values) of the stored text.
///
/// The default is [`DEFAULT_MIN_CHARS`]..=[`DEFAULT_MAX_CHARS`].
///
/// ```
/// use baraza_core::text_safety::TextLimits;
/// let limits = TextLimits::new(1, 280).unwrap();
/// assert_eq!((limits.min_chars(), limits.max_chars()), (1, 280));
/// assert!(TextLimits::new(10, 5).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextLimits {
    min_chars: usize,
    max_chars: usize,
}

/// Why a pair of limits is impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "text limits need min_chars <= max_chars; got min_chars {min_chars}, max_chars {max_chars}"
)]
pub struct TextLimitsError {
    /// The requested minimum.
    pub min_chars: usize,
    /// The requested maximum.
    pub max_chars: usize,
}

impl TextLimits {
    /// Limits from `min_chars` to `max_chars` characters, inclusive.
    pub fn new(min_chars: usize, max_chars: usize) -> Result<Self, TextLimitsError> {
        if min_chars > max_chars {
            return Err(TextLimitsError {
                min_chars,
                max_chars,
            });
        }
        Ok(Self {
            min_chars,
            max_chars,
        })
    }

    /// The fewest characters accepted.
    pub fn min_chars(self) -> usize {
        self.min_chars
    }

    /// The most characters accepted.
    pub fn max_chars(self) -> usize {
        self.max_chars
    }
}

impl Default for TextLimits {
    fn default() -> Self {
        Self {
            min_chars: DEFAULT_MIN_CHARS,
            max_chars: DEFAULT_MAX_CHARS,
        }
    }
}

/// Why a citizen's text was refused. Both variants carry the measured length and the limit, in
/// characters of the text as it would have been stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CitizenTextError {
    /// Longer than [`TextLimits::max_chars`].
    #[error("the text is {chars} characters long; the limit is {max}")]
    TooLong {
        /// Characters after cleaning and redaction.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Shorter than [`TextLimits::min_chars`] (an all-blank text counts as empty).
    #[error("the text is {chars} characters long; at least {min} are needed")]
    TooShort {
        /// Characters after cleaning and redaction.
        chars: usize,
        /// The limit.
        min: usize,
    },
}

impl CitizenTextError {
    /// The stable code for the HTTP API: [`ErrorCode::TextTooLong`];
    /// [`ErrorCode::BlankText`] for a text with nothing left after cleaning (the code the
    /// feedback and consultation modules use for blank text); [`ErrorCode::TextTooShort`] for
    /// one that is not empty but shorter than [`TextLimits::min_chars`].
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLong { .. } => ErrorCode::TextTooLong,
            Self::TooShort { chars: 0, .. } => ErrorCode::BlankText,
            Self::TooShort { .. } => ErrorCode::TextTooShort,
        }
    }
}

/// A kind of personal data that redaction replaces, with its placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedactionKind {
    /// An e-mail address, replaced by `[email]`.
    Email,
    /// A phone number, replaced by `[phone]`.
    Phone,
    /// A Luhn-valid payment-card number, replaced by `[card]`.
    Card,
    /// A national-ID-like number, replaced by `[id]`.
    Id,
}

impl RedactionKind {
    /// Every kind, in placeholder order.
    pub const ALL: [Self; 4] = [Self::Email, Self::Phone, Self::Card, Self::Id];

    /// The text that replaces data of this kind: `[email]`, `[phone]`, `[card]` or `[id]`.
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Email => "[email]",
            Self::Phone => "[phone]",
            Self::Card => "[card]",
            Self::Id => "[id]",
        }
    }
}

impl fmt::Display for RedactionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.placeholder())
    }
}

/// How many items of each kind were redacted from one text.
///
/// JSON: `{"email": 1, "phone": 2, "card": 0, "id": 0}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RedactionCounts {
    /// E-mail addresses replaced by `[email]`.
    pub email: usize,
    /// Phone numbers replaced by `[phone]`.
    pub phone: usize,
    /// Card numbers replaced by `[card]`.
    pub card: usize,
    /// ID-like numbers replaced by `[id]`.
    pub id: usize,
}

impl RedactionCounts {
    /// The count for one kind.
    pub fn get(&self, kind: RedactionKind) -> usize {
        match kind {
            RedactionKind::Email => self.email,
            RedactionKind::Phone => self.phone,
            RedactionKind::Card => self.card,
            RedactionKind::Id => self.id,
        }
    }

    /// Everything redacted, all kinds together.
    pub fn total(&self) -> usize {
        self.email + self.phone + self.card + self.id
    }

    /// Whether nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    fn add(&mut self, kind: RedactionKind) {
        match kind {
            RedactionKind::Email => self.email += 1,
            RedactionKind::Phone => self.phone += 1,
            RedactionKind::Card => self.card += 1,
            RedactionKind::Id => self.id += 1,
        }
    }
}

/// The result of [`redact`]: the text with placeholders, and what was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The text with every detected item replaced by its placeholder.
    pub text: String,
    /// How many items of each kind were replaced.
    pub counts: RedactionCounts,
}

/// Replaces e-mail addresses, phone numbers, card numbers and ID-like numbers in `text` by their
/// placeholders (rules in the [module documentation](self)). Pure, linear in `text`'s length.
///
/// This is step 4 alone: it neither cleans nor normalises. Use [`CitizenText::new`] for text
/// that is going to be stored.
///
/// ```
/// use baraza_core::text_safety::redact;
/// let out = redact("Card 4111 1111 1111 1111, ID 27384910, meeting 2024-03-15, cost KES 1,500");
/// assert_eq!(out.text, "Card [card], ID [id], meeting 2024-03-15, cost KES 1,500");
/// assert_eq!((out.counts.card, out.counts.id), (1, 1));
/// ```
pub fn redact(text: &str) -> Redacted {
    let mut counts = RedactionCounts::default();
    let emails = email::find(text);
    let without_emails = replace(text, &emails, &mut counts);
    let numbers = numbers::find(&without_emails);
    let text = replace(&without_emails, &numbers, &mut counts);
    Redacted { text, counts }
}

/// A stretch of text to replace: byte range and kind. Non-overlapping, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    kind: RedactionKind,
}

fn replace(text: &str, matches: &[Match], counts: &mut RedactionCounts) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for m in matches {
        out.push_str(&text[from..m.start]);
        out.push_str(m.kind.placeholder());
        counts.add(m.kind);
        from = m.end;
    }
    out.push_str(&text[from..]);
    out
}

/// Steps 1–3: removes control characters (keeping `\n` and `\t`, unifying line breaks to
/// `\n`), normalises to NFC and trims white space at both ends. See the
/// [module documentation](self) for exactly which characters go.
///
/// ```
/// use baraza_core::text_safety::clean;
/// assert_eq!(clean("\u{feff} Cafe\u{0301}\r\nline\u{0}two\u{202e}\t "), "Café\nlinetwo");
/// ```
pub fn clean(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                cleaned.push('\n');
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => cleaned.push('\n'),
            '\t' => cleaned.push('\t'),
            c if is_removed(c) => {}
            c => cleaned.push(c),
        }
    }
    let normalised = nfc(cleaned);
    if normalised.trim().len() == normalised.len() {
        normalised
    } else {
        normalised.trim().to_owned()
    }
}

/// Control (`Cc`) characters other than those handled in [`clean`], the BOM, and bidirectional
/// embedding/override/isolate controls.
fn is_removed(c: char) -> bool {
    c.is_control()
        || c == '\u{feff}'
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn nfc(text: String) -> String {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        IsNormalized::No | IsNormalized::Maybe => text.chars().nfc().collect(),
    }
}

/// Free text from a citizen, ready to store: cleaned, NFC-normalised, trimmed, with personal data
/// redacted, within length limits. The only way to build one is [`CitizenText::new`], so holding
/// a `CitizenText` proves all of that was done.
///
/// It serialises as a plain JSON string. It does not deserialise: text read back from storage or
/// from a request must come through [`CitizenText::new`] again (which is idempotent).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitizenText {
    text: String,
    redactions: RedactionCounts,
}

impl CitizenText {
    /// Runs the five steps of the [module documentation](self) on `raw`.
    ///
    /// ```
    /// use baraza_core::text_safety::{CitizenText, CitizenTextError, TextLimits};
    /// let limits = TextLimits::new(1, 20).unwrap();
    /// assert_eq!(
    ///     CitizenText::new("   \n\t ", limits),
    ///     Err(CitizenTextError::TooShort { chars: 0, min: 1 })
    /// );
    /// assert_eq!(
    ///     CitizenText::new("a comment that is far too long", limits),
    ///     Err(CitizenTextError::TooLong { chars: 30, max: 20 })
    /// );
    /// ```
    pub fn new(raw: &str, limits: TextLimits) -> Result<Self, CitizenTextError> {
        let cleaned = clean(raw);
        let Redacted { text, counts } = redact(&cleaned);
        let text = if counts.is_empty() { text } else { nfc(text) };
        let chars = text.chars().count();
        if chars > limits.max_chars {
            return Err(CitizenTextError::TooLong {
                chars,
                max: limits.max_chars,
            });
        }
        if chars < limits.min_chars {
            return Err(CitizenTextError::TooShort {
                chars,
                min: limits.min_chars,
            });
        }
        Ok(Self {
            text,
            redactions: counts,
        })
    }

    /// The text as it is to be stored.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, consuming `self`.
    pub fn into_string(self) -> String {
        self.text
    }

    /// What redaction replaced, to tell the citizen.
    pub fn redactions(&self) -> RedactionCounts {
        self.redactions
    }

    /// Length in characters, as [`TextLimits`] counts it.
    pub fn char_count(&self) -> usize {
        self.text.chars().count()
    }
}

impl AsRef<str> for CitizenText {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for CitizenText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for CitizenText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl From<CitizenText> for String {
    fn from(text: CitizenText) -> Self {
        text.text
    }
}
