-- The record finder's substring index (GET /records?q=, issue 18): every record's folded name
-- and lower-cased number cut into trigrams, so a text of three characters or more finds the
-- records that contain it without testing every record (a text that matches few records
-- walked the whole of `records_finder_recent` before). The PostgreSQL migration of the same
-- number builds `pg_trgm` indexes on the same two expressions instead; this pair of tables is
-- SQLite's alone (named `record_text_*`, as the other backend-specific full-text tables are).
--
-- The trigram table is contentless: it answers "which keys contain this text", and
-- `record_text_trigram_ids` turns a key into a record id. The keys are an INTEGER PRIMARY KEY
-- of their own, not the rowid of `records` (which has a TEXT key): `VACUUM` (and so a backup
-- by `VACUUM INTO`) may renumber implicit rowids, never an INTEGER PRIMARY KEY.
-- `case_sensitive 1`: both columns and every text looked for are folded already, so a match is
-- exactly "contains".
CREATE TABLE record_text_trigram_ids (
    key       INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE record_text_trigram USING fts5 (
    name, number,
    content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1'
);

-- Kept in step by the database itself, whichever statement writes a record (the store's
-- writes, the bulk loader, an operator's SQL). `lower()` folds ASCII only, as the finder's
-- `LOWER(r.number) LIKE …` does.
CREATE TRIGGER record_text_trigram_insert AFTER INSERT ON records
BEGIN
    INSERT INTO record_text_trigram_ids (record_id) VALUES (new.id);
    INSERT INTO record_text_trigram (rowid, name, number)
        VALUES ((SELECT key FROM record_text_trigram_ids WHERE record_id = new.id), new.name_folded, lower(new.number));
END;

-- Every update of a record sets its name, so only a real change of name or number rewrites.
CREATE TRIGGER record_text_trigram_update AFTER UPDATE OF name_folded, number ON records
WHEN old.name_folded IS NOT new.name_folded OR old.number IS NOT new.number
BEGIN
    DELETE FROM record_text_trigram WHERE rowid = (SELECT key FROM record_text_trigram_ids WHERE record_id = new.id);
    INSERT INTO record_text_trigram (rowid, name, number)
        VALUES ((SELECT key FROM record_text_trigram_ids WHERE record_id = new.id), new.name_folded, lower(new.number));
END;

CREATE TRIGGER record_text_trigram_delete AFTER DELETE ON records
BEGIN
    DELETE FROM record_text_trigram WHERE rowid = (SELECT key FROM record_text_trigram_ids WHERE record_id = old.id);
    DELETE FROM record_text_trigram_ids WHERE record_id = old.id;
END;

-- The records there are now, then one merged index (the fill leaves it in many segments).
INSERT INTO record_text_trigram_ids (record_id) SELECT id FROM records;
INSERT INTO record_text_trigram (rowid, name, number)
    SELECT k.key, r.name_folded, lower(r.number) FROM record_text_trigram_ids k JOIN records r ON r.id = k.record_id;
INSERT INTO record_text_trigram (record_text_trigram) VALUES ('optimize');
