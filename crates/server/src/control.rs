//! Ordinal's own endpoints, under `/ordinal/v1/` (no Kubernetes client asks for them): the
//! clock, for tests that advance simulated time between commands.
//!
//! * `GET  /ordinal/v1/clock` — `{"now": RFC 3339, "mode": "real"|"virtual", "speed": x}`
//! * `POST /ordinal/v1/clock/advance?by=DURATION` — moves time (Go duration: `30s`, `1m30s`)
//! * `POST /ordinal/v1/clock/settle` — moves time until nothing is pending (at most an hour)
//! * `POST /ordinal/v1/clock/mode?mode=virtual|real&speed=X` — switches the clock

use crate::clock::ClockMode;
use crate::http::{Request, Response};
use crate::status;
use crate::Shared;
use serde_json::json;

pub fn route(shared: &Shared, req: &Request, rest: &str) -> Response {
    match (req.method.as_str(), rest) {
        ("GET", "clock") => clock_json(shared),
        ("POST", "clock/advance") => {
            let by = req.param("by").unwrap_or("");
            let Some(ms) = ordinal_kubectl::args::parse_duration(by) else {
                return status::bad_request(&format!("invalid duration {by:?}"));
            };
            {
                let mut st = shared.lock();
                st.cluster.advance(ms);
                let now = st.cluster.now();
                st.clock.reanchor(now);
            }
            shared.notify();
            clock_json(shared)
        }
        ("POST", "clock/settle") => {
            {
                let mut st = shared.lock();
                st.cluster.settle();
                let now = st.cluster.now();
                st.clock.reanchor(now);
            }
            shared.notify();
            clock_json(shared)
        }
        ("POST", "clock/mode") => {
            let mode = match req.param("mode") {
                Some("virtual") => ClockMode::Virtual,
                Some("real") => {
                    let speed = req.param("speed").unwrap_or("1");
                    match speed.parse::<f64>() {
                        Ok(s) if s.is_finite() && s > 0.0 && s <= 1000.0 => {
                            ClockMode::Real { speed: s }
                        }
                        _ => {
                            return status::bad_request(&format!(
                                "invalid speed {speed:?}: a number above 0, at most 1000"
                            ))
                        }
                    }
                }
                other => {
                    return status::bad_request(&format!(
                        "invalid mode {:?}: virtual or real",
                        other.unwrap_or("")
                    ))
                }
            };
            {
                let mut st = shared.lock();
                let now = st.cluster.now();
                st.clock.set_mode(mode, now);
            }
            clock_json(shared)
        }
        (_, "clock") | (_, "clock/advance") | (_, "clock/settle") | (_, "clock/mode") => {
            status::method_not_allowed(&req.method)
        }
        _ => status::not_found_path(),
    }
}

fn clock_json(shared: &Shared) -> Response {
    let st = shared.lock();
    let (mode, speed) = match st.clock.mode {
        ClockMode::Real { speed } => ("real", speed),
        ClockMode::Virtual => ("virtual", 0.0),
    };
    Response::json(
        200,
        &json!({
            "now": st.cluster.now().rfc3339(),
            "mode": mode,
            "speed": speed,
            "resourceVersion": st.cluster.resource_version().to_string(),
        }),
    )
}
