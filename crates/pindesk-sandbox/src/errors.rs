//! Errors as each provider writes them. Vault answers
//! `{"error","errorId","message","systemId":"sandbox","field"}`; Solid answers
//! `{"request_id","client_id","method","status","error":{"code","message","field_name"},"created_at"}`;
//! the sandbox's own controls answer `{"error"}`. Messages name the rule or field at fault and
//! never echo a secret.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::config::random_hex;

/// Whose API a path belongs to, which decides the error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    /// `/oauth/token` and `/v2/card/…`.
    Vault,
    /// `/v2/issuing/…`.
    Solid,
    /// `/v1/card/…` (the PIN endpoint), which answers in Solid's flat v1 shape.
    SolidV1,
    /// `/_sandbox/…` and anything else.
    Sandbox,
}

impl Provider {
    /// The provider a request path belongs to.
    pub(crate) fn of_path(path: &str) -> Provider {
        let mut segments = path.trim_start_matches('/').split('/');
        match (segments.next(), segments.next()) {
            (Some("oauth"), _) | (Some("signout"), _) | (Some("v2"), Some("card")) => {
                Provider::Vault
            }
            (Some("v2"), Some("issuing")) => Provider::Solid,
            (Some("v1"), Some("card")) => Provider::SolidV1,
            _ => Provider::Sandbox,
        }
    }

    /// A 404 for an unknown route, in this provider's shape.
    pub(crate) fn not_found(self, method: &Method) -> Response {
        match self {
            Provider::Vault => {
                VaultError::new(VaultKind::NotFound, "no such endpoint").into_response()
            }
            Provider::Solid | Provider::SolidV1 => {
                self.solid(SolidKind::NotFound, "no such endpoint", method)
            }
            Provider::Sandbox => {
                SandboxError::not_found("no such sandbox endpoint").into_response()
            }
        }
    }

    /// A 405 for a known route called with the wrong method.
    pub(crate) fn method_not_allowed(self, method: &Method) -> Response {
        let message = format!("method {method} is not allowed on this endpoint");
        match self {
            Provider::Vault => {
                VaultError::new(VaultKind::MethodNotAllowed, message).into_response()
            }
            Provider::Solid | Provider::SolidV1 => {
                self.solid(SolidKind::MethodNotAllowed, message, method)
            }
            Provider::Sandbox => {
                SandboxError::new(StatusCode::METHOD_NOT_ALLOWED, message).into_response()
            }
        }
    }

    /// A 413 for a body over the limit.
    pub(crate) fn too_large(self, method: &Method, limit: usize) -> Response {
        let message = format!("request body is larger than {limit} bytes");
        match self {
            Provider::Vault => VaultError::new(VaultKind::PayloadTooLarge, message).into_response(),
            Provider::Solid | Provider::SolidV1 => {
                self.solid(SolidKind::PayloadTooLarge, message, method)
            }
            Provider::Sandbox => {
                SandboxError::new(StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
            }
        }
    }

    /// A 400 for a body that could not be read.
    pub(crate) fn unreadable_body(self, method: &Method) -> Response {
        let message = "the request body could not be read";
        match self {
            Provider::Vault => VaultError::new(VaultKind::Validation, message).into_response(),
            Provider::Solid | Provider::SolidV1 => {
                self.solid(SolidKind::InvalidRequest, message, method)
            }
            Provider::Sandbox => SandboxError::bad_request(message).into_response(),
        }
    }

    /// A 500 for a handler that failed unexpectedly (it panicked).
    pub(crate) fn internal(self, method: &Method) -> Response {
        let message = "internal sandbox error";
        match self {
            Provider::Vault => VaultError::new(VaultKind::Internal, message).into_response(),
            Provider::Solid | Provider::SolidV1 => self.solid(SolidKind::Internal, message, method),
            Provider::Sandbox => {
                SandboxError::new(StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
            }
        }
    }
}

/// A refusal Vault's documents publish: answered 400 with its own `error`, `errorId` and
/// message, and `"systemId":"core"`, exactly as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Documented {
    pub(crate) error: &'static str,
    pub(crate) error_id: i64,
    pub(crate) message: &'static str,
}

impl Provider {
    /// A Solid error in this path's shape (v1 flat, or v2).
    fn solid(self, kind: SolidKind, message: impl Into<String>, method: &Method) -> Response {
        let error = SolidError::new(kind, message).method(method);
        match self {
            Provider::SolidV1 => error.v1().into_response(),
            _ => error.into_response(),
        }
    }
}

/// The kinds of Vault error the sandbox answers, each with its status, `error` and `errorId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VaultKind {
    /// One of Vault's documented refusals (sign-in).
    Documented(Documented),
    /// 401: missing, unknown or expired bearer token.
    Unauthorized,
    /// 400 `invalid_token`: a signed-out (revoked) bearer token. Vault does not document this
    /// answer; the sandbox gives it so clients handle a 400 as well as a 401.
    TokenRevoked,
    /// 400: a request field or path parameter is malformed or missing.
    Validation,
    /// 415: the body is not in the expected media type.
    UnsupportedMediaType,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 404: unknown card or endpoint.
    NotFound,
    /// 405: wrong method.
    MethodNotAllowed,
    /// 400: the card exists but is not active.
    CardInactive,
    /// 400: no SMS code was sent, or it was already used.
    CodeNotSent,
    /// 400: the SMS code is wrong.
    CodeInvalid,
    /// 400: the SMS code is past its lifetime.
    CodeExpired,
    /// 400: too many wrong attempts burnt the SMS code.
    CodeAttemptsExceeded,
    /// 400: the SMS code was not verified before setting the passcode.
    CodeNotVerified,
    /// 400: `keyId` is not the current key's id.
    KeyIdInvalid,
    /// 400: `passCode` could not be decrypted with the current key and padding.
    PassCodeUndecryptable,
    /// 400: the decrypted passcode breaks the passcode policy.
    PassCodePolicy,
    /// 500: the sandbox failed.
    Internal,
}

impl VaultKind {
    fn parts(self) -> (StatusCode, &'static str, i64) {
        use VaultKind::*;
        match self {
            Documented(d) => (StatusCode::BAD_REQUEST, d.error, d.error_id),
            Unauthorized => (StatusCode::UNAUTHORIZED, "UNAUTHORIZED", 1001),
            TokenRevoked => (StatusCode::BAD_REQUEST, "invalid_token", 1003),
            Validation => (StatusCode::BAD_REQUEST, "VALIDATION", 2001),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                2002,
            ),
            PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", 2003),
            NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND", 3001),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", 3002),
            CardInactive => (StatusCode::BAD_REQUEST, "CARD_INACTIVE", 4001),
            CodeNotSent => (StatusCode::BAD_REQUEST, "CODE_NOT_SENT", 4101),
            CodeInvalid => (StatusCode::BAD_REQUEST, "CODE_INVALID", 4102),
            CodeExpired => (StatusCode::BAD_REQUEST, "CODE_EXPIRED", 4103),
            CodeAttemptsExceeded => (StatusCode::BAD_REQUEST, "CODE_ATTEMPTS_EXCEEDED", 4104),
            CodeNotVerified => (StatusCode::BAD_REQUEST, "CODE_NOT_VERIFIED", 4105),
            KeyIdInvalid => (StatusCode::BAD_REQUEST, "KEY_ID_INVALID", 4201),
            PassCodeUndecryptable => (StatusCode::BAD_REQUEST, "PASSCODE_UNDECRYPTABLE", 4202),
            PassCodePolicy => (StatusCode::BAD_REQUEST, "PASSCODE_POLICY", 4203),
            Internal => (StatusCode::INTERNAL_SERVER_ERROR, "COMMON", 5000),
        }
    }
}

/// A Vault error answer.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct VaultError {
    pub(crate) kind: VaultKind,
    message: String,
    field: Option<&'static str>,
}

impl VaultError {
    /// One of Vault's documented refusals, with its documented message.
    pub(crate) fn documented(documented: Documented) -> Self {
        VaultError::new(VaultKind::Documented(documented), documented.message)
    }

    /// An error of `kind` with an operator-readable message.
    pub(crate) fn new(kind: VaultKind, message: impl Into<String>) -> Self {
        VaultError {
            kind,
            message: message.into(),
            field: None,
        }
    }

    /// Names the request field at fault.
    pub(crate) fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }
}

impl IntoResponse for VaultError {
    fn into_response(self) -> Response {
        let (status, error, error_id) = self.kind.parts();
        let system = match self.kind {
            VaultKind::Documented(_) => "core",
            _ => "sandbox",
        };
        let mut body = json!({
            "error": error,
            "errorId": error_id,
            "message": self.message,
            "systemId": system,
        });
        if let (Some(field), Some(map)) = (self.field, body.as_object_mut()) {
            map.insert("field".into(), Value::from(field));
        }
        json_response(status, &body)
    }
}

/// The kinds of Solid error the sandbox answers, each with its status and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SolidKind {
    /// 401: missing or wrong `api-key`, or an unusable PIN token.
    Unauthorized,
    /// 404: unknown card or endpoint.
    NotFound,
    /// 400: a request field is malformed, missing or wrong.
    InvalidRequest,
    /// 400: the card exists but is not active.
    CardInactive,
    /// 400: the PIN breaks the PIN policy.
    PinPolicy,
    /// 415: the body is not JSON.
    UnsupportedMediaType,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 405: wrong method.
    MethodNotAllowed,
    /// 500: the sandbox failed.
    Internal,
}

impl SolidKind {
    fn parts(self) -> (StatusCode, &'static str) {
        use SolidKind::*;
        match self {
            Unauthorized => (StatusCode::UNAUTHORIZED, "ERROR_CODE_UNAUTHORIZED"),
            NotFound => (StatusCode::NOT_FOUND, "ERROR_CODE_RESOURCE_NOT_FOUND"),
            InvalidRequest => (StatusCode::BAD_REQUEST, "ERROR_CODE_INVALID_REQUEST"),
            CardInactive => (StatusCode::BAD_REQUEST, "ERROR_CODE_CARD_INACTIVE"),
            PinPolicy => (StatusCode::BAD_REQUEST, "ERROR_CODE_INVALID_PIN"),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "ERROR_CODE_UNSUPPORTED_MEDIA_TYPE",
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "ERROR_CODE_PAYLOAD_TOO_LARGE",
            ),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "ERROR_CODE_METHOD_NOT_ALLOWED",
            ),
            Internal => (StatusCode::INTERNAL_SERVER_ERROR, "ERROR_CODE_INTERNAL"),
        }
    }
}

/// A Solid error answer.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct SolidError {
    pub(crate) kind: SolidKind,
    message: String,
    field_name: &'static str,
    method: String,
    v1: bool,
}

impl SolidError {
    /// An error of `kind` for a POST (every Solid call PinDesk makes).
    pub(crate) fn new(kind: SolidKind, message: impl Into<String>) -> Self {
        SolidError {
            kind,
            message: message.into(),
            field_name: "",
            method: "POST".into(),
            v1: false,
        }
    }

    /// Names the request field at fault.
    pub(crate) fn field(mut self, field: &'static str) -> Self {
        self.field_name = field;
        self
    }

    /// Answered in v1's flat shape (the PIN endpoint).
    pub(crate) fn v1(mut self) -> Self {
        self.v1 = true;
        self
    }

    /// The request's method, echoed in the answer.
    pub(crate) fn method(mut self, method: &Method) -> Self {
        self.method = method.as_str().to_owned();
        self
    }
}

impl IntoResponse for SolidError {
    fn into_response(self) -> Response {
        let (status, code) = self.kind.parts();
        if self.v1 {
            // v1: `{requestId, method, status, code, message, sysMessage}`.
            let body = json!({
                "requestId": format!("req_{}", random_hex(16)),
                "method": self.method,
                "status": status.as_u16(),
                "code": code,
                "message": self.message,
                "sysMessage": match self.field_name {
                    "" => code.to_owned(),
                    field => format!("{code}: {field}"),
                },
            });
            return json_response(status, &body);
        }
        let body = json!({
            "request_id": format!("req_{}", random_hex(16)),
            "client_id": "",
            "method": self.method,
            "status": status.as_u16(),
            "error": {
                "code": code,
                "message": self.message,
                "field_name": self.field_name,
            },
            "created_at": crate::clock::rfc3339(time::OffsetDateTime::now_utc()),
        });
        json_response(status, &body)
    }
}

/// An error from a `/_sandbox/` control endpoint.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct SandboxError {
    status: StatusCode,
    message: String,
}

impl SandboxError {
    /// An error with any status.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        SandboxError {
            status,
            message: message.into(),
        }
    }

    /// 400.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        SandboxError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        SandboxError::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        json_response(self.status, &json!({ "error": self.message }))
    }
}

/// A JSON answer with an explicit `application/json` content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_providers() {
        assert_eq!(Provider::of_path("/oauth/token"), Provider::Vault);
        assert_eq!(
            Provider::of_path("/v2/card/1/passcode/sms/send"),
            Provider::Vault
        );
        assert_eq!(
            Provider::of_path("/v2/issuing/card/x/set_pin_token"),
            Provider::Solid
        );
        assert_eq!(Provider::of_path("/v1/card/x/pin"), Provider::SolidV1);
        assert_eq!(Provider::of_path("/signout"), Provider::Vault);
        assert_eq!(Provider::of_path("/v2/cards"), Provider::Sandbox);
        assert_eq!(Provider::of_path("/_sandbox/faults"), Provider::Sandbox);
    }

    #[test]
    fn vault_error_ids_are_distinct() {
        use VaultKind::*;
        let kinds = [
            Unauthorized,
            TokenRevoked,
            Validation,
            UnsupportedMediaType,
            PayloadTooLarge,
            NotFound,
            MethodNotAllowed,
            CardInactive,
            CodeNotSent,
            CodeInvalid,
            CodeExpired,
            CodeAttemptsExceeded,
            CodeNotVerified,
            KeyIdInvalid,
            PassCodeUndecryptable,
            PassCodePolicy,
            Internal,
        ];
        let mut ids: Vec<i64> = kinds.iter().map(|k| k.parts().2).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), kinds.len());
    }
}
