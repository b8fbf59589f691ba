//! The admin site's words for an organisation's settings page, one value per language,
//! beside [`Texts`](super::texts::Texts).

use super::texts::Language;

/// The settings texts of the admin site in one language.
#[derive(Debug)]
pub(crate) struct SettingsTexts {
    pub(crate) settings_link: &'static str,
    pub(crate) settings_title: &'static str,
    pub(crate) name_label: &'static str,
    pub(crate) name_missing: &'static str,
    pub(crate) origins_label: &'static str,
    pub(crate) origins_hint: &'static str,
    /// Followed by the line as typed.
    pub(crate) origin_invalid: &'static str,
    pub(crate) save_button: &'static str,
    pub(crate) saved_notice: &'static str,
}

impl Language {
    /// The settings texts in this language.
    pub(crate) fn settings_texts(self) -> &'static SettingsTexts {
        match self {
            Self::En => &EN,
            Self::Fr => &FR,
            Self::Sw => &SW,
        }
    }
}

const EN: SettingsTexts = SettingsTexts {
    settings_link: "Settings",
    settings_title: "Organisation settings",
    name_label: "Name shown to staff",
    name_missing: "Enter the organisation's name",
    origins_label: "Websites allowed to embed this organisation's polls, forms and consultations",
    origins_hint: "One address per line, such as https://water.go.ke (scheme, host and optional port; no path). Leave it empty to follow the server's list.",
    origin_invalid: "Each line must be an address such as https://water.go.ke, without a path. This line is not:",
    save_button: "Save the settings",
    saved_notice: "The settings are saved.",
};

const FR: SettingsTexts = SettingsTexts {
    settings_link: "Paramètres",
    settings_title: "Paramètres de l'organisation",
    name_label: "Nom affiché au personnel",
    name_missing: "Saisissez le nom de l'organisation",
    origins_label: "Sites autorisés à intégrer les sondages, formulaires et consultations de l'organisation",
    origins_hint: "Une adresse par ligne, par exemple https://water.go.ke (schéma, hôte et port facultatif ; pas de chemin). Laissez vide pour suivre la liste du serveur.",
    origin_invalid: "Chaque ligne doit être une adresse comme https://water.go.ke, sans chemin. Cette ligne ne l'est pas :",
    save_button: "Enregistrer les paramètres",
    saved_notice: "Les paramètres sont enregistrés.",
};

const SW: SettingsTexts = SettingsTexts {
    settings_link: "Mipangilio",
    settings_title: "Mipangilio ya taasisi",
    name_label: "Jina linaloonyeshwa kwa wafanyakazi",
    name_missing: "Weka jina la taasisi",
    origins_label: "Tovuti zinazoruhusiwa kuweka kura, fomu na mashauriano ya taasisi hii",
    origins_hint: "Anwani moja kwa kila mstari, kama https://water.go.ke (mpango, mwenyeji na bandari ya hiari; bila njia). Acha tupu kufuata orodha ya seva.",
    origin_invalid: "Kila mstari lazima uwe anwani kama https://water.go.ke, bila njia. Mstari huu si hivyo:",
    save_button: "Hifadhi mipangilio",
    saved_notice: "Mipangilio imehifadhiwa.",
};
