package targetwatch.routes.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Partnership;
import targetwatch.engine.model.Reading;
import targetwatch.engine.readings.RejectedReading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.NoSuchAlertException;
import targetwatch.engine.ruleset.FeedFanout;
import targetwatch.engine.ruleset.RuleSet;
import targetwatch.engine.ruleset.RuleSetLayout;
import targetwatch.engine.ruleset.RuleSetRejectedException;
import targetwatch.engine.store.Fence;
import targetwatch.engine.store.FencedOutException;
import targetwatch.engine.store.Ownership;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;

/**
 * The partnerships the service holds, each a tenant with its own rule set versions, engine and ingest lock: built,
 * changed and rebuilt alone, so that a change to one never pauses another. What comes in is handed to the tenant it
 * names; a reading for a partnership the service does not hold is refused with its reason.
 */
public final class Tenants implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tenants.class);

    /** One partnership: its rule set service and its engine's service over its view of the store. */
    public record Tenant(String id, IngestService ingest, RuleSetService rules) {

        /** The partnership as its active rule set describes it (its name can change with a version). */
        public Partnership partnership() {
            return ingest.ruleSet().partnership();
        }

        public String name() {
            return partnership().name();
        }
    }

    /** Each partnership's tenant, replaced when this instance takes the partnership over and rebuilds it. */
    private final Map<String, Tenant> byId;
    private final Store store;
    private final Running running;
    /** The fence of each partnership this instance owns now. */
    private final Map<String, Fence> owned = new java.util.concurrent.ConcurrentHashMap<>();
    /** One take-over at a time per partnership. */
    private final Map<String, Object> claiming = new java.util.concurrent.ConcurrentHashMap<>();

    /** Tenants of a service whose every partnership is simply its own (tests): nothing is claimed or fenced. */
    public Tenants(Collection<Tenant> tenants, Store store) {
        this(tenants, store, null);
    }

    private Tenants(Collection<Tenant> tenants, Store store, Running running) {
        Map<String, Tenant> m = new TreeMap<>();
        tenants.forEach(t -> m.put(t.id(), t));
        if (m.isEmpty()) {
            throw new IllegalArgumentException("a service holds at least one partnership");
        }
        this.byId = java.util.Collections.synchronizedMap(m);
        this.store = store;
        this.running = running;
    }

    /**
     * How the tenants' engines run: their sinks, clock and history summary wait, and the instance: its id (what it
     * owns partnerships as) and whether it shares the database and broker with other instances. A sole instance owns
     * every partnership from its start; a shared one takes a partnership over when the broker first hands it one of
     * the partnership's readings (or when the partnership's owner has not renewed its hold for {@code ownerLease}),
     * rebuilding its state from the store, and lets go when another instance has taken it.
     */
    public record Running(Set<Sink> sinks, Clock clock, boolean clockRunning, Duration historySummaryWait,
                          String instance, boolean shared, Duration ownerLease) {

        public Running(Set<Sink> sinks, Clock clock, boolean clockRunning, Duration historySummaryWait) {
            this(sinks, clock, clockRunning, historySummaryWait, "targetwatch", false, Duration.ofMinutes(3));
        }
    }

    /**
     * The tenants of a rules folder (a root of partnership folders, or one partnership's folder): each starts from its
     * active stored version, or else from its folder, stored as its version 1.
     *
     * @throws RuleSetRejectedException when the layout, or a partnership's rule set that has no stored version, is refused
     */
    public static Tenants start(Path rulesDir, Store store, Path workDir, Running running) throws IOException, RuleSetRejectedException {
        RuleSetLayout layout = RuleSetLayout.of(rulesDir);
        List<Tenant> tenants = new ArrayList<>();
        try {
            Map<String, Fence> fences = new TreeMap<>();
            for (Map.Entry<String, Path> p : layout.partnerships().entrySet()) {
                String id = p.getKey();
                Store scoped = store.scopedTo(id);
                RuleSetService rules = new RuleSetService(scoped, workDir.resolve(id), running.clock(), layout.single() ? null : id);
                CompiledRules starting = rules.startingRules(p.getValue(), layout.shared());
                String partnership = starting.ruleSet().partnership().id();
                IngestService ingest;
                if (running.shared()) {
                    // not this instance's until the broker hands it the partnership's readings: held to read, its clock
                    // still, and behind a fence no owner ever has (epochs start at 1), so that nothing is written
                    // through it even by mistake
                    ingest = new IngestService(starting, scoped.withFence(Fence.neverHeld(partnership, running.instance())),
                            running.sinks(), running.clock(), false, running.historySummaryWait());
                } else {
                    Fence fence = store.ownership().claim(partnership, running.instance());
                    fences.put(partnership, fence);
                    ingest = new IngestService(starting, scoped.withFence(fence), running.sinks(), running.clock(),
                            running.clockRunning(), running.historySummaryWait());
                }
                rules.attach(ingest, rules.activeVersion());
                tenants.add(new Tenant(partnership, ingest, rules));
            }
            Tenants out = new Tenants(tenants, store, running);
            out.owned.putAll(fences);
            LOG.info("holding {} partnership{}: {}{}", tenants.size(), tenants.size() == 1 ? "" : "s",
                    String.join(", ", tenants.stream().map(Tenant::id).toList()), running.shared()
                            ? " (instance " + running.instance() + ", sharing them with other instances: each is taken"
                            + " over when its readings come)" : "");
            return out;
        } catch (IOException | RuleSetRejectedException | RuntimeException e) {
            tenants.forEach(t -> t.ingest().close());
            throw e;
        }
    }

    /** This instance's id, and whether it shares the partnerships with other instances. */
    public String instance() {
        return running == null ? "targetwatch" : running.instance();
    }

    public boolean shared() {
        return running != null && running.shared();
    }

    /** The partnerships this instance owns now, with their epochs. */
    public Map<String, Long> owned() {
        Map<String, Long> out = new TreeMap<>();
        owned.forEach((p, f) -> out.put(p, f.epoch()));
        return out;
    }

    /**
     * The tenant, this instance's to write for: a shared instance that does not own the partnership takes it over
     * (its epoch goes up, fencing out whoever had it) and rebuilds its state from the store before anything is taken.
     */
    Tenant owning(Tenant t) {
        if (running == null) {
            return t;
        }
        if (owned.containsKey(t.id())) {
            // the tenant as it is now: another thread (the alert clock's take-over) may have rebuilt it since the
            // caller looked it up
            return byId.get(t.id());
        }
        synchronized (claiming.computeIfAbsent(t.id(), k -> new Object())) {
            if (owned.containsKey(t.id())) {
                return byId.get(t.id());
            }
            long started = System.nanoTime();
            Fence fence = store.ownership().claim(t.id(), running.instance());
            Tenant current = byId.get(t.id());
            try {
                IngestService ingest = new IngestService(current.rules().activeRules(), store.scopedTo(t.id()).withFence(fence),
                        running.sinks(), running.clock(), running.clockRunning(), running.historySummaryWait());
                current.rules().attach(ingest, current.rules().activeVersion());
                Tenant next = new Tenant(t.id(), ingest, current.rules());
                byId.put(t.id(), next);
                owned.put(t.id(), fence);
                current.ingest().close();
                LOG.info("took partnership {} over (epoch {}) and rebuilt its state from the store in {} ms", t.id(),
                        fence.epoch(), (System.nanoTime() - started) / 1_000_000);
                return next;
            } catch (IOException | RuleSetRejectedException e) {
                throw new IllegalStateException("could not rebuild partnership " + t.id() + " after taking it over: "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs a write for the tenant as its owner; when the store says another instance has taken the partnership over
     * (this one was paused or cut off past the broker's connection TTL), this instance lets it go and the exception
     * goes on, so that the source rolls back: the readings are the new owner's to take.
     */
    private <T> T asOwner(Tenant t, java.util.function.Function<Tenant, T> write) {
        Tenant mine = owning(t);
        try {
            return write.apply(mine);
        } catch (RuntimeException e) {
            if (fencedOut(e)) {
                owned.remove(t.id());
                LOG.warn("partnership {} was taken over by another instance: this one ({}) lets it go and writes nothing"
                        + " more for it", t.id(), instance());
            }
            throw e;
        }
    }

    /**
     * A batch of messages received longer ago than the broker's connection TTL, which would have this instance take a
     * partnership over: the broker may have handed its messages to another instance since.
     */
    public static final class StaleDeliveryException extends IllegalStateException {
        StaleDeliveryException(String partnership) {
            super("the batch was received longer ago than the broker's connection TTL (this instance stood still or was"
                    + " cut off): it does not take partnership " + partnership + " over for it, and gives it back");
        }
    }

    /** Whether the exception says another instance owns the partnership now. */
    static boolean fencedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedOutException) {
                return true;
            }
        }
        return false;
    }

    /** Every tenant, by id. */
    public List<Tenant> all() {
        synchronized (byId) {
            return List.copyOf(byId.values());
        }
    }

    public Set<String> ids() {
        synchronized (byId) {
            return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(byId.keySet()));
        }
    }

    public Optional<Tenant> get(String partnership) {
        return Optional.ofNullable(byId.get(partnership));
    }

    /** The tenant, or an IllegalArgumentException saying which the service holds. */
    public Tenant require(String partnership) {
        return get(partnership).orElseThrow(() -> new IllegalArgumentException(notHeld(partnership)));
    }

    /** The only tenant when there is one, else empty: what a reading naming no partnership is for. */
    public Optional<Tenant> only() {
        return byId.size() == 1 ? Optional.of(first()) : Optional.empty();
    }

    /** The first tenant: the one a single-folder service holds. */
    public Tenant first() {
        return all().get(0);
    }

    /** Why a reading, message or request for the partnership is refused. */
    public String notHeld(String partnership) {
        return "partnership \"" + targetwatch.engine.model.Slugs.abbreviate(String.valueOf(partnership))
                + "\" is not one this service holds (it holds " + String.join(", ", byId.keySet()) + ")";
    }

    /** The rule set of the partnership an alert event or alert belongs to, if the service holds it. */
    public Optional<RuleSet> ruleSetOf(String partnership) {
        return get(partnership).map(t -> t.ingest().ruleSet());
    }

    /** The whole store (every partnership's deliveries, processed messages and counts). */
    public Store store() {
        return store;
    }

    public Clock clock() {
        return first().ingest().clock();
    }

    /**
     * Readings from one file or request, handed to the tenants they name in one transaction each, in order within
     * each; a reading for a partnership the service does not hold is refused with its position.
     */
    public IngestService.Result ingest(String where, List<IngestService.Positioned> readings) {
        Map<Tenant, List<IngestService.Positioned>> split = new LinkedHashMap<>();
        List<RejectedReading> refused = new ArrayList<>();
        for (IngestService.Positioned p : readings) {
            Tenant t = byId.get(p.reading().partnership());
            if (t == null) {
                refused.add(new RejectedReading(where, p.position(), notHeld(p.reading().partnership())));
            } else {
                split.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
            }
        }
        int accepted = 0;
        List<Assessment> assessments = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>();
        for (Map.Entry<Tenant, List<IngestService.Positioned>> e : split.entrySet()) {
            IngestService.Result r = asOwner(e.getKey(), t -> t.ingest().ingest(where, e.getValue()));
            accepted += r.accepted();
            assessments.addAll(r.assessments());
            events.addAll(r.alertEvents());
            refused.addAll(r.rejected());
        }
        refused.sort(Comparator.comparingLong(RejectedReading::row));
        return new IngestService.Result(accepted, assessments, events, refused);
    }

    /**
     * A feed's readings (a published file covering many areas): each goes to every partnership taking its area
     * ({@link FeedFanout}); one no partnership takes is refused with its reason.
     */
    public IngestService.Result ingestFeed(String where, List<IngestService.Positioned> readings) {
        List<RuleSet> sets = all().stream().map(t -> t.ingest().ruleSet()).toList();
        List<IngestService.Positioned> out = new ArrayList<>();
        List<RejectedReading> refused = new ArrayList<>();
        for (IngestService.Positioned p : readings) {
            List<Reading> copies = FeedFanout.assign(p.reading(), sets);
            if (copies.isEmpty()) {
                refused.add(new RejectedReading(where, p.position(), "no partnership takes readings for area \""
                        + p.reading().area() + "\""));
            }
            copies.forEach(c -> out.add(new IngestService.Positioned(c, p.position())));
        }
        IngestService.Result r = ingest(where, out);
        if (refused.isEmpty()) {
            return r;
        }
        refused.addAll(r.rejected());
        refused.sort(Comparator.comparingLong(RejectedReading::row));
        return new IngestService.Result(r.accepted(), r.assessments(), r.alertEvents(), refused);
    }

    /**
     * A batch of messages, each handed whole to the tenant its readings name, the messages of each tenant taken in
     * one transaction with their ids (exactly once, as {@link IngestService#ingestMessages}); a message whose readings
     * name a partnership the service does not hold, or several partnerships, is refused whole with its reason.
     * What became of each message comes back in the batch's order.
     */
    public List<IngestService.Taken> ingestMessages(List<IngestService.Incoming> batch) {
        return ingestMessages(batch, () -> true);
    }

    /**
     * Takes a batch of messages as {@link #ingestMessages(List)} does, where {@code current} says whether the broker
     * cannot yet have handed the messages to another instance (they were received within the broker's connection
     * TTL). A shared instance takes a partnership over for them only while that holds: one that stood still past the
     * TTL and resumes with a batch still in hand must not take back, for messages that are the new owner's now, a
     * partnership it has just lost; the batch is refused with {@link StaleDeliveryException} and goes back.
     */
    public List<IngestService.Taken> ingestMessages(List<IngestService.Incoming> batch, java.util.function.BooleanSupplier current) {
        IngestService.Taken[] out = new IngestService.Taken[batch.size()];
        Map<Tenant, List<Integer>> split = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            IngestService.Incoming m = batch.get(i);
            Set<String> named = new java.util.TreeSet<>();
            m.readings().forEach(p -> named.add(p.reading().partnership()));
            String reason = named.size() > 1 ? "a message carries the readings of one partnership, and this one names "
                    + String.join(", ", named) : named.size() == 1 && !byId.containsKey(named.iterator().next())
                    ? notHeld(named.iterator().next()) : null;
            if (reason != null) {
                out[i] = new IngestService.Taken(new IngestService.Result(0, List.of(), List.of(),
                        List.of(new RejectedReading(m.where(), 0, reason))), reason, false);
                continue;
            }
            Tenant t = named.isEmpty() ? first() : byId.get(named.iterator().next());
            split.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Tenant, List<Integer>> e : split.entrySet()) {
            if (shared() && !owned.containsKey(e.getKey().id()) && !current.getAsBoolean()) {
                throw new StaleDeliveryException(e.getKey().id());
            }
            List<IngestService.Taken> taken = asOwner(e.getKey(),
                    t -> t.ingest().ingestMessages(e.getValue().stream().map(batch::get).toList()));
            for (int j = 0; j < taken.size(); j++) {
                out[e.getValue().get(j)] = taken.get(j);
            }
        }
        return List.of(out);
    }

    /**
     * Moves the clock of every partnership this instance owns; what fell due, all together. A shared instance first
     * renews its hold on each (letting go of any another instance has taken over), and takes over any partnership
     * whose owner has not renewed for the lease: an instance that died leaves partnerships no reading may come for
     * soon, whose escalations and reminders must still fall due.
     */
    public List<AlertEvent> tick() {
        if (shared()) {
            renewAndTakeOverUnattended();
        }
        List<AlertEvent> events = new ArrayList<>();
        for (Tenant t : all()) {
            if (shared() && !owned.containsKey(t.id())) {
                continue; // its owner's clock moves it
            }
            try {
                events.addAll(asOwner(t, x -> x.ingest().tick()));
            } catch (RuntimeException e) {
                LOG.warn("the alert clock of {} failed: {}", t.id(), targetwatch.engine.model.PlainText.forLog(e.getMessage()));
            }
        }
        return events;
    }

    private void renewAndTakeOverUnattended() {
        Ownership ownership = store.ownership();
        for (Map.Entry<String, Fence> e : Map.copyOf(owned).entrySet()) {
            try {
                ownership.renew(e.getValue());
            } catch (RuntimeException x) {
                if (!fencedOut(x)) {
                    throw x;
                }
                owned.remove(e.getKey(), e.getValue());
                LOG.warn("partnership {} was taken over by another instance: this one ({}) lets it go", e.getKey(), instance());
            }
        }
        for (Fence unattended : ownership.unattended(running.ownerLease())) {
            Tenant t = byId.get(unattended.partnership());
            if (t != null && !owned.containsKey(t.id())) {
                LOG.info("partnership {} has had no word from its owner {} for {} s or more: {} takes it over",
                        t.id(), unattended.owner(), running.ownerLease().toSeconds(), instance());
                owning(t);
            }
        }
    }

    /** The tenant an alert belongs to, found by its stored partnership. */
    public Optional<Tenant> ofAlert(String alertId) {
        return store.alert(alertId).flatMap(a -> get(a.partnership()));
    }

    /**
     * Acknowledges an open alert of whichever partnership holds it.
     *
     * @throws NoSuchAlertException when no partnership has an open alert with the id
     */
    public List<AlertEvent> acknowledge(String alertId, String by, String comment) throws NoSuchAlertException {
        Optional<Tenant> t = ofAlert(alertId);
        if (t.isEmpty()) {
            throw new NoSuchAlertException(alertId);
        }
        try {
            return asOwner(t.get(), x -> {
                try {
                    return x.ingest().acknowledge(alertId, by, comment);
                } catch (NoSuchAlertException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
        } catch (java.util.concurrent.CompletionException e) {
            throw (NoSuchAlertException) e.getCause();
        }
    }

    /** Every partnership's open alerts, as their engines hold them. */
    public List<AlertState> openAlerts() {
        List<AlertState> out = new ArrayList<>();
        all().forEach(t -> out.addAll(t.ingest().openAlerts()));
        return out;
    }

    public int forgetProcessedMessages(Instant before) {
        return store.forgetProcessedMessages(before);
    }

    /** Counts a message, file or request that went to the dead-letter place (on the first tenant's count). */
    public void countDeadLettered() {
        first().ingest().countDeadLettered();
    }

    public long readingsTaken() {
        return all().stream().mapToLong(t -> t.ingest().readingsTaken()).sum();
    }

    public long readingsRejected() {
        return all().stream().mapToLong(t -> t.ingest().readingsRejected()).sum();
    }

    public long deadLettered() {
        return all().stream().mapToLong(t -> t.ingest().deadLettered()).sum();
    }

    @Override
    public void close() {
        all().forEach(t -> t.ingest().close());
    }
}
