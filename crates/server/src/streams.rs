//! The streaming subresources of pods: `exec`, `attach`, `portforward` and `log`. Not served yet.

use crate::http::{Request, Response};
use crate::router::Target;
use crate::{status, Shared};

pub fn route(_shared: &std::sync::Arc<Shared>, _req: Request, _t: &Target) -> Response {
    status::not_found_path()
}
