-- What an admin's Users screen and partner invitations need: users that can be disabled, sessions that can be
-- listed and ended one by one without showing their token, when each credential was last used, and
-- invitations a brand owner sends to a contract manufacturer's organisation.

-- When an admin disabled the user (NULL: enabled). A disabled user cannot sign in, approve or use a session.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
-- The last time the user signed in (set with each new session); from the sessions still stored before this.
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;
UPDATE users SET last_sign_in_at = (SELECT MAX(created_at) FROM sessions WHERE sessions.user_id = users.id);

-- A session's public id: what the Users screen shows and revokes by. Never the token nor its hash, so an
-- admin's screen holds nothing that signs anyone in. Sessions made before get a random one.
ALTER TABLE sessions ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE sessions SET id = md5(random()::text || clock_timestamp()::text || user_id);
CREATE UNIQUE INDEX sessions_by_id ON sessions (id);
-- A user's sessions are listed and ended together (disabling, a new password).
CREATE INDEX sessions_by_user ON sessions (user_id);
-- Where the session was opened from, as the browser and the network said (for people to recognise it).
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_address TEXT;
-- When the session last authenticated a request, written at most once a minute.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;

-- When the key last authenticated a request, written at most once a minute.
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;

CREATE TABLE partner_invitations (
    id                 TEXT PRIMARY KEY,
    -- The brand owner that invites, and the contract manufacturer invited.
    owner_tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    partner_tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    -- 'pending', then 'accepted' (the partnership exists), 'withdrawn' (by the owner) or 'declined'.
    status             TEXT NOT NULL,
    -- Who sent it (`user:ada`), and who ended its pending state, and when.
    invited_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    settled_by         TEXT,
    settled_at         BIGINT
);
-- One pending invitation per pair: a second one is refused while the first waits.
CREATE UNIQUE INDEX partner_invitations_pending ON partner_invitations (owner_tenant_id, partner_tenant_id)
    WHERE status = 'pending';
CREATE INDEX partner_invitations_sent ON partner_invitations (owner_tenant_id);
CREATE INDEX partner_invitations_received ON partner_invitations (partner_tenant_id);
