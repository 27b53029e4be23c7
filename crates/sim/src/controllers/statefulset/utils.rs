//! Pure helpers of the StatefulSet controller (upstream `stateful_set_utils.go`): names,
//! ordinals, identity and storage checks, revision-stamped pods, retention-policy owner refs.

use crate::api::*;
use serde_json::Value;

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";

pub fn pod_name(set: &str, ordinal: i32) -> String {
    format!("{set}-{ordinal}")
}

pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// `getParentNameAndOrdinal`: `web-3` → (`web`, 3); `-1` when the name does not parse (the
/// part after the last `-` must be decimal digits that fit an i32). A scan of the trailing
/// digits: this runs several times for every pod on every sync.
pub fn parent_and_ordinal(name: &str) -> (&str, i32) {
    let b = name.as_bytes();
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let start = b.len() - digits;
    if digits == 0 || start == 0 || b[start - 1] != b'-' {
        return ("", -1);
    }
    let mut n: i32 = 0;
    for &c in &b[start..] {
        match n
            .checked_mul(10)
            .and_then(|n| n.checked_add((c - b'0') as i32))
        {
            Some(v) => n = v,
            None => return ("", -1),
        }
    }
    (&name[..start - 1], n)
}

pub fn ordinal(pod: &Pod) -> i32 {
    parent_and_ordinal(&pod.metadata.name).1
}

/// `isMemberOf`: the pod's name says it belongs to the set.
pub fn is_member_of(set: &StatefulSet, pod: &Pod) -> bool {
    parent_and_ordinal(&pod.metadata.name).0 == set.metadata.name
}

pub fn in_ordinal_range(set: &StatefulSet, ordinal: i32) -> bool {
    let start = set.start_ordinal();
    ordinal >= start && ordinal < start.saturating_add(set.replicas())
}

/// `identityMatches`: the name, namespace and pod-name label (not the pod-index label, which
/// `updateIdentity` sets but nothing checks; hostname and subdomain are immutable after creation).
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let (parent, ord) = parent_and_ordinal(&pod.metadata.name);
    ord >= 0
        && parent == set.metadata.name
        && pod.metadata.namespace == set.metadata.namespace
        && pod.metadata.labels.get(POD_NAME_LABEL) == Some(&pod.metadata.name)
}

pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let ord = ordinal(pod);
    set.spec.volume_claim_templates.iter().all(|t| {
        pod.spec.volumes.iter().any(|v| {
            v.name == t.metadata.name
                && v.persistent_volume_claim.as_ref().is_some_and(|c| {
                    is_claim_name(&c.claim_name, &t.metadata.name, &set.metadata.name, ord)
                })
        })
    })
}

/// `name == claim_name(template, set, ordinal)`, without building the name (this runs for
/// every pod on every sync).
pub fn is_claim_name(name: &str, template: &str, set: &str, ordinal: i32) -> bool {
    name.strip_prefix(template)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_prefix(set))
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|r| is_decimal(r, ordinal))
}

/// `s == n.to_string()`, on the stack (digits written by hand: no formatter per pod).
fn is_decimal(s: &str, n: i32) -> bool {
    let mut buf = [0u8; 11];
    let mut i = buf.len();
    let mut v = (n as i64).unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    s.as_bytes() == &buf[i..]
}

pub fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let ord = ordinal(pod);
    pod.metadata.namespace = set.metadata.namespace.clone();
    pod.metadata
        .labels
        .insert(POD_NAME_LABEL.into(), pod.metadata.name.clone());
    pod.metadata
        .labels
        .insert(POD_INDEX_LABEL.into(), ord.to_string());
}

pub fn update_storage(set: &StatefulSet, pod: &mut Pod) {
    let ord = ordinal(pod);
    for t in &set.spec.volume_claim_templates {
        let claim = claim_name(&t.metadata.name, &set.metadata.name, ord);
        let vol = Volume {
            name: t.metadata.name.clone(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: claim,
                read_only: None,
            }),
            ..Default::default()
        };
        match pod
            .spec
            .volumes
            .iter_mut()
            .find(|v| v.name == t.metadata.name)
        {
            Some(v) => *v = vol,
            None => pod.spec.volumes.push(vol),
        }
    }
}

/// `newStatefulSetPod`: a pod for `ordinal` from the set's template, with identity and storage.
pub fn new_pod(set: &StatefulSet, ordinal: i32) -> Pod {
    let t = &set.spec.template;
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: pod_name(&set.metadata.name, ordinal),
            namespace: set.metadata.namespace.clone(),
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            owner_references: vec![controller_ref(Kind::StatefulSet, &set.metadata)].into(),
            ..Default::default()
        },
        spec: t.spec.clone().into(),
        status: Default::default(),
    };
    update_identity(set, &mut pod);
    update_storage(set, &mut pod);
    pod.spec.hostname = Some(pod.metadata.name.clone());
    if let Some(sn) = set.spec.service_name.as_deref().filter(|s| !s.is_empty()) {
        pod.spec.subdomain = Some(sn.into());
    }
    pod
}

/// Below the partition of a rolling update, a new pod is made from the current revision.
pub fn is_partitioned(current: &StatefulSet, update: &StatefulSet, ordinal: i32) -> bool {
    current.update_strategy_type() == "RollingUpdate"
        && ordinal < current.start_ordinal() + update.partition()
}

/// `newVersionedStatefulSetPod`: below the partition a pod is made from the current revision.
pub fn new_versioned_pod(
    current: &StatefulSet,
    update: &StatefulSet,
    current_rev: &str,
    update_rev: &str,
    ordinal: i32,
) -> Pod {
    let partitioned = is_partitioned(current, update, ordinal);
    let mut pod = if partitioned {
        new_pod(current, ordinal)
    } else {
        new_pod(update, ordinal)
    };
    let rev = if partitioned { current_rev } else { update_rev };
    pod.metadata
        .labels
        .insert(REVISION_LABEL.into(), rev.into());
    pod
}

pub fn pod_revision(pod: &Pod) -> &str {
    pod.metadata
        .labels
        .get(REVISION_LABEL)
        .map(String::as_str)
        .unwrap_or("")
}

/// The claims a pod of the set needs: labels are the template's plus the selector's matchLabels.
/// The names of the claims of `ordinal`, in template order (without building the claims).
pub fn claim_names(set: &StatefulSet, ordinal: i32) -> impl Iterator<Item = String> + '_ {
    set.spec
        .volume_claim_templates
        .iter()
        .map(move |t| claim_name(&t.metadata.name, &set.metadata.name, ordinal))
}

pub fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<PersistentVolumeClaim> {
    let sel = set.spec.selector.clone().unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| {
            let mut labels = t.metadata.labels.clone();
            labels.extend(sel.match_labels.clone());
            PersistentVolumeClaim {
                api_version: None,
                kind: None,
                metadata: ObjectMeta {
                    name: claim_name(&t.metadata.name, &set.metadata.name, ordinal),
                    namespace: set.metadata.namespace.clone(),
                    labels,
                    annotations: t.metadata.annotations.clone(),
                    ..Default::default()
                },
                spec: t.spec.clone(),
                status: Default::default(),
            }
        })
        .collect()
}

/// `matchesRef`: the reference names `meta` as an object of `kind` (by name and type, not uid).
fn matches_ref(r: &OwnerReference, kind: Kind, meta: &ObjectMeta) -> bool {
    r.api_version == kind.api_version() && r.kind == kind.name() && r.name == meta.name
}

/// `hasOwnerRef`: a reference to `meta`'s uid.
fn has_owner_ref(claim: &PersistentVolumeClaim, meta: &ObjectMeta) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .any(|r| r.uid == meta.uid)
}

/// `hasStaleOwnerRef`: the first reference naming `meta` carries another uid (an earlier
/// incarnation, or a pod that is not created yet).
pub fn has_stale_owner_ref(claim: &PersistentVolumeClaim, kind: Kind, meta: &ObjectMeta) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .find(|r| matches_ref(r, kind, meta))
        .is_some_and(|r| r.uid != meta.uid)
}

/// `hasUnexpectedController`: under a non-Retain policy, the claim has a controller that is
/// neither this set nor this pod (or a reference to an earlier set or pod of the same name).
pub fn has_unexpected_controller(
    claim: &PersistentVolumeClaim,
    set: &StatefulSet,
    pod: &Pod,
) -> bool {
    if set.when_scaled() == "Retain" && set.when_deleted() == "Retain" {
        return false;
    }
    claim.metadata.owner_references.iter().any(|r| {
        if matches_ref(r, Kind::StatefulSet, &set.metadata) {
            return r.uid != set.metadata.uid;
        }
        if matches_ref(r, Kind::Pod, &pod.metadata) {
            return r.uid != pod.metadata.uid;
        }
        r.controller == Some(true)
    })
}

/// `hasNonControllerOwner`: the set or pod owns the claim without being its controller (the
/// plain references of releases before 1.32, which the controller upgrades).
fn has_non_controller_owner(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    claim.metadata.owner_references.iter().any(|r| {
        (r.uid == set.metadata.uid || r.uid == pod.metadata.uid) && r.controller != Some(true)
    })
}

/// `isClaimOwnerUpToDate`: whether the claim's owner references agree with the retention
/// policy. Claims in a state the controller does not understand (stale references, a foreign
/// controller it has no reference beside) count as up to date, so they are left alone.
pub fn claim_owner_up_to_date(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    if has_stale_owner_ref(claim, Kind::StatefulSet, &set.metadata)
        || has_stale_owner_ref(claim, Kind::Pod, &pod.metadata)
    {
        return true;
    }
    let (to_set, to_pod) = (
        has_owner_ref(claim, &set.metadata),
        has_owner_ref(claim, &pod.metadata),
    );
    if has_unexpected_controller(claim, set, pod) {
        return !(to_set || to_pod);
    }
    if has_non_controller_owner(claim, set, pod) {
        return false;
    }
    let scaled_down = !in_ordinal_range(set, ordinal(pod));
    match (set.when_scaled(), set.when_deleted()) {
        ("Delete", "Delete") => scaled_down != to_set && scaled_down == to_pod,
        ("Delete", _) => !to_set && scaled_down == to_pod,
        (_, "Delete") => to_set && !to_pod,
        _ => !to_set && !to_pod,
    }
}

/// `updateClaimOwnerRefForSetAndPod`: scrubs the claim's references to the set and the pod, then
/// adds the controller references the policy asks for (none if another controller owns it).
pub fn update_claim_owner_refs(claim: &mut PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    let refs = &mut claim.metadata.owner_references;
    refs.retain(|r| {
        !matches_ref(r, Kind::StatefulSet, &set.metadata)
            && !matches_ref(r, Kind::Pod, &pod.metadata)
    });
    if unexpected {
        return;
    }
    let scaled_down = !in_ordinal_range(set, ordinal(pod));
    let (want_set, want_pod) = match (set.when_scaled(), set.when_deleted()) {
        ("Delete", "Delete") => (!scaled_down, scaled_down),
        ("Delete", _) => (false, scaled_down),
        (_, "Delete") => (true, false),
        _ => (false, false),
    };
    // `addControllerRef`: `metav1.NewControllerRef`, so controller and blockOwnerDeletion.
    if want_set && !refs.iter().any(|r| r.uid == set.metadata.uid) {
        refs.push(controller_ref(Kind::StatefulSet, &set.metadata));
    }
    if want_pod && !refs.iter().any(|r| r.uid == pod.metadata.uid) {
        refs.push(controller_ref(Kind::Pod, &pod.metadata));
    }
}

/// `getPatch`: the revision data, `{"spec":{"template":{…,"$patch":"replace"}}}`. The
/// template is what Go's typed encoder writes, so its metadata has `"creationTimestamp":null`
/// (a zero `metav1.Time`): the bytes kubectl's `rollout undo` compares and the hash names.
pub fn revision_patch(set: &StatefulSet) -> Value {
    let mut template = crate::api::encode::Encode::encode(&set.spec.template);
    if let Value::Object(m) = &mut template {
        m.insert("$patch".into(), Value::String("replace".into()));
        let meta = m
            .entry("metadata")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(meta) = meta {
            meta.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
    serde_json::json!({"spec": {"template": template}})
}

/// `ApplyRevision`: the set with the template stored in a revision.
pub fn apply_revision(set: &StatefulSet, data: &Value) -> StatefulSet {
    let mut s = set.clone();
    if let Some(mut t) = data.get("spec").and_then(|s| s.get("template")).cloned() {
        if let Value::Object(m) = &mut t {
            m.remove("$patch");
        }
        // The API's decoder, not `serde_json::from_value`: one instantiation of the template's
        // serde code serves both (the web build's size).
        if let Ok((t, _)) = crate::api::decode::decode(&t) {
            s.spec.template = t;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_names_are_recognised_without_building_them() {
        for (name, want) in [
            ("www-web-3", true),
            ("www-web-03", false),
            ("www-web-+3", false),
            ("www-web-30", false),
            ("www-web-", false),
            ("www-webb-3", false),
            ("data-web-3", false),
        ] {
            assert_eq!(is_claim_name(name, "www", "web", 3), want, "{name}");
        }
        assert!(is_claim_name("www-web-2147483647", "www", "web", i32::MAX));
        assert!(is_claim_name("www-web--1", "www", "web", -1));
    }

    #[test]
    fn names_and_ordinals() {
        assert_eq!(pod_name("web", 3), "web-3");
        assert_eq!(claim_name("www", "web", 0), "www-web-0");
        assert_eq!(parent_and_ordinal("web-12"), ("web", 12));
        assert_eq!(parent_and_ordinal("my-app-0"), ("my-app", 0));
        assert_eq!(parent_and_ordinal("web"), ("", -1));
        assert_eq!(parent_and_ordinal("web-x"), ("", -1));
        assert_eq!(parent_and_ordinal("web-99999999999"), ("", -1));
        assert_eq!(parent_and_ordinal("web-2147483647"), ("web", i32::MAX));
        assert_eq!(parent_and_ordinal("web-2147483648"), ("", -1));
        assert_eq!(parent_and_ordinal("web-007"), ("web", 7));
        assert_eq!(parent_and_ordinal("-3"), ("", 3));
        assert_eq!(parent_and_ordinal("3"), ("", -1));
        assert_eq!(parent_and_ordinal("web-3x"), ("", -1));
        assert_eq!(parent_and_ordinal("web-x3"), ("", -1));
        assert_eq!(parent_and_ordinal("web-"), ("", -1));
        assert!(is_claim_name("www-web--2147483648", "www", "web", i32::MIN));
        assert!(is_claim_name("www-web-0", "www", "web", 0));
    }
}
