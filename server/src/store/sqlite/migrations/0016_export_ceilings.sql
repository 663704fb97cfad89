-- Data protection (docs/DATA_PROTECTION.md): serials are what counterfeiters want, so every export of them
-- counts against a daily ceiling of its caller, and an order's labels may be downloaded a set number of times.

-- How many serials each caller exported on a UTC day. `subject` is `key:<api key id>` or `user:<user id>`;
-- `day` counts days since 1970-01-01 (UTC). An export adds to its row with a guarded increment in the same
-- transaction as its audit entry, so servers sharing the database enforce one ceiling.
CREATE TABLE export_tallies (
    tenant_id TEXT NOT NULL,
    subject   TEXT NOT NULL,
    day       BIGINT NOT NULL,
    serials   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, subject, day)
);

-- What a tenant set: a missing row or a NULL is the default (store/exports.rs). Every change takes this row's
-- lock first, so two admins changing the settings at once are recorded one after the other.
CREATE TABLE export_settings (
    tenant_id                       TEXT PRIMARY KEY REFERENCES tenants (id),
    label_downloads_per_order       BIGINT,
    alert_exported_serials_per_hour BIGINT,
    alert_failed_sign_ins_per_hour  BIGINT
);

-- The serials a role may export per UTC day, where the tenant set it.
CREATE TABLE export_ceilings (
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    role            TEXT NOT NULL,
    serials_per_day BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, role)
);

-- A key's own ceiling; NULL: its role's.
ALTER TABLE api_keys ADD COLUMN max_exported_serials_per_day BIGINT;

-- How many times the order's labels CSV was downloaded.
ALTER TABLE orders ADD COLUMN label_downloads BIGINT NOT NULL DEFAULT 0;

-- The alerts read the last hour of a few kinds of entries (exports, failed sign-ins) per tenant.
CREATE INDEX audit_entries_by_kind ON audit_entries (tenant_id, action, at);
