//! The API over HTTP, checked with raw requests: lists with selectors and pages, the Table form,
//! writes with dry runs, preconditions and propagation, subresources, watches from a version and
//! as tables, and the virtual clock's control endpoints.

use ordinal_server::{start, ClockMode, Config, Handle};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn server() -> Handle {
    start(Config {
        clock: ClockMode::Virtual,
        ..Config::default()
    })
    .expect("server starts")
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn request(h: &Handle, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut s = TcpStream::connect(h.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "Transfer-Encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..nl]).unwrap(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + n]);
        b = &b[nl + 2 + n + 2..];
    }
}

fn get(h: &Handle, path: &str) -> Reply {
    request(h, "GET", path, &[], "")
}

fn post(h: &Handle, path: &str, body: &Value) -> Reply {
    request(
        h,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

fn settle(h: &Handle) {
    assert_eq!(
        request(h, "POST", "/ordinal/v1/clock/settle", &[], "").status,
        200
    );
}

fn web() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {
            "serviceName": "nginx", "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.21"}]},
            },
        },
    })
}

#[test]
fn discovery_answers_both_forms() {
    let h = server();
    let legacy = get(&h, "/api/v1").json();
    assert_eq!(legacy["kind"], "APIResourceList");
    let pods = legacy["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods")
        .unwrap();
    assert_eq!(pods["shortNames"], json!(["po"]));
    assert!(legacy["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "pods/exec"));
    let agg = request(
        &h,
        "GET",
        "/apis",
        &[(
            "Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )],
        "",
    );
    assert!(agg.header("Content-Type")[0].contains("as=APIGroupDiscoveryList"));
    let agg = agg.json();
    let apps = agg["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "apps")
        .unwrap();
    let sts = apps["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "statefulsets")
        .unwrap();
    assert_eq!(sts["scope"], "Namespaced");
    assert!(sts["subresources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["subresource"] == "scale"));
    assert_eq!(get(&h, "/apis/widgets.example.com/v1").status, 404);
    assert_eq!(
        get(&h, "/version").json()["gitVersion"],
        ordinal_sim::KUBERNETES_VERSION
    );
}

#[test]
fn lists_select_and_page() {
    let h = server();
    assert_eq!(
        post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web()).status,
        201
    );
    settle(&h);
    let all = get(&h, "/api/v1/namespaces/default/pods").json();
    assert_eq!(all["kind"], "PodList");
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    // Items carry no kind, as the API server's typed lists.
    assert!(all["items"][0].get("kind").is_none());
    let one = get(
        &h,
        "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb-1",
    )
    .json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let none = get(
        &h,
        "/api/v1/namespaces/default/pods?labelSelector=app%3Dother",
    )
    .json();
    assert!(none["items"].as_array().unwrap().is_empty());
    let bad = get(
        &h,
        "/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx",
    );
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json()["message"],
        "field label not supported: spec.bogus"
    );
    // Pages of two, then the rest.
    let p1 = get(&h, "/api/v1/namespaces/default/pods?limit=2").json();
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    assert_eq!(p1["metadata"]["remainingItemCount"], 1);
    let token = p1["metadata"]["continue"].as_str().unwrap().to_string();
    let p2 = get(
        &h,
        &format!("/api/v1/namespaces/default/pods?limit=2&continue={token}"),
    )
    .json();
    let names: Vec<&str> = p2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web-2"]);
    assert!(p2["metadata"].get("continue").is_none());
}

#[test]
fn tables_carry_the_printers_columns() {
    let h = server();
    post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web());
    settle(&h);
    let t = request(
        &h,
        "GET",
        "/api/v1/namespaces/default/pods",
        &[(
            "Accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )],
        "",
    )
    .json();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<(&str, u64)> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["priority"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        &cols[..5],
        &[
            ("Name", 0),
            ("Ready", 0),
            ("Status", 0),
            ("Restarts", 0),
            ("Age", 0)
        ]
    );
    assert!(cols[5..].iter().all(|(_, p)| *p == 1));
    assert_eq!(t["rows"][0]["cells"][0], "web-0");
    assert_eq!(t["rows"][0]["cells"][2], "Running");
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[test]
fn writes_honour_dry_run_preconditions_and_validation() {
    let h = server();
    let dry = post(
        &h,
        "/apis/apps/v1/namespaces/default/statefulsets?dryRun=All",
        &web(),
    );
    assert_eq!(dry.status, 201);
    assert_eq!(
        get(&h, "/apis/apps/v1/namespaces/default/statefulsets/web").status,
        404
    );
    let mut unknown = web();
    unknown["spec"]["bogus"] = json!(1);
    let strict = post(
        &h,
        "/apis/apps/v1/namespaces/default/statefulsets?fieldValidation=Strict",
        &unknown,
    );
    assert_eq!(strict.status, 400);
    assert_eq!(
        strict.json()["message"],
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.bogus\""
    );
    let warned = post(
        &h,
        "/apis/apps/v1/namespaces/default/statefulsets",
        &unknown,
    );
    assert_eq!(warned.status, 201);
    assert_eq!(
        warned.header("Warning"),
        ["299 - \"unknown field \\\"spec.bogus\\\"\""]
    );
    let again = post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web());
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["reason"], "AlreadyExists");
    let mut invalid = web();
    invalid["metadata"]["name"] = json!("other");
    invalid["spec"]["replicas"] = json!(-1);
    let inv = post(
        &h,
        "/apis/apps/v1/namespaces/default/statefulsets",
        &invalid,
    )
    .json();
    assert_eq!(inv["code"], 422);
    assert_eq!(inv["details"]["kind"], "StatefulSet");
    assert_eq!(inv["details"]["causes"][0]["field"], "spec.replicas");
    assert_eq!(inv["details"]["causes"][0]["reason"], "FieldValueInvalid");
    // A stale resourceVersion on PUT is a conflict.
    let mut live = get(&h, "/apis/apps/v1/namespaces/default/statefulsets/web").json();
    live["metadata"]["resourceVersion"] = json!("1");
    let put = request(
        &h,
        "PUT",
        "/apis/apps/v1/namespaces/default/statefulsets/web",
        &[("Content-Type", "application/json")],
        &live.to_string(),
    );
    assert_eq!(put.status, 409);
    assert_eq!(put.json()["reason"], "Conflict");
    // A delete whose uid precondition does not match is refused.
    let del = request(
        &h,
        "DELETE",
        "/apis/apps/v1/namespaces/default/statefulsets/web",
        &[("Content-Type", "application/json")],
        &json!({"preconditions": {"uid": "nope"}}).to_string(),
    );
    assert_eq!(del.status, 409);
    assert!(del.json()["message"]
        .as_str()
        .unwrap()
        .contains("Precondition failed: UID in precondition: nope"));
}

#[test]
fn patches_of_every_type_and_the_scale_subresource() {
    let h = server();
    post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web());
    let path = "/apis/apps/v1/namespaces/default/statefulsets/web";
    let patch = |ct: &str, body: Value| {
        request(
            &h,
            "PATCH",
            path,
            &[("Content-Type", ct)],
            &body.to_string(),
        )
    };
    assert_eq!(
        patch(
            "application/merge-patch+json",
            json!({"metadata": {"labels": {"a": "1"}}})
        )
        .status,
        200
    );
    assert_eq!(
        patch("application/strategic-merge-patch+json", json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]}}}})).json()["spec"]["template"]["spec"]["containers"][0]["image"],
        "registry.k8s.io/nginx-slim:0.24"
    );
    assert_eq!(
        patch(
            "application/json-patch+json",
            json!([{"op": "replace", "path": "/spec/replicas", "value": 1}])
        )
        .json()["spec"]["replicas"],
        1
    );
    assert_eq!(patch("text/plain", json!({})).status, 415);
    let scale = get(&h, &format!("{path}/scale")).json();
    assert_eq!(
        (scale["kind"].as_str(), scale["spec"]["replicas"].as_i64()),
        (Some("Scale"), Some(1))
    );
    assert_eq!(scale["status"]["selector"], "app=nginx");
    let scaled = request(
        &h,
        "PATCH",
        &format!("{path}/scale"),
        &[("Content-Type", "application/merge-patch+json")],
        &json!({"spec": {"replicas": 4}}).to_string(),
    );
    assert_eq!(scaled.json()["spec"]["replicas"], 4);
    assert_eq!(get(&h, path).json()["spec"]["replicas"], 4);
    // Server-side apply: fieldManager is required, then it merges.
    let ssa = |q: &str| {
        request(
            &h,
            "PATCH",
            &format!("{path}{q}"),
            &[("Content-Type", "application/apply-patch+yaml")],
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
        )
    };
    assert_eq!(ssa("").status, 400);
    assert_eq!(ssa("?fieldManager=test").json()["spec"]["replicas"], 2);
}

/// Reads watch lines from a streaming response until `n` lines arrived.
fn watch_lines(h: &Handle, path: &str, n: usize) -> Vec<Value> {
    watch_lines_as(h, path, "application/json", n)
}

fn watch_lines_as(h: &Handle, path: &str, accept: &str, n: usize) -> Vec<Value> {
    let mut s = TcpStream::connect(h.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
    }
    let mut out = Vec::new();
    while out.len() < n {
        line.clear();
        r.read_line(&mut line).unwrap(); // chunk size
        let size = usize::from_str_radix(line.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        let mut chunk = vec![0; size + 2];
        r.read_exact(&mut chunk).unwrap();
        for l in String::from_utf8_lossy(&chunk[..size]).lines() {
            out.push(serde_json::from_str(l).unwrap());
        }
    }
    out
}

#[test]
fn watches_stream_from_a_version_and_as_tables() {
    let h = server();
    let rv = get(&h, "/api/v1/namespaces/default/pods").json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web());
    // Under the virtual clock, the waiting watch moves time until web-0 runs.
    let evs = watch_lines(&h, &format!("/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&labelSelector=app%3Dnginx"), 4);
    assert_eq!(evs[0]["type"], "ADDED");
    assert_eq!(evs[0]["object"]["metadata"]["name"], "web-0");
    assert!(evs[1..].iter().all(|e| e["type"] == "MODIFIED"));
    // From no version: the current objects first, as ADDED.
    let initial = watch_lines(
        &h,
        "/apis/apps/v1/namespaces/default/statefulsets?watch=1",
        1,
    );
    assert_eq!(
        (
            initial[0]["type"].as_str(),
            initial[0]["object"]["metadata"]["name"].as_str()
        ),
        (Some("ADDED"), Some("web"))
    );
    // Table events, as `kubectl get -w` asks for them: one row each, with the columns.
    let rows = watch_lines_as(
        &h,
        "/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dweb-0",
        "application/json;as=Table;v=v1;g=meta.k8s.io",
        1,
    );
    assert_eq!(rows[0]["object"]["kind"], "Table");
    assert_eq!(rows[0]["object"]["rows"].as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["object"]["columnDefinitions"][0]["name"], "Name");
}

#[test]
fn the_virtual_clock_moves_only_when_asked() {
    let h = server();
    let t0 = get(&h, "/ordinal/v1/clock").json()["now"]
        .as_str()
        .unwrap()
        .to_string();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(get(&h, "/ordinal/v1/clock").json()["now"], t0);
    let moved = request(&h, "POST", "/ordinal/v1/clock/advance?by=90s", &[], "").json();
    assert_eq!(moved["now"], "2026-01-01T00:06:30Z");
    assert_eq!(
        request(&h, "POST", "/ordinal/v1/clock/advance?by=soon", &[], "").status,
        400
    );
    assert_eq!(
        request(&h, "GET", "/ordinal/v1/clock/advance", &[], "").status,
        405
    );
}

#[test]
fn leases_and_the_auth_reviews_answer_from_what_the_sim_knows() {
    let h = server();
    let leases = get(
        &h,
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
    )
    .json();
    let names: Vec<&str> = leases["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kind-control-plane", "kind-worker", "kind-worker2"]);
    let one = get(
        &h,
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kind-worker",
    )
    .json();
    assert_eq!(one["spec"]["holderIdentity"], "kind-worker");
    assert!(one["spec"]["renewTime"].as_str().unwrap().ends_with("000Z"));
    assert_eq!(
        get(
            &h,
            "/apis/coordination.k8s.io/v1/namespaces/default/leases/kind-worker"
        )
        .status,
        404
    );
    let review = post(
        &h,
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        &json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": {"verb": "delete", "resource": "nodes"}}}),
    );
    assert_eq!(review.status, 201);
    assert_eq!(review.json()["status"]["allowed"], true);
    let who = post(
        &h,
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        &json!({}),
    )
    .json();
    assert_eq!(who["status"]["userInfo"]["username"], "kubernetes-admin");
    let agg = request(
        &h,
        "GET",
        "/apis",
        &[(
            "Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        )],
        "",
    )
    .json();
    let groups: Vec<&str> = agg["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(groups.contains(&"coordination.k8s.io") && groups.contains(&"authorization.k8s.io"));
}

/// Optimistic concurrency on every write a client can make: a stale `metadata.resourceVersion`
/// is the API server's 409 (`Operation cannot be fulfilled on statefulsets.apps "web": the
/// object has been modified; …`, details name/group/kind) for a PUT, a PUT of `/status` and of
/// `/scale`, a patch that sets it (of the object or its scale) and a server-side apply that
/// sets it; nothing is written. The live resourceVersion goes through.
#[test]
fn stale_resource_versions_conflict_on_every_write() {
    let h = server();
    post(&h, "/apis/apps/v1/namespaces/default/statefulsets", &web());
    settle(&h);
    let path = "/apis/apps/v1/namespaces/default/statefulsets/web";
    let live = get(&h, path).json();
    let rv = live["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let send = |method: &str, sub: &str, ct: &str, body: &str| {
        request(
            &h,
            method,
            &format!("{path}{sub}"),
            &[("Content-Type", ct)],
            body,
        )
    };
    let json_ct = "application/json";
    let mut stale = live.clone();
    stale["metadata"]["resourceVersion"] = json!("1");
    stale["spec"]["replicas"] = json!(5);
    let mut stale_status = stale.clone();
    stale_status["status"]["replicas"] = json!(9);
    let stale_scale = json!({"apiVersion": "autoscaling/v1", "kind": "Scale",
        "metadata": {"name": "web", "namespace": "default", "resourceVersion": "1"},
        "spec": {"replicas": 5}});
    let answers = [
        send("PUT", "", json_ct, &stale.to_string()),
        send("PUT", "/status", json_ct, &stale_status.to_string()),
        send("PUT", "/scale", json_ct, &stale_scale.to_string()),
        send(
            "PATCH",
            "",
            "application/merge-patch+json",
            &json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 5}}).to_string(),
        ),
        send(
            "PATCH",
            "/scale",
            "application/merge-patch+json",
            &json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 5}}).to_string(),
        ),
        send(
            "PATCH",
            "?fieldManager=test",
            "application/apply-patch+yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  resourceVersion: \"1\"\nspec:\n  replicas: 5\n",
        ),
    ];
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a.status, 409, "write {i}: {}", a.json());
        let v = a.json();
        assert_eq!(v["reason"], "Conflict", "write {i}");
        assert_eq!(
            v["message"],
            "Operation cannot be fulfilled on statefulsets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again",
            "write {i}"
        );
        assert_eq!(
            v["details"],
            json!({"name": "web", "group": "apps", "kind": "statefulsets"}),
            "write {i}"
        );
    }
    let after = get(&h, path).json();
    assert_eq!(after["metadata"]["resourceVersion"], rv.as_str());
    assert_eq!(after["spec"]["replicas"], 3);
    // The live resourceVersion is no conflict.
    let mut fresh = live.clone();
    fresh["spec"]["replicas"] = json!(4);
    assert_eq!(send("PUT", "", json_ct, &fresh.to_string()).status, 200);
    let mut scale = get(&h, &format!("{path}/scale")).json();
    scale["spec"]["replicas"] = json!(2);
    assert_eq!(
        send("PUT", "/scale", json_ct, &scale.to_string()).status,
        200
    );
    assert_eq!(get(&h, path).json()["spec"]["replicas"], 2);
}
