//! Commands that keep running while simulated time passes: `get -w`, the wait after
//! `delete`, `rollout status`, `wait --for`, `sleep`, `run -i` waiting for its pod, and `edit`
//! waiting for its editor.
//! In a script they are driven to completion by stepping the cluster; in the browser the
//! terminal polls them as the clock runs. This module is the jobs' state (plain data that
//! [`crate::Output`] carries); [`crate::poll`] moves them along.

use crate::selector::Selector;
use crate::table::Table;
use ordinal_sim::api::*;
use ordinal_sim::time::Time;

/// Longest a script waits for a job before giving up (simulated time).
pub const SCRIPT_HORIZON_MS: u64 = 10 * 60 * 1000;

#[derive(Debug)]
pub enum Job {
    Watch(Watch),
    /// The wait `kubectl delete` does until the objects are gone.
    WaitGone {
        targets: Vec<(Kind, String, String, String)>,
        /// `kubectl delete --timeout`: when to give up (`None`: kubectl's week, i.e. never here).
        deadline: Option<Time>,
    },
    Sleep {
        until: Time,
    },
    /// `kubectl rollout status`: like `UntilWithSync`, it prints the status viewer's message for
    /// the object as listed, then for every ADDED/MODIFIED watch event of it (repeats included).
    /// `kubectl rollout status`: each object in turn until its rollout is done.
    RolloutStatus(Box<crate::rollout::StatusJob>),
    WaitFor {
        targets: Vec<(Kind, String, String)>,
        condition: WaitCondition,
        deadline: Time,
        met: Vec<bool>,
    },
    /// `kubectl run -i`/`exec -it`: a shell attached to a container (the session drives it).
    Attach(Attach),
    /// `kubectl drain`: the evicted pods not gone yet (namespace, name, uid), and `--timeout`.
    Drain {
        node: String,
        pending: Vec<(String, String, String)>,
        deadline: Option<(Time, String)>,
    },
    /// `docker stop NODE…`: the kind node containers ignore the stop signal, so docker kills
    /// them when its 10 s timeout ends, and then prints their names.
    DockerStop {
        nodes: Vec<String>,
        at: Time,
    },
    /// `kubectl attach` to a process without stdin: its output until Ctrl-C.
    AttachOutput(AttachOutput),
    /// `kubectl replace --force`: the deleted objects not gone yet, then what to create.
    Replace(ForceReplace),
    /// `kubectl events -w`: the events listed so far, then one row per new one.
    Events(EventsWatch),
    /// `kubectl run -i … -- CMD`: wait for the pod, show the command's output, then `--rm`.
    RunCommand {
        namespace: String,
        pod: String,
        remove: bool,
    },
    /// `kubectl port-forward`: listening on the workstation until Ctrl-C, or until a connection
    /// finds its pod gone ([`crate::portforward`]).
    PortForward(PortForward),
    /// `kubectl edit` waiting for its editor: the session hands the buffer to one and the text
    /// saved back ([`crate::session::Session::finish_edit`]).
    Edit(Box<crate::edit::EditSession>),
}

#[derive(Debug, Clone)]
pub enum WaitCondition {
    Condition {
        name: String,
        value: String,
    },
    /// Gone: absent, or replaced by a new object of the same name (its uid, as the watch that
    /// kubectl's `IsDeleted` follows sees the old one's DELETED event).
    Delete {
        uids: Vec<String>,
    },
    JsonPath {
        path: String,
        value: String,
    },
}

#[derive(Debug, Clone)]
pub struct Attach {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    /// `--rm`: delete the pod when the session ends.
    pub remove: bool,
    /// Waiting for the pod to start before attaching (`kubectl run -i`).
    pub waiting: bool,
    /// Started by `kubectl run` (its shell is the container's main process).
    pub from_run: bool,
    /// The last waiting message `kubectl debug` warned about while its container started.
    pub warned: Option<String>,
}

impl Job {
    /// When the job acts without the cluster changing (a sleep ending, a timeout, docker's kill):
    /// a live terminal advances the clock to this instant and polls there, so what the job does
    /// never depends on how the clock's steps fall.
    pub fn deadline(&self) -> Option<Time> {
        match self {
            Job::WaitGone { deadline, .. } => *deadline,
            Job::RolloutStatus(s) => s.deadline,
            Job::Sleep { until } => Some(*until),
            Job::WaitFor { deadline, .. } => Some(*deadline),
            Job::Drain { deadline, .. } => deadline.as_ref().map(|(t, _)| *t),
            Job::DockerStop { at, .. } => Some(*at),
            Job::Watch(_)
            | Job::Attach(_)
            | Job::RunCommand { .. }
            | Job::Replace(_)
            | Job::AttachOutput(_)
            | Job::PortForward(_)
            | Job::Events(_)
            | Job::Edit(_) => None,
        }
    }
}

/// `kubectl get -w`: the list, then one row per change.
#[derive(Debug)]
pub struct Watch {
    pub kind: Kind,
    pub namespace: Option<String>,
    pub selector: Option<Selector>,
    pub names: Vec<String>,
    pub wide: bool,
    pub show_labels: bool,
    /// `-L`: labels shown as columns.
    pub label_columns: Vec<String>,
    pub name_only: bool,
    pub rv: u64,
    pub table: Table,
}

/// `kubectl attach` to a process that reads no input: its output from now on, until Ctrl-C
/// or until the container (or pod) goes away ([`crate::exec::poll_attach_output`]).
#[derive(Debug)]
pub struct AttachOutput {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
    /// How much of the container's log was there already.
    pub seen: usize,
}

/// `kubectl replace --force` waiting for the deleted objects to be gone before it creates them
/// again ([`crate::replace::poll`]).
#[derive(Debug)]
pub struct ForceReplace {
    /// The deleted objects not gone yet: kind, namespace, name, uid.
    pub pending: Vec<(Kind, String, String, String)>,
    /// What to create then, each with the file it came from.
    pub objects: Vec<(String, Object)>,
    /// `-o`, if given.
    pub output: Option<String>,
}

/// Which events `kubectl events` shows.
#[derive(Debug, Clone)]
pub struct EventFilter {
    /// `None`: every namespace (`-A`).
    pub namespace: Option<String>,
    /// `--for`: the `involvedObject`'s kind, apiVersion and name.
    pub object: Option<(String, String, String)>,
    /// `--types` (any case); empty: all.
    pub types: Vec<String>,
}

/// `kubectl events -w`: the rows printed so far set the widths; new events follow
/// ([`crate::events::poll`]).
#[derive(Debug)]
pub struct EventsWatch {
    pub filter: EventFilter,
    /// The header is still to print (no event was listed yet).
    pub headers: bool,
    pub rv: u64,
    pub table: Table,
}

/// One forwarded port: the workstation's and the pod's (`8080:80`). `local` is 0 until the
/// listener is made when the port was left to the system (`:80`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardedPort {
    pub local: u16,
    pub remote: u16,
}

/// `kubectl port-forward` running: the pod (its UID: a pod that replaces it under the same
/// name is not forwarded to), the addresses and ports it listens on.
#[derive(Debug, Clone)]
pub struct PortForward {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    /// Addresses, as client-go sorts them (`127.0.0.1`, `::1`), each with whether it came from
    /// `localhost` (those fail a port only if all of them fail).
    pub addresses: Vec<(String, bool)>,
    pub ports: Vec<ForwardedPort>,
    /// The (address, port) pairs it listens on.
    pub listening: Vec<(String, u16)>,
    /// A connection could not reach the pod: kubectl said "lost connection to pod" and ends.
    pub lost: bool,
    /// The process id its klog lines carry (a background job's, as `[1] 4243` showed it).
    pub pid: u32,
}
