//! What every widget shares about language: the supported [`Lang`]uages, the [`Problem`]s a
//! citizen can meet, and the [`Common`] words of the shell (retry, sending, network and server
//! failures). Each widget kind has its own texts beside it (`poll/texts.rs`,
//! `feedback/texts.rs`, `consultation/texts.rs`).
//!
//! Instrument content comes translated from the server as [`baraza_core::LocalizedText`]; these
//! modules cover only the chrome around it. English is the fallback for any other language.

/// A language the widget chrome is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Kiswahili.
    Sw,
    /// French.
    Fr,
}

impl Lang {
    /// The best supported language for a BCP 47 tag, by its primary subtag; English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "sw" => Self::Sw,
            "fr" => Self::Fr,
            _ => Self::En,
        }
    }

    /// The writing direction of the chrome in this language, for the container's `dir`: the
    /// widget takes its direction from the language it displays, never from the host page (an
    /// Arabic page's `dir="rtl"` must not lay English out right to left).
    pub fn dir(self) -> &'static str {
        match self {
            Self::En | Self::Sw | Self::Fr => "ltr",
        }
    }
}

/// Why something the widget needed did not happen, as the citizen should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The request never reached the server, or no answer came back.
    Network,
    /// The instrument does not exist (or is not published).
    NotFound,
    /// The instrument stopped taking answers.
    Closed,
    /// This device already answered (voted, reacted, reported).
    AlreadyVoted,
    /// The server refused the answer as invalid (e.g. the instrument changed meanwhile).
    Rejected,
    /// The server failed, or answered something the widget does not understand.
    Server,
    /// The voucher code is missing or is not one of the poll's codes.
    VoucherUnknown,
    /// The voucher code has already been used.
    VoucherUsed,
}

impl Problem {
    /// The problem an API error code (`ErrorCode::as_str`, e.g. `"poll_not_open"`) stands for.
    ///
    /// Matched on the code's text rather than decoded into [`baraza_core::ErrorCode`]: the
    /// widget needs a handful of the server's codes, and decoding all of them (every name and
    /// serde's list of variants) costs wasm bytes on every first load. The tests tie each name
    /// here to the core's enum.
    pub fn from_code(code: &str) -> Self {
        match code {
            "poll_not_found"
            | "feedback_form_not_found"
            | "consultation_not_found"
            | "not_found" => Self::NotFound,
            "poll_not_open" | "consultation_wrong_phase" => Self::Closed,
            "already_voted" | "already_reacted" | "already_reported" => Self::AlreadyVoted,
            "unknown_option"
            | "duplicate_selection"
            | "too_few_selections"
            | "too_many_selections"
            | "invalid_voter_token"
            | "invalid_request"
            | "malformed_json"
            | "payload_too_large"
            | "invalid_page_key"
            | "invalid_page_title"
            | "unknown_question"
            | "duplicate_answer"
            | "answer_type_mismatch"
            | "missing_answer"
            | "answer_out_of_range"
            | "answer_part_not_asked"
            | "text_too_long"
            | "blank_text"
            | "section_not_found"
            | "comment_not_found"
            | "comment_not_published"
            | "reply_to_reply"
            | "score_out_of_scale"
            | "missing_rating" => Self::Rejected,
            "voucher_required" | "voucher_unknown" => Self::VoucherUnknown,
            "voucher_used" => Self::VoucherUsed,
            _ => Self::Server,
        }
    }

    /// Whether trying again may help.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Network | Self::Server)
    }

    /// The problem's name in the `baraza:error` event a widget sends its host page.
    pub fn event_code(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::NotFound => "not_found",
            Self::Closed => "closed",
            Self::AlreadyVoted => "already_answered",
            Self::Rejected => "rejected",
            Self::Server => "server",
            Self::VoucherUnknown => "voucher_unknown",
            Self::VoucherUsed => "voucher_used",
        }
    }
}

/// The shell's words, shared by every widget kind.
#[derive(Debug, Clone, Copy)]
pub struct Common {
    lang: Lang,
}

impl Common {
    /// The shell's words in `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The BCP 47 tag to put in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self.lang {
            Lang::En => "en",
            Lang::Sw => "sw",
            Lang::Fr => "fr",
        }
    }

    /// A submit button while the answer is being sent.
    pub fn submitting(self) -> &'static str {
        match self.lang {
            Lang::En => "Sending…",
            Lang::Sw => "Inatuma…",
            Lang::Fr => "Envoi…",
        }
    }

    /// The retry button.
    pub fn retry(self) -> &'static str {
        match self.lang {
            Lang::En => "Try again",
            Lang::Sw => "Jaribu tena",
            Lang::Fr => "Réessayer",
        }
    }

    /// What to tell the citizen about a problem that is the same for every widget kind;
    /// `None` for the problems each kind words itself (not found, closed, already answered).
    pub fn problem(self, problem: Problem) -> Option<&'static str> {
        Some(match (self.lang, problem) {
            (Lang::En, Problem::Network) => {
                "We could not reach the server. Check your connection and try again."
            }
            (Lang::Sw, Problem::Network) => {
                "Hatukuweza kufikia seva. Angalia muunganisho wako kisha ujaribu tena."
            }
            (Lang::Fr, Problem::Network) => {
                "Le serveur est injoignable. Vérifiez votre connexion puis réessayez."
            }
            (Lang::En, Problem::Rejected) => {
                "Your answer could not be accepted. Please reload the page and answer again."
            }
            (Lang::Sw, Problem::Rejected) => {
                "Jibu lako halikukubaliwa. Tafadhali pakia ukurasa upya ujibu tena."
            }
            (Lang::Fr, Problem::Rejected) => {
                "Votre réponse n'a pas pu être acceptée. Rechargez la page et répondez à nouveau."
            }
            (Lang::En, Problem::Server) => {
                "Something went wrong on our side. Please try again in a moment."
            }
            (Lang::Sw, Problem::Server) => {
                "Kuna hitilafu upande wetu. Tafadhali jaribu tena baada ya muda mfupi."
            }
            (Lang::Fr, Problem::Server) => {
                "Une erreur s'est produite de notre côté. Réessayez dans un instant."
            }
            (
                _,
                Problem::NotFound
                | Problem::Closed
                | Problem::AlreadyVoted
                | Problem::VoucherUnknown
                | Problem::VoucherUsed,
            ) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::ErrorCode;

    #[test]
    fn picks_language_by_primary_subtag() {
        assert_eq!(Lang::from_tag("sw-KE"), Lang::Sw);
        assert_eq!(Lang::from_tag("FR_ca"), Lang::Fr);
        assert_eq!(Lang::from_tag("de"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn error_codes_map_to_citizen_problems() {
        let expected = [
            (ErrorCode::PollNotFound, Problem::NotFound),
            (ErrorCode::FeedbackFormNotFound, Problem::NotFound),
            (ErrorCode::NotFound, Problem::NotFound),
            (ErrorCode::PollNotOpen, Problem::Closed),
            (ErrorCode::AlreadyVoted, Problem::AlreadyVoted),
            (ErrorCode::UnknownOption, Problem::Rejected),
            (ErrorCode::DuplicateSelection, Problem::Rejected),
            (ErrorCode::TooFewSelections, Problem::Rejected),
            (ErrorCode::TooManySelections, Problem::Rejected),
            (ErrorCode::InvalidVoterToken, Problem::Rejected),
            (ErrorCode::InvalidRequest, Problem::Rejected),
            (ErrorCode::MalformedJson, Problem::Rejected),
            (ErrorCode::PayloadTooLarge, Problem::Rejected),
            (ErrorCode::InvalidPageKey, Problem::Rejected),
            (ErrorCode::InvalidPageTitle, Problem::Rejected),
            (ErrorCode::UnknownQuestion, Problem::Rejected),
            (ErrorCode::DuplicateAnswer, Problem::Rejected),
            (ErrorCode::AnswerTypeMismatch, Problem::Rejected),
            (ErrorCode::MissingAnswer, Problem::Rejected),
            (ErrorCode::AnswerOutOfRange, Problem::Rejected),
            (ErrorCode::AnswerPartNotAsked, Problem::Rejected),
            (ErrorCode::TextTooLong, Problem::Rejected),
            (ErrorCode::BlankText, Problem::Rejected),
            (ErrorCode::SectionNotFound, Problem::Rejected),
            (ErrorCode::CommentNotFound, Problem::Rejected),
            (ErrorCode::CommentNotPublished, Problem::Rejected),
            (ErrorCode::ReplyToReply, Problem::Rejected),
            (ErrorCode::ConsultationNotFound, Problem::NotFound),
            (ErrorCode::ConsultationWrongPhase, Problem::Closed),
            (ErrorCode::AlreadyReacted, Problem::AlreadyVoted),
            (ErrorCode::AlreadyReported, Problem::AlreadyVoted),
            (ErrorCode::Internal, Problem::Server),
            (ErrorCode::ServerBusy, Problem::Server),
            (ErrorCode::VoucherRequired, Problem::VoucherUnknown),
            (ErrorCode::VoucherUnknown, Problem::VoucherUnknown),
            (ErrorCode::VoucherUsed, Problem::VoucherUsed),
        ];
        for (code, problem) in expected {
            assert_eq!(Problem::from_code(code.as_str()), problem, "{code}");
        }
        assert_eq!(
            Problem::from_code("a_code_from_a_newer_server"),
            Problem::Server
        );
        assert!(Problem::Network.is_retryable() && !Problem::Closed.is_retryable());
    }
}
