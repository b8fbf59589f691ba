-- Score polls: each ballot rates options instead of choosing them. `selections` keeps the rated
-- option ids; `scores` the score of each, in the same order (NULL for choice polls).
ALTER TABLE ballots ADD COLUMN scores TEXT;

-- Running distributions of a score poll: how many ballots gave each option each score, updated
-- in the same transaction as the ballots (poll_option_counts keeps each option's number of
-- ratings). The ballots table stays the source of truth: `Database::recount` recomputes both.
CREATE TABLE poll_score_counts (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    option_id  TEXT NOT NULL,
    score      INTEGER NOT NULL,
    ballots    BIGINT NOT NULL,
    PRIMARY KEY (poll_slug, option_id, score)
);
