//! `kubectl edit` as kubectl v1.33 does it (`pkg/cmd/edit`, `pkg/cmd/util/editor`), in two
//! steps around the editor: [`begin`] reads the objects and writes the buffer the editor
//! opens (the header comment, then the object, or a `v1` List of several); the caller runs an
//! editor on it (a real process in the CLI, the Manifest panel in the browser) and hands the
//! saved text to [`EditSession::saved`], which does what `EditOptions.Run` does with it: no
//! change, an empty file, a file that fails validation or does not parse (the buffer reopens
//! with the reasons on top), or a strategic merge patch per changed object
//! (`statefulset.apps/web edited`); an object the server refuses reopens the buffer with the
//! server's causes, and saving that unchanged gives up ("Edit cancelled, no valid changes were
//! saved.") with the file kept. [`EditorCommand`] is `editor.go`'s choice of editor.

use crate::args::{flag, FlagSpec, Parsed};
use crate::dryrun::{ALLOW_MISSING_TEMPLATE_KEYS, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::printers::jsonpath::go_quote;
use crate::printers::yaml;
use crate::resource::{resolve, type_prefix};
use crate::{errors, Env};
use ordinal_sim::api::Kind;
use ordinal_sim::apply::{parse_manifests, LAST_APPLIED};
use ordinal_sim::patch::PatchType;
use ordinal_sim::{ApiError, Cluster, FieldValidation, Reason};
use serde_json::{Map, Value};

/// `kubectl edit`'s flags (`NewCmdEdit`: the record, print and filename flags, then its own).
pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("kustomize", Some('k'), true),
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
    flag("show-managed-fields", None, false),
    flag("output-patch", None, false),
    flag("windows-line-endings", None, false),
    flag("save-config", None, false),
    flag("validate", None, false),
    flag("field-manager", None, true),
    flag("subresource", None, true),
    flag("record", None, false),
];

/// What the editor opens first: `editHeader.writeTo` in normal edit mode.
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// How many times one `kubectl edit` opens the editor before the playground stops it (kubectl
/// reopens for as long as each save changes something and fails).
pub const MAX_LAUNCHES: u32 = 100;

/// The temp file's name before its random number (`kubectl-edit-*.yaml`).
pub const TEMP_PREFIX: &str = "kubectl-edit-";

/// `editor.go`'s editor: `KUBE_EDITOR`, else `EDITOR`, else `vi`; a command with spaces is split
/// on them, or handed to the shell (`$SHELL -c`, else `/bin/bash -c`) when it has quotes or a
/// backslash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorCommand {
    pub args: Vec<String>,
    /// Run through the shell: the path is appended to the command line, quoted.
    pub shell: bool,
}

impl EditorCommand {
    /// `defaultEnvEditor`, reading the environment through `env`.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> EditorCommand {
        let editor = ["KUBE_EDITOR", "EDITOR"]
            .iter()
            .filter_map(|k| env(k))
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| "vi".to_string());
        if !editor.contains(' ') {
            return EditorCommand {
                args: vec![editor],
                shell: false,
            };
        }
        if !editor.contains(['"', '\'', '\\']) {
            return EditorCommand {
                args: editor.split(' ').map(str::to_string).collect(),
                shell: false,
            };
        }
        let shell = env("SHELL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/bash".to_string());
        EditorCommand {
            args: vec![shell, "-c".into(), editor],
            shell: true,
        }
    }

    /// The process to start for the file at `path` (`Editor.args`).
    pub fn argv(&self, path: &str) -> Vec<String> {
        let mut args = self.args.clone();
        if self.shell {
            if let Some(last) = args.last_mut() {
                *last = format!("{last} {}", go_quote(path));
            }
        } else {
            args.push(path.to_string());
        }
        args
    }

    /// The editor as kubectl's errors name it.
    pub fn display(&self) -> String {
        self.args.join(" ")
    }
}

/// Why the editor did not run to a clean exit (`Editor.Launch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaunchError {
    /// The command is not on the `PATH` (`exec.ErrNotFound`).
    NotFound,
    /// It could not start, or exited with a failure.
    Failed,
}

/// One object being edited, as read before the editor opened (managed fields cleared).
#[derive(Clone, Debug)]
struct Info {
    kind: Kind,
    namespace: String,
    name: String,
    uid: String,
    value: Value,
}

impl Info {
    /// The resource as kubectl's edit messages name it: `statefulsets.apps`.
    fn resource(&self) -> String {
        let i = self.kind.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }
}

/// `--subresource`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Subresource {
    Status,
    Scale,
    /// One the server does not have.
    Other,
}

/// How the edited objects are printed once patched (`-o`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Printed {
    Message,
    Yaml,
    Json,
}

/// A reason the buffer is reopened (`editReason`).
#[derive(Clone, Debug)]
struct Why {
    head: String,
    other: Vec<String>,
}

/// A `kubectl edit` waiting for its editor: what to open, and what kubectl will do with the
/// text saved.
#[derive(Debug)]
pub struct EditSession {
    buffer: String,
    json: bool,
    /// The first buffer, which an unchanged save is compared with.
    original: String,
    /// The text the last save had, when the buffer was reopened after an error.
    edited: Option<String>,
    contains_error: bool,
    /// `results.file`: the last pass's file, kept while the buffer is reopened.
    file: Option<String>,
    infos: Vec<Info>,
    namespace: String,
    output_patch: bool,
    printed: Printed,
    validation: FieldValidation,
    subresource: Option<Subresource>,
    save_config: bool,
    cause: Option<String>,
    launches: u32,
    /// What kubectl printed before the editor opened (`--record`'s notice).
    notes: Output,
}

/// What became of a save: kubectl's output, and either the buffer to open again or the end of
/// the command.
#[derive(Debug)]
pub struct Next {
    pub out: Output,
    /// The editor opens again (the buffer now says why).
    pub again: Option<EditSession>,
    /// The temp files kubectl removed (`os.Remove`) at this step.
    pub removed: Vec<String>,
}

impl EditSession {
    /// What the editor opens.
    pub fn buffer(&self) -> &str {
        &self.buffer
    }

    /// How many times the editor has closed in this edit (the buffer reopens after a failed
    /// save).
    pub fn pass(&self) -> u32 {
        self.launches
    }

    /// The temp file's extension: `.yaml`, or `.json` with `-o json`.
    pub fn suffix(&self) -> &'static str {
        if self.json {
            ".json"
        } else {
            ".yaml"
        }
    }

    /// The editor could not be run (`LaunchTempFile` failed): kubectl's error, after naming
    /// the last pass's file if one was kept.
    pub fn failed(self, editor: &EditorCommand, why: LaunchError) -> Next {
        let mut out = Output::default();
        preserved(&mut out, self.file.as_deref());
        out.err(match why {
            LaunchError::NotFound => format!(
                "error: unable to launch the editor {}",
                go_quote(&editor.display())
            ),
            LaunchError::Failed => format!(
                "error: there was a problem with the editor {}",
                go_quote(&editor.display())
            ),
        });
        Next {
            out,
            again: None,
            removed: Vec::new(),
        }
    }

    /// The editor exited and the file at `file` holds `edited`: the rest of kubectl's loop,
    /// up to the next launch or the end.
    pub fn saved(mut self, c: &mut Cluster, edited: &str, file: &str) -> Next {
        let mut out = Output::default();
        let mut removed = Vec::new();
        self.launches += 1;
        let previous = self.edited.take();
        if self.contains_error
            && previous
                .as_deref()
                .is_some_and(|p| strip_comments(p) == strip_comments(edited))
        {
            preserved(&mut out, Some(file));
            out.err("error: Edit cancelled, no valid changes were saved.");
            return Next {
                out,
                again: None,
                removed,
            };
        }
        if let Some(f) = self.file.take() {
            removed.push(f);
        }
        let done = |out: Output, removed: Vec<String>| Next {
            out,
            again: None,
            removed,
        };
        if self.validation == FieldValidation::Strict {
            if let Err(e) = validate(&strip_comments(edited)) {
                self.file = Some(file.to_string());
                self.contains_error = true;
                let first = &self.infos[0];
                let why = Why {
                    head: format!(
                        "{} {} was not valid",
                        first.resource(),
                        go_quote(&first.name)
                    ),
                    other: vec![format!(
                        "<nil>: Invalid value: \"The edited file failed validation\": {e}"
                    )],
                };
                out.err(format!(
                    "error: {} {} is invalid",
                    first.resource(),
                    go_quote(&first.name)
                ));
                return self.reopen(out, edited, vec![why], removed);
            }
        }
        if strip_comments(&self.original) == strip_comments(edited) {
            removed.push(file.to_string());
            out.note("Edit cancelled, no changes made.");
            return done(out, removed);
        }
        if !has_lines(edited) {
            removed.push(file.to_string());
            out.note("Edit cancelled, saved file was empty.");
            return done(out, removed);
        }
        self.file = Some(file.to_string());
        let updated = match self.parse(edited) {
            Ok(u) => u,
            Err(e) => {
                self.contains_error = true;
                let why = Why {
                    head: format!("The edited file had a syntax error: {e}"),
                    other: Vec::new(),
                };
                return self.reopen(out, edited, vec![why], removed);
            }
        };
        self.contains_error = false;
        let mut updated = updated;
        for u in &mut updated {
            if let Err(e) = self.require_namespace(u) {
                preserved(&mut out, Some(file));
                out.err(format!("error: {e}"));
                return done(out, removed);
            }
            if self.save_config {
                save_config(&mut u.value);
            }
            crate::set::set_cause(&mut u.value, &self.cause);
        }
        let mut results = Results::default();
        if let Err(e) = self.patch_all(c, &updated, &mut results, &mut out) {
            preserved(&mut out, Some(file));
            out.err(format!("error: {e}"));
            return done(out, removed);
        }
        if results.retryable > 0 {
            out.err(format!(
                "You can run `kubectl replace -f {file}` to try this update again."
            ));
            return done(out, removed);
        }
        if results.notfound > 0 {
            out.err(format!(
                "The edits you made on deleted resources have been saved to {}",
                go_quote(file)
            ));
            return done(out, removed);
        }
        if !results.edit {
            removed.push(file.to_string());
            self.file = None;
            return done(out, removed);
        }
        self.contains_error = true;
        self.reopen(out, edited, results.reasons, removed)
    }

    /// The buffer again: the header with the reasons, then the last save without its comments.
    fn reopen(
        mut self,
        mut out: Output,
        edited: &str,
        reasons: Vec<Why>,
        removed: Vec<String>,
    ) -> Next {
        if self.launches >= MAX_LAUNCHES {
            preserved(&mut out, self.file.as_deref());
            out.err(format!("error: \"kubectl edit\" is not available in this playground for more than {MAX_LAUNCHES} saves in a row that fail: it stops here."));
            return Next {
                out,
                again: None,
                removed,
            };
        }
        let mut buf = String::new();
        if !self.json {
            buf.push_str(&header(&reasons));
        }
        buf.push_str(&manual_strip(edited));
        self.buffer = buf;
        self.edited = Some(edited.to_string());
        Next {
            out,
            again: Some(self),
            removed,
        }
    }

    /// The objects of the saved text, as the resource builder reads a stream named
    /// `edited-file`: the errors it gives are a syntax error's reason.
    fn parse(&self, edited: &str) -> Result<Vec<Info>, String> {
        let docs = parse_manifests(edited)
            .map_err(|e| format!("error parsing edited-file: {}", e.message))?;
        let mut out = Vec::new();
        for d in docs {
            let s = |k: &str| d.value.pointer(k).and_then(Value::as_str).unwrap_or("");
            let (api_version, kind_name) = (s("/apiVersion"), s("/kind"));
            if kind_name.is_empty() {
                return Err(
                    "error validating \"edited-file\": error validating data: kind not set"
                        .to_string(),
                );
            }
            // A Scale (`--subresource=scale`) maps to no resource here, as in kubectl's builder.
            let kind = Kind::from_type_meta(api_version, kind_name);
            let Some(kind) = kind else {
                return Err(format!(
                    "resource mapping not found for name: {} namespace: {} from \"edited-file\": no matches for kind {} in version {}\nensure CRDs are installed first",
                    go_quote(s("/metadata/name")),
                    go_quote(s("/metadata/namespace")),
                    go_quote(kind_name),
                    go_quote(api_version)
                ));
            };
            out.push(Info {
                kind,
                namespace: s("/metadata/namespace").to_string(),
                name: s("/metadata/name").to_string(),
                uid: s("/metadata/uid").to_string(),
                value: d.value.clone(),
            });
        }
        Ok(out)
    }

    /// `resource.RequireNamespace(o.CmdNamespace)`.
    fn require_namespace(&self, u: &mut Info) -> Result<(), String> {
        if !u.kind.namespaced() {
            return Ok(());
        }
        if u.namespace.is_empty() {
            u.namespace = self.namespace.clone();
            if let Some(m) = u.value.get_mut("metadata").and_then(Value::as_object_mut) {
                m.insert("namespace".into(), Value::String(self.namespace.clone()));
            }
            return Ok(());
        }
        if u.namespace != self.namespace {
            return Err(format!(
                "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={}' to perform this operation.",
                go_quote(&u.namespace),
                go_quote(&self.namespace),
                u.namespace
            ));
        }
        Ok(())
    }

    /// `visitToPatch` over every object of the save. As `InfoListVisitor` does, only the last
    /// object's error is returned.
    fn patch_all(
        &self,
        c: &mut Cluster,
        updated: &[Info],
        results: &mut Results,
        out: &mut Output,
    ) -> Result<(), String> {
        let mut last = Ok(());
        for u in updated {
            last = self.patch_one(c, u, results, out);
        }
        last
    }

    fn patch_one(
        &self,
        c: &mut Cluster,
        u: &Info,
        results: &mut Results,
        out: &mut Output,
    ) -> Result<(), String> {
        let Some(original) = self.infos.iter().find(|i| i.uid == u.uid) else {
            return Err(format!(
                "no original object found for &unstructured.Unstructured{{Object:{}}}",
                go_syntax(&u.value)
            ));
        };
        if original.value == u.value {
            self.print(out, u.kind, &u.name, "skipped", &u.value);
            return Ok(());
        }
        let patch = ordinal_sim::patch::two_way(&original.value, &u.value)?;
        let changed = |k: &str| patch.get(k).is_some();
        if changed("apiVersion")
            || changed("kind")
            || changed("managedFields")
            || patch.pointer("/metadata/name").is_some()
        {
            return Err("At least one of apiVersion, kind and name was changed".into());
        }
        if self.output_patch {
            out.out(format!("Patch: {}\n", go_json_compact(&patch)));
        }
        match self.send(c, original, &patch) {
            Ok((patched, warnings)) => {
                for w in warnings {
                    out.note(format!("Warning: {w}"));
                }
                self.print(out, original.kind, &original.name, "edited", &patched);
            }
            Err(e) => {
                let line = results.add_error(&e, original);
                out.err(line);
            }
        }
        Ok(())
    }

    /// The PATCH `kubectl edit` sends (a strategic merge patch, to the subresource if asked).
    fn send(
        &self,
        c: &mut Cluster,
        o: &Info,
        patch: &Value,
    ) -> Result<(Value, Vec<String>), ApiError> {
        let v = self.validation;
        match self.subresource {
            None | Some(Subresource::Scale) | Some(Subresource::Other) => c
                .patch_with(
                    o.kind,
                    &o.namespace,
                    &o.name,
                    PatchType::Strategic,
                    patch,
                    v,
                )
                .map(|(obj, w)| (obj.to_value(), w)),
            Some(Subresource::Status) => {
                let live = c.get(o.kind, &o.namespace, &o.name)?;
                let mut doc = live.to_value();
                ordinal_sim::patch::strategic_merge(&mut doc, patch);
                let (obj, w) = ordinal_sim::patch::decode_patched(
                    o.kind,
                    doc,
                    v,
                    || ordinal_sim::patch::go_format(patch),
                    true,
                )?;
                c.update_status(obj).map(|obj| (obj.to_value(), w))
            }
        }
    }

    /// The printer `-o` chose, with the operation (`edited`, `skipped`).
    fn print(&self, out: &mut Output, kind: Kind, name: &str, operation: &str, v: &Value) {
        match self.printed {
            Printed::Message => {
                out.out(format!("{}/{name} {operation}\n", type_prefix(kind)));
            }
            Printed::Yaml => out.out(yaml::to_yaml(v)),
            Printed::Json => out.out(crate::get::to_json(v)),
        }
    }
}

/// `editResults`: what the patches of one save came to.
#[derive(Default)]
struct Results {
    reasons: Vec<Why>,
    retryable: usize,
    notfound: usize,
    /// An object was refused as invalid: the buffer reopens.
    edit: bool,
}

impl Results {
    /// `editResults.addError`: the line kubectl prints, and what it counts.
    fn add_error(&mut self, e: &ApiError, info: &Info) -> String {
        let resource = info.resource();
        let name = go_quote(&info.name);
        match e.reason {
            Reason::Invalid => {
                self.edit = true;
                self.reasons.push(Why {
                    head: format!("{resource} {name} was not valid"),
                    other: e
                        .causes
                        .iter()
                        .map(|c| format!("{}: {}", c.field, c.message))
                        .collect(),
                });
                format!("error: {resource} {name} is invalid")
            }
            Reason::NotFound => {
                self.notfound += 1;
                format!("error: {resource} {name} could not be found on the server")
            }
            _ => {
                self.retryable += 1;
                format!(
                    "error: {resource} {name} could not be patched: {}",
                    e.message
                )
            }
        }
    }
}

fn not_found_resource() -> ApiError {
    ApiError::new(
        Reason::NotFound,
        "the server could not find the requested resource",
    )
}

/// `preservedFile`: where the changes were kept.
fn preserved(out: &mut Output, file: Option<&str>) {
    if let Some(f) = file {
        out.note(format!(
            "A copy of your changes has been stored to {}",
            go_quote(f)
        ));
    }
}

/// The header with the reasons the buffer reopened (`editHeader.writeTo`).
fn header(reasons: &[Why]) -> String {
    let mut s = HEADER.to_string();
    for r in reasons {
        if r.other.is_empty() {
            s.push_str(&format!("# {}\n", hash_on_line_break(&r.head)));
        } else {
            s.push_str(&format!("# {}:\n", hash_on_line_break(&r.head)));
        }
        for o in &r.other {
            s.push_str(&format!("# * {}\n", hash_on_line_break(o)));
        }
        s.push_str("#\n");
    }
    s
}

/// `hashOnLineBreak`: a `#` after each line break not followed by one.
fn hash_on_line_break(s: &str) -> String {
    let mut r = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    for (i, ch) in s.char_indices() {
        if ch == '\n' && i + 1 < bytes.len() && bytes[i + 1] != b'#' {
            r.push_str("\n# ");
        } else {
            r.push(ch);
        }
    }
    r
}

/// `cmdutil.ManualStrip`: the lines that are not comments (`#!` is kept).
pub fn manual_strip(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('#') && !t.starts_with("#!") {
            continue;
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// `cmdutil.StripComments` as far as comparing goes: a JSON buffer as it is; YAML as the JSON
/// it reads as (its first document), or, if it does not parse, its lines without comments.
#[derive(Debug, PartialEq)]
enum Stripped {
    Text(String),
    Value(Value),
}

fn strip_comments(text: &str) -> Stripped {
    if text.trim_start().starts_with('{') {
        return Stripped::Text(text.to_string());
    }
    match first_document(text) {
        Ok(v) => Stripped::Value(v),
        Err(_) => Stripped::Text(manual_strip(text)),
    }
}

/// The first YAML document of `text` (`null` for none), as `yaml.YAMLToJSON` reads it; its
/// error is go-yaml's own (`yaml: line 19: could not find expected ':'`).
fn first_document(text: &str) -> Result<Value, String> {
    ordinal_sim::apply::read_yaml_document(text).map_err(|e| {
        e.message
            .strip_prefix("error converting YAML to JSON: ")
            .map_or(e.message.clone(), str::to_string)
    })
}

/// The client-side check of `--validate=strict` (`paramVerifyingSchema.ValidateBytes`) against
/// a server that validates fields itself: the text must read as one object with a string
/// `apiVersion` and `kind`.
fn validate(stripped: &Stripped) -> Result<(), String> {
    let v = match stripped {
        Stripped::Value(v) => v.clone(),
        Stripped::Text(t) => {
            if t.trim_start().starts_with('{') {
                serde_json::from_str::<Value>(t).map_err(|e| go_json_error(&e))?
            } else {
                first_document(t)?
            }
        }
    };
    let Value::Object(m) = &v else {
        return Err("invalid object to validate".into());
    };
    let mut errors = Vec::new();
    match m.get("apiVersion") {
        None | Some(Value::Null) => errors.push("apiVersion not set".to_string()),
        Some(Value::String(_)) => {}
        Some(_) => errors.push("apiVersion isn't string type".into()),
    }
    match m.get("kind") {
        None | Some(Value::Null) => errors.push("kind not set".to_string()),
        Some(Value::String(_)) => {}
        Some(_) => errors.push("kind isn't string type".into()),
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(format!("[{}]", errors.join(", "))),
    }
}

/// A JSON syntax error in Go's words, as far as they can be told from serde's.
fn go_json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "unexpected end of JSON input".into()
    } else {
        let s = e.to_string();
        s.split(" at line ").next().unwrap_or(&s).to_string()
    }
}

/// `hasLines`: a line that is neither blank nor a comment.
fn has_lines(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// `--save-config`: the object's configuration as the last-applied annotation
/// (`util.CreateOrUpdateAnnotation`).
fn save_config(v: &mut Value) {
    let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let anns = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !anns.is_object() {
        *anns = Value::Object(Map::new());
    }
    if let Some(a) = anns.as_object_mut() {
        a.remove(LAST_APPLIED);
    }
    let config = serde_json::to_string(v).unwrap_or_default() + "\n";
    if let Some(a) = v
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.insert(LAST_APPLIED.into(), Value::String(config));
    }
}

/// JSON as Go's `json.Marshal` writes a map: compact, keys sorted, HTML characters escaped.
pub fn go_json_compact(v: &Value) -> String {
    match v {
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", crate::dryrun::go_string(k), go_json_compact(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_json_compact).collect::<Vec<_>>().join(",")
        ),
        Value::String(s) => crate::dryrun::go_string(s),
        other => other.to_string(),
    }
}

/// Go's `%#v` of an unstructured object's map.
fn go_syntax(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => go_quote(s),
        Value::Array(a) => format!(
            "[]interface {{}}{{{}}}",
            a.iter().map(go_syntax).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "map[string]interface {{}}{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_syntax(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `kubectl edit`: reads the objects and returns the session to run an editor on (as
/// [`crate::jobs::Job::Edit`]), or kubectl's error.
pub fn edit(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    match begin(c, args, env) {
        Ok(mut s) => {
            let mut out = std::mem::take(&mut s.notes);
            out.job = Some(crate::jobs::Job::Edit(Box::new(s)));
            out
        }
        Err(out) => *out,
    }
}

/// `EditOptions.Complete` and the start of `Run`: the flags, the objects read from the server,
/// and the first buffer.
pub fn begin(c: &mut Cluster, args: &[String], env: &Env) -> Result<EditSession, Box<Output>> {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "edit", &mut out) else {
        return Err(Box::new(out));
    };
    // `--record`'s deprecation notice is printed as the flags are parsed.
    let cause = crate::set::record(&p, "edit", &mut out);
    let fail = |mut out: Output, msg: String| {
        out.err(msg);
        Err(Box::new(out))
    };
    let namespace = p.value("namespace").unwrap_or(env.namespace).to_string();
    let explicit_ns = p.has("namespace");
    // Any other subresource is the server's 404 when the object is read.
    let subresource = match p.value("subresource") {
        None | Some("") => None,
        Some("status") => Some(Subresource::Status),
        Some("scale") => Some(Subresource::Scale),
        Some(_) => Some(Subresource::Other),
    };
    let targets = match targets(c, &p, &namespace, explicit_ns, env) {
        Ok(t) => t,
        Err(e) => return fail(out, e),
    };
    let validation = match crate::apply::validation_directive(p.value("validate")) {
        Ok(v) => v,
        Err(e) => return fail(out, e),
    };
    // `Run`: the objects, latest from the server.
    let mut infos = Vec::new();
    let mut errors = Vec::new();
    for (kind, ns, name) in targets {
        match read(c, kind, &ns, &name, subresource) {
            Ok(v) => infos.push(Info {
                kind,
                uid: v
                    .pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                namespace: ns,
                name,
                value: v,
            }),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // Each object's error on a line of its own.
        return fail(out, errors.join("\n"));
    }
    if infos.is_empty() {
        return fail(out, "error: edit cancelled, no objects found".into());
    }
    // The editor's printer takes only json or yaml.
    let format = p.value("output").unwrap_or("");
    let (json, printed) = match format.to_ascii_lowercase().as_str() {
        "" => (false, Printed::Message),
        "yaml" => (false, Printed::Yaml),
        "json" => (format == "json", Printed::Json),
        _ => {
            return fail(
                out,
                format!(
                    "error: unable to match a printer suitable for the output format {}, allowed formats are: json,yaml",
                    go_quote(format)
                ),
            )
        }
    };
    let object = if infos.len() == 1 {
        infos[0].value.clone()
    } else {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String("v1".into()));
        m.insert(
            "items".into(),
            Value::Array(infos.iter().map(|i| i.value.clone()).collect()),
        );
        m.insert("kind".into(), Value::String("List".into()));
        m.insert("metadata".into(), Value::Object(Map::new()));
        Value::Object(m)
    };
    let mut buffer = String::new();
    if !json {
        buffer.push_str(HEADER);
    }
    if printed == Printed::Json {
        buffer.push_str(&crate::get::to_json(&object));
    } else {
        buffer.push_str(&yaml::to_yaml(&object));
    }
    if p.bool("windows-line-endings") {
        buffer = buffer.replace('\n', "\r\n");
    }
    Ok(EditSession {
        original: buffer.clone(),
        buffer,
        json,
        edited: None,
        contains_error: false,
        file: None,
        infos,
        namespace,
        output_patch: p.bool("output-patch"),
        printed,
        validation,
        subresource,
        save_config: p.bool("save-config"),
        cause,
        launches: 0,
        notes: out,
    })
}

/// The object as `kubectl edit` reads it (managed fields cleared), or kubectl's error line.
fn read(
    c: &Cluster,
    kind: Kind,
    ns: &str,
    name: &str,
    subresource: Option<Subresource>,
) -> Result<Value, String> {
    let o = c
        .get(kind, ns, name)
        .map_err(|e| errors::render(&e, None))?;
    let mut v = match (subresource, &*o) {
        (Some(Subresource::Scale), obj) => match crate::get::Scale::of(obj) {
            Some(scale) => scale.value(),
            None => return Err(errors::render(&not_found_resource(), None)),
        },
        (Some(Subresource::Other), _) => {
            return Err(errors::render(&not_found_resource(), None));
        }
        (Some(Subresource::Status), _) if !has_status(kind) => {
            return Err(errors::render(&not_found_resource(), None));
        }
        _ => o.to_value(),
    };
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    Ok(v)
}

/// Whether the kind has a `status` subresource.
fn has_status(kind: Kind) -> bool {
    match kind {
        Kind::Pod
        | Kind::Service
        | Kind::StatefulSet
        | Kind::Deployment
        | Kind::ReplicaSet
        | Kind::Node
        | Kind::Namespace
        | Kind::PersistentVolume
        | Kind::PersistentVolumeClaim => true,
        Kind::StorageClass
        | Kind::Secret
        | Kind::ControllerRevision
        | Kind::EndpointSlice
        | Kind::Event => false,
    }
}

/// The objects the arguments and files name (`ResourceTypeOrNameArgs(true, …)`,
/// `FilenameParam`): kind, namespace, name. A type alone is every object of it.
fn targets(
    c: &Cluster,
    p: &Parsed,
    ns: &str,
    explicit_ns: bool,
    env: &Env,
) -> Result<Vec<(Kind, String, String)>, String> {
    let files = p.values("filename");
    let args = &p.positionals;
    if files.is_empty() && args.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let mut t = Vec::new();
    let in_ns = |k: Kind, n: &str| {
        (
            k,
            if k.namespaced() {
                ns.to_string()
            } else {
                String::new()
            },
            n.to_string(),
        )
    };
    let slashed = args.iter().filter(|a| a.contains('/')).count();
    if !files.is_empty() && !args.is_empty() {
        // The builder's `visitByPaths`, after `FilenameParam` found each path: resource
        // arguments (types, with or without names) and `TYPE/NAME` tuples are refused.
        for f in &files {
            crate::manifests::read(env.files, f, env.stdin)?;
        }
        if slashed == 0 {
            return Err("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well".into());
        }
        if slashed == args.len() {
            return Err(
                "error: resource/name arguments cannot be provided when a path is specified".into(),
            );
        }
    }
    if slashed > 0 && slashed < args.len() {
        return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
    }
    let kind_of = |ty: &str| {
        resolve(ty).ok_or_else(|| {
            format!(
                "error: the server doesn't have a resource type {}",
                go_quote(ty)
            )
        })
    };
    if slashed > 0 {
        for a in args {
            let (ty, name) = a.split_once('/').unwrap_or((a, ""));
            let k = kind_of(ty)?;
            if name.is_empty() {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .to_string(),
                );
            }
            t.push(in_ns(k, name));
        }
    } else if let Some(first) = args.first() {
        let mut kinds = Vec::new();
        for ty in first.split(',') {
            kinds.push(kind_of(ty)?);
        }
        if args.len() == 1 {
            for k in kinds {
                for o in c.list(k, k.namespaced().then_some(ns)) {
                    t.push(in_ns(k, o.name()));
                }
            }
        } else {
            for k in kinds {
                for n in &args[1..] {
                    t.push(in_ns(k, n));
                }
            }
        }
    }
    for f in files {
        let text = crate::manifests::read(env.files, &f, env.stdin)?;
        let docs = parse_manifests(&text)
            .map_err(|e| format!("error: error parsing {f}: {}", e.message))?;
        for d in docs {
            let s = |k: &str| d.value.pointer(k).and_then(Value::as_str).unwrap_or("");
            let Some(kind) = Kind::from_type_meta(s("/apiVersion"), s("/kind")) else {
                return Err(format!(
                    "error: resource mapping not found for name: {} namespace: {} from {}: no matches for kind {} in version {}\nensure CRDs are installed first",
                    go_quote(s("/metadata/name")),
                    go_quote(s("/metadata/namespace")),
                    go_quote(&f),
                    go_quote(s("/kind")),
                    go_quote(s("/apiVersion"))
                ));
            };
            let file_ns = s("/metadata/namespace");
            let obj_ns = if !kind.namespaced() {
                String::new()
            } else if file_ns.is_empty() {
                ns.to_string()
            } else if explicit_ns && file_ns != ns {
                return Err(format!("error: the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={}' to perform this operation.", go_quote(file_ns), go_quote(ns), file_ns));
            } else {
                file_ns.to_string()
            };
            t.push((kind, obj_ns, s("/metadata/name").to_string()));
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::NO_EDITOR;
    use ordinal_sim::api::StatefulSet;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_editor_is_kube_editor_then_editor_then_vi() {
        let e = EditorCommand::from_env(env_of(&[]));
        assert_eq!(e.args, ["vi"]);
        let e = EditorCommand::from_env(env_of(&[("EDITOR", "nano"), ("KUBE_EDITOR", "")]));
        assert_eq!(e.args, ["nano"]);
        let e = EditorCommand::from_env(env_of(&[
            ("EDITOR", "nano"),
            ("KUBE_EDITOR", "sed -i s/a/b/"),
        ]));
        assert_eq!(
            (e.args.clone(), e.shell),
            (vec!["sed".to_string(), "-i".into(), "s/a/b/".into()], false)
        );
        assert_eq!(
            e.argv("/tmp/f.yaml").last().map(String::as_str),
            Some("/tmp/f.yaml")
        );
        // Quotes go to the shell, with the path appended quoted.
        let e = EditorCommand::from_env(env_of(&[
            ("KUBE_EDITOR", "sed -i 's/a/b/'"),
            ("SHELL", "/bin/sh"),
        ]));
        assert!(e.shell);
        assert_eq!(
            e.argv("/tmp/f.yaml"),
            ["/bin/sh", "-c", "sed -i 's/a/b/' \"/tmp/f.yaml\""]
        );
        let e = EditorCommand::from_env(env_of(&[("KUBE_EDITOR", "ed \"x\"")]));
        assert_eq!(e.args[0], "/bin/bash");
        assert_eq!(e.display(), "/bin/bash -c ed \"x\"");
    }

    #[test]
    fn reasons_are_comments_even_across_lines() {
        assert_eq!(hash_on_line_break("a\nb\n#c\n"), "a\n# b\n#c\n");
        let h = header(&[
            Why {
                head: "The edited file had a syntax error: x".into(),
                other: vec![],
            },
            Why {
                head: "statefulsets.apps \"web\" was not valid".into(),
                other: vec![
                    "spec.replicas: Invalid value: -1: must be greater than or equal to 0".into(),
                ],
            },
        ]);
        assert!(h.ends_with("#\n# The edited file had a syntax error: x\n#\n# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"), "{h}");
    }

    #[test]
    fn comments_are_stripped_line_by_line_but_not_shebangs() {
        assert_eq!(manual_strip("# a\nb: 1\n  # c\n#!x\n"), "b: 1\n#!x\n");
        assert!(!has_lines("# only\n\n   \n"));
        assert!(has_lines("# c\na: 1"));
        // YAML compares by what it reads as; a reordering is no change.
        assert_eq!(
            strip_comments("# h\na: 1\nb: 2\n"),
            strip_comments("b: 2\na: 1\n")
        );
        assert_ne!(strip_comments("a: 1\n"), strip_comments("a: 2\n"));
    }

    #[test]
    fn validation_wants_an_object_with_its_type() {
        assert_eq!(
            validate(&strip_comments("")),
            Err("invalid object to validate".into())
        );
        assert_eq!(
            validate(&strip_comments("metadata: {}\n")),
            Err("[apiVersion not set, kind not set]".into())
        );
        assert_eq!(
            validate(&strip_comments("apiVersion: v1\nkind: Pod\n")),
            Ok(())
        );
        let e = validate(&strip_comments("a: b: c\n")).unwrap_err();
        assert!(e.starts_with("yaml: line 1:"), "{e}");
    }

    use crate::session::{MemFiles, Mode, Session};

    fn cluster() -> Cluster {
        let mut c = Cluster::new(1);
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        c
    }

    fn start(c: &mut Cluster, line: &str) -> EditSession {
        let files = MemFiles::default();
        let env = Env {
            namespace: "default",
            files: &files,
            stdin: "",
            interactive_shells: false,
        };
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        match begin(c, &args, &env) {
            Ok(s) => s,
            Err(out) => panic!("{}", out.text()),
        }
    }

    fn replicas(c: &Cluster) -> i32 {
        c.get_as::<StatefulSet>("default", "web")
            .map_or(-9, |s| s.replicas())
    }

    #[test]
    fn the_buffer_is_the_header_then_the_object_and_a_change_is_patched() {
        let mut c = cluster();
        let s = start(&mut c, "sts web");
        assert!(s
            .buffer()
            .starts_with(&format!("{HEADER}apiVersion: apps/v1\nkind: StatefulSet\n")));
        assert_eq!(s.suffix(), ".yaml");
        let edited = s.buffer().replacen("  replicas: 2\n", "  replicas: 3\n", 1);
        let next = s.saved(&mut c, &edited, "/tmp/kubectl-edit-1.yaml");
        assert_eq!(next.out.text(), "statefulset.apps/web edited\n");
        assert_eq!(next.out.status, 0);
        assert!(next.again.is_none());
        assert_eq!(next.removed, ["/tmp/kubectl-edit-1.yaml"]);
        assert_eq!(replicas(&c), 3);
    }

    #[test]
    fn no_change_and_an_empty_file_cancel() {
        let mut c = cluster();
        let s = start(&mut c, "statefulset/web");
        let same = s.buffer().to_string();
        // Comments and key order are no change.
        let next = s.saved(&mut c, &same.replace(HEADER, "# mine\n"), "/tmp/f");
        assert_eq!(
            (next.out.stderr(), next.out.status),
            ("Edit cancelled, no changes made.\n".to_string(), 0)
        );
        // An empty file fails strict validation first (it reads as no object), as with
        // kubectl v1.33; without validation it cancels.
        let s = start(&mut c, "sts web");
        let next = s.saved(&mut c, "", "/tmp/f");
        assert_eq!(
            next.out.stderr(),
            "error: statefulsets.apps \"web\" is invalid\n"
        );
        assert!(next.again.expect("reopened").buffer().contains(
            "# * <nil>: Invalid value: \"The edited file failed validation\": invalid object to validate\n"
        ));
        let s = start(&mut c, "sts web --validate=false");
        let next = s.saved(&mut c, "# nothing\n", "/tmp/f");
        assert_eq!(next.out.stderr(), "Edit cancelled, saved file was empty.\n");
        assert_eq!(replicas(&c), 2);
    }

    #[test]
    fn an_invalid_object_reopens_with_the_causes_and_an_unchanged_save_gives_up() {
        let mut c = cluster();
        let s = start(&mut c, "sts web --output-patch");
        let edited = s
            .buffer()
            .replacen("  replicas: 2\n", "  replicas: -1\n", 1);
        let next = s.saved(&mut c, &edited, "/tmp/a.yaml");
        assert_eq!(next.out.stdout(), "Patch: {\"spec\":{\"replicas\":-1}}\n");
        assert_eq!(
            next.out.stderr(),
            "error: statefulsets.apps \"web\" is invalid\n"
        );
        let again = next.again.expect("reopened");
        let why = "#\n# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\napiVersion: apps/v1\n";
        assert!(
            again
                .buffer()
                .starts_with(&format!("{}{}", HEADER.trim_end_matches("#\n"), why)),
            "{}",
            again.buffer()
        );
        assert!(again.buffer().contains("  replicas: -1\n"));
        // The file as reopened, saved again: nothing valid was saved.
        let same = again.buffer().to_string();
        let next = again.saved(&mut c, &same, "/tmp/b.yaml");
        assert_eq!(
            next.out.stderr(),
            "A copy of your changes has been stored to \"/tmp/b.yaml\"\nerror: Edit cancelled, no valid changes were saved.\n"
        );
        assert_eq!(next.out.status, 1);
        assert!(next.again.is_none());
        assert_eq!(replicas(&c), 2);
    }

    #[test]
    fn a_fixed_reopened_file_is_saved_and_the_earlier_file_removed() {
        let mut c = cluster();
        let s = start(&mut c, "sts web");
        let bad = s
            .buffer()
            .replacen("  replicas: 2\n", "  replicas: -1\n", 1);
        let again = s
            .saved(&mut c, &bad, "/tmp/a.yaml")
            .again
            .expect("reopened");
        let fixed = again
            .buffer()
            .replacen("  replicas: -1\n", "  replicas: 4\n", 1);
        let next = again.saved(&mut c, &fixed, "/tmp/b.yaml");
        assert_eq!(
            (next.out.text(), next.out.status),
            ("statefulset.apps/web edited\n".to_string(), 0)
        );
        assert_eq!(next.removed, ["/tmp/a.yaml", "/tmp/b.yaml"]);
        assert_eq!(replicas(&c), 4);
    }

    #[test]
    fn syntax_errors_reopen_and_a_renamed_object_is_refused() {
        let mut c = cluster();
        // Without client-side validation the resource builder finds the YAML error.
        let s = start(&mut c, "sts web --validate=ignore");
        let broken = s
            .buffer()
            .replace("  replicas: 2\n", "  replicas 2\n  x: [\n");
        let next = s.saved(&mut c, &broken, "/tmp/a.yaml");
        assert_eq!(next.out.text(), "");
        let again = next.again.expect("reopened");
        assert!(again.buffer().contains("# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: yaml: line "), "{}", again.buffer());
        // With it (the default), the error is validation's.
        let s = start(&mut c, "sts web");
        let next = s.saved(&mut c, &broken, "/tmp/a.yaml");
        assert_eq!(
            next.out.stderr(),
            "error: statefulsets.apps \"web\" is invalid\n"
        );
        assert!(next.again.expect("reopened").buffer().contains(
            "# * <nil>: Invalid value: \"The edited file failed validation\": yaml: line "
        ));
        let s = start(&mut c, "sts web");
        let renamed = s
            .buffer()
            .replace("  name: web\n  namespace", "  name: web2\n  namespace");
        let next = s.saved(&mut c, &renamed, "/tmp/r.yaml");
        assert_eq!(
            next.out.stderr(),
            "A copy of your changes has been stored to \"/tmp/r.yaml\"\nerror: At least one of apiVersion, kind and name was changed\n"
        );
        assert!(c.get_as::<StatefulSet>("default", "web2").is_none());
    }

    #[test]
    fn several_objects_are_one_list_and_json_has_no_header() {
        let mut c = cluster();
        let s = start(&mut c, "pods");
        assert!(s.buffer().starts_with(&format!(
            "{HEADER}apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n"
        )));
        assert!(s.buffer().ends_with("kind: List\nmetadata: {}\n"));
        let unchanged = s.buffer().to_string();
        assert_eq!(
            s.saved(&mut c, &unchanged, "/f").out.stderr(),
            "Edit cancelled, no changes made.\n"
        );
        let s = start(&mut c, "sts web -o json");
        assert!(s
            .buffer()
            .starts_with("{\n    \"apiVersion\": \"apps/v1\",\n"));
        assert_eq!(s.suffix(), ".json");
        let edited = s.buffer().replace("\"replicas\": 2,", "\"replicas\": 1,");
        let next = s.saved(&mut c, &edited, "/f.json");
        assert!(
            next.out
                .stdout()
                .starts_with("{\n    \"apiVersion\": \"apps/v1\","),
            "{}",
            next.out.text()
        );
        assert_eq!(replicas(&c), 1);
    }

    #[test]
    fn a_missing_object_and_a_wrong_format_are_kubectls_errors() {
        let mut c = cluster();
        let out = crate::run_line(&mut c, "edit sts nope", "");
        assert_eq!(
            out.stderr(),
            "Error from server (NotFound): statefulsets.apps \"nope\" not found\n"
        );
        let out = crate::run_line(&mut c, "edit sts web -o wide", "");
        assert_eq!(out.stderr(), "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: json,yaml\n");
        let out = crate::run_line(&mut c, "edit secrets", "");
        assert_eq!(out.stderr(), "error: edit cancelled, no objects found\n");
        assert!(crate::run_line(&mut c, "edit sts web", "").job.is_some());
    }

    /// `-f` with resource arguments: the builder's errors, after the files are found
    /// (checked against kubectl v1.33).
    #[test]
    fn a_file_and_resource_arguments_together_are_refused() {
        let mut c = cluster();
        let mut s = Session::new(Box::new(MemFiles::default()));
        s.input(
            &mut c,
            "kubectl get sts web -o yaml > web.yaml",
            Mode::Script,
        );
        let rv = c.resource_version();
        let mut run = |line: &str| s.input(&mut c, line, Mode::Script).text();
        let paths = "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n";
        assert_eq!(run("kubectl edit -f web.yaml sts web"), paths);
        assert_eq!(run("kubectl edit sts web -f web.yaml"), paths);
        assert_eq!(run("kubectl edit -f web.yaml sts"), paths);
        assert_eq!(
            run("kubectl edit -f web.yaml sts/web"),
            "error: resource/name arguments cannot be provided when a path is specified\n"
        );
        assert_eq!(
            run("kubectl edit -f nope.yaml sts web"),
            "error: the path \"nope.yaml\" does not exist\n"
        );
        assert_eq!(c.resource_version(), rv);
    }

    #[test]
    fn a_browser_terminal_edit_waits_for_the_editor_and_keeps_a_failed_file() {
        let mut c = cluster();
        let mut s = Session::new(Box::new(MemFiles::default()));
        let out = s.input(&mut c, "kubectl edit sts web", Mode::Interactive);
        assert_eq!(out.text(), "");
        assert!(s.busy());
        let buffer = s.editing().expect("editing").buffer().to_string();
        let bad = buffer.replacen("  replicas: 2\n", "  replicas: -1\n", 1);
        let out = s.finish_edit(&mut c, Some(&bad));
        assert_eq!(
            out.stderr(),
            "error: statefulsets.apps \"web\" is invalid\n"
        );
        assert!(s.busy(), "reopened");
        // Cancel: the editor quits without saving the reopened file.
        let out = s.finish_edit(&mut c, None);
        let text = out.stderr();
        let path = text
            .strip_prefix("A copy of your changes has been stored to \"")
            .and_then(|t| t.split('"').next())
            .expect("a kept file")
            .to_string();
        assert!(
            path.starts_with("/tmp/kubectl-edit-") && path.ends_with(".yaml"),
            "{path}"
        );
        assert!(text.ends_with("error: Edit cancelled, no valid changes were saved.\n"));
        assert!(!s.busy());
        assert!(s
            .files()
            .read(&path)
            .is_ok_and(|t| t.contains("replicas: -1")));
        // The same session names its files the same way again.
        let mut c2 = cluster();
        let mut s2 = Session::new(Box::new(MemFiles::default()));
        s2.input(&mut c2, "kubectl edit sts web", Mode::Interactive);
        s2.finish_edit(&mut c2, Some(&bad));
        let again = s2.finish_edit(&mut c2, None);
        assert_eq!(again.stderr(), text);
        // On a compound line there is no editor to open.
        let out = s.input(
            &mut c,
            "kubectl edit sts web && echo done",
            Mode::Interactive,
        );
        assert_eq!(out.stderr(), format!("{NO_EDITOR}\n"));
    }
}
