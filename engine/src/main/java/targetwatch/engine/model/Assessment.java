package targetwatch.engine.model;

import java.math.BigDecimal;

/**
 * The rating of one reading against its target.
 *
 * @param actual the value rated (for deliver-annually, the year-to-date sum)
 * @param expected what it was compared with: the trajectory value; the comparator's reading; the baseline
 *                 for maintain; the pro-rata target for deliver-annually. Null when there was nothing.
 * @param direction against the previous period
 * @param yearOnYear against the same period a year before
 * @param targetRow the targets.csv row that rated it
 */
public record Assessment(String partnership, String indicator, String area, Period period, BigDecimal actual,
                         BigDecimal expected, Rating rating, Direction direction, Direction yearOnYear, int targetRow) {

    public Assessment {
        if (period == null || rating == null || direction == null || yearOnYear == null) {
            throw new IllegalArgumentException("period, rating and directions are required");
        }
    }

    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
