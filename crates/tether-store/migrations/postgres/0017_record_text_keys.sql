-- Nothing to change on PostgreSQL: the SQLite migration of the same number gives SQLite's
-- full-text entries the record's integer key as rowid; here `record_text` is keyed by
-- `record_id` already. (The two folders keep the same version numbers.)
SELECT 1;
