//! The tar format, as the archives `tar` writes in a container and `kubectl cp` sends and
//! unpacks: 512-byte blocks, a header per member (GNU's `ustar  ` magic, octal fields, the
//! checksum), the content padded to a block, two zero blocks at the end. Reading also takes
//! what Go's `archive/tar` writes (real kubectl's side of `ordinal serve`): POSIX `ustar`
//! with its name prefix, PAX `path`/`linkpath` records, GNU long names.
//!
//! Files in the simulation are text, so an archive is kept in a `String`: every header byte
//! is ASCII or NUL, and a member's content is its file's text. Reading is bounded: it stops at
//! [`MAX_MEMBERS`] members, and a header never makes it read past the input.

/// What one archive member is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    File(String),
    Dir,
    /// A symbolic link and its target (the simulation's filesystems have none; kubectl skips
    /// them with a warning).
    Symlink(String),
    /// Devices, FIFOs, hard links: nothing the simulation stores.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The name as stored (a directory's without its trailing `/`).
    pub name: String,
    pub body: Body,
    /// Permission bits (`0o644`, `0o755`).
    pub mode: u32,
    /// Seconds since the epoch.
    pub mtime: u64,
}

impl Member {
    pub fn file(name: &str, content: &str, mtime: u64) -> Member {
        Member {
            name: name.to_string(),
            body: Body::File(content.to_string()),
            mode: 0o644,
            mtime,
        }
    }

    pub fn dir(name: &str, mtime: u64) -> Member {
        Member {
            name: name.to_string(),
            body: Body::Dir,
            mode: 0o755,
            mtime,
        }
    }

    /// The content's length in bytes (0 for anything but a file).
    pub fn size(&self) -> usize {
        match &self.body {
            Body::File(c) => c.len(),
            _ => 0,
        }
    }
}

pub const BLOCK: usize = 512;
/// GNU tar writes whole records of 20 blocks; busybox and Go stop after the two zero blocks.
pub const GNU_RECORD: usize = 20 * BLOCK;
/// Members read from one archive at most.
pub const MAX_MEMBERS: usize = 100_000;

/// Writes `members` as GNU tar does (`record`: pad to whole 10240-byte records) or as busybox
/// and Go do (`record` false).
pub fn write(members: &[Member], record: bool) -> String {
    let mut out: Vec<u8> = Vec::new();
    for m in members {
        let name = match m.body {
            Body::Dir => format!("{}/", m.name.trim_end_matches('/')),
            _ => m.name.clone(),
        };
        if name.len() > 100 {
            // GNU's long name: a `././@LongLink` member whose content is the name.
            let mut long = name.as_bytes().to_vec();
            long.push(0);
            header(&mut out, "././@LongLink", b'L', 0o644, long.len(), 0, "");
            push_padded(&mut out, &long);
        }
        let (flag, link) = match &m.body {
            Body::File(_) => (b'0', ""),
            Body::Dir => (b'5', ""),
            Body::Symlink(t) => (b'2', t.as_str()),
            Body::Other => (b'0', ""),
        };
        header(&mut out, &name, flag, m.mode, m.size(), m.mtime, link);
        if let Body::File(c) = &m.body {
            push_padded(&mut out, c.as_bytes());
        }
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    if record {
        out.resize(out.len().div_ceil(GNU_RECORD) * GNU_RECORD, 0);
    }
    // Every byte above is ASCII, NUL or a piece of a `str`, each whole.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn push_padded(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
}

/// One header block: the name (cut at 100 bytes only where a long-name member precedes it,
/// and then at a character boundary), octal fields, GNU's magic, root's names, the checksum.
fn header(out: &mut Vec<u8>, name: &str, flag: u8, mode: u32, size: usize, mtime: u64, link: &str) {
    let mut h = [0u8; BLOCK];
    let mut cut = name.len().min(100);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    h[..cut].copy_from_slice(&name.as_bytes()[..cut]);
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size as u64);
    octal(&mut h[136..148], mtime);
    h[148..156].copy_from_slice(b"        ");
    h[156] = flag;
    let mut lcut = link.len().min(100);
    while !link.is_char_boundary(lcut) {
        lcut -= 1;
    }
    h[157..157 + lcut].copy_from_slice(&link.as_bytes()[..lcut]);
    h[257..265].copy_from_slice(b"ustar  \0");
    h[265..269].copy_from_slice(b"root");
    h[297..301].copy_from_slice(b"root");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    // Six octal digits, a NUL, and the space already there.
    let digits = format!("{:06o}", sum & 0o777_777);
    h[148..154].copy_from_slice(digits.as_bytes());
    h[154] = 0;
    out.extend_from_slice(&h);
}

/// A numeric field: zero-padded octal digits and a NUL.
fn octal(field: &mut [u8], v: u64) {
    let width = field.len() - 1;
    let max = 8u64.saturating_pow(width as u32).saturating_sub(1);
    let s = format!("{:0width$o}", v.min(max));
    field[..width].copy_from_slice(s.as_bytes());
    field[width] = 0;
}

/// How reading an archive ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The two zero blocks (or one, then the input's end).
    Marker,
    /// The input ended at a header boundary without the marker (nothing at all, say).
    Eof,
    /// The input ended inside a member.
    Truncated,
    /// A block that is not a header (bad checksum or numbers): `first` if no member came
    /// before it ("This does not look like a tar archive").
    NotHeader { first: bool },
    /// [`MAX_MEMBERS`] were read; the rest was not.
    TooMany,
}

/// An archive as read: its members in order and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    pub members: Vec<Member>,
    pub end: End,
}

/// Reads an archive. A member's content that is not UTF-8 is read lossily.
pub fn read(data: &[u8]) -> Archive {
    let mut members = Vec::new();
    let mut at = 0;
    // Names that GNU and PAX extension members give the next member.
    let mut long_name: Option<String> = None;
    let mut long_link: Option<String> = None;
    let end = loop {
        if members.len() >= MAX_MEMBERS {
            break End::TooMany;
        }
        let Some(h) = data.get(at..at + BLOCK) else {
            break if at >= data.len() {
                End::Eof
            } else {
                End::Truncated
            };
        };
        if h.iter().all(|&b| b == 0) {
            break End::Marker;
        }
        let first = members.is_empty() && long_name.is_none() && long_link.is_none();
        let Some(size) = number(&h[124..136]) else {
            break End::NotHeader { first };
        };
        if !checksum_ok(h) {
            break End::NotHeader { first };
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let start = at + BLOCK;
        let Some(content) = start.checked_add(size).and_then(|e| data.get(start..e)) else {
            break End::Truncated;
        };
        at = start + size.div_ceil(BLOCK) * BLOCK;
        let flag = h[156];
        match flag {
            b'L' => {
                long_name = Some(cstr(content));
                continue;
            }
            b'K' => {
                long_link = Some(cstr(content));
                continue;
            }
            b'x' => {
                for (k, v) in pax(content) {
                    match k.as_str() {
                        "path" => long_name = Some(v),
                        "linkpath" => long_link = Some(v),
                        _ => {}
                    }
                }
                continue;
            }
            b'g' => continue,
            _ => {}
        }
        let mut name = cstr(&h[..100]);
        // POSIX ustar keeps a long name's directory part in `prefix`.
        if &h[257..263] == b"ustar\0" {
            let prefix = cstr(&h[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        if let Some(n) = long_name.take() {
            name = n;
        }
        let link = long_link.take().unwrap_or_else(|| cstr(&h[157..257]));
        let mode = number(&h[100..108]).unwrap_or(0o644) as u32 & 0o7777;
        let mtime = number(&h[136..148]).unwrap_or(0);
        let dir = flag == b'5' || (matches!(flag, b'0' | 0) && name.ends_with('/'));
        let body = match flag {
            _ if dir => Body::Dir,
            b'0' | 0 | b'7' => Body::File(String::from_utf8_lossy(content).into_owned()),
            b'2' => Body::Symlink(link),
            _ => Body::Other,
        };
        let name = if name.len() > 1 {
            name.trim_end_matches('/').to_string()
        } else {
            name
        };
        members.push(Member {
            name,
            body,
            mode,
            mtime,
        });
    };
    Archive { members, end }
}

/// An archive written again with its members' content made text: the stream a client sent
/// (bytes) as the simulation can hold it (a `String`), its sizes still right.
pub fn to_text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let a = read(data);
            write(&a.members, false)
        }
    }
}

/// A NUL-terminated field (or the whole field), lossily.
fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// An octal field (spaces and NULs around it allowed); base-256 for large values.
fn number(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == ' ' || c == '\0');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn checksum_ok(h: &[u8]) -> bool {
    let Some(want) = number(&h[148..156]) else {
        return false;
    };
    let unsigned: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    let signed: i64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    want == unsigned || i64::try_from(want).is_ok_and(|w| w == signed)
}

/// PAX records: `LEN key=value\n` each.
fn pax(content: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let Some(sp) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let Some(len) = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            break;
        };
        if len <= sp + 1 || len > rest.len() {
            break;
        }
        let record = &rest[sp + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            out.push((
                String::from_utf8_lossy(&record[..eq]).into_owned(),
                String::from_utf8_lossy(&record[eq + 1..]).into_owned(),
            ));
        }
        rest = &rest[len..];
    }
    out
}

/// The prefix `tar` strips from a member name so it cannot land outside the directory it
/// extracts into (and that it does not store when creating): leading `/`s, and everything up
/// to the last `../`. The same rule as busybox's `strip_unsafe_prefix`; GNU tar's
/// `safer_name_suffix` strips the same for these names.
pub fn unsafe_prefix(name: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &name[at..];
        if let Some(r) = rest.strip_prefix('/') {
            at = name.len() - r.len();
            continue;
        }
        if rest.starts_with("../") {
            at += 3;
            continue;
        }
        if rest == ".." {
            return name.len();
        }
        match rest.find("/../") {
            Some(i) => at += i + 4,
            None => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_files_directories_and_long_names() {
        let long = format!("d/{}", "x".repeat(150));
        let members = vec![
            Member::dir("usr/share/nginx/html", 1_767_225_600),
            Member::file("usr/share/nginx/html/index.html", "<h1>hi</h1>\n", 1),
            Member::file(&long, "", 2),
            Member::file("naïve.txt", "crème\n", 3),
        ];
        let gnu = write(&members, true);
        assert_eq!(gnu.len() % GNU_RECORD, 0);
        let a = read(gnu.as_bytes());
        assert_eq!(a.end, End::Marker);
        assert_eq!(a.members, members);
        let plain = write(&members, false);
        assert_eq!(plain.len() % BLOCK, 0);
        assert!(plain.len() < gnu.len());
        assert_eq!(read(plain.as_bytes()).members, members);
    }

    #[test]
    fn an_empty_archive_is_the_end_marker() {
        assert_eq!(write(&[], false).len(), 2 * BLOCK);
        assert_eq!(write(&[], true).len(), GNU_RECORD);
        let a = read(write(&[], true).as_bytes());
        assert_eq!((a.members.len(), a.end), (0, End::Marker));
        assert_eq!(read(b"").end, End::Eof);
    }

    #[test]
    fn headers_match_gnu_tar_byte_for_byte() {
        let a = write(&[Member::file("hello.txt", "hi\n", 1_767_225_600)], false);
        let h = &a.as_bytes()[..BLOCK];
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[124..136], b"00000000003\0");
        assert_eq!(&h[136..148], b"15125334400\0");
        assert_eq!(&h[257..265], b"ustar  \0");
        assert_eq!(h[156], b'0');
        let sum: u32 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        assert_eq!(&h[148..156], format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(&a.as_bytes()[BLOCK..BLOCK + 3], b"hi\n");
    }

    /// What Go's `archive/tar` writes for kubectl: POSIX ustar (`ustar\0` `00`), a name
    /// split into prefix and name, and a PAX record for a name it cannot split.
    #[test]
    fn reads_posix_prefixes_and_pax_paths() {
        let mut data = Vec::new();
        let mut h = [0u8; BLOCK];
        h[..5].copy_from_slice(b"b.txt");
        h[100..108].copy_from_slice(b"0000600\0");
        h[124..136].copy_from_slice(b"00000000002\0");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[345..350].copy_from_slice(b"a/dir");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        data.extend_from_slice(&h);
        push_padded(&mut data, b"ok");
        // A PAX header naming the next member.
        let record = "29 path=pax/with a long name\n";
        assert_eq!(record.len(), 29);
        let mut x = Vec::new();
        header(&mut x, "PaxHeaders/x", b'x', 0o644, record.len(), 0, "");
        data.extend_from_slice(&x);
        push_padded(&mut data, record.as_bytes());
        let mut f = Vec::new();
        header(&mut f, "short", b'0', 0o644, 0, 0, "");
        data.extend_from_slice(&f);
        data.extend_from_slice(&[0; 2 * BLOCK]);
        let a = read(&data);
        assert_eq!(a.end, End::Marker);
        let names: Vec<&str> = a.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a/dir/b.txt", "pax/with a long name"]);
        assert_eq!(a.members[0].mode, 0o600);
        assert_eq!(a.members[0].body, Body::File("ok".into()));
    }

    #[test]
    fn bad_input_ends_the_read_without_panicking() {
        let a = read(b"hello, this is not an archive");
        assert_eq!(a.end, End::Truncated);
        let a = read(&[b'x'; BLOCK]);
        assert_eq!(a.end, End::NotHeader { first: true });
        let good = write(&[Member::file("a", "12345", 0)], false);
        let a = read(&good.as_bytes()[..BLOCK + 2]);
        assert_eq!((a.members.len(), a.end), (0, End::Truncated));
        // A size field claiming more than the input: truncated, not an overflow.
        let mut h = good.as_bytes()[..BLOCK].to_vec();
        h[124..136].copy_from_slice(b"77777777777\0");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(read(&h).end, End::Truncated);
    }

    #[test]
    fn binary_content_is_made_text_with_its_size() {
        let mut data = Vec::new();
        header(&mut data, "bin", b'0', 0o644, 3, 0, "");
        push_padded(&mut data, &[0xff, b'a', 0xfe]);
        data.extend_from_slice(&[0; 2 * BLOCK]);
        let text = to_text(&data);
        let a = read(text.as_bytes());
        assert_eq!(a.members[0].body, Body::File("\u{fffd}a\u{fffd}".into()));
        assert_eq!(a.end, End::Marker);
    }

    /// Seeded mutations of a real archive (bytes flipped, cut short, sizes and checksums
    /// broken): reading ends, within the input, without panicking.
    #[test]
    fn mutated_archives_read_without_panicking() {
        let long = "l".repeat(130);
        let good = write(
            &[
                Member::dir("d", 5),
                Member::file("d/a.txt", "alpha\n", 5),
                Member::file(&long, "x", 5),
            ],
            true,
        )
        .into_bytes();
        let mut rng = crate::rng::Rng::new(7);
        for round in 0..2000 {
            let mut data = good.clone();
            for _ in 0..=rng.below(8) {
                let at = rng.below(data.len() as u64) as usize;
                data[at] = rng.below(256) as u8;
            }
            if round % 3 == 0 {
                data.truncate(rng.below(data.len() as u64) as usize);
            }
            let a = read(&data);
            assert!(a.members.len() <= data.len() / BLOCK, "round {round}");
        }
    }

    #[test]
    fn unsafe_prefixes() {
        assert_eq!(unsafe_prefix("/usr/share"), 1);
        assert_eq!(unsafe_prefix("//x"), 2);
        assert_eq!(unsafe_prefix("../../x"), 6);
        assert_eq!(unsafe_prefix("a/../b"), 5);
        assert_eq!(unsafe_prefix("/a/../../b"), 9);
        assert_eq!(unsafe_prefix("ok/name"), 0);
        assert_eq!(unsafe_prefix(".."), 2);
    }
}
