//! The server-side `Table` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which
//! kubectl's `get` asks for: the kind's columns and cells from the sim's printers (the same
//! cells the playground prints), with `priority: 1` on the columns `-o wide` adds.

use ordinal_sim::{Cluster, Object};
use serde_json::{json, Value};

/// Whether the Accept header asks for a Table.
pub fn wants_table(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| a.contains("as=Table"))
}

/// `READY` → `Ready`, `NOMINATED NODE` → `Nominated Node`, `CLUSTER-IP` → `Cluster-IP`: the
/// API server's column names, which kubectl uppercases again.
pub fn column_name(header: &str) -> String {
    match header {
        "CLUSTER-IP" => "Cluster-IP".into(),
        "EXTERNAL-IP" => "External-IP".into(),
        "PORT(S)" => "Port(s)".into(),
        "IP" => "IP".into(),
        "INTERNAL-IP" => "Internal-IP".into(),
        "OS-IMAGE" => "OS-Image".into(),
        "KERNEL-VERSION" => "Kernel-Version".into(),
        "CONTAINER-RUNTIME" => "Container-Runtime".into(),
        "VOLUMEATTRIBUTESCLASS" => "VolumeAttributesClass".into(),
        "ACCESS MODES" => "Access Modes".into(),
        "RECLAIM POLICY" => "Reclaim Policy".into(),
        "STORAGECLASS" => "StorageClass".into(),
        "VOLUMEBINDINGMODE" => "VolumeBindingMode".into(),
        "ALLOWVOLUMEEXPANSION" => "AllowVolumeExpansion".into(),
        "ADDRESSTYPE" => "AddressType".into(),
        "LAST SEEN" => "Last Seen".into(),
        _ => header
            .split(' ')
            .map(|w| {
                let lower = w.to_ascii_lowercase();
                let mut c = lower.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn column(header: &str, priority: u8) -> Value {
    let (ty, format) = match header {
        "NAME" => ("string", "name"),
        "AGE" | "LAST SEEN" => ("string", ""),
        _ => ("string", ""),
    };
    json!({
        "name": column_name(header),
        "type": ty,
        "format": format,
        "description": "",
        "priority": priority,
    })
}

/// The column definitions of a kind's table (the wide ones with priority 1).
pub fn columns(kind: ordinal_sim::Kind) -> Vec<Value> {
    let narrow = ordinal_sim::printers::headers(kind, false);
    let wide = ordinal_sim::printers::headers(kind, true);
    let mut cols: Vec<Value> = narrow.iter().map(|h| column(h, 0)).collect();
    cols.extend(wide.iter().skip(narrow.len()).map(|h| column(h, 1)));
    cols
}

/// `PartialObjectMetadata` of an object, as a row's `object` when `includeObject=Metadata`
/// (the default).
pub fn partial_metadata(o: &Object) -> Value {
    let v = o.to_value();
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": v.get("metadata").cloned().unwrap_or(json!({})),
    })
}

/// One row: every cell (wide ones included; kubectl hides them unless `-o wide`) and the
/// object as `includeObject` asks.
pub fn row(c: &Cluster, o: &Object, include: &str) -> Value {
    let cells = ordinal_sim::printers::row(c, o, true, false);
    let mut r = json!({"cells": cells});
    match include {
        "None" => {}
        "Object" => r["object"] = o.to_value(),
        _ => r["object"] = partial_metadata(o),
    }
    r
}

pub fn table(
    c: &Cluster,
    kind: ordinal_sim::Kind,
    objs: &[&Object],
    include: &str,
    list_meta: Value,
) -> Value {
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": columns(kind),
        "rows": objs.iter().map(|o| row(c, o, include)).collect::<Vec<_>>(),
    })
}

/// The Table of a `scale` subresource (`printScale`): Name, Desired (`spec.replicas`),
/// Available (`status.replicas`), Age. `scale` is the `autoscaling/v1` Scale as served.
pub fn scale_table(c: &Cluster, o: &Object, scale: &Value, include: &str) -> Value {
    let col = |name: &str, ty: &str, format: &str| json!({"name": name, "type": ty, "format": format, "description": "", "priority": 0});
    let mut row = json!({"cells": [
        o.name(),
        scale.pointer("/spec/replicas").cloned().unwrap_or(json!(0)),
        scale.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
        ordinal_sim::printers::age(c.now(), o.meta().creation_timestamp),
    ]});
    match include {
        "None" => {}
        "Object" => row["object"] = scale.clone(),
        _ => {
            row["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": scale.get("metadata").cloned().unwrap_or(json!({})),
            })
        }
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": o.meta().resource_version},
        "columnDefinitions": [
            col("Name", "string", "name"),
            col("Desired", "integer", ""),
            col("Available", "integer", ""),
            col("Age", "string", ""),
        ],
        "rows": [row],
    })
}
