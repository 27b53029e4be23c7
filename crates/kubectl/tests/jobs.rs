//! The learner's terminal with background jobs, as the web terminal and the CLI drive it: a
//! `kubectl port-forward … &` that `curl` reaches, job control (`jobs`, `fg`, `kill`), bash's
//! notices, a job's output as the clock runs, redirected to a file, and the forward that ends
//! when a connection finds its pod gone.

mod common;

use common::T;

/// A cluster with the k8s.io `web` set running, and a page in web-0.
fn serving() -> T {
    let mut t = T::web();
    t.run("kubectl exec web-0 -- sh -c 'echo hello from web-0 > /usr/share/nginx/html/index.html'");
    t
}

#[test]
fn a_background_forward_serves_curl_until_killed() {
    let mut t = serving();
    assert_eq!(
        t.live("kubectl port-forward web-0 8080:80 &"),
        "[1] 4243\nForwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"
    );
    assert!(!t.s.busy() && t.s.has_jobs());
    assert_eq!(
        t.live("curl localhost:8080"),
        "Handling connection for 8080\nhello from web-0\n"
    );
    // The forward's line goes to the terminal, not down the pipe.
    assert_eq!(
        t.live("curl -s http://127.0.0.1:8080/ | wc -l"),
        "Handling connection for 8080\n1\n"
    );
    assert_eq!(
        t.live("jobs"),
        "[1]+  Running                 kubectl port-forward web-0 8080:80 &\n"
    );
    assert_eq!(
        t.live("kill %1"),
        "[1]+  Terminated              kubectl port-forward web-0 8080:80\n"
    );
    assert!(!t.s.has_jobs());
    assert_eq!(
        t.live("curl localhost:8080"),
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n"
    );
    assert_eq!(
        t.live("curl web-0.nginx"),
        "curl: (6) Could not resolve host: web-0.nginx\n"
    );
}

#[test]
fn a_forward_in_the_foreground_holds_the_terminal_until_ctrl_c() {
    let mut t = serving();
    t.live("kubectl port-forward web-0 8080:80");
    assert!(t.s.busy());
    assert_eq!(t.wait(60_000), "");
    assert_eq!(t.s.interrupt().text(), "^C\n");
    assert!(!t.s.busy() && !t.s.has_jobs());
    // fg brings a background one to the foreground, Ctrl-C ends it; the port is free again.
    t.live("kubectl port-forward web-0 8080:80 &");
    assert_eq!(t.live("fg"), "kubectl port-forward web-0 8080:80\n");
    assert!(t.s.busy() && !t.s.has_jobs());
    t.s.interrupt();
    assert_eq!(t.live("fg"), "bash: fg: current: no such job\n");
    assert!(t
        .live("kubectl port-forward web-0 8080:80 &")
        .ends_with("Forwarding from [::1]:8080 -> 80\n"));
}

#[test]
fn a_forward_ends_when_a_connection_finds_its_pod_gone() {
    let mut t = serving();
    t.live("kubectl port-forward web-0 8080:80 &");
    t.run("kubectl delete pod web-0");
    t.run("kubectl wait --for=condition=Ready pod/web-0");
    // The set made a new web-0; the forward was to the old one, whose sandbox is gone.
    let out = t.live("curl localhost:8080");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Handling connection for 8080");
    assert!(
        lines[1].starts_with("E0101 ")
            && lines[1].contains("   4243 portforward.go:424] \"Unhandled Error\" err=\"an error occurred forwarding 8080 -> 80: error forwarding port 80 to pod ")
            && lines[1].ends_with("in store: not found\""),
        "{}",
        lines[1]
    );
    assert_eq!(
        &lines[2..],
        [
            "error: lost connection to pod",
            "curl: (52) Empty reply from server",
            "[1]+  Exit 1                  kubectl port-forward web-0 8080:80",
        ]
    );
    // A port nothing listens on ends it the same way.
    t.live("kubectl port-forward web-0 8081:81 &");
    let out = t.live("curl -s localhost:8081; echo $?");
    assert!(
        out.contains("failed to connect to localhost:81 inside namespace"),
        "{out}"
    );
    assert!(out.ends_with("error: lost connection to pod\n52\n[1]+  Exit 1                  kubectl port-forward web-0 8081:81\n"), "{out}");
}

#[test]
fn a_background_watch_prints_as_the_clock_runs_and_into_a_file_when_redirected() {
    let mut t = serving();
    assert!(t
        .live("kubectl get pods -w &")
        .starts_with("[1] 4243\nNAME "));
    // Its rows follow the line that changed the pod, and the clock.
    let shown = t.run("kubectl delete pod web-1 --wait=false");
    assert!(
        shown.starts_with("pod \"web-1\" deleted\nweb-1   1/1     Terminating"),
        "{shown}"
    );
    let shown = t.wait(1_000);
    assert!(shown.contains("web-1   0/1     Terminating"), "{shown}");
    t.live("kill %1");
    // Redirected, the forward's lines land in the file; the terminal shows only bash's.
    assert_eq!(
        t.live("kubectl port-forward web-0 8080:80 > pf.log 2>&1 &"),
        "[1] 4244\n"
    );
    assert_eq!(t.live("curl -s localhost:8080"), "hello from web-0\n");
    assert_eq!(
        t.live("cat pf.log"),
        "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\nHandling connection for 8080\n"
    );
}

#[test]
fn a_list_goes_on_after_its_command_that_kept_running() {
    let mut t = serving();
    assert_eq!(t.live("sleep 5 && echo slept &"), "[1] 4243\n");
    assert_eq!(t.s.next_deadline(), Some(t.c.now().plus_ms(5_000)));
    assert_eq!(t.wait(4_000), "");
    assert_eq!(t.wait(1_000), "slept\n");
    // bash reports it before the next prompt.
    assert_eq!(
        t.live("true"),
        "[1]+  Done                    sleep 5 && echo slept\n"
    );
}

#[test]
fn a_command_that_reads_the_terminal_stops_in_the_background_until_fg() {
    let mut t = serving();
    let out = t.live("kubectl run box -i --image=busybox --restart=Never &");
    assert_eq!(
        out,
        "[1] 4243\n[1]+  Stopped (tty input)     kubectl run box -i --image=busybox --restart=Never\n"
    );
    assert_eq!(
        t.live("jobs"),
        "[1]+  Stopped (tty input)     kubectl run box -i --image=busybox --restart=Never\n"
    );
    t.live("kill %1");
    // `exec -it … -- sh` too: fg attaches the shell.
    assert_eq!(
        t.live("kubectl exec -it web-0 -- sh &"),
        "[1] 4244\n[1]+  Stopped (tty input)     kubectl exec -it web-0 -- sh\n"
    );
    assert_eq!(t.live("fg"), "kubectl exec -it web-0 -- sh\n");
    assert!(t.s.attached());
    t.live("exit");
    t.live("kubectl run box2 -i --image=busybox --restart=Never &");
    t.live("fg %1");
    for _ in 0..60 {
        if t.s.attached() {
            break;
        }
        t.wait(1_000);
    }
    assert!(t.s.attached());
}

#[test]
fn job_control_errors_are_bashs() {
    let mut t = serving();
    assert_eq!(t.live("kill %1"), "bash: kill: %1: no such job\n");
    assert_eq!(
        t.live("kill"),
        "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"
    );
    assert_eq!(
        t.live("kill -FOO 1"),
        "bash: kill: FOO: invalid signal specification\n"
    );
    assert_eq!(
        t.live("kill 99999"),
        "bash: kill: (99999) - No such process\n"
    );
    assert_eq!(t.live("fg %2"), "bash: fg: %2: no such job\n");
    t.live("kubectl get pods -w >/dev/null &");
    assert_eq!(t.live("bg"), "bash: bg: job 1 already in background\n");
    assert_eq!(
        t.live("kill -INT 4243"),
        "[1]+  Interrupt               kubectl get pods -w > /dev/null\n"
    );
}

#[test]
fn a_system_chosen_port_is_the_same_in_every_session() {
    let ports: Vec<String> = (0..2)
        .map(|_| {
            let mut t = serving();
            t.live("kubectl port-forward svc/nginx :80 &")
        })
        .collect();
    assert_eq!(ports[0], ports[1]);
    assert!(
        ports[0].contains("Forwarding from 127.0.0.1:"),
        "{}",
        ports[0]
    );
}

#[test]
fn localhost_reaches_a_forward_on_either_loopback() {
    let mut t = serving();
    assert_eq!(
        t.live("kubectl port-forward --address ::1 web-0 8080:80 &"),
        "[1] 4243\nForwarding from [::1]:8080 -> 80\n"
    );
    assert_eq!(
        t.live("curl -s localhost:8080"),
        "Handling connection for 8080\nhello from web-0\n"
    );
    assert_eq!(
        t.live("curl -s 'http://[::1]:8080/'"),
        "Handling connection for 8080\nhello from web-0\n"
    );
    assert_eq!(
        t.live("curl 127.0.0.1:8080"),
        "curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn't connect to server\n"
    );
}

#[test]
fn the_job_table_is_bounded() {
    let mut t = serving();
    let out = t.run("i=0; while [ $i -lt 101 ]; do sleep 100 & i=$((i+1)); done 2>&1 | tail -1");
    assert_eq!(
        out,
        "bash: sleep 100: not available in this playground: at most 100 background jobs at once (jobs lists them, kill stops one)\n"
    );
    assert_eq!(t.run("jobs | wc -l"), "100\n");
}
