//! Confidence intervals: Wilson score intervals for proportions and the NPS interval.

#[allow(
    clippy::wildcard_imports,
    reason = "one module split in files: the imports and items of the parent are shared"
)]
use super::*;

/// A confidence level, held as the two-sided standard normal quantile `z`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence {
    z: f64,
}

/// Why a `z` is not a usable confidence level.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("z must be a finite number above 0 and at most 10; got {z}")]
pub struct ConfidenceError {
    /// The rejected value.
    pub z: f64,
}

impl Confidence {
    /// 90 %: `z = 1.6448536269514722`.
    pub const NINETY: Self = Self {
        z: 1.644_853_626_951_472_2,
    };
    /// 95 %: `z = 1.959963984540054`, the default.
    pub const NINETY_FIVE: Self = Self {
        z: 1.959_963_984_540_054,
    };
    /// 99 %: `z = 2.5758293035489004`.
    pub const NINETY_NINE: Self = Self {
        z: 2.575_829_303_548_900_4,
    };

    /// A level given by its quantile `z` (e.g. 1.96); `0 < z <= 10`.
    pub fn from_z(z: f64) -> Result<Self, ConfidenceError> {
        if z.is_finite() && z > 0.0 && z <= 10.0 {
            Ok(Self { z })
        } else {
            Err(ConfidenceError { z })
        }
    }

    /// The quantile.
    pub fn z(self) -> f64 {
        self.z
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Self::NINETY_FIVE
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ConfidenceError;
    fn try_from(z: f64) -> Result<Self, Self::Error> {
        Self::from_z(z)
    }
}

impl From<Confidence> for f64 {
    fn from(confidence: Confidence) -> Self {
        confidence.z
    }
}

/// A proportion `successes / trials` with its Wilson score interval, all as fractions of 1
/// (multiply by 100 for percentages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Proportion {
    /// Favourable answers.
    pub successes: u64,
    /// All answers.
    pub trials: u64,
    /// `successes / trials`.
    pub estimate: f64,
    /// Lower end of the interval (0 when there are no successes).
    pub low: f64,
    /// Upper end of the interval (1 when every answer is a success).
    pub high: f64,
}

/// The Wilson score interval for `successes` out of `trials` (formula in the module docs).
/// `None` when `trials` is 0 or `successes > trials`.
///
/// ```
/// use baraza_core::feedback::{wilson_interval, Confidence};
/// // Newcombe (1998), Table I: 81/263 gives 0.2553 to 0.3662.
/// let p = wilson_interval(81, 263, Confidence::NINETY_FIVE).unwrap();
/// assert_eq!((p.low * 1e4).round(), 2553.0);
/// assert_eq!((p.high * 1e4).round(), 3662.0);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, confidence: Confidence) -> Option<Proportion> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = confidence.z;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and n successes the exact ends are 0 and 1; rounding must not move them.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, 1.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        (centre + half).clamp(0.0, 1.0)
    };
    Some(Proportion {
        successes,
        trials,
        estimate: p,
        low,
        high,
    })
}

/// A Net Promoter Score with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NpsScore {
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
    /// The exact score, `100 · (promoters − detractors) / answers`, in −100..=100.
    pub score: Ratio,
    /// Lower end of the interval, in points (at least −100).
    pub low: f64,
    /// Upper end of the interval, in points (at most 100).
    pub high: f64,
}

/// The NPS of these group sizes with its variance-based interval (formula in the module docs).
/// `None` when there are no answers.
///
/// ```
/// use baraza_core::feedback::{nps_interval, Confidence};
/// // 5 promoters, 3 passives, 2 detractors: NPS 30, Var = 100²(0.7 − 0.3²) = 6100,
/// // half-width 1.96 · √(6100/10) ≈ 48.4.
/// let nps = nps_interval(5, 3, 2, Confidence::NINETY_FIVE).unwrap();
/// assert_eq!(nps.score.to_f64(), 30.0);
/// assert!((nps.low - (30.0 - 48.407)).abs() < 1e-3 && (nps.high - 78.407).abs() < 1e-3);
/// ```
pub fn nps_interval(
    promoters: u64,
    passives: u64,
    detractors: u64,
    confidence: Confidence,
) -> Option<NpsScore> {
    let total = promoters.checked_add(passives)?.checked_add(detractors)?;
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = promoters as f64 / n;
    let d = detractors as f64 / n;
    let variance = (10_000.0 * (p + d - (p - d) * (p - d))).max(0.0);
    let half = confidence.z * (variance / n).sqrt();
    let score = Ratio::new(
        100 * (i128::from(promoters) - i128::from(detractors)),
        total,
    );
    let centre = score.to_f64();
    Some(NpsScore {
        promoters,
        passives,
        detractors,
        score,
        low: (centre - half).clamp(-100.0, 100.0),
        high: (centre + half).clamp(-100.0, 100.0),
    })
}
