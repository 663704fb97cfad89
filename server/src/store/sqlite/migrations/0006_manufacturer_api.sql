-- The Manufacturer API: quotas per API key and per partnership, who may read extra per-serial parameters,
-- and the stored first answers of requests sent with an Idempotency-Key.

-- The most serials one request of this key may ask for (generate, import, assign, order).
ALTER TABLE api_keys ADD COLUMN max_serials_per_request BIGINT NOT NULL DEFAULT 100000;
-- 1 when the key may read the pool's extra per-serial parameters (e.g. crypto codes), else 0.
ALTER TABLE api_keys ADD COLUMN reads_extra BIGINT NOT NULL DEFAULT 0;
-- The most serials the brand owner may assign to this partner in one request.
ALTER TABLE partnerships ADD COLUMN max_serials_per_request BIGINT NOT NULL DEFAULT 100000;

CREATE TABLE idempotency_keys (
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    -- The user or API key that sent the request: keys of different callers never collide.
    principal_id     TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_hash     TEXT NOT NULL,
    -- NULL while the first request is still running; then its answer (only answers below 500 are kept).
    status           BIGINT,
    -- JSON: the answer's headers worth replaying (content type, location).
    headers          TEXT,
    body             TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, idempotency_key)
);
-- Keys are kept 24 hours; the sweep of older ones reads this index.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
