-- Issue 19, part 4: webhooks out. A host system registers endpoints (an address, a secret,
-- the events it wants); what happens in a chat connected to a record is told to them as signed
-- POSTs, retried until a 2xx, in order per record. Keep sqlite/0018_webhooks.sql in step.
--
-- An outbox in two steps. `webhook_events` is written in the same transaction as the change
-- (a message, a connection, a join, a transcript, a hand-over), one row per record the chat is
-- connected to, only while some endpoint subscribes to the event: an acknowledged change never
-- loses its webhook. A background task turns each event into `webhook_deliveries`, one per
-- subscribed endpoint, with the payload as it is sent, and removes the event; it then sends
-- the deliveries that are due. `seq` orders both: a record's later delivery to an endpoint is
-- not sent while an earlier one waits.

CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    -- Kept as given: deliveries are signed with it (docs/security.md, Webhooks).
    secret      TEXT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    api_key_id  TEXT REFERENCES api_keys (id),
    created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_subscriptions (
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type  TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);
CREATE INDEX webhook_subscriptions_type ON webhook_subscriptions (event_type);

-- No foreign keys to chats, records or users: an event outlives a record deleted after it.
CREATE TABLE webhook_events (
    seq         BIGSERIAL PRIMARY KEY,
    event_type  TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    message_id  TEXT,
    actor_id    TEXT,
    note_id     TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The payload's `id` and the Tether-Webhook-Id header: the same for every endpoint, every
    -- attempt and every redelivery of the event.
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    -- pending, delivered, failed
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT,
    -- A node sending it holds it until then (several nodes never send one delivery at once).
    claimed_until   BIGINT,
    last_attempt_at BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    BIGINT,
    finished_at     BIGINT,
    redelivery_of   TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, record_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';
