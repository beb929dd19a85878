-- The record finder's substring index (GET /records?q=, issue 18): trigram indexes on every
-- record's folded name and lower-cased number, so a text of three characters or more finds the
-- records that contain it (`LIKE '%text%'`) without testing every record (a text that matches
-- few records walked the whole of `records_finder_recent` before). The SQLite migration of the
-- same number builds an FTS5 trigram table over the same two.
--
-- pg_trgm ships with PostgreSQL and is a trusted extension (13+): a role that may create in
-- the database may install it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- `fastupdate = off`: records change far less often than the finder reads, and a pending list
-- (which only VACUUM or a full list folds into the index) would be read by every search.
CREATE INDEX records_name_trigrams ON records USING GIN (name_folded gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX records_number_trigrams ON records USING GIN (LOWER(number) gin_trgm_ops) WITH (fastupdate = off);
