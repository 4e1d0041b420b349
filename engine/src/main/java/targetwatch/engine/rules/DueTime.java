package targetwatch.engine.rules;

import java.time.Instant;

import targetwatch.engine.calendar.WorkingDays;

/**
 * A due time worked out in working days, remembered: asked again with the same start, the same number of working days
 * and the same calendar, it answers without counting the days again. An alert keeps one for escalating and one for
 * reminding, which the alert rules ask of every time the alert or the clock changes.
 */
final class DueTime {

    private Instant from;
    private int workingDays;
    private WorkingDays calendar;
    private Instant due;

    /** {@code now.afterWorkingDays(from, workingDays)}. */
    Instant after(Now now, Instant from, int workingDays) {
        if (now.getCalendar() != calendar || workingDays != this.workingDays || !from.equals(this.from)) {
            due = now.afterWorkingDays(from, workingDays);
            this.from = from;
            this.workingDays = workingDays;
            calendar = now.getCalendar();
        }
        return due;
    }
}
