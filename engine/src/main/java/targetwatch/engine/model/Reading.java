package targetwatch.engine.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One indicator reading as a partner sends it: the stable contract of DESIGN.md.
 *
 * @param partnership the partnership slug ({@code maidstone} when not given)
 * @param indicator the indicator id, such as {@code ksi-casualties}
 * @param area the area slug, such as {@code maidstone} or {@code kent}
 * @param period the period the value is for
 * @param value the value, in the indicator's unit
 * @param source the sending partner's slug, such as {@code kfrs}
 * @param reportedAt when the partner reported it (optional)
 * @param note free text (optional), kept on one line without control or bidi characters ({@link PlainText#oneLine})
 */
public record Reading(String partnership, String indicator, String area, Period period, BigDecimal value,
                      String source, Instant reportedAt, String note) {

    public static final String DEFAULT_PARTNERSHIP = "maidstone";
    private static final int MAX_NOTE = 2000;

    public Reading {
        partnership = partnership == null || partnership.isBlank() ? DEFAULT_PARTNERSHIP : partnership;
        Slugs.require("partnership", partnership);
        Slugs.require("indicator", indicator);
        Slugs.require("area", area);
        Slugs.require("source", source);
        if (period == null) {
            throw new IllegalArgumentException("period is required");
        }
        try {
            // the rules compare every period with the one before it and the one a year before
            period.previous();
            period.yearBefore();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("period " + period + " is too early to compare with the periods before it ("
                    + e.getMessage() + ")", e);
        }
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
        if (note != null && note.length() > MAX_NOTE) {
            throw new IllegalArgumentException("note is longer than " + MAX_NOTE + " characters");
        }
        note = PlainText.oneLine(note);
        value = Numbers.tidy(value);
    }

    /** A reading with no report time and no note. */
    public static Reading of(String partnership, String indicator, String area, String period, String value, String source) {
        return new Reading(partnership, indicator, area, Period.parse(period), new BigDecimal(value), source, null, null);
    }

    /** The series this reading belongs to: what ratings and alerts are kept per. */
    public SeriesKey series() {
        return new SeriesKey(partnership, indicator, area);
    }
}
