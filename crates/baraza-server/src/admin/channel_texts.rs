//! The words of the admin site's phone-channel pages (SMS keyword, USSD service code, voucher
//! codes), in the site's languages. Kept apart from [`Texts`](super::texts::Texts) so the
//! channel pages grow without touching the texts every other page shares; a page finds them
//! with [`ChannelTexts::for_site`].

use super::texts::{Language, Texts};

/// Every text of the phone-channel pages in one language.
#[derive(Debug)]
pub(crate) struct ChannelTexts {
    pub(crate) heading: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) keyword_label: &'static str,
    pub(crate) keyword_hint: &'static str,
    pub(crate) code_label: &'static str,
    pub(crate) code_hint: &'static str,
    pub(crate) voucher_legend: &'static str,
    pub(crate) voucher_label: &'static str,
    pub(crate) voucher_hint: &'static str,
    pub(crate) save_button: &'static str,
    pub(crate) back_to_poll: &'static str,
    pub(crate) change_link: &'static str,
    pub(crate) saved_notice: &'static str,
    pub(crate) none: &'static str,
    pub(crate) required: &'static str,
    pub(crate) not_required: &'static str,
    pub(crate) keyword_format: &'static str,
    pub(crate) keyword_reserved: &'static str,
    pub(crate) keyword_taken: &'static str,
    pub(crate) code_format: &'static str,
    pub(crate) code_taken: &'static str,
    pub(crate) voucher_after_opening: &'static str,
    pub(crate) closed_title: &'static str,
    pub(crate) closed_body: &'static str,
}

impl ChannelTexts {
    /// The channel texts in the language of the site's `t`.
    pub(crate) fn for_site(t: &Texts) -> &'static Self {
        match Language::from_tag_exact(t.lang) {
            Some(Language::Fr) => &FR,
            Some(Language::Sw) => &SW,
            Some(Language::En) | None => &EN,
        }
    }
}

const EN: ChannelTexts = ChannelTexts {
    heading: "Phone channels",
    intro: "Citizens without internet can answer this poll by SMS and from a USSD menu, into the same count. Leave a field empty to turn that channel off.",
    keyword_label: "SMS keyword",
    keyword_hint: "2 to 20 letters or digits, starting with a letter, for example TARIFF. Citizens send it with their answer (TARIFF 2); capitals do not matter.",
    code_label: "USSD service code",
    code_hint: "The code citizens dial, for example *384*55#: a star, numbers separated by stars, and a hash.",
    voucher_legend: "Voucher codes",
    voucher_label: "Count only answers with one of this poll's voucher codes",
    voucher_hint: "Each code counts once, on any channel. This can change only until the poll opens.",
    save_button: "Save channel settings",
    back_to_poll: "Back to the poll",
    change_link: "Change phone channels",
    saved_notice: "The channel settings are saved.",
    none: "none",
    required: "required",
    not_required: "not required",
    keyword_format: "Enter an SMS keyword of 2 to 20 letters or digits that starts with a letter, like TARIFF",
    keyword_reserved: "HELP and STOP are kept by mobile networks: choose another SMS keyword",
    keyword_taken: "Another poll already uses this SMS keyword: choose another one",
    code_format: "Enter a USSD service code like *384*55#: a star, numbers separated by stars, and a hash",
    code_taken: "Another poll already uses this USSD service code: choose another one",
    voucher_after_opening: "Voucher codes can be required or dropped only until the poll opens",
    closed_title: "This poll is closed",
    closed_body: "The phone channels of a closed poll cannot change.",
};

const FR: ChannelTexts = ChannelTexts {
    heading: "Canaux téléphoniques",
    intro: "Les citoyens sans internet peuvent répondre à ce sondage par SMS et par un menu USSD, dans le même décompte. Laissez un champ vide pour fermer ce canal.",
    keyword_label: "Mot-clé SMS",
    keyword_hint: "2 à 20 lettres ou chiffres, commençant par une lettre, par exemple TARIF. Les citoyens l’envoient avec leur réponse (TARIF 2) ; majuscules ou minuscules, peu importe.",
    code_label: "Code de service USSD",
    code_hint: "Le code que les citoyens composent, par exemple *384*55# : une étoile, des nombres séparés par des étoiles, et un dièse.",
    voucher_legend: "Codes d’accès",
    voucher_label: "Ne compter que les réponses portant un des codes d’accès de ce sondage",
    voucher_hint: "Chaque code compte une fois, sur tous les canaux. Ce choix ne peut changer que jusqu’à l’ouverture du sondage.",
    save_button: "Enregistrer les canaux",
    back_to_poll: "Retour au sondage",
    change_link: "Modifier les canaux téléphoniques",
    saved_notice: "Les canaux téléphoniques sont enregistrés.",
    none: "aucun",
    required: "obligatoire",
    not_required: "facultatif",
    keyword_format: "Saisissez un mot-clé SMS de 2 à 20 lettres ou chiffres commençant par une lettre, comme TARIF",
    keyword_reserved: "HELP et STOP sont réservés par les opérateurs : choisissez un autre mot-clé SMS",
    keyword_taken: "Un autre sondage utilise déjà ce mot-clé SMS : choisissez-en un autre",
    code_format: "Saisissez un code de service USSD comme *384*55# : une étoile, des nombres séparés par des étoiles, et un dièse",
    code_taken: "Un autre sondage utilise déjà ce code de service USSD : choisissez-en un autre",
    voucher_after_opening: "Les codes d’accès ne peuvent être exigés ou retirés que jusqu’à l’ouverture du sondage",
    closed_title: "Ce sondage est clos",
    closed_body: "Les canaux téléphoniques d’un sondage clos ne peuvent plus changer.",
};

const SW: ChannelTexts = ChannelTexts {
    heading: "Njia za simu",
    intro: "Wananchi wasio na intaneti wanaweza kujibu kura hii kwa SMS na kwa menyu ya USSD, katika hesabu ileile. Acha sehemu tupu kuzima njia hiyo.",
    keyword_label: "Neno kuu la SMS",
    keyword_hint: "Herufi au tarakimu 2 hadi 20, zinazoanza na herufi, kwa mfano TARIFF. Wananchi hulituma pamoja na jibu lao (TARIFF 2); herufi kubwa au ndogo si tatizo.",
    code_label: "Msimbo wa huduma ya USSD",
    code_hint: "Msimbo ambao wananchi hupiga, kwa mfano *384*55#: nyota, namba zilizotenganishwa na nyota, na alama ya #.",
    voucher_legend: "Misimbo ya vocha",
    voucher_label: "Hesabu tu majibu yenye mojawapo ya misimbo ya vocha ya kura hii",
    voucher_hint: "Kila msimbo huhesabiwa mara moja, kwa njia yoyote. Hili linaweza kubadilika tu hadi kura ifunguliwe.",
    save_button: "Hifadhi njia za simu",
    back_to_poll: "Rudi kwenye kura",
    change_link: "Badilisha njia za simu",
    saved_notice: "Njia za simu zimehifadhiwa.",
    none: "hakuna",
    required: "inahitajika",
    not_required: "haihitajiki",
    keyword_format: "Weka neno kuu la SMS la herufi au tarakimu 2 hadi 20 linaloanza na herufi, kama TARIFF",
    keyword_reserved: "HELP na STOP zimehifadhiwa na mitandao ya simu: chagua neno kuu lingine la SMS",
    keyword_taken: "Kura nyingine tayari inatumia neno kuu hili la SMS: chagua lingine",
    code_format: "Weka msimbo wa huduma ya USSD kama *384*55#: nyota, namba zilizotenganishwa na nyota, na alama ya #",
    code_taken: "Kura nyingine tayari inatumia msimbo huu wa USSD: chagua mwingine",
    voucher_after_opening: "Misimbo ya vocha inaweza kuhitajika au kuondolewa tu hadi kura ifunguliwe",
    closed_title: "Kura hii imefungwa",
    closed_body: "Njia za simu za kura iliyofungwa haziwezi kubadilika.",
};
