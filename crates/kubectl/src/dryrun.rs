//! `--dry-run` and `-o` on the commands that write, as kubectl v1.33 does them:
//! `cmdutil.GetDryRunStrategy` (none, client, server, and the deprecated bare and boolean forms),
//! and the printer `PrintFlagsWithDryRunStrategy` completes with `"%s (dry run)"` or
//! `"%s (server dry run)"`: `secret/s created (dry run)`, or the object itself with `-o yaml`,
//! `-o json`, `-o name`. A client dry run prints what kubectl built or read and sends nothing; a
//! server dry run sends the request inside [`Cluster::dry_run`], which admits it and stores
//! nothing.

use crate::args::{flag, FlagSpec, Parsed};
use crate::output::Output;
use crate::printers::yaml;
use crate::resource::type_prefix;
use ordinal_sim::api::{Kind, Object};
use ordinal_sim::time::Civil;
use ordinal_sim::Cluster;
use serde_json::Value;

/// `--dry-run`: pflag's `NoOptDefVal` makes its value optional and inline only (`--dry-run
/// client` is the bare flag and an operand), so to the parser and Tab completion it takes no
/// value; [`bare_flag`] tells the bare form from `--dry-run=true`.
pub const DRY_RUN: FlagSpec = flag("dry-run", None, false);
/// `-o/--output` of the commands that print what they wrote.
pub const OUTPUT: FlagSpec = flag("output", Some('o'), true);
/// `--template` (a Go template or JSONPath for `-o`; alone, a Go template).
pub const TEMPLATE: FlagSpec = flag("template", None, true);
/// `--allow-missing-template-keys` (default true; `=false` makes a missing key an error).
pub const ALLOW_MISSING_TEMPLATE_KEYS: FlagSpec = flag("allow-missing-template-keys", None, false);

/// `cmdutil.DryRunStrategy`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    /// Print what would be sent; send nothing.
    Client,
    /// Send it with `?dryRun=All`: the server admits it and stores nothing.
    Server,
}

impl DryRun {
    /// What kubectl's printer appends to the operation.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }

    /// Runs a write as this strategy sends it: inside [`Cluster::dry_run`] for a server dry
    /// run, as it is otherwise (a client dry run never calls this).
    pub fn send<R>(self, c: &mut Cluster, request: impl FnOnce(&mut Cluster) -> R) -> R {
        match self {
            DryRun::Server => c.dry_run(request),
            DryRun::None | DryRun::Client => request(c),
        }
    }
}

/// What `--dry-run` with no value reads as: pflag's `NoOptDefVal` for it.
const BARE: &str = "unchanged";

/// pflag's `NoOptDefVal`: a bare `--dry-run` takes no value from the next word. Rewrites it to
/// the inline form before parsing (words after `--` are left alone).
pub fn bare_flag(args: &[String]) -> Vec<String> {
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    args.iter()
        .enumerate()
        .map(|(i, a)| {
            if i < end && a == "--dry-run" {
                format!("--dry-run={BARE}")
            } else {
                a.clone()
            }
        })
        .collect()
}

/// `cmdutil.GetDryRunStrategy`: the strategy, with kubectl's klog warning for the deprecated
/// forms; `None` (and the error written) for a value it refuses.
pub fn strategy(p: &Parsed, c: &Cluster, out: &mut Output) -> Option<DryRun> {
    let value = p.value("dry-run").unwrap_or("none");
    // `strconv.ParseBool` first: a boolean is the old form.
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => {
            warn(c, out, 717, &format!("--dry-run={value} is deprecated (boolean value) and can be replaced with --dry-run=client."));
            Some(DryRun::Client)
        }
        "0" | "f" | "F" | "FALSE" | "false" | "False" => {
            warn(c, out, 720, &format!("--dry-run={value} is deprecated (boolean value) and can be replaced with --dry-run=none."));
            Some(DryRun::None)
        }
        BARE => {
            warn(
                c,
                out,
                703,
                "--dry-run is deprecated and can be replaced with --dry-run=client.",
            );
            Some(DryRun::Client)
        }
        "client" => Some(DryRun::Client),
        "server" => Some(DryRun::Server),
        "none" => Some(DryRun::None),
        other => {
            out.err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ));
            None
        }
    }
}

/// `--dry-run` and `-o`, read in kubectl's order (`Complete`: the strategy, then the printer);
/// `None` once one of them has written its error.
pub fn flags(p: &Parsed, c: &Cluster, out: &mut Output) -> Option<(DryRun, Print)> {
    let dry = strategy(p, c, out)?;
    let print = print_flag(p, out)?;
    Some((dry, print))
}

/// A writing verb's start: its flags parsed (a bare `--dry-run` as pflag reads it), then
/// `--dry-run` and `-o` read by [`flags`]; `None` once an error has been written.
pub fn parse(
    args: &[String],
    specs: &[FlagSpec],
    cmd: &str,
    c: &Cluster,
    out: &mut Output,
) -> Option<(Parsed, DryRun, Print)> {
    let p = crate::args::parse_into(&bare_flag(args), specs, cmd, out)?;
    let (dry, print) = flags(&p, c, out)?;
    Some((p, dry, print))
}

/// The process id kubectl's klog lines carry here (a real one differs on every run).
pub(crate) const KLOG_PID: u32 = 4242;

/// A klog warning as kubectl writes it to stderr: `W1207 10:47:55.640005    4242
/// helpers.go:703] …`, stamped with the cluster's clock.
fn warn(c: &Cluster, out: &mut Output, line: u32, message: &str) {
    out.note(klog(c, 'W', &format!("helpers.go:{line}"), message));
}

/// A klog line (`W…`, or `F…` for kubectl's fatal exits) as kubectl writes it to stderr,
/// stamped with the cluster's clock: `F1207 10:47:55.640005    4242 sorter.go:329] …`.
pub(crate) fn klog(c: &Cluster, severity: char, at: &str, message: &str) -> String {
    klog_of(c, KLOG_PID, severity, at, message)
}

/// [`klog`] of the process `pid` (a background job's, as `[1] 4243` showed it).
pub(crate) fn klog_of(c: &Cluster, pid: u32, severity: char, at: &str, message: &str) -> String {
    let now = c.now();
    let t = Civil::of(now);
    format!(
        "{severity}{:02}{:02} {:02}:{:02}:{:02}.{:06} {pid:>7} {at}] {message}",
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        (now.0 % 1000) * 1000
    )
}

/// `-o` of a command that writes: kubectl's message, or the object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Print {
    /// No `-o`: `TYPE/NAME OPERATION`, with the dry run's suffix.
    Message,
    Name,
    Yaml,
    Json,
    /// The other formats `get` prints an object in (`jsonpath-as-json`, Go templates), and
    /// whether missing keys are allowed.
    Other(crate::get::Format, bool),
}

/// What `-o go-template-file=…` reads here: these commands are not given the workstation's
/// files, so every file is missing.
struct NoFiles;

impl crate::Files for NoFiles {
    fn read(&self, _path: &str) -> Result<String, String> {
        Err("no such file or directory".into())
    }
}

/// Reads `-o`; for a format these commands cannot print, kubectl's error.
pub fn print_flag(p: &Parsed, out: &mut Output) -> Option<Print> {
    use crate::get::Format;
    const FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";
    let o = p.value("output").filter(|o| !o.is_empty());
    let template = p.value("template").filter(|t| !t.is_empty());
    if o.is_none() && template.is_none() {
        return Some(Print::Message);
    }
    let allow_missing = p
        .value("allow-missing-template-keys")
        .is_none_or(|v| v != "false");
    Some(
        match crate::get::parse_output(o, template, &NoFiles, FORMATS) {
            Ok(Format::Name) => Print::Name,
            Ok(Format::Yaml) => Print::Yaml,
            Ok(Format::Json) => Print::Json,
            Ok(f) => Print::Other(f, allow_missing),
            Err(e) => {
                out.err(e);
                return None;
            }
        },
    )
}

/// An object to print, and how kubectl holds it: a typed Go struct (`-o json` in its fields'
/// order) or an unstructured map (keys sorted).
#[derive(Copy, Clone, Debug)]
pub enum Shown<'a> {
    Typed(&'a Value),
    Unstructured(&'a Value),
}

impl Print {
    /// Prints one written object: `kind`/`name` and what was done (`created`, `scaled`), or
    /// the object (as the server returned it, or as kubectl built it) in the chosen format.
    pub fn done(
        &self,
        out: &mut Output,
        dry: DryRun,
        kind: Kind,
        name: &str,
        operation: &str,
        shown: Shown,
    ) {
        let object = match shown {
            Shown::Typed(v) | Shown::Unstructured(v) => v,
        };
        match self {
            Print::Message => out.out(format!(
                "{}/{name} {operation}{}\n",
                type_prefix(kind),
                dry.suffix()
            )),
            Print::Name => out.out(format!("{}/{name}\n", type_prefix(kind))),
            Print::Yaml => out.out(yaml::to_yaml(object)),
            Print::Json => out.out(match shown {
                Shown::Typed(v) => go_json(v),
                Shown::Unstructured(v) => crate::get::to_json(v),
            }),
            Print::Other(f, allow_missing) => {
                crate::get::print_value(f, object, *allow_missing, out);
            }
        }
    }
}

/// Sends an object kubectl built itself (`create secret`, `create namespace`, `run`) as `dry`
/// says and returns it as the printers show it: as built for a client dry run, else as the
/// server returned it; `None`, with the server's error written, if it was refused.
pub fn create_built(c: &mut Cluster, obj: Object, dry: DryRun, out: &mut Output) -> Option<Value> {
    if dry == DryRun::Client {
        return Some(built(&obj));
    }
    match dry.send(c, |c| c.create(obj)) {
        Ok(o) => Some(o.to_value()),
        Err(e) => {
            out.err(crate::errors::render(&e, None));
            None
        }
    }
}

/// An object kubectl built itself (`create secret`, `create namespace`, `run`) as its printers
/// see it: a Go struct whose `metadata.creationTimestamp` is the zero time, printed `null`.
pub fn built(obj: &Object) -> Value {
    let mut v = obj.to_value();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.entry("creationTimestamp").or_insert(Value::Null);
    }
    v
}

/// An object the server returned as kubectl holds it once decoded into its Go type: the zero
/// `creationTimestamp` of the ObjectMeta inside a pod template (and a StatefulSet's claim
/// templates), which the server's JSON leaves out, is printed `null`.
pub fn typed(v: &Value) -> Value {
    let mut v = v.clone();
    let zero = |m: Option<&mut Value>| {
        if let Some(m) = m.and_then(Value::as_object_mut) {
            m.entry("creationTimestamp").or_insert(Value::Null);
        }
    };
    if v.pointer("/spec/template").is_some_and(Value::is_object) {
        if v.pointer("/spec/template/metadata").is_none() {
            v["spec"]["template"]["metadata"] = Value::Object(Default::default());
        }
        zero(v.pointer_mut("/spec/template/metadata"));
    }
    if let Some(Value::Array(claims)) = v.pointer_mut("/spec/volumeClaimTemplates") {
        for c in claims {
            zero(c.get_mut("metadata"));
        }
    }
    v
}

/// The fields of the objects these commands print, in the order of their Go structs
/// (`encoding/json` writes a struct's fields in that order; a map's keys sorted): TypeMeta,
/// ObjectMeta, then Secret, Namespace, Pod, Container, ContainerPort, EnvVar, StatefulSet,
/// DeploymentSpec, LabelSelector.
const GO_ORDER: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "spec",
    "immutable",
    "data",
    "stringData",
    "type",
    "status",
    "volumes",
    "initContainers",
    "containers",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "hostPort",
    "containerPort",
    "protocol",
    "envFrom",
    "env",
    "value",
    "valueFrom",
    "resources",
    "imagePullPolicy",
    "stdin",
    "stdinOnce",
    "tty",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "dnsPolicy",
    "replicas",
    "selector",
    "matchLabels",
    "matchExpressions",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
];

/// Objects whose keys are a Go map's, not a struct's: sorted.
const GO_MAPS: &[&str] = &[
    "data",
    "stringData",
    "labels",
    "annotations",
    "nodeSelector",
    "matchLabels",
];

/// `-o json` of a typed object as kubectl's JSON printer writes it: four-space indentation,
/// struct fields in their Go order (the struct's own order where [`struct_order`] knows the
/// struct from where it sits, else [`GO_ORDER`]; fields neither knows come last, sorted).
pub fn go_json(v: &Value) -> String {
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut s = String::new();
    write_json(&mut s, v, 0, false, &mut Vec::new(), kind);
    s.push('\n');
    s
}

const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
const OWNER_REFERENCE: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "uid",
    "controller",
    "blockOwnerDeletion",
];
const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];
const CONTAINER_PORT: &[&str] = &["name", "hostPort", "containerPort", "protocol", "hostIP"];
const VOLUME_MOUNT: &[&str] = &[
    "name",
    "readOnly",
    "recursiveReadOnly",
    "mountPath",
    "subPath",
    "mountPropagation",
    "subPathExpr",
];
const PROBE: &[&str] = &[
    "exec",
    "httpGet",
    "tcpSocket",
    "grpc",
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
];
const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
];
const REPLICA_SET_SPEC: &[&str] = &["replicas", "minReadySeconds", "selector", "template"];
const REPLICA_SET_STATUS: &[&str] = &[
    "replicas",
    "fullyLabeledReplicas",
    "readyReplicas",
    "availableReplicas",
    "terminatingReplicas",
    "observedGeneration",
    "conditions",
];
const STATEFUL_SET_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "volumeClaimTemplates",
    "serviceName",
    "podManagementPolicy",
    "updateStrategy",
    "revisionHistoryLimit",
    "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];
const STATEFUL_SET_STATUS: &[&str] = &[
    "observedGeneration",
    "replicas",
    "readyReplicas",
    "currentReplicas",
    "updatedReplicas",
    "currentRevision",
    "updateRevision",
    "collisionCount",
    "conditions",
    "availableReplicas",
];
const CLAIM: &[&str] = &["kind", "apiVersion", "metadata", "spec", "status"];
const CLAIM_SPEC: &[&str] = &[
    "accessModes",
    "selector",
    "resources",
    "volumeName",
    "storageClassName",
    "volumeMode",
    "dataSource",
    "dataSourceRef",
    "volumeAttributesClassName",
];
const CLAIM_STATUS: &[&str] = &[
    "phase",
    "accessModes",
    "capacity",
    "conditions",
    "allocatedResources",
    "allocatedResourceStatuses",
    "currentVolumeAttributesClassName",
    "modifyVolumeStatus",
];
const CONDITION: &[&str] = &[
    "type",
    "status",
    "lastUpdateTime",
    "lastTransitionTime",
    "reason",
    "message",
];

/// The Go struct at `path` (the keys down to it; list items add none) of an object of `kind`,
/// when this printer knows it.
fn struct_order(path: &[&str], kind: &str) -> Option<&'static [&'static str]> {
    let last = *path.last()?;
    let parent = path.len().checked_sub(2).map(|i| path[i]);
    Some(match (parent, last) {
        (_, "metadata") => OBJECT_META,
        (_, "ownerReferences") => OWNER_REFERENCE,
        (_, "containers" | "initContainers") => CONTAINER,
        (Some("containers" | "initContainers"), "ports") => CONTAINER_PORT,
        (_, "volumeMounts") => VOLUME_MOUNT,
        (_, "livenessProbe" | "readinessProbe" | "startupProbe") => PROBE,
        (_, "httpGet") => &["path", "port", "host", "scheme", "httpHeaders"],
        (Some("containers" | "initContainers"), "resources") => &["limits", "requests", "claims"],
        (_, "env") => &["name", "value", "valueFrom"],
        (_, "conditions") => CONDITION,
        (_, "matchExpressions") => &["key", "operator", "values"],
        (Some("template"), "spec") => POD_SPEC,
        (None, "spec") if kind == "ReplicaSet" => REPLICA_SET_SPEC,
        (None, "status") if kind == "ReplicaSet" => REPLICA_SET_STATUS,
        (None, "spec") if kind == "StatefulSet" => STATEFUL_SET_SPEC,
        (None, "status") if kind == "StatefulSet" => STATEFUL_SET_STATUS,
        (Some("spec"), "updateStrategy") => &["type", "rollingUpdate"],
        (Some("updateStrategy"), "rollingUpdate") => &["partition", "maxUnavailable"],
        (Some("strategy"), "rollingUpdate") => &["maxUnavailable", "maxSurge"],
        (_, "persistentVolumeClaimRetentionPolicy") => &["whenDeleted", "whenScaled"],
        (_, "volumeClaimTemplates") => CLAIM,
        (Some("volumeClaimTemplates"), "spec") => CLAIM_SPEC,
        (Some("volumeClaimTemplates"), "status") => CLAIM_STATUS,
        (Some("spec"), "resources") if path.contains(&"volumeClaimTemplates") => {
            &["limits", "requests"]
        }
        _ => return None,
    })
}

fn write_json<'a>(
    s: &mut String,
    v: &'a Value,
    depth: usize,
    sorted: bool,
    path: &mut Vec<&'a str>,
    kind: &str,
) {
    let pad = |n: usize| "    ".repeat(n);
    match v {
        Value::Object(m) if m.is_empty() => s.push_str("{}"),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if !sorted {
                let order = struct_order(path, kind).unwrap_or(GO_ORDER);
                ordinal_sim::sort::sort_by_key(&mut keys, |k| {
                    (
                        order.iter().position(|g| g == k).unwrap_or(order.len()),
                        k.as_str(),
                    )
                });
            }
            s.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                s.push_str(&pad(depth + 1));
                s.push_str(&go_string(k));
                s.push_str(": ");
                let map = GO_MAPS.contains(&k.as_str());
                path.push(k.as_str());
                write_json(s, &m[*k], depth + 1, map, path, kind);
                path.pop();
                if i + 1 < keys.len() {
                    s.push(',');
                }
                s.push('\n');
            }
            s.push_str(&pad(depth));
            s.push('}');
        }
        Value::Array(a) if a.is_empty() => s.push_str("[]"),
        Value::Array(a) => {
            s.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                s.push_str(&pad(depth + 1));
                write_json(s, x, depth + 1, false, path, kind);
                if i + 1 < a.len() {
                    s.push(',');
                }
                s.push('\n');
            }
            s.push_str(&pad(depth));
            s.push(']');
        }
        Value::String(x) => s.push_str(&go_string(x)),
        scalar => s.push_str(&scalar.to_string()),
    }
}

/// A JSON string as Go's `encoding/json` writes it: HTML's `<`, `>`, `&` and the line and
/// paragraph separators escaped too.
pub fn go_string(x: &str) -> String {
    Value::String(x.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(args: &[&str]) -> Parsed {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        crate::args::parse(&bare_flag(&args), &[DRY_RUN, OUTPUT], "create").unwrap()
    }

    #[test]
    fn strategies_as_kubectl_reads_them() {
        let c = Cluster::new(1);
        let mut out = Output::default();
        let s = |a: &[&str], out: &mut Output| strategy(&parsed(a), &c, out);
        assert_eq!(s(&[], &mut out), Some(DryRun::None));
        assert_eq!(s(&["--dry-run=client"], &mut out), Some(DryRun::Client));
        assert_eq!(s(&["--dry-run=server"], &mut out), Some(DryRun::Server));
        assert_eq!(s(&["--dry-run=none"], &mut out), Some(DryRun::None));
        assert_eq!(out.text(), "");
        // The bare flag takes no value: the next word stays a positional.
        let p = parsed(&["--dry-run", "server"]);
        assert_eq!(p.positionals, ["server"]);
        assert_eq!(s(&["--dry-run"], &mut out), Some(DryRun::Client));
        assert!(out.stderr().ends_with(
            "    4242 helpers.go:703] --dry-run is deprecated and can be replaced with --dry-run=client.\n"
        ));
        assert!(out.stderr().starts_with("W0101 00:05:"), "{}", out.stderr());
        let mut out = Output::default();
        assert_eq!(s(&["--dry-run=False"], &mut out), Some(DryRun::None));
        assert!(out.stderr().ends_with("helpers.go:720] --dry-run=False is deprecated (boolean value) and can be replaced with --dry-run=none.\n"));
        assert_eq!(out.status, 0);
        let mut out = Output::default();
        assert_eq!(s(&["--dry-run=x"], &mut out), None);
        assert_eq!(
            out.stderr(),
            "error: Invalid dry-run value (x). Must be \"none\", \"server\", or \"client\".\n"
        );
    }

    // Every command that writes, under both dry runs, answers without writing anything.
    #[test]
    fn dry_runs_write_nothing() {
        let mut c = Cluster::new(1);
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.apply_yaml(crate::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML, "default")
            .unwrap();
        c.settle();
        let files = crate::session::MemFiles::default();
        let env = crate::Env {
            namespace: "default",
            files: &files,
            stdin: "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  ports:\n  - port: 80\n",
            interactive_shells: false,
        };
        let lines = [
            "create -f -",
            "apply -f -",
            "create secret generic s --from-literal=a=b",
            "create secret docker-registry r --docker-username=u --docker-password=p",
            "create namespace x",
            "run p --image=nginx",
            "delete pod web-0",
            "delete sts web --cascade=foreground",
            "scale sts web --replicas=5",
            "label pod web-0 a=b",
            "annotate pod web-0 a=b",
            "patch sts web -p {\"spec\":{\"replicas\":4}}",
            "set image sts/web nginx=nginx:1.27",
            "set env sts/web GREETING=hello",
            "set resources sts/web --limits=cpu=200m",
            "create deployment d --image=nginx --replicas=2",
            "delete deployment nginx-deployment",
            "scale deployment nginx-deployment --replicas=5",
            "set image deploy/nginx-deployment nginx=nginx:1.16.1",
            "set env deploy/nginx-deployment GREETING=hello",
        ];
        for line in lines {
            for dry in ["client", "server"] {
                let rv = c.resource_version();
                let mut args: Vec<String> = line.split(' ').map(String::from).collect();
                args.push(format!("--dry-run={dry}"));
                let out = crate::run(&mut c, &args, &env);
                assert_eq!(out.status, 0, "{line} --dry-run={dry}: {}", out.text());
                // kubectl's patch never says "(dry run)" (it sets its printer's operation
                // after the dry-run suffix was added).
                assert!(
                    out.stdout().ends_with("dry run)\n") || line.starts_with("patch "),
                    "{line}: {}",
                    out.text()
                );
                assert!(out.job.is_none(), "{line} --dry-run={dry} waits");
                assert_eq!(c.resource_version(), rv, "{line} --dry-run={dry} wrote");
            }
        }
    }

    #[test]
    fn json_in_go_struct_order() {
        let v = json!({"apiVersion": "v1", "kind": "Secret", "type": "t",
            "data": {"b": "1", "a": "2"}, "metadata": {"name": "s", "creationTimestamp": null}});
        assert_eq!(
            go_json(&v),
            "{\n    \"kind\": \"Secret\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"s\",\n        \"creationTimestamp\": null\n    },\n    \"data\": {\n        \"a\": \"2\",\n        \"b\": \"1\"\n    },\n    \"type\": \"t\"\n}\n"
        );
    }
}
