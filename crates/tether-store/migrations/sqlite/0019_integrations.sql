-- Issue 19, signed launch and the embedded panel. An integration is a host system (a helpdesk)
-- that signs launch tokens: its key (an HS256 secret or an RS256/EdDSA public key, the
-- algorithm fixed here and never taken from a token), the audience its tokens name, the origins
-- that may frame the embedded panel, and whether unknown agents are created. Each token's jti
-- is kept until the token expires, so it is accepted once, by one node (the primary key).
-- An embed session names its integration (its frame-ancestors) and ends with it. Keep
-- postgres/0019_integrations.sql in step.

CREATE TABLE integrations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    source          TEXT NOT NULL,
    -- JSON array of origins (scheme://host[:port]).
    allowed_origins TEXT NOT NULL,
    -- HS256, RS256 or EdDSA.
    algorithm       TEXT NOT NULL,
    -- The shared secret (HS256) or the public key's PEM.
    key_material    TEXT NOT NULL,
    audience        TEXT NOT NULL,
    provision_users BOOLEAN NOT NULL,
    default_role    TEXT,
    created_by      TEXT REFERENCES users (id),
    created_at      BIGINT NOT NULL
);

CREATE TABLE launch_jtis (
    integration_id TEXT NOT NULL,
    jti            TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    PRIMARY KEY (integration_id, jti)
);
CREATE INDEX launch_jtis_expires ON launch_jtis (expires_at);

ALTER TABLE sessions ADD COLUMN integration_id TEXT REFERENCES integrations (id) ON DELETE CASCADE;
