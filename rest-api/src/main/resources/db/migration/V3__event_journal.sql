-- Accepted events, as they were posted, with the rule set that took them: for replay and recovery.
-- One row per batch of events (NDJSON), so that journaling costs one insert per batch, not per event.
CREATE TABLE event_journal (
    seq                BIGINT AUTO_INCREMENT    PRIMARY KEY,
    rule_set           VARCHAR(64)              NOT NULL,
    first_accepted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_accepted_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    event_count        INT                      NOT NULL,
    events             CLOB                     NOT NULL
);
CREATE INDEX event_journal_rule_set ON event_journal (rule_set, seq);
CREATE INDEX event_journal_last_accepted_at ON event_journal (last_accepted_at);
