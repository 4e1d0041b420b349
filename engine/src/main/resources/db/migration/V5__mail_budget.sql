-- Events of a history being loaded are kept and delivered to nobody, like silenced ones; the column lets
-- /api/alerts/stats count them.
ALTER TABLE alert_events ADD COLUMN history BOOLEAN NOT NULL DEFAULT FALSE;

-- The daily mail budget: which mail each email delivery went in (a digest is one mail for several deliveries), so
-- the mails sent to one person in a day can be counted, and which deliveries went over the budget and wait for
-- the person's next digest. (V4 is left to the JMS batch ingest being written beside this.)
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
ALTER TABLE deliveries ADD COLUMN mail_id VARCHAR(100);
ALTER TABLE deliveries ADD COLUMN folded BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX deliveries_mailed ON deliveries (sink, status, sent_at);
