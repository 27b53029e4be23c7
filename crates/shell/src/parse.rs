//! Tokens to commands. Scripts are parsed one top-level line at a time, as real shells do, so
//! the lines before a syntax error still run.

use crate::lex::{self, LexError, Part, RedirOp, Tok, Token, Word};

pub type List = Vec<AndOr>;

#[derive(Clone, Debug)]
pub struct AndOr {
    pub first: Pipeline,
    /// `true` for `&&`, `false` for `||`.
    pub rest: Vec<(bool, Pipeline)>,
    /// Ended by `&`: run in the background.
    pub background: bool,
}

#[derive(Clone, Debug)]
pub struct Pipeline {
    pub bang: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug)]
pub enum Command {
    Simple(Simple),
    Compound(Compound, Vec<Redir>),
}

#[derive(Clone, Debug)]
pub enum Compound {
    If {
        arms: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    For {
        var: String,
        /// `None`: no `in` clause, iterate over `"$@"`.
        words: Option<Vec<Word>>,
        body: List,
    },
    Loop {
        cond: List,
        body: List,
        until: bool,
    },
    Group(List),
    Subshell(List),
}

#[derive(Clone, Debug)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Redir {
    pub fd: Option<u32>,
    pub op: RedirOp,
    pub target: Word,
    /// A here-document's body.
    pub body: Option<Vec<Part>>,
}

/// What the parser met where it did not fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Eof,
    Newline,
    Op(&'static str),
    Redir(String),
    Keyword(String),
    Word(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    Lex(LexError),
    Unexpected {
        found: Found,
        /// The keyword or operator that would have fitted (ash and dash name it).
        expecting: Option<&'static str>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrorAt {
    pub error: ParseError,
    pub line: usize,
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "{", "}", "!",
];

/// Words that end a compound list (the list before them is complete).
const LIST_END: &[&str] = &["then", "else", "elif", "fi", "do", "done", "}"];

pub struct Parser {
    toks: Vec<Token>,
    heredocs: Vec<Vec<Part>>,
    pos: usize,
}

type R<T> = Result<T, ParseErrorAt>;

impl Parser {
    pub fn new(src: &str) -> R<Parser> {
        let lexed = lex::lex(src).map_err(|e| ParseErrorAt {
            error: ParseError::Lex(e.error),
            line: e.line,
        })?;
        Ok(Parser {
            toks: lexed.tokens,
            heredocs: lexed.heredocs,
            pos: 0,
        })
    }

    /// The next top-level line (`a; b && c`), or `None` at the end of the script.
    pub fn next_line(&mut self) -> R<Option<List>> {
        self.skip_newlines();
        if matches!(self.tok(), Tok::Eof) {
            return Ok(None);
        }
        let mut list = Vec::new();
        loop {
            list.push(self.and_or()?);
            match self.tok() {
                Tok::Op(";") | Tok::Op("&") => {
                    if matches!(self.tok(), Tok::Op("&")) {
                        if let Some(last) = list.last_mut() {
                            last.background = true;
                        }
                    }
                    self.pos += 1;
                    match self.tok() {
                        Tok::Newline => {
                            self.pos += 1;
                            break;
                        }
                        Tok::Eof => break,
                        _ => {}
                    }
                }
                Tok::Newline => {
                    self.pos += 1;
                    break;
                }
                Tok::Eof => break,
                _ => return Err(self.unexpected(None)),
            }
        }
        Ok(Some(list))
    }

    fn tok(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn line(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].line
    }

    fn keyword(&self) -> Option<&str> {
        match self.tok() {
            Tok::Word(w) => w.literal(),
            _ => None,
        }
    }

    fn at_keyword(&self, kw: &str) -> bool {
        self.keyword() == Some(kw)
    }

    fn skip_newlines(&mut self) {
        while matches!(self.tok(), Tok::Newline) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, expecting: Option<&'static str>) -> ParseErrorAt {
        let found = match self.tok() {
            Tok::Eof => Found::Eof,
            Tok::Newline => Found::Newline,
            Tok::Op(s) => Found::Op(s),
            Tok::Redir { text, .. } => Found::Redir(text.clone()),
            Tok::Word(w) => match w.literal() {
                Some(k) if RESERVED.contains(&k) => Found::Keyword(k.to_string()),
                _ => Found::Word(w.raw.clone()),
            },
        };
        ParseErrorAt {
            error: ParseError::Unexpected { found, expecting },
            line: self.line(),
        }
    }

    fn expect_keyword(&mut self, kw: &'static str) -> R<()> {
        if self.at_keyword(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(Some(kw)))
        }
    }

    /// A list inside a compound command, ended by a keyword, `)` or the end of input.
    fn compound_list(&mut self) -> R<List> {
        self.skip_newlines();
        let mut list = Vec::new();
        loop {
            let end = match self.tok() {
                Tok::Eof | Tok::Op(")") => true,
                Tok::Word(w) => w.literal().is_some_and(|k| LIST_END.contains(&k)),
                _ => false,
            };
            if end {
                break;
            }
            list.push(self.and_or()?);
            match self.tok() {
                Tok::Op(";") | Tok::Op("&") | Tok::Newline => {
                    if matches!(self.tok(), Tok::Op("&")) {
                        if let Some(last) = list.last_mut() {
                            last.background = true;
                        }
                    }
                    self.pos += 1;
                    self.skip_newlines();
                }
                _ => break,
            }
        }
        if list.is_empty() {
            return Err(self.unexpected(None));
        }
        Ok(list)
    }

    fn and_or(&mut self) -> R<AndOr> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let and = match self.tok() {
                Tok::Op("&&") => true,
                Tok::Op("||") => false,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((and, self.pipeline()?));
        }
        Ok(AndOr {
            first,
            rest,
            background: false,
        })
    }

    fn pipeline(&mut self) -> R<Pipeline> {
        let bang = self.at_keyword("!");
        if bang {
            self.pos += 1;
        }
        let mut cmds = vec![self.command()?];
        while matches!(self.tok(), Tok::Op("|")) {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { bang, cmds })
    }

    fn command(&mut self) -> R<Command> {
        let compound = match self.tok() {
            Tok::Word(w) => match w.literal() {
                Some("if") => Some(self.if_clause()?),
                Some("for") => Some(self.for_clause()?),
                Some(kw @ ("while" | "until")) => {
                    let until = kw == "until";
                    self.pos += 1;
                    let cond = self.compound_list()?;
                    self.expect_keyword("do")?;
                    let body = self.compound_list()?;
                    self.expect_keyword("done")?;
                    Some(Compound::Loop { cond, body, until })
                }
                Some("{") => {
                    self.pos += 1;
                    let body = self.compound_list()?;
                    self.expect_keyword("}")?;
                    Some(Compound::Group(body))
                }
                Some(k) if LIST_END.contains(&k) || k == "!" => {
                    return Err(self.unexpected(None));
                }
                _ => None,
            },
            Tok::Op("(") => {
                self.pos += 1;
                let body = self.compound_list()?;
                if !matches!(self.tok(), Tok::Op(")")) {
                    return Err(self.unexpected(Some(")")));
                }
                self.pos += 1;
                Some(Compound::Subshell(body))
            }
            Tok::Redir { .. } => None,
            _ => return Err(self.unexpected(None)),
        };
        match compound {
            Some(c) => {
                let mut redirs = Vec::new();
                while matches!(self.tok(), Tok::Redir { .. }) {
                    redirs.push(self.redir()?);
                }
                Ok(Command::Compound(c, redirs))
            }
            None => self.simple().map(Command::Simple),
        }
    }

    fn if_clause(&mut self) -> R<Compound> {
        self.pos += 1;
        let mut arms = Vec::new();
        let cond = self.compound_list()?;
        self.expect_keyword("then")?;
        arms.push((cond, self.compound_list()?));
        let mut otherwise = None;
        loop {
            if self.at_keyword("elif") {
                self.pos += 1;
                let cond = self.compound_list()?;
                self.expect_keyword("then")?;
                arms.push((cond, self.compound_list()?));
            } else if self.at_keyword("else") {
                self.pos += 1;
                otherwise = Some(self.compound_list()?);
                self.expect_keyword("fi")?;
                break;
            } else {
                self.expect_keyword("fi")?;
                break;
            }
        }
        Ok(Compound::If { arms, otherwise })
    }

    fn for_clause(&mut self) -> R<Compound> {
        self.pos += 1;
        let var = match self.tok() {
            Tok::Word(w) => w.raw.clone(),
            _ => return Err(self.unexpected(None)),
        };
        self.pos += 1;
        self.skip_newlines();
        let mut words = None;
        if self.at_keyword("in") {
            self.pos += 1;
            let mut ws = Vec::new();
            while let Tok::Word(w) = self.tok() {
                ws.push(w.clone());
                self.pos += 1;
            }
            match self.tok() {
                Tok::Op(";") | Tok::Newline => self.pos += 1,
                Tok::Eof => {}
                _ => return Err(self.unexpected(None)),
            }
            words = Some(ws);
        } else if matches!(self.tok(), Tok::Op(";")) {
            self.pos += 1;
        }
        self.skip_newlines();
        self.expect_keyword("do")?;
        let body = self.compound_list()?;
        self.expect_keyword("done")?;
        Ok(Compound::For { var, words, body })
    }

    fn redir(&mut self) -> R<Redir> {
        let Tok::Redir { fd, op, .. } = self.tok().clone() else {
            return Err(self.unexpected(None));
        };
        self.pos += 1;
        let Tok::Word(target) = self.tok().clone() else {
            return Err(self.unexpected(None));
        };
        self.pos += 1;
        let body = match op {
            RedirOp::Heredoc { index } => {
                Some(self.heredocs.get(index).cloned().unwrap_or_default())
            }
            _ => None,
        };
        Ok(Redir {
            fd,
            op,
            target,
            body,
        })
    }

    fn simple(&mut self) -> R<Simple> {
        let line = self.line();
        let mut s = Simple {
            assigns: Vec::new(),
            words: Vec::new(),
            redirs: Vec::new(),
            line,
        };
        loop {
            match self.tok() {
                Tok::Redir { .. } => {
                    let r = self.redir()?;
                    s.redirs.push(r);
                }
                Tok::Word(w) => {
                    let w = w.clone();
                    self.pos += 1;
                    match (s.words.is_empty(), assignment(&w)) {
                        (true, Some(a)) => s.assigns.push(a),
                        _ => s.words.push(w),
                    }
                }
                _ => break,
            }
        }
        Ok(s)
    }
}

// ---------------------------------------------------------------------------- bash's text

/// A command as bash prints it in `jobs` and its job notices (`make_command_string`): words
/// as typed, one space between them, operators spaced, compound commands on one line.
impl AndOr {
    pub fn text(&self) -> String {
        let mut s = self.first.text();
        for (and, p) in &self.rest {
            s.push_str(if *and { " && " } else { " || " });
            s.push_str(&p.text());
        }
        s
    }
}

impl Pipeline {
    pub fn text(&self) -> String {
        let cmds: Vec<String> = self.cmds.iter().map(Command::text).collect();
        let s = cmds.join(" | ");
        if self.bang {
            format!("! {s}")
        } else {
            s
        }
    }
}

fn list_text(list: &List) -> String {
    let mut s = String::new();
    for ao in list {
        s.push_str(&ao.text());
        s.push_str(if ao.background { " & " } else { "; " });
    }
    s.trim_end().to_string()
}

fn redir_text(r: &Redir) -> String {
    let fd = r.fd.map(|f| f.to_string()).unwrap_or_default();
    let op = match r.op {
        RedirOp::Out => ">",
        RedirOp::Append => ">>",
        RedirOp::Clobber => ">|",
        RedirOp::In => "<",
        RedirOp::DupOut => ">&",
        RedirOp::DupIn => "<&",
        RedirOp::OutErr => "&>",
        RedirOp::AppendOutErr => "&>>",
        RedirOp::ReadWrite => "<>",
        RedirOp::Heredoc { .. } => "<<",
    };
    match r.op {
        RedirOp::DupOut | RedirOp::DupIn => format!("{fd}{op}{}", r.target.raw),
        _ => format!("{fd}{op} {}", r.target.raw),
    }
}

impl Command {
    pub fn text(&self) -> String {
        let (mut s, redirs) = match self {
            Command::Simple(c) => {
                let mut words: Vec<String> = c
                    .assigns
                    .iter()
                    .map(|(n, w)| format!("{n}={}", w.raw))
                    .collect();
                words.extend(c.words.iter().map(|w| w.raw.clone()));
                (words.join(" "), &c.redirs)
            }
            Command::Compound(c, redirs) => {
                let s = match c {
                    Compound::If { arms, otherwise } => {
                        let mut s = String::new();
                        for (i, (cond, body)) in arms.iter().enumerate() {
                            s.push_str(if i == 0 { "if " } else { " elif " });
                            s.push_str(&list_text(cond));
                            s.push_str(" then ");
                            s.push_str(&list_text(body));
                        }
                        if let Some(o) = otherwise {
                            s.push_str(" else ");
                            s.push_str(&list_text(o));
                        }
                        s.push_str(" fi");
                        s
                    }
                    Compound::For { var, words, body } => {
                        let ws = words
                            .as_ref()
                            .map(|ws| {
                                let w: Vec<&str> = ws.iter().map(|w| w.raw.as_str()).collect();
                                format!(" in {};", w.join(" "))
                            })
                            .unwrap_or_default();
                        format!("for {var}{ws} do {} done", list_text(body))
                    }
                    Compound::Loop { cond, body, until } => format!(
                        "{} {} do {} done",
                        if *until { "until" } else { "while" },
                        list_text(cond),
                        list_text(body)
                    ),
                    Compound::Group(l) => format!("{{ {} }}", list_text(l)),
                    Compound::Subshell(l) => {
                        format!("( {} )", list_text(l).trim_end_matches(';'))
                    }
                };
                (s, redirs)
            }
        };
        for r in redirs {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&redir_text(r));
        }
        s
    }
}

/// `NAME=value` at the start of a command: the name and the value's parts.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.parts.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !ok {
        return None;
    }
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    parts.extend(w.parts[1..].iter().cloned());
    Some((
        name.to_string(),
        Word {
            parts,
            raw: w.raw[name.len() + 1..].to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> R<Vec<List>> {
        let mut p = Parser::new(src)?;
        let mut out = Vec::new();
        while let Some(l) = p.next_line()? {
            out.push(l);
        }
        Ok(out)
    }

    fn err(src: &str) -> ParseError {
        lines(src).unwrap_err().error
    }

    #[test]
    fn parses_constructs() {
        let l = lines("for i in 0 1; do echo $i; done\nif a; then b; elif c; then d; else e; fi")
            .unwrap();
        assert_eq!(l.len(), 2);
        let Command::Compound(Compound::For { var, words, .. }, _) = &l[0][0].first.cmds[0] else {
            panic!()
        };
        assert_eq!(var, "i");
        assert_eq!(words.as_ref().unwrap().len(), 2);
        let Command::Compound(Compound::If { arms, otherwise }, _) = &l[1][0].first.cmds[0] else {
            panic!()
        };
        assert_eq!(arms.len(), 2);
        assert!(otherwise.is_some());
        assert!(lines("while true\ndo\n  x=1\ndone > out").is_ok());
        assert!(lines("{ echo a; echo b; } 2>&1 | wc -l").is_ok());
        assert!(lines("(cd /tmp && ls) || echo no").is_ok());
    }

    #[test]
    fn assignments_only_before_the_command() {
        let l = lines("A=1 B=$x cmd C=3").unwrap();
        let Command::Simple(s) = &l[0][0].first.cmds[0] else {
            panic!()
        };
        assert_eq!(s.assigns.len(), 2);
        assert_eq!(s.words.len(), 2);
    }

    #[test]
    fn unexpected_tokens() {
        assert_eq!(
            err("done"),
            ParseError::Unexpected {
                found: Found::Keyword("done".into()),
                expecting: None
            }
        );
        assert_eq!(
            err("for i in 1 2; echo $i; done"),
            ParseError::Unexpected {
                found: Found::Word("echo".into()),
                expecting: Some("do")
            }
        );
        assert_eq!(
            err("if true; then echo"),
            ParseError::Unexpected {
                found: Found::Eof,
                expecting: Some("fi")
            }
        );
        assert_eq!(
            err("echo >"),
            ParseError::Unexpected {
                found: Found::Eof,
                expecting: None
            }
        );
        assert_eq!(
            err("| wc"),
            ParseError::Unexpected {
                found: Found::Op("|"),
                expecting: None
            }
        );
    }

    #[test]
    fn earlier_lines_parse_before_a_later_error() {
        let mut p = Parser::new("echo ok\ndone\n").unwrap();
        assert!(p.next_line().unwrap().is_some());
        assert!(p.next_line().is_err());
    }
}
