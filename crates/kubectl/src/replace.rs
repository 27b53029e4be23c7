//! `kubectl replace -f`: a PUT of each object of the files (`statefulset.apps/web replaced`),
//! the errors gathered and printed at the end with `error when replacing "FILE"`; `--force`
//! deletes the objects, waits until they are gone (a job, as `delete` waits), then creates
//! them again.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{
    self, DryRun, Print, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE,
};
use crate::jobs::{ForceReplace, Job};
use crate::output::Output;
use crate::{errors, manifests, Env};
use ordinal_sim::api::{Kind, Object};
use ordinal_sim::apply::parse_manifests;
use ordinal_sim::{ApiError, Cluster, DeleteOptions, Propagation, Reason};

pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("validate", None, false),
    flag("force", None, false),
    flag("grace-period", None, true),
    flag("cascade", None, true),
    flag("timeout", None, true),
    flag("wait", None, false),
    flag("save-config", None, false),
    flag("subresource", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

enum Failure {
    /// Already in kubectl's words.
    Text(String),
    Api(ApiError, String),
}

pub fn replace(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, "replace", c, &mut out) else {
        return out;
    };
    let validation = match crate::apply::validation_directive(p.value("validate")) {
        Ok(v) => v,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    let force = p.bool("force");
    if force && dry != DryRun::None {
        out.err("error: --dry-run can not be used when --force is set");
        return out;
    }
    let grace = match p.value("grace-period") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                out.err(format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"));
                return out;
            }
        },
    };
    if !force && (grace.is_some_and(|g| g >= 0) || p.has("timeout")) {
        let which = if p.has("timeout") {
            "--timeout"
        } else {
            "--grace-period"
        };
        out.err(format!("error: {which} must have --force specified"));
        return out;
    }
    let files = p.values("filename");
    if files.is_empty() {
        out.err("error: must specify one of -f and -k");
        return out;
    }
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let mut objects = Vec::new();
    let mut failures = Vec::new();
    for f in files {
        let text = match manifests::read(env.files, &f, env.stdin) {
            Ok(t) => t,
            Err(e) => {
                out.err(e);
                return out;
            }
        };
        let file = if f == "-" { "STDIN".to_string() } else { f };
        let docs = match parse_manifests(&text) {
            Ok(d) => d,
            Err(e) => {
                out.err(format!("error: error parsing {file}: {}", e.message));
                return out;
            }
        };
        if docs.is_empty() {
            out.err("error: no objects passed to replace");
            return out;
        }
        for d in docs {
            let s = |k: &str| {
                d.value
                    .pointer(k)
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let (api_version, kind_name, name) =
                (s("/apiVersion"), s("/kind"), s("/metadata/name"));
            let Some(kind) = Kind::from_type_meta(&api_version, &kind_name) else {
                failures.push(Failure::Text(format!(
                    "error: resource mapping not found for name: {name:?} namespace: {:?} from {file:?}: no matches for kind {kind_name:?} in version {api_version:?}\nensure CRDs are installed first",
                    s("/metadata/namespace")
                )));
                continue;
            };
            let v = if dry == DryRun::Client {
                ordinal_sim::FieldValidation::Ignore
            } else {
                validation
            };
            match Object::decode_body(kind, d.value.clone(), v) {
                Ok((mut object, warnings)) => {
                    for w in warnings {
                        out.note(format!("Warning: {w}"));
                    }
                    if kind.namespaced() {
                        let in_file = object.meta().namespace.clone();
                        if !in_file.is_empty() && in_file != ns && p.has("namespace") {
                            failures.push(Failure::Text(format!("error: the namespace from the provided object \"{in_file}\" does not match the namespace \"{ns}\". You must pass '--namespace={in_file}' to perform this operation.")));
                            continue;
                        }
                        if in_file.is_empty() {
                            object.meta_mut().namespace = ns.clone();
                        }
                    }
                    objects.push((file.clone(), object));
                }
                Err(e) => failures.push(Failure::Api(e, file.clone())),
            }
        }
    }
    if force {
        let cascade = match p.value("cascade").unwrap_or("background") {
            "background" | "true" => Propagation::Background,
            "foreground" => Propagation::Foreground,
            "orphan" | "false" => Propagation::Orphan,
            other => {
                out.err(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"."));
                return out;
            }
        };
        let opts = DeleteOptions {
            grace_period_seconds: grace.filter(|g| *g >= 0),
            propagation: Some(cascade),
        };
        let mut pending = Vec::new();
        for (file, object) in &objects {
            let (kind, ns, name) = (
                object.kind(),
                object.meta().namespace.clone(),
                object.name().to_string(),
            );
            match c.delete(kind, &ns, &name, &opts) {
                Ok(o) => {
                    out.out(format!(
                        "{} \"{name}\" deleted\n",
                        crate::resource::type_prefix(kind)
                    ));
                    pending.push((kind, ns, name, o.meta().uid.clone()));
                }
                // Replace creates what does not exist: a missing object is no error.
                Err(e) if e.reason == Reason::NotFound => {}
                Err(e) => failures.push(Failure::Api(e, file.clone())),
            }
        }
        report(&mut out, failures);
        let mut job = ForceReplace {
            pending,
            objects,
            output: p.value("output").map(String::from),
        };
        if !poll(c, &mut job, &mut out) {
            out.job = Some(Job::Replace(job));
        }
        return out;
    }
    for (file, object) in objects {
        let (kind, name) = (object.kind(), object.name().to_string());
        if dry == DryRun::Client {
            let shown = object.to_value();
            print.done(
                &mut out,
                dry,
                kind,
                &name,
                "replaced",
                Shown::Unstructured(&shown),
            );
            continue;
        }
        match dry.send(c, |c| c.update(object)) {
            Ok(o) => print.done(
                &mut out,
                dry,
                kind,
                &name,
                "replaced",
                Shown::Unstructured(&o.to_value()),
            ),
            Err(e) => failures.push(Failure::Api(e, file)),
        }
    }
    report(&mut out, failures);
    out
}

/// `cmdutil.CheckErr` of the gathered errors: one alone (an Invalid one by its causes), several
/// one per line as `Error from server (Reason): …`.
fn report(out: &mut Output, failures: Vec<Failure>) {
    let several = failures.len() > 1;
    for f in failures {
        match f {
            Failure::Text(t) => out.err(t),
            Failure::Api(e, file) => {
                let source = Some(("replacing", file.as_str()));
                out.err(if several {
                    errors::render_standard(&e, source)
                } else {
                    errors::render(&e, source)
                });
            }
        }
    }
}

/// `--force`'s wait: once every deleted object is gone, creates them all again (`replaced`).
/// Returns whether the job is over.
pub fn poll(c: &mut Cluster, job: &mut ForceReplace, out: &mut Output) -> bool {
    let left = job
        .pending
        .iter()
        .any(|(k, ns, n, uid)| c.get(*k, ns, n).is_ok_and(|o| o.meta().uid == *uid));
    if left {
        return false;
    }
    // `-o` was read when the command started; read again, it cannot fail.
    let mut flags = crate::args::Parsed::default();
    if let Some(o) = &job.output {
        flags.flags.insert("output", vec![o.clone()]);
    }
    let print = dryrun::print_flag(&flags, out).unwrap_or(Print::Message);
    let mut failures = Vec::new();
    for (file, mut object) in std::mem::take(&mut job.objects) {
        let (kind, name) = (object.kind(), object.name().to_string());
        object.meta_mut().resource_version.clear();
        object.meta_mut().uid.clear();
        match c.create(object) {
            Ok(o) => print.done(
                out,
                DryRun::None,
                kind,
                &name,
                "replaced",
                Shown::Unstructured(&o.to_value()),
            ),
            Err(e) => failures.push(Failure::Api(e, file)),
        }
    }
    report(out, failures);
    true
}

#[cfg(test)]
mod tests {
    use ordinal_sim::api::*;
    use ordinal_sim::Cluster;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: nginx\n    image: registry.k8s.io/nginx-slim:0.24\n";

    fn kubectl(c: &mut Cluster, line: &str) -> crate::Output {
        crate::run_line(c, line, POD)
    }

    // `replace --force` of a pod still terminating must wait for it to be gone before it
    // creates the new one (a create at once would be refused: AlreadyExists).
    #[test]
    fn force_waits_until_the_old_object_is_gone() {
        let mut c = Cluster::new(1);
        assert_eq!(kubectl(&mut c, "create -f -").status, 0);
        c.settle();
        let old = c
            .get_as::<Pod>("default", "solo")
            .map(|p| p.metadata.uid.clone());
        let mut o = kubectl(&mut c, "replace --force -f -");
        assert_eq!(o.stdout(), "pod \"solo\" deleted\n");
        let job = o.job.take().expect("waits while the pod terminates");
        let mut rest = crate::Output::default();
        assert!(job.run_to_end(&mut c, &mut rest).is_none());
        assert_eq!(rest.text(), "pod/solo replaced\n");
        let new = c
            .get_as::<Pod>("default", "solo")
            .map(|p| p.metadata.uid.clone());
        assert!(new.is_some() && new != old);
    }

    // A replace of what does not exist is NotFound, with the file named.
    #[test]
    fn replace_of_a_missing_object() {
        let mut c = Cluster::new(1);
        let o = kubectl(&mut c, "replace -f -");
        assert_eq!(
            o.stderr(),
            "Error from server (NotFound): error when replacing \"STDIN\": pods \"solo\" not found\n"
        );
        assert_eq!(o.status, 1);
    }
}
