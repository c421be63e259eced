//! The configuration's unit tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::Env;

use super::*;
use crate::error::ServerError;

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

fn no_env() -> Env {
    Env::prefixed("MASHUP_TEST_UNSET_PREFIX_")
}

#[test]
fn defaults_without_a_file() {
    let config = Config::load_with_env(None, no_env()).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn the_example_file_documents_the_defaults() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/example.toml");
    let config = Config::load_with_env(Some(&example), no_env()).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn the_browser_suites_two_pages_load() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/mashup.toml");
    let config = Config::load_with_env(Some(&file), no_env()).unwrap();
    config.validate().unwrap();
    let pages = config.dashboard_pages().unwrap();
    let home = pages.get(None).unwrap();
    assert_eq!(
        home.config,
        app::dashboard::config::DashboardConfig::default()
    );
    assert_eq!(
        pages.get(Some("support")).unwrap().config.app_id,
        "sample-support"
    );
}

#[test]
fn file_values_override_defaults() {
    let file = file_with("listen = \"127.0.0.1:4000\"\n[log]\nfilter = \"debug\"\n");
    let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
    assert_eq!(config.listen, Some("127.0.0.1:4000".parse().unwrap()));
    assert_eq!(config.log.filter, "debug");
}

#[test]
fn unknown_key_names_the_key_and_the_file() {
    let file = file_with("[log]\nfilterr = \"debug\"\n");
    let message = Config::load_with_env(Some(file.path()), no_env())
        .unwrap_err()
        .to_string();
    assert!(message.contains("filterr"), "{message}");
    assert!(
        message.contains(&file.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn durations_are_human_readable() {
    let file = file_with("[session]\nidle_timeout = \"5m\"\n[login.throttle]\nfree_failures = 1\n");
    let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
    assert_eq!(config.session.idle_timeout, Duration::from_secs(300));
    assert_eq!(config.login.throttle.free_failures, 1);
}

#[test]
fn wrong_type_names_the_key() {
    let file = file_with("listen = 3000\n");
    let message = Config::load_with_env(Some(file.path()), no_env())
        .unwrap_err()
        .to_string();
    assert!(message.contains("listen"), "{message}");
}

fn invalid_key(config: &Config) -> &'static str {
    match config.validate() {
        Err(ServerError::Invalid { key, .. }) => key,
        other => panic!("expected an invalid key, got {other:?}"),
    }
}

#[test]
fn pages_or_dashboard_not_both_and_page_paths_are_checked() {
    use app::dashboard::config::PageConfig;
    let page = |path: &str| PageConfig {
        path: path.into(),
        app_id: "sample-sales".into(),
        title: "A page".into(),
        filters: Vec::new(),
        kpis: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
        masters: Vec::new(),
    };
    let key = |config: &Config| match config.validate() {
        Err(ServerError::Invalid { key, .. }) => key,
        other => panic!("{other:?}"),
    };
    let mut config = Config {
        pages: vec![page("/"), page("/support")],
        ..Config::default()
    };
    assert!(config.validate().is_ok());
    assert_eq!(config.dashboard_pages().unwrap().iter().count(), 2);
    config.dashboard.title = "Mine".into();
    assert_eq!(key(&config), "dashboard");
    let config = Config {
        pages: vec![page("/support")],
        ..Config::default()
    };
    assert_eq!(key(&config), "pages");
    let mut config = Config::default();
    config.dashboard.path = "/x".into();
    assert_eq!(key(&config), "dashboard.path");
    let mut config = Config::default();
    config.theme.brand_colour = "red; background: url(x)".into();
    assert_eq!(key(&config), "theme.brand_colour");
    let mut config = Config::default();
    config.export.max_rows = 0;
    assert_eq!(key(&config), "export.max_rows");
}

#[test]
fn a_real_qlik_site_needs_ldap_or_an_explicit_demo_directory() {
    let mut config = Config::default();
    assert!(config.validate().is_ok(), "pure demo: both embedded");
    config.qlik.qps_url = Some("https://qlik.example.com:4243".into());
    assert_eq!(invalid_key(&config), "ldap");
    let message = config.validate().unwrap_err().to_string();
    assert!(message.contains("[ldap]"), "{message}");
    config.allow_demo_directory = true;
    assert!(config.validate().is_ok());
}

#[test]
fn public_url_sets_the_origin_and_https() {
    let mut config = Config::default();
    assert!(!config.https());
    config.public_url = Some("https://Mashup.Example.com:443/".into());
    assert!(config.validate().is_ok());
    assert!(config.https() && config.secure_cookie());
    assert_eq!(
        config.public_origin().as_deref(),
        Some("https://mashup.example.com")
    );
    config.public_url = Some("http://mashup.example.com:8080".into());
    assert!(!config.secure_cookie());
    assert_eq!(
        config.public_origin().as_deref(),
        Some("http://mashup.example.com:8080")
    );
    for wrong in [
        "mashup.example.com",
        "ftp://x",
        "https://x/app",
        "https://x/?a=b",
    ] {
        config.public_url = Some(wrong.into());
        assert_eq!(invalid_key(&config), "public_url", "{wrong}");
    }
}

#[test]
fn dangerous_combinations_name_their_key() {
    let mut config = Config {
        public_url: Some("http://mashup.example.com".into()),
        ..Config::default()
    };
    config.session.secure_cookie = true;
    assert_eq!(invalid_key(&config), "session.secure_cookie");
    config.session.secure_cookie = false;
    config.tls = Some(TlsConfig {
        cert: "cert.pem".into(),
        key: "key.pem".into(),
    });
    assert_eq!(invalid_key(&config), "public_url");
    let mut config = Config {
        listen: Some("127.0.0.1:3000".parse().unwrap()),
        ..Config::default()
    };
    config.metrics.listen = config.listen;
    assert_eq!(invalid_key(&config), "metrics.listen");
    let config = Config {
        trusted_proxies: vec!["0.0.0.0/0".parse().unwrap()],
        ..Config::default()
    };
    assert_eq!(invalid_key(&config), "trusted_proxies");
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let mut config = Config::default();
    config.session.key = "c2VjcmV0LXNlYWxpbmcta2V5LWJhc2U2NC1ieXRlcyE=".into();
    config.ldap = Some(directory::LdapConfig {
        url: "ldaps://ldap.example.com".into(),
        starttls: false,
        ca_file: None,
        bind_dn: "cn=mashup,dc=example,dc=com".into(),
        bind_password: "ldap-service-secret".into(),
        base_dn: "dc=example,dc=com".into(),
        user_filter: "(uid={})".into(),
        user_id_attribute: "uid".into(),
        display_name_attribute: "cn".into(),
        groups: directory::GroupSource::Attribute {
            attribute: "memberOf".into(),
        },
        connect_timeout: Duration::from_secs(5),
        operation_timeout: Duration::from_secs(5),
    });
    let debug = format!("{config:?} {config:#?}");
    assert!(!debug.contains("c2VjcmV0"), "{debug}");
    assert!(!debug.contains("ldap-service-secret"), "{debug}");
    assert!(debug.contains("<redacted>"));
    assert!(debug.contains("cn=mashup"), "the rest is still shown");
}

#[test]
fn trusted_proxies_and_new_sections_parse() {
    let file = file_with(
        "public_url = \"https://mashup.example.com\"\ntrusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]\n\
         [log]\nformat = \"json\"\n[metrics]\nlisten = \"127.0.0.1:9100\"\n\
         [tls]\ncert = \"/etc/c.pem\"\nkey = \"/etc/k.pem\"\n",
    );
    let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
    assert_eq!(config.trusted_proxies.len(), 2);
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(
        config.metrics.listen,
        Some("127.0.0.1:9100".parse().unwrap())
    );
    assert_eq!(config.tls.unwrap().cert, PathBuf::from("/etc/c.pem"));
    let wrong = file_with("trusted_proxies = [\"10.0.0.0/33\"]\n");
    let message = Config::load_with_env(Some(wrong.path()), no_env())
        .unwrap_err()
        .to_string();
    assert!(message.contains("trusted_proxies"), "{message}");
}

#[test]
fn missing_named_file_is_an_error() {
    let message = Config::load_with_env(Some(Path::new("/nonexistent/mashup.toml")), no_env())
        .unwrap_err()
        .to_string();
    assert!(message.contains("/nonexistent/mashup.toml"), "{message}");
}

#[test]
fn an_incomplete_certificate_set_names_the_missing_key() {
    let cases = [
        (
            "client_cert = \"c.pem\"\nroot_ca = \"r.pem\"\n",
            "qlik.client_key",
        ),
        (
            "client_key = \"k.pem\"\nroot_ca = \"r.pem\"\n",
            "qlik.client_cert",
        ),
        (
            "client_cert = \"c.pem\"\nclient_key = \"k.pem\"\n",
            "qlik.root_ca",
        ),
    ];
    for (keys, missing) in cases {
        let file = file_with(&format!("[qlik]\n{keys}"));
        let message = Config::load_with_env(Some(file.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(&format!("{missing} is missing")),
            "{message}"
        );
        assert!(
            message.contains(&file.path().display().to_string()),
            "{message}"
        );
    }
}

#[test]
fn a_complete_certificate_set_or_a_root_alone_is_accepted() {
    let file =
        file_with("[qlik]\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\nroot_ca = \"r.pem\"\n");
    let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
    assert_eq!(config.qlik.client_key, Some(PathBuf::from("k.pem")));
    let file = file_with("[qlik]\nroot_ca = \"r.pem\"\n");
    let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
    assert_eq!(config.qlik.root_ca, Some(PathBuf::from("r.pem")));
}

// `Jail`'s closure type is figment's; its error type is not ours to shrink.
#[allow(clippy::result_large_err)]
#[test]
fn environment_overrides_the_file() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("MASHUP_JAILTEST_LOG__FILTER", "warn");
        let file = file_with("[log]\nfilter = \"debug\"\n");
        let config =
            Config::load_with_env(Some(file.path()), Env::prefixed("MASHUP_JAILTEST_")).unwrap();
        assert_eq!(config.log.filter, "warn");
        Ok(())
    });
}
