//! Feedback forms by SMS and USSD: the same form, the same validation, the same redaction of
//! personal details and the same writer as `<baraza-feedback>` on the web.
//!
//! - **SMS**: `HUDUMA 4 long queue at the counter`. After the keyword the answers are read in
//!   the form's order — `yes`/`no` (or `1`/`2`, in English, Kiswahili or French) for "was it
//!   useful", 1–5 for satisfaction, 0–10 for recommendation, an option's number, letter or id —
//!   and whatever text is left is the free-text answer (or, without a free-text question, the
//!   comment of a "no"). A token that does not fit an optional question is tried on the next
//!   one; one that does not fit a required question gets the help reply, which lists what the
//!   form asks and gives an example.
//! - **USSD**: one screen per question, in order (optional ones can be skipped), the reasons
//!   screen after a "no" when the form lists reasons, then a confirmation. As for polls the
//!   menu is worked out afresh from the entries at each step: a session that times out or is
//!   cancelled stores nothing.
//!
//! Feedback is anonymous on every channel: the phone number is read only to refuse senders that
//! are not phones, and nothing of it — not even its hash — is stored with a response. Responses
//! are stored with the page key `sms` or `ussd` (web pages' keys start with `/`) and their
//! channel, which the form's results page counts.

use baraza_core::Slug;
use baraza_core::feedback::{
    AnswerInput, AnswerSubmission, FeedbackForm, FeedbackSubmission, Question, QuestionKind,
    UsefulInput,
};
use baraza_core::text_safety::RedactionCounts;

use super::sms::{Parsed, excerpt, option_position};
use super::texts::{Texts, texts_for};
use super::ussd::{MORE, Screen, language_menu, languages_of, menu_line, paginate, pick_language};
use crate::AppState;
use crate::api::feedback::redact_answers;
use crate::storage::{Channel, Submission, SubmitError};

/// The entry that skips an optional question (and, after a "no", the reasons).
const SKIP: &str = "0";
/// The entry that skips an optional 0–10 question, where `0` is an answer.
const SKIP_SCALE_FROM_ZERO: &str = "99";

/// Separators between the answers of an SMS.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '.' | '/')
}

/// The next answer of an SMS and the text after it.
fn next_token(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches(is_separator);
    if text.is_empty() {
        return None;
    }
    let end = text.find(is_separator).unwrap_or(text.len());
    Some((&text[..end], &text[end..]))
}

/// "Yes" or "no" in English, Kiswahili or French, or as the menu numbers 1 and 2.
fn yes_or_no(token: &str) -> Option<bool> {
    match token.to_lowercase().as_str() {
        "1" | "y" | "yes" | "ndiyo" | "ndio" | "oui" | "o" => Some(true),
        "2" | "n" | "no" | "hapana" | "la" | "non" => Some(false),
        _ => None,
    }
}

fn useful(useful: bool) -> AnswerInput {
    AnswerInput::Useful(UsefulInput {
        useful,
        reasons: Vec::new(),
        comment: None,
    })
}

/// What an SMS to a form says.
#[derive(Debug, PartialEq, Eq)]
enum SmsReading {
    /// Nothing after the keyword: the sender asks how to answer.
    Empty,
    /// The answers read, unchecked.
    Answers(Vec<AnswerSubmission>),
    /// This part fits no question where it stands.
    NotUnderstood(String),
}

/// Reads the text after the keyword question by question (see the module docs).
fn read_sms(form: &FeedbackForm, text: &str) -> SmsReading {
    let mut rest = text.trim();
    if rest.is_empty() {
        return SmsReading::Empty;
    }
    let mut answers = Vec::new();
    for question in form.questions() {
        let Some((token, after)) = next_token(rest) else {
            break;
        };
        let answer = match &question.kind {
            QuestionKind::Useful { .. } => yes_or_no(token).map(useful),
            QuestionKind::Csat => token
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .map(AnswerInput::Csat),
            QuestionKind::Nps => token
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=10).contains(n))
                .map(AnswerInput::Nps),
            QuestionKind::SingleChoice { options } => option_position(options, token)
                .map(|i| AnswerInput::Choice(options[i].id.as_str().to_owned())),
            // Free text is what is left once the other answers are read.
            QuestionKind::FreeText { .. } => continue,
        };
        match answer {
            Some(answer) => {
                answers.push(AnswerSubmission {
                    question: question.id.as_str().to_owned(),
                    answer,
                });
                rest = after;
            }
            None if question.required => return SmsReading::NotUnderstood(excerpt(token)),
            // The token may answer a later question.
            None => {}
        }
    }
    let left = rest.trim_matches(is_separator);
    if !left.is_empty() {
        let free_text = form
            .questions()
            .iter()
            .find(|q| matches!(q.kind, QuestionKind::FreeText { .. }));
        if let Some(question) = free_text {
            answers.push(AnswerSubmission {
                question: question.id.as_str().to_owned(),
                answer: AnswerInput::Text(left.to_owned()),
            });
        } else if let Some(comment) = answers.iter_mut().find_map(|a| match &mut a.answer {
            AnswerInput::Useful(input) if !input.useful && has_comment_box(form, &a.question) => {
                Some(&mut input.comment)
            }
            _ => None,
        }) {
            *comment = Some(left.to_owned());
        } else {
            return SmsReading::NotUnderstood(excerpt(left));
        }
    }
    SmsReading::Answers(answers)
}

fn has_comment_box(form: &FeedbackForm, question: &str) -> bool {
    form.question(question).is_some_and(|q| {
        matches!(
            q.kind,
            QuestionKind::Useful {
                comment_max_len: Some(_),
                ..
            }
        )
    })
}

fn prompt<'f>(form: &'f FeedbackForm, question: &'f Question, language: &str) -> &'f str {
    question
        .prompt
        .resolve(&[language], form.default_language())
}

/// "HUDUMA: Service feedback. Reply HUDUMA, then How satisfied were you? (1-5); Anything
/// else? (your words). E.g. HUDUMA 4 Long queue".
fn help(form: &FeedbackForm, keyword: &str, texts: &Texts) -> String {
    let language = form.default_language().as_str();
    let mut parts = Vec::new();
    let mut example = Vec::new();
    let mut example_text = None;
    for question in form.questions() {
        let how = match &question.kind {
            QuestionKind::Useful { .. } => {
                example.push(texts.yes.to_lowercase());
                texts.feedback_yes_no.to_owned()
            }
            QuestionKind::Csat => {
                example.push("4".to_owned());
                "1-5".to_owned()
            }
            QuestionKind::Nps => {
                example.push("9".to_owned());
                "0-10".to_owned()
            }
            QuestionKind::SingleChoice { options } => {
                example.push("1".to_owned());
                options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        format!(
                            "{} {}",
                            i + 1,
                            o.label.resolve(&[language], form.default_language())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            QuestionKind::FreeText { .. } => {
                example_text = Some(texts.feedback_example_text);
                texts.feedback_words.to_owned()
            }
        };
        parts.push(format!("{} ({how})", prompt(form, question, language)));
    }
    example.extend(example_text.map(str::to_owned));
    format!(
        "{keyword}: {}. {} {}. {} {keyword} {}",
        form.title().resolve(&[language], form.default_language()),
        texts.feedback_reply_then.replace("{keyword}", keyword),
        parts.join("; "),
        texts.feedback_example,
        example.join(" ")
    )
}

/// Why a response from a phone was not stored.
enum NotStored {
    /// The core refused it (a required question unanswered, a text too long…).
    Invalid,
    /// The writer is saturated; the sender should try again.
    Busy,
    /// The database failed (logged).
    Failed,
}

/// Redacts, validates and stores `answers` as one response from `channel`; returns how many
/// personal details were removed.
async fn store(
    state: &AppState,
    form: &FeedbackForm,
    answers: Vec<AnswerSubmission>,
    channel: Channel,
) -> Result<usize, NotStored> {
    let mut removed = RedactionCounts::default();
    let submission = FeedbackSubmission {
        page: channel.as_str().to_owned(),
        answers: redact_answers(answers, &mut removed),
    };
    let response = form
        .validate_response(&submission, state.now())
        .map_err(|_| NotStored::Invalid)?;
    match state
        .database
        .submit(Submission::FeedbackResponse {
            response,
            page_title: None,
            channel,
        })
        .await
    {
        Ok(_) => {
            tracing::debug!(form = %form.slug(), channel = channel.as_str(), "feedback response stored");
            Ok(removed.total())
        }
        Err(SubmitError::Overloaded | SubmitError::Unconfirmed(_)) => Err(NotStored::Busy),
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot store a feedback response from a phone"
            );
            Err(NotStored::Failed)
        }
    }
}

/// The thank-you, saying so when personal details were removed.
fn recorded(texts: &Texts, keyword: &str, removed: usize) -> String {
    let thanks = texts.feedback_recorded.replace("{keyword}", keyword);
    if removed > 0 {
        format!("{thanks} {}", texts.feedback_redacted)
    } else {
        thanks
    }
}

async fn load(state: &AppState, slug: &Slug) -> Option<FeedbackForm> {
    match state.database.feedback_form(slug).await {
        Ok(form) => form,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot read a feedback form for a phone"
            );
            None
        }
    }
}

/// The reply to an SMS whose keyword leads to feedback form `slug`.
pub(super) async fn sms_reply(state: &AppState, slug: &Slug, parsed: &Parsed<'_>) -> String {
    let Some(form) = load(state, slug).await else {
        return texts_for("en").failed.to_owned();
    };
    let texts = texts_for(form.default_language().as_str());
    let keyword = parsed.keyword.as_str();
    let answers = match read_sms(&form, parsed.rest) {
        SmsReading::Empty => return help(&form, keyword, texts),
        SmsReading::NotUnderstood(part) => {
            return format!(
                "{} {}",
                texts.not_understood.replace("{answer}", &part),
                help(&form, keyword, texts)
            );
        }
        SmsReading::Answers(answers) => answers,
    };
    match store(state, &form, answers, Channel::Sms).await {
        Ok(removed) => recorded(texts, keyword, removed),
        Err(NotStored::Invalid) => {
            format!("{} {}", texts.invalid_answer, help(&form, keyword, texts))
        }
        Err(NotStored::Busy) => texts.busy.to_owned(),
        Err(NotStored::Failed) => texts.failed.to_owned(),
    }
}

/// Where the entries of a session on a form lead: the pure part of the menu.
#[derive(Debug, PartialEq, Eq)]
enum FormStep {
    ChooseLanguage {
        error: bool,
    },
    /// Question number `question`; `reasons` after a "no" to a question listing reasons.
    Ask {
        language: String,
        question: usize,
        reasons: bool,
        page: usize,
        error: bool,
    },
    /// Every question was skipped.
    NothingAnswered {
        language: String,
    },
    Confirm {
        language: String,
        answers: Vec<AnswerSubmission>,
        error: bool,
    },
    Confirmed {
        language: String,
        answers: Vec<AnswerSubmission>,
    },
    Cancelled {
        language: String,
    },
}

/// The options a question's screen lists (the reasons after a "no"), if it lists any.
fn listed_options(question: &Question, reasons: bool) -> Option<&[baraza_core::PollOption]> {
    match &question.kind {
        QuestionKind::Useful { reasons: list, .. } if reasons => Some(list),
        QuestionKind::SingleChoice { options } => Some(options),
        _ => None,
    }
}

fn skip_entry(question: &Question) -> &'static str {
    if matches!(question.kind, QuestionKind::Nps) {
        SKIP_SCALE_FROM_ZERO
    } else {
        SKIP
    }
}

/// The header of a question's screen.
fn header<'f>(
    form: &'f FeedbackForm,
    question: &'f Question,
    reasons: bool,
    language: &str,
) -> &'f str {
    if reasons {
        texts_for(language).ussd_what_went_wrong
    } else {
        prompt(form, question, language)
    }
}

/// The pages of a screen that lists options, with room for `99 More` and `0 Skip`.
fn option_pages(
    form: &FeedbackForm,
    question: &Question,
    reasons: bool,
    language: &str,
) -> Vec<Vec<usize>> {
    let texts = texts_for(language);
    let Some(options) = listed_options(question, reasons) else {
        return vec![Vec::new()];
    };
    let labels: Vec<String> = options
        .iter()
        .map(|o| {
            o.label
                .resolve(&[language], form.default_language())
                .to_owned()
        })
        .collect();
    let reserved = menu_line(MORE, texts.ussd_more).chars().count()
        + menu_line(SKIP, texts.ussd_skip).chars().count();
    paginate(
        header(form, question, reasons, language),
        &labels,
        reserved,
        0,
    )
}

/// What one entry on a question's screen does.
enum Entry {
    Answer(AnswerInput),
    Skip,
    ShowReasons,
    Invalid,
}

fn read_entry(question: &Question, reasons: bool, page: &[usize], entry: &str) -> Entry {
    let number = entry.parse::<i64>().ok();
    let optional = !question.required;
    match &question.kind {
        QuestionKind::Useful { reasons: list, .. } if reasons => {
            if entry == SKIP {
                return Entry::Answer(useful(false));
            }
            match entry.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
                Some(index) if page.contains(&index) => {
                    Entry::Answer(AnswerInput::Useful(UsefulInput {
                        useful: false,
                        reasons: vec![list[index].id.as_str().to_owned()],
                        comment: None,
                    }))
                }
                _ => Entry::Invalid,
            }
        }
        QuestionKind::Useful { reasons: list, .. } => match entry {
            "1" => Entry::Answer(useful(true)),
            "2" if list.is_empty() => Entry::Answer(useful(false)),
            "2" => Entry::ShowReasons,
            SKIP if optional => Entry::Skip,
            _ => Entry::Invalid,
        },
        QuestionKind::Csat => match number {
            Some(n @ 1..=5) => Entry::Answer(AnswerInput::Csat(n)),
            _ if optional && entry == SKIP => Entry::Skip,
            _ => Entry::Invalid,
        },
        QuestionKind::Nps => match number {
            Some(n @ 0..=10) => Entry::Answer(AnswerInput::Nps(n)),
            _ if optional && entry == SKIP_SCALE_FROM_ZERO => Entry::Skip,
            _ => Entry::Invalid,
        },
        QuestionKind::SingleChoice { options } => {
            if optional && entry == SKIP {
                return Entry::Skip;
            }
            match entry.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
                Some(index) if page.contains(&index) => {
                    Entry::Answer(AnswerInput::Choice(options[index].id.as_str().to_owned()))
                }
                _ => Entry::Invalid,
            }
        }
        QuestionKind::FreeText { max_len } => {
            if optional && entry == SKIP {
                Entry::Skip
            } else if entry.is_empty()
                || entry.chars().count() > usize::try_from(*max_len).unwrap_or(usize::MAX)
            {
                Entry::Invalid
            } else {
                Entry::Answer(AnswerInput::Text(entry.to_owned()))
            }
        }
    }
}

fn walk_form(form: &FeedbackForm, inputs: &[&str]) -> FormStep {
    let languages = languages_of(form.default_language(), form.title());
    let (language, mut rest) = match pick_language(&languages, inputs) {
        Ok(picked) => picked,
        Err(error) => return FormStep::ChooseLanguage { error },
    };
    let mut answers = Vec::new();
    for (number, question) in form.questions().iter().enumerate() {
        let (mut reasons, mut page, mut error) = (false, 0, false);
        loop {
            let Some((entry, after)) = rest.split_first() else {
                return FormStep::Ask {
                    language,
                    question: number,
                    reasons,
                    page,
                    error,
                };
            };
            rest = after;
            let pages = option_pages(form, question, reasons, &language);
            if *entry == MORE && pages.len() > 1 {
                page = (page + 1) % pages.len();
                error = false;
                continue;
            }
            match read_entry(question, reasons, &pages[page.min(pages.len() - 1)], entry) {
                Entry::Answer(answer) => {
                    answers.push(AnswerSubmission {
                        question: question.id.as_str().to_owned(),
                        answer,
                    });
                    break;
                }
                Entry::Skip => break,
                Entry::ShowReasons => (reasons, page, error) = (true, 0, false),
                Entry::Invalid => error = true,
            }
        }
    }
    if answers.is_empty() {
        return FormStep::NothingAnswered { language };
    }
    let mut error = false;
    for entry in rest {
        match *entry {
            "1" => return FormStep::Confirmed { language, answers },
            "2" => return FormStep::Cancelled { language },
            _ => error = true,
        }
    }
    FormStep::Confirm {
        language,
        answers,
        error,
    }
}

/// The screen of question `number`.
fn question_screen(
    form: &FeedbackForm,
    language: &str,
    number: usize,
    reasons: bool,
    page: usize,
    error: bool,
) -> String {
    let texts = texts_for(language);
    let Some(question) = form.questions().get(number) else {
        return texts.failed.to_owned();
    };
    let mut text = String::new();
    if error {
        text.push_str(texts.ussd_invalid);
        text.push('\n');
    }
    text.push_str(header(form, question, reasons, language));
    match &question.kind {
        QuestionKind::Useful { .. } if !reasons => {
            text.push_str(&menu_line("1", texts.yes));
            text.push_str(&menu_line("2", texts.no));
        }
        QuestionKind::Csat => text.push_str(&format!("\n{}", texts.ussd_csat)),
        QuestionKind::Nps => text.push_str(&format!("\n{}", texts.ussd_nps)),
        QuestionKind::FreeText { .. } => {
            text.push_str(&format!("\n{}", texts.ussd_type_answer));
        }
        QuestionKind::Useful { .. } | QuestionKind::SingleChoice { .. } => {
            let pages = option_pages(form, question, reasons, language);
            if let Some(options) = listed_options(question, reasons) {
                for &index in &pages[page.min(pages.len() - 1)] {
                    let label = options[index]
                        .label
                        .resolve(&[language], form.default_language());
                    text.push_str(&menu_line(&(index + 1).to_string(), label));
                }
            }
            if pages.len() > 1 {
                text.push_str(&menu_line(MORE, texts.ussd_more));
            }
        }
    }
    // After a "no", `0` goes on without a reason, whether or not the question is required.
    if reasons || !question.required {
        text.push_str(&menu_line(skip_entry(question), texts.ussd_skip));
    }
    text
}

/// The screen of a form's menu for the entries so far, storing the response when they confirm
/// it. `keyword` names the form in replies.
pub(super) async fn ussd_screen(
    state: &AppState,
    slug: &Slug,
    keyword: &str,
    inputs: &[&str],
) -> Screen {
    let Some(form) = load(state, slug).await else {
        return Screen::End(texts_for("en").failed.to_owned());
    };
    match walk_form(&form, inputs) {
        FormStep::ChooseLanguage { error } => Screen::Continue(language_menu(
            &languages_of(form.default_language(), form.title()),
            error,
        )),
        FormStep::Ask {
            language,
            question,
            reasons,
            page,
            error,
        } => Screen::Continue(question_screen(
            &form, &language, question, reasons, page, error,
        )),
        FormStep::NothingAnswered { language } => {
            Screen::End(texts_for(&language).feedback_empty.to_owned())
        }
        FormStep::Confirm {
            language, error, ..
        } => {
            let texts = texts_for(&language);
            let note = if error {
                format!("{}\n", texts.ussd_invalid)
            } else {
                String::new()
            };
            Screen::Continue(format!(
                "{note}{}\n1 {}\n2 {}",
                texts.feedback_confirm, texts.ussd_yes, texts.ussd_no
            ))
        }
        FormStep::Cancelled { language } => {
            Screen::End(texts_for(&language).ussd_cancelled.to_owned())
        }
        FormStep::Confirmed { language, answers } => {
            let texts = texts_for(&language);
            Screen::End(match store(state, &form, answers, Channel::Ussd).await {
                Ok(removed) => recorded(texts, keyword, removed),
                Err(NotStored::Invalid) => texts.invalid_answer.to_owned(),
                Err(NotStored::Busy) => texts.busy.to_owned(),
                Err(NotStored::Failed) => texts.failed.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service form: useful (with reasons and a comment box, required), CSAT, NPS, a choice
    /// and free text (all optional), in English and Kiswahili.
    fn form() -> FeedbackForm {
        serde_json::from_value(serde_json::json!({
            "slug": "huduma",
            "default_language": "en",
            "title": {"en": "Service feedback", "sw": "Maoni ya huduma"},
            "questions": [
                {"id": "useful", "required": true, "prompt": {"en": "Did you get what you came for?", "sw": "Ulipata ulichokuja kutafuta?"},
                 "kind": {"type": "useful", "comment_max_len": 300, "reasons": [
                    {"id": "slow", "label": {"en": "Too slow", "sw": "Polepole mno"}},
                    {"id": "rude", "label": {"en": "Rude staff", "sw": "Wafanyakazi wakorofi"}}]}},
                {"id": "csat", "prompt": {"en": "How satisfied are you?", "sw": "Umeridhika kiasi gani?"}, "kind": {"type": "csat"}},
                {"id": "nps", "prompt": {"en": "Would you recommend it?", "sw": "Ungependekeza?"}, "kind": {"type": "nps"}},
                {"id": "office", "prompt": {"en": "Which office?", "sw": "Ofisi gani?"}, "kind": {"type": "single_choice", "options": [
                    {"id": "town", "label": {"en": "Town", "sw": "Mjini"}},
                    {"id": "port", "label": {"en": "Port", "sw": "Bandari"}}]}},
                {"id": "more", "prompt": {"en": "Anything else?", "sw": "Jambo lingine?"}, "kind": {"type": "free_text", "max_len": 500}}
            ]
        }))
        .expect("valid form")
    }

    fn answer(question: &str, answer: AnswerInput) -> AnswerSubmission {
        AnswerSubmission {
            question: question.to_owned(),
            answer,
        }
    }

    #[test]
    fn an_sms_is_read_question_by_question_and_the_rest_is_free_text() {
        let form = form();
        assert_eq!(
            read_sms(&form, "no 2 3 b queue was long, 2 hours"),
            SmsReading::Answers(vec![
                answer("useful", useful(false)),
                answer("csat", AnswerInput::Csat(2)),
                answer("nps", AnswerInput::Nps(3)),
                answer("office", AnswerInput::Choice("port".into())),
                answer("more", AnswerInput::Text("queue was long, 2 hours".into())),
            ])
        );
        // Optional questions a token does not fit are passed over.
        assert_eq!(
            read_sms(&form, "Ndiyo  asante sana"),
            SmsReading::Answers(vec![
                answer("useful", useful(true)),
                answer("more", AnswerInput::Text("asante sana".into())),
            ])
        );
        assert_eq!(read_sms(&form, "  "), SmsReading::Empty);
        // The required first question cannot be read from "maybe".
        assert_eq!(
            read_sms(&form, "maybe 4"),
            SmsReading::NotUnderstood("maybe".into())
        );
    }

    #[test]
    fn without_a_free_text_question_the_rest_is_the_comment_of_a_no() {
        let mut spec = serde_json::to_value(form()).expect("spec");
        spec["questions"]
            .as_array_mut()
            .expect("questions")
            .truncate(2);
        let form: FeedbackForm = serde_json::from_value(spec).expect("form");
        assert_eq!(
            read_sms(&form, "no 1 nobody answered"),
            SmsReading::Answers(vec![
                answer(
                    "useful",
                    AnswerInput::Useful(UsefulInput {
                        useful: false,
                        reasons: vec![],
                        comment: Some("nobody answered".into())
                    })
                ),
                answer("csat", AnswerInput::Csat(1)),
            ])
        );
        assert_eq!(
            read_sms(&form, "yes 5 lovely"),
            SmsReading::NotUnderstood("lovely".into())
        );
    }

    #[test]
    fn the_help_reply_lists_every_question_and_gives_an_example() {
        let help = help(&form(), "HUDUMA", texts_for("en"));
        assert_eq!(
            help,
            "HUDUMA: Service feedback. Reply HUDUMA, then Did you get what you came for? \
             (yes/no); How satisfied are you? (1-5); Would you recommend it? (0-10); Which \
             office? (1 Town, 2 Port); Anything else? (your words). E.g. HUDUMA yes 4 9 1 Long \
             queue"
        );
    }

    #[test]
    fn a_session_goes_through_each_question_then_confirms() {
        let form = form();
        assert_eq!(
            walk_form(&form, &[]),
            FormStep::ChooseLanguage { error: false }
        );
        let ask = |question, reasons, error| FormStep::Ask {
            language: "sw".into(),
            question,
            reasons,
            page: 0,
            error,
        };
        assert_eq!(walk_form(&form, &["2"]), ask(0, false, false));
        // "No" to a question listing reasons asks for one; 0 goes on without.
        assert_eq!(walk_form(&form, &["2", "2"]), ask(0, true, false));
        assert_eq!(walk_form(&form, &["2", "2", "7"]), ask(0, true, true));
        assert_eq!(walk_form(&form, &["2", "2", "2"]), ask(1, false, false));
        // CSAT refuses 0 and 6 but 0 skips it, as it is optional; NPS takes 0 and skips with 99.
        assert_eq!(walk_form(&form, &["2", "1", "6"]), ask(1, false, true));
        assert_eq!(walk_form(&form, &["2", "1", "0"]), ask(2, false, false));
        assert_eq!(
            walk_form(&form, &["2", "1", "0", "0"]),
            ask(3, false, false)
        );
        let all = ["2", "2", "1", "4", "99", "2", "Foleni ndefu", "1"];
        assert_eq!(
            walk_form(&form, &all),
            FormStep::Confirmed {
                language: "sw".into(),
                answers: vec![
                    answer(
                        "useful",
                        AnswerInput::Useful(UsefulInput {
                            useful: false,
                            reasons: vec!["slow".into()],
                            comment: None
                        })
                    ),
                    answer("csat", AnswerInput::Csat(4)),
                    answer("office", AnswerInput::Choice("port".into())),
                    answer("more", AnswerInput::Text("Foleni ndefu".into())),
                ]
            }
        );
        assert_eq!(
            walk_form(&form, &all[..all.len() - 1]),
            FormStep::Confirm {
                language: "sw".into(),
                answers: match walk_form(&form, &all) {
                    FormStep::Confirmed { answers, .. } => answers,
                    other => panic!("{other:?}"),
                },
                error: false
            }
        );
    }

    #[test]
    fn question_screens_fit_and_offer_skip_only_where_allowed() {
        let form = form();
        let first = question_screen(&form, "en", 0, false, 0, false);
        assert_eq!(first, "Did you get what you came for?\n1 Yes\n2 No");
        let reasons = question_screen(&form, "sw", 0, true, 0, false);
        assert_eq!(
            reasons,
            "Nini kilienda vibaya?\n1 Polepole mno\n2 Wafanyakazi wakorofi\n0 Ruka"
        );
        let nps = question_screen(&form, "en", 2, false, 0, true);
        assert_eq!(
            nps,
            "Invalid choice.\nWould you recommend it?\nEnter 0 (not likely) to 10 (very likely)\n99 Skip"
        );
        for number in 0..form.questions().len() {
            for language in ["en", "sw", "fr"] {
                let screen = question_screen(&form, language, number, false, 0, true);
                assert!(
                    screen.chars().count() <= super::super::ussd::SCREEN_CHARS,
                    "{screen}"
                );
            }
        }
    }
}
