//! Resource quantities (`1Gi`, `500Mi`, `100m`, `2`, `1e3`): `resource.Quantity` as one
//! integer type, [`Quantity`], with `ParseQuantity`'s error texts and `String()`'s canonical
//! form; storage sizes in bytes for the volume controllers.

use std::fmt;

const FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX: &str = "unable to parse quantity's suffix";

/// A quantity in thousandths of its unit (Go's `MilliValue`: rounded up), remembering whether
/// it was written with a binary suffix, which decides how Go prints it back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quantity {
    pub milli: i128,
    pub binary: bool,
}

impl Quantity {
    /// `resource.ParseQuantity`, with its error texts.
    pub fn parse(q: &str) -> Result<Quantity, &'static str> {
        let (negative, body) = match q.as_bytes().first() {
            Some(b'-') => (true, &q[1..]),
            Some(b'+') => (false, &q[1..]),
            _ => (false, q),
        };
        let num_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (num, rest) = body.split_at(num_end);
        let suffix_end = rest
            .find(|c: char| !"eEinumkKMGTP".contains(c))
            .unwrap_or(rest.len());
        let (suffix, exp) = rest.split_at(suffix_end);
        let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if num.is_empty() || !exp_digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FORMAT);
        }
        if num.matches('.').count() > 1 || num == "." {
            return Err(FORMAT);
        }
        // The value is digits × 10^pow10 × 2^pow2.
        let (pow10, pow2, binary): (i64, u32, bool) = match (suffix, exp.is_empty()) {
            ("n", true) => (-9, 0, false),
            ("u", true) => (-6, 0, false),
            ("m", true) => (-3, 0, false),
            ("", true) => (0, 0, false),
            ("k", true) => (3, 0, false),
            ("M", true) => (6, 0, false),
            ("G", true) => (9, 0, false),
            ("T", true) => (12, 0, false),
            ("P", true) => (15, 0, false),
            ("E", true) => (18, 0, false),
            ("Ki", true) => (0, 10, true),
            ("Mi", true) => (0, 20, true),
            ("Gi", true) => (0, 30, true),
            ("Ti", true) => (0, 40, true),
            ("Pi", true) => (0, 50, true),
            ("Ei", true) => (0, 60, true),
            ("e" | "E", false) if !exp_digits.is_empty() => {
                let e: i64 = exp.parse().unwrap_or(if exp.starts_with('-') {
                    i64::MIN / 2
                } else {
                    i64::MAX / 2
                });
                (e, 0, false)
            }
            _ => return Err(SUFFIX),
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        let mut digits: i128 = 0;
        for d in int.bytes().chain(frac.bytes()) {
            digits = digits
                .saturating_mul(10)
                .saturating_add(i128::from(d - b'0'));
        }
        // Thousandths: × 10^(pow10 + 3 − fraction digits), rounded up.
        let scale = pow10.saturating_add(3).saturating_sub(frac.len() as i64);
        let mut milli = digits.saturating_mul(1 << pow2);
        if scale >= 0 {
            for _ in 0..scale.min(40) {
                milli = milli.saturating_mul(10);
            }
        } else {
            let div = 10i128
                .checked_pow(scale.unsigned_abs().min(39) as u32)
                .unwrap_or(i128::MAX);
            milli = milli / div + i128::from(milli % div != 0);
        }
        if negative {
            milli = -milli;
        }
        Ok(Quantity { milli, binary })
    }
}

/// Go's canonical `Quantity.String()`, for whole thousandths.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.milli;
        if v == 0 {
            return f.write_str("0");
        }
        if self.binary && v % 1000 == 0 && v.abs() >= 1024 * 1000 {
            let mut n = v / 1000;
            let mut i = 0;
            while i < 6 && n % 1024 == 0 {
                n /= 1024;
                i += 1;
            }
            return write!(f, "{n}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i]);
        }
        if v % 1000 != 0 {
            return write!(f, "{v}m");
        }
        let mut n = v / 1000;
        let mut i = 0;
        while i < 6 && n % 1000 == 0 {
            n /= 1000;
            i += 1;
        }
        write!(f, "{n}{}", ["", "k", "M", "G", "T", "P", "E"][i])
    }
}

/// Bytes in a storage quantity (rounded up, as Go's `Value`), or `None` if it is not a
/// quantity or is negative.
pub fn parse_bytes(q: &str) -> Option<u128> {
    let q = Quantity::parse(q.trim()).ok()?;
    u128::try_from(q.milli).ok().map(|m| m.div_ceil(1000))
}

/// `resource.ParseQuantity`'s checks, with its error texts.
pub fn check(q: &str) -> Result<(), &'static str> {
    Quantity::parse(q).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::{check, parse_bytes};

    #[test]
    fn quantity_syntax() {
        assert!(check("1Gi").is_ok() && check("1e3").is_ok() && check("-1").is_ok());
        assert!(check("100m").is_ok() && check("1.5G").is_ok());
        assert_eq!(check("1iG"), Err("unable to parse quantity's suffix"));
        assert!(check("1Gb")
            .unwrap_err()
            .starts_with("quantities must match"));
        assert!(check("abc")
            .unwrap_err()
            .starts_with("quantities must match"));
        assert!(check("").is_err());
    }

    #[test]
    fn parses_storage_sizes() {
        assert_eq!(parse_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_bytes("500Mi"), Some(500 << 20));
        assert_eq!(parse_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_bytes("2G"), Some(2_000_000_000));
        assert_eq!(parse_bytes("10"), Some(10));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("100m"), Some(1));
        assert_eq!(parse_bytes("-1Gi"), None);
        assert_eq!(parse_bytes("1Gb"), None);
        assert_eq!(parse_bytes("abc"), None);
        assert_eq!(parse_bytes(""), None);
    }

    #[test]
    fn prints_as_go() {
        for (q, s) in [
            ("100m", "100m"),
            ("0.5", "500m"),
            ("0.1", "100m"),
            ("1", "1"),
            ("1000", "1k"),
            ("1.5Gi", "1536Mi"),
            ("128Mi", "128Mi"),
            ("1024Ki", "1Mi"),
            ("2G", "2G"),
            ("1e3", "1k"),
            ("-2", "-2"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("2000m", "2"),
            ("1500k", "1500k"),
            ("1.5", "1500m"),
            ("512", "512"),
            ("24583596Ki", "24583596Ki"),
            ("0", "0"),
        ] {
            assert_eq!(super::Quantity::parse(q).unwrap().to_string(), s, "{q}");
        }
    }
}
