//! Scenario tests of the simulation core, driven through its public API.

mod api;
mod support;
mod tutorial;
