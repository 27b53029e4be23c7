//! Resource types as kubectl names them (`po`, `pods`, `statefulsets.apps`, `sts/web`), and
//! the `kubectl api-resources` table.

use ordinal_sim::api::{Kind, KINDS};

/// Resolves a resource type word; `None` is "the server doesn't have a resource type".
pub fn resolve(word: &str) -> Option<Kind> {
    let w = word.to_ascii_lowercase();
    let (name, group) = match w.split_once('.') {
        Some((n, g)) => (n.to_string(), Some(g.to_string())),
        None => (w.clone(), None),
    };
    KINDS.iter().find_map(|i| {
        let name_ok = name == i.plural
            || name == i.singular
            || i.short_names.contains(&name.as_str())
            || name == i.name.to_ascii_lowercase();
        let group_ok = match &group {
            None => true,
            Some(g) => {
                *g == i.group
                    || (i.group.is_empty() && (g == "v1" || g == "core"))
                    || *g == format!("{}.{}", i.version, i.group)
                    || g.starts_with(&format!("{}.", i.version)) && g.ends_with(i.group)
            }
        };
        (name_ok && group_ok).then_some(i.kind)
    })
}

pub use ordinal_sim::printers::type_prefix;

/// The kinds `kubectl get all` lists (those of ours it includes).
pub const ALL: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
];

/// `kubectl api-resources` rows: NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND.
pub fn api_resources() -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = KINDS
        .iter()
        .map(|i| {
            vec![
                i.plural.to_string(),
                i.short_names.join(","),
                i.kind.api_version(),
                i.namespaced.to_string(),
                i.name.to_string(),
            ]
        })
        .collect();
    ordinal_sim::sort::sort_by(&mut rows, |a, b| {
        let ga = Kind::ALL
            .iter()
            .find(|k| k.info().plural == a[0])
            .map(|k| k.info().group)
            .unwrap_or("");
        let gb = Kind::ALL
            .iter()
            .find(|k| k.info().plural == b[0])
            .map(|k| k.info().group)
            .unwrap_or("");
        (ga.is_empty(), ga, &a[0])
            .cmp(&(gb.is_empty(), gb, &b[0]))
            .reverse()
            .reverse()
    });
    let (mut core, mut grouped): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|r| !r[2].contains('/'));
    ordinal_sim::sort::sort_by(&mut core, |a, b| a[0].cmp(&b[0]));
    ordinal_sim::sort::sort_by(&mut grouped, |a, b| {
        (a[2].split('/').next().unwrap_or(""), &a[0])
            .cmp(&(b[2].split('/').next().unwrap_or(""), &b[0]))
    });
    core.extend(grouped);
    core
}

/// `TYPE NAME...` or `TYPE/NAME...` → (kind, names); errors are kubectl's.
pub fn targets(p: &crate::args::Parsed, out: &mut crate::Output) -> Option<Vec<(Kind, String)>> {
    let pos = &p.positionals;
    if pos.is_empty() {
        return Some(Vec::new());
    }
    let mut t = Vec::new();
    if pos.iter().all(|a| a.contains('/')) {
        for a in pos {
            let (ty, n) = a.split_once('/').unwrap_or((a, ""));
            let Some(k) = resolve(ty) else {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{ty}\""
                ));
                return None;
            };
            t.push((k, n.to_string()));
        }
    } else {
        let Some(k) = resolve(&pos[0]) else {
            out.err(format!(
                "error: the server doesn't have a resource type \"{}\"",
                pos[0]
            ));
            return None;
        };
        if pos.len() == 1 {
            t.push((k, String::new()));
        }
        for n in &pos[1..] {
            t.push((k, n.clone()));
        }
    }
    Some(t)
}

/// [`targets`], each with a name (`scale`, `patch`); kubectl's error when one has none.
pub fn named_targets(
    p: &crate::args::Parsed,
    out: &mut crate::Output,
) -> Option<Vec<(Kind, String)>> {
    let t = targets(p, out)?;
    if t.is_empty() || t.iter().any(|(_, n)| n.is_empty()) {
        out.err("error: resource(s) were provided, but no name was specified");
        return None;
    }
    Some(t)
}

/// What kubectl's verbs do with a kind beyond get, describe and delete: each kind is decided
/// here, and a new kind does not compile until it is.
#[derive(Copy, Clone, Debug)]
pub struct Support {
    /// It has the scale subresource (`kubectl scale`, `get --subresource=scale`).
    pub scale: bool,
    /// `kubectl rollout` manages it (revisions and a status viewer).
    pub rollout: bool,
    /// The pod `exec`/`attach` pick for `TYPE/NAME`.
    pub pod: PodOf,
    /// Where its containers are: a pod's own spec or a pod template (`kubectl set`).
    pub containers: Containers,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Containers {
    /// None: `set` says "the object is not a pod or does not have a pod template".
    None,
    /// `spec.containers`.
    Own,
    /// `spec.template.spec.containers`.
    Template,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PodOf {
    Itself,
    /// The pod of the lowest ordinal (a StatefulSet's `NAME-<start>`).
    FirstOrdinal,
    /// The first of the pods its selector matches, as `GetFirstPod` sorts them.
    Selector,
    /// kubectl's "selector for … not implemented".
    NotImplemented,
}

pub fn support(kind: Kind) -> Support {
    const NONE: Support = Support {
        scale: false,
        rollout: false,
        pod: PodOf::NotImplemented,
        containers: Containers::None,
    };
    match kind {
        Kind::Pod => Support {
            pod: PodOf::Itself,
            containers: Containers::Own,
            ..NONE
        },
        Kind::StatefulSet => Support {
            scale: true,
            rollout: true,
            pod: PodOf::FirstOrdinal,
            containers: Containers::Template,
        },
        Kind::Deployment => Support {
            scale: true,
            rollout: true,
            pod: PodOf::Selector,
            containers: Containers::Template,
        },
        // kubectl has no rollout for ReplicaSets: a Deployment's are its revisions.
        Kind::ReplicaSet => Support {
            scale: true,
            pod: PodOf::Selector,
            containers: Containers::Template,
            ..NONE
        },
        Kind::Namespace
        | Kind::Node
        | Kind::StorageClass
        | Kind::PersistentVolume
        | Kind::Service
        | Kind::Secret
        | Kind::ControllerRevision
        | Kind::PersistentVolumeClaim
        | Kind::EndpointSlice
        | Kind::Event => NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve() {
        for w in ["po", "pod", "pods", "Pod", "pods.v1"] {
            assert_eq!(resolve(w), Some(Kind::Pod), "{w}");
        }
        for w in [
            "sts",
            "statefulset",
            "statefulsets",
            "statefulsets.apps",
            "statefulset.apps",
            "statefulsets.v1.apps",
        ] {
            assert_eq!(resolve(w), Some(Kind::StatefulSet), "{w}");
        }
        assert_eq!(resolve("pvc"), Some(Kind::PersistentVolumeClaim));
        assert_eq!(resolve("pv"), Some(Kind::PersistentVolume));
        assert_eq!(resolve("ev"), Some(Kind::Event));
        assert_eq!(resolve("sc"), Some(Kind::StorageClass));
        assert_eq!(resolve("foo"), None);
        assert_eq!(type_prefix(Kind::StatefulSet), "statefulset.apps");
        assert_eq!(
            type_prefix(Kind::PersistentVolumeClaim),
            "persistentvolumeclaim"
        );
    }
}
