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

    private final Map<String, Tenant> byId;
    private final Store store;

    public Tenants(Collection<Tenant> tenants, Store store) {
        Map<String, Tenant> m = new TreeMap<>();
        tenants.forEach(t -> m.put(t.id(), t));
        if (m.isEmpty()) {
            throw new IllegalArgumentException("a service holds at least one partnership");
        }
        this.byId = java.util.Collections.unmodifiableMap(m);
        this.store = store;
    }

    /** How the tenants' engines run: their sinks, clock and history summary wait. */
    public record Running(Set<Sink> sinks, Clock clock, boolean clockRunning, Duration historySummaryWait) {
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
            for (Map.Entry<String, Path> p : layout.partnerships().entrySet()) {
                String id = p.getKey();
                Store scoped = store.scopedTo(id);
                RuleSetService rules = new RuleSetService(scoped, workDir.resolve(id), running.clock(), layout.single() ? null : id);
                CompiledRules starting = rules.startingRules(p.getValue(), layout.shared());
                IngestService ingest = new IngestService(starting, scoped, running.sinks(), running.clock(),
                        running.clockRunning(), running.historySummaryWait());
                rules.attach(ingest, rules.activeVersion());
                tenants.add(new Tenant(starting.ruleSet().partnership().id(), ingest, rules));
            }
        } catch (IOException | RuleSetRejectedException | RuntimeException e) {
            tenants.forEach(t -> t.ingest().close());
            throw e;
        }
        LOG.info("holding {} partnership{}: {}", tenants.size(), tenants.size() == 1 ? "" : "s",
                String.join(", ", tenants.stream().map(Tenant::id).toList()));
        return new Tenants(tenants, store);
    }

    /** Every tenant, by id. */
    public Collection<Tenant> all() {
        return byId.values();
    }

    public Set<String> ids() {
        return byId.keySet();
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
        return byId.size() == 1 ? Optional.of(byId.values().iterator().next()) : Optional.empty();
    }

    /** The first tenant: the one a single-folder service holds. */
    public Tenant first() {
        return byId.values().iterator().next();
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
            IngestService.Result r = e.getKey().ingest().ingest(where, e.getValue());
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
        List<RuleSet> sets = byId.values().stream().map(t -> t.ingest().ruleSet()).toList();
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
            List<IngestService.Taken> taken = e.getKey().ingest().ingestMessages(e.getValue().stream().map(batch::get).toList());
            for (int j = 0; j < taken.size(); j++) {
                out[e.getValue().get(j)] = taken.get(j);
            }
        }
        return List.of(out);
    }

    /** Moves every tenant's clock; what fell due, all together. */
    public List<AlertEvent> tick() {
        List<AlertEvent> events = new ArrayList<>();
        for (Tenant t : byId.values()) {
            try {
                events.addAll(t.ingest().tick());
            } catch (RuntimeException e) {
                LOG.warn("the alert clock of {} failed: {}", t.id(), targetwatch.engine.model.PlainText.forLog(e.getMessage()));
            }
        }
        return events;
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
        return t.get().ingest().acknowledge(alertId, by, comment);
    }

    /** Every partnership's open alerts, as their engines hold them. */
    public List<AlertState> openAlerts() {
        List<AlertState> out = new ArrayList<>();
        byId.values().forEach(t -> out.addAll(t.ingest().openAlerts()));
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
        return byId.values().stream().mapToLong(t -> t.ingest().readingsTaken()).sum();
    }

    public long readingsRejected() {
        return byId.values().stream().mapToLong(t -> t.ingest().readingsRejected()).sum();
    }

    public long deadLettered() {
        return byId.values().stream().mapToLong(t -> t.ingest().deadLettered()).sum();
    }

    @Override
    public void close() {
        byId.values().forEach(t -> t.ingest().close());
    }
}
