//! What the API server does to an object before storing it: defaulting (`SetDefaults_*`) and
//! validation (`ValidateStatefulSet`, name rules, immutable fields), with its exact messages;
//! `stateful.rs` holds the admission plug-ins that read cluster state.

pub(crate) mod stateful;

use crate::api::*;
use crate::error::{field, ApiError, Cause, Reason};
use crate::features::FeatureGates;
use serde_json::{json, Value};

/// The playground's limit on replicas: a set larger than this would not fit in a browser tab.
pub const MAX_REPLICAS: i32 = 10_000;

// ------------------------------------------------------------------ defaults

/// `SetDefaults_*` for the object's kind (its `KindDef::set_defaults`).
pub fn default_object(obj: &mut Object) {
    obj.set_defaults();
}

pub fn default_pod_spec(s: &mut PodSpec) {
    s.restart_policy.get_or_insert_with(|| "Always".into());
    s.termination_grace_period_seconds.get_or_insert(30);
    s.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    s.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    s.security_context.get_or_insert_with(|| json!({}));
    // Containers already defaulted (a controller's pod from its defaulted template) stay
    // shared with the template: changed only if a default is missing.
    let mut containers = (*s.containers).clone();
    containers.iter_mut().for_each(default_container);
    if containers != *s.containers {
        s.containers = containers.into();
    }
    s.init_containers.iter_mut().for_each(default_container);
    for c in &mut s.ephemeral_containers {
        default_container(&mut c.container);
    }
}

fn default_container(c: &mut Container) {
    if c.image_pull_policy.is_none() {
        let image = c.image.as_deref().unwrap_or("");
        let tag = crate::images::ImageRef::parse(image)
            .map(|r| r.tag)
            .unwrap_or_default();
        c.image_pull_policy = Some(
            if tag.is_empty() || tag == "latest" {
                "Always"
            } else {
                "IfNotPresent"
            }
            .into(),
        );
    }
    c.termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    c.termination_message_policy
        .get_or_insert_with(|| "File".into());
    c.resources.get_or_insert_with(|| json!({}));
    for p in &mut c.ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
    }
    for probe in [
        &mut c.readiness_probe,
        &mut c.liveness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        probe.timeout_seconds.get_or_insert(1);
        probe.period_seconds.get_or_insert(10);
        probe.success_threshold.get_or_insert(1);
        probe.failure_threshold.get_or_insert(3);
        if let Some(h) = &mut probe.http_get {
            h.scheme.get_or_insert_with(|| "HTTP".into());
            h.path.get_or_insert_with(|| "/".into());
        }
    }
}

// ------------------------------------------------------------------ names

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `IsDNS1123Label`: error strings, empty if valid.
pub fn dns1123_label(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok = !v.is_empty()
        && v.chars().all(is_label_char)
        && v.starts_with(is_alnum)
        && v.ends_with(is_alnum);
    if !ok {
        errs.push(format!(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{DNS1123_LABEL_FMT}')"
        ));
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let ok = !v.is_empty()
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(is_label_char)
                && l.starts_with(is_alnum)
                && l.ends_with(is_alnum)
        });
    if !ok {
        errs.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_SUBDOMAIN_FMT}')"
        ));
    }
    errs
}

/// `IsDNS1035Label` (Service names).
pub fn dns1035_label(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok = !v.is_empty()
        && v.chars().all(is_label_char)
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.ends_with(is_alnum);
    if !ok {
        errs.push(format!(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_LABEL_FMT}')"
        ));
    }
    errs
}

/// Shortens a value for an error message the way `field.Invalid` output stays readable.
pub(crate) fn quoted(v: &str) -> String {
    format!("{v:?}")
}

fn validate_meta(kind: Kind, m: &ObjectMeta, causes: &mut Vec<Cause>) {
    if m.name.is_empty() {
        causes.push(field::required(
            "metadata.name",
            "name or generateName is required",
        ));
        return;
    }
    let name_fn = |v: &str| kind.validate_name(v);
    if !m.generate_name.is_empty() {
        // A prefix may end in '-' (`maskTrailingDash`).
        let g = &m.generate_name;
        let masked = match g.strip_suffix('-') {
            Some(rest) if g.len() > 1 => format!("{rest}a"),
            _ => g.to_string(),
        };
        for e in name_fn(&masked) {
            causes.push(field::invalid("metadata.generateName", quoted(g), &e));
        }
    }
    for e in name_fn(&m.name) {
        causes.push(field::invalid("metadata.name", quoted(&m.name), &e));
    }
    if kind.namespaced() && !m.namespace.is_empty() {
        for e in dns1123_label(&m.namespace) {
            causes.push(field::invalid(
                "metadata.namespace",
                quoted(&m.namespace),
                &e,
            ));
        }
    }
    validate_labels(&m.labels, "metadata.labels", causes);
    validate_annotations(&m.annotations, "metadata.annotations", causes);
}

/// `ValidateAnnotations`: qualified-name keys (lower-cased first), at most 256 KiB in all.
pub fn validate_annotations(
    annotations: &std::collections::BTreeMap<String, String>,
    path: &str,
    causes: &mut Vec<Cause>,
) {
    let mut total = 0;
    for (k, v) in annotations {
        for e in qualified_name(&k.to_lowercase()) {
            causes.push(field::invalid(path, quoted(k), &e));
        }
        total += k.len() + v.len();
    }
    if total > 256 * 1024 {
        causes.push(field::too_long(path, 256 * 1024));
    }
}

const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `IsQualifiedName`: a label key (`[prefix/]name`), error strings, empty if valid.
pub fn qualified_name(k: &str) -> Vec<String> {
    let parts: Vec<&str> = k.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => return vec![format!("a qualified name {QUALIFIED_NAME_MSG}")],
    };
    let mut errs = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else {
            errs.extend(
                dns1123_subdomain(p)
                    .into_iter()
                    .map(|e| format!("prefix part {e}")),
            );
        }
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    let ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        errs.push(format!("name part {QUALIFIED_NAME_MSG}"));
    }
    errs
}

/// `IsValidLabelValue`: error strings, empty if valid.
pub fn label_value(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok = v.is_empty()
        || (v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if !ok {
        errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string());
    }
    errs
}

/// `ValidateLabels`: qualified-name keys and label values.
pub fn validate_labels(labels: &Labels, path: &str, causes: &mut Vec<Cause>) {
    for (k, v) in labels {
        for e in qualified_name(k) {
            causes.push(field::invalid(path, quoted(k), &e));
        }
        for e in label_value(v) {
            causes.push(field::invalid(path, quoted(v), &e));
        }
    }
}

/// What the feature gates change at admission (the kind's `dropDisabledFields`, and defaults
/// set only under a gate); `old` is the stored object on update.
pub fn gated_fields(obj: &mut Object, old: Option<&Object>, gates: &FeatureGates) {
    obj.gated_fields(old, gates);
}

/// `IsValidPercent`: digits followed by `%`.
fn is_valid_percent(v: &str) -> bool {
    v.strip_suffix('%')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `validateRollingUpdateStatefulSet`'s checks of `maxUnavailable` (an int or a percentage,
/// not 0, at most 100%).
fn validate_max_unavailable(v: &Value, causes: &mut Vec<Cause>) {
    const PATH: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    let shown = v.to_string();
    let (value, percent) = match v {
        Value::String(s) => {
            if is_valid_percent(s) {
                let n = s[..s.len() - 1].parse::<i64>().unwrap_or(i64::MAX);
                (n, true)
            } else {
                causes.push(field::invalid(
                    PATH,
                    &shown,
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
                (s.parse::<i64>().unwrap_or(0), false)
            }
        }
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            if n < 0 {
                causes.push(field::invalid(
                    PATH,
                    n,
                    "must be greater than or equal to 0",
                ));
            }
            (n, false)
        }
        _ => {
            causes.push(field::invalid(
                PATH,
                &shown,
                "must be an integer or percentage (e.g '5%')",
            ));
            return;
        }
    };
    if value == 0 {
        causes.push(field::invalid(PATH, &shown, "cannot be 0"));
    }
    if percent && value > 100 {
        causes.push(field::invalid(
            PATH,
            &shown,
            "must not be greater than 100%",
        ));
    }
}

// ------------------------------------------------------------------ create

pub fn validate_create(obj: &Object) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    validate_meta(obj.kind(), obj.meta(), &mut causes);
    obj.validate_create(&mut causes)?;
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(obj.kind(), obj.name(), causes))
    }
}

/// The playground's quota on a workload's replicas (a StatefulSet's, a Deployment's, a
/// ReplicaSet's).
pub(crate) fn replica_limit(kind: Kind, requested: i32, name: &str) -> ApiError {
    let resource = kind.resource();
    ApiError::new(
        Reason::Forbidden,
        format!(
            "{resource} \"{name}\" is forbidden: exceeded quota: playground, requested: replicas={requested}, limit: replicas={MAX_REPLICAS} (this playground runs in one browser tab)"
        ),
    )
}

pub(crate) fn validate_statefulset_spec(s: &StatefulSet, causes: &mut Vec<Cause>) {
    let spec = &s.spec;
    match spec.pod_management_policy.as_deref() {
        None | Some("OrderedReady") | Some("Parallel") => {}
        Some(p) => causes.push(field::invalid(
            "spec.podManagementPolicy",
            quoted(p),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    if let Some(u) = &spec.update_strategy {
        match u.type_.as_deref() {
            Some("RollingUpdate") | None => {
                if let Some(ru) = &u.rolling_update {
                    if let Some(p) = ru.partition {
                        if p < 0 {
                            causes.push(field::invalid(
                                "spec.updateStrategy.rollingUpdate.partition",
                                p,
                                "must be greater than or equal to 0",
                            ));
                        }
                    }
                    if let Some(m) = &ru.max_unavailable {
                        validate_max_unavailable(m, causes);
                    }
                }
            }
            Some("OnDelete") => {
                if u.rolling_update.is_some() {
                    causes.push(field::invalid(
                        "spec.updateStrategy.rollingUpdate",
                        format!("{:?}", "OnDelete"),
                        "only allowed for updateStrategy 'RollingUpdate'",
                    ));
                }
            }
            Some(t) => causes.push(field::invalid(
                "spec.updateStrategy",
                quoted(t),
                "must be 'RollingUpdate' or 'OnDelete'",
            )),
        }
    }
    // Upstream order: podManagementPolicy, updateStrategy, the retention policy, then the
    // counts, the selector and the template.
    if let Some(p) = &spec.persistent_volume_claim_retention_policy {
        for (name, v) in [
            ("whenDeleted", &p.when_deleted),
            ("whenScaled", &p.when_scaled),
        ] {
            if let Some(v) = v {
                if v != "Retain" && v != "Delete" {
                    causes.push(field::not_supported(
                        &format!("spec.persistentVolumeClaimRetentionPolicy.{name}"),
                        v,
                        &["Retain", "Delete"],
                    ));
                }
            }
        }
    }
    let replicas = s.replicas();
    if replicas < 0 {
        causes.push(field::invalid(
            "spec.replicas",
            replicas,
            "must be greater than or equal to 0",
        ));
    }
    if let Some(m) = spec.min_ready_seconds {
        if m < 0 {
            causes.push(field::invalid(
                "spec.minReadySeconds",
                m,
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(o) = &spec.ordinals {
        if o.start < 0 {
            causes.push(field::invalid(
                "spec.ordinals.start",
                o.start,
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(name) = spec.service_name.as_deref().filter(|n| !n.is_empty()) {
        for e in dns1123_label(name) {
            causes.push(field::invalid("spec.serviceName", quoted(name), &e));
        }
    }
    let labels = &spec.template.metadata.labels;
    match &spec.selector {
        None => {
            causes.push(field::required("spec.selector", ""));
            causes.push(selector_mismatch(labels));
        }
        Some(sel) if sel.is_empty() => {
            causes.push(field::invalid(
                "spec.selector",
                "{}",
                "empty selector is invalid for statefulset",
            ));
        }
        Some(sel) => {
            let before = causes.len();
            validate_label_selector(sel, "spec.selector", causes);
            if causes.len() > before {
                // `LabelSelectorAsSelector` fails too, and the template is not compared.
                let v = serde_json::to_string(sel).unwrap_or_default();
                causes.push(Cause {
                    field: "spec.selector".into(),
                    message: format!("Invalid value: {v}"),
                });
            } else if !sel.matches(labels) {
                causes.push(selector_mismatch(labels));
            }
        }
    }
    validate_labels(labels, "spec.template.labels", causes);
    let restart = spec
        .template
        .spec
        .restart_policy
        .as_deref()
        .unwrap_or("Always");
    if restart != "Always" {
        causes.push(field::not_supported(
            "spec.template.spec.restartPolicy",
            restart,
            &["Always"],
        ));
    }
    if spec.template.spec.active_deadline_seconds.is_some() {
        causes.push(field::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    // The pod spec and the claim templates are not validated here (upstream's TODO in
    // `ValidatePodTemplateSpecForStatefulSet`): their errors surface when the controller
    // creates a pod or claim, as `FailedCreate` events.
}

/// `ValidateLabelSelector` (label values strictly checked, as a StatefulSet's are).
pub fn validate_label_selector(sel: &LabelSelector, path: &str, causes: &mut Vec<Cause>) {
    for (i, e) in sel.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match e.operator.as_str() {
            "In" | "NotIn" if e.values.is_empty() => causes.push(field::required(
                &format!("{p}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !e.values.is_empty() => causes.push(field::forbidden(
                &format!("{p}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            op => causes.push(field::invalid(
                &format!("{p}.operator"),
                quoted(op),
                "not a valid selector operator",
            )),
        }
        for err in qualified_name(&e.key) {
            causes.push(field::invalid(&format!("{p}.key"), quoted(&e.key), &err));
        }
        for (j, v) in e.values.iter().enumerate() {
            for err in label_value(v) {
                causes.push(field::invalid(&format!("{p}.values[{j}]"), quoted(v), &err));
            }
        }
    }
    validate_labels(&sel.match_labels, &format!("{path}.matchLabels"), causes);
}

/// `IsValidPortName`: error strings, empty if valid.
pub fn port_name(n: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if n.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if !n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !n.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if n.contains("--") {
        errs.push("must not contain consecutive hyphens (-)".to_string());
    }
    if n.starts_with('-') || n.ends_with('-') {
        errs.push("must not begin or end with a hyphen (-)".to_string());
    }
    errs
}

pub(crate) fn selector_mismatch(labels: &Labels) -> Cause {
    let body = labels
        .iter()
        .map(|(k, v)| format!("{k:?}:{v:?}"))
        .collect::<Vec<_>>()
        .join(",");
    field::invalid(
        "spec.template.metadata.labels",
        format!("{{{body}}}"),
        "`selector` does not match template `labels`",
    )
}

pub(crate) fn validate_pod_spec(spec: &PodSpec, path: &str, causes: &mut Vec<Cause>) {
    if spec.containers.is_empty() {
        causes.push(field::required(&format!("{path}.containers"), ""));
    }
    let mut names = std::collections::HashSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{path}.containers[{i}]");
        validate_container_common(spec, c, &p, causes);
        if !c.name.is_empty() && !names.insert(c.name.clone()) {
            causes.push(field::duplicate(&format!("{p}.name"), &c.name));
        }
    }
    if let Some(rp) = spec.restart_policy.as_deref() {
        if !matches!(rp, "Always" | "OnFailure" | "Never") {
            causes.push(field::not_supported(
                &format!("{path}.restartPolicy"),
                rp,
                &["Always", "OnFailure", "Never"],
            ));
        }
    }
    if let Some(g) = spec.termination_grace_period_seconds {
        if g < 0 {
            causes.push(field::invalid(
                &format!("{path}.terminationGracePeriodSeconds"),
                g,
                "must be greater than or equal to 0",
            ));
        }
    }
    for field_name in ["hostname", "subdomain"] {
        let v = if field_name == "hostname" {
            &spec.hostname
        } else {
            &spec.subdomain
        };
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            for e in dns1123_label(v) {
                causes.push(field::invalid(
                    &format!("{path}.{field_name}"),
                    quoted(v),
                    &e,
                ));
            }
        }
    }
}

/// `validateEphemeralContainers` (what every container is checked for, a name unique across
/// all the pod's containers, a target that is an app or init container, none of the fields an
/// ephemeral container may not have), then part 2 of `ValidatePodEphemeralContainersUpdate`:
/// those `old` had are neither removed nor changed.
pub(crate) fn validate_ephemeral_containers(
    spec: &PodSpec,
    old: &[EphemeralContainer],
    causes: &mut Vec<Cause>,
) {
    let path = "spec.ephemeralContainers";
    let others: std::collections::HashSet<&str> = spec
        .containers
        .iter()
        .chain(&spec.init_containers)
        .map(|c| c.name.as_str())
        .collect();
    let mut all = others.clone();
    for (i, ec) in spec.ephemeral_containers.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let c = &ec.container;
        validate_container_common(spec, c, &p, causes);
        if !all.insert(c.name.as_str()) {
            causes.push(field::duplicate(&format!("{p}.name"), &c.name));
        }
        if let Some(t) = c.target_container_name.as_deref().filter(|t| !t.is_empty()) {
            if !others.contains(t) {
                causes.push(field::not_found(&format!("{p}.targetContainerName"), t));
            }
        }
        // `validateFieldAllowList`, in the Go struct's field order.
        let empty_object = |v: &Option<Value>| {
            v.as_ref()
                .is_none_or(|v| v.as_object().is_some_and(|m| m.is_empty()))
        };
        let forbidden = [
            ("ports", !c.ports.is_empty()),
            ("resources", !empty_object(&c.resources)),
            ("resizePolicy", c.resize_policy.is_some()),
            ("restartPolicy", c.restart_policy.is_some()),
            ("livenessProbe", c.liveness_probe.is_some()),
            ("readinessProbe", c.readiness_probe.is_some()),
            ("startupProbe", c.startup_probe.is_some()),
            ("lifecycle", c.lifecycle.is_some()),
        ];
        for (name, set) in forbidden {
            if set {
                causes.push(field::forbidden(
                    &format!("{p}.{name}"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
        for (j, m) in c.volume_mounts.iter().enumerate() {
            for (name, v) in [("subPath", &m.sub_path), ("subPathExpr", &m.sub_path_expr)] {
                if v.as_deref().is_some_and(|v| !v.is_empty()) {
                    causes.push(field::forbidden(
                        &format!("{p}.volumeMounts[{j}].{name}"),
                        "cannot be set for an Ephemeral Container",
                    ));
                }
            }
        }
    }
    for o in old {
        let name = &o.container.name;
        match spec
            .ephemeral_containers
            .iter()
            .find(|n| &n.container.name == name)
        {
            None => causes.push(field::forbidden(
                path,
                &format!("existing ephemeral containers {name:?} may not be removed\n"),
            )),
            Some(n) if n != o => causes.push(field::forbidden(
                path,
                &format!("existing ephemeral containers {name:?} may not be changed\n"),
            )),
            Some(_) => {}
        }
    }
}

/// `validateContainerCommon`'s checks the playground models: name, image, ports, mounts.
fn validate_container_common(spec: &PodSpec, c: &Container, p: &str, causes: &mut Vec<Cause>) {
    {
        if c.name.is_empty() {
            causes.push(field::required(&format!("{p}.name"), ""));
        } else {
            for e in dns1123_label(&c.name) {
                causes.push(field::invalid(&format!("{p}.name"), quoted(&c.name), &e));
            }
        }
        if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
            causes.push(field::required(&format!("{p}.image"), ""));
        }
        let mut port_names = std::collections::HashSet::new();
        for (j, port) in c.ports.iter().enumerate() {
            if let Some(n) = port.name.as_deref().filter(|n| !n.is_empty()) {
                for e in port_name(n) {
                    causes.push(field::invalid(
                        &format!("{p}.ports[{j}].name"),
                        quoted(n),
                        &e,
                    ));
                }
                if !port_names.insert(n.to_string()) {
                    causes.push(field::duplicate(&format!("{p}.ports[{j}].name"), n));
                }
            }
            if !(1..=65535).contains(&port.container_port) {
                causes.push(field::invalid(
                    &format!("{p}.ports[{j}].containerPort"),
                    port.container_port,
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        for (j, m) in c.volume_mounts.iter().enumerate() {
            if !spec.volumes.iter().any(|v| v.name == m.name) && !m.name.is_empty() {
                // A StatefulSet's claim-template volumes are added by its controller (its
                // template is not validated here); a pod's and a ReplicaSet's template must
                // name volumes they have.
                causes.push(field::not_found(
                    &format!("{p}.volumeMounts[{j}].name"),
                    &m.name,
                ));
            }
            if m.mount_path.is_empty() {
                causes.push(field::required(
                    &format!("{p}.volumeMounts[{j}].mountPath"),
                    "",
                ));
            }
        }
    }
}

pub(crate) fn validate_service(s: &Service, causes: &mut Vec<Cause>) {
    let headless = s.is_headless();
    if s.spec.ports.is_empty() && !headless && s.spec.type_.as_deref() != Some("ExternalName") {
        causes.push(field::required("spec.ports", ""));
    }
    if s.spec.type_.as_deref() == Some("ExternalName") {
        // The value (a CNAME) may end with a dot.
        let cname = s.spec.external_name.as_deref().unwrap_or("");
        let cname = cname.strip_suffix('.').unwrap_or(cname);
        if cname.is_empty() {
            causes.push(field::required("spec.externalName", ""));
        }
        for e in dns1123_subdomain(cname)
            .into_iter()
            .filter(|_| !cname.is_empty())
        {
            causes.push(field::invalid("spec.externalName", quoted(cname), &e));
        }
    }
    let mut names = std::collections::HashSet::new();
    for (i, p) in s.spec.ports.iter().enumerate() {
        if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
            for e in dns1123_label(n) {
                causes.push(field::invalid(
                    &format!("spec.ports[{i}].name"),
                    quoted(n),
                    &e,
                ));
            }
        }
        if !(1..=65535).contains(&p.port) {
            causes.push(field::invalid(
                &format!("spec.ports[{i}].port"),
                p.port,
                "must be between 1 and 65535, inclusive",
            ));
        }
        if s.spec.ports.len() > 1 && p.name.as_deref().unwrap_or("").is_empty() {
            causes.push(field::required(&format!("spec.ports[{i}].name"), ""));
        }
        if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
            if !names.insert(n.to_string()) {
                causes.push(field::duplicate(&format!("spec.ports[{i}].name"), n));
            }
        }
    }
    validate_labels(&s.spec.selector, "spec.selector", causes);
    if let Some(t) = s.spec.type_.as_deref() {
        if !matches!(
            t,
            "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
        ) {
            causes.push(field::not_supported(
                "spec.type",
                t,
                &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
            ));
        }
    }
}

pub(crate) fn validate_pvc_spec(spec: &PvcSpec, path: &str, causes: &mut Vec<Cause>) {
    if spec.access_modes.is_empty() {
        causes.push(field::required(
            &format!("{path}.accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for m in &spec.access_modes {
        if !matches!(
            m.as_str(),
            "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod"
        ) {
            causes.push(field::not_supported(
                &format!("{path}.accessModes"),
                m,
                &[
                    "ReadOnlyMany",
                    "ReadWriteMany",
                    "ReadWriteOnce",
                    "ReadWriteOncePod",
                ],
            ));
        }
    }
    match spec.resources.requests.get("storage") {
        None => causes.push(field::required(&format!("{path}.resources[storage]"), "")),
        // Text that is not a quantity never gets here (decoding refuses it).
        Some(q)
            if q.trim_start().starts_with('-') || crate::quantity::parse_bytes(q) == Some(0) =>
        {
            causes.push(field::invalid(
                &format!("{path}.resources[storage]"),
                quoted(q),
                "must be greater than zero",
            ))
        }
        Some(_) => {}
    }
}

/// `IsConfigMapKey`: error strings, empty if valid.
pub fn config_map_key(k: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if k.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string());
    }
    if k == "." {
        errs.push("must not be '.'".to_string());
    } else if k == ".." {
        errs.push("must not be '..'".to_string());
    } else if k.starts_with("..") {
        errs.push("must not start with '..'".to_string());
    }
    errs
}

/// Go's `json.Unmarshal` into a map, for the docker config secrets: the error text, if any.
fn go_json_object_error(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(_)) => None,
        Ok(other) => Some(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            }
        )),
        Err(e) if e.is_eof() => Some("unexpected end of JSON input".into()),
        Err(_) if text.trim_start().starts_with(['n', 't', 'f']) => {
            // Go's scanner reads a literal letter by letter.
            let t = text.trim_start();
            let lit = ["null", "true", "false"]
                .into_iter()
                .find(|l| l.starts_with(&t[..1]))
                .unwrap_or("null");
            match t.chars().zip(lit.chars()).find(|(a, b)| a != b) {
                Some((got, want)) => Some(format!(
                    "invalid character '{got}' in literal {lit} (expecting '{want}')"
                )),
                None if t.len() < lit.len() => Some("unexpected end of JSON input".into()),
                None => {
                    let c = t[lit.len()..].trim_start().chars().next().unwrap_or(' ');
                    Some(format!("invalid character '{c}' after top-level value"))
                }
            }
        }
        Err(e) => {
            let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
            let c = line
                .chars()
                .nth(e.column().saturating_sub(1))
                .or_else(|| text.trim_start().chars().next())
                .unwrap_or(' ');
            let first = text.trim_start().starts_with(c);
            Some(if first {
                format!("invalid character '{c}' looking for beginning of value")
            } else {
                format!("invalid character '{c}' after top-level value")
            })
        }
    }
}

/// `ValidateSecret`: keys, total size, and what each type requires. `stringData` counts as
/// data (the API server merges it first).
pub(crate) fn validate_secret(s: &Secret, causes: &mut Vec<Cause>) {
    let mut data: std::collections::BTreeMap<&str, Vec<u8>> = s
        .data
        .iter()
        .map(|(k, v)| (k.as_str(), crate::base64::decode(v).unwrap_or_default()))
        .collect();
    for (k, v) in &s.string_data {
        data.insert(k, v.as_bytes().to_vec());
    }
    let mut total = 0;
    for (k, v) in &data {
        for e in config_map_key(k) {
            causes.push(field::invalid(&format!("data[{k}]"), quoted(k), &e));
        }
        total += v.len();
    }
    if total > 1024 * 1024 {
        causes.push(field::too_long("data", 1024 * 1024));
    }
    let required = |key: &str, causes: &mut Vec<Cause>| {
        if !data.contains_key(key) {
            causes.push(field::required(&format!("data[{key}]"), ""));
            false
        } else {
            true
        }
    };
    match s.type_.as_deref().unwrap_or("Opaque") {
        t @ ("kubernetes.io/dockerconfigjson" | "kubernetes.io/dockercfg") => {
            let key = if t == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            if required(key, causes) {
                if let Some(e) = go_json_object_error(&data[key]) {
                    causes.push(field::invalid(
                        &format!("data[{key}]"),
                        "\"<secret contents redacted>\"",
                        &e,
                    ));
                }
            }
        }
        "kubernetes.io/basic-auth"
            if !data.contains_key("username") && !data.contains_key("password") =>
        {
            causes.push(field::required("data[username]", ""));
            causes.push(field::required("data[password]", ""));
        }
        "kubernetes.io/ssh-auth" => {
            required("ssh-privatekey", causes);
        }
        "kubernetes.io/tls" => {
            required("tls.crt", causes);
            required("tls.key", causes);
        }
        "kubernetes.io/service-account-token"
            if !s
                .metadata
                .annotations
                .contains_key("kubernetes.io/service-account.name") =>
        {
            causes.push(field::required(
                "metadata.annotations[kubernetes.io/service-account.name]",
                "",
            ));
        }
        _ => {}
    }
}

// ------------------------------------------------------------------ update

/// `NormalizeClusterIPs` then `validateClusterIPsUpdate`: a changed `clusterIP` (singular)
/// becomes the first of `clusterIPs`, and no address may change once set.
pub(crate) fn validate_cluster_ips_update(o: &Service, n: &Service, causes: &mut Vec<Cause>) {
    let external = |s: &Service| s.spec.type_.as_deref() == Some("ExternalName");
    if external(o) || external(n) {
        return;
    }
    let mut ips = n.spec.cluster_ips.clone();
    if o.spec.cluster_ip != n.spec.cluster_ip && o.spec.cluster_ips == n.spec.cluster_ips {
        match n.spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
            None => ips.clear(),
            Some(ip) if ips.is_empty() => ips.push(ip.to_string()),
            Some(ip) => ips[0] = ip.to_string(),
        }
    }
    let headless = |ips: &[String]| ips.first().is_some_and(|ip| ip == "None");
    if headless(&o.spec.cluster_ips) && headless(&ips) {
        return;
    }
    let shown = serde_json::to_string(&ips).unwrap_or_default();
    let old = &o.spec.cluster_ips;
    if old.len() == ips.len() {
        for (i, ip) in old.iter().enumerate() {
            if *ip != ips[i] {
                causes.push(field::invalid(
                    &format!("spec.clusterIPs[{i}]"),
                    &shown,
                    "may not change once set",
                ));
            }
        }
    } else if old.len() > ips.len() {
        if ips.is_empty() {
            causes.push(field::invalid(
                "spec.clusterIPs[0]",
                &shown,
                "primary clusterIP can not be unset",
            ));
        } else if !old.is_empty() && old[0] != ips[0] {
            causes.push(field::invalid(
                "spec.clusterIPs[0]",
                &shown,
                "may not change once set",
            ));
        }
    } else if !old.is_empty() && old[0] != ips[0] {
        causes.push(field::invalid(
            "spec.clusterIPs[0]",
            &shown,
            "may not change once set",
        ));
    }
}

/// Whether the update changes anything but metadata and status.
pub fn spec_changed(old: &Object, new: &Object) -> bool {
    spec_of(old) != spec_of(new)
}

fn spec_of(o: &Object) -> Value {
    let mut v = o.to_value();
    if let Value::Object(m) = &mut v {
        m.remove("metadata");
        m.remove("status");
    }
    v
}

pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    validate_meta(new.kind(), new.meta(), &mut causes);
    new.validate_update(old, &mut causes)?;
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(new.kind(), new.name(), causes))
    }
}

fn storage_request(s: &PvcSpec) -> Option<u128> {
    s.resources
        .requests
        .get("storage")
        .and_then(|q| crate::quantity::parse_bytes(q))
}

/// `ValidatePersistentVolumeClaimUpdate`: the spec is immutable except a bound claim's storage
/// request (and volumeAttributesClassName); `volumeName` and `storageClassName` may be set once.
pub(crate) fn validate_pvc_update(
    o: &PersistentVolumeClaim,
    n: &PersistentVolumeClaim,
    causes: &mut Vec<Cause>,
) {
    let bound = n.status.phase.as_deref() == Some("Bound");
    let old = o.spec.clone();
    let mut new = n.spec.clone();
    if old.volume_name.as_deref().unwrap_or("").is_empty() {
        new.volume_name = old.volume_name.clone();
    }
    if old.storage_class_name.is_none() {
        new.storage_class_name = None;
    }
    if bound {
        new.volume_attributes_class_name = old.volume_attributes_class_name.clone();
        match old.resources.requests.get("storage") {
            Some(q) => new.resources.requests.insert("storage".into(), q.clone()),
            None => new.resources.requests.remove("storage"),
        };
    }
    let same_storage = storage_request(&old) == storage_request(&new);
    let mut a = old.clone();
    let mut b = new.clone();
    if same_storage {
        a.resources.requests.remove("storage");
        b.resources.requests.remove("storage");
    }
    if a != b {
        causes.push(field::forbidden(
            "spec",
            &format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                pvc_spec_diff(&old, &new)
            ),
        ));
    } else if bound && storage_request(&n.spec) < storage_request(&o.spec) {
        causes.push(field::forbidden(
            "spec.resources.requests.storage",
            "field can not be less than previous value",
        ));
    }
}

/// `cmp.Diff(old, new)` of two claim specs, in go-cmp's layout (one line per field up to the
/// last change, changed fields as `-`/`+` pairs, the rest elided).
pub fn pvc_spec_diff(old: &PvcSpec, new: &PvcSpec) -> String {
    fn quantity(q: &str) -> String {
        let format = if q.ends_with('i') {
            "BinarySI"
        } else {
            "DecimalSI"
        };
        format!("{{i: {{...}}, s: {q:?}, Format: {format:?}}}")
    }
    fn opt(v: &Option<String>) -> String {
        v.as_ref().map_or("nil".into(), |s| format!("&{s:?}"))
    }
    // (name, value as a changed line shows it, value as a context line shows it)
    let fields = |s: &PvcSpec| -> Vec<(&'static str, String, String)> {
        let modes = s
            .access_modes
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (modes_full, modes_short) = if s.access_modes.is_empty() {
            ("nil".to_string(), "nil".to_string())
        } else {
            (
                format!("[]core.PersistentVolumeAccessMode{{{modes}}}"),
                format!("{{{modes}}}"),
            )
        };
        let requests = s
            .resources
            .requests
            .iter()
            .map(|(k, v)| format!("s{k:?}: {}", quantity(v)))
            .collect::<Vec<_>>()
            .join(", ");
        let resources = if requests.is_empty() {
            "{}".to_string()
        } else {
            format!("{{Requests: {{{requests}}}}}")
        };
        let raw =
            |v: &Option<serde_json::Value>| if v.is_some() { "&{...}" } else { "nil" }.to_string();
        let selector = if s.selector.is_some() {
            "&{...}"
        } else {
            "nil"
        }
        .to_string();
        vec![
            ("AccessModes", modes_full, modes_short),
            ("Selector", selector.clone(), selector),
            (
                "Resources",
                format!("core.VolumeResourceRequirements{resources}"),
                resources,
            ),
            (
                "VolumeName",
                format!("{:?}", s.volume_name.as_deref().unwrap_or("")),
                format!("{:?}", s.volume_name.as_deref().unwrap_or("")),
            ),
            (
                "StorageClassName",
                opt(&s.storage_class_name),
                opt(&s.storage_class_name),
            ),
            ("VolumeMode", opt(&s.volume_mode), opt(&s.volume_mode)),
            ("DataSource", raw(&s.data_source), raw(&s.data_source)),
            (
                "DataSourceRef",
                raw(&s.data_source_ref),
                raw(&s.data_source_ref),
            ),
            (
                "VolumeAttributesClassName",
                opt(&s.volume_attributes_class_name),
                opt(&s.volume_attributes_class_name),
            ),
        ]
    };
    let (a, b) = (fields(old), fields(new));
    let last = (0..a.len()).rev().find(|&i| a[i].1 != b[i].1).unwrap_or(0);
    let width = a[..=last].iter().map(|f| f.0.len()).max().unwrap_or(0) + 1;
    let mut out = String::from("  core.PersistentVolumeClaimSpec{\n");
    for i in 0..=last {
        let name = format!("{}:", a[i].0);
        if a[i].1 == b[i].1 {
            out.push_str(&format!("  \t{name:<width$} {},\n", a[i].2, width = width));
        } else {
            out.push_str(&format!("- \t{name:<width$} {},\n", a[i].1, width = width));
            out.push_str(&format!("+ \t{name:<width$} {},\n", b[i].1, width = width));
        }
    }
    let rest = a.len() - last - 1;
    if rest > 0 {
        out.push_str(&format!("  \t... // {rest} identical fields\n"));
    }
    out.push_str("  }\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(dns1123_label("web").is_empty());
        assert!(!dns1123_label("Web").is_empty());
        assert!(!dns1123_label("-web").is_empty());
        assert!(!dns1123_label(&"a".repeat(64)).is_empty());
        assert!(dns1123_subdomain("a.b-c").is_empty());
        assert!(!dns1123_subdomain("a..b").is_empty());
        assert!(dns1035_label("nginx").is_empty());
        assert!(!dns1035_label("1nginx").is_empty());
    }
}
