-- A version of each chat's member list, so that a server may keep the list in memory and still
-- know, from the row a send writes anyway, whether it is current (R2 across nodes: a list kept
-- by one node is checked against the database, not only against the event bus). Every change
-- that alters what the send path reads of the members — a member added or removed, a member's
-- joined or visible-from time, a member's name or active flag — advances it, by trigger, so no
-- write path can forget to. The SQLite migration of the same number does the same.
ALTER TABLE chats ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION chat_members_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE chats SET members_version = members_version + 1 WHERE id = OLD.chat_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.chat_id IS DISTINCT FROM OLD.chat_id) THEN
        UPDATE chats SET members_version = members_version + 1 WHERE id = NEW.chat_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER chat_members_added AFTER INSERT ON chat_members
    FOR EACH ROW EXECUTE FUNCTION chat_members_version_bump();
CREATE TRIGGER chat_members_removed AFTER DELETE ON chat_members
    FOR EACH ROW EXECUTE FUNCTION chat_members_version_bump();
CREATE TRIGGER chat_members_changed AFTER UPDATE OF chat_id, user_id, joined_at, visible_from ON chat_members
    FOR EACH ROW
    WHEN (OLD.chat_id IS DISTINCT FROM NEW.chat_id OR OLD.user_id IS DISTINCT FROM NEW.user_id
       OR OLD.joined_at IS DISTINCT FROM NEW.joined_at OR OLD.visible_from IS DISTINCT FROM NEW.visible_from)
    EXECUTE FUNCTION chat_members_version_bump();

CREATE FUNCTION users_member_facts_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The chats locked in id order first, as a send batch locks them: no deadlock between the two.
    PERFORM 1 FROM chats WHERE id IN (SELECT chat_id FROM chat_members WHERE user_id = NEW.id)
        ORDER BY id FOR UPDATE;
    UPDATE chats SET members_version = members_version + 1
    WHERE id IN (SELECT chat_id FROM chat_members WHERE user_id = NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_member_facts_changed AFTER UPDATE OF name, active ON users
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION users_member_facts_bump();
