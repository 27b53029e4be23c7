//! `kubectl --help` and `kubectl CMD --help`, in kubectl's layout, describing what this
//! playground's kubectl does.

pub fn top() -> String {
    "kubectl controls the Kubernetes cluster manager (here: Ordinal's simulated kind cluster).

Basic Commands (Beginner):
  create          Create a resource from a file, or a secret or namespace
  run             Run a particular image on the cluster

Basic Commands (Intermediate):
  get             Display one or many resources
  delete          Delete resources by file names, resource and names, or by label selector

Deploy Commands:
  rollout         Manage the rollout of a StatefulSet
  scale           Set a new size for a StatefulSet

Cluster Management Commands:
  cluster-info    Display cluster information
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  wait            Wait for a specific condition on one or many resources

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  config          Show the kubeconfig (current-context, get-contexts, view)
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
"
    .to_string()
}

pub fn command(cmd: &str) -> Option<String> {
    let (what, usage, examples): (&str, &str, &str) = match cmd {
        "get" => ("Display one or many resources. Prints a table of the most important fields; -o picks another format (wide, name, yaml, json, jsonpath=...). -w keeps watching and prints a line per change.", "kubectl get [(-o|--output=)json|yaml|name|wide|jsonpath=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]", "  kubectl get pods -l app=nginx -w\n  kubectl get sts web -o yaml\n  kubectl get pvc,pv\n  kubectl get pods -o jsonpath='{.items[*].status.podIP}'"),
        "apply" => ("Create or update resources from a manifest, remembering what was applied so the next apply can tell what changed.", "kubectl apply (-f FILENAME) [flags] [options]", "  kubectl apply -f web.yaml\n  kubectl apply -f https://k8s.io/examples/application/web/web.yaml"),
        "create" => ("Create a resource from a file, or a docker-registry/generic secret, or a namespace.", "kubectl create -f FILENAME [flags] [options]\n  kubectl create secret docker-registry NAME --docker-server=SERVER --docker-username=USER --docker-password=PASSWORD [--docker-email=EMAIL]", "  kubectl create secret docker-registry registry-secret-aliyun --docker-server=registry.cn-hangzhou.aliyuncs.com --docker-username=me --docker-password=secret"),
        "delete" => ("Delete resources by name, by label selector, or from a manifest. By default kubectl waits until they are gone. --cascade picks what happens to the pods of a StatefulSet (background, foreground, orphan).", "kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [flags] [options]", "  kubectl delete pod -l app=nginx\n  kubectl delete sts web --cascade=orphan\n  kubectl delete pod web-0 --grace-period=0 --force"),
        "describe" => ("Show details of a resource, including the events recorded about it.", "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]", "  kubectl describe pod web-0\n  kubectl describe sts web"),
        "exec" => ("Run a command in a container. With -it and a shell, you get an interactive shell; type exit to leave it.", "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]", "  kubectl exec web-0 -- hostname\n  kubectl exec -it web-0 -- sh\n  for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done"),
        "run" => ("Create a pod running an image. With -i (and --tty) the terminal attaches to it; --rm deletes it when you leave.", "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--restart=Always|OnFailure|Never] [--rm] [-i] [--tty] [-- COMMAND [args...]] [options]", "  kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm"),
        "scale" => ("Set a new number of replicas for a StatefulSet.", "kubectl scale --replicas=COUNT (-f FILENAME | TYPE NAME) [options]", "  kubectl scale sts web --replicas=5"),
        "patch" => ("Update fields of a resource with a strategic merge patch (default), a JSON merge patch (--type=merge) or a JSON patch (--type=json).", "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]", "  kubectl patch sts web -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":3}}}}'\n  kubectl patch sts web --type='json' -p='[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'"),
        "rollout" => ("Manage the rollout of a StatefulSet: status (wait for it), history, undo, restart.", "kubectl rollout SUBCOMMAND (TYPE NAME | TYPE/NAME) [options]", "  kubectl rollout status sts/web\n  kubectl rollout history sts/web\n  kubectl rollout undo sts/web --to-revision=1"),
        "logs" => ("Print the logs of a container in a pod.", "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]", "  kubectl logs web-0"),
        "wait" => ("Wait until resources meet a condition, are deleted, or a field has a value.", "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]", "  kubectl wait --for=condition=Ready pod/web-0 --timeout=60s"),
        "label" | "annotate" => ("Add, change (--overwrite) or remove (KEY-) labels or annotations.", "kubectl label|annotate (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--overwrite] [options]", "  kubectl label pod web-0 tier=frontend\n  kubectl label pod web-0 tier-"),
        "cordon" | "uncordon" => ("Mark a node unschedulable (cordon) or schedulable again (uncordon).", "kubectl cordon|uncordon NODE [options]", "  kubectl cordon kind-worker"),
        "drain" => ("Drain a node in preparation for maintenance: cordon it, then evict its pods through the eviction API and wait until they are gone. Pods without a controller need --force; pods with emptyDir volumes need --delete-emptydir-data. --grace-period overrides the pods' own; --timeout gives up after a while.", "kubectl drain NODE [--force] [--delete-emptydir-data] [--ignore-daemonsets] [--grace-period=SECONDS] [--timeout=DURATION] [options]", "  kubectl drain kind-worker --ignore-daemonsets\n  kubectl uncordon kind-worker"),
        "version" => ("Print the client and server versions.", "kubectl version [flags] [options]", "  kubectl version"),
        "api-resources" => ("Print the resource types this API server serves.", "kubectl api-resources [flags] [options]", "  kubectl api-resources"),
        "cluster-info" => ("Print where the control plane and DNS run.", "kubectl cluster-info [flags] [options]", "  kubectl cluster-info"),
        "config" => ("Show the kubeconfig: current-context, get-contexts, view.", "kubectl config SUBCOMMAND [options]", "  kubectl config current-context"),
        _ => return None,
    };
    Some(format!("{what}\n\nExamples:\n{examples}\n\nUsage:\n  {usage}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n"))
}
