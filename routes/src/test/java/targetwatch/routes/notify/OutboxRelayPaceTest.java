package targetwatch.routes.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;

/**
 * The relay's pace, with no poll at all: what is committed goes on the relay's own wake-ups, a run asked for while one
 * is sending is made before that one ends, a mail server that hangs holds up no topic delivery, and the topic's
 * deliveries go in batches, sent one at a time when a batch fails so that one bad delivery holds up no other.
 */
class OutboxRelayPaceTest {

    private static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");

    private final String url = "jdbc:h2:mem:pace-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    /** Every event sent to the topic, by its id, with how many times. */
    private final Map<String, Integer> published = new ConcurrentHashMap<>();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<String> mailed = new CopyOnWriteArrayList<>();
    /** An event the broker refuses: any batch holding it fails, and it fails alone. */
    private volatile String refused = "";
    /** Open while the topic (or the mail server) answers; closed, the sink stands still until it opens. */
    private volatile CountDownLatch topicGate = new CountDownLatch(0);
    private volatile CountDownLatch mailGate = new CountDownLatch(0);
    private final CountDownLatch topicEntered = new CountDownLatch(1);
    private final CountDownLatch mailEntered = new CountDownLatch(1);
    private JdbcStore store;
    private CamelContext camel;
    private long sequence;

    @BeforeEach
    void start() throws Exception {
        store = JdbcStore.open(url, "", "");
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(OutboxRelay.DELIVER + "topic").process(ex -> {
                    topicEntered.countDown();
                    topicGate.await(1, TimeUnit.MINUTES);
                    AlertEvent e = ex.getIn().getBody(AlertEvent.class);
                    if (e.id().equals(refused)) {
                        throw new IllegalStateException("the broker refuses " + e.id());
                    }
                    published.merge(e.id(), 1, Integer::sum);
                    ex.getIn().setBody("published");
                });
                from(OutboxRelay.DELIVER_TOPIC_BATCH).process(ex -> {
                    @SuppressWarnings("unchecked")
                    List<AlertEvent> events = ex.getIn().getBody(List.class);
                    if (events.stream().anyMatch(e -> e.id().equals(refused))) {
                        throw new IllegalStateException("the broker refuses the batch");
                    }
                    batchSizes.add(events.size());
                    events.forEach(e -> published.merge(e.id(), 1, Integer::sum));
                    ex.getIn().setBody("published");
                });
                from(OutboxRelay.DELIVER + "email").process(ex -> {
                    mailEntered.countDown();
                    mailGate.await(1, TimeUnit.MINUTES);
                    mailed.add(ex.getIn().getBody(AlertEvent.class).id());
                    ex.getIn().setBody("accepted");
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        topicGate.countDown();
        mailGate.countDown();
        camel.close();
        store.close();
    }

    private OutboxRelay relay(Set<Sink> batched) {
        return relay(batched, false);
    }

    /** A relay claiming what it sends, or ({@code alone}) one that no other shares the database with. */
    private OutboxRelay relay(Set<Sink> batched, boolean alone) {
        return new OutboxRelay(store, camel.createProducerTemplate(), Clock.fixed(NOW, ZoneOffset.UTC), 5,
                Duration.ofMinutes(1), false, Duration.ZERO, System::nanoTime, p -> null, OutboxRelay.SOLE_RELAY, batched,
                alone);
    }

    @Test
    void a_delivery_committed_while_a_run_is_sending_goes_in_that_run_not_at_the_next_poll() throws Exception {
        try (OutboxRelay relay = relay(Set.of())) {
            AlertEvent first = save(Set.of(Sink.TOPIC));
            topicGate = new CountDownLatch(1);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<?> run = thread.submit(() -> relay.run(Sink.TOPIC));
                assertTrue(topicEntered.await(1, TimeUnit.MINUTES));
                // the run has claimed all there was and is sending it: a commit asks for a run now
                AlertEvent second = save(Set.of(Sink.TOPIC));
                relay.run(Sink.TOPIC);
                assertFalse(published.containsKey(second.id()), "the second run did not wait for the first");
                topicGate.countDown();
                run.get(1, TimeUnit.MINUTES);
                assertEquals(Map.of(first.id(), 1, second.id(), 1), published, "each sent once, by the run under way");
            } finally {
                thread.shutdownNow();
            }
        }
    }

    @Test
    void a_poll_gives_way_to_a_nudged_mail_run_within_the_spacing_but_never_to_a_poll() {
        try (OutboxRelay relay = relay(Set.of())) {
            long before = System.nanoTime();
            save(Set.of(Sink.EMAIL));
            relay.nudge();
            await("the nudged mail run").atMost(Duration.ofSeconds(30)).until(() -> mailed.size() == 1);

            AlertEvent second = save(Set.of(Sink.TOPIC, Sink.EMAIL));
            relay.poll(Sink.TOPIC);
            relay.poll(Sink.EMAIL);
            long spacing = OutboxRelay.MAIL_NUDGE_SPACING.toNanos();
            assertTrue(published.containsKey(second.id()), "the topic's poll is never left out");
            // only a machine that stalled for the whole spacing since the nudge could have made the mail run by now
            Assumptions.assumeTrue(System.nanoTime() - before < spacing, "the machine stalled past the spacing");
            assertEquals(1, mailed.size(), "a poll within the spacing of a nudged mail run made one");

            await("the mail, at a poll once the spacing is over").atMost(Duration.ofSeconds(30)).until(() -> {
                relay.poll(Sink.EMAIL);
                return mailed.size() == 2;
            });
            assertTrue(System.nanoTime() - before >= spacing, "a poll made a mail run within the spacing");

            // polls alone, each a timer's period after the last, make their mail runs
            save(Set.of(Sink.EMAIL));
            relay.poll(Sink.EMAIL);
            assertEquals(3, mailed.size(), "a poll gave way to the poll before it");
        }
    }

    @Test
    void a_mail_server_that_stands_still_holds_up_no_topic_delivery() throws Exception {
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC))) {
            mailGate = new CountDownLatch(1);
            AlertEvent mailedOne = save(Set.of(Sink.TOPIC, Sink.EMAIL));
            relay.nudge();
            assertTrue(mailEntered.await(1, TimeUnit.MINUTES));
            // the mail relay stands in the SMTP conversation; a new alert is committed and the relay nudged
            AlertEvent next = save(Set.of(Sink.TOPIC, Sink.EMAIL));
            relay.nudge();
            await("the topic delivery committed while the mail server stands still").atMost(Duration.ofSeconds(30))
                    .until(() -> published.containsKey(next.id()));
            assertEquals(Set.of(mailedOne.id(), next.id()), published.keySet());
            assertTrue(mailed.isEmpty(), "the mail server has answered nothing yet");
            mailGate.countDown();
            await("both mails once the server answers").atMost(Duration.ofSeconds(30)).until(() -> mailed.size() == 2);
        }
    }

    @Test
    void topic_deliveries_go_in_batches_of_a_claim_each_sent_once_and_marked_sent() throws Exception {
        List<AlertEvent> events = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            events.add(event());
        }
        store.saveAlertChanges(events, List.of(), Set.of(Sink.TOPIC), NOW);
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC))) {
            relay.run(Sink.TOPIC);
        }
        assertEquals(450, published.size());
        assertEquals(Set.of(1), Set.copyOf(published.values()), "an event published twice");
        assertEquals(List.of(200, 200, 50), batchSizes, "a batch per claim");
        assertEquals(450L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT' AND attempts = 1"
                + " AND answer = 'published' AND sent_at IS NOT NULL"));
    }

    @Test
    void a_batch_the_broker_refuses_is_sent_one_by_one_and_only_the_refused_delivery_waits_for_its_retry()
            throws Exception {
        List<AlertEvent> events = List.of(event(), event(), event());
        refused = events.get(1).id();
        store.saveAlertChanges(events, List.of(), Set.of(Sink.TOPIC), NOW);
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC))) {
            relay.run(Sink.TOPIC);
        }
        assertEquals(Map.of(events.get(0).id(), 1, events.get(2).id(), 1), published);
        assertTrue(batchSizes.isEmpty(), "the refused batch was counted as published");
        assertEquals(2L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT'"));
        assertEquals(1L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING' AND attempts = 1"
                + " AND next_attempt_at > TIMESTAMP WITH TIME ZONE '2026-06-01 09:00:00Z'"
                + " AND last_error LIKE '%refuses%'"), "the refused delivery backs off for its retry");
    }

    @Test
    void a_relay_alone_sends_topic_batches_each_once_and_records_them_sent_within_moments_without_a_claim()
            throws Exception {
        List<AlertEvent> events = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            events.add(event());
        }
        store.saveAlertChanges(events, List.of(), Set.of(Sink.TOPIC), NOW);
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC), true)) {
            relay.run(Sink.TOPIC);
            assertEquals(450, published.size());
            assertEquals(Set.of(1), Set.copyOf(published.values()), "an event published twice");
            assertEquals(List.of(200, 200, 50), batchSizes, "a batch per read");
            await("the answers recorded while the relay runs on").atMost(Duration.ofSeconds(30))
                    .until(() -> count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT'") == 450);
        }
        assertEquals(450L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT' AND attempts = 1"
                + " AND answer = 'published' AND sent_at IS NOT NULL AND claimed_by IS NULL"));
    }

    @Test
    void a_relay_alone_closed_at_once_records_what_it_published() throws Exception {
        store.saveAlertChanges(List.of(event(), event()), List.of(), Set.of(Sink.TOPIC), NOW);
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC), true)) {
            relay.run(Sink.TOPIC);
        }
        assertEquals(2, published.size());
        assertEquals(2L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT'"));
    }

    @Test
    void a_batch_the_broker_refuses_from_a_relay_alone_is_sent_one_by_one_and_only_the_refused_delivery_waits()
            throws Exception {
        List<AlertEvent> events = List.of(event(), event(), event());
        refused = events.get(1).id();
        store.saveAlertChanges(events, List.of(), Set.of(Sink.TOPIC), NOW);
        try (OutboxRelay relay = relay(Set.of(Sink.TOPIC), true)) {
            relay.run(Sink.TOPIC);
        }
        assertEquals(Map.of(events.get(0).id(), 1, events.get(2).id(), 1), published);
        assertTrue(batchSizes.isEmpty(), "the refused batch was counted as published");
        assertEquals(2L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'SENT'"));
        assertEquals(1L, count("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING' AND attempts = 1"
                + " AND next_attempt_at > TIMESTAMP WITH TIME ZONE '2026-06-01 09:00:00Z'"
                + " AND last_error LIKE '%refuses%'"), "the refused delivery backs off for its retry");
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private AlertEvent save(Set<Sink> sinks) {
        AlertEvent e = event();
        store.saveAlertChanges(List.of(e), List.of(), sinks, NOW);
        return e;
    }

    private AlertEvent event() {
        long seq = ++sequence;
        SeriesKey series = new SeriesKey("maidstone", "ksi-casualties", "area-" + seq);
        Period period = Period.parse("2018-Q1");
        return new AlertEvent(AlertEvent.idFor(series, seq, period, AlertEventType.RAISED, Rating.RED, 1), seq,
                AlertEventType.RAISED, "maidstone", "ksi-casualties", "area-" + seq, period, Rating.RED, null,
                new BigDecimal("30"), new BigDecimal("21"), Direction.WORSENING, 1, 7, "lead-road-safety", null, "roads",
                null, NOW, null, null, false);
    }
}
