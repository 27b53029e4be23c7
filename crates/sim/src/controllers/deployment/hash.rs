//! `controller.ComputeHash`: the `pod-template-hash` of a Deployment's template. Upstream
//! hashes the Go object (`hashutil.DeepHashObject`: go-spew's `%#v` with sorted keys and no
//! methods, written into an FNV-32a hash), adds the collision count, and safe-encodes the
//! decimal sum. The object is the `v1.PodTemplateSpec` the controller decoded from protobuf,
//! so every field of the Go struct is printed, set or not, in Go's field order, with its Go
//! type: this module walks the template's JSON against the Go types of Kubernetes v1.33
//! (`go_types.txt`) and prints it as spew does.

use crate::controllers::statefulset::history::safe_encode;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A field's place in the JSON object.
#[derive(Clone, Copy)]
enum Json {
    /// `json:"name"`.
    Key(&'static str),
    /// `json:",inline"`: the embedded struct's fields are the object's own.
    Inline,
    /// `json:"-"`: never set from JSON.
    Skip,
}

struct Field {
    go: &'static str,
    json: Json,
    ty: &'static str,
}

enum Def {
    Struct(Vec<Field>),
    /// A named type over another (`v1.Protocol string`).
    Named(&'static str),
}

const TYPES: &str = include_str!("go_types.txt");

fn types() -> &'static BTreeMap<&'static str, Def> {
    static DEFS: OnceLock<BTreeMap<&'static str, Def>> = OnceLock::new();
    DEFS.get_or_init(|| {
        let mut defs = BTreeMap::new();
        let mut current: Option<(&str, Vec<Field>)> = None;
        for line in TYPES.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some(field) = line.strip_prefix(' ') {
                let Some((name, ty)) = field.split_once(' ') else {
                    continue;
                };
                let (go, json) = match name.split_once(':') {
                    Some((go, "~")) => (go, Json::Inline),
                    Some((go, "!")) => (go, Json::Skip),
                    Some((go, j)) => (go, Json::Key(j)),
                    None => (name, Json::Key("")),
                };
                if let Some((_, fields)) = current.as_mut() {
                    fields.push(Field { go, json, ty });
                }
                continue;
            }
            if let Some((name, fields)) = current.take() {
                defs.insert(name, Def::Struct(fields));
            }
            if let Some(named) = line.strip_prefix('=') {
                if let Some((name, under)) = named.split_once(' ') {
                    defs.insert(name, Def::Named(under));
                }
            } else {
                current = Some((line, Vec::new()));
            }
        }
        if let Some((name, fields)) = current.take() {
            defs.insert(name, Def::Struct(fields));
        }
        defs.insert("types.UID", Def::Named("string"));
        defs.insert("intstr.Type", Def::Named("int64"));
        defs.insert("resource.Scale", Def::Named("int32"));
        defs.insert("resource.Format", Def::Named("string"));
        defs
    })
}

/// A field's JSON key: its own, or the Go name with a lowercase first letter.
fn json_key(f: &Field) -> Option<String> {
    match f.json {
        Json::Key("") => {
            let mut cs = f.go.chars();
            cs.next()
                .map(|c| c.to_ascii_lowercase().to_string() + cs.as_str())
        }
        Json::Key(k) => Some(k.to_string()),
        Json::Inline | Json::Skip => None,
    }
}

/// go-spew's `formatState` with the `#` flag (types shown, no pointer addresses).
struct Spew {
    out: String,
    ignore_next_type: bool,
}

/// JSON's "not set": absent, null, and the empty lists and maps protobuf does not keep.
fn unset(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

fn empty_map(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        _ => false,
    }
}

impl Spew {
    /// `format`: `ty` is the value's Go type (as reflect prints it); `v` its JSON, `None` for
    /// the zero value.
    fn format(&mut self, v: Option<&Value>, ty: &str, depth: usize) {
        if depth > 64 {
            self.out.push_str("<max>");
            return;
        }
        if let Some(inner) = ty.strip_prefix('*') {
            self.format_ptr(v, ty, inner, depth);
            return;
        }
        if !self.ignore_next_type {
            self.out.push('(');
            self.out.push_str(ty);
            self.out.push(')');
        }
        self.ignore_next_type = false;
        self.value(v, ty, depth);
    }

    fn format_ptr(&mut self, v: Option<&Value>, ty: &str, inner: &str, depth: usize) {
        let nil = matches!(v, None | Some(Value::Null));
        if nil && self.ignore_next_type {
            self.out.push_str("<nil>");
            return;
        }
        if nil {
            self.out.push('(');
            self.out.push_str(ty);
            self.out.push_str(")<nil>");
            return;
        }
        if self.ignore_next_type {
            self.out.push_str("<*>");
        } else {
            self.out.push_str("(*");
            self.out.push_str(inner);
            self.out.push(')');
        }
        self.ignore_next_type = true;
        self.format(v, inner, depth + 1);
    }

    /// The value after its type: by the kind of `ty` (a named type's underlying one).
    fn value(&mut self, v: Option<&Value>, ty: &str, depth: usize) {
        if let Some(elem) = ty.strip_prefix("[]") {
            let items = match v {
                Some(Value::Array(a)) if !unset(v) => a,
                _ => {
                    self.out.push_str("<nil>");
                    return;
                }
            };
            self.out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push(' ');
                }
                self.ignore_next_type = true;
                self.format(Some(item), elem, depth + 1);
            }
            self.out.push(']');
            return;
        }
        if let Some(rest) = ty.strip_prefix("map[") {
            let Some((key_ty, val_ty)) = rest.split_once(']') else {
                return;
            };
            let entries = match v {
                Some(Value::Object(m)) if !empty_map(v) => m,
                _ => {
                    self.out.push_str("<nil>");
                    return;
                }
            };
            let mut keys: Vec<&String> = entries.keys().collect();
            crate::sort::sort(&mut keys);
            self.out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    self.out.push(' ');
                }
                self.ignore_next_type = true;
                self.format(Some(&Value::String(k.clone())), key_ty, depth + 1);
                self.out.push(':');
                self.ignore_next_type = true;
                self.format(entries.get(k), val_ty, depth + 1);
            }
            self.out.push(']');
            return;
        }
        match ty {
            "string" => match v {
                Some(Value::String(s)) => self.out.push_str(s),
                Some(Value::Number(n)) => self.out.push_str(&n.to_string()),
                _ => {}
            },
            "bool" => {
                let b = v.and_then(Value::as_bool).unwrap_or(false);
                self.out.push_str(if b { "true" } else { "false" });
            }
            "int" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32"
            | "uint64" => {
                let n = v.and_then(Value::as_i64).unwrap_or(0);
                self.out.push_str(&n.to_string());
            }
            "v1.Time" => {
                self.out.push_str("{Time:");
                self.format(None, "time.Time", depth + 1);
                self.out.push('}');
            }
            "time.Time" => {
                self.out.push_str("{wall:");
                self.format(None, "uint64", depth + 1);
                self.out.push_str(" ext:");
                self.format(None, "int64", depth + 1);
                self.out.push_str(" loc:");
                self.format(None, "*time.Location", depth + 1);
                self.out.push('}');
            }
            "intstr.IntOrString" => self.int_or_string(v, depth),
            "resource.Quantity" => self.quantity(v, depth),
            _ => match types().get(ty) {
                Some(Def::Named(under)) => self.value(v, under, depth),
                Some(Def::Struct(fields)) => self.struct_fields(v, fields, depth),
                None => {}
            },
        }
    }

    fn struct_fields(&mut self, v: Option<&Value>, fields: &[Field], depth: usize) {
        self.out.push('{');
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            self.out.push_str(f.go);
            self.out.push(':');
            let fv = match f.json {
                Json::Inline => v,
                Json::Skip => None,
                Json::Key(_) => json_key(f).and_then(|k| v.and_then(|v| v.get(&k))),
            };
            self.format(fv, f.ty, depth + 1);
        }
        self.out.push('}');
    }

    /// `intstr.IntOrString{Type, IntVal, StrVal}`.
    fn int_or_string(&mut self, v: Option<&Value>, depth: usize) {
        let (t, i, s) = match v {
            Some(Value::String(s)) => (1, 0, s.clone()),
            Some(Value::Number(n)) => (0, n.as_i64().unwrap_or(0), String::new()),
            _ => (0, 0, String::new()),
        };
        self.out.push_str("{Type:");
        self.format(Some(&Value::from(t)), "intstr.Type", depth + 1);
        self.out.push_str(" IntVal:");
        self.format(Some(&Value::from(i)), "int32", depth + 1);
        self.out.push_str(" StrVal:");
        self.format(Some(&Value::String(s)), "string", depth + 1);
        self.out.push('}');
    }

    /// `resource.Quantity{i, d, s, Format}` as the controller decodes it: protobuf carries
    /// the canonical string, which `ParseQuantity` reads back.
    fn quantity(&mut self, v: Option<&Value>, depth: usize) {
        let text = match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let canonical = crate::quantity::Quantity::parse(&text)
            .map(|q| q.to_string())
            .unwrap_or(text);
        let q = go_parse_quantity(&canonical);
        self.out.push_str("{i:(resource.int64Amount){value:");
        self.format(Some(&Value::from(q.value)), "int64", depth + 1);
        self.out.push_str(" scale:");
        self.format(Some(&Value::from(q.scale)), "resource.Scale", depth + 1);
        self.out
            .push_str("} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:");
        self.format(Some(&Value::String(q.cached)), "string", depth + 1);
        self.out.push_str(" Format:");
        self.format(
            Some(&Value::String(q.format.into())),
            "resource.Format",
            depth + 1,
        );
        self.out.push('}');
    }
}

/// What `resource.ParseQuantity` makes of a canonical quantity on its fast path.
struct GoQuantity {
    value: i64,
    scale: i64,
    /// The string it keeps when the input was already canonical (`s`).
    cached: String,
    format: &'static str,
}

fn go_parse_quantity(s: &str) -> GoQuantity {
    let zero = GoQuantity {
        value: 0,
        scale: 0,
        cached: String::new(),
        format: "DecimalSI",
    };
    if s == "0" {
        return GoQuantity {
            cached: s.into(),
            ..zero
        };
    }
    let (positive, body) = match s.strip_prefix('-') {
        Some(b) => (false, b),
        None => (true, s.strip_prefix('+').unwrap_or(s)),
    };
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(end);
    let (num, denom) = number.split_once('.').unwrap_or((number, ""));
    let (base2, exponent, format): (bool, i64, &'static str) = match suffix {
        "" => (false, 0, "DecimalSI"),
        "n" => (false, -9, "DecimalSI"),
        "u" => (false, -6, "DecimalSI"),
        "m" => (false, -3, "DecimalSI"),
        "k" => (false, 3, "DecimalSI"),
        "M" => (false, 6, "DecimalSI"),
        "G" => (false, 9, "DecimalSI"),
        "T" => (false, 12, "DecimalSI"),
        "P" => (false, 15, "DecimalSI"),
        "E" => (false, 18, "DecimalSI"),
        "Ki" => (true, 10, "BinarySI"),
        "Mi" => (true, 20, "BinarySI"),
        "Gi" => (true, 30, "BinarySI"),
        "Ti" => (true, 40, "BinarySI"),
        "Pi" => (true, 50, "BinarySI"),
        "Ei" => (true, 60, "BinarySI"),
        e => match e
            .strip_prefix(['e', 'E'])
            .and_then(|x| x.parse::<i64>().ok())
        {
            Some(x) => (false, x, "DecimalExponent"),
            None => return zero,
        },
    };
    let digits = (num.len() + denom.len()) as i64;
    let (mut scale, precision, mantissa) = if base2 {
        let precision = if denom.is_empty() {
            15 - num.len() as i64 - ((exponent as f32) * 3.0 / 10.0) as i64 - 1
        } else {
            -1
        };
        (0, precision, 1i64 << exponent.clamp(0, 62))
    } else {
        (exponent, 18 - digits, 1)
    };
    if precision >= 0 {
        scale -= denom.len() as i64;
        if scale >= -9 {
            let shifted = format!("{num}{denom}");
            if let Ok(value) = shifted.parse::<i64>() {
                if let Some(mut result) = value.checked_mul(mantissa) {
                    if !positive {
                        result = -result;
                    }
                    let canonical = if base2 {
                        exponent % 10 == 0 && value & 0x07 != 0
                    } else {
                        scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
                    };
                    return GoQuantity {
                        value: result,
                        scale,
                        cached: if canonical { s.into() } else { String::new() },
                        format,
                    };
                }
            }
        }
    }
    // The slow path keeps an `inf.Dec`, which this does not print; such quantities (beyond
    // int64 nanos) do not occur in templates.
    GoQuantity { format, ..zero }
}

/// The spew text of a template (`DeepHashObject`'s input), for tests.
pub fn spew_template(template: &Value) -> String {
    let mut s = Spew {
        out: String::new(),
        ignore_next_type: false,
    };
    s.format(Some(template), "v1.PodTemplateSpec", 0);
    s.out
}

/// `controller.ComputeHash(template, collisionCount)`.
pub fn compute_hash(template: &Value, collision_count: Option<i32>) -> String {
    let text = spew_template(template);
    let mut h: u32 = 0x811c_9dc5;
    let mut write = |b: u8| {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    };
    for b in text.bytes() {
        write(b);
    }
    if let Some(c) = collision_count {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(c as u32).to_le_bytes());
        for b in bytes {
            write(b);
        }
    }
    safe_encode(&h.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The template `kubectl create deployment nginx --image=nginx` stores, defaulted.
    fn create_deployment_nginx() -> Value {
        json!({
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "containers": [{
                    "image": "nginx",
                    "name": "nginx",
                    "imagePullPolicy": "Always",
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30,
            },
        })
    }

    // A v1.32/v1.33 cluster names that Deployment's ReplicaSet `nginx-5869d7778c` (a real
    // capture); the same encoding over older releases' Go types gives their well-known
    // hashes (v1.19–v1.22: nginx-6799fc88d8, v1.28–v1.29: nginx-7854ff8877).
    #[test]
    fn compute_hash_matches_a_real_v1_33_replica_set_name() {
        assert_eq!(compute_hash(&create_deployment_nginx(), None), "5869d7778c");
    }

    #[test]
    fn a_collision_count_changes_the_hash() {
        let t = create_deployment_nginx();
        let h0 = compute_hash(&t, None);
        let h1 = compute_hash(&t, Some(1));
        assert_ne!(h0, h1);
        assert_ne!(
            compute_hash(&t, Some(0)),
            h0,
            "a set count is hashed even at 0"
        );
        assert!(h1.chars().all(|c| "456789bcdf".contains(c)), "{h1}");
    }

    #[test]
    fn spew_prints_every_go_field_with_its_type() {
        let text = spew_template(&create_deployment_nginx());
        assert!(text.starts_with(
            "(v1.PodTemplateSpec){ObjectMeta:(v1.ObjectMeta){Name:(string) GenerateName:(string) "
        ));
        assert!(text.contains(
            " CreationTimestamp:(v1.Time){Time:(time.Time){wall:(uint64)0 ext:(int64)0 loc:(*time.Location)<nil>}} DeletionTimestamp:(*v1.Time)<nil> "
        ));
        assert!(text.contains(" Labels:(map[string]string)map[app:nginx] "));
        assert!(text.contains(" Containers:([]v1.Container)[{Name:(string)nginx Image:(string)nginx Command:([]string)<nil> "));
        assert!(text.contains(" TerminationGracePeriodSeconds:(*int64)30 "));
        assert!(text.contains(
            " SecurityContext:(*v1.PodSecurityContext){SELinuxOptions:(*v1.SELinuxOptions)<nil> "
        ));
    }

    #[test]
    fn quantities_print_as_parsed_from_their_canonical_form() {
        let mut t = create_deployment_nginx();
        t["spec"]["containers"][0]["resources"] =
            json!({"limits": {"cpu": "0.5", "memory": "128Mi"}});
        let text = spew_template(&t);
        assert!(
            text.contains("Limits:(v1.ResourceList)map[cpu:{i:(resource.int64Amount){value:(int64)500 scale:(resource.Scale)-3} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)500m Format:(resource.Format)DecimalSI} memory:{i:(resource.int64Amount){value:(int64)134217728 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string) Format:(resource.Format)BinarySI}]"),
            "{text}"
        );
    }
}
