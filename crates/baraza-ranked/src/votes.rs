//! Exact vote amounts in fixed-point decimal arithmetic.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// The most decimal places a count may use: values are kept as `u64` multiples of `10^-d`, so
/// that products of a vote value and a surplus fraction fit in `u128` and a billion ballots
/// still fit in `u64` (RCTab allows up to 20; jurisdictions use 4 or 5).
pub const MAX_DECIMAL_PLACES: u8 = 9;

/// A non-negative number of votes, exact, with a fixed number of decimal places.
///
/// Counts never use floating point: a value is an integer number of units of `10^-d`, where `d`
/// is [`Votes::decimal_places`]. Single-winner counts use `d = 0` (whole ballots); STV counts use
/// [`Rules::decimal_places`](super::Rules::decimal_places). Two values compare by their
/// numeric value whatever their `d`.
///
/// Displayed (and serialised, as a JSON string) with the trailing zeros of the fraction
/// removed, as RCTab prints them: `8`, `7.2501`, `12.5`.
///
/// ```
/// use baraza_ranked::Votes;
/// let v = Votes::from_units(72_501, 4).unwrap();
/// assert_eq!(v.to_string(), "7.2501");
/// assert!(v > Votes::whole(7) && v < Votes::whole(8));
/// assert_eq!(Votes::from_units(125_000, 4).unwrap().to_string(), "12.5");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Votes {
    units: u64,
    decimal_places: u8,
}

impl Votes {
    /// Zero votes, with no decimal places.
    pub const ZERO: Self = Self::whole(0);

    /// A whole number of votes.
    pub const fn whole(votes: u64) -> Self {
        Self {
            units: votes,
            decimal_places: 0,
        }
    }

    /// `units × 10^-decimal_places` votes; `None` when `decimal_places` exceeds
    /// [`MAX_DECIMAL_PLACES`].
    pub fn from_units(units: u64, decimal_places: u8) -> Option<Self> {
        (decimal_places <= MAX_DECIMAL_PLACES).then_some(Self {
            units,
            decimal_places,
        })
    }

    /// The value in units of `10^-decimal_places`.
    pub fn units(self) -> u64 {
        self.units
    }

    /// How many decimal places the value is kept to.
    pub fn decimal_places(self) -> u8 {
        self.decimal_places
    }

    /// Whether the value is a whole number.
    pub fn is_whole(self) -> bool {
        self.units.is_multiple_of(scale(self.decimal_places))
    }

    /// The whole part (the value rounded down).
    pub fn floor(self) -> u64 {
        self.units / scale(self.decimal_places)
    }

    /// The value as a float, for charts and display only (counts never use it).
    pub fn to_f64(self) -> f64 {
        // Exact for any realistic count (below 2^53 units).
        self.units as f64 / scale(self.decimal_places) as f64
    }

    fn scaled_to(self, decimal_places: u8) -> u128 {
        u128::from(self.units) * u128::from(scale(decimal_places - self.decimal_places))
    }
}

/// `10^d` for `d <= MAX_DECIMAL_PLACES`.
pub(crate) const fn scale(decimal_places: u8) -> u64 {
    10_u64.pow(decimal_places as u32)
}

impl PartialEq for Votes {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Votes {}

impl PartialOrd for Votes {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Votes {
    fn cmp(&self, other: &Self) -> Ordering {
        let places = self.decimal_places.max(other.decimal_places);
        self.scaled_to(places).cmp(&other.scaled_to(places))
    }
}

impl fmt::Display for Votes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = scale(self.decimal_places);
        write!(f, "{}", self.units / one)?;
        let mut fraction = self.units % one;
        if fraction == 0 {
            return Ok(());
        }
        let mut digits = usize::from(self.decimal_places);
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            digits -= 1;
        }
        write!(f, ".{fraction:0digits$}")
    }
}

impl Serialize for Votes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(units: u64, places: u8) -> Votes {
        Votes::from_units(units, places).unwrap()
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(v(0, 4).to_string(), "0");
        assert_eq!(v(80_000, 4).to_string(), "8");
        assert_eq!(v(21_111, 4).to_string(), "2.1111");
        assert_eq!(v(1_775_192, 4).to_string(), "177.5192");
        assert_eq!(v(10_001, 4).to_string(), "1.0001");
        assert_eq!(v(1, 4).to_string(), "0.0001");
        assert_eq!(v(1_827_260, 3).to_string(), "1827.26");
        assert_eq!(Votes::whole(14_866).to_string(), "14866");
    }

    #[test]
    fn compares_across_decimal_places() {
        assert_eq!(v(80_000, 4), Votes::whole(8));
        assert!(v(79_999, 4) < Votes::whole(8));
        assert!(v(5, 1) > v(4_999, 4));
        assert!(Votes::from_units(1, MAX_DECIMAL_PLACES + 1).is_none());
    }

    #[test]
    fn whole_and_floor() {
        assert!(v(30_000, 4).is_whole());
        assert!(!v(30_937, 4).is_whole());
        assert_eq!(v(30_937, 4).floor(), 3);
        assert_eq!(v(30_937, 4).to_f64(), 3.0937);
    }
}
