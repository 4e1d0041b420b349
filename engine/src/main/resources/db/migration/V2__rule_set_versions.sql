-- Rule set versions: every rule set submitted (by the watched folder, the API or the command line),
-- with its files, who and when, and its fate. Exactly one is ACTIVE.
CREATE TABLE rule_set_versions (
    version      INT           PRIMARY KEY,
    checksum     VARCHAR(64)   NOT NULL,
    files        TEXT          NOT NULL,
    status       VARCHAR(12)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(64)   NOT NULL,
    comment      VARCHAR(500),
    activated_at TIMESTAMP WITH TIME ZONE,
    errors       TEXT
);
CREATE INDEX rule_set_versions_status ON rule_set_versions (status);

-- An assessment that a rule change (not a reading) caused has no reading, and says so.
ALTER TABLE assessments ALTER COLUMN reading_id DROP NOT NULL;
ALTER TABLE assessments ADD COLUMN cause VARCHAR(32);
