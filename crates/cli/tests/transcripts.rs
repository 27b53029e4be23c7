//! Golden transcripts: each `tests/transcripts/*.txt` is a session as `ordinal run` prints it.
//! The input lines are read back from the transcript (the text after each prompt), replayed,
//! and the whole output compared. `UPDATE_TRANSCRIPTS=1 cargo test -p ordinal-cli` rewrites
//! the files after a deliberate change; review the diff before committing it.
//!
//! A transcript may start with `# seed: N` (default 1) and `# feature-gates: Name=true,...`
//! (the cluster's gates, as `ordinal --feature-gates` sets them) and `# workers: N` (kind's
//! worker nodes, as `ordinal --workers` sets them). `-f` paths resolve in
//! `examples/`.

use ordinal_cli::{run_script_on, script_of_on, DiskFiles, Transcript};
use ordinal_sim::Cluster;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    // Kept byte for byte (nginx's error pages end their lines with CRLF).
    let t = Transcript::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let (header, body) = (t.header, t.body);
    let cluster = || Cluster::with_workers(t.seed, t.gates.clone(), t.workers);
    let examples = root().join("examples");
    let script = script_of_on(cluster(), body, Box::new(DiskFiles::new(&examples))).join("\n");
    let actual = run_script_on(
        cluster(),
        &script,
        None,
        Box::new(DiskFiles::new(&examples)),
    );
    if actual == body {
        return Ok(());
    }
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some() {
        let mut new = header.to_string();
        new.push_str(&actual);
        std::fs::write(path, new).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let (exp, act): (Vec<&str>, Vec<&str>) = (
        body.split_inclusive('\n').collect(),
        actual.split_inclusive('\n').collect(),
    );
    let at = exp
        .iter()
        .zip(&act)
        .position(|(a, b)| a != b)
        .unwrap_or(exp.len().min(act.len()));
    Err(format!(
        "{} differs at line {} (header excluded):\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_TRANSCRIPTS=1 rewrites it)",
        path.display(),
        at + 1,
        exp.get(at),
        act.get(at)
    ))
}

#[test]
fn golden_transcripts() {
    let dir = root().join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    let failures: Vec<String> = files.iter().filter_map(|f| check(f).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
