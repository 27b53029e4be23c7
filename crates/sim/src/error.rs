//! API errors, carrying what the API server puts in a `Status`: reason, code, message, causes.
//! kubectl renders them (`Error from server (NotFound): …`, `The StatefulSet "web" is invalid: …`).

use crate::api::Kind;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    BadRequest,
    Forbidden,
    Gone,
    InternalError,
    /// 504: the request did not finish in time (`errors.NewTimeoutError`).
    Timeout,
}

impl Reason {
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::BadRequest => "BadRequest",
            Reason::Forbidden => "Forbidden",
            Reason::Gone => "Gone",
            Reason::InternalError => "InternalError",
            Reason::Timeout => "Timeout",
        }
    }
    pub fn code(&self) -> u16 {
        match self {
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Invalid => 422,
            Reason::BadRequest => 400,
            Reason::Forbidden => 403,
            Reason::Gone => 410,
            Reason::InternalError => 500,
            Reason::Timeout => 504,
        }
    }
}

/// One field error (`field.Error`): `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub field: String,
    /// `Invalid value: -1: must be …`, `Required value`, `Forbidden: …`, `Unsupported value: …`.
    pub message: String,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub reason: Reason,
    /// The Status message, exactly as the API server words it.
    pub message: String,
    /// For `Invalid`: the kind and name, and the field errors.
    pub kind: Option<Kind>,
    pub name: String,
    pub causes: Vec<Cause>,
}

impl ApiError {
    pub fn new(reason: Reason, message: impl Into<String>) -> ApiError {
        ApiError {
            reason,
            message: message.into(),
            kind: None,
            name: String::new(),
            causes: Vec::new(),
        }
    }
    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError::new(
            Reason::NotFound,
            format!("{} \"{}\" not found", kind.resource(), name),
        )
    }
    pub fn already_exists(kind: Kind, name: &str) -> ApiError {
        ApiError::new(
            Reason::AlreadyExists,
            format!("{} \"{}\" already exists", kind.resource(), name),
        )
    }
    pub fn conflict(kind: Kind, name: &str) -> ApiError {
        ApiError::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                kind.resource(),
                name
            ),
        )
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(Reason::BadRequest, message)
    }
    /// `StatefulSet.apps "web" is invalid: <causes joined by ", ">`, as the API server builds it
    /// (`errors.NewInvalid`), with duplicate causes removed.
    pub fn invalid(kind: Kind, name: &str, causes: Vec<Cause>) -> ApiError {
        let mut uniq: Vec<Cause> = Vec::new();
        for c in causes {
            if !uniq.contains(&c) {
                uniq.push(c);
            }
        }
        let group = kind.info().group;
        let qualified = if group.is_empty() {
            kind.name().to_string()
        } else {
            format!("{}.{}", kind.name(), group)
        };
        let joined = uniq
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let message = if uniq.len() == 1 {
            format!("{qualified} \"{name}\" is invalid: {joined}")
        } else {
            format!("{qualified} \"{name}\" is invalid: [{joined}]")
        };
        ApiError {
            reason: Reason::Invalid,
            message,
            kind: Some(kind),
            name: name.into(),
            causes: uniq,
        }
    }
    /// `errors.NewInvalid` with no kind or name (a patch that does not decode): kubectl says
    /// `The request is invalid: patch: Invalid value: …`.
    pub fn invalid_request(causes: Vec<Cause>) -> ApiError {
        let joined = causes
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        ApiError {
            reason: Reason::Invalid,
            message: format!(" \"\" is invalid: {joined}"),
            kind: None,
            name: String::new(),
            causes,
        }
    }
    pub fn is_not_found(&self) -> bool {
        self.reason == Reason::NotFound
    }
    pub fn is_already_exists(&self) -> bool {
        self.reason == Reason::AlreadyExists
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Builders for field errors in the API server's wording (`field/errors.go`).
pub mod field {
    use super::Cause;

    pub fn invalid(path: &str, value: impl std::fmt::Display, detail: &str) -> Cause {
        Cause {
            field: path.into(),
            message: format!("Invalid value: {value}: {detail}"),
        }
    }
    pub fn invalid_str(path: &str, value: &str, detail: &str) -> Cause {
        invalid(path, format!("{value:?}"), detail)
    }
    pub fn required(path: &str, detail: &str) -> Cause {
        let message = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        Cause {
            field: path.into(),
            message,
        }
    }
    pub fn forbidden(path: &str, detail: &str) -> Cause {
        Cause {
            field: path.into(),
            message: format!("Forbidden: {detail}"),
        }
    }
    pub fn not_supported(path: &str, value: &str, supported: &[&str]) -> Cause {
        let list = supported
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        Cause {
            field: path.into(),
            message: format!("Unsupported value: {value:?}: supported values: {list}"),
        }
    }
    pub fn too_long(path: &str, max: usize) -> Cause {
        Cause {
            field: path.into(),
            message: format!("Too long: may not be more than {max} bytes"),
        }
    }
    pub fn not_found(path: &str, value: &str) -> Cause {
        Cause {
            field: path.into(),
            message: format!("Not found: {value:?}"),
        }
    }
    pub fn duplicate(path: &str, value: &str) -> Cause {
        Cause {
            field: path.into(),
            message: format!("Duplicate value: {value:?}"),
        }
    }
}
