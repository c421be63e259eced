//! The last views kept for when Qlik cannot be reached, the same on both
//! backends: each check runs against a SQLite file and a throwaway
//! PostgreSQL server.

use store::testing::TestPostgres;
use store::{LastView, LastViewLimits, SealingKey, Store, UserKey};

/// A database for one test, kept alive as long as this is.
enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(TestPostgres),
}

impl Database {
    fn url(&self) -> String {
        match self {
            Database::Sqlite(dir) => format!("sqlite://{}", dir.path().join("s.sqlite").display()),
            Database::Postgres(server) => server.url(),
        }
    }

    async fn store(&self, key: &str) -> Store {
        Store::connect(&self.url(), SealingKey::from_base64(key).unwrap())
            .await
            .unwrap()
    }
}

/// Runs `check` on both backends, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! on_both {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                super::$check(super::Database::Sqlite(tempfile::tempdir().unwrap())).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$check(super::Database::Postgres(store::testing::TestPostgres::start())).await;
            }
        }
    )*};
}

on_both!(
    a_kept_view_reads_back_after_a_reconnect,
    the_oldest_views_go_past_the_limits,
    a_zero_limit_keeps_nothing,
    a_view_sealed_with_another_key_reads_as_none,
);

const LIMITS: LastViewLimits = LastViewLimits {
    per_user_bytes: 1 << 20,
    total_bytes: 1 << 20,
};

/// A view of about `size` bytes that packs poorly (so sizes are predictable).
fn view(seed: u64, size: usize, at: i64) -> LastView {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let bytes = (0..size)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect();
    LastView {
        view: bytes,
        computed_at: at,
        selections: format!("Region = EMEA ({seed})"),
    }
}

async fn a_kept_view_reads_back_after_a_reconnect(db: Database) {
    let key = SealingKey::generate_base64();
    let alice = UserKey::new("CORP", "alice");
    let store = db.store(&key).await;
    assert_eq!(store.last_view(&alice, "home").await.unwrap(), None);
    let text = br#"{"title":"Sales","kpis":[1,2,3]}"#.repeat(50);
    let kept = LastView {
        view: text.clone(),
        computed_at: 1_765_000_000,
        selections: "Region = EMEA".into(),
    };
    let bytes = store
        .save_last_view(&alice, "home", &kept, LIMITS)
        .await
        .unwrap();
    assert!(
        bytes > 0 && bytes < text.len() as u64 / 4,
        "{bytes} bytes kept for {}",
        text.len()
    );
    drop(store);
    let store = db.store(&key).await;
    assert_eq!(store.last_view(&alice, "home").await.unwrap(), Some(kept));
    assert_eq!(store.last_views_bytes().await.unwrap(), bytes);
    let bob = UserKey::new("CORP", "bob");
    assert_eq!(store.last_view(&bob, "home").await.unwrap(), None);
    assert_eq!(store.last_view(&alice, "other").await.unwrap(), None);
    // A newer view replaces the kept one.
    let newer = view(2, 100, 1_765_000_100);
    store
        .save_last_view(&alice, "home", &newer, LIMITS)
        .await
        .unwrap();
    assert_eq!(store.last_view(&alice, "home").await.unwrap(), Some(newer));
}

async fn the_oldest_views_go_past_the_limits(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let (alice, bob) = (UserKey::new("CORP", "alice"), UserKey::new("CORP", "bob"));
    // Each view packs to a bit over 1000 bytes.
    let limits = LastViewLimits {
        per_user_bytes: 2500,
        total_bytes: 3600,
    };
    for (n, page) in ["a", "b", "c"].iter().enumerate() {
        let at = 1000 + n as i64;
        store
            .save_last_view(&alice, page, &view(n as u64, 1000, at), limits)
            .await
            .unwrap();
    }
    // Alice's limit holds two: her oldest ("a") went.
    assert!(store.last_view(&alice, "a").await.unwrap().is_none());
    assert!(store.last_view(&alice, "b").await.unwrap().is_some());
    assert!(store.last_view(&alice, "c").await.unwrap().is_some());
    // Bob's two views pass the total: the oldest of anybody's go.
    for (n, page) in ["a", "b"].iter().enumerate() {
        let at = 2000 + n as i64;
        store
            .save_last_view(&bob, page, &view(10 + n as u64, 1000, at), limits)
            .await
            .unwrap();
    }
    assert!(store.last_views_bytes().await.unwrap() <= 3600);
    assert!(store.last_view(&alice, "b").await.unwrap().is_none());
    assert!(store.last_view(&bob, "a").await.unwrap().is_some());
    assert!(store.last_view(&bob, "b").await.unwrap().is_some());
    // A view larger than a limit on its own is not kept, and the older one
    // of that page goes with it.
    let kept = store
        .save_last_view(&bob, "a", &view(20, 4000, 3000), limits)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    assert!(store.last_view(&bob, "a").await.unwrap().is_none());
}

async fn a_zero_limit_keeps_nothing(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let alice = UserKey::new("CORP", "alice");
    for limits in [
        LastViewLimits {
            per_user_bytes: 0,
            total_bytes: 1 << 20,
        },
        LastViewLimits {
            per_user_bytes: 1 << 20,
            total_bytes: 0,
        },
    ] {
        assert!(limits.is_off());
        let kept = store
            .save_last_view(&alice, "home", &view(1, 100, 1), limits)
            .await
            .unwrap();
        assert_eq!(kept, 0);
        assert!(store.last_view(&alice, "home").await.unwrap().is_none());
    }
}

async fn a_view_sealed_with_another_key_reads_as_none(db: Database) {
    let alice = UserKey::new("CORP", "alice");
    let store = db.store(&SealingKey::generate_base64()).await;
    store
        .save_last_view(&alice, "home", &view(1, 100, 1), LIMITS)
        .await
        .unwrap();
    drop(store);
    let other = db.store(&SealingKey::generate_base64()).await;
    assert_eq!(other.last_view(&alice, "home").await.unwrap(), None);
}
