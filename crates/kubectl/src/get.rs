//! `kubectl get`: tables (default, `-o wide`, `--show-labels`, `-L`, `--no-headers`,
//! `--show-kind`, `-A`), `-o name|yaml|json|jsonpath=…|jsonpath-as-json=…|go-template=…|
//! custom-columns=…` (and their `-file` forms, `--template`), `--sort-by`, label selectors,
//! several types at once, `get all`, and `-w`.

use crate::args::{flag, FlagSpec};
use crate::jobs::{Job, Watch};
use crate::output::Output;
use crate::printers::custom_columns::{self, Column};
use crate::printers::{jsonpath, sort, template, yaml};
use crate::resource::{self, type_prefix};
use crate::table::{self, Table};
use crate::{errors, Env};
use ordinal_sim::api::*;
use ordinal_sim::printers as rows;
use ordinal_sim::Cluster;
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    flag("output", Some('o'), true),
    flag("selector", Some('l'), true),
    flag("watch", Some('w'), false),
    flag("watch-only", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("show-labels", None, false),
    flag("no-headers", None, false),
    flag("show-kind", None, false),
    flag("ignore-not-found", None, false),
    flag("field-selector", None, true),
    flag("subresource", None, true),
    flag("template", None, true),
    flag("allow-missing-template-keys", None, false),
    flag("sort-by", None, true),
    flag("label-columns", Some('L'), true),
];

/// `--field-selector`: `a.b=v`, `a.b==v`, `a.b!=v`, comma-separated, on the object's JSON.
fn field_matches(sel: &str, o: &Object) -> bool {
    let v = o.to_value();
    sel.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (path, want, negate) = match term.split_once("!=") {
            Some((p, w)) => (p, w, true),
            None => match term.split_once("==").or_else(|| term.split_once('=')) {
                Some((p, w)) => (p, w, false),
                None => (term, "", false),
            },
        };
        let pointer = format!("/{}", path.trim().replace('.', "/"));
        let got = match v.pointer(&pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        (got == want.trim()) != negate
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Name,
    Yaml,
    Json,
    JsonPath(String),
    JsonPathAsJson(String),
    /// A Go template (`go-template`, `template`, their `-file` forms, `--template`).
    Template(String),
    /// The columns, and whether `--no-headers` may drop the header (not for a
    /// `custom-columns-file`, whose printer always prints it).
    CustomColumns(Vec<Column>, bool),
}

const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// `-o` (and `--template`) as kubectl's print flags read them; `formats` is the list its
/// "unable to match a printer" error offers. Errors are whole lines (`error: …`).
pub fn parse_output(
    o: Option<&str>,
    template_flag: Option<&str>,
    files: &dyn crate::Files,
    formats: &str,
) -> Result<Format, String> {
    let template_flag = template_flag.filter(|t| !t.is_empty());
    let o = match (o, template_flag) {
        (None | Some(""), Some(_)) => "go-template",
        (o, _) => o.unwrap_or(""),
    };
    // With `--template`, `-o` must be a bare format name: `-o template=…` then matches none.
    let (name, inline) = match o.split_once('=').filter(|_| template_flag.is_none()) {
        Some((n, v))
            if matches!(
                n,
                "jsonpath"
                    | "jsonpath-file"
                    | "jsonpath-as-json"
                    | "go-template"
                    | "go-template-file"
                    | "template"
                    | "templatefile"
                    | "custom-columns"
                    | "custom-columns-file"
            ) =>
        {
            (n, v)
        }
        _ => (o, ""),
    };
    // `--template` wins over the value after `=`.
    let value = template_flag.unwrap_or(inline);
    let read = |path: &str, what: &str| {
        files.read(path).map_err(|_| {
            format!("error: error reading {what} {path}, open {path}: no such file or directory\n")
        })
    };
    let no_template = || "error: template format specified but no template given".to_string();
    Ok(match name {
        "" => Format::Table,
        "wide" if formats.contains("wide") => Format::Wide,
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "jsonpath" | "jsonpath-file" | "jsonpath-as-json" => {
            if value.is_empty() {
                return Err(no_template());
            }
            let t = if name == "jsonpath-file" { read(value, "--template")? } else { value.to_string() };
            if name == "jsonpath-as-json" {
                Format::JsonPathAsJson(t)
            } else {
                Format::JsonPath(t)
            }
        }
        "go-template" | "go-template-file" | "template" | "templatefile" => {
            if value.is_empty() {
                return Err(no_template());
            }
            let t = if name.ends_with("file") { read(value, "--template")? } else { value.to_string() };
            if let Err(e) = template::parse(&t) {
                return Err(format!("error: error parsing template {t}, {e}\n"));
            }
            Format::Template(t)
        }
        "custom-columns" | "custom-columns-file" if formats.contains("custom-columns") => {
            if value.is_empty() {
                return Err("error: custom-columns format specified but no custom columns given".into());
            }
            let from_file = name == "custom-columns-file";
            let cols = if from_file {
                custom_columns::parse_file(&read(value, "template")?)
            } else {
                custom_columns::parse_spec(value)
            };
            Format::CustomColumns(cols.map_err(|e| format!("error: {e}"))?, !from_file)
        }
        _ => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: {formats}"
            ))
        }
    })
}

/// Prints `v` (one object, or the List of several) in a format that prints the object itself
/// as a whole: yaml, json, a JSONPath or a Go template. `Some(false)` if it failed (the error is
/// written); `None` for the formats this does not print.
pub fn print_value(
    format: &Format,
    v: &Value,
    allow_missing_keys: bool,
    out: &mut Output,
) -> Option<bool> {
    let jp = |t: &str, as_json: bool, out: &mut Output| {
        let opts = jsonpath::Options {
            allow_missing_keys,
            as_json,
        };
        match jsonpath::render_with(t, v, opts) {
            Ok(s) => {
                out.out(s);
                true
            }
            Err(e) => {
                // The module leaves out the newline kubectl's own message ends with.
                out.err(format!("error: {e}\n"));
                false
            }
        }
    };
    Some(match format {
        Format::Yaml => {
            out.out(yaml::to_yaml(v));
            true
        }
        Format::Json => {
            out.out(to_json(v));
            true
        }
        Format::JsonPath(t) => jp(t, false, out),
        Format::JsonPathAsJson(t) => jp(t, true, out),
        Format::Template(t) => {
            match template::render(t, v, template::Options { allow_missing_keys }) {
                Ok(s) => {
                    out.out(s);
                    true
                }
                Err((stdout, e)) => {
                    out.out(stdout);
                    out.err(format!("error: {e}"));
                    false
                }
            }
        }
        _ => return None,
    })
}

/// JSON as `kubectl -o json` prints it: four-space indentation.
pub fn to_json(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(v, &mut ser).ok();
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

pub fn run(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "get", &mut out) else {
        return out;
    };
    let format = match parse_output(
        p.value("output"),
        p.value("template"),
        env.files,
        GET_FORMATS,
    ) {
        Ok(f) => f,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    let all_ns = p.bool("all-namespaces");
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(selector) = crate::args::selector_into(&p, &mut out) else {
        return out;
    };
    if p.positionals.is_empty() {
        out.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return out;
    }
    // Targets: (kind, names). `TYPE NAME...`, `TYPE/NAME...`, `T1,T2`, `all`.
    let mut groups: Vec<(Kind, Vec<String>)> = Vec::new();
    let mut all = false;
    if p.positionals.iter().all(|a| a.contains('/')) {
        for a in &p.positionals {
            let (t, n) = a.split_once('/').unwrap_or((a, ""));
            let Some(kind) = resource::resolve(t) else {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ));
                return out;
            };
            match groups.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(n.to_string()),
                None => groups.push((kind, vec![n.to_string()])),
            }
        }
    } else {
        let types = &p.positionals[0];
        for t in types.split(',') {
            if t == "all" {
                all = true;
                for k in resource::ALL {
                    groups.push((*k, Vec::new()));
                }
                continue;
            }
            let Some(kind) = resource::resolve(t) else {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ));
                return out;
            };
            groups.push((kind, p.positionals[1..].to_vec()));
        }
        if p.positionals.len() > 1 && (groups.len() > 1 || all) {
            out.err("error: you must specify only one resource");
            return out;
        }
    }
    match p.value("subresource") {
        None | Some("status") => {}
        Some("scale") => return get_scale(c, &groups, &ns, &format, out),
        Some(other) => {
            out.err(format!(
                "error: invalid subresource value: \"{other}\". Must be one of [status scale]"
            ));
            return out;
        }
    }
    let label_columns: Vec<String> = p
        .values("label-columns")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if p.bool("watch") || p.bool("watch-only") {
        if p.value("sort-by").is_some_and(|f| !f.is_empty()) {
            out.note(
                "warning: --watch requested, --sort-by will be ignored for watch events received",
            );
        }
        let (kind, names) = groups[0].clone();
        let mut w = Watch {
            kind,
            namespace: if all_ns || !kind.namespaced() {
                None
            } else {
                Some(ns.clone())
            },
            selector: selector.clone(),
            names,
            wide: format == Format::Wide,
            show_labels: p.bool("show-labels"),
            label_columns: label_columns.clone(),
            name_only: format == Format::Name,
            rv: c.resource_version(),
            table: Table::default(),
        };
        if !p.bool("watch-only") {
            let mut objs: Vec<Object> = c
                .list(kind, None)
                .into_iter()
                .map(|o| (*o).clone())
                .filter(|o| w.matches(o))
                .collect();
            if let Some(field) = p.value("sort-by").filter(|f| !f.is_empty()) {
                let mut keyed: Vec<(Value, Object)> =
                    objs.into_iter().map(|o| (o.to_value(), o)).collect();
                // As for a table: a field that is nowhere leaves the order as listed.
                let _ = sort::sort_by(field, &mut keyed, true, |k| &k.0);
                objs = keyed.into_iter().map(|k| k.1).collect();
            }
            let mut rows_v = Vec::new();
            if !w.name_only && !p.bool("no-headers") {
                rows_v.push(header(
                    kind,
                    &format,
                    all_ns && kind.namespaced(),
                    &label_columns,
                    p.bool("show-labels"),
                ));
            }
            for o in &objs {
                rows_v.push(w.row(c, o));
            }
            if objs.is_empty() {
                out.note(no_resources(&ns, all_ns, kind));
            } else {
                out.out(w.table.render(&rows_v));
            }
        }
        out.job = Some(Job::Watch(w));
        return out;
    }
    let mut values = Vec::new();
    let mut named: Vec<(Value, Kind, String)> = Vec::new();
    let mut sections = Vec::new();
    let sort_by = p.value("sort-by").filter(|s| !s.is_empty());
    let allow_missing = p
        .value("allow-missing-template-keys")
        .is_none_or(|v| v != "false");
    let mut any = false;
    let infos: usize = groups.iter().map(|(_, n)| n.len().max(1)).sum();
    if let Some(field) = sort_by.filter(|_| matches!(format, Format::Table | Format::Wide)) {
        if infos > 1 {
            // Several tables (types, or names fetched one by one) reach kubectl's sorter before
            // their rows' objects are decoded, so no row has the field.
            let path = custom_columns::relaxed(field).unwrap_or_else(|_| field.to_string());
            out.err(format!(
                "error: couldn't find any field with path {} in the list of objects",
                jsonpath::go_quote(&path)
            ));
            return out;
        }
    }
    for (kind, names) in &groups {
        let kind = *kind;
        let list_ns = if all_ns || !kind.namespaced() {
            None
        } else {
            Some(ns.as_str())
        };
        let mut objs: Vec<Object> = Vec::new();
        if names.is_empty() {
            for o in c.list(kind, list_ns) {
                let labels_ok = selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.meta().labels));
                let fields_ok = p
                    .value("field-selector")
                    .is_none_or(|f| field_matches(f, &o));
                if labels_ok && fields_ok {
                    objs.push((*o).clone());
                }
            }
        } else {
            for n in names {
                match c.get(kind, &ns, n) {
                    Ok(o) => objs.push((*o).clone()),
                    Err(e) if p.bool("ignore-not-found") && e.is_not_found() => {}
                    Err(e) => out.err(errors::render(&e, None)),
                }
            }
        }
        let table_format = matches!(format, Format::Table | Format::Wide);
        if let Some(field) = sort_by.filter(|_| table_format) {
            // kubectl's table sorter; an error leaves the table unprinted, and says nothing.
            let mut keyed: Vec<(Value, Object)> =
                objs.into_iter().map(|o| (o.to_value(), o)).collect();
            match sort::sort_by(field, &mut keyed, true, |k| &k.0) {
                Ok(()) => {}
                Err(sort::SortError::Error(_)) => continue,
                Err(sort::SortError::Fatal { at, message }) => {
                    out.err(crate::dryrun::klog(c, 'F', at, &message));
                    return out;
                }
            }
            objs = keyed.into_iter().map(|k| k.1).collect();
        }
        any |= !objs.is_empty();
        match &format {
            Format::Table | Format::Wide => {
                if objs.is_empty() {
                    continue;
                }
                let prefix = all || groups.len() > 1 || p.bool("show-kind");
                let mut rows_v = Vec::new();
                if !p.bool("no-headers") {
                    rows_v.push(header(
                        kind,
                        &format,
                        all_ns && kind.namespaced(),
                        &label_columns,
                        p.bool("show-labels"),
                    ));
                }
                for o in &objs {
                    let mut r = Vec::new();
                    if all_ns && kind.namespaced() {
                        r.push(o.namespace().to_string());
                    }
                    r.extend(rows::row(c, o, format == Format::Wide, prefix));
                    r.extend(crate::printers::label_cells(o, &label_columns));
                    if p.bool("show-labels") {
                        r.push(rows::labels_cell(o.meta()));
                    }
                    rows_v.push(r);
                }
                sections.push(table::render(&rows_v));
            }
            Format::Name if sort_by.is_some() => {
                named.extend(
                    objs.iter()
                        .map(|o| (o.to_value(), kind, o.name().to_string())),
                );
            }
            Format::Name => {
                for o in &objs {
                    out.out(format!("{}/{}\n", type_prefix(kind), o.name()));
                }
            }
            _ => values.extend(objs.iter().map(|o| o.to_value())),
        }
    }
    if !sections.is_empty() {
        // A blank line between tables, as kubectl writes before each new header.
        out.out(sections.join(if p.bool("no-headers") { "" } else { "\n" }));
    }
    let single = groups.len() == 1 && groups[0].1.len() == 1 && !all;
    if let Some(field) = sort_by {
        let sorted = if single {
            Ok(())
        } else if matches!(format, Format::Name) {
            sort::sort_by(field, &mut named, false, |n| &n.0)
        } else {
            sort::sort_by(field, &mut values, false, |v| v)
        };
        match sorted {
            Ok(()) => {}
            Err(sort::SortError::Error(e)) => {
                out.err(format!("error: {e}"));
                return out;
            }
            Err(sort::SortError::Fatal { at, message }) => {
                out.err(crate::dryrun::klog(c, 'F', at, &message));
                return out;
            }
        }
        for (_, kind, name) in &named {
            out.out(format!("{}/{name}\n", type_prefix(*kind)));
        }
    }
    if let Format::CustomColumns(cols, may_drop_header) = &format {
        let objs: Vec<&Value> = values.iter().collect();
        // An empty list still gets its header line.
        if !objs.is_empty() || !single {
            match custom_columns::render(cols, &objs, *may_drop_header && p.bool("no-headers")) {
                Ok(s) => out.out(s),
                Err((head, e)) => {
                    out.out(head);
                    out.err(format!("error: {e}"));
                    return out;
                }
            }
        }
    } else if !values.is_empty() || !single {
        let v = if single && values.len() == 1 {
            values.remove(0)
        } else {
            yaml::list_value(values)
        };
        if print_value(&format, &v, allow_missing, &mut out).is_some() {
            return out;
        }
    }
    if !any
        && groups.iter().all(|(_, n)| n.is_empty())
        // Only the human-readable printers say so: `-o name` of nothing prints nothing.
        && matches!(format, Format::Table | Format::Wide)
    {
        let kind = groups[0].0;
        out.note(no_resources(&ns, all_ns, kind));
    }
    out
}

/// What an autoscaling/v1 Scale shows of its object.
pub struct Scale {
    meta: ObjectMeta,
    replicas: i32,
    current: i32,
    selector: String,
}

impl Scale {
    /// `scaleFrom…`: the Scale the API server makes of a StatefulSet, Deployment or
    /// ReplicaSet; `None` for a kind without one.
    pub fn of(o: &Object) -> Option<Scale> {
        let (meta, replicas, current, selector) = match o {
            Object::StatefulSet(s) => (
                &s.metadata,
                s.replicas(),
                s.status.replicas,
                &s.spec.selector,
            ),
            Object::Deployment(d) => (
                &d.metadata,
                d.replicas(),
                d.status.replicas,
                &d.spec.selector,
            ),
            Object::ReplicaSet(r) => (
                &r.metadata,
                r.replicas(),
                r.status.replicas,
                &r.spec.selector,
            ),
            _ => return None,
        };
        Some(Scale {
            meta: meta.clone(),
            replicas,
            current,
            selector: crate::describe::selector_string(selector.as_ref()),
        })
    }

    /// The Scale as the API returns it.
    pub fn value(&self) -> Value {
        let m = &self.meta;
        serde_json::json!({
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {
                "creationTimestamp": m.creation_timestamp.map(|t| t.rfc3339()),
                "name": m.name,
                "namespace": m.namespace,
                "resourceVersion": m.resource_version,
                "uid": m.uid,
            },
            "spec": {"replicas": self.replicas},
            "status": {
                "replicas": self.current,
                "selector": self.selector,
            },
        })
    }
}

/// `--subresource=scale`: the autoscaling/v1 Scale the API server makes of a Deployment,
/// ReplicaSet or StatefulSet (`scaleFromStatefulSet`, …), printed with the server's scale
/// columns. (`--subresource=status`
/// needs nothing: the status subresource returns the whole object.)
fn get_scale(
    c: &Cluster,
    groups: &[(Kind, Vec<String>)],
    ns: &str,
    format: &Format,
    mut out: Output,
) -> Output {
    let mut scales = Vec::new();
    for (kind, names) in groups {
        for n in names {
            if !resource::support(*kind).scale {
                out.err("Error from server (NotFound): the server could not find the requested resource");
                continue;
            }
            match c.get(*kind, ns, n) {
                Ok(o) => scales.extend(Scale::of(&o)),
                Err(e) => out.err(errors::render(&e, None)),
            }
        }
    }
    if groups.iter().all(|(_, n)| n.is_empty()) {
        out.err("error: a resource name is required with --subresource");
        return out;
    }
    match format {
        Format::Table | Format::Wide => {
            if scales.is_empty() {
                return out;
            }
            let mut rows_v = vec![vec![
                "NAME".to_string(),
                "DESIRED".into(),
                "AVAILABLE".into(),
                "AGE".into(),
            ]];
            for s in &scales {
                rows_v.push(vec![
                    s.meta.name.clone(),
                    s.replicas.to_string(),
                    s.current.to_string(),
                    rows::age(c.now(), s.meta.creation_timestamp),
                ]);
            }
            out.out(table::render(&rows_v));
        }
        Format::Name => {
            for s in &scales {
                out.out(format!("scale.autoscaling/{}\n", s.meta.name));
            }
        }
        _ => {
            let mut values: Vec<Value> = scales.iter().map(Scale::value).collect();
            let v = if values.len() == 1 {
                values.remove(0)
            } else {
                yaml::list_value(values)
            };
            if let Format::CustomColumns(cols, _) = format {
                match custom_columns::render(cols, &[&v], false) {
                    Ok(s) => out.out(s),
                    Err((head, e)) => {
                        out.out(head);
                        out.err(format!("error: {e}"));
                    }
                }
            } else {
                print_value(format, &v, true, &mut out);
            }
        }
    }
    out
}

fn no_resources(ns: &str, all_ns: bool, kind: Kind) -> String {
    if all_ns || !kind.namespaced() {
        "No resources found".into()
    } else {
        format!("No resources found in {ns} namespace.")
    }
}

/// A table's header: the namespace column, the kind's columns, `-L`'s (each label's last
/// path segment, upper-cased), `--show-labels`' LABELS.
fn header(
    kind: Kind,
    format: &Format,
    ns_col: bool,
    label_columns: &[String],
    labels: bool,
) -> Vec<String> {
    let mut h = Vec::new();
    if ns_col {
        h.push("NAMESPACE".to_string());
    }
    h.extend(
        rows::headers(kind, *format == Format::Wide)
            .into_iter()
            .map(String::from),
    );
    h.extend(
        label_columns
            .iter()
            .map(|l| l.rsplit('/').next().unwrap_or(l).to_uppercase()),
    );
    if labels {
        h.push("LABELS".into());
    }
    h
}

#[cfg(test)]
mod tests {
    use ordinal_sim::Cluster;

    fn kubectl(c: &mut Cluster, line: &str) -> crate::Output {
        crate::run_line(c, line, "")
    }

    // Upstream e2e "should have a working scale subresource", through kubectl: the Scale of a
    // StatefulSet (spec.replicas, status.replicas and the selector) with the server's columns.
    #[test]
    fn scale_subresource() {
        let mut c = Cluster::new(4);
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        let o = kubectl(&mut c, "get sts web --subresource=scale");
        let text = o.stdout();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "NAME   DESIRED   AVAILABLE   AGE");
        assert!(
            lines[1].starts_with("web    2         2           "),
            "{lines:?}"
        );
        kubectl(&mut c, "scale sts web --replicas=1");
        let o = kubectl(
            &mut c,
            "get sts web --subresource=scale -o jsonpath={.kind}/{.spec.replicas}/{.status.replicas}/{.status.selector}",
        );
        assert_eq!(o.stdout(), "Scale/1/2/app=nginx");
        let o = kubectl(&mut c, "get sts web --subresource=bogus");
        assert_eq!(
            o.stderr(),
            "error: invalid subresource value: \"bogus\". Must be one of [status scale]\n"
        );
        let o = kubectl(&mut c, "get sts web --subresource=status");
        assert!(o.stdout().starts_with("NAME   READY   AGE\n"));
    }
}
