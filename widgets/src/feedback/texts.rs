//! The feedback widget's own words in each supported language.

use crate::i18n::{Common, Lang, Problem};

/// Every string of the feedback widget's chrome in one language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts {
    lang: Lang,
}

impl Texts {
    /// The texts for `lang`.
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The shell's words in the same language.
    pub(crate) fn common(self) -> Common {
        Common::new(self.lang)
    }

    /// While the form loads.
    pub(crate) fn loading(self) -> &'static str {
        match self.lang {
            Lang::En => "Loading the feedback form…",
            Lang::Sw => "Inapakia fomu ya maoni…",
            Lang::Fr => "Chargement du formulaire…",
        }
    }

    /// "Yes" on the "Is this page useful?" question.
    pub(crate) fn yes(self) -> &'static str {
        match self.lang {
            Lang::En => "Yes",
            Lang::Sw => "Ndiyo",
            Lang::Fr => "Oui",
        }
    }

    /// "No" on the "Is this page useful?" question.
    pub(crate) fn no(self) -> &'static str {
        match self.lang {
            Lang::En => "No",
            Lang::Sw => "Hapana",
            Lang::Fr => "Non",
        }
    }

    /// The heading over the reasons after a "no" (the GOV.UK pattern).
    pub(crate) fn what_went_wrong(self) -> &'static str {
        match self.lang {
            Lang::En => "What went wrong?",
            Lang::Sw => "Nini kilienda vibaya?",
            Lang::Fr => "Qu'est-ce qui n'allait pas ?",
        }
    }

    /// The heading over the other questions after a "yes".
    pub(crate) fn tell_us_more_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "Thank you. Would you like to tell us more?",
            Lang::Sw => "Asante. Ungependa kutueleza zaidi?",
            Lang::Fr => "Merci. Voulez-vous nous en dire plus ?",
        }
    }

    /// The label of the comment box of a "useful" question.
    pub(crate) fn comment_label(self) -> &'static str {
        match self.lang {
            Lang::En => "Tell us more (optional)",
            Lang::Sw => "Tueleze zaidi (si lazima)",
            Lang::Fr => "Dites-nous en plus (facultatif)",
        }
    }

    /// Marks an optional question.
    pub(crate) fn optional(self) -> &'static str {
        match self.lang {
            Lang::En => "(optional)",
            Lang::Sw => "(si lazima)",
            Lang::Fr => "(facultatif)",
        }
    }

    /// Next to every text box: personal details will be removed.
    pub(crate) fn privacy_notice(self) -> &'static str {
        match self.lang {
            Lang::En => {
                "Do not include personal details such as your name, phone number or e-mail \
                 address. Any we find will be removed before your feedback is saved."
            }
            Lang::Sw => {
                "Usiweke taarifa binafsi kama jina, nambari ya simu au barua pepe. Tutaziondoa \
                 zozote tutakazopata kabla ya kuhifadhi maoni yako."
            }
            Lang::Fr => {
                "N'indiquez pas de données personnelles comme votre nom, votre numéro de \
                 téléphone ou votre adresse e-mail. Celles que nous trouvons seront retirées \
                 avant l'enregistrement de votre avis."
            }
        }
    }

    /// A text box's character count or limit hint.
    pub(crate) fn characters_left(self, max: u32, typed: usize) -> String {
        let max = max as usize;
        match (self.lang, typed <= max) {
            (Lang::En, true) => format!("You have {} characters remaining", max - typed),
            (Lang::Sw, true) => format!("Umebakiza herufi {}", max - typed),
            (Lang::Fr, true) => format!("Il vous reste {} caractères", max - typed),
            (Lang::En, false) => format!("You have {} characters too many", typed - max),
            (Lang::Sw, false) => format!("Umezidisha herufi {}", typed - max),
            (Lang::Fr, false) => format!("Vous avez {} caractères de trop", typed - max),
        }
    }

    /// The labels of CSAT scores 1–5.
    pub(crate) fn csat_label(self, score: u8) -> &'static str {
        const EN: [&str; 5] = [
            "Very dissatisfied",
            "Dissatisfied",
            "Neither satisfied nor dissatisfied",
            "Satisfied",
            "Very satisfied",
        ];
        const SW: [&str; 5] = [
            "Sijaridhika kabisa",
            "Sijaridhika",
            "Wastani",
            "Nimeridhika",
            "Nimeridhika sana",
        ];
        const FR: [&str; 5] = [
            "Très insatisfait",
            "Insatisfait",
            "Ni satisfait ni insatisfait",
            "Satisfait",
            "Très satisfait",
        ];
        let index = usize::from(score.clamp(1, 5) - 1);
        match self.lang {
            Lang::En => EN[index],
            Lang::Sw => SW[index],
            Lang::Fr => FR[index],
        }
    }

    /// The hint under an NPS question.
    pub(crate) fn nps_hint(self) -> &'static str {
        match self.lang {
            Lang::En => "0 means not at all likely, 10 means extremely likely.",
            Lang::Sw => "0 ni haiwezekani kabisa, 10 ni inawezekana sana.",
            Lang::Fr => "0 signifie pas du tout probable, 10 extrêmement probable.",
        }
    }

    /// The send button.
    pub(crate) fn send(self) -> &'static str {
        match self.lang {
            Lang::En => "Send feedback",
            Lang::Sw => "Tuma maoni",
            Lang::Fr => "Envoyer mon avis",
        }
    }

    /// The heading of the error summary.
    pub(crate) fn there_is_a_problem(self) -> &'static str {
        match self.lang {
            Lang::En => "There is a problem",
            Lang::Sw => "Kuna tatizo",
            Lang::Fr => "Il y a un problème",
        }
    }

    /// A required question left unanswered.
    pub(crate) fn answer_required(self, prompt: &str) -> String {
        match self.lang {
            Lang::En => format!("Answer the question “{prompt}”"),
            Lang::Sw => format!("Jibu swali “{prompt}”"),
            Lang::Fr => format!("Répondez à la question « {prompt} »"),
        }
    }

    /// A text over its limit.
    pub(crate) fn too_long(self, field: &str, max: u32) -> String {
        match self.lang {
            Lang::En => format!("“{field}” must be {max} characters or fewer"),
            Lang::Sw => format!("“{field}” isizidi herufi {max}"),
            Lang::Fr => format!("« {field} » doit faire au plus {max} caractères"),
        }
    }

    /// After the feedback is stored.
    pub(crate) fn thanks(self) -> &'static str {
        match self.lang {
            Lang::En => "Thank you for your feedback.",
            Lang::Sw => "Asante kwa maoni yako.",
            Lang::Fr => "Merci pour votre avis.",
        }
    }

    /// How many personal details were removed before storing.
    pub(crate) fn removed(self, count: u64) -> Option<String> {
        match (self.lang, count) {
            (_, 0) => None,
            (Lang::En, 1) => {
                Some("We removed 1 personal detail from your text before saving it.".into())
            }
            (Lang::En, n) => Some(format!(
                "We removed {n} personal details from your text before saving it."
            )),
            (Lang::Sw, n) => Some(format!(
                "Tuliondoa taarifa binafsi {n} kutoka kwenye maandishi yako kabla ya kuyahifadhi."
            )),
            (Lang::Fr, 1) => Some(
                "Nous avons retiré 1 donnée personnelle de votre texte avant de l'enregistrer."
                    .into(),
            ),
            (Lang::Fr, n) => Some(format!(
                "Nous avons retiré {n} données personnelles de votre texte avant de l'enregistrer."
            )),
        }
    }

    /// What to tell the citizen about a problem.
    pub(crate) fn problem(self, problem: Problem) -> &'static str {
        if let Some(common) = self.common().problem(problem) {
            return common;
        }
        match (self.lang, problem) {
            // Feedback is anonymous and has no closing time: the server never answers these.
            (_, Problem::Closed | Problem::AlreadyVoted) => {
                self.common().problem(Problem::Rejected).unwrap_or_default()
            }
            (Lang::En, _) => "This feedback form could not be found. It may have been removed.",
            (Lang::Sw, _) => "Fomu hii ya maoni haikupatikana. Huenda imeondolewa.",
            (Lang::Fr, _) => "Ce formulaire est introuvable. Il a peut-être été retiré.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_left_and_over() {
        let en = Texts::new(Lang::En);
        assert_eq!(
            en.characters_left(500, 20),
            "You have 480 characters remaining"
        );
        assert_eq!(
            en.characters_left(500, 503),
            "You have 3 characters too many"
        );
    }

    #[test]
    fn every_language_says_what_was_removed() {
        for lang in [Lang::En, Lang::Sw, Lang::Fr] {
            let texts = Texts::new(lang);
            assert_eq!(texts.removed(0), None);
            assert!(texts.removed(1).is_some_and(|t| t.contains('1')));
            assert!(texts.removed(3).is_some_and(|t| t.contains('3')));
            assert!(!texts.problem(Problem::NotFound).is_empty());
            assert_ne!(texts.csat_label(1), texts.csat_label(5));
        }
    }
}
