//! Serving one connection (plain TCP or TLS over it): hyper's HTTP/1 server over the router, with the pipeline every
//! request goes through — body capped at 64 KiB (answered in the provider's shape), armed
//! faults applied, the handler run in its own task so a panic becomes a provider-shaped 500,
//! and one log line of method, path and status. A fault that drops the connection makes the
//! request never answer and tells this connection's task to close the socket, so not a
//! single response byte is written.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request};
use axum::response::Response;
use axum::Router;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::errors::Provider;
use crate::faults::DropPoint;
use crate::state::App;

/// The largest request body a provider endpoint accepts.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// The largest body a `/_sandbox/` control accepts (a fault may carry a canned body of MiBs).
const CONTROL_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// How much of an oversized body is read (and thrown away) so the client can read the 413.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// Serves one connection until the client closes it, the sandbox stops, or a fault drops it.
/// A dropped TLS connection is closed without a close_notify, as a cut connection would be.
pub(crate) async fn serve<S>(stream: S, app: App, router: Router)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let cut = Arc::new(Notify::new());
    let service_cut = cut.clone();
    let service = service_fn(move |request| {
        let (app, router, cut) = (app.clone(), router.clone(), service_cut.clone());
        async move { Ok::<_, Infallible>(answer(app, router, cut, request).await) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = cut.notified() => {}
    }
}

/// Answers one request, or never (a dropped connection).
async fn answer(
    app: App,
    router: Router,
    cut: Arc<Notify>,
    request: Request<Incoming>,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    match pipeline(app, router, request).await {
        Some(response) => {
            tracing::info!(%method, %path, status = response.status().as_u16(), "sandbox request");
            response
        }
        None => {
            tracing::info!(%method, %path, "sandbox request: connection dropped by fault");
            cut.notify_one();
            std::future::pending().await
        }
    }
}

/// The request pipeline; `None` means drop the connection without answering.
async fn pipeline(app: App, router: Router, request: Request<Incoming>) -> Option<Response> {
    let provider = Provider::of_path(request.uri().path());
    let method = request.method().clone();
    let limit = match provider {
        Provider::Sandbox => CONTROL_BODY_LIMIT,
        _ => BODY_LIMIT,
    };
    let drain = limit.max(DRAIN_LIMIT);
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > drain as u64) {
        return Some(provider.too_large(&method, limit));
    }
    let bytes = match read_body(body, limit, drain).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return Some(provider.too_large(&method, limit)),
        Err(BodyError::Unreadable) => return Some(provider.unreadable_body(&method)),
    };
    let fault = match provider {
        Provider::Sandbox => None,
        _ => {
            app.world()
                .requests
                .push((parts.method.to_string(), parts.uri.path().to_owned()));
            app.faults().take(&parts.method, parts.uri.path())
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let Some(fault) = fault else {
        return Some(run(router, request, provider, &method).await);
    };
    if fault.drop == Some(DropPoint::BeforeHandling) {
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        return None;
    }
    let response = match &fault.canned {
        Some(canned) => canned.response(),
        None => run(router, request, provider, &method).await,
    };
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    if fault.drop == Some(DropPoint::BeforeResponse) {
        return None;
    }
    Some(match fault.drip {
        Some((every, size)) => drip(response, every, size).await,
        None => response,
    })
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// Reads the body up to `limit`; past it, reads on (discarding) up to `drain` bytes so the
/// client finishes sending and can read the 413.
async fn read_body(mut body: Incoming, limit: usize, drain: usize) -> Result<Bytes, BodyError> {
    let mut kept = BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > drain {
                return Err(BodyError::TooLarge);
            }
            if seen <= limit {
                kept.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(kept.freeze())
}

/// Runs the router in its own task: a panic becomes a 500 in the provider's shape.
async fn run(
    router: Router,
    request: Request<Body>,
    provider: Provider,
    method: &Method,
) -> Response {
    match tokio::spawn(router.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => provider.internal(method),
    }
}

/// Re-sends a response's body a chunk at a time, one chunk every `every`.
async fn drip(response: Response, every: Duration, size: usize) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks = futures_util::stream::unfold((bytes, true), move |(mut rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(every).await;
        }
        let chunk = rest.split_to(size.min(rest.len()));
        Some((Ok::<_, Infallible>(chunk), (rest, false)))
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    #[tokio::test]
    async fn a_panicking_handler_becomes_a_500_in_the_provider_shape() {
        async fn boom() -> &'static str {
            panic!("handler failure")
        }
        let router = Router::new()
            .route("/v2/card/rsa-public-key", get(boom))
            .route("/v2/issuing/card/{card_id}/set_pin_token", get(boom));
        let cases = [
            ("/v2/card/rsa-public-key", Provider::Vault),
            ("/v2/issuing/card/crd_x/set_pin_token", Provider::Solid),
        ];
        for (path, provider) in cases {
            let request = Request::get(path).body(Body::empty()).expect("request");
            let response = run(router.clone(), request, provider, &Method::GET).await;
            assert_eq!(response.status(), 500);
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
            let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .expect("body");
            let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
            match provider {
                Provider::Vault => {
                    assert_eq!(json["errorId"], 5000);
                    assert_eq!(json["systemId"], "sandbox");
                }
                _ => assert_eq!(json["error"]["code"], "ERROR_CODE_INTERNAL"),
            }
        }
    }
}
