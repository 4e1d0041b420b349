package targetwatch.engine.store;

import java.time.Instant;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.model.Slugs;

/**
 * What an indicator's lead officer (or the secretariat) says about one series for one reporting period, with who
 * wrote it and when: the board's report shows it beside the figures.
 *
 * @param text plain text, at most {@link #MAX_LENGTH} characters, never blank
 */
public record Commentary(String partnership, String indicator, String area, Period period, String text, String author,
                         Instant writtenAt) {

    /** The longest commentary kept. */
    public static final int MAX_LENGTH = 2000;

    public Commentary {
        Slugs.require("partnership", partnership);
        Slugs.require("indicator", indicator);
        Slugs.require("area", area);
        if (period == null || writtenAt == null) {
            throw new IllegalArgumentException("a commentary needs its period and when it was written");
        }
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a commentary has between 1 and " + MAX_LENGTH + " characters");
        }
        if (author == null || author.isBlank() || author.length() > 200) {
            throw new IllegalArgumentException("a commentary needs its author (at most 200 characters)");
        }
    }

    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
