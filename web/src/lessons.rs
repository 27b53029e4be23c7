//! Lessons are data: Markdown files under `web/lessons/`, parsed here into steps. Adding a lesson
//! is adding a file (and its name in [`FILES`]); only a new kind of check needs Rust
//! ([`crate::checks`]).
//!
//! The format is Markdown with a few fenced blocks of our own:
//!
//! ````text
//! # Title
//! <!-- meta
//! id: basics
//! summary: One line for the contents list.
//! setup: kubectl apply -f https://k8s.io/examples/application/web/web.yaml
//! -->
//! Introduction (Markdown).
//!
//! ## A step's heading
//! Explanation (Markdown: paragraphs, lists, `code`, **bold**, *emphasis*, [links](…), > notes).
//!
//! ```sh
//! kubectl get pods        ← a Run button types these lines into the terminal (and a Stop
//! ```                       button sends Ctrl-C if one of them starts a watch: `starts_watch`)
//! ```yaml editor          ← "Apply" puts this manifest in the editor and applies it; "Open in
//! …                         the editor" only puts it there
//! ```
//! ```editor tutorial       ← the same for one of the editor's examples, by id
//! ```
//! ```check web-ready      ← a live check: its label, then conditions that must all hold
//! web-0 and web-1 are Running and Ready
//! ready web-0 web-1
//! ```
//! <!-- reviewers: …       ← any other HTML comment is dropped (notes for reviewers)
//! -->
//! ````
//!
//! `setup` lines (any number) are the commands that build the lesson's starting cluster from a
//! fresh one; "Reset lesson" runs them. The Markdown is a small subset rendered as text (no raw
//! HTML), which keeps the bundle small and a lesson unable to inject markup.

use crate::checks::Condition;
use crate::examples::Example;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One list of the lesson files, in course order: the page fetches them from `lessons/` after
/// its first paint (they are not in the first load), and native and test builds (the tests walk
/// every lesson) embed them.
macro_rules! lesson_files {
    ($($f:literal),* $(,)?) => {
        pub const FILES: &[&str] = &[$($f),*];
        #[cfg(any(test, not(target_arch = "wasm32")))]
        pub const SOURCES: &[&str] = &[$(include_str!(concat!("../lessons/", $f))),*];
    };
}

lesson_files!(
    "01-basics.md",
    "02-rolling-updates.md",
    "03-stuck-rollout.md",
    "04-pod-management.md",
    "05-storage.md",
    "06-deleting.md",
    "07-node-failure.md",
    "08-deployment-or-statefulset.md",
    "09-pending-claims.md",
    "10-dns-before-ready.md",
    "11-ordered-ready.md",
    "12-claim-templates.md",
    "13-headless-service.md",
);

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Commands that build the starting cluster from a fresh one.
    pub setup: Vec<String>,
    pub intro: Vec<Block>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// `> …`: an aside.
    Note(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    /// A shell block: its lines run in the terminal, one after another.
    Commands(Vec<String>),
    /// A manifest the reader opens in the editor.
    Manifest(String),
    /// Any other fenced block, shown as is.
    Code(String),
    Check(Check),
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    pub id: String,
    pub label: String,
    /// What the engine checks; the page only shows the label (so it is not sent to the page).
    #[serde(skip)]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Emphasis(String),
    Link { text: String, href: String },
}

/// The fetched lesson files, parsed; a file that does not parse is named in the error.
pub fn parse_all(sources: &[String]) -> Result<Vec<Lesson>, String> {
    sources
        .iter()
        .zip(FILES)
        .map(|(s, f)| parse(s).map_err(|e| format!("{f}: {e}")))
        .collect()
}

/// Every lesson, parsed. A malformed lesson is a bug in this repository: the tests parse them all.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub fn all() -> Vec<Lesson> {
    SOURCES
        .iter()
        .map(|s| parse(s).unwrap_or_else(|e| panic!("a lesson does not parse: {e}")))
        .collect()
}

pub fn parse(src: &str) -> Result<Lesson, String> {
    let mut lesson = Lesson {
        id: String::new(),
        title: String::new(),
        summary: String::new(),
        setup: Vec::new(),
        intro: Vec::new(),
        steps: Vec::new(),
    };
    let mut lines = src.lines().peekable();
    let mut para: Vec<String> = Vec::new();
    // Blocks go to the current step, or to the introduction before the first step.
    fn target(l: &mut Lesson) -> &mut Vec<Block> {
        match l.steps.last_mut() {
            Some(s) => &mut s.blocks,
            None => &mut l.intro,
        }
    }
    fn flush(l: &mut Lesson, para: &mut Vec<String>) {
        if para.is_empty() {
            return;
        }
        let text = para.join(" ");
        para.clear();
        target(l).push(Block::Paragraph(inlines(&text)));
    }
    while let Some(line) = lines.next() {
        let t = line.trim_end();
        if let Some(title) = t.strip_prefix("# ") {
            flush(&mut lesson, &mut para);
            lesson.title = title.trim().to_string();
        } else if t.trim() == "<!-- meta" {
            flush(&mut lesson, &mut para);
            for m in lines.by_ref() {
                let m = m.trim();
                if m == "-->" {
                    break;
                }
                let Some((k, v)) = m.split_once(':') else {
                    return Err(format!("meta line without a colon: {m}"));
                };
                let v = v.trim().to_string();
                match k.trim() {
                    "id" => lesson.id = v,
                    "summary" => lesson.summary = v,
                    "setup" => lesson.setup.push(v),
                    other => return Err(format!("unknown meta key {other}")),
                }
            }
        } else if t.trim_start().starts_with("<!--") {
            // Any other HTML comment (a note for reviewers) is not part of the lesson.
            flush(&mut lesson, &mut para);
            if !t.contains("-->") {
                let mut closed = false;
                for c in lines.by_ref() {
                    if c.contains("-->") {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err("unclosed <!-- comment".into());
                }
            }
        } else if let Some(title) = t.strip_prefix("## ") {
            flush(&mut lesson, &mut para);
            lesson.steps.push(Step {
                title: title.trim().to_string(),
                blocks: Vec::new(),
            });
        } else if let Some(info) = t.trim_start().strip_prefix("```") {
            flush(&mut lesson, &mut para);
            let mut body = Vec::new();
            let mut closed = false;
            for b in lines.by_ref() {
                if b.trim() == "```" {
                    closed = true;
                    break;
                }
                body.push(b.to_string());
            }
            if !closed {
                return Err(format!("unclosed ``` block ({info})"));
            }
            let mut words = info.split_whitespace();
            let block = match (words.next(), words.next()) {
                (Some("sh"), _) => Block::Commands(
                    body.into_iter()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect(),
                ),
                (Some("yaml"), Some("editor")) => Block::Manifest(body.join("\n") + "\n"),
                // An example the editor's menu has, by id (the lesson's web.yaml is `tutorial`).
                (Some("editor"), Some(id)) => Block::Manifest(
                    Example::from_id(id)
                        .ok_or_else(|| format!("no example {id}"))?
                        .text()
                        .to_string(),
                ),
                (Some("check"), Some(id)) => {
                    let mut body = body.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
                    let label = body
                        .next()
                        .ok_or_else(|| format!("check {id} has no label"))?
                        .to_string();
                    let conditions = body
                        .map(Condition::parse)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| format!("check {id}: {e}"))?;
                    if conditions.is_empty() {
                        return Err(format!("check {id} has no conditions"));
                    }
                    Block::Check(Check {
                        id: id.to_string(),
                        label,
                        conditions,
                    })
                }
                _ => Block::Code(body.join("\n")),
            };
            target(&mut lesson).push(block);
        } else if t.trim().is_empty() {
            flush(&mut lesson, &mut para);
        } else if let Some(rest) = t.strip_prefix("> ") {
            flush(&mut lesson, &mut para);
            // Consecutive `>` lines form one note.
            let mut text = rest.to_string();
            while let Some(next) = lines.peek().and_then(|n| n.strip_prefix("> ")) {
                text.push(' ');
                text.push_str(next);
                lines.next();
            }
            target(&mut lesson).push(Block::Note(inlines(&text)));
        } else if let Some((ordered, item)) = list_item(t) {
            flush(&mut lesson, &mut para);
            let mut items = vec![item.to_string()];
            while let Some(next) = lines.peek() {
                if let Some((_, i)) = list_item(next.trim_end()) {
                    items.push(i.to_string());
                } else if next.starts_with("  ") && !next.trim().is_empty() {
                    // A continuation line of the item above.
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(next.trim());
                    }
                } else {
                    break;
                }
                lines.next();
            }
            target(&mut lesson).push(Block::List {
                ordered,
                items: items.iter().map(|i| inlines(i)).collect(),
            });
        } else {
            para.push(t.trim().to_string());
        }
    }
    flush(&mut lesson, &mut para);
    if lesson.id.is_empty() || lesson.title.is_empty() {
        return Err("a lesson needs a # title and a meta id".into());
    }
    let mut ids = std::collections::BTreeSet::new();
    for s in &lesson.steps {
        for b in &s.blocks {
            if let Block::Check(c) = b {
                if !ids.insert(c.id.clone()) {
                    return Err(format!("{}: check id {} is used twice", lesson.id, c.id));
                }
            }
        }
    }
    Ok(lesson)
}

/// Whether a command line keeps the terminal until it is stopped or what it waits for happens:
/// a watch (`-w`, `--watch`), `logs -f`, or `rollout status` (which watches unless
/// `--watch=false`). A step with one offers a Stop button beside its Run.
pub fn starts_watch(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let watch_off = words
        .iter()
        .any(|w| matches!(*w, "--watch=false" | "-w=false"));
    if watch_off {
        return false;
    }
    let watch = words.iter().any(|w| {
        matches!(
            *w,
            "-w" | "--watch" | "--watch=true" | "-w=true" | "--watch-only"
        )
    });
    let follows = has("logs") && (has("-f") || has("--follow") || has("--follow=true"));
    let rollout_status = words.windows(2).any(|pair| pair == ["rollout", "status"]);
    has("kubectl") && (watch || follows || rollout_status)
}

/// `- item`, `* item` or `1. item`.
fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return Some((true, rest));
        }
    }
    None
}

/// `code`, **strong**, *emphasis*, [text](href); everything else is text.
pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    fn push_text(out: &mut Vec<Inline>, text: &mut String) {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    }
    while let Some(c) = rest.chars().next() {
        let span = |open: &str, close: &str| -> Option<(String, usize)> {
            let body = rest.strip_prefix(open)?;
            let end = body.find(close)?;
            (end > 0).then(|| (body[..end].to_string(), open.len() + end + close.len()))
        };
        let found = match c {
            '`' => span("`", "`").map(|(t, n)| (Inline::Code(t), n)),
            '*' if rest.starts_with("**") => span("**", "**").map(|(t, n)| (Inline::Strong(t), n)),
            '*' => span("*", "*").map(|(t, n)| (Inline::Emphasis(t), n)),
            '[' => span("[", "](").and_then(|(t, n)| {
                let after = &rest[n..];
                let end = after.find(')')?;
                Some((
                    Inline::Link {
                        text: t,
                        href: after[..end].to_string(),
                    },
                    n + end + 1,
                ))
            }),
            _ => None,
        };
        match found {
            Some((inline, n)) => {
                push_text(&mut out, &mut text);
                out.push(inline);
                rest = &rest[n..];
            }
            None => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    push_text(&mut out, &mut text);
    out
}

/// Checks passed, by lesson id (kept across reloads; a passed check stays passed).
pub type Progress = BTreeMap<String, BTreeSet<String>>;

/// Decodes stored lesson progress: `{"version":1,"lessons":{"basics":["created",…]}}`.
pub fn decode_progress(raw: &str) -> Option<Progress> {
    let v: Value = serde_json::from_str(raw).ok()?;
    if v.get("version")?.as_u64()? != 1 {
        return None;
    }
    let mut p = Progress::new();
    for (lesson, checks) in v.get("lessons")?.as_object()? {
        let set = p.entry(lesson.clone()).or_default();
        for c in checks.as_array()? {
            set.insert(c.as_str()?.to_string());
        }
    }
    Some(p)
}

pub fn encode_progress(p: &Progress) -> String {
    json!({ "version": 1, "lessons": p }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_parses_with_unique_ids_and_steps() {
        let lessons = all();
        let mut ids = std::collections::BTreeSet::new();
        for l in &lessons {
            assert!(ids.insert(l.id.clone()), "lesson id {} twice", l.id);
            assert!(!l.steps.is_empty(), "{} has no steps", l.id);
            assert!(!l.summary.is_empty(), "{} has no summary", l.id);
            let checks = l
                .steps
                .iter()
                .flat_map(|s| &s.blocks)
                .filter(|b| matches!(b, Block::Check(_)))
                .count();
            assert!(checks > 0, "{} has no checks", l.id);
        }
    }

    #[test]
    fn parses_the_format() {
        let l = parse(
            "# T\n<!-- meta\nid: x\nsummary: s\nsetup: kubectl get pods\nsetup: kubectl get sts\n-->\nIntro `a` and **b**.\n\n## One\nSee [docs](https://k8s.io) *now*.\n- a\n- b\n  c\n> note\n> more\n```sh\nkubectl get pods\n\nkubectl get sts\n```\n```check c1\nLabel here\nready web-0\n```\n```yaml editor\nkind: Service\n```\n",
        )
        .unwrap();
        assert_eq!((l.id.as_str(), l.title.as_str()), ("x", "T"));
        assert_eq!(l.setup, ["kubectl get pods", "kubectl get sts"]);
        assert_eq!(
            l.intro,
            [Block::Paragraph(vec![
                Inline::Text("Intro ".into()),
                Inline::Code("a".into()),
                Inline::Text(" and ".into()),
                Inline::Strong("b".into()),
                Inline::Text(".".into()),
            ])]
        );
        let b = &l.steps[0].blocks;
        assert_eq!(
            b[0],
            Block::Paragraph(vec![
                Inline::Text("See ".into()),
                Inline::Link {
                    text: "docs".into(),
                    href: "https://k8s.io".into()
                },
                Inline::Text(" ".into()),
                Inline::Emphasis("now".into()),
                Inline::Text(".".into()),
            ])
        );
        assert_eq!(
            b[1],
            Block::List {
                ordered: false,
                items: vec![
                    vec![Inline::Text("a".into())],
                    vec![Inline::Text("b c".into())]
                ]
            }
        );
        assert_eq!(b[2], Block::Note(vec![Inline::Text("note more".into())]));
        assert_eq!(
            b[3],
            Block::Commands(vec!["kubectl get pods".into(), "kubectl get sts".into()])
        );
        let Block::Check(c) = &b[4] else {
            panic!("{:?}", b[4])
        };
        assert_eq!((c.id.as_str(), c.label.as_str()), ("c1", "Label here"));
        assert_eq!(b[5], Block::Manifest("kind: Service\n".into()));
    }

    #[test]
    fn watches_are_told_from_commands_that_end_by_themselves() {
        for line in [
            "kubectl get pods -w -l app=nginx",
            "kubectl get pod crash --watch",
            "kubectl rollout status sts/web",
            "kubectl rollout status sts/web --timeout=30s",
            "kubectl logs -f web-0",
            "kubectl events --watch-only",
        ] {
            assert!(starts_watch(line), "{line}");
        }
        for line in [
            "kubectl get pods -l app=nginx",
            "kubectl rollout status sts/web --watch=false",
            "kubectl get pods -w=false",
            "kubectl logs web-0",
            "kubectl wait --for=delete pvc/www-web-1 --timeout=60s",
            "sleep 10",
            "nslookup web-0.nginx",
        ] {
            assert!(!starts_watch(line), "{line}");
        }
    }

    #[test]
    fn comments_are_not_part_of_the_lesson() {
        let l = parse(
            "# T\n<!-- meta\nid: x\n-->\n## S\nSeen.\n<!-- one line -->\n<!-- reviewers:\n- \"a message\": upstream.go\n-->\nAlso seen.\n",
        )
        .unwrap();
        assert_eq!(
            l.steps[0].blocks,
            [
                Block::Paragraph(vec![Inline::Text("Seen.".into())]),
                Block::Paragraph(vec![Inline::Text("Also seen.".into())]),
            ]
        );
        assert!(parse("# T\n<!-- meta\nid: x\n-->\n<!-- reviewers:\nnever closed\n").is_err());
        // Every lesson's reviewers' notes stay out of what the page shows.
        for l in all() {
            let shown = format!("{:?}", (&l.intro, &l.steps));
            assert!(!shown.contains("reviewers"), "{}", l.id);
            assert!(!shown.contains("<!--"), "{}", l.id);
        }
    }

    #[test]
    fn rejects_malformed_lessons() {
        assert!(parse("no title").is_err());
        assert!(parse("# T\n<!-- meta\nid: x\n-->\n```sh\nopen").is_err());
        assert!(
            parse("# T\n<!-- meta\nid: x\n-->\n## S\n```check a\nlabel\nbogus x\n```\n").is_err()
        );
        assert!(parse("# T\n<!-- meta\nid: x\nsize: 3\n-->\n").is_err());
        // Unbalanced markup is text.
        assert_eq!(inlines("a `b"), [Inline::Text("a `b".into())]);
    }

    #[test]
    fn progress_round_trip_and_unreadable_values() {
        let mut p = Progress::new();
        p.entry("basics".into())
            .or_default()
            .insert("created".into());
        p.entry("basics".into()).or_default().insert("dns".into());
        assert_eq!(decode_progress(&encode_progress(&p)), Some(p));
        assert_eq!(decode_progress("{\"version\":2,\"lessons\":{}}"), None);
        assert_eq!(
            decode_progress("{\"version\":1,\"lessons\":{\"a\":[1]}}"),
            None
        );
        assert_eq!(decode_progress("[]"), None);
    }
}
