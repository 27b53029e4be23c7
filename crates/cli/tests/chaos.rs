//! Seeded chaos through the learner's terminal: random sequences of kubectl and docker lines
//! (apply, scale, pod delete, set delete with each cascade, claim delete, image update,
//! partition change, `ordinals.start`, files written and moved through `kubectl exec`, cordon,
//! node stop and start, sleep) over the k8s.io `web` StatefulSet, and (scale, pod delete, image
//! updates good and mistyped, pause, resume, delete, re-apply, nodes, sleep) over kubernetes.io's
//! nginx Deployment, with every invariant of the core's `invariants.rs` checked after every line,
//! and the convergence checks whenever a sleep ends with nothing pending.
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
use ordinal_sim::faults::Faults;
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
    /// A fault plan is armed: the convergence checks wait until it is cleared.
    faults: bool,
    /// With a fault plan: how many lines had been typed when it was cleared.
    faults_for: Option<usize>,
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
            faults: false,
            faults_for: None,
        }
    }

    /// Arms the chaos fault plan ([`FAULT_PLAN`]): the invariants that hold under faults only,
    /// and no convergence checks, until [`Run::clear_faults`].
    fn arm_faults(&mut self) {
        self.c.set_faults(Faults::parse(FAULT_PLAN).unwrap());
        self.chk.faults = true;
        self.faults = true;
    }

    /// Clears the fault plan (as `ordinal run --faults-for N` does after N lines) and checks.
    fn clear_faults(&mut self) -> Result<(), String> {
        self.c.clear_faults();
        self.chk.faults = false;
        self.faults = false;
        self.faults_for = Some(self.lines.len());
        self.chk.check(&self.c)
    }

    /// The `ordinal run` options that replay this run: the seed, and the fault plan if one was
    /// armed, with when it was cleared.
    fn replay_options(&self, seed: u64) -> String {
        let mut o = format!("--seed {seed}");
        if self.faults || self.faults_for.is_some() {
            o.push_str(&format!(" --faults '{FAULT_PLAN}'"));
        }
        if let Some(n) = self.faults_for {
            o.push_str(&format!(" --faults-for {n}"));
        }
        o
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
        if self.c.next_timer().is_some() || self.faults {
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
        _ => node_step(r, rng)?,
    }
    Ok(())
}

/// A node disrupted: one of the workers stopped or started (`docker`), or cordoned or
/// uncordoned. A stop or start takes pods' availability away (or gives it back) outside the
/// controllers, so the availability floors count again from there.
fn node_step(r: &mut Run, rng: &mut SplitMix) -> Result<(), String> {
    let node = *rng.pick(&WORKERS).unwrap();
    if rng.chance(1, 2) {
        let verb = if r.c.node_running(node) {
            "stop"
        } else {
            "start"
        };
        r.chk.disrupted();
        r.line(format!("docker {verb} {node}"))?;
        r.chk.disrupted();
    } else {
        let verb = if rng.chance(1, 2) {
            "cordon"
        } else {
            "uncordon"
        };
        r.line(format!("kubectl {verb} {node}"))?;
    }
    Ok(())
}

/// Every worker uncordoned and running again.
fn nodes_back(r: &mut Run) -> Result<(), String> {
    r.line(format!("kubectl uncordon {}", WORKERS.join(" ")))?;
    for node in WORKERS {
        if !r.c.node_running(node) {
            r.chk.disrupted();
            r.line(format!("docker start {node}"))?;
        }
    }
    Ok(())
}

/// The workqueue's longest backoff (client-go's `DefaultControllerRateLimiter`: 5 ms doubling
/// up to 1000 s). A sync that failed many times in a row while faults were armed (chaos fault
/// seed 6654: a set creating `web-1` got `AlreadyExists` from a terminating orphan of that name
/// for ten minutes, then one more fault) is retried that late once they stop, as upstream's
/// controller would: convergence after faults waits that long, in `sleep 300` steps.
const MAX_BACKOFF_SLEEPS: usize = 4;

/// Brings every node back and every pod to Ready, then checks convergence once quiet.
fn finish(r: &mut Run, sc: &Scenario) -> Result<(), String> {
    nodes_back(r)?;
    for i in 0..30 {
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
        let backoff = r.faults_for.is_some() && i + 1 < MAX_BACKOFF_SLEEPS;
        if !sc.probe && !backoff {
            break;
        }
        for p in unready.into_iter().filter(|_| sc.probe) {
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

/// The fault mode's plan (`ordinal_sim::faults::Faults::parse`'s text, which `ordinal run
/// --faults` takes): every controller's creates, updates, status updates and deletes fail by
/// chance (a conflict, a 500 or a timeout, 2% each), and the watch drops a few events twice.
const FAULT_PLAN: &str = "*:*:2%,watch:50+5,watch:400+20";

/// Runs one seed; `Err` carries the replayable report. With `faults`, the fault plan is armed
/// for the random lines (only the invariants that hold under faults are checked, and no
/// convergence) and cleared before the end, which must converge as without.
fn run_seed(seed: u64, parallel: bool, faults: bool) -> Result<usize, String> {
    let mut rng = SplitMix(seed ^ if parallel { 0x5A5A_0000 } else { 0 });
    let sc = Scenario::new(&mut rng, parallel);
    let mut r = Run::new(seed);
    if faults {
        r.arm_faults();
    }
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        r.line(sc.write_line())?;
        r.line("kubectl apply -f web.yaml".into())?;
        for n in 1..=LINES_PER_SEED {
            random_line(&mut r, &mut rng, &sc, n)?;
        }
        if r.faults {
            r.clear_faults()?;
        }
        finish(&mut r, &sc)
    }));
    let err = match result {
        Ok(Ok(())) => return Ok(r.chk.checks),
        Ok(Err(e)) => format!("{e}\nstate:\n  {}", describe(&r.c)),
        Err(panic) => format!("panicked: {}", panic_message(&*panic)),
    };
    let faults = if faults { " with API faults" } else { "" };
    let options = r.replay_options(seed);
    Err(format!(
        "seed {seed}{faults} ({sc:?}) failed after line {}: {err}\n\
         replay: save the lines between the markers and run `ordinal run {options} FILE`\n\
         (or pipe them to `ordinal run {options} -`)\n\
         ----- 8< -----\n{}\n----- 8< -----",
        r.lines.len(),
        r.lines.join("\n")
    ))
}

fn run_all(parallel: bool, faults: bool) {
    let start = std::time::Instant::now();
    let seeds = seeds(DEFAULT_SEEDS);
    let mut checks = 0;
    let failures = failing_seeds(
        &seeds,
        |seed| run_seed(seed, parallel, faults),
        |_, n| checks += n,
    );
    eprintln!(
        "chaos ({}{}): {} seeds, {checks} checks, {:?}",
        if parallel { "Parallel" } else { "OrderedReady" },
        if faults { ", API faults" } else { "" },
        seeds.len(),
        start.elapsed()
    );
    assert!(failures.is_empty(), "failing seeds: {failures:?}");
}

#[test]
fn chaos_through_the_terminal_keeps_the_invariants_ordered_ready() {
    run_all(false, false);
}

#[test]
fn chaos_through_the_terminal_keeps_the_invariants_parallel() {
    run_all(true, false);
}

/// The fault mode: the same random lines with the controllers' writes failing by chance and
/// watches dropping (`ordinal_sim::faults`), the invariants that hold under faults after every
/// line, then the faults cleared and convergence as without.
#[test]
fn chaos_with_api_faults_keeps_the_invariants_and_converges() {
    run_all(false, true);
    run_all(true, true);
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

/// A fault seed's printed replay reproduces it: `ordinal run --faults PLAN --faults-for N`
/// (the library call, and the binary with the options the failure report prints) arms the
/// same plan, clears it after the same line, and prints what the chaos run saw.
#[test]
fn ordinal_run_replays_a_fault_seed_exactly() {
    for (seed, parallel) in [(6031, true), (5, false)] {
        let mut rng = SplitMix(seed ^ if parallel { 0x5A5A_0000 } else { 0 });
        let sc = Scenario::new(&mut rng, parallel);
        let mut r = Run::new(seed);
        r.arm_faults();
        r.line(sc.write_line()).unwrap();
        r.line("kubectl apply -f web.yaml".into()).unwrap();
        for n in 1..=LINES_PER_SEED {
            random_line(&mut r, &mut rng, &sc, n).unwrap();
        }
        let injected = r.c.faults().map_or(0, |f| f.injected.len());
        assert!(injected > 0, "seed {seed}: no fault struck");
        r.clear_faults().unwrap();
        finish(&mut r, &sc).unwrap();
        let script = r.lines.join("\n");
        let faults = ordinal_cli::ScriptFaults {
            plan: Faults::parse(FAULT_PLAN).unwrap(),
            lines: r.faults_for,
        };
        let replay = ordinal_cli::run_script_with_faults(
            &script,
            seed,
            Default::default(),
            Some(faults),
            Box::new(MemFiles::default()),
        );
        assert_eq!(replay, r.transcript, "seed {seed}");
        // The binary, with the options a failure prints.
        let options = r.replay_options(seed);
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(options.split(' ').map(|a| a.trim_matches('\'').to_string()));
        args.push("-".into());
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .args(&args)
            .current_dir(std::env::temp_dir())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            r.transcript,
            "{args:?}"
        );
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

/// A Deployment scenario: kubernetes.io's nginx-deployment with a drawn size and strategy.
#[derive(Clone, Debug)]
struct DeploymentScenario {
    replicas: i64,
    /// `None`: Recreate; else (maxSurge, maxUnavailable).
    rolling: Option<(&'static str, &'static str)>,
}

const GOOD_TAGS: [&str; 4] = ["1.14.2", "1.16.1", "1.25", "1.27"];

impl DeploymentScenario {
    fn new(rng: &mut SplitMix) -> DeploymentScenario {
        let params = [
            ("25%", "25%"),
            ("1", "0"),
            ("0", "1"),
            ("2", "1"),
            ("50%", "50%"),
        ];
        DeploymentScenario {
            replicas: rng.between(1, 5) as i64,
            rolling: if rng.chance(1, 4) {
                None
            } else {
                rng.pick(&params).copied()
            },
        }
    }

    fn yaml(&self) -> String {
        let strategy = match self.rolling {
            None => "  strategy:\n    type: Recreate\n".to_string(),
            Some((s, u)) => format!(
                "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {}\n      maxUnavailable: {}\n",
                quote(s),
                quote(u)
            ),
        };
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-deployment\n  labels:\n    app: nginx\nspec:\n  replicas: {}\n{strategy}  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.14.2\n        ports:\n        - containerPort: 80\n",
            self.replicas
        )
    }

    fn write_line(&self) -> String {
        let body = self.yaml().replace('\n', "\\n").replace('%', "%%");
        format!("printf '{body}' > deploy.yaml")
    }
}

/// A percentage is a YAML string; a count a number.
fn quote(v: &str) -> String {
    if v.ends_with('%') {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

fn patch_image(tag: &str) -> String {
    format!(
        "kubectl patch deployment nginx-deployment -p '{{\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{{\"name\":\"nginx\",\"image\":\"nginx:{tag}\"}}]}}}}}}}}'"
    )
}

/// Types one random line about the Deployment.
fn random_deployment_line(r: &mut Run, rng: &mut SplitMix) -> Result<(), String> {
    let pods = r.pods();
    let exists =
        r.c.get_as::<Deployment>("default", "nginx-deployment")
            .is_some();
    // Weights: scale, delete pod, image, bad image, pause/resume, apply, delete, sleep, long
    // sleep, nodes.
    let weights = [5, 4, 5, 2, 2, if exists { 1 } else { 6 }, 1, 8, 2, 2];
    match rng.weighted(&weights) {
        0 => {
            let n = rng.between(0, 6);
            r.line(format!(
                "kubectl scale deployment nginx-deployment --replicas={n}"
            ))?;
        }
        1 => {
            let Some(p) = rng.pick(&pods).cloned() else {
                return Ok(());
            };
            r.chk.disrupted();
            r.line(format!("kubectl delete pod {p} --wait=false"))?;
        }
        2 => {
            let tag = *rng.pick(&GOOD_TAGS).unwrap();
            r.line(patch_image(tag))?;
        }
        3 => {
            r.line(patch_image("1.161"))?;
        }
        4 => {
            let paused = rng.chance(1, 2);
            r.line(format!(
                "kubectl patch deployment nginx-deployment -p '{{\"spec\":{{\"paused\":{paused}}}}}'"
            ))?;
        }
        5 => {
            r.line("kubectl apply -f deploy.yaml".into())?;
        }
        6 => {
            r.line("kubectl delete deployment nginx-deployment --wait=false".into())?;
        }
        7 => {
            let s = rng.between(1, 60);
            r.line(format!("sleep {s}"))?;
        }
        8 => {
            r.line("sleep 300".into())?;
        }
        _ => node_step(r, rng)?,
    }
    Ok(())
}

/// Brings the nodes back, resumes the Deployment with a good image, and waits for it to have
/// exactly its pods, all updated and available, in one active ReplicaSet.
fn finish_deployment(r: &mut Run) -> Result<(), String> {
    nodes_back(r)?;
    if r.c
        .get_as::<Deployment>("default", "nginx-deployment")
        .is_none()
    {
        r.line("kubectl apply -f deploy.yaml".into())?;
    }
    r.line("kubectl patch deployment nginx-deployment -p '{\"spec\":{\"paused\":false}}'".into())?;
    r.line(patch_image("1.27"))?;
    for _ in 0..10 {
        r.line("sleep 300".into())?;
        let c = &r.c;
        let Some(d) = c.get_as::<Deployment>("default", "nginx-deployment") else {
            return Err("the Deployment is gone".into());
        };
        let s = &d.status;
        let want = d.replicas();
        let active: Vec<&ReplicaSet> = c
            .list_as::<ReplicaSet>(Some("default"))
            .into_iter()
            .filter(|rs| rs.spec.replicas.unwrap_or(0) > 0)
            .collect();
        let pods = invariants::deployment_pods(c, d);
        if s.replicas == want
            && s.updated_replicas == want
            && s.available_replicas == want
            && s.observed_generation == d.metadata.generation
            && active.len() == usize::from(want > 0)
            && pods.len() == want as usize
            && c.next_timer().is_none()
        {
            r.chk.faults = false;
            return r.chk.check_settled(&r.c);
        }
    }
    Err("the Deployment did not converge".into())
}

/// Runs one Deployment seed; `Err` carries the replayable report. With `faults`, the fault
/// plan is armed for the random lines (the invariants that hold under faults after every line)
/// and cleared before the end, which must converge as without.
fn run_deployment_seed(seed: u64, faults: bool) -> Result<usize, String> {
    let mut rng = SplitMix(seed ^ 0xD3D3_0000);
    let sc = DeploymentScenario::new(&mut rng);
    let mut r = Run::new(seed);
    if faults {
        r.arm_faults();
    }
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        r.line(sc.write_line())?;
        r.line("kubectl apply -f deploy.yaml".into())?;
        for _ in 0..LINES_PER_SEED {
            random_deployment_line(&mut r, &mut rng)?;
        }
        if r.faults {
            // A delete the garbage collector retries with backoff may still be due after the
            // faults stop (10,000 seeds: 88, 184, 260, 294, 476, a pod whose ReplicaSet is gone):
            // the invariants that hold under faults apply until the Deployment has converged,
            // with no timer left, and every invariant then (`finish_deployment`).
            r.c.clear_faults();
            r.faults = false;
            r.faults_for = Some(r.lines.len());
        }
        finish_deployment(&mut r)
    }));
    let err = match result {
        Ok(Ok(())) => return Ok(r.chk.checks),
        Ok(Err(e)) => format!("{e}\nstate:\n  {}", describe(&r.c)),
        Err(panic) => format!("panicked: {}", panic_message(&*panic)),
    };
    let faults = if faults { " with API faults" } else { "" };
    let options = r.replay_options(seed);
    Err(format!(
        "seed {seed}{faults} ({sc:?}) failed after line {}: {err}\n\
         replay: save the lines between the markers and run `ordinal run {options} FILE`\n\
         ----- 8< -----\n{}\n----- 8< -----",
        r.lines.len(),
        r.lines.join("\n")
    ))
}

fn run_all_deployments(faults: bool) {
    let start = std::time::Instant::now();
    let seeds = seeds(DEFAULT_SEEDS);
    let mut checks = 0;
    let failures = failing_seeds(
        &seeds,
        |seed| run_deployment_seed(seed, faults),
        |_, n| checks += n,
    );
    eprintln!(
        "chaos (Deployment{}): {} seeds, {checks} checks, {:?}",
        if faults { ", API faults" } else { "" },
        seeds.len(),
        start.elapsed()
    );
    assert!(failures.is_empty(), "failing seeds: {failures:?}");
}

/// Deployments under chaos: during every rollout no more than replicas + maxSurge pods, never
/// fewer available than replicas − maxUnavailable once reached (unless a pod or node was taken
/// away), every pod controlled by exactly one ReplicaSet of its Deployment; and in the end
/// the Deployment converges.
#[test]
fn chaos_through_the_terminal_keeps_the_deployment_invariants() {
    run_all_deployments(false);
}

/// The Deployment's fault mode: the same random lines with the controllers' writes failing by
/// chance and watches dropping, the invariants that hold under faults after every line (the
/// availability floor and one ReplicaSet per pod included), then the faults cleared and
/// convergence as without.
#[test]
fn chaos_deployment_with_api_faults_keeps_the_invariants_and_converges() {
    run_all_deployments(true);
}
