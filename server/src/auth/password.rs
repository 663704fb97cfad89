//! Password hashes: argon2id in the PHC string format, so each hash carries its own parameters.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// How expensive new hashes are. Verification always uses the parameters stored in the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// The argon2 crate's defaults (19 MiB, 2 passes), per OWASP's advice.
    Standard,
    /// The smallest parameters argon2 allows: for tests and benchmarks only, never for real accounts.
    Minimal,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(String);

impl PasswordCost {
    fn hasher(self) -> Argon2<'static> {
        let params = match self {
            PasswordCost::Standard => Params::default(),
            PasswordCost::Minimal => {
                Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap_or_else(|_| Params::default())
            }
        };
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    pub fn hash(self, password: &str) -> Result<String, PasswordError> {
        let mut salt = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|error| PasswordError(error.to_string()))?;
        let hash = self.hasher().hash_password(password.as_bytes(), &salt);
        Ok(hash.map_err(|error| PasswordError(error.to_string()))?.to_string())
    }
}

/// A hash of a password nobody types, made once per cost: checked in place of a user's hash when the username
/// is unknown, so that "wrong username or password" costs the same work, and takes the same time, whether the
/// username exists or not (usernames cannot be told apart by timing).
pub fn decoy_hash(cost: PasswordCost) -> &'static str {
    static STANDARD: OnceLock<String> = OnceLock::new();
    static MINIMAL: OnceLock<String> = OnceLock::new();
    let cell = match cost {
        PasswordCost::Standard => &STANDARD,
        PasswordCost::Minimal => &MINIMAL,
    };
    cell.get_or_init(|| cost.hash("decoy: no account has this password").unwrap_or_default())
}

/// The fewest characters a new password may have: long enough that guessing it under the sign-in limits is
/// hopeless, short enough for a passphrase people type on a line tablet.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most: far beyond any passphrase, and it bounds what each sign-in hashes.
pub const MAX_PASSWORD_CHARS: usize = 200;

/// What is wrong with a password an admin chose for `username`, in words, or `None` when it may be used.
/// (The first admin's password, from the environment or generated, is the operator's and is not checked.)
pub fn password_problem(password: &str, username: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!("the password has {chars} characters: give it at least {MIN_PASSWORD_CHARS}"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some(format!("the password has {chars} characters: give it at most {MAX_PASSWORD_CHARS}"));
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Some("the password is the username: choose another".into());
    }
    None
}

/// True when `password` matches the stored hash; a malformed hash matches nothing.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_hash_and_nothing_else() {
        let hash = PasswordCost::Minimal.hash("correct horse").unwrap();
        assert!(verify("correct horse", &hash));
        assert!(!verify("correct horse!", &hash));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn a_new_password_needs_twelve_characters_and_is_not_the_username() {
        assert!(password_problem("eleven char", "ada").unwrap().contains("at least 12"));
        assert_eq!(password_problem("twelve chars", "ada"), None);
        assert!(password_problem("Ada-Lovelace", "ada-lovelace").unwrap().contains("username"));
        assert!(password_problem(&"x".repeat(201), "ada").unwrap().contains("at most 200"));
        assert_eq!(
            password_problem("日本語のパスワードです", "ada").unwrap(),
            "the password has 11 characters: give it at least 12"
        );
    }

    #[test]
    fn the_decoy_costs_what_a_real_hash_of_the_same_cost_costs() {
        for cost in [PasswordCost::Standard, PasswordCost::Minimal] {
            let real = cost.hash("a real password").unwrap();
            let (real, decoy) = (PasswordHash::new(&real).unwrap(), PasswordHash::new(decoy_hash(cost)).unwrap());
            assert_eq!(real.algorithm, decoy.algorithm);
            assert_eq!(real.params, decoy.params, "{cost:?}");
            assert!(!verify("a real password", decoy_hash(cost)));
        }
    }
}
