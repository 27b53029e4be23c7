//! `-o custom-columns=HEADER:PATH,…` and `-o custom-columns-file=FILE`: cli-runtime's
//! `CustomColumnsPrinter` (the relaxed JSONPath of each column, `<none>` for nothing found,
//! several results joined by commas, Go's tab writer).

use super::jsonpath;
use crate::table;
use serde_json::Value;

/// One column: its header and its JSONPath template (`{.a.b}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub path: String,
}

/// `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all become `{.a.b}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let body = if let Some(inner) = expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
        let inner = inner.strip_prefix('.').unwrap_or(inner);
        (!inner.is_empty() && !inner.contains(['{', '}'])).then_some(inner)
    } else {
        None
    };
    let body = match body {
        Some(b) => b,
        None => {
            let e = expr.strip_prefix('.').unwrap_or(expr);
            if e.is_empty() || e.contains(['{', '}']) {
                return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
            }
            e
        }
    };
    Ok(format!("{{.{body}}}"))
}

/// `-o custom-columns=SPEC`.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| match part.split_once(':') {
            Some((h, p)) => Ok(Column {
                header: h.to_string(),
                path: relaxed(p)?,
            }),
            None => Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )),
        })
        .collect()
}

/// `-o custom-columns-file=FILE`: a line of headers and a line of paths, split on whitespace.
pub fn parse_file(text: &str) -> Result<Vec<Column>, String> {
    let mut lines = text.lines();
    let Some(headers) = lines.next() else {
        return Err("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.".into());
    };
    let Some(specs) = lines.next() else {
        return Err("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.".into());
    };
    let headers: Vec<&str> = headers.split_whitespace().collect();
    let specs: Vec<&str> = specs.split_whitespace().collect();
    if headers.len() != specs.len() {
        return Err(format!(
            "number of headers ({}) and field specifications ({}) don't match",
            headers.len(),
            specs.len()
        ));
    }
    headers
        .iter()
        .zip(specs)
        .map(|(h, s)| {
            Ok(Column {
                header: h.to_string(),
                path: relaxed(s)?,
            })
        })
        .collect()
}

/// Prints `objects` (the items of what kubectl got) under `columns`. On a bad JSONPath, what
/// kubectl wrote first (the header line) and the error (without `error: `).
pub fn render(
    columns: &[Column],
    objects: &[&Value],
    no_headers: bool,
) -> Result<String, (String, String)> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(columns.iter().map(|c| c.header.clone()).collect());
    }
    for o in objects {
        let mut row = Vec::with_capacity(columns.len());
        for c in columns {
            match jsonpath::column_values(&c.path, o) {
                Ok(vals) if vals.is_empty() => row.push("<none>".to_string()),
                Ok(vals) => row.push(vals.join(",")),
                Err(e) => {
                    let head: Vec<Vec<String>> =
                        rows.into_iter().take(usize::from(!no_headers)).collect();
                    return Err((table::render(&head), e));
                }
            }
        }
        rows.push(row);
    }
    Ok(table::render(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_and_errors() {
        assert_eq!(relaxed(".a.b").unwrap(), "{.a.b}");
        assert_eq!(relaxed("{a.b}").unwrap(), "{.a.b}");
        assert_eq!(relaxed("{.a.b}").unwrap(), "{.a.b}");
        assert!(relaxed("{a}{b}").is_err());
        assert_eq!(
            parse_spec("NAME").unwrap_err(),
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
        assert_eq!(
            parse_spec("").unwrap_err(),
            "custom-columns format specified but no custom columns given"
        );
        assert_eq!(
            parse_file("A B\n.a").unwrap_err(),
            "number of headers (2) and field specifications (1) don't match"
        );
        let cols = parse_spec("NAME:.metadata.name,C:.spec.containers[*].name,X:.nope").unwrap();
        let p = json!({"metadata": {"name": "web-0"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        assert_eq!(
            render(&cols, &[&p], false).unwrap(),
            "NAME    C     X\nweb-0   a,b   <none>\n"
        );
        let bad = parse_spec("NAME:.metadata.name,B:.spec[").unwrap();
        assert_eq!(
            render(&bad, &[&p], false).unwrap_err(),
            ("NAME   B\n".to_string(), "unterminated array".to_string())
        );
    }
}
