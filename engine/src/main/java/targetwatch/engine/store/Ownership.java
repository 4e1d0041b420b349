package targetwatch.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Which instance processes each partnership, kept in the database ({@code partnership_owners}) so that it fences: an
 * instance takes a partnership over with {@link #claim}, and every write it makes under the {@link Fence} it got
 * ({@link JdbcStore#withFence}) first renews the row with that epoch, and is refused once another instance has taken
 * the partnership over since. The broker decides who should process a partnership; this makes an old owner that
 * still believes it does (paused, cut off) unable to write.
 */
public final class Ownership {

    /** The SQL state of a duplicate key, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Clock clock;

    Ownership(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Takes the partnership over for the instance, whoever held it: its epoch goes up by one (to 1 the first time),
     * and every fence handed out before is stale from the moment this commits. An instance that claims again fences
     * its own earlier claim.
     */
    public Fence claim(String partnership, String instance) {
        Timestamp now = Timestamp.from(clock.instant());
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    long epoch = takeOver(c, partnership, instance, now);
                    c.commit();
                    return new Fence(partnership, instance, epoch);
                } catch (SQLException e) {
                    c.rollback();
                    // two first claims raced to insert the row: the loser takes it over from the winner
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt == 2) {
                        throw e;
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("could not take partnership " + partnership + " over for " + instance + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private static long takeOver(Connection c, String partnership, String instance, Timestamp now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE partnership_owners SET owner = ?, epoch = epoch + 1,"
                + " claimed_at = ?, renewed_at = ? WHERE partnership = ?")) {
            update.setString(1, instance);
            update.setTimestamp(2, now);
            update.setTimestamp(3, now);
            update.setString(4, partnership);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO partnership_owners (partnership, owner, epoch,"
                        + " claimed_at, renewed_at) VALUES (?,?,1,?,?)")) {
                    insert.setString(1, partnership);
                    insert.setString(2, instance);
                    insert.setTimestamp(3, now);
                    insert.setTimestamp(4, now);
                    insert.executeUpdate();
                }
                return 1;
            }
        }
        // the row is locked by the update above until commit: the epoch read is the one this claim made
        return current(c, partnership).map(Fence::epoch).orElseThrow(
                () -> new SQLException("partnership " + partnership + " has no owner row after its take-over"));
    }

    /** The partnerships the instance holds now, by name. */
    public List<Fence> owned(String instance) {
        List<Fence> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT partnership, owner, epoch FROM partnership_owners"
                     + " WHERE owner = ? ORDER BY partnership")) {
            s.setString(1, instance);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fence(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the partnerships " + instance + " owns: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The partnerships whose owner has not renewed its row for the lease or longer: held by an instance that died or
     * stands still, for another to take over. An owner renews with every write and at every tick of its alert clock.
     */
    public List<Fence> unattended(java.time.Duration lease) {
        List<Fence> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT partnership, owner, epoch FROM partnership_owners"
                     + " WHERE renewed_at <= ? ORDER BY partnership")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(lease)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fence(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read which partnerships are unattended: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Renews the fence's row on its own (an owner with nothing to write says it is still there); throws
     * {@link FencedOutException} when another instance has taken the partnership over.
     */
    public void renew(Fence fence) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                check(c, fence, Timestamp.from(clock.instant()));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not renew " + fence.owner() + "'s hold on partnership " + fence.partnership()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Who holds the partnership now, if anybody ever claimed it. */
    public Optional<Fence> owner(String partnership) {
        try (Connection c = dataSource.getConnection()) {
            return current(c, partnership);
        } catch (SQLException e) {
            throw new StoreException("could not read the owner of partnership " + partnership + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Fence> current(Connection c, String partnership) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT partnership, owner, epoch FROM partnership_owners"
                + " WHERE partnership = ?")) {
            s.setString(1, partnership);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Fence(rs.getString(1), rs.getString(2), rs.getLong(3))) : Optional.empty();
            }
        }
    }

    /**
     * The fence's check, run first in a write transaction: renews the owner's row if the fence still holds, and
     * throws {@link FencedOutException} (for the caller to roll back) when another instance has taken over. The row
     * stays locked until the transaction ends, so a take-over waits for a write in flight and never passes it.
     */
    static void check(Connection c, Fence fence, Timestamp now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE partnership_owners SET renewed_at = ? WHERE partnership = ?"
                + " AND owner = ? AND epoch = ?")) {
            s.setTimestamp(1, now);
            s.setString(2, fence.partnership());
            s.setString(3, fence.owner());
            s.setLong(4, fence.epoch());
            if (s.executeUpdate() == 1) {
                return;
            }
        }
        Optional<Fence> holder = current(c, fence.partnership());
        throw new FencedOutException(fence, holder.map(Fence::owner).orElse(null), holder.map(Fence::epoch).orElse(0L));
    }
}
