-- Accepted events, as they were posted, with the rule set that took them: for replay and recovery.
CREATE TABLE event_journal (
    seq          BIGINT AUTO_INCREMENT    PRIMARY KEY,
    rule_set     VARCHAR(64)              NOT NULL,
    accepted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    event        VARCHAR(1048576)         NOT NULL
);
CREATE INDEX event_journal_rule_set ON event_journal (rule_set, seq);
CREATE INDEX event_journal_accepted_at ON event_journal (accepted_at);
