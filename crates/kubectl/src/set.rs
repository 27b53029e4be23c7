//! `kubectl set image|env|resources|serviceaccount|selector`: change the containers or the
//! service account of a pod template (a StatefulSet's) or of a pod, or a Service's selector,
//! as kubectl v1.33 does (`pkg/cmd/set`): the pairs after the resources, the object changed
//! locally, (for the containers) nothing sent when nothing changed, then the change sent (here
//! as an update of the object read) and `statefulset.apps/web image updated`. `set subject`
//! says why it cannot run: there are no role bindings.

use crate::args::{flag, sub, FlagSpec, Operands, Parsed, Sub};
use crate::dryrun::{
    self, DryRun, Print, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE,
};
use crate::errors::{self, Visit};
use crate::output::Output;
use crate::resource::{resolve, Containers};
use crate::Env;
use ordinal_sim::api::{Kind, Object};
use ordinal_sim::quantity::Quantity;
use ordinal_sim::{ApiError, Cluster};
use serde_json::{json, Value};

const ALL: FlagSpec = flag("all", None, false);
const SELECTOR: FlagSpec = flag("selector", Some('l'), true);
const LOCAL: FlagSpec = flag("local", None, false);
const FILENAME: FlagSpec = flag("filename", Some('f'), true);
const CONTAINERS: FlagSpec = flag("containers", Some('c'), true);

/// Flags every `set` subcommand takes as kubectl does: `--field-manager` (the update is sent
/// as a PUT; the sim keeps no managed fields), `--show-managed-fields` (the printers print
/// none), `-R` (files are read one by one), and `-k`, which says why it cannot run.
const FIELD_MANAGER: FlagSpec = flag("field-manager", None, true);
const SHOW_MANAGED_FIELDS: FlagSpec = flag("show-managed-fields", None, false);
const RECURSIVE: FlagSpec = flag("recursive", Some('R'), false);
const KUSTOMIZE: FlagSpec = flag("kustomize", Some('k'), true);

/// `--record` (deprecated): the command line as the object's `kubernetes.io/change-cause`.
const RECORD: FlagSpec = flag("record", None, false);

pub const IMAGE_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    KUSTOMIZE,
    ALL,
    SELECTOR,
    LOCAL,
    FILENAME,
    RECORD,
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];
pub const ENV_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    KUSTOMIZE,
    ALL,
    SELECTOR,
    LOCAL,
    FILENAME,
    CONTAINERS,
    flag("env", Some('e'), true),
    flag("list", None, false),
    flag("resolve", None, false),
    flag("overwrite", None, false),
    flag("from", None, true),
    flag("prefix", None, true),
    flag("keys", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];
pub const RESOURCES_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    KUSTOMIZE,
    ALL,
    SELECTOR,
    LOCAL,
    FILENAME,
    CONTAINERS,
    flag("limits", None, true),
    flag("requests", None, true),
    RECORD,
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

pub const SELECTOR_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    ALL,
    LOCAL,
    FILENAME,
    RECORD,
    flag("resource-version", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];
/// `set subject`'s flags: parsed (their errors are kubectl's) before it says why it cannot run.
pub const SUBJECT_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    KUSTOMIZE,
    ALL,
    SELECTOR,
    LOCAL,
    FILENAME,
    flag("group", None, true),
    flag("serviceaccount", None, true),
    // `--user` is the global flag's name too: one parse takes it.
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];
pub const SERVICEACCOUNT_FLAGS: &[FlagSpec] = &[
    FIELD_MANAGER,
    SHOW_MANAGED_FIELDS,
    RECURSIVE,
    KUSTOMIZE,
    ALL,
    LOCAL,
    FILENAME,
    RECORD,
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// `kubectl set`'s subcommands.
pub const SUBCOMMANDS: &[Sub] = &[
    sub("env", ENV_FLAGS, Operands::Typed),
    sub("image", IMAGE_FLAGS, Operands::Typed),
    sub("resources", RESOURCES_FLAGS, Operands::Typed),
    sub("selector", SELECTOR_FLAGS, Operands::Typed),
    sub("serviceaccount", SERVICEACCOUNT_FLAGS, Operands::Typed).aliases(&["sa"]),
    sub("subject", SUBJECT_FLAGS, Operands::None).hidden(),
];

/// `kubectl set` alone (cobra's help, on stderr, status 1), and `kubectl set --help`.
const GROUP_HELP: &str = include_str!("help_v1_33/set.txt");

/// `kubectl set [SUBCOMMAND] --help`: kubectl v1.33's own text, word for word (every flag it
/// lists is parsed here; `-k` says why it cannot run).
pub fn help(args: &[String]) -> String {
    let word = args.iter().find(|a| {
        SUBCOMMANDS
            .iter()
            .any(|s| s.name == *a || s.aliases.contains(&a.as_str()))
    });
    match word.map(String::as_str) {
        Some("env") => include_str!("help_v1_33/set-env.txt"),
        Some("image") => include_str!("help_v1_33/set-image.txt"),
        Some("resources") => include_str!("help_v1_33/set-resources.txt"),
        Some("selector") => include_str!("help_v1_33/set-selector.txt"),
        Some("serviceaccount" | "sa") => include_str!("help_v1_33/set-serviceaccount.txt"),
        Some("subject") => include_str!("help_v1_33/set-subject.txt"),
        _ => GROUP_HELP,
    }
    .to_string()
}

pub fn set(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    // `set`'s own flags (the global ones) come before the subcommand; a value is no command.
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') && args[i] != "-" {
        i += if crate::args::takes_value(&[], &args[i]) && !args[i].contains('=') {
            2
        } else {
            1
        };
    }
    if let Err(e) = crate::args::parse(&args[..i.min(args.len())], &[], "set") {
        out.err(e);
        return out;
    }
    if i >= args.len() {
        out.err(GROUP_HELP);
        return out;
    }
    let mut rest = args.to_vec();
    let word = rest.remove(i);
    match word.as_str() {
        "image" => image(c, &rest, env),
        "env" => set_env(c, &rest, env),
        "resources" => resources(c, &rest, env),
        "selector" => selector(c, &rest, env),
        "serviceaccount" | "sa" => serviceaccount(c, &rest, env),
        "subject" => {
            if let Err(e) = crate::args::parse(&rest, SUBJECT_FLAGS, "set subject") {
                out.err(e);
                return out;
            }
            out.err("error: \"kubectl set subject\" is not available in this playground: it has no RoleBindings or ClusterRoleBindings (kind's admin may do everything)");
            out
        }
        other => {
            out.err(format!(
                "error: unknown command \"{other}\"\nSee 'kubectl set -h' for help and examples"
            ));
            out
        }
    }
}

/// kubectl's `GetResourcesAndPairs`: the resources, then the pairs (`K=V`, `K-`).
pub(crate) fn split_pairs(
    args: &[String],
    what: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut resources, mut pairs) = (Vec::new(), Vec::new());
    for s in args {
        let pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        if pair {
            pairs.push(s.clone());
        } else if !pairs.is_empty() {
            return Err(format!(
                "error: all resources must be specified before {what} changes: {s}"
            ));
        } else {
            resources.push(s.clone());
        }
    }
    Ok((resources, pairs))
}

/// The resource builder's reading of `TYPE NAME…`/`TYPE/NAME…` (`ResourceTypeOrNameArgs`),
/// with its errors; `-l` and `--all` list the type.
fn infos(
    c: &Cluster,
    p: &Parsed,
    resources: &[String],
    ns: &str,
    env: &Env,
    out: &mut Output,
) -> Option<Vec<Target>> {
    if p.has("kustomize") {
        out.err("error: -k is not available in this playground: it has no kustomize build engine; -f takes the manifests themselves");
        return None;
    }
    let local = p.bool("local");
    if local && p.has("output") {
        out.err("error: set --local -o is not available in this playground: kubectl prints the file's object as its Go types hold it (zero values and all); drop -o, or set the live object with --dry-run=client -o.");
        return None;
    }
    if local && (!resources.is_empty() || !p.has("filename")) {
        out.err("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
        return None;
    }
    if p.has("filename") {
        return from_files(p, env, local, out);
    }
    if resources.is_empty() {
        if p.has("selector") {
            out.err("error: at least one resource must be specified to use a selector");
        } else {
            out.err(errors::MISSING_RESOURCES);
        }
        return None;
    }
    let slashed = resources.iter().filter(|r| r.contains('/')).count();
    if slashed > 0 && slashed < resources.len() {
        out.err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
        return None;
    }
    let kind_of = |ty: &str, out: &mut Output| {
        let k = resolve(ty);
        if k.is_none() {
            out.err(format!(
                "error: the server doesn't have a resource type \"{ty}\""
            ));
        }
        k
    };
    let mut t: Vec<(Kind, String)> = Vec::new();
    if slashed > 0 {
        for r in resources {
            let (ty, name) = r.split_once('/').unwrap_or((r, ""));
            t.push((kind_of(ty, out)?, name.to_string()));
        }
    } else {
        let mut kinds = Vec::new();
        for ty in resources[0].split(',') {
            kinds.push(kind_of(ty, out)?);
        }
        let names = &resources[1..];
        if names.is_empty() {
            let selector = crate::args::selector_into(p, out)?;
            if selector.is_none() && !p.bool("all") {
                out.err("error: resource(s) were provided, but no name was specified");
                return None;
            }
            for k in kinds {
                for o in c.list(k, k.namespaced().then_some(ns)) {
                    if selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&o.meta().labels))
                    {
                        t.push((k, o.meta().name.clone()));
                    }
                }
            }
        } else {
            for k in kinds {
                for n in names {
                    t.push((k, n.clone()));
                }
            }
        }
    }
    Some(t.into_iter().map(|(k, n)| (k, n, None)).collect())
}

/// An object to change: its kind and name, and (`--local`) the object as the file has it.
type Target = (Kind, String, Option<Value>);

/// `-f FILE`: the objects the files name (read from the server), or with `--local` the
/// files' objects themselves.
pub(crate) fn from_files(
    p: &Parsed,
    env: &Env,
    local: bool,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let mut t = Vec::new();
    for f in p.values("filename") {
        let text = match crate::manifests::read(env.files, &f, env.stdin) {
            Ok(text) => text,
            Err(e) => {
                out.err(e);
                return None;
            }
        };
        let docs = match ordinal_sim::apply::parse_manifests(&text) {
            Ok(d) => d,
            Err(e) => {
                out.err(format!("error: error parsing {f}: {}", e.message));
                return None;
            }
        };
        for d in docs {
            let s = |k: &str| d.value.pointer(k).and_then(Value::as_str).unwrap_or("");
            let Some(kind) = Kind::from_type_meta(s("/apiVersion"), s("/kind")) else {
                out.err(format!(
                    "error: resource mapping not found for name: {:?} namespace: {:?} from {f:?}: no matches for kind {:?} in version {:?}\nensure CRDs are installed first",
                    s("/metadata/name"),
                    s("/metadata/namespace"),
                    s("/kind"),
                    s("/apiVersion")
                ));
                return None;
            };
            let name = s("/metadata/name").to_string();
            t.push((kind, name, local.then(|| d.value.clone())));
        }
    }
    Some(t)
}

/// The object to change: the file's (`--local`), else the live one.
fn object(c: &Cluster, t: &Target, ns: &str, out: &mut Output) -> Option<Value> {
    match &t.2 {
        Some(v) => Some(v.clone()),
        None => live(c, t.0, ns, &t.1, out),
    }
}

/// One object `set` changes: as read (the file's with `--local`, else the live one), and a
/// copy of its pod spec (a pod's, or its template's) to change; [`Change::after`] is the
/// object with it.
struct Change {
    kind: Kind,
    name: String,
    local: bool,
    before: Value,
    /// Where the pod spec is in the object.
    at: &'static str,
    spec: Value,
}

impl Change {
    /// The target's object and pod spec; `None` when it could not be read (the error
    /// printed) or has no pod spec (kubectl's error in `errs`).
    fn of(
        c: &Cluster,
        t: &Target,
        ns: &str,
        out: &mut Output,
        errs: &mut Vec<String>,
    ) -> Option<Change> {
        let before = object(c, t, ns, out)?;
        let (kind, local) = (t.0, t.2.is_some());
        let at = match crate::resource::support(kind).containers {
            Containers::Own => Some("/spec"),
            Containers::Template => Some("/spec/template/spec"),
            Containers::None => None,
        };
        let spec = at.and_then(|at| before.pointer(at)).cloned();
        let (Some(at), Some(spec)) = (at, spec) else {
            errs.push(format!(
                "error: {}/{} the object is not a pod or does not have a pod template: *v1.{}",
                // `ObjectName`: the resource (from the server), or the kind (from a local file).
                if local {
                    kind.info().singular
                } else {
                    kind.info().plural
                },
                t.1,
                kind.name()
            ));
            return None;
        };
        Some(Change {
            kind,
            name: t.1.clone(),
            local,
            before,
            at,
            spec,
        })
    }

    /// The object with the changed pod spec.
    fn after(&self) -> Value {
        let mut v = self.before.clone();
        if let Some(slot) = v.pointer_mut(self.at) {
            *slot = self.spec.clone();
        }
        v
    }
}

fn containers(spec: &Value, key: &str) -> Vec<Value> {
    spec.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `filepath.Match` with `*` and `?` (what `-c` takes), in time linear in the pattern times
/// the name: a star only ever backtracks to the latest one.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Sends a changed object (nothing if unchanged) and prints it as kubectl does; `what` is the
/// operation (`image updated`) and `failed` the start of a server error's wording.
#[allow(clippy::too_many_arguments)]
fn send(
    c: &mut Cluster,
    out: &mut Output,
    dry: DryRun,
    print: &Print,
    kind: Kind,
    name: &str,
    before: &Value,
    after: Value,
    what: &str,
    failed: &str,
    local: bool,
) {
    if *before == after {
        return;
    }
    if let Err(e) = write(c, out, dry, print, kind, name, after, what, local) {
        out.err(format!("error: {failed}: {}", e.message));
    }
}

/// Prints a changed object on a client dry run (or `--local`), else sends it (an update of
/// the object as read) and prints what the server returned; `Err` is the server's error.
#[allow(clippy::too_many_arguments)]
fn write(
    c: &mut Cluster,
    out: &mut Output,
    dry: DryRun,
    print: &Print,
    kind: Kind,
    name: &str,
    after: Value,
    what: &str,
    local: bool,
) -> Result<(), ApiError> {
    if local || dry == DryRun::Client {
        // kubectl's `set` holds the object as its Go type.
        let after = dryrun::typed(&after);
        print.done(out, dry, kind, name, what, Shown::Unstructured(&after));
        return Ok(());
    }
    // The API's own decoder (`Object::decode`), not serde's generic `from_value`: the web build
    // would carry a second copy of every kind's deserializer for it (about 150 KB).
    let obj = Object::decode(kind, after)
        .map_err(|e| ApiError::bad_request(e.message))?
        .0;
    let o = dry.send(c, |c| c.update(obj))?;
    print.done(
        out,
        dry,
        kind,
        name,
        what,
        Shown::Unstructured(&dryrun::typed(&o.to_value())),
    );
    Ok(())
}

/// `--record`: pflag's deprecation notice as it parses the flag; the change cause kubectl
/// records (`parseCommandLine`: the command, its arguments, then each flag set, the global ones
/// first), if `--record` is true.
pub(crate) fn record(p: &Parsed, cmd: &str, out: &mut Output) -> Option<String> {
    if !p.has("record") {
        return None;
    }
    out.note("Flag --record has been deprecated, --record will be removed in the future");
    if !p.bool("record") {
        return None;
    }
    let mut line = format!("kubectl {cmd}");
    for a in &p.positionals {
        line.push(' ');
        line.push_str(a);
    }
    let global = |name: &str| crate::args::GLOBAL.iter().any(|g| g.long == name);
    let flags = p
        .flags
        .iter()
        .filter(|(n, _)| global(n))
        .chain(p.flags.iter().filter(|(n, _)| !global(n)));
    for (name, values) in flags {
        let value = match values.last().map(String::as_str) {
            Some("unchanged") if *name == "dry-run" => "unchanged",
            Some(v) => v,
            None => "",
        };
        line.push_str(&format!(" --{name}={value}"));
    }
    Some(line)
}

/// Sets the change cause `--record` asked for on an object.
pub(crate) fn set_cause(v: &mut Value, cause: &Option<String>) {
    if let Some(cause) = cause {
        let meta = &mut v["metadata"];
        if !meta["annotations"].is_object() {
            meta["annotations"] = json!({});
        }
        meta["annotations"]["kubernetes.io/change-cause"] = json!(cause);
    }
}

/// The start every subcommand shares: flags, namespace, pairs, the objects.
struct Start {
    p: Parsed,
    dry: DryRun,
    print: Print,
    ns: String,
    resources: Vec<String>,
    pairs: Vec<String>,
}

fn start(
    c: &Cluster,
    args: &[String],
    flags: &[FlagSpec],
    cmd: &str,
    what: &str,
    env: &Env,
    out: &mut Output,
) -> Option<Start> {
    let (p, dry, print) = dryrun::parse(args, flags, cmd, c, out)?;
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let (resources, pairs) = match split_pairs(&p.positionals, what) {
        Ok(x) => x,
        Err(e) => {
            out.err(e);
            return None;
        }
    };
    Some(Start {
        p,
        dry,
        print,
        ns,
        resources,
        pairs,
    })
}

fn live(c: &Cluster, kind: Kind, ns: &str, name: &str, out: &mut Output) -> Option<Value> {
    match c.get(kind, ns, name) {
        Ok(o) => Some(o.to_value()),
        Err(e) => {
            out.err(errors::render(&e, None));
            None
        }
    }
}

/// `kubectl set image`.
pub fn image(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(s) = start(c, args, IMAGE_FLAGS, "set image", "image", env, &mut out) else {
        return out;
    };
    let cause = record(&s.p, "set image", &mut out);
    // `ParsePairs`: `NAME=IMAGE` pairs; anything else is an invalid image.
    let mut images: Vec<(String, String)> = Vec::new();
    let bad: Vec<&str> = s
        .pairs
        .iter()
        .filter(|a| !a.contains('=') || a.starts_with('='))
        .map(String::as_str)
        .collect();
    if !bad.is_empty() {
        out.err(format!("error: invalid image format: {}", bad.join(", ")));
        return out;
    }
    for a in &s.pairs {
        if let Some((k, v)) = a.split_once('=') {
            images.retain(|(n, _)| n != k);
            images.push((k.to_string(), v.to_string()));
        }
    }
    let Some(targets) = infos(c, &s.p, &s.resources, &s.ns, env, &mut out) else {
        return out;
    };
    let mut errs = Vec::new();
    if s.p.bool("all") && s.p.has("selector") {
        errs.push("error: cannot set --all and --selector at the same time".to_string());
    }
    if images.is_empty() {
        errs.push("error: at least one image update is required".into());
    } else if images.len() > 1 && images.iter().any(|(n, _)| n == "*") {
        errs.push("error: all containers are already specified by *, but saw more than one container_name=container_image pairs".into());
    }
    if s.p.bool("local") && s.dry == DryRun::Server {
        errs.push(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .into(),
        );
    }
    if !errs.is_empty() {
        out.err(errs.join("\n"));
        return out;
    }
    let mut errs = Vec::new();
    for t in targets {
        let Some(mut ch) = Change::of(c, &t, &s.ns, &mut out, &mut errs) else {
            continue;
        };
        let spec = &mut ch.spec;
        for (cname, img) in &images {
            let mut found = false;
            for key in ["initContainers", "containers"] {
                let mut list = containers(spec, key);
                for ctr in list.iter_mut() {
                    if ctr.get("name").and_then(Value::as_str) == Some(cname) || cname == "*" {
                        found = true;
                        ctr["image"] = json!(img);
                    }
                }
                if !list.is_empty() {
                    spec[key] = Value::Array(list);
                }
            }
            if !found {
                errs.push(format!("error: unable to find container named {cname:?}"));
            }
        }
        let mut after = ch.after();
        set_cause(&mut after, &cause);
        send(
            c,
            &mut out,
            s.dry,
            &s.print,
            ch.kind,
            &ch.name,
            &ch.before,
            after,
            "image updated",
            "failed to patch image update to pod template",
            ch.local,
        );
    }
    for e in errs {
        out.err(e);
    }
    out
}

/// `validation.IsEnvVarName`.
fn env_name_ok(n: &str) -> bool {
    let mut chars = n.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// kubectl's `GetEnvVarRefString`.
fn ref_string(from: &Value) -> String {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(r) = from.get("configMapKeyRef") {
        format!("configmap {}, key {}", s(r, "name"), s(r, "key"))
    } else if let Some(r) = from.get("secretKeyRef") {
        format!("secret {}, key {}", s(r, "name"), s(r, "key"))
    } else if let Some(r) = from.get("fieldRef") {
        format!("field path {}", s(r, "fieldPath"))
    } else if let Some(r) = from.get("resourceFieldRef") {
        let container = s(r, "containerName");
        if container.is_empty() {
            format!("resource {}", s(r, "resource"))
        } else {
            format!("resource {}, container {container}", s(r, "resource"))
        }
    } else {
        "invalid valueFrom".into()
    }
}

/// `kubectl set env`.
pub fn set_env(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, ENV_FLAGS, "set env", c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    if p.bool("all") && p.has("selector") {
        out.err("error: cannot set --all and --selector at the same time");
        return out;
    }
    // `SplitEnvironmentFromResources`.
    let is_env = |s: &str| s.find('=').is_some_and(|i| i > 0) || s.ends_with('-');
    let (mut resources, mut env_args) = (Vec::new(), Vec::new());
    for a in &p.positionals {
        if is_env(a) {
            env_args.push(a.clone());
        } else if !env_args.is_empty() {
            out.err(format!(
                "error: all resources must be specified before environment changes: {}",
                p.positionals.join(" ")
            ));
            return out;
        } else {
            resources.push(a.clone());
        }
    }
    if p.bool("local") && dry == DryRun::Server {
        out.err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
        );
        return out;
    }
    if !p.has("filename") && resources.is_empty() {
        out.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        return out;
    }
    if p.bool("list") && p.has("output") {
        out.err("error: --list and --output may not be specified together");
        return out;
    }
    if p.has("keys") && !p.has("from") {
        out.err(
            "error: when specifying --keys, a configmap or secret must be provided with --from",
        );
        return out;
    }
    // `ParseEnv`.
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for spec in p.values("env").iter().chain(&env_args) {
        if spec == "-" {
            out.err("error: set env -e - (reading the environment from stdin) is not available in this playground");
            return out;
        } else if let Some((k, v)) = spec.split_once('=') {
            if !env_name_ok(k) {
                out.err(format!("error: {k:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
                return out;
            }
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            out.err(format!("error: unknown environment variable: {spec}"));
            return out;
        }
    }
    if remove.iter().any(|r| set.iter().any(|(k, _)| k == r)) {
        out.err(
            "error: can not both modify and remove the same environment variable in the same command",
        );
        return out;
    }
    if p.has("from") {
        out.err("error: set env --from is not available in this playground (it has no ConfigMaps; Secrets are read by the pods' env, not copied by kubectl here)");
        return out;
    }
    let prefix = p.value("prefix").unwrap_or("");
    let set: Vec<(String, String)> = set
        .into_iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v))
        .collect();
    let Some(targets) = infos(c, &p, &resources, &ns, env, &mut out) else {
        return out;
    };
    let selector = p.value("containers").unwrap_or("*").to_string();
    let overwrite = p.value("overwrite").is_none_or(|v| v != "false");
    let mut errs = Vec::new();
    for t in targets {
        let Some(mut ch) = Change::of(c, &t, &ns, &mut out, &mut errs) else {
            continue;
        };
        let (kind, name) = (ch.kind, ch.name.clone());
        let mut list = containers(&ch.spec, "containers");
        let mut matched = 0;
        let mut failed = None;
        for ctr in list.iter_mut() {
            let cname = ctr
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if !glob(&selector, &cname) {
                continue;
            }
            matched += 1;
            let existing: Vec<Value> = ctr
                .get("env")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let value_of = |e: &Value| e.get("value").and_then(Value::as_str).map(String::from);
            let name_of = |e: &Value| e.get("name").and_then(Value::as_str).map(String::from);
            if !overwrite {
                for (k, v) in &set {
                    if let Some(cur) = existing.iter().find(|e| name_of(e).as_deref() == Some(k)) {
                        let cur_v = value_of(cur).unwrap_or_default();
                        if cur_v != *v {
                            failed = Some(format!(
                                "'{k}' already has a value ({cur_v}), and --overwrite is false"
                            ));
                        }
                    }
                }
                if failed.is_some() {
                    break;
                }
            }
            // `updateEnv`: the existing order, replaced in place; new ones at the end.
            let mut covered: Vec<String> = remove.clone();
            let mut updated = Vec::new();
            for e in &existing {
                let n = name_of(e).unwrap_or_default();
                if covered.contains(&n) {
                    continue;
                }
                if let Some((k, v)) = set.iter().find(|(k, _)| *k == n) {
                    covered.push(n);
                    updated.push(json!({"name": k, "value": v}));
                    continue;
                }
                updated.push(e.clone());
            }
            for (k, v) in &set {
                if !covered.contains(k) {
                    covered.push(k.clone());
                    updated.push(json!({"name": k, "value": v}));
                }
            }
            if p.bool("list") {
                out.out(format!("# {} {name}, container {cname}\n", kind.name()));
                for e in &updated {
                    let n = name_of(e).unwrap_or_default();
                    match e.get("valueFrom") {
                        Some(from) => out.out(format!("# {n} from {}\n", ref_string(from))),
                        None => out.out(format!("{n}={}\n", value_of(e).unwrap_or_default())),
                    }
                }
            }
            if updated.is_empty() {
                if let Some(m) = ctr.as_object_mut() {
                    m.remove("env");
                }
            } else {
                ctr["env"] = Value::Array(updated);
            }
        }
        if let Some(e) = failed {
            errs.push(format!("error: {}/{name} {e}", kind.info().plural));
            continue;
        }
        if matched == 0 {
            out.note(format!(
                "Warning: {}/{name} does not have any containers matching {selector:?}",
                kind.name()
            ));
        }
        if !list.is_empty() {
            ch.spec["containers"] = Value::Array(list);
        }
        if p.bool("list") {
            continue;
        }
        send(
            c,
            &mut out,
            dry,
            &print,
            kind,
            &name,
            &ch.before,
            ch.after(),
            "env updated",
            "failed to patch env update to pod template",
            ch.local,
        );
    }
    // `--list` returns before the patches' errors are looked at.
    if p.bool("list") {
        return out;
    }
    for e in errs {
        out.err(e);
    }
    out
}

/// `HandleResourceRequirementsV1`'s reading of `cpu=100m,memory=256Mi`.
fn resource_list(spec: &str) -> Result<Vec<(String, String)>, String> {
    let mut list = Vec::new();
    if spec.is_empty() {
        return Ok(list);
    }
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, q] = parts[..] else {
            return Err(format!(
                "error: Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        };
        let q = Quantity::parse(q).map_err(|e| format!("error: {e}"))?;
        list.retain(|(n, _)| n != name);
        list.push((name.to_string(), q.to_string()));
    }
    Ok(list)
}

/// `kubectl set resources`.
pub fn resources(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, RESOURCES_FLAGS, "set resources", c, &mut out)
    else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let cause = record(&p, "set resources", &mut out);
    let s = Start {
        resources: p.positionals.clone(),
        pairs: Vec::new(),
        p,
        dry,
        print,
        ns,
    };
    let Some(targets) = infos(c, &s.p, &s.resources, &s.ns, env, &mut out) else {
        return out;
    };
    if s.p.bool("local") && s.dry == DryRun::Server {
        out.err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
        );
        return out;
    }
    if s.p.bool("all") && s.p.has("selector") {
        out.err("error: cannot set --all and --selector at the same time");
        return out;
    }
    let (limits_arg, requests_arg) = (
        s.p.value("limits").unwrap_or(""),
        s.p.value("requests").unwrap_or(""),
    );
    if limits_arg.is_empty() && requests_arg.is_empty() {
        out.err(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
        return out;
    }
    let (limits, requests) = match (resource_list(limits_arg), resource_list(requests_arg)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => {
            out.err(e);
            return out;
        }
    };
    let selector = s.p.value("containers").unwrap_or("*").to_string();
    let mut errs = Vec::new();
    for t in targets {
        let Some(mut ch) = Change::of(c, &t, &s.ns, &mut out, &mut errs) else {
            continue;
        };
        let mut list = containers(&ch.spec, "containers");
        let mut matched = false;
        for ctr in list.iter_mut() {
            let cname = ctr.get("name").and_then(Value::as_str).unwrap_or("");
            if !glob(&selector, cname) {
                continue;
            }
            matched = true;
            for (key, items) in [("limits", &limits), ("requests", &requests)] {
                if items.is_empty() {
                    continue;
                }
                let res = &mut ctr["resources"];
                if !res.is_object() {
                    *res = json!({});
                }
                let map = &mut res[key];
                if !map.is_object() {
                    *map = json!({});
                }
                for (n, q) in items {
                    map[n.as_str()] = json!(q);
                }
            }
        }
        if !matched {
            errs.push(format!("error: unable to find container named {selector}"));
            continue;
        }
        ch.spec["containers"] = Value::Array(list);
        let mut after = ch.after();
        set_cause(&mut after, &cause);
        send(
            c,
            &mut out,
            s.dry,
            &s.print,
            ch.kind,
            &ch.name,
            &ch.before,
            after,
            "resource requirements updated",
            "failed to patch resources update to pod template",
            ch.local,
        );
    }
    for e in errs {
        out.err(e);
    }
    out
}

/// `kubectl set serviceaccount` (`set sa`): the last word is the service account, the words
/// before it the objects. Each object's pod spec gets it and is sent, changed or not.
pub fn serviceaccount(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let cmd = "set serviceaccount";
    let Some((p, dry, print)) = dryrun::parse(args, SERVICEACCOUNT_FLAGS, cmd, c, &mut out) else {
        return out;
    };
    let cause = record(&p, cmd, &mut out);
    let local = p.bool("local");
    if local && dry == DryRun::Server {
        out.err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
        );
        return out;
    }
    let Some((account, resources)) = p.positionals.split_last() else {
        out.err("error: serviceaccount is required");
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    // The builder's `LocalParam`: the files only (the words before the account ignored).
    let targets = if local {
        if !p.has("filename") {
            out.err(errors::MISSING_RESOURCES);
            return out;
        }
        from_files(&p, env, true, &mut out)
    } else {
        infos(c, &p, resources, &ns, env, &mut out)
    };
    let Some(targets) = targets else {
        return out;
    };
    let mut errs = Vec::new();
    for t in targets {
        let Some(mut ch) = Change::of(c, &t, &ns, &mut out, &mut errs) else {
            continue;
        };
        ch.spec["serviceAccountName"] = json!(account);
        let (kind, name, local) = (ch.kind, ch.name.clone(), ch.local);
        let mut after = ch.after();
        set_cause(&mut after, &cause);
        let what = "serviceaccount updated";
        if let Err(e) = write(c, &mut out, dry, &print, kind, &name, after, what, local) {
            errs.push(format!(
                "error: failed to patch ServiceAccountName {}",
                e.message
            ));
        }
    }
    for e in errs {
        out.err(e);
    }
    out
}

/// A Service from a file as kubectl's Go type holds it and prints it: what `omitempty` drops
/// gone, and the zero values of fields without it (`creationTimestamp: null`, a port's
/// `targetPort: 0`, `status.loadBalancer: {}`).
fn typed_service(v: &mut Value) {
    if let Some(m) = v.as_object_mut() {
        m.insert("apiVersion".into(), json!("v1"));
        m.insert("kind".into(), json!("Service"));
    }
    let meta = &mut v["metadata"];
    if !meta.is_object() {
        *meta = json!({});
    }
    // What `omitempty` leaves out: a nil or empty map, slice or string.
    let empty = |x: &Value| match x {
        Value::Null => true,
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    };
    if let Some(m) = meta.as_object_mut() {
        m.retain(|_, x| !empty(x));
        m.entry("creationTimestamp").or_insert(Value::Null);
    }
    let spec = &mut v["spec"];
    if !spec.is_object() {
        *spec = json!({});
    }
    if let Some(m) = spec.as_object_mut() {
        m.retain(|_, x| !empty(x));
        if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
            for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                port.entry("port").or_insert(json!(0));
                port.entry("targetPort").or_insert(json!(0));
            }
        }
    }
    let status = &mut v["status"];
    if !status.is_object() {
        *status = json!({});
    }
    if let Some(m) = status.as_object_mut() {
        m.entry("loadBalancer").or_insert(json!({}));
    }
}

/// `kubectl set selector`: the last word is a label selector, the words before it the
/// objects (Services only: `updateSelectorForObject`); the selector replaces theirs.
pub fn selector(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let cmd = "set selector";
    let Some((p, dry, print)) = dryrun::parse(args, SELECTOR_FLAGS, cmd, c, &mut out) else {
        return out;
    };
    let cause = record(&p, cmd, &mut out);
    // `getResourcesAndSelector`: the last word is the selector.
    let Some((expr, resources)) = p.positionals.split_last() else {
        out.err("error: one selector is required");
        return out;
    };
    let parsed = match crate::selector::Selector::parse(expr) {
        Ok(s) => s,
        Err(e) => {
            let e = e.strip_prefix("error: ").unwrap_or(&e);
            out.err(format!(
                "error: couldn't parse the selector string \"{expr}\": {e}"
            ));
            return out;
        }
    };
    let wanted = match parsed.to_label_selector() {
        Ok(s) => s,
        Err(e) => {
            out.err(format!("error: {e}"));
            return out;
        }
    };
    let local = p.bool("local");
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    // `ResourceBuilderFlags.ToBuilder`: `--local` reads the files only.
    let targets = if local {
        if !resources.is_empty() {
            out.err("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
            return out;
        }
        if !p.has("filename") {
            out.err(errors::MISSING_RESOURCES);
            return out;
        }
        from_files(&p, env, true, &mut out)
    } else {
        infos(c, &p, resources, &ns, env, &mut out)
    };
    let Some(targets) = targets else {
        return out;
    };
    let resource_version = p.value("resource-version").filter(|v| !v.is_empty());
    let mut errs = Vec::new();
    for t in targets {
        let Some(mut after) = object(c, &t, &ns, &mut out) else {
            continue;
        };
        let (kind, name, from_file) = (t.0, t.1, t.2.is_some());
        if kind != Kind::Service {
            errs.push(Visit::Own(
                "setting a selector is only supported for Services".into(),
            ));
            continue;
        }
        if !wanted.match_expressions.is_empty() {
            // Go's `%v` of the `[]LabelSelectorRequirement`.
            let exprs: Vec<String> = wanted
                .match_expressions
                .iter()
                .map(|(k, op, values)| format!("{{{k} {op} [{}]}}", values.join(" ")))
                .collect();
            errs.push(Visit::Own(format!(
                "match expression [{}] not supported on this object",
                exprs.join(" ")
            )));
            continue;
        }
        let labels: serde_json::Map<String, Value> = wanted
            .match_labels
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        after["spec"]["selector"] = Value::Object(labels);
        if let Some(rv) = resource_version {
            after["metadata"]["resourceVersion"] = json!(rv);
        }
        set_cause(&mut after, &cause);
        if from_file {
            typed_service(&mut after);
        }
        // An empty selector is `omitempty`'s: none.
        if after["spec"]["selector"]
            .as_object()
            .is_some_and(|m| m.is_empty())
        {
            if let Some(spec) = after["spec"].as_object_mut() {
                spec.remove("selector");
            }
        }
        let what = "selector updated";
        if let Err(e) = write(
            c, &mut out, dry, &print, kind, &name, after, what, from_file,
        ) {
            errs.push(Visit::Api(e));
        }
    }
    errors::check(&mut out, errs);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_as_filepath_match() {
        assert!(glob("*", "nginx"));
        assert!(glob("ng*", "nginx"));
        assert!(glob("n?inx", "nginx"));
        assert!(!glob("foo", "nginx"));
        assert!(glob(&"*".repeat(100), "nginx"));
        assert!(!glob("nginx?", "nginx"));
        // Many stars against a long name that never matches: answered at once.
        let long = "a".repeat(10_000);
        assert!(!glob(&format!("{}b", "*a".repeat(500)), &long));
    }

    #[test]
    fn resource_lists() {
        assert_eq!(
            resource_list("cpu=0.5,memory=256Mi"),
            Ok(vec![
                ("cpu".into(), "500m".into()),
                ("memory".into(), "256Mi".into())
            ])
        );
        assert_eq!(
            resource_list("cpu"),
            Err("error: Invalid argument syntax cpu, expected <resource>=<value>".into())
        );
    }

    fn web(c: &mut Cluster) {
        let o = crate::run_line(
            c,
            "apply -f https://k8s.io/examples/application/web/web.yaml",
            "",
        );
        assert_eq!(o.status, 0, "{}", o.text());
        c.advance(60_000);
    }

    fn selector_of(c: &Cluster, name: &str) -> Vec<(String, String)> {
        c.get_as::<ordinal_sim::api::Service>("default", name)
            .map(|s| s.spec.selector.clone().into_iter().collect())
            .unwrap_or_default()
    }

    #[test]
    fn set_selector_replaces_a_services_selector() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let o = crate::run_line(&mut c, "set selector svc/nginx app=web,tier=front", "");
        assert_eq!(
            o.stdout(),
            "service/nginx selector updated\n",
            "{}",
            o.stderr()
        );
        assert_eq!(
            selector_of(&c, "nginx"),
            [
                ("app".into(), "web".into()),
                ("tier".into(), "front".into())
            ]
        );
        let before = c.resource_version();
        for (line, err) in [
            ("set selector sts web app=x", "error: setting a selector is only supported for Services"),
            ("set selector svc nginx tier in (a,b)", "error: match expression [{tier In [a b]}] not supported on this object"),
            ("set selector svc nginx app!=x", "error: \"!=\" is not a valid label selector operator"),
            ("set selector", "error: one selector is required"),
            ("set selector svc nginx app=x --resource-version=1", "Error from server (Conflict): Operation cannot be fulfilled on services \"nginx\": the object has been modified; please apply your changes to the latest version and try again"),
        ] {
            let args: Vec<String> = match line.split_once(" in ") {
                Some((a, b)) => {
                    let mut w: Vec<String> = a.split_whitespace().map(String::from).collect();
                    let last = w.pop().unwrap_or_default();
                    w.push(format!("{last} in {b}"));
                    w
                }
                None => line.split_whitespace().map(String::from).collect(),
            };
            let files = crate::session::MemFiles::default();
            let env = Env { namespace: "default", files: &files, stdin: "", interactive_shells: false };
            let o = crate::run(&mut c, &args, &env);
            assert_eq!(o.stderr(), format!("{err}\n"), "{line}");
        }
        assert_eq!(c.resource_version(), before);
        let o = crate::run_line(
            &mut c,
            "set selector svc nginx app=x --dry-run=client -o name",
            "",
        );
        assert_eq!(o.stdout(), "service/nginx\n");
        assert_eq!(c.resource_version(), before);
    }

    #[test]
    fn set_selector_local_prints_the_files_service_as_kubectl_types_it() {
        let mut c = Cluster::new(1);
        let files = crate::session::MemFiles::default();
        let env = Env {
            namespace: "default",
            files: &files,
            stdin: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {}\nspec:\n  ports:\n  - port: 80\n",
            interactive_shells: false,
        };
        let args: Vec<String> = "set selector --local -f - app=s -o yaml"
            .split_whitespace()
            .map(String::from)
            .collect();
        let o = crate::run(&mut c, &args, &env);
        assert_eq!(
            o.stdout(),
            "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  name: s\nspec:\n  ports:\n  - port: 80\n    targetPort: 0\n  selector:\n    app: s\nstatus:\n  loadBalancer: {}\n",
            "{}",
            o.stderr()
        );
    }

    #[test]
    fn set_serviceaccount_changes_the_pod_template_and_kubectl_says_so() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let o = crate::run_line(&mut c, "set sa sts/web default", "");
        assert_eq!(
            o.stdout(),
            "statefulset.apps/web serviceaccount updated\n",
            "{}",
            o.stderr()
        );
        let o = crate::run_line(&mut c, "set serviceaccount sts web builder --dry-run=client -o jsonpath={.spec.template.spec.serviceAccountName}", "");
        assert_eq!(o.stdout(), "builder");
        let sa = |c: &Cluster| {
            c.get_as::<ordinal_sim::api::StatefulSet>("default", "web")
                .and_then(|s| s.spec.template.spec.service_account_name.clone())
        };
        assert_eq!(sa(&c).as_deref(), Some("default"));
        let o = crate::run_line(&mut c, "set serviceaccount svc nginx builder", "");
        assert_eq!(o.stderr(), "error: services/nginx the object is not a pod or does not have a pod template: *v1.Service\n");
        let o = crate::run_line(&mut c, "set serviceaccount pod web-0 builder", "");
        assert!(o.stderr().starts_with("error: failed to patch ServiceAccountName Pod \"web-0\" is invalid: spec: Forbidden: pod updates may not change fields"), "{}", o.stderr());
        let o = crate::run_line(&mut c, "set serviceaccount", "");
        assert_eq!(o.stderr(), "error: serviceaccount is required\n");
        let o = crate::run_line(&mut c, "set subject rolebinding admin --user=x", "");
        assert!(o
            .stderr()
            .starts_with("error: \"kubectl set subject\" is not available in this playground: "));
        // The set takes the account; its new pods need it to exist.
        let o = crate::run_line(&mut c, "set sa sts/web builder", "");
        assert_eq!(o.stdout(), "statefulset.apps/web serviceaccount updated\n");
        assert_eq!(sa(&c).as_deref(), Some("builder"));
    }
}
