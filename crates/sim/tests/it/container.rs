//! Commands inside containers through `Cluster::exec`: the tutorial's `sh -c` lines, busybox
//! nslookup, HTTP between pods (nginx's 403 for an empty volume, then 200), and the messages
//! of commands that do not exist.

use crate::support::*;
use ordinal_shell::{Dialect, Shell};
use ordinal_sim::api::*;
use ordinal_sim::container::ExecOutput;
use ordinal_sim::Cluster;

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn exec(c: &mut Cluster, pod: &str, words: &[&str]) -> ExecOutput {
    c.exec("default", pod, None, &argv(words), "")
        .expect("the container accepts exec")
}

fn sh(c: &mut Cluster, pod: &str, script: &str) -> ExecOutput {
    exec(c, pod, &["sh", "-c", script])
}

fn ip(c: &Cluster, name: &str) -> String {
    pod(c, name)
        .and_then(|p| p.status.pod_ip.clone())
        .expect("pod has an IP")
}

/// kubernetes.io's web StatefulSet (nginx-slim, an empty claim on the html directory), both
/// pods Ready.
fn web(seed: u64) -> Cluster {
    let mut c = Cluster::new(seed);
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 600_000, "web-0 and web-1 Ready", |c| {
        ready(c, "web-0") && ready(c, "web-1")
    });
    c
}

/// A long-running pod of `image` (its main process sleeps).
fn sleeper(c: &mut Cluster, name: &str, image: &str) {
    let yaml = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: {name}\n    image: {image}\n    command: [\"sleep\", \"3600\"]\n"
    );
    apply(c, &yaml);
    let n = name.to_string();
    wait_until(c, 300_000, "the pod runs", move |c| {
        pod(c, &n).is_some_and(|p| p.phase() == "Running")
    });
}

#[test]
fn tutorial_writes_each_hostname_into_its_volume() {
    let mut c = web(11);
    // for i in 0 1; do kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html'; done
    for i in 0..2 {
        let r = sh(
            &mut c,
            &format!("web-{i}"),
            "echo $(hostname) > /usr/share/nginx/html/index.html",
        );
        assert_eq!(r, ExecOutput::default(), "web-{i}");
    }
    // for i in 0 1; do kubectl exec -it web-$i -- cat /usr/share/nginx/html/index.html; done
    for i in 0..2 {
        let r = exec(
            &mut c,
            &format!("web-{i}"),
            &["cat", "/usr/share/nginx/html/index.html"],
        );
        assert_eq!(
            (r.stdout.as_str(), r.exit_code),
            (format!("web-{i}\n").as_str(), 0)
        );
    }
    // The file lives in the claim: it is there for the pod that replaces web-0.
    assert!(c
        .list_as::<PersistentVolume>(None)
        .iter()
        .any(|pv| c.volume_files(&pv.metadata.name)
            == vec![("/index.html".to_string(), "web-0\n".to_string())]));
    assert_eq!(exec(&mut c, "web-0", &["hostname"]).stdout, "web-0\n");
}

#[test]
fn nslookup_prints_busybox_1_28_output() {
    let mut c = web(12);
    sleeper(&mut c, "dns-test", "busybox:1.28");
    let web0 = ip(&c, "web-0");
    let r = exec(&mut c, "dns-test", &["nslookup", "web-0.nginx"]);
    assert_eq!(
        r.stdout,
        format!(
            "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: {web0} web-0.nginx.default.svc.cluster.local\n"
        )
    );
    assert_eq!((r.stderr.as_str(), r.exit_code), ("", 0));

    let r = exec(&mut c, "dns-test", &["nslookup", "web-9.nginx"]);
    assert_eq!(
        r.stdout,
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
    );
    assert_eq!(r.stderr, "nslookup: can't resolve 'web-9.nginx'\n");
    assert_eq!(r.text, format!("{}{}", r.stdout, r.stderr));
    assert_eq!(r.exit_code, 1);

    // The service name lists every ready pod; an address resolves back to its name.
    let r = exec(&mut c, "dns-test", &["nslookup", "nginx"]);
    assert!(
        r.stdout.contains("Name:      nginx\nAddress 1: "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Address 2: "), "{}", r.stdout);
    let r = exec(&mut c, "dns-test", &["nslookup", &web0]);
    assert!(r.stdout.ends_with(&format!(
        "Name:      {web0}\nAddress 1: {web0} web-0.nginx.default.svc.cluster.local\n"
    )));
    // Inside a shell, too.
    let r = sh(&mut c, "dns-test", "nslookup web-1.nginx | tail -n 1");
    assert_eq!(
        r.stdout,
        format!(
            "Address 1: {} web-1.nginx.default.svc.cluster.local\n",
            ip(&c, "web-1")
        )
    );
}

#[test]
fn an_empty_volume_is_forbidden_until_index_html_exists() {
    let mut c = web(13);
    sleeper(&mut c, "client", "busybox:1.28");
    let forbidden = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n";
    let r = exec(&mut c, "web-1", &["curl", "-s", "web-0.nginx"]);
    assert_eq!(
        (r.stdout.as_str(), r.stderr.as_str(), r.exit_code),
        (forbidden, "", 0)
    );
    let r = exec(&mut c, "client", &["wget", "-qO-", "web-0.nginx"]);
    assert_eq!(
        (r.stdout.as_str(), r.stderr.as_str(), r.exit_code),
        (
            "",
            "wget: server returned error: HTTP/1.1 403 Forbidden\n",
            1
        )
    );
    let r = exec(&mut c, "client", &["wget", "-O-", "http://web-0.nginx/"]);
    assert!(r.stderr.starts_with(&format!(
        "Connecting to web-0.nginx ({}:80)\n",
        ip(&c, "web-0")
    )));
    assert_eq!(r.exit_code, 1);

    sh(
        &mut c,
        "web-0",
        "echo $(hostname) > /usr/share/nginx/html/index.html",
    );
    let r = exec(&mut c, "web-1", &["curl", "web-0.nginx"]);
    assert_eq!((r.stdout.as_str(), r.exit_code), ("web-0\n", 0));
    let r = exec(&mut c, "client", &["wget", "-qO-", "web-0.nginx"]);
    assert_eq!(
        (r.stdout.as_str(), r.stderr.as_str(), r.exit_code),
        ("web-0\n", "", 0)
    );

    // A missing file is nginx's 404 page; -f turns it into curl's error 22.
    let r = exec(&mut c, "web-1", &["curl", "-s", "web-0.nginx/nope.html"]);
    assert!(
        r.stdout.contains("<center><h1>404 Not Found</h1></center>"),
        "{}",
        r.stdout
    );
    let r = exec(&mut c, "web-1", &["curl", "-sSf", "web-0.nginx/nope.html"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("curl: (22) The requested URL returned error: 404\n", 22)
    );
    // Headers.
    let web0 = ip(&c, "web-0");
    let r = exec(&mut c, "web-1", &["curl", "-sI", &web0]);
    assert!(
        r.stdout
            .starts_with("HTTP/1.1 200 OK\r\nServer: nginx/1.27.5\r\nDate: "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Content-Length: 6\r\n"), "{}", r.stdout);
}

#[test]
fn unreachable_names_and_addresses() {
    let mut c = web(14);
    sleeper(&mut c, "client", "busybox:1.28");
    let r = exec(&mut c, "web-0", &["curl", "web-9.nginx"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("curl: (6) Could not resolve host: web-9.nginx\n", 6)
    );
    let r = exec(&mut c, "web-0", &["curl", "-s", "web-9.nginx"]);
    assert_eq!((r.text.as_str(), r.exit_code), ("", 6));
    let r = exec(&mut c, "client", &["wget", "-qO-", "web-9.nginx"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("wget: bad address 'web-9.nginx'\n", 1)
    );

    // The busybox pod serves nothing.
    let client = ip(&c, "client");
    let r = exec(&mut c, "web-0", &["curl", &client]);
    assert_eq!(
        (r.stderr, r.exit_code),
        (
            format!("curl: (7) Failed to connect to {client} port 80 after 0 ms: Couldn't connect to server\n"),
            7
        )
    );
    let r = exec(&mut c, "client", &["wget", "-q", "-O", "-", &client]);
    assert_eq!(
        (r.stderr, r.exit_code),
        (
            format!("wget: can't connect to remote host ({client}): Connection refused\n"),
            1
        )
    );
}

#[test]
fn unknown_commands_and_exit_codes() {
    let mut c = web(15);
    sleeper(&mut c, "bb", "busybox:1.28");
    // kubectl shows the runtime's failure to start the process as an internal error (exit 1),
    // wrapped once more by the API server's stream translator.
    let e = c
        .exec("default", "web-0", None, &argv(&["foo"]), "")
        .unwrap_err();
    let msg = e.message();
    assert!(msg.starts_with("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""), "{msg}");
    assert!(msg.ends_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"foo\": executable file not found in $PATH: unknown"), "{msg}");
    // nginx images have dash as /bin/sh; busybox has ash.
    let r = sh(&mut c, "web-0", "foo");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("sh: 1: foo: not found\n", 127)
    );
    let r = sh(&mut c, "bb", "foo");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("sh: foo: not found\n", 127)
    );
    // Each image has its own tools.
    assert_eq!(sh(&mut c, "bb", "curl x").stderr, "sh: curl: not found\n");
    assert_eq!(
        sh(&mut c, "web-0", "nslookup x").stderr,
        "sh: 1: nslookup: not found\n"
    );
    // exit N is the exec's exit code.
    assert_eq!(sh(&mut c, "web-0", "exit 3").exit_code, 3);
    assert_eq!(
        sh(&mut c, "bb", "echo out; echo err >&2; exit 4"),
        ExecOutput {
            stdout: "out\n".into(),
            stderr: "err\n".into(),
            text: "out\nerr\n".into(),
            exit_code: 4,
        }
    );
    assert_eq!(exec(&mut c, "web-0", &["false"]).exit_code, 1);
    // A syntax error in dash's words.
    let r = sh(&mut c, "web-0", "for i in 1; do echo; done; done");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("sh: 1: Syntax error: \"done\" unexpected\n", 2)
    );
    // The pod must exist.
    let e = c
        .exec("default", "web-9", None, &argv(&["true"]), "")
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Error from server (NotFound): pods \"web-9\" not found"
    );
}

#[test]
fn an_image_without_a_shell_runs_nothing() {
    let mut c = Cluster::new(16);
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: p\n    image: registry.k8s.io/pause:3.10\n",
    );
    wait_until(&mut c, 300_000, "pause runs", |c| {
        pod(c, "p").is_some_and(|p| p.phase() == "Running")
    });
    for cmd in ["sh", "ls"] {
        let e = c.exec("default", "p", None, &argv(&[cmd]), "").unwrap_err();
        assert!(
            e.message().contains(&format!(
                "exec: \"{cmd}\": executable file not found in $PATH"
            )),
            "{cmd}"
        );
    }
}

#[test]
fn files_and_text_tools() {
    let mut c = web(17);
    let r = sh(
        &mut c,
        "web-0",
        "cd /usr/share/nginx/html && mkdir -p a/b && touch a/b/x && printf '1\\n2\\n3\\n' > n && ls && ls -a a && wc -l n && head -n 1 n && tail -n 1 n && grep 2 n && cp n m && mv m a/ && ls a && rm -r a && ls",
    );
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, "a\nn\n.\n..\nb\n3 n\n1\n3\n2\nb\nm\nn\n");
    let r = exec(&mut c, "web-0", &["cat", "/nope"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("cat: /nope: No such file or directory\n", 1)
    );
    let r = exec(&mut c, "web-0", &["ls", "/nope"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("ls: cannot access '/nope': No such file or directory\n", 2)
    );
    let r = exec(&mut c, "web-0", &["date"]);
    assert!(r.stdout.ends_with(" UTC 2026\n"), "{}", r.stdout);
    assert_eq!(exec(&mut c, "web-0", &["seq", "3"]).stdout, "1\n2\n3\n");
    assert_eq!(
        exec(&mut c, "web-0", &["id"]).stdout,
        "uid=0(root) gid=0(root) groups=0(root)\n"
    );
    assert_eq!(exec(&mut c, "web-0", &["whoami"]).stdout, "root\n");
    assert!(exec(&mut c, "web-0", &["env"])
        .stdout
        .starts_with("PATH=/usr/local/sbin:"));
    let r = exec(&mut c, "web-0", &["cat", "/etc/hosts"]);
    assert!(r.stdout.ends_with(&format!(
        "{}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n",
        ip(&c, "web-0")
    )));
    let r = exec(&mut c, "web-0", &["cat", "/etc/resolv.conf"]);
    assert_eq!(r.stdout, "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
    // The mount point itself cannot go.
    let r = exec(&mut c, "web-0", &["rm", "-rf", "/usr/share/nginx/html"]);
    assert_eq!(
        r.stderr,
        "rm: cannot remove '/usr/share/nginx/html': Device or resource busy\n"
    );
    // A busybox image words its errors as busybox does.
    sleeper(&mut c, "bb", "busybox:1.28");
    let r = exec(&mut c, "bb", &["cat", "/nope"]);
    assert_eq!(
        r.stderr,
        "cat: can't open '/nope': No such file or directory\n"
    );
    let r = exec(&mut c, "bb", &["ls", "/nope"]);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("ls: /nope: No such file or directory\n", 1)
    );
}

#[test]
fn sleep_moves_the_clock() {
    let mut c = web(18);
    let t0 = c.now();
    let r = sh(&mut c, "web-0", "sleep 2; date +%s");
    assert_eq!(r.exit_code, 0);
    assert!(c.now().since(t0) >= 2000);
    assert_eq!(r.stdout, format!("{}\n", c.now().0 / 1000));
    // A loop that never ends is stopped, with its output so far.
    let r = sh(&mut c, "web-0", "while true; do :; done");
    assert_eq!(r.exit_code, 1);
    assert!(
        r.stderr.starts_with("sh: stopped after 100000 steps"),
        "{}",
        r.stderr
    );
    // Nested shells share the budget.
    let r = sh(
        &mut c,
        "web-0",
        "while true; do sh -c 'while true; do :; done'; done",
    );
    assert_eq!(r.exit_code, 1);
}

#[test]
fn writing_index_html_makes_a_probed_pod_ready() {
    let mut c = Cluster::new(19);
    let yaml = K8S_WEB_YAML.replace(
        "        ports:\n        - containerPort: 80\n          name: web\n",
        "        ports:\n        - containerPort: 80\n          name: web\n        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n          periodSeconds: 1\n",
    );
    assert_ne!(yaml, K8S_WEB_YAML);
    apply(&mut c, &yaml);
    wait_until(&mut c, 300_000, "web-0 runs", |c| {
        pod(c, "web-0").is_some_and(|p| p.phase() == "Running")
    });
    c.advance(5_000);
    assert!(
        !ready(&c, "web-0"),
        "an empty html directory fails the probe"
    );
    sh(
        &mut c,
        "web-0",
        "echo ok > /usr/share/nginx/html/index.html",
    );
    wait_until(&mut c, 10_000, "web-0 Ready", |c| ready(c, "web-0"));
}

#[test]
fn an_interactive_shell_keeps_its_state() {
    let mut c = web(20);
    let mut shell = Shell::new(Dialect::Dash);
    let r = c
        .exec_in_shell(
            &mut shell,
            "default",
            "web-0",
            None,
            "cd /usr/share/nginx/html; X=1",
        )
        .unwrap();
    assert_eq!(r.exit_code, 0);
    let r = c
        .exec_in_shell(
            &mut shell,
            "default",
            "web-0",
            None,
            "pwd; echo $X $HOSTNAME",
        )
        .unwrap();
    assert_eq!(r.stdout, "/usr/share/nginx/html\n1 web-0\n");
    let r = c
        .exec_in_shell(&mut shell, "default", "web-0", None, "nope")
        .unwrap();
    assert_eq!(r.stderr, "sh: 1: nope: not found\n");
}

/// Found by fuzzing (`fuzz/regressions/container_shell/mv-into-itself`): moving or copying a
/// directory into its own subtree copied for ever, and `mv f f` deleted the file.
#[test]
fn mv_and_cp_refuse_a_directory_into_itself() {
    let mut c = web(1);
    let o = sh(
        &mut c,
        "web-0",
        "mkdir -p /a/b && echo hi > /f; mv /a/b/ /a/b/c; echo $?; cp -r /a /a/x; mv /a /a; mv /f /f; cp /f /; cat /f; ls /a",
    );
    assert_eq!(o.stdout, "1\nhi\nb\n");
    assert_eq!(
        o.stderr,
        "mv: cannot move '/a/b/' to a subdirectory of itself, '/a/b/c'\n\
         cp: cannot copy a directory, '/a', into itself, '/a/x'\n\
         mv: cannot move '/a' to a subdirectory of itself, '/a/a'\n\
         mv: '/f' and '/f' are the same file\n\
         cp: '/f' and '/f' are the same file\n"
    );
    // The root holds every destination.
    let o = sh(&mut c, "web-0", "mv / /a; cp -r / /tmp; echo $?");
    assert_eq!(o.stdout, "1\n");
    assert_eq!(o.stderr.lines().count(), 2, "{}", o.stderr);
}
