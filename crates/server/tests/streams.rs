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

    // `exit` inside a compound command ends the shell as well.
    let o = env.run(
        &["exec", "-i", "web-1", "--", "sh"],
        "echo a\ntest -d /nope || exit 5\necho never\n",
    );
    assert_eq!(text(&o.stdout), "a\n");
    assert_eq!(o.status.code(), Some(5));
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

    // A pod the scheduler could not place has no kubelet to exec in.
    let o = env.run(
        &[
            "run",
            "stuck",
            "--image=nginx",
            "--overrides={\"spec\":{\"nodeSelector\":{\"x\":\"y\"}}}",
        ],
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = env.run(&["exec", "stuck", "--", "hostname"], "");
    assert_eq!(
        text(&o.stderr),
        "Error from server (BadRequest): pod stuck does not have a host assigned\n"
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

#[test]
fn run_i_attaches_to_the_pods_shell() {
    let Some(env) = Env::new("attach") else {
        return;
    };
    // `kubectl run -i` waits for the pod, attaches to its main process (busybox's shell, as
    // the pod has `stdin: true`), and `exit 4` ends the pod, whose exit code kubectl returns.
    let o = env.run(
        &[
            "run",
            "-i",
            "--image",
            "busybox:1.28",
            "dns-test",
            "--restart=Never",
            "--rm",
        ],
        "hostname\nnslookup web-0.nginx\nexit 4\n",
    );
    let out = text(&o.stdout);
    assert!(
        out.starts_with("dns-test\nServer:    10.96.0.10\n"),
        "{out}"
    );
    assert!(
        out.contains("Name:      web-0.nginx\nAddress 1: 10.244."),
        "{out}"
    );
    assert!(out.ends_with("pod \"dns-test\" deleted\n"), "{out}");
    assert_eq!(
        text(&o.stderr),
        "If you don't see a command prompt, try pressing enter.\npod default/dns-test terminated (Error)\n"
    );
    assert_eq!(o.status.code(), Some(4));
}

/// `kubectl port-forward pod/web-0 :PORT` and the local port it chose.
fn port_forward(env: &Env, port: u16) -> (Child, u16) {
    let mut child = env
        .command(&["port-forward", "pod/web-0", &format!(":{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while line.last() != Some(&b'\n') {
        stdout.read_exact(&mut b).unwrap();
        line.push(b[0]);
    }
    // "Forwarding from 127.0.0.1:NNNNN -> 80"
    let line = text(&line);
    let local = line
        .split_once("127.0.0.1:")
        .and_then(|(_, r)| r.split_once(' '))
        .and_then(|(p, _)| p.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    // Keep reading what it prints ("Handling connection for …"): a closed pipe would end it.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    });
    (child, local)
}

fn http_get(port: u16, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// What a forward wrote on stderr by the time it ended (within 20 s; killed past that).
fn stderr_at_end(child: &mut Child) -> String {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    err
}

#[test]
fn port_forward_reaches_the_pods_web_server() {
    let Some(env) = Env::new("portforward") else {
        return;
    };
    let o = env.run(
        &[
            "exec",
            "web-0",
            "--",
            "sh",
            "-c",
            "echo hello from web-0 > /usr/share/nginx/html/index.html",
        ],
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (mut child, local) = port_forward(&env, 80);
    let page = http_get(local, "/");
    assert!(
        page.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/"),
        "{page}"
    );
    assert!(page.ends_with("\r\n\r\nhello from web-0\n"), "{page}");
    // A second connection through the same forward; nginx's own 404 page.
    let missing = http_get(local, "/nope");
    assert!(
        missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{missing}"
    );
    assert!(
        missing.contains("<head><title>404 Not Found</title></head>"),
        "{missing}"
    );
    assert!(child.try_wait().unwrap().is_none(), "port-forward ended");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn port_forward_to_a_closed_port_is_refused() {
    let Some(env) = Env::new("refused") else {
        return;
    };
    let (mut child, local) = port_forward(&env, 81);
    // The connection is accepted locally, then closed with nothing sent.
    assert_eq!(http_get(local, "/"), "");
    let err = stderr_at_end(&mut child);
    assert!(
        err.contains("an error occurred forwarding")
            && err.contains("-> 81: error forwarding port 81 to pod "),
        "{err}"
    );
    assert!(
        err.contains("failed to connect to localhost:81 inside namespace \\\""),
        "{err}"
    );
    assert!(
        err.contains("dial tcp4 127.0.0.1:81: connect: connection refused"),
        "{err}"
    );
    assert!(err.ends_with("error: lost connection to pod\n"), "{err}");
}

/// A forward is to the pod it began with: when the set replaced that pod under the same
/// name, the next connection finds the old sandbox gone, and kubectl v1.33 ends the forward.
#[test]
fn port_forward_to_a_replaced_pod_ends_with_lost_connection() {
    let Some(env) = Env::new("replaced") else {
        return;
    };
    let (mut child, local) = port_forward(&env, 80);
    let o = env.run(&["delete", "pod", "web-0"], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    env.post("/ordinal/v1/clock/settle");
    let o = env.run(
        &["get", "pod", "web-0", "-o", "jsonpath={.status.phase}"],
        "",
    );
    assert_eq!(text(&o.stdout), "Running");
    assert_eq!(http_get(local, "/"), "");
    let err = stderr_at_end(&mut child);
    assert!(
        err.contains("an error occurred forwarding")
            && err.contains("-> 80: error forwarding port 80 to pod ")
            && err.contains("in store: not found"),
        "{err}"
    );
    assert!(err.ends_with("error: lost connection to pod\n"), "{err}");
}

/// A bare WebSocket client, as a client library without kubectl's SPDY tunnel uses one.
struct WsClient {
    s: std::net::TcpStream,
}

impl WsClient {
    /// Upgrades `path`, offering `protocol`; the status line and headers of the answer.
    fn connect(addr: std::net::SocketAddr, path: &str, protocol: &str) -> (WsClient, String) {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            s.read_exact(&mut b).unwrap();
            head.push(b[0]);
        }
        (WsClient { s }, text(&head))
    }

    fn send(&mut self, payload: &[u8]) {
        let mask = [7u8, 1, 2, 3];
        let mut f = vec![0x82];
        assert!(payload.len() < 126);
        f.push(0x80 | payload.len() as u8);
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.s.write_all(&f).unwrap();
    }

    /// The next data message; `None` at a close frame.
    fn recv(&mut self) -> Option<Vec<u8>> {
        let mut h = [0u8; 2];
        self.s.read_exact(&mut h).unwrap();
        let len = match h[1] & 0x7F {
            126 => {
                let mut b = [0u8; 2];
                self.s.read_exact(&mut b).unwrap();
                usize::from(u16::from_be_bytes(b))
            }
            127 => {
                let mut b = [0u8; 8];
                self.s.read_exact(&mut b).unwrap();
                u64::from_be_bytes(b) as usize
            }
            n => usize::from(n),
        };
        let mut payload = vec![0u8; len];
        self.s.read_exact(&mut payload).unwrap();
        (h[0] & 0x0F != 0x8).then_some(payload)
    }
}

/// The end of an exec session whose command failed: the `Status` on channel 3
/// (`NonZeroExitCode`, the exit code as its cause), then the connection closes.
fn assert_exit_code(c: &mut WsClient, code: &str) {
    let status = c.recv().unwrap();
    assert_eq!(status[0], 3);
    let v: serde_json::Value = serde_json::from_slice(&status[1..]).unwrap();
    assert_eq!(v["reason"], "NonZeroExitCode");
    assert_eq!(v["details"]["causes"][0]["message"], code);
    assert_eq!(c.recv(), None);
}

#[test]
fn v4_websocket_clients_exec_and_port_forward() {
    let Some(env) = Env::new("v4") else { return };
    let (mut c, head) = WsClient::connect(
        env.server.addr,
        "/api/v1/namespaces/default/pods/web-0/exec?command=sh&command=-c&command=hostname%3B%20exit%203&stdout=true&stderr=true",
        "v4.channel.k8s.io",
    );
    assert!(
        head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{head}"
    );
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
        "{head}"
    );
    assert!(
        head.contains("Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n"),
        "{head}"
    );
    // The empty message that says the session is open, stdout, then the Status.
    assert_eq!(c.recv().unwrap(), [1]);
    assert_eq!(c.recv().unwrap(), b"\x01web-0\n");
    assert_exit_code(&mut c, "3");

    let (mut c, head) = WsClient::connect(
        env.server.addr,
        "/api/v1/namespaces/default/pods/web-0/portforward?ports=80,81",
        "v4.channel.k8s.io",
    );
    assert!(head.starts_with("HTTP/1.1 101 "), "{head}");
    // Each channel opens with its port, little-endian; port 81 is refused at once.
    assert_eq!(c.recv().unwrap(), [0, 80, 0]);
    assert_eq!(c.recv().unwrap(), [1, 80, 0]);
    assert_eq!(c.recv().unwrap(), [2, 81, 0]);
    assert_eq!(c.recv().unwrap(), [3, 81, 0]);
    let refused = text(&c.recv().unwrap());
    assert!(
        refused.starts_with("\u{3}error forwarding port 81 to pod "),
        "{refused}"
    );
    c.send(b"\x00GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let answer = text(&c.recv().unwrap());
    assert!(
        answer.starts_with("\u{0}HTTP/1.1 404 Not Found\r\nServer: nginx/"),
        "{answer}"
    );
}

#[test]
fn a_tty_session_echoes_prompts_and_ends_with_exit() {
    let Some(env) = Env::new("tty") else { return };
    // What `kubectl exec -it web-0 -- sh` sends from a terminal in raw mode.
    let (mut c, head) = WsClient::connect(
        env.server.addr,
        "/api/v1/namespaces/default/pods/web-0/exec?command=sh&container=nginx&stdin=true&stdout=true&tty=true",
        "v5.channel.k8s.io, v4.channel.k8s.io",
    );
    assert!(
        head.contains("Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n"),
        "{head}"
    );
    assert_eq!(c.recv().unwrap(), [1]);
    // dash's prompt, then each key echoed as the terminal would, CR LF line ends.
    assert_eq!(c.recv().unwrap(), b"\x01# ");
    c.send(b"\x00hostnamx\x7fe\r");
    assert_eq!(c.recv().unwrap(), b"\x01hostnamx\x08 \x08e\r\n");
    assert_eq!(c.recv().unwrap(), b"\x01web-0\r\n");
    assert_eq!(c.recv().unwrap(), b"\x01# ");
    // A resize changes nothing in a simulated terminal.
    c.send(b"\x04{\"Width\":80,\"Height\":24}");
    c.send(b"\x00exit 3\r");
    assert_eq!(c.recv().unwrap(), b"\x01exit 3\r\n");
    assert_exit_code(&mut c, "3");
}

/// stderr without client-go's note on a frame that came before its stream was set up
/// ("Unknown stream id 1, discarding message": the session's first, empty message, which
/// the translator sends as soon as the connection is up, can beat the client's goroutines).
fn quiet(stderr: &[u8]) -> String {
    text(stderr)
        .lines()
        .filter(|l| !l.contains("Unknown stream id"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `kubectl cp` both ways: real kubectl's archive (Go's ustar, a PAX name past 100 bytes, a
/// file that is not UTF-8) unpacked by the container's GNU tar, and that tar's archive unpacked
/// by kubectl, tar's note on kubectl's stdout.
#[test]
fn cp_moves_files_and_directories_both_ways() {
    let Some(env) = Env::new("cp") else { return };
    let site = env.dir.join("site");
    std::fs::create_dir_all(site.join("css")).unwrap();
    std::fs::create_dir_all(site.join("empty")).unwrap();
    std::fs::write(site.join("index.html"), "<h1>copied</h1>\n").unwrap();
    std::fs::write(site.join("css/a.css"), "a{}\n").unwrap();
    std::fs::write(site.join("bin.dat"), [0xff, b'a', 0xfe, b'\n']).unwrap();
    let long = format!("{}.txt", "n".repeat(120));
    std::fs::write(site.join(&long), "long\n").unwrap();
    let o = env.run(&["cp", site.to_str().unwrap(), "web-0:/tmp/site"], "");
    assert_eq!(
        (text(&o.stdout), quiet(&o.stderr), o.status.code()),
        (String::new(), String::new(), Some(0))
    );
    let o = env.run(&["exec", "web-0", "--", "ls", "/tmp/site"], "");
    assert_eq!(
        text(&o.stdout),
        format!("bin.dat\ncss\nempty\nindex.html\n{long}\n")
    );
    let o = env.run(
        &[
            "exec",
            "web-0",
            "--",
            "cat",
            "/tmp/site/css/a.css",
            "/tmp/site/bin.dat",
        ],
        "",
    );
    // The simulation keeps text: the bytes that are not UTF-8 became U+FFFD.
    assert_eq!(text(&o.stdout), "a{}\n\u{fffd}a\u{fffd}\n");

    let back = env.dir.join("back");
    let o = env.run(&["cp", "web-0:/tmp/site", back.to_str().unwrap()], "");
    assert_eq!(
        (text(&o.stdout), quiet(&o.stderr), o.status.code()),
        (
            "tar: Removing leading `/' from member names\n".to_string(),
            String::new(),
            Some(0)
        )
    );
    assert_eq!(
        std::fs::read_to_string(back.join("index.html")).unwrap(),
        "<h1>copied</h1>\n"
    );
    assert_eq!(std::fs::read_to_string(back.join(&long)).unwrap(), "long\n");
    assert!(back.join("empty").is_dir());

    // A missing file: tar's complaint on stdout, and kubectl exits 0 (kubernetes/kubectl#980).
    let o = env.run(
        &["cp", "web-0:/tmp/nope", back.join("nope").to_str().unwrap()],
        "",
    );
    assert_eq!(
        (text(&o.stdout), o.status.code()),
        ("tar: Removing leading `/' from member names\ntar: /tmp/nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n".to_string(), Some(0))
    );
}

#[test]
fn debug_adds_an_ephemeral_container_and_attaches_to_it() {
    let Some(env) = Env::new("debug") else { return };
    // Through the `ephemeralcontainers` subresource (a strategic merge patch), then an attach
    // to the new container once it runs: its shell sees nginx's processes (`--target`).
    let o = env.run(
        &[
            "debug",
            "-i",
            "web-0",
            "--image=busybox:1.28",
            "--target=nginx",
            "-c",
            "dbg",
            "--profile=general",
        ],
        "ps\nhostname\nexit\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "Targeting container \"nginx\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n\
         PID   USER     TIME  COMMAND\n    1 root      0:00 nginx: master process nginx -g daemon off;\n   29 101       0:00 nginx: worker process\n   30 root      0:00 sh\n   36 root      0:00 ps\nweb-0\n"
    );
    assert_eq!(
        text(&o.stderr),
        "If you don't see a command prompt, try pressing enter.\n"
    );
    let o = env.run(
        &[
            "get",
            "pod",
            "web-0",
            "-o",
            "jsonpath={.spec.ephemeralContainers[0].securityContext}|{.status.ephemeralContainerStatuses[0].state.terminated.reason}|{.status.containerStatuses[0].ready}",
        ],
        "",
    );
    assert_eq!(
        text(&o.stdout),
        "{\"capabilities\":{\"add\":[\"SYS_PTRACE\"]}}|Completed|true"
    );
    // The API server's refusals: a name taken, a target that is not there.
    let o = env.run(
        &[
            "debug",
            "web-0",
            "--image=busybox:1.28",
            "-c",
            "nginx",
            "--profile=general",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "The Pod \"web-0\" is invalid: spec.ephemeralContainers[1].name: Duplicate value: \"nginx\"\n"
    );
    let o = env.run(
        &[
            "debug",
            "web-0",
            "--image=busybox:1.28",
            "-q",
            "--target=db",
            "-c",
            "x",
            "--profile=general",
        ],
        "",
    );
    assert_eq!(
        text(&o.stderr),
        "The Pod \"web-0\" is invalid: spec.ephemeralContainers[1].targetContainerName: Not found: \"db\"\n"
    );
    // Without -i it creates and returns; the container runs, and its logs are there.
    let o = env.run(
        &[
            "debug",
            "web-0",
            "--image=busybox:1.28",
            "-c",
            "echo",
            "--profile=general",
            "--",
            "sh",
            "-c",
            "echo hello",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    env.post("/ordinal/v1/clock/settle");
    let o = env.run(
        &[
            "get",
            "pod",
            "web-0",
            "-o",
            "jsonpath={.status.ephemeralContainerStatuses[*].name}",
        ],
        "",
    );
    assert_eq!(text(&o.stdout), "dbg echo");
    // A node debugger and a copy: pods kubectl's typed client sends in protobuf.
    let o = env.run(
        &[
            "debug",
            "node/kind-worker",
            "--image=busybox:1.28",
            "--profile=sysadmin",
            "-q",
            "--",
            "sleep",
            "100",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = env.run(
        &["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.hostPID} {.spec.tolerations[*].operator} {.spec.containers[0].securityContext}{\"\\n\"}{end}"],
        "",
    );
    let node_pod = text(&o.stdout)
        .lines()
        .find(|l| l.starts_with("node-debugger-kind-worker-"))
        .map(|l| l.split_once(' ').unwrap().1.to_string());
    assert_eq!(
        node_pod.as_deref(),
        Some("true Exists {\"privileged\":true}")
    );
    let o = env.run(
        &[
            "debug",
            "web-1",
            "--image=busybox:1.28",
            "--copy-to=web-1-copy",
            "-c",
            "dbg",
            "--profile=general",
            "--",
            "sleep",
            "100",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = env.run(
        &["get", "pod", "web-1-copy", "-o", "jsonpath={.spec.shareProcessNamespace} {.spec.containers[*].name} {.spec.volumes[0].persistentVolumeClaim.claimName}"],
        "",
    );
    assert_eq!(text(&o.stdout), "true nginx dbg www-web-1");
    // A plain update may not touch them.
    let o = env.run(
        &[
            "patch",
            "pod",
            "web-0",
            "--type=json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/spec/ephemeralContainers/0\"}]",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with("The Pod \"web-0\" is invalid: spec: Forbidden: pod updates may not change fields other than"),
        "{}",
        text(&o.stderr)
    );
}
