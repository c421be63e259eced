//! Whole logins (`Directory::authenticate`) against a real OpenLDAP slapd on
//! loopback, started by the tests' fixture (`tests/support/slapd.rs`) with a
//! throwaway CA and a server certificate signed by it. Every login is the
//! full sequence: connect, service bind, user search, group search (for a
//! found user), unbind; then connect again and bind as the user.
//!
//! - `login/plain_success`: alice, right password, `ldap://`.
//! - `login/starttls_success`: the same with StartTLS, trusting the private CA.
//! - `login/wrong_password`: alice, wrong password (plain).
//! - `login/unknown_user`: a name that is not in the directory (plain).
//!
//! ```sh
//! cargo bench -p directory --bench login
//! ```
//!
//! After criterion's figures (mean estimates), it measures again by hand:
//! [`ROUNDS`] logins of each kind, interleaved round-robin so that drift on a
//! busy machine hits every kind alike, and prints the median, p90 and p99 of
//! each, the StartTLS − plain difference of the successful logins and the
//! unknown-user / wrong-password ratio (≈ 1 means the two failures cannot be
//! told apart by their timing). The StartTLS failures are measured too.

#[path = "../tests/support/slapd.rs"]
mod slapd;

use std::time::{Duration, Instant};

use criterion::Criterion;
use directory::{Directory, DirectoryError, LdapConfig};
use slapd::Tls;
use slapd_fixture::Slapd;
use tokio::runtime::Runtime;

/// Logins of each kind in the hand-measured part.
const ROUNDS: usize = 200;
/// Logins of each kind before measuring.
const WARM_UP: usize = 20;

/// The settings the tests use (search users, then their groups), over plain
/// LDAP or StartTLS with the fixture's CA.
fn config(slapd: &Slapd, starttls: bool) -> LdapConfig {
    LdapConfig {
        starttls,
        ca_file: starttls.then(|| slapd.dir().join("ca.pem")),
        ..slapd::ldap_config(slapd.url())
    }
}

/// One kind of login and the outcome it must have.
struct Case {
    name: &'static str,
    directory: Directory,
    username: &'static str,
    password: &'static str,
    succeeds: bool,
}

impl Case {
    async fn run(&self) {
        let result = self
            .directory
            .authenticate(self.username, self.password)
            .await;
        match (&result, self.succeeds) {
            (Ok(user), true) => {
                std::hint::black_box(user);
            }
            (Err(DirectoryError::InvalidCredentials), false) => {}
            _ => panic!("{}: unexpected {result:?}", self.name),
        }
    }
}

fn cases(slapd: &Slapd) -> Vec<Case> {
    let plain = Directory::new(config(slapd, false)).expect("plain settings");
    let tls = Directory::new(config(slapd, true)).expect("StartTLS settings");
    let case = |name, directory: &Directory, username, password, succeeds| Case {
        name,
        directory: directory.clone(),
        username,
        password,
        succeeds,
    };
    vec![
        case("plain_success", &plain, "alice", "alice-secret", true),
        case("starttls_success", &tls, "alice", "alice-secret", true),
        case("wrong_password", &plain, "alice", "wrong-secret", false),
        case("unknown_user", &plain, "nobody", "wrong-secret", false),
        case(
            "starttls_wrong_password",
            &tls,
            "alice",
            "wrong-secret",
            false,
        ),
        case(
            "starttls_unknown_user",
            &tls,
            "nobody",
            "wrong-secret",
            false,
        ),
    ]
}

/// Criterion covers the four kinds of the brief (not the StartTLS failures).
const CRITERION_CASES: usize = 4;

fn criterion_benches(c: &mut Criterion, rt: &Runtime, cases: &[Case]) {
    let mut group = c.benchmark_group("login");
    // ~2–3 ms a login, two TCP connections each: keep the run (and the
    // number of sockets left in TIME_WAIT) modest.
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for case in &cases[..CRITERION_CASES] {
        group.bench_function(case.name, |b| b.to_async(rt).iter(|| case.run()));
    }
    group.finish();
}

/// The `q`-quantile of sorted durations, in milliseconds.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

/// [`ROUNDS`] rounds; each runs every case once, starting at a different
/// case each round. Returns the latencies per case, in round order.
async fn by_hand(cases: &[Case]) -> Vec<Vec<Duration>> {
    for _ in 0..WARM_UP {
        for case in cases {
            case.run().await;
        }
    }
    let mut latencies = vec![Vec::with_capacity(ROUNDS); cases.len()];
    for round in 0..ROUNDS {
        for k in 0..cases.len() {
            let i = (round + k) % cases.len();
            let start = Instant::now();
            cases[i].run().await;
            latencies[i].push(start.elapsed());
        }
    }
    latencies
}

/// The median over the rounds of `a − b` (same round), in milliseconds: less
/// sensitive to a busy machine than the difference of the two medians.
fn paired_median(a: &[Duration], b: &[Duration]) -> f64 {
    let mut differences: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| (a.as_secs_f64() - b.as_secs_f64()) * 1e3)
        .collect();
    differences.sort_by(f64::total_cmp);
    differences[differences.len() / 2]
}

fn main() {
    let tls = Tls::generate();
    let slapd = slapd::start(Some(&tls), "");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let cases = cases(&slapd);

    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &rt, &cases);
    criterion.final_summary();

    // `cargo test --benches` runs each benchmark once and passes no `--bench`:
    // the hand-measured figures are for real runs only.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let rounds = rt.block_on(by_hand(&cases));
    let mut latencies = rounds.clone();
    for list in &mut latencies {
        list.sort();
    }
    println!(
        "\nlogins measured by hand: {ROUNDS} of each kind, interleaved (slapd on loopback, {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{:<26} {:>8} {:>8} {:>8}", "", "p50 ms", "p90 ms", "p99 ms");
    for (case, sorted) in cases.iter().zip(&latencies) {
        println!(
            "{:<26} {:>8.3} {:>8.3} {:>8.3}",
            case.name,
            quantile(sorted, 0.5),
            quantile(sorted, 0.9),
            quantile(sorted, 0.99),
        );
    }
    let index = |name: &str| cases.iter().position(|c| c.name == name).expect("case");
    let at = |name: &str, q: f64| quantile(&latencies[index(name)], q);
    let paired = |a: &str, b: &str| paired_median(&rounds[index(a)], &rounds[index(b)]);
    for (label, q) in [("p50", 0.5), ("p90", 0.9)] {
        println!(
            "{label}: StartTLS − plain (success) {:+.3} ms; unknown / wrong password {:.3} (plain), {:.3} (StartTLS)",
            at("starttls_success", q) - at("plain_success", q),
            at("unknown_user", q) / at("wrong_password", q),
            at("starttls_unknown_user", q) / at("starttls_wrong_password", q),
        );
    }
    println!(
        "paired (median of same-round differences): StartTLS − plain (success) {:+.3} ms; unknown − wrong password {:+.3} ms (plain), {:+.3} ms (StartTLS)",
        paired("starttls_success", "plain_success"),
        paired("unknown_user", "wrong_password"),
        paired("starttls_unknown_user", "starttls_wrong_password"),
    );
}
