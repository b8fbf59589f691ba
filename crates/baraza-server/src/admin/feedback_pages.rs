//! The admin site's feedback form page: results per question with their 95% intervals (the
//! "is this page useful?" share, CSAT, NPS, choices), responses by channel, the trend over the
//! last eight weeks, links to the downloads (`feedback_export`), and the code to embed the form.
//!
//! | request | who | answer |
//! |---|---|---|
//! | `GET /admin/feedback/{slug}` | any member | the results page |
//!
//! A form of an organisation the member does not belong to (or a demo form, which belongs to
//! none) answers `404`, like a missing one.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use baraza_core::Slug;
use baraza_core::feedback::{
    Confidence, FeedbackAggregate, FeedbackForm, Proportion, QuestionCounts, QuestionKind,
};
use time::{Duration, OffsetDateTime, Time};

use super::channel_texts::ChannelTexts;
use super::feedback_texts::FeedbackTexts;
use super::language::SiteTexts;
use super::poll_pages::{ChannelRow, PollPageQuery, base_url, channel_rows};
use super::site::{SiteResult, SiteSettings, go_on, membership, not_found, page, require_session};
use super::texts::{Language, Texts};
use crate::AppState;
use crate::storage::{Membership, StaffSession};

/// Weeks the trend table covers.
const TREND_WEEKS: i64 = 8;

/// The feedback texts of the language `t` is in.
fn feedback_texts(t: &Texts) -> &'static FeedbackTexts {
    Language::from_tag_exact(t.lang)
        .unwrap_or(Language::En)
        .feedback_texts()
}

/// The feedback form `slug` and the member's membership of its organisation; `None` when there
/// is none or it belongs to an organisation the member is not part of.
pub(super) async fn member_form(
    state: &AppState,
    session: &StaffSession,
    slug: &str,
) -> anyhow::Result<Option<(FeedbackForm, Membership)>> {
    let Ok(slug) = Slug::parse(slug) else {
        return Ok(None);
    };
    let Some(Some(owner)) = state.database.feedback_form_organisation(&slug).await? else {
        return Ok(None);
    };
    let Some(member) = membership(state, session, &owner).await? else {
        return Ok(None);
    };
    Ok(state
        .database
        .feedback_form(&slug)
        .await?
        .map(|form| (form, member)))
}

/// A share as the page shows it: `62.5%`.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A proportion's interval: `40.1–80.2%`.
fn interval(proportion: &Proportion) -> String {
    format!(
        "{:.1}–{:.1}%",
        proportion.low * 100.0,
        proportion.high * 100.0
    )
}

/// One row of a results table: label, count, share, interval.
struct ResultRow {
    label: String,
    count: u64,
    share: String,
    interval: String,
}

impl ResultRow {
    fn of(label: String, count: u64, proportion: Option<Proportion>) -> Self {
        Self {
            label,
            count,
            share: proportion.map_or_else(String::new, |p| percent(p.estimate)),
            interval: proportion.as_ref().map_or_else(String::new, interval),
        }
    }
}

/// What the page shows for one question.
struct QuestionView {
    prompt: String,
    answered: u64,
    /// The heading of the main table's first column.
    first_column: &'static str,
    /// The main rows (yes/no, satisfied, NPS groups, choices, scores).
    rows: Vec<ResultRow>,
    /// A headline figure: CSAT share, NPS, useful share, with its interval.
    headline: Option<String>,
    /// A second table (reasons for "not useful").
    reasons: Vec<ResultRow>,
    /// A line under the tables (mean score, comments written, free text).
    note: Option<String>,
}

/// One row of the trend table.
struct TrendRow {
    week: String,
    responses: u64,
    useful: String,
    csat: String,
    nps: String,
}

#[derive(Template)]
#[template(path = "admin/feedback.html")]
struct FeedbackPage<'a> {
    t: &'a Texts,
    f: &'a FeedbackTexts,
    email: &'a str,
    csrf_token: &'a str,
    slug: &'a str,
    title: String,
    organisation_name: &'a str,
    responses: u64,
    questions: Vec<QuestionView>,
    trend: Vec<TrendRow>,
    may_export: bool,
    ct: &'a ChannelTexts,
    notice: Option<&'a str>,
    sms_keyword: Option<String>,
    ussd_service_code: Option<String>,
    may_change_channels: bool,
    /// Responses by channel (web, SMS, USSD).
    channels: Vec<ChannelRow>,
    snippet: String,
}

fn question_views(
    form: &FeedbackForm,
    aggregate: &FeedbackAggregate,
    t: &Texts,
    f: &FeedbackTexts,
) -> Vec<QuestionView> {
    let confidence = Confidence::default();
    let resolve = |text: &baraza_core::LocalizedText| {
        text.resolve(&[t.lang], form.default_language()).to_owned()
    };
    form.questions()
        .iter()
        .zip(aggregate.questions())
        .map(|(question, counts)| {
            let mut view = QuestionView {
                prompt: resolve(&question.prompt),
                answered: counts.answered,
                first_column: f.answer_column,
                rows: Vec::new(),
                headline: None,
                reasons: Vec::new(),
                note: None,
            };
            match (&counts.counts, &question.kind) {
                (QuestionCounts::Useful(useful), QuestionKind::Useful { reasons, .. }) => {
                    let share = useful.useful_share(confidence);
                    let total = useful.yes + useful.no;
                    let no_share =
                        |count| baraza_core::feedback::wilson_interval(count, total, confidence);
                    view.headline = share.as_ref().map(|p| {
                        format!(
                            "{}: {} ({})",
                            f.useful_yes,
                            percent(p.estimate),
                            interval(p)
                        )
                    });
                    view.rows = vec![
                        ResultRow::of(f.useful_yes.to_owned(), useful.yes, share),
                        ResultRow::of(f.useful_no.to_owned(), useful.no, no_share(useful.no)),
                    ];
                    view.reasons = reasons
                        .iter()
                        .zip(&useful.reasons)
                        .map(|(reason, count)| {
                            ResultRow::of(
                                resolve(&reason.label),
                                count.count,
                                baraza_core::feedback::wilson_interval(
                                    count.count,
                                    useful.no,
                                    confidence,
                                ),
                            )
                        })
                        .collect();
                    view.note = Some(format!("{} {}", f.comments_given, useful.comments));
                }
                (QuestionCounts::Csat(csat), _) => {
                    view.first_column = f.score_column;
                    let share = csat.csat(confidence);
                    view.headline = share.as_ref().map(|p| {
                        format!(
                            "{}: {} ({})",
                            f.csat_satisfied,
                            percent(p.estimate),
                            interval(p)
                        )
                    });
                    view.rows = (1..=5u64)
                        .zip(csat.distribution)
                        .map(|(score, count)| {
                            ResultRow::of(
                                score.to_string(),
                                count,
                                baraza_core::feedback::wilson_interval(
                                    count,
                                    csat.count(),
                                    confidence,
                                ),
                            )
                        })
                        .collect();
                    view.note = csat
                        .mean()
                        .map(|mean| format!("{} {:.2}", f.mean_score, mean.to_f64()));
                }
                (QuestionCounts::Nps(nps), _) => {
                    view.headline = nps.score(confidence).map(|score| {
                        format!(
                            "{}: {:.1} ({:.1} to {:.1})",
                            f.nps_score,
                            score.score.to_f64(),
                            score.low,
                            score.high
                        )
                    });
                    let group = |label: &str, count| {
                        ResultRow::of(
                            label.to_owned(),
                            count,
                            baraza_core::feedback::wilson_interval(count, nps.count(), confidence),
                        )
                    };
                    view.rows = vec![
                        group(f.promoters, nps.promoters()),
                        group(f.passives, nps.passives()),
                        group(f.detractors, nps.detractors()),
                    ];
                    view.note = nps
                        .mean()
                        .map(|mean| format!("{} {:.2}", f.mean_score, mean.to_f64()));
                }
                (QuestionCounts::SingleChoice(choices), QuestionKind::SingleChoice { options }) => {
                    view.rows = options
                        .iter()
                        .zip(&choices.options)
                        .map(|(option, count)| {
                            ResultRow::of(
                                resolve(&option.label),
                                count.count,
                                choices.share(count.id.as_str(), confidence),
                            )
                        })
                        .collect();
                }
                _ => view.note = Some(f.free_text_note.to_owned()),
            }
            view
        })
        .collect()
}

/// Week boundaries for the trend: eight weeks ending at the next midnight (UTC) after `now`.
fn week_boundaries(now: OffsetDateTime) -> Vec<OffsetDateTime> {
    let end = now.replace_time(Time::MIDNIGHT) + Duration::days(1);
    (0..=TREND_WEEKS)
        .rev()
        .map(|weeks_back| end - Duration::weeks(weeks_back))
        .collect()
}

/// One week of the trend: point estimates only (the intervals are in the tables above).
fn trend_row(start: OffsetDateTime, aggregate: &FeedbackAggregate, f: &FeedbackTexts) -> TrendRow {
    let first = |wanted: fn(&QuestionCounts) -> Option<String>| {
        aggregate
            .questions()
            .iter()
            .find_map(|q| wanted(&q.counts))
            .unwrap_or_else(|| f.no_value.to_owned())
    };
    TrendRow {
        week: start.date().to_string(),
        responses: aggregate.responses(),
        useful: first(|counts| match counts {
            QuestionCounts::Useful(u) => Some(
                u.useful_share(Confidence::default())
                    .map_or_else(|| "–".to_owned(), |p| percent(p.estimate)),
            ),
            _ => None,
        }),
        csat: first(|counts| match counts {
            QuestionCounts::Csat(c) => Some(
                c.csat(Confidence::default())
                    .map_or_else(|| "–".to_owned(), |p| percent(p.estimate)),
            ),
            _ => None,
        }),
        nps: first(|counts| match counts {
            QuestionCounts::Nps(n) => Some(
                n.score(Confidence::default())
                    .map_or_else(|| "–".to_owned(), |s| format!("{:.1}", s.score.to_f64())),
            ),
            _ => None,
        }),
    }
}

/// The markup a ministry pastes into its page to embed feedback form `slug`.
fn embed_snippet(base_url: &str, slug: &Slug) -> String {
    format!(
        "<script type=\"module\" src=\"{base_url}/widgets/baraza.js\"></script>\n\
         <baraza-feedback form=\"{slug}\" server=\"{base_url}\"></baraza-feedback>"
    )
}

/// `GET /admin/feedback/{slug}`
pub(crate) async fn show_feedback(
    State(state): State<AppState>,
    SiteTexts(t): SiteTexts,
    Extension(settings): Extension<SiteSettings>,
    Path(slug): Path<String>,
    Query(query): Query<PollPageQuery>,
    headers: HeaderMap,
) -> SiteResult {
    let session = go_on!(require_session(&state, &headers).await?);
    let Some((form, member)) = member_form(&state, &session, &slug).await? else {
        return not_found(t);
    };
    let f = feedback_texts(t);
    let ct = ChannelTexts::for_site(t);
    let notice = (query.done() == "channels").then_some(ct.saved_notice);
    let phone_channels = state.database.feedback_form_channels(form.slug()).await?;
    let channel_counts = state.database.feedback_channel_counts(form.slug()).await?;
    let aggregate = state.database.feedback_aggregate(&form).await?;
    let periods = state
        .database
        .feedback_periods(&form, week_boundaries(state.now()))
        .await?;
    let trend = periods
        .periods()
        .map(|period| trend_row(period.start, period.aggregate, f))
        .collect();
    page(
        StatusCode::OK,
        &FeedbackPage {
            t,
            f,
            email: session.email.as_str(),
            csrf_token: &session.csrf_token,
            slug: form.slug().as_str(),
            title: form
                .title()
                .resolve(&[t.lang], form.default_language())
                .to_owned(),
            organisation_name: &member.organisation_name,
            responses: aggregate.responses(),
            questions: question_views(&form, &aggregate, t, f),
            trend,
            may_export: member.role.may_export(),
            ct,
            notice,
            sms_keyword: phone_channels.sms_keyword,
            ussd_service_code: phone_channels.ussd_service_code,
            may_change_channels: member.role.may_author(),
            channels: channel_rows(t, &channel_counts),
            snippet: embed_snippet(&base_url(settings, &headers), form.slug()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_weeks_end_at_the_next_midnight() {
        let now = time::macros::datetime!(2027-03-10 15:30 UTC);
        let weeks = week_boundaries(now);
        assert_eq!(weeks.len(), 9);
        assert_eq!(weeks[8], time::macros::datetime!(2027-03-11 00:00 UTC));
        assert_eq!(weeks[0], time::macros::datetime!(2027-01-14 00:00 UTC));
    }
}
