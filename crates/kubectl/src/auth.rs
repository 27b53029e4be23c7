//! `kubectl auth can-i` and `kubectl auth whoami` as kind's `kubernetes-admin` sees them: a
//! member of `kubeadm:cluster-admins`, bound to `cluster-admin`, may do everything (what
//! `ordinal serve` answers real kubectl too); `--list` prints the rules of that user.

use crate::args::{flag, sub, FlagSpec, Operands, Sub};
use crate::output::Output;
use crate::Env;
use ordinal_sim::Cluster;

const LIST: FlagSpec = flag("list", None, false);
const QUIET: FlagSpec = flag("quiet", Some('q'), false);
const ALL_NAMESPACES: FlagSpec = flag("all-namespaces", Some('A'), false);
const NO_HEADERS: FlagSpec = flag("no-headers", None, false);
const SUBRESOURCE: FlagSpec = flag("subresource", None, true);
const OUTPUT: FlagSpec = flag("output", Some('o'), true);

pub const CAN_I_FLAGS: &[FlagSpec] = &[LIST, QUIET, ALL_NAMESPACES, NO_HEADERS, SUBRESOURCE];
pub const WHOAMI_FLAGS: &[FlagSpec] = &[OUTPUT];
pub const FLAGS: &[FlagSpec] = &[LIST, QUIET, ALL_NAMESPACES, NO_HEADERS, SUBRESOURCE, OUTPUT];

pub const SUBCOMMANDS: &[Sub] = &[
    sub("can-i", CAN_I_FLAGS, Operands::None),
    sub("reconcile", &[], Operands::None).hidden(),
    sub("whoami", WHOAMI_FLAGS, Operands::None),
];

/// The user kind's kubeconfig names, and its groups.
const USER: &str = "kubernetes-admin";
const GROUPS: &[&str] = &["kubeadm:cluster-admins", "system:authenticated"];

/// `kubectl auth` alone (cobra's help, on stderr, status 1).
const GROUP_HELP: &str = "Inspect authorization.\n\nAvailable Commands:\n  can-i         Check whether an action is allowed\n  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects\n  whoami        Experimental: Check self subject attributes\n\nUsage:\n  kubectl auth [flags] [options]\n\nUse \"kubectl auth <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

pub fn auth(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "auth", &mut out) else {
        return out;
    };
    let Some(word) = p.positionals.first().cloned() else {
        out.err(GROUP_HELP);
        return out;
    };
    let Some(s) = crate::args::find_sub(SUBCOMMANDS, &word) else {
        out.err(format!(
            "error: unknown command \"{word}\"\nSee 'kubectl auth -h' for help and examples"
        ));
        return out;
    };
    for f in FLAGS {
        if p.has(f.long) && !s.flags.iter().any(|o| o.long == f.long) {
            out.err(format!(
                "error: unknown flag: --{}\nSee 'kubectl auth {} --help' for usage.",
                f.long, s.name
            ));
            return out;
        }
    }
    let mut p = p;
    p.positionals.remove(0);
    match s.name {
        "can-i" => can_i(c, &p, env, &mut out),
        "whoami" => whoami(&p, &mut out),
        _ => out.err("error: \"kubectl auth reconcile\" is not available in this playground: it has no RBAC objects to reconcile."),
    }
    out
}

/// The verbs `can-i` knows (`isKnownResourceVerb`).
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];
const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

/// Resource names kubectl accepts without discovery (`nonStandardResourceNames`).
const NON_STANDARD: &[&str] = &["users", "groups"];

fn can_i(c: &Cluster, p: &crate::args::Parsed, _env: &Env, out: &mut Output) {
    let _ = c;
    if p.bool("list") {
        if !p.positionals.is_empty() {
            out.err("error: list option must be specified with no arguments");
            return;
        }
        if p.bool("quiet") || p.bool("all-namespaces") || p.has("subresource") {
            out.err("error: -q, -A, --subresource are mutually exclusive with --list");
            return;
        }
        list(p.bool("no-headers"), out);
        return;
    }
    let (verb, resource, name) = match &p.positionals[..] {
        [v, r] => {
            let (r, n) = r.split_once('/').unwrap_or((r, ""));
            (v.clone(), r.to_string(), n.to_string())
        }
        [v, r, n] => (v.clone(), r.clone(), n.clone()),
        _ => {
            out.err("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
            return;
        }
    };
    let mut warnings = String::new();
    let non_resource = p.positionals[1].starts_with('/');
    if non_resource {
        if p.has("subresource") {
            out.err("error: --subresource can not be used with NonResourceURL");
            return;
        }
        if p.positionals.len() == 3 {
            out.err("error: NonResourceURL and ResourceName can not specified together");
            return;
        }
        if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
            warnings.push_str(&format!("Warning: verb '{verb}' is not a known verb\n\n"));
        }
    } else {
        // `resourceFor`: a type the server does not have is a warning, and asked anyway.
        let lower = resource.to_ascii_lowercase();
        let kind = (lower != "*")
            .then(|| crate::resource::resolve(&lower))
            .flatten();
        if lower != "*" && kind.is_none() && !NON_STANDARD.contains(&lower.as_str()) {
            let (r, g) = lower.split_once('.').unwrap_or((&lower, ""));
            if g.is_empty() {
                out.note(format!(
                    "Warning: the server doesn't have a resource type '{r}'\n\n"
                ));
            } else {
                out.note(format!(
                    "Warning: the server doesn't have a resource type '{r}' in group '{g}'\n\n"
                ));
            }
        }
        if !p.bool("all-namespaces") {
            if let Some(k) = kind.filter(|k| !k.namespaced()) {
                let i = k.info();
                if i.group.is_empty() {
                    warnings.push_str(&format!(
                        "Warning: resource '{}' is not namespace scoped\n\n",
                        i.plural
                    ));
                } else {
                    warnings.push_str(&format!(
                        "Warning: resource '{}' is not namespace scoped in group '{}'\n\n",
                        i.plural, i.group
                    ));
                }
            }
            if !RESOURCE_VERBS.contains(&verb.as_str()) {
                warnings.push_str(&format!("Warning: verb '{verb}' is not a known verb\n\n"));
            }
        }
    }
    if p.has("no-headers") {
        out.err("error: --no-headers cannot be set without --list specified");
        return;
    }
    let _ = name;
    if !warnings.is_empty() {
        out.note(warnings.trim_end_matches('\n').to_string() + "\n\n");
    }
    if !p.bool("quiet") {
        out.out("yes\n");
    }
}

/// The rules of kind's admin (`cluster-admin`, and what `system:authenticated` gets from
/// `system:basic-user`, `system:discovery` and `system:public-info-viewer`), as
/// `printAccessRules` sorts and prints them.
const RULES: &[[&str; 4]] = &[
    ["*.*", "[]", "[]", "[*]"],
    ["", "[*]", "[]", "[*]"],
    [
        "selfsubjectreviews.authentication.k8s.io",
        "[]",
        "[]",
        "[create]",
    ],
    [
        "selfsubjectaccessreviews.authorization.k8s.io",
        "[]",
        "[]",
        "[create]",
    ],
    [
        "selfsubjectrulesreviews.authorization.k8s.io",
        "[]",
        "[]",
        "[create]",
    ],
    ["", "[/api/*]", "[]", "[get]"],
    ["", "[/api]", "[]", "[get]"],
    ["", "[/apis/*]", "[]", "[get]"],
    ["", "[/apis]", "[]", "[get]"],
    ["", "[/healthz]", "[]", "[get]"],
    ["", "[/healthz]", "[]", "[get]"],
    ["", "[/livez]", "[]", "[get]"],
    ["", "[/livez]", "[]", "[get]"],
    ["", "[/openapi/*]", "[]", "[get]"],
    ["", "[/openapi]", "[]", "[get]"],
    ["", "[/readyz]", "[]", "[get]"],
    ["", "[/readyz]", "[]", "[get]"],
    ["", "[/version/]", "[]", "[get]"],
    ["", "[/version/]", "[]", "[get]"],
    ["", "[/version]", "[]", "[get]"],
    ["", "[/version]", "[]", "[get]"],
];

fn list(no_headers: bool, out: &mut Output) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(
            ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
                .map(String::from)
                .to_vec(),
        );
    }
    rows.extend(RULES.iter().map(|r| r.map(String::from).to_vec()));
    out.out(crate::table::render(&rows));
}

fn whoami(p: &crate::args::Parsed, out: &mut Output) {
    if !p.positionals.is_empty() {
        out.err(format!(
            "error: unknown command \"{}\" for \"kubectl auth whoami\"",
            p.positionals[0]
        ));
        return;
    }
    let review = serde_json::json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "status": {"userInfo": {"username": USER, "groups": GROUPS}},
    });
    match p.value("output") {
        None | Some("") => {
            out.out(crate::table::render(&[
                vec!["ATTRIBUTE".into(), "VALUE".into()],
                vec!["Username".into(), USER.into()],
                vec!["Groups".into(), format!("[{}]", GROUPS.join(" "))],
            ]));
        }
        Some("yaml") => out.out(crate::printers::yaml::to_yaml(&review)),
        Some("json") => out.out(crate::dryrun::go_json(&review)),
        Some(o) if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let t = o.split_once('=').map(|x| x.1).unwrap_or("");
            match crate::printers::jsonpath::render(t, &review) {
                Ok(s) => out.out(s),
                Err(e) => out.err(format!("error: {e}")),
            }
        }
        Some(o) => out.err(format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml")),
    }
}
