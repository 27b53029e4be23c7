//! Share links: a session's record, compressed (a small LZ77) and written in base64url, in the
//! URL's fragment (`#/share/…`), so the link replays to the same cluster and nothing is sent to
//! any server. Decoding is bounded: a hostile link cannot make the page expand it without limit.

/// Longest decoded record a link may carry.
pub const MAX_DECODED: usize = 1 << 20;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 255 + MIN_MATCH;
const WINDOW: usize = 1 << 15;

fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn get_varint(data: &[u8], i: &mut usize) -> Option<usize> {
    let mut n = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*i)?;
        *i += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// Tokens: `varint(literal run length)`, the literals, then `varint(offset)` and a length byte
/// (offset 0 ends the stream).
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut table = vec![usize::MAX; 1 << 14];
    let hash = |w: &[u8]| {
        (u32::from_le_bytes([w[0], w[1], w[2], w[3]]).wrapping_mul(2_654_435_761) >> 18) as usize
    };
    let (mut i, mut lit_start) = (0, 0);
    while i + MIN_MATCH <= input.len() {
        let h = hash(&input[i..]);
        let cand = table[h];
        table[h] = i;
        if cand != usize::MAX
            && i - cand <= WINDOW
            && input[cand..cand + MIN_MATCH] == input[i..i + MIN_MATCH]
        {
            let mut len = MIN_MATCH;
            while i + len < input.len() && len < MAX_MATCH && input[cand + len] == input[i + len] {
                len += 1;
            }
            put_varint(&mut out, i - lit_start);
            out.extend_from_slice(&input[lit_start..i]);
            put_varint(&mut out, i - cand);
            out.push((len - MIN_MATCH) as u8);
            i += len;
            lit_start = i;
        } else {
            i += 1;
        }
    }
    put_varint(&mut out, input.len() - lit_start);
    out.extend_from_slice(&input[lit_start..]);
    put_varint(&mut out, 0);
    out
}

pub fn decompress(data: &[u8]) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    loop {
        let lits = get_varint(data, &mut i)?;
        let end = i.checked_add(lits)?;
        out.extend_from_slice(data.get(i..end)?);
        i = end;
        let offset = get_varint(data, &mut i)?;
        if offset == 0 {
            return (i == data.len()).then_some(out);
        }
        let len = usize::from(*data.get(i)?) + MIN_MATCH;
        i += 1;
        if offset > out.len() || out.len() + len > MAX_DECODED {
            return None;
        }
        let from = out.len() - offset;
        for k in 0..len {
            out.push(out[from + k]);
        }
        if out.len() > MAX_DECODED {
            return None;
        }
    }
}

/// The fragment for a record's JSON text.
pub fn encode(json: &str) -> String {
    ordinal_sim::base64::encode_url(&compress(json.as_bytes()))
}

/// A fragment back to JSON text; `None` for anything that is not one of ours.
pub fn decode(fragment: &str) -> Option<String> {
    if fragment.len() > MAX_DECODED {
        return None;
    }
    String::from_utf8(decompress(&ordinal_sim::base64::decode_url(fragment)?)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compresses_a_record() {
        let mut json = String::from("{\"version\":1,\"seed\":1,\"ops\":[");
        for i in 0..200 {
            json.push_str(&format!(
                "[{},\"line\",\"kubectl get pods -l app=nginx\"],",
                300_000 + i * 997
            ));
        }
        json.push_str("]}");
        let link = encode(&json);
        assert_eq!(decode(&link).as_deref(), Some(json.as_str()));
        assert!(
            link.len() * 3 < json.len(),
            "{} vs {}",
            link.len(),
            json.len()
        );
        for s in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "ünïcode ✓ ünïcode ✓ ünïcode ✓",
        ] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
    }

    #[test]
    fn hostile_fragments_are_refused() {
        assert_eq!(decode("!!!"), None);
        assert_eq!(decode("A"), None);
        // An offset before the start, and a match run past the limit.
        assert_eq!(decompress(&[0, 5, 0]), None);
        let mut bomb = vec![1, b'x'];
        for _ in 0..10_000 {
            bomb.extend([1, 255]);
            bomb.push(0);
        }
        assert_eq!(decompress(&bomb), None);
        // Trailing bytes after the end mark.
        assert_eq!(decompress(&[0, 0, 7]), None);
    }
}
