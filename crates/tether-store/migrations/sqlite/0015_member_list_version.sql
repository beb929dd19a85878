-- A version of each chat's member list, so that a server may keep the list in memory and still
-- know, from the row a send writes anyway, whether it is current (R2 across nodes: a list kept
-- by one node is checked against the database, not only against the event bus). Every change
-- that alters what the send path reads of the members — a member added or removed, a member's
-- joined or visible-from time, a member's name or active flag — advances it, by trigger, so no
-- write path can forget to. The PostgreSQL migration of the same number does the same.
ALTER TABLE chats ADD COLUMN members_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER chat_members_added AFTER INSERT ON chat_members
BEGIN
    UPDATE chats SET members_version = members_version + 1 WHERE id = NEW.chat_id;
END;

CREATE TRIGGER chat_members_removed AFTER DELETE ON chat_members
BEGIN
    UPDATE chats SET members_version = members_version + 1 WHERE id = OLD.chat_id;
END;

CREATE TRIGGER chat_members_changed AFTER UPDATE OF chat_id, user_id, joined_at, visible_from ON chat_members
WHEN OLD.chat_id IS NOT NEW.chat_id OR OLD.user_id IS NOT NEW.user_id
  OR OLD.joined_at IS NOT NEW.joined_at OR OLD.visible_from IS NOT NEW.visible_from
BEGIN
    UPDATE chats SET members_version = members_version + 1 WHERE id IN (OLD.chat_id, NEW.chat_id);
END;

CREATE TRIGGER users_member_facts_changed AFTER UPDATE OF name, active ON users
WHEN OLD.name IS NOT NEW.name OR OLD.active IS NOT NEW.active
BEGIN
    UPDATE chats SET members_version = members_version + 1
    WHERE id IN (SELECT chat_id FROM chat_members WHERE user_id = NEW.id);
END;
