//! The admin site's words, one value per language, so that templates hold no prose.
//!
//! Adding a language is one more `Texts` constant and one more [`Language`] variant; the
//! templates do not change. Which language a request gets is decided in
//! [`language`](super::language).

/// A language the admin site is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    En,
    Fr,
    Sw,
}

impl Language {
    /// Every language, in the order the switcher lists them.
    pub(crate) const ALL: [Language; 3] = [Self::En, Self::Fr, Self::Sw];

    /// The BCP 47 tag.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Sw => "sw",
        }
    }

    /// The language whose tag (or primary subtag, e.g. `sw-KE`) is `tag`.
    pub(crate) fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split('-').next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|language| language.tag().eq_ignore_ascii_case(primary))
    }

    /// The language whose tag is exactly `tag` (as the site's forms send it).
    pub(crate) fn from_tag_exact(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|language| language.tag() == tag)
    }

    /// The language's place in [`Language::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Self::En => 0,
            Self::Fr => 1,
            Self::Sw => 2,
        }
    }

    /// The language's name in itself, for the switcher.
    pub(crate) fn endonym(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
            Self::Sw => "Kiswahili",
        }
    }

    /// The site's texts in this language.
    pub(crate) fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Fr => &EN,
            Self::Sw => &EN,
        }
    }
}

/// Every text of the admin site in one language.
#[derive(Debug)]
pub(crate) struct Texts {
    /// The language's tag, for `<html lang>`.
    pub(crate) lang: &'static str,
    /// The writing direction, for `<html dir>`.
    pub(crate) dir: &'static str,
    pub(crate) site_name: &'static str,
    pub(crate) skip_to_content: &'static str,
    pub(crate) language_switcher: &'static str,
    pub(crate) error_prefix: &'static str,
    pub(crate) error_summary_title: &'static str,
    pub(crate) sign_in_title: &'static str,
    pub(crate) email_label: &'static str,
    pub(crate) password_label: &'static str,
    pub(crate) sign_in_button: &'static str,
    pub(crate) email_missing: &'static str,
    pub(crate) email_invalid: &'static str,
    pub(crate) password_missing: &'static str,
    /// Said for an unknown e-mail and a wrong password alike.
    pub(crate) credentials_wrong: &'static str,
    pub(crate) throttled_title: &'static str,
    /// Followed by the time (UTC) after which signing in is possible again.
    pub(crate) throttled_body: &'static str,
    pub(crate) refused_title: &'static str,
    pub(crate) refused_body: &'static str,
    pub(crate) back_to_sign_in: &'static str,
    pub(crate) forbidden_title: &'static str,
    pub(crate) forbidden_body: &'static str,
    pub(crate) not_found_title: &'static str,
    pub(crate) not_found_body: &'static str,
    pub(crate) back_to_dashboard: &'static str,
    pub(crate) dashboard_title: &'static str,
    pub(crate) signed_in_as: &'static str,
    pub(crate) sign_out_button: &'static str,
    pub(crate) no_organisation: &'static str,
    pub(crate) your_role: &'static str,
    pub(crate) role_admin: &'static str,
    pub(crate) role_editor: &'static str,
    pub(crate) role_moderator: &'static str,
    pub(crate) role_analyst: &'static str,
    pub(crate) no_polls: &'static str,
    pub(crate) polls_caption: &'static str,
    pub(crate) poll_column: &'static str,
    pub(crate) phase_column: &'static str,
    pub(crate) ballots_column: &'static str,
    pub(crate) phase_draft: &'static str,
    pub(crate) phase_upcoming: &'static str,
    pub(crate) phase_open: &'static str,
    pub(crate) phase_closed: &'static str,
    pub(crate) create_poll_link: &'static str,
    pub(crate) audit_log_link: &'static str,
    // The poll form.
    pub(crate) new_poll_title: &'static str,
    pub(crate) edit_poll_title: &'static str,
    pub(crate) slug_label: &'static str,
    pub(crate) slug_hint: &'static str,
    pub(crate) default_language_label: &'static str,
    pub(crate) default_language_hint: &'static str,
    pub(crate) question_legend: &'static str,
    pub(crate) question_hint: &'static str,
    pub(crate) language_en: &'static str,
    pub(crate) language_fr: &'static str,
    pub(crate) language_sw: &'static str,
    pub(crate) kind_legend: &'static str,
    pub(crate) kind_single: &'static str,
    pub(crate) kind_multiple: &'static str,
    pub(crate) kind_approval: &'static str,
    pub(crate) min_selections_label: &'static str,
    pub(crate) max_selections_label: &'static str,
    pub(crate) selections_hint: &'static str,
    pub(crate) options_legend: &'static str,
    pub(crate) options_hint: &'static str,
    /// Followed by the option's number.
    pub(crate) option_legend: &'static str,
    pub(crate) option_id_label: &'static str,
    pub(crate) add_option_button: &'static str,
    pub(crate) schedule_legend: &'static str,
    pub(crate) schedule_hint: &'static str,
    pub(crate) opens_at_label: &'static str,
    pub(crate) closes_at_label: &'static str,
    pub(crate) save_draft_button: &'static str,
    pub(crate) save_changes_button: &'static str,
    pub(crate) cancel_link: &'static str,
    // Problems of the poll form, one per rule of the core's poll definition.
    pub(crate) slug_invalid: &'static str,
    pub(crate) slug_taken: &'static str,
    pub(crate) default_language_invalid: &'static str,
    pub(crate) question_missing: &'static str,
    pub(crate) label_missing: &'static str,
    pub(crate) option_count_wrong: &'static str,
    pub(crate) option_id_invalid: &'static str,
    pub(crate) option_id_duplicate: &'static str,
    pub(crate) selection_range_invalid: &'static str,
    pub(crate) number_invalid: &'static str,
    pub(crate) datetime_invalid: &'static str,
    pub(crate) closes_before_opening: &'static str,
    pub(crate) not_a_draft: &'static str,
    // The poll page.
    pub(crate) poll_details: &'static str,
    pub(crate) slug_term: &'static str,
    pub(crate) phase_term: &'static str,
    pub(crate) kind_term: &'static str,
    pub(crate) opens_term: &'static str,
    pub(crate) closes_term: &'static str,
    pub(crate) not_scheduled: &'static str,
    pub(crate) edit_link: &'static str,
    pub(crate) open_now_button: &'static str,
    pub(crate) publish_on_schedule_button: &'static str,
    pub(crate) close_now_button: &'static str,
    pub(crate) opened_notice: &'static str,
    pub(crate) published_notice: &'static str,
    pub(crate) closed_notice: &'static str,
    pub(crate) saved_notice: &'static str,
    pub(crate) cannot_open_closing_passed: &'static str,
    pub(crate) cannot_change_phase: &'static str,
    pub(crate) results_heading: &'static str,
    pub(crate) ballots_cast: &'static str,
    pub(crate) chart_title: &'static str,
    /// Begins the chart's description, followed by the number of ballots.
    pub(crate) chart_description_ballots: &'static str,
    pub(crate) option_column: &'static str,
    pub(crate) share_column: &'static str,
    pub(crate) results_caption: &'static str,
    pub(crate) downloads_heading: &'static str,
    pub(crate) download_csv: &'static str,
    pub(crate) download_json: &'static str,
    pub(crate) embed_heading: &'static str,
    pub(crate) embed_hint: &'static str,
    pub(crate) embed_code_label: &'static str,
    pub(crate) copy_button: &'static str,
    pub(crate) copied: &'static str,
    pub(crate) copy_failed: &'static str,
    pub(crate) preview_heading: &'static str,
    pub(crate) preview_warning: &'static str,
    pub(crate) preview_frame_title: &'static str,
    pub(crate) preview_link: &'static str,
    pub(crate) preview_not_open: &'static str,
    // The audit log.
    pub(crate) audit_title: &'static str,
    pub(crate) audit_caption: &'static str,
    pub(crate) when_column: &'static str,
    pub(crate) who_column: &'static str,
    pub(crate) what_column: &'static str,
    pub(crate) target_column: &'static str,
    pub(crate) audit_empty: &'static str,
    pub(crate) newer_entries: &'static str,
    pub(crate) older_entries: &'static str,
    pub(crate) pagination_label: &'static str,
    pub(crate) actor_command_line: &'static str,
    /// Followed by the token's number.
    pub(crate) actor_token: &'static str,
    /// Followed by the account's number, for an account that no longer exists.
    pub(crate) actor_removed_user: &'static str,
}

impl Texts {
    /// The name of `role` in this language.
    pub(crate) fn role(&self, role: crate::storage::Role) -> &'static str {
        use crate::storage::Role;
        match role {
            Role::Admin => self.role_admin,
            Role::Editor => self.role_editor,
            Role::Moderator => self.role_moderator,
            Role::Analyst => self.role_analyst,
        }
    }

    /// The name of `phase` in this language.
    pub(crate) fn phase(&self, phase: baraza_core::PollPhase) -> &'static str {
        use baraza_core::PollPhase;
        match phase {
            PollPhase::Draft => self.phase_draft,
            PollPhase::Upcoming => self.phase_upcoming,
            PollPhase::Open => self.phase_open,
            PollPhase::Closed => self.phase_closed,
        }
    }

    /// The language switcher's entries: tag, name in itself, whether it is this language.
    pub(crate) fn switcher(&self) -> Vec<(&'static str, &'static str, bool)> {
        Language::ALL
            .into_iter()
            .map(|language| {
                (
                    language.tag(),
                    language.endonym(),
                    language.tag() == self.lang,
                )
            })
            .collect()
    }

    /// The name of a poll text's language (one of the site's languages) in this language.
    pub(crate) fn language_name(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.language_en,
            Language::Fr => self.language_fr,
            Language::Sw => self.language_sw,
        }
    }
}

/// English.
pub(crate) const EN: Texts = Texts {
    lang: "en",
    dir: "ltr",
    site_name: "Baraza administration",
    skip_to_content: "Skip to main content",
    language_switcher: "Language",
    error_prefix: "Error:",
    error_summary_title: "There is a problem",
    sign_in_title: "Sign in",
    email_label: "Email address",
    password_label: "Password",
    sign_in_button: "Sign in",
    email_missing: "Enter your email address",
    email_invalid: "Enter an email address in the correct format, like name@example.org",
    password_missing: "Enter your password",
    credentials_wrong: "Enter a correct email address and password",
    throttled_title: "Too many attempts to sign in",
    throttled_body: "There have been too many failed attempts to sign in. You can try again after",
    refused_title: "This request was refused",
    refused_body: "The form was not sent from this site, or your session has changed. Go back, reload the page and try again.",
    back_to_sign_in: "Go to the sign-in page",
    forbidden_title: "Your role does not allow this",
    forbidden_body: "Nothing was changed. Ask an administrator of your organisation if you need to do this.",
    not_found_title: "Page not found",
    not_found_body: "There is nothing here, or it belongs to an organisation you are not a member of.",
    back_to_dashboard: "Go to your organisations",
    dashboard_title: "Your organisations",
    signed_in_as: "Signed in as",
    sign_out_button: "Sign out",
    no_organisation: "Your account does not belong to any organisation yet. Ask an administrator to add you.",
    your_role: "Your role:",
    role_admin: "administrator",
    role_editor: "editor",
    role_moderator: "moderator",
    role_analyst: "analyst",
    no_polls: "This organisation has no polls yet.",
    polls_caption: "Polls",
    poll_column: "Poll",
    phase_column: "Phase",
    ballots_column: "Ballots",
    phase_draft: "draft",
    phase_upcoming: "scheduled",
    phase_open: "open",
    phase_closed: "closed",
    create_poll_link: "Create a poll",
    audit_log_link: "Audit log",
    new_poll_title: "Create a poll",
    edit_poll_title: "Edit the poll",
    slug_label: "Short name for web addresses",
    slug_hint: "Lower-case letters, digits and hyphens, for example water-tariffs-2027. It cannot be changed later.",
    default_language_label: "Default language",
    default_language_hint: "Every text needs this language. Citizens whose language is missing see it.",
    question_legend: "Question",
    question_hint: "Write it in the default language; the other languages are optional.",
    language_en: "English",
    language_fr: "French",
    language_sw: "Swahili",
    kind_legend: "How citizens answer",
    kind_single: "Exactly one option",
    kind_multiple: "Several options, within a range",
    kind_approval: "Any number of options (approval)",
    min_selections_label: "Fewest options a citizen must choose",
    max_selections_label: "Most options a citizen may choose",
    selections_hint: "Only for several options within a range.",
    options_legend: "Options",
    options_hint: "Between 2 and 20. Leave a row empty to leave it out.",
    option_legend: "Option",
    option_id_label: "Identifier in exports (optional)",
    add_option_button: "Add another option",
    schedule_legend: "Schedule (optional, UTC)",
    schedule_hint: "Leave empty to take ballots from when you open the poll until you close it.",
    opens_at_label: "Opens at",
    closes_at_label: "Closes at",
    save_draft_button: "Save as a draft",
    save_changes_button: "Save the changes",
    cancel_link: "Cancel",
    slug_invalid: "Enter a short name of 1 to 64 lower-case letters, digits and hyphens, starting with a letter or digit",
    slug_taken: "This short name is already used by another poll; choose another",
    default_language_invalid: "Choose a default language",
    question_missing: "Enter the question in the default language",
    label_missing: "Enter the option's text in the default language",
    option_count_wrong: "Give between 2 and 20 options",
    option_id_invalid: "An identifier uses lower-case letters, digits and hyphens",
    option_id_duplicate: "Another option has the same identifier; change one of them",
    selection_range_invalid: "The fewest must be at least 1 and at most the most; the most must be at most the number of options",
    number_invalid: "Enter a whole number, like 2",
    datetime_invalid: "Enter a date and time, like 2027-01-31T09:00",
    closes_before_opening: "The closing time must be after the opening time",
    not_a_draft: "Only a draft can be edited; this poll has already been published.",
    poll_details: "Details",
    slug_term: "Short name",
    phase_term: "Phase",
    kind_term: "Answers",
    opens_term: "Opens",
    closes_term: "Closes",
    not_scheduled: "not scheduled",
    edit_link: "Edit the draft",
    open_now_button: "Open now",
    publish_on_schedule_button: "Publish, opening at the scheduled time",
    close_now_button: "Close now",
    opened_notice: "The poll is open: citizens can answer it now.",
    published_notice: "The poll is published and opens at its scheduled time.",
    closed_notice: "The poll is closed: it takes no more ballots.",
    saved_notice: "The draft is saved.",
    cannot_open_closing_passed: "The poll cannot open: its closing time has passed. Edit the draft's schedule first.",
    cannot_change_phase: "This poll cannot be opened or closed from the phase it is in.",
    results_heading: "Results",
    ballots_cast: "Ballots cast:",
    chart_title: "Ballots per option",
    chart_description_ballots: "Ballots cast:",
    option_column: "Option",
    share_column: "Share",
    results_caption: "Ballots per option, as numbers",
    downloads_heading: "Download every ballot",
    download_csv: "Download as CSV (spreadsheet)",
    download_json: "Download as JSON",
    embed_heading: "Put the poll on your site",
    embed_hint: "Paste this code into the page where the poll should appear. Your site's Content-Security-Policy must allow this server in script-src and connect-src, and 'wasm-unsafe-eval'.",
    embed_code_label: "Code to paste",
    copy_button: "Copy the code",
    copied: "The code is copied to the clipboard.",
    copy_failed: "The code could not be copied; select it and copy it by hand.",
    preview_heading: "Preview",
    preview_warning: "This is the live widget: an answer given here is counted like any other.",
    preview_frame_title: "Preview of the poll widget",
    preview_link: "Open the preview on its own page",
    preview_not_open: "The preview shows the poll as citizens see it; a poll that is not open says so.",
    audit_title: "Audit log",
    audit_caption: "Staff actions, newest first",
    when_column: "When (UTC)",
    who_column: "Who",
    what_column: "What",
    target_column: "On what",
    audit_empty: "Nothing has been recorded yet.",
    newer_entries: "Newer entries",
    older_entries: "Older entries",
    pagination_label: "Pages of the audit log",
    actor_command_line: "an operator on the server's command line",
    actor_token: "admin API token",
    actor_removed_user: "removed account",
};
