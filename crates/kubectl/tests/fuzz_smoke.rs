//! CI's smoke run of the fuzz targets (`fuzz/`, cargo-fuzz): each target's body over its committed
//! seed corpus and minimised regressions, then over a few hundred to a few thousand inputs mutated
//! from them with a seeded xorshift. A body panics on what the fuzzers found, so a regression
//! that comes back fails here.

#[path = "../../../fuzz/src/lib.rs"]
mod bodies;

use std::path::{Path, PathBuf};

/// xorshift64*: a few lines, deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments the mutator splices in: the shell's and YAML's syntax, flags, odd numbers.
const TOKENS: &[&str] = &[
    "$(",
    ")",
    "`",
    "'",
    "\"",
    "{",
    "}",
    "${",
    "$((",
    "))",
    "[",
    "]",
    "*",
    "?",
    "|",
    ";",
    "&&",
    "||",
    "&",
    "<",
    ">",
    ">>",
    "<<EOF\n",
    "\n",
    " ",
    "\\",
    "#",
    "=",
    ":",
    "- ",
    ": ",
    "---\n",
    "  ",
    "\t",
    "-o",
    "--",
    "-n",
    "-f",
    "yaml",
    "json",
    "jsonpath={.items[*]}",
    "0",
    "-1",
    "99999999999999999999",
    "1e9",
    "web-0",
    "web",
    "sts",
    "pod",
    "..",
    "/",
    "~",
    "é",
    "\u{0}",
    "null",
    "[]",
    "{}",
    "~",
    "&a",
    "*a",
    "!!str",
    "exit",
    "shift",
    "cd",
    "exec",
    "sh -c",
];

/// More fragments for the printers: Go templates', JSONPath's and custom columns' syntax.
const PRINTER_TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    "{{end}}",
    "{{range ",
    "{{if ",
    "{{else}}",
    "{{with ",
    "{{define \"a\"}}",
    "{{template \"a\" .}}",
    "$",
    "$x := ",
    ".items",
    ".metadata.name",
    "|",
    "(",
    ")",
    "printf ",
    "\"%s\"",
    "%v",
    "%*d",
    "index ",
    "len ",
    "slice ",
    "call ",
    "{",
    "}",
    "[*]",
    "[0]",
    "[-1:]",
    "[?(@.a==\"b\")]",
    "..",
    "{range .items[*]}",
    "{end}",
    ",",
    ":",
    "NAME:",
    "\n",
    "\\",
    "\"",
    "'",
    "1e400",
    "-0",
    "null",
    "[]",
    "{}",
];

fn files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::read(p).expect("readable corpus file"))
        .collect()
}

fn mutate(rng: &mut XorShift, seeds: &[Vec<u8>], tokens: &[&str]) -> Vec<u8> {
    let mut v = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(v.len());
                v.drain(at.min(end)..end);
            }
            2 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(64)).min(other.len());
                v.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let t = tokens[rng.below(tokens.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
        }
    }
    // The bodies ignore input that is not UTF-8: keep what they would run.
    String::from_utf8_lossy(&v).into_owned().into_bytes()
}

fn smoke(target: &str, body: fn(&[u8]), random: usize) {
    smoke_with(target, body, random, TOKENS);
}

fn smoke_with(target: &str, body: fn(&[u8]), random: usize, tokens: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let regressions = files(&root.join("regressions").join(target));
    let mut seeds = files(&root.join("corpus").join(target));
    assert!(!seeds.is_empty(), "fuzz/corpus/{target} has seeds");
    for input in regressions.iter().chain(&seeds) {
        body(input);
    }
    seeds.extend(regressions);
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ target.len() as u64);
    for _ in 0..random {
        body(&mutate(&mut rng, &seeds, tokens));
    }
}

#[test]
fn fuzz_smoke_shell_parse() {
    smoke("shell_parse", bodies::shell_parse, 3000);
}

#[test]
fn fuzz_smoke_apply_yaml() {
    smoke("apply_yaml", bodies::apply_yaml, 300);
}

#[test]
fn fuzz_smoke_kubectl_line() {
    smoke("kubectl_line", bodies::kubectl_line, 300);
}

#[test]
fn fuzz_smoke_container_shell() {
    smoke("container_shell", bodies::container_shell, 500);
}

#[test]
fn fuzz_smoke_printers() {
    let tokens: Vec<&str> = TOKENS.iter().chain(PRINTER_TOKENS).copied().collect();
    smoke_with("printers", bodies::printers, 20_000, &tokens);
}

/// Fragments for explain paths: separators, JSONPath's nodes, type and field names.
const EXPLAIN_TOKENS: &[&str] = &[
    ".",
    "..",
    "spec",
    "status",
    "metadata",
    "template",
    "containers",
    "statefulsets",
    "apps",
    "v1",
    "apps/v1",
    "/",
    "[0]",
    "$",
    "*",
    "\n",
    "items",
    "properties",
    "additionalProperties",
];

#[test]
fn fuzz_smoke_explain_path() {
    let tokens: Vec<&str> = TOKENS.iter().chain(EXPLAIN_TOKENS).copied().collect();
    smoke_with("explain_path", bodies::explain_path, 400, &tokens);
}

#[test]
fn fuzz_smoke_get_output() {
    let tokens: Vec<&str> = TOKENS.iter().chain(PRINTER_TOKENS).copied().collect();
    smoke_with("get_output", bodies::get_output, 600, &tokens);
}
