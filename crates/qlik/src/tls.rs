//! PEM handling shared by the QPS client, the proxy client and the engine socket.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, PemFile, Result};

/// The CA certificates a Qlik site's server certificates are checked against
/// (Qlik's exported `root.pem`, or a corporate CA), in place of the web PKI
/// roots. Parsed once; one set serves QPS ([`crate::qps::QpsConfig::root_ca`]),
/// the proxy ([`crate::proxy::Proxy::with_root`]) and the engine socket
/// ([`crate::qix::ConnectOptions::root_ca`]). Cheap to clone.
#[derive(Clone)]
pub struct RootCertificates {
    reqwest: Vec<reqwest::Certificate>,
    rustls: Arc<rustls::ClientConfig>,
}

impl RootCertificates {
    /// Reads a PEM file of one or more CA certificates; the error names the
    /// file and says what is wrong with it.
    pub fn from_pem_file(path: &Path) -> Result<Self> {
        let pem = read_pem(PemFile::RootCa, path)?;
        Self::parse(&pem).map_err(|reason| Error::CertificateFile {
            file: PemFile::RootCa,
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Parses PEM data holding one or more CA certificates; data without any
    /// certificate is an error.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        Self::parse(pem).map_err(|reason| Error::Certificate(format!("root certificate: {reason}")))
    }

    fn parse(pem: &[u8]) -> std::result::Result<Self, String> {
        Ok(Self {
            reqwest: reqwest_roots(pem)?,
            rustls: rustls_client_config(Some(pem)).map_err(|e| e.to_string())?,
        })
    }

    /// The certificates, for a reqwest client builder.
    pub(crate) fn reqwest(&self) -> &[reqwest::Certificate] {
        &self.reqwest
    }

    /// A rustls client configuration trusting exactly these roots.
    pub(crate) fn rustls(&self) -> Arc<rustls::ClientConfig> {
        self.rustls.clone()
    }
}

impl std::fmt::Debug for RootCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RootCertificates({} certificates)", self.reqwest.len())
    }
}

/// Reads one of the PEM files, naming it in the error.
pub(crate) fn read_pem(file: PemFile, path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::CertificateFile {
        file,
        path: path.to_path_buf(),
        reason: format!("cannot be read: {e}"),
    })
}

/// Root certificates from a PEM bundle, for reqwest.
fn reqwest_roots(pem: &[u8]) -> std::result::Result<Vec<reqwest::Certificate>, String> {
    let roots = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| format!("not a readable PEM file: {e}"))?;
    if roots.is_empty() {
        return Err(NO_CERTIFICATE.into());
    }
    Ok(roots)
}

/// What a PEM file without a certificate is told.
pub(crate) const NO_CERTIFICATE: &str =
    "holds no certificate (no -----BEGIN CERTIFICATE----- block)";

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

/// The rustls error somewhere in `error`'s source chain (directly, or inside
/// an `io::Error` as tokio-rustls and hyper wrap it), if any.
pub(crate) fn rustls_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        source = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            // `io::Error::source` skips the error it wraps (which can be
            // another `io::Error`): step into it instead.
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// The crate's error for a TLS failure, when it is one the caller must tell
/// apart: Qlik's certificate not trusted, or our client certificate refused.
pub(crate) fn classify(error: &rustls::Error) -> Option<Error> {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::InvalidCertificate(reason) => {
            Some(Error::UntrustedServer(reason.to_string()))
        }
        rustls::Error::AlertReceived(
            Alert::CertificateRequired | Alert::BadCertificate | Alert::UnknownCA,
        ) => Some(Error::Unauthorized),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_a_certificate_is_refused() {
        let error = RootCertificates::from_pem(b"not a certificate").unwrap_err();
        assert!(matches!(error, Error::Certificate(_)), "{error:?}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let error =
            RootCertificates::from_pem_file(Path::new("/nonexistent/root.pem")).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/root.pem"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_issuer_is_an_untrusted_server() {
        // As hyper-rustls hands it to reqwest: an io::Error in an io::Error.
        let io = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ));
        let tls = rustls_error(&io).unwrap();
        assert!(matches!(classify(tls), Some(Error::UntrustedServer(_))));
    }
}
