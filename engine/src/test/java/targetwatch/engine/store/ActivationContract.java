package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static targetwatch.engine.store.StoreContract.NOW;
import static targetwatch.engine.store.StoreContract.NO_SINKS;
import static targetwatch.engine.store.StoreContract.assessment;
import static targetwatch.engine.store.StoreContract.event;
import static targetwatch.engine.store.StoreContract.reading;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/**
 * An activation written in two steps ({@link Store#beginActivation}), against each database targetwatch supports: what
 * is written ahead is committed in chunks while saves go on, and is in force (the view assessments_in_force) only once
 * the final transaction switches it on; closing it unfinished, the final transaction failing, losing the partnership
 * or a crash between the chunks and the switch leave the version as it was and nothing of it in force.
 */
abstract class ActivationContract {

    Store store;
    private String url;

    /** The JDBC URL of an empty database. */
    abstract String emptyDatabase() throws Exception;

    abstract String user();

    abstract String password();

    @BeforeEach
    void open() throws Exception {
        url = emptyDatabase();
        store = JdbcStore.open(url, user(), password());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** A store on the same database, as a restarted service opens it. */
    private JdbcStore reopen() {
        return JdbcStore.open(url, user(), password());
    }

    /** A count over the database, in a connection of its own. */
    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user(), password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The periods of the assessments in force stored with the cause "rule change", in order. */
    private List<String> ruleChangePeriodsInForce() throws Exception {
        try (Connection c = DriverManager.getConnection(url, user(), password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT period FROM assessments_in_force WHERE cause = 'rule change'"
                     + " ORDER BY period")) {
            List<String> periods = new ArrayList<>();
            while (rs.next()) {
                periods.add(rs.getString(1));
            }
            return periods;
        }
    }

    private long ruleChangeRowsStored() throws Exception {
        return count("SELECT COUNT(*) FROM assessments WHERE cause = 'rule change'");
    }

    /** {@code n} assessments of distinct months: more than one chunk of what is written ahead when n is large. */
    private static List<Assessment> months(int n) {
        List<Assessment> out = new ArrayList<>();
        Period p = Period.parse("1950-01");
        Assessment template = assessment("2015", "60", Rating.RED);
        for (int i = 0; i < n; i++) {
            out.add(new Assessment(template.partnership(), template.indicator(), template.area(), p, template.actual(),
                    template.expected(), Rating.AMBER, template.direction(), template.yearOnYear(), template.targetRow()));
            p = p.next();
        }
        return out;
    }

    private int candidate(String checksum) {
        return store.addRuleSetVersion(checksum, Map.of("targets.csv", checksum), RuleSetVersion.CANDIDATE, "folder", null,
                null, NOW);
    }

    @Test
    void what_is_written_ahead_is_in_force_only_after_finish_less_what_was_withdrawn_plus_the_rest_and_holds_up_no_save()
            throws Exception {
        int version = candidate("c1");
        try (Store.PendingActivation pending = store.beginActivation(version, NOW)) {
            pending.write(List.of(assessment("2015", "60", Rating.RED), assessment("2016", "61", Rating.RED)));
            // readings keep being stored while the activation is open
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> store.save(List.of(new StoredReading(reading("2017", "68"),
                    "a", List.of(assessment("2017", "68", Rating.RED)), List.of(), List.of())), NO_SINKS, "abc", NOW));
            assertEquals(2, ruleChangeRowsStored(), "written ahead: committed");
            assertEquals(List.of(), ruleChangePeriodsInForce(), "and not in force before the switch");
            pending.finish(List.of(assessment("2016", "61", Rating.RED)), List.of(assessment("2014", "59", Rating.AMBER)),
                    List.of(event(1, AlertEventType.RAISED, "2015")), List.of(), NO_SINKS);
        }
        assertEquals(List.of("2014", "2015"), ruleChangePeriodsInForce());
        assertEquals(2, ruleChangeRowsStored(), "the withdrawn row is gone");
        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(version).orElseThrow().status());
        assertEquals(1, store.readingCount());
        assertEquals(3, count("SELECT COUNT(*) FROM assessments_in_force"), "the reading's assessment is in force too");
    }

    @Test
    void an_activation_closed_unfinished_leaves_nothing_and_the_version_a_candidate() throws Exception {
        int version = candidate("c1");
        try (Store.PendingActivation pending = store.beginActivation(version, NOW)) {
            pending.write(months(JdbcStore.WRITE_AHEAD_CHUNK + 1));
        }
        assertEquals(0, ruleChangeRowsStored());
        assertEquals(RuleSetVersion.CANDIDATE, store.ruleSetVersion(version).orElseThrow().status());
    }

    @Test
    void a_crash_between_the_chunks_and_the_switch_leaves_the_old_rule_set_active_and_nothing_of_the_change_in_force()
            throws Exception {
        int old = candidate("c1");
        store.activate(old, List.of(assessment("2010", "50", Rating.GREEN)), List.of(), List.of(), NO_SINKS, NOW);
        int version = candidate("c2");
        Store.PendingActivation pending = store.beginActivation(version, NOW);
        pending.write(months(2 * JdbcStore.WRITE_AHEAD_CHUNK + 1)); // three chunks, each committed
        assertEquals(2L * JdbcStore.WRITE_AHEAD_CHUNK + 2, ruleChangeRowsStored(), "the chunks were committed");
        // the process dies here: never finished, never closed
        store.close();
        store = reopen();

        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(old).orElseThrow().status());
        assertEquals(RuleSetVersion.CANDIDATE, store.ruleSetVersion(version).orElseThrow().status());
        assertEquals(List.of("2010"), ruleChangePeriodsInForce(), "only the old activation's rows are in force");

        // the next activation clears what the crash left, and puts only its own in force
        try (Store.PendingActivation next = store.beginActivation(version, NOW.plusSeconds(60))) {
            assertEquals(1, ruleChangeRowsStored(), "what the crash left is gone");
            next.write(List.of(assessment("2016", "61", Rating.RED)));
            next.finish(List.of(), List.of(), List.of(), List.of(), NO_SINKS);
        }
        assertEquals(List.of("2010", "2016"), ruleChangePeriodsInForce());
        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(version).orElseThrow().status());
        assertEquals(RuleSetVersion.RETIRED, store.ruleSetVersion(old).orElseThrow().status());
    }

    @Test
    void a_final_transaction_that_fails_puts_nothing_in_force_and_deletes_what_was_written_ahead() throws Exception {
        int version = candidate("c1");
        Store.PendingActivation pending = store.beginActivation(version, NOW);
        pending.write(months(JdbcStore.WRITE_AHEAD_CHUNK + 1));

        assertThrows(StoreException.class, () -> pending.finish(List.of(), List.of(assessment("2016", "61", Rating.RED)),
                List.of(event(1, AlertEventType.RAISED, "2015")), List.of(StoreContract.unstorable()), NO_SINKS));

        assertEquals(0, ruleChangeRowsStored());
        assertEquals(0, count("SELECT COUNT(*) FROM alert_events"));
        assertEquals(RuleSetVersion.CANDIDATE, store.ruleSetVersion(version).orElseThrow().status());
        assertThrows(IllegalStateException.class, () -> pending.finish(List.of(), List.of(), List.of(), List.of(), NO_SINKS),
                "a failed activation cannot be finished again");
    }

    @Test
    void an_activation_that_loses_the_partnership_before_the_switch_puts_nothing_in_force() throws Exception {
        try (JdbcStore other = reopen()) {
            JdbcStore mine = (JdbcStore) store;
            Store fenced = mine.withFence(mine.ownership().claim("maidstone", "instance-a"));
            int version = candidate("c1");
            Store.PendingActivation pending = fenced.beginActivation(version, NOW);
            pending.write(List.of(assessment("2015", "60", Rating.RED)));
            other.ownership().claim("maidstone", "instance-b");

            assertThrows(FencedOutException.class, () -> pending.finish(List.of(), List.of(), List.of(), List.of(), NO_SINKS));

            assertEquals(List.of(), ruleChangePeriodsInForce());
            assertEquals(RuleSetVersion.CANDIDATE, other.ruleSetVersion(version).orElseThrow().status());
        }
    }

    @Test
    void a_finished_activation_keeps_its_rows_when_a_later_one_is_abandoned() throws Exception {
        int first = candidate("c1");
        try (Store.PendingActivation pending = store.beginActivation(first, NOW)) {
            pending.write(List.of(assessment("2015", "60", Rating.RED)));
            pending.finish(List.of(), List.of(), List.of(), List.of(), NO_SINKS);
        }
        int second = candidate("c2");
        try (Store.PendingActivation pending = store.beginActivation(second, NOW.plusSeconds(60))) {
            pending.write(List.of(assessment("2016", "61", Rating.RED)));
        }
        store.beginActivation(second, NOW.plusSeconds(120)).close();

        assertEquals(List.of("2015"), ruleChangePeriodsInForce());
        assertEquals(1, ruleChangeRowsStored());
        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(first).orElseThrow().status());
    }
}
