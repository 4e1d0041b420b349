-- Each sink's relay claims its own due deliveries: with the sink first, the topic's claim reads the topic's due rows
-- alone, not every pending mail held for its group wait beside them (thousands under load, read at every commit).
CREATE INDEX deliveries_due_by_sink ON deliveries (sink, status, next_attempt_at, id);
