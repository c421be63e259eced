//! A Rust client for Qlik Sense: QPS REST (`qps`) and the QIX engine (`qix`).
