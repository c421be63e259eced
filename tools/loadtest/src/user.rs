//! One simulated user: a browser-like HTTP client (cookie jar, no redirects
//! followed, same-origin headers on server-function calls) and the requests
//! the dashboard makes.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, LOCATION, ORIGIN};
use reqwest::redirect::Policy;

use crate::slapd;

/// A simulated user and their browser.
#[derive(Clone)]
pub struct User {
    client: reqwest::Client,
    cookies: std::sync::Arc<reqwest::cookie::Jar>,
    base: String,
    index: usize,
}

/// The loopback address user `index` connects from: users spread over
/// 127.0.0.1–127.0.0.250, 127.0.1.1–… as they would over real addresses, so
/// the server's per-address login throttle sees a crowd, not one client
/// logging in a thousand times (which it would rightly answer with 429).
/// Linux routes all of 127.0.0.0/8 to the loopback interface.
fn source_address(index: usize) -> IpAddr {
    let block = index / 250;
    let octet = |n: usize| (n % 256) as u8;
    IpAddr::V4(Ipv4Addr::new(
        127,
        octet(block / 256),
        octet(block),
        octet(index % 250 + 1),
    ))
}

/// What a user does in a throughput phase.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// GET a page (the dashboard `/` or `/login`).
    Page(&'static str),
    /// The `load_dashboard` server function (`POST /api/dashboard`).
    DashboardFn,
    /// Toggle one value of the first list box (`POST /api/select`), then
    /// reload the dashboard view as the page does after the change event.
    SelectAndReload,
}

impl User {
    /// Simulated user `index` of the directory, not logged in yet.
    pub fn new(base: &str, index: usize) -> Result<User, String> {
        let cookies = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(cookies.clone())
            .redirect(Policy::none())
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .local_address(source_address(index))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(User {
            client,
            cookies,
            base: base.to_owned(),
            index,
        })
    }

    /// Logs in through the login form; an error unless it redirects to `/`.
    pub async fn login(&self) -> Result<(), String> {
        let response = self
            .client
            .post(format!("{}/api/login", self.base))
            .header(ORIGIN, &self.base)
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("username", slapd::username(self.index)),
                ("password", slapd::password(self.index)),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        // A form post is redirected (303); a script's call gets 200 and the
        // `Location` the page should go to.
        let went_on = response.status().is_redirection() || response.status().is_success();
        if went_on && location == "/" {
            Ok(())
        } else {
            Err(format!("login: {} to {location:?}", response.status()))
        }
    }

    /// The `Cookie` header this user's browser sends (for `wrk -H`).
    pub fn cookie_header(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().ok()?;
        let value = self.cookies.cookies(&url)?;
        value.to_str().ok().map(str::to_owned)
    }

    /// Does `action` once; an error for a failed request or a non-2xx answer.
    pub async fn act(&self, action: Action, turn: u64) -> Result<(), String> {
        match action {
            Action::Page(path) => self.get(path).await,
            Action::DashboardFn => self.call("/api/dashboard", String::new()).await,
            Action::SelectAndReload => {
                // Elements 0..3 of the first filter, each toggled on then off.
                let body = format!("object_id=filter-0&values[0]={}", (turn / 2) % 3);
                self.call("/api/select", body).await?;
                self.call("/api/dashboard", String::new()).await
            }
        }
    }

    /// GET `path`, its whole body read.
    pub async fn get(&self, path: &str) -> Result<(), String> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        checked(response).await
    }

    async fn call(&self, path: &str, body: String) -> Result<(), String> {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ORIGIN, &self.base)
            .header("sec-fetch-site", "same-origin")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        checked(response).await
    }

    /// Opens the live-update stream (`/api/events`) and reads its greeting.
    pub async fn open_stream(&self) -> Result<reqwest::Response, String> {
        let mut response = self
            .client
            .get(format!("{}/api/events", self.base))
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("events: {}", response.status()));
        }
        match response.chunk().await {
            Ok(Some(_)) => Ok(response),
            Ok(None) => Err("events: the stream ended at once".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

async fn checked(response: reqwest::Response) -> Result<(), String> {
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status.is_success() && !body.is_empty() {
        Ok(())
    } else {
        Err(format!("{status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_spread_over_loopback_addresses() {
        let address = |i| source_address(i).to_string();
        assert_eq!(address(0), "127.0.0.1");
        assert_eq!(address(249), "127.0.0.250");
        assert_eq!(address(250), "127.0.1.1");
        assert_eq!(address(999), "127.0.3.250");
        assert_eq!(address(250 * 256), "127.1.0.1");
        assert!(source_address(12_345).is_loopback());
    }
}
