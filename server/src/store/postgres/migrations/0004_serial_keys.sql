-- Randomised serials are a keyed permutation of a counter: the key must be secret, or anyone who knows a
-- product's id could predict its serials. One random secret per tenant, made on first use.
ALTER TABLE tenants ADD COLUMN serial_secret TEXT NOT NULL DEFAULT '';

-- Patterned serials (CM500-{YYYY}-{NNNN}) restart at 1 each year: the year the counter belongs to.
ALTER TABLE products ADD COLUMN counter_year BIGINT NOT NULL DEFAULT 0;
