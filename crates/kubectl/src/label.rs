//! `kubectl label` and `kubectl annotate`: add, change (`--overwrite`) or remove (`KEY-`).

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::resource::targets;
use crate::{errors, Env};
use ordinal_sim::Cluster;

/// The flags of `kubectl label` and `kubectl annotate`.
pub const FLAGS: &[FlagSpec] = &[
    flag("overwrite", None, false),
    flag("all", None, false),
    flag("selector", Some('l'), true),
    flag("resource-version", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

pub fn label(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    label_or_annotate(c, args, env, false)
}

pub fn annotate(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    label_or_annotate(c, args, env, true)
}

fn label_or_annotate(c: &mut Cluster, args: &[String], env: &Env, annotate: bool) -> Output {
    let cmd = if annotate { "annotate" } else { "label" };
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, cmd, c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let (rest, changes) = match crate::set::split_pairs(&p.positionals, cmd) {
        Ok(split) => split,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    if rest.is_empty() {
        out.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        return out;
    }
    let mut q = p.clone();
    q.positionals = rest;
    let Some(t) = targets(&q, &mut out) else {
        return out;
    };
    if changes.is_empty() {
        out.err(format!(
            "error: at least one {} update is required",
            if annotate { "annotation" } else { "label" }
        ));
        return out;
    }
    // kubectl checks label values itself (`parseLabels`) before asking the server.
    if !annotate {
        for ch in &changes {
            if let Some((_, v)) = ch.split_once('=') {
                if v.contains('=') {
                    out.err(format!("error: invalid label spec: {ch}"));
                    return out;
                }
                let errs = ordinal_sim::admission::label_value(v);
                if !errs.is_empty() {
                    out.err(format!(
                        "error: invalid label value: {ch:?}: {}",
                        errs.join(";")
                    ));
                    return out;
                }
            }
        }
    }
    // `--resource-version`: a precondition the patch carries (so a stale one is the server's
    // 409), for one resource named alone (`IntoSingleItemImplied`) only.
    let rv = p.value("resource-version").filter(|v| !v.is_empty());
    let one = t.len() == 1 && p.value("selector").is_none() && !p.bool("all");
    if rv.is_some() && !one {
        out.err("error: --resource-version may only be used with a single resource");
        return out;
    }
    for (kind, name) in t {
        let Ok(live) = c.get(kind, &ns, &name) else {
            out.err(errors::render(
                &ordinal_sim::ApiError::not_found(kind, &name),
                None,
            ));
            continue;
        };
        let mut obj = (*live).clone();
        // `kubectl label` (outside a client dry run) notes each label it was asked to remove
        // that the object does not have.
        if !annotate && dry != DryRun::Client {
            for ch in &changes {
                if let Some(k) = ch.strip_suffix('-') {
                    if !live.meta().labels.contains_key(k) {
                        out.out(format!("label {k:?} not found.\n"));
                    }
                }
            }
        }
        let map = if annotate {
            &mut obj.meta_mut().annotations
        } else {
            &mut obj.meta_mut().labels
        };
        for ch in &changes {
            if let Some(k) = ch.strip_suffix('-') {
                map.remove(k);
            } else if let Some((k, v)) = ch.split_once('=') {
                if let Some(old) = map.get(k) {
                    if old != v && !p.bool("overwrite") {
                        out.err(format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false"
                        ));
                        return out;
                    }
                }
                map.insert(k.to_string(), v.to_string());
            }
        }
        // kubectl words the result from its own copy, before it sends anything: the object's
        // JSON unchanged is "not labeled", shorter without --overwrite "unlabeled", else
        // "labeled"; `annotate` always says "annotated" (its printer's one operation).
        // With `--resource-version`, kubectl clears the object's own before it compares and
        // sets the flag's after, so the two always differ.
        let (old, new) = match rv {
            Some(rv) => {
                let mut old = (*live).clone();
                old.meta_mut().resource_version.clear();
                let mut new = obj.clone();
                new.meta_mut().resource_version = rv.to_string();
                (std::sync::Arc::new(old), new)
            }
            None => (live.clone(), obj.clone()),
        };
        let word = if annotate {
            "annotated"
        } else if new == *old {
            "not labeled"
        } else if !p.bool("overwrite") && json_len(&new) < json_len(&old) {
            "unlabeled"
        } else {
            "labeled"
        };
        obj.meta_mut().resource_version = rv.unwrap_or_default().to_string();
        // A client dry run prints the object as changed here and sends nothing.
        let result = match dry {
            DryRun::Client => {
                let mut o = obj;
                if rv.is_none() {
                    o.meta_mut().resource_version = live.meta().resource_version.clone();
                }
                Ok(std::sync::Arc::new(o))
            }
            _ => dry.send(c, |c| c.update(obj)),
        };
        match result {
            Ok(o) => {
                print.done(
                    &mut out,
                    dry,
                    kind,
                    &name,
                    word,
                    Shown::Unstructured(&o.to_value()),
                );
            }
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

fn json_len(o: &ordinal_sim::Object) -> usize {
    serde_json::to_string(&o.to_value()).map_or(0, |s| s.len())
}

#[cfg(test)]
mod tests {
    use crate::run_line;
    use ordinal_sim::api::StorageClass;
    use ordinal_sim::Cluster;

    const DEFAULT: &str = "storageclass.kubernetes.io/is-default-class";

    /// kubectl's `GetResourcesAndPairs`: everything after the first `K=V` or `K-` is a change,
    /// whatever it contains, so a prefixed key (`a.b/c-`) is removed like any other.
    #[test]
    fn a_prefixed_key_is_removed_and_changes_come_after_the_resources() {
        let mut c = Cluster::new(1);
        let annotations = |c: &Cluster| {
            c.get_as::<StorageClass>("", "standard")
                .map(|sc| sc.metadata.annotations.get(DEFAULT).cloned())
        };
        assert_eq!(annotations(&c), Some(Some("true".into())));
        let out = run_line(&mut c, &format!("annotate sc standard {DEFAULT}-"), "");
        assert_eq!(
            out.stdout(),
            "storageclass.storage.k8s.io/standard annotated\n"
        );
        assert_eq!(annotations(&c), Some(None));
        let out = run_line(&mut c, "label node a=b kind-worker", "");
        assert_eq!(
            out.stderr(),
            "error: all resources must be specified before label changes: kind-worker\n"
        );
        let out = run_line(&mut c, "label node kind-worker example.com/x=y", "");
        assert_eq!(out.stdout(), "node/kind-worker labeled\n");
        let out = run_line(&mut c, "label node kind-worker example.com/x-", "");
        assert_eq!(out.stdout(), "node/kind-worker unlabeled\n");
    }
}
