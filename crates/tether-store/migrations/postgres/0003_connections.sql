-- Chats and channels connected to records (many-to-many), and chat entries on timelines.
-- Keep the other backend's 0003_connections.sql in step.

CREATE TABLE chat_connections (
    chat_id      TEXT NOT NULL REFERENCES chats (id),
    record_id    TEXT NOT NULL REFERENCES records (id),
    connected_by TEXT REFERENCES users (id),
    connected_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, record_id)
);
CREATE INDEX chat_connections_record ON chat_connections (record_id, connected_at);

ALTER TABLE activities ADD COLUMN chat_id TEXT REFERENCES chats (id);
ALTER TABLE activities ADD COLUMN data TEXT;
CREATE INDEX activities_chat ON activities (chat_id);
