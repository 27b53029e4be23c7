//! `kubectl explain` (pkg/cmd/explain, pkg/explain/v2): the resource and field path as kubectl
//! splits them, then its `plaintext` template (templates/plaintext.tmpl) run by hand over the
//! schemas `ordinal serve` publishes at `/openapi/v3`. Those come from `web/explain/explain.json`
//! through [`crate::Files::explain_data`] (the CLI embeds the file; the web app fetches it after
//! first paint); `crates/server/tests/explain_data.rs` writes it and fails when it is stale.

use crate::args::{flag, FlagSpec};
use crate::output::Output;
use crate::Env;
use ordinal_sim::Cluster;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub const FLAGS: &[FlagSpec] = &[
    flag("recursive", None, false),
    flag("api-version", None, true),
    flag("output", None, true),
];

/// Said while the web app is still fetching the data.
pub const LOADING: &str =
    "error: the field descriptions kubectl explain prints are still loading; try again in a moment";

/// How deep the templates' mutual recursion may go (the schemas' own nesting is far less).
const MAX_DEPTH: usize = 64;

pub fn explain(_c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "explain", &mut out) else {
        return out;
    };
    if p.positionals.is_empty() {
        out.err("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
        return out;
    }
    if p.positionals.len() > 1 {
        out.err("error: We accept only this format: explain RESOURCE\n");
        return out;
    }
    let Some(data) = env.files.explain_data() else {
        out.err(LOADING);
        return out;
    };
    let Ok(Value::Object(data)) = serde_json::from_str::<Value>(data) else {
        out.err(LOADING);
        return out;
    };
    let recursive = p.bool("recursive");
    let api_version = p.value("api-version").unwrap_or_default();
    match run(
        &data,
        &p.positionals[0],
        api_version,
        recursive,
        p.value("output"),
    ) {
        Ok(text) => out.out(text),
        Err((printed, e)) => {
            out.out(printed);
            out.err(e);
        }
    }
    out
}

/// The text, or what was printed before the error and the error.
fn run(
    data: &Map<String, Value>,
    input: &str,
    api_version: &str,
    recursive: bool,
    format: Option<&str>,
) -> Result<String, (String, String)> {
    let fail = |e: String| (String::new(), e);
    let input = input.strip_suffix('.').unwrap_or(input);
    let parts: Vec<&str> = input.split('.').collect();
    let word = parts.first().copied().unwrap_or_default();
    if word.is_empty() {
        return Err(fail(
            "error: a resource must be present, got: /, Resource=".into(),
        ));
    }
    let Some(kind) = crate::resource::resolve(word).filter(|_| !word.is_empty()) else {
        return Err(fail(format!(
            "the server doesn't have a resource type \"{word}\""
        )));
    };
    let info = kind.info();
    let mut group = info.group.to_string();
    let mut version = info.version.to_string();
    let mut fields: Vec<String> = parts[1..].iter().map(|s| s.to_string()).collect();
    if api_version.is_empty() {
        // SplitAndParseResourceRequestWithMatchingPrefix: `statefulsets.apps.spec`.
        let gr = if info.group.is_empty() {
            info.plural.to_string()
        } else {
            format!("{}.{}", info.plural, info.group)
        };
        if let Some(suffix) = input.strip_prefix(&gr) {
            // kubectl parses the suffix as JSONPath `{.SUFFIX}` and drops its first node: one
            // more leading dot is a recursive-descent node that goes that way.
            let suffix = suffix
                .strip_prefix('.')
                .filter(|s| s.starts_with('.'))
                .unwrap_or(suffix);
            fields = suffix.split('.').skip(1).map(String::from).collect();
        }
    }
    // Only plain field names: anything else is another JSONPath node (`[0]`, `..`, `$`).
    let other_node = |f: &String| {
        f.is_empty()
            || f.contains([
                '[', ']', '$', '@', '{', '}', '(', ')', '*', '?', ',', ' ', '\'', '"',
            ])
    };
    if fields.iter().any(other_node) {
        return Err(fail(
            "error: invalid jsonpath syntax, first node must be field node".into(),
        ));
    }
    match format {
        None | Some("plaintext") => {}
        Some("plaintext-openapiv2") => {
            return Err(fail(
                "error: --output=plaintext-openapiv2 is not available in this playground; the plaintext format is".into(),
            ))
        }
        Some(f) => return Err(fail(format!("error: unrecognized format: {f}"))),
    }
    if !api_version.is_empty() {
        match api_version.matches('/').count() {
            0 => {
                group.clear();
                version = api_version.to_string();
            }
            1 => {
                let (g, v) = api_version.split_once('/').unwrap_or_default();
                group = g.to_string();
                version = v.to_string();
            }
            _ => {
                return Err(fail(format!(
                    "error: unexpected GroupVersion string: {api_version}"
                )))
            }
        }
    }
    let gvr = format!("{group}/{version}, Resource={}", info.plural);
    let gv = if group.is_empty() {
        version.clone()
    } else {
        format!("{group}/{version}")
    };
    let Some(resources) = data.get("resources").and_then(|r| r.get(&gv)) else {
        return Err(fail(format!("error: couldn't find resource for \"{gvr}\"")));
    };
    let Some(kind_name) = resources.get(info.plural).and_then(Value::as_str) else {
        return Err(fail(format!(
            "error: GVR ({gvr}) not found in OpenAPI schema"
        )));
    };
    let empty = Map::new();
    let schemas = data
        .get("schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut head = String::new();
    if !group.is_empty() {
        head.push_str(&format!("GROUP:      {group}\n"));
    }
    head.push_str(&format!(
        "KIND:       {kind_name}\nVERSION:    {version}\n\n"
    ));
    let gvk = |s: &Value| {
        s.get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .is_some_and(|a| {
                a.iter().any(|g| {
                    g.as_object().is_some_and(|m| {
                        m.len() == 3
                            && m.get("group").and_then(Value::as_str) == Some(group.as_str())
                            && m.get("kind").and_then(Value::as_str) == Some(kind_name)
                            && m.get("version").and_then(Value::as_str) == Some(version.as_str())
                    })
                })
            })
    };
    // Go ranges over a map in key order; serde_json's map is ordered by key.
    let Some(schema) = schemas.values().find(|s| gvk(s)) else {
        return Err((
            head,
            format!("error: GVK map[group:{group} kind:{kind_name} version:{version}] not found in OpenAPI schema"),
        ));
    };
    let t = Templates { schemas, recursive };
    let body = t.output(schema, &BTreeSet::new(), &fields, 0);
    if body.is_empty() {
        let last = fields.last().cloned().unwrap_or_default();
        return Err((head, format!("error: field \"{last}\" does not exist")));
    }
    head.push_str(&body);
    head.push('\n');
    Ok(head)
}

/// Go templates' truth: empty maps, lists and strings, zero and null are false.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `additionalProperties` when it is a schema (not `true`/`false`).
fn map_values(v: &Value) -> Option<&Value> {
    v.get("additionalProperties")
        .filter(|a| a.is_object() && truthy(Some(a)))
}

fn items(v: &Value) -> Option<&Value> {
    v.get("items").filter(|i| truthy(Some(i)))
}

fn all_of(v: &Value) -> &[Value] {
    v.get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The template's `indent`: every line of `s` after `n` spaces.
fn indent(n: usize, s: &str) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// The template's `wrap`: go-wordwrap's `WrapString` (v1.0.1), which keeps line breaks.
pub fn wrap(lim: usize, s: &str) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut current = 0usize;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            buf.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

struct Templates<'a> {
    schemas: &'a Map<String, Value>,
    recursive: bool,
}

impl<'a> Templates<'a> {
    /// `resolveRef`: `#/components/schemas/NAME`.
    fn resolve(&self, r: &str) -> Option<&'a Value> {
        let name = r.strip_prefix("#/components/schemas/")?;
        self.schemas.get(name).filter(|s| s.is_object())
    }

    fn resolved(&self, s: &'a Value) -> &'a Value {
        self.resolve(str_of(s, "$ref")).unwrap_or(s)
    }

    /// The `output` template: follow the field path, then the description and field list.
    fn output(
        &self,
        schema: &'a Value,
        history: &BTreeSet<String>,
        path: &[String],
        depth: usize,
    ) -> String {
        if depth > MAX_DEPTH {
            return String::new();
        }
        let r = str_of(schema, "$ref");
        let mut next = history.clone();
        next.insert(r.to_string());
        let resolved = self.resolved(schema);
        let Some(first) = path.first() else {
            let d = self.description(resolved, 0);
            let d = if d.is_empty() {
                "<empty>".to_string()
            } else {
                d
            };
            let mut s = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(76, &d)));
            let docs = external_docs(resolved, 0, 4, 76);
            if !docs.is_empty() {
                s.push('\n');
                s.push_str(&docs);
            }
            let fields = self.field_list(resolved, 1, &BTreeSet::new(), 0);
            if !fields.is_empty() {
                s.push_str("FIELDS:\n");
                s.push_str(&fields);
            }
            return s;
        };
        if !r.is_empty() && history.contains(r) {
            return String::new();
        }
        let sub = resolved
            .get("properties")
            .and_then(|p| p.get(first.as_str()));
        if truthy(resolved.get("properties")) && truthy(sub) {
            let Some(sub) = sub else { return String::new() };
            let mut s = String::new();
            if path.len() == 1 {
                s.push_str(&format!("FIELD: {first} <{}>\n", self.type_guess(sub, 0)));
                s.push_str(&extract_enum(sub, true, None, 0));
                s.push_str("\n\n");
            }
            s.push_str(&self.output(sub, &BTreeSet::new(), &path[1..], depth + 1));
            return s;
        }
        if let Some(i) = items(resolved) {
            return self.output(i, &next, path, depth + 1);
        }
        if let Some(m) = map_values(resolved) {
            return self.output(m, &next, path, depth + 1);
        }
        for a in all_of(resolved) {
            let s = self.output(a, &next, path, depth + 1);
            if !s.is_empty() {
                return s;
            }
        }
        String::new()
    }

    /// The `description` template: this schema's and its alternatives', items' and values'.
    fn description(&self, schema: &'a Value, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return String::new();
        }
        let s = self.resolved(schema);
        let mut out = String::new();
        let d = str_of(s, "description");
        if !d.is_empty() {
            out.push_str(d);
            out.push('\n');
        }
        for a in all_of(s) {
            out.push_str(&self.description(a, depth + 1));
        }
        if let Some(i) = items(s) {
            out.push_str(&self.description(i, depth + 1));
        }
        if let Some(m) = map_values(s) {
            out.push_str(&self.description(m, depth + 1));
        }
        out
    }

    /// The `fieldList` template: each property (sorted), and under `--recursive` its own.
    fn field_list(
        &self,
        schema: &'a Value,
        level: usize,
        history: &BTreeSet<String>,
        depth: usize,
    ) -> String {
        let r = str_of(schema, "$ref");
        if depth > MAX_DEPTH || (!r.is_empty() && history.contains(r)) {
            return String::new();
        }
        let mut next = history.clone();
        next.insert(r.to_string());
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
            for (name, v) in props {
                out.push_str(&self.field_detail(name, resolved, level));
                if self.recursive {
                    out.push_str(&self.field_list(v, level + 1, &next, depth + 1));
                }
            }
        }
        for a in all_of(resolved) {
            out.push_str(&self.field_list(a, level, &next, depth + 1));
        }
        if let Some(i) = items(resolved) {
            out.push_str(&self.field_list(i, level, &next, depth + 1));
        }
        if let Some(m) = map_values(resolved) {
            out.push_str(&self.field_list(m, level, &next, depth + 1));
        }
        out
    }

    /// The `fieldDetail` template: `name\t<type> -required-`, its enum, and (unless recursive)
    /// its description.
    fn field_detail(&self, name: &str, schema: &'a Value, level: usize) -> String {
        let amount = level * 2;
        let Some(field) = schema.get("properties").and_then(|p| p.get(name)) else {
            return String::new();
        };
        let mut s = format!("{}\t<{}>", indent(amount, name), self.type_guess(field, 0));
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name)));
        if required {
            s.push_str(" -required-");
        }
        s.push_str(&extract_enum(field, false, Some(4), amount));
        s.push('\n');
        if !self.recursive {
            let d = str_of(field, "description");
            let d = if d.is_empty() { "<no description>" } else { d };
            s.push_str(&indent(
                amount + 2,
                &wrap(78usize.saturating_sub(amount), d),
            ));
            s.push('\n');
            if field.get("externalDocs").is_some_and(|d| truthy(Some(d))) {
                s.push('\n');
                s.push_str(&external_docs(
                    field,
                    amount + 2,
                    amount + 4,
                    76usize.saturating_sub(amount),
                ));
            }
            s.push('\n');
        }
        s
    }

    /// The `typeGuess` template: `string`, `Object`, `[]Container`, `map[string]string`, ….
    fn type_guess(&self, schema: &'a Value, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "Object".into();
        }
        if let Some(i) = items(schema) {
            return format!("[]{}", self.type_guess(i, depth + 1));
        }
        if let Some(m) = map_values(schema) {
            return format!("map[string]{}", self.type_guess(m, depth + 1));
        }
        let alts = all_of(schema);
        if !alts.is_empty() && !truthy(schema.get("properties")) && alts.len() == 1 {
            return self.type_guess(&alts[0], depth + 1);
        }
        let r = str_of(schema, "$ref");
        if !r.is_empty() {
            let target = self.resolve(r);
            let ty = target.map(|t| str_of(t, "type")).unwrap_or_default();
            if ty.is_empty() || ty == "object" {
                let name = r.rsplit('/').next().unwrap_or_default();
                let last = name.rsplit('.').next().unwrap_or_default();
                return if last.is_empty() {
                    "Object".into()
                } else {
                    last.into()
                };
            }
            return ty.into();
        }
        match str_of(schema, "type") {
            "object" | "" => "Object".into(),
            t => t.into(),
        }
    }
}

/// The `externalDocs` section (none of our schemas has one yet; kept for the template's shape).
fn external_docs(schema: &Value, head: usize, body: usize, width: usize) -> String {
    let Some(docs) = schema.get("externalDocs").filter(|d| truthy(Some(d))) else {
        return String::new();
    };
    let mut s = format!("{}\n", indent(head, "EXTERNAL DOCS:"));
    let d = str_of(docs, "description");
    if !d.is_empty() {
        s.push_str(&indent(body, &wrap(width, d)));
        s.push('\n');
    }
    let u = str_of(docs, "url");
    if !u.is_empty() {
        s.push_str(&indent(body, &format!("URL: {u}")));
        s.push('\n');
    }
    s
}

/// The `extractEnum` template: `ENUM:` and one value a line (a field's own page), or
/// `enum: a, b, c, d, ....` under the field in a list.
fn extract_enum(schema: &Value, long: bool, limit: Option<usize>, amount: usize) -> String {
    let Some(values) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return String::new();
    };
    let mut s = if long {
        "ENUM:".to_string()
    } else {
        format!("\n{}enum: ", " ".repeat(amount))
    };
    for (i, v) in values.iter().enumerate() {
        if limit.is_some_and(|l| i >= l) {
            s.push_str(", ....");
            break;
        }
        if i > 0 && !long {
            s.push_str(", ");
        } else if long {
            s.push_str("\n    ");
        }
        match v {
            Value::String(t) if t.is_empty() => s.push_str("\"\""),
            Value::String(t) => s.push_str(t),
            Value::Null => s.push_str("<nil>"),
            other => s.push_str(&other.to_string()),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Loaded(&'static str);
    impl crate::Files for Loaded {
        fn read(&self, path: &str) -> Result<String, String> {
            Err(path.to_string())
        }
        fn explain_data(&self) -> Option<&str> {
            Some(self.0)
        }
    }

    fn kubectl(files: &dyn crate::Files, line: &str) -> Output {
        let mut c = Cluster::new(1);
        let args: Vec<String> = line.split(' ').map(String::from).collect();
        let env = Env {
            namespace: "default",
            files,
            stdin: "",
            interactive_shells: false,
        };
        crate::run(&mut c, &args, &env)
    }

    #[test]
    fn says_so_while_the_data_is_loading() {
        let out = kubectl(&crate::session::MemFiles::default(), "explain pods");
        assert_eq!(out.text(), format!("{LOADING}\n"));
        assert_eq!(out.status, 1);
    }

    #[test]
    fn reads_the_data_it_is_given() {
        let data = r##"{"resources":{"v1":{"pods":"Pod"}},"schemas":{"P":{"description":"A pod.","type":"object",
            "x-kubernetes-group-version-kind":[{"group":"","kind":"Pod","version":"v1"}],
            "required":["spec"],
            "properties":{"spec":{"description":"Its spec.","allOf":[{"$ref":"#/components/schemas/S"}]}}},
            "S":{"description":"A spec.","type":"object","properties":{"a":{"type":"string","enum":["x","y"]},
            "self":{"$ref":"#/components/schemas/S"}}}}}"##;
        let out = kubectl(&Loaded(data), "explain pods --recursive");
        assert_eq!(
            out.text(),
            "KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n    A pod.\n    \nFIELDS:\n  spec\t<S> -required-\n    a\t<string>\n    enum: x, y\n    self\t<S>\n\n"
        );
        let out = kubectl(&Loaded(data), "explain po.spec.self.self.a");
        assert!(out.text().starts_with("KIND:       Pod\nVERSION:    v1\n\nFIELD: a <string>\nENUM:\n    x\n    y\n\nDESCRIPTION:\n    <empty>\n"), "{}", out.text());
        let out = kubectl(&Loaded(data), "explain pods.spec.b");
        assert_eq!(
            out.text(),
            "KIND:       Pod\nVERSION:    v1\n\nerror: field \"b\" does not exist\n"
        );
        let out = kubectl(&Loaded("not json"), "explain pods");
        assert_eq!(out.text(), format!("{LOADING}\n"));
    }

    #[test]
    fn wraps_as_go_wordwrap() {
        assert_eq!(wrap(10, "aaa bbb ccc ddd"), "aaa bbb\nccc ddd");
        assert_eq!(wrap(5, "abcdefgh ij"), "abcdefgh\nij");
        assert_eq!(wrap(76, "one\ntwo\n"), "one\ntwo\n");
    }

    #[test]
    fn enums_short_and_long() {
        let s: Value = serde_json::json!({"enum": ["", "a", "b", "c", "d"]});
        assert_eq!(
            extract_enum(&s, false, Some(4), 2),
            "\n  enum: \"\", a, b, c, ...."
        );
        assert_eq!(
            extract_enum(&s, true, None, 0),
            "ENUM:\n    \"\"\n    a\n    b\n    c\n    d"
        );
    }
}
