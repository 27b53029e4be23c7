//! A command line's grammar and its parser: flags with kubectl's (cobra/pflag) rules (`-n x`,
//! `-n=x`, `-nx`, `--namespace x`, `--namespace=x`, combined booleans `-it`, `--` ending
//! flags, and cobra's error wording), subcommands, and what operands are (for completion);
//! Go durations as flags take them. [`crate::verbs`] puts these together into each verb.

use ordinal_sim::api::Kind;
use std::collections::BTreeMap;

#[derive(Copy, Clone, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

impl FlagSpec {
    /// Whether `word` is this flag as a word of its own: `--long` or `-s`.
    pub fn names(&self, word: &str) -> bool {
        match word.strip_prefix("--") {
            Some(long) => long == self.long,
            None => {
                let mut chars = word.chars();
                chars.next() == Some('-')
                    && self.short.is_some_and(|s| chars.next() == Some(s))
                    && chars.next().is_none()
            }
        }
    }
}

/// Whether `word` is a flag of `specs` or [`GLOBAL`] that takes a value, so the next word is
/// that value rather than an operand.
pub fn takes_value(specs: &[FlagSpec], word: &str) -> bool {
    specs
        .iter()
        .chain(GLOBAL)
        .any(|f| f.takes_value && f.names(word))
}

pub const fn flag(long: &'static str, short: Option<char>, takes_value: bool) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value,
    }
}

/// What a command's operands are, so Tab completion can offer them.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Operands {
    /// Nothing the cluster can offer (files, a new name, a command for a container).
    None,
    /// One object of a kind, by name (`exec POD`, `drain NODE`).
    Name(Kind),
    /// A resource type (or `TYPE/NAME`), then names of that type (`get pods web-0 web-1`).
    Typed,
    /// One object of these kinds as `TYPE NAME` or `TYPE/NAME` (`rollout status sts/web`).
    TypedName(&'static [Kind]),
    /// Command names (`help VERB`).
    Verbs,
}

/// A subcommand (`rollout status`, `create secret generic`): its name, the flags its parser
/// takes, its operands, and its own subcommands.
#[derive(Copy, Clone, Debug)]
pub struct Sub {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Whether Tab completion offers it (rollout's `pause` and `resume` exist only to say that
    /// StatefulSets have no such thing).
    pub offered: bool,
    pub flags: &'static [FlagSpec],
    pub operands: Operands,
    pub subs: &'static [Sub],
}

/// A subcommand taking `flags` and `operands`; offered by completion, no aliases, no subcommands.
pub const fn sub(name: &'static str, flags: &'static [FlagSpec], operands: Operands) -> Sub {
    Sub {
        name,
        aliases: &[],
        offered: true,
        flags,
        operands,
        subs: &[],
    }
}

impl Sub {
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Sub {
        Sub { aliases, ..self }
    }
    /// Not offered by Tab completion.
    pub const fn hidden(self) -> Sub {
        Sub {
            offered: false,
            ..self
        }
    }
    pub const fn subs(self, subs: &'static [Sub]) -> Sub {
        Sub { subs, ..self }
    }
    /// Whether `word` names it.
    pub fn is(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

/// The subcommand of `subs` that `word` names.
pub fn find_sub<'a>(subs: &'a [Sub], word: &str) -> Option<&'a Sub> {
    subs.iter().find(|s| s.is(word))
}

/// Flags every command accepts.
pub const GLOBAL: &[FlagSpec] = &[
    flag("namespace", Some('n'), true),
    flag("help", Some('h'), false),
    flag("context", None, true),
    flag("kubeconfig", None, true),
    flag("cluster", None, true),
    flag("user", None, true),
    flag("v", Some('v'), true),
    flag("request-timeout", None, true),
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub positionals: Vec<String>,
    pub flags: BTreeMap<&'static str, Vec<String>>,
    /// Everything after `--`.
    pub rest: Vec<String>,
    pub dash_dash: bool,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }
    /// A boolean flag: present without a value, or `=true`/`=false`.
    pub fn bool(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v != "false")
    }
}

/// Parses `args` (the words after the command name) against `specs` plus [`GLOBAL`].
/// `cmd` names the command for the "See 'kubectl get --help'" hint.
pub fn parse(args: &[String], specs: &[FlagSpec], cmd: &str) -> Result<Parsed, String> {
    let all: Vec<&FlagSpec> = specs.iter().chain(GLOBAL.iter()).collect();
    let hint = format!("See 'kubectl {cmd} --help' for usage.");
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            p.dash_dash = true;
            p.rest = args[i..].to_vec();
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = all.iter().find(|s| s.long == name) else {
                return Err(format!("error: unknown flag: --{name}\n{hint}"));
            };
            let value = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(format!("error: flag needs an argument: --{name}\n{hint}")),
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            p.flags.entry(spec.long).or_default().push(value);
        } else if a.len() > 1 && a.starts_with('-') && !is_negative_number(a) {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let ch = chars[j];
                let Some(spec) = all.iter().find(|s| s.short == Some(ch)) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{ch}' in {a}\n{hint}"
                    ));
                };
                if spec.takes_value {
                    let tail: String = chars[j + 1..].iter().collect();
                    let value = if !tail.is_empty() {
                        tail.strip_prefix('=').unwrap_or(&tail).to_string()
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(format!(
                            "error: flag needs an argument: '{ch}' in {a}\n{hint}"
                        ));
                    };
                    p.flags.entry(spec.long).or_default().push(value);
                    break;
                }
                p.flags.entry(spec.long).or_default().push("true".into());
                j += 1;
            }
        } else {
            p.positionals.push(a.clone());
        }
    }
    Ok(p)
}

/// [`parse`], writing a failure into `out` (every verb starts this way).
pub fn parse_into(
    args: &[String],
    specs: &[FlagSpec],
    cmd: &str,
    out: &mut crate::Output,
) -> Option<Parsed> {
    match parse(args, specs, cmd) {
        Ok(p) => Some(p),
        Err(e) => {
            out.err(e);
            None
        }
    }
}

/// The `-l/--selector` flag, parsed: `Some(None)` when absent; `None` when bad (the error is
/// written into `out`).
pub fn selector_into(
    p: &Parsed,
    out: &mut crate::Output,
) -> Option<Option<crate::selector::Selector>> {
    match p
        .value("selector")
        .map(crate::selector::Selector::parse)
        .transpose()
    {
        Ok(s) => Some(s),
        Err(e) => {
            out.err(e);
            None
        }
    }
}

fn is_negative_number(s: &str) -> bool {
    s.len() > 1 && s[1..].chars().all(|c| c.is_ascii_digit())
}

/// Go durations as kubectl flags take them: `30s`, `1m30s`, `500ms`, `2h`.
pub fn parse_duration(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() || ch == '.' {
            num.push(ch);
            continue;
        }
        let mut unit = ch.to_string();
        if ch == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        any = true;
    }
    (any && num.is_empty() && total.is_finite() && total < 1e15).then_some(total as u64)
}

/// Go's `time.Duration.String()` for whole milliseconds: `20s`, `1m0s`, `1m30s`, `1h0m0s`.
pub fn go_duration(ms: u64) -> String {
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:03}").trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else if ms < 1000 {
        format!("{ms}ms")
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flag_forms() {
        let specs = [
            flag("output", Some('o'), true),
            flag("watch", Some('w'), false),
            flag("selector", Some('l'), true),
            flag("stdin", Some('i'), false),
            flag("tty", Some('t'), false),
        ];
        let p = parse(
            &v("pods -l app=nginx -w -o=wide -nkube-system"),
            &specs,
            "get",
        )
        .unwrap();
        assert_eq!(p.positionals, ["pods"]);
        assert_eq!(p.value("selector"), Some("app=nginx"));
        assert!(p.bool("watch"));
        assert_eq!(p.value("output"), Some("wide"));
        assert_eq!(p.value("namespace"), Some("kube-system"));
        let p = parse(&v("web-0 -it -- sh -c ls"), &specs, "exec").unwrap();
        assert!(p.bool("stdin") && p.bool("tty"));
        assert_eq!(p.rest, v("sh -c ls"));
        assert_eq!(
            parse(&v("--bogus"), &specs, "get").unwrap_err(),
            "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse(&v("-x"), &specs, "get").unwrap_err(),
            "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse(&v("-n"), &specs, "get").unwrap_err(),
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage."
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("2h"), Some(7_200_000));
        assert_eq!(parse_duration("abc"), None);
        assert_eq!(parse_duration("10"), None);
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(20_000), "20s");
        assert_eq!(go_duration(60_000), "1m0s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
        assert_eq!(go_duration(1_500), "1.5s");
        assert_eq!(go_duration(500), "500ms");
    }
}
