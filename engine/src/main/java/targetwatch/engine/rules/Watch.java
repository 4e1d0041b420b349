package targetwatch.engine.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;

/**
 * A series whose readings are expected: from its first reading, every following period (in the notation its
 * readings use) is due {@code dueDays} after it ends, until the target's date. The engine keeps one per series.
 */
public final class Watch {

    /** How far back a late period is still chased: older gaps are history, not news. */
    static final int MAX_PERIODS_CHASED = 24;

    private final SeriesKey series;
    private final Period first;
    private final Target target;
    /** The calendar {@link #periods}' due times were worked out with; they are worked out again for another. */
    private WorkingDays scheduledWith;
    /** Every period after the first up to the target's date, and when each falls due, in order. */
    private List<Period> periods;
    private Instant[] dueAt;

    public Watch(SeriesKey series, Period first, Target target) {
        this.series = series;
        this.first = first;
        this.target = target;
    }

    public SeriesKey getSeries() {
        return series;
    }

    public Period getFirst() {
        return first;
    }

    public Target getTarget() {
        return target;
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

    /** The day a period's reading is due: {@code due_days} after the period ends. */
    public LocalDate dueDay(Period p) {
        return p.end().plusDays(target.dueDays());
    }

    /**
     * The periods after the first whose reading has been due (08:00 on the due day, or the next working day) by now.
     * The rules ask at every move of the clock, so the due times are worked out once and kept.
     */
    public List<Period> overdue(Now now) {
        if (now.getCalendar() != scheduledWith) {
            schedule(now);
        }
        int due = 0;
        while (due < dueAt.length && now.reached(dueAt[due])) {
            due++;
        }
        return periods.subList(Math.max(0, due - MAX_PERIODS_CHASED), due);
    }

    private void schedule(Now now) {
        List<Period> all = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (Period p = first.next(); !p.end().isAfter(target.targetDate()); p = p.next()) {
            all.add(p);
            times.add(now.morningOf(dueDay(p)));
        }
        periods = List.copyOf(all);
        dueAt = times.toArray(Instant[]::new);
        scheduledWith = now.getCalendar();
    }
}
