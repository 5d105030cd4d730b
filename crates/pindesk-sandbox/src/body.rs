//! Reading request bodies the way the providers do: the media type is checked, JSON must be
//! an object, and each required field must be a string. Problems are reported by kind and
//! field so each provider can answer in its own shape; messages never echo the body.

use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

/// What is wrong with a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyProblem {
    /// The `Content-Type` is missing or not the one expected.
    #[error("Content-Type must be {0}")]
    MediaType(&'static str),
    /// Not JSON at all.
    #[error("the request body is not valid JSON (line {0}, column {1})")]
    Malformed(usize, usize),
    /// JSON, but not an object.
    #[error("the request body must be a JSON object")]
    NotObject,
    /// A required field is absent.
    #[error("{0} is required")]
    Missing(&'static str),
    /// A field has the wrong JSON type.
    #[error("{0} must be a string")]
    NotString(&'static str),
}

impl BodyProblem {
    /// The request field at fault, if one is.
    pub(crate) fn field(&self) -> Option<&'static str> {
        match self {
            BodyProblem::Missing(f) | BodyProblem::NotString(f) => Some(f),
            _ => None,
        }
    }
}

/// Whether the request's `Content-Type` is `expected` (parameters such as charset allowed).
pub(crate) fn has_media_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

/// A JSON object body.
pub(crate) fn json_object(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, BodyProblem> {
    if !has_media_type(headers, "application/json") {
        return Err(BodyProblem::MediaType("application/json"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyProblem::NotObject),
        Err(e) => Err(BodyProblem::Malformed(e.line(), e.column())),
    }
}

/// A required string field.
pub(crate) fn string_field(
    map: &Map<String, Value>,
    name: &'static str,
) -> Result<String, BodyProblem> {
    match map.get(name) {
        None | Some(Value::Null) => Err(BodyProblem::Missing(name)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(BodyProblem::NotString(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn json_headers(ct: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        h
    }

    #[test]
    fn reads_objects_and_fields() {
        let h = json_headers("application/json; charset=utf-8");
        let map = json_object(&h, br#"{"code":"1234","n":1}"#).expect("object");
        assert_eq!(string_field(&map, "code").as_deref(), Ok("1234"));
        assert_eq!(string_field(&map, "n"), Err(BodyProblem::NotString("n")));
        assert_eq!(string_field(&map, "x"), Err(BodyProblem::Missing("x")));
        assert_eq!(json_object(&h, b"[1]"), Err(BodyProblem::NotObject));
        assert!(matches!(
            json_object(&h, b"{"),
            Err(BodyProblem::Malformed(..))
        ));
        assert_eq!(
            json_object(&json_headers("text/plain"), b"{}"),
            Err(BodyProblem::MediaType("application/json"))
        );
        assert!(!format!("{}", BodyProblem::Malformed(1, 2)).contains('{'));
    }
}
