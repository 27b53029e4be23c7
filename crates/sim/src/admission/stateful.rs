//! The admission plug-ins that read cluster state: the default StorageClass, Service IPs and
//! protection finalizers on create (`DefaultStorageClass`, the Service REST strategy,
//! `StorageObjectInUseProtection`), and `PersistentVolumeClaimResize` on update.

use crate::api::*;
use crate::cluster::{add_finalizer, Cluster};
use crate::error::{ApiError, Reason};

/// `DefaultStorageClass` and `StorageObjectInUseProtection` for a new claim: the default class
/// if it names none, the pvc-protection finalizer, and phase Pending.
pub(crate) fn admit_claim(c: &Cluster, pvc: &mut PersistentVolumeClaim) {
    if pvc.spec.storage_class_name.is_none() {
        pvc.spec.storage_class_name = default_class(c);
    }
    add_finalizer(&mut pvc.metadata, "kubernetes.io/pvc-protection");
    pvc.status.phase = Some("Pending".into());
}

/// The default StorageClass's name (annotated `storageclass.kubernetes.io/is-default-class:
/// "true"`), if there is one: the admission plug-in gives it to a new claim that names no
/// class, and the PV controller to an unbound one that still names none.
pub(crate) fn default_class(c: &Cluster) -> Option<String> {
    c.list_as::<StorageClass>(None)
        .into_iter()
        .find(|sc| {
            sc.metadata
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .map(String::as_str)
                == Some("true")
        })
        .map(|sc| sc.metadata.name.clone())
}

/// A new Service's cluster IP, from the allocator unless it names one (or is ExternalName).
pub(crate) fn admit_service(c: &mut Cluster, svc: &mut Service) {
    if svc.spec.type_.as_deref() != Some("ExternalName") && svc.spec.cluster_ip.is_none() {
        let ip = c.allocate_service_ip();
        svc.spec.cluster_ip = Some(ip);
    }
    if let Some(ip) = svc.spec.cluster_ip.clone() {
        if svc.spec.cluster_ips.is_empty() {
            svc.spec.cluster_ips = vec![ip];
        }
    }
}

/// The `PersistentVolumeClaimResize` admission plug-in: a claim may grow only if its class
/// allows volume expansion (kind's `standard` does not).
pub(crate) fn admit_resize(
    c: &Cluster,
    n: &PersistentVolumeClaim,
    o: &PersistentVolumeClaim,
) -> Result<(), ApiError> {
    let size = |c: &PersistentVolumeClaim| {
        c.spec
            .resources
            .requests
            .get("storage")
            .and_then(|q| crate::quantity::parse_bytes(q))
    };
    if size(n) <= size(o) {
        return Ok(());
    }
    let expandable = n
        .spec
        .storage_class_name
        .as_deref()
        .and_then(|sc| c.get_as::<StorageClass>("", sc))
        .is_some_and(|sc| sc.allow_volume_expansion == Some(true));
    if expandable && n.spec.volume_name.is_some() {
        return Ok(());
    }
    Err(ApiError::new(
        Reason::Forbidden,
        format!(
            "persistentvolumeclaims \"{}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
            n.metadata.name
        ),
    ))
}
