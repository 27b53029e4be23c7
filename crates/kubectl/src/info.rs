//! The verbs that print facts about the playground: version, api-resources, api-versions,
//! cluster-info, config, and what `plugin` and `alpha` find (nothing).

use crate::args::{flag, parse_into, sub, FlagSpec, Operands, Sub};
use crate::output::Output;
use crate::{resource, table, Env};
use ordinal_sim::{Cluster, Kind, KUBERNETES_VERSION};

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

/// The group versions the API server (`ordinal serve`) serves for resources the sim keeps no
/// objects for: the self reviews (`auth can-i`, `auth whoami`) and node leases (`describe
/// node`).
const VIRTUAL_GROUP_VERSIONS: &[&str] = &[
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "coordination.k8s.io/v1",
];

/// `kubectl api-versions`: discovery's group versions, sorted (`metav1.ExtractGroupVersions`,
/// `sort.Strings`).
pub fn api_versions(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = parse_into(args, &[], "api-versions", &mut out) else {
        return out;
    };
    if !p.positionals.is_empty() {
        out.err(format!(
            "error: unexpected arguments: [{}]\nSee 'kubectl api-versions -h' for help and examples",
            p.positionals.join(" ")
        ));
        return out;
    }
    let mut versions: Vec<String> = Kind::ALL
        .iter()
        .map(|k| k.api_version())
        .chain(VIRTUAL_GROUP_VERSIONS.iter().map(|v| v.to_string()))
        .collect();
    ordinal_sim::sort::sort(&mut versions);
    versions.dedup();
    for v in versions {
        out.out(format!("{v}\n"));
    }
    out
}

/// `kubectl alpha`: kubectl v1.33 has no alpha commands (it hides the verb from its help and
/// says so on stderr).
pub fn alpha(_c: &mut Cluster, _args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    out.note("No alpha commands are available in this version of kubectl");
    out
}

/// `kubectl plugin`'s one subcommand.
pub const PLUGIN_SUBCOMMANDS: &[Sub] = &[sub(
    "list",
    &[flag("name-only", None, false)],
    Operands::None,
)];

/// `kubectl plugin` alone: cobra's help on stderr, status 1 (`DefaultSubCommandRun`).
const PLUGIN_HELP: &str = "Provides utilities for interacting with plugins.\n\n Plugins provide extended functionality that is not part of the major command-line distribution. Please refer to the documentation and examples for more information about how write your own plugins.\n\n The easiest way to discover and install plugins is via the kubernetes sub-project krew: [krew.sigs.k8s.io]. To install krew, visit https://krew.sigs.k8s.io/docs/user-guide/setup/install\n\nExamples:\n  # List all available plugins\n  kubectl plugin list\n  \n  # List only binary names of available plugins without paths\n  kubectl plugin list --name-only\n\nAvailable Commands:\n  list          List all visible plugin executables on a user's PATH\n\nUsage:\n  kubectl plugin [flags] [options]\n\nUse \"kubectl plugin <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

/// `kubectl plugin list`: the workstation's PATH holds no `kubectl-*` executables.
pub fn plugin(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    let Some(i) = args.iter().position(|a| !a.starts_with('-')) else {
        if parse_into(args, &[], "plugin", &mut out).is_some() {
            out.err(PLUGIN_HELP);
        }
        return out;
    };
    let mut rest = args.to_vec();
    let word = rest.remove(i);
    if word != "list" {
        // `RequireNoArguments`: the words, joined, as Go's `%q` quotes them.
        let words: Vec<&str> = args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .map(String::as_str)
            .collect();
        out.err(format!(
            "error: unknown command {:?}\nSee 'kubectl plugin -h' for help and examples",
            words.join(" ")
        ));
        return out;
    }
    if parse_into(&rest, PLUGIN_SUBCOMMANDS[0].flags, "plugin list", &mut out).is_none() {
        return out;
    }
    out.err("error: unable to find any kubectl plugins in your PATH");
    out
}

pub fn cluster_info(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    if parse_into(args, &[], "cluster-info", &mut out).is_none() {
        return out;
    }
    out.out("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    out
}

/// `kubectl config`'s subcommands here. Tab completion does not offer them (yet).
pub const CONFIG_SUBCOMMANDS: &[Sub] = &[
    sub("current-context", &[], Operands::None).hidden(),
    sub("get-contexts", CONFIG_GET_CONTEXTS_FLAGS, Operands::None).hidden(),
    sub("view", CONFIG_VIEW_FLAGS, Operands::None).hidden(),
];

/// `config get-contexts`'s flags, as kubectl parses them (the output is the one table).
const CONFIG_GET_CONTEXTS_FLAGS: &[FlagSpec] = &[
    flag("no-headers", None, false),
    flag("output", Some('o'), true),
];

/// `config view`'s flags, as kubectl parses them (the output is the one kubeconfig).
const CONFIG_VIEW_FLAGS: &[FlagSpec] = &[
    flag("allow-missing-template-keys", None, false),
    flag("flatten", None, false),
    flag("merge", None, false),
    flag("minify", None, false),
    flag("output", Some('o'), true),
    flag("raw", None, false),
    flag("show-managed-fields", None, false),
    flag("template", None, true),
];

pub fn config(_c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let names: Vec<&str> = CONFIG_SUBCOMMANDS.iter().map(|s| s.name).collect();
    // The flags of the subcommand named (or of `config` alone) are kubectl's: others are
    // pflag's errors. A subcommand the playground lacks says so below.
    let word = args.iter().find(|a| !a.starts_with('-'));
    let (flags, cmd) = match word.map(|w| crate::args::find_sub(CONFIG_SUBCOMMANDS, w)) {
        Some(Some(s)) => (s.flags, format!("config {}", s.name)),
        None => (&[][..], "config".to_string()),
        Some(None) => (&[][..], String::new()),
    };
    if !cmd.is_empty() && parse_into(args, flags, &cmd, &mut out).is_none() {
        return out;
    }
    match word.map(String::as_str) {
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

#[cfg(test)]
mod tests {
    use crate::run_line;
    use ordinal_sim::{Cluster, Kind};

    /// Every kind's group version and the server's virtual ones, once each, sorted as Go's
    /// `sort.Strings` sorts them (`v1` last: lowercase after the groups' letters).
    #[test]
    fn api_versions_are_discoverys_sorted() {
        let mut c = Cluster::new(1);
        let o = run_line(&mut c, "api-versions", "");
        let text = o.stdout();
        let lines: Vec<&str> = text.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(lines, sorted);
        for k in Kind::ALL {
            assert!(lines.contains(&k.api_version().as_str()), "{k:?}");
        }
        assert_eq!(lines.last(), Some(&"v1"));
        let o = run_line(&mut c, "api-versions extra", "");
        assert_eq!(
            o.stderr(),
            "error: unexpected arguments: [extra]\nSee 'kubectl api-versions -h' for help and examples\n"
        );
    }

    #[test]
    fn alpha_and_plugin_find_nothing() {
        let mut c = Cluster::new(1);
        let o = run_line(&mut c, "alpha", "");
        assert_eq!(
            (o.stdout(), o.stderr(), o.status),
            (
                String::new(),
                "No alpha commands are available in this version of kubectl\n".into(),
                0
            )
        );
        let o = run_line(&mut c, "plugin list --name-only", "");
        assert_eq!(
            o.stderr(),
            "error: unable to find any kubectl plugins in your PATH\n"
        );
        assert_eq!(o.status, 1);
        let o = run_line(&mut c, "plugin foo bar", "");
        assert_eq!(
            o.stderr(),
            "error: unknown command \"foo bar\"\nSee 'kubectl plugin -h' for help and examples\n"
        );
        let o = run_line(&mut c, "plugin", "");
        assert!(o
            .stderr()
            .starts_with("Provides utilities for interacting with plugins.\n"));
        assert_eq!(o.status, 1);
    }
}
