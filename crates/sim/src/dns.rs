//! Cluster DNS as CoreDNS serves it from Services and EndpointSlices (kubeadm's Corefile:
//! `cluster.local`, `pods insecure`): service and pod A records, SRV, PTR, search paths.

use crate::api::*;
use crate::cluster::Cluster;

pub const CLUSTER_DOMAIN: &str = "cluster.local";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// An address, with the name it reverse-resolves to (if any).
    A {
        ip: String,
        ptr: Option<String>,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: i32,
        target: String,
    },
    Ptr(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The fully qualified name that answered (after the search path).
    pub fqdn: String,
    pub records: Vec<Record>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum QueryType {
    A,
    Srv,
    Ptr,
}

impl Cluster {
    /// Resolves `name` as a pod in `client_ns` would (`search <ns>.svc.cluster.local
    /// svc.cluster.local cluster.local`, `ndots:5`). `None` is NXDOMAIN.
    pub fn dns_lookup(&self, client_ns: &str, name: &str, qtype: QueryType) -> Option<Answer> {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        if qtype == QueryType::Ptr {
            return self.reverse(&name).map(|n| Answer {
                fqdn: name.clone(),
                records: vec![Record::Ptr(n)],
            });
        }
        let absolute = name.ends_with('.');
        let bare = name.trim_end_matches('.').to_string();
        let mut candidates = Vec::new();
        if !absolute && bare.matches('.').count() < 5 {
            for suffix in [
                format!("{client_ns}.svc.{CLUSTER_DOMAIN}"),
                format!("svc.{CLUSTER_DOMAIN}"),
                CLUSTER_DOMAIN.to_string(),
            ] {
                candidates.push(format!("{bare}.{suffix}"));
            }
        }
        candidates.push(bare.clone());
        candidates.into_iter().find_map(|fqdn| {
            let records = self.resolve_fqdn(&fqdn, qtype)?;
            (!records.is_empty()).then_some(Answer { fqdn, records })
        })
    }

    /// The reverse name of an IP: an endpoint's `<host>.<svc>.<ns>.svc.cluster.local`, or a
    /// Service's own name for its cluster IP.
    pub fn reverse(&self, ip: &str) -> Option<String> {
        let ip = ip.trim_end_matches('.');
        let ip = match ip.strip_suffix(".in-addr.arpa") {
            Some(r) => r.split('.').rev().collect::<Vec<_>>().join("."),
            None => ip.to_string(),
        };
        for slice in self.list_as::<EndpointSlice>(None) {
            let Some(svc) = slice.metadata.labels.get("kubernetes.io/service-name") else {
                continue;
            };
            for e in &slice.endpoints {
                if e.conditions.ready == Some(false) || !e.addresses.contains(&ip) {
                    continue;
                }
                if let Some(h) = &e.hostname {
                    return Some(format!(
                        "{h}.{svc}.{}.svc.{CLUSTER_DOMAIN}",
                        slice.metadata.namespace
                    ));
                }
                if self
                    .get_as::<Service>(&slice.metadata.namespace, svc)
                    .is_some_and(|s| s.is_headless())
                {
                    return Some(format!(
                        "{}.{svc}.{}.svc.{CLUSTER_DOMAIN}",
                        ip.replace('.', "-"),
                        slice.metadata.namespace
                    ));
                }
            }
        }
        self.list_as::<Service>(None)
            .into_iter()
            .find(|s| s.spec.cluster_ip.as_deref() == Some(ip.as_str()))
            .map(|s| {
                format!(
                    "{}.{}.svc.{CLUSTER_DOMAIN}",
                    s.metadata.name, s.metadata.namespace
                )
            })
    }

    /// The service's ready addresses, each with its endpoint's hostname, in the slices' order.
    fn ready_addresses<'a>(
        &'a self,
        ns: &str,
        svc: &'a str,
    ) -> impl Iterator<Item = (&'a String, Option<&'a String>)> + 'a {
        self.store()
            .list(Kind::EndpointSlice, Some(ns))
            .filter_map(|o| EndpointSlice::from_object(o))
            .filter(move |slice| {
                slice
                    .metadata
                    .labels
                    .get("kubernetes.io/service-name")
                    .map(String::as_str)
                    == Some(svc)
            })
            .flat_map(|slice| slice.endpoints.iter())
            .filter(|e| e.conditions.ready != Some(false))
            .flat_map(|e| e.addresses.iter().map(move |a| (a, e.hostname.as_ref())))
    }

    fn ready_endpoints(
        &self,
        ns: &str,
        svc: &str,
    ) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        for slice in self.list_as::<EndpointSlice>(Some(ns)) {
            if slice
                .metadata
                .labels
                .get("kubernetes.io/service-name")
                .map(String::as_str)
                != Some(svc)
            {
                continue;
            }
            for e in &slice.endpoints {
                if e.conditions.ready == Some(false) {
                    continue;
                }
                for a in &e.addresses {
                    let target = e.target_ref.as_ref().and_then(|r| r.name.clone());
                    out.push((a.clone(), e.hostname.clone(), target));
                }
            }
        }
        out
    }

    fn resolve_fqdn(&self, fqdn: &str, qtype: QueryType) -> Option<Vec<Record>> {
        if let Some(rest) = fqdn.strip_suffix(&format!(".svc.{CLUSTER_DOMAIN}")) {
            let parts: Vec<&str> = rest.split('.').collect();
            return match (parts.as_slice(), qtype) {
                ([svc, ns], QueryType::A) => {
                    let s = self.get_as::<Service>(ns, svc)?;
                    if s.is_headless() {
                        let eps = self.ready_endpoints(ns, svc);
                        Some(
                            eps.into_iter()
                                .map(|(ip, _, _)| Record::A {
                                    ptr: self.reverse(&ip),
                                    ip,
                                })
                                .collect(),
                        )
                    } else {
                        let ip = s.spec.cluster_ip.clone()?;
                        Some(vec![Record::A {
                            ptr: self.reverse(&ip),
                            ip,
                        }])
                    }
                }
                ([host, svc, ns], QueryType::A) => {
                    let s = self.get_as::<Service>(ns, svc)?;
                    if !s.is_headless() {
                        return None;
                    }
                    // The first match, without copying the others (a set of thousands).
                    let (ip, _) = self
                        .ready_addresses(ns, svc)
                        .find(|(ip, h)| h.is_some_and(|h| h == host) || is_dashed(ip, host))?;
                    Some(vec![Record::A {
                        ptr: self.reverse(ip),
                        ip: ip.clone(),
                    }])
                }
                ([port, proto, svc, ns], QueryType::Srv)
                    if port.starts_with('_') && proto.starts_with('_') =>
                {
                    let s = self.get_as::<Service>(ns, svc)?;
                    let sp = s.spec.ports.iter().find(|p| {
                        p.name.as_deref() == Some(&port[1..])
                            && p.protocol
                                .as_deref()
                                .unwrap_or("TCP")
                                .eq_ignore_ascii_case(&proto[1..])
                    })?;
                    srv_records(self, s, sp.port)
                }
                ([svc, ns], QueryType::Srv) => {
                    let s = self.get_as::<Service>(ns, svc)?;
                    let port = s
                        .spec
                        .ports
                        .iter()
                        .find(|p| p.name.as_deref().is_some_and(|n| !n.is_empty()))?;
                    srv_records(self, s, port.port)
                }
                _ => None,
            };
        }
        if let Some(rest) = fqdn.strip_suffix(&format!(".pod.{CLUSTER_DOMAIN}")) {
            let (dashed, ns) = rest.split_once('.')?;
            self.get_as::<Namespace>("", ns)?;
            let ip = dashed.replace('-', ".");
            let valid =
                ip.split('.').count() == 4 && ip.split('.').all(|o| o.parse::<u8>().is_ok());
            return valid.then(|| vec![Record::A { ip, ptr: None }]);
        }
        None
    }
}

/// `ip.replace('.', "-") == host`, without building the dashed form.
fn is_dashed(ip: &str, host: &str) -> bool {
    ip.len() == host.len()
        && ip
            .bytes()
            .zip(host.bytes())
            .all(|(i, h)| if i == b'.' { h == b'-' } else { i == h })
}

fn srv_records(c: &Cluster, s: &Service, port: i32) -> Option<Vec<Record>> {
    let (ns, svc) = (&s.metadata.namespace, &s.metadata.name);
    let targets: Vec<String> = if s.is_headless() {
        c.ready_endpoints(ns, svc)
            .into_iter()
            .map(|(ip, h, _)| {
                format!(
                    "{}.{svc}.{ns}.svc.{CLUSTER_DOMAIN}",
                    h.unwrap_or_else(|| ip.replace('.', "-"))
                )
            })
            .collect()
    } else {
        vec![format!("{svc}.{ns}.svc.{CLUSTER_DOMAIN}")]
    };
    if targets.is_empty() {
        return None;
    }
    let weight = (100 / targets.len()) as u16;
    Some(
        targets
            .into_iter()
            .map(|target| Record::Srv {
                priority: 0,
                weight,
                port,
                target,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::is_dashed;

    #[test]
    fn dashed_hosts_match_as_the_replaced_address() {
        for (ip, host) in [
            ("10.244.1.5", "10-244-1-5"),
            ("10.244.1.5", "10-244-1-6"),
            ("10.244.1.5", "10.244.1.5"),
            ("10.244.1.5", "10-244-1-55"),
            ("10.244.1.5", ""),
            ("a-b.c", "a-b-c"),
        ] {
            assert_eq!(
                is_dashed(ip, host),
                ip.replace('.', "-") == host,
                "{ip} {host}"
            );
        }
    }
}
