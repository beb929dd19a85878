-- A person's or a team's records of one type, most recently changed first ("my work", the
-- record list's owner filter): the owner's index now ends with the order, so the list reads
-- only that owner's rows, in order, and stops at its page. Before, the planner walked the whole
-- type newest first to avoid a sort (every case, for an agent who owns none of them).
-- Replaces the indexes on (owner, type), whose prefixes these keep.
CREATE INDEX records_owner_user_updated ON records (owner_user_id, type, updated_at);
CREATE INDEX records_owner_team_updated ON records (owner_team_id, type, updated_at);
DROP INDEX records_owner_user;
DROP INDEX records_owner_team;
