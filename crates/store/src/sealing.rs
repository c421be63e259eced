//! Authenticated encryption of secrets at rest (XChaCha20-Poly1305).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;

/// The 32-byte key that seals Qlik cookies in the store.
#[derive(Clone)]
pub struct SealingKey(XChaCha20Poly1305);

impl SealingKey {
    /// Decodes a base64 key of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| Error::Key(e.to_string()))?;
        if bytes.len() != 32 {
            return Err(Error::Key(format!("{} bytes", bytes.len())));
        }
        XChaCha20Poly1305::new_from_slice(&bytes)
            .map(Self)
            .map_err(|e| Error::Key(e.to_string()))
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
            .0
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
        self.0
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
    fn rejects_keys_of_the_wrong_size() {
        assert!(SealingKey::from_base64("c2hvcnQ=").is_err());
        assert!(SealingKey::from_base64("not base64!").is_err());
    }
}
