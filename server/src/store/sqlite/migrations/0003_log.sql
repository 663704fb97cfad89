-- The event log (the source of truth), the unit projection rebuilt from it, and the outcome of every command.

CREATE TABLE events (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    -- Gap-free per tenant: allocated from tenants.last_seq in the appending transaction.
    seq          BIGINT NOT NULL,
    -- The command's idempotency key, which becomes the event id: appending it twice is a no-op.
    -- A command that yields several events numbers them with op_index.
    op_id        TEXT NOT NULL,
    op_index     BIGINT NOT NULL,
    unit_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    -- JSON: the versioned event envelope from the shared crate.
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    device_id    TEXT,
    device_seq   BIGINT,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    UNIQUE (op_id, op_index)
);
CREATE INDEX events_unit ON events (tenant_id, unit_id, seq);

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    serial      TEXT NOT NULL,
    lot         TEXT,
    status      TEXT NOT NULL,
    -- JSON: the unit state folded from its events.
    state       TEXT NOT NULL,
    -- How many events the unit has, and the seq of the last one.
    version     BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, product_id, serial)
);
CREATE INDEX units_status ON units (tenant_id, product_id, status);

CREATE TABLE op_results (
    op_id           TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    device_id       TEXT,
    device_seq      BIGINT,
    -- 'accepted' (seq is set) or 'refused' (reason_code and unit_state are set).
    outcome         TEXT NOT NULL,
    seq             BIGINT,
    reason_code     TEXT,
    reason_message  TEXT,
    unit_state      TEXT,
    recorded_at     BIGINT NOT NULL
);
CREATE INDEX op_results_device ON op_results (tenant_id, device_id, device_seq);

-- Nothing is lost server-side: the whole command of every refused op is kept for the "needs attention" inbox.
CREATE TABLE refused_ops (
    op_id        TEXT PRIMARY KEY REFERENCES op_results (op_id),
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    payload      TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX refused_ops_tenant ON refused_ops (tenant_id, recorded_at);
