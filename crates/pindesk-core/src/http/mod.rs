//! The HTTP transport shared by the provider clients: one `reqwest` client per route (see
//! [`crate::network`]), a capped body reader, and the one judgement that matters after a failure — whether the
//! request provably never left ([`TransportError::NotSent`]) or may have reached the provider
//! ([`TransportError::MaybeSent`]).
//!
//! Decisions:
//! - rustls with the route's trust (the bundled web PKI roots by default); user agent
//!   `PinDesk/<version>`.
//! - **No proxy unless the profile names one** (`system` included: `HTTPS_PROXY` is never
//!   followed silently). Through a proxy the sent/not-sent judgement is: a failure before the
//!   proxy has opened the tunnel (the proxy refuses or cannot be resolved, answers `407`, or
//!   refuses the `CONNECT` because it cannot reach the provider) means nothing was sent; once
//!   the tunnel is up, the same rules as a direct connection. A plain-`http://` request (to
//!   loopback test hosts only) through a proxy gets the proxy's own `502`/`504` when it cannot
//!   reach the host, which on a state-changing call is `unknown_outcome` like any gateway's.
//! - **No redirects**: a 3xx is an answer like any other; a request carrying a secret is never
//!   replayed to another URL.
//! - The connect timeout covers DNS, TCP and the TLS handshake; the total timeout covers the
//!   whole exchange including the body.
//!
//! Classification of a failed exchange:
//! - `NotSent`: connection refused, DNS failure, TLS handshake failure, connect timeout, a
//!   request that could not be built. Nothing reached the provider; safe to retry.
//! - `MaybeSent`: a timeout after the connection was made, the connection closed or reset
//!   before a complete answer, a failure while reading the body. The provider may have acted.
//!
//! This module logs only the method, the path template, the status and the duration; it never
//! logs or formats a header value or a body. Bodies built from secrets go through
//! [`secret_body`] so the serialized bytes are zeroized when the transport drops them.

mod client;
mod exchange;
mod secrets;
#[cfg(test)]
mod test_support;
mod transport;

pub use client::{
    build_client, build_client_with_resolver, build_route_client, HttpClient, HttpSettings,
    RefusingResolver, USER_AGENT,
};
pub use exchange::{execute, read_capped, Answer, HttpError, MAX_BODY_BYTES};
pub(crate) use secrets::json_secret_body;
pub use secrets::{secret_body, secret_header};
pub use transport::{MaybeSentReason, NotSentReason, TransportError};
