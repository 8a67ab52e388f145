-- The store's first schema. Rows that record what happened (revisions, runs, stage results,
-- findings, review events) are appended and never rewritten; a submission's current state is
-- kept in step with them inside the same transaction.

-- Package bytes, content-addressed: an identical upload is stored once.
CREATE TABLE blob (
    sha256      TEXT PRIMARY KEY NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_at  REAL NOT NULL
) STRICT;

CREATE TABLE submission (
    id                TEXT PRIMARY KEY NOT NULL,
    publisher         TEXT NOT NULL,
    connector         TEXT NOT NULL,
    state             TEXT NOT NULL,
    state_changed_at  REAL NOT NULL,
    assignee          TEXT,
    latest_revision   INTEGER NOT NULL,
    created_at        REAL NOT NULL
) STRICT;
-- The queue: filtered by state, publisher or assignee, oldest first, paged by (time, id).
CREATE INDEX submission_by_state ON submission(state, state_changed_at, id);
CREATE INDEX submission_by_publisher ON submission(publisher, state_changed_at, id);
CREATE INDEX submission_by_assignee ON submission(assignee, state_changed_at, id);
CREATE INDEX submission_by_age ON submission(state_changed_at, id);

CREATE TABLE revision (
    submission_id   TEXT NOT NULL REFERENCES submission(id),
    number          INTEGER NOT NULL,
    blob_sha256     TEXT NOT NULL REFERENCES blob(sha256),
    content_sha256  TEXT NOT NULL,
    file_name       TEXT,
    submitted_by    TEXT NOT NULL,
    created_at      REAL NOT NULL,
    PRIMARY KEY (submission_id, number)
) STRICT;

CREATE TABLE run (
    id               INTEGER PRIMARY KEY,
    submission_id    TEXT NOT NULL REFERENCES submission(id),
    revision         INTEGER NOT NULL,
    reason           TEXT NOT NULL,          -- submission | import | recertification (RunReason)
    state            TEXT NOT NULL,          -- queued | running | finished | failed
    verdict          TEXT,                   -- pass | fail, once finished
    stages           TEXT NOT NULL,          -- the stages requested, comma-separated
    ruleset_version  TEXT NOT NULL,
    tool_version     TEXT NOT NULL,
    created_at       REAL NOT NULL,
    started_at       REAL,
    finished_at      REAL,
    error            TEXT,
    FOREIGN KEY (submission_id, revision) REFERENCES revision(submission_id, number)
) STRICT;
CREATE INDEX run_by_submission ON run(submission_id, id);

CREATE TABLE stage_result (
    run_id       INTEGER NOT NULL REFERENCES run(id),
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    status       TEXT NOT NULL,              -- passed | failed | skipped
    duration_ms  REAL NOT NULL,
    skip_reason  TEXT,
    PRIMARY KEY (run_id, position)
) STRICT;

CREATE TABLE finding (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES run(id),
    rule_id      TEXT NOT NULL,
    severity     TEXT NOT NULL,
    stage        TEXT NOT NULL,
    message      TEXT NOT NULL,
    file         TEXT,
    pointer      TEXT,
    line         INTEGER,
    "column"     INTEGER,
    operation    TEXT,
    evidence     TEXT,
    fingerprint  TEXT NOT NULL
) STRICT;
CREATE INDEX finding_by_run ON finding(run_id, id);
CREATE INDEX finding_by_fingerprint ON finding(fingerprint);

-- Durable work: a worker leases a job; a lease that expires is claimed again.
CREATE TABLE job (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL UNIQUE REFERENCES run(id),
    priority          INTEGER NOT NULL,      -- higher first: new submissions before re-certification
    state             TEXT NOT NULL,         -- queued | leased | done | failed
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  REAL,
    available_at      REAL NOT NULL,
    created_at        REAL NOT NULL,
    finished_at       REAL,
    last_error        TEXT
) STRICT;
CREATE INDEX job_claim ON job(state, priority DESC, id);
CREATE INDEX job_lease ON job(state, lease_expires_at);

CREATE TABLE review_event (
    id             INTEGER PRIMARY KEY,
    submission_id  TEXT NOT NULL REFERENCES submission(id),
    revision       INTEGER,
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    from_state     TEXT,
    to_state       TEXT,
    text           TEXT,
    fingerprint    TEXT,
    created_at     REAL NOT NULL
) STRICT;
CREATE INDEX review_event_by_submission ON review_event(submission_id, id);

-- Bearer tokens: only the SHA-256 of a token is stored.
CREATE TABLE api_token (
    id            INTEGER PRIMARY KEY,
    token_sha256  TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('submitter', 'reviewer', 'admin')),
    publisher     TEXT,
    label         TEXT,
    created_at    REAL NOT NULL,
    revoked_at    REAL,
    CHECK (role <> 'submitter' OR publisher IS NOT NULL)
) STRICT;
