-- The alert lifecycle: where every alert stands, who did what to it, and which acknowledgement links were used.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.

-- Every alert, open or closed, as stored after its latest change: the engine resumes the open ones after a
-- restart or a rule set change. state holds the whole alert (JSON), the columns beside it are what lists and
-- filters need.
CREATE TABLE alerts (
    id              VARCHAR(36)   PRIMARY KEY,
    kind            VARCHAR(16)   NOT NULL,
    partnership     VARCHAR(64)   NOT NULL,
    indicator       VARCHAR(64)   NOT NULL,
    area            VARCHAR(64)   NOT NULL,
    period          VARCHAR(16)   NOT NULL,
    priority        VARCHAR(64),
    severity        VARCHAR(8)    NOT NULL,
    level_no        INT           NOT NULL,
    opened_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at       TIMESTAMP WITH TIME ZONE,
    acknowledged_by VARCHAR(200),
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    state           TEXT          NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
-- The open alerts (closed_at IS NULL) and the lists of alerts, newest opened first.
CREATE INDEX alerts_open ON alerts (closed_at, opened_at, id);
CREATE INDEX alerts_by_opened ON alerts (opened_at, id);

-- An event now names its alert, when it happened and who caused it, so an alert's history can be shown; a
-- silenced event is kept for that history but has no deliveries. Events stored before this have none of it.
ALTER TABLE alert_events ADD COLUMN alert_id VARCHAR(36);
ALTER TABLE alert_events ADD COLUMN occurred_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE alert_events ADD COLUMN actor VARCHAR(200);
ALTER TABLE alert_events ADD COLUMN silenced BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX alert_events_by_alert ON alert_events (alert_id, occurred_at, sequence_no);

-- Every acknowledgement link used: a link works once, so a forwarded or replayed mail cannot acknowledge again.
CREATE TABLE used_ack_tokens (
    token_id VARCHAR(100) PRIMARY KEY,
    alert_id VARCHAR(36)  NOT NULL,
    used_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
