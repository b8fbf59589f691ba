//! Participatory-budgeting outcomes on a generated election of 10,000 voters × 50 projects.
//!
//! Run with `cargo bench -p baraza-core --bench budgeting`. The election is generated from a
//! fixed seed, shaped like a city district: costs from 20,000 to 400,000, a budget of 2,500,000
//! (about a quarter of the total cost), each voter approving 1 to 6 projects with a skewed
//! popularity. Target: MES ≤ 200 ms.

use std::hint::black_box;

use baraza_budgeting::{
    GreedyRule, MesCompletion, MesOptions, PbElection, PbInstance, PbInstanceSpec, ProjectSpec,
    pabulib,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// SplitMix64: small, fast and good enough to shape test data.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const VOTERS: usize = 10_000;
const PROJECTS: usize = 50;

fn election(seed: u64) -> PbElection {
    let mut rng = SplitMix(seed);
    let projects = (0..PROJECTS)
        .map(|p| ProjectSpec::new(format!("p{p}"), 20_000 + 100 * rng.below(3_801)))
        .collect();
    let instance = PbInstance::new(PbInstanceSpec {
        budget: 2_500_000,
        projects,
        ballot_rules: Default::default(),
        decimal_places: 0,
    })
    .expect("valid instance");
    // Popularity weights 1/(rank+1): a few projects draw most votes, as in real elections.
    let weights: Vec<f64> = (0..PROJECTS).map(|p| 1.0 / (p as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let mut election = PbElection::new(instance);
    for _ in 0..VOTERS {
        let size = 1 + rng.below(6) as usize;
        let mut chosen: Vec<String> = Vec::with_capacity(size);
        while chosen.len() < size {
            let mut x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let mut pick = PROJECTS - 1;
            for (p, w) in weights.iter().enumerate() {
                if x < *w {
                    pick = p;
                    break;
                }
                x -= w;
            }
            let id = format!("p{pick}");
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        election.cast(&chosen).expect("valid ballot");
    }
    election
}

fn as_pabulib(election: &PbElection) -> String {
    let instance = election.instance();
    let mut text = format!(
        "META\nkey;value\nbudget;{}\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n",
        instance.budget()
    );
    for p in instance.projects() {
        text.push_str(&format!("{};{};\"Project {}\"\n", p.id(), p.cost(), p.id()));
    }
    text.push_str("VOTES\nvoter_id;vote\n");
    for b in 0..election.ballot_count() {
        let ids: Vec<&str> = election
            .ballot(b)
            .expect("in range")
            .into_iter()
            .map(|p| p.as_str())
            .collect();
        text.push_str(&format!("{b};{}\n", ids.join(",")));
    }
    text
}

fn bench(c: &mut Criterion) {
    let election = election(20_261_129);
    let plain = election.equal_shares(&MesOptions {
        completion: MesCompletion::None,
    });
    let full = election.equal_shares(&MesOptions::default());
    eprintln!(
        "generated election: MES alone funds {} projects ({}); Add1 raised the voter budget {} \
         times, from {} to {}; final {} projects ({})",
        plain.selected().len(),
        plain.total_cost(),
        full.budget_increments(),
        plain.voter_budget(),
        full.voter_budget(),
        full.selected().len(),
        full.total_cost(),
    );
    let mut group = c.benchmark_group("budgeting_10000x50");
    group.sample_size(20);
    group.bench_function("greedy", |b| {
        b.iter(|| black_box(&election).greedy(&GreedyRule::default()))
    });
    group.bench_function("mes_fixed_budget", |b| {
        b.iter(|| {
            black_box(&election).equal_shares(&MesOptions {
                completion: MesCompletion::None,
            })
        })
    });
    group.bench_function("mes_add1_greedy", |b| {
        b.iter(|| black_box(&election).equal_shares(&MesOptions::default()))
    });
    let text = as_pabulib(&election);
    group.bench_function("pabulib_parse", |b| {
        b.iter(|| pabulib::parse_str(black_box(&text)).expect("valid file"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
