//! Authenticated encryption of secrets at rest (XChaCha20-Poly1305).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;

/// What the key's fingerprint is a keyed hash of.
const FINGERPRINT_LABEL: &[u8] = b"qlik-mashup store key fingerprint v1";

/// The 32-byte key that seals Qlik cookies in the store.
#[derive(Clone)]
pub struct SealingKey {
    cipher: XChaCha20Poly1305,
    /// HMAC-SHA256 of a fixed label under the key, hex: tells keys apart
    /// without revealing them (kept in the store; see `key_check.rs`).
    fingerprint: String,
}

impl SealingKey {
    /// Decodes a base64 key of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| Error::Key(e.to_string()))?;
        if bytes.len() != 32 {
            return Err(Error::Key(format!("{} bytes", bytes.len())));
        }
        let cipher =
            XChaCha20Poly1305::new_from_slice(&bytes).map_err(|e| Error::Key(e.to_string()))?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&bytes).map_err(|e| Error::Key(e.to_string()))?;
        mac.update(FINGERPRINT_LABEL);
        let fingerprint = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            cipher,
            fingerprint,
        })
    }

    /// A keyed hash telling this key from another, safe to store and show.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// A fresh random key, base64-encoded (for `make serve` defaults and tests).
    pub fn generate_base64() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        STANDARD.encode(bytes)
    }

    /// Encrypts `plain`, binding it to `context` (so a sealed value cannot be
    /// moved to another row).
    pub(crate) fn seal(&self, plain: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = chacha20poly1305::aead::Payload {
            msg: plain,
            aad: context,
        };
        // Encryption with a valid key and in-memory buffers cannot fail.
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts what [`Self::seal`] produced with the same context.
    pub(crate) fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Unseal);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let payload = chacha20poly1305::aead::Payload {
            msg: body,
            aad: context,
        };
        self.cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| Error::Unseal)
    }
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_bound_to_context() {
        let key = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
        let sealed = key.seal(b"secret", b"row-1");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(key.open(&sealed, b"row-1").unwrap(), b"secret");
        assert!(matches!(key.open(&sealed, b"row-2"), Err(Error::Unseal)));
        let other = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
        assert!(matches!(other.open(&sealed, b"row-1"), Err(Error::Unseal)));
    }

    #[test]
    fn the_fingerprint_tells_keys_apart_without_showing_them() {
        let text = SealingKey::generate_base64();
        let key = SealingKey::from_base64(&text).unwrap();
        let again = SealingKey::from_base64(&text).unwrap();
        let other = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
        assert_eq!(key.fingerprint(), again.fingerprint());
        assert_ne!(key.fingerprint(), other.fingerprint());
        assert_eq!(key.fingerprint().len(), 64);
        let raw = STANDARD.decode(&text).unwrap();
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!key.fingerprint().contains(&hex[..16]));
    }

    #[test]
    fn rejects_keys_of_the_wrong_size() {
        assert!(SealingKey::from_base64("c2hvcnQ=").is_err());
        assert!(SealingKey::from_base64("not base64!").is_err());
    }
}
