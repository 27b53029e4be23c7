//! The streaming subresources of pods: `log` (a plain GET, chunked while it follows);
//! `exec` and `attach` over WebSocket with the `v5.channel.k8s.io` protocol, as the API
//! server's stream translator serves kubectl v1.33 (`apiserver/pkg/util/proxy/websocket.go`),
//! or `v4.channel.k8s.io`, as the kubelet serves other clients: one binary message per write,
//! its first byte the channel (0 stdin, 1 stdout, 2 stderr, 3 error: the final `Status`,
//! 4 resize, 255 close of a client channel); and `portforward`, as SPDY/3.1 tunnelled through
//! WebSocket (kubectl v1.33, [`spdy`]) or the kubelet's WebSocket channels (`?ports=`, a data
//! and an error channel per port, each opened by the port number).
//!
//! The checks the API server makes before it upgrades (the pod, its node, the container) are
//! answered as `Status` errors on the HTTP request; what the kubelet would report after the
//! upgrade comes as the final `Status` on the error channel. The lock is held only to read
//! the container's logs, or to run a command, a shell line or one HTTP request; never while
//! writing to the client.

use crate::http::{ChunkWriter, Request, Response};
use crate::router::Target;
use crate::ws::{self, Message, Reader, Writer};
use crate::{spdy, status, Shared};
use ordinal_shell::{Dialect, Shell};
use ordinal_sim::api::{ContainerStatus, Pod};
use ordinal_sim::container::forward_error;
use ordinal_sim::exec::ExecError;
use ordinal_sim::{ApiError, Cluster, Kind, Time};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The remote-command protocols served over WebSocket: v5, which the API server's translator
/// speaks to kubectl, and v4 (the kubelet's, which the API server proxies for other clients,
/// such as the Python client): the same channels, less the close message for stdin.
pub const REMOTE_COMMAND_PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
const CLOSE: u8 = 255;

/// How often a waiting stream looks whether its container or its client went away.
const POLL: Duration = Duration::from_millis(250);
/// How long a finished session waits for the client to close after the server's close frame.
const FINISH_WAIT: Duration = Duration::from_secs(10);
/// How long a command's stderr goes out before its stdout (see `run_session`).
const STDERR_LEAD: Duration = Duration::from_millis(50);

pub fn route(shared: &Arc<Shared>, req: Request, t: &Target) -> Response {
    let (Some(ns), Some(name)) = (t.namespace.as_deref(), t.name.as_deref()) else {
        return status::not_found_path();
    };
    match t.subresource.as_deref() {
        Some("log") => match req.method.as_str() {
            "GET" => logs(shared, &req, ns, name),
            m => status::method_not_allowed(m),
        },
        Some(sub @ ("exec" | "attach")) => match req.method.as_str() {
            "GET" | "POST" => remote_command(shared, req, ns, name, sub == "attach"),
            m => status::method_not_allowed(m),
        },
        Some("portforward") => match req.method.as_str() {
            "GET" | "POST" => port_forward(shared, &req, ns, name),
            m => status::method_not_allowed(m),
        },
        _ => status::not_found_path(),
    }
}

fn pod_not_found(name: &str) -> Response {
    status::error_response(&ApiError::not_found(Kind::Pod, name), Some(Kind::Pod), name)
}

/// Go's `strconv.ParseBool`, as query parameters are converted.
fn parse_bool(req: &Request, name: &str) -> Result<bool, Response> {
    match req.param(name) {
        None | Some("") => Ok(false),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
        Some(v) => Err(status::bad_request(&format!(
            "strconv.ParseBool: parsing {v:?}: invalid syntax"
        ))),
    }
}

fn parse_int(req: &Request, name: &str) -> Result<Option<i64>, Response> {
    match req.param(name) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            status::bad_request(&format!("strconv.ParseInt: parsing {v:?}: invalid syntax"))
        }),
    }
}

/// The API server's `validateContainer`: the named container, or the pod's only one.
fn resolve_container(pod: &Pod, container: Option<&str>) -> Result<String, Response> {
    let name = &pod.metadata.name;
    match container.filter(|c| !c.is_empty()) {
        Some(c) => {
            let known = pod
                .spec
                .containers
                .iter()
                .chain(&pod.spec.init_containers)
                .chain(pod.spec.ephemeral_containers.iter().map(|e| &e.container))
                .any(|x| x.name == c);
            if known {
                Ok(c.to_string())
            } else {
                Err(status::bad_request(&format!(
                    "container {c} is not valid for pod {name}"
                )))
            }
        }
        None => match pod.spec.containers.as_slice() {
            [one] => Ok(one.name.clone()),
            [] => Err(status::bad_request(&format!(
                "a container name must be specified for pod {name}"
            ))),
            many => {
                let names: Vec<&str> = many.iter().map(|c| c.name.as_str()).collect();
                let mut msg = format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    names.join(" ")
                );
                if !pod.spec.init_containers.is_empty() {
                    let init: Vec<&str> = pod
                        .spec
                        .init_containers
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    msg.push_str(&format!(
                        " or one of the init containers: [{}]",
                        init.join(" ")
                    ));
                }
                Err(status::bad_request(&msg))
            }
        },
    }
}

/// A pod the scheduler has not placed has no kubelet to stream from (`ExecLocation`,
/// `PortForwardLocation`).
fn no_host(name: &str) -> Response {
    status::bad_request(&format!("pod {name} does not have a host assigned"))
}

/// The error the API server sends when it cannot reach the node's kubelet (a stopped node).
fn node_unreachable(c: &Cluster, pod: &Pod, path: &str) -> Option<Response> {
    let node = pod.spec.node_name.as_deref()?;
    if c.node_running(node) {
        return None;
    }
    let ip = c
        .get_as::<ordinal_sim::api::Node>("", node)
        .and_then(|n| n.internal_ip())
        .unwrap_or_default()
        .to_string();
    // A plain error becomes a Status with no reason (`ErrorToAPIStatus`).
    Some(Response::json(
        500,
        &json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": format!("Get \"https://{ip}:10250/{path}\": dial tcp {ip}:10250: connect: no route to host"),
            "code": 500,
        }),
    ))
}

// ------------------------------------------------------------------------------------ log

struct LogOptions {
    container: String,
    follow: bool,
    previous: bool,
    timestamps: bool,
    tail: Option<usize>,
    limit: Option<usize>,
    since: Option<Time>,
}

/// What one look at a container's log gives.
struct LogLook {
    text: String,
    /// When the current run started: the time every line is stamped with.
    started: Option<Time>,
    /// The running container's ID: following ends when it is no longer the one running.
    running: Option<String>,
}

fn invalid_log_options(name: &str, field: &str, message: &str) -> Response {
    let full = format!("PodLogOptions {name:?} is invalid: {field}: {message}");
    Response::json(
        422,
        &json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": full, "reason": "Invalid",
            "details": {"name": name, "kind": "PodLogOptions", "causes": [
                {"reason": if message.starts_with("Forbidden") { "FieldValueForbidden" } else { "FieldValueInvalid" },
                 "message": message, "field": field}
            ]},
            "code": 422,
        }),
    )
}

fn log_options(c: &Cluster, req: &Request, pod: &Pod) -> Result<LogOptions, Response> {
    let name = &pod.metadata.name;
    let follow = parse_bool(req, "follow")?;
    let previous = parse_bool(req, "previous")?;
    let timestamps = parse_bool(req, "timestamps")?;
    let tail = parse_int(req, "tailLines")?;
    let limit = parse_int(req, "limitBytes")?;
    let since_seconds = parse_int(req, "sinceSeconds")?;
    let since_time = match req.param("sinceTime") {
        None | Some("") => None,
        Some(s) => Some(Time::parse_rfc3339(s).ok_or_else(|| {
            status::bad_request(&format!(
                "parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {s:?} as \"2006\""
            ))
        })?),
    };
    if let Some(n) = tail.filter(|n| *n < 0) {
        return Err(invalid_log_options(
            name,
            "tailLines",
            &format!("Invalid value: {n}: must be greater than or equal to 0"),
        ));
    }
    if let Some(n) = limit.filter(|n| *n < 1) {
        return Err(invalid_log_options(
            name,
            "limitBytes",
            &format!("Invalid value: {n}: must be greater than 0"),
        ));
    }
    if since_seconds.is_some() && since_time.is_some() {
        return Err(invalid_log_options(
            name,
            "",
            "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
        ));
    }
    if let Some(n) = since_seconds.filter(|n| *n < 1) {
        return Err(invalid_log_options(
            name,
            "sinceSeconds",
            &format!("Invalid value: {n}: must be greater than 0"),
        ));
    }
    let since = since_time.or_else(|| {
        since_seconds.map(|s| Time(c.now().0.saturating_sub((s as u64).saturating_mul(1000))))
    });
    let container = resolve_container(pod, req.param("container"))?;
    Ok(LogOptions {
        container,
        follow,
        previous,
        timestamps,
        tail: tail.map(|n| n as usize),
        limit: limit.map(|n| n as usize),
        since,
    })
}

/// The kubelet's `validateContainerLogStatus`: why a container has no log to give yet.
fn log_status_error(pod: &Pod, o: &LogOptions) -> Option<String> {
    let (pod_name, container) = (&pod.metadata.name, &o.container);
    let Some(cs) = pod
        .status
        .container_statuses
        .iter()
        .chain(&pod.status.init_container_statuses)
        .chain(&pod.status.ephemeral_container_statuses)
        .find(|s| &s.name == container)
    else {
        return Some(format!(
            "container {container:?} in pod {pod_name:?} is waiting to start: ContainerCreating"
        ));
    };
    let last_terminated = cs
        .last_state
        .terminated
        .as_ref()
        .is_some_and(|_| cs.restart_count > 0);
    if o.previous {
        return (!last_terminated).then(|| {
            format!("previous terminated container {container:?} in pod {pod_name:?} not found")
        });
    }
    if cs.state.running.is_some() || cs.state.terminated.is_some() || last_terminated {
        return None;
    }
    let reason = cs
        .state
        .waiting
        .as_ref()
        .and_then(|w| w.reason.clone())
        .unwrap_or_default();
    Some(match reason.as_str() {
        "ErrImagePull" => format!(
            "container {container:?} in pod {pod_name:?} is waiting to start: image can't be pulled"
        ),
        "ImagePullBackOff" => format!(
            "container {container:?} in pod {pod_name:?} is waiting to start: trying and failing to pull image"
        ),
        "" => format!("container {container:?} in pod {pod_name:?} is waiting to start - no logs yet"),
        r => format!("container {container:?} in pod {pod_name:?} is waiting to start: {r}"),
    })
}

fn container_status<'p>(pod: &'p Pod, container: &str) -> Option<&'p ContainerStatus> {
    pod.status
        .container_statuses
        .iter()
        .chain(&pod.status.init_container_statuses)
        .chain(&pod.status.ephemeral_container_statuses)
        .find(|s| s.name == container)
}

fn look(c: &Cluster, ns: &str, pod: &str, container: &str) -> Option<LogLook> {
    let p = c.get_as::<Pod>(ns, pod)?;
    if p.metadata.deletion_timestamp.is_some() && p.status.container_statuses.is_empty() {
        return None;
    }
    let cs = container_status(p, container);
    let running = cs
        .filter(|s| s.state.running.is_some())
        .and_then(|s| s.container_id.clone());
    let started = cs.and_then(|s| {
        s.state
            .running
            .as_ref()
            .and_then(|r| r.started_at)
            .or_else(|| s.state.terminated.as_ref().and_then(|t| t.started_at))
    });
    Some(LogLook {
        text: c.container_logs(ns, pod, container),
        started,
        running,
    })
}

/// RFC 3339 with nanoseconds, fixed width, as the kubelet stamps log lines.
fn stamp(t: Time) -> String {
    let s = t.rfc3339();
    format!("{}.{:03}000000Z ", s.trim_end_matches('Z'), t.0 % 1000)
}

/// The log as the options ask: lines since a time, the last N, stamped, at most N bytes.
fn render(text: &str, started: Option<Time>, o: &LogOptions) -> Vec<u8> {
    let at = started.unwrap_or(Time(0));
    if o.since.is_some_and(|s| at < s) {
        return Vec::new();
    }
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    if let Some(n) = o.tail {
        lines = lines.split_off(lines.len().saturating_sub(n));
    }
    let mut out = Vec::new();
    for l in lines {
        if o.timestamps {
            out.extend_from_slice(stamp(at).as_bytes());
        }
        out.extend_from_slice(l.as_bytes());
    }
    if let Some(n) = o.limit {
        out.truncate(n);
    }
    out
}

fn logs(shared: &Arc<Shared>, req: &Request, ns: &str, name: &str) -> Response {
    let (o, first) = {
        let st = shared.lock();
        let c = &st.cluster;
        let Some(pod) = c.get_as::<Pod>(ns, name) else {
            return pod_not_found(name);
        };
        let o = match log_options(c, req, pod) {
            Ok(o) => o,
            Err(r) => return r,
        };
        // A pod on no node yet has no kubelet to ask: an empty log.
        if pod.spec.node_name.is_none() {
            return Response::new(200, "text/plain", Vec::new());
        }
        if let Some(why) = log_status_error(pod, &o) {
            return status::bad_request(&why);
        }
        let path = format!("containerLogs/{ns}/{name}/{}", o.container);
        if let Some(r) = node_unreachable(c, pod, &path) {
            return r;
        }
        let Some(first) = look(c, ns, name, &o.container) else {
            return pod_not_found(name);
        };
        (o, first)
    };
    let body = render(&first.text, first.started, &o);
    if !o.follow || first.running.is_none() {
        return Response::new(200, "text/plain", body);
    }
    let shared = shared.clone();
    let (ns, name) = (ns.to_string(), name.to_string());
    Response::stream(
        200,
        "text/plain",
        Box::new(move |out: &mut ChunkWriter| follow(&shared, &ns, &name, o, first, body, out)),
    )
}

/// `follow=true`: what the container writes from now on, until it stops running (this run),
/// the pod goes, the client goes, or the server stops.
fn follow(
    shared: &Shared,
    ns: &str,
    name: &str,
    o: LogOptions,
    first: LogLook,
    body: Vec<u8>,
    out: &mut ChunkWriter,
) -> std::io::Result<()> {
    let mut sent_bytes = body.len();
    out.send(&body)?;
    let mut seen = first.text.len();
    let id = first.running;
    loop {
        if shared.stopping.load(Ordering::SeqCst) || out.closed() {
            return Ok(());
        }
        let now = {
            let st = shared.lock();
            let (guard, _) = shared
                .changed
                .wait_timeout(st, POLL)
                .unwrap_or_else(|e| e.into_inner());
            look(&guard.cluster, ns, name, &o.container)
        };
        let Some(now) = now else { return Ok(()) };
        if now.text.len() > seen {
            // Bytes, not a str slice: a log that changed under us must not panic the stream.
            let new = String::from_utf8_lossy(&now.text.as_bytes()[seen..]).into_owned();
            seen = now.text.len();
            let opts = LogOptions {
                container: String::new(),
                tail: None,
                ..o
            };
            let mut chunk = render(&new, now.started, &opts);
            if let Some(limit) = o.limit {
                chunk.truncate(limit.saturating_sub(sent_bytes));
            }
            sent_bytes += chunk.len();
            out.send(&chunk)?;
            if o.limit.is_some_and(|l| sent_bytes >= l) {
                return Ok(());
            }
        } else if now.text.len() < seen {
            seen = now.text.len();
        }
        if now.running != id {
            return Ok(());
        }
    }
}

// ------------------------------------------------------------------------ exec and attach

struct CommandOptions {
    container: String,
    command: Vec<String>,
    stdin: bool,
    stdout: bool,
    stderr: bool,
    tty: bool,
}

fn remote_command(
    shared: &Arc<Shared>,
    req: Request,
    ns: &str,
    name: &str,
    attach: bool,
) -> Response {
    let flags = (|| {
        Ok::<_, Response>((
            parse_bool(&req, "stdin")?,
            parse_bool(&req, "stdout")?,
            parse_bool(&req, "stderr")?,
            parse_bool(&req, "tty")?,
        ))
    })();
    let (stdin, stdout, stderr, tty) = match flags {
        Ok(f) => f,
        Err(r) => return r,
    };
    let command: Vec<String> = req.params("command").map(String::from).collect();
    let o = {
        let st = shared.lock();
        let c = &st.cluster;
        let Some(pod) = c.get_as::<Pod>(ns, name) else {
            return pod_not_found(name);
        };
        let container = match resolve_container(pod, req.param("container")) {
            Ok(c) => c,
            Err(r) => return r,
        };
        if !stdin && !stdout && !stderr {
            return status::bad_request("you must specify at least 1 of stdin, stdout, stderr");
        }
        if !attach && command.is_empty() {
            return status::bad_request("you must specify at least 1 command");
        }
        if pod.spec.node_name.is_none() {
            return no_host(name);
        }
        CommandOptions {
            container,
            command,
            stdin,
            stdout,
            stderr,
            tty,
        }
    };
    if !ws::is_websocket(&req) {
        let upgrade = req.header("upgrade").unwrap_or("");
        if upgrade.to_ascii_lowercase().starts_with("spdy") {
            // kubectl falls back to SPDY only when the WebSocket upgrade failed; this server
            // speaks WebSocket only.
            return status::bad_request(&format!(
                "unable to upgrade connection: this server serves {} over WebSocket only, not {upgrade}",
                if attach { "attach" } else { "exec" }
            ));
        }
        return status::bad_request("Upgrade request required");
    }
    let offered = ws::offered_protocols(&req);
    // The first the client offers of those served, as `wsstream` negotiates.
    let Some(protocol) = offered
        .iter()
        .find(|p| REMOTE_COMMAND_PROTOCOLS.contains(&p.as_str()))
        .cloned()
    else {
        return status::bad_request(&format!(
            "unable to upgrade: unable to negotiate protocol: client supports {offered:?}, server accepts {REMOTE_COMMAND_PROTOCOLS:?}"
        ));
    };
    let shared = shared.clone();
    let (ns, name) = (ns.to_string(), name.to_string());
    ws::upgrade(&req, &protocol, move |reader, writer| {
        session(&shared, &ns, &name, o, attach, reader, writer)
    })
}

/// What the client sends, read on its own thread.
enum Input {
    Stdin(Vec<u8>),
    StdinClosed,
    Gone,
}

fn read_client(mut reader: Reader, tx: mpsc::Sender<Input>) {
    loop {
        let ev = match reader.message() {
            Message::Binary(m) | Message::Text(m) => match m.split_first() {
                Some((&STDIN, data)) => Input::Stdin(data.to_vec()),
                Some((&CLOSE, [STDIN, ..])) => Input::StdinClosed,
                // Resizes change nothing in a simulated terminal; anything else is ignored.
                Some((&RESIZE, _)) | Some(_) | None => continue,
            },
            Message::Close => Input::Gone,
        };
        let gone = matches!(ev, Input::Gone);
        if tx.send(ev).is_err() || gone {
            return;
        }
    }
}

/// How a session ended: the `Status` written on the error channel.
enum End {
    Success,
    Exit(i32),
    Internal(String),
    /// The client went: nothing more to write.
    Gone,
}

fn end_status(end: &End) -> Option<Value> {
    Some(match end {
        End::Success | End::Exit(0) => json!({"metadata": {}, "status": "Success"}),
        End::Exit(code) => json!({
            "metadata": {},
            "status": "Failure",
            "message": format!("command terminated with non-zero exit code: command terminated with exit code {code}"),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
        }),
        End::Internal(msg) => json!({
            "metadata": {},
            "status": "Failure",
            "message": format!("Internal error occurred: {msg}"),
            "reason": "InternalError",
            "details": {"causes": [{"message": msg}]},
            "code": 500,
        }),
        End::Gone => return None,
    })
}

/// The message the kubelet's failure reaches kubectl with, through the translator.
fn exec_error(e: &ExecError) -> String {
    match e {
        ExecError::Api(e) => e.message.clone(),
        ExecError::NoSuchContainer { container, pod } => {
            format!("container {container} is not valid for pod {pod}")
        }
        ExecError::NotRunning { container } => {
            format!("unable to upgrade connection: container not found ({container:?})")
        }
        ExecError::Completed { phase } => format!(
            "unable to upgrade connection: cannot exec into a container in a completed pod; current phase is {phase}"
        ),
        // The runtime's own InternalError, wrapped once more by the translator.
        ExecError::StartFailed(why) => why.clone(),
        ExecError::NodeUnreachable { address } => {
            format!("error dialing backend: dial tcp {address}:10250: connect: no route to host")
        }
    }
}

/// Writes to the client's channels; remembers whether the client is still there.
struct Out {
    w: Writer,
    tty: bool,
    ok: bool,
}

impl Out {
    fn send(&mut self, channel: u8, data: &[u8]) {
        if !self.ok || (data.is_empty() && channel != ERROR) {
            return;
        }
        let mut m = Vec::with_capacity(data.len() + 1);
        m.push(channel);
        if self.tty && channel != ERROR {
            // The terminal's ONLCR: a newline goes out as CR LF.
            for &b in data {
                if b == b'\n' {
                    m.push(b'\r');
                }
                m.push(b);
            }
        } else {
            m.extend_from_slice(data);
        }
        self.ok = self.w.binary(&m).is_ok();
    }
}

fn session(
    shared: &Shared,
    ns: &str,
    pod: &str,
    o: CommandOptions,
    attach: bool,
    reader: Reader,
    writer: Writer,
) {
    // The translator's first message, on the lowest writable channel: the session is open.
    let first = if o.stdout {
        STDOUT
    } else if o.stderr {
        STDERR
    } else {
        ERROR
    };
    if writer.binary(&[first]).is_err() {
        writer.shutdown();
        return;
    }
    let (tx, rx) = mpsc::channel();
    let reader_thread = std::thread::Builder::new()
        .name("ws-read".into())
        .spawn(move || read_client(reader, tx));
    let Ok(reader_thread) = reader_thread else {
        writer.shutdown();
        return;
    };
    let mut out = Out {
        w: writer.clone(),
        tty: o.tty,
        ok: true,
    };
    let end = run_session(shared, ns, pod, &o, attach, &rx, &mut out);
    if let (Some(v), true) = (end_status(&end), out.ok) {
        let body = serde_json::to_vec(&v).unwrap_or_default();
        out.send(ERROR, &body);
        let _ = writer.close(1000);
        // Let the client read everything and close; then the connection goes.
        let deadline = std::time::Instant::now() + FINISH_WAIT;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(Input::Gone) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
    }
    writer.shutdown();
    let _ = reader_thread.join();
}

fn is_shell(argv: &[String]) -> bool {
    match argv {
        [one] => matches!(
            one.rsplit('/').next().unwrap_or(""),
            "sh" | "bash" | "ash" | "dash"
        ),
        _ => false,
    }
}

fn run_session(
    shared: &Shared,
    ns: &str,
    pod: &str,
    o: &CommandOptions,
    attach: bool,
    rx: &mpsc::Receiver<Input>,
    out: &mut Out,
) -> End {
    let container = Some(o.container.as_str());
    // What the container runs, and whether it can hold a shell.
    let target = {
        let st = shared.lock();
        st.cluster.exec_target(ns, pod, container)
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => return End::Internal(exec_error(&e)),
    };
    let interactive_main = attach && {
        let st = shared.lock();
        st.cluster
            .get_as::<Pod>(ns, pod)
            .and_then(|p| {
                p.spec
                    .containers
                    .iter()
                    .chain(p.spec.ephemeral_containers.iter().map(|e| &e.container))
                    .find(|c| c.name == o.container)
            })
            .is_some_and(|c| c.stdin == Some(true))
    };
    if attach && !interactive_main {
        return attach_output(shared, ns, pod, o, rx, out);
    }
    if attach || (o.stdin && is_shell(&o.command) && target.has_shell) {
        let program = o
            .command
            .first()
            .map_or("sh", |p| p.rsplit('/').next().unwrap_or(p));
        let debian = target.image.contains("nginx") || target.image.contains("httpd");
        let dialect = match program {
            "bash" if !attach => Dialect::Bash,
            _ if debian => Dialect::Dash,
            _ => Dialect::Ash,
        };
        if !attach {
            // The runtime starts the program first: one the image lacks (bash in busybox) is
            // its error, as for any command.
            let argv = [program.to_string(), "-c".into(), ":".into()];
            let started = {
                let mut st = shared.lock();
                st.cluster.exec(ns, pod, container, &argv, "")
            };
            if let Err(e) = started {
                return End::Internal(exec_error(&e));
            }
        }
        return interactive(
            shared,
            ns,
            pod,
            o,
            attach,
            dialect,
            &target.hostname,
            rx,
            out,
        );
    }
    // A command: its stdin is everything the client sends until it closes stdin.
    let mut input = Vec::new();
    if o.stdin {
        loop {
            match rx.recv() {
                Ok(Input::Stdin(d)) => {
                    if input.len() + d.len() > crate::http::MAX_BODY_BYTES {
                        return End::Internal("stdin too large".into());
                    }
                    input.extend_from_slice(&d);
                }
                Ok(Input::StdinClosed) => break,
                Ok(Input::Gone) | Err(_) => return End::Gone,
            }
        }
    }
    // The simulation's files are text: an archive for `tar` (what `kubectl cp` sends) keeps
    // its structure, each file's bytes made text; other input is read lossily.
    let stdin = if o
        .command
        .first()
        .is_some_and(|c| c.rsplit('/').next() == Some("tar"))
    {
        ordinal_sim::tar::to_text(&input)
    } else {
        String::from_utf8_lossy(&input).into_owned()
    };
    let result = {
        let mut st = shared.lock();
        st.cluster.exec(ns, pod, container, &o.command, &stdin)
    };
    shared.notify();
    match result {
        Ok(r) => {
            if o.tty {
                out.send(STDOUT, r.text.as_bytes());
            } else {
                // Two pipes in the runtime, so no order between them is promised; stderr goes
                // first, and stdout a moment later. `kubectl cp POD:PATH` prints tar's stderr
                // from one goroutine and exits as soon as another has read the archive, so
                // tar's notes (its "Removing leading `/'", written before it reads a file)
                // must be out before the archive arrives.
                if o.stderr && !r.stderr.is_empty() {
                    out.send(STDERR, r.stderr.as_bytes());
                    if o.stdout && !r.stdout.is_empty() {
                        std::thread::sleep(STDERR_LEAD);
                    }
                }
                if o.stdout {
                    out.send(STDOUT, r.stdout.as_bytes());
                }
            }
            End::Exit(r.exit_code)
        }
        Err(e) => End::Internal(exec_error(&e)),
    }
}

/// `attach` to a container whose main process reads no stdin: what it writes from now on,
/// until it stops or the client goes.
fn attach_output(
    shared: &Shared,
    ns: &str,
    pod: &str,
    o: &CommandOptions,
    rx: &mpsc::Receiver<Input>,
    out: &mut Out,
) -> End {
    let first = {
        let st = shared.lock();
        look(&st.cluster, ns, pod, &o.container)
    };
    let Some(first) = first else {
        return End::Success;
    };
    let mut seen = first.text.len();
    loop {
        match rx.recv_timeout(POLL) {
            Ok(Input::Gone) | Err(mpsc::RecvTimeoutError::Disconnected) => return End::Gone,
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if shared.stopping.load(Ordering::SeqCst) || !out.ok {
            return End::Gone;
        }
        let now = {
            let st = shared.lock();
            look(&st.cluster, ns, pod, &o.container)
        };
        let Some(now) = now else {
            return End::Success;
        };
        if now.text.len() > seen {
            out.send(STDOUT, &now.text.as_bytes()[seen..]);
        }
        seen = now.text.len();
        if now.running != first.running {
            return End::Success;
        }
    }
}

/// What a terminal's line discipline made of the bytes typed so far.
#[derive(Default)]
struct LineEditor {
    line: Vec<u8>,
    /// Inside an escape sequence (arrow keys): skipped.
    escape: u8,
}

enum Typed {
    Line(String),
    Interrupt,
    Eof,
}

impl LineEditor {
    /// Feeds bytes; returns what they completed and what the terminal echoes.
    fn feed(&mut self, data: &[u8], tty: bool, echo: &mut Vec<u8>, done: &mut Vec<Typed>) {
        for &b in data {
            if tty {
                if self.escape == 1 {
                    self.escape = if b == b'[' || b == b'O' { 2 } else { 0 };
                    continue;
                }
                if self.escape == 2 {
                    if (0x40..=0x7e).contains(&b) {
                        self.escape = 0;
                    }
                    continue;
                }
                match b {
                    0x1b => self.escape = 1,
                    b'\r' | b'\n' => {
                        echo.extend_from_slice(b"\n");
                        done.push(Typed::Line(self.take()));
                    }
                    0x7f | 0x08 => {
                        // Erase one character (all the bytes of a UTF-8 one).
                        while let Some(c) = self.line.pop() {
                            if c & 0xC0 != 0x80 {
                                echo.extend_from_slice(b"\x08 \x08");
                                break;
                            }
                        }
                    }
                    0x03 => {
                        echo.extend_from_slice(b"^C\n");
                        self.line.clear();
                        done.push(Typed::Interrupt);
                    }
                    0x04 => {
                        if self.line.is_empty() {
                            done.push(Typed::Eof);
                        }
                    }
                    0x15 => {
                        for _ in 0..String::from_utf8_lossy(&self.line).chars().count() {
                            echo.extend_from_slice(b"\x08 \x08");
                        }
                        self.line.clear();
                    }
                    b if b < 0x20 && b != b'\t' => {}
                    b => {
                        echo.push(b);
                        self.line.push(b);
                    }
                }
            } else if b == b'\n' {
                done.push(Typed::Line(self.take()));
            } else {
                self.line.push(b);
            }
        }
    }

    fn take(&mut self) -> String {
        let l = String::from_utf8_lossy(&self.line).into_owned();
        self.line.clear();
        l
    }
}

/// The prompt root's shell prints: dash's `# `, busybox ash's `CWD # `, Debian bash's
/// `root@HOST:CWD# `.
fn prompt(shell: &Shell, dialect: Dialect, hostname: &str) -> String {
    let cwd = if shell.state.cwd.is_empty() {
        "/"
    } else {
        shell.state.cwd.as_str()
    };
    match dialect {
        Dialect::Dash => "# ".into(),
        Dialect::Bash => {
            let shown = match cwd.strip_prefix("/root") {
                Some("") => "~".to_string(),
                Some(rest) if rest.starts_with('/') => format!("~{rest}"),
                _ => cwd.to_string(),
            };
            format!("root@{hostname}:{shown}# ")
        }
        _ => format!("{cwd} # "),
    }
}

/// A shell reading the client's stdin line by line: `exec -i POD -- sh`, or the main process
/// of a pod started with `stdin: true` (`kubectl run -i --tty`), which `exit` ends.
#[allow(clippy::too_many_arguments)]
fn interactive(
    shared: &Shared,
    ns: &str,
    pod: &str,
    o: &CommandOptions,
    main_process: bool,
    dialect: Dialect,
    hostname: &str,
    rx: &mpsc::Receiver<Input>,
    out: &mut Out,
) -> End {
    let container = Some(o.container.as_str());
    let mut shell = Shell::new(dialect);
    shell.state.cwd = "/".into();
    let mut editor = LineEditor::default();
    let mut last_status = 0;
    // A shell started for this exec prints its prompt; attaching finds one already printed
    // (kubectl says "If you don't see a command prompt, try pressing enter.").
    if o.tty && !main_process {
        out.send(STDOUT, prompt(&shell, dialect, hostname).as_bytes());
    }
    let finish = |code: i32| -> End {
        if main_process {
            let mut st = shared.lock();
            st.cluster.end_process(ns, pod, container, code);
            drop(st);
            shared.notify();
            End::Success
        } else {
            End::Exit(code)
        }
    };
    loop {
        let ev = match rx.recv_timeout(POLL) {
            Ok(ev) => ev,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if shared.stopping.load(Ordering::SeqCst) || !out.ok {
                    return End::Gone;
                }
                // The container may have stopped under the shell.
                let alive = {
                    let st = shared.lock();
                    st.cluster.exec_target(ns, pod, container).is_ok()
                };
                if !alive {
                    return if main_process {
                        End::Success
                    } else {
                        End::Exit(137)
                    };
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return End::Gone,
        };
        let data = match ev {
            Input::Stdin(d) => d,
            // End of input: the shell reads EOF and exits with its last status.
            Input::StdinClosed => {
                if !editor.line.is_empty() {
                    let mut done = Vec::new();
                    editor.feed(b"\n", false, &mut Vec::new(), &mut done);
                    for t in done {
                        if let Typed::Line(l) = t {
                            if let Some(end) =
                                run_line(shared, ns, pod, o, &mut shell, &l, &mut last_status, out)
                            {
                                return match end {
                                    Ok(code) => finish(code),
                                    Err(e) => e,
                                };
                            }
                        }
                    }
                }
                return finish(last_status);
            }
            Input::Gone => return End::Gone,
        };
        let mut echo = Vec::new();
        let mut done = Vec::new();
        editor.feed(&data, o.tty, &mut echo, &mut done);
        out.send(STDOUT, &echo);
        for t in done {
            match t {
                Typed::Line(l) => {
                    if let Some(end) =
                        run_line(shared, ns, pod, o, &mut shell, &l, &mut last_status, out)
                    {
                        return match end {
                            Ok(code) => finish(code),
                            Err(e) => e,
                        };
                    }
                }
                Typed::Interrupt => {}
                Typed::Eof => {
                    if o.tty {
                        out.send(STDOUT, b"\n");
                    }
                    return finish(last_status);
                }
            }
            if o.tty {
                out.send(STDOUT, prompt(&shell, dialect, hostname).as_bytes());
            }
        }
        if !out.ok {
            return End::Gone;
        }
    }
}

/// Runs one line; `Some(Ok(code))` when the shell exits, `Some(Err(end))` when the container
/// went away under it.
#[allow(clippy::too_many_arguments)]
fn run_line(
    shared: &Shared,
    ns: &str,
    pod: &str,
    o: &CommandOptions,
    shell: &mut Shell,
    line: &str,
    last_status: &mut i32,
    out: &mut Out,
) -> Option<Result<i32, End>> {
    let trimmed = line.trim();
    if trimmed == "exit" || trimmed == "logout" || trimmed.starts_with("exit ") {
        let code = trimmed
            .strip_prefix("exit")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or(Some(*last_status), |s| s.parse::<i32>().ok())
            .unwrap_or(2);
        return Some(Ok(code & 0xFF));
    }
    if trimmed.is_empty() {
        return None;
    }
    let r = {
        let mut st = shared.lock();
        st.cluster
            .exec_in_shell(shell, ns, pod, Some(&o.container), line)
    };
    shared.notify();
    match r {
        Ok(r) => {
            *last_status = r.exit_code;
            if o.tty || !o.stderr {
                out.send(STDOUT, r.text.as_bytes());
            } else {
                out.send(STDOUT, r.stdout.as_bytes());
                out.send(STDERR, r.stderr.as_bytes());
            }
            // `exit` inside a compound command (`test -f x || exit 1`) ends the shell too.
            shell.has_exited().then_some(Ok(r.exit_code & 0xFF))
        }
        Err(ExecError::NotRunning { .. }) | Err(ExecError::Api(_)) => Some(Err(End::Exit(137))),
        Err(e) => Some(Err(End::Internal(exec_error(&e)))),
    }
}

// ----------------------------------------------------------------------------- port-forward

/// The WebSocket subprotocol kubectl v1.33 asks for: SPDY tunnelled through WebSocket.
pub const PORT_FORWARD_PROTOCOL: &str = "SPDY/3.1+portforward.k8s.io";

fn port_forward(shared: &Arc<Shared>, req: &Request, ns: &str, name: &str) -> Response {
    // The forward is to this pod: one that replaces it later under the same name has another
    // sandbox, which the forward's connections do not reach.
    let uid = {
        let st = shared.lock();
        match st.cluster.get_as::<Pod>(ns, name) {
            None => return pod_not_found(name),
            Some(p) if p.spec.node_name.is_none() => return no_host(name),
            Some(p) => p.metadata.uid.clone(),
        }
    };
    if !ws::is_websocket(req) {
        let upgrade = req.header("upgrade").unwrap_or("");
        if upgrade.to_ascii_lowercase().starts_with("spdy") {
            return status::bad_request(&format!(
                "unable to upgrade connection: this server serves portforward as SPDY tunnelled over WebSocket ({PORT_FORWARD_PROTOCOL}) only, not {upgrade}"
            ));
        }
        return status::bad_request("Upgrade request required");
    }
    let offered = ws::offered_protocols(req);
    if !offered.iter().any(|p| p == PORT_FORWARD_PROTOCOL) {
        // The kubelet's own WebSocket protocol, which other clients use.
        if let Some(p) = offered.iter().find(|p| *p == "v4.channel.k8s.io") {
            return port_forward_channels(shared, req, ns, name, &uid, p);
        }
        return status::bad_request("unable to upgrade: no tunneling spdy protocols provided");
    }
    let shared = shared.clone();
    let (ns, name) = (ns.to_string(), name.to_string());
    ws::upgrade(req, PORT_FORWARD_PROTOCOL, move |reader, writer| {
        forward(&shared, &ns, &name, &uid, reader, &writer);
        let _ = writer.close(1000);
        writer.shutdown();
    })
}

/// `portforward` with the kubelet's WebSocket channels: the ports from `?ports=`, port i on
/// channels 2i (data) and 2i+1 (error), each first sending the port (16 bits, little-endian).
fn port_forward_channels(
    shared: &Arc<Shared>,
    req: &Request,
    ns: &str,
    name: &str,
    uid: &str,
    protocol: &str,
) -> Response {
    let mut ports = Vec::new();
    for v in req.params("ports").flat_map(|v| v.split(',')) {
        match v.trim().parse::<u16>() {
            Ok(p) if p > 0 => ports.push(p),
            _ => {
                return status::bad_request(&format!(
                    "unable to parse \"{v}\" as a port: strconv.ParseUint: parsing \"{v}\": invalid syntax"
                ))
            }
        }
    }
    if ports.is_empty() {
        return status::bad_request("query parameter \"port\" is required");
    }
    if ports.len() > 127 {
        return status::bad_request("too many ports");
    }
    let shared = shared.clone();
    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
    ws::upgrade(req, protocol, move |mut reader, writer| {
        let send = |channel: u8, data: &[u8]| {
            let mut m = vec![channel];
            m.extend_from_slice(data);
            writer.binary(&m).is_ok()
        };
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new(); ports.len()];
        let mut open: Vec<bool> = vec![true; ports.len()];
        for (i, port) in ports.iter().enumerate() {
            let ch = (2 * i) as u8;
            if !send(ch, &port.to_le_bytes()) || !send(ch + 1, &port.to_le_bytes()) {
                writer.shutdown();
                return;
            }
            let refusal = unreachable(&mut shared.lock().cluster, &ns, &name, &uid, *port);
            if let Some(msg) = refusal {
                open[i] = false;
                if !send(ch + 1, msg.as_bytes()) {
                    writer.shutdown();
                    return;
                }
            }
        }
        loop {
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            let m = match reader.message() {
                Message::Binary(m) | Message::Text(m) => m,
                Message::Close => break,
            };
            let Some((&ch, data)) = m.split_first() else {
                continue;
            };
            let i = usize::from(ch / 2);
            if ch % 2 != 0 || i >= ports.len() || !open[i] {
                continue;
            }
            inputs[i].extend_from_slice(data);
            if inputs[i].len() > crate::http::MAX_BODY_BYTES {
                open[i] = false;
                continue;
            }
            while let Some(r) = take_request(&mut inputs[i]) {
                let Ok((method, path, host, _)) = r else {
                    open[i] = false;
                    break;
                };
                let answer = answer(
                    &mut shared.lock().cluster,
                    (&ns, &name, &uid, ports[i]),
                    (&method, &path, &host),
                );
                shared.notify();
                let (channel, bytes) = match &answer {
                    Ok(resp) => (ch, resp.as_bytes()),
                    Err(msg) => {
                        open[i] = false;
                        (ch + 1, msg.as_bytes())
                    }
                };
                if !send(channel, bytes) {
                    writer.shutdown();
                    return;
                }
                if !open[i] {
                    break;
                }
            }
        }
        let _ = writer.close(1000);
        writer.shutdown();
    })
}

/// One forwarded connection's data stream (its error stream is `error`).
struct Forwarded {
    port: u16,
    error: Option<u32>,
    input: Vec<u8>,
}

/// Whether the pod the forward began with (its UID) is still the pod of that name.
fn same_pod(c: &Cluster, ns: &str, pod: &str, uid: &str) -> bool {
    c.get_as::<Pod>(ns, pod)
        .is_some_and(|p| p.metadata.uid == uid)
}

/// The kubelet's (containerd's) words when a forwarded connection to `port` cannot be made:
/// the pod's sandbox is gone, or nothing listens there. `None`: it can.
fn unreachable(c: &mut Cluster, ns: &str, pod: &str, uid: &str, port: u16) -> Option<String> {
    if !same_pod(c, ns, pod, uid) {
        return Some(forward_error(uid, port, true));
    }
    c.pod_http(ns, pod, port, "HEAD", "/", "localhost")
        .is_none()
        .then(|| forward_error(uid, port, false))
}

/// The pod's answer to one request on a forwarded connection, or the kubelet's error.
fn answer(
    c: &mut Cluster,
    (ns, pod, uid, port): (&str, &str, &str, u16),
    (method, path, host): (&str, &str, &str),
) -> Result<String, String> {
    if !same_pod(c, ns, pod, uid) {
        return Err(forward_error(uid, port, true));
    }
    c.pod_http(ns, pod, port, method, path, host)
        .ok_or_else(|| forward_error(uid, port, false))
}

/// One HTTP request off the front of a data stream: method, path, Host, and whether the
/// client asked to close; `None` until a whole request is there.
fn take_request(input: &mut Vec<u8>) -> Option<Result<(String, String, String, bool), ()>> {
    let end = input.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&input[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(path), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Some(Err(()));
    };
    let mut host = String::new();
    let mut length = 0usize;
    let mut close = version == "HTTP/1.0";
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "host" => host = v.to_string(),
            "content-length" => length = v.parse().unwrap_or(0),
            "connection" => close = v.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    if input.len() < end + 4 + length {
        return None;
    }
    input.drain(..end + 4 + length);
    Some(Ok((method.to_string(), path.to_string(), host, close)))
}

/// A SPDY session over the WebSocket: each forwarded connection is an error stream and a
/// data stream; what the client writes on a data stream is HTTP to the pod's port, answered
/// as the pod's web server would (`Cluster::pod_http`).
fn forward(shared: &Shared, ns: &str, pod: &str, uid: &str, mut reader: Reader, writer: &Writer) {
    let mut inflater = spdy::Inflater::default();
    let mut deflater = spdy::Deflater::default();
    let mut errors: std::collections::HashMap<String, u32> = Default::default();
    let mut streams: std::collections::HashMap<u32, Forwarded> = Default::default();
    let mut buf: Vec<u8> = Vec::new();
    let send = |frame: Vec<u8>| writer.binary(&frame).is_ok();
    // Ends a forwarded connection: a message on its error stream (if any), then both closed.
    let close = |data: u32, error: Option<u32>, message: &str| -> bool {
        let mut ok = true;
        if let Some(e) = error {
            if !message.is_empty() {
                ok &= send(spdy::data(e, 0, message.as_bytes()));
            }
            ok &= send(spdy::data(e, spdy::FLAG_FIN, &[]));
        }
        ok && send(spdy::data(data, spdy::FLAG_FIN, &[]))
    };
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match reader.message() {
            Message::Binary(m) | Message::Text(m) => buf.extend_from_slice(&m),
            Message::Close => return,
        }
        if buf.len() > 8 + spdy::MAX_FRAME {
            return;
        }
        while let Some(frame) = spdy::take_frame(&mut buf) {
            match frame {
                spdy::Frame::Control {
                    kind: spdy::SYN_STREAM,
                    payload,
                    ..
                } => {
                    let Some(id) = payload
                        .get(..4)
                        .and_then(|b| <[u8; 4]>::try_from(b).ok())
                        .map(|b| u32::from_be_bytes(b) & 0x7FFF_FFFF)
                    else {
                        return;
                    };
                    let Some(headers) = payload
                        .get(10..)
                        .and_then(|b| inflater.block(b))
                        .and_then(|b| spdy::parse_headers(&b))
                    else {
                        // The header stream is broken: nothing more can be read.
                        let _ = send(spdy::control(spdy::GOAWAY, 0, &[0, 0, 0, 0, 0, 0, 0, 1]));
                        return;
                    };
                    let mut reply = id.to_be_bytes().to_vec();
                    reply.extend(deflater.headers(&[]));
                    if !send(spdy::control(spdy::SYN_REPLY, 0, &reply)) {
                        return;
                    }
                    let get = |k: &str| {
                        headers
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, v)| v.as_str())
                            .unwrap_or("")
                    };
                    let request = get("requestid").to_string();
                    match get("streamtype") {
                        "error" => {
                            errors.insert(request, id);
                        }
                        "data" => {
                            let error = errors.remove(&request);
                            let port = get("port").parse::<u16>().ok().filter(|p| *p > 0);
                            let Some(port) = port else {
                                let msg = format!(
                                    "error forwarding port {:?}: invalid port",
                                    get("port")
                                );
                                if !close(id, error, &msg) {
                                    return;
                                }
                                continue;
                            };
                            // Something must listen there now, or the connection is refused.
                            let refusal =
                                unreachable(&mut shared.lock().cluster, ns, pod, uid, port);
                            if let Some(msg) = refusal {
                                if !close(id, error, &msg) {
                                    return;
                                }
                                continue;
                            }
                            streams.insert(
                                id,
                                Forwarded {
                                    port,
                                    error,
                                    input: Vec::new(),
                                },
                            );
                        }
                        _ => {
                            let _ = send(spdy::data(id, spdy::FLAG_FIN, &[]));
                        }
                    }
                }
                spdy::Frame::Control {
                    kind: spdy::PING,
                    payload,
                    ..
                } => {
                    if !send(spdy::control(spdy::PING, 0, &payload)) {
                        return;
                    }
                }
                spdy::Frame::Control {
                    kind: spdy::GOAWAY, ..
                } => return,
                spdy::Frame::Control {
                    kind: spdy::RST_STREAM,
                    payload,
                    ..
                } => {
                    if let Some(b) = payload.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) {
                        streams.remove(&(u32::from_be_bytes(b) & 0x7FFF_FFFF));
                    }
                }
                // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do.
                spdy::Frame::Control { .. } => {}
                spdy::Frame::Data {
                    stream,
                    flags,
                    payload,
                } => {
                    let Some(f) = streams.get_mut(&stream) else {
                        continue;
                    };
                    f.input.extend_from_slice(&payload);
                    if f.input.len() > crate::http::MAX_BODY_BYTES {
                        let error = f.error;
                        streams.remove(&stream);
                        if !close(stream, error, "") {
                            return;
                        }
                        continue;
                    }
                    let mut closing = flags & spdy::FLAG_FIN != 0;
                    let mut message = String::new();
                    while let Some(r) = take_request(&mut f.input) {
                        let Ok((method, path, host, close_after)) = r else {
                            closing = true;
                            break;
                        };
                        let answer = answer(
                            &mut shared.lock().cluster,
                            (ns, pod, uid, f.port),
                            (&method, &path, &host),
                        );
                        shared.notify();
                        match answer {
                            Ok(resp) => {
                                for chunk in resp.as_bytes().chunks(64 * 1024) {
                                    if !send(spdy::data(stream, 0, chunk)) {
                                        return;
                                    }
                                }
                            }
                            Err(msg) => {
                                message = msg;
                                closing = true;
                                break;
                            }
                        }
                        if close_after {
                            closing = true;
                            break;
                        }
                    }
                    if closing {
                        let error = f.error;
                        streams.remove(&stream);
                        if !close(stream, error, &message) {
                            return;
                        }
                    }
                }
            }
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> LogOptions {
        LogOptions {
            container: "c".into(),
            follow: false,
            previous: false,
            timestamps: false,
            tail: None,
            limit: None,
            since: None,
        }
    }

    #[test]
    fn log_rendering_tails_stamps_and_limits() {
        let text = "a\nb\nc\n";
        assert_eq!(render(text, None, &opts()), b"a\nb\nc\n");
        let o = LogOptions {
            tail: Some(2),
            ..opts()
        };
        assert_eq!(render(text, None, &o), b"b\nc\n");
        let o = LogOptions {
            tail: Some(0),
            ..opts()
        };
        assert_eq!(render(text, None, &o), b"");
        let o = LogOptions {
            timestamps: true,
            tail: Some(1),
            ..opts()
        };
        let at = Time::parse_rfc3339("2026-01-01T00:00:05Z")
            .unwrap()
            .plus_ms(42);
        assert_eq!(
            String::from_utf8(render(text, Some(at), &o)).unwrap(),
            "2026-01-01T00:00:05.042000000Z c\n"
        );
        let o = LogOptions {
            limit: Some(3),
            ..opts()
        };
        assert_eq!(render(text, None, &o), b"a\nb");
        let o = LogOptions {
            since: Some(at.plus_ms(1)),
            ..opts()
        };
        assert_eq!(render(text, Some(at), &o), b"");
    }

    #[test]
    fn the_line_discipline_echoes_erases_and_ends() {
        let mut e = LineEditor::default();
        let (mut echo, mut done) = (Vec::new(), Vec::new());
        e.feed(b"ls /x\x7f\x1b[Ar\r", true, &mut echo, &mut done);
        assert_eq!(echo, b"ls /x\x08 \x08r\n");
        assert!(matches!(done.as_slice(), [Typed::Line(l)] if l == "ls /r"));
        let (mut echo, mut done) = (Vec::new(), Vec::new());
        e.feed(b"ab\x03\x04", true, &mut echo, &mut done);
        assert!(matches!(done.as_slice(), [Typed::Interrupt, Typed::Eof]));
        let (mut echo, mut done) = (Vec::new(), Vec::new());
        e.feed(b"one\ntw", false, &mut echo, &mut done);
        assert!(echo.is_empty());
        assert!(matches!(done.as_slice(), [Typed::Line(l)] if l == "one"));
        assert_eq!(e.line, b"tw");
    }

    #[test]
    fn exit_statuses_are_the_translators() {
        let v = end_status(&End::Exit(2)).unwrap();
        assert_eq!(v["reason"], "NonZeroExitCode");
        assert_eq!(v["details"]["causes"][0]["reason"], "ExitCode");
        assert_eq!(v["details"]["causes"][0]["message"], "2");
        assert_eq!(
            end_status(&End::Exit(0)).unwrap(),
            json!({"metadata": {}, "status": "Success"})
        );
        assert!(end_status(&End::Gone).is_none());
    }
}
