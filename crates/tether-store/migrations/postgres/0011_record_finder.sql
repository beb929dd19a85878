-- The record finder (GET /records?q=, issue 16): indexes that let it stop at its page however
-- many records match. The SQLite migration of the same number builds the same two.
--
-- Every record newest first, with the columns the finder's match and read scope test, so that
-- walking it needs no record row (an index-only scan); and the folded names in code point
-- order ("C", whatever the database's collation), for names that begin with the text.
CREATE INDEX records_finder_recent ON records (updated_at, id) INCLUDE (type, owner_user_id, owner_team_id, number, name_folded);
CREATE INDEX records_name_folded ON records (name_folded COLLATE "C");
