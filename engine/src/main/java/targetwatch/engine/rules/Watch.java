package targetwatch.engine.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Target;

/**
 * A series whose readings are expected: from its first reading, every following period (in the notation its
 * readings use) is due {@code dueDays} after it ends, until the target's date. The engine keeps one per series and
 * tells it of every period read (then updates the fact), so that it can say which periods are overdue and missing.
 */
public final class Watch {

    private final SeriesKey series;
    private final Period first;
    private final Target target;
    /** The periods of the series with a reading: its own set, or (the engine's) a live view of the series' periods read. */
    private final Set<Period> received;
    /** Whether {@link #received} is a view of what the engine holds, which the watch never changes. */
    private final boolean live;
    /** The last answer of {@link #missing(Now)}, and what it was worked out from. */
    private List<MissingPeriods> lastMissing = List.of();
    private int lastDue = -1;
    private int lastReceived = -1;
    /** The calendar {@link #periods}' due times were worked out with; they are worked out again for another. */
    private WorkingDays scheduledWith;
    /**
     * The periods after the first, up to the target's date, and when each falls due, in order: worked out as the clock
     * reaches them (up to the first not due yet), since most of a series' periods are not due for years.
     */
    private final List<Period> periods = new ArrayList<>();
    private final List<Instant> dueAt = new ArrayList<>();
    /** The next period to work out, or null once the target's date is reached. */
    private Period unscheduled;

    public Watch(SeriesKey series, Period first, Target target) {
        this(series, first, target, Set.of(first), false);
    }

    private Watch(SeriesKey series, Period first, Target target, Set<Period> received, boolean live) {
        this.series = series;
        this.first = first;
        this.target = target;
        this.live = live;
        if (live) {
            this.received = received;
        } else {
            this.received = new HashSet<>(received);
            this.received.add(first);
        }
    }

    /**
     * A series watched from its first period read, whose periods read are {@code periodsRead}: a live view, kept by
     * whoever holds the readings (which includes {@code first}), that the watch reads and never changes.
     */
    static Watch of(SeriesKey series, Period first, Target target, Set<Period> periodsRead) {
        return new Watch(series, first, target, periodsRead, true);
    }

    /** The same series watched from an earlier first period, keeping what was read. */
    public Watch from(Period earlier) {
        return new Watch(series, earlier, target, received, live);
    }

    /** Notes a period read; false when it was read before (then the fact need not be updated). */
    public boolean received(Period p) {
        if (live) {
            throw new IllegalStateException("this watch reads the periods read from its series");
        }
        return received.add(p);
    }

    /**
     * Whether {@code p} is one of the periods overdue at {@code now}. A period read for the first time changes what is
     * missing (all that the late-data rules ask of a watch) exactly when it is: the gap it was is filled. One not due
     * yet, the usual reading, changes nothing until the clock moves, when the rules ask again of the periods read by then.
     */
    public boolean overdueAt(Period p, Now now) {
        int due = overdueCount(now);
        return due > 0 && p.frequency() == first.frequency()
                && java.util.Collections.binarySearch(periods.subList(0, due), p) >= 0;
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
        return target.dueDay(p);
    }

    /**
     * The periods after the first whose reading has been due (08:00 on the due day, or the next working day) by now.
     * The rules ask at every move of the clock, so the due times are worked out once and kept.
     */
    public List<Period> overdue(Now now) {
        return List.copyOf(periods.subList(0, overdueCount(now)));
    }

    /** How many of the periods after the first are overdue at {@code now}: the first that many of {@link #periods}. */
    private int overdueCount(Now now) {
        if (now.getCalendar() != scheduledWith) {
            periods.clear();
            dueAt.clear();
            Period next = first.next();
            unscheduled = next.end().isAfter(target.targetDate()) ? null : next;
            scheduledWith = now.getCalendar();
        }
        while (unscheduled != null && (dueAt.isEmpty() || now.reached(dueAt.get(dueAt.size() - 1)))) {
            periods.add(unscheduled);
            dueAt.add(now.morningOf(dueDay(unscheduled)));
            Period next = unscheduled.next();
            unscheduled = next.end().isAfter(target.targetDate()) ? null : next;
        }
        int due = java.util.Collections.binarySearch(dueAt, now.getInstant());
        due = due >= 0 ? due + 1 : -due - 1;
        while (due < dueAt.size() && now.reached(dueAt.get(due))) {
            due++;
        }
        return due;
    }

    /**
     * The overdue periods without a reading, as one element, or none when the series is up to date: a rule matches
     * it {@code from} this list. Worked out again only when the clock passes a due time or a period is read.
     */
    public List<MissingPeriods> missing(Now now) {
        List<Period> overdue = periods.subList(0, overdueCount(now));
        if (overdue.size() == lastDue && received.size() == lastReceived) {
            return lastMissing;
        }
        List<Period> gaps = overdue.stream().filter(p -> !received.contains(p)).toList();
        if (gaps.isEmpty()) {
            lastMissing = List.of();
        } else {
            Period since = first;
            for (Period p : overdue) {
                if (p.equals(gaps.get(0))) {
                    break;
                }
                since = p;
            }
            lastMissing = List.of(new MissingPeriods(gaps, since, dueDay(gaps.get(0))));
        }
        lastDue = overdue.size();
        lastReceived = received.size();
        return lastMissing;
    }

    /** Whether some period of the series is overdue without a reading. */
    public boolean lateAt(Now now) {
        return !missing(now).isEmpty();
    }

    /**
     * The due times worked out so far, copied (under the engine's lock): a watch of the same series from the same first
     * period, for an equal target under an equal calendar, takes them over ({@link #adopt}) rather than working them out
     * again, as a rule set change that leaves the series' target row as it was does for every series it carries over.
     */
    Schedule schedule() {
        return scheduledWith == null ? null
                : new Schedule(first, target, List.copyOf(periods), List.copyOf(dueAt), unscheduled);
    }

    /** What {@link #schedule()} copies. */
    record Schedule(Period first, Target target, List<Period> periods, List<Instant> dueAt, Period unscheduled) {
    }

    /**
     * Takes over the due times another watch worked out, when it watched from the same first period for an equal target;
     * {@code calendar} is the one this watch's clock counts in, equal to the one they were worked out with. They are the
     * same as this watch would work out: the clock only extends them.
     */
    void adopt(Schedule s, WorkingDays calendar) {
        if (s == null || scheduledWith != null || !s.first().equals(first) || !s.target().equals(target)) {
            return;
        }
        periods.addAll(s.periods());
        dueAt.addAll(s.dueAt());
        unscheduled = s.unscheduled();
        scheduledWith = calendar;
    }
}
