-- The web console (issue 12). A signed-in browser holds a session cookie; only the SHA-256 of
-- the session's storage key is kept, with the token the person signed in with, so revoking the
-- token ends its sessions. `value` is the session's JSON (its CSRF token, when it was made).
CREATE TABLE console_session (
    key_sha256  TEXT PRIMARY KEY NOT NULL,
    token_id    INTEGER REFERENCES api_token(id),
    value       TEXT NOT NULL,
    expires_at  REAL,
    created_at  REAL NOT NULL
) STRICT;
CREATE INDEX console_session_by_token ON console_session(token_id);
CREATE INDEX console_session_by_expiry ON console_session(expires_at);
