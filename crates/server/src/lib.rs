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
pub mod http;
pub mod openapi;
pub mod resources;
pub mod router;
pub mod spdy;
pub mod status;
pub mod streams;
pub mod table;
pub mod watch;
pub mod ws;

use ordinal_sim::features::FeatureGates;
use ordinal_sim::Cluster;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

pub use clock::ClockMode;

/// How many connections are served at once; one more is answered `429` and closed.
pub const MAX_CONNECTIONS: usize = 1024;

#[derive(Clone, Debug)]
pub struct Config {
    pub address: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub seed: u64,
    pub workers: usize,
    pub gates: FeatureGates,
    pub clock: ClockMode,
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
    let cluster = Cluster::with_workers(config.seed, config.gates.clone(), config.workers);
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
    std::thread::Builder::new()
        .name("accept".into())
        .spawn(move || accept_loop(listener, accept))?;
    Ok(Handle { addr, shared })
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let n = shared.connections.fetch_add(1, Ordering::SeqCst);
        let conn = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("conn".into())
            .stack_size(512 * 1024)
            .spawn(move || {
                if n >= MAX_CONNECTIONS {
                    too_many(stream);
                } else {
                    let handle = |req: http::Request| router::route(&conn, req);
                    http::serve_connection(stream, &handle);
                }
                conn.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn too_many(mut stream: std::net::TcpStream) {
    use std::io::Write;
    let body = serde_json::to_vec(&status::status_value(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
    ))
    .unwrap_or_default();
    let _ = write!(
        stream,
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}
