package targetwatch.routes.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.MovableClock;

/**
 * The daily mail budget in the relay, on a hand-moved clock and a real H2 store: one person gets at most the budget
 * (10 by default) of alert mails a day; the rest wait for 08:00 on the next working day and go there as one digest
 * per priority that says how many it holds back; no event is lost, and other people's mails are not held.
 */
class MailBudgetTest {

    /** Monday 1 June 2026, 09:00 UTC (10:00 in London). */
    private static final Instant MONDAY = Instant.parse("2026-06-01T09:00:00Z");
    private static final String LEAD = "lead-asb";

    private final MovableClock now = new MovableClock(MONDAY);
    private final List<AlertEvent> singles = new CopyOnWriteArrayList<>();
    private final List<List<AlertEvent>> digests = new CopyOnWriteArrayList<>();
    private final List<Integer> foldedNoted = new CopyOnWriteArrayList<>();
    private JdbcStore store;
    private CamelContext camel;
    private OutboxRelay relay;
    private long sequence;

    @BeforeEach
    void start() throws Exception {
        store = JdbcStore.open("jdbc:h2:mem:budget-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(OutboxRelay.DELIVER + "email").process(ex -> {
                    singles.add(ex.getIn().getBody(AlertEvent.class));
                    ex.getIn().setBody("accepted");
                });
                from(OutboxRelay.DELIVER_DIGEST).process(ex -> {
                    @SuppressWarnings("unchecked")
                    List<AlertEvent> events = ex.getIn().getBody(List.class);
                    digests.add(events);
                    foldedNoted.add(ex.getProperty(OutboxRelay.FOLDED, Integer.class));
                    ex.getIn().setBody("accepted");
                });
            }
        });
        camel.start();
        relay = new OutboxRelay(store, camel.createProducerTemplate(), now, 5, Duration.ZERO, false, Duration.ZERO,
                p -> null);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        camel.close();
        store.close();
    }

    /** One mail's worth: an event of its own indicator (so it is not a digest with the ones before). */
    private void alertMail(String recipient, int n) {
        for (int i = 0; i < n; i++) {
            save(event("asb-incidents-per-1000", recipient, "asb"));
            relay.run(Sink.EMAIL);
        }
    }

    @Test
    void the_same_contact_id_in_another_partnership_is_another_person_with_a_budget_of_their_own() {
        alertMail(LEAD, 10);
        assertEquals(10, singles.size());

        // Dover's lead-asb is not Maidstone's, who has had their ten today
        save(event("dover", "asb-incidents-per-1000", LEAD, "asb", "dover"));
        relay.run(Sink.EMAIL);

        assertEquals(11, singles.size(), "Dover's lead has had no mail today");
        assertEquals("dover", singles.get(10).partnership());
        assertEquals(1, store.mailsSentTo("dover", LEAD, MONDAY.minusSeconds(3600)));
        assertEquals(10, store.mailsSentTo("maidstone", LEAD, MONDAY.minusSeconds(3600)));

        alertMail(LEAD, 1);
        assertEquals(11, singles.size(), "Maidstone's eleventh still waits");
    }

    @Test
    void the_tenth_mail_of_the_day_goes_and_the_eleventh_waits_for_the_next_working_morning_in_a_digest() {
        alertMail(LEAD, 10);
        assertEquals(10, singles.size(), "within the budget each goes");
        assertEquals(10, store.mailsSentTo("maidstone", LEAD, MONDAY.minusSeconds(3600)));

        alertMail(LEAD, 3);
        assertEquals(10, singles.size(), "the eleventh to thirteenth are held back");
        assertEquals(3, store.noiseCounts().folded());
        alertMail("lead-domestic-abuse", 1);
        assertEquals(11, singles.size(), "another person's budget is their own");

        // Tuesday 07:59 London is not yet the next working morning; 08:00 is
        now.set(Instant.parse("2026-06-02T06:59:00Z"));
        relay.run(Sink.EMAIL);
        assertTrue(digests.isEmpty());
        now.set(Instant.parse("2026-06-02T07:00:00Z"));
        relay.run(Sink.EMAIL);
        assertEquals(1, digests.size());
        assertEquals(3, digests.get(0).size(), "every held-back event, in one digest");
        assertEquals(List.of(3), foldedNoted, "the digest says how many it holds back");
        assertEquals(0, store.deliveryCounts().pending(), "nothing lost, nothing left waiting");
        assertEquals(1, store.mailsSentTo("maidstone", LEAD, Instant.parse("2026-06-01T23:00:00Z")), "a digest is one mail");
    }

    @Test
    void mails_held_back_on_a_friday_wait_for_monday_morning() {
        now.set(Instant.parse("2026-06-05T09:00:00Z"));
        alertMail(LEAD, 11);
        now.set(Instant.parse("2026-06-06T09:00:00Z"));
        relay.run(Sink.EMAIL);
        now.set(Instant.parse("2026-06-08T06:59:00Z"));
        relay.run(Sink.EMAIL);
        assertTrue(digests.isEmpty(), "not at the weekend nor before 08:00");
        now.set(Instant.parse("2026-06-08T07:00:00Z"));
        relay.run(Sink.EMAIL);
        assertEquals(1, digests.size());
    }

    @Test
    void a_group_with_more_mails_than_the_budget_has_left_goes_as_one_digest() {
        alertMail(LEAD, 9);
        List<AlertEvent> areas = new ArrayList<>();
        for (String area : List.of("maidstone", "kent", "ashford")) {
            areas.add(event("asb-incidents-per-1000", LEAD, "asb", area));
        }
        store.saveAlertChanges(areas, List.of(), Set.of(Sink.EMAIL), now.instant());
        relay.run(Sink.EMAIL);
        assertEquals(9, singles.size());
        assertEquals(List.of(3), digests.stream().map(List::size).toList());
        assertEquals(List.of(0), foldedNoted);
        assertEquals(10, store.mailsSentTo("maidstone", LEAD, MONDAY.minusSeconds(3600)));
    }

    private void save(AlertEvent e) {
        store.saveAlertChanges(List.of(e), List.of(), Set.of(Sink.EMAIL), now.instant());
    }

    private AlertEvent event(String indicator, String recipient, String priority) {
        return event(indicator, recipient, priority, "maidstone");
    }

    private AlertEvent event(String indicator, String recipient, String priority, String area) {
        return event("maidstone", indicator, recipient, priority, area);
    }

    private AlertEvent event(String partnership, String indicator, String recipient, String priority, String area) {
        SeriesKey series = new SeriesKey(partnership, indicator, area);
        Period period = Period.parse("2026-05");
        long seq = ++sequence;
        return new AlertEvent(AlertEvent.idFor(series, seq, period, AlertEventType.RAISED, Rating.RED, 1), seq,
                AlertEventType.RAISED, partnership, indicator, area, period, Rating.RED, null, new BigDecimal("30"),
                new BigDecimal("21"), Direction.WORSENING, 1, 2, recipient, null, priority, null, now.instant(), null, null, false);
    }
}
