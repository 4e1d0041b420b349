-- Which instance wrote each reading, and under which epoch of its ownership of the partnership ("instance#epoch"),
-- when instances share the database: what the fail-over test checks a fenced-out instance by. Null for a single
-- instance's writes from before.
ALTER TABLE readings ADD COLUMN written_by VARCHAR(120);
