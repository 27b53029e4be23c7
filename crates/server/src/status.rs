//! `Status` objects: the API server's errors (and the success `Status` some deletes return),
//! with its reasons, codes, details and causes.

use crate::http::Response;
use ordinal_sim::{ApiError, Kind};
use serde_json::{json, Value};

/// A failure `Status` with no details.
pub fn status_value(code: u16, reason: &str, message: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    })
}

pub fn status_response(code: u16, reason: &str, message: &str) -> Response {
    Response::json(code, &status_value(code, reason, message))
}

/// The cause's `reason`, from the field error's wording (`field.ErrorType`).
fn cause_reason(message: &str) -> &'static str {
    const TYPES: &[(&str, &str)] = &[
        ("Invalid value", "FieldValueInvalid"),
        ("Required value", "FieldValueRequired"),
        ("Unsupported value", "FieldValueNotSupported"),
        ("Forbidden", "FieldValueForbidden"),
        ("Too long", "FieldValueTooLong"),
        ("Too many", "FieldValueTooMany"),
        ("Duplicate value", "FieldValueDuplicate"),
        ("Not found", "FieldValueNotFound"),
        ("Internal error", "InternalError"),
    ];
    TYPES
        .iter()
        .find(|(p, _)| message.starts_with(p))
        .map(|(_, r)| *r)
        .unwrap_or("FieldValueInvalid")
}

/// An [`ApiError`] as the API server sends it. `kind`/`name` are the request's (for
/// `details`), when the error does not carry its own.
pub fn error_value(e: &ApiError, kind: Option<Kind>, name: &str) -> Value {
    let mut v = status_value(e.reason.code(), e.reason.as_str(), &e.message);
    // An Invalid error names only what it was raised for: a patch that does not apply is
    // `NewInvalid(GroupKind{}, "", …)` upstream, which kubectl shows as "The request is
    // invalid", not "The StatefulSet "web" is invalid".
    let invalid = e.reason == ordinal_sim::Reason::Invalid;
    let kind = if invalid { e.kind } else { e.kind.or(kind) };
    let name = if invalid || !e.name.is_empty() {
        &e.name
    } else {
        name
    };
    let mut details = serde_json::Map::new();
    if !name.is_empty() {
        details.insert("name".into(), json!(name));
    }
    if let Some(k) = kind {
        let info = k.info();
        if !info.group.is_empty() {
            details.insert("group".into(), json!(info.group));
        }
        // Invalid names the kind; the others name the resource, as `NewNotFound(qualifiedResource)`.
        let shown = if e.reason == ordinal_sim::Reason::Invalid {
            info.name.to_string()
        } else {
            info.plural.to_string()
        };
        details.insert("kind".into(), json!(shown));
    }
    if !e.causes.is_empty() {
        let causes: Vec<Value> = e
            .causes
            .iter()
            .map(|c| {
                json!({
                    "reason": cause_reason(&c.message),
                    "message": c.message,
                    "field": c.field,
                })
            })
            .collect();
        details.insert("causes".into(), Value::Array(causes));
    }
    if !details.is_empty() && e.reason != ordinal_sim::Reason::InternalError {
        v["details"] = Value::Object(details);
    }
    v
}

pub fn error_response(e: &ApiError, kind: Option<Kind>, name: &str) -> Response {
    Response::json(e.reason.code(), &error_value(e, kind, name))
}

/// What the API server answers for a path under one it serves through go-restful (`/api/…`,
/// `/apis/GROUP/…`) that names nothing: `NewGenericServerResponse(404)`, whose details are
/// empty.
pub fn not_found_path() -> Response {
    let mut v = status_value(
        404,
        "NotFound",
        "the server could not find the requested resource",
    );
    v["details"] = json!({});
    Response::json(404, &v)
}

/// What it answers for any other path (an unknown group, a path outside the API): Go's
/// `http.NotFound`, plain text.
pub fn go_not_found() -> Response {
    Response::text(404, "404 page not found\n").with_header("X-Content-Type-Options", "nosniff")
}

pub fn method_not_allowed(method: &str) -> Response {
    status_response(
        405,
        "MethodNotAllowed",
        &format!("the server does not allow this method on the requested resource ({method})"),
    )
}

pub fn bad_request(message: &str) -> Response {
    status_response(400, "BadRequest", message)
}
