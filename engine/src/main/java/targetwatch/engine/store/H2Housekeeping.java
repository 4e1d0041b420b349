package targetwatch.engine.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * The housekeeping an embedded H2 file database does not do for itself under {@code WRITE_DELAY=0}: H2 compacts its
 * file (rewrites the live pages of chunks mostly dead, then moves chunks into the gaps and cuts the file's end) on its
 * background writer thread, and {@code WRITE_DELAY=0}, which targetwatch needs so that a commit is written before the
 * broker hears of it, is what turns that thread off. Without it every commit's chunk stays in the file as long as any
 * page of it is live, and the file grew by tens of KB per reading stored. This runs the same compaction on a thread of
 * its own, a bounded time at a time. H2 sets its retention time to nothing while it compacts; it is set back after,
 * so that chunks freed meanwhile are still kept for the time H2 keeps them.
 * <p>
 * H2's file store is reached through its classes (there is no SQL to compact an open database): a database of
 * another kind, an in-memory or remote one, or an H2 whose classes differ, has no housekeeping and is left as it is.
 */
final class H2Housekeeping implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(H2Housekeeping.class.getName());

    /** How often the file is compacted, and for how long at most each time (H2 may go over by one step's write). */
    static final Duration EVERY = Duration.ofSeconds(5);
    static final int BUDGET_MILLIS = 100;

    private final DataSource dataSource;
    private final ScheduledExecutorService thread;

    private H2Housekeeping(DataSource dataSource) {
        this.dataSource = dataSource;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Housekeeping for the database behind the pool, compacting every {@link #EVERY}, if it is an embedded H2 file. */
    static Optional<H2Housekeeping> start(DataSource dataSource) {
        if (fileStoreOf(dataSource).isEmpty()) {
            return Optional.empty();
        }
        H2Housekeeping h = new H2Housekeeping(dataSource);
        h.thread.scheduleWithFixedDelay(h::compactQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(h);
    }

    /** The embedded H2 database's file store, or empty for any other database. */
    private static Optional<MVStore> fileStoreOf(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return fileStoreOf(c);
        } catch (SQLException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    private static Optional<MVStore> fileStoreOf(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.getDatabase().getStore() == null) {
            return Optional.empty();
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null || store.getFileStore().getFileName() == null
                || store.getFileStore().isReadOnly() ? Optional.empty() : Optional.of(store);
    }

    /**
     * Compacts the file for at most about {@code budgetMillis}: live pages of sparse chunks rewritten, chunks moved
     * into the gaps, the file's end cut. Returns the file's size in bytes after, or -1 if there is no embedded H2
     * file behind the pool (or it is closed).
     */
    long compact(int budgetMillis) {
        try (Connection c = dataSource.getConnection()) {
            Optional<MVStore> found = fileStoreOf(c);
            if (found.isEmpty() || found.get().isClosed()) {
                return -1;
            }
            MVStore store = found.get();
            int retention = store.getRetentionTime();
            try {
                store.compactFile(budgetMillis);
            } finally {
                store.setRetentionTime(retention);
            }
            return store.getFileStore().size();
        } catch (SQLException e) {
            throw new StoreException("could not compact the database file: " + e.getMessage(), e);
        }
    }

    private void compactQuietly() {
        try {
            compact(BUDGET_MILLIS);
        } catch (RuntimeException | LinkageError e) {
            // the next round tries again; a database that went away is the writers' to report
            LOG.log(System.Logger.Level.DEBUG, "compacting the H2 file failed: {0}", e.getMessage());
        }
    }

    /**
     * Stops the housekeeping, waiting for a compaction under way to finish (never interrupting it: an interrupt during
     * a write closes H2's file channel).
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the H2 housekeeping did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
