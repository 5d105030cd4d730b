//! What the transport's unit tests share: quick clients that never resolve a name, loopback
//! listeners with scripted behaviour, and the request head reader.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

use super::{
    build_client_with_resolver, execute, Answer, HttpClient, HttpError, HttpSettings,
    RefusingResolver, TransportError,
};

pub(super) fn quick() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_millis(800),
    }
}

/// Every client of these tests refuses name lookups: no DNS query leaves the computer.
pub(super) fn client() -> HttpClient {
    build_client_with_resolver(&quick(), Arc::new(RefusingResolver)).unwrap()
}

pub(super) async fn get(url: &str) -> Result<Answer, HttpError> {
    let client = client();
    let request = client.get(url).build().unwrap();
    execute(&client, request, "/test").await
}

pub(super) async fn post(url: &str) -> Result<Answer, HttpError> {
    let client = client();
    let request = client.post(url).body("{\"a\":1}").build().unwrap();
    execute(&client, request, "/test").await
}

/// A listener that runs `behave` on each accepted connection.
pub(super) async fn listener<F, Fut>(behave: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(behave(s));
        }
    });
    addr
}

pub(super) async fn read_request_head(s: &mut TcpStream) {
    let mut buf = vec![0u8; 4096];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

pub(super) fn transport(r: Result<Answer, HttpError>) -> TransportError {
    match r {
        Err(HttpError::Transport(t)) => t,
        other => panic!("expected a transport error, got {other:?}"),
    }
}
