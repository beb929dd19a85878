-- Issue 15. `/healthz` proves that writes commit by rewriting this one row (at most once a
-- second per node).
CREATE TABLE health_probe (
    id         BIGINT PRIMARY KEY,
    checked_at BIGINT NOT NULL
);

-- An Idempotency-Key is bound to its request: a digest of what was sent with it, so the same
-- key with a different message is refused instead of answered with the first one. NULL for
-- messages stored before this migration (their keys replay as before).
ALTER TABLE messages ADD COLUMN idempotency_fingerprint TEXT;
