//! The directory holding the simulated users: a throwaway slapd
//! (`slapd-fixture`, as the directory tests use) with `--users` users.

use std::fmt::Write as _;

use slapd_fixture::{BASE, SERVICE_DN, SERVICE_PASSWORD, Setup};

/// Login name of simulated user `i`.
pub fn username(i: usize) -> String {
    format!("user{i:05}")
}

/// Password of simulated user `i`.
pub fn password(i: usize) -> String {
    format!("secret-{i}")
}

/// A running slapd with the simulated users, stopped on drop.
pub struct Slapd(slapd_fixture::Slapd);

impl Slapd {
    /// Starts slapd with `users` users (all in the group `Sales`).
    pub fn start(users: usize) -> Result<Slapd, String> {
        slapd_fixture::Slapd::start(Setup {
            ldif: &ldif(users),
            ..Setup::default()
        })
        .map(Slapd)
    }

    /// The server's `[ldap]` section for this directory.
    pub fn config_toml(&self) -> String {
        format!(
            "[ldap]
url = \"ldap://127.0.0.1:{port}\"
bind_dn = \"{SERVICE_DN}\"
bind_password = \"{SERVICE_PASSWORD}\"
base_dn = \"ou=people,{BASE}\"
groups = {{ kind = \"search\", base_dn = \"ou=groups,{BASE}\", filter = \"(&(objectClass=groupOfNames)(member={{dn}}))\", name_attribute = \"cn\" }}
",
            port = self.0.port()
        )
    }
}

/// The directory's entries: the tree, the service account, the users and
/// one group with every user.
fn ldif(users: usize) -> String {
    let mut out = format!(
        "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n\
         dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services\n\n\
         dn: {SERVICE_DN}\nobjectClass: person\ncn: mashup\nsn: service\nuserPassword: {SERVICE_PASSWORD}\n\n"
    );
    for i in 0..users {
        let uid = username(i);
        let _ = write!(
            out,
            "dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: User {i}\nsn: {i}\nuserPassword: {}\n\n",
            password(i)
        );
    }
    let _ = write!(
        out,
        "dn: cn=Sales,ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: Sales\n"
    );
    for i in 0..users {
        let _ = writeln!(out, "member: uid={},ou=people,{BASE}", username(i));
    }
    out
}
