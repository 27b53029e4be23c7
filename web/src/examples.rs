//! The manifests the editor's Examples menu offers (and lessons open by id): the lesson's
//! web.yaml, kubernetes.io's two StatefulSet examples and its nginx Deployment, as `ordinal-kubectl` ships them.

#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Example {
    Tutorial,
    K8sIoWeb,
    K8sIoWebParallel,
    K8sIoNginxDeployment,
}

impl Example {
    pub const ALL: [Example; 4] = [
        Example::Tutorial,
        Example::K8sIoWeb,
        Example::K8sIoWebParallel,
        Example::K8sIoNginxDeployment,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Example::Tutorial => "tutorial",
            Example::K8sIoWeb => "k8s-io-web",
            Example::K8sIoWebParallel => "k8s-io-web-parallel",
            Example::K8sIoNginxDeployment => "k8s-io-nginx-deployment",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Example::Tutorial => "Lesson: web.yaml",
            Example::K8sIoWeb => "k8s.io: web.yaml",
            Example::K8sIoWebParallel => "k8s.io: web-parallel.yaml",
            Example::K8sIoNginxDeployment => "k8s.io: nginx-deployment.yaml",
        }
    }
    pub fn text(self) -> &'static str {
        use ordinal_kubectl::manifests::*;
        match self {
            Example::Tutorial => TUTORIAL_WEB_YAML,
            Example::K8sIoWeb => K8S_IO_WEB_YAML,
            Example::K8sIoWebParallel => K8S_IO_WEB_PARALLEL_YAML,
            Example::K8sIoNginxDeployment => K8S_IO_NGINX_DEPLOYMENT_YAML,
        }
    }
    pub fn from_id(id: &str) -> Option<Example> {
        Example::ALL.into_iter().find(|e| e.id() == id)
    }
}
