package targetwatch.engine.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;

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

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Direction;
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
    /** The series of each partnership and indicator, by area: where a comparator's reading is found. */
    private final Map<List<String>, Map<String, SeriesHistory>> areas = new HashMap<>();
    /** The target rating each partnership's indicator (empty: none), looked up once. */
    private final Map<List<String>, Optional<Target>> targets = new HashMap<>();
    /** The periods to put up for rating at the next firing. */
    private final Map<PeriodKey, SeriesHistory> toRate = new LinkedHashMap<>();
    /** The rule set's comparator areas, which readings are always taken for. */
    private final Set<String> comparators;
    /** The assessments of the periods the rules rated during the current firing, as they were before it. */
    private final Map<PeriodKey, Assessment> before = new LinkedHashMap<>();
    private final List<FactHandle> signals = new ArrayList<>();
    /** How many alert events each series has had: part of each event's stable id. */
    private final Map<SeriesKey, Long> eventSequences = new HashMap<>();
    /** The series whose readings are expected, for late-data chasing. */
    private final Map<SeriesKey, FactHandle> watches = new HashMap<>();
    /** The alerts the rules inserted, changed or deleted during the current firing (true: deleted). */
    private final Map<Alert, Boolean> touchedAlerts = new LinkedHashMap<>();
    private final List<SilenceReminder> silenceReminders = new ArrayList<>();
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
        KieSession s = compiled.kieBase().newKieSession(conf, null);
        s.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent event) {
                Object o = event.getObject();
                if (o instanceof Assessment a) {
                    assessed(a);
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
        return nowHandle == null ? Outcome.NOTHING : fire();
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
        return session.getObjects(o -> o instanceof Alert).stream().map(o -> ((Alert) o).state(null))
                .sorted(Comparator.comparing((AlertState a) -> a.series().toString()).thenComparing(AlertState::kind)
                        .thenComparing(AlertState::period))
                .toList();
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
            alert.bind(rules.ruleSet().targetFor(state.partnership(), state.indicator()).orElse(null));
            session.insert(alert);
        }
        if (instant.isAfter(now.getInstant())) {
            moveClock(instant);
        }
        nowHandle = session.insert(now);
        return fire();
    }

    /** The rule set in force. */
    public synchronized RuleSet ruleSet() {
        return rules.ruleSet();
    }

    /** Why the active rule set cannot take this reading; empty when it can. */
    public synchronized List<String> problemsWith(Reading r) {
        List<String> problems = new ArrayList<>();
        Optional<Target> target = targetFor(r.partnership(), r.indicator());
        if (target.isEmpty()) {
            problems.add(rules.ruleSet().targetsFor(r.indicator()).isEmpty()
                    ? "unknown indicator \"" + r.indicator() + "\": the rule set has no target for it"
                    : "indicator \"" + r.indicator() + "\" has no target for partnership \"" + r.partnership() + "\"");
        } else {
            target.get().unit().problemWith(r.value()).ifPresent(problems::add);
        }
        rules.ruleSet().areas().problemWith(r.area(), comparators).ifPresent(problems::add);
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

    /** The target that rates a partnership's indicator, looked up once per rule set. */
    private Optional<Target> targetFor(String partnership, String indicator) {
        return targets.computeIfAbsent(List.of(partnership, indicator), k -> rules.ruleSet().targetFor(partnership, indicator));
    }

    /** The series' history, started (with its streak in working memory) when the series is first read. */
    private SeriesHistory history(SeriesKey key) {
        SeriesHistory h = series.get(key);
        if (h == null) {
            Map<String, SeriesHistory> sameIndicator = areas.computeIfAbsent(List.of(key.partnership(), key.indicator()),
                    k -> new HashMap<>());
            h = new SeriesHistory(key, sameIndicator, rules.ruleSet().areas().isQuiet(key.area(), comparators));
            sameIndicator.put(key.area(), h);
            series.put(key, h);
            h.streakHandle = session.insert(h.streak);
        }
        return h;
    }

    /**
     * Keeps the reading and, when it changes the value in force, puts up for rating every period whose rating can
     * depend on it; false when nothing changed. Readings and values stay out of working memory.
     */
    private boolean record(Reading r) {
        SeriesHistory h = history(r.series());
        LinkedHashMap<String, Reading> bySource = h.readings.computeIfAbsent(r.period(), k -> new LinkedHashMap<>());
        Reading previous = bySource.get(r.source());
        if (previous != null && previous.value().compareTo(r.value()) == 0) {
            return false;
        }
        bySource.remove(r.source());
        bySource.put(r.source(), r);
        watch(r);
        BigDecimal held = h.values.get(r.period());
        if (held != null && held.compareTo(r.value()) == 0) {
            return false;
        }
        h.values.put(r.period(), r.value());
        dependants(h, r.period());
        return true;
    }

    /**
     * Puts up for rating the periods a change to {@code p} of a series can move: itself, the next period and the
     * same period a year later (their directions of travel), the later periods of its financial year for a target
     * that sums the year to date, and the same period in the other areas when the series is their comparator.
     */
    private void dependants(SeriesHistory h, Period p) {
        rate(h, p);
        rate(h, p.next());
        rate(h, new Period(p.frequency(), p.year() + 1, p.index()));
        Target target = targetFor(h.key.partnership(), h.key.indicator()).orElseThrow();
        if (target.kind() == Kind.DELIVER_ANNUALLY) {
            Period fy = p.financialYear();
            for (Period later : h.values.tailMap(p, false).keySet()) {
                if (later.start().isAfter(fy.end())) {
                    break;
                }
                if (later.frequency() == p.frequency() && later.financialYear().equals(fy)) {
                    rate(h, later);
                }
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
        if (h.values.containsKey(p)) {
            toRate.putIfAbsent(new PeriodKey(h.key, p), h);
        }
    }

    /** An assessment the rules just made: the series holds it, and its streak hears of it before the streak rule runs. */
    private void assessed(Assessment a) {
        SeriesHistory h = series.get(a.series());
        Assessment was = h.assessments.put(a.period(), a);
        before.putIfAbsent(new PeriodKey(a.series(), a.period()), was);
        h.streak.assessed(a);
    }

    /** Expects the series' readings from its earliest period on, and tells its watch of every period read. */
    private void watch(Reading r) {
        Optional<Target> target = targetFor(r.partnership(), r.indicator());
        FactHandle handle = watches.get(r.series());
        if (target.isEmpty() || series.get(r.series()).streak.quiet()) {
            // a quiet area's series is kept without alerts: nobody is chased for its late data either
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

    /** Fires the rules on the periods put up for rating and says what changed. */
    private Outcome fire() {
        signals.clear();
        touchedAlerts.clear();
        silenceReminders.clear();
        before.clear();
        List<FactHandle> rating = new ArrayList<>(toRate.size());
        toRate.forEach((key, h) -> rating.add(session.insert(new PeriodToRate(h, key.period()))));
        toRate.clear();
        session.fireAllRules();
        rating.forEach(session::delete);
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
        List<Assessment> changed = new ArrayList<>();
        before.forEach((key, was) -> {
            Assessment a = held(key.series(), key.period());
            if (!a.equals(was)) {
                changed.add(a);
            }
        });
        before.clear();
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
        Period window = Period.containing(now.getToday(), frequency);
        for (int i = 0; i < rules.ruleSet().settings().historyWindowPeriods(); i++) {
            if (window.year() <= EARLIEST_WINDOW_YEAR) {
                return false; // a window wider than the calendar of periods: nothing is history
            }
            window = window.previous();
        }
        return day.isBefore(window.start());
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
        series.values().forEach(h -> h.readings.values().forEach(bySource -> held.addAll(bySource.values())));
        return held;
    }

    /**
     * As {@link #rebuild(CompiledRules)}, from a candidate engine already given this engine's readings (restoring, its
     * alert rules not yet running): built beside this one from {@link #heldReadings()} while readings kept coming,
     * and caught up with those that came meanwhile. What this engine holds is copied at once, so that the comparison
     * and the candidate's alert rules run without holding this engine; callers that must swap atomically hold their
     * own lock around this and the swap.
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
        List<AlertState> states;
        Map<SeriesKey, Rating> open;
        Map<SeriesKey, NavigableMap<Period, Assessment>> before = new HashMap<>();
        Instant at;
        synchronized (this) {
            states = alertStates();
            open = openAlerts();
            series.forEach((key, h) -> before.put(key, new TreeMap<>(h.assessments)));
            at = now.getInstant();
            synchronized (next) {
                next.eventSequences.putAll(eventSequences);
            }
        }
        Outcome reconciled = next.resume(states, at);
        Map<SeriesKey, NavigableMap<Period, Assessment>> after;
        Map<SeriesKey, Rating> openNext;
        synchronized (next) {
            after = new HashMap<>();
            for (Map.Entry<SeriesKey, SeriesHistory> e : next.series.entrySet()) {
                after.put(e.getKey(), e.getValue().assessments);
            }
            openNext = next.openAlerts();
            return compare(next, before, after, open, openNext, reconciled, limit);
        }
    }

    private static Rebuilt compare(RuleEngine next, Map<SeriesKey, NavigableMap<Period, Assessment>> before,
                                   Map<SeriesKey, NavigableMap<Period, Assessment>> after, Map<SeriesKey, Rating> open,
                                   Map<SeriesKey, Rating> openNext, Outcome reconciled, int limit) {
        List<RatingChange> ratings = new ArrayList<>();
        int ratingsLeftOut = 0;
        java.util.Set<PeriodKey> keys = new java.util.TreeSet<>(Comparator.comparing(PeriodKey::period)
                .thenComparing(k -> k.series().toString()));
        before.values().forEach(periods -> periods.values().forEach(a -> keys.add(PeriodKey.of(a))));
        after.values().forEach(periods -> periods.values().forEach(a -> keys.add(PeriodKey.of(a))));
        for (PeriodKey k : keys) {
            Assessment was = heldIn(before, k);
            Assessment will = heldIn(after, k);
            if (was == null || will == null || was.rating() != will.rating()
                    || !java.util.Objects.equals(was.expected(), will.expected())) {
                if (ratings.size() < limit) {
                    ratings.add(new RatingChange(k.series(), k.period(), was, will));
                } else {
                    ratingsLeftOut++;
                }
            }
        }
        List<AlertChange> alerts = new ArrayList<>();
        int alertsLeftOut = 0;
        java.util.Set<SeriesKey> series = new java.util.TreeSet<>(Comparator.comparing(SeriesKey::toString));
        series.addAll(open.keySet());
        series.addAll(openNext.keySet());
        for (SeriesKey k : series) {
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

    private static Assessment heldIn(Map<SeriesKey, NavigableMap<Period, Assessment>> held, PeriodKey k) {
        NavigableMap<Period, Assessment> periods = held.get(k.series());
        return periods == null ? null : periods.get(k.period());
    }

    private Assessment held(SeriesKey key, Period period) {
        SeriesHistory h = series.get(key);
        return h == null ? null : h.assessments.get(period);
    }

    private java.util.stream.Stream<Assessment> held() {
        return series.values().stream().flatMap(h -> h.assessments.values().stream());
    }

    /** The assessment of the latest period of a series. */
    private Optional<Assessment> latestOf(SeriesKey key) {
        SeriesHistory h = series.get(key);
        return h == null || h.assessments.isEmpty() ? Optional.empty() : Optional.of(h.assessments.lastEntry().getValue());
    }

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
        Map<SeriesKey, Rating> open = new TreeMap<>(Comparator.comparing(SeriesKey::toString));
        for (Object o : session.getObjects(x -> x instanceof Alert a && a.getKind() == AlertKind.RATING)) {
            Alert alert = (Alert) o;
            open.put(alert.getSeries(), alert.getSeverity());
        }
        return open;
    }

    /** The assessment of one period of a series, if it has one. */
    public synchronized Optional<Assessment> assessment(SeriesKey series, Period period) {
        return Optional.ofNullable(held(series, period));
    }

    /** The latest assessed period of every series, ordered by partnership, indicator and area. */
    public synchronized List<Assessment> latest() {
        return series.values().stream().filter(h -> !h.assessments.isEmpty()).map(h -> h.assessments.lastEntry().getValue())
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
        return series.values().stream().flatMap(h -> h.readings.values().stream()).mapToInt(Map::size).sum();
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
