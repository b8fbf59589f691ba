//! The `<baraza-consultation>` widget: the document by sections, each with its published
//! comments (stance, agree/disagree, one level of replies, the public body's answers set
//! apart), a comment form with a stance that goes to moderation, reporting a comment, and once
//! closed the outcome: "we asked, you said, we did".
//!
//! Every rule (what may happen in which phase, replies one level deep, one reaction and one
//! report per device) is the server's, which applies the core's; the widget only shows what is
//! possible and says what the server answered.

use std::collections::{BTreeMap, BTreeSet};

use baraza_core::consultation::{CommentId, ConsultationPhase, OutcomeReport, Reaction, Stance};
use baraza_core::v1::{
    CommentReceipt, CommentSubmission, ConsultationSectionView, ConsultationView, PublishedComment,
    ReactionReceipt, ReactionSubmission, ReportReceipt, ReportSubmission,
};
use baraza_core::{LocalizedText, OffsetDateTime};
use wasm_bindgen::JsValue;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api;
use crate::device;
use crate::i18n::{Lang, Problem};
use crate::shell::{self, Event, Focus, WidgetProps};

mod texts;
use texts::Texts;

const STANCES: [Stance; 4] = [
    Stance::Support,
    Stance::Oppose,
    Stance::Neutral,
    Stance::Question,
];

/// A comment or reply being written.
#[derive(Debug, Default)]
struct Draft {
    stance: Option<Stance>,
    text: String,
    problems: Vec<String>,
    failure: Option<Problem>,
    sending: bool,
    /// Sent: waiting for moderation, with the number of personal details removed.
    sent: Option<u64>,
}

/// Where focus goes on the next render.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FocusOn {
    Nothing,
    /// A section's error summary or its "pending moderation" message.
    Section(usize),
    /// The reply box, its error summary or its "pending" message.
    Reply,
}

#[derive(Debug)]
enum Stage {
    Loading,
    LoadFailed(Problem),
    Ready(Box<ConsultationView>),
}

#[derive(Debug)]
pub(crate) enum Msg {
    Loaded(Result<ConsultationView, Problem>),
    Retry,
    Stance(usize, Stance),
    Type(usize, String),
    Submit(usize),
    Submitted(usize, Result<CommentReceipt, Problem>),
    OpenReply(CommentId),
    TypeReply(String),
    SubmitReply,
    ReplySubmitted(Result<CommentReceipt, Problem>),
    React(CommentId, Reaction),
    Reacted(CommentId, Reaction, Result<ReactionReceipt, Problem>),
    Report(CommentId),
    Reported(CommentId, Result<ReportReceipt, Problem>),
}

/// The consultation widget component.
#[derive(Debug)]
pub(crate) struct ConsultationApp {
    stage: Stage,
    drafts: Vec<Draft>,
    /// The comment being replied to and the reply.
    reply: Option<(CommentId, Draft)>,
    reacted: BTreeMap<CommentId, Option<Reaction>>,
    reported: BTreeSet<CommentId>,
    /// A refusal to show beside a comment (already reacted, closed meanwhile…).
    comment_problems: BTreeMap<CommentId, Problem>,
    texts: Texts,
    announcement: String,
    focus: Focus,
    focus_on: FocusOn,
}

impl Component for ConsultationApp {
    type Message = Msg;
    type Properties = WidgetProps;

    fn create(ctx: &Context<Self>) -> Self {
        let pending = ctx.props().first_response.0.clone();
        ctx.link()
            .send_future(async move { Msg::Loaded(api::decode(pending).await) });
        Self {
            stage: Stage::Loading,
            drafts: Vec::new(),
            reply: None,
            reacted: BTreeMap::new(),
            reported: BTreeSet::new(),
            comment_problems: BTreeMap::new(),
            texts: Texts::new(Lang::from_tag(&ctx.props().language)),
            announcement: String::new(),
            focus: Focus::default(),
            focus_on: FocusOn::Nothing,
        }
    }

    fn changed(&mut self, _ctx: &Context<Self>, _old: &Self::Properties) -> bool {
        // The loader remounts the widget when an attribute changes.
        false
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        let texts = self.texts;
        ctx.props().events.emit(event_of(&msg));
        match msg {
            Msg::Loaded(Ok(view)) => {
                self.drafts = view.sections.iter().map(|_| Draft::default()).collect();
                self.stage = Stage::Ready(Box::new(view));
                self.announcement.clear();
            }
            Msg::Loaded(Err(problem)) => {
                self.stage = Stage::LoadFailed(problem);
                self.announcement = texts.problem(problem).to_owned();
            }
            Msg::Retry => {
                self.stage = Stage::Loading;
                self.announcement = texts.loading().to_owned();
                let url = self.url(ctx, "");
                ctx.link()
                    .send_future(async move { Msg::Loaded(api::get_json(&url).await) });
            }
            Msg::Stance(section, stance) => {
                if let Some(draft) = self.drafts.get_mut(section) {
                    draft.stance = Some(stance);
                }
            }
            Msg::Type(section, text) => {
                if let Some(draft) = self.drafts.get_mut(section) {
                    draft.text = text;
                }
            }
            Msg::Submit(section) => self.submit_comment(ctx, section),
            Msg::Submitted(section, outcome) => {
                if let Some(draft) = self.drafts.get_mut(section) {
                    draft.sending = false;
                    match outcome {
                        Ok(receipt) => {
                            *draft = Draft {
                                sent: Some(receipt.personal_details_removed),
                                ..Draft::default()
                            };
                            self.announcement = texts.pending().to_owned();
                            self.focus_on = FocusOn::Section(section);
                            self.focus.request();
                        }
                        Err(problem) => {
                            draft.failure = Some(problem);
                            self.announcement = texts.problem(problem).to_owned();
                        }
                    }
                }
            }
            Msg::OpenReply(parent) => {
                self.reply = Some((parent, Draft::default()));
                self.focus_on = FocusOn::Reply;
                self.focus.request();
            }
            Msg::TypeReply(text) => {
                if let Some((_, draft)) = &mut self.reply {
                    draft.text = text;
                }
            }
            Msg::SubmitReply => self.submit_reply(ctx),
            Msg::ReplySubmitted(outcome) => {
                if let Some((_, draft)) = &mut self.reply {
                    draft.sending = false;
                    match outcome {
                        Ok(receipt) => {
                            draft.sent = Some(receipt.personal_details_removed);
                            draft.text.clear();
                            self.announcement = texts.pending().to_owned();
                            self.focus_on = FocusOn::Reply;
                            self.focus.request();
                        }
                        Err(problem) => {
                            draft.failure = Some(problem);
                            self.announcement = texts.problem(problem).to_owned();
                        }
                    }
                }
            }
            Msg::React(comment, reaction) => {
                if self.reacted.contains_key(&comment) {
                    return false;
                }
                self.reacted.insert(comment, None);
                self.comment_problems.remove(&comment);
                let url = self.url(ctx, &format!("/comments/{comment}/reactions"));
                let body = ReactionSubmission {
                    reaction,
                    voter: device::voter_token(),
                };
                ctx.link().send_future(async move {
                    Msg::Reacted(comment, reaction, api::post_json(&url, &body).await)
                });
            }
            Msg::Reacted(comment, reaction, outcome) => match outcome {
                Ok(receipt) => {
                    self.reacted.insert(comment, Some(reaction));
                    if let Stage::Ready(view) = &mut self.stage
                        && let Some(shown) = find_comment(view, comment)
                    {
                        shown.agrees = receipt.agrees;
                        shown.disagrees = receipt.disagrees;
                    }
                    self.announcement = texts.reaction_recorded().to_owned();
                }
                Err(problem) => {
                    if problem != Problem::AlreadyVoted {
                        // Trying again may work; a repeat stays refused.
                        self.reacted.remove(&comment);
                    }
                    self.comment_problems.insert(comment, problem);
                    self.announcement = texts.problem(problem).to_owned();
                }
            },
            Msg::Report(comment) => {
                if self.reported.contains(&comment) {
                    return false;
                }
                self.reported.insert(comment);
                self.comment_problems.remove(&comment);
                let url = self.url(ctx, &format!("/comments/{comment}/reports"));
                let body = ReportSubmission {
                    voter: device::voter_token(),
                };
                ctx.link().send_future(async move {
                    Msg::Reported(comment, api::post_json(&url, &body).await)
                });
            }
            Msg::Reported(comment, outcome) => match outcome {
                Ok(_) => self.announcement = texts.reported().to_owned(),
                Err(Problem::AlreadyVoted) => self.announcement = texts.reported().to_owned(),
                Err(problem) => {
                    self.reported.remove(&comment);
                    self.comment_problems.insert(comment, problem);
                    self.announcement = texts.problem(problem).to_owned();
                }
            },
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let sending = self.drafts.iter().any(|d| d.sending)
            || self.reply.as_ref().is_some_and(|(_, d)| d.sending);
        let busy = matches!(self.stage, Stage::Loading) || sending;
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

fn find_comment(view: &mut ConsultationView, id: CommentId) -> Option<&mut PublishedComment> {
    for comment in view.sections.iter_mut().flat_map(|s| s.comments.iter_mut()) {
        if comment.id == id {
            return Some(comment);
        }
        if let Some(reply) = comment.replies.iter_mut().find(|r| r.id == id) {
            return Some(reply);
        }
    }
    None
}

/// A date in the reader's language, by the browser's `Intl` (no locale data in the wasm).
fn format_date(at: OffsetDateTime, language: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.unix_timestamp() as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    date.to_locale_date_string(language, &options).into()
}

/// The problems of a comment's text, as the server will find them.
fn text_problems(texts: Texts, text: &str, max: u32) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        vec![texts.write_something().to_owned()]
    } else if text.chars().count() > max as usize {
        vec![texts.too_long(max)]
    } else {
        Vec::new()
    }
}

impl ConsultationApp {
    fn url(&self, ctx: &Context<Self>, rest: &str) -> String {
        format!(
            "{}/api/v1/consultations/{}{rest}",
            ctx.props().server,
            ctx.props().slug
        )
    }

    fn view_data(&self) -> Option<&ConsultationView> {
        match &self.stage {
            Stage::Ready(view) => Some(view),
            _ => None,
        }
    }

    fn text<'a>(&self, ctx: &Context<Self>, text: &'a LocalizedText) -> &'a str {
        let language = ctx.props().language.to_string();
        match self.view_data() {
            Some(view) => text.resolve(&[language.as_str()], &view.default_language),
            None => "",
        }
    }

    fn submit_comment(&mut self, ctx: &Context<Self>, section: usize) {
        let texts = self.texts;
        let Some((section_id, max)) = self.view_data().and_then(|v| {
            v.sections
                .get(section)
                .map(|s| (s.id.as_str().to_owned(), v.max_comment_len))
        }) else {
            return;
        };
        let url = self.url(ctx, "/comments");
        let Some(draft) = self.drafts.get_mut(section) else {
            return;
        };
        if draft.sending {
            return;
        }
        let mut problems = Vec::new();
        if draft.stance.is_none() {
            problems.push(texts.choose_stance().to_owned());
        }
        problems.extend(text_problems(texts, &draft.text, max));
        draft.failure = None;
        draft.sent = None;
        self.focus_on = FocusOn::Section(section);
        if !problems.is_empty() {
            draft.problems = problems;
            self.focus.request();
            return;
        }
        draft.problems.clear();
        draft.sending = true;
        let body = CommentSubmission {
            section: Some(section_id),
            stance: draft.stance,
            parent: None,
            text: draft.text.trim().to_owned(),
            voter: device::voter_token(),
            honeypot: None,
        };
        self.announcement = texts.common().submitting().to_owned();
        ctx.link()
            .send_future(async move { Msg::Submitted(section, api::post_json(&url, &body).await) });
    }

    fn submit_reply(&mut self, ctx: &Context<Self>) {
        let texts = self.texts;
        let max = self.view_data().map_or(0, |v| v.max_comment_len);
        let url = self.url(ctx, "/comments");
        let Some((parent, draft)) = &mut self.reply else {
            return;
        };
        if draft.sending {
            return;
        }
        draft.failure = None;
        draft.sent = None;
        self.focus_on = FocusOn::Reply;
        let problems = text_problems(texts, &draft.text, max);
        if !problems.is_empty() {
            draft.problems = problems;
            self.focus.request();
            return;
        }
        draft.problems.clear();
        draft.sending = true;
        let body = CommentSubmission {
            section: None,
            stance: None,
            parent: Some(*parent),
            text: draft.text.trim().to_owned(),
            voter: device::voter_token(),
            honeypot: None,
        };
        self.announcement = texts.common().submitting().to_owned();
        ctx.link()
            .send_future(async move { Msg::ReplySubmitted(api::post_json(&url, &body).await) });
    }

    /// The focus reference if focus should land on `place`'s element.
    fn focus_ref(&self, place: FocusOn) -> NodeRef {
        if self.focus_on == place {
            self.focus.target()
        } else {
            NodeRef::default()
        }
    }

    fn body(&self, ctx: &Context<Self>) -> Html {
        let texts = self.texts;
        match &self.stage {
            Stage::Loading => html! { <p class="state">{ texts.loading() }</p> },
            Stage::LoadFailed(problem) => {
                let retry = problem
                    .is_retryable()
                    .then(|| (texts.common().retry(), ctx.link().callback(|_| Msg::Retry)));
                shell::problem_view(texts.problem(*problem), retry)
            }
            Stage::Ready(view) => {
                let language = texts.common().tag();
                let open = view.phase == ConsultationPhase::Open;
                let when = match (view.closed_at, view.opened_at) {
                    (Some(closed), _) => texts.closed_on(&format_date(closed, language)),
                    (None, Some(opened)) => texts.open_since(&format_date(opened, language)),
                    (None, None) => String::new(),
                };
                html! {
                    <div class="consultation">
                        <p class="question" part="question">{ self.text(ctx, &view.title) }</p>
                        <p class="meta">{ when }</p>
                        if let Some(outcome) = &view.outcome {
                            { self.outcome_view(ctx, outcome) }
                        }
                        { for view.sections.iter().enumerate().map(|(i, s)| self.section_view(ctx, i, s, open)) }
                    </div>
                }
            }
        }
    }

    fn outcome_view(&self, ctx: &Context<Self>, outcome: &OutcomeReport) -> Html {
        let texts = self.texts;
        let summary = match &outcome.outcome {
            Some(published) => html! {
                <p><strong>{ format!("{}: ", texts.decision()) }</strong>{ self.text(ctx, &published.summary) }</p>
            },
            None => html! { <p class="meta">{ texts.outcome_pending() }</p> },
        };
        let rows = outcome.sections.iter().map(|section| {
            let said = &section.you_said;
            let did = match &section.we_did {
                Some(response) => self.text(ctx, &response.text).to_owned(),
                None => texts.no_response_yet().to_owned(),
            };
            html! {
                <li>
                    <h4>{ format!("{} – {}", texts.section_number(section.number), self.text(ctx, &section.we_asked)) }</h4>
                    <dl>
                        <dt>{ texts.we_asked() }</dt>
                        <dd>{ self.text(ctx, &section.we_asked) }</dd>
                        <dt>{ texts.you_said() }</dt>
                        <dd>{ texts.said_counts(said.support, said.oppose, said.neutral, said.question) }</dd>
                        <dt>{ texts.we_did() }</dt>
                        <dd>{ did }</dd>
                    </dl>
                </li>
            }
        });
        html! {
            <section class="comment official" part="outcome" aria-labelledby="outcome-heading">
                <h3 id="outcome-heading">{ texts.outcome_heading() }</h3>
                { summary }
                <ul class="plain">{ for rows }</ul>
            </section>
        }
    }

    fn section_view(
        &self,
        ctx: &Context<Self>,
        index: usize,
        section: &ConsultationSectionView,
        open: bool,
    ) -> Html {
        let texts = self.texts;
        let heading_id = format!("section-{index}");
        let response = section.official_response.as_ref().map(|response| {
            html! {
                <aside class="comment official" aria-label={format!("{} – {}", texts.official_response(), texts.section_number(section.number))}>
                    <p class="official-label">{ texts.official_response() }</p>
                    <p class="comment-text">{ self.text(ctx, &response.text) }</p>
                </aside>
            }
        });
        let comments = if section.comments.is_empty() {
            html! { <p class="meta">{ texts.no_comments() }</p> }
        } else {
            html! {
                <ul class="comments plain">
                    { for section.comments.iter().map(|c| self.comment_view(ctx, c, false, open)) }
                </ul>
            }
        };
        html! {
            <section class="section" part="section" aria-labelledby={heading_id.clone()}>
                <h3 id={heading_id}>{ format!("{} – {}", texts.section_number(section.number), self.text(ctx, &section.title)) }</h3>
                <p class="section-text">{ self.text(ctx, &section.text) }</p>
                { for response }
                <h4>{ texts.comments_heading(section.comments.len()) }</h4>
                { comments }
                if open {
                    { self.comment_form(ctx, index) }
                }
            </section>
        }
    }

    fn comment_view(
        &self,
        ctx: &Context<Self>,
        comment: &PublishedComment,
        is_reply: bool,
        open: bool,
    ) -> Html {
        let texts = self.texts;
        let id = comment.id;
        let date = format_date(comment.created_at, texts.common().tag());
        let stance = comment.stance.map(|stance| {
            let class = format!("stance stance-{}", texts.stance(stance).to_lowercase());
            html! { <p class={class}>{ texts.stance(stance) }</p> }
        });
        let reacted = self.reacted.get(&id).copied();
        let reaction_button = |reaction: Reaction, count: u64| {
            let pressed = reacted == Some(Some(reaction));
            let onclick = ctx.link().callback(move |_| Msg::React(id, reaction));
            html! {
                <button type="button" class="secondary" aria-pressed={pressed.to_string()}
                    aria-disabled={reacted.is_some().to_string()} {onclick}>
                    { texts.reaction(reaction, count) }
                </button>
            }
        };
        let actions = if comment.official {
            Html::default()
        } else {
            let reported = self.reported.contains(&id);
            html! {
                <div class="actions">
                    if open {
                        { reaction_button(Reaction::Agree, comment.agrees) }
                        { reaction_button(Reaction::Disagree, comment.disagrees) }
                        if !is_reply {
                            <button type="button" class="secondary"
                                onclick={ctx.link().callback(move |_| Msg::OpenReply(id))}>{ texts.reply() }</button>
                        }
                    } else {
                        <p class="meta">{ format!("{} · {}", texts.reaction(Reaction::Agree, comment.agrees), texts.reaction(Reaction::Disagree, comment.disagrees)) }</p>
                    }
                    if reported {
                        <p class="meta">{ texts.reported() }</p>
                    } else {
                        <button type="button" class="link"
                            onclick={ctx.link().callback(move |_| Msg::Report(id))}>{ texts.report() }</button>
                    }
                </div>
            }
        };
        let problem = self
            .comment_problems
            .get(&id)
            .map(|p| html! { <p class="problem">{ texts.problem(*p) }</p> });
        let replies = (!comment.replies.is_empty()).then(|| {
            html! {
                <ul class="replies plain">
                    { for comment.replies.iter().map(|r| self.comment_view(ctx, r, true, open)) }
                </ul>
            }
        });
        let reply_box = match &self.reply {
            Some((parent, draft)) if *parent == id && open => Some(self.reply_form(ctx, draft)),
            _ => None,
        };
        let inner = html! {
            <>
                if comment.official {
                    <p class="official-label">{ texts.official_response() }</p>
                }
                { for stance }
                <p class="comment-text">{ comment.text.clone() }</p>
                <p class="meta">{ date }</p>
                { actions }
                { for problem }
            </>
        };
        html! {
            <li>
                if comment.official {
                    <aside class="comment official" aria-label={texts.official_reply(id)}>{ inner }</aside>
                } else {
                    <article class="comment">{ inner }</article>
                }
                { for replies }
                { for reply_box }
            </li>
        }
    }

    fn problems_summary(&self, problems: &[String], place: FocusOn) -> Html {
        if problems.is_empty() {
            return Html::default();
        }
        html! {
            <div class="problem summary" role="alert" tabindex="-1" ref={self.focus_ref(place)}>
                <p class="summary-title">{ self.texts.there_is_a_problem() }</p>
                <ul>{ for problems.iter().map(|m| html! { <li>{ m.clone() }</li> }) }</ul>
            </div>
        }
    }

    fn sent_view(&self, removed: u64, place: FocusOn) -> Html {
        let texts = self.texts;
        html! {
            <div class="thanks" part="pending">
                <p class="outcome" tabindex="-1" ref={self.focus_ref(place)}>{ texts.pending() }</p>
                if let Some(removed) = texts.removed(removed) {
                    <p class="meta">{ removed }</p>
                }
            </div>
        }
    }

    fn text_box(
        &self,
        id: &str,
        label: &str,
        text: &str,
        oninput: Callback<InputEvent>,
        node: NodeRef,
    ) -> Html {
        let max = self.view_data().map_or(0, |v| v.max_comment_len);
        let count_id = format!("{id}-count");
        let privacy_id = format!("{id}-privacy");
        let typed = text.chars().count();
        html! {
            <div class="text-box">
                <label for={id.to_owned()}>{ label.to_owned() }</label>
                <p class="hint" id={privacy_id.clone()}>{ self.texts.privacy_notice() }</p>
                <textarea id={id.to_owned()} rows="4" value={text.to_owned()} {oninput} ref={node}
                    aria-describedby={format!("{privacy_id} {count_id}")} />
                <p class={if typed > max as usize { "hint over" } else { "hint" }} id={count_id}>
                    { self.texts.characters_left(max, typed) }
                </p>
            </div>
        }
    }

    fn comment_form(&self, ctx: &Context<Self>, index: usize) -> Html {
        let texts = self.texts;
        let Some(draft) = self.drafts.get(index) else {
            return Html::default();
        };
        let place = FocusOn::Section(index);
        if let Some(removed) = draft.sent {
            return self.sent_view(removed, place);
        }
        let onsubmit = ctx.link().callback(move |event: SubmitEvent| {
            event.prevent_default();
            Msg::Submit(index)
        });
        let oninput = ctx.link().callback(move |e: InputEvent| {
            Msg::Type(
                index,
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            )
        });
        let form_heading = format!("comment-form-{index}");
        let radios = STANCES.iter().map(|&stance| {
            let input_id = format!("s{index}-stance-{}", texts.stance(stance).to_lowercase());
            let onchange = ctx.link().callback(move |_| Msg::Stance(index, stance));
            html! {
                <div class="option">
                    <input type="radio" id={input_id.clone()} name={format!("s{index}-stance")}
                        checked={draft.stance == Some(stance)} {onchange} />
                    <label for={input_id}>{ texts.stance(stance) }</label>
                </div>
            }
        });
        html! {
            <form class="comment-form" {onsubmit} novalidate=true aria-labelledby={format!("{form_heading} section-{index}")}>
                <h4 id={form_heading}>{ texts.your_comment() }</h4>
                { self.problems_summary(&draft.problems, place) }
                if let Some(failure) = draft.failure {
                    <p class="problem" role="alert">{ texts.problem(failure) }</p>
                }
                <fieldset class="field">
                    <legend>{ texts.stance_legend() }</legend>
                    <div class="scale">{ for radios }</div>
                </fieldset>
                { self.text_box(&format!("s{index}-text"), texts.comment_label(), &draft.text, oninput, NodeRef::default()) }
                <div class="actions">
                    <button type="submit" part="submit" aria-disabled={draft.sending.to_string()}>
                        { if draft.sending { texts.common().submitting() } else { texts.send() } }
                    </button>
                </div>
            </form>
        }
    }

    fn reply_form(&self, ctx: &Context<Self>, draft: &Draft) -> Html {
        let texts = self.texts;
        if let Some(removed) = draft.sent {
            return self.sent_view(removed, FocusOn::Reply);
        }
        let onsubmit = ctx.link().callback(|event: SubmitEvent| {
            event.prevent_default();
            Msg::SubmitReply
        });
        let oninput = ctx.link().callback(|e: InputEvent| {
            Msg::TypeReply(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        // Focus lands on the box when it opens, on the summary after a problem.
        let box_ref = if draft.problems.is_empty() {
            self.focus_ref(FocusOn::Reply)
        } else {
            NodeRef::default()
        };
        html! {
            <form class="reply-form" {onsubmit} novalidate=true>
                { self.problems_summary(&draft.problems, FocusOn::Reply) }
                if let Some(failure) = draft.failure {
                    <p class="problem" role="alert">{ texts.problem(failure) }</p>
                }
                { self.text_box("reply-text", texts.reply_label(), &draft.text, oninput, box_ref) }
                <div class="actions">
                    <button type="submit" aria-disabled={draft.sending.to_string()}>
                        { if draft.sending { texts.common().submitting() } else { texts.send() } }
                    </button>
                </div>
            </form>
        }
    }
}

/// What the host page hears of `msg`.
fn event_of(msg: &Msg) -> Option<Event> {
    let (action, outcome) = match msg {
        Msg::Loaded(Ok(_)) => return Some(Event::Ready),
        Msg::Loaded(Err(problem)) => return Some(Event::Error(*problem)),
        Msg::Submitted(_, outcome) => ("comment", outcome.as_ref().err()),
        Msg::ReplySubmitted(outcome) => ("reply", outcome.as_ref().err()),
        Msg::Reacted(_, _, outcome) => ("reaction", outcome.as_ref().err()),
        Msg::Reported(_, outcome) => ("report", outcome.as_ref().err()),
        _ => return None,
    };
    Some(outcome.map_or(Event::Submitted(action), |problem| Event::Error(*problem)))
}
