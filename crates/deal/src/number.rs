//! Exact decimals from the text of a number, digit for digit (methodology section 0).
//!
//! A deal sheet may write `2.20`, `"2.20"`, `2.2`, `2_200e-3` or `"1e3"`: each is read
//! from its text, never through a binary float, so `99999999999999.99` stays exact.

use rust_decimal::Decimal;

/// Why the text of a number can't be read as an exact decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not a decimal number: `1,000`, `12%`, `$5`, ` 2.2`, an empty string.
    Syntax,
    /// `inf` or `nan`.
    NotFinite,
    /// More significant digits than an exact decimal holds (28 after the point, or a
    /// mantissa over 96 bits).
    TooPrecise,
    /// Too large for an exact decimal (about 7.9e28).
    OutOfRange,
}

/// Reads `[+-]digits[.digits][(e|E)[+-]digits]` exactly; `_` may separate digits.
///
/// Returns the value normalized (no trailing zeros after the point).
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let rest = text.get(i..).unwrap_or("");
    if matches!(rest, "inf" | "nan") {
        return Err(NumberError::NotFinite);
    }
    let (int_digits, next) = digits(bytes, i).ok_or(NumberError::Syntax)?;
    i = next;
    let mut frac_digits = String::new();
    if bytes.get(i) == Some(&b'.') {
        let (d, next) = digits(bytes, i + 1).ok_or(NumberError::Syntax)?;
        frac_digits = d;
        i = next;
    }
    let mut exponent: i64 = 0;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let (d, next) = digits(bytes, i).ok_or(NumberError::Syntax)?;
        i = next;
        let d = d.trim_start_matches('0');
        // Anything past 6 digits is out of every range; keep it bounded.
        if d.len() > 6 {
            exponent = if exp_negative { -1_000_000 } else { 1_000_000 };
        } else {
            let e: i64 = if d.is_empty() {
                0
            } else {
                d.parse().map_err(|_| NumberError::Syntax)?
            };
            exponent = if exp_negative { -e } else { e };
        }
    }
    if i != bytes.len() {
        return Err(NumberError::Syntax);
    }

    // value = (int_digits frac_digits) · 10^(exponent - frac_len)
    let mut mantissa: String = int_digits;
    mantissa.push_str(&frac_digits);
    let mantissa = mantissa.trim_start_matches('0');
    if mantissa.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let frac_len = i64::try_from(frac_digits.len()).map_err(|_| NumberError::TooPrecise)?;
    let mut scale = frac_len - exponent;
    let mut mantissa = mantissa.to_string();
    // Trailing zeros carry no value: drop them while they make the scale positive.
    while scale > 0 && mantissa.ends_with('0') {
        mantissa.pop();
        scale -= 1;
    }
    if scale < 0 {
        // Whole number with `-scale` more zeros; bounded so the string stays small.
        if scale < -40 {
            return Err(NumberError::OutOfRange);
        }
        for _ in 0..(-scale) {
            mantissa.push('0');
        }
        scale = 0;
    }
    if scale > 28 {
        return Err(NumberError::TooPrecise);
    }
    if mantissa.len() > 29 {
        return Err(if scale > 0 {
            NumberError::TooPrecise
        } else {
            NumberError::OutOfRange
        });
    }
    let m: i128 = mantissa.parse().map_err(|_| NumberError::OutOfRange)?;
    let m = if negative { -m } else { m };
    let scale = u32::try_from(scale).map_err(|_| NumberError::TooPrecise)?;
    Decimal::try_from_i128_with_scale(m, scale)
        .map(|d| d.normalize())
        .map_err(|_| {
            if scale > 0 {
                NumberError::TooPrecise
            } else {
                NumberError::OutOfRange
            }
        })
}

/// One or more ASCII digits from `start`, `_` allowed between two digits. Returns the
/// digits without underscores and the index after them.
fn digits(bytes: &[u8], start: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut i = start;
    let mut last_was_digit = false;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            out.push(char::from(b));
            last_was_digit = true;
        } else if b == b'_' {
            let next_is_digit = bytes.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !last_was_digit || !next_is_digit {
                return None;
            }
            last_was_digit = false;
        } else {
            break;
        }
        i += 1;
    }
    if out.is_empty() {
        None
    } else {
        Some((out, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn reads_exactly_as_written() {
        assert_eq!(parse_decimal("2.20"), Ok(d("2.2")));
        assert_eq!(parse_decimal("2.2"), Ok(d("2.2")));
        assert_eq!(
            parse_decimal("99999999999999.99"),
            Ok(d("99999999999999.99"))
        );
        assert_eq!(parse_decimal("0.0365"), Ok(d("0.0365")));
        assert_eq!(parse_decimal("-0.05"), Ok(d("-0.05")));
        assert_eq!(parse_decimal("+7"), Ok(d("7")));
        assert_eq!(parse_decimal("1_000_000"), Ok(d("1000000")));
        assert_eq!(parse_decimal("100.000"), Ok(d("100")));
        assert_eq!(parse_decimal("-0"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal("0000.10"), Ok(d("0.1")));
    }

    #[test]
    fn exponents() {
        assert_eq!(parse_decimal("1e3"), Ok(d("1000")));
        assert_eq!(parse_decimal("1E+3"), Ok(d("1000")));
        assert_eq!(parse_decimal("2.5e-2"), Ok(d("0.025")));
        assert_eq!(parse_decimal("1e15"), Ok(d("1000000000000000")));
        assert_eq!(parse_decimal("0e999999999"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal("1e29"), Err(NumberError::OutOfRange));
        assert_eq!(parse_decimal("1e999999999"), Err(NumberError::OutOfRange));
        assert_eq!(parse_decimal("1e-29"), Err(NumberError::TooPrecise));
        assert_eq!(parse_decimal("1e-28"), Ok(Decimal::new(1, 28)));
        assert_eq!(parse_decimal("12300e-2"), Ok(d("123")));
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for s in [
            "", "-", ".5", "5.", "1,000", "12%", "$5", " 2.2", "2.2 ", "1__0", "_1", "1_", "1e",
            "0x10", "1.2.3", "e5",
        ] {
            assert_eq!(parse_decimal(s), Err(NumberError::Syntax), "{s:?}");
        }
        assert_eq!(parse_decimal("inf"), Err(NumberError::NotFinite));
        assert_eq!(parse_decimal("-nan"), Err(NumberError::NotFinite));
    }

    #[test]
    fn never_rounds_silently() {
        assert_eq!(
            parse_decimal("0.12345678901234567890123456789"),
            Err(NumberError::TooPrecise)
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950335"),
            Ok(Decimal::MAX)
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950336"),
            Err(NumberError::OutOfRange)
        );
    }
}
