-- Each user's language and time zone for the UI (issue 16, item 8; PATCH /me). NULL follows
-- the browser: its Accept-Language for the language, its own zone for times. The server
-- stores only "en"/"sv" and IANA zone names, checked before they are written.
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;
