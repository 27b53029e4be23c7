//! Resource quantities (`1Gi`, `500Mi`, `2`): just enough of `resource.Quantity` for storage sizes.

/// Bytes in a storage quantity, or `None` if it is not a quantity.
pub fn parse_bytes(q: &str) -> Option<u128> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    if num.is_empty() || num.starts_with('.') && num.len() == 1 {
        return None;
    }
    let mult: u128 = match suffix {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        _ => return None,
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') {
        return None;
    }
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut v = int.checked_mul(mult)?;
    if !frac.is_empty() {
        let f: u128 = frac.parse().ok()?;
        let scale = 10u128.checked_pow(frac.len() as u32)?;
        v = v.checked_add(f.checked_mul(mult)? / scale)?;
    }
    Some(v)
}

/// `resource.ParseQuantity`'s checks, with its error texts.
pub fn check(q: &str) -> Result<(), &'static str> {
    const FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let body = q.strip_prefix(['+', '-']).unwrap_or(q);
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
    let known = matches!(
        suffix,
        "" | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
            | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
    ) && exp.is_empty()
        || matches!(suffix, "e" | "E") && !exp_digits.is_empty();
    if known {
        Ok(())
    } else {
        Err("unable to parse quantity's suffix")
    }
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
        assert_eq!(parse_bytes("1Gb"), None);
        assert_eq!(parse_bytes("abc"), None);
        assert_eq!(parse_bytes(""), None);
    }
}
