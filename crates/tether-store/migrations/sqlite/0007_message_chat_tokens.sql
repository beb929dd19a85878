-- Each message's index entry also holds its chat's token (`zzchat<chat id>`), so a search can
-- be limited to the caller's chats inside FTS5 (see `dialect::chat_token`).
UPDATE message_text SET terms = terms || ' zzchat' || chat_id;
