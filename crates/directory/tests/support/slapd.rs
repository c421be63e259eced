//! The directory of these tests: a throwaway slapd (`slapd-fixture`) with a
//! few users and groups, plain or with TLS.

use std::time::Duration;

pub use slapd_fixture::BASE;
use slapd_fixture::{SERVICE_DN, SERVICE_PASSWORD, Setup, Slapd};

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

/// Starts slapd with these users; `extra` goes into the global section of
/// slapd.conf; with `tls`, the CA, certificate and key are in its directory.
pub fn start(tls: Option<&Tls>, extra: &str) -> Slapd {
    let files = tls.map(|tls| {
        [
            ("ca.pem", tls.ca_pem.as_str()),
            ("cert.pem", tls.cert_pem.as_str()),
            ("key.pem", tls.key_pem.as_str()),
        ]
    });
    let mut global = String::from(extra);
    if tls.is_some() {
        global.push_str(
            "TLSCACertificateFile {dir}/ca.pem\nTLSCertificateFile {dir}/cert.pem\nTLSCertificateKeyFile {dir}/key.pem\n",
        );
    }
    Slapd::start(Setup {
        files: files.as_ref().map_or(&[], |f| f.as_slice()),
        global: &global,
        ldif: DATA,
    })
    .expect("slapd starts (apt-get install slapd)")
}
