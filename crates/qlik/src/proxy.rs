//! The proxy's HTTP side: redeeming a ticket for a proxy session cookie, and
//! fetching the CSRF token newer proxies require on WebSocket upgrades.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use url::Url;

use crate::error::{Error, Result};
use crate::qps::Ticket;
use crate::tls::RootCertificates;

/// Prefix shared by every Qlik proxy session cookie name (`X-Qlik-Session`,
/// `X-Qlik-Session-{prefix}`, with `-HTTP` appended over plain http).
pub const SESSION_COOKIE_PREFIX: &str = "X-Qlik-Session";
/// Header (and query parameter) carrying the proxy's WebSocket CSRF token.
pub const CSRF_TOKEN_HEADER: &str = "qlik-csrf-token";

/// A proxy session cookie: what keeps a user's proxy session without a new
/// ticket. Its value is a secret and never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCookie {
    name: String,
    value: String,
}

impl SessionCookie {
    /// A cookie from its name and value (e.g. read back from storage).
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
    /// The cookie's name, e.g. `X-Qlik-Session-mashup`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The session id: a secret.
    pub fn expose_value(&self) -> &str {
        &self.value
    }
    /// `name=value`, for a `Cookie` header.
    pub fn header_value(&self) -> String {
        format!("{}={}", self.name, self.value)
    }
}

impl fmt::Debug for SessionCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionCookie({}=<redacted>)", self.name)
    }
}

/// A client of the proxy's HTTP side under one virtual proxy.
#[derive(Debug, Clone)]
pub struct Proxy {
    http: reqwest::Client,
    base: Url,
    cookie_name: String,
}

impl Proxy {
    /// `base_url` is the proxy's address (`https://qlik`), `virtual_proxy` its
    /// prefix (empty for the default virtual proxy). Web PKI roots are trusted.
    pub fn new(base_url: &str, virtual_proxy: &str) -> Result<Self> {
        Self::build(base_url, virtual_proxy, None, Duration::from_secs(10))
    }

    /// Like [`Proxy::new`], trusting only `roots` and with the given timeout.
    pub fn with_root(
        base_url: &str,
        virtual_proxy: &str,
        roots: &RootCertificates,
        timeout: Duration,
    ) -> Result<Self> {
        Self::build(base_url, virtual_proxy, Some(roots), timeout)
    }

    fn build(
        base_url: &str,
        virtual_proxy: &str,
        roots: Option<&RootCertificates>,
        timeout: Duration,
    ) -> Result<Self> {
        let mut base = Url::parse(base_url)
            .map_err(|e| Error::Config(format!("proxy URL {base_url:?}: {e}")))?;
        {
            let mut segments = base
                .path_segments_mut()
                .map_err(|_| Error::Config(format!("proxy URL {base_url:?} cannot be a base")))?;
            segments.pop_if_empty();
            if !virtual_proxy.is_empty() {
                segments.push(virtual_proxy);
            }
        }
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(roots) = roots {
            builder = builder.tls_built_in_root_certs(false);
            for root in roots.reqwest() {
                builder = builder.add_root_certificate(root.clone());
            }
        }
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("proxy client: {e}")))?;
        let mut cookie_name = SESSION_COOKIE_PREFIX.to_owned();
        if !virtual_proxy.is_empty() {
            cookie_name.push('-');
            cookie_name.push_str(virtual_proxy);
        }
        if base.scheme() == "http" {
            cookie_name.push_str("-HTTP");
        }
        Ok(Self {
            http,
            base,
            cookie_name,
        })
    }

    /// The session cookie name by Qlik's convention: `X-Qlik-Session`, then
    /// `-{prefix}` for a named virtual proxy, then `-HTTP` when the proxy URL
    /// is plain `http` (nothing over `https`).
    /// Needed when minting sessions with the QPS session API.
    pub fn session_cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// Redeems `ticket` with a plain GET under the virtual proxy and returns the
    /// session cookie the proxy sets. The ticket is consumed either way.
    pub async fn redeem_ticket(&self, ticket: &Ticket) -> Result<SessionCookie> {
        let mut url = self.url(&["hub", ""]);
        url.query_pairs_mut()
            .append_pair("qlikTicket", ticket.expose());
        let response = self.http.get(url).send().await?;
        let status = response.status();
        if let Some(cookie) = session_cookie_from_headers(response.headers()) {
            return Ok(cookie);
        }
        if status.is_redirection() {
            let to_login = response.headers().contains_key(LOCATION);
            return Err(Error::TicketRefused(if to_login {
                "the proxy redirected to authentication".into()
            } else {
                format!("HTTP {status}")
            }));
        }
        let body = response.text().await.unwrap_or_default();
        if body.contains("too many sessions") {
            return Err(Error::SessionLimit);
        }
        Err(Error::BadResponse(format!(
            "HTTP {status} and no session cookie when redeeming a ticket"
        )))
    }

    /// Fetches the CSRF token for WebSocket upgrades (`GET /{prefix}/qps/csrftoken`).
    pub async fn csrf_token(&self, cookie: &SessionCookie) -> Result<String> {
        let response = self
            .http
            .get(self.url(&["qps", "csrftoken"]))
            .header(COOKIE, cookie.header_value())
            .send()
            .await?;
        match response.status() {
            s if s.is_success() => response
                .headers()
                .get(CSRF_TOKEN_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| Error::BadResponse("no qlik-csrf-token header".into())),
            s if s.is_redirection() || s == StatusCode::UNAUTHORIZED => {
                Err(Error::AuthenticationRequired)
            }
            s => Err(Error::BadResponse(format!("HTTP {s} for the CSRF token"))),
        }
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        url
    }
}

/// The proxy session cookie among the response's `Set-Cookie` headers.
pub(crate) fn session_cookie_from_headers(headers: &http::HeaderMap) -> Option<SessionCookie> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, value)| name.trim().starts_with(SESSION_COOKIE_PREFIX) && !value.is_empty())
        .map(|(name, value)| SessionCookie::new(name.trim(), value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn the_cookie_name_follows_the_scheme_and_the_virtual_proxy() {
        let name = |url: &str, prefix: &str| {
            Proxy::new(url, prefix)
                .unwrap()
                .session_cookie_name()
                .to_owned()
        };
        assert_eq!(name("http://qs", ""), "X-Qlik-Session-HTTP");
        assert_eq!(name("http://qs", "mashup"), "X-Qlik-Session-mashup-HTTP");
        assert_eq!(name("https://qs", ""), "X-Qlik-Session");
        assert_eq!(name("https://qs/", "mashup"), "X-Qlik-Session-mashup");
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("X-Qlik-Session-mashup-HTTP=abc-123; Path=/; HttpOnly"),
        );
        let cookie = session_cookie_from_headers(&headers).unwrap();
        assert_eq!(cookie.name(), "X-Qlik-Session-mashup-HTTP");
        assert_eq!(cookie.expose_value(), "abc-123");
        assert_eq!(
            format!("{cookie:?}"),
            "SessionCookie(X-Qlik-Session-mashup-HTTP=<redacted>)"
        );
    }
}
