-- Chats, members with their history windows, messages, reactions, mentions, attachments and
-- urgent-message reminders. Keep the other backend's 0002_chats.sql in step.

CREATE TABLE chats (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    name             TEXT,
    search_folded    TEXT NOT NULL,
    pair_key         TEXT UNIQUE,
    team_id          TEXT REFERENCES teams (id),
    created_by       TEXT REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    last_seq         BIGINT NOT NULL DEFAULT 0,
    last_message_at  BIGINT,
    last_message_by  TEXT REFERENCES users (id),
    last_activity_at BIGINT NOT NULL
);
CREATE INDEX chats_team ON chats (team_id);

CREATE TABLE chat_members (
    chat_id       TEXT NOT NULL REFERENCES chats (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    joined_at     BIGINT NOT NULL,
    visible_from  BIGINT NOT NULL,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    added_by      TEXT REFERENCES users (id),
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id, chat_id);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    chat_id         TEXT NOT NULL REFERENCES chats (id),
    seq             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    sender_id       TEXT REFERENCES users (id),
    body            TEXT NOT NULL,
    html            TEXT NOT NULL,
    importance      TEXT NOT NULL,
    data            TEXT,
    created_at      BIGINT NOT NULL,
    edited_at       BIGINT,
    deleted_at      BIGINT,
    idempotency_key TEXT
);
CREATE UNIQUE INDEX messages_chat_seq ON messages (chat_id, seq);
CREATE UNIQUE INDEX messages_idempotency ON messages (sender_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE message_mentions (
    message_id TEXT NOT NULL REFERENCES messages (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id);

CREATE TABLE reactions (
    message_id TEXT NOT NULL REFERENCES messages (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    emoji      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    uploader_id  TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    inline       BOOLEAN NOT NULL,
    storage_key  TEXT NOT NULL,
    message_id   TEXT REFERENCES messages (id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE urgent_reminders (
    message_id TEXT PRIMARY KEY REFERENCES messages (id),
    chat_id    TEXT NOT NULL REFERENCES chats (id),
    next_at    BIGINT NOT NULL,
    until_at   BIGINT NOT NULL
);
CREATE INDEX urgent_reminders_next ON urgent_reminders (next_at);
