//! `kubectl delete`: by name, `TYPE/NAME`, `-l`, `--all`, `-f`; cascade, grace period, force;
//! then (like kubectl) waits until the objects are gone.

use crate::args::{flag, FlagSpec};
use crate::dryrun::DryRun;
use crate::jobs::Job;
use crate::output::Output;
use crate::resource;
use crate::{errors, manifests, Env};
use ordinal_sim::api::*;
use ordinal_sim::apply::parse_manifests;
use ordinal_sim::{Cluster, DeleteOptions, Propagation};

pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("filename", Some('f'), true),
    // pflag's NoOptDefVal: `--cascade` alone means background, and a value must be inline.
    flag("cascade", None, false),
    flag("grace-period", None, true),
    flag("force", None, false),
    flag("now", None, false),
    flag("wait", None, true),
    flag("timeout", None, true),
    flag("ignore-not-found", None, false),
    flag("output", Some('o'), true),
    crate::dryrun::DRY_RUN,
];

pub fn run(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let args: Vec<String> = crate::dryrun::bare_flag(args)
        .iter()
        .map(|a| match a.as_str() {
            "--cascade" => "--cascade=background".to_string(),
            _ => a.clone(),
        })
        .collect();
    let Some(p) = crate::args::parse_into(&args, FLAGS, "delete", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(dry) = crate::dryrun::strategy(&p, c, &mut out) else {
        return out;
    };
    // `parseCascadingFlag`: a Go boolean (strconv.ParseBool) still works, with a warning.
    let propagation = match p.value("cascade") {
        None | Some("background") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") => Propagation::Orphan,
        Some(v @ ("1" | "t" | "T" | "TRUE" | "true" | "True")) => {
            out.note(format!("warning: --cascade={v} is deprecated (boolean value) and can be replaced with --cascade=background."));
            Propagation::Background
        }
        Some(v @ ("0" | "f" | "F" | "FALSE" | "false" | "False")) => {
            out.note(format!("warning: --cascade={v} is deprecated (boolean value) and can be replaced with --cascade=orphan."));
            Propagation::Orphan
        }
        Some(v) => {
            out.err(format!("error: invalid cascade value ({v}). Must be \"background\", \"foreground\", or \"orphan\""));
            return out;
        }
    };
    // `--timeout`: zero (the default) means kubectl's own week, so no deadline here.
    let timeout_ms = match p.value("timeout") {
        None => 0,
        Some(t) => match crate::args::parse_duration(t) {
            Some(ms) => ms,
            None => {
                out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""));
                return out;
            }
        },
    };
    let force = p.bool("force");
    let mut grace: Option<i64> = match p.value("grace-period") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(g) if g < 0 => None,
            Ok(g) => Some(g),
            Err(_) => {
                out.err(format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\nSee 'kubectl delete --help' for usage."));
                return out;
            }
        },
    };
    if p.bool("now") {
        grace = Some(1);
    }
    if grace == Some(0) && !force {
        // kubectl turns --grace-period=0 into 1 unless --force is given.
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if force && grace == Some(0) {
        out.note("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    // Resolve the targets.
    let mut targets: Vec<(Kind, String, String)> = Vec::new();
    let files = p.values("filename");
    if !files.is_empty() {
        for f in files {
            let text = match manifests::read(env.files, &f, env.stdin) {
                Ok(t) => t,
                Err(e) => {
                    out.err(e);
                    return out;
                }
            };
            match parse_manifests(&text) {
                Ok(objs) => {
                    for o in objs {
                        let av = o
                            .value
                            .get("apiVersion")
                            .and_then(|v| v.as_str())
                            .unwrap_or("");
                        let k = o.value.get("kind").and_then(|v| v.as_str()).unwrap_or("");
                        let n = o
                            .value
                            .pointer("/metadata/name")
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_string();
                        let ons = o
                            .value
                            .pointer("/metadata/namespace")
                            .and_then(|v| v.as_str())
                            .unwrap_or(&ns)
                            .to_string();
                        match Kind::from_type_meta(av, k) {
                            Some(kind) => targets.push((kind, ons, n)),
                            None => out.err(format!("error: resource mapping not found for name: {n:?} namespace: \"\" from {f:?}: no matches for kind {k:?} in version {av:?}\nensure CRDs are installed first")),
                        }
                    }
                }
                Err(e) => {
                    out.err(format!("error: error parsing {f}: {}", e.message));
                    return out;
                }
            }
        }
    } else {
        if p.positionals.is_empty() {
            out.err(crate::errors::MISSING_RESOURCES);
            return out;
        }
        let Some(selector) = crate::args::selector_into(&p, &mut out) else {
            return out;
        };
        let slash = p.positionals.iter().all(|a| a.contains('/'));
        if slash {
            for a in &p.positionals {
                let (t, n) = a.split_once('/').unwrap_or((a, ""));
                match resource::resolve(t) {
                    Some(k) => targets.push((k, ns.clone(), n.to_string())),
                    None => {
                        out.err(format!(
                            "error: the server doesn't have a resource type \"{t}\""
                        ));
                        return out;
                    }
                }
            }
        } else {
            let Some(kind) = resource::resolve(&p.positionals[0]) else {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{}\"",
                    p.positionals[0]
                ));
                return out;
            };
            let names = &p.positionals[1..];
            if names.is_empty() {
                if selector.is_none() && !p.bool("all") {
                    out.err("error: resource(s) were provided, but no name was specified");
                    return out;
                }
                let list_ns = if p.bool("all-namespaces") || !kind.namespaced() {
                    None
                } else {
                    Some(ns.as_str())
                };
                for o in c.list(kind, list_ns) {
                    if selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&o.meta().labels))
                    {
                        targets.push((kind, o.namespace().to_string(), o.name().to_string()));
                    }
                }
                if targets.is_empty() {
                    out.note("No resources found");
                    return out;
                }
            } else {
                for n in names {
                    targets.push((kind, ns.clone(), n.clone()));
                }
            }
        }
    }
    let opts = DeleteOptions {
        grace_period_seconds: grace,
        propagation: Some(propagation),
    };
    let mut waiting = Vec::new();
    for (kind, ns, name) in targets {
        // A client dry run sends nothing, and does not even read a named object (kubectl's
        // builder has `RequireObject(false)`): it prints the name it was given. A server dry
        // run sends the delete.
        let result = match dry {
            DryRun::Client => Ok(None),
            _ => dry.send(c, |c| c.delete(kind, &ns, &name, &opts)).map(Some),
        };
        match result {
            Ok(o) => {
                let word = if force && grace == Some(0) {
                    "force deleted"
                } else {
                    "deleted"
                };
                let word = format!("{word}{}", dry.suffix());
                if p.value("output") == Some("name") {
                    out.out(format!("{}/{name}\n", resource::type_prefix(kind)));
                } else {
                    out.out(format!(
                        "{} \"{name}\" {word}\n",
                        resource::type_prefix(kind)
                    ));
                }
                let uid = o.map(|o| o.meta().uid.clone()).unwrap_or_default();
                waiting.push((kind, ns, name, uid));
            }
            Err(e) if e.is_not_found() && p.bool("ignore-not-found") => {}
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    // A dry run does not wait.
    let wait = p.value("wait").is_none_or(|w| w != "false") && dry == DryRun::None;
    if wait && !waiting.is_empty() && !(force && grace == Some(0)) {
        out.job = Some(Job::WaitGone {
            targets: waiting,
            deadline: (timeout_ms > 0).then(|| c.now().plus_ms(timeout_ms)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use ordinal_sim::api::*;
    use ordinal_sim::Cluster;

    fn kubectl(c: &mut Cluster, line: &str) -> crate::Output {
        crate::run_line(c, line, "")
    }

    fn web() -> Cluster {
        let mut c = Cluster::new(3);
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        c
    }

    // `parseCascadingFlag`: Go booleans still work, with kubectl's deprecation warning; other
    // words are refused before anything is deleted.
    #[test]
    fn cascade_values_as_kubectl_parses_them() {
        let mut c = web();
        let o = kubectl(&mut c, "delete sts web --cascade=sideways");
        assert_eq!(
            o.stderr(),
            "error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\"\n"
        );
        assert!(c.get_as::<StatefulSet>("default", "web").is_some());
        let o = kubectl(&mut c, "delete sts web --cascade=False");
        assert_eq!(
            o.stderr(),
            "warning: --cascade=False is deprecated (boolean value) and can be replaced with --cascade=orphan.\n"
        );
        assert_eq!(o.stdout(), "statefulset.apps \"web\" deleted\n");
        c.settle();
        assert_eq!(
            c.list_as::<Pod>(Some("default")).len(),
            2,
            "orphaned, not deleted"
        );
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        let o = kubectl(&mut c, "delete sts web --cascade=1 --wait=false");
        assert!(o.stderr().contains("--cascade=1 is deprecated"));
        assert!(o.stderr().contains("replaced with --cascade=background."));
        c.settle();
        assert!(c.list_as::<Pod>(Some("default")).is_empty());
        // A bare --cascade is pflag's NoOptDefVal, background; the next word is a name.
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        let o = kubectl(&mut c, "delete sts --cascade web --wait=false");
        assert_eq!(o.stderr(), "");
        assert_eq!(o.stdout(), "statefulset.apps \"web\" deleted\n");
    }

    // A claim its pod uses stays (pvc-protection), so `delete` waits until `--timeout` and
    // then fails as RunWait does; the claim is left Terminating.
    #[test]
    fn delete_times_out_on_a_claim_in_use() {
        let mut c = web();
        let start = c.now();
        let mut o = kubectl(&mut c, "delete pvc www-web-0 --timeout=10s");
        assert_eq!(o.stdout(), "persistentvolumeclaim \"www-web-0\" deleted\n");
        let job = o.job.take().expect("waits");
        let mut rest = crate::Output::default();
        assert!(job.run_to_end(&mut c, &mut rest).is_none());
        assert_eq!(
            rest.stderr(),
            "error: timed out waiting for the condition on persistentvolumeclaims/www-web-0\n"
        );
        assert_eq!(c.now().since(start), 10_000);
        let pvc = c
            .get_as::<PersistentVolumeClaim>("default", "www-web-0")
            .unwrap();
        assert!(pvc.metadata.is_deleting());
    }

    // `kubectl wait --for=delete` prints the one "condition met" line of every condition, and
    // nothing for an object that is already gone (NotFound is ignored for delete).
    #[test]
    fn wait_for_delete() {
        let mut c = web();
        let o = kubectl(&mut c, "wait --for=delete pod/nope --timeout=5s");
        assert_eq!((o.text().as_str(), o.status), ("", 0));
        kubectl(&mut c, "delete pod web-1 --wait=false");
        let mut o = kubectl(&mut c, "wait --for=delete pod/web-1 --timeout=60s");
        let mut job = o.job.take().expect("waits");
        let mut text = String::new();
        for _ in 0..600 {
            let mut step = crate::Output::default();
            let done = job.poll(&mut c, &mut step);
            text.push_str(&step.text());
            if done {
                break;
            }
            c.advance(100);
        }
        assert_eq!(text, "pod/web-1 condition met\n");
    }
}
