package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/** What every {@link Store} must do, run against each database targetwatch supports. */
abstract class StoreContract {

    static final Instant NOW = Instant.parse("2018-05-01T09:00:00Z");

    Store store;

    /** A store on an empty database. */
    abstract Store openEmpty() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    static Reading reading(String period, String value) {
        return Reading.of("maidstone", "ksi-casualties", "maidstone", period, value, "kfrs");
    }

    static Assessment assessment(String period, String actual, Rating rating) {
        return new Assessment("maidstone", "ksi-casualties", "maidstone", Period.parse(period), new BigDecimal(actual),
                new BigDecimal("40.68"), rating, Direction.NONE, Direction.NONE, 11);
    }

    static AlertEvent event(long sequence, AlertEventType type, String period) {
        SeriesKey series = new SeriesKey("maidstone", "ksi-casualties", "maidstone");
        Period p = Period.parse(period);
        return new AlertEvent(AlertEvent.idFor(series, sequence, p, type, Rating.RED, 1), sequence, type, "maidstone",
                "ksi-casualties", "maidstone", p, Rating.RED, null, new BigDecimal("68"), new BigDecimal("40.68"),
                Direction.WORSENING, 1, 11, "lead-road-safety", null);
    }

    @Test
    void a_reading_its_assessment_its_event_and_a_delivery_per_sink_are_stored_together() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "kfrs.csv:7", List.of(assessment("2017", "68", Rating.RED)),
                List.of(event(1, AlertEventType.RAISED, "2017")))), EnumSet.of(Sink.TOPIC, Sink.EMAIL), "abc", NOW);

        assertEquals(1, store.readingCount());
        assertEquals(new DeliveryCounts(2, 0, 0), store.deliveryCounts());
        List<Delivery> topic = store.dueDeliveries(Sink.TOPIC, NOW, 10);
        assertEquals(1, topic.size());
        assertEquals(event(1, AlertEventType.RAISED, "2017"), topic.get(0).event());
    }

    @Test
    void nothing_is_stored_when_one_part_of_the_transaction_fails() {
        AlertEvent raised = event(1, AlertEventType.RAISED, "2017");
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(), List.of(raised))), EnumSet.of(Sink.TOPIC),
                "abc", NOW);

        // the same event id again violates its primary key: the second reading must not be kept either
        assertThrows(StoreException.class, () -> store.save(List.of(
                new StoredReading(reading("2018", "30"), "b", List.of(assessment("2018", "30", Rating.GREEN)), List.of()),
                new StoredReading(reading("2016", "50"), "c", List.of(), List.of(raised))), EnumSet.of(Sink.TOPIC), "abc", NOW));

        assertEquals(1, store.readingCount());
        assertEquals(new DeliveryCounts(1, 0, 0), store.deliveryCounts());
    }

    @Test
    void revisions_are_kept_as_rows_and_replayed_in_the_order_they_were_taken() {
        store.save(List.of(new StoredReading(reading("2015", "53"), "a", List.of(), List.of())), EnumSet.noneOf(Sink.class), "x", NOW);
        store.save(List.of(new StoredReading(reading("2016", "60"), "b", List.of(), List.of())), EnumSet.noneOf(Sink.class), "x", NOW);
        store.save(List.of(new StoredReading(reading("2015", "56"), "c", List.of(), List.of())), EnumSet.noneOf(Sink.class), "x", NOW);

        List<Reading> replayed = new ArrayList<>();
        store.forEachReading(replayed::add);

        assertEquals(List.of(reading("2015", "53"), reading("2016", "60"), reading("2015", "56")), replayed);
    }

    @Test
    void a_sent_delivery_is_not_due_again_and_a_failed_one_is_due_after_its_back_off() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017")))), EnumSet.of(Sink.TOPIC, Sink.EMAIL), "abc", NOW);
        Delivery topic = store.dueDeliveries(Sink.TOPIC, NOW, 10).get(0);
        Delivery email = store.dueDeliveries(Sink.EMAIL, NOW, 10).get(0);

        store.markSent(topic.id(), "published", NOW);
        store.markFailed(email.id(), "connection refused", NOW.plusSeconds(60), false);

        assertTrue(store.dueDeliveries(Sink.TOPIC, NOW.plusSeconds(3600), 10).isEmpty());
        assertTrue(store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(59), 10).isEmpty());
        Delivery retry = store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(60), 10).get(0);
        assertEquals(1, retry.attempts());
        assertEquals(new DeliveryCounts(1, 1, 0), store.deliveryCounts());
    }

    @Test
    void a_parked_delivery_is_never_due_again_and_is_counted() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017")))), EnumSet.of(Sink.EMAIL), "abc", NOW);
        Delivery email = store.dueDeliveries(Sink.EMAIL, NOW, 10).get(0);

        store.markFailed(email.id(), "mailbox unavailable", NOW, true);

        assertTrue(store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(86_400), 10).isEmpty());
        assertEquals(new DeliveryCounts(0, 0, 1), store.deliveryCounts());
    }

    @Test
    void event_numbering_continues_from_the_highest_stored_number_of_each_series() {
        store.save(List.of(new StoredReading(reading("2016", "60"), "a", List.of(), List.of(event(1, AlertEventType.RAISED, "2016"))),
                new StoredReading(reading("2017", "30"), "b", List.of(), List.of(event(2, AlertEventType.RESOLVED, "2017")))),
                EnumSet.of(Sink.TOPIC), "abc", NOW);

        assertEquals(Map.of(new SeriesKey("maidstone", "ksi-casualties", "maidstone"), 2L), store.eventSequences());
    }

    @Test
    void the_store_reports_itself_healthy_while_the_database_answers() {
        assertTrue(store.isHealthy());
    }

    @Test
    void rule_set_versions_are_numbered_and_activation_leaves_exactly_one_active() {
        int first = store.addRuleSetVersion("c1", Map.of("targets.csv", "a,b\n"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        int second = store.addRuleSetVersion("c2", Map.of("targets.csv", "a,c\n", "contacts.csv", "x"), RuleSetVersion.CANDIDATE,
                "secretariat", "tighter KSI", null, NOW);
        store.activate(first, List.of(), List.of(), EnumSet.noneOf(Sink.class), NOW);
        store.activate(second, List.of(assessment("2017", "68", Rating.RED)),
                List.of(event(1, AlertEventType.RAISED, "2017")), EnumSet.of(Sink.EMAIL), NOW.plusSeconds(5));

        assertEquals(List.of(2, 1), store.ruleSetVersions().stream().map(RuleSetVersion::version).toList());
        assertEquals(List.of(RuleSetVersion.ACTIVE, RuleSetVersion.RETIRED),
                store.ruleSetVersions().stream().map(RuleSetVersion::status).toList());
        RuleSetVersion active = store.ruleSetVersion(second).orElseThrow();
        assertEquals(Map.of("targets.csv", "a,c\n", "contacts.csv", "x"), active.files());
        assertEquals("tighter KSI", active.comment());
        assertEquals(new DeliveryCounts(1, 0, 0), store.deliveryCounts());
    }

    @Test
    void a_refused_rule_set_is_kept_with_who_sent_it_and_why() {
        int v = store.addRuleSetVersion("c3", Map.of("targets.csv", "x"), RuleSetVersion.REFUSED, "secretariat", null,
                "targets.csv:7:target: \"forty\" is not a number", NOW);

        RuleSetVersion refused = store.ruleSetVersion(v).orElseThrow();
        assertEquals("secretariat", refused.createdBy());
        assertTrue(refused.errors().contains("forty"));
    }
}
