//! `[theme]` on the wire: `/theme.css` sets the brand colour as a CSS custom
//! property (after the app's stylesheet, so it wins), and `/theme/logo`
//! serves the configured logo; `/charts.css` is the style of the charts
//! `crates/charts` draws. All are public: the login page uses them.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::config::ThemeConfig;
use crate::error::ServerError;

/// The logo file, read at start-up.
#[derive(Clone)]
pub struct Logo {
    bytes: Bytes,
    content_type: &'static str,
}

impl Logo {
    /// Reads the configured logo; an unreadable file or a kind of image
    /// other than SVG, PNG or JPEG stops start-up naming `theme.logo`.
    pub fn load(theme: &ThemeConfig) -> Result<Option<Self>, ServerError> {
        let Some(path) = &theme.logo else {
            return Ok(None);
        };
        let invalid = |reason: String| ServerError::Invalid {
            key: "theme.logo",
            reason,
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let content_type = match extension.as_deref() {
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            Some("jpg" | "jpeg") => "image/jpeg",
            _ => {
                return Err(invalid(format!(
                    "{}: the logo must be an .svg, .png or .jpg file",
                    path.display()
                )));
            }
        };
        let bytes = std::fs::read(path).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        Ok(Some(Self {
            bytes: Bytes::from(bytes),
            content_type,
        }))
    }
}

/// The stylesheet of the configured look (the colour was checked to be
/// `#rrggbb` at start-up).
fn stylesheet(theme: &ThemeConfig) -> String {
    format!(":root {{\n  --brand: {};\n}}\n", theme.brand_colour)
}

/// The theme's routes.
pub fn router<S: Clone + Send + Sync + 'static>(
    theme: &ThemeConfig,
    logo: Option<Logo>,
) -> Router<S> {
    let css = stylesheet(theme);
    let mut router = Router::new()
        .route(
            app::theme::STYLESHEET_PATH,
            get(move || async move { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css) }),
        )
        .route(
            app::theme::CHARTS_STYLESHEET_PATH,
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    charts::CSS,
                )
            }),
        );
    if let Some(logo) = logo {
        router = router.route(
            app::theme::LOGO_PATH,
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, logo.content_type)],
                    logo.bytes.clone(),
                )
                    .into_response()
            }),
        );
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_sets_the_brand_colour() {
        let theme = ThemeConfig {
            brand_colour: "#aa0011".into(),
            ..ThemeConfig::default()
        };
        assert_eq!(stylesheet(&theme), ":root {\n  --brand: #aa0011;\n}\n");
    }

    #[test]
    fn a_logo_must_be_an_image_file_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let theme = |name: &str| ThemeConfig {
            logo: Some(dir.path().join(name)),
            ..ThemeConfig::default()
        };
        std::fs::write(dir.path().join("logo.svg"), "<svg/>").unwrap();
        std::fs::write(dir.path().join("logo.gif"), "GIF89a").unwrap();
        assert!(Logo::load(&theme("logo.svg")).unwrap().is_some());
        for bad in ["logo.gif", "missing.png"] {
            match Logo::load(&theme(bad)) {
                Err(ServerError::Invalid { key, .. }) => assert_eq!(key, "theme.logo"),
                _ => panic!("{bad} accepted"),
            }
        }
        assert!(Logo::load(&ThemeConfig::default()).unwrap().is_none());
    }
}
