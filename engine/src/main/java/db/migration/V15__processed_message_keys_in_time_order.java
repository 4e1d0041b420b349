package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import targetwatch.engine.store.MessageKey;

/**
 * The processed messages' ids are stored under their {@link MessageKey}: a time-based UUID's time first, so that a
 * batch's ids are appended to the end of the table's key index instead of each landing on a page of its own. The rows
 * already there are copied into a table keyed so (one character wider, for the keys that escape an id), in portable
 * SQL for H2 and PostgreSQL; a new table rather than updates in place, so that no key made meets an id not yet made
 * over. The primary key is named, as the old table keeps its own constraint's name until it is dropped.
 */
public class V15__processed_message_keys_in_time_order extends BaseJavaMigration {

    private static final int BATCH = 1_000;

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE processed_messages RENAME TO processed_messages_v14");
            s.execute("DROP INDEX processed_messages_by_time");
            s.execute("CREATE TABLE processed_messages ("
                    + " message_id VARCHAR(" + MessageKey.MAX_KEY + ") NOT NULL,"
                    + " dead_letter_reason VARCHAR(4000),"
                    + " processed_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " CONSTRAINT processed_messages_key PRIMARY KEY (message_id))");
        }
        try (Statement read = c.createStatement();
             ResultSet rs = read.executeQuery("SELECT message_id, dead_letter_reason, processed_at FROM processed_messages_v14");
             PreparedStatement write = c.prepareStatement("INSERT INTO processed_messages (message_id, dead_letter_reason,"
                     + " processed_at) VALUES (?, ?, ?)")) {
            int pending = 0;
            while (rs.next()) {
                write.setString(1, MessageKey.of(rs.getString(1)));
                write.setString(2, rs.getString(2));
                write.setTimestamp(3, rs.getTimestamp(3));
                write.addBatch();
                if (++pending == BATCH) {
                    write.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE processed_messages_v14");
            s.execute("CREATE INDEX processed_messages_by_time ON processed_messages (processed_at)");
        }
    }
}
