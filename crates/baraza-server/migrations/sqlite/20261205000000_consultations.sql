-- Consultations: the document (sections, settings, phase and its instants, official responses
-- to sections, the outcome) is the JSON of baraza_core::consultation::Consultation with an empty
-- comment list, re-checked by the core on every read. Comments, reactions and reports are rows,
-- so citizens' writes append through the writer instead of rewriting the document.
-- organisation_slug NULL = the server's own demo consultations.
CREATE TABLE consultations (
    slug               TEXT PRIMARY KEY NOT NULL,
    organisation_slug  TEXT NULL,
    phase              TEXT NOT NULL, -- copy of the document's phase, for listings
    definition         TEXT NOT NULL,
    created_at         TEXT NOT NULL
);

-- One row per comment or reply. `number` is the core's CommentId: 1, 2, 3… per consultation
-- in posting order. `body` has already been through baraza_core::text_safety::CitizenText.
-- `author_token` is the device token (or "official" for the public body's answers): never
-- shown, never exported. `official` marks the public body's answers to comments.
CREATE TABLE consultation_comments (
    consultation_slug  TEXT NOT NULL REFERENCES consultations (slug),
    number             INTEGER NOT NULL,
    section_id         TEXT NOT NULL,
    parent_number      INTEGER NULL,
    stance             TEXT NULL CHECK (stance IN ('support', 'oppose', 'neutral', 'question')),
    body               TEXT NOT NULL,
    author_token       TEXT NOT NULL,
    official           INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'hidden')),
    rejection_reason   TEXT NULL,
    created_at         TEXT NOT NULL,
    moderated_at       TEXT NULL,
    PRIMARY KEY (consultation_slug, number),
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);

CREATE INDEX consultation_comments_by_status ON consultation_comments (consultation_slug, status, number);

-- One reaction per device and comment (the one-reaction rule is this key).
CREATE TABLE consultation_reactions (
    consultation_slug  TEXT NOT NULL,
    comment_number     INTEGER NOT NULL,
    voter_token        TEXT NOT NULL,
    reaction           TEXT NOT NULL CHECK (reaction IN ('agree', 'disagree')),
    created_at         TEXT NOT NULL,
    PRIMARY KEY (consultation_slug, comment_number, voter_token),
    FOREIGN KEY (consultation_slug, comment_number) REFERENCES consultation_comments (consultation_slug, number)
);

-- One report per device and comment; cleared when a moderator restores the comment.
CREATE TABLE consultation_reports (
    consultation_slug  TEXT NOT NULL,
    comment_number     INTEGER NOT NULL,
    voter_token        TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (consultation_slug, comment_number, voter_token),
    FOREIGN KEY (consultation_slug, comment_number) REFERENCES consultation_comments (consultation_slug, number)
);
