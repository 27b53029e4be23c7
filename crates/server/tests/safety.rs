//! Bad input and safety: what the server answers to malformed, oversized and hostile requests
//! (the API server's answers, and Go's `net/http` answers for what never reaches a handler),
//! and that slow, stalled, vanished and numerous clients block neither the simulation nor other
//! clients. Raw TCP and HTTP with std only, so every byte on the wire is the test's own.

use ordinal_server::http::{Limits, MAX_BODY_BYTES};
use ordinal_server::{start, ClockMode, Config, Handle};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// A small HTTP client.

#[derive(Debug)]
struct Resp {
    /// `HTTP/1.1` or `HTTP/1.0`.
    version: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }

    /// Asserts a failure `Status` with this code, reason and message.
    fn assert_status(&self, code: u16, reason: &str, message: &str) {
        assert_eq!(self.status, code, "{}", self.text());
        let v = self.json();
        assert_eq!(v["kind"], "Status", "{v}");
        assert_eq!(v["status"], "Failure", "{v}");
        assert_eq!(v["code"], code, "{v}");
        assert_eq!(v["reason"], reason, "{v}");
        assert_eq!(v["message"], message, "{v}");
    }

    /// Asserts a failure `Status` with this code and reason whose message starts so.
    fn assert_status_prefix(&self, code: u16, reason: &str, prefix: &str) {
        assert_eq!(self.status, code, "{}", self.text());
        let v = self.json();
        assert_eq!(v["kind"], "Status", "{v}");
        assert_eq!(v["reason"], reason, "{v}");
        let m = v["message"].as_str().unwrap_or("");
        assert!(
            m.starts_with(prefix),
            "message {m:?} does not start {prefix:?}"
        );
    }
}

fn read_line(r: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Reads one response (interim `100 Continue` answers are returned as they are).
fn read_response(r: &mut impl BufRead, head_only: bool) -> std::io::Result<Resp> {
    let status_line = read_line(r)?;
    if status_line.is_empty() {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("").to_string();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let l = read_line(r)?;
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').expect("header line");
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut resp = Resp {
        version,
        status,
        headers,
        body: Vec::new(),
    };
    if head_only || status == 100 || status == 101 {
        return Ok(resp);
    }
    if resp
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let size = usize::from_str_radix(read_line(r)?.trim(), 16).expect("chunk size");
            if size == 0 {
                read_line(r)?;
                break;
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk)?;
            resp.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = resp.header("content-length") {
        let mut b = vec![0; n.parse().expect("length")];
        r.read_exact(&mut b)?;
        resp.body = b;
    } else {
        r.read_to_end(&mut resp.body)?;
    }
    Ok(resp)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    s
}

/// Sends these bytes on a new connection and reads one response.
fn raw(addr: SocketAddr, bytes: &[u8]) -> Resp {
    let mut s = connect(addr);
    s.write_all(bytes).expect("write");
    read_response(&mut BufReader::new(s), false).expect("a response")
}

/// A well-formed request on a new connection.
fn http(addr: SocketAddr, method: &str, path: &str, content_type: &str, body: &[u8]) -> Resp {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: safety-test\r\nAccept: application/json\r\nConnection: close\r\n"
    );
    if !content_type.is_empty() {
        req.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PUT" || method == "PATCH" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    http(addr, "GET", path, "", b"")
}

fn server(clock: ClockMode, limits: Limits) -> Handle {
    start(Config {
        port: 0,
        clock,
        limits,
        ..Config::default()
    })
    .expect("the server starts")
}

fn virtual_server() -> Handle {
    server(ClockMode::Virtual, Limits::default())
}

fn rv(h: &Handle) -> u64 {
    h.shared.lock().cluster.resource_version()
}

fn sim_now(h: &Handle) -> u64 {
    h.shared.lock().cluster.now().0
}

/// Waits until `f` holds, or fails with `what` after `limit`.
fn eventually(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "not within {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

const PODS: &str = "/api/v1/namespaces/default/pods";

fn pod(name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "safety"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    })
}

// ---------------------------------------------------------------------------------------------
// Bad requests: the API server's Status, and nothing changes.

#[test]
fn malformed_and_mistyped_bodies_are_bad_requests_and_change_nothing() {
    let h = virtual_server();
    let a = h.addr;
    let before = rv(&h);
    let json = "application/json";
    let unchanged = |what: &str| assert_eq!(rv(&h), before, "{what} changed the store");
    // Not JSON, and JSON that is not an object: Go's json.Unmarshal of apiVersion/kind
    // fails first, in Go's words, with the body's summary.
    let unrecognized = "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error:";
    http(a, "POST", PODS, json, b"{not json").assert_status(
        400,
        "BadRequest",
        &format!("{unrecognized} invalid character 'n' looking for beginning of object key string ({{not json)"),
    );
    http(a, "POST", PODS, json, b"").assert_status(
        400,
        "BadRequest",
        &format!("{unrecognized} unexpected end of JSON input (<empty>)"),
    );
    http(a, "POST", PODS, json, b"[1, 2]").assert_status(
        400,
        "BadRequest",
        &format!("{unrecognized} json: cannot unmarshal array into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }} (5b312c20325d)"),
    );
    http(a, "POST", PODS, json, br#"{"kind": 7}"#).assert_status(
        400,
        "BadRequest",
        &format!("{unrecognized} json: cannot unmarshal number into Go struct field .kind of type string ({{\"kind\": 7}})"),
    );
    // Another kind, or another group version, than the path's: the decoder's conversion or
    // scheme lookup fails.
    let mut svc = pod("p");
    svc["kind"] = json!("Service");
    http(a, "POST", PODS, json, svc.to_string().as_bytes()).assert_status(
        400,
        "BadRequest",
        "Service in version \"v1\" cannot be handled as a Pod: converting (v1.Service) to (core.Pod): unknown conversion",
    );
    let mut apps = pod("p");
    apps["apiVersion"] = json!("apps/v1");
    http(a, "POST", PODS, json, apps.to_string().as_bytes()).assert_status(
        400,
        "BadRequest",
        "Pod in version \"v1\" cannot be handled as a Pod: no kind \"Pod\" is registered for version \"apps/v1\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"",
    );
    let sts = json!({"apiVersion": "v1", "kind": "StatefulSet", "metadata": {"name": "s"}});
    http(
        a,
        "POST",
        "/apis/apps/v1/namespaces/default/statefulsets",
        json,
        sts.to_string().as_bytes(),
    )
    .assert_status(
        400,
        "BadRequest",
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: no kind \"StatefulSet\" is registered for version \"v1\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"",
    );
    // A media type the server does not read.
    http(a, "POST", PODS, "text/plain", pod("p").to_string().as_bytes()).assert_status(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
    );
    // A body nested past Go's 10000 levels, and one past the YAML parser's limit, are refused,
    // and the connection's thread survives them.
    let deep = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"deep\"}},\"spec\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    http(a, "POST", PODS, json, deep.as_bytes()).assert_status(
        400,
        "BadRequest",
        &format!("{unrecognized} invalid character '[' exceeded max depth ({{\"apiVersion\":\"v1\",\"kind\":\"Pod ...)"),
    );
    // Deeper than serde's 128 levels but within Go's: still a 400, and no crash.
    let deepish = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"deep\"}},\"spec\":{}{}}}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    http(a, "POST", PODS, json, deepish.as_bytes()).assert_status_prefix(
        400,
        "BadRequest",
        "Pod in version \"v1\" cannot be handled as a Pod: ",
    );
    let deep_yaml = format!("apiVersion: v1\nkind: Pod\nspec: {}\n", "[".repeat(100_000));
    http(a, "POST", PODS, "application/yaml", deep_yaml.as_bytes()).assert_status_prefix(
        400,
        "BadRequest",
        "",
    );
    // YAML aliases that would expand to billions of nodes.
    let mut bomb = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for (i, c) in "bcdefghij".chars().enumerate() {
        let p = "abcdefghij".as_bytes()[i] as char;
        bomb.push_str(&format!(
            "{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    let started = Instant::now();
    let r = http(a, "POST", PODS, "application/yaml", bomb.as_bytes());
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the alias bomb took {:?}",
        started.elapsed()
    );
    unchanged("a bad body");
    // A patch that is not JSON, a patch type the server does not take, a bad dryRun.
    let created = http(a, "POST", PODS, json, pod("p").to_string().as_bytes());
    assert_eq!(created.status, 201, "{}", created.text());
    let after_create = rv(&h);
    let p = format!("{PODS}/p");
    http(a, "PATCH", &p, "application/merge-patch+json", b"{oops").assert_status_prefix(
        400,
        "BadRequest",
        "",
    );
    http(a, "PATCH", &p, "text/plain", b"{}").assert_status(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
    );
    http(
        a,
        "PATCH",
        &format!("{p}?dryRun=Bogus"),
        "application/merge-patch+json",
        b"{}",
    )
    .assert_status(
        400,
        "BadRequest",
        "Invalid dry run value: Bogus; valid values are: All",
    );
    // Only the one good create changed the store; the server still answers.
    assert!(after_create > before);
    assert_eq!(rv(&h), after_create, "a refused request changed the store");
    let live = get(a, PODS).json();
    let names: Vec<&str> = live["items"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|p| p["metadata"]["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["p"]);
    assert_eq!(get(a, "/version").status, 200);
}

#[test]
fn unknown_paths_and_groups_are_not_found() {
    let h = virtual_server();
    // Under what go-restful serves (`/api`, a served group): a NotFound Status, details empty.
    for path in [
        "/api/v1/widgets",
        "/api/v1/namespaces/default/widgets",
        "/api/v1/namespaces/default/pods/p/bogus",
        "/apis/apps/v9/statefulsets",
        "/api/v2/pods",
    ] {
        let r = get(h.addr, path);
        r.assert_status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
        assert_eq!(r.json()["details"], json!({}), "{path}");
    }
    // An unknown group, or a path outside the API: Go's plain NotFound.
    for path in [
        "/apis/widgets.example.com",
        "/apis/widgets.example.com/v1",
        "/apis/widgets.example.com/v1/widgets",
        "/nothing/here",
    ] {
        let r = get(h.addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.text(), "404 page not found\n", "{path}");
    }
    // A named object that does not exist is the resource's own NotFound.
    get(h.addr, &format!("{PODS}/nope")).assert_status(404, "NotFound", "pods \"nope\" not found");
}

#[test]
fn bad_query_parameters_are_bad_requests() {
    let h = virtual_server();
    let a = h.addr;
    get(a, &format!("{PODS}?labelSelector=app%20in")).assert_status_prefix(
        400,
        "BadRequest",
        "unable to parse requirement: ",
    );
    get(a, &format!("{PODS}?labelSelector=a%3D%3D%3Db")).assert_status_prefix(
        400,
        "BadRequest",
        "",
    );
    get(a, &format!("{PODS}?fieldSelector=spec.bogus%3D1")).assert_status(
        400,
        "BadRequest",
        "field label not supported: spec.bogus",
    );
    get(a, &format!("{PODS}?limit=abc")).assert_status(
        400,
        "BadRequest",
        "strconv.ParseInt: parsing \"abc\": invalid syntax",
    );
    get(a, &format!("{PODS}?limit=99999999999999999999")).assert_status(
        400,
        "BadRequest",
        "strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
    );
    get(a, &format!("{PODS}?continue=%%%")).assert_status_prefix(400, "BadRequest", "");
    http(
        a,
        "DELETE",
        &format!("{PODS}/p?gracePeriodSeconds=soon"),
        "",
        b"",
    )
    .assert_status(
        400,
        "BadRequest",
        "strconv.ParseInt: parsing \"soon\": invalid syntax",
    );
    get(a, &format!("{PODS}?watch=true&timeoutSeconds=soon")).assert_status_prefix(
        400,
        "BadRequest",
        "",
    );
    get(a, &format!("{PODS}?watch=true&resourceVersion=x")).assert_status_prefix(
        400,
        "BadRequest",
        "",
    );
}

// ---------------------------------------------------------------------------------------------
// Limits: bodies, headers, and requests that are not HTTP.

const TOO_LARGE: &str = "Request entity too large: limit is 3145728";

#[test]
fn a_body_over_3_mib_is_413_and_the_client_reads_the_answer() {
    let h = virtual_server();
    let a = h.addr;
    let before = rv(&h);
    // Refused on its Content-Length, before a byte of the body arrives.
    let head = format!(
        "POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY_BYTES + 1
    );
    let r = raw(a, head.as_bytes());
    r.assert_status(413, "RequestEntityTooLarge", TOO_LARGE);
    assert_eq!(r.header("connection"), Some("close"));
    // A client that sends the whole 4 MiB body before it reads still gets the answer (the
    // server drains what it refused instead of resetting the connection).
    let mut s = connect(a);
    let body = vec![b' '; 4 * 1024 * 1024];
    let head = format!(
        "POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut w = s.try_clone().expect("clone");
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(head.as_bytes());
        let _ = w.write_all(&body);
    });
    let r = read_response(&mut BufReader::new(&mut s), false).expect("the 413 arrives");
    r.assert_status(413, "RequestEntityTooLarge", TOO_LARGE);
    let _ = writer.join();
    // A chunked body is counted as it arrives.
    let mut s = connect(a);
    s.write_all(
        format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .as_bytes(),
    )
    .expect("head");
    let chunk = vec![b' '; 1024 * 1024];
    let mut w = s.try_clone().expect("clone");
    let writer = std::thread::spawn(move || {
        for _ in 0..4 {
            let _ = w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
            let _ = w.write_all(&chunk);
            let _ = w.write_all(b"\r\n");
        }
        let _ = w.write_all(b"0\r\n\r\n");
    });
    let r = read_response(&mut BufReader::new(&mut s), false).expect("the 413 arrives");
    r.assert_status(413, "RequestEntityTooLarge", TOO_LARGE);
    let _ = writer.join();
    // Exactly at the limit is read (and is then a bad Pod, not a 413).
    let mut at_limit = br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"big"}}"#.to_vec();
    at_limit.resize(MAX_BODY_BYTES, b' ');
    let r = http(a, "POST", PODS, "application/json", &at_limit);
    assert_ne!(r.status, 413, "{}", r.text());
    assert_eq!(rv(&h), before, "nothing was stored");
}

#[test]
fn expect_100_continue_is_answered() {
    let h = virtual_server();
    let a = h.addr;
    // Over the limit: the final answer, no 100, and the client never sends the body.
    let r = raw(
        a,
        format!(
            "POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY_BYTES * 2
        )
        .as_bytes(),
    );
    r.assert_status(413, "RequestEntityTooLarge", TOO_LARGE);
    // Under it: 100 Continue first, then the body, then 201.
    let body = pod("expecting").to_string();
    let mut s = connect(a);
    s.write_all(
        format!(
            "POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .expect("head");
    let mut r = BufReader::new(s.try_clone().expect("clone"));
    let cont = read_response(&mut r, false).expect("100");
    assert_eq!(cont.status, 100);
    s.write_all(body.as_bytes()).expect("body");
    let created = read_response(&mut r, false).expect("201");
    assert_eq!(created.status, 201, "{}", created.text());
    // An expectation the server does not know: Go's 417.
    let r = raw(
        a,
        format!(
            "POST {PODS} HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{{}}"
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 417);
    assert_eq!(r.header("connection"), Some("close"));
}

#[test]
fn headers_over_the_limit_and_garbage_get_gos_plain_answers() {
    let h = virtual_server();
    let a = h.addr;
    let before = rv(&h);
    let plain = |r: &Resp, code: u16, text: &str| {
        assert_eq!(r.status, code, "{}", r.text());
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("connection"), Some("close"));
        assert_eq!(r.text(), text);
    };
    // 1 MiB of headers (Go's MaxHeaderBytes, plus its 4 KiB of slack).
    let mut big = format!("GET {PODS} HTTP/1.1\r\nHost: x\r\n");
    for i in 0..1100 {
        big.push_str(&format!("X-Filler-{i}: {}\r\n", "y".repeat(1000)));
    }
    big.push_str("\r\n");
    let mut s = connect(a);
    let mut w = s.try_clone().expect("clone");
    let bytes = big.into_bytes();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(&bytes);
    });
    let r = read_response(&mut BufReader::new(&mut s), false).expect("431");
    plain(&r, 431, "431 Request Header Fields Too Large");
    let _ = writer.join();
    // Many headers under the byte limit are fine (Go has no count limit).
    let mut many = String::from("GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    for i in 0..500 {
        many.push_str(&format!("X-N-{i}: v\r\n"));
    }
    many.push_str("\r\n");
    assert_eq!(raw(a, many.as_bytes()).status, 200);
    // Not HTTP at all.
    plain(&raw(a, b"HELLO THERE\r\n\r\n"), 400, "400 Bad Request");
    plain(
        &raw(a, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    plain(
        &raw(a, b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    plain(
        &raw(a, b"GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    // A request target Go's url.ParseRequestURI refuses; an absolute URL is served by its path.
    plain(
        &raw(a, b"GET version HTTP/1.1\r\nHost: x\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    plain(
        &raw(a, b"GET /api/v1/p%zzods HTTP/1.1\r\nHost: x\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    plain(
        &raw(a, b"GET /api/v1/pods% HTTP/1.1\r\nHost: x\r\n\r\n"),
        400,
        "400 Bad Request",
    );
    let r = raw(
        a,
        format!("GET http://{a}/version HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // A malformed query is not the HTTP layer's business.
    assert_eq!(
        raw(a, b"GET /version?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n").status,
        200
    );
    // What Go's server requires of HTTP/1.1.
    plain(
        &raw(a, b"GET /version HTTP/1.1\r\n\r\n"),
        400,
        "400 Bad Request: missing required Host header",
    );
    plain(
        &raw(a, b"GET /version HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        400,
        "400 Bad Request: too many Host headers",
    );
    plain(
        &raw(
            a,
            format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n").as_bytes(),
        ),
        400,
        "400 Bad Request",
    );
    plain(
        &raw(
            a,
            format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}").as_bytes(),
        ),
        400,
        "400 Bad Request",
    );
    let r = raw(
        a,
        format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 501);
    assert_eq!(r.text(), "Unsupported transfer encoding");
    let r = raw(
        a,
        format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            .as_bytes(),
    );
    plain(&r, 400, "400 Bad Request");
    assert_eq!(rv(&h), before);
    assert_eq!(get(a, "/version").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Connections: HTTP/1.0, keep-alive, HEAD, pipelining.

#[test]
fn http10_keep_alive_head_and_pipelining() {
    let h = virtual_server();
    let a = h.addr;
    // HTTP/1.0 without keep-alive: an HTTP/1.0 answer, and the server closes.
    let mut s = connect(a);
    s.write_all(b"GET /version HTTP/1.0\r\n\r\n")
        .expect("write");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("the server closes");
    let r = read_response(&mut &all[..], false).expect("response");
    assert_eq!((r.version.as_str(), r.status), ("HTTP/1.0", 200));
    assert_eq!(r.json()["gitVersion"], "v1.33.1");
    // HTTP/1.0 with keep-alive: told so, and the connection takes a second request.
    let mut s = connect(a);
    let mut rd = BufReader::new(s.try_clone().expect("clone"));
    for _ in 0..2 {
        s.write_all(b"GET /version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .expect("write");
        let r = read_response(&mut rd, false).expect("response");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("connection"), Some("keep-alive"));
    }
    // An HTTP/1.0 watch is not chunked: its body ends with the connection.
    let mut s = connect(a);
    s.write_all(format!("GET {PODS}?watch=true&timeoutSeconds=1 HTTP/1.0\r\n\r\n").as_bytes())
        .expect("write");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("the server closes");
    let r = read_response(&mut &all[..], false).expect("response");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("transfer-encoding"), None);
    // HTTP/1.1: pipelined requests are answered in order on one connection, and HEAD has
    // a length but no body.
    let mut s = connect(a);
    s.write_all(
        format!(
            "GET /version HTTP/1.1\r\nHost: x\r\n\r\nHEAD /version HTTP/1.1\r\nHost: x\r\n\r\nGET {PODS}/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .expect("write");
    let mut rd = BufReader::new(s);
    let first = read_response(&mut rd, false).expect("first");
    assert_eq!((first.version.as_str(), first.status), ("HTTP/1.1", 200));
    assert_eq!(first.header("connection"), None);
    let head = read_response(&mut rd, true).expect("head");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        first.header("content-length")
    );
    let third = read_response(&mut rd, false).expect("third");
    third.assert_status(404, "NotFound", "pods \"nope\" not found");
    assert_eq!(third.header("connection"), Some("close"));
    let mut rest = Vec::new();
    rd.read_to_end(&mut rest).expect("closed");
    assert!(rest.is_empty(), "{rest:?}");
}

// ---------------------------------------------------------------------------------------------
// Slow, stalled and vanished clients.

fn short_limits() -> Limits {
    Limits {
        idle_timeout: Duration::from_secs(2),
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        write_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

/// Asserts that the server closes this connection (without an answer) within `limit`.
fn closed_within(s: &mut TcpStream, limit: Duration) {
    s.set_read_timeout(Some(limit + Duration::from_secs(5)))
        .ok();
    let started = Instant::now();
    let mut rest = Vec::new();
    let r = s.read_to_end(&mut rest);
    assert!(
        started.elapsed() < limit + Duration::from_secs(3),
        "open after {:?}",
        started.elapsed()
    );
    assert!(r.is_ok() || rest.is_empty(), "{r:?}");
    assert!(
        rest.is_empty(),
        "answered: {:?}",
        String::from_utf8_lossy(&rest)
    );
}

#[test]
fn a_half_sent_request_blocks_no_one_and_times_out() {
    let h = server(ClockMode::Real { speed: 10.0 }, short_limits());
    let a = h.addr;
    let mut stalled_head = connect(a);
    stalled_head
        .write_all(format!("GET {PODS} HTTP/1.1\r\nHost: x\r\nX-Slow: ").as_bytes())
        .expect("write");
    let mut stalled_body = connect(a);
    stalled_body
        .write_all(
            format!("POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{").as_bytes(),
        )
        .expect("write");
    let mut idle = connect(a);
    // Meanwhile, everyone else is served at once, and simulated time moves.
    let t0 = sim_now(&h);
    for _ in 0..20 {
        let started = Instant::now();
        assert_eq!(get(a, "/version").status, 200);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    eventually(Duration::from_secs(5), "the clock moves", || {
        sim_now(&h) > t0 + 1000
    });
    // Then the stalled headers and the idle connection are closed, unanswered, as Go's server
    // does at its read timeouts.
    closed_within(&mut stalled_head, Duration::from_secs(1));
    // A body that stops arriving gets the API server's request timeout.
    stalled_body
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok();
    let r = read_response(&mut BufReader::new(&mut stalled_body), false).expect("504");
    r.assert_status(
        504,
        "Timeout",
        "Timeout: request did not complete within requested timeout - context deadline exceeded",
    );
    closed_within(&mut stalled_body, Duration::from_secs(1));
    closed_within(&mut idle, Duration::from_secs(2));
}

/// A watch request on a new connection; returns the connection after the response head.
fn open_watch(addr: SocketAddr, query: &str) -> BufReader<TcpStream> {
    let mut s = connect(addr);
    s.write_all(
        format!(
            "GET {PODS}?watch=true&{query} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
        )
        .as_bytes(),
    )
    .expect("write");
    let mut rd = BufReader::new(s);
    let status = read_line(&mut rd).expect("status line");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    while !read_line(&mut rd).expect("header").is_empty() {}
    rd
}

/// The next watch event (one chunk holds whole lines).
fn next_events(rd: &mut BufReader<TcpStream>) -> Vec<Value> {
    let size = usize::from_str_radix(read_line(rd).expect("chunk size").trim(), 16).expect("hex");
    assert!(size > 0, "the watch ended");
    let mut chunk = vec![0; size + 2];
    rd.read_exact(&mut chunk).expect("chunk");
    String::from_utf8_lossy(&chunk[..size])
        .lines()
        .map(|l| serde_json::from_str(l).expect("an event"))
        .collect()
}

#[test]
fn a_watch_that_is_never_read_blocks_nothing_and_times_out() {
    let h = server(ClockMode::Real { speed: 1.0 }, short_limits());
    let a = h.addr;
    let base = h.shared.connections();
    // A watch on secrets that never reads, and one that does.
    let secrets = "/api/v1/namespaces/default/secrets";
    let mut stalled = connect(a);
    stalled
        .write_all(format!("GET {secrets}?watch=true HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .expect("write");
    let mut reader = open_watch(a, &format!("resourceVersion={}", rv(&h)));
    eventually(Duration::from_secs(5), "both watches are open", || {
        h.shared.connections() >= base + 2
    });
    // Megabytes of events: far more than the socket buffers hold.
    let data = ordinal_sim::base64::encode(&vec![b'x'; 600 * 1024]);
    for i in 0..12 {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": format!("big-{i}")}, "data": {"blob": data}});
        let started = Instant::now();
        let r = http(
            a,
            "POST",
            secrets,
            "application/json",
            s.to_string().as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a write waited {:?}",
            started.elapsed()
        );
    }
    // The other watch sees a pod created now; the clock has moved.
    let t0 = sim_now(&h);
    let r = http(
        a,
        "POST",
        PODS,
        "application/json",
        pod("seen").to_string().as_bytes(),
    );
    assert_eq!(r.status, 201);
    let mut seen = false;
    while !seen {
        for ev in next_events(&mut reader) {
            seen |= ev["object"]["metadata"]["name"] == "seen";
        }
    }
    eventually(Duration::from_secs(5), "the clock moves", || {
        sim_now(&h) > t0
    });
    // The stalled watch's writer gives up at the write timeout and frees its thread.
    eventually(
        Duration::from_secs(15),
        "the stalled watch is dropped",
        || h.shared.connections() <= base + 1,
    );
    drop(stalled);
}

#[test]
fn a_client_that_leaves_mid_watch_frees_its_thread() {
    let h = virtual_server();
    let base = h.shared.connections();
    let mut watches: Vec<_> = (0..5).map(|_| open_watch(h.addr, "")).collect();
    eventually(Duration::from_secs(5), "the watches are open", || {
        h.shared.connections() == base + 5
    });
    // Nothing happens in the cluster, so no write would notice they left.
    watches.clear();
    eventually(Duration::from_secs(5), "the threads end", || {
        h.shared.connections() == base
    });
}

#[test]
fn two_hundred_watches_all_see_a_write_and_the_clock_moves() {
    let h = server(ClockMode::Real { speed: 1.0 }, Limits::default());
    let a = h.addr;
    let from = rv(&h);
    let mut watches: Vec<_> = (0..200)
        .map(|_| {
            open_watch(
                a,
                &format!("resourceVersion={from}&labelSelector=app%3Dsafety"),
            )
        })
        .collect();
    eventually(Duration::from_secs(10), "200 watches are open", || {
        h.shared.connections() >= 200
    });
    let t0 = sim_now(&h);
    let started = Instant::now();
    let r = http(
        a,
        "POST",
        PODS,
        "application/json",
        pod("crowd").to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the write took {:?}",
        started.elapsed()
    );
    for w in &mut watches {
        let evs = next_events(w);
        assert_eq!(evs[0]["type"], "ADDED", "{evs:?}");
        assert_eq!(evs[0]["object"]["metadata"]["name"], "crowd");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "fan-out took {:?}",
        started.elapsed()
    );
    eventually(Duration::from_secs(5), "the clock moves", || {
        sim_now(&h) > t0 + 500
    });
    assert_eq!(get(a, "/version").status, 200);
}

#[test]
fn connections_over_the_limit_get_429() {
    let limits = Limits {
        max_connections: 4,
        ..Limits::default()
    };
    let h = server(ClockMode::Virtual, limits);
    let a = h.addr;
    // Four kept-alive connections, each served once.
    let mut open: Vec<(TcpStream, BufReader<TcpStream>)> = (0..4)
        .map(|_| {
            let mut s = connect(a);
            let mut rd = BufReader::new(s.try_clone().expect("clone"));
            s.write_all(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
                .expect("write");
            assert_eq!(read_response(&mut rd, false).expect("200").status, 200);
            (s, rd)
        })
        .collect();
    // The fifth: the max-in-flight filter's answer.
    let r = raw(a, b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.text(), "Too many requests, please try again later.\n");
    // The four still work; once one leaves, a new one is served.
    for (s, rd) in &mut open {
        s.write_all(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        assert_eq!(read_response(rd, false).expect("200").status, 200);
    }
    drop(open.pop());
    eventually(Duration::from_secs(5), "a slot frees", || {
        h.shared.connections() < 4
    });
    assert_eq!(get(a, "/version").status, 200);
}

#[test]
fn the_server_binds_localhost_unless_told_otherwise() {
    assert_eq!(Config::default().address, IpAddr::V4(Ipv4Addr::LOCALHOST));
    let h = virtual_server();
    assert!(h.addr.ip().is_loopback(), "{}", h.addr);
}

// ---------------------------------------------------------------------------------------------
// The same through real kubectl.

fn kubectl() -> Option<PathBuf> {
    let p = std::env::var_os("ORDINAL_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/kubectl-v1.33/kubectl")
        });
    if p.exists() {
        return Some(p);
    }
    let note = format!("kubectl v1.33 not found at {}", p.display());
    if std::env::var_os("CI").is_some() {
        panic!("{note}");
    }
    eprintln!("skipping: {note}");
    None
}

#[test]
fn kubectl_reads_the_servers_refusals() {
    let Some(kubectl) = kubectl() else { return };
    let h = virtual_server();
    let dir = std::env::temp_dir().join(format!(
        "ordinal-safety-{}-{}",
        std::process::id(),
        h.addr.port()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    std::fs::write(&kc, h.kubeconfig()).expect("kubeconfig");
    let run = |args: &[&str]| {
        let out = Command::new(&kubectl)
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .args(args)
            .output()
            .expect("kubectl runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A 4 MiB manifest: kubectl sends it whole, and reads the 413.
    let big = dir.join("big.yaml");
    std::fs::write(
        &big,
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\nstringData:\n  blob: {}\n",
            "x".repeat(4 * 1024 * 1024)
        ),
    )
    .expect("manifest");
    // (--validate=false: OpenAPI, which validation downloads, is another part's.)
    let (code, _, err) = run(&[
        "create",
        "--validate=false",
        "-f",
        big.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "Error from server (RequestEntityTooLarge): error when creating \"{}\": {TOO_LARGE}",
            big.display()
        )),
        "{err}"
    );
    // A selector the server cannot parse.
    let (code, _, err) = run(&["get", "pods", "-l", "app in"]);
    assert_eq!(code, Some(1), "{err}");
    // kubectl words a list's BadRequest itself, around the server's message.
    assert!(
        err.contains(
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in\", field selector \"\": unable to parse requirement: "
        ),
        "{err}"
    );
    assert!(!err.contains("requirement: unable to parse"), "{err}");
    // A resource no group serves: kubectl's own answer, from discovery.
    let (code, _, err) = run(&["get", "widgets"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the server doesn't have a resource type \"widgets\""),
        "{err}"
    );
    // A raw path the server does not serve.
    let (code, _, err) = run(&["get", "--raw", "/apis/widgets.example.com/v1/widgets"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "Error from server (NotFound): the server could not find the requested resource"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Noise.

#[test]
fn mutated_requests_never_take_the_server_down() {
    let h = server(ClockMode::Virtual, short_limits());
    let a = h.addr;
    let body = pod("noise").to_string();
    let seeds: &[&[u8]] = &[
        b"GET /api/v1/namespaces/default/pods?labelSelector=app%3Dsafety&limit=2 HTTP/1.1\r\nHost: x\r\nAccept: application/json;as=Table;v=v1;g=meta.k8s.io\r\n\r\n",
        b"GET /api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PATCH /api/v1/namespaces/default/pods/noise HTTP/1.1\r\nHost: x\r\nContent-Type: application/strategic-merge-patch+json\r\nContent-Length: 35\r\n\r\n{\"metadata\":{\"labels\":{\"a\":\"b\"}}}\r\n",
        b"DELETE /api/v1/namespaces/default/pods/noise?gracePeriodSeconds=0 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
    ];
    let mut requests: Vec<Vec<u8>> = seeds.iter().map(|s| s.to_vec()).collect();
    requests.push(
        format!(
            "POST {PODS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    // SplitMix64, so a failure replays.
    let mut state: u64 = 0x5eed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut cases = Vec::new();
    for i in 0..240 {
        let mut r = requests[i % requests.len()].clone();
        for _ in 0..(1 + next() % 4) {
            let at = (next() as usize) % r.len();
            match next() % 4 {
                0 => r[at] = (next() % 256) as u8,
                1 => {
                    r.remove(at);
                }
                2 => r.insert(at, b"{}[]\"%:\r\n\0\xff"[(next() % 11) as usize]),
                _ => r.truncate(at.max(1)),
            }
        }
        cases.push(r);
    }
    let chunks: Vec<Vec<Vec<u8>>> = cases.chunks(30).map(|c| c.to_vec()).collect();
    let workers: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            std::thread::spawn(move || {
                let mut codes = Vec::new();
                for r in chunk {
                    let mut s = TcpStream::connect(a).expect("the server accepts");
                    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                    let _ = s.write_all(&r);
                    let _ = s.shutdown(std::net::Shutdown::Write);
                    let mut answer = Vec::new();
                    let _ = s.read_to_end(&mut answer);
                    assert!(
                        answer.is_empty() || answer.starts_with(b"HTTP/1."),
                        "{:?} -> {:?}",
                        String::from_utf8_lossy(&r),
                        String::from_utf8_lossy(&answer)
                    );
                    if let Some(code) = answer.get(9..12) {
                        codes.push(String::from_utf8_lossy(code).into_owned());
                    }
                }
                codes
            })
        })
        .collect();
    let mut codes = Vec::new();
    for w in workers {
        codes.extend(w.join().expect("a worker"));
    }
    // The noise reached the handlers too, not only the HTTP parser.
    for class in ["2", "4"] {
        assert!(
            codes.iter().any(|c| c.starts_with(class)),
            "no {class}xx in {codes:?}"
        );
    }
    assert_eq!(get(a, "/version").status, 200);
    assert_eq!(get(a, PODS).status, 200);
}

#[test]
fn kubectls_protobuf_bodies_are_read_or_refused() {
    // kubectl's typed clients (`create secret`, `create namespace`) send protobuf.
    let h = virtual_server();
    let a = h.addr;
    let pb = "application/vnd.kubernetes.protobuf";
    let secrets = "/api/v1/namespaces/default/secrets";
    http(a, "POST", secrets, pb, b"not protobuf").assert_status_prefix(
        400,
        "BadRequest",
        "the object provided is unrecognized (must be of type Secret): ",
    );
    http(a, "POST", secrets, pb, b"k8s\0\x0a\xff").assert_status_prefix(
        400,
        "BadRequest",
        "the object provided is unrecognized (must be of type Secret): ",
    );
    http(a, "POST", PODS, pb, b"k8s\0").assert_status(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
    );
    let Some(kubectl) = kubectl() else { return };
    let dir = std::env::temp_dir().join(format!("ordinal-pb-{}-{}", std::process::id(), a.port()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    std::fs::write(&kc, h.kubeconfig()).expect("kubeconfig");
    let run = |args: &[&str]| {
        let out = Command::new(&kubectl)
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .args(args)
            .output()
            .expect("kubectl runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let (code, out) = run(&[
        "create",
        "secret",
        "docker-registry",
        "registry-secret-aliyun",
        "--docker-server=registry.cn-hangzhou.aliyuncs.com",
        "--docker-username=xxx@xx.com",
        "--docker-password=xxxx",
    ]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "secret/registry-secret-aliyun created\n")
    );
    let (_, out) = run(&["create", "secret", "generic", "s", "--from-literal=a=b"]);
    assert_eq!(out, "secret/s created\n");
    let (_, out) = run(&["get", "secret", "s", "-o", "jsonpath={.data.a} {.type}"]);
    assert_eq!(out, "Yg== Opaque");
    let (_, out) = run(&["create", "namespace", "staging"]);
    assert_eq!(out, "namespace/staging created\n");
    let (_, out) = run(&[
        "create",
        "service",
        "nodeport",
        "np",
        "--tcp=80:8080",
        "--node-port=30080",
    ]);
    assert_eq!(out, "service/np created\n");
    let (_, out) = run(&[
        "get",
        "service",
        "np",
        "-o",
        "jsonpath={.spec.type} {.spec.selector.app} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].nodePort}",
    ]);
    assert_eq!(out, "NodePort np 80-8080 80 8080 30080");
    let (code, out) = run(&["create", "namespace", "staging"]);
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "Error from server (AlreadyExists): namespaces \"staging\" already exists\n"
        )
    );
    let st = h.shared.lock();
    let s = st
        .cluster
        .get(
            ordinal_sim::Kind::Secret,
            "default",
            "registry-secret-aliyun",
        )
        .expect("stored");
    let v = s.to_value();
    assert_eq!(v["type"], "kubernetes.io/dockerconfigjson");
    let config = ordinal_sim::base64::decode(v["data"][".dockerconfigjson"].as_str().unwrap_or(""))
        .expect("base64");
    let config: Value = serde_json::from_slice(&config).expect("docker config JSON");
    assert_eq!(
        config["auths"]["registry.cn-hangzhou.aliyuncs.com"]["username"],
        "xxx@xx.com"
    );
    drop(st);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dry_run_eviction_evicts_nothing() {
    // What `kubectl drain --dry-run=server` sends for each pod.
    let h = virtual_server();
    let a = h.addr;
    let r = http(
        a,
        "POST",
        PODS,
        "application/json",
        pod("kept").to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let before = rv(&h);
    let eviction = |opts: Value| {
        json!({"kind": "Eviction", "apiVersion": "policy/v1",
               "metadata": {"name": "kept", "namespace": "default"}, "deleteOptions": opts})
        .to_string()
    };
    let path = format!("{PODS}/kept/eviction");
    let r = http(
        a,
        "POST",
        &path,
        "application/json",
        eviction(json!({"gracePeriodSeconds": 5, "dryRun": ["All"]})).as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], "Success");
    http(
        a,
        "POST",
        &path,
        "application/json",
        eviction(json!({"dryRun": ["Some"]})).as_bytes(),
    )
    .assert_status(
        400,
        "BadRequest",
        "Invalid dry run value: Some; valid values are: All",
    );
    assert_eq!(rv(&h), before, "a dry run changed the store");
    assert_eq!(get(a, &format!("{PODS}/kept")).status, 200);
    // Without it, the pod goes.
    let r = http(
        a,
        "POST",
        &path,
        "application/json",
        eviction(json!({})).as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(rv(&h) > before);
}
