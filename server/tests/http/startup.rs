//! What an operator meets at start-up: wrong certificate files named by key,
//! file and reason; `metrics.listen` on the public listener's effective
//! address; a `session.key` other than the store's; and, from the binary,
//! log files without colour codes and the open-files limit raised.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::test_config;
use qlik_mashup::{Config, ServerError};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

/// `start`'s error, for a configuration that must not start.
async fn refused(config: Config) -> ServerError {
    match qlik_mashup::start(config).await {
        Ok(server) => {
            server.stop().await.unwrap();
            panic!("started")
        }
        Err(error) => error,
    }
}

#[tokio::test]
async fn metrics_listen_on_the_default_listen_address_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let site = leptos::config::get_configuration(None)
        .unwrap()
        .leptos_options
        .site_addr;
    let mut config = test_config(dir.path());
    config.listen = None;
    config.metrics.listen = Some(site);
    let error = refused(config).await;
    let ServerError::Invalid { key, reason } = &error else {
        panic!("{error}");
    };
    assert_eq!(*key, "metrics.listen");
    assert!(reason.contains(&site.to_string()), "{reason}");
    assert!(reason.contains("default listen"), "{reason}");
}

/// A CA, a client certificate it signed with its key, another key, a
/// version 1 certificate (openssl without extensions) and files without a
/// certificate.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, pem: &str| std::fs::write(dir.path().join(name), pem).unwrap();
        let root_key = KeyPair::generate().unwrap();
        let mut root_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root_params
            .distinguished_name
            .push(DnType::CommonName, "Qlik CA");
        let root = root_params.self_signed(&root_key).unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "QlikClient");
        let client = client_params
            .signed_by(&client_key, &root, &root_key)
            .unwrap();
        write("root.pem", &root.pem());
        write("root_key.pem", &root_key.serialize_pem());
        write("client.pem", &client.pem());
        write("client_key.pem", &client_key.serialize_pem());
        write(
            "other_key.pem",
            &KeyPair::generate().unwrap().serialize_pem(),
        );
        write("empty.pem", "not a certificate\n");
        let pki = Self { dir };
        // `openssl x509 -req` without an extensions file signs a version 1
        // certificate (which rustls refuses).
        pki.openssl(&[
            "req",
            "-new",
            "-key",
            "client_key.pem",
            "-subj",
            "/CN=QlikClient",
            "-out",
            "client.csr",
        ]);
        pki.openssl(&[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root_key.pem",
            "-set_serial",
            "7",
            "-days",
            "2",
            "-out",
            "client_v1.pem",
        ]);
        pki
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A configuration for a real Qlik site (never reached: the files are
/// checked first) and a directory that is not contacted at start-up.
fn real_site(dir: &Path, pki: &Pki, cert: &str, key: &str, root: &str) -> Config {
    let mut config = test_config(dir);
    config.qlik.qps_url = Some("https://127.0.0.1:9".into());
    config.qlik.proxy_url = Some("https://127.0.0.1:9".into());
    config.qlik.client_cert = Some(pki.path(cert));
    config.qlik.client_key = Some(pki.path(key));
    config.qlik.root_ca = Some(pki.path(root));
    config.ldap = Some(directory::LdapConfig {
        url: "ldap://127.0.0.1:9".into(),
        starttls: false,
        ca_file: None,
        bind_dn: "cn=mashup,dc=example,dc=com".into(),
        bind_password: "secret".into(),
        base_dn: "dc=example,dc=com".into(),
        user_filter: "(uid={})".into(),
        user_id_attribute: "uid".into(),
        display_name_attribute: "cn".into(),
        groups: directory::GroupSource::Attribute {
            attribute: "memberOf".into(),
        },
        connect_timeout: Duration::from_secs(1),
        operation_timeout: Duration::from_secs(1),
    });
    config
}

#[tokio::test]
async fn certificate_errors_name_the_key_the_file_and_the_reason() {
    let pki = Pki::new();
    let cases = [
        (
            ("client.pem", "other_key.pem", "root.pem"),
            "qlik.client_key",
            "other_key.pem",
            "is not the key of the client certificate",
        ),
        (
            ("client_v1.pem", "client_key.pem", "root.pem"),
            "qlik.client_cert",
            "client_v1.pem",
            "X.509 version 1",
        ),
        (
            ("empty.pem", "client_key.pem", "root.pem"),
            "qlik.client_cert",
            "empty.pem",
            "holds no certificate",
        ),
        (
            ("client_key.pem", "client.pem", "root.pem"),
            "qlik.client_cert",
            "client_key.pem",
            "swapped",
        ),
        (
            ("client.pem", "empty.pem", "root.pem"),
            "qlik.client_key",
            "empty.pem",
            "holds no private key",
        ),
        (
            ("client.pem", "client_key.pem", "empty.pem"),
            "qlik.root_ca",
            "empty.pem",
            "holds no certificate",
        ),
    ];
    for ((cert, key, root), wanted_key, file, reason) in cases {
        let dir = tempfile::tempdir().unwrap();
        let error = refused(real_site(dir.path(), &pki, cert, key, root)).await;
        let message = error.to_string();
        let ServerError::Invalid { key, .. } = &error else {
            panic!("{cert} {key} {root}: {message}");
        };
        assert_eq!(*key, wanted_key, "{message}");
        assert!(
            message.contains(&pki.path(file).display().to_string()),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
        assert!(!message.contains("builder error"), "{message}");
        assert_eq!(message.matches("certificate files").count(), 0, "{message}");
    }
    // The right files pass the check (and start).
    let dir = tempfile::tempdir().unwrap();
    let config = real_site(dir.path(), &pki, "client.pem", "client_key.pem", "root.pem");
    let server = qlik_mashup::start(config)
        .await
        .expect("the right files start");
    server.stop().await.unwrap();
}

/// The configuration of one instance on `store_url` (empty: SQLite in
/// `dir`) with `key`.
fn instance(dir: &Path, store_url: &str, key: &str) -> Config {
    let mut config = test_config(dir);
    config.session.store_url = store_url.into();
    config.session.key = key.into();
    config
}

async fn a_second_key_is_refused_until_rotated(store_url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let first = store::SealingKey::generate_base64();
    let second = store::SealingKey::generate_base64();
    let server = qlik_mashup::start(instance(dir.path(), store_url, &first))
        .await
        .unwrap();
    server.stop().await.unwrap();

    let error = refused(instance(dir.path(), store_url, &second)).await;
    let message = error.to_string();
    assert!(
        matches!(
            error,
            ServerError::Invalid {
                key: "session.key",
                ..
            }
        ),
        "{message}"
    );
    assert!(message.contains("--rotate-session-key"), "{message}");
    assert!(!message.contains(&second) && !message.contains(&first));

    qlik_mashup::rotate_session_key(&instance(dir.path(), store_url, &second))
        .await
        .unwrap();
    let server = qlik_mashup::start(instance(dir.path(), store_url, &second))
        .await
        .expect("the rotated key starts");
    server.stop().await.unwrap();
    // The old key is now the stranger.
    let error = refused(instance(dir.path(), store_url, &first)).await;
    assert!(
        matches!(
            error,
            ServerError::Invalid {
                key: "session.key",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_second_session_key_is_refused_on_sqlite() {
    a_second_key_is_refused_until_rotated("").await;
}

#[tokio::test]
async fn a_second_session_key_is_refused_on_postgres() {
    let postgres = store::testing::TestPostgres::start();
    a_second_key_is_refused_until_rotated(&postgres.url()).await;
}

/// A writer the test reads back: what the server logged.
#[derive(Clone, Default)]
struct Logged(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Logged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_key_file_made_afresh_over_sealed_cookies_is_warned_about() {
    let app = crate::support::TestServer::start().await;
    let login = app.login("alice", "alice-password").await;
    assert_eq!(login.status(), 302, "{:?}", login.headers());
    assert_eq!(app.get("/").await.status(), 200, "a Qlik cookie is sealed");
    let mut config = test_config(app.dir.path());
    config.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    let dir = app.dir;
    app.server.stop().await.unwrap();
    std::fs::remove_file(dir.path().join("store.key")).unwrap();

    let logged = Logged::default();
    let writer = logged.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = qlik_mashup::start(config)
        .await
        .expect("starts with a warning");
    server.stop().await.unwrap();
    let text = String::from_utf8(logged.0.lock().unwrap().clone()).unwrap();
    let warning = text
        .lines()
        .find(|line| line.contains("WARN") && line.contains("generated a new store key"))
        .unwrap_or_else(|| panic!("no warning in:\n{text}"));
    assert!(warning.contains("sealed_cookies=1"), "{warning}");
    assert!(warning.contains("new Qlik session"), "{warning}");
}

struct Binary(Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The open-files limit of process `pid`: (soft, hard).
fn open_files_limit(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .unwrap();
    let mut fields = line["Max open files".len()..].split_whitespace();
    (
        fields.next().unwrap().to_owned(),
        fields.next().unwrap().to_owned(),
    )
}

#[test]
fn the_binary_logs_to_a_file_without_colour_and_raises_the_open_files_limit() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("mashup.toml"),
        format!(
            "listen = \"127.0.0.1:{port}\"\n[session]\nstore_path = \"s.sqlite\"\n\
             key_file = \"store.key\"\n[qlik]\nembedded_rows = 500\n"
        ),
    )
    .unwrap();
    let log = dir.path().join("out.log");
    // Started as systemd would without LimitNOFILE: a low soft limit.
    let mut binary = Binary(
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -Sn 256 && exec \"$0\" --config mashup.toml")
            .arg(env!("CARGO_BIN_EXE_qlik-mashup"))
            .current_dir(dir.path())
            .env_remove("MASHUP_CONFIG")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("listening") {
            break text;
        }
        if let Some(status) = binary.0.try_wait().unwrap() {
            panic!("the server exited: {status}\n{text}");
        }
        assert!(Instant::now() < deadline, "not listening in time:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let (soft, hard) = open_files_limit(binary.0.id());
    assert!(!text.contains('\u{1b}'), "colour codes in a file:\n{text}");
    assert!(text.contains("open files limit"), "{text}");
    if hard != "256" {
        assert_eq!(soft, hard, "the soft limit is raised to the hard one");
        assert!(text.contains("raised_from=256"), "{text}");
    }
}
