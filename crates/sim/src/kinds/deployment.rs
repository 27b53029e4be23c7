//! The Deployment kind (apps/v1): `SetDefaults_Deployment`, `ValidateDeployment` and the
//! registry's update rules (immutable selector, generation on annotation changes), and
//! `printDeployment`.

use super::replica_set::{
    container_cells, immutable_selector, nonnegative, selector_string,
    validate_selector_and_template,
};
use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission::{self, MAX_REPLICAS};
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::time::Time;
use serde_json::{json, Value};

impl KindDef for Deployment {
    const REST: Rest = Rest(
        "apps",
        "v1",
        "deployments",
        "deployment",
        &["deploy"],
        NAMESPACED,
    );
    const GENERATION: bool = true;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_deployment_defaults,
        prepare_update: prepare_deployment_update,
        validate_create: validate_deployment,
        validate_update: validate_deployment_update,
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

    /// `printDeployment`.
    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let s = &self.status;
        let mut r = vec![
            name,
            format!("{}/{}", s.ready_replicas, self.replicas()),
            s.updated_replicas.to_string(),
            s.available_replicas.to_string(),
            age(now, self.metadata.creation_timestamp),
        ];
        if wide {
            let (names, images) = container_cells(&self.spec.template.spec.containers);
            r.push(names);
            r.push(images);
            r.push(selector_string(self.spec.selector.as_ref()));
        }
        r
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

/// `SetDefaults_Deployment`, and the pod template's defaults.
fn set_deployment_defaults(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    let strategy = &mut spec.strategy;
    let t = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if t == "RollingUpdate" {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        ru.max_unavailable.get_or_insert_with(|| json!("25%"));
        ru.max_surge.get_or_insert_with(|| json!("25%"));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    admission::default_pod_spec(&mut spec.template.spec);
}

/// `deploymentStrategy.PrepareForUpdate`: a change of the annotations bumps the generation too,
/// because the controller copies them to the ReplicaSets (a spec change is bumped by the API
/// server's common path).
fn prepare_deployment_update(n: &mut Deployment, o: &Deployment) {
    if n.spec == o.spec && n.metadata.annotations != o.metadata.annotations {
        n.metadata.generation = o.metadata.generation + 1;
    }
}

/// `ValidateDeploymentSpec`.
fn validate_deployment_spec(spec: &DeploymentSpec, causes: &mut Vec<Cause>) {
    nonnegative("spec.replicas", spec.replicas.unwrap_or(1) as i64, causes);
    validate_selector_and_template(spec.selector.as_ref(), &spec.template, causes);
    validate_strategy(&spec.strategy, causes);
    nonnegative(
        "spec.minReadySeconds",
        spec.min_ready_seconds as i64,
        causes,
    );
    if let Some(l) = spec.revision_history_limit {
        nonnegative("spec.revisionHistoryLimit", l as i64, causes);
    }
    if let Some(p) = spec.progress_deadline_seconds {
        nonnegative("spec.progressDeadlineSeconds", p as i64, causes);
        if p <= spec.min_ready_seconds {
            causes.push(field::invalid(
                "spec.progressDeadlineSeconds",
                p,
                "must be greater than minReadySeconds",
            ));
        }
    }
}

/// `ValidateDeploymentStrategy`.
fn validate_strategy(s: &DeploymentStrategy, causes: &mut Vec<Cause>) {
    match s.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if s.rolling_update.is_some() {
                causes.push(field::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &s.rolling_update {
            None => causes.push(field::required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )),
            Some(ru) => validate_rolling_update(ru, causes),
        },
        t => {
            // `field.NotSupported(fldPath, strategy, …)`: the bad value is the whole (internal)
            // strategy, as `%#v` prints it; a pointer shows as an address.
            let ru = if s.rolling_update.is_some() {
                "(*apps.RollingUpdateDeployment)(0xc000a8e2a0)"
            } else {
                "(*apps.RollingUpdateDeployment)(nil)"
            };
            causes.push(Cause {
                field: "spec.strategy".into(),
                message: format!(
                    "Unsupported value: apps.DeploymentStrategy{{Type:{}, RollingUpdate:{ru}}}: supported values: \"Recreate\", \"RollingUpdate\"",
                    admission::quoted(t)
                ),
            });
        }
    }
}

/// An unset `intstr.IntOrString` (the internal type's zero value).
fn int_or_string(v: &Option<Value>) -> Value {
    v.clone().unwrap_or(json!(0))
}

/// An `intstr.IntOrString` as Go's `%#v` prints it (the v1.33 API server's bad value).
fn go_int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            admission::quoted(s)
        ),
        Value::Number(n) => format!(
            "intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}",
            n.as_i64().unwrap_or(0)
        ),
        other => other.to_string(),
    }
}

/// `IsValidPercent`.
fn is_valid_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `getPercentValue`: the percentage of a valid percent string.
fn percent_value(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) if is_valid_percent(s) => {
            Some(s[..s.len() - 1].parse::<i64>().unwrap_or(i64::MAX))
        }
        _ => None,
    }
}

/// `getIntOrPercentValue`: the percentage, or `IntValue()` (a string that is no percentage
/// parses as an int, else 0).
fn int_or_percent_value(v: &Value) -> i64 {
    if let Some(p) = percent_value(v) {
        return p;
    }
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.parse::<i64>().unwrap_or(0),
        _ => 0,
    }
}

/// `ValidatePositiveIntOrPercent`.
fn positive_int_or_percent(path: &str, v: &Value, causes: &mut Vec<Cause>) {
    match v {
        Value::String(s) => {
            if !is_valid_percent(s) {
                causes.push(field::invalid(
                    path,
                    go_int_or_string(v),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
            }
        }
        Value::Number(n) => nonnegative(path, n.as_i64().unwrap_or(0), causes),
        _ => causes.push(field::invalid(
            path,
            go_int_or_string(v),
            "must be an integer or percentage (e.g '5%')",
        )),
    }
}

/// `ValidateRollingUpdateDeployment`.
fn validate_rolling_update(ru: &RollingUpdateDeployment, causes: &mut Vec<Cause>) {
    const UNAVAILABLE: &str = "spec.strategy.rollingUpdate.maxUnavailable";
    const SURGE: &str = "spec.strategy.rollingUpdate.maxSurge";
    let unavailable = int_or_string(&ru.max_unavailable);
    let surge = int_or_string(&ru.max_surge);
    positive_int_or_percent(UNAVAILABLE, &unavailable, causes);
    positive_int_or_percent(SURGE, &surge, causes);
    if int_or_percent_value(&unavailable) == 0 && int_or_percent_value(&surge) == 0 {
        causes.push(field::invalid(
            UNAVAILABLE,
            go_int_or_string(&unavailable),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    if percent_value(&unavailable).is_some_and(|p| p > 100) {
        causes.push(field::invalid(
            UNAVAILABLE,
            go_int_or_string(&unavailable),
            "must not be greater than 100%",
        ));
    }
}

fn validate_deployment(d: &Deployment, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    validate_deployment_spec(&d.spec, causes);
    if causes.is_empty() && d.replicas() > MAX_REPLICAS {
        return Err(admission::replica_limit(
            Kind::Deployment,
            d.replicas(),
            &d.metadata.name,
        ));
    }
    Ok(())
}

fn validate_deployment_update(
    n: &Deployment,
    o: &Deployment,
    causes: &mut Vec<Cause>,
) -> Result<(), ApiError> {
    validate_deployment_spec(&n.spec, causes);
    immutable_selector(n.spec.selector.as_ref(), o.spec.selector.as_ref(), causes);
    if causes.is_empty() && n.replicas() > MAX_REPLICAS && n.replicas() != o.replicas() {
        return Err(admission::replica_limit(
            Kind::Deployment,
            n.replicas(),
            &n.metadata.name,
        ));
    }
    Ok(())
}
