package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/**
 * Several instances on one database: two stores (two pools, as two instances have) on the same empty database. A
 * partnership's stale owner writes nothing; two outbox relays never take the same delivery, and one's claims that ran
 * out are the other's.
 */
abstract class FencingContract {

    static final Instant NOW = StoreContract.NOW;
    static final Set<Sink> TOPIC = EnumSet.of(Sink.TOPIC);
    static final Duration LEASE = Duration.ofSeconds(60);

    /** Two instances' stores on one database. */
    JdbcStore first;
    JdbcStore second;

    /** The JDBC URL of an empty database. */
    abstract String emptyDatabase() throws Exception;

    /** A store (its own pool) on the database at the URL. */
    abstract JdbcStore open(String url);

    @BeforeEach
    void openBoth() throws Exception {
        String url = emptyDatabase();
        first = open(url);
        second = open(url);
    }

    @AfterEach
    void closeBoth() {
        for (JdbcStore s : new JdbcStore[] {first, second}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static StoredReading readingWithEvent(long sequence) {
        return new StoredReading(StoreContract.reading("2017", "68"), "kfrs.csv:7",
                List.of(StoreContract.assessment("2017", "68", Rating.RED)),
                List.of(StoreContract.event(sequence, AlertEventType.RAISED, "2017")), List.of());
    }

    /** Stores {@code n} alert events, each with one delivery due to the topic now. */
    void due(JdbcStore store, int n) {
        List<AlertEvent> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            events.add(StoreContract.event(i, AlertEventType.RAISED, "2017"));
        }
        store.saveAlertChanges(events, List.of(), TOPIC, NOW);
    }

    @Test
    void a_claim_takes_the_partnership_over_with_the_next_epoch_whoever_held_it() {
        assertEquals(new Fence("maidstone", "instance-a", 1), first.ownership().claim("maidstone", "instance-a"));
        assertEquals(new Fence("maidstone", "instance-b", 2), second.ownership().claim("maidstone", "instance-b"));
        assertEquals(new Fence("maidstone", "instance-a", 3), first.ownership().claim("maidstone", "instance-a"));
        assertEquals(new Fence("tunbridge-wells", "instance-b", 1), second.ownership().claim("tunbridge-wells", "instance-b"));

        assertEquals(List.of(new Fence("maidstone", "instance-a", 3)), second.ownership().owned("instance-a"));
        assertEquals(List.of(new Fence("tunbridge-wells", "instance-b", 1)), first.ownership().owned("instance-b"));
        assertEquals(Optional.of(new Fence("maidstone", "instance-a", 3)), second.ownership().owner("maidstone"));
        assertEquals(Optional.empty(), second.ownership().owner("medway"));
    }

    @Test
    void a_save_under_a_stale_fence_stores_nothing_and_names_the_stale_epoch_and_the_new_owner() {
        Fence stale = first.ownership().claim("maidstone", "instance-a");
        second.ownership().claim("maidstone", "instance-b");

        FencedOutException e = assertThrows(FencedOutException.class,
                () -> first.withFence(stale).save(List.of(readingWithEvent(1)), TOPIC, "abc", NOW));

        assertEquals("maidstone", e.partnership());
        assertEquals(1, e.staleEpoch());
        assertEquals("instance-b", e.currentOwner());
        assertEquals(2, e.currentEpoch());
        assertTrue(e.getMessage().contains("maidstone") && e.getMessage().contains("instance-b"), e.getMessage());
        assertEquals(0, second.readingCount());
        assertEquals(new DeliveryCounts(0, 0, 0), second.deliveryCounts());
        assertTrue(second.openAlerts().isEmpty());
    }

    @Test
    void a_save_under_the_current_fence_is_stored() {
        first.ownership().claim("maidstone", "instance-a");
        Fence current = second.ownership().claim("maidstone", "instance-b");

        second.withFence(current).save(List.of(readingWithEvent(1)), TOPIC, "abc", NOW);

        assertEquals(1, first.readingCount());
        assertEquals(new DeliveryCounts(1, 0, 0), first.deliveryCounts());
    }

    @Test
    void an_instance_that_claims_again_fences_its_own_earlier_claim() {
        Fence before = first.ownership().claim("maidstone", "instance-a");
        first.ownership().claim("maidstone", "instance-a");

        assertThrows(FencedOutException.class,
                () -> first.withFence(before).save(List.of(readingWithEvent(1)), TOPIC, "abc", NOW));
        assertEquals(0, first.readingCount());
    }

    @Test
    void every_kind_of_write_under_a_stale_fence_is_refused_and_leaves_the_database_as_it_was() {
        due(first, 1);
        long delivery = first.dueDeliveries(Sink.TOPIC, NOW, 1).get(0).id();
        Fence stale = first.ownership().claim("maidstone", "instance-a");
        second.ownership().claim("maidstone", "instance-b");
        JdbcStore old = first.withFence(stale);

        List<Executable> writes = List.of(
                () -> old.saveAlertChanges(List.of(StoreContract.event(2, AlertEventType.RAISED, "2017")), List.of(), TOPIC, NOW),
                () -> old.useToken("token-1", StoreContract.ALERT, NOW),
                () -> old.markSent(delivery, "accepted", NOW),
                () -> old.markFailed(delivery, "down", NOW.plusSeconds(60), true),
                () -> old.addCommentary(new Commentary("maidstone", "ksi-casualties", "maidstone", Period.parse("2018-Q1"),
                        "the A20 works end in June", "j.smith", NOW)),
                () -> old.addRuleSetVersion("abc", Map.of("targets.csv", "x"), "ACTIVE", "j.smith", null, null, NOW),
                () -> old.forgetProcessedMessages(NOW));
        for (Executable write : writes) {
            assertThrows(FencedOutException.class, write);
        }

        assertEquals(new DeliveryCounts(1, 0, 0), second.deliveryCounts());
        assertEquals(1, second.noiseCounts().events());
        assertTrue(second.useToken("token-1", StoreContract.ALERT, NOW), "the token was not used by the refused write");
        assertTrue(second.commentaries("maidstone", "maidstone", Period.parse("2018-Q1")).isEmpty());
        assertTrue(second.ruleSetVersions().isEmpty());
    }

    /**
     * Whether a claim made while another is under way takes the next due rows (PostgreSQL), or may find none because
     * the rows the other has locked count within its limit (H2, which applies the limit before skipping locked rows).
     */
    abstract boolean claimsPassOverLockedRows();

    /** A query counting the sessions on the database that wait for a row lock another holds. */
    abstract String lockWaits();

    @Test
    void a_stale_owners_save_racing_a_take_over_in_flight_waits_for_it_and_is_refused() throws Exception {
        Fence stale = first.ownership().claim("maidstone", "instance-a");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Connection takeOver = second.dataSource().getConnection()) {
            takeOver.setAutoCommit(false);
            try (PreparedStatement s = takeOver.prepareStatement("UPDATE partnership_owners SET owner = 'instance-b',"
                    + " epoch = epoch + 1 WHERE partnership = 'maidstone'")) {
                assertEquals(1, s.executeUpdate());
            }
            Future<?> save = writer.submit(() -> first.withFence(stale).save(List.of(readingWithEvent(1)), TOPIC, "abc", NOW));
            awaitLockWait();
            takeOver.commit();

            ExecutionException e = assertThrows(ExecutionException.class, () -> save.get(1, TimeUnit.MINUTES));
            assertInstanceOf(FencedOutException.class, e.getCause());
        } finally {
            writer.shutdownNow();
        }
        assertEquals(0, second.readingCount());
    }

    @Test
    void a_take_over_waits_for_the_old_owners_write_in_flight_and_never_passes_it() throws Exception {
        Fence current = first.ownership().claim("maidstone", "instance-a");
        ExecutorService claimer = Executors.newSingleThreadExecutor();
        try (Connection write = first.dataSource().getConnection()) {
            write.setAutoCommit(false);
            Ownership.check(write, current, Timestamp.from(NOW));
            Future<Fence> takeOver = claimer.submit(() -> second.ownership().claim("maidstone", "instance-b"));
            awaitLockWait();
            assertFalse(takeOver.isDone(), "the take-over passed a write under the fence it ends");
            write.commit();

            assertEquals(new Fence("maidstone", "instance-b", 2), takeOver.get(1, TimeUnit.MINUTES));
        } finally {
            claimer.shutdownNow();
        }
    }

    private void awaitLockWait() {
        Awaitility.await("a session waiting for the owner's row").atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection c = second.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(lockWaits())) {
                return rs.next() && rs.getLong(1) > 0;
            }
        });
    }

    @Test
    void closing_a_fenced_view_leaves_its_store_open() {
        Fence fence = first.ownership().claim("maidstone", "instance-a");
        first.withFence(fence).close();

        first.save(List.of(readingWithEvent(1)), TOPIC, "abc", NOW);
        assertEquals(1, first.readingCount());
    }

    @Test
    void two_relays_draining_two_thousand_due_deliveries_together_send_each_exactly_once() throws Exception {
        due(first, 2000);
        Map<String, Integer> sends = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService relays = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> a = relays.submit(() -> drain(first, "relay-a", start, sends));
            Future<Integer> b = relays.submit(() -> drain(second, "relay-b", start, sends));
            int byA = a.get(2, TimeUnit.MINUTES);
            int byB = b.get(2, TimeUnit.MINUTES);

            assertEquals(2000, sends.size());
            assertEquals(Set.of(1), Set.copyOf(sends.values()), "a delivery was sent more than once");
            assertEquals(2000, byA + byB);
            if (claimsPassOverLockedRows()) {
                assertTrue(byA > 0 && byB > 0, "both relays took a share: " + byA + " and " + byB);
            }
            assertEquals(new DeliveryCounts(0, 2000, 0), first.deliveryCounts());
        } finally {
            relays.shutdownNow();
        }
    }

    @Test
    void two_relays_each_marking_its_batch_with_its_next_claim_send_each_of_two_thousand_exactly_once() throws Exception {
        due(first, 2000);
        Map<String, Integer> sends = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService relays = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> a = relays.submit(() -> drainMarkingWithNextClaim(first, "relay-a", start, sends));
            Future<Integer> b = relays.submit(() -> drainMarkingWithNextClaim(second, "relay-b", start, sends));
            int byA = a.get(2, TimeUnit.MINUTES);
            int byB = b.get(2, TimeUnit.MINUTES);

            assertEquals(2000, sends.size());
            assertEquals(Set.of(1), Set.copyOf(sends.values()), "a delivery was sent more than once");
            assertEquals(2000, byA + byB);
            assertEquals(new DeliveryCounts(0, 2000, 0), first.deliveryCounts(), "a relay ended with a batch unmarked");
        } finally {
            relays.shutdownNow();
        }
    }

    /** A batched relay's loop: each claim marks the batch sent before it; ends when a claim finds nothing. */
    private static int drainMarkingWithNextClaim(JdbcStore store, String relay, CyclicBarrier start,
                                                  Map<String, Integer> sends) throws Exception {
        start.await(1, TimeUnit.MINUTES);
        int sent = 0;
        List<Long> last = List.of();
        for (List<Delivery> due = store.claimDeliveries(Sink.TOPIC, relay, NOW, LEASE, 10); !due.isEmpty();
             due = store.markSentAndClaim(last, "published by " + relay, NOW, Sink.TOPIC, relay, NOW, LEASE, 10)) {
            due.forEach(d -> sends.merge(d.event().id(), 1, Integer::sum));
            sent += due.size();
            last = ids(due);
        }
        return sent;
    }

    @Test
    void the_batch_marked_with_a_claim_is_sent_and_the_claim_takes_only_the_rest() {
        due(first, 5);
        List<Long> batch = ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 2));

        List<Long> next = ids(first.markSentAndClaim(batch, "published", NOW, Sink.TOPIC, "relay-a", NOW, LEASE, 10));

        assertEquals(3, next.size());
        assertTrue(next.stream().noneMatch(batch::contains), "the claim took back what it had just marked: " + next);
        assertEquals(new DeliveryCounts(3, 2, 0), first.deliveryCounts());
        assertTrue(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10).stream()
                .noneMatch(d -> batch.contains(d.id())), "a batch marked sent went to the other relay");
    }

    /** A relay's loop: claim a few, send each (counted by its event id), mark it sent; until nothing is left. */
    private static int drain(JdbcStore store, String relay, CyclicBarrier start, Map<String, Integer> sends)
            throws Exception {
        start.await(1, TimeUnit.MINUTES);
        int sent = 0;
        for (List<Delivery> due = store.claimDeliveries(Sink.TOPIC, relay, NOW, LEASE, 10); !due.isEmpty();
             due = store.claimDeliveries(Sink.TOPIC, relay, NOW, LEASE, 10)) {
            for (Delivery d : due) {
                sends.merge(d.event().id(), 1, Integer::sum);
                store.markSent(d.id(), "accepted by " + relay, NOW);
                sent++;
            }
        }
        return sent;
    }

    @Test
    void a_relays_claim_is_taken_by_the_other_when_its_lease_has_run_out_and_not_a_second_before() {
        due(first, 3);
        List<Long> claimed = ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10));
        assertEquals(3, claimed.size());

        assertTrue(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE).minusSeconds(1), LEASE, 10).isEmpty(),
                "taken while relay-a's lease ran");
        assertEquals(claimed, ids(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10)));

        assertEquals(List.of(), first.keepClaims(claimed, "relay-a", NOW.plus(LEASE), LEASE),
                "relay-a, back after its lease, still believes it may send");
        assertEquals(claimed, second.keepClaims(claimed, "relay-b", NOW.plus(LEASE), LEASE));
    }

    @Test
    void a_relays_own_claims_read_again_with_more_than_half_their_lease_left_come_back_unrenewed() {
        due(first, 2);
        List<Long> claimed = ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10));

        assertEquals(claimed, ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW.plus(LEASE.dividedBy(2)).minusSeconds(1),
                LEASE, 10)));
        assertEquals(claimed, ids(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10)),
                "the first lease still ends where it did");
    }

    @Test
    void a_relays_own_claims_read_again_with_half_their_lease_left_are_renewed() {
        due(first, 2);
        List<Long> claimed = ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10));

        assertEquals(claimed, ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW.plus(LEASE.dividedBy(2)), LEASE, 10)));
        assertTrue(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10).isEmpty(),
                "the lease runs from the second claim");
    }

    @Test
    void a_relays_own_claims_come_back_to_it_renewed_and_stay_out_of_the_others_reach() {
        due(first, 2);
        List<Long> claimed = ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10));

        assertEquals(claimed, ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW.plusSeconds(50), LEASE, 10)));
        assertTrue(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10).isEmpty(),
                "the renewed lease runs from the second claim");
        assertEquals(claimed, ids(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plusSeconds(50).plus(LEASE), LEASE, 10)));
    }

    @Test
    void a_delivery_marked_sent_is_claimed_by_nobody_again() {
        due(first, 2);
        List<Delivery> claimed = first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10);
        first.markSent(claimed.get(0).id(), "accepted", NOW);

        assertEquals(List.of(claimed.get(1).id()), first.keepClaims(ids(claimed), "relay-a", NOW, LEASE));
        assertEquals(List.of(claimed.get(1).id()), ids(first.claimDeliveries(Sink.TOPIC, "relay-a", NOW, LEASE, 10)));
        assertEquals(List.of(claimed.get(1).id()),
                ids(second.claimDeliveries(Sink.TOPIC, "relay-b", NOW.plus(LEASE), LEASE, 10)));
    }

    static List<Long> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::id).toList();
    }
}
