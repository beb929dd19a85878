-- Suggested contacts by similarity (R12), kept per record instead of computed per request.
--
-- `record_similar` holds a record's most similar resolved records of its type, as ranked when
-- the row was written: `ranking` is a JSON array of [record id, score]. A change to the record's
-- search text deletes its row (the server computes a new one in the background).
-- `similar_generations` counts, per record type, the changes to the set of resolved records
-- and their text; a row written under an older generation is still served, and refreshed.
CREATE TABLE record_similar (
    record_id   TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    generation  BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    ranking     TEXT NOT NULL
);

CREATE TABLE similar_generations (
    type       TEXT PRIMARY KEY,
    generation BIGINT NOT NULL
);
