-- Voucher codes of a poll, stored only as keyed hashes (src/vouchers.rs). A code is spent by
-- the transaction that stores its ballot (`UPDATE … SET used = TRUE … AND NOT used`). No time
-- and no ballot are kept beside `used`: whoever handed a code to a person must not be able to
-- find that person's ballot through it.
CREATE TABLE poll_vouchers (
    poll_slug  TEXT NOT NULL REFERENCES polls (slug),
    code_hash  TEXT NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (poll_slug, code_hash)
);
