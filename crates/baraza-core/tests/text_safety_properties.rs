//! Invariants of `text_safety`, on generated text: no e-mail address and no Luhn-valid card
//! number survives redaction (checked by detectors written independently of the library's
//! scanner), the stored text is NFC, redaction is idempotent and length limits hold.

use baraza_core::text_safety::{CitizenText, CitizenTextError, TextLimits, redact};
use proptest::prelude::*;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// A generous e-mail pattern: anything the library must catch.
fn email_detector() -> Regex {
    Regex::new(r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b").expect("valid pattern")
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (0, _) => d,
                (_, doubled) if doubled > 9 => doubled - 9,
                (_, doubled) => doubled,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Card-shaped, Luhn-valid numbers left in `text`: a maximal run of digit groups joined by
/// single spaces, dashes or dots, not touching letters or digits; any stretch of whole groups in
/// it with one separator, 13–19 digits, grouped bare, 4-4-…-(1–4), 4-6-5 or 4-6-4.
fn cards_left(text: &str) -> Vec<String> {
    let run = Regex::new(r"[0-9]+(?:[ .-][0-9]+)*").expect("valid pattern");
    let mut left = Vec::new();
    for m in run.find_iter(text) {
        let touches = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let groups: Vec<&str> = m.as_str().split([' ', '.', '-']).collect();
        let seps: Vec<char> = m.as_str().chars().filter(|c| !c.is_ascii_digit()).collect();
        for i in 0..groups.len() {
            for j in i..groups.len() {
                if (i == 0 && touches(before)) || (j == groups.len() - 1 && touches(after)) {
                    continue;
                }
                if !seps[i..j].windows(2).all(|w| w[0] == w[1]) {
                    continue;
                }
                let lens: Vec<usize> = groups[i..=j].iter().map(|g| g.len()).collect();
                let digits: String = groups[i..=j].concat();
                let shaped = lens.len() == 1
                    || lens == [4, 6, 5]
                    || lens == [4, 6, 4]
                    || (lens[..lens.len() - 1].iter().all(|&l| l == 4)
                        && (1..=4).contains(&lens[lens.len() - 1]));
                if shaped && (13..=19).contains(&digits.len()) && luhn_valid(&digits) {
                    left.push(digits);
                }
            }
        }
    }
    left
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9][a-zA-Z0-9._%+-]{0,12}",
        prop::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 1..4),
        "[a-zA-Z]{2,6}",
    )
        .prop_map(|(local, labels, tld)| format!("{local}@{}.{tld}", labels.join(".")))
}

/// A Luhn-valid card number of 13–19 digits in one of the documented formats.
fn card() -> impl Strategy<Value = (String, String)> {
    (
        prop::collection::vec(0u8..10, 12..19),
        0usize..4,
        prop::sample::select(vec![' ', '-', '.']),
    )
        .prop_map(|(body, format, sep)| {
            let body: String = body.iter().map(|d| char::from(b'0' + d)).collect();
            let check = (0..10u8)
                .map(|d| format!("{body}{d}"))
                .find(|n| luhn_valid(n))
                .expect("one of ten check digits is valid");
            let lens: Vec<usize> = match (format, check.len()) {
                (0, _) => vec![check.len()],
                (1, 15) => vec![4, 6, 5],
                (1, 14) => vec![4, 6, 4],
                (_, n) => (0..n).step_by(4).map(|s| (n - s).min(4)).collect(),
            };
            let mut written = String::new();
            let mut at = 0;
            for (k, len) in lens.iter().enumerate() {
                if k > 0 {
                    written.push(sep);
                }
                written.push_str(&check[at..at + len]);
                at += len;
            }
            (written, check)
        })
}

fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Zéüß]{1,8}",
        2 => "[0-9]{1,3}",
        1 => "[a-z0-9@._+%-]{1,10}",
        1 => "[\\[\\]()+/=$€]{1,2}",
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ", " ", ", ", "\n", " (", ") ", ": ", ". ", "; ", "\t",
    ])
}

/// Text of filler, e-mail addresses and card numbers; returns the text, its addresses and the
/// digits of its cards.
fn mixed_text() -> impl Strategy<Value = (String, Vec<String>, Vec<String>)> {
    prop::collection::vec(
        (
            prop_oneof![
                6 => filler().prop_map(|f| (f, None, None)),
                2 => email().prop_map(|e| (e.clone(), Some(e), None)),
                2 => card().prop_map(|(written, digits)| (written, None, Some(digits))),
            ],
            separator(),
        ),
        1..24,
    )
    .prop_map(|pieces| {
        let mut text = String::new();
        let (mut emails, mut cards) = (Vec::new(), Vec::new());
        for ((piece, email, card), sep) in pieces {
            text.push_str(&piece);
            text.push_str(sep);
            emails.extend(email);
            cards.extend(card);
        }
        (text, emails, cards)
    })
}

/// Arbitrary text with many combining marks, controls and line breaks.
fn unruly_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            2 => prop::sample::select(vec![
                '\u{301}', '\u{308}', '\u{323}', '\u{0}', '\u{7}', '\r', '\n', '\t', '\u{202e}',
                '\u{feff}', '\u{2028}', ' ', '@', '.', '+', '-', 'e', 'A', '1', '0', '\u{e9}',
            ]),
        ],
        0..80,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn unlimited() -> TextLimits {
    TextLimits::new(0, usize::MAX).expect("0 <= max")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn no_email_address_survives((text, emails, _) in mixed_text()) {
        let out = redact(&text);
        let detector = email_detector();
        prop_assert!(!detector.is_match(&out.text), "left {:?} in {:?}", detector.find(&out.text), out.text);
        prop_assert!(out.counts.email >= emails.len(), "{} of {} counted", out.counts.email, emails.len());
        for email in &emails {
            prop_assert!(!out.text.contains(email.as_str()), "{email} left in {:?}", out.text);
        }
    }

    #[test]
    fn no_luhn_valid_card_survives((text, _, cards) in mixed_text()) {
        let out = redact(&text);
        prop_assert_eq!(cards_left(&out.text), Vec::<String>::new(), "in {:?}", out.text);
        let digits_only: String = out.text.chars().filter(char::is_ascii_digit).collect();
        for card in &cards {
            prop_assert!(!digits_only.contains(card.as_str()), "{card} left in {:?}", out.text);
        }
    }

    #[test]
    fn redaction_is_idempotent_on_mixed_text((text, _, _) in mixed_text()) {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert!(twice.counts.is_empty(), "{:?}", twice.counts);
    }

    #[test]
    fn redaction_is_idempotent_on_any_text(text in unruly_text()) {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert!(twice.counts.is_empty());
    }

    #[test]
    fn citizen_text_is_nfc_and_a_fixed_point(text in unruly_text()) {
        let stored = CitizenText::new(&text, unlimited()).unwrap();
        let nfc: String = stored.as_str().nfc().collect();
        prop_assert_eq!(stored.as_str(), nfc.as_str());
        prop_assert_eq!(stored.as_str().trim(), stored.as_str());
        prop_assert!(!stored.as_str().chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        let again = CitizenText::new(stored.as_str(), unlimited()).unwrap();
        prop_assert_eq!(again.as_str(), stored.as_str());
        prop_assert!(again.redactions().is_empty());
    }

    #[test]
    fn citizen_text_of_mixed_text_is_nfc_and_a_fixed_point((text, _, _) in mixed_text()) {
        let stored = CitizenText::new(&text, unlimited()).unwrap();
        let nfc: String = stored.as_str().nfc().collect();
        prop_assert_eq!(stored.as_str(), nfc.as_str());
        let again = CitizenText::new(stored.as_str(), unlimited()).unwrap();
        prop_assert_eq!(again.as_str(), stored.as_str());
        prop_assert!(again.redactions().is_empty());
    }

    #[test]
    fn length_limits_hold(text in unruly_text(), min in 0usize..40, extra in 0usize..40) {
        let limits = TextLimits::new(min, min + extra).unwrap();
        let stored_len = CitizenText::new(&text, unlimited()).unwrap().char_count();
        match CitizenText::new(&text, limits) {
            Ok(stored) => {
                prop_assert!((min..=min + extra).contains(&stored.char_count()));
                prop_assert_eq!(stored.char_count(), stored_len);
            }
            Err(CitizenTextError::TooLong { chars, max }) => {
                prop_assert_eq!((chars, max), (stored_len, min + extra));
                prop_assert!(chars > max);
            }
            Err(CitizenTextError::TooShort { chars, min: limit }) => {
                prop_assert_eq!((chars, limit), (stored_len, min));
                prop_assert!(chars < limit);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}

#[test]
fn the_independent_detectors_can_fail() {
    // Guards the detectors themselves: on unredacted text they must find what was put there.
    assert!(email_detector().is_match("x jane.doe+tag@mail.example.co.ke y"));
    assert_eq!(
        cards_left("card 4111 1111 1111 1111."),
        ["4111111111111111"]
    );
    assert_eq!(cards_left("3782-822463-10005"), ["378282246310005"]);
    assert!(cards_left("4111 1111 1111 1112").is_empty());
    assert!(cards_left("x4111111111111111").is_empty());
}
