//! A throwaway OpenLDAP `slapd`: temp dir, `slapadd`, foreground child process
//! on a free loopback port, killed on drop.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BASE: &str = "dc=example,dc=com";
pub const SERVICE_DN: &str = "cn=mashup,ou=services,dc=example,dc=com";
pub const SERVICE_PASSWORD: &str = "service-secret";

/// Settings for a directory at `url` laid out like this fixture's: the service
/// account, users under `ou=people`, their groups found by a search under
/// `ou=groups`; plain LDAP, 2 s timeouts.
pub fn ldap_config(url: String) -> directory::LdapConfig {
    directory::LdapConfig {
        url,
        starttls: false,
        ca_file: None,
        bind_dn: SERVICE_DN.into(),
        bind_password: SERVICE_PASSWORD.into(),
        base_dn: format!("ou=people,{BASE}"),
        user_filter: "(&(objectClass=inetOrgPerson)(uid={}))".into(),
        user_id_attribute: "uid".into(),
        display_name_attribute: "cn".into(),
        groups: directory::GroupSource::Search {
            base_dn: format!("ou=groups,{BASE}"),
            filter: "(&(objectClass=groupOfNames)(member={dn}))".into(),
            name_attribute: "cn".into(),
        },
        connect_timeout: Duration::from_secs(2),
        operation_timeout: Duration::from_secs(2),
    }
}

/// Users: alice (Sales, EMEA), bob (Sales), eve (no group); alice-alias
/// (no group) has alice's mail address.
const DATA: &str = "\
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: ou=services,dc=example,dc=com
objectClass: organizationalUnit
ou: services

dn: cn=mashup,ou=services,dc=example,dc=com
objectClass: person
cn: mashup
sn: service
userPassword: service-secret

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Andersen
sn: Andersen
mail: alice@example.com
userPassword: alice-secret

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob Brown
sn: Brown
userPassword: bob-secret

dn: uid=alice-alias,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice-alias
cn: Alice Alias
sn: Alias
mail: alice@example.com
userPassword: alias-secret

dn: uid=eve,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: eve
cn: Eve Evans
sn: Evans
userPassword: eve-secret

dn: cn=Sales,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: Sales
member: uid=alice,ou=people,dc=example,dc=com
member: uid=bob,ou=people,dc=example,dc=com

dn: cn=EMEA,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: EMEA
member: uid=alice,ou=people,dc=example,dc=com
";

/// PEM files of a TLS setup.
pub struct Tls {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

impl Tls {
    /// A throwaway CA and a server certificate for 127.0.0.1 signed by it.
    pub fn generate() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "qlik-mashup test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        Tls {
            ca_pem: ca.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A running slapd, stopped on drop.
pub struct Slapd {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Slapd {
    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Starts slapd; `extra` goes into the global section of slapd.conf.
    pub fn start(tls: Option<&Tls>, extra: &str) -> Slapd {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path();
        std::fs::create_dir(path.join("db")).unwrap();
        let mut global = String::from(extra);
        if let Some(tls) = tls {
            write(path, "ca.pem", &tls.ca_pem);
            write(path, "cert.pem", &tls.cert_pem);
            write(path, "key.pem", &tls.key_pem);
            global.push_str(&format!(
                "TLSCACertificateFile {0}/ca.pem\nTLSCertificateFile {0}/cert.pem\nTLSCertificateKeyFile {0}/key.pem\n",
                path.display()
            ));
        }
        let conf = format!(
            "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
{global}
database mdb
maxsize 10485760
suffix \"{BASE}\"
rootdn \"cn=admin,{BASE}\"
rootpw admin-secret
directory {dir}/db
access to attrs=userPassword by anonymous auth by self read by * none
access to * by dn.exact=\"{SERVICE_DN}\" read by self read by * none
",
            dir = path.display()
        );
        write(path, "slapd.conf", &conf);
        write(path, "data.ldif", DATA);
        let status = Command::new("/usr/sbin/slapadd")
            .args(["-q", "-f"])
            .arg(path.join("slapd.conf"))
            .arg("-l")
            .arg(path.join("data.ldif"))
            .stdout(Stdio::null())
            .status()
            .expect("slapadd (apt-get install slapd)");
        assert!(status.success(), "slapadd failed");
        let port = free_port();
        let child = Command::new("/usr/sbin/slapd")
            .args(["-d", "0", "-f"])
            .arg(path.join("slapd.conf"))
            .args(["-h", &format!("ldap://127.0.0.1:{port}/")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd");
        let slapd = Slapd { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "slapd did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        slapd
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write(dir: &Path, name: &str, contents: &str) {
    std::fs::write(dir.join(name), contents).unwrap();
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
