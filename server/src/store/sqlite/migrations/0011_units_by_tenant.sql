-- A snapshot page reads a tenant's units in id order from where the last page ended. Without this index the
-- database read every unit of the tenant and sorted them for each page (60 ms a page at 100,000 units, and
-- growing with the tenant); with it, a page is a range read of its own rows.
CREATE INDEX units_by_tenant ON units (tenant_id, id);
