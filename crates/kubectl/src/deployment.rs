//! Deployments as kubectl v1.33 handles them: `kubectl create deployment`
//! (`pkg/cmd/create/create_deployment.go`), kubectl's `pkg/util/deployment` (a Deployment's
//! ReplicaSets, old and new, and revisions), and the rollout helpers of
//! `pkg/polymorphichelpers` for Deployments: the status viewer, the history viewer, the
//! rollbacker, pause, resume and restart.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;
use serde_json::{json, Value};

/// `deployment.kubernetes.io/revision`: a ReplicaSet's (and its Deployment's) revision.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// The label the Deployment controller adds to a ReplicaSet's template and selector.
pub const HASH_LABEL: &str = "pod-template-hash";
/// `kubernetes.io/change-cause`.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// `kubectl create deployment`'s flags.
pub const CREATE_FLAGS: &[FlagSpec] = &[
    flag("image", None, true),
    flag("port", None, true),
    flag("replicas", Some('r'), true),
    flag("save-config", None, false),
    flag("validate", None, false),
    flag("field-manager", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// pflag's `int32` flag: `strconv.ParseInt(s, 0, 32)` and its error as cobra prints it.
fn int32_flag(v: &str, shown: &str, cmd: &str) -> Result<i32, String> {
    let (neg, digits) = match v.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    // Base 0: `0x`, `0o`, `0b` and a leading `0` pick the base, as Go's ParseInt does.
    let (radix, body) = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, h)
    } else if let Some(b) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, b)
    } else if let Some(o) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, o)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let why = |w: &str| {
        format!("error: invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": {w}\nSee 'kubectl {cmd} --help' for usage.")
    };
    let body = body.replace('_', "");
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err(why("invalid syntax"));
    }
    let n = i64::from_str_radix(&body, radix).map_err(|_| why("value out of range"))?;
    let n = if neg { -n } else { n };
    i32::try_from(n).map_err(|_| why("value out of range"))
}

/// `sanitizeAndUniquify`: a container name from an image with `_` or `.` gets them as `-`
/// and a random suffix (from kubectl's own generator; here one seeded by the cluster's clock
/// and state, so a session replays the same).
fn container_name(c: &Cluster, image: &str) -> String {
    let mut name = image.rsplit('/').next().unwrap_or(image);
    if let Some((n, _)) = name.split_once(':') {
        name = n;
    }
    if let Some((n, _)) = name.split_once('@') {
        name = n;
    }
    if name.contains(['_', '.']) {
        let mut rng = ordinal_sim::rng::Rng::new(c.now().0 ^ c.resource_version().rotate_left(32));
        format!("{}-{}", name.replace(['_', '.'], "-"), rng.name_suffix(5))
    } else {
        name.to_string()
    }
}

/// `kubectl create deployment NAME --image=IMAGE… [--replicas] [--port] [-- COMMAND ARGS…]`.
pub fn create(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    const CMD: &str = "create deployment";
    let Some(p) = crate::args::parse_into(args, CREATE_FLAGS, CMD, &mut out) else {
        return out;
    };
    // Flag values are parsed as pflag sets them, before cobra checks the required ones.
    let replicas = match p.value("replicas") {
        Some(v) => match int32_flag(v, "-r, --replicas", CMD) {
            Ok(n) => n,
            Err(e) => {
                out.err(e);
                return out;
            }
        },
        None => 1,
    };
    let port = match p.value("port") {
        Some(v) => match int32_flag(v, "--port", CMD) {
            Ok(n) => n,
            Err(e) => {
                out.err(e);
                return out;
            }
        },
        None => -1,
    };
    if !p.has("image") {
        out.err("error: required flag(s) \"image\" not set");
        return out;
    }
    // `NameFromCommandArgs`: the words before `--` (after the subcommand's own word).
    let names = &p.positionals[1..];
    if names.len() != 1 {
        out.err(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create deployment -h' for help and examples", names.len()));
        return out;
    }
    let name = names[0].clone();
    let Some((dry, print)) = dryrun::flags(&p, c, &mut out) else {
        return out;
    };
    // A string slice flag: each value is a line of CSV.
    let images: Vec<String> = p
        .values("image")
        .iter()
        .filter(|v| !v.is_empty())
        .flat_map(|v| v.split(',').map(String::from).collect::<Vec<_>>())
        .collect();
    let command = &p.rest;
    if images.len() > 1 && !command.is_empty() {
        out.err("error: cannot specify multiple --image options and command");
        return out;
    }
    let mut containers: Vec<Value> = images
        .iter()
        .map(|image| {
            let mut ct = json!({"name": container_name(c, image), "image": image, "resources": {}});
            if !command.is_empty() {
                ct["command"] = json!(command);
            }
            ct
        })
        .collect();
    if port >= 0 {
        if let Some(first) = containers.first_mut() {
            first["ports"] = json!([{"containerPort": port}]);
        }
    }
    let labels = json!({"app": name});
    let mut metadata = json!({"name": name, "labels": labels, "creationTimestamp": null});
    // kubectl sets the namespace in the object only when it was given (`EnforceNamespace`).
    if let Some(ns) = p.value("namespace") {
        metadata["namespace"] = json!(ns);
    }
    let mut deploy = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels, "creationTimestamp": null},
                "spec": {"containers": containers},
            },
            "strategy": {},
        },
        "status": {},
    });
    if p.bool("save-config") {
        // `CreateOrUpdateAnnotation`: the object as kubectl's JSON encoder writes it (its Go
        // fields' order, compact, a newline at the end), before it is sent.
        let applied = format!("{}\n", compact(&dryrun::go_json(&deploy)));
        deploy["metadata"]["annotations"] =
            json!({"kubectl.kubernetes.io/last-applied-configuration": applied});
    }
    if dry == DryRun::Client {
        print.done(
            &mut out,
            dry,
            Kind::Deployment,
            &name,
            "created",
            Shown::Typed(&deploy),
        );
        return out;
    }
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    deploy["metadata"]["namespace"] = json!(ns);
    let obj = match Object::decode(Kind::Deployment, deploy) {
        Ok((o, _)) => o,
        Err(e) => {
            out.err(format!("error: failed to create deployment: {}", e.message));
            return out;
        }
    };
    match dry.send(c, |c| c.create(obj)) {
        Ok(o) => print.done(
            &mut out,
            dry,
            Kind::Deployment,
            &name,
            "created",
            Shown::Typed(&dryrun::typed(&o.to_value())),
        ),
        Err(e) => out.err(format!("error: failed to create deployment: {}", e.message)),
    }
    out
}

/// JSON text without the whitespace between its tokens.
fn compact(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(json.len()), false, false);
    for ch in json.chars() {
        if in_string {
            out.push(ch);
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out
}

// ------------------------------------------------------------------ pkg/util/deployment

/// `deploymentutil.Revision`: the revision annotation (0 when absent), or its parse error.
pub fn revision(meta: &ObjectMeta) -> Result<i64, String> {
    match meta.annotations.get(REVISION) {
        None => Ok(0),
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| format!("strconv.ParseInt: parsing {v:?}: invalid syntax")),
    }
}

/// `equalIgnoreHash`: two templates equal once the pod-template-hash label is dropped.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.metadata.labels.remove(HASH_LABEL);
    b.metadata.labels.remove(HASH_LABEL);
    a == b
}

/// A Deployment's ReplicaSets as `GetAllReplicaSets` finds them: those its selector matches
/// that it controls, sorted by creation time then name; the new one (the oldest whose template
/// equals the Deployment's) apart from the old ones.
pub struct ReplicaSets {
    pub old: Vec<ReplicaSet>,
    pub new: Option<ReplicaSet>,
}

impl ReplicaSets {
    /// Every one, the old ones first (in creation order), then the new one.
    pub fn all(&self) -> impl Iterator<Item = &ReplicaSet> {
        self.old.iter().chain(self.new.iter())
    }
}

pub fn replica_sets(c: &Cluster, d: &Deployment) -> ReplicaSets {
    let m = &d.metadata;
    let mut list: Vec<ReplicaSet> = c
        .list_as::<ReplicaSet>(Some(&m.namespace))
        .into_iter()
        .filter(|rs| {
            d.spec
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&rs.metadata.labels))
                && rs.metadata.controller_ref().is_some_and(|r| r.uid == m.uid)
        })
        .cloned()
        .collect();
    ordinal_sim::sort::sort_by(&mut list, |a, b| {
        (a.metadata.creation_timestamp, &a.metadata.name)
            .cmp(&(b.metadata.creation_timestamp, &b.metadata.name))
    });
    let new = list
        .iter()
        .position(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template));
    let new = new.map(|i| list.remove(i));
    ReplicaSets { old: list, new }
}

// ------------------------------------------------------------------ status viewer

/// `DeploymentStatusViewer.Status`: the message and whether the rollout is done, or the error
/// that ends `rollout status`.
pub fn status(d: &Deployment, want_revision: i64) -> Result<(String, bool), String> {
    let name = &d.metadata.name;
    if want_revision > 0 {
        let rev = revision(&d.metadata)
            .map_err(|e| format!("cannot get the revision of deployment {name:?}: {e}"))?;
        if rev != want_revision {
            return Err(format!(
                "desired revision ({want_revision}) is different from the running revision ({rev})"
            ));
        }
    }
    if d.metadata.generation > d.status.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    if d.condition("Progressing")
        .is_some_and(|c| c.reason == "ProgressDeadlineExceeded")
    {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let s = &d.status;
    if let Some(want) = d.spec.replicas {
        if s.updated_replicas < want {
            return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} out of {want} new replicas have been updated...\n", s.updated_replicas), false));
        }
    }
    if s.replicas > s.updated_replicas {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", s.replicas - s.updated_replicas), false));
    }
    if s.available_replicas < s.updated_replicas {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} of {} updated replicas are available...\n", s.available_replicas, s.updated_replicas), false));
    }
    Ok((
        format!("deployment {name:?} successfully rolled out\n"),
        true,
    ))
}

// ------------------------------------------------------------------ history

/// `DeploymentHistoryViewer`'s map: each revision's template, with its ReplicaSet's change
/// cause as the template's annotation (the last ReplicaSet of a revision wins).
fn history(c: &Cluster, d: &Deployment) -> std::collections::BTreeMap<i64, PodTemplateSpec> {
    let mut info = std::collections::BTreeMap::new();
    let sets = replica_sets(c, d);
    for rs in sets.all() {
        // A revision that does not parse is skipped with a klog warning.
        let Ok(v) = revision(&rs.metadata) else {
            continue;
        };
        let mut t = rs.spec.template.clone();
        if let Some(cause) = rs
            .metadata
            .annotations
            .get(CHANGE_CAUSE)
            .filter(|c| !c.is_empty())
        {
            t.metadata
                .annotations
                .insert(CHANGE_CAUSE.to_string(), cause.clone());
        }
        info.insert(v, t);
    }
    info
}

/// `DeploymentHistoryViewer.GetHistory`: each revision's ReplicaSet (the last one listed of a
/// revision wins), oldest revision first.
pub fn history_objects(c: &Cluster, d: &Deployment) -> Vec<(i64, ReplicaSet)> {
    let mut info = std::collections::BTreeMap::new();
    for rs in replica_sets(c, d).all() {
        // A revision that does not parse is skipped with a klog warning.
        if let Ok(v) = revision(&rs.metadata) {
            info.insert(v, rs.clone());
        }
    }
    info.into_iter().collect()
}

/// `DeploymentHistoryViewer.ViewHistory`: the revisions table, or one revision's template.
pub fn view_history(c: &Cluster, d: &Deployment, revision: i64) -> Result<String, String> {
    let info = history(c, d);
    if info.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let Some(t) = info.get(&revision) else {
            return Err("unable to find the specified revision".into());
        };
        return Ok(crate::describe::pod_template_text(t));
    }
    let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
    for (r, t) in &info {
        let cause = t
            .metadata
            .annotations
            .get(CHANGE_CAUSE)
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        rows.push(vec![r.to_string(), cause]);
    }
    Ok(crate::table::render_with(&rows, crate::table::DESCRIBE))
}

// ------------------------------------------------------------------ rollback

/// The annotations a rollback keeps from the Deployment rather than copy from the ReplicaSet.
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// `deploymentRevision`: the ReplicaSet of a revision (0: the one before the latest).
pub fn revision_set(c: &Cluster, d: &Deployment, to: i64) -> Result<ReplicaSet, String> {
    let sets = replica_sets(c, d);
    let (mut latest, mut latest_rev) = (None::<&ReplicaSet>, -1i64);
    let (mut previous, mut previous_rev) = (None::<&ReplicaSet>, -1i64);
    for rs in sets.all() {
        let Ok(v) = revision(&rs.metadata) else {
            continue;
        };
        if to == 0 {
            if latest_rev < v {
                previous_rev = latest_rev;
                previous = latest;
                latest_rev = v;
                latest = Some(rs);
            } else if previous_rev < v {
                previous_rev = v;
                previous = Some(rs);
            }
        } else if to == v {
            return Ok(rs.clone());
        }
    }
    if to > 0 {
        return Err(format!("unable to find specified revision {to} in history"));
    }
    previous.cloned().ok_or_else(|| {
        format!(
            "no rollout history found for deployment {:?}",
            d.metadata.name
        )
    })
}

/// What `DeploymentRollbacker.Rollback` decided: the operation kubectl prints, and the JSON
/// patch to send (none when nothing is sent).
pub struct Rollback {
    pub operation: String,
    pub patch: Option<Value>,
}

/// `DeploymentRollbacker.Rollback` up to the patch it sends.
pub fn rollback(c: &Cluster, d: &Deployment, to: i64, dry: DryRun) -> Result<Rollback, String> {
    if to < 0 {
        return Err(format!("unable to find specified revision {to} in history"));
    }
    let mut rs = revision_set(c, d, to)?;
    if dry == DryRun::Client {
        return Ok(Rollback {
            operation: crate::describe::pod_template_text(&rs.spec.template),
            patch: None,
        });
    }
    if d.spec.paused {
        return Err("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    if equal_ignore_hash(&rs.spec.template, &d.spec.template) {
        return Ok(Rollback {
            operation: format!("skipped rollback (current template already matches revision {to})"),
            patch: None,
        });
    }
    rs.spec.template.metadata.labels.remove(HASH_LABEL);
    let mut annotations = serde_json::Map::new();
    for k in ANNOTATIONS_TO_SKIP {
        if let Some(v) = d.metadata.annotations.get(*k) {
            annotations.insert(k.to_string(), json!(v));
        }
    }
    for (k, v) in &rs.metadata.annotations {
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), json!(v));
        }
    }
    let template = ordinal_sim::api::encode::Encode::encode(&rs.spec.template);
    Ok(Rollback {
        operation: "rolled back".into(),
        patch: Some(json!([
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int32_flags_parse_as_pflag_does() {
        assert_eq!(int32_flag("3", "--port", "x"), Ok(3));
        assert_eq!(int32_flag("-1", "--port", "x"), Ok(-1));
        assert_eq!(int32_flag("0x10", "--port", "x"), Ok(16));
        assert!(
            int32_flag("99999999999", "-r, --replicas", "create deployment")
                .unwrap_err()
                .contains("value out of range")
        );
        assert!(int32_flag("abc", "--port", "x")
            .unwrap_err()
            .contains("\"abc\": invalid syntax"));
    }

    fn foo(generation: i64, replicas: i32, status: DeploymentStatus) -> Deployment {
        Deployment {
            metadata: ObjectMeta {
                namespace: "bar".into(),
                name: "foo".into(),
                generation,
                ..Default::default()
            },
            spec: DeploymentSpec {
                replicas: Some(replicas),
                ..Default::default()
            },
            status,
        }
    }

    fn st(observed: i64, replicas: i32, updated: i32, available: i32) -> DeploymentStatus {
        DeploymentStatus {
            observed_generation: observed,
            replicas,
            updated_replicas: updated,
            available_replicas: available,
            unavailable_replicas: replicas - available,
            ..Default::default()
        }
    }

    /// Upstream's `TestDeploymentStatusViewerStatus`, case by case.
    #[test]
    fn deployment_status_viewer_status() {
        let cases = [
            (0, 1, st(1, 1, 0, 1), "Waiting for deployment \"foo\" rollout to finish: 0 out of 1 new replicas have been updated...\n", false),
            (1, 1, st(1, 2, 1, 2), "Waiting for deployment \"foo\" rollout to finish: 1 old replicas are pending termination...\n", false),
            (1, 2, st(1, 2, 2, 1), "Waiting for deployment \"foo\" rollout to finish: 1 of 2 updated replicas are available...\n", false),
            (1, 2, st(1, 2, 2, 2), "deployment \"foo\" successfully rolled out\n", true),
            (2, 2, st(1, 2, 2, 2), "Waiting for deployment spec update to be observed...\n", false),
        ];
        for (i, (generation, replicas, status, msg, done)) in cases.into_iter().enumerate() {
            let d = foo(generation, replicas, status);
            assert_eq!(status_of(&d), Ok((msg.to_string(), done)), "test{}", i + 1);
        }
    }

    fn status_of(d: &Deployment) -> Result<(String, bool), String> {
        status(d, 0)
    }

    /// A rollout past its deadline ends `rollout status` with an error once the controller has
    /// seen the spec; `--revision` must be the running one.
    #[test]
    fn deadline_and_revision_errors() {
        let mut d = foo(1, 2, st(1, 2, 1, 1));
        d.status.conditions.push(DeploymentCondition {
            type_: "Progressing".into(),
            status: "False".into(),
            reason: "ProgressDeadlineExceeded".into(),
            ..Default::default()
        });
        assert_eq!(
            status(&d, 0),
            Err("deployment \"foo\" exceeded its progress deadline".into())
        );
        d.metadata.generation = 2;
        assert!(status(&d, 0).is_ok_and(|(_, done)| !done));
        d.metadata.annotations.insert(REVISION.into(), "3".into());
        assert_eq!(
            status(&d, 2),
            Err("desired revision (2) is different from the running revision (3)".into())
        );
        d.metadata.annotations.insert(REVISION.into(), "x".into());
        assert_eq!(
            status(&d, 2),
            Err("cannot get the revision of deployment \"foo\": strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
    }

    /// The pod-template-hash label is not part of a template's identity.
    #[test]
    fn templates_equal_ignoring_the_hash_label() {
        let mut a = PodTemplateSpec::default();
        a.metadata.labels.insert("app".into(), "web".into());
        let mut b = a.clone();
        b.metadata
            .labels
            .insert(HASH_LABEL.into(), "5d4f8c7b9".into());
        assert!(equal_ignore_hash(&a, &b));
        b.metadata.labels.insert("tier".into(), "x".into());
        assert!(!equal_ignore_hash(&a, &b));
    }

    #[test]
    fn container_names_come_from_the_image() {
        let c = Cluster::new(1);
        assert_eq!(container_name(&c, "nginx"), "nginx");
        assert_eq!(
            container_name(&c, "registry.k8s.io/nginx-slim:0.24"),
            "nginx-slim"
        );
        assert_eq!(container_name(&c, "busybox@sha256:abc"), "busybox");
        let n = container_name(&c, "my_app.v2:1");
        assert!(
            n.starts_with("my-app-v2-") && n.len() == "my-app-v2-".len() + 5,
            "{n}"
        );
    }
}
