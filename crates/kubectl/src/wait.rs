//! `kubectl wait --for`: a condition, deletion or a JSONPath value, as a job that polls.

use crate::args::{flag, parse_duration, FlagSpec};
use crate::jobs::{Job, WaitCondition};
use crate::output::Output;
use crate::resource::targets;
use crate::Env;
use ordinal_sim::Cluster;

/// `kubectl wait`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("for", None, true),
    flag("timeout", None, true),
    flag("selector", Some('l'), true),
    flag("all", None, false),
];

pub fn wait(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "wait", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(f) = p.value("for") else {
        out.err("error: --for must be specified");
        return out;
    };
    let condition = if f == "delete" {
        WaitCondition::Delete { uids: Vec::new() }
    } else if let Some(cond) = f.strip_prefix("condition=") {
        let (name, value) = cond
            .split_once('=')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or((cond.to_string(), "true".into()));
        WaitCondition::Condition { name, value }
    } else if let Some(jp) = f.strip_prefix("jsonpath=") {
        let (path, value) = jp
            .rsplit_once('=')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or((jp.to_string(), String::new()));
        let path = path
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_string();
        WaitCondition::JsonPath { path, value }
    } else {
        out.err(format!("error: unrecognized condition: \"{f}\""));
        return out;
    };
    let timeout_ms = match p.value("timeout") {
        None => 30_000,
        Some(t) => match parse_duration(t) {
            Some(ms) => ms,
            None => {
                out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""));
                return out;
            }
        },
    };
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    let Some(selector) = crate::args::selector_into(&p, &mut out) else {
        return out;
    };
    let mut objs = Vec::new();
    for (kind, name) in t {
        if name.is_empty() {
            for o in c.list(kind, Some(&ns)) {
                if selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.meta().labels))
                {
                    objs.push((kind, ns.clone(), o.name().to_string()));
                }
            }
        } else if c.get(kind, &ns, &name).is_err() {
            // `--for=delete` ignores NotFound: an object already gone is not waited for, and
            // prints nothing.
            if !matches!(condition, WaitCondition::Delete { .. }) {
                out.err(format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    kind.resource()
                ));
                return out;
            }
        } else {
            objs.push((kind, ns.clone(), name));
        }
    }
    if objs.is_empty() && matches!(condition, WaitCondition::Delete { .. }) {
        return out;
    }
    let mut condition = condition;
    if let WaitCondition::Delete { uids } = &mut condition {
        *uids = objs
            .iter()
            .map(|(k, ns, n)| {
                c.get(*k, ns, n)
                    .map(|o| o.meta().uid.clone())
                    .unwrap_or_default()
            })
            .collect();
    }
    if objs.is_empty() {
        out.err("error: no matching resources found");
        return out;
    }
    let n = objs.len();
    out.job = Some(Job::WaitFor {
        targets: objs,
        condition,
        deadline: c.now().plus_ms(timeout_ms),
        met: vec![false; n],
    });
    out
}
