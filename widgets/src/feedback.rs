//! The `<baraza-feedback>` widget: "Is this page useful? Yes / No", then "What went wrong?"
//! (the GOV.UK pattern), then the form's other questions (CSAT 1–5, NPS 0–10, single choice,
//! free text), a thank-you state that says what personal details were removed.
//!
//! The response records the page's path (`location.pathname`: never the query string or
//! fragment) and title. A honeypot field, hidden from sight, keyboards and screen readers, is
//! sent along: people leave it empty, form-filling robots do not.

use std::rc::Rc;

use baraza_core::LocalizedText;
use baraza_core::feedback::{AnswerInput, AnswerSubmission, QuestionKindSpec, UsefulInput};
use baraza_core::v1::{FeedbackFormView, FeedbackReceipt, FeedbackResponseSubmission};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api;
use crate::i18n::{Lang, Problem};
use crate::shell::{self, Event, Focus, WidgetProps};

mod texts;
use texts::Texts;

/// The citizen's answer to one question so far.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    /// A "useful" question: reasons ticked (after a "no") and the comment typed.
    Useful { reasons: Vec<bool>, comment: String },
    /// A CSAT or NPS score, a later yes/no (1 or 0), or a single choice's option index: one
    /// kind of radio group renders them all.
    Rating(Option<i64>),
    /// A free text.
    Text(String),
}

#[derive(Debug)]
enum Stage {
    Loading,
    LoadFailed(Problem),
    /// The form opens with a "useful" question, waiting for its yes or no.
    AskingUseful,
    /// The rest of the form, with the problems found on the last attempt to send.
    Details {
        problems: Vec<(usize, String)>,
        failure: Option<Problem>,
        sending: bool,
    },
    Thanks {
        removed: u64,
    },
}

#[derive(Debug)]
pub(crate) enum Msg {
    Loaded(Result<FeedbackFormView, Problem>),
    Retry,
    Useful(bool),
    ToggleReason(usize, usize),
    Rate(usize, i64),
    Type(usize, String),
    Submit,
    Submitted(Result<FeedbackReceipt, Problem>),
}

/// The feedback widget component.
#[derive(Debug)]
pub(crate) struct FeedbackApp {
    stage: Stage,
    form: Option<Rc<FeedbackFormView>>,
    answers: Vec<Answer>,
    /// The opening "useful" question's index, if the form starts with one.
    useful_index: Option<usize>,
    useful: Option<bool>,
    /// The honeypot input, read when sending.
    honeypot: NodeRef,
    texts: Texts,
    announcement: String,
    focus: Focus,
}

/// The id of question `index`'s input (or first input) inside the shadow root.
fn field_id(index: usize) -> String {
    format!("q-{index}")
}

impl Component for FeedbackApp {
    type Message = Msg;
    type Properties = WidgetProps;

    fn create(ctx: &Context<Self>) -> Self {
        let pending = ctx.props().first_response.0.clone();
        ctx.link()
            .send_future(async move { Msg::Loaded(api::decode(pending).await) });
        Self {
            stage: Stage::Loading,
            form: None,
            answers: Vec::new(),
            useful_index: None,
            useful: None,
            honeypot: NodeRef::default(),
            texts: Texts::new(Lang::from_tag(&ctx.props().language)),
            announcement: String::new(),
            focus: Focus::default(),
        }
    }

    fn changed(&mut self, _ctx: &Context<Self>, _old: &Self::Properties) -> bool {
        // The loader remounts the widget when an attribute changes.
        false
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        ctx.props().events.emit(match &msg {
            Msg::Loaded(Ok(_)) => Some(Event::Ready),
            Msg::Submitted(Ok(_)) => Some(Event::Submitted("response")),
            Msg::Loaded(Err(problem)) | Msg::Submitted(Err(problem)) => {
                Some(Event::Error(*problem))
            }
            _ => None,
        });
        match msg {
            Msg::Loaded(Ok(view)) => {
                self.answers = view
                    .questions
                    .iter()
                    .map(|q| blank_answer(&q.kind))
                    .collect();
                self.useful_index = view
                    .questions
                    .first()
                    .filter(|q| matches!(q.kind, QuestionKindSpec::Useful { .. }))
                    .map(|_| 0);
                self.stage = if self.useful_index.is_some() {
                    Stage::AskingUseful
                } else {
                    details(Vec::new())
                };
                self.form = Some(Rc::new(view));
                self.announcement.clear();
            }
            Msg::Loaded(Err(problem)) => {
                self.stage = Stage::LoadFailed(problem);
                self.announcement = self.texts.problem(problem).to_owned();
            }
            Msg::Retry => {
                self.stage = Stage::Loading;
                self.announcement = self.texts.loading().to_owned();
                let url = format!(
                    "{}/api/v1/feedback/{}",
                    ctx.props().server,
                    ctx.props().slug
                );
                ctx.link()
                    .send_future(async move { Msg::Loaded(api::get_json(&url).await) });
            }
            Msg::Useful(useful) => {
                self.useful = Some(useful);
                let only_question = self.form.as_ref().is_some_and(|f| f.questions.len() == 1);
                self.stage = details(Vec::new());
                if useful && only_question {
                    self.submit(ctx);
                } else {
                    self.focus.request();
                }
            }
            Msg::ToggleReason(question, reason) => {
                if let Some(Answer::Useful { reasons, .. }) = self.answers.get_mut(question)
                    && let Some(ticked) = reasons.get_mut(reason)
                {
                    *ticked = !*ticked;
                }
            }
            Msg::Rate(question, score) => {
                if let Some(Answer::Rating(rating)) = self.answers.get_mut(question) {
                    *rating = Some(score);
                }
            }
            Msg::Type(question, typed) => {
                if let Some(Answer::Text(text) | Answer::Useful { comment: text, .. }) =
                    self.answers.get_mut(question)
                {
                    *text = typed;
                }
            }
            Msg::Submit => self.submit(ctx),
            Msg::Submitted(Ok(receipt)) => {
                self.stage = Stage::Thanks {
                    removed: receipt.personal_details_removed,
                };
                self.announcement = match self.texts.removed(receipt.personal_details_removed) {
                    Some(removed) => format!("{} {removed}", self.texts.thanks()),
                    None => self.texts.thanks().to_owned(),
                };
                self.focus.request();
            }
            Msg::Submitted(Err(problem)) => {
                self.stage = Stage::Details {
                    problems: Vec::new(),
                    failure: Some(problem),
                    sending: false,
                };
                self.announcement.clear();
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let busy = matches!(
            self.stage,
            Stage::Loading | Stage::Details { sending: true, .. }
        );
        shell::frame(
            self.texts.common().tag(),
            busy,
            self.body(ctx),
            &self.announcement,
        )
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        self.focus.apply();
    }
}

fn details(problems: Vec<(usize, String)>) -> Stage {
    Stage::Details {
        problems,
        failure: None,
        sending: false,
    }
}

fn blank_answer(kind: &QuestionKindSpec) -> Answer {
    match kind {
        QuestionKindSpec::Useful { reasons, .. } => Answer::Useful {
            reasons: vec![false; reasons.len()],
            comment: String::new(),
        },
        QuestionKindSpec::Csat {}
        | QuestionKindSpec::Nps {}
        | QuestionKindSpec::SingleChoice { .. } => Answer::Rating(None),
        QuestionKindSpec::FreeText { .. } => Answer::Text(String::new()),
    }
}

/// The page the widget sits on: its path (no query string or fragment) and title.
fn this_page() -> (String, Option<String>) {
    let window = web_sys::window();
    let path = window
        .as_ref()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".to_owned());
    let title = window
        .and_then(|w| w.document())
        .map(|d| d.title())
        .filter(|t| !t.trim().is_empty());
    (path, title)
}

impl FeedbackApp {
    /// `text` in the reader's language, else the form's default language (nothing is shown
    /// before the form has loaded).
    fn text<'a>(&self, ctx: &Context<Self>, text: &'a LocalizedText) -> &'a str {
        let language = ctx.props().language.to_string();
        match &self.form {
            Some(form) => text.resolve(&[language.as_str()], &form.default_language),
            None => "",
        }
    }

    /// Checks the answers as the server will (required questions, text limits) and either
    /// shows every problem or sends the response.
    fn submit(&mut self, ctx: &Context<Self>) {
        let Some(form) = self.form.clone() else {
            return;
        };
        if matches!(self.stage, Stage::Details { sending: true, .. }) {
            return;
        }
        let texts = self.texts;
        let mut problems = Vec::new();
        let mut answers = Vec::new();
        for (index, (question, answer)) in form.questions.iter().zip(&self.answers).enumerate() {
            let prompt = self.text(ctx, &question.prompt).to_owned();
            let input = match (&question.kind, answer) {
                (
                    QuestionKindSpec::Useful {
                        reasons,
                        comment_max_len,
                    },
                    Answer::Useful {
                        reasons: ticked,
                        comment,
                    },
                ) => {
                    if Some(index) == self.useful_index {
                        self.useful.map(|useful| {
                            let comment = comment.trim();
                            if let Some(max) = comment_max_len
                                && !useful
                                && comment.chars().count() > *max as usize
                            {
                                problems.push((index, texts.too_long(texts.comment_label(), *max)));
                            }
                            AnswerInput::Useful(UsefulInput {
                                useful,
                                reasons: if useful {
                                    Vec::new()
                                } else {
                                    reasons
                                        .iter()
                                        .zip(ticked)
                                        .filter(|(_, t)| **t)
                                        .map(|(r, _)| r.id.clone())
                                        .collect()
                                },
                                comment: (!useful
                                    && comment_max_len.is_some()
                                    && !comment.is_empty())
                                .then(|| comment.to_owned()),
                            })
                        })
                    } else {
                        None
                    }
                }
                (QuestionKindSpec::Useful { .. }, Answer::Rating(Some(yes))) => {
                    Some(AnswerInput::Useful(UsefulInput {
                        useful: *yes == 1,
                        reasons: Vec::new(),
                        comment: None,
                    }))
                }
                (QuestionKindSpec::Csat {}, Answer::Rating(Some(score))) => {
                    Some(AnswerInput::Csat(*score))
                }
                (QuestionKindSpec::Nps {}, Answer::Rating(Some(score))) => {
                    Some(AnswerInput::Nps(*score))
                }
                (QuestionKindSpec::SingleChoice { options }, Answer::Rating(Some(index))) => {
                    usize::try_from(*index)
                        .ok()
                        .and_then(|i| options.get(i))
                        .map(|option| AnswerInput::Choice(option.id.clone()))
                }
                (QuestionKindSpec::FreeText { max_len }, Answer::Text(text)) => {
                    let text = text.trim();
                    if text.chars().count() > *max_len as usize {
                        problems.push((index, texts.too_long(&prompt, *max_len)));
                    }
                    (!text.is_empty()).then(|| AnswerInput::Text(text.to_owned()))
                }
                _ => None,
            };
            match input {
                Some(answer) => answers.push(AnswerSubmission {
                    question: question.id.clone(),
                    answer,
                }),
                None if question.required => {
                    problems.push((index, texts.answer_required(&prompt)));
                }
                None => {}
            }
        }
        if !problems.is_empty() {
            self.stage = details(problems);
            self.focus.request();
            return;
        }
        let (page_path, page_title) = this_page();
        let submission = FeedbackResponseSubmission {
            page_path,
            page_title,
            answers,
            honeypot: self
                .honeypot
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .filter(|value| !value.is_empty()),
        };
        self.stage = Stage::Details {
            problems: Vec::new(),
            failure: None,
            sending: true,
        };
        self.announcement = texts.common().submitting().to_owned();
        let url = format!(
            "{}/api/v1/feedback/{}/responses",
            ctx.props().server,
            ctx.props().slug
        );
        ctx.link()
            .send_future(async move { Msg::Submitted(api::post_json(&url, &submission).await) });
    }

    fn body(&self, ctx: &Context<Self>) -> Html {
        let texts = self.texts;
        match (&self.stage, &self.form) {
            (Stage::Loading, _) => html! { <p class="state">{ texts.loading() }</p> },
            (Stage::LoadFailed(problem), _) => {
                let retry = problem
                    .is_retryable()
                    .then(|| (texts.common().retry(), ctx.link().callback(|_| Msg::Retry)));
                shell::problem_view(texts.problem(*problem), retry)
            }
            (Stage::AskingUseful, Some(form)) => self.useful_view(ctx, form),
            (
                Stage::Details {
                    problems,
                    failure,
                    sending,
                },
                Some(form),
            ) => self.details_view(ctx, form, problems, *failure, *sending),
            (Stage::Thanks { removed }, _) => html! {
                <div class="thanks" part="thanks">
                    <p class="outcome" tabindex="-1" ref={self.focus.target()}>{ texts.thanks() }</p>
                    if let Some(removed) = texts.removed(*removed) {
                        <p class="meta">{ removed }</p>
                    }
                </div>
            },
            (_, None) => shell::problem_view(texts.problem(Problem::Server), None),
        }
    }

    fn useful_view(&self, ctx: &Context<Self>, form: &FeedbackFormView) -> Html {
        let texts = self.texts;
        let prompt = form
            .questions
            .first()
            .map(|q| self.text(ctx, &q.prompt))
            .unwrap_or_default();
        html! {
            <div class="useful" role="group" aria-labelledby="useful-prompt">
                <p class="question" id="useful-prompt" part="question">{ prompt }</p>
                <div class="actions">
                    <button type="button" part="answer" onclick={ctx.link().callback(|_| Msg::Useful(true))}>{ texts.yes() }</button>
                    <button type="button" part="answer" onclick={ctx.link().callback(|_| Msg::Useful(false))}>{ texts.no() }</button>
                </div>
            </div>
        }
    }

    fn details_view(
        &self,
        ctx: &Context<Self>,
        form: &FeedbackFormView,
        problems: &[(usize, String)],
        failure: Option<Problem>,
        sending: bool,
    ) -> Html {
        let texts = self.texts;
        let heading = match self.useful {
            Some(false) => texts.what_went_wrong().to_owned(),
            Some(true) => texts.tell_us_more_heading().to_owned(),
            None => self.text(ctx, &form.title).to_owned(),
        };
        let onsubmit = ctx.link().callback(|event: SubmitEvent| {
            event.prevent_default();
            Msg::Submit
        });
        let summary = (!problems.is_empty()).then(|| {
            html! {
                <div class="problem summary" role="alert" tabindex="-1" ref={self.focus.target()}>
                    <p class="summary-title">{ texts.there_is_a_problem() }</p>
                    <ul>{ for problems.iter().map(|(_, message)| html! { <li>{ message.clone() }</li> }) }</ul>
                </div>
            }
        });
        let heading_ref = if problems.is_empty() {
            self.focus.target()
        } else {
            NodeRef::default()
        };
        let fields = form.questions.iter().enumerate().map(|(index, question)| {
            let problem = problems
                .iter()
                .find(|(i, _)| *i == index)
                .map(|(_, m)| m.as_str());
            self.question_view(ctx, index, question, problem)
        });
        html! {
            <form {onsubmit} novalidate=true>
                <p class="question" id="details-heading" tabindex="-1" ref={heading_ref} part="question">{ heading }</p>
                { for summary }
                if let Some(failure) = failure {
                    <p class="problem" role="alert">{ texts.problem(failure) }</p>
                }
                { for fields }
                <p class="hint" id="privacy">{ texts.privacy_notice() }</p>
                // Hidden from sight, keyboards and assistive technology; only robots fill it.
                <div class="visually-hidden" aria-hidden="true">
                    <label for="website">{ "Website" }</label>
                    <input id="website" name="website" type="text" tabindex="-1" autocomplete="off"
                        ref={self.honeypot.clone()} />
                </div>
                <div class="actions">
                    <button type="submit" part="submit" aria-disabled={sending.to_string()}>
                        { if sending { texts.common().submitting() } else { texts.send() } }
                    </button>
                </div>
            </form>
        }
    }

    fn question_view(
        &self,
        ctx: &Context<Self>,
        index: usize,
        question: &baraza_core::feedback::QuestionSpec,
        problem: Option<&str>,
    ) -> Html {
        let texts = self.texts;
        let id = field_id(index);
        let prompt = self.text(ctx, &question.prompt);
        let optional = (!question.required)
            .then(|| html! { <span class="meta">{ format!(" {}", texts.optional()) }</span> });
        let error = problem.map(|m| html! { <p class="problem">{ m.to_owned() }</p> });
        let answer = self.answers.get(index);
        let radio = |value: i64, label: String, checked: bool| {
            let onchange = ctx.link().callback(move |_| Msg::Rate(index, value));
            let input_id = format!("{id}-{value}");
            html! {
                <div class="option">
                    <input type="radio" id={input_id.clone()} name={id.clone()} value={value.to_string()} {checked} {onchange} />
                    <label for={input_id}>{ label }</label>
                </div>
            }
        };
        let rating = match answer {
            Some(Answer::Rating(rating)) => *rating,
            _ => None,
        };
        match (&question.kind, answer) {
            (
                QuestionKindSpec::Useful {
                    reasons,
                    comment_max_len,
                },
                Some(Answer::Useful {
                    reasons: ticked,
                    comment,
                }),
            ) if Some(index) == self.useful_index => {
                if self.useful != Some(false) {
                    return Html::default();
                }
                let boxes = reasons.iter().zip(ticked).enumerate().map(|(r, (reason, checked))| {
                    let input_id = format!("{id}-reason-{r}");
                    let onchange = ctx.link().callback(move |_| Msg::ToggleReason(index, r));
                    html! {
                        <div class="option">
                            <input type="checkbox" id={input_id.clone()} value={reason.id.clone()} checked={*checked} {onchange} />
                            <label for={input_id}>{ self.text(ctx, &reason.label) }</label>
                        </div>
                    }
                });
                let comment_box = comment_max_len.map(|max| {
                    self.text_box(
                        ctx,
                        index,
                        &format!("{id}-comment"),
                        texts.comment_label(),
                        comment,
                        max,
                    )
                });
                html! {
                    <>
                        if !reasons.is_empty() {
                            <fieldset class="field" aria-labelledby="details-heading">{ for boxes }</fieldset>
                        }
                        { error }
                        { for comment_box }
                    </>
                }
            }
            (QuestionKindSpec::Useful { .. }, _) => html! {
                <fieldset class="field">
                    <legend>{ prompt }{ for optional }</legend>
                    { error }
                    { radio(1, texts.yes().to_owned(), rating == Some(1)) }
                    { radio(0, texts.no().to_owned(), rating == Some(0)) }
                </fieldset>
            },
            (QuestionKindSpec::Csat {}, _) => html! {
                <fieldset class="field">
                    <legend>{ prompt }{ for optional }</legend>
                    { error }
                    { for (1..=5_u8).map(|s| radio(i64::from(s), texts.csat_label(s).to_owned(), rating == Some(i64::from(s)))) }
                </fieldset>
            },
            (QuestionKindSpec::Nps {}, _) => html! {
                <fieldset class="field" aria-describedby={format!("{id}-hint")}>
                    <legend>{ prompt }{ for optional }</legend>
                    <p class="hint" id={format!("{id}-hint")}>{ texts.nps_hint() }</p>
                    { error }
                    <div class="scale">
                        { for (0..=10).map(|s| radio(s, s.to_string(), rating == Some(s))) }
                    </div>
                </fieldset>
            },
            (QuestionKindSpec::SingleChoice { options }, _) => html! {
                <fieldset class="field">
                    <legend>{ prompt }{ for optional }</legend>
                    { error }
                    { for options.iter().zip(0..).map(|(option, i)| radio(i, self.text(ctx, &option.label).to_owned(), rating == Some(i))) }
                </fieldset>
            },
            (QuestionKindSpec::FreeText { max_len }, Some(Answer::Text(text))) => html! {
                <div class="field">
                    { error }
                    { self.text_box(ctx, index, &id, &format!("{prompt}{}", if question.required { String::new() } else { format!(" {}", texts.optional()) }), text, *max_len) }
                </div>
            },
            _ => Html::default(),
        }
    }

    /// A text box with its label, its character count and the privacy notice as description.
    fn text_box(
        &self,
        ctx: &Context<Self>,
        index: usize,
        id: &str,
        label: &str,
        text: &str,
        max: u32,
    ) -> Html {
        let count_id = format!("{id}-count");
        let oninput = ctx.link().callback(move |e: InputEvent| {
            Msg::Type(
                index,
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            )
        });
        let typed = text.chars().count();
        html! {
            <div class="text-box">
                <label for={id.to_owned()}>{ label.to_owned() }</label>
                <textarea id={id.to_owned()} rows="4" value={text.to_owned()} {oninput}
                    aria-describedby={format!("privacy {count_id}")} />
                <p class={if typed > max as usize { "hint over" } else { "hint" }} id={count_id}>
                    { self.texts.characters_left(max, typed) }
                </p>
            </div>
        }
    }
}
