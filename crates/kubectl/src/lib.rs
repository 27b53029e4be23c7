//! kubectl for Ordinal: a command line in, calls to the simulated API server, kubectl's output
//! out. Shaped like ripgrep: raw args → a typed command → execute → printers. Long-running
//! commands (`get -w`, `rollout status`, the wait after `delete`, attached shells) return a
//! [`jobs::Job`] that the caller drives (see [`session`]).

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod apply;
pub mod args;
pub mod complete;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod errors;
pub mod exec;
pub mod get;
pub mod help;
pub mod info;
pub mod jobs;
pub mod label;
pub mod logs;
pub mod manifests;
pub mod output;
pub mod patch;
pub mod poll;
pub mod printers;
pub mod resource;
pub mod rollout;
pub mod scale;
pub mod selector;
pub mod session;
pub mod table;
pub mod wait;
pub mod workstation;

pub use manifests::Files;
pub use output::{Output, Stream};
pub use session::Session;

use ordinal_sim::Cluster;

/// What a kubectl invocation runs in.
pub struct Env<'a> {
    /// The current namespace (`-n` overrides it).
    pub namespace: &'a str,
    /// Where `-f PATH` reads.
    pub files: &'a dyn Files,
    /// Standard input (for `-f -` and `exec -i`).
    pub stdin: &'a str,
    /// Whether `exec -it … -- sh` may attach an interactive shell (a terminal session can).
    pub interactive_shells: bool,
}

const COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "cluster-info",
    "config",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "exec",
    "get",
    "label",
    "logs",
    "patch",
    "rollout",
    "run",
    "scale",
    "uncordon",
    "version",
    "wait",
];

/// Real kubectl commands the playground does not have.
const NOT_HERE: &[&str] = &[
    "alpha",
    "api-versions",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "completion",
    "cp",
    "debug",
    "diff",
    "edit",
    "events",
    "explain",
    "expose",
    "kustomize",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "set",
    "taint",
    "top",
];

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
    if cmd == "--help" || cmd == "-h" || cmd == "help" {
        let mut out = Output::default();
        out.out(match rest.first() {
            Some(c) => help::command(c).unwrap_or_else(help::top),
            None => help::top(),
        });
        return out;
    }
    if cmd == "version" && rest.is_empty() || cmd == "--version" {
        return info::version(&rest);
    }
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        if let Some(text) = help::command(&cmd) {
            let mut out = Output::default();
            out.out(text);
            return out;
        }
    }
    match cmd.as_str() {
        "get" => get::run(c, &rest, env),
        "apply" => apply::apply(c, &rest, env),
        "create" => apply::create(c, &rest, env),
        "delete" => delete::run(c, &rest, env),
        "describe" => describe::run(c, &rest, env),
        "scale" => scale::scale(c, &rest, env),
        "patch" => patch::patch(c, &rest, env),
        "label" => label::label(c, &rest, env, false),
        "annotate" => label::label(c, &rest, env, true),
        "cordon" => drain::cordon(c, &rest, false),
        "uncordon" => drain::cordon(c, &rest, true),
        "drain" => drain::drain(c, &rest),
        "logs" => logs::logs(c, &rest, env),
        "wait" => wait::wait(c, &rest, env),
        "rollout" => rollout::rollout(c, &rest, env),
        "exec" => exec::exec(c, &rest, env),
        "run" => exec::run(c, &rest, env),
        "version" => info::version(&rest),
        "api-resources" => info::api_resources(),
        "cluster-info" => info::cluster_info(),
        "config" => info::config(&rest, env),
        other => {
            let mut out = Output::default();
            if NOT_HERE.contains(&other) {
                out.err(format!("error: \"kubectl {other}\" is not available in this playground. Run 'kubectl --help' for what is."));
            } else {
                let mut msg = format!("error: unknown command \"{other}\" for \"kubectl\"");
                let close: Vec<&&str> = COMMANDS
                    .iter()
                    .filter(|c| {
                        edit_distance(c, other) <= 2 || (other.len() > 2 && c.starts_with(other))
                    })
                    .collect();
                if !close.is_empty() {
                    msg.push_str("\n\nDid you mean this?\n");
                    for c in close {
                        msg.push_str(&format!("\t{c}\n"));
                    }
                } else {
                    msg.push('\n');
                }
                msg.push_str("\nRun 'kubectl --help' for usage.");
                out.err(msg);
            }
            out
        }
    }
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
