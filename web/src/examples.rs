//! The manifests the editor's Examples menu offers (and lessons open by id): the lesson's
//! web.yaml and kubernetes.io's two StatefulSet examples, as `ordinal-kubectl` ships them.

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Example {
    Tutorial,
    K8sIoWeb,
    K8sIoWebParallel,
}

impl Example {
    pub const ALL: [Example; 3] = [
        Example::Tutorial,
        Example::K8sIoWeb,
        Example::K8sIoWebParallel,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Example::Tutorial => "tutorial",
            Example::K8sIoWeb => "k8s-io-web",
            Example::K8sIoWebParallel => "k8s-io-web-parallel",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Example::Tutorial => "Lesson: web.yaml",
            Example::K8sIoWeb => "k8s.io: web.yaml",
            Example::K8sIoWebParallel => "k8s.io: web-parallel.yaml",
        }
    }
    pub fn text(self) -> &'static str {
        use ordinal_kubectl::manifests::*;
        match self {
            Example::Tutorial => TUTORIAL_WEB_YAML,
            Example::K8sIoWeb => K8S_IO_WEB_YAML,
            Example::K8sIoWebParallel => K8S_IO_WEB_PARALLEL_YAML,
        }
    }
    pub fn from_id(id: &str) -> Option<Example> {
        Example::ALL.into_iter().find(|e| e.id() == id)
    }
}
