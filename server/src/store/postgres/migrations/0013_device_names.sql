-- The name a person gave a device on its first sign-in ("Line 1 tablet"): screens name the device by it
-- wherever they would show its id (the inbox, histories, the pool history).
CREATE TABLE device_names (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    device_id TEXT NOT NULL,
    name TEXT NOT NULL,
    named_by TEXT NOT NULL,
    named_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, device_id)
);
