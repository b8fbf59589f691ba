-- Running totals of ballots per channel (web, sms, ussd), updated in the same transaction as the
-- ballots they count, so the share of each channel costs a few rows, not a scan of every ballot.
CREATE TABLE poll_channel_counts (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    channel    TEXT NOT NULL,
    ballots    BIGINT NOT NULL,
    PRIMARY KEY (poll_slug, channel)
);

INSERT INTO poll_channel_counts (poll_slug, channel, ballots)
SELECT poll_slug, channel, COUNT(*) FROM ballots GROUP BY poll_slug, channel;
