-- Assessments are an audit log: nothing reads them back by series. Their index by series took, for every reading, a
-- write into a leaf picked by its series (a random one of thousands), rewritten with the path to its root at every
-- commit; what does look assessments up (a rule change withdrawing the ones it stored) names the time it stored them
-- at, and an index by that time is only ever appended to.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
DROP INDEX assessments_by_series;
CREATE INDEX assessments_by_time ON assessments (assessed_at);
