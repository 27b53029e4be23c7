//! Go's `encoding/json` syntax errors, word for word: the API server reads a request body's
//! `apiVersion`/`kind` with `json.Unmarshal` before anything else, so a body that is not JSON is
//! refused with the message of Go's scanner (`invalid character 'x' looking for beginning of
//! object key string`, `unexpected end of JSON input`). This is that scanner's state machine
//! (`encoding/json/scanner.go`), keeping only what decides the error.

/// Go's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    BeginValueOrEmpty,
    BeginValue,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`/`false`/`null`: the literal and how many of its letters were read.
    Literal(&'static str, usize),
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `quoteChar`: the byte as a rune, quoted as `strconv.Quote` would, in single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let r = char::from(c);
            let inner = match c {
                0x07 => "\\a".into(),
                0x08 => "\\b".into(),
                0x0c => "\\f".into(),
                b'\n' => "\\n".into(),
                b'\r' => "\\r".into(),
                b'\t' => "\\t".into(),
                0x0b => "\\v".into(),
                b'\\' => "\\\\".into(),
                0x00..=0x1f | 0x7f => format!("\\x{c:02x}"),
                // U+0080–U+009F are controls, U+00A0 a non-ASCII space and U+00AD a format
                // character: not printable for strconv.
                0x80..=0xa0 | 0xad => format!("\\u{c:04x}"),
                _ => r.to_string(),
            };
            format!("'{inner}'")
        }
    }
}

struct Scanner {
    step: Step,
    parse: Vec<Parse>,
    end_top: bool,
}

impl Scanner {
    fn error(c: u8, context: &str) -> Result<(), String> {
        Err(format!("invalid character {} {context}", quote_char(c)))
    }

    fn push(&mut self, c: u8, p: Parse, next: Step) -> Result<(), String> {
        self.parse.push(p);
        if self.parse.len() > MAX_DEPTH {
            return Scanner::error(c, "exceeded max depth");
        }
        self.step = next;
        Ok(())
    }

    fn pop(&mut self) {
        self.parse.pop();
        if self.parse.is_empty() {
            self.step = Step::EndTop;
            self.end_top = true;
        } else {
            self.step = Step::EndValue;
        }
    }

    fn feed(&mut self, c: u8) -> Result<(), String> {
        match self.step {
            Step::BeginValueOrEmpty => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            Step::BeginValue => self.begin_value(c),
            Step::BeginStringOrEmpty => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b'}' {
                    if let Some(last) = self.parse.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            Step::BeginString => self.begin_string(c),
            Step::EndValue => self.end_value(c),
            Step::EndTop => {
                if !is_space(c) {
                    return Scanner::error(c, "after top-level value");
                }
                Ok(())
            }
            Step::InString => {
                match c {
                    b'"' => self.step = Step::EndValue,
                    b'\\' => self.step = Step::InStringEsc,
                    0x00..=0x1f => return Scanner::error(c, "in string literal"),
                    _ => {}
                }
                Ok(())
            }
            Step::InStringEsc => {
                match c {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                        self.step = Step::InString
                    }
                    b'u' => self.step = Step::InStringEscU(0),
                    _ => return Scanner::error(c, "in string escape code"),
                }
                Ok(())
            }
            Step::InStringEscU(n) => {
                if !c.is_ascii_hexdigit() {
                    return Scanner::error(c, "in \\u hexadecimal character escape");
                }
                self.step = if n == 3 {
                    Step::InString
                } else {
                    Step::InStringEscU(n + 1)
                };
                Ok(())
            }
            Step::Neg => match c {
                b'0' => {
                    self.step = Step::Zero;
                    Ok(())
                }
                b'1'..=b'9' => {
                    self.step = Step::One;
                    Ok(())
                }
                _ => Scanner::error(c, "in numeric literal"),
            },
            Step::One => {
                if c.is_ascii_digit() {
                    return Ok(());
                }
                self.zero(c)
            }
            Step::Zero => self.zero(c),
            Step::Dot => {
                if c.is_ascii_digit() {
                    self.step = Step::Dot0;
                    return Ok(());
                }
                Scanner::error(c, "after decimal point in numeric literal")
            }
            Step::Dot0 => {
                if c.is_ascii_digit() {
                    return Ok(());
                }
                if c == b'e' || c == b'E' {
                    self.step = Step::E;
                    return Ok(());
                }
                self.end_value(c)
            }
            Step::E => {
                if c == b'+' || c == b'-' {
                    self.step = Step::ESign;
                    return Ok(());
                }
                self.e_sign(c)
            }
            Step::ESign => self.e_sign(c),
            Step::E0 => {
                if c.is_ascii_digit() {
                    return Ok(());
                }
                self.end_value(c)
            }
            Step::Literal(lit, n) => {
                let want = lit.as_bytes()[n];
                if c != want {
                    return Scanner::error(
                        c,
                        &format!("in literal {lit} (expecting {})", quote_char(want)),
                    );
                }
                self.step = if n + 1 == lit.len() {
                    Step::EndValue
                } else {
                    Step::Literal(lit, n + 1)
                };
                Ok(())
            }
        }
    }

    fn begin_value(&mut self, c: u8) -> Result<(), String> {
        if is_space(c) {
            self.step = Step::BeginValue;
            return Ok(());
        }
        match c {
            b'{' => self.push(c, Parse::ObjectKey, Step::BeginStringOrEmpty),
            b'[' => self.push(c, Parse::ArrayValue, Step::BeginValueOrEmpty),
            b'"' => {
                self.step = Step::InString;
                Ok(())
            }
            b'-' => {
                self.step = Step::Neg;
                Ok(())
            }
            b'0' => {
                self.step = Step::Zero;
                Ok(())
            }
            b'1'..=b'9' => {
                self.step = Step::One;
                Ok(())
            }
            b't' => {
                self.step = Step::Literal("true", 1);
                Ok(())
            }
            b'f' => {
                self.step = Step::Literal("false", 1);
                Ok(())
            }
            b'n' => {
                self.step = Step::Literal("null", 1);
                Ok(())
            }
            _ => Scanner::error(c, "looking for beginning of value"),
        }
    }

    fn begin_string(&mut self, c: u8) -> Result<(), String> {
        if is_space(c) {
            self.step = Step::BeginString;
            return Ok(());
        }
        if c == b'"' {
            self.step = Step::InString;
            return Ok(());
        }
        Scanner::error(c, "looking for beginning of object key string")
    }

    fn zero(&mut self, c: u8) -> Result<(), String> {
        match c {
            b'.' => {
                self.step = Step::Dot;
                Ok(())
            }
            b'e' | b'E' => {
                self.step = Step::E;
                Ok(())
            }
            _ => self.end_value(c),
        }
    }

    fn e_sign(&mut self, c: u8) -> Result<(), String> {
        if c.is_ascii_digit() {
            self.step = Step::E0;
            return Ok(());
        }
        Scanner::error(c, "in exponent of numeric literal")
    }

    fn end_value(&mut self, c: u8) -> Result<(), String> {
        let Some(&ps) = self.parse.last() else {
            self.step = Step::EndTop;
            self.end_top = true;
            return self.feed(c);
        };
        if is_space(c) {
            self.step = Step::EndValue;
            return Ok(());
        }
        match ps {
            Parse::ObjectKey => {
                if c == b':' {
                    if let Some(last) = self.parse.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    self.step = Step::BeginValue;
                    return Ok(());
                }
                Scanner::error(c, "after object key")
            }
            Parse::ObjectValue => {
                if c == b',' {
                    if let Some(last) = self.parse.last_mut() {
                        *last = Parse::ObjectKey;
                    }
                    self.step = Step::BeginString;
                    return Ok(());
                }
                if c == b'}' {
                    self.pop();
                    return Ok(());
                }
                Scanner::error(c, "after object key:value pair")
            }
            Parse::ArrayValue => {
                if c == b',' {
                    self.step = Step::BeginValue;
                    return Ok(());
                }
                if c == b']' {
                    self.pop();
                    return Ok(());
                }
                Scanner::error(c, "after array element")
            }
        }
    }
}

/// Go's `checkValid`: the syntax error `json.Unmarshal` reports for these bytes, if any.
pub fn syntax_error(data: &[u8]) -> Option<String> {
    let mut s = Scanner {
        step: Step::BeginValue,
        parse: Vec::new(),
        end_top: false,
    };
    for &c in data {
        if let Err(e) = s.feed(c) {
            return Some(e);
        }
    }
    // `eof`: a value that a space would end (a number) is complete.
    if s.end_top {
        return None;
    }
    if let Err(e) = s.feed(b' ') {
        return Some(e);
    }
    if s.end_top {
        return None;
    }
    Some("unexpected end of JSON input".into())
}

/// The API server's `summarizeData(body, 30)`: an object's first 30 bytes as text, anything
/// else's in hex.
pub fn summarize(data: &[u8]) -> String {
    const MAX: usize = 30;
    if data.is_empty() {
        return "<empty>".into();
    }
    let head = &data[..data.len().min(MAX)];
    let more = if data.len() > MAX { " ..." } else { "" };
    if data[0] == b'{' {
        format!("{}{more}", String::from_utf8_lossy(head))
    } else {
        let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
        format!("{hex}{more}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gos_messages() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"{"a": [1, 2.5e-3, true, null, "x\u00e9"]}"#, None),
            ("  42 ", None),
            ("42", None),
            ("", Some("unexpected end of JSON input")),
            ("{", Some("unexpected end of JSON input")),
            (
                "{not json",
                Some("invalid character 'n' looking for beginning of object key string"),
            ),
            ("{\"a\" 1}", Some("invalid character '1' after object key")),
            (
                "{\"a\":1 \"b\"}",
                Some("invalid character '\"' after object key:value pair"),
            ),
            ("[1 2]", Some("invalid character '2' after array element")),
            ("{} x", Some("invalid character 'x' after top-level value")),
            // At the end Go's scanner feeds a space, so a cut literal or exponent names it.
            (
                "tru",
                Some("invalid character ' ' in literal true (expecting 'e')"),
            ),
            ("-", Some("invalid character ' ' in numeric literal")),
            ("\"abc", Some("unexpected end of JSON input")),
            (
                "trUe",
                Some("invalid character 'U' in literal true (expecting 'u')"),
            ),
            (
                "nul'",
                Some("invalid character '\\'' in literal null (expecting 'l')"),
            ),
            ("-x", Some("invalid character 'x' in numeric literal")),
            (
                "1.x",
                Some("invalid character 'x' after decimal point in numeric literal"),
            ),
            (
                "1e+",
                Some("invalid character ' ' in exponent of numeric literal"),
            ),
            (
                "1ex",
                Some("invalid character 'x' in exponent of numeric literal"),
            ),
            (
                "\"a\\q\"",
                Some("invalid character 'q' in string escape code"),
            ),
            (
                "\"\\u12g\"",
                Some("invalid character 'g' in \\u hexadecimal character escape"),
            ),
            (
                "\"a\tb\"",
                Some("invalid character '\\t' in string literal"),
            ),
            (
                "'x'",
                Some("invalid character '\\'' looking for beginning of value"),
            ),
            (
                "\u{1}",
                Some("invalid character '\\x01' looking for beginning of value"),
            ),
            (
                "{,}",
                Some("invalid character ',' looking for beginning of object key string"),
            ),
            (
                "[,]",
                Some("invalid character ',' looking for beginning of value"),
            ),
            ("[]]", Some("invalid character ']' after top-level value")),
        ];
        for (input, want) in cases {
            assert_eq!(
                syntax_error(input.as_bytes()).as_deref(),
                *want,
                "{input:?}"
            );
        }
        assert_eq!(
            syntax_error("\u{e9}".as_bytes()).as_deref(),
            Some("invalid character '\u{c3}' looking for beginning of value")
        );
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(
            syntax_error(deep.as_bytes()).as_deref(),
            Some("invalid character '[' exceeded max depth")
        );
        assert_eq!(
            syntax_error(format!("{}{}", "[".repeat(5000), "]".repeat(5000)).as_bytes()),
            None
        );
    }

    #[test]
    fn summaries() {
        assert_eq!(summarize(b""), "<empty>");
        assert_eq!(summarize(b"{not json"), "{not json");
        assert_eq!(
            summarize(b"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"x\":1}"),
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod ..."
        );
        assert_eq!(summarize(b"[1, 2]"), "5b312c20325d");
    }
}
