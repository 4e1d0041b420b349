package targetwatch.routes.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.service.IngestService.Incoming;
import targetwatch.routes.service.IngestService.Positioned;
import targetwatch.routes.service.IngestService.Taken;

/**
 * Exactly once for batches of messages, on the real rule set and an H2 file: a message delivered again after its
 * batch was stored changes nothing and goes to the dead-letter queue again only if it went there before.
 */
class IngestServiceMessagesTest {

    private String url;
    private JdbcStore store;
    private IngestService service;

    @BeforeEach
    void start(@TempDir Path data) throws Exception {
        url = "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0";
        store = JdbcStore.open(url, "", "");
        service = new IngestService(new RuleCompiler().load(takingAnyArea(data.resolve("rules"))), store,
                EnumSet.of(Sink.TOPIC), Clock.fixed(Instant.parse("2018-05-01T09:00:00Z"), ZoneOffset.UTC), false);
    }

    /** The real rule set, rating the wards these tests keep their series apart in, which its areas.csv does not list. */
    private static Path takingAnyArea(Path into) throws java.io.IOException {
        Path real = Path.of(System.getProperty("targetwatch.rules"));
        try (var files = java.nio.file.Files.walk(real)) {
            for (Path p : files.toList()) {
                Path to = into.resolve(real.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(p, to);
                }
            }
        }
        java.nio.file.Files.writeString(into.resolve("settings.csv"), "setting,value\nunlisted_areas,rate\n");
        return into;
    }

    @AfterEach
    void stop() {
        service.close();
        store.close();
    }

    @Test
    void the_rule_set_is_read_while_a_batch_holds_the_ingest_lock() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread batch = new Thread(() -> {
            synchronized (service) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        batch.start();
        try {
            held.await();
            // the mail relay and the pages read the rule set while intake takes a batch, and do not wait for it
            CompletableFuture<String> read = CompletableFuture.supplyAsync(
                    () -> service.ruleSet().partnership().id());
            assertEquals("maidstone", read.get(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            batch.join();
        }
    }

    private static Incoming message(String id, String area, String value) {
        return new Incoming(id, "jms " + id, List.of(new Positioned(
                Reading.of("maidstone", "ksi-casualties", area, "2017", value, "kfrs"), 1)), List.of());
    }

    @Test
    void a_batch_delivered_again_changes_nothing_even_after_a_revision_of_its_reading() {
        // given a batch stored, then a revision of its reading in a later message
        service.ingestMessages(List.of(message("ID:1", "ward-a", "70"), message("ID:2", "ward-b", "30")));
        service.ingestMessages(List.of(message("ID:3", "ward-a", "20")));
        long stored = store.readingCount();

        // when the broker delivers the first batch again (its commit was lost)
        List<Taken> again = service.ingestMessages(List.of(message("ID:1", "ward-a", "70"), message("ID:2", "ward-b", "30")));

        // then both are known as taken, nothing is stored, and the revision still stands
        assertTrue(again.stream().allMatch(Taken::repeat));
        assertEquals(stored, store.readingCount());
        assertEquals("GREEN", service.latest().stream().filter(a -> a.area().equals("ward-a")).findFirst().orElseThrow()
                .rating().name());
    }

    @Test
    void a_message_dead_lettered_before_is_dead_lettered_again_with_its_first_reason_when_delivered_again() {
        Incoming bad = new Incoming("ID:bad", "jms ID:bad", List.of(), List.of(new RejectedReading("jms ID:bad", 0,
                "malformed JSON")));
        Taken first = service.ingestMessages(List.of(bad)).get(0);

        Taken again = service.ingestMessages(List.of(bad)).get(0);

        assertFalse(first.repeat());
        assertEquals("malformed JSON", first.deadLetterReason());
        assertTrue(again.repeat());
        assertEquals("malformed JSON", again.deadLetterReason());
    }

    @Test
    void the_same_message_twice_in_one_batch_is_taken_once() {
        List<Taken> taken = service.ingestMessages(List.of(message("ID:1", "ward-a", "70"), message("ID:1", "ward-a", "70")));

        assertFalse(taken.get(0).repeat());
        assertTrue(taken.get(1).repeat());
        assertNull(taken.get(1).deadLetterReason());
        assertEquals(1, store.readingCount());
    }

    @Test
    void a_message_the_database_refuses_is_dead_lettered_with_the_reason_and_the_rest_of_its_batch_is_stored()
            throws Exception {
        // given a database that refuses readings for one ward (as it would a value it cannot hold)
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER TABLE readings ADD CONSTRAINT no_poison CHECK (area <> 'poison-ward')");
        }

        // when a batch holds a reading for it between two good ones
        List<Taken> taken = service.ingestMessages(List.of(message("ID:1", "ward-a", "70"), message("ID:2", "poison-ward", "70"),
                message("ID:3", "ward-b", "30")));

        // then that message alone is dead-lettered with the database's reason, and the others are stored and assessed
        assertNull(taken.get(0).deadLetterReason());
        assertTrue(taken.get(1).deadLetterReason().startsWith("could not be stored"), taken.get(1).deadLetterReason());
        assertNull(taken.get(2).deadLetterReason());
        assertEquals(2, store.readingCount());
        assertEquals(List.of("ward-a", "ward-b"), service.latest().stream().map(a -> a.area()).sorted().toList());

        // and delivered again, it is dead-lettered again with the same reason and changes nothing
        Taken again = service.ingestMessages(List.of(message("ID:2", "poison-ward", "70"))).get(0);
        assertTrue(again.repeat());
        assertEquals(taken.get(1).deadLetterReason(), again.deadLetterReason());
        assertEquals(2, store.readingCount());
    }
}
