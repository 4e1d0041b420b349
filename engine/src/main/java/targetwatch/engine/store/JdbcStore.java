package targetwatch.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/** The {@link Store} on JDBC: H2 or PostgreSQL, the schema kept by Flyway migrations. */
public final class JdbcStore implements Store {

    private static final int MAX_ERROR = 2000;

    private final HikariDataSource dataSource;
    private final String url;
    /** The partnership this view is scoped to, or null for the whole store. */
    private final String partnership;
    /** Checked first in every write transaction when set: see {@link #withFence}. */
    private final Fence fence;
    /** Whether this is a view over another store's pool, which closing leaves open. */
    private final boolean view;
    /** The embedded H2 file's housekeeping, stopped when the store closes; null for a view, or another database. */
    private final H2Housekeeping housekeeping;

    private JdbcStore(HikariDataSource dataSource, String url, String partnership, Fence fence, boolean view) {
        this(dataSource, url, partnership, fence, view, null);
    }

    private JdbcStore(HikariDataSource dataSource, String url, String partnership, Fence fence, boolean view,
                      H2Housekeeping housekeeping) {
        this.dataSource = dataSource;
        this.url = url;
        this.partnership = partnership;
        this.fence = fence;
        this.view = view;
        this.housekeeping = housekeeping;
    }

    /**
     * A view of the same database scoped to one partnership: its readings, alerts, event numbers and rule set versions
     * only (what its engine is rebuilt from and its pages list). Writes are whatever they are given; deliveries, processed
     * messages and counts stay the whole store's. Closing the view closes nothing.
     */
    @Override
    public JdbcStore scopedTo(String partnershipId) {
        targetwatch.engine.model.Slugs.require("partnership", partnershipId);
        return new JdbcStore(dataSource, url, partnershipId, fence, true);
    }

    /** The partnership this view is scoped to, or null for the whole store. */
    public String partnership() {
        return partnership;
    }

    /** " AND partnership = ?" (with the table's alias) when scoped, else nothing. */
    private String scoped(String column) {
        return partnership == null ? "" : " AND " + column + " = ?";
    }

    /** Binds the scope's partnership at the index, if scoped; returns the next index. */
    private int bindScope(PreparedStatement s, int index) throws SQLException {
        if (partnership == null) {
            return index;
        }
        s.setString(index, partnership);
        return index + 1;
    }

    /** Whose rule set versions these are: the scope's, or for the whole store the single-folder partnership's. */
    private String rulesOf() {
        return partnership != null ? partnership : targetwatch.engine.model.Partnership.DEFAULT.id();
    }

    /** How long a write waits for a connection before the database counts as not answering, unless told. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long PostgreSQL lets one of our transactions stand idle before it ends it: none of ours waits between its
     * statements, so one that does belongs to a process that stands still (paused, or cut off), and its locks (the
     * partnership's owner row among them) must not hold up the instance taking over.
     */
    static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(5);

    /** Opens the database at the JDBC URL and brings its schema up to date. */
    public static JdbcStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * Opens the database at the JDBC URL and brings its schema up to date; a write that cannot get a connection within
     * {@code connectionTimeout} fails as the database not answering.
     */
    public static JdbcStore open(String jdbcUrl, String user, String password, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            config.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + IDLE_IN_TRANSACTION_TIMEOUT.toMillis());
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
        String described = jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
        return new JdbcStore(ds, described, null, null, false,
                H2Housekeeping.startIfEmbeddedFile(ds, described).orElse(null));
    }

    /**
     * This store, over the same pool (and scope), with every write made under the fence: each write transaction first
     * renews the fence's row, and is rolled back with {@link FencedOutException} once another instance has taken the
     * fence's partnership over. Closing the view closes nothing.
     */
    @Override
    public JdbcStore withFence(Fence fence) {
        return new JdbcStore(dataSource, url, partnership, java.util.Objects.requireNonNull(fence, "fence"), true);
    }

    /** Who owns which partnership, on this store's database. */
    @Override
    public Ownership ownership() {
        return new Ownership(dataSource, java.time.Clock.systemUTC());
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Readings go in JDBC batches with their generated ids read back in order, then their assessments, events,
     * deliveries and the processed messages, each in one batch: a few round trips per transaction, not several per row.
     */
    @Override
    public void save(List<StoredReading> readings, List<ProcessedMessage> messages, Set<Sink> sinks, String ruleSet,
                     Instant now) {
        if (readings.isEmpty() && messages.isEmpty()) {
            return;
        }
        Timestamp ts = Timestamp.from(now);
        transaction("could not store " + readings.size() + " reading(s)", c -> {
            try (PreparedStatement insertReading = c.prepareStatement("INSERT INTO readings (partnership, indicator, area, period,"
                    + " source, reading_value, reported_at, note, origin, received_at, written_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    new String[] {"id"});
                 PreparedStatement insertAssessment = c.prepareStatement(INSERT_ASSESSMENT);
                 PreparedStatement insertMessage = c.prepareStatement("INSERT INTO processed_messages (message_id,"
                         + " dead_letter_reason, processed_at) VALUES (?,?,?)");
                 AlertWriter writer = new AlertWriter(c, sinks, ts)) {
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
                    insertReading.setString(11, fence == null ? null : cut(fence.owner() + "#" + fence.epoch(), 120));
                    insertReading.addBatch();
                }
                long[] readingIds = new long[readings.size()];
                if (!readings.isEmpty()) {
                    insertReading.executeBatch();
                    try (ResultSet keys = insertReading.getGeneratedKeys()) {
                        for (int i = 0; i < readingIds.length; i++) {
                            if (!keys.next()) {
                                throw new SQLException("the database gave " + i + " ids for " + readingIds.length + " readings");
                            }
                            readingIds[i] = keys.getLong(1);
                        }
                    }
                }
                for (int i = 0; i < readingIds.length; i++) {
                    StoredReading s = readings.get(i);
                    for (Assessment a : s.assessments()) {
                        addAssessment(insertAssessment, a, readingIds[i], ruleSet, null, ts);
                    }
                    for (AlertEvent e : s.alertEvents()) {
                        writer.event(e, readingIds[i]);
                    }
                    s.alerts().forEach(writer::state);
                }
                for (ProcessedMessage m : messages) {
                    insertMessage.setString(1, MessageKey.of(m.id()));
                    insertMessage.setString(2, m.deadLetterReason());
                    insertMessage.setTimestamp(3, ts);
                    insertMessage.addBatch();
                }
                insertAssessment.executeBatch();
                writer.flush();
                insertMessage.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Map<String, ProcessedMessage> processedMessages(java.util.Collection<String> ids) {
        Map<String, ProcessedMessage> out = new HashMap<>();
        List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += ID_QUERY_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + ID_QUERY_CHUNK));
                String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement s = c.prepareStatement("SELECT message_id, dead_letter_reason FROM processed_messages"
                        + " WHERE message_id IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 1, MessageKey.of(chunk.get(i)));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            String id = MessageKey.idOf(rs.getString(1));
                            out.put(id, new ProcessedMessage(id, rs.getString(2)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not look up processed messages: " + e.getMessage(), e);
        }
        return out;
    }

    /** How many ids one look-up names at most (a statement's parameters are limited). */
    private static final int ID_QUERY_CHUNK = 500;
    /** An event no reading caused (a tick's, a rule change's, an acknowledgement's). */
    private static final long NO_READING = Long.MIN_VALUE;

    @Override
    public int forgetProcessedMessages(Instant before) {
        return update("DELETE FROM processed_messages WHERE processed_at < ?", s -> s.setTimestamp(1, Timestamp.from(before)));
    }

    @Override
    public void saveAlertChanges(List<AlertEvent> events, List<AlertState> alerts, Set<Sink> sinks, Instant now) {
        if (events.isEmpty() && alerts.isEmpty()) {
            return;
        }
        transaction("could not store " + events.size() + " alert event(s) and " + alerts.size() + " alert(s)", c -> {
            try (AlertWriter writer = new AlertWriter(c, sinks, Timestamp.from(now))) {
                for (AlertEvent e : events) {
                    writer.event(e, null);
                }
                alerts.forEach(writer::state);
                writer.flush();
            }
            return null;
        });
    }

    @Override
    public List<AlertState> openAlerts() {
        List<AlertState> out = new ArrayList<>();
        query("SELECT state FROM alerts WHERE closed_at IS NULL" + scoped("partnership") + " ORDER BY opened_at, id",
                st -> bindScope(st, 1), rs -> out.add(AlertStateCodec.decode(rs.getString(1))));
        return out;
    }

    @Override
    public List<AlertState> alerts(boolean openOnly, int limit) {
        List<AlertState> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT state FROM alerts WHERE 1 = 1"
                     + (openOnly ? " AND closed_at IS NULL" : "") + scoped("partnership") + " ORDER BY opened_at DESC, id DESC")) {
            bindScope(s, 1);
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(AlertStateCodec.decode(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the alerts: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Optional<AlertState> alert(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT state FROM alerts WHERE id = ?" + scoped("partnership"))) {
            s.setString(1, id);
            bindScope(s, 2);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(AlertStateCodec.decode(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read alert " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<AlertEvent> alertHistory(String alertId) {
        List<AlertEvent> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT payload FROM alert_events WHERE alert_id = ?"
                     + " ORDER BY occurred_at, sequence_no")) {
            s.setString(1, alertId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(AlertEventCodec.decode(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the history of alert " + alertId + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The token's primary key decides, so that two requests racing with the same link cannot both win. The
     * refused insert is the whole transaction, rolled back at once: PostgreSQL accepts nothing more in a
     * transaction after an error.
     */
    @Override
    public boolean useToken(String tokenId, String alertId, Instant at) {
        return transaction("could not mark acknowledgement token " + tokenId + " used", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO used_ack_tokens (token_id, alert_id, used_at)"
                    + " VALUES (?,?,?)")) {
                s.setString(1, tokenId);
                s.setString(2, alertId);
                s.setTimestamp(3, Timestamp.from(at));
                s.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback();
                return false;
            }
        });
    }

    /** The SQL state of a duplicate key, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T transaction(String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (fence != null) {
                    Ownership.check(c, fence, Timestamp.from(Instant.now()));
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(failure + ": " + e.getMessage(), e);
        }
    }

    private static final String INSERT_ASSESSMENT = "INSERT INTO assessments (reading_id, partnership, indicator, area,"
            + " period, actual, expected, rating, direction, year_on_year, target_row, rule_set, cause, assessed_at)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private static void addAssessment(PreparedStatement st, Assessment a, Long readingId, String ruleSet, String cause,
                                      Timestamp ts) throws SQLException {
        if (readingId == null) {
            st.setNull(1, java.sql.Types.BIGINT);
        } else {
            st.setLong(1, readingId);
        }
        st.setString(2, a.partnership());
        st.setString(3, a.indicator());
        st.setString(4, a.area());
        st.setString(5, a.period().toString());
        st.setBigDecimal(6, a.actual());
        st.setBigDecimal(7, a.expected());
        st.setString(8, a.rating().name());
        st.setString(9, a.direction().name());
        st.setString(10, a.yearOnYear().name());
        st.setInt(11, a.targetRow());
        st.setString(12, ruleSet);
        st.setString(13, cause);
        st.setTimestamp(14, ts);
        st.addBatch();
    }

    /**
     * Writes alert events with their deliveries, and alert states, inside one transaction. An event already stored,
     * or already written in this transaction, is skipped with its deliveries: the engine makes the same event again
     * (after a restart, say) with the same id, and its recipients must hear of it once. A silenced event, and one of
     * a history being loaded, is kept for the alert's history and delivered to nobody. Of the states given for one alert, the last is stored.
     */
    private static final class AlertWriter implements AutoCloseable {

        private final Connection connection;
        private final PreparedStatement insertEvent;
        private final PreparedStatement insertDelivery;
        private final PreparedStatement updateAlert;
        private final PreparedStatement insertAlert;
        private final Set<Sink> sinks;
        private final Timestamp ts;
        /** The events given, each id once, in order, with the reading that caused each. */
        private final Map<String, Map.Entry<AlertEvent, Long>> events = new LinkedHashMap<>();
        private final Map<String, AlertState> states = new LinkedHashMap<>();

        AlertWriter(Connection c, Set<Sink> sinks, Timestamp ts) throws SQLException {
            this.connection = c;
            this.insertEvent = c.prepareStatement("INSERT INTO alert_events (id, sequence_no, event_type, partnership,"
                    + " indicator, area, period, severity, previous_severity, level_no, recipient, reading_id, payload,"
                    + " created_at, alert_id, occurred_at, actor, silenced, history) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            this.insertDelivery = c.prepareStatement("INSERT INTO deliveries (event_id, sink, status, attempts,"
                    + " next_attempt_at) VALUES (?,?,'PENDING',0,?)");
            // the same columns in the same order, so that one binding serves both
            this.updateAlert = c.prepareStatement("UPDATE alerts SET kind = ?, partnership = ?, indicator = ?, area = ?,"
                    + " period = ?, priority = ?, severity = ?, level_no = ?, opened_at = ?, closed_at = ?, acknowledged_by = ?,"
                    + " acknowledged_at = ?, state = ?, updated_at = ? WHERE id = ?");
            this.insertAlert = c.prepareStatement("INSERT INTO alerts (kind, partnership, indicator, area, period, priority,"
                    + " severity, level_no, opened_at, closed_at, acknowledged_by, acknowledged_at, state, updated_at, id)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            this.sinks = sinks;
            this.ts = ts;
        }

        /** An event to write at {@link #flush}, unless it is stored already or was given before. */
        void event(AlertEvent e, Long readingId) {
            events.putIfAbsent(e.id(), Map.entry(e, readingId == null ? NO_READING : readingId));
        }

        private void bindEvent(AlertEvent e, long readingId) throws SQLException {
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
            if (readingId == NO_READING) {
                insertEvent.setNull(12, java.sql.Types.BIGINT);
            } else {
                insertEvent.setLong(12, readingId);
            }
            insertEvent.setString(13, AlertEventCodec.encode(e));
            insertEvent.setTimestamp(14, ts);
            insertEvent.setString(15, e.alertId());
            insertEvent.setTimestamp(16, e.at() == null ? null : Timestamp.from(e.at()));
            insertEvent.setString(17, cut(e.actor(), 200));
            insertEvent.setBoolean(18, e.silenced());
            insertEvent.setBoolean(19, e.history());
            insertEvent.addBatch();
            if (!e.delivered()) {
                return;
            }
            for (Sink sink : sinks) {
                insertDelivery.setString(1, e.id());
                insertDelivery.setString(2, sink.name());
                insertDelivery.setTimestamp(3, ts);
                insertDelivery.addBatch();
            }
        }

        /** Which of the event ids are stored already: one query per {@value #ID_QUERY_CHUNK} ids. */
        private Set<String> stored(List<String> ids) throws SQLException {
            Set<String> out = new HashSet<>();
            for (int from = 0; from < ids.size(); from += ID_QUERY_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ID_QUERY_CHUNK));
                try (PreparedStatement s = connection.prepareStatement("SELECT id FROM alert_events WHERE id IN ("
                        + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        }

        void state(AlertState s) {
            states.put(s.id(), s);
        }

        /**
         * Writes what was given, each kind in one batch: the events not stored already, then their deliveries, then
         * each alert's state (updated, and inserted where no row was there to update).
         */
        void flush() throws SQLException {
            if (!events.isEmpty()) {
                Set<String> before = stored(new ArrayList<>(events.keySet()));
                for (Map.Entry<AlertEvent, Long> e : events.values()) {
                    if (!before.contains(e.getKey().id())) {
                        bindEvent(e.getKey(), e.getValue());
                    }
                }
                insertEvent.executeBatch();
                insertDelivery.executeBatch();
            }
            if (states.isEmpty()) {
                return;
            }
            List<AlertState> all = new ArrayList<>(states.values());
            for (AlertState s : all) {
                bindAlert(updateAlert, s);
                updateAlert.addBatch();
            }
            int[] updated = updateAlert.executeBatch();
            boolean inserts = false;
            for (int i = 0; i < all.size(); i++) {
                if (updated[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                    throw new SQLException("the driver did not say whether alert " + all.get(i).id() + " was updated");
                }
                if (updated[i] == 0) {
                    bindAlert(insertAlert, all.get(i));
                    insertAlert.addBatch();
                    inserts = true;
                }
            }
            if (inserts) {
                insertAlert.executeBatch();
            }
        }

        private void bindAlert(PreparedStatement st, AlertState s) throws SQLException {
            st.setString(1, s.kind().name());
            st.setString(2, s.partnership());
            st.setString(3, s.indicator());
            st.setString(4, s.area());
            st.setString(5, s.period().toString());
            st.setString(6, s.priority());
            st.setString(7, s.severity().name());
            st.setInt(8, s.level());
            st.setTimestamp(9, Timestamp.from(s.openedAt()));
            st.setTimestamp(10, s.closedAt() == null ? null : Timestamp.from(s.closedAt()));
            st.setString(11, cut(s.acknowledgedBy(), 200));
            st.setTimestamp(12, s.acknowledgedAt() == null ? null : Timestamp.from(s.acknowledgedAt()));
            st.setString(13, AlertStateCodec.encode(s));
            st.setTimestamp(14, ts);
            st.setString(15, s.id());
        }

        @Override
        public void close() throws SQLException {
            try (insertEvent; insertDelivery; updateAlert; insertAlert) {
                // closes every statement, even when one fails to close
            }
        }
    }

    @Override
    public int addRuleSetVersion(String checksum, Map<String, String> files, String status, String by, String comment,
                                 String errors, Instant at) {
        String filesJson;
        try {
            filesJson = FILES.writeValueAsString(files);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
        return transaction("could not store the rule set", c -> {
            int version;
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM rule_set_versions"
                    + " WHERE partnership = ?")) {
                s.setString(1, rulesOf());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO rule_set_versions (version, checksum, files, status,"
                    + " created_at, created_by, comment, errors, partnership) VALUES (?,?,?,?,?,?,?,?,?)")) {
                s.setInt(1, version);
                s.setString(2, checksum);
                s.setString(3, filesJson);
                s.setString(4, status);
                s.setTimestamp(5, Timestamp.from(at));
                s.setString(6, cut(by, 64));
                s.setString(7, cut(comment, 500));
                s.setString(8, cut(errors, 100_000));
                s.setString(9, rulesOf());
                s.executeUpdate();
            }
            return version;
        });
    }

    @Override
    public List<RuleSetVersion> ruleSetVersions() {
        List<RuleSetVersion> out = new ArrayList<>();
        query("SELECT version, checksum, status, created_at, created_by, comment, activated_at, errors FROM rule_set_versions"
                + " WHERE partnership = ? ORDER BY version DESC", st -> st.setString(1, rulesOf()), rs -> out.add(version(rs, Map.of())));
        return out;
    }

    @Override
    public java.util.Optional<RuleSetVersion> ruleSetVersion(int version) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT version, checksum, status, created_at, created_by, comment,"
                     + " activated_at, errors, files FROM rule_set_versions WHERE version = ? AND partnership = ?")) {
            s.setInt(1, version);
            s.setString(2, rulesOf());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                Map<String, String> files = FILES.readValue(rs.getString(9),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
                return java.util.Optional.of(version(rs, files));
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("could not read rule set version " + version + ": " + e.getMessage(), e);
        }
    }

    private static RuleSetVersion version(ResultSet rs, Map<String, String> files) throws SQLException {
        Timestamp activated = rs.getTimestamp(7);
        return new RuleSetVersion(rs.getInt(1), rs.getString(2), files, rs.getString(3), rs.getTimestamp(4).toInstant(),
                rs.getString(5), rs.getString(6), activated == null ? null : activated.toInstant(), rs.getString(8));
    }

    @Override
    public void activate(int version, List<Assessment> changed, List<AlertEvent> events, List<AlertState> alerts,
                         Set<Sink> sinks, Instant at) {
        Timestamp ts = Timestamp.from(at);
        transaction("could not activate rule set version " + version, c -> {
            String ruleSet = checksumOf(c, version);
            try (PreparedStatement insertAssessment = c.prepareStatement(INSERT_ASSESSMENT)) {
                for (Assessment a : changed) {
                    addAssessment(insertAssessment, a, null, ruleSet, RULE_CHANGE, ts);
                }
                insertAssessment.executeBatch();
            }
            activated(c, version, events, alerts, sinks, ts);
            return null;
        });
    }

    /** The cause stored with the assessments a rule set change alters. */
    private static final String RULE_CHANGE = "rule change";

    /** The checksum of a stored version of this store's rule set. */
    private String checksumOf(Connection c, int version) throws SQLException {
        try (PreparedStatement checksum = c.prepareStatement("SELECT checksum FROM rule_set_versions WHERE version = ?"
                + " AND partnership = ?")) {
            checksum.setInt(1, version);
            checksum.setString(2, rulesOf());
            try (ResultSet rs = checksum.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no rule set version " + version);
                }
                return rs.getString(1);
            }
        }
    }

    /** Makes a version the active one (the one active before retired) with the alert events and alerts it brings. */
    private void activated(Connection c, int version, List<AlertEvent> events, List<AlertState> alerts, Set<Sink> sinks,
                           Timestamp ts) throws SQLException {
        try (PreparedStatement retire = c.prepareStatement("UPDATE rule_set_versions SET status = 'RETIRED'"
                + " WHERE status = 'ACTIVE' AND version <> ? AND partnership = ?");
             PreparedStatement activate = c.prepareStatement("UPDATE rule_set_versions SET status = 'ACTIVE',"
                     + " activated_at = ? WHERE version = ? AND partnership = ?");
             AlertWriter writer = new AlertWriter(c, sinks, ts)) {
            retire.setInt(1, version);
            retire.setString(2, rulesOf());
            retire.executeUpdate();
            activate.setTimestamp(1, ts);
            activate.setInt(2, version);
            activate.setString(3, rulesOf());
            activate.executeUpdate();
            for (AlertEvent e : events) {
                writer.event(e, null);
            }
            alerts.forEach(writer::state);
            writer.flush();
        }
    }

    /**
     * An activation whose assessments are written ahead in transactions of their own, {@value #WRITE_AHEAD_CHUNK} rows
     * each, marked with the activation's id (a row of rule_set_activations, WRITING until the end): they hold up no
     * other transaction for long, and the final transaction ({@link PendingActivation#finish}: the ownership check, the
     * activation marked DONE, the few rows withdrawn or added, the version's status and the alerts) stays small. A row
     * of an activation not DONE is not in force (the view assessments_in_force); closing one unfinished deletes what it
     * wrote, and what a crash left behind is deleted when the partnership's next activation begins.
     */
    @Override
    public PendingActivation beginActivation(int version, Instant at) {
        String failure = "could not activate rule set version " + version;
        Timestamp ts = Timestamp.from(at);
        Begun begun = transaction(failure, c -> {
            abandonUnfinishedActivations(c);
            String checksum = checksumOf(c, version); // a version that is not stored fails here, before anything is written
            try (PreparedStatement s = c.prepareStatement("INSERT INTO rule_set_activations (partnership, version, status,"
                    + " started_at) VALUES (?,?,'" + WRITING + "',?)", new String[] {"id"})) {
                s.setString(1, rulesOf());
                s.setInt(2, version);
                s.setTimestamp(3, ts);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("the database gave no id for the activation");
                    }
                    return new Begun(keys.getLong(1), checksum);
                }
            }
        });
        long activation = begun.id();
        String ruleSet = begun.ruleSet();
        return new PendingActivation() {
            private boolean open = true;

            @Override
            public void write(List<Assessment> changed) {
                requireOpen();
                try {
                    for (int from = 0; from < changed.size(); from += WRITE_AHEAD_CHUNK) {
                        List<Assessment> chunk = changed.subList(from, Math.min(changed.size(), from + WRITE_AHEAD_CHUNK));
                        // no fence check: nothing written here is in force before finish, which checks it
                        try (Connection c = dataSource.getConnection()) {
                            c.setAutoCommit(false);
                            try (PreparedStatement insert = c.prepareStatement(INSERT_ACTIVATION_ASSESSMENT)) {
                                for (Assessment a : chunk) {
                                    addActivationAssessment(insert, a, ruleSet, ts, activation);
                                }
                                insert.executeBatch();
                                c.commit();
                            } catch (SQLException | RuntimeException e) {
                                c.rollback();
                                throw e;
                            }
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    close();
                    if (e instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new StoreException(failure + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void finish(List<Assessment> withdrawn, List<Assessment> changed, List<AlertEvent> events,
                               List<AlertState> alerts, Set<Sink> sinks) {
                requireOpen();
                try {
                    transaction(failure, c -> {
                        try (PreparedStatement done = c.prepareStatement("UPDATE rule_set_activations SET status = '" + DONE
                                + "' WHERE id = ? AND status = '" + WRITING + "'")) {
                            done.setLong(1, activation);
                            if (done.executeUpdate() != 1) {
                                throw new SQLException("the activation was abandoned meanwhile (another began)");
                            }
                        }
                        try (PreparedStatement withdraw = c.prepareStatement("DELETE FROM assessments WHERE partnership = ?"
                                + " AND indicator = ? AND area = ? AND period = ? AND activation_id = ?")) {
                            for (Assessment a : withdrawn) {
                                withdraw.setString(1, a.partnership());
                                withdraw.setString(2, a.indicator());
                                withdraw.setString(3, a.area());
                                withdraw.setString(4, a.period().toString());
                                withdraw.setLong(5, activation);
                                withdraw.addBatch();
                            }
                            withdraw.executeBatch();
                        }
                        try (PreparedStatement insert = c.prepareStatement(INSERT_ACTIVATION_ASSESSMENT)) {
                            for (Assessment a : changed) {
                                addActivationAssessment(insert, a, ruleSet, ts, activation);
                            }
                            insert.executeBatch();
                        }
                        activated(c, version, events, alerts, sinks, ts);
                        return null;
                    });
                    open = false;
                } finally {
                    close(); // committed, or not: then what was written ahead is deleted
                }
            }

            private void requireOpen() {
                if (!open) {
                    throw new IllegalStateException("the activation of version " + version + " is finished");
                }
            }

            @Override
            public void close() {
                if (!open) {
                    return;
                }
                open = false;
                try {
                    transaction(failure, c -> {
                        deleteActivation(c, activation);
                        return null;
                    });
                } catch (RuntimeException e) {
                    // the database is not answering: its rows are not in force, and the partnership's next activation
                    // deletes them
                }
            }
        };
    }

    /** An activation's row, and the checksum of the version it activates. */
    private record Begun(long id, String ruleSet) {
    }

    /** How many assessments an activation writes ahead per transaction. */
    static final int WRITE_AHEAD_CHUNK = 2_000;
    private static final String WRITING = "WRITING";
    private static final String DONE = "DONE";

    private static final String INSERT_ACTIVATION_ASSESSMENT = "INSERT INTO assessments (reading_id, partnership, indicator,"
            + " area, period, actual, expected, rating, direction, year_on_year, target_row, rule_set, cause, assessed_at,"
            + " activation_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private static void addActivationAssessment(PreparedStatement st, Assessment a, String ruleSet, Timestamp ts,
                                                long activation) throws SQLException {
        st.setLong(15, activation);
        addAssessment(st, a, null, ruleSet, RULE_CHANGE, ts);
    }

    /** Deletes what the partnership's activations left unfinished (a crash, or a failed clean-up) wrote ahead. */
    private void abandonUnfinishedActivations(Connection c) throws SQLException {
        List<Long> unfinished = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM rule_set_activations WHERE partnership = ?"
                + " AND status = '" + WRITING + "'")) {
            s.setString(1, rulesOf());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    unfinished.add(rs.getLong(1));
                }
            }
        }
        for (long id : unfinished) {
            deleteActivation(c, id);
        }
    }

    /** An activation not done, with what it wrote ahead. */
    private static void deleteActivation(Connection c, long activation) throws SQLException {
        try (PreparedStatement rows = c.prepareStatement("DELETE FROM assessments WHERE activation_id = ?");
             PreparedStatement row = c.prepareStatement("DELETE FROM rule_set_activations WHERE id = ? AND status <> '"
                     + DONE + "'")) {
            rows.setLong(1, activation);
            rows.executeUpdate();
            row.setLong(1, activation);
            row.executeUpdate();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper FILES = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public void forEachReading(Consumer<Reading> consumer) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT partnership, indicator, area, period, source, reading_value,"
                    + " reported_at, note FROM readings WHERE 1 = 1" + scoped("partnership") + " ORDER BY id")) {
                bindScope(s, 1);
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
    public java.util.Optional<StoredNote> latestNote(SeriesKey series, Period period) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT source, note FROM readings WHERE partnership = ? AND indicator = ?"
                     + " AND area = ? AND period = ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, series.partnership());
            s.setString(2, series.indicator());
            s.setString(3, series.area());
            s.setString(4, period.toString());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(2) != null
                        ? java.util.Optional.of(new StoredNote(rs.getString(1), rs.getString(2))) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read a reading's note: " + e.getMessage(), e);
        }
    }

    @Override
    public long readingCount() {
        long[] n = new long[1];
        query("SELECT COUNT(*) FROM readings WHERE 1 = 1" + scoped("partnership"), st -> bindScope(st, 1), rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    @Override
    public Map<SeriesKey, Long> eventSequences() {
        Map<SeriesKey, Long> out = new HashMap<>();
        query("SELECT partnership, indicator, area, MAX(sequence_no) FROM alert_events WHERE 1 = 1" + scoped("partnership")
                + " GROUP BY partnership, indicator, area", st -> bindScope(st, 1), rs -> out.put(new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4)));
        return out;
    }

    @Override
    public List<Delivery> dueDeliveries(Sink sink, Instant now, int limit) {
        return deliveries("d.sink = ? AND d.status = 'PENDING' AND d.next_attempt_at <= ?", s -> {
            s.setString(1, sink.name());
            s.setTimestamp(2, Timestamp.from(now));
        }, limit);
    }

    @Override
    public List<Delivery> dueDeliveries(Sink sink, Instant now, int limit, java.util.Collection<Long> except) {
        if (except.isEmpty()) {
            return dueDeliveries(sink, now, limit);
        }
        List<Long> skip = List.copyOf(except);
        return deliveries("d.sink = ? AND d.status = 'PENDING' AND d.next_attempt_at <= ? AND d.id NOT IN ("
                + String.join(", ", Collections.nCopies(skip.size(), "?")) + ")", s -> {
                    s.setString(1, sink.name());
                    s.setTimestamp(2, Timestamp.from(now));
                    for (int i = 0; i < skip.size(); i++) {
                        s.setLong(i + 3, skip.get(i));
                    }
                }, limit);
    }

    /**
     * In one transaction: the relay's own due claims with more than half their lease left are taken as they are; the
     * other due rows it may take are locked with {@code FOR UPDATE SKIP LOCKED} (H2 2.x and PostgreSQL both have it),
     * so a relay claiming at the same moment passes over them rather than waiting (on PostgreSQL to the next due rows;
     * H2 counts the skipped ones within the limit), and marked with the relay and the end of its lease; then the rows
     * are read with their events.
     */
    @Override
    public List<Delivery> claimDeliveries(Sink sink, String relay, Instant now, java.time.Duration lease, int limit) {
        return markSentAndClaim(List.of(), null, now, sink, relay, now, lease, limit);
    }

    /**
     * As {@link #claimDeliveries}, with the deliveries sent before marked sent first, in the same transaction: a relay
     * that publishes batch after batch commits once a batch, not twice.
     */
    @Override
    public List<Delivery> markSentAndClaim(List<Long> sent, String answer, Instant sentAt, Sink sink, String relay,
                                           Instant now, java.time.Duration lease, int limit) {
        if (limit < 1 || limit > ID_QUERY_CHUNK) {
            throw new IllegalArgumentException("claim between 1 and " + ID_QUERY_CHUNK + " deliveries at a time, not " + limit);
        }
        Timestamp at = Timestamp.from(now);
        // the relay's own claims with more than half their lease to run come back as they are: no other relay takes them
        // before it runs out, so they need neither a lock nor a renewal (a mail held for its group wait is read at every
        // mail run, and renewing it each time rewrote its row and each of its indexes)
        Timestamp fresh = Timestamp.from(now.plus(lease.dividedBy(2)));
        return transaction("could not claim " + sink + " deliveries for " + relay, c -> {
            markSent(c, sent, answer, sentAt);
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM deliveries WHERE sink = ? AND status = 'PENDING'"
                    + " AND next_attempt_at <= ? AND claimed_by = ? AND claimed_until > ? ORDER BY id FETCH FIRST " + limit
                    + " ROWS ONLY")) {
                s.setString(1, sink.name());
                s.setTimestamp(2, at);
                s.setString(3, relay);
                s.setTimestamp(4, fresh);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            List<Long> claimed = new ArrayList<>();
            if (ids.size() < limit) {
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM deliveries WHERE sink = ? AND status = 'PENDING'"
                        + " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?"
                        + " OR (claimed_by = ? AND claimed_until <= ?)) ORDER BY id FETCH FIRST " + (limit - ids.size())
                        + " ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                    s.setString(1, sink.name());
                    s.setTimestamp(2, at);
                    s.setTimestamp(3, at);
                    s.setString(4, relay);
                    s.setTimestamp(5, fresh);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            claimed.add(rs.getLong(1));
                        }
                    }
                }
            }
            if (!claimed.isEmpty()) {
                claim(c, claimed, relay, Timestamp.from(now.plus(lease)), false);
                ids.addAll(claimed);
            }
            if (ids.isEmpty()) {
                return List.<Delivery>of();
            }
            return deliveries(c, "d.claimed_by = ? AND d.status = 'PENDING' AND d.id IN ("
                    + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")", s -> {
                        s.setString(1, relay);
                        for (int i = 0; i < ids.size(); i++) {
                            s.setLong(i + 2, ids.get(i));
                        }
                    }, limit);
        });
    }

    @Override
    public List<Long> keepClaims(List<Long> deliveryIds, String relay, Instant now, java.time.Duration lease) {
        if (deliveryIds.isEmpty()) {
            return List.of();
        }
        Set<Long> kept = transaction("could not renew " + relay + "'s claims", c -> {
            claim(c, deliveryIds, relay, Timestamp.from(now.plus(lease)), true);
            Set<Long> out = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM deliveries WHERE claimed_by = ? AND status = 'PENDING'"
                    + " AND id IN (" + String.join(", ", Collections.nCopies(deliveryIds.size(), "?")) + ")")) {
                s.setString(1, relay);
                for (int i = 0; i < deliveryIds.size(); i++) {
                    s.setLong(i + 2, deliveryIds.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
        return deliveryIds.stream().filter(kept::contains).toList();
    }

    /** Sets the relay's claim until {@code until} on the rows named (of them, when {@code renew}, the relay's pending ones). */
    private static void claim(Connection c, List<Long> ids, String relay, Timestamp until, boolean renew)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")"
                + (renew ? " AND claimed_by = ? AND status = 'PENDING'" : ""))) {
            s.setString(1, relay);
            s.setTimestamp(2, until);
            for (int i = 0; i < ids.size(); i++) {
                s.setLong(i + 3, ids.get(i));
            }
            if (renew) {
                s.setString(ids.size() + 3, relay);
            }
            s.executeUpdate();
        }
    }

    @Override
    public List<Delivery> inDoubtDeliveries(int limit) {
        return deliveries("d.status = 'INDOUBT'", s -> { }, limit);
    }

    private List<Delivery> deliveries(String where, Binder binder, int limit) {
        try (Connection c = dataSource.getConnection()) {
            return deliveries(c, where, binder, limit);
        } catch (SQLException e) {
            throw new StoreException("could not read the outbox: " + e.getMessage(), e);
        }
    }

    private static List<Delivery> deliveries(Connection c, String where, Binder binder, int limit) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT d.id, d.sink, d.attempts, e.payload, d.folded FROM deliveries d"
                + " JOIN alert_events e ON e.id = d.event_id WHERE " + where + " ORDER BY d.id")) {
            binder.bind(s);
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getLong(1), Sink.valueOf(rs.getString(2)), rs.getInt(3),
                            AlertEventCodec.decode(rs.getString(4)), rs.getBoolean(5)));
                }
            }
        }
        return out;
    }

    @Override
    public boolean settleInDoubt(long deliveryId, boolean resend, String by, Instant at) {
        String sql = resend
                ? "UPDATE deliveries SET status = 'PENDING', next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'INDOUBT'"
                : "UPDATE deliveries SET status = 'SENT', sent_at = ?, answer = ? WHERE id = ? AND status = 'INDOUBT'";
        String note = (resend ? "in doubt; released to be sent again by " : "in doubt; confirmed as made by ") + by;
        return transaction("could not settle delivery " + deliveryId + " in doubt", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setTimestamp(1, Timestamp.from(at));
                s.setString(2, cut(note, MAX_ERROR));
                s.setLong(3, deliveryId);
                if (s.executeUpdate() != 1) {
                    return false;
                }
            }
            if (!resend) {
                // a mail confirmed as made counts toward its recipient's budget for the day it is confirmed
                countMails(c, List.of(deliveryId), null, Timestamp.from(at));
            }
            return true;
        });
    }

    @Override
    public void markSent(long deliveryId, String answer, Instant at) {
        transaction("could not mark delivery " + deliveryId + " sent", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET status = 'SENT', attempts = attempts + 1,"
                    + " answer = ?, sent_at = ? WHERE id = ?")) {
                s.setString(1, cut(answer, MAX_ERROR));
                s.setTimestamp(2, Timestamp.from(at));
                s.setLong(3, deliveryId);
                s.executeUpdate();
            }
            // an email delivery sent on its own is a mail of its own, named by the delivery
            countMails(c, List.of(deliveryId), null, Timestamp.from(at));
            return null;
        });
    }

    @Override
    public void markSent(List<Long> deliveryIds, String answer, Instant at) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        transaction("could not mark " + deliveryIds.size() + " deliveries sent", c -> {
            markSent(c, deliveryIds, answer, at);
            return null;
        });
    }

    @Override
    public void markSent(List<SentBatch> batches) {
        if (batches.stream().allMatch(b -> b.deliveryIds().isEmpty())) {
            return;
        }
        transaction("could not mark " + batches.size() + " batches of deliveries sent", c -> {
            for (SentBatch b : batches) {
                markSent(c, b.deliveryIds(), b.answer(), b.at());
            }
            return null;
        });
    }

    /** Marks deliveries sent with one answer, in statements of up to {@link #ID_QUERY_CHUNK} ids. */
    private static void markSent(Connection c, List<Long> deliveryIds, String answer, Instant at) throws SQLException {
        for (int from = 0; from < deliveryIds.size(); from += ID_QUERY_CHUNK) {
            List<Long> chunk = deliveryIds.subList(from, Math.min(deliveryIds.size(), from + ID_QUERY_CHUNK));
            try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET status = 'SENT', attempts = attempts + 1,"
                    + " answer = ?, sent_at = ? WHERE id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ")")) {
                s.setString(1, cut(answer, MAX_ERROR));
                s.setTimestamp(2, Timestamp.from(at));
                for (int i = 0; i < chunk.size(); i++) {
                    s.setLong(i + 3, chunk.get(i));
                }
                s.executeUpdate();
            }
        }
    }

    @Override
    public void markMailed(List<Long> deliveryIds, String mailId, String answer, Instant at) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(deliveryIds.size(), "?"));
        transaction("could not mark " + deliveryIds.size() + " deliveries mailed", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET status = 'SENT', attempts = attempts + 1,"
                    + " answer = ?, sent_at = ?, mail_id = ? WHERE id IN (" + marks + ")")) {
                s.setString(1, cut(answer, MAX_ERROR));
                s.setTimestamp(2, Timestamp.from(at));
                s.setString(3, cut(mailId, 100));
                for (int i = 0; i < deliveryIds.size(); i++) {
                    s.setLong(i + 4, deliveryIds.get(i));
                }
                s.executeUpdate();
            }
            countMails(c, deliveryIds, cut(mailId, 100), Timestamp.from(at));
            return null;
        });
    }

    /**
     * Notes the mail that the email deliveries among {@code deliveryIds} went in, once for each recipient (of each
     * partnership) it went to, for the daily mail budget: one mail named {@code mailId}, or, when that is null, a mail
     * of each delivery, named by its id. A mail noted before is not noted again. Deliveries of other sinks are no mail.
     */
    private static void countMails(Connection c, List<Long> deliveryIds, String mailId, Timestamp at) throws SQLException {
        String name = mailId == null ? "CAST(d.id AS VARCHAR(40))" : "CAST(? AS VARCHAR(100))";
        for (int from = 0; from < deliveryIds.size(); from += ID_QUERY_CHUNK) {
            List<Long> chunk = deliveryIds.subList(from, Math.min(deliveryIds.size(), from + ID_QUERY_CHUNK));
            try (PreparedStatement s = c.prepareStatement("INSERT INTO mails_sent (mail_id, partnership, recipient, sent_at)"
                    + " SELECT DISTINCT " + name + ", e.partnership, e.recipient, CAST(? AS TIMESTAMP WITH TIME ZONE)"
                    + " FROM deliveries d JOIN alert_events e ON e.id = d.event_id"
                    + " WHERE d.sink = 'EMAIL' AND d.id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")"
                    + " AND NOT EXISTS (SELECT 1 FROM mails_sent m WHERE m.mail_id = " + name
                    + " AND m.partnership = e.partnership AND m.recipient = e.recipient)")) {
                int i = 1;
                if (mailId != null) {
                    s.setString(i++, mailId);
                }
                s.setTimestamp(i++, at);
                for (long id : chunk) {
                    s.setLong(i++, id);
                }
                if (mailId != null) {
                    s.setString(i++, mailId);
                }
                s.executeUpdate();
            }
        }
    }

    @Override
    public int mailsSentTo(String partnership, String recipient, Instant since) {
        int[] count = new int[1];
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM mails_sent"
                     + " WHERE partnership = ? AND recipient = ? AND sent_at >= ?")) {
            s.setString(1, partnership);
            s.setString(2, recipient);
            s.setTimestamp(3, Timestamp.from(since));
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    count[0] = rs.getInt(1);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count the mails sent to " + recipient + " of " + partnership, e);
        }
        return count[0];
    }

    @Override
    public NoiseCounts noiseCounts() {
        Map<String, Long> byType = new java.util.TreeMap<>();
        Map<String, Long> byRecipient = new java.util.TreeMap<>();
        query("SELECT event_type, COUNT(*) FROM alert_events GROUP BY event_type", rs -> byType.put(rs.getString(1), rs.getLong(2)));
        query("SELECT recipient, COUNT(*) FROM alert_events GROUP BY recipient", rs -> byRecipient.put(rs.getString(1), rs.getLong(2)));
        long[] n = new long[6];
        query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN silenced THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN history THEN 1 ELSE 0 END), 0) FROM alert_events", rs -> {
                    n[0] = rs.getLong(1);
                    n[1] = rs.getLong(2);
                    n[2] = rs.getLong(3);
                });
        query("SELECT COUNT(DISTINCT COALESCE(mail_id, CAST(id AS VARCHAR(40)))), COUNT(*) FROM deliveries"
                + " WHERE sink = 'EMAIL' AND status = 'SENT'", rs -> {
                    n[3] = rs.getLong(1);
                    n[4] = rs.getLong(2);
                });
        query("SELECT COUNT(*) FROM deliveries WHERE folded", rs -> n[5] = rs.getLong(1));
        return new NoiseCounts(n[0], byType, byRecipient, n[1], n[2], n[3], n[4], n[5]);
    }

    @Override
    public void markFolded(List<Long> deliveryIds, Instant until, String why) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(deliveryIds.size(), "?"));
        update("UPDATE deliveries SET folded = TRUE, next_attempt_at = ?, last_error = ? WHERE status = 'PENDING' AND id IN ("
                + marks + ")", s -> {
                    s.setTimestamp(1, Timestamp.from(until));
                    s.setString(2, cut(why, MAX_ERROR));
                    for (int i = 0; i < deliveryIds.size(); i++) {
                        s.setLong(i + 3, deliveryIds.get(i));
                    }
                });
    }

    @Override
    public void markHandedOver(List<Long> deliveryIds, Instant at) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(deliveryIds.size(), "?"));
        update("UPDATE deliveries SET status = 'INDOUBT', last_error = ? WHERE status = 'PENDING' AND id IN (" + marks + ")",
                s -> {
                    s.setString(1, "handed to the sink at " + at + " without an answer yet");
                    for (int i = 0; i < deliveryIds.size(); i++) {
                        s.setLong(i + 2, deliveryIds.get(i));
                    }
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
    public long newestDeliveryId() {
        long[] id = new long[1];
        query("SELECT COALESCE(MAX(id), 0) FROM deliveries", rs -> id[0] = rs.getLong(1));
        return id[0];
    }

    @Override
    public DeliveryCounts deliveryCounts() {
        long[] counts = new long[4];
        query("SELECT status, COUNT(*) FROM deliveries GROUP BY status", rs -> {
            switch (rs.getString(1)) {
                case "PENDING" -> counts[0] = rs.getLong(2);
                case "SENT" -> counts[1] = rs.getLong(2);
                case "PARKED" -> counts[2] = rs.getLong(2);
                case "INDOUBT" -> counts[3] = rs.getLong(2);
                default -> {
                }
            }
        });
        return new DeliveryCounts(counts[0], counts[1], counts[2], counts[3]);
    }

    @Override
    public void addCommentary(Commentary c) {
        update("INSERT INTO commentary (partnership, indicator, area, period, body, author, written_at) VALUES (?,?,?,?,?,?,?)",
                s -> {
                    s.setString(1, c.partnership());
                    s.setString(2, c.indicator());
                    s.setString(3, c.area());
                    s.setString(4, c.period().toString());
                    s.setString(5, c.text());
                    s.setString(6, c.author());
                    s.setTimestamp(7, Timestamp.from(c.writtenAt()));
                });
    }

    private static final String COMMENTARY = "SELECT partnership, indicator, area, period, body, author, written_at"
            + " FROM commentary WHERE ";

    /** Rows in the order they were stored, so that the latest of an indicator is put last. */
    @Override
    public Map<String, Commentary> commentaries(String partnership, String area, Period period) {
        Map<String, Commentary> out = new java.util.TreeMap<>();
        commentary(COMMENTARY + "partnership = ? AND area = ? AND period = ? ORDER BY id", s -> {
            s.setString(1, partnership);
            s.setString(2, area);
            s.setString(3, period.toString());
        }, 0, c -> out.put(c.indicator(), c));
        return out;
    }

    /** Commentary periods are quarters, whose notation sorts as they follow each other. */
    @Override
    public Optional<Commentary> latestCommentary(SeriesKey series) {
        List<Commentary> out = new ArrayList<>();
        commentary(COMMENTARY + "partnership = ? AND indicator = ? AND area = ? ORDER BY period DESC, id DESC", s -> {
            s.setString(1, series.partnership());
            s.setString(2, series.indicator());
            s.setString(3, series.area());
        }, 1, out::add);
        return out.stream().findFirst();
    }

    private void commentary(String sql, Binder binder, int limit, Consumer<Commentary> consumer) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(new Commentary(rs.getString(1), rs.getString(2), rs.getString(3),
                            Period.parse(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the commentary: " + e.getMessage(), e);
        }
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

    /** Closes the database, unless this is a partnership's view of it (the whole store's owner closes it). */
    @Override
    public void close() {
        if (view) {
            return;
        }
        if (housekeeping != null) {
            housekeeping.close();
        }
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
        query(sql, st -> { }, row);
    }

    private void query(String sql, Binder binder, Row row) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }

    /** Runs one statement (in a transaction with the fence's check, under a fence); returns how many rows it changed. */
    private int update(String sql, Binder binder) {
        if (fence != null) {
            return transaction("update failed", c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    binder.bind(s);
                    return s.executeUpdate();
                }
            });
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("update failed: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
