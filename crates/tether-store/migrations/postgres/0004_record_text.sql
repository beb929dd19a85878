-- The full-text index of records (similarity-based suggestions, R12): a tsvector per record with
-- a GIN index. The SQLite migration of the same number builds the equivalent FTS5 index; this is
-- the one table whose shape differs between the backends.

CREATE TABLE record_text (
    record_id TEXT PRIMARY KEY REFERENCES records (id),
    type      TEXT NOT NULL,
    tsv       TSVECTOR NOT NULL
);
CREATE INDEX record_text_tsv ON record_text USING GIN (tsv);
CREATE INDEX record_text_type ON record_text (type);

INSERT INTO record_text (record_id, type, tsv) SELECT id, type, to_tsvector('english', name || ' ' || fields) FROM records;
