//! Tab completion for a terminal line, as kubectl's shell completion offers it: the verbs,
//! resource types after a verb that takes one, and object names (from the cluster) after a type.
//! Plain data in, plain data out, so the web terminal and a REPL can both use it. What each
//! verb takes (subcommands, flags with values, operands) comes from the verb table.

use crate::args::{self, Operands, Sub};
use crate::verbs::{self, Verb};
use ordinal_sim::api::{Kind, KINDS};
use ordinal_sim::Cluster;

/// What completing the last word of a line offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts.
    pub start: usize,
    /// Whole replacement words for `line[start..]`, sorted, without duplicates.
    pub candidates: Vec<String>,
}

/// Completes the last word of `line` (kubectl's view of the learner's terminal).
pub fn complete(c: &Cluster, namespace: &str, line: &str) -> Completion {
    let start = line
        .rfind(|ch: char| ch.is_whitespace() || ch == ';' || ch == '|' || ch == '&')
        .map_or(0, |i| i + 1);
    let word = &line[start..];
    // The words of the current command (after the last `;`, `|`, `&&`).
    let head = &line[..start];
    let cmd_start = head.rfind([';', '|', '&']).map_or(0, |i| i + 1);
    // Shell keywords that can start a command (`for …; do kubectl …`).
    let words: Vec<&str> = head[cmd_start..]
        .split_whitespace()
        .skip_while(|w| matches!(*w, "do" | "then" | "else" | "!" | "{" | "time"))
        .collect();
    let candidates = candidates(c, namespace, &words, word);
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|s| s.starts_with(word))
        .collect();
    ordinal_sim::sort::sort(&mut out);
    out.dedup();
    Completion {
        start,
        candidates: out,
    }
}

fn candidates(c: &Cluster, namespace: &str, words: &[&str], word: &str) -> Vec<String> {
    let Some(program) = words.first() else {
        return [
            "kubectl", "k", "clear", "cat", "ls", "echo", "history", "why",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
    };
    if *program == "why" {
        return why_words(c, namespace, &words[1..], word);
    }
    if *program != "kubectl" && *program != "k" {
        return Vec::new();
    }
    // The operands so far (the verb first), the namespace, and the verb once it is known: its
    // flags (from the verb table) say which words are flag values.
    let mut ns = namespace.to_string();
    let mut operands: Vec<&str> = Vec::new();
    let mut verb: Option<&Verb> = None;
    let mut dash_dash = false;
    let takes_value = |verb: Option<&Verb>, w: &str| match verb {
        Some(v) => v.takes_value(w),
        None => args::takes_value(&[], w),
    };
    let mut i = 1;
    while i < words.len() {
        let w = words[i];
        if w == "--" {
            // Everything after `--` is a command for the container.
            dash_dash = true;
            break;
        }
        if w == "-n" || w == "--namespace" {
            if let Some(v) = words.get(i + 1) {
                ns = v.to_string();
            }
            i += 2;
            continue;
        }
        if let Some(v) = w.strip_prefix("--namespace=") {
            ns = v.to_string();
        } else if takes_value(verb, w) {
            i += 2;
            continue;
        } else if !w.starts_with('-') {
            if operands.is_empty() {
                verb = verbs::find(w);
            }
            operands.push(w);
        }
        i += 1;
    }
    // A flag's value.
    if let Some(prev) = words.last() {
        if *prev == "-n" || *prev == "--namespace" {
            return names(c, Kind::Namespace, namespace);
        }
        if takes_value(verb, prev) {
            return Vec::new();
        }
    }
    if word.starts_with('-') || dash_dash {
        return Vec::new();
    }
    let Some(first) = operands.first() else {
        let mut v = verb_names();
        v.push("help".into());
        return v;
    };
    match verb {
        Some(v) if v.name == *first => {
            operand_words(c, &ns, word, v.subs, v.operands, &operands[1..])
        }
        _ => Vec::new(),
    }
}

/// The kinds the playground's `why` explains.
const WHY_KINDS: [Kind; 5] = [
    Kind::Pod,
    Kind::PersistentVolumeClaim,
    Kind::StatefulSet,
    Kind::Deployment,
    Kind::ReplicaSet,
];

/// `why`'s operands (`POD` or `TYPE/NAME`, any number of them) and its `-n`: a pod's name, or
/// a type word with its slash (`sts/`), then `TYPE/NAME` once the word has the slash. `why`
/// takes no `TYPE NAME` form, so a type is offered with the slash that must follow it.
fn why_words(c: &Cluster, namespace: &str, args: &[&str], word: &str) -> Vec<String> {
    let mut ns = namespace.to_string();
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-n" | "--namespace" => {
                if let Some(v) = args.get(i + 1) {
                    ns = v.to_string();
                }
                i += 1;
            }
            w => {
                if let Some(v) = w.strip_prefix("--namespace=") {
                    ns = v.to_string();
                }
            }
        }
        i += 1;
    }
    if matches!(args.last(), Some(&"-n") | Some(&"--namespace")) {
        return names(c, Kind::Namespace, namespace);
    }
    if word.starts_with('-') {
        return Vec::new();
    }
    if let Some((t, _)) = word.split_once('/') {
        let explained = crate::resource::resolve(t).is_some_and(|k| WHY_KINDS.contains(&k));
        return match explained {
            true => typed_word(c, &ns, word, &WHY_KINDS),
            false => Vec::new(),
        };
    }
    let mut out = names(c, Kind::Pod, &ns);
    out.extend(
        typed_word(c, &ns, word, &WHY_KINDS)
            .into_iter()
            .map(|t| format!("{t}/")),
    );
    out
}

fn verb_names() -> Vec<String> {
    verbs::commands().into_iter().map(String::from).collect()
}

/// What may come after a verb or subcommand with these `subs` and `operands`, given the
/// operands typed after it (`args`).
fn operand_words(
    c: &Cluster,
    ns: &str,
    word: &str,
    subs: &[Sub],
    operands: Operands,
    args: &[&str],
) -> Vec<String> {
    if !subs.is_empty() {
        return match args.split_first() {
            None => subs
                .iter()
                .filter(|s| s.offered)
                .map(|s| s.name.to_string())
                .collect(),
            Some((first, rest)) => match args::find_sub(subs, first) {
                Some(s) => operand_words(c, ns, word, s.subs, s.operands, rest),
                None => Vec::new(),
            },
        };
    }
    match operands {
        Operands::None => Vec::new(),
        Operands::Name(kind) if args.is_empty() => names(c, kind, ns),
        Operands::Name(_) => Vec::new(),
        Operands::Typed => match args.first() {
            None => typed_word(c, ns, word, &Kind::ALL),
            Some(t) if t.contains('/') => Vec::new(),
            Some(t) => match crate::resource::resolve(t) {
                Some(kind) => names(c, kind, ns),
                None => Vec::new(),
            },
        },
        Operands::TypedName(kinds) => match args.first() {
            None => typed_word(c, ns, word, kinds),
            Some(t) if args.len() == 1 && !t.contains('/') => {
                match crate::resource::resolve(t).filter(|k| kinds.contains(k)) {
                    Some(kind) => names(c, kind, ns),
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        },
        Operands::Verbs if args.is_empty() => verb_names(),
        Operands::Verbs => Vec::new(),
    }
}

/// A resource type word, or `type/name` once the word has a slash.
fn typed_word(c: &Cluster, ns: &str, word: &str, kinds: &[Kind]) -> Vec<String> {
    if let Some((t, _)) = word.split_once('/') {
        return match crate::resource::resolve(t) {
            Some(kind) => names(c, kind, ns)
                .into_iter()
                .map(|n| format!("{t}/{n}"))
                .collect(),
            None => Vec::new(),
        };
    }
    KINDS
        .iter()
        .filter(|i| kinds.contains(&i.kind))
        .flat_map(|i| {
            std::iter::once(i.plural.to_string()).chain(i.short_names.iter().map(|s| s.to_string()))
        })
        .chain(std::iter::once("all".to_string()).filter(|_| kinds.len() == Kind::ALL.len()))
        .collect()
}

fn names(c: &Cluster, kind: Kind, ns: &str) -> Vec<String> {
    let ns = kind.namespaced().then_some(ns);
    c.list(kind, ns)
        .iter()
        .map(|o| o.name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(c: &Cluster, line: &str) -> Vec<String> {
        complete(c, "default", line).candidates
    }

    #[test]
    fn verbs_types_and_names() {
        let mut c = Cluster::new(1);
        let applied = c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default");
        assert!(applied.unwrap().iter().all(Result::is_ok));
        c.settle();
        assert_eq!(cands(&c, "kubectl ge"), vec!["get"]);
        assert_eq!(cands(&c, "k sc"), vec!["scale"]);
        assert_eq!(
            cands(&c, "kubectl get st"),
            vec!["statefulsets", "storageclasses", "sts"]
        );
        assert_eq!(cands(&c, "kubectl get pods we"), vec!["web-0", "web-1"]);
        assert_eq!(cands(&c, "kubectl delete pod web-1"), vec!["web-1"]);
        assert_eq!(cands(&c, "kubectl exec -it w"), vec!["web-0", "web-1"]);
        assert_eq!(cands(&c, "kubectl scale sts/"), vec!["sts/web"]);
        assert_eq!(cands(&c, "kubectl rollout status sts "), vec!["web"]);
        assert_eq!(
            cands(&c, "kubectl -n kube-system get po"),
            vec!["po", "pods"]
        );
        assert_eq!(
            cands(&c, "kubectl get nodes kind-w"),
            vec!["kind-worker", "kind-worker2"]
        );
        assert_eq!(cands(&c, "kubectl exec web-0 -- ca"), Vec::<String>::new());
        assert_eq!(cands(&c, "kub"), vec!["kubectl"]);
        let applied = c.apply_yaml(crate::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML, "default");
        assert!(applied.unwrap().iter().all(Result::is_ok));
        assert_eq!(
            cands(&c, "kubectl get deploy"),
            vec!["deploy", "deployments"]
        );
        assert_eq!(cands(&c, "kubectl get rs"), vec!["rs"]);
        assert_eq!(cands(&c, "kubectl get deploy ng"), vec!["nginx-deployment"]);
        assert_eq!(
            cands(&c, "kubectl rollout status "),
            vec!["deploy", "deployments", "statefulsets", "sts"]
        );
        assert_eq!(
            cands(&c, "kubectl rollout undo deploy/"),
            vec!["deploy/nginx-deployment"]
        );
        assert_eq!(cands(&c, "kubectl rollout history sts "), vec!["web"]);
        assert_eq!(
            cands(&c, "kubectl rollout pause "),
            vec!["deploy", "deployments"]
        );
        assert_eq!(
            cands(&c, "kubectl rollout pause sts "),
            Vec::<String>::new()
        );
        assert_eq!(cands(&c, "kubectl create de"), vec!["deployment"]);
        assert_eq!(
            cands(&c, "kubectl scale deployment "),
            vec!["nginx-deployment"]
        );
        let done = complete(&c, "default", "for i in 0 1; do kubectl ex");
        assert_eq!(done.candidates, vec!["exec", "explain", "expose"]);
        assert_eq!(done.start, "for i in 0 1; do kubectl ".len());
    }

    // `why` completes as a command, then its operands: pod names, the types it explains with
    // their slash, and `TYPE/NAME` from the cluster (the namespace `-n` names).
    #[test]
    fn why_completes_like_a_verb() {
        let mut c = Cluster::new(1);
        let applied = c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default");
        assert!(applied.unwrap().iter().all(Result::is_ok));
        c.settle();
        assert_eq!(cands(&c, "wh"), vec!["why"]);
        assert_eq!(cands(&c, "kubectl get pods; wh"), vec!["why"]);
        assert_eq!(
            cands(&c, "why "),
            vec![
                "deploy/",
                "deployments/",
                "persistentvolumeclaims/",
                "po/",
                "pods/",
                "pvc/",
                "replicasets/",
                "rs/",
                "statefulsets/",
                "sts/",
                "web-0",
                "web-1",
            ]
        );
        assert_eq!(cands(&c, "why we"), vec!["web-0", "web-1"]);
        assert_eq!(cands(&c, "why st"), vec!["statefulsets/", "sts/"]);
        assert_eq!(cands(&c, "why sts/"), vec!["sts/web"]);
        assert_eq!(
            cands(&c, "why pvc/www"),
            vec!["pvc/www-web-0", "pvc/www-web-1"]
        );
        assert_eq!(
            cands(&c, "why web-0 pvc/www-web-1 po/web-"),
            vec!["po/web-0", "po/web-1"]
        );
        assert_eq!(cands(&c, "why svc/"), Vec::<String>::new());
        assert_eq!(cands(&c, "why nodes/"), Vec::<String>::new());
        assert_eq!(cands(&c, "why --"), Vec::<String>::new());
        assert_eq!(cands(&c, "why -n kube-s"), vec!["kube-system"]);
        assert_eq!(cands(&c, "why -n kube-system web"), Vec::<String>::new());
        let done = complete(&c, "default", "kubectl get pods && why sts/w");
        assert_eq!(done.candidates, vec!["sts/web"]);
        assert_eq!(done.start, "kubectl get pods && why ".len());
    }
}
