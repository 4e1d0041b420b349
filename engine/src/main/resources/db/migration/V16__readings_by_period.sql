-- Readings are looked up by series and period (a reading's note, for the report), and they arrive period by period:
-- a partner's return for a month holds every indicator and area of that month. The index by series put each reading
-- of a batch on a page of its own (one area after another, each beside its own earlier periods), and every page a
-- commit changes is written out whole; with the period before the indicator and area, a batch's readings go to a few
-- pages side by side. Lookups name all four columns, so either order serves them.
-- Portable SQL for H2 (the embedded default) and PostgreSQL.
DROP INDEX readings_by_series;
CREATE INDEX readings_by_period ON readings (partnership, period, indicator, area, id);
