//! `tar` in a container, as GNU tar or busybox's applet (the image decides): create (`c`),
//! extract (`x`) and list (`t`) archives on stdin/stdout or in a file (`f`), under `-C DIR`,
//! with `-v`, `-O` and the flags `kubectl cp` passes (`-m`, `--no-same-owner`,
//! `--no-same-permissions`). Their messages are each tar's own: the leading `/` it removes,
//! a missing file, a directory it cannot enter, a file it cannot write, a broken archive.
//! What it reads and writes is [`crate::tar`]'s format.

use super::ContainerHost;
use crate::exec::ContainerFs;
use crate::fs::{Entry, FsError};
use crate::images::Tar;
use crate::tar::{self, Body, End, Member};
use crate::time::Civil;
use ordinal_shell::{resolve_path, Output, State};

#[derive(Copy, Clone, PartialEq, Eq)]
enum Mode {
    Create,
    Extract,
    List,
}

#[derive(Default)]
struct Opts {
    mode: Option<Mode>,
    file: Option<String>,
    dir: Option<String>,
    verbose: bool,
    to_stdout: bool,
    operands: Vec<String>,
}

/// The two tars' words.
#[derive(Copy, Clone)]
struct Words {
    gnu: bool,
}

impl Words {
    /// A usage error: GNU's with its hint (status 2), busybox's line (status 1).
    fn usage(self, msg: &str) -> Output {
        if self.gnu {
            Output::err(
                format!("tar: {msg}\nTry 'tar --help' or 'tar --usage' for more information.\n"),
                2,
            )
        } else {
            Output::err(format!("tar: {msg}\n"), 1)
        }
    }

    /// A fatal error after `lines` (each a `tar: …` line already formatted).
    fn fatal(self, out: &mut Output, line: String) -> Output {
        out.push_err(line);
        if self.gnu {
            out.push_err("tar: Error is not recoverable: exiting now\n");
            out.status = 2;
        } else {
            out.status = 1;
        }
        std::mem::take(out)
    }

    /// The directory `-C` names cannot be entered.
    fn chdir_failed(self, dir: &str, why: &str) -> String {
        if self.gnu {
            format!("tar: {dir}: Cannot open: {why}\n")
        } else {
            format!("tar: can't change directory to '{dir}': {why}\n")
        }
    }

    /// The note about a stripped prefix.
    fn removing(self, prefix: &str) -> String {
        if self.gnu {
            format!("tar: Removing leading `{prefix}' from member names\n")
        } else {
            format!("tar: removing leading '{prefix}' from member names\n")
        }
    }
}

/// Options that take a value.
fn takes_value(c: char) -> bool {
    matches!(c, 'f' | 'C')
}

fn parse(args: &[String], w: Words) -> Result<Opts, Output> {
    let mut o = Opts::default();
    let mut i = 0;
    // The traditional form: a first word of letters without a dash, whose options' values
    // follow it in order (`tar cf - /x`, `tar xmfC - dir`).
    if let Some(first) = args
        .first()
        .filter(|a| !a.starts_with('-') && !a.is_empty())
    {
        i = 1;
        for c in first.chars() {
            let value = if takes_value(c) {
                match args.get(i) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => return Err(w.usage(&format!("option requires an argument -- '{c}'"))),
                }
            } else {
                None
            };
            short(&mut o, c, value, w)?;
        }
    }
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            o.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let mut value = || -> Result<String, Output> {
                if let Some(v) = &inline {
                    return Ok(v.clone());
                }
                let v = args
                    .get(i)
                    .cloned()
                    .ok_or_else(|| w.usage(&format!("option '--{name}' requires an argument")))?;
                i += 1;
                Ok(v)
            };
            match name {
                "create" => set_mode(&mut o, Mode::Create, w)?,
                "extract" | "get" => set_mode(&mut o, Mode::Extract, w)?,
                "list" => set_mode(&mut o, Mode::List, w)?,
                "file" => o.file = Some(value()?),
                "directory" => o.dir = Some(value()?),
                "verbose" => o.verbose = true,
                "to-stdout" => o.to_stdout = true,
                "touch"
                | "no-same-owner"
                | "no-same-permissions"
                | "same-owner"
                | "same-permissions"
                | "preserve-permissions"
                | "numeric-owner" => {}
                "gzip" | "gunzip" | "bzip2" | "xz" | "zstd" | "auto-compress" => {
                    return Err(compression(&format!("--{name}"), w))
                }
                _ => return Err(w.usage(&format!("unrecognized option '--{name}'"))),
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            for (j, &c) in chars.iter().enumerate() {
                if takes_value(c) {
                    let tail: String = chars[j + 1..].iter().collect();
                    let v = if !tail.is_empty() {
                        tail
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return Err(w.usage(&format!("option requires an argument -- '{c}'")));
                    };
                    short(&mut o, c, Some(v), w)?;
                    break;
                }
                short(&mut o, c, None, w)?;
            }
            continue;
        }
        o.operands.push(a.clone());
    }
    Ok(o)
}

fn set_mode(o: &mut Opts, m: Mode, w: Words) -> Result<(), Output> {
    match o.mode {
        Some(old) if old != m => Err(if w.gnu {
            w.usage("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option")
        } else {
            Output::err("tar: only one of -c, -t, -x may be given\n", 1)
        }),
        _ => {
            o.mode = Some(m);
            Ok(())
        }
    }
}

fn compression(flag: &str, w: Words) -> Output {
    Output::err(
        format!("tar: {flag}: compressed archives are not available in this playground\n"),
        if w.gnu { 2 } else { 1 },
    )
}

fn short(o: &mut Opts, c: char, value: Option<String>, w: Words) -> Result<(), Output> {
    match c {
        'c' => set_mode(o, Mode::Create, w)?,
        'x' => set_mode(o, Mode::Extract, w)?,
        't' => set_mode(o, Mode::List, w)?,
        'f' => o.file = value,
        'C' => o.dir = value,
        'v' => o.verbose = true,
        'O' => o.to_stdout = true,
        'm' | 'p' | 'o' | 'h' | 'k' => {}
        'z' | 'j' | 'J' | 'a' | 'Z' => return Err(compression(&format!("-{c}"), w)),
        _ => return Err(w.usage(&format!("invalid option -- '{c}'"))),
    }
    Ok(())
}

pub(super) fn run(h: &mut ContainerHost, state: &State, argv: &[String], stdin: &str) -> Output {
    let w = Words {
        gnu: h.userland.tar() != Tar::Busybox,
    };
    let o = match parse(&argv[1..], w) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let Some(mode) = o.mode else {
        return if w.gnu {
            w.usage("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options")
        } else {
            Output::err("tar: need one of -c, -t, -x\n", 1)
        };
    };
    // `-C`: the directory the names are relative to.
    let base = match &o.dir {
        None => state.cwd.clone(),
        Some(d) => {
            let abs = state.resolve(d);
            let why = match h.entry(&abs) {
                Some(Entry::Dir) => None,
                Some(Entry::File(_)) => Some("Not a directory"),
                None => Some("No such file or directory"),
            };
            if let Some(why) = why {
                let mut out = Output::default();
                return w.fatal(&mut out, w.chdir_failed(d, why));
            }
            abs
        }
    };
    let base = if base.is_empty() { "/".into() } else { base };
    match mode {
        Mode::Create => create(h, state, &o, &base, w),
        Mode::Extract | Mode::List => {
            let data = match o.file.as_deref() {
                None | Some("-") => stdin.to_string(),
                Some(f) => match h.read(&state.resolve(f)) {
                    Ok(d) => d,
                    Err(e) => {
                        let mut out = Output::default();
                        return if w.gnu {
                            w.fatal(&mut out, format!("tar: {f}: Cannot open: {e}\n"))
                        } else {
                            Output::err(format!("tar: can't open '{f}': {e}\n"), 1)
                        };
                    }
                },
            };
            h.work = h.work.saturating_add(data.len() as u64);
            extract(h, &o, &base, &data, mode == Mode::List, w)
        }
    }
}

fn join(dir: &str, name: &str) -> String {
    if name.is_empty() {
        dir.to_string()
    } else if dir.is_empty() {
        name.to_string()
    } else {
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

fn create(h: &mut ContainerHost, state: &State, o: &Opts, base: &str, w: Words) -> Output {
    let _ = state;
    if o.operands.is_empty() {
        return if w.gnu {
            w.usage("Cowardly refusing to create an empty archive")
        } else {
            Output::err("tar: empty archive\n", 1)
        };
    }
    let mtime = h.cluster.now().0 / 1000;
    let mut out = Output::default();
    let mut members: Vec<Member> = Vec::new();
    let mut warned: Vec<String> = Vec::new();
    let mut failed = false;
    for op in &o.operands {
        let trimmed = match op.trim_end_matches('/') {
            "" if op.starts_with('/') => "/",
            t => t,
        };
        let cut = tar::unsafe_prefix(trimmed);
        let prefix = &trimmed[..cut];
        // GNU names what it strips before it looks at the file; busybox only for files it
        // stores, once.
        let note = |warned: &mut Vec<String>, out: &mut Output| {
            if !prefix.is_empty()
                && (w.gnu || warned.is_empty())
                && !warned.iter().any(|p| p == prefix)
            {
                warned.push(prefix.to_string());
                out.push_err(w.removing(prefix));
            }
        };
        if w.gnu {
            note(&mut warned, &mut out);
        }
        let name = trimmed[cut..].to_string();
        let abs = resolve_path(base, trimmed);
        match h.entry(&abs) {
            None => {
                failed = true;
                out.push_err(if w.gnu {
                    format!("tar: {op}: Cannot stat: No such file or directory\n")
                } else {
                    format!("tar: {op}: No such file or directory\n")
                });
            }
            Some(Entry::File(c)) => {
                if !w.gnu {
                    note(&mut warned, &mut out);
                }
                members.push(Member::file(&name, &c, mtime));
            }
            Some(Entry::Dir) => {
                if !w.gnu {
                    note(&mut warned, &mut out);
                }
                if !name.is_empty() {
                    members.push(Member::dir(&name, mtime));
                }
                let mut bytes = 0u64;
                let found = h.fs(|fs| walk(fs, &abs, &name, mtime, &mut bytes));
                h.work = h.work.saturating_add(bytes);
                members.extend(found.unwrap_or_default());
            }
        }
    }
    let to_stdout = matches!(o.file.as_deref(), None | Some("-"));
    if o.verbose {
        let names: String = members.iter().map(listed_name).collect();
        // The listing goes to stderr when the archive is stdout.
        if to_stdout {
            out.push_err(names);
        } else {
            out.push_out(names);
        }
    }
    let archive = tar::write(&members, w.gnu);
    if to_stdout {
        out.push_out(archive);
    } else if let Some(f) = o.file.as_deref() {
        let path = state.resolve(f);
        if let Err(e) = h.write(&path, &archive, false) {
            return if w.gnu {
                w.fatal(&mut out, format!("tar: {f}: Cannot open: {e}\n"))
            } else {
                out.push_err(format!("tar: can't open '{f}': {e}\n"));
                out.status = 1;
                out
            };
        }
    }
    if failed {
        if w.gnu {
            out.push_err("tar: Exiting with failure status due to previous errors\n");
            out.status = 2;
        } else {
            out.push_err("tar: error exit delayed from previous errors\n");
            out.status = 1;
        }
    }
    out
}

/// A directory's tree below `abs`, named under `name`, depth first with each directory's
/// entries in name order, as tar recurses (bounded).
fn walk(fs: &ContainerFs, abs: &str, name: &str, mtime: u64, bytes: &mut u64) -> Vec<Member> {
    let mut members = Vec::new();
    // Entries still to visit, the next on top: (path, member name, whether a directory).
    let mut stack: Vec<(String, String, bool)> = Vec::new();
    let push_children = |stack: &mut Vec<(String, String, bool)>, dir: &str, dname: &str| {
        for (child, is_dir) in fs.list(dir).unwrap_or_default().into_iter().rev() {
            stack.push((join(dir, &child), join(dname, &child), is_dir));
        }
    };
    push_children(&mut stack, abs, name);
    while let Some((path, mname, is_dir)) = stack.pop() {
        if members.len() >= tar::MAX_MEMBERS {
            break;
        }
        if is_dir {
            members.push(Member::dir(&mname, mtime));
            push_children(&mut stack, &path, &mname);
        } else {
            let content = fs.read(&path).unwrap_or_default();
            *bytes = bytes.saturating_add(content.len() as u64);
            members.push(Member::file(&mname, &content, mtime));
        }
    }
    members
}

/// A member's name as `tar -t` and `-v` print it (a directory's with its `/`).
fn listed_name(m: &Member) -> String {
    match m.body {
        Body::Dir => format!("{}/\n", m.name),
        _ => format!("{}\n", m.name),
    }
}

/// `tar -tv`'s line: GNU's `-rw-r--r-- root/root        13 2026-01-01 00:05 name` (owner and
/// size in 19 columns), busybox's with seconds and a 9-column size.
fn long_line(m: &Member, gnu: bool) -> String {
    let (kind, mode) = match m.body {
        Body::Dir => ('d', m.mode),
        Body::Symlink(_) => ('l', 0o777),
        _ => ('-', m.mode),
    };
    let mut perms = String::from(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        perms.push(if bits & 4 != 0 { 'r' } else { '-' });
        perms.push(if bits & 2 != 0 { 'w' } else { '-' });
        perms.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    let when = Civil::of(crate::time::Time(m.mtime.saturating_mul(1000)));
    let name = listed_name(m);
    if gnu {
        let size = m.size().to_string();
        let pad = 19usize.saturating_sub("root/root".len() + size.len());
        format!(
            "{perms} root/root{:pad$}{size} {} {name}",
            "",
            when.format("%Y-%m-%d %H:%M")
        )
    } else {
        format!(
            "{perms} root/root {:>9} {} {name}",
            m.size(),
            when.format("%Y-%m-%d %H:%M:%S")
        )
    }
}

fn extract(
    h: &mut ContainerHost,
    o: &Opts,
    base: &str,
    data: &str,
    list: bool,
    w: Words,
) -> Output {
    let archive = tar::read(data.as_bytes());
    let mut out = Output::default();
    let wanted = |name: &str| {
        o.operands.is_empty()
            || o.operands.iter().any(|op| {
                let op = op.trim_end_matches('/');
                name == op || name.strip_prefix(op).is_some_and(|r| r.starts_with('/'))
            })
    };
    let mut matched = vec![false; o.operands.len()];
    let mut warned = false;
    let mut failed = false;
    // What to write, after names are made safe.
    let mut todo: Vec<(String, &Member)> = Vec::new();
    for m in &archive.members {
        if !wanted(&m.name) {
            continue;
        }
        for (op, seen) in o.operands.iter().zip(matched.iter_mut()) {
            let op = op.trim_end_matches('/');
            *seen |= m.name == op || m.name.starts_with(&format!("{op}/"));
        }
        if list {
            out.push_out(if o.verbose {
                long_line(m, w.gnu)
            } else {
                listed_name(m)
            });
            continue;
        }
        let cut = tar::unsafe_prefix(&m.name);
        if cut > 0 && !warned {
            warned = true;
            out.push_err(w.removing(&m.name[..cut]));
        }
        let name = m.name[cut..].to_string();
        if name.is_empty() || name == "." {
            continue;
        }
        if o.verbose {
            out.push_out(listed_name(m));
        }
        if o.to_stdout {
            if let Body::File(c) = &m.body {
                out.push_out(c.clone());
            }
            continue;
        }
        todo.push((name, m));
    }
    if !todo.is_empty() {
        let errors = h
            .fs(|fs| write_members(fs, base, &todo, w.gnu))
            .unwrap_or_default();
        for (name, is_dir, e) in errors {
            let why = e.message();
            if w.gnu {
                failed = true;
                let what = if is_dir { "mkdir" } else { "open" };
                out.push_err(format!("tar: {name}: Cannot {what}: {why}\n"));
            } else if is_dir {
                out.push_err(format!("tar: can't make dir {name}: {why}\n"));
            } else {
                // busybox's xopen: the applet dies.
                out.push_err(format!("tar: can't open '{name}': {why}\n"));
                out.status = 1;
                return out;
            }
        }
    }
    match archive.end {
        End::Marker | End::Eof => {}
        End::Truncated => {
            return if w.gnu {
                w.fatal(&mut out, "tar: Unexpected EOF in archive\n".into())
            } else {
                out.push_err("tar: short read\n");
                out.status = 1;
                out
            };
        }
        End::NotHeader { first } => {
            if w.gnu {
                if first {
                    out.push_err("tar: This does not look like a tar archive\n");
                }
                out.push_err("tar: Skipping to next header\n");
                failed = true;
            } else {
                out.push_err(if first {
                    "tar: invalid tar magic\n"
                } else {
                    "tar: invalid tar header checksum\n"
                });
                out.status = 1;
                return out;
            }
        }
        End::TooMany => {
            out.push_err(format!(
                "tar: stopped after {} members: this playground reads no more from one archive\n",
                tar::MAX_MEMBERS
            ));
            failed = true;
        }
    }
    for (op, seen) in o.operands.iter().zip(&matched) {
        if !seen {
            let op = op.trim_end_matches('/');
            failed = true;
            out.push_err(if w.gnu {
                format!("tar: {op}: Not found in archive\n")
            } else {
                format!("tar: {op}: not found in archive\n")
            });
        }
    }
    if failed {
        if w.gnu {
            out.push_err("tar: Exiting with failure status due to previous errors\n");
            out.status = 2;
        } else {
            out.status = 1;
        }
    } else if !w.gnu && archive.members.is_empty() {
        // busybox: an archive with no member at all is no archive.
        out.status = 1;
    }
    out
}

/// Extracts into the container's files: directories (with their parents), files (after
/// their parents). Returns what failed: (name, whether a directory, why). busybox stops at
/// the first file it cannot open.
fn write_members(
    fs: &mut ContainerFs,
    base: &str,
    todo: &[(String, &Member)],
    gnu: bool,
) -> Vec<(String, bool, FsError)> {
    let mut errors = Vec::new();
    for (name, m) in todo {
        let path = resolve_path(base, name);
        match &m.body {
            Body::Dir => {
                if gnu && matches!(fs.get(&path), Some(Entry::File(_))) {
                    // GNU tar replaces a file that is in the way.
                    let _ = fs.remove(&path, false);
                }
                if let Err(e) = fs.mkdir(&path, true) {
                    errors.push((name.clone(), true, e));
                }
            }
            Body::File(c) => {
                if let Some((parent, _)) = path.rsplit_once('/') {
                    if !parent.is_empty() && fs.get(parent).is_none() {
                        let _ = fs.mkdir(parent, true);
                    }
                }
                let r = match fs.get(&path) {
                    Some(Entry::Dir) => Err(FsError::IsADirectory),
                    _ => fs.write(&path, c, false),
                };
                if let Err(e) = r {
                    errors.push((name.clone(), false, e));
                    if !gnu {
                        break;
                    }
                }
            }
            // Links and devices: nothing the simulation stores.
            Body::Symlink(_) | Body::Other => {}
        }
    }
    errors
}
