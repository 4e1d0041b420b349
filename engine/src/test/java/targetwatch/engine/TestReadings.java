package targetwatch.engine;

import java.math.BigDecimal;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/** Readings as a partner would send them, for tests. */
public final class TestReadings {

    /** The source every test reading comes from unless a test says otherwise. */
    public static final String SOURCE = "test-feed";

    private TestReadings() {
    }

    /** A Maidstone reading. */
    public static Reading maidstone(String indicator, String area, String period, BigDecimal value) {
        return reading("maidstone", indicator, area, period, value);
    }

    /** A Maidstone reading. */
    public static Reading maidstone(String indicator, String area, String period, String value) {
        return maidstone(indicator, area, period, new BigDecimal(value));
    }

    /** Any partnership's reading. */
    public static Reading reading(String partnership, String indicator, String area, String period, BigDecimal value) {
        return new Reading(partnership, indicator, area, Period.parse(period), value, SOURCE, null, null);
    }

    /** Any partnership's reading. */
    public static Reading reading(String partnership, String indicator, String area, String period, String value) {
        return reading(partnership, indicator, area, period, new BigDecimal(value));
    }
}
