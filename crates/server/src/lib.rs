//! `ordinal serve`: the simulated cluster behind the Kubernetes API over plain HTTP, so that
//! kubectl v1.33, client libraries and tools such as k9s talk to the same core the playground
//! runs in the browser.
//!
//! One [`Shared`] state (the `Cluster` behind a mutex, and a condition variable that wakes the
//! watches when the store or the clock moves); one thread per connection ([`http`]); one clock
//! thread ([`clock`]). A request holds the lock only while it reads or writes the store, never
//! while it writes to the network, so a slow client never blocks the simulation or another client.

// What a client sends never unwraps: a failure is a Status, not a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod clock;
pub mod control;
pub mod discovery;
pub mod gojson;
pub mod http;
pub mod openapi;
pub mod protobuf;
pub mod resources;
pub mod router;
pub mod spdy;
pub mod status;
pub mod streams;
pub mod table;
pub mod virtual_resources;
pub mod watch;
pub mod ws;

use ordinal_sim::features::FeatureGates;
use ordinal_sim::Cluster;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

pub use clock::ClockMode;

/// How many connections are served at once by default ([`http::Limits`]); one more is answered
/// `429` and closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// Each connection's thread stack. The deepest a request goes is bounded by the decoders'
/// recursion limits (serde_json and the YAML parser stop at 128 levels), well inside this in a
/// debug build; only touched pages are committed, so a thousand connections cost little.
pub const CONNECTION_STACK: usize = 2 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Config {
    pub address: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub seed: u64,
    pub workers: usize,
    pub gates: FeatureGates,
    pub clock: ClockMode,
    /// Timeouts and the connection limit.
    pub limits: http::Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            seed: 1,
            workers: ordinal_sim::MAX_WORKERS.min(2),
            gates: FeatureGates::default(),
            clock: ClockMode::Real { speed: 1.0 },
            limits: http::Limits::default(),
        }
    }
}

/// What every request and the clock thread share.
pub struct State {
    pub cluster: Cluster,
    pub clock: clock::Clock,
}

pub struct Shared {
    state: Mutex<State>,
    /// Notified whenever the store's resourceVersion or the clock moved.
    pub changed: Condvar,
    pub stopping: AtomicBool,
    connections: AtomicUsize,
}

impl Shared {
    /// The state; a poisoned lock (a panic elsewhere) still gives it, so one bad request never
    /// takes the server down.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes everything waiting for the store or the clock.
    pub fn notify(&self) {
        self.changed.notify_all();
    }
}

/// A running server.
pub struct Handle {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    /// The limits in force: the configured ones, with `max_connections` lowered to what the
    /// process's open-file limit allows.
    pub limits: http::Limits,
}

impl Handle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig whose one context points at this server (no credentials: the server has
    /// no authentication, as `--server=http://…` allows).
    pub fn kubeconfig(&self) -> String {
        kubeconfig(&self.url())
    }

    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.notify();
        // Wake the accept loop.
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

pub fn kubeconfig(url: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- cluster:
    server: {url}
  name: ordinal
contexts:
- context:
    cluster: ordinal
    namespace: default
    user: ordinal
  name: ordinal
current-context: ordinal
preferences: {{}}
users:
- name: ordinal
  user: {{}}
"
    )
}

/// Binds, starts the clock and the accept loop on their own threads, and returns.
pub fn start(config: Config) -> std::io::Result<Handle> {
    let listener = TcpListener::bind(SocketAddr::new(config.address, config.port))?;
    let addr = listener.local_addr()?;
    let cluster = Cluster::created_at(
        config.seed,
        config.gates.clone(),
        config.workers,
        epoch(config.clock),
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            clock: clock::Clock::new(config.clock, cluster.now()),
            cluster,
        }),
        changed: Condvar::new(),
        stopping: AtomicBool::new(false),
        connections: AtomicUsize::new(0),
    });
    clock::spawn(shared.clone());
    let accept = shared.clone();
    let mut limits = config.limits;
    if let Some(fds) = connection_budget() {
        limits.max_connections = limits.max_connections.min(fds);
    }
    std::thread::Builder::new()
        .name("accept".into())
        .spawn(move || accept_loop(listener, accept, limits))?;
    Ok(Handle {
        addr,
        shared,
        limits,
    })
}

/// When the cluster is created. A real-time cluster is created five minutes (its warm-up) before
/// the wall clock's now, so its clock agrees with kubectl's, which computes some ages
/// (`describe`'s events) from its own clock. A virtual one starts at the playground's fixed
/// epoch, so that a session replays exactly as the playground's transcripts do.
fn epoch(clock: ClockMode) -> ordinal_sim::Time {
    match clock {
        ClockMode::Real { .. } => {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            // Whole seconds, as the API server's timestamps are.
            ordinal_sim::Time((ms / 1000).saturating_sub(300) * 1000)
        }
        ClockMode::Virtual => ordinal_sim::time::CLUSTER_EPOCH,
    }
}

/// How many connections the open-file limit leaves room for: each takes a descriptor (two once
/// upgraded, and a refused one takes one while it is answered), and the process keeps some for
/// itself. Past it, `accept` would fail and clients would wait unanswered in the backlog
/// instead of getting the `429`. `None` where the limit cannot be read (or is unlimited).
fn connection_budget() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    let soft: usize = line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some((soft.saturating_sub(64) / 2).max(1))
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, limits: http::Limits) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors (or a connection reset before it was accepted):
                // wait a moment instead of spinning.
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
        };
        let n = shared.connections.fetch_add(1, Ordering::SeqCst);
        let conn = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("conn".into())
            .stack_size(CONNECTION_STACK)
            .spawn(move || {
                if n >= limits.max_connections {
                    http::too_many(stream);
                } else {
                    let handle = |req: http::Request| router::route(&conn, req);
                    http::serve_connection(stream, &limits, &handle);
                }
                conn.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// How many connections are open now (each has its thread).
impl Shared {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}
