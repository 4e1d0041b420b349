package targetwatch.engine.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import targetwatch.engine.calendar.WorkingDays;

/**
 * The engine's clock as a fact: the alert rules compare escalation, reminder and due times with it. The engine
 * replaces it when its clock moves (the Drools pseudo clock moves with it), so that time-based rules are decided
 * by the readings' and the caller's time, never by the wall clock inside a rule.
 */
public final class Now {

    /** Working days, office hours and due days are those of England. */
    public static final ZoneId ZONE = ZoneId.of("Europe/London");

    private final Instant instant;
    private final WorkingDays calendar;
    /** The day in London, worked out once: the rules ask for it at every alert. */
    private LocalDate today;

    public Now(Instant instant, WorkingDays calendar) {
        this.instant = instant;
        this.calendar = calendar;
    }

    public Instant getInstant() {
        return instant;
    }

    public LocalDate getToday() {
        if (today == null) {
            today = instant.atZone(ZONE).toLocalDate();
        }
        return today;
    }

    public WorkingDays getCalendar() {
        return calendar;
    }

    /** Whether a due time has come (a null due time never comes). */
    public boolean reached(Instant due) {
        return due != null && !instant.isBefore(due);
    }

    /**
     * When something {@code workingDays} working days after {@code from} falls due: the same time of day that many
     * working days later, moved to 08:00 on the next working day when that is at night or not a working day.
     */
    public Instant afterWorkingDays(Instant from, int workingDays) {
        ZonedDateTime start = from.atZone(ZONE);
        ZonedDateTime due = calendar.plusWorkingDays(start.toLocalDate(), workingDays).atTime(start.toLocalTime()).atZone(ZONE);
        return calendar.sendableFrom(due).toInstant();
    }

    /** 08:00 on a day, or on the next working day when it is not one. */
    public Instant morningOf(LocalDate day) {
        return calendar.sendableFrom(day.atTime(WorkingDays.OPENS).atZone(ZONE)).toInstant();
    }

    /** How many working days before its end a silence's author is reminded. */
    public static final int SILENCE_NOTICE_WORKING_DAYS = 2;

    /** Whether a silence ends soon enough to remind its author: from 08:00 two working days before its last day. */
    public boolean silenceEnding(targetwatch.engine.model.Silence s) {
        return s.activeOn(getToday())
                && reached(morningOf(calendar.minusWorkingDays(s.until(), SILENCE_NOTICE_WORKING_DAYS)));
    }

    @Override
    public String toString() {
        return "Now[" + instant + "]";
    }
}
