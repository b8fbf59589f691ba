//! Demo data: the polls, the feedback form and the consultations of the www/ demo ministry
//! pages.

use anyhow::Context as _;
use baraza_core::feedback::FeedbackForm;
use baraza_core::{Poll, PollSpec, PollStatus};
use time::{Duration, OffsetDateTime};

use crate::storage::{Database, FeedbackFormChannels, PollChannels, SetChannelsError, SubmitError};

mod consultations;
pub use consultations::{
    DEMO_CLOSED_CONSULTATION, DEMO_CONSULTATION, DemoConsultation, demo_consultations,
};

/// The slug of the demo's main poll, embedded by `www/index.html`.
pub const DEMO_POLL: &str = "water-tariffs-2027";
/// The SMS keyword of [`DEMO_POLL`]: `TARIFF 2` answers its second option.
pub const DEMO_SMS_KEYWORD: &str = "TARIFF";
/// The USSD service code of [`DEMO_POLL`].
pub const DEMO_USSD_CODE: &str = "*384*55#";

/// The slug of the demo score poll, embedded by `www/score.html`: citizens rate three services
/// of their health centre from 1 to 5.
pub const DEMO_SCORE_POLL: &str = "clinic-services-2027";
/// The SMS keyword of [`DEMO_SCORE_POLL`]: `KLINIKI 4 3 5` rates its three services.
pub const DEMO_SCORE_SMS_KEYWORD: &str = "KLINIKI";
/// The USSD service code of [`DEMO_SCORE_POLL`].
pub const DEMO_SCORE_USSD_CODE: &str = "*384*57#";

/// The slug of the demo feedback form, embedded by `www/feedback.html`.
pub const DEMO_FEEDBACK_FORM: &str = "water-page-feedback";
/// The SMS keyword of [`DEMO_FEEDBACK_FORM`]: `MAONI no 2 long queue` gives feedback by SMS.
pub const DEMO_FEEDBACK_SMS_KEYWORD: &str = "MAONI";
/// The USSD service code of [`DEMO_FEEDBACK_FORM`].
pub const DEMO_FEEDBACK_USSD_CODE: &str = "*384*56#";

/// The demo feedback forms.
pub fn demo_feedback_forms() -> anyhow::Result<Vec<FeedbackForm>> {
    serde_json::from_str(include_str!("demo_feedback_forms.json")).context("demo feedback forms")
}

/// The demo polls, scheduled around `now` so the demo never goes stale: open polls close in 60
/// days; the closed one ran until 30 days ago.
pub fn demo_polls(now: OffsetDateTime) -> anyhow::Result<Vec<Poll>> {
    let specs: Vec<PollSpec> =
        serde_json::from_str(include_str!("demo_polls.json")).context("demo polls JSON")?;
    specs
        .into_iter()
        .map(|mut spec| {
            if spec.status == PollStatus::Closed {
                spec.opens_at = Some(now - Duration::days(90));
                spec.closes_at = Some(now - Duration::days(30));
            } else {
                spec.closes_at = Some(now + Duration::days(60));
            }
            let slug = spec.slug.clone();
            Poll::try_from(spec).with_context(|| format!("demo poll {slug}"))
        })
        .collect()
}

/// Stores the demo polls, and for the closed one a fixed set of past ballots so its results are
/// not empty, the demo feedback forms and the demo consultations. Safe to run twice: polls and
/// forms are replaced, repeated ballots are skipped, and a consultation already stored is kept
/// with whatever citizens have written in it since.
pub async fn seed_demo(database: &Database, now: OffsetDateTime) -> anyhow::Result<()> {
    for form in demo_feedback_forms()? {
        database.save_feedback_form(&form, None, now).await?;
        if form.slug().as_str() == DEMO_FEEDBACK_FORM {
            let channels = FeedbackFormChannels {
                sms_keyword: Some(DEMO_FEEDBACK_SMS_KEYWORD.to_owned()),
                ussd_service_code: Some(DEMO_FEEDBACK_USSD_CODE.to_owned()),
            };
            match database
                .update_feedback_form_channels(form.slug(), &channels, None)
                .await
            {
                Ok(()) => {}
                // An official gave the keyword or code to another instrument on this server:
                // theirs stays.
                Err(SetChannelsError::KeywordTaken | SetChannelsError::ServiceCodeTaken) => {
                    tracing::warn!(form = %form.slug(), "the demo form's phone channels are taken; left off");
                }
                Err(SetChannelsError::Database(error)) => return Err(error),
            }
        }
    }
    for (consultation, official) in demo_consultations(now)? {
        if database.consultation(consultation.slug()).await?.is_none() {
            database
                .import_consultation(&consultation, &official, None, now)
                .await?;
        }
    }
    for poll in demo_polls(now)? {
        database.save_poll(&poll, now).await?;
        let phone = match poll.slug().as_str() {
            DEMO_POLL => Some((DEMO_SMS_KEYWORD, DEMO_USSD_CODE)),
            DEMO_SCORE_POLL => Some((DEMO_SCORE_SMS_KEYWORD, DEMO_SCORE_USSD_CODE)),
            _ => None,
        };
        if let Some((keyword, code)) = phone {
            database
                .set_poll_channels(
                    poll.slug(),
                    &PollChannels {
                        sms_keyword: Some(keyword.to_owned()),
                        ussd_service_code: Some(code.to_owned()),
                        voucher_required: false,
                    },
                )
                .await?;
        }
        if poll.status() != PollStatus::Closed {
            continue;
        }
        let options: Vec<String> = poll
            .options()
            .iter()
            .map(|o| o.id.as_str().to_owned())
            .collect();
        // 23 past ballots, split 12 / 7 / 4 over the options.
        for (index, choice) in [0usize; 12]
            .into_iter()
            .chain([1; 7])
            .chain([2; 4])
            .enumerate()
        {
            let selections = vec![options[choice % options.len()].clone()];
            let voter = format!("demo-seed-ballot-{index:04}");
            let ballot = poll
                .check_ballot(&selections, &voter)
                .map_err(|e| anyhow::anyhow!("demo ballot: {e}"))?;
            match database
                .insert_ballot(ballot, now - Duration::days(45))
                .await
            {
                Ok(()) | Err(SubmitError::AlreadyParticipated) => {}
                Err(other) => return Err(anyhow::Error::new(other).context("demo ballot")),
            }
        }
    }
    Ok(())
}
