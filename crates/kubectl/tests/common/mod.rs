//! What the session tests share: a cluster and a learner's terminal, with the k8s.io `web`
//! set running. Each test file uses what it needs of it.
#![allow(dead_code)]

use ordinal_kubectl::session::{MemFiles, Mode, Workspace};
use ordinal_kubectl::Session;
use ordinal_sim::Cluster;

pub const WEB: &str = include_str!("../../../../examples/k8s-io-web.yaml");

pub struct T {
    pub c: Cluster,
    pub s: Session,
}

impl T {
    /// A cluster with the k8s.io `web` set applied and rolled out.
    pub fn web() -> T {
        let mut files = MemFiles::default();
        files.write("web.yaml", WEB, false).unwrap();
        let mut t = T {
            c: Cluster::new(1),
            s: Session::new(Box::new(files)),
        };
        t.run("kubectl apply -f web.yaml");
        t.run("kubectl rollout status sts web");
        t
    }

    /// A line of a script (`ordinal run`): its commands run to their end.
    pub fn run(&mut self, line: &str) -> String {
        self.s.input(&mut self.c, line, Mode::Script).text()
    }

    /// A line typed into a live terminal.
    pub fn live(&mut self, line: &str) -> String {
        self.s.input(&mut self.c, line, Mode::Interactive).text()
    }

    /// The clock moves `ms` and the terminal polls.
    pub fn wait(&mut self, ms: u64) -> String {
        self.c.advance(ms);
        self.s.poll(&mut self.c).text()
    }
}
