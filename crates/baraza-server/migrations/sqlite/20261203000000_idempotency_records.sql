-- The first answer to each request sent with an `Idempotency-Key` header, so a client that
-- resends it (after a timeout, or from an offline queue) gets that answer again instead of
-- taking part twice. Keyed by the key and the request path; purged after 24 hours.
CREATE TABLE idempotency_records (
    idempotency_key  TEXT NOT NULL,
    path             TEXT NOT NULL,
    request_hash     TEXT NOT NULL, -- SHA-256 of the request body, hex
    status           INTEGER NOT NULL,
    content_type     TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (idempotency_key, path)
);
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at);
