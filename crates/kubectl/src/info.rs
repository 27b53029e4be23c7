//! The verbs that print facts about the playground: version, api-resources, cluster-info,
//! config.

use crate::args::{flag, parse_into, sub, FlagSpec, Operands, Sub};
use crate::output::Output;
use crate::{resource, table, Env};
use ordinal_sim::{Cluster, KUBERNETES_VERSION};

/// The flags of `kubectl version` the playground takes (`-o` is accepted; the text form is
/// what it prints).
pub const VERSION_FLAGS: &[FlagSpec] =
    &[flag("client", None, false), flag("output", Some('o'), true)];

pub fn version(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    // An unknown flag is refused, as kubectl's flag parser does.
    let Some(p) = parse_into(args, VERSION_FLAGS, "version", &mut out) else {
        return out;
    };
    if p.bool("client") {
        out.out(format!(
            "Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.6.0\n"
        ));
    } else {
        out.out(format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.6.0\nServer Version: {KUBERNETES_VERSION}\n"));
    }
    out
}

pub fn api_resources(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    // It takes none of kubectl's flags (filters, output formats): each is refused as unknown
    // rather than ignored.
    if parse_into(args, &[], "api-resources", &mut out).is_none() {
        return out;
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SHORTNAMES".into(),
        "APIVERSION".into(),
        "NAMESPACED".into(),
        "KIND".into(),
    ]];
    rows.extend(resource::api_resources());
    out.out(table::render(&rows));
    out
}

pub fn cluster_info(_c: &mut Cluster, _args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    out.out("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    out
}

/// `kubectl config`'s subcommands here. Tab completion does not offer them (yet).
pub const CONFIG_SUBCOMMANDS: &[Sub] = &[
    sub("current-context", &[], Operands::None).hidden(),
    sub("get-contexts", &[], Operands::None).hidden(),
    sub("view", &[], Operands::None).hidden(),
];

pub fn config(_c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let names: Vec<&str> = CONFIG_SUBCOMMANDS.iter().map(|s| s.name).collect();
    match args.first().map(String::as_str) {
        Some("current-context") => out.out("kind-kind\n"),
        Some("get-contexts") => out.out(table::render(&[
            vec!["CURRENT".into(), "NAME".into(), "CLUSTER".into(), "AUTHINFO".into(), "NAMESPACE".into()],
            vec!["*".into(), "kind-kind".into(), "kind-kind".into(), "kind-kind".into(), if env.namespace == "default" { String::new() } else { env.namespace.to_string() }],
        ])),
        Some("view") => out.out(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"
        ),
        Some(other) => {
            let (last, first) = names.split_last().unwrap_or((&"", &[]));
            out.err(format!("error: \"kubectl config {other}\" is not available in this playground ({} and {last} are)", first.join(", ")))
        }
        None => out.err(format!("error: Required subcommand: one of {}", names.join(", "))),
    }
    out
}
