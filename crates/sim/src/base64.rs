//! base64 (RFC 4648): the standard alphabet with padding, as Secret `data` uses, and the
//! URL-safe one without, as the web app's share links use. The one implementation in the
//! workspace.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// RFC 4648 §5's URL- and filename-safe alphabet.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub fn encode(input: &[u8]) -> String {
    encode_with(input, ALPHABET, true)
}

/// base64url without padding (Go's `base64.RawURLEncoding`), as share links write it.
pub fn encode_url(input: &[u8]) -> String {
    encode_with(input, URL_SAFE, false)
}

fn encode_with(input: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
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
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else if pad {
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
    decode_with(s, ALPHABET)
}

/// Decodes unpadded base64url (what [`encode_url`] writes); `None` if it is not that.
pub fn decode_url(input: &str) -> Option<Vec<u8>> {
    decode_with(input, URL_SAFE)
}

/// The bytes of unpadded base64 text; the bits of an incomplete last byte are dropped.
fn decode_with(s: &str, alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = alphabet.iter().position(|&a| a == c)? as u32;
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

    #[test]
    fn url_safe_without_padding() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let e = super::encode_url(s.as_bytes());
            assert!(!e.contains('='));
            assert_eq!(super::decode_url(&e).unwrap(), s.as_bytes());
        }
        assert_eq!(super::encode_url(&[0xfb, 0xff]), "-_8");
        assert_eq!(super::encode(&[0xfb, 0xff]), "+/8=");
        assert_eq!(super::decode_url("A"), None);
        assert_eq!(super::decode_url("+/8"), None);
    }
}
