//! A throwaway OpenLDAP `slapd` holding the simulated users: temp dir,
//! `slapadd`, a foreground child on a free loopback port, killed on drop.
//! (The same recipe as `crates/directory/tests/support/slapd.rs`.)

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "dc=example,dc=com";
const SERVICE_DN: &str = "cn=mashup,ou=services,dc=example,dc=com";
const SERVICE_PASSWORD: &str = "service-secret";

/// Login name of simulated user `i`.
pub fn username(i: usize) -> String {
    format!("user{i:05}")
}

/// Password of simulated user `i`.
pub fn password(i: usize) -> String {
    format!("secret-{i}")
}

/// A running slapd, stopped on drop.
pub struct Slapd {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Slapd {
    /// Starts slapd with `users` users (all in the group `Sales`).
    pub fn start(users: usize) -> Result<Slapd, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path();
        std::fs::create_dir(path.join("db")).map_err(|e| e.to_string())?;
        let conf = format!(
            "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
database mdb
maxsize 104857600
suffix \"{BASE}\"
rootdn \"cn=admin,{BASE}\"
rootpw admin-secret
directory {dir}/db
index uid eq
index member eq
access to attrs=userPassword by anonymous auth by self read by * none
access to * by dn.exact=\"{SERVICE_DN}\" read by self read by * none
",
            dir = path.display()
        );
        write(path, "slapd.conf", &conf)?;
        write(path, "data.ldif", &ldif(users))?;
        let status = Command::new("/usr/sbin/slapadd")
            .args(["-q", "-f"])
            .arg(path.join("slapd.conf"))
            .arg("-l")
            .arg(path.join("data.ldif"))
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("slapadd (apt-get install slapd): {e}"))?;
        if !status.success() {
            return Err("slapadd failed".into());
        }
        let port = crate::server::free_port()?;
        let child = Command::new("/usr/sbin/slapd")
            .args(["-d", "0", "-f"])
            .arg(path.join("slapd.conf"))
            .args(["-h", &format!("ldap://127.0.0.1:{port}/")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("slapd: {e}"))?;
        let slapd = Slapd {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("slapd did not start within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(slapd)
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
            port = self.port
        )
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

fn write(dir: &Path, name: &str, contents: &str) -> Result<(), String> {
    std::fs::write(dir.join(name), contents).map_err(|e| format!("{name}: {e}"))
}
