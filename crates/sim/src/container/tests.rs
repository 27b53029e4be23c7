//! The container host against a small cluster: tools' details, writes through the cache, the
//! shells an image offers.

use crate::api::Pod;
use crate::container::ExecOutput;
use crate::Cluster;

const WEB: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: registry.k8s.io/nginx-slim:0.21\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bb\nspec:\n  containers:\n  - name: bb\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n";

fn cluster() -> Cluster {
    let mut c = Cluster::new(5);
    for r in c.apply_yaml(WEB, "default").unwrap() {
        r.unwrap();
    }
    for _ in 0..3000 {
        let running = ["web", "bb"].iter().all(|n| {
            c.get_as::<Pod>("default", n)
                .is_some_and(|p| p.phase() == "Running")
        });
        if running {
            return c;
        }
        c.advance(100);
    }
    panic!("pods never ran");
}

fn run(c: &mut Cluster, pod: &str, argv: &[&str], stdin: &str) -> ExecOutput {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    c.exec("default", pod, None, &argv, stdin)
        .unwrap_or_else(|e| panic!("{argv:?}: {}", e.message()))
}

fn sh(c: &mut Cluster, pod: &str, script: &str) -> ExecOutput {
    run(c, pod, &["sh", "-c", script], "")
}

/// What the shell says when a line runs out of its step budget.
const STOPPED: &str = "sh: stopped after 100000 steps: one command line may run at most that many commands and loop rounds here\n";

#[test]
fn repeated_writes_read_back_and_persist() {
    let mut c = cluster();
    let r = sh(
        &mut c,
        "web",
        "for i in 1 2 3; do echo $i >> /tmp/f; done; cat /tmp/f; echo x > /tmp/f; cat /tmp/f; echo y >> /tmp/f; rm /tmp/f; cat /tmp/f; echo z >> /tmp/f",
    );
    assert_eq!(
        r.text,
        "1\n2\n3\nx\ncat: /tmp/f: No such file or directory\n"
    );
    assert_eq!(run(&mut c, "web", &["cat", "/tmp/f"], "").stdout, "z\n");
    let r = sh(&mut c, "web", "echo a > /nope/f");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("sh: 1: cannot create /nope/f: Directory nonexistent\n", 2)
    );
    let r = sh(
        &mut c,
        "web",
        "cd /usr/share/nginx/html && ls *.html && echo *",
    );
    assert_eq!(r.stdout, "50x.html\nindex.html\n50x.html index.html\n");
}

#[test]
fn shells_of_each_image() {
    let mut c = cluster();
    // sh -c SCRIPT NAME ARG: $0 and $1.
    assert_eq!(sh(&mut c, "bb", "echo $0 $1").stdout, "sh\n");
    let r = run(
        &mut c,
        "bb",
        &["sh", "-c", "echo $0 $1; nope", "me", "one"],
        "",
    );
    assert_eq!(r.text, "me one\nme: nope: not found\n");
    // A script from stdin, and from a file.
    let r = run(&mut c, "bb", &["sh"], "echo from stdin\nexit 5\n");
    assert_eq!((r.stdout.as_str(), r.exit_code), ("from stdin\n", 5));
    sh(&mut c, "bb", "echo 'echo from file' > /tmp/s.sh");
    assert_eq!(
        run(&mut c, "bb", &["sh", "/tmp/s.sh"], "").stdout,
        "from file\n"
    );
    let r = run(&mut c, "bb", &["sh", "/tmp/none.sh"], "");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        (
            "sh: can't open '/tmp/none.sh': No such file or directory\n",
            2
        )
    );
    // bash exists in Debian images only.
    assert_eq!(
        run(&mut c, "web", &["bash", "-c", "echo $((6*7)); nope"], "").text,
        "42\nbash: line 1: nope: command not found\n"
    );
    assert_eq!(sh(&mut c, "bb", "bash").stderr, "sh: bash: not found\n");
    // Programs with a path.
    assert_eq!(
        run(&mut c, "bb", &["/bin/sh", "-c", "nope"], "").stderr,
        "/bin/sh: nope: not found\n"
    );
    // A program that does not exist never starts: the runtime's error comes back as an
    // internal error, not as an exit code.
    let argv = vec!["/usr/bin/nope".to_string()];
    let Err(crate::exec::ExecError::StartFailed(why)) = c.exec("default", "web", None, &argv, "")
    else {
        panic!("a missing program must fail to start");
    };
    assert!(why.ends_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"/usr/bin/nope\": stat /usr/bin/nope: no such file or directory: unknown"), "{why}");
    // Programs that are also builtins, run directly.
    assert_eq!(
        run(&mut c, "web", &["echo", "-e", "a\\tb"], "").stdout,
        "a\tb\n"
    );
    assert_eq!(run(&mut c, "web", &["cat"], "piped").stdout, "piped");
    assert_eq!(
        run(&mut c, "web", &["sh", "-c", "cat | wc -l"], "a\nb\n").stdout,
        "2\n"
    );
    // set -e through the shell's flag.
    assert_eq!(
        run(&mut c, "web", &["sh", "-ec", "false; echo no"], "").exit_code,
        1
    );
}

#[test]
fn tools_in_detail() {
    let mut c = cluster();
    let r = sh(
        &mut c,
        "web",
        "cd /tmp && printf 'ab\\n' > f && ls -l && ls -l f",
    );
    assert_eq!(r.stdout, "total 4\n-rw-r--r-- 1 root root 3 Jan  1 00:00 f\n-rw-r--r-- 1 root root 3 Jan  1 00:00 f\n".replace("00:00", &crate::time::Civil::of(c.now()).format("%H:%M")));
    let r = sh(&mut c, "bb", "cd /tmp && touch f && ls -l f");
    assert!(
        r.stdout
            .starts_with("-rw-r--r--    1 root     root             0 "),
        "{}",
        r.stdout
    );
    let r = sh(&mut c, "web", "printf 'a\\nb a\\nc\\n' > /tmp/g; grep -n a /tmp/g; grep -c a /tmp/g; grep -v a /tmp/g; grep -q zz /tmp/g; echo $?");
    assert_eq!(r.stdout, "1:a\n2:b a\n2\nc\n1\n");
    let r = sh(
        &mut c,
        "web",
        "seq 2 2 6 | tail -n 2; seq -s , 3; echo a b c | wc; wc -c /tmp/g",
    );
    assert_eq!(r.stdout, "4\n6\n1,2,3\n      1       3       6\n8 /tmp/g\n");
    let r = run(&mut c, "web", &["date", "+%Y-%m-%d"], "");
    assert_eq!(r.stdout, "2026-01-01\n");
    let r = run(&mut c, "web", &["uname", "-a"], "");
    assert!(r.stdout.starts_with("Linux web 6.8.0-"), "{}", r.stdout);
    let r = run(&mut c, "web", &["env"], "");
    let names: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('=').next().unwrap())
        .collect();
    assert_eq!(&names[..3], &["PATH", "HOSTNAME", "HOME"]);
    let r = sh(
        &mut c,
        "web",
        "X=1 env | grep '^X='; export Y=2; printenv Y",
    );
    assert_eq!(r.stdout, "X=1\n2\n");
    assert_eq!(
        run(&mut c, "web", &["nginx", "-v"], "").stderr,
        "nginx version: nginx/1.27.5\n"
    );
    assert_eq!(
        run(&mut c, "web", &["hostname", "-i"], "").stdout,
        format!(
            "{}\n",
            c.get_as::<Pod>("default", "web")
                .unwrap()
                .status
                .pod_ip
                .clone()
                .unwrap()
        )
    );
    let r = sh(
        &mut c,
        "web",
        "mkdir /tmp; mkdir -p /tmp/x/y && rmdir /tmp/x; mv /nope /tmp; cp /tmp/x /tmp/z",
    );
    assert_eq!(
        r.stderr,
        "mkdir: cannot create directory '/tmp': File exists\nrmdir: failed to remove '/tmp/x': Directory not empty\nmv: cannot stat '/nope': No such file or directory\ncp: -r not specified; omitting directory '/tmp/x'\n"
    );
    let r = sh(&mut c, "bb", "mkdir /tmp; rm /tmp; rm /nope; touch /nope/x");
    assert_eq!(
        r.stderr,
        "mkdir: can't create directory '/tmp': File exists\nrm: '/tmp' is a directory\nrm: can't remove '/nope': No such file or directory\ntouch: /nope/x: No such file or directory\n"
    );
}

#[test]
fn downloads() {
    let mut c = cluster();
    let web = c
        .get_as::<Pod>("default", "web")
        .unwrap()
        .status
        .pod_ip
        .clone()
        .unwrap();
    // wget saves index.html in the working directory and will not overwrite it.
    let r = sh(
        &mut c,
        "bb",
        &format!("cd /tmp && wget -q {web} && cat index.html | head -n 1 && wget -q {web}"),
    );
    assert_eq!(r.stdout, "<!DOCTYPE html>\n");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("wget: can't open 'index.html': File exists\n", 1)
    );
    // curl -o, -v, and a directory without its slash.
    let r = sh(
        &mut c,
        "web",
        "curl -s -o /tmp/page http://localhost/ && head -n 1 /tmp/page",
    );
    assert_eq!(r.stdout, "<!DOCTYPE html>\n");
    let r = run(&mut c, "web", &["curl", "-v", "localhost/50x.html"], "");
    assert!(r.stderr.starts_with("*   Trying 127.0.0.1:80...\n* Connected to localhost (127.0.0.1) port 80 (#0)\n> GET /50x.html HTTP/1.1\r\n> Host: localhost\r\n"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("< HTTP/1.1 200 OK\r\n< Server: nginx/1.27.5\r\n"),
        "{}",
        r.stderr
    );
    sh(
        &mut c,
        "web",
        "mkdir /usr/share/nginx/html/d && echo in-d > /usr/share/nginx/html/d/index.html",
    );
    let r = run(&mut c, "web", &["curl", "-sI", "localhost/d"], "");
    assert!(
        r.stdout.starts_with("HTTP/1.1 301 Moved Permanently\r\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Location: http://localhost/d/\r\n"),
        "{}",
        r.stdout
    );
    assert_eq!(
        run(&mut c, "web", &["curl", "-sL", "localhost/d"], "").stdout,
        "in-d\n"
    );
    assert_eq!(
        run(&mut c, "bb", &["wget", "-qO-", &format!("{web}/d")], "").stdout,
        "in-d\n"
    );
    // Options curl does not know.
    let r = run(&mut c, "web", &["curl", "-Z", "x"], "");
    assert_eq!((r.stderr.as_str(), r.exit_code), ("curl: option -Z: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2));
    assert_eq!(run(&mut c, "web", &["curl"], "").stderr, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
}

#[test]
fn the_kubelet_looks_once_at_the_changes_of_an_exec() {
    let mut c = cluster();
    let looks = || crate::exec::FS_LOOKS.with(std::cell::Cell::get);
    let start = looks();
    // Each change woke the kubelet at once: 50 µs each in a release build, so a loop of
    // `mkdir`/`rmdir` within the step budget ran for seconds (the lost container_shell hang).
    let r = sh(
        &mut c,
        "web",
        "i=0; while [ $i -lt 500 ]; do mkdir /tmp/d; rmdir /tmp/d; i=$((i+1)); done; echo done",
    );
    assert_eq!(r.text, "done\n");
    assert_eq!(looks() - start, 1);
    // Nothing changed: no look.
    sh(&mut c, "web", "ls /tmp; cat /etc/hostname");
    assert_eq!(looks() - start, 1);
    // Before time passes and before a request, the kubelet sees the files as they are.
    let r = sh(
        &mut c,
        "web",
        "rm /usr/share/nginx/html/index.html; curl -s localhost | grep -c 403; echo hi > /usr/share/nginx/html/index.html; sleep 1; curl -s localhost",
    );
    assert_eq!(r.text, "2\nhi\n");
    assert_eq!(looks() - start, 3);
}

#[test]
fn reading_a_large_file_in_a_loop_ends_with_the_step_budget() {
    let mut c = cluster();
    let r = sh(&mut c, "web", "seq 1 200000 > /tmp/f; wc -c /tmp/f");
    assert_eq!(r.text, "1288895 /tmp/f\n");
    // Each round copied 1.2 MB out of the file: 50 000 rounds were 60 GB. Now the bytes a
    // command reads count against the line's steps.
    for script in [
        "while :; do wc -l /tmp/f >/dev/null; done",
        "while :; do read l < /tmp/f; done",
        "while :; do cp /tmp/f /tmp/g; done",
        "while :; do ls -l /tmp >/dev/null; done",
    ] {
        let r = sh(&mut c, "web", script);
        assert_eq!((r.text.as_str(), r.exit_code), (STOPPED, 1), "{script}");
    }
}

#[test]
fn a_pattern_that_multiplies_paths_ends_with_the_step_budget() {
    let mut c = cluster();
    // Each `*/..` multiplied the paths by the 16 entries of /usr: 16^8, 4 billion, built in
    // memory (20 s and 2 GB for the first 7 levels in the fuzz build). Each path is charged.
    let r = sh(
        &mut c,
        "web",
        "cd /usr; mkdir -p a b c d e f g h; echo */../*/../*/../*/../*/../*/../*/../*; echo never",
    );
    assert_eq!((r.text.as_str(), r.exit_code), (STOPPED, 1));
    // A pattern of a few levels still expands.
    let r = sh(
        &mut c,
        "web",
        "cd /usr/share/nginx; echo */*.html ../n*/h*/../h*",
    );
    assert_eq!(
        r.text,
        "html/50x.html html/index.html ../nginx/html/../html\n"
    );
}

/// `tar cf - PATH` as `kubectl cp POD:PATH …` runs it: GNU tar (nginx-slim) names the leading
/// `/` it removes and pads to whole 10240-byte records; busybox says it in its own words and
/// does not pad.
#[test]
fn tar_creates_archives_with_each_tars_words() {
    use crate::tar::{self, Body, End};
    let mut c = cluster();
    let r = run(
        &mut c,
        "web",
        &["tar", "cf", "-", "/usr/share/nginx/html"],
        "",
    );
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: Removing leading `/' from member names\n", 0)
    );
    assert_eq!(r.stdout.len() % tar::GNU_RECORD, 0);
    let a = tar::read(r.stdout.as_bytes());
    assert_eq!(a.end, End::Marker);
    let names: Vec<&str> = a.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "usr/share/nginx/html",
            "usr/share/nginx/html/50x.html",
            "usr/share/nginx/html/index.html"
        ]
    );
    assert!(matches!(&a.members[2].body, Body::File(c) if c.contains("Welcome to nginx!")));

    sh(&mut c, "bb", "echo hi > /tmp/a");
    let r = run(&mut c, "bb", &["tar", "cf", "-", "/tmp/a"], "");
    assert_eq!(r.stderr, "tar: removing leading '/' from member names\n");
    // A header, the content's block, the two zero blocks.
    assert_eq!(r.stdout.len(), 4 * tar::BLOCK);
    // A relative name stays as it is, from the working directory.
    let r = run(&mut c, "bb", &["sh", "-c", "cd /tmp && tar cf - a"], "");
    assert_eq!(r.stderr, "");
    assert_eq!(tar::read(r.stdout.as_bytes()).members[0].name, "a");
}

/// A missing file: GNU names the prefix first, then the file, then fails with 2 after writing
/// an empty archive; busybox names only the file and fails with 1.
#[test]
fn tar_of_a_missing_file() {
    use crate::tar;
    let mut c = cluster();
    let r = run(&mut c, "web", &["tar", "cf", "-", "/tmp/nope"], "");
    assert_eq!(
        r.stderr,
        "tar: Removing leading `/' from member names\ntar: /tmp/nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n"
    );
    assert_eq!((r.exit_code, r.stdout.len()), (2, tar::GNU_RECORD));
    let r = run(&mut c, "bb", &["tar", "cf", "-", "/tmp/nope"], "");
    assert_eq!(
        r.stderr,
        "tar: /tmp/nope: No such file or directory\ntar: error exit delayed from previous errors\n"
    );
    assert_eq!((r.exit_code, r.stdout.len()), (1, 2 * tar::BLOCK));
    let r = run(&mut c, "web", &["tar", "cf", "-"], "");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n", 2)
    );
}

/// `tar -xmf - -C DIR`, as `kubectl cp LOCAL POD:PATH` runs it: members land under DIR, with
/// the directories they need; a DIR that does not exist is fatal.
#[test]
fn tar_extracts_under_a_directory() {
    use crate::tar::{self, Member};
    let mut c = cluster();
    let archive = tar::write(
        &[
            Member::file("site/index.html", "<h1>copied</h1>\n", 0),
            Member::file("site/css/a.css", "a{}\n", 0),
            Member::dir("site/empty", 0),
        ],
        false,
    );
    for pod in ["web", "bb"] {
        let r = run(&mut c, pod, &["tar", "-xmf", "-", "-C", "/tmp"], &archive);
        assert_eq!((r.text.as_str(), r.exit_code), ("", 0), "{pod}");
        assert_eq!(
            sh(
                &mut c,
                pod,
                "cat /tmp/site/index.html /tmp/site/css/a.css; ls /tmp/site"
            )
            .stdout,
            "<h1>copied</h1>\na{}\ncss\nempty\nindex.html\n"
        );
    }
    let no_preserve = [
        "tar",
        "--no-same-permissions",
        "--no-same-owner",
        "-xmf",
        "-",
        "-C",
        "/usr/share/nginx/html",
    ];
    let one = tar::write(&[Member::file("hello.html", "hello\n", 0)], false);
    let r = run(&mut c, "web", &no_preserve, &one);
    assert_eq!((r.text.as_str(), r.exit_code), ("", 0));
    assert_eq!(
        run(
            &mut c,
            "web",
            &["cat", "/usr/share/nginx/html/hello.html"],
            ""
        )
        .stdout,
        "hello\n"
    );
    let r = run(&mut c, "web", &["tar", "-xmf", "-", "-C", "/no/such"], &one);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: /no/such: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n", 2)
    );
    let r = run(&mut c, "bb", &["tar", "-xmf", "-", "-C", "/no/such"], &one);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        (
            "tar: can't change directory to '/no/such': No such file or directory\n",
            1
        )
    );
}

/// Names that would leave the directory lose their prefix (with the note); a broken archive
/// gets each tar's complaint; `t` lists, `-tv` in each tar's long format.
#[test]
fn tar_reads_unsafe_and_broken_archives() {
    use crate::tar::{self, Member};
    let mut c = cluster();
    let abs = tar::write(&[Member::file("/tmp/abs.txt", "x\n", 0)], false);
    let r = run(&mut c, "web", &["tar", "xf", "-", "-C", "/root"], &abs);
    assert_eq!(r.stderr, "tar: Removing leading `/' from member names\n");
    assert_eq!(
        run(&mut c, "web", &["cat", "/root/tmp/abs.txt"], "").stdout,
        "x\n"
    );
    let r = run(&mut c, "web", &["tar", "xf", "-"], "this is no archive");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        (
            "tar: Unexpected EOF in archive\ntar: Error is not recoverable: exiting now\n",
            2
        )
    );
    let junk = "x".repeat(tar::BLOCK);
    let r = run(&mut c, "web", &["tar", "xf", "-"], &junk);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: This does not look like a tar archive\ntar: Skipping to next header\ntar: Exiting with failure status due to previous errors\n", 2)
    );
    let r = run(&mut c, "bb", &["tar", "xf", "-"], &junk);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: invalid tar magic\n", 1)
    );
    let two = tar::write(
        &[
            Member::dir("d", 1_767_225_900),
            Member::file("d/f", "hello\n", 1_767_225_900),
        ],
        true,
    );
    assert_eq!(
        run(&mut c, "web", &["tar", "tf", "-"], &two).stdout,
        "d/\nd/f\n"
    );
    assert_eq!(
        run(&mut c, "web", &["tar", "-tvf", "-"], &two).stdout,
        "drwxr-xr-x root/root         0 2026-01-01 00:05 d/\n-rw-r--r-- root/root         6 2026-01-01 00:05 d/f\n"
    );
    assert_eq!(
        run(&mut c, "bb", &["tar", "-tvf", "-"], &two).stdout,
        "drwxr-xr-x root/root         0 2026-01-01 00:05:00 d/\n-rw-r--r-- root/root         6 2026-01-01 00:05:00 d/f\n"
    );
    // Named members only; a name the archive lacks is an error.
    let r = run(&mut c, "web", &["tar", "tf", "-", "d/f", "nope"], &two);
    assert_eq!(
        (r.stdout.as_str(), r.stderr.as_str(), r.exit_code),
        ("d/f\n", "tar: nope: Not found in archive\ntar: Exiting with failure status due to previous errors\n", 2)
    );
    let r = run(&mut c, "web", &["tar", "xOf", "-", "d/f"], &two);
    assert_eq!((r.stdout.as_str(), r.exit_code), ("hello\n", 0));
    let r = run(&mut c, "web", &["tar", "xzf", "-"], &two);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        (
            "tar: -z: compressed archives are not available in this playground\n",
            2
        )
    );
    let r = run(&mut c, "web", &["tar", "-q"], "");
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        (
            "tar: invalid option -- 'q'\nTry 'tar --help' or 'tar --usage' for more information.\n",
            2
        )
    );
}

/// A file that cannot be written fails on its own in GNU tar (which goes on), and stops busybox.
#[test]
fn tar_into_a_file_that_is_a_directory() {
    use crate::tar::{self, Member};
    let mut c = cluster();
    sh(&mut c, "web", "mkdir -p /tmp/x/hello");
    let one = tar::write(
        &[
            Member::file("hello", "hi\n", 0),
            Member::file("b", "b\n", 0),
        ],
        false,
    );
    let r = run(&mut c, "web", &["tar", "xf", "-", "-C", "/tmp/x"], &one);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: hello: Cannot open: Is a directory\ntar: Exiting with failure status due to previous errors\n", 2)
    );
    assert_eq!(run(&mut c, "web", &["cat", "/tmp/x/b"], "").stdout, "b\n");
    sh(&mut c, "bb", "mkdir -p /tmp/x/hello");
    let r = run(&mut c, "bb", &["tar", "xf", "-", "-C", "/tmp/x"], &one);
    assert_eq!(
        (r.stderr.as_str(), r.exit_code),
        ("tar: can't open 'hello': Is a directory\n", 1)
    );
    assert_eq!(run(&mut c, "bb", &["cat", "/tmp/x/b"], "").exit_code, 1);
}

/// Which images have a tar: those that really ship one; without it the runtime cannot start
/// the process.
#[test]
fn images_without_tar_cannot_start_it() {
    use crate::images::{lookup, ImageRef, Tar};
    let tar = |i: &str| lookup(&ImageRef::parse(i).unwrap()).unwrap().tar;
    assert_eq!(tar("registry.k8s.io/nginx-slim:0.21"), Tar::Gnu);
    assert_eq!(tar("nginx"), Tar::Gnu);
    assert_eq!(tar("busybox:1.28"), Tar::Busybox);
    assert_eq!(
        tar("registry.k8s.io/e2e-test-images/agnhost:2.45"),
        Tar::Busybox
    );
    assert_eq!(tar("mysql"), Tar::Missing);
    let mut c = cluster();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n  - name: db\n    image: mysql:9\n";
    for r in c.apply_yaml(pod, "default").unwrap() {
        r.unwrap();
    }
    c.settle();
    let argv: Vec<String> = ["tar", "cf", "-", "/etc"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let e = c.exec("default", "db", None, &argv, "").unwrap_err();
    assert!(
        e.message()
            .ends_with("exec: \"tar\": executable file not found in $PATH: unknown"),
        "{}",
        e.message()
    );
    assert_eq!(
        sh(&mut c, "db", "tar cf - /etc").stderr,
        "sh: 1: tar: not found\n"
    );
}
