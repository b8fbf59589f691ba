//! A poll's results as an SVG bar chart drawn on the server: no script, and the same numbers
//! go in a table beside it. The SVG is one image to assistive technology (`role="img"` with a
//! `<title>` and a `<desc>` that reads every count); colours come from the stylesheet.

use baraza_core::{Poll, PollTally};

use super::texts::Texts;

/// Width of the chart's coordinate system; the stylesheet scales it to the page.
pub(crate) const CHART_WIDTH: u32 = 640;
/// Where the longest bar may end, leaving room for its count.
const BAR_SPACE: u64 = 520;
/// Height of one option's row: its label above its bar.
const ROW_HEIGHT: u32 = 56;

/// One option's line of the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) count: u64,
    /// The share of all ballots, e.g. `62.5%`.
    pub(crate) share: String,
    /// Where the label's baseline is.
    pub(crate) label_y: u32,
    /// Top of the bar.
    pub(crate) bar_y: u32,
    pub(crate) bar_width: u64,
    /// Where the count is written, just past the bar's end.
    pub(crate) value_x: u64,
    pub(crate) value_y: u32,
    /// A score poll's mean and median score of the option (`3.7`), `–` when nobody rated it.
    pub(crate) scores: Option<(String, String)>,
}

/// The chart of one poll's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chart {
    pub(crate) bars: Vec<Bar>,
    pub(crate) height: u32,
    /// Every count in words, for the SVG's `<desc>`.
    pub(crate) description: String,
    /// Whether the bars carry scores (a score poll): the table then has their columns.
    pub(crate) scored: bool,
}

impl Chart {
    /// The chart of `tally`, labels in `language` (falling back to the poll's default).
    pub(crate) fn new(poll: &Poll, tally: &PollTally, language: &str, t: &Texts) -> Self {
        let counts = tally.options();
        let scores = tally.option_scores();
        let most = counts.iter().map(|c| c.count).max().unwrap_or(0);
        let mut description = format!("{} {}.", t.chart_description_ballots, tally.total_ballots());
        let bars: Vec<Bar> = poll
            .options()
            .iter()
            .zip(&counts)
            .zip(0u32..)
            .map(|((option, counted), row)| {
                let label = option
                    .label
                    .resolve(&[language], poll.default_language())
                    .to_owned();
                let share = format!(
                    "{}.{}%",
                    counted.percent_tenths / 10,
                    counted.percent_tenths % 10
                );
                let rated = scores
                    .as_ref()
                    .and_then(|all| all.get(row as usize))
                    .map(|rated| {
                        let one_decimal = |ratio: Option<baraza_core::score::Ratio>| {
                            ratio.map_or_else(
                                || "–".to_owned(),
                                |r| {
                                    let tenths = r.round_half_away(1);
                                    let sign = if tenths < 0 { "-" } else { "" };
                                    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
                                },
                            )
                        };
                        (one_decimal(rated.mean), one_decimal(rated.median))
                    });
                match &rated {
                    Some((mean, median)) => description.push_str(&format!(
                        " {label}: {} ({share}), {} {mean}, {} {median}.",
                        counted.count, t.mean_heading, t.median_heading
                    )),
                    None => {
                        description.push_str(&format!(" {label}: {} ({share}).", counted.count))
                    }
                }
                // A zero count still shows a sliver, so every option has a visible bar.
                let bar_width = (counted.count * BAR_SPACE)
                    .checked_div(most)
                    .unwrap_or(0)
                    .max(2);
                let top = row * ROW_HEIGHT;
                Bar {
                    label,
                    count: counted.count,
                    share,
                    label_y: top + 16,
                    bar_y: top + 24,
                    bar_width,
                    value_x: bar_width + 8,
                    value_y: top + 41,
                    scores: rated,
                }
            })
            .collect();
        let height = u32::try_from(bars.len()).unwrap_or(0) * ROW_HEIGHT + 8;
        Self {
            bars,
            height,
            description,
            scored: scores.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::texts::EN;

    #[test]
    fn bars_are_proportional_to_counts_and_described_in_words() {
        let poll: Poll = serde_json::from_str(
            r#"{"slug":"p","default_language":"en","question":{"en":"Q?"},
            "kind":{"type":"single_choice"},"status":"open",
            "options":[{"id":"a","label":{"en":"Flat","sw":"Sawa"}},{"id":"b","label":{"en":"Tiered"}}]}"#,
        )
        .expect("poll");
        let tally = PollTally::from_counts(
            &poll,
            4,
            &[
                (baraza_core::OptionId::parse("a").expect("id"), 3),
                (baraza_core::OptionId::parse("b").expect("id"), 1),
            ],
        )
        .expect("tally");
        let chart = Chart::new(&poll, &tally, "sw", &EN);
        assert_eq!(chart.bars[0].label, "Sawa");
        assert_eq!(chart.bars[0].bar_width, BAR_SPACE);
        assert_eq!(chart.bars[1].bar_width, BAR_SPACE / 3);
        assert_eq!(chart.bars[0].share, "75.0%");
        assert_eq!(
            chart.description,
            "Ballots cast: 4. Sawa: 3 (75.0%). Tiered: 1 (25.0%)."
        );
    }
}
