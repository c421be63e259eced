//! The configuration's unit tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::error::ServerError;

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn defaults_without_a_file() {
    let config = Config::load_from(None, vars(&[])).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn the_example_file_documents_the_defaults() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/example.toml");
    let config = Config::load_from(Some(&example), vars(&[])).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn the_browser_suites_two_pages_load() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/mashup.toml");
    let config = Config::load_from(Some(&file), vars(&[])).unwrap();
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
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.listen, Some("127.0.0.1:4000".parse().unwrap()));
    assert_eq!(config.log.filter, "debug");
}

#[test]
fn unknown_key_names_the_key_and_the_file() {
    let file = file_with("[log]\nfilterr = \"debug\"\n");
    let message = Config::load_from(Some(file.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("filterr"), "{message}");
    assert!(
        message.contains(&file.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn pages_name_a_sheet_or_all_sheets_and_a_wrong_choice_names_the_key() {
    let pages = "[[pages]]\npath = \"/\"\napp_id = \"a\"\nsheet = \"s1\"\n\
                 [[pages]]\npath = \"/all\"\napp_id = \"a\"\nsheets = \"all\"\n";
    let file = file_with(pages);
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    let pages = config.dashboard_pages().unwrap();
    assert_eq!(
        pages.get(None).unwrap().title(),
        "s1",
        "untitled: the sheet's"
    );
    assert_eq!(pages.all_sheets().len(), 1);
    let file = file_with(&pages_with_sheets("some"));
    let message = Config::load_from(Some(file.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("sheets"), "{message}");
}

fn pages_with_sheets(choice: &str) -> String {
    format!("[[pages]]\npath = \"/\"\napp_id = \"a\"\nsheets = \"{choice}\"\n")
}

#[test]
fn durations_are_human_readable() {
    let file = file_with("[session]\nidle_timeout = \"5m\"\n[login.throttle]\nfree_failures = 1\n");
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.session.idle_timeout, Duration::from_secs(300));
    assert_eq!(config.login.throttle.free_failures, 1);
}

#[test]
fn wrong_type_names_the_key() {
    let file = file_with("listen = 3000\n");
    let message = Config::load_from(Some(file.path()), vars(&[]))
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
        pivots: Vec::new(),
        masters: Vec::new(),
        sheet: None,
        sheets: None,
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
    config.qlik.embedded_apps = Some("/srv/qlik-apps".into());
    assert_eq!(invalid_key(&config), "qlik.embedded_apps");
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
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.trusted_proxies.len(), 2);
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(
        config.metrics.listen,
        Some("127.0.0.1:9100".parse().unwrap())
    );
    assert_eq!(config.tls.unwrap().cert, PathBuf::from("/etc/c.pem"));
    let wrong = file_with("trusted_proxies = [\"10.0.0.0/33\"]\n");
    let message = Config::load_from(Some(wrong.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("trusted_proxies"), "{message}");
}

#[test]
fn missing_named_file_is_an_error() {
    let message = Config::load_from(Some(Path::new("/nonexistent/mashup.toml")), vars(&[]))
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
        let message = Config::load_from(Some(file.path()), vars(&[]))
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
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.qlik.client_key, Some(PathBuf::from("k.pem")));
    let file = file_with("[qlik]\nroot_ca = \"r.pem\"\n");
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.qlik.root_ca, Some(PathBuf::from("r.pem")));
}

#[test]
fn environment_overrides_the_file() {
    let file = file_with("[log]\nfilter = \"debug\"\n");
    let config =
        Config::load_from(Some(file.path()), vars(&[("MASHUP_LOG__FILTER", "warn")])).unwrap();
    assert_eq!(config.log.filter, "warn");
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// A file with an `[ldap]` section whose password the tests override.
fn ldap_file(password_line: &str) -> tempfile::NamedTempFile {
    file_with(&format!(
        "[ldap]\nurl = \"ldaps://ldap.example.com\"\nbind_dn = \"cn=mashup\"\n\
         base_dn = \"dc=example\"\n{password_line}\n"
    ))
}

#[test]
fn string_keys_take_any_scalar_from_the_environment_as_written() {
    let file = ldap_file("bind_password = \"from-the-file\"");
    for value in [
        "20261205",
        "123456789",
        "true",
        "1.5e3",
        "0123",
        "+1",
        "[a, b]",
        "",
    ] {
        let config = Config::load_from(
            Some(file.path()),
            vars(&[
                ("MASHUP_LDAP__BIND_PASSWORD", value),
                ("MASHUP_SESSION__KEY", value),
                ("MASHUP_THEME__PRODUCT_NAME", value),
            ]),
        )
        .unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(config.ldap.unwrap().bind_password, value);
        assert_eq!(config.session.key, value);
        assert_eq!(config.theme.product_name, value);
    }
}

#[test]
fn other_keys_still_read_numbers_booleans_and_lists_from_the_environment() {
    let config = Config::load_from(
        None,
        vars(&[
            ("MASHUP_EXPORT__MAX_ROWS", "5"),
            ("MASHUP_SESSION__SECURE_COOKIE", "true"),
            ("MASHUP_TRUSTED_PROXIES", "[\"10.0.0.0/8\", \"::1/128\"]"),
            ("MASHUP_LOG__FILTER", "warn"),
            ("MASHUP_CONFIG", "/ignored.toml"),
            ("OTHER_VARIABLE", "ignored"),
        ]),
    )
    .unwrap();
    assert_eq!(config.export.max_rows, 5);
    assert!(config.session.secure_cookie);
    assert_eq!(config.trusted_proxies.len(), 2);
    assert_eq!(config.log.filter, "warn");
}

#[test]
fn unquoted_toml_integers_and_booleans_are_text_for_string_keys() {
    let file = file_with("[session]\nkey = 123456789\n[theme]\nproduct_name = true\n");
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.session.key, "123456789");
    assert_eq!(config.theme.product_name, "true");
    let file = ldap_file("bind_password = 20261205");
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    assert_eq!(config.ldap.unwrap().bind_password, "20261205");
}

#[test]
fn errors_name_the_place_but_never_show_the_value() {
    // A TOML float has no exact text: refused, without its value.
    let file = file_with("[session]\nkey = 1.5e3\n");
    let message = Config::load_from(Some(file.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("`session.key`"), "{message}");
    assert!(
        message.contains(&file.path().display().to_string()),
        "{message}"
    );
    assert!(
        !message.contains("1.5") && !message.contains("1500"),
        "{message}"
    );

    // A syntax error is told by line and column, without the line.
    let file = ldap_file("bind_password = \"hunter2");
    let message = Config::load_from(Some(file.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("line 5"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");

    // A wrong value from the environment names the variable, not the file.
    let file = file_with("[log]\nfilter = \"info\"\n");
    let message = Config::load_from(
        Some(file.path()),
        vars(&[("MASHUP_EXPORT__MAX_ROWS", "hunter2")]),
    )
    .unwrap_err()
    .to_string();
    assert!(message.contains("MASHUP_EXPORT__MAX_ROWS"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        !message.contains(&file.path().display().to_string()),
        "{message}"
    );

    // A number where an address goes: the key, not the number.
    let file = file_with("listen = 20261205\n");
    let message = Config::load_from(Some(file.path()), vars(&[]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("`listen`"), "{message}");
    assert!(!message.contains("20261205"), "{message}");
}

#[test]
fn trusted_proxies_that_together_cover_every_address_are_refused() {
    for nets in [
        &["0.0.0.0/1", "128.0.0.0/1"][..],
        &["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1", "10.0.0.0/8"],
        &["::/1", "8000::/1"],
    ] {
        let config = Config {
            trusted_proxies: nets.iter().map(|n| n.parse().unwrap()).collect(),
            ..Config::default()
        };
        assert_eq!(invalid_key(&config), "trusted_proxies", "{nets:?}");
    }
    let config = Config {
        trusted_proxies: ["0.0.0.0/1", "::/1", "10.0.0.0/8"]
            .iter()
            .map(|n| n.parse().unwrap())
            .collect(),
        ..Config::default()
    };
    assert!(config.validate().is_ok());
}

#[test]
fn metrics_listen_may_not_share_the_public_port() {
    let mut config = Config::default();
    config.metrics.listen = Some("0.0.0.0:3000".parse().unwrap());
    let listen = "127.0.0.1:3000".parse().unwrap();
    assert!(config.check_metrics_listen(listen).is_err());
    config.metrics.listen = Some("127.0.0.1:3000".parse().unwrap());
    assert!(
        config
            .check_metrics_listen("[::]:3000".parse().unwrap())
            .is_err()
    );
    config.metrics.listen = Some("127.0.0.1:9100".parse().unwrap());
    assert!(config.check_metrics_listen(listen).is_ok());
    config.metrics.listen = Some("127.0.0.2:3000".parse().unwrap());
    assert!(config.check_metrics_listen(listen).is_ok());
}

#[test]
fn a_wrong_pivot_stops_start_up_naming_its_key() {
    let file =
        file_with("[[dashboard.pivots]]\ntitle = \"P\"\nrows = [\"Region\"]\nmeasures = []\n");
    let config = Config::load_from(Some(file.path()), vars(&[])).unwrap();
    let message = config.dashboard_pages().unwrap_err().to_string();
    assert!(
        message.contains("dashboard.pivots[0].measures"),
        "{message}"
    );
}
