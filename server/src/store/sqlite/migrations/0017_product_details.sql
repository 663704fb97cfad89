-- A product's details as JSON (shared/src/product_details.rs): its attributes, its own retention policy (none:
-- the organisation's default) and the yield range its packaging orders are expected to land in.
ALTER TABLE products ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
