-- The pool's indexes, lighter for requests of hundreds of thousands of serials: every index a row is in costs
-- a B-tree write per serial generated, assigned or released.
-- (tenant, product, status) is a prefix of pool_serials_next, which serves the same lookups.
DROP INDEX pool_serials_status;
-- Most serials are never given to a partner nor held by an order: only those that are need an index entry.
DROP INDEX pool_serials_partner;
CREATE INDEX pool_serials_partner ON pool_serials (assigned_tenant_id) WHERE assigned_tenant_id IS NOT NULL;
DROP INDEX pool_serials_order;
CREATE INDEX pool_serials_order ON pool_serials (order_id, serial) WHERE order_id IS NOT NULL;
