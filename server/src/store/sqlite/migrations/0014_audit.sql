-- The audit trail (docs/AUDIT.md): every write is an entry of its tenant's hash chain, written in the same
-- transaction as the change. `payload_hash` is a SHA-256 over the canonical encoding of the fields from `at` to
-- `reason`; `hash` links it to the entry before (`prev_hash`), so a later purge may clear the fields (and set
-- `purged_at`) and the chain still verifies across the gap. Entries are never updated otherwise.
CREATE TABLE audit_entries (
    tenant_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    client_time BIGINT,
    action TEXT,
    actor TEXT,
    actor_tenant TEXT,
    device_id TEXT,
    object_kind TEXT,
    object_id TEXT,
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    payload_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    purged_at BIGINT,
    PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX audit_entries_by_actor ON audit_entries (tenant_id, actor, seq);
CREATE INDEX audit_entries_by_object ON audit_entries (tenant_id, object_kind, object_id, seq);

-- Each chain's head: its last seq and hash, locked as the last step before a write commits.
CREATE TABLE audit_heads (
    tenant_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- Ed25519 signatures over (tenant, seq, hash, at) by a key kept outside the database; one per head at most.
CREATE TABLE audit_checkpoints (
    tenant_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
