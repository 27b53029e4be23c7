//! The simulated cluster. Pure and deterministic: no IO, no wall clock, one seeded RNG.

/// A simulated kind-like cluster.
pub struct Cluster {
    nodes: Vec<String>,
}

impl Cluster {
    /// A fresh cluster: one control-plane node and two workers, as `kind create cluster` makes.
    pub fn new(_seed: u64) -> Cluster {
        Cluster { nodes: vec!["kind-control-plane".into(), "kind-worker".into(), "kind-worker2".into()] }
    }

    /// Names of the cluster's nodes, in `kubectl get nodes` order.
    pub fn node_names(&self) -> Vec<String> {
        self.nodes.clone()
    }
}
