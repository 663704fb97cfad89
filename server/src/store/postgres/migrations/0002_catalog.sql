-- Products, locations, lots and the serial number pool.

CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    code_schema    TEXT NOT NULL,
    code           TEXT NOT NULL,
    -- The GTIN-14 when the code is a GTIN or NTIN: units are looked up by GTIN + serial.
    gtin           TEXT,
    name           TEXT NOT NULL,
    -- Where the serials come from: 'generated', 'imported', 'external' or 'partner'.
    serial_source  TEXT NOT NULL,
    -- JSON: the serial scheme (randomised or patterned) and its settings.
    serial_scheme  TEXT NOT NULL,
    -- JSON: role restrictions, approvals and automatic transitions of the unit workflow.
    workflow       TEXT NOT NULL,
    -- The next counter the pool generator uses, so generated serials never repeat.
    next_counter   BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (tenant_id, code_schema, code)
);
CREATE UNIQUE INDEX products_tenant_gtin ON products (tenant_id, gtin);

CREATE TABLE locations (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    gln         TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE lots (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    lot         TEXT NOT NULL,
    expiry      TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, product_id, lot)
);

CREATE TABLE pool_serials (
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    product_id          TEXT NOT NULL REFERENCES products (id),
    serial              TEXT NOT NULL,
    -- 'available' or 'assigned'.
    status              TEXT NOT NULL,
    -- 'generated', 'imported', 'external' or 'partner'.
    source              TEXT NOT NULL,
    -- The partner tenant (CMO) the serial is assigned to, which then sees it.
    assigned_tenant_id  TEXT REFERENCES tenants (id),
    assigned_to         TEXT,
    -- JSON: extra parameters such as crypto codes, kept with the serial and hidden from the UI.
    extra               TEXT,
    created_at          BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, product_id, serial)
);
CREATE INDEX pool_serials_status ON pool_serials (tenant_id, product_id, status);
CREATE INDEX pool_serials_partner ON pool_serials (assigned_tenant_id);
