//! The server's own words on SMS and USSD, per language. Kept short and, in English, French
//! and Kiswahili, within GSM-7 so a reply fits one message where it can.

/// One language's texts. `{keyword}`, `{answer}` and `{keywords}` are filled in.
#[derive(Debug)]
pub(crate) struct Texts {
    pub(crate) reply_with_number: &'static str,
    pub(crate) reply_with_numbers: &'static str,
    pub(crate) recorded: &'static str,
    pub(crate) already_answered: &'static str,
    pub(crate) closed: &'static str,
    pub(crate) not_open_yet: &'static str,
    pub(crate) not_understood: &'static str,
    pub(crate) invalid_answer: &'static str,
    pub(crate) unknown_keyword: &'static str,
    pub(crate) no_keywords: &'static str,
    pub(crate) not_a_phone: &'static str,
    pub(crate) busy: &'static str,
    pub(crate) failed: &'static str,
    pub(crate) ussd_confirm: &'static str,
    pub(crate) ussd_yes: &'static str,
    pub(crate) ussd_no: &'static str,
    pub(crate) ussd_cancelled: &'static str,
    pub(crate) ussd_more: &'static str,
    pub(crate) ussd_invalid: &'static str,
    pub(crate) voucher_needed: &'static str,
    pub(crate) voucher_unknown: &'static str,
    pub(crate) voucher_used: &'static str,
    pub(crate) ussd_voucher: &'static str,
    pub(crate) ussd_one_answer_only: &'static str,
}

static EN: Texts = Texts {
    reply_with_number: "Reply {keyword} and a number",
    reply_with_numbers: "Reply {keyword} and numbers",
    recorded: "Thank you. Your answer to {keyword} is recorded: {answer}.",
    already_answered: "This phone has already answered {keyword}. Each phone answers once.",
    closed: "{keyword} is closed and takes no more answers.",
    not_open_yet: "{keyword} is not open yet.",
    not_understood: "We could not read \"{answer}\".",
    invalid_answer: "That answer does not fit the question.",
    unknown_keyword: "Sorry, we did not understand. Send one of: {keywords}.",
    no_keywords: "This number takes no answers at the moment.",
    not_a_phone: "Sorry, answers are taken from phone numbers only.",
    busy: "We are busy. Please send your answer again in a minute.",
    failed: "Sorry, something went wrong. Please try again later.",
    ussd_confirm: "You chose: {answer}. Send it?",
    ussd_yes: "Yes, send",
    ussd_no: "No, cancel",
    ussd_cancelled: "Cancelled. Nothing was stored.",
    ussd_more: "More",
    ussd_invalid: "Invalid choice.",
    voucher_needed: "{keyword} needs your voucher code. Send {keyword}, your answer and the code, e.g. {keyword} 2 K7Q-94M",
    voucher_unknown: "That voucher code is not valid for {keyword}. Check it and send again.",
    voucher_used: "That voucher code has already been used. Each code counts once.",
    ussd_voucher: "Enter your voucher code:",
    ussd_one_answer_only: "{keyword} takes several answers: please answer it by SMS or on the web.",
};

static SW: Texts = Texts {
    reply_with_number: "Jibu {keyword} na namba",
    reply_with_numbers: "Jibu {keyword} na namba",
    recorded: "Asante. Jibu lako kwa {keyword} limehifadhiwa: {answer}.",
    already_answered: "Simu hii imeshajibu {keyword}. Kila simu hujibu mara moja.",
    closed: "{keyword} imefungwa na haipokei majibu tena.",
    not_open_yet: "{keyword} bado haijafunguliwa.",
    not_understood: "Hatukuweza kusoma \"{answer}\".",
    invalid_answer: "Jibu hilo halilingani na swali.",
    unknown_keyword: "Samahani, hatukuelewa. Tuma mojawapo ya: {keywords}.",
    no_keywords: "Namba hii haipokei majibu kwa sasa.",
    not_a_phone: "Samahani, majibu hupokelewa kutoka namba za simu tu.",
    busy: "Tuna shughuli nyingi. Tafadhali tuma jibu lako tena baada ya dakika moja.",
    failed: "Samahani, hitilafu imetokea. Tafadhali jaribu tena baadaye.",
    ussd_confirm: "Umechagua: {answer}. Tuma?",
    ussd_yes: "Ndiyo, tuma",
    ussd_no: "Hapana, ghairi",
    ussd_cancelled: "Imeghairiwa. Hakuna kilichohifadhiwa.",
    ussd_more: "Zaidi",
    ussd_invalid: "Chaguo si sahihi.",
    voucher_needed: "{keyword} inahitaji msimbo wako wa vocha. Tuma {keyword}, jibu lako na msimbo, mfano {keyword} 2 K7Q-94M",
    voucher_unknown: "Msimbo huo wa vocha si halali kwa {keyword}. Uangalie na utume tena.",
    voucher_used: "Msimbo huo wa vocha umeshatumika. Kila msimbo huhesabiwa mara moja.",
    ussd_voucher: "Weka msimbo wako wa vocha:",
    ussd_one_answer_only: "{keyword} inapokea majibu kadhaa: tafadhali jibu kwa SMS au mtandaoni.",
};

static FR: Texts = Texts {
    reply_with_number: "Répondez {keyword} et un numéro",
    reply_with_numbers: "Répondez {keyword} et des numéros",
    recorded: "Merci. Votre réponse à {keyword} est enregistrée : {answer}.",
    already_answered: "Ce téléphone a déjà répondu à {keyword}. Une réponse par téléphone.",
    closed: "{keyword} est clos et ne prend plus de réponses.",
    not_open_yet: "{keyword} n'est pas encore ouvert.",
    not_understood: "Nous n'avons pas pu lire \"{answer}\".",
    invalid_answer: "Cette réponse ne convient pas à la question.",
    unknown_keyword: "Désolé, nous n'avons pas compris. Envoyez l'un de : {keywords}.",
    no_keywords: "Ce numéro ne prend pas de réponses pour le moment.",
    not_a_phone: "Désolé, seules les réponses de numéros de téléphone sont prises.",
    busy: "Nous sommes occupés. Renvoyez votre réponse dans une minute.",
    failed: "Désolé, une erreur est survenue. Réessayez plus tard.",
    ussd_confirm: "Vous avez choisi : {answer}. Envoyer ?",
    ussd_yes: "Oui, envoyer",
    ussd_no: "Non, annuler",
    ussd_cancelled: "Annulé. Rien n'a été enregistré.",
    ussd_more: "Suite",
    ussd_invalid: "Choix non valide.",
    voucher_needed: "{keyword} demande votre code. Envoyez {keyword}, votre réponse et le code, ex. {keyword} 2 K7Q-94M",
    voucher_unknown: "Ce code n'est pas valable pour {keyword}. Vérifiez-le et renvoyez.",
    voucher_used: "Ce code a déjà été utilisé. Chaque code compte une fois.",
    ussd_voucher: "Entrez votre code :",
    ussd_one_answer_only: "{keyword} prend plusieurs réponses : répondez par SMS ou sur le web.",
};

/// The texts for a language tag (`sw`, `fr-CA`…), English when there are none.
pub(crate) fn texts_for(language: &str) -> &'static Texts {
    let primary = language.split(['-', '_']).next().unwrap_or("en");
    match primary.to_ascii_lowercase().as_str() {
        "sw" => &SW,
        "fr" => &FR,
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::super::sms_text::{Encoding, segments};
    use super::*;

    #[test]
    fn every_text_is_gsm7_and_fits_one_message_with_room_for_a_keyword() {
        for texts in [&EN, &SW, &FR] {
            for text in [
                texts.reply_with_number,
                texts.reply_with_numbers,
                texts.recorded,
                texts.already_answered,
                texts.closed,
                texts.not_open_yet,
                texts.not_understood,
                texts.invalid_answer,
                texts.unknown_keyword,
                texts.no_keywords,
                texts.not_a_phone,
                texts.busy,
                texts.failed,
                texts.ussd_confirm,
                texts.ussd_yes,
                texts.ussd_no,
                texts.ussd_cancelled,
                texts.ussd_more,
                texts.ussd_invalid,
                texts.voucher_needed,
                texts.voucher_unknown,
                texts.voucher_used,
                texts.ussd_voucher,
                texts.ussd_one_answer_only,
            ] {
                assert_eq!(segments(text), (Encoding::Gsm7, 1), "{text}");
                assert!(text.chars().count() <= 110, "{text}");
            }
        }
    }

    #[test]
    fn languages_fall_back_to_english() {
        assert!(std::ptr::eq(texts_for("sw-KE"), &SW));
        assert!(std::ptr::eq(texts_for("fr"), &FR));
        assert!(std::ptr::eq(texts_for("ar"), &EN));
    }
}
