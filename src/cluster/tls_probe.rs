//! Reading the certificate chain a kubelet presents, without verifying it: mstui dials the
//! address and port metrics-server uses, keeps what the server sends in its handshake, and
//! leaves the judging to the pure rules. Nothing is sent over the connection.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A kubelet that has not completed the handshake by then counts as not checked.
const DIAL_TIMEOUT: Duration = Duration::from_secs(2);

/// Accepts any certificate and keeps the chain: mstui reads it, the rules judge it. Nothing is
/// sent over this connection.
#[derive(Debug)]
struct KeepChain {
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl rustls::client::danger::ServerCertVerifier for KeepChain {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.as_ref().to_vec())
                .collect();
        }
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The chain `address:port` presents, leaf first.
pub async fn read_chain(address: &str, port: u16) -> Result<Vec<Vec<u8>>, String> {
    let target = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        _ => format!("{address}:{port}"),
    };
    // A kubelet that timed out is not dialled again for a while: the TUI re-reads the cluster
    // every few seconds while verifying, and an operator outside the node network would
    // otherwise wait out the timeout on every one of those reads.
    if let Some(why) = recent_timeout(&target) {
        return Err(why);
    }
    let result = dial(address, &target).await;
    if let Err(why) = &result
        && why.starts_with(TIMED_OUT)
        && let Ok(mut timeouts) = TIMEOUTS.lock()
    {
        timeouts.insert(target, (std::time::Instant::now(), why.clone()));
    }
    result
}

const TIMED_OUT: &str = "no TLS handshake with";
/// How long a timed-out kubelet is reported from memory instead of dialled again.
const REMEMBER_TIMEOUT: Duration = Duration::from_secs(60);
type Timeouts = std::collections::HashMap<String, (std::time::Instant, String)>;
static TIMEOUTS: std::sync::LazyLock<Mutex<Timeouts>> = std::sync::LazyLock::new(Default::default);

fn recent_timeout(target: &str) -> Option<String> {
    let timeouts = TIMEOUTS.lock().ok()?;
    let (at, why) = timeouts.get(target)?;
    (at.elapsed() < REMEMBER_TIMEOUT).then(|| why.clone())
}

async fn dial(address: &str, target: &str) -> Result<Vec<Vec<u8>>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let verifier = KeepChain {
        provider: provider.clone(),
        seen: seen.clone(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let server_name = rustls::pki_types::ServerName::try_from(address.to_string())
        .map_err(|e| format!("{address} is not a host name or IP: {e}"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect(target)
            .await
            .map_err(|e| format!("dial tcp {target}: {e}"))?;
        connector
            .connect(server_name, tcp)
            .await
            .map(drop)
            .map_err(|e| format!("TLS handshake with {target}: {e}"))
    };
    let result = tokio::time::timeout(DIAL_TIMEOUT, handshake).await;
    let chain = seen.lock().map(|s| s.clone()).unwrap_or_default();
    // A handshake that failed after the certificate arrived (e.g. the kubelet wants a client
    // certificate) still showed the chain.
    if !chain.is_empty() {
        return Ok(chain);
    }
    match result {
        Err(_) => Err(format!(
            "{TIMED_OUT} {target} within {}s",
            DIAL_TIMEOUT.as_secs()
        )),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) => Err(format!("{target} presented no certificate")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_kubelet_that_timed_out_is_not_dialled_again_at_once() {
        // A listener that accepts and never answers the TLS hello: the handshake times out.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(socket);
            }
        });
        let first = read_chain("127.0.0.1", port).await;
        assert!(
            first.as_ref().is_err_and(|e| e.starts_with(TIMED_OUT)),
            "{first:?}"
        );
        let second = read_chain("127.0.0.1", port).await;
        assert_eq!(second, first, "the same answer, from memory");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "dialled once");
    }
}
