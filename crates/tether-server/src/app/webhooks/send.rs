//! One delivery attempt over HTTP: `POST` the payload to the endpoint with the signature
//! headers, and read the answer's status and the head of its body. A connection per attempt
//! (deliveries to one endpoint are few and in order), HTTP/1.1, TLS with rustls on the `ring`
//! provider — the one already built for the rest of the binary, passed in explicitly, so no
//! process-wide provider is installed — and the system's root certificates. Redirects are
//! not followed (a 3xx is a failure, retried like any). The connection and the whole attempt
//! are timed out; the answer's body is read up to `tether_domain::webhook::MAX_RESPONSE_BYTES`.
//!
//! Not reqwest: its rustls support either builds aws-lc-rs (a second crypto library, a long C
//! build) or, without a provider, panics when any reqwest client in the workspace is built
//! while no process-wide provider is installed — the tests' and benchmarks' clients included,
//! since Cargo unifies features.

use axum::body::Body;
use futures_util::StreamExt;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tether_domain::webhook::{MAX_ERROR_CHARS, MAX_RESPONSE_BYTES, WebhookUrl};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls;

/// What a receiver answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The head of the body, as text (for the delivery's `last_error`).
    pub head: String,
}

/// Sends deliveries; one per node, reused for every attempt.
pub struct Sender {
    tls: TlsConnector,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Sender {
    /// A sender with the system's root certificates (none found: https deliveries fail and
    /// say why, plain http ones still go). Refused only if the `ring` provider refused its own
    /// defaults.
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Result<Sender, rustls::Error> {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        let (added, _) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            tracing::warn!(
                "no root certificates found (install ca-certificates): webhook deliveries to https addresses will fail"
            );
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Sender {
            tls: TlsConnector::from(Arc::new(config)),
            connect_timeout,
            timeout,
        })
    }

    /// `POST`s `body` to `url` with `headers`; the receiver's answer, or why there is none.
    pub async fn post(
        &self,
        url: &WebhookUrl,
        headers: &[(&'static str, String)],
        body: String,
    ) -> Result<Answer, String> {
        let attempt = async {
            let connect = TcpStream::connect((url.host(), url.port()));
            let tcp = tokio::time::timeout(self.connect_timeout, connect)
                .await
                .map_err(|_| {
                    format!(
                        "no connection within {} s",
                        self.connect_timeout.as_secs_f32()
                    )
                })?
                .map_err(|e| format!("connecting failed: {e}"))?;
            let _ = tcp.set_nodelay(true);
            if url.is_https() {
                let name = rustls::pki_types::ServerName::try_from(url.host().to_owned())
                    .map_err(|e| format!("not a TLS server name: {e}"))?;
                let tls = tokio::time::timeout(self.connect_timeout, self.tls.connect(name, tcp))
                    .await
                    .map_err(|_| "no TLS handshake within the connect timeout".to_owned())?
                    .map_err(|e| format!("TLS failed: {e}"))?;
                exchange(tls, url, headers, body).await
            } else {
                exchange(tcp, url, headers, body).await
            }
        };
        tokio::time::timeout(self.timeout, attempt)
            .await
            .map_err(|_| format!("no answer within {} s", self.timeout.as_secs_f32()))?
    }
}

/// One HTTP/1.1 request on `io` and the head of its answer.
async fn exchange<S>(
    io: S,
    url: &WebhookUrl,
    headers: &[(&'static str, String)],
    body: String,
) -> Result<Answer, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Body>(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP failed: {e}"))?;
    let driver = tokio::spawn(conn);
    let mut request = axum::http::Request::post(url.path_and_query())
        .header(axum::http::header::HOST, url.authority())
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header(
            axum::http::header::USER_AGENT,
            concat!("Tether-Webhooks/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Body::from(body))
        .map_err(|e| format!("the request could not be made: {e}"))?;
    let result = sender.send_request(request).await;
    let answer = match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let mut stream = Body::new(response.into_body()).into_data_stream();
            let mut head = Vec::new();
            while head.len() < MAX_RESPONSE_BYTES {
                match stream.next().await {
                    Some(Ok(chunk)) => head.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            Ok(Answer {
                status,
                head: String::from_utf8_lossy(&head)
                    .chars()
                    .take(MAX_ERROR_CHARS)
                    .collect(),
            })
        }
        Err(e) => Err(format!("HTTP failed: {e}")),
    };
    driver.abort();
    answer
}
