//! A throwaway PostgreSQL server for tests (feature `testing`): Debian's
//! `postgresql` binaries, `initdb` in a temporary directory, loopback only,
//! on a free port, stopped when dropped. Tests run as root, so the server
//! runs as the `postgres` user through `runuser`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A running test PostgreSQL with one database, `mashup`.
pub struct TestPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort_by_key(|path| {
        path.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or_default()
    });
    versions.pop()
}

fn run(bin: &Path, tool: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(tool))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{tool}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

impl TestPostgres {
    /// Starts a server (about a second). Panics with the reason when it
    /// cannot: tests need it.
    pub fn start() -> Self {
        Self::try_start().unwrap_or_else(|reason| panic!("test PostgreSQL: {reason}"))
    }

    fn try_start() -> Result<Self, String> {
        let bin = bin_dir().ok_or("no /usr/lib/postgresql/*/bin/initdb: run scripts/setup.sh")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        // The postgres user must reach the directory.
        let path = dir
            .path()
            .to_str()
            .ok_or("temp dir is not UTF-8")?
            .to_owned();
        Command::new("chmod")
            .args(["755", &path])
            .status()
            .map_err(|e| e.to_string())?;
        Command::new("chown")
            .args(["postgres", &path])
            .status()
            .map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let data = format!("{path}/data");
        run(
            &bin,
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        )?;
        let server = Self { dir, bin, port };
        server.pg_ctl_start()?;
        run(
            &server.bin,
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "mashup",
            ],
        )?;
        Ok(server)
    }

    fn data_dir(&self) -> Result<String, String> {
        self.dir
            .path()
            .join("data")
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| "temp dir is not UTF-8".to_owned())
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let path = self.dir.path().to_str().ok_or("temp dir is not UTF-8")?;
        let options = format!(
            "-p {} -k {path} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port
        );
        let log = format!("{path}/pg.log");
        run(
            &self.bin,
            "pg_ctl",
            &[
                "-D",
                &self.data_dir()?,
                "-l",
                &log,
                "-w",
                "-o",
                &options,
                "start",
            ],
        )
    }

    /// Stops the server as an outage would (`pg_ctl stop -m fast`, as a service stop does:
    /// every connection is ended, new ones are refused), keeping its data for
    /// [`TestPostgres::resume`]. Panics with the reason when it cannot.
    pub fn stop(&self) {
        self.data_dir()
            .and_then(|data| run(&self.bin, "pg_ctl", &["-D", &data, "-m", "fast", "stop"]))
            .unwrap_or_else(|reason| panic!("stopping the test PostgreSQL: {reason}"));
    }

    /// Starts the stopped server again, on the same port with the same data.
    pub fn resume(&self) {
        self.pg_ctl_start()
            .unwrap_or_else(|reason| panic!("restarting the test PostgreSQL: {reason}"));
    }

    /// `postgres://postgres@127.0.0.1:PORT/mashup`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/mashup", self.port)
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        if let Some(data) = data.to_str() {
            let _ = run(
                &self.bin,
                "pg_ctl",
                &["-D", data, "-m", "immediate", "stop"],
            );
        }
    }
}
