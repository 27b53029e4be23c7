//! The simulation as the page drives it: one `Cluster` and the terminal's `Session`, owned here
//! and never cloned. Every Kubernetes behaviour comes from `ordinal-sim` and `ordinal-kubectl`;
//! this only routes the page's inputs (a clock tick, a terminal line, a button) to them.

use ordinal_kubectl::session::{MemFiles, Mode};
use ordinal_kubectl::{Env, Output, Session};
use ordinal_sim::Cluster;

/// The seed of the cluster a page starts with (same seed, same IPs and names every load).
pub const SEED: u64 = 1;
/// The namespace the playground shows (the terminal's current namespace).
pub const NAMESPACE: &str = "default";
/// The file name the editor's buffer has in the terminal's workspace (`kubectl apply -f web.yaml`).
pub const MANIFEST_FILE: &str = "web.yaml";

pub struct Engine {
    pub cluster: Cluster,
    pub session: Session,
    /// Sub-millisecond simulated time not yet handed to the cluster.
    carry: f64,
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            cluster: Cluster::new(SEED),
            session: Session::new(Box::new(MemFiles::default())),
            carry: 0.0,
        }
    }

    /// Moves simulated time by `sim_ms` (fractions carry over) and lets a running terminal
    /// command (a watch, a wait) see it.
    pub fn advance(&mut self, sim_ms: f64) -> Output {
        self.carry += sim_ms.max(0.0);
        let whole = self.carry.floor();
        self.carry -= whole;
        if whole >= 1.0 {
            self.cluster.advance(whole as u64);
        }
        self.poll()
    }

    /// Advances to the next timer (the Step button).
    pub fn step(&mut self) -> Output {
        self.carry = 0.0;
        self.cluster.step();
        self.poll()
    }

    fn poll(&mut self) -> Output {
        if self.session.busy() {
            self.session.poll(&mut self.cluster)
        } else {
            Output::default()
        }
    }

    /// Keeps `web.yaml` in the terminal's workspace equal to the editor's buffer.
    pub fn sync_manifest(&mut self, text: &str) {
        // MemFiles never refuses a write.
        let _ = self.session.files_mut().write(MANIFEST_FILE, text, false);
    }

    /// Runs one kubectl command (the page's buttons) exactly as `kubectl ARGS` would.
    pub fn kubectl(&mut self, args: &[&str]) -> Output {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let env = Env {
            namespace: NAMESPACE,
            files: self.session.files(),
            stdin: "",
            interactive_shells: false,
        };
        ordinal_kubectl::run(&mut self.cluster, &args, &env)
    }

    /// A fresh cluster built by `setup` (commands run to the end, then time runs until the
    /// cluster is quiet): a lesson's starting point. What setup printed is returned.
    pub fn reset(&mut self, setup: &[String]) -> Output {
        *self = Engine::new();
        let mut out = Output::default();
        for line in setup {
            let o = self.session.input(&mut self.cluster, line, Mode::Script);
            out.chunks.extend(o.chunks);
        }
        self.cluster.settle();
        out
    }

    /// A line typed at the terminal's prompt.
    pub fn input(&mut self, line: &str) -> Output {
        self.session
            .input(&mut self.cluster, line, Mode::Interactive)
    }

    /// Ctrl-C.
    pub fn interrupt(&mut self) -> Output {
        self.session.interrupt()
    }

    /// Tab completion of the terminal line (kubectl's completion; none inside a container).
    pub fn complete(&self, line: &str) -> ordinal_kubectl::complete::Completion {
        if self.session.attached() {
            return Default::default();
        }
        ordinal_kubectl::complete::complete(&self.cluster, NAMESPACE, line)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}
