//! Commands the shell runs itself: `echo`, `printf`, `cd`, `pwd`, `export`, `unset`, `exit`,
//! `sleep`, `test`/`[`, `read`, `set`, `eval`, `.`, `shift`, `break`, `continue`, `clear`,
//! `history`, `help`, `true`, `false`, `:`.

use crate::exec::{Exec, Input, Stop, R};
use crate::parse::Parser;
use crate::{arith, parse_duration, Dialect, Output, Stream};

pub(crate) fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        ":" | "true"
            | "false"
            | "echo"
            | "printf"
            | "cd"
            | "pwd"
            | "export"
            | "unset"
            | "exit"
            | "sleep"
            | "test"
            | "["
            | "read"
            | "set"
            | "eval"
            | "."
            | "source"
            | "shift"
            | "break"
            | "continue"
            | "exec"
            | "clear"
            | "history"
            | "help"
    )
}

/// Runs `argv` if it names a builtin.
pub(crate) fn run(
    ex: &mut Exec,
    argv: &[String],
    input: &mut Input,
    out: &mut Output,
) -> Option<R<i32>> {
    let name = argv[0].as_str();
    if !is_builtin(name) {
        return None;
    }
    let args = &argv[1..];
    Some(match name {
        ":" | "true" => Ok(0),
        "false" => Ok(1),
        "echo" => echo(ex, args, out),
        "printf" => printf(ex, args, out),
        "cd" => cd(ex, args, out),
        "pwd" => {
            let cwd = format!("{}\n", ex.sh.state.cwd);
            ex.write(out, Stream::Out, cwd).map(|_| 0)
        }
        "export" => export(ex, args, out),
        "unset" => {
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                ex.sh.state.vars.remove(a);
                ex.sh.state.exported.remove(a);
            }
            Ok(0)
        }
        "exit" => exit(ex, args, out),
        "sleep" => sleep(ex, args, out),
        "test" | "[" => test(ex, name, args, out),
        "read" => read(ex, args, input),
        "set" => set(ex, args, out),
        "eval" => {
            let src = args.join(" ");
            source_text(ex, &src, input, out)
        }
        "." | "source" => dot(ex, name, args, input, out),
        "shift" => shift(ex, args, out),
        "break" | "continue" => {
            let n = args
                .first()
                .and_then(|a| a.parse::<usize>().ok())
                .unwrap_or(1)
                .max(1);
            if ex.loops == 0 {
                Ok(0)
            } else if name == "break" {
                Err(Stop::Break(n.min(ex.loops)))
            } else {
                Err(Stop::Continue(n.min(ex.loops)))
            }
        }
        "exec" => {
            if args.is_empty() {
                Ok(0)
            } else {
                ex.invoke(args, input, out).and_then(|s| Err(Stop::Exit(s)))
            }
        }
        "clear" => {
            out.clear = true;
            Ok(0)
        }
        "history" => history(ex, args, out),
        _ => ex.write(out, Stream::Out, HELP).map(|_| 0),
    })
}

const HELP: &str = "\
This shell understands a small part of the POSIX shell language:
  words and quoting        'single', \"double with $VAR\", back\\slash
  variables                $VAR  ${VAR}  ${VAR:-default}  ${#VAR}  $?  $1
  substitution             $(command)  `command`  $((1 + 2 * 3))
  lists                    a; b    a && b    a || b    a | b    ! a
  redirection              > file  >> file  < file  2>&1  2>/dev/null  <<EOF
  compound commands        if …; then …; elif …; else …; fi
                           for NAME in WORDS; do …; done
                           while …; do …; done    until …; do …; done
                           { …; }    ( … )
Builtins: cd pwd echo printf export unset read set eval . shift test [
          true false : exit sleep break continue exec clear history help
Everything else (kubectl, and the tools inside a container) is a command of the
playground. A command line stops after 100000 commands and loop rounds.
";

/// Expands backslash escapes as `echo -e` (and dash's `echo`) does. The bool is true when
/// `\c` asked to stop output.
fn echo_escapes(s: &str) -> (String, bool) {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i + 1];
        i += 2;
        match n {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'c' => return (out, true),
            'e' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '0' => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 3 && i < chars.len() && chars[i].is_digit(8) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\0'));
            }
            'x' => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 2 && i < chars.len() && chars[i].is_ascii_hexdigit() {
                    v = v * 16 + chars[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                if k == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('\0'));
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

fn echo(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let dash = ex.dialect() == Dialect::Dash;
    let mut newline = true;
    let mut escapes = dash;
    let mut i = 0;
    if dash {
        if args.first().map(String::as_str) == Some("-n") {
            newline = false;
            i = 1;
        }
    } else {
        while let Some(a) = args.get(i) {
            let flags = a
                .strip_prefix('-')
                .filter(|f| !f.is_empty() && f.chars().all(|c| matches!(c, 'n' | 'e' | 'E')));
            let Some(flags) = flags else { break };
            for c in flags.chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        }
    }
    let mut s = args[i..].join(" ");
    if escapes {
        let (t, stop) = echo_escapes(&s);
        s = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        s.push('\n');
    }
    ex.write(out, Stream::Out, s)?;
    Ok(0)
}

/// `printf FORMAT [ARG…]`: `%s %b %c %d %i %u %x %X %o %f %%`, widths, precisions and the
/// `-` and `0` flags; the format repeats while arguments remain.
fn printf(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let Some(fmt) = args.first() else {
        let msg = match ex.dialect() {
            Dialect::Bash => format!(
                "{}usage: printf [-v var] format [arguments]\n",
                ex.builtin_prefix("printf")
            ),
            _ => format!(
                "{}usage: printf format [arg ...]\n",
                ex.builtin_prefix("printf")
            ),
        };
        ex.write(out, Stream::Err, msg)?;
        return Ok(2);
    };
    let rest = &args[1..];
    let fmt: Vec<char> = fmt.chars().collect();
    let mut text = String::new();
    let mut status = 0;
    let mut errors = String::new();
    let mut next = 0usize;
    loop {
        let before = next;
        let mut i = 0;
        while i < fmt.len() {
            let c = fmt[i];
            if c == '\\' && i + 1 < fmt.len() {
                let (s, used, stop) = printf_escape(&fmt[i..]);
                text.push_str(&s);
                if stop {
                    ex.write(out, Stream::Out, text)?;
                    return Ok(status);
                }
                i += used;
                continue;
            }
            if c != '%' || i + 1 >= fmt.len() {
                text.push(c);
                i += 1;
                continue;
            }
            // %[flags][width][.precision]conv
            let mut j = i + 1;
            let mut left = false;
            let mut zero = false;
            let mut plus = false;
            while j < fmt.len() && matches!(fmt[j], '-' | '0' | '+' | ' ' | '#') {
                match fmt[j] {
                    '-' => left = true,
                    '0' => zero = true,
                    '+' => plus = true,
                    _ => {}
                }
                j += 1;
            }
            let mut width = String::new();
            let cap = ex.sh.limits.output_bytes.saturating_add(1);
            let mut overflow = false;
            while j < fmt.len() && fmt[j].is_ascii_digit() {
                width.push(fmt[j]);
                j += 1;
            }
            let mut precision: Option<usize> = None;
            if j < fmt.len() && fmt[j] == '.' {
                j += 1;
                let mut p = String::new();
                while j < fmt.len() && fmt[j].is_ascii_digit() {
                    p.push(fmt[j]);
                    j += 1;
                }
                // A precision past the output budget ends the run anyway: cap what is built.
                precision = Some(p.parse::<usize>().map_or(0, |p| p.min(cap)));
                overflow |= p.parse::<i32>().is_err() && !p.is_empty();
            }
            let Some(&conv) = fmt.get(j) else {
                text.extend(&fmt[i..]);
                break;
            };
            i = j + 1;
            overflow |= width.parse::<i32>().is_err() && !width.is_empty();
            let width: usize = match width.as_str() {
                "" => 0,
                w => w.parse::<usize>().map_or(cap, |w| w.min(cap)),
            };
            if conv == '%' {
                text.push('%');
                continue;
            }
            let arg = rest.get(next).cloned();
            if arg.is_some() {
                next += 1;
            }
            if overflow {
                // bash: a width or precision past INT_MAX prints nothing for the directive.
                continue;
            }
            let arg = arg.unwrap_or_default();
            let body = match conv {
                's' => match precision {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg,
                },
                'b' => echo_escapes(&arg).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let n = match printf_number(&arg) {
                        Some(n) => n,
                        None => {
                            status = 1;
                            errors.push_str(&invalid_number(ex, &arg));
                            0
                        }
                    };
                    let mut s = match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ => n.to_string(),
                    };
                    if plus && n >= 0 && matches!(conv, 'd' | 'i') {
                        s.insert(0, '+');
                    }
                    s
                }
                'f' | 'e' | 'g' => {
                    let v: f64 = arg.trim().parse().unwrap_or_else(|_| {
                        if !arg.is_empty() {
                            status = 1;
                            errors.push_str(&invalid_number(ex, &arg));
                        }
                        0.0
                    });
                    float(v, precision.unwrap_or(6), conv == 'e')
                }
                other => {
                    let msg = format!(
                        "{}%{other}: invalid directive\n",
                        ex.builtin_prefix("printf")
                    );
                    ex.write(out, Stream::Out, std::mem::take(&mut text))?;
                    ex.write(out, Stream::Err, msg)?;
                    return Ok(1);
                }
            };
            let len = body.chars().count();
            if len >= width {
                text.push_str(&body);
            } else if left {
                text.push_str(&body);
                text.push_str(&" ".repeat(width - len));
            } else if zero && !matches!(conv, 's' | 'b' | 'c') {
                let (sign, digits) = match body.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", body.as_str()),
                };
                text.push_str(sign);
                text.push_str(&"0".repeat(width - len));
                text.push_str(digits);
            } else {
                text.push_str(&" ".repeat(width - len));
                text.push_str(&body);
            }
        }
        if next == before || next >= rest.len() {
            break;
        }
    }
    ex.write(out, Stream::Out, text)?;
    if !errors.is_empty() {
        ex.write(out, Stream::Err, errors)?;
    }
    Ok(status)
}

/// `v` with `p` digits after the point (`%.pf`), or in scientific notation (`%.pe`).
/// Rust's formatter takes a precision up to 65 535 only; past the digits a double can have
/// (its exact decimal expansion ends within 1 074 places), the rest are zeros.
fn float(v: f64, p: usize, exp: bool) -> String {
    const EXACT: usize = 1_100;
    let q = p.min(EXACT);
    let mut s = if exp {
        format!("{v:.q$e}")
    } else {
        format!("{v:.q$}")
    };
    if p > q && s.contains('.') {
        let at = s.find('e').unwrap_or(s.len());
        s.insert_str(at, &"0".repeat(p - q));
    }
    s
}

fn invalid_number(ex: &Exec, arg: &str) -> String {
    match ex.dialect() {
        Dialect::Bash => format!("{}{arg}: invalid number\n", ex.builtin_prefix("printf")),
        Dialect::Dash => format!(
            "{}{arg}: expected numeric value\n",
            ex.builtin_prefix("printf")
        ),
        Dialect::Ash => format!("{}invalid number '{arg}'\n", ex.voice().prefix()),
    }
}

fn printf_number(arg: &str) -> Option<i64> {
    let a = arg.trim();
    if a.is_empty() {
        return Some(0);
    }
    if let Some(c) = a.strip_prefix('\'').or_else(|| a.strip_prefix('"')) {
        return Some(c.chars().next().map_or(0, |c| c as i64));
    }
    arith::parse_number(a)
}

/// One backslash escape in a printf format: its text, how many chars it used, and whether
/// it was `\c`.
fn printf_escape(s: &[char]) -> (String, usize, bool) {
    let n = s[1];
    let simple = |c: char| (c.to_string(), 2, false);
    match n {
        'n' => simple('\n'),
        't' => simple('\t'),
        'r' => simple('\r'),
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        'f' => simple('\x0c'),
        'v' => simple('\x0b'),
        'e' => simple('\x1b'),
        '\\' => simple('\\'),
        '"' => simple('"'),
        '\'' => simple('\''),
        'c' => (String::new(), 2, true),
        d if d.is_digit(8) => {
            let mut v = 0u32;
            let mut k = 1;
            while k < 4 && k < s.len() && s[k].is_digit(8) {
                v = v * 8 + s[k].to_digit(8).unwrap_or(0);
                k += 1;
            }
            (char::from_u32(v).unwrap_or('\0').to_string(), k, false)
        }
        other => (format!("\\{other}"), 2, false),
    }
}

fn cd(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let args: Vec<&String> = args.iter().filter(|a| *a != "-L" && *a != "-P").collect();
    if args.len() > 1 && ex.dialect() == Dialect::Bash {
        let msg = format!("{}too many arguments\n", ex.builtin_prefix("cd"));
        ex.write(out, Stream::Err, msg)?;
        return Ok(1);
    }
    let mut print = false;
    let target = match args.first().map(|s| s.as_str()) {
        None => ex.lookup("HOME").unwrap_or_else(|| "/".into()),
        Some("-") => match ex.lookup("OLDPWD") {
            Some(o) => {
                print = true;
                o
            }
            None => {
                let msg = format!("{}OLDPWD not set\n", ex.builtin_prefix("cd"));
                ex.write(out, Stream::Err, msg)?;
                return Ok(1);
            }
        },
        Some(p) => p.to_string(),
    };
    let path = ex.sh.state.resolve(&target);
    if ex.host.is_dir(&ex.sh.state, &path) {
        let old = ex.sh.state.cwd.clone();
        ex.sh.state.set("OLDPWD", old);
        ex.sh.state.set("PWD", path.clone());
        ex.sh.state.cwd = path.clone();
        if print {
            ex.write(out, Stream::Out, format!("{path}\n"))?;
        }
        return Ok(0);
    }
    let why = if ex.host.read_file(&ex.sh.state, &path).is_ok() {
        "Not a directory"
    } else {
        "No such file or directory"
    };
    let (msg, status) = match ex.dialect() {
        Dialect::Bash => (format!("{}{target}: {why}\n", ex.builtin_prefix("cd")), 1),
        Dialect::Ash => (
            format!("{}can't cd to {target}: {why}\n", ex.builtin_prefix("cd")),
            2,
        ),
        Dialect::Dash => (
            format!("{}can't cd to {target}\n", ex.builtin_prefix("cd")),
            2,
        ),
    };
    ex.write(out, Stream::Err, msg)?;
    Ok(status)
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn export(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        let mut s = String::new();
        let st = &ex.sh.state;
        for k in &st.exported {
            match (ex.sh.dialect, st.vars.get(k)) {
                (Dialect::Bash, Some(v)) => {
                    let v: String = v
                        .chars()
                        .flat_map(|c| {
                            let esc = matches!(c, '"' | '\\' | '$' | '`');
                            esc.then_some('\\').into_iter().chain([c])
                        })
                        .collect();
                    s.push_str(&format!("declare -x {k}=\"{v}\"\n"));
                }
                (Dialect::Bash, None) => s.push_str(&format!("declare -x {k}\n")),
                (_, Some(v)) => {
                    s.push_str(&format!("export {k}='{}'\n", v.replace('\'', "'\"'\"'")))
                }
                (_, None) => s.push_str(&format!("export {k}\n")),
            }
        }
        ex.write(out, Stream::Out, s)?;
        return Ok(0);
    }
    let mut status = 0;
    for a in names {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !valid_name(name) {
            let msg = match ex.dialect() {
                Dialect::Bash => format!(
                    "{}`{a}': not a valid identifier\n",
                    ex.builtin_prefix("export")
                ),
                _ => format!("{}bad variable name\n", ex.builtin_prefix("export")),
            };
            ex.write(out, Stream::Err, msg)?;
            status = if ex.dialect() == Dialect::Bash { 1 } else { 2 };
            continue;
        }
        if let Some(v) = value {
            ex.sh.state.set(name, v);
        }
        ex.sh.state.exported.insert(name.to_string());
    }
    Ok(status)
}

fn exit(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let Some(a) = args.first() else {
        return Err(Stop::Exit(ex.sh.state.last_status));
    };
    match a.trim().parse::<i64>() {
        Ok(n) => Err(Stop::Exit((n & 0xff) as i32)),
        Err(_) => {
            let msg = match ex.dialect() {
                Dialect::Bash => format!(
                    "{}{a}: numeric argument required\n",
                    ex.builtin_prefix("exit")
                ),
                _ => format!("{}Illegal number: {a}\n", ex.builtin_prefix("exit")),
            };
            ex.write(out, Stream::Err, msg)?;
            Err(Stop::Exit(2))
        }
    }
}

fn sleep(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let busybox = ex.dialect() == Dialect::Ash;
    if args.is_empty() {
        let msg = if busybox {
            "Usage: sleep [N]...\n\nPause for a time equal to the total of the args given\n"
        } else {
            "sleep: missing operand\nTry 'sleep --help' for more information.\n"
        };
        ex.write(out, Stream::Err, msg)?;
        return Ok(1);
    }
    let mut total: u64 = 0;
    for a in args {
        if a == "infinity" || a == "inf" {
            total = u64::MAX;
            continue;
        }
        match parse_duration(a) {
            Some(ms) => total = total.saturating_add(ms),
            None => {
                let msg = if busybox {
                    format!("sleep: invalid number '{a}'\n")
                } else {
                    format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n")
                };
                ex.write(out, Stream::Err, msg)?;
                return Ok(1);
            }
        }
    }
    ex.sleep(total, out)?;
    Ok(0)
}

fn read(ex: &mut Exec, args: &[String], input: &mut Input) -> R<i32> {
    let mut raw = false;
    let mut names = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-r" => raw = true,
            "-p" => i += 1,
            a => names.push(a.to_string()),
        }
        i += 1;
    }
    if names.is_empty() {
        names.push("REPLY".into());
    }
    let Some((mut line, had_newline)) = input.read_line() else {
        for n in &names {
            ex.sh.state.set(n, "");
        }
        return Ok(1);
    };
    if !raw {
        let mut s = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    s.push(n);
                }
            } else {
                s.push(c);
            }
        }
        line = s;
    }
    let ifs = ex.lookup("IFS").unwrap_or_else(|| " \t\n".into());
    let is_sep = |c: char| ifs.contains(c);
    let mut rest = line.trim_start_matches(is_sep);
    for (k, n) in names.iter().enumerate() {
        if k + 1 == names.len() {
            ex.sh.state.set(n, rest.trim_end_matches(is_sep));
            break;
        }
        let end = rest.find(is_sep).unwrap_or(rest.len());
        ex.sh.state.set(n, &rest[..end]);
        rest = rest[end..].trim_start_matches(is_sep);
    }
    Ok(if had_newline { 0 } else { 1 })
}

fn set(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    if args.is_empty() {
        let mut s = String::new();
        for (k, v) in &ex.sh.state.vars {
            s.push_str(&format!("{k}='{}'\n", v.replace('\'', "'\"'\"'")));
        }
        ex.write(out, Stream::Out, s)?;
        return Ok(0);
    }
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            ex.sh.args = args[i + 1..].to_vec();
            return Ok(0);
        }
        let (on, flags) = match (a.strip_prefix('-'), a.strip_prefix('+')) {
            (Some(f), _) if !f.is_empty() => (true, f),
            (_, Some(f)) if !f.is_empty() => (false, f),
            _ => {
                ex.sh.args = args[i..].to_vec();
                return Ok(0);
            }
        };
        for c in flags.chars() {
            match c {
                'e' => ex.sh.errexit = on,
                'x' => ex.sh.xtrace = on,
                'o' => i += 1,
                _ => {}
            }
        }
        i += 1;
    }
    Ok(0)
}

/// Runs text as commands in this shell (`eval`, `.`).
fn source_text(ex: &mut Exec, src: &str, input: &mut Input, out: &mut Output) -> R<i32> {
    if ex.depth >= ex.sh.limits.depth {
        let msg = format!(
            "{}: stopped: commands nested deeper than {} levels\n",
            ex.sh.name, ex.sh.limits.depth
        );
        out.push_err(msg);
        return Err(Stop::Budget);
    }
    let mut p = match Parser::new(src) {
        Ok(p) => p,
        Err(e) => {
            let msg = ex.voice().syntax(&e.error, e.line, src);
            ex.write(out, Stream::Err, msg)?;
            return Ok(2);
        }
    };
    ex.depth += 1;
    let line = ex.line;
    let source = std::mem::replace(&mut ex.source, src.to_string());
    let r = ex.run_parser(&mut p, input, out);
    ex.source = source;
    ex.line = line;
    ex.depth -= 1;
    match r {
        Err(Stop::Fatal(2)) => Ok(2),
        r => r,
    }
}

fn dot(ex: &mut Exec, name: &str, args: &[String], input: &mut Input, out: &mut Output) -> R<i32> {
    let Some(file) = args.first() else {
        let msg = format!("{}filename argument required\n", ex.builtin_prefix(name));
        ex.write(out, Stream::Err, msg)?;
        return Ok(2);
    };
    let path = ex.sh.state.resolve(file);
    match ex.host.read_file(&ex.sh.state, &path) {
        Ok(src) => source_text(ex, &src, input, out),
        Err(e) => {
            let (msg, status) = match ex.dialect() {
                Dialect::Bash => (format!("{}{file}: {e}\n", ex.voice().prefix()), 1),
                Dialect::Ash => (
                    format!("{}can't open '{file}': {e}\n", ex.builtin_prefix(name)),
                    2,
                ),
                Dialect::Dash => (
                    format!(
                        "{}cannot open {file}: No such file\n",
                        ex.builtin_prefix(name)
                    ),
                    2,
                ),
            };
            ex.write(out, Stream::Err, msg)?;
            if ex.dialect() == Dialect::Bash {
                Ok(status)
            } else {
                Err(Stop::Fatal(status))
            }
        }
    }
}

fn shift(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let bash = ex.dialect() == Dialect::Bash;
    let n = match args.first() {
        None => 1,
        Some(a) => match a.parse::<i64>() {
            Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            // bash: a negative count is out of range; dash and ash: not a count at all.
            Ok(_) if bash => {
                let msg = format!(
                    "{}{a}: shift count out of range\n",
                    ex.builtin_prefix("shift")
                );
                ex.write(out, Stream::Err, msg)?;
                return Ok(1);
            }
            _ => {
                if bash {
                    let msg = format!(
                        "{}{a}: numeric argument required\n",
                        ex.builtin_prefix("shift")
                    );
                    ex.write(out, Stream::Err, msg)?;
                    return Ok(1);
                }
                // A special builtin's error ends a POSIX shell's script (or the line typed).
                let msg = format!("{}Illegal number: {a}\n", ex.builtin_prefix("shift"));
                ex.write(out, Stream::Err, msg)?;
                return Err(Stop::Fatal(2));
            }
        },
    };
    if n > ex.sh.args.len() {
        // bash says nothing unless `shopt -s shift_verbose`; dash and ash complain.
        if bash {
            return Ok(1);
        }
        let msg = format!("{}can't shift that many\n", ex.builtin_prefix("shift"));
        ex.write(out, Stream::Err, msg)?;
        return Err(Stop::Fatal(2));
    }
    // Moving the rest down costs as much as copying their handles.
    let moved = (ex.sh.args.len() - n) * std::mem::size_of::<String>();
    ex.charge(moved, out)?;
    ex.sh.args.drain(..n);
    Ok(0)
}

fn history(ex: &mut Exec, args: &[String], out: &mut Output) -> R<i32> {
    let h = &ex.sh.state.history;
    let skip = match args.first().and_then(|a| a.parse::<usize>().ok()) {
        Some(n) => h.len().saturating_sub(n),
        None => 0,
    };
    let mut s = String::new();
    for (i, line) in h.iter().enumerate().skip(skip) {
        s.push_str(&format!("{:5}  {line}\n", i + 1));
    }
    ex.write(out, Stream::Out, s)?;
    Ok(0)
}

// ---------------------------------------------------------------------- test

enum TestErr {
    Missing,
    Integer(String),
    Unary(String),
    Binary(String),
    TooMany,
}

fn test(ex: &mut Exec, name: &str, args: &[String], out: &mut Output) -> R<i32> {
    let mut args: Vec<String> = args.to_vec();
    if name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            return test_error(ex, name, TestErr::Missing, out);
        }
        args.pop();
    }
    let mut t = TestEval {
        ex,
        args: &args,
        pos: 0,
    };
    let r = if t.args.is_empty() {
        Ok(false)
    } else {
        t.or().and_then(|v| {
            if t.pos < t.args.len() {
                Err(if t.args.len() > 3 {
                    TestErr::TooMany
                } else {
                    TestErr::Binary(t.args[t.pos.saturating_sub(1).min(t.args.len() - 1)].clone())
                })
            } else {
                Ok(v)
            }
        })
    };
    match r {
        Ok(v) => Ok(if v { 0 } else { 1 }),
        Err(e) => test_error(ex, name, e, out),
    }
}

fn test_error(ex: &mut Exec, name: &str, e: TestErr, out: &mut Output) -> R<i32> {
    let d = ex.dialect();
    let body = match (&e, d) {
        (TestErr::Missing, Dialect::Bash) => "missing `]'".to_string(),
        (TestErr::Missing, _) => "missing ]".to_string(),
        (TestErr::Integer(a), Dialect::Bash) => format!("{a}: integer expression expected"),
        (TestErr::Integer(a), Dialect::Dash) => format!("Illegal number: {a}"),
        (TestErr::Integer(a), Dialect::Ash) => format!("{a}: bad number"),
        (TestErr::Unary(a), Dialect::Bash) => format!("{a}: unary operator expected"),
        (TestErr::Binary(a), Dialect::Bash) => format!("{a}: binary operator expected"),
        (TestErr::TooMany, Dialect::Bash) => "too many arguments".to_string(),
        (TestErr::Unary(a) | TestErr::Binary(a), Dialect::Dash) => {
            format!("{a}: unexpected operator")
        }
        (TestErr::TooMany, Dialect::Dash) => "unexpected operator".to_string(),
        (TestErr::Unary(a) | TestErr::Binary(a), Dialect::Ash) => format!("{a}: unknown operand"),
        (TestErr::TooMany, Dialect::Ash) => "too many arguments".to_string(),
    };
    let prefix = match d {
        // busybox's test reports through its applet messages: `sh: missing ]`.
        Dialect::Ash => ex.voice().prefix(),
        _ => ex.builtin_prefix(name),
    };
    ex.write(out, Stream::Err, format!("{prefix}{body}\n"))?;
    Ok(2)
}

struct TestEval<'e, 'x, 'a> {
    ex: &'e mut Exec<'x>,
    args: &'a [String],
    pos: usize,
}

const UNARY: &[&str] = &[
    "-n", "-z", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-p", "-S", "-t",
];
const BINARY: &[&str] = &[
    "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef",
];

impl TestEval<'_, '_, '_> {
    fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(String::as_str)
    }

    fn or(&mut self) -> Result<bool, TestErr> {
        let mut v = self.and()?;
        while self.arg(self.pos) == Some("-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, TestErr> {
        let mut v = self.not()?;
        while self.arg(self.pos) == Some("-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> Result<bool, TestErr> {
        if self.arg(self.pos) == Some("!") && self.pos + 1 < self.args.len() {
            self.pos += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, TestErr> {
        let Some(a) = self.arg(self.pos).map(str::to_string) else {
            return Err(TestErr::Missing);
        };
        // A binary operator in second place wins over everything else.
        if let Some(op) = self.arg(self.pos + 1).filter(|o| BINARY.contains(o)) {
            if let Some(b) = self.arg(self.pos + 2).map(str::to_string) {
                let op = op.to_string();
                self.pos += 3;
                return self.binary(&a, &op, &b);
            }
        }
        if a == "(" && self.pos + 1 < self.args.len() {
            self.pos += 1;
            let v = self.or()?;
            if self.arg(self.pos) != Some(")") {
                return Err(TestErr::Missing);
            }
            self.pos += 1;
            return Ok(v);
        }
        if UNARY.contains(&a.as_str()) {
            if let Some(b) = self.arg(self.pos + 1).map(str::to_string) {
                self.pos += 2;
                return Ok(self.unary(&a, &b));
            }
        }
        if a.starts_with('-') && a.len() == 2 && self.pos + 1 < self.args.len() {
            return Err(TestErr::Unary(a));
        }
        self.pos += 1;
        Ok(!a.is_empty())
    }

    fn unary(&mut self, op: &str, x: &str) -> bool {
        let state = self.ex.sh.state.clone();
        let path = state.resolve(x);
        let is_dir = |ex: &mut Exec| ex.host.is_dir(&state, &path);
        let file = |ex: &mut Exec| ex.host.read_file(&state, &path).ok();
        match op {
            "-n" => !x.is_empty(),
            "-z" => x.is_empty(),
            "-d" => is_dir(self.ex),
            "-f" => !x.is_empty() && file(self.ex).is_some(),
            "-e" | "-r" | "-w" => !x.is_empty() && (is_dir(self.ex) || file(self.ex).is_some()),
            "-s" => is_dir(self.ex) || file(self.ex).is_some_and(|c| !c.is_empty()),
            "-x" => is_dir(self.ex),
            _ => false,
        }
    }

    fn binary(&mut self, a: &str, op: &str, b: &str) -> Result<bool, TestErr> {
        let int = |s: &str| -> Result<i64, TestErr> {
            s.trim()
                .parse::<i64>()
                .map_err(|_| TestErr::Integer(s.to_string()))
        };
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            _ => false,
        })
    }
}
