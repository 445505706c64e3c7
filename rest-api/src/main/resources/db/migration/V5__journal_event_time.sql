-- The event-time span of each journal batch, so that a replay of a range of event time reads only
-- the batches that overlap it. Null for batches written before this.
ALTER TABLE event_journal ADD COLUMN first_event_time BIGINT;
ALTER TABLE event_journal ADD COLUMN last_event_time BIGINT;
CREATE INDEX event_journal_event_time ON event_journal (rule_set, last_event_time);
