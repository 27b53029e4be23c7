//! Validation, immutability and field validation: the API server's messages for bad input, and
//! the cluster left as it was.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::apply::ApplyError;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, FieldValidation, Reason};
use serde_json::json;

fn sts(spec: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": spec})
}

fn good_spec() -> serde_json::Value {
    json!({"selector": {"matchLabels": {"app": "db"}},
           "template": {"metadata": {"labels": {"app": "db"}},
                        "spec": {"containers": [{"name": "db", "image": "nginx:1.27"}]}}})
}

#[test]
fn strict_apply_refuses_unknown_fields_and_creates_nothing() {
    let mut c = Cluster::new(1);
    let mut spec = good_spec();
    spec["replica"] = json!(3);
    let (r, warnings) = c.apply_value_with(&sts(spec.clone()), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::BadRequest);
    assert_eq!(
        error.message,
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\""
    );
    assert!(warnings.is_empty());
    assert!(c.get_as::<StatefulSet>("default", "db").is_none());

    // warn: created without the field, one warning per field.
    let (r, warnings) = c.apply_value_with(&sts(spec.clone()), "default", FieldValidation::Warn);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(warnings, ["unknown field \"spec.replica\""]);
    assert_eq!(
        c.get_as::<StatefulSet>("default", "db").unwrap().replicas(),
        1
    );

    // strict again on the existing object: the patch form, nothing changes.
    let before = c.resource_version();
    let (r, _) = c.apply_value_with(&sts(spec.clone()), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::Invalid);
    assert_eq!(error.causes[0].field, "patch");
    assert!(error.causes[0]
        .message
        .ends_with("strict decoding error: unknown field \"spec.replica\""));
    assert_eq!(c.resource_version(), before);

    // ignore: silently dropped.
    let (r, warnings) = c.apply_value_with(&sts(spec), "default", FieldValidation::Ignore);
    assert!(r.is_ok() && warnings.is_empty());
}

#[test]
fn a_string_for_an_int_is_a_go_decode_error() {
    let mut c = Cluster::new(1);
    let mut spec = good_spec();
    spec["replicas"] = json!("3");
    let (r, _) = c.apply_value_with(&sts(spec), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(
        error.message,
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
    );
}

#[test]
fn strategic_patch_with_a_wrong_type_is_an_invalid_patch() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::StatefulSet,
            "default",
            "web",
            PatchType::Strategic,
            &json!({"spec": {"replicas": "3"}}),
        )
        .unwrap_err();
    assert_eq!(e.kind, None);
    assert_eq!(
        e.causes[0].to_string(),
        "patch: Invalid value: \"map[spec:map[replicas:3]]\": unrecognized type: int32"
    );
}

#[test]
fn patch_warns_about_unknown_fields_by_default() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let (_, warnings) = c
        .patch_with(
            Kind::StatefulSet,
            "default",
            "web",
            PatchType::Strategic,
            &json!({"spec": {"zeta": 1, "alpha": 2}}),
            FieldValidation::Warn,
        )
        .unwrap();
    assert_eq!(
        warnings,
        [
            "unknown field \"spec.alpha\"",
            "unknown field \"spec.zeta\""
        ]
    );
}

#[test]
fn causes_come_in_upstream_order() {
    let mut c = Cluster::new(1);
    let v = sts(json!({"replicas": -1, "podManagementPolicy": "Sometimes",
        "template": {"metadata": {"labels": {"app": "db"}},
                     "spec": {"restartPolicy": "Never", "containers": [{"name": "db", "image": "nginx"}]}}}));
    let (r, _) = c.apply_value_with(&v, "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = error.causes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "spec.podManagementPolicy",
            "spec.replicas",
            "spec.selector",
            "spec.template.metadata.labels",
            "spec.template.spec.restartPolicy"
        ]
    );
}

#[test]
fn label_errors_name_the_part_that_is_wrong() {
    let mut c = Cluster::new(1);
    let mut spec = good_spec();
    spec["template"]["metadata"]["labels"]["a/b/c"] = json!("x");
    spec["template"]["metadata"]["labels"]["-x"] = json!(&"v".repeat(64));
    let (r, _) = c.apply_value_with(&sts(spec), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    let msgs: Vec<String> = error.causes.iter().map(|c| c.to_string()).collect();
    assert!(
        msgs.iter().all(|m| m.starts_with("spec.template.labels: ")),
        "{msgs:?}"
    );
    assert!(
        msgs[0].contains("\"-x\": name part must consist of"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].ends_with("must be no more than 63 characters"),
        "{msgs:?}"
    );
    assert!(msgs
        .iter()
        .any(|m| m.contains("\"a/b/c\": a qualified name must consist")));
}

#[test]
fn an_immutable_secret_keeps_its_data() {
    let mut c = Cluster::new(1);
    let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "immutable": true, "data": {"a": "MQ=="}});
    c.apply_value(&s, "default").unwrap();
    let e = c
        .patch(
            Kind::Secret,
            "default",
            "s",
            PatchType::Merge,
            &json!({"stringData": {"a": "2"}, "immutable": false}),
        )
        .unwrap_err();
    let msgs: Vec<String> = e.causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set"
        ]
    );
}

#[test]
fn claim_storage_must_be_positive() {
    let mut c = Cluster::new(1);
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "p"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "0"}}}});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&pvc, "default") else {
        panic!()
    };
    assert_eq!(
        error.causes[0].to_string(),
        "spec.resources[storage]: Invalid value: \"0\": must be greater than zero"
    );
}

// Upstream validates neither the pod spec nor the claim templates of a StatefulSet: a bad
// container name is accepted, and each pod create fails with a FailedCreate event.
#[test]
fn a_bad_pod_template_fails_at_pod_creation() {
    let mut c = Cluster::new(1);
    let mut spec = good_spec();
    spec["template"]["spec"]["containers"][0]["name"] = json!("My_DB");
    c.apply_value(&sts(spec), "default").unwrap();
    c.settle();
    assert!(pod(&c, "db-0").is_none());
    let failed = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .find(|e| e.reason.as_deref() == Some("FailedCreate"))
        .and_then(|e| e.message.clone())
        .unwrap();
    assert!(
        failed.starts_with("create Pod db-0 in StatefulSet db failed error: Pod \"db-0\" is invalid: spec.containers[0].name: Invalid value: \"My_DB\": a lowercase RFC 1123 label"),
        "{failed}"
    );
}

#[test]
fn claim_spec_changes_show_the_diff_and_resizing_needs_an_expandable_class() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::PersistentVolumeClaim,
            "default",
            "www-web-0",
            PatchType::Strategic,
            &json!({"spec": {"accessModes": ["ReadWriteMany"]}}),
        )
        .unwrap_err();
    assert_eq!(
        e.causes[0].to_string(),
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n- \tAccessModes: []core.PersistentVolumeAccessMode{\"ReadWriteOnce\"},\n+ \tAccessModes: []core.PersistentVolumeAccessMode{\"ReadWriteMany\"},\n  \t... // 8 identical fields\n  }\n"
    );
    c.settle();
    let grow = json!({"spec": {"resources": {"requests": {"storage": "2Gi"}}}});
    let e = c
        .patch(
            Kind::PersistentVolumeClaim,
            "default",
            "www-web-0",
            PatchType::Strategic,
            &grow,
        )
        .unwrap_err();
    assert_eq!(e.reason, Reason::Forbidden);
    assert_eq!(e.message, "persistentvolumeclaims \"www-web-0\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
    let shrink = json!({"spec": {"resources": {"requests": {"storage": "500Mi"}}}});
    let e = c
        .patch(
            Kind::PersistentVolumeClaim,
            "default",
            "www-web-0",
            PatchType::Strategic,
            &shrink,
        )
        .unwrap_err();
    assert_eq!(
        e.causes[0].to_string(),
        "spec.resources.requests.storage: Forbidden: field can not be less than previous value"
    );
}

// The unstructured converter truncates an int64 into an int32 field, as Go's reflect does; a
// create's JSON decoding refuses it.
#[test]
fn a_huge_replica_count_in_a_strategic_patch_wraps_like_go() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::StatefulSet,
            "default",
            "web",
            PatchType::Strategic,
            &json!({"spec": {"replicas": 99999999999i64}}),
        )
        .unwrap_err();
    assert!(
        e.message.contains("requested: replicas=1215752191"),
        "{}",
        e.message
    );
    let mut spec = good_spec();
    spec["replicas"] = json!(99999999999i64);
    let (r, _) = c.apply_value_with(&sts(spec), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert!(error.message.ends_with("json: cannot unmarshal number 99999999999 into Go struct field StatefulSetSpec.spec.replicas of type int32"));
}

#[test]
fn secret_contents_are_checked_per_type() {
    let mut c = Cluster::new(1);
    let bad64 = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "x!y"}});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&bad64, "default") else {
        panic!()
    };
    assert_eq!(
        error.message,
        "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 1"
    );
    let docker = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "nope"}});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&docker, "default") else {
        panic!()
    };
    assert_eq!(
        error.causes[0].to_string(),
        "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'o' in literal null (expecting 'u')"
    );
    let tls = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "kubernetes.io/tls"});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&tls, "default") else {
        panic!()
    };
    let msgs: Vec<String> = error.causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "data[tls.crt]: Required value",
            "data[tls.key]: Required value"
        ]
    );
    assert!(c.get_as::<Secret>("default", "s").is_none());
}

#[test]
fn a_quantity_that_does_not_parse_is_a_decode_error() {
    let mut c = Cluster::new(1);
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "p"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1iG"}}}});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&pvc, "default") else {
        panic!()
    };
    assert_eq!(
        error.message,
        "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: unable to parse quantity's suffix"
    );
}

#[test]
fn generate_name_and_annotations_are_validated() {
    let mut c = Cluster::new(1);
    let svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"generateName": "Web-", "annotations": {"bad key": "x"}},
        "spec": {"ports": [{"port": 80, "name": "Web"}], "selector": {"app": "-x"}}});
    let obj = Object::decode(Kind::Service, svc).unwrap().0;
    let e = c.create(obj).unwrap_err();
    let fields: Vec<&str> = e.causes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "metadata.generateName",
            "metadata.name",
            "metadata.annotations",
            "spec.ports[0].name",
            "spec.selector"
        ]
    );
}

#[test]
fn a_bad_selector_is_refused_without_comparing_the_template() {
    let mut c = Cluster::new(1);
    let mut spec = good_spec();
    spec["selector"] = json!({"matchExpressions": [{"key": "app", "operator": "Like"}]});
    let (r, _) = c.apply_value_with(&sts(spec), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    let msgs: Vec<String> = error.causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "spec.selector.matchExpressions[0].operator: Invalid value: \"Like\": not a valid selector operator",
            "spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Like\"}]}"
        ]
    );
}

#[test]
fn pod_port_names_follow_is_valid_port_name() {
    let mut c = Cluster::new(1);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "name": "HTTP--"}]}]}});
    let Err(ApplyError::Api { error, .. }) = c.apply_value(&pod, "default") else {
        panic!()
    };
    let msgs: Vec<String> = error.causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "spec.containers[0].ports[0].name: Invalid value: \"HTTP--\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.containers[0].ports[0].name: Invalid value: \"HTTP--\": must contain at least one letter (a-z)",
            "spec.containers[0].ports[0].name: Invalid value: \"HTTP--\": must not contain consecutive hyphens (-)",
            "spec.containers[0].ports[0].name: Invalid value: \"HTTP--\": must not begin or end with a hyphen (-)"
        ]
    );
}

// NormalizeClusterIPs: a changed clusterIP becomes clusterIPs[0], which the message shows.
#[test]
fn a_service_address_may_not_change() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::Service,
            "default",
            "nginx",
            PatchType::Strategic,
            &json!({"spec": {"clusterIP": "10.96.0.50"}}),
        )
        .unwrap_err();
    assert_eq!(
        e.causes[0].to_string(),
        "spec.clusterIPs[0]: Invalid value: [\"10.96.0.50\"]: may not change once set"
    );
    assert!(c
        .get_as::<Service>("default", "nginx")
        .unwrap()
        .is_headless());
}

// patchAllocatedValues: a PUT that leaves out the cluster IPs (`kubectl replace -f` of the
// manifest) keeps the allocated ones instead of failing validation.
#[test]
fn a_service_update_without_its_address_keeps_it() {
    let mut c = Cluster::new(1);
    let svc = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"ports": [{"port": 5432}], "selector": {"app": "db"}},
    });
    let (obj, _) =
        Object::decode_body(Kind::Service, svc.clone(), FieldValidation::Strict).unwrap();
    let created = c.create(obj).unwrap();
    let ip = Service::from_object(&created)
        .unwrap()
        .spec
        .cluster_ip
        .clone();
    assert!(ip.as_deref().is_some_and(|ip| ip.starts_with("10.96.")));
    let mut replaced = svc;
    replaced["spec"]["ports"][0]["port"] = json!(5433);
    let (obj, _) = Object::decode_body(Kind::Service, replaced, FieldValidation::Strict).unwrap();
    let updated = c.update(obj).unwrap();
    let s = Service::from_object(&updated).unwrap();
    assert_eq!(
        (s.spec.cluster_ip.clone(), s.spec.ports[0].port),
        (ip.clone(), 5433)
    );
    assert_eq!(s.spec.cluster_ips, vec![ip.unwrap()]);
}

/// The ServiceAccount admission plug-in: a pod may name only a service account that exists
/// (here, its namespace's `default`); a StatefulSet whose template names another is stored,
/// and its pods are refused, each refusal a FailedCreate event.
#[test]
fn pods_need_an_existing_service_account() {
    let mut c = Cluster::new(1);
    let pod = |sa: &str| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"serviceAccountName": sa, "containers": [{"name": "c", "image": "nginx:1.27"}]}})
    };
    let (r, _) = c.apply_value_with(&pod("builder"), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::Forbidden);
    assert_eq!(
        error.message,
        "pods \"p\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found"
    );
    assert!(c.get_as::<Pod>("default", "p").is_none());
    let (r, _) = c.apply_value_with(&pod("default"), "default", FieldValidation::Strict);
    assert!(r.is_ok(), "{r:?}");

    let mut spec = good_spec();
    spec["template"]["spec"]["serviceAccountName"] = json!("builder");
    let (r, _) = c.apply_value_with(&sts(spec), "default", FieldValidation::Strict);
    assert!(r.is_ok(), "{r:?}");
    c.advance(5_000);
    assert!(c.get_as::<Pod>("default", "db-0").is_none());
    let refused = c.list_as::<Event>(Some("default")).into_iter().any(|e| {
        e.reason.as_deref() == Some("FailedCreate")
            && e.message.as_deref().is_some_and(|m| {
                m.ends_with("error: pods \"db-0\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found")
            })
    });
    assert!(refused);
}

/// An ExternalName Service must name a host (`ValidateService`).
#[test]
fn an_external_name_service_needs_its_external_name() {
    let mut c = Cluster::new(1);
    let svc = |name: serde_json::Value| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
               "spec": {"type": "ExternalName", "externalName": name}})
    };
    let (r, _) = c.apply_value_with(&svc(json!(null)), "default", FieldValidation::Strict);
    let Err(ApplyError::Api { error, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::Invalid);
    assert_eq!(error.causes.len(), 1);
    assert_eq!(error.causes[0].field, "spec.externalName");
    let (r, _) = c.apply_value_with(
        &svc(json!("db.example.com.")),
        "default",
        FieldValidation::Strict,
    );
    assert!(r.is_ok(), "{r:?}");
}
