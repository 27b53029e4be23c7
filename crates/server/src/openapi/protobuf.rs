//! `/openapi/v2` in its protobuf form (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`),
//! the one kubectl asks for: gnostic's `openapi.v2.Document` (OpenAPIv2.proto), encoded from
//! the Swagger 2.0 JSON document field by field. Only what the JSON document uses is encoded;
//! vendor extensions, defaults and enum values are `Any`s holding YAML, as gnostic writes them.

use serde_json::{Map, Value};

/// What the API server answers with (it also takes the older `…spec.v2@v1.0+protobuf`, which
/// kubectl asks for).
pub const CONTENT_TYPE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The media types asked for as this form.
pub fn is_protobuf(media_type: &str) -> bool {
    matches!(
        media_type,
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
            | "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    )
}

/// A protobuf message being written.
#[derive(Default)]
struct Msg(Vec<u8>);

impl Msg {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.varint(u64::from(field) << 3 | 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    /// A string field; proto3 leaves an empty one out.
    fn string(&mut self, field: u32, s: &str) {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
    }
    fn strings(&mut self, field: u32, v: Option<&Value>) {
        for s in v.and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = s.as_str() {
                self.bytes(field, s.as_bytes());
            }
        }
    }
    fn str_of(&mut self, field: u32, v: Option<&Value>) {
        if let Some(s) = v.and_then(Value::as_str) {
            self.string(field, s);
        }
    }
    fn boolean(&mut self, field: u32, v: Option<&Value>) {
        if v.and_then(Value::as_bool) == Some(true) {
            self.varint(u64::from(field) << 3);
            self.varint(1);
        }
    }
    /// A sub-message: written even when empty, since presence matters (`properties: {}`).
    fn message(&mut self, field: u32, m: Msg) {
        self.bytes(field, &m.0);
    }
}

/// `Any { yaml }`.
fn any(v: &Value) -> Msg {
    let mut m = Msg::default();
    m.string(2, &serde_norway::to_string(v).unwrap_or_default());
    m
}

/// `NamedAny { name, value }` for each `x-…` key of `m`.
fn extensions(out: &mut Msg, field: u32, m: &Map<String, Value>) {
    for (k, v) in m {
        if k.starts_with("x-") {
            let mut named = Msg::default();
            named.string(1, k);
            named.message(2, any(v));
            out.message(field, named);
        }
    }
}

fn schema(v: &Value) -> Msg {
    let mut out = Msg::default();
    let Some(m) = v.as_object() else {
        return out;
    };
    out.str_of(1, m.get("$ref"));
    out.str_of(2, m.get("format"));
    out.str_of(4, m.get("description"));
    if let Some(d) = m.get("default") {
        out.message(5, any(d));
    }
    out.boolean(16, m.get("uniqueItems"));
    out.strings(19, m.get("required"));
    for e in m
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.message(20, any(e));
    }
    match m.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            let mut a = Msg::default();
            a.boolean(2, Some(&Value::Bool(*b)));
            out.message(21, a);
        }
        Some(s @ Value::Object(_)) => {
            let mut a = Msg::default();
            a.message(1, schema(s));
            out.message(21, a);
        }
        _ => {}
    }
    match m.get("type") {
        Some(Value::String(t)) => {
            let mut ty = Msg::default();
            ty.string(1, t);
            out.message(22, ty);
        }
        Some(ts @ Value::Array(_)) => {
            let mut ty = Msg::default();
            ty.strings(1, Some(ts));
            out.message(22, ty);
        }
        _ => {}
    }
    if let Some(items) = m.get("items") {
        let mut i = Msg::default();
        i.message(1, schema(items));
        out.message(23, i);
    }
    for s in m
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.message(24, schema(s));
    }
    if let Some(Value::Object(props)) = m.get("properties") {
        let mut p = Msg::default();
        for (k, s) in props {
            let mut named = Msg::default();
            named.string(1, k);
            named.message(2, schema(s));
            p.message(1, named);
        }
        out.message(25, p);
    }
    extensions(&mut out, 31, m);
    out
}

/// `ParametersItem { parameter: Parameter { body_parameter | non_body_parameter } }`.
fn parameter(p: &Value) -> Msg {
    let mut param = Msg::default();
    match p.get("in").and_then(Value::as_str) {
        Some("body") => {
            let mut b = Msg::default();
            b.str_of(1, p.get("description"));
            b.str_of(2, p.get("name"));
            b.str_of(3, p.get("in"));
            b.boolean(4, p.get("required"));
            if let Some(s) = p.get("schema") {
                b.message(5, schema(s));
            }
            param.message(1, b);
        }
        Some(place) => {
            // Query and path parameters differ only in where `type` and the rest sit.
            let (which, ty, unique) = if place == "path" {
                (4, 5, 19)
            } else {
                (3, 6, 20)
            };
            let mut s = Msg::default();
            s.boolean(1, p.get("required"));
            s.str_of(2, p.get("in"));
            s.str_of(3, p.get("description"));
            s.str_of(4, p.get("name"));
            s.str_of(ty, p.get("type"));
            s.str_of(ty + 1, p.get("format"));
            s.boolean(unique, p.get("uniqueItems"));
            let mut nb = Msg::default();
            nb.message(which, s);
            param.message(2, nb);
        }
        None => {}
    }
    let mut item = Msg::default();
    item.message(1, param);
    item
}

fn operation(op: &Value) -> Msg {
    let mut out = Msg::default();
    let Some(m) = op.as_object() else {
        return out;
    };
    out.strings(1, m.get("tags"));
    out.str_of(3, m.get("description"));
    out.str_of(5, m.get("operationId"));
    out.strings(6, m.get("produces"));
    out.strings(7, m.get("consumes"));
    for p in m
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.message(8, parameter(p));
    }
    if let Some(Value::Object(rs)) = m.get("responses") {
        let mut responses = Msg::default();
        for (code, r) in rs {
            let mut resp = Msg::default();
            resp.str_of(1, r.get("description"));
            if let Some(s) = r.get("schema") {
                let mut item = Msg::default();
                item.message(1, schema(s));
                resp.message(2, item);
            }
            let mut value = Msg::default();
            value.message(1, resp);
            let mut named = Msg::default();
            named.string(1, code);
            named.message(2, value);
            responses.message(1, named);
        }
        out.message(9, responses);
    }
    out.strings(10, m.get("schemes"));
    extensions(&mut out, 13, m);
    out
}

fn path_item(item: &Value) -> Msg {
    let mut out = Msg::default();
    for (method, field) in [
        ("get", 2),
        ("put", 3),
        ("post", 4),
        ("delete", 5),
        ("patch", 8),
    ] {
        if let Some(op) = item.get(method) {
            out.message(field, operation(op));
        }
    }
    for p in item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.message(9, parameter(p));
    }
    out
}

/// The Swagger 2.0 JSON document as gnostic's protobuf `Document`.
pub fn encode(doc: &Value) -> Vec<u8> {
    let mut out = Msg::default();
    out.str_of(1, doc.get("swagger"));
    if let Some(info) = doc.get("info") {
        let mut i = Msg::default();
        i.str_of(1, info.get("title"));
        i.str_of(2, info.get("version"));
        out.message(2, i);
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        let mut p = Msg::default();
        for (path, item) in paths {
            let mut named = Msg::default();
            named.string(1, path);
            named.message(2, path_item(item));
            p.message(2, named);
        }
        out.message(8, p);
    }
    if let Some(Value::Object(defs)) = doc.get("definitions") {
        let mut d = Msg::default();
        for (name, s) in defs {
            let mut named = Msg::default();
            named.string(1, name);
            named.message(2, schema(s));
            d.message(1, named);
        }
        out.message(9, d);
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_written_as_protobuf_wants_them() {
        // Document { swagger: "2.0" (1), info: Info { title: "K" (1) } (2) }
        assert_eq!(
            encode(&json!({"swagger": "2.0", "info": {"title": "K"}})),
            [0x0a, 3, b'2', b'.', b'0', 0x12, 3, 0x0a, 1, b'K']
        );
        // Schema { type: TypeItem { value: ["string"] } (22), x-a: Any { yaml: "1\n" } (31) }
        let s = schema(&json!({"type": "string", "x-a": 1}));
        let mut want = vec![0xb2, 0x01, 8, 0x0a, 6];
        want.extend_from_slice(b"string");
        // NamedAny { name: "x-a" (1), value: Any { yaml: "1\n" (2) } (2) }
        want.extend_from_slice(&[0xfa, 0x01, 11, 0x0a, 3, b'x', b'-', b'a', 0x12, 4, 0x12, 2]);
        want.extend_from_slice(b"1\n");
        assert_eq!(s.0, want);
    }
}
