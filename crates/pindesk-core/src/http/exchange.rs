//! One exchange: the request sent, its answer read whole with the body capped, and a line
//! logged without a header value or a body.

use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Request, Response};
use std::fmt;
use std::time::{Duration, Instant};
use thiserror::Error;
use zeroize::Zeroizing;

use super::{HttpClient, TransportError};

/// The largest response body read, in bytes (1 MiB); reading stops past it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A failed exchange as the provider clients see it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The transport failed (see [`TransportError`]).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The provider answered with a body larger than [`MAX_BODY_BYTES`]; reading stopped.
    #[error("the answer (HTTP {status}) is larger than {limit} bytes")]
    BodyTooLarge {
        /// The answer's status.
        status: u16,
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// A complete answer: status, the headers the clients use, and the body (zeroized on drop,
/// since it may carry a token).
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// `Retry-After` in seconds, when present and numeric.
    pub retry_after: Option<Duration>,
    /// The `Content-Type` header, when present.
    pub content_type: Option<String>,
    /// The body, at most [`MAX_BODY_BYTES`].
    pub body: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// Sends `request` and reads its whole answer (capped at [`MAX_BODY_BYTES`]). `route` is the
/// path template logged in place of the real path (for example `/v2/card/{id}/passcode/code/set`).
pub async fn execute(
    client: &HttpClient,
    request: Request,
    route: &'static str,
) -> Result<Answer, HttpError> {
    let method = request.method().clone();
    let proxy = client.proxy_for(request.url());
    let host = request.url().host_str().unwrap_or_default().to_owned();
    let started = Instant::now();
    let result = async {
        let response = client
            .reqwest()
            .execute(request)
            .await
            .map_err(|e| TransportError::from_reqwest_via(&e, proxy.as_deref(), &host))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_BODY_BYTES).await?;
        Ok::<_, HttpError>(Answer {
            status,
            retry_after: retry_after(&headers),
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        })
    }
    .await;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match &result {
        Ok(answer) => {
            tracing::info!(method = %method, route, status = answer.status, elapsed_ms, via = proxy.as_deref().unwrap_or("direct"), "provider call")
        }
        Err(HttpError::BodyTooLarge { status, .. }) => {
            tracing::warn!(method = %method, route, status, elapsed_ms, "provider answer too large")
        }
        Err(HttpError::Transport(e)) => {
            tracing::warn!(method = %method, route, elapsed_ms, via = proxy.as_deref().unwrap_or("direct"), error = %e, "provider call failed")
        }
    }
    result
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// Reads a response body, stopping with [`HttpError::BodyTooLarge`] as soon as it exceeds
/// `limit` bytes. The bytes are kept in a buffer zeroized on drop (and on every regrowth).
pub async fn read_capped(
    mut response: Response,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, HttpError> {
    let status = response.status().as_u16();
    if let Some(len) = response.content_length() {
        if len > limit as u64 {
            return Err(HttpError::BodyTooLarge { status, limit });
        }
    }
    let hint = response
        .content_length()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(1024)
        .min(limit);
    let mut body = Zeroizing::new(Vec::with_capacity(hint));
    loop {
        let chunk = response
            .chunk()
            .await
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > limit {
            return Err(HttpError::BodyTooLarge { status, limit });
        }
        if body.capacity() - body.len() < chunk.len() {
            let wanted = (body.len() + chunk.len())
                .max(body.capacity() * 2)
                .min(limit);
            let mut bigger = Zeroizing::new(Vec::with_capacity(wanted));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use std::net::SocketAddr;
    use tokio::io::AsyncWriteExt;

    async fn respond_with(head: &'static str, body_len: usize) -> SocketAddr {
        listener(move |mut s| async move {
            read_request_head(&mut s).await;
            let _ = s.write_all(head.as_bytes()).await;
            let chunk = vec![b'a'; 64 * 1024];
            let mut left = body_len;
            while left > 0 {
                let n = left.min(chunk.len());
                if head.contains("chunked") {
                    let _ = s.write_all(format!("{n:x}\r\n").as_bytes()).await;
                    if s.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    let _ = s.write_all(b"\r\n").await;
                } else if s.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            if head.contains("chunked") {
                let _ = s.write_all(b"0\r\n\r\n").await;
            }
        })
        .await
    }

    #[tokio::test]
    async fn large_bodies_are_cut_off() {
        let addr = respond_with(
            "HTTP/1.1 200 OK\r\ncontent-length: 2097152\r\n\r\n",
            2 << 20,
        )
        .await;
        let r = get(&format!("http://{addr}/x")).await;
        assert_eq!(
            r.unwrap_err(),
            HttpError::BodyTooLarge {
                status: 200,
                limit: MAX_BODY_BYTES
            }
        );

        let addr = respond_with(
            "HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n",
            2 << 20,
        )
        .await;
        let r = get(&format!("http://{addr}/x")).await;
        assert_eq!(
            r.unwrap_err(),
            HttpError::BodyTooLarge {
                status: 500,
                limit: MAX_BODY_BYTES
            }
        );

        let addr = respond_with("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nretry-after: 7\r\ncontent-type: text/plain\r\n\r\n", MAX_BODY_BYTES).await;
        let a = get(&format!("http://{addr}/x")).await.unwrap();
        assert_eq!(a.status, 200);
        assert_eq!(a.body.len(), MAX_BODY_BYTES);
        assert_eq!(a.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(a.content_type.as_deref(), Some("text/plain"));
        assert!(format!("{a:?}").contains("1048576 bytes"));
    }
}
