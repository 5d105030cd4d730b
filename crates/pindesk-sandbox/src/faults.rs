//! Armed faults: what `POST /_sandbox/faults` sets up for the next N requests matching a route
//! (a path template as written in docs/PROVIDERS.md, such as `/v2/card/{id}/passcode/code/set`, or
//! a literal path) and optionally a method. The first armed fault that matches is used and
//! its count goes down; at zero it is gone. `/_sandbox/` paths are never faulted.

use std::time::Duration;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a dropped connection is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DropPoint {
    /// Close without running the handler and without a response byte.
    BeforeHandling,
    /// Run the handler (its state change happens), then close without a response byte.
    BeforeResponse,
}

/// The body of `POST /_sandbox/faults`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    /// Path template or literal path.
    pub(crate) route: String,
    /// Only this method (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) method: Option<String>,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub(crate) count: u32,
    /// Wait this long before answering (after the handler, if it runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delay_ms: Option<u64>,
    /// Answer this status instead of running the handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    /// The canned body: a string is sent as is, anything else as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<Value>,
    /// The canned body's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
    /// A `Retry-After` header (seconds or an HTTP date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<Value>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) drop: Option<DropPoint>,
    /// Send the body one chunk every this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) drip_ms: Option<u64>,
    /// Size of each dripped chunk in bytes (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) drip_bytes: Option<usize>,
}

fn one() -> u32 {
    1
}

/// A fault that cannot be armed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FaultError {
    /// The route is not a path.
    #[error("route must be a path starting with /")]
    Route,
    /// The route is under /_sandbox/.
    #[error("sandbox control endpoints cannot be faulted")]
    SandboxRoute,
    /// The method is not an HTTP method.
    #[error("method is not an HTTP method")]
    Method,
    /// Zero requests.
    #[error("count must be at least 1")]
    Count,
    /// Not an HTTP status.
    #[error("status must be 100 to 599")]
    Status,
    /// Both a canned answer and a drop.
    #[error("status and drop cannot be combined")]
    StatusAndDrop,
    /// A body, content type or Retry-After without a status to go with it.
    #[error("body, content_type and retry_after need a status")]
    NeedsStatus,
    /// The content type or Retry-After is not a valid header value.
    #[error("content_type and retry_after must be valid header values")]
    Header,
    /// Zero-byte drip chunks.
    #[error("drip_bytes must be at least 1")]
    DripBytes,
}

/// A canned answer.
#[derive(Debug, Clone)]
pub(crate) struct Canned {
    status: StatusCode,
    body: Vec<u8>,
    content_type: Option<HeaderValue>,
    retry_after: Option<HeaderValue>,
}

impl Canned {
    /// The canned answer as a response.
    pub(crate) fn response(&self) -> Response {
        let mut response = (self.status, self.body.clone()).into_response();
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_TYPE);
        if let Some(ct) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, ct.clone());
        }
        if let Some(ra) = &self.retry_after {
            headers.insert(header::RETRY_AFTER, ra.clone());
        }
        response
    }
}

/// One armed fault, validated.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    spec: FaultSpec,
    method: Option<Method>,
    remaining: u32,
    /// Answer this instead of running the handler.
    pub(crate) canned: Option<Canned>,
    /// Close the connection without answering.
    pub(crate) drop: Option<DropPoint>,
    /// Wait before answering.
    pub(crate) delay: Option<Duration>,
    /// Drip the body: chunk interval and size.
    pub(crate) drip: Option<(Duration, usize)>,
}

impl Fault {
    /// Validates a spec.
    pub(crate) fn new(spec: FaultSpec) -> Result<Fault, FaultError> {
        if !spec.route.starts_with('/') {
            return Err(FaultError::Route);
        }
        if spec.route.starts_with("/_sandbox") {
            return Err(FaultError::SandboxRoute);
        }
        let method = match &spec.method {
            Some(m) => Some(
                Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
                    .map_err(|_| FaultError::Method)?,
            ),
            None => None,
        };
        if spec.count == 0 {
            return Err(FaultError::Count);
        }
        let canned = match spec.status {
            Some(status) => {
                if spec.drop.is_some() {
                    return Err(FaultError::StatusAndDrop);
                }
                let status = StatusCode::from_u16(status)
                    .ok()
                    .filter(|s| (100..=599).contains(&s.as_u16()))
                    .ok_or(FaultError::Status)?;
                let (body, default_type) = match &spec.body {
                    None => (Vec::new(), None),
                    Some(Value::String(s)) => {
                        (s.clone().into_bytes(), Some("text/plain; charset=utf-8"))
                    }
                    Some(v) => (
                        serde_json::to_vec(v).unwrap_or_default(),
                        Some("application/json"),
                    ),
                };
                let content_type = match (&spec.content_type, default_type) {
                    (Some(ct), _) => {
                        Some(HeaderValue::from_str(ct).map_err(|_| FaultError::Header)?)
                    }
                    (None, Some(ct)) => Some(HeaderValue::from_static(ct)),
                    (None, None) => None,
                };
                let retry_after = match &spec.retry_after {
                    None => None,
                    Some(Value::String(s)) => {
                        Some(HeaderValue::from_str(s).map_err(|_| FaultError::Header)?)
                    }
                    Some(v) => Some(
                        HeaderValue::from_str(&v.to_string()).map_err(|_| FaultError::Header)?,
                    ),
                };
                Some(Canned {
                    status,
                    body,
                    content_type,
                    retry_after,
                })
            }
            None => {
                if spec.body.is_some() || spec.content_type.is_some() || spec.retry_after.is_some()
                {
                    return Err(FaultError::NeedsStatus);
                }
                None
            }
        };
        let drip = match spec.drip_ms {
            Some(ms) => {
                let bytes = spec.drip_bytes.unwrap_or(8);
                if bytes == 0 {
                    return Err(FaultError::DripBytes);
                }
                Some((Duration::from_millis(ms), bytes))
            }
            None => None,
        };
        Ok(Fault {
            method,
            remaining: spec.count,
            canned,
            drop: spec.drop,
            delay: spec.delay_ms.map(Duration::from_millis),
            drip,
            spec,
        })
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method) && route_matches(&self.spec.route, path)
    }
}

/// Whether `path` fits `route`, where a `{name}` segment matches any one non-empty segment.
pub(crate) fn route_matches(route: &str, path: &str) -> bool {
    let route = route.trim_end_matches('/');
    let path = path.trim_end_matches('/');
    let mut r = route.split('/');
    let mut p = path.split('/');
    loop {
        match (r.next(), p.next()) {
            (None, None) => return true,
            (Some(rs), Some(ps)) => {
                let wildcard = rs.starts_with('{') && rs.ends_with('}');
                if !(wildcard && !ps.is_empty() || rs == ps) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The armed faults, in the order they were armed.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    armed: Vec<Fault>,
}

impl FaultBook {
    /// Arms a fault.
    pub(crate) fn arm(&mut self, fault: Fault) {
        self.armed.push(fault);
    }

    /// Disarms everything; answers how many were armed.
    pub(crate) fn clear(&mut self) -> usize {
        std::mem::take(&mut self.armed).len()
    }

    /// The first armed fault for this request, counting it down.
    pub(crate) fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let index = self.armed.iter().position(|f| f.matches(method, path))?;
        let fault = &mut self.armed[index];
        fault.remaining -= 1;
        let taken = fault.clone();
        if fault.remaining == 0 {
            self.armed.remove(index);
        }
        Some(taken)
    }

    /// What is armed, with the remaining counts.
    pub(crate) fn list(&self) -> Vec<FaultSpec> {
        self.armed
            .iter()
            .map(|f| FaultSpec {
                count: f.remaining,
                ..f.spec.clone()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(route: &str) -> FaultSpec {
        serde_json::from_value(serde_json::json!({ "route": route, "status": 503 })).expect("spec")
    }

    #[test]
    fn templates_match_one_segment_each() {
        let t = "/v2/card/{id}/passcode/code/set";
        assert!(route_matches(t, "/v2/card/1234435/passcode/code/set"));
        assert!(!route_matches(t, "/v2/card/1234435/passcode/sms/send"));
        assert!(!route_matches(t, "/v2/card//passcode/code/set"));
        assert!(route_matches("/oauth/token", "/oauth/token"));
        assert!(!route_matches("/oauth/token", "/oauth/token/x"));
    }

    #[test]
    fn counts_down_in_order() {
        let mut book = FaultBook::default();
        let mut two = spec("/oauth/token");
        two.count = 2;
        book.arm(Fault::new(two).expect("fault"));
        book.arm(Fault::new(spec("/oauth/{x}")).expect("fault"));
        assert_eq!(book.list()[0].count, 2);
        assert!(book.take(&Method::POST, "/oauth/token").is_some());
        assert!(book.take(&Method::POST, "/oauth/token").is_some());
        assert_eq!(book.list().len(), 1);
        assert!(book.take(&Method::GET, "/v2/card/rsa-public-key").is_none());
        assert!(book.take(&Method::POST, "/oauth/token").is_some());
        assert!(book.take(&Method::POST, "/oauth/token").is_none());
    }

    #[test]
    fn refuses_nonsense() {
        let mut s = spec("/x");
        s.drop = Some(DropPoint::BeforeResponse);
        assert_eq!(Fault::new(s).err(), Some(FaultError::StatusAndDrop));
        assert_eq!(Fault::new(spec("x")).err(), Some(FaultError::Route));
        assert_eq!(
            Fault::new(spec("/_sandbox/faults")).err(),
            Some(FaultError::SandboxRoute)
        );
        let mut s = spec("/x");
        s.status = Some(1000);
        assert_eq!(Fault::new(s).err(), Some(FaultError::Status));
    }
}
