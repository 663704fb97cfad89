-- Retention, archive, purge and legal hold (docs/RETENTION.md), and the durable outbox of background work.

-- The organisation's default retention policy (JSON, shared `RetentionPolicy`); NULL: the built-in default.
ALTER TABLE tenants ADD COLUMN retention_policy TEXT;
-- The sync protocol's retention floor: every event after it is in the hot log; a device whose cursor is below
-- it starts again from a snapshot. Raised by archive and purge, never lowered.
ALTER TABLE tenants ADD COLUMN retention_floor BIGINT NOT NULL DEFAULT 0;

-- Where a unit's history is: 'hot' (its events in `events`), 'archived' (in the archive segment
-- `segment_id`), 'purged' (gone; the row stays so the serial is never issued again). `moved_at`: when it left.
ALTER TABLE units ADD COLUMN place TEXT NOT NULL DEFAULT 'hot';
ALTER TABLE units ADD COLUMN segment_id TEXT;
ALTER TABLE units ADD COLUMN moved_at BIGINT;

-- An entry whose fields moved into an archive segment: its hashes stay here, its fields are in the segment.
ALTER TABLE audit_entries ADD COLUMN archived_in TEXT;
CREATE INDEX audit_entries_archived ON audit_entries (tenant_id, archived_in, seq);

-- Per-tenant archive segments: the events and audit fields of the units archived together, as gzipped JSON
-- (server/src/domain/segment.rs). A purge rewrites a segment without the purged units, or deletes it.
CREATE TABLE archive_segments (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    created_at  BIGINT NOT NULL,
    units       BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    entries     BIGINT NOT NULL,
    body_sha256 TEXT NOT NULL,
    body        BLOB NOT NULL
);
CREATE INDEX archive_segments_by_tenant ON archive_segments (tenant_id, created_at);

-- Legal holds: while one stands on a product, a lot or a unit, its histories are neither archived nor purged.
CREATE TABLE legal_holds (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    scope       TEXT NOT NULL,
    product_id  TEXT NOT NULL REFERENCES products (id),
    lot         TEXT,
    unit_id     TEXT,
    serial      TEXT,
    reason      TEXT NOT NULL,
    placed_by   TEXT NOT NULL,
    placed_at   BIGINT NOT NULL,
    lifted_by   TEXT,
    lifted_at   BIGINT,
    lift_reason TEXT
);
CREATE INDEX legal_holds_by_tenant ON legal_holds (tenant_id, lifted_at, placed_at);

-- The durable outbox of background work (docs/JOBS.md): a job is claimed by one server with a lease, so
-- several servers on one database run it once; an expired lease is claimed again. `dedupe_key` makes
-- enqueueing idempotent (a second "retention for tenant T on day D" is a no-op).
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    tenant_id   TEXT REFERENCES tenants (id),
    dedupe_key  TEXT NOT NULL UNIQUE,
    payload     TEXT NOT NULL,
    state       TEXT NOT NULL,
    queued_by   TEXT NOT NULL,
    queued_at   BIGINT NOT NULL,
    due_at      BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    claimed_by  TEXT,
    lease_until BIGINT,
    started_at  BIGINT,
    finished_at BIGINT,
    result      TEXT,
    error       TEXT
);
CREATE INDEX jobs_due ON jobs (state, due_at);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, kind, queued_at);
