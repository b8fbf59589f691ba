//! Small-cell suppression: worked examples, the subtraction attack, and property tests in which
//! an intruder who knows the published counts, the total, k and the rules tries to work out the
//! small groups.

use std::collections::BTreeSet;

use baraza_core::suppression::{
    DEFAULT_K, Suppression, SuppressionRule, TableError, ZeroThreshold,
};
use proptest::prelude::*;

fn rule(k: u64) -> SuppressionRule {
    SuppressionRule::new(k).expect("k >= 1")
}

fn shown(groups: &[(&'static str, u64)], k: u64) -> Vec<Option<u64>> {
    rule(k)
        .counts(groups)
        .groups()
        .iter()
        .map(|g| g.count)
        .collect()
}

/// What an intruder can say about each hidden group: every value it can have, given the shown
/// counts, the total, `k`, and (worst case) which rule hid which group. Computed by enumerating
/// the sums the other hidden groups can reach, independently of the library's interval formula.
fn feasible_values(sizes: &[u64], hidden: &[Option<Suppression>], k: u64) -> Vec<BTreeSet<u64>> {
    let total: u64 = sizes.iter().sum();
    let shown_sum: u64 = (0..sizes.len())
        .filter(|&g| hidden[g].is_none())
        .map(|g| sizes[g])
        .sum();
    let hidden_sum = total - shown_sum;
    let smallest_shown = (0..sizes.len())
        .filter(|&g| hidden[g].is_none() && sizes[g] > 0)
        .map(|g| sizes[g])
        .min()
        .unwrap_or(hidden_sum);
    let range = |why: Suppression| match why {
        Suppression::BelowThreshold => 1..=k - 1,
        Suppression::Complementary => k..=smallest_shown,
    };
    let hidden_groups: Vec<usize> = (0..sizes.len()).filter(|&g| hidden[g].is_some()).collect();
    hidden_groups
        .iter()
        .map(|&g| {
            // Sums the other hidden groups can reach (capped at the hidden sum).
            let mut reachable = BTreeSet::from([0u64]);
            for &other in hidden_groups.iter().filter(|&&o| o != g) {
                let mut next = BTreeSet::new();
                for &s in &reachable {
                    for v in range(hidden[other].expect("a hidden group")) {
                        if s + v <= hidden_sum {
                            next.insert(s + v);
                        }
                    }
                }
                reachable = next;
            }
            range(hidden[g].expect("a hidden group"))
                .filter(|v| v <= &hidden_sum && reachable.contains(&(hidden_sum - v)))
                .collect()
        })
        .collect()
}

#[test]
fn default_k_is_five() {
    assert_eq!(DEFAULT_K, 5);
    assert_eq!(SuppressionRule::default().k(), 5);
    assert_eq!(SuppressionRule::new(0), Err(ZeroThreshold));
    assert_eq!(
        ZeroThreshold.to_string(),
        "the suppression threshold k must be at least 1"
    );
}

#[test]
fn nothing_is_hidden_when_every_group_reaches_k() {
    let groups = [("a", 5), ("b", 120), ("c", 0)];
    let out = rule(5).counts(&groups);
    assert_eq!(shown(&groups, 5), [Some(5), Some(120), Some(0)]);
    assert_eq!((out.total(), out.hidden_total()), (125, 0));
    assert!(out.is_protected());
    assert_eq!(out.suppressed().count(), 0);
}

#[test]
fn subtraction_attack_on_a_single_hidden_group_is_prevented() {
    // Naive suppression would publish a=40, b=hidden, c=31, d=9 and total 82: then
    // b = 82 - 40 - 31 - 9 = 2. Complementary suppression hides d too.
    let groups = [("a", 40), ("b", 2), ("c", 31), ("d", 9)];
    let out = rule(5).counts(&groups);
    let kinds: Vec<Option<Suppression>> = out.groups().iter().map(|g| g.suppression).collect();
    assert_eq!(
        kinds,
        [
            None,
            Some(Suppression::BelowThreshold),
            None,
            Some(Suppression::Complementary)
        ]
    );
    let shown_sum: u64 = out.groups().iter().filter_map(|g| g.count).sum();
    assert_eq!(
        out.total() - shown_sum,
        11,
        "the attacker only learns b + d"
    );
    assert_eq!(out.hidden_total(), 11);
    let sizes: Vec<u64> = groups.iter().map(|g| g.1).collect();
    let values = feasible_values(&sizes, &kinds, 5);
    assert_eq!(values[0], BTreeSet::from([1, 2, 3, 4]), "b could be 1 to 4");
}

#[test]
fn a_second_group_of_exactly_k_is_not_enough_and_more_are_hidden() {
    // Hiding b (1) and c (5) alone: an intruder knowing c >= 5 and b >= 1 with b + c = 6 gets
    // b = 1. So the next smallest group is hidden as well.
    let groups = [("a", 100), ("b", 1), ("c", 5), ("d", 7)];
    let out = rule(5).counts(&groups);
    assert_eq!(
        out.groups().iter().map(|g| g.count).collect::<Vec<_>>(),
        [Some(100), None, None, None]
    );
    assert!(out.is_protected());
    let sizes: Vec<u64> = groups.iter().map(|g| g.1).collect();
    let kinds: Vec<_> = out.groups().iter().map(|g| g.suppression).collect();
    assert!(feasible_values(&sizes, &kinds, 5)[0].len() >= 2);
}

#[test]
fn two_small_groups_whose_sum_is_small_take_a_third() {
    // b + c = 3 < k: the combined figure would itself be a small cell.
    let groups = [("a", 50), ("b", 1), ("c", 2), ("d", 60)];
    assert_eq!(shown(&groups, 5), [None, None, None, Some(60)]);
}

#[test]
fn ties_take_the_first_group_in_order() {
    let groups = [("a", 3), ("b", 9), ("c", 9), ("d", 9)];
    let out = rule(5).counts(&groups);
    assert_eq!(out.suppressed().collect::<Vec<_>>(), [&"a", &"b"]);
}

#[test]
fn a_breakdown_that_cannot_be_protected_says_so() {
    // One group only, below k: its count is the total.
    let out = rule(5).counts(&[("only", 3)]);
    assert!(!out.is_protected());
    assert_eq!(out.groups()[0].count, None);
    // 1 and exactly 5: everything hidden, and still b = 1 follows from the total of 6.
    let out = rule(5).counts(&[("a", 5), ("b", 1)]);
    assert!(!out.is_protected());
    assert_eq!(out.suppressed().count(), 2);
}

#[test]
fn published_json_hides_counts_and_reasons() {
    let out = rule(5).counts(&[
        ("kilimani", 40),
        ("kibra", 2),
        ("langata", 31),
        ("westlands", 9),
    ]);
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "k": 5, "total": 82, "hidden_total": 11,
            "groups": [
                {"group": "kilimani", "count": 40},
                {"group": "kibra", "suppressed": true},
                {"group": "langata", "count": 31},
                {"group": "westlands", "suppressed": true}
            ]
        })
    );
    let text = json.to_string();
    assert!(!text.contains("below") && !text.contains("complementary"));
}

#[test]
fn tables_hide_whole_rows_by_respondents() {
    // Ward × answer (yes, no); a multiple-choice poll could count more answers than people.
    let rows = vec![
        ("kilimani", 40, vec![25, 15]),
        ("kibra", 3, vec![3, 0]),
        ("langata", 31, vec![10, 21]),
        ("westlands", 9, vec![4, 5]),
    ];
    let out = rule(5).table(&rows).unwrap();
    assert_eq!(
        out.suppressed().collect::<Vec<_>>(),
        [&"kibra", &"westlands"]
    );
    assert_eq!(out.respondents(), 83);
    assert_eq!(out.answer_totals(), [42, 41]);
    assert_eq!(out.hidden_respondents(), 12);
    assert_eq!(out.hidden_totals(), [7, 5]);
    assert!(out.is_protected());
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(
        json["groups"][0],
        serde_json::json!({"group": "kilimani", "respondents": 40, "answers": [25, 15]})
    );
    assert_eq!(
        json["groups"][1],
        serde_json::json!({"group": "kibra", "suppressed": true})
    );
    assert_eq!(json["hidden_totals"], serde_json::json!([7, 5]));
}

#[test]
fn table_errors_are_all_reported() {
    let rows = vec![
        ("a", 10, vec![1, 2]),
        ("b", 4, vec![5]),
        ("c", 2, vec![3, 1]),
    ];
    let errors = rule(5).table(&rows).unwrap_err();
    assert_eq!(
        errors.0,
        [
            TableError::RowLength {
                row: 1,
                expected: 2,
                found: 1
            },
            TableError::CountAboveRespondents {
                row: 1,
                answer: 0,
                count: 5,
                respondents: 4
            },
            TableError::CountAboveRespondents {
                row: 2,
                answer: 0,
                count: 3,
                respondents: 2
            },
        ]
    );
    assert_eq!(
        errors.to_string(),
        "row 1 has 1 answer counts; the first row has 2; \
         row 1 counts 5 for answer 0, more than its 4 respondents; \
         row 2 counts 3 for answer 0, more than its 2 respondents"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn no_small_group_can_be_worked_out(
        sizes in prop::collection::vec(prop_oneof![3 => 0u64..12, 1 => 0u64..40], 1..8),
        k in 1u64..8,
    ) {
        let groups: Vec<(usize, u64)> = sizes.iter().copied().enumerate().collect();
        let out = rule(k).counts(&groups);
        let kinds: Vec<Option<Suppression>> = out.groups().iter().map(|g| g.suppression).collect();

        // Rule 1 exactly; shown counts are the input; totals add up.
        for (g, &n) in sizes.iter().enumerate() {
            let row = &out.groups()[g];
            prop_assert_eq!(row.group, g);
            prop_assert_eq!(kinds[g] == Some(Suppression::BelowThreshold), n > 0 && n < k);
            prop_assert_eq!(row.count, kinds[g].is_none().then_some(n));
            if kinds[g] == Some(Suppression::Complementary) {
                prop_assert!(n >= k);
            }
        }
        let shown_sum: u64 = out.groups().iter().filter_map(|g| g.count).sum();
        prop_assert_eq!(out.total(), sizes.iter().sum::<u64>());
        prop_assert_eq!(out.hidden_total(), out.total() - shown_sum);

        let hidden = kinds.iter().filter(|k| k.is_some()).count();
        if hidden == 0 {
            prop_assert!(out.is_protected());
        } else if out.is_protected() {
            prop_assert!(hidden >= 2, "a lone hidden group is total minus the rest");
            prop_assert!(out.hidden_total() >= k);
            for (g, values) in (0..sizes.len()).filter(|&g| kinds[g].is_some()).zip(feasible_values(&sizes, &kinds, k)) {
                prop_assert!(values.contains(&sizes[g]), "the true value must be feasible");
                if kinds[g] == Some(Suppression::BelowThreshold) {
                    prop_assert!(values.len() >= 2, "group {} = {} is pinned down: {:?}", g, sizes[g], values);
                }
            }
        } else {
            // Rule 3: only when everything non-empty is hidden.
            prop_assert!(sizes.iter().zip(&kinds).all(|(&n, why)| n == 0 || why.is_some()));
        }
    }

    #[test]
    fn complementary_groups_are_the_smallest_shown(
        sizes in prop::collection::vec(0u64..30, 1..8),
        k in 1u64..8,
    ) {
        let out = rule(k).counts(&sizes.iter().map(|&n| ((), n)).collect::<Vec<_>>());
        let complementary_max = out.groups().iter().zip(&sizes)
            .filter(|(g, _)| g.suppression == Some(Suppression::Complementary))
            .map(|(_, &n)| n).max();
        let shown_min = out.groups().iter().filter_map(|g| g.count).filter(|&n| n > 0).min();
        if let (Some(hidden), Some(shown)) = (complementary_max, shown_min) {
            prop_assert!(hidden <= shown);
        }
    }
}
