-- The PostgreSQL form of sqlite/0007_state_counts.sql: submissions by state, kept by a trigger in
-- the transaction that changes a submission, in 16 rows a state chosen at random so that writers
-- running at once seldom update the same row.
CREATE TABLE submission_state_count (
    state  TEXT NOT NULL,
    shard  BIGINT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (state, shard)
);

INSERT INTO submission_state_count (state, shard, n) SELECT state, 0, count(*) FROM submission GROUP BY state;

CREATE FUNCTION submission_state_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO submission_state_count (state, shard, n) VALUES (OLD.state, floor(random() * 16), -1)
            ON CONFLICT (state, shard) DO UPDATE SET n = submission_state_count.n - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO submission_state_count (state, shard, n) VALUES (NEW.state, floor(random() * 16), 1)
            ON CONFLICT (state, shard) DO UPDATE SET n = submission_state_count.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER submission_state_count_insert_delete AFTER INSERT OR DELETE ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_state_count_change();

CREATE TRIGGER submission_state_count_update AFTER UPDATE OF state ON submission
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION submission_state_count_change();

-- A publisher's counts by state, from the index alone.
CREATE INDEX submission_by_publisher_state ON submission(publisher, state);
