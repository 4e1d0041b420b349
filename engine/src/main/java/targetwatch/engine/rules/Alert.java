package targetwatch.engine.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.kie.api.definition.type.Modifies;

import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.EscalationLevel;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;

/**
 * The fact for an open alert: a series whose rating needs attention, or a series whose readings are late (one alert
 * for all its missing periods). The alert rules (rules/alerts.drl) raise, escalate, remind, acknowledge and resolve
 * it; the engine stores its state after every change and restores it after a restart.
 */
public final class Alert {

    private final String id;
    private final AlertKind kind;
    private final SeriesKey series;
    /** The period it opened at (rating), or the first period missing now (late data). */
    private Period period;
    private final Instant openedAt;
    private String priority;
    private int targetRow;
    private String lead;
    private String dataContact;
    private boolean orphan;
    private Rating severity;
    private int level = 1;
    private Instant levelSince;
    private Instant lastNotifiedAt;
    private final Set<String> told = new LinkedHashSet<>();
    private String acknowledgedBy;
    private Instant acknowledgedAt;
    private String acknowledgementComment;
    private Instant acknowledgedUntil;
    private String silence;
    /** Reminders at its level so far: each waits twice as long as the one before, up to the level's limit. */
    private int reminders;
    /** For late data, the periods missing now; null for a rating alert. */
    private MissingPeriods missing;
    /**
     * Whether anyone was sent an event of it as news (not history, not silenced). Not stored: an alert restored after a
     * restart or a rule change counts as announced, so that its resolution is never kept from someone told of it.
     */
    private boolean announced;
    /** The last due times worked out for escalating and reminding: the rules ask at every change, the answer rarely moves. */
    private final DueTime escalationDueAt = new DueTime();
    private final DueTime reminderDueAt = new DueTime();

    private Alert(String id, AlertKind kind, SeriesKey series, Period period, Instant openedAt, Rating severity) {
        this.id = id;
        this.kind = kind;
        this.series = series;
        this.period = period;
        this.openedAt = openedAt;
        this.severity = severity;
        this.levelSince = openedAt;
        this.lastNotifiedAt = openedAt;
    }

    /** An alert on a rating, opened now at the latest rated period. */
    public static Alert rating(Target target, Assessment latest, Now now) {
        Alert a = new Alert(idFor(AlertKind.RATING, latest.series(), latest.period(), now.getInstant()), AlertKind.RATING,
                latest.series(), latest.period(), now.getInstant(), latest.rating());
        a.bind(target);
        return a;
    }

    /** An alert on a series whose readings did not come by their due days: one for all its missing periods. */
    public static Alert lateData(Target target, SeriesKey series, MissingPeriods missing, Now now) {
        Alert a = new Alert(idFor(AlertKind.LATE_DATA, series, missing.first(), now.getInstant()), AlertKind.LATE_DATA,
                series, missing.first(), now.getInstant(), Rating.GREY);
        a.missing = missing;
        a.bind(target);
        return a;
    }

    /** An alert as it was stored. */
    public static Alert restore(AlertState s) {
        Alert a = new Alert(s.id(), s.kind(), s.series(), s.period(), s.openedAt(), s.severity());
        a.priority = s.priority();
        a.targetRow = s.targetRow();
        a.lead = s.lead();
        a.dataContact = s.dataContact();
        a.level = s.level();
        a.levelSince = s.levelSince();
        a.lastNotifiedAt = s.lastNotifiedAt();
        a.told.addAll(s.told());
        a.acknowledgedBy = s.acknowledgedBy();
        a.acknowledgedAt = s.acknowledgedAt();
        a.acknowledgementComment = s.acknowledgementComment();
        a.acknowledgedUntil = s.acknowledgedUntil();
        a.silence = s.silence();
        a.reminders = s.reminders();
        a.announced = true;
        if (s.kind() == AlertKind.LATE_DATA && !s.missing().isEmpty()) {
            a.missing = new MissingPeriods(s.missing(), s.missing().get(0).previous(), s.missing().get(0).end());
        }
        return a;
    }

    /** The alert's state to store; closed at {@code closedAt} when not null. */
    public AlertState state(Instant closedAt) {
        return new AlertState(id, kind, series.partnership(), series.indicator(), series.area(), priority, targetRow, lead,
                dataContact, period, severity, level, openedAt, levelSince, lastNotifiedAt, new ArrayList<>(told),
                acknowledgedBy, acknowledgedAt, acknowledgementComment, acknowledgedUntil, silence, closedAt, reminders,
                missing == null ? List.of() : missing.periods());
    }

    /** Takes priority, lead and data contact from the target that rates the series (again after a rule set change). */
    void bind(Target target) {
        if (target == null) {
            orphan = true;
            return;
        }
        orphan = false;
        priority = target.priority();
        targetRow = target.row();
        lead = target.lead();
        dataContact = target.dataContact();
    }

    private static String idFor(AlertKind kind, SeriesKey series, Period period, Instant openedAt) {
        String key = "alert|" + kind + "|" + series + "|" + period + "|" + openedAt.toEpochMilli();
        return targetwatch.engine.model.NameIds.of(key);
    }

    // --- what the rules ask

    /** Whether an acknowledgement holds at {@code now}. */
    public boolean acknowledgedAt(Now now) {
        return acknowledgedAt != null && (acknowledgedUntil == null || now.getInstant().isBefore(acknowledgedUntil));
    }

    /** Whether it has gone {@code workingDays} working days at its level without a (holding) acknowledgement. */
    public boolean escalationDue(int workingDays, Now now) {
        return !acknowledgedAt(now) && now.reached(escalationDueAt.after(now, clockStart(levelSince), workingDays));
    }

    /**
     * Whether a reminder at its level is due: nobody acknowledged it, the level's limit is not reached, and its
     * recipients last heard of it the level's interval ago, doubled for every reminder already sent at this level.
     */
    public boolean reminderDue(EscalationLevel atLevel, Now now) {
        Integer every = atLevel.remindEveryWorkingDays();
        Integer max = atLevel.maxReminders();
        if (every == null || acknowledgedAt(now) || (max != null && reminders >= max)) {
            return false;
        }
        return now.reached(reminderDueAt.after(now, clockStart(lastNotifiedAt), reminderInterval(every, reminders)));
    }

    /** The longest wait between two reminders: a working year. */
    static final int MAX_REMINDER_INTERVAL = 250;

    /** The working days before the reminder after {@code sent} at a level reminded every {@code every}. */
    static int reminderInterval(int every, int sent) {
        return (int) Math.min((long) every << Math.min(sent, 20), MAX_REMINDER_INTERVAL);
    }

    /** Clocks run again from when a lapsed acknowledgement ended. */
    private Instant clockStart(Instant from) {
        return acknowledgedUntil != null && acknowledgedUntil.isAfter(from) ? acknowledgedUntil : from;
    }

    // --- what the rules change (inside modify blocks); each says which of the properties the rules test it changes
    // (@Modifies), so that a modify wakes only the patterns on those. A pattern that asks a method (acknowledgedAt,
    // escalationDue, reminderDue) reads fields that are no properties, and Drools wakes it on every modify.

    @Modifies({"level", "reminders"})
    public void escalateTo(int newLevel, Now now) {
        level = newLevel;
        levelSince = now.getInstant();
        lastNotifiedAt = now.getInstant();
        reminders = 0;
    }

    /** A silence is over: its recipients hear of it now, and the escalation clock runs from now. */
    @Modifies({"silence", "reminders"})
    public void endSilence(Now now) {
        silence = null;
        levelSince = now.getInstant();
        lastNotifiedAt = now.getInstant();
        reminders = 0;
    }

    @Modifies({"reminders"})
    public void remind(Now now) {
        lastNotifiedAt = now.getInstant();
        reminders++;
    }

    /** Late data: the periods missing now (more fell due, or an older gap was filled); nobody is told again. */
    @Modifies({"missing", "period"})
    public void follow(MissingPeriods now) {
        missing = now;
        period = now.first();
    }

    /**
     * A worse rating: the new severity, its recipients hear of it now, any acknowledgement ends, and the escalation
     * clock starts again from now.
     */
    @Modifies({"severity", "reminders", "acknowledgedBy", "acknowledgementComment"})
    public void worsen(Rating to, Now now) {
        severity = to;
        levelSince = now.getInstant();
        lastNotifiedAt = now.getInstant();
        reminders = 0;
        acknowledgedBy = null;
        acknowledgedAt = null;
        acknowledgementComment = null;
        acknowledgedUntil = null;
    }

    @Modifies({"acknowledgedBy", "acknowledgementComment", "reminders"})
    public void acknowledge(Acknowledgement ack, EscalationLevel atLevel, Now now) {
        acknowledgedBy = ack.getBy();
        acknowledgedAt = now.getInstant();
        acknowledgementComment = ack.getComment();
        Integer lasts = atLevel == null ? null : atLevel.acknowledgementLastsWorkingDays();
        acknowledgedUntil = lasts == null ? null : now.afterWorkingDays(now.getInstant(), lasts);
        reminders = 0;
    }

    void told(String contact) {
        told.add(contact);
    }

    /** Someone was sent an event of it as news. */
    void announced() {
        announced = true;
    }

    boolean isAnnounced() {
        return announced;
    }

    // --- bean accessors for the rules

    public String getId() {
        return id;
    }

    public AlertKind getKind() {
        return kind;
    }

    public SeriesKey getSeries() {
        return series;
    }

    public String getPartnership() {
        return series.partnership();
    }

    public String getIndicator() {
        return series.indicator();
    }

    public String getArea() {
        return series.area();
    }

    public Period getPeriod() {
        return period;
    }

    /** For late data, the periods missing now; null for a rating alert. */
    public MissingPeriods getMissing() {
        return missing;
    }

    public int getReminders() {
        return reminders;
    }

    public Instant getOpenedAt() {
        return openedAt;
    }

    public String getPriority() {
        return priority;
    }

    public int getTargetRow() {
        return targetRow;
    }

    public String getLead() {
        return lead;
    }

    public String getDataContact() {
        return dataContact;
    }

    public boolean isOrphan() {
        return orphan;
    }

    public Rating getSeverity() {
        return severity;
    }

    public void setSeverity(Rating severity) {
        this.severity = severity;
    }

    public int getLevel() {
        return level;
    }

    public Set<String> getTold() {
        return java.util.Collections.unmodifiableSet(told);
    }

    public String getAcknowledgedBy() {
        return acknowledgedBy;
    }

    public String getAcknowledgementComment() {
        return acknowledgementComment;
    }

    public String getSilence() {
        return silence;
    }

    public void setSilence(String silence) {
        this.silence = silence;
    }

    @Override
    public String toString() {
        return "Alert[" + kind.code() + " " + series + " " + period + " " + severity + " level " + level + "]";
    }
}
