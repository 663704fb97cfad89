-- Failed sign-ins per subject: an account, a client address, a browser that signed in before, an approver, a
-- caller giving approvals. Kept in the database so that every server behind a load balancer counts the same
-- attempts, and so that no flood of requests can make a server forget them (docs/API.md, "Signing in").
CREATE TABLE sign_in_failures (
    subject          TEXT PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failure_at  BIGINT NOT NULL
);
-- Subjects quiet for an hour are forgotten by a range delete on this index.
CREATE INDEX sign_in_failures_by_age ON sign_in_failures (last_failure_at);

-- Browsers that signed in as a user before (SHA-256 of their cookie), one row per user of the browser (a line
-- tablet is shared): the right password from one of them passes the account's throttle, so a stranger's
-- guesses cannot lock the account's owner out.
CREATE TABLE known_devices (
    token_hash    TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    PRIMARY KEY (token_hash, user_id)
);
