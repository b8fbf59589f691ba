//! Participatory-budgeting instances, ballot validation and greedy tie-breaking.

use baraza_budgeting::ErrorCode;
use baraza_budgeting::{
    Amount, BallotKind, BallotRules, GreedyRule, GreedyTieBreak, PbBallotError, PbElection,
    PbInstance, PbInstanceError, PbInstanceSpec, ProjectId, ProjectIdError, ProjectSpec,
    TieOrderError,
};

fn instance(budget: u64, costs: &[(&str, u64)], rules: BallotRules) -> PbInstance {
    PbInstance::new(PbInstanceSpec {
        budget,
        projects: costs
            .iter()
            .map(|(id, c)| ProjectSpec::new(*id, *c))
            .collect(),
        ballot_rules: rules,
        decimal_places: 0,
    })
    .expect("valid instance")
}

#[test]
fn instance_definition_errors_are_all_reported() {
    let spec = PbInstanceSpec {
        budget: 0,
        projects: vec![
            ProjectSpec::new("a", 10),
            ProjectSpec::new("a", 20),
            ProjectSpec::new(" b", 5),
        ],
        ballot_rules: BallotRules {
            min_selections: 3,
            max_selections: Some(2),
            ..BallotRules::default()
        },
        decimal_places: 0,
    };
    let errors = PbInstance::new(spec).expect_err("invalid").0;
    assert_eq!(
        errors,
        [
            PbInstanceError::ZeroBudget,
            PbInstanceError::InvalidSelectionRange { min: 3, max: 2 },
            PbInstanceError::DuplicateProjectId { id: "a".into() },
            PbInstanceError::InvalidProjectId {
                index: 2,
                id: " b".into(),
                source: ProjectIdError::EdgeWhitespace
            },
        ]
    );
    let empty = PbInstance::new(PbInstanceSpec {
        budget: 5,
        projects: vec![],
        ballot_rules: BallotRules::default(),
        decimal_places: 0,
    })
    .expect_err("no projects");
    assert_eq!(empty.to_string(), "an instance needs at least one project");
}

#[test]
fn project_ids_follow_their_rules() {
    assert_eq!(ProjectId::parse(""), Err(ProjectIdError::Empty));
    assert_eq!(
        ProjectId::parse("a;b"),
        Err(ProjectIdError::InvalidCharacter { found: ';' })
    );
    assert_eq!(
        ProjectId::parse("x".repeat(129)),
        Err(ProjectIdError::TooLong { len: 129 })
    );
    assert!(ProjectId::parse("Łódź-7 park").is_ok());
}

#[test]
fn instances_round_trip_through_json_and_are_checked_on_the_way_in() {
    let original = instance(
        900,
        &[("park", 600), ("lights", 300)],
        BallotRules {
            kind: BallotKind::Knapsack,
            min_selections: 1,
            max_selections: Some(2),
            max_total_cost: None,
        },
    );
    let json = serde_json::to_string(&original).expect("serialises");
    assert_eq!(
        json,
        r#"{"budget":900,"projects":[{"id":"park","name":"","cost":600},{"id":"lights","name":"","cost":300}],"ballot_rules":{"kind":"knapsack","min_selections":1,"max_selections":2}}"#
    );
    let back: PbInstance = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, original);

    let duplicate = r#"{"budget":9,"projects":[{"id":"a","cost":1},{"id":"a","cost":2}]}"#;
    let error = serde_json::from_str::<PbInstance>(duplicate).expect_err("duplicate id");
    assert!(
        error.to_string().contains("project id \"a\" is used twice"),
        "{error}"
    );
    let unknown_field = r#"{"budget":9,"projects":[{"id":"a","cost":1,"colour":"red"}]}"#;
    assert!(serde_json::from_str::<PbInstance>(unknown_field).is_err());
}

#[test]
fn knapsack_ballots_must_fit_the_budget() {
    let knapsack = instance(
        1000,
        &[("a", 600), ("b", 500), ("c", 300)],
        BallotRules::knapsack(),
    );
    assert_eq!(
        knapsack
            .validate_ballot(&["a", "c"])
            .expect("fits")
            .total_cost(),
        900
    );
    let errors = knapsack.validate_ballot(&["a", "b"]).expect_err("over");
    assert_eq!(
        errors.errors(),
        [PbBallotError::OverBudget {
            limit: Amount::new(1000, 0),
            total: Amount::new(1100, 0),
        }]
    );
    assert_eq!(errors.primary_code(), ErrorCode::BallotOverBudget);
    assert_eq!(
        errors.to_string(),
        "the selected projects cost 1100 together; a ballot may spend at most 1000"
    );
    // A tighter cap applies to knapsack ballots too; approval ballots have none unless set.
    let capped = instance(
        1000,
        &[("a", 600), ("b", 500)],
        BallotRules {
            max_total_cost: Some(550),
            ..BallotRules::knapsack()
        },
    );
    assert!(capped.validate_ballot(&["a"]).is_err());
    let approval = instance(1000, &[("a", 600), ("b", 500)], BallotRules::approval());
    assert!(approval.validate_ballot(&["a", "b"]).is_ok());
}

#[test]
fn every_ballot_problem_is_reported_at_once_with_codes() {
    let rules = BallotRules {
        kind: BallotKind::Knapsack,
        min_selections: 1,
        max_selections: Some(2),
        max_total_cost: None,
    };
    let inst = instance(1000, &[("a", 600), ("b", 500)], rules);
    let errors = inst
        .validate_ballot(&["a", "zz", "a", "b"])
        .expect_err("invalid");
    let codes: Vec<ErrorCode> = errors.errors().iter().map(|e| e.code()).collect();
    assert_eq!(
        codes,
        [
            ErrorCode::UnknownProject,
            ErrorCode::DuplicateSelection,
            ErrorCode::TooManySelections,
            ErrorCode::BallotOverBudget
        ]
    );
    assert_eq!(
        errors.to_string(),
        "there is no project \"zz\"; project \"a\" is selected more than once; \
         select at most 2 project(s); 4 selected; \
         the selected projects cost 1100 together; a ballot may spend at most 1000"
    );
    let blank = inst.validate_ballot::<&str>(&[]).expect_err("too few");
    assert_eq!(blank.primary_code(), ErrorCode::TooFewSelections);
}

#[test]
fn rejected_ballots_are_not_recorded() {
    let mut election = PbElection::new(instance(
        1000,
        &[("a", 600), ("b", 500)],
        BallotRules::knapsack(),
    ));
    assert!(election.cast(&["a", "b"]).is_err());
    election.cast(&["b"]).expect("valid");
    assert_eq!(election.ballot_count(), 1);
    assert_eq!(election.approval_counts(), [0, 1]);
    assert_eq!(
        election
            .ballot(0)
            .expect("exists")
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
        ["b"]
    );
    assert!(election.ballot(1).is_none());
}

/// x and y tie on 2 votes; only one of them fits after z.
fn tie_election() -> PbElection {
    let mut election = PbElection::new(instance(
        1000,
        &[("z", 500), ("x", 400), ("y", 300), ("w", 100)],
        BallotRules::approval(),
    ));
    for ballot in [&["z", "x", "y"][..], &["z", "x", "y"], &["z"], &["w"]] {
        election.cast(ballot).expect("valid");
    }
    election
}

fn greedy(election: &PbElection, tie_break: GreedyTieBreak) -> String {
    election
        .greedy(&GreedyRule {
            tie_break,
            min_votes: 1,
        })
        .expect("valid order")
        .to_string()
}

#[test]
fn greedy_breaks_ties_as_asked() {
    let election = tie_election();
    assert_eq!(
        greedy(&election, GreedyTieBreak::InstanceOrder),
        "z, x, w (cost 1000)"
    );
    assert_eq!(
        greedy(&election, GreedyTieBreak::LowerCostFirst),
        "z, y, w (cost 900)"
    );
    assert_eq!(
        greedy(&election, GreedyTieBreak::HigherCostFirst),
        "z, x, w (cost 1000)"
    );
    let given = GreedyTieBreak::GivenOrder(vec![ProjectId::parse("y").expect("valid")]);
    assert_eq!(greedy(&election, given), "z, y, w (cost 900)");
}

#[test]
fn a_tie_order_must_name_known_projects_once() {
    let election = tie_election();
    let order = |ids: &[&str]| {
        GreedyTieBreak::GivenOrder(
            ids.iter()
                .map(|i| ProjectId::parse(*i).expect("valid"))
                .collect(),
        )
    };
    let rule = |tie_break| GreedyRule {
        tie_break,
        min_votes: 1,
    };
    assert_eq!(
        election.greedy(&rule(order(&["q"]))),
        Err(TieOrderError::UnknownProject { id: "q".into() })
    );
    assert_eq!(
        election.greedy(&rule(order(&["x", "x"]))),
        Err(TieOrderError::DuplicateProject { id: "x".into() })
    );
}

#[test]
fn greedy_skips_projects_below_the_vote_threshold() {
    let election = tie_election();
    let rule = GreedyRule {
        tie_break: GreedyTieBreak::InstanceOrder,
        min_votes: 2,
    };
    assert_eq!(
        election.greedy(&rule).expect("ok").to_string(),
        "z, x (cost 900)"
    );
}

#[test]
fn outcomes_print_ids_then_cost() {
    let mut election = PbElection::new(instance(100, &[("a", 200)], BallotRules::approval()));
    election.cast(&["a"]).expect("valid");
    assert_eq!(
        election
            .greedy(&GreedyRule::default())
            .expect("ok")
            .to_string(),
        "(cost 0)"
    );
}

#[test]
fn no_ballots_means_nothing_is_funded() {
    let election = PbElection::new(instance(100, &[("a", 50)], BallotRules::approval()));
    let mes = election.equal_shares(&Default::default());
    assert!(mes.selected().is_empty());
    assert_eq!(mes.voter_budget().to_string(), "0");
    assert!(
        election
            .greedy(&GreedyRule::default())
            .expect("ok")
            .selected()
            .is_empty()
    );
}

#[test]
fn zero_cost_projects_are_left_to_the_fill() {
    let mut election = PbElection::new(instance(
        100,
        &[("free", 0), ("paid", 100)],
        BallotRules::approval(),
    ));
    election.cast(&["free", "paid"]).expect("valid");
    let plain = election.equal_shares(&baraza_budgeting::MesOptions {
        completion: baraza_budgeting::MesCompletion::None,
    });
    assert_eq!(plain.outcome().to_string(), "paid (cost 100)");
    let full = election.equal_shares(&Default::default());
    assert_eq!(full.outcome().to_string(), "paid, free (cost 100)");
    assert_eq!(full.filled(), ["free"]);
}

#[test]
fn outcomes_serialise_for_reports() {
    let outcome = tie_election().greedy(&GreedyRule::default()).expect("ok");
    assert_eq!(
        serde_json::to_string(&outcome).expect("serialises"),
        r#"{"selected":["z","x","w"],"total_cost":1000}"#
    );
}

#[test]
fn decimal_places_are_bounded_and_round_trip_through_json() {
    let spec: PbInstanceSpec = serde_json::from_str(
        r#"{"budget": 400, "decimal_places": 2, "projects": [{"id": "p1", "cost": 109}]}"#,
    )
    .expect("valid JSON");
    let instance = PbInstance::new(spec.clone()).expect("valid instance");
    assert_eq!(
        instance.amount(instance.projects()[0].cost()).to_string(),
        "1.09"
    );
    assert_eq!(PbInstanceSpec::from(instance), spec);
    let too_fine = PbInstance::new(PbInstanceSpec {
        decimal_places: 10,
        ..spec
    })
    .expect_err("10 places");
    assert_eq!(
        too_fine.0,
        [PbInstanceError::TooManyDecimalPlaces { places: 10 }]
    );
    assert_eq!(
        too_fine.to_string(),
        "decimal_places 10 is above the limit of 9"
    );
}
