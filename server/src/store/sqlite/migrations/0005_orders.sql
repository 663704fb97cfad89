-- Packaging and printing orders, the serials each holds (and which device reserved a block of them), and
-- the pool's operations as history.

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    -- 'packaging' (worked on a line) or 'printing' (labels exported as CSV).
    kind        TEXT NOT NULL,
    product_id  TEXT NOT NULL REFERENCES products (id),
    lot         TEXT NOT NULL,
    -- YYYY-MM-DD.
    expiry      TEXT NOT NULL,
    line        TEXT,
    quantity    BIGINT NOT NULL,
    reference   TEXT,
    -- 'released' or 'closed'.
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    closed_at   BIGINT
);
-- Ids are UUID v7: ordering by id is ordering by creation time, so "newest first" pages by id.
CREATE INDEX orders_tenant ON orders (tenant_id, id);

-- One row per pool operation (a bulk one too): the serials it touched point at it.
CREATE TABLE pool_actions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    -- generated, imported, assigned, reserved, returned, released.
    action      TEXT NOT NULL,
    at          BIGINT NOT NULL,
    -- Who did it (user:ada, key:line-1); NULL when not known.
    actor       TEXT,
    -- In words: which order, device or partner.
    detail      TEXT NOT NULL
);

ALTER TABLE pool_serials ADD COLUMN order_id TEXT REFERENCES orders (id);
-- The device a block of the order's serials is reserved to.
ALTER TABLE pool_serials ADD COLUMN device_id TEXT;
-- The last action of each kind that touched the serial (its history without a row per serial).
ALTER TABLE pool_serials ADD COLUMN added_action TEXT;
ALTER TABLE pool_serials ADD COLUMN assigned_action TEXT;
ALTER TABLE pool_serials ADD COLUMN reserved_action TEXT;
ALTER TABLE pool_serials ADD COLUMN released_action TEXT;
CREATE INDEX pool_serials_order ON pool_serials (order_id, serial);
-- Picking the next available serials in serial order without sorting the whole pool.
CREATE INDEX pool_serials_next ON pool_serials (tenant_id, product_id, status, serial);
