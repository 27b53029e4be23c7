//! `/openapi/v2` and `/openapi/v3`: not served yet (a 404, which kubectl tolerates for `get`).

use crate::http::{Request, Response};

/// `segs` is the path after `/openapi`.
pub fn route(_req: &Request, _segs: &[&str]) -> Option<Response> {
    None
}
