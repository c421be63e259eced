//! The client against a qlik-sim whose certificates come from a private CA
//! made here: QPS with a client certificate, the proxy over https and the
//! engine over wss, all checked against that CA only.

use std::path::PathBuf;
use std::time::Duration;

use qlik::proxy::Proxy;
use qlik::qix::{ConnectOptions, Connection, EngineUrl, SessionState};
use qlik::qps::{ClientIdentity, QpsClient, QpsConfig, UserRef};
use qlik::{Error, RootCertificates};
use qlik_sim::{RunningSim, SimConfig, Simulator, TlsFiles};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

/// Every test is over in well under this.
const LIMIT: Duration = Duration::from_secs(30);

/// A private CA, a server certificate for 127.0.0.1 and a client certificate
/// it signed, and another CA that signed nothing here.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, pem: String| std::fs::write(dir.path().join(name), pem).unwrap();
        let ca = |name: &str| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            (params.self_signed(&key).unwrap(), key)
        };
        let (root, root_key) = ca("Qlik CA");
        let (other, _) = ca("Some other CA");
        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&server_key, &root, &root_key)
            .unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "QlikClient");
        let client = client_params
            .signed_by(&client_key, &root, &root_key)
            .unwrap();
        write("root.pem", root.pem());
        write("other_root.pem", other.pem());
        write("server.pem", server.pem());
        write("server_key.pem", server_key.serialize_pem());
        write("client.pem", client.pem());
        write("client_key.pem", client_key.serialize_pem());
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn roots(&self) -> RootCertificates {
        RootCertificates::from_pem_file(&self.path("root.pem")).unwrap()
    }

    /// qlik-sim with TLS on both listeners and client certificates on QPS.
    async fn sim(&self) -> RunningSim {
        Simulator::start(SimConfig {
            sample_rows: 1_000,
            tls: Some(TlsFiles {
                cert: self.path("server.pem"),
                key: self.path("server_key.pem"),
                client_ca: Some(self.path("root.pem")),
            }),
            ..SimConfig::default()
        })
        .await
        .unwrap()
    }

    /// QPS with the client certificate and the private root.
    fn qps(&self, sim: &RunningSim) -> QpsClient {
        let identity = ClientIdentity::from_pem_files(
            &self.path("client.pem"),
            &self.path("client_key.pem"),
            &self.path("root.pem"),
        )
        .unwrap();
        QpsClient::new(
            QpsConfig::new(format!("https://{}", sim.qps_addr()), "")
                .identity(identity)
                .root_ca(self.roots()),
        )
        .unwrap()
    }
}

fn proxy_url(sim: &RunningSim) -> String {
    format!("https://{}", sim.proxy_addr())
}

#[tokio::test]
async fn ticket_redemption_and_engine_are_verified_against_the_private_root() {
    tokio::time::timeout(LIMIT, async {
        let pki = Pki::new();
        let sim = pki.sim().await;
        let roots = pki.roots();
        let user = UserRef::new("CORP", "alice");
        let ticket = pki.qps(&sim).ticket(&user, &[]).await.unwrap();

        let proxy = Proxy::with_root(&proxy_url(&sim), "", &roots, LIMIT).unwrap();
        // Over https Qlik's cookie has no `-HTTP` suffix.
        assert_eq!(proxy.session_cookie_name(), "X-Qlik-Session");
        assert_eq!(sim.cookie_name(), "X-Qlik-Session");
        let cookie = proxy.redeem_ticket(&ticket).await.unwrap();
        assert_eq!(cookie.name(), "X-Qlik-Session");

        let url = EngineUrl::new(&proxy_url(&sim), "", "sample-sales");
        assert!(url.to_url().starts_with("wss://127.0.0.1:"));
        let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie).root_ca(roots))
            .await
            .unwrap();
        assert_eq!(connected.state, SessionState::Created);
        let global = connected.connection.global();
        assert_eq!(
            global.authenticated_user().await.unwrap(),
            "UserDirectory=CORP; UserId=alice"
        );
        let doc = global.open_doc("sample-sales").await.unwrap();
        assert_eq!(doc.app_layout().await.unwrap()["qTitle"], "Sample Sales");
        let stats = sim.stats();
        assert_eq!((stats.tickets_redeemed, stats.open_sockets), (1, 1));
        connected.connection.close();
    })
    .await
    .expect("in time");
}

#[tokio::test]
async fn without_the_private_root_each_connection_fails_with_untrusted_server() {
    tokio::time::timeout(LIMIT, async {
        let pki = Pki::new();
        let sim = pki.sim().await;
        let user = UserRef::new("CORP", "alice");
        let untrusted = |result: Result<_, Error>, what: &str| match result {
            Err(Error::UntrustedServer(reason)) => {
                assert!(reason.contains("UnknownIssuer"), "{what}: {reason}")
            }
            other => panic!("{what}: expected UntrustedServer, got {other:?}"),
        };

        // QPS with the web PKI roots: Qlik's certificate is refused.
        let qps =
            QpsClient::new(QpsConfig::new(format!("https://{}", sim.qps_addr()), "")).unwrap();
        untrusted(qps.ticket(&user, &[]).await.map(drop), "QPS");

        // The proxy, with the web PKI roots or another CA.
        let ticket = pki.qps(&sim).ticket(&user, &[]).await.unwrap();
        let proxy = Proxy::new(&proxy_url(&sim), "").unwrap();
        untrusted(proxy.redeem_ticket(&ticket).await.map(drop), "proxy");
        let other = RootCertificates::from_pem_file(&pki.path("other_root.pem")).unwrap();
        let proxy = Proxy::with_root(&proxy_url(&sim), "", &other, LIMIT).unwrap();
        untrusted(
            proxy.redeem_ticket(&ticket).await.map(drop),
            "proxy, other CA",
        );

        // The engine socket, with a valid cookie but without the root.
        let cookie = Proxy::with_root(&proxy_url(&sim), "", &pki.roots(), LIMIT)
            .unwrap()
            .redeem_ticket(&pki.qps(&sim).ticket(&user, &[]).await.unwrap())
            .await
            .unwrap();
        let url = EngineUrl::new(&proxy_url(&sim), "", "sample-sales");
        let options = ConnectOptions::new(url).cookie(cookie);
        untrusted(
            Connection::connect(options.clone()).await.map(drop),
            "engine",
        );
        untrusted(
            Connection::connect(options.root_ca(other)).await.map(drop),
            "engine, other CA",
        );
        assert_eq!(sim.stats().open_sockets, 0);
    })
    .await
    .expect("in time");
}
