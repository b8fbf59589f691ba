//! A ranked poll's form and results: the citizen builds an ordered list with buttons (add, move
//! up, move down, remove) — never by dragging — and the results show the instant-runoff count
//! round by round, in words.

use baraza_core::OptionId;
use baraza_core::v1::{PollResults, PollView};
use yew::prelude::*;

use super::texts::Texts;

/// What a ranking button does to option `.1` (its position among the poll's options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    Add(usize),
    Up(usize),
    Down(usize),
    Remove(usize),
}

impl Move {
    /// Applies the move to `ranking` (option positions, first choice first); returns the
    /// option's new place (1-based) when it is still ranked, and the id of the button to focus
    /// next, so a keyboard user stays where they were.
    pub(crate) fn apply(self, ranking: &mut Vec<usize>) -> (Option<usize>, String) {
        match self {
            Self::Add(option) => {
                if !ranking.contains(&option) {
                    ranking.push(option);
                }
                (Some(ranking.len()), format!("rank-remove-{option}"))
            }
            Self::Up(option) | Self::Down(option) => {
                let Some(at) = ranking.iter().position(|&o| o == option) else {
                    return (None, String::new());
                };
                if ranking.len() == 1 {
                    // Nowhere to move: its only button is Remove.
                    return (Some(1), format!("rank-remove-{option}"));
                }
                let to = match self {
                    Self::Up(_) => at.saturating_sub(1),
                    _ => (at + 1).min(ranking.len() - 1),
                };
                ranking.swap(at, to);
                // At the top there is no "up" button left: focus "down", and the reverse.
                let button = match (self, to) {
                    (Self::Up(_), 0) => "down",
                    (Self::Up(_), _) => "up",
                    (_, to) if to + 1 == ranking.len() => "up",
                    _ => "down",
                };
                (Some(to + 1), format!("rank-{button}-{option}"))
            }
            Self::Remove(option) => {
                ranking.retain(|&o| o != option);
                (None, format!("rank-add-{option}"))
            }
        }
    }
}

/// The ranking and the unranked options, with a button for every move.
pub(crate) fn form(
    texts: Texts,
    label: &dyn Fn(usize) -> String,
    poll: &PollView,
    ranking: &[usize],
    on_move: &Callback<Move>,
) -> Html {
    // A short visible word; the accessible name says which option, and contains the word.
    let button = |id: String, name: String, action: Move| {
        let on_move = on_move.clone();
        html! {
            <button type="button" class="secondary small" id={id} aria-label={name}
                onclick={Callback::from(move |_| on_move.emit(action))}>{ texts.short(action) }</button>
        }
    };
    let last = ranking.len().saturating_sub(1);
    let ranked = ranking.iter().enumerate().map(|(place, &option)| {
        let name = label(option);
        html! {
            <li class="ranked">
                <span class="place" aria-hidden="true">{ format!("{}.", place + 1) }</span>
                <span class="label">{ name.clone() }</span>
                <span class="moves">
                    if place > 0 {
                        { button(format!("rank-up-{option}"), texts.move_up(&name), Move::Up(option)) }
                    }
                    if place < last {
                        { button(format!("rank-down-{option}"), texts.move_down(&name), Move::Down(option)) }
                    }
                    { button(format!("rank-remove-{option}"), texts.remove(&name), Move::Remove(option)) }
                </span>
            </li>
        }
    });
    let unranked = (0..poll.options.len())
        .filter(|option| !ranking.contains(option))
        .map(|option| {
            let name = label(option);
            html! {
                <li class="unranked">
                    <span class="label">{ name.clone() }</span>
                    { button(format!("rank-add-{option}"), texts.add(&name), Move::Add(option)) }
                </li>
            }
        })
        .collect::<Vec<_>>();
    html! {
        <>
            <p class="subheading" id="ranking-title">{ texts.your_ranking() }</p>
            if ranking.is_empty() {
                <p class="meta">{ texts.nothing_ranked() }</p>
            } else {
                <ol class="ranking" role="list" aria-labelledby="ranking-title">{ for ranked }</ol>
            }
            if !unranked.is_empty() {
                <p class="subheading" id="unranked-title">{ texts.not_ranked() }</p>
                <ul class="ranking" role="list" aria-labelledby="unranked-title">{ for unranked }</ul>
            }
        </>
    }
}

/// The count round by round: "Round 1: A 4 · B 3 · C 2. C is eliminated."
pub(crate) fn results(
    texts: Texts,
    label: &dyn Fn(&OptionId) -> String,
    results: &PollResults,
) -> Html {
    let Some(rounds) = &results.rounds else {
        return Html::default();
    };
    let lines = rounds.iter().map(|round| {
        let votes: Vec<String> = round
            .votes
            .iter()
            .map(|v| format!("{} {}", label(&v.id), v.votes))
            .collect();
        let mut outcome: Vec<String> = round
            .elected
            .iter()
            .map(|id| texts.elected(&label(id)))
            .collect();
        outcome.extend(
            round
                .eliminated
                .iter()
                .map(|id| texts.eliminated(&label(id))),
        );
        html! {
            <li part="result">
                <span class="label">{ texts.round(round.round) }</span>
                { format!(" {}. {}", votes.join(" · "), outcome.join(" ")) }
            </li>
        }
    });
    html! {
        <>
            <p class="results-title" id="rounds-title">{ texts.rounds_heading() }</p>
            <ol class="rounds" role="list" aria-labelledby="rounds-title">{ for lines }</ol>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::Move;

    #[test]
    fn moves_keep_a_ranking_of_distinct_options_and_say_where_focus_goes() {
        let mut ranking = Vec::new();
        assert_eq!(
            Move::Add(2).apply(&mut ranking),
            (Some(1), "rank-remove-2".into())
        );
        assert_eq!(
            Move::Add(0).apply(&mut ranking),
            (Some(2), "rank-remove-0".into())
        );
        assert_eq!(Move::Add(0).apply(&mut ranking).0, Some(2), "added once");
        assert_eq!(ranking, [2, 0]);
        assert_eq!(
            Move::Up(0).apply(&mut ranking),
            (Some(1), "rank-down-0".into())
        );
        assert_eq!(ranking, [0, 2]);
        assert_eq!(
            Move::Down(0).apply(&mut ranking),
            (Some(2), "rank-up-0".into())
        );
        assert_eq!(Move::Up(2).apply(&mut ranking).0, Some(1), "already first");
        assert_eq!(
            Move::Remove(2).apply(&mut ranking),
            (None, "rank-add-2".into())
        );
        assert_eq!(ranking, [0]);
    }
}
