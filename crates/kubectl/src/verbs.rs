//! The verb table: every kubectl verb defined once, as ripgrep defines each flag once. An entry
//! names the verb, its help group and one-line summary (`kubectl --help`), its help text
//! (`kubectl VERB --help`), the flags its parser takes, its subcommands, what its operands are,
//! and the function that runs it. Dispatch, help, Tab completion and "Did you mean this?" all
//! read this table, so adding a verb is one entry here (and the module that runs it).

use crate::args::{sub, FlagSpec, Operands, Sub};
use crate::output::Output;
use crate::{
    apply, auth, cp, debug, delete, describe, diff, drain, edit, events, exec, explain, expose,
    get, info, label, logs, patch, portforward, replace, rollout, scale, set, taint, top, wait,
    Env,
};
use ordinal_sim::api::Kind;
use ordinal_sim::Cluster;

/// What runs a verb: the words after the verb's name (global flags included), the environment.
pub type RunFn = fn(&mut Cluster, &[String], &Env) -> Output;

/// The sections of `kubectl --help`, in order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Group {
    BasicBeginner,
    BasicIntermediate,
    Deploy,
    ClusterManagement,
    Troubleshooting,
    Advanced,
    Settings,
    Other,
}

impl Group {
    pub const ALL: [Group; 8] = [
        Group::BasicBeginner,
        Group::BasicIntermediate,
        Group::Deploy,
        Group::ClusterManagement,
        Group::Troubleshooting,
        Group::Advanced,
        Group::Settings,
        Group::Other,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::BasicBeginner => "Basic Commands (Beginner):",
            Group::BasicIntermediate => "Basic Commands (Intermediate):",
            Group::Deploy => "Deploy Commands:",
            Group::ClusterManagement => "Cluster Management Commands:",
            Group::Troubleshooting => "Troubleshooting and Debugging Commands:",
            Group::Advanced => "Advanced Commands:",
            Group::Settings => "Settings Commands:",
            Group::Other => "Other Commands:",
        }
    }
}

/// `kubectl VERB --help`: what it does, its usage line, examples.
#[derive(Copy, Clone, Debug)]
pub struct Help {
    pub what: &'static str,
    pub usage: &'static str,
    pub examples: &'static str,
}

#[derive(Copy, Clone, Debug)]
pub enum Run {
    /// A verb the playground has.
    Cmd(RunFn),
    /// `kubectl help [VERB]` (dispatch answers it before any verb runs).
    Help,
    /// A real kubectl verb the playground lacks: it says so, and why (the words after
    /// `error: "kubectl VERB" is not available in this playground: `).
    NotHere(&'static str),
}

/// One kubectl verb.
#[derive(Copy, Clone, Debug)]
pub struct Verb {
    pub name: &'static str,
    /// Other names that run it (none yet; kubectl's are few).
    pub aliases: &'static [&'static str],
    /// Its section of `kubectl --help` (`None`: not listed there).
    pub group: Option<Group>,
    /// Its line in `kubectl --help`.
    pub summary: &'static str,
    /// `kubectl VERB --help` (`None` for a verb the playground lacks).
    pub help: Option<Help>,
    /// The flags its parser takes (besides [`crate::args::GLOBAL`]).
    pub flags: &'static [FlagSpec],
    pub subs: &'static [Sub],
    /// Its operands (after its subcommands, if it has any).
    pub operands: Operands,
    pub run: Run,
}

impl Verb {
    /// Whether `word` names it.
    pub fn is(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }

    /// Whether its parser (or a subcommand's) takes `--long`/`-s` with a value; global flags too.
    pub fn takes_value(&self, word: &str) -> bool {
        fn in_subs(subs: &[Sub], word: &str) -> bool {
            subs.iter().any(|s| {
                s.flags.iter().any(|f| f.names(word) && f.takes_value) || in_subs(s.subs, word)
            })
        }
        crate::args::takes_value(self.flags, word) || in_subs(self.subs, word)
    }
}

/// The verb `word` names.
pub fn find(word: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.is(word))
}

/// The verbs the playground runs, alphabetically (what "Did you mean this?" and Tab completion
/// choose from).
pub fn commands() -> Vec<&'static str> {
    let mut names: Vec<&str> = VERBS
        .iter()
        .filter(|v| matches!(v.run, Run::Cmd(_)))
        .map(|v| v.name)
        .collect();
    ordinal_sim::sort::sort(&mut names);
    names
}

/// A real kubectl verb that the playground lacks: listed in `kubectl --help` as kubectl lists
/// it, and run, it says why it cannot run here.
const fn not_here(
    name: &'static str,
    group: Group,
    summary: &'static str,
    why: &'static str,
) -> Verb {
    Verb {
        name,
        aliases: &[],
        group: Some(group),
        summary,
        help: None,
        flags: &[],
        subs: &[],
        operands: Operands::None,
        run: Run::NotHere(why),
    }
}

const LABEL_HELP: Help = Help {
    what: "Add, change (--overwrite) or remove (KEY-) labels or annotations.",
    usage: "kubectl label|annotate (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--overwrite] [--resource-version=version] [options]",
    examples: "  kubectl label pod web-0 tier=frontend\n  kubectl label pod web-0 tier-",
};

const CORDON_HELP: Help = Help {
    what: "Mark a node unschedulable (cordon) or schedulable again (uncordon).",
    usage: "kubectl cordon|uncordon NODE [options]",
    examples: "  kubectl cordon kind-worker",
};

/// `kubectl create`'s subcommands (`create -f` is the verb's own flags).
const CREATE_SUBCOMMANDS: &[Sub] = &[
    sub(
        "deployment",
        crate::deployment::CREATE_FLAGS,
        Operands::None,
    )
    .aliases(&["deploy"]),
    sub("secret", apply::SECRET_FLAGS, Operands::None).subs(&[
        sub("docker-registry", &[], Operands::None),
        sub("generic", &[], Operands::None),
    ]),
    sub("namespace", apply::NAMESPACE_FLAGS, Operands::None).aliases(&["ns"]),
];

/// Every verb, in `kubectl --help`'s order (v1.33's, those the playground lacks included), then
/// `help` and the hidden `alpha`.
pub static VERBS: &[Verb] = &[
    Verb {
        name: "create",
        aliases: &[],
        group: Some(Group::BasicBeginner),
        summary: "Create a resource from a file or from stdin",
        help: Some(Help {
            what: "Create a resource from a file, or a docker-registry/generic secret, or a namespace.",
            usage: "kubectl create -f FILENAME [flags] [options]\n  kubectl create deployment NAME --image=image [--replicas=N] [--port=PORT] [-- COMMAND [args...]]\n  kubectl create secret docker-registry NAME --docker-server=SERVER --docker-username=USER --docker-password=PASSWORD [--docker-email=EMAIL]",
            examples: "  kubectl create deployment nginx --image=nginx:1.25 --replicas=3\n  kubectl create deployment nginx --image=nginx --dry-run=client -o yaml > nginx.yaml\n  kubectl create secret docker-registry registry-secret-aliyun --docker-server=registry.cn-hangzhou.aliyuncs.com --docker-username=me --docker-password=secret",
        }),
        flags: apply::FILE_FLAGS,
        subs: CREATE_SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(apply::create),
    },
    Verb {
        name: "expose",
        aliases: &[],
        group: Some(Group::BasicBeginner),
        summary: "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
        help: Some(Help {
            what: "Expose a pod or a service as a new Service: its selector is the pod's labels or the service's selector, its ports the pod's container ports or the service's ports (unless --port says). --type picks ClusterIP, NodePort, LoadBalancer or ExternalName; --cluster-ip=None makes it headless. A StatefulSet cannot be exposed (kubectl says so); expose its pods' labels with a Service of your own.",
            usage: "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]",
            examples: "  kubectl expose pod web-0 --port=80 --name=web-0\n  kubectl expose service nginx --port=443 --target-port=80 --name=nginx-https\n  kubectl expose pod web-0 --cluster-ip=None --name=web-0-headless",
        }),
        flags: expose::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(expose::expose),
    },
    Verb {
        name: "run",
        aliases: &[],
        group: Some(Group::BasicBeginner),
        summary: "Run a particular image on the cluster",
        help: Some(Help {
            what: "Create a pod running an image. With -i (and --tty) the terminal attaches to it; --rm deletes it when you leave.",
            usage: "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--restart=Always|OnFailure|Never] [--rm] [-i] [--tty] [-- COMMAND [args...]] [options]",
            examples: "  kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm",
        }),
        flags: exec::RUN_FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(exec::run),
    },
    Verb {
        name: "set",
        aliases: &[],
        group: Some(Group::BasicBeginner),
        summary: "Set specific features on objects",
        help: Some(Help {
            what: "Configure application resources: change the image, the environment variables or the resource requests and limits of a StatefulSet's pod template (or of a pod, where the API allows it).",
            usage: "kubectl set SUBCOMMAND [options]\n  kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N\n  kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N\n  kubectl set resources (TYPE NAME | TYPE/NAME) ([--limits=LIMITS & --requests=REQUESTS]",
            examples: "  kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.24\n  kubectl set env sts/web GREETING=hello\n  kubectl set env sts/web --list\n  kubectl set env sts/web GREETING-\n  kubectl set resources sts/web -c nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m",
        }),
        flags: &[],
        subs: set::SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(set::set),
    },
    Verb {
        name: "explain",
        aliases: &[],
        group: Some(Group::BasicIntermediate),
        summary: "Get documentation for a resource",
        help: Some(Help {
            what: "Describe the fields of a resource: TYPE[.GROUP] then a dotted field path. The descriptions are the ones `ordinal serve` publishes (the simulated types' own). --recursive lists every field below without descriptions.",
            usage: "kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [--output=plaintext|plaintext-openapiv2]",
            examples: "  kubectl explain pods
  kubectl explain sts.spec.podManagementPolicy
  kubectl explain statefulsets.apps.spec --recursive
  kubectl explain pod.spec.containers --api-version=v1",
        }),
        flags: explain::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(explain::explain),
    },
    Verb {
        name: "get",
        aliases: &[],
        group: Some(Group::BasicIntermediate),
        summary: "Display one or many resources",
        help: Some(Help {
            what: "Display one or many resources. Prints a table of the most important fields; -o picks another format (wide, name, yaml, json, jsonpath=..., go-template=..., custom-columns=...). --sort-by orders the list, -L adds label columns. -w keeps watching and prints a line per change.",
            usage: "kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]",
            examples: "  kubectl get pods -l app=nginx -w\n  kubectl get sts web -o yaml\n  kubectl get pvc,pv\n  kubectl get pods -o jsonpath='{.items[*].status.podIP}'\n  kubectl get pod web-0 --template '{{range .spec.containers}}{{.image}}{{end}}'\n  kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP --sort-by=.status.podIP",
        }),
        flags: get::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(get::run),
    },
    Verb {
        name: "edit",
        aliases: &[],
        group: Some(Group::BasicIntermediate),
        summary: "Edit a resource on the server",
        help: Some(Help {
            what: "Edit a resource from the default editor: the object opens in the editor (KUBE_EDITOR, else EDITOR, else vi; in the browser, the Manifest panel), and what you save is sent as a strategic merge patch. Lines beginning with '#' are ignored and an empty file cancels the edit; if saving fails, the file reopens with the errors at its top. Several objects open as one List. -o json edits JSON instead of YAML.",
            usage: "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]",
            examples: "  kubectl edit sts/web\n  KUBE_EDITOR=nano kubectl edit svc nginx\n  kubectl edit sts web -o json\n  kubectl edit sts web --output-patch",
        }),
        flags: edit::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(edit::edit),
    },
    Verb {
        name: "delete",
        aliases: &[],
        group: Some(Group::BasicIntermediate),
        summary: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
        help: Some(Help {
            what: "Delete resources by name, by label selector, or from a manifest. By default kubectl waits until they are gone. --cascade picks what happens to the pods of a StatefulSet (background, foreground, orphan).",
            usage: "kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [flags] [options]",
            examples: "  kubectl delete pod -l app=nginx\n  kubectl delete sts web --cascade=orphan\n  kubectl delete pod web-0 --grace-period=0 --force",
        }),
        flags: delete::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(delete::run),
    },
    Verb {
        name: "rollout",
        aliases: &[],
        group: Some(Group::Deploy),
        summary: "Manage the rollout of a resource",
        help: Some(Help {
            what: "Manage the rollout of a Deployment or StatefulSet: status (wait for it), history, undo, restart; pause and resume a Deployment's.",
            usage: "kubectl rollout SUBCOMMAND (TYPE NAME | TYPE/NAME) [options]",
            examples: "  kubectl rollout status deployment/nginx\n  kubectl rollout history deployment/nginx --revision=2\n  kubectl rollout undo deployment/nginx --to-revision=1\n  kubectl rollout pause deployment/nginx\n  kubectl rollout status sts/web\n  kubectl rollout undo sts/web --to-revision=1",
        }),
        flags: rollout::FLAGS,
        subs: rollout::SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(rollout::rollout),
    },
    Verb {
        name: "scale",
        aliases: &[],
        group: Some(Group::Deploy),
        summary: "Set a new size for a deployment, replica set, or replication controller",
        help: Some(Help {
            what: "Set a new number of replicas for a Deployment, ReplicaSet or StatefulSet. With --current-replicas, only if it has that many now.",
            usage: "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]",
            examples: "  kubectl scale deployment nginx --replicas=5\n  kubectl scale --current-replicas=2 --replicas=3 deployment/nginx\n  kubectl scale sts web --replicas=5",
        }),
        flags: scale::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(scale::scale),
    },
    not_here(
        "autoscale",
        Group::Deploy,
        "Auto-scale a deployment, replica set, stateful set, or replication controller",
        "it has no metrics-server and no HorizontalPodAutoscaler controller",
    ),
    not_here(
        "certificate",
        Group::ClusterManagement,
        "Modify certificate resources",
        "it has no CertificateSigningRequests to approve or deny",
    ),
    Verb {
        name: "cluster-info",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Display cluster information",
        help: Some(Help {
            what: "Print where the control plane and DNS run.",
            usage: "kubectl cluster-info [flags] [options]",
            examples: "  kubectl cluster-info",
        }),
        flags: &[],
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(info::cluster_info),
    },
    Verb {
        name: "top",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Display resource (CPU/memory) usage",
        help: Some(Help {
            what: "Display resource (CPU/memory) usage of nodes or pods. It needs the Metrics API (metrics-server), which kind does not install: here, as on a fresh kind cluster, kubectl says it is not available.",
            usage: "kubectl top (node | pod) [NAME | -l label] [options]",
            examples: "  kubectl top pod\n  kubectl top node",
        }),
        flags: &[],
        subs: top::SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(top::top),
    },
    Verb {
        name: "cordon",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Mark node as unschedulable",
        help: Some(CORDON_HELP),
        flags: drain::CORDON_FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Node),
        run: Run::Cmd(drain::cordon),
    },
    Verb {
        name: "uncordon",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Mark node as schedulable",
        help: Some(CORDON_HELP),
        flags: drain::CORDON_FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Node),
        run: Run::Cmd(drain::uncordon),
    },
    Verb {
        name: "drain",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Drain node in preparation for maintenance",
        help: Some(Help {
            what: "Drain a node in preparation for maintenance: cordon it, then evict its pods through the eviction API and wait until they are gone. Pods without a controller need --force; pods with emptyDir volumes need --delete-emptydir-data. --grace-period overrides the pods' own; --timeout gives up after a while.",
            usage: "kubectl drain NODE [--force] [--delete-emptydir-data] [--ignore-daemonsets] [--grace-period=SECONDS] [--timeout=DURATION] [options]",
            examples: "  kubectl drain kind-worker --ignore-daemonsets\n  kubectl uncordon kind-worker",
        }),
        flags: drain::FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Node),
        run: Run::Cmd(drain::drain),
    },
    Verb {
        name: "taint",
        aliases: &[],
        group: Some(Group::ClusterManagement),
        summary: "Update the taints on one or more nodes",
        help: Some(Help {
            what: "Update the taints on one or more nodes: KEY=VALUE:EFFECT adds one (EFFECT is NoSchedule, PreferNoSchedule or NoExecute), KEY:EFFECT- removes one, KEY- removes every taint with that key. The scheduler keeps pods that do not tolerate a NoSchedule taint off the node; a NoExecute taint also evicts the pods already there (after their tolerationSeconds).",
            usage: "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]",
            examples: "  kubectl taint nodes kind-worker dedicated=special-user:NoSchedule\n  kubectl taint nodes kind-worker dedicated:NoSchedule-\n  kubectl taint nodes kind-worker dedicated-\n  kubectl taint node --all maintenance=soon:PreferNoSchedule",
        }),
        flags: taint::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(taint::taint),
    },
    Verb {
        name: "describe",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Show details of a specific resource or group of resources",
        help: Some(Help {
            what: "Show details of a resource, including the events recorded about it.",
            usage: "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]",
            examples: "  kubectl describe pod web-0\n  kubectl describe sts web",
        }),
        flags: describe::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(describe::run),
    },
    Verb {
        name: "logs",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Print the logs for a container in a pod",
        help: Some(Help {
            what: "Print the logs of a container in a pod.",
            usage: "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]",
            examples: "  kubectl logs web-0",
        }),
        flags: logs::FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Pod),
        run: Run::Cmd(logs::logs),
    },
    Verb {
        name: "attach",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Attach to a running container",
        help: Some(Help {
            what: "Attach to a process that is already running inside an existing container: a shell started with `run -it` takes your input again (exit ends it, and the container restarts); any other process (nginx) shows its output as it writes it, until Ctrl-C.",
            usage: "kubectl attach (POD | TYPE/NAME) -c CONTAINER [options]",
            examples: "  kubectl attach web-0\n  kubectl attach shell -c shell -i -t\n  kubectl attach sts/web",
        }),
        flags: exec::ATTACH_FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Pod),
        run: Run::Cmd(exec::attach),
    },
    Verb {
        name: "exec",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Execute a command in a container",
        help: Some(Help {
            what: "Run a command in a container. With -it and a shell, you get an interactive shell; type exit to leave it.",
            usage: "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]",
            examples: "  kubectl exec web-0 -- hostname\n  kubectl exec -it web-0 -- sh\n  for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done",
        }),
        flags: exec::EXEC_FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Pod),
        run: Run::Cmd(exec::exec),
    },
    Verb {
        name: "port-forward",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Forward one or more local ports to a pod",
        help: Some(Help {
            what: "Forward one or more local ports to a pod (or to the pod kubectl picks for a Service or a StatefulSet, with the Service's targetPort) until Ctrl-C. End the line with & to keep it running in the background and use the terminal meanwhile: curl localhost:PORT reaches the pod, jobs lists it, kill %1 stops it. The forward ends when a connection finds its pod gone.",
            usage: "kubectl port-forward TYPE/NAME [--address ADDRESS,...] [--pod-running-timeout DURATION] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N] [options]",
            examples: "  kubectl port-forward web-0 8080:80 &\n  curl localhost:8080\n  kubectl port-forward svc/nginx :80 &\n  kubectl port-forward --address 0.0.0.0 pod/web-0 8888:80 &",
        }),
        flags: portforward::FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Pod),
        run: Run::Cmd(portforward::port_forward),
    },
    not_here(
        "proxy",
        Group::Troubleshooting,
        "Run a proxy to the Kubernetes API server",
        "a browser tab cannot listen on a port; `ordinal serve` gives real kubectl the API",
    ),
    Verb {
        name: "cp",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Copy files and directories to and from containers",
        help: Some(Help {
            what: "Copy files and directories to and from containers. It runs tar in the container (kubectl exec … -- tar), so the image must have tar. Local paths are the terminal's files (cat, ls show them); a file copied into a volume outlives the pod.",
            usage: "kubectl cp <file-spec-src> <file-spec-dest> [options]\n  (a file spec is [[namespace/]pod:]file/path, or a local path)",
            examples: "  # Copy a local file into web-0's volume\n  kubectl cp hello.html web-0:/usr/share/nginx/html/hello.html\n\n  # Copy a file or a directory out of a pod\n  kubectl cp web-0:/usr/share/nginx/html/hello.html copy.html\n  kubectl cp web-0:/usr/share/nginx/html html\n\n  # Name the namespace and the container\n  kubectl cp hello.html default/web-0:/tmp -c nginx",
        }),
        flags: cp::FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(cp::cp),
    },
    Verb {
        name: "auth",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Inspect authorization",
        help: Some(Help {
            what: "Inspect authorization: can-i asks whether you may do something (kind's kubernetes-admin may do everything), --list prints your rules; whoami prints who you are.",
            usage: "kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]\n  kubectl auth can-i --list [options]\n  kubectl auth whoami [options]",
            examples: "  kubectl auth can-i create statefulsets\n  kubectl auth can-i --list\n  kubectl auth whoami",
        }),
        flags: &[],
        subs: auth::SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(auth::auth),
    },
    Verb {
        name: "debug",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "Create debugging sessions for troubleshooting workloads and nodes",
        help: Some(Help {
            what: "Debug a pod or a node with a container of your own. POD: an ephemeral container joins the running pod (--target=CONTAINER shares that container's processes, so ps shows them); it is never restarted and stays in the pod's spec. --copy-to=NAME: a copy of the pod with a debug container (or changed images, --set-image). node/NAME: a pod on that node in its host namespaces, the node's filesystem at /host. With -it you get a shell in the new container; type exit to leave it.",
            usage: "kubectl debug (POD | TYPE/NAME) --image=IMAGE [-c NAME] [--target=CONTAINER] [-it] [--profile=PROFILE] [ -- COMMAND [args...] ] [options]\n  kubectl debug POD --copy-to=NAME [--image=IMAGE] [--set-image=CONTAINER=IMAGE,...] [--share-processes] [--same-node] [--replace] [options]\n  kubectl debug node/NAME --image=IMAGE [-it] [options]",
            examples: "  kubectl debug -it web-0 --image=busybox:1.28 --target=nginx\n  kubectl debug web-0 --image=busybox:1.28 -c probe -- sleep 3600\n  kubectl debug web-0 -it --image=busybox:1.28 --copy-to=web-0-debug --share-processes\n  kubectl debug node/kind-worker -it --image=busybox:1.28",
        }),
        flags: debug::FLAGS,
        subs: &[],
        operands: Operands::Name(Kind::Pod),
        run: Run::Cmd(debug::debug),
    },
    Verb {
        name: "events",
        aliases: &[],
        group: Some(Group::Troubleshooting),
        summary: "List events",
        help: Some(Help {
            what: "Display events: a table of the most important information about them, for a namespace, for all namespaces (-A), or for one object (--for TYPE/NAME), sorted by when they were last seen. -w keeps printing new ones.",
            usage: "kubectl events [(-o|--output=)json|yaml|name|jsonpath] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]",
            examples: "  kubectl events\n  kubectl events --all-namespaces\n  kubectl events --for pod/web-0 --watch\n  kubectl events -oyaml\n  kubectl events --types=Warning,Normal",
        }),
        flags: events::FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(events::events),
    },
    Verb {
        name: "diff",
        aliases: &[],
        group: Some(Group::Advanced),
        summary: "Diff the live version against a would-be applied version",
        help: Some(Help {
            what: "Show what `kubectl apply -f` would change: the live object against the one a server-side dry run of the apply returns, as `diff -u`. Exit status 0 when nothing would change, 1 when something would, 2 on an error.",
            usage: "kubectl diff -f FILENAME [options]",
            examples: "  kubectl diff -f web.yaml\n  cat web.yaml | kubectl diff -f -",
        }),
        flags: diff::FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(diff::diff),
    },
    Verb {
        name: "apply",
        aliases: &[],
        group: Some(Group::Advanced),
        summary: "Apply a configuration to a resource by file name or stdin",
        help: Some(Help {
            what: "Create or update resources from a manifest, remembering what was applied so the next apply can tell what changed.",
            usage: "kubectl apply (-f FILENAME) [flags] [options]",
            examples: "  kubectl apply -f web.yaml\n  kubectl apply -f https://k8s.io/examples/application/web/web.yaml",
        }),
        flags: apply::FILE_FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(apply::apply),
    },
    Verb {
        name: "patch",
        aliases: &[],
        group: Some(Group::Advanced),
        summary: "Update fields of a resource",
        help: Some(Help {
            what: "Update fields of a resource with a strategic merge patch (default), a JSON merge patch (--type=merge) or a JSON patch (--type=json).",
            usage: "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]",
            examples: "  kubectl patch sts web -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":3}}}}'\n  kubectl patch sts web --type='json' -p='[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'",
        }),
        flags: patch::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(patch::patch),
    },
    Verb {
        name: "replace",
        aliases: &[],
        group: Some(Group::Advanced),
        summary: "Replace a resource by file name or stdin",
        help: Some(Help {
            what: "Replace a resource by file name or stdin: the whole object is sent (PUT), so the file must describe it completely. With a resourceVersion in the file, a change made since is a conflict. --force deletes the objects and creates them again.",
            usage: "kubectl replace -f FILENAME [options]",
            examples: "  kubectl get sts web -o yaml > web-live.yaml\n  kubectl replace -f web-live.yaml\n  kubectl replace --force -f web.yaml",
        }),
        flags: replace::FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(replace::replace),
    },
    Verb {
        name: "wait",
        aliases: &[],
        group: Some(Group::Advanced),
        summary: "Experimental: Wait for a specific condition on one or many resources",
        help: Some(Help {
            what: "Wait until resources meet a condition, are deleted, or a field has a value.",
            usage: "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]",
            examples: "  kubectl wait --for=condition=Ready pod/web-0 --timeout=60s",
        }),
        flags: wait::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(wait::wait),
    },
    not_here(
        "kustomize",
        Group::Advanced,
        "Build a kustomization target from a directory or URL",
        "it has no kustomize build engine (nor apply -k); apply -f takes the manifests themselves",
    ),
    Verb {
        name: "label",
        aliases: &[],
        group: Some(Group::Settings),
        summary: "Update the labels on a resource",
        help: Some(LABEL_HELP),
        flags: label::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(label::label),
    },
    Verb {
        name: "annotate",
        aliases: &[],
        group: Some(Group::Settings),
        summary: "Update the annotations on a resource",
        help: Some(LABEL_HELP),
        flags: label::FLAGS,
        subs: &[],
        operands: Operands::Typed,
        run: Run::Cmd(label::annotate),
    },
    not_here(
        "completion",
        Group::Settings,
        "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
        "Tab completion is built into this terminal; there is no shell to load a script into",
    ),
    Verb {
        name: "api-resources",
        aliases: &[],
        group: Some(Group::Other),
        summary: "Print the supported API resources on the server",
        help: Some(Help {
            what: "Print the resource types this API server serves.",
            usage: "kubectl api-resources [flags] [options]",
            examples: "  kubectl api-resources",
        }),
        flags: &[],
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(info::api_resources),
    },
    Verb {
        name: "api-versions",
        aliases: &[],
        group: Some(Group::Other),
        summary: "Print the supported API versions on the server, in the form of \"group/version\"",
        help: Some(Help {
            what: "Print the API versions this API server serves, as group/version.",
            usage: "kubectl api-versions [options]",
            examples: "  kubectl api-versions",
        }),
        flags: &[],
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(info::api_versions),
    },
    Verb {
        name: "config",
        aliases: &[],
        group: Some(Group::Other),
        summary: "Modify kubeconfig files",
        help: Some(Help {
            what: "Show the kubeconfig: current-context, get-contexts, view.",
            usage: "kubectl config SUBCOMMAND [options]",
            examples: "  kubectl config current-context",
        }),
        flags: &[],
        subs: info::CONFIG_SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(info::config),
    },
    Verb {
        name: "plugin",
        aliases: &[],
        group: Some(Group::Other),
        summary: "Provides utilities for interacting with plugins",
        help: Some(Help {
            what: "List the kubectl plugins on your PATH: the playground's workstation has none.",
            usage: "kubectl plugin list [flags] [options]",
            examples: "  kubectl plugin list",
        }),
        flags: &[],
        subs: info::PLUGIN_SUBCOMMANDS,
        operands: Operands::None,
        run: Run::Cmd(info::plugin),
    },
    Verb {
        name: "version",
        aliases: &[],
        group: Some(Group::Other),
        summary: "Print the client and server version information",
        help: Some(Help {
            what: "Print the client and server versions.",
            usage: "kubectl version [flags] [options]",
            examples: "  kubectl version",
        }),
        flags: info::VERSION_FLAGS,
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(info::version),
    },
    Verb {
        name: "help",
        aliases: &[],
        group: None,
        summary: "Help about any command",
        help: None,
        flags: &[],
        subs: &[],
        operands: Operands::Verbs,
        run: Run::Help,
    },
    Verb {
        name: "alpha",
        aliases: &[],
        // kubectl hides it from its help when, as in v1.33, it has no subcommands.
        group: None,
        summary: "Commands for features in alpha",
        // Its help is what it prints.
        help: None,
        flags: &[],
        subs: &[],
        operands: Operands::None,
        run: Run::Cmd(info::alpha),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::GLOBAL;
    use crate::complete::complete;
    use std::collections::BTreeSet;

    /// Flags whose names collide (with each other or a global flag) would parse as the first.
    fn check_flags(what: &str, flags: &[FlagSpec]) {
        let mut longs = BTreeSet::new();
        let mut shorts = BTreeSet::new();
        for f in flags.iter().chain(GLOBAL) {
            assert!(longs.insert(f.long), "{what}: --{} twice", f.long);
            if let Some(s) = f.short {
                assert!(shorts.insert(s), "{what}: -{s} twice");
            }
        }
    }

    fn check_subs(what: &str, subs: &[Sub]) {
        let mut names = BTreeSet::new();
        for s in subs {
            for n in std::iter::once(s.name).chain(s.aliases.iter().copied()) {
                assert!(names.insert(n), "{what}: subcommand {n} twice");
            }
            let what = format!("{what} {}", s.name);
            check_flags(&what, s.flags);
            check_subs(&what, s.subs);
        }
    }

    /// A verb the playground runs has a help group and help (or is hidden, as kubectl v1.33
    /// hides `alpha`), a summary, and flags and subcommands that do not collide; a verb it
    /// lacks is listed (group and summary) and says why, but has no help or flags; no two
    /// verbs share a name.
    #[test]
    fn every_verb_is_whole() {
        let mut names = BTreeSet::new();
        for v in VERBS {
            for n in std::iter::once(v.name).chain(v.aliases.iter().copied()) {
                assert!(names.insert(n), "{n} names two verbs");
            }
            assert!(
                !v.summary.is_empty() && v.name.len() < 16,
                "{}: its line in kubectl --help",
                v.name
            );
            match v.run {
                // Hidden, as kubectl v1.33 hides `alpha`: what it prints is its help.
                Run::Cmd(_) if v.group.is_none() => {
                    assert_eq!(v.name, "alpha", "{} is in no help group", v.name);
                }
                Run::Cmd(_) => {
                    let Some(h) = v.help else {
                        panic!("{} has no help", v.name);
                    };
                    assert!(
                        !h.what.is_empty() && !h.examples.is_empty(),
                        "{}: help",
                        v.name
                    );
                    assert!(h.usage.starts_with("kubectl "), "{}: usage", v.name);
                }
                Run::Help => assert_eq!(v.operands, Operands::Verbs),
                Run::NotHere(why) => assert!(
                    v.group.is_some()
                        && v.help.is_none()
                        && v.flags.is_empty()
                        && !why.is_empty()
                        && !why.ends_with('.')
                        && !why.contains('\n'),
                    "{} is not here, yet half defined, or its reason is not one line",
                    v.name
                ),
            }
            check_flags(v.name, v.flags);
            check_subs(v.name, v.subs);
        }
        for g in Group::ALL {
            assert!(
                VERBS.iter().any(|v| v.group == Some(g)),
                "{g:?} lists no verb"
            );
        }
    }

    /// `kubectl --help` of kubectl v1.33 (`pkg/cmd/cmd.go`'s groups; "Other Commands" are
    /// cobra's, alphabetically, without the hidden `alpha` and `options`): every verb it lists
    /// is in the table, in its group, in its order.
    #[test]
    fn help_lists_every_v1_33_verb_in_its_order() {
        const V1_33: &[(Group, &[&str])] = &[
            (Group::BasicBeginner, &["create", "expose", "run", "set"]),
            (
                Group::BasicIntermediate,
                &["explain", "get", "edit", "delete"],
            ),
            (Group::Deploy, &["rollout", "scale", "autoscale"]),
            (
                Group::ClusterManagement,
                &[
                    "certificate",
                    "cluster-info",
                    "top",
                    "cordon",
                    "uncordon",
                    "drain",
                    "taint",
                ],
            ),
            (
                Group::Troubleshooting,
                &[
                    "describe",
                    "logs",
                    "attach",
                    "exec",
                    "port-forward",
                    "proxy",
                    "cp",
                    "auth",
                    "debug",
                    "events",
                ],
            ),
            (
                Group::Advanced,
                &["diff", "apply", "patch", "replace", "wait", "kustomize"],
            ),
            (Group::Settings, &["label", "annotate", "completion"]),
            (
                Group::Other,
                &[
                    "api-resources",
                    "api-versions",
                    "config",
                    "plugin",
                    "version",
                ],
            ),
        ];
        assert_eq!(V1_33.len(), Group::ALL.len());
        for (g, want) in V1_33 {
            let listed: Vec<&str> = VERBS
                .iter()
                .filter(|v| v.group == Some(*g))
                .map(|v| v.name)
                .collect();
            assert_eq!(&listed, want, "{g:?}");
        }
        for v in ["alpha", "help"] {
            assert!(find(v).is_some_and(|v| v.group.is_none()), "{v}");
        }
    }

    /// Tab completion offers every verb, and takes the word after any flag with a value (the
    /// verb's or a subcommand's) as that value, not an operand.
    #[test]
    fn completion_knows_every_verb_and_flag() {
        let c = Cluster::new(1);
        let cands = |line: &str| complete(&c, "default", line).candidates;
        fn walk(prefix: &str, flags: &[FlagSpec], subs: &[Sub], lines: &mut Vec<(String, String)>) {
            for f in flags.iter().filter(|f| f.takes_value) {
                lines.push((prefix.to_string(), format!("{prefix}--{} x ", f.long)));
                lines.push((prefix.to_string(), format!("{prefix}--{} ", f.long)));
                if let Some(s) = f.short {
                    lines.push((prefix.to_string(), format!("{prefix}-{s} x ")));
                }
            }
            for s in subs {
                walk(&format!("{prefix}{} ", s.name), s.flags, s.subs, lines);
            }
        }
        for v in VERBS.iter().filter(|v| matches!(v.run, Run::Cmd(_))) {
            assert!(
                cands("kubectl ").contains(&v.name.to_string()),
                "{}",
                v.name
            );
            let mut lines = Vec::new();
            walk(&format!("kubectl {} ", v.name), v.flags, v.subs, &mut lines);
            for (without, with) in lines {
                let expect = if with.ends_with(" x ") {
                    cands(&without)
                } else {
                    Vec::new()
                };
                assert_eq!(cands(&with), expect, "{with:?}");
            }
        }
    }
}
