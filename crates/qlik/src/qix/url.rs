//! Engine WebSocket URLs: `{ws base}/{prefix}/app/{appId}[/identity/{id}][/ttl/{s}]`.

/// Builder of an engine URL through the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineUrl {
    base: String,
    virtual_proxy: String,
    app_id: Option<String>,
    identity: Option<String>,
    ttl_seconds: Option<u32>,
}

impl EngineUrl {
    /// The URL of `app_id` under `virtual_proxy` (empty for the default) at
    /// `base` (`wss://host` or `ws://host:port`; `https`/`http` are mapped).
    pub fn new(base: &str, virtual_proxy: &str, app_id: &str) -> Self {
        Self {
            base: ws_base(base),
            virtual_proxy: virtual_proxy.trim_matches('/').to_owned(),
            app_id: Some(app_id.to_owned()),
            identity: None,
            ttl_seconds: None,
        }
    }

    /// The global-only route `…/app/engineData` (no app routing).
    pub fn engine_data(base: &str, virtual_proxy: &str) -> Self {
        Self {
            app_id: None,
            ..Self::new(base, virtual_proxy, "")
        }
    }

    /// Adds `/identity/{id}`: a separate engine session per identity.
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Adds `/ttl/{seconds}`: the engine session outlives its last socket that long.
    pub fn ttl(mut self, seconds: u32) -> Self {
        self.ttl_seconds = Some(seconds);
        self
    }

    /// The app id in the URL, if any.
    pub fn app_id(&self) -> Option<&str> {
        self.app_id.as_deref()
    }

    /// The full URL.
    pub fn to_url(&self) -> String {
        let mut url = self.base.clone();
        if !self.virtual_proxy.is_empty() {
            url.push('/');
            url.push_str(&self.virtual_proxy);
        }
        url.push_str("/app/");
        match &self.app_id {
            Some(id) => url.push_str(&encode(id)),
            None => url.push_str("engineData"),
        }
        if let Some(identity) = &self.identity {
            url.push_str("/identity/");
            url.push_str(&encode(identity));
        }
        if let Some(ttl) = self.ttl_seconds {
            url.push_str(&format!("/ttl/{ttl}"));
        }
        url
    }
}

fn ws_base(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    }
}

fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::EngineUrl;

    #[test]
    fn builds_qlik_engine_urls() {
        assert_eq!(
            EngineUrl::new("https://qs01/", "mashup", "a-b")
                .identity("u 1")
                .ttl(300)
                .to_url(),
            "wss://qs01/mashup/app/a-b/identity/u%201/ttl/300"
        );
        assert_eq!(
            EngineUrl::new("ws://127.0.0.1:9", "", "x").to_url(),
            "ws://127.0.0.1:9/app/x"
        );
        assert_eq!(
            EngineUrl::engine_data("http://h", "vp").to_url(),
            "ws://h/vp/app/engineData"
        );
    }
}
