//! The consultation widget's own words in each supported language.

use baraza_core::consultation::{Reaction, Stance};

use crate::i18n::{Common, Lang, Problem};

/// Every string of the consultation widget's chrome in one language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts {
    lang: Lang,
}

/// Picks the string of `lang` among English, Kiswahili and French.
fn pick(lang: Lang, en: &'static str, sw: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Sw => sw,
        Lang::Fr => fr,
    }
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

    /// While the consultation loads.
    pub(crate) fn loading(self) -> &'static str {
        pick(
            self.lang,
            "Loading the consultation…",
            "Inapakia mashauriano…",
            "Chargement de la consultation…",
        )
    }

    /// A problem in words.
    pub(crate) fn problem(self, problem: Problem) -> &'static str {
        if let Some(text) = self.common().problem(problem) {
            return text;
        }
        match problem {
            Problem::NotFound => pick(
                self.lang,
                "This consultation could not be found.",
                "Mashauriano haya hayakupatikana.",
                "Cette consultation est introuvable.",
            ),
            Problem::Closed => pick(
                self.lang,
                "This consultation is closed: it no longer takes comments or reactions.",
                "Mashauriano haya yamefungwa: hayapokei tena maoni wala miitikio.",
                "Cette consultation est close : elle ne reçoit plus de commentaires ni de réactions.",
            ),
            _ => pick(
                self.lang,
                "You have already done this on this device.",
                "Umeshafanya hivi kwenye kifaa hiki.",
                "Vous l'avez déjà fait sur cet appareil.",
            ),
        }
    }

    /// Section `number`'s label before its title.
    pub(crate) fn section_number(self, number: usize) -> String {
        match self.lang {
            Lang::En => format!("Section {number}"),
            Lang::Sw => format!("Sehemu ya {number}"),
            Lang::Fr => format!("Section {number}"),
        }
    }

    /// The heading over a section's comments, with their number.
    pub(crate) fn comments_heading(self, count: usize) -> String {
        match self.lang {
            Lang::En if count == 1 => "1 comment".to_owned(),
            Lang::En => format!("{count} comments"),
            Lang::Sw => format!("Maoni {count}"),
            Lang::Fr if count <= 1 => format!("{count} commentaire"),
            Lang::Fr => format!("{count} commentaires"),
        }
    }

    /// When a section has no published comment yet.
    pub(crate) fn no_comments(self) -> &'static str {
        pick(
            self.lang,
            "No published comments yet.",
            "Bado hakuna maoni yaliyochapishwa.",
            "Aucun commentaire publié pour l'instant.",
        )
    }

    /// A stance's name, as shown on a comment and in the stance choice.
    pub(crate) fn stance(self, stance: Stance) -> &'static str {
        match stance {
            Stance::Support => pick(self.lang, "Supports", "Inaunga mkono", "Pour"),
            Stance::Oppose => pick(self.lang, "Opposes", "Inapinga", "Contre"),
            Stance::Neutral => pick(self.lang, "Neutral", "Haina upande", "Neutre"),
            Stance::Question => pick(self.lang, "Question", "Swali", "Question"),
        }
    }

    /// A reaction button's label with its count.
    pub(crate) fn reaction(self, reaction: Reaction, count: u64) -> String {
        let word = match reaction {
            Reaction::Agree => pick(self.lang, "Agree", "Nakubali", "D'accord"),
            Reaction::Disagree => pick(self.lang, "Disagree", "Sikubali", "Pas d'accord"),
        };
        format!("{word} ({count})")
    }

    /// Announced after a reaction is recorded.
    pub(crate) fn reaction_recorded(self) -> &'static str {
        pick(
            self.lang,
            "Your reaction was recorded.",
            "Mwitikio wako umehifadhiwa.",
            "Votre réaction a été enregistrée.",
        )
    }

    /// The report button.
    pub(crate) fn report(self) -> &'static str {
        pick(
            self.lang,
            "Report to moderators",
            "Ripoti kwa wasimamizi",
            "Signaler aux modérateurs",
        )
    }

    /// After a report.
    pub(crate) fn reported(self) -> &'static str {
        pick(
            self.lang,
            "Reported. A moderator will review this comment.",
            "Imeripotiwa. Msimamizi atapitia maoni haya.",
            "Signalé. Un modérateur examinera ce commentaire.",
        )
    }

    /// The reply button.
    pub(crate) fn reply(self) -> &'static str {
        pick(self.lang, "Reply", "Jibu", "Répondre")
    }

    /// The label of the reply box.
    pub(crate) fn reply_label(self) -> &'static str {
        pick(self.lang, "Your reply", "Jibu lako", "Votre réponse")
    }

    /// Label for the public body's answers.
    pub(crate) fn official_response(self) -> &'static str {
        pick(
            self.lang,
            "Official response",
            "Jibu rasmi",
            "Réponse officielle",
        )
    }

    /// The accessible name of the public body's answer `id` (unique on the page, so each is
    /// its own landmark).
    pub(crate) fn official_reply(self, id: baraza_core::consultation::CommentId) -> String {
        format!("{} #{id}", self.official_response())
    }

    /// The heading of the comment form of a section.
    pub(crate) fn your_comment(self) -> &'static str {
        pick(
            self.lang,
            "Comment on this section",
            "Toa maoni kuhusu sehemu hii",
            "Commenter cette section",
        )
    }

    /// The stance group's legend.
    pub(crate) fn stance_legend(self) -> &'static str {
        pick(self.lang, "Your position", "Msimamo wako", "Votre position")
    }

    /// The comment box's label.
    pub(crate) fn comment_label(self) -> &'static str {
        pick(self.lang, "Your comment", "Maoni yako", "Votre commentaire")
    }

    /// The send button.
    pub(crate) fn send(self) -> &'static str {
        pick(self.lang, "Send", "Tuma", "Envoyer")
    }

    /// Next to every text box: personal details will be removed; comments are moderated.
    pub(crate) fn privacy_notice(self) -> &'static str {
        pick(
            self.lang,
            "Comments are published after a moderator checks them. Do not include personal \
             details such as your name, phone number or e-mail address: any we find will be \
             removed.",
            "Maoni yanachapishwa baada ya msimamizi kuyakagua. Usiweke taarifa binafsi kama \
             jina, nambari ya simu au barua pepe: tutaziondoa zozote tutakazopata.",
            "Les commentaires sont publiés après vérification par un modérateur. N'indiquez pas \
             de données personnelles comme votre nom, votre numéro de téléphone ou votre \
             adresse e-mail : celles que nous trouvons seront retirées.",
        )
    }

    /// After a comment or reply is sent.
    pub(crate) fn pending(self) -> &'static str {
        pick(
            self.lang,
            "Thank you. Your comment is waiting for moderation and will appear once approved.",
            "Asante. Maoni yako yanasubiri kukaguliwa na yataonekana yakishakubaliwa.",
            "Merci. Votre commentaire attend la modération et apparaîtra une fois approuvé.",
        )
    }

    /// How many personal details were removed, if any.
    pub(crate) fn removed(self, count: u64) -> Option<String> {
        (count > 0).then(|| match self.lang {
            Lang::En => format!("We removed {count} personal detail(s) from your text."),
            Lang::Sw => format!("Tumeondoa taarifa binafsi {count} kutoka kwa maandishi yako."),
            Lang::Fr => {
                format!("Nous avons retiré {count} donnée(s) personnelle(s) de votre texte.")
            }
        })
    }

    /// Validation: a stance must be chosen.
    pub(crate) fn choose_stance(self) -> &'static str {
        pick(
            self.lang,
            "Choose your position",
            "Chagua msimamo wako",
            "Choisissez votre position",
        )
    }

    /// Validation: the text is empty.
    pub(crate) fn write_something(self) -> &'static str {
        pick(
            self.lang,
            "Write your comment",
            "Andika maoni yako",
            "Écrivez votre commentaire",
        )
    }

    /// Validation: the text is too long.
    pub(crate) fn too_long(self, max: u32) -> String {
        match self.lang {
            Lang::En => format!("Your comment must be {max} characters or fewer"),
            Lang::Sw => format!("Maoni yako yasizidi herufi {max}"),
            Lang::Fr => format!("Votre commentaire doit faire au plus {max} caractères"),
        }
    }

    /// The error summary's title.
    pub(crate) fn there_is_a_problem(self) -> &'static str {
        pick(
            self.lang,
            "There is a problem",
            "Kuna tatizo",
            "Il y a un problème",
        )
    }

    /// A text box's character count.
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

    /// Under the title of a closed consultation.
    pub(crate) fn closed_on(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("This consultation closed on {date}."),
            Lang::Sw => format!("Mashauriano haya yalifungwa tarehe {date}."),
            Lang::Fr => format!("Cette consultation a été close le {date}."),
        }
    }

    /// Under the title of an open consultation.
    pub(crate) fn open_since(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("Open for comments since {date}."),
            Lang::Sw => format!("Iko wazi kwa maoni tangu {date}."),
            Lang::Fr => format!("Ouverte aux commentaires depuis le {date}."),
        }
    }

    /// The outcome's heading.
    pub(crate) fn outcome_heading(self) -> &'static str {
        pick(
            self.lang,
            "We asked, you said, we did",
            "Tuliuliza, mlisema, tulifanya",
            "Nous avons demandé, vous avez dit, nous avons fait",
        )
    }

    /// "We asked", "You said", "We did".
    pub(crate) fn we_asked(self) -> &'static str {
        pick(self.lang, "We asked", "Tuliuliza", "Nous avons demandé")
    }

    /// See [`Texts::we_asked`].
    pub(crate) fn you_said(self) -> &'static str {
        pick(self.lang, "You said", "Mlisema", "Vous avez dit")
    }

    /// See [`Texts::we_asked`].
    pub(crate) fn we_did(self) -> &'static str {
        pick(self.lang, "We did", "Tulifanya", "Nous avons fait")
    }

    /// When there is no official response to a section yet.
    pub(crate) fn no_response_yet(self) -> &'static str {
        pick(
            self.lang,
            "No response to this section yet.",
            "Bado hakuna jibu kwa sehemu hii.",
            "Pas encore de réponse pour cette section.",
        )
    }

    /// The outcome summary's label, and what shows before it is published.
    pub(crate) fn decision(self) -> &'static str {
        pick(self.lang, "Decision", "Uamuzi", "Décision")
    }

    /// Before the outcome is published.
    pub(crate) fn outcome_pending(self) -> &'static str {
        pick(
            self.lang,
            "The outcome will be published here.",
            "Matokeo yatachapishwa hapa.",
            "Le résultat sera publié ici.",
        )
    }

    /// "You said" counts of one section.
    pub(crate) fn said_counts(
        self,
        support: u64,
        oppose: u64,
        neutral: u64,
        question: u64,
    ) -> String {
        match self.lang {
            Lang::En => format!(
                "{support} in support, {oppose} against, {neutral} neutral, {question} questions"
            ),
            Lang::Sw => format!(
                "{support} wanaunga mkono, {oppose} wanapinga, {neutral} hawana upande, maswali {question}"
            ),
            Lang::Fr => {
                format!("{support} pour, {oppose} contre, {neutral} neutres, {question} questions")
            }
        }
    }
}
