//! The audit trail's signing key (docs/AUDIT.md, "The key file"): an Ed25519 key kept in a file outside the
//! database, made with mode 0600 on first use, so whoever can change the database cannot sign a checkpoint.

use crate::store::audit::chain::hex;
use crate::store::AuditCheckpointRecord;
use anyhow::{bail, Context};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::io::Write;
use std::path::Path;

/// The key that signs checkpoints.
#[derive(Debug)]
pub struct AuditKey {
    signing: SigningKey,
}

impl AuditKey {
    /// Reads the key file, or makes a new key there (mode 0600) when there is none.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(text.trim()).with_context(|| format!("reading the audit key {}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(error) => Err(error).with_context(|| format!("reading the audit key {}", path.display())),
        }
    }

    fn create(path: &Path) -> anyhow::Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|error| anyhow::anyhow!("no randomness for a new audit key: {error}"))?;
        if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).with_context(|| format!("creating the audit key {}", path.display()))?;
        writeln!(file, "{}", hex(&seed)).with_context(|| format!("writing the audit key {}", path.display()))?;
        file.sync_all()?;
        Ok(Self { signing: SigningKey::from_bytes(&seed) })
    }

    fn parse(text: &str) -> anyhow::Result<Self> {
        let seed: [u8; 32] = unhex(text)
            .and_then(|bytes| bytes.try_into().ok())
            .context("the file should hold 64 hex digits (an Ed25519 secret key)")?;
        Ok(Self { signing: SigningKey::from_bytes(&seed) })
    }

    /// The public key, hex: what a checkpoint records and what a verifier trusts.
    pub fn public_key(&self) -> String {
        hex(self.signing.verifying_key().as_bytes())
    }

    /// A signed checkpoint of a chain's head at `at` (milliseconds).
    pub fn sign(&self, tenant_id: &str, seq: i64, hash: &str, at: i64) -> AuditCheckpointRecord {
        let signature = self.signing.sign(&message(tenant_id, seq, hash, at));
        AuditCheckpointRecord {
            tenant_id: tenant_id.to_owned(),
            seq,
            hash: hash.to_owned(),
            at,
            public_key: self.public_key(),
            signature: hex(&signature.to_bytes()),
        }
    }
}

/// What a checkpoint's signature covers.
fn message(tenant_id: &str, seq: i64, hash: &str, at: i64) -> Vec<u8> {
    format!("serialtrack-audit-checkpoint-v1\n{tenant_id}\n{seq}\n{hash}\n{at}").into_bytes()
}

/// Whether the checkpoint's signature is good for its own public key.
pub fn signature_valid(checkpoint: &AuditCheckpointRecord) -> bool {
    let key = unhex(&checkpoint.public_key).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
    let signature = unhex(&checkpoint.signature).and_then(|bytes| <[u8; 64]>::try_from(bytes).ok());
    let (Some(key), Some(signature)) = (key, signature) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    let message = message(&checkpoint.tenant_id, checkpoint.seq, &checkpoint.hash, checkpoint.at);
    key.verify(&message, &Signature::from_bytes(&signature)).is_ok()
}

/// A public key given as 64 hex digits, checked.
pub fn parse_public_key(text: &str) -> anyhow::Result<String> {
    let text = text.trim().to_ascii_lowercase();
    match unhex(&text).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()) {
        Some(bytes) if VerifyingKey::from_bytes(&bytes).is_ok() => Ok(text),
        _ => bail!("a public key is 64 hex digits (an Ed25519 public key), e.g. from `serialtrack audit public-key`"),
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|index| u8::from_str_radix(text.get(index..index + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_and_any_change_breaks_it() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("audit.key");
        let key = AuditKey::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(AuditKey::load_or_create(&path).unwrap().public_key(), key.public_key());
        let checkpoint = key.sign("t", 7, "abc", 1);
        assert!(signature_valid(&checkpoint));
        assert!(!signature_valid(&AuditCheckpointRecord { seq: 8, ..checkpoint.clone() }));
        assert!(!signature_valid(&AuditCheckpointRecord { hash: "abd".into(), ..checkpoint }));
        assert!(parse_public_key(&key.public_key()).is_ok());
        assert!(parse_public_key("12").is_err());
    }
}
