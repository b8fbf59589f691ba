//! Counting and fitting SMS replies: GSM-7 (160 characters in one message, 153 per part of a
//! longer one; `^{}\[~]|€` take two) or, when one character is outside GSM-7, UCS-2 (70, or 67
//! per part, in UTF-16 units). A reply should fit one message where the language allows and
//! never takes more than [`MAX_SEGMENTS`].

/// The most messages one reply may take.
pub const MAX_SEGMENTS: usize = 3;

/// GSM 03.38's basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡\
ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38's extension table (an escape and the character: two septets each).
const GSM7_EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// How a text is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// 7-bit GSM default alphabet.
    Gsm7,
    /// UCS-2 (UTF-16 units).
    Ucs2,
}

/// The encoding a text needs and the number of messages it takes.
pub fn segments(text: &str) -> (Encoding, usize) {
    match gsm7_septets(text) {
        Some(septets) => (Encoding::Gsm7, parts(&septets, 160, 153)),
        None => {
            let units: Vec<usize> = text.chars().map(char::len_utf16).collect();
            (Encoding::Ucs2, parts(&units, 70, 67))
        }
    }
}

/// Septets of each character, or `None` when one is not in GSM-7.
fn gsm7_septets(text: &str) -> Option<Vec<usize>> {
    text.chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .collect()
}

/// Messages needed for characters of these sizes: one if they fit `single`, else parts of
/// `part` each, never splitting a character (an escape pair or a surrogate pair).
fn parts(sizes: &[usize], single: usize, part: usize) -> usize {
    if sizes.iter().sum::<usize>() <= single {
        return 1;
    }
    let mut count = 1;
    let mut used = 0;
    for &size in sizes {
        if used + size > part {
            count += 1;
            used = 0;
        }
        used += size;
    }
    count
}

/// `text` cut (at a word where possible, marked with `...`) to fit [`MAX_SEGMENTS`] messages.
pub fn fit(text: &str) -> String {
    if segments(text).1 <= MAX_SEGMENTS {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the marker, found by halving.
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        let candidate: String = chars[..middle].iter().collect::<String>() + "...";
        if segments(&candidate).1 <= MAX_SEGMENTS {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    let prefix: String = chars[..low].iter().collect();
    let cut = prefix
        .rfind(' ')
        .filter(|&at| at > prefix.len() / 2)
        .map_or(prefix.as_str(), |at| &prefix[..at]);
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_fits_160_in_one_message_and_153_per_part() {
        assert_eq!(segments(&"a".repeat(160)), (Encoding::Gsm7, 1));
        assert_eq!(segments(&"a".repeat(161)), (Encoding::Gsm7, 2));
        assert_eq!(segments(&"a".repeat(306)), (Encoding::Gsm7, 2));
        assert_eq!(segments(&"a".repeat(307)), (Encoding::Gsm7, 3));
    }

    #[test]
    fn extension_characters_take_two_septets() {
        assert_eq!(segments(&"€".repeat(80)), (Encoding::Gsm7, 1));
        assert_eq!(segments(&"€".repeat(81)), (Encoding::Gsm7, 2));
        // An escape pair is never split across parts: 306 septets would fill two parts of
        // 153, but the pair at septets 153–154 moves to part two, which then overflows.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(segments(&text), (Encoding::Gsm7, 3));
    }

    #[test]
    fn one_character_outside_gsm7_makes_the_whole_text_ucs2() {
        assert_eq!(segments(&"a".repeat(70)), (Encoding::Gsm7, 1));
        assert_eq!(
            segments(&format!("{}ş", "a".repeat(69))),
            (Encoding::Ucs2, 1)
        );
        assert_eq!(
            segments(&format!("{}ş", "a".repeat(70))),
            (Encoding::Ucs2, 2)
        );
        assert_eq!(segments("شكراً لك"), (Encoding::Ucs2, 1));
        // Accented French letters in GSM-7 stay GSM-7; others (ê) do not.
        assert_eq!(
            segments("Merci, votre réponse est enregistrée.").0,
            Encoding::Gsm7
        );
        assert_eq!(segments("Fenêtre").0, Encoding::Ucs2);
    }

    #[test]
    fn long_replies_are_cut_to_three_messages_at_a_word() {
        let long = "word ".repeat(200);
        let fitted = fit(&long);
        assert_eq!(segments(&fitted), (Encoding::Gsm7, 3));
        assert!(fitted.ends_with("word..."), "{fitted}");
        assert_eq!(fit("short"), "short");
    }
}
