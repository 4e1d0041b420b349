package targetwatch.engine.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;

/**
 * The periods of one series overdue without a reading, oldest first, with the latest period read before the first
 * of them: what a series' one late-data alert is about. Equal when the same periods are missing, so the alert
 * changes only when they do.
 *
 * @param periods the periods missing, oldest first; never empty
 * @param since the latest period with a reading before the first missing one
 * @param firstDue the day the first missing period's reading was due
 */
public record MissingPeriods(List<Period> periods, Period since, LocalDate firstDue) {

    public MissingPeriods {
        periods = List.copyOf(periods);
        if (periods.isEmpty() || since == null || firstDue == null) {
            throw new IllegalArgumentException("missing periods need at least one period, the one before and a due day");
        }
    }

    public Period first() {
        return periods.get(0);
    }

    /**
     * What people read: {@code no reading for 2014-04: it was due by 2014-05-31} for one period, else {@code no
     * reading since 2014-03: 7 months missing (2014-04 to 2014-10)}, gaps listed as runs.
     */
    public String describe() {
        if (periods.size() == 1) {
            return "no reading for " + first() + ": it was due by " + firstDue;
        }
        return "no reading since " + since + ": " + periods.size() + " " + unit(first().frequency()) + " missing ("
                + runs() + ")";
    }

    private static String unit(Frequency f) {
        return switch (f) {
            case MONTH -> "months";
            case QUARTER -> "quarters";
            case YEAR -> "years";
            case FINANCIAL_YEAR -> "financial years";
        };
    }

    /** The missing periods as runs: {@code 2014-04 to 2014-10, 2015-01}. */
    String runs() {
        List<String> runs = new ArrayList<>();
        Period start = first();
        Period last = first();
        for (Period p : periods.subList(1, periods.size())) {
            if (!p.equals(last.next())) {
                runs.add(run(start, last));
                start = p;
            }
            last = p;
        }
        runs.add(run(start, last));
        return String.join(", ", runs);
    }

    private static String run(Period from, Period to) {
        return from.equals(to) ? from.toString() : from + " to " + to;
    }
}
