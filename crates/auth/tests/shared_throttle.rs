//! The throttle shared by several instances (records in PostgreSQL): many
//! parallel attempts of one user are all admitted under generous limits,
//! and a store that cannot be asked is "unavailable", never "throttled".

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use auth::{LoginThrottle, Refused, ThrottleConfig};
use store::testing::TestPostgres;
use store::{SealingKey, Store};

const ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn shared(server: &TestPostgres) -> LoginThrottle {
    let key = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
    LoginThrottle::Shared {
        config: ThrottleConfig {
            free_failures: 1_000,
            address_free_failures: 1_000,
            ..ThrottleConfig::default()
        },
        store: Store::connect(&server.url(), key).await.unwrap(),
    }
}

#[tokio::test]
async fn parallel_attempts_of_one_user_are_all_admitted_under_generous_limits() {
    let server = TestPostgres::start();
    // Two instances' throttles on one store.
    let (a, b) = (shared(&server).await, shared(&server).await);
    let attempts = (0..20).map(|i| {
        let throttle = if i % 2 == 0 { &a } else { &b };
        async move {
            let attempt = throttle.begin("alice", ADDRESS).await?;
            attempt.succeeded().await;
            Ok::<_, Refused>(())
        }
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let refused: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
}

#[tokio::test]
async fn a_store_that_cannot_be_asked_is_unavailable_not_throttled() {
    let server = TestPostgres::start();
    let throttle = shared(&server).await;
    throttle
        .begin("alice", ADDRESS)
        .await
        .unwrap()
        .succeeded()
        .await;
    server.stop();
    let started = Instant::now();
    let refused = throttle.begin("alice", ADDRESS).await.err();
    assert_eq!(refused, Some(Refused::StoreUnavailable));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered after {:?}",
        started.elapsed()
    );
}
