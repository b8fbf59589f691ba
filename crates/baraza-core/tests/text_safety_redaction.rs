//! Worked examples of redaction (test_data/text_safety/redaction.txt) and of the whole
//! `CitizenText` pipeline: cleaning, NFC, trimming, limits and error codes.

use baraza_core::ErrorCode;
use baraza_core::text_safety::{
    CitizenText, CitizenTextError, RedactionCounts, RedactionKind, TextLimits, clean, redact,
};

const CASES: &str = include_str!("../test_data/text_safety/redaction.txt");

fn placeholder_counts(text: &str) -> RedactionCounts {
    RedactionCounts {
        email: text.matches("[email]").count(),
        phone: text.matches("[phone]").count(),
        card: text.matches("[card]").count(),
        id: text.matches("[id]").count(),
    }
}

fn check(line_no: usize, input: &str, expected: &str) -> Option<String> {
    let out = redact(input);
    let mut problems = Vec::new();
    if out.text != expected {
        problems.push(format!("got      {:?}", out.text));
    }
    if out.counts != placeholder_counts(expected) {
        problems.push(format!("counts {:?}", out.counts));
    }
    let again = redact(&out.text);
    if again.text != out.text || !again.counts.is_empty() {
        problems.push(format!("not idempotent: {:?}", again.text));
    }
    (!problems.is_empty()).then(|| {
        format!(
            "line {line_no}: {input:?}\n  expected {expected:?}\n  {}",
            problems.join("\n  ")
        )
    })
}

#[test]
fn worked_examples_redact_exactly_as_written() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (i, line) in CASES.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let (input, expected) = match line.strip_prefix("keep: ") {
            Some(input) => (input, input),
            None => line
                .split_once(" => ")
                .unwrap_or_else(|| panic!("line {}: no ' => ' in {line:?}", i + 1)),
        };
        failures.extend(check(i + 1, input, expected));
    }
    assert!(cases > 100, "only {cases} cases read: is the file intact?");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn counts_say_what_was_redacted() {
    let out =
        redact("a@example.com b@example.org 0712 345 678 4111 1111 1111 1111 27384910 A1234567B");
    assert_eq!(out.text, "[email] [email] [phone] [card] [id] [id]");
    assert_eq!(
        out.counts,
        RedactionCounts {
            email: 2,
            phone: 1,
            card: 1,
            id: 2
        }
    );
    assert_eq!(out.counts.total(), 6);
    for kind in RedactionKind::ALL {
        assert_eq!(
            out.counts.get(kind),
            out.text.matches(kind.placeholder()).count()
        );
    }
    assert_eq!(
        serde_json::to_string(&out.counts).unwrap(),
        r#"{"email":2,"phone":1,"card":1,"id":2}"#
    );
}

#[test]
fn placeholders_typed_by_the_citizen_are_neither_changed_nor_counted() {
    let out = redact("I typed [email] and [phone] myself");
    assert_eq!(out.text, "I typed [email] and [phone] myself");
    assert!(out.counts.is_empty());
}

#[test]
fn an_id_run_inside_a_word_takes_the_whole_word_once() {
    assert_eq!(redact("x1234567y7654321z next").text, "[id] next");
    assert_eq!(redact("x1234567y7654321z next").counts.id, 1);
}

#[test]
fn markup_stays_text() {
    let html = r#"<script>alert("x")</script> &amp; <b>bold</b> &lt;"#;
    let text = CitizenText::new(html, TextLimits::default()).unwrap();
    assert_eq!(text.as_str(), html);
}

#[test]
fn cleaning_removes_controls_keeps_tabs_and_unifies_line_breaks() {
    assert_eq!(
        clean("a\r\nb\rc\u{85}d\u{2028}e\u{2029}f\ng"),
        "a\nb\nc\nd\ne\nf\ng"
    );
    assert_eq!(clean("a\tb"), "a\tb");
    assert_eq!(
        clean("a\u{0}b\u{7}c\u{1b}[31md\u{7f}e\u{9b}f"),
        "abc[31mdef"
    );
    // Bidirectional overrides and isolates go; the marks that scripts need stay.
    assert_eq!(
        clean("abc\u{202e}fed\u{202c} \u{2067}x\u{2069} \u{200f}\u{200d}"),
        "abcfed x \u{200f}\u{200d}"
    );
    assert_eq!(clean("\u{feff}hello"), "hello");
}

#[test]
fn text_is_nfc_normalised_after_controls_are_removed() {
    // e + U+0007 + combining acute: the control sits between base and mark.
    assert_eq!(clean("Caf\u{65}\u{7}\u{301}"), "Caf\u{e9}");
    assert_eq!(clean("A\u{30a}ngstr\u{f6}m"), "\u{c5}ngstr\u{f6}m");
    // NFC, not NFKC: compatibility characters are kept.
    assert_eq!(clean("ﬁ ①"), "ﬁ ①");
}

#[test]
fn trimming_removes_outer_white_space_only() {
    assert_eq!(
        clean(" \u{a0}\u{3000}\n\t a  b \n\n c \u{2003}"),
        "a  b \n\n c"
    );
}

#[test]
fn limits_count_characters_of_the_stored_text() {
    let limits = TextLimits::new(3, 10).unwrap();
    // Ten characters of Swahili with accents spread over combining marks: NFC makes them ten.
    let ok = CitizenText::new("  nzuri sa\u{301}na  ", limits);
    assert_eq!(ok.map(|t| t.char_count()), Ok(10));
    assert_eq!(
        CitizenText::new("abcdefghijk", limits),
        Err(CitizenTextError::TooLong { chars: 11, max: 10 })
    );
    assert_eq!(
        CitizenText::new(" ab\u{7} ", limits),
        Err(CitizenTextError::TooShort { chars: 2, min: 3 })
    );
    // Redaction counts before the limit: a 17-character phone stored as 7 characters fits.
    let phone = CitizenText::new("+254 712 345 678", limits).unwrap();
    assert_eq!(phone.as_str(), "[phone]");
    assert_eq!(phone.redactions().phone, 1);
}

#[test]
fn errors_have_stable_codes_and_specific_messages() {
    let long = CitizenTextError::TooLong {
        chars: 2001,
        max: 2000,
    };
    assert_eq!(long.code(), ErrorCode::TextTooLong);
    assert_eq!(
        long.to_string(),
        "the text is 2001 characters long; the limit is 2000"
    );
    let blank = CitizenTextError::TooShort { chars: 0, min: 1 };
    assert_eq!(blank.code(), ErrorCode::BlankText);
    assert_eq!(
        blank.to_string(),
        "the text is 0 characters long; at least 1 are needed"
    );
    let short = CitizenTextError::TooShort { chars: 3, min: 10 };
    assert_eq!(short.code(), ErrorCode::TextTooShort);
    assert_eq!(
        serde_json::to_string(&ErrorCode::TextTooLong).unwrap(),
        r#""text_too_long""#
    );
}

#[test]
fn default_limits_refuse_blank_text_and_accept_two_thousand_characters() {
    let limits = TextLimits::default();
    assert_eq!((limits.min_chars(), limits.max_chars()), (1, 2000));
    assert!(CitizenText::new(&"a".repeat(2000), limits).is_ok());
    assert!(matches!(
        CitizenText::new(&"a".repeat(2001), limits),
        Err(CitizenTextError::TooLong {
            chars: 2001,
            max: 2000
        })
    ));
    assert!(matches!(
        CitizenText::new("\n \t", limits),
        Err(CitizenTextError::TooShort { chars: 0, min: 1 })
    ));
    let bad = TextLimits::new(5, 4).unwrap_err();
    assert_eq!(
        bad.to_string(),
        "text limits need min_chars <= max_chars; got min_chars 5, max_chars 4"
    );
}

#[test]
fn citizen_text_serialises_as_a_string() {
    let text = CitizenText::new("Mail me: a@example.com", TextLimits::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&text).unwrap(),
        r#""Mail me: [email]""#
    );
    assert_eq!(String::from(text), "Mail me: [email]");
}
