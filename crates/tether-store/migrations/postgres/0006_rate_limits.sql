-- Per-user rate limits shared by every node (issue 10): one row per user and kind of request,
-- counting the hits of the current fixed window.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);
