//! TLS for the QPS and proxy listeners; QPS can require client certificates
//! (as Qlik requires on port 4243), the proxy never does.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::TlsFiles;
use crate::error::SimError;
use crate::outage::{GatedListener, GatedStream};

/// Builds an acceptor from the PEM files; with `client_auth`, connections must
/// present a certificate signed by `files.client_ca` (when set).
pub(crate) fn acceptor(files: &TlsFiles, client_auth: bool) -> Result<TlsAcceptor, SimError> {
    let tls = |what: &str, e: &dyn std::fmt::Display| SimError::Tls(format!("{what}: {e}"));
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| tls(&files.cert.display().to_string(), &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls(&files.cert.display().to_string(), &e))?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| tls(&files.key.display().to_string(), &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls("protocol versions", &e))?;
    let builder = match files.client_ca.as_ref().filter(|_| client_auth) {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in
                CertificateDer::pem_file_iter(ca).map_err(|e| tls(&ca.display().to_string(), &e))?
            {
                roots
                    .add(cert.map_err(|e| tls(&ca.display().to_string(), &e))?)
                    .map_err(|e| tls(&ca.display().to_string(), &e))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| tls("client CA", &e))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| tls("certificate", &e))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A listener that yields only connections whose TLS handshake succeeded.
pub(crate) struct TlsListener {
    pub inner: GatedListener,
    pub acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<GatedStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.inner.accept_tcp().await else {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            };
            // As on the plain proxy listener: no Nagle delay on answers.
            let _ = stream.tcp().set_nodelay(true);
            let handshake = self.acceptor.accept(stream);
            match tokio::time::timeout(Duration::from_secs(5), handshake).await {
                Ok(Ok(tls)) => return (tls, addr),
                Ok(Err(error)) => tracing::debug!(%addr, %error, "TLS handshake refused"),
                Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.inner.addr())
    }
}
