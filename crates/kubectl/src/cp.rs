//! `kubectl cp` (kubectl pkg/cmd/cp: cp.go, filespec.go): files and directories between the
//! learner's machine and a container, the way kubectl moves them: it execs `tar` in the
//! container. To a pod: `test -d DEST` (is it a directory to copy into?), then its own archive
//! of the local files piped into `tar -xmf - -C DIR`. From a pod: `tar cf - PATH`, unpacked
//! locally (files are written through [`Output::writes`]: kubectl's `Env` only reads).
//!
//! What the learner sees is kubectl's: tar's messages (from a pod they are on stdout, as
//! kubectl wires tar's stderr there), the "Defaulted container" line, its errors word for
//! word, and its exit codes, including the one it gets wrong upstream: copying a missing file
//! from a pod prints tar's complaint and exits 0 (kubernetes/kubectl#980).

use crate::args::{flag, FlagSpec};
use crate::output::{LocalWrite, Output};
use crate::{Env, Files};
use ordinal_sim::api::Pod;
use ordinal_sim::tar::{self, Body, End, Member};
use ordinal_sim::Cluster;

pub const FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("no-preserve", None, false),
    flag("retries", None, true),
];

/// Retries kubectl cp makes at most here; upstream a negative `--retries` retries for ever.
const MAX_RETRIES: i64 = 100;
/// Local files one copy to a pod takes at most, and their bytes.
const MAX_LOCAL_FILES: usize = 10_000;
const MAX_LOCAL_BYTES: usize = 8 << 20;

/// `[[namespace/]pod:]file/path`, as `extractFileSpec` splits it.
#[derive(Debug, PartialEq, Eq)]
struct Spec {
    namespace: Option<String>,
    /// Empty for a local path.
    pod: String,
    /// The path, without one trailing `/`; a remote one with `\` made `/`.
    file: String,
}

fn strip_trailing_slash(f: &str) -> String {
    if f != "/" && f.ends_with('/') {
        f[..f.len() - 1].to_string()
    } else {
        f.to_string()
    }
}

fn file_spec(arg: &str) -> Result<Spec, String> {
    const FORMAT: &str =
        "error: filespec must match the canonical format: [[namespace/]pod:]file/path";
    let Some(i) = arg.find(':') else {
        return Ok(Spec {
            namespace: None,
            pod: String::new(),
            file: strip_trailing_slash(arg),
        });
    };
    if i == 0 {
        return Err(FORMAT.into());
    }
    let (pod, file) = (&arg[..i], &arg[i + 1..]);
    let file = strip_trailing_slash(file).replace('\\', "/");
    let pieces: Vec<&str> = pod.split('/').collect();
    match pieces.as_slice() {
        [pod] => Ok(Spec {
            namespace: None,
            pod: pod.to_string(),
            file,
        }),
        [ns, pod] => Ok(Spec {
            namespace: Some(ns.to_string()),
            pod: pod.to_string(),
            file,
        }),
        _ => Err(FORMAT.into()),
    }
}

// Go's `path` functions (the local side's `filepath` is the same on Linux).

/// `path.Clean`.
fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// `path.Join`: the non-empty elements joined and cleaned ("" when all are empty).
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

/// `path.Dir`.
fn dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => ".".into(),
    }
}

/// `path.Base`.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// `stripPathShortcuts`: leading `../`s, and a lone `.` or `..`, go.
fn strip_path_shortcuts(p: &str) -> String {
    let mut p = p;
    while let Some(rest) = p.strip_prefix("../") {
        p = rest;
    }
    if p == "." || p == ".." {
        return String::new();
    }
    p.strip_prefix('/').unwrap_or(p).to_string()
}

/// `isRelative`: whether `target` is `base` or inside it.
fn is_relative(base: &str, target: &str) -> bool {
    let (b, t) = (clean(base), clean(target));
    if b == t || b == "." && !t.starts_with("../") && t != ".." && !t.starts_with('/') {
        return true;
    }
    let prefix = if b.ends_with('/') { b } else { format!("{b}/") };
    t.starts_with(&prefix)
}

/// How a copy runs: the namespace and container flags, `--no-preserve`, `--retries`.
struct Opts {
    namespace: String,
    container: Option<String>,
    no_preserve: bool,
    retries: i64,
}

pub fn cp(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "cp", &mut out) else {
        return out;
    };
    let retries = match p.value("retries") {
        None => 0,
        Some(r) => match parse_go_int(r) {
            Ok(n) => n,
            Err(why) => {
                out.err(format!("error: invalid argument \"{r}\" for \"--retries\" flag: strconv.ParseInt: parsing \"{r}\": {why}\nSee 'kubectl cp --help' for usage."));
                return out;
            }
        },
    };
    let o = Opts {
        namespace: p.value("namespace").unwrap_or(env.namespace).to_string(),
        container: p.value("container").map(String::from),
        no_preserve: p.bool("no-preserve"),
        retries,
    };
    if p.positionals.len() != 2 {
        out.err("error: source and destination are required");
        return out;
    }
    let specs =
        file_spec(&p.positionals[0]).and_then(|s| file_spec(&p.positionals[1]).map(|d| (s, d)));
    let (src, dest) = match specs {
        Ok(s) => s,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    if !src.pod.is_empty() && !dest.pod.is_empty() {
        out.err("error: one of src or dest must be a local file specification");
        return out;
    }
    if src.file.is_empty() || dest.file.is_empty() {
        out.err("error: filepath can not be empty");
        return out;
    }
    if !src.pod.is_empty() {
        copy_from_pod(c, env, &o, &src, &dest, &mut out);
    } else if !dest.pod.is_empty() {
        copy_to_pod(c, env, &o, &src, &dest, &mut out);
    } else {
        out.err("error: one of src or dest must be a remote file specification");
    }
    out
}

/// pflag's `int`: `strconv.ParseInt(s, 0, 64)` (a `0x`, `0o`, `0b` or `0` prefix picks the
/// base; `_` between digits with one).
fn parse_go_int(s: &str) -> Result<i64, &'static str> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = match lower.get(..2) {
        Some("0x") => (16, &lower[2..]),
        Some("0o") => (8, &lower[2..]),
        Some("0b") => (2, &lower[2..]),
        _ if lower.len() > 1 && lower.starts_with('0') => (8, &lower[1..]),
        _ => (10, lower.as_str()),
    };
    let digits: Vec<u32> = digits
        .chars()
        .filter(|c| radix == 10 || *c != '_')
        .map(|c| c.to_digit(radix))
        .collect::<Option<_>>()
        .ok_or("invalid syntax")?;
    if digits.is_empty() {
        return Err("invalid syntax");
    }
    let mut v: i64 = 0;
    for d in digits {
        let d = i64::from(d);
        v = v
            .checked_mul(i64::from(radix))
            .and_then(|v| {
                if neg {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or("value out of range")?;
    }
    Ok(v)
}

/// What `ExecOptions.Run` does before it opens the stream: read the pod, refuse a finished
/// one, and pick the default container, saying so when the pod has others.
fn prepare(
    c: &Cluster,
    ns: &str,
    pod: &str,
    container: Option<&str>,
) -> Result<Option<String>, String> {
    let Some(p) = c.get_as::<Pod>(ns, pod) else {
        return Err(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        ));
    };
    if matches!(p.phase(), "Succeeded" | "Failed") {
        return Err(format!(
            "error: cannot exec into a container in a completed pod; current phase is {}",
            p.phase()
        ));
    }
    if container.is_some() {
        return Ok(None);
    }
    match crate::exec::default_container(p) {
        Some((_, note)) => Ok(note),
        None => Err(format!(
            "error: pod {ns}/{pod} does not have any containers"
        )),
    }
}

fn copy_to_pod(c: &mut Cluster, env: &Env, o: &Opts, src: &Spec, dest: &Spec, out: &mut Output) {
    let files = env.files;
    if files.read(&src.file).is_err() && files.dir(&src.file).is_none() {
        out.err(format!(
            "error: {} doesn't exist in local filesystem",
            src.file
        ));
        return;
    }
    let ns = dest
        .namespace
        .clone()
        .unwrap_or_else(|| o.namespace.clone());
    let container = o.container.as_deref();
    // `checkDestinationIsDir`: a directory takes the source by its name (any failure,
    // including a pod that does not exist, means no).
    let mut dest_file = dest.file.clone();
    let test = ["test".to_string(), "-d".into(), dest_file.clone()];
    let is_dir = prepare(c, &ns, &dest.pod, container).is_ok()
        && c.exec(&ns, &dest.pod, container, &test, "")
            .is_ok_and(|r| r.exit_code == 0);
    if is_dir {
        dest_file = join(&dest_file, &base(&src.file));
    }
    let members = match make_tar(files, &src.file, &dest_file, c.now().0 / 1000) {
        Ok(m) => m,
        Err(e) => {
            out.err(e);
            return;
        }
    };
    let archive = tar::write(&members, false);
    let mut argv: Vec<String> = if o.no_preserve {
        vec![
            "tar".into(),
            "--no-same-permissions".into(),
            "--no-same-owner".into(),
            "-xmf".into(),
            "-".into(),
        ]
    } else {
        vec!["tar".into(), "-xmf".into(), "-".into()]
    };
    let dest_dir = dir(&dest_file);
    if !dest_dir.is_empty() {
        argv.push("-C".into());
        argv.push(dest_dir);
    }
    match prepare(c, &ns, &dest.pod, container) {
        Err(e) => {
            out.err(e);
            return;
        }
        Ok(note) => {
            if let Some(n) = note {
                out.note(n);
            }
        }
    }
    match c.exec(&ns, &dest.pod, container, &argv, &archive) {
        Ok(r) => {
            out.out(r.stdout);
            if !r.stderr.is_empty() {
                out.note(r.stderr);
            }
            if r.exit_code != 0 {
                out.note(format!("command terminated with exit code {}", r.exit_code));
                out.status = r.exit_code;
            }
        }
        Err(e) => out.err(e.message()),
    }
}

/// `makeTar`/`recursiveTar`: the local file, or the files of the local directory (an empty
/// directory as itself), named from the destination's base name down.
fn make_tar(files: &dyn Files, src: &str, dest: &str, mtime: u64) -> Result<Vec<Member>, String> {
    let src = clean(src);
    let dest = clean(dest);
    let mut members = Vec::new();
    let mut bytes = 0usize;
    // (local path, member name)
    let mut stack = vec![(src, base(&dest))];
    while let Some((path, name)) = stack.pop() {
        if members.len() >= MAX_LOCAL_FILES || bytes > MAX_LOCAL_BYTES {
            return Err(format!(
                "error: \"kubectl cp\" is not available in this playground for more than {MAX_LOCAL_FILES} files or {} MiB at once",
                MAX_LOCAL_BYTES >> 20
            ));
        }
        if let Some(names) = files.dir(&path) {
            if names.is_empty() {
                members.push(Member::dir(&name, mtime));
            }
            for n in names.iter().rev() {
                stack.push((join(&path, n), join(&name, n)));
            }
        } else if let Ok(content) = files.read(&path) {
            bytes += content.len();
            members.push(Member::file(&name, &content, mtime));
        }
    }
    Ok(members)
}

fn copy_from_pod(c: &mut Cluster, env: &Env, o: &Opts, src: &Spec, dest: &Spec, out: &mut Output) {
    let ns = src.namespace.clone().unwrap_or_else(|| o.namespace.clone());
    let container = o.container.as_deref();
    let mut read_from = 0u64;
    let mut retries = 0i64;
    let archive = loop {
        // kubectl wires the exec's stderr to its own stdout here.
        let note = match prepare(c, &ns, &src.pod, container) {
            Ok(n) => n,
            Err(e) => {
                out.err(e);
                return;
            }
        };
        if let Some(n) = note {
            out.out(format!("{n}\n"));
        }
        let argv: Vec<String> = if o.retries != 0 {
            vec![
                "sh".into(),
                "-c".into(),
                format!("tar cf - {} | tail -c+{}", src.file, read_from + 1),
            ]
        } else {
            vec!["tar".into(), "cf".into(), "-".into(), src.file.clone()]
        };
        let r = match c.exec(&ns, &src.pod, container, &argv, "") {
            Ok(r) => r,
            // The exec's goroutine fails the whole command.
            Err(e) => {
                out.err(e.message());
                return;
            }
        };
        out.out(r.stderr);
        let a = tar::read(r.stdout.as_bytes());
        // kubectl's reader meets the stream's end only when the archive ended early (tar
        // stops reading at its end marker): then it retries, or gives up.
        if matches!(a.end, End::Marker | End::TooMany) {
            break a;
        }
        read_from += r.stdout.len() as u64;
        if o.retries < 0 || retries < o.retries {
            retries += 1;
            if retries > MAX_RETRIES {
                out.err(format!("error: \"kubectl cp --retries\" is not available in this playground beyond {MAX_RETRIES} retries"));
                return;
            }
            out.out(format!(
                "Resuming copy at {read_from} bytes, retry {retries}/{}\n",
                o.retries
            ));
            continue;
        }
        out.out(format!("Dropping out copy after {retries} retries\n"));
        break a;
    };
    untar(env, &ns, src, dest, &archive, out);
}

/// `untarAll`: each member under the local destination, named by what follows the source
/// path in it.
fn untar(env: &Env, ns: &str, src: &Spec, dest: &Spec, archive: &tar::Archive, out: &mut Output) {
    let prefix = strip_path_shortcuts(&clean(src.file.trim_start_matches(['/', '\\'])));
    let dest_root = clean(&dest.file);
    let mut symlink_warned = false;
    for m in &archive.members {
        if !m.name.starts_with(&prefix) {
            out.err("error: tar contents corrupted");
            return;
        }
        let rest = strip_trailing_slash(&m.name[prefix.len()..]);
        let target = join(&dest_root, &rest);
        if !is_relative(&dest_root, &target) {
            out.note(format!(
                "warning: file {target:?} is outside target destination, skipping"
            ));
            continue;
        }
        out.writes.push(LocalWrite::Dir(dir(&target)));
        match &m.body {
            Body::Dir => {
                out.writes.push(LocalWrite::Dir(target));
            }
            Body::Symlink(link) => {
                if !symlink_warned {
                    symlink_warned = true;
                    out.note(format!(
                        "warning: skipping symlink: {target:?} -> {link:?} (consider using \"kubectl exec -n {ns:?} {:?} -- tar cf - {:?} | tar xf -\")",
                        src.pod, src.file
                    ));
                } else {
                    out.note(format!("warning: skipping symlink: {target:?} -> {link:?}"));
                }
            }
            Body::File(content) => {
                if env.files.dir(&target).is_some() {
                    out.err(format!("error: open {target}: is a directory"));
                    return;
                }
                out.writes.push(LocalWrite::File(target, content.clone()));
            }
            Body::Other => {
                out.writes.push(LocalWrite::File(target, String::new()));
            }
        }
    }
    match archive.end {
        End::Truncated => out.err("error: unexpected EOF"),
        End::NotHeader { .. } => out.err("error: archive/tar: invalid tar header"),
        End::Marker | End::Eof | End::TooMany => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::session::{MemFiles, Workspace};

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: registry.k8s.io/nginx-slim:0.21\n  - name: sidecar\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n  - name: db\n    image: mysql:9\n";

    fn cluster() -> Cluster {
        let mut c = Cluster::new(3);
        for r in c.apply_yaml(PODS, "default").unwrap() {
            r.unwrap();
        }
        c.settle();
        c
    }

    /// A kubectl line run in the terminal's workspace, its writes applied as the session does.
    fn run(c: &mut Cluster, files: &mut MemFiles, line: &str) -> Output {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let env = Env {
            namespace: "default",
            files: &*files,
            stdin: "",
            interactive_shells: false,
        };
        let mut out = crate::run(c, &args, &env);
        crate::session::apply_writes(files, &mut out);
        out
    }

    fn exec(c: &mut Cluster, pod: &str, container: &str, cmd: &str) -> String {
        let argv: Vec<String> = cmd.split_whitespace().map(String::from).collect();
        c.exec("default", pod, Some(container), &argv, "")
            .unwrap()
            .text
    }

    /// A file into a container and back out, a directory both ways; kubectl's notes (the
    /// default container, tar's leading `/`) on the streams kubectl uses.
    #[test]
    fn copies_files_and_directories_both_ways() {
        let mut c = cluster();
        let mut files = MemFiles::default();
        files.write("hello.html", "<h1>hi</h1>\n", false).unwrap();
        let o = run(&mut c, &mut files, "cp hello.html web:/tmp/hello.html");
        assert_eq!(
            (o.stdout(), o.stderr(), o.status),
            (
                String::new(),
                "Defaulted container \"nginx\" out of: nginx, sidecar\n".to_string(),
                0
            )
        );
        assert_eq!(
            exec(&mut c, "web", "nginx", "cat /tmp/hello.html"),
            "<h1>hi</h1>\n"
        );
        // Into a directory that exists: under the source's name.
        let o = run(&mut c, &mut files, "cp -c sidecar hello.html web:/tmp");
        assert_eq!((o.text(), o.status), (String::new(), 0));
        assert_eq!(
            exec(&mut c, "web", "sidecar", "cat /tmp/hello.html"),
            "<h1>hi</h1>\n"
        );

        let o = run(&mut c, &mut files, "cp web:/tmp/hello.html ./copy.html");
        assert_eq!(
            (o.stdout(), o.stderr(), o.status),
            (
                "Defaulted container \"nginx\" out of: nginx, sidecar\ntar: Removing leading `/' from member names\n".to_string(),
                String::new(),
                0
            )
        );
        assert_eq!(files.read("copy.html").unwrap(), "<h1>hi</h1>\n");

        files.write("site/index.html", "index\n", false).unwrap();
        files.write("site/css/a.css", "a{}\n", false).unwrap();
        files.mkdir("site/empty").unwrap();
        let o = run(&mut c, &mut files, "cp -c nginx site web:/tmp/www");
        assert_eq!((o.text(), o.status), (String::new(), 0));
        assert_eq!(
            exec(&mut c, "web", "nginx", "ls /tmp/www /tmp/www/css"),
            "/tmp/www:\ncss\nempty\nindex.html\n\n/tmp/www/css:\na.css\n"
        );
        let o = run(&mut c, &mut files, "cp -c nginx web:/tmp/www back");
        assert_eq!(
            (o.stdout(), o.status),
            (
                "tar: Removing leading `/' from member names\n".to_string(),
                0
            )
        );
        assert_eq!(files.dir("back").unwrap(), ["css", "empty", "index.html"]);
        assert_eq!(files.read("back/css/a.css").unwrap(), "a{}\n");
        assert_eq!(files.dir("back/empty").unwrap(), Vec::<String>::new());
        // Out of a default-namespace pod named with its namespace, under a new name.
        let o = run(
            &mut c,
            &mut files,
            "cp -c nginx default/web:/tmp/www/index.html ./i.html",
        );
        assert_eq!(o.status, 0);
        assert_eq!(files.read("i.html").unwrap(), "index\n");
    }

    /// `kubectl exec` picks and names the default container as cp does (`-q` keeps quiet).
    #[test]
    fn exec_names_the_container_it_defaulted_to() {
        let mut c = cluster();
        let mut files = MemFiles::default();
        let o = run(&mut c, &mut files, "exec web -- hostname");
        assert_eq!(
            (o.stdout(), o.stderr()),
            (
                "web\n".to_string(),
                "Defaulted container \"nginx\" out of: nginx, sidecar\n".to_string()
            )
        );
        let o = run(&mut c, &mut files, "exec -q web -- hostname");
        assert_eq!(
            (o.stdout(), o.stderr()),
            ("web\n".to_string(), String::new())
        );
        let o = run(&mut c, &mut files, "exec db -- hostname");
        assert_eq!(
            (o.stdout(), o.stderr()),
            ("db\n".to_string(), String::new())
        );
    }

    /// kubectl's own errors, before anything reaches a container.
    #[test]
    fn refuses_what_kubectl_refuses() {
        let mut c = cluster();
        let mut files = MemFiles::default();
        files.write("hello.html", "hi\n", false).unwrap();
        let cases = [
            ("cp hello.html", "error: source and destination are required\n"),
            ("cp hello.html copy.html", "error: one of src or dest must be a remote file specification\n"),
            ("cp web:/a db:/b", "error: one of src or dest must be a local file specification\n"),
            ("cp hello.html web:", "error: filepath can not be empty\n"),
            ("cp nope.txt web:/tmp", "error: nope.txt doesn't exist in local filesystem\n"),
            ("cp hello.html nope:/tmp", "Error from server (NotFound): pods \"nope\" not found\n"),
            ("cp nope:/tmp/x x", "Error from server (NotFound): pods \"nope\" not found\n"),
            ("cp a/b/c:/x x", "error: filespec must match the canonical format: [[namespace/]pod:]file/path\n"),
            ("cp --retries=x web:/x x", "error: invalid argument \"x\" for \"--retries\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl cp --help' for usage.\n"),
        ];
        for (line, err) in cases {
            let o = run(&mut c, &mut files, line);
            assert_eq!(
                (o.stdout(), o.stderr(), o.status),
                (String::new(), err.to_string(), 1),
                "{line}"
            );
        }
        // A local destination that is a directory is kubectl's os.Create error.
        let o = run(&mut c, &mut files, "cp -c nginx web:/etc/hostname .");
        assert_eq!(
            (o.stdout(), o.stderr(), o.status),
            (
                "tar: Removing leading `/' from member names\n".to_string(),
                "error: open .: is a directory\n".to_string(),
                1
            )
        );
    }

    /// What tar says in the container: a missing file (tar fails, kubectl exits 0 after
    /// printing its words on stdout), a directory that is not there (tar's exit code), an
    /// image without tar (the runtime's error), and --retries meeting an empty stream.
    #[test]
    fn tars_failures_reach_the_learner_as_kubectl_shows_them() {
        let mut c = cluster();
        let mut files = MemFiles::default();
        files.write("hello.html", "hi\n", false).unwrap();
        let o = run(&mut c, &mut files, "cp -c nginx web:/tmp/nope nope.html");
        assert_eq!(
            (o.stdout(), o.stderr(), o.status),
            ("tar: Removing leading `/' from member names\ntar: /tmp/nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n".to_string(), String::new(), 0)
        );
        assert!(files.read("nope.html").is_err());
        let o = run(&mut c, &mut files, "cp -c sidecar web:/tmp/nope nope.html");
        assert_eq!(
            (o.stdout(), o.status),
            ("tar: /tmp/nope: No such file or directory\ntar: error exit delayed from previous errors\n".to_string(), 0)
        );
        let o = run(&mut c, &mut files, "cp -c nginx hello.html web:/no/such/x");
        assert_eq!(
            (o.stderr(), o.status),
            ("tar: /no/such: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n".to_string(), 2)
        );
        for line in ["cp hello.html db:/tmp", "cp db:/etc/hostname h"] {
            let o = run(&mut c, &mut files, line);
            assert_eq!(o.status, 1);
            assert!(o.stderr().starts_with("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""), "{line}: {}", o.stderr());
            assert!(o.stderr().ends_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"tar\": executable file not found in $PATH: unknown\n"));
        }
        let o = run(&mut c, &mut files, "cp db:/etc/hostname h --retries=2");
        assert_eq!(
            (o.stdout(), o.status),
            ("sh: 1: tar: not found\nResuming copy at 0 bytes, retry 1/2\nsh: 1: tar: not found\nResuming copy at 0 bytes, retry 2/2\nsh: 1: tar: not found\nDropping out copy after 2 retries\n".to_string(), 0)
        );
        let o = run(&mut c, &mut files, "cp db:/etc/hostname h --retries=-1");
        assert_eq!(o.status, 1);
        assert!(o
            .stderr()
            .contains("is not available in this playground beyond 100 retries"));
    }

    #[test]
    fn file_specs_split_as_kubectl_splits_them() {
        let s = |a: &str| file_spec(a);
        assert_eq!(
            s("web-0:/usr/share/nginx/html/"),
            Ok(Spec {
                namespace: None,
                pod: "web-0".into(),
                file: "/usr/share/nginx/html".into()
            })
        );
        assert_eq!(
            s("default/web-0:/tmp").map(|s| (s.namespace, s.pod)),
            Ok((Some("default".into()), "web-0".into()))
        );
        assert_eq!(
            s("./html/").map(|s| (s.pod, s.file)),
            Ok((String::new(), "./html".into()))
        );
        assert_eq!(s("web-0:").map(|s| s.file), Ok(String::new()));
        let format = Err(
            "error: filespec must match the canonical format: [[namespace/]pod:]file/path"
                .to_string(),
        );
        assert_eq!(s(":x"), format);
        assert_eq!(s("a/b/c:x"), format);
    }

    #[test]
    fn go_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("../../x"), "../../x");
        assert_eq!(clean(""), ".");
        assert_eq!(join(".", ""), ".");
        assert_eq!(join("html", "/index.html"), "html/index.html");
        assert_eq!(join("/usr/share", "x"), "/usr/share/x");
        assert_eq!(dir("hello.txt"), ".");
        assert_eq!(dir("/a"), "/");
        assert_eq!(dir("/a/b"), "/a");
        assert_eq!(base("/usr/share/nginx/html"), "html");
        assert_eq!(base("/"), "/");
        assert_eq!(strip_path_shortcuts("../../etc/hosts"), "etc/hosts");
        assert_eq!(strip_path_shortcuts(".."), "");
        assert!(is_relative("html", "html/index.html"));
        assert!(is_relative(".", "index.html"));
        assert!(!is_relative("html", "other/x"));
        assert!(!is_relative(".", "../x"));
    }

    #[test]
    fn retries_parse_as_go_ints() {
        assert_eq!(parse_go_int("3"), Ok(3));
        assert_eq!(parse_go_int("-1"), Ok(-1));
        assert_eq!(parse_go_int("0x10"), Ok(16));
        assert_eq!(parse_go_int("010"), Ok(8));
        assert_eq!(parse_go_int("x"), Err("invalid syntax"));
        assert_eq!(
            parse_go_int("99999999999999999999"),
            Err("value out of range")
        );
    }
}
