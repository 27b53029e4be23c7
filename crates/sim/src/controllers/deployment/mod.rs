//! The Deployment controller (upstream `pkg/controller/deployment`).

pub mod hash;
