//! `kubectl expose` (pkg/cmd/expose): a new Service for a pod, a service, a Deployment or a
//! ReplicaSet, its selector, ports and protocols read from the object as kubectl's polymorphic
//! helpers read them (`MapBasedSelectorForObject`, `PortsForObject`, `MultiProtocolsForObject`)
//! unless the flags give them, built as `createService` builds it, then created (`service/NAME exposed`) or,
//! on a client dry run, printed as kubectl built it.

use crate::args::{flag, FlagSpec, Parsed};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::errors::{self, Visit};
use crate::output::Output;
use crate::{resource, Env};
use ordinal_sim::api::{Kind, Object};
use ordinal_sim::Cluster;
use serde_json::{json, Map, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("protocol", None, true),
    flag("port", None, true),
    flag("type", None, true),
    flag("load-balancer-ip", None, true),
    flag("selector", None, true),
    flag("labels", Some('l'), true),
    flag("target-port", None, true),
    flag("external-ip", None, true),
    flag("name", None, true),
    flag("session-affinity", None, true),
    flag("cluster-ip", None, true),
    flag("filename", Some('f'), true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// Where kubectl finds an exposable object's pod selector and ports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Source {
    /// A pod: its labels, its containers' ports.
    Pod,
    /// A service: its selector, its ports.
    Service,
    /// An apps/v1 Deployment or ReplicaSet (`deployment`, `replicaset`, as its errors name
    /// it): `spec.selector.matchLabels`, its pod template's ports.
    Template(&'static str),
}

/// `CanBeExposed`: pods, services, replication controllers, deployments and replica sets.
fn source(kind: Kind) -> Option<Source> {
    match kind {
        Kind::Pod => Some(Source::Pod),
        Kind::Service => Some(Source::Service),
        Kind::Deployment => Some(Source::Template("deployment")),
        Kind::ReplicaSet => Some(Source::Template("replicaset")),
        Kind::Namespace
        | Kind::Node
        | Kind::StorageClass
        | Kind::PersistentVolume
        | Kind::Secret
        | Kind::StatefulSet
        | Kind::ControllerRevision
        | Kind::PersistentVolumeClaim
        | Kind::EndpointSlice
        | Kind::Event => None,
    }
}

/// `schema.GroupKind`'s `String()`: `StatefulSet.apps`, `Node`.
fn group_kind(kind: Kind) -> String {
    match kind.info().group {
        "" => kind.name().to_string(),
        g => format!("{}.{g}", kind.name()),
    }
}

fn string_map(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// `MakeLabels`: `k=v,k=v`.
fn make_labels(m: &[(String, String)]) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `mapBasedSelectorForObject`.
fn selector_for(src: Source, v: &Value) -> Result<String, String> {
    match src {
        Source::Pod => {
            let labels = string_map(v.pointer("/metadata/labels"));
            if labels.is_empty() {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(make_labels(&labels))
        }
        Source::Service => match v.pointer("/spec/selector") {
            None | Some(Value::Null) => Err("the service has no pod selector set".into()),
            s => Ok(make_labels(&string_map(s))),
        },
        Source::Template(noun) => {
            let labels = string_map(v.pointer("/spec/selector/matchLabels"));
            if labels.is_empty() {
                return Err(format!(
                    "invalid {noun}: no selectors, therefore cannot be exposed"
                ));
            }
            let exprs = v
                .pointer("/spec/selector/matchExpressions")
                .and_then(Value::as_array)
                .filter(|e| !e.is_empty());
            if let Some(exprs) = exprs {
                // Go's `%+v` of the `[]LabelSelectorRequirement`.
                let s =
                    |e: &Value, k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let items: Vec<String> = exprs
                    .iter()
                    .map(|e| {
                        let values: Vec<String> = e
                            .get("values")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(String::from))
                                    .collect()
                            })
                            .unwrap_or_default();
                        format!(
                            "{{Key:{} Operator:{} Values:[{}]}}",
                            s(e, "key"),
                            s(e, "operator"),
                            values.join(" ")
                        )
                    })
                    .collect();
                return Err(format!(
                    "couldn't convert expressions - \"[{}]\" to map-based selector format",
                    items.join(" ")
                ));
            }
            Ok(make_labels(&labels))
        }
    }
}

/// The ports an object exposes, each with its protocol (empty: TCP), in order: its
/// containers' ports (a pod's or its template's), or a service's ports.
fn object_ports(src: Source, v: &Value) -> Vec<(String, String)> {
    let list = |ptr: &str, field: &str| -> Vec<(String, String)> {
        v.pointer(ptr)
            .and_then(Value::as_array)
            .map(|ports| {
                ports
                    .iter()
                    .map(|p| {
                        let n = p.get(field).and_then(Value::as_i64).unwrap_or(0);
                        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
                        (n.to_string(), proto.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let containers = |ptr: &str| -> Vec<(String, String)> {
        let n = v.pointer(ptr).and_then(Value::as_array).map_or(0, Vec::len);
        (0..n)
            .flat_map(|i| list(&format!("{ptr}/{i}/ports"), "containerPort"))
            .collect()
    };
    match src {
        Source::Pod => containers("/spec/containers"),
        Source::Service => list("/spec/ports", "port"),
        Source::Template(_) => containers("/spec/template/spec/containers"),
    }
}

/// `PortsForObject`: the ports, without repeats.
fn ports_for(src: Source, v: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (p, _) in object_ports(src, v) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// `MultiProtocolsForObject` as `makeProtocols` writes it: `PORT/PROTOCOL,…` (empty: TCP).
fn protocols_for(src: Source, v: &Value) -> String {
    object_ports(src, v)
        .into_iter()
        .map(|(p, proto)| {
            let proto = if proto.is_empty() {
                "TCP".into()
            } else {
                proto
            };
            format!("{p}/{proto}")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `parseLabels`.
fn parse_labels(spec: &str) -> Result<Map<String, Value>, String> {
    if spec.is_empty() {
        return Err("no label spec passed".into());
    }
    let mut m = Map::new();
    for part in spec.split(',') {
        let kv: Vec<&str> = part.split('=').collect();
        let [k, v] = kv[..] else {
            return Err(format!("unexpected label spec: {part}"));
        };
        if k.is_empty() {
            return Err("unexpected empty label key".into());
        }
        m.insert(k.into(), json!(v));
    }
    Ok(m)
}

/// Go's `strconv.Atoi` and its errors, then `int32(…)`'s truncation.
fn atoi(s: &str) -> Result<i32, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {s:?}: invalid syntax"));
    }
    match s.parse::<i64>() {
        Ok(n) => Ok(n as i32),
        Err(_) => Err(format!("strconv.Atoi: parsing {s:?}: value out of range")),
    }
}

/// What the flags (and, for those left empty, the first objects) say: kubectl keeps what it
/// read from one object for the next.
#[derive(Default)]
struct Options {
    name: String,
    selector: String,
    port: String,
    ports: String,
    protocols: String,
    labels: String,
    protocol: String,
    target_port: String,
    external_ip: String,
    type_: String,
    load_balancer_ip: String,
    session_affinity: String,
    cluster_ip: String,
}

impl Options {
    fn from(p: &Parsed) -> Options {
        let v = |n: &str| p.value(n).unwrap_or("").to_string();
        Options {
            name: v("name"),
            selector: v("selector"),
            port: v("port"),
            labels: v("labels"),
            protocol: v("protocol"),
            target_port: v("target-port"),
            external_ip: v("external-ip"),
            type_: v("type"),
            load_balancer_ip: v("load-balancer-ip"),
            session_affinity: v("session-affinity"),
            cluster_ip: v("cluster-ip"),
            ..Options::default()
        }
    }

    /// `createService`: the Service as kubectl's Go struct holds it.
    fn service(&self, default_name: &str) -> Result<Value, String> {
        if self.selector.is_empty() {
            return Err("selector must be specified".into());
        }
        let selector = parse_labels(&self.selector)?;
        let labels = if self.labels.is_empty() {
            None
        } else {
            Some(parse_labels(&self.labels)?)
        };
        let name = if self.name.is_empty() {
            default_name
        } else {
            &self.name
        };
        if name.is_empty() {
            return Err("name must be specified".into());
        }
        // `parseProtocols` of what `makeProtocols` wrote: protocols by port.
        let mut by_port: Vec<(&str, Vec<&str>)> = Vec::new();
        for pp in self.protocols.split(',').filter(|s| !s.is_empty()) {
            let (port, proto) = pp.split_once('/').unwrap_or((pp, "TCP"));
            match by_port.iter_mut().find(|(p, _)| *p == port) {
                Some((_, v)) => v.push(proto),
                None => by_port.push((port, vec![proto])),
            }
        }
        let port_string = if self.ports.is_empty() {
            &self.port
        } else {
            &self.ports
        };
        let mut ports: Vec<Value> = Vec::new();
        if !port_string.is_empty() {
            let list: Vec<&str> = port_string.split(',').collect();
            for (i, s) in list.iter().enumerate() {
                let port = atoi(s)?;
                let name = if list.len() > 1 {
                    format!("port-{}", i + 1)
                } else {
                    String::new()
                };
                let mut protocol = self.protocol.clone();
                if protocol.is_empty() {
                    protocol = "TCP".into();
                    if let Some((_, protos)) = by_port.iter().find(|(p, _)| p == s) {
                        if let [one] = protos[..] {
                            protocol = one.to_string();
                        } else {
                            for proto in protos {
                                ports.push(service_port(
                                    &format!("port-{}-{}", i + 1, proto.to_ascii_lowercase()),
                                    port,
                                    proto,
                                ));
                            }
                            continue;
                        }
                    }
                }
                ports.push(service_port(&name, port, &protocol));
            }
        }
        let target = if self.target_port.is_empty() {
            None
        } else {
            // `intstr.Parse`: a number if `Atoi` takes it, else a name.
            Some(match atoi(&self.target_port) {
                Ok(n) => json!(n),
                Err(_) => json!(self.target_port),
            })
        };
        for p in &mut ports {
            p["targetPort"] = target.clone().unwrap_or_else(|| p["port"].clone());
        }
        let mut spec = Map::new();
        if !ports.is_empty() {
            spec.insert("ports".into(), Value::Array(ports));
        }
        spec.insert("selector".into(), Value::Object(selector));
        if !self.external_ip.is_empty() {
            spec.insert("externalIPs".into(), json!([self.external_ip]));
        }
        if !self.type_.is_empty() {
            spec.insert("type".into(), json!(self.type_));
        }
        if self.type_ == "LoadBalancer" && !self.load_balancer_ip.is_empty() {
            spec.insert("loadBalancerIP".into(), json!(self.load_balancer_ip));
        }
        match self.session_affinity.as_str() {
            "" => {}
            a @ ("None" | "ClientIP") => {
                spec.insert("sessionAffinity".into(), json!(a));
            }
            other => return Err(format!("unknown session affinity: {other}")),
        }
        if !self.cluster_ip.is_empty() {
            spec.insert("clusterIP".into(), json!(self.cluster_ip));
        }
        let mut meta = Map::new();
        meta.insert("name".into(), json!(name));
        meta.insert("creationTimestamp".into(), Value::Null);
        if let Some(l) = labels {
            meta.insert("labels".into(), Value::Object(l));
        }
        Ok(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": spec,
            "status": {"loadBalancer": {}},
        }))
    }
}

fn service_port(name: &str, port: i32, protocol: &str) -> Value {
    let mut p = json!({"port": port, "protocol": protocol});
    if !name.is_empty() {
        p["name"] = json!(name);
    }
    p
}

/// The objects to expose: each one's kind, name and object (read from the server, or, with
/// `-f`, the file's as it is), or the error its lookup met.
type Found = Result<(Kind, String, Value), Visit>;

fn objects(c: &Cluster, p: &Parsed, ns: &str, env: &Env, out: &mut Output) -> Option<Vec<Found>> {
    let mut found = Vec::new();
    if p.has("filename") {
        for (kind, name, v) in crate::set::from_files(p, env, true, out)? {
            found.push(Ok((kind, name, v.unwrap_or(Value::Null))));
        }
    }
    if p.positionals.is_empty() {
        if found.is_empty() {
            out.err(crate::errors::MISSING_RESOURCES);
            return None;
        }
        return Some(found);
    }
    let targets = resource::named_targets(p, out)?;
    for (kind, name) in targets {
        found.push(
            c.get(kind, if kind.namespaced() { ns } else { "" }, &name)
                .map(|o| (kind, name, o.to_value()))
                .map_err(Visit::Api),
        );
    }
    Some(found)
}

/// `kubectl expose`.
pub fn expose(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, "expose", c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let mut o = Options::from(&p);
    if matches!(o.type_.as_str(), "NodePort" | "LoadBalancer") {
        out.err(format!("error: \"kubectl expose --type={}\" is not available in this playground: it allocates no node ports and has no load balancers; a ClusterIP Service (the default) works", o.type_));
        return out;
    }
    let Some(found) = objects(c, &p, &ns, env, &mut out) else {
        return out;
    };
    let mut errs = Vec::new();
    for f in found {
        let (kind, name, v) = match f {
            Ok(x) => x,
            Err(e) => {
                errs.push(e);
                continue;
            }
        };
        match expose_one(c, &mut o, kind, &name, &v, &p, dry, &ns) {
            Ok(shown) => {
                let created = shown
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let shown_as = if dry == DryRun::Client {
                    Shown::Typed(&shown)
                } else {
                    Shown::Unstructured(&shown)
                };
                print.done(&mut out, dry, Kind::Service, created, "exposed", shown_as);
            }
            Err(e) => errs.push(e),
        }
    }
    errors::check(&mut out, errs);
    out
}

/// One object of `RunExpose`'s visit: the Service printed (as built, or as created).
#[allow(clippy::too_many_arguments)]
fn expose_one(
    c: &mut Cluster,
    o: &mut Options,
    kind: Kind,
    name: &str,
    v: &Value,
    p: &Parsed,
    dry: DryRun,
    ns: &str,
) -> Result<Value, Visit> {
    let Some(src) = source(kind) else {
        return Err(Visit::Own(format!("cannot expose a {}", group_kind(kind))));
    };
    let default_name: String = name.chars().take(63).collect();
    if o.selector.is_empty() {
        o.selector = selector_for(src, v).map_err(|e| {
            Visit::Own(format!(
                "couldn't retrieve selectors via --selector flag or introspection: {e}"
            ))
        })?;
    }
    let headless = o.cluster_ip == "None";
    if o.port.is_empty() {
        let ports = ports_for(src, v);
        match ports.len() {
            0 if !headless => {
                return Err(Visit::Own(
                    "couldn't find port via --port flag or introspection".into(),
                ))
            }
            0 => {}
            1 => o.port = ports[0].clone(),
            _ => o.ports = ports.join(","),
        }
    }
    let protocols = protocols_for(src, v);
    if !protocols.is_empty() {
        o.protocols = protocols;
    }
    if o.labels.is_empty() {
        o.labels = make_labels(&string_map(v.pointer("/metadata/labels")));
    }
    let mut svc = o.service(&default_name).map_err(Visit::Own)?;
    if dry == DryRun::Client {
        // `EnforceNamespace`: only a namespace given on the command line is printed.
        if p.has("namespace") {
            svc["metadata"]["namespace"] = json!(ns);
        }
        return Ok(svc);
    }
    svc["metadata"]["namespace"] = json!(ns);
    let obj = match Object::decode(Kind::Service, svc) {
        Ok((obj, _)) => obj,
        Err(e) => return Err(Visit::Own(e.message)),
    };
    dry.send(c, |c| c.create(obj))
        .map(|o| o.to_value())
        .map_err(Visit::Api)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_line;
    use ordinal_sim::api::Service;

    fn web(c: &mut Cluster) {
        let files = crate::session::MemFiles::default();
        let env = Env {
            namespace: "default",
            files: &files,
            stdin: "",
            interactive_shells: false,
        };
        let o = crate::run(
            c,
            &[
                "apply".into(),
                "-f".into(),
                "https://k8s.io/examples/application/web/web.yaml".into(),
            ],
            &env,
        );
        assert_eq!(o.status, 0, "{}", o.text());
        c.advance(60_000);
    }

    #[test]
    fn a_pod_is_exposed_with_its_labels_and_ports() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let o = run_line(&mut c, "expose pod web-0 --name=web-0-svc", "");
        assert_eq!(o.stdout(), "service/web-0-svc exposed\n", "{}", o.stderr());
        let s = c.get_as::<Service>("default", "web-0-svc").unwrap();
        let pod = c
            .get_as::<ordinal_sim::api::Pod>("default", "web-0")
            .unwrap();
        assert_eq!(s.spec.selector, *pod.metadata.labels);
        assert_eq!(s.metadata.labels, pod.metadata.labels);
        assert_eq!(s.spec.ports.len(), 1);
        assert_eq!(s.spec.ports[0].port, 80);
        assert_eq!(s.spec.ports[0].target_port, Some(json!(80)));
        assert_eq!(s.spec.ports[0].protocol.as_deref(), Some("TCP"));
        assert_eq!(s.spec.ports[0].name, None);
        assert!(s
            .spec
            .cluster_ip
            .as_deref()
            .is_some_and(|ip| ip.starts_with("10.96.")));
    }

    /// A Deployment's and a ReplicaSet's selector (matchLabels) and template ports.
    #[test]
    fn a_deployment_and_a_replica_set_are_exposed_with_their_selectors() {
        let mut c = Cluster::new(1);
        let o = run_line(
            &mut c,
            "create deployment web --image=nginx:1.25 --port=80",
            "",
        );
        assert_eq!(o.status, 0, "{}", o.text());
        let o = run_line(&mut c, "expose deployment web", "");
        assert_eq!(o.stdout(), "service/web exposed\n", "{}", o.stderr());
        let s = c.get_as::<Service>("default", "web").unwrap();
        assert_eq!(s.spec.selector.get("app").map(String::as_str), Some("web"));
        assert_eq!(s.spec.ports[0].port, 80);
        let o = run_line(&mut c, "expose deploy/web --port=8080 --target-port=80 --name=web-8080 --dry-run=client -o yaml", "");
        assert!(
            o.stdout()
                .contains("  - port: 8080\n    protocol: TCP\n    targetPort: 80\n"),
            "{}",
            o.text()
        );
        let rs = "{apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: front}, spec: {selector: {matchLabels: {tier: front}}, template: {metadata: {labels: {tier: front}}, spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}}}}";
        let o = run_line(&mut c, "apply -f -", rs);
        assert_eq!(o.status, 0, "{}", o.text());
        let o = run_line(&mut c, "expose rs front", "");
        assert_eq!(o.stdout(), "service/front exposed\n", "{}", o.stderr());
        let s = c.get_as::<Service>("default", "front").unwrap();
        assert_eq!(s.spec.ports[0].port, 8080);
    }

    #[test]
    fn a_service_is_exposed_again_with_its_selector_and_new_ports() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let o = run_line(
            &mut c,
            "expose service nginx --port=443,8443 --target-port=web --name=nginx-https --cluster-ip=None -l tier=web",
            "",
        );
        assert_eq!(
            o.stdout(),
            "service/nginx-https exposed\n",
            "{}",
            o.stderr()
        );
        let s = c.get_as::<Service>("default", "nginx-https").unwrap();
        assert_eq!(
            s.spec.selector.get("app").map(String::as_str),
            Some("nginx")
        );
        assert_eq!(
            s.metadata.labels.get("tier").map(String::as_str),
            Some("web")
        );
        assert_eq!(s.spec.cluster_ip.as_deref(), Some("None"));
        let ports: Vec<(Option<&str>, i32)> = s
            .spec
            .ports
            .iter()
            .map(|p| (p.name.as_deref(), p.port))
            .collect();
        assert_eq!(ports, [(Some("port-1"), 443), (Some("port-2"), 8443)]);
        assert!(s
            .spec
            .ports
            .iter()
            .all(|p| p.target_port == Some(json!("web"))));
    }

    #[test]
    fn kubectl_errors_and_nothing_created() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let before = c.resource_version();
        for (line, err) in [
            (
                "expose sts web --port=80",
                "error: cannot expose a StatefulSet.apps",
            ),
            (
                "expose node kind-worker --port=80",
                "error: cannot expose a Node",
            ),
            (
                "expose pod nope",
                "Error from server (NotFound): pods \"nope\" not found",
            ),
            (
                "expose pod",
                "error: resource(s) were provided, but no name was specified",
            ),
            (
                "expose pod web-0 --port=http",
                "error: strconv.Atoi: parsing \"http\": invalid syntax",
            ),
            (
                "expose pod web-0 --selector=app",
                "error: unexpected label spec: app",
            ),
            (
                "expose pod web-0 --session-affinity=Sticky",
                "error: unknown session affinity: Sticky",
            ),
            (
                "expose svc nginx",
                "Error from server (AlreadyExists): services \"nginx\" already exists",
            ),
            ("expose svc nginx --name=n2 --dry-run=server", ""),
        ] {
            let o = run_line(&mut c, line, "");
            if err.is_empty() {
                assert_eq!(
                    o.stdout(),
                    "service/n2 exposed (server dry run)\n",
                    "{line}"
                );
                continue;
            }
            assert_eq!(o.stderr(), format!("{err}\n"), "{line}");
        }
        assert_eq!(c.resource_version(), before);
    }

    #[test]
    fn a_client_dry_run_prints_the_service_kubectl_built() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let o = run_line(
            &mut c,
            "expose pod web-0 --port=8080 --target-port=80 --protocol=UDP --name=x -n default --dry-run=client -o yaml",
            "",
        );
        let y = o.stdout();
        assert!(
            y.starts_with(
                "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n"
            ),
            "{y}"
        );
        assert!(y.contains("  name: x\n  namespace: default\nspec:\n  ports:\n  - port: 8080\n    protocol: UDP\n    targetPort: 80\n  selector:\n"), "{y}");
        assert!(y.ends_with("status:\n  loadBalancer: {}\n"), "{y}");
        assert!(c.get_as::<Service>("default", "x").is_none());
    }

    #[test]
    fn selectors_and_ports_by_kind() {
        let pod = json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [
            {"ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]},
            {"ports": [{"containerPort": 53, "protocol": "TCP"}]},
        ]}});
        assert_eq!(selector_for(Source::Pod, &pod), Ok("app=a".into()));
        assert_eq!(ports_for(Source::Pod, &pod), ["80", "53"]);
        assert_eq!(protocols_for(Source::Pod, &pod), "80/TCP,53/UDP,53/TCP");
        let deploy = json!({"spec": {"selector": {"matchLabels": {"app": "a"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["x", "y"]}]}}});
        assert_eq!(
            selector_for(Source::Template("deployment"), &deploy),
            Err("couldn't convert expressions - \"[{Key:tier Operator:In Values:[x y]}]\" to map-based selector format".into())
        );
        assert_eq!(
            selector_for(Source::Template("replicaset"), &json!({})),
            Err("invalid replicaset: no selectors, therefore cannot be exposed".into())
        );
        let o = Options {
            selector: "app=a".into(),
            ports: "80,53".into(),
            protocols: protocols_for(Source::Pod, &pod),
            ..Options::default()
        };
        let s = o.service("p").unwrap();
        assert_eq!(
            s["spec"]["ports"],
            json!([
                {"name": "port-1", "port": 80, "protocol": "TCP", "targetPort": 80},
                {"name": "port-2-udp", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "port-2-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
            ])
        );
    }
}
