//! The programs of an image's userland that work on files and text: `cat`, `ls`, `mkdir`,
//! `rm`, `touch`, `mv`, `cp`, `head`, `tail`, `wc`, `grep`, `seq`, `date`, `hostname`, `id`,
//! `uname`, …, in busybox's or GNU coreutils' wording depending on the image.

use super::{basename, ContainerHost};
use crate::exec::ContainerFs;
use crate::fs::{Entry, FsError};
use crate::time::{Civil, Time};
use ordinal_shell::{Output, State};

/// The kernel of the kind node the containers share.
const KERNEL_RELEASE: &str = "6.8.0-60-generic";
const KERNEL_VERSION: &str = "#63-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 15 19:04:15 UTC 2025";
pub(crate) const NGINX_VERSION: &str = "1.27.5";

/// Output past which a tool stops early (`seq 1 1e18`, `cat f f f …`): more than any shell's
/// output budget, which then stops the line with its message.
const OUTPUT_CAP: usize = 5 << 20;

pub(super) fn run(
    h: &mut ContainerHost,
    state: &State,
    name: &str,
    argv: &[String],
    stdin: &str,
) -> Output {
    let args = &argv[1..];
    let bb = h.userland.busybox();
    match name {
        "hostname" => hostname(h, args),
        "cat" => cat(h, state, args, stdin),
        "ls" => ls(h, state, args),
        "mkdir" => mkdir(h, state, args),
        "rmdir" => rmdir(h, state, args),
        "rm" => rm(h, state, args),
        "touch" => touch(h, state, args),
        "mv" | "cp" => mv_cp(h, state, name, args),
        "head" | "tail" => head_tail(h, state, name, args, stdin),
        "wc" => wc(h, state, args, stdin),
        "grep" => grep(h, state, args, stdin),
        "seq" => seq(bb, args),
        "id" => id(args),
        "whoami" => Output::out("root\n"),
        "uname" => uname(h, args),
        "date" => date(h, args),
        "printenv" => printenv(h, state, args),
        "basename" => match args.first() {
            None => missing_operand("basename"),
            Some(a) => {
                let mut b = basename(a).to_string();
                if let Some(suffix) = args.get(1) {
                    if b.len() > suffix.len() && b.ends_with(suffix.as_str()) {
                        b.truncate(b.len() - suffix.len());
                    }
                }
                Output::out(format!("{b}\n"))
            }
        },
        "dirname" => match args.first() {
            None => missing_operand("dirname"),
            Some(a) => Output::out(format!("{}\n", dirname(a))),
        },
        "nginx" => nginx(args),
        "ps" => ps(h, argv),
        _ => Output::default().with_status(127),
    }
}

/// busybox's `ps` (its desktop build's default columns): the processes of the container's PID
/// namespace (its own main process, or the target's for an ephemeral container that names
/// one, then its shell), and itself.
fn ps(h: &ContainerHost, argv: &[String]) -> Output {
    let mut s = String::from("PID   USER     TIME  COMMAND\n");
    let mut last = 0;
    for (pid, user, cmd) in &h.target.processes {
        s.push_str(&format!("{pid:>5} {user:<8} {:>5} {cmd}\n", "0:00"));
        last = last.max(*pid);
    }
    s.push_str(&format!(
        "{:>5} {:<8} {:>5} {}\n",
        last + 6,
        "root",
        "0:00",
        argv.join(" ")
    ));
    Output::out(s)
}

fn missing_operand(tool: &str) -> Output {
    Output::err(
        format!("{tool}: missing operand\nTry '{tool} --help' for more information.\n"),
        1,
    )
}

fn dirname(p: &str) -> String {
    let t = p.trim_end_matches('/');
    match t.rfind('/') {
        None if p.starts_with('/') => "/".into(),
        None => ".".into(),
        Some(0) => "/".into(),
        Some(i) => t[..i].trim_end_matches('/').to_string(),
    }
}

/// Splits `-abc` style flags from operands (`--` ends the flags; `-` is an operand).
fn split_flags(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut ops = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.len() > 1 && a.starts_with('-') {
            if let Some(long) = a.strip_prefix("--") {
                match long {
                    "all" => flags.push('a'),
                    "recursive" => flags.push('r'),
                    "force" => flags.push('f'),
                    "parents" => flags.push('p'),
                    _ => {}
                }
            } else {
                flags.push_str(&a[1..]);
            }
        } else {
            ops.push(a.clone());
        }
    }
    (flags, ops)
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn hostname(h: &mut ContainerHost, args: &[String]) -> Output {
    match args.first().map(String::as_str) {
        None | Some("-s") | Some("--short") => Output::out(format!("{}\n", h.target.hostname)),
        Some("-f") | Some("--fqdn") | Some("--long") => {
            let name = h.fqdn().unwrap_or_else(|| h.target.hostname.clone());
            Output::out(format!("{name}\n"))
        }
        Some("-i") | Some("--ip-address") => {
            Output::out(format!("{}\n", h.pod_ip().unwrap_or_default()))
        }
        Some(_) if h.userland.busybox() => {
            Output::err("hostname: sethostname: Operation not permitted\n", 1)
        }
        Some(_) => Output::err("hostname: you must be root to change the host name\n", 1),
    }
}

fn cat(h: &mut ContainerHost, state: &State, args: &[String], stdin: &str) -> Output {
    let (_, ops) = split_flags(args);
    let mut out = Output::default();
    if ops.is_empty() {
        out.push_out(stdin);
        return out;
    }
    let bb = h.userland.busybox();
    let mut size = 0;
    for f in &ops {
        if size > OUTPUT_CAP {
            break;
        }
        if f == "-" {
            size += stdin.len();
            out.push_out(stdin);
            continue;
        }
        match h.read(&state.resolve(f)) {
            Ok(c) => {
                size += c.len();
                out.push_out(c)
            }
            Err(e) => {
                out.status = 1;
                out.push_err(match (bb, e.as_str()) {
                    (true, "Is a directory") => "cat: read error: Is a directory\n".to_string(),
                    (true, _) => format!("cat: can't open '{f}': {e}\n"),
                    (false, _) => format!("cat: {f}: {e}\n"),
                });
            }
        }
    }
    out
}

/// `Jan  1 00:05`, as `ls -l` shows a recent time.
fn ls_time(t: Time) -> String {
    Civil::of(t).format("%b %e %H:%M")
}

struct LsEntry {
    name: String,
    dir: bool,
    size: usize,
}

fn ls(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    let (flags, mut ops) = split_flags(args);
    let all = flags.contains('a');
    let almost = flags.contains('A');
    let long = flags.contains('l');
    let dir_only = flags.contains('d');
    let bb = h.userland.busybox();
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut out = Output::default();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for op in &ops {
        let abs = state.resolve(op);
        match h.entry(&abs) {
            None => {
                out.status = if bb { 1 } else { 2 };
                out.push_err(if bb {
                    format!("ls: {op}: No such file or directory\n")
                } else {
                    format!("ls: cannot access '{op}': No such file or directory\n")
                });
            }
            Some(Entry::File(c)) => files.push(LsEntry {
                name: op.clone(),
                dir: false,
                size: c.len(),
            }),
            Some(Entry::Dir) if dir_only => files.push(LsEntry {
                name: op.clone(),
                dir: true,
                size: 4096,
            }),
            Some(Entry::Dir) => dirs.push((op.clone(), abs)),
        }
    }
    let now = h.cluster.now();
    let render = |entries: &[LsEntry], total: bool| -> String {
        let mut s = String::new();
        if !long {
            for e in entries {
                s.push_str(&e.name);
                s.push('\n');
            }
            return s;
        }
        if total {
            let blocks: usize = entries
                .iter()
                .map(|e| if e.dir { 4 } else { e.size.div_ceil(4096) * 4 })
                .sum();
            s.push_str(&format!("total {blocks}\n"));
        }
        let width = entries
            .iter()
            .map(|e| e.size.to_string().len())
            .max()
            .unwrap_or(1);
        for e in entries {
            let (mode, links) = if e.dir {
                ("drwxr-xr-x", 2)
            } else {
                ("-rw-r--r--", 1)
            };
            if bb {
                s.push_str(&format!(
                    "{mode} {links:>4} {:<8} {:<8} {:>9} {} {}\n",
                    "root",
                    "root",
                    e.size,
                    ls_time(now),
                    e.name
                ));
            } else {
                s.push_str(&format!(
                    "{mode} {links} root root {:>width$} {} {}\n",
                    e.size,
                    ls_time(now),
                    e.name
                ));
            }
        }
        s
    };
    let mut printed = false;
    if !files.is_empty() {
        out.push_out(render(&files, false));
        printed = true;
    }
    let multi = ops.len() > 1;
    for (op, abs) in dirs {
        let listing = h.fs(|fs| {
            fs.list(&abs).ok().map(|names| {
                names
                    .into_iter()
                    .map(|(n, dir)| {
                        let size = if dir {
                            4096
                        } else {
                            fs.read(&join(&abs, &n)).map_or(0, |c| c.len())
                        };
                        LsEntry { name: n, dir, size }
                    })
                    .collect::<Vec<_>>()
            })
        });
        let Some(Some(mut entries)) = listing else {
            continue;
        };
        // Sizing each file read it.
        let read: usize = entries.iter().filter(|e| !e.dir).map(|e| e.size).sum();
        h.work = h.work.saturating_add(read as u64);
        entries.retain(|e| all || almost || !e.name.starts_with('.'));
        if all {
            entries.insert(
                0,
                LsEntry {
                    name: "..".into(),
                    dir: true,
                    size: 4096,
                },
            );
            entries.insert(
                0,
                LsEntry {
                    name: ".".into(),
                    dir: true,
                    size: 4096,
                },
            );
        }
        let mut s = String::new();
        if multi {
            if printed {
                s.push('\n');
            }
            s.push_str(&format!("{op}:\n"));
        }
        s.push_str(&render(&entries, true));
        out.push_out(s);
        printed = true;
    }
    out
}

fn mkdir(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    let mut parents = false;
    let mut ops = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-p" || a == "--parents" {
            parents = true;
        } else if a == "-m" {
            i += 1;
        } else if a.starts_with('-') && a.len() > 1 {
            parents |= a.contains('p');
        } else {
            ops.push(a.clone());
        }
        i += 1;
    }
    if ops.is_empty() {
        return missing_operand("mkdir");
    }
    let bb = h.userland.busybox();
    let mut out = Output::default();
    for d in ops {
        let abs = state.resolve(&d);
        let r = h.fs(|fs| fs.mkdir(&abs, parents));
        if let Some(Err(e)) = r {
            out.status = 1;
            out.push_err(if bb {
                format!("mkdir: can't create directory '{d}': {}\n", e.message())
            } else {
                format!("mkdir: cannot create directory '{d}': {}\n", e.message())
            });
        }
    }
    out
}

fn rmdir(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    let (_, ops) = split_flags(args);
    if ops.is_empty() {
        return missing_operand("rmdir");
    }
    let bb = h.userland.busybox();
    let mut out = Output::default();
    for d in ops {
        let abs = state.resolve(&d);
        let r = h.fs(|fs| match fs.get(&abs) {
            None => Err(FsError::NotFound),
            Some(Entry::File(_)) => Err(FsError::NotADirectory),
            Some(Entry::Dir) => fs.remove(&abs, false),
        });
        if let Some(Err(e)) = r {
            out.status = 1;
            out.push_err(if bb {
                format!("rmdir: '{d}': {}\n", e.message())
            } else {
                format!("rmdir: failed to remove '{d}': {}\n", e.message())
            });
        }
    }
    out
}

fn rm_error(bb: bool, path: &str, e: &FsError) -> String {
    let msg = match (bb, e) {
        (false, FsError::Busy) => "Device or resource busy",
        _ => e.message(),
    };
    if bb {
        format!("rm: can't remove '{path}': {msg}\n")
    } else {
        format!("rm: cannot remove '{path}': {msg}\n")
    }
}

fn rm(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    let (flags, ops) = split_flags(args);
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    let bb = h.userland.busybox();
    let mut out = Output::default();
    if ops.is_empty() && !force {
        return missing_operand("rm");
    }
    for p in ops {
        let abs = state.resolve(&p);
        if abs == "/" && recursive {
            out.status = 1;
            out.push_err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
            continue;
        }
        let r = h.fs(|fs| match fs.get(&abs) {
            None => Err(FsError::NotFound),
            Some(Entry::Dir) if !recursive => Err(FsError::IsADirectory),
            Some(_) => match fs.remove(&abs, recursive) {
                // A mount point: empty it, then report that it stays.
                Err(FsError::Busy) => {
                    if let Ok(children) = fs.list(&abs) {
                        for (n, _) in children {
                            let _ = fs.remove(&join(&abs, &n), true);
                        }
                    }
                    Err(FsError::Busy)
                }
                r => r,
            },
        });
        match r {
            Some(Err(FsError::NotFound)) if force => {}
            Some(Err(FsError::IsADirectory)) => {
                out.status = 1;
                out.push_err(if bb {
                    format!("rm: '{p}' is a directory\n")
                } else {
                    format!("rm: cannot remove '{p}': Is a directory\n")
                });
            }
            Some(Err(e)) => {
                out.status = 1;
                out.push_err(rm_error(bb, &p, &e));
            }
            _ => {}
        }
    }
    out
}

fn touch(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    let (_, ops) = split_flags(args);
    if ops.is_empty() {
        return Output::err(
            "touch: missing file operand\nTry 'touch --help' for more information.\n",
            1,
        );
    }
    let bb = h.userland.busybox();
    let mut out = Output::default();
    for f in ops {
        let abs = state.resolve(&f);
        let r = h.fs(|fs| match fs.get(&abs) {
            Some(_) => Ok(()),
            None => fs.write(&abs, "", true),
        });
        if let Some(Err(e)) = r {
            out.status = 1;
            out.push_err(if bb {
                format!("touch: {f}: {}\n", e.message())
            } else {
                format!("touch: cannot touch '{f}': {}\n", e.message())
            });
        }
    }
    out
}

/// Copies a directory tree inside one container's filesystem, adding the bytes of the files
/// copied to `bytes`.
fn copy_tree(fs: &mut ContainerFs, from: &str, to: &str, bytes: &mut u64) -> Result<(), FsError> {
    fs.mkdir(to, true)?;
    for (name, dir) in fs.list(from)? {
        let (f, t) = (join(from, &name), join(to, &name));
        if dir {
            copy_tree(fs, &f, &t, bytes)?;
        } else {
            let c = fs.read(&f)?.to_string();
            *bytes = bytes.saturating_add(c.len() as u64);
            fs.write(&t, &c, false)?;
        }
    }
    Ok(())
}

fn mv_cp(h: &mut ContainerHost, state: &State, tool: &str, args: &[String]) -> Output {
    let (flags, ops) = split_flags(args);
    let recursive =
        tool == "mv" || flags.contains('r') || flags.contains('R') || flags.contains('a');
    let bb = h.userland.busybox();
    match ops.len() {
        0 => {
            return Output::err(
                format!("{tool}: missing file operand\nTry '{tool} --help' for more information.\n"),
                1,
            )
        }
        1 => {
            return Output::err(
                format!(
                    "{tool}: missing destination file operand after '{}'\nTry '{tool} --help' for more information.\n",
                    ops[0]
                ),
                1,
            )
        }
        _ => {}
    }
    let (sources, dest) = ops.split_at(ops.len() - 1);
    let dest = &dest[0];
    let dest_abs = state.resolve(dest);
    let dest_is_dir = matches!(h.entry(&dest_abs), Some(Entry::Dir));
    let mut out = Output::default();
    if sources.len() > 1 && !dest_is_dir {
        return Output::err(
            if bb {
                format!("{tool}: '{dest}' is not a directory\n")
            } else {
                format!("{tool}: target '{dest}' is not a directory\n")
            },
            1,
        );
    }
    for src in sources {
        let src_abs = state.resolve(src);
        let target = if dest_is_dir {
            join(&dest_abs, basename(&src_abs))
        } else {
            dest_abs.clone()
        };
        let Some(entry) = h.entry(&src_abs) else {
            out.status = 1;
            out.push_err(match (tool, bb) {
                ("mv", true) => format!("mv: can't rename '{src}': No such file or directory\n"),
                (_, true) => format!("{tool}: can't stat '{src}': No such file or directory\n"),
                _ => format!("{tool}: cannot stat '{src}': No such file or directory\n"),
            });
            continue;
        };
        if matches!(entry, Entry::Dir) && !recursive {
            out.status = 1;
            out.push_err(if bb {
                format!("cp: omitting directory '{src}'\n")
            } else {
                format!("cp: -r not specified; omitting directory '{src}'\n")
            });
            continue;
        }
        let is_mv = tool == "mv";
        let shown = if dest_is_dir {
            join(dest, basename(&src_abs))
        } else {
            dest.clone()
        };
        // Onto itself, or a directory into its own subtree (which would copy for ever).
        if target == src_abs {
            if !(is_mv && bb) {
                out.status = 1;
                out.push_err(format!("{tool}: '{src}' and '{shown}' are the same file\n"));
            }
            continue;
        }
        let inside = src_abs == "/" || target.starts_with(&format!("{src_abs}/"));
        if matches!(entry, Entry::Dir) && inside {
            out.status = 1;
            out.push_err(match (is_mv, bb) {
                (true, true) => format!("mv: can't rename '{src}': Invalid argument\n"),
                (true, false) => {
                    format!("mv: cannot move '{src}' to a subdirectory of itself, '{shown}'\n")
                }
                (false, true) => format!("cp: recursion detected, omitting directory '{src}'\n"),
                (false, false) => {
                    format!("cp: cannot copy a directory, '{src}', into itself, '{shown}'\n")
                }
            });
            continue;
        }
        let (s, t) = (src_abs.clone(), target.clone());
        let mut copied = 0;
        let r = h.fs(|fs| {
            match entry {
                Entry::File(c) => fs.write(&t, &c, false)?,
                Entry::Dir => copy_tree(fs, &s, &t, &mut copied)?,
            }
            if is_mv {
                fs.remove(&s, true)?;
            }
            Ok::<(), FsError>(())
        });
        h.work = h.work.saturating_add(copied);
        if let Some(Err(e)) = r {
            out.status = 1;
            let t = if dest_is_dir {
                join(dest, basename(&src_abs))
            } else {
                dest.clone()
            };
            out.push_err(match (is_mv, bb) {
                (true, true) => format!("mv: can't rename '{src}': {}\n", e.message()),
                (true, false) => format!("mv: cannot move '{src}' to '{t}': {}\n", e.message()),
                (false, true) => format!("cp: can't create '{t}': {}\n", e.message()),
                (false, false) => {
                    format!("cp: cannot create regular file '{t}': {}\n", e.message())
                }
            });
        }
    }
    out
}

fn head_tail(
    h: &mut ContainerHost,
    state: &State,
    tool: &str,
    args: &[String],
    stdin: &str,
) -> Output {
    let mut count: usize = 10;
    let mut from_start = false;
    let mut bytes = false;
    let mut files = Vec::new();
    let mut i = 0;
    let parse = |s: &str, from: &mut bool| -> Option<usize> {
        match s.strip_prefix('+') {
            Some(n) => {
                *from = true;
                n.parse().ok()
            }
            None => s.trim_start_matches('-').parse().ok(),
        }
    };
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: &mut usize| -> Option<String> {
            *i += 1;
            args.get(*i).cloned()
        };
        let n = match a {
            "-n" | "--lines" | "-c" | "--bytes" => {
                bytes = a.starts_with("-c") || a == "--bytes";
                value(&mut i).and_then(|v| parse(&v, &mut from_start))
            }
            "-f" | "-F" | "-q" | "-v" => Some(count),
            _ if a.starts_with("-n") || a.starts_with("-c") => {
                bytes = a.starts_with("-c");
                parse(&a[2..], &mut from_start)
            }
            _ if a.len() > 1
                && a.starts_with('-')
                && a[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                a[1..].parse().ok()
            }
            _ => {
                files.push(a.to_string());
                Some(count)
            }
        };
        match n {
            Some(n) => count = n,
            None => {
                let v = args.get(i).cloned().unwrap_or_default();
                return Output::err(format!("{tool}: invalid number of lines: '{v}'\n"), 1);
            }
        }
        i += 1;
    }
    let take = |text: &str| -> String {
        if bytes {
            let b = text.as_bytes();
            let slice = if tool == "head" {
                &b[..count.min(b.len())]
            } else if from_start {
                &b[count.saturating_sub(1).min(b.len())..]
            } else {
                &b[b.len().saturating_sub(count)..]
            };
            return String::from_utf8_lossy(slice).into_owned();
        }
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let picked: &[&str] = if tool == "head" {
            &lines[..count.min(lines.len())]
        } else if from_start {
            &lines[count.saturating_sub(1).min(lines.len())..]
        } else {
            &lines[lines.len().saturating_sub(count)..]
        };
        picked.concat()
    };
    if files.is_empty() {
        return Output::out(take(stdin));
    }
    let bb = h.userland.busybox();
    let mut out = Output::default();
    let many = files.len() > 1;
    let mut first = true;
    for f in &files {
        match h.read(&state.resolve(f)) {
            Ok(c) => {
                if many {
                    out.push_out(format!("{}==> {f} <==\n", if first { "" } else { "\n" }));
                }
                first = false;
                out.push_out(take(&c));
            }
            Err(e) => {
                out.status = 1;
                out.push_err(if bb {
                    format!("{tool}: can't open '{f}': {e}\n")
                } else {
                    format!("{tool}: cannot open '{f}' for reading: {e}\n")
                });
            }
        }
    }
    out
}

fn wc(h: &mut ContainerHost, state: &State, args: &[String], stdin: &str) -> Output {
    let (flags, files) = split_flags(args);
    let mut which: Vec<char> = ['l', 'w', 'c']
        .into_iter()
        .filter(|c| flags.contains(*c) || (*c == 'c' && flags.contains('m')))
        .collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let counts = |t: &str| -> Vec<usize> {
        which
            .iter()
            .map(|c| match c {
                'l' => t.matches('\n').count(),
                'w' => t.split_whitespace().count(),
                _ => t.len(),
            })
            .collect()
    };
    let mut out = Output::default();
    let mut rows: Vec<(Vec<usize>, Option<String>)> = Vec::new();
    if files.is_empty() {
        rows.push((counts(stdin), None));
    }
    for f in &files {
        match h.read(&state.resolve(f)) {
            Ok(c) => rows.push((counts(&c), Some(f.clone()))),
            Err(e) => {
                out.status = 1;
                out.push_err(format!("wc: {f}: {e}\n"));
            }
        }
    }
    if rows.len() > 1 {
        let mut total = vec![0; which.len()];
        for (c, _) in &rows {
            for (t, v) in total.iter_mut().zip(c) {
                *t += v;
            }
        }
        rows.push((total, Some("total".into())));
    }
    let width = if files.is_empty() && which.len() > 1 {
        7
    } else if which.len() == 1 && rows.len() == 1 {
        1
    } else {
        rows.iter()
            .flat_map(|(c, _)| c.iter().map(|v| v.to_string().len()))
            .max()
            .unwrap_or(1)
    };
    let mut s = String::new();
    for (c, name) in rows {
        let nums: Vec<String> = c.iter().map(|v| format!("{v:>width$}")).collect();
        s.push_str(&nums.join(" "));
        if let Some(n) = name {
            s.push(' ');
            s.push_str(&n);
        }
        s.push('\n');
    }
    out.push_out(s);
    out
}

fn grep(h: &mut ContainerHost, state: &State, args: &[String], stdin: &str) -> Output {
    let mut flags = String::new();
    let mut pattern: Option<String> = None;
    let mut ops = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-e" {
            i += 1;
            pattern = args.get(i).cloned();
        } else if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            flags.push_str(&a[1..]);
        } else if a.starts_with("--") {
        } else {
            ops.push(a.clone());
        }
        i += 1;
    }
    let pattern = match pattern {
        Some(p) => p,
        None if !ops.is_empty() => ops.remove(0),
        None => return Output::err(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
            2,
        ),
    };
    let has = |c: char| flags.contains(c);
    let (icase, invert, count, number, quiet, names_only, word) = (
        has('i'),
        has('v'),
        has('c'),
        has('n'),
        has('q'),
        has('l'),
        has('w'),
    );
    let fixed = has('F');
    let norm = |s: &str| {
        if icase {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let pat = norm(&pattern);
    let (anchor_start, anchor_end, core) = if fixed {
        (false, false, pat.as_str())
    } else {
        let s = pat.strip_prefix('^');
        let core = s.unwrap_or(&pat);
        let e = core.strip_suffix('$');
        (s.is_some(), e.is_some(), e.unwrap_or(core))
    };
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let matches = |line: &str| -> bool {
        let l = norm(line);
        let found = match (anchor_start, anchor_end) {
            (true, true) => l == core,
            (true, false) => {
                l.starts_with(core) && (!word || !is_word(l[core.len()..].chars().next()))
            }
            (false, true) => l.ends_with(core),
            (false, false) => {
                if word {
                    l.match_indices(core).any(|(i, m)| {
                        !is_word(l[..i].chars().next_back())
                            && !is_word(l[i + m.len()..].chars().next())
                    })
                } else {
                    l.contains(core)
                }
            }
        };
        found != invert
    };
    let many = ops.len() > 1 || has('H');
    let prefix_names = many && !has('h');
    let mut out = Output::default();
    let mut matched = false;
    let mut error = false;
    let mut inputs: Vec<(String, Result<String, String>)> = Vec::new();
    if ops.is_empty() {
        inputs.push(("(standard input)".into(), Ok(stdin.to_string())));
    }
    for f in &ops {
        let r = if f == "-" {
            Ok(stdin.to_string())
        } else {
            h.read(&state.resolve(f))
        };
        inputs.push((f.clone(), r));
    }
    let mut s = String::new();
    for (name, content) in inputs {
        if s.len() > OUTPUT_CAP {
            break;
        }
        let content = match content {
            Ok(c) => c,
            Err(e) => {
                error = true;
                if !has('s') {
                    out.push_out(std::mem::take(&mut s));
                    out.push_err(format!("grep: {name}: {e}\n"));
                }
                continue;
            }
        };
        let mut n = 0;
        for (idx, line) in content.lines().enumerate() {
            if !matches(line) {
                continue;
            }
            n += 1;
            matched = true;
            if quiet {
                return Output::default();
            }
            if count || names_only {
                continue;
            }
            if prefix_names {
                s.push_str(&format!("{name}:"));
            }
            if number {
                s.push_str(&format!("{}:", idx + 1));
            }
            s.push_str(line);
            s.push('\n');
        }
        if count {
            if prefix_names {
                s.push_str(&format!("{name}:"));
            }
            s.push_str(&format!("{n}\n"));
        } else if names_only && n > 0 {
            s.push_str(&format!("{name}\n"));
        }
    }
    out.push_out(s);
    out.status = if error {
        2
    } else if matched {
        0
    } else {
        1
    };
    out
}

fn seq(bb: bool, args: &[String]) -> Output {
    let mut sep = "\n".to_string();
    let mut nums = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-s" {
            i += 1;
            sep = args.get(i).cloned().unwrap_or_default();
        } else if a == "-w" {
        } else {
            match a.parse::<i64>() {
                Ok(n) => nums.push(n),
                Err(_) => {
                    return Output::err(
                        if bb {
                            format!("seq: invalid number '{a}'\n")
                        } else {
                            format!("seq: invalid floating point argument: '{a}'\nTry 'seq --help' for more information.\n")
                        },
                        1,
                    )
                }
            }
        }
        i += 1;
    }
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        [] => return missing_operand("seq"),
        _ => {
            return Output::err(
                format!(
                    "seq: extra operand '{}'\nTry 'seq --help' for more information.\n",
                    nums[3]
                ),
                1,
            )
        }
    };
    if step == 0 {
        return Output::err(
            "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n",
            1,
        );
    }
    let mut s = String::new();
    let mut v = first;
    let mut n = 0;
    // Enough to pass any shell's output budget; the shell then reports the limit.
    while (step > 0 && v <= last) || (step < 0 && v >= last) {
        if n > 0 {
            s.push_str(&sep);
        }
        s.push_str(&v.to_string());
        n += 1;
        if s.len() > OUTPUT_CAP {
            break;
        }
        v = v.saturating_add(step);
    }
    if n > 0 {
        s.push('\n');
    }
    Output::out(s)
}

fn id(args: &[String]) -> Output {
    let (flags, _) = split_flags(args);
    let name = flags.contains('n');
    if flags.contains('u') || flags.contains('g') || flags.contains('G') {
        return Output::out(if name { "root\n" } else { "0\n" });
    }
    Output::out("uid=0(root) gid=0(root) groups=0(root)\n")
}

fn uname(h: &mut ContainerHost, args: &[String]) -> Output {
    let (flags, _) = split_flags(args);
    let all = flags.contains('a');
    let mut parts: Vec<String> = Vec::new();
    if all || flags.contains('s') || flags.is_empty() {
        parts.push("Linux".into());
    }
    if all || flags.contains('n') {
        parts.push(h.target.hostname.clone());
    }
    if all || flags.contains('r') {
        parts.push(KERNEL_RELEASE.into());
    }
    if all || flags.contains('v') {
        parts.push(KERNEL_VERSION.into());
    }
    if all || flags.contains('m') {
        parts.push("x86_64".into());
    }
    if all || flags.contains('o') {
        parts.push("GNU/Linux".into());
    }
    Output::out(format!("{}\n", parts.join(" ")))
}

// ---------------------------------------------------------------------- date

fn date(h: &mut ContainerHost, args: &[String]) -> Output {
    let c = Civil::of(h.cluster.now());
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    for a in args {
        match a.as_str() {
            "-u" | "--utc" => {}
            "-R" | "--rfc-2822" => fmt = "%a, %d %b %Y %H:%M:%S +0000".into(),
            "-I" | "--iso-8601" => fmt = "%Y-%m-%d".into(),
            a if a.starts_with('+') => fmt = a[1..].to_string(),
            a => {
                let msg = format!("date: invalid date '{a}'\n");
                return Output::err(msg, 1);
            }
        }
    }
    Output::out(format!("{}\n", c.format(&fmt)))
}

/// The environment as `env` prints it: the container's variables in their order, then any
/// others the shell exported.
pub(super) fn environment(h: &ContainerHost, state: &State) -> String {
    let mut s = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for (k, _) in &h.target.env {
        if state.exported.contains(k) {
            if let Some(v) = state.get(k) {
                if seen.insert(k.clone()) {
                    s.push_str(&format!("{k}={v}\n"));
                }
            }
        }
    }
    for (k, v) in state.env() {
        if seen.insert(k.clone()) {
            s.push_str(&format!("{k}={v}\n"));
        }
    }
    s
}

fn printenv(h: &mut ContainerHost, state: &State, args: &[String]) -> Output {
    if args.is_empty() {
        return Output::out(environment(h, state));
    }
    let env = state.env();
    let mut out = Output::default();
    for a in args {
        match env.iter().find(|(k, _)| k == a) {
            Some((_, v)) => out.push_out(format!("{v}\n")),
            None => out.status = 1,
        }
    }
    out
}

fn nginx(args: &[String]) -> Output {
    match args.first().map(String::as_str) {
        Some("-v") => Output::err(format!("nginx version: nginx/{NGINX_VERSION}\n"), 0),
        Some("-V") => Output::err(format!("nginx version: nginx/{NGINX_VERSION}\nbuilt with OpenSSL 3.0.15 3 Sep 2024\nTLS SNI support enabled\n"), 0),
        Some("-t") | Some("-T") => Output::err(
            "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n",
            0,
        ),
        Some("-s") => Output::default(),
        _ => Output::err(
            "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] still could not bind()\n",
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::CLUSTER_EPOCH;

    #[test]
    fn ls_times() {
        assert_eq!(ls_time(CLUSTER_EPOCH), "Jan  1 00:00");
    }

    #[test]
    fn paths_and_flags() {
        assert_eq!(dirname("/usr/share/nginx/html/"), "/usr/share/nginx");
        assert_eq!(dirname("index.html"), ".");
        assert_eq!(dirname("/index.html"), "/");
        let args: Vec<String> = ["-rf", "a", "--", "-b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            split_flags(&args),
            ("rf".to_string(), vec!["a".to_string(), "-b".to_string()])
        );
    }
}
