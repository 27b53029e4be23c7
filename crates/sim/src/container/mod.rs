//! Commands inside simulated containers: `kubectl exec`'s process, the image's shell
//! (busybox ash or Debian dash, from `ordinal-shell`) and the tools an image carries, run
//! against the container's filesystem and the cluster's DNS and pod network.
//!
//! Every filesystem access goes through [`Cluster::with_container_fs`], which re-evaluates the
//! pod's readiness afterwards; so writing `index.html` through exec can make a pod Ready.

mod net;
mod tar;
mod tools;
pub use net::{forward_error, sandbox_names, Landing, Workstation};

#[cfg(test)]
mod tests;

use crate::api::Pod;
use crate::cluster::Cluster;
use crate::exec::{ContainerFs, ExecError, ExecTarget};
use crate::fs::Entry;
use crate::images::{self, ImageKind, ImageRef, Tar};
use ordinal_shell::{Dialect, Host, Limits, Output, Shell, State};
use std::collections::BTreeMap;

/// What an exec'd command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    /// Both streams in the order they were written, as a terminal shows them.
    pub text: String,
    pub exit_code: i32,
}

impl From<Output> for ExecOutput {
    fn from(o: Output) -> ExecOutput {
        ExecOutput {
            stdout: o.stdout(),
            stderr: o.stderr(),
            text: o.text(),
            exit_code: o.status,
        }
    }
}

/// Which userland an image has.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Userland {
    /// busybox applets and ash (`busybox`, `alpine`).
    Busybox,
    /// Debian: dash as `/bin/sh`, bash, coreutils; `curl` and `nginx` in nginx images; the
    /// image's `tar`.
    Debian { nginx: bool, tar: Tar },
    /// No shell and no tools (`pause`).
    Empty,
}

impl Userland {
    fn of(target: &ExecTarget) -> Userland {
        if !target.has_shell {
            return Userland::Empty;
        }
        let image = ImageRef::parse(&target.image).and_then(|r| images::lookup(&r));
        let tar = image.map_or(Tar::Gnu, |i| i.tar);
        match image.map(|i| i.kind) {
            Some(ImageKind::Busybox | ImageKind::Alpine) => Userland::Busybox,
            Some(ImageKind::Nginx) => Userland::Debian { nginx: true, tar },
            Some(ImageKind::Pause) => Userland::Empty,
            _ => Userland::Debian { nginx: false, tar },
        }
    }

    /// The `tar` it has.
    pub(crate) fn tar(self) -> Tar {
        match self {
            Userland::Busybox => Tar::Busybox,
            Userland::Debian { tar, .. } => tar,
            Userland::Empty => Tar::Missing,
        }
    }

    pub(crate) fn busybox(self) -> bool {
        self == Userland::Busybox
    }

    /// The dialect of `/bin/sh`.
    fn dialect(self) -> Dialect {
        match self {
            Userland::Busybox => Dialect::Ash,
            _ => Dialect::Dash,
        }
    }

    /// Whether the image has an executable called `name`.
    fn has(self, name: &str) -> bool {
        const COMMON: &[&str] = &[
            "sh", "cat", "ls", "mkdir", "rm", "rmdir", "touch", "pwd", "env", "printenv", "echo",
            "printf", "date", "sleep", "mv", "cp", "head", "tail", "wc", "grep", "seq", "id",
            "whoami", "uname", "true", "false", "test", "[", "hostname", "basename", "dirname",
        ];
        match self {
            Userland::Empty => false,
            Userland::Busybox => {
                COMMON.contains(&name) || matches!(name, "ash" | "nslookup" | "wget" | "tar" | "ps")
            }
            Userland::Debian { nginx, tar } => {
                COMMON.contains(&name)
                    || matches!(name, "bash" | "dash")
                    || (nginx && matches!(name, "curl" | "nginx"))
                    || (name == "tar" && tar != Tar::Missing)
            }
        }
    }
}

/// Commands a shell would run as builtins but that also exist as programs.
const BUILTIN_PROGRAMS: &[&str] = &[
    "echo", "printf", "pwd", "test", "[", "true", "false", "sleep",
];

/// Nested shells (`sh -c 'sh -c …'`) stop at this depth.
const MAX_SHELL_DEPTH: usize = 16;

/// The shell's [`Host`] inside one container: tools, files, network, time.
pub(crate) struct ContainerHost<'c> {
    pub cluster: &'c mut Cluster,
    pub target: ExecTarget,
    pub userland: Userland,
    depth: usize,
    /// Steps left for all shells of this exec together.
    steps_left: u64,
    /// Set when the container went away under the command: its exit status.
    gone: Option<i32>,
    /// The path last written successfully, and what later writes to it added: a loop of
    /// `echo … >> f` costs one filesystem call, not one per round.
    pending: Option<(String, Pending)>,
    /// What reads saw since the last change (only this exec changes this container's files,
    /// and time moves only in `sleep`, which drops the cache). A pending file is always here,
    /// with its pending content, so reads need no flush.
    entries: BTreeMap<String, Option<Entry>>,
    listings: BTreeMap<String, Option<Vec<String>>>,
    /// Files changed since the kubelet last looked: it looks once, before anything could
    /// observe the pod's readiness (a request, a lookup, time passing, the end of the exec),
    /// not after each of thousands of `mkdir`s in a loop.
    changed: bool,
    /// Bytes of file content copied since the shell last asked ([`Host::work_bytes`]).
    pub(crate) work: u64,
}

#[derive(Default)]
struct Pending {
    /// The content replaces the file (a `>` after the first write).
    replace: bool,
    content: String,
}

pub(crate) fn basename(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return if path.is_empty() { "" } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

impl<'c> ContainerHost<'c> {
    fn new(cluster: &'c mut Cluster, target: ExecTarget) -> ContainerHost<'c> {
        let userland = Userland::of(&target);
        ContainerHost {
            cluster,
            target,
            userland,
            depth: 0,
            steps_left: Limits::default().steps,
            gone: None,
            pending: None,
            entries: BTreeMap::new(),
            listings: BTreeMap::new(),
            changed: false,
            work: 0,
        }
    }

    /// The state a process of this container starts with: `/`, and the container's env.
    fn initial_state(&self) -> State {
        let mut st = State::default();
        for (k, v) in &self.target.env {
            st.set_exported(k, v.clone());
        }
        st
    }

    /// Runs `f` over the container's files; `None` (and the exec ends) if it is gone.
    pub(crate) fn fs<R>(&mut self, f: impl FnOnce(&mut ContainerFs) -> R) -> Option<R> {
        self.flush();
        self.forget();
        self.fs_call(f)
    }

    fn fs_call<R>(&mut self, f: impl FnOnce(&mut ContainerFs) -> R) -> Option<R> {
        let t = &self.target;
        match self
            .cluster
            .with_container_fs_deferred(&t.namespace, &t.pod, Some(&t.container), f)
        {
            Ok((r, changed)) => {
                self.changed |= changed;
                Some(r)
            }
            Err(_) => {
                self.gone.get_or_insert(137);
                None
            }
        }
    }

    /// Drops what reads remembered.
    fn forget(&mut self) {
        self.entries.clear();
        self.listings.clear();
    }

    /// Writes what is pending and lets the kubelet look at the changed files: before anything
    /// that could see the pod's readiness, and at the end of the exec.
    pub(crate) fn settle(&mut self) {
        self.flush();
        if std::mem::take(&mut self.changed) {
            let t = &self.target;
            self.cluster.container_fs_changed(&t.namespace, &t.pod);
        }
    }

    /// Writes what repeated writes to one file left pending.
    pub(crate) fn flush(&mut self) {
        if let Some((path, p)) = self.pending.take() {
            if p.replace || !p.content.is_empty() {
                self.fs_call(|fs| fs.write(&path, &p.content, !p.replace));
            }
        }
    }

    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        if let Some((_, w)) = self.pending.as_mut().filter(|(p, _)| p == path) {
            // The cache holds the file while it is pending: keep it current.
            let cached = self.entries.get_mut(path);
            if append {
                w.content.push_str(content);
                if let Some(Some(Entry::File(c))) = cached {
                    c.to_mut().push_str(content);
                }
            } else {
                w.replace = true;
                w.content = content.to_string();
                if let Some(Some(Entry::File(c))) = cached {
                    *c = content.to_string().into();
                }
            }
            return Ok(());
        }
        let r = self.fs(|fs| fs.write(path, content, append).map(|()| fs.get(path)));
        match r {
            Some(Ok(entry)) => {
                self.entries.insert(path.to_string(), entry);
                self.pending = Some((path.to_string(), Pending::default()));
                Ok(())
            }
            Some(Err(e)) => Err(e.message().to_string()),
            None => Err("No such file or directory".into()),
        }
    }

    pub(crate) fn pod(&self) -> Option<&Pod> {
        self.cluster
            .get_as::<Pod>(&self.target.namespace, &self.target.pod)
    }

    pub(crate) fn pod_ip(&self) -> Option<String> {
        self.pod().and_then(|p| p.status.pod_ip.clone())
    }

    /// `web-0.nginx.default.svc.cluster.local` when the pod has a subdomain.
    pub(crate) fn fqdn(&self) -> Option<String> {
        let p = self.pod()?;
        let sub = p.spec.subdomain.as_deref().filter(|s| !s.is_empty())?;
        Some(format!(
            "{}.{sub}.{}.svc.{}",
            self.target.hostname,
            self.target.namespace,
            crate::dns::CLUSTER_DOMAIN
        ))
    }

    /// Files the kubelet provides that are not in any image layer.
    fn managed_file(&self, path: &str) -> Option<String> {
        match path {
            "/etc/hostname" => Some(format!("{}\n", self.target.hostname)),
            "/etc/resolv.conf" => Some(format!(
                "search {ns}.svc.{d} svc.{d} {d}\nnameserver {}\noptions ndots:5\n",
                crate::DNS_SERVICE_IP,
                ns = self.target.namespace,
                d = crate::dns::CLUSTER_DOMAIN
            )),
            "/etc/hosts" => {
                let mut s = String::from(
                    "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
                );
                if let Some(ip) = self.pod_ip() {
                    match self.fqdn() {
                        Some(f) => s.push_str(&format!("{ip}\t{f}\t{}\n", self.target.hostname)),
                        None => s.push_str(&format!("{ip}\t{}\n", self.target.hostname)),
                    }
                }
                Some(s)
            }
            _ => None,
        }
    }

    pub(crate) fn read(&mut self, path: &str) -> Result<String, String> {
        match self.entry(path) {
            Some(Entry::File(c)) => Ok(c.into_owned()),
            Some(Entry::Dir) => Err("Is a directory".into()),
            None => Err("No such file or directory".into()),
        }
    }

    /// What is at `path` as the container sees it: image layer, volumes, and the files the
    /// kubelet manages (`/etc/hosts`, `/etc/resolv.conf`, `/etc/hostname`).
    pub(crate) fn entry(&mut self, path: &str) -> Option<Entry> {
        let path = ordinal_shell::resolve_path("/", path);
        if let Some(e) = self.entries.get(&path) {
            let e = e.clone();
            self.copied(&e);
            return e;
        }
        let e = match self.fs_call(|fs| fs.get(&path)).flatten() {
            Some(e) => Some(e),
            None => self.managed_file(&path).map(|c| Entry::File(c.into())),
        };
        self.entries.insert(path, e.clone());
        self.copied(&e);
        e
    }

    /// Counts a file's content handed to a command as copied.
    fn copied(&mut self, e: &Option<Entry>) {
        if let Some(Entry::File(c)) = e {
            self.work = self.work.saturating_add(c.len() as u64);
        }
    }

    fn list(&mut self, path: &str) -> Option<Vec<String>> {
        let path = ordinal_shell::resolve_path("/", path);
        if let Some(l) = self.listings.get(&path) {
            return l.clone();
        }
        let l = self
            .fs_call(|fs| fs.list(&path).ok())
            .flatten()
            .map(|names| names.into_iter().map(|(n, _)| n).collect::<Vec<_>>());
        self.listings.insert(path, l.clone());
        l
    }

    /// Runs a command as `kubectl exec` starts it: no shell around it.
    fn run_direct(&mut self, argv: &[String], stdin: &str) -> Output {
        let name = argv.first().map_or("", |a| basename(a));
        if !self.userland.has(name) {
            return oci_not_found(argv.first().map_or("", String::as_str));
        }
        let state = self.initial_state();
        if BUILTIN_PROGRAMS.contains(&name) {
            // Debian's /bin/echo and friends are coreutils, which behave as bash's builtins.
            let dialect = match self.userland {
                Userland::Busybox => Dialect::Ash,
                _ => Dialect::Bash,
            };
            let mut sh = Shell::new(dialect);
            sh.set_interactive(false);
            sh.state = state;
            let mut argv = argv.to_vec();
            argv[0] = name.to_string();
            return sh.run_argv(self, &argv, stdin);
        }
        self.tool(&state, argv, stdin)
    }

    /// A program of the image (not a shell builtin).
    fn tool(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        let name = basename(&argv[0]).to_string();
        match name.as_str() {
            "sh" | "ash" | "bash" | "dash" => self.shell(state, argv, stdin),
            "nslookup" => {
                self.settle();
                net::nslookup(self, argv)
            }
            "wget" => net::wget(self, state, argv),
            "curl" => net::curl(self, state, argv),
            "env" => self.env(state, argv, stdin),
            "tar" => tar::run(self, state, argv, stdin),
            _ => tools::run(self, state, &name, argv, stdin),
        }
    }

    /// `env [NAME=VALUE]… [COMMAND [ARG]…]`
    fn env(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        let mut st = state.clone();
        self.work = self.work.saturating_add(state_bytes(state));
        let mut i = 1;
        if argv.get(1).map(String::as_str) == Some("-i") {
            st.vars.clear();
            st.exported.clear();
            i = 2;
        }
        while let Some((k, v)) = argv.get(i).and_then(|a| a.split_once('=')) {
            st.set_exported(k, v);
            i += 1;
        }
        if i < argv.len() {
            let rest = &argv[i..];
            let name = basename(&rest[0]);
            if !self.userland.has(name) {
                let msg = if self.userland.busybox() {
                    format!(
                        "env: can't execute '{}': No such file or directory\n",
                        rest[0]
                    )
                } else {
                    format!("env: '{}': No such file or directory\n", rest[0])
                };
                return Output::err(msg, 127);
            }
            if BUILTIN_PROGRAMS.contains(&name) {
                let mut sh = Shell::new(self.userland.dialect());
                sh.state = st;
                return sh.run_argv(self, rest, stdin);
            }
            return self.tool(&st, rest, stdin);
        }
        Output::out(tools::environment(self, &st))
    }

    /// `sh -c SCRIPT [NAME [ARG]…]`, `sh FILE`, or `sh` reading its script from stdin.
    fn shell(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        let prog = basename(&argv[0]);
        let dialect = if prog == "bash" {
            Dialect::Bash
        } else {
            self.userland.dialect()
        };
        if self.depth >= MAX_SHELL_DEPTH {
            return Output::err(
                format!(
                    "{}: stopped: shells nested deeper than {MAX_SHELL_DEPTH} levels\n",
                    argv[0]
                ),
                2,
            );
        }
        let mut sh = Shell::new(dialect);
        sh.set_interactive(false);
        sh.set_name(argv[0].clone());
        let mut use_c = false;
        let mut errexit = false;
        let mut i = 1;
        while let Some(a) = argv.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if a.len() < 2 || !(a.starts_with('-') || a.starts_with('+')) {
                break;
            }
            for c in a[1..].chars() {
                match c {
                    'c' => use_c = true,
                    'e' => errexit = true,
                    _ => {}
                }
            }
            i += 1;
        }
        let mut rest: Vec<String> = argv[i.min(argv.len())..].to_vec();
        let (script, input) = if use_c {
            if rest.is_empty() {
                let msg = match dialect {
                    Dialect::Bash => format!("{}: -c: option requires an argument\n", argv[0]),
                    Dialect::Dash => format!("{}: 0: -c requires an argument\n", argv[0]),
                    Dialect::Ash => format!("{}: -c requires an argument\n", argv[0]),
                };
                return Output::err(msg, 2);
            }
            let script = rest.remove(0);
            if !rest.is_empty() {
                sh.set_name(rest.remove(0));
            }
            (script, stdin.to_string())
        } else if !rest.is_empty() {
            let file = rest.remove(0);
            match self.read(&state.resolve(&file)) {
                Ok(s) => (s, stdin.to_string()),
                Err(e) => {
                    let msg = match dialect {
                        Dialect::Bash => format!("{}: {file}: {e}\n", argv[0]),
                        Dialect::Dash => {
                            format!("{}: 0: cannot open {file}: No such file\n", argv[0])
                        }
                        Dialect::Ash => format!("{}: can't open '{file}': {e}\n", argv[0]),
                    };
                    let status = if dialect == Dialect::Bash { 127 } else { 2 };
                    return Output::err(msg, status);
                }
            }
        } else {
            (stdin.to_string(), String::new())
        };
        sh.set_args(rest);
        sh.set_errexit(errexit);
        sh.set_limits(Limits {
            steps: self.steps_left,
            ..Limits::default()
        });
        // A new process inherits the exported variables and the working directory.
        self.work = self.work.saturating_add(state_bytes(state));
        sh.state.cwd = state.cwd.clone();
        for (k, v) in state.env() {
            sh.state.set_exported(&k, v);
        }
        self.depth += 1;
        let out = sh.run_with_input(self, &script, &input);
        self.depth -= 1;
        self.steps_left = self.steps_left.saturating_sub(sh.steps_used());
        out
    }
}

/// The bytes a copy of a shell's variables moves.
fn state_bytes(state: &State) -> u64 {
    state
        .vars
        .iter()
        .map(|(k, v)| (k.len() + v.len()) as u64)
        .sum()
}

/// runc's error when the program does not exist, as `kubectl exec` shows it.
fn oci_not_found(cmd: &str) -> Output {
    let why = if cmd.contains('/') {
        format!("exec: \"{cmd}\": stat {cmd}: no such file or directory")
    } else {
        format!("exec: \"{cmd}\": executable file not found in $PATH")
    };
    Output::err(
        format!("OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown\n"),
        127,
    )
}

impl Host for ContainerHost<'_> {
    fn command(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        let name = basename(&argv[0]);
        if !self.userland.has(name) {
            // The shell prints its own "not found".
            return Output::default().with_status(127);
        }
        self.tool(state, argv, stdin)
    }

    fn read_file(&mut self, state: &State, path: &str) -> Result<String, String> {
        self.read(&state.resolve(path))
    }

    fn write_file(
        &mut self,
        state: &State,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String> {
        self.write(&state.resolve(path), content, append)
    }

    fn sleep(&mut self, ms: u64) {
        self.settle();
        self.forget();
        self.cluster.advance(ms);
        let t = &self.target;
        if self
            .cluster
            .exec_target(&t.namespace, &t.pod, Some(&t.container))
            .is_err()
        {
            self.gone.get_or_insert(137);
        }
    }

    fn is_dir(&mut self, state: &State, path: &str) -> bool {
        matches!(self.entry(&state.resolve(path)), Some(Entry::Dir))
    }

    fn list_dir(&mut self, state: &State, path: &str) -> Option<Vec<String>> {
        self.list(&state.resolve(path))
    }

    fn interrupted(&mut self) -> Option<i32> {
        self.gone
    }

    fn work_bytes(&mut self) -> u64 {
        std::mem::take(&mut self.work)
    }
}

impl Cluster {
    /// Runs `argv` in a container as `kubectl exec POD -- ARGV…` does: the program itself,
    /// without a shell unless `argv` names one. The preconditions (the pod exists, is not
    /// finished, the container runs) are [`Cluster::exec_target`]'s.
    pub fn exec(
        &mut self,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        argv: &[String],
        stdin: &str,
    ) -> Result<ExecOutput, ExecError> {
        let target = self.exec_target(ns, pod, container)?;
        let program = argv.first().map_or("", String::as_str);
        let name = program.rsplit('/').next().unwrap_or(program);
        if !Userland::of(&target).has(name) {
            // The runtime cannot start the process: containerd's error reaches kubectl as an
            // internal error (exit 1), not as the process's exit code.
            let why = oci_not_found(program).stderr();
            let id = self.rng.hex(64);
            return Err(ExecError::StartFailed(format!(
                "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": {}",
                why.trim_end()
            )));
        }
        let mut host = ContainerHost::new(self, target);
        let mut out = host.run_direct(argv, stdin);
        host.settle();
        if let Some(code) = host.gone {
            out.status = code;
        }
        Ok(out.into())
    }

    /// Runs one line typed into an interactive shell attached to a container
    /// (`kubectl exec -it POD -- sh`). The shell keeps its state between lines; on its first
    /// line it receives the container's environment.
    pub fn exec_in_shell(
        &mut self,
        shell: &mut Shell,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        line: &str,
    ) -> Result<ExecOutput, ExecError> {
        let target = self.exec_target(ns, pod, container)?;
        for (k, v) in &target.env {
            if !shell.state.vars.contains_key(k) {
                shell.state.set_exported(k, v.clone());
            }
        }
        shell.set_interactive(true);
        let mut host = ContainerHost::new(self, target);
        let mut out = shell.run(&mut host, line);
        host.settle();
        if let Some(code) = host.gone {
            out.status = code;
        }
        Ok(out.into())
    }
}
