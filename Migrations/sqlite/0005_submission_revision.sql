-- One concept, one name (issue 10): the API publishes a submission's latest revision number as
-- `revision` (and the webhook payload's submission.revision), so the column takes that name.
ALTER TABLE submission RENAME COLUMN latest_revision TO revision;
