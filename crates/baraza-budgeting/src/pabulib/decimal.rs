//! Amounts as pabulib files write them (`411000`, `411000.00`, `0.9`, `1.09`), read exactly.
//!
//! A file's amounts (budget, costs, `max_sum_cost`) may mix whole and decimal numbers; the
//! instance counts them all in one minor unit, fine enough for the most decimal places any of
//! them has, so that nothing is rounded.

use std::fmt;

use crate::MAX_DECIMAL_PLACES;

/// Why a field is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountProblem {
    /// Not digits with an optional decimal point (signs, exponents and separators are refused).
    NotADecimal,
    /// A comma where a decimal point may have been meant (`12,5`): refused rather than guessed,
    /// since a comma also separates thousands (`1,000`).
    DecimalComma,
    /// More than [`MAX_DECIMAL_PLACES`] significant decimal places.
    TooManyDecimalPlaces,
    /// Too large to count in 64 bits at the precision the file's amounts need.
    TooLarge,
}

impl fmt::Display for AmountProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotADecimal => f.write_str(
                "is not a non-negative decimal number (digits with an optional decimal point, \
                 like 1500 or 0.9)",
            ),
            Self::DecimalComma => f.write_str(
                "contains a comma; write amounts with a decimal point and no thousands \
                 separator (like 12.5 or 1000)",
            ),
            Self::TooManyDecimalPlaces => write!(
                f,
                "has more than {MAX_DECIMAL_PLACES} decimal places after trailing zeros"
            ),
            Self::TooLarge => f.write_str(
                "is too large: amounts, counted in the smallest decimal unit the file uses, \
                 must fit in 64 bits",
            ),
        }
    }
}

/// A non-negative decimal: `scaled / 10^places`, with no trailing zeros after the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Decimal {
    scaled: u128,
    places: u8,
}

impl Decimal {
    /// Reads `text` (surrounding white space ignored).
    pub(super) fn parse(text: &str) -> Result<Self, AmountProblem> {
        let text = text.trim();
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => return Err(AmountProblem::NotADecimal),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if text.contains(',') && text.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            return Err(AmountProblem::DecimalComma);
        }
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(AmountProblem::NotADecimal);
        }
        let fraction = fraction.trim_end_matches('0');
        let places = u8::try_from(fraction.len())
            .ok()
            .filter(|&p| p <= MAX_DECIMAL_PLACES)
            .ok_or(AmountProblem::TooManyDecimalPlaces)?;
        // u64::MAX has 20 digits: a longer whole part cannot fit whatever the places.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 20 {
            return Err(AmountProblem::TooLarge);
        }
        // At most 20 + 9 digits: well within u128.
        let mut scaled: u128 = 0;
        for digit in whole.bytes().chain(fraction.bytes()) {
            scaled = scaled * 10 + u128::from(digit - b'0');
        }
        Ok(Self { scaled, places })
    }

    /// The decimal places this amount needs.
    pub(super) fn places(self) -> u8 {
        self.places
    }

    /// The amount in units of `10^-places`, where `places` is at least [`Self::places`].
    pub(super) fn to_minor_units(self, places: u8) -> Result<u64, AmountProblem> {
        // Fewer places than the amount needs would round it: refused, never done.
        let shift = places
            .checked_sub(self.places)
            .ok_or(AmountProblem::TooManyDecimalPlaces)?;
        10_u128
            .checked_pow(u32::from(shift))
            .and_then(|factor| self.scaled.checked_mul(factor))
            .and_then(|units| u64::try_from(units).ok())
            .ok_or(AmountProblem::TooLarge)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = usize::from(self.places);
        if places == 0 {
            return write!(f, "{}", self.scaled);
        }
        let digits = format!("{:0>width$}", self.scaled, width = places + 1);
        let (whole, fraction) = digits.split_at(digits.len() - places);
        write!(f, "{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::{AmountProblem, Decimal};

    fn minor(text: &str, places: u8) -> Result<u64, AmountProblem> {
        Decimal::parse(text)?.to_minor_units(places)
    }

    #[test]
    fn decimals_are_read_exactly_at_any_finer_precision() {
        assert_eq!(minor("0.9", 2), Ok(90));
        assert_eq!(minor("1.09", 2), Ok(109));
        assert_eq!(minor("411000.00", 0), Ok(411_000));
        assert_eq!(minor("007", 3), Ok(7_000));
        assert_eq!(Decimal::parse("12.50").map(Decimal::places), Ok(1));
        assert_eq!(minor("18446744073709551615", 0), Ok(u64::MAX));
    }

    #[test]
    fn malformed_numbers_say_why() {
        assert_eq!(minor("12,5", 2), Err(AmountProblem::DecimalComma));
        assert_eq!(minor("1,000", 2), Err(AmountProblem::DecimalComma));
        for text in [
            "", "-1", "+1", "1e3", "1,5.0", ".5", "5.", "1.2.3", "abc", " 1 2",
        ] {
            assert_eq!(minor(text, 2), Err(AmountProblem::NotADecimal), "{text:?}");
        }
        assert_eq!(
            minor("0.0000000001", 9),
            Err(AmountProblem::TooManyDecimalPlaces)
        );
        assert_eq!(
            minor("18446744073709551616", 0),
            Err(AmountProblem::TooLarge)
        );
        assert_eq!(
            minor("18446744073709551615", 1),
            Err(AmountProblem::TooLarge)
        );
        assert_eq!(
            minor("123456789012345678901", 0),
            Err(AmountProblem::TooLarge)
        );
    }
}
