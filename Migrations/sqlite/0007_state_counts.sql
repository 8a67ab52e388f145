-- Submissions by state, kept by triggers in the transaction that changes a submission, so that the
-- queue's counts read a few rows instead of counting the whole table (issue 15: queue reads with
-- 100,000 submissions). A change adds or takes one in one of 16 rows of its state, chosen at
-- random, so that writers running at once on PostgreSQL seldom update the same row; a state's
-- count is the sum of its rows.
CREATE TABLE submission_state_count (
    state  TEXT NOT NULL,
    shard  INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (state, shard)
) STRICT;

INSERT INTO submission_state_count (state, shard, n) SELECT state, 0, count(*) FROM submission GROUP BY state;

CREATE TRIGGER submission_state_count_insert AFTER INSERT ON submission BEGIN
    INSERT INTO submission_state_count (state, shard, n) VALUES (NEW.state, abs(random() % 16), 1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER submission_state_count_delete AFTER DELETE ON submission BEGIN
    INSERT INTO submission_state_count (state, shard, n) VALUES (OLD.state, abs(random() % 16), -1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER submission_state_count_update AFTER UPDATE OF state ON submission WHEN OLD.state IS NOT NEW.state BEGIN
    INSERT INTO submission_state_count (state, shard, n) VALUES (OLD.state, abs(random() % 16), -1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n - 1;
    INSERT INTO submission_state_count (state, shard, n) VALUES (NEW.state, abs(random() % 16), 1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;

-- A publisher's counts by state, from the index alone.
CREATE INDEX submission_by_publisher_state ON submission(publisher, state);
