//! The demo consultations, built through the core's own steps (open, comment, moderate, react,
//! close, respond, publish the outcome) so the demo data obeys every rule a real one does.

use std::collections::BTreeSet;

use baraza_core::LocalizedText;
use baraza_core::consultation::{
    CommentId, Consultation, ConsultationSettings, ModerationAction, ParticipantId, Reaction,
    Stance,
};
use time::{Duration, OffsetDateTime};

use crate::storage::OFFICIAL_AUTHOR;

/// The slug of the open demo consultation, embedded by `www/consultation.html`.
pub const DEMO_CONSULTATION: &str = "water-act-2027";
/// The slug of the closed demo consultation with its outcome published.
pub const DEMO_CLOSED_CONSULTATION: &str = "borehole-permits-2026";

/// A consultation and the comments in it the public body wrote.
pub type DemoConsultation = (Consultation, BTreeSet<CommentId>);

fn text(en: &str, sw: &str, fr: &str) -> anyhow::Result<LocalizedText> {
    Ok(LocalizedText::new("en", en)?
        .with("sw", sw)?
        .with("fr", fr)?)
}

fn citizen(n: u32) -> anyhow::Result<ParticipantId> {
    Ok(ParticipantId::parse(format!("demo-seed-citizen-{n:04}"))?)
}

/// The demo consultations, dated around `now`.
pub fn demo_consultations(now: OffsetDateTime) -> anyhow::Result<Vec<DemoConsultation>> {
    Ok(vec![open_demo(now)?, closed_demo(now)?])
}

fn open_demo(now: OffsetDateTime) -> anyhow::Result<DemoConsultation> {
    let settings = ConsultationSettings {
        max_comment_len: 2_000,
        ..ConsultationSettings::default()
    };
    let mut c = Consultation::new(
        DEMO_CONSULTATION,
        "en",
        text(
            "Draft Water Act 2027",
            "Rasimu ya Sheria ya Maji 2027",
            "Projet de loi sur l'eau 2027",
        )?,
        settings,
    )
    .map_err(|e| anyhow::anyhow!("demo consultation: {e}"))?;
    c.add_section(
        "lifeline-tariff",
        text(
            "A lifeline tariff for every household",
            "Ushuru wa msingi kwa kila kaya",
            "Un tarif social pour chaque ménage",
        )?,
        text(
            "The first 6,000 litres a household uses each month are billed at 10 shillings per 1,000 litres; use above that is billed at the full rate.",
            "Lita 6,000 za kwanza ambazo kaya inatumia kila mwezi zinatozwa shilingi 10 kwa lita 1,000; matumizi zaidi ya hapo yanatozwa kwa bei kamili.",
            "Les 6 000 premiers litres consommés chaque mois par un ménage sont facturés 10 shillings les 1 000 litres ; au-delà, le tarif plein s'applique.",
        )?,
    )?;
    c.add_section(
        "kiosks",
        text(
            "Water kiosks in informal settlements",
            "Vibanda vya maji katika makazi yasiyo rasmi",
            "Kiosques à eau dans les quartiers informels",
        )?,
        text(
            "Utilities must run at least one kiosk per 500 households in informal settlements, open from 6 am to 9 pm, at the lifeline price.",
            "Kampuni za maji lazima ziendeshe angalau kibanda kimoja kwa kila kaya 500 katika makazi yasiyo rasmi, kikiwa wazi kuanzia saa 12 asubuhi hadi saa 3 usiku, kwa bei ya msingi.",
            "Les distributeurs doivent exploiter au moins un kiosque pour 500 ménages dans les quartiers informels, ouvert de 6 h à 21 h, au tarif social.",
        )?,
    )?;
    c.add_section(
        "boreholes",
        text(
            "Licences for private boreholes",
            "Leseni za visima binafsi",
            "Autorisations pour les forages privés",
        )?,
        text(
            "Drilling a borehole needs a licence from the county; licensed boreholes report the water they draw every quarter.",
            "Kuchimba kisima kunahitaji leseni kutoka kaunti; visima vyenye leseni vinaripoti maji wanayochota kila robo mwaka.",
            "Forer un puits nécessite une autorisation du comté ; les forages autorisés déclarent chaque trimestre l'eau prélevée.",
        )?,
    )?;
    let opened = now - Duration::days(10);
    c.open(opened)?;
    let at = |hours: i64| opened + Duration::hours(hours);
    let publish = |c: &mut Consultation, id: CommentId, hours: i64| {
        c.moderate(id, ModerationAction::Publish, at(hours))
    };
    let first = c.comment(
        "lifeline-tariff",
        &citizen(1)?,
        Stance::Support,
        "6,000 litres covers cooking and washing for a family of five. Please keep it.",
        at(2),
    )?;
    publish(&mut c, first, 3)?;
    let second = c.comment(
        "lifeline-tariff",
        &citizen(2)?,
        Stance::Oppose,
        "Large households share one meter and go over the block in two weeks. Count people, not meters.",
        at(5),
    )?;
    publish(&mut c, second, 6)?;
    let reply = c.reply(
        second,
        &citizen(3)?,
        "Same in our compound: eight families on one meter.",
        at(8),
    )?;
    publish(&mut c, reply, 9)?;
    let official = ParticipantId::parse(OFFICIAL_AUTHOR)?;
    let answer = c.reply(
        second,
        &official,
        "Thank you. Shared meters can register the number of households they serve; each one gets its own lifeline block (section 14 of the draft).",
        at(20),
    )?;
    publish(&mut c, answer, 20)?;
    let question = c.comment(
        "kiosks",
        &citizen(4)?,
        Stance::Question,
        "Who checks that kiosks really charge the lifeline price?",
        at(26),
    )?;
    publish(&mut c, question, 27)?;
    let neutral = c.comment(
        "boreholes",
        &citizen(5)?,
        Stance::Neutral,
        "Licences are fine if the fee is small for household wells.",
        at(30),
    )?;
    publish(&mut c, neutral, 31)?;
    for (n, reaction) in [
        (6, Reaction::Agree),
        (7, Reaction::Agree),
        (8, Reaction::Disagree),
    ] {
        c.react(first, &citizen(n)?, reaction)?;
    }
    for n in 6..=9 {
        c.react(second, &citizen(n)?, Reaction::Agree)?;
    }
    // One comment still waiting for a moderator: not shown to the public.
    c.comment(
        "kiosks",
        &citizen(10)?,
        Stance::Support,
        "Kiosks near schools would help a lot.",
        at(40),
    )?;
    Ok((c, BTreeSet::from([answer])))
}

fn closed_demo(now: OffsetDateTime) -> anyhow::Result<DemoConsultation> {
    let mut c = Consultation::new(
        DEMO_CLOSED_CONSULTATION,
        "en",
        text(
            "Borehole permit fees 2026",
            "Ada za vibali vya visima 2026",
            "Redevances de forage 2026",
        )?,
        ConsultationSettings::default(),
    )
    .map_err(|e| anyhow::anyhow!("demo consultation: {e}"))?;
    c.add_section(
        "fees",
        text("Permit fees", "Ada za vibali", "Montant des redevances")?,
        text(
            "A household borehole permit would cost 2,000 shillings a year.",
            "Kibali cha kisima cha kaya kingegharimu shilingi 2,000 kwa mwaka.",
            "L'autorisation d'un forage domestique coûterait 2 000 shillings par an.",
        )?,
    )?;
    let opened = now - Duration::days(90);
    c.open(opened)?;
    for (n, stance, words) in [
        (21, Stance::Oppose, "Too expensive for rural households."),
        (22, Stance::Oppose, "Make household wells free."),
        (
            23,
            Stance::Support,
            "Fair if the money goes to testing water quality.",
        ),
    ] {
        let id = c.comment(
            "fees",
            &citizen(n)?,
            stance,
            words,
            opened + Duration::days(2),
        )?;
        c.moderate(id, ModerationAction::Publish, opened + Duration::days(3))?;
    }
    let closed = now - Duration::days(30);
    c.close(closed)?;
    c.respond(
        "fees",
        text(
            "Household boreholes will pay 500 shillings a year; the fees fund water testing.",
            "Visima vya kaya vitalipa shilingi 500 kwa mwaka; ada zitagharamia upimaji wa maji.",
            "Les forages domestiques paieront 500 shillings par an ; les redevances financent l'analyse de l'eau.",
        )?,
        closed + Duration::days(5),
    )?;
    c.publish_outcome(
        text(
            "We lowered the household fee from 2,000 to 500 shillings and tied it to water testing.",
            "Tulipunguza ada ya kaya kutoka shilingi 2,000 hadi 500 na kuifungamanisha na upimaji wa maji.",
            "Nous avons réduit la redevance domestique de 2 000 à 500 shillings et l'avons liée à l'analyse de l'eau.",
        )?,
        closed + Duration::days(7),
    )?;
    Ok((c, BTreeSet::new()))
}
