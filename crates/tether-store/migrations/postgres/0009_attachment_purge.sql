-- Attachments that must not stay on disk for ever (issue 15): a file whose message was deleted,
-- or an upload never sent within the configured time, is marked `discarded_at`; no one can
-- download or send it from then on, and a background task removes its bytes, then the row.
ALTER TABLE attachments ADD COLUMN discarded_at BIGINT;
-- Finds the files waiting for removal.
CREATE INDEX attachments_discarded ON attachments (discarded_at) WHERE discarded_at IS NOT NULL;
-- Each user's unsent uploads (their bytes are bounded) and the oldest unsent uploads (purged).
CREATE INDEX attachments_unsent_by_uploader ON attachments (uploader_id) WHERE message_id IS NULL;
CREATE INDEX attachments_unsent_by_age ON attachments (created_at) WHERE message_id IS NULL;
