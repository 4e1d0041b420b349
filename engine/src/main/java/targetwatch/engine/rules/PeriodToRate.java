package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.util.List;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.SeriesKey;

/**
 * The fact the target rules match: one period of one series whose rating may have changed (its reading, or one it
 * is compared with, is new or revised), with what a rule compares it with found by key in the series' history the
 * engine holds: the previous period, the year before, the comparator area's reading, the financial year to date.
 * The engine inserts one per period to rate before it fires the rules and deletes it after; which rule rates it,
 * if any, and how, is the rules' decision.
 */
public final class PeriodToRate {

    /** Placeholders in generated rules: a row for every partnership, and no exceptions. */
    static final String ALL = "*";
    static final String NONE = "-";

    private final SeriesHistory history;
    private final Period period;
    private final BigDecimal value;

    PeriodToRate(SeriesHistory history, Period period) {
        this(history, period, history.value(period));
    }

    /** A period of the series whose value in force is {@code value}. */
    PeriodToRate(SeriesHistory history, Period period, BigDecimal value) {
        this.history = history;
        this.period = period;
        this.value = value;
    }

    public SeriesKey getSeries() {
        return history.key;
    }

    public String getPartnership() {
        return history.key.partnership();
    }

    public String getIndicator() {
        return history.key.indicator();
    }

    public String getArea() {
        return history.key.area();
    }

    public Period getPeriod() {
        return period;
    }

    /** The value in force in the period: its latest reading's. */
    public BigDecimal getValue() {
        return value;
    }

    /** The value of the period before, in the same notation; null without a reading. */
    public BigDecimal previousValue() {
        return history.valueBefore(period, 1);
    }

    /** The value of the same period a year before; null without a reading. */
    public BigDecimal yearBeforeValue() {
        return history.valueBefore(period, SeriesHistory.perYear(period.frequency()));
    }

    /** The reading of another area (a comparator) for the same period; null without one. */
    public BigDecimal valueIn(String area) {
        return history.valueIn(area, period);
    }

    /** The sum of the series' values over the financial year to the period's last day, in the period's notation. */
    public BigDecimal financialYearToDate() {
        return history.financialYearToDate(period);
    }

    /**
     * Whether a target row applies to this series: a row narrowed to {@code only} applies to that partnership alone; a
     * row for every partnership ({@code only} is {@code *}) applies to all but those in {@code except}
     * (comma-separated, {@code -} for none), which have rows of their own. (The template engine drops a line with a
     * blank value, hence the placeholders.)
     */
    public boolean appliesTo(String only, String except) {
        String partnership = getPartnership();
        if (!ALL.equals(only)) {
            return only.equals(partnership);
        }
        return NONE.equals(except) || !List.of(except.split(",")).contains(partnership);
    }

    @Override
    public String toString() {
        return history.key + "@" + period + "=" + value.toPlainString();
    }
}
