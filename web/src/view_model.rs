//! Plain-data snapshots of the cluster for the components: built from typed reads of the API
//! (`list_as`, `get_as`, `dns_lookup`, `volume_files`, `waiting_reason`) and the server's
//! printers, rebuilt only when the store's resourceVersion moved (or a command may have written
//! files). Each card gets its own `Rc`, so a tick re-renders only the cards whose data changed.

use crate::printed::PrintedRow;
use ordinal_sim::api::*;
use ordinal_sim::dns::{QueryType, Record, CLUSTER_DOMAIN};
use ordinal_sim::names::{claim_name, parent_and_ordinal};
use ordinal_sim::printers;
use ordinal_sim::time::Time;
use ordinal_sim::why::{self, Why};
use ordinal_sim::Cluster;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClusterView {
    /// The nodes, in `kubectl get nodes` order.
    pub nodes: Vec<NodeView>,
    pub sets: Vec<Rc<SetView>>,
    pub deployments: Vec<Rc<DeploymentView>>,
    /// ReplicaSets no Deployment in the namespace controls, each with its pods.
    pub replica_sets: Vec<Rc<ReplicaSetView>>,
    /// Pods no StatefulSet, Deployment or ReplicaSet controls (orphans, `kubectl run` pods), with their claims.
    pub other_pods: Vec<Rc<RowView>>,
    /// Claims no StatefulSet's template names and no pod uses (claims of deleted sets).
    pub other_claims: Vec<Rc<ClaimView>>,
    pub services: Vec<Rc<ServiceView>>,
}

/// Why an object waits (`ordinal_sim::why`), for its card: the compact line shown on it, and
/// the text the terminal's `why` prints, shown on hover and focus. Only objects that wait
/// have one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WhyView {
    /// The headline without the object's name (`Pending: the scheduler cannot place it`).
    pub line: String,
    /// What `why TYPE/NAME` prints (a workload's list of waiting pods cut at
    /// [`MAX_WHY_LINES`]).
    pub text: String,
}

/// Most reasons a card's explanation lists; the terminal's `why` prints them all.
pub const MAX_WHY_LINES: usize = 20;

/// A card's explanation of `w`, if it waits. `command` is the `why` line that prints it all.
fn why_view(w: Result<Why, ordinal_sim::ApiError>, command: &str) -> Option<WhyView> {
    let w = w.ok().filter(|w| w.waiting)?;
    let line = w.compact().to_string();
    let text = if w.details.len() > MAX_WHY_LINES {
        let more = w.details.len() - MAX_WHY_LINES;
        let cut = Why {
            details: w.details[..MAX_WHY_LINES].to_vec(),
            ..w
        };
        format!("{}… {more} more lines: {command}\n", cut.text())
    } else {
        w.text()
    };
    Some(WhyView { line, text })
}

/// Most ordinal rows drawn for one set; beyond it the middle is summarised.
pub const MAX_ROWS: usize = 150;
const ELIDE_HEAD: usize = 100;
const ELIDE_TAIL: usize = 20;

/// The ordinals of a big set that are counted instead of drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Elided {
    /// Drawn after this many rows.
    pub after: usize,
    pub count: usize,
    pub first: String,
    pub last: String,
    /// kubectl STATUS (or "no pod") and how many, in first-seen order.
    pub statuses: Vec<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeView {
    pub name: String,
    /// kubectl's STATUS column (`Ready`, `NotReady`, `Ready,SchedulingDisabled`).
    pub status: String,
    pub ready: bool,
    /// Its container runs (`docker stop` stops it).
    pub running: bool,
    pub control_plane: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetView {
    pub name: String,
    /// kubectl's READY column (`2/5`).
    pub ready: String,
    pub desired: i32,
    /// Pods the controller has (status.replicas).
    pub current: i32,
    pub ready_replicas: i32,
    pub policy: String,
    pub service_name: String,
    pub current_revision: String,
    pub update_revision: String,
    /// `RollingUpdate` or `OnDelete`.
    pub strategy: String,
    /// A RollingUpdate's partition when above 0: ordinals below it keep their revision.
    pub partition: Option<i32>,
    pub waiting: Option<String>,
    pub why: Option<WhyView>,
    pub deleting: bool,
    /// Ordinals summarised rather than drawn (large sets).
    pub elided: Option<Elided>,
    pub rows: Vec<Rc<RowView>>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeploymentView {
    pub name: String,
    /// kubectl's READY, UP-TO-DATE and AVAILABLE columns.
    pub ready: String,
    pub up_to_date: String,
    pub available: String,
    pub desired: i32,
    pub current: i32,
    pub ready_replicas: i32,
    /// `RollingUpdate (maxSurge 25%, maxUnavailable 25%)` or `Recreate`.
    pub strategy: String,
    pub paused: bool,
    pub waiting: Option<String>,
    pub why: Option<WhyView>,
    pub deleting: bool,
    /// Its ReplicaSets, newest revision first.
    pub replica_sets: Vec<Rc<ReplicaSetView>>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplicaSetView {
    pub name: String,
    /// The `deployment.kubernetes.io/revision` annotation.
    pub revision: String,
    /// kubectl's DESIRED, CURRENT and READY columns.
    pub desired: String,
    pub current: String,
    pub ready: String,
    /// Not the Deployment's newest ReplicaSet (an old revision).
    pub old: bool,
    pub why: Option<WhyView>,
    /// Its pods by name, each with the claims it mounts.
    pub rows: Vec<Rc<RowView>>,
}

/// One ordinal of a set (or one pod outside any set): the pod, if it exists, and its claims.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowView {
    pub key: String,
    pub ordinal: Option<i32>,
    pub pod_name: String,
    pub pod: Option<Rc<PodView>>,
    pub claims: Vec<Rc<ClaimView>>,
    /// The ordinal is within the set's replicas (so a missing pod is still to come).
    pub wanted: bool,
    /// Why a wanted pod does not exist yet (the StatefulSet controller's rule).
    pub why: Option<WhyView>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PodView {
    pub name: String,
    pub uid: String,
    /// kubectl's STATUS and READY.
    pub status: String,
    pub ready: String,
    pub restarts: String,
    pub is_ready: bool,
    pub ip: Option<String>,
    pub node: Option<String>,
    pub hostname: String,
    pub dns: Option<DnsName>,
    pub image: String,
    /// The `controller-revision-hash` label: the ControllerRevision the pod was made from.
    pub revision: Option<String>,
    /// Made from a revision other than its set's update revision (not yet updated).
    pub outdated: bool,
    pub why: Option<WhyView>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DnsName {
    pub fqdn: String,
    /// The cluster DNS answers for it now (the pod is an endpoint of its headless Service).
    pub resolves: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClaimView {
    pub name: String,
    /// kubectl's STATUS column (`Bound`, `Pending`, `Terminating`, `Lost`).
    pub status: String,
    pub capacity: String,
    pub access_modes: String,
    pub storage_class: String,
    pub pv: Option<PvView>,
    pub why: Option<WhyView>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PvView {
    pub name: String,
    pub status: String,
    pub reclaim_policy: String,
    pub node: Option<String>,
    pub files: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServiceView {
    pub name: String,
    pub headless: bool,
    pub cluster_ip: String,
    pub ports: String,
    pub selector: String,
    pub fqdn: String,
    /// A records of the Service's name: address and the name it reverse-resolves to.
    pub records: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventsView {
    pub rows: Vec<Rc<EventRow>>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventRow {
    pub key: String,
    /// When it was last seen (LAST SEEN is computed from the clock at render).
    #[serde(with = "opt_time_ms")]
    pub last: Option<Time>,
    /// TYPE, REASON, OBJECT, MESSAGE as `kubectl get events` prints them.
    pub type_: String,
    pub reason: String,
    pub object: String,
    pub message: String,
}

/// A time on the wire to the page: its milliseconds (the API's own form, RFC 3339, would be
/// parsed again on the page).
mod opt_time_ms {
    use ordinal_sim::time::Time;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
        t.map(|t| t.0).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Time))
    }
}

/// The most events the panel keeps (the newest).
const MAX_EVENTS: usize = 200;

fn pod_view(c: &Cluster, obj: &Object, p: &Pod, ns: &str) -> PodView {
    let hostname = p
        .spec
        .hostname
        .clone()
        .unwrap_or_else(|| p.metadata.name.clone());
    let dns = p.spec.subdomain.as_ref().map(|sub| {
        let short = format!("{hostname}.{sub}");
        let answer = c.dns_lookup(ns, &short, QueryType::A);
        DnsName {
            fqdn: answer.as_ref().map_or_else(
                || format!("{short}.{ns}.svc.{CLUSTER_DOMAIN}"),
                |a| a.fqdn.clone(),
            ),
            resolves: answer.is_some(),
        }
    });
    let restarts = PrintedRow::new(c, obj, false).cell("RESTARTS");
    let image = p
        .spec
        .containers
        .first()
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    PodView {
        name: p.metadata.name.clone(),
        uid: p.metadata.uid.clone(),
        status: printers::pod_status(p),
        ready: printers::pod_ready(p),
        // Only the count: "(5s ago)" would go stale between snapshots.
        restarts: restarts.split(' ').next().unwrap_or("0").to_string(),
        is_ready: p.is_ready(),
        ip: p.status.pod_ip.clone(),
        node: p.spec.node_name.clone(),
        hostname,
        dns,
        image,
        revision: p.metadata.labels.get("controller-revision-hash").cloned(),
        outdated: false,
        // A Running and Ready pod waits for nothing: not even asked.
        why: (p.is_terminating() || !p.is_running_and_ready())
            .then(|| {
                let name = &p.metadata.name;
                why_view(why::pod(c, ns, name), &format!("why pod/{name}"))
            })
            .flatten(),
    }
}

fn claim_view(c: &Cluster, obj: &Object, pvc: &PersistentVolumeClaim) -> ClaimView {
    let row = PrintedRow::new(c, obj, false);
    let pv = pvc.spec.volume_name.as_deref().and_then(|name| {
        let pv_obj = c.get(Kind::PersistentVolume, "", name).ok()?;
        let Object::PersistentVolume(pv) = &*pv_obj else {
            return None;
        };
        let pv_row = PrintedRow::new(c, &pv_obj, false);
        Some(PvView {
            name: name.to_string(),
            status: pv_row.cell("STATUS"),
            reclaim_policy: pv_row.cell("RECLAIM POLICY"),
            node: pv.pinned_nodes().and_then(|n| n.first().cloned()),
            files: c.volume_files(name),
        })
    });
    let capacity = match row.cell("CAPACITY") {
        s if s.is_empty() => pvc
            .spec
            .resources
            .requests
            .get("storage")
            .cloned()
            .unwrap_or_default(),
        s => s,
    };
    ClaimView {
        name: pvc.metadata.name.clone(),
        status: row.cell("STATUS"),
        capacity,
        access_modes: match row.cell("ACCESS MODES") {
            s if s.is_empty() => pvc.spec.access_modes.join(","),
            s => s,
        },
        storage_class: row.cell("STORAGECLASS"),
        // A Bound claim waits for nothing.
        why: (pvc.spec.volume_name.is_none() || pvc.metadata.is_deleting())
            .then(|| {
                let (ns, name) = (&pvc.metadata.namespace, &pvc.metadata.name);
                why_view(why::claim(c, ns, name), &format!("why pvc/{name}"))
            })
            .flatten(),
        pv,
    }
}

/// A pod outside any StatefulSet's ordinals, with the claims it mounts (marked used).
fn pod_row(
    c: &Cluster,
    obj: &Object,
    p: &Pod,
    ns: &str,
    claim_views: &BTreeMap<String, Rc<ClaimView>>,
    used_claims: &mut BTreeSet<String>,
) -> RowView {
    let mut row_claims = Vec::new();
    for cn in p.claim_names() {
        if let Some(cv) = claim_views.get(cn) {
            used_claims.insert(cn.to_string());
            row_claims.push(cv.clone());
        }
    }
    RowView {
        key: p.metadata.name.clone(),
        ordinal: None,
        pod_name: p.metadata.name.clone(),
        pod: Some(Rc::new(pod_view(c, obj, p, ns))),
        claims: row_claims,
        wanted: true,
        why: None,
    }
}

/// A ReplicaSet with the pods it controls (marked used) under their generated names.
#[allow(clippy::too_many_arguments)]
fn replica_set_view(
    c: &Cluster,
    ro: &Object,
    rs: &ReplicaSet,
    pods: &[Arc<Object>],
    ns: &str,
    claim_views: &BTreeMap<String, Rc<ClaimView>>,
    used_pods: &mut BTreeSet<String>,
    used_claims: &mut BTreeSet<String>,
) -> ReplicaSetView {
    let mut rows = Vec::new();
    for po in pods {
        let Object::Pod(p) = &**po else { continue };
        if p.metadata.controller_ref().map(|r| &r.uid) != Some(&rs.metadata.uid) {
            continue;
        }
        used_pods.insert(p.metadata.name.clone());
        rows.push(Rc::new(pod_row(c, po, p, ns, claim_views, used_claims)));
    }
    let revision = rs
        .metadata
        .annotations
        .get("deployment.kubernetes.io/revision")
        .cloned()
        .unwrap_or_default();
    let row = PrintedRow::new(c, ro, false);
    ReplicaSetView {
        name: rs.metadata.name.clone(),
        revision,
        desired: row.cell("DESIRED"),
        current: row.cell("CURRENT"),
        ready: row.cell("READY"),
        old: false,
        why: why_view(
            why::replica_set(c, ns, &rs.metadata.name),
            &format!("why rs/{}", rs.metadata.name),
        ),
        rows,
    }
}

/// The cluster as the page shows it (one namespace).
pub fn cluster_view(c: &Cluster, ns: &str) -> ClusterView {
    let pods: Vec<Arc<Object>> = c.list(Kind::Pod, Some(ns));
    let claims: Vec<Arc<Object>> = c.list(Kind::PersistentVolumeClaim, Some(ns));
    let mut claim_views: BTreeMap<String, Rc<ClaimView>> = BTreeMap::new();
    for o in &claims {
        if let Object::PersistentVolumeClaim(pvc) = &**o {
            claim_views.insert(pvc.metadata.name.clone(), Rc::new(claim_view(c, o, pvc)));
        }
    }
    let mut used_pods: BTreeSet<String> = BTreeSet::new();
    let mut used_claims: BTreeSet<String> = BTreeSet::new();

    let mut sets = Vec::new();
    for so in c.list(Kind::StatefulSet, Some(ns)) {
        let Object::StatefulSet(set) = &*so else {
            continue;
        };
        let name = &set.metadata.name;
        // Pods this set controls, by ordinal.
        let mut by_ordinal: BTreeMap<i32, (&Object, &Pod)> = BTreeMap::new();
        for po in &pods {
            let Object::Pod(p) = &**po else { continue };
            let owned = p
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == set.metadata.uid);
            let (parent, ord) = parent_and_ordinal(&p.metadata.name);
            if owned && parent == name && ord >= 0 {
                by_ordinal.insert(ord, (po, p));
            }
        }
        // Claims from the set's templates, by ordinal (kept after scale-down too).
        let mut claim_ordinals: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        for t in &set.spec.volume_claim_templates {
            let prefix = format!("{}-{name}", t.metadata.name);
            for claim in claim_views.keys() {
                let (parent, ord) = parent_and_ordinal(claim);
                if parent == prefix && ord >= 0 {
                    claim_ordinals.entry(ord).or_default().push(claim.clone());
                }
            }
        }
        let start = set.start_ordinal();
        let wanted = start..start.saturating_add(set.replicas().clamp(0, 100));
        let ordinals: BTreeSet<i32> = by_ordinal
            .keys()
            .chain(claim_ordinals.keys())
            .copied()
            .chain(wanted.clone())
            .collect();
        let mut rows = Vec::new();
        // A big set is summarised: the first and last ordinals as cards, the middle as counts,
        // so the page stays readable and each refresh builds a bounded number of cards.
        let total = ordinals.len();
        let (head, tail) = if total > MAX_ROWS {
            (ELIDE_HEAD, ELIDE_TAIL)
        } else {
            (total, 0)
        };
        let mut elided: Option<Elided> = None;
        for (i, ord) in ordinals.into_iter().enumerate() {
            let pod_name = format!("{name}-{ord}");
            if i >= head && i < total - tail {
                let e = elided.get_or_insert_with(|| Elided {
                    after: head,
                    first: pod_name.clone(),
                    ..Default::default()
                });
                e.count += 1;
                e.last = pod_name.clone();
                let status = match by_ordinal.get(&ord) {
                    Some((_, p)) => printers::pod_status(p),
                    None => "no pod".to_string(),
                };
                match e.statuses.iter_mut().find(|(s, _)| *s == status) {
                    Some((_, n)) => *n += 1,
                    None => e.statuses.push((status, 1)),
                }
                if by_ordinal.contains_key(&ord) {
                    used_pods.insert(pod_name);
                }
                for t in &set.spec.volume_claim_templates {
                    used_claims.insert(claim_name(&t.metadata.name, name, ord));
                }
                continue;
            }
            let update_rev = &set.status.update_revision;
            let pod = by_ordinal.get(&ord).map(|(o, p)| {
                let mut v = pod_view(c, o, p, ns);
                v.outdated =
                    !update_rev.is_empty() && v.revision.as_ref().is_some_and(|r| r != update_rev);
                Rc::new(v)
            });
            if pod.is_some() {
                used_pods.insert(pod_name.clone());
            }
            // The template's claim names in template order, when they exist.
            let mut row_claims = Vec::new();
            for t in &set.spec.volume_claim_templates {
                let cn = claim_name(&t.metadata.name, name, ord);
                if let Some(cv) = claim_views.get(&cn) {
                    used_claims.insert(cn);
                    row_claims.push(cv.clone());
                }
            }
            let wanted = wanted.contains(&ord);
            let why = (wanted && pod.is_none())
                .then(|| why_view(why::pod(c, ns, &pod_name), &format!("why pod/{pod_name}")))
                .flatten();
            rows.push(Rc::new(RowView {
                key: pod_name.clone(),
                ordinal: Some(ord),
                pod_name,
                pod,
                claims: row_claims,
                wanted,
                why,
            }));
        }
        let row = PrintedRow::new(c, &so, false);
        sets.push(Rc::new(SetView {
            name: name.clone(),
            ready: row.cell("READY"),
            desired: set.replicas(),
            current: set.status.replicas,
            ready_replicas: set.status.ready_replicas,
            policy: set
                .spec
                .pod_management_policy
                .clone()
                .unwrap_or_else(|| "OrderedReady".into()),
            service_name: set.spec.service_name.clone().unwrap_or_default(),
            current_revision: set.status.current_revision.clone(),
            update_revision: set.status.update_revision.clone(),
            strategy: set
                .spec
                .update_strategy
                .as_ref()
                .and_then(|u| u.type_.clone())
                .unwrap_or_else(|| "RollingUpdate".into()),
            partition: set
                .spec
                .update_strategy
                .as_ref()
                .filter(|u| u.type_.as_deref() != Some("OnDelete"))
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .filter(|p| *p > 0),
            waiting: c
                .waiting_reason(Kind::StatefulSet, ns, name)
                .map(str::to_string),
            why: why_view(why::stateful_set(c, ns, name), &format!("why sts/{name}")),
            deleting: set.metadata.deletion_timestamp.is_some(),
            elided,
            rows,
        }));
    }

    let mut deployments = Vec::new();
    let replica_sets = c.list(Kind::ReplicaSet, Some(ns));
    let mut used_replica_sets: BTreeSet<String> = BTreeSet::new();
    for dobj in c.list(Kind::Deployment, Some(ns)) {
        let Object::Deployment(d) = &*dobj else {
            continue;
        };
        let mut rs_views: Vec<(i64, ReplicaSetView)> = Vec::new();
        for ro in &replica_sets {
            let Object::ReplicaSet(rs) = &**ro else {
                continue;
            };
            if rs.metadata.controller_ref().map(|r| &r.uid) != Some(&d.metadata.uid) {
                continue;
            }
            used_replica_sets.insert(rs.metadata.name.clone());
            let v = replica_set_view(
                c,
                ro,
                rs,
                &pods,
                ns,
                &claim_views,
                &mut used_pods,
                &mut used_claims,
            );
            rs_views.push((v.revision.parse().unwrap_or(0), v));
        }
        // Newest revision first; every other one is old.
        ordinal_sim::sort::sort_by(&mut rs_views, |a, b| {
            b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name))
        });
        let replica_sets = rs_views
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut v))| {
                v.old = i > 0;
                Rc::new(v)
            })
            .collect();
        let row = PrintedRow::new(c, &dobj, false);
        let strategy = match d.spec.strategy.type_.as_deref() {
            Some("Recreate") => "Recreate".to_string(),
            _ => {
                let ru = d.spec.strategy.rolling_update.as_ref();
                let show = |v: Option<&serde_json::Value>| match v {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => "25%".to_string(),
                };
                format!(
                    "RollingUpdate (maxSurge {}, maxUnavailable {})",
                    show(ru.and_then(|r| r.max_surge.as_ref())),
                    show(ru.and_then(|r| r.max_unavailable.as_ref()))
                )
            }
        };
        deployments.push(Rc::new(DeploymentView {
            name: d.metadata.name.clone(),
            ready: row.cell("READY"),
            up_to_date: row.cell("UP-TO-DATE"),
            available: row.cell("AVAILABLE"),
            desired: d.replicas(),
            current: d.status.replicas,
            ready_replicas: d.status.ready_replicas,
            strategy,
            paused: d.spec.paused,
            waiting: c
                .waiting_reason(Kind::Deployment, ns, &d.metadata.name)
                .map(str::to_string),
            why: why_view(
                why::deployment(c, ns, &d.metadata.name),
                &format!("why deploy/{}", d.metadata.name),
            ),
            deleting: d.metadata.deletion_timestamp.is_some(),
            replica_sets,
        }));
    }

    // ReplicaSets no Deployment here controls (created on their own, or orphaned by
    // `delete deploy --cascade=orphan`): each its own group with its pods.
    let mut standalone = Vec::new();
    for ro in &replica_sets {
        let Object::ReplicaSet(rs) = &**ro else {
            continue;
        };
        if used_replica_sets.contains(&rs.metadata.name) {
            continue;
        }
        standalone.push(Rc::new(replica_set_view(
            c,
            ro,
            rs,
            &pods,
            ns,
            &claim_views,
            &mut used_pods,
            &mut used_claims,
        )));
    }

    let mut other_pods = Vec::new();
    for po in &pods {
        let Object::Pod(p) = &**po else { continue };
        if used_pods.contains(&p.metadata.name) {
            continue;
        }
        other_pods.push(Rc::new(pod_row(
            c,
            po,
            p,
            ns,
            &claim_views,
            &mut used_claims,
        )));
    }
    let other_claims = claim_views
        .into_iter()
        .filter(|(n, _)| !used_claims.contains(n))
        .map(|(_, v)| v)
        .collect();

    let mut services = Vec::new();
    for so in c.list(Kind::Service, Some(ns)) {
        let Object::Service(s) = &*so else { continue };
        if s.metadata.name == "kubernetes" {
            continue;
        }
        let row = PrintedRow::new(c, &so, true);
        let records = c
            .dns_lookup(ns, &s.metadata.name, QueryType::A)
            .map(|a| {
                a.records
                    .into_iter()
                    .filter_map(|r| match r {
                        Record::A { ip, ptr } => Some((ip, ptr)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        services.push(Rc::new(ServiceView {
            name: s.metadata.name.clone(),
            headless: s.is_headless(),
            cluster_ip: row.cell("CLUSTER-IP"),
            ports: row.cell("PORT(S)"),
            selector: row.cell("SELECTOR"),
            fqdn: format!("{}.{ns}.svc.{CLUSTER_DOMAIN}", s.metadata.name),
            records,
        }));
    }

    let nodes = c
        .store()
        .list(Kind::Node, None)
        .filter_map(|o| {
            let Object::Node(n) = &**o else { return None };
            Some(NodeView {
                name: n.metadata.name.clone(),
                status: PrintedRow::new(c, o, false).cell("STATUS"),
                ready: n.is_ready(),
                running: c.node_running(&n.metadata.name),
                control_plane: n
                    .metadata
                    .labels
                    .contains_key("node-role.kubernetes.io/control-plane"),
            })
        })
        .collect();
    ClusterView {
        nodes,
        sets,
        deployments,
        replica_sets: standalone,
        other_pods,
        other_claims,
        services,
    }
}

/// The namespace's events, oldest first (as `kubectl get events -w` streams them), the newest
/// [`MAX_EVENTS`].
pub fn events_view(c: &Cluster, ns: &str) -> EventsView {
    let mut rows: Vec<(Option<Time>, String, EventRow)> = c
        .list(Kind::Event, Some(ns))
        .iter()
        .filter_map(|o| {
            let Object::Event(e) = &**o else { return None };
            let last = e.last_timestamp.or(e.event_time).or(e.first_timestamp);
            let row = PrintedRow::new(c, o, false);
            Some((
                last,
                e.metadata.name.clone(),
                EventRow {
                    key: e.metadata.name.clone(),
                    last,
                    type_: row.cell("TYPE"),
                    reason: row.cell("REASON"),
                    object: row.cell("OBJECT"),
                    message: row.cell("MESSAGE"),
                },
            ))
        })
        .collect();
    ordinal_sim::sort::sort_by(&mut rows, |a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let skip = rows.len().saturating_sub(MAX_EVENTS);
    EventsView {
        rows: rows
            .into_iter()
            .skip(skip)
            .map(|(_, _, r)| Rc::new(r))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kubectl apply` of `yaml` in `default`; every object must be accepted.
    fn apply(c: &mut Cluster, yaml: &str) {
        let applied = c.apply_yaml(yaml, "default").unwrap();
        assert!(applied.iter().all(Result::is_ok), "{applied:?}");
    }

    // Ordinals sort as numbers (web-10 after web-9), and claims kept after a scale-down stay in
    // their ordinal's row without a pod.
    #[test]
    fn rows_in_ordinal_order_with_kept_claims() {
        let mut c = Cluster::new(1);
        let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_PARALLEL_YAML
            .replace("replicas: 2", "replicas: 12");
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let names: Vec<&str> = v.sets[0].rows.iter().map(|r| r.pod_name.as_str()).collect();
        assert_eq!(names[9..], ["web-9", "web-10", "web-11"]);
        assert!(v.sets[0]
            .rows
            .iter()
            .all(|r| r.pod.as_ref().is_some_and(|p| p.ready == "1/1")));

        let yaml = yaml.replace("replicas: 12", "replicas: 3");
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let rows = &v.sets[0].rows;
        assert_eq!(rows.len(), 12);
        assert!(rows[..3].iter().all(|r| r.wanted && r.pod.is_some()));
        assert!(rows[3..].iter().all(|r| !r.wanted && r.pod.is_none()));
        assert!(rows
            .iter()
            .all(|r| r.claims.len() == 1 && r.claims[0].status == "Bound"));
        assert!(v.other_claims.is_empty() && v.other_pods.is_empty());
    }

    // A partitioned update: the set shows its strategy and partition, and only the pods at or
    // above the partition move to the update revision.
    #[test]
    fn partition_and_pod_revisions() {
        let mut c = Cluster::new(1);
        let yaml =
            ordinal_kubectl::manifests::K8S_IO_WEB_YAML.replace("replicas: 2", "replicas: 3");
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        assert_eq!(
            (v.sets[0].strategy.as_str(), v.sets[0].partition),
            ("RollingUpdate", None)
        );
        let first = v.sets[0].rows[0]
            .pod
            .as_ref()
            .unwrap()
            .revision
            .clone()
            .unwrap();
        assert_eq!(first, v.sets[0].update_revision);

        let yaml = yaml.replace("nginx-slim:0.21", "nginx-slim:0.24").replace(
            "  serviceName: \"nginx\"",
            "  serviceName: \"nginx\"\n  updateStrategy:\n    rollingUpdate:\n      partition: 2",
        );
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let set = &v.sets[0];
        assert_eq!(set.partition, Some(2));
        assert_ne!(set.current_revision, set.update_revision);
        let outdated: Vec<bool> = set
            .rows
            .iter()
            .map(|r| r.pod.as_ref().unwrap().outdated)
            .collect();
        assert_eq!(outdated, [true, true, false]);
        assert_eq!(
            set.rows[2].pod.as_ref().unwrap().revision.as_deref(),
            Some(set.update_revision.as_str())
        );
    }

    // Beyond MAX_ROWS ordinals the middle is counted, not drawn; its claims are still the set's.
    #[test]
    fn a_big_set_is_summarised() {
        let mut c = Cluster::new(1);
        let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_PARALLEL_YAML
            .replace("replicas: 2", "replicas: 160");
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let set = &v.sets[0];
        assert_eq!(set.rows.len(), 120);
        assert_eq!(set.rows[99].pod_name, "web-99");
        assert_eq!(set.rows[100].pod_name, "web-140");
        let e = set.elided.as_ref().unwrap();
        assert_eq!((e.after, e.count), (100, 40));
        assert_eq!((e.first.as_str(), e.last.as_str()), ("web-100", "web-139"));
        assert_eq!(e.statuses, [("Running".to_string(), 40)]);
        assert!(v.other_claims.is_empty() && v.other_pods.is_empty());
    }

    // A Deployment shows its ReplicaSets, newest first with the old one marked, and its pods
    // under their generated names (not as ordinals, not as pods outside any workload).
    #[test]
    fn deployment_groups_pods_by_replica_set() {
        let mut c = Cluster::new(1);
        let yaml = ordinal_kubectl::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML;
        apply(&mut c, yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        assert!(v.sets.is_empty() && v.other_pods.is_empty());
        let d = &v.deployments[0];
        assert_eq!(d.name, "nginx-deployment");
        assert_eq!((d.ready.as_str(), d.desired), ("3/3", 3));
        assert_eq!(
            d.strategy,
            "RollingUpdate (maxSurge 25%, maxUnavailable 25%)"
        );
        assert_eq!(d.replica_sets.len(), 1);
        let rs = &d.replica_sets[0];
        assert!(!rs.old && rs.revision == "1");
        assert_eq!(rs.rows.len(), 3);
        for r in &rs.rows {
            assert!(r.ordinal.is_none());
            assert!(r.pod_name.starts_with(&format!("{}-", rs.name)));
            assert_eq!(r.pod.as_ref().unwrap().ready, "1/1");
        }

        // A new template: a second ReplicaSet, newest first; the first one is old and empty.
        let yaml = yaml.replace("nginx:1.14.2", "nginx:1.16.1");
        apply(&mut c, &yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let d = &v.deployments[0];
        let revs: Vec<(&str, bool, usize)> = d
            .replica_sets
            .iter()
            .map(|r| (r.revision.as_str(), r.old, r.rows.len()))
            .collect();
        assert_eq!(revs, [("2", false, 3), ("1", true, 0)]);
        assert!(v.other_pods.is_empty());
    }

    // A StatefulSet and a Deployment may share a name: each shows its own controller's waiting
    // line (the sim once kept one line per namespace/name, so one showed the other's).
    #[test]
    fn a_statefulset_and_a_deployment_of_one_name_wait_apart() {
        let mut c = Cluster::new(1);
        let yaml = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  paused: true
  replicas: 1
  selector:
    matchLabels: {app: web-d}
  template:
    metadata:
      labels: {app: web-d}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: web-s}
  template:
    metadata:
      labels: {app: web-s}
    spec:
      containers:
      - name: nginx
        image: nginx:1.999
";
        apply(&mut c, yaml);
        c.advance(30_000);
        let v = cluster_view(&c, "default");
        let d = v.deployments[0].waiting.clone().unwrap_or_default();
        let s = v.sets[0].waiting.clone().unwrap_or_default();
        assert!(d.contains("paused"), "deployment: {d:?}");
        assert!(s.contains("web-0") && !s.contains("paused"), "set: {s:?}");
    }

    // A ReplicaSet no Deployment controls is its own group with its pods (not pods outside
    // any workload); the Deployment's own ReplicaSets stay under it.
    #[test]
    fn a_replica_set_without_a_deployment_is_its_own_group() {
        let mut c = Cluster::new(1);
        let yaml = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
spec:
  replicas: 2
  selector:
    matchLabels: {tier: frontend}
  template:
    metadata:
      labels: {tier: frontend}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
";
        apply(&mut c, yaml);
        apply(
            &mut c,
            ordinal_kubectl::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML,
        );
        c.settle();
        let v = cluster_view(&c, "default");
        assert!(v.other_pods.is_empty(), "{:?}", v.other_pods);
        assert_eq!(v.deployments[0].replica_sets.len(), 1);
        let names: Vec<&str> = v.replica_sets.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["frontend"]);
        let rs = &v.replica_sets[0];
        assert_eq!((rs.desired.as_str(), rs.ready.as_str()), ("2", "2"));
        assert_eq!(rs.revision, "");
        assert_eq!(rs.rows.len(), 2);
        assert!(rs.rows.iter().all(|r| r.pod_name.starts_with("frontend-")));
        assert_eq!(crate::compare::pod_names(&v).len(), 5);
    }

    /// What the terminal's `why OPERAND` prints.
    fn why_in_terminal(c: &Cluster, operand: &str) -> String {
        ordinal_kubectl::why::run(c, &[operand.to_string()], "default").stdout()
    }

    // Every object that waits says why on its card, in the terminal's words: a Pending pod
    // whose claim names a missing class, the claim, the replica not created yet, the set.
    // Once the class exists and the set is Ready, no card has a reason.
    #[test]
    fn waiting_objects_say_why_in_the_terminals_words() {
        let mut c = Cluster::new(1);
        let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_YAML.replace(
            "      accessModes: [ \"ReadWriteOnce\" ]",
            "      storageClassName: fast\n      accessModes: [ \"ReadWriteOnce\" ]",
        );
        apply(&mut c, &yaml);
        c.advance(5_000);
        let v = cluster_view(&c, "default");
        let set = &v.sets[0];
        let pod = set.rows[0].pod.as_ref().expect("web-0 exists");
        let why = pod.why.as_ref().expect("a Pending pod says why");
        assert_eq!(why.line, "Pending: the scheduler cannot place it");
        assert_eq!(why.text, why_in_terminal(&c, "pod/web-0"));
        assert!(
            why.text.contains("persistentvolumeclaim/www-web-0 waits: Pending: its StorageClass fast does not exist"),
            "{}",
            why.text
        );
        let claim = set.rows[0].claims[0]
            .why
            .as_ref()
            .expect("a Pending claim says why");
        assert_eq!(claim.line, "Pending: its StorageClass fast does not exist");
        assert_eq!(claim.text, why_in_terminal(&c, "pvc/www-web-0"));
        // web-1 is not created: the set's OrderedReady rule holds it.
        let ghost = &set.rows[1];
        assert!(ghost.pod.is_none() && ghost.wanted);
        let held = ghost.why.as_ref().expect("a replica not created says why");
        assert!(held.line.starts_with("not created yet: "), "{}", held.line);
        assert_eq!(held.text, why_in_terminal(&c, "web-1"));
        let set_why = set.why.as_ref().expect("the set waits");
        assert_eq!(set_why.text, why_in_terminal(&c, "sts/web"));
        assert_eq!(Some(set_why.line.as_str()), set.waiting.as_deref());

        // The class appears: everything binds, runs and is Ready; no card explains anything.
        let class = "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
";
        apply(&mut c, class);
        c.advance(120_000);
        c.settle();
        let v = cluster_view(&c, "default");
        let set = &v.sets[0];
        assert_eq!(set.ready, "2/2");
        assert!(set.why.is_none(), "{:?}", set.why);
        for r in &set.rows {
            assert!(r.why.is_none() && r.pod.as_ref().unwrap().why.is_none());
            assert!(r.claims.iter().all(|cl| cl.why.is_none()));
        }
    }

    // A Terminating pod, a paused Deployment's rollout and a ReplicaSet short of pods say why;
    // a workload's long list of waiting pods is cut on the card, with the command that prints
    // it all.
    #[test]
    fn terminating_pods_and_rollouts_say_why() {
        let mut c = Cluster::new(1);
        let yaml = ordinal_kubectl::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML;
        apply(&mut c, yaml);
        c.settle();
        let v = cluster_view(&c, "default");
        let d = &v.deployments[0];
        assert!(d.why.is_none() && d.replica_sets[0].why.is_none());
        let victim = d.replica_sets[0].rows[0].pod_name.clone();
        c.delete(
            Kind::Pod,
            "default",
            &victim,
            &ordinal_sim::DeleteOptions::default(),
        )
        .unwrap();
        let v = cluster_view(&c, "default");
        let rs = &v.deployments[0].replica_sets[0];
        let gone = rs.rows.iter().find(|r| r.pod_name == victim).unwrap();
        let why = gone
            .pod
            .as_ref()
            .unwrap()
            .why
            .as_ref()
            .expect("Terminating says why");
        assert!(why.line.starts_with("Terminating: "), "{}", why.line);
        assert_eq!(why.text, why_in_terminal(&c, &format!("pod/{victim}")));
        assert!(rs.why.is_some(), "the ReplicaSet waits for its new pod");

        // Scaled to 40 with an image that never pulls: the rollout's card lists 20 reasons
        // and names the command that prints the rest.
        let big = yaml
            .replace("replicas: 3", "replicas: 40")
            .replace("nginx:1.14.2", "nginx:0.0.404");
        apply(&mut c, &big);
        c.advance(60_000);
        let v = cluster_view(&c, "default");
        let d = &v.deployments[0];
        let why = d.why.as_ref().expect("the rollout waits");
        let full = why_in_terminal(&c, "deploy/nginx-deployment");
        assert!(full.lines().count() > MAX_WHY_LINES + 1, "{full}");
        let shown: Vec<&str> = why.text.lines().collect();
        assert_eq!(shown.len(), MAX_WHY_LINES + 2);
        assert_eq!(
            shown[..MAX_WHY_LINES + 1],
            full.lines().collect::<Vec<_>>()[..MAX_WHY_LINES + 1]
        );
        assert!(
            shown[MAX_WHY_LINES + 1].ends_with(" more lines: why deploy/nginx-deployment"),
            "{}",
            why.text
        );
    }

    /// What the explanations cost a rebuild of the view (debug build: compare, do not quote):
    /// `cargo test -p ordinal-web view_cost_of_why -- --ignored --nocapture`. A Parallel set of
    /// N pods whose claims name a missing class (every pod, claim and the set explain
    /// themselves) and the same set Ready (nothing to explain).
    #[test]
    #[ignore]
    fn view_cost_of_why() {
        for n in [150, 1000] {
            let c = Cluster::with_workers(1, Default::default(), 10);
            let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_PARALLEL_YAML
                .replace("replicas: 2", &format!("replicas: {n}"));
            let waiting = yaml.replace(
                "      accessModes: [ \"ReadWriteOnce\" ]",
                "      storageClassName: fast\n      accessModes: [ \"ReadWriteOnce\" ]",
            );
            for (what, yaml) in [("waiting", &waiting), ("ready", &yaml)] {
                let mut c = c.clone();
                let applied = c.apply_yaml(yaml, "default").unwrap();
                assert!(applied.iter().all(Result::is_ok));
                c.advance(10_000);
                c.settle();
                let rounds = 5;
                let t = std::time::Instant::now();
                for _ in 0..rounds {
                    std::hint::black_box(cluster_view(&c, "default"));
                }
                let per = t.elapsed() / rounds;
                let v = cluster_view(&c, "default");
                let explained = v.sets[0]
                    .rows
                    .iter()
                    .filter(|r| r.pod.as_ref().is_some_and(|p| p.why.is_some()))
                    .count();
                println!(
                    "{n} pods {what}: cluster_view {per:?} ({explained} pod cards explain why)"
                );
            }
        }
    }
}
