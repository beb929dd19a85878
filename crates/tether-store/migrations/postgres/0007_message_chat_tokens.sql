-- SQLite's 0007 adds chat tokens to its FTS5 index; PostgreSQL limits a search to the caller's
-- chats with the planner (message_text.chat_id), so there is nothing to change here. The file
-- keeps the two migration histories in step.
SELECT 1;
