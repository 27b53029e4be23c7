//! `ordinal serve`: the simulated cluster behind the Kubernetes API (crate `ordinal-server`).

use ordinal_server::{ClockMode, Config};
use ordinal_sim::features::FeatureGates;
use std::net::IpAddr;

pub const USAGE: &str = "Usage:
  ordinal [OPTIONS] serve [--port N] [--address IP] [--seed N] [--workers N]
                          [--speed X | --virtual-clock] [--kubeconfig FILE]

  --port N           the port to listen on (default 6443; 0 picks a free one)
  --address IP       the address to bind (default 127.0.0.1: this machine only)
  --seed N           the cluster's random seed (default 1)
  --workers N        kind worker nodes (default 2, or `ordinal --workers N`'s)
  --speed X          simulated seconds per real second (default 1)
  --virtual-clock    time moves only when asked: POST /ordinal/v1/clock/advance?by=30s, or a
                     watch that waits (for tests)
  --kubeconfig FILE  write the kubeconfig to FILE instead of printing it
";

fn fail(msg: &str) -> ! {
    eprint!("ordinal serve: {msg}\n{USAGE}");
    std::process::exit(2);
}

/// `workers` is `ordinal --workers N` before `serve`, which serve's own `--workers` overrides.
pub fn main(args: &[String], gates: FeatureGates, workers: Option<usize>) {
    let mut config = Config {
        port: 6443,
        gates,
        ..Config::default()
    };
    if let Some(n) = workers {
        config.workers = n;
    }
    let mut kubeconfig: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (args[i].clone(), None),
        };
        let takes_value = !matches!(flag.as_str(), "--virtual-clock" | "--help" | "-h");
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => fail(&format!("flag needs an argument: {flag}")),
                    }
                }
            }
        } else {
            String::new()
        };
        match flag.as_str() {
            "--help" | "-h" => {
                print!("{USAGE}");
                return;
            }
            "--port" => match value.parse() {
                Ok(p) => config.port = p,
                Err(_) => fail(&format!(
                    "invalid argument {value:?} for \"--port\": a port number, 0 to 65535"
                )),
            },
            "--address" => match value.parse::<IpAddr>() {
                Ok(a) => config.address = a,
                Err(_) => fail(&format!(
                    "invalid argument {value:?} for \"--address\": an IP address"
                )),
            },
            "--seed" => match value.parse() {
                Ok(s) => config.seed = s,
                Err(_) => fail(&format!(
                    "invalid argument {value:?} for \"--seed\": a number"
                )),
            },
            "--workers" => match value.parse::<usize>() {
                Ok(n) if (1..=ordinal_sim::MAX_WORKERS).contains(&n) => config.workers = n,
                _ => fail(&format!(
                    "invalid argument {value:?} for \"--workers\": 1 to {}",
                    ordinal_sim::MAX_WORKERS
                )),
            },
            "--speed" => match value.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 && s <= 1000.0 => {
                    config.clock = ClockMode::Real { speed: s }
                }
                _ => fail(&format!(
                    "invalid argument {value:?} for \"--speed\": above 0, at most 1000"
                )),
            },
            "--virtual-clock" => config.clock = ClockMode::Virtual,
            "--kubeconfig" => kubeconfig = Some(value),
            other => fail(&format!("unknown flag: {other}")),
        }
        i += 1;
    }
    let handle = match ordinal_server::start(config.clone()) {
        Ok(h) => h,
        Err(e) => {
            eprintln!(
                "ordinal serve: cannot listen on {}:{}: {e}",
                config.address, config.port
            );
            std::process::exit(1);
        }
    };
    let url = handle.url();
    eprintln!(
        "Ordinal: a simulated kind cluster (Kubernetes {}) serving the Kubernetes API at {url}",
        ordinal_sim::KUBERNETES_VERSION
    );
    if config.address.is_loopback() {
        eprintln!(
            "Listening on {} only: this machine can connect, others cannot (--address to change).",
            config.address
        );
    } else {
        eprintln!(
            "Listening on {}: other machines can connect; there is no authentication.",
            config.address
        );
    }
    eprintln!(
        "Clock: {}. Ctrl-C stops the server.",
        config.clock.describe()
    );
    match kubeconfig {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, handle.kubeconfig()) {
                eprintln!("ordinal serve: cannot write {path}: {e}");
                handle.stop();
                std::process::exit(1);
            }
            eprintln!("Kubeconfig written to {path}. Use it with:\n  export KUBECONFIG={path}\n  kubectl get nodes");
        }
        None => {
            eprintln!("Kubeconfig (save it, then `export KUBECONFIG=FILE`; or use `kubectl --server={url}`):");
            print!("{}", handle.kubeconfig());
        }
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let (tx, rx) = std::sync::mpsc::channel();
    let _ = ctrlc::set_handler(move || {
        let _ = tx.send(());
    });
    let _ = rx.recv();
    handle.stop();
    eprintln!("ordinal serve: stopped");
}
