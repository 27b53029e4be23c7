//! Helpers shared by the scenario tests.

use ordinal_sim::api::*;
use ordinal_sim::Cluster;

pub const WEB_YAML: &str = include_str!("../../../../examples/web.yaml");
pub const K8S_WEB_YAML: &str = include_str!("../../../../examples/k8s-io-web.yaml");
#[allow(dead_code)]
pub const K8S_WEB_PARALLEL_YAML: &str =
    include_str!("../../../../examples/k8s-io-web-parallel.yaml");

pub fn apply(c: &mut Cluster, yaml: &str) {
    for r in c.apply_yaml(yaml, "default").expect("manifest parses") {
        r.expect("object applies");
    }
}

pub fn pod<'a>(c: &'a Cluster, name: &str) -> Option<&'a Pod> {
    c.get_as::<Pod>("default", name)
}

/// `STATUS` as kubectl prints it, enough for these tests.
pub fn status(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    for cs in p.status.container_statuses.iter().rev() {
        if let Some(w) = &cs.state.waiting {
            if let Some(r) = &w.reason {
                return r.clone();
            }
        }
    }
    p.phase().to_string()
}

pub fn pod_names(c: &Cluster) -> Vec<String> {
    c.list_as::<Pod>(Some("default"))
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect()
}

pub fn claim_names(c: &Cluster) -> Vec<String> {
    c.list_as::<PersistentVolumeClaim>(Some("default"))
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect()
}

/// Creates the docker-registry secret the tutorial's private image needs.
pub fn create_registry_secret(c: &mut Cluster) {
    let auth = ordinal_sim::base64::encode(b"xxx@xx.com:xxxx");
    let cfg = format!(
        r#"{{"auths":{{"registry.cn-hangzhou.aliyuncs.com":{{"username":"xxx@xx.com","password":"xxxx","auth":"{auth}"}}}}}}"#
    );
    let secret = Secret {
        metadata: ObjectMeta::named("default", "registry-secret-aliyun"),
        type_: Some("kubernetes.io/dockerconfigjson".into()),
        data: [(
            ".dockerconfigjson".to_string(),
            ordinal_sim::base64::encode(cfg.as_bytes()),
        )]
        .into(),
        ..Default::default()
    };
    c.create(secret.into()).expect("secret created");
}

/// Advances in small steps until `cond` holds, failing after `limit_ms` of simulated time.
pub fn wait_until(
    c: &mut Cluster,
    limit_ms: u64,
    what: &str,
    mut cond: impl FnMut(&Cluster) -> bool,
) {
    let start = c.now();
    while !cond(c) {
        assert!(
            c.now().since(start) <= limit_ms,
            "timed out after {limit_ms} ms waiting for {what}; pods: {:?}",
            pod_names(c)
        );
        c.advance(100);
    }
}

pub fn ready(c: &Cluster, name: &str) -> bool {
    pod(c, name).is_some_and(|p| p.is_running_and_ready() && !p.is_terminating())
}
