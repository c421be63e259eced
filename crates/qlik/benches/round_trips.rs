//! Round trips over one engine socket, against an in-process qlik-sim (sample app
//! with 2 000 order lines; client and simulator share one tokio runtime, so the
//! figures are for both together).
//!
//! - `sequential/*`: one call at a time, each awaited before the next.
//! - `pipelined_1000/*`: 1 000 calls issued at once over the same socket
//!   (`join_all`), then all awaited; criterion's throughput is in calls/s.
//!
//! ```sh
//! cargo bench -p qlik --bench round_trips
//! ```
//!
//! After criterion's figures (time per iteration, calls/s), it measures again by
//! hand and prints percentiles (criterion prints mean estimates), the process
//! CPU time per call, when the 50th, 990th and last answers of a batch came in,
//! and a steady state with 1 000 calls kept in flight (`window_1000/*`).
//!
//! Against qlik-sim a batch ends with a ~40 ms wait: the simulator's sockets
//! keep Nagle's algorithm on, so once the client has sent its last request
//! (and has nothing left to piggyback ACKs on) the last answers sit in the
//! simulator's send buffer until the client's delayed ACK fires. The window
//! figures do not have that wait.

#[path = "../tests/support/mod.rs"]
mod support;

use std::future::Future;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use futures_util::StreamExt;
use futures_util::future::join_all;
use futures_util::stream::FuturesUnordered;
use qlik::qix::{ConnectOptions, Connection, Doc, EngineUrl, Global};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use tokio::runtime::Runtime;

/// Calls in flight at once in the pipelined benchmarks.
const PIPELINED: usize = 1_000;
const APP: &str = "sample-sales";

struct Engine {
    // Dropping the simulator stops it: keep it as long as the connection.
    _sim: RunningSim,
    _connection: Connection,
    global: Global,
    doc: Doc,
}

/// Simulator, ticket → redeem → connect → OpenDoc.
async fn engine() -> Engine {
    let sim = Simulator::start(SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    })
    .await
    .expect("start qlik-sim");
    let cookie = support::login(&sim, "bench").await;
    let proxy_base = format!("http://{}", sim.proxy_addr());
    let url = EngineUrl::new(&proxy_base, "", APP);
    let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie))
        .await
        .expect("connect");
    let global = connected.connection.global();
    let doc = global.open_doc(APP).await.expect("OpenDoc");
    Engine {
        _sim: sim,
        _connection: connected.connection,
        global,
        doc,
    }
}

async fn engine_version(global: &Global) {
    let version = global.engine_version().await.expect("EngineVersion");
    std::hint::black_box(version);
}

async fn app_layout(doc: &Doc) {
    let layout = doc.app_layout().await.expect("GetAppLayout");
    std::hint::black_box(layout);
}

async fn pipelined<F: Future<Output = ()>>(call: impl Fn() -> F) {
    join_all((0..PIPELINED).map(|_| call())).await;
}

fn criterion_benches(c: &mut Criterion, rt: &Runtime, engine: &Engine) {
    let (global, doc) = (&engine.global, &engine.doc);

    let mut group = c.benchmark_group("sequential");
    group.throughput(Throughput::Elements(1));
    group.bench_function("EngineVersion", |b| {
        b.to_async(rt).iter(|| engine_version(global))
    });
    group.bench_function("GetAppLayout", |b| b.to_async(rt).iter(|| app_layout(doc)));
    group.finish();

    let mut group = c.benchmark_group(format!("pipelined_{PIPELINED}"));
    group.throughput(Throughput::Elements(PIPELINED as u64));
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("EngineVersion", |b| {
        b.to_async(rt).iter(|| pipelined(|| engine_version(global)))
    });
    group.bench_function("GetAppLayout", |b| {
        b.to_async(rt).iter(|| pipelined(|| app_layout(doc)))
    });
    group.finish();
}

/// The `q`-quantile of sorted durations, in microseconds.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}

/// CPU time of the whole process (client and simulator): the sum over its
/// threads of `/proc/self/task/*/schedstat`; `None` off Linux.
fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// Calls/s, and CPU µs per call when known.
fn rate(calls: usize, wall: Duration, cpu: Option<Duration>) -> String {
    let per_second = calls as f64 / wall.as_secs_f64();
    match cpu {
        Some(cpu) => format!(
            "{per_second:>8.0} calls/s  CPU {:>5.1} µs/call",
            cpu.as_secs_f64() * 1e6 / calls as f64
        ),
        None => format!("{per_second:>8.0} calls/s"),
    }
}

/// Sequential: the latency of each awaited call.
async fn hand_sequential<F: Future<Output = ()>>(what: &str, calls: usize, call: impl Fn() -> F) {
    let mut latencies = Vec::with_capacity(calls);
    let cpu = process_cpu();
    let start = Instant::now();
    for _ in 0..calls {
        let sent = Instant::now();
        call().await;
        latencies.push(sent.elapsed());
    }
    let wall = start.elapsed();
    let cpu = process_cpu().zip(cpu).map(|(end, start)| end - start);
    latencies.sort();
    println!(
        "{:<30} {}  latency µs p50 {:>6.1}  p90 {:>6.1}  p99 {:>6.1}",
        format!("sequential/{what}"),
        rate(calls, wall, cpu),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.9),
        quantile(&latencies, 0.99),
    );
}

/// Pipelined: per batch of [`PIPELINED`] calls, when half, 99 % and all of
/// the answers were in (from the moment the batch was issued); the medians
/// over the batches.
async fn hand_pipelined<F: Future<Output = ()>>(what: &str, batches: usize, call: impl Fn() -> F) {
    let (mut half, mut most, mut all) = (Vec::new(), Vec::new(), Vec::new());
    let cpu = process_cpu();
    let start = Instant::now();
    for _ in 0..batches {
        let issued = Instant::now();
        let mut answers: FuturesUnordered<F> = (0..PIPELINED).map(|_| call()).collect();
        let mut done = Vec::with_capacity(PIPELINED);
        while answers.next().await.is_some() {
            done.push(issued.elapsed());
        }
        half.push(done[PIPELINED / 2 - 1]);
        most.push(done[PIPELINED * 99 / 100 - 1]);
        all.push(done[PIPELINED - 1]);
    }
    let wall = start.elapsed();
    let cpu = process_cpu().zip(cpu).map(|(end, start)| end - start);
    for times in [&mut half, &mut most, &mut all] {
        times.sort();
    }
    println!(
        "{:<30} {}  answered ms: 50% {:>5.2}  99% {:>5.2}  all {:>5.2}",
        format!("pipelined_{PIPELINED}/{what}"),
        rate(batches * PIPELINED, wall, cpu),
        quantile(&half, 0.5) / 1e3,
        quantile(&most, 0.5) / 1e3,
        quantile(&all, 0.5) / 1e3,
    );
}

/// Pipelined, steady state: [`PIPELINED`] calls kept in flight (a new one
/// issued as each answer arrives) until `calls` are done. The client never
/// goes quiet, so no batch ends waiting for a delayed ACK.
async fn hand_window<F: Future<Output = ()>>(what: &str, calls: usize, call: impl Fn() -> F) {
    let cpu = process_cpu();
    let start = Instant::now();
    let mut in_flight: FuturesUnordered<F> = (0..PIPELINED).map(|_| call()).collect();
    let mut issued = PIPELINED;
    while in_flight.next().await.is_some() {
        if issued < calls {
            in_flight.push(call());
            issued += 1;
        }
    }
    let wall = start.elapsed();
    let cpu = process_cpu().zip(cpu).map(|(end, start)| end - start);
    println!(
        "{:<30} {}",
        format!("window_{PIPELINED}/{what}"),
        rate(calls, wall, cpu),
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let engine = rt.block_on(engine());

    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &rt, &engine);
    criterion.final_summary();

    // `cargo test --benches` runs each benchmark once and passes no `--bench`:
    // the hand-measured percentiles are for real runs only.
    if std::env::args().any(|arg| arg == "--bench") {
        println!("\nper-call latencies, measured by hand (same connection):");
        rt.block_on(async {
            let (global, doc) = (&engine.global, &engine.doc);
            for _ in 0..2_000 {
                engine_version(global).await; // warm-up
            }
            hand_sequential("EngineVersion", 20_000, || engine_version(global)).await;
            hand_sequential("GetAppLayout", 20_000, || app_layout(doc)).await;
            hand_pipelined("EngineVersion", 40, || engine_version(global)).await;
            hand_pipelined("GetAppLayout", 40, || app_layout(doc)).await;
            hand_window("EngineVersion", 100_000, || engine_version(global)).await;
            hand_window("GetAppLayout", 100_000, || app_layout(doc)).await;
        });
    }
}
