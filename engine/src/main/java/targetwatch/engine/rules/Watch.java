package targetwatch.engine.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

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

    /** The day a period's reading is due: {@code due_days} after the period ends. */
    public LocalDate dueDay(Period p) {
        return p.end().plusDays(target.dueDays());
    }

    /** The periods after the first whose reading has been due (08:00 on the due day, or the next working day) by now. */
    public List<Period> overdue(Now now) {
        List<Period> due = new ArrayList<>();
        for (Period p = first.next(); !p.end().isAfter(target.targetDate()) && now.reached(now.morningOf(dueDay(p)));
             p = p.next()) {
            due.add(p);
        }
        return due.size() > MAX_PERIODS_CHASED ? due.subList(due.size() - MAX_PERIODS_CHASED, due.size()) : due;
    }
}
