//! The core's benchmarks (issue 7), printed as a table: settle an N-replica StatefulSet with
//! claims under OrderedReady and Parallel, an idle tick at the largest size that settled, a DNS
//! lookup, and parse + apply of the lesson's web.yaml.
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

fn main() {
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
