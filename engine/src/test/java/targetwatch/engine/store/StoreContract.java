package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/** What every {@link Store} must do, run against each database targetwatch supports. */
abstract class StoreContract {

    static final Instant NOW = Instant.parse("2018-05-01T09:00:00Z");
    static final Set<Sink> NO_SINKS = EnumSet.noneOf(Sink.class);
    static final Set<Sink> BOTH_SINKS = EnumSet.of(Sink.TOPIC, Sink.EMAIL);
    static final String ALERT = "6f1c1e0e-3d2a-3b7e-9a51-0c2f1d4b5a61";

    Store store;

    /** A store on an empty database. */
    abstract Store openEmpty() throws Exception;

    /** Another empty database, with no schema yet: its JDBC URL, user and password. */
    abstract String[] emptyDatabase() throws Exception;

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

    /** An event of alert {@link #ALERT}, as the alert lifecycle makes them: with its alert, its time and who caused it. */
    static AlertEvent alertEvent(long sequence, AlertEventType type, Instant at, String actor, String comment,
                                 boolean silenced) {
        AlertEvent e = event(sequence, type, "2017");
        return new AlertEvent(e.id(), sequence, type, e.partnership(), e.indicator(), e.area(), e.period(), e.severity(),
                e.previousSeverity(), e.actual(), e.expected(), e.direction(), e.level(), e.targetRow(), e.recipient(),
                e.reason(), "roads", ALERT, at, actor, comment, silenced);
    }

    /** An alert opened at {@code openedAt}, raised to its second level and acknowledged, every field set. */
    static AlertState alertState(String id, Instant openedAt, Instant closedAt) {
        return new AlertState(id, AlertKind.RATING, "maidstone", "ksi-casualties", "maidstone", "roads", 11, "lead-road-safety",
                "data-kfrs", Period.parse("2017"), Rating.RED, 2, openedAt, openedAt.plusSeconds(3600).plusNanos(123_456_789),
                openedAt.plusSeconds(7200), List.of("lead-road-safety", "head-of-community-safety"), "j.smith",
                openedAt.plusSeconds(9000), "the A20 works end in June", openedAt.plusSeconds(86_400 * 30),
                "roadworks: until 2018-06-30", closedAt);
    }

    /** An alert just opened: nobody acknowledged it, no silence covers it. */
    static AlertState openedAlert(String id, Instant openedAt) {
        return new AlertState(id, AlertKind.LATE_DATA, "maidstone", "ksi-casualties", "maidstone", null, 11, "lead-road-safety",
                null, Period.parse("2018-Q1"), Rating.GREY, 1, openedAt, openedAt, openedAt, List.of("lead-road-safety"), null,
                null, null, null, null, null);
    }

    /** An alert the database refuses: its partnership is longer than any slug may be. */
    static AlertState unstorable() {
        AlertState a = openedAlert("too-long", NOW);
        return new AlertState(a.id(), a.kind(), "p".repeat(65), a.indicator(), a.area(), a.priority(), a.targetRow(), a.lead(),
                a.dataContact(), a.period(), a.severity(), a.level(), a.openedAt(), a.levelSince(), a.lastNotifiedAt(), a.told(),
                a.acknowledgedBy(), a.acknowledgedAt(), a.acknowledgementComment(), a.acknowledgedUntil(), a.silence(),
                a.closedAt());
    }

    static List<String> ids(List<AlertState> alerts) {
        return alerts.stream().map(AlertState::id).toList();
    }

    @Test
    void a_reading_its_assessment_its_event_and_a_delivery_per_sink_are_stored_together() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "kfrs.csv:7", List.of(assessment("2017", "68", Rating.RED)),
                List.of(event(1, AlertEventType.RAISED, "2017")), List.of())), EnumSet.of(Sink.TOPIC, Sink.EMAIL), "abc", NOW);

        assertEquals(1, store.readingCount());
        assertEquals(new DeliveryCounts(2, 0, 0), store.deliveryCounts());
        List<Delivery> topic = store.dueDeliveries(Sink.TOPIC, NOW, 10);
        assertEquals(1, topic.size());
        assertEquals(event(1, AlertEventType.RAISED, "2017"), topic.get(0).event());
    }

    @Test
    void nothing_is_stored_when_one_part_of_the_transaction_fails() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(), List.of(event(1, AlertEventType.RAISED, "2017")),
                List.of())), EnumSet.of(Sink.TOPIC), "abc", NOW);

        // a second event numbered 1 in the series violates its constraint: the reading before it must not be kept either
        assertThrows(StoreException.class, () -> store.save(List.of(
                new StoredReading(reading("2018", "30"), "b", List.of(assessment("2018", "30", Rating.GREEN)), List.of(),
                        List.of()),
                new StoredReading(reading("2016", "50"), "c", List.of(), List.of(event(1, AlertEventType.RAISED, "2016")),
                        List.of())), EnumSet.of(Sink.TOPIC), "abc", NOW));

        assertEquals(1, store.readingCount());
        assertEquals(new DeliveryCounts(1, 0, 0), store.deliveryCounts());
    }

    @Test
    void revisions_are_kept_as_rows_and_replayed_in_the_order_they_were_taken() {
        store.save(List.of(new StoredReading(reading("2015", "53"), "a", List.of(), List.of(), List.of())), NO_SINKS, "x", NOW);
        store.save(List.of(new StoredReading(reading("2016", "60"), "b", List.of(), List.of(), List.of())), NO_SINKS, "x", NOW);
        store.save(List.of(new StoredReading(reading("2015", "56"), "c", List.of(), List.of(), List.of())), NO_SINKS, "x", NOW);

        List<Reading> replayed = new ArrayList<>();
        store.forEachReading(replayed::add);

        assertEquals(List.of(reading("2015", "53"), reading("2016", "60"), reading("2015", "56")), replayed);
    }

    @Test
    void readings_saved_together_are_replayed_in_the_order_given_and_each_keeps_its_own_assessments_and_events() {
        List<StoredReading> many = new ArrayList<>();
        for (int year = 2012; year <= 2017; year++) {
            String y = String.valueOf(year);
            many.add(new StoredReading(reading(y, "6" + (year - 2010)), "batch:" + year,
                    List.of(assessment(y, "6" + (year - 2010), Rating.RED)),
                    year == 2017 ? List.of(event(1, AlertEventType.RAISED, y)) : List.of(), List.of()));
        }
        store.save(many, List.of(new ProcessedMessage("ID:one", null)), EnumSet.of(Sink.TOPIC), "abc", NOW);

        List<Reading> replayed = new ArrayList<>();
        store.forEachReading(replayed::add);
        assertEquals(many.stream().map(StoredReading::reading).toList(), replayed);
        assertEquals(new DeliveryCounts(1, 0, 0), store.deliveryCounts());
    }

    @Test
    void a_message_stored_with_its_readings_is_known_as_taken_with_its_dead_letter_reason() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "jms ID:a", List.of(), List.of(), List.of())),
                List.of(new ProcessedMessage("ID:a", null), new ProcessedMessage("ID:b", "item 2: unknown indicator")),
                NO_SINKS, "abc", NOW);

        Map<String, ProcessedMessage> seen = store.processedMessages(List.of("ID:a", "ID:b", "ID:c"));

        assertEquals(Map.of("ID:a", new ProcessedMessage("ID:a", null),
                "ID:b", new ProcessedMessage("ID:b", "item 2: unknown indicator")), seen);
    }

    @Test
    void a_message_taken_twice_fails_the_second_transaction_and_keeps_none_of_its_readings() {
        store.save(List.of(), List.of(new ProcessedMessage("ID:a", null)), NO_SINKS, "abc", NOW);

        assertThrows(StoreException.class, () -> store.save(
                List.of(new StoredReading(reading("2017", "68"), "jms ID:a", List.of(), List.of(), List.of())),
                List.of(new ProcessedMessage("ID:a", null)), NO_SINKS, "abc", NOW));

        assertEquals(0, store.readingCount());
    }

    @Test
    void processed_messages_are_forgotten_only_when_taken_before_the_given_time() {
        store.save(List.of(), List.of(new ProcessedMessage("ID:old", null)), NO_SINKS, "abc", NOW.minusMillis(1));
        store.save(List.of(), List.of(new ProcessedMessage("ID:now", null)), NO_SINKS, "abc", NOW);

        assertEquals(1, store.forgetProcessedMessages(NOW));

        assertEquals(Set.of("ID:now"), store.processedMessages(List.of("ID:old", "ID:now")).keySet());
    }

    @Test
    void looking_up_more_message_ids_than_one_statement_takes_finds_every_one() {
        List<ProcessedMessage> taken = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            taken.add(new ProcessedMessage("ID:" + i, null));
        }
        store.save(List.of(), taken, NO_SINKS, "abc", NOW);

        assertEquals(1_200, store.processedMessages(taken.stream().map(ProcessedMessage::id).toList()).size());
    }

    @Test
    void a_sent_delivery_is_not_due_again_and_a_failed_one_is_due_after_its_back_off() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017")), List.of())), EnumSet.of(Sink.TOPIC, Sink.EMAIL), "abc", NOW);
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
                List.of(event(1, AlertEventType.RAISED, "2017")), List.of())), EnumSet.of(Sink.EMAIL), "abc", NOW);
        Delivery email = store.dueDeliveries(Sink.EMAIL, NOW, 10).get(0);

        store.markFailed(email.id(), "mailbox unavailable", NOW, true);

        assertTrue(store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(86_400), 10).isEmpty());
        assertEquals(new DeliveryCounts(0, 0, 1), store.deliveryCounts());
    }

    @Test
    void a_delivery_handed_over_is_in_doubt_and_never_due_again_until_its_answer_is_recorded() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017"), event(2, AlertEventType.ESCALATED, "2017")), List.of())),
                EnumSet.of(Sink.EMAIL), "abc", NOW);
        List<Delivery> due = store.dueDeliveries(Sink.EMAIL, NOW, 10);

        store.markHandedOver(due.stream().map(Delivery::id).toList(), NOW);

        assertTrue(store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(86_400), 10).isEmpty(), "in doubt is not due");
        assertEquals(new DeliveryCounts(0, 0, 0, 2), store.deliveryCounts());
        store.markSent(due.get(0).id(), "250 OK", NOW);
        store.markFailed(due.get(1).id(), "554 rejected", NOW, false);
        assertEquals(new DeliveryCounts(1, 1, 0, 0), store.deliveryCounts(), "an answer settles it either way");
    }

    @Test
    void a_delivery_in_doubt_is_listed_and_settled_on_someones_word_once() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017"), event(2, AlertEventType.ESCALATED, "2017")), List.of())),
                EnumSet.of(Sink.EMAIL), "abc", NOW);
        List<Delivery> due = store.dueDeliveries(Sink.EMAIL, NOW, 10);
        store.markHandedOver(due.stream().map(Delivery::id).toList(), NOW);

        List<Delivery> inDoubt = store.inDoubtDeliveries(10);
        assertEquals(due.stream().map(Delivery::id).toList(), inDoubt.stream().map(Delivery::id).toList());
        assertEquals(due.get(0).event(), inDoubt.get(0).event());

        assertTrue(store.settleInDoubt(due.get(0).id(), true, "admin", NOW.plusSeconds(60)));
        assertTrue(store.settleInDoubt(due.get(1).id(), false, "admin", NOW.plusSeconds(60)));
        assertFalse(store.settleInDoubt(due.get(1).id(), true, "admin", NOW.plusSeconds(60)), "settled twice");
        assertTrue(store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(59), 10).isEmpty(), "due before its time");
        assertEquals(List.of(due.get(0).id()),
                store.dueDeliveries(Sink.EMAIL, NOW.plusSeconds(60), 10).stream().map(Delivery::id).toList());
        assertEquals(new DeliveryCounts(1, 1, 0, 0), store.deliveryCounts());
    }

    @Test
    void the_mail_budget_counts_each_mail_sent_to_a_recipient_since_a_moment_once_and_a_topic_delivery_as_none() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017"), event(2, AlertEventType.ESCALATED, "2017"),
                        event(3, AlertEventType.WORSENED, "2017"), event(4, AlertEventType.REMINDER, "2017")), List.of())),
                BOTH_SINKS, "abc", NOW);
        List<Delivery> email = store.dueDeliveries(Sink.EMAIL, NOW, 10);
        Delivery topic = store.dueDeliveries(Sink.TOPIC, NOW, 10).get(0);
        String lead = "lead-road-safety";

        store.markSent(email.get(0).id(), "250 OK", NOW);
        store.markSent(topic.id(), "published", NOW);
        assertEquals(1, store.mailsSentTo("maidstone", lead, NOW), "a mail sent at the moment counts from it");
        assertEquals(0, store.mailsSentTo("maidstone", lead, NOW.plusNanos(1000)), "not from a moment after it");
        assertEquals(0, store.mailsSentTo("maidstone", "lead-domestic-abuse", NOW), "another recipient's");
        assertEquals(0, store.mailsSentTo("dover", lead, NOW), "the same contact id in another partnership");

        List<Long> digest = List.of(email.get(1).id(), email.get(2).id());
        store.markMailed(digest, "digest-1", "250 OK", NOW.plusSeconds(60));
        assertEquals(2, store.mailsSentTo("maidstone", lead, NOW), "a digest is one mail");
        store.markMailed(digest, "digest-1", "250 OK", NOW.plusSeconds(120));
        assertEquals(2, store.mailsSentTo("maidstone", lead, NOW), "the same mail marked again is still one");

        store.markHandedOver(List.of(email.get(3).id()), NOW.plusSeconds(180));
        assertTrue(store.settleInDoubt(email.get(3).id(), false, "admin", NOW.plusSeconds(240)));
        assertEquals(3, store.mailsSentTo("maidstone", lead, NOW), "a mail confirmed as made counts");
        assertEquals(1, store.mailsSentTo("maidstone", lead, NOW.plusSeconds(240)), "from when it was confirmed");
    }

    @Test
    void the_mails_sent_before_the_budget_counted_them_in_a_table_of_their_own_still_count() throws Exception {
        String[] db = emptyDatabase();
        Flyway.configure().dataSource(db[0], db[1], db[2]).locations("classpath:db/migration").target("13").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(db[0], db[1], db[2]); Statement s = c.createStatement()) {
            for (int i = 1; i <= 4; i++) {
                s.executeUpdate("INSERT INTO alert_events (id, sequence_no, event_type, partnership, indicator, area, period,"
                        + " severity, level_no, recipient, payload, created_at) VALUES ('e" + i + "', " + i + ", 'RAISED',"
                        + " 'maidstone', 'ksi-casualties', 'maidstone', '2017', 'RED', 1, '" + (i == 4 ? "lead-asb" : "lead-road-safety")
                        + "', '{}', TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z')");
            }
            // e1 mailed alone (no mail id), e2 and e3 in one digest, e4 to someone else; a topic delivery sent and a webhook
            // delivery waiting are no mail
            s.executeUpdate("INSERT INTO deliveries (event_id, sink, status, attempts, next_attempt_at, sent_at, mail_id) VALUES"
                    + " ('e1', 'EMAIL', 'SENT', 1, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', TIMESTAMP WITH TIME ZONE '2018-05-01 08:01:00Z', NULL),"
                    + " ('e2', 'EMAIL', 'SENT', 1, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', TIMESTAMP WITH TIME ZONE '2018-05-01 08:02:00Z', 'digest-1'),"
                    + " ('e3', 'EMAIL', 'SENT', 1, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', TIMESTAMP WITH TIME ZONE '2018-05-01 08:02:00Z', 'digest-1'),"
                    + " ('e4', 'EMAIL', 'SENT', 1, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', TIMESTAMP WITH TIME ZONE '2018-05-01 08:03:00Z', NULL),"
                    + " ('e1', 'TOPIC', 'SENT', 1, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', TIMESTAMP WITH TIME ZONE '2018-05-01 08:01:00Z', NULL),"
                    + " ('e2', 'WEBHOOK', 'PENDING', 0, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z', NULL, NULL)");
        }
        try (Store migrated = JdbcStore.open(db[0], db[1], db[2])) {
            Instant day = Instant.parse("2018-05-01T00:00:00Z");
            assertEquals(2, migrated.mailsSentTo("maidstone", "lead-road-safety", day), "a mail alone and a digest");
            assertEquals(1, migrated.mailsSentTo("maidstone", "lead-road-safety", Instant.parse("2018-05-01T08:02:00Z")),
                    "from the digest's moment on");
            assertEquals(1, migrated.mailsSentTo("maidstone", "lead-asb", day));
        }
    }

    @Test
    void messages_taken_before_their_ids_were_keyed_in_time_order_are_still_known_with_their_reasons() throws Exception {
        String[] db = emptyDatabase();
        Flyway.configure().dataSource(db[0], db[1], db[2]).locations("classpath:db/migration").target("14").load()
                .migrate();
        String artemis = "ID:fffffffe-bc42-11f1-a0c3-0242ac110002";
        String looksLikeAKey = "t1:1f1bc42fffffffe-a0c3-0242ac110002";
        try (Connection c = DriverManager.getConnection(db[0], db[1], db[2]); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO processed_messages (message_id, dead_letter_reason, processed_at) VALUES"
                    + " ('" + artemis + "', NULL, TIMESTAMP WITH TIME ZONE '2018-05-01 08:00:00Z'),"
                    + " ('" + looksLikeAKey + "', 'item 1: no such indicator', TIMESTAMP WITH TIME ZONE '2018-05-01 09:00:00Z'),"
                    + " ('amqp-client-7', NULL, TIMESTAMP WITH TIME ZONE '2018-05-01 10:00:00Z')");
        }
        try (Store migrated = JdbcStore.open(db[0], db[1], db[2])) {
            Map<String, ProcessedMessage> known = migrated.processedMessages(List.of(artemis, looksLikeAKey, "amqp-client-7",
                    "ID:ffffffff-bc42-11f1-a0c3-0242ac110002"));
            assertEquals(Set.of(artemis, looksLikeAKey, "amqp-client-7"), known.keySet(), "each once, and no other");
            assertEquals("item 1: no such indicator", known.get(looksLikeAKey).deadLetterReason());
            assertFalse(known.get(artemis).deadLettered());

            migrated.save(List.of(), List.of(new ProcessedMessage("ID:ffffffff-bc42-11f1-a0c3-0242ac110002", null)), NO_SINKS,
                    "abc", Instant.parse("2018-05-01T11:00:00Z"));
            assertEquals(2, migrated.forgetProcessedMessages(Instant.parse("2018-05-01T09:30:00Z")),
                    "forgotten by the time they were taken at, as before");
            assertEquals(Set.of("amqp-client-7", "ID:ffffffff-bc42-11f1-a0c3-0242ac110002"), migrated.processedMessages(
                    List.of(artemis, looksLikeAKey, "amqp-client-7", "ID:ffffffff-bc42-11f1-a0c3-0242ac110002")).keySet());
        }
        try (Connection c = DriverManager.getConnection(db[0], db[1], db[2]); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT message_id FROM processed_messages ORDER BY message_id")) {
            List<String> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
            assertEquals(List.of("amqp-client-7", "t1:1f1bc42ffffffff-a0c3-0242ac110002"), keys,
                    "an Artemis id stored with its time first");
        }
    }

    @Test
    void only_a_waiting_delivery_can_be_handed_over() {
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(),
                List.of(event(1, AlertEventType.RAISED, "2017")), List.of())), EnumSet.of(Sink.EMAIL), "abc", NOW);
        Delivery email = store.dueDeliveries(Sink.EMAIL, NOW, 10).get(0);
        store.markSent(email.id(), "250 OK", NOW);

        store.markHandedOver(List.of(email.id()), NOW);

        assertEquals(new DeliveryCounts(0, 1, 0, 0), store.deliveryCounts());
    }

    @Test
    void event_numbering_continues_from_the_highest_stored_number_of_each_series() {
        store.save(List.of(
                new StoredReading(reading("2016", "60"), "a", List.of(), List.of(event(1, AlertEventType.RAISED, "2016")), List.of()),
                new StoredReading(reading("2017", "30"), "b", List.of(), List.of(event(2, AlertEventType.RESOLVED, "2017")),
                        List.of())),
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
        store.activate(first, List.of(), List.of(), List.of(), NO_SINKS, NOW);
        store.activate(second, List.of(assessment("2017", "68", Rating.RED)),
                List.of(event(1, AlertEventType.RAISED, "2017")), List.of(), EnumSet.of(Sink.EMAIL), NOW.plusSeconds(5));

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

    @Test
    void an_alert_is_stored_whole_and_each_change_replaces_its_state() {
        AlertState opened = openedAlert(ALERT, NOW);
        store.saveAlertChanges(List.of(), List.of(opened), NO_SINKS, NOW);
        assertEquals(Optional.of(opened), store.alert(ALERT));

        AlertState closed = alertState(ALERT, NOW, NOW.plusSeconds(86_400 * 40).plusNanos(1));
        store.saveAlertChanges(List.of(), List.of(closed), NO_SINKS, NOW.plusSeconds(86_400 * 40));

        assertEquals(Optional.of(closed), store.alert(ALERT));
        assertEquals(List.of(closed), store.alerts(false, 10));
        assertEquals(Optional.empty(), store.alert("no-such-alert"));
    }

    @Test
    void open_alerts_are_the_ones_not_closed_and_lists_show_the_newest_opened_first() {
        AlertState oldest = openedAlert("a", NOW);
        AlertState closed = alertState("b", NOW.plusSeconds(60), NOW.plusSeconds(120));
        AlertState newest = alertState("c", NOW.plusSeconds(180), null);
        store.saveAlertChanges(List.of(), List.of(newest, oldest, closed), NO_SINKS, NOW);

        assertEquals(List.of(oldest, newest), store.openAlerts());
        assertEquals(List.of("c", "a"), ids(store.alerts(true, 10)));
        assertEquals(List.of("c", "b", "a"), ids(store.alerts(false, 10)));
        assertEquals(List.of("c", "b"), ids(store.alerts(false, 2)));
    }

    @Test
    void an_alerts_history_is_its_events_in_the_order_they_happened_with_who_acted_and_what_they_said() {
        AlertEvent toLead = alertEvent(1, AlertEventType.RAISED, NOW, null, null, false);
        AlertEvent toHead = alertEvent(2, AlertEventType.RAISED, NOW, null, null, false);
        AlertEvent acknowledged = alertEvent(3, AlertEventType.ACKNOWLEDGED, NOW.plusSeconds(86_400), "j.smith",
                "the A20 works end in June", false);
        AlertEvent otherAlert = event(4, AlertEventType.RAISED, "2016");
        store.saveAlertChanges(List.of(acknowledged, otherAlert, toHead), List.of(), BOTH_SINKS, NOW.plusSeconds(86_400));
        store.saveAlertChanges(List.of(toLead), List.of(), BOTH_SINKS, NOW.plusSeconds(86_400));

        List<AlertEvent> history = store.alertHistory(ALERT);

        assertEquals(List.of(toLead, toHead, acknowledged), history);
        assertEquals("j.smith", history.get(2).actor());
        assertEquals("the A20 works end in June", history.get(2).comment());
        assertTrue(store.alertHistory("no-such-alert").isEmpty());
    }

    @Test
    void an_event_already_stored_is_skipped_with_its_deliveries() {
        AlertEvent raised = alertEvent(1, AlertEventType.RAISED, NOW, null, null, false);
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(), List.of(raised), List.of())), BOTH_SINKS,
                "abc", NOW);

        store.saveAlertChanges(List.of(raised, raised), List.of(), BOTH_SINKS, NOW.plusSeconds(60));
        store.save(List.of(new StoredReading(reading("2017", "69"), "b", List.of(), List.of(raised), List.of())), BOTH_SINKS,
                "abc", NOW.plusSeconds(120));
        int version = store.addRuleSetVersion("c1", Map.of("targets.csv", "a"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        store.activate(version, List.of(), List.of(raised), List.of(), BOTH_SINKS, NOW.plusSeconds(180));

        assertEquals(2, store.readingCount());
        assertEquals(new DeliveryCounts(2, 0, 0), store.deliveryCounts());
        assertEquals(List.of(raised), store.alertHistory(ALERT));
    }

    @Test
    void a_silenced_event_is_kept_in_the_history_and_delivered_to_nobody() {
        AlertEvent silenced = alertEvent(1, AlertEventType.ESCALATED, NOW, null, null, true);
        AlertEvent resolved = alertEvent(2, AlertEventType.RESOLVED, NOW.plusSeconds(60), null, null, false);

        store.saveAlertChanges(List.of(silenced, resolved), List.of(), BOTH_SINKS, NOW);

        assertEquals(new DeliveryCounts(2, 0, 0), store.deliveryCounts());
        assertEquals(List.of(resolved), store.dueDeliveries(Sink.EMAIL, NOW, 10).stream().map(Delivery::event).toList());
        assertEquals(List.of(silenced, resolved), store.alertHistory(ALERT));
        assertTrue(store.alertHistory(ALERT).get(0).silenced());
    }

    @Test
    void an_acknowledgement_token_works_once() {
        assertTrue(store.useToken("token-1", ALERT, NOW));
        assertFalse(store.useToken("token-1", ALERT, NOW.plusSeconds(60)));
        assertFalse(store.useToken("token-1", "another-alert", NOW.plusSeconds(120)));

        // a refused token leaves the store working
        assertTrue(store.useToken("token-2", ALERT, NOW.plusSeconds(180)));
        assertTrue(store.isHealthy());
    }

    @Test
    void a_save_stores_the_alerts_its_readings_changed_or_none_of_them_when_it_fails() {
        AlertState opened = openedAlert(ALERT, NOW);
        AlertState acknowledged = alertState(ALERT, NOW, null);
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(), List.of(event(1, AlertEventType.RAISED, "2017")),
                List.of(opened))), BOTH_SINKS, "abc", NOW);
        assertEquals(List.of(opened), store.openAlerts());

        // the last alert cannot be stored, after the others were: none of them, nor the readings, may be kept
        assertThrows(StoreException.class, () -> store.save(List.of(
                new StoredReading(reading("2018", "30"), "b", List.of(), List.of(event(2, AlertEventType.IMPROVED, "2018")),
                        List.of(acknowledged, alertState("x", NOW, null))),
                new StoredReading(reading("2016", "50"), "c", List.of(), List.of(), List.of(unstorable()))),
                BOTH_SINKS, "abc", NOW.plusSeconds(60)));

        assertEquals(1, store.readingCount());
        assertEquals(List.of(opened), store.alerts(false, 10));
        assertEquals(new DeliveryCounts(2, 0, 0), store.deliveryCounts());
    }

    @Test
    void the_last_state_of_an_alert_changed_by_several_readings_of_one_save_is_stored() {
        AlertState opened = openedAlert(ALERT, NOW);
        AlertState acknowledged = alertState(ALERT, NOW, null);
        store.save(List.of(new StoredReading(reading("2017", "68"), "a", List.of(), List.of(), List.of(opened)),
                new StoredReading(reading("2018", "70"), "b", List.of(), List.of(), List.of(acknowledged))), NO_SINKS, "abc", NOW);

        assertEquals(List.of(acknowledged), store.alerts(false, 10));
    }

    @Test
    void one_save_updates_the_stored_alerts_inserts_the_new_ones_and_writes_only_the_events_not_stored_yet() {
        AlertState first = openedAlert("a", NOW);
        AlertEvent raised = event(1, AlertEventType.RAISED, "2017");
        store.saveAlertChanges(List.of(raised), List.of(first), BOTH_SINKS, NOW);

        AlertState firstChanged = alertState("a", NOW, null);
        AlertState second = openedAlert("b", NOW.plusSeconds(60));
        List<AlertEvent> events = new java.util.ArrayList<>(List.of(raised));
        for (long n = 2; n <= 600; n++) { // more ids than one look-up names
            events.add(event(n, AlertEventType.IMPROVED, "2017"));
        }
        events.add(raised);
        store.saveAlertChanges(events, List.of(second, firstChanged), BOTH_SINKS, NOW.plusSeconds(60));

        assertEquals(Optional.of(firstChanged), store.alert("a"));
        assertEquals(Optional.of(second), store.alert("b"));
        assertEquals(new DeliveryCounts(1200, 0, 0), store.deliveryCounts());
        assertEquals(600, store.noiseCounts().events());
    }

    @Test
    void activation_stores_the_alerts_the_rule_change_touched_or_none_when_it_fails() {
        int version = store.addRuleSetVersion("c1", Map.of("targets.csv", "a"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        AlertState opened = openedAlert(ALERT, NOW);
        store.activate(version, List.of(), List.of(alertEvent(1, AlertEventType.RAISED, NOW, null, "rule change", false)),
                List.of(opened), EnumSet.of(Sink.EMAIL), NOW);

        int next = store.addRuleSetVersion("c2", Map.of("targets.csv", "b"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        assertThrows(StoreException.class, () -> store.activate(next, List.of(),
                List.of(alertEvent(2, AlertEventType.ESCALATED, NOW, null, null, false)),
                List.of(alertState("x", NOW, null), unstorable()), EnumSet.of(Sink.EMAIL), NOW.plusSeconds(60)));

        assertEquals(List.of(opened), store.alerts(false, 10));
        assertEquals(new DeliveryCounts(1, 0, 0), store.deliveryCounts());
        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(version).orElseThrow().status());
        assertEquals(RuleSetVersion.CANDIDATE, store.ruleSetVersion(next).orElseThrow().status());
    }

    static Commentary commentary(String indicator, String area, String period, String text, String author, Instant at) {
        return new Commentary("maidstone", indicator, area, Period.parse(period), text, author, at);
    }

    @Test
    void a_quarters_commentary_is_the_latest_written_for_each_indicator_of_the_area_with_its_author_and_time() {
        store.addCommentary(commentary("ksi-casualties", "maidstone", "2015-Q4", "First draft", "nick.silvester", NOW));
        Commentary edited = commentary("ksi-casualties", "maidstone", "2015-Q4",
                "Two fatal collisions on the A20 in October;\nspeed checks \"in hand\" – see the SMP minutes.", "secretariat",
                NOW.plusSeconds(3600));
        store.addCommentary(edited);
        Commentary other = commentary("da-repeat-victims", "maidstone", "2015-Q4", "MARAC review", "ian.park", NOW);
        store.addCommentary(other);
        store.addCommentary(commentary("ksi-casualties", "maidstone", "2015-Q3", "An earlier quarter", "nick.silvester", NOW));
        store.addCommentary(commentary("ksi-casualties", "kent", "2015-Q4", "Another area", "nick.silvester", NOW));

        assertEquals(Map.of("ksi-casualties", edited, "da-repeat-victims", other),
                store.commentaries("maidstone", "maidstone", Period.parse("2015-Q4")));
        assertEquals(Map.of(), store.commentaries("maidstone", "maidstone", Period.parse("2016-Q1")));
        assertEquals(Map.of(), store.commentaries("other", "maidstone", Period.parse("2015-Q4")), "another partnership's");
    }

    @Test
    void a_series_latest_commentary_is_that_of_its_latest_quarter_even_when_an_earlier_one_was_edited_since() {
        SeriesKey ksi = new SeriesKey("maidstone", "ksi-casualties", "maidstone");
        assertEquals(Optional.empty(), store.latestCommentary(ksi));

        Commentary q4 = commentary("ksi-casualties", "maidstone", "2015-Q4", "Fourth quarter", "nick.silvester", NOW);
        store.addCommentary(q4);
        store.addCommentary(commentary("ksi-casualties", "maidstone", "2015-Q3", "Third, edited later", "secretariat",
                NOW.plusSeconds(60)));
        store.addCommentary(commentary("ksi-casualties", "kent", "2016-Q1", "Kent's", "nick.silvester", NOW));

        assertEquals(Optional.of(q4), store.latestCommentary(ksi));
    }
}
