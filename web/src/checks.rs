//! A lesson's live checks: conditions over the cluster (read through the API and the server's
//! printers, as `kubectl get` would show them) and over what the terminal printed. A new kind of
//! condition is the only Rust a new lesson may need.

use crate::printed::PrintedRow;
use ordinal_sim::api::*;
use ordinal_sim::printers;
use ordinal_sim::Cluster;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `ready web-0 web-1`: each pod exists and is Running with every container ready.
    Ready(Vec<String>),
    /// `column pod web-0 STATUS Running`: a `kubectl get -o wide` column of an object equals the
    /// value (`_` stands for a space in a header: `NOMINATED_NODE`).
    Column {
        kind: Kind,
        name: String,
        column: String,
        value: String,
    },
    /// `exists pvc www-web-0 www-web-1`
    Exists(Kind, Vec<String>),
    /// `absent sts web`: not found (an object still terminating is present).
    Absent(Kind, Vec<String>),
    /// `pods web 3`: the set controls exactly this many pods that are not terminating.
    Pods(String, usize),
    /// `field sts web spec.podManagementPolicy Parallel`: a field (dotted path) as text.
    Field {
        kind: Kind,
        name: String,
        path: String,
        value: String,
    },
    /// `rolled-out web`: every replica ready on the update revision, current = update.
    RolledOut(String),
    /// `revision web new web-2` / `revision web old web-0 web-1`: which revision pods run.
    Revision {
        set: String,
        new: bool,
        pods: Vec<String>,
    },
    /// `file www-web-0 /index.html web-0`: the claim's volume holds the file, containing the text.
    File {
        claim: String,
        path: String,
        text: String,
    },
    /// `output pod "web-0" deleted`: the terminal printed this since the lesson opened.
    Output(String),
    /// `volume www-web-0 STATUS Released`: a PersistentVolume whose claim reference names the
    /// claim (volume names are generated, claim names are not) shows this `kubectl get pv` column.
    Volume {
        claim: String,
        column: String,
        value: String,
    },
}

fn kind_of(word: &str) -> Result<Kind, String> {
    let w = word.to_ascii_lowercase();
    KINDS
        .iter()
        .find(|k| {
            k.plural == w
                || k.singular == w
                || k.name.eq_ignore_ascii_case(&w)
                || k.short_names.contains(&w.as_str())
        })
        .map(|k| k.kind)
        .ok_or_else(|| format!("unknown resource type {word}"))
}

impl Condition {
    pub fn parse(line: &str) -> Result<Condition, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let rest = |n: usize| words[n..].iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let need = |n: usize| {
            if words.len() < n {
                Err(format!("{line}: too few words"))
            } else {
                Ok(())
            }
        };
        let verb = words.first().copied().unwrap_or("");
        Ok(match verb {
            "ready" => {
                need(2)?;
                Condition::Ready(rest(1))
            }
            "column" => {
                need(5)?;
                Condition::Column {
                    kind: kind_of(words[1])?,
                    name: words[2].into(),
                    column: words[3].into(),
                    value: words[4..].join(" "),
                }
            }
            "exists" | "absent" => {
                need(3)?;
                let kind = kind_of(words[1])?;
                if verb == "exists" {
                    Condition::Exists(kind, rest(2))
                } else {
                    Condition::Absent(kind, rest(2))
                }
            }
            "pods" => {
                need(3)?;
                let n = words[2]
                    .parse()
                    .map_err(|_| format!("{line}: not a count"))?;
                Condition::Pods(words[1].into(), n)
            }
            "field" => {
                need(5)?;
                Condition::Field {
                    kind: kind_of(words[1])?,
                    name: words[2].into(),
                    path: words[3].into(),
                    value: words[4..].join(" "),
                }
            }
            "rolled-out" => {
                need(2)?;
                Condition::RolledOut(words[1].into())
            }
            "revision" => {
                need(4)?;
                let new = match words[2] {
                    "new" => true,
                    "old" => false,
                    w => return Err(format!("{line}: {w} is not new or old")),
                };
                Condition::Revision {
                    set: words[1].into(),
                    new,
                    pods: rest(3),
                }
            }
            "file" => {
                need(4)?;
                Condition::File {
                    claim: words[1].into(),
                    path: words[2].into(),
                    text: words[3..].join(" "),
                }
            }
            "volume" => {
                need(4)?;
                Condition::Volume {
                    claim: words[1].into(),
                    column: words[2].into(),
                    value: words[3..].join(" "),
                }
            }
            "output" => {
                need(2)?;
                // `\n` stands for a line break, so a check can ask for consecutive lines.
                Condition::Output(
                    line.trim_start()["output".len()..]
                        .trim()
                        .replace("\\n", "\n"),
                )
            }
            other => return Err(format!("unknown condition {other}")),
        })
    }

    /// Whether the condition holds now. `output` is what the terminal printed since the lesson
    /// opened.
    pub fn holds(&self, c: &Cluster, ns: &str, output: &str) -> bool {
        let pod = |name: &str| c.get_as::<Pod>(ns, name);
        match self {
            Condition::Ready(pods) => pods.iter().all(|p| {
                pod(p).is_some_and(|p| {
                    !p.is_terminating() && printers::pod_status(p) == "Running" && p.is_ready()
                })
            }),
            Condition::Column {
                kind,
                name,
                column,
                value,
            } => {
                let Ok(obj) = c.get(*kind, if kind.namespaced() { ns } else { "" }, name) else {
                    return false;
                };
                column_is(c, &obj, column, value)
            }
            Condition::Exists(kind, names) => names.iter().all(|n| exists(c, *kind, ns, n)),
            Condition::Absent(kind, names) => names.iter().all(|n| !exists(c, *kind, ns, n)),
            Condition::Pods(set, n) => {
                set_pods(c, ns, set).filter(|p| !p.is_terminating()).count() == *n
            }
            Condition::Field {
                kind,
                name,
                path,
                value,
            } => {
                let Ok(obj) = c.get(*kind, if kind.namespaced() { ns } else { "" }, name) else {
                    return false;
                };
                let mut v = &obj.to_value();
                for key in path.split('.') {
                    let next = match key.parse::<usize>() {
                        Ok(i) => v.get(i),
                        Err(_) => v.get(key),
                    };
                    match next {
                        Some(n) => v = n,
                        None => return false,
                    }
                }
                match v {
                    serde_json::Value::String(s) => s == value,
                    other => value.as_str() == other.to_string().as_str(),
                }
            }
            Condition::RolledOut(set) => c.get_as::<StatefulSet>(ns, set).is_some_and(|s| {
                let want = s.replicas();
                s.status.observed_generation == Some(s.metadata.generation)
                    && s.status.current_revision == s.status.update_revision
                    && s.status.updated_replicas == want
                    && s.status.ready_replicas == want
                    && s.status.replicas == want
            }),
            Condition::Revision { set, new, pods } => {
                let Some(s) = c.get_as::<StatefulSet>(ns, set) else {
                    return false;
                };
                pods.iter().all(|p| {
                    pod(p).is_some_and(|p| {
                        let hash = p.metadata.labels.get("controller-revision-hash");
                        (hash == Some(&s.status.update_revision)) == *new
                    })
                })
            }
            Condition::File { claim, path, text } => c
                .get_as::<PersistentVolumeClaim>(ns, claim)
                .and_then(|pvc| pvc.spec.volume_name.clone())
                .is_some_and(|pv| {
                    c.volume_files(&pv)
                        .iter()
                        .any(|(p, content)| p == path && content.contains(text.as_str()))
                }),
            Condition::Output(text) => output.contains(text.as_str()),
            Condition::Volume {
                claim,
                column,
                value,
            } => c.list(Kind::PersistentVolume, None).iter().any(|obj| {
                let Object::PersistentVolume(pv) = &**obj else {
                    return false;
                };
                pv.spec.claim_ref.as_ref().is_some_and(|r| {
                    r.name.as_deref() == Some(claim.as_str()) && r.namespace.as_deref() == Some(ns)
                }) && column_is(c, obj, column, value)
            }),
        }
    }
}

/// Whether the object's `kubectl get -o wide` column (by header; `_` for a space, as in
/// `RECLAIM_POLICY`) shows the value.
fn column_is(c: &Cluster, obj: &Object, column: &str, value: &str) -> bool {
    PrintedRow::new(c, obj, true).get(&column.replace('_', " ")) == Some(value)
}

fn exists(c: &Cluster, kind: Kind, ns: &str, name: &str) -> bool {
    c.get(kind, if kind.namespaced() { ns } else { "" }, name)
        .is_ok()
}

fn set_pods<'a>(c: &'a Cluster, ns: &str, set: &'a str) -> impl Iterator<Item = &'a Pod> + 'a {
    c.list_as::<Pod>(Some(ns)).into_iter().filter(move |p| {
        p.metadata
            .controller_ref()
            .is_some_and(|r| r.kind == "StatefulSet" && r.name == set)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(s: &str) -> Condition {
        Condition::parse(s).unwrap()
    }

    #[test]
    fn conditions_follow_the_cluster() {
        let mut c = Cluster::new(1);
        let all = [
            "ready web-0 web-1",
            "pods web 2",
            "exists pvc www-web-0 www-web-1",
            "column pvc www-web-0 STATUS Bound",
            "column sts web READY 2/2",
            "field sts web spec.podManagementPolicy OrderedReady",
            "field sts web spec.replicas 2",
            "rolled-out web",
            "revision web new web-0 web-1",
        ];
        for s in all {
            assert!(!cond(s).holds(&c, "default", ""), "{s} before apply");
        }
        assert!(cond("absent sts web").holds(&c, "default", ""));
        let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_YAML;
        assert!(c
            .apply_yaml(yaml, "default")
            .unwrap()
            .iter()
            .all(Result::is_ok));
        c.settle();
        for s in all {
            assert!(cond(s).holds(&c, "default", ""), "{s} after apply");
        }
        assert!(!cond("absent sts web").holds(&c, "default", ""));
        assert!(!cond("pods web 3").holds(&c, "default", ""));
        assert!(!cond("revision web old web-0").holds(&c, "default", ""));
        assert!(!cond("column node kind-worker STATUS NotReady").holds(&c, "default", ""));
        assert!(cond("column node kind-worker STATUS Ready").holds(&c, "default", ""));
        assert!(!cond("file www-web-0 /index.html web-0").holds(&c, "default", ""));
        assert!(cond("output pod \"web-0\" deleted").holds(
            &c,
            "default",
            "x\npod \"web-0\" deleted\n"
        ));
        assert!(!cond("output pod \"web-0\" deleted").holds(
            &c,
            "default",
            "pod \"web-1\" deleted"
        ));
    }

    #[test]
    fn a_volume_is_found_by_its_claim() {
        let mut c = Cluster::new(1);
        let bound = cond("volume www-web-0 STATUS Bound");
        let released = cond("volume www-web-0 STATUS Released");
        assert!(!bound.holds(&c, "default", ""));
        let yaml = ordinal_kubectl::manifests::K8S_IO_WEB_YAML;
        assert!(c
            .apply_yaml(yaml, "default")
            .unwrap()
            .iter()
            .all(Result::is_ok));
        c.settle();
        assert!(bound.holds(&c, "default", ""));
        assert!(
            !bound.holds(&c, "other", ""),
            "the claim's namespace counts"
        );
        assert!(!released.holds(&c, "default", ""));
        assert!(cond("volume www-web-1 RECLAIM_POLICY Delete").holds(&c, "default", ""));
        assert!(!cond("volume www-web-9 STATUS Bound").holds(&c, "default", ""));
    }

    #[test]
    fn bad_conditions_are_errors() {
        for s in [
            "ready",
            "pods web x",
            "column pod",
            "volume www-web-0 STATUS",
            "exists widgets a",
            "revision web newer a",
            "frobnicate",
        ] {
            assert!(Condition::parse(s).is_err(), "{s}");
        }
    }
}
