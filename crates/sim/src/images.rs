//! The simulated image catalogue: which images exist, where they live, how big they are,
//! what files they carry and what their main process does.

/// A parsed image reference: `registry.k8s.io/nginx-slim:0.21` →
/// registry `registry.k8s.io`, repository `nginx-slim`, tag `0.21`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: String,
    pub repository: String,
    /// Empty when the reference names no tag (it then means `latest`).
    pub tag: String,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> Option<ImageRef> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        let (registry, path) = match rest.split_once('/') {
            Some((first, tail))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), tail.to_string())
            }
            _ => ("docker.io".to_string(), rest.to_string()),
        };
        let (repo, tag) = match path.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r.to_string(), t.to_string()),
            _ => (path, String::new()),
        };
        if repo.is_empty() || repo.chars().any(|c| c.is_ascii_uppercase()) {
            return None;
        }
        let repository = if registry == "docker.io" && !repo.contains('/') {
            format!("library/{repo}")
        } else {
            repo
        };
        Some(ImageRef {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The fully qualified name containerd reports: `docker.io/library/busybox:1.28`.
    pub fn canonical(&self) -> String {
        let tag = if self.tag.is_empty() {
            "latest"
        } else {
            &self.tag
        };
        format!("{}/{}:{}", self.registry, self.repository, tag)
    }

    pub fn is_public_registry(&self) -> bool {
        PUBLIC_REGISTRIES.contains(&self.registry.as_str())
    }
}

pub const PUBLIC_REGISTRIES: &[&str] = &[
    "docker.io",
    "registry.k8s.io",
    "quay.io",
    "gcr.io",
    "ghcr.io",
    "registry-1.docker.io",
    "k8s.gcr.io",
    "mcr.microsoft.com",
    "public.ecr.aws",
];

/// What a container's main process does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Process {
    /// nginx: serves `root` on port 80 until SIGTERM, which it honours.
    WebServer { root: &'static str },
    /// A long-running process; `sigterm` says whether it exits on SIGTERM (PID 1 shells and
    /// `sleep` do not: they are killed when the grace period ends).
    Runs { sigterm: bool },
    /// Exits by itself after `after_ms` with `code`.
    Exits { after_ms: u64, code: i32 },
    /// An interactive shell (`stdin: true`): runs until its session ends; ignores SIGTERM.
    Interactive,
}

#[derive(Debug)]
pub struct Image {
    /// `registry/repository`, without tag.
    pub name: &'static str,
    pub size_bytes: u64,
    pub kind: ImageKind,
    pub files: &'static [(&'static str, &'static str)],
    /// The tags that exist, with their sizes; empty when any tag exists at `size_bytes`.
    pub tags: &'static [(&'static str, u64)],
    /// The `tar` it carries, which `kubectl cp` runs.
    pub tar: Tar,
}

/// Which `tar` an image has: it decides the words of its messages (and whether `kubectl cp`
/// works at all).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tar {
    /// None: `kubectl cp` fails as the runtime cannot start `tar`.
    Missing,
    /// GNU tar (Debian and Ubuntu images: it is an essential package).
    Gnu,
    /// busybox's applet (busybox, and Alpine-based images).
    Busybox,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Nginx,
    Httpd,
    Busybox,
    Alpine,
    Server,
    Pause,
}

const NGINX_INDEX: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";
const NGINX_FILES: &[(&str, &str)] = &[
    ("/usr/share/nginx/html/index.html", NGINX_INDEX),
    ("/usr/share/nginx/html/50x.html", "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n"),
    ("/etc/nginx/nginx.conf", "user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n    sendfile        on;\n    keepalive_timeout  65;\n    include /etc/nginx/conf.d/*.conf;\n}\n"),
    ("/etc/nginx/conf.d/default.conf", "server {\n    listen       80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n"),
    ("/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n"),
    ("/var/log/nginx/", ""),
    ("/tmp/", ""),
    ("/root/", ""),
];
const BUSYBOX_FILES: &[(&str, &str)] = &[
    ("/bin/", ""),
    ("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n"),
    ("/etc/group", "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n"),
    ("/home/", ""),
    ("/root/", ""),
    ("/tmp/", ""),
    ("/usr/", ""),
    ("/var/", ""),
];
const ALPINE_FILES: &[(&str, &str)] = &[
    ("/etc/alpine-release", "3.20.3\n"),
    (
        "/etc/os-release",
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
    ),
    ("/home/", ""),
    ("/root/", ""),
    ("/tmp/", ""),
];
const HTTPD_FILES: &[(&str, &str)] = &[
    (
        "/usr/local/apache2/htdocs/index.html",
        "<html><body><h1>It works!</h1></body></html>\n",
    ),
    ("/tmp/", ""),
];
const EMPTY: &[(&str, &str)] = &[("/tmp/", "")];

/// Docker Hub's `nginx` tags that tutorials use, with the size containerd reports for the
/// linux/amd64 image (the kubelet's "Image size"). Exact where kubelet events on containerd
/// show them (1.14.2, 1.25.0, 1.25 at 1.25.5, 1.27-alpine); the others are estimates rounded
/// to 0.1 MB (the rolling tags are 1.27.3, the version the image's log reports). A tag that
/// is not listed does not exist, and its pull fails with containerd's "not found".
const NGINX_TAGS: &[(&str, u64)] = &[
    ("1", 72_950_000),
    ("1.7.9", 39_900_000),
    ("1.14.2", 44_710_204),
    ("1.15", 44_800_000),
    ("1.16", 51_000_000),
    ("1.16.0", 51_000_000),
    ("1.16.1", 51_000_000),
    ("1.17", 51_300_000),
    ("1.19", 53_600_000),
    ("1.20", 56_800_000),
    ("1.21", 56_800_000),
    ("1.21.6", 56_800_000),
    ("1.23", 56_900_000),
    ("1.24", 56_900_000),
    ("1.25", 67_665_983),
    ("1.25.0", 57_205_272),
    ("1.26", 70_500_000),
    ("1.27", 72_950_000),
    ("1.27.3", 72_950_000),
    ("1.28", 72_200_000),
    ("1.29", 72_200_000),
    ("1.27-alpine", 20_984_244),
    ("alpine", 20_984_244),
    ("latest", 72_950_000),
    ("mainline", 72_950_000),
    ("stable", 72_950_000),
    ("stable-alpine", 20_984_244),
];

/// The images. Their `tar`: nginx-slim 0.2x is built on kubernetes' ubuntu-slim (which keeps
/// tar; kubernetes/ingress-nginx `images/nginx-slim`), Docker Hub's nginx, httpd, redis and
/// postgres on debian:bookworm-slim, the lesson's mirror is nginx's; busybox and alpine have
/// busybox's applet, as agnhost (built on alpine) does; mysql is built on oraclelinux:9-slim,
/// whose microdnf install adds no tar; pause has no userland at all.
pub const CATALOGUE: &[Image] = &[
    Image {
        name: "registry.k8s.io/nginx-slim",
        size_bytes: 40_410_000,
        kind: ImageKind::Nginx,
        files: NGINX_FILES,
        tags: &[],
        tar: Tar::Gnu,
    },
    Image {
        name: "docker.io/library/nginx",
        size_bytes: 72_950_000,
        kind: ImageKind::Nginx,
        files: NGINX_FILES,
        tags: NGINX_TAGS,
        tar: Tar::Gnu,
    },
    Image {
        name: "registry.cn-hangzhou.aliyuncs.com/larswang/nginx",
        size_bytes: 54_200_000,
        kind: ImageKind::Nginx,
        files: NGINX_FILES,
        tags: &[],
        tar: Tar::Gnu,
    },
    Image {
        name: "docker.io/library/busybox",
        size_bytes: 727_869,
        kind: ImageKind::Busybox,
        files: BUSYBOX_FILES,
        tags: &[],
        tar: Tar::Busybox,
    },
    Image {
        name: "docker.io/library/alpine",
        size_bytes: 3_623_807,
        kind: ImageKind::Alpine,
        files: ALPINE_FILES,
        tags: &[],
        tar: Tar::Busybox,
    },
    Image {
        name: "docker.io/library/httpd",
        size_bytes: 58_970_000,
        kind: ImageKind::Httpd,
        files: HTTPD_FILES,
        tags: &[],
        tar: Tar::Gnu,
    },
    Image {
        name: "docker.io/library/redis",
        size_bytes: 45_100_000,
        kind: ImageKind::Server,
        files: EMPTY,
        tags: &[],
        tar: Tar::Gnu,
    },
    Image {
        name: "docker.io/library/postgres",
        size_bytes: 158_400_000,
        kind: ImageKind::Server,
        files: EMPTY,
        tags: &[],
        tar: Tar::Gnu,
    },
    Image {
        name: "docker.io/library/mysql",
        size_bytes: 170_300_000,
        kind: ImageKind::Server,
        files: EMPTY,
        tags: &[],
        tar: Tar::Missing,
    },
    Image {
        name: "registry.k8s.io/pause",
        size_bytes: 320_368,
        kind: ImageKind::Pause,
        files: EMPTY,
        tags: &[],
        tar: Tar::Missing,
    },
    Image {
        name: "registry.k8s.io/e2e-test-images/agnhost",
        size_bytes: 51_200_000,
        kind: ImageKind::Server,
        files: EMPTY,
        tags: &[],
        tar: Tar::Busybox,
    },
];

pub fn lookup(r: &ImageRef) -> Option<&'static Image> {
    let name = format!("{}/{}", r.registry, r.repository);
    CATALOGUE.iter().find(|i| i.name == name)
}

/// The size of the image `r` names, if the repository has that tag (a digest names an image
/// that exists).
pub fn size_of(r: &ImageRef) -> Option<u64> {
    let image = lookup(r)?;
    if image.tags.is_empty() || r.digest.is_some() {
        return Some(image.size_bytes);
    }
    let tag = if r.tag.is_empty() { "latest" } else { &r.tag };
    image
        .tags
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, size)| *size)
}

impl Image {
    /// Whether the image has a shell and the usual tools (`sh`, `cat`, `ls`, …).
    pub fn has_shell(&self) -> bool {
        !matches!(self.kind, ImageKind::Pause)
    }

    /// What the main process does, given the container's `command`/`args` and `stdin`.
    pub fn process(&self, command: &[String], args: &[String], stdin: bool) -> Process {
        let argv: Vec<&str> = command
            .iter()
            .chain(args.iter())
            .map(String::as_str)
            .collect();
        if argv.is_empty() {
            return match self.kind {
                ImageKind::Nginx => Process::WebServer {
                    root: "/usr/share/nginx/html",
                },
                ImageKind::Httpd => Process::WebServer {
                    root: "/usr/local/apache2/htdocs",
                },
                ImageKind::Server => Process::Runs { sigterm: true },
                ImageKind::Pause => Process::Runs { sigterm: true },
                ImageKind::Busybox | ImageKind::Alpine if stdin => Process::Interactive,
                ImageKind::Busybox | ImageKind::Alpine => Process::Exits {
                    after_ms: 20,
                    code: 0,
                },
            };
        }
        process_for_argv(&argv, stdin)
    }
}

fn parse_seconds(s: &str) -> Option<u64> {
    let (num, mult) = match s.as_bytes().last()? {
        b's' => (&s[..s.len() - 1], 1000.0),
        b'm' => (&s[..s.len() - 1], 60_000.0),
        b'h' => (&s[..s.len() - 1], 3_600_000.0),
        b'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult).min(1e15) as u64)
}

fn process_for_argv(argv: &[&str], stdin: bool) -> Process {
    let prog = argv[0].rsplit('/').next().unwrap_or(argv[0]);
    match prog {
        "nginx" => Process::WebServer {
            root: "/usr/share/nginx/html",
        },
        "httpd" | "httpd-foreground" => Process::WebServer {
            root: "/usr/local/apache2/htdocs",
        },
        "sleep" => match argv.get(1).copied() {
            Some("infinity") => Process::Runs { sigterm: false },
            Some(d) => match parse_seconds(d) {
                Some(ms) => Process::Exits {
                    after_ms: ms,
                    code: 0,
                },
                None => Process::Exits {
                    after_ms: 10,
                    code: 1,
                },
            },
            None => Process::Exits {
                after_ms: 10,
                code: 1,
            },
        },
        "true" => Process::Exits {
            after_ms: 10,
            code: 0,
        },
        "false" => Process::Exits {
            after_ms: 10,
            code: 1,
        },
        "tail" if argv.contains(&"-f") => Process::Runs { sigterm: false },
        "sh" | "bash" | "ash" => {
            let script = argv
                .iter()
                .position(|a| *a == "-c")
                .and_then(|i| argv.get(i + 1))
                .copied();
            match script {
                None if stdin => Process::Interactive,
                None => Process::Exits {
                    after_ms: 20,
                    code: 0,
                },
                Some(s) => script_process(s),
            }
        }
        "exit" => Process::Exits {
            after_ms: 10,
            code: argv.get(1).and_then(|c| c.parse().ok()).unwrap_or(0),
        },
        _ => Process::Runs { sigterm: true },
    }
}

/// A rough reading of a `sh -c` script's lifetime: loops and long sleeps keep it running.
fn script_process(script: &str) -> Process {
    if script.contains("while true")
        || script.contains("while :")
        || script.contains("sleep infinity")
        || script.contains("tail -f")
    {
        return Process::Runs { sigterm: false };
    }
    if let Some(i) = script.rfind("sleep ") {
        let arg = script[i + 6..]
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&')
            .next()
            .unwrap_or("");
        if let Some(ms) = parse_seconds(arg) {
            let code = if script.contains("exit 1") { 1 } else { 0 };
            return Process::Exits { after_ms: ms, code };
        }
    }
    let code = script
        .rsplit("exit ")
        .next()
        .filter(|_| script.contains("exit "))
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(0);
    Process::Exits { after_ms: 20, code }
}

/// What a container prints when it starts (for `kubectl logs`).
pub fn startup_log(image: &Image, command: &[String], at: crate::time::Time) -> String {
    if !command.is_empty() || image.name != "docker.io/library/nginx" {
        return String::new();
    }
    let t = at.rfc3339();
    let stamp = format!("{} {}", t[..10].replace('-', "/"), &t[11..19]);
    let mut s = String::from(
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n/docker-entrypoint.sh: Configuration complete; ready for start up\n",
    );
    for line in [
        "using the \"epoll\" event method",
        "nginx/1.27.3",
        "OS: Linux 6.1.0-37-amd64",
        "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        "start worker processes",
        "start worker process 29",
    ] {
        s.push_str(&format!("{stamp} [notice] 1#1: {line}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("registry.k8s.io/nginx-slim:0.21").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_str()),
            ("registry.k8s.io", "nginx-slim", "0.21")
        );
        let r = ImageRef::parse("busybox:1.28").unwrap();
        assert_eq!(r.canonical(), "docker.io/library/busybox:1.28");
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.canonical(), "docker.io/library/nginx:latest");
        assert!(r.tag.is_empty());
        let r = ImageRef::parse("registry.cn-hangzhou.aliyuncs.com/larswang/nginx:1.0").unwrap();
        assert!(!r.is_public_registry());
        assert!(lookup(&r).is_some());
        let r = ImageRef::parse("localhost:5000/app:v1").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert!(ImageRef::parse("Nginx").is_none());
    }

    #[test]
    fn processes() {
        let bb = lookup(&ImageRef::parse("busybox:1.28").unwrap()).unwrap();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            bb.process(&[], &[], false),
            Process::Exits {
                after_ms: 20,
                code: 0
            }
        );
        assert_eq!(bb.process(&[], &[], true), Process::Interactive);
        assert_eq!(
            bb.process(&s(&["sleep", "3600"]), &[], false),
            Process::Exits {
                after_ms: 3_600_000,
                code: 0
            }
        );
        assert_eq!(
            bb.process(
                &s(&["sh", "-c", "while true; do sleep 1; done"]),
                &[],
                false
            ),
            Process::Runs { sigterm: false }
        );
        assert_eq!(
            bb.process(&s(&["sh", "-c", "exit 3"]), &[], false),
            Process::Exits {
                after_ms: 20,
                code: 3
            }
        );
    }
}
