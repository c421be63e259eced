//! Helpers for the tests and benchmarks of this crate and of the crates that
//! run against the simulator. `rss_kib` is dependency-free; the private CA
//! (`write_test_pki`) needs the `test-pki` feature (rcgen).

/// This process's resident set size in KiB (`VmRSS` in `/proc/self/status`),
/// 0 where that file does not exist.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The benchmarks' large pivot table over the sample app, collapsed:
/// Region, Customer and Product on the left, `Sum(Sales)` and
/// `Count(OrderID)` on top, a 50 × 50 initial fetch.
pub fn sample_pivot() -> serde_json::Value {
    let dimension = |field: &str| serde_json::json!({"qDef": {"qFieldDefs": [field]}});
    serde_json::json!({"qInfo": {"qId": "pivot", "qType": "pivot-table"}, "qHyperCubeDef": {
        "qMode": "P", "qNoOfLeftDims": 3, "qAlwaysFullyExpanded": false,
        "qDimensions": [dimension("Region"), dimension("Customer"), dimension("Product")],
        "qMeasures": [{"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}},
                      {"qDef": {"qDef": "Count(OrderID)", "qLabel": "Orders"}}],
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 50, "qHeight": 50}]}})
}

/// `ExpandLeft` with `qAll`: every left node expanded.
pub const EXPAND_ALL_LEFT: crate::data::Expand = crate::data::Expand {
    top: false,
    expand: true,
    row: 0,
    col: 0,
    all: true,
};

/// Writes a private PKI as a Qlik site has it into `dir`: a CA (`root.pem`),
/// a server certificate for 127.0.0.1 (`server.pem`, `server_key.pem`) and a
/// client certificate (`client.pem`, `client_key.pem`, and both in
/// `client_identity.pem`) signed by it.
#[cfg(feature = "test-pki")]
pub fn write_test_pki(dir: &std::path::Path) -> Result<(), String> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let write = |name: &str, pem: String| {
        std::fs::write(dir.join(name), pem).map_err(|e| format!("{name}: {e}"))
    };
    let root_key = KeyPair::generate().map_err(|e| fail(&e))?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail(&e))?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "Qlik CA");
    let root = params.self_signed(&root_key).map_err(|e| fail(&e))?;
    let server_key = KeyPair::generate().map_err(|e| fail(&e))?;
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .and_then(|p| p.signed_by(&server_key, &root, &root_key))
        .map_err(|e| fail(&e))?;
    let client_key = KeyPair::generate().map_err(|e| fail(&e))?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail(&e))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "QlikClient");
    let client = params
        .signed_by(&client_key, &root, &root_key)
        .map_err(|e| fail(&e))?;
    write("root.pem", root.pem())?;
    write("server.pem", server.pem())?;
    write("server_key.pem", server_key.serialize_pem())?;
    write("client.pem", client.pem())?;
    write("client_key.pem", client_key.serialize_pem())?;
    write(
        "client_identity.pem",
        format!("{}\n{}", client.pem(), client_key.serialize_pem()),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_a_resident_size_on_linux() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(super::rss_kib() > 0);
        }
    }
}
