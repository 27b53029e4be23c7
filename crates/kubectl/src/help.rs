//! `kubectl --help` and `kubectl CMD --help`, in kubectl's layout, from the verb table
//! ([`crate::verbs`]): what this playground's kubectl does.

use crate::verbs::{self, Group, VERBS};

pub fn top() -> String {
    let mut s = String::from(
        "kubectl controls the Kubernetes cluster manager (here: Ordinal's simulated kind cluster).\n",
    );
    for group in Group::ALL {
        if group == Group::Other {
            // kubectl v1.33 prints this section's title even when it finds no plugin.
            s.push_str("\nSubcommands provided by plugins:\n");
        }
        s.push('\n');
        s.push_str(group.title());
        s.push('\n');
        for v in VERBS.iter().filter(|v| v.group == Some(group)) {
            s.push_str(&format!("  {:<16}{}\n", v.name, v.summary));
        }
    }
    s.push_str(
        "
Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
",
    );
    s
}

/// `kubectl help [VERB]` (and `kubectl --help [VERB]`): the verb's help, else the top help.
pub fn about(verb: Option<&String>) -> String {
    verb.and_then(|v| command(v)).unwrap_or_else(top)
}

pub fn command(cmd: &str) -> Option<String> {
    let h = verbs::find(cmd)?.help?;
    Some(format!("{}\n\nExamples:\n{}\n\nUsage:\n  {}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n", h.what, h.examples, h.usage))
}
