//! `-o yaml`, byte for byte as kubectl writes it.
//!
//! kubectl turns an object into JSON, reads that JSON back with go-yaml v2 (so numbers become
//! ints or floats and every map becomes a Go map), and emits it with go-yaml v2's port of
//! libyaml. This module reproduces the parts of that pipeline that shape the text:
//!
//! - map keys ordered by go-yaml's `keyList` rule (runs of digits compare as numbers, letters
//!   after other characters), whatever order the input map has;
//! - the encoder's choice of scalar style (`stringv`: literal block for text with a newline,
//!   plain when the text would read back as the same string, double quotes otherwise);
//! - the emitter's own checks (`yaml_emitter_analyze_scalar`), which demote plain to single
//!   quotes and single quotes or blocks to double quotes;
//! - the emitter's indentation rules (sequences inside maps are not indented), its 80-column
//!   folding of long plain and quoted scalars, and its escapes.

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The object as `kubectl get -o yaml` prints it (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, Ctx::ROOT);
    // The implicit document end: finish the last line.
    e.write_indent();
    e.out
}

/// The `v1` List kubectl wraps several objects in (`kubectl get pods -o yaml`).
pub fn list_value(items: Vec<Value>) -> Value {
    let mut meta = Map::new();
    meta.insert("resourceVersion".into(), Value::String(String::new()));
    let mut m = Map::new();
    m.insert("apiVersion".into(), Value::String("v1".into()));
    m.insert("items".into(), Value::Array(items));
    m.insert("kind".into(), Value::String("List".into()));
    m.insert("metadata".into(), Value::Object(meta));
    Value::Object(m)
}

// ------------------------------------------------------------------ emitter

/// go-yaml's `best_width`: plain and quoted scalars fold at a space past this column.
const BEST_WIDTH: usize = 80;
/// go-yaml's `best_indent`.
const BEST_INDENT: i32 = 2;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Where a node sits, as the emitter tracks it (`root_context`, `mapping_context`, …).
#[derive(Clone, Copy)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

impl Ctx {
    const ROOT: Ctx = Ctx {
        mapping: false,
        simple_key: false,
    };
    const SEQUENCE_ITEM: Ctx = Ctx {
        mapping: false,
        simple_key: false,
    };
    const MAPPING_VALUE: Ctx = Ctx {
        mapping: true,
        simple_key: false,
    };
    const SIMPLE_KEY: Ctx = Ctx {
        mapping: true,
        simple_key: true,
    };
    const COMPLEX_KEY: Ctx = Ctx {
        mapping: true,
        simple_key: false,
    };
}

/// What the emitter learns about a scalar before picking its style.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    out: String,
    /// Characters (not bytes) on the current line.
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    /// The last thing written was whitespace (or nothing yet on the line).
    whitespace: bool,
    /// Only indentation has been written on the current line.
    indention: bool,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
        }
    }

    // ---- low-level writes

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    /// Copies one line-break character: `\n` as a newline, others verbatim.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.write_str(ind);
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    // ---- nodes

    fn node(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&number_text(n), Style::Plain, ctx),
            Value::String(s) => self.scalar(s, string_style(s), ctx),
            Value::Array(items) if items.is_empty() => self.empty_flow("[]"),
            Value::Object(m) if m.is_empty() => self.empty_flow("{}"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(m) => self.block_mapping(m),
        }
    }

    /// An empty collection: the emitter switches to flow style and closes it at once.
    fn empty_flow(&mut self, brackets: &str) {
        let (open, close) = brackets.split_at(1);
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Ctx) {
        // A sequence that is a mapping value stays at the mapping's indentation.
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Ctx::SEQUENCE_ITEM);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, m: &Map<String, Value>) {
        self.increase_indent(false, false);
        let mut keys: Vec<&String> = m.keys().collect();
        ordinal_sim::sort::sort_by(&mut keys, |a, b| key_order(a, b));
        for k in keys {
            self.write_indent();
            let a = analyze(k);
            if !a.multiline && k.len() <= 128 {
                self.scalar(k, string_style(k), Ctx::SIMPLE_KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(k, string_style(k), Ctx::COMPLEX_KEY);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(&m[k.as_str()], Ctx::MAPPING_VALUE);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        let a = analyze(value);
        let style = select_style(requested, &a, value, ctx);
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && chars[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        self.write_str(&format!("{v:0digits$X}"));
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent();
                    if chars[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an explicit indentation when the text starts with a space or
        // a line break, and the chomping indicator from how the text ends.
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.len() {
            0 => Some("-"),
            n if !is_break(chars[n - 1]) => Some("-"),
            1 => Some("+"),
            n if is_break(chars[n - 2]) => Some("+"),
            _ => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(ch, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// The style go-yaml's encoder asks for (`stringv`): a literal block for text with a
/// newline, plain when the text would read back as this same string, double quotes
/// otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_as_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// The emitter's own decision (`yaml_emitter_select_scalar_style`); we never emit flow
/// collections with content, so the flow level is always zero here.
fn select_style(requested: Style, a: &Analysis, value: &str, ctx: Ctx) -> Style {
    let mut style = requested;
    if ctx.simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && ctx.simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || ctx.simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's printable set: tab and most control characters are not, nor are characters
/// outside the Basic Multilingual Plane.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    c == '\n'
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

/// `yaml_emitter_analyze_scalar`.
fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || is_blank(chars[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

// ------------------------------------------------------------------ resolving plain text

/// Whether go-yaml would read `s`, written plain, back as the string `s` (its `resolve`).
fn resolves_as_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        // The empty string reads back as null.
        return false;
    };
    let hint = match first {
        b'+' | b'-' => 'S',
        b'0'..=b'9' => 'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => 'M',
        b'.' => '.',
        _ => return true,
    };
    if RESOLVE_MAP.contains(&s) {
        return false;
    }
    match hint {
        'M' => true,
        '.' => !is_dot_float(s),
        _ => {
            if parse_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if is_go_int_literal(&plain) || is_yaml_float(&plain) {
                return false;
            }
            if let Some(rest) = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"))
            {
                if !rest.is_empty() && rest.bytes().all(|b| b == b'0' || b == b'1') {
                    return false;
                }
            }
            true
        }
    }
}

/// Words go-yaml's resolver maps to a bool, null, a special float or the merge key.
const RESOLVE_MAP: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    "<<",
];

/// Go's `strconv.ParseInt(s, 0, 64)` syntax (ignoring range, since go-yaml falls back to a
/// big integer): an optional sign, then `0x…`, `0b…`, `0o…`, a `0`-led octal or a decimal.
fn is_go_int_literal(s: &str) -> bool {
    let body = s
        .strip_prefix('+')
        .or_else(|| s.strip_prefix('-'))
        .unwrap_or(s);
    let b = body.as_bytes();
    if b.is_empty() {
        return false;
    }
    if b[0] == b'0' && b.len() >= 3 {
        let digits = &body[2..];
        let ok = |f: fn(u8) -> bool| !digits.is_empty() && digits.bytes().all(f);
        match b[1].to_ascii_lowercase() {
            b'x' => return ok(|c| c.is_ascii_hexdigit()),
            b'b' => return ok(|c| c == b'0' || c == b'1'),
            b'o' => return ok(|c| (b'0'..=b'7').contains(&c)),
            _ => {}
        }
    }
    if b[0] == b'0' {
        return b[1..].iter().all(|c| (b'0'..=b'7').contains(c));
    }
    b.iter().all(u8::is_ascii_digit)
}

/// go-yaml's `yamlStyleFloat`: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, and the
/// value must not overflow.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Text starting with `.` that Go's `ParseFloat` accepts: `.5`, `.5e3`.
fn is_dot_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 1 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// go-yaml's `isBase60Float`: `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':')
    {
        return false;
    }
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i = 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or a 0-5 followed by a digit.
        if i + 1 < b.len() && (b'0'..=b'5').contains(&b[i]) && b[i + 1].is_ascii_digit() {
            i += 2;
        } else if i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `parseTimestamp`: Go's `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
fn parse_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // Every layout starts with exactly four digits and a dash.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: i64 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    // One or two digits.
    let num = |i: &mut usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < 2 && b[*i].is_ascii_digit() {
            *i += 1;
        }
        (*i > start).then(|| s[start..*i].parse().unwrap_or(0))
    };
    let Some(month) = num(&mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) || i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days_in_month {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(hour) = num(&mut i) else {
        return false;
    };
    if hour > 23 || i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(minute) = num(&mut i) else {
        return false;
    };
    if minute > 59 || i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(second) = num(&mut i) else {
        return false;
    };
    if second > 59 {
        return false;
    }
    // Optional fractional seconds (`.` or `,`, then digits).
    if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i < b.len() && b[i] == b'Z' {
        return i + 1 == b.len();
    }
    // `±hh:mm`.
    let rest = &b[i..];
    rest.len() == 6
        && (rest[0] == b'+' || rest[0] == b'-')
        && rest[1].is_ascii_digit()
        && rest[2].is_ascii_digit()
        && rest[3] == b':'
        && rest[4].is_ascii_digit()
        && rest[5].is_ascii_digit()
}

// ------------------------------------------------------------------ numbers

/// A JSON number as it comes out after Go's JSON → YAML round trip: integers as integers,
/// other floats in Go's `%g` shortest form (`0.5`, `1.5e+06`).
fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    // Go writes a float that is a whole number below 1e21 without a point, and go-yaml then
    // reads it back as an integer.
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return (f as i64).to_string();
    }
    go_format_g(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
pub(crate) fn go_format_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, like Go's shortest mode.
    let e = format!("{:e}", f.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if f < 0.0 { "-" } else { "" };
    // Go switches to an exponent when it is below -4 or at least the precision, which is 6
    // for the shortest form.
    if !(-4..6).contains(&exp) {
        let mut out = format!("{sign}{}", &digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        return out;
    }
    // Fixed notation with exactly the significant digits.
    let dp = exp + 1;
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if dp as usize >= digits.len() {
        out.push_str(&digits);
        for _ in 0..(dp as usize - digits.len()) {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

// ------------------------------------------------------------------ key order

/// go-yaml's `keyList.Less` for string keys: letters sort after other characters, and runs
/// of digits compare by value.
fn key_order(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
    }
}

fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            // A zero inside a longer number counts as a digit of that number.
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn y(v: Value) -> String {
        to_yaml(&v)
    }

    fn one(s: &str) -> String {
        to_yaml(&json!({ "a": s }))
    }

    #[test]
    fn go_yaml_marshal_cases() {
        // Cases from go-yaml v2's encode tests, after the JSON round trip.
        assert_eq!(y(json!({"v": "hi"})), "v: hi\n");
        assert_eq!(y(json!({"v": "true"})), "v: \"true\"\n");
        assert_eq!(y(json!({"v": "false"})), "v: \"false\"\n");
        assert_eq!(y(json!({"v": true})), "v: true\n");
        assert_eq!(y(json!({"v": 10})), "v: 10\n");
        assert_eq!(y(json!({"v": -10})), "v: -10\n");
        assert_eq!(y(json!({"v": 4294967296u64})), "v: 4294967296\n");
        assert_eq!(y(json!({"v": "10"})), "v: \"10\"\n");
        assert_eq!(y(json!({"v": 0.1})), "v: 0.1\n");
        assert_eq!(y(json!({"v": -0.1})), "v: -0.1\n");
        assert_eq!(y(json!({"v": null})), "v: null\n");
        assert_eq!(y(json!({"v": ""})), "v: \"\"\n");
        assert_eq!(y(json!({"v": ["A", "B"]})), "v:\n- A\n- B\n");
        assert_eq!(y(json!({"v": ["A", "B\nC"]})), "v:\n- A\n- |-\n  B\n  C\n");
        assert_eq!(
            y(json!({"v": ["A", 1, {"B": [2, 3]}]})),
            "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"
        );
        assert_eq!(y(json!({"a": {"b": "c"}})), "a:\n  b: c\n");
        assert_eq!(y(json!({"a": "-"})), "a: '-'\n");
        assert_eq!(y(json!({})), "{}\n");
        assert_eq!(y(json!({"a": "<foo>"})), "a: <foo>\n");
        assert_eq!(y(json!({"a": "1:1"})), "a: \"1:1\"\n");
        assert_eq!(y(json!({"a": "\u{0}"})), "a: \"\\0\"\n");
        assert_eq!(y(json!({"a": "你好"})), "a: 你好\n");
        assert_eq!(
            y(json!({"a": "2015-02-24T18:19:39Z"})),
            "a: \"2015-02-24T18:19:39Z\"\n"
        );
        assert_eq!(y(json!({"a": "b: c"})), "a: 'b: c'\n");
        assert_eq!(y(json!({"a": "Hello #comment"})), "a: 'Hello #comment'\n");
        assert_eq!(y(json!({"a": "你好 #comment"})), "a: '你好 #comment'\n");
    }

    #[test]
    fn line_wrapping_at_eighty_columns() {
        // go-yaml v2's TestLineWrapping.
        let long = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 \
                    abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ";
        assert_eq!(
            one(long),
            "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n"
        );
        // Plain scalars fold the same way, continuing at the value's indentation.
        let msg = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod anti-affinity rules.";
        assert_eq!(
            to_yaml(&json!({"status": {"message": msg}})),
            "status:\n  message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:\n    }, 2 node(s) didn''t match pod anti-affinity rules.'\n"
        );
        let plain = "word ".repeat(30);
        let plain = plain.trim_end();
        let out = one(plain);
        assert!(out.starts_with("a: word word"));
        assert!(out.lines().all(|l| l.chars().count() <= 86), "{out}");
        assert!(out.lines().nth(1).unwrap().starts_with("  word"), "{out}");
        // Keys never fold.
        let key = "k ".repeat(60);
        assert!(!to_yaml(&json!({ key.trim_end(): 1 })).contains("\n "));
    }

    #[test]
    fn strings_that_would_read_as_something_else_are_quoted() {
        for s in [
            "true",
            "True",
            "TRUE",
            "false",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "N",
            "null",
            "Null",
            "~",
            "80",
            "-1",
            "+1",
            "1.0",
            "1e3",
            "0x1F",
            "0o17",
            "0777",
            "1_000",
            "0b101",
            ".5",
            ".inf",
            "-.Inf",
            ".nan",
            "2026-01-01",
            "2026-01-01T00:05:00Z",
            "2026-1-2 3:04:05",
            "2026-01-01T00:05:00.123+02:00",
            "1:20",
            "12:30:45",
        ] {
            assert_eq!(one(s), format!("a: \"{s}\"\n"), "{s}");
        }
        for s in [
            "nginx",
            "web-0",
            "10.244.1.2",
            "1.2.3",
            "0.21a",
            "v1",
            "app=nginx",
            "2026-13-01",
            "2026-02-30",
            "8080:80",
            "1e400",
            "<<",
            "..5",
            "registry.k8s.io/nginx-slim:0.21",
            "0x",
            "08x",
            "+",
            "-a",
            "yess",
            "a b",
            "a:b",
            "a#b",
            "50%",
        ] {
            assert_eq!(one(s), format!("a: {s}\n"), "{s}");
        }
        // `08` is not octal, but it is a float.
        assert_eq!(one("08"), "a: \"08\"\n");
    }

    #[test]
    fn strings_that_cannot_be_plain_are_single_quoted() {
        for s in [
            "-", "- a", "*", "&a", "!x", "|", ">", "'", "\"", "%", "@x", "`x", "{a}", "[a]", "#x",
            ",a", "? a", ": a", "a: b", "a #b", " lead", "trail ", "---", "...x", "?", ":",
        ] {
            let quoted = format!("'{}'", s.replace('\'', "''"));
            assert_eq!(one(s), format!("a: {quoted}\n"), "{s:?}");
        }
        assert_eq!(one("it's: ok"), "a: 'it''s: ok'\n");
        // A leading dash not followed by a space is fine as plain.
        assert_eq!(one("-a"), "a: -a\n");
        assert_eq!(one("?a"), "a: ?a\n");
    }

    #[test]
    fn control_characters_force_double_quotes() {
        assert_eq!(one("a\tb"), "a: \"a\\tb\"\n");
        assert_eq!(one("bell\u{7}"), "a: \"bell\\a\"\n");
        assert_eq!(one("esc\u{1b}"), "a: \"esc\\e\"\n");
        assert_eq!(one("cr\r"), "a: \"cr\\r\"\n");
        assert_eq!(one("nbsp\u{a0}x"), "a: nbsp\u{a0}x\n");
        assert_eq!(one("\u{1f600}"), "a: \"\\U0001F600\"\n");
        assert_eq!(one("q\"\\\t"), "a: \"q\\\"\\\\\\t\"\n");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        assert_eq!(one("a\nb\n"), "a: |\n  a\n  b\n");
        assert_eq!(one("a\nb"), "a: |-\n  a\n  b\n");
        assert_eq!(one("a\n\n"), "a: |+\n  a\n\n");
        assert_eq!(one("\n"), "a: |2+\n\n");
        assert_eq!(one(" x\ny"), "a: |2-\n   x\n  y\n");
        assert_eq!(one("a\n\nb\n"), "a: |\n  a\n\n  b\n");
        // A trailing space, or a space before a line break, rules out a block.
        assert_eq!(one("a \nb"), "a: \"a \\nb\"\n");
        assert_eq!(one("a\nb "), "a: \"a\\nb \"\n");
        // Keys with line breaks are double-quoted and not simple.
        assert_eq!(to_yaml(&json!({"a\nb": 1})), "? |-\n  a\n  b\n: 1\n");
        let applied = "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}\n";
        assert_eq!(
            to_yaml(&json!({"metadata": {"annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": applied
            }, "name": "nginx"}})),
            "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"v1\",\"kind\":\"Service\"}\n  name: nginx\n"
        );
        // A literal inside a sequence.
        assert_eq!(
            to_yaml(&json!({"args": ["-c", "echo a\necho b\n"]})),
            "args:\n- -c\n- |\n  echo a\n  echo b\n"
        );
    }

    #[test]
    fn empty_collections_and_nesting() {
        assert_eq!(
            y(json!({"a": [], "b": {}, "c": [[], {}], "d": [[1, 2], [3]]})),
            "a: []\nb: {}\nc:\n- []\n- {}\nd:\n- - 1\n  - 2\n- - 3\n"
        );
        assert_eq!(
            y(json!({"items": [{"a": 1, "b": {"c": [{"d": "e", "f": "g"}]}}]})),
            "items:\n- a: 1\n  b:\n    c:\n    - d: e\n      f: g\n"
        );
        assert_eq!(y(json!([1, "x"])), "- 1\n- x\n");
        assert_eq!(y(json!("top")), "top\n");
        assert_eq!(y(json!(null)), "null\n");
    }

    #[test]
    fn numbers_follow_the_json_round_trip() {
        assert_eq!(y(json!({"a": 1.5})), "a: 1.5\n");
        assert_eq!(y(json!({"a": 3.0})), "a: 3\n");
        assert_eq!(y(json!({"a": 1e6})), "a: 1000000\n");
        assert_eq!(y(json!({"a": 1234567.5})), "a: 1.2345675e+06\n");
        assert_eq!(y(json!({"a": 0.00001})), "a: 1e-05\n");
        assert_eq!(y(json!({"a": 1e21})), "a: 1e+21\n");
        assert_eq!(y(json!({"a": 123456.7})), "a: 123456.7\n");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(100000.5), "100000.5");
        assert_eq!(go_format_g(-2.5e-7), "-2.5e-07");
    }

    #[test]
    fn keys_sort_as_go_yaml_does() {
        // go-yaml v2's TestSortedOutput, string part.
        let order = [
            "", ".1", ".2", ".a", "1", "2", "a!10", "a/0001", "a/002", "a/3", "a/10", "a/11",
            "a/0012", "a/100", "a~10", "ab/1", "b/1", "b/01", "b/2", "b/02", "b/3", "b/03", "b1",
            "b01", "b3", "c2.10", "c10.2", "d1", "d7", "d7abc", "d12", "d12a",
        ];
        let mut shuffled: Vec<&str> = order.iter().rev().copied().collect();
        shuffled.sort_by(|a, b| key_order(a, b));
        assert_eq!(shuffled, order);
        // Underscores sort before letters, unlike byte order.
        let m: Map<String, Value> = [("aB", 1), ("a_b", 2)]
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        assert_eq!(to_yaml(&Value::Object(m)), "a_b: 2\naB: 1\n");
    }

    #[test]
    fn list_wrapper() {
        let l = list_value(vec![
            json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "web-0"}}),
        ]);
        assert_eq!(
            to_yaml(&l),
            "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-0\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
        assert_eq!(
            to_yaml(&list_value(vec![])),
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
    }

    const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

    #[test]
    fn a_whole_statefulset() {
        let mut c = ordinal_sim::Cluster::new(1);
        c.apply_yaml(
            include_str!("../../../../examples/k8s-io-web.yaml"),
            "default",
        )
        .unwrap();
        c.settle();
        let sts = c
            .get(ordinal_sim::Kind::StatefulSet, "default", "web")
            .unwrap();
        // kubectl records the applied configuration with a trailing newline (its JSON
        // encoder ends the document with one), which is what makes it a `|` block.
        let mut v = sts.to_value();
        let applied = v["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .unwrap()
            .trim_end()
            .to_string();
        v["metadata"]["annotations"][LAST_APPLIED] = json!(format!("{applied}\n"));
        let out = to_yaml(&v);
        let uid = &sts.meta().uid;
        let expected = format!(
            r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {applied}
  creationTimestamp: "2026-01-01T00:05:00Z"
  generation: 1
  name: web
  namespace: default
  resourceVersion: "{rv}"
  uid: {uid}
spec:
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  podManagementPolicy: OrderedReady
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - image: registry.k8s.io/nginx-slim:0.21
        imagePullPolicy: IfNotPresent
        name: nginx
        ports:
        - containerPort: 80
          name: web
          protocol: TCP
        resources: {{}}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /usr/share/nginx/html
          name: www
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {{}}
      terminationGracePeriodSeconds: 30
  updateStrategy:
    rollingUpdate:
      partition: 0
    type: RollingUpdate
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: www
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
      volumeMode: Filesystem
    status:
      phase: Pending
status:
  availableReplicas: 2
  collisionCount: 0
  currentReplicas: 2
  currentRevision: {rev}
  observedGeneration: 1
  readyReplicas: 2
  replicas: 2
  updateRevision: {rev}
  updatedReplicas: 2
"#,
            rv = sts.meta().resource_version,
            rev = match &*sts {
                ordinal_sim::Object::StatefulSet(s) => s.status.current_revision.clone(),
                _ => unreachable!(),
            },
        );
        assert_eq!(out, expected);
    }
}
