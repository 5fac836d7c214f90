//! The HTTP server loop: the router on hyper's HTTP/1 connections, stopped gracefully.
//!
//! `axum::serve` does the same with hyper's defaults, which let each connection's read
//! buffer grow to about 400 KiB while a request body streams in; during a deadline rush
//! every uploading connection held one (and a second while the first was still in a chunk
//! being written), so the server's memory followed how many uploads were in flight and how
//! long each lasted, i.e. the file size. Here the buffer stops at `READ_BUFFER_MAX`.

use std::{future::Future, io, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{Request, body::Incoming, server::conn::http1};
use hyper_util::{rt::TokioIo, server::graceful::GracefulShutdown, service::TowerToHyperService};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The most a connection buffers of what it reads. hyper's default is 8 KiB + 400 KiB.
const READ_BUFFER_MAX: usize = 64 * 1024;

/// Serves `app` on `listener` until `stop` completes, then stops accepting, lets the
/// requests in flight finish (idle kept-alive connections are closed) and returns.
pub async fn run(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.max_buf_size(READ_BUFFER_MAX);
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
