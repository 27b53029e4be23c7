//! `ordinal`: the playground in a terminal.
//!
//! * `ordinal` — an interactive session (kubectl, `k`, shell loops) on a fresh simulated cluster.
//! * `ordinal run [--seed N] [--faults SPEC [--faults-for N]] FILE|-` — plays a script and prints
//!   the transcript; `--faults` arms a fault plan for the controllers' writes
//!   (`ordinal_sim::faults::Faults::parse`), cleared after the first N lines.
//! * `kubectl edit` runs `KUBE_EDITOR`, `EDITOR` or `vi` (see `ordinal_cli::editor`).
//! * `ordinal serve [--port N] …` — the same core behind the Kubernetes API over HTTP, for real
//!   kubectl and client libraries (crate `ordinal-server`).
//! * `--feature-gates=Name=true,...` before either sets the cluster's feature gates, as kind's
//!   `featureGates` does (v1.33's defaults otherwise; e.g. `MaxUnavailableStatefulSet=true`).

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod serve;

use ordinal_cli::{new_session, run_script_on, DiskFiles, ScriptFaults};
use ordinal_kubectl::session::Mode;
use ordinal_sim::faults::Faults;
use ordinal_sim::features::FeatureGates;
use ordinal_sim::Cluster;
use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "Usage:
  ordinal [OPTIONS]                         start an interactive session on a fresh cluster
  ordinal [OPTIONS] run [--seed N] FILE|-   play a script and print its transcript
      [--faults SPEC [--faults-for N]]      with the controllers' API faults of SPEC
                                            (e.g. '*:*:2%,watch:50+5'), cleared after
                                            the first N lines
  ordinal [OPTIONS] serve [--port N] …      serve the Kubernetes API (kubectl, clients);
                                            `ordinal serve --help` for its flags
  ordinal --help | --version

Options (the cluster's, as a kind config sets them):
  --feature-gates=Name=true,...   the cluster's feature gates, as kind's featureGates sets them
                                  (Kubernetes v1.33's defaults otherwise), e.g.
                                  --feature-gates=MaxUnavailableStatefulSet=true
  --workers N                     worker nodes, 1 to 200 (default 2), as that many `role: worker`
                                  entries; kind's kubelet takes 110 pods a node
";

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut gates = FeatureGates::default();
    let mut workers: Option<usize> = None;
    // The cluster's options, before the command: `--feature-gates=G` and `--workers N`, each
    // as `--flag=value` or `--flag value`.
    while let Some(a) = args.first().cloned() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if flag != "--feature-gates" && flag != "--workers" {
            break;
        }
        args.remove(0);
        let value = match inline {
            Some(v) => v,
            None if args.is_empty() => {
                eprint!("ordinal: {flag} needs a value\n{USAGE}");
                std::process::exit(2);
            }
            None => args.remove(0),
        };
        if flag == "--workers" {
            match ordinal_cli::parse_workers(&value) {
                Ok(n) => workers = Some(n),
                Err(e) => {
                    eprintln!("ordinal: {e}");
                    std::process::exit(2);
                }
            }
            continue;
        }
        gates = match FeatureGates::parse(&value) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("ordinal: invalid argument {value:?} for \"--feature-gates\" flag: {e}");
                std::process::exit(2);
            }
        };
    }
    let cluster = |seed: u64, gates: FeatureGates| {
        Cluster::with_workers(seed, gates, workers.unwrap_or(ordinal_cli::DEFAULT_WORKERS))
    };
    match args.first().map(String::as_str) {
        None => repl(cluster(1, gates)),
        Some("--help") | Some("-h") | Some("help") => print!("{USAGE}"),
        Some("--version") | Some("-V") => println!(
            "ordinal {} (Kubernetes {})",
            env!("CARGO_PKG_VERSION"),
            ordinal_sim::KUBERNETES_VERSION
        ),
        Some("serve") => serve::main(&args[1..], gates, workers),
        Some("run") => {
            let mut seed = 1u64;
            let mut file = None;
            let mut faults: Option<Faults> = None;
            let mut faults_for: Option<usize> = None;
            let mut i = 1;
            while i < args.len() {
                // `--faults SPEC` / `--faults=SPEC`, `--faults-for N` / `--faults-for=N`.
                let flag = |name: &str, i: &mut usize| -> Option<String> {
                    let a = &args[*i];
                    if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                        return Some(v.to_string());
                    }
                    if a == name {
                        let Some(v) = args.get(*i + 1) else {
                            eprint!("ordinal run: {name} needs a value\n{USAGE}");
                            std::process::exit(2);
                        };
                        *i += 1;
                        return Some(v.clone());
                    }
                    None
                };
                if let Some(v) = flag("--faults", &mut i) {
                    match Faults::parse(&v) {
                        Ok(f) => faults = Some(f),
                        Err(e) => {
                            eprintln!("ordinal run: invalid --faults: {e}");
                            std::process::exit(2);
                        }
                    }
                    i += 1;
                    continue;
                }
                if let Some(v) = flag("--faults-for", &mut i) {
                    let Ok(n) = v.parse() else {
                        eprintln!("ordinal run: --faults-for takes a number of lines, not {v:?}");
                        std::process::exit(2);
                    };
                    faults_for = Some(n);
                    i += 1;
                    continue;
                }
                match args[i].as_str() {
                    "--seed" if i + 1 < args.len() => {
                        let Ok(s) = args[i + 1].parse() else {
                            eprintln!("ordinal: --seed takes a number, not {:?}", args[i + 1]);
                            std::process::exit(2);
                        };
                        seed = s;
                        i += 1;
                    }
                    s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                        Ok(v) => seed = v,
                        Err(_) => {
                            eprintln!("ordinal: --seed takes a number, not {s:?}");
                            std::process::exit(2);
                        }
                    },
                    f => file = Some(f.to_string()),
                }
                i += 1;
            }
            let Some(file) = file else {
                eprint!("ordinal run: missing FILE\n{USAGE}");
                std::process::exit(2);
            };
            let script = if file == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!("ordinal: cannot read standard input: {e}");
                    std::process::exit(2);
                }
                s
            } else {
                match std::fs::read_to_string(&file) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("ordinal: cannot read {file}: {e}");
                        std::process::exit(2);
                    }
                }
            };
            if faults.is_none() && faults_for.is_some() {
                eprintln!("ordinal run: --faults-for needs --faults");
                std::process::exit(2);
            }
            let faults = faults.map(|plan| ScriptFaults {
                plan,
                lines: faults_for,
            });
            print!(
                "{}",
                run_script_on(
                    cluster(seed, gates),
                    &script,
                    faults,
                    Box::new(DiskFiles::new("."))
                )
            );
        }
        Some(other) => {
            eprint!("ordinal: unknown command {other:?}\n{USAGE}");
            std::process::exit(2);
        }
    }
}

fn repl(mut cluster: Cluster) {
    let mut session = new_session(Box::new(DiskFiles::new(".")));
    // `kubectl edit` opens the user's editor on a real temp file, with the terminal.
    session.set_editor(Box::new(ordinal_cli::editor::ProcessEditor::terminal()));
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let tty = std::io::stdin().is_terminal();
    let mut editor = if tty {
        rustyline::DefaultEditor::new().ok()
    } else {
        None
    };
    if tty {
        println!("Ordinal: a simulated kind cluster (Kubernetes {}). Try `kubectl get nodes`; `exit` or Ctrl-D leaves.", ordinal_sim::KUBERNETES_VERSION);
        let gates = cluster.feature_gates().overrides();
        if !gates.is_empty() {
            println!("Feature gates: {}", gates.join(","));
        }
    }
    let mut last_tick = Instant::now();
    loop {
        // The cluster's clock follows the wall clock between commands.
        let elapsed = last_tick.elapsed().as_millis() as u64;
        cluster.advance(elapsed);
        last_tick = Instant::now();
        // What background jobs (`… &`) printed meanwhile shows before the prompt.
        if session.has_jobs() {
            print_out(&session.poll(&mut cluster));
        }
        let prompt = session.prompt();
        let line = match editor.as_mut() {
            Some(ed) => match ed.readline(&prompt) {
                Ok(l) => {
                    let _ = ed.add_history_entry(l.as_str());
                    l
                }
                Err(rustyline::error::ReadlineError::Interrupted) => continue,
                Err(_) => break,
            },
            None => {
                let mut l = String::new();
                match std::io::stdin().read_line(&mut l) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => l.trim_end_matches('\n').to_string(),
                }
            }
        };
        let elapsed = last_tick.elapsed().as_millis() as u64;
        cluster.advance(elapsed);
        last_tick = Instant::now();
        if !session.attached() && line.trim() == "exit" {
            break;
        }
        let mode = if tty { Mode::Interactive } else { Mode::Script };
        let out = session.input(&mut cluster, &line, mode);
        print_out(&out);
        interrupted.store(false, Ordering::SeqCst);
        while session.busy() {
            std::thread::sleep(Duration::from_millis(100));
            let dt = last_tick.elapsed().as_millis() as u64;
            cluster.advance(dt);
            last_tick = Instant::now();
            let out = session.poll(&mut cluster);
            print_out(&out);
            if interrupted.swap(false, Ordering::SeqCst) {
                print_out(&session.interrupt());
            }
        }
    }
}

fn print_out(out: &ordinal_kubectl::Output) {
    for (stream, text) in &out.chunks {
        match stream {
            ordinal_kubectl::Stream::Out => print!("{text}"),
            ordinal_kubectl::Stream::Err => eprint!("{text}"),
        }
    }
    let _ = std::io::stdout().flush();
}
