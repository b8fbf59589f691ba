-- Running rankings of a ranked poll: each distinct ranking (a JSON list of option ids, most
-- preferred first) and how many ballots gave it, updated in the same transaction as the ballots.
-- Instant-runoff is counted from these, never from every ballot. The ballots table stays the
-- source of truth: `Database::recount` recomputes them.
CREATE TABLE poll_ranking_counts (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    ranking    TEXT NOT NULL,
    ballots    INTEGER NOT NULL,
    PRIMARY KEY (poll_slug, ranking)
);
