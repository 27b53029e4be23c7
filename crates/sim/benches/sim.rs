//! The core's benchmarks (issues 7 and 17), printed as tables: settle an N-replica StatefulSet
//! with claims under OrderedReady and Parallel, an idle tick at the largest size that settled, a
//! DNS lookup, and parse + apply of the lesson's web.yaml; then the cost per pod of a Parallel
//! set with claims at 100, 1,000 and 10,000 replicas, each size in a process of its own (wall
//! time, µs and heap bytes per pod, the process's peak RSS, writes and Events per pod), and the
//! heap it holds by structure once Ready (a counting allocator: each part of the cluster is
//! dropped in turn and the bytes it frees counted).
//!
//! `cargo bench -p ordinal-sim` (or `scripts/bench.sh`, which adds the browser figures).
//! `ORDINAL_BENCH_MAX=N` caps the sizes, `ORDINAL_BENCH_MIN=N` skips smaller ones,
//! `ORDINAL_BENCH_POLICY` picks one policy, `ORDINAL_BENCH_REPEAT_DELETE=K` repeats the
//! delete-one-pod case K times (for a profiler); a size whose settle took longer than
//! `ORDINAL_BENCH_BUDGET_S` seconds (default 60) stops the larger sizes of that policy, and the
//! table says so rather than running for hours.

use ordinal_sim::dns::QueryType;
use ordinal_sim::Cluster;
use std::time::{Duration, Instant};

/// The heap as the benchmark sees it: bytes live now, the most live since the last reset, and
/// allocations made. Relaxed atomics: the benchmark is one thread.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

    pub struct Counting;
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    static ALLOCS: AtomicU64 = AtomicU64::new(0);

    fn grew(by: usize) {
        let now = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(now, Relaxed);
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(l) };
            if !p.is_null() {
                grew(l.size());
                ALLOCS.fetch_add(1, Relaxed);
            }
            p
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { System.dealloc(p, l) };
            LIVE.fetch_sub(l.size(), Relaxed);
        }
        unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
            let p = unsafe { System.alloc_zeroed(l) };
            if !p.is_null() {
                grew(l.size());
                ALLOCS.fetch_add(1, Relaxed);
            }
            p
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
            let q = unsafe { System.realloc(p, l, new) };
            if !q.is_null() {
                LIVE.fetch_sub(l.size(), Relaxed);
                grew(new);
                ALLOCS.fetch_add(1, Relaxed);
            }
            q
        }
    }

    pub fn live() -> usize {
        LIVE.load(Relaxed)
    }
    pub fn peak() -> usize {
        PEAK.load(Relaxed)
    }
    pub fn allocs() -> u64 {
        ALLOCS.load(Relaxed)
    }
    /// Starts a new peak from what is live now.
    pub fn reset_peak() {
        PEAK.store(LIVE.load(Relaxed), Relaxed);
    }
}

#[global_allocator]
static GLOBAL: heap::Counting = heap::Counting;

/// The process's peak resident set (`VmHWM`), in bytes, where /proc says it.
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn manifest(replicas: usize, policy: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: {replicas}
  podManagementPolicy: {policy}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"
    )
}

/// Applies and runs simulated time until the set is quiet, on a cluster with room for it;
/// returns the cluster and wall time (the cluster's creation is not timed).
fn settle(n: usize, policy: &str) -> (Cluster, Duration, u64) {
    // kind's kubelet takes 110 pods per node: the cluster gets enough workers for the set.
    let workers = n.div_ceil(110).max(2);
    let mut c = Cluster::with_workers(1, Default::default(), workers);
    let t = Instant::now();
    for r in c
        .apply_yaml(&manifest(n, policy), "default")
        .expect("parses")
    {
        r.expect("applies");
    }
    // Up to 30 simulated days: OrderedReady at 10,000 replicas needs days.
    let s = c.settle_within(30 * 24 * 3600 * 1000);
    let wall = t.elapsed();
    let ready = c
        .list_as::<ordinal_sim::api::Pod>(Some("default"))
        .into_iter()
        .filter(|p| p.is_ready())
        .count();
    assert_eq!(ready, n, "{n} {policy}: only {ready} pods Ready");
    (c, wall, s.elapsed_ms)
}

/// Median of `runs` timings of `f` (after one warm-up).
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut ts: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    ts.sort();
    ts[ts.len() / 2]
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.1} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// One size of the per-pod table, run in a process of its own (`ORDINAL_BENCH_CHILD=N`) so
/// that the peak RSS is this size's alone: prints `key=value` lines for [`per_pod_table`].
fn per_pod_child(n: usize) {
    let workers = n.div_ceil(110).max(2);
    let c = Cluster::with_workers(1, Default::default(), workers);
    let (rv0, events0) = (
        c.resource_version(),
        c.list(ordinal_sim::api::Kind::Event, None).len(),
    );
    let mut c = c;
    heap::reset_peak();
    let (live0, allocs0) = (heap::live(), heap::allocs());
    let t = Instant::now();
    for r in c
        .apply_yaml(&manifest(n, "Parallel"), "default")
        .expect("parses")
    {
        r.expect("applies");
    }
    let s = c.settle_within(24 * 3600 * 1000);
    let wall = t.elapsed();
    let (peak, live, allocs) = (
        heap::peak() - live0,
        heap::live() - live0,
        heap::allocs() - allocs0,
    );
    let ready = c
        .list_as::<ordinal_sim::api::Pod>(Some("default"))
        .into_iter()
        .filter(|p| p.is_ready())
        .count();
    assert_eq!(ready, n, "{n} Parallel: only {ready} pods Ready");
    println!("wall_us={}", wall.as_micros());
    println!("sim_ms={}", s.elapsed_ms);
    println!("heap_peak={peak}");
    println!("heap_live={live}");
    println!("allocs={allocs}");
    println!("rss_peak={}", peak_rss().unwrap_or(0));
    println!("writes={}", c.resource_version() - rv0);
    println!(
        "events={}",
        c.list(ordinal_sim::api::Kind::Event, None).len() - events0
    );
    for (label, part) in c.heap_parts() {
        let before = heap::live();
        drop(part);
        println!("part={label}={}", before.saturating_sub(heap::live()));
    }
}

fn kib(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{:.1} KB", bytes / 1024.0)
    }
}

/// The cost per pod of a Parallel set with claims, by size, one process per size.
fn per_pod_table(sizes: &[usize]) {
    println!();
    {
        use ordinal_sim::api::*;
        use std::mem::size_of;
        println!(
            "inline sizes (bytes): Object {}, ObjectMeta {}, Event {}, Pod {} (spec {}, status {}), PersistentVolumeClaim {}",
            size_of::<Object>(),
            size_of::<ObjectMeta>(),
            size_of::<Event>(),
            size_of::<Pod>(),
            size_of::<PodSpec>(),
            size_of::<PodStatus>(),
            size_of::<PersistentVolumeClaim>(),
        );
    }
    println!(
        "{:<28} {:>9} {:>8} {:>9} {:>11} {:>11} {:>9} {:>8} {:>8}",
        "per pod, Parallel + claims",
        "wall",
        "sim",
        "µs/pod",
        "heap peak/p",
        "heap live/p",
        "peak RSS",
        "writes/p",
        "events/p"
    );
    let mut parts_by_size: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    for &n in sizes {
        let exe = std::env::current_exe().expect("the benchmark's path");
        let out = std::process::Command::new(exe)
            .args(std::env::args().skip(1))
            .env("ORDINAL_BENCH_CHILD", n.to_string())
            .output()
            .expect("the benchmark runs itself");
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            println!(
                "{:<28} failed: {}",
                format!("{n} replicas"),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            continue;
        }
        let field = |k: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0)
        };
        let per = |k: &str| field(k) / n as f64;
        println!(
            "{:<28} {:>9} {:>8} {:>9} {:>11} {:>11} {:>9} {:>8.1} {:>8.1}",
            format!("{n} replicas"),
            fmt(Duration::from_micros(field("wall_us") as u64)),
            format!("{:.1} s", field("sim_ms") / 1000.0),
            format!("{:.0}", per("wall_us")),
            kib(per("heap_peak")),
            kib(per("heap_live")),
            kib(field("rss_peak")),
            per("writes"),
            per("events"),
        );
        let parts = text
            .lines()
            .filter_map(|l| l.strip_prefix("part="))
            .filter_map(|l| {
                let (label, v) = l.rsplit_once('=')?;
                Some((label.to_string(), v.parse().ok()?))
            })
            .collect();
        parts_by_size.push((n, parts));
    }
    if parts_by_size.is_empty() {
        return;
    }
    println!();
    print!("{:<44}", "heap once Ready, by structure (bytes/pod)");
    for (n, _) in &parts_by_size {
        print!(" {:>10}", format!("{n}"));
    }
    println!();
    for (i, (label, _)) in parts_by_size[0].1.iter().enumerate() {
        print!("{label:<44}");
        for (n, parts) in &parts_by_size {
            let v = parts.get(i).map_or(0, |p| p.1);
            print!(" {:>10}", format!("{:.0}", v as f64 / *n as f64));
        }
        println!();
    }
}

/// The per-pod table's sizes: 100, 1,000 and 10,000 within `ORDINAL_BENCH_MIN`/`MAX` (10 for a
/// quick run).
fn per_pod_sizes(quick: bool, max: usize) -> Vec<usize> {
    let min: usize = std::env::var("ORDINAL_BENCH_MIN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if quick {
        return vec![10];
    }
    [100, 1_000, 10_000]
        .into_iter()
        .filter(|n| (min..=max).contains(n))
        .collect()
}

fn main() {
    if let Some(n) = std::env::var("ORDINAL_BENCH_CHILD")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        per_pod_child(n);
        return;
    }
    // `cargo test --benches` runs this with --bench absent: only prove it builds and runs small.
    let quick = !std::env::args().any(|a| a == "--bench");
    let max: usize = std::env::var("ORDINAL_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 10 } else { 10_000 });
    let budget = Duration::from_secs(
        std::env::var("ORDINAL_BENCH_BUDGET_S")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    // `ORDINAL_BENCH_PER_POD=0` skips the per-pod table; `=only` runs nothing else.
    let per_pod = std::env::var("ORDINAL_BENCH_PER_POD").unwrap_or_default();
    if per_pod == "only" {
        per_pod_table(&per_pod_sizes(quick, max));
        return;
    }
    println!(
        "{:<44} {:>12} {:>16}",
        "benchmark (native)", "wall", "simulated"
    );
    let mut largest: Option<(Cluster, usize)> = None;
    // `ORDINAL_BENCH_POLICY=Parallel` (or OrderedReady) runs one policy only.
    let only = std::env::var("ORDINAL_BENCH_POLICY").ok();
    for policy in ["OrderedReady", "Parallel"] {
        if only.as_deref().is_some_and(|o| o != policy) {
            continue;
        }
        let mut over = None;
        // `ORDINAL_BENCH_MIN=N` skips the smaller sizes (for profiling one size).
        let min: usize = std::env::var("ORDINAL_BENCH_MIN")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        for n in [10usize, 100, 1_000, 10_000] {
            if n < min {
                continue;
            }
            if n > max {
                break;
            }
            let label = format!("settle {n} replicas + claims, {policy}");
            if let Some(prev) = over {
                println!(
                    "{label:<44} {:>12} {:>16}",
                    "skipped",
                    format!("(N={prev} > {}s)", budget.as_secs())
                );
                continue;
            }
            let (c, wall, sim_ms) = settle(n, policy);
            println!(
                "{label:<44} {:>12} {:>16}",
                fmt(wall),
                format!("{:.1} s", sim_ms as f64 / 1000.0)
            );
            if wall > budget {
                over = Some(n);
            }
            if policy == "Parallel" && largest.as_ref().is_none_or(|(_, m)| n > *m) {
                largest = Some((c, n));
            }
        }
    }
    if let Some((mut c, n)) = largest {
        let tick = median(50, || c.advance(16));
        println!(
            "{:<44} {:>12}",
            format!("idle tick (16 ms) at {n} pods"),
            fmt(tick)
        );
        // Cost follows change: one pod deleted in a settled set, until its replacement is Ready.
        let victim = format!("web-{}", n / 2);
        // `ORDINAL_BENCH_REPEAT_DELETE=K` deletes and settles K more times first (to profile it).
        let repeat: usize = std::env::var("ORDINAL_BENCH_REPEAT_DELETE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let delete_and_settle = |c: &mut Cluster| {
            c.delete(
                ordinal_sim::api::Kind::Pod,
                "default",
                &victim,
                &Default::default(),
            )
            .expect("deletes");
            c.settle()
        };
        for _ in 0..repeat {
            delete_and_settle(&mut c);
        }
        let t = Instant::now();
        let s = delete_and_settle(&mut c);
        let wall = t.elapsed();
        println!(
            "{:<44} {:>12} {:>16}",
            format!("delete 1 pod, settle again ({n} pods)"),
            fmt(wall),
            format!("{:.1} s", s.elapsed_ms as f64 / 1000.0)
        );
        let lookup = median(1000, || {
            std::hint::black_box(c.dns_lookup("default", "web-0.nginx", QueryType::A));
        });
        println!(
            "{:<44} {:>12}",
            format!("DNS lookup web-0.nginx ({n} pods)"),
            fmt(lookup)
        );
    }
    if per_pod != "0" {
        per_pod_table(&per_pod_sizes(quick, max));
    }
    let web = include_str!("../../../examples/web.yaml");
    let apply = median(50, || {
        let mut c = Cluster::new(1);
        for r in c.apply_yaml(web, "default").expect("parses") {
            r.expect("applies");
        }
    });
    println!(
        "{:<44} {:>12}",
        "parse + apply web.yaml (fresh cluster)",
        fmt(apply)
    );
}
