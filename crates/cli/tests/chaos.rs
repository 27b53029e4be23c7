//! Seeded chaos through the learner's terminal: random sequences of kubectl and docker lines
//! (apply, scale, pod delete, set delete with each cascade, claim delete, image update,
//! partition change, `ordinals.start`, files written and moved through `kubectl exec`, cordon,
//! node stop and start, sleep) over the k8s.io `web` StatefulSet, with every invariant of the
//! core's `invariants.rs` checked after every line, and the convergence checks whenever a sleep
//! ends with nothing pending.
//!
//! Because every step is a line typed into a [`Session`], a failing seed prints a script that
//! `ordinal run --seed N -` replays exactly (the cluster's seed is the seed; the lines are
//! the whole input).
//!
//! `ORDINAL_SEEDS=N` runs N seeds per test instead of [`DEFAULT_SEEDS`]; `ORDINAL_SEED=S`
//! replays one seed.

#[path = "../../sim/tests/it/splitmix.rs"]
mod splitmix;
use splitmix::SplitMix;
#[path = "../../sim/tests/it/scenario.rs"]
mod scenario;
use scenario::{failing_seeds, panic_message, seeds, Scenario};
#[allow(dead_code)]
#[path = "../../sim/tests/it/invariants.rs"]
mod invariants;

use invariants::{describe, Checker};
use ordinal_kubectl::session::{MemFiles, Mode};
use ordinal_kubectl::Session;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;
use std::panic::{catch_unwind, AssertUnwindSafe};

const DEFAULT_SEEDS: u64 = 50;
const LINES_PER_SEED: usize = 30;
const HTML: &str = "/usr/share/nginx/html";
const WORKERS: [&str; 2] = ["kind-worker", "kind-worker2"];

impl Scenario {
    /// One shell line that writes the manifest to `web.yaml`.
    fn write_line(&self) -> String {
        let body = self
            .yaml()
            .replace('\\', "\\\\")
            .replace('%', "%%")
            .replace('\n', "\\n");
        assert!(!body.contains('\''), "the manifest needs no single quotes");
        format!("printf '{body}' > web.yaml")
    }
}

/// A session on a cluster, the lines typed so far and the checker watching it.
struct Run {
    c: Cluster,
    s: Session,
    chk: Checker,
    lines: Vec<String>,
    /// What `ordinal run` prints for these lines.
    transcript: String,
}

impl Run {
    fn new(seed: u64) -> Run {
        let c = Cluster::new(seed);
        let chk = Checker::new(&c);
        Run {
            c,
            s: Session::new(Box::new(MemFiles::default())),
            chk,
            lines: Vec::new(),
            transcript: String::new(),
        }
    }

    /// Types `line`, then checks every invariant; `Ok(status)` is the line's exit status.
    fn line(&mut self, line: String) -> Result<i32, String> {
        self.change_file(line, None)
    }

    /// Types `line`, a `kubectl exec` that sets the file `(pod, path)` to some content
    /// (`None`: removes it); if it succeeds, the checker tracks the change before it checks.
    fn change_file(
        &mut self,
        line: String,
        file: Option<(&str, &str, Option<&str>)>,
    ) -> Result<i32, String> {
        self.transcript
            .push_str(&format!("{}{line}\n", self.s.prompt()));
        let out = self.s.input(&mut self.c, &line, Mode::Script);
        let text = out.text();
        // A line the playground does not understand would test nothing.
        for refusal in [
            "is not available in this playground",
            "unknown flag",
            "unknown command",
        ] {
            if text.contains(refusal) {
                return Err(format!("the line {line:?} was refused: {text}"));
            }
        }
        self.transcript.push_str(&text);
        if !text.is_empty() && !text.ends_with('\n') {
            self.transcript.push('\n');
        }
        self.lines.push(line);
        if let Some((pod, path, content)) = file.filter(|_| out.status == 0) {
            self.chk.track(&self.c, "default", pod, path, content)?;
        }
        self.chk.check(&self.c)?;
        Ok(out.status)
    }

    fn pods(&self) -> Vec<String> {
        names::<Pod>(&self.c)
    }

    /// At a point with nothing pending: the checks that need quiet.
    fn check_quiet(&mut self) -> Result<(), String> {
        if self.c.next_timer().is_some() {
            return Ok(());
        }
        let c = &self.c;
        let cordoned = c
            .list_as::<Node>(None)
            .iter()
            .any(|n| n.spec.unschedulable == Some(true));
        let stopped = c.node_names().iter().any(|n| !c.node_running(n));
        let unready = c
            .list_as::<Pod>(Some("default"))
            .iter()
            .any(|p| !p.is_running_and_ready());
        if stopped {
            Ok(())
        } else if cordoned || unready {
            self.chk.check_settled(c)
        } else {
            self.chk.check_quiet(c)
        }
    }
}

fn names<T: Resource>(c: &Cluster) -> Vec<String> {
    c.list_as::<T>(Some("default"))
        .iter()
        .map(|o| o.meta().name.clone())
        .collect()
}

/// Types one random line.
fn random_line(r: &mut Run, rng: &mut SplitMix, sc: &Scenario, n: usize) -> Result<(), String> {
    let pods = r.pods();
    let claims = names::<PersistentVolumeClaim>(&r.c);
    let set_exists = r.c.get_as::<StatefulSet>("default", "web").is_some();
    // Weights: scale, delete pod, delete all pods, delete set, apply, delete claim, write,
    // image, partition, sleep, long sleep, move index.html away, ordinals.start, nodes.
    let weights = [
        6,
        4,
        1,
        2,
        if set_exists { 1 } else { 6 },
        2,
        if sc.probe { 6 } else { 3 },
        3,
        2,
        8,
        2,
        if sc.probe { 2 } else { 0 },
        1,
        3,
    ];
    let op = rng.weighted(&weights);
    match op {
        0 => {
            let n = rng.between(0, 6);
            r.line(format!("kubectl scale sts web --replicas={n}"))?;
        }
        1 => {
            let Some(p) = rng.pick(&pods).cloned() else {
                return Ok(());
            };
            let flags = *rng
                .pick(&[
                    " --wait=false",
                    " --wait=false",
                    "",
                    " --force --grace-period=0",
                ])
                .unwrap();
            r.line(format!("kubectl delete pod {p}{flags}"))?;
        }
        2 => {
            r.line("kubectl delete pod -l app=nginx --wait=false".into())?;
        }
        3 => {
            let cascade = rng.pick(&["background", "foreground", "orphan"]).unwrap();
            r.line(format!(
                "kubectl delete sts web --cascade={cascade} --wait=false"
            ))?;
        }
        4 => {
            r.line("kubectl apply -f web.yaml".into())?;
        }
        5 => {
            let Some(claim) = rng.pick(&claims).cloned() else {
                return Ok(());
            };
            r.line(format!("kubectl delete pvc {claim} --wait=false"))?;
        }
        6 => {
            let Some(p) = rng.pick(&pods).cloned() else {
                return Ok(());
            };
            let path = if sc.probe && rng.chance(1, 2) {
                format!("{HTML}/index.html")
            } else {
                format!("{HTML}/f{}.txt", rng.below(4))
            };
            let text = format!("line {n} wrote this to {p}");
            let content = format!("{text}\n");
            r.change_file(
                format!("kubectl exec {p} -- sh -c 'echo \"{text}\" > {path}'"),
                Some((&p, &path, Some(&content))),
            )?;
        }
        7 => {
            let tag = rng.pick(&["0.21", "0.22", "0.23"]).unwrap();
            r.line(format!(
                "kubectl patch sts web -p '{{\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{{\"name\":\"nginx\",\"image\":\"registry.k8s.io/nginx-slim:{tag}\"}}]}}}}}}}}'"
            ))?;
        }
        8 => {
            let p = rng.between(0, 4);
            r.line(format!(
                "kubectl patch sts web -p '{{\"spec\":{{\"updateStrategy\":{{\"type\":\"RollingUpdate\",\"rollingUpdate\":{{\"partition\":{p}}}}}}}}}'"
            ))?;
        }
        9 => {
            let s = rng.between(1, 60);
            r.line(format!("sleep {s}"))?;
            r.check_quiet()?;
        }
        10 => {
            r.line("sleep 300".into())?;
            r.check_quiet()?;
        }
        11 => {
            let Some(p) = rng.pick(&pods).cloned() else {
                return Ok(());
            };
            let path = format!("{HTML}/index.html");
            r.change_file(
                format!("kubectl exec {p} -- mv {path} /tmp/"),
                Some((&p, &path, None)),
            )?;
        }
        12 => {
            let start = rng.between(0, 3);
            r.line(format!(
                "kubectl patch sts web --type=merge -p '{{\"spec\":{{\"ordinals\":{{\"start\":{start}}}}}}}'"
            ))?;
        }
        _ => {
            let node = *rng.pick(&WORKERS).unwrap();
            if rng.chance(1, 2) {
                let verb = if r.c.node_running(node) {
                    "stop"
                } else {
                    "start"
                };
                r.line(format!("docker {verb} {node}"))?;
            } else {
                let verb = if rng.chance(1, 2) {
                    "cordon"
                } else {
                    "uncordon"
                };
                r.line(format!("kubectl {verb} {node}"))?;
            }
        }
    }
    Ok(())
}

/// Brings every node back and every pod to Ready, then checks convergence once quiet.
fn finish(r: &mut Run, sc: &Scenario) -> Result<(), String> {
    r.line(format!("kubectl uncordon {}", WORKERS.join(" ")))?;
    for node in WORKERS {
        if !r.c.node_running(node) {
            r.line(format!("docker start {node}"))?;
        }
    }
    for _ in 0..30 {
        r.line("sleep 300".into())?;
        let unready: Vec<String> =
            r.c.list_as::<Pod>(Some("default"))
                .iter()
                .filter(|p| p.phase() == "Running" && !p.is_ready() && !p.is_terminating())
                .map(|p| p.metadata.name.clone())
                .collect();
        if unready.is_empty() && r.c.next_timer().is_none() {
            return r.chk.check_quiet(&r.c);
        }
        if !sc.probe {
            break;
        }
        for p in unready {
            let path = format!("{HTML}/index.html");
            r.change_file(
                format!("kubectl exec {p} -- sh -c 'echo healed > {path}'"),
                Some((&p, &path, Some("healed\n"))),
            )?;
        }
    }
    Err(format!(
        "not quiet at the end (next timer at {:?} ms)",
        r.c.next_timer().map(|t| t.0)
    ))
}

/// Runs one seed; `Err` carries the replayable report.
fn run_seed(seed: u64, parallel: bool) -> Result<usize, String> {
    let mut rng = SplitMix(seed ^ if parallel { 0x5A5A_0000 } else { 0 });
    let sc = Scenario::new(&mut rng, parallel);
    let mut r = Run::new(seed);
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        r.line(sc.write_line())?;
        r.line("kubectl apply -f web.yaml".into())?;
        for n in 1..=LINES_PER_SEED {
            random_line(&mut r, &mut rng, &sc, n)?;
        }
        finish(&mut r, &sc)
    }));
    let err = match result {
        Ok(Ok(())) => return Ok(r.chk.checks),
        Ok(Err(e)) => format!("{e}\nstate:\n  {}", describe(&r.c)),
        Err(panic) => format!("panicked: {}", panic_message(&*panic)),
    };
    Err(format!(
        "seed {seed} ({sc:?}) failed after line {}: {err}\n\
         replay: save the lines between the markers and run `ordinal run --seed {seed} FILE`\n\
         (or pipe them to `ordinal run --seed {seed} -`)\n\
         ----- 8< -----\n{}\n----- 8< -----",
        r.lines.len(),
        r.lines.join("\n")
    ))
}

fn run_all(parallel: bool) {
    let start = std::time::Instant::now();
    let seeds = seeds(DEFAULT_SEEDS);
    let mut checks = 0;
    let failures = failing_seeds(&seeds, |seed| run_seed(seed, parallel), |_, n| checks += n);
    eprintln!(
        "chaos ({}): {} seeds, {checks} checks, {:?}",
        if parallel { "Parallel" } else { "OrderedReady" },
        seeds.len(),
        start.elapsed()
    );
    assert!(failures.is_empty(), "failing seeds: {failures:?}");
}

#[test]
fn chaos_through_the_terminal_keeps_the_invariants_ordered_ready() {
    run_all(false);
}

#[test]
fn chaos_through_the_terminal_keeps_the_invariants_parallel() {
    run_all(true);
}

/// A seed's lines played by `ordinal run` print what the chaos run saw, line for line: the
/// script a failure prints is a faithful replay.
#[test]
fn ordinal_run_replays_a_seed_exactly() {
    for (seed, parallel) in [(3, false), (11, true)] {
        let mut rng = SplitMix(seed ^ if parallel { 0x5A5A_0000 } else { 0 });
        let sc = Scenario::new(&mut rng, parallel);
        let mut r = Run::new(seed);
        r.line(sc.write_line()).unwrap();
        r.line("kubectl apply -f web.yaml".into()).unwrap();
        for n in 1..=LINES_PER_SEED {
            random_line(&mut r, &mut rng, &sc, n).unwrap();
        }
        let script = r.lines.join("\n");
        let replay = ordinal_cli::run_script(&script, seed, Box::new(MemFiles::default()));
        assert_eq!(replay, r.transcript, "seed {seed}");
    }
}

/// The first line of every replay writes the manifest; `kubectl apply -f` must read back
/// exactly the YAML the scenario describes.
#[test]
fn the_manifest_line_writes_the_scenario_yaml() {
    let mut rng = SplitMix(7);
    let sc = Scenario::new(&mut rng, true);
    let mut r = Run::new(1);
    assert_eq!(r.line(sc.write_line()).unwrap(), 0);
    let out = r.s.input(&mut r.c, "cat web.yaml", Mode::Script);
    assert_eq!(out.text(), sc.yaml());
}
