package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.kie.api.runtime.rule.FactHandle;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/**
 * What the engine holds of one series, outside working memory: its readings by period and source, the value in
 * force in each period, and the assessments the rules made. The rules reach it through the {@link PeriodToRate}
 * facts the engine inserts, by key, never by searching working memory.
 */
final class SeriesHistory {

    /** Periods by their span (a different notation of the same span kept apart). */
    static final Comparator<Period> BY_SPAN = (a, b) -> {
        int c = a.compareTo(b);
        return c != 0 ? c : a.frequency().compareTo(b.frequency());
    };

    final SeriesKey key;
    /** The series of the same partnership and indicator, by area (this one among them): where comparators are found. */
    final Map<String, SeriesHistory> areas;
    /** Each period's readings from each source, the latest last. */
    final Map<Period, LinkedHashMap<String, Reading>> readings = new HashMap<>();
    /** The value in force in each period: its latest reading's. */
    final NavigableMap<Period, BigDecimal> values = new TreeMap<>(BY_SPAN);
    final NavigableMap<Period, Assessment> assessments = new TreeMap<>(BY_SPAN);
    final Streak streak;
    FactHandle streakHandle;

    SeriesHistory(SeriesKey key, Map<String, SeriesHistory> areas, boolean quiet) {
        this.key = key;
        this.areas = areas;
        this.streak = new Streak(key, assessments, quiet);
    }

    /** The value in force in a period of this series, or null without a reading. */
    BigDecimal value(Period p) {
        return values.get(p);
    }

    /** The value in force in a period of another area of the same partnership and indicator, or null. */
    BigDecimal valueIn(String area, Period p) {
        SeriesHistory other = areas.get(area);
        return other == null ? null : other.values.get(p);
    }

    /** The sum of the values of the financial year holding {@code p}'s last day, in its notation, up to {@code p}. */
    BigDecimal financialYearToDate(Period p) {
        Period fy = p.financialYear();
        BigDecimal sum = BigDecimal.ZERO;
        for (Map.Entry<Period, BigDecimal> e : values.headMap(p, true).descendingMap().entrySet()) {
            Period q = e.getKey();
            if (q.end().isBefore(fy.start())) {
                break;
            }
            if (q.frequency() == p.frequency() && q.financialYear().equals(fy)) {
                sum = sum.add(e.getValue());
            }
        }
        return sum;
    }
}
