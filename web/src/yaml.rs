//! Editor text helpers: YAML syntax highlighting by line, and the line a message of Apply is
//! about (kubectl says where: a YAML error's line, or an object's document and the field path
//! the server named, found here in the buffer). Text only: what is valid is decided by
//! `ordinal-sim`'s parser and API server.

use ordinal_kubectl::output::Place;
use ordinal_sim::apply::parse_manifests;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Key,
    Punct,
    Str,
    Num,
    Word,
    Comment,
    Doc,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Key => "y-key",
            Tok::Punct => "y-punct",
            Tok::Str => "y-str",
            Tok::Num => "y-num",
            Tok::Word => "y-word",
            Tok::Comment => "y-comment",
            Tok::Doc => "y-doc",
        }
    }
}

/// The text split into lines (as many as the textarea shows), each as classed pieces whose
/// concatenation is the line.
pub fn highlight(text: &str) -> Vec<Vec<(Tok, String)>> {
    let mut out = Vec::new();
    // Inside a block scalar (`key: |`): lines indented more than `block_indent` are its text.
    let mut block_indent: Option<usize> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.len() - line.trim_start().len();
        if let Some(bi) = block_indent {
            if line.trim().is_empty() || indent > bi {
                out.push(vec![(Tok::Str, line.to_string())]);
                continue;
            }
            block_indent = None;
        }
        let mut toks = Vec::new();
        let (ws, rest) = line.split_at(indent);
        if !ws.is_empty() {
            toks.push((Tok::Plain, ws.to_string()));
        }
        if rest.starts_with("---") || rest.starts_with("...") {
            toks.push((Tok::Doc, rest.to_string()));
            out.push(toks);
            continue;
        }
        if rest.starts_with('#') {
            toks.push((Tok::Comment, rest.to_string()));
            out.push(toks);
            continue;
        }
        if node(rest, &mut toks) {
            block_indent = Some(indent);
        }
        out.push(toks);
    }
    out
}

/// A node after indentation: `- item`, `key: value`, or a value. True if it opens a block scalar.
fn node(mut s: &str, toks: &mut Vec<(Tok, String)>) -> bool {
    // List item dashes (`- - x` too).
    while s.starts_with("- ") || s == "-" {
        toks.push((Tok::Punct, "-".into()));
        s = &s[1..];
        let ws = s.len() - s.trim_start().len();
        if ws > 0 {
            toks.push((Tok::Plain, s[..ws].to_string()));
        }
        s = &s[ws..];
    }
    if let Some(colon) = key_end(s) {
        toks.push((Tok::Key, s[..colon].to_string()));
        toks.push((Tok::Punct, ":".into()));
        s = &s[colon + 1..];
        let ws = s.len() - s.trim_start().len();
        if ws > 0 {
            toks.push((Tok::Plain, s[..ws].to_string()));
        }
        s = &s[ws..];
        if s.starts_with("- ") {
            return node(s, toks);
        }
    }
    value(s, toks)
}

/// Where a mapping key's `:` is (`key:` followed by a space or the end), outside quotes.
fn key_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    if let Some(&q) = b.first().filter(|c| **c == b'"' || **c == b'\'') {
        i = 1;
        while i < b.len() && b[i] != q {
            i += 1;
        }
        i += 1;
        return (i < b.len() && b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' '))
            .then_some(i);
    }
    if matches!(
        b.first(),
        Some(b'[' | b'{' | b'#' | b'|' | b'>' | b'&' | b'*' | b'!')
    ) {
        return None;
    }
    while i < b.len() {
        if b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ') {
            return Some(i);
        }
        if b[i] == b'#' && i > 0 && b[i - 1] == b' ' {
            return None;
        }
        i += 1;
    }
    None
}

/// A scalar or flow value with an optional trailing comment. True if it opens a block scalar.
fn value(s: &str, toks: &mut Vec<(Tok, String)>) -> bool {
    if s.is_empty() {
        return false;
    }
    // Split off a trailing comment (` #`) outside quotes.
    let mut in_q: Option<char> = None;
    let mut cut = s.len();
    let mut prev = ' ';
    for (i, ch) in s.char_indices() {
        match in_q {
            Some(q) if ch == q => in_q = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => in_q = Some(ch),
            None if ch == '#' && (prev == ' ' || i == 0) => {
                cut = i;
                break;
            }
            None => {}
        }
        prev = ch;
    }
    let (v, comment) = s.split_at(cut);
    let trimmed = v.trim_end();
    let trail = &v[trimmed.len()..];
    let block = matches!(trimmed, "|" | ">" | "|-" | ">-" | "|+" | ">+");
    if block {
        toks.push((Tok::Punct, trimmed.to_string()));
    } else if trimmed.starts_with('[') || trimmed.starts_with('{') {
        flow(trimmed, toks);
    } else if !trimmed.is_empty() {
        toks.push((scalar_tok(trimmed), trimmed.to_string()));
    }
    if !trail.is_empty() {
        toks.push((Tok::Plain, trail.to_string()));
    }
    if !comment.is_empty() {
        toks.push((Tok::Comment, comment.to_string()));
    }
    block
}

fn flow(s: &str, toks: &mut Vec<(Tok, String)>) {
    let mut word = String::new();
    let flush = |word: &mut String, toks: &mut Vec<(Tok, String)>| {
        if word.is_empty() {
            return;
        }
        let t = word.trim();
        let lead = &word[..word.len() - word.trim_start().len()];
        let tail = &word[lead.len() + t.len()..];
        if !lead.is_empty() {
            toks.push((Tok::Plain, lead.to_string()));
        }
        if !t.is_empty() {
            toks.push((scalar_tok(t), t.to_string()));
        }
        if !tail.is_empty() {
            toks.push((Tok::Plain, tail.to_string()));
        }
        word.clear();
    };
    let mut in_q: Option<char> = None;
    for ch in s.chars() {
        match in_q {
            Some(q) => {
                word.push(ch);
                if ch == q {
                    in_q = None;
                }
            }
            None if ch == '"' || ch == '\'' => {
                word.push(ch);
                in_q = Some(ch);
            }
            None if matches!(ch, '[' | ']' | '{' | '}' | ',' | ':') => {
                flush(&mut word, toks);
                toks.push((Tok::Punct, ch.to_string()));
            }
            None => word.push(ch),
        }
    }
    flush(&mut word, toks);
}

fn scalar_tok(s: &str) -> Tok {
    if s.starts_with('"') || s.starts_with('\'') {
        return Tok::Str;
    }
    if matches!(
        s,
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~"
    ) {
        return Tok::Word;
    }
    let num = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !num.is_empty()
        && num
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && num.chars().any(|c| c.is_ascii_digit())
    {
        return Tok::Num;
    }
    Tok::Plain
}

/// An error message and the 1-based line it is about (if one can be told).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineError {
    pub line: Option<usize>,
    pub message: String,
}

/// The YAML syntax error of a buffer, if any (what Apply would refuse before any write).
pub fn syntax_error(text: &str) -> Option<LineError> {
    parse_manifests(text).err().map(|e| LineError {
        line: e.line,
        message: e.message,
    })
}

/// The 1-based line of `text` a message of `kubectl apply -f` (of `text`) is about: a YAML
/// error's own line, or inside the object's document the field the server named (the
/// document's first line when no field was named or it is not in the text).
pub fn line_of(text: &str, place: &Place) -> Option<usize> {
    let (doc_line, field) = match place {
        Place::File => return None,
        Place::Line(line) => return Some(*line),
        Place::Object { doc_line, field } => (doc_line, field),
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let start = doc_line.saturating_sub(1);
    // The document runs to the next `---`, as the parser splits them.
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].starts_with("---"))
        .unwrap_or(lines.len());
    let line = match field {
        Some(path) => find_path(&lines, start, end, path),
        None => first_content_line(&lines, start, end),
    };
    Some(line + 1)
}

fn first_content_line(lines: &[&str], start: usize, end: usize) -> usize {
    (start..end.min(lines.len()))
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with("---")
        })
        .unwrap_or(start)
}

fn indent_of(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The 0-based line of a field path (`spec.template.spec.containers[0].image`) within an
/// object's lines; as deep as it can be followed.
fn find_path(lines: &[&str], start: usize, end: usize, path: &str) -> usize {
    let end = end.min(lines.len());
    let mut at = first_content_line(lines, start, end);
    // The block being searched: lines after `from` indented more than `parent`.
    let mut from = start;
    let mut parent: Option<usize> = None;
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        // The key, in this block.
        let mut found = None;
        for (i, l) in lines.iter().enumerate().take(end).skip(from) {
            let t = l.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if i > from && parent.is_some_and(|p| indent_of(l) <= p) {
                break;
            }
            // `- key:` counts as the key at the column after the dash.
            let mut col = indent_of(l);
            let mut body = t;
            while let Some(b) = body.strip_prefix("- ") {
                col += 2 + (b.len() - b.trim_start().len());
                body = b.trim_start();
            }
            if body.starts_with(&format!("{key}:")) && parent.is_none_or(|p| col > p || i == from) {
                found = Some((i, col));
                break;
            }
        }
        let Some((line, col)) = found else {
            return at;
        };
        at = line;
        from = line + 1;
        parent = Some(col);
        if let Some(n) = index {
            // The n-th `- ` item under the key.
            let mut count = 0;
            let mut dash_col = None;
            let mut item = None;
            for (i, l) in lines.iter().enumerate().take(end).skip(from) {
                let t = l.trim_start();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                let ind = indent_of(l);
                if ind < col || (ind == col && !t.starts_with("- ")) {
                    break;
                }
                if t.starts_with("- ") || t == "-" {
                    match dash_col {
                        None => dash_col = Some(ind),
                        Some(d) if d != ind => continue,
                        _ => {}
                    }
                    if count == n {
                        item = Some((i, ind));
                        break;
                    }
                    count += 1;
                }
            }
            let Some((line, ind)) = item else {
                return at;
            };
            at = line;
            from = line;
            parent = Some(ind);
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 80\n  - port: 99999\n    name: web\n---\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: -1\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";

    #[test]
    fn finds_fields() {
        let lines: Vec<&str> = DOC.split('\n').collect();
        assert_eq!(find_path(&lines, 0, 9, "spec.ports[1].port"), 7);
        assert_eq!(find_path(&lines, 0, 9, "spec.ports[0].port"), 6);
        assert_eq!(find_path(&lines, 0, 9, "spec.ports[1].name"), 8);
        assert_eq!(find_path(&lines, 10, 21, "spec.replicas"), 14);
        assert_eq!(
            find_path(&lines, 10, 21, "spec.template.spec.containers[0].image"),
            19
        );
        assert_eq!(find_path(&lines, 10, 21, "metadata.name"), 12);
    }

    #[test]
    fn places_are_lines_of_the_buffer() {
        let object = |doc_line, field: Option<&str>| Place::Object {
            doc_line,
            field: field.map(String::from),
        };
        assert_eq!(line_of(DOC, &Place::File), None);
        assert_eq!(line_of(DOC, &Place::Line(3)), Some(3));
        assert_eq!(
            line_of(DOC, &object(1, Some("spec.ports[1].port"))),
            Some(8)
        );
        assert_eq!(line_of(DOC, &object(11, Some("spec.replicas"))), Some(15));
        // A field of the second document is not looked for in the first.
        assert_eq!(line_of(DOC, &object(1, Some("spec.replicas"))), Some(5));
        // No field, or one not in the text: the document's first line that says something.
        let commented = "# c\n---\n\n# about it\nkind: Service\n";
        assert_eq!(line_of(commented, &object(3, None)), Some(5));
        assert_eq!(line_of(DOC, &object(11, Some("spec.nothing"))), Some(14));
    }

    #[test]
    fn highlights_keys_and_values() {
        let h = highlight("a: 1 # c\n- name: \"x\"\n  run: |\n    echo: hi\nb: [ \"RWO\" ]");
        assert_eq!(h.len(), 5);
        assert!(h[0].contains(&(Tok::Key, "a".into())));
        assert!(h[0].contains(&(Tok::Num, "1".into())));
        assert!(h[0].contains(&(Tok::Comment, "# c".into())));
        assert!(h[1].contains(&(Tok::Str, "\"x\"".into())));
        assert_eq!(h[3], vec![(Tok::Str, "    echo: hi".into())]);
        let joined: String = h[4].iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(joined, "b: [ \"RWO\" ]");
    }
}
