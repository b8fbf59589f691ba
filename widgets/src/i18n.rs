//! The widgets' own words (buttons, hints, states) in each supported language.
//!
//! Poll content comes translated from the server as [`baraza_core::LocalizedText`]; this module
//! covers only the chrome around it. English is the fallback for any other language.

use baraza_core::ErrorCode;

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
}

/// Why something the widget needed did not happen, as the citizen should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The request never reached the server, or no answer came back.
    Network,
    /// The poll does not exist (or is not published).
    NotFound,
    /// The poll stopped taking answers.
    Closed,
    /// This device already answered.
    AlreadyVoted,
    /// The server refused the answer as invalid (e.g. the poll changed meanwhile).
    Rejected,
    /// The server failed, or answered something the widget does not understand.
    Server,
}

impl Problem {
    /// The problem an API error code stands for.
    pub fn from_code(code: ErrorCode) -> Self {
        match code {
            ErrorCode::PollNotFound | ErrorCode::NotFound => Self::NotFound,
            ErrorCode::PollNotOpen => Self::Closed,
            ErrorCode::AlreadyVoted => Self::AlreadyVoted,
            ErrorCode::UnknownOption
            | ErrorCode::DuplicateSelection
            | ErrorCode::TooFewSelections
            | ErrorCode::TooManySelections
            | ErrorCode::InvalidVoterToken
            | ErrorCode::InvalidRequest
            | ErrorCode::MalformedJson => Self::Rejected,
            _ => Self::Server,
        }
    }

    /// Whether trying again may help.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Network | Self::Server)
    }
}

/// Every string of the widget chrome in one language.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    lang: Lang,
}

impl Texts {
    /// The texts for `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The language these texts are in.
    pub fn lang(self) -> Lang {
        self.lang
    }

    /// The BCP 47 tag to put in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self.lang {
            Lang::En => "en",
            Lang::Sw => "sw",
            Lang::Fr => "fr",
        }
    }

    /// Shown while the poll loads.
    pub fn loading(self) -> &'static str {
        match self.lang {
            Lang::En => "Loading the poll…",
            Lang::Sw => "Inapakia kura ya maoni…",
            Lang::Fr => "Chargement du sondage…",
        }
    }

    /// The hint under the question, from the poll's selection bounds.
    pub fn selection_hint(self, min: u32, max: u32) -> String {
        match (self.lang, min, max) {
            (Lang::En, 0, _) => "Choose every answer you agree with.".into(),
            (Lang::Sw, 0, _) => "Chagua kila jibu unalokubaliana nalo.".into(),
            (Lang::Fr, 0, _) => "Choisissez toutes les réponses qui vous conviennent.".into(),
            (Lang::En, 1, 1) => "Choose one answer.".into(),
            (Lang::Sw, 1, 1) => "Chagua jibu moja.".into(),
            (Lang::Fr, 1, 1) => "Choisissez une réponse.".into(),
            (Lang::En, 1, max) => format!("Choose up to {max} answers."),
            (Lang::Sw, 1, max) => format!("Chagua hadi majibu {max}."),
            (Lang::Fr, 1, max) => format!("Choisissez jusqu'à {max} réponses."),
            (Lang::En, min, max) if min == max => format!("Choose {min} answers."),
            (Lang::Sw, min, max) if min == max => format!("Chagua majibu {min}."),
            (Lang::Fr, min, max) if min == max => format!("Choisissez {min} réponses."),
            (Lang::En, min, max) => format!("Choose {min} to {max} answers."),
            (Lang::Sw, min, max) => format!("Chagua majibu {min} hadi {max}."),
            (Lang::Fr, min, max) => format!("Choisissez de {min} à {max} réponses."),
        }
    }

    /// The error when too few options are selected.
    pub fn too_few(self, min: u32) -> String {
        match (self.lang, min) {
            (Lang::En, 1) => "Please choose an answer before sending.".into(),
            (Lang::Sw, 1) => "Tafadhali chagua jibu kabla ya kutuma.".into(),
            (Lang::Fr, 1) => "Veuillez choisir une réponse avant d'envoyer.".into(),
            (Lang::En, min) => format!("Please choose at least {min} answers before sending."),
            (Lang::Sw, min) => format!("Tafadhali chagua angalau majibu {min} kabla ya kutuma."),
            (Lang::Fr, min) => format!("Veuillez choisir au moins {min} réponses avant d'envoyer."),
        }
    }

    /// The error when too many options are selected.
    pub fn too_many(self, max: u32) -> String {
        match self.lang {
            Lang::En => format!("Please choose no more than {max} answers."),
            Lang::Sw => format!("Tafadhali usichague zaidi ya majibu {max}."),
            Lang::Fr => format!("Veuillez choisir au plus {max} réponses."),
        }
    }

    /// The submit button.
    pub fn submit(self) -> &'static str {
        match self.lang {
            Lang::En => "Send my answer",
            Lang::Sw => "Tuma jibu langu",
            Lang::Fr => "Envoyer ma réponse",
        }
    }

    /// The submit button while the answer is being sent.
    pub fn submitting(self) -> &'static str {
        match self.lang {
            Lang::En => "Sending…",
            Lang::Sw => "Inatuma…",
            Lang::Fr => "Envoi…",
        }
    }

    /// The heading above results.
    pub fn results_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "Results so far",
            Lang::Sw => "Matokeo hadi sasa",
            Lang::Fr => "Résultats à ce jour",
        }
    }

    /// The heading above the results of a closed poll.
    pub fn final_results_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "Final results",
            Lang::Sw => "Matokeo ya mwisho",
            Lang::Fr => "Résultats définitifs",
        }
    }

    /// After a successful vote.
    pub fn thanks(self) -> &'static str {
        match self.lang {
            Lang::En => "Thank you. Your answer has been recorded.",
            Lang::Sw => "Asante. Jibu lako limehifadhiwa.",
            Lang::Fr => "Merci. Votre réponse a été enregistrée.",
        }
    }

    /// When this device had already voted.
    pub fn already_voted(self) -> &'static str {
        match self.lang {
            Lang::En => "You have already answered this poll on this device.",
            Lang::Sw => "Tayari umejibu kura hii ya maoni kwenye kifaa hiki.",
            Lang::Fr => "Vous avez déjà répondu à ce sondage sur cet appareil.",
        }
    }

    /// When the poll is closed.
    pub fn closed(self) -> &'static str {
        match self.lang {
            Lang::En => "This poll is closed and no longer takes answers.",
            Lang::Sw => "Kura hii ya maoni imefungwa na haipokei majibu tena.",
            Lang::Fr => "Ce sondage est clos et n'accepte plus de réponses.",
        }
    }

    /// When the poll opens later; `date` is already formatted.
    pub fn opens_on(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("This poll opens on {date}."),
            Lang::Sw => format!("Kura hii ya maoni itafunguliwa tarehe {date}."),
            Lang::Fr => format!("Ce sondage ouvre le {date}."),
        }
    }

    /// Under an open poll with a closing date; `date` is already formatted.
    pub fn closes_on(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("Open until {date}."),
            Lang::Sw => format!("Iko wazi hadi {date}."),
            Lang::Fr => format!("Ouvert jusqu'au {date}."),
        }
    }

    /// The number of ballots counted.
    pub fn total(self, ballots: u64) -> String {
        match (self.lang, ballots) {
            (Lang::En, 1) => "1 response".into(),
            (Lang::En, n) => format!("{n} responses"),
            (Lang::Sw, n) => format!("Majibu {n}"),
            (Lang::Fr, n) if n <= 1 => format!("{n} réponse"),
            (Lang::Fr, n) => format!("{n} réponses"),
        }
    }

    /// How many ballots chose an option.
    pub fn votes(self, count: u64) -> String {
        match (self.lang, count) {
            (Lang::En, 1) => "1 vote".into(),
            (Lang::En, n) => format!("{n} votes"),
            (Lang::Sw, n) => format!("kura {n}"),
            (Lang::Fr, n) => format!("{n} voix"),
        }
    }

    /// A share in tenths of a percent, written the local way: `42.5%`, `42,5 %`.
    pub fn percent(self, tenths: u32) -> String {
        let (whole, tenth) = (tenths / 10, tenths % 10);
        match self.lang {
            Lang::En | Lang::Sw => format!("{whole}.{tenth}%"),
            Lang::Fr => format!("{whole},{tenth}\u{a0}%"),
        }
    }

    /// What to tell the citizen about a problem.
    pub fn problem(self, problem: Problem) -> &'static str {
        match (self.lang, problem) {
            (Lang::En, Problem::Network) => {
                "We could not reach the server. Check your connection and try again."
            }
            (Lang::Sw, Problem::Network) => {
                "Hatukuweza kufikia seva. Angalia muunganisho wako kisha ujaribu tena."
            }
            (Lang::Fr, Problem::Network) => {
                "Le serveur est injoignable. Vérifiez votre connexion puis réessayez."
            }
            (Lang::En, Problem::NotFound) => {
                "This poll could not be found. It may have been removed."
            }
            (Lang::Sw, Problem::NotFound) => "Kura hii ya maoni haikupatikana. Huenda imeondolewa.",
            (Lang::Fr, Problem::NotFound) => {
                "Ce sondage est introuvable. Il a peut-être été retiré."
            }
            (_, Problem::Closed) => self.closed(),
            (_, Problem::AlreadyVoted) => self.already_voted(),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language_by_primary_subtag() {
        assert_eq!(Lang::from_tag("sw-KE"), Lang::Sw);
        assert_eq!(Lang::from_tag("FR_ca"), Lang::Fr);
        assert_eq!(Lang::from_tag("de"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn formats_percentages_per_language() {
        assert_eq!(Texts::new(Lang::En).percent(425), "42.5%");
        assert_eq!(Texts::new(Lang::Fr).percent(1000), "100,0\u{a0}%");
        assert_eq!(Texts::new(Lang::Sw).percent(0), "0.0%");
    }

    #[test]
    fn hints_follow_selection_bounds() {
        let en = Texts::new(Lang::En);
        assert_eq!(en.selection_hint(1, 1), "Choose one answer.");
        assert_eq!(en.selection_hint(1, 3), "Choose up to 3 answers.");
        assert_eq!(en.selection_hint(2, 2), "Choose 2 answers.");
        assert_eq!(en.selection_hint(2, 4), "Choose 2 to 4 answers.");
        assert_eq!(
            en.selection_hint(0, 6),
            "Choose every answer you agree with."
        );
    }

    #[test]
    fn every_language_has_every_problem_text() {
        for lang in [Lang::En, Lang::Sw, Lang::Fr] {
            let texts = Texts::new(lang);
            for problem in [
                Problem::Network,
                Problem::NotFound,
                Problem::Closed,
                Problem::AlreadyVoted,
                Problem::Rejected,
                Problem::Server,
            ] {
                assert!(!texts.problem(problem).is_empty());
            }
        }
        assert_ne!(
            Texts::new(Lang::Sw).problem(Problem::Network),
            Texts::new(Lang::En).problem(Problem::Network)
        );
    }

    #[test]
    fn error_codes_map_to_citizen_problems() {
        assert_eq!(
            Problem::from_code(ErrorCode::AlreadyVoted),
            Problem::AlreadyVoted
        );
        assert_eq!(Problem::from_code(ErrorCode::PollNotOpen), Problem::Closed);
        assert_eq!(
            Problem::from_code(ErrorCode::PollNotFound),
            Problem::NotFound
        );
        assert_eq!(
            Problem::from_code(ErrorCode::UnknownOption),
            Problem::Rejected
        );
        assert_eq!(Problem::from_code(ErrorCode::Internal), Problem::Server);
        assert!(Problem::Network.is_retryable() && !Problem::Closed.is_retryable());
    }
}
