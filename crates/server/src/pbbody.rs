//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl's typed
//! clients send: `kubectl create secret`, `create namespace` and `create service` post their
//! object so.
//! The body is the `k8s\0` magic, then a `runtime.Unknown` (its `TypeMeta`, and the object's
//! own encoding in `raw`); the objects those commands build (Secret, Namespace, Service, and
//! the `ObjectMeta` in each) are decoded here to the JSON the rest of the server reads, field
//! numbers as in `k8s.io/api/core/v1/generated.proto` and apimachinery's. Other kinds are not
//! decoded (the caller answers 415, as before).

use crate::http::Request;
use ordinal_sim::Kind;
use serde_json::{json, Map, Value};

/// The envelope's magic number.
const MAGIC: &[u8] = b"k8s\0";

/// One field: its number and its value.
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed 32- and 64-bit values: no field decoded here has them.
    Fixed,
}

/// The fields of one message, in order.
fn fields(mut b: &[u8]) -> Result<Vec<(u64, Field<'_>)>, String> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let tag = varint(&mut b)?;
        let number = tag >> 3;
        let field = match tag & 7 {
            0 => Field::Varint(varint(&mut b)?),
            1 => {
                b = b.get(8..).ok_or("truncated fixed64")?;
                Field::Fixed
            }
            2 => {
                let n = usize::try_from(varint(&mut b)?).map_err(|_| "length too large")?;
                if n > b.len() {
                    return Err("unexpected EOF".into());
                }
                let (v, rest) = b.split_at(n);
                b = rest;
                Field::Bytes(v)
            }
            5 => {
                b = b.get(4..).ok_or("truncated fixed32")?;
                Field::Fixed
            }
            w => return Err(format!("illegal wireType {w} for field {number}")),
        };
        out.push((number, field));
    }
    Ok(out)
}

fn varint(b: &mut &[u8]) -> Result<u64, String> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&c, rest) = b.split_first().ok_or("unexpected EOF")?;
        *b = rest;
        v |= u64::from(c & 0x7f) << shift;
        if c & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("integer overflow".into())
}

fn text(f: &Field) -> Result<String, String> {
    match f {
        Field::Bytes(b) => String::from_utf8(b.to_vec()).map_err(|_| "invalid UTF-8".into()),
        _ => Err("wrong wire type for a string".into()),
    }
}

fn bytes<'a>(f: &Field<'a>) -> Result<&'a [u8], String> {
    match f {
        Field::Bytes(b) => Ok(b),
        _ => Err("wrong wire type for a message".into()),
    }
}

/// A `map<string, string>` (or `map<string, bytes>`, base64 as JSON has it) entry.
fn map_entry(f: &Field, values_are_bytes: bool) -> Result<(String, Value), String> {
    let (mut k, mut v) = (String::new(), Value::String(String::new()));
    for (n, f) in fields(bytes(f)?)? {
        match n {
            1 => k = text(&f)?,
            2 if values_are_bytes => {
                v = Value::String(ordinal_sim::base64::encode(bytes(&f)?));
            }
            2 => v = Value::String(text(&f)?),
            _ => {}
        }
    }
    Ok((k, v))
}

/// Go's encoder writes every string field, empty or not; JSON omits the empty ones (and
/// defaulting, such as a Secret's `Opaque`, looks for them missing).
fn put(m: &mut Map<String, Value>, key: &str, s: String) {
    if !s.is_empty() {
        m.insert(key.into(), Value::String(s));
    }
}

fn object_meta(b: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    let (mut labels, mut annotations) = (Map::new(), Map::new());
    let (mut owners, mut finalizers) = (Vec::new(), Vec::new());
    for (n, f) in fields(b)? {
        match n {
            1 => put(&mut m, "name", text(&f)?),
            2 => put(&mut m, "generateName", text(&f)?),
            3 => put(&mut m, "namespace", text(&f)?),
            5 => put(&mut m, "uid", text(&f)?),
            6 => put(&mut m, "resourceVersion", text(&f)?),
            11 => {
                let (k, v) = map_entry(&f, false)?;
                labels.insert(k, v);
            }
            12 => {
                let (k, v) = map_entry(&f, false)?;
                annotations.insert(k, v);
            }
            13 => {
                let mut o = Map::new();
                for (n, f) in fields(bytes(&f)?)? {
                    let (key, v) = match (n, &f) {
                        (5, _) => ("apiVersion", json!(text(&f)?)),
                        (1, _) => ("kind", json!(text(&f)?)),
                        (3, _) => ("name", json!(text(&f)?)),
                        (4, _) => ("uid", json!(text(&f)?)),
                        (6, Field::Varint(v)) => ("controller", json!(*v != 0)),
                        (7, Field::Varint(v)) => ("blockOwnerDeletion", json!(*v != 0)),
                        _ => continue,
                    };
                    o.insert(key.into(), v);
                }
                owners.push(Value::Object(o));
            }
            14 => finalizers.push(json!(text(&f)?)),
            // Timestamps, generation, managed fields: the server's to set.
            _ => {}
        }
    }
    for (key, v) in [
        ("labels", Value::Object(labels)),
        ("annotations", Value::Object(annotations)),
        ("ownerReferences", Value::Array(owners)),
        ("finalizers", Value::Array(finalizers)),
    ] {
        let empty =
            v.as_object().is_some_and(Map::is_empty) || v.as_array().is_some_and(Vec::is_empty);
        if !empty {
            m.insert(key.into(), v);
        }
    }
    Ok(Value::Object(m))
}

fn secret(b: &[u8], v: &mut Map<String, Value>) -> Result<(), String> {
    let (mut data, mut string_data) = (Map::new(), Map::new());
    for (n, f) in fields(b)? {
        match n {
            1 => {
                v.insert("metadata".into(), object_meta(bytes(&f)?)?);
            }
            2 => {
                let (k, x) = map_entry(&f, true)?;
                data.insert(k, x);
            }
            3 => put(v, "type", text(&f)?),
            4 => {
                let (k, x) = map_entry(&f, false)?;
                string_data.insert(k, x);
            }
            5 => {
                if let Field::Varint(x) = f {
                    v.insert("immutable".into(), json!(x != 0));
                }
            }
            _ => {}
        }
    }
    if !data.is_empty() {
        v.insert("data".into(), Value::Object(data));
    }
    if !string_data.is_empty() {
        v.insert("stringData".into(), Value::Object(string_data));
    }
    Ok(())
}

fn namespace(b: &[u8], v: &mut Map<String, Value>) -> Result<(), String> {
    for (n, f) in fields(b)? {
        match n {
            1 => {
                v.insert("metadata".into(), object_meta(bytes(&f)?)?);
            }
            2 => {
                let finalizers = fields(bytes(&f)?)?
                    .iter()
                    .filter(|(n, _)| *n == 1)
                    .map(|(_, f)| text(f).map(Value::String))
                    .collect::<Result<Vec<_>, _>>()?;
                if !finalizers.is_empty() {
                    v.insert("spec".into(), json!({"finalizers": finalizers}));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `util/intstr.IntOrString`: type 0 is the int, 1 the string. A zero or empty one is left
/// out, so defaulting (a Service port's `targetPort`) applies as it does to the JSON.
fn int_or_string(b: &[u8]) -> Result<Option<Value>, String> {
    let (mut is_string, mut int, mut text_) = (false, 0i64, String::new());
    for (n, f) in fields(b)? {
        match (n, f) {
            (1, Field::Varint(t)) => is_string = t == 1,
            (2, Field::Varint(v)) => int = v as i32 as i64,
            (3, f) => text_ = text(&f)?,
            _ => {}
        }
    }
    Ok(match (is_string, int, text_.is_empty()) {
        (true, _, false) => Some(json!(text_)),
        (false, i, _) if i != 0 => Some(json!(i)),
        _ => None,
    })
}

fn service_port(b: &[u8]) -> Result<Value, String> {
    let mut p = Map::new();
    for (n, f) in fields(b)? {
        match (n, &f) {
            (1, _) => put(&mut p, "name", text(&f)?),
            (2, _) => put(&mut p, "protocol", text(&f)?),
            (3, Field::Varint(v)) => {
                p.insert("port".into(), json!(*v as i32));
            }
            (4, _) => {
                if let Some(t) = int_or_string(bytes(&f)?)? {
                    p.insert("targetPort".into(), t);
                }
            }
            (5, Field::Varint(v)) if *v != 0 => {
                p.insert("nodePort".into(), json!(*v as i32));
            }
            (6, _) => put(&mut p, "appProtocol", text(&f)?),
            _ => {}
        }
    }
    Ok(Value::Object(p))
}

fn service(b: &[u8], v: &mut Map<String, Value>) -> Result<(), String> {
    for (n, f) in fields(b)? {
        match n {
            1 => {
                v.insert("metadata".into(), object_meta(bytes(&f)?)?);
            }
            2 => {
                let mut spec = Map::new();
                let (mut ports, mut selector) = (Vec::new(), Map::new());
                let mut lists: [(&str, Vec<Value>); 3] = [
                    ("externalIPs", vec![]),
                    ("clusterIPs", vec![]),
                    ("ipFamilies", vec![]),
                ];
                for (n, f) in fields(bytes(&f)?)? {
                    match (n, &f) {
                        (1, _) => ports.push(service_port(bytes(&f)?)?),
                        (2, _) => {
                            let (k, x) = map_entry(&f, false)?;
                            selector.insert(k, x);
                        }
                        (3, _) => put(&mut spec, "clusterIP", text(&f)?),
                        (4, _) => put(&mut spec, "type", text(&f)?),
                        (5, _) => lists[0].1.push(json!(text(&f)?)),
                        (7, _) => put(&mut spec, "sessionAffinity", text(&f)?),
                        (10, _) => put(&mut spec, "externalName", text(&f)?),
                        (11, _) => put(&mut spec, "externalTrafficPolicy", text(&f)?),
                        (13, Field::Varint(x)) if *x != 0 => {
                            spec.insert("publishNotReadyAddresses".into(), json!(true));
                        }
                        (18, _) => lists[1].1.push(json!(text(&f)?)),
                        (19, _) => lists[2].1.push(json!(text(&f)?)),
                        (20, _) => put(&mut spec, "ipFamilyPolicy", text(&f)?),
                        (23, _) => put(&mut spec, "internalTrafficPolicy", text(&f)?),
                        _ => {}
                    }
                }
                if !ports.is_empty() {
                    spec.insert("ports".into(), Value::Array(ports));
                }
                if !selector.is_empty() {
                    spec.insert("selector".into(), Value::Object(selector));
                }
                for (key, list) in lists {
                    if !list.is_empty() {
                        spec.insert(key.into(), Value::Array(list));
                    }
                }
                v.insert("spec".into(), Value::Object(spec));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the request's body is protobuf.
pub fn is_protobuf(req: &Request) -> bool {
    req.header("content-type")
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/vnd.kubernetes.protobuf")
        })
}

/// The body as JSON, for the kinds decoded here; `None` for the others. An error is the
/// decoder's message for a body that is not a Kubernetes protobuf message.
pub fn decode(body: &[u8], kind: Kind) -> Option<Result<Value, String>> {
    if !matches!(kind, Kind::Secret | Kind::Namespace | Kind::Service) {
        return None;
    }
    Some(decode_known(body, kind))
}

fn decode_known(body: &[u8], kind: Kind) -> Result<Value, String> {
    let Some(unknown) = body.strip_prefix(MAGIC) else {
        return Err(format!(
            "provided data does not appear to be a protobuf message, expected prefix {MAGIC:?}"
        ));
    };
    let mut v = Map::new();
    let mut raw: &[u8] = &[];
    for (n, f) in fields(unknown)? {
        match n {
            1 => {
                for (n, f) in fields(bytes(&f)?)? {
                    match n {
                        1 => {
                            v.insert("apiVersion".into(), json!(text(&f)?));
                        }
                        2 => {
                            v.insert("kind".into(), json!(text(&f)?));
                        }
                        _ => {}
                    }
                }
            }
            2 => raw = bytes(&f)?,
            3 | 4 => {
                let s = text(&f)?;
                if !s.is_empty() && n == 3 {
                    return Err(format!("unsupported content encoding {s:?}"));
                }
            }
            _ => {}
        }
    }
    // The envelope names the object's own kind: the caller checks it against the path's.
    let named = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if !named.is_empty() && named != kind.name() {
        return Ok(Value::Object(v));
    }
    match kind {
        Kind::Secret => secret(raw, &mut v)?,
        Kind::Namespace => namespace(raw, &mut v)?,
        Kind::Service => service(raw, &mut v)?,
        _ => {}
    }
    Ok(Value::Object(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(n: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![(n << 3 | 2) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    fn entry(k: &str, v: &[u8]) -> Vec<u8> {
        [field(1, k.as_bytes()), field(2, v)].concat()
    }

    #[test]
    fn a_secret_as_kubectl_sends_it() {
        let meta = [
            field(1, b"creds"),
            field(2, b""),
            field(11, &entry("app", b"web")),
            field(8, b""),
        ]
        .concat();
        let secret = [
            field(1, &meta),
            field(2, &entry(".dockerconfigjson", b"{}")),
            field(3, b"kubernetes.io/dockerconfigjson"),
            vec![5 << 3, 1],
        ]
        .concat();
        let type_meta = [field(1, b"v1"), field(2, b"Secret")].concat();
        let body = [
            MAGIC.to_vec(),
            field(1, &type_meta),
            field(2, &secret),
            field(3, b""),
            field(4, b""),
        ]
        .concat();
        let v = decode(&body, Kind::Secret)
            .expect("decoded")
            .expect("valid");
        assert_eq!(
            v,
            json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "creds", "labels": {"app": "web"}},
                "data": {".dockerconfigjson": "e30="},
                "type": "kubernetes.io/dockerconfigjson",
                "immutable": true,
            })
        );
        assert!(decode(&body[4..], Kind::Secret).expect("decoded").is_err());
        assert!(decode(&body[..body.len() - 9], Kind::Secret)
            .expect("decoded")
            .is_err());
        assert!(decode(&body, Kind::Pod).is_none());
    }
}
