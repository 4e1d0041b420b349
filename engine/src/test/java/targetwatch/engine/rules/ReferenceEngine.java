package targetwatch.engine.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import java.time.Instant;

import org.kie.api.KieServices;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Silence;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;

/**
 * The engine as it was before issue 13, kept for the differential test: every observation and assessment in working
 * memory, target rules that collect their series' earlier periods, and a streak rule that collects its whole history.
 * It runs the reference templates and streak rule (src/test/resources/reference-rules) with the live alert rules.
 */
final class ReferenceEngine implements AutoCloseable {

    /** What a period of a series is worth: the readings from each source, the latest last. */
    private final Map<PeriodKey, LinkedHashMap<String, Reading>> readings = new HashMap<>();
    private final Map<PeriodKey, FactHandle> observations = new HashMap<>();
    /** The assessments held, by series and period, so that a series' latest is its last entry. */
    private final Map<SeriesKey, NavigableMap<Period, Assessment>> current = new HashMap<>();
    /** What the rules inserted and deleted during the current firing. */
    private final List<Assessment> inserted = new ArrayList<>();
    private final Set<Assessment> deleted = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<FactHandle> signals = new ArrayList<>();
    /** How many alert events each series has had: part of each event's stable id. */
    private final Map<SeriesKey, Long> eventSequences = new HashMap<>();
    /** The series whose readings are expected, for late-data chasing. */
    private final Map<SeriesKey, FactHandle> watches = new HashMap<>();
    /** The alerts the rules inserted, changed or deleted during the current firing (true: deleted). */
    private final Map<Alert, Boolean> touchedAlerts = new LinkedHashMap<>();
    private final List<SilenceReminder> silenceReminders = new ArrayList<>();
    private final CompiledRules rules;
    private final KieSession session;
    private Now now;
    /** Null while restoring: without a clock no alert rule fires. */
    private FactHandle nowHandle;

    /** The reference templates and streak rule, with the live rule set's data and alert rules. */
    static CompiledRules compile(RuleSet live) throws Exception {
        Map<String, String> templates = new HashMap<>();
        for (String kind : live.templates().keySet()) {
            templates.put(kind, resource("templates/" + kind + ".drt"));
        }
        Map<String, String> drl = new HashMap<>(live.drl());
        drl.put("streak", resource("streak.drl"));
        return new RuleCompiler().compile(new RuleSet(live.folder(), live.targets(), live.contacts(), templates, drl,
                live.checksum() + "-reference", live.escalation(), live.silences(), live.workingDays(), live.settings(), live.areas(),
                live.partnership()));
    }

    private static String resource(String name) throws java.io.IOException {
        try (var in = ReferenceEngine.class.getResourceAsStream("/reference-rules/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** An engine whose clock starts at the epoch: callers move it with {@link #advanceTo(Instant)}. */
    ReferenceEngine(CompiledRules rules) {
        this(rules, Instant.EPOCH, true);
    }

    private ReferenceEngine(CompiledRules rules, Instant start, boolean clockRunning) {
        this.rules = rules;
        this.now = new Now(start, rules.ruleSet().workingDays());
        this.session = newSession(rules);
        RuleSet rs = rules.ruleSet();
        rs.targets().forEach(session::insert);
        rs.escalation().forEach(session::insert);
        rs.silences().forEach(session::insert);
        if (clockRunning) {
            nowHandle = session.insert(now);
        }
    }

    private KieSession newSession(CompiledRules compiled) {
        KieSessionConfiguration conf = KieServices.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        KieSession s = compiled.kieBase().newKieSession(conf, null);
        s.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent event) {
                Object o = event.getObject();
                if (o instanceof Assessment a) {
                    inserted.add(a);
                } else if (o instanceof AlertSignal) {
                    signals.add(event.getFactHandle());
                } else if (o instanceof Alert alert) {
                    touchedAlerts.put(alert, false);
                } else if (o instanceof SilenceReminder reminder) {
                    silenceReminders.add(reminder);
                }
            }

            @Override
            public void objectUpdated(ObjectUpdatedEvent event) {
                if (event.getObject() instanceof Alert alert) {
                    touchedAlerts.putIfAbsent(alert, false);
                }
            }

            @Override
            public void objectDeleted(ObjectDeletedEvent event) {
                if (event.getOldObject() instanceof Assessment a) {
                    deleted.add(a);
                } else if (event.getOldObject() instanceof Alert alert) {
                    touchedAlerts.put(alert, true);
                }
            }
        });
        return s;
    }

    /** The engine's clock. */
    public synchronized Instant now() {
        return now.getInstant();
    }

    /**
     * Moves the engine's clock forward (never back) and runs what falls due by then: escalations, reminders, late
     * data, silences beginning and ending. Returns the alert events and alert states that changed.
     */
    public synchronized Outcome advanceTo(Instant instant) {
        if (!instant.isAfter(now.getInstant())) {
            return Outcome.NOTHING;
        }
        moveClock(instant);
        return nowHandle == null ? Outcome.NOTHING : fire();
    }

    private void moveClock(Instant instant) {
        SessionPseudoClock clock = session.getSessionClock();
        long delta = instant.toEpochMilli() - clock.getCurrentTime();
        if (delta > 0) {
            clock.advanceTime(delta, TimeUnit.MILLISECONDS);
        }
        now = new Now(instant, rules.ruleSet().workingDays());
        if (nowHandle != null) {
            session.update(nowHandle, now);
        }
    }

    /**
     * Someone acknowledges an open alert: it stops escalating and reminding until its rating worsens or the
     * acknowledgement lapses (escalation.csv, ack_lasts_working_days). Everyone told hears who did and what they said.
     *
     * The same acknowledgement again (same person, same comment, still holding) changes nothing.
     *
     * @throws NoSuchAlertException when no open alert has the id (never raised, or resolved since)
     */
    public synchronized Outcome acknowledge(String alertId, String by, String comment) throws NoSuchAlertException {
        Optional<Alert> alert = nowHandle == null ? Optional.empty() : findAlert(alertId);
        if (alert.isEmpty()) {
            throw new NoSuchAlertException(alertId);
        }
        Alert a = alert.get();
        if (a.acknowledgedAt(now) && by.equals(a.getAcknowledgedBy())
                && java.util.Objects.equals(comment, a.getAcknowledgementComment())) {
            return Outcome.NOTHING; // the same acknowledgement again (a redelivered message): nothing new to say
        }
        session.insert(new Acknowledgement(alertId, by, comment));
        return fire();
    }

    private Optional<Alert> findAlert(String alertId) {
        return session.getObjects(o -> o instanceof Alert a && a.getId().equals(alertId)).stream()
                .map(Alert.class::cast).findFirst();
    }

    /** The open alerts as they stand, ordered by series and kind. */
    public synchronized List<AlertState> alertStates() {
        return session.getObjects(o -> o instanceof Alert).stream().map(o -> ((Alert) o).state(null))
                .sorted(Comparator.comparing((AlertState a) -> a.series().toString()).thenComparing(AlertState::kind)
                        .thenComparing(AlertState::period))
                .toList();
    }

    /** The rule set in force. */
    public synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    /** Why the active rule set cannot take this reading; empty when it can. */
    public synchronized List<String> problemsWith(Reading r) {
        List<String> problems = new ArrayList<>();
        Optional<Target> target = rules.ruleSet().targetFor(r.partnership(), r.indicator());
        if (target.isEmpty()) {
            problems.add(rules.ruleSet().targetsFor(r.indicator()).isEmpty()
                    ? "unknown indicator \"" + r.indicator() + "\": the rule set has no target for it"
                    : "indicator \"" + r.indicator() + "\" has no target for partnership \"" + r.partnership() + "\"");
        } else {
            target.get().unit().problemWith(r.value()).ifPresent(problems::add);
        }
        return problems;
    }

    /**
     * Takes one reading and returns everything it changed: assessments, and the alert events to deliver.
     *
     * @throws InvalidReadingException when the active rule set cannot take the reading; nothing changes
     */
    public synchronized Outcome process(Reading r) throws InvalidReadingException {
        List<String> problems = problemsWith(r);
        if (!problems.isEmpty()) {
            throw new InvalidReadingException(problems);
        }
        return record(r) ? fire() : Outcome.NOTHING;
    }

    /**
     * Takes many readings in one firing (faster than one at a time); the invalid ones are skipped and
     * returned by the caller's check beforehand. Returns the assessments that changed.
     */
    public synchronized Outcome submitAll(Collection<Reading> batch) {
        boolean changed = false;
        for (Reading r : batch) {
            if (problemsWith(r).isEmpty()) {
                changed |= record(r);
            }
        }
        return changed ? fire() : Outcome.NOTHING;
    }

    /** Keeps the reading and updates the observation it feeds; false when nothing changed. */
    private boolean record(Reading r) {
        PeriodKey key = new PeriodKey(r.series(), r.period());
        LinkedHashMap<String, Reading> bySource = readings.computeIfAbsent(key, k -> new LinkedHashMap<>());
        Reading before = bySource.get(r.source());
        if (before != null && before.value().compareTo(r.value()) == 0) {
            return false;
        }
        bySource.remove(r.source());
        bySource.put(r.source(), r);
        Observation observation = new Observation(r.partnership(), r.indicator(), r.area(), r.period(), r.value());
        watch(r);
        FactHandle handle = observations.get(key);
        if (handle == null) {
            observations.put(key, session.insert(observation));
            return true;
        }
        if (observation.equals(session.getObject(handle))) {
            return false;
        }
        session.update(handle, observation);
        return true;
    }

    /** Expects the series' readings from its earliest period on. */
    private void watch(Reading r) {
        Optional<Target> target = rules.ruleSet().targetFor(r.partnership(), r.indicator());
        FactHandle handle = watches.get(r.series());
        if (target.isEmpty()) {
            return;
        }
        if (handle == null) {
            watches.put(r.series(), session.insert(new Watch(r.series(), r.period(), target.get())));
            return;
        }
        Watch watch = (Watch) session.getObject(handle);
        if (watch.getFirst().compareTo(r.period()) > 0) {
            session.update(handle, watch.from(r.period()));
        } else if (watch.received(r.period())) {
            session.update(handle, watch);
        }
    }

    /** Fires the rules and compares what they now hold with what they held before. */
    private Outcome fire() {
        inserted.clear();
        deleted.clear();
        signals.clear();
        touchedAlerts.clear();
        silenceReminders.clear();
        session.fireAllRules();
        List<AlertEvent> events = new ArrayList<>();
        for (FactHandle h : signals) {
            events.addAll(alertEvents((AlertSignal) session.getObject(h)));
            session.delete(h);
        }
        signals.clear();
        silenceReminders.forEach(reminder -> events.add(silenceEnding(reminder.silence())));
        silenceReminders.clear();
        List<AlertState> alerts = new ArrayList<>();
        touchedAlerts.forEach((alert, gone) -> alerts.add(alert.state(gone ? now.getInstant() : null)));
        touchedAlerts.clear();
        Map<PeriodKey, Assessment> after = new LinkedHashMap<>();
        for (Assessment a : deleted) {
            after.putIfAbsent(PeriodKey.of(a), null);
        }
        for (Assessment a : inserted) {
            if (!deleted.contains(a)) {
                after.put(PeriodKey.of(a), a);
            }
        }
        List<Assessment> changed = new ArrayList<>();
        after.forEach((key, a) -> {
            if (a == null) {
                NavigableMap<Period, Assessment> periods = current.get(key.series());
                if (periods != null) {
                    periods.remove(key.period());
                    if (periods.isEmpty()) {
                        current.remove(key.series());
                    }
                }
            } else if (!a.equals(current.computeIfAbsent(key.series(), k -> new TreeMap<>(BY_SPAN)).put(key.period(), a))) {
                changed.add(a);
            }
        });
        inserted.clear();
        deleted.clear();
        changed.sort(Comparator.comparing(Assessment::period).thenComparing(a -> a.series().toString()));
        return new Outcome(true, changed, events, alerts);
    }

    /**
     * The events a signal stands for, one per recipient: those of the level it names, or everyone told so far.
     * Under a silence they are kept for the history and delivered to nobody, except a resolution, which reaches
     * everyone who was told. Whoever is sent one is told of the alert from then on.
     */
    private List<AlertEvent> alertEvents(AlertSignal signal) {
        Alert alert = signal.getAlert();
        AlertEventType type = signal.getType();
        boolean silenced = alert.getSilence() != null && type != AlertEventType.RESOLVED;
        List<String> recipients = new ArrayList<>(signal.getToLevel() > 0 ? recipientsOf(alert, signal.getToLevel())
                : alert.getTold());
        if (type == AlertEventType.ESCALATED) {
            // whoever was told already hears that it went over their heads
            alert.getTold().stream().filter(r -> !recipients.contains(r)).forEach(recipients::add);
        }
        if (recipients.isEmpty()) {
            recipients.addAll(recipientsOf(alert, 1));
            silenced = true;
        }
        // an event the clock caused (a reminder, an escalation after working days) shows where the series stands now
        Assessment a = signal.getAssessment() != null || alert.getKind() != AlertKind.RATING ? signal.getAssessment()
                : latestOf(alert.getSeries()).orElse(null);
        Rating severity = type == AlertEventType.RESOLVED ? (alert.getKind() == AlertKind.RATING ? Rating.GREEN : Rating.GREY)
                : alert.getSeverity();
        int level = signal.getToLevel() > 0 ? signal.getToLevel() : alert.getLevel();
        String reason = signal.getReason() != null ? signal.getReason() : silenced ? alert.getSilence() : null;
        if (silenced && signal.getReason() != null && alert.getSilence() != null) {
            reason = signal.getReason() + "; " + alert.getSilence();
        }
        if (alert.getMissing() != null && type != AlertEventType.LATE_DATA && type != AlertEventType.RESOLVED) {
            reason = reason == null ? alert.getMissing().describe() : reason + "; " + alert.getMissing().describe();
        }
        List<AlertEvent> events = new ArrayList<>();
        for (String recipient : recipients) {
            long sequence = eventSequences.merge(alert.getSeries(), 1L, Long::sum);
            Period period = a != null ? a.period() : alert.getPeriod();
            events.add(new AlertEvent(AlertEvent.idFor(alert.getSeries(), sequence, period, type, severity, level), sequence,
                    type, alert.getPartnership(), alert.getIndicator(), alert.getArea(), period, severity,
                    signal.getPreviousSeverity(), a == null ? null : a.actual(), a == null ? null : a.expected(),
                    a == null ? Direction.NONE : a.direction(), level, alert.getTargetRow(), recipient, reason,
                    alert.getPriority(), alert.getId(), now.getInstant(), signal.getActor(), signal.getComment(), silenced));
            if (!silenced) {
                alert.told(recipient);
            }
        }
        touchedAlerts.putIfAbsent(alert, false);
        return events;
    }

    /** The contact ids of one escalation level of an alert (its lead when the policy has no such level). */
    private List<String> recipientsOf(Alert alert, int level) {
        return rules.ruleSet().escalationFor(alert.getPriority(), alert.getKind()).stream()
                .filter(l -> l.level() == level).findFirst()
                .map(l -> l.recipientsFor(alert.getLead(), alert.getDataContact()))
                .orElse(List.of(alert.getLead()));
    }

    /**
     * The reminder to a silence's author that it ends soon. Its id and number come from the silence and its end,
     * not from a count, so that the same reminder made again (after a restart) is the same event and is not sent twice.
     */
    private AlertEvent silenceEnding(Silence s) {
        String subject = s.indicator() != null ? s.indicator() : s.priority();
        SeriesKey series = new SeriesKey(rules.ruleSet().partnership().id(), subject, SILENCE_PARTNERSHIP);
        Period period = Period.month(s.until().getYear(), s.until().getMonthValue());
        long sequence = s.until().toEpochDay();
        String priority = s.priority() != null ? s.priority()
                : rules.ruleSet().targetsFor(s.indicator()).stream().map(Target::priority).findFirst().orElse(null);
        return new AlertEvent(AlertEvent.idFor(series, sequence, period, AlertEventType.REMINDER, Rating.GREY, 0), sequence,
                AlertEventType.REMINDER, rules.ruleSet().partnership().id(), subject, SILENCE_PARTNERSHIP, period, Rating.GREY, null, null,
                null, Direction.NONE, 0, s.row(), s.author(), "the silence of " + s.subject() + " ends on " + s.until()
                + " (" + s.reason() + "): extend it in " + "silences.csv or let it end", priority, null, now.getInstant(),
                null, null, false);
    }

    /** The partnership and area slug of a silence's reminder, which is about no one series. */
    public static final String SILENCE_PARTNERSHIP = "all";

    /** Periods by their span (a different notation of the same span kept apart). */
    private static final Comparator<Period> BY_SPAN = Comparator.<Period>naturalOrder().thenComparing(Period::frequency);

    private Assessment held(SeriesKey series, Period period) {
        NavigableMap<Period, Assessment> periods = current.get(series);
        return periods == null ? null : periods.get(period);
    }

    private java.util.stream.Stream<Assessment> held() {
        return current.values().stream().flatMap(periods -> periods.values().stream());
    }

    /** The assessment of the latest period of a series. */
    private Optional<Assessment> latestOf(SeriesKey series) {
        NavigableMap<Period, Assessment> periods = current.get(series);
        return periods == null ? Optional.empty() : Optional.of(periods.lastEntry().getValue());
    }

    /** The rating alerts open now, by series, with their severity. */
    public synchronized Map<SeriesKey, Rating> openAlerts() {
        Map<SeriesKey, Rating> open = new TreeMap<>(Comparator.comparing(SeriesKey::toString));
        for (Object o : session.getObjects(x -> x instanceof Alert a && a.getKind() == AlertKind.RATING)) {
            Alert alert = (Alert) o;
            open.put(alert.getSeries(), alert.getSeverity());
        }
        return open;
    }

    /** The latest assessed period of every series, ordered by partnership, indicator and area. */
    public synchronized List<Assessment> latest() {
        return current.values().stream().map(periods -> periods.lastEntry().getValue())
                .sorted(Comparator.comparing(Assessment::partnership).thenComparing(Assessment::indicator)
                        .thenComparing(Assessment::area))
                .toList();
    }

    /** Every assessment held, in period order: for history and previews. */
    public synchronized List<Assessment> assessments() {
        return held()
                .sorted(Comparator.comparing(Assessment::period).thenComparing(a -> a.series().toString())).toList();
    }

    /** How many readings (one per series, period and source) the engine holds. */
    public synchronized int readingCount() {
        return readings.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public synchronized void close() {
        session.dispose();
    }

    /** One period of one series. */
    record PeriodKey(SeriesKey series, Period period) {
        static PeriodKey of(Assessment a) {
            return new PeriodKey(a.series(), a.period());
        }
    }
}
