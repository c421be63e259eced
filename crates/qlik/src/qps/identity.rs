//! The client certificate QPS requires, checked when it is loaded so that a
//! wrong file fails at start-up with the file and the reason, not at the
//! first login as "builder error".

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, PemFile, Result};
use crate::tls::{self, RootCertificates};

/// The certificate identity Qlik exports from the QMC: `client.pem`,
/// `client_key.pem` and `root.pem` (the CA that signed the QPS certificate).
#[derive(Clone)]
pub struct ClientIdentity {
    identity_pem: Vec<u8>,
    roots: RootCertificates,
}

/// Which file is wrong, and why.
type Refusal = (PemFile, String);

impl ClientIdentity {
    /// Loads the three PEM files; the error names the file that is wrong
    /// and the reason.
    pub fn from_pem_files(client: &Path, client_key: &Path, root: &Path) -> Result<Self> {
        let client_pem = tls::read_pem(PemFile::ClientCert, client)?;
        let key_pem = tls::read_pem(PemFile::ClientKey, client_key)?;
        let roots = RootCertificates::from_pem_file(root)?;
        let identity_pem = check(&client_pem, &key_pem).map_err(|(file, reason)| {
            let path = match file {
                PemFile::ClientCert => client,
                PemFile::ClientKey => client_key,
                PemFile::RootCa => root,
            };
            Error::CertificateFile {
                file,
                path: path.to_path_buf(),
                reason,
            }
        })?;
        Ok(Self {
            identity_pem,
            roots,
        })
    }

    /// Builds an identity from PEM contents (certificate, private key, root CA).
    pub fn from_pem(client: &[u8], client_key: &[u8], root: &[u8]) -> Result<Self> {
        let identity_pem = check(client, client_key)
            .map_err(|(file, reason)| Error::Certificate(format!("{file}: {reason}")))?;
        Ok(Self {
            identity_pem,
            roots: RootCertificates::from_pem(root)?,
        })
    }

    /// The certificate and key, one PEM text (as reqwest takes them).
    pub(crate) fn pem(&self) -> &[u8] {
        &self.identity_pem
    }

    /// The CA of the QPS certificate.
    pub(crate) fn roots(&self) -> &RootCertificates {
        &self.roots
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientIdentity(<certificate>)")
    }
}

/// Checks the certificate and its key as the TLS client will use them, and
/// returns them as one PEM text.
fn check(client: &[u8], client_key: &[u8]) -> std::result::Result<Vec<u8>, Refusal> {
    let cert_error = |reason: String| (PemFile::ClientCert, reason);
    let key_error = |reason: String| (PemFile::ClientKey, reason);
    let certs = CertificateDer::pem_slice_iter(client)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| cert_error(format!("not a readable PEM file: {e}")))?;
    let Some(first) = certs.first() else {
        return Err(cert_error(
            if PrivateKeyDer::from_pem_slice(client).is_ok() {
                "holds a private key, not a certificate (are qlik.client_cert and \
             qlik.client_key swapped?)"
                    .into()
            } else {
                tls::NO_CERTIFICATE.into()
            },
        ));
    };
    if let Err(error) = webpki::EndEntityCert::try_from(first) {
        return Err(cert_error(match error {
            webpki::Error::UnsupportedCertVersion => {
                "is an X.509 version 1 certificate; TLS needs version 3 (export the \
                 certificates again from the QMC, or sign it with extensions: \
                 openssl x509 -req … -extfile)"
                    .into()
            }
            other => format!("is not a usable certificate: {other}"),
        }));
    }
    let key = PrivateKeyDer::from_pem_slice(client_key).map_err(|e| {
        key_error(match e {
            rustls::pki_types::pem::Error::NoItemsFound => {
                "holds no private key (no -----BEGIN PRIVATE KEY----- block)".into()
            }
            other => format!("not a readable private key: {other}"),
        })
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| cert_error(e.to_string()))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_client_auth_cert(certs, key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                key_error("is not the key of the client certificate".into())
            }
            rustls::Error::General(reason) => key_error(format!("unusable key: {reason}")),
            other => cert_error(other.to_string()),
        })?;
    let mut identity_pem = client.to_vec();
    identity_pem.push(b'\n');
    identity_pem.extend_from_slice(client_key);
    reqwest::Identity::from_pem(&identity_pem)
        .map_err(|e| cert_error(format!("certificate or key not accepted: {e}")))?;
    Ok(identity_pem)
}
