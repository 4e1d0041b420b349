package targetwatch.engine.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;

import org.kie.api.KieServices;
import org.kie.api.definition.KiePackage;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.conf.ThreadSafeOption;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.EscalationLevel;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Silence;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;

/**
 * The engine's facade: takes readings, keeps the latest per (partnership, indicator, area, period,
 * source), runs the active rule set and says which assessments changed. Not thread-safe by accident:
 * every public method is synchronized, one reading at a time.
 */
public final class RuleEngine implements AutoCloseable {

    /** Every series' readings, values and assessments, held here rather than in working memory. */
    private final Map<SeriesKey, SeriesHistory> series = new HashMap<>();
    /** Each partnership's indicators by id (partnership, then indicator): their target and their series by area. */
    private final Map<String, Map<String, IndicatorHeld>> indicators = new HashMap<>();
    /** The periods to put up for rating at the next firing. */
    private final List<SeriesHistory.Slot> toRate = new ArrayList<>();
    /** The series of each period in {@link #toRate}. */
    private final List<SeriesHistory> toRateSeries = new ArrayList<>();
    /** The rule set's comparator areas, which readings are always taken for. */
    private final Set<String> comparators;
    /** The periods the rules rated during the current firing, each once (its slot keeps its assessment before it). */
    private final List<SeriesHistory.Slot> ratedNow = new ArrayList<>();
    /** Where the alert rules hand their signals during a firing. */
    private final AlertSignals signals = new AlertSignals();
    /** Where the target rules hand the assessments they make, as they make them: never into working memory. */
    private final AssessmentSink assessments = new AssessmentSink(this::assessed);
    /** The series the target rules rated during the current firing, whose streaks move before the alert rules run. */
    private final List<SeriesHistory> rated = new ArrayList<>();
    /** How many alert events each series has had: part of each event's stable id. */
    private final Map<SeriesKey, Long> eventSequences = new HashMap<>();
    /** The alerts the rules inserted, changed or deleted during the current firing (true: deleted). */
    private final Map<Alert, Boolean> touchedAlerts = new LinkedHashMap<>();
    private final List<SilenceReminder> silenceReminders = new ArrayList<>();
    /** The escalation policy's levels for each kind of alert and priority, in level order, looked up once. */
    private final Map<AlertKind, Map<String, List<EscalationLevel>>> escalation = new java.util.EnumMap<>(AlertKind.class);
    /** The first day of each notation's news window on {@link #newsWindowDay}, worked out once a day. */
    private final LocalDate[] newsWindowStart = new LocalDate[targetwatch.engine.model.Frequency.values().length];
    private LocalDate newsWindowDay;
    /** Those told of alerts in a history, owed a summary of what is open once it is loaded. */
    private final Set<String> owedSummary = new java.util.TreeSet<>();
    private final CompiledRules rules;
    private final KieSession session;
    private Now now;
    /** Null while restoring: without a clock no alert rule fires. */
    private FactHandle nowHandle;

    /** An engine whose clock starts at the epoch: callers move it with {@link #advanceTo(Instant)}. */
    public RuleEngine(CompiledRules rules) {
        this(rules, Instant.EPOCH, true);
    }

    private RuleEngine(CompiledRules rules, Instant start, boolean clockRunning) {
        this.rules = rules;
        this.comparators = rules.ruleSet().comparatorAreas();
        this.targetsByIndicator = byIndicator(rules.ruleSet());
        // by row in an array: the streaks ask at every settle, a boxed map lookup each time
        int[] hysteresis = new int[rules.ruleSet().targets().stream().mapToInt(Target::row).max().orElse(0) + 1];
        Arrays.fill(hysteresis, Integer.MAX_VALUE);
        rules.ruleSet().targets().forEach(t -> hysteresis[t.row()] = t.hysteresis());
        this.hysteresisOfRow = row -> row >= 0 && row < hysteresis.length ? hysteresis[row] : Integer.MAX_VALUE;
        for (AlertKind kind : AlertKind.values()) {
            escalation.put(kind, new HashMap<>());
        }
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

    /**
     * An engine that takes readings without its alert rules running, to be given its stored alerts and its
     * clock by {@link #resume(Collection, Instant)}: how rule state is rebuilt after a restart.
     */
    public static RuleEngine restoring(CompiledRules rules) {
        return new RuleEngine(rules, Instant.EPOCH, false);
    }

    private KieSession newSession(CompiledRules compiled) {
        KieSessionConfiguration conf = KieServices.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        // one thread at a time: every method that touches the session holds the engine's lock, so the session need not
        // lock and queue its own propagations as one shared between threads would
        conf.setOption(ThreadSafeOption.NO);
        KieSession s = compiled.kieBase().newKieSession(conf, null);
        s.setGlobal(SIGNALS, signals);
        KiePackage targetRules = compiled.kieBase().getKiePackage(TargetRules.PACKAGE);
        if (targetRules != null && targetRules.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(AssessmentSink.GLOBAL))) {
            // (a rule set without targets has no target rules to declare it)
            s.setGlobal(AssessmentSink.GLOBAL, assessments);
        }
        s.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent event) {
                Object o = event.getObject();
                if (o instanceof Alert alert) {
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
                if (event.getOldObject() instanceof Alert alert) {
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
        return nowHandle == null ? Outcome.NOTHING : fireOnTick();
    }

    /** Fires with the {@link ClockTick} in working memory: what waits for working days is decided now. */
    private Outcome fireOnTick() {
        FactHandle tick = session.insert(ClockTick.INSTANCE);
        try {
            return fire();
        } finally {
            session.delete(tick);
        }
    }

    /**
     * Moves the clock forward to {@code to} as {@link #advanceTo(Instant)} does, stopping on the way on every working day
     * at each hour of the working day (08:00 to 17:00), so that what falls due happens at its own time: an escalation
     * due at 11:00 happens at 11:00, one due at 11:20 by 12:00. Returns what each stop brought, in order, the move to
     * {@code to} itself last.
     */
    public synchronized List<Outcome> advanceThroughWorkingHours(Instant to) {
        List<Outcome> outcomes = new ArrayList<>();
        if (!to.isAfter(now.getInstant())) {
            return outcomes;
        }
        WorkingDays calendar = rules.ruleSet().workingDays();
        LocalDate last = to.atZone(Now.ZONE).toLocalDate();
        for (LocalDate day = now.getInstant().atZone(Now.ZONE).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            if (!calendar.isWorkingDay(day)) {
                continue;
            }
            for (LocalTime hour = WorkingDays.OPENS; hour.isBefore(WorkingDays.CLOSES); hour = hour.plusHours(1)) {
                Instant stop = day.atTime(hour).atZone(Now.ZONE).toInstant();
                if (stop.isAfter(now.getInstant()) && stop.isBefore(to)) {
                    outcomes.add(advanceTo(stop));
                }
            }
        }
        outcomes.add(advanceTo(to));
        return outcomes;
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
        comment = PlainText.oneLine(comment); // text from outside: one line, no control or bidi characters
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
        // each series' name worked out once: the list is taken under the ingest lock when a rule set change swaps
        List<Map.Entry<String, AlertState>> named = new ArrayList<>();
        for (Object o : session.getObjects(o -> o instanceof Alert)) {
            Alert alert = (Alert) o;
            named.add(Map.entry(alert.getSeries().toString(), alert.state(null)));
        }
        named.sort(Map.Entry.<String, AlertState>comparingByKey()
                .thenComparing(e -> e.getValue().kind()).thenComparing(e -> e.getValue().period()));
        return named.stream().map(Map.Entry::getValue).toList();
    }

    /**
     * Ends a restore: takes the alerts that were open (re-bound to this rule set's targets) and the clock, and runs
     * the alert rules once, which reconciles them with the readings: an alert the readings no longer justify
     * resolves, one they now justify is raised, and whatever fell due meanwhile happens now.
     */
    public synchronized Outcome resume(Collection<AlertState> open, Instant instant) {
        if (nowHandle != null) {
            throw new IllegalStateException("the engine is not restoring");
        }
        for (AlertState state : open) {
            if (!state.isOpen()) {
                continue;
            }
            Alert alert = Alert.restore(state);
            alert.bind(indicator(state.partnership(), state.indicator()).target.orElse(null));
            session.insert(alert);
        }
        if (instant.isAfter(now.getInstant())) {
            moveClock(instant);
        }
        nowHandle = session.insert(now);
        return fireOnTick();
    }

    /** The rule set in force. */
    public synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    /** Why the active rule set cannot take this reading; empty when it can. */
    public synchronized List<String> problemsWith(Reading r) {
        return problemsWith(r, indicator(r.partnership(), r.indicator()));
    }

    private List<String> problemsWith(Reading r, IndicatorHeld held) {
        Optional<Target> target = held.target;
        // an area whose series the engine holds was taken before, and the rule set takes the same areas all along
        String areaProblem = held.areas.containsKey(r.area()) ? null
                : rules.ruleSet().areas().problemWith(r.area(), comparators).orElse(null);
        if (target.isPresent() && areaProblem == null && target.get().unit().problemWith(r.value()).isEmpty()) {
            return List.of(); // the usual answer, without building a list
        }
        List<String> problems = new ArrayList<>();
        if (target.isEmpty()) {
            problems.add(rules.ruleSet().targetsFor(r.indicator()).isEmpty()
                    ? "unknown indicator \"" + r.indicator() + "\": the rule set has no target for it"
                    : "indicator \"" + r.indicator() + "\" has no target for partnership \"" + r.partnership() + "\"");
        } else {
            target.get().unit().problemWith(r.value()).ifPresent(problems::add);
        }
        if (areaProblem != null) {
            problems.add(areaProblem);
        }
        return problems;
    }

    /**
     * Takes one reading and returns the assessments it changed: its own period's, and those of later
     * periods whose direction of travel or year to date depends on it. A duplicate changes nothing.
     */
    public synchronized List<Assessment> submit(Reading r) throws InvalidReadingException {
        return process(r).assessments();
    }

    /**
     * Takes one reading and returns everything it changed: assessments, and the alert events to deliver.
     *
     * @throws InvalidReadingException when the active rule set cannot take the reading; nothing changes
     */
    public synchronized Outcome process(Reading r) throws InvalidReadingException {
        IndicatorHeld held = indicator(r.partnership(), r.indicator());
        List<String> problems = problemsWith(r, held);
        if (!problems.isEmpty()) {
            throw new InvalidReadingException(problems);
        }
        return record(r, held) ? fire() : Outcome.NOTHING;
    }

    /**
     * Takes many readings in one firing (faster than one at a time); the invalid ones are skipped and
     * returned by the caller's check beforehand. Returns the assessments that changed.
     */
    public synchronized Outcome submitAll(Collection<Reading> batch) {
        boolean changed = false;
        for (Reading r : batch) {
            IndicatorHeld held = indicator(r.partnership(), r.indicator());
            if (problemsWith(r, held).isEmpty()) {
                changed |= record(r, held);
            }
        }
        return changed ? fire() : Outcome.NOTHING;
    }

    /** What the engine keeps of one partnership's indicator: the target rating it (empty: none), its series by area. */
    private static final class IndicatorHeld {
        final Optional<Target> target;
        /** The series of the indicator by area: where a comparator's reading is found. */
        final Map<String, SeriesHistory> areas = new HashMap<>();

        IndicatorHeld(Optional<Target> target) {
            this.target = target;
        }
    }

    /** A partnership's indicator, its target looked up once per rule set. */
    private IndicatorHeld indicator(String partnership, String indicator) {
        Map<String, IndicatorHeld> ofPartnership = indicators.get(partnership);
        if (ofPartnership == null) {
            ofPartnership = new HashMap<>();
            indicators.put(partnership, ofPartnership);
        }
        IndicatorHeld held = ofPartnership.get(indicator);
        if (held == null) {
            held = new IndicatorHeld(targetFor(targetsByIndicator, partnership, indicator));
            ofPartnership.put(indicator, held);
        }
        return held;
    }

    /** The hysteresis of each of the rule set's targets.csv rows, by row: what the series' streaks compare their runs with. */
    private final IntUnaryOperator hysteresisOfRow;

    /** The rule set's targets by indicator, in their order: what {@link #targetFor} looks in. */
    private final Map<String, List<Target>> targetsByIndicator;

    /** The targets of a rule set by indicator, in their order. */
    private static Map<String, List<Target>> byIndicator(RuleSet rs) {
        Map<String, List<Target>> by = new HashMap<>();
        for (Target t : rs.targets()) {
            by.computeIfAbsent(t.indicator(), k -> new ArrayList<>()).add(t);
        }
        return by;
    }

    /** As {@link RuleSet#targetFor}, by the index of {@link #byIndicator}: its own row before the general one. */
    private static Optional<Target> targetFor(Map<String, List<Target>> byIndicator, String partnership, String indicator) {
        List<Target> rows = byIndicator.getOrDefault(indicator, List.of());
        Target general = null;
        for (Target t : rows) {
            if (partnership.equals(t.partnership())) {
                return Optional.of(t);
            }
            if (general == null && t.partnership() == null) {
                general = t;
            }
        }
        return Optional.ofNullable(general);
    }

    /** The series of a reading, started (with its streak in working memory) when the series is first read. */
    private SeriesHistory history(Reading r, IndicatorHeld held) {
        SeriesHistory h = held.areas.get(r.area());
        if (h == null) {
            SeriesKey key = r.series();
            h = new SeriesHistory(key, held.areas, rules.ruleSet().areas().isQuiet(key.area(), comparators),
                    hysteresisOfRow);
            held.areas.put(key.area(), h);
            series.put(key, h);
            h.streakHandle = session.insert(h.streak);
        }
        return h;
    }

    /** The series an assessment is of (the rules assess only series the engine holds). */
    private SeriesHistory historyOf(Assessment a) {
        Map<String, IndicatorHeld> ofPartnership = indicators.get(a.partnership());
        IndicatorHeld held = ofPartnership == null ? null : ofPartnership.get(a.indicator());
        SeriesHistory h = held == null ? null : held.areas.get(a.area());
        return h != null ? h : series.get(a.series());
    }

    /**
     * Keeps the reading and, when it changes the value in force, puts up for rating every period whose rating can
     * depend on it; false when nothing changed. Readings and values stay out of working memory.
     */
    private boolean record(Reading r, IndicatorHeld indicator) {
        SeriesHistory h = history(r, indicator);
        SeriesHistory.Slot slot = h.slotFor(r.period());
        Reading previous = slot.reading(r.source());
        if (previous != null && previous.value().compareTo(r.value()) == 0) {
            return false;
        }
        boolean firstReading = h.keep(slot, r);
        watch(h, r, indicator.target, firstReading);
        BigDecimal held = slot.value;
        if (held != null && held.compareTo(r.value()) == 0) {
            return false;
        }
        slot.value = r.value();
        dependants(h, r.period(), indicator.target.orElseThrow());
        return true;
    }

    /**
     * Puts up for rating the periods a change to {@code p} of a series can move: itself, the next period and the
     * same period a year later (their directions of travel), the later periods of its financial year for a target
     * that sums the year to date, and the same period in the other areas when the series is their comparator.
     */
    private void dependants(SeriesHistory h, Period p, Target target) {
        rate(h, p);
        rate(h, p.next());
        rate(h, new Period(p.frequency(), p.year() + 1, p.index()));
        if (target.kind() == Kind.DELIVER_ANNUALLY) {
            for (Period later : h.laterInFinancialYear(p)) {
                rate(h, later);
            }
        }
        if (h.key.area().equals(target.comparatorArea())) {
            for (SeriesHistory other : h.areas.values()) {
                if (other != h) {
                    rate(other, p);
                }
            }
        }
    }

    /** Puts a period of a series up for rating when the series has a value for it. */
    private void rate(SeriesHistory h, Period p) {
        SeriesHistory.Slot s = h.slot(p);
        if (s != null && s.value != null && !s.queued) {
            s.queued = true;
            toRate.add(s);
            toRateSeries.add(h);
        }
    }

    /** An assessment the rules just made: the series holds it, and its streak hears of it. */
    private void assessed(Assessment a) {
        SeriesHistory h = historyOf(a);
        SeriesHistory.Slot s = h.slotFor(a.period());
        Assessment was = h.assess(s, a);
        if (!s.ratedNow) {
            s.ratedNow = true;
            s.before = was;
            ratedNow.add(s);
        }
        if (h.streak.assessed(a)) {
            rated.add(h);
        }
    }

    /**
     * Once the target rules have rated the periods put up: each series rated moves its streak, in working memory. The
     * alert rules, which run after this in their own agenda group, see every streak settled.
     */
    private void settleStreaks() {
        for (SeriesHistory h : rated) {
            String[] moved = h.streak.settle();
            if (moved.length > 0) {
                session.update(h.streakHandle, h.streak, moved);
            }
        }
        rated.clear();
    }

    /** Expects the series' readings from its earliest period on, and tells its watch of every period read. */
    private void watch(SeriesHistory h, Reading r, Optional<Target> target, boolean firstReading) {
        if (target.isEmpty() || h.streak.quiet()) {
            // a quiet area's series is kept without alerts: nobody is chased for its late data either
            return;
        }
        if (h.watch == null) {
            h.watch = Watch.of(h.key, r.period(), target.get(), h.periodsRead());
            h.watchHandle = session.insert(h.watch);
            return;
        }
        if (h.watch.getFirst().compareTo(r.period()) > 0) {
            h.watch = h.watch.from(r.period());
            session.update(h.watchHandle, h.watch);
        } else if (firstReading && h.watch.overdueAt(r.period(), now)) {
            // the watch counts the series' periods read as they are kept; the rules need hear of one only when it was
            // overdue (a gap filled): one not due yet, the usual reading, changes nothing they see until the clock moves
            session.update(h.watchHandle, h.watch);
        }
    }

    /** Assessments in the order outcomes list them: by period, then series. */
    private static final Comparator<Assessment> BY_PERIOD_AND_SERIES = Comparator.comparing(Assessment::period)
            .thenComparing(a -> a.series().toString());

    /** Clears what the last firing noted of the periods it rated. */
    private void forgetRatedNow() {
        for (SeriesHistory.Slot s : ratedNow) {
            s.ratedNow = false;
            s.before = null;
        }
        ratedNow.clear();
    }

    /** Fires the rules on the periods put up for rating and says what changed. */
    private Outcome fire() {
        signals.drain();
        touchedAlerts.clear();
        silenceReminders.clear();
        forgetRatedNow();
        List<FactHandle> rating = new ArrayList<>(toRate.size());
        for (int i = 0; i < toRate.size(); i++) {
            SeriesHistory.Slot s = toRate.get(i);
            s.queued = false;
            rating.add(session.insert(new PeriodToRate(toRateSeries.get(i), s.period, s.value)));
        }
        toRate.clear();
        toRateSeries.clear();
        session.fireAllRules(); // the target rules, in the main agenda group
        do {
            settleStreaks();
            session.getAgenda().getAgendaGroup(ALERTS).setFocus();
            session.fireAllRules();
        } while (!rated.isEmpty());
        rating.forEach(session::delete);
        List<AlertEvent> events = new ArrayList<>();
        for (AlertSignal signal : signals.drain()) {
            events.addAll(alertEvents(signal));
        }
        silenceReminders.forEach(reminder -> events.add(silenceEnding(reminder.silence())));
        silenceReminders.clear();
        List<AlertState> alerts = new ArrayList<>();
        touchedAlerts.forEach((alert, gone) -> alerts.add(alert.state(gone ? now.getInstant() : null)));
        touchedAlerts.clear();
        List<Assessment> changed = new ArrayList<>();
        for (SeriesHistory.Slot s : ratedNow) {
            if (!s.assessment.equals(s.before)) {
                changed.add(s.assessment);
            }
        }
        forgetRatedNow();
        if (changed.size() > 1) {
            changed.sort(BY_PERIOD_AND_SERIES);
        }
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
            // a reminder or an escalation of late data says what is missing now
            reason = reason == null ? alert.getMissing().describe() : reason + "; " + alert.getMissing().describe();
        }
        boolean history = !silenced && isHistory(signal);
        if (!history && !silenced) {
            alert.announced();
        }
        List<AlertEvent> events = new ArrayList<>();
        for (String recipient : recipients) {
            long sequence = eventSequences.merge(alert.getSeries(), 1L, Long::sum);
            Period period = a != null ? a.period() : alert.getPeriod();
            events.add(new AlertEvent(AlertEvent.idFor(alert.getSeries(), sequence, period, type, severity, level), sequence,
                    type, alert.getPartnership(), alert.getIndicator(), alert.getArea(), period, severity,
                    signal.getPreviousSeverity(), a == null ? null : a.actual(), a == null ? null : a.expected(),
                    a == null ? Direction.NONE : a.direction(), level, alert.getTargetRow(), recipient, reason,
                    alert.getPriority(), alert.getId(), now.getInstant(), signal.getActor(), signal.getComment(), silenced,
                    history));
            if (!silenced) {
                // one told in a history hears of it in the summary afterwards, and of what happens to it from then on
                alert.told(recipient);
            }
            if (history) {
                owedSummary.add(recipient);
            }
        }
        touchedAlerts.putIfAbsent(alert, false);
        return events;
    }

    /**
     * Whether a signal came of history rather than news: of a reading whose period ended before the news window
     * (settings.csv, history_window_periods: by default the previous reporting period on), or, for late data, of a
     * period whose reading was due before it (and its resolution, of a last missing period that ended before it, as the
     * reading that filled the gap is history, unless someone was told it was late). What the clock brings (escalations
     * after working days, reminders) is always news.
     */
    private boolean isHistory(AlertSignal signal) {
        Assessment a = signal.getAssessment();
        if (a != null) {
            return beforeNewsWindow(a.period().end(), a.period().frequency());
        }
        MissingPeriods missing = signal.getAlert().getMissing();
        if (missing == null) {
            return false;
        }
        if (signal.getType() == AlertEventType.LATE_DATA) {
            return beforeNewsWindow(missing.firstDue(), missing.first().frequency());
        }
        if (signal.getType() == AlertEventType.RESOLVED && !signal.getAlert().isAnnounced()) {
            // up to date again, and nobody was told it was late: history when the last period it missed is, as the
            // reading that filled the gap is (a history loaded in batches opens and fills such gaps between them)
            Period last = missing.periods().get(missing.periods().size() - 1);
            return beforeNewsWindow(last.end(), last.frequency());
        }
        return false;
    }

    /** Periods start in 1900 at the earliest; a window reaching back there makes nothing history. */
    private static final int EARLIEST_WINDOW_YEAR = 1901;

    /** Whether a day is before the news window of a notation, on the engine's clock. */
    private boolean beforeNewsWindow(java.time.LocalDate day, targetwatch.engine.model.Frequency frequency) {
        LocalDate today = now.getToday();
        if (!today.equals(newsWindowDay)) {
            Arrays.fill(newsWindowStart, null);
            newsWindowDay = today;
        }
        LocalDate start = newsWindowStart[frequency.ordinal()];
        if (start == null) {
            start = newsWindowStart(today, frequency);
            newsWindowStart[frequency.ordinal()] = start;
        }
        return !start.equals(LocalDate.MIN) && day.isBefore(start);
    }

    /** The first day of the news window of a notation on a day; {@link LocalDate#MIN} when nothing is history. */
    private LocalDate newsWindowStart(LocalDate today, targetwatch.engine.model.Frequency frequency) {
        Period window = Period.containing(today, frequency);
        for (int i = 0; i < rules.ruleSet().settings().historyWindowPeriods(); i++) {
            if (window.year() <= EARLIEST_WINDOW_YEAR) {
                return LocalDate.MIN; // a window wider than the calendar of periods: nothing is history
            }
            window = window.previous();
        }
        return window.start();
    }

    /** Whether a reading is history: its period ended before the news window, so what it changes is delivered to nobody. */
    public synchronized boolean isHistory(Reading r) {
        return beforeNewsWindow(r.period().end(), r.period().frequency());
    }

    /** Whether someone was told of alerts in a history and is owed a summary ({@link #summariseHistory()}). */
    public synchronized boolean summaryOwed() {
        return !owedSummary.isEmpty();
    }

    /** The most open alerts one summary lists by name. */
    static final int SUMMARY_LISTS = 30;
    /** The indicator slug of a history summary, which is about no one series. */
    public static final String SUMMARY_SUBJECT = "open-alerts";

    /**
     * After a history is loaded (readings whose events are history, delivered to nobody): one event for each person
     * told of alerts in it, listing the alerts they are told of that are open now, and nothing for one with none
     * open. Whoever was owed a summary is owed none after this.
     */
    public synchronized List<AlertEvent> summariseHistory() {
        List<AlertEvent> summaries = new ArrayList<>();
        List<Alert> open = session.getObjects(o -> o instanceof Alert).stream().map(Alert.class::cast)
                .sorted(Comparator.comparing((Alert x) -> x.getSeries().toString()).thenComparing(Alert::getKind)).toList();
        for (String recipient : owedSummary) {
            List<Alert> theirs = open.stream().filter(x -> x.getTold().contains(recipient)).toList();
            if (theirs.isEmpty()) {
                continue;
            }
            StringBuilder why = new StringBuilder("readings for past periods were loaded, and delivered to nobody one by one;"
                    + " of the alerts they opened or changed, " + theirs.size() + (theirs.size() == 1 ? " you are told of is"
                    : " you are told of are") + " open now: ");
            List<String> lines = new ArrayList<>();
            for (Alert x : theirs.subList(0, Math.min(theirs.size(), SUMMARY_LISTS))) {
                lines.add(x.getIndicator() + " in " + x.getArea() + " (" + (x.getKind() == AlertKind.LATE_DATA
                        ? x.getMissing() == null ? "late data" : x.getMissing().describe() : x.getSeverity() + " since " + x.getPeriod())
                        + ", level " + x.getLevel() + ")");
            }
            why.append(String.join("; ", lines));
            if (theirs.size() > SUMMARY_LISTS) {
                why.append("; and ").append(theirs.size() - SUMMARY_LISTS).append(" more (GET /api/alerts)");
            }
            SeriesKey series = new SeriesKey(partnership(), SUMMARY_SUBJECT, recipient);
            // the store numbers events per (partnership, indicator, area), all "<partnership>/open-alerts/all" here: one number
            // each, in the order of the recipients, after every earlier summary's
            long sequence = now.getInstant().toEpochMilli() * 1000 + summaries.size();
            Period period = Period.containing(now.getToday(), targetwatch.engine.model.Frequency.MONTH);
            summaries.add(new AlertEvent(AlertEvent.idFor(series, sequence, period, AlertEventType.REMINDER, Rating.GREY, 0),
                    sequence, AlertEventType.REMINDER, partnership(), SUMMARY_SUBJECT, SILENCE_AREA, period,
                    Rating.GREY, null, null, null, Direction.NONE, 0, 0, recipient, why.toString(), null, null,
                    now.getInstant(), null, null, false, false));
        }
        owedSummary.clear();
        return summaries;
    }

    /** The contact ids of one escalation level of an alert (its lead when the policy has no such level). */
    private List<String> recipientsOf(Alert alert, int level) {
        Map<String, List<EscalationLevel>> ofKind = escalation.get(alert.getKind());
        List<EscalationLevel> levels = ofKind.get(alert.getPriority());
        if (levels == null) {
            levels = rules.ruleSet().escalationFor(alert.getPriority(), alert.getKind());
            ofKind.put(alert.getPriority(), levels);
        }
        for (EscalationLevel l : levels) {
            if (l.level() == level) {
                return l.recipientsFor(alert.getLead(), alert.getDataContact());
            }
        }
        return List.of(alert.getLead());
    }

    /**
     * The reminder to a silence's author that it ends soon. Its id and number come from the silence and its end,
     * not from a count, so that the same reminder made again (after a restart) is the same event and is not sent twice.
     */
    private AlertEvent silenceEnding(Silence s) {
        String subject = s.indicator() != null ? s.indicator() : s.priority();
        SeriesKey series = new SeriesKey(partnership(), subject, SILENCE_AREA);
        Period period = Period.month(s.until().getYear(), s.until().getMonthValue());
        long sequence = s.until().toEpochDay();
        String priority = s.priority() != null ? s.priority()
                : rules.ruleSet().targetsFor(s.indicator()).stream().map(Target::priority).findFirst().orElse(null);
        return new AlertEvent(AlertEvent.idFor(series, sequence, period, AlertEventType.REMINDER, Rating.GREY, 0), sequence,
                AlertEventType.REMINDER, partnership(), subject, SILENCE_AREA, period, Rating.GREY, null, null,
                null, Direction.NONE, 0, s.row(), s.author(), "the silence of " + s.subject() + " ends on " + s.until()
                + " (" + s.reason() + "): extend it in " + "silences.csv or let it end", priority, null, now.getInstant(),
                null, null, false);
    }

    /** The area slug of a silence's reminder or a history's summary, which are about no one series. */
    public static final String SILENCE_AREA = "all";

    /** The partnership whose rule set this engine runs: what its summaries and silence reminders belong to. */
    private String partnership() {
        return rules.ruleSet().partnership().id();
    }

    /**
     * Builds an engine holding the same readings under a candidate rule set, beside this one, and says what
     * would change: every rating that differs, every alert that would open, close or change severity, and
     * the alert events that announce those (with the reason "rule change"; an alert open under both rule
     * sets with the same severity stays one alert and says nothing). This engine is not changed: a preview
     * closes the result, an activation adopts it.
     */
    public synchronized Rebuilt rebuild(CompiledRules candidate) {
        RuleEngine next = RuleEngine.restoring(candidate);
        next.submitAll(heldReadings());
        return rebuildFrom(next);
    }

    /** Every reading the engine holds (the latest per series, period and source): what a candidate is built from. */
    public synchronized List<Reading> heldReadings() {
        List<Reading> held = new ArrayList<>();
        series.values().forEach(h -> h.forEachReading(held::add));
        return held;
    }

    /**
     * What the engine holds now, frozen: every series' periods, readings, values and assessments, the open alerts, the
     * event numbering and the clock. One pass over the periods under the engine's lock (nothing is replayed or sorted);
     * afterwards a candidate is built from it ({@link #replaying}) and a preview compared with it ({@link #preview})
     * without holding this engine, while it goes on taking readings.
     */
    public synchronized Snapshot snapshot() {
        Map<SeriesKey, SeriesHistory.Frozen> frozen = new LinkedHashMap<>(series.size() * 2);
        series.forEach((key, h) -> frozen.put(key, h.freeze()));
        return new Snapshot(rules, frozen, alertStates(), openAlerts(), Map.copyOf(eventSequences), now.getInstant());
    }

    /** What an engine held at one moment ({@link #snapshot()}): read without its lock. */
    public static final class Snapshot {
        private final CompiledRules rules;
        private final Map<SeriesKey, SeriesHistory.Frozen> series;
        private final List<AlertState> alertStates;
        private final Map<SeriesKey, Rating> openAlerts;
        private final Map<SeriesKey, Long> eventSequences;
        private final Instant now;

        private Snapshot(CompiledRules rules, Map<SeriesKey, SeriesHistory.Frozen> series, List<AlertState> alertStates,
                         Map<SeriesKey, Rating> openAlerts, Map<SeriesKey, Long> eventSequences, Instant now) {
            this.rules = rules;
            this.series = java.util.Collections.unmodifiableMap(series);
            this.alertStates = List.copyOf(alertStates);
            this.openAlerts = java.util.Collections.unmodifiableMap(openAlerts);
            this.eventSequences = eventSequences;
            this.now = now;
        }

        /** Every reading held, series by series in the engine's order, in period order within each. */
        public List<Reading> readings() {
            List<Reading> held = new ArrayList<>();
            series.values().forEach(f -> f.forEachReading(held::add));
            return held;
        }

        /** The rule set the engine ran. */
        public RuleSet ruleSet() {
            return rules.ruleSet();
        }
    }

    /**
     * A candidate engine (restoring: its alert rules not yet running) holding a snapshot's readings under a candidate
     * rule set. When the candidate changes only target rows (every other file the same, the same comparator areas), the
     * series whose partnership and indicator are rated by the same target row under both are carried over as they were
     * (periods, readings, values and assessments, their streaks and watches set up as a replay leaves them) and only the
     * others' readings are replayed; otherwise every reading is. Either way it holds what
     * {@code restoring(candidate)} given {@link Snapshot#readings()} would.
     */
    public static RuleEngine replaying(CompiledRules candidate, Snapshot from) {
        RuleEngine next = restoring(candidate);
        java.util.function.BiPredicate<String, String> same = sameRatingOf(from.rules.ruleSet(), candidate.ruleSet());
        List<Reading> replay = new ArrayList<>();
        synchronized (next) {
            for (SeriesHistory.Frozen f : from.series.values()) {
                if (same != null && same.test(f.key().partnership(), f.key().indicator())) {
                    next.carry(f);
                } else {
                    f.forEachReading(replay::add);
                }
            }
            next.replayed = replay.size();
        }
        next.submitAll(replay);
        return next;
    }

    /** How many readings {@link #replaying} replayed to build this engine (the rest were carried over). */
    private int replayed = -1;

    /** How many readings were replayed to build this candidate: all it holds, unless series were carried over. */
    public synchronized int replayedReadings() {
        return replayed < 0 ? readingCount() : replayed;
    }

    /**
     * Whether a partnership's indicator is rated alike under two rule sets (the same target row, and the same every
     * other thing a rating, a streak or a watch depends on); null when the rule sets differ in more than target rows,
     * so that every series may rate differently.
     */
    private static java.util.function.BiPredicate<String, String> sameRatingOf(RuleSet was, RuleSet will) {
        boolean onlyTargets = was.templates().equals(will.templates()) && was.drl().equals(will.drl())
                && was.contacts().equals(will.contacts()) && was.escalation().equals(will.escalation())
                && was.silences().equals(will.silences()) && was.workingDays().equals(will.workingDays())
                && was.settings().equals(will.settings()) && was.areas().equals(will.areas())
                && was.partnership().equals(will.partnership()) && was.comparatorAreas().equals(will.comparatorAreas());
        if (!onlyTargets) {
            return null;
        }
        Map<String, List<Target>> wasBy = byIndicator(was);
        Map<String, List<Target>> willBy = byIndicator(will);
        Map<String, Boolean> known = new HashMap<>();
        return (partnership, indicator) -> known.computeIfAbsent(partnership + "/" + indicator,
                k -> targetFor(wasBy, partnership, indicator).equals(targetFor(willBy, partnership, indicator)));
    }

    /**
     * Takes over a frozen series rated by the same rule here as where it was frozen: what a replay of its readings would
     * leave (its assessments the same), its streak counted from them and its watch from its earliest period read, each
     * put in working memory as the replay puts them.
     */
    private void carry(SeriesHistory.Frozen f) {
        SeriesKey key = f.key();
        IndicatorHeld held = indicator(key.partnership(), key.indicator());
        SeriesHistory h = new SeriesHistory(key, held.areas, rules.ruleSet().areas().isQuiet(key.area(), comparators),
                hysteresisOfRow);
        held.areas.put(key.area(), h);
        series.put(key, h);
        h.adopt(f);
        Period first = null;
        for (int i = 0; i < f.periods().length; i++) {
            if (f.readings()[i].length > 0 && (first == null || first.compareTo(f.periods()[i]) > 0)) {
                first = f.periods()[i];
            }
            if (f.assessments()[i] != null) {
                h.streak.assessed(f.assessments()[i]);
            }
        }
        h.streak.settle();
        h.streakHandle = session.insert(h.streak);
        if (first != null && held.target.isPresent() && !h.streak.quiet()) {
            h.watch = Watch.of(key, first, held.target.get(), h.periodsRead());
            h.watch.adopt(f.watchSchedule(), rules.ruleSet().workingDays());
            h.watchHandle = session.insert(h.watch);
        }
    }

    /**
     * As {@link #rebuild(CompiledRules)}, from a candidate engine already given this engine's readings (restoring, its
     * alert rules not yet running): built beside this one from {@link #heldReadings()} or a {@link #snapshot()} while
     * readings kept coming, and caught up with those that came meanwhile. Compared with what this engine holds now:
     * callers that must swap atomically hold their own lock around this and the swap.
     */
    public Rebuilt rebuildFrom(RuleEngine next) {
        return rebuildFrom(next, Integer.MAX_VALUE);
    }

    /**
     * The same, listing at most {@code limit} rating changes, alert changes and events each and counting the rest
     * ({@link Rebuilt#ratingsLeftOut()} ...): a preview's answer stays bounded in memory however much the candidate
     * changes. Only a complete one ({@link #rebuildFrom(RuleEngine)}) may be activated.
     */
    public Rebuilt rebuildFrom(RuleEngine next, int limit) {
        Held held = held(EVERY_SERIES);
        return compareAfterResume(next, held.assessed(), held.alertStates(), held.openAlerts(), held.eventSequences(),
                held.at(), limit);
    }

    /** What an engine holds that a rebuild is compared with, taken at one moment under its lock. */
    private record Held(List<AlertState> alertStates, Map<SeriesKey, Rating> openAlerts,
                        Map<SeriesKey, List<Assessment>> assessed, Instant at, Map<SeriesKey, Long> eventSequences) {
    }

    private static final java.util.function.Predicate<SeriesKey> EVERY_SERIES = key -> true;

    /** What this engine holds now, with the assessments of the series {@code which} names. */
    private synchronized Held held(java.util.function.Predicate<SeriesKey> which) {
        return new Held(alertStates(), openAlerts(), assessedOf(this, which), now.getInstant(), new HashMap<>(eventSequences));
    }

    /** An engine's assessments of the series {@code which} names, series by series, in period order. */
    private static Map<SeriesKey, List<Assessment>> assessedOf(RuleEngine engine, java.util.function.Predicate<SeriesKey> which) {
        Map<SeriesKey, List<Assessment>> out = new HashMap<>();
        synchronized (engine) {
            engine.series.forEach((key, h) -> {
                if (which.test(key)) {
                    out.put(key, h.assessedInOrder());
                }
            });
        }
        return out;
    }

    /** The candidate given the running engine's event numbering and alerts, at its time: what its alert rules make of them. */
    private static Outcome resumed(RuleEngine next, Map<SeriesKey, Long> sequences, List<AlertState> states, Instant at) {
        synchronized (next) {
            next.eventSequences.putAll(sequences);
        }
        return next.resume(states, at);
    }

    /**
     * The rating changes a candidate built from a snapshot ({@link #replaying}) makes against it, before its alert rules
     * run (they change no assessment), in the order a {@link Rebuilt} lists them (by period, then series): what an
     * activation writes ahead, and compares again under its lock only for the series read since
     * ({@link #rebuildFrom(RuleEngine, List, Collection)}), which then merges the few it compared again into these
     * instead of sorting them all.
     */
    public static List<RatingChange> ratingChanges(Snapshot from, RuleEngine next) {
        Map<SeriesKey, List<Assessment>> before = new HashMap<>();
        from.series.forEach((key, f) -> before.put(key, f.assessed()));
        return listed(ratingChanges(before, assessedOf(next, EVERY_SERIES)));
    }

    /**
     * As {@link #rebuildFrom(RuleEngine)}, comparing ratings again only for the series that readings since the snapshot
     * can have moved, and taking the {@code prior} changes (against the snapshot the candidate was built from, as
     * {@link #ratingChanges(Snapshot, RuleEngine)} gave them) for the others. Only a reading moves an assessment: of its
     * own series, and, when its area is the comparator area of its indicator's target (under either rule set), of every
     * area of its indicator; so what neither engine was given since the snapshot is as it was compared. The alerts are
     * reconciled and compared in full.
     *
     * @param readSince the series of the readings both engines were given since the snapshot
     */
    public Rebuilt rebuildFrom(RuleEngine next, List<RatingChange> prior, Collection<SeriesKey> readSince) {
        java.util.function.Predicate<SeriesKey> again = movedBy(readSince, rules.ruleSet(), next.rules.ruleSet());
        Held held = held(again);
        Outcome reconciled = resumed(next, held.eventSequences(), held.alertStates(), held.at());
        synchronized (next) {
            List<RatingChange> fresh = listed(ratingChanges(held.assessed(), assessedOf(next, again)));
            List<RatingChange> kept = new ArrayList<>(prior.size());
            for (RatingChange c : prior) {
                if (!again.test(c.series())) {
                    kept.add(c);
                }
            }
            return compareListed(next, merged(inListedOrder(kept) ? kept : listed(kept), fresh), held.openAlerts(),
                    next.openAlerts(), reconciled, Integer.MAX_VALUE);
        }
    }

    /**
     * The series whose assessments readings of {@code read} can have moved under either rule set: those series, and every
     * area of an indicator one of them is the comparator area of.
     */
    static java.util.function.Predicate<SeriesKey> movedBy(Collection<SeriesKey> read, RuleSet was, RuleSet will) {
        Set<SeriesKey> series = new java.util.HashSet<>(read);
        Set<String> indicators = new java.util.HashSet<>();
        Map<String, List<Target>> wasBy = byIndicator(was);
        Map<String, List<Target>> willBy = byIndicator(will);
        for (SeriesKey k : series) {
            for (Map<String, List<Target>> by : List.of(wasBy, willBy)) {
                Optional<Target> t = targetFor(by, k.partnership(), k.indicator());
                if (t.isPresent() && k.area().equals(t.get().comparatorArea())) {
                    indicators.add(k.partnership() + "/" + k.indicator());
                }
            }
        }
        if (indicators.isEmpty()) {
            return series::contains;
        }
        return key -> series.contains(key) || indicators.contains(key.partnership() + "/" + key.indicator());
    }

    /**
     * What a candidate built from a snapshot ({@link #replaying}) would change against that snapshot: as
     * {@link #rebuildFrom(RuleEngine, int)}, with the snapshot's alerts, clock and assessments in place of a running
     * engine's, so that a preview holds no engine but the candidate.
     */
    public static Rebuilt preview(Snapshot from, RuleEngine next, int limit) {
        Map<SeriesKey, List<Assessment>> before = new HashMap<>();
        from.series.forEach((key, f) -> before.put(key, f.assessed()));
        return compareAfterResume(next, before, from.alertStates, from.openAlerts, from.eventSequences, from.now, limit);
    }

    private static Rebuilt compareAfterResume(RuleEngine next, Map<SeriesKey, List<Assessment>> before,
                                              List<AlertState> states, Map<SeriesKey, Rating> open,
                                              Map<SeriesKey, Long> sequences, Instant at, int limit) {
        Outcome reconciled = resumed(next, sequences, states, at);
        synchronized (next) {
            return compareListed(next, listed(ratingChanges(before, assessedOf(next, EVERY_SERIES))), open, next.openAlerts(),
                    reconciled, limit);
        }
    }

    /** A rating change with its series' name, worked out once, to order the changes by. */
    private record Listed(RatingChange change, String series) {
    }

    /** The order a {@link Rebuilt} lists rating changes in: by period, then series. */
    private static int listedOrder(RatingChange a, String aName, RatingChange b, String bName) {
        int c = a.period().compareTo(b.period());
        return c != 0 ? c : aName.compareTo(bName);
    }

    /** Rating changes put in the order a {@link Rebuilt} lists them, each series' name worked out once. */
    private static List<RatingChange> listed(List<RatingChange> unordered) {
        Map<SeriesKey, String> names = new HashMap<>();
        List<Listed> changed = new ArrayList<>(unordered.size());
        for (RatingChange c : unordered) {
            changed.add(new Listed(c, names.computeIfAbsent(c.series(), SeriesKey::toString)));
        }
        changed.sort((x, y) -> listedOrder(x.change(), x.series(), y.change(), y.series()));
        List<RatingChange> out = new ArrayList<>(changed.size());
        for (Listed l : changed) {
            out.add(l.change());
        }
        return out;
    }

    /** Whether rating changes are in the order a {@link Rebuilt} lists them: one pass, names only where periods tie. */
    private static boolean inListedOrder(List<RatingChange> changes) {
        for (int i = 1; i < changes.size(); i++) {
            RatingChange a = changes.get(i - 1);
            RatingChange b = changes.get(i);
            int c = a.period().compareTo(b.period());
            if (c > 0 || c == 0 && !a.series().equals(b.series())
                    && a.series().toString().compareTo(b.series().toString()) > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Two lists of rating changes in listed order, of different series, as one in that order: each of the (few) fresh
     * ones put in by a binary search of the others, so that the series' names are worked out only where searched.
     */
    private static List<RatingChange> merged(List<RatingChange> kept, List<RatingChange> fresh) {
        if (fresh.isEmpty()) {
            return kept;
        }
        List<RatingChange> out = new ArrayList<>(kept.size() + fresh.size());
        int from = 0;
        for (RatingChange f : fresh) {
            String name = f.series().toString();
            int low = from;
            int high = kept.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                RatingChange k = kept.get(mid);
                if (listedOrder(k, k.series().toString(), f, name) < 0) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            out.addAll(kept.subList(from, low));
            out.add(f);
            from = low;
        }
        out.addAll(kept.subList(from, kept.size()));
        return out;
    }

    /** The rating changes between two engines' assessments, series by series, in no particular order. */
    private static List<RatingChange> ratingChanges(Map<SeriesKey, List<Assessment>> before,
                                                    Map<SeriesKey, List<Assessment>> after) {
        // each side's assessments in period order, walked together: no map or sort over every assessment
        List<RatingChange> changed = new ArrayList<>();
        java.util.Set<SeriesKey> keys = new java.util.HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (SeriesKey key : keys) {
            List<Assessment> was = before.getOrDefault(key, List.of());
            List<Assessment> will = after.getOrDefault(key, List.of());
            int i = 0;
            int j = 0;
            while (i < was.size() || j < will.size()) {
                Assessment b = i < was.size() ? was.get(i) : null;
                Assessment a = j < will.size() ? will.get(j) : null;
                int c = b == null ? 1 : a == null ? -1 : SeriesHistory.BY_SPAN.compare(b.period(), a.period());
                RatingChange change = null;
                if (c < 0) {
                    change = new RatingChange(key, b.period(), b, null);
                    i++;
                } else if (c > 0) {
                    change = new RatingChange(key, a.period(), null, a);
                    j++;
                } else {
                    if (b != a && (b.rating() != a.rating() || !java.util.Objects.equals(b.expected(), a.expected()))) {
                        change = new RatingChange(key, b.period(), b, a);
                    }
                    i++;
                    j++;
                }
                if (change != null) {
                    changed.add(change);
                }
            }
        }
        return changed;
    }

    /** What a candidate changes, its rating changes given in listed order ({@link #listed}). */
    private static Rebuilt compareListed(RuleEngine next, List<RatingChange> changed, Map<SeriesKey, Rating> open,
                                         Map<SeriesKey, Rating> openNext, Outcome reconciled, int limit) {
        List<RatingChange> ratings = changed.size() <= limit ? changed : new ArrayList<>(changed.subList(0, limit));
        int ratingsLeftOut = Math.max(0, changed.size() - limit);
        List<AlertChange> alerts = new ArrayList<>();
        int alertsLeftOut = 0;
        Set<SeriesKey> either = new java.util.HashSet<>(open.keySet());
        either.addAll(openNext.keySet());
        for (SeriesKey k : byName(either)) {
            if (open.get(k) != openNext.get(k)) {
                if (alerts.size() < limit) {
                    alerts.add(new AlertChange(k, open.get(k), openNext.get(k)));
                } else {
                    alertsLeftOut++;
                }
            }
        }
        // all at once, so in the order of their series, and within a series in the order they happened
        List<AlertEvent> events = reconciled.alertEvents().stream()
                .sorted(Comparator.comparing((AlertEvent e) -> e.series().toString()).thenComparingLong(AlertEvent::sequence))
                .map(e -> e.reason() == null ? e.withReason(RULE_CHANGE) : e).toList();
        int eventsLeftOut = Math.max(0, events.size() - limit);
        if (eventsLeftOut > 0) {
            events = List.copyOf(events.subList(0, limit));
        }
        return new Rebuilt(next, ratings, alerts, events, reconciled.alerts(), ratingsLeftOut, alertsLeftOut, eventsLeftOut);
    }

    /** Series in the order of their names, each name worked out once. */
    private static List<SeriesKey> byName(Collection<SeriesKey> keys) {
        List<Map.Entry<String, SeriesKey>> named = new ArrayList<>(keys.size());
        for (SeriesKey k : keys) {
            named.add(Map.entry(k.toString(), k));
        }
        named.sort(Map.Entry.comparingByKey());
        List<SeriesKey> out = new ArrayList<>(named.size());
        for (Map.Entry<String, SeriesKey> e : named) {
            out.add(e.getValue());
        }
        return out;
    }

    private Assessment held(SeriesKey key, Period period) {
        SeriesHistory h = series.get(key);
        return h == null ? null : h.assessment(period);
    }

    private java.util.stream.Stream<Assessment> held() {
        return series.values().stream().flatMap(h -> h.assessments().values().stream());
    }

    /** The assessment of the latest period of a series. */
    private Optional<Assessment> latestOf(SeriesKey key) {
        SeriesHistory h = series.get(key);
        return h == null ? Optional.empty() : Optional.ofNullable(h.latest());
    }

    /** The agenda group of the alert rules (alerts.drl), which the engine focuses once the streaks have moved. */
    static final String ALERTS = "alerts";
    /** The alert rules' global through which they hand the engine their signals. */
    static final String SIGNALS = "signals";

    /** The reason given on alert events that a rule set change caused. */
    public static final String RULE_CHANGE = "rule change";

    /** A rating that a candidate rule set would change (before or after null: no assessment). */
    public record RatingChange(SeriesKey series, Period period, Assessment before, Assessment after) {
    }

    /** An alert that a candidate rule set would open (before null), close (after null) or change. */
    public record AlertChange(SeriesKey series, Rating before, Rating after) {
    }

    /**
     * An engine rebuilt under a candidate rule set, and what it changes. Close it when only previewing.
     */
    public record Rebuilt(RuleEngine engine, List<RatingChange> ratings, List<AlertChange> alerts,
                          List<AlertEvent> events, List<AlertState> alertStates, int ratingsLeftOut, int alertsLeftOut,
                          int eventsLeftOut) implements AutoCloseable {

        /** Whether every change is listed (a preview's may not be): only a complete one may be activated. */
        public boolean complete() {
            return ratingsLeftOut == 0 && alertsLeftOut == 0 && eventsLeftOut == 0;
        }

        /** The assessments the change alters, as they are under the candidate. */
        public List<Assessment> changedAssessments() {
            return ratings.stream().map(RatingChange::after).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /**
     * Restores how many alert events each series has had (from the store, after a restart), so that
     * new events continue the sequence and get new ids.
     */
    public synchronized void restoreEventSequences(Map<SeriesKey, Long> sequences) {
        eventSequences.clear();
        eventSequences.putAll(sequences);
    }

    /** The rating alerts open now, by series, with their severity. */
    public synchronized Map<SeriesKey, Rating> openAlerts() {
        Map<SeriesKey, Rating> bySeries = new HashMap<>();
        for (Object o : session.getObjects(x -> x instanceof Alert a && a.getKind() == AlertKind.RATING)) {
            Alert alert = (Alert) o;
            bySeries.put(alert.getSeries(), alert.getSeverity());
        }
        // in the order of the series' names, each worked out once
        Map<SeriesKey, Rating> open = new LinkedHashMap<>(bySeries.size() * 2);
        for (SeriesKey k : byName(bySeries.keySet())) {
            open.put(k, bySeries.get(k));
        }
        return java.util.Collections.unmodifiableMap(open);
    }

    /** The assessment of one period of a series, if it has one. */
    public synchronized Optional<Assessment> assessment(SeriesKey series, Period period) {
        return Optional.ofNullable(held(series, period));
    }

    /** The latest assessed period of every series, ordered by partnership, indicator and area. */
    public synchronized List<Assessment> latest() {
        return series.values().stream().filter(SeriesHistory::assessed).map(SeriesHistory::latest)
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
        return series.values().stream().mapToInt(SeriesHistory::readingCount).sum();
    }

    @Override
    public synchronized void close() {
        session.dispose();
    }
}
