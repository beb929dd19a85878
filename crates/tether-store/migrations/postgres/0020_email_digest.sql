-- Issue 19, part 5: e-mail for what was missed. A person who was mentioned, got an urgent
-- message, or was added to a chat by someone else, and has not read it within the server's
-- delay, gets one e-mail listing it. Keep sqlite/0020_email_digest.sql in step.
--
-- Nothing is written per recipient when a message is sent: a background task scans what
-- happened in the time window [scanned_to, now - delay) of the existing tables (mentions,
-- urgent messages, memberships) and queues only what is still unread then. The window and
-- the items it yields are written in one transaction, so each item is queued once, by one
-- node. A recipient's row carries the sending state (claim, retries), so a person gets one
-- e-mail for all their waiting items and two nodes never send it at once.

-- The person's opt-out (PATCH /me {email_digest}); on unless they turn it off.
ALTER TABLE users ADD COLUMN email_digest BOOLEAN NOT NULL DEFAULT TRUE;

-- One row (id 1): everything that happened before `scanned_to` has been looked at.
CREATE TABLE digest_scan (
    id         BIGINT PRIMARY KEY,
    scanned_to BIGINT NOT NULL
);

CREATE TABLE digest_items (
    user_id    TEXT NOT NULL REFERENCES users (id),
    chat_id    TEXT NOT NULL,
    -- The message mentioning the person or marked urgent; '' for being added.
    message_id TEXT NOT NULL,
    -- mention, urgent, added
    kind       TEXT NOT NULL,
    -- The message's place in its chat: read once the member's read marker reaches it.
    seq        BIGINT NOT NULL,
    -- When it happened (the message's time, or when the person was added).
    at         BIGINT NOT NULL,
    -- Who wrote the message, or added the person (NULL: no person, a host system's sync).
    actor_id   TEXT,
    PRIMARY KEY (user_id, chat_id, message_id, kind)
);

CREATE TABLE digest_recipients (
    user_id         TEXT PRIMARY KEY REFERENCES users (id),
    -- When their waiting items are to be sent; NULL when nothing waits.
    due_at          BIGINT,
    -- A node sending their e-mail holds it until then.
    claimed_until   BIGINT,
    -- Failed attempts since the last success, the first of them, and the last error.
    attempts        BIGINT NOT NULL DEFAULT 0,
    first_failed_at BIGINT,
    last_error      TEXT,
    last_sent_at    BIGINT
);
CREATE INDEX digest_recipients_due ON digest_recipients (due_at) WHERE due_at IS NOT NULL;

-- The scan's ways in: urgent messages by id (ids are time-ordered, so a time window is an id
-- range; see tether_store::digest), and memberships by when they began. Mentions are found
-- through message_mentions' primary key, which starts with the message id.
CREATE INDEX messages_urgent ON messages (id) WHERE importance = 'urgent';
CREATE INDEX chat_members_joined ON chat_members (joined_at);
