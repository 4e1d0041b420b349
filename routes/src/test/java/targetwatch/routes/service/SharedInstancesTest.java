package targetwatch.routes.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.routes.service.IngestService.Incoming;
import targetwatch.routes.service.IngestService.Positioned;

/**
 * Two instances sharing one database (issue 15's "more than one instance"), as {@link Tenants} of the same rules root
 * in one JVM, each with its own pool on the same H2 file: a shared instance takes a partnership over when a reading of
 * it comes (the broker's message group decides which instance that is), rebuilds its state from the store, and once
 * another instance has taken it over writes nothing more for it; a sole instance owns every partnership from its start.
 */
class SharedInstancesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2019-06-01T09:00:00Z"), ZoneOffset.UTC);
    private static final SeriesKey ASHFORD_ASB = new SeriesKey("ashford", "asb-incidents-per-1000", "ashford");

    private Path data;
    private String url;
    private JdbcStore storeA;
    private JdbcStore storeB;
    private Tenants a;
    private Tenants b;

    @BeforeEach
    void start(@TempDir Path data) throws Exception {
        this.data = data;
        url = "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0";
        storeA = JdbcStore.open(url, "", "");
        storeB = JdbcStore.open(url, "", "");
        Path rules = twoKentPartnerships(data.resolve("rules"));
        a = Tenants.start(rules, storeA, data.resolve("a"), running("A", true));
        b = Tenants.start(rules, storeB, data.resolve("b"), running("B", true));
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, storeA, storeB}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest anyway
            }
        }
    }

    private static Tenants.Running running(String instance, boolean shared) {
        return running(instance, shared, Duration.ofHours(1));
    }

    private static Tenants.Running running(String instance, boolean shared, Duration ownerLease) {
        return new Tenants.Running(EnumSet.of(Sink.TOPIC), CLOCK, false, Duration.ZERO, instance, shared, ownerLease);
    }

    /** The Kent sample's shared files and two of its partnerships. */
    private static Path twoKentPartnerships(Path into) throws Exception {
        Path kent = Path.of("..", "samples", "kent"); // the module's tests run in routes/
        Files.createDirectories(into);
        for (String shared : List.of("areas.csv", "population.csv", "bank-holidays.csv")) {
            Files.copy(kent.resolve(shared), into.resolve(shared));
        }
        for (String p : List.of("ashford", "dover")) {
            Files.createDirectories(into.resolve(p));
            try (var files = Files.list(kent.resolve(p))) {
                for (Path f : files.toList()) {
                    Files.copy(f, into.resolve(p).resolve(f.getFileName()));
                }
            }
        }
        return into;
    }

    private static List<Incoming> message(String id, String partnership, String month, String value) {
        return List.of(new Incoming(id, "jms " + id, List.of(new Positioned(
                Reading.of(partnership, "asb-incidents-per-1000", partnership, month, value, "kent-police"), 1)), List.of()));
    }

    /** The periods of Ashford's ASB series as the instance's engine for Ashford holds them. */
    private static List<String> periods(Tenants instance) {
        return instance.get("ashford").orElseThrow().ingest().history(ASHFORD_ASB).stream().map(x -> x.period().toString()).toList();
    }

    private long readingsStored() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM readings")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void a_shared_instance_owns_nothing_until_a_reading_of_a_partnership_comes_and_then_owns_that_one_alone() {
        assertEquals(Set.of(), a.owned().keySet());

        a.ingestMessages(message("m1", "ashford", "2019-01", "9.5"));

        assertEquals(Set.of("ashford"), a.owned().keySet());
        assertEquals(Set.of(), b.owned().keySet());
    }

    @Test
    void the_instance_that_takes_a_partnership_over_rates_from_what_the_old_owner_stored_and_the_old_owner_writes_nothing_more()
            throws Exception {
        a.ingestMessages(message("m1", "ashford", "2019-01", "9.5"));
        long epochOfA = a.owned().get("ashford");

        // the broker moved ashford's group to B (A paused past its connection TTL): B takes it over
        b.ingestMessages(message("m2", "ashford", "2019-02", "9.7"));

        assertEquals(epochOfA + 1, b.owned().get("ashford"));
        assertEquals(List.of("2019-01", "2019-02"), periods(b), "B rebuilt ashford from the store: A's January and its own February");

        // A, resumed, still holds a message of ashford: refused whole, and A lets ashford go
        RuntimeException refused = assertThrows(RuntimeException.class, () -> a.ingestMessages(message("m3", "ashford", "2019-03", "9.9")));
        assertTrue(Tenants.fencedOut(refused), "refused by the fence: " + refused);
        assertFalse(a.owned().containsKey("ashford"), a.owned().toString());
        assertEquals(2, readingsStored());

        // the message A gave back reaches B, which takes it once
        b.ingestMessages(message("m3", "ashford", "2019-03", "9.9"));
        assertEquals(3, readingsStored());
    }

    @Test
    void a_batch_received_longer_ago_than_the_connection_ttl_does_not_take_back_a_partnership_just_lost() throws Exception {
        a.ingestMessages(message("m1", "ashford", "2019-01", "9.5"));
        b.ingestMessages(message("m2", "ashford", "2019-02", "9.7"));
        long epochOfB = b.owned().get("ashford");
        a.tick(); // A, resumed, finds its hold gone
        assertEquals(Set.of(), a.owned().keySet());

        // the batch A had in hand when it stood still: the broker has handed its messages to B since
        assertThrows(Tenants.StaleDeliveryException.class,
                () -> a.ingestMessages(message("m3", "ashford", "2019-03", "9.9"), () -> false));
        assertEquals(Set.of(), a.owned().keySet());
        assertEquals(epochOfB, b.owned().get("ashford"));
        assertEquals(2, readingsStored());

        // the same messages freshly delivered (within the TTL) are A's to take over for, should the broker hand them over
        a.ingestMessages(message("m3", "ashford", "2019-03", "9.9"), () -> true);
        assertEquals(epochOfB + 1, a.owned().get("ashford"));
    }

    @Test
    void the_engine_of_a_partnership_held_only_to_read_writes_nothing_even_when_called_directly() throws Exception {
        IngestService heldToRead = a.get("ashford").orElseThrow().ingest();

        RuntimeException refused = assertThrows(RuntimeException.class, () -> heldToRead.ingest("direct",
                List.of(new Positioned(Reading.of("ashford", "asb-incidents-per-1000", "ashford", "2019-01", "9.5", "kent-police"), 1))));

        assertTrue(Tenants.fencedOut(refused), "refused by a fence no claim hands out: " + refused);
        assertEquals(0, readingsStored());
    }

    @Test
    void taking_one_partnership_over_leaves_the_other_with_its_owner() {
        a.ingestMessages(message("m1", "ashford", "2019-01", "9.5"));
        a.ingestMessages(message("m2", "dover", "2019-01", "11.5"));

        b.ingestMessages(message("m3", "dover", "2019-02", "11.0"));

        assertEquals(Set.of("ashford", "dover"), a.owned().keySet()); // A learns of dover's loss on its next write there
        a.ingestMessages(message("m4", "ashford", "2019-02", "9.4"));
        assertEquals(Set.of("dover"), b.owned().keySet());
        assertEquals(List.of("2019-01", "2019-02"), periods(a));
    }

    @Test
    void a_partnership_whose_owner_stopped_renewing_for_the_lease_is_taken_over_at_the_next_tick_and_not_before()
            throws Exception {
        a.ingestMessages(message("m1", "ashford", "2019-01", "9.5"));
        long epochOfA = a.owned().get("ashford");

        // B's lease is an hour: A renewed just now, so B leaves ashford alone
        b.tick();
        assertEquals(Set.of(), b.owned().keySet());

        // an instance whose lease is over at once (as if A had said nothing for longer than it) takes ashford over
        try (JdbcStore storeC = JdbcStore.open(url, "", "");
             Tenants c = Tenants.start(twoKentPartnerships(data.resolve("rules-c")), storeC, data.resolve("c"),
                     running("C", true, Duration.ZERO))) {
            c.tick();
            assertEquals(Map.of("ashford", epochOfA + 1), c.owned(), "dover was never claimed: nobody's to take over");
            assertEquals(List.of("2019-01"), periods(c));

            // A's next tick finds its hold gone and lets ashford go
            a.tick();
            assertFalse(a.owned().containsKey("ashford"), a.owned().toString());
        }
    }

    @Test
    void a_sole_instance_owns_every_partnership_from_its_start() throws Exception {
        try (JdbcStore store = JdbcStore.open("jdbc:h2:file:" + data.resolve("sole") + ";WRITE_DELAY=0", "", "");
             Tenants sole = Tenants.start(twoKentPartnerships(data.resolve("sole-rules")), store, data.resolve("s"),
                     running("S", false))) {
            assertEquals(Set.of("ashford", "dover"), sole.owned().keySet());
            assertEquals(Set.of("ashford", "dover"), Set.copyOf(store.ownership().owned("S").stream().map(f -> f.partnership()).toList()));
        }
    }
}
