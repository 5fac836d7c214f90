//! The HTTP server loop: the router on hyper's HTTP/1 connections, stopped gracefully.
//!
//! `axum::serve` does the same with hyper's defaults, which let each connection's read
//! buffer grow to about 400 KiB while a request body streams in; during a deadline rush
//! every uploading connection held one (and a second while the first was still in a chunk
//! being written), so the server's memory followed how many uploads were in flight and how
//! long each lasted, i.e. the file size. Here the buffer stops at `READ_BUFFER_MAX`.
//!
//! Without a timer hyper also waits for a request's headers for ever, so a client that
//! opens connections and sends a header line now and then (slowloris) holds them all;
//! here a connection that has not sent a whole header within `HEADER_READ_TIMEOUT` is
//! closed (a slow link in a commune still sends a few hundred bytes of headers in
//! seconds, and the body, which may take minutes, is not limited by it).

use std::{future::Future, io, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{Request, body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The most a connection buffers of what it reads. hyper's default is 8 KiB + 400 KiB.
const READ_BUFFER_MAX: usize = 64 * 1024;

/// How long a connection may take to send a request's headers, and how long a kept-alive
/// connection may stay idle before its next request.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `stop` completes, then stops accepting, lets the
/// requests in flight finish (idle kept-alive connections are closed) and returns.
pub async fn run(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) {
    serve(listener, app, stop, HEADER_READ_TIMEOUT).await;
}

async fn serve(
    listener: TcpListener,
    app: Router,
    stop: impl Future<Output = ()>,
    header_timeout: Duration,
) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.max_buf_size(READ_BUFFER_MAX)
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    wait_after_accept_error(e).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // The handlers see the peer's address as axum's `ConnectInfo`.
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            req
        });
        let connection = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, peer = %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A connection that failed before it was accepted is the peer's business; anything else
/// (too many open files, above all) is waited out for a second rather than spun on.
async fn wait_after_accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use axum::routing::get;
    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpStream,
    };

    use super::*;

    /// Everything the server sends until it closes the connection.
    async fn read_to_close(stream: &mut TcpStream) -> String {
        let mut got = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut got));
        read.await.expect("the server closes the connection").ok();
        String::from_utf8_lossy(&got).into_owned()
    }

    #[tokio::test]
    async fn a_client_that_never_finishes_its_headers_is_disconnected() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "xin chào" }));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            app,
            async {
                stop_rx.await.ok();
            },
            Duration::from_millis(300),
        ));
        // A whole request is answered.
        let mut whole = TcpStream::connect(addr).await.unwrap();
        whole
            .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let answer = read_to_close(&mut whole).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("xin chào"), "{answer}");
        // Headers that never end: the connection is closed, not held.
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n")
            .await
            .unwrap();
        let answer = read_to_close(&mut slow).await;
        assert!(!answer.contains("200 OK"), "{answer}");
        stop_tx.send(()).unwrap();
        server.await.unwrap();
    }
}
