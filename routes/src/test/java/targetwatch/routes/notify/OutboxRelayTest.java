package targetwatch.routes.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.store.DeliveryCounts;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;

/**
 * The relay's email group wait, on a hand-moved monotonic clock: a new mail waits for others to the same person
 * about the same priority and goes with them as one digest; a retry does not wait again.
 */
class OutboxRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Object> singles = new CopyOnWriteArrayList<>();
    private final List<List<?>> digests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicBoolean unanswered = new AtomicBoolean();
    private JdbcStore store;
    private CamelContext camel;
    private OutboxRelay relay;
    private long sequence;

    @BeforeEach
    void start() throws Exception {
        store = JdbcStore.open("jdbc:h2:mem:relay-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(OutboxRelay.DELIVER + "email").process(ex -> {
                    ex.getProperty(OutboxRelay.HAND_OVER, Runnable.class).run();
                    if (unanswered.getAndSet(false)) {
                        throw new MailSender.MailInDoubtException("the server hung up after the message",
                                new java.io.EOFException());
                    }
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("the SMTP server is down");
                    }
                    singles.add(ex.getIn().getBody());
                    ex.getIn().setBody("accepted");
                });
                from(OutboxRelay.DELIVER_DIGEST).process(ex -> {
                    digests.add(ex.getIn().getBody(List.class));
                    ex.getIn().setBody("accepted");
                });
            }
        });
        camel.start();
        relay = new OutboxRelay(store, camel.createProducerTemplate(), Clock.fixed(NOW, ZoneOffset.UTC), 5,
                Duration.ZERO, false, WAIT, nanos::get);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        camel.close();
        store.close();
    }

    @Test
    void a_new_mail_waits_the_group_wait_and_not_a_nanosecond_longer() {
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(WAIT.minusNanos(1));
        relay.run(Sink.EMAIL);
        assertEquals(0, singles.size(), "sent before the group wait was over");
        pass(Duration.ofNanos(1));
        relay.run(Sink.EMAIL);
        assertEquals(1, singles.size());
        assertTrue(digests.isEmpty());
    }

    @Test
    void indicators_of_one_priority_for_one_person_arriving_within_the_wait_go_as_one_digest() {
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(WAIT.minusSeconds(1));
        save(event("da-marac-police-referrals", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(Duration.ofSeconds(1));
        relay.run(Sink.EMAIL);
        assertEquals(1, digests.size());
        assertEquals(2, digests.get(0).size());
        assertTrue(singles.isEmpty(), "no separate mail besides the digest");
    }

    @Test
    void a_burst_larger_than_one_claim_goes_whole_when_its_wait_ends_and_a_mail_after_it_waits_again() {
        // a relay claims 200 deliveries at a time: the 450 mails of the burst take three claims
        for (int i = 0; i < 450; i++) {
            save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        }
        runsAcrossOneGroupWait(450, "nothing goes before the wait is over",
                "every mail that came during the wait went when it ended");
        assertEquals(450, digests.stream().mapToInt(List::size).sum() + singles.size());

        int mailsBefore = digests.size() + singles.size();
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        runsAcrossOneGroupWait(1, "a mail after the group went waits a group wait of its own",
                "it goes when its own wait ends");
        assertEquals(mailsBefore + 1, digests.size() + singles.size());
    }

    @Test
    void every_persons_mail_in_the_outbox_when_the_wait_began_goes_when_it_ends_though_a_claim_reaches_it_later() {
        // the second person's mails come after 250 of the first's: the relay's first claim of 200 holds none of them
        for (int i = 0; i < 250; i++) {
            save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        }
        for (int i = 0; i < 250; i++) {
            save(event("ksi-casualties", "lead-road-safety", "roads"));
        }
        runsAcrossOneGroupWait(500, "nothing goes before the wait is over",
                "the second person's mail waited a second group wait");
    }

    @Test
    void another_persons_mail_keeps_its_own_wait() {
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(WAIT.minusSeconds(1));
        save(event("ksi-casualties", "lead-road-safety", "roads"));
        relay.run(Sink.EMAIL);
        pass(Duration.ofSeconds(1));
        relay.run(Sink.EMAIL);
        assertEquals(1, singles.size(), "only the mail that waited its full time");
        assertEquals("lead-domestic-abuse", ((AlertEvent) singles.get(0)).recipient());
        pass(WAIT);
        relay.run(Sink.EMAIL);
        assertEquals(2, singles.size());
    }

    @Test
    void a_failure_the_sink_stated_after_the_hand_over_is_retried_when_due_without_waiting_again() {
        failuresLeft.set(1);
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(WAIT);
        relay.run(Sink.EMAIL);
        assertEquals(0, singles.size(), "the first attempt failed");
        relay.run(Sink.EMAIL);
        assertEquals(1, singles.size(), "the retry did not wait for another group wait");
        assertEquals(0, store.deliveryCounts().pending(), "nothing left in the outbox");
    }

    @Test
    void a_mail_the_server_never_answered_stays_in_doubt_and_is_not_sent_again() {
        unanswered.set(true);
        save(event("da-repeat-victims", "lead-domestic-abuse", "domestic-abuse"));
        relay.run(Sink.EMAIL);
        pass(WAIT);
        relay.run(Sink.EMAIL);
        pass(WAIT.multipliedBy(10));
        relay.run(Sink.EMAIL);
        assertEquals(0, singles.size(), "sent again after the hand-over");
        assertEquals(new DeliveryCounts(0, 0, 0, 1), store.deliveryCounts());
    }

    /**
     * The boundary pair of one group wait: the relay runs now, a nanosecond before the wait ends ({@code held} mails
     * still pending) and as it ends (none pending).
     */
    private void runsAcrossOneGroupWait(long held, String beforeItEnds, String asItEnds) {
        relay.run(Sink.EMAIL);
        pass(WAIT.minusNanos(1));
        relay.run(Sink.EMAIL);
        assertEquals(held, store.deliveryCounts().pending(), beforeItEnds);
        pass(Duration.ofNanos(1));
        relay.run(Sink.EMAIL);
        assertEquals(0, store.deliveryCounts().pending(), asItEnds);
    }

    private void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private void save(AlertEvent e) {
        store.saveAlertChanges(List.of(e), List.of(), Set.of(Sink.EMAIL), NOW);
    }

    private AlertEvent event(String indicator, String recipient, String priority) {
        SeriesKey series = new SeriesKey("maidstone", indicator, "maidstone");
        Period period = Period.parse("2018-Q1");
        long seq = ++sequence;
        return new AlertEvent(AlertEvent.idFor(series, seq, period, AlertEventType.RAISED, Rating.RED, 1), seq,
                AlertEventType.RAISED, "maidstone", indicator, "maidstone", period, Rating.RED, null, new BigDecimal("30"),
                new BigDecimal("21"), Direction.WORSENING, 1, 7, recipient, null, priority, null, NOW, null, null, false);
    }
}
