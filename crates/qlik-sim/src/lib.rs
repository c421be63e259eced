//! qlik-sim: a Qlik Sense simulator (QPS, proxy, QIX engine).

pub mod model;
