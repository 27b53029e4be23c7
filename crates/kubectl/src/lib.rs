//! kubectl for Ordinal: a command line in, calls to the simulated API server, kubectl's output
//! out. Shaped like ripgrep: raw args → a typed command → execute → printers. Long-running
//! commands (`get -w`, `rollout status`, the wait after `delete`, attached shells) return a
//! [`jobs::Job`] that the caller drives (see [`session`]). Every verb is one entry of
//! [`verbs::VERBS`].

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod apply;
pub mod args;
pub mod auth;
pub mod complete;
pub mod cp;
pub mod debug;
pub mod delete;
pub mod deployment;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod dryrun;
pub mod edit;
pub mod env;
pub mod errors;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod get;
pub mod help;
pub mod info;
pub mod jobcontrol;
pub mod jobs;
pub mod label;
pub mod logs;
pub mod manifests;
pub mod output;
pub mod patch;
pub mod poll;
pub mod portforward;
pub mod printers;
pub mod replace;
pub mod resource;
pub mod rollout;
pub mod scale;
pub mod selector;
pub mod session;
pub mod set;
pub mod table;
pub mod taint;
pub mod top;
pub mod udiff;
pub mod verbs;
pub mod wait;
pub mod why;
pub mod workstation;

pub use env::Env;
pub use manifests::Files;
pub use output::{Output, Stream};
pub use session::Session;

use ordinal_sim::Cluster;

/// Runs one kubectl command line (`args` excludes the program name).
pub fn run(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut args = args.to_vec();
    // Global flags may come before the command: `kubectl -n kube-system get pods`.
    let mut lead = Vec::new();
    while let Some(a) = args.first() {
        if a == "-n" || a == "--namespace" {
            if args.len() < 2 {
                break;
            }
            lead.extend(args.drain(..2));
        } else if a.starts_with("--namespace=") || (a.starts_with("-n") && a.len() > 2) {
            lead.push(args.remove(0));
        } else {
            break;
        }
    }
    let Some(cmd) = args.first().cloned() else {
        let mut out = Output::default();
        out.out(help::top());
        return out;
    };
    let mut rest: Vec<String> = args[1..].to_vec();
    rest.extend(lead);
    let mut out = Output::default();
    if cmd == "--help" || cmd == "-h" {
        out.out(help::about(rest.first()));
        return out;
    }
    if cmd == "--version" {
        return info::version(c, &rest, env);
    }
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        if cmd == "set" {
            out.out(set::help(&rest));
            return out;
        }
        if let Some(text) = help::command(&cmd) {
            out.out(text);
            return out;
        }
    }
    match verbs::find(&cmd).map(|v| (v, v.run)) {
        Some((verb, verbs::Run::Cmd(run))) => {
            let mut out = run(c, &rest, env);
            name_subcommand_in_hint(verb, &rest, &mut out);
            return out;
        }
        Some((_, verbs::Run::Help)) if rest.first().is_some_and(|v| v == "set") => {
            out.out(set::help(&rest[1..]))
        }
        Some((_, verbs::Run::Help)) => out.out(help::about(rest.first())),
        Some((_, verbs::Run::NotHere(why))) => out.err(format!(
            "error: \"kubectl {cmd}\" is not available in this playground: {why}"
        )),
        None => out.err(unknown_command(&cmd)),
    }
    out
}

/// Cobra finds the deepest command the leading words name before it parses any flag, so a
/// flag error's hint names that command: `See 'kubectl rollout status --help' for usage.`
/// A verb that parses its subcommands' flags together writes its own name there; this puts
/// the subcommand's in (by its full name: `create deploy` is `create deployment`).
fn name_subcommand_in_hint(verb: &verbs::Verb, args: &[String], out: &mut Output) {
    if out.status == 0 {
        return;
    }
    let mut path = verb.name.to_string();
    let mut subs = verb.subs;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            // cobra's `stripFlags`: `--flag` or `-f` without `=` takes the next word, unless
            // it is a flag known to need no value (an unknown one is taken to need one).
            let known = verb.flags.iter().chain(args::GLOBAL).any(|f| f.names(a))
                || subs.iter().any(|s| s.flags.iter().any(|f| f.names(a)));
            let bool_flag = known && !verb.takes_value(a);
            let long_or_short = a.starts_with("--") || a.chars().count() == 2;
            if !a.contains('=') && long_or_short && !bool_flag {
                i += 1;
            }
            continue;
        }
        match args::find_sub(subs, a) {
            Some(s) => {
                path.push(' ');
                path.push_str(s.name);
                subs = s.subs;
            }
            None => break,
        }
    }
    let to = format!("See 'kubectl {path} --help' for usage.");
    // The verb's name, or a shallower subcommand's, written where the deepest belongs.
    let mut prefix = path.as_str();
    while let Some((shorter, _)) = prefix.rsplit_once(' ') {
        prefix = shorter;
        let from = format!("See 'kubectl {prefix} --help' for usage.");
        for (stream, text) in &mut out.chunks {
            if *stream == Stream::Err && text.contains(&from) {
                *text = text.replace(&from, &to);
            }
        }
    }
}

/// Cobra's answer to an unknown command, with its suggestions. kubectl prints the error
/// itself (`CheckErr`), so cobra's "Run 'kubectl --help' for usage." never follows it.
fn unknown_command(cmd: &str) -> String {
    let mut msg = format!("error: unknown command \"{cmd}\" for \"kubectl\"");
    let close: Vec<&str> = verbs::commands()
        .into_iter()
        .filter(|c| edit_distance(c, cmd) <= 2 || (cmd.len() > 2 && c.starts_with(cmd)))
        .collect();
    if !close.is_empty() {
        msg.push_str("\n\nDid you mean this?");
        for c in close {
            msg.push_str(&format!("\n\t{c}"));
        }
    }
    msg
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One kubectl line, split on spaces, run with `stdin` and no files in the default namespace:
/// what the verb modules' tests type.
#[cfg(test)]
pub(crate) fn run_line(c: &mut Cluster, line: &str, stdin: &str) -> Output {
    let files = session::MemFiles::default();
    let env = Env {
        namespace: "default",
        files: &files,
        stdin,
        interactive_shells: false,
    };
    let args: Vec<String> = line.split_whitespace().map(String::from).collect();
    run(c, &args, &env)
}
