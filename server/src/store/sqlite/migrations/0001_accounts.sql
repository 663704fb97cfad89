-- Tenants, partnerships, people, machines and their credentials.
-- Times are milliseconds since the Unix epoch (UTC) in BIGINT, so both backends store them the same way.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- 'brand_owner' (MAH) or 'contract_manufacturer' (CMO).
    kind        TEXT NOT NULL,
    -- The per-tenant event counter: appends lock this row, so commit order equals seq order (SYNC.md).
    last_seq    BIGINT NOT NULL DEFAULT 0,
    -- Changes when the log is restored or rebuilt, so clients with an old cursor reset.
    log_epoch   TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE partnerships (
    owner_tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    partner_tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (owner_tenant_id, partner_tenant_id)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    -- Globally unique: the tenant comes from the credentials, so a username names exactly one tenant.
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a leaked table does not let anyone sign in.
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    -- The first characters of the key, shown so people can tell keys apart; the key itself is never stored.
    prefix      TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE devices (
    id                         TEXT PRIMARY KEY,
    tenant_id                  TEXT NOT NULL REFERENCES tenants (id),
    name                       TEXT NOT NULL,
    -- The highest device_seq the server has answered; pushes lock this row (SYNC.md, push step 2).
    last_processed_device_seq  BIGINT NOT NULL DEFAULT 0,
    created_at                 BIGINT NOT NULL,
    last_seen_at               BIGINT
);
CREATE INDEX devices_tenant ON devices (tenant_id);
