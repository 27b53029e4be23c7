//! The source tutorial's flow, step by step, at the core API: private image and secret,
//! ordered start, stable identity and storage across pod deletion, scaling, clean-up.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::dns::{QueryType, Record};
use ordinal_sim::{Cluster, DeleteOptions, WatchEventType};

/// Pod names in the order the watch saw them ADDED / DELETED after `rv`.
fn pod_events(c: &Cluster, rv: u64, t: WatchEventType) -> Vec<String> {
    c.watch_since(rv)
        .unwrap()
        .iter()
        .filter(|e| e.type_ == t && e.object.kind() == Kind::Pod)
        .map(|e| e.object.name().to_string())
        .collect()
}

fn ip(c: &Cluster, name: &str) -> String {
    pod(c, name)
        .and_then(|p| p.status.pod_ip.clone())
        .unwrap_or_default()
}

fn write(c: &mut Cluster, pod: &str, path: &str, content: &str) {
    c.with_container_fs("default", pod, None, |fs| fs.write(path, content, false))
        .expect("exec works")
        .expect("write works");
}

fn read(c: &mut Cluster, pod: &str, path: &str) -> Result<String, ordinal_sim::fs::FsError> {
    c.with_container_fs("default", pod, None, |fs| fs.read(path))
        .expect("exec works")
}

/// A cluster where the tutorial's web.yaml is applied, the secret created, and both pods Ready.
fn tutorial_cluster(seed: u64) -> Cluster {
    let mut c = Cluster::new(seed);
    apply(&mut c, WEB_YAML);
    create_registry_secret(&mut c);
    wait_until(&mut c, 600_000, "web-0 and web-1 Ready", |c| {
        ready(c, "web-0") && ready(c, "web-1")
    });
    c
}

#[test]
fn private_image_pulls_only_after_the_secret_exists() {
    let mut c = Cluster::new(1);
    apply(&mut c, WEB_YAML);
    c.advance(30_000);
    let p = pod(&c, "web-0").expect("web-0 created");
    let s = status(p);
    assert!(
        s == "ImagePullBackOff" || s == "ErrImagePull",
        "web-0 is {s}"
    );
    assert!(pod(&c, "web-1").is_none(), "web-1 must wait for web-0");
    let events: Vec<String> = c
        .list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| e.involved_object.name.as_deref() == Some("web-0"))
        .map(|e| e.reason.as_deref().unwrap_or_default().to_string())
        .collect();
    assert!(
        events.contains(&"Failed".to_string()) && events.contains(&"BackOff".to_string()),
        "{events:?}"
    );
    // Backoff keeps retrying until the secret appears.
    c.advance(120_000);
    assert!(!ready(&c, "web-0"));
    create_registry_secret(&mut c);
    wait_until(&mut c, 400_000, "web-0 Ready", |c| ready(c, "web-0"));
}

#[test]
fn web_0_is_ready_before_web_1_exists() {
    let mut c = Cluster::new(2);
    let rv = c.resource_version();
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 120_000, "web-1 Ready", |c| ready(c, "web-1"));
    // On the watch stream, the last state of web-0 before web-1 was ADDED is Running and Ready.
    let mut web0_ready = false;
    let mut checked = false;
    for ev in c.watch_since(rv).unwrap() {
        let Object::Pod(p) = &*ev.object else {
            continue;
        };
        if p.metadata.name == "web-0" {
            web0_ready = p.is_running_and_ready();
        }
        if p.metadata.name == "web-1" && ev.type_ == WatchEventType::Added {
            assert!(
                web0_ready,
                "web-1 was created before web-0 was Running and Ready"
            );
            checked = true;
        }
    }
    assert!(checked);
    let set = c.get_as::<StatefulSet>("default", "web").unwrap();
    assert_eq!(
        (
            set.status.replicas,
            set.status.ready_replicas,
            set.status.available_replicas
        ),
        (2, 2, 2)
    );
    assert_eq!(set.status.current_revision, set.status.update_revision);
}

#[test]
fn pods_have_stable_hostnames_and_dns_names() {
    let mut c = tutorial_cluster(3);
    for i in 0..2 {
        let name = format!("web-{i}");
        let p = pod(&c, &name).unwrap();
        assert_eq!(p.spec.hostname.as_deref(), Some(name.as_str()));
        assert_eq!(p.spec.subdomain.as_deref(), Some("nginx"));
        assert_eq!(
            read(&mut c, &name, "/etc/hostname").unwrap(),
            format!("{name}\n")
        );
        let a = c
            .dns_lookup("default", &format!("{name}.nginx"), QueryType::A)
            .expect("resolves");
        assert_eq!(a.fqdn, format!("{name}.nginx.default.svc.cluster.local"));
        assert_eq!(
            a.records,
            vec![Record::A {
                ip: ip(&c, &name),
                ptr: Some(format!("{name}.nginx.default.svc.cluster.local"))
            }]
        );
    }
    let all = c.dns_lookup("default", "nginx", QueryType::A).unwrap();
    assert_eq!(all.records.len(), 2);
    assert!(
        c.dns_lookup("default", "web-9.nginx", QueryType::A)
            .is_none(),
        "NXDOMAIN for a pod that does not exist"
    );
    let srv = c
        .dns_lookup("default", "_web._tcp.nginx", QueryType::Srv)
        .unwrap();
    assert_eq!(srv.records.len(), 2);
    assert!(matches!(
        &srv.records[0],
        Record::Srv {
            port: 80,
            weight: 50,
            ..
        }
    ));
    let dns = c
        .dns_lookup("default", "kube-dns.kube-system", QueryType::A)
        .unwrap();
    assert_eq!(
        dns.records[0],
        Record::A {
            ip: "10.96.0.10".into(),
            ptr: Some("kube-dns.kube-system.svc.cluster.local".into())
        }
    );
}

#[test]
fn claims_are_created_per_pod_and_bound_to_node_pinned_volumes() {
    let c = tutorial_cluster(4);
    let claims = c.list_as::<PersistentVolumeClaim>(Some("default"));
    assert_eq!(
        claims
            .iter()
            .map(|p| p.metadata.name.as_str())
            .collect::<Vec<_>>(),
        ["www-web-0", "www-web-1"]
    );
    for claim in claims {
        assert_eq!(claim.status.phase.as_deref(), Some("Bound"));
        assert_eq!(
            claim.metadata.labels.get("app").map(String::as_str),
            Some("nginx")
        );
        assert_eq!(claim.spec.storage_class_name.as_deref(), Some("standard"));
        let pv = c
            .get_as::<PersistentVolume>("", claim.spec.volume_name.as_deref().unwrap())
            .unwrap();
        assert_eq!(pv.metadata.name, format!("pvc-{}", claim.metadata.uid));
        assert_eq!(pv.status.phase.as_deref(), Some("Bound"));
        assert_eq!(
            pv.spec.claim_ref.as_ref().and_then(|r| r.uid.as_deref()),
            Some(claim.metadata.uid.as_str())
        );
        let pod_name = claim.metadata.name.trim_start_matches("www-");
        let node = pod(&c, pod_name).unwrap().spec.node_name.clone().unwrap();
        assert_eq!(pv.pinned_nodes(), Some(vec![node]));
    }
}

#[test]
fn files_on_the_volume_survive_pod_deletion_with_same_name_claim_and_new_ip() {
    let mut c = tutorial_cluster(5);
    let html = "/usr/share/nginx/html/index.html";
    for i in 0..2 {
        let name = format!("web-{i}");
        write(&mut c, &name, html, &format!("{name}\n"));
        // The writable layer dies with the pod; the volume does not.
        write(&mut c, &name, "/tmp/scratch", "gone soon\n");
    }
    let before: Vec<(String, String)> = (0..2)
        .map(|i| {
            (
                ip(&c, &format!("web-{i}")),
                pod(&c, &format!("web-{i}")).unwrap().metadata.uid.clone(),
            )
        })
        .collect();
    let rv = c.resource_version();
    // `kubectl delete pod -l app=nginx`
    for i in 0..2 {
        c.delete(
            Kind::Pod,
            "default",
            &format!("web-{i}"),
            &DeleteOptions::default(),
        )
        .unwrap();
    }
    assert_eq!(status(pod(&c, "web-0").unwrap()), "Terminating");
    wait_until(&mut c, 300_000, "both pods back", |c| {
        ready(c, "web-0") && ready(c, "web-1")
    });
    // Recreated in order: web-0 first, web-1 only once web-0 is Ready again.
    let added = pod_events(&c, rv, WatchEventType::Added);
    assert_eq!(added, ["web-0", "web-1"]);
    for (i, (old_ip, old_uid)) in before.iter().enumerate() {
        let name = format!("web-{i}");
        let p = pod(&c, &name).unwrap();
        assert_ne!(&p.metadata.uid, old_uid, "a new pod object");
        assert_ne!(&ip(&c, &name), old_ip, "a new IP");
        assert_eq!(p.claim_names().collect::<Vec<_>>(), [format!("www-{name}")]);
        assert_eq!(read(&mut c, &name, html).unwrap(), format!("{name}\n"));
        assert_eq!(
            read(&mut c, &name, "/tmp/scratch"),
            Err(ordinal_sim::fs::FsError::NotFound)
        );
        let a = c
            .dns_lookup("default", &format!("{name}.nginx"), QueryType::A)
            .unwrap();
        assert_eq!(
            a.records,
            vec![Record::A {
                ip: ip(&c, &name),
                ptr: Some(format!("{name}.nginx.default.svc.cluster.local"))
            }]
        );
    }
}

#[test]
fn scaling_up_creates_in_order_and_down_removes_highest_first_keeping_claims() {
    let mut c = tutorial_cluster(6);
    let rv = c.resource_version();
    let mut set = c.get_as::<StatefulSet>("default", "web").unwrap().clone();
    set.spec.replicas = Some(5);
    set.metadata.resource_version.clear();
    c.update(set.into()).unwrap();
    // Each new pod appears only after its predecessor is Running and Ready.
    let mut seen = 2;
    wait_until(&mut c, 600_000, "5 pods Ready", |c| {
        if pod(c, &format!("web-{seen}")).is_some() {
            assert!(
                ready(c, &format!("web-{}", seen - 1)),
                "web-{seen} created before web-{} was Ready",
                seen - 1
            );
            seen = (seen + 1).min(4);
        }
        (0..5).all(|i| ready(c, &format!("web-{i}")))
    });
    assert_eq!(
        pod_events(&c, rv, WatchEventType::Added),
        ["web-2", "web-3", "web-4"]
    );
    let rv = c.resource_version();
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        ordinal_sim::patch::PatchType::Merge,
        &serde_json::json!({"spec": {"replicas": 2}}),
    )
    .unwrap();
    wait_until(&mut c, 300_000, "2 pods", |c| {
        pod_names(c) == ["web-0", "web-1"]
    });
    assert_eq!(
        pod_events(&c, rv, WatchEventType::Deleted),
        ["web-4", "web-3", "web-2"]
    );
    assert_eq!(
        claim_names(&c),
        [
            "www-web-0",
            "www-web-1",
            "www-web-2",
            "www-web-3",
            "www-web-4"
        ]
    );
    assert!(c
        .list_as::<PersistentVolumeClaim>(Some("default"))
        .iter()
        .all(|p| p.status.phase.as_deref() == Some("Bound")));
    // Scaling up again reuses the kept claims (and their data).
    write_on(&mut c, "web-1", "one");
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        ordinal_sim::patch::PatchType::Merge,
        &serde_json::json!({"spec": {"replicas": 3}}),
    )
    .unwrap();
    wait_until(&mut c, 300_000, "web-2 back", |c| ready(c, "web-2"));
    assert_eq!(claim_names(&c).len(), 5);
}

fn write_on(c: &mut Cluster, pod: &str, content: &str) {
    write(c, pod, "/usr/share/nginx/html/index.html", content);
}

#[test]
fn scale_down_waits_for_each_pod_to_be_gone() {
    let mut c = tutorial_cluster(7);
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        ordinal_sim::patch::PatchType::Merge,
        &serde_json::json!({"spec": {"replicas": 4}}),
    )
    .unwrap();
    wait_until(&mut c, 600_000, "4 Ready", |c| {
        (0..4).all(|i| ready(c, &format!("web-{i}")))
    });
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        ordinal_sim::patch::PatchType::Merge,
        &serde_json::json!({"spec": {"replicas": 2}}),
    )
    .unwrap();
    // While web-3 terminates, web-2 is untouched.
    assert_eq!(status(pod(&c, "web-3").unwrap()), "Terminating");
    assert!(!pod(&c, "web-2").unwrap().is_terminating());
    assert!(
        c.waiting_reason(Kind::StatefulSet, "default", "web")
            .unwrap()
            .contains("web-3"),
        "{:?}",
        c.waiting_reason(Kind::StatefulSet, "default", "web")
    );
}

#[test]
fn deleting_the_set_removes_pods_but_keeps_claims_and_a_deleted_claim_takes_its_volume() {
    let mut c = tutorial_cluster(8);
    write_on(&mut c, "web-0", "kept");
    c.delete(
        Kind::StatefulSet,
        "default",
        "web",
        &DeleteOptions::default(),
    )
    .unwrap();
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    wait_until(&mut c, 120_000, "pods gone", |c| pod_names(c).is_empty());
    assert_eq!(claim_names(&c), ["www-web-0", "www-web-1"]);
    assert!(
        c.get_as::<Service>("default", "nginx").is_some(),
        "the Service is not part of the cascade"
    );
    // Re-creating the set finds the data again.
    apply(&mut c, WEB_YAML);
    wait_until(&mut c, 300_000, "web-0 back", |c| ready(c, "web-0"));
    assert_eq!(
        read(&mut c, "web-0", "/usr/share/nginx/html/index.html").unwrap(),
        "kept"
    );
    c.delete(
        Kind::StatefulSet,
        "default",
        "web",
        &DeleteOptions::default(),
    )
    .unwrap();
    wait_until(&mut c, 120_000, "pods gone", |c| pod_names(c).is_empty());
    // `kubectl delete pvc www-web-0`: the claim goes, then its Delete-policy volume.
    let pv_name = c
        .get_as::<PersistentVolumeClaim>("default", "www-web-0")
        .unwrap()
        .spec
        .volume_name
        .clone()
        .unwrap();
    c.delete(
        Kind::PersistentVolumeClaim,
        "default",
        "www-web-0",
        &DeleteOptions::default(),
    )
    .unwrap();
    assert!(c
        .get_as::<PersistentVolumeClaim>("default", "www-web-0")
        .is_none());
    assert_eq!(
        c.get_as::<PersistentVolume>("", &pv_name)
            .unwrap()
            .status
            .phase
            .as_deref(),
        Some("Released")
    );
    c.settle();
    assert!(
        c.get_as::<PersistentVolume>("", &pv_name).is_none(),
        "reclaim policy Delete removes the volume"
    );
    assert!(c.volume_files(&pv_name).is_empty());
    assert_eq!(claim_names(&c), ["www-web-1"]);
}

#[test]
fn a_claim_in_use_stays_terminating_until_its_pod_is_gone() {
    let mut c = tutorial_cluster(9);
    c.delete(
        Kind::PersistentVolumeClaim,
        "default",
        "www-web-1",
        &DeleteOptions::default(),
    )
    .unwrap();
    let claim = c
        .get_as::<PersistentVolumeClaim>("default", "www-web-1")
        .expect("held by pvc-protection");
    assert!(claim.metadata.deletion_timestamp.is_some());
    assert_eq!(*claim.metadata.finalizers, ["kubernetes.io/pvc-protection"]);
    // Deleting the pod releases the claim; the controller then recreates both.
    c.delete(Kind::Pod, "default", "web-1", &DeleteOptions::default())
        .unwrap();
    wait_until(&mut c, 300_000, "web-1 back", |c| ready(c, "web-1"));
    let claim = c
        .get_as::<PersistentVolumeClaim>("default", "www-web-1")
        .unwrap();
    assert!(claim.metadata.deletion_timestamp.is_none(), "a fresh claim");
    let events: Vec<String> = c
        .list_as::<Event>(Some("default"))
        .iter()
        .filter_map(|e| e.message.clone())
        .collect();
    assert!(
        events.iter().any(|m| m
            == "create Pod web-1 in StatefulSet web failed error: pvc www-web-1 is being deleted"),
        "{events:?}"
    );
}

#[test]
fn not_ready_pods_drop_out_of_dns() {
    let mut c = tutorial_cluster(10);
    c.delete(Kind::Pod, "default", "web-1", &DeleteOptions::default())
        .unwrap();
    // Terminating: not ready for DNS any more.
    let names = c.dns_lookup("default", "nginx", QueryType::A).unwrap();
    assert_eq!(
        names.records,
        vec![Record::A {
            ip: ip(&c, "web-0"),
            ptr: Some("web-0.nginx.default.svc.cluster.local".into())
        }]
    );
    assert!(c
        .dns_lookup("default", "web-1.nginx", QueryType::A)
        .is_none());
}

/// Every waiting line seen while `cond` becomes true.
fn waiting_lines_until(
    c: &mut Cluster,
    what: &str,
    mut cond: impl FnMut(&Cluster) -> bool,
) -> Vec<String> {
    let mut seen = Vec::new();
    wait_until(c, 600_000, what, |c| {
        if let Some(r) = c.waiting_reason(Kind::StatefulSet, "default", "web") {
            if seen.last() != Some(&r.to_string()) {
                seen.push(r.to_string());
            }
        }
        cond(c)
    });
    seen
}

#[test]
fn the_waiting_line_names_only_what_really_waits() {
    let mut c = tutorial_cluster(11);
    // A deleted pod coming back: nothing else is waiting for it, so there is no line (it used to
    // say "the rolling update waits: web-0 is terminating" with no update in progress).
    let opts = ordinal_sim::DeleteOptions::default();
    c.delete(Kind::Pod, "default", "web-0", &opts).unwrap();
    let seen = waiting_lines_until(&mut c, "web-0 back", |c| ready(c, "web-0"));
    assert_eq!(seen, Vec::<String>::new());
    // Scaling up to 4: web-3 waits for web-2, but nothing waits for the last one.
    let scale = |c: &mut Cluster, n: i32| {
        c.patch(
            Kind::StatefulSet,
            "default",
            "web",
            ordinal_sim::patch::PatchType::Merge,
            &serde_json::json!({"spec": {"replicas": n}}),
        )
        .unwrap();
    };
    scale(&mut c, 4);
    let seen = waiting_lines_until(&mut c, "4 Ready", |c| ready(c, "web-3"));
    assert!(
        seen.iter().any(|l| l.starts_with("web-3 waits: web-2 ")),
        "{seen:?}"
    );
    assert!(seen.iter().all(|l| !l.contains("web-3 is")), "{seen:?}");
    assert!(
        seen.iter().all(|l| !l.contains("rolling update")),
        "{seen:?}"
    );
    // A real rolling update still says so while it waits for a replacement.
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        ordinal_sim::patch::PatchType::Merge,
        &serde_json::json!({"spec": {"template": {"metadata": {"annotations": {"rev": "2"}}}}}),
    )
    .unwrap();
    let upd = c
        .get_as::<StatefulSet>("default", "web")
        .unwrap()
        .status
        .update_revision
        .clone();
    let seen = waiting_lines_until(&mut c, "every pod updated", |c| {
        (0..4).all(|i| {
            ready(c, &format!("web-{i}"))
                && pod(c, &format!("web-{i}"))
                    .unwrap()
                    .metadata
                    .labels
                    .get("controller-revision-hash")
                    == Some(&upd)
        })
    });
    assert!(
        seen.iter().any(|l| l.contains("rolling update")),
        "{seen:?}"
    );
    assert_eq!(c.waiting_reason(Kind::StatefulSet, "default", "web"), None);
}
