-- Every message a batched consumer took, stored in the same transaction as its readings, so that a batch the broker
-- delivers again (its commit was lost in a crash) changes nothing. dead_letter_reason holds why the message went to
-- the dead-letter queue, so a redelivered one goes there again with the same reason (its first copy was rolled back
-- with the batch). Rows are kept for a retention period and then forgotten.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
CREATE TABLE processed_messages (
    message_id         VARCHAR(200)  PRIMARY KEY,
    dead_letter_reason VARCHAR(4000),
    processed_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX processed_messages_by_time ON processed_messages (processed_at);
