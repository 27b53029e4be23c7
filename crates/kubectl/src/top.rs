//! `kubectl top pod|node`: kind runs no metrics-server, so the Metrics API is not there and
//! kubectl says so, as it does on a fresh kind cluster.

use crate::args::{flag, sub, FlagSpec, Operands, Sub};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::Kind;
use ordinal_sim::Cluster;

const SELECTOR: FlagSpec = flag("selector", Some('l'), true);
const SORT_BY: FlagSpec = flag("sort-by", None, true);
const NO_HEADERS: FlagSpec = flag("no-headers", None, false);
const SHOW_CAPACITY: FlagSpec = flag("show-capacity", None, false);
const USE_PROTOCOL_BUFFERS: FlagSpec = flag("use-protocol-buffers", None, false);

pub const POD_FLAGS: &[FlagSpec] = &[
    SELECTOR,
    SORT_BY,
    NO_HEADERS,
    USE_PROTOCOL_BUFFERS,
    flag("all-namespaces", Some('A'), false),
    flag("containers", None, false),
    flag("field-selector", None, true),
    flag("sum", None, false),
];
pub const NODE_FLAGS: &[FlagSpec] = &[
    SELECTOR,
    SORT_BY,
    NO_HEADERS,
    USE_PROTOCOL_BUFFERS,
    SHOW_CAPACITY,
];

/// Every subcommand's flags, for the parser.
pub const FLAGS: &[FlagSpec] = &[
    SELECTOR,
    SORT_BY,
    NO_HEADERS,
    USE_PROTOCOL_BUFFERS,
    SHOW_CAPACITY,
    flag("all-namespaces", Some('A'), false),
    flag("containers", None, false),
    flag("field-selector", None, true),
    flag("sum", None, false),
];

pub const SUBCOMMANDS: &[Sub] = &[
    sub("node", NODE_FLAGS, Operands::Name(Kind::Node)).aliases(&["nodes", "no"]),
    sub("pod", POD_FLAGS, Operands::Name(Kind::Pod)).aliases(&["pods", "po"]),
];

/// `kubectl top` alone.
const GROUP_HELP: &str = "Display resource (CPU/memory) usage.\n\n The top command allows you to see the resource consumption for nodes or pods.\n\n This command requires Metrics Server to be correctly configured and working on the server.\n\nAvailable Commands:\n  node          Display resource (CPU/memory) usage of nodes\n  pod           Display resource (CPU/memory) usage of pods\n\nUsage:\n  kubectl top [flags] [options]\n\nUse \"kubectl top <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

pub fn top(_c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "top", &mut out) else {
        return out;
    };
    match p.positionals.first() {
        // cobra's help for a command without a verb of its own, on stderr, status 1.
        None => out.err(GROUP_HELP),
        Some(word) => match crate::args::find_sub(SUBCOMMANDS, word) {
            Some(s) => {
                for f in FLAGS {
                    if p.has(f.long) && !s.flags.iter().any(|o| o.long == f.long) {
                        out.err(format!(
                            "error: unknown flag: --{}\nSee 'kubectl top {} --help' for usage.",
                            f.long, s.name
                        ));
                        return out;
                    }
                }
                out.err("error: Metrics API not available");
            }
            None => out.err(format!(
                "error: unknown command \"{word}\"\nSee 'kubectl top -h' for help and examples"
            )),
        },
    }
    out
}
