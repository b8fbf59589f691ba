-- Running totals, updated in the same transaction as each ballot, so results cost a lookup of
-- a few rows instead of a scan of every ballot. The ballots table stays the source of truth:
-- `Database::recount` recomputes these from it.
CREATE TABLE poll_option_counts (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    option_id  TEXT NOT NULL,
    ballots    INTEGER NOT NULL,
    PRIMARY KEY (poll_slug, option_id)
);

ALTER TABLE polls ADD COLUMN ballot_count INTEGER NOT NULL DEFAULT 0;

INSERT INTO poll_option_counts (poll_slug, option_id, ballots)
SELECT ballots.poll_slug, selection.value, COUNT(*)
FROM ballots, json_each(ballots.selections) AS selection
GROUP BY ballots.poll_slug, selection.value;

UPDATE polls SET ballot_count = (SELECT COUNT(*) FROM ballots WHERE ballots.poll_slug = polls.slug);
