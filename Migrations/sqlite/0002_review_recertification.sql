-- Review workflow, notifications and catalogue re-certification.

-- Findings a reviewer accepted for a submission, by fingerprint: its baseline.
CREATE TABLE accepted_finding (
    submission_id  TEXT NOT NULL REFERENCES submission(id),
    fingerprint    TEXT NOT NULL,
    rule_id        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    created_at     REAL NOT NULL,
    expires_at     REAL,
    PRIMARY KEY (submission_id, fingerprint)
) STRICT;

-- A publisher's webhook: every state change of its submissions is POSTed there, signed.
CREATE TABLE webhook (
    id          INTEGER PRIMARY KEY,
    publisher   TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,               -- the HMAC key; never returned after creation
    created_by  TEXT NOT NULL,
    created_at  REAL NOT NULL,
    deleted_at  REAL
) STRICT;
CREATE INDEX webhook_by_publisher ON webhook(publisher);

-- The outbox: one row per event and webhook, written in the transaction of the state change.
CREATE TABLE webhook_delivery (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhook(id),
    event_id         INTEGER NOT NULL REFERENCES review_event(id),
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL,          -- pending | delivered | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  REAL NOT NULL,
    lease_owner      TEXT,
    lease_expires_at REAL,
    last_status      INTEGER,
    last_error       TEXT,
    created_at       REAL NOT NULL,
    delivered_at     REAL
) STRICT;
CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at);

-- Every attempt, kept.
CREATE TABLE webhook_attempt (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES webhook_delivery(id),
    attempt      INTEGER NOT NULL,
    status       INTEGER,
    error        TEXT,
    duration_ms  REAL NOT NULL,
    created_at   REAL NOT NULL
) STRICT;

-- A batch re-certification over the latest certified revisions of a selection of connectors.
CREATE TABLE recertification (
    id               INTEGER PRIMARY KEY,
    selection        TEXT NOT NULL,          -- all | publisher:NAME | connector:NAME
    ruleset_version  TEXT NOT NULL,
    tool_version     TEXT NOT NULL,
    state            TEXT NOT NULL,          -- running | finished
    total            INTEGER NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       REAL NOT NULL,
    finished_at      REAL
) STRICT;

ALTER TABLE run ADD COLUMN recertification_id INTEGER REFERENCES recertification(id);
CREATE INDEX run_by_recertification ON run(recertification_id, state);
CREATE INDEX run_by_submission_state ON run(submission_id, state, id);

-- The revision that was last certified: what re-certification re-checks.
ALTER TABLE submission ADD COLUMN certified_revision INTEGER;
CREATE INDEX submission_by_certified ON submission(certified_revision, publisher, connector) WHERE certified_revision IS NOT NULL;

-- The rulesets runs were made with, by version, so that any run can be reproduced.
CREATE TABLE ruleset (
    version     TEXT PRIMARY KEY NOT NULL,
    definition  TEXT NOT NULL,               -- canonical JSON of the ruleset
    created_at  REAL NOT NULL
) STRICT;
