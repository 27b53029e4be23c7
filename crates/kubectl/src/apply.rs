//! `kubectl apply -f`, `kubectl create -f`, and `kubectl create secret|namespace`.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{
    self, DryRun, Print, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE,
};
use crate::output::{Diagnostic, Output, Place};
use crate::{errors, manifests, Env};
use ordinal_sim::api::*;
use ordinal_sim::apply::{parse_manifests, ApplyError, LAST_APPLIED};
use ordinal_sim::{ApiError, Cluster, FieldValidation, Reason};
use std::collections::BTreeMap;

pub const FILE_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("validate", None, false),
    DRY_RUN,
    flag("server-side", None, false),
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
    flag("save-config", None, false),
];

fn read_all(p: &crate::args::Parsed, env: &Env, out: &mut Output) -> Option<Vec<(String, String)>> {
    let files = p.values("filename");
    if files.is_empty() {
        out.err("error: must specify one of -f and -k");
        return None;
    }
    let mut docs = Vec::new();
    for f in files {
        match manifests::read(env.files, &f, env.stdin) {
            Ok(text) => docs.push((f, text)),
            Err(e) => {
                out.err(e);
                return None;
            }
        }
    }
    Some(docs)
}

pub fn apply(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    file_command(c, args, env, true)
}

fn file_command(c: &mut Cluster, args: &[String], env: &Env, is_apply: bool) -> Output {
    let cmd = if is_apply { "apply" } else { "create" };
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FILE_FLAGS, cmd, c, &mut out) else {
        return out;
    };
    let validation = match validation_directive(p.value("validate")) {
        Ok(v) => v,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    let Some(docs) = read_all(&p, env, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let mut seen_warnings = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for (file, text) in docs {
        // kubectl names standard input "STDIN" in its messages.
        let file = if file == "-" {
            "STDIN".to_string()
        } else {
            file
        };
        let objects = match parse_manifests(&text) {
            Ok(o) => o,
            Err(e) => {
                let place = e.line.map_or(Place::File, Place::Line);
                let message = format!("error: error parsing {file}: {}", e.message);
                diagnose(&mut out, &file, place, &message);
                out.err(message);
                continue;
            }
        };
        if objects.is_empty() {
            let message = format!("error: no objects passed to {cmd}");
            diagnose(&mut out, &file, Place::File, &message);
            out.err(message);
            continue;
        }
        for o in objects {
            // `create -f --dry-run=client` sends nothing; `apply` asks what it would do (the
            // live object and the patch) but writes nothing either.
            let (result, warnings) = match (is_apply, dry) {
                (true, DryRun::None) => c.apply_value_with(&o.value, &ns, validation),
                (true, _) => c.dry_run(|c| c.apply_value_with(&o.value, &ns, validation)),
                (false, _) => create_value(c, &o.value, &ns, validation, dry),
            };
            // kubectl's warning writer prints each distinct warning once per invocation.
            for w in warnings {
                if seen_warnings.insert(w.clone()) {
                    let message = format!("Warning: {w}");
                    diagnose(&mut out, &file, Place::File, &message);
                    out.note(message);
                }
            }
            let failure = |error| Failure {
                file: file.clone(),
                doc_line: o.line,
                error,
            };
            match result {
                Ok(a) => {
                    let shown = if dry == DryRun::Client {
                        as_sent(&o.value, &a)
                    } else {
                        a.object.to_value()
                    };
                    print.done(&mut out, dry, a.kind, &a.name, a.action.as_str(), Shown::Unstructured(&shown));
                }
                Err(ApplyError::UnknownKind { name, namespace, api_version, kind }) => failures.push(failure(Refusal::Text(format!(
                    "error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {file:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
                )))),
                Err(ApplyError::Malformed { message }) => failures.push(failure(Refusal::Text(format!("error: error validating {file:?}: {message}")))),
                Err(ApplyError::Api { error, patch: Some(patch), kind, name, .. }) => {
                    // `AddSourceToErr` twice: "patching" inside the patcher, then "applying
                    // patch … to: <info> for:" around it.
                    let info = kind.info();
                    let ns = if kind.namespaced() { ns.as_str() } else { "" };
                    let verb = format!(
                        "applying patch:\n{patch}\nto:\nResource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: {name:?}, Namespace: {ns:?}\nfor:",
                        info.group, info.version, info.plural, info.group, info.version, info.name
                    );
                    let mut inner = error.clone();
                    inner.message = format!("error when patching {file:?}: {}", error.message);
                    failures.push(failure(Refusal::Api(inner, verb)));
                }
                Err(ApplyError::Api { error, creating, .. }) => {
                    let verb = if creating { "creating" } else { "patching" };
                    failures.push(failure(Refusal::Api(error, verb.to_string())));
                }
            }
        }
    }
    // `cmdutil.CheckErr`: one error is shown on its own (an Invalid one by its causes);
    // several are listed one per line, each as `Error from server (Reason): …`.
    let several = failures.len() > 1;
    for f in failures {
        let at = |field: Option<&str>| Place::Object {
            doc_line: f.doc_line,
            field: field.filter(|p| !p.is_empty()).map(str::to_string),
        };
        let (e, verb) = match &f.error {
            Refusal::Text(t) => {
                diagnose(&mut out, &f.file, at(None), t);
                out.err(t.as_str());
                continue;
            }
            Refusal::Api(e, verb) => (e, verb.as_str()),
        };
        let source = Some((verb, f.file.as_str()));
        // The field an error is about, if it names one.
        let field = match e.causes.as_slice() {
            [c] => Some(c.field.as_str()),
            _ => None,
        };
        let text = if several {
            errors::render_standard(e, source)
        } else {
            errors::render(e, source)
        };
        if !several && e.reason == Reason::Invalid && e.causes.len() > 1 {
            // Shown by its causes: one diagnostic each, worded as the error with that cause
            // alone would be.
            for c in &e.causes {
                let alone = ApiError {
                    causes: vec![c.clone()],
                    ..e.clone()
                };
                let message = errors::render(&alone, source);
                diagnose(&mut out, &f.file, at(Some(&c.field)), &message);
            }
        } else {
            diagnose(&mut out, &f.file, at(field), &text);
        }
        out.err(text);
    }
    out
}

/// Notes a message `apply`/`create -f` writes, and its place, as data on the output.
fn diagnose(out: &mut Output, file: &str, place: Place, message: &str) {
    out.diagnostics.push(Diagnostic {
        file: file.to_string(),
        place,
        message: message.trim_end().to_string(),
    });
}

/// An object `apply`/`create -f` could not apply, reported once every object has been tried.
struct Failure {
    file: String,
    /// The line its document starts on.
    doc_line: usize,
    error: Refusal,
}

enum Refusal {
    /// Already in kubectl's words.
    Text(String),
    /// An API error, and the `AddSourceToErr` verb.
    Api(ApiError, String),
}

/// `--validate` (`cmdutil.GetValidationDirective`): `strict` (or true, the default), `warn`,
/// `ignore` (or false); a bare `--validate` means `strict`.
pub fn validation_directive(flag: Option<&str>) -> Result<FieldValidation, String> {
    match flag.unwrap_or("strict") {
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "strict" => Ok(FieldValidation::Strict),
        "0" | "f" | "F" | "FALSE" | "false" | "False" | "ignore" => Ok(FieldValidation::Ignore),
        "warn" => Ok(FieldValidation::Warn),
        other => Err(format!("error: invalid - validate option {other:?}; must be one of: strict (or true), warn, ignore (or false)")),
    }
}

/// What a client dry run prints: the object as kubectl would send it (the file's object in the
/// namespace it goes to, and for `apply` the last-applied annotation it adds), except that an
/// `apply` of an object that exists prints the object as patched.
fn as_sent(manifest: &serde_json::Value, a: &ordinal_sim::apply::Applied) -> serde_json::Value {
    if a.action != ordinal_sim::apply::ApplyAction::Created {
        return a.object.to_value();
    }
    let mut v = manifest.clone();
    if let Some(m) = v
        .get_mut("metadata")
        .and_then(serde_json::Value::as_object_mut)
    {
        if a.kind.namespaced() {
            m.insert("namespace".into(), a.namespace.clone().into());
        }
        let last = a.object.meta().annotations.get(LAST_APPLIED);
        if let Some(last) = last {
            let anns = m
                .entry("annotations")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(anns) = anns.as_object_mut() {
                anns.insert(LAST_APPLIED.into(), last.clone().into());
            }
        }
    }
    v
}

/// `kubectl create -f`: like apply's create path, but an existing object is an error. Returns
/// the server's warnings too. A client dry run sends nothing: the object as read from the file,
/// for a kind the server serves (kubectl still maps the kind to a resource), decoded leniently.
fn create_value(
    c: &mut Cluster,
    v: &serde_json::Value,
    ns: &str,
    validation: FieldValidation,
    dry: DryRun,
) -> (Result<ordinal_sim::apply::Applied, ApplyError>, Vec<String>) {
    let mut warnings = Vec::new();
    let r = create_one(c, v, ns, validation, dry, &mut warnings);
    (r, warnings)
}

fn create_one(
    c: &mut Cluster,
    v: &serde_json::Value,
    ns: &str,
    validation: FieldValidation,
    dry: DryRun,
    warnings: &mut Vec<String>,
) -> Result<ordinal_sim::apply::Applied, ApplyError> {
    let api_version = v
        .get("apiVersion")
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    let kind_name = v
        .get("kind")
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    let name = v
        .pointer("/metadata/name")
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    let Some(kind) = Kind::from_type_meta(&api_version, &kind_name) else {
        return Err(ApplyError::UnknownKind {
            name,
            namespace: String::new(),
            api_version,
            kind: kind_name,
        });
    };
    let ns_in = v
        .pointer("/metadata/namespace")
        .and_then(|x| x.as_str())
        .unwrap_or(ns)
        .to_string();
    let validation = match dry {
        DryRun::Client => FieldValidation::Ignore,
        DryRun::None | DryRun::Server => validation,
    };
    let (mut obj, w) =
        Object::decode_body(kind, v.clone(), validation).map_err(|error| ApplyError::Api {
            kind,
            name: name.clone(),
            creating: true,
            error,
            patch: None,
        })?;
    warnings.extend(w);
    if kind.namespaced() {
        obj.meta_mut().namespace = ns_in.clone();
    }
    let sent = match dry {
        DryRun::Client => Ok(std::sync::Arc::new(obj)),
        DryRun::None | DryRun::Server => dry.send(c, |c| c.create(obj)),
    };
    match sent {
        Ok(o) => Ok(ordinal_sim::apply::Applied {
            kind,
            namespace: ns_in,
            name: o.name().to_string(),
            action: ordinal_sim::apply::ApplyAction::Created,
            object: o,
        }),
        Err(error) => Err(ApplyError::Api {
            kind,
            name,
            creating: true,
            error,
            patch: None,
        }),
    }
}

pub const SECRET_FLAGS: &[FlagSpec] = &[
    flag("docker-server", None, true),
    flag("docker-username", None, true),
    flag("docker-password", None, true),
    flag("docker-email", None, true),
    flag("from-literal", None, true),
    flag("from-file", None, true),
    flag("type", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// `kubectl create namespace`'s flags.
pub const NAMESPACE_FLAGS: &[FlagSpec] = &[DRY_RUN, OUTPUT, TEMPLATE, ALLOW_MISSING_TEMPLATE_KEYS];

pub fn create(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let args = &dryrun::bare_flag(args);
    let first = args.iter().find(|a| !a.starts_with('-')).cloned();
    match first.as_deref() {
        Some("secret") => create_secret(c, args, env),
        Some("namespace") | Some("ns") => create_namespace(c, args),
        Some("deployment") | Some("deploy") => crate::deployment::create(c, args, env),
        _ => file_command(c, args, env, false),
    }
}

fn create_namespace(c: &mut Cluster, args: &[String]) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, NAMESPACE_FLAGS, "create namespace", &mut out)
    else {
        return out;
    };
    let Some(name) = p.positionals.get(1) else {
        out.err("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples");
        return out;
    };
    let Some((dry, print)) = dryrun::flags(&p, c, &mut out) else {
        return out;
    };
    let ns = Namespace {
        metadata: ObjectMeta {
            name: name.clone(),
            ..Default::default()
        },
        spec: serde_json::json!({}),
        status: serde_json::json!({}),
    };
    send_built(c, ns.into(), dry, &print, &mut out);
    out
}

/// Creates an object `kubectl create SUBCOMMAND` built and prints it.
fn send_built(c: &mut Cluster, obj: Object, dry: DryRun, print: &Print, out: &mut Output) {
    let (kind, name) = (obj.kind(), obj.name().to_string());
    if let Some(shown) = dryrun::create_built(c, obj, dry, out) {
        print.done(out, dry, kind, &name, "created", Shown::Typed(&shown));
    }
}

/// `addKeyFromLiteralToSecret`: kubectl checks each key before sending the Secret.
fn add_secret_key(secret: &mut Secret, key: &str, value: &[u8]) -> Result<(), String> {
    let errs = ordinal_sim::admission::config_map_key(key);
    if !errs.is_empty() {
        return Err(format!(
            "error: {key:?} is not valid key name for a Secret {}",
            errs.join(";")
        ));
    }
    if secret.data.contains_key(key) {
        return Err(format!(
            "error: cannot add key {key}, another key by that name already exists"
        ));
    }
    secret
        .data
        .insert(key.to_string(), ordinal_sim::base64::encode(value));
    Ok(())
}

fn create_secret(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, SECRET_FLAGS, "create secret", &mut out) else {
        return out;
    };
    let sub = p.positionals.get(1).map(String::as_str);
    let Some(name) = p.positionals.get(2).cloned() else {
        out.err(format!("error: exactly one NAME is required, got 0\nSee 'kubectl create secret {} -h' for help and examples", sub.unwrap_or("generic")));
        return out;
    };
    let Some((dry, print)) = dryrun::flags(&p, c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    // kubectl sets the namespace in the object only when it was given (`EnforceNamespace`);
    // the request goes to the namespace either way.
    let mut secret = Secret {
        metadata: ObjectMeta::named(p.value("namespace").unwrap_or(""), &name),
        ..Default::default()
    };
    match sub {
        Some("docker-registry") => {
            let (user, pass) = (p.value("docker-username"), p.value("docker-password"));
            let (Some(user), Some(pass)) = (user, pass) else {
                out.err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
                return out;
            };
            let server = p
                .value("docker-server")
                .unwrap_or("https://index.docker.io/v1/");
            let auth = ordinal_sim::base64::encode(format!("{user}:{pass}").as_bytes());
            // `json.Marshal` of kubectl's DockerConfigJSON: the entry's fields in struct order.
            let q = dryrun::go_string;
            let email = p
                .value("docker-email")
                .map(|e| format!(",\"email\":{}", q(e)))
                .unwrap_or_default();
            let cfg = format!(
                "{{\"auths\":{{{}:{{\"username\":{},\"password\":{}{email},\"auth\":{}}}}}}}",
                q(server),
                q(user),
                q(pass),
                q(&auth)
            );
            secret.type_ = Some("kubernetes.io/dockerconfigjson".into());
            secret.data = BTreeMap::from([(
                ".dockerconfigjson".to_string(),
                ordinal_sim::base64::encode(cfg.as_bytes()),
            )]);
        }
        Some("generic") => {
            for lit in p.values("from-literal") {
                let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                    out.err(format!(
                        "error: invalid literal source {lit}, expected key=value"
                    ));
                    return out;
                };
                if let Err(e) = add_secret_key(&mut secret, k, v.as_bytes()) {
                    out.err(e);
                    return out;
                }
            }
            for f in p.values("from-file") {
                let (key, path) = f
                    .split_once('=')
                    .map(|(k, p)| (k.to_string(), p.to_string()))
                    .unwrap_or_else(|| (f.rsplit('/').next().unwrap_or(&f).to_string(), f.clone()));
                match env.files.read(&path) {
                    Ok(content) => {
                        if let Err(e) = add_secret_key(&mut secret, &key, content.as_bytes()) {
                            out.err(e);
                            return out;
                        }
                    }
                    Err(_) => {
                        out.err(format!(
                            "error: error reading {path}: no such file or directory"
                        ));
                        return out;
                    }
                }
            }
            secret.type_ = p.value("type").map(String::from);
        }
        _ => {
            out.err("error: unknown secret type; use one of: docker-registry, generic\nSee 'kubectl create secret -h' for help and examples");
            return out;
        }
    }
    let mut obj: Object = secret.into();
    if dry != DryRun::Client {
        obj.meta_mut().namespace = ns;
    }
    send_built(c, obj, dry, &print, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(c: &mut Cluster, line: &str, stdin: &str) -> Output {
        crate::run_line(c, line, stdin)
    }

    fn kubectl(c: &mut Cluster, line: &str, stdin: &str) -> (String, String) {
        let out = run(c, line, stdin);
        (out.stdout(), out.stderr())
    }

    const TYPO: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  app: x\nspec:\n  ports:\n  - port: 80\n";

    #[test]
    fn a_warning_is_printed_once_per_command() {
        let mut c = Cluster::new(1);
        let two = format!("{TYPO}---\n{}", TYPO.replace("name: s", "name: t"));
        let (out, err) = kubectl(&mut c, "apply --validate=warn -f -", &two);
        assert_eq!(out, "service/s created\nservice/t created\n");
        assert_eq!(err, "Warning: unknown field \"metadata.app\"\n");
    }

    // One error alone is shown by its causes; several are each `Error from server (Invalid): …`.
    #[test]
    fn several_invalid_objects_are_listed_in_the_standard_form() {
        let mut c = Cluster::new(1);
        let one =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1a\nspec:\n  ports:\n  - port: 80\n";
        let (_, err) = kubectl(&mut c, "apply -f -", one);
        assert!(
            err.starts_with("The Service \"1a\" is invalid: metadata.name: "),
            "{err}"
        );
        let two = format!("{one}---\n{}", one.replace("1a", "2b"));
        let (_, err) = kubectl(&mut c, "apply -f -", &two);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Error from server (Invalid): error when creating \"STDIN\": Service \"1a\" is invalid: metadata.name: "));
        assert!(lines[1].starts_with("Error from server (Invalid): error when creating \"STDIN\": Service \"2b\" is invalid: metadata.name: "));
    }

    fn diagnostics(c: &mut Cluster, line: &str, stdin: &str) -> Vec<(Place, String)> {
        let out = run(c, line, stdin);
        assert!(out.diagnostics.iter().all(|d| d.file == "STDIN"));
        out.diagnostics
            .into_iter()
            .map(|d| (d.place, d.message))
            .collect()
    }

    fn object(doc_line: usize, field: Option<&str>) -> Place {
        Place::Object {
            doc_line,
            field: field.map(String::from),
        }
    }

    // What apply wrote to stderr comes as data too: each message with its document's line and
    // the field the server named, so the editor marks lines without reading the text.
    #[test]
    fn each_message_comes_with_its_place() {
        let mut c = Cluster::new(1);
        let d = diagnostics(&mut c, "apply -f -", "a: 1\nb: c: d\n");
        assert_eq!(d[0].0, Place::Line(2));
        assert!(d[0].1.starts_with(
            "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: "
        ));
        let d = diagnostics(&mut c, "apply -f -", "# nothing\n");
        assert_eq!(
            d,
            [(Place::File, "error: no objects passed to apply".to_string())]
        );
        // Several failures: one message each, at the one field it names.
        let svc =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1a\nspec:\n  ports:\n  - port: 80\n";
        let two = format!("{svc}---\napiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n");
        let d = diagnostics(&mut c, "create -f -", &two);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].0, object(1, Some("metadata.name")));
        assert!(d[0].1.starts_with("Error from server (Invalid): error when creating \"STDIN\": Service \"1a\" is invalid: metadata.name: "));
        assert_eq!(d[1].0, object(9, None));
        assert!(d[1]
            .1
            .starts_with("error: resource mapping not found for name: \"f\""));
        // One failure with several causes: one diagnostic per cause.
        let bad = svc.replace("port: 80", "port: 0\n    targetPort: 0");
        let d = diagnostics(&mut c, "apply -f -", &bad);
        let text = kubectl(&mut c, "apply -f -", &bad).1;
        assert!(
            text.starts_with("The Service \"1a\" is invalid: \n* metadata.name: "),
            "{text}"
        );
        assert!(d.len() > 1, "{d:?}");
        for (place, message) in &d {
            let Place::Object {
                doc_line: 1,
                field: Some(field),
            } = place
            else {
                panic!("{place:?}");
            };
            assert!(message.starts_with(&format!("The Service \"1a\" is invalid: {field}: ")));
            assert!(text.contains(&format!(
                "* {}\n",
                &message["The Service \"1a\" is invalid: ".len()..]
            )));
        }
        // Warnings are said once, about no one place.
        let d = diagnostics(
            &mut c,
            "apply --validate=warn -f -",
            &format!("{TYPO}---\n{TYPO}"),
        );
        assert_eq!(
            d,
            [(
                Place::File,
                "Warning: unknown field \"metadata.app\"".to_string()
            )]
        );
    }

    #[test]
    fn validate_flag_values() {
        assert_eq!(validation_directive(None), Ok(FieldValidation::Strict));
        assert_eq!(
            validation_directive(Some("true")),
            Ok(FieldValidation::Strict)
        );
        assert_eq!(
            validation_directive(Some("warn")),
            Ok(FieldValidation::Warn)
        );
        assert_eq!(
            validation_directive(Some("False")),
            Ok(FieldValidation::Ignore)
        );
        assert_eq!(
            validation_directive(Some("foo")).unwrap_err(),
            "error: invalid - validate option \"foo\"; must be one of: strict (or true), warn, ignore (or false)"
        );
    }

    #[test]
    fn unknown_fields_per_validate_mode() {
        let mut c = Cluster::new(1);
        let (out, err) = kubectl(&mut c, "apply -f -", TYPO);
        assert_eq!(out, "");
        assert_eq!(err, "Error from server (BadRequest): error when creating \"STDIN\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"metadata.app\"\n");
        let (out, err) = kubectl(&mut c, "create -f - --validate=warn", TYPO);
        assert_eq!(out, "service/s created\n");
        assert_eq!(err, "Warning: unknown field \"metadata.app\"\n");
        let (out, err) = kubectl(&mut c, "apply -f - --validate=false", TYPO);
        assert_eq!((out.as_str(), err.as_str()), ("service/s configured\n", ""));
    }

    #[test]
    fn secret_keys_are_checked_before_the_request() {
        let mut c = Cluster::new(1);
        let (_, err) = kubectl(&mut c, "create secret generic s --from-literal=key#1=v", "");
        assert_eq!(err, "error: \"key#1\" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n");
        let (_, err) = kubectl(
            &mut c,
            "create secret generic s --from-literal=a=1 --from-literal=a=2",
            "",
        );
        assert_eq!(
            err,
            "error: cannot add key a, another key by that name already exists\n"
        );
        let (_, err) = kubectl(&mut c, "create secret generic s --from-literal==v", "");
        assert_eq!(
            err,
            "error: invalid literal source =v, expected key=value\n"
        );
        assert!(c.get_as::<Secret>("default", "s").is_none());
    }

    #[test]
    fn label_values_are_checked_before_the_request() {
        let mut c = Cluster::new(1);
        kubectl(
            &mut c,
            "create -f -",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n",
        );
        let (_, err) = kubectl(&mut c, "label svc s a=-x", "");
        assert!(
            err.starts_with("error: invalid label value: \"a=-x\": a valid label must be"),
            "{err}"
        );
        let (_, err) = kubectl(&mut c, "label svc s a=b=c", "");
        assert_eq!(err, "error: invalid label spec: a=b=c\n");
    }
}
