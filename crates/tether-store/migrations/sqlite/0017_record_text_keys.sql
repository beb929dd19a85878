-- Each record's full-text entry (`record_text`, FTS5) gets the record's stable integer key
-- (`record_text_trigram_ids.key`, migration 0014) as its rowid. Before, the entry had a rowid of
-- its own and was found by `record_id`, an UNINDEXED column: every change of a record's text
-- deleted its old entry with a scan of the whole table (about 100 ms at 100,000 records, on the
-- one writer connection, so every other write waited), and the finder read the `record_id` of
-- every match of a common word (35,000 for "customs*": 110 ms) where the matches' rowids alone
-- cost 5 ms. With the key as rowid both are lookups by rowid (issue 18).
--
-- The PostgreSQL migration of the same number changes nothing: there `record_text` is keyed by
-- `record_id` already.
CREATE TABLE record_text_rekeyed AS
    SELECT k.key AS key, t.record_id AS record_id, t.type AS type, t.body AS body
    FROM record_text t JOIN record_text_trigram_ids k ON k.record_id = t.record_id;
DROP TABLE record_text;
CREATE VIRTUAL TABLE record_text USING fts5 (record_id UNINDEXED, type UNINDEXED, body, tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO record_text (rowid, record_id, type, body) SELECT key, record_id, type, body FROM record_text_rekeyed;
DROP TABLE record_text_rekeyed;
