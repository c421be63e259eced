//! Pivot tables through the hub: the expansion is the engine session's, so
//! every tab follows it, a dropped socket keeps it and a re-created engine
//! session gets it back from the store.

use std::time::Duration;

use hub::{Hub, ObjectDef, PivotToggle};
use serde_json::Value;

use super::{Fixture, attributes, pending_events};

/// The sample app's master pivot: Region (with a total), Country on the
/// left; Year and the measures on top.
const PIVOT: &str = "pivot-sales";

async fn hub_with_pivot(f: &Fixture, ttl_seconds: u32) -> Hub {
    let mut config = f.config(ttl_seconds);
    config.apps[0]
        .objects
        .push(ObjectDef::Master { id: PIVOT.into() });
    Hub::new(config, f.store().await)
}

/// Rows of the pivot's data area as expanded now.
fn rows(layout: &Value) -> i64 {
    layout["qHyperCube"]["qSize"]["qcy"].as_i64().unwrap()
}

/// Expands the first region (row 0, left level 0).
const EXPAND_FIRST: PivotToggle = PivotToggle {
    top: false,
    expand: true,
    row: 0,
    col: 0,
    all: false,
};

#[tokio::test]
async fn one_tab_expands_and_every_tab_hears_once_and_sees_it() {
    let f = Fixture::new().await;
    let hub = hub_with_pivot(&f, 60).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let collapsed = rows(&session.layout(PIVOT).await.unwrap());
    let mut tabs: Vec<_> = (0..2).map(|_| session.subscribe()).collect();
    session.toggle_pivot(PIVOT, EXPAND_FIRST).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    for tab in &mut tabs {
        assert_eq!(pending_events(tab), 1, "exactly one event per tab");
    }
    let expanded = rows(&session.layout(PIVOT).await.unwrap());
    assert!(expanded > collapsed, "{expanded} rows after {collapsed}");
    // Another device of the user (a second instance on the same store)
    // shares the engine session: it sees the expansion too.
    let other = hub_with_pivot(&f, 60).await;
    let elsewhere = other.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(rows(&elsewhere.layout(PIVOT).await.unwrap()), expanded);
    // A dropped socket is reattached with the expansion intact.
    f.sim.drop_sockets("CORP", "alice");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(rows(&session.layout(PIVOT).await.unwrap()), expanded);
    // Collapsing is one event as well, and back to the first rows. (The
    // watcher announces the socket it replaced: on a loaded machine that
    // may come after this tab subscribed, so it is let pass first.)
    let mut tab = session.subscribe();
    tokio::time::sleep(Duration::from_millis(500)).await;
    pending_events(&mut tab);
    let collapse = PivotToggle {
        expand: false,
        ..EXPAND_FIRST
    };
    session.toggle_pivot(PIVOT, collapse).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(pending_events(&mut tab), 1);
    assert_eq!(rows(&session.layout(PIVOT).await.unwrap()), collapsed);
}

#[tokio::test]
async fn a_re_created_engine_session_comes_back_expanded() {
    let f = Fixture::new().await;
    let hub = hub_with_pivot(&f, 1).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let collapsed = rows(&session.layout(PIVOT).await.unwrap());
    session.toggle_pivot(PIVOT, EXPAND_FIRST).await.unwrap();
    let expanded = rows(&session.layout(PIVOT).await.unwrap());
    assert!(expanded > collapsed);
    f.sim.drop_sockets("CORP", "alice");
    // Keep the hub from reconnecting before the TTL ends: stop it, wait, start anew.
    drop((session, hub));
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let hub = hub_with_pivot(&f, 1).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(rows(&session.layout(PIVOT).await.unwrap()), expanded);
    assert_eq!(hub.metrics().recreations, 1, "a new engine session");
    // The restored state is the engine's again: collapsing works from it.
    let collapse = PivotToggle {
        expand: false,
        ..EXPAND_FIRST
    };
    session.toggle_pivot(PIVOT, collapse).await.unwrap();
    assert_eq!(rows(&session.layout(PIVOT).await.unwrap()), collapsed);
}
