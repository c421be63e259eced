//! Figures for the hub (`cargo bench -p hub --bench held_sessions`):
//! - refresh (held session, cached layouts) against cold connect (ticket,
//!   redemption, socket, OpenDoc, objects, first layouts), medians;
//! - resident memory of the process holding 1,000 and 10,000 users.
//!
//! qlik-sim runs in a child process (this binary, re-started with
//! `HUB_BENCH_SIM=1`), so the resident memory measured is the hub's alone.
//! Optional: `HUB_BENCH_USERS=1000,10000` sets the population steps.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hub::{AppObjects, Hub, HubConfig, ObjectDef, SessionSource};
use qlik::proxy::Proxy;
use qlik::qps::{QpsClient, QpsConfig};
use qlik_sim::testing::rss_kib;
use serde_json::{Value, json};
use store::{SealingKey, Store};
use tokio::sync::Semaphore;

const CHILD_ENV: &str = "HUB_BENCH_SIM";
const CONCURRENCY: usize = 64;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if std::env::var_os(CHILD_ENV).is_some() {
        runtime.block_on(run_sim());
    } else {
        runtime.block_on(run_bench());
    }
}

/// Child: the simulator, until the parent closes our stdin.
async fn run_sim() {
    let sim = qlik_sim::Simulator::start(qlik_sim::SimConfig {
        sample_rows: 2_000,
        max_sessions: 5,
        ..qlik_sim::SimConfig::default()
    })
    .await
    .expect("qlik-sim starts");
    println!("{} {}", sim.qps_addr(), sim.proxy_addr());
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {}
    })
    .await
    .expect("stdin watcher");
}

fn start_sim_child() -> (Child, String, String) {
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the simulator child starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("the simulator prints its addresses");
    let mut parts = line.split_whitespace().map(str::to_owned);
    let qps = parts.next().expect("QPS address");
    let proxy = parts.next().expect("proxy address");
    (child, qps, proxy)
}

/// Objects like the default dashboard's: 3 list boxes, 3 KPIs, 2 charts, 1 table.
fn objects() -> Vec<ObjectDef> {
    let page = |w: u32, h: u32| json!([{"qTop": 0, "qLeft": 0, "qWidth": w, "qHeight": h}]);
    let list = |field: &str| {
        json!({"qInfo": {"qType": "listbox"}, "qListObjectDef": {"qDef": {"qFieldDefs": [field]},
            "qShowAlternatives": true, "qInitialDataFetch": page(1, 500)}})
    };
    let kpi = |expr: &str| {
        json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {"qDimensions": [],
            "qMeasures": [{"qDef": {"qDef": expr}}], "qInitialDataFetch": page(1, 1)}})
    };
    let chart = |dim: &str| {
        json!({"qInfo": {"qType": "barchart"}, "qHyperCubeDef": {
            "qDimensions": [{"qDef": {"qFieldDefs": [dim]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}], "qInitialDataFetch": page(2, 200)}})
    };
    let table = json!({"qInfo": {"qType": "table"}, "qHyperCubeDef": {
        "qDimensions": [{"qDef": {"qFieldDefs": ["Customer"]}}, {"qDef": {"qFieldDefs": ["Region"]}}],
        "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}, {"qDef": {"qDef": "Count(DISTINCT OrderID)"}}],
        "qInitialDataFetch": page(4, 20)}});
    let properties: Vec<Value> = vec![
        list("Region"),
        list("Category"),
        list("Year"),
        kpi("Sum(Sales)"),
        kpi("Count(DISTINCT OrderID)"),
        kpi("Sum(Sales) - Sum(Cost)"),
        chart("Category"),
        chart("Month"),
        table,
    ];
    properties
        .into_iter()
        .enumerate()
        .map(|(i, properties)| ObjectDef::Session {
            id: format!("object-{i}"),
            properties,
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// One page view: the user's held session and every object's layout.
async fn view(hub: &Hub, user: &str, ids: &[String]) {
    let session = hub
        .session("CORP", user, &[("Group".into(), "Sales".into())])
        .await
        .expect("an engine session");
    for id in ids {
        session.layout(id).await.expect("a layout");
    }
}

async fn log_in_many(hub: &Arc<Hub>, from: usize, to: usize) {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for n in from..to {
        let (hub, permits) = (hub.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire().await.expect("open semaphore");
            hub.session("CORP", &format!("user-{n}"), &[])
                .await
                .expect("an engine session");
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("login task");
    }
}

async fn run_bench() {
    let (mut child, qps_addr, proxy_addr) = start_sim_child();
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = Store::open(
        &dir.path().join("store.sqlite"),
        SealingKey::from_base64(&SealingKey::generate_base64()).expect("a key"),
    )
    .await
    .expect("the store opens");
    let config = HubConfig {
        qps: QpsClient::new(QpsConfig::new(format!("http://{qps_addr}"), "")).expect("QPS client"),
        proxy: Proxy::new(&format!("http://{proxy_addr}"), "").expect("proxy client"),
        engine_base: format!("ws://{proxy_addr}"),
        virtual_proxy: String::new(),
        ttl_seconds: 300,
        session_source: SessionSource::Ticket,
        apps: vec![AppObjects {
            app_id: "sample-sales".into(),
            objects: objects(),
        }],
        idle_eviction: Duration::from_secs(3600),
        keepalive_interval: Duration::from_secs(3600),
        origin: None,
        ws_csrf: false,
        root_ca: None,
    };
    let ids: Vec<String> = config.apps[0]
        .objects
        .iter()
        .map(|o| o.id().to_owned())
        .collect();
    let hub = Arc::new(Hub::new(config, store));

    // Cold connect vs refresh.
    view(&hub, "warm-up", &ids).await;
    let mut cold = Vec::new();
    for n in 0..30 {
        let started = Instant::now();
        view(&hub, &format!("cold-{n}"), &ids).await;
        cold.push(started.elapsed());
    }
    let mut refresh = Vec::new();
    for _ in 0..1_000 {
        let started = Instant::now();
        view(&hub, "cold-0", &ids).await;
        refresh.push(started.elapsed());
    }
    let (cold, refresh) = (median(cold), median(refresh));
    println!(
        "page view, {} objects: cold connect median {:.2} ms, refresh median {:.1} µs, refresh {:.0}x cheaper",
        ids.len(),
        cold.as_secs_f64() * 1e3,
        refresh.as_secs_f64() * 1e6,
        cold.as_secs_f64() / refresh.as_secs_f64()
    );

    // Memory of held sessions.
    let steps: Vec<usize> = std::env::var("HUB_BENCH_USERS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let base_users = hub.metrics().held_sessions;
    let base = rss_kib();
    let mut held = 0;
    for step in steps {
        let started = Instant::now();
        log_in_many(&hub, held, step).await;
        held = step;
        let rss = rss_kib();
        let metrics = hub.metrics();
        println!(
            "{} users held (+{base_users} above): RSS {:.1} MiB, {:.1} KiB per user over the baseline \
             ({:.1} MiB); {} tickets, {} sockets; logins took {:.1} s",
            held,
            rss as f64 / 1024.0,
            (rss.saturating_sub(base)) as f64 / held as f64,
            base as f64 / 1024.0,
            metrics.tickets_requested,
            metrics.connects,
            started.elapsed().as_secs_f64()
        );
    }
    drop(child.stdin.take());
    let _ = child.wait();
}
