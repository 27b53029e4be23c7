//! `-o go-template=…` / `--template`: Go's `text/template` as kubectl runs it (the template named
//! `output`, kubectl's `exists` and `base64decode` next to Go's builtins, the object decoded into
//! unstructured JSON (integers int64, other numbers float64), `missingkey=default` unless
//! `--allow-missing-template-keys=false`). Parse and execution errors are Go's words; the work a
//! template does (steps and output bytes) is bounded.
//!
//! `define`, `template` and `block` work; `call` always fails, as no value in kubectl's data is a
//! function.

use super::jsonpath::{go_json, go_quote, go_v_json};
use super::yaml::go_format_g;
use serde_json::Value;

/// Nodes a template may evaluate before it is stopped.
const MAX_STEPS: usize = 1_000_000;
/// Bytes a template may write before it is stopped.
const MAX_OUTPUT: usize = 16 << 20;

static NULL: Value = Value::Null;

// ------------------------------------------------------------------ syntax tree

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Branch),
    With(Branch),
    Range(Branch),
    Break,
    Continue,
    /// `{{template "name" pipeline}}`: its position (the name's), Go's text of the node.
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
        text: String,
    },
}

#[derive(Clone, Debug)]
struct Branch {
    pos: usize,
    pipe: Pipe,
    list: Vec<Node>,
    else_list: Option<Vec<Node>>,
}

#[derive(Clone, Debug)]
struct Pipe {
    pos: usize,
    decl: Vec<String>,
    assign: bool,
    cmds: Vec<Cmd>,
}

#[derive(Clone, Debug)]
struct Cmd {
    pos: usize,
    args: Vec<Arg>,
}

#[derive(Clone, Debug)]
enum Arg {
    /// `.a.b` (`names` empty: `.`).
    Field {
        pos: usize,
        names: Vec<String>,
    },
    Var {
        pos: usize,
        name: String,
        names: Vec<String>,
    },
    Ident {
        pos: usize,
        name: String,
    },
    Pipe {
        pos: usize,
        pipe: Box<Pipe>,
        names: Vec<String>,
    },
    Nil(usize),
    Bool(usize, bool),
    Int(usize, i64, String),
    Float(usize, f64, String),
    Str(usize, String, String),
}

impl Arg {
    fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Var { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Pipe { pos, .. }
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::Int(pos, ..)
            | Arg::Float(pos, ..)
            | Arg::Str(pos, ..) => *pos,
        }
    }
}

fn fields_text(names: &[String]) -> String {
    names.iter().map(|n| format!(".{n}")).collect()
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Arg::Field { names, .. } if names.is_empty() => write!(f, "."),
            Arg::Field { names, .. } => write!(f, "{}", fields_text(names)),
            Arg::Var { name, names, .. } => write!(f, "{name}{}", fields_text(names)),
            Arg::Ident { name, .. } => write!(f, "{name}"),
            Arg::Pipe { pipe, names, .. } => write!(f, "({pipe}){}", fields_text(names)),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Int(_, _, t) | Arg::Float(_, _, t) | Arg::Str(_, _, t) => write!(f, "{t}"),
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let parts: Vec<String> = self.args.iter().map(|a| a.to_string()).collect();
        write!(f, "{}", parts.join(" "))
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        if !self.decl.is_empty() {
            write!(
                f,
                "{} {} ",
                self.decl.join(", "),
                if self.assign { "=" } else { ":=" }
            )?;
        }
        let parts: Vec<String> = self.cmds.iter().map(|c| c.to_string()).collect();
        write!(f, "{}", parts.join(" | "))
    }
}

// ------------------------------------------------------------------ lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Text(String),
    Left,
    Right,
    Space,
    Field(String),
    Var(String),
    Ident(String),
    Str(String, String),
    Num(String),
    Char(String),
    /// A printable character no token starts with (`#`, `;`, …): the parser rejects it.
    Other(char),
    Dot,
    Pipe,
    Declare,
    Assign,
    Comma,
    LParen,
    RParen,
    Eof,
}

#[derive(Clone, Debug)]
struct Item {
    tok: Tok,
    pos: usize,
    line: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn line_at(src: &str, pos: usize) -> usize {
    1 + src[..pos.min(src.len())].matches('\n').count()
}

/// Go's lexer: text and actions, trim markers, comments. An error is `(line, message)`.
fn lex(src: &str) -> Result<Vec<Item>, (usize, String)> {
    let b = src.as_bytes();
    let mut items = Vec::new();
    let mut i = 0;
    let mut trim_next = false;
    while i < b.len() {
        let start = i;
        let open = src[i..].find("{{").map(|k| i + k);
        let text_end = open.unwrap_or(b.len());
        let mut text = &src[start..text_end];
        if trim_next {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
            trim_next = false;
        }
        let Some(open) = open else {
            if !text.is_empty() {
                items.push(Item {
                    tok: Tok::Text(text.to_string()),
                    pos: start,
                    line: line_at(src, start),
                });
            }
            break;
        };
        let left_trim =
            b.get(open + 2) == Some(&b'-') && b.get(open + 3).is_some_and(|c| is_space(*c));
        if left_trim {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
        }
        if !text.is_empty() {
            items.push(Item {
                tok: Tok::Text(text.to_string()),
                pos: start,
                line: line_at(src, start),
            });
        }
        i = open + 2;
        if left_trim {
            i += 2;
        }
        // A comment.
        let mut j = i;
        while j < b.len() && is_space(b[j]) && left_trim {
            j += 1;
        }
        if src[j..].starts_with("/*") {
            let Some(end) = src[j + 2..].find("*/") else {
                return Err((line_at(src, open), "unclosed comment".into()));
            };
            let mut k = j + 2 + end + 2;
            let mut right_trim = false;
            if src[k..].starts_with(" -}}") {
                right_trim = true;
                k += 4;
            } else if src[k..].starts_with("}}") {
                k += 2;
            } else {
                let mut k2 = k;
                while k2 < b.len() && is_space(b[k2]) {
                    k2 += 1;
                }
                if src[k2..].starts_with("-}}") && k2 > k {
                    right_trim = true;
                    k = k2 + 3;
                } else {
                    return Err((
                        line_at(src, open),
                        "comment ends before closing delimiter".into(),
                    ));
                }
            }
            trim_next = right_trim;
            i = k;
            continue;
        }
        items.push(Item {
            tok: Tok::Left,
            pos: open,
            line: line_at(src, open),
        });
        // Inside the action.
        let mut paren = 0i32;
        loop {
            if i >= b.len() {
                return Err((line_at(src, b.len()), "unclosed action".into()));
            }
            let c = b[i];
            if src[i..].starts_with("}}") && paren == 0 {
                items.push(Item {
                    tok: Tok::Right,
                    pos: i,
                    line: line_at(src, i),
                });
                i += 2;
                break;
            }
            if is_space(c) {
                let s = i;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if src[i..].starts_with("-}}") && paren == 0 {
                    items.push(Item {
                        tok: Tok::Right,
                        pos: i,
                        line: line_at(src, i),
                    });
                    i += 3;
                    trim_next = true;
                    break;
                }
                items.push(Item {
                    tok: Tok::Space,
                    pos: s,
                    line: line_at(src, s),
                });
                continue;
            }
            if src[i..].starts_with("}}") {
                return Err((line_at(src, i), "unclosed left paren".into()));
            }
            let line = line_at(src, i);
            let s = i;
            let tok = match c {
                b'|' => {
                    i += 1;
                    Tok::Pipe
                }
                b',' => {
                    i += 1;
                    Tok::Comma
                }
                b'(' => {
                    i += 1;
                    paren += 1;
                    Tok::LParen
                }
                b')' => {
                    i += 1;
                    paren -= 1;
                    if paren < 0 {
                        return Err((line, "unexpected right paren".into()));
                    }
                    Tok::RParen
                }
                b'=' => {
                    i += 1;
                    Tok::Assign
                }
                b':' => {
                    if b.get(i + 1) != Some(&b'=') {
                        return Err((line, "expected :=".into()));
                    }
                    i += 2;
                    Tok::Declare
                }
                b'"' => {
                    i += 1;
                    loop {
                        match b.get(i) {
                            None | Some(b'\n') => {
                                return Err((line, "unterminated quoted string".into()))
                            }
                            Some(b'\\') => i += 2,
                            Some(b'"') => {
                                i += 1;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                    let raw = &src[s..i.min(b.len())];
                    let Some(val) = unquote(raw) else {
                        return Err((line, format!("invalid syntax: {raw}")));
                    };
                    Tok::Str(raw.to_string(), val)
                }
                b'`' => {
                    let Some(end) = src[i + 1..].find('`') else {
                        return Err((line, "unterminated raw quoted string".into()));
                    };
                    i = i + 1 + end + 1;
                    Tok::Str(src[s..i].to_string(), src[s + 1..i - 1].to_string())
                }
                b'\'' => {
                    i += 1;
                    loop {
                        match b.get(i) {
                            None | Some(b'\n') => {
                                return Err((line, "unterminated character constant".into()))
                            }
                            Some(b'\\') => i += 2,
                            Some(b'\'') => {
                                i += 1;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                    Tok::Char(src[s..i.min(b.len())].to_string())
                }
                b'$' => {
                    i += 1;
                    while i < b.len() && src[i..].chars().next().is_some_and(is_alnum) {
                        i += src[i..].chars().next().map_or(1, char::len_utf8);
                    }
                    Tok::Var(src[s..i].to_string())
                }
                b'.' if b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                    lex_number(src, &mut i).map_err(|e| (line, e))?
                }
                b'.' => {
                    i += 1;
                    let s2 = i;
                    while i < b.len() && src[i..].chars().next().is_some_and(is_alnum) {
                        i += src[i..].chars().next().map_or(1, char::len_utf8);
                    }
                    if i == s2 {
                        Tok::Dot
                    } else {
                        Tok::Field(src[s2..i].to_string())
                    }
                }
                b'0'..=b'9' | b'+' | b'-' => lex_number(src, &mut i).map_err(|e| (line, e))?,
                _ if src[i..].chars().next().is_some_and(is_alnum) => {
                    while i < b.len() && src[i..].chars().next().is_some_and(is_alnum) {
                        i += src[i..].chars().next().map_or(1, char::len_utf8);
                    }
                    Tok::Ident(src[s..i].to_string())
                }
                b'}' => return Err((line, "bad character U+007D '}'".into())),
                c if c.is_ascii_graphic() => {
                    i += 1;
                    Tok::Other(c as char)
                }
                _ => {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return Err((
                        line,
                        format!(
                            "unrecognized character in action: U+{:04X} {}",
                            ch as u32,
                            go_quote(&ch.to_string()).replace('"', "'")
                        ),
                    ));
                }
            };
            items.push(Item { tok, pos: s, line });
        }
    }
    items.push(Item {
        tok: Tok::Eof,
        pos: b.len(),
        line: line_at(src, b.len()),
    });
    Ok(items)
}

/// Go's `scanNumber`: sign, base prefix, digits, fraction, exponent; an alphanumeric right
/// after it is `bad number syntax`.
fn lex_number(src: &str, i: &mut usize) -> Result<Tok, String> {
    let b = src.as_bytes();
    let s = *i;
    let accept = |i: &mut usize, set: &[u8]| -> bool {
        if *i < b.len() && set.contains(&b[*i]) {
            *i += 1;
            true
        } else {
            false
        }
    };
    let run = |i: &mut usize, set: &[u8]| {
        while *i < b.len() && set.contains(&b[*i]) {
            *i += 1;
        }
    };
    accept(i, b"+-");
    let mut digits: &[u8] = b"0123456789_";
    if accept(i, b"0") {
        if accept(i, b"xX") {
            digits = b"0123456789abcdefABCDEF_";
        } else if accept(i, b"oO") {
            digits = b"01234567_";
        } else if accept(i, b"bB") {
            digits = b"01_";
        }
    }
    run(i, digits);
    if accept(i, b".") {
        run(i, digits);
    }
    if digits.len() == 11 && accept(i, b"eE") {
        accept(i, b"+-");
        run(i, b"0123456789_");
    }
    if digits.len() == 23 && accept(i, b"pP") {
        accept(i, b"+-");
        run(i, b"0123456789_");
    }
    accept(i, b"i");
    if let Some(c) = src[*i..].chars().next().filter(|c| is_alnum(*c)) {
        *i += c.len_utf8();
        return Err(format!("bad number syntax: {}", go_quote(&src[s..*i])));
    }
    Ok(Tok::Num(src[s..*i].to_string()))
}

/// Go's `strconv.Unquote` of a double-quoted string.
fn unquote(raw: &str) -> Option<String> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => return None,
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&h, 16).ok()?));
            }
            'u' => {
                let h: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'U' => {
                let h: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            d @ '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&format!("{d}{rest}"), 8).ok()?;
                out.push(char::from_u32(v)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

// ------------------------------------------------------------------ parser

/// The words Go's lexer makes keywords (`true`/`false` are not).
const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "nil", "range", "template", "with",
];

const FUNCS: &[&str] = &[
    "call",
    "and",
    "or",
    "not",
    "len",
    "index",
    "print",
    "printf",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "html",
    "js",
    "urlquery",
    "slice",
    "exists",
    "base64decode",
];

struct Parser<'s> {
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    range_depth: usize,
    /// How deep in `if`/`with`/`range` the parser is: `define` is for the top level.
    nesting: usize,
    /// The templates `define` and `block` named.
    defs: std::collections::BTreeMap<String, Vec<Node>>,
    src: &'s str,
}

type PResult<T> = Result<T, (usize, String)>;

enum Stop {
    Eof,
    End,
    Else(usize),
}

impl Parser<'_> {
    fn peek(&self) -> &Item {
        &self.items[self.at.min(self.items.len() - 1)]
    }
    fn next(&mut self) -> Item {
        let it = self.peek().clone();
        self.at += 1;
        it
    }
    fn peek_non_space(&mut self) -> &Item {
        while self.peek().tok == Tok::Space {
            self.at += 1;
        }
        self.peek()
    }
    fn next_non_space(&mut self) -> Item {
        self.peek_non_space();
        self.next()
    }
    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err((self.peek().line, msg.into()))
    }

    /// Items until `{{end}}`, `{{else}}` or the end of input.
    fn list(&mut self) -> PResult<(Vec<Node>, Stop)> {
        let mut nodes = Vec::new();
        loop {
            let it = self.next();
            match it.tok {
                Tok::Eof => return Ok((nodes, Stop::Eof)),
                Tok::Text(t) => nodes.push(Node::Text(t)),
                Tok::Left => {
                    let kw = self.peek_non_space().clone();
                    if let Tok::Ident(w) = &kw.tok {
                        match w.as_str() {
                            "end" => {
                                self.next();
                                self.end_action("end")?;
                                return Ok((nodes, Stop::End));
                            }
                            "else" => {
                                self.next();
                                return Ok((nodes, Stop::Else(kw.pos)));
                            }
                            "if" | "with" | "range" => {
                                self.next();
                                nodes.push(self.branch(w.clone(), kw.pos)?);
                                continue;
                            }
                            "break" | "continue" => {
                                self.next();
                                if self.range_depth == 0 {
                                    return self.err(format!("{{{{{w}}}}} outside {{{{range}}}}"));
                                }
                                self.end_action(w)?;
                                nodes.push(if w == "break" {
                                    Node::Break
                                } else {
                                    Node::Continue
                                });
                                continue;
                            }
                            "define" if self.nesting == 0 => {
                                self.next();
                                let name = self.template_name("define clause")?;
                                self.end_action("define clause")?;
                                let body = self.body("define")?;
                                self.defs.insert(name, body);
                                continue;
                            }
                            "template" | "block" => {
                                self.next();
                                let at = self.peek_non_space().pos;
                                let ctx = format!("{w} clause");
                                let name = self.template_name(&ctx)?;
                                let pipe = if self.peek_non_space().tok == Tok::Right {
                                    self.next();
                                    None
                                } else {
                                    Some(self.pipeline(&ctx, false)?)
                                };
                                if w == "block" {
                                    let body = self.body("block")?;
                                    self.defs.insert(name.clone(), body);
                                }
                                let text = match &pipe {
                                    Some(p) => format!("{{{{template {} {p}}}}}", go_quote(&name)),
                                    None => format!("{{{{template {}}}}}", go_quote(&name)),
                                };
                                nodes.push(Node::Template {
                                    pos: at,
                                    name,
                                    pipe,
                                    text,
                                });
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let pipe = self.pipeline("command", true)?;
                    nodes.push(Node::Action(pipe));
                }
                _ => return self.err(format!("unexpected {:?}", it.tok)),
            }
        }
    }

    /// The quoted name after `define`, `template` or `block`.
    fn template_name(&mut self, ctx: &str) -> PResult<String> {
        let it = self.next_non_space();
        match it.tok {
            Tok::Str(_, name) => Ok(name),
            _ => Err((
                it.line,
                format!("unexpected {} in {ctx}", self.describe(&it)),
            )),
        }
    }

    /// A `define` or `block` body, up to its `{{end}}`, with variables of its own.
    fn body(&mut self, ctx: &str) -> PResult<Vec<Node>> {
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        self.deeper()?;
        let r = self.list();
        self.nesting -= 1;
        self.vars = saved;
        self.range_depth = range_depth;
        match r? {
            (body, Stop::End) => Ok(body),
            (_, Stop::Eof) => Err((self.peek().line, "unexpected EOF".into())),
            (_, Stop::Else(pos)) => Err((
                line_at(self.src, pos),
                format!("unexpected {{{{else}}}} in {ctx}"),
            )),
        }
    }

    fn end_action(&mut self, ctx: &str) -> PResult<()> {
        let it = self.next_non_space();
        if it.tok != Tok::Right {
            return Err((
                it.line,
                format!("unexpected {} in {ctx}", self.describe(&it)),
            ));
        }
        Ok(())
    }

    /// An item as Go's `item.String()` shows it in "unexpected …".
    fn describe(&self, it: &Item) -> String {
        let text = match &it.tok {
            Tok::Eof => return "EOF".into(),
            Tok::Dot => return "<.>".into(),
            Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => return format!("<{w}>"),
            Tok::Text(t) => t.clone(),
            Tok::Left => "{{".into(),
            Tok::Right => "}}".into(),
            Tok::Space => " ".into(),
            Tok::Field(f) => format!(".{f}"),
            Tok::Var(v) | Tok::Ident(v) | Tok::Num(v) | Tok::Char(v) => v.clone(),
            Tok::Str(raw, _) => raw.clone(),
            Tok::Other(c) => c.to_string(),
            Tok::Pipe => "|".into(),
            Tok::Declare => ":=".into(),
            Tok::Assign => "=".into(),
            Tok::Comma => ",".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
        };
        if text.chars().count() > 10 {
            let cut: String = text.chars().take(10).collect();
            format!("{}...", go_quote(&cut))
        } else {
            go_quote(&text)
        }
    }

    /// One level deeper (`if`, `with`, `range`, `define`, parentheses); past [`MAX_NESTING`]
    /// the template is refused, so neither parsing nor running it can exhaust the stack.
    fn deeper(&mut self) -> PResult<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return self.err(format!(
                "more than {MAX_NESTING} nested if/with/range/define or parentheses; this playground stops there"
            ));
        }
        Ok(())
    }

    fn branch(&mut self, kind: String, pos: usize) -> PResult<Node> {
        self.deeper()?;
        let r = self.branch_inner(kind, pos);
        self.nesting -= 1;
        r
    }

    fn branch_inner(&mut self, kind: String, pos: usize) -> PResult<Node> {
        let depth = self.vars.len();
        let pipe = self.pipeline(&kind, false)?;
        let pipe_pos = pipe.pos;
        if kind == "range" {
            self.range_depth += 1;
        }
        let (list, end) = self.list()?;
        if kind == "range" {
            self.range_depth -= 1;
        }
        let else_list = match end {
            Stop::Eof => return Err((self.peek().line, "unexpected EOF".into())),
            Stop::End => None,
            Stop::Else(epos) => {
                // `{{else if …}}` / `{{else with …}}` nest a branch that shares this one's end.
                let nx = self.peek_non_space().clone();
                match &nx.tok {
                    Tok::Ident(w) if (w == "if" || w == "with") && kind != "range" => {
                        self.next();
                        let inner = self.branch(w.clone(), nx.pos)?;
                        Some(vec![inner])
                    }
                    _ => {
                        self.end_action("else")?;
                        let (l, e) = self.list()?;
                        match e {
                            Stop::End => Some(l),
                            Stop::Eof => return Err((self.peek().line, "unexpected EOF".into())),
                            Stop::Else(_) => {
                                return Err((
                                    line_at(self.src, epos),
                                    "expected end; found {{else}}".into(),
                                ))
                            }
                        }
                    }
                }
            }
        };
        self.vars.truncate(depth);
        let b = Branch {
            pos: pipe_pos.max(pos),
            pipe,
            list,
            else_list,
        };
        Ok(match kind.as_str() {
            "if" => Node::If(b),
            "with" => Node::With(b),
            _ => Node::Range(b),
        })
    }

    fn pipeline(&mut self, ctx: &str, in_action: bool) -> PResult<Pipe> {
        let start = self.peek_non_space().clone();
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            assign: false,
            cmds: Vec::new(),
        };
        // Declarations: `$x :=`, `$x =`, `$i, $e :=` (range).
        if let Tok::Var(v) = &start.tok {
            let save = self.at;
            self.next();
            let nx = self.peek_non_space().clone();
            match nx.tok {
                Tok::Declare | Tok::Assign => {
                    self.next();
                    pipe.assign = nx.tok == Tok::Assign;
                    pipe.decl.push(v.clone());
                    if pipe.assign {
                        if !self.vars.contains(v) {
                            return Err((nx.line, format!("undefined variable \"{v}\"")));
                        }
                    } else {
                        self.vars.push(v.clone());
                    }
                }
                Tok::Comma => {
                    self.next();
                    if ctx != "range" {
                        return Err((nx.line, format!("too many declarations in {ctx}")));
                    }
                    let second = self.next_non_space();
                    let Tok::Var(v2) = second.tok else {
                        return Err((second.line, "range can only initialize variables".into()));
                    };
                    let op = self.next_non_space();
                    if op.tok == Tok::Comma {
                        return Err((op.line, "too many declarations in range".into()));
                    }
                    if !matches!(op.tok, Tok::Declare | Tok::Assign) {
                        return Err((op.line, "range can only initialize variables".into()));
                    }
                    pipe.assign = op.tok == Tok::Assign;
                    pipe.decl = vec![v.clone(), v2.clone()];
                    if !pipe.assign {
                        self.vars.push(v.clone());
                        self.vars.push(v2);
                    }
                }
                _ => self.at = save,
            }
        }
        let _ = in_action;
        loop {
            let it = self.peek_non_space().clone();
            let end = if ctx == "parenthesized pipeline" {
                Tok::RParen
            } else {
                Tok::Right
            };
            if it.tok == end {
                self.next();
                return self.check_pipeline(pipe, ctx, it.line);
            }
            let starts_command = match &it.tok {
                Tok::Ident(w) => !KEYWORDS.contains(&w.as_str()) || w == "nil",
                Tok::Field(_)
                | Tok::Var(_)
                | Tok::Str(..)
                | Tok::Num(_)
                | Tok::Char(_)
                | Tok::Dot
                | Tok::LParen => true,
                _ => false,
            };
            if !starts_command {
                return Err((
                    it.line,
                    format!("unexpected {} in {ctx}", self.describe(&it)),
                ));
            }
            let cmd = self.command()?;
            pipe.cmds.push(cmd);
        }
    }

    /// Go's `checkPipeline`.
    fn check_pipeline(&self, pipe: Pipe, ctx: &str, line: usize) -> PResult<Pipe> {
        if pipe.cmds.is_empty() {
            return Err((line, format!("missing value for {ctx}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            let constant = match &c.args[0] {
                Arg::Field { names, .. } => names.is_empty(),
                Arg::Bool(..) | Arg::Nil(_) | Arg::Int(..) | Arg::Float(..) | Arg::Str(..) => true,
                _ => false,
            };
            if constant {
                return Err((
                    line,
                    format!("non executable command in pipeline stage {}", i + 1),
                ));
            }
        }
        Ok(pipe)
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Cmd {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            let Some(a) = self.operand()? else {
                let it = self.peek().clone();
                if matches!(it.tok, Tok::Right | Tok::RParen | Tok::Pipe | Tok::Eof) {
                    break;
                }
                return Err((
                    it.line,
                    format!("unexpected {} in operand", self.describe(&it)),
                ));
            };
            cmd.args.push(a);
            let it = self.peek().clone();
            match it.tok {
                Tok::Space => continue,
                Tok::Right | Tok::RParen => break,
                Tok::Pipe => break,
                _ => {
                    return Err((
                        it.line,
                        format!("unexpected {} in operand", self.describe(&it)),
                    ))
                }
            }
        }
        let it = self.peek_non_space().clone();
        if it.tok == Tok::Pipe {
            self.next();
        }
        if cmd.args.is_empty() {
            return Err((it.line, "missing value for command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        let mut names = Vec::new();
        let chain_pos = self.peek().pos;
        while let Tok::Field(f) = &self.peek().tok {
            names.push(f.clone());
            self.next();
        }
        if names.is_empty() {
            return Ok(Some(term));
        }
        Ok(Some(match term {
            Arg::Field { names: mut n, .. } => {
                n.extend(names);
                Arg::Field {
                    pos: chain_pos,
                    names: n,
                }
            }
            Arg::Var {
                name, names: mut n, ..
            } => {
                n.extend(names);
                Arg::Var {
                    pos: chain_pos,
                    name,
                    names: n,
                }
            }
            Arg::Pipe { pipe, .. } => Arg::Pipe {
                pos: chain_pos,
                pipe,
                names,
            },
            Arg::Bool(..) | Arg::Str(..) | Arg::Nil(..) | Arg::Int(..) | Arg::Float(..) => {
                return Err((
                    self.peek().line,
                    format!("unexpected . after term {:?}", term.to_string()),
                ));
            }
            Arg::Ident { .. } => Arg::Pipe {
                pos: chain_pos,
                pipe: Box::new(Pipe {
                    pos: term.pos(),
                    decl: vec![],
                    assign: false,
                    cmds: vec![Cmd {
                        pos: term.pos(),
                        args: vec![term],
                    }],
                }),
                names,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let it = self.next_non_space();
        let pos = it.pos;
        Ok(Some(match it.tok {
            Tok::Ident(name) => match name.as_str() {
                "true" | "false" => Arg::Bool(pos, name == "true"),
                "nil" => Arg::Nil(pos),
                _ if FUNCS.contains(&name.as_str()) => Arg::Ident { pos, name },
                _ => return Err((it.line, format!("function \"{name}\" not defined"))),
            },
            Tok::Dot => Arg::Field {
                pos,
                names: Vec::new(),
            },
            Tok::Field(f) => Arg::Field {
                pos,
                names: vec![f],
            },
            Tok::Var(v) => {
                if !self.vars.contains(&v) {
                    return Err((it.line, format!("undefined variable \"{v}\"")));
                }
                Arg::Var {
                    pos,
                    name: v,
                    names: Vec::new(),
                }
            }
            Tok::Str(raw, val) => Arg::Str(pos, val, raw),
            Tok::Char(raw) => {
                let inner = raw.trim_matches('\'');
                let c = if inner.starts_with('\\') {
                    unquote(&format!("\"{inner}\"")).and_then(|s| s.chars().next())
                } else {
                    inner.chars().next()
                };
                match c {
                    Some(c) => Arg::Int(pos, c as i64, raw),
                    None => return Err((it.line, format!("malformed character constant: {raw}"))),
                }
            }
            Tok::Num(t) => number(&t)
                .map(|n| match n {
                    Ok(i) => Arg::Int(pos, i, t.clone()),
                    Err(f) => Arg::Float(pos, f, t.clone()),
                })
                .ok_or((it.line, format!("illegal number syntax: {t:?}")))?,
            Tok::LParen => {
                self.deeper()?;
                let pipe = self.pipeline("parenthesized pipeline", false);
                self.nesting -= 1;
                let pipe = pipe?;
                Arg::Pipe {
                    pos,
                    pipe: Box::new(pipe),
                    names: Vec::new(),
                }
            }
            _ => {
                self.at -= 1;
                return Ok(None);
            }
        }))
    }
}

/// A Go number constant: `Ok` an integer, `Err` a float.
fn number(t: &str) -> Option<Result<i64, f64>> {
    let clean = t.replace('_', "");
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let sign = if neg { -1 } else { 1 };
    let radix = |p: &str, r: u32| i64::from_str_radix(p, r).ok().map(|v| Ok(sign * v));
    if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return radix(h, 16);
    }
    if let Some(h) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        return radix(h, 2);
    }
    if let Some(h) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        return radix(h, 8);
    }
    if let Ok(v) = body.parse::<i64>() {
        if body.len() > 1 && body.starts_with('0') {
            return radix(&body[1..], 8);
        }
        return Some(Ok(sign * v));
    }
    if body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        // Go's `idealConstant`: a constant written with `.` or an exponent is a float64.
        return body.parse::<f64>().ok().map(|f| Err(f * sign as f64));
    }
    None
}

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    src: String,
    nodes: Vec<Node>,
    defs: std::collections::BTreeMap<String, Vec<Node>>,
}

/// Parses `src` as kubectl's template named `output`. The error is Go's
/// (`template: output:1: unclosed action`).
pub fn parse(src: &str) -> Result<Template, String> {
    let items = lex(src).map_err(|(l, m)| format!("template: output:{l}: {m}"))?;
    let mut p = Parser {
        items,
        at: 0,
        vars: vec!["$".into()],
        range_depth: 0,
        nesting: 0,
        defs: Default::default(),
        src,
    };
    let (nodes, end) = p
        .list()
        .map_err(|(l, m)| format!("template: output:{l}: {m}"))?;
    match end {
        Stop::Eof => Ok(Template {
            src: src.to_string(),
            nodes,
            defs: p.defs,
        }),
        Stop::End => Err(format!(
            "template: output:{}: unexpected {{{{end}}}}",
            p.items[p.at.saturating_sub(1)].line
        )),
        Stop::Else(pos) => Err(format!(
            "template: output:{}: unexpected {{{{else}}}}",
            line_at(src, pos)
        )),
    }
}

// ------------------------------------------------------------------ values

/// A value as `reflect.Value` holds it: invalid (a missing key, or nil after a pipeline),
/// a value from the data (`J`: typed `interface {}`, as map values and list elements are;
/// `C`: the concrete value a pipeline dug out), or a constant or function result.
#[derive(Clone, Debug)]
enum V<'a> {
    Invalid,
    J(&'a Value),
    C(&'a Value),
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl<'a> V<'a> {
    /// What the value holds once an `interface {}` is looked through (`indirectInterface`).
    fn concrete(&self) -> V<'a> {
        match self {
            V::J(Value::Null) | V::C(Value::Null) => V::Invalid,
            V::J(v) => V::C(v),
            other => other.clone(),
        }
    }
    fn type_name(&self) -> &'static str {
        match self {
            V::Invalid => "<nil>",
            V::J(_) => "interface {}",
            V::C(v) => json_type(v),
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float64",
            V::Str(_) => "string",
        }
    }
    fn truth(&self) -> bool {
        match self.concrete() {
            V::Invalid => false,
            V::C(Value::Bool(b)) => *b,
            V::Bool(b) => b,
            V::C(Value::Number(n)) => n.as_f64().unwrap_or(0.0) != 0.0,
            V::C(Value::String(s)) => !s.is_empty(),
            V::C(Value::Array(a)) => !a.is_empty(),
            V::C(Value::Object(m)) => !m.is_empty(),
            V::Int(i) => i != 0,
            V::Float(f) => f != 0.0,
            V::Str(s) => !s.is_empty(),
            V::C(Value::Null) | V::J(_) => false,
        }
    }
    fn as_str(&self) -> Option<String> {
        match self.concrete() {
            V::C(Value::String(s)) => Some(s.clone()),
            V::Str(s) => Some(s),
            _ => None,
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn f64_of(n: &serde_json::Number) -> f64 {
    n.as_f64().unwrap_or(0.0)
}

/// Go's `%v` of a value decoded from JSON (`map[a:1 b:[x y]]`).
pub(crate) fn go_v(v: &Value) -> String {
    let mut s = String::new();
    go_v_json(&mut s, v);
    s
}

/// What `{{…}}` prints for a value (`fmt.Fprint`, `<no value>` for an invalid one).
fn print_v(v: &V) -> String {
    match v {
        V::Invalid => "<no value>".into(),
        V::J(j) | V::C(j) => {
            let mut s = String::new();
            go_v_json(&mut s, j);
            s
        }
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Float(f) => go_format_g(*f),
        V::Str(s) => s.clone(),
    }
}

/// `fmt.Sprint`'s view of a value: `<nil>` for nil.
fn sprint_v(v: &V) -> String {
    match v.concrete() {
        V::Invalid => "<nil>".into(),
        other => print_v(&other),
    }
}

// ------------------------------------------------------------------ execution

/// How a template runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// kubectl's `--allow-missing-template-keys` (default true): `missingkey=default`, else
    /// `missingkey=error`.
    pub allow_missing_keys: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            allow_missing_keys: true,
        }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'a, 't> {
    tmpl: &'t Template,
    out: String,
    vars: Vec<(String, V<'a>)>,
    steps: usize,
    missing_error: bool,
    /// The node Go's `state.at` last noted: a field chain on a parenthesized pipeline reports
    /// its errors there.
    node: (usize, String),
    /// The template being executed (`output`, or a `define`d one) and how deep in `template`
    /// calls.
    name: String,
    depth: usize,
}

/// How deep execution may be (nested `if`/`with`/`range` bodies and `{{template}}` calls) when
/// a `{{template}}` is called. Go allows 100000 calls and says so when a template recurses
/// without end; a stack here holds far fewer, so the same message comes sooner.
const MAX_DEPTH: usize = 100;

/// How deeply a template's own structure may nest (Go sets no bound).
const MAX_NESTING: usize = 50;

type EResult<T> = Result<T, String>;

impl<'a> State<'a, '_> {
    /// Go's `ExecError` text for a failure at `pos` whose context is `ctx`.
    fn error<T>(&self, pos: usize, ctx: &str, msg: impl std::fmt::Display) -> EResult<T> {
        let src = &self.tmpl.src;
        let pos = pos.min(src.len());
        let text = &src[..pos];
        let (line, col) = match text.rfind('\n') {
            None => (1, pos),
            Some(nl) => (1 + text.matches('\n').count(), pos - (nl + 1)),
        };
        Err(format!(
            "template: output:{line}:{col}: executing {} at <{ctx}>: {msg}",
            go_quote(&self.name)
        ))
    }

    fn step(&mut self, pos: usize) -> EResult<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(format!(
                "template: output:{}: the template took more than {MAX_STEPS} steps; stopped",
                line_at(&self.tmpl.src, pos)
            ));
        }
        if self.out.len() > MAX_OUTPUT {
            return Err(format!(
                "template: output:{}: the template wrote more than {MAX_OUTPUT} bytes; stopped",
                line_at(&self.tmpl.src, pos)
            ));
        }
        Ok(())
    }

    fn walk(&mut self, dot: &V<'a>, nodes: &[Node]) -> EResult<Flow> {
        self.depth += 1;
        let r = self.walk_nodes(dot, nodes);
        self.depth -= 1;
        r
    }

    fn walk_nodes(&mut self, dot: &V<'a>, nodes: &[Node]) -> EResult<Flow> {
        for n in nodes {
            match n {
                Node::Text(t) => {
                    self.step(0)?;
                    self.out.push_str(t);
                }
                Node::Action(pipe) => {
                    let v = self.pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        self.out.push_str(&print_v(&v));
                        self.step(pipe.pos)?;
                    }
                }
                Node::If(b) | Node::With(b) => {
                    let mark = self.vars.len();
                    let v = self.pipeline(dot, &b.pipe)?;
                    let flow = if v.truth() {
                        if matches!(n, Node::With(_)) {
                            let v = v.concrete();
                            self.walk(&v, &b.list)?
                        } else {
                            self.walk(dot, &b.list)?
                        }
                    } else if let Some(e) = &b.else_list {
                        self.walk(dot, e)?
                    } else {
                        Flow::Normal
                    };
                    self.vars.truncate(mark);
                    if !matches!(flow, Flow::Normal) {
                        return Ok(flow);
                    }
                }
                Node::Range(b) => {
                    let mark = self.vars.len();
                    let flow = self.range(dot, b)?;
                    self.vars.truncate(mark);
                    let _ = flow;
                }
                Node::Template {
                    pos,
                    name,
                    pipe,
                    text,
                } => {
                    self.step(*pos)?;
                    let Some(body) = self.tmpl.defs.get(name) else {
                        return self.error(
                            *pos,
                            text,
                            format!("template {} not defined", go_quote(name)),
                        );
                    };
                    if self.depth >= MAX_DEPTH {
                        return self.error(*pos, text, "exceeded maximum template depth (100000)");
                    }
                    let new_dot = match pipe {
                        Some(p) => self.pipeline(dot, p)?,
                        None => V::Invalid,
                    };
                    let vars =
                        std::mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
                    let outer = std::mem::replace(&mut self.name, name.clone());
                    let r = self.walk(&new_dot, body);
                    self.name = outer;
                    self.vars = vars;
                    r?;
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn range(&mut self, dot: &V<'a>, b: &Branch) -> EResult<Flow> {
        // The range's own declarations are set per element, not from the pipeline.
        let mut pipe = b.pipe.clone();
        let decl = std::mem::take(&mut pipe.decl);
        let v = self.pipeline(dot, &pipe)?.concrete();
        let mark = self.vars.len();
        let mut items: Vec<(V<'a>, V<'a>)> = Vec::new();
        match &v {
            V::Invalid => {}
            V::C(Value::Array(a)) => items.extend(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| (V::Int(i as i64), V::J(x))),
            ),
            V::C(Value::Object(m)) => {
                let mut keys: Vec<&String> = m.keys().collect();
                ordinal_sim::sort::sort(&mut keys);
                for k in keys {
                    items.push((V::Str(k.clone()), V::J(&m[k.as_str()])));
                }
            }
            V::Int(n) => items.extend((0..*n).map(|i| (V::Int(i), V::Int(i)))),
            other => {
                return self.error(
                    b.pipe.pos,
                    &b.pipe.to_string(),
                    format!("range can't iterate over {}", print_v(other)),
                )
            }
        }
        if items.is_empty() {
            if let Some(e) = &b.else_list {
                self.walk(dot, e)?;
            }
            return Ok(Flow::Normal);
        }
        for (k, e) in items {
            self.step(b.pos)?;
            match decl.len() {
                1 => self.set_var(&decl[0], e.clone(), b.pipe.assign),
                2 => {
                    self.set_var(&decl[0], k, b.pipe.assign);
                    self.set_var(&decl[1], e.clone(), b.pipe.assign);
                }
                _ => {}
            }
            let flow = self.walk(&e, &b.list)?;
            self.vars.truncate(mark);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        Ok(Flow::Normal)
    }

    fn set_var(&mut self, name: &str, v: V<'a>, assign: bool) {
        if assign {
            if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                slot.1 = v;
                return;
            }
        }
        self.vars.push((name.to_string(), v));
    }

    fn pipeline(&mut self, dot: &V<'a>, pipe: &Pipe) -> EResult<V<'a>> {
        self.step(pipe.pos)?;
        let mut value: Option<V<'a>> = None;
        for cmd in &pipe.cmds {
            let v = self.command(dot, cmd, value.take())?;
            // An `interface {}` is dug into: a nil one becomes invalid.
            value = Some(match v {
                V::J(_) => v.concrete(),
                other => other,
            });
        }
        let v = value.unwrap_or(V::Invalid);
        if let Some(name) = pipe.decl.first() {
            self.set_var(name, v.clone(), pipe.assign);
        }
        Ok(v)
    }

    fn command(&mut self, dot: &V<'a>, cmd: &Cmd, fin: Option<V<'a>>) -> EResult<V<'a>> {
        let first = &cmd.args[0];
        // A field given arguments fails on a map ("not a method"); Go evaluates none of them.
        let has_args = cmd.args.len() > 1 || fin.is_some();
        match first {
            Arg::Field { pos, names } if !names.is_empty() => {
                self.field_chain(dot.clone(), names, *pos, &first.to_string(), has_args)
            }
            Arg::Var { pos, name, names } => {
                if names.is_empty() {
                    self.not_a_function(cmd, &fin, first)?;
                }
                let v = self.var(name);
                self.field_chain(v, names, *pos, &first.to_string(), has_args)
            }
            Arg::Pipe { pipe, names, .. } => {
                if names.is_empty() {
                    self.not_a_function(cmd, &fin, first)?;
                }
                let v = self.pipeline(dot, pipe)?;
                if names.is_empty() {
                    Ok(v)
                } else {
                    let (pos, ctx) = self.node.clone();
                    self.field_chain(v, names, pos, &ctx, has_args)
                }
            }
            Arg::Ident { pos, name } => self.call(dot, name, *pos, cmd, fin),
            _ => {
                self.not_a_function(cmd, &fin, first)?;
                Ok(match first {
                    Arg::Field { .. } => dot.clone(),
                    Arg::Nil(pos) => return self.error(*pos, "nil", "nil is not a command"),
                    Arg::Bool(_, b) => V::Bool(*b),
                    Arg::Int(_, i, _) => V::Int(*i),
                    Arg::Float(_, f, _) => V::Float(*f),
                    Arg::Str(_, s, _) => V::Str(s.clone()),
                    _ => V::Invalid,
                })
            }
        }
    }

    fn not_a_function(&self, cmd: &Cmd, fin: &Option<V<'a>>, first: &Arg) -> EResult<()> {
        if cmd.args.len() > 1 || fin.is_some() {
            return self.error(
                first.pos(),
                &first.to_string(),
                format!("can't give argument to non-function {first}"),
            );
        }
        Ok(())
    }

    fn var(&self, name: &str) -> V<'a> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(V::Invalid, |(_, v)| v.clone())
    }

    fn field_chain(
        &mut self,
        mut recv: V<'a>,
        names: &[String],
        pos: usize,
        ctx: &str,
        has_args: bool,
    ) -> EResult<V<'a>> {
        self.node = (pos, ctx.to_string());
        for (k, name) in names.iter().enumerate() {
            self.step(pos)?;
            if has_args
                && k + 1 == names.len()
                && matches!(&recv, V::J(Value::Object(_)) | V::C(Value::Object(_)))
            {
                return self.error(
                    pos,
                    ctx,
                    format!("{name} is not a method but has arguments"),
                );
            }
            recv = match &recv {
                V::Invalid => {
                    if self.missing_error {
                        return self.error(
                            pos,
                            ctx,
                            format!("nil data; no entry for key {}", go_quote(name)),
                        );
                    }
                    V::Invalid
                }
                V::J(Value::Null) => {
                    return self.error(
                        pos,
                        ctx,
                        format!("nil pointer evaluating interface {{}}.{name}"),
                    )
                }
                V::J(Value::Object(m)) | V::C(Value::Object(m)) => match m.get(name.as_str()) {
                    Some(v) => V::J(v),
                    None if self.missing_error => {
                        return self.error(
                            pos,
                            ctx,
                            format!("map has no entry for key {}", go_quote(name)),
                        )
                    }
                    None => V::Invalid,
                },
                other => {
                    return self.error(
                        pos,
                        ctx,
                        format!("can't evaluate field {name} in type {}", other.type_name()),
                    )
                }
            };
        }
        Ok(recv)
    }

    fn arg(&mut self, dot: &V<'a>, a: &Arg) -> EResult<V<'a>> {
        self.step(a.pos())?;
        match a {
            Arg::Field { names, .. } if names.is_empty() => Ok(dot.clone()),
            Arg::Field { pos, names } => {
                self.field_chain(dot.clone(), names, *pos, &a.to_string(), false)
            }
            Arg::Var { pos, name, names } => {
                let v = self.var(name);
                self.field_chain(v, names, *pos, &a.to_string(), false)
            }
            Arg::Pipe { pipe, names, .. } => {
                let v = self.pipeline(dot, pipe)?;
                if names.is_empty() {
                    return Ok(v);
                }
                let (pos, ctx) = self.node.clone();
                self.field_chain(v, names, pos, &ctx, false)
            }
            Arg::Ident { pos, name } => {
                let cmd = Cmd {
                    pos: *pos,
                    args: vec![a.clone()],
                };
                self.call(dot, name, *pos, &cmd, None)
            }
            Arg::Nil(_) => Ok(V::Invalid),
            Arg::Bool(_, b) => Ok(V::Bool(*b)),
            Arg::Int(_, i, _) => Ok(V::Int(*i)),
            Arg::Float(_, f, _) => Ok(V::Float(*f)),
            Arg::Str(_, s, _) => Ok(V::Str(s.clone())),
        }
    }

    /// A function call, whose string result (a `printf` of itself, say) may not grow past the
    /// output bound.
    fn call(
        &mut self,
        dot: &V<'a>,
        name: &str,
        pos: usize,
        cmd: &Cmd,
        fin: Option<V<'a>>,
    ) -> EResult<V<'a>> {
        let v = self.call_inner(dot, name, pos, cmd, fin)?;
        if matches!(&v, V::Str(s) if s.len() > MAX_OUTPUT) {
            return Err(format!(
                "template: output:{}: a value grew past {MAX_OUTPUT} bytes; stopped",
                line_at(&self.tmpl.src, pos)
            ));
        }
        Ok(v)
    }

    fn call_inner(
        &mut self,
        dot: &V<'a>,
        name: &str,
        pos: usize,
        cmd: &Cmd,
        fin: Option<V<'a>>,
    ) -> EResult<V<'a>> {
        let arg_nodes = &cmd.args[1..];
        let n = arg_nodes.len() + usize::from(fin.is_some());
        let want = |lo: usize, hi: Option<usize>| n >= lo && hi.is_none_or(|h| n <= h);
        let fixed = match name {
            "not" | "len" | "html" | "js" | "urlquery" | "exists" | "base64decode" => Some(1),
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => None,
            _ => None,
        };
        let count_err = |s: &Self, w: String| {
            s.error(
                pos,
                name,
                format!("wrong number of args for {name}: want {w} got {n}"),
            )
        };
        match name {
            "not" | "len" | "base64decode" if !want(1, Some(1)) => {
                return count_err(self, "1".into())
            }
            "lt" | "le" | "gt" | "ge" | "ne" if !want(2, Some(2)) => {
                return count_err(self, "2".into())
            }
            "and" | "or" | "eq" if n < 1 => return count_err(self, "at least 1".into()),
            "index" | "slice" | "call" if n < 1 => return count_err(self, "at least 1".into()),
            "printf" if n < 1 => return count_err(self, "at least 1".into()),
            _ => {}
        }
        let _ = fixed;
        // `and` and `or` stop at the first value that decides them.
        if name == "and" || name == "or" {
            let mut last = V::Invalid;
            for a in arg_nodes {
                last = self.arg(dot, a)?;
                if last.truth() != (name == "and") {
                    return Ok(last);
                }
            }
            if let Some(f) = fin {
                last = f;
            }
            return Ok(last);
        }
        let mut args = Vec::with_capacity(n);
        for a in arg_nodes {
            args.push(self.arg(dot, a)?);
        }
        if let Some(f) = fin {
            args.push(f);
        }
        let ctx = cmd.to_string();
        self.node = (cmd.pos, ctx.clone());
        let fail =
            |s: &Self, e: String| s.error(cmd.pos, &ctx, format!("error calling {name}: {e}"));
        match name {
            "not" => Ok(V::Bool(!args[0].truth())),
            "len" => match args[0].concrete() {
                V::C(Value::String(s)) => Ok(V::Int(s.len() as i64)),
                V::Str(s) => Ok(V::Int(s.len() as i64)),
                V::C(Value::Array(a)) => Ok(V::Int(a.len() as i64)),
                V::C(Value::Object(m)) => Ok(V::Int(m.len() as i64)),
                V::Invalid => fail(
                    self,
                    "reflect: call of reflect.Value.Type on zero Value".into(),
                ),
                other => fail(self, format!("len of type {}", other.type_name())),
            },
            "index" => {
                let mut item = args[0].concrete();
                if matches!(item, V::Invalid) {
                    return fail(self, "index of untyped nil".into());
                }
                for ix in &args[1..] {
                    let ix = ix.concrete();
                    item = match item.concrete() {
                        V::Invalid => return fail(self, "index of nil pointer".into()),
                        V::C(Value::Array(a)) => match index_arg(&ix, a.len(), "slice") {
                            Ok(i) => V::J(&a[i]),
                            Err(e) => return fail(self, e),
                        },
                        V::C(Value::String(t)) => match index_arg(&ix, t.len(), "string") {
                            Ok(i) => V::Int(i64::from(t.as_bytes()[i])),
                            Err(e) => return fail(self, e),
                        },
                        V::Str(t) => match index_arg(&ix, t.len(), "string") {
                            Ok(i) => V::Int(i64::from(t.as_bytes()[i])),
                            Err(e) => return fail(self, e),
                        },
                        V::C(Value::Object(m)) => match (&ix, ix.as_str()) {
                            (_, Some(k)) => V::J(m.get(k.as_str()).unwrap_or(&NULL)),
                            (V::Invalid, _) => {
                                return fail(self, "value is nil; should be of type string".into())
                            }
                            (k, None) => {
                                return fail(
                                    self,
                                    format!("value has type {}; should be string", k.type_name()),
                                )
                            }
                        },
                        other => {
                            return fail(
                                self,
                                format!("can't index item of type {}", other.type_name()),
                            )
                        }
                    };
                }
                Ok(item)
            }
            "slice" => {
                let s = match args[0].as_str() {
                    Some(s) => s,
                    None => {
                        return fail(
                            self,
                            format!(
                                "can't slice item of type {}",
                                args[0].concrete().type_name()
                            ),
                        )
                    }
                };
                let mut ix = Vec::new();
                for a in &args[1..] {
                    match a.concrete() {
                        V::Int(i) => ix.push(i),
                        other => {
                            return fail(
                                self,
                                format!("cannot index slice/array with type {}", other.type_name()),
                            )
                        }
                    }
                }
                if ix.len() > 2 {
                    return fail(self, "cannot 3-index slice a string".into());
                }
                let lo = ix.first().copied().unwrap_or(0);
                let hi = ix.get(1).copied().unwrap_or(s.len() as i64);
                if lo < 0 || hi < lo || hi as usize > s.len() {
                    return fail(
                        self,
                        format!(
                            "index out of range: {}",
                            if lo < 0 || lo as usize > s.len() {
                                lo
                            } else {
                                hi
                            }
                        ),
                    );
                }
                match s.get(lo as usize..hi as usize) {
                    Some(t) => Ok(V::Str(t.to_string())),
                    None => Ok(V::Str(
                        String::from_utf8_lossy(&s.as_bytes()[lo as usize..hi as usize])
                            .into_owned(),
                    )),
                }
            }
            "print" => Ok(V::Str(sprint(&args))),
            "println" => {
                let parts: Vec<String> = args.iter().map(sprint_v).collect();
                Ok(V::Str(parts.join(" ") + "\n"))
            }
            "printf" => {
                let Some(f) = args[0].as_str() else {
                    return self.error(
                        cmd.pos,
                        &ctx,
                        format!(
                            "wrong type for value; expected string; got {}",
                            args[0].concrete().type_name()
                        ),
                    );
                };
                Ok(V::Str(sprintf(&f, &args[1..])))
            }
            "eq" => {
                if args.len() < 2 {
                    return fail(self, "missing argument for comparison".into());
                }
                for b in &args[1..] {
                    match go_eq(&args[0], b) {
                        Ok(true) => return Ok(V::Bool(true)),
                        Ok(false) => {}
                        Err(e) => return fail(self, e),
                    }
                }
                Ok(V::Bool(false))
            }
            "ne" | "lt" | "le" | "gt" | "ge" => {
                let (a, b) = (&args[0], &args[1]);
                let r = match name {
                    "ne" => go_eq(a, b).map(|t| !t),
                    "lt" => go_lt(a, b),
                    "le" => go_lt(a, b).and_then(|l| if l { Ok(true) } else { go_eq(a, b) }),
                    "gt" => go_lt(a, b)
                        .and_then(|l| if l { Ok(true) } else { go_eq(a, b) })
                        .map(|le| !le),
                    _ => go_lt(a, b).map(|l| !l),
                };
                match r {
                    Ok(t) => Ok(V::Bool(t)),
                    Err(e) => fail(self, e),
                }
            }
            // No value in kubectl's data is a function.
            "call" => match args[0].concrete() {
                V::Invalid => fail(self, "call of nil".into()),
                other => {
                    let callee = arg_nodes.first().map(|a| a.to_string()).unwrap_or_default();
                    fail(
                        self,
                        format!("non-function {callee} of type {}", other.type_name()),
                    )
                }
            },
            "html" => Ok(V::Str(html_escape(&sprint(&args)))),
            "js" => Ok(V::Str(js_escape(&sprint(&args)))),
            "urlquery" => Ok(V::Str(query_escape(&sprint(&args)))),
            "exists" => {
                // kubectl's `exists item key...`.
                let mut cur = args[0].concrete();
                for k in &args[1..] {
                    cur = match (cur, k.as_str()) {
                        (V::C(Value::Object(m)), Some(k)) => match m.get(k.as_str()) {
                            Some(v) => V::C(v),
                            None => return Ok(V::Bool(false)),
                        },
                        _ => return Ok(V::Bool(false)),
                    };
                }
                Ok(V::Bool(true))
            }
            "base64decode" => {
                let Some(s) = args[0].as_str() else {
                    return self.error(
                        cmd.pos,
                        &ctx,
                        format!(
                            "wrong type for value; expected string; got {}",
                            args[0].concrete().type_name()
                        ),
                    );
                };
                match ordinal_sim::base64::decode(&s) {
                    Some(b) => Ok(V::Str(String::from_utf8_lossy(&b).into_owned())),
                    None => {
                        let at = ordinal_sim::base64::corrupt_at(&s).unwrap_or(0);
                        fail(
                            self,
                            format!("base64 decode failed: illegal base64 data at input byte {at}"),
                        )
                    }
                }
            }
            _ => self.error(pos, name, format!("function {name:?} not defined")),
        }
    }
}

/// Go's `indexArg` and the reflect call after it: an integer within `0..len`.
fn index_arg(ix: &V, len: usize, what: &str) -> Result<usize, String> {
    let x = match ix {
        V::Int(i) => *i,
        V::C(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
        V::Invalid => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    match usize::try_from(x) {
        Ok(i) if i < len => Ok(i),
        Ok(i) if i == len => Err(format!("reflect: {what} index out of range")),
        _ => Err(format!("index out of range: {x}")),
    }
}

/// A value as Go's comparison functions classify it (`basicKind`).
#[derive(PartialEq)]
enum Basic {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Nil,
    Other,
}

fn basic(v: &V) -> Basic {
    match v.concrete() {
        V::Invalid => Basic::Nil,
        V::C(Value::Bool(b)) => Basic::Bool(*b),
        V::Bool(b) => Basic::Bool(b),
        V::C(Value::Number(n)) => match n.as_i64() {
            Some(i) => Basic::Int(i),
            None => Basic::Float(f64_of(n)),
        },
        V::C(Value::String(s)) => Basic::Str(s.clone()),
        V::Str(s) => Basic::Str(s),
        V::Int(i) => Basic::Int(i),
        V::Float(f) => Basic::Float(f),
        _ => Basic::Other,
    }
}

/// Go's `eq` of two values.
fn go_eq(a: &V, b: &V) -> Result<bool, String> {
    match (basic(a), basic(b)) {
        (Basic::Bool(p), Basic::Bool(q)) => Ok(p == q),
        (Basic::Int(p), Basic::Int(q)) => Ok(p == q),
        (Basic::Float(p), Basic::Float(q)) => Ok(p == q),
        (Basic::Str(p), Basic::Str(q)) => Ok(p == q),
        (Basic::Nil, Basic::Nil) => Ok(true),
        (Basic::Nil, _) | (_, Basic::Nil) => Ok(false),
        (Basic::Other, Basic::Other) => {
            let b = b.concrete();
            if a.concrete().type_name() != b.type_name() {
                return Err(format!(
                    "non-comparable types {}: {}, {}: {}",
                    format_one('s', "", None, a),
                    a.concrete().type_name(),
                    b.type_name(),
                    print_v(&b)
                ));
            }
            Err(format!(
                "non-comparable type {}: {}",
                format_one('s', "", None, &b),
                b.type_name()
            ))
        }
        _ => Err("incompatible types for comparison".into()),
    }
}

/// Go's `lt` of two values.
fn go_lt(a: &V, b: &V) -> Result<bool, String> {
    let bad_type = || "invalid type for comparison".to_string();
    let x = basic(a);
    if matches!(x, Basic::Nil | Basic::Other | Basic::Bool(_)) {
        return Err(bad_type());
    }
    let y = basic(b);
    if matches!(y, Basic::Nil | Basic::Other) {
        return Err(bad_type());
    }
    match (x, y) {
        (Basic::Int(p), Basic::Int(q)) => Ok(p < q),
        (Basic::Float(p), Basic::Float(q)) => Ok(p < q),
        (Basic::Str(p), Basic::Str(q)) => Ok(p < q),
        _ => Err("incompatible types for comparison".into()),
    }
}

/// `fmt.Sprint`: a space between operands when neither is a string.
fn sprint(args: &[V]) -> String {
    let mut out = String::new();
    let is_str = |v: &V| v.as_str().is_some();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !is_str(a) && !is_str(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&sprint_v(a));
    }
    out
}

/// `fmt.Sprintf` for the verbs templates use (`%v %s %d %q %f %g %e %x %X %t %c %%`, flags,
/// width and precision), with Go's `%!verb(type=value)` for a wrong or missing operand.
fn sprintf(f: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut chars = f.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&fc) = chars.peek() {
            if "+-# 0".contains(fc) {
                flags.push(fc);
                chars.next();
            } else {
                break;
            }
        }
        let mut width: Option<usize> = None;
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width = Some(
                width
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(d as usize - '0' as usize),
            );
            chars.next();
        }
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            prec = Some(0);
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                prec = Some(
                    prec.unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(d as usize - '0' as usize)
                        .min(MAX_OUTPUT + 1),
                );
                chars.next();
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let s = format_one(verb, &flags, prec, arg);
        // Wider than the output may be is cut there; the caller then stops the template.
        let w = width.unwrap_or(0).min(MAX_OUTPUT + 1);
        if out.len() > MAX_OUTPUT {
            break;
        }
        let len = s.chars().count();
        if len >= w {
            out.push_str(&s);
        } else if flags.contains('-') {
            out.push_str(&s);
            out.push_str(&" ".repeat(w - len));
        } else if flags.contains('0') && "dfegxX".contains(verb) {
            let (sign, digits) = match s.strip_prefix('-') {
                Some(d) => ("-", d.to_string()),
                None => ("", s.clone()),
            };
            out.push_str(sign);
            out.push_str(&"0".repeat(w - len));
            out.push_str(&digits);
        } else {
            out.push_str(&" ".repeat(w - len));
            out.push_str(&s);
        }
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.concrete().type_name(), sprint_v(a)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn format_one(verb: char, flags: &str, prec: Option<usize>, arg: &V) -> String {
    let v = arg.concrete();
    if verb == 'T' {
        return v.type_name().to_string();
    }
    // fmt applies the verb to each element of a list or map.
    match &v {
        V::C(Value::Array(a)) => {
            let parts: Vec<String> = a
                .iter()
                .map(|x| format_one(verb, flags, prec, &V::C(x)))
                .collect();
            return format!("[{}]", parts.join(" "));
        }
        V::C(Value::Object(m)) => {
            let mut keys: Vec<&String> = m.keys().collect();
            ordinal_sim::sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        format_one(verb, flags, prec, &V::Str(k.clone())),
                        format_one(verb, flags, prec, &V::C(&m[k.as_str()]))
                    )
                })
                .collect();
            return format!("map[{}]", parts.join(" "));
        }
        _ => {}
    }
    let bad = || match &v {
        V::Invalid => format!("%!{verb}(<nil>)"),
        other => format!("%!{verb}({}={})", other.type_name(), print_v(other)),
    };
    let int = match &v {
        V::C(Value::Number(n)) => n.as_i64(),
        V::Int(i) => Some(*i),
        _ => None,
    };
    let num = match &v {
        V::C(Value::Number(n)) if !n.is_i64() => Some(f64_of(n)),
        V::Float(f) => Some(*f),
        _ => None,
    };
    match verb {
        'v' => match (&v, num) {
            (_, Some(f)) => go_format_g(f),
            (V::C(Value::Number(n)), None) => n.to_string(),
            (V::Invalid, _) => "<nil>".into(),
            (V::Str(s), _) if flags.contains('#') => go_quote(s),
            (V::C(Value::String(s)), _) if flags.contains('#') => go_quote(s),
            _ => print_v(&v),
        },
        's' => match &v {
            V::Str(s) | V::C(Value::String(s)) => match prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            },
            _ => bad(),
        },
        'q' => match (&v, int) {
            (V::Str(s) | V::C(Value::String(s)), _) => go_quote(s),
            (_, Some(i)) => format!("'{}'", char::from_u32(i as u32).unwrap_or('\u{fffd}')),
            _ => bad(),
        },
        'o' => match int {
            Some(i) if i < 0 => format!("-{:o}", i.unsigned_abs()),
            Some(i) => format!("{i:o}"),
            None => bad(),
        },
        'd' => match int {
            Some(i) => {
                if flags.contains('+') && i >= 0 {
                    format!("+{i}")
                } else {
                    i.to_string()
                }
            }
            _ => bad(),
        },
        'c' => match int {
            Some(i) => char::from_u32(i as u32).unwrap_or('\u{fffd}').to_string(),
            _ => bad(),
        },
        't' => match &v {
            V::Bool(b) | V::C(Value::Bool(b)) => b.to_string(),
            _ => bad(),
        },
        'f' | 'F' | 'e' | 'g' => match num.or(match &v {
            V::Int(_) => None,
            _ => None,
        }) {
            Some(f) => match verb {
                'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), f),
                'e' => go_exp(f, prec.unwrap_or(6)),
                _ => go_format_g(f),
            },
            None => bad(),
        },
        'x' | 'X' => {
            let s = match (&v, int) {
                (_, Some(i)) => {
                    if i < 0 {
                        format!("-{:x}", i.unsigned_abs())
                    } else {
                        format!("{i:x}")
                    }
                }
                (V::Str(s) | V::C(Value::String(s)), _) => {
                    s.bytes().map(|b| format!("{b:02x}")).collect()
                }
                _ => return bad(),
            };
            if verb == 'X' {
                s.to_uppercase()
            } else {
                s
            }
        }
        _ => bad(),
    }
}

/// Go's `%e`: `1.500000e+00`.
fn go_exp(f: f64, prec: usize) -> String {
    let s = format!("{:.*e}", prec, f);
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// `template.HTMLEscapeString`.
fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Template {
    /// Runs the template on `data`. On failure, what it wrote before the failure and Go's error.
    pub fn execute(&self, data: &Value, opts: Options) -> Result<String, (String, String)> {
        let mut st = State {
            tmpl: self,
            out: String::new(),
            vars: vec![("$".into(), V::C(data))],
            steps: 0,
            missing_error: !opts.allow_missing_keys,
            node: (0, String::new()),
            name: "output".into(),
            depth: 0,
        };
        let root = V::C(data);
        match st.walk(&root, &self.nodes) {
            Ok(_) => Ok(st.out),
            Err(e) => Err((st.out, e)),
        }
    }
}

/// What `kubectl get -o go-template=<src>` prints for one object (or the List of several): the
/// output, or, when it fails, what kubectl writes to stdout (the partial output and the
/// debugging dump) and its error line for stderr (without the leading `error: `).
pub fn render(src: &str, data: &Value, opts: Options) -> Result<String, (String, String)> {
    let t = parse(src).map_err(|e| {
        (
            String::new(),
            format!("error parsing template {src}, {e}\n"),
        )
    })?;
    t.execute(data, opts).map_err(|(partial, err)| {
        let mut raw = String::new();
        go_json(&mut raw, data, None);
        let mut given = String::new();
        go_v_json(&mut given, data);
        let stdout = format!(
            "{partial}Error executing template: {err}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{src}\n\traw data was:\n\t\t{raw}\n\tobject given to template engine was:\n\t\t{given}\n\n"
        );
        (stdout, format!("error executing template {}: {err}", go_quote(src)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        match parse(t) {
            Ok(t) => match t.execute(v, Options::default()) {
                Ok(s) => s,
                Err((_, e)) => format!("EXEC {e}"),
            },
            Err(e) => format!("PARSE {e}"),
        }
    }

    fn pod() -> Value {
        json!({"kind": "Pod", "metadata": {"name": "web-0", "labels": {"app": "nginx", "b": "x"}, "generation": 1000000},
               "spec": {"containers": [{"name": "nginx", "image": "nginx:1"}, {"name": "side", "image": "busybox"}], "nodeName": "kind-worker", "replicas": 2},
               "status": {"conditions": null}})
    }

    #[test]
    fn fields_ranges_and_variables() {
        let p = pod();
        assert_eq!(run("{{.metadata.name}}", &p), "web-0");
        assert_eq!(
            run(
                "{{range $i, $c := .spec.containers}}{{$i}}={{$c.image}} {{end}}",
                &p
            ),
            "0=nginx:1 1=busybox "
        );
        assert_eq!(
            run("{{range .spec.containers}}{{.name}}{{\"\\n\"}}{{end}}", &p),
            "nginx\nside\n"
        );
        assert_eq!(
            run(
                "{{range $k, $v := .metadata.labels}}{{$k}}:{{$v}};{{end}}",
                &p
            ),
            "app:nginx;b:x;"
        );
        assert_eq!(
            run(
                "{{$n := .metadata.name}}{{with .spec}}{{$n}}@{{.nodeName}}{{end}}",
                &p
            ),
            "web-0@kind-worker"
        );
        assert_eq!(
            run(
                "{{.metadata.generation}} {{.spec.replicas}} {{.x}} {{.x.y}}",
                &p
            ),
            "1000000 2 <no value> <no value>"
        );
        assert_eq!(run("{{.metadata.labels}}", &p), "map[app:nginx b:x]");
        assert_eq!(run("{{if eq .spec.nodeName \"a\"}}A{{else if eq .spec.nodeName \"kind-worker\"}}K{{else}}?{{end}}", &p), "K");
        assert_eq!(run("{{range .nothing}}x{{else}}empty{{end}}", &p), "empty");
        assert_eq!(run("a  {{- /* c */ -}}  b {{- \" c\" }}", &p), "ab c");
        assert_eq!(run("{{len .spec.containers}} {{index .spec.containers 1 \"name\"}} {{index .metadata.labels \"app\"}}", &p), "2 side nginx");
        assert_eq!(
            run(
                "{{printf \"%s-%d|%v|%5s|%-4s|\" .metadata.name 3 .spec.replicas \"ab\" \"c\"}}",
                &p
            ),
            "web-0-3|2|   ab|c   |"
        );
        assert_eq!(
            run("{{printf \"%d|%v|%d\" .spec.replicas 1e6 2.5}}", &p),
            "2|1e+06|%!d(float64=2.5)"
        );
        assert_eq!(
            run(
                "{{eq .spec.replicas 2}} {{index .metadata.labels \"zz\"}}",
                &p
            ),
            "true <no value>"
        );
        assert_eq!(
            run(
                "{{.metadata.name | printf \"%s!\"}} {{print 1 2 \"a\" 3}} {{println \"x\"}}",
                &p
            ),
            "web-0! 1 2a3 x\n"
        );
        assert_eq!(run("{{range .spec.containers}}{{if eq .name \"nginx\"}}{{continue}}{{end}}{{.name}}{{break}}{{end}}", &p), "side");
        assert_eq!(
            run("{{and 1 0}} {{or 0 \"\" \"z\"}} {{not true}}", &p),
            "0 z false"
        );
        assert_eq!(
            run(
                "{{base64decode \"aGk=\"}} {{html \"<a>\"}} {{urlquery \"a b&\"}}",
                &p
            ),
            "hi &lt;a&gt; a+b%26"
        );
    }

    #[test]
    fn errors_in_go_words() {
        let p = pod();
        assert_eq!(run("{{.x", &p), "PARSE template: output:1: unclosed action");
        assert_eq!(
            run("{{range .a}}", &p),
            "PARSE template: output:1: unexpected EOF"
        );
        assert_eq!(
            run("{{end}}", &p),
            "PARSE template: output:1: unexpected {{end}}"
        );
        assert_eq!(
            run("{{foo .a}}", &p),
            "PARSE template: output:1: function \"foo\" not defined"
        );
        assert_eq!(
            run("{{$x}}", &p),
            "PARSE template: output:1: undefined variable \"$x\""
        );
        assert_eq!(
            run("{{}}", &p),
            "PARSE template: output:1: missing value for command"
        );
        assert_eq!(run("{{.metadata.deletionTimestamp.y}}|{{.spec.nodeName.y}}", &p), "EXEC template: output:1:41: executing \"output\" at <.spec.nodeName.y>: can't evaluate field y in type interface {}");
        assert_eq!(run("{{.status.conditions.y}}", &p), "EXEC template: output:1:9: executing \"output\" at <.status.conditions.y>: nil pointer evaluating interface {}.y");
        assert_eq!(run("{{ (.metadata.name).foo }}", &p), "EXEC template: output:1:13: executing \"output\" at <.metadata.name>: can't evaluate field foo in type string");
        assert_eq!(run("{{with .metadata.name}}{{.foo}}{{end}}", &p), "EXEC template: output:1:25: executing \"output\" at <.foo>: can't evaluate field foo in type string");
        assert_eq!(run("{{range 2.5}}{{end}}", &p), "EXEC template: output:1:8: executing \"output\" at <2.5>: range can't iterate over 2.5");
        assert_eq!(run("{{lt .spec.replicas 1.5}}", &p), "EXEC template: output:1:2: executing \"output\" at <lt .spec.replicas 1.5>: error calling lt: incompatible types for comparison");
        assert_eq!(run("{{len .x}}", &p), "EXEC template: output:1:2: executing \"output\" at <len .x>: error calling len: reflect: call of reflect.Value.Type on zero Value");
        assert_eq!(
            run("{{.a #}}", &p),
            "PARSE template: output:1: unexpected \"#\" in operand"
        );
        assert_eq!(
            run("{{if}}", &p),
            "PARSE template: output:1: missing value for if"
        );
        // Checked against kubectl v1.33 (`kubectl get pod web-0 -o go-template=…`).
        assert_eq!(
            run("{{.kind | \"x\"}}", &p),
            "PARSE template: output:1: non executable command in pipeline stage 2"
        );
        assert_eq!(
            run("{{.kind | end}}", &p),
            "PARSE template: output:1: unexpected <end> in command"
        );
        assert_eq!(
            run("{{| .kind}}", &p),
            "PARSE template: output:1: unexpected \"|\" in command"
        );
        assert_eq!(
            run("{{-.kind}}", &p),
            "PARSE template: output:1: bad number syntax: \"-.k\""
        );
        assert_eq!(
            run("{{.kind}", &p),
            "PARSE template: output:1: bad character U+007D '}'"
        );
        assert_eq!(
            run("{{$a, $b := 1}}", &p),
            "PARSE template: output:1: too many declarations in command"
        );
        assert_eq!(
            run("{{range $i, $e, $f := .a}}{{end}}", &p),
            "PARSE template: output:1: too many declarations in range"
        );
        assert_eq!(run("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .kind}}{{block \"y\" .spec.nodeName}}<{{.}}>{{end}}", &p), "[Pod]<kind-worker>");
        assert_eq!(run("{{template \"x\"}}", &p), "EXEC template: output:1:11: executing \"output\" at <{{template \"x\"}}>: template \"x\" not defined");
        assert_eq!(run("{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}", &p), "EXEC template: output:1:25: executing \"x\" at <{{template \"x\"}}>: exceeded maximum template depth (100000)");
        assert_eq!(run("{{\"x\" | .kind}}", &p), "EXEC template: output:1:8: executing \"output\" at <.kind>: kind is not a method but has arguments");
        assert_eq!(run("{{index .spec.containers 2}}", &p), "EXEC template: output:1:2: executing \"output\" at <index .spec.containers 2>: error calling index: reflect: slice index out of range");
        assert_eq!(run("{{index .kind 1}}", &p), "111");
        assert_eq!(run("{{call .nope}}", &p), "EXEC template: output:1:2: executing \"output\" at <call .nope>: error calling call: call of nil");
        assert_eq!(run("{{eq .metadata.labels .metadata.labels}}", &p), "EXEC template: output:1:2: executing \"output\" at <eq .metadata.labels .metadata.labels>: error calling eq: non-comparable type map[app:nginx b:x]: map[string]interface {}");
        assert_eq!(
            run("{{printf \"%s|%q|%T|%o\" .spec.containers 80 .kind 8}}", &p),
            "[map[image:nginx:1 name:nginx] map[image:busybox name:side]]|'P'|string|10"
        );
        assert_eq!(run("{{index .spec.containers 5}}", &p), "EXEC template: output:1:2: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5");
        let t = parse("{{.metadata.nope}}").unwrap();
        assert_eq!(t.execute(&p, Options { allow_missing_keys: false }).unwrap_err().1, "template: output:1:11: executing \"output\" at <.metadata.nope>: map has no entry for key \"nope\"");
    }

    #[test]
    fn deep_templates_stop_before_the_stack_does() {
        // A small stack, like the browser's: the deepest template allowed, recursing.
        let handle = std::thread::Builder::new()
            .stack_size(512 << 10)
            .spawn(|| {
                let v = json!({"a": [1]});
                let nested =
                    "{{if true}}".repeat(49) + "{{template \"x\" .}}" + &"{{end}}".repeat(49);
                let t = format!("{{{{define \"x\"}}}}{nested}{{{{end}}}}{{{{template \"x\" .}}}}");
                let out = run(&t, &v);
                assert!(
                    out.contains("exceeded maximum template depth (100000)"),
                    "{out}"
                );
                let too_deep = "{{if true}}".repeat(51) + &"{{end}}".repeat(51);
                assert!(
                    run(&too_deep, &v).starts_with("PARSE template: output:1: more than 50 nested")
                );
                let parens = "{{".to_string() + &"(".repeat(60) + "1" + &")".repeat(60) + "}}";
                assert!(
                    run(&parens, &v).starts_with("PARSE template: output:1: more than 50 nested")
                );
            })
            .unwrap();
        handle.join().unwrap();
    }

    // Regression guard: random templates built from the grammar's pieces never panic.
    #[test]
    fn random_templates_never_panic() {
        const PIECES: &[&str] = &[
            "{{",
            "}}",
            "{{-",
            " -}}",
            ".",
            ".metadata",
            ".spec.containers",
            "$",
            "$x",
            ":=",
            "=",
            "|",
            "(",
            ")",
            ",",
            "\"a\\n\"",
            "`r`",
            "'c'",
            "1",
            "-2",
            "0x1f",
            "1.5e3",
            "range",
            "if",
            "else",
            "with",
            "end",
            "define",
            "template",
            "block",
            "break",
            "continue",
            "nil",
            "true",
            "index",
            "len",
            "printf",
            "\"%s %d %5.2f %q %x %T\"",
            "eq",
            "lt",
            "and",
            "slice",
            "call",
            "html",
            "js",
            "/*",
            "*/",
            " ",
            "\n",
            "#",
            "}",
            "é",
            "\\",
        ];
        let v = json!({"metadata": {"name": "web-0"}, "spec": {"containers": [{"name": "a"}, null, 3]}});
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..20000 {
            let mut t = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 24) {
                let r = seed.wrapping_mul(k + 1).rotate_left(k as u32 * 7);
                t.push_str(PIECES[(r % PIECES.len() as u64) as usize]);
            }
            let _ = render(&t, &v, Options::default());
            let _ = render(
                &t,
                &v,
                Options {
                    allow_missing_keys: false,
                },
            );
        }
    }

    #[test]
    fn work_is_bounded() {
        let items: Vec<Value> = (0..200).map(Value::from).collect();
        let v = json!({ "items": items });
        let out = run(
            "{{range .items}}{{range $.items}}{{range $.items}}x{{end}}{{end}}{{end}}",
            &v,
        );
        let grow = run(
            "{{$x := \"ab\"}}{{range .items}}{{$x = printf \"%s%s\" $x $x}}{{end}}{{len $x}}",
            &v,
        );
        assert_eq!(
            grow,
            "EXEC template: output:1: a value grew past 16777216 bytes; stopped"
        );
        let wide = run("{{printf \"%99999999999s\" \"x\" | len}}", &v);
        assert_eq!(
            wide,
            "EXEC template: output:1: a value grew past 16777216 bytes; stopped"
        );
        assert!(
            out.starts_with("EXEC template: output:1: the template"),
            "{}",
            &out[..80.min(out.len())]
        );
    }
}
