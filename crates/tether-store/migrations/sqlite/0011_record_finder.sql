-- The record finder (GET /records?q=, issue 16): indexes that let it stop at its page however
-- many records match. The PostgreSQL migration of the same number builds the same two.
--
-- Every record newest first, and the folded names in code point order (names that begin with
-- the text), each with the columns the finder's match and read scope test, so that neither
-- needs to read a record's row.
CREATE INDEX records_finder_recent ON records (updated_at, id, type, owner_user_id, owner_team_id, number, name_folded);
CREATE INDEX records_name_folded ON records (name_folded, updated_at, id, type, owner_user_id, owner_team_id, number);
