-- One concept, one name (issue 10): a review event's kind is the action the webhook payload
-- publishes as `action`, so the column takes that name. The report JSON's history keeps its
-- published key `kind`.
ALTER TABLE review_event RENAME COLUMN kind TO action;
