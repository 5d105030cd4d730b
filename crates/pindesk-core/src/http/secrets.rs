//! Requests that carry a secret: bodies and header values in memory zeroized on drop.

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde::Serialize;
use zeroize::Zeroizing;

use super::TransportError;

/// Wraps serialized bytes that contain a secret as a request body; the bytes are zeroized
/// when the transport releases them.
pub fn secret_body(bytes: Zeroizing<Vec<u8>>) -> reqwest::Body {
    reqwest::Body::from(Bytes::from_owner(bytes))
}

/// Builds a header value holding a secret (`prefix` + `secret`, e.g. `Bearer ` + token),
/// marked sensitive and backed by memory zeroized on drop. Fails, without saying why in
/// terms of the value, when the secret contains characters a header cannot carry.
pub fn secret_header(prefix: &str, secret: &str) -> Result<HeaderValue, TransportError> {
    let mut buf = Zeroizing::new(Vec::with_capacity(prefix.len() + secret.len()));
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(secret.as_bytes());
    let mut value = HeaderValue::from_maybe_shared(Bytes::from_owner(buf)).map_err(|_| {
        TransportError::invalid_request(
            "a credential contains characters that cannot be sent in a header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Serializes `value` as JSON into a zeroizing buffer sized up front so it never regrows
/// (a regrowth would leave a copy behind). `estimate` is the total length of its strings.
pub(crate) fn json_secret_body<T: Serialize>(
    value: &T,
    estimate: usize,
) -> Result<Zeroizing<Vec<u8>>, TransportError> {
    // Worst case JSON escapes a byte as \u00XX (6 bytes); 256 covers keys and punctuation.
    let mut buf = Zeroizing::new(Vec::with_capacity(
        estimate.saturating_mul(6).saturating_add(256),
    ));
    serde_json::to_writer(&mut *buf, value)
        .map_err(|_| TransportError::invalid_request("the request body could not be serialized"))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::super::NotSentReason;
    use super::*;

    #[test]
    fn secret_header_is_sensitive() {
        let v = secret_header("Bearer ", "abc.def").unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer abc.def");
        assert!(!format!("{v:?}").contains("abc"));
        let e = secret_header("Bearer ", "abc\ndef").unwrap_err();
        assert!(matches!(
            e,
            TransportError::NotSent {
                reason: NotSentReason::InvalidRequest,
                ..
            }
        ));
        assert!(!e.to_string().contains("abc"));
    }

    #[test]
    fn json_secret_body_fits_without_regrowth() {
        #[derive(Serialize)]
        struct B<'a> {
            pin: &'a str,
        }
        let nasty = "\u{1}\"\\".repeat(10);
        let body = json_secret_body(&B { pin: &nasty }, nasty.len()).unwrap();
        let cap = body.capacity();
        assert!(body.len() <= cap);
        assert_eq!(cap, nasty.len() * 6 + 256);
        let back: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(back["pin"], nasty.as_str());
    }
}
