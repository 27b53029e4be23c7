//! How kubectl renders API errors (`cmdutil.CheckErr`, `StandardErrorMessage`, `MultilineError`).

use ordinal_sim::{ApiError, Reason};

/// The resource builder's error when it is given nothing to read (`missingResourceError`).
pub const MISSING_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `source`: `("creating", "web.yaml")` when the object came from a file.
pub fn render(e: &ApiError, source: Option<(&str, &str)>) -> String {
    if e.reason == Reason::Invalid && !e.causes.is_empty() {
        let head = match e.kind {
            Some(k) => format!("The {} \"{}\" is invalid", k.name(), e.name),
            None => "The request is invalid".to_string(),
        };
        // `MultilineError` ends each cause with a newline of its own, so a cause whose
        // message already ends with one (a `cmp.Diff`) is followed by an empty line.
        if e.causes.len() == 1 {
            let mut s = format!("{head}: {}", e.causes[0]);
            if s.ends_with('\n') {
                s.push('\n');
            }
            return s;
        }
        let mut s = format!("{head}: \n");
        for c in &e.causes {
            s.push_str(&format!("* {c}\n"));
        }
        if !s.ends_with("\n\n") {
            s.pop();
        }
        return s;
    }
    render_standard(e, source)
}

/// `StandardErrorMessage`: `Error from server (Reason): <message>`, with `AddSourceToErr`'s
/// `error when <verb> "<file>": ` before the message. Invalid errors take this form too when
/// kubectl lists several errors.
pub fn render_standard(e: &ApiError, source: Option<(&str, &str)>) -> String {
    let prefix = match source {
        Some((verb, file)) => format!("error when {verb} \"{file}\": "),
        None => String::new(),
    };
    format!(
        "Error from server ({}): {prefix}{}",
        e.reason.as_str(),
        e.message
    )
}

/// An error a resource visit with `ContinueOnError` returned for one object.
#[derive(Debug)]
pub enum Visit {
    /// The server's.
    Api(ApiError),
    /// kubectl's own words.
    Own(String),
    /// Several of kubectl's own at once (a `utilerrors.Aggregate`).
    Many(Vec<String>),
}

impl Visit {
    /// Go's `Error()`: the server's message, kubectl's words, an aggregate's `[a, b]`.
    pub fn error_string(&self) -> String {
        match self {
            Visit::Api(e) => e.message.clone(),
            _ => self.message(),
        }
    }

    /// `messageForError`: the server's as `StandardErrorMessage` words it, else `Error()`
    /// (an aggregate's `[a, b]`, repeats dropped).
    fn message(&self) -> String {
        match self {
            Visit::Api(e) => render_standard(e, None),
            Visit::Own(s) => s.clone(),
            Visit::Many(v) => {
                let mut seen: Vec<&str> = Vec::new();
                for s in v {
                    if !seen.contains(&s.as_str()) {
                        seen.push(s);
                    }
                }
                match seen[..] {
                    [one] => one.to_string(),
                    _ => format!("[{}]", seen.join(", ")),
                }
            }
        }
    }
}

/// `error: ` before kubectl's own message, unless it has it (`checkErr`'s last case).
fn with_error_prefix(s: &str) -> String {
    if s.starts_with("error: ") {
        s.to_string()
    } else {
        format!("error: {s}")
    }
}

/// `cmdutil.CheckErr` of what a visit gathered (status 1 if anything): one error as kubectl
/// prints one error (an aggregate of one unwrapped); several (or an aggregate of several) one
/// per line as `MultipleErrors` writes them, without `error: `.
pub fn check(out: &mut crate::Output, mut errs: Vec<Visit>) {
    if errs.len() == 1 {
        match errs.remove(0) {
            Visit::Api(e) => out.err(render(&e, None)),
            Visit::Own(s) => out.err(with_error_prefix(&s)),
            Visit::Many(v) if v.len() == 1 => out.err(with_error_prefix(&v[0])),
            Visit::Many(v) => {
                for s in v {
                    out.err(s);
                }
            }
        }
        return;
    }
    for e in errs {
        out.err(e.message());
    }
}
