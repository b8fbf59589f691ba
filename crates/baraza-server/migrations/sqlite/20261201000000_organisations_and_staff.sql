-- Organisations (a ministry, an agency, a county) own instruments; staff sign in with an e-mail
-- and a password and hold one role per organisation. Twin of the PostgreSQL migration with the
-- same version: the same tables, columns and constraints.
CREATE TABLE organisations (
    slug              TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    default_language  TEXT NOT NULL,
    allowed_origins   TEXT NOT NULL DEFAULT '[]', -- JSON array of origins that may embed
    created_at        TEXT NOT NULL
);

-- E-mails are stored lower-cased, so uniqueness holds whatever case staff type.
-- password_hash is an argon2id PHC string; the password itself is never stored.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id            INTEGER NOT NULL REFERENCES users (id),
    organisation_slug  TEXT NOT NULL REFERENCES organisations (slug),
    role               TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'moderator', 'analyst')),
    PRIMARY KEY (user_id, organisation_slug)
);

-- Bearer tokens of the admin API. Only a SHA-256 of the token is kept: a copy of the database
-- does not hand out working tokens.
CREATE TABLE api_tokens (
    id                 INTEGER PRIMARY KEY,
    organisation_slug  TEXT NOT NULL REFERENCES organisations (slug),
    created_by         INTEGER NOT NULL REFERENCES users (id),
    token_hash         TEXT NOT NULL UNIQUE,
    created_at         TEXT NOT NULL,
    revoked_at         TEXT
);

-- Signed-in staff on the admin site. The cookie holds the session token; only its SHA-256 is
-- kept here. The CSRF token is echoed in every form of the session.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Who did what, when. actor is `user:ID`, `token:ID` or `cli` (an operator on the server).
CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY,
    organisation_slug  TEXT REFERENCES organisations (slug),
    actor              TEXT NOT NULL,
    action             TEXT NOT NULL,
    target             TEXT NOT NULL,
    at                 TEXT NOT NULL
);
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_slug, at);

-- Failed sign-ins of the last few minutes, for throttling. Both keys are SHA-256 digests (of the
-- lower-cased e-mail typed, of the client address) so the table holds no e-mail or address.
CREATE TABLE sign_in_failures (
    id           INTEGER PRIMARY KEY,
    account_key  TEXT NOT NULL,
    address_key  TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_account ON sign_in_failures (account_key, at);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address_key, at);

-- NULL: the server's own demo or legacy polls, which no organisation administers.
ALTER TABLE polls ADD COLUMN organisation_slug TEXT REFERENCES organisations (slug);
CREATE INDEX polls_by_organisation ON polls (organisation_slug);
