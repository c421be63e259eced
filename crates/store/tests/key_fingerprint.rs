//! The sealing key's fingerprint in the store, on both backends: a second
//! key is told apart (and changes nothing) until it is adopted on purpose.

use store::testing::TestPostgres;
use store::{KeyCheck, QlikCookie, SealingKey, Store, UserKey};

/// A database for one test: its URL, kept alive as long as this is.
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

#[tokio::test]
async fn sqlite() {
    let db = Database::Sqlite(tempfile::tempdir().unwrap());
    a_second_key_is_told_apart_until_adopted(&db).await;
}

#[tokio::test]
async fn postgres() {
    let db = Database::Postgres(TestPostgres::start());
    a_second_key_is_told_apart_until_adopted(&db).await;
}

fn alice() -> UserKey {
    UserKey::new("CORP", "alice")
}

fn cookie() -> QlikCookie {
    QlikCookie {
        name: "X-Qlik-Session".into(),
        value: "guid-secret".into(),
    }
}

async fn a_second_key_is_told_apart_until_adopted(db: &Database) {
    let first_key = SealingKey::generate_base64();
    let second_key = SealingKey::generate_base64();
    let first = db.store(&first_key).await;
    let same = db.store(&first_key).await;
    // Two instances with one key starting together: one records, one agrees.
    let (a, b) = tokio::join!(first.check_key(), same.check_key());
    let mut checks = [a.unwrap(), b.unwrap()];
    checks.sort_by_key(|check| matches!(check, KeyCheck::Same));
    assert_eq!(
        checks,
        [KeyCheck::Recorded { sealed_cookies: 0 }, KeyCheck::Same]
    );
    first.save_qlik_cookie(&alice(), &cookie()).await.unwrap();

    let second = db.store(&second_key).await;
    assert_eq!(
        second.check_key().await.unwrap(),
        KeyCheck::Different { sealed_cookies: 1 }
    );
    // Being told changes nothing: the first key is still the store's.
    assert_eq!(first.check_key().await.unwrap(), KeyCheck::Same);
    assert_eq!(first.qlik_cookie(&alice()).await.unwrap(), Some(cookie()));

    // Adopted on purpose: the cookie sealed with the old key is forgotten.
    assert_eq!(second.adopt_key().await.unwrap(), 1);
    assert_eq!(second.check_key().await.unwrap(), KeyCheck::Same);
    assert_eq!(second.qlik_cookie(&alice()).await.unwrap(), None);
    assert_eq!(
        first.check_key().await.unwrap(),
        KeyCheck::Different { sealed_cookies: 0 }
    );
    // Adopting the recorded key again forgets nothing.
    second.save_qlik_cookie(&alice(), &cookie()).await.unwrap();
    assert_eq!(second.adopt_key().await.unwrap(), 0);
    assert_eq!(second.qlik_cookie(&alice()).await.unwrap(), Some(cookie()));
}
