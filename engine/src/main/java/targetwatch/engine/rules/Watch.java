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
    /** The periods of the series with a reading. */
    private final Set<Period> received;
    /** The last answer of {@link #missing(Now)}, and what it was worked out from. */
    private List<MissingPeriods> lastMissing = List.of();
    private int lastDue = -1;
    private int lastReceived = -1;
    /** The calendar {@link #periods}' due times were worked out with; they are worked out again for another. */
    private WorkingDays scheduledWith;
    /** Every period after the first up to the target's date, and when each falls due, in order. */
    private List<Period> periods;
    private Instant[] dueAt;

    public Watch(SeriesKey series, Period first, Target target) {
        this(series, first, target, Set.of(first));
    }

    private Watch(SeriesKey series, Period first, Target target, Set<Period> received) {
        this.series = series;
        this.first = first;
        this.target = target;
        this.received = new HashSet<>(received);
        this.received.add(first);
    }

    /** The same series watched from an earlier first period, keeping what was read. */
    public Watch from(Period earlier) {
        return new Watch(series, earlier, target, received);
    }

    /** Notes a period read; false when it was read before (then the fact need not be updated). */
    public boolean received(Period p) {
        return received.add(p);
    }

    /**
     * Notes a period read, and says whether that changed the periods missing at {@code now}: only then need the fact be
     * updated, since the late-data rules ask nothing else of a watch. A period not yet overdue (the usual reading, on
     * time) changes nothing now; the rules ask again, of the periods read by then, whenever the clock moves.
     */
    public boolean received(Period p, Now now) {
        List<MissingPeriods> before = missing(now);
        return received.add(p) && !missing(now).equals(before);
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
        if (now.getCalendar() != scheduledWith) {
            schedule(now);
        }
        int due = java.util.Arrays.binarySearch(dueAt, now.getInstant());
        due = due >= 0 ? due + 1 : -due - 1;
        while (due < dueAt.length && now.reached(dueAt[due])) {
            due++;
        }
        return periods.subList(0, due);
    }

    /**
     * The overdue periods without a reading, as one element, or none when the series is up to date: a rule matches
     * it {@code from} this list. Worked out again only when the clock passes a due time or a period is read.
     */
    public List<MissingPeriods> missing(Now now) {
        List<Period> overdue = overdue(now);
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
