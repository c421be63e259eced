//! PEM handling shared by the QPS client, the proxy client and the engine socket.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};

/// Reads a PEM file, naming it in the error.
pub(crate) fn read_pem(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Certificate(format!("{}: {e}", path.display())))
}

/// Root certificates from a PEM bundle, for reqwest.
pub(crate) fn reqwest_roots(pem: &[u8]) -> Result<Vec<reqwest::Certificate>> {
    let roots = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| Error::Certificate(format!("root certificate: {e}")))?;
    if roots.is_empty() {
        return Err(Error::Certificate(
            "root certificate: no certificate in the PEM data".into(),
        ));
    }
    Ok(roots)
}

/// A rustls client configuration that trusts `root_pem` (or the web PKI roots).
pub(crate) fn rustls_client_config(root_pem: Option<&[u8]>) -> Result<Arc<rustls::ClientConfig>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match root_pem {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert =
                    cert.map_err(|e| Error::Certificate(format!("root certificate: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| Error::Certificate(format!("root certificate: {e}")))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Certificate(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
