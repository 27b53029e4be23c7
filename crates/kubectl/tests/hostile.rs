//! Hostile command lines: replicas at int32's maximum through `scale`, `patch` and `apply`,
//! 10,000-character, unicode and HTML names, HTML in annotations and files, and never-ending
//! loops and watches, in scripts and in a live terminal polled frame by frame. Each ends in
//! kubectl's (or the playground's) message, changes nothing it refused, and takes well under
//! a second natively.

mod common;

use common::{T, WEB};
use ordinal_kubectl::session::Mode;
use std::time::{Duration, Instant};

/// What one hostile line may take before the test fails: each takes well under a second in a
/// debug build on a quiet machine (`--nocapture` prints the times); the margin is for busy CI.
const BUDGET: Duration = Duration::from_secs(5);

impl T {
    /// [`T::run`], failing past [`BUDGET`].
    fn timed(&mut self, line: &str) -> String {
        let start = Instant::now();
        let out = self.run(line);
        let took = start.elapsed();
        eprintln!("hostile: {}: {took:?}", &line[..line.len().min(60)]);
        assert!(took < BUDGET, "{line} took {took:?}");
        out
    }
}

#[test]
fn max_int32_replicas_through_scale_patch_and_apply_change_nothing() {
    let mut t = T::web();
    let rv = t.c.resource_version();
    let limit = "Error from server (Forbidden): statefulsets.apps \"web\" is forbidden: exceeded quota: playground, requested: replicas=2147483647, limit: replicas=10000 (this playground runs in one browser tab)\n";
    assert_eq!(
        t.timed("kubectl scale sts web --replicas=2147483647"),
        limit
    );
    assert_eq!(
        t.timed(r#"kubectl patch sts web -p '{"spec":{"replicas":2147483647}}'"#),
        limit
    );
    assert_eq!(
        t.timed(r#"kubectl patch sts web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2147483647}]'"#),
        limit
    );
    let big = WEB.replace("replicas: 2\n", "replicas: 2147483647\n");
    t.s.files_mut().write("big.yaml", &big, false).unwrap();
    let out = t.timed("kubectl apply -f big.yaml");
    assert!(
        out.starts_with(
            "service/nginx unchanged\nError from server (Forbidden): error when applying patch:\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("for: \"big.yaml\": error when patching \"big.yaml\": statefulsets.apps \"web\" is forbidden: exceeded quota: playground, requested: replicas=2147483647, limit: replicas=10000 (this playground runs in one browser tab)\n"),
        "{out}"
    );
    // `--replicas` is a Go int: past int32 the server refuses the patch; past int64, pflag.
    let out = t.timed("kubectl scale sts web --replicas=2147483648");
    assert!(
        out.starts_with("The request is invalid: patch: Invalid value: ")
            && out.ends_with(": json: cannot unmarshal number 2147483648 into Go struct field StatefulSetSpec.spec.replicas of type int32\n"),
        "{out}"
    );
    assert_eq!(
        t.timed("kubectl scale sts web --replicas=9223372036854775808"),
        "error: invalid argument \"9223372036854775808\" for \"--replicas\" flag: strconv.ParseInt: parsing \"9223372036854775808\": value out of range\nSee 'kubectl scale --help' for usage.\n"
    );
    t.run("sleep 60");
    assert_eq!(t.c.resource_version(), rv);
    assert_eq!(
        t.run("kubectl get sts web"),
        "NAME   READY   AGE\nweb    2/2     96s\n"
    );
}

#[test]
fn long_unicode_and_html_names_get_the_api_servers_messages() {
    let mut t = T::web();
    let rv = t.c.resource_version();
    let long = "a".repeat(10_000);
    assert_eq!(
        t.timed(&format!("kubectl run {long} --image=nginx")),
        format!(
            "The Pod \"{long}\" is invalid: \n\
             * metadata.name: Invalid value: \"{long}\": must be no more than 253 characters\n\
             * metadata.labels: Invalid value: \"{long}\": must be no more than 63 characters\n\
             * spec.containers[0].name: Invalid value: \"{long}\": must be no more than 63 characters\n"
        )
    );
    let out = t.timed(&format!("kubectl get pod {long}"));
    assert_eq!(
        out,
        format!("Error from server (NotFound): pods \"{long}\" not found\n")
    );
    let out = t.timed("kubectl run wéb-☃ --image=nginx");
    assert!(
        out.starts_with("The Pod \"wéb-☃\" is invalid: \n* metadata.name: Invalid value: \"wéb-☃\": a lowercase RFC 1123 subdomain must consist of"),
        "{out}"
    );
    let out = t.timed("kubectl run '<script>alert(1)</script>' --image=nginx");
    assert!(
        out.starts_with("The Pod \"<script>alert(1)</script>\" is invalid: \n* metadata.name: Invalid value: \"<script>alert(1)</script>\": a lowercase RFC 1123 subdomain"),
        "{out}"
    );
    assert_eq!(
        t.timed("kubectl label pod web-0 'x=<b>hi</b>'"),
        "error: invalid label value: \"x=<b>hi</b>\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
    );
    assert_eq!(t.c.resource_version(), rv);
}

#[test]
fn html_in_annotations_and_files_prints_as_text() {
    let mut t = T::web();
    let html = "<script>alert(1)</script><b>&amp;</b>";
    assert_eq!(
        t.run(&format!("kubectl annotate pod web-0 'note={html}'")),
        "pod/web-0 annotated\n"
    );
    assert_eq!(
        t.run("kubectl get pod web-0 -o jsonpath='{.metadata.annotations.note}'"),
        html
    );
    let described = t.run("kubectl describe pod web-0");
    assert!(
        described.contains(&format!("Annotations:      note: {html}\n")),
        "{described}"
    );
    assert_eq!(
        t.run(&format!(
            "kubectl exec web-0 -- sh -c 'echo \"{html}\" > /usr/share/nginx/html/index.html'"
        )),
        ""
    );
    assert_eq!(
        t.run("kubectl exec web-1 -- curl -s web-0.nginx"),
        format!("{html}\n")
    );
}

#[test]
fn never_ending_loops_and_watches_are_bounded_in_a_script() {
    let mut t = T::web();
    // A crash-looping pod keeps timers pending for ever, so a watch never goes quiet.
    t.run("kubectl run crash --image=busybox:1.28 -- false");
    assert_eq!(
        t.timed("while true; do :; done"),
        "bash: stopped after 100000 steps: one command line may run at most that many commands and loop rounds here\n"
    );
    assert_eq!(
        t.timed("while true; do kubectl get pods -w; done | wc -l"),
        "bash: stopped: one command line may wait at most 86400s in total here\n"
    );
    // A script stops waiting at its 10-minute horizon (silently), so 145 rounds fill the day.
    assert_eq!(
        t.timed("while true; do kubectl wait --for=delete pod/crash --timeout=1h; done"),
        "bash: stopped: one command line may wait at most 86400s in total here\n"
    );
    assert_eq!(
        t.timed("sleep infinity"),
        "bash: stopped: one command line may sleep at most 86400s in total here\n"
    );
    let out = t.timed("kubectl exec web-0 -- sh -c 'while true; do echo y; done' | tail -1");
    assert_eq!(out, "sh: stopped after 100000 steps: one command line may run at most that many commands and loop rounds here\ncommand terminated with exit code 1\ny\n");
}

#[test]
fn a_never_ending_watch_in_a_live_terminal_costs_little_per_frame() {
    let mut t = T::web();
    t.run("kubectl run crash --image=busybox:1.28 -- false");
    let out =
        t.s.input(&mut t.c, "kubectl get pods -w", Mode::Interactive);
    assert!(out.text().starts_with("NAME "), "{}", out.text());
    assert!(t.s.busy());
    // An hour of 60 frames a second: each frame moves the clock and polls the watch.
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut lines = 0;
    for _ in 0..60 * 60 {
        let f = Instant::now();
        t.c.advance(1000);
        lines += t.s.poll(&mut t.c).text().lines().count();
        slowest = slowest.max(f.elapsed());
    }
    let took = start.elapsed();
    eprintln!("hostile: an hour of a watch in 3,600 frames: {took:?}, slowest frame {slowest:?}, {lines} lines");
    assert!(t.s.busy(), "the watch never ends by itself");
    assert!(lines > 10, "the watch printed {lines} lines");
    assert!(
        slowest < Duration::from_millis(250),
        "slowest frame {slowest:?}"
    );
    assert!(took < BUDGET, "{took:?}");
    assert_eq!(t.s.interrupt().text(), "^C\n");
    assert!(!t.s.busy());
}

// `set -c` takes a glob: many stars against the container name, and a long one, answer at once;
// `events -w` in a script ends when nothing more can happen; huge env and resource lists are
// refused or applied without hanging.
#[test]
fn set_globs_events_watches_and_long_lists_end() {
    let mut t = T::web();
    let stars = "*a".repeat(5_000);
    let out = t.timed(&format!("kubectl set env sts/web -c {stars}b X=1"));
    assert!(out.starts_with("Warning: StatefulSet/web does not have any containers matching"));
    let out = t.timed(&format!(
        "kubectl set resources sts/web -c {stars}b --limits=cpu=1"
    ));
    assert!(
        out.starts_with("error: unable to find container named *a*a"),
        "{out}"
    );
    let many: Vec<String> = (0..2_000).map(|i| format!("V{i}={i}")).collect();
    let out = t.timed(&format!("kubectl set env sts/web {}", many.join(" ")));
    assert!(!out.is_empty());
    let out = t.timed(&format!(
        "kubectl set resources sts/web --limits={}",
        "cpu=1,".repeat(5_000)
    ));
    assert!(out.starts_with("error: Invalid argument syntax"), "{out}");
    let out = t.timed("kubectl events -w --for sts/web");
    assert!(out.starts_with("LAST SEEN"), "{out}");
}
