//! Compare: two workloads side by side, each in its own cluster (its own `Engine`), with
//! simulated time in lockstep. Every input (a terminal line, the Replicas slider, a pod's
//! Delete) goes to both sides. Compare's inputs are not recorded: the main session (its engine
//! and record) is never touched by what happens here.

use crate::engine::{Engine, MANIFEST_FILE, NAMESPACE};
use crate::view_model::{self, ClusterView};
use ordinal_kubectl::Output;
use std::rc::Rc;

/// Most output characters each side keeps.
const MAX_OUTPUT: usize = 16 * 1024;

/// One side of a pair: its manifest's file name (the side's name) and text, and the workload the
/// slider scales.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Side {
    pub file: &'static str,
    pub text: &'static str,
    /// `sts` or `deploy`, as typed after `kubectl scale`.
    pub kind: &'static str,
    pub name: &'static str,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub id: &'static str,
    pub title: &'static str,
    pub sides: [Side; 2],
}

pub const COMPARE_DEPLOYMENT_YAML: &str = include_str!("../../examples/compare-deployment.yaml");
pub const COMPARE_STATEFULSET_YAML: &str = include_str!("../../examples/compare-statefulset.yaml");

/// The pairs Compare ships.
pub fn pairs() -> [Pair; 2] {
    use ordinal_kubectl::manifests::{K8S_IO_WEB_PARALLEL_YAML, K8S_IO_WEB_YAML};
    [
        Pair {
            id: "deployment-statefulset",
            title: "Deployment vs StatefulSet",
            sides: [
                Side {
                    file: "compare-deployment.yaml",
                    text: COMPARE_DEPLOYMENT_YAML,
                    kind: "deploy",
                    name: "web",
                },
                Side {
                    file: "compare-statefulset.yaml",
                    text: COMPARE_STATEFULSET_YAML,
                    kind: "sts",
                    name: "web",
                },
            ],
        },
        Pair {
            id: "orderedready-parallel",
            title: "OrderedReady vs Parallel",
            sides: [
                Side {
                    file: "web.yaml",
                    text: K8S_IO_WEB_YAML,
                    kind: "sts",
                    name: "web",
                },
                Side {
                    file: "web-parallel.yaml",
                    text: K8S_IO_WEB_PARALLEL_YAML,
                    kind: "sts",
                    name: "web",
                },
            ],
        },
    ]
}

pub fn pair_by_id(id: &str) -> Option<Pair> {
    pairs().into_iter().find(|p| p.id == id)
}

/// What a side shows: its cluster and what its terminal printed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SideView {
    #[serde(with = "side_by_file")]
    pub side: Side,
    pub cluster: Rc<ClusterView>,
    pub output: Rc<str>,
}

/// A side on the wire between the engine and the page: its file name, which names it among
/// every pair's sides.
mod side_by_file {
    use super::{pairs, Side};
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(side: &Side, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(side.file)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Side, D::Error> {
        let file = String::deserialize(d)?;
        pairs()
            .into_iter()
            .flat_map(|p| p.sides)
            .find(|s| s.file == file)
            .ok_or_else(|| D::Error::custom(format!("no compared side is named {file}")))
    }
}

/// The two clusters in lockstep.
pub struct Compare {
    pub pair: Pair,
    engines: [Engine; 2],
    outputs: [String; 2],
    seen_rv: [u64; 2],
}

impl Compare {
    /// Two fresh clusters, each with its side's manifest applied.
    pub fn new(pair: Pair) -> Compare {
        let mut c = Compare {
            pair,
            engines: [Engine::new(), Engine::new()],
            outputs: [String::new(), String::new()],
            seen_rv: [0, 0],
        };
        for i in 0..2 {
            let side = pair.sides[i];
            c.engines[i].sync_manifest(side.text);
            c.outputs[i].push_str(&format!("$ kubectl apply -f {}\n", side.file));
            let out = c.engines[i].kubectl(&["apply", "-f", MANIFEST_FILE]);
            c.push_output(i, &out);
        }
        c
    }

    fn push_output(&mut self, i: usize, out: &Output) {
        for (_, text) in &out.chunks {
            self.outputs[i].push_str(text);
        }
        let o = &mut self.outputs[i];
        if o.len() > MAX_OUTPUT {
            let mut cut = o.len() - MAX_OUTPUT;
            while !o.is_char_boundary(cut) {
                cut += 1;
            }
            o.drain(..cut);
        }
    }

    /// Simulated time passes on both sides, the same amount.
    pub fn advance(&mut self, sim_ms: f64) {
        for i in 0..2 {
            let out = self.engines[i].advance(sim_ms);
            self.push_output(i, &out);
        }
    }

    /// The same line typed into both terminals. A side whose terminal is busy (a watch) is
    /// interrupted first, so both stay in step.
    pub fn input(&mut self, line: &str) {
        for i in 0..2 {
            if self.engines[i].session.busy() {
                let out = self.engines[i].interrupt();
                self.push_output(i, &out);
            }
            self.outputs[i].push_str(&format!("$ {line}\n"));
            let out = self.engines[i].input(line);
            self.push_output(i, &out);
        }
    }

    /// Both workloads scaled to `replicas`.
    pub fn scale(&mut self, replicas: i32) {
        let n = format!("--replicas={replicas}");
        for i in 0..2 {
            let s = self.pair.sides[i];
            self.outputs[i].push_str(&format!("$ kubectl scale {} {} {n}\n", s.kind, s.name));
            let out = self.engines[i].kubectl(&["scale", s.kind, s.name, &n]);
            self.push_output(i, &out);
        }
    }

    /// The pod at `index` in each side's view (the same place: web-1 and the Deployment's
    /// second pod) is deleted.
    pub fn delete_pod_at(&mut self, index: usize) {
        for i in 0..2 {
            let pods = pod_names(&view_model::cluster_view(
                &self.engines[i].cluster,
                NAMESPACE,
            ));
            let Some(pod) = pods.get(index) else { continue };
            self.outputs[i].push_str(&format!("$ kubectl delete pod {pod} --wait=false\n"));
            let out = self.engines[i].kubectl(&["delete", "pod", pod, "--wait=false"]);
            self.push_output(i, &out);
        }
    }

    /// Whether either store moved since the last call (the views need rebuilding).
    pub fn changed(&mut self) -> bool {
        let rv = [
            self.engines[0].cluster.resource_version(),
            self.engines[1].cluster.resource_version(),
        ];
        let moved = rv != self.seen_rv;
        self.seen_rv = rv;
        moved
    }

    pub fn views(&self) -> [SideView; 2] {
        [0, 1].map(|i| SideView {
            side: self.pair.sides[i],
            cluster: Rc::new(view_model::cluster_view(
                &self.engines[i].cluster,
                NAMESPACE,
            )),
            output: self.outputs[i].as_str().into(),
        })
    }
}

/// The pods a side shows, in the order it shows them (sets' ordinals, then each Deployment's
/// ReplicaSets, then ReplicaSets on their own, then pods outside any workload).
pub fn pod_names(v: &ClusterView) -> Vec<String> {
    let sets = v.sets.iter().flat_map(|s| s.rows.iter());
    let deps = v
        .deployments
        .iter()
        .flat_map(|d| d.replica_sets.iter())
        .chain(v.replica_sets.iter())
        .flat_map(|rs| rs.rows.iter());
    sets.chain(deps)
        .chain(v.other_pods.iter())
        .filter_map(|r| r.pod.as_ref().map(|p| p.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(c: &mut Compare, seconds: u32) {
        for _ in 0..seconds {
            c.advance(1000.0);
        }
    }

    // Deployment vs StatefulSet: the Deployment's pods have random suffixes, the StatefulSet's
    // ordinals; time, the slider and a deletion reach both sides.
    #[test]
    fn deployment_vs_statefulset_in_lockstep() {
        let mut c = Compare::new(pairs()[0]);
        settle(&mut c, 120);
        assert_eq!(c.engines[0].cluster.now(), c.engines[1].cluster.now());
        let [d, s] = c.views();
        let dep_pods = pod_names(&d.cluster);
        let sts_pods = pod_names(&s.cluster);
        assert_eq!(sts_pods, ["web-0", "web-1", "web-2"]);
        assert_eq!(dep_pods.len(), 3);
        let rs = &d.cluster.deployments[0].replica_sets[0].name;
        assert!(dep_pods.iter().all(|p| p.starts_with(&format!("{rs}-"))));

        c.scale(1);
        settle(&mut c, 60);
        let [d, s] = c.views();
        assert_eq!(pod_names(&s.cluster), ["web-0"]);
        assert_eq!(pod_names(&d.cluster).len(), 1);

        c.input("kubectl get pods");
        let [d, s] = c.views();
        assert!(d.output.contains("$ kubectl get pods\nNAME"));
        assert!(s.output.contains("web-0 "));
    }

    // OrderedReady vs Parallel: the parallel side creates every pod at once, the ordered side one
    // at a time.
    #[test]
    fn ordered_ready_vs_parallel_start_order() {
        let mut c = Compare::new(pair_by_id("orderedready-parallel").unwrap());
        c.scale(3);
        settle(&mut c, 1);
        let [o, p] = c.views();
        assert_eq!(pod_names(&p.cluster), ["web-0", "web-1", "web-2"]);
        assert_eq!(pod_names(&o.cluster), ["web-0"]);
        settle(&mut c, 120);
        let [o, _] = c.views();
        assert_eq!(pod_names(&o.cluster), ["web-0", "web-1", "web-2"]);
        c.delete_pod_at(1);
        let [o, p] = c.views();
        assert!(o.output.contains("pod \"web-1\" deleted"));
        assert!(p.output.contains("pod \"web-1\" deleted"));
    }
}
