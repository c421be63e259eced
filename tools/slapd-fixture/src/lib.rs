//! A throwaway OpenLDAP `slapd` for the directory tests and the load tool: a
//! temporary directory, `slapadd` of the caller's entries, `slapd` in the
//! foreground on a free loopback port, killed on drop. The tree is
//! [`BASE`]; the service account [`SERVICE_DN`] may read it, and passwords
//! are only ever checked by binding (Debian's `slapd` package).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory's suffix.
pub const BASE: &str = "dc=example,dc=com";
/// The service account the server searches with (the caller's LDIF holds it).
pub const SERVICE_DN: &str = "cn=mashup,ou=services,dc=example,dc=com";
/// Its password.
pub const SERVICE_PASSWORD: &str = "service-secret";

/// What a directory is started with.
#[derive(Debug, Default, Clone, Copy)]
pub struct Setup<'a> {
    /// Files written into the slapd's directory first (e.g. TLS keys).
    pub files: &'a [(&'a str, &'a str)],
    /// Lines for slapd.conf's global section; `{dir}` stands for the slapd's
    /// directory.
    pub global: &'a str,
    /// The entries, as LDIF.
    pub ldif: &'a str,
}

/// A running slapd, stopped on drop.
pub struct Slapd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Slapd {
    /// Writes the configuration, loads the entries and starts slapd; returns
    /// once it accepts connections (at most 10 s).
    pub fn start(setup: Setup<'_>) -> Result<Slapd, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path();
        std::fs::create_dir(path.join("db")).map_err(|e| e.to_string())?;
        for (name, contents) in setup.files {
            write(path, name, contents)?;
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
            dir = path.display(),
            global = setup.global.replace("{dir}", &path.display().to_string()),
        );
        write(path, "slapd.conf", &conf)?;
        write(path, "data.ldif", setup.ldif)?;
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
        let port = free_port()?;
        let child = Command::new("/usr/sbin/slapd")
            .args(["-d", "0", "-f"])
            .arg(path.join("slapd.conf"))
            .args(["-h", &format!("ldap://127.0.0.1:{port}/")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("slapd: {e}"))?;
        let slapd = Slapd { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("slapd did not start within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(slapd)
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Its directory (configuration, files of [`Setup::files`], database).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn write(dir: &Path, name: &str, contents: &str) -> Result<(), String> {
    std::fs::write(dir.join(name), contents).map_err(|e| format!("{name}: {e}"))
}
