//! What the random-operation tests (`random_ops.rs` here, and `crates/cli/tests/chaos.rs`,
//! which includes this file by path) share: the manifest's variations, drawn once per seed from
//! its [`SplitMix`] (a seed must draw the same scenario in both, and in the transcripts that
//! replay a seed), which seeds run, and the loop over them.

use super::splitmix::SplitMix;

const K8S_WEB_YAML: &str = include_str!("../../../../examples/k8s-io-web.yaml");

/// The k8s.io `web` StatefulSet's variations.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub parallel: bool,
    pub on_delete: bool,
    pub when_scaled: &'static str,
    pub when_deleted: &'static str,
    pub min_ready: u32,
    /// A readiness probe on `/index.html`, which lives on the (initially empty) claim: pods are
    /// Ready only once a write puts it there, and a removal makes them unready again.
    pub probe: bool,
}

impl Scenario {
    pub fn new(rng: &mut SplitMix, parallel: bool) -> Scenario {
        let policy = ["Retain", "Delete"];
        Scenario {
            parallel,
            on_delete: rng.chance(1, 5),
            when_scaled: policy[rng.below(2) as usize],
            when_deleted: policy[rng.below(2) as usize],
            min_ready: if rng.chance(1, 5) { 5 } else { 0 },
            probe: rng.chance(1, 3),
        }
    }

    /// The manifest: the k8s.io example without its comment lines (the chaos test writes it
    /// with a single-quoted `printf`), the scenario's fields after `serviceName`, and the probe
    /// after the container's name.
    pub fn yaml(&self) -> String {
        let mut extra = String::new();
        if self.parallel {
            extra.push_str("  podManagementPolicy: Parallel\n");
        }
        if self.on_delete {
            extra.push_str("  updateStrategy:\n    type: OnDelete\n");
        }
        if self.min_ready > 0 {
            extra.push_str(&format!("  minReadySeconds: {}\n", self.min_ready));
        }
        extra.push_str(&format!(
            "  persistentVolumeClaimRetentionPolicy:\n    whenScaled: {}\n    whenDeleted: {}\n",
            self.when_scaled, self.when_deleted
        ));
        let base: String = K8S_WEB_YAML
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let anchor = "  serviceName: \"nginx\"\n";
        assert!(base.contains(anchor), "the example manifest changed");
        let mut yaml = base.replacen(anchor, &format!("{anchor}{extra}"), 1);
        if self.probe {
            let anchor = "          name: web\n";
            assert!(yaml.contains(anchor), "the example manifest changed");
            let probe = "        readinessProbe:\n          httpGet:\n            path: /index.html\n            port: 80\n          periodSeconds: 1\n          failureThreshold: 1\n";
            yaml = yaml.replacen(anchor, &format!("{anchor}{probe}"), 1);
        }
        yaml
    }
}

/// The seeds a test runs: `ORDINAL_SEED=S` replays one, `ORDINAL_SEEDS=N` runs `0..N`, else
/// `0..default`.
pub fn seeds(default: u64) -> Vec<u64> {
    if let Some(s) = std::env::var("ORDINAL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![s];
    }
    let n = std::env::var("ORDINAL_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    (0..n).collect()
}

/// Runs `run` on each seed, handing each success to `ok`; prints each failure's report and stops
/// after five. Returns the failing seeds.
pub fn failing_seeds<T>(
    seeds: &[u64],
    mut run: impl FnMut(u64) -> Result<T, String>,
    mut ok: impl FnMut(u64, T),
) -> Vec<u64> {
    let mut failures = Vec::new();
    for &seed in seeds {
        match run(seed) {
            Ok(o) => ok(seed, o),
            Err(report) => {
                eprintln!("{report}\n");
                failures.push(seed);
                if failures.len() >= 5 {
                    break;
                }
            }
        }
    }
    failures
}

/// A caught panic's message (`panic!` with a format or a literal).
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
