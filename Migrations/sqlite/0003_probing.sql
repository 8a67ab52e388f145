-- Functional probing: what each stage did in one line, the exchanges kept as evidence, and the
-- credentials a submitter gave for one run (sealed with the server's key, deleted when the run ends).

ALTER TABLE stage_result ADD COLUMN summary TEXT;

CREATE TABLE probe_exchange (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES run(id),
    position          INTEGER NOT NULL,
    operation         TEXT NOT NULL,
    method            TEXT NOT NULL,
    url               TEXT NOT NULL,      -- secrets in the query are redacted
    request_headers   TEXT NOT NULL,      -- one per line, secrets redacted
    status            INTEGER,
    latency_ms        REAL NOT NULL,
    response_headers  TEXT NOT NULL,
    body_excerpt      TEXT NOT NULL,
    error             TEXT
) STRICT;
CREATE INDEX probe_exchange_by_run ON probe_exchange(run_id, position);

CREATE TABLE run_secret (
    run_id      INTEGER PRIMARY KEY REFERENCES run(id),
    sealed      BLOB NOT NULL,            -- AES-GCM sealed JSON of the probe settings
    created_at  REAL NOT NULL
) STRICT;
