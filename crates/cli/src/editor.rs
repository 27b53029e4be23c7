//! `kubectl edit`'s editor in the CLI: a real process, started as kubectl's `editor.go` starts
//! it (the command from `KUBE_EDITOR`, `EDITOR` or `vi`, through `$SHELL -c` when it has
//! quotes), on a temp file named as kubectl names it (`kubectl-edit-NNNN.yaml`).
//!
//! Two kinds:
//! * [`ProcessEditor::terminal`] (the interactive `ordinal`): the file is a real one in
//!   `$TMPDIR` (else the system's temp directory) with a random number, the editor gets the
//!   terminal, and kubectl's messages name the real path (a kept copy stays there).
//! * [`ProcessEditor::script`] (`ordinal run` and the golden transcripts): the editor runs
//!   without a terminal (stdin empty, its output captured into the transcript), in an
//!   environment holding only `PATH` and the session's exported variables, on a file in a
//!   private directory that is removed when the session ends. The file kubectl's messages name
//!   is the session's own deterministic `/tmp/kubectl-edit-N.yaml`, kept in the session's
//!   workspace (`cat` and `kubectl replace -f` read it there), so a transcript prints the same
//!   names on every machine and never leaves files behind. A transcript's editor is a command
//!   that edits in place, such as `KUBE_EDITOR="sed -i s/a/b/"`.

use ordinal_kubectl::edit::{EditorCommand, LaunchError};
use ordinal_kubectl::session::Editor;
use ordinal_kubectl::{Output, Stream};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Most temp names tried before giving up (Go's `CreateTemp` tries 10,000).
const MAX_TRIES: u32 = 10_000;

pub struct ProcessEditor {
    /// `None`: real temp files with the terminal. `Some`: the script's private directory
    /// (made at the first edit).
    script: Option<Option<PathBuf>>,
}

impl ProcessEditor {
    /// The interactive terminal's editor.
    pub fn terminal() -> ProcessEditor {
        ProcessEditor { script: None }
    }

    /// A script's editor (see the module's doc).
    pub fn script() -> ProcessEditor {
        ProcessEditor { script: Some(None) }
    }

    /// The script's private directory, made on first use.
    fn private_dir(&mut self) -> std::io::Result<PathBuf> {
        if let Some(Some(d)) = &self.script {
            return Ok(d.clone());
        }
        let base = std::env::temp_dir();
        let pid = std::process::id();
        for k in 0..MAX_TRIES {
            let d = base.join(format!("ordinal-edit-{pid}-{k}"));
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&d) {
                Ok(()) => {
                    self.script = Some(Some(d.clone()));
                    return Ok(d);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free directory name"))
    }
}

impl Drop for ProcessEditor {
    fn drop(&mut self) {
        if let Some(Some(d)) = &self.script {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// A fresh random number for a temp name (the hasher's keys are random per process).
fn random_u32(n: u32) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(n);
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish() as u32
}

/// A new file at `p` holding `buffer`, readable and writable by its owner only (mode 0600, as
/// Go's `os.CreateTemp` makes kubectl's); `AlreadyExists` when `p` exists.
fn create_private(p: &Path, buffer: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(p)?.write_all(buffer.as_bytes())
}

/// `os.CreateTemp(dir, "kubectl-edit-*SUFFIX")` holding `buffer`.
fn create_temp(dir: &Path, suffix: &str, buffer: &str) -> std::io::Result<PathBuf> {
    for i in 0..MAX_TRIES {
        let p = dir.join(format!(
            "{}{}{suffix}",
            ordinal_kubectl::edit::TEMP_PREFIX,
            random_u32(i)
        ));
        match create_private(&p, buffer) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temp file name"))
}

/// How the editor's start or exit failed, as `Editor.Launch` tells them apart: a command not on
/// the `PATH` (`exec.ErrNotFound`, which only a name without a slash can be), or anything else.
fn launch_error(command: &EditorCommand, e: &std::io::Error) -> LaunchError {
    let name = command.args.first().map(String::as_str).unwrap_or("");
    if e.kind() == std::io::ErrorKind::NotFound && !name.contains('/') {
        LaunchError::NotFound
    } else {
        LaunchError::Failed
    }
}

impl Editor for ProcessEditor {
    fn launch(
        &mut self,
        command: &EditorCommand,
        name: &str,
        buffer: &str,
        env: &[(String, String)],
        out: &mut Output,
    ) -> (String, Result<String, LaunchError>) {
        let suffix = if name.ends_with(".json") {
            ".json"
        } else {
            ".yaml"
        };
        let scripted = self.script.is_some();
        let made = if scripted {
            // The session's name, in the private directory.
            self.private_dir().and_then(|d| {
                let base = name.rsplit('/').next().unwrap_or(name);
                let p = d.join(base);
                // A copy left by an earlier edit of the same name goes first.
                let _ = std::fs::remove_file(&p);
                create_private(&p, buffer).map(|()| p)
            })
        } else {
            let dir = env
                .iter()
                .find(|(k, _)| k == "TMPDIR")
                .map(|(_, v)| PathBuf::from(v))
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or_else(std::env::temp_dir);
            create_temp(&dir, suffix, buffer)
        };
        let path = match made {
            Ok(p) => p,
            Err(_) => return (name.to_string(), Err(LaunchError::Failed)),
        };
        let shown = if scripted {
            name.to_string()
        } else {
            path.to_string_lossy().into_owned()
        };
        let argv = command.argv(&path.to_string_lossy());
        let Some((program, args)) = argv.split_first() else {
            return (shown, Err(LaunchError::Failed));
        };
        let mut cmd = Command::new(program);
        cmd.args(args);
        if scripted {
            cmd.env_clear();
            if let Some(p) = std::env::var_os("PATH") {
                cmd.env("PATH", p);
            }
            cmd.stdin(Stdio::null());
        }
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        let status = if scripted {
            cmd.output().map(|o| {
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                if !o.stdout.is_empty() {
                    out.chunks.push((Stream::Out, text(&o.stdout)));
                }
                if !o.stderr.is_empty() {
                    out.chunks.push((Stream::Err, text(&o.stderr)));
                }
                o.status
            })
        } else {
            cmd.status()
        };
        let result = match status {
            Err(e) => Err(launch_error(command, &e)),
            Ok(s) if !s.success() => Err(LaunchError::Failed),
            Ok(_) => std::fs::read(&path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|_| LaunchError::Failed),
        };
        if scripted {
            // The workspace keeps the session's copy; the private one goes now.
            let _ = std::fs::remove_file(&path);
        }
        (shown, result)
    }

    fn real_files(&self) -> bool {
        self.script.is_none()
    }

    fn remove(&mut self, path: &str) {
        let _ = std::fs::remove_file(path);
    }

    fn env(&self, name: &str) -> Option<String> {
        if self.script.is_some() {
            // A script sees only the session's own variables.
            return None;
        }
        std::env::var(name).ok()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_terminals_temp_file_is_private_as_kubectls() {
        let dir = std::env::temp_dir().join(format!("ordinal-editor-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = create_temp(&dir, ".yaml", "a: b\n").unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("kubectl-edit-") && name.ends_with(".yaml"),
            "{name}"
        );
        assert_eq!(mode(&p), 0o600);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a: b\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_editor_sees_a_file_only_its_owner_may_read() {
        // The editor is `stat`, which prints the mode of the file it is given.
        let mut e = ProcessEditor::script();
        let command = EditorCommand {
            args: vec!["stat".into(), "-c".into(), "%a".into()],
            shell: false,
        };
        let mut out = Output::default();
        for _ in 0..2 {
            let (shown, saved) = e.launch(
                &command,
                "/tmp/kubectl-edit-1.yaml",
                "a: b\n",
                &[],
                &mut out,
            );
            assert_eq!(shown, "/tmp/kubectl-edit-1.yaml");
            assert_eq!(saved.unwrap(), "a: b\n");
        }
        assert_eq!(out.stdout(), "600\n600\n");
        let Some(Some(dir)) = &e.script else {
            panic!("no private directory")
        };
        assert_eq!(mode(dir), 0o700);
    }
}
