-- Webhook subscriptions: where alerts go, which ones, in what shape, signed with what secret.
CREATE TABLE webhook (
    id             VARCHAR(64)              PRIMARY KEY,
    url            VARCHAR(2048)            NOT NULL,
    rule_sets      VARCHAR(4096)            NOT NULL, -- JSON array; empty: all
    rules          VARCHAR(4096)            NOT NULL, -- JSON array; empty: all
    min_severity   VARCHAR(16)              NOT NULL,
    format         VARCHAR(16)              NOT NULL,
    secret         VARCHAR(256)             NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The outbox: one row per alert and subscription, written with the alert, before any attempt.
-- seq orders a subscription's deliveries as their alerts were stored.
CREATE TABLE webhook_delivery (
    seq            BIGINT AUTO_INCREMENT    PRIMARY KEY,
    webhook_id     VARCHAR(64)              NOT NULL,
    alert_id       VARCHAR(64)              NOT NULL,
    state          VARCHAR(16)              NOT NULL, -- pending, delivered, failed
    attempts       INT                      NOT NULL,
    last_status    INT,
    last_error     VARCHAR(1024),
    next_attempt   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT webhook_delivery_once UNIQUE (webhook_id, alert_id)
);
CREATE INDEX webhook_delivery_pending ON webhook_delivery (state, webhook_id, seq);
