//! Word expansion: `~`, parameters, command substitution, arithmetic, then field splitting
//! and pathname patterns for unquoted results.

use crate::arith::{self, Vars};
use crate::exec::{Exec, Input, Stop, R};
use crate::glob;
use crate::lex::{self, Param, ParamOp, Part, Word};
use crate::parse::Parser;
use crate::{Dialect, Output, Stream};

/// What starting a field costs, in bytes of work: a field is two allocations.
const FIELD_BYTES: usize = 32;

/// A field being built: its text, the same text as a pattern (quoted characters escaped),
/// and whether an unquoted pattern character appeared.
#[derive(Default)]
struct Field {
    text: String,
    pattern: String,
    magic: bool,
    started: bool,
}

struct Fields {
    done: Vec<Field>,
    cur: Field,
    split: bool,
    ifs: String,
}

fn is_pattern_char(c: char) -> bool {
    matches!(c, '*' | '?' | '[' | ']' | '\\')
}

impl Fields {
    fn new(split: bool, ifs: String) -> Fields {
        Fields {
            done: Vec::new(),
            cur: Field::default(),
            split,
            ifs,
        }
    }

    fn literal(&mut self, s: &str, quoted: bool) {
        self.cur.started = true;
        if !s.contains(['*', '?', '[', ']', '\\']) {
            // Nothing to escape or to mark: one copy, not one push per character.
            self.cur.text.push_str(s);
            self.cur.pattern.push_str(s);
            return;
        }
        for c in s.chars() {
            self.cur.text.push(c);
            if quoted && is_pattern_char(c) {
                self.cur.pattern.push('\\');
            }
            self.cur.pattern.push(c);
            if !quoted && matches!(c, '*' | '?' | '[') {
                self.cur.magic = true;
            }
        }
    }

    /// The result of an unquoted expansion: split on `$IFS`, pattern characters live.
    fn expansion(&mut self, s: &str) {
        if !self.split {
            self.literal(s, true);
            return;
        }
        for c in s.chars() {
            if self.ifs.contains(c) {
                if c == ' ' || c == '\t' || c == '\n' {
                    self.finish();
                } else {
                    self.force_finish();
                }
                continue;
            }
            self.cur.started = true;
            self.cur.text.push(c);
            if c == '\\' {
                self.cur.pattern.push('\\');
            }
            self.cur.pattern.push(c);
            if matches!(c, '*' | '?' | '[') {
                self.cur.magic = true;
            }
        }
    }

    /// `"$@"`: one field per argument.
    fn many(&mut self, items: &[String]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.force_finish();
            }
            self.literal(item, true);
        }
    }

    fn finish(&mut self) {
        if self.cur.started {
            self.done.push(std::mem::take(&mut self.cur));
        }
    }

    fn force_finish(&mut self) {
        self.cur.started = true;
        self.finish();
    }

    fn len(&self) -> usize {
        self.cur.text.len() + self.done.iter().map(|f| f.text.len()).sum::<usize>()
    }
}

enum Value {
    One(String),
    Many(Vec<String>),
}

struct ArithVars<'e, 'a> {
    ex: &'e mut Exec<'a>,
}

impl Vars for ArithVars<'_, '_> {
    fn get(&mut self, name: &str) -> Option<String> {
        let v = self.ex.lookup(name);
        let len = v.as_ref().map_or(0, String::len);
        self.ex.add_work((len + FIELD_BYTES) as u64);
        v
    }
    fn exhausted(&mut self) -> bool {
        self.ex.sh.steps_used > self.ex.sh.limits.steps
    }
    fn set(&mut self, name: &str, value: i64) {
        self.ex.sh.state.set(name, value.to_string());
    }
}

impl Exec<'_> {
    /// A word as command arguments: zero or more fields.
    pub fn expand_fields(&mut self, w: &Word, out: &mut Output) -> R<Vec<String>> {
        let ifs = self.sh.state.get("IFS").unwrap_or(" \t\n").to_string();
        let mut f = Fields::new(true, ifs);
        self.expand_into(&w.parts, &mut f, out, true)?;
        f.finish();
        let mut result = Vec::new();
        for field in f.done {
            if field.magic {
                let found = self.glob(&field.pattern, out)?;
                if !found.is_empty() {
                    result.extend(found);
                    continue;
                }
            }
            result.push(field.text);
        }
        Ok(result)
    }

    /// A word as one string (assignments, redirection targets): no splitting, no patterns.
    pub fn expand_single(&mut self, w: &Word, out: &mut Output) -> R<String> {
        self.expand_parts_single(&w.parts, out)
    }

    pub fn expand_parts_single(&mut self, parts: &[Part], out: &mut Output) -> R<String> {
        let mut f = Fields::new(false, String::new());
        self.expand_into(parts, &mut f, out, true)?;
        f.finish();
        Ok(f.done
            .into_iter()
            .map(|f| f.text)
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// A word as a pattern (`${x%.html}`): quoted characters stand for themselves.
    fn expand_pattern(&mut self, parts: &[Part], out: &mut Output) -> R<String> {
        let mut f = Fields::new(false, String::new());
        for p in parts {
            match p {
                Part::Lit(s) => {
                    f.cur.started = true;
                    f.cur.pattern.push_str(s);
                }
                _ => {
                    let mut g = Fields::new(false, String::new());
                    self.expand_into(std::slice::from_ref(p), &mut g, out, false)?;
                    g.finish();
                    for field in g.done {
                        f.cur.pattern.push_str(&field.pattern);
                    }
                }
            }
        }
        Ok(f.cur.pattern)
    }

    fn expand_into(
        &mut self,
        parts: &[Part],
        f: &mut Fields,
        out: &mut Output,
        tilde: bool,
    ) -> R<()> {
        let mut before = (f.len(), f.done.len());
        for (i, p) in parts.iter().enumerate() {
            match p {
                Part::Lit(s) if i == 0 && tilde && s.starts_with('~') => {
                    let end = s.find('/').unwrap_or(s.len());
                    if end == 1 {
                        let home = self.lookup("HOME").unwrap_or_else(|| "/root".into());
                        f.literal(&home, true);
                        f.literal(&s[1..], false);
                    } else {
                        f.literal(s, false);
                    }
                }
                Part::Lit(s) => f.literal(s, false),
                Part::Quoted(s) => f.literal(s, true),
                Part::Param(p) => match self.param(p, out)? {
                    Value::One(v) if p.quoted => f.literal(&v, true),
                    Value::One(v) => f.expansion(&v),
                    Value::Many(items) => f.many(&items),
                },
                Part::Cmd { src, quoted } => {
                    let v = self.command_subst(src, out)?;
                    if *quoted {
                        f.literal(&v, true)
                    } else {
                        f.expansion(&v)
                    }
                }
                Part::Arith { src, quoted } => {
                    let v = self.arith(src, out)?;
                    if *quoted {
                        f.literal(&v, true)
                    } else {
                        f.expansion(&v)
                    }
                }
            }
            let len = f.len();
            if len > self.sh.limits.output_bytes {
                let msg = format!(
                    "{}: stopped: a word grew past {} bytes, the most one word may hold here\n",
                    self.sh.name, self.sh.limits.output_bytes
                );
                out.push_err(msg);
                return Err(Stop::Budget);
            }
            // Building the word copied what this part added, and split it into fields.
            let fields = f.done.len();
            let work = len.saturating_sub(before.0) + fields.saturating_sub(before.1) * FIELD_BYTES;
            self.charge(work, out)?;
            before = (len, fields);
        }
        Ok(())
    }

    /// A variable's value as `$NAME` sees it; `None` when unset.
    pub fn lookup(&self, name: &str) -> Option<String> {
        let sh = &*self.sh;
        match name {
            "?" => Some(sh.state.last_status.to_string()),
            "$" => Some("7".into()),
            "#" => Some(sh.args.len().to_string()),
            "0" => Some(sh.name.clone()),
            "!" => sh.last_bg.map(|p| p.to_string()),
            "-" => {
                let mut flags = String::new();
                if sh.errexit {
                    flags.push('e');
                }
                if sh.xtrace {
                    flags.push('x');
                }
                Some(flags)
            }
            "@" | "*" => Some(sh.args.join(" ")),
            "LINENO" => Some(self.line.to_string()),
            "PWD" => Some(
                sh.state
                    .get("PWD")
                    .map_or_else(|| sh.state.cwd.clone(), str::to_string),
            ),
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().ok()?;
                sh.args.get(i.checked_sub(1)?).cloned()
            }
            n => sh.state.get(n).map(str::to_string),
        }
    }

    fn param(&mut self, p: &Param, out: &mut Output) -> R<Value> {
        if p.name == "@" && p.quoted && matches!(p.op, ParamOp::Plain) {
            return Ok(Value::Many(self.sh.args.clone()));
        }
        let raw = self.lookup(&p.name);
        self.charge(raw.as_ref().map_or(0, String::len), out)?;
        let empty = |colon: bool, raw: &Option<String>| match raw {
            None => true,
            Some(v) => colon && v.is_empty(),
        };
        Ok(Value::One(match &p.op {
            ParamOp::Plain => raw.unwrap_or_default(),
            ParamOp::Length => raw.unwrap_or_default().chars().count().to_string(),
            ParamOp::Default { colon, word } => {
                if empty(*colon, &raw) {
                    self.expand_parts_single(word, out)?
                } else {
                    raw.unwrap_or_default()
                }
            }
            ParamOp::Assign { colon, word } => {
                if empty(*colon, &raw) {
                    let v = self.expand_parts_single(word, out)?;
                    self.sh.state.set(&p.name, v.clone());
                    v
                } else {
                    raw.unwrap_or_default()
                }
            }
            ParamOp::Alt { colon, word } => {
                if empty(*colon, &raw) {
                    String::new()
                } else {
                    self.expand_parts_single(word, out)?
                }
            }
            ParamOp::Error { colon, word } => {
                if empty(*colon, &raw) {
                    let text = self.expand_parts_single(word, out)?;
                    let v = self.voice();
                    let what = if !text.is_empty() {
                        text
                    } else {
                        match self.dialect() {
                            Dialect::Bash => "parameter null or not set".into(),
                            _ => "parameter not set".into(),
                        }
                    };
                    let msg = format!("{}{}: {what}\n", v.prefix(), p.name);
                    let status = v.expansion_status();
                    self.write(out, Stream::Err, msg)?;
                    return Err(Stop::Fatal(status));
                }
                raw.unwrap_or_default()
            }
            ParamOp::TrimPrefix { longest, word } => {
                let pat = self.expand_pattern(word, out)?;
                let v = raw.unwrap_or_default();
                match self.trim_cut(&pat, &v, true, *longest, out)? {
                    Some(i) => v[i..].to_string(),
                    None => v,
                }
            }
            ParamOp::TrimSuffix { longest, word } => {
                let pat = self.expand_pattern(word, out)?;
                let v = raw.unwrap_or_default();
                match self.trim_cut(&pat, &v, false, *longest, out)? {
                    Some(i) => v[..i].to_string(),
                    None => v,
                }
            }
        }))
    }

    /// Where `${v#pat}` (`prefix`) or `${v%pat}` cuts `v`: the byte offset of the shortest
    /// (or `longest`) prefix or suffix that `pat` matches. Every attempt is charged with the
    /// characters it may scan, so a pattern that never matches a long value (each attempt a
    /// longer scan, quadratic in all) ends with the step budget instead of running for hours.
    fn trim_cut(
        &mut self,
        pat: &str,
        v: &str,
        prefix: bool,
        longest: bool,
        out: &mut Output,
    ) -> R<Option<usize>> {
        let p: Vec<char> = pat.chars().collect();
        let t: Vec<char> = v.chars().collect();
        let offsets: Vec<usize> = v.char_indices().map(|(i, _)| i).chain([v.len()]).collect();
        // The shortest match tries the shortest parts first: prefixes cut ever later, suffixes
        // ever earlier; the longest match the other way round.
        let ascending = prefix != longest;
        for k in 0..=t.len() {
            let cut = if ascending { k } else { t.len() - k };
            let part = if prefix { &t[..cut] } else { &t[cut..] };
            self.charge(part.len() + p.len(), out)?;
            if glob::matches_chars(&p, part) {
                return Ok(Some(offsets[cut]));
            }
        }
        Ok(None)
    }

    /// `$(…)`: runs the source in a subshell; its output without trailing newlines.
    fn command_subst(&mut self, src: &str, out: &mut Output) -> R<String> {
        if self.depth >= self.sh.limits.depth {
            let msg = format!(
                "{}: stopped: commands nested deeper than {} levels\n",
                self.sh.name, self.sh.limits.depth
            );
            out.push_err(msg);
            return Err(Stop::Budget);
        }
        let mut parser = match Parser::new(src) {
            Ok(p) => p,
            Err(e) => {
                let msg = self.voice().syntax(&e.error, self.line, src);
                out.push_err(msg);
                return Err(Stop::Fatal(2));
            }
        };
        self.depth += 1;
        let line = self.line;
        let source = std::mem::replace(&mut self.source, src.to_string());
        let mut sub = Output::default();
        let mut input = Input::new("");
        let sink = std::mem::replace(&mut self.sinks.0, crate::Sink::Pipe);
        let r = self.subshell(|ex| ex.run_parser(&mut parser, &mut input, &mut sub));
        self.sinks.0 = sink;
        self.source = source;
        self.line = line;
        self.depth -= 1;
        let status = r?;
        self.subst_status = Some(status);
        self.sh.state.last_status = status;
        let mut text = String::new();
        out.clear |= sub.clear;
        for c in sub.chunks {
            match c.stream {
                Stream::Out => text.push_str(&c.text),
                Stream::Err | Stream::Tty => out.push(c.stream, c.text),
            }
        }
        let trimmed = text.trim_end_matches('\n').len();
        text.truncate(trimmed);
        Ok(text)
    }

    /// `$((…))`: expands the expression, then evaluates it.
    fn arith(&mut self, src: &str, out: &mut Output) -> R<String> {
        let parts = lex::expandable_text(src).unwrap_or_else(|_| vec![Part::Quoted(src.into())]);
        let expr = self.expand_parts_single(&parts, out)?;
        let r = arith::eval(&expr, &mut ArithVars { ex: self });
        self.check_steps(out)?;
        match r {
            Ok(v) => Ok(v.to_string()),
            Err(e) => {
                let v = self.voice();
                let (msg, status) = (v.arith(&expr, &e), v.expansion_status());
                out.push_err(msg);
                Err(Stop::Fatal(status))
            }
        }
    }

    /// Pathnames matching a pattern, sorted; empty when nothing matches or the host cannot
    /// list directories. Each path built is charged: `*/../*/../*/..` multiplies them, and
    /// eight levels of 16 directories are 4 billion.
    fn glob(&mut self, pattern: &str, out: &mut Output) -> R<Vec<String>> {
        let absolute = pattern.starts_with('/');
        let comps: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
        let mut paths = vec![if absolute {
            "/".to_string()
        } else {
            String::new()
        }];
        let join = |base: &str, name: &str| {
            if base.is_empty() {
                name.to_string()
            } else if base.ends_with('/') {
                format!("{base}{name}")
            } else {
                format!("{base}/{name}")
            }
        };
        let mut last_magic = false;
        for comp in &comps {
            let mut next = Vec::new();
            last_magic = glob::has_magic(comp);
            for base in &paths {
                if !last_magic {
                    let path = join(base, &glob::unescape(comp));
                    self.charge(path.len() + FIELD_BYTES, out)?;
                    next.push(path);
                    continue;
                }
                let dir = self
                    .sh
                    .state
                    .resolve(if base.is_empty() { "." } else { base });
                let Some(mut names) = self.host.list_dir(&self.sh.state, &dir) else {
                    return Ok(Vec::new());
                };
                names.sort();
                for n in names {
                    if n.starts_with('.') && !comp.starts_with('.') {
                        continue;
                    }
                    if glob::matches(comp, &n) {
                        let path = join(base, &n);
                        self.charge(path.len() + FIELD_BYTES, out)?;
                        next.push(path);
                    }
                }
            }
            paths = next;
            if paths.is_empty() {
                return Ok(paths);
            }
        }
        if !last_magic {
            let (state, host) = (&self.sh.state, &mut self.host);
            paths.retain(|p| {
                let abs = state.resolve(p);
                host.is_dir(state, &abs) || host.read_file(state, &abs).is_ok()
            });
        }
        paths.sort();
        Ok(paths)
    }
}
