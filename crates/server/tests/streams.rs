//! The streaming pod subresources through a real kubectl v1.33: `exec` (exit codes, stdin, a
//! shell reading lines), `logs` (plain, `--tail`, `-f`, errors), each against `ordinal serve`
//! started in-process with a virtual clock.

use ordinal_server::{start, ClockMode, Config, Handle};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn kubectl_path() -> Option<PathBuf> {
    let p = std::env::var_os("ORDINAL_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/kubectl-v1.33/kubectl")
        });
    if p.exists() {
        return Some(p);
    }
    // CI installs it: there, a missing kubectl is a failure.
    assert!(
        std::env::var_os("CI").is_none(),
        "kubectl v1.33 is not installed at {} (scripts/setup.sh installs it)",
        p.display()
    );
    eprintln!(
        "note: skipped, kubectl v1.33 is not installed at {}",
        p.display()
    );
    None
}

struct Env {
    server: Handle,
    kubectl: PathBuf,
    dir: PathBuf,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.server.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Env {
    /// A server with kubernetes.io's `web` StatefulSet (nginx-slim, two pods) and a pod
    /// `nginx` (docker.io's nginx, which writes a startup log), all Running.
    fn new(name: &str) -> Option<Env> {
        let kubectl = kubectl_path()?;
        let server = start(Config {
            port: 0,
            clock: ClockMode::Virtual,
            ..Config::default()
        })
        .expect("server starts");
        let dir =
            std::env::temp_dir().join(format!("ordinal-streams-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kubeconfig"), server.kubeconfig()).unwrap();
        let env = Env {
            server,
            kubectl,
            dir,
        };
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/k8s-io-web.yaml");
        let o = env.run(
            &[
                "create",
                "--validate=false",
                "-f",
                manifest.to_str().unwrap(),
            ],
            "",
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = env.run(&["run", "nginx", "--image=nginx"], "");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        env.post("/ordinal/v1/clock/settle");
        Some(env)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.kubectl);
        c.arg("--kubeconfig")
            .arg(self.dir.join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.join("cache"))
            .args(args);
        c
    }

    /// Runs kubectl with `stdin` piped in; gives up after a minute.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("kubectl {args:?} did not finish");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    }

    /// A request to Ordinal's own endpoints (the clock).
    fn post(&self, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(self.server.addr).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
        out
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn exec_reports_output_and_exit_codes() {
    let Some(env) = Env::new("exec") else { return };
    let o = env.run(&["exec", "web-0", "--", "hostname"], "");
    assert_eq!(text(&o.stdout), "web-0\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let o = env.run(&["exec", "web-0", "--", "ls", "/nope"], "");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "ls: cannot access '/nope': No such file or directory\ncommand terminated with exit code 2\n"
    );

    // A write through exec is what the container's files hold afterwards.
    let o = env.run(
        &[
            "exec",
            "web-0",
            "--",
            "sh",
            "-c",
            "echo hi > /usr/share/nginx/html/index.html",
        ],
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = env.run(
        &[
            "exec",
            "web-0",
            "--",
            "cat",
            "/usr/share/nginx/html/index.html",
        ],
        "",
    );
    assert_eq!(text(&o.stdout), "hi\n");
}

#[test]
fn exec_passes_stdin_and_runs_a_shell_line_by_line() {
    let Some(env) = Env::new("stdin") else { return };
    let o = env.run(&["exec", "-i", "web-0", "--", "cat"], "hi\nthere\n");
    assert_eq!(text(&o.stdout), "hi\nthere\n");
    assert!(o.status.success(), "{}", text(&o.stderr));

    // `-i` with a shell: no terminal, so no prompt and no echo; `exit 3` ends it.
    let o = env.run(
        &["exec", "-i", "web-1", "--", "sh"],
        "cd /usr/share/nginx\npwd\nls /nope\nexit 3\necho never\n",
    );
    assert_eq!(text(&o.stdout), "/usr/share/nginx\n");
    assert_eq!(
        text(&o.stderr),
        "ls: cannot access '/nope': No such file or directory\ncommand terminated with exit code 3\n"
    );
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn exec_errors_are_the_api_servers() {
    let Some(env) = Env::new("execerr") else {
        return;
    };
    let o = env.run(&["exec", "web-0", "-c", "nope", "--", "hostname"], "");
    assert_eq!(
        text(&o.stderr),
        "Error from server (BadRequest): container nope is not valid for pod web-0\n"
    );
    assert_eq!(o.status.code(), Some(1));

    let o = env.run(&["exec", "web-0", "--", "nosuch"], "");
    let err = text(&o.stderr);
    assert!(
        err.starts_with("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""),
        "{err}"
    );
    assert!(
        err.ends_with("exec: \"nosuch\": executable file not found in $PATH: unknown\n"),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(1));

    // A client without WebSocket gets the API server's refusal, not a hang.
    let mut s = std::net::TcpStream::connect(env.server.addr).unwrap();
    write!(s, "POST /api/v1/namespaces/default/pods/web-0/exec?command=ls&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 400"), "{out}");
    assert!(
        out.contains("\"message\":\"Upgrade request required\""),
        "{out}"
    );
}

#[test]
fn logs_plain_tail_and_errors() {
    let Some(env) = Env::new("logs") else { return };
    let o = env.run(&["logs", "nginx"], "");
    let log = text(&o.stdout);
    assert!(
        log.starts_with("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty"),
        "{log}"
    );
    assert!(
        log.ends_with("[notice] 1#1: start worker process 29\n"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 15);

    let o = env.run(&["logs", "nginx", "--tail=2"], "");
    let tail: Vec<&str> = log.lines().skip(13).collect();
    assert_eq!(text(&o.stdout), format!("{}\n", tail.join("\n")));

    let o = env.run(&["logs", "nginx", "--tail=1", "--timestamps"], "");
    let line = text(&o.stdout);
    let (stamp, rest) = line.split_once(' ').unwrap();
    assert_eq!(rest, format!("{}\n", tail[1]));
    assert!(stamp.ends_with("000000Z") && stamp.len() == 30, "{stamp}");

    let o = env.run(&["logs", "nginx", "--previous"], "");
    assert_eq!(
        text(&o.stderr),
        "Error from server (BadRequest): previous terminated container \"nginx\" in pod \"nginx\" not found\n"
    );
    assert_eq!(o.status.code(), Some(1));

    let o = env.run(&["logs", "nginx", "--limit-bytes=10"], "");
    assert_eq!(text(&o.stdout), log[..10]);
}

#[test]
fn logs_follow_streams_until_the_container_stops() {
    let Some(env) = Env::new("follow") else {
        return;
    };
    let mut child: Child = env
        .command(&["logs", "-f", "nginx", "--tail=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The last line (`--tail=1`) comes at once.
    let mut first = Vec::new();
    let mut b = [0u8; 1];
    while first.last() != Some(&b'\n') {
        stdout.read_exact(&mut b).unwrap();
        first.push(b[0]);
    }
    assert!(
        text(&first).ends_with("[notice] 1#1: start worker process 29\n"),
        "{}",
        text(&first)
    );
    // Still following: nothing ended the stream.
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none());

    // The container stops (the pod is deleted and time passes): the stream ends by itself.
    let o = env.run(&["delete", "pod", "nginx", "--wait=false"], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    env.post("/ordinal/v1/clock/settle");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("logs -f did not end when the container stopped");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(status.success());
    // The container wrote nothing more before it stopped.
    assert_eq!(rest, "");
}
