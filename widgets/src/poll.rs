//! The `<baraza-poll>` widget: load a poll, let the citizen answer, show the results.

use std::rc::Rc;

use baraza_core::score::{RatingSubmission, Scale};
use baraza_core::v1::{BallotReceipt, BallotSubmission, PollResults, PollView};
use baraza_core::{OffsetDateTime, PollPhase};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::i18n::{Lang, Problem};

mod ranking;
mod texts;
use crate::shell::{self, Event, Focus, WidgetProps};
use crate::{api, device};
use texts::Texts;

/// Why results are shown instead of the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Thanks,
    AlreadyVoted,
    Closed,
}

#[derive(Debug)]
enum Stage {
    Loading,
    LoadFailed(Problem),
    Upcoming,
    Choosing {
        problem: Option<String>,
        sending: bool,
    },
    ResultsLoading(Outcome),
    ResultsFailed(Outcome, Problem),
    Results {
        results: PollResults,
        outcome: Outcome,
    },
}

#[derive(Debug)]
pub(crate) enum Msg {
    PollLoaded(Result<PollView, Problem>),
    Toggle(usize),
    /// A score poll's option `.0` rated `.1`.
    Rate(usize, i32),
    /// A ranked poll's ranking changed.
    Rank(ranking::Move),
    Voucher(String),
    Submit,
    Submitted(Result<BallotReceipt, Problem>),
    ResultsLoaded(Outcome, Result<PollResults, Problem>),
    Retry,
}

/// The poll widget component.
#[derive(Debug)]
pub(crate) struct PollApp {
    stage: Stage,
    poll: Option<Rc<PollView>>,
    selected: Vec<bool>,
    /// A score poll's rating of each option, `None` while unrated.
    scores: Vec<Option<i32>>,
    /// A ranked poll's ranking: option positions, first choice first.
    ranking: Vec<usize>,
    /// The ranking button to focus after the next render (buttons move as options do).
    ranking_focus: Option<String>,
    form_ref: NodeRef,
    texts: Texts,
    voter: String,
    /// The voucher code typed, for a poll that needs one.
    voucher: String,
    announcement: String,
    focus: Focus,
}

impl Component for PollApp {
    type Message = Msg;
    type Properties = WidgetProps;

    fn create(ctx: &Context<Self>) -> Self {
        let pending = ctx.props().first_response.0.clone();
        ctx.link()
            .send_future(async move { Msg::PollLoaded(api::decode(pending).await) });
        Self {
            stage: Stage::Loading,
            poll: None,
            selected: Vec::new(),
            scores: Vec::new(),
            ranking: Vec::new(),
            ranking_focus: None,
            form_ref: NodeRef::default(),
            texts: Texts::new(Lang::from_tag(&ctx.props().language)),
            voter: device::voter_token(),
            voucher: String::new(),
            announcement: String::new(),
            focus: Focus::default(),
        }
    }

    fn changed(&mut self, _ctx: &Context<Self>, _old: &Self::Properties) -> bool {
        // The loader remounts the widget when an attribute changes.
        false
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        let props = ctx.props();
        props.events.emit(event_of(&msg));
        match msg {
            Msg::PollLoaded(Ok(view)) => {
                self.selected = vec![false; view.options.len()];
                self.scores = vec![None; view.options.len()];
                self.ranking.clear();
                let phase = view.phase;
                self.poll = Some(Rc::new(view));
                if phase == PollPhase::Closed {
                    self.show_results(ctx, Outcome::Closed);
                } else if phase == PollPhase::Upcoming {
                    self.stage = Stage::Upcoming;
                } else if device::has_voted(&props.server, &props.slug) {
                    self.show_results(ctx, Outcome::AlreadyVoted);
                } else {
                    self.stage = Stage::Choosing {
                        problem: None,
                        sending: false,
                    };
                }
                self.announcement.clear();
            }
            Msg::PollLoaded(Err(problem)) => {
                self.stage = Stage::LoadFailed(problem);
                self.announcement = self.texts.problem(problem).to_owned();
            }
            Msg::Toggle(index) => {
                let single = self
                    .poll
                    .as_ref()
                    .is_some_and(|p| p.kind.is_single_choice());
                if single {
                    self.selected.iter_mut().for_each(|s| *s = false);
                }
                if let Some(slot) = self.selected.get_mut(index) {
                    *slot = single || !*slot;
                }
                if let Stage::Choosing { problem, .. } = &mut self.stage {
                    *problem = None;
                }
            }
            Msg::Rate(index, score) => {
                if let Some(slot) = self.scores.get_mut(index) {
                    *slot = Some(score);
                }
                if let Stage::Choosing { problem, .. } = &mut self.stage {
                    *problem = None;
                }
            }
            Msg::Rank(action) => {
                let (place, focus) = action.apply(&mut self.ranking);
                let option = match action {
                    ranking::Move::Add(o)
                    | ranking::Move::Up(o)
                    | ranking::Move::Down(o)
                    | ranking::Move::Remove(o) => o,
                };
                if let Some(poll) = self.poll.clone() {
                    let name = self.option_label(ctx, &poll, option);
                    self.announcement = self.texts.placed(&name, place, self.ranking.len());
                }
                self.ranking_focus = Some(focus);
                if let Stage::Choosing { problem, .. } = &mut self.stage {
                    *problem = None;
                }
            }
            Msg::Voucher(code) => self.voucher = code,
            Msg::Submit => self.submit(ctx),
            Msg::Submitted(Ok(receipt)) => {
                device::remember_vote(&props.server, &props.slug);
                self.announcement = format!(
                    "{} {}",
                    self.texts.thanks(),
                    self.texts.total(receipt.results.total_ballots)
                );
                self.stage = Stage::Results {
                    results: receipt.results,
                    outcome: Outcome::Thanks,
                };
                self.focus.request();
            }
            Msg::Submitted(Err(Problem::AlreadyVoted)) => {
                device::remember_vote(&props.server, &props.slug);
                self.show_results(ctx, Outcome::AlreadyVoted);
                self.focus.request();
            }
            Msg::Submitted(Err(Problem::Closed)) => {
                self.show_results(ctx, Outcome::Closed);
                self.focus.request();
            }
            Msg::Submitted(Err(problem)) => {
                self.stage = Stage::Choosing {
                    problem: Some(self.texts.problem(problem).to_owned()),
                    sending: false,
                };
                self.announcement.clear();
            }
            Msg::ResultsLoaded(outcome, Ok(results)) => {
                // Announce only what the citizen caused; results shown on page load stay quiet.
                self.announcement = if self.focus.is_requested() {
                    format!(
                        "{} {}",
                        self.outcome_text(outcome),
                        self.texts.total(results.total_ballots)
                    )
                } else {
                    String::new()
                };
                self.stage = Stage::Results { results, outcome };
            }
            Msg::ResultsLoaded(outcome, Err(problem)) => {
                self.stage = Stage::ResultsFailed(outcome, problem);
            }
            Msg::Retry => match self.stage {
                Stage::ResultsFailed(outcome, _) => self.show_results(ctx, outcome),
                _ => {
                    self.stage = Stage::Loading;
                    self.announcement = self.texts.loading().to_owned();
                    let (server, slug) = (props.server.to_string(), props.slug.to_string());
                    ctx.link().send_future(async move {
                        Msg::PollLoaded(
                            api::get_json(&format!("{server}/api/v1/polls/{slug}")).await,
                        )
                    });
                }
            },
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let busy = matches!(self.stage, Stage::Loading | Stage::ResultsLoading(_));
        shell::frame(self.texts.tag(), busy, self.body(ctx), &self.announcement)
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        self.focus.apply();
        if let Some(id) = self.ranking_focus.take()
            && let Some(form) = self.form_ref.cast::<web_sys::Element>()
            && let Ok(Some(button)) = form.query_selector(&format!("#{id}"))
            && let Ok(button) = button.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = button.focus();
        }
    }
}

impl PollApp {
    fn language(&self, ctx: &Context<Self>) -> [String; 1] {
        [ctx.props().language.to_string()]
    }

    fn text<'a>(
        &self,
        ctx: &Context<Self>,
        poll: &'a PollView,
        text: &'a baraza_core::LocalizedText,
    ) -> &'a str {
        let language = self.language(ctx);
        let preferred: Vec<&str> = language.iter().map(String::as_str).collect();
        text.resolve(&preferred, &poll.default_language)
    }

    /// Option `index`'s label in the reader's language.
    fn option_label(&self, ctx: &Context<Self>, poll: &PollView, index: usize) -> String {
        poll.options
            .get(index)
            .map(|o| self.text(ctx, poll, &o.label).to_owned())
            .unwrap_or_default()
    }

    fn outcome_text(&self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Thanks => self.texts.thanks(),
            Outcome::AlreadyVoted => self.texts.already_voted(),
            Outcome::Closed => self.texts.closed(),
        }
    }

    fn show_results(&mut self, ctx: &Context<Self>, outcome: Outcome) {
        self.stage = Stage::ResultsLoading(outcome);
        let (server, slug) = (ctx.props().server.to_string(), ctx.props().slug.to_string());
        ctx.link().send_future(async move {
            Msg::ResultsLoaded(
                outcome,
                api::get_json(&format!("{server}/api/v1/polls/{slug}/results")).await,
            )
        });
    }

    fn submit(&mut self, ctx: &Context<Self>) {
        let Some(poll) = self.poll.clone() else {
            return;
        };
        let Stage::Choosing { problem, sending } = &mut self.stage else {
            return;
        };
        if *sending {
            return;
        }
        let ranked = poll.kind.is_ranked();
        let chosen: Vec<String> = if ranked {
            self.ranking
                .iter()
                .filter_map(|&i| poll.options.get(i))
                .map(|option| option.id.as_str().to_owned())
                .collect()
        } else {
            poll.options
                .iter()
                .zip(&self.selected)
                .filter(|(_, selected)| **selected)
                .map(|(option, _)| option.id.as_str().to_owned())
                .collect()
        };
        let ratings: Vec<RatingSubmission> = poll
            .options
            .iter()
            .zip(&self.scores)
            .filter_map(|(option, score)| {
                score.map(|score| RatingSubmission {
                    option: option.id.as_str().to_owned(),
                    score: i64::from(score),
                })
            })
            .collect();
        let (min, max) = poll.selection_range();
        let scored = poll.kind.scale().is_some();
        if scored && ratings.len() < min as usize {
            *problem = Some(self.texts.rate_more(min > 1).to_owned());
            return;
        }
        if ranked && chosen.is_empty() {
            *problem = Some(self.texts.rank_more().to_owned());
            return;
        }
        if !scored && chosen.len() < min as usize {
            *problem = Some(self.texts.too_few(min));
            return;
        }
        if chosen.len() > max as usize {
            *problem = Some(self.texts.too_many(max));
            return;
        }
        let voucher = poll
            .voucher_required
            .then(|| self.voucher.trim().to_owned());
        if voucher.as_ref().is_some_and(String::is_empty) {
            *problem = Some(self.texts.voucher_missing().to_owned());
            return;
        }
        *problem = None;
        *sending = true;
        self.announcement = self.texts.submitting().to_owned();
        let submission = BallotSubmission {
            selections: chosen,
            ratings,
            voter: self.voter.clone(),
            voucher,
        };
        let (server, slug) = (ctx.props().server.to_string(), ctx.props().slug.to_string());
        ctx.link().send_future(async move {
            Msg::Submitted(
                api::post_json(
                    &format!("{server}/api/v1/polls/{slug}/ballots"),
                    &submission,
                )
                .await,
            )
        });
    }

    fn body(&self, ctx: &Context<Self>) -> Html {
        let texts = self.texts;
        match (&self.stage, &self.poll) {
            (Stage::Loading, _) => html! { <p class="state">{ texts.loading() }</p> },
            (Stage::LoadFailed(problem), _) => self.problem_view(ctx, *problem),
            (Stage::Upcoming, Some(poll)) => {
                let opens = poll
                    .opens_at
                    .map(|at| texts.opens_on(&format_date(at, texts.tag())))
                    .unwrap_or_default();
                html! {
                    <>
                        <p class="question" part="question">{ self.text(ctx, poll, &poll.question) }</p>
                        <p class="state">{ opens }</p>
                    </>
                }
            }
            (Stage::Choosing { problem, sending }, Some(poll)) => {
                self.form_view(ctx, poll, problem.as_deref(), *sending)
            }
            (Stage::ResultsLoading(outcome), _) => html! {
                <>
                    <p class="outcome">{ self.outcome_text(*outcome) }</p>
                    <p class="state">{ texts.loading() }</p>
                </>
            },
            (Stage::ResultsFailed(outcome, problem), _) => html! {
                <>
                    <p class="outcome" tabindex="-1" ref={self.focus.target()}>{ self.outcome_text(*outcome) }</p>
                    { self.problem_view(ctx, *problem) }
                </>
            },
            (Stage::Results { results, outcome }, Some(poll)) => {
                self.results_view(ctx, poll, results, *outcome)
            }
            (_, None) => self.problem_view(ctx, Problem::Server),
        }
    }

    fn problem_view(&self, ctx: &Context<Self>, problem: Problem) -> Html {
        let retry = problem
            .is_retryable()
            .then(|| (self.texts.retry(), ctx.link().callback(|_| Msg::Retry)));
        shell::problem_view(self.texts.problem(problem), retry)
    }

    fn form_view(
        &self,
        ctx: &Context<Self>,
        poll: &PollView,
        problem: Option<&str>,
        sending: bool,
    ) -> Html {
        let texts = self.texts;
        let single = poll.kind.is_single_choice();
        let (min, max) = poll.selection_range();
        let onsubmit = ctx.link().callback(|event: SubmitEvent| {
            event.prevent_default();
            Msg::Submit
        });
        let scale = poll.kind.scale();
        let ranked = poll.kind.is_ranked();
        let label = |index: usize| self.option_label(ctx, poll, index);
        let ranking = ranked.then(|| {
            ranking::form(
                texts,
                &label,
                poll,
                &self.ranking,
                &ctx.link().callback(Msg::Rank),
            )
        });
        let options = poll
            .options
            .iter()
            .enumerate()
            .filter(|_| !ranked)
            .map(|(index, option)| {
                if let Some(scale) = scale {
                    return self.rating_view(ctx, poll, index, scale);
                }
                let id = format!("option-{index}");
                let onchange = ctx.link().callback(move |_| Msg::Toggle(index));
                let checked = self.selected.get(index).copied().unwrap_or(false);
                html! {
                    <div class="option" part="option">
                        <input
                            type={if single { "radio" } else { "checkbox" }}
                            id={id.clone()}
                            name="answer"
                            value={option.id.as_str().to_owned()}
                            {checked}
                            {onchange}
                        />
                        <label for={id}>{ self.text(ctx, poll, &option.label) }</label>
                    </div>
                }
            });
        let closes = poll
            .closes_at
            .map(|at| texts.closes_on(&format_date(at, texts.tag())));
        let oninput = ctx.link().callback(|event: InputEvent| {
            Msg::Voucher(
                event
                    .target_dyn_into::<web_sys::HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default(),
            )
        });
        html! {
            <form {onsubmit} novalidate=true ref={self.form_ref.clone()}>
                <fieldset aria-describedby={if problem.is_some() { "hint problem" } else { "hint" }}>
                    <legend part="question">{ self.text(ctx, poll, &poll.question) }</legend>
                    <p class="hint" id="hint">{
                        match scale {
                            Some(scale) => texts.score_hint(scale.min(), scale.max(), min > 1),
                            None if ranked => texts.rank_hint().to_owned(),
                            None => texts.selection_hint(min, max),
                        }
                    }</p>
                    { for options }
                    { for ranking }
                </fieldset>
                if poll.voucher_required {
                    <div class="text-box" part="voucher">
                        <label for="voucher">{ texts.voucher_label() }</label>
                        <input id="voucher" name="voucher" autocomplete="off" autocapitalize="characters" spellcheck="false" value={self.voucher.clone()} {oninput} />
                    </div>
                }
                if let Some(problem) = problem {
                    <p class="problem" id="problem" role="alert">{ problem }</p>
                }
                <div class="actions">
                    <button type="submit" part="submit" aria-disabled={sending.to_string()}>
                        { if sending { texts.submitting() } else { texts.submit() } }
                    </button>
                    if let Some(closes) = closes {
                        <p class="meta">{ closes }</p>
                    }
                </div>
            </form>
        }
    }

    /// One option of a score poll: its label as a group legend and a radio per score.
    fn rating_view(
        &self,
        ctx: &Context<Self>,
        poll: &PollView,
        index: usize,
        scale: Scale,
    ) -> Html {
        let chosen = self.scores.get(index).copied().flatten();
        let scores = scale.scores().map(|score| {
            let id = format!("option-{index}-{score}");
            let onchange = ctx.link().callback(move |_| Msg::Rate(index, score));
            html! {
                <span class="point">
                    <input type="radio" id={id.clone()} name={format!("score-{index}")}
                        value={score.to_string()} checked={chosen == Some(score)} {onchange} />
                    <label for={id}>{ score }</label>
                </span>
            }
        });
        html! {
            <fieldset class="rating" part="option" aria-describedby="hint">
                <legend>{ self.text(ctx, poll, &poll.options[index].label) }</legend>
                <div class="scale">{ for scores }</div>
            </fieldset>
        }
    }

    fn results_view(
        &self,
        ctx: &Context<Self>,
        poll: &PollView,
        results: &PollResults,
        outcome: Outcome,
    ) -> Html {
        let texts = self.texts;
        let heading = if outcome == Outcome::Closed {
            texts.final_results_heading()
        } else {
            texts.results_heading()
        };
        let rows = results.options.iter().map(|result| {
            let label = poll
                .options
                .iter()
                .find(|o| o.id == result.id)
                .map_or(result.id.as_str(), |o| self.text(ctx, poll, &o.label));
            if let (Some(scores), Some(scale)) = (&result.scores, poll.kind.scale()) {
                // The meter runs over the scale: the lowest score is empty, the highest full.
                let span = i64::from(scale.max() - scale.min()) * 10;
                let filled = scores
                    .mean_tenths
                    .map_or(0, |mean| (mean - i64::from(scale.min()) * 10) * 1000 / span.max(1));
                return html! {
                    <li part="result">
                        <span class="label">{ label }</span>
                        <span class="figure">{ texts.average(scores.mean_tenths, scale.max(), result.count) }</span>
                        <meter aria-hidden="true" min="0" max="1000" value={filled.to_string()}></meter>
                    </li>
                };
            }
            html! {
                <li part="result">
                    <span class="label">{ label }</span>
                    <span class="figure">
                        { texts.percent(result.percent_tenths) }
                        <span class="count">{ format!(" ({})", texts.votes(result.count)) }</span>
                    </span>
                    <meter aria-hidden="true" min="0" max="1000" value={result.percent_tenths.to_string()}></meter>
                </li>
            }
        });
        html! {
            <div class="results" part="results">
                <p class="outcome" tabindex="-1" ref={self.focus.target()}>{ self.outcome_text(outcome) }</p>
                <p class="question" part="question">{ self.text(ctx, poll, &poll.question) }</p>
                <p class="results-title" id="results-title">{ heading }</p>
                if poll.kind.is_ranked() {
                    { ranking::results(texts, &|id: &baraza_core::OptionId| {
                        poll.options.iter().find(|o| o.id == *id)
                            .map_or_else(|| id.as_str().to_owned(), |o| self.text(ctx, poll, &o.label).to_owned())
                    }, results) }
                } else {
                    <ul aria-labelledby="results-title">{ for rows }</ul>
                }
                <p class="total">{ texts.total(results.total_ballots) }</p>
            </div>
        }
    }
}

/// What the host page hears of `msg`.
fn event_of(msg: &Msg) -> Option<Event> {
    match msg {
        Msg::PollLoaded(Ok(_)) => Some(Event::Ready),
        Msg::Submitted(Ok(_)) => Some(Event::Submitted("ballot")),
        Msg::PollLoaded(Err(problem))
        | Msg::Submitted(Err(problem))
        | Msg::ResultsLoaded(_, Err(problem)) => Some(Event::Error(*problem)),
        _ => None,
    }
}

/// A date in the reader's language, by the browser's `Intl` (no locale data in the wasm).
fn format_date(at: OffsetDateTime, language: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.unix_timestamp() as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    date.to_locale_date_string(language, &options).into()
}
