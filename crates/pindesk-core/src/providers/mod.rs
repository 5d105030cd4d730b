//! Typed clients for the two card-issuer APIs ([`vault`], [`solid`]) and what they share: how
//! a failure maps to a [`Category`](crate::error::Category) and how provider text is made safe
//! to show.
//!
//! Each client is a plain struct over one `reqwest::Client` (see [`crate::http`]) and a
//! [`BaseUrl`](crate::validate::BaseUrl); it holds no secret, keeps no state and never
//! retries a state-changing call. Each error type answers `category()`,
//! `operator_message()` and `reference()`.
//!
//! Category mapping (the same for both providers):
//!
//! | outcome | category |
//! | --- | --- |
//! | bad input caught before sending (ids, expiry, policy) | `validation` (callers check with [`crate::validate`] / [`crate::policy`]) |
//! | the provider answered no: 400/404/409/422 and other 4xx | `rejected` |
//! | 5xx from the provider, or 429 | `rejected` (the provider answered; the message says to try again later) |
//! | 502/504 answered to a state-changing call | `unknown_outcome` (a gateway answered; the provider behind it may have acted) |
//! | a 2xx to a state-changing call without the documented confirmation | `unknown_outcome` (it arrived; whether it applied is not known) |
//! | an unreadable answer to a read (sign-in, RSA key, PIN token) | `rejected` |
//! | 401/403, or a credential a header cannot carry | `credentials` |
//! | the request provably never left ([`TransportError::NotSent`](crate::http::TransportError::NotSent)) | `network` |
//! | the request may have arrived ([`TransportError::MaybeSent`](crate::http::TransportError::MaybeSent)) | `unknown_outcome`; never retried automatically |
//!
//! Provider text (messages, fields, codes) is hostile input: [`clean_text`] strips control and
//! bidirectional-formatting characters, collapses whitespace, caps it at
//! [`MAX_PROVIDER_TEXT`] characters and blanks any secret of the call it answers. Vault's
//! `errorStackTrace` is never kept.

pub mod solid;
mod status;
pub mod vault;

/// The most characters of one piece of provider text kept for display.
pub const MAX_PROVIDER_TEXT: usize = 300;

/// Makes a piece of provider (or transport) text safe to show: no control or
/// bidirectional-formatting characters, whitespace collapsed, at most [`MAX_PROVIDER_TEXT`]
/// characters (an ellipsis marks a cut), and every occurrence of each of `secrets` (those of
/// three or more characters) replaced by `[redacted]`.
pub fn clean_text(text: &str, secrets: &[&str]) -> String {
    // Redact before and after normalising, since removing invisible characters or
    // collapsing whitespace can join the pieces of a secret.
    let normalised = redact(&normalise(&redact(text, secrets)), secrets);
    if normalised.chars().count() <= MAX_PROVIDER_TEXT {
        return normalised;
    }
    let mut out: String = normalised.chars().take(MAX_PROVIDER_TEXT).collect();
    out.push('…');
    out
}

fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if secret.chars().count() >= 3 && out.contains(secret) {
            out = out.replace(secret, "[redacted]");
        }
    }
    out
}

fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
        } else if !is_format_char(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Invisible characters that can reorder or hide text on screen.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// A cleaned, non-empty piece of provider text, or `None`.
pub(crate) fn clean_opt(text: Option<&str>, secrets: &[&str]) -> Option<String> {
    let cleaned = clean_text(text?, secrets);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// A short description of an unreadable body for `Malformed` errors (never its content).
pub(crate) fn describe_body(content_type: Option<&str>, body: &[u8]) -> String {
    if body.is_empty() {
        return "empty answer".to_owned();
    }
    let kind = match content_type {
        Some(ct) if ct.to_ascii_lowercase().contains("json") => "JSON of an unexpected shape",
        Some(ct) if ct.to_ascii_lowercase().contains("html") => "an HTML page, not JSON",
        _ if serde_json::from_slice::<serde_json::Value>(body).is_ok() => {
            "JSON of an unexpected shape"
        }
        _ => "not JSON",
    };
    format!("{kind} ({} bytes)", body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_text_strips_and_caps() {
        assert_eq!(clean_text("  a\r\n\tb\u{7}c  ", &[]), "a b c");
        assert_eq!(clean_text("x\u{202E}evil\u{200B}", &[]), "xevil");
        assert_eq!(clean_text("\u{1b}[31mred\u{1b}[0m", &[]), "[31mred [0m");
        let long = "é".repeat(1000);
        let cut = clean_text(&long, &[]);
        assert_eq!(cut.chars().count(), MAX_PROVIDER_TEXT + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(
            clean_text(&"a".repeat(MAX_PROVIDER_TEXT), &[])
                .chars()
                .count(),
            MAX_PROVIDER_TEXT
        );
        assert_eq!(
            clean_text(
                "passCode pass123 rejected for 4729",
                &["pass123", "4729", "12"]
            ),
            "passCode [redacted] rejected for [redacted]"
        );
        assert_eq!(clean_opt(Some(" \n "), &[]), None);
        assert_eq!(clean_opt(None, &[]), None);
    }

    #[test]
    fn describes_bodies_without_content() {
        assert_eq!(describe_body(None, b""), "empty answer");
        assert_eq!(
            describe_body(Some("text/html"), b"<html>secret</html>"),
            "an HTML page, not JSON (19 bytes)"
        );
        assert_eq!(
            describe_body(None, b"[1]"),
            "JSON of an unexpected shape (3 bytes)"
        );
        assert_eq!(
            describe_body(Some("text/plain"), b"nope"),
            "not JSON (4 bytes)"
        );
    }

    proptest! {
        #[test]
        fn clean_text_is_bounded_and_printable(s in "\\PC{0,1000}|[\\x00-\\x7f]{0,1000}") {
            let out = clean_text(&s, &["abc"]);
            prop_assert!(out.chars().count() <= MAX_PROVIDER_TEXT + 1);
            prop_assert!(!out.chars().any(|c| c.is_control() || is_format_char(c)));
            prop_assert!(!out.contains("abc"));
        }
    }
}
