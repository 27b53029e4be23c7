//! `kubectl port-forward` (kubectl's pkg/cmd/portforward, client-go's tools/portforward): the pod
//! (a pod, or the one kubectl picks for a Service or StatefulSet), its ports (named ports, a
//! Service's targetPort), then a job that listens on the workstation until Ctrl-C. The session
//! makes its listeners ([`listen`]: `Forwarding from 127.0.0.1:8080 -> 80`, a port already in
//! use, a port left to the system) and hands it the workstation's connections ([`handle`]:
//! `Handling connection for 8080`, and "lost connection to pod" when the pod is gone or
//! nothing listens on its port, as kubectl v1.33 ends then).

use crate::args::{flag, FlagSpec};
use crate::jobs::{ForwardedPort, Job, PortForward};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::{Kind, Pod, Service};
use ordinal_sim::container::{forward_error, Landing};
use ordinal_sim::Cluster;

/// An address and port the workstation listens on.
pub type Listener = (String, u16);

pub const FLAGS: &[FlagSpec] = &[
    flag("address", None, true),
    flag("pod-running-timeout", None, true),
];

fn usage(msg: &str) -> String {
    format!("error: {msg}\nSee 'kubectl port-forward -h' for help and examples")
}

/// kubectl's `splitPort`: `[LOCAL:]REMOTE`; anything but one colon is the first part twice.
fn split_port(port: &str) -> (&str, &str) {
    let parts: Vec<&str> = port.split(':').collect();
    match parts.as_slice() {
        [local, remote] => (local, remote),
        _ => (parts[0], parts[0]),
    }
}

/// `util.LookupContainerPortNumberByName`.
fn container_port_by_name(pod: &Pod, name: &str) -> Result<i32, String> {
    pod.spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .flat_map(|c| c.ports.iter())
        .find(|p| p.name.as_deref() == Some(name))
        .map(|p| p.container_port)
        .ok_or_else(|| {
            format!(
                "Pod '{}' does not have a named port '{name}'",
                pod.metadata.name
            )
        })
}

/// `util.LookupServicePortNumberByName`.
fn service_port_by_name(svc: &Service, name: &str) -> Result<i32, String> {
    svc.spec
        .ports
        .iter()
        .find(|p| p.name.as_deref() == Some(name))
        .map(|p| p.port)
        .ok_or_else(|| {
            format!(
                "Service '{}' does not have a named port '{name}'",
                svc.metadata.name
            )
        })
}

/// `util.LookupContainerPortNumberByServicePort`: the Service port's targetPort in the pod.
fn container_port_by_service_port(svc: &Service, pod: &Pod, port: i32) -> Result<i32, String> {
    let Some(sp) = svc.spec.ports.iter().find(|p| p.port == port) else {
        return Err(format!(
            "Service {} does not have a service port {port}",
            svc.metadata.name
        ));
    };
    if svc.spec.cluster_ip.as_deref() == Some("None") {
        return Ok(port);
    }
    match &sp.target_port {
        None => Ok(sp.port),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(0) | None => Ok(sp.port),
            Some(t) => Ok(t as i32),
        },
        Some(serde_json::Value::String(name)) => container_port_by_name(pod, name),
        Some(_) => Ok(sp.port),
    }
}

/// `checkUDPPorts`: a port that the object serves over UDP only cannot be forwarded.
fn check_udp(
    ports: &[String],
    udp_only: &[i32],
    by_name: impl Fn(&str) -> Result<i32, String>,
) -> Result<(), String> {
    for port in ports {
        let (_, remote) = split_port(port);
        let num = match remote.parse::<i32>() {
            Ok(n) => n,
            Err(_) => by_name(remote)?,
        };
        if udp_only.contains(&num) {
            return Err(format!("UDP protocol is not supported for {remote}"));
        }
    }
    Ok(())
}

/// Ports served over UDP and not TCP.
fn udp_only(ports: impl Iterator<Item = (i32, Option<String>)>) -> Vec<i32> {
    let (mut udp, mut tcp) = (Vec::new(), Vec::new());
    for (n, proto) in ports {
        match proto.as_deref().unwrap_or("TCP") {
            "UDP" => udp.push(n),
            "TCP" => tcp.push(n),
            _ => {}
        }
    }
    udp.retain(|n| !tcp.contains(n));
    udp
}

/// `translateServicePortToTargetPort`.
fn translate_service_ports(
    ports: &[String],
    svc: &Service,
    pod: &Pod,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for port in ports {
        let (local, remote) = split_port(port);
        let mut local = local.to_string();
        let num = match remote.parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                let n = service_port_by_name(svc, remote)?;
                if local == remote {
                    local = n.to_string();
                }
                n
            }
        };
        let target = container_port_by_service_port(svc, pod, num)?.to_string();
        out.push(if local != target {
            format!("{local}:{target}")
        } else {
            target
        });
    }
    Ok(out)
}

/// `convertPodNamedPortToNumber`.
fn convert_named_ports(ports: &[String], pod: &Pod) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for port in ports {
        let (local, remote) = split_port(port);
        if remote.is_empty() {
            return Err("remote port cannot be empty".into());
        }
        let number = match remote.parse::<i64>() {
            Ok(_) => remote.to_string(),
            Err(_) => container_port_by_name(pod, remote)?.to_string(),
        };
        out.push(if local != remote {
            format!("{local}:{number}")
        } else {
            number
        });
    }
    Ok(out)
}

/// Go's `strconv.ParseUint(s, 10, 16)` error text.
fn parse_u16(s: &str) -> Result<u16, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    s.parse::<u16>()
        .map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

/// client-go's `parsePorts`.
fn parse_ports(ports: &[String]) -> Result<Vec<ForwardedPort>, String> {
    let mut out = Vec::new();
    for p in ports {
        let parts: Vec<&str> = p.split(':').collect();
        let (local, remote) = match parts.as_slice() {
            [one] => (*one, *one),
            [l, r] => (if l.is_empty() { "0" } else { *l }, *r),
            _ => return Err(format!("invalid port format '{p}'")),
        };
        let local =
            parse_u16(local).map_err(|e| format!("error parsing local port '{local}': {e}"))?;
        let remote =
            parse_u16(remote).map_err(|e| format!("error parsing remote port '{remote}': {e}"))?;
        if remote == 0 {
            return Err("remote port must be > 0".into());
        }
        out.push(ForwardedPort { local, remote });
    }
    Ok(out)
}

/// client-go's `parseAddresses`: `localhost` is 127.0.0.1 and ::1, which fail only if both do
/// (`true`); an address named by itself fails its port alone (and wins over `localhost`'s).
/// Sorted, without repeats.
fn parse_addresses(values: &[String]) -> Result<Vec<(String, bool)>, String> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for a in values {
        if a == "localhost" {
            for ip in ["127.0.0.1", "::1"] {
                if !out.iter().any(|(x, _)| x == ip) {
                    out.push((ip.into(), true));
                }
            }
        } else if a.parse::<std::net::IpAddr>().is_ok() {
            out.retain(|(x, _)| x != a);
            out.push((a.clone(), false));
        } else {
            return Err(format!("{a} is not a valid IP"));
        }
    }
    ordinal_sim::sort::sort(&mut out);
    Ok(out)
}

pub fn port_forward(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "port-forward", &mut out) else {
        return out;
    };
    let timeout = match p.value("pod-running-timeout") {
        None => 60_000,
        Some(t) => match crate::args::parse_duration(t) {
            Some(ms) => ms,
            None => {
                out.err(format!("error: invalid argument \"{t}\" for \"--pod-running-timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl port-forward --help' for usage."));
                return out;
            }
        },
    };
    if p.positionals.len() < 2 {
        out.err(usage(
            "TYPE/NAME and list of ports are required for port-forward",
        ));
        return out;
    }
    if timeout == 0
        || p.value("pod-running-timeout")
            .is_some_and(|t| t.starts_with('-'))
    {
        out.err(usage("--pod-running-timeout must be higher than zero"));
        return out;
    }
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let target = p.positionals[0].as_str();
    let ports: Vec<String> = p.positionals[1..].to_vec();
    let (service, pod_name) = match target.split_once('/') {
        Some((t, name)) if crate::resource::resolve(t) == Some(Kind::Service) => {
            let Some(svc) = c.get_as::<Service>(&ns, name).cloned() else {
                out.err(format!(
                    "Error from server (NotFound): services \"{name}\" not found"
                ));
                return out;
            };
            match crate::exec::service_pod(c, &ns, name) {
                Ok(pod) => (Some(svc), pod),
                Err(e) => {
                    out.err(e);
                    return out;
                }
            }
        }
        _ => match crate::exec::resolve_pod(c, &ns, target) {
            Ok(pod) => (None, pod),
            Err(e) => {
                out.err(e);
                return out;
            }
        },
    };
    let Some(pod) = c.get_as::<Pod>(&ns, &pod_name).cloned() else {
        if target.contains('/') && !target.to_ascii_lowercase().starts_with("po") {
            // A set with no pod: `GetFirstPod` watches for one until the timeout.
            out.err("error: timed out waiting for the condition");
        } else {
            out.err(format!(
                "Error from server (NotFound): pods \"{pod_name}\" not found"
            ));
        }
        return out;
    };
    let translated = match &service {
        Some(svc) => {
            let udp = udp_only(svc.spec.ports.iter().map(|p| (p.port, p.protocol.clone())));
            check_udp(&ports, &udp, |n| service_port_by_name(svc, n))
                .and_then(|_| translate_service_ports(&ports, svc, &pod))
        }
        None => {
            let udp = udp_only(
                pod.spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.iter())
                    .map(|p| (p.container_port, p.protocol.clone())),
            );
            check_udp(&ports, &udp, |n| container_port_by_name(&pod, n))
                .and_then(|_| convert_named_ports(&ports, &pod))
        }
    };
    let ports = match translated {
        Ok(p) => p,
        Err(e) => {
            out.err(format!("error: {e}"));
            return out;
        }
    };
    // RunPortForward: the pod as it is now.
    if pod.phase() != "Running" {
        out.err(format!(
            "error: unable to forward port because pod is not running. Current status={}",
            pod.phase()
        ));
        return out;
    }
    let addresses: Vec<String> = match p.values("address") {
        v if v.is_empty() => vec!["localhost".into()],
        v => v
            .iter()
            .flat_map(|a| a.split(','))
            .map(|a| a.trim().to_string())
            .collect(),
    };
    let addresses = match parse_addresses(&addresses) {
        Ok(a) => a,
        Err(e) => {
            out.err(format!("error: {e}"));
            return out;
        }
    };
    let ports = match parse_ports(&ports) {
        Ok(p) => p,
        Err(e) => {
            out.err(format!("error: {e}"));
            return out;
        }
    };
    out.job = Some(Job::PortForward(PortForward {
        namespace: ns,
        pod: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        addresses,
        ports,
        listening: Vec::new(),
        lost: false,
        pid: crate::dryrun::KLOG_PID,
    }));
    out
}

fn is_v6(addr: &str) -> bool {
    addr.contains(':')
}

fn is_wildcard(addr: &str) -> bool {
    addr == "0.0.0.0" || addr == "::"
}

/// `net.JoinHostPort`.
fn host_port(addr: &str, port: u16) -> String {
    if is_v6(addr) {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

/// Why the workstation cannot listen on `addr:port`, given what already listens there.
fn bind_error(addr: &str, port: u16, taken: &[(String, u16)]) -> Option<&'static str> {
    let local = match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => a.is_loopback() || a.is_unspecified(),
        Ok(std::net::IpAddr::V6(a)) => a.is_loopback() || a.is_unspecified(),
        Err(_) => false,
    };
    if !local {
        return Some("cannot assign requested address");
    }
    let clash = taken.iter().any(|(a, p)| {
        *p == port && is_v6(a) == is_v6(addr) && (a == addr || is_wildcard(a) || is_wildcard(addr))
    });
    clash.then_some("address already in use")
}

/// Makes the forward's listeners (`forward` and `listenOnPort`): each port on each address,
/// printing "Forwarding from …" for each listener and "Unable to listen on port …" for a port
/// that failed. `taken` is what already listens on the workstation; `pick` gives a free port
/// for `:REMOTE`. False when no port could listen (kubectl has said so and exits).
pub fn listen(
    pf: &mut PortForward,
    taken: &[(String, u16)],
    pick: &mut dyn FnMut(&[Listener]) -> u16,
    out: &mut Output,
) -> bool {
    let mut any = false;
    let mut taken = taken.to_vec();
    for i in 0..pf.ports.len() {
        let mut errors = Vec::new();
        let (mut fail_all, mut ok_all, mut fail_any) = (0, 0, 0);
        for (addr, localhost) in pf.addresses.clone() {
            if pf.ports[i].local == 0 {
                pf.ports[i].local = pick(&taken);
            }
            let port = pf.ports[i];
            match bind_error(&addr, port.local, &taken) {
                None => {
                    out.out(format!(
                        "Forwarding from {} -> {}\n",
                        host_port(&addr, port.local),
                        port.remote
                    ));
                    taken.push((addr.clone(), port.local));
                    pf.listening.push((addr, port.local));
                    if localhost {
                        ok_all += 1;
                    }
                }
                Some(why) => {
                    errors.push(format!(
                        "unable to create listener: Error listen {} {}: bind: {why}",
                        if is_v6(&addr) { "tcp6" } else { "tcp4" },
                        host_port(&addr, port.local)
                    ));
                    if localhost {
                        fail_all += 1;
                    } else {
                        fail_any += 1;
                    }
                }
            }
        }
        if (ok_all == 0 && fail_all > 0) || fail_any > 0 {
            out.note(format!(
                "Unable to listen on port {}: Listeners failed to create with the following errors: [{}]",
                pf.ports[i].local,
                errors.join(" ")
            ));
        } else {
            any = true;
        }
    }
    if !any {
        let ports: Vec<String> = pf
            .ports
            .iter()
            .map(|p| format!("{{{} {}}}", p.local, p.remote))
            .collect();
        out.err(format!(
            "error: unable to listen on any of the requested ports: [{}]",
            ports.join(" ")
        ));
        pf.listening.clear();
    }
    any
}

/// The pod's port a connection to `ip:port` on the workstation reaches through `pf`, if it
/// listens there (`localhost` reaches any loopback listener).
pub fn listens_on(pf: &PortForward, ip: &str, port: u16) -> Option<ForwardedPort> {
    if pf.lost {
        return None;
    }
    let hit = pf
        .listening
        .iter()
        .any(|(a, p)| *p == port && (a == ip || (is_wildcard(a) && is_v6(a) == is_v6(ip))));
    if !hit {
        return None;
    }
    pf.ports.iter().copied().find(|p| p.local == port)
}

/// Go's `%q` of a message of printable ASCII, as klog quotes a value.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A connection the forward accepted on `port` (`handleConnection`): "Handling connection for
/// 8080" on its stdout; then the pod's port, or, when the pod (the one it began with) is gone
/// or nothing listens on its port, the kubelet's error, kubectl's "lost connection to pod" on
/// its stderr, and the end of the forward.
pub fn handle(
    pf: &mut PortForward,
    c: &mut Cluster,
    port: ForwardedPort,
    stdout: &mut String,
    stderr: &mut String,
) -> Landing {
    stdout.push_str(&format!("Handling connection for {}\n", port.local));
    let same = c
        .get_as::<Pod>(&pf.namespace, &pf.pod)
        .is_some_and(|p| p.metadata.uid == pf.uid);
    let reachable = same
        && c.pod_http(
            &pf.namespace,
            &pf.pod,
            port.remote,
            "HEAD",
            "/",
            "localhost",
        )
        .is_some();
    if reachable {
        return Landing::Pod {
            namespace: pf.namespace.clone(),
            pod: pf.pod.clone(),
            port: port.remote,
        };
    }
    let why = forward_error(&pf.uid, port.remote, !same);
    let msg = format!(
        "\"Unhandled Error\" err={}",
        quote(&format!(
            "an error occurred forwarding {} -> {}: {why}",
            port.local, port.remote
        ))
    );
    stderr.push_str(&crate::dryrun::klog_of(
        c,
        pf.pid,
        'E',
        "portforward.go:424",
        &msg,
    ));
    stderr.push('\n');
    stderr.push_str("error: lost connection to pod\n");
    pf.lost = true;
    pf.listening.clear();
    Landing::Empty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_as_client_go_parses_them() {
        let p = |s: &[&str]| parse_ports(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            p(&["8080:80", ":443", "5000"]).unwrap(),
            vec![
                ForwardedPort {
                    local: 8080,
                    remote: 80
                },
                ForwardedPort {
                    local: 0,
                    remote: 443
                },
                ForwardedPort {
                    local: 5000,
                    remote: 5000
                }
            ]
        );
        assert_eq!(
            p(&["abc:80"]).unwrap_err(),
            "error parsing local port 'abc': strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            p(&["8080:70000"]).unwrap_err(),
            "error parsing remote port '70000': strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(p(&["8080:0"]).unwrap_err(), "remote port must be > 0");
        assert_eq!(p(&["1:2:3"]).unwrap_err(), "invalid port format '1:2:3'");
    }

    #[test]
    fn addresses_are_sorted_and_localhost_is_both_loopbacks() {
        let a = |s: &[&str]| parse_addresses(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let both = |s: &[(&str, bool)]| -> Vec<(String, bool)> {
            s.iter().map(|(a, l)| (a.to_string(), *l)).collect()
        };
        assert_eq!(
            a(&["localhost"]).unwrap(),
            both(&[("127.0.0.1", true), ("::1", true)])
        );
        assert_eq!(
            a(&["::1", "0.0.0.0", "localhost"]).unwrap(),
            both(&[("0.0.0.0", false), ("127.0.0.1", true), ("::1", false)])
        );
        assert_eq!(a(&["web"]).unwrap_err(), "web is not a valid IP");
    }

    fn forward(addresses: &[&str], ports: &[(u16, u16)]) -> PortForward {
        PortForward {
            namespace: "default".into(),
            pod: "web-0".into(),
            uid: "u".into(),
            addresses: addresses
                .iter()
                .map(|s| (s.to_string(), *s == "127.0.0.1" || *s == "::1"))
                .collect(),
            ports: ports
                .iter()
                .map(|&(local, remote)| ForwardedPort { local, remote })
                .collect(),
            listening: Vec::new(),
            lost: false,
            pid: 4242,
        }
    }

    #[test]
    fn a_port_in_use_fails_on_both_loopbacks_and_a_free_one_listens() {
        let mut pf = forward(&["127.0.0.1", "::1"], &[(8080, 80), (8081, 80)]);
        let taken = vec![("127.0.0.1".to_string(), 8080), ("::1".to_string(), 8080)];
        let mut out = Output::default();
        assert!(listen(&mut pf, &taken, &mut |_| 40000, &mut out));
        assert_eq!(
            out.text(),
            "Unable to listen on port 8080: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:8080: bind: address already in use unable to create listener: Error listen tcp6 [::1]:8080: bind: address already in use]\n\
             Forwarding from 127.0.0.1:8081 -> 80\nForwarding from [::1]:8081 -> 80\n"
        );
        // One loopback free is enough for `localhost`.
        let mut pf = forward(&["127.0.0.1", "::1"], &[(8080, 80)]);
        let mut out = Output::default();
        assert!(listen(&mut pf, &taken[..1], &mut |_| 40000, &mut out));
        assert_eq!(out.text(), "Forwarding from [::1]:8080 -> 80\n");
        // Nothing listens: kubectl's last words.
        let mut pf = forward(&["0.0.0.0"], &[(8080, 80)]);
        let mut out = Output::default();
        assert!(!listen(&mut pf, &taken, &mut |_| 40000, &mut out));
        assert!(out
            .text()
            .ends_with("error: unable to listen on any of the requested ports: [{8080 80}]\n"));
    }

    #[test]
    fn a_system_chosen_port_is_the_same_on_every_address() {
        let mut pf = forward(&["127.0.0.1", "::1"], &[(0, 80)]);
        let mut out = Output::default();
        assert!(listen(&mut pf, &[], &mut |_| 41234, &mut out));
        assert_eq!(
            out.text(),
            "Forwarding from 127.0.0.1:41234 -> 80\nForwarding from [::1]:41234 -> 80\n"
        );
        assert_eq!(
            listens_on(&pf, "::1", 41234),
            Some(ForwardedPort {
                local: 41234,
                remote: 80
            })
        );
        assert_eq!(listens_on(&pf, "127.0.0.1", 80), None);
    }
}
