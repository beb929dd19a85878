-- Issue 19, records and people from elsewhere. A host system (a helpdesk) keeps its records and
-- people in step with Tether through the API, authenticated by an API key: the keys (only the
-- SHA-256 of each is kept, as for sessions), the host's ids on records and users, the link back
-- to a record's page in the host, and which key made an audited change. Keep
-- sqlite/0016_integration.sql in step.

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    -- JSON array of scope names: records:write, users:write, webhooks.
    scopes       TEXT NOT NULL,
    created_by   TEXT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    revoked_by   TEXT REFERENCES users (id)
);

-- Set together or not at all; one record per (type, source, external id).
ALTER TABLE records ADD COLUMN source TEXT;
ALTER TABLE records ADD COLUMN external_id TEXT;
ALTER TABLE records ADD COLUMN url TEXT;
CREATE UNIQUE INDEX records_external ON records (type, source, external_id) WHERE external_id IS NOT NULL;

-- One person per (source, external id).
ALTER TABLE users ADD COLUMN source TEXT;
ALTER TABLE users ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX users_external ON users (source, external_id) WHERE external_id IS NOT NULL;

-- A change made with an API key names the key (the actor is then empty).
ALTER TABLE audit_log ADD COLUMN api_key_id TEXT REFERENCES api_keys (id);
