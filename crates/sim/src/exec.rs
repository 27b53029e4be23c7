//! Reaching into a running container: the checks `kubectl exec` meets, and the container's
//! files (its writable layer plus its volume mounts) as one filesystem.

use crate::api::*;
use crate::cluster::Cluster;
use crate::controllers::kubelet::{self, CPhase, ContainerRt, PodRuntime};
use crate::error::ApiError;
use crate::fs::{self, Entry, FsError, Tree};
use crate::images::{self, ImageRef, Process};

#[cfg(test)]
thread_local! {
    /// How many times the kubelet was asked to look at changed files, for tests.
    pub(crate) static FS_LOOKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecError {
    Api(ApiError),
    /// `-c` names no container of the pod.
    NoSuchContainer {
        container: String,
        pod: String,
    },
    /// The container is not running (still creating, or waiting to restart).
    NotRunning {
        container: String,
    },
    /// The pod has finished.
    Completed {
        phase: String,
    },
    /// The runtime could not start the process (e.g. no such program): an internal error.
    StartFailed(String),
    /// The API server cannot reach the kubelet of the pod's node (its machine is stopped).
    NodeUnreachable {
        address: String,
    },
}

impl ExecError {
    /// The line kubectl v1.33 prints for this error. Its exec and attach go over WebSocket to
    /// the API server's stream translator, which reports what fails past the API server (the
    /// kubelet's refusal, the runtime's error, an unreachable node) as an InternalError on the
    /// error channel: `error: Internal error occurred: …` (the runtime's own message already
    /// starts with those words, hence twice).
    pub fn message(&self) -> String {
        match self {
            ExecError::Api(e) => {
                format!("Error from server ({}): {}", e.reason.as_str(), e.message)
            }
            ExecError::NoSuchContainer { container, pod } => format!(
                "Error from server (BadRequest): container {container} is not valid for pod {pod}"
            ),
            ExecError::NotRunning { container } => format!(
                "error: Internal error occurred: unable to upgrade connection: container not found (\"{container}\")"
            ),
            ExecError::Completed { phase } => format!(
                "error: cannot exec into a container in a completed pod; current phase is {phase}"
            ),
            ExecError::StartFailed(why) => format!("error: Internal error occurred: {why}"),
            ExecError::NodeUnreachable { address } => format!(
                "error: Internal error occurred: error dialing backend: dial tcp {address}:10250: connect: no route to host"
            ),
        }
    }
}

/// What an exec session knows about its container.
#[derive(Clone, Debug)]
pub struct ExecTarget {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub hostname: String,
    pub image: String,
    pub has_shell: bool,
    /// The document root if the main process is a web server.
    pub web_root: Option<String>,
    pub env: Vec<(String, String)>,
    /// The processes `ps` shows besides its own shell's: the container's main process, or with
    /// an ephemeral container's `targetContainerName`, the target's (whose PID namespace it
    /// joined), as (PID, user, command).
    pub processes: Vec<(u32, String, String)>,
}

/// Which container of a pod: an app container by index, or an ephemeral one by index.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    App(usize),
    Ephemeral(usize),
}

impl Slot {
    /// The container `name` names (the first app container for none).
    pub(crate) fn find(p: &Pod, name: Option<&str>) -> Option<Slot> {
        let Some(name) = name else {
            return (!p.spec.containers.is_empty()).then_some(Slot::App(0));
        };
        if let Some(i) = p.spec.containers.iter().position(|c| c.name == name) {
            return Some(Slot::App(i));
        }
        p.spec
            .ephemeral_containers
            .iter()
            .position(|c| c.container.name == name)
            .map(Slot::Ephemeral)
    }

    pub(crate) fn spec(self, p: &Pod) -> Option<&Container> {
        match self {
            Slot::App(i) => p.spec.containers.get(i),
            Slot::Ephemeral(i) => p.spec.ephemeral_containers.get(i).map(|e| &e.container),
        }
    }

    pub(crate) fn runtime<'a>(self, p: &Pod, rt: &'a PodRuntime) -> Option<&'a ContainerRt> {
        match self {
            Slot::App(i) => rt.containers.get(i),
            Slot::Ephemeral(_) => {
                let name = &self.spec(p)?.name;
                rt.ephemeral.iter().find(|c| &c.name == name)
            }
        }
    }

    pub(crate) fn runtime_mut<'a>(
        self,
        p: &Pod,
        rt: &'a mut PodRuntime,
    ) -> Option<&'a mut ContainerRt> {
        match self {
            Slot::App(i) => rt.containers.get_mut(i),
            Slot::Ephemeral(_) => {
                let name = &self.spec(p)?.name;
                rt.ephemeral.iter_mut().find(|c| &c.name == name)
            }
        }
    }
}

struct Mount {
    path: String,
    tree: Tree,
    read_only: bool,
    source: MountSource,
}

enum MountSource {
    Disk((String, String)),
    EmptyDir(String),
    Other,
}

/// A container's filesystem for the length of one operation.
pub struct ContainerFs {
    root: Tree,
    mounts: Vec<Mount>,
    /// Something was written: readiness may need another look.
    changed: bool,
}

impl ContainerFs {
    fn resolve(&self, path: &str) -> (Option<usize>, String) {
        let p = fs::normalise(path);
        let mut best: Option<(usize, usize)> = None;
        for (i, m) in self.mounts.iter().enumerate() {
            let mp = fs::normalise(&m.path);
            let inside = p == mp || p.starts_with(&format!("{}/", mp.trim_end_matches('/')));
            if inside && best.is_none_or(|(_, len)| mp.len() > len) {
                best = Some((i, mp.len()));
            }
        }
        match best {
            Some((i, len)) => (Some(i), p[len..].to_string()),
            None => (None, p),
        }
    }

    fn tree(&self, i: Option<usize>) -> &Tree {
        i.map_or(&self.root, |i| &self.mounts[i].tree)
    }

    fn tree_mut(&mut self, i: Option<usize>) -> Result<&mut Tree, FsError> {
        self.changed = true;
        match i {
            None => Ok(&mut self.root),
            Some(i) if self.mounts[i].read_only => Err(FsError::ReadOnly),
            Some(i) => Ok(&mut self.mounts[i].tree),
        }
    }

    pub fn get(&self, path: &str) -> Option<Entry> {
        let (i, rel) = self.resolve(path);
        self.tree(i).get(&rel).cloned()
    }
    pub fn read(&self, path: &str) -> Result<String, FsError> {
        let (i, rel) = self.resolve(path);
        self.tree(i).read(&rel).map(str::to_string)
    }
    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), FsError> {
        let (i, rel) = self.resolve(path);
        self.tree_mut(i)?.write(&rel, content, append)
    }
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        let (i, rel) = self.resolve(path);
        if i.is_some() && rel.trim_matches('/').is_empty() {
            return if parents {
                Ok(())
            } else {
                Err(FsError::Exists)
            };
        }
        self.tree_mut(i)?.mkdir(&rel, parents)
    }
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let (i, rel) = self.resolve(path);
        if i.is_some() && rel.trim_matches('/').is_empty() {
            return Err(FsError::Busy);
        }
        self.tree_mut(i)?.remove(&rel, recursive)
    }
    pub fn list(&self, path: &str) -> Result<Vec<(String, bool)>, FsError> {
        let (i, rel) = self.resolve(path);
        self.tree(i).list(&rel)
    }
    /// Mount points, as `mount` would list the interesting ones.
    pub fn mount_points(&self) -> Vec<String> {
        self.mounts.iter().map(|m| m.path.clone()).collect()
    }
}

impl Cluster {
    /// Checks that `kubectl exec` into this pod/container can proceed: the pod, the index of
    /// the container, and its running process.
    fn exec_check(
        &self,
        ns: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<(&Pod, Slot, Process), ExecError> {
        let p = self
            .get_as::<Pod>(ns, pod)
            .ok_or_else(|| ExecError::Api(ApiError::not_found(Kind::Pod, pod)))?;
        if matches!(p.phase(), "Succeeded" | "Failed") {
            return Err(ExecError::Completed {
                phase: p.phase().to_string(),
            });
        }
        if let Some(node) = p.spec.node_name.as_deref() {
            if !self.node_running(node) {
                let address = self
                    .get_as::<Node>("", node)
                    .and_then(|n| n.internal_ip())
                    .unwrap_or_default()
                    .to_string();
                return Err(ExecError::NodeUnreachable { address });
            }
        }
        let idx = match container {
            None => Slot::App(0),
            Some(c) => Slot::find(p, Some(c)).ok_or_else(|| ExecError::NoSuchContainer {
                container: c.into(),
                pod: pod.into(),
            })?,
        };
        let spec = idx.spec(p).ok_or_else(|| ExecError::NotRunning {
            container: String::new(),
        })?;
        let rt = self
            .kubelet
            .pods
            .get(&p.metadata.uid)
            .and_then(|rt| idx.runtime(p, rt));
        let process = match rt.map(|c| &c.phase) {
            Some(CPhase::Running { .. }) => rt.map(|c| c.process.clone()),
            _ => None,
        };
        let Some(process) = process else {
            return Err(ExecError::NotRunning {
                container: spec.name.clone(),
            });
        };
        Ok((p, idx, process))
    }

    /// Checks that `kubectl exec` into this pod/container can proceed, and describes the target.
    pub fn exec_target(
        &self,
        ns: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<ExecTarget, ExecError> {
        let (p, idx, process) = self.exec_check(ns, pod, container)?;
        let spec = idx.spec(p).ok_or_else(|| ExecError::NotRunning {
            container: String::new(),
        })?;
        let processes = self.processes_seen(p, idx);
        let image = spec.image.clone().unwrap_or_default();
        let has_shell = ImageRef::parse(&image)
            .and_then(|r| images::lookup(&r))
            .is_some_and(|i| i.has_shell());
        let web_root = match process {
            Process::WebServer { root } => Some(root.to_string()),
            _ => None,
        };
        // A pod in the node's network namespace (`hostNetwork`, the node debugger) has the
        // node's hostname.
        let hostname = match p.spec.node_name.as_ref() {
            Some(node) if p.spec.host_network == Some(true) => node.clone(),
            _ => p
                .spec
                .hostname
                .clone()
                .unwrap_or_else(|| p.metadata.name.clone()),
        };
        let mut env: Vec<(String, String)> = vec![
            (
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            ),
            ("HOSTNAME".into(), hostname.clone()),
            ("HOME".into(), "/root".into()),
        ];
        for e in &spec.env {
            env.push((e.name.clone(), e.value.clone().unwrap_or_default()));
        }
        env.push(("KUBERNETES_SERVICE_HOST".into(), "10.96.0.1".into()));
        env.push(("KUBERNETES_SERVICE_PORT".into(), "443".into()));
        Ok(ExecTarget {
            namespace: ns.into(),
            pod: pod.into(),
            container: spec.name.clone(),
            hostname,
            image,
            has_shell,
            web_root,
            env,
            processes,
        })
    }

    /// The processes a container sees besides its shell's (`ps`): its own main process, or
    /// the target's with an ephemeral container's `targetContainerName`.
    fn processes_seen(&self, p: &Pod, idx: Slot) -> Vec<(u32, String, String)> {
        // `shareProcessNamespace`: one namespace for the pod, the sandbox's pause first, then
        // every app container's processes in the order they started.
        if p.spec.share_process_namespace == Some(true) {
            let mut all = vec![(1, "root".to_string(), "/pause".to_string())];
            for i in 0..p.spec.containers.len() {
                let base = all.iter().map(|x| x.0).max().unwrap_or(1) + 6;
                for (pid, user, cmd) in self.main_processes(p, Slot::App(i)) {
                    all.push((base + pid - 1, user, cmd));
                }
            }
            return all;
        }
        let seen = match idx {
            Slot::Ephemeral(i) => p.spec.ephemeral_containers[i]
                .container
                .target_container_name
                .as_deref()
                .and_then(|t| Slot::find(p, Some(t)))
                .unwrap_or(idx),
            Slot::App(_) => idx,
        };
        let mut procs = self.main_processes(p, seen);
        // A debugger that joined another container's namespace: its own shell comes after.
        if seen != idx {
            let next = procs.iter().map(|p| p.0).max().unwrap_or(0) + 1;
            procs.push((next, "root".into(), "sh".into()));
        }
        procs
    }

    /// The processes of a container's own PID namespace, as its main process leaves them.
    fn main_processes(&self, p: &Pod, seen: Slot) -> Vec<(u32, String, String)> {
        let Some(spec) = seen.spec(p) else {
            return Vec::new();
        };
        let running = self
            .kubelet
            .pods
            .get(&p.metadata.uid)
            .and_then(|rt| seen.runtime(p, rt))
            .filter(|c| c.is_running());
        let Some(rt) = running else {
            return Vec::new();
        };
        let argv: Vec<String> = spec.command.iter().chain(&spec.args).cloned().collect();
        match &rt.process {
            Process::WebServer { root } if root.contains("nginx") && argv.is_empty() => vec![
                (
                    1,
                    "root".into(),
                    "nginx: master process nginx -g daemon off;".into(),
                ),
                (29, "101".into(), "nginx: worker process".into()),
            ],
            Process::WebServer { .. } if argv.is_empty() => {
                vec![(1, "root".into(), "httpd -DFOREGROUND".into())]
            }
            Process::Interactive if argv.is_empty() => vec![(1, "root".into(), "sh".into())],
            _ if argv.is_empty() => Vec::new(),
            _ => vec![(1, "root".into(), argv.join(" "))],
        }
    }

    /// Runs `f` over the container's filesystem (writable layer + mounts). Changes to volume
    /// mounts land in the PersistentVolume's directory and outlive the pod.
    pub fn with_container_fs<R>(
        &mut self,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        f: impl FnOnce(&mut ContainerFs) -> R,
    ) -> Result<R, ExecError> {
        let (out, changed) = self.with_container_fs_deferred(ns, pod, container, f)?;
        if changed {
            self.container_fs_changed(ns, pod);
        }
        Ok(out)
    }

    /// [`Cluster::with_container_fs`] without the kubelet's second look: also whether `f`
    /// changed anything, for a caller that makes many changes and then calls
    /// [`Cluster::container_fs_changed`] once.
    pub(crate) fn with_container_fs_deferred<R>(
        &mut self,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        f: impl FnOnce(&mut ContainerFs) -> R,
    ) -> Result<(R, bool), ExecError> {
        enum Source {
            Claim((String, String)),
            EmptyDir(String),
            Other,
        }
        let (p, idx, _) = self.exec_check(ns, pod, container)?;
        let uid = p.metadata.uid.clone();
        let pod_now = p.clone();
        let mut wanted = Vec::new();
        let mounts_of = idx
            .spec(p)
            .map(|c| c.volume_mounts.clone())
            .unwrap_or_default();
        for m in &mounts_of {
            let Some(v) = p.spec.volumes.iter().find(|v| v.name == m.name) else {
                continue;
            };
            let source = if let Some(claim) = &v.persistent_volume_claim {
                match self.disk_key(p, &claim.claim_name) {
                    Some(key) => Source::Claim(key),
                    None => Source::Other,
                }
            } else if v.empty_dir.is_some() {
                Source::EmptyDir(v.name.clone())
            } else {
                Source::Other
            };
            wanted.push((m.mount_path.clone(), m.read_only == Some(true), source));
        }
        let mut mounts = Vec::new();
        for (path, read_only, source) in wanted {
            let (tree, source) = match source {
                Source::Claim(key) => (
                    self.disks.dirs.remove(&key).unwrap_or_default(),
                    MountSource::Disk(key),
                ),
                Source::EmptyDir(name) => {
                    let t = self
                        .kubelet
                        .pods
                        .get_mut(&uid)
                        .and_then(|rt| rt.empty_dirs.remove(&name))
                        .unwrap_or_default();
                    (t, MountSource::EmptyDir(name))
                }
                Source::Other => (Tree::default(), MountSource::Other),
            };
            mounts.push(Mount {
                path,
                tree,
                read_only,
                source,
            });
        }
        let root = self
            .kubelet
            .pods
            .get_mut(&uid)
            .and_then(|rt| idx.runtime_mut(&pod_now, rt))
            .map(|c| std::mem::take(&mut c.layer))
            .unwrap_or_default();
        let mut cfs = ContainerFs {
            root,
            mounts,
            changed: false,
        };
        let out = f(&mut cfs);
        let changed = cfs.changed;
        if let Some(c) = self
            .kubelet
            .pods
            .get_mut(&uid)
            .and_then(|rt| idx.runtime_mut(&pod_now, rt))
        {
            c.layer = cfs.root;
        }
        for m in cfs.mounts {
            match m.source {
                MountSource::Disk(key) => {
                    self.disks.dirs.insert(key, m.tree);
                }
                MountSource::EmptyDir(name) => {
                    if let Some(rt) = self.kubelet.pods.get_mut(&uid) {
                        rt.empty_dirs.insert(name, m.tree);
                    }
                }
                MountSource::Other => {}
            }
        }
        Ok((out, changed))
    }

    /// The kubelet's look at a container whose files changed through
    /// [`Cluster::with_container_fs_deferred`] (readiness may follow a written file).
    pub(crate) fn container_fs_changed(&mut self, ns: &str, pod: &str) {
        #[cfg(test)]
        FS_LOOKS.with(|n| n.set(n.get() + 1));
        kubelet::poke(self, ns, pod);
        self.run();
    }

    fn disk_key(&self, pod: &Pod, claim: &str) -> Option<(String, String)> {
        let pvc = self.get_as::<PersistentVolumeClaim>(&pod.metadata.namespace, claim)?;
        let pv = self.get_as::<PersistentVolume>("", pvc.spec.volume_name.as_deref()?)?;
        let node = pv
            .pinned_nodes()
            .and_then(|n| n.first().cloned())
            .or_else(|| pod.spec.node_name.clone())?;
        Some((node, pv.spec.host_path.as_ref()?.path.clone()))
    }

    /// The files stored in a PersistentVolume (a local-path directory), by path.
    pub fn volume_files(&self, pv_name: &str) -> Vec<(String, String)> {
        let Some(pv) = self.get_as::<PersistentVolume>("", pv_name) else {
            return Vec::new();
        };
        let Some(node) = pv.pinned_nodes().and_then(|n| n.first().cloned()) else {
            return Vec::new();
        };
        let Some(hp) = &pv.spec.host_path else {
            return Vec::new();
        };
        self.disks
            .dirs
            .get(&(node, hp.path.clone()))
            .map_or(Vec::new(), |t| {
                t.files()
                    .map(|(p, c)| (format!("/{p}"), c.to_string()))
                    .collect()
            })
    }
}

impl Cluster {
    /// The ControllerRevisions of a StatefulSet, oldest revision first (`rollout history`).
    pub fn statefulset_revisions(&self, ns: &str, name: &str) -> Vec<ControllerRevision> {
        match self.get_as::<StatefulSet>(ns, name) {
            Some(set) => crate::controllers::statefulset::history::revisions_of(self, set),
            None => Vec::new(),
        }
    }

    /// What a container has written so far (`kubectl logs`).
    pub fn container_logs(&self, ns: &str, pod: &str, container: &str) -> String {
        let Some(p) = self.get_as::<Pod>(ns, pod) else {
            return String::new();
        };
        let Some(idx) = Slot::find(p, Some(container)) else {
            return String::new();
        };
        self.kubelet
            .pods
            .get(&p.metadata.uid)
            .and_then(|rt| idx.runtime(p, rt))
            .map(|c| c.logs.clone())
            .unwrap_or_default()
    }

    /// Ends a pod's main process with `code` (an attached shell typed `exit`).
    pub fn end_main_process(&mut self, ns: &str, pod: &str, code: i32) {
        self.end_process(ns, pod, None, code);
    }

    /// Ends the main process of `container` (the first app container for none) with `code`: a
    /// shell attached to it typed `exit`.
    pub fn end_process(&mut self, ns: &str, pod: &str, container: Option<&str>, code: i32) {
        let Some(p) = self.get_as::<Pod>(ns, pod).cloned() else {
            return;
        };
        let Some(slot) = Slot::find(&p, container) else {
            return;
        };
        let now = self.now;
        if let Some(ctr) = self
            .kubelet
            .pods
            .get_mut(&p.metadata.uid)
            .and_then(|rt| slot.runtime_mut(&p, rt))
        {
            if let CPhase::Running { since, .. } = ctr.phase {
                ctr.phase = CPhase::Running {
                    since,
                    exits_at: Some((now, code)),
                };
            }
        }
        kubelet::poke(self, ns, pod);
        self.run();
    }
}
