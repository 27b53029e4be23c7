//! How kubectl renders API errors (`cmdutil.CheckErr`, `StandardErrorMessage`, `MultilineError`).

use ordinal_sim::{ApiError, Reason};

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
