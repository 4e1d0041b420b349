-- The daily mail budget counts the mails sent to one of a partnership's contacts since the start of the day. It was
-- counted from the deliveries sent that day, joined to their events to find the recipient: every group of mail that
-- went read every email delivery sent that day, so a busy day made each mail run slower than the one before it. Each
-- mail sent is now a row here, written in the transaction that marks its deliveries sent, and counted by recipient.
-- A digest is one mail (its id is the deliveries' mail_id); a mail of one delivery marked without one is named by the
-- delivery's id, as the budget's count named it before.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
CREATE TABLE mails_sent (
    mail_id     VARCHAR(100) NOT NULL,
    partnership VARCHAR(64)  NOT NULL,
    recipient   VARCHAR(64)  NOT NULL,
    sent_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT mails_sent_pk PRIMARY KEY (mail_id, partnership, recipient)
);
CREATE INDEX mails_sent_by_recipient ON mails_sent (partnership, recipient, sent_at);

-- the mails sent before this migration, so that today's budget still counts them
INSERT INTO mails_sent (mail_id, partnership, recipient, sent_at)
    SELECT COALESCE(d.mail_id, CAST(d.id AS VARCHAR(40))), e.partnership, e.recipient, MIN(d.sent_at)
    FROM deliveries d JOIN alert_events e ON e.id = d.event_id
    WHERE d.sink = 'EMAIL' AND d.status = 'SENT' AND d.sent_at IS NOT NULL
    GROUP BY COALESCE(d.mail_id, CAST(d.id AS VARCHAR(40))), e.partnership, e.recipient;
