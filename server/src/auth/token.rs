//! Secret tokens (session cookies, API keys): random, shown once, stored only as a SHA-256 hash.

use sha2::{Digest, Sha256};

/// API keys start with this, so a leaked key is recognisable in logs and secret scanners.
pub const API_KEY_PREFIX: &str = "st_";

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut buffer);
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 256 random bits for a session cookie.
pub fn new_session_token() -> String {
    random_hex(32)
}

/// A new API key, `st_` and 256 random bits in hex.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_hex(32))
}

/// The hash under which a token is stored. Tokens are random and long, so a fast hash suffices; no salt is
/// needed because no two tokens are alike.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed_to_hex() {
        assert_ne!(new_session_token(), new_session_token());
        assert!(new_api_key().starts_with("st_") && new_api_key().len() == 67);
        assert_eq!(hash_token("abc").len(), 64);
    }
}
