//! The poll widget's own words (hints, buttons, outcomes, results) in each supported language.

use crate::i18n::{Common, Lang, Problem};

/// Every string of the poll widget's chrome in one language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts {
    lang: Lang,
}

impl Texts {
    /// The texts for `lang`.
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The BCP 47 tag to put in `lang` attributes.
    pub(crate) fn tag(self) -> &'static str {
        Common::new(self.lang).tag()
    }

    /// Shown while the poll loads.
    pub(crate) fn loading(self) -> &'static str {
        match self.lang {
            Lang::En => "Loading the poll…",
            Lang::Sw => "Inapakia kura ya maoni…",
            Lang::Fr => "Chargement du sondage…",
        }
    }

    /// The hint under the question, from the poll's selection bounds.
    pub(crate) fn selection_hint(self, min: u32, max: u32) -> String {
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
    pub(crate) fn too_few(self, min: u32) -> String {
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
    pub(crate) fn too_many(self, max: u32) -> String {
        match self.lang {
            Lang::En => format!("Please choose no more than {max} answers."),
            Lang::Sw => format!("Tafadhali usichague zaidi ya majibu {max}."),
            Lang::Fr => format!("Veuillez choisir au plus {max} réponses."),
        }
    }

    /// The submit button.
    pub(crate) fn submit(self) -> &'static str {
        match self.lang {
            Lang::En => "Send my answer",
            Lang::Sw => "Tuma jibu langu",
            Lang::Fr => "Envoyer ma réponse",
        }
    }

    /// The submit button while the answer is being sent.
    pub(crate) fn submitting(self) -> &'static str {
        Common::new(self.lang).submitting()
    }

    /// The heading above results.
    pub(crate) fn results_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "Results so far",
            Lang::Sw => "Matokeo hadi sasa",
            Lang::Fr => "Résultats à ce jour",
        }
    }

    /// The heading above the results of a closed poll.
    pub(crate) fn final_results_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "Final results",
            Lang::Sw => "Matokeo ya mwisho",
            Lang::Fr => "Résultats définitifs",
        }
    }

    /// After a successful vote.
    pub(crate) fn thanks(self) -> &'static str {
        match self.lang {
            Lang::En => "Thank you. Your answer has been recorded.",
            Lang::Sw => "Asante. Jibu lako limehifadhiwa.",
            Lang::Fr => "Merci. Votre réponse a été enregistrée.",
        }
    }

    /// When this device had already voted.
    pub(crate) fn already_voted(self) -> &'static str {
        match self.lang {
            Lang::En => "You have already answered this poll on this device.",
            Lang::Sw => "Tayari umejibu kura hii ya maoni kwenye kifaa hiki.",
            Lang::Fr => "Vous avez déjà répondu à ce sondage sur cet appareil.",
        }
    }

    /// When the poll is closed.
    pub(crate) fn closed(self) -> &'static str {
        match self.lang {
            Lang::En => "This poll is closed and no longer takes answers.",
            Lang::Sw => "Kura hii ya maoni imefungwa na haipokei majibu tena.",
            Lang::Fr => "Ce sondage est clos et n'accepte plus de réponses.",
        }
    }

    /// When the poll opens later; `date` is already formatted.
    pub(crate) fn opens_on(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("This poll opens on {date}."),
            Lang::Sw => format!("Kura hii ya maoni itafunguliwa tarehe {date}."),
            Lang::Fr => format!("Ce sondage ouvre le {date}."),
        }
    }

    /// Under an open poll with a closing date; `date` is already formatted.
    pub(crate) fn closes_on(self, date: &str) -> String {
        match self.lang {
            Lang::En => format!("Open until {date}."),
            Lang::Sw => format!("Iko wazi hadi {date}."),
            Lang::Fr => format!("Ouvert jusqu'au {date}."),
        }
    }

    /// The number of ballots counted.
    pub(crate) fn total(self, ballots: u64) -> String {
        match (self.lang, ballots) {
            (Lang::En, 1) => "1 response".into(),
            (Lang::En, n) => format!("{n} responses"),
            (Lang::Sw, n) => format!("Majibu {n}"),
            (Lang::Fr, n) if n <= 1 => format!("{n} réponse"),
            (Lang::Fr, n) => format!("{n} réponses"),
        }
    }

    /// How many ballots chose an option.
    pub(crate) fn votes(self, count: u64) -> String {
        match (self.lang, count) {
            (Lang::En, 1) => "1 vote".into(),
            (Lang::En, n) => format!("{n} votes"),
            (Lang::Sw, n) => format!("kura {n}"),
            (Lang::Fr, n) => format!("{n} voix"),
        }
    }

    /// The hint under a score poll's question.
    pub(crate) fn score_hint(self, min: i32, max: i32, every: bool) -> String {
        match (self.lang, every) {
            (Lang::En, true) => format!("Rate every item from {min} (worst) to {max} (best)."),
            (Lang::En, false) => format!("Rate any item from {min} (worst) to {max} (best)."),
            (Lang::Sw, true) => {
                format!("Kadiria kila kipengele kutoka {min} (mbaya) hadi {max} (bora).")
            }
            (Lang::Sw, false) => {
                format!("Kadiria kipengele chochote kutoka {min} (mbaya) hadi {max} (bora).")
            }
            (Lang::Fr, true) => format!("Notez chaque élément de {min} (pire) à {max} (meilleur)."),
            (Lang::Fr, false) => {
                format!("Notez les éléments de votre choix de {min} (pire) à {max} (meilleur).")
            }
        }
    }

    /// The error when a score poll's ballot rates too little.
    pub(crate) fn rate_more(self, every: bool) -> &'static str {
        match (self.lang, every) {
            (Lang::En, true) => "Please rate every item before sending.",
            (Lang::En, false) => "Please rate at least one item before sending.",
            (Lang::Sw, true) => "Tafadhali kadiria kila kipengele kabla ya kutuma.",
            (Lang::Sw, false) => "Tafadhali kadiria angalau kipengele kimoja kabla ya kutuma.",
            (Lang::Fr, true) => "Veuillez noter chaque élément avant d'envoyer.",
            (Lang::Fr, false) => "Veuillez noter au moins un élément avant d'envoyer.",
        }
    }

    /// An option's mean score out of the scale's highest, with its number of ratings:
    /// `3.7 out of 5 (12 ratings)`; `not rated yet` when nobody rated it.
    pub(crate) fn average(self, mean_tenths: Option<i64>, max: i32, ratings: u64) -> String {
        let Some(tenths) = mean_tenths else {
            return match self.lang {
                Lang::En => "Not rated yet".into(),
                Lang::Sw => "Bado hakijakadiriwa".into(),
                Lang::Fr => "Pas encore noté".into(),
            };
        };
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
        match (self.lang, ratings) {
            (Lang::En, 1) => format!("{sign}{whole}.{tenth} out of {max} (1 rating)"),
            (Lang::En, n) => format!("{sign}{whole}.{tenth} out of {max} ({n} ratings)"),
            (Lang::Sw, n) => format!("{sign}{whole}.{tenth} kati ya {max} (makadirio {n})"),
            (Lang::Fr, n) if n <= 1 => format!("{sign}{whole},{tenth} sur {max} ({n} note)"),
            (Lang::Fr, n) => format!("{sign}{whole},{tenth} sur {max} ({n} notes)"),
        }
    }

    /// The hint under a ranked poll's question.
    pub(crate) fn rank_hint(self) -> &'static str {
        match self.lang {
            Lang::En => {
                "Add the options you support in order of preference, your first choice first. Rank as many as you like."
            }
            Lang::Sw => {
                "Ongeza machaguo unayoyaunga kwa mpangilio wa upendeleo, chaguo lako la kwanza kwanza. Panga mengi kadiri upendavyo."
            }
            Lang::Fr => {
                "Ajoutez les options que vous soutenez par ordre de préférence, votre premier choix d'abord. Classez-en autant que vous voulez."
            }
        }
    }

    /// The error when a ranked poll's ballot ranks nothing.
    pub(crate) fn rank_more(self) -> &'static str {
        match self.lang {
            Lang::En => "Please rank at least one option before sending.",
            Lang::Sw => "Tafadhali panga angalau chaguo moja kabla ya kutuma.",
            Lang::Fr => "Veuillez classer au moins une option avant d'envoyer.",
        }
    }

    /// The heading of the citizen's ranking.
    pub(crate) fn your_ranking(self) -> &'static str {
        match self.lang {
            Lang::En => "Your ranking",
            Lang::Sw => "Mpangilio wako",
            Lang::Fr => "Votre classement",
        }
    }

    /// Shown while nothing is ranked.
    pub(crate) fn nothing_ranked(self) -> &'static str {
        match self.lang {
            Lang::En => "Nothing ranked yet: add an option below.",
            Lang::Sw => "Bado hujapanga chochote: ongeza chaguo hapa chini.",
            Lang::Fr => "Rien n'est encore classé : ajoutez une option ci-dessous.",
        }
    }

    /// The heading of the options not ranked.
    pub(crate) fn not_ranked(self) -> &'static str {
        match self.lang {
            Lang::En => "Not ranked",
            Lang::Sw => "Hayajapangwa",
            Lang::Fr => "Non classées",
        }
    }

    /// The visible word of a ranking button (its accessible name names the option too).
    pub(crate) fn short(self, action: super::ranking::Move) -> &'static str {
        use super::ranking::Move;
        match (self.lang, action) {
            (Lang::En, Move::Add(_)) => "Add",
            (Lang::En, Move::Up(_)) => "Up",
            (Lang::En, Move::Down(_)) => "Down",
            (Lang::En, Move::Remove(_)) => "Remove",
            (Lang::Sw, Move::Add(_)) => "Ongeza",
            (Lang::Sw, Move::Up(_)) => "Pandisha",
            (Lang::Sw, Move::Down(_)) => "Shusha",
            (Lang::Sw, Move::Remove(_)) => "Ondoa",
            (Lang::Fr, Move::Add(_)) => "Ajouter",
            (Lang::Fr, Move::Up(_)) => "Monter",
            (Lang::Fr, Move::Down(_)) => "Descendre",
            (Lang::Fr, Move::Remove(_)) => "Retirer",
        }
    }

    /// The button adding `name` to the ranking.
    pub(crate) fn add(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("Add {name}"),
            Lang::Sw => format!("Ongeza {name}"),
            Lang::Fr => format!("Ajouter {name}"),
        }
    }

    /// The button moving `name` one place up.
    pub(crate) fn move_up(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("Move {name} up"),
            Lang::Sw => format!("Pandisha {name}"),
            Lang::Fr => format!("Monter {name}"),
        }
    }

    /// The button moving `name` one place down.
    pub(crate) fn move_down(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("Move {name} down"),
            Lang::Sw => format!("Shusha {name}"),
            Lang::Fr => format!("Descendre {name}"),
        }
    }

    /// The button taking `name` out of the ranking.
    pub(crate) fn remove(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("Remove {name}"),
            Lang::Sw => format!("Ondoa {name}"),
            Lang::Fr => format!("Retirer {name}"),
        }
    }

    /// Announced after a move: `name` is now at `place` of `total`, or no longer ranked.
    pub(crate) fn placed(self, name: &str, place: Option<usize>, total: usize) -> String {
        match (self.lang, place) {
            (Lang::En, Some(place)) => format!("{name}: choice {place} of {total}."),
            (Lang::Sw, Some(place)) => format!("{name}: chaguo {place} kati ya {total}."),
            (Lang::Fr, Some(place)) => format!("{name} : choix {place} sur {total}."),
            (Lang::En, None) => format!("{name} is no longer ranked."),
            (Lang::Sw, None) => format!("{name} halijapangwa tena."),
            (Lang::Fr, None) => format!("{name} n'est plus classé."),
        }
    }

    /// The heading of a ranked poll's count.
    pub(crate) fn rounds_heading(self) -> &'static str {
        match self.lang {
            Lang::En => "The count, round by round",
            Lang::Sw => "Hesabu, mzunguko kwa mzunguko",
            Lang::Fr => "Le dépouillement, tour par tour",
        }
    }

    /// `Round 2:`
    pub(crate) fn round(self, number: u32) -> String {
        match self.lang {
            Lang::En => format!("Round {number}:"),
            Lang::Sw => format!("Mzunguko {number}:"),
            Lang::Fr => format!("Tour {number} :"),
        }
    }

    /// `name` won in this round.
    pub(crate) fn elected(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("{name} wins."),
            Lang::Sw => format!("{name} ameshinda."),
            Lang::Fr => format!("{name} l'emporte."),
        }
    }

    /// `name` was eliminated in this round.
    pub(crate) fn eliminated(self, name: &str) -> String {
        match self.lang {
            Lang::En => format!("{name} is eliminated."),
            Lang::Sw => format!("{name} ameondolewa."),
            Lang::Fr => format!("{name} est éliminé."),
        }
    }

    /// A share in tenths of a percent, written the local way: `42.5%`, `42,5 %`.
    pub(crate) fn percent(self, tenths: u32) -> String {
        let (whole, tenth) = (tenths / 10, tenths % 10);
        match self.lang {
            Lang::En | Lang::Sw => format!("{whole}.{tenth}%"),
            Lang::Fr => format!("{whole},{tenth}\u{a0}%"),
        }
    }

    /// What to tell the citizen about a problem.
    pub(crate) fn problem(self, problem: Problem) -> &'static str {
        if let Some(common) = Common::new(self.lang).problem(problem) {
            return common;
        }
        match (self.lang, problem) {
            (Lang::En, Problem::NotFound) => {
                "This poll could not be found. It may have been removed."
            }
            (Lang::Sw, Problem::NotFound) => "Kura hii ya maoni haikupatikana. Huenda imeondolewa.",
            (Lang::Fr, Problem::NotFound) => {
                "Ce sondage est introuvable. Il a peut-être été retiré."
            }
            (Lang::En, Problem::VoucherUnknown) => {
                "This voucher code is not valid for this poll. Check it and try again."
            }
            (Lang::Sw, Problem::VoucherUnknown) => {
                "Msimbo huu wa vocha si halali kwa kura hii. Uangalie kisha ujaribu tena."
            }
            (Lang::Fr, Problem::VoucherUnknown) => {
                "Ce code n'est pas valable pour ce sondage. Vérifiez-le puis réessayez."
            }
            (Lang::En, Problem::VoucherUsed) => {
                "This voucher code has already been used. Each code counts once."
            }
            (Lang::Sw, Problem::VoucherUsed) => {
                "Msimbo huu wa vocha umeshatumika. Kila msimbo huhesabiwa mara moja."
            }
            (Lang::Fr, Problem::VoucherUsed) => {
                "Ce code a déjà été utilisé. Chaque code compte une fois."
            }
            (_, Problem::Closed) => self.closed(),
            (_, Problem::AlreadyVoted) => self.already_voted(),
            // Worded by the shell above.
            (_, Problem::Network | Problem::Rejected | Problem::Server) => "",
        }
    }

    /// The label of the voucher code field (polls that need one).
    pub(crate) fn voucher_label(self) -> &'static str {
        match self.lang {
            Lang::En => "Your voucher code",
            Lang::Sw => "Msimbo wako wa vocha",
            Lang::Fr => "Votre code d'accès",
        }
    }

    /// Said when the voucher code field is left empty.
    pub(crate) fn voucher_missing(self) -> &'static str {
        match self.lang {
            Lang::En => "Please enter the voucher code you were given.",
            Lang::Sw => "Tafadhali weka msimbo wa vocha uliopewa.",
            Lang::Fr => "Veuillez saisir le code d'accès qui vous a été remis.",
        }
    }

    /// The retry button.
    pub(crate) fn retry(self) -> &'static str {
        Common::new(self.lang).retry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
