package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.rules.RuleEngine;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.RuleSetService;

/**
 * A rule set change activated while readings keep coming, on the real rule set and an H2 file: what it writes ahead is
 * rated against the snapshot, readings stored after that move some of it (a rating the change no longer alters, one it
 * alters otherwise, one of a period new since), and what is in force once it is active is exactly what the change
 * alters against the engine it replaced, no stale row of what was written ahead left among it.
 */
class RuleChangeDuringIntakeTest {

    private static final Instant START = Instant.parse("2018-05-01T09:00:00Z");
    private static final String ASB = "asb-incidents-per-1000";

    private JdbcStore store;
    private String url;
    private MovableClock clock;
    private RuleSetService ruleSets;
    private IngestService service;
    /** Runs once, while the activation writes ahead (no lock held): readings arriving then. */
    private final AtomicReference<Runnable> duringWriteAhead = new AtomicReference<>();

    @BeforeEach
    void start(@TempDir Path data) throws Exception {
        url = "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0";
        store = JdbcStore.open(url, "", "");
        clock = new MovableClock(START);
        ruleSets = new RuleSetService(store, data.resolve("rulesets"), clock);
        service = new IngestService(ruleSets.startingRules(SecretariatFiles.real()), store, EnumSet.of(Sink.TOPIC), clock,
                true, Duration.ofDays(1));
        ruleSets.attach(service, ruleSets.activeVersion());
    }

    @AfterEach
    void stop() {
        service.close();
        store.close();
    }

    /** The store, its activations' writing ahead running {@link #duringWriteAhead} once first. */
    private Store hooked(Store real) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (p, m, args) -> {
            Object out = invoke(real, m, args);
            if (!m.getName().equals("beginActivation")) {
                return out;
            }
            Store.PendingActivation pending = (Store.PendingActivation) out;
            return new Store.PendingActivation() {
                @Override
                public void write(List<Assessment> changed) {
                    pending.write(changed);
                    Runnable r = duringWriteAhead.getAndSet(null);
                    if (r != null) {
                        r.run();
                    }
                }

                @Override
                public void finish(List<Assessment> withdrawn, List<Assessment> changed,
                                   List<targetwatch.engine.model.AlertEvent> events,
                                   List<targetwatch.engine.model.AlertState> alerts, Set<Sink> sinks) {
                    pending.finish(withdrawn, changed, events, alerts, sinks);
                }

                @Override
                public void close() {
                    pending.close();
                }
            };
        });
    }

    private static Object invoke(Store real, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** About 3% above the target's straight line from 22.67 (September 2011) to 20 (March 2018): AMBER at 5%, RED at 1%. */
    private static String justAbove(Period month) {
        long months = (month.year() - 2011) * 12L + month.index() - 9;
        BigDecimal line = new BigDecimal("22.67").subtract(new BigDecimal("2.67").multiply(BigDecimal.valueOf(months))
                .divide(BigDecimal.valueOf(78), 6, RoundingMode.HALF_UP));
        return line.multiply(new BigDecimal("1.03")).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static Reading asb(Period month, String value) {
        return Reading.of("maidstone", ASB, "maidstone", month.toString(), value, "kent-police");
    }

    private void ingest(Reading... readings) {
        List<IngestService.Positioned> batch = new ArrayList<>();
        for (Reading r : readings) {
            batch.add(new IngestService.Positioned(r, batch.size() + 1));
        }
        service.ingest("test", batch);
    }

    /** The assessments in force that rule changes made, as (series, period, rating, direction, expected). */
    private Set<String> ruleChangesInForce() throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT partnership, indicator, area, period, rating, direction, expected"
                     + " FROM assessments_in_force WHERE cause = 'rule change'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getString(5) + " " + rs.getString(6) + " " + rs.getBigDecimal(7).stripTrailingZeros().toPlainString());
            }
        }
        return out;
    }

    private static Set<String> described(List<Assessment> assessments) {
        Set<String> out = new HashSet<>();
        for (Assessment a : assessments) {
            out.add(a.series() + " " + a.period() + " " + a.rating() + " " + a.direction() + " "
                    + a.expected().stripTrailingZeros().toPlainString());
        }
        return out;
    }

    @Test
    void readings_stored_while_a_change_writes_ahead_leave_in_force_exactly_what_it_alters_against_the_engine_it_replaced()
            throws Exception {
        // given five years of monthly ASB readings just above the line, each AMBER at a tolerance of 5%
        List<Reading> history = new ArrayList<>();
        for (Period m = Period.month(2013, 1); m.compareTo(Period.month(2017, 12)) <= 0; m = m.next()) {
            history.add(asb(m, justAbove(m)));
        }
        ingest(history.toArray(Reading[]::new));
        service.close();
        // the service again, on a store whose activations run the readings below while they write ahead
        service = new IngestService(ruleSets.startingRules(SecretariatFiles.real()), hooked(store), EnumSet.of(Sink.TOPIC),
                clock, true, Duration.ofDays(1));
        ruleSets.attach(service, ruleSets.activeVersion());
        int active = ruleSets.activeVersion();
        clock.advance(Duration.ofMinutes(1));
        String targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), ASB, "tolerance_pct", "1");
        RuleSetService.Submission tighter = ruleSets.submitOverActive(Map.of("targets.csv", targets), "secretariat", "1%");
        assertFalse(tighter.refused(), tighter.errors().toString());

        // when, while the change writes ahead what it alters against its snapshot (every month AMBER to RED), a month is
        // revised well below the line (GREEN under both: no longer altered; the month after it changes direction:
        // altered otherwise) and a month new since comes just above it (altered, and not written ahead)
        Period revised = Period.month(2015, 6);
        Period fresh = Period.month(2018, 1);
        duringWriteAhead.set(() -> ingest(asb(revised, "10.00"), asb(fresh, justAbove(fresh))));
        clock.advance(Duration.ofMinutes(1));
        RuleEngine.Rebuilt rebuilt = ruleSets.activateAsPreviewed(tighter.version(), active, "secretariat");

        // then the readings came during the change, and what is in force is what it alters against the engine it replaced
        assertEquals(null, duringWriteAhead.get(), "the readings came while the change wrote ahead");
        Set<String> altered = described(rebuilt.changedAssessments());
        assertTrue(altered.size() >= 50, "the change re-rates most months: " + altered.size());
        assertTrue(altered.stream().noneMatch(a -> a.contains(" " + revised + " ")), "the revised month is GREEN under both");
        assertTrue(altered.stream().anyMatch(a -> a.contains(" " + fresh + " RED")), "the new month is RED under 1%");
        assertEquals(altered, ruleChangesInForce());
        assertEquals(tighter.version(), ruleSets.activeVersion());
    }
}
