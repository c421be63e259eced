//! Refusing wrong or dangerous combinations of values, and what is derived
//! from them.

use std::net::SocketAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::Config;
use crate::error::ServerError;

impl Config {
    /// Refuses wrong or dangerous combinations, naming the key to change.
    pub fn validate(&self) -> Result<(), ServerError> {
        let invalid = |key: &'static str, reason: &str| {
            Err(ServerError::Invalid {
                key,
                reason: reason.into(),
            })
        };
        if self.qlik.qps_url.is_some() && self.ldap.is_none() && !self.allow_demo_directory {
            return invalid(
                "ldap",
                "a real Qlik site (qlik.qps_url) needs a real directory: configure [ldap] \
                 (the demo directory's passwords are public; allow_demo_directory = true \
                 allows it anyway, for a demonstration)",
            );
        }
        if self.qlik.qps_url.is_some() && self.qlik.embedded_apps.is_some() {
            return invalid(
                "qlik.embedded_apps",
                "is for the embedded simulator, which qlik.qps_url replaces: remove one",
            );
        }
        let public = match &self.public_url {
            Some(url) => Some(
                PublicUrl::parse(url).map_err(|reason| ServerError::Invalid {
                    key: "public_url",
                    reason,
                })?,
            ),
            None => None,
        };
        let public_http = public.as_ref().is_some_and(|p| !p.https);
        if self.tls.is_some() && public_http {
            return invalid(
                "public_url",
                "is http, but [tls] makes the server serve https",
            );
        }
        if self.session.secure_cookie && public_http {
            return invalid(
                "session.secure_cookie",
                "a Secure cookie is never sent back over the http public_url",
            );
        }
        if self.session.is_postgres() && self.session.key.is_empty() {
            return invalid(
                "session.key",
                "must be set with a PostgreSQL store: every instance must open the Qlik \
                 cookies another sealed (a generated key file is one instance's own)",
            );
        }
        let url = &self.session.store_url;
        if !url.is_empty() && !url.starts_with("sqlite://") && !self.session.is_postgres() {
            return invalid(
                "session.store_url",
                "must be postgres://… (several instances) or sqlite://PATH (one)",
            );
        }
        if let Some(family) = covers_a_whole_family(&self.trusted_proxies) {
            return invalid(
                "trusted_proxies",
                &format!(
                    "these networks together cover every {family} address (as a /0 would), \
                     trusting every client's X-Forwarded-For: list the proxies' addresses"
                ),
            );
        }
        if !self.pages.is_empty() && self.dashboard != Default::default() {
            return invalid(
                "dashboard",
                "set either [dashboard] (one page) or [[pages]], not both",
            );
        }
        if self.dashboard.path != "/" {
            return invalid(
                "dashboard.path",
                "[dashboard] is the one page at \"/\": use [[pages]] for pages at other paths",
            );
        }
        self.dashboard_pages()?;
        if !is_hex_colour(&self.theme.brand_colour) {
            return invalid("theme.brand_colour", "must be a colour like \"#1f3a5f\"");
        }
        if self.qlik.request_timeout.is_zero() {
            return invalid(
                "qlik.request_timeout",
                "must be more than 0: a page waits this long for Qlik before the last view kept is shown",
            );
        }
        let last = &self.last_view;
        if last.max_kib_per_user > 0
            && last.max_mib_total > 0
            && last.max_kib_per_user > last.max_mib_total.saturating_mul(1024)
        {
            return invalid(
                "last_view.max_kib_per_user",
                "is more than last_view.max_mib_total: one user could not keep that much",
            );
        }
        if self.export.max_rows == 0 {
            return invalid("export.max_rows", "must be at least 1");
        }
        if let Some(listen) = self.listen {
            self.check_metrics_listen(listen)?;
        }
        Ok(())
    }

    /// Refuses a `metrics.listen` that the public listener, at its effective
    /// address `listen` (the configured one, or Leptos' `site-addr`), would
    /// take first: the same port on the same or an unspecified address.
    pub fn check_metrics_listen(&self, listen: SocketAddr) -> Result<(), ServerError> {
        let Some(metrics) = self.metrics.listen else {
            return Ok(());
        };
        let same_ip = metrics.ip() == listen.ip()
            || metrics.ip().is_unspecified()
            || listen.ip().is_unspecified();
        if metrics.port() != 0 && metrics.port() == listen.port() && same_ip {
            let origin = if self.listen.is_some() {
                "listen"
            } else {
                "the default listen (Leptos' site-addr)"
            };
            return Err(ServerError::Invalid {
                key: "metrics.listen",
                reason: format!(
                    "{metrics} is also the public listener's address ({origin}, {listen}): \
                     give /metrics a port of its own"
                ),
            });
        }
        Ok(())
    }

    /// The dashboard's pages: `[[pages]]`, or the one `[dashboard]`.
    pub fn dashboard_pages(&self) -> Result<app::dashboard::pages::Pages, ServerError> {
        if self.pages.is_empty() {
            app::dashboard::pivot_def::check_pivots(&self.dashboard.pivots, "dashboard").map_err(
                |reason| ServerError::Invalid {
                    key: "dashboard.pivots",
                    reason,
                },
            )?;
            return Ok(app::dashboard::pages::Pages::single(self.dashboard.clone()));
        }
        let pages = self.pages.iter().cloned().map(Into::into).collect();
        app::dashboard::pages::Pages::new(pages).map_err(|reason| ServerError::Invalid {
            key: "pages",
            reason,
        })
    }

    /// Do users reach the server over https (its own TLS, or an https `public_url`)?
    pub fn https(&self) -> bool {
        self.tls.is_some()
            || self
                .public_url
                .as_deref()
                .and_then(|url| PublicUrl::parse(url).ok())
                .is_some_and(|p| p.https)
    }

    /// Is the session cookie `Secure` (and `__Host-` prefixed)?
    pub fn secure_cookie(&self) -> bool {
        self.session.secure_cookie || self.https()
    }

    /// The origin of `public_url` (`https://host[:port]`), if set and valid.
    pub fn public_origin(&self) -> Option<String> {
        self.public_url
            .as_deref()
            .and_then(|url| PublicUrl::parse(url).ok())
            .map(|p| p.origin)
    }
}

/// The address family (`IPv4`, `IPv6`) whose every address `nets` cover
/// together, if any.
fn covers_a_whole_family(nets: &[IpNet]) -> Option<&'static str> {
    let v4: Vec<Ipv4Net> = nets
        .iter()
        .filter_map(|net| match net {
            IpNet::V4(net) => Some(*net),
            IpNet::V6(_) => None,
        })
        .collect();
    let v6: Vec<Ipv6Net> = nets
        .iter()
        .filter_map(|net| match net {
            IpNet::V6(net) => Some(*net),
            IpNet::V4(_) => None,
        })
        .collect();
    if Ipv4Net::aggregate(&v4)
        .iter()
        .any(|net| net.prefix_len() == 0)
    {
        Some("IPv4")
    } else if Ipv6Net::aggregate(&v6)
        .iter()
        .any(|net| net.prefix_len() == 0)
    {
        Some("IPv6")
    } else {
        None
    }
}

/// `#rrggbb` (what a CSS custom property may safely hold).
fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A parsed `public_url`.
struct PublicUrl {
    https: bool,
    /// `scheme://host[:port]`, lower-case, without a default port: what
    /// browsers send as `Origin`.
    origin: String,
}

impl PublicUrl {
    fn parse(url: &str) -> Result<Self, String> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("{url:?} must start with https:// or http://")),
        };
        let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
            return Err(format!("{url:?} has no host"));
        };
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(format!(
                "{url:?}: the site must be served at the root (no path or query)"
            ));
        }
        let scheme = if https { "https" } else { "http" };
        let default_port = if https { 443 } else { 80 };
        let origin = match uri.port_u16() {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        };
        Ok(Self {
            https,
            origin: origin.to_ascii_lowercase(),
        })
    }
}
