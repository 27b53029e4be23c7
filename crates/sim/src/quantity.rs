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

#[cfg(test)]
mod tests {
    use super::parse_bytes;

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
