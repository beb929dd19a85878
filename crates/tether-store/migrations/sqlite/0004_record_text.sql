-- The full-text index of records (similarity-based suggestions, R12): SQLite FTS5 with BM25.
-- The PostgreSQL migration of the same number builds the equivalent tsvector index; this is the
-- one table whose shape differs between the backends.

CREATE VIRTUAL TABLE record_text USING fts5 (record_id UNINDEXED, type UNINDEXED, body, tokenize = 'porter unicode61 remove_diacritics 2');

INSERT INTO record_text (record_id, type, body) SELECT id, type, name || ' ' || fields FROM records;
