-- Running totals, updated in the same transaction as the ballots they count. The ballots table
-- stays the source of truth: `Database::recount` recomputes these from it.
CREATE TABLE poll_option_counts (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    option_id  TEXT NOT NULL,
    ballots    BIGINT NOT NULL,
    PRIMARY KEY (poll_slug, option_id)
);

ALTER TABLE polls ADD COLUMN ballot_count BIGINT NOT NULL DEFAULT 0;
