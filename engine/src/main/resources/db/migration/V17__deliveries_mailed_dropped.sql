-- The daily mail budget counts the mails in mails_sent by recipient (V14); no query reads deliveries by when they were
-- sent any more. The index deliveries_mailed (sink, status, sent_at) was still written for every delivery made and at
-- every change of its status (a claim, a fold, a send: H2 rewrites each index of a row it updates), for no reader.
-- What filters deliveries by sink and status has deliveries_due_by_sink.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
DROP INDEX deliveries_mailed;
