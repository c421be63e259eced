//! The typed bookmark calls against qlik-sim over real sockets.

mod support;

use support::{login, sim, url};

use qlik::qix::{ConnectOptions, Connection, Doc};
use qlik_sim::SimConfig;

fn small() -> SimConfig {
    SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    }
}

/// A socket of `user` with the sample app open (a new Qlik session each time).
async fn doc_of(sim: &qlik_sim::RunningSim, user: &str) -> (Connection, Doc) {
    let cookie = login(sim, user).await;
    let connected = Connection::connect(ConnectOptions::new(url(sim)).cookie(cookie))
        .await
        .unwrap();
    let doc = connected
        .connection
        .global()
        .open_doc("sample-sales")
        .await
        .unwrap();
    (connected.connection, doc)
}

#[tokio::test]
async fn create_list_apply_and_destroy() {
    let sim = sim(small()).await;
    let (_alice, doc) = doc_of(&sim, "alice").await;
    let all = doc.evaluate("Sum(Sales)").await.unwrap();
    doc.get_field("Region")
        .await
        .unwrap()
        .select("EMEA")
        .await
        .unwrap();
    doc.get_field("Year")
        .await
        .unwrap()
        .select("2025")
        .await
        .unwrap();
    let emea_2025 = doc.evaluate("Sum(Sales)").await.unwrap();
    let first = doc
        .create_bookmark("EMEA 2025", "Europe, last year")
        .await
        .unwrap();
    doc.clear_all(false).await.unwrap();
    let second = doc.create_bookmark("Everything", "").await.unwrap();
    assert_ne!(first, second);

    let listed = doc.bookmarks().await.unwrap();
    let titles: Vec<&str> = listed.iter().map(|b| b.title.as_str()).collect();
    assert_eq!(titles, ["EMEA 2025", "Everything"]);
    assert_eq!(listed[0].id, first);
    assert!(listed.iter().all(|b| b.created.is_some()));

    assert!(doc.apply_bookmark(&first).await.unwrap());
    assert_eq!(doc.evaluate("Sum(Sales)").await.unwrap(), emea_2025);
    assert!(doc.apply_bookmark(&second).await.unwrap());
    assert_eq!(doc.evaluate("Sum(Sales)").await.unwrap(), all);
    // Back to the first bookmark's state: applying is a history step.
    doc.back().await.unwrap();
    assert_eq!(doc.evaluate("Sum(Sales)").await.unwrap(), emea_2025);

    assert!(doc.destroy_bookmark(&first).await.unwrap());
    let left: Vec<String> = doc
        .bookmarks()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(left, [second]);
    let gone = doc.apply_bookmark(&first).await.unwrap_err();
    assert_eq!(gone.engine_code(), Some(2), "{gone}");
    let gone = doc.destroy_bookmark(&first).await.unwrap_err();
    assert_eq!(gone.engine_code(), Some(2), "{gone}");
}

#[tokio::test]
async fn a_users_bookmarks_are_theirs_alone() {
    let sim = sim(small()).await;
    let (alice, doc) = doc_of(&sim, "alice").await;
    let id = doc.create_bookmark("Alice's", "").await.unwrap();
    alice.close();
    // Alice again, in a new Qlik session: still there.
    let (_again, doc) = doc_of(&sim, "alice").await;
    assert_eq!(doc.bookmarks().await.unwrap()[0].id, id);
    // Bob: none, and hers cannot be applied.
    let (_bob, doc) = doc_of(&sim, "bob").await;
    assert!(doc.bookmarks().await.unwrap().is_empty());
    let refused = doc.apply_bookmark(&id).await.unwrap_err();
    assert_eq!(refused.engine_code(), Some(2), "{refused}");
}
