package targetwatch.engine.feeds;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

import targetwatch.engine.model.Period;

/**
 * A count per area and month, kept across files so that a rolling 12-month figure can be made from
 * months that came in separate drops and in any order. A month an area has no figure for is not
 * covered (it is not zero); a month given again replaces the earlier figure.
 */
final class MonthlyFigures {

    static final int WINDOW = 12;

    private final Map<String, TreeMap<Period, Long>> byArea = new HashMap<>();

    /** Sets (or replaces) an area's figure for a month. */
    void put(String area, Period month, long value) {
        byArea.computeIfAbsent(area, a -> new TreeMap<>()).put(month, value);
    }

    /** Forgets an area's figure for a month: the month is no longer covered. */
    void remove(String area, Period month) {
        TreeMap<Period, Long> months = byArea.get(area);
        if (months != null) {
            months.remove(month);
        }
    }

    /** Every figure, area by area. */
    void forEach(Figure action) {
        byArea.forEach((area, months) -> months.forEach((month, value) -> action.accept(area, month, value)));
    }

    /** One area's figure for one month. */
    @FunctionalInterface
    interface Figure {
        void accept(String area, Period month, long value);
    }

    /** The figure, or null when the month is not covered. */
    Long get(String area, Period month) {
        TreeMap<Period, Long> months = byArea.get(area);
        return months == null ? null : months.get(month);
    }

    /**
     * The figure for a month summed over several areas (one area, or the members of a wider one),
     * or null unless every one of them covers the month.
     */
    Long get(List<String> areas, Period month) {
        long sum = 0;
        for (String a : areas) {
            Long v = get(a, month);
            if (v == null) {
                return null;
            }
            sum += v;
        }
        return sum;
    }

    /** The 12 months ending with {@code last}, summed over the areas. */
    Window window(List<String> areas, Period last) {
        long sum = 0;
        int covered = 0;
        Period first = null;
        Period month = last;
        for (int i = 0; i < WINDOW; i++) {
            Long v = get(areas, month);
            if (v != null) {
                sum += v;
                covered++;
                first = month;
            }
            month = month.previous();
        }
        return new Window(last, sum, covered, first);
    }

    /**
     * The months whose rolling figures change when the given months change: each of them and the 11
     * after it, where the areas cover them.
     */
    NavigableSet<Period> affected(List<String> areas, Iterable<Period> changed) {
        NavigableSet<Period> out = new TreeSet<>();
        for (Period m : changed) {
            Period p = m;
            for (int i = 0; i < WINDOW; i++) {
                if (get(areas, p) != null) {
                    out.add(p);
                }
                p = p.next();
            }
        }
        return out;
    }

    /**
     * The 12 months to {@code last} as far as the data covers them.
     *
     * @param last the window's last month
     * @param sum the figures of the covered months added up
     * @param months how many of the 12 months are covered
     * @param firstCovered the earliest covered month (null when none)
     */
    record Window(Period last, long sum, int months, Period firstCovered) {

        boolean partial() {
            return months < WINDOW;
        }

        /** The first day and the middle day of the full 12 months, for choosing a population estimate. */
        LocalDate middle() {
            LocalDate start = last.start().minusMonths(WINDOW - 1);
            return FeedAreas.middle(start, last.end());
        }

        /** The sum, scaled to 12 months when fewer are covered. */
        BigDecimal yearly() {
            BigDecimal s = BigDecimal.valueOf(sum);
            return partial() ? s.multiply(BigDecimal.valueOf(WINDOW)).divide(BigDecimal.valueOf(months), 10, RoundingMode.HALF_UP) : s;
        }

        /**
         * {@code in the 12 months to 2019-01}, or {@code in 4 of the 12 months to 2019-01 (2018-10 to 2019-01),
         * scaled to 12 months}.
         */
        String describe() {
            if (!partial()) {
                return "in the 12 months to " + last;
            }
            return "in " + months + " of the 12 months to " + last + " (" + (months == 1 ? firstCovered.toString()
                    : firstCovered + " to " + last) + "), scaled to 12 months";
        }

        /** {@code PARTIAL: } before a partial figure's note; nothing before a full one's. */
        String flag() {
            return partial() ? "PARTIAL: " : "";
        }
    }
}
