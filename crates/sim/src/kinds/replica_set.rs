//! The ReplicaSet kind (apps/v1), and the validation it shares with Deployment
//! (`ValidatePodTemplateSpecForReplicaSet`, the selector checks, the printer's cells).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission::{self, MAX_REPLICAS};
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::time::Time;

impl KindDef for ReplicaSet {
    const REST: Rest = Rest(
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        &["rs"],
        NAMESPACED,
    );
    const GENERATION: bool = true;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_rs_defaults,
        validate_create: validate_rs,
        validate_update: validate_rs_update,
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

    /// `printReplicaSet`.
    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let mut r = vec![
            name,
            self.replicas().to_string(),
            self.status.replicas.to_string(),
            self.status.ready_replicas.to_string(),
            age(now, self.metadata.creation_timestamp),
        ];
        if wide {
            let (names, images) = container_cells(&self.spec.template.spec.containers);
            r.push(names);
            r.push(images);
            // `metav1.FormatLabelSelector`: `<none>` for an empty selector.
            r.push(or_none(selector_string(self.spec.selector.as_ref())));
        }
        r
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

/// `layoutContainerCells`: the template's container names and images, comma-separated.
pub(crate) fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// `labels.Selector.String()` of `LabelSelectorAsSelector`: every requirement sorted by key
/// (matchLabels as `k=v`), values sorted; empty for an empty selector (and a missing one).
pub(crate) fn selector_string(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else {
        return String::new();
    };
    let mut reqs: Vec<(&str, String)> = sel
        .match_labels
        .iter()
        .map(|(k, v)| (k.as_str(), format!("{k}={v}")))
        .collect();
    for e in &sel.match_expressions {
        let mut values = e.values.clone();
        crate::sort::sort(&mut values);
        let values = values.join(",");
        let k = &e.key;
        reqs.push((
            k.as_str(),
            match e.operator.as_str() {
                "In" => format!("{k} in ({values})"),
                "NotIn" => format!("{k} notin ({values})"),
                "Exists" => k.clone(),
                _ => format!("!{k}"),
            },
        ));
    }
    // A stable sort by key, as `sort.Sort(ByKey(...))` leaves equal keys in practice.
    crate::sort::sort_by(&mut reqs, |a, b| a.0.cmp(b.0));
    reqs.into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join(",")
}

fn set_rs_defaults(rs: &mut ReplicaSet) {
    rs.spec.replicas.get_or_insert(1);
    admission::default_pod_spec(&mut rs.spec.template.spec);
}

/// `ValidateReplicaSetSpec`.
fn validate_rs_spec(spec: &ReplicaSetSpec, causes: &mut Vec<Cause>) {
    let replicas = spec.replicas.unwrap_or(1);
    nonnegative("spec.replicas", replicas as i64, causes);
    nonnegative(
        "spec.minReadySeconds",
        spec.min_ready_seconds as i64,
        causes,
    );
    validate_selector_and_template(spec.selector.as_ref(), &spec.template, causes);
}

/// A label map as Go's `%#v` prints it, which is how a v1.33 API server shows a composite bad
/// value (`field.Error.ErrorBody`; v1.34 switched to JSON).
pub(crate) fn go_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        return "map[string]string(nil)".into();
    }
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{}:{}", admission::quoted(k), admission::quoted(v)))
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// A `metav1.LabelSelector` as Go's `%#v` prints it.
pub(crate) fn go_selector(sel: &LabelSelector) -> String {
    let exprs = if sel.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = sel
            .match_expressions
            .iter()
            .map(|e| {
                let values = if e.values.is_empty() {
                    "[]string(nil)".to_string()
                } else {
                    let v: Vec<String> = e.values.iter().map(|v| admission::quoted(v)).collect();
                    format!("[]string{{{}}}", v.join(", "))
                };
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                    admission::quoted(&e.key),
                    admission::quoted(&e.operator)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_labels(&sel.match_labels)
    )
}

/// `ValidateNonnegativeField`.
pub(crate) fn nonnegative(path: &str, v: i64, causes: &mut Vec<Cause>) {
    if v < 0 {
        causes.push(field::invalid(
            path,
            v,
            "must be greater than or equal to 0",
        ));
    }
}

/// The selector checks of `ValidateReplicaSetSpec`/`ValidateDeploymentSpec`, then
/// `ValidatePodTemplateSpecForReplicaSet` if the selector converts (`LabelSelectorAsSelector`).
pub(crate) fn validate_selector_and_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    causes: &mut Vec<Cause>,
) {
    let mut converts = true;
    match selector {
        None => causes.push(field::required("spec.selector", "")),
        Some(sel) => {
            let before = causes.len();
            admission::validate_label_selector(sel, "spec.selector", causes);
            converts = causes.len() == before;
            if sel.is_empty() {
                causes.push(field::invalid(
                    "spec.selector",
                    go_selector(sel),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    if !converts {
        let v = selector.map(go_selector).unwrap_or_default();
        causes.push(field::invalid("spec.selector", v, "invalid label selector"));
        return;
    }
    // A missing selector converts to `labels.Nothing()`, which matches nothing; an empty one
    // to `labels.Everything()`, which is not compared.
    let labels = &template.metadata.labels;
    let matches = match selector {
        None => false,
        Some(sel) => sel.is_empty() || sel.matches(labels),
    };
    if !matches {
        causes.push(field::invalid(
            "spec.template.metadata.labels",
            go_labels(labels),
            "`selector` does not match template `labels`",
        ));
    }
    // `ValidatePodTemplateSpec`.
    admission::validate_labels(labels, "spec.template.labels", causes);
    admission::validate_annotations(
        &template.metadata.annotations,
        "spec.template.annotations",
        causes,
    );
    admission::validate_pod_spec(&template.spec, "spec.template.spec", causes);
    let restart = template.spec.restart_policy.as_deref().unwrap_or("Always");
    if restart != "Always" {
        causes.push(field::not_supported(
            "spec.template.spec.restartPolicy",
            restart,
            &["Always"],
        ));
    }
    if template.spec.active_deadline_seconds.is_some() {
        causes.push(field::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
}

/// The selector of an apps/v1 ReplicaSet or Deployment cannot change (the registry's
/// `ValidateUpdate`, `ValidateImmutableField`).
pub(crate) fn immutable_selector(
    new: Option<&LabelSelector>,
    old: Option<&LabelSelector>,
    causes: &mut Vec<Cause>,
) {
    if new != old {
        let v = match new {
            Some(s) => go_selector(s),
            None => "null".into(),
        };
        causes.push(field::invalid("spec.selector", v, "field is immutable"));
    }
}

fn validate_rs(rs: &ReplicaSet, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    validate_rs_spec(&rs.spec, causes);
    if causes.is_empty() && rs.replicas() > MAX_REPLICAS {
        return Err(admission::replica_limit(
            Kind::ReplicaSet,
            rs.replicas(),
            &rs.metadata.name,
        ));
    }
    Ok(())
}

fn validate_rs_update(
    n: &ReplicaSet,
    o: &ReplicaSet,
    causes: &mut Vec<Cause>,
) -> Result<(), ApiError> {
    validate_rs_spec(&n.spec, causes);
    immutable_selector(n.spec.selector.as_ref(), o.spec.selector.as_ref(), causes);
    if causes.is_empty() && n.replicas() > MAX_REPLICAS && n.replicas() != o.replicas() {
        return Err(admission::replica_limit(
            Kind::ReplicaSet,
            n.replicas(),
            &n.metadata.name,
        ));
    }
    Ok(())
}
