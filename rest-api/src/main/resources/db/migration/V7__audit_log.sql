-- What changed the server's behaviour, by whom: deployments, rollbacks, deletions, webhook and token changes.
CREATE TABLE audit_log (
    seq     BIGINT AUTO_INCREMENT PRIMARY KEY,
    at      TIMESTAMP WITH TIME ZONE NOT NULL,
    actor   VARCHAR(128)             NOT NULL, -- the token's name, or "rules folder"
    action  VARCHAR(64)              NOT NULL, -- deploy, rollback, undeploy, subscribe, ...
    target  VARCHAR(512)             NOT NULL, -- the rule set, webhook or token it was about
    detail  VARCHAR(1024)
);
CREATE INDEX audit_log_at ON audit_log (at);
