package targetwatch.engine.model;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One row of targets.csv after every cell was checked: what a partnership committed to for one indicator.
 *
 * @param row the row number in targets.csv (the header is row 1)
 * @param target the target value; null only for below-comparator
 * @param tolerancePct the amber tolerance in percent (5 means 5%)
 * @param comparatorArea the comparator area slug; null unless the kind compares
 * @param partnership the partnership this row is narrowed to, or null for every partnership
 * @param hysteresis how many periods in a row a changed rating must hold before an alert opens or resolves (from 1)
 * @param dueDays how many days after a period ends its reading is due; later, it is chased as late data
 * @param dataContact the contact id who sends the readings and is chased when one is late, or null for the lead
 */
public record Target(int row, String indicator, String name, String priority, Unit unit, Kind kind, Polarity polarity,
                     Frequency frequency, BigDecimal baseline, LocalDate baselineDate, BigDecimal target,
                     LocalDate targetDate, BigDecimal tolerancePct, String comparatorArea, String lead,
                     String partnership, int hysteresis, int dueDays, String dataContact) {

    public static final BigDecimal DEFAULT_TOLERANCE_PCT = BigDecimal.valueOf(5);
    public static final int DEFAULT_HYSTERESIS = 1;
    public static final int DEFAULT_DUE_DAYS = 30;
    public static final int MAX_HYSTERESIS = 12;
    public static final int MAX_DUE_DAYS = 366;

    /** A row without the optional alerting columns: hysteresis 1, due 30 days after the period, chased at the lead. */
    public Target(int row, String indicator, String name, String priority, Unit unit, Kind kind, Polarity polarity,
                  Frequency frequency, BigDecimal baseline, LocalDate baselineDate, BigDecimal target,
                  LocalDate targetDate, BigDecimal tolerancePct, String comparatorArea, String lead, String partnership) {
        this(row, indicator, name, priority, unit, kind, polarity, frequency, baseline, baselineDate, target, targetDate,
                tolerancePct, comparatorArea, lead, partnership, DEFAULT_HYSTERESIS, DEFAULT_DUE_DAYS, null);
    }

    public Target {
        Slugs.require("indicator", indicator);
        Slugs.require("priority", priority);
        Slugs.require("lead", lead);
        if (unit == null || kind == null || polarity == null || frequency == null) {
            throw new IllegalArgumentException("unit, kind, polarity and frequency are required");
        }
        if (baseline == null || baselineDate == null || targetDate == null) {
            throw new IllegalArgumentException("baseline, baseline_date and target_date are required");
        }
        if (!targetDate.isAfter(baselineDate)) {
            throw new IllegalArgumentException("target_date " + targetDate + " is not after baseline_date " + baselineDate);
        }
        if (target == null && kind != Kind.BELOW_COMPARATOR) {
            throw new IllegalArgumentException("a " + kind.code() + " target needs a target value");
        }
        if (kind == Kind.BELOW_COMPARATOR && comparatorArea == null) {
            throw new IllegalArgumentException("a below-comparator target needs a comparator_area");
        }
        if (comparatorArea != null) {
            Slugs.require("comparator_area", comparatorArea);
        }
        if (partnership != null) {
            Slugs.require("partnership", partnership);
        }
        tolerancePct = tolerancePct == null ? DEFAULT_TOLERANCE_PCT : tolerancePct;
        if (tolerancePct.signum() < 0 || tolerancePct.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException("tolerance_pct must be between 0 and 100");
        }
        name = name == null || name.isBlank() ? indicator : name;
        if (hysteresis < 1 || hysteresis > MAX_HYSTERESIS) {
            throw new IllegalArgumentException("hysteresis must be between 1 and " + MAX_HYSTERESIS);
        }
        if (dueDays < 0 || dueDays > MAX_DUE_DAYS) {
            throw new IllegalArgumentException("due_days must be between 0 and " + MAX_DUE_DAYS);
        }
        if (dataContact != null) {
            Slugs.require("data_contact", dataContact);
        }
    }

    /** Who is chased first when a reading is late: the data contact, or the lead when there is none. */
    public String chased() {
        return dataContact == null ? lead : dataContact;
    }

    /** The day a period's reading is due: {@code due_days} after the period ends (chased as late data from then). */
    public LocalDate dueDay(Period p) {
        return p.end().plusDays(dueDays);
    }

    /** The tolerance as a fraction (0.05 for 5%). */
    public BigDecimal tolerance() {
        return tolerancePct.movePointLeft(2);
    }

    /** Whether this row applies to the given partnership's readings. */
    public boolean appliesTo(String partnershipId) {
        return partnership == null || partnership.equals(partnershipId);
    }
}
