//! Answering polls from a USSD menu (`*384*55#`), over the session-callback protocol USSD
//! aggregators use: each step is a form `POST` with `sessionId`, `serviceCode`, `phoneNumber`
//! and `text` — everything typed in this session so far, joined by `*` — answered with
//! `text/plain` starting `CON ` (show this and wait for input) or `END ` (show this and hang up).
//!
//! The menu is worked out afresh from `text` at each step, so the server keeps no session
//! state: choose the language (when the poll has several), see the question and the options —
//! paged with `99 More` when they do not fit one 182-character screen —, confirm, done. A wrong
//! entry shows the same screen again with a note; only the confirmation stores anything, so a
//! session that times out or is abandoned stores nothing.

use baraza_core::{Poll, PollPhase};
use serde::Deserialize;

use super::ChannelSettings;
use super::phone::PhoneNumber;
use super::texts::texts_for;
use crate::AppState;
use crate::storage::{Channel, SubmitError};
use crate::vouchers::{self, VoucherCheck, VoucherCode};

/// The most characters one USSD screen shows.
pub const SCREEN_CHARS: usize = 182;
/// The entry that shows the next page of options.
const MORE: &str = "99";

/// One step of a session, as the aggregator posts it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UssdStep {
    #[serde(rename = "sessionId")]
    pub(crate) _session_id: String,
    pub(crate) service_code: String,
    pub(crate) phone_number: String,
    #[serde(default)]
    pub(crate) text: String,
}

/// What to answer: a screen that waits for input, or a last one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Screen {
    Continue(String),
    End(String),
}

impl Screen {
    pub(crate) fn into_body(self) -> String {
        match self {
            Self::Continue(text) => format!("CON {}", cut(&text)),
            Self::End(text) => format!("END {}", cut(&text)),
        }
    }
}

fn cut(text: &str) -> String {
    text.chars().take(SCREEN_CHARS).collect()
}

/// Where the entries of a session lead: the pure part of the menu.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    ChooseLanguage {
        error: bool,
    },
    ChooseOption {
        language: String,
        page: usize,
        error: bool,
    },
    Confirm {
        language: String,
        option: usize,
        error: bool,
    },
    Confirmed {
        language: String,
        option: usize,
    },
    Cancelled {
        language: String,
    },
}

/// The languages a poll can be shown in: its default first.
fn languages(poll: &Poll) -> Vec<String> {
    let mut languages = vec![poll.default_language().as_str().to_owned()];
    for language in poll.question().languages() {
        if !languages.iter().any(|l| l == language.as_str()) {
            languages.push(language.as_str().to_owned());
        }
    }
    languages
}

/// The options on each page: as many as fit one screen under the question, with room for the
/// `99 More` line.
fn pages(poll: &Poll, language: &str) -> Vec<Vec<usize>> {
    let question = poll
        .question()
        .resolve(&[language], poll.default_language());
    let budget = SCREEN_CHARS.saturating_sub(question.chars().count() + 1 + 8);
    let mut pages = vec![Vec::new()];
    let mut used = 0;
    for (index, option) in poll.options().iter().enumerate() {
        let line = format!(
            "{} {}\n",
            index + 1,
            option.label.resolve(&[language], poll.default_language())
        )
        .chars()
        .count();
        let page = pages
            .last_mut()
            .unwrap_or_else(|| unreachable!("never empty"));
        if !page.is_empty() && used + line > budget {
            pages.push(vec![index]);
            used = line;
        } else {
            page.push(index);
            used += line;
        }
    }
    pages
}

fn walk(poll: &Poll, inputs: &[&str]) -> Step {
    let languages = languages(poll);
    let mut rest = inputs;
    let language = if languages.len() > 1 {
        loop {
            let Some((first, after)) = rest.split_first() else {
                return Step::ChooseLanguage {
                    error: inputs.len() != rest.len(),
                };
            };
            rest = after;
            if let Some(language) = first
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| languages.get(i))
            {
                break language.clone();
            }
        }
    } else {
        languages[0].clone()
    };
    let pages = pages(poll, &language);
    let mut page = 0;
    let mut error = false;
    let option = loop {
        let Some((first, after)) = rest.split_first() else {
            return Step::ChooseOption {
                language,
                page,
                error,
            };
        };
        rest = after;
        if *first == MORE && page + 1 < pages.len() {
            page += 1;
            error = false;
            continue;
        }
        match first.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
            Some(index) if pages[page].contains(&index) => break index,
            _ => error = true,
        }
    };
    let mut error = false;
    for entry in rest {
        match *entry {
            "1" => return Step::Confirmed { language, option },
            "2" => return Step::Cancelled { language },
            _ => error = true,
        }
    }
    Step::Confirm {
        language,
        option,
        error,
    }
}

fn language_menu(languages: &[String], error: bool) -> String {
    let mut text = String::new();
    if error {
        text.push_str(texts_for("en").ussd_invalid);
        text.push('\n');
    }
    text.push_str("Choose a language:");
    for (i, language) in languages.iter().enumerate() {
        text.push_str(&format!("\n{} {}", i + 1, language_name(language)));
    }
    text
}

fn language_name(tag: &str) -> &str {
    match tag.split(['-', '_']).next().unwrap_or(tag) {
        "en" => "English",
        "sw" => "Kiswahili",
        "fr" => "Français",
        "ar" => "العربية",
        "pt" => "Português",
        "es" => "Español",
        other => other,
    }
}

/// The screen for the entries so far, storing the ballot when they confirm it.
pub(crate) async fn respond(
    state: &AppState,
    settings: &ChannelSettings,
    step: &UssdStep,
) -> Screen {
    let en = texts_for("en");
    let slug = match state
        .database
        .poll_for_ussd_code(step.service_code.trim())
        .await
    {
        Ok(Some(slug)) => slug,
        Ok(None) => return Screen::End(en.no_keywords.to_owned()),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "cannot read the USSD codes");
            return Screen::End(en.failed.to_owned());
        }
    };
    let Ok(Some(poll)) = state.database.poll(&slug).await else {
        return Screen::End(en.failed.to_owned());
    };
    let Ok(phone) = PhoneNumber::parse(&step.phone_number, settings.country_code.as_deref()) else {
        return Screen::End(en.not_a_phone.to_owned());
    };
    let texts = texts_for(poll.default_language().as_str());
    // Replies name the poll by its SMS keyword where it has one, else by the code dialled.
    let name = match state.database.sms_keywords().await {
        Ok(keywords) => keywords
            .into_iter()
            .find(|(_, poll)| *poll == slug)
            .map_or_else(
                || step.service_code.trim().to_owned(),
                |(keyword, _)| keyword,
            ),
        Err(_) => step.service_code.trim().to_owned(),
    };
    match poll.phase_at(state.now()) {
        PollPhase::Open => {}
        PollPhase::Draft | PollPhase::Upcoming => {
            return Screen::End(texts.not_open_yet.replace("{keyword}", &name));
        }
        PollPhase::Closed => return Screen::End(texts.closed.replace("{keyword}", &name)),
    }
    if !poll.kind().is_single_choice() {
        // The menu picks one option; several are sent by SMS (`MAJI 1 3`) or on the web.
        return Screen::End(texts.ussd_one_answer_only.replace("{keyword}", &name));
    }
    let voter = settings.phone_key.voter_token(&phone);
    let inputs: Vec<&str> = if step.text.is_empty() {
        Vec::new()
    } else {
        step.text.split('*').map(str::trim).collect()
    };
    if inputs.is_empty() {
        match state.database.has_ballot(&slug, &voter).await {
            Ok(true) => return Screen::End(texts.already_answered.replace("{keyword}", &name)),
            Ok(false) => {}
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "cannot check a USSD participant"
                );
                return Screen::End(texts.failed.to_owned());
            }
        }
    }
    let voucher_required = match state.database.voucher_required(&slug).await {
        Ok(required) => required,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot read a poll's voucher rule"
            );
            return Screen::End(texts.failed.to_owned());
        }
    };
    // A poll that needs a voucher code asks for it first; the menu goes on after it.
    let (typed_voucher, inputs) = if voucher_required {
        match take_voucher(&inputs) {
            Ok((code, rest)) => (Some(code), rest),
            Err(error) => {
                let note = if error {
                    format!("{}\n", texts.ussd_invalid)
                } else {
                    String::new()
                };
                return Screen::Continue(format!("{note}{}", texts.ussd_voucher));
            }
        }
    } else {
        (None, inputs.as_slice())
    };
    match walk(&poll, inputs) {
        Step::ChooseLanguage { error } => Screen::Continue(language_menu(&languages(&poll), error)),
        Step::ChooseOption {
            language,
            page,
            error,
        } => Screen::Continue(option_menu(&poll, &language, page, error)),
        Step::Confirm {
            language,
            option,
            error,
        } => {
            let texts = texts_for(&language);
            let label = label(&poll, &language, option);
            let note = if error {
                format!("{}\n", texts.ussd_invalid)
            } else {
                String::new()
            };
            Screen::Continue(format!(
                "{note}{}\n1 {}\n2 {}",
                texts.ussd_confirm.replace("{answer}", &label),
                texts.ussd_yes,
                texts.ussd_no
            ))
        }
        Step::Cancelled { language } => Screen::End(texts_for(&language).ussd_cancelled.to_owned()),
        Step::Confirmed { language, option } => {
            let texts = texts_for(&language);
            let selection = [poll.options()[option].id.as_str().to_owned()];
            let Ok(ballot) = poll.check_ballot(&selection, &voter) else {
                return Screen::End(texts.invalid_answer.to_owned());
            };
            let voucher = match vouchers::check(state, &slug, typed_voucher).await {
                Ok(VoucherCheck::Missing) => {
                    return Screen::End(texts.voucher_needed.replace("{keyword}", &name));
                }
                Ok(VoucherCheck::Malformed) => {
                    return Screen::End(texts.voucher_unknown.replace("{keyword}", &name));
                }
                Ok(check) => check.into_hash(),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "cannot check a voucher code");
                    return Screen::End(texts.failed.to_owned());
                }
            };
            match state
                .database
                .insert_ballot_with_voucher(ballot, state.now(), Channel::Ussd, voucher)
                .await
            {
                Ok(()) => Screen::End(
                    texts
                        .recorded
                        .replace("{keyword}", &name)
                        .replace("{answer}", &label(&poll, &language, option)),
                ),
                Err(SubmitError::AlreadyParticipated) => {
                    Screen::End(texts.already_answered.replace("{keyword}", &name))
                }
                Err(SubmitError::VoucherUnknown) => {
                    Screen::End(texts.voucher_unknown.replace("{keyword}", &name))
                }
                Err(SubmitError::VoucherUsed) => Screen::End(texts.voucher_used.to_owned()),
                Err(SubmitError::Overloaded | SubmitError::Unconfirmed(_)) => {
                    Screen::End(texts.busy.to_owned())
                }
                Err(SubmitError::Database(error)) => {
                    tracing::error!(error = format!("{error:#}"), "cannot store a USSD ballot");
                    Screen::End(texts.failed.to_owned())
                }
            }
        }
    }
}

/// The first entry that is a voucher code, and the entries after it; `Err(error)` while none
/// is, `error` telling whether something else was typed.
fn take_voucher<'t, 'a>(inputs: &'t [&'a str]) -> Result<(&'a str, &'t [&'a str]), bool> {
    for (index, entry) in inputs.iter().enumerate() {
        if VoucherCode::parse(entry).is_ok() {
            return Ok((entry, &inputs[index + 1..]));
        }
    }
    Err(!inputs.is_empty())
}

fn label(poll: &Poll, language: &str, option: usize) -> String {
    poll.options()[option]
        .label
        .resolve(&[language], poll.default_language())
        .to_owned()
}

fn option_menu(poll: &Poll, language: &str, page: usize, error: bool) -> String {
    let pages = pages(poll, language);
    let mut text = String::new();
    if error {
        text.push_str(texts_for(language).ussd_invalid);
        text.push('\n');
    }
    text.push_str(
        poll.question()
            .resolve(&[language], poll.default_language()),
    );
    for &index in &pages[page.min(pages.len() - 1)] {
        text.push_str(&format!("\n{} {}", index + 1, label(poll, language, index)));
    }
    if page + 1 < pages.len() {
        text.push_str(&format!("\n{MORE} {}", texts_for(language).ussd_more));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(options: usize, languages: &[&str]) -> Poll {
        let text = |base: &str| {
            let mut map = serde_json::Map::new();
            for language in languages {
                map.insert((*language).into(), format!("{base} ({language})").into());
            }
            serde_json::Value::Object(map)
        };
        let options: Vec<serde_json::Value> = (1..=options)
            .map(|i| serde_json::json!({"id": format!("option-{i}"), "label": text(&format!("A rather long option label number {i}"))}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "slug": "water", "default_language": languages[0], "question": text("Which way?"),
            "kind": {"type": "single_choice"}, "options": options, "status": "open"
        }))
        .expect("valid poll")
    }

    #[test]
    fn one_language_goes_straight_to_the_options_then_confirms() {
        let poll = poll(3, &["en"]);
        assert_eq!(
            walk(&poll, &[]),
            Step::ChooseOption {
                language: "en".into(),
                page: 0,
                error: false
            }
        );
        assert_eq!(
            walk(&poll, &["2"]),
            Step::Confirm {
                language: "en".into(),
                option: 1,
                error: false
            }
        );
        assert_eq!(
            walk(&poll, &["2", "1"]),
            Step::Confirmed {
                language: "en".into(),
                option: 1
            }
        );
        assert_eq!(
            walk(&poll, &["2", "2"]),
            Step::Cancelled {
                language: "en".into()
            }
        );
    }

    #[test]
    fn several_languages_are_offered_first() {
        let poll = poll(3, &["en", "sw"]);
        assert_eq!(walk(&poll, &[]), Step::ChooseLanguage { error: false });
        assert_eq!(walk(&poll, &["7"]), Step::ChooseLanguage { error: true });
        assert_eq!(
            walk(&poll, &["7", "2"]),
            Step::ChooseOption {
                language: "sw".into(),
                page: 0,
                error: false
            }
        );
    }

    #[test]
    fn options_that_do_not_fit_one_screen_are_paged() {
        let poll = poll(9, &["en"]);
        let pages = pages(&poll, "en");
        assert!(pages.len() >= 3, "{pages:?}");
        for page in 0..pages.len() {
            let screen = Screen::Continue(option_menu(&poll, "en", page, false)).into_body();
            assert!(screen.chars().count() <= SCREEN_CHARS + 4, "{screen}");
            assert!(option_menu(&poll, "en", page, false).chars().count() <= SCREEN_CHARS);
        }
        let last = pages[1][0] + 1;
        // An option of page two cannot be picked from page one…
        assert_eq!(
            walk(&poll, &[&last.to_string()]),
            Step::ChooseOption {
                language: "en".into(),
                page: 0,
                error: true
            }
        );
        // …but after "99 More" it can.
        assert_eq!(
            walk(&poll, &["99", &last.to_string()]),
            Step::Confirm {
                language: "en".into(),
                option: last - 1,
                error: false
            }
        );
    }

    #[test]
    fn wrong_entries_keep_the_screen_and_say_so() {
        let poll = poll(3, &["en"]);
        assert_eq!(
            walk(&poll, &["x"]),
            Step::ChooseOption {
                language: "en".into(),
                page: 0,
                error: true
            }
        );
        assert_eq!(
            walk(&poll, &["x", "3"]),
            Step::Confirm {
                language: "en".into(),
                option: 2,
                error: false
            }
        );
        assert_eq!(
            walk(&poll, &["3", "5"]),
            Step::Confirm {
                language: "en".into(),
                option: 2,
                error: true
            }
        );
    }
}
