//! Consultations: a public body publishes a document of numbered sections, citizens comment on
//! each section, moderators keep the discussion lawful, officials answer, and the body
//! publishes what it did — "we asked, you said, we did" (the UK Government Digital Service
//! pattern for consultation outcomes, also used by Decidim and CONSUL).
//!
//! # The document
//! A [`Consultation`] holds [`Section`]s with stable slug-shaped [`SectionId`]s and localised
//! titles and texts ([`LocalizedText`], always including the default language). Sections are
//! numbered by position, from 1; ids never change, numbers follow the order.
//!
//! # Life cycle
//! `draft → open → closed → outcome_published`, forward only, each step by an explicit method
//! that takes the instant as a parameter (the core reads no clock) and refuses an instant
//! earlier than the previous step. What may happen in each [`ConsultationPhase`] is one table,
//! [`ConsultationPhase::allows`], enforced by every method with a typed
//! [`ConsultationError::WrongPhase`]:
//!
//! | action | draft | open | closed | outcome published |
//! |---|---|---|---|---|
//! | edit title and sections | ✓ | | | |
//! | open (needs ≥ 1 section) | ✓ | | | |
//! | close | | ✓ | | |
//! | comment, reply | | ✓ | | |
//! | react (agree/disagree), withdraw a reaction | | ✓ | | |
//! | report a comment | | ✓ | ✓ | ✓ |
//! | moderate: publish, restore | | ✓ | ✓ | |
//! | moderate: reject, hide | | ✓ | ✓ | ✓ |
//! | official response to a section | | | ✓ | |
//! | publish the outcome (once) | | | ✓ | |
//!
//! Removing content (reject, hide, reports) stays possible forever, because unlawful or
//! personal content must be removable whenever it is found; adding to what the public sees
//! (publishing, restoring) stops with the outcome, so the published "you said" figures do not
//! change afterwards.
//!
//! # Comments
//! A top-level comment is on one section and carries a [`Stance`] (support, oppose, neutral,
//! question). **Replies are one level deep**: a reply answers a top-level comment, has no
//! stance, and cannot itself be replied to ([`ConsultationError::ReplyToReply`]). Replies,
//! reactions and reports need a published target.
//!
//! Comment text is a [`CommentText`]: not blank, no control characters other than line breaks
//! and tabs, at most the consultation's [`ConsultationSettings::max_comment_len`] characters.
//! It is stored as given. Removing personal data (redaction) is the caller's responsibility
//! and must happen before the text reaches this module; the core never interprets text as
//! HTML.
//!
//! # Reactions
//! Each participant has at most one reaction per comment, agree or disagree; reacting again
//! replaces the earlier reaction, and it can be withdrawn.
//!
//! # Moderation
//! Each comment is in one [`ModerationState`]. New comments start `pending` when
//! [`ConsultationSettings::premoderation`] is on (the default), otherwise `published`.
//! Moderator steps ([`ModerationAction`]):
//!
//! | from \ action | publish | reject(reason) | hide | restore |
//! |---|---|---|---|---|
//! | pending | published | rejected | – | – |
//! | published | – | rejected | hidden | – |
//! | hidden | – | rejected | – | published (reports cleared) |
//! | rejected | – | – | – | – |
//!
//! Rejection is final and carries a [`RejectionReason`]; a rejected comment is never published
//! again. Citizens' reports: one per participant per comment, on published comments only; when
//! a comment reaches [`ConsultationSettings::hide_after_reports`] distinct reports it becomes
//! `hidden` until a moderator restores (clearing its reports) or rejects it.
//!
//! # Outcome
//! After closing, officials may give one [`OfficialResponse`] per section (replaceable until
//! the outcome is published), then publish the [`Outcome`] once. [`Consultation::outcome_report`]
//! assembles "we asked" (the sections), "you said" (counts of **published** comments by stance,
//! replies and reactions; pending, rejected and hidden ones are never counted) and "we did"
//! (the official responses and the outcome).
//!
//! # Storage
//! A `Consultation` serialises to JSON and deserialises with every invariant re-checked
//! ([`ConsultationRecord`] lists the checks), so storage can keep it as one document.
//!
//! ```
//! use baraza_core::consultation::*;
//! use baraza_core::LocalizedText;
//! use time::macros::datetime;
//! let en = |s: &str| LocalizedText::new("en", s).unwrap();
//! let mut c = Consultation::new("bus-lanes", "en", en("Bus lanes on Moi Avenue"), ConsultationSettings::default())?;
//! c.add_section("route", en("The route"), en("Buses would run from…"))?;
//! c.open(datetime!(2027-01-10 08:00 UTC))?;
//! let amina = ParticipantId::parse("amina")?;
//! let id = c.comment("route", &amina, Stance::Support, "Faster journeys to work.", datetime!(2027-01-11 09:00 UTC))?;
//! c.moderate(id, ModerationAction::Publish, datetime!(2027-01-11 10:00 UTC))?;
//! c.close(datetime!(2027-02-10 00:00 UTC))?;
//! // No more comments once closed:
//! let late = c.comment("route", &amina, Stance::Oppose, "Too late?", datetime!(2027-02-11 00:00 UTC));
//! assert!(matches!(late, Err(ConsultationError::WrongPhase { .. })));
//! c.respond("route", en("We will build the lanes in 2028."), datetime!(2027-03-01 00:00 UTC))?;
//! c.publish_outcome(en("The lanes go ahead."), datetime!(2027-03-02 00:00 UTC))?;
//! let report = c.outcome_report();
//! assert_eq!(report.sections[0].you_said.support, 1);
//! assert!(report.sections[0].we_did.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::definition::DefinitionProblem;
use crate::error::ErrorCode;
use crate::poll::write_joined;
use crate::slug::{Slug, SlugError};
use crate::text::{LanguageTag, LocalizedText};

/// The most sections a consultation may have.
pub const MAX_SECTIONS: usize = 200;
/// The largest comment limit a consultation may set, in characters.
pub const MAX_COMMENT_LIMIT: u32 = 20_000;
/// The longest participant id, in characters.
pub const MAX_PARTICIPANT_ID_LEN: usize = 128;

mod document;
mod phase;
mod settings;
mod storage;
mod values;

pub use document::*;
pub use phase::*;
pub use settings::*;
pub use storage::*;
pub use values::*;
