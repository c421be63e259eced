//! The simulator and the client's login path (ticket, then redemption), shared
//! by the tests and the benchmark (`benches/round_trips.rs`).

// Each test or bench binary uses a part.
#![allow(dead_code)]

use qlik::proxy::{Proxy, SessionCookie};
use qlik::qix::EngineUrl;
use qlik::qps::{QpsClient, QpsConfig, UserRef};
use qlik_sim::{RunningSim, SimConfig, Simulator};

/// A simulator on free local ports.
pub async fn sim(config: SimConfig) -> RunningSim {
    Simulator::start(config).await.unwrap()
}

/// A QPS client for the simulator (plain http, default virtual proxy).
pub fn qps(sim: &RunningSim) -> QpsClient {
    QpsClient::new(QpsConfig::new(format!("http://{}", sim.qps_addr()), "")).unwrap()
}

/// The proxy client for the simulator.
pub fn proxy(sim: &RunningSim) -> Proxy {
    Proxy::new(&format!("http://{}", sim.proxy_addr()), "").unwrap()
}

/// The engine URL of the sample app.
pub fn url(sim: &RunningSim) -> EngineUrl {
    EngineUrl::new(&format!("http://{}", sim.proxy_addr()), "", "sample-sales")
}

/// A proxy session for `user`: a ticket from QPS, redeemed at the proxy.
pub async fn login(sim: &RunningSim, user: &str) -> SessionCookie {
    let ticket = qps(sim)
        .ticket(
            &UserRef::new("CORP", user),
            &[("Group".into(), "Sales".into())],
        )
        .await
        .unwrap();
    proxy(sim).redeem_ticket(&ticket).await.unwrap()
}
