-- A refused change a person escalated to a supervisor from the "needs attention" inbox, until a supervisor settles
-- it (SYNC.md: escalate to a supervisor; nothing refused is dropped silently, on either side).
CREATE TABLE escalations (
    op_id         TEXT PRIMARY KEY REFERENCES refused_ops (op_id),
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    escalated_by  TEXT NOT NULL,
    escalated_at  BIGINT NOT NULL,
    note          TEXT,
    settled_by    TEXT,
    settled_at    BIGINT,
    settle_note   TEXT
);
CREATE INDEX escalations_open ON escalations (tenant_id, settled_at, escalated_at);
