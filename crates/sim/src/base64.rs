//! Standard base64 (RFC 4648 with padding), as Secret `data` uses.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Where Go's `base64.StdEncoding` stops on input that is not valid base64: the error is
/// `illegal base64 data at input byte N`. `None` if the input decodes.
pub fn corrupt_at(input: &str) -> Option<usize> {
    if decode(input).is_some() {
        return None;
    }
    let bytes = input.as_bytes();
    let data_end = input.trim_end_matches('=').len();
    if let Some(i) = bytes[..data_end].iter().position(|c| !ALPHABET.contains(c)) {
        return Some(i);
    }
    // Bad length or padding: Go reports the start of the incomplete quantum.
    Some(data_end - data_end % 4)
}

/// Decodes standard base64; `None` if the input is not valid base64.
pub fn decode(input: &str) -> Option<Vec<u8>> {
    let s = input.trim_end_matches('=');
    if !input.len().is_multiple_of(4) || input.len() - s.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "user:pass"] {
            let e = super::encode(s.as_bytes());
            assert_eq!(super::decode(&e).unwrap(), s.as_bytes());
        }
        assert_eq!(super::encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(super::encode(b"fo"), "Zm8=");
        assert_eq!(super::decode("Zm9v!"), None);
    }
}
