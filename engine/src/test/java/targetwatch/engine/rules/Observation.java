package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;

/**
 * The reference engine's fact for the value in force for one series in one period (the latest reading among its
 * sources): one per (partnership, indicator, area, period) in working memory, what the old target rules matched.
 */
public final class Observation {

    private final String partnership;
    private final String indicator;
    private final String area;
    private final Period period;
    private final BigDecimal value;

    public Observation(String partnership, String indicator, String area, Period period, BigDecimal value) {
        this.partnership = partnership;
        this.indicator = indicator;
        this.area = area;
        this.period = period;
        this.value = value;
    }

    public targetwatch.engine.model.SeriesKey getSeries() {
        return new targetwatch.engine.model.SeriesKey(partnership, indicator, area);
    }

    public String getPartnership() {
        return partnership;
    }

    public String getIndicator() {
        return indicator;
    }

    public String getArea() {
        return area;
    }

    public Period getPeriod() {
        return period;
    }

    public BigDecimal getValue() {
        return value;
    }

    /** The notation of the period: observations are compared only within one notation. */
    public Frequency getFrequency() {
        return period.frequency();
    }

    /** The financial year holding the period's last day. */
    public Period getFinancialYear() {
        return period.financialYear();
    }

    /** The period's last day. */
    public LocalDate getEnd() {
        return period.end();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Observation other && partnership.equals(other.partnership) && indicator.equals(other.indicator)
                && area.equals(other.area) && period.equals(other.period) && value.compareTo(other.value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(partnership, indicator, area, period);
    }

    @Override
    public String toString() {
        return partnership + "/" + indicator + "/" + area + "@" + period + "=" + value.toPlainString();
    }
}
