-- Foundation schema: people, access, record types, records, timeline, settings, audit.
-- Times are epoch milliseconds (BIGINT), ids are TEXT, JSON documents are TEXT, so that the
-- same queries run on SQLite and PostgreSQL. Keep postgres/0001_foundation.sql in step.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_name ON users (name_folded);

CREATE TABLE roles (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    privileges TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id),
    role_id TEXT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE team_members (
    team_id  TEXT NOT NULL REFERENCES teams (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE record_types (
    name       TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    settings   TEXT NOT NULL,
    position   BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE records (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL REFERENCES record_types (name),
    number        TEXT,
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    fields        TEXT NOT NULL,
    owner_user_id TEXT REFERENCES users (id),
    owner_team_id TEXT REFERENCES teams (id),
    state         TEXT NOT NULL,
    created_by    TEXT REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    resolved_at   BIGINT,
    resolved_by   TEXT REFERENCES users (id),
    CHECK ((owner_user_id IS NULL) <> (owner_team_id IS NULL))
);
CREATE INDEX records_type_updated ON records (type, updated_at);
CREATE INDEX records_owner_user ON records (owner_user_id, type);
CREATE INDEX records_owner_team ON records (owner_team_id, type);
CREATE UNIQUE INDEX records_number ON records (type, number);

CREATE TABLE record_links (
    record_id TEXT NOT NULL REFERENCES records (id),
    field     TEXT NOT NULL,
    target_id TEXT NOT NULL REFERENCES records (id),
    PRIMARY KEY (record_id, field)
);
CREATE INDEX record_links_target ON record_links (target_id);

CREATE TABLE record_shares (
    record_id  TEXT NOT NULL REFERENCES records (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    access     TEXT NOT NULL,
    granted_by TEXT NOT NULL REFERENCES users (id),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, user_id)
);
CREATE INDEX record_shares_user ON record_shares (user_id);

CREATE TABLE owner_history (
    record_id     TEXT NOT NULL REFERENCES records (id),
    owner_user_id TEXT REFERENCES users (id),
    owner_team_id TEXT REFERENCES teams (id),
    changed_by    TEXT REFERENCES users (id),
    at            BIGINT NOT NULL
);
CREATE INDEX owner_history_record ON owner_history (record_id, at);

CREATE TABLE activities (
    id        TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id),
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT,
    author_id TEXT REFERENCES users (id),
    at        BIGINT NOT NULL
);
CREATE INDEX activities_record_at ON activities (record_id, at);
CREATE INDEX activities_author ON activities (author_id);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT REFERENCES users (id),
    action      TEXT NOT NULL,
    record_type TEXT,
    record_id   TEXT,
    chat_id     TEXT,
    details     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_record ON audit_log (record_id, at);
CREATE INDEX audit_log_chat ON audit_log (chat_id, at);
