//! `why`: the playground's own command (not a kubectl verb) that says why an object waits,
//! from the component that holds it. The reasons are the sim's ([`ordinal_sim::why`], one
//! function per kind); this is the command line: operands, `-n`, `--help`, and kubectl's
//! wording for what does not exist.

use crate::errors;
use crate::resource::resolve;
use ordinal_shell::{Chunk, Output, Stream};
use ordinal_sim::{why, Cluster, Kind};

pub const HELP: &str = "\
Say why an object waits, from the component that holds it. This is a command of the
playground, not of kubectl: on a real cluster the same answers are spread over
`kubectl describe`, `kubectl get events` and the controllers' logs.

 * a Pending pod: the scheduler's message, or the claims it waits for and why they wait
 * ContainerCreating: the kubelet's image pulls (progress, back-off) and sandbox
 * a StatefulSet replica not created yet: the controller's rule that holds it
 * Terminating: the grace period left, finalizers, a node that does not answer
 * a Pending claim: WaitForFirstConsumer, no StorageClass, provisioning
 * a StatefulSet, Deployment or ReplicaSet: what its controller waits for

An object that does not wait says so.

Examples:
  why web-1
  why pod/web-1 pvc/www-web-1
  why sts/web
  why deploy/nginx-deployment -n default

Usage:
  why (POD | TYPE/NAME)... [-n NAMESPACE]

  TYPE is pod, persistentvolumeclaim (pvc), statefulset (sts), deployment (deploy) or
  replicaset (rs).
";

fn push(o: &mut Output, stream: Stream, text: String) {
    o.chunks.push(Chunk { stream, text });
}

fn usage_error(o: &mut Output, msg: &str) {
    push(
        o,
        Stream::Err,
        format!("error: {msg}\nSee 'why --help' for usage.\n"),
    );
    o.status = 1;
}

/// `why ARGS…` in namespace `namespace` (unless `-n` names another).
pub fn run(c: &Cluster, args: &[String], namespace: &str) -> Output {
    let mut o = Output::default();
    let mut ns = namespace.to_string();
    let mut targets = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        match a.as_str() {
            "-h" | "--help" => {
                push(&mut o, Stream::Out, HELP.to_string());
                return o;
            }
            "-n" | "--namespace" => match args.get(i) {
                Some(v) => {
                    ns = v.clone();
                    i += 1;
                }
                None => {
                    usage_error(&mut o, &format!("flag needs an argument: {a}"));
                    return o;
                }
            },
            _ if a.starts_with("--namespace=") => ns = a["--namespace=".len()..].to_string(),
            _ if a.starts_with("-n") && a.len() > 2 => ns = a[2..].to_string(),
            _ if a.starts_with('-') && a.len() > 1 => {
                usage_error(&mut o, &format!("unknown flag: {a}"));
                return o;
            }
            _ => targets.push(a.clone()),
        }
    }
    if targets.is_empty() {
        usage_error(
            &mut o,
            "name a pod, or TYPE/NAME of a persistentvolumeclaim, statefulset, deployment or replicaset",
        );
        return o;
    }
    for t in targets {
        let (kind, name) = match t.split_once('/') {
            None => (Some(Kind::Pod), t.as_str()),
            Some((ty, name)) => (resolve(ty), name),
        };
        let Some(kind) = kind else {
            let ty = t.split_once('/').map_or("", |(ty, _)| ty);
            push(
                &mut o,
                Stream::Err,
                format!("error: the server doesn't have a resource type \"{ty}\"\n"),
            );
            o.status = 1;
            continue;
        };
        if name.is_empty() {
            push(
                &mut o,
                Stream::Err,
                "error: arguments in resource/name form must have a single resource and name\n"
                    .into(),
            );
            o.status = 1;
            continue;
        }
        let answer = match kind {
            Kind::Pod => why::pod(c, &ns, name),
            Kind::PersistentVolumeClaim => why::claim(c, &ns, name),
            Kind::StatefulSet => why::stateful_set(c, &ns, name),
            Kind::Deployment => why::deployment(c, &ns, name),
            Kind::ReplicaSet => why::replica_set(c, &ns, name),
            other => {
                push(
                    &mut o,
                    Stream::Err,
                    format!(
                        "error: why explains pods, persistentvolumeclaims, statefulsets, deployments and replicasets, not {}\n",
                        other.resource()
                    ),
                );
                o.status = 1;
                continue;
            }
        };
        match answer {
            Ok(w) => push(&mut o, Stream::Out, w.text()),
            Err(e) => {
                push(
                    &mut o,
                    Stream::Err,
                    format!("{}\n", errors::render(&e, None)),
                );
                o.status = 1;
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(o: &Output) -> (String, String) {
        let pick = |s: Stream| {
            o.chunks
                .iter()
                .filter(|c| c.stream == s)
                .map(|c| c.text.as_str())
                .collect::<String>()
        };
        (pick(Stream::Out), pick(Stream::Err))
    }

    fn why(c: &Cluster, line: &str) -> (String, String, i32) {
        let args: Vec<String> = line.split(' ').map(String::from).collect();
        let o = run(c, &args, "default");
        let (out, err) = text(&o);
        (out, err, o.status)
    }

    #[test]
    fn help_names_the_command_as_the_playgrounds_own() {
        let c = Cluster::new(1);
        let (out, err, status) = why(&c, "--help");
        assert!(out.contains("not of kubectl"), "{out}");
        assert!(out.contains("Usage:\n  why (POD | TYPE/NAME)..."), "{out}");
        assert_eq!((err.as_str(), status), ("", 0));
    }

    #[test]
    fn unknown_objects_are_kubectls_not_found() {
        let c = Cluster::new(1);
        assert_eq!(
            why(&c, "nope"),
            (
                String::new(),
                "Error from server (NotFound): pods \"nope\" not found\n".into(),
                1
            )
        );
        for (line, err) in [
            ("pvc/www-web-0", "Error from server (NotFound): persistentvolumeclaims \"www-web-0\" not found\n"),
            ("sts/web", "Error from server (NotFound): statefulsets.apps \"web\" not found\n"),
            ("deploy/x -n kube-system", "Error from server (NotFound): deployments.apps \"x\" not found\n"),
            ("rs/x", "Error from server (NotFound): replicasets.apps \"x\" not found\n"),
            ("foo/x", "error: the server doesn't have a resource type \"foo\"\n"),
            ("svc/kubernetes", "error: why explains pods, persistentvolumeclaims, statefulsets, deployments and replicasets, not services\n"),
            ("sts/", "error: arguments in resource/name form must have a single resource and name\n"),
        ] {
            assert_eq!(why(&c, line), (String::new(), err.to_string(), 1), "{line}");
        }
        let (_, err, status) = why(&c, "--bogus");
        assert_eq!(
            (err.as_str(), status),
            (
                "error: unknown flag: --bogus\nSee 'why --help' for usage.\n",
                1
            )
        );
        let (out, err) = text(&run(&c, &[], "default"));
        assert!(
            out.is_empty() && err.starts_with("error: name a pod"),
            "{err}"
        );
    }

    #[test]
    fn the_namespace_flag_picks_where_to_look() {
        let mut c = Cluster::new(1);
        crate::run_line(&mut c, "create namespace x", "");
        crate::run_line(&mut c, "run p --image=nginx:1.25 -n x", "");
        c.settle();
        let (out, err, status) = why(&c, "-n x p");
        assert_eq!((err.as_str(), status), ("", 0), "{out}");
        assert!(
            out.starts_with("pod/p is not waiting: Running and Ready on kind-"),
            "{out}"
        );
        assert_eq!(why(&c, "--namespace=x p").0, out);
        assert_eq!(
            why(&c, "p").1,
            "Error from server (NotFound): pods \"p\" not found\n"
        );
    }
}
