//! How an audit entry is hashed (docs/AUDIT.md, "The chain"): the fields are encoded canonically (each one
//! tagged present or absent, its length before its bytes, so no two different entries encode alike) and hashed
//! into the `payload_hash`; the `hash` links that to the tenant, the seq and the hash of the entry before.
//! A purge may clear the fields but keeps `payload_hash`, so the links still verify.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its `payload_hash` covers, in their canonical order.
#[derive(Debug, Clone, Copy)]
pub struct Payload<'a> {
    pub at: i64,
    pub client_time: Option<i64>,
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub actor_tenant: Option<&'a str>,
    pub device_id: Option<&'a str>,
    pub object_kind: Option<&'a str>,
    pub object_id: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub reason: Option<&'a str>,
}

fn field(hasher: &mut Sha256, value: Option<&[u8]>) {
    match value {
        None => hasher.update([0u8]),
        Some(bytes) => {
            hasher.update([1u8]);
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
    }
}

/// The SHA-256 (hex) of the canonical encoding of an entry's fields.
pub fn payload_hash(payload: &Payload<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"serialtrack-audit-payload-v1");
    field(&mut hasher, Some(&payload.at.to_be_bytes()));
    field(&mut hasher, payload.client_time.map(i64::to_be_bytes).as_ref().map(|bytes| &bytes[..]));
    for text in [
        payload.action,
        payload.actor,
        payload.actor_tenant,
        payload.device_id,
        payload.object_kind,
        payload.object_id,
        payload.old_value,
        payload.new_value,
        payload.reason,
    ] {
        field(&mut hasher, text.map(str::as_bytes));
    }
    hex(&hasher.finalize())
}

/// The hash (hex) of entry `seq` of the tenant's chain: over the tenant, the seq, the previous entry's hash and
/// this entry's `payload_hash`.
pub fn link_hash(tenant_id: &str, seq: i64, prev_hash: &str, payload_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"serialtrack-audit-link-v1");
    field(&mut hasher, Some(tenant_id.as_bytes()));
    field(&mut hasher, Some(&seq.to_be_bytes()));
    field(&mut hasher, Some(prev_hash.as_bytes()));
    field(&mut hasher, Some(payload_hash.as_bytes()));
    hex(&hasher.finalize())
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[(byte >> 4) as usize] as char);
        text.push(DIGITS[(byte & 15) as usize] as char);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload<'a>(old: Option<&'a str>, new: Option<&'a str>) -> Payload<'a> {
        Payload {
            at: 1,
            client_time: None,
            action: Some("product.changed"),
            actor: Some("user:ada"),
            actor_tenant: None,
            device_id: None,
            object_kind: Some("product"),
            object_id: Some("p1"),
            old_value: old,
            new_value: new,
            reason: None,
        }
    }

    #[test]
    fn fields_never_run_into_each_other() {
        // The same bytes split differently between two fields, or absent rather than empty, hash apart.
        assert_ne!(payload_hash(&payload(Some("ab"), Some("c"))), payload_hash(&payload(Some("a"), Some("bc"))));
        assert_ne!(payload_hash(&payload(None, Some(""))), payload_hash(&payload(Some(""), None)));
    }

    #[test]
    fn the_link_covers_tenant_seq_and_the_entry_before() {
        let base = link_hash("t", 2, GENESIS, "p");
        assert_eq!(base.len(), 64);
        assert_ne!(base, link_hash("u", 2, GENESIS, "p"));
        assert_ne!(base, link_hash("t", 3, GENESIS, "p"));
        assert_ne!(base, link_hash("t", 2, "x", "p"));
    }
}
