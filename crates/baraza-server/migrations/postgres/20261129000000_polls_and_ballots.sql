-- PostgreSQL twin of migrations/sqlite/20261129000000_polls_and_ballots.sql: the same tables,
-- columns and constraints, so every query the server runs means the same on both engines.
-- Poll definitions are stored as the JSON of baraza_core::PollSpec and re-checked on every read.
CREATE TABLE polls (
    slug        TEXT PRIMARY KEY NOT NULL,
    definition  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- One row per accepted ballot. The voter token is a random per-device value that exists only to
-- refuse a second ballot from the same device; it is never exported. The unique constraint is
-- what makes "one ballot per device" hold across every server process sharing this database.
CREATE TABLE ballots (
    id            BIGSERIAL PRIMARY KEY,
    poll_slug     TEXT NOT NULL REFERENCES polls (slug),
    voter_token   TEXT NOT NULL,
    selections    TEXT NOT NULL, -- JSON array of option ids, in the order the citizen gave them
    submitted_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (poll_slug, voter_token)
);
