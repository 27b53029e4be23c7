"""The official Python client (PyPI `kubernetes`) against `ordinal serve`.

Usage: client.py KUBECONFIG WEB_YAML

Loads the kubeconfig, lists nodes and pods, creates the lesson's objects (the docker-registry
secret, then examples/web.yaml's Service and StatefulSet) with create_namespaced_*, watches the
pods until web-0 and web-1 are Running and Ready, scales the StatefulSet with a patch and reads
its scale subresource, reads a missing pod (404 as an ApiException), and deletes what it made.
Prints one line per thing it saw; crates/server/tests/python_client.rs asserts on them.
"""

import base64
import json
import sys

import yaml
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def say(*parts):
    print(*parts, flush=True)


def as_dict(o):
    return o if isinstance(o, dict) else o.to_dict()


def ready(pod):
    conds = (pod.status and pod.status.conditions) or []
    return any(c.type == "Ready" and c.status == "True" for c in conds)


def watch_until_ready(core, names, timeout):
    """Watches pods app=nginx until every name is Running and Ready; returns what it saw."""
    state = {}
    w = watch.Watch()
    for ev in w.stream(
        core.list_namespaced_pod,
        "default",
        label_selector="app=nginx",
        timeout_seconds=timeout,
    ):
        pod = ev["object"]
        name = pod.metadata.name
        state[name] = (pod.status.phase, ready(pod))
        say("watch", ev["type"], name, pod.status.phase, "ready" if ready(pod) else "not-ready")
        if all(state.get(n) == ("Running", True) for n in names):
            w.stop()
    return state


def main():
    kubeconfig, web_yaml = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()

    version = client.VersionApi().get_code()
    say("version", version.git_version)

    nodes = core.list_node()
    say("nodes", " ".join(sorted(n.metadata.name for n in nodes.items)))
    for n in nodes.items:
        conds = {c.type: c.status for c in n.status.conditions}
        say("node", n.metadata.name, "Ready=" + conds.get("Ready", "?"))

    pods = core.list_pod_for_all_namespaces()
    namespaces = sorted({p.metadata.namespace for p in pods.items})
    say("pods", len(pods.items), "in", " ".join(namespaces))
    page = core.list_namespaced_pod("kube-system", limit=2)
    say("page", len(page.items), "continue" if page.metadata._continue else "last")

    # The lesson's secret, so the private image pulls, then web.yaml's objects.
    auth = base64.b64encode(b"xxx@xx.com:xxxx").decode()
    docker = {"auths": {"registry.cn-hangzhou.aliyuncs.com": {
        "username": "xxx@xx.com", "password": "xxxx", "auth": auth}}}
    secret = client.V1Secret(
        metadata=client.V1ObjectMeta(name="registry-secret-aliyun"),
        type="kubernetes.io/dockerconfigjson",
        data={".dockerconfigjson": base64.b64encode(json.dumps(docker).encode()).decode()},
    )
    s = core.create_namespaced_secret("default", secret)
    say("created", "secret", s.metadata.name, s.type)

    with open(web_yaml) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for d in docs:
        if d["kind"] == "Service":
            o = core.create_namespaced_service("default", d)
            say("created", "service", o.metadata.name, "clusterIP=" + str(o.spec.cluster_ip))
        elif d["kind"] == "StatefulSet":
            o = apps.create_namespaced_stateful_set("default", d)
            say("created", "statefulset", o.metadata.name, "replicas=%d" % o.spec.replicas)

    state = watch_until_ready(core, ["web-0", "web-1"], 120)
    say("ready", " ".join(n for n in sorted(state) if state[n] == ("Running", True)))

    # Selectors and pages, as the client encodes them.
    running = core.list_namespaced_pod(
        "default", label_selector="app=nginx", field_selector="status.phase=Running")
    say("running", " ".join(p.metadata.name for p in running.items))
    names, token, pages = [], None, 0
    while True:
        page = core.list_namespaced_pod("default", label_selector="app=nginx", limit=1, _continue=token)
        pages += 1
        names += [p.metadata.name for p in page.items]
        token = page.metadata._continue
        if not token:
            break
    say("paged", pages, " ".join(names))

    sts = apps.read_namespaced_stateful_set("web", "default")
    say("statefulset", sts.metadata.name, "readyReplicas=%s" % sts.status.ready_replicas)

    patched = apps.patch_namespaced_stateful_set("web", "default", {"spec": {"replicas": 3}})
    say("patched", "replicas=%d" % patched.spec.replicas)
    scale = apps.read_namespaced_stateful_set_scale("web", "default")
    say("scale", "spec.replicas=%d" % scale.spec.replicas, "selector=" + scale.status.selector)
    state = watch_until_ready(core, ["web-0", "web-1", "web-2"], 120)
    say("ready", " ".join(n for n in sorted(state) if state[n] == ("Running", True)))
    scaled = apps.patch_namespaced_stateful_set_scale("web", "default", {"spec": {"replicas": 2}})
    say("scaled", "spec.replicas=%d" % scaled.spec.replicas)

    try:
        core.read_namespaced_pod("no-such-pod", "default")
        say("404", "missing")
    except ApiException as e:
        body = json.loads(e.body)
        say("404", e.status, body["reason"], body["message"])

    try:
        apps.create_namespaced_stateful_set("default", docs[1])
        say("409", "missing")
    except ApiException as e:
        body = json.loads(e.body)
        say("409", e.status, body["reason"], body["message"])

    bad = json.loads(json.dumps(docs[1]))
    bad["metadata"]["name"] = "Bad_Name"
    try:
        apps.create_namespaced_stateful_set("default", bad)
        say("422", "missing")
    except ApiException as e:
        body = json.loads(e.body)
        causes = body["details"]["causes"]
        say("422", e.status, body["reason"], body["details"]["kind"], causes[0]["field"], causes[0]["reason"])

    # A delete answers with a Status, or with the object for the kinds whose registry says
    # ReturnDeletedObject (a Service); the client returns either as it came.
    for what, call, name in [
        ("statefulset", apps.delete_namespaced_stateful_set, "web"),
        ("service", core.delete_namespaced_service, "nginx"),
        ("secret", core.delete_namespaced_secret, "registry-secret-aliyun"),
    ]:
        d = as_dict(call(name, "default"))
        kind = d.get("kind")
        if kind == "Status":
            say("deleted", what, kind, d.get("status"), d["details"]["name"])
        else:
            say("deleted", what, kind, d["metadata"]["name"])
    try:
        apps.read_namespaced_stateful_set("web", "default")
        say("gone", "no")
    except ApiException as e:
        say("gone", e.status)
    say("done")


if __name__ == "__main__":
    main()
