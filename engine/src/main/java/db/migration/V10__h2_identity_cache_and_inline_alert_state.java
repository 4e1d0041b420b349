package db.migration;

import java.sql.Connection;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * What the embedded H2 database writes per batch of readings, made small; PostgreSQL is left as it is.
 * <ul>
 * <li>The identity columns hand out ids from a cache of 10,000 (H2's default is 32). H2 writes a sequence's new
 *     high-water mark in a commit of its own each time its cache runs out, and with {@code WRITE_DELAY=0} every
 *     commit writes a chunk of the store holding every page the running transaction has changed so far: a batch
 *     of 500 readings with their assessments and deliveries wrote dozens of chunks, which made most of the file's
 *     size and a good part of the time a batch took. H2 keeps one cache per database, so ids still follow the order
 *     they were handed out in (readings are rebuilt in id order); after a crash the ids of the cache not used are
 *     skipped, nothing else. PostgreSQL's cache is per connection, which would hand out ids out of order across the
 *     pool: not there.</li>
 * <li>An alert's state, rewritten at each change of the alert, is an in-row VARCHAR: H2 keeps TEXT (a CLOB) longer
 *     than a few hundred characters apart from its row, as a large object made anew and the old one deleted at
 *     every update. (A state is a few KB at most; the column takes a million characters.)</li>
 * </ul>
 */
public class V10__h2_identity_cache_and_inline_alert_state extends BaseJavaMigration {

    /** How many ids H2 takes from an identity sequence at a time. */
    static final int IDENTITY_CACHE = 10_000;

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().toUpperCase(java.util.Locale.ROOT).contains("H2")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (String table : new String[] {"readings", "assessments", "deliveries", "commentary"}) {
                s.execute("ALTER TABLE " + table + " ALTER COLUMN id SET CACHE " + IDENTITY_CACHE);
            }
            s.execute("ALTER TABLE alerts ALTER COLUMN state SET DATA TYPE VARCHAR(1000000)");
        }
    }
}
