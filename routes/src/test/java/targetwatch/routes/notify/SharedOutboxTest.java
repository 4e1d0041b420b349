package targetwatch.routes.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.store.DeliveryCounts;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.MovableClock;

/**
 * Two instances' outbox relays on one database, each with its own store (pool) and its own sink routes: together they
 * send every delivery once, and one that died leaves what it had claimed to the other when its lease runs out.
 */
class SharedOutboxTest {

    private static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");
    /** The shortest claim a relay makes; its group wait here is shorter than half of it. */
    private static final Duration LEASE = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final MovableClock clock = new MovableClock(NOW);
    /** Every event sent, by its id (the de-duplication id the sinks carry), with how many times. */
    private final Map<String, Integer> sends = new ConcurrentHashMap<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void two_relays_on_one_database_send_each_of_two_thousand_deliveries_once(String database) throws Exception {
        String url = emptyDatabase(database);
        JdbcStore first = store(url);
        JdbcStore second = store(url);
        List<AlertEvent> events = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            events.add(event(i, "lead-road-safety"));
        }
        first.saveAlertChanges(events, List.of(), Set.of(Sink.TOPIC), NOW);
        AtomicInteger byA = new AtomicInteger();
        AtomicInteger byB = new AtomicInteger();
        OutboxRelay a = relay(first, "instance-a", Duration.ZERO, byA);
        OutboxRelay b = relay(second, "instance-b", Duration.ZERO, byB);

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (OutboxRelay r : List.of(a, b)) {
                runs.add(threads.submit(() -> {
                    start.await(1, TimeUnit.MINUTES);
                    r.run(Sink.TOPIC);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(3, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }

        assertEquals(2000, sends.size());
        assertEquals(Set.of(1), Set.copyOf(sends.values()), "a delivery was sent more than once");
        // H2 counts the rows another claim has locked within the limit, so there a relay claiming at the same moment
        // as the other may get nothing that round (and ends its run); PostgreSQL passes over them to the next ones
        if (database.equals("postgresql")) {
            assertTrue(byA.get() > 0 && byB.get() > 0, "both relays took a share: " + byA + " and " + byB);
        }
        assertEquals(new DeliveryCounts(0, 2000, 0), second.deliveryCounts());
    }

    @Test
    void a_dead_relays_held_mail_is_sent_by_the_other_when_its_claim_runs_out_and_not_a_second_before() throws Exception {
        String url = emptyDatabase("h2");
        JdbcStore first = store(url);
        JdbcStore second = store(url);
        first.saveAlertChanges(List.of(event(1, "lead-road-safety")), List.of(), Set.of(Sink.EMAIL), NOW);
        AtomicInteger byA = new AtomicInteger();
        AtomicInteger byB = new AtomicInteger();
        // instance-a claims the mail and holds it for its group wait, on a monotonic clock that never moves: it dies
        OutboxRelay a = relay(first, "instance-a", Duration.ofSeconds(30), byA);
        a.run(Sink.EMAIL);
        a.close();
        OutboxRelay b = relay(second, "instance-b", Duration.ZERO, byB);

        clock.set(NOW.plus(LEASE).minusSeconds(1));
        b.run(Sink.EMAIL);
        assertEquals(0, byB.get(), "sent while instance-a's claim held");
        clock.set(NOW.plus(LEASE));
        b.run(Sink.EMAIL);

        assertEquals(1, byB.get());
        assertEquals(0, byA.get());
        assertEquals(new DeliveryCounts(0, 1, 0), first.deliveryCounts());
    }

    @Test
    void a_relay_restarted_under_its_name_sends_what_it_had_claimed_without_waiting_for_the_lease() throws Exception {
        String url = emptyDatabase("h2");
        JdbcStore first = store(url);
        first.saveAlertChanges(List.of(event(1, "lead-road-safety")), List.of(), Set.of(Sink.EMAIL), NOW);
        OutboxRelay before = relay(first, "instance-a", Duration.ofSeconds(30), new AtomicInteger());
        before.run(Sink.EMAIL);
        before.close();

        AtomicInteger after = new AtomicInteger();
        relay(store(url), "instance-a", Duration.ZERO, after).run(Sink.EMAIL);

        assertEquals(1, after.get());
        assertEquals(Set.of(1), Set.copyOf(sends.values()));
    }

    @Test
    void a_relay_that_stood_still_past_its_lease_before_the_hand_over_leaves_the_mail_to_the_relay_holding_it_now()
            throws Exception {
        String url = emptyDatabase("h2");
        JdbcStore first = store(url);
        JdbcStore second = store(url);
        first.saveAlertChanges(List.of(event(1, "lead-road-safety")), List.of(), Set.of(Sink.EMAIL), NOW);
        AtomicInteger byA = new AtomicInteger();
        AtomicInteger byB = new AtomicInteger();
        OutboxRelay b = relay(second, "instance-b", Duration.ZERO, byB);
        // instance-a stops in the middle of the SMTP conversation; meanwhile its lease runs out and instance-b claims
        OutboxRelay a = relay(first, "instance-a", Duration.ZERO, byA, () -> {
            clock.set(NOW.plus(LEASE));
            assertEquals(1, second.claimDeliveries(Sink.EMAIL, "instance-b", clock.instant(), LEASE, 10).size());
        });

        a.run(Sink.EMAIL);
        assertEquals(0, byA.get(), "instance-a handed over a mail instance-b holds");
        assertEquals(new DeliveryCounts(1, 0, 0), first.deliveryCounts(), "instance-a marked what is instance-b's");
        b.run(Sink.EMAIL);

        assertEquals(1, byB.get());
        assertEquals(Set.of(1), Set.copyOf(sends.values()));
        assertEquals(new DeliveryCounts(0, 1, 0), first.deliveryCounts());
    }

    private JdbcStore store(String url) {
        JdbcStore s = url.startsWith("jdbc:postgresql:")
                ? JdbcStore.open(url, System.getenv("TARGETWATCH_TEST_PG_USER"), System.getenv("TARGETWATCH_TEST_PG_PASSWORD"))
                : JdbcStore.open(url, "", "");
        open.add(s);
        return s;
    }

    /** An instance's relay with its own sink routes, counting what it sends. */
    private OutboxRelay relay(JdbcStore store, String name, Duration groupWait, AtomicInteger sent) throws Exception {
        return relay(store, name, groupWait, sent, () -> { });
    }

    /** A relay whose sinks run {@code beforeHandOver} on their way to the point of no return. */
    private OutboxRelay relay(JdbcStore store, String name, Duration groupWait, AtomicInteger sent, Runnable beforeHandOver)
            throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String sink : List.of("topic", "email")) {
                    from(OutboxRelay.DELIVER + sink).process(ex -> {
                        beforeHandOver.run();
                        ex.getProperty(OutboxRelay.HAND_OVER, Runnable.class).run();
                        sends.merge(ex.getIn().getBody(AlertEvent.class).id(), 1, Integer::sum);
                        sent.incrementAndGet();
                        ex.getIn().setBody("accepted by " + name);
                    });
                }
            }
        });
        camel.start();
        open.add(camel);
        OutboxRelay relay = new OutboxRelay(store, camel.createProducerTemplate(), clock, 5, Duration.ZERO, false,
                groupWait, p -> null, name);
        open.add(relay);
        return relay;
    }

    /** An empty database: a file of embedded H2, or a new schema on the PostgreSQL server the tests are given. */
    private String emptyDatabase(String kind) throws Exception {
        if (kind.equals("h2")) {
            return "jdbc:h2:file:" + dir.resolve("shared-" + UUID.randomUUID()).toAbsolutePath();
        }
        String url = System.getenv("TARGETWATCH_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank() || "true".equals(System.getenv("CI")),
                "no PostgreSQL server: set TARGETWATCH_TEST_PG_URL to run this on it");
        String schema = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, System.getenv("TARGETWATCH_TEST_PG_USER"),
                System.getenv("TARGETWATCH_TEST_PG_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static AlertEvent event(long seq, String recipient) {
        SeriesKey series = new SeriesKey("maidstone", "ksi-casualties", "maidstone");
        Period period = Period.parse("2018-Q1");
        return new AlertEvent(AlertEvent.idFor(series, seq, period, AlertEventType.RAISED, Rating.RED, 1), seq,
                AlertEventType.RAISED, "maidstone", "ksi-casualties", "maidstone", period, Rating.RED, null,
                new BigDecimal("30"), new BigDecimal("21"), Direction.WORSENING, 1, 7, recipient, null, "roads", null, NOW,
                null, null, false);
    }
}
