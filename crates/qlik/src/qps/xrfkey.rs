//! Qlik's cross-site request forgery key: 16 characters from `[0-9a-zA-Z]`,
//! sent as the `Xrfkey` query parameter and the `X-Qlik-Xrfkey` header.

use rand::Rng;
use rand::distr::Alphanumeric;

/// Name of the header that must repeat the query parameter.
pub(crate) const HEADER: &str = "X-Qlik-Xrfkey";

/// A fresh random key.
pub(crate) fn generate() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_16_alphanumerics_and_differ() {
        let a = super::generate();
        let b = super::generate();
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
