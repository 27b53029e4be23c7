//! Every kind has every piece: REST facts that look it up both ways, an object that decodes and
//! encodes, printer columns with a row to match, and the API server's create, update,
//! `/status` and delete paths (defaulting, validation, status on update). A kind added to the
//! list without one of these fails here; `fixture` names each kind, so it fails to compile first.

use ordinal_sim::api::*;
use ordinal_sim::printers;
use ordinal_sim::{Cluster, DeleteOptions, Reason};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A valid object of each kind, and for a kind with a status, a status a client could write.
struct Fixture {
    manifest: Value,
    status: Option<Value>,
}

fn fixture(kind: Kind) -> Fixture {
    let (manifest, status) = match kind {
        Kind::Namespace => (json!({}), Some(json!({"phase": "Active", "x": "y"}))),
        Kind::Node => (json!({}), Some(json!({"capacity": {"pods": "3"}}))),
        Kind::StorageClass => (json!({"provisioner": "example.com/disk"}), None),
        Kind::PersistentVolume => (
            json!({"spec": {
                "capacity": {"storage": "1Gi"},
                "accessModes": ["ReadWriteOnce"],
                "hostPath": {"path": "/tmp/fixture"},
            }}),
            Some(json!({"phase": "Released"})),
        ),
        Kind::Service => (
            json!({"spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
            Some(json!({"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}})),
        ),
        Kind::Secret => (json!({"stringData": {"password": "hunter2"}}), None),
        Kind::StatefulSet => (
            json!({"spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "fixture"}},
                "template": {
                    "metadata": {"labels": {"app": "fixture"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
                },
            }}),
            Some(json!({"replicas": 0, "observedGeneration": 7})),
        ),
        Kind::ControllerRevision => (json!({"revision": 1, "data": {}}), None),
        Kind::PersistentVolumeClaim => (
            json!({"spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            }}),
            Some(json!({"phase": "Lost"})),
        ),
        Kind::Pod => (
            json!({"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}),
            Some(json!({"phase": "Pending", "message": "from the fixture"})),
        ),
        Kind::EndpointSlice => (
            json!({"addressType": "IPv4", "endpoints": [], "ports": []}),
            None,
        ),
        Kind::Event => (
            json!({"involvedObject": {"kind": "Pod", "name": "web-0"}, "reason": "Fixture"}),
            None,
        ),
        Kind::Deployment => (
            json!({"spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "fixture"}},
                "template": {
                    "metadata": {"labels": {"app": "fixture"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
                },
            }}),
            Some(json!({"observedGeneration": 7, "conditions": [
                {"type": "Available", "status": "True", "reason": "Fixture"},
            ]})),
        ),
        Kind::ReplicaSet => (
            json!({"spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "fixture"}},
                "template": {
                    "metadata": {"labels": {"app": "fixture"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
                },
            }}),
            Some(json!({"replicas": 0, "observedGeneration": 7})),
        ),
    };
    Fixture { manifest, status }
}

/// The fixture as the object to create: named `fixture`, in `default` if the kind is namespaced.
fn object(kind: Kind) -> Object {
    let mut v = fixture(kind).manifest;
    v["apiVersion"] = json!(kind.api_version());
    v["kind"] = json!(kind.name());
    v["metadata"] = json!({"name": "fixture"});
    if kind.namespaced() {
        v["metadata"]["namespace"] = json!("default");
    }
    let (obj, unknown) = Object::decode(kind, v).expect("the fixture decodes");
    assert!(unknown.is_empty(), "{kind}: unknown fields {unknown:?}");
    obj
}

#[test]
fn every_kind_has_rest_facts_that_look_it_up_both_ways() {
    assert_eq!(KINDS.len(), Kind::ALL.len());
    let mut names = BTreeSet::new();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let info = kind.info();
        assert_eq!(info.kind, kind);
        assert_eq!(KINDS[i].kind, kind, "KINDS is in Kind::ALL's order");
        assert_eq!(info.name, format!("{kind:?}"));
        assert_eq!(info.singular, info.name.to_lowercase(), "{kind}");
        assert!(info.plural.starts_with(info.singular), "{kind}");
        assert!(!info.version.is_empty(), "{kind}");
        assert_eq!(
            Kind::from_type_meta(&kind.api_version(), kind.name()),
            Some(kind)
        );
        for n in [info.plural, info.singular]
            .into_iter()
            .chain(info.short_names.iter().copied())
        {
            assert!(names.insert(n), "{kind}: {n} names another kind too");
        }
    }
}

#[test]
fn every_kind_decodes_encodes_and_prints_a_row() {
    let c = Cluster::new(1);
    for kind in Kind::ALL {
        let obj = object(kind);
        assert_eq!(obj.kind(), kind);
        let v = obj.to_value();
        assert_eq!(v["apiVersion"], json!(kind.api_version()));
        assert_eq!(v["kind"], json!(kind.name()));
        assert_eq!(
            Object::decode(kind, v).ok(),
            Some((obj.clone(), Vec::new()))
        );

        let narrow = printers::headers(kind, false);
        let wide = printers::headers(kind, true);
        assert!(!narrow.is_empty(), "{kind} has printer columns");
        assert!(wide.starts_with(&narrow), "{kind}: -o wide adds columns");
        let first = if kind == Kind::Event {
            "LAST SEEN"
        } else {
            "NAME"
        };
        assert_eq!(narrow[0], first, "{kind}");
        assert_eq!(printers::row(&c, &obj, false, false).len(), narrow.len());
        assert_eq!(printers::row(&c, &obj, true, false).len(), wide.len());
    }
}

#[test]
fn every_kind_goes_through_create_update_status_and_delete() {
    let mut c = Cluster::new(1);
    for kind in Kind::ALL {
        let created = c
            .create(object(kind))
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let ns = created.namespace().to_string();
        assert!(!created.meta().uid.is_empty(), "{kind}");
        assert_eq!(
            c.create(object(kind)).map(|_| ()).map_err(|e| e.reason),
            Err(Reason::AlreadyExists),
            "{kind}"
        );

        // A client's PUT keeps the live status; a PUT of /status takes only the status.
        let live = c.get(kind, &ns, "fixture").expect("created");
        let mut v = live.to_value();
        v["metadata"]["labels"] = json!({"touched": "yes"});
        if let Some(status) = fixture(kind).status {
            v["status"] = status;
        }
        let (changed, unknown) = Object::decode(kind, v).expect("decodes");
        assert!(unknown.is_empty(), "{kind}: unknown fields {unknown:?}");
        if fixture(kind).status.is_some() {
            assert_ne!(
                changed.to_value().get("status"),
                live.to_value().get("status"),
                "{kind}: the fixture's status differs from the live one"
            );
        }
        let updated = c.update(changed.clone()).expect("update");
        assert_eq!(
            updated.meta().labels.get("touched").map(String::as_str),
            Some("yes")
        );
        assert_eq!(
            updated.to_value().get("status"),
            live.to_value().get("status"),
            "{kind}: a PUT keeps the live status"
        );
        let mut for_status = changed.clone();
        for_status.meta_mut().resource_version.clear();
        let after = c.update_status(for_status).expect("update_status");
        assert_eq!(after.meta().labels, updated.meta().labels, "{kind}");
        if fixture(kind).status.is_some() {
            assert_eq!(
                after.to_value().get("status"),
                changed.to_value().get("status"),
                "{kind}: a PUT of /status takes the status"
            );
        } else {
            assert_eq!(after.to_value(), updated.to_value(), "{kind}: no status");
        }

        c.delete(kind, &ns, "fixture", &DeleteOptions::default())
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
    }
}

#[test]
fn every_kind_validates_names_by_its_rule() {
    let mut c = Cluster::new(1);
    for kind in Kind::ALL {
        let mut obj = object(kind);
        obj.meta_mut().name = "Not_A_Name".into();
        let r = c.create(obj).map(|_| ()).map_err(|e| e.reason);
        if kind == Kind::Event {
            // Recorders name events; the API server takes any name.
            assert_eq!(r, Ok(()), "{kind}");
        } else {
            assert_eq!(r, Err(Reason::Invalid), "{kind}");
        }
    }
}
