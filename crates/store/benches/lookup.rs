//! Browser-session lookup (`Store::browser_session`, what every request of a
//! logged-in user does first) on SQLite and on PostgreSQL, both on this
//! machine: a SQLite file in a temporary directory and a throwaway
//! PostgreSQL (`store::testing`) over loopback TCP.
//!
//! ```sh
//! cargo bench -p store --bench lookup
//! ```
//!
//! 1,000 users are logged in on each; then [`ROUNDS`] lookups of random users,
//! interleaved between the two backends so drift on a busy machine hits both
//! alike; it prints the median, p90 and p99 of each and the ratio of the medians.

use std::time::{Duration, Instant};

use store::testing::TestPostgres;
use store::{SealingKey, SessionToken, SessionUser, Store};

/// Users logged in before measuring.
const USERS: usize = 1_000;
/// Lookups per backend.
const ROUNDS: usize = 5_000;
const HOUR: Duration = Duration::from_secs(3600);

async fn logged_in(store: &Store) -> Vec<SessionToken> {
    let mut tokens = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let user = SessionUser {
            directory: "CORP".into(),
            user_id: format!("user{i}"),
            display_name: format!("User {i}"),
            attributes: vec![("Group".into(), "Sales".into())],
        };
        tokens.push(store.create_browser_session(&user).await.expect("login"));
    }
    tokens
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let postgres = TestPostgres::start();
    let dir = tempfile::tempdir().expect("temp dir");
    runtime.block_on(async {
        let key = SealingKey::generate_base64();
        let open = |url: String| {
            let key = key.clone();
            async move {
                Store::connect(&url, SealingKey::from_base64(&key).expect("key"))
                    .await
                    .expect("store")
            }
        };
        let sqlite = open(format!("sqlite://{}", dir.path().join("s.sqlite").display())).await;
        let pg = open(postgres.url()).await;
        let backends = [("SQLite", &sqlite), ("PostgreSQL", &pg)];
        let mut tokens = Vec::new();
        for (_, store) in backends {
            tokens.push(logged_in(store).await);
        }
        let mut samples = [Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS)];
        for round in 0..ROUNDS {
            let user = (round * 7919) % USERS;
            for (b, (_, store)) in backends.iter().enumerate() {
                let started = Instant::now();
                let found = store
                    .browser_session(&tokens[b][user], HOUR, HOUR)
                    .await
                    .expect("lookup");
                samples[b].push(started.elapsed());
                assert!(found.is_some());
            }
        }
        let mut medians = Vec::new();
        for (b, (name, _)) in backends.iter().enumerate() {
            samples[b].sort();
            let sorted = &samples[b];
            let p50 = percentile(sorted, 0.5);
            medians.push(p50);
            println!(
                "{name:<11} session lookup: p50 {p50:?}, p90 {:?}, p99 {:?} ({ROUNDS} lookups, {USERS} users)",
                percentile(sorted, 0.9),
                percentile(sorted, 0.99)
            );
        }
        println!(
            "PostgreSQL / SQLite (p50): {:.2}",
            medians[1].as_secs_f64() / medians[0].as_secs_f64()
        );
    });
}
