//! Polis' vote statistics: smoothed probabilities, its proportion tests, representativeness and
//! group-aware consensus. Formulas in the module docs of [`super`].

/// Agree, disagree and seen (all votes, pass included) counts of one group on one statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) agree: u32,
    pub(crate) disagree: u32,
    pub(crate) seen: u32,
}

impl Counts {
    pub(crate) fn add(&mut self, raw_vote: i8) {
        self.seen += 1;
        match raw_vote {
            1 => self.agree += 1,
            -1 => self.disagree += 1,
            _ => {}
        }
    }
}

/// (successes + 1) / (trials + 2): the probability with Laplace smoothing.
pub(crate) fn smoothed(successes: u32, trials: u32) -> f64 {
    (f64::from(successes) + 1.0) / (f64::from(trials) + 2.0)
}

/// Polis' `prop-test`: 2·√(n + 1)·((s + 1)/(n + 1) − ½).
pub(crate) fn prop_test(successes: u32, trials: u32) -> f64 {
    let s = f64::from(successes) + 1.0;
    let n = f64::from(trials) + 1.0;
    2.0 * n.sqrt() * (s / n - 0.5)
}

/// Polis' `two-prop-test`, each count plus one; 0 when the pooled proportion is 1.
pub(crate) fn two_prop_test(succ_in: u32, succ_out: u32, pop_in: u32, pop_out: u32) -> f64 {
    let (s1, s2) = (f64::from(succ_in) + 1.0, f64::from(succ_out) + 1.0);
    let (n1, n2) = (f64::from(pop_in) + 1.0, f64::from(pop_out) + 1.0);
    let pooled = (s1 + s2) / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        0.0
    } else {
        (s1 / n1 - s2 / n2) / variance.sqrt()
    }
}

/// The statistics of one statement for one group against the rest, in one direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DirectionStats {
    pub(crate) successes: u32,
    pub(crate) trials: u32,
    pub(crate) probability: f64,
    pub(crate) probability_test: f64,
    pub(crate) repness: f64,
    pub(crate) repness_test: f64,
}

impl DirectionStats {
    pub(crate) fn new(successes: u32, trials: u32, rest_successes: u32, rest_trials: u32) -> Self {
        let probability = smoothed(successes, trials);
        Self {
            successes,
            trials,
            probability,
            probability_test: prop_test(successes, trials),
            repness: probability / smoothed(rest_successes, rest_trials),
            repness_test: two_prop_test(successes, rest_successes, trials, rest_trials),
        }
    }

    /// Polis' `repness-metric`: r · rₜ · p · pₜ.
    pub(crate) fn metric(&self) -> f64 {
        self.repness * self.repness_test * self.probability * self.probability_test
    }

    pub(crate) fn significant(&self, z: f64) -> bool {
        self.repness_test > z && self.probability_test > z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop_test_matches_polis_formula_by_hand() {
        // 5 agrees of 5: 2·√6·(6/6 − 0.5) = √6.
        assert!((prop_test(5, 5) - 6f64.sqrt()).abs() < 1e-12);
        // Nothing seen: 2·√1·(1/1 − 0.5) = 1.
        assert!((prop_test(0, 0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn two_prop_test_by_hand() {
        // In: 4 of 4 → 5/5; out: 0 of 4 → 1/5; pooled 6/10.
        let z = two_prop_test(4, 0, 4, 4);
        let expected = (1.0 - 0.2) / (0.6f64 * 0.4 * (0.2 + 0.2)).sqrt();
        assert!((z - expected).abs() < 1e-12, "{z} vs {expected}");
        assert_eq!(two_prop_test(3, 3, 3, 3), 0.0, "pooled proportion 1");
    }

    #[test]
    fn smoothing_is_laplace() {
        assert_eq!(smoothed(0, 0), 0.5);
        assert_eq!(smoothed(3, 4), 4.0 / 6.0);
    }
}
