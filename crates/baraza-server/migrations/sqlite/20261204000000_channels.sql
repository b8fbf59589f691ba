-- SMS and USSD: how citizens reach a poll from a basic phone, and which channel each ballot came
-- by (results show each channel's share). Phone numbers are never stored: a ballot from a phone
-- carries a keyed hash of the number as its voter token.
CREATE TABLE poll_channels (
    poll_slug          TEXT PRIMARY KEY NOT NULL REFERENCES polls (slug),
    sms_keyword        TEXT UNIQUE,  -- upper case, e.g. TARIFF
    ussd_service_code  TEXT UNIQUE   -- e.g. *384*55#
);

ALTER TABLE ballots ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
