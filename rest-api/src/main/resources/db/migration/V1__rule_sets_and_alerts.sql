-- Every deployed version of every rule set; versions are never deleted, so history keeps growing.
CREATE TABLE rule_set_version (
    name        VARCHAR(64)              NOT NULL,
    version     INT                      NOT NULL,
    files       CLOB                     NOT NULL, -- JSON object: path -> DRL text
    settings    CLOB                     NOT NULL, -- JSON object, as the API takes it
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);

-- The version of each rule set that runs; none after an undeploy.
CREATE TABLE rule_set (
    name            VARCHAR(64) PRIMARY KEY,
    active_version  INT
);

-- Alerts as rules raised them; the id is derived from the cause, so a re-raised alert is stored once.
CREATE TABLE alert (
    seq         BIGINT AUTO_INCREMENT        NOT NULL UNIQUE,
    id          VARCHAR(32)              PRIMARY KEY,
    rule_set    VARCHAR(64)              NOT NULL,
    version     INT                      NOT NULL,
    rule        VARCHAR(512)             NOT NULL,
    severity    VARCHAR(16)              NOT NULL,
    alert_key   VARCHAR(1024)            NOT NULL,
    message     VARCHAR(65536)           NOT NULL,
    event_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    fired_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    evidence    VARCHAR(1048576)         NOT NULL, -- JSON array of event ids
    attributes  VARCHAR(1048576)         NOT NULL, -- JSON object
    acked_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX alert_rule_set ON alert (rule_set, seq);
CREATE INDEX alert_event_time ON alert (event_time);
