-- The full-text index of messages (search, R24). Terms are stemmed in Rust (English and Swedish
-- Snowball stems) so both backends index and match the same plain terms; the PostgreSQL
-- migration of the same number builds the equivalent tsvector index.

CREATE VIRTUAL TABLE message_text USING fts5 (message_id UNINDEXED, chat_id UNINDEXED, terms, tokenize = 'unicode61');
