//! `-o jsonpath=…`: kubectl's JSONPath templates (client-go `util/jsonpath`), parsed and run
//! the way that package does, including its quirks (a range without `{end}` runs its body
//! once more at the top level; `[*]` on an empty list ends the step early; maps and lists
//! print as compact JSON; a JSON null prints as `<nil>`).
//!
//! Errors are kubectl's messages, without the leading `error: ` that kubectl's error handler
//! adds and without the one trailing newline kubectl's `fmt.Errorf` adds: print them as
//! `error: <message>` followed by a newline.

use super::yaml::go_format_g;
use serde_json::Value;

/// How a template runs (kubectl's `--allow-missing-template-keys` and `-o jsonpath-as-json`).
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Missing fields print nothing instead of failing. kubectl's default is `true`.
    pub allow_missing_keys: bool,
    /// `-o jsonpath-as-json`: print each result set as an indented JSON array.
    pub as_json: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            allow_missing_keys: true,
            as_json: false,
        }
    }
}

/// Runs `template` against `v` as `kubectl get -o jsonpath=<template>` does by default.
pub fn render(template: &str, v: &Value) -> Result<String, String> {
    render_with(template, v, Options::default())
}

/// Runs `template` against `v` with explicit options.
pub fn render_with(template: &str, v: &Value, opts: Options) -> Result<String, String> {
    let nodes = parse(template).map_err(|e| format!("error parsing jsonpath {template}, {e}"))?;
    let mut ex = Executor {
        allow_missing_keys: opts.allow_missing_keys,
        begin_range: 0,
        in_range: 0,
        end_range: 0,
        last_end_node: None,
    };
    let results = ex
        .find_results(&nodes, 0, Val::Json(v))
        .map_err(|e| execution_error(template, v, &e))?;
    let mut out = String::new();
    for group in &results {
        print_results(&mut out, group, opts.as_json);
    }
    Ok(out)
}

/// One `-o custom-columns` cell's values: each result as Go's `fmt.Sprint` shows it (missing
/// keys allowed). The error is the JSONPath's own message (a parse error unwrapped).
pub fn column_values(template: &str, v: &Value) -> Result<Vec<String>, String> {
    let nodes = parse(template)?;
    let mut ex = Executor {
        allow_missing_keys: true,
        begin_range: 0,
        in_range: 0,
        end_range: 0,
        last_end_node: None,
    };
    let results = ex.find_results(&nodes, 0, Val::Json(v))?;
    Ok(results
        .iter()
        .flatten()
        .map(|v| match v {
            // `fmt.Sprint` of a map or a list: Go's `map[k:v]` / `[a b]`.
            Val::Json(x @ (Value::Object(_) | Value::Array(_))) => super::template::go_v(x),
            other => text_of(other),
        })
        .collect())
}

/// `--sort-by`'s key: the first result of `template` on `v`, if any (missing keys allowed).
pub fn first_value(template: &str, v: &Value) -> Result<Option<Value>, String> {
    let nodes = parse(template)?;
    let mut ex = Executor {
        allow_missing_keys: true,
        begin_range: 0,
        in_range: 0,
        end_range: 0,
        last_end_node: None,
    };
    let results = ex.find_results(&nodes, 0, Val::Json(v))?;
    Ok(results.first().and_then(|g| g.first()).map(to_json))
}

/// What kubectl's JSONPath printer reports when a template fails on an object.
fn execution_error(template: &str, v: &Value, err: &str) -> String {
    let mut dump = String::new();
    go_sharp_v(&mut dump, v);
    format!(
        "error executing jsonpath {}: Error executing template: {err}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{dump}\n\n",
        go_quote(template)
    )
}

// ------------------------------------------------------------------ syntax tree

#[derive(Clone, Debug, PartialEq)]
enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// One bound of a slice `[start:end:step]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Param {
    value: i64,
    known: bool,
    /// `end` was not written and stands for `start + 1`.
    derived: bool,
}

// ------------------------------------------------------------------ parser

const EOF: Option<char> = None;

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
}

/// Parses a whole template into its top-level nodes (text, and one list per `{…}`).
fn parse(text: &str) -> Result<Vec<Node>, String> {
    let mut p = Parser {
        input: text,
        pos: 0,
        start: 0,
        width: 0,
    };
    let mut root = Vec::new();
    loop {
        // Text up to the next `{`.
        loop {
            if p.input[p.pos..].starts_with('{') {
                break;
            }
            if p.read().is_none() {
                break;
            }
        }
        if p.pos > p.start {
            root.push(Node::Text(p.consume().to_string()));
        }
        if p.pos >= p.input.len() {
            return Ok(root);
        }
        // The action inside `{…}`.
        p.pos += 1;
        p.consume();
        let mut list = Vec::new();
        p.inside_action(&mut list)?;
        root.push(Node::List(list));
    }
}

/// Parses `text` as the inside of one action and returns its nodes (client-go's
/// `parseAction`, used for unions, quoted keys and filter operands).
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let nodes = parse(&format!("{{{text}}}"))?;
    match nodes.into_iter().next() {
        Some(Node::List(l)) => Ok(l),
        _ => Ok(Vec::new()),
    }
}

impl<'a> Parser<'a> {
    fn read(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.read();
        self.backup();
        c
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn consume(&mut self) -> &'a str {
        let s = &self.input[self.start..self.pos];
        self.start = self.pos;
        s
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// The byte two positions back (client-go's check for an escaped quote).
    fn byte_before_last(&self) -> Option<u8> {
        self.pos
            .checked_sub(2)
            .and_then(|i| self.input.as_bytes().get(i).copied())
    }

    /// Scans an action up to and including its closing `}`.
    fn inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest().starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if self.rest().starts_with("[?(") {
                self.filter(cur)?;
                continue;
            }
            if self.rest().starts_with("..") {
                if matches!(cur.last(), Some(Node::Recursive)) {
                    return Err("invalid multiple recursive descent".into());
                }
                self.pos += 2;
                self.consume();
                cur.push(Node::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    self.field(cur);
                }
                continue;
            }
            match self.read() {
                None | Some('\r') | Some('\n') => return Err("unclosed action".into()),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume();
                }
                Some('[') => self.array(cur)?,
                Some(q @ ('"' | '\'')) => self.quote(cur, q)?,
                Some('.') => self.field(cur),
                Some(c) if c == '+' || c == '-' || c.is_numeric() => {
                    self.backup();
                    self.number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        go_sharp_u(c)
                    ))
                }
            }
        }
    }

    fn identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.read();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        cur.push(match value {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier(value.to_string()),
        });
    }

    fn number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.read();
        }
        loop {
            match self.read() {
                Some(c) if c == '.' || c.is_numeric() => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let value = self.consume();
        if let Some(i) = go_atoi(value) {
            cur.push(Node::Int(i));
        } else if let Some(f) = go_parse_float(value) {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    fn array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.read() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        let full = self.consume();
        let mut text = &full[1..full.len() - 1];
        if text == "*" {
            text = ":";
        }
        // A union: `[0,2]`, `['a','b']`.
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        // A quoted key: `['app.kubernetes.io/name']`.
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            let nodes = parse_action(&format!(".{}", &text[1..text.len() - 1]))?;
            cur.extend(nodes);
            return Ok(());
        }
        // A slice: `[n]`, `[a:b]`, `[a:b:c]`.
        let Some(groups) = slice_groups(text) else {
            return Err(format!("invalid array index {text}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let mut g = groups[i];
            if !g.is_empty() {
                if i > 0 {
                    g = &g[1..];
                }
                if i > 0 && g.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value =
                        go_atoi(g).ok_or_else(|| format!("array index {g} is not a number"))?;
                }
            } else if i == 1 {
                params[i].known = true;
                params[i].value = params[0].value + 1;
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let (mut begin, mut end) = (false, false);
        let mut pair = '\0';
        loop {
            let r = self.read();
            match r {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    if self.byte_before_last() != Some(b'\\') && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.read() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let full = self.consume();
        let text = &full[..full.len() - 2];
        match split_comparison(text) {
            None => {
                let left = parse_action(text)?;
                cur.push(Node::Filter {
                    left,
                    right: Vec::new(),
                    op: "exists".into(),
                });
            }
            Some((l, op, r)) => {
                let left = parse_action(l)?;
                let right = parse_action(r)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.read() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end && self.byte_before_last() != Some(b'\\') => break,
                _ => {}
            }
        }
        let value = self.consume();
        let s = unquote_extend(value).map_err(|e| format!("unquote string {value} error {e}"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            let r = self.read();
            if r == Some('\\') {
                self.read();
            } else if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
    }
}

fn is_terminator(r: Option<char>) -> bool {
    match r {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// The three groups of `^(-?\d*)(:-?\d*)?(:-?\d*)?$`, each possibly empty.
fn slice_groups(text: &str) -> Option<[&str; 3]> {
    let b = text.as_bytes();
    let mut i = 0;
    let group = |with_colon: bool, i: &mut usize| -> Option<(usize, usize)> {
        let start = *i;
        if with_colon {
            if *i >= b.len() || b[*i] != b':' {
                return None;
            }
            *i += 1;
        }
        if *i < b.len() && b[*i] == b'-' {
            *i += 1;
        }
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        Some((start, *i))
    };
    let (s0, e0) = group(false, &mut i)?;
    let g1 = group(true, &mut i);
    let g2 = if g1.is_some() {
        group(true, &mut i)
    } else {
        None
    };
    if i != b.len() {
        return None;
    }
    let pick = |g: Option<(usize, usize)>| g.map_or("", |(s, e)| &text[s..e]);
    Some([&text[s0..e0], pick(g1), pick(g2)])
}

/// `^([^!<>=]+)([!<>=]+)(.+?)$` on a filter's text.
fn split_comparison(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op)?;
    if op_start == 0 {
        return None;
    }
    let op_len = text[op_start..]
        .find(|c: char| !is_op(c))
        .unwrap_or(text.len() - op_start);
    let right = &text[op_start + op_len..];
    if right.is_empty() {
        return None;
    }
    Some((&text[..op_start], &text[op_start..op_start + op_len], right))
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `strconv.ParseFloat` for the digits-and-points text the parser collects.
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || body == "." || body.matches('.').count() > 1 {
        return None;
    }
    s.parse().ok()
}

/// client-go's `UnquoteExtend`: Go's `strconv.Unquote` that also accepts single quotes
/// around a string.
fn unquote_extend(s: &str) -> Result<String, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX);
    }
    let quote = b[0];
    if quote != b[b.len() - 1] || (quote != b'"' && quote != b'\'') {
        return Err(SYNTAX);
    }
    let inner = &s[1..s.len() - 1];
    if !inner.contains('\\') && !inner.contains(quote as char) {
        return Ok(inner.to_string());
    }
    let mut out: Vec<u8> = Vec::new();
    let ib = inner.as_bytes();
    let mut i = 0;
    while i < ib.len() {
        let c = ib[i];
        if c == quote {
            return Err(SYNTAX);
        }
        if c >= 0x80 {
            let ch = inner[i..].chars().next().ok_or(SYNTAX)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            i += ch.len_utf8();
            continue;
        }
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = *ib.get(i + 1).ok_or(SYNTAX)?;
        i += 2;
        match e {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'x' | b'u' | b'U' => {
                let n = match e {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = inner.get(i..i + n).ok_or(SYNTAX)?;
                let v = u32::from_str_radix(hex, 16).map_err(|_| SYNTAX)?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return Err(SYNTAX);
                }
                i += n;
                if e == b'x' {
                    out.push(v as u8);
                } else {
                    let ch = char::from_u32(v).ok_or(SYNTAX)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
            }
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                for _ in 0..2 {
                    let d = *ib.get(i).ok_or(SYNTAX)?;
                    if !(b'0'..=b'7').contains(&d) {
                        return Err(SYNTAX);
                    }
                    v = v << 3 | (d - b'0') as u32;
                    i += 1;
                }
                if v > 255 {
                    return Err(SYNTAX);
                }
                out.push(v as u8);
            }
            b'\\' => out.push(b'\\'),
            b'\'' | b'"' => {
                if e != quote {
                    return Err(SYNTAX);
                }
                out.push(e);
            }
            _ => return Err(SYNTAX),
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

// ------------------------------------------------------------------ execution

/// A value flowing through a template: a part of the object, or something the template
/// itself produced (text, a literal in a filter, a byte of a string).
#[derive(Clone, Debug)]
enum Val<'a> {
    /// What client-go sees after a range with no items: no value at all.
    Invalid,
    Json(&'a Value),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Byte(u8),
}

/// A failed step: the message and the values the step hands back with it (client-go
/// returns both, and the `exists` filter looks at the values).
struct Fail<'a> {
    vals: Vec<Val<'a>>,
    msg: String,
}

type Step<'a> = Result<Vec<Val<'a>>, Fail<'a>>;

fn fail<'a>(vals: Vec<Val<'a>>, msg: impl Into<String>) -> Fail<'a> {
    Fail {
        vals,
        msg: msg.into(),
    }
}

struct Executor {
    allow_missing_keys: bool,
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    /// Index (among the top-level nodes) of the `{end}` most recently reached.
    last_end_node: Option<usize>,
}

impl Executor {
    /// client-go's `FindResults`, over the top-level nodes from `start`.
    fn find_results<'a>(
        &mut self,
        nodes: &[Node],
        start: usize,
        data: Val<'a>,
    ) -> Result<Vec<Vec<Val<'a>>>, String> {
        let cur = vec![data];
        let mut full = Vec::new();
        let mut i = start;
        while i < nodes.len() {
            let results = self.walk(&cur, &nodes[i]).map_err(|f| f.msg)?;
            // An `{end}` closes the body being run.
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end_node = Some(i);
                break;
            }
            // A `{range …}` runs the following nodes once per result.
            if self.begin_range > 0 {
                self.begin_range -= 1;
                self.in_range += 1;
                if results.is_empty() {
                    // Still walk the body, so the matching `{end}` is found.
                    self.find_results(nodes, i + 1, Val::Invalid)?;
                } else {
                    for value in results {
                        full.extend(self.find_results(nodes, i + 1, value)?);
                    }
                }
                self.in_range -= 1;
                // Resume after the `{end}` the body stopped at, if it is further on.
                if let Some(k) = self.last_end_node.filter(|&k| k > i) {
                    i = k;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk<'a>(&mut self, input: &[Val<'a>], node: &Node) -> Step<'a> {
        match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Val::Str(t.clone())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(n) => Ok(vec![Val::Int(*n); input.len()]),
            Node::Float(f) => Ok(vec![Val::Float(*f); input.len()]),
            Node::Bool(b) => Ok(vec![Val::Bool(*b); input.len()]),
            Node::Wildcard => Ok(input.iter().flat_map(children).collect()),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    match self.eval_list(input, l) {
                        Ok(v) => out.extend(v),
                        Err(f) => return Err(fail(input.to_vec(), f.msg)),
                    }
                }
                Ok(out)
            }
            Node::Identifier(name) => self.eval_identifier(input, name),
        }
    }

    fn eval_list<'a>(&mut self, input: &[Val<'a>], nodes: &[Node]) -> Step<'a> {
        let mut cur = input.to_vec();
        for n in nodes {
            cur = self.walk(&cur, n)?;
        }
        Ok(cur)
    }

    fn eval_identifier<'a>(&mut self, input: &[Val<'a>], name: &str) -> Step<'a> {
        match name {
            "range" => {
                self.begin_range += 1;
                Ok(input.to_vec())
            }
            "end" => {
                if self.in_range > 0 {
                    self.end_range += 1;
                    Ok(Vec::new())
                } else {
                    Err(fail(Vec::new(), "not in range, nothing to end"))
                }
            }
            _ => Err(fail(
                input.to_vec(),
                format!("unrecognized identifier {name}"),
            )),
        }
    }

    fn eval_field<'a>(&mut self, input: &[Val<'a>], name: &str) -> Step<'a> {
        let mut results = Vec::new();
        if input.is_empty() {
            return Ok(results);
        }
        for v in input {
            if let Val::Json(Value::Object(m)) = v {
                if let Some(x) = m.get(name) {
                    results.push(Val::Json(x));
                }
            }
        }
        if results.is_empty() && !self.allow_missing_keys {
            return Err(fail(results, format!("{name} is not found")));
        }
        Ok(results)
    }

    fn eval_filter<'a>(
        &mut self,
        input: &[Val<'a>],
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Step<'a> {
        let mut results = Vec::new();
        for v in input {
            let items = match v {
                Val::Json(Value::Array(items)) => items,
                other => {
                    return Err(fail(
                        input.to_vec(),
                        format!(
                            "{} is not array or slice and cannot be filtered",
                            go_v(other)
                        ),
                    ))
                }
            };
            for item in items {
                let temp = [Val::Json(item)];
                let lefts = self.eval_list(&temp, left);
                if op == "exists" {
                    let found = match &lefts {
                        Ok(l) => !l.is_empty(),
                        Err(f) => !f.vals.is_empty(),
                    };
                    if found {
                        results.push(Val::Json(item));
                    }
                    continue;
                }
                let lefts = lefts.map_err(|f| fail(input.to_vec(), f.msg))?;
                match lefts.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err(fail(
                            input.to_vec(),
                            "can only compare one element at a time",
                        ))
                    }
                }
                let rights = self
                    .eval_list(&temp, right)
                    .map_err(|f| fail(input.to_vec(), f.msg))?;
                match rights.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err(fail(
                            input.to_vec(),
                            "can only compare one element at a time",
                        ))
                    }
                }
                let pass =
                    compare(&lefts[0], &rights[0], op).map_err(|e| fail(results.clone(), e))?;
                if pass {
                    results.push(Val::Json(item));
                }
            }
        }
        Ok(results)
    }
}

/// What `*` yields for one value: a map's values (in key order), a list's items, a string's
/// bytes.
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    match v {
        Val::Json(Value::Object(m)) => m.values().map(Val::Json).collect(),
        Val::Json(Value::Array(a)) => a.iter().map(Val::Json).collect(),
        Val::Json(Value::String(s)) => s.bytes().map(Val::Byte).collect(),
        Val::Str(s) => s.bytes().map(Val::Byte).collect(),
        _ => Vec::new(),
    }
}

/// `..`: every value that has children, followed by everything below it.
fn eval_recursive<'a>(input: &[Val<'a>]) -> Vec<Val<'a>> {
    let mut out = Vec::new();
    for v in input {
        let kids = children(v);
        if !kids.is_empty() {
            out.push(v.clone());
            out.extend(eval_recursive(&kids));
        }
    }
    out
}

fn eval_array<'a>(input: &[Val<'a>], params: &[Param; 3]) -> Step<'a> {
    let mut result = Vec::new();
    for v in input {
        let items = match v {
            Val::Json(Value::Null) => continue,
            Val::Json(Value::Array(items)) => items,
            other => {
                return Err(fail(
                    input.to_vec(),
                    format!("{} is not array or slice", go_type(other)),
                ))
            }
        };
        let len = items.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            // Zero elements asked for: client-go stops the whole step here.
            return Ok(result);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(fail(
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {len}",
                    p[0].value
                ),
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(fail(
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {len}",
                    p[1].value - 1
                ),
            ));
        }
        if p[0].value > p[1].value {
            return Err(fail(
                input.to_vec(),
                format!(
                    "starting index {} is greater than ending index {}",
                    p[0].value, p[1].value
                ),
            ));
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err(fail(input.to_vec(), "step must be > 0"));
            }
            p[2].value as usize
        } else {
            1
        };
        let slice = &items[p[0].value as usize..p[1].value as usize];
        result.extend(slice.iter().step_by(step).map(Val::Json));
    }
    Ok(result)
}

// ------------------------------------------------------------------ comparison

/// The kind classes of Go's template comparison functions.
#[derive(PartialEq, Clone, Copy)]
enum BasicKind {
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

enum Basic {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

impl Basic {
    fn kind(&self) -> BasicKind {
        match self {
            Basic::Bool(_) => BasicKind::Bool,
            Basic::Int(_) => BasicKind::Int,
            Basic::Uint(_) => BasicKind::Uint,
            Basic::Float(_) => BasicKind::Float,
            Basic::Str(_) => BasicKind::Str,
        }
    }
}

const BAD_TYPE: &str = "invalid type for comparison";
const BAD_COMPARISON: &str = "incompatible types for comparison";

fn basic(v: &Val) -> Result<Basic, String> {
    Ok(match v {
        Val::Json(Value::Bool(b)) | Val::Bool(b) => Basic::Bool(*b),
        Val::Json(Value::String(s)) => Basic::Str(s.clone()),
        Val::Str(s) => Basic::Str(s.clone()),
        Val::Json(Value::Number(n)) => match n.as_i64() {
            Some(i) => Basic::Int(i),
            None => Basic::Float(n.as_f64().unwrap_or(0.0)),
        },
        Val::Int(i) => Basic::Int(*i),
        Val::Float(f) => Basic::Float(*f),
        Val::Byte(b) => Basic::Uint(*b as u64),
        _ => return Err(BAD_TYPE.into()),
    })
}

fn equal(a: &Val, b: &Val) -> Result<bool, String> {
    let (a, b) = (basic(a)?, basic(b)?);
    Ok(match (&a, &b) {
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Uint(x), Basic::Uint(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Str(x), Basic::Str(y)) => x == y,
        (Basic::Int(x), Basic::Uint(y)) => *x >= 0 && *x as u64 == *y,
        (Basic::Uint(x), Basic::Int(y)) => *y >= 0 && *x == *y as u64,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

fn less(a: &Val, b: &Val) -> Result<bool, String> {
    let (a, b) = (basic(a)?, basic(b)?);
    if a.kind() == b.kind() && a.kind() == BasicKind::Bool {
        return Err(BAD_TYPE.into());
    }
    Ok(match (&a, &b) {
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        (Basic::Int(x), Basic::Uint(y)) => *x < 0 || (*x as u64) < *y,
        (Basic::Uint(x), Basic::Int(y)) => *y >= 0 && *x < *y as u64,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

fn compare(a: &Val, b: &Val, op: &str) -> Result<bool, String> {
    match op {
        "<" => less(a, b),
        ">" => Ok(!(less(a, b)? || equal(a, b)?)),
        "==" => equal(a, b),
        "!=" => Ok(!equal(a, b)?),
        "<=" => Ok(less(a, b)? || equal(a, b)?),
        ">=" => Ok(!less(a, b)?),
        _ => Err(format!("unrecognized filter operator {op}")),
    }
}

// ------------------------------------------------------------------ printing

fn print_results(out: &mut String, results: &[Val], as_json: bool) {
    if as_json {
        let arr = Value::Array(results.iter().map(to_json).collect());
        go_json(out, &arr, Some(""));
        out.push('\n');
        return;
    }
    for (i, r) in results.iter().enumerate() {
        match r {
            Val::Json(v @ (Value::Object(_) | Value::Array(_))) => go_json(out, v, None),
            other => out.push_str(&text_of(other)),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
}

/// How Go's `fmt.Fprint` shows a scalar result.
fn text_of(v: &Val) -> String {
    match v {
        Val::Invalid => "<no value>".into(),
        Val::Json(Value::Null) => "<nil>".into(),
        Val::Json(Value::Bool(b)) | Val::Bool(b) => b.to_string(),
        Val::Json(Value::Number(n)) => number_v(n),
        Val::Json(Value::String(s)) => s.clone(),
        Val::Json(other) => {
            let mut s = String::new();
            go_json(&mut s, other, None);
            s
        }
        Val::Str(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => go_format_g(*f),
        Val::Byte(b) => b.to_string(),
    }
}

fn to_json(v: &Val) -> Value {
    match v {
        Val::Invalid => Value::Null,
        Val::Json(v) => (*v).clone(),
        Val::Str(s) => Value::String(s.clone()),
        Val::Int(i) => Value::from(*i),
        Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Bool(b) => Value::Bool(*b),
        Val::Byte(b) => Value::from(*b),
    }
}

/// A number as Go's `%v` prints it after kubectl's decoding: integers as int64, the rest as
/// float64.
fn number_v(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        // Past int64 the decoder falls back to float64.
        go_format_g(u as f64)
    } else {
        go_format_g(n.as_f64().unwrap_or(0.0))
    }
}

/// Go's `encoding/json` output: keys in byte order, HTML-safe escapes, and with `indent`
/// the layout of `json.MarshalIndent(v, "", "    ")`.
pub(crate) fn go_json(out: &mut String, v: &Value, indent: Option<&str>) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&json_number(n)),
        Value::String(s) => json_string(out, s),
        Value::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, 1);
                go_json(out, x, indent.map(deeper).as_deref());
            }
            newline(out, indent, 0);
            out.push(']');
        }
        Value::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = m.keys().collect();
            ordinal_sim::sort::sort(&mut keys);
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, 1);
                json_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                go_json(out, &m[k.as_str()], indent.map(deeper).as_deref());
            }
            newline(out, indent, 0);
            out.push('}');
        }
    }
}

fn deeper(prefix: &str) -> String {
    format!("{prefix}    ")
}

fn newline(out: &mut String, indent: Option<&str>, extra: usize) {
    if let Some(prefix) = indent {
        out.push('\n');
        out.push_str(prefix);
        for _ in 0..extra {
            out.push_str("    ");
        }
    }
}

/// Go's JSON number form: integers as they are, floats in `%f` shortest form between 1e-6
/// and 1e21 and in exponent form outside.
fn json_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go cleans `e-07` to `e-7`.
        let g = format!("{f:e}");
        let (m, e) = g.split_once('e').unwrap_or((&g, "0"));
        let exp: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    let s = format!("{f}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `%v` for a value shown in an error.
fn go_v(v: &Val) -> String {
    match v {
        Val::Json(j) => {
            let mut s = String::new();
            go_v_json(&mut s, j);
            s
        }
        Val::Invalid => "<invalid reflect.Value>".into(),
        other => text_of(other),
    }
}

/// Go's `%v` of a value decoded from JSON (`map[a:1 b:[x y]]`), as the JSONPath and template
/// printers print a value that is not a string.
pub(crate) fn go_v_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_v_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            ordinal_sim::sort::sort(&mut keys);
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                go_v_json(out, &m[k.as_str()]);
            }
            out.push(']');
        }
    }
}

/// The Go type name client-go puts in "is not array or slice".
fn go_type(v: &Val) -> &'static str {
    match v {
        Val::Json(Value::Object(_)) => "map[string]interface {}",
        Val::Json(Value::Array(_)) => "[]interface {}",
        Val::Json(Value::String(_)) | Val::Str(_) => "string",
        Val::Json(Value::Number(n)) if n.is_i64() => "int64",
        Val::Json(Value::Number(_)) | Val::Float(_) => "float64",
        Val::Json(Value::Bool(_)) | Val::Bool(_) => "bool",
        Val::Int(_) => "int",
        Val::Byte(_) => "uint8",
        Val::Json(Value::Null) | Val::Invalid => "<invalid reflect.Value>",
    }
}

/// Go's `%#v` of the decoded object (`map[string]interface {}{"kind":"Pod", …}`).
fn go_sharp_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::Array(a) => {
            out.push_str("[]interface {}{");
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go_sharp_v(out, x);
            }
            out.push('}');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            ordinal_sim::sort::sort(&mut keys);
            out.push_str("map[string]interface {}{");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&go_quote(k));
                out.push(':');
                go_sharp_v(out, &m[k.as_str()]);
            }
            out.push('}');
        }
    }
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c.is_control() => {
                let v = c as u32;
                if v < 0x80 {
                    out.push_str(&format!("\\x{v:02x}"));
                } else if v <= 0xffff {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#U`: `U+002A '*'`.
fn go_sharp_u(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": [
                {"kind": "Pod", "metadata": {"name": "web-0", "labels": {"app": "nginx"}},
                 "spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 80}]}]},
                 "status": {"podIP": "10.244.1.2", "phase": "Running",
                            "conditions": [{"type": "Initialized", "status": "True"},
                                           {"type": "Ready", "status": "True", "lastProbeTime": null}]}},
                {"kind": "Pod", "metadata": {"name": "web-1", "labels": {"app": "nginx"}},
                 "spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 8080}]}]},
                 "status": {"podIP": "10.244.2.2", "phase": "Pending",
                            "conditions": [{"type": "Ready", "status": "False"}]}}
            ],
            "metadata": {"resourceVersion": ""}
        })
    }

    fn r(t: &str) -> String {
        render(t, &pods()).unwrap()
    }

    #[test]
    fn fields_and_text() {
        assert_eq!(r("{.kind}"), "List");
        assert_eq!(r("kind={.kind}!"), "kind=List!");
        assert_eq!(r("{$.kind}"), "List");
        assert_eq!(r("{.items[0].metadata.name}"), "web-0");
        assert_eq!(r("{.items[0].status.podIP}"), "10.244.1.2");
        assert_eq!(
            r("{.items[1].spec.containers[0].ports[0].containerPort}"),
            "8080"
        );
        assert_eq!(r("{.metadata.resourceVersion}"), "");
        // Text outside braces is literal, backslashes included.
        assert_eq!(r("{.kind}\\n"), "List\\n");
        assert_eq!(r("plain"), "plain");
        assert_eq!(r(""), "");
    }

    #[test]
    fn wildcards_indices_and_slices() {
        assert_eq!(r("{.items[*].metadata.name}"), "web-0 web-1");
        assert_eq!(r("{.items[-1].metadata.name}"), "web-1");
        assert_eq!(r("{.items[-2].metadata.name}"), "web-0");
        assert_eq!(r("{.items[0:1].metadata.name}"), "web-0");
        assert_eq!(r("{.items[:2].metadata.name}"), "web-0 web-1");
        assert_eq!(r("{.items[::2].metadata.name}"), "web-0");
        assert_eq!(r("{.items[0,1].status.phase}"), "Running Pending");
        assert_eq!(r("{.items[*].metadata['name']}"), "web-0 web-1");
        assert_eq!(r("{.items[0].metadata.labels.*}"), "nginx");
        assert_eq!(
            render("{.a[*]}", &json!({"a": []})).unwrap(),
            "",
            "[*] on an empty list"
        );
    }

    #[test]
    fn escaped_dots_in_keys() {
        let v = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(
            render("{.metadata.labels.app\\.kubernetes\\.io/name}", &v).unwrap(),
            "web"
        );
        // client-go re-parses a quoted key as a path, so its dots still need escaping.
        assert_eq!(
            render("{.metadata.labels['app.kubernetes.io/name']}", &v).unwrap(),
            ""
        );
        assert_eq!(
            render("{.metadata.labels['app\\.kubernetes\\.io/name']}", &v).unwrap(),
            "web"
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(
            r(r#"{range .items[*]}{.metadata.name}{"\t"}{.status.podIP}{"\n"}{end}"#),
            "web-0\t10.244.1.2\nweb-1\t10.244.2.2\n"
        );
        assert_eq!(
            r(r#"{range .items[*]}[{.metadata.name}]{end} done"#),
            "[web-0][web-1] done"
        );
        // Nested ranges.
        assert_eq!(
            r(
                r#"{range .items[*]}{.metadata.name}:{range .status.conditions[*]}{.type},{end};{end}"#
            ),
            "web-0:Initialized,Ready,;web-1:Ready,;"
        );
        // A range over nothing prints nothing and carries on after its end.
        assert_eq!(
            render(r#"{range .a[*]}x{end}y"#, &json!({"a": []})).unwrap(),
            "y"
        );
        assert_eq!(
            render(r#"{range .missing[*]}x{.y}{end}z"#, &json!({})).unwrap(),
            "z"
        );
        assert_eq!(
            render("{end}", &json!({})).unwrap_err(),
            "error executing jsonpath \"{end}\": Error executing template: not in range, nothing to end. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{end}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{}\n\n"
        );
    }

    #[test]
    fn filters() {
        assert_eq!(
            r(r#"{.items[0].status.conditions[?(@.type=="Ready")].status}"#),
            "True"
        );
        assert_eq!(
            r(r#"{.items[*].status.conditions[?(@.type=='Ready')].status}"#),
            "True False"
        );
        assert_eq!(
            r(r#"{.items[?(@.status.phase!="Running")].metadata.name}"#),
            "web-1"
        );
        assert_eq!(
            r("{.items[?(@.spec.containers[0].ports[0].containerPort>100)].metadata.name}"),
            "web-1"
        );
        assert_eq!(
            r("{.items[?(@.spec.containers[0].ports[0].containerPort<=80)].metadata.name}"),
            "web-0"
        );
        // Existence.
        assert_eq!(
            r("{.items[0].status.conditions[?(@.lastProbeTime)].type}"),
            "Ready"
        );
        assert_eq!(
            render("{.a[?(@.x==1.5)]}", &json!({"a": [{"x": 1}]})).unwrap_err(),
            "error executing jsonpath \"{.a[?(@.x==1.5)]}\": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.a[?(@.x==1.5)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":[]interface {}{map[string]interface {}{\"x\":1}}}\n\n"
        );
        assert_eq!(
            render(
                "{.a[?(@.x==true)].y}",
                &json!({"a": [{"x": true, "y": 1}, {"x": false, "y": 2}]})
            )
            .unwrap(),
            "1"
        );
    }

    #[test]
    fn recursive_descent() {
        assert_eq!(r("{..podIP}"), "10.244.1.2 10.244.2.2");
        assert_eq!(r("{..containerPort}"), "80 8080");
        assert_eq!(
            parse("{....a}").unwrap_err(),
            "invalid multiple recursive descent"
        );
    }

    #[test]
    fn maps_and_lists_print_as_json() {
        assert_eq!(r("{.items[0].metadata.labels}"), r#"{"app":"nginx"}"#);
        assert_eq!(
            r("{.items[0].spec.containers[0].ports}"),
            r#"[{"containerPort":80}]"#
        );
        assert_eq!(
            render("{.a}", &json!({"a": {"html": "<b>&</b>"}})).unwrap(),
            r#"{"html":"\u003cb\u003e\u0026\u003c/b\u003e"}"#
        );
        assert_eq!(
            render(
                "{.a} {.b} {.c} {.d}",
                &json!({"a": null, "b": true, "c": 1.5, "d": 3})
            )
            .unwrap(),
            "<nil> true 1.5 3"
        );
        // The whole object.
        assert_eq!(
            render("{}", &json!({"b": [1, 2], "a": "x"})).unwrap(),
            r#"{"a":"x","b":[1,2]}"#
        );
        assert_eq!(render("{@}", &json!("s")).unwrap(), "s");
    }

    #[test]
    fn string_literals() {
        assert_eq!(r(r#"{"a\tb\n"}"#), "a\tb\n");
        assert_eq!(r(r#"{'it'}{"\u00e9"}{"\x41"}{"\101"}"#), "itéAA");
        assert_eq!(r(r#"{"say \"hi\""}"#), "say \"hi\"");
        assert_eq!(
            parse(r#"{"\q"}"#).unwrap_err(),
            r#"unquote string "\q" error invalid syntax"#
        );
    }

    #[test]
    fn missing_keys() {
        assert_eq!(r("{.nope}"), "");
        assert_eq!(r("{.items[*].nope}"), "");
        let strict = Options {
            allow_missing_keys: false,
            as_json: false,
        };
        let err = render_with("{.nope}", &json!({"kind": "Pod"}), strict).unwrap_err();
        assert_eq!(
            err,
            "error executing jsonpath \"{.nope}\": Error executing template: nope is not found. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.nope}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"kind\":\"Pod\"}\n\n"
        );
        assert!(err
            .lines()
            .next()
            .unwrap()
            .ends_with("nope is not found. Printing more information for debugging the template:"));
    }

    #[test]
    fn execution_errors() {
        let first = |t: &str| {
            render(t, &pods())
                .unwrap_err()
                .lines()
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            first("{.items[5]}"),
            "error executing jsonpath \"{.items[5]}\": Error executing template: array index out of bounds: index 5, length 2. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.items[-3]}"),
            "error executing jsonpath \"{.items[-3]}\": Error executing template: array index out of bounds: index -1, length 2. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.kind[0]}"),
            "error executing jsonpath \"{.kind[0]}\": Error executing template: string is not array or slice. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.metadata[0]}"),
            "error executing jsonpath \"{.metadata[0]}\": Error executing template: map[string]interface {} is not array or slice. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.items[*].metadata[?(@.x)]}"),
            "error executing jsonpath \"{.items[*].metadata[?(@.x)]}\": Error executing template: map[labels:map[app:nginx] name:web-0] is not array or slice and cannot be filtered. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.items[2:1]}"),
            "error executing jsonpath \"{.items[2:1]}\": Error executing template: array index out of bounds: index 2, length 2. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{.items[1:0]}"),
            "error executing jsonpath \"{.items[1:0]}\": Error executing template: starting index 1 is greater than ending index 0. Printing more information for debugging the template:"
        );
        assert_eq!(
            first("{foo}"),
            "error executing jsonpath \"{foo}\": Error executing template: unrecognized identifier foo. Printing more information for debugging the template:"
        );
    }

    #[test]
    fn parse_errors() {
        let e = |t: &str| render(t, &json!({})).unwrap_err();
        assert_eq!(e("{.x"), "error parsing jsonpath {.x, unclosed action");
        assert_eq!(e("{"), "error parsing jsonpath {, unclosed action");
        assert_eq!(
            e("{.a[0}"),
            "error parsing jsonpath {.a[0}, unterminated array"
        );
        assert_eq!(
            e("{.a[x]}"),
            "error parsing jsonpath {.a[x]}, invalid array index x"
        );
        assert_eq!(
            e("{.a[-]}"),
            "error parsing jsonpath {.a[-]}, array index - is not a number"
        );
        assert_eq!(
            e("{.a[?(@.x==1}"),
            "error parsing jsonpath {.a[?(@.x==1}, unterminated filter"
        );
        assert_eq!(
            e("{.a[?(@.x==1)x}"),
            "error parsing jsonpath {.a[?(@.x==1)x}, unclosed array expect ]"
        );
        assert_eq!(
            e(r#"{"abc}"#),
            r#"error parsing jsonpath {"abc}, unterminated quoted string"#
        );
        assert_eq!(
            e("{*}"),
            "error parsing jsonpath {*}, unrecognized character in action: U+002A '*'"
        );
        assert_eq!(
            e("{\u{1}}"),
            "error parsing jsonpath {\u{1}}, unrecognized character in action: U+0001"
        );
        assert_eq!(
            e("{1.2.3}"),
            "error parsing jsonpath {1.2.3}, cannot parse number 1.2.3"
        );
    }

    #[test]
    fn json_output_mode() {
        let opts = Options {
            allow_missing_keys: true,
            as_json: true,
        };
        assert_eq!(
            render_with("{.items[*].metadata.name}", &pods(), opts).unwrap(),
            "[\n    \"web-0\",\n    \"web-1\"\n]\n"
        );
        assert_eq!(
            render_with("{.items[0].metadata.labels}", &pods(), opts).unwrap(),
            "[\n    {\n        \"app\": \"nginx\"\n    }\n]\n"
        );
        assert_eq!(render_with("{.nope}", &pods(), opts).unwrap(), "[]\n");
    }

    #[test]
    fn against_a_simulated_pod() {
        let mut c = ordinal_sim::Cluster::new(1);
        c.apply_yaml(
            include_str!("../../../../examples/k8s-io-web.yaml"),
            "default",
        )
        .unwrap();
        c.settle();
        let pod = c.get(ordinal_sim::Kind::Pod, "default", "web-0").unwrap();
        let v = pod.to_value();
        // The node the scheduler chose, read from the typed object rather than the JSON.
        let node = c
            .get_as::<ordinal_sim::api::Pod>("default", "web-0")
            .and_then(|p| p.spec.node_name.clone())
            .unwrap();
        assert!(c.node_names().contains(&node), "{node}");
        assert_eq!(
            render("{.metadata.name} {.spec.nodeName} {.status.phase}", &v).unwrap(),
            format!("web-0 {node} Running")
        );
        assert_eq!(
            render(r#"{.status.conditions[?(@.type=="Ready")].status}"#, &v).unwrap(),
            "True"
        );
        assert_eq!(
            render("{.status.conditions[0].lastProbeTime}", &v).unwrap(),
            "<nil>"
        );
    }
}
