package targetwatch.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/** The {@link Store} on JDBC: H2 or PostgreSQL, the schema kept by Flyway migrations. */
public final class JdbcStore implements Store {

    private static final int MAX_ERROR = 2000;

    private final HikariDataSource dataSource;
    private final String url;

    private JdbcStore(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    /** Opens the database at the JDBC URL and brings its schema up to date. */
    public static JdbcStore open(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(4);
        config.setPoolName("targetwatch");
        config.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new JdbcStore(ds, jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***"));
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void save(List<StoredReading> readings, Set<Sink> sinks, String ruleSet, Instant now) {
        if (readings.isEmpty()) {
            return;
        }
        Timestamp ts = Timestamp.from(now);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insertReading = c.prepareStatement("INSERT INTO readings (partnership, indicator, area, period,"
                    + " source, reading_value, reported_at, note, origin, received_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement insertAssessment = c.prepareStatement("INSERT INTO assessments (reading_id, partnership,"
                         + " indicator, area, period, actual, expected, rating, direction, year_on_year, target_row, rule_set,"
                         + " assessed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement insertEvent = c.prepareStatement("INSERT INTO alert_events (id, sequence_no, event_type,"
                         + " partnership, indicator, area, period, severity, previous_severity, level_no, recipient, reading_id,"
                         + " payload, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement insertDelivery = c.prepareStatement("INSERT INTO deliveries (event_id, sink, status, attempts,"
                         + " next_attempt_at) VALUES (?,?,'PENDING',0,?)")) {
                for (StoredReading s : readings) {
                    Reading r = s.reading();
                    insertReading.setString(1, r.partnership());
                    insertReading.setString(2, r.indicator());
                    insertReading.setString(3, r.area());
                    insertReading.setString(4, r.period().toString());
                    insertReading.setString(5, r.source());
                    insertReading.setBigDecimal(6, r.value());
                    insertReading.setTimestamp(7, r.reportedAt() == null ? null : Timestamp.from(r.reportedAt()));
                    insertReading.setString(8, r.note());
                    insertReading.setString(9, cut(s.origin(), 300));
                    insertReading.setTimestamp(10, ts);
                    insertReading.executeUpdate();
                    long readingId;
                    try (ResultSet keys = insertReading.getGeneratedKeys()) {
                        keys.next();
                        readingId = keys.getLong(1);
                    }
                    for (Assessment a : s.assessments()) {
                        insertAssessment.setLong(1, readingId);
                        insertAssessment.setString(2, a.partnership());
                        insertAssessment.setString(3, a.indicator());
                        insertAssessment.setString(4, a.area());
                        insertAssessment.setString(5, a.period().toString());
                        insertAssessment.setBigDecimal(6, a.actual());
                        insertAssessment.setBigDecimal(7, a.expected());
                        insertAssessment.setString(8, a.rating().name());
                        insertAssessment.setString(9, a.direction().name());
                        insertAssessment.setString(10, a.yearOnYear().name());
                        insertAssessment.setInt(11, a.targetRow());
                        insertAssessment.setString(12, ruleSet);
                        insertAssessment.setTimestamp(13, ts);
                        insertAssessment.addBatch();
                    }
                    for (AlertEvent e : s.alertEvents()) {
                        insertEvent.setString(1, e.id());
                        insertEvent.setLong(2, e.sequence());
                        insertEvent.setString(3, e.type().name());
                        insertEvent.setString(4, e.partnership());
                        insertEvent.setString(5, e.indicator());
                        insertEvent.setString(6, e.area());
                        insertEvent.setString(7, e.period().toString());
                        insertEvent.setString(8, e.severity().name());
                        insertEvent.setString(9, e.previousSeverity() == null ? null : e.previousSeverity().name());
                        insertEvent.setInt(10, e.level());
                        insertEvent.setString(11, e.recipient());
                        insertEvent.setLong(12, readingId);
                        insertEvent.setString(13, AlertEventCodec.encode(e));
                        insertEvent.setTimestamp(14, ts);
                        insertEvent.addBatch();
                        for (Sink sink : sinks) {
                            insertDelivery.setString(1, e.id());
                            insertDelivery.setString(2, sink.name());
                            insertDelivery.setTimestamp(3, ts);
                            insertDelivery.addBatch();
                        }
                    }
                }
                insertAssessment.executeBatch();
                insertEvent.executeBatch();
                insertDelivery.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not store " + readings.size() + " reading(s): " + e.getMessage(), e);
        }
    }

    @Override
    public void forEachReading(Consumer<Reading> consumer) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT partnership, indicator, area, period, source, reading_value,"
                    + " reported_at, note FROM readings ORDER BY id")) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Timestamp at = rs.getTimestamp(7);
                        consumer.accept(new Reading(rs.getString(1), rs.getString(2), rs.getString(3), Period.parse(rs.getString(4)),
                                rs.getBigDecimal(6), rs.getString(5), at == null ? null : at.toInstant(), rs.getString(8)));
                    }
                }
            } finally {
                c.commit();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the stored readings: " + e.getMessage(), e);
        }
    }

    @Override
    public long readingCount() {
        return count("SELECT COUNT(*) FROM readings");
    }

    @Override
    public Map<SeriesKey, Long> eventSequences() {
        Map<SeriesKey, Long> out = new HashMap<>();
        query("SELECT partnership, indicator, area, MAX(sequence_no) FROM alert_events GROUP BY partnership, indicator, area",
                rs -> out.put(new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4)));
        return out;
    }

    @Override
    public List<Delivery> dueDeliveries(Sink sink, Instant now, int limit) {
        List<Delivery> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT d.id, d.sink, d.attempts, e.payload FROM deliveries d"
                     + " JOIN alert_events e ON e.id = d.event_id WHERE d.sink = ? AND d.status = 'PENDING' AND d.next_attempt_at <= ?"
                     + " ORDER BY d.id")) {
            s.setString(1, sink.name());
            s.setTimestamp(2, Timestamp.from(now));
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getLong(1), Sink.valueOf(rs.getString(2)), rs.getInt(3),
                            AlertEventCodec.decode(rs.getString(4))));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the outbox: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void markSent(long deliveryId, String answer, Instant at) {
        update("UPDATE deliveries SET status = 'SENT', attempts = attempts + 1, answer = ?, sent_at = ? WHERE id = ?",
                s -> {
                    s.setString(1, cut(answer, MAX_ERROR));
                    s.setTimestamp(2, Timestamp.from(at));
                    s.setLong(3, deliveryId);
                });
    }

    @Override
    public void markFailed(long deliveryId, String error, Instant nextAttempt, boolean park) {
        update("UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                s -> {
                    s.setString(1, park ? "PARKED" : "PENDING");
                    s.setString(2, cut(error, MAX_ERROR));
                    s.setTimestamp(3, Timestamp.from(nextAttempt));
                    s.setLong(4, deliveryId);
                });
    }

    @Override
    public DeliveryCounts deliveryCounts() {
        long[] counts = new long[3];
        query("SELECT status, COUNT(*) FROM deliveries GROUP BY status", rs -> {
            switch (rs.getString(1)) {
                case "PENDING" -> counts[0] = rs.getLong(2);
                case "SENT" -> counts[1] = rs.getLong(2);
                case "PARKED" -> counts[2] = rs.getLong(2);
                default -> {
                }
            }
        });
        return new DeliveryCounts(counts[0], counts[1], counts[2]);
    }

    @Override
    public boolean isHealthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String description() {
        return url;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private long count(String sql) {
        long[] n = new long[1];
        query(sql, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                row.read(rs);
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("update failed: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
