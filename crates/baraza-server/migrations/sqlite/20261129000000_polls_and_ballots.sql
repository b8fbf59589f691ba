-- Poll definitions are stored as the JSON of baraza_core::PollSpec and re-checked on every read,
-- so a row edited by hand can never produce an invalid poll.
CREATE TABLE polls (
    slug        TEXT PRIMARY KEY NOT NULL,
    definition  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One row per accepted ballot. The voter token is a random per-device value that exists only to
-- refuse a second ballot from the same device; it is never exported.
CREATE TABLE ballots (
    id            INTEGER PRIMARY KEY,
    poll_slug     TEXT NOT NULL REFERENCES polls (slug),
    voter_token   TEXT NOT NULL,
    selections    TEXT NOT NULL, -- JSON array of option ids, in the order the citizen gave them
    submitted_at  TEXT NOT NULL,
    UNIQUE (poll_slug, voter_token)
);
