//! What a kubectl invocation runs in: the namespace, files, stdin, and whether it may attach
//! a shell. (Re-exported as `crate::Env`.)

use crate::Files;

/// What a kubectl invocation runs in.
pub struct Env<'a> {
    /// The current namespace (`-n` overrides it).
    pub namespace: &'a str,
    /// Where `-f PATH` reads.
    pub files: &'a dyn Files,
    /// Standard input (for `-f -` and `exec -i`).
    pub stdin: &'a str,
    /// Whether `exec -it … -- sh` may attach an interactive shell (a terminal session can).
    pub interactive_shells: bool,
}
