//! The QPS client.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use url::Url;

use super::identity::ClientIdentity;
use super::types::{Attribute, ProxySession, Ticket, TicketResponse, UserRef, UserRequest};
use super::xrfkey;
use crate::error::{Error, Result};
use crate::tls::RootCertificates;

/// Where and how to reach QPS.
#[derive(Debug, Clone)]
pub struct QpsConfig {
    /// Base URL of the QPS listener, e.g. `https://qlik:4243`.
    pub base_url: String,
    /// The virtual proxy prefix (empty for the default virtual proxy).
    pub virtual_proxy: String,
    /// Client certificate; required by a real QPS. Its root is trusted too.
    pub identity: Option<ClientIdentity>,
    /// The CA of the QPS server certificate; none: the web PKI roots (or the
    /// identity's root).
    pub root_ca: Option<RootCertificates>,
    /// Timeout of each request (connect included).
    pub timeout: Duration,
}

impl QpsConfig {
    /// A configuration with no certificate and a 10 s timeout.
    pub fn new(base_url: impl Into<String>, virtual_proxy: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            virtual_proxy: virtual_proxy.into(),
            identity: None,
            root_ca: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Sets the client certificate identity.
    pub fn identity(mut self, identity: ClientIdentity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// Trusts only `roots` (and the identity's root) for the QPS certificate.
    pub fn root_ca(mut self, roots: RootCertificates) -> Self {
        self.root_ca = Some(roots);
        self
    }
}

/// A client of the QPS REST API. Cheap to clone.
#[derive(Debug, Clone)]
pub struct QpsClient {
    http: reqwest::Client,
    base: Url,
}

impl QpsClient {
    /// Builds the client (loads no file; see [`ClientIdentity`]).
    pub fn new(config: QpsConfig) -> Result<Self> {
        let base = api_base(&config.base_url, &config.virtual_proxy)?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(identity) = &config.identity {
            let id = reqwest::Identity::from_pem(identity.pem())
                .map_err(|e| Error::Certificate(e.to_string()))?;
            builder = builder.identity(id);
        }
        let roots = config.identity.iter().map(ClientIdentity::roots);
        for roots in roots.chain(&config.root_ca) {
            builder = builder.tls_built_in_root_certs(false);
            for root in roots.reqwest() {
                builder = builder.add_root_certificate(root.clone());
            }
        }
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("QPS client: {e}")))?;
        Ok(Self { http, base })
    }

    /// Requests a ticket for `user` with the given attributes (`(name, value)`).
    pub async fn ticket(&self, user: &UserRef, attributes: &[(String, String)]) -> Result<Ticket> {
        let attributes = to_attributes(attributes);
        let body = UserRequest {
            user_directory: &user.directory,
            user_id: &user.id,
            attributes: &attributes,
            session_id: None,
        };
        let response = self.send(Method::POST, &["ticket"], Some(&body)).await?;
        match response.status() {
            StatusCode::CREATED | StatusCode::OK => {
                let parsed: TicketResponse = response.json().await?;
                Ok(Ticket::new(parsed.ticket))
            }
            StatusCode::BAD_REQUEST => Err(Error::TicketRefused(body_text(response).await)),
            status => Err(unexpected(status, response).await),
        }
    }

    /// Adds a proxy session with a caller-chosen id (the session module API).
    pub async fn add_session(
        &self,
        user: &UserRef,
        attributes: &[(String, String)],
        session_id: &str,
    ) -> Result<ProxySession> {
        let attributes = to_attributes(attributes);
        let body = UserRequest {
            user_directory: &user.directory,
            user_id: &user.id,
            attributes: &attributes,
            session_id: Some(session_id),
        };
        let response = self.send(Method::POST, &["session"], Some(&body)).await?;
        match response.status() {
            s if s.is_success() => Ok(response.json().await?),
            StatusCode::BAD_REQUEST => Err(Error::TicketRefused(body_text(response).await)),
            status => Err(unexpected(status, response).await),
        }
    }

    /// Gets one proxy session; [`Error::NotFound`] when it does not exist.
    pub async fn session(&self, session_id: &str) -> Result<ProxySession> {
        let response = self
            .send::<()>(Method::GET, &["session", session_id], None)
            .await?;
        json_or_error(response).await
    }

    /// Deletes a proxy session, closing all its connections.
    pub async fn delete_session(&self, session_id: &str) -> Result<()> {
        let response = self
            .send::<()>(Method::DELETE, &["session", session_id], None)
            .await?;
        match response.status() {
            s if s.is_success() => Ok(()),
            status => Err(unexpected(status, response).await),
        }
    }

    /// Lists the user's proxy sessions (the way to count them).
    pub async fn user_sessions(&self, user: &UserRef) -> Result<Vec<ProxySession>> {
        let response = self
            .send::<()>(Method::GET, &["user", &user.directory, &user.id], None)
            .await?;
        match json_or_error(response).await {
            Err(Error::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }

    /// Logs the user out everywhere; returns the sessions that were removed.
    pub async fn logout_user(&self, user: &UserRef) -> Result<Vec<ProxySession>> {
        let response = self
            .send::<()>(Method::DELETE, &["user", &user.directory, &user.id], None)
            .await?;
        match json_or_error(response).await {
            Err(Error::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }

    async fn send<B: serde::Serialize>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&B>,
    ) -> Result<reqwest::Response> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| Error::Config("QPS base URL cannot have a path".into()))?
            .extend(segments);
        let key = xrfkey::generate();
        url.query_pairs_mut().append_pair("Xrfkey", &key);
        let mut request = self.http.request(method, url).header(xrfkey::HEADER, &key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        if response.status() == StatusCode::FORBIDDEN {
            let text = body_text(response).await;
            return Err(if text.contains("XSRF") {
                Error::XrfkeyRejected
            } else {
                Error::Unauthorized
            });
        }
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(Error::Unauthorized);
        }
        Ok(response)
    }
}

/// `{base}/qps/{prefix}/` as a URL whose path segments can be extended.
fn api_base(base_url: &str, virtual_proxy: &str) -> Result<Url> {
    let mut url =
        Url::parse(base_url).map_err(|e| Error::Config(format!("QPS URL {base_url:?}: {e}")))?;
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|_| Error::Config(format!("QPS URL {base_url:?} cannot be a base")))?;
        segments.pop_if_empty().push("qps");
        if !virtual_proxy.is_empty() {
            segments.push(virtual_proxy);
        }
    }
    Ok(url)
}

fn to_attributes(pairs: &[(String, String)]) -> Vec<Attribute> {
    pairs
        .iter()
        .map(|(name, value)| Attribute {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

async fn json_or_error<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    match response.status() {
        s if s.is_success() => Ok(response.json().await?),
        status => Err(unexpected(status, response).await),
    }
}

async fn body_text(response: reqwest::Response) -> String {
    let text = response.text().await.unwrap_or_default();
    text.chars().take(200).collect()
}

async fn unexpected(status: StatusCode, response: reqwest::Response) -> Error {
    if status == StatusCode::NOT_FOUND {
        return Error::NotFound;
    }
    Error::BadResponse(format!("HTTP {status}: {}", body_text(response).await))
}

#[cfg(test)]
mod tests {
    use super::api_base;

    #[test]
    fn the_virtual_proxy_follows_qps() {
        assert_eq!(
            api_base("https://qs:4243", "mashup").unwrap().as_str(),
            "https://qs:4243/qps/mashup"
        );
        assert_eq!(
            api_base("https://qs:4243/", "").unwrap().as_str(),
            "https://qs:4243/qps"
        );
    }
}
