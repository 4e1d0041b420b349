package targetwatch.engine.model;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reporting period in one of the four notations partners use: month {@code 2014-03}, calendar
 * quarter {@code 2014-Q1}, calendar year {@code 2014}, financial year {@code 2014/15} (April to March).
 *
 * @param frequency the notation
 * @param year the calendar year (for a financial year, the year it starts in)
 * @param index the month (1-12), the quarter (1-4), or 0 for a year
 */
public record Period(Frequency frequency, int year, int index) implements Comparable<Period> {

    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-Q(\\d)");
    private static final Pattern YEAR = Pattern.compile("(\\d{4})");
    private static final Pattern FINANCIAL_YEAR = Pattern.compile("(\\d{4})/(\\d{2})");
    private static final int MIN_YEAR = 1900;
    private static final int MAX_YEAR = 2999;

    public Period {
        if (frequency == null) {
            throw new IllegalArgumentException("a period needs a frequency");
        }
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new IllegalArgumentException("year " + year + " is out of range " + MIN_YEAR + "-" + MAX_YEAR);
        }
        switch (frequency) {
            case MONTH -> {
                if (index < 1 || index > 12) {
                    throw new IllegalArgumentException("month " + index + " is not between 01 and 12");
                }
            }
            case QUARTER -> {
                if (index < 1 || index > 4) {
                    throw new IllegalArgumentException("quarter Q" + index + " is not between Q1 and Q4");
                }
            }
            default -> {
                if (index != 0) {
                    throw new IllegalArgumentException("a year has no index, got " + index);
                }
            }
        }
    }

    public static Period month(int year, int month) {
        return new Period(Frequency.MONTH, year, month);
    }

    public static Period quarter(int year, int quarter) {
        return new Period(Frequency.QUARTER, year, quarter);
    }

    public static Period year(int year) {
        return new Period(Frequency.YEAR, year, 0);
    }

    public static Period financialYear(int startYear) {
        return new Period(Frequency.FINANCIAL_YEAR, startYear, 0);
    }

    /**
     * Parses a period notation.
     *
     * @throws IllegalArgumentException naming the notations accepted, when the text is none of them
     */
    /** The period of a notation that holds a day. */
    public static Period containing(LocalDate day, Frequency frequency) {
        return switch (frequency) {
            case MONTH -> month(day.getYear(), day.getMonthValue());
            case QUARTER -> quarter(day.getYear(), (day.getMonthValue() - 1) / 3 + 1);
            case YEAR -> year(day.getYear());
            case FINANCIAL_YEAR -> financialYear(day.getMonthValue() >= 4 ? day.getYear() : day.getYear() - 1);
        };
    }

    public static Period parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a period is required (2014-03, 2014-Q1, 2014 or 2014/15)");
        }
        String t = text.strip();
        Matcher m;
        try {
            if ((m = MONTH.matcher(t)).matches()) {
                return month(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
            if ((m = QUARTER.matcher(t)).matches()) {
                return quarter(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
            if ((m = YEAR.matcher(t)).matches()) {
                return year(Integer.parseInt(m.group(1)));
            }
            if ((m = FINANCIAL_YEAR.matcher(t)).matches()) {
                int start = Integer.parseInt(m.group(1));
                int end = Integer.parseInt(m.group(2));
                if (end != (start + 1) % 100) {
                    throw new IllegalArgumentException("financial year \"" + t + "\" must end the year after it starts, as in "
                            + start + "/" + String.format("%02d", (start + 1) % 100));
                }
                return financialYear(start);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + t + "\" is not a valid period: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("\"" + t + "\" is not a period notation (expected a month 2014-03, a quarter 2014-Q1,"
                + " a year 2014 or a financial year 2014/15)");
    }

    /** The first day of the period. */
    public LocalDate start() {
        return switch (frequency) {
            case MONTH -> LocalDate.of(year, index, 1);
            case QUARTER -> LocalDate.of(year, (index - 1) * 3 + 1, 1);
            case YEAR -> LocalDate.of(year, 1, 1);
            case FINANCIAL_YEAR -> LocalDate.of(year, 4, 1);
        };
    }

    /** The last day of the period: the day a reading for it is rated at. */
    public LocalDate end() {
        return switch (frequency) {
            case MONTH -> YearMonth.of(year, index).atEndOfMonth();
            case QUARTER -> YearMonth.of(year, index * 3).atEndOfMonth();
            case YEAR -> LocalDate.of(year, 12, 31);
            case FINANCIAL_YEAR -> LocalDate.of(year + 1, 3, 31);
        };
    }

    /** The period just before this one, in the same notation. */
    public Period previous() {
        return switch (frequency) {
            case MONTH -> index == 1 ? month(year - 1, 12) : month(year, index - 1);
            case QUARTER -> index == 1 ? quarter(year - 1, 4) : quarter(year, index - 1);
            case YEAR -> year(year - 1);
            case FINANCIAL_YEAR -> financialYear(year - 1);
        };
    }

    /** The period just after this one, in the same notation. */
    public Period next() {
        return switch (frequency) {
            case MONTH -> index == 12 ? month(year + 1, 1) : month(year, index + 1);
            case QUARTER -> index == 4 ? quarter(year + 1, 1) : quarter(year, index + 1);
            case YEAR -> year(year + 1);
            case FINANCIAL_YEAR -> financialYear(year + 1);
        };
    }

    /** The same period a year before. */
    public Period yearBefore() {
        return new Period(frequency, year - 1, index);
    }

    /** The financial year (1 April to 31 March) that holds this period's last day. */
    public Period financialYear() {
        LocalDate end = end();
        return financialYear(end.getMonthValue() >= 4 ? end.getYear() : end.getYear() - 1);
    }

    /** Whether this period lies wholly inside the given one (a month inside its quarter, say). */
    public boolean within(Period other) {
        return !start().isBefore(other.start()) && !end().isAfter(other.end());
    }

    /** By last day, then by first day. */
    @Override
    public int compareTo(Period o) {
        // every period ends on a month's last day and starts on a month's first: months order them as the days do
        int c = Integer.compare(endMonth(), o.endMonth());
        return c != 0 ? c : Integer.compare(startMonth(), o.startMonth());
    }

    /** The month holding the last day, counted from year 0 (January 2014 is 2014 * 12). */
    private int endMonth() {
        return switch (frequency) {
            case MONTH -> year * 12 + index - 1;
            case QUARTER -> year * 12 + index * 3 - 1;
            case YEAR -> year * 12 + 11;
            case FINANCIAL_YEAR -> (year + 1) * 12 + 2;
        };
    }

    /** The month holding the first day, counted as {@link #endMonth()} counts. */
    private int startMonth() {
        return switch (frequency) {
            case MONTH -> year * 12 + index - 1;
            case QUARTER -> year * 12 + (index - 1) * 3;
            case YEAR -> year * 12;
            case FINANCIAL_YEAR -> year * 12 + 3;
        };
    }

    /** The notation, as partners write it. */
    @Override
    public String toString() {
        // years are 1900-2999, four digits: no padding needed (this runs for every alert event's id)
        return switch (frequency) {
            case MONTH -> year + (index < 10 ? "-0" : "-") + index;
            case QUARTER -> year + "-Q" + index;
            case YEAR -> Integer.toString(year);
            case FINANCIAL_YEAR -> year + ((year + 1) % 100 < 10 ? "/0" : "/") + (year + 1) % 100;
        };
    }
}
