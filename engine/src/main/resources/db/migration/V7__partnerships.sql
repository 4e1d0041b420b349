-- Partnerships as tenants: every partnership has its own numbered rule set versions, one ACTIVE each.
-- Portable SQL for H2 (the embedded default) and PostgreSQL. Versions stored before were the one partnership's
-- of a single rules folder: the default partnership's.
CREATE TABLE partnership_rule_sets (
    partnership  VARCHAR(64)   NOT NULL,
    version      INT           NOT NULL,
    checksum     VARCHAR(64)   NOT NULL,
    files        TEXT          NOT NULL,
    status       VARCHAR(12)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(64)   NOT NULL,
    comment      VARCHAR(500),
    activated_at TIMESTAMP WITH TIME ZONE,
    errors       TEXT,
    CONSTRAINT partnership_rule_sets_pk PRIMARY KEY (partnership, version)
);
INSERT INTO partnership_rule_sets (partnership, version, checksum, files, status, created_at, created_by, comment,
                                   activated_at, errors)
    SELECT 'maidstone', version, checksum, files, status, created_at, created_by, comment, activated_at, errors
    FROM rule_set_versions;
DROP TABLE rule_set_versions;
ALTER TABLE partnership_rule_sets RENAME TO rule_set_versions;
CREATE INDEX rule_set_versions_status ON rule_set_versions (partnership, status);

-- History summaries and silence reminders belonged to a shared partnership "all"; they are the partnership's now.
UPDATE alert_events SET partnership = 'maidstone' WHERE partnership = 'all';

-- What each partnership's lists and rebuilds read.
CREATE INDEX alerts_by_partnership ON alerts (partnership, closed_at, opened_at, id);
CREATE INDEX readings_by_partnership ON readings (partnership, id);
