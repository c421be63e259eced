//! The server under test: the release binary with its embedded qlik-sim (or
//! a separate `qlik-sim` process), on free loopback ports, with a temporary
//! store; its resident memory read from `/proc`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use slapd_fixture::free_port;

/// How to start the server.
pub struct Launch<'a> {
    /// `target/release/qlik-mashup`.
    pub binary: &'a Path,
    /// The `[ldap]` section (the users' directory).
    pub ldap_toml: String,
    /// Order lines of the simulator's sample app.
    pub rows: usize,
    /// `[log] filter`.
    pub log_filter: &'a str,
    /// Run qlik-sim as its own process (this binary, next to the server's),
    /// so the server's memory is its own alone.
    pub separate_sim: Option<PathBuf>,
    /// Extra environment of the server process.
    pub env: Vec<(String, String)>,
    /// A sheet of the sample app shown on the dashboard page.
    pub sheet: Option<String>,
}

/// A running server process (and simulator process), stopped on drop.
pub struct Server {
    child: Child,
    sim: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Writes the configuration, starts the binary and waits for `/healthz`.
    pub async fn start(launch: Launch<'_>) -> Result<Server, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port()?;
        let (qps, proxy) = (free_port()?, free_port()?);
        let mut sim = None;
        let qlik = match &launch.separate_sim {
            Some(binary) => {
                sim = Some(
                    Command::new(binary)
                        .args(["--qps", &format!("127.0.0.1:{qps}")])
                        .args(["--proxy", &format!("127.0.0.1:{proxy}")])
                        .args(["--rows", &launch.rows.to_string()])
                        .stdout(Stdio::null())
                        .stderr(Stdio::inherit())
                        .spawn()
                        .map_err(|e| format!("{}: {e}", binary.display()))?,
                );
                format!(
                    "qps_url = \"http://127.0.0.1:{qps}\"\nproxy_url = \"http://127.0.0.1:{proxy}\"\n"
                )
            }
            None => format!(
                "embedded_qps = \"127.0.0.1:{qps}\"\nembedded_proxy = \"127.0.0.1:{proxy}\"\nembedded_rows = {}\n",
                launch.rows
            ),
        };
        let config = format!(
            "listen = \"127.0.0.1:{port}\"\n\
             [log]\nfilter = \"{filter}\"\n\
             [session]\nstore_path = \"{dir}/mashup.sqlite\"\nkey_file = \"{dir}/store.key\"\n\
             [login.throttle]\naddress_free_failures = 1000000\n\
             [qlik]\n{qlik}\
             {dashboard}\
             {ldap}",
            filter = launch.log_filter,
            dashboard = launch
                .sheet
                .as_ref()
                .map(|id| format!("[dashboard]\nsheet = \"{id}\"\n"))
                .unwrap_or_default(),
            dir = dir.path().display(),
            ldap = launch.ldap_toml,
        );
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).map_err(|e| e.to_string())?;
        let child = Command::new(launch.binary)
            .arg("--config")
            .arg(&config_path)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e} (run `make release`)", launch.binary.display()))?;
        let server = Server {
            child,
            sim,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let healthy = client
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if healthy {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err("the server did not answer /healthz within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The server process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid())
    }

    /// The separate simulator's resident memory in KiB, if there is one.
    pub fn sim_rss_kib(&self) -> Option<u64> {
        self.sim.as_ref().and_then(|s| rss_kib(s.id()))
    }

    /// SIGTERM, then a kill if it is still running after 10 s.
    pub fn stop(mut self) {
        stop(&mut self.child);
        if let Some(sim) = &mut self.sim {
            stop(sim);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(sim) = &mut self.sim {
            let _ = sim.kill();
            let _ = sim.wait();
        }
    }
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `VmRSS` of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
