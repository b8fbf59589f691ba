//! The USSD menu of a score poll: after the language, one screen per option — the question, the
//! option and the scale — where the citizen types the score (`4`), or `99` to skip the option
//! when the poll does not require every option rated; then a confirmation listing the scores.
//!
//! Like the choice menu ([`super::ussd`]), each screen is worked out afresh from the entries so
//! far and only the confirmation stores anything. Scores are typed as they are on a scale that
//! starts at 0 or above; a scale that reaches below zero (which a phone keypad cannot type) is
//! shown as a numbered list of its points instead.

use baraza_core::score::{RatingSubmission, Scale};
use baraza_core::{Poll, PollKind};

use super::texts::texts_for;
use super::ussd::{
    SCREEN_CHARS, Screen, confirm_screen, language_menu, languages, menu_line, pick_language, store,
};
use crate::AppState;

/// The entry that skips an option, unless the scale has a score 99 (then [`LONG_SKIP`]).
const SKIP: &str = "99";
const LONG_SKIP: &str = "999";

/// Where the entries of a score poll's session lead.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ScoreStep {
    ChooseLanguage {
        error: bool,
    },
    /// The screen rating option `option` (0-based), with `ratings` given so far.
    Rate {
        language: String,
        option: usize,
        note: Option<RateNote>,
    },
    Confirm {
        language: String,
        ratings: Vec<(usize, i32)>,
        error: bool,
    },
    Confirmed {
        language: String,
        ratings: Vec<(usize, i32)>,
    },
    Cancelled {
        language: String,
    },
}

/// Why a rating screen is shown again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RateNote {
    /// The entry is no score on the scale (nor the skip entry).
    Invalid,
    /// Every option was skipped: at least one must be rated.
    NoneRated,
}

/// The scale and whether every option must be rated; `None` for a choice poll.
fn rules(poll: &Poll) -> Option<(Scale, bool)> {
    match poll.kind() {
        PollKind::Score { scale, require_all } => Some((scale, require_all)),
        _ => None,
    }
}

/// The entry that skips an option on `scale`.
fn skip_entry(scale: Scale) -> &'static str {
    if scale.contains(99) { LONG_SKIP } else { SKIP }
}

/// Whether the scale's scores are typed as they are (no score below zero).
fn typed_directly(scale: Scale) -> bool {
    scale.min() >= 0
}

/// The score an entry stands for: the number itself, or on a scale reaching below zero the
/// position in the listed points (`1` for the lowest).
fn score_of(scale: Scale, entry: &str) -> Option<i32> {
    let number = entry.parse::<i32>().ok()?;
    let score = if typed_directly(scale) {
        number
    } else {
        scale.min().checked_add(number.checked_sub(1)?)?
    };
    scale.contains(i64::from(score)).then_some(score)
}

/// Where `inputs` (everything typed so far) lead in `poll`'s menu. `None` for a choice poll.
pub(super) fn walk(poll: &Poll, inputs: &[&str]) -> Option<ScoreStep> {
    let (scale, require_all) = rules(poll)?;
    let (language, mut rest) = match pick_language(&languages(poll), inputs) {
        Ok(picked) => picked,
        Err(error) => return Some(ScoreStep::ChooseLanguage { error }),
    };
    let count = poll.options().len();
    let mut option = 0;
    let mut ratings: Vec<(usize, i32)> = Vec::new();
    let mut note = None;
    while option < count {
        let Some((entry, after)) = rest.split_first() else {
            return Some(ScoreStep::Rate {
                language,
                option,
                note,
            });
        };
        rest = after;
        note = None;
        if !require_all && *entry == skip_entry(scale) {
            if option + 1 == count && ratings.is_empty() {
                note = Some(RateNote::NoneRated);
                continue;
            }
            option += 1;
        } else if let Some(score) = score_of(scale, entry) {
            ratings.push((option, score));
            option += 1;
        } else {
            note = Some(RateNote::Invalid);
        }
    }
    let mut error = false;
    for entry in rest {
        match *entry {
            "1" => return Some(ScoreStep::Confirmed { language, ratings }),
            "2" => return Some(ScoreStep::Cancelled { language }),
            _ => error = true,
        }
    }
    Some(ScoreStep::Confirm {
        language,
        ratings,
        error,
    })
}

/// A score poll's screen for the entries so far, storing the ballot when they confirm it.
pub(super) async fn answer(
    state: &AppState,
    poll: &Poll,
    step: ScoreStep,
    name: &str,
    voter: &str,
    typed_voucher: Option<&str>,
) -> Screen {
    match step {
        ScoreStep::ChooseLanguage { error } => {
            Screen::Continue(language_menu(&languages(poll), error))
        }
        ScoreStep::Rate {
            language,
            option,
            note,
        } => Screen::Continue(rate_screen(poll, &language, option, note)),
        ScoreStep::Confirm {
            language,
            ratings,
            error,
        } => confirm_screen(&language, &rated_labels(poll, &language, &ratings), error),
        ScoreStep::Cancelled { language } => {
            Screen::End(texts_for(&language).ussd_cancelled.to_owned())
        }
        ScoreStep::Confirmed { language, ratings } => {
            let texts = texts_for(&language);
            let submission = submission(poll, &ratings);
            let Ok(ballot) = poll.check_rated_ballot(&submission, voter) else {
                return Screen::End(texts.invalid_answer.to_owned());
            };
            let answered = rated_labels(poll, &language, &ratings);
            store(
                state,
                poll.slug(),
                name,
                texts,
                ballot,
                typed_voucher,
                &answered,
            )
            .await
        }
    }
}

/// The screen rating one option: a note, the question, `2/3 Staff`, the scale and how to skip.
pub(super) fn rate_screen(
    poll: &Poll,
    language: &str,
    option: usize,
    note: Option<RateNote>,
) -> String {
    let texts = texts_for(language);
    let Some((scale, require_all)) = rules(poll) else {
        return String::new();
    };
    let mut lines = String::new();
    match note {
        Some(RateNote::Invalid) => lines.push_str(&format!("{}\n", texts.ussd_invalid)),
        Some(RateNote::NoneRated) => {
            lines.push_str(&format!("{}\n", texts.ussd_too_few.replace("{count}", "1")));
        }
        None => {}
    }
    let question = poll
        .question()
        .resolve(&[language], poll.default_language());
    let mut text = String::new();
    text.push_str(&format!(
        "{}/{} {}\n",
        option + 1,
        poll.options().len(),
        label(poll, language, option)
    ));
    text.push_str(
        &texts
            .ussd_rate
            .replace("{min}", &scale.min().to_string())
            .replace("{max}", &scale.max().to_string()),
    );
    if !typed_directly(scale) {
        for (position, score) in scale.scores().enumerate() {
            text.push_str(&menu_line(&(position + 1).to_string(), &score.to_string()));
        }
    }
    if !require_all {
        text.push_str(&menu_line(skip_entry(scale), texts.ussd_skip));
    }
    // The option, its scale and the skip entry must fit one screen; the question goes first
    // when there is no room for it (every option's screen shows it only as far as it fits).
    let room = SCREEN_CHARS.saturating_sub(lines.chars().count() + text.chars().count() + 1);
    if question.chars().count() <= room {
        format!("{lines}{question}\n{text}")
    } else if room > 1 {
        let kept: String = question.chars().take(room - 1).collect();
        format!("{lines}{kept}…\n{text}")
    } else {
        format!("{lines}{text}")
    }
}

fn label(poll: &Poll, language: &str, option: usize) -> String {
    poll.options()
        .get(option)
        .map(|o| {
            o.label
                .resolve(&[language], poll.default_language())
                .to_owned()
        })
        .unwrap_or_default()
}

/// `Waiting time 4, Staff 3`: the ratings for a confirmation.
pub(super) fn rated_labels(poll: &Poll, language: &str, ratings: &[(usize, i32)]) -> String {
    ratings
        .iter()
        .map(|&(option, score)| format!("{} {score}", label(poll, language, option)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ratings as a ballot submission, for the core's checks.
pub(super) fn submission(poll: &Poll, ratings: &[(usize, i32)]) -> Vec<RatingSubmission> {
    ratings
        .iter()
        .filter_map(|&(option, score)| {
            poll.options().get(option).map(|o| RatingSubmission {
                option: o.id.as_str().to_owned(),
                score: i64::from(score),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score_poll(scale: (i32, i32), require_all: bool) -> Poll {
        serde_json::from_value(serde_json::json!({
            "slug": "clinic", "default_language": "en",
            "question": {"en": "Rate your clinic"},
            "kind": {"type": "score", "scale": {"min": scale.0, "max": scale.1}, "require_all": require_all},
            "options": [
                {"id": "waiting", "label": {"en": "Waiting"}},
                {"id": "staff", "label": {"en": "Staff"}},
                {"id": "medicines", "label": {"en": "Medicines"}}
            ],
            "status": "open"
        }))
        .expect("valid poll")
    }

    fn rate(option: usize, note: Option<RateNote>) -> ScoreStep {
        ScoreStep::Rate {
            language: "en".into(),
            option,
            note,
        }
    }

    #[test]
    fn each_option_has_its_screen_and_skips_are_kept_out_of_the_ratings() {
        let poll = score_poll((1, 5), false);
        let walk = |inputs: &[&str]| walk(&poll, inputs).expect("a score poll");
        assert_eq!(walk(&[]), rate(0, None));
        assert_eq!(walk(&["4"]), rate(1, None));
        assert_eq!(walk(&["4", "7"]), rate(1, Some(RateNote::Invalid)));
        assert_eq!(walk(&["4", "7", "99"]), rate(2, None));
        assert_eq!(
            walk(&["4", "99", "2"]),
            ScoreStep::Confirm {
                language: "en".into(),
                ratings: vec![(0, 4), (2, 2)],
                error: false
            }
        );
        assert_eq!(
            walk(&["4", "99", "2", "1"]),
            ScoreStep::Confirmed {
                language: "en".into(),
                ratings: vec![(0, 4), (2, 2)]
            }
        );
        assert_eq!(
            walk(&["99", "99", "99"]),
            rate(2, Some(RateNote::NoneRated)),
            "skipping every option rates nothing, which the poll refuses"
        );
        let screen = rate_screen(&poll, "en", 1, None);
        assert_eq!(
            screen,
            "Rate your clinic\n2/3 Staff\nRate from 1 to 5\n99 Skip"
        );
    }

    #[test]
    fn a_poll_requiring_every_rating_offers_no_skip() {
        let poll = score_poll((0, 10), true);
        assert_eq!(walk(&poll, &["99"]), Some(rate(0, Some(RateNote::Invalid))));
        assert!(!rate_screen(&poll, "en", 0, None).contains("Skip"));
        assert_eq!(
            walk(&poll, &["0", "10", "5", "2"]),
            Some(ScoreStep::Cancelled {
                language: "en".into()
            })
        );
    }

    #[test]
    fn a_long_question_is_shortened_so_the_scale_and_skip_always_fit() {
        let mut poll = serde_json::to_value(score_poll((-5, 5), false)).expect("json");
        poll["question"]["en"] = "How well does the health centre nearest to you serve you? "
            .repeat(4)
            .into();
        let poll: Poll = serde_json::from_value(poll).expect("valid poll");
        let screen = rate_screen(&poll, "en", 0, Some(RateNote::Invalid));
        assert!(screen.chars().count() <= SCREEN_CHARS, "{screen}");
        assert!(screen.contains("…\n1/3 Waiting"), "{screen}");
        assert!(screen.ends_with("\n11 5\n99 Skip"), "{screen}");
    }

    #[test]
    fn a_scale_below_zero_is_chosen_from_a_numbered_list() {
        let poll = score_poll((-2, 2), false);
        assert_eq!(score_of(Scale::new(-2, 2).expect("scale"), "1"), Some(-2));
        assert_eq!(score_of(Scale::new(-2, 2).expect("scale"), "6"), None);
        assert!(rate_screen(&poll, "en", 0, None).contains("\n1 -2\n2 -1"));
        assert!(walk(&score_poll((1, 5), false), &["x"]).is_some());
        let choice: Poll = serde_json::from_value(serde_json::json!({
            "slug": "tariff", "default_language": "en", "question": {"en": "Q?"},
            "kind": {"type": "single_choice"}, "status": "open",
            "options": [{"id": "a", "label": {"en": "A"}}, {"id": "b", "label": {"en": "B"}}]
        }))
        .expect("valid poll");
        assert_eq!(walk(&choice, &[]), None);
    }
}
