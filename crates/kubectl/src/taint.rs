//! `kubectl taint` (pkg/cmd/taint): the resources, then the taint changes (`KEY=VALUE:EFFECT`
//! adds, `KEY:EFFECT-` and `KEY-` remove); every change parsed and checked before any node is
//! read; each node's taints recomputed as `reorganizeTaints` does (the new taints first, then
//! the old ones they do not replace), sent, and printed `node/NAME tainted|untainted|modified`.
//! The scheduler and the taint-eviction controller act on the result.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::errors::{self, Visit};
use crate::output::Output;
use crate::{resource, Env};
use ordinal_sim::admission::{label_value, qualified_name};
use ordinal_sim::api::{Kind, Node, Object, Taint};
use ordinal_sim::Cluster;

pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("overwrite", None, false),
    flag("validate", None, false),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// What taint's printer says of a dry run: nothing (`ToPrinter` sets the operation after
/// `PrintFlagsWithDryRunStrategy` added " (dry run)" to it).
const NO_SUFFIX: DryRun = DryRun::None;

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// A taint as `kubectl taint` reads one: key, value (empty: none), effect (empty: any, for
/// a removal).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Spec {
    key: String,
    value: String,
    effect: String,
}

impl Spec {
    /// `Taint.ToString`.
    fn to_go_string(&self) -> String {
        match (self.effect.is_empty(), self.value.is_empty()) {
            (true, true) => self.key.clone(),
            (true, false) => format!("{}={}:", self.key, self.value),
            (false, true) => format!("{}:{}", self.key, self.effect),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }

    /// `Taint.MatchTaint`: the same key and effect.
    fn matches(&self, t: &Taint) -> bool {
        self.key == t.key && self.effect == t.effect
    }

    fn taint(&self) -> Taint {
        Taint {
            key: self.key.clone(),
            value: (!self.value.is_empty()).then(|| self.value.clone()),
            effect: self.effect.clone(),
            time_added: None,
        }
    }
}

/// `parseTaint`: `KEY`, `KEY:EFFECT` or `KEY=VALUE:EFFECT`.
fn parse_taint(st: &str) -> Result<Spec, String> {
    let parts: Vec<&str> = st.split(':').collect();
    let (key, value, effect) = match parts[..] {
        [key] => (key, "", ""),
        [kv, effect] => {
            if !EFFECTS.contains(&effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv[..] {
                [key] => (key, "", effect),
                [key, value] => {
                    let errs = label_value(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {st}, {}", errs.join("; ")));
                    }
                    (key, value, effect)
                }
                _ => return Err(format!("invalid taint spec: {st}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {st}")),
    };
    let errs = qualified_name(key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {st}, {}", errs.join("; ")));
    }
    Ok(Spec {
        key: key.into(),
        value: value.into(),
        effect: effect.into(),
    })
}

/// `parseTaints`: the taints to add and those to remove.
fn parse_taints(specs: &[String]) -> Result<(Vec<Spec>, Vec<Spec>), String> {
    let (mut add, mut remove) = (Vec::new(), Vec::<Spec>::new());
    for s in specs {
        if let Some(st) = s.strip_suffix('-') {
            let t = parse_taint(st)?;
            remove.push(Spec {
                value: String::new(),
                ..t
            });
        } else {
            let t = parse_taint(s)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {s}"));
            }
            if add
                .iter()
                .any(|a: &Spec| a.key == t.key && a.effect == t.effect)
            {
                // Go's `%v` of the `v1.Taint` struct (its `String` has a pointer receiver).
                return Err(format!(
                    "duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                    t.key, t.value, t.effect
                ));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

/// `reorganizeTaints`: the operation's word and the node's new taints, or the removals that
/// found nothing.
fn reorganize(
    old: &[Taint],
    overwrite: bool,
    add: &[Spec],
    remove: &[Spec],
) -> Result<(&'static str, Vec<Taint>), Vec<String>> {
    let mut new: Vec<Taint> = add.iter().map(Spec::taint).collect();
    for o in old {
        if !add.iter().any(|a| a.matches(o)) {
            new.push(o.clone());
        }
    }
    let added = old.len() != new.len();
    let mut errs = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = new.len();
        if r.effect.is_empty() {
            new.retain(|t| t.key != r.key);
        } else {
            new.retain(|t| !r.matches(t));
        }
        // As upstream: whether the last removal removed something.
        deleted = new.len() != before;
        if !deleted {
            errs.push(format!("taint {:?} not found", r.to_go_string()));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let op = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((op, new))
}

/// A node as kubectl prints it after reading it into its Go type: a struct field without
/// `omitempty` the server left out is there with its zero value (`status.daemonEndpoints`).
fn as_go_node(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(status) = v
        .get_mut("status")
        .and_then(serde_json::Value::as_object_mut)
    {
        status
            .entry("daemonEndpoints")
            .or_insert_with(|| serde_json::json!({"kubeletEndpoint": {"Port": 0}}));
    }
    v
}

/// `kubectl taint`.
pub fn taint(c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, "taint", c, &mut out) else {
        return out;
    };
    if let Err(e) = crate::apply::validation_directive(p.value("validate")) {
        out.err(e);
        return out;
    }
    // `Complete`: the resources, then the taint changes.
    let (mut resources, mut changes) = (Vec::new(), Vec::new());
    for s in &p.positionals {
        let is_taint = s.contains('=') || s.contains(':') || s.ends_with('-');
        if is_taint {
            changes.push(s.clone());
        } else if !changes.is_empty() {
            out.err(format!(
                "error: all resources must be specified before taint changes: {s}"
            ));
            return out;
        } else {
            resources.push(s.clone());
        }
    }
    if resources.is_empty() {
        out.err("error: one or more resources must be specified as <resource> <name>");
        return out;
    }
    if changes.is_empty() {
        out.err("error: at least one taint update is required");
        return out;
    }
    let (add, remove) = match parse_taints(&changes) {
        Ok(x) => x,
        Err(e) => {
            out.err(format!(
                "error: {e}\nSee 'kubectl taint -h' for help and examples"
            ));
            return out;
        }
    };
    // `Validate`.
    let ty = resources[0].to_ascii_lowercase();
    match resource::resolve(&ty) {
        Some(Kind::Node) => {}
        Some(_) => {
            out.err(format!(
                "error: invalid resource type {ty}, only node types are supported"
            ));
            return out;
        }
        None => {
            // `checkErr` words a `NoResourceMatchError` without `error: `.
            out.err(format!("the server doesn't have a resource type {ty:?}"));
            return out;
        }
    }
    let mut conflicts = Vec::new();
    for a in &add {
        for r in remove.iter().filter(|r| r.key == a.key) {
            if r.effect.is_empty() || r.effect == a.effect {
                conflicts.push(format!("{}={}", r.key, r.effect));
            }
        }
    }
    if !conflicts.is_empty() {
        out.err(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
        return out;
    }
    let all = p.bool("all");
    let selector = p.value("selector").filter(|s| !s.is_empty());
    if all && selector.is_some() {
        out.err("error: setting 'all' parameter with a non empty selector is prohibited");
        return out;
    }
    if !all && selector.is_none() && resources.len() < 2 {
        out.err(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        );
        return out;
    }
    // `RunTaint`: the nodes named, or those `--all`/`-l` list.
    let names: Vec<String> = if all || selector.is_some() {
        let sel = match crate::args::selector_into(&p, &mut out) {
            Some(s) => s,
            None => return out,
        };
        c.list(Kind::Node, None)
            .iter()
            .filter(|o| sel.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
            .map(|o| o.meta().name.clone())
            .collect()
    } else {
        resources[1..].to_vec()
    };
    let overwrite = p.bool("overwrite");
    let mut errs = Vec::new();
    for name in names {
        let node = match c.get(Kind::Node, "", &name) {
            Ok(o) => match &*o {
                Object::Node(n) => (**n).clone(),
                _ => continue,
            },
            Err(e) => {
                errs.push(Visit::Api(e));
                continue;
            }
        };
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .flat_map(|a| {
                    node.spec
                        .taints
                        .iter()
                        .filter(|t| a.matches(t))
                        .map(|_| a.key.as_str())
                })
                .collect();
            if !exists.is_empty() {
                errs.push(Visit::Own(format!(
                    "node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                    exists.join(",")
                )));
                continue;
            }
        }
        let (op, taints) = match reorganize(&node.spec.taints, overwrite, &add, &remove) {
            Ok(x) => x,
            Err(e) => {
                errs.push(Visit::Many(e));
                continue;
            }
        };
        let mut changed: Node = node;
        changed.spec.taints = taints;
        if dry == DryRun::Client {
            let v = as_go_node(Object::from(changed).to_value());
            print.done(
                &mut out,
                NO_SUFFIX,
                Kind::Node,
                &name,
                op,
                Shown::Unstructured(&v),
            );
            continue;
        }
        // The strategic merge patch kubectl sends replaces the list (it has no merge key): an
        // update of the node as read, without its resourceVersion, does the same.
        changed.metadata.resource_version.clear();
        match dry.send(c, |c| c.update(Object::from(changed))) {
            Ok(o) => print.done(
                &mut out,
                NO_SUFFIX,
                Kind::Node,
                &name,
                op,
                Shown::Unstructured(&as_go_node(o.to_value())),
            ),
            Err(e) => errs.push(Visit::Api(e)),
        }
    }
    errors::check(&mut out, errs);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_line;
    use ordinal_sim::api::{Pod, Toleration};

    fn taints(c: &Cluster, node: &str) -> Vec<String> {
        c.get_as::<Node>("", node)
            .map(|n| {
                n.spec
                    .taints
                    .iter()
                    .map(|t| {
                        Spec {
                            key: t.key.clone(),
                            value: t.value.clone().unwrap_or_default(),
                            effect: t.effect.clone(),
                        }
                        .to_go_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn parses_taints_as_kubectl() {
        let spec = |k: &str, v: &str, e: &str| Spec {
            key: k.into(),
            value: v.into(),
            effect: e.into(),
        };
        assert_eq!(
            parse_taint("a=b:NoSchedule"),
            Ok(spec("a", "b", "NoSchedule"))
        );
        assert_eq!(parse_taint("a:NoExecute"), Ok(spec("a", "", "NoExecute")));
        assert_eq!(
            parse_taint("example.com/a"),
            Ok(spec("example.com/a", "", ""))
        );
        assert_eq!(
            parse_taint("a=b:Sometimes"),
            Err("invalid taint effect: Sometimes, unsupported taint effect".into())
        );
        assert_eq!(
            parse_taint("a=b=c:NoSchedule"),
            Err("invalid taint spec: a=b=c:NoSchedule".into())
        );
        assert_eq!(
            parse_taint("a:b:c"),
            Err("invalid taint spec: a:b:c".into())
        );
        assert!(parse_taint("a=b")
            .is_err_and(|e| e.starts_with("invalid taint spec: a=b, name part must consist")));
        assert_eq!(
            parse_taints(&["a=b".into()]).map(|_| ()),
            Err(parse_taint("a=b").unwrap_err())
        );
        assert_eq!(
            parse_taints(&["a".into()]).map(|_| ()),
            Err("invalid taint spec: a".into())
        );
        assert_eq!(
            parse_taints(&["a=1:NoSchedule".into(), "a=2:NoSchedule".into()]).map(|_| ()),
            Err("duplicated taints with the same key and effect: {a 2 NoSchedule <nil>}".into())
        );
        let (add, remove) = parse_taints(&[
            "a=1:NoSchedule".into(),
            "b-".into(),
            "c=x:NoExecute-".into(),
        ])
        .unwrap();
        assert_eq!(add, vec![spec("a", "1", "NoSchedule")]);
        assert_eq!(remove, vec![spec("b", "", ""), spec("c", "", "NoExecute")]);
    }

    #[test]
    fn taints_untaints_and_overwrites() {
        let mut c = Cluster::new(1);
        let o = run_line(&mut c, "taint nodes kind-worker dedicated=a:NoSchedule", "");
        assert_eq!(o.stdout(), "node/kind-worker tainted\n");
        assert_eq!(taints(&c, "kind-worker"), ["dedicated=a:NoSchedule"]);
        let o = run_line(&mut c, "taint nodes kind-worker dedicated=b:NoSchedule", "");
        assert_eq!(
            o.stderr(),
            "error: node kind-worker already has dedicated taint(s) with same effect(s) and --overwrite is false\n"
        );
        assert_eq!(taints(&c, "kind-worker"), ["dedicated=a:NoSchedule"]);
        let o = run_line(
            &mut c,
            "taint nodes kind-worker dedicated=b:NoSchedule --overwrite",
            "",
        );
        assert_eq!(o.stdout(), "node/kind-worker modified\n");
        let o = run_line(&mut c, "taint node kind-worker gpu:NoExecute", "");
        assert_eq!(o.stdout(), "node/kind-worker tainted\n");
        // The new taints first, then the old ones.
        assert_eq!(
            taints(&c, "kind-worker"),
            ["gpu:NoExecute", "dedicated=b:NoSchedule"]
        );
        let o = run_line(&mut c, "taint node kind-worker dedicated-", "");
        assert_eq!(o.stdout(), "node/kind-worker untainted\n");
        let o = run_line(&mut c, "taint node kind-worker gpu:NoSchedule-", "");
        assert_eq!(o.stderr(), "error: taint \"gpu:NoSchedule\" not found\n");
        assert_eq!(taints(&c, "kind-worker"), ["gpu:NoExecute"]);
        let o = run_line(&mut c, "taint node kind-worker a- b-", "");
        assert_eq!(o.stderr(), "taint \"a\" not found\ntaint \"b\" not found\n");
        assert_eq!(o.status, 1);
    }

    #[test]
    fn refuses_before_reading_any_node() {
        let mut c = Cluster::new(1);
        let before = c.resource_version();
        for (line, err) in [
            ("taint nodes kind-worker", "error: at least one taint update is required"),
            ("taint a=b:NoSchedule", "error: one or more resources must be specified as <resource> <name>"),
            ("taint nodes a=b:NoSchedule kind-worker", "error: all resources must be specified before taint changes: kind-worker"),
            ("taint nodes kind-worker a=b:Never", "error: invalid taint effect: Never, unsupported taint effect\nSee 'kubectl taint -h' for help and examples"),
            ("taint pods web-0 a=b:NoSchedule", "error: invalid resource type pods, only node types are supported"),
            ("taint nodes kind-worker a=b:NoSchedule a-", "error: can not both modify and remove the following taint(s) in the same command: a="),
            ("taint nodes a=b:NoSchedule", "error: at least one resource name must be specified since 'all' parameter is not set"),
            ("taint nodes --all -l x=y a=b:NoSchedule", "error: setting 'all' parameter with a non empty selector is prohibited"),
            ("taint nodes nope a=b:NoSchedule", "Error from server (NotFound): nodes \"nope\" not found"),
        ] {
            let o = run_line(&mut c, line, "");
            assert_eq!(o.stderr(), format!("{err}\n"), "{line}");
            assert_eq!(o.status, 1, "{line}");
        }
        assert_eq!(c.resource_version(), before);
    }

    #[test]
    fn all_and_selector_pick_nodes_and_dry_runs_change_nothing() {
        let mut c = Cluster::new(1);
        let o = run_line(
            &mut c,
            "taint nodes --all x=y:PreferNoSchedule --dry-run=client",
            "",
        );
        assert_eq!(
            o.stdout(),
            "node/kind-control-plane tainted\nnode/kind-worker tainted\nnode/kind-worker2 tainted\n"
        );
        let o = run_line(
            &mut c,
            "taint nodes --all x=y:PreferNoSchedule --dry-run=server",
            "",
        );
        assert!(o.stdout().ends_with("node/kind-worker2 tainted\n"));
        assert!(taints(&c, "kind-worker2").is_empty());
        let o = run_line(
            &mut c,
            "taint nodes -l kubernetes.io/hostname=kind-worker2 x=y:PreferNoSchedule",
            "",
        );
        assert_eq!(o.stdout(), "node/kind-worker2 tainted\n");
        assert_eq!(taints(&c, "kind-worker2"), ["x=y:PreferNoSchedule"]);
        assert!(taints(&c, "kind-worker").is_empty());
    }

    fn pod(name: &str, node_taint_toleration: Option<i64>) -> Pod {
        let (mut p, _): (Pod, _) = ordinal_sim::api::decode::decode(&serde_json::json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "nodeSelector": {"kubernetes.io/hostname": "kind-worker"},
                "containers": [{"name": "c", "image": "busybox:1.28", "command": ["sleep", "3600"]}],
            },
        }))
        .unwrap();
        if let Some(s) = node_taint_toleration {
            p.spec.tolerations.push(Toleration {
                key: Some("maintenance".into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(s),
            });
        }
        p
    }

    /// A NoSchedule taint keeps new pods off the node; a NoExecute taint evicts the pods on it
    /// at once, or after their toleration's seconds.
    #[test]
    fn the_scheduler_and_the_taint_eviction_controller_honour_taints() {
        let mut c = Cluster::new(1);
        run_line(&mut c, "taint nodes kind-worker dedicated=x:NoSchedule", "");
        c.create(Object::Pod(Box::new(pod("kept-off", None))))
            .unwrap();
        c.advance(10_000);
        let p = c.get_as::<Pod>("default", "kept-off").unwrap();
        assert_eq!(p.spec.node_name, None);
        assert!(format!("{:?}", p.status.conditions).contains("untolerated taint {dedicated: x}"));
        run_line(&mut c, "taint nodes kind-worker dedicated-", "");
        c.advance(10_000);
        assert_eq!(
            c.get_as::<Pod>("default", "kept-off")
                .unwrap()
                .spec
                .node_name
                .as_deref(),
            Some("kind-worker")
        );
        c.create(Object::Pod(Box::new(pod("tolerates", Some(60)))))
            .unwrap();
        c.advance(30_000);
        assert!(c.get_as::<Pod>("default", "tolerates").unwrap().phase() == "Running");
        let o = run_line(
            &mut c,
            "taint nodes kind-worker maintenance=now:NoExecute",
            "",
        );
        assert_eq!(o.stdout(), "node/kind-worker tainted\n");
        // The pod without a toleration is being deleted at once; the other one stays 60 s.
        let gone = |c: &Cluster, n: &str| {
            c.get_as::<Pod>("default", n)
                .is_none_or(|p| p.is_terminating())
        };
        assert!(gone(&c, "kept-off"));
        assert!(!gone(&c, "tolerates"));
        c.advance(59_000);
        assert!(!gone(&c, "tolerates"));
        c.advance(2_000);
        assert!(gone(&c, "tolerates"));
    }
}
