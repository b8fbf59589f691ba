-- Feedback forms by SMS and USSD: a form's keyword and service code, and which channel each
-- response came by. A keyword or service code leads to one instrument, poll or form: the
-- server checks both tables before storing one (a unique index cannot span two tables).
-- Feedback stays anonymous on every channel: no phone number or hash is stored with a response.
CREATE TABLE feedback_form_channels (
    form_slug          TEXT PRIMARY KEY NOT NULL REFERENCES feedback_forms (slug),
    sms_keyword        TEXT UNIQUE,  -- upper case, e.g. HUDUMA
    ussd_service_code  TEXT UNIQUE   -- e.g. *384*56#
);

ALTER TABLE feedback_responses ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
