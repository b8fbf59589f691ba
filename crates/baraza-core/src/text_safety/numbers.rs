//! Phone, card and ID-like number detection; the rules are in the parent module's documentation.
//!
//! The text is cut into *numbers*: maximal runs of ASCII digit groups joined by short separators.
//! Within a number, from the first group on, every *window* of up to [`MAX_WINDOW_GROUPS`]
//! consecutive groups (and at most [`MAX_WINDOW_DIGITS`] digits) is tried, longest first, against
//! the rules in priority order; the first window that matches is redacted (or kept, for dates
//! and amounts) and the search goes on after it. A group no window took that has
//! [`MIN_ID_DIGITS`] digits or more becomes `[id]`. The work per group is bounded, so the whole
//! search is linear in the length of the text.

use super::{Match, RedactionKind};

/// The most digit groups one phone or card number is written in (`+44 (0)20 7946 0958` has 5).
const MAX_WINDOW_GROUPS: usize = 8;
/// The most digits any rule matches (a 19-digit card).
const MAX_WINDOW_DIGITS: usize = 19;
/// The shortest run of consecutive digits that is redacted as `[id]` on its own.
const MIN_ID_DIGITS: usize = 7;
/// The most digits an amount may have (a thousand trillion).
const MAX_AMOUNT_DIGITS: usize = 15;

/// Currency codes and abbreviations that mark the number beside them as an amount (compared
/// ignoring ASCII case).
const CURRENCY_WORDS: &[&str] = &[
    "kes", "ksh", "kshs", "sh", "shs", "tsh", "tzs", "ugx", "rwf", "bif", "etb", "ngn", "ghs",
    "zar", "xof", "xaf", "cfa", "fcfa", "egp", "mad", "usd", "eur", "gbp", "inr", "rs", "chf",
    "cad", "aud", "jpy", "cny",
];

/// Currency signs that mark the number beside them as an amount.
const CURRENCY_SIGNS: &[char] = &[
    '$', '€', '£', '¥', '₹', '₦', '₵', '₩', '₽', '₺', '₱', '¢', '₫', '₪', '₴', '₸', '₭', '₮', '₲',
    '₡', '฿',
];

/// What lies between two digit groups of a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sep {
    /// The one space (any width), `-` or `.`; spaces are recorded as `' '`.
    spacer: Option<char>,
    /// Byte offset of a `(` opening the next group, if any.
    open: Option<usize>,
    /// Whether a `)` closes the previous group.
    close: bool,
}

impl Sep {
    /// The separator at the start of `rest` (which starts at byte `offset` of the text), if it is
    /// one: at most three characters, at most one spacer, one `)` and one `(`, in that order of
    /// parentheses. Returns it and its length in bytes.
    fn parse(rest: &str, offset: usize) -> Option<(Self, usize)> {
        let mut sep = Self::default();
        let mut len = 0;
        for (count, c) in rest.chars().enumerate() {
            let spacer = match c {
                ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' => Some(' '),
                '-' | '.' => Some(c),
                '(' | ')' => None,
                _ => break,
            };
            if count == 3 {
                return None;
            }
            match (c, spacer) {
                (_, Some(s)) if sep.spacer.is_none() => sep.spacer = Some(s),
                ('(', None) if sep.open.is_none() => sep.open = Some(offset + len),
                (')', None) if !sep.close && sep.open.is_none() => sep.close = true,
                _ => return None,
            }
            len += c.len_utf8();
        }
        (len > 0).then_some((sep, len))
    }

    /// The spacer, if that is all there is.
    fn plain(self) -> Option<char> {
        if self.open.is_none() && !self.close {
            self.spacer
        } else {
            None
        }
    }
}

/// Every phone, card and ID-like number in `text`, in order, not overlapping.
pub(super) fn find(text: &str) -> Vec<Match> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let number = Number::parse(text, at);
        number.scan(&mut found);
        let after_groups = number.groups.last().map_or(at + 1, |g| g.1);
        at = found
            .last()
            .map_or(after_groups, |m| m.end.max(after_groups));
    }
    found
}

/// Digit groups (byte ranges) and the separators between them.
struct Number<'t> {
    text: &'t str,
    groups: Vec<(usize, usize)>,
    /// The digits of each group.
    parts: Vec<&'t str>,
    /// `seps[k]` lies between `groups[k]` and `groups[k + 1]`.
    seps: Vec<Sep>,
    /// Byte offset of a `+` right before the number (or before its opening parenthesis).
    plus: Option<usize>,
    /// Byte offset of a `(` right before the first group.
    open: Option<usize>,
}

enum Verdict {
    Redact(RedactionKind),
    Keep,
}

impl<'t> Number<'t> {
    fn parse(text: &'t str, first: usize) -> Self {
        let bytes = text.as_bytes();
        let digits_end = |from: usize| {
            from + bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut groups = vec![(first, digits_end(first))];
        let mut seps = Vec::new();
        while let Some(&(_, end)) = groups.last() {
            match Sep::parse(&text[end..], end) {
                Some((sep, len)) if bytes.get(end + len).is_some_and(u8::is_ascii_digit) => {
                    seps.push(sep);
                    groups.push((end + len, digits_end(end + len)));
                }
                _ => break,
            }
        }
        let before = &text[..first];
        let open = before.ends_with('(').then(|| first - 1);
        let before_open = &before[..open.unwrap_or(first)];
        let plus = before_open.ends_with('+').then(|| before_open.len() - 1);
        let parts = groups
            .iter()
            .map(|&(start, end)| &text[start..end])
            .collect();
        Self {
            text,
            groups,
            parts,
            seps,
            plus,
            open,
        }
    }

    /// Classifies the number's groups left to right, pushing what is to be redacted.
    fn scan(&self, found: &mut Vec<Match>) {
        let n = self.groups.len();
        let mut i = 0;
        while i < n {
            let last = n.min(i + MAX_WINDOW_GROUPS) - 1;
            let hit = (i..=last).rev().find_map(|j| {
                let window = self.window(i, j)?;
                window
                    .classify()
                    .map(|verdict| (j, verdict, window.start, window.end))
            });
            match hit {
                Some((j, verdict, start, end)) => {
                    if let Verdict::Redact(kind) = verdict {
                        found.push(Match { start, end, kind });
                    }
                    i = j + 1;
                }
                None => {
                    let (start, end) = self.groups[i];
                    if end - start >= MIN_ID_DIGITS {
                        let (start, end) = word_around(self.text, start, end);
                        match found.last_mut() {
                            // The word around an earlier run already reaches here.
                            Some(previous) if previous.end > start => previous.end = end,
                            _ => found.push(Match {
                                start,
                                end,
                                kind: RedactionKind::Id,
                            }),
                        }
                    }
                    i += 1;
                }
            }
        }
    }

    /// Groups `i..=j` as a window, if it is short enough and stands apart from letters and digits.
    fn window(&self, i: usize, j: usize) -> Option<Window<'_, 't>> {
        let parts = &self.parts[i..=j];
        if parts.iter().map(|p| p.len()).sum::<usize>() > MAX_WINDOW_DIGITS {
            return None;
        }
        let seps = &self.seps[i..j];
        // An opening parenthesis belongs to the window only if the window also closes it.
        let closes = seps.iter().any(|s| s.close);
        let open = if i == 0 {
            self.open
        } else {
            self.seps[i - 1].open
        }
        .filter(|_| closes);
        let plus = if i == 0 { self.plus } else { None };
        let start = plus.or(open).unwrap_or(self.groups[i].0);
        let end = self.groups[j].1;
        let before = &self.text[..start];
        let after = &self.text[end..];
        let apart = !before
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
            && !after.chars().next().is_some_and(char::is_alphanumeric);
        apart.then(|| Window {
            parts,
            seps,
            plus: plus.is_some(),
            before,
            after,
            start,
            end,
        })
    }
}

/// The alphanumeric word around the digits at `start..end`.
fn word_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let word_start = text[..start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric())
        .last()
        .map_or(start, |(i, _)| i);
    let word_end = end
        + text[end..]
            .char_indices()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(text.len() - end, |(i, _)| i);
    (word_start, word_end)
}

/// Consecutive groups of one number, tried against the rules.
struct Window<'n, 't> {
    parts: &'n [&'t str],
    seps: &'n [Sep],
    plus: bool,
    before: &'t str,
    after: &'t str,
    start: usize,
    end: usize,
}

impl Window<'_, '_> {
    fn classify(&self) -> Option<Verdict> {
        if self.is_international_phone() {
            Some(Verdict::Redact(RedactionKind::Phone))
        } else if self.is_date() {
            Some(Verdict::Keep)
        } else if self.is_card() {
            Some(Verdict::Redact(RedactionKind::Card))
        } else if self.is_amount() {
            Some(Verdict::Keep)
        } else if self.is_social_security_number() {
            Some(Verdict::Redact(RedactionKind::Id))
        } else if self.is_trunk_phone() || self.is_north_american_phone() {
            Some(Verdict::Redact(RedactionKind::Phone))
        } else {
            None
        }
    }

    fn digits(&self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }

    /// Whether the groups have exactly these lengths.
    fn shaped(&self, lens: &[usize]) -> bool {
        self.parts.iter().map(|p| p.len()).eq(lens.iter().copied())
    }

    /// The one plain separator used throughout, if there is one and it is one of `allowed`.
    fn uniform_sep(&self, allowed: &[char]) -> Option<char> {
        let first = self.seps.first()?.plain()?;
        (allowed.contains(&first) && self.seps.iter().all(|s| s.plain() == Some(first)))
            .then_some(first)
    }

    /// `+` or `00`, then 8 to 15 digits, not counting a trunk `(0)`.
    fn is_international_phone(&self) -> bool {
        let trunk_zeros = (1..self.parts.len().saturating_sub(1))
            .filter(|&k| {
                self.parts[k] == "0" && self.seps[k - 1].open.is_some() && self.seps[k].close
            })
            .count();
        let digits = self.digits() - trunk_zeros;
        if self.plus {
            (8..=15).contains(&digits)
        } else if self.parts[0].starts_with("00") && !self.parts[0].starts_with("000") {
            (8..=15).contains(&(digits - 2))
        } else {
            false
        }
    }

    /// `2024-03-15`, `15.03.2024`, `03-15-2024`.
    fn is_date(&self) -> bool {
        let [a, b, c] = *self.parts else {
            return false;
        };
        if self.uniform_sep(&['-', '.']).is_none() {
            return false;
        }
        let value = |s: &str| s.parse::<u32>().unwrap_or(0);
        let year = |s: &str| s.len() == 4 && (1900..=2099).contains(&value(s));
        let month = |s: &str| s.len() <= 2 && (1..=12).contains(&value(s));
        let day = |s: &str| s.len() <= 2 && (1..=31).contains(&value(s));
        (year(a) && month(b) && day(c))
            || (year(c) && ((day(a) && month(b)) || (month(a) && day(b))))
    }

    /// 13–19 digits in a card grouping, passing the Luhn check.
    fn is_card(&self) -> bool {
        if !(13..=19).contains(&self.digits()) {
            return false;
        }
        if self.parts.len() > 1 {
            if self.uniform_sep(&[' ', '-', '.']).is_none() {
                return false;
            }
            let (last, rest) = self.parts.split_last().unwrap_or((&"", &[]));
            let fours = rest.iter().all(|p| p.len() == 4) && (1..=4).contains(&last.len());
            if !(fours || self.shaped(&[4, 6, 5]) || self.shaped(&[4, 6, 4])) {
                return false;
            }
        }
        luhn_valid(self.parts)
    }

    /// An amount: never with a leading zero; grouped in thousands or with a short decimal
    /// fraction, or a plain run of digits with a currency beside it.
    fn is_amount(&self) -> bool {
        let first = self.parts[0];
        if self.digits() > MAX_AMOUNT_DIGITS || (first.starts_with('0') && first != "0") {
            return false;
        }
        let parts = self.parts;
        let n = parts.len();
        let thousands = |groups: &[&str]| {
            groups.len() >= 2
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3)
        };
        match n {
            // `KES 2500000`, `2500000/=`.
            1 => currency_before(self.before) || currency_after(self.after),
            // `1 500 000`, `1.500.000`.
            _ if self.uniform_sep(&[' ', '.']).is_some() && thousands(parts) => true,
            // `1234567.50`.
            2 => self.seps[0].plain() == Some('.') && parts[0].len() <= 12 && parts[1].len() <= 3,
            // `2 500 000.50`.
            _ => {
                self.seps[..n - 2].iter().all(|s| s.plain() == Some(' '))
                    && self.seps[n - 2].plain() == Some('.')
                    && thousands(&parts[..n - 1])
                    && parts[n - 1].len() <= 3
            }
        }
    }

    /// A national number with trunk prefix `0`: 9–11 digits, groups of two or more.
    fn is_trunk_phone(&self) -> bool {
        let first = self.parts[0];
        first.starts_with('0')
            && !first.starts_with("00")
            && (9..=11).contains(&self.digits())
            && self.parts.iter().all(|p| p.len() >= 2)
    }

    /// `(NXX) NXX-XXXX`, optionally after `1`.
    fn is_north_american_phone(&self) -> bool {
        let local = if self.shaped(&[3, 3, 4]) {
            self.parts
        } else if self.shaped(&[1, 3, 3, 4]) && self.parts[0] == "1" {
            &self.parts[1..]
        } else {
            return false;
        };
        let starts_2_to_9 = |s: &str| s.as_bytes()[0] >= b'2';
        starts_2_to_9(local[0]) && starts_2_to_9(local[1])
    }

    /// `ddd-dd-dddd`.
    fn is_social_security_number(&self) -> bool {
        self.shaped(&[3, 2, 4]) && self.uniform_sep(&['-']).is_some()
    }
}

/// The Luhn (mod 10) check over the digits of `parts`, read as one number.
fn luhn_valid(parts: &[&str]) -> bool {
    let sum: u32 = parts
        .iter()
        .flat_map(|p| p.bytes())
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether `before` ends with a currency sign or word (then at most one space, or `.` and a
/// space as in `Ksh. 500`).
fn currency_before(before: &str) -> bool {
    let trimmed = before.strip_suffix([' ', '\u{a0}']).unwrap_or(before);
    if trimmed.ends_with(CURRENCY_SIGNS) {
        return true;
    }
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    let word_start = trimmed
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_alphabetic())
        .last()
        .map_or(trimmed.len(), |(i, _)| i);
    let word = &trimmed[word_start..];
    let apart = !trimmed[..word_start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    apart && is_currency_word(word)
}

/// Whether `after` starts (after at most one space) with a currency sign or word, or `/=`.
fn currency_after(after: &str) -> bool {
    let trimmed = after.strip_prefix([' ', '\u{a0}']).unwrap_or(after);
    if trimmed.starts_with(CURRENCY_SIGNS) || trimmed.starts_with("/=") || trimmed.starts_with("/-")
    {
        return true;
    }
    let word_end = trimmed
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(trimmed.len());
    let apart = !trimmed[word_end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    apart && is_currency_word(&trimmed[..word_end])
}

fn is_currency_word(word: &str) -> bool {
    CURRENCY_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_published_test_numbers_and_rejects_a_changed_digit() {
        for ok in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "4222222222222",
        ] {
            assert!(luhn_valid(&[ok]), "{ok}");
        }
        assert!(!luhn_valid(&["4111111111111112"]));
        assert!(luhn_valid(&["4111", "1111", "1111", "1111"]));
    }

    #[test]
    fn separators_allow_one_spacer_and_parentheses_in_order() {
        assert_eq!(Sep::parse(" 1", 0).map(|s| s.1), Some(1));
        assert_eq!(Sep::parse(") (1", 0).map(|s| s.1), Some(3));
        assert!(Sep::parse("( )1", 0).is_none());
        assert!(Sep::parse(" - 1", 0).is_none());
        assert!(Sep::parse("()1", 0).is_none());
        assert!(Sep::parse("x1", 0).is_none());
        assert_eq!(
            Sep::parse("\u{a0}1", 0).map(|s| (s.0.spacer, s.1)),
            Some((Some(' '), 2))
        );
    }

    #[test]
    fn currency_context_reads_signs_codes_and_east_african_suffix() {
        assert!(currency_before("cost KES "));
        assert!(currency_before("Ksh. "));
        assert!(currency_before("€"));
        assert!(!currency_before("cases "));
        assert!(!currency_before("XKES "));
        assert!(currency_after("/= only"));
        assert!(currency_after(" USD."));
        assert!(!currency_after(" USDT"));
    }
}
