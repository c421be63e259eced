//! The crate's error type: one enum for every failure a caller must tell apart.

use crate::qix::ProxyNotice;

/// Everything that can go wrong talking to Qlik.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The client certificate, key or root file could not be read or parsed.
    #[error("cannot load the Qlik certificate files: {0}")]
    Certificate(String),
    /// One of the certificate files is unusable: which, where, and why.
    #[error("{file} {}: {reason}", path.display())]
    CertificateFile {
        /// Which file.
        file: PemFile,
        /// Its path.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A configured URL or virtual-proxy prefix is malformed.
    #[error("invalid Qlik configuration: {0}")]
    Config(String),
    /// Qlik's server certificate (QPS, proxy or engine) is not signed by a
    /// trusted root, or not valid for the host: give the site's CA as the root.
    #[error("the Qlik server's certificate is not trusted: {0}")]
    UntrustedServer(String),
    /// QPS refused our client certificate (TLS handshake failure or 401/403).
    #[error("the Qlik Proxy Service refused the client certificate")]
    Unauthorized,
    /// QPS answered 403 "XSRF prevention check failed".
    #[error("the Qlik Proxy Service rejected the Xrfkey")]
    XrfkeyRejected,
    /// The session, user or resource does not exist.
    #[error("not found at the Qlik Proxy Service")]
    NotFound,
    /// QPS refused to issue a ticket or the proxy refused to redeem it
    /// (expired, already used, unknown, or an invalid user).
    #[error("the Qlik ticket was refused: {0}")]
    TicketRefused(String),
    /// The user already has the maximum number of parallel proxy sessions.
    #[error("too many Qlik sessions are active in parallel for this user")]
    SessionLimit,
    /// The proxy session is gone (timed out, logged out or closed): a new
    /// ticket is needed.
    #[error("the Qlik proxy session has ended: {0}")]
    SessionEnded(ProxyNotice),
    /// The proxy asks for authentication (no or invalid session cookie).
    #[error("the Qlik proxy requires authentication")]
    AuthenticationRequired,
    /// The engine refused the session (license, access, limits).
    #[error("the Qlik engine refused the session: {0}")]
    SessionRefused(String),
    /// The network failed or timed out before an answer arrived.
    #[error("cannot reach Qlik: {0}")]
    Transport(String),
    /// Qlik answered something this client cannot understand.
    #[error("unexpected answer from Qlik: {0}")]
    BadResponse(String),
    /// The engine answered a call with a JSON-RPC error.
    #[error("engine error {code} ({message}){}", if parameter.is_empty() { String::new() } else { format!(": {parameter}") })]
    Engine {
        /// Qlik's `LocalizedErrorCode` (or a JSON-RPC code).
        code: i64,
        /// The engine's message.
        message: String,
        /// Context such as an object or app id.
        parameter: String,
    },
    /// The engine socket closed while the call was outstanding, or before it was sent.
    #[error("the engine connection was lost")]
    ConnectionLost,
    /// A call did not complete within the configured timeout.
    #[error("the engine did not answer in time")]
    Timeout,
}

/// The PEM files of a Qlik site's exported certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemFile {
    /// `client.pem`: the client certificate QPS requires.
    ClientCert,
    /// `client_key.pem`: its private key.
    ClientKey,
    /// `root.pem`: the CA of Qlik's server certificates.
    RootCa,
}

impl std::fmt::Display for PemFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PemFile::ClientCert => "client certificate",
            PemFile::ClientKey => "client key",
            PemFile::RootCa => "root CA",
        })
    }
}

impl Error {
    /// The engine's error code, when this is an engine error.
    pub fn engine_code(&self) -> Option<i64> {
        match self {
            Error::Engine { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        // URLs can carry a ticket: never keep them in an error.
        let error = error.without_url();
        if error.is_timeout() {
            return Error::Timeout;
        }
        if error.is_decode() {
            return Error::BadResponse(error.to_string());
        }
        if let Some(error) = crate::tls::rustls_error(&error).and_then(crate::tls::classify) {
            return error;
        }
        // A refused client certificate surfaces as a TLS alert from the server.
        let mut chain = String::new();
        let mut source: Option<&dyn std::error::Error> = Some(&error);
        while let Some(e) = source {
            chain.push_str(&format!("{e}; "));
            source = e.source();
        }
        if [
            "CertificateRequired",
            "BadCertificate",
            "UnknownCA",
            "certificate required",
        ]
        .iter()
        .any(|alert| chain.contains(alert))
        {
            return Error::Unauthorized;
        }
        Error::Transport(chain.trim_end_matches("; ").to_owned())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
