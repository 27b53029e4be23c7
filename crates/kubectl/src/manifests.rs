//! Files and URLs that `-f` can name: the terminal's own files, and built-in copies of the
//! manifests the tutorials fetch from kubernetes.io (the playground is offline).

/// Where `-f` reads from (the CLI: the disk; the browser: the editor's buffer and saved files).
pub trait Files {
    fn read(&self, path: &str) -> Result<String, String>;
    /// The names directly inside a directory, sorted; `None` if `path` is no directory
    /// (`kubectl cp` copies directories; `ls` lists them).
    fn dir(&self, path: &str) -> Option<Vec<String>> {
        let _ = path;
        None
    }
    /// The data `kubectl explain` reads (`web/explain/explain.json`); `None` until it has loaded.
    fn explain_data(&self) -> Option<&str> {
        None
    }
}

pub const TUTORIAL_WEB_YAML: &str = include_str!("../../../examples/web.yaml");
pub const K8S_IO_WEB_YAML: &str = include_str!("../../../examples/k8s-io-web.yaml");
pub const K8S_IO_WEB_PARALLEL_YAML: &str =
    include_str!("../../../examples/k8s-io-web-parallel.yaml");
pub const K8S_IO_NGINX_DEPLOYMENT_YAML: &str =
    include_str!("../../../examples/k8s-io-nginx-deployment.yaml");

/// URLs served from built-in copies.
pub fn builtin_url(url: &str) -> Option<&'static str> {
    let u = url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    match u {
        "k8s.io/examples/application/web/web.yaml" | "kubernetes.io/examples/application/web/web.yaml" | "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web.yaml" => Some(K8S_IO_WEB_YAML),
        "k8s.io/examples/application/web/web-parallel.yaml" | "kubernetes.io/examples/application/web/web-parallel.yaml" | "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web-parallel.yaml" => {
            Some(K8S_IO_WEB_PARALLEL_YAML)
        }
        "k8s.io/examples/controllers/nginx-deployment.yaml" | "kubernetes.io/examples/controllers/nginx-deployment.yaml" | "raw.githubusercontent.com/kubernetes/website/main/content/en/examples/controllers/nginx-deployment.yaml" => {
            Some(K8S_IO_NGINX_DEPLOYMENT_YAML)
        }
        _ => None,
    }
}

/// Reads `-f` targets: a URL, `-` (stdin), or a path through `files`.
pub fn read(files: &dyn Files, target: &str, stdin: &str) -> Result<String, String> {
    if target == "-" {
        return Ok(stdin.to_string());
    }
    if target.starts_with("http://") || target.starts_with("https://") {
        return match builtin_url(target) {
            Some(s) => Ok(s.to_string()),
            None => {
                let host = target
                    .split("://")
                    .nth(1)
                    .unwrap_or("")
                    .split('/')
                    .next()
                    .unwrap_or("");
                Err(format!("error: unable to read URL \"{target}\", server reported Get \"{target}\": dial tcp: lookup {host}: no such host (this playground is offline; only the kubernetes.io StatefulSet and Deployment examples are built in)"))
            }
        };
    }
    files
        .read(target)
        .map_err(|_| format!("error: the path \"{target}\" does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kubernetes.io's Deployment example is built in under its three addresses, and is the
    /// Deployment its concept page creates.
    #[test]
    fn the_nginx_deployment_example_is_built_in() {
        for url in [
            "https://k8s.io/examples/controllers/nginx-deployment.yaml",
            "https://kubernetes.io/examples/controllers/nginx-deployment.yaml",
            "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/controllers/nginx-deployment.yaml",
        ] {
            assert_eq!(builtin_url(url), Some(K8S_IO_NGINX_DEPLOYMENT_YAML), "{url}");
        }
        let mut c = ordinal_sim::Cluster::new(1);
        let applied = c
            .apply_yaml(K8S_IO_NGINX_DEPLOYMENT_YAML, "default")
            .unwrap();
        assert!(applied.iter().all(Result::is_ok));
        let d = c
            .get_as::<ordinal_sim::api::Deployment>("default", "nginx-deployment")
            .unwrap();
        assert_eq!(d.replicas(), 3);
        assert_eq!(
            d.spec.template.spec.containers[0].image.as_deref(),
            Some("nginx:1.14.2")
        );
    }
}
