//! Scenario tests of the simulation core, driven through its public API.

mod api;
mod container;
mod deployment;
mod ephemeral;
mod faults;
mod hostile;
mod invariants;
mod kinds;
mod lifecycle;
mod nodes;
mod random_ops;
mod replicaset;
mod scale;
mod scenario;
mod splitmix;
mod support;
mod tutorial;
mod updates;
mod upstream;
mod validation;
mod why;
