//! The PersistentVolume controller (binding, release, reclaim), kind's local-path provisioner,
//! and the pvc-protection / pv-protection finalizer controllers.

use super::scheduler::SELECTED_NODE;
use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::{remove_finalizer, Cluster, DeleteOptions};
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::Time;
use std::collections::{BTreeMap, HashMap};

pub const PROVISIONER: &str = "rancher.io/local-path";
const PV_CONTROLLER: &str = "persistentvolume-controller";
const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
const PV_PROTECTION: &str = "kubernetes.io/pv-protection";

/// The PV controller's claim queue (binding, pvc-protection): one claim per item.
pub(crate) static CLAIMS: Controller = Controller {
    name: "persistentvolume-controller/claims",
    reconcile: sync_claim,
    size: None,
};

/// The PV controller's volume queue (release, reclaim, pv-protection): one volume per item.
pub(crate) static VOLUMES: Controller = Controller {
    name: "persistentvolume-controller/volumes",
    reconcile: |c, (_, name)| sync_volume(c, name),
    size: None,
};

/// kind's local-path provisioner: one claim handed to it per item.
pub(crate) static LOCAL_PATH: Controller = Controller {
    name: "local-path-provisioner",
    reconcile: provision,
    size: None,
};

/// The claims a pod uses.
pub(crate) fn on_pod(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let Some(p) = Pod::from_object(&ev.object) else {
        return;
    };
    for claim in p.claim_names() {
        out.push(Work::at(&CLAIMS, &p.metadata.namespace, claim));
    }
}

/// The claim's own events.
pub(crate) fn on_claim(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::new(&CLAIMS, key_of(&ev.object)));
}

/// A StorageClass was created or changed: the unbound claims that name it, or name no class
/// (it may now be the default), are synced again. Upstream's controller finds them at its
/// periodic resync (15 s); classes change rarely, so this walks the claims.
pub(crate) fn on_class(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if ev.type_ == WatchEventType::Deleted {
        return;
    }
    let class = ev.object.name();
    for pvc in c.list_as::<PersistentVolumeClaim>(None) {
        let names = pvc.spec.storage_class_name.as_deref();
        if pvc.spec.volume_name.is_none()
            && !pvc.metadata.is_deleting()
            && names.is_none_or(|n| n == class)
        {
            out.push(Work::at(
                &CLAIMS,
                &pvc.metadata.namespace,
                &pvc.metadata.name,
            ));
        }
    }
}

/// The volume a claim is bound to.
pub(crate) fn on_claim_volume(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if let Some(pv) =
        PersistentVolumeClaim::from_object(&ev.object).and_then(|pvc| pvc.spec.volume_name.as_ref())
    {
        out.push(Work::named(&VOLUMES, pv));
    }
}

/// The volume's own events, and the claim it is bound to.
pub(crate) fn on_volume(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::named(&VOLUMES, ev.object.name()));
    if let Some(r) =
        PersistentVolume::from_object(&ev.object).and_then(|pv| pv.spec.claim_ref.as_ref())
    {
        if let (Some(ns), Some(n)) = (&r.namespace, &r.name) {
            out.push(Work::at(&CLAIMS, ns, n));
        }
    }
}

/// Provisioner bookkeeping: volumes whose reclaim (directory removal, PV deletion) is under way.
#[derive(Clone, Default, Debug)]
pub struct VolumeState {
    reclaim_due: HashMap<String, Time>,
}

/// The provisioner's event source, as local-path-provisioner names itself.
fn provisioner_component() -> &'static str {
    "rancher.io/local-path_local-path-provisioner-7dc846544d-4jk8p_1b3c2f5e-8a4d-4e6f-9b1a-2c3d4e5f6a7b"
}

fn host_path(pvc: &PersistentVolumeClaim) -> String {
    format!(
        "/var/local-path-provisioner/pvc-{}_{}_{}",
        pvc.metadata.uid, pvc.metadata.namespace, pvc.metadata.name
    )
}

pub(crate) fn sync_claim(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let Some(pvc) = c.get_as::<PersistentVolumeClaim>(ns, name).cloned() else {
        return Action::Done;
    };
    if pvc.metadata.is_deleting() {
        // pvc-protection: release the claim once no pod uses it. Only a scheduled pod counts
        // (upstream `podUsesPVC`): the kubelet will not start one whose claim is going, and the
        // scheduler will not place one, so an unscheduled pod must not hold it. A pod that has
        // finished (Succeeded or Failed) still holds it until the pod object is gone: upstream
        // lets only ephemeral volumes go when their pod is shut down.
        if pvc.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION) {
            let in_use = c.store.claim_users(ns, name).any(|pod| {
                c.get_as::<Pod>(ns, pod)
                    .is_some_and(|p| p.spec.node_name.is_some())
            });
            if !in_use {
                let mut p = pvc.clone();
                remove_finalizer(&mut p.metadata, PVC_PROTECTION);
                c.put_existing(p.into());
            }
        }
        return Action::Done;
    }
    if pvc.spec.volume_name.is_some() {
        return Action::Done;
    }
    // RetroactiveDefaultStorageClass (GA, always on): a claim that names no class gets the
    // default class once there is one (`assignDefaultStorageClass`), and is synced again.
    if pvc.spec.storage_class_name.is_none() {
        if let Some(default) = crate::admission::stateful::default_class(c) {
            let mut p = pvc.clone();
            p.spec.storage_class_name = Some(default);
            c.put_existing(p.into());
            return Action::Done;
        }
    }
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    if class_name.is_empty() {
        if !bind_static(c, &pvc) {
            c.record_event(
                &Object::from(pvc),
                "Normal",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                PV_CONTROLLER,
                None,
            );
        }
        return Action::Done;
    }
    let Some(class) = c.get_as::<StorageClass>("", &class_name).cloned() else {
        let msg = format!("storageclass.storage.k8s.io \"{class_name}\" not found");
        c.record_event(
            &Object::from(pvc),
            "Warning",
            "ProvisioningFailed",
            &msg,
            PV_CONTROLLER,
            None,
        );
        return Action::Done;
    };
    if bind_static(c, &pvc) {
        return Action::Done;
    }
    let wffc = class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer");
    let selected = pvc.metadata.annotations.get(SELECTED_NODE).cloned();
    if wffc && selected.is_none() {
        c.record_event(
            &Object::from(pvc),
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
            PV_CONTROLLER,
            None,
        );
        return Action::Done;
    }
    let ann = "volume.kubernetes.io/storage-provisioner";
    if pvc.metadata.annotations.get(ann) != Some(&class.provisioner) {
        let mut p = pvc.clone();
        p.metadata.annotations.insert(
            "volume.beta.kubernetes.io/storage-provisioner".into(),
            class.provisioner.clone(),
        );
        p.metadata
            .annotations
            .insert(ann.into(), class.provisioner.clone());
        let p = c.put_existing(p.into());
        let msg = format!(
            "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
            class.provisioner
        );
        if let Some(p) = p {
            c.record_event(
                &p,
                "Normal",
                "ExternalProvisioning",
                &msg,
                PV_CONTROLLER,
                None,
            );
            if class.provisioner == PROVISIONER {
                let delay = c.rng.between(1_200, 2_800);
                // The provisioner is another controller: the claim is handed to it, and it
                // answers a little later (a timer for its queue, not a requeue of this one).
                c.schedule(delay, Work::new(&LOCAL_PATH, key.clone()));
            }
        }
    }
    Action::Done
}

/// Binds a claim to an Available volume of its class that fits (static provisioning).
fn bind_static(c: &mut Cluster, pvc: &PersistentVolumeClaim) -> bool {
    // `findBestMatchForClaim` takes a volume pre-bound to the claim first: the provisioner's,
    // when its create timed out but went through (its name is the claim's uid).
    let prebound = c
        .get_as::<PersistentVolume>("", &format!("pvc-{}", pvc.metadata.uid))
        .filter(|pv| {
            !pv.metadata.is_deleting()
                && pv
                    .spec
                    .claim_ref
                    .as_ref()
                    .is_some_and(|r| r.uid.as_deref() == Some(pvc.metadata.uid.as_str()))
        })
        .cloned();
    if let Some(pv) = prebound {
        bind(c, pv, pvc.clone());
        return true;
    }
    let class = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let want = pvc
        .spec
        .resources
        .requests
        .get("storage")
        .and_then(|q| crate::quantity::parse_bytes(q))
        .unwrap_or(0);
    // The store indexes the Available volumes: dynamically provisioned ones are bound from
    // birth, so this is not a walk over every volume for every claim.
    let candidate = c
        .store
        .available_pvs()
        .filter_map(|name| c.get_as::<PersistentVolume>("", name))
        .filter(|pv| pv.spec.storage_class_name.clone().unwrap_or_default() == class)
        .filter(|pv| {
            pvc.spec
                .access_modes
                .iter()
                .all(|m| pv.spec.access_modes.contains(m))
        })
        .filter(|pv| {
            pv.spec
                .capacity
                .get("storage")
                .and_then(|q| crate::quantity::parse_bytes(q))
                .unwrap_or(0)
                >= want
        })
        .min_by_key(|pv| {
            pv.spec
                .capacity
                .get("storage")
                .and_then(|q| crate::quantity::parse_bytes(q))
                .unwrap_or(0)
        })
        .cloned();
    match candidate {
        Some(pv) => {
            bind(c, pv, pvc.clone());
            true
        }
        None => false,
    }
}

/// The reference a volume bound to `pvc` carries (`reference.GetReference`).
fn claim_ref_of(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        namespace: Some(pvc.metadata.namespace.clone()),
        name: Some(pvc.metadata.name.clone()),
        uid: Some(pvc.metadata.uid.clone()),
        resource_version: Some(pvc.metadata.resource_version.clone()),
        field_path: None,
    }
}

/// Whether the volume is pre-bound to this very claim (its claimRef names the claim's uid).
fn prebound_to(pv: &Object, pvc: &PersistentVolumeClaim) -> bool {
    PersistentVolume::from_object(pv)
        .and_then(|pv| pv.spec.claim_ref.as_ref())
        .is_some_and(|r| r.uid.as_deref() == Some(pvc.metadata.uid.as_str()))
}

fn bind(c: &mut Cluster, mut pv: PersistentVolume, mut pvc: PersistentVolumeClaim) {
    // A volume pre-bound to the claim keeps its reference (`GetBindVolumeToClaim` rewrites it
    // only when it names another claim).
    if !pv.spec.claim_ref.as_ref().is_some_and(|r| {
        r.uid.as_deref() == Some(pvc.metadata.uid.as_str())
            && r.name.as_deref() == Some(pvc.metadata.name.as_str())
    }) {
        pv.spec.claim_ref = Some(claim_ref_of(&pvc));
    }
    pv.status.phase = Some("Bound".into());
    pv.status.last_phase_transition_time = Some(c.now);
    c.put_existing(pv.clone().into());
    pvc.spec.volume_name = Some(pv.metadata.name.clone());
    pvc.metadata
        .annotations
        .insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
    pvc.metadata
        .annotations
        .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
    pvc.status.phase = Some("Bound".into());
    pvc.status.access_modes = pv.spec.access_modes.clone();
    pvc.status.capacity = pv.spec.capacity.clone();
    c.put_existing(pvc.into());
}

/// local-path-provisioner: make the directory on the selected node and the PV, then bind.
pub(crate) fn provision(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let Some(pvc) = c.get_as::<PersistentVolumeClaim>(ns, name).cloned() else {
        return Action::Done;
    };
    if pvc.spec.volume_name.is_some() || pvc.metadata.is_deleting() {
        return Action::Done;
    }
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let Some(class) = c.get_as::<StorageClass>("", &class_name).cloned() else {
        return Action::Done;
    };
    let comp = provisioner_component();
    let claim_ref = format!("{ns}/{name}");
    let obj = Object::from(pvc.clone());
    c.record_event(
        &obj,
        "Normal",
        "Provisioning",
        &format!("External provisioner is provisioning volume for claim \"{claim_ref}\""),
        comp,
        None,
    );
    if pvc
        .spec
        .access_modes
        .iter()
        .any(|m| m != "ReadWriteOnce" && m != "ReadWriteOncePod")
    {
        let msg = "failed to provision volume with StorageClass \"standard\": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes".replace("standard", &class_name);
        c.record_event(&obj, "Warning", "ProvisioningFailed", &msg, comp, None);
        return Action::Done;
    }
    if pvc.spec.selector.is_some() {
        let msg = format!("failed to provision volume with StorageClass \"{class_name}\": claim.Spec.Selector is not supported");
        c.record_event(&obj, "Warning", "ProvisioningFailed", &msg, comp, None);
        return Action::Done;
    }
    let node = match pvc.metadata.annotations.get(SELECTED_NODE) {
        Some(n) => n.clone(),
        None => {
            let workers: Vec<String> = c
                .list_as::<Node>(None)
                .iter()
                .filter(|n| n.spec.taints.is_empty())
                .map(|n| n.metadata.name.clone())
                .collect();
            if workers.is_empty() {
                return Action::Done;
            }
            let i = c.rng.below(workers.len() as u64) as usize;
            workers[i].clone()
        }
    };
    let path = host_path(&pvc);
    let pv_name = format!("pvc-{}", pvc.metadata.uid);
    let storage = pvc
        .spec
        .resources
        .requests
        .get("storage")
        .cloned()
        .unwrap_or_default();
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: pv_name.clone(),
            annotations: BTreeMap::from([
                (
                    "local.path.provisioner/selected-node".to_string(),
                    node.clone(),
                ),
                (
                    "pv.kubernetes.io/provisioned-by".to_string(),
                    class.provisioner.clone(),
                ),
            ])
            .into(),
            ..Default::default()
        },
        spec: PvSpec {
            capacity: BTreeMap::from([("storage".to_string(), storage)]),
            access_modes: pvc.spec.access_modes.clone(),
            // Pre-bound to its claim, as the external provisioner library creates it
            // (`volume.Spec.ClaimRef = claimRef`): no other claim can take it, even when the
            // create timed out and the binding comes later.
            claim_ref: Some(claim_ref_of(&pvc)),
            persistent_volume_reclaim_policy: class.reclaim_policy.clone(),
            storage_class_name: Some(class_name.clone()),
            volume_mode: Some("Filesystem".into()),
            host_path: Some(HostPathSource {
                path: path.clone(),
                type_: Some("DirectoryOrCreate".into()),
            }),
            node_affinity: Some(VolumeNodeAffinity {
                required: NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: vec![NodeSelectorRequirement {
                            key: "kubernetes.io/hostname".into(),
                            operator: "In".into(),
                            values: vec![node.clone()],
                        }],
                    }],
                },
            }),
            ..Default::default()
        }
        .into(),
        status: PvStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        },
    };
    let created = match c.create_inner(pv.into()) {
        Ok(created) => created,
        // A create that timed out may have gone through: the volume is there, pre-bound to
        // this claim (`StoreVolume`: "persistentvolume already exists, reusing").
        Err(e) if e.is_already_exists() => match c.get(Kind::PersistentVolume, "", &pv_name) {
            Ok(pv) if prebound_to(&pv, &pvc) => pv,
            Ok(_) => return Action::Retry { reason: e.message },
            Err(e) => return Action::Retry { reason: e.message },
        },
        // The provisioner retries with backoff (a fault plan's 409, 500 or timeout).
        Err(e) => return Action::Retry { reason: e.message },
    };
    c.disks.dirs.entry((node, path)).or_default();
    c.record_event(
        &obj,
        "Normal",
        "ProvisioningSucceeded",
        &format!("Successfully provisioned volume {pv_name}"),
        comp,
        None,
    );
    if let Object::PersistentVolume(pv) = &*created {
        let pvc = c
            .get_as::<PersistentVolumeClaim>(ns, name)
            .cloned()
            .unwrap_or(pvc);
        bind(c, (**pv).clone(), pvc);
    }
    Action::Done
}

pub(crate) fn sync_volume(c: &mut Cluster, name: &str) -> Action {
    let Some(pv) = c.get_as::<PersistentVolume>("", name).cloned() else {
        c.volume_state.reclaim_due.remove(name);
        return Action::Done;
    };
    if pv.metadata.is_deleting() {
        if pv.status.phase.as_deref() != Some("Bound")
            && pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION)
        {
            let mut p = pv.clone();
            remove_finalizer(&mut p.metadata, PV_PROTECTION);
            c.put_existing(p.into());
        }
        return Action::Done;
    }
    let Some(claim_ref) = pv.spec.claim_ref.clone() else {
        if pv.status.phase.as_deref() != Some("Available") {
            let mut p = pv.clone();
            p.status.phase = Some("Available".into());
            p.status.last_phase_transition_time = Some(c.now);
            c.put_existing(p.into());
        }
        return Action::Done;
    };
    let ns = claim_ref.namespace.clone().unwrap_or_default();
    let cname = claim_ref.name.clone().unwrap_or_default();
    let claim_alive = c
        .get_as::<PersistentVolumeClaim>(&ns, &cname)
        .is_some_and(|p| Some(&p.metadata.uid) == claim_ref.uid.as_ref());
    if claim_alive {
        return Action::Done;
    }
    // The claim is gone: the volume is Released, then reclaimed per its policy.
    if pv.status.phase.as_deref() != Some("Released")
        && pv.status.phase.as_deref() != Some("Failed")
    {
        let mut p = pv.clone();
        p.status.phase = Some("Released".into());
        p.status.last_phase_transition_time = Some(c.now);
        c.put_existing(p.into());
    }
    let dynamic = pv
        .metadata
        .annotations
        .get("pv.kubernetes.io/provisioned-by")
        .map(String::as_str)
        == Some(PROVISIONER);
    if pv.spec.persistent_volume_reclaim_policy.as_deref() != Some("Delete") || !dynamic {
        return Action::Done;
    }
    match c.volume_state.reclaim_due.get(name).copied() {
        None => {
            let delay = c.rng.between(800, 2_000);
            let due = c.now.plus_ms(delay);
            c.volume_state.reclaim_due.insert(name.to_string(), due);
            Action::RequeueAt {
                at: due,
                reason: "the provisioner reclaims the released volume",
            }
        }
        Some(due) if c.now >= due => {
            c.volume_state.reclaim_due.remove(name);
            if let (Some(node), Some(hp)) = (
                pv.metadata
                    .annotations
                    .get("local.path.provisioner/selected-node"),
                &pv.spec.host_path,
            ) {
                c.disks.dirs.remove(&(node.clone(), hp.path.clone()));
            }
            let _ = c.delete_inner(Kind::PersistentVolume, "", name, &DeleteOptions::default());
            Action::Done
        }
        // Its reclaim is already due at a later time.
        Some(_) => Action::Done,
    }
}
