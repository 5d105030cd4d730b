//! The fault matrix: both flows through the services ([`Desk`]) under every way the network
//! or a provider can fail, using the sandbox's fault injection and a few loopback servers of
//! this file's own.
//!
//! The matrix is data: [`cases`] holds one [`Case`] per row (the fault, the step it hits, what
//! the operator sees, what the history records, how many requests left) and [`run`] is the one
//! runner. [`fault_matrix`] runs every row, each on a fresh sandbox and desk, and lists every
//! row that failed by its name; `FAULT_CASE=<part of a name>` runs only the rows that match.
//!
//! Each failing row asserts the operator-facing category and message (plain words, no secret,
//! no stack trace, no markup), the outcome of the history entry, and how many times the
//! request left: a send that may have arrived is never repeated, while the RSA key (a GET) is
//! retried. Requests are counted with "counter" faults: a sandbox fault with no action (no
//! status, no drop, no delay) changes nothing but counts down on every matching request, so a
//! counter armed at [`COUNTER`] that reads `COUNTER - n` afterwards saw exactly `n` requests.
//! A fault armed before a counter on the same route is used first (faults match in arming
//! order).
//!
//! Only 127.0.0.1 is ever contacted: every desk here resolves names with a resolver that fails
//! every lookup without asking anyone (that is also the "host does not resolve" case), and
//! every URL the tests call is an IP literal.
//!
//! The observed matrix is written down in `docs/FAULTS.md`.

mod common;

use common::*;
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::{Desk, Error, NewCredentials, DEMO_SOLID_PROFILE, DEMO_VAULT_PROFILE};
use pindesk_core::error::Category;
use pindesk_core::history::{Filter, Outcome, Page};
use pindesk_core::http::{HttpSettings, RefusingResolver};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{Environment, ProfileId};
use pindesk_core::secret::{AccessToken, ApiKey, Passcode, Password, Pin, SmsCode};
use pindesk_sandbox::Sandbox;
use reqwest::dns::{Name, Resolve, Resolving};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zeroize::Zeroizing;

const VAULT_CARD: &str = "1234435";
const VAULT_CARD_N: i64 = 1_234_435;
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const PASSCODE: &str = "Canary7Pass";
const PIN: &str = "6644";

const SEND_CODE: &str = "/v2/card/{id}/passcode/sms/send";
const SET_PASSCODE: &str = "/v2/card/{id}/passcode/code/set";
const RSA_KEY: &str = "/v2/card/rsa-public-key";
const OAUTH: &str = "/oauth/token";
const CARD_LIST: &str = "/v2/card/list";
const SOLID_CARD_ROUTE: &str = "/v2/issuing/card/{card_id}";
const PIN_TOKEN: &str = "/v2/issuing/card/{card_id}/set_pin_token";
const SET_PIN: &str = "/v1/card/{card_id}/pin";

/// The count a counter fault is armed with.
const COUNTER: u64 = 100;

/// Short timeouts so the timeout cases take about a second.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(600);
const TOTAL_TIMEOUT: Duration = Duration::from_millis(1500);

fn quick() -> HttpSettings {
    HttpSettings {
        connect_timeout: CONNECT_TIMEOUT,
        total_timeout: TOTAL_TIMEOUT,
    }
}

// ---------------------------------------------------------------------------------------
// The table's vocabulary.
// ---------------------------------------------------------------------------------------

/// One row of the matrix.
struct Case {
    /// The fault, as `docs/FAULTS.md` names it; with the step, the row's name.
    case: &'static str,
    /// How the fault is made to happen.
    fault: Fault,
    /// Which profile makes the calls (for a loopback fault, always `vault-at` / `solid-at`).
    who: Who,
    /// Operations run before the fault is armed (their requests are not counted).
    before: &'static [Before],
    /// The call that meets the fault.
    step: Step,
    /// What the operator sees and the history records.
    expect: Expect,
    /// Requests per sandbox route after the fault was armed: `(route, count)`.
    sent: &'static [(&'static str, u64)],
    /// Connections the loopback server saw, or lookups of the name that does not resolve.
    attempts: Option<usize>,
    /// Whether the step took effect at the sandbox: the passcode or PIN is the new one, or
    /// (for sending a code) an SMS was sent.
    applied: Option<bool>,
    /// The step ended within this time.
    within: Option<Duration>,
    /// A check only this row needs, after the common ones.
    extra: Option<fn(&Fx, &Seen)>,
}

/// The defaults of a row: the demo profile, nothing before, nothing counted.
const ROW: Case = Case {
    case: "",
    fault: Fault::Armed(Vec::new()),
    who: Who::Demo,
    before: &[],
    step: Step::SendCode,
    expect: Expect::Succeeds,
    sent: &[],
    attempts: None,
    applied: None,
    within: None,
    extra: None,
};

impl Case {
    /// The row's name in failure output.
    fn name(&self) -> String {
        format!("{} / {}", self.case, self.step.label())
    }
}

/// How a row's fault comes about.
enum Fault {
    /// Sandbox faults (bodies of `POST /_sandbox/faults`), armed in this order.
    Armed(Vec<Value>),
    /// The sandbox clock moves forward this far: tokens expire.
    Clock(Duration),
    /// The sandbox replaces Vault's RSA key pair.
    RotatedKey,
    /// The profiles point at a port nothing listens on.
    Refused,
    /// The profiles point at a host name that does not resolve.
    Unresolvable,
    /// The profiles point at an HTTPS server with a certificate nobody trusts.
    UntrustedTls,
    /// The profiles point at a server that never answers the TLS handshake.
    Silent,
}

/// Which profile makes a row's calls.
#[derive(Clone, Copy, PartialEq)]
enum Who {
    /// The demo profile of the step's provider (the sandbox's fixed credentials).
    Demo,
    /// `vault-signin`: a stored sign-in (phone and password) at the sandbox.
    SignIn,
    /// `vault-pasted`: a token from Vault's sign-in, pasted into the profile (it expires).
    Pasted,
}

/// An operation run before the fault.
enum Before {
    /// Sends and verifies an SMS code; the steps after use that code.
    VerifiedCode,
    /// Sends an SMS code.
    SendCode,
    /// Gets a PIN token, which the desk holds.
    PinToken,
    /// Sets this passcode with the verified code.
    SetPasscode(&'static str),
}

/// The operation that meets the fault.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// Vault: send an SMS code.
    SendCode,
    /// Vault: set the passcode (after a GET of the RSA key); with the verified code if one
    /// was made before, else with `1234`.
    SetPasscode,
    /// Solid: get a PIN token.
    PinToken,
    /// Solid: set the PIN (getting a PIN token first when none is held).
    SetPin,
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::SendCode => "Vault send code",
            Step::SetPasscode => "Vault set passcode",
            Step::PinToken => "Solid PIN token",
            Step::SetPin => "Solid set PIN",
        }
    }

    /// The operation its history entry names.
    fn operation(self) -> &'static str {
        match self {
            Step::SendCode => "vault.send_code",
            Step::SetPasscode => "vault.set_passcode",
            Step::PinToken => "solid.pin_token",
            Step::SetPin => "solid.set_pin",
        }
    }

    fn is_vault(self) -> bool {
        matches!(self, Step::SendCode | Step::SetPasscode)
    }
}

/// What a row must show the operator and leave in the history.
enum Expect {
    /// The step succeeds, and every history entry is `ok`.
    Succeeds,
    /// The step fails with this category and history outcome; its message holds every phrase.
    Fails {
        category: Category,
        history: Outcome,
        says: &'static [&'static str],
    },
}

/// Shorthand for [`Expect::Fails`].
const fn fails(category: Category, history: Outcome, says: &'static [&'static str]) -> Expect {
    Expect::Fails {
        category,
        history,
        says,
    }
}

/// What the runner saw, for a row's own check.
struct Seen {
    /// The step's error message, when it failed.
    message: Option<String>,
    /// The profile's stored access token just before the fault.
    token_before: Option<Zeroizing<String>>,
    /// The profile the step ran with.
    profile: &'static str,
}

// ---------------------------------------------------------------------------------------
// The matrix, in the order of `docs/FAULTS.md`.
// ---------------------------------------------------------------------------------------

fn cases() -> Vec<Case> {
    use Category::{Credentials, Network, Rejected, UnknownOutcome};

    // Vault's error body for the 5xx rows.
    let vault_error = json!({"error": "COMMON", "message": "Internal error"});
    let page = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable</h1><pre>at com.vault.Gateway.handle(Gateway.java:42)</pre><script>alert(1)</script></body></html>";
    // Just over the 1 MiB cap (the sandbox's control endpoints take at most 2 MiB, axum's default).
    let huge = "a".repeat(1024 * 1024 + 64 * 1024);
    let status = |route: &str, status: u16, body: Value| json!({"route": route, "method": "POST", "status": status, "body": body});
    let answer = |route: &str, method: &str, status: u16, body: &str, content_type: &str| json!({"route": route, "method": method, "status": status, "body": body, "content_type": content_type});
    let armed = |faults: &[Value]| Fault::Armed(faults.to_vec());

    vec![
        // Never sent: connection refused, no DNS answer, TLS failure, connect timeout.
        Case {
            case: "connection refused",
            fault: Fault::Refused,
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["Could not reach Vault: the connection was refused. Nothing was sent."]),
            ..ROW
        },
        Case {
            case: "connection refused",
            fault: Fault::Refused,
            step: Step::PinToken,
            expect: fails(Network, Outcome::Failed, &["Could not reach Solid: the connection was refused. Nothing was sent."]),
            ..ROW
        },
        Case {
            case: "host does not resolve",
            fault: Fault::Unresolvable,
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["the host name could not be resolved. Nothing was sent."]),
            attempts: Some(1),
            extra: Some(host_not_named),
            ..ROW
        },
        // Setting a passcode starts with the RSA key, a GET: tried three times in all.
        Case {
            case: "host does not resolve",
            fault: Fault::Unresolvable,
            step: Step::SetPasscode,
            expect: fails(Network, Outcome::Failed, &["the host name could not be resolved. Nothing was sent."]),
            attempts: Some(3),
            extra: Some(host_not_named),
            ..ROW
        },
        Case {
            case: "host does not resolve",
            fault: Fault::Unresolvable,
            step: Step::PinToken,
            expect: fails(Network, Outcome::Failed, &["the host name could not be resolved. Nothing was sent."]),
            attempts: Some(1),
            extra: Some(host_not_named),
            ..ROW
        },
        // A send: one connection, refused by the client at the handshake, not tried again.
        Case {
            case: "untrusted certificate",
            fault: Fault::UntrustedTls,
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["the server's certificate is signed by an authority this profile does not trust. Nothing was sent."]),
            attempts: Some(1),
            ..ROW
        },
        Case {
            case: "untrusted certificate",
            fault: Fault::UntrustedTls,
            step: Step::SetPasscode,
            expect: fails(Network, Outcome::Failed, &["the server's certificate is signed by an authority this profile does not trust. Nothing was sent."]),
            attempts: Some(3),
            ..ROW
        },
        Case {
            case: "untrusted certificate",
            fault: Fault::UntrustedTls,
            step: Step::PinToken,
            expect: fails(Network, Outcome::Failed, &["the server's certificate is signed by an authority this profile does not trust. Nothing was sent."]),
            attempts: Some(1),
            ..ROW
        },
        // The connect timeout, not the total, ends it.
        Case {
            case: "timeout before the request is sent",
            fault: Fault::Silent,
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["connecting timed out. Nothing was sent."]),
            attempts: Some(1),
            within: Some(TOTAL_TIMEOUT),
            ..ROW
        },
        Case {
            case: "timeout before the request is sent",
            fault: Fault::Silent,
            step: Step::PinToken,
            expect: fails(Network, Outcome::Failed, &["connecting timed out. Nothing was sent."]),
            attempts: Some(1),
            ..ROW
        },
        // Sent, then no (complete) answer: a timeout after the request left, a dropped
        // connection. The sandbox applied it once.
        Case {
            case: "timeout after the request is sent",
            fault: armed(&[json!({"route": SET_PASSCODE, "method": "POST", "delay_ms": 4000})]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Vault, but no answer came in time. Check the card"]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(true),
            within: Some(Duration::from_secs(3)),
            ..ROW
        },
        // A read that changes nothing (sign-in, the RSA key, a card lookup) sent but not
        // answered in time is a network failure, not an unknown outcome: nothing that changes
        // the card was sent, and the flow is not locked.
        Case {
            case: "timeout on the card list (a read)",
            fault: armed(&[json!({"route": CARD_LIST, "method": "GET", "delay_ms": 4000})]),
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["Vault did not finish answering the request for the card list: no answer came in time. It changes nothing on the card: try again."]),
            sent: &[(CARD_LIST, 0), (SEND_CODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "timeout on the RSA key (a read)",
            fault: armed(&[json!({"route": RSA_KEY, "method": "GET", "delay_ms": 4000})]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(Network, Outcome::Failed, &["Vault did not finish answering the request for its RSA key: no answer came in time."]),
            sent: &[(RSA_KEY, 0), (SET_PASSCODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "timeout on the sign-in (a read)",
            fault: armed(&[json!({"route": OAUTH, "method": "POST", "delay_ms": 4000})]),
            who: Who::SignIn,
            step: Step::SendCode,
            expect: fails(Network, Outcome::Failed, &["Vault did not finish answering the sign-in: no answer came in time."]),
            sent: &[(OAUTH, 0), (CARD_LIST, 0), (SEND_CODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "timeout on the card lookup (a read)",
            fault: armed(&[json!({"route": SOLID_CARD_ROUTE, "method": "GET", "delay_ms": 4000})]),
            step: Step::PinToken,
            expect: fails(Network, Outcome::Failed, &["Solid did not finish answering the card lookup: no answer came in time."]),
            sent: &[(SOLID_CARD_ROUTE, 0), (PIN_TOKEN, 0)],
            ..ROW
        },
        // And no second PIN token is fetched.
        Case {
            case: "timeout after the request is sent",
            fault: armed(&[json!({"route": SET_PIN, "method": "POST", "delay_ms": 4000})]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Solid, but no answer came in time. Check the card"]),
            sent: &[(SET_PIN, 0), (PIN_TOKEN, 1)],
            applied: Some(true),
            ..ROW
        },
        Case {
            case: "connection dropped before the answer",
            fault: armed(&[json!({"route": SET_PASSCODE, "method": "POST", "drop": "before_response"})]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Vault, but the connection closed before an answer came"]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(true),
            ..ROW
        },
        Case {
            case: "connection dropped before the answer",
            fault: armed(&[json!({"route": SET_PIN, "method": "POST", "drop": "before_response"})]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Solid, but the connection closed before an answer came"]),
            sent: &[(SET_PIN, 0)],
            applied: Some(true),
            ..ROW
        },
        // The provider (or a gateway) answered with an error status: never retried for a send.
        Case {
            case: "HTTP 500",
            fault: armed(&[status(SET_PASSCODE, 500, vault_error.clone())]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault had a problem (HTTP 500) (Internal error); try again later."]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "HTTP 500",
            fault: armed(&[status(SET_PIN, 500, json!(""))]),
            step: Step::SetPin,
            expect: fails(Rejected, Outcome::Rejected, &["Solid had a problem (HTTP 500); try again later."]),
            sent: &[(SET_PIN, 0)],
            applied: Some(false),
            ..ROW
        },
        // A gateway's 502 to a send: the provider behind it may have acted.
        Case {
            case: "HTTP 502",
            fault: armed(&[status(SET_PASSCODE, 502, vault_error.clone())]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Vault received the request but did not confirm it (HTTP 502, a gateway answered instead of Vault). Check the card"]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "HTTP 502",
            fault: armed(&[status(SET_PIN, 502, json!(""))]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Solid received the request but did not confirm it (HTTP 502, a gateway answered instead of Solid). Check the card"]),
            sent: &[(SET_PIN, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "HTTP 503",
            fault: armed(&[status(SET_PASSCODE, 503, vault_error.clone())]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault had a problem (HTTP 503) (Internal error); try again later."]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "HTTP 503",
            fault: armed(&[status(SET_PIN, 503, json!(""))]),
            step: Step::SetPin,
            expect: fails(Rejected, Outcome::Rejected, &["Solid had a problem (HTTP 503); try again later."]),
            sent: &[(SET_PIN, 0)],
            applied: Some(false),
            ..ROW
        },
        // Two 503s, then the third GET passes.
        Case {
            case: "HTTP 503 ×2 to the RSA key, then its answer",
            fault: armed(&[json!({"route": RSA_KEY, "method": "GET", "count": 2, "status": 503, "body": ""})]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: Expect::Succeeds,
            sent: &[(RSA_KEY, 1), (SET_PASSCODE, 1)],
            applied: Some(true),
            ..ROW
        },
        // Exactly three GETs; nothing is set.
        Case {
            case: "HTTP 503 ×3 to the RSA key",
            fault: armed(&[json!({"route": RSA_KEY, "method": "GET", "count": 3, "status": 503, "body": ""})]),
            step: Step::SetPasscode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault had a problem (HTTP 503); try again later."]),
            sent: &[(RSA_KEY, 0), (SET_PASSCODE, 0)],
            ..ROW
        },
        // And no SMS was sent.
        Case {
            case: "429 with Retry-After",
            fault: armed(&[json!({"route": SEND_CODE, "method": "POST", "status": 429, "retry_after": 30, "body": {"error": "COMMON"}})]),
            step: Step::SendCode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault is limiting requests; try again in 30 seconds."]),
            sent: &[(SEND_CODE, 0)],
            applied: Some(false),
            ..ROW
        },
        Case {
            case: "429 with Retry-After",
            fault: armed(&[json!({"route": PIN_TOKEN, "method": "POST", "status": 429, "retry_after": "7", "body": {"request_id": "req_429", "error": {"code": "ERROR_CODE_RATE_LIMITED", "message": "slow down"}}})]),
            step: Step::PinToken,
            expect: fails(Rejected, Outcome::Rejected, &["Solid is limiting requests; try again in 7 seconds."]),
            sent: &[(PIN_TOKEN, 0)],
            ..ROW
        },
        // The answer cannot be understood. To a send: it arrived, whether it applied is not
        // known. To a read: nothing changed, and a bad answer is not asked for again.
        Case {
            case: "malformed JSON, 200 to a send",
            fault: armed(&[answer(SET_PASSCODE, "POST", 200, "{\"result\": ok", "application/json")]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Vault received the request but did not confirm it (HTTP 200, JSON of an unexpected shape (13 bytes)). Check the card"]),
            sent: &[(SET_PASSCODE, 0)],
            ..ROW
        },
        Case {
            case: "malformed JSON, 200 to a send",
            fault: armed(&[answer(SET_PIN, "POST", 200, "{\"id\": ", "application/json")]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Solid received the request but did not confirm it (HTTP 200, JSON of an unexpected shape"]),
            sent: &[(SET_PIN, 0)],
            ..ROW
        },
        Case {
            case: "malformed JSON, 200 to a read",
            fault: armed(&[answer(RSA_KEY, "GET", 200, "{\"id\": \"k1\", \"publicKey\": ", "application/json")]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault's answer could not be read (HTTP 200, JSON of an unexpected shape"]),
            sent: &[(RSA_KEY, 0)],
            ..ROW
        },
        Case {
            case: "malformed JSON, 200 to a read",
            fault: armed(&[answer(PIN_TOKEN, "POST", 200, "{\"set_pin_token\": ", "application/json")]),
            step: Step::PinToken,
            expect: fails(Rejected, Outcome::Rejected, &["Solid's answer could not be read (HTTP 200, JSON of an unexpected shape"]),
            sent: &[(PIN_TOKEN, 0)],
            ..ROW
        },
        // Described, never shown.
        Case {
            case: "HTML error page (503)",
            fault: armed(&[answer(SET_PASSCODE, "POST", 503, page, "text/html")]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(Rejected, Outcome::Rejected, &["Vault had a problem (HTTP 503); try again later."]),
            sent: &[(SET_PASSCODE, 0)],
            ..ROW
        },
        Case {
            case: "HTML error page (503)",
            fault: armed(&[answer(SET_PIN, "POST", 503, page, "text/html")]),
            step: Step::SetPin,
            expect: fails(Rejected, Outcome::Rejected, &["Solid had a problem (HTTP 503); try again later."]),
            sent: &[(SET_PIN, 0)],
            ..ROW
        },
        Case {
            case: "HTML page with 200 to a read",
            fault: armed(&[answer(PIN_TOKEN, "POST", 200, page, "text/html; charset=utf-8")]),
            step: Step::PinToken,
            expect: fails(Rejected, Outcome::Rejected, &["Solid's answer could not be read (HTTP 200, an HTML page, not JSON"]),
            sent: &[(PIN_TOKEN, 0)],
            ..ROW
        },
        Case {
            case: "empty body, 200 to a send",
            fault: armed(&[status(SEND_CODE, 200, json!(""))]),
            step: Step::SendCode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Vault received the request but did not confirm it (HTTP 200, empty answer). Check the card"]),
            sent: &[(SEND_CODE, 0)],
            ..ROW
        },
        Case {
            case: "empty body, 200 to a send",
            fault: armed(&[status(SET_PIN, 200, json!(""))]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Solid received the request but did not confirm it (HTTP 200, empty answer). Check the card"]),
            sent: &[(SET_PIN, 0)],
            ..ROW
        },
        Case {
            case: "empty body, 200 to a read",
            fault: armed(&[status(PIN_TOKEN, 200, json!(""))]),
            step: Step::PinToken,
            expect: fails(Rejected, Outcome::Rejected, &["Solid's answer could not be read (HTTP 200, empty answer)"]),
            sent: &[(PIN_TOKEN, 0)],
            ..ROW
        },
        Case {
            case: "body over 1 MiB, 200 to a send",
            fault: armed(&[answer(SET_PASSCODE, "POST", 200, &huge, "application/json")]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["Vault received the request but did not confirm it (HTTP 200, an answer larger than 1048576 bytes). Check the card"]),
            sent: &[(SET_PASSCODE, 0)],
            ..ROW
        },
        Case {
            case: "body over 1 MiB, 200 to a read",
            fault: armed(&[answer(PIN_TOKEN, "POST", 200, &huge, "application/json")]),
            step: Step::PinToken,
            expect: fails(Rejected, Outcome::Rejected, &["Solid's answer could not be read (HTTP 200, an answer larger than 1048576 bytes)"]),
            sent: &[(PIN_TOKEN, 0)],
            ..ROW
        },
        // An error status with a huge body: the status decides, the body is not read.
        Case {
            case: "body over 1 MiB with HTTP 400",
            fault: armed(&[answer(SET_PIN, "POST", 400, &huge, "application/json")]),
            step: Step::SetPin,
            expect: fails(Rejected, Outcome::Rejected, &["Solid refused the request (HTTP 400)"]),
            sent: &[(SET_PIN, 0)],
            ..ROW
        },
        // `{"result":"ok"}` one byte every 400 ms: 6 s, far past the 1.5 s total timeout.
        Case {
            case: "slow drip past the total timeout",
            fault: armed(&[json!({"route": SET_PASSCODE, "method": "POST", "drip_ms": 400, "drip_bytes": 1})]),
            before: &[Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Vault, but no answer came in time."]),
            sent: &[(SET_PASSCODE, 0)],
            applied: Some(true),
            ..ROW
        },
        // `{"id":"crd_…"}` is 44 bytes: 8 bytes every 400 ms takes 2.4 s.
        Case {
            case: "slow drip past the total timeout",
            fault: armed(&[json!({"route": SET_PIN, "method": "POST", "drip_ms": 400, "drip_bytes": 8})]),
            step: Step::SetPin,
            expect: fails(UnknownOutcome, Outcome::Unknown, &["may have reached Solid, but no answer came in time."]),
            sent: &[(SET_PIN, 0)],
            applied: Some(true),
            ..ROW
        },
        // Expired credentials and a rotated key. The card lookup meets the 401 before
        // anything is sent that changes the card: one new sign-in, the lookup once more, then
        // one send.
        Case {
            case: "expired access token, stored sign-in",
            fault: Fault::Clock(Duration::from_secs(90_000)),
            who: Who::SignIn,
            before: &[Before::SendCode],
            step: Step::SendCode,
            expect: Expect::Succeeds,
            sent: &[(OAUTH, 1), (CARD_LIST, 2), (SEND_CODE, 1)],
            extra: Some(new_token_stored),
            ..ROW
        },
        // No sign-in to fall back on.
        Case {
            case: "expired access token, pasted",
            fault: Fault::Clock(Duration::from_secs(90_000)),
            who: Who::Pasted,
            before: &[Before::SendCode],
            step: Step::SendCode,
            expect: fails(Credentials, Outcome::Rejected, &["Vault refused the credentials (HTTP 401)", "update the profile's access token"]),
            sent: &[(CARD_LIST, 1), (SEND_CODE, 0), (OAUTH, 0)],
            ..ROW
        },
        // Solid's clock runs past the token's five minutes; the desk still holds it. No new
        // token is fetched behind the operator's back.
        Case {
            case: "expired PIN token",
            fault: Fault::Clock(Duration::from_secs(301)),
            before: &[Before::PinToken],
            step: Step::SetPin,
            expect: fails(Rejected, Outcome::Rejected, &["Solid refused the PIN token (HTTP 401)", "get a new one"]),
            sent: &[(SET_PIN, 1), (PIN_TOKEN, 0)],
            applied: Some(false),
            extra: Some(spent_token_forgotten),
            ..ROW
        },
        // The first set primes the key cache. After the rotation the set is refused for its
        // keyId (nothing applied): one new key, then the set once more.
        Case {
            case: "rotated RSA key",
            fault: Fault::RotatedKey,
            before: &[Before::VerifiedCode, Before::SetPasscode("First1pass"), Before::VerifiedCode],
            step: Step::SetPasscode,
            expect: Expect::Succeeds,
            sent: &[(RSA_KEY, 1), (SET_PASSCODE, 2)],
            applied: Some(true),
            ..ROW
        },
    ]
}

/// The host name is not named in the message.
fn host_not_named(_: &Fx, seen: &Seen) {
    let message = seen.message.as_deref().unwrap_or_default();
    assert!(!message.contains("pindesk-test.invalid"), "{message:?}");
}

/// The new sign-in's token replaced the expired one in the store.
fn new_token_stored(f: &Fx, seen: &Seen) {
    let now = f.store.get(
        &ProfileId::new("vault-signin").unwrap(),
        SecretKind::AccessToken,
    );
    let now = now.unwrap().expect("a token is stored");
    let before = seen
        .token_before
        .as_ref()
        .expect("a token was stored before");
    assert_ne!(**before, *now, "the new token was stored");
}

/// The refused PIN token is not kept.
fn spent_token_forgotten(f: &Fx, seen: &Seen) {
    assert!(
        f.desk
            .reveal_pin_token(Some(seen.profile), SOLID_CARD)
            .unwrap()
            .is_none(),
        "the spent token is gone"
    );
}

// ---------------------------------------------------------------------------------------
// The runner.
// ---------------------------------------------------------------------------------------

/// Runs every row (or those `FAULT_CASE` names), each on its own thread and runtime with a
/// fresh sandbox and desk, as many at once as there are cores, and lists every failed row.
#[test]
fn fault_matrix() {
    let cases = cases();
    assert!(
        cases.iter().all(|c| !c.case.is_empty()),
        "every row names its fault"
    );
    let mut names: Vec<String> = cases.iter().map(Case::name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "every row has a name of its own");

    let only = std::env::var("FAULT_CASE").ok();
    let chosen: Vec<&Case> = cases
        .iter()
        .filter(|c| only.as_deref().is_none_or(|o| c.name().contains(o)))
        .collect();
    assert!(!chosen.is_empty(), "no row matches FAULT_CASE={only:?}");

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let width = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..width {
            s.spawn(|| {
                while let Some(case) = chosen.get(next.fetch_add(1, Ordering::SeqCst)) {
                    if let Err(why) = run_alone(case) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}: {why}", case.name()));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        chosen.len(),
        failures.join("\n")
    );
}

/// Runs one row on a thread named after it (so its panic names it too); the panic's text on
/// failure.
fn run_alone(case: &Case) -> Result<(), String> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(case.name())
            .spawn_scoped(s, || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(run(case))
            })
            .unwrap()
            .join()
    })
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned())
    })
}

/// The demo desk, the sandbox and the store of one row.
type Fx = DeskFixture;

/// One row: set up, run the operations before, make the fault happen, arm the counters, run
/// the step, check everything the row says.
async fn run(case: &Case) {
    let lookups = Arc::new(AtomicUsize::new(0));
    let f = desk_fixture(DeskOptions {
        demo: true,
        network: Some((quick(), Arc::new(CountingResolver(Arc::clone(&lookups))))),
    })
    .await;
    let sb = &f.sandbox;

    // Where the profiles point, and what counts the attempts there.
    let connections = Arc::new(AtomicUsize::new(0));
    let (loopback, attempts) = match &case.fault {
        Fault::Refused => (Some(format!("http://{}", refused_port().await)), None),
        Fault::Unresolvable => (
            Some("https://provider.pindesk-test.invalid".to_owned()),
            Some(&lookups),
        ),
        Fault::UntrustedTls => {
            let addr = untrusted_tls_server(Arc::clone(&connections)).await;
            (Some(format!("https://{addr}")), Some(&connections))
        }
        Fault::Silent => {
            let addr = silent_server(Arc::clone(&connections)).await;
            (Some(format!("https://{addr}")), Some(&connections))
        }
        Fault::Armed(_) | Fault::Clock(_) | Fault::RotatedKey => (None, None),
    };
    let profile = match (&loopback, case.who) {
        (Some(url), _) => {
            add_profiles_at(&f, url);
            if case.step.is_vault() {
                "vault-at"
            } else {
                "solid-at"
            }
        }
        (None, Who::Demo) if case.step.is_vault() => DEMO_VAULT_PROFILE,
        (None, Who::Demo) => DEMO_SOLID_PROFILE,
        (None, Who::SignIn) => add_signin_profile(&f),
        (None, Who::Pasted) => add_pasted_profile(&f).await,
    };

    let mut code = None;
    for before in case.before {
        match before {
            Before::VerifiedCode => code = Some(verified_code(&f, profile).await),
            Before::SendCode => {
                f.desk
                    .vault_send_code(Some(profile), VAULT_CARD, None)
                    .await
                    .expect("the code is sent before the fault");
            }
            Before::PinToken => {
                f.desk
                    .solid_pin_token(Some(profile), SOLID_CARD, None)
                    .await
                    .expect("a PIN token before the fault");
            }
            Before::SetPasscode(passcode) => {
                let code = code.as_deref().expect("a verified code before");
                set_passcode(&f, profile, code, passcode)
                    .await
                    .expect("the passcode is set before the fault");
            }
        }
    }
    let token_before = f
        .store
        .get(&ProfileId::new(profile).unwrap(), SecretKind::AccessToken)
        .unwrap();

    match &case.fault {
        Fault::Armed(faults) => {
            for fault in faults {
                arm(sb, fault.clone()).await;
            }
        }
        Fault::Clock(by) => sb.advance_clock(*by),
        Fault::RotatedKey => {
            let old_key = sb.vault_key_id();
            sandbox_post(sb, "/_sandbox/vault/rotate-key", json!({})).await;
            assert_ne!(sb.vault_key_id(), old_key, "the key was replaced");
        }
        Fault::Refused | Fault::Unresolvable | Fault::UntrustedTls | Fault::Silent => {}
    }
    for (route, _) in case.sent {
        counter(sb, route).await;
    }

    let started = Instant::now();
    let result = match case.step {
        Step::SendCode => f
            .desk
            .vault_send_code(Some(profile), VAULT_CARD, None)
            .await
            .map(|_| ()),
        Step::SetPasscode => {
            set_passcode(&f, profile, code.as_deref().unwrap_or("1234"), PASSCODE).await
        }
        Step::PinToken => f
            .desk
            .solid_pin_token(Some(profile), SOLID_CARD, None)
            .await
            .map(|_| ()),
        Step::SetPin => set_pin(&f, profile).await,
    };
    let elapsed = started.elapsed();

    let history = f
        .desk
        .history_page(&Filter::default(), Page::first(100))
        .unwrap();
    let newest = history.first().expect("the step was recorded");
    assert_eq!(newest.operation, case.step.operation());
    // One entry per operation, none for a retry; setting a PIN with no token held gets one
    // first, recorded as its own entry.
    let held_token = case.before.iter().any(|b| matches!(b, Before::PinToken));
    let step_entries = if case.step == Step::SetPin && !held_token {
        2
    } else {
        1
    };
    let operations = case
        .before
        .iter()
        .map(|b| match b {
            Before::VerifiedCode => 2,
            _ => 1,
        })
        .sum::<usize>()
        + step_entries;
    assert_eq!(history.len(), operations, "one history entry per operation");
    let message = match (&case.expect, &result) {
        (Expect::Succeeds, Ok(())) => {
            assert!(
                history.iter().all(|e| e.outcome == Outcome::Ok),
                "every entry is ok"
            );
            None
        }
        (Expect::Succeeds, Err(err)) => panic!("should succeed, failed: {err}"),
        (Expect::Fails { .. }, Ok(())) => panic!("should fail, succeeded"),
        (
            Expect::Fails {
                category,
                history: outcome,
                says,
            },
            Err(err),
        ) => {
            let message = err.message();
            assert_eq!(err.category(), *category, "{message}");
            for phrase in *says {
                assert!(
                    message.contains(phrase),
                    "{message:?} should say {phrase:?}"
                );
            }
            assert_plain_words(&f, profile, &message);
            assert_eq!(newest.outcome, *outcome, "{message}");
            assert_eq!(newest.message.as_deref(), Some(message.as_str()));
            Some(message)
        }
    };

    for (route, count) in case.sent {
        assert_eq!(
            requests_seen(sb, route).await,
            *count,
            "requests to {route}"
        );
    }
    if let (Some(want), Some(counter)) = (case.attempts, attempts) {
        assert_eq!(counter.load(Ordering::SeqCst), want, "attempts");
    }
    assert!(
        case.attempts.is_none() || attempts.is_some(),
        "nothing counts attempts"
    );
    if let Some(want) = case.applied {
        let applied = match case.step {
            Step::SendCode => sb.last_sms_code(VAULT_CARD_N).is_some(),
            Step::SetPasscode => sb.passcode_matches(VAULT_CARD_N, PASSCODE),
            Step::PinToken => panic!("a PIN token changes nothing to check"),
            Step::SetPin => sb.pin_matches(SOLID_CARD, PIN),
        };
        assert_eq!(applied, want, "whether the sandbox applied it");
    }
    if let Some(within) = case.within {
        assert!(elapsed < within, "took {elapsed:?}, more than {within:?}");
    }
    if let Some(extra) = case.extra {
        extra(
            &f,
            &Seen {
                message,
                token_before,
                profile,
            },
        );
    }
}

/// A message for an operator: one line, no secret (neither the sandbox's nor one stored for
/// the profile), no markup, no raw JSON, no stack trace, no Rust debug output.
fn assert_plain_words(f: &Fx, profile: &str, message: &str) {
    let config = f.sandbox.config();
    let id = ProfileId::new(profile).unwrap();
    let stored: Vec<Zeroizing<String>> = SecretKind::ALL
        .into_iter()
        .filter_map(|kind| f.store.get(&id, kind).unwrap())
        .collect();
    let secrets = [
        config.vault_token.as_str(),
        config.solid_api_key.as_str(),
        config.phone.as_str(),
        config.password.as_str(),
        PASSCODE,
        PIN,
        "card_pin_",
    ];
    for secret in secrets.into_iter().chain(stored.iter().map(|s| s.as_str())) {
        assert!(!message.contains(secret), "a secret in {message:?}");
    }
    for bad in [
        "\n", "<", "{", "panicked", "stack", ".rs:", ".java", "Error {", "kind:", "Some(", "hyper",
        "reqwest",
    ] {
        assert!(!message.contains(bad), "{bad:?} in {message:?}");
    }
    assert!(!message.is_empty() && message.len() < 400, "{message:?}");
}

// ---------------------------------------------------------------------------------------
// Profiles and operations.
// ---------------------------------------------------------------------------------------

/// The stored profiles `vault-at` (pasted token) and `solid-at` (API key) pointing at `url`.
fn add_profiles_at(f: &Fx, url: &str) {
    let env = Environment::parse(url).unwrap();
    let token = AccessToken::new(f.sandbox.config().vault_token.clone());
    f.desk
        .add_profile(
            vault_profile("vault-at", "Vault at a test server", env.clone(), None),
            NewCredentials::VaultToken(token),
        )
        .unwrap();
    let key = ApiKey::new(f.sandbox.config().solid_api_key.clone());
    f.desk
        .add_profile(
            solid_profile("solid-at", "Solid at a test server", env),
            NewCredentials::SolidApiKey(key),
        )
        .unwrap();
}

/// Stores `vault-signin`, which signs in with the sandbox's phone and password.
fn add_signin_profile(f: &Fx) -> &'static str {
    let sb = &f.sandbox;
    let profile = vault_profile(
        "vault-signin",
        "Vault with a stored sign-in",
        Environment::parse(&sb.base_url()).unwrap(),
        Some(&sb.config().merchant_id),
    );
    f.desk
        .add_profile(
            profile,
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(sb.config().phone.clone()),
                password: Password::new(sb.config().password.clone()),
            },
        )
        .unwrap();
    "vault-signin"
}

/// Stores `vault-pasted` with a token from Vault's sign-in pasted into it (it expires; the
/// sandbox's fixed demo token does not).
async fn add_pasted_profile(f: &Fx) -> &'static str {
    let sb = &f.sandbox;
    let answer: Value = control()
        .post(format!("{}{OAUTH}", sb.base_url()))
        .header("X-Merchant-ID", sb.config().merchant_id.as_str())
        .form(&[
            ("grant_type", "mobile_phone"),
            ("number", sb.config().phone.as_str()),
            ("password", sb.config().password.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = answer["access_token"].as_str().unwrap().to_owned();
    let profile = vault_profile(
        "vault-pasted",
        "Vault with a pasted token",
        Environment::parse(&sb.base_url()).unwrap(),
        None,
    );
    f.desk
        .add_profile(profile, NewCredentials::VaultToken(AccessToken::new(token)))
        .unwrap();
    "vault-pasted"
}

/// Sends and verifies an SMS code for the Vault card; returns the code.
async fn verified_code(f: &Fx, profile: &str) -> String {
    f.desk
        .vault_send_code(Some(profile), VAULT_CARD, None)
        .await
        .unwrap();
    let code = f.sandbox.last_sms_code(VAULT_CARD_N).unwrap();
    f.desk
        .vault_verify_code(Some(profile), VAULT_CARD, SmsCode::new(code.clone()), None)
        .await
        .unwrap();
    code
}

async fn set_passcode(f: &Fx, profile: &str, code: &str, passcode: &str) -> Result<(), Error> {
    f.desk
        .vault_set_passcode(
            Some(profile),
            VAULT_CARD,
            SmsCode::new(code.to_owned()),
            Passcode::new(passcode.to_owned()),
            None,
        )
        .await
        .map(|_| ())
}

async fn set_pin(f: &Fx, profile: &str) -> Result<(), Error> {
    f.desk
        .solid_set_pin(
            Some(profile),
            SOLID_CARD,
            Pin::new(PIN.into()),
            Some("11/2029"),
            Some("3738"),
            None,
        )
        .await
        .map(|_| ())
}

// ---------------------------------------------------------------------------------------
// The sandbox's controls and the counters.
// ---------------------------------------------------------------------------------------

/// The client the test itself uses for the sandbox's controls (IP literal, no proxy).
fn control() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// `POST`s `body` to one of the sandbox's controls.
async fn sandbox_post(sb: &Sandbox, path: &str, body: Value) {
    let resp = control()
        .post(format!("{}{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
}

/// Arms a fault (`POST /_sandbox/faults`).
async fn arm(sb: &Sandbox, fault: Value) {
    sandbox_post(sb, "/_sandbox/faults", fault).await;
}

/// Arms a counter on `route` (GET for the RSA key and the card lookups, POST for every other
/// route).
async fn counter(sb: &Sandbox, route: &str) {
    let method = if [RSA_KEY, CARD_LIST, SOLID_CARD_ROUTE].contains(&route) {
        "GET"
    } else {
        "POST"
    };
    arm(
        sb,
        json!({"route": route, "method": method, "count": COUNTER}),
    )
    .await;
}

/// What is still armed: `(route, remaining)` in arming order.
async fn armed(sb: &Sandbox) -> Vec<(String, u64)> {
    let v: Value = control()
        .get(format!("{}/_sandbox/faults", sb.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["armed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["route"].as_str().unwrap().to_owned(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// How many requests the counter on `route` saw (it must be the only fault left there).
async fn requests_seen(sb: &Sandbox, route: &str) -> u64 {
    let left: Vec<u64> = armed(sb)
        .await
        .into_iter()
        .filter(|(r, _)| r == route)
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        left.len(),
        1,
        "{route}: the fault under test was used up and only the counter is left: {left:?}"
    );
    COUNTER - left[0]
}

// ---------------------------------------------------------------------------------------
// Loopback servers of the tests' own.
// ---------------------------------------------------------------------------------------

/// A port nothing listens on.
async fn refused_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}

/// An HTTPS server with a freshly made self-signed certificate (trusted by nobody); counts
/// connections. Were a handshake to succeed it would answer `{"result":"ok"}`.
async fn untrusted_tls_server(connections: Arc<AtomicUsize>) -> SocketAddr {
    use tokio_rustls::rustls::crypto::ring::default_provider;
    use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::rustls::ServerConfig;

    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let body = br#"{"result":"ok"}"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(body).await;
                }
            });
        }
    });
    addr
}

/// A server that accepts connections, reads the TLS ClientHello and never answers: the
/// handshake cannot finish, so the request is never written. Counts connections.
async fn silent_server(connections: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            });
        }
    });
    addr
}

/// [`RefusingResolver`] that counts the lookups it refuses: one per connection attempt.
struct CountingResolver(Arc<AtomicUsize>);

impl Resolve for CountingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        self.0.fetch_add(1, Ordering::SeqCst);
        RefusingResolver.resolve(name)
    }
}

#[test]
fn open_with_refuses_timeouts_out_of_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let bad = HttpSettings {
        connect_timeout: Duration::from_secs(30),
        total_timeout: Duration::from_secs(20),
    };
    let err = Desk::open_with(paths, Box::new(SharedStore::default()), None, bad, None)
        .err()
        .expect("a connect timeout above the total is refused");
    assert_eq!(err.category(), Category::Validation);
    assert_eq!(err.field().as_deref(), Some("http"));
}
