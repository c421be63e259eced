//! The whole app over HTTP on random ports, one module per concern. One test
//! binary for all of them: each binary links the whole server (hundreds of
//! megabytes in a debug build), so sixteen binaries cost sixteen links on
//! every clean build. `audit_log.rs` stays apart because it installs the
//! global tracing subscriber.

mod support;

mod bad_input;
mod deployment;
mod drawn;
mod edge;
mod exports;
mod https_edge;
mod live;
mod login;
mod outage;
mod own_apps;
mod page_cache;
mod pages;
mod pivots;
mod qlik_tls;
mod scale_out;
mod sheet_types;
mod sheets;
mod smoke;
mod startup;
mod store_outage;
