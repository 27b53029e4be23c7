//! The few text tools of the learner's own machine that kubectl pipelines lean on:
//! `grep`, `head`, `tail`, `wc`, `sort`, `base64`.

use ordinal_shell::{Chunk, Output, Stream};

fn out(s: String) -> Output {
    Output {
        chunks: if s.is_empty() {
            Vec::new()
        } else {
            vec![Chunk {
                stream: Stream::Out,
                text: s,
            }]
        },
        status: 0,
        clear: false,
    }
}

fn err(s: String, status: i32) -> Output {
    Output {
        chunks: vec![Chunk {
            stream: Stream::Err,
            text: s,
        }],
        status,
        clear: false,
    }
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// Runs a tool on `input` (stdin, or the files' text the caller read). `None`: not a tool here.
pub fn run(name: &str, args: &[String], input: &str) -> Option<Output> {
    Some(match name {
        "grep" => {
            let (mut invert, mut icase, mut count, mut extended) = (false, false, false, false);
            let (mut after, mut before) = (0usize, 0usize);
            // `-e PATTERN` (any number) or else the first operand. Patterns are fixed strings
            // with alternation: `a\|b`, or `a|b` under -E.
            let mut patterns: Vec<String> = Vec::new();
            let mut pattern = None;
            let mut it = args.iter().peekable();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "-e" => {
                        if let Some(p) = it.next() {
                            patterns.push(p.clone());
                        }
                    }
                    s if s.len() > 2 && s.starts_with("-e") => patterns.push(s[2..].to_string()),
                    "-E" => extended = true,
                    "-A" | "-B" | "-C" => {
                        let n = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                        match a.as_str() {
                            "-A" => after = n,
                            "-B" => before = n,
                            _ => (after, before) = (n, n),
                        }
                    }
                    s if s.len() > 2
                        && matches!(s.get(..2), Some("-A" | "-B" | "-C"))
                        && s[2..].bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        let n = s[2..].parse().unwrap_or(0);
                        match &s[..2] {
                            "-A" => after = n,
                            "-B" => before = n,
                            _ => (after, before) = (n, n),
                        }
                    }
                    "-v" => invert = true,
                    "-i" => icase = true,
                    "-c" => count = true,
                    "-F" | "-w" => {}
                    s if s.starts_with('-') && s.len() > 1 && pattern.is_none() => {
                        for ch in s[1..].chars() {
                            match ch {
                                'v' => invert = true,
                                'i' => icase = true,
                                'c' => count = true,
                                'E' => extended = true,
                                _ => {}
                            }
                        }
                    }
                    s if pattern.is_none() && patterns.is_empty() => pattern = Some(s.to_string()),
                    _ => {}
                }
            }
            patterns.extend(pattern);
            if patterns.is_empty() {
                return Some(err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(), 2));
            }
            let bar = if extended { "|" } else { "\\|" };
            let alts: Vec<String> = patterns
                .iter()
                .flat_map(|p| p.split(bar))
                .map(|p| {
                    if icase {
                        p.to_lowercase()
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            let all = lines(input);
            let matched: Vec<bool> = all
                .iter()
                .map(|l| {
                    let l = if icase {
                        l.to_lowercase()
                    } else {
                        l.to_string()
                    };
                    alts.iter().any(|p| l.contains(p.as_str())) != invert
                })
                .collect();
            let hits = matched.iter().filter(|m| **m).count();
            let status = if hits == 0 { 1 } else { 0 };
            let mut shown = vec![false; all.len()];
            for (i, m) in matched.iter().enumerate() {
                if *m {
                    for s in shown
                        .iter_mut()
                        .take((i + after + 1).min(all.len()))
                        .skip(i.saturating_sub(before))
                    {
                        *s = true;
                    }
                }
            }
            let text = if count {
                format!("{hits}\n")
            } else {
                all.iter()
                    .zip(&shown)
                    .filter(|(_, s)| **s)
                    .map(|(l, _)| format!("{l}\n"))
                    .collect()
            };
            Output {
                status,
                ..out(text)
            }
        }
        "head" | "tail" => {
            let mut n: usize = 10;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                if a == "-n" {
                    n = it
                        .next()
                        .and_then(|v| v.trim_start_matches('+').parse().ok())
                        .unwrap_or(10);
                } else if let Some(v) = a.strip_prefix("-n") {
                    n = v.parse().unwrap_or(10);
                } else if let Some(v) = a.strip_prefix('-') {
                    n = v.parse().unwrap_or(n);
                }
            }
            let ls = lines(input);
            let picked = if name == "head" {
                &ls[..n.min(ls.len())]
            } else {
                &ls[ls.len().saturating_sub(n)..]
            };
            out(picked.iter().map(|l| format!("{l}\n")).collect())
        }
        "wc" => {
            let l = input.matches('\n').count();
            let w = input.split_whitespace().count();
            let c = input.len();
            let text = match args.iter().find(|a| a.starts_with('-')).map(String::as_str) {
                Some("-l") => format!("{l}\n"),
                Some("-w") => format!("{w}\n"),
                Some("-c") => format!("{c}\n"),
                _ => format!("{l:>7} {w:>7} {c:>7}\n"),
            };
            out(text)
        }
        "sort" => {
            let mut ls = lines(input);
            ordinal_sim::sort::sort(&mut ls);
            if args.iter().any(|a| a == "-r") {
                ls.reverse();
            }
            out(ls.iter().map(|l| format!("{l}\n")).collect())
        }
        "base64" => {
            if args.iter().any(|a| a == "-d" || a == "--decode") {
                let compact: String = input.split_whitespace().collect();
                match ordinal_sim::base64::decode(&compact) {
                    Some(b) => out(String::from_utf8_lossy(&b).into_owned()),
                    None => err("base64: invalid input\n".into(), 1),
                }
            } else {
                out(format!(
                    "{}\n",
                    ordinal_sim::base64::encode(input.as_bytes())
                ))
            }
        }
        _ => return None,
    })
}

/// `docker` on the learner's machine, which runs the kind cluster: `docker ps [-a]` lists the
/// three node containers, `docker stop`/`docker start NODE` stop and start one (what the
/// cluster sees is the core's `stop_node`/`start_node`). Other subcommands are not here.
pub fn docker(c: &mut ordinal_sim::Cluster, args: &[String]) -> (Output, Option<crate::jobs::Job>) {
    let Some(sub) = args.first() else {
        return (out("Usage:  docker [OPTIONS] COMMAND\n\nIn this playground: docker ps [-a], docker stop NODE..., docker start NODE...\n".into()), None);
    };
    let rest = &args[1..];
    let nodes = c.node_names();
    match sub.as_str() {
        "ps" => {
            let all = rest.iter().any(|a| a == "-a" || a == "--all");
            if let Some(bad) = rest.iter().find(|a| *a != "-a" && *a != "--all") {
                return (
                    err(format!("unknown flag: {bad}\nSee 'docker ps --help'.\n"), 125),
                    None,
                );
            }
            (out(docker_ps(c, &nodes, all)), None)
        }
        "stop" | "start" => {
            if rest.is_empty() {
                let (usage, what) = if sub == "stop" {
                    ("docker stop [OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers")
                } else {
                    ("docker start [OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers")
                };
                return (
                    err(
                        format!("\"docker {sub}\" requires at least 1 argument.\nSee 'docker {sub} --help'.\n\nUsage:  {usage}\n\n{what}\n"),
                        1,
                    ),
                    None,
                );
            }
            let mut o = out(String::new());
            let mut stopping = Vec::new();
            for name in rest {
                if !nodes.contains(name) {
                    o.chunks.push(Chunk {
                        stream: Stream::Err,
                        text: format!("Error response from daemon: No such container: {name}\n"),
                    });
                    o.status = 1;
                } else if sub == "stop" {
                    stopping.push(name.clone());
                } else {
                    // Starting a running container is not an error either.
                    let _ = c.start_node(name);
                    o.chunks.push(Chunk {
                        stream: Stream::Out,
                        text: format!("{name}\n"),
                    });
                }
            }
            // A running node ignores the stop signal: docker kills it after its 10 s timeout.
            let wait = if stopping.iter().any(|n| c.node_running(n)) {
                DOCKER_STOP_TIMEOUT_MS
            } else {
                0
            };
            let job = (!stopping.is_empty()).then(|| crate::jobs::Job::DockerStop {
                nodes: stopping,
                at: c.now().plus_ms(wait),
            });
            (o, job)
        }
        other => (
            err(
                format!("docker: 'docker {other}' is not available in this playground; it has docker ps, docker stop and docker start for the kind node containers.\n"),
                1,
            ),
            None,
        ),
    }
}

/// How long `docker stop` waits for a container before killing it (its default `--time`).
pub const DOCKER_STOP_TIMEOUT_MS: u64 = 10_000;

/// The 12-hex-digit container ID docker shows for a node (stable per name).
fn container_id(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", h & 0xffff_ffff_ffff)
}

/// go-units' `HumanDuration`, which `docker ps` uses for CREATED and STATUS.
pub fn docker_duration(ms: u64) -> String {
    let seconds = ms / 1000;
    let minutes = seconds / 60;
    let hours = (ms as f64 / 3_600_000.0 + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", ms / 3_600_000 / 24 / 365)
    }
}

fn docker_ps(c: &ordinal_sim::Cluster, nodes: &[String], all: bool) -> String {
    use ordinal_sim::api::Node;
    let now = c.now();
    let mut rows = vec![[
        "CONTAINER ID".to_string(),
        "IMAGE".into(),
        "COMMAND".into(),
        "CREATED".into(),
        "STATUS".into(),
        "PORTS".into(),
        "NAMES".into(),
    ]];
    // Newest first, as docker lists them; kind creates the workers after the control plane.
    for name in nodes.iter().rev() {
        let Some(node) = c.get_as::<Node>("", name) else {
            continue;
        };
        let running = c.node_running(name);
        if !running && !all {
            continue;
        }
        // The node object appears some 20 s after kind created its container.
        let created = node
            .metadata
            .creation_timestamp
            .map_or(now, |t| ordinal_sim::Time(t.0.saturating_sub(20_000)));
        let since = c.node_machine_since(name).unwrap_or(created);
        let status = if running {
            format!("Up {}", docker_duration(now.since(since)))
        } else {
            format!("Exited (137) {} ago", docker_duration(now.since(since)))
        };
        let control_plane = node
            .metadata
            .labels
            .contains_key("node-role.kubernetes.io/control-plane");
        let ports = if control_plane && running {
            "127.0.0.1:39543->6443/tcp".to_string()
        } else {
            String::new()
        };
        rows.push([
            container_id(name),
            format!("kindest/node:{}", ordinal_sim::KUBERNETES_VERSION),
            "\"/usr/local/bin/entr…\"".into(),
            format!("{} ago", docker_duration(now.since(created))),
            status,
            ports,
            name.clone(),
        ]);
    }
    let rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
    crate::table::render_with(&rows, DOCKER_TABLE)
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}

/// docker's tabwriter: minimum width 10, padding 3.
const DOCKER_TABLE: crate::table::Layout = crate::table::Layout {
    min_width: 10,
    padding: 3,
};

#[cfg(test)]
mod tests {
    use super::run;

    /// Found by fuzzing (`fuzz/regressions/kubectl_line/grep-multibyte-pattern`): a pattern whose
    /// second byte is inside a multibyte character was sliced at byte 2 and panicked.
    #[test]
    fn grep_takes_a_multibyte_pattern() {
        let text = "kʌs=3\nweb-0\n";
        assert_eq!(
            run("grep", &["kʌs".into()], text).unwrap().stdout(),
            "kʌs=3\n"
        );
        assert_eq!(run("grep", &["kʌ".into()], "x\n").unwrap().status, 1);
    }

    #[test]
    fn tools() {
        let text = "NAME\nweb-0\nweb-1\ndns\n";
        assert_eq!(
            run("grep", &["web".into()], text).unwrap().stdout(),
            "web-0\nweb-1\n"
        );
        assert_eq!(
            run("grep", &["-v".into(), "web".into()], text)
                .unwrap()
                .stdout(),
            "NAME\ndns\n"
        );
        assert_eq!(run("grep", &["nope".into()], text).unwrap().status, 1);
        assert_eq!(
            run("tail", &["-n".into(), "1".into()], text)
                .unwrap()
                .stdout(),
            "dns\n"
        );
        assert_eq!(
            run("head", &["-2".into()], text).unwrap().stdout(),
            "NAME\nweb-0\n"
        );
        assert_eq!(run("wc", &["-l".into()], text).unwrap().stdout(), "4\n");
        assert_eq!(
            run("base64", &["-d".into()], "aGk=").unwrap().stdout(),
            "hi"
        );
        assert!(run("awk", &[], "").is_none());
    }

    /// Runs a docker line to its end, as a script does.
    fn docker_line(c: &mut ordinal_sim::Cluster, line: &str) -> ordinal_shell::Output {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let (mut o, job) = super::docker(c, &args);
        if let Some(job) = job {
            let mut out = crate::Output::default();
            job.run_to_end(c, &mut out);
            for (_, t) in out.chunks {
                o.chunks.push(ordinal_shell::Chunk {
                    stream: ordinal_shell::Stream::Out,
                    text: t,
                });
            }
        }
        o
    }

    #[test]
    fn grep_alternatives_come_from_e_options_and_extended_bars() {
        let text = "Name: nginx\nSelector: app=web\nEndpoints: \nPort: web 80/TCP\n";
        let grep = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            run("grep", &args, text).unwrap().stdout()
        };
        let want = "Selector: app=web\nEndpoints: \n";
        assert_eq!(grep(&["-E", "Selector|Endpoints"]), want);
        assert_eq!(grep(&["Selector\\|Endpoints"]), want);
        assert_eq!(grep(&["-e", "Selector", "-e", "Endpoints"]), want);
        assert_eq!(grep(&["-eSelector", "-eEndpoints"]), want);
        // Without -E a bar is a character like any other.
        assert_eq!(grep(&["Selector|Endpoints"]), "");
        assert_eq!(grep(&["-vE", "Selector|Endpoints|Port"]), "Name: nginx\n");
    }

    #[test]
    fn grep_takes_attached_context_counts() {
        let text = "a\nb\nc\n";
        assert_eq!(
            run("grep", &["-A1".into(), "a".into()], text)
                .unwrap()
                .stdout(),
            "a\nb\n"
        );
    }

    #[test]
    fn docker_stops_and_starts_kind_nodes() {
        let mut c = ordinal_sim::Cluster::new(1);
        let ps = docker_line(&mut c, "ps").stdout();
        assert_eq!(ps.lines().count(), 4);
        assert!(ps.starts_with("CONTAINER ID   IMAGE                  COMMAND                  CREATED         STATUS         PORTS                       NAMES\n"));
        assert!(ps.contains("   Up 5 minutes   127.0.0.1:39543->6443/tcp   kind-control-plane\n"));
        let before = c.now();
        let o = docker_line(&mut c, "stop kind-worker");
        assert_eq!((o.stdout(), o.status), ("kind-worker\n".to_string(), 0));
        assert!(!c.node_running("kind-worker"));
        assert_eq!(c.now().since(before), 10_000, "docker kills it after 10 s");
        assert!(!docker_line(&mut c, "ps").stdout().contains("kind-worker\n"));
        let all = docker_line(&mut c, "ps -a").stdout();
        assert!(all.contains("   Exited (137) Less than a second ago                               kind-worker\n"), "{all}");
        // Stopping a stopped container is not an error, as with docker.
        assert_eq!(docker_line(&mut c, "stop kind-worker").status, 0);
        let o = docker_line(&mut c, "start kind-worker");
        assert_eq!((o.stdout(), o.status), ("kind-worker\n".to_string(), 0));
        assert!(c.node_running("kind-worker"));
        let o = docker_line(&mut c, "stop kind-worker3");
        assert_eq!(
            (o.stderr(), o.status),
            (
                "Error response from daemon: No such container: kind-worker3\n".to_string(),
                1
            )
        );
        let o = docker_line(&mut c, "exec -it kind-worker bash");
        assert_eq!(o.status, 1);
        assert!(o.stderr().contains("not available in this playground"));
    }

    struct NoFiles;
    impl crate::Files for NoFiles {
        fn read(&self, _: &str) -> Result<String, String> {
            Err("No such file or directory".into())
        }
    }

    fn kubectl(c: &mut ordinal_sim::Cluster, line: &str) -> crate::Output {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let env = crate::Env {
            namespace: "default",
            files: &NoFiles,
            stdin: "",
            interactive_shells: false,
        };
        crate::run(c, &args, &env)
    }

    #[test]
    fn a_stopped_node_s_kubelet_cannot_serve_exec_or_logs() {
        use ordinal_sim::api::{Node, Pod};
        let mut c = ordinal_sim::Cluster::new(1);
        c.apply_yaml(include_str!("../../../examples/k8s-io-web.yaml"), "default")
            .unwrap();
        c.settle();
        let node = c
            .get_as::<Pod>("default", "web-1")
            .and_then(|p| p.spec.node_name.clone())
            .unwrap();
        let ip = c
            .get_as::<Node>("", &node)
            .and_then(|n| n.internal_ip())
            .unwrap()
            .to_string();
        docker_line(&mut c, &format!("stop {node}"));
        assert_eq!(
            kubectl(&mut c, "logs web-1").stderr(),
            format!("Error from server: Get \"https://{ip}:10250/containerLogs/default/web-1/nginx\": dial tcp {ip}:10250: connect: no route to host\n")
        );
        assert_eq!(
            kubectl(&mut c, "exec web-1 -- hostname").stderr(),
            format!("error: Internal error occurred: error dialing backend: dial tcp {ip}:10250: connect: no route to host\n")
        );
        // The node goes NotReady only after the grace period.
        let status = |c: &mut ordinal_sim::Cluster| {
            let out = kubectl(c, "get nodes").stdout();
            let line = out
                .lines()
                .find(|l| l.split_whitespace().next() == Some(node.as_str()))
                .unwrap()
                .to_string();
            line.split_whitespace().nth(1).unwrap().to_string()
        };
        assert_eq!(status(&mut c), "Ready");
        c.advance(60_000);
        assert_eq!(status(&mut c), "NotReady");
    }

    #[test]
    fn docker_durations_are_go_units() {
        use super::docker_duration as d;
        assert_eq!(d(500), "Less than a second");
        assert_eq!(d(1_000), "1 second");
        assert_eq!(d(45_000), "45 seconds");
        assert_eq!(d(90_000), "About a minute");
        assert_eq!(d(5 * 60_000), "5 minutes");
        assert_eq!(d(60 * 60_000), "About an hour");
        assert_eq!(d(3 * 3_600_000), "3 hours");
    }
}
