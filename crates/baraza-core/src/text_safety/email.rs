//! E-mail address detection; the rules are in the parent module's documentation.
//!
//! Every `@` is a candidate. The local part is scanned backwards and the domain forwards; both
//! scans stop at the next `@`, so each character is looked at a bounded number of times and the
//! whole search is linear.

use unicode_normalization::char::is_combining_mark;

use super::{Match, RedactionKind};

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_label(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || c == '-'
}

fn is_tld_letter(c: char) -> bool {
    c.is_alphabetic() || is_combining_mark(c)
}

/// Every e-mail address in `text`, in order, not overlapping.
pub(super) fn find(text: &str) -> Vec<Match> {
    let mut found = Vec::new();
    // End of the last address found: a local part never reaches back into it.
    let mut taken = 0;
    for (at, _) in text.match_indices('@') {
        if at < taken {
            continue;
        }
        let start = local_start(text, taken, at);
        if start == at {
            continue;
        }
        if let Some(end) = domain_end(text, at + 1) {
            found.push(Match {
                start,
                end,
                kind: RedactionKind::Email,
            });
            taken = end;
        }
    }
    found
}

/// Where the local part ending at `at` starts, not before `floor`; `at` if it is empty.
fn local_start(text: &str, floor: usize, at: usize) -> usize {
    text[floor..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_local(c))
        .last()
        .map_or(at, |(i, _)| floor + i)
}

/// Where the domain starting at `from` ends, if there is one: two or more labels, the last of
/// which starts with a top-level domain.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let mut labels = Vec::new();
    let mut pos = from;
    loop {
        let rest = &text[pos..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !is_label(c))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            break;
        }
        labels.push((pos, pos + len));
        let mut after = text[pos + len..].chars();
        if after.next() == Some('.') && after.next().is_some_and(is_label) {
            pos += len + 1;
        } else {
            break;
        }
    }
    // The longest run of labels whose last label is a TLD: `a@b.cc.123` is `a@b.cc`.
    labels
        .iter()
        .skip(1)
        .rev()
        .find_map(|&(start, end)| tld_len(&text[start..end]).map(|len| start + len))
}

/// The length in bytes of the top-level domain at the start of `label`: two or more letters
/// followed by the end of the label or a hyphen (`cc` in `cc-x`, not in `cc9`), or a whole
/// punycode label `xn--…`.
fn tld_len(label: &str) -> Option<usize> {
    let trimmed = label.trim_end_matches('-');
    if trimmed.len() > 4
        && trimmed
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    {
        return Some(trimmed.len());
    }
    let letters = label
        .char_indices()
        .find(|&(_, c)| !is_tld_letter(c))
        .map_or(label.len(), |(i, _)| i);
    let enough = label[..letters]
        .chars()
        .filter(|c| c.is_alphabetic())
        .count()
        >= 2;
    (enough && (letters == label.len() || label[letters..].starts_with('-'))).then_some(letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<&str> {
        find(text).iter().map(|m| &text[m.start..m.end]).collect()
    }

    #[test]
    fn finds_addresses_and_their_exact_extent() {
        assert_eq!(emails("mail jane@example.com."), ["jane@example.com"]);
        assert_eq!(
            emails("(jane.doe+water@mail.example.co.ke)"),
            ["jane.doe+water@mail.example.co.ke"]
        );
        assert_eq!(emails("a@b.cc-x"), ["a@b.cc"]);
        assert_eq!(emails("a@b.cc.123"), ["a@b.cc"]);
        assert_eq!(emails("x@a@b.cc"), ["a@b.cc"]);
        assert_eq!(emails("a@b.cc.d@e.ff"), ["a@b.cc", ".d@e.ff"]);
        assert_eq!(emails("josé@café.fr"), ["josé@café.fr"]);
        assert_eq!(
            emails("u@xn--80ak6aa92e.xn--p1ai"),
            ["u@xn--80ak6aa92e.xn--p1ai"]
        );
    }

    #[test]
    fn ignores_what_is_not_an_address() {
        for text in [
            "@handle",
            "user@localhost",
            "a@b.c",
            "a@b.cc9",
            "a@.cc",
            "me @ example.com",
            "jane at example dot com",
            "a@b..cc",
        ] {
            assert_eq!(emails(text), Vec::<&str>::new(), "{text}");
        }
    }
}
