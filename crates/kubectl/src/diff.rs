//! `kubectl diff -f FILE`: for each object of the files, the live object and the object a
//! server-side dry run of `apply` returns (kubectl's `InfoObject.Live` and `Merged`), each
//! written as kubectl's YAML printer writes it (managed fields dropped, a Secret's data masked)
//! into a LIVE and a MERGED directory, then `diff -u -N LIVE MERGED` over the two. Exit status 1
//! when they differ, 0 when not, and 2 on an error (`cmdutil.CheckDiffErr`).
//!
//! kubectl's directories are `os.MkdirTemp("", "LIVE-*")`, a random number each run, and `diff`
//! prints each file's modification time. Here both are deterministic: the numbers are drawn
//! from the cluster's clock and resource version (a xorshift), and the times are the cluster's
//! clock, to the nanosecond as GNU diff prints them (`2026-01-01 00:06:11.000000000 +0000`).

use crate::args::{flag, FlagSpec};
use crate::output::Output;
use crate::printers::yaml;
use crate::{manifests, udiff, Env};
use ordinal_sim::api::Kind;
use ordinal_sim::apply::{parse_manifests, ApplyError, LAST_APPLIED};
use ordinal_sim::time::Civil;
use ordinal_sim::{Cluster, FieldValidation};
use serde_json::Value;
use std::collections::BTreeMap;

pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
];

pub fn diff(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "diff", &mut out) else {
        // diff's flag errors go through `CheckDiffErr` as usage errors.
        for (_, text) in &mut out.chunks {
            *text = text.replace(
                "See 'kubectl diff --help' for usage.",
                "See 'kubectl diff -h' for help and examples",
            );
        }
        out.status = 2;
        return out;
    };
    let fail = |mut out: Output, message: String| {
        out.err(message);
        out.status = 2;
        out
    };
    let files = p.values("filename");
    if files.is_empty() {
        return fail(
            out,
            "error: must specify one of -f and -k\n\nSee 'kubectl diff -h' for help and examples"
                .into(),
        );
    }
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    // File name → (live, merged), sorted by name as `diff` walks a directory.
    let mut pairs: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut errors = Vec::new();
    for f in files {
        let text = match manifests::read(env.files, &f, env.stdin) {
            Ok(t) => t,
            Err(e) => return fail(out, e),
        };
        let file = if f == "-" { "STDIN".to_string() } else { f };
        let objects = match parse_manifests(&text) {
            Ok(o) => o,
            Err(e) => {
                errors.push(format!("error: error parsing {file}: {}", e.message));
                continue;
            }
        };
        for o in objects {
            let result =
                c.dry_run(|c| c.apply_value_with(&o.value, &ns, FieldValidation::Ignore).0);
            let a = match result {
                Ok(a) => a,
                Err(ApplyError::UnknownKind {
                    name,
                    namespace,
                    api_version,
                    kind,
                }) => {
                    errors.push(format!("error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {file:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"));
                    continue;
                }
                Err(ApplyError::Malformed { message }) => {
                    errors.push(format!("error: error validating {file:?}: {message}"));
                    continue;
                }
                Err(ApplyError::Api { error, .. }) => {
                    errors.push(crate::errors::render(&error, None));
                    continue;
                }
            };
            let live = c
                .get(a.kind, &a.namespace, &a.name)
                .ok()
                .map(|l| l.to_value());
            let mut merged = a.object.to_value();
            // kubectl diff sends the patch without the last-applied annotation.
            let live_last = live
                .as_ref()
                .and_then(|l| l.pointer("/metadata/annotations"))
                .and_then(|m| m.get(LAST_APPLIED))
                .cloned();
            let live_has_annotations = live
                .as_ref()
                .is_some_and(|l| l.pointer("/metadata/annotations").is_some());
            if let Some(meta) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                if let Some(anns) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                    match live_last {
                        Some(l) => {
                            anns.insert(LAST_APPLIED.into(), l);
                        }
                        None => {
                            anns.remove(LAST_APPLIED);
                        }
                    }
                    if anns.is_empty() && !live_has_annotations {
                        meta.remove("annotations");
                    }
                }
            }
            let (live, merged) = mask_secret(a.kind, live, Some(merged));
            let name = object_file(a.kind, &a.namespace, &a.name);
            pairs.insert(name, (printed(live), printed(merged)));
        }
    }
    if !errors.is_empty() {
        return fail(out, errors.join("\n"));
    }
    let (live_dir, merged_dir) = temp_dirs(c);
    let stamp = file_time(c);
    for (name, (live, merged)) in &pairs {
        let hunks = udiff::hunks(live, merged);
        if hunks.is_empty() {
            continue;
        }
        let (l, m) = (format!("{live_dir}/{name}"), format!("{merged_dir}/{name}"));
        out.out(format!(
            "diff -u -N {l} {m}\n--- {l}\t{stamp}\n+++ {m}\t{stamp}\n{hunks}"
        ));
        out.status = 1;
    }
    out
}

/// `InfoObject.Name`: `group.version.Kind.namespace.name` (no group for the core API).
fn object_file(kind: Kind, ns: &str, name: &str) -> String {
    let info = kind.info();
    let ns = if kind.namespaced() { ns } else { "" };
    let group = if info.group.is_empty() {
        String::new()
    } else {
        format!("{}.", info.group)
    };
    format!("{group}{}.{}.{ns}.{name}", info.version, info.name)
}

/// What kubectl's YAML printer writes for an object (managed fields dropped); nothing (no file,
/// which `diff -N` reads as empty) for none, and `null` for the masker's empty Secret.
fn printed(v: Option<Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Null) => "null\n".into(),
        Some(mut v) => {
            if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("managedFields");
            }
            yaml::to_yaml(&v)
        }
    }
}

/// kubectl's `Masker`: a Secret's `data` values become `***`, or `*** (before)` and `***
/// (after)` where the two differ.
fn mask_secret(
    kind: Kind,
    from: Option<Value>,
    to: Option<Value>,
) -> (Option<Value>, Option<Value>) {
    if kind != Kind::Secret {
        return (from, to);
    }
    // The masker's objects are never nil: a Secret that does not exist prints as `null`.
    let (from, to) = (from.or(Some(Value::Null)), to.or(Some(Value::Null)));
    let data = |v: &Option<Value>| -> BTreeMap<String, Value> {
        v.as_ref()
            .and_then(|v| v.get("data"))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let (fd, td) = (data(&from), data(&to));
    let mask = |v: Option<Value>,
                mine: &BTreeMap<String, Value>,
                other: &BTreeMap<String, Value>,
                tag: &str| {
        v.map(|mut v| {
            if let Some(m) = v.get_mut("data").and_then(Value::as_object_mut) {
                for (k, x) in m.iter_mut() {
                    let same = other.get(k).is_none_or(|o| Some(o) == mine.get(k));
                    *x = Value::String(if same {
                        "***".into()
                    } else {
                        format!("*** ({tag})")
                    });
                }
            }
            v
        })
    };
    (mask(from, &fd, &td, "before"), mask(to, &td, &fd, "after"))
}

/// The LIVE and MERGED directories: `/tmp/LIVE-<n>` and `/tmp/MERGED-<m>`, two uint32s as
/// `os.MkdirTemp` draws them, here from the cluster's clock and resource version.
fn temp_dirs(c: &Cluster) -> (String, String) {
    let mut x = c.now().0 ^ (c.resource_version() << 32) ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    };
    (
        format!("/tmp/LIVE-{}", next()),
        format!("/tmp/MERGED-{}", next()),
    )
}

/// A file's modification time as GNU `diff -u` prints it (UTC): the cluster's clock.
fn file_time(c: &Cluster) -> String {
    let now = c.now();
    let t = Civil::of(now);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09} +0000",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        (now.0 % 1000) * 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use crate::output::Output;
    use ordinal_sim::Cluster;

    fn run(c: &mut Cluster, line: &str, stdin: &str) -> Output {
        crate::run_line(c, line, stdin)
    }

    const S1: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1\nstringData:\n  a: \"1\"\n  b: \"2\"\n";

    /// As kubectl v1.33 printed it against `ordinal serve`: the masker's `***`, and `(before)`
    /// and `(after)` for a value that changes; the last-applied annotation left as it was.
    #[test]
    fn a_secret_is_masked() {
        let mut c = Cluster::new(1);
        let new = run(&mut c, "diff -f -", S1);
        assert_eq!(new.status, 1);
        let text = new.stdout();
        let body: Vec<&str> = text.lines().skip(3).collect();
        assert_eq!(
            body[..5],
            [
                "@@ -1 +1,11 @@",
                "-null",
                "+apiVersion: v1",
                "+data:",
                "+  a: '***'"
            ]
        );
        assert_eq!(run(&mut c, "apply -f -", S1).status, 0);
        assert_eq!(run(&mut c, "diff -f -", S1).stdout(), "");
        let changed = S1.replace("b: \"2\"", "b: \"3\"\n  c: \"4\"");
        let out = run(&mut c, "diff -f -", &changed);
        assert_eq!(out.status, 1);
        let text = out.stdout();
        let body: Vec<&str> = text.lines().skip(3).collect();
        assert_eq!(
            body,
            [
                "@@ -1,7 +1,8 @@",
                " apiVersion: v1",
                " data:",
                "   a: '***'",
                "-  b: '*** (before)'",
                "+  b: '*** (after)'",
                "+  c: '***'",
                " kind: Secret",
                " metadata:",
                "   annotations:",
            ]
        );
    }

    /// One object kubectl cannot map: its error, exit status 2, and no diff of the others.
    #[test]
    fn an_error_is_status_two_and_nothing_is_diffed() {
        let mut c = Cluster::new(1);
        let text = format!("apiVersion: v1\nkind: Nope\nmetadata:\n  name: s1\n---\n{S1}");
        let out = run(&mut c, "diff -f -", &text);
        assert_eq!(out.status, 2);
        assert_eq!(out.stdout(), "");
        assert_eq!(out.stderr(), "error: resource mapping not found for name: \"s1\" namespace: \"\" from \"STDIN\": no matches for kind \"Nope\" in version \"v1\"\nensure CRDs are installed first\n");
    }
}
