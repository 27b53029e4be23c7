//! Scenario tests of the simulation core, driven through its public API.

mod support;
mod tutorial;
