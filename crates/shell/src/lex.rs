//! Characters to tokens: words (kept as their quoted, literal and expanded parts), operators,
//! redirections and newlines. Here-document bodies are read when their line ends.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: pattern characters in it are live.
    Lit(String),
    /// Quoted or backslash-escaped text.
    Quoted(String),
    Param(Box<Param>),
    /// `$(…)` or `` `…` ``: the source, parsed when it runs.
    Cmd {
        src: String,
        quoted: bool,
    },
    /// `$((…))`: the expression, expanded then evaluated when it runs.
    Arith {
        src: String,
        quoted: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
    /// Inside double quotes (no field splitting, no patterns).
    pub quoted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#x}`
    Length,
    /// `${x:-w}` / `${x-w}`
    Default {
        colon: bool,
        word: Vec<Part>,
    },
    /// `${x:=w}` / `${x=w}`
    Assign {
        colon: bool,
        word: Vec<Part>,
    },
    /// `${x:+w}` / `${x+w}`
    Alt {
        colon: bool,
        word: Vec<Part>,
    },
    /// `${x:?w}` / `${x?w}`
    Error {
        colon: bool,
        word: Vec<Part>,
    },
    /// `${x#p}` / `${x##p}`
    TrimPrefix {
        longest: bool,
        word: Vec<Part>,
    },
    /// `${x%p}` / `${x%%p}`
    TrimSuffix {
        longest: bool,
        word: Vec<Part>,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<Part>,
    /// The word as typed (for keywords and error messages).
    pub raw: String,
}

impl Word {
    /// The text of a word made only of unquoted, unexpanded characters.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<`
    In,
    /// `>&`
    DupOut,
    /// `<&`
    DupIn,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `<>`
    ReadWrite,
    /// `<<` / `<<-`; `index` is the body's place in [`Lexed::heredocs`].
    Heredoc { index: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    Op(&'static str),
    Redir {
        fd: Option<u32>,
        op: RedirOp,
        text: String,
    },
    Newline,
    Eof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    /// An opening `'`, `"`, `` ` `` or `$(`'s `)` that never closes.
    Unterminated(char),
    /// `${` without its `}`.
    MissingBrace,
    /// `$((` without its `))`.
    MissingArith,
    /// `${…}` that is not a parameter expansion we know; holds the text as typed.
    BadSubstitution(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexErrorAt {
    pub error: LexError,
    pub line: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    /// Here-document bodies, in the order their `<<` appeared.
    pub heredocs: Vec<Vec<Part>>,
}

pub fn lex(src: &str) -> Result<Lexed, LexErrorAt> {
    let mut l = Lexer::new(src);
    l.run().map_err(|error| LexErrorAt {
        error,
        line: l.line,
    })?;
    Ok(Lexed {
        tokens: l.tokens,
        heredocs: l.heredocs,
    })
}

/// The parts of text where only `$`, `` ` `` and `\` are special (a here-document body, the
/// inside of `$((…))`).
pub fn expandable_text(src: &str) -> Result<Vec<Part>, LexError> {
    let mut l = Lexer::new(src);
    let mut parts = Parts::default();
    parts.quoted_str("");
    while let Some(c) = l.peek() {
        match c {
            '\\' => {
                l.pos += 1;
                match l.peek() {
                    Some(e @ ('$' | '`' | '\\')) => {
                        l.pos += 1;
                        parts.quoted(e);
                    }
                    Some('\n') => l.pos += 1,
                    _ => parts.quoted('\\'),
                }
            }
            '$' => l.dollar(&mut parts, true)?,
            '`' => l.backtick(&mut parts, true)?,
            c => {
                l.pos += 1;
                parts.quoted(c);
            }
        }
    }
    Ok(parts.0)
}

#[derive(Default)]
struct Parts(Vec<Part>);

impl Parts {
    fn lit(&mut self, c: char) {
        if let Some(Part::Lit(s)) = self.0.last_mut() {
            s.push(c);
        } else {
            self.0.push(Part::Lit(c.to_string()));
        }
    }
    fn quoted(&mut self, c: char) {
        if let Some(Part::Quoted(s)) = self.0.last_mut() {
            s.push(c);
        } else {
            self.0.push(Part::Quoted(c.to_string()));
        }
    }
    fn quoted_str(&mut self, t: &str) {
        if let Some(Part::Quoted(s)) = self.0.last_mut() {
            s.push_str(t);
        } else {
            self.0.push(Part::Quoted(t.to_string()));
        }
    }
    fn char(&mut self, c: char, quoted: bool) {
        if quoted {
            self.quoted(c)
        } else {
            self.lit(c)
        }
    }
}

struct Pending {
    index: usize,
    delim: String,
    quoted: bool,
    strip_tabs: bool,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    tokens: Vec<Token>,
    heredocs: Vec<Vec<Part>>,
    pending: Vec<Pending>,
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

impl Lexer {
    fn new(src: &str) -> Lexer {
        Lexer {
            chars: src.chars().collect(),
            pos: 0,
            line: 1,
            tokens: Vec::new(),
            heredocs: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok, line: usize) {
        self.tokens.push(Token { tok, line });
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            // Blanks and line continuations between tokens.
            loop {
                match self.peek() {
                    Some(' ' | '\t' | '\r') => self.pos += 1,
                    Some('\\') if self.peek_at(1) == Some('\n') => {
                        self.pos += 2;
                        self.line += 1;
                    }
                    _ => break,
                }
            }
            let line = self.line;
            let Some(c) = self.peek() else {
                self.read_heredocs();
                self.push(Tok::Eof, line);
                return Ok(());
            };
            match c {
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                '\n' => {
                    self.pos += 1;
                    self.push(Tok::Newline, line);
                    self.line += 1;
                    self.read_heredocs();
                }
                '&' => {
                    if self.peek_at(1) == Some('&') {
                        self.pos += 2;
                        self.push(Tok::Op("&&"), line);
                    } else if self.peek_at(1) == Some('>') {
                        let append = self.peek_at(2) == Some('>');
                        self.pos += if append { 3 } else { 2 };
                        let (op, text) = if append {
                            (RedirOp::AppendOutErr, "&>>")
                        } else {
                            (RedirOp::OutErr, "&>")
                        };
                        self.push(
                            Tok::Redir {
                                fd: None,
                                op,
                                text: text.into(),
                            },
                            line,
                        );
                    } else {
                        self.pos += 1;
                        self.push(Tok::Op("&"), line);
                    }
                }
                '|' => {
                    if self.peek_at(1) == Some('|') {
                        self.pos += 2;
                        self.push(Tok::Op("||"), line);
                    } else {
                        self.pos += 1;
                        self.push(Tok::Op("|"), line);
                    }
                }
                ';' => {
                    if self.peek_at(1) == Some(';') {
                        self.pos += 2;
                        self.push(Tok::Op(";;"), line);
                    } else {
                        self.pos += 1;
                        self.push(Tok::Op(";"), line);
                    }
                }
                '(' => {
                    self.pos += 1;
                    self.push(Tok::Op("("), line);
                }
                ')' => {
                    self.pos += 1;
                    self.push(Tok::Op(")"), line);
                }
                '<' | '>' => self.redirection(None, line)?,
                c if c.is_ascii_digit() => {
                    // An fd number right before `<` or `>` belongs to the redirection.
                    let mut end = self.pos;
                    while self.chars.get(end).is_some_and(|c| c.is_ascii_digit()) {
                        end += 1;
                    }
                    if matches!(self.chars.get(end), Some('<' | '>')) {
                        let fd: String = self.chars[self.pos..end].iter().collect();
                        self.pos = end;
                        self.redirection(fd.parse().ok(), line)?;
                    } else {
                        let w = self.word()?;
                        self.push(Tok::Word(w), line);
                    }
                }
                _ => {
                    let w = self.word()?;
                    self.push(Tok::Word(w), line);
                }
            }
        }
    }

    fn redirection(&mut self, fd: Option<u32>, line: usize) -> Result<(), LexError> {
        let c = self.next().unwrap_or('>');
        let n1 = self.peek();
        let (op, len, text) = match (c, n1) {
            ('>', Some('>')) => (RedirOp::Append, 1, ">>"),
            ('>', Some('|')) => (RedirOp::Clobber, 1, ">|"),
            ('>', Some('&')) => (RedirOp::DupOut, 1, ">&"),
            ('>', _) => (RedirOp::Out, 0, ">"),
            ('<', Some('<')) => {
                let strip = self.peek_at(1) == Some('-');
                self.pos += if strip { 2 } else { 1 };
                return self.heredoc(fd, strip, line);
            }
            ('<', Some('&')) => (RedirOp::DupIn, 1, "<&"),
            ('<', Some('>')) => (RedirOp::ReadWrite, 1, "<>"),
            _ => (RedirOp::In, 0, "<"),
        };
        self.pos += len;
        self.push(
            Tok::Redir {
                fd,
                op,
                text: text.into(),
            },
            line,
        );
        Ok(())
    }

    fn heredoc(&mut self, fd: Option<u32>, strip_tabs: bool, line: usize) -> Result<(), LexError> {
        let index = self.heredocs.len();
        self.heredocs.push(Vec::new());
        self.push(
            Tok::Redir {
                fd,
                op: RedirOp::Heredoc { index },
                text: if strip_tabs { "<<-" } else { "<<" }.into(),
            },
            line,
        );
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        // The delimiter is an ordinary word; the parser checks it is there.
        if self
            .peek()
            .is_some_and(|c| !matches!(c, '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'))
        {
            let w = self.word()?;
            let quoted = w.parts.iter().any(|p| !matches!(p, Part::Lit(_)));
            let delim = w
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Quoted(s) => s.clone(),
                    _ => String::new(),
                })
                .collect();
            self.pending.push(Pending {
                index,
                delim,
                quoted,
                strip_tabs,
            });
            self.push(Tok::Word(w), line);
        }
        Ok(())
    }

    /// Reads the bodies of the here-documents started on the line that just ended.
    fn read_heredocs(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    break;
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let mut text: String = self.chars[start..self.pos].iter().collect();
                if self.peek() == Some('\n') {
                    self.pos += 1;
                    self.line += 1;
                }
                if p.strip_tabs {
                    text = text.trim_start_matches('\t').to_string();
                }
                if text == p.delim {
                    break;
                }
                body.push_str(&text);
                body.push('\n');
            }
            self.heredocs[p.index] = if p.quoted {
                vec![Part::Quoted(body)]
            } else {
                expandable_text(&body).unwrap_or_else(|_| vec![Part::Quoted(body)])
            };
        }
    }

    fn word(&mut self) -> Result<Word, LexError> {
        let start = self.pos;
        let mut parts = Parts::default();
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>' => break,
                '\'' => {
                    self.pos += 1;
                    let s = self.single_quoted()?;
                    parts.quoted_str(&s);
                }
                '"' => {
                    self.pos += 1;
                    self.double_quoted(&mut parts)?;
                }
                '\\' => {
                    self.pos += 1;
                    match self.next() {
                        None => parts.lit('\\'),
                        Some('\n') => {}
                        Some(e) => parts.quoted(e),
                    }
                }
                '$' => self.dollar(&mut parts, false)?,
                '`' => self.backtick(&mut parts, false)?,
                c => {
                    self.pos += 1;
                    parts.lit(c);
                }
            }
        }
        Ok(Word {
            parts: parts.0,
            raw: self.chars[start..self.pos].iter().collect(),
        })
    }

    fn single_quoted(&mut self) -> Result<String, LexError> {
        let mut s = String::new();
        loop {
            match self.next() {
                None => return Err(LexError::Unterminated('\'')),
                Some('\'') => return Ok(s),
                Some(c) => s.push(c),
            }
        }
    }

    fn double_quoted(&mut self, parts: &mut Parts) -> Result<(), LexError> {
        parts.quoted_str("");
        loop {
            match self.peek() {
                None => return Err(LexError::Unterminated('"')),
                Some('"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(e @ ('$' | '`' | '"' | '\\')) => {
                            self.pos += 1;
                            parts.quoted(e);
                        }
                        Some('\n') => {
                            self.next();
                        }
                        _ => parts.quoted('\\'),
                    }
                }
                Some('$') => self.dollar(parts, true)?,
                Some('`') => self.backtick(parts, true)?,
                Some(_) => {
                    let c = self.next().unwrap_or_default();
                    parts.quoted(c);
                }
            }
        }
    }

    fn backtick(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), LexError> {
        self.pos += 1;
        let mut src = String::new();
        loop {
            match self.next() {
                None => return Err(LexError::Unterminated('`')),
                Some('`') => break,
                Some('\\') => match self.peek() {
                    Some(e @ ('`' | '\\' | '$')) => {
                        self.pos += 1;
                        src.push(e);
                    }
                    _ => src.push('\\'),
                },
                Some(c) => src.push(c),
            }
        }
        parts.0.push(Part::Cmd { src, quoted });
        Ok(())
    }

    /// At a `$`: an expansion, or a plain dollar sign.
    fn dollar(&mut self, parts: &mut Parts, quoted: bool) -> Result<(), LexError> {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.pos += 2;
                let src = self.arith_body()?;
                parts.0.push(Part::Arith { src, quoted });
            }
            Some('(') => {
                self.pos += 1;
                let src = self.subst_body()?;
                parts.0.push(Part::Cmd { src, quoted });
            }
            Some('{') => {
                self.pos += 1;
                let p = self.brace_param(start, quoted)?;
                parts.0.push(Part::Param(Box::new(p)));
            }
            Some(c) if is_name_start(c) => {
                let mut name = String::new();
                while let Some(c) = self.peek().filter(|c| is_name_char(*c)) {
                    name.push(c);
                    self.pos += 1;
                }
                parts.0.push(Part::Param(Box::new(Param {
                    name,
                    op: ParamOp::Plain,
                    quoted,
                })));
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, '?' | '$' | '#' | '@' | '*' | '!' | '-') =>
            {
                self.pos += 1;
                parts.0.push(Part::Param(Box::new(Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                    quoted,
                })));
            }
            _ => parts.char('$', quoted),
        }
        Ok(())
    }

    /// After `$((`: the expression up to the matching `))`.
    fn arith_body(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.next() {
                None => return Err(LexError::MissingArith),
                Some('(') => depth += 1,
                Some(')') if depth == 0 => {
                    if self.peek() == Some(')') {
                        let src = self.chars[start..self.pos - 1].iter().collect();
                        self.pos += 1;
                        return Ok(src);
                    }
                    return Err(LexError::MissingArith);
                }
                Some(')') => depth -= 1,
                Some(_) => {}
            }
        }
    }

    /// After `$(`: the source up to the matching `)`.
    fn subst_body(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.next() {
                None => return Err(LexError::Unterminated(')')),
                Some('\\') => {
                    self.next();
                }
                Some('\'') => loop {
                    match self.next() {
                        None => return Err(LexError::Unterminated('\'')),
                        Some('\'') => break,
                        Some(_) => {}
                    }
                },
                Some('"') => loop {
                    match self.next() {
                        None => return Err(LexError::Unterminated('"')),
                        Some('\\') => {
                            self.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                    }
                },
                Some('`') => loop {
                    match self.next() {
                        None => return Err(LexError::Unterminated('`')),
                        Some('`') => break,
                        Some(_) => {}
                    }
                },
                Some('(') => depth += 1,
                Some(')') if depth == 0 => {
                    return Ok(self.chars[start..self.pos - 1].iter().collect());
                }
                Some(')') => depth -= 1,
                Some(_) => {}
            }
        }
    }

    fn bad_substitution(&mut self, start: usize) -> LexError {
        while self.peek().is_some_and(|c| c != '}' && c != '\n') {
            self.pos += 1;
        }
        if self.peek() == Some('}') {
            self.pos += 1;
        }
        LexError::BadSubstitution(self.chars[start..self.pos].iter().collect())
    }

    /// After `${`.
    fn brace_param(&mut self, start: usize, quoted: bool) -> Result<Param, LexError> {
        let special =
            |c: char| c.is_ascii_digit() || matches!(c, '?' | '$' | '#' | '@' | '*' | '!' | '-');
        // `${#name}`: the length (but `${#}` is the argument count).
        if self.peek() == Some('#')
            && self
                .peek_at(1)
                .is_some_and(|c| is_name_start(c) || (c != '}' && special(c)))
        {
            self.pos += 1;
            let name = self.param_name(special);
            return match self.next() {
                Some('}') => Ok(Param {
                    name,
                    op: ParamOp::Length,
                    quoted,
                }),
                None => Err(LexError::MissingBrace),
                Some(_) => Err(self.bad_substitution(start)),
            };
        }
        let name = self.param_name(special);
        if name.is_empty() {
            return Err(if self.peek().is_none() {
                LexError::MissingBrace
            } else {
                self.bad_substitution(start)
            });
        }
        let op_char = match self.next() {
            None => return Err(LexError::MissingBrace),
            Some('}') => {
                return Ok(Param {
                    name,
                    op: ParamOp::Plain,
                    quoted,
                })
            }
            Some(c) => c,
        };
        let (colon, op_char) = if op_char == ':' {
            match self.next() {
                Some(c @ ('-' | '=' | '+' | '?')) => (true, c),
                None => return Err(LexError::MissingBrace),
                Some(_) => return Err(self.bad_substitution(start)),
            }
        } else {
            (false, op_char)
        };
        let doubled = |l: &mut Lexer, c: char| {
            if l.peek() == Some(c) {
                l.pos += 1;
                true
            } else {
                false
            }
        };
        let kind = match op_char {
            '-' | '=' | '+' | '?' => op_char,
            '#' if !colon => {
                if doubled(self, '#') {
                    'P'
                } else {
                    'p'
                }
            }
            '%' if !colon => {
                if doubled(self, '%') {
                    'S'
                } else {
                    's'
                }
            }
            _ => return Err(self.bad_substitution(start)),
        };
        let word = self.brace_word(quoted)?;
        let op = match kind {
            '-' => ParamOp::Default { colon, word },
            '=' => ParamOp::Assign { colon, word },
            '+' => ParamOp::Alt { colon, word },
            '?' => ParamOp::Error { colon, word },
            'p' | 'P' => ParamOp::TrimPrefix {
                longest: kind == 'P',
                word,
            },
            _ => ParamOp::TrimSuffix {
                longest: kind == 'S',
                word,
            },
        };
        Ok(Param { name, op, quoted })
    }

    fn param_name(&mut self, special: impl Fn(char) -> bool) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if is_name_start(c) => {
                while let Some(c) = self.peek().filter(|c| is_name_char(*c)) {
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if special(c) => {
                name.push(c);
                self.pos += 1;
            }
            _ => {}
        }
        name
    }

    /// The word inside `${x:-…}`, up to the matching `}`.
    fn brace_word(&mut self, quoted: bool) -> Result<Vec<Part>, LexError> {
        let mut parts = Parts::default();
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Err(LexError::MissingBrace),
                Some('}') if depth == 0 => {
                    self.pos += 1;
                    return Ok(parts.0);
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.next() {
                        None => return Err(LexError::MissingBrace),
                        Some(e) => parts.quoted(e),
                    }
                }
                Some('\'') if !quoted => {
                    self.pos += 1;
                    let s = self.single_quoted()?;
                    parts.quoted_str(&s);
                }
                Some('"') => {
                    self.pos += 1;
                    self.double_quoted(&mut parts)?;
                }
                Some('$') => self.dollar(&mut parts, quoted)?,
                Some('`') => self.backtick(&mut parts, quoted)?,
                Some(c) => {
                    if c == '{' {
                        depth += 1;
                    } else if c == '}' {
                        depth -= 1;
                    }
                    self.next();
                    parts.char(c, quoted);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<Tok> {
        lex(src)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn splits_words_and_operators() {
        let t = words("echo a 'b c'|wc -l && x; y\n");
        assert_eq!(t.len(), 12);
        assert!(matches!(&t[3], Tok::Op("|")));
        assert!(matches!(&t[6], Tok::Op("&&")));
        assert!(matches!(&t[8], Tok::Op(";")));
        assert!(matches!(&t[10], Tok::Newline));
    }

    #[test]
    fn quoting_parts() {
        let t = words(r#"a"b $X"'c'\d"#);
        let Tok::Word(w) = &t[0] else { panic!() };
        assert_eq!(
            w.parts,
            vec![
                Part::Lit("a".into()),
                Part::Quoted("b ".into()),
                Part::Param(Box::new(Param {
                    name: "X".into(),
                    op: ParamOp::Plain,
                    quoted: true
                })),
                Part::Quoted("cd".into()),
            ]
        );
    }

    #[test]
    fn redirections_with_fds() {
        let t = words("cmd 2>&1 >>f 2>/dev/null <in &>all");
        assert!(matches!(
            &t[1],
            Tok::Redir {
                fd: Some(2),
                op: RedirOp::DupOut,
                ..
            }
        ));
        assert!(matches!(
            &t[3],
            Tok::Redir {
                fd: None,
                op: RedirOp::Append,
                ..
            }
        ));
        assert!(matches!(
            &t[5],
            Tok::Redir {
                fd: Some(2),
                op: RedirOp::Out,
                ..
            }
        ));
        assert!(matches!(
            &t[7],
            Tok::Redir {
                op: RedirOp::In,
                ..
            }
        ));
        assert!(matches!(
            &t[9],
            Tok::Redir {
                op: RedirOp::OutErr,
                ..
            }
        ));
    }

    #[test]
    fn substitutions_nest() {
        let t = words("echo $(echo $(hostname) ')') `date` $((1 + (2*3)))");
        let Tok::Word(w) = &t[1] else { panic!() };
        assert_eq!(
            w.parts,
            vec![Part::Cmd {
                src: "echo $(hostname) ')'".into(),
                quoted: false
            }]
        );
        let Tok::Word(w) = &t[3] else { panic!() };
        assert_eq!(
            w.parts,
            vec![Part::Arith {
                src: "1 + (2*3)".into(),
                quoted: false
            }]
        );
    }

    #[test]
    fn heredoc_bodies() {
        let l = lex("cat <<EOF >f\nhi $X\nEOF\necho done\n").unwrap();
        assert_eq!(l.heredocs.len(), 1);
        assert!(matches!(&l.heredocs[0][1], Part::Param(_)));
        let l = lex("cat <<'EOF'\n$X\nEOF\n").unwrap();
        assert_eq!(l.heredocs[0], vec![Part::Quoted("$X\n".into())]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            lex("echo 'a").unwrap_err().error,
            LexError::Unterminated('\'')
        );
        assert_eq!(
            lex("echo \"a").unwrap_err().error,
            LexError::Unterminated('"')
        );
        assert_eq!(
            lex("echo $(a").unwrap_err().error,
            LexError::Unterminated(')')
        );
        assert_eq!(lex("echo ${a").unwrap_err().error, LexError::MissingBrace);
        assert_eq!(lex("echo $((1").unwrap_err().error, LexError::MissingArith);
        assert_eq!(
            lex("echo ${a!}").unwrap_err().error,
            LexError::BadSubstitution("${a!}".into())
        );
    }
}
