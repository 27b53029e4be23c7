//! Network tools: busybox 1.28's `nslookup` and `wget`, and `curl` (Debian's 7.88), over the
//! cluster's DNS and pod network. A request reaches the pod that holds the address; if its
//! main process is a web server, the file comes from that pod's container filesystem, with
//! nginx's own error pages for a directory without `index.html` (403) or a missing file (404).
//!
//! The same `curl` runs on the learner's workstation ([`Cluster::workstation_curl`]), whose
//! network is its loopback and the ports `kubectl port-forward` listens on there.

use super::tools::NGINX_VERSION;
use super::ContainerHost;
use crate::api::{EndpointSlice, Pod, Service};
use crate::cluster::Cluster;
use crate::dns::{QueryType, Record};
use crate::fs::Entry;
use crate::time::Civil;
use crate::DNS_SERVICE_IP;
use ordinal_shell::{Output, State};

const CURL_VERSION: &str = "7.88.1";

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.parse::<u8>().is_ok())
}

/// An address line of busybox's nslookup: the address, and its reverse name when known.
fn address_line(h: &ContainerHost, n: usize, ip: &str, ptr: Option<String>) -> String {
    let ptr = ptr.or_else(|| h.cluster.reverse(ip));
    match ptr {
        Some(name) => format!("Address {n}: {ip} {name}\n"),
        None => format!("Address {n}: {ip}\n"),
    }
}

/// busybox 1.28's `nslookup HOST [SERVER]`.
pub(super) fn nslookup(h: &mut ContainerHost, argv: &[String]) -> Output {
    let ops: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let Some(name) = ops.first() else {
        return Output::err(
            "Usage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n",
            1,
        );
    };
    let server = ops.get(1).map_or(DNS_SERVICE_IP, |s| s.as_str());
    let mut out = Output::out(format!(
        "{:<10} {server}\n{}\n",
        "Server:",
        address_line(h, 1, server, None)
    ));
    if is_ipv4(name) {
        out.push_out(format!(
            "{:<10} {name}\n{}",
            "Name:",
            address_line(h, 1, name, None)
        ));
        return out;
    }
    let ips: Vec<(String, Option<String>)> = h
        .cluster
        .dns_lookup(&h.target.namespace, name, QueryType::A)
        .map(|a| {
            a.records
                .into_iter()
                .filter_map(|r| match r {
                    Record::A { ip, ptr } => Some((ip, ptr)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if ips.is_empty() {
        out.push_err(format!("nslookup: can't resolve '{name}'\n"));
        out.status = 1;
        return out;
    }
    let mut s = format!("{:<10} {name}\n", "Name:");
    for (i, (ip, ptr)) in ips.into_iter().enumerate() {
        s.push_str(&address_line(h, i + 1, &ip, ptr));
    }
    out.push_out(s);
    out
}

struct Url {
    scheme: String,
    host: String,
    port: u16,
    path: String,
}

fn parse_url(s: &str) -> Result<Url, String> {
    let (scheme, rest) = match s.split_once("://") {
        Some((sc, r)) => (sc.to_ascii_lowercase(), r),
        None => ("http".to_string(), s),
    };
    let (hostport, path) = match rest.find(['/', '?', '#']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().map_err(|_| format!("bad port '{p}'"))?),
        None => (hostport, default_port),
    };
    Ok(Url {
        scheme,
        host: host.to_string(),
        port,
        path,
    })
}

/// Resolves a host name as the pod's resolver does: an address, `/etc/hosts` (`localhost`,
/// the pod's own names), then cluster DNS with the search path.
fn resolve(h: &ContainerHost, host: &str) -> Option<String> {
    if is_ipv4(host) {
        return Some(host.to_string());
    }
    if host == "localhost" {
        return Some("127.0.0.1".into());
    }
    if host == h.target.hostname || Some(host.to_string()) == h.fqdn() {
        return h.pod_ip();
    }
    let answer = h
        .cluster
        .dns_lookup(&h.target.namespace, host, QueryType::A)?;
    answer.records.into_iter().find_map(|r| match r {
        Record::A { ip, .. } => Some(ip),
        _ => None,
    })
}

/// Where a connection to `ip:port` lands: a pod and its web-serving container.
pub(super) struct Server {
    namespace: String,
    pod: String,
    container: String,
    root: String,
    apache: bool,
}

fn connect(h: &mut ContainerHost, ip: &str, port: u16) -> Option<Server> {
    // The server may be this very container: let it see every write so far (and the
    // kubelet too: a written index.html may make a pod ready).
    h.settle();
    let ip = if ip.starts_with("127.") {
        h.pod_ip()?
    } else {
        ip.to_string()
    };
    // A Service's cluster IP: kube-proxy sends the connection to one ready endpoint.
    let svc = h
        .cluster
        .list_as::<Service>(None)
        .into_iter()
        .find(|s| s.spec.cluster_ip.as_deref() == Some(ip.as_str()))
        .cloned();
    let (ip, port) = match svc {
        Some(s) => {
            let sp = s.spec.ports.iter().find(|p| p.port == i32::from(port))?;
            let target = sp
                .target_port
                .as_ref()
                .and_then(|v| v.as_i64())
                .map_or(port, |p| p as u16);
            let ep = h
                .cluster
                .list_as::<EndpointSlice>(Some(&s.metadata.namespace))
                .into_iter()
                .filter(|e| {
                    e.metadata.labels.get("kubernetes.io/service-name") == Some(&s.metadata.name)
                })
                .flat_map(|e| e.endpoints.iter())
                .find(|e| e.conditions.ready != Some(false))
                .and_then(|e| e.addresses.first().cloned())?;
            (ep, target)
        }
        None => (ip, port),
    };
    let pod = h
        .cluster
        .list_as::<Pod>(None)
        .into_iter()
        .find(|p| {
            p.status.pod_ip.as_deref() == Some(ip.as_str())
                && !matches!(p.phase(), "Succeeded" | "Failed")
        })?
        .clone();
    if port != 80 {
        return None;
    }
    pod.spec.containers.iter().find_map(|c| {
        let t = h
            .cluster
            .exec_target(&pod.metadata.namespace, &pod.metadata.name, Some(&c.name))
            .ok()?;
        let root = t.web_root?;
        Some(Server {
            namespace: pod.metadata.namespace.clone(),
            pod: pod.metadata.name.clone(),
            container: c.name.clone(),
            apache: root.contains("apache"),
            root,
        })
    })
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: String,
    location: Option<String>,
    server: String,
}

impl Response {
    fn status_line(&self) -> String {
        format!("HTTP/1.1 {} {}", self.status, self.reason)
    }

    fn headers(&self, date: &str) -> String {
        let mut s = format!(
            "{}\r\nServer: {}\r\nDate: {date}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            self.status_line(),
            self.server,
            self.content_type,
            self.body.len()
        );
        if let Some(l) = &self.location {
            s.push_str(&format!("Location: {l}\r\n"));
        }
        s.push_str("Connection: keep-alive\r\n");
        if self.status == 200 {
            s.push_str("Accept-Ranges: bytes\r\n");
        }
        s
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    }
}

/// nginx's built-in page for an error status (`server_tokens on`, its default).
fn nginx_page(status: u16) -> String {
    let title = format!("{status} {}", reason(status));
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// Apache httpd's page for an error status.
fn apache_page(status: u16, path: &str) -> String {
    let (title, text) = match status {
        403 => (
            "Forbidden",
            "You don't have permission to access this resource.".to_string(),
        ),
        301 => (
            "Moved Permanently",
            format!("The document has moved <a href=\"{path}\">here</a>."),
        ),
        _ => (
            "Not Found",
            "The requested URL was not found on this server.".to_string(),
        ),
    };
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{status} {}</title>\n</head><body>\n<h1>{title}</h1>\n<p>{text}</p>\n</body></html>\n",
        reason(status)
    )
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "txt" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Serves a GET for `path` from the server's document root.
fn serve(cluster: &mut Cluster, srv: &Server, host_header: &str, path: &str) -> Response {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let clean = ordinal_shell::resolve_path("/", &path);
    let full = format!("{}{}", srv.root.trim_end_matches('/'), clean);
    let wants_dir = path.ends_with('/');
    let found =
        cluster.with_container_fs(
            &srv.namespace,
            &srv.pod,
            Some(&srv.container),
            |fs| match fs.get(&full) {
                Some(Entry::File(c)) => Ok((clean.clone(), c.to_string())),
                Some(Entry::Dir) if !wants_dir => Err(301),
                Some(Entry::Dir) => {
                    for index in ["index.html", "index.htm"] {
                        let p = format!("{}/{index}", full.trim_end_matches('/'));
                        if let Ok(c) = fs.read(&p) {
                            return Ok((index.to_string(), c.to_string()));
                        }
                    }
                    Err(403)
                }
                None => Err(404),
            },
        );
    let server = if srv.apache {
        "Apache/2.4.62 (Unix)".to_string()
    } else {
        format!("nginx/{NGINX_VERSION}")
    };
    let (status, body, ctype, location) = match found {
        Ok(Ok((name, body))) => (200, body, content_type(&name), None),
        Ok(Err(code)) => {
            let location = (code == 301).then(|| {
                let host = host_header.split(':').next().unwrap_or(host_header);
                format!("http://{host}{}/", clean.trim_end_matches('/'))
            });
            let page = if srv.apache {
                apache_page(code, location.as_deref().unwrap_or(""))
            } else {
                nginx_page(code)
            };
            (code, page, "text/html", location)
        }
        Err(_) => (404, nginx_page(404), "text/html", None),
    };
    Response {
        status,
        reason: reason(status),
        content_type: ctype,
        body,
        location,
        server,
    }
}

fn http_date(cluster: &Cluster) -> String {
    Civil::of(cluster.now()).format("%a, %d %b %Y %H:%M:%S GMT")
}

/// Writes a downloaded body to a file in the container.
fn save(h: &mut ContainerHost, state: &State, file: &str, body: &str) -> Result<(), String> {
    h.fs(|fs| fs.write(&state.resolve(file), body, false))
        .unwrap_or(Err(crate::fs::FsError::NotFound))
        .map_err(|e| e.message().to_string())
}

impl Cluster {
    /// What a pod answers to one HTTP request on `port` of its own network namespace, as
    /// `kubectl port-forward` reaches it: the raw response (status line, headers, body; no body
    /// for `HEAD`), or `None` when nothing listens there (the connection is refused).
    pub fn pod_http(
        &mut self,
        ns: &str,
        pod: &str,
        port: u16,
        method: &str,
        path: &str,
        host_header: &str,
    ) -> Option<String> {
        let p = self.get_as::<Pod>(ns, pod)?;
        let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
        let target = names
            .iter()
            .find_map(|c| self.exec_target(ns, pod, Some(c)).ok())?;
        let mut h = ContainerHost::new(self, target);
        let srv = connect(&mut h, "127.0.0.1", port)?;
        let resp = serve(h.cluster, &srv, host_header, path);
        let mut out = resp.headers(&http_date(h.cluster));
        out.push_str("\r\n");
        if method != "HEAD" {
            out.push_str(&resp.body);
        }
        h.settle();
        Some(out)
    }

    /// The learner's workstation's `curl` (the same curl as in the containers), on its own
    /// network: every name but `localhost` fails to resolve (it is offline), and a connection
    /// goes where `ws` says, through a `kubectl port-forward` to a pod's port or nowhere.
    pub fn workstation_curl(
        &mut self,
        state: &State,
        argv: &[String],
        ws: &mut dyn Workstation,
    ) -> Output {
        let mut station = Station {
            cluster: self,
            ws,
            localhost: false,
        };
        curl(&mut station, state, argv)
    }

    /// The web server a pod runs on `port` of its own network, if one listens there.
    fn pod_server(&mut self, ns: &str, pod: &str, port: u16) -> Option<Server> {
        let p = self.get_as::<Pod>(ns, pod)?;
        let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
        let target = names
            .iter()
            .find_map(|c| self.exec_target(ns, pod, Some(c)).ok())?;
        let mut h = ContainerHost::new(self, target);
        connect(&mut h, "127.0.0.1", port)
    }
}

/// The pod's sandbox ID (64 hex digits) and network namespace (`cni-…`), as containerd names
/// them in its errors: drawn from the pod's UID, so they stay the same for the pod.
pub fn sandbox_names(uid: &str) -> (String, String) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in uid.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut r = crate::rng::Rng::new(h);
    let id = r.hex(64);
    let n = r.hex(32);
    let netns = format!(
        "cni-{}-{}-{}-{}-{}",
        &n[..8],
        &n[8..12],
        &n[12..16],
        &n[16..20],
        &n[20..32]
    );
    (id, netns)
}

/// What the kubelet (containerd's stream server) writes on a forwarded connection's error
/// stream when it cannot reach `port` of the pod whose UID is `uid`: nothing listens there
/// (`gone: false`), or the pod's sandbox is gone (deleted; a pod of the same name that
/// replaced it has another).
pub fn forward_error(uid: &str, port: u16, gone: bool) -> String {
    let (id, netns) = sandbox_names(uid);
    if gone {
        format!("error forwarding port {port} to pod {id}, uid : failed to find sandbox \"{id}\" in store: not found")
    } else {
        format!(
            "error forwarding port {port} to pod {id}, uid : failed to execute portforward in network namespace \"/var/run/netns/{netns}\": failed to connect to localhost:{port} inside namespace \"{id}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused "
        )
    }
}

/// Where a connection from the workstation lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Landing {
    /// Nothing listens there: the connection is refused.
    Refused,
    /// A port-forward accepted it and then lost its way to the pod: closed with nothing sent.
    Empty,
    /// A port-forward took it to this pod's port.
    Pod {
        namespace: String,
        pod: String,
        port: u16,
    },
}

/// The learner's workstation as its `curl` sees it.
pub trait Workstation {
    /// A connection to `ip:port` (`127.0.0.1`, `::1`, or another address): where it lands.
    /// What the forwarding process prints meanwhile ("Handling connection for 8080") it
    /// writes into `out`, on [`ordinal_shell::Stream::Tty`] when that is the terminal.
    fn connect(&mut self, cluster: &mut Cluster, ip: &str, port: u16, out: &mut Output) -> Landing;
    /// `curl -o FILE`: writes into the workstation's files.
    fn save(&mut self, state: &State, file: &str, body: &str) -> Result<(), String>;
}

/// Why a connection gave no server.
pub(super) enum Fail {
    Refused,
    /// Accepted, then closed without a reply.
    Empty,
}

/// The network a `curl` runs on: a container's, or the workstation's.
pub(super) trait Net {
    fn cluster(&mut self) -> &mut Cluster;
    fn resolve(&mut self, host: &str) -> Option<String>;
    fn connect(&mut self, ip: &str, port: u16, out: &mut Output) -> Result<Server, Fail>;
    fn save(&mut self, state: &State, file: &str, body: &str) -> Result<(), String>;
}

impl Net for ContainerHost<'_> {
    fn cluster(&mut self) -> &mut Cluster {
        self.cluster
    }
    fn resolve(&mut self, host: &str) -> Option<String> {
        resolve(self, host)
    }
    fn connect(&mut self, ip: &str, port: u16, _out: &mut Output) -> Result<Server, Fail> {
        connect(self, ip, port).ok_or(Fail::Refused)
    }
    fn save(&mut self, state: &State, file: &str, body: &str) -> Result<(), String> {
        save(self, state, file, body)
    }
}

struct Station<'a> {
    cluster: &'a mut Cluster,
    ws: &'a mut dyn Workstation,
    /// The host asked for was `localhost`: ::1 first, then 127.0.0.1, as curl tries them.
    localhost: bool,
}

impl Net for Station<'_> {
    fn cluster(&mut self) -> &mut Cluster {
        self.cluster
    }
    fn resolve(&mut self, host: &str) -> Option<String> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.localhost = host == "localhost";
        if is_ipv4(host) || host == "::1" {
            return Some(host.to_string());
        }
        self.localhost.then(|| "127.0.0.1".to_string())
    }
    fn connect(&mut self, ip: &str, port: u16, out: &mut Output) -> Result<Server, Fail> {
        let mut landing = Landing::Refused;
        if self.localhost {
            landing = self.ws.connect(self.cluster, "::1", port, out);
        }
        if landing == Landing::Refused {
            landing = self.ws.connect(self.cluster, ip, port, out);
        }
        match landing {
            Landing::Refused => Err(Fail::Refused),
            Landing::Empty => Err(Fail::Empty),
            Landing::Pod {
                namespace,
                pod,
                port,
            } => self
                .cluster
                .pod_server(&namespace, &pod, port)
                .ok_or(Fail::Empty),
        }
    }
    fn save(&mut self, state: &State, file: &str, body: &str) -> Result<(), String> {
        self.ws.save(state, file, body)
    }
}

// ---------------------------------------------------------------------- curl

#[derive(Default)]
struct CurlOpts {
    silent: bool,
    show_error: bool,
    head: bool,
    include: bool,
    verbose: bool,
    follow: bool,
    fail: bool,
    output: Option<String>,
    urls: Vec<String>,
}

fn curl_usage_error(msg: &str) -> Output {
    Output::err(
        format!("curl: {msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n"),
        2,
    )
}

pub(super) fn curl(h: &mut dyn Net, state: &State, argv: &[String]) -> Output {
    let mut o = CurlOpts::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        let take_value = |i: &mut usize| -> Option<String> {
            *i += 1;
            argv.get(*i).cloned()
        };
        match a {
            "--silent" => o.silent = true,
            "--show-error" => o.show_error = true,
            "--head" => o.head = true,
            "--include" => o.include = true,
            "--verbose" => o.verbose = true,
            "--location" => o.follow = true,
            "--fail" => o.fail = true,
            "--insecure" | "--compressed" => {}
            "--output" => o.output = take_value(&mut i),
            "--max-time" | "--connect-timeout" | "--header" | "--request" | "--user-agent"
            | "--write-out" | "--data" | "--retry" => {
                take_value(&mut i);
            }
            _ if a.starts_with("--") => {
                return curl_usage_error(&format!("option {a}: is unknown"))
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                let chars: Vec<char> = a[1..].chars().collect();
                let mut k = 0;
                while k < chars.len() {
                    match chars[k] {
                        's' => o.silent = true,
                        'S' => o.show_error = true,
                        'I' => o.head = true,
                        'i' => o.include = true,
                        'v' => o.verbose = true,
                        'L' => o.follow = true,
                        'f' => o.fail = true,
                        'k' => {}
                        c @ ('o' | 'm' | 'H' | 'X' | 'A' | 'w' | 'd') => {
                            let rest: String = chars[k + 1..].iter().collect();
                            let v = if rest.is_empty() {
                                take_value(&mut i)
                            } else {
                                Some(rest)
                            };
                            if c == 'o' {
                                o.output = v;
                            }
                            break;
                        }
                        c => return curl_usage_error(&format!("option -{c}: is unknown")),
                    }
                    k += 1;
                }
            }
            _ => o.urls.push(a.to_string()),
        }
        i += 1;
    }
    if o.urls.is_empty() {
        return curl_usage_error("no URL specified!");
    }
    let mut out = Output::default();
    for url in o.urls.clone() {
        let (status, part) = curl_one(h, state, &o, &url);
        out.append(part);
        out.status = status;
        if status != 0 {
            break;
        }
    }
    out
}

fn curl_one(h: &mut dyn Net, state: &State, o: &CurlOpts, url: &str) -> (i32, Output) {
    let mut out = Output::default();
    let errors = !o.silent || o.show_error;
    let mut url = url.to_string();
    for _ in 0..50 {
        let u = match parse_url(&url) {
            Ok(u) => u,
            Err(_) => {
                if errors {
                    out.push_err("curl: (3) URL using bad/illegal format or missing URL\n");
                }
                return (3, out);
            }
        };
        if u.scheme != "http" && u.scheme != "https" {
            if errors {
                out.push_err(format!(
                    "curl: (1) Protocol \"{}\" not supported or disabled in libcurl\n",
                    u.scheme
                ));
            }
            return (1, out);
        }
        let Some(ip) = h.resolve(&u.host) else {
            if o.verbose {
                out.push_err(format!("* Could not resolve host: {}\n", u.host));
            }
            if errors {
                out.push_err(format!("curl: (6) Could not resolve host: {}\n", u.host));
            }
            return (6, out);
        };
        if o.verbose {
            out.push_err(format!("*   Trying {ip}:{}...\n", u.port));
        }
        let server = if u.scheme == "http" {
            h.connect(&ip, u.port, &mut out)
        } else {
            Err(Fail::Refused)
        };
        let server = match server {
            Ok(s) => s,
            Err(Fail::Empty) => {
                if o.verbose {
                    out.push_err(format!(
                        "* Connected to {} ({ip}) port {} (#0)\n* Empty reply from server\n* Closing connection 0\n",
                        u.host, u.port
                    ));
                }
                if errors {
                    out.push_err("curl: (52) Empty reply from server\n");
                }
                return (52, out);
            }
            Err(Fail::Refused) => {
                if o.verbose {
                    out.push_err(format!(
                    "* connect to {ip} port {} failed: Connection refused\n* Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n* Closing connection 0\n",
                    u.port, u.host, u.port
                ));
                }
                if errors {
                    out.push_err(format!(
                    "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n",
                    u.host, u.port
                ));
                }
                return (7, out);
            }
        };
        let host_header = if u.port == 80 {
            u.host.clone()
        } else {
            format!("{}:{}", u.host, u.port)
        };
        let resp = serve(h.cluster(), &server, &host_header, &u.path);
        let headers = resp.headers(&http_date(h.cluster()));
        if o.verbose {
            let method = if o.head { "HEAD" } else { "GET" };
            out.push_err(format!(
                "* Connected to {} ({ip}) port {} (#0)\n> {method} {} HTTP/1.1\r\n> Host: {host_header}\r\n> User-Agent: curl/{CURL_VERSION}\r\n> Accept: */*\r\n> \r\n",
                u.host, u.port, u.path
            ));
            for line in headers.split_inclusive("\r\n") {
                out.push_err(format!("< {line}"));
            }
            out.push_err("< \r\n");
        }
        if o.follow && resp.status == 301 {
            if let Some(l) = resp.location {
                url = l;
                continue;
            }
        }
        if o.fail && resp.status >= 400 {
            if errors {
                out.push_err(format!(
                    "curl: (22) The requested URL returned error: {}\n",
                    resp.status
                ));
            }
            return (22, out);
        }
        let mut text = String::new();
        if o.head || o.include {
            text.push_str(&headers);
            text.push_str("\r\n");
        }
        if !o.head {
            text.push_str(&resp.body);
        }
        match o.output.as_deref() {
            None | Some("-") => out.push_out(text),
            Some("/dev/null") => {}
            Some(file) => {
                if let Err(e) = h.save(state, file, &text) {
                    if errors {
                        out.push_err(format!(
                            "Warning: Failed to open the file {file}: {e}\ncurl: (23) Failure writing output to destination\n"
                        ));
                    }
                    return (23, out);
                }
            }
        }
        if o.verbose {
            out.push_err(format!("* Connection #0 to host {} left intact\n", u.host));
        }
        return (0, out);
    }
    if errors {
        out.push_err("curl: (47) Maximum (50) redirects followed\n");
    }
    (47, out)
}

// ---------------------------------------------------------------------- wget

/// busybox 1.28's `wget [-q] [-O FILE] [-S] [--spider] URL`.
pub(super) fn wget(h: &mut ContainerHost, state: &State, argv: &[String]) -> Output {
    let mut quiet = false;
    let mut output: Option<String> = None;
    let mut server_response = false;
    let mut spider = false;
    let mut urls = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if let Some(v) = a.strip_prefix("--output-document=") {
            output = Some(v.to_string());
        } else if a == "--quiet" {
            quiet = true;
        } else if a == "--spider" {
            spider = true;
        } else if a == "--server-response" {
            server_response = true;
        } else if a.starts_with("--") {
        } else if a.starts_with('-') && a.len() > 1 {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                match chars[k] {
                    'q' => quiet = true,
                    'S' => server_response = true,
                    c @ ('O' | 'T' | 'P' | 'U' | 'Y') => {
                        let rest: String = chars[k + 1..].iter().collect();
                        let v = if rest.is_empty() {
                            i += 1;
                            argv.get(i).cloned()
                        } else {
                            Some(rest)
                        };
                        if c == 'O' {
                            output = v;
                        }
                        break;
                    }
                    _ => {}
                }
                k += 1;
            }
        } else {
            urls.push(a.to_string());
        }
        i += 1;
    }
    let Some(url) = urls.first().cloned() else {
        return Output::err(
            "Usage: wget [-c|--continue] [--spider] [-q|--quiet] [-O|--output-document FILE]\n\t[-S|--server-response] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n",
            1,
        );
    };
    let mut out = Output::default();
    let mut url = url;
    for _ in 0..20 {
        let u = match parse_url(&url) {
            Ok(u) if u.scheme == "http" || u.scheme == "https" => u,
            _ => {
                out.push_err(format!("wget: not an http or ftp url: {url}\n"));
                out.status = 1;
                return out;
            }
        };
        let Some(ip) = resolve(h, &u.host) else {
            out.push_err(format!("wget: bad address '{}'\n", u.host));
            out.status = 1;
            return out;
        };
        if !quiet {
            out.push_err(format!("Connecting to {} ({ip}:{})\n", u.host, u.port));
        }
        let server = if u.scheme == "http" {
            connect(h, &ip, u.port)
        } else {
            None
        };
        let Some(server) = server else {
            out.push_err(format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            out.status = 1;
            return out;
        };
        let host_header = if u.port == 80 {
            u.host.clone()
        } else {
            format!("{}:{}", u.host, u.port)
        };
        let resp = serve(h.cluster, &server, &host_header, &u.path);
        if server_response {
            let headers = resp.headers(&http_date(h.cluster));
            for line in headers.split("\r\n").filter(|l| !l.is_empty()) {
                out.push_err(format!("  {line}\n"));
            }
        }
        if resp.status == 301 {
            if let Some(l) = resp.location {
                url = l;
                continue;
            }
        }
        if resp.status >= 400 {
            out.push_err(format!(
                "wget: server returned error: {}\n",
                resp.status_line()
            ));
            out.status = 1;
            return out;
        }
        if spider {
            return out;
        }
        let file = match output.as_deref() {
            Some(f) => f.to_string(),
            None => {
                let name = u.path.split(['?', '#']).next().unwrap_or("");
                let name = name.rsplit('/').next().unwrap_or("");
                let name = if name.is_empty() { "index.html" } else { name };
                if h.entry(&state.resolve(name)).is_some() {
                    out.push_err(format!("wget: can't open '{name}': File exists\n"));
                    out.status = 1;
                    return out;
                }
                name.to_string()
            }
        };
        if !quiet {
            let shown = if file == "-" { "-" } else { file.as_str() };
            out.push_err(format!(
                "{shown:<20} 100% |{}| {:>5}  0:00:00 ETA\n",
                "*".repeat(31),
                resp.body.len()
            ));
        }
        if file == "-" {
            out.push_out(resp.body);
        } else if let Err(e) = save(h, state, &file, &resp.body) {
            out.push_err(format!("wget: can't open '{file}': {e}\n"));
            out.status = 1;
        }
        return out;
    }
    out.push_err("wget: too many redirections\n");
    out.status = 1;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("web-0.nginx").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.port, u.path.as_str()),
            ("http", "web-0.nginx", 80, "/")
        );
        let u = parse_url("http://10.244.1.6:8080/a/b.html?x=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("10.244.1.6", 8080, "/a/b.html?x=1")
        );
        let u = parse_url("https://web-0.nginx").unwrap();
        assert_eq!(u.port, 443);
        assert!(parse_url("web:x").is_err());
        assert!(is_ipv4("10.96.0.10"));
        assert!(!is_ipv4("10.96.0"));
        assert!(!is_ipv4("web-0.nginx"));
        assert_eq!(percent_decode("/a%20b%zz%2"), "/a b%zz%2");
    }

    #[test]
    fn error_pages() {
        // ngx_http_special_response.c: the page, then the server_tokens tail, CRLF endings.
        assert_eq!(
            nginx_page(404),
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n"
        );
        assert!(apache_page(403, "").contains("<h1>Forbidden</h1>"));
        assert_eq!(content_type("/index.html"), "text/html");
        assert_eq!(content_type("/x"), "application/octet-stream");
    }
}
