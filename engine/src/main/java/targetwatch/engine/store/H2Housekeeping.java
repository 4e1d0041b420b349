package targetwatch.engine.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file database from growing with what it no longer holds. H2's store never overwrites a page:
 * every commit appends a chunk holding each page the transaction changed and the path to its root (a hundred KB for
 * a one-message batch, megabytes for a full one), and a chunk's space is reused only once none of its pages is live
 * and the chunk is older than the store's retention time. Two things kept the JMS benchmark's file at 36 KB a reading:
 * <ul>
 * <li>H2 keeps every chunk for 45 s unless told: the file held the last 45 s of everything written, gigabytes at a few
 *     hundred one-message commits a second. Here chunks are kept for {@value #RETENTION_MS} ms. The retention is
 *     what H2 counts on when a machine (not the process) crashes with writes still in the disk's buffers; a killed
 *     process leaves what it wrote with the operating system, and H2 does not force commits to the disk either way
 *     (a machine's crash loses its last commits whatever the retention): a service that must outlive the machine's
 *     crash keeps its data on PostgreSQL.</li>
 * <li>Pages that stay live (a full leaf of an append-only table) keep the rest of their chunk from being reused. H2's
 *     own background writer moves the live pages out of such chunks, but it runs only when commits are written late
 *     ({@code WRITE_DELAY} above 0), and the service writes every commit at once ({@code WRITE_DELAY=0}: a message is
 *     acknowledged to the broker only after its readings are written). This does the background writer's rewriting
 *     for it, at a fixed rate, through the store's own {@link MVStore#compact(int, int)}: under the store's lock,
 *     beside the commits as the background writer would be, and never moving chunks (which {@code compactFile} does,
 *     and which must not run beside commits).</li>
 * </ul>
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    /** Below this share of live data in the chunks, the store's oldest, emptiest chunks are rewritten. */
    static final int TARGET_FILL_RATE = 70;
    /** How many bytes of live pages one round rewrites at most: a few commits' worth. */
    static final int WRITE_PER_ROUND = 2 * 1024 * 1024;
    /** How long a chunk no page of which is live any more is kept before its space is reused. */
    static final int RETENTION_MS = 1000;
    /**
     * How often a round runs. A round holds the store's lock, which every commit takes: at four a second they took a
     * quarter of the intake thread's CPU time beside it in the JMS bench, at one a second a tenth, and the file was
     * the same size (3.3 and 3.4 KB a reading), the short retention doing most of the work.
     */
    static final long ROUND_MS = 1000;

    private final DataSource dataSource;
    private final ScheduledExecutorService timer;

    private H2Housekeeping(DataSource dataSource, String name) {
        this.dataSource = dataSource;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-housekeeping " + name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, 0, ROUND_MS, TimeUnit.MILLISECONDS);
    }

    /** Started when the pool's connections are to an H2 database in a file of this process; else nothing. */
    static Optional<H2Housekeeping> startIfEmbeddedFile(DataSource dataSource, String name) {
        try (Connection c = dataSource.getConnection()) {
            return store(c).filter(s -> s.getFileStore() != null).map(s -> new H2Housekeeping(dataSource, name));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("no H2 housekeeping: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The H2 store behind the connection, when it is an embedded (in-process) H2 database. */
    private static Optional<MVStore> store(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty();
        }
        return Optional.ofNullable(session.getDatabase().getStore()).map(s -> s.getMvStore());
    }

    /** One round: rewrites the live pages of the emptiest old chunks, when the chunks are less full than the target. */
    void round() {
        try (Connection c = dataSource.getConnection()) {
            Optional<MVStore> store = store(c);
            if (store.isPresent() && !store.get().isClosed()) {
                // not kept by H2 across a reopening of the database, so set every round
                store.get().setRetentionTime(RETENTION_MS);
                store.get().compact(TARGET_FILL_RATE, WRITE_PER_ROUND);
            }
        } catch (SQLException | RuntimeException e) {
            // the pool is closing, or the database was closed under it: the next round (if any) tries again
            LOG.debug("H2 housekeeping skipped a round: {}", e.getMessage());
        }
    }

    /** Stops the rounds, letting one under way finish. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("H2 housekeeping did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
