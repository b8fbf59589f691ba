-- Feedback forms ("Is this page useful?", CSAT, NPS …). Definitions are stored as the JSON of
-- baraza_core::feedback::FeedbackFormSpec and re-checked on every read. organisation_slug NULL =
-- the server's own demo or legacy forms.
CREATE TABLE feedback_forms (
    slug               TEXT PRIMARY KEY NOT NULL,
    organisation_slug  TEXT NULL,
    definition         TEXT NOT NULL,
    created_at         TEXT NOT NULL
);

-- One row per stored response. Free text inside `answers` has already been through
-- baraza_core::text_safety::CitizenText (personal details replaced by placeholders); `page_path`
-- never carries a query string or fragment. Feedback is anonymous: there is no device token.
CREATE TABLE feedback_responses (
    id            INTEGER PRIMARY KEY,
    form_slug     TEXT NOT NULL REFERENCES feedback_forms (slug),
    page_path     TEXT NOT NULL,
    page_title    TEXT NULL,
    answers       TEXT NOT NULL, -- JSON array of baraza_core::feedback::AnswerSubmission
    submitted_at  TEXT NOT NULL
);

CREATE INDEX feedback_responses_by_form ON feedback_responses (form_slug, id);
