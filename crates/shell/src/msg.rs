//! Each dialect's wording of the errors the shell itself reports.
//!
//! bash (interactive) prefixes `bash: `; `bash -c` prefixes `bash: line N: `. busybox ash
//! prefixes its name and, for a builtin's error in a script, `BUILTIN: line N: `. dash always
//! says `sh: N: `. Syntax errors follow each shell's parser: bash names the token
//! (`` near unexpected token `done' ``), ash and dash name its kind (`"done"`, `word`,
//! `newline`, `end of file`) and what they were expecting.

use crate::arith::ArithError;
use crate::lex::LexError;
use crate::parse::{Found, ParseError};
use crate::Dialect;

/// Who is speaking: the shell's dialect, name (`sh`, `/bin/sh`), mode and current line.
#[derive(Clone, Copy)]
pub struct Voice<'a> {
    pub dialect: Dialect,
    pub name: &'a str,
    pub interactive: bool,
    pub line: usize,
}

impl Voice<'_> {
    /// The prefix of an error the shell reports about a command line.
    pub fn prefix(&self) -> String {
        match self.dialect {
            Dialect::Bash if self.interactive => format!("{}: ", self.name),
            Dialect::Bash => format!("{}: line {}: ", self.name, self.line),
            Dialect::Ash => format!("{}: ", self.name),
            Dialect::Dash => format!("{}: {}: ", self.name, self.line),
        }
    }

    /// The prefix of an error a builtin reports (`bash: cd: `, `sh: 1: cd: `).
    pub fn builtin(&self, builtin: &str) -> String {
        match self.dialect {
            Dialect::Ash if self.interactive => format!("{}: {builtin}: ", self.name),
            Dialect::Ash => format!("{}: {builtin}: line {}: ", self.name, self.line),
            _ => format!("{}{builtin}: ", self.prefix()),
        }
    }

    pub fn not_found(&self, cmd: &str) -> String {
        match self.dialect {
            Dialect::Bash => format!("{}{cmd}: command not found\n", self.prefix()),
            _ => format!("{}{cmd}: not found\n", self.prefix()),
        }
    }

    /// A redirection's file could not be opened for writing.
    pub fn cannot_create(&self, path: &str, errno: &str) -> String {
        let missing = errno == "No such file or directory" || errno == "Not a directory";
        match self.dialect {
            Dialect::Bash => format!("{}{path}: {errno}\n", self.prefix()),
            Dialect::Ash => {
                let e = if missing {
                    "nonexistent directory"
                } else {
                    errno
                };
                format!("{}can't create {path}: {e}\n", self.prefix())
            }
            Dialect::Dash => {
                let e = if missing {
                    "Directory nonexistent"
                } else {
                    errno
                };
                format!("{}cannot create {path}: {e}\n", self.prefix())
            }
        }
    }

    /// A redirection's file could not be opened for reading.
    pub fn cannot_open(&self, path: &str, errno: &str) -> String {
        let missing = errno == "No such file or directory" || errno == "Not a directory";
        match self.dialect {
            Dialect::Bash => format!("{}{path}: {errno}\n", self.prefix()),
            Dialect::Ash => {
                let e = if missing { "no such file" } else { errno };
                format!("{}can't open {path}: {e}\n", self.prefix())
            }
            Dialect::Dash => {
                let e = if missing { "No such file" } else { errno };
                format!("{}cannot open {path}: {e}\n", self.prefix())
            }
        }
    }

    /// Exit status after a failed redirection.
    pub fn redirect_status(&self) -> i32 {
        match self.dialect {
            Dialect::Bash => 1,
            _ => 2,
        }
    }

    /// A syntax error; `source` is the script, for `bash -c`'s echo of the offending line.
    pub fn syntax(&self, e: &ParseError, line: usize, source: &str) -> String {
        let v = Voice { line, ..*self };
        match self.dialect {
            Dialect::Bash => {
                let (msg, echo) = bash_syntax(e);
                if self.interactive {
                    format!("{}: {msg}\n", self.name)
                } else {
                    let mut s = format!("{}: -c: line {line}: {msg}\n", self.name);
                    if echo {
                        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
                        s.push_str(&format!("{}: -c: line {line}: `{text}'\n", self.name));
                    }
                    s
                }
            }
            Dialect::Ash => format!("{}syntax error: {}\n", v.prefix(), ash_syntax(e)),
            Dialect::Dash => format!("{}Syntax error: {}\n", v.prefix(), dash_syntax(e)),
        }
    }

    pub fn arith(&self, expr: &str, e: &ArithError) -> String {
        let p = self.prefix();
        match self.dialect {
            Dialect::Bash => match e {
                ArithError::DivisionByZero { token } => {
                    format!("{p}{expr}: division by 0 (error token is \"{token}\")\n")
                }
                ArithError::OperandExpected { token } => {
                    format!("{p}{expr}: syntax error: operand expected (error token is \"{token}\")\n")
                }
                ArithError::InvalidOperator { token } => format!(
                    "{p}{expr}: syntax error: invalid arithmetic operator (error token is \"{token}\")\n"
                ),
                ArithError::Syntax { token } => {
                    format!("{p}{expr}: syntax error in expression (error token is \"{token}\")\n")
                }
                ArithError::NotANumber { value } => {
                    format!("{p}{value}: syntax error in expression (error token is \"{value}\")\n")
                }
            },
            Dialect::Ash => match e {
                ArithError::DivisionByZero { .. } => format!("{p}divide by zero\n"),
                ArithError::NotANumber { value } => format!("{p}Illegal number: {value}\n"),
                _ => format!("{p}arithmetic syntax error\n"),
            },
            Dialect::Dash => match e {
                ArithError::DivisionByZero { .. } => {
                    format!("{p}arithmetic expression: division by zero: \"{expr}\"\n")
                }
                ArithError::OperandExpected { .. } => {
                    format!("{p}arithmetic expression: expecting primary: \"{expr}\"\n")
                }
                ArithError::NotANumber { value } => format!("{p}Illegal number: {value}\n"),
                _ => format!("{p}arithmetic expression: syntax error: \"{expr}\"\n"),
            },
        }
    }

    /// Status of a run ended by an expansion error: bash goes back to its prompt with 1, a
    /// POSIX shell running a script exits with 2.
    pub fn expansion_status(&self) -> i32 {
        match self.dialect {
            Dialect::Bash => 1,
            _ => 2,
        }
    }
}

/// bash's message, and whether bash echoes the offending line after it.
fn bash_syntax(e: &ParseError) -> (String, bool) {
    match e {
        ParseError::Lex(LexError::Unterminated(c)) => {
            let q = match c {
                ')' => ')',
                c => *c,
            };
            (
                format!("unexpected EOF while looking for matching `{q}'"),
                false,
            )
        }
        ParseError::Lex(LexError::MissingBrace) => (
            "unexpected EOF while looking for matching `}'".into(),
            false,
        ),
        ParseError::Lex(LexError::MissingArith) => (
            "unexpected EOF while looking for matching `)'".into(),
            false,
        ),
        ParseError::Lex(LexError::BadSubstitution(t)) => (format!("{t}: bad substitution"), false),
        ParseError::Unexpected { found, .. } => {
            let tok = match found {
                Found::Eof => return ("syntax error: unexpected end of file".into(), false),
                Found::Newline => "newline".to_string(),
                Found::Op(s) => s.to_string(),
                Found::Redir(s) | Found::Keyword(s) | Found::Word(s) => s.clone(),
            };
            (format!("syntax error near unexpected token `{tok}'"), true)
        }
    }
}

/// How ash and dash name a token: keywords and operators in double quotes, the rest by kind.
fn token_name(f: &Found) -> String {
    match f {
        Found::Eof => "end of file".into(),
        Found::Newline => "newline".into(),
        Found::Op(s) => format!("\"{s}\""),
        Found::Redir(_) => "redirection".into(),
        Found::Keyword(k) => format!("\"{k}\""),
        Found::Word(_) => "word".into(),
    }
}

fn ash_syntax(e: &ParseError) -> String {
    match e {
        ParseError::Lex(LexError::Unterminated(')')) => {
            "unexpected end of file (expecting \")\")".into()
        }
        ParseError::Lex(LexError::Unterminated(_)) => "unterminated quoted string".into(),
        ParseError::Lex(LexError::MissingBrace) => "missing '}'".into(),
        ParseError::Lex(LexError::MissingArith) => "missing '))'".into(),
        ParseError::Lex(LexError::BadSubstitution(_)) => "bad substitution".into(),
        ParseError::Unexpected { found, expecting } => {
            let mut s = format!("unexpected {}", token_name(found));
            if let Some(x) = expecting {
                s.push_str(&format!(" (expecting \"{x}\")"));
            }
            s
        }
    }
}

fn dash_syntax(e: &ParseError) -> String {
    match e {
        ParseError::Lex(LexError::Unterminated(')')) => {
            "end of file unexpected (expecting \")\")".into()
        }
        ParseError::Lex(LexError::Unterminated(_)) => "Unterminated quoted string".into(),
        ParseError::Lex(LexError::MissingBrace) => "Missing '}'".into(),
        ParseError::Lex(LexError::MissingArith) => "Missing '))'".into(),
        ParseError::Lex(LexError::BadSubstitution(_)) => "Bad substitution".into(),
        ParseError::Unexpected { found, expecting } => {
            let mut s = format!("{} unexpected", token_name(found));
            if let Some(x) = expecting {
                s.push_str(&format!(" (expecting \"{x}\")"));
            }
            s
        }
    }
}
