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
    pub(crate) tokens_link: &'static str,
    pub(crate) tokens_title: &'static str,
    pub(crate) tokens_hint: &'static str,
    pub(crate) create_token_button: &'static str,
    pub(crate) new_token_label: &'static str,
    pub(crate) no_tokens: &'static str,
    pub(crate) tokens_caption: &'static str,
    pub(crate) token_column: &'static str,
    pub(crate) created_by_column: &'static str,
    pub(crate) created_column: &'static str,
    pub(crate) status_column: &'static str,
    pub(crate) token_active: &'static str,
    pub(crate) token_revoked: &'static str,
    /// Followed by the token's number.
    pub(crate) revoke_button: &'static str,
    pub(crate) revoked_notice: &'static str,
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
    tokens_link: "API tokens",
    tokens_title: "Admin API tokens",
    tokens_hint: "A token lets a program use the admin API with your role in this organisation. It is shown once, when it is made: keep it like a password.",
    create_token_button: "Create a token",
    new_token_label: "Your new token (shown only now)",
    no_tokens: "No tokens yet.",
    tokens_caption: "Tokens, newest first",
    token_column: "Token",
    created_by_column: "Made by",
    created_column: "Made",
    status_column: "Status",
    token_active: "Active",
    token_revoked: "Revoked",
    revoke_button: "Revoke token",
    revoked_notice: "The token is revoked: programs using it are refused from now on.",
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
    tokens_link: "Jetons d'API",
    tokens_title: "Jetons de l'API d'administration",
    tokens_hint: "Un jeton permet à un programme d'utiliser l'API d'administration avec votre rôle dans cette organisation. Il n'est montré qu'une fois, à sa création : gardez-le comme un mot de passe.",
    create_token_button: "Créer un jeton",
    new_token_label: "Votre nouveau jeton (montré seulement maintenant)",
    no_tokens: "Aucun jeton pour l'instant.",
    tokens_caption: "Jetons, du plus récent au plus ancien",
    token_column: "Jeton",
    created_by_column: "Créé par",
    created_column: "Créé le",
    status_column: "État",
    token_active: "Actif",
    token_revoked: "Révoqué",
    revoke_button: "Révoquer le jeton",
    revoked_notice: "Le jeton est révoqué : les programmes qui l'utilisent sont désormais refusés.",
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
    tokens_link: "Tokeni za API",
    tokens_title: "Tokeni za API ya usimamizi",
    tokens_hint: "Tokeni huruhusu programu kutumia API ya usimamizi kwa jukumu lako katika taasisi hii. Huonyeshwa mara moja tu, inapoundwa: itunze kama nenosiri.",
    create_token_button: "Unda tokeni",
    new_token_label: "Tokeni yako mpya (inaonyeshwa sasa tu)",
    no_tokens: "Bado hakuna tokeni.",
    tokens_caption: "Tokeni, mpya kwanza",
    token_column: "Tokeni",
    created_by_column: "Imeundwa na",
    created_column: "Iliundwa",
    status_column: "Hali",
    token_active: "Inatumika",
    token_revoked: "Imebatilishwa",
    revoke_button: "Batilisha tokeni",
    revoked_notice: "Tokeni imebatilishwa: programu zinazoitumia zinakataliwa kuanzia sasa.",
};
