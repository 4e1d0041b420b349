-- More than one instance on one database. Portable SQL for H2 (the embedded default) and PostgreSQL.

-- Who processes each partnership's readings now, and since which take-over (epoch). The broker gives a
-- partnership's readings to one consumer at a time, but its view is not a fence: an instance paused past its
-- connection TTL still believes it owns what it had. Every processing transaction of an owner first renews its row
-- with the epoch it took over with; once another instance has taken the partnership over (epoch + 1) that finds no
-- row, and the old owner's transaction is rolled back before it writes anything.
CREATE TABLE partnership_owners (
    partnership VARCHAR(64)  PRIMARY KEY,
    owner       VARCHAR(200) NOT NULL,
    epoch       BIGINT       NOT NULL,
    claimed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    renewed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX partnership_owners_by_owner ON partnership_owners (owner, partnership);

-- The outbox relays' claims: a relay takes the due deliveries it is about to send for a lease (rows locked with
-- SKIP LOCKED while it claims them, so two relays never take the same row), and one that dies leaves its claims to
-- run out, when another relay takes them.
ALTER TABLE deliveries ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE deliveries ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
