-- The full-text index of messages (search, R24). Terms are stemmed in Rust (English and Swedish
-- Snowball stems) so both backends index and match the same plain terms; the SQLite migration of
-- the same number builds the equivalent FTS5 index.

CREATE TABLE message_text (
    message_id TEXT PRIMARY KEY REFERENCES messages (id),
    chat_id    TEXT NOT NULL REFERENCES chats (id),
    tsv        TSVECTOR NOT NULL
);
CREATE INDEX message_text_tsv ON message_text USING GIN (tsv);
