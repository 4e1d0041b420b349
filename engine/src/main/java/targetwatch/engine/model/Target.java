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
 */
public record Target(int row, String indicator, String name, String priority, Unit unit, Kind kind, Polarity polarity,
                     Frequency frequency, BigDecimal baseline, LocalDate baselineDate, BigDecimal target,
                     LocalDate targetDate, BigDecimal tolerancePct, String comparatorArea, String lead,
                     String partnership) {

    public static final BigDecimal DEFAULT_TOLERANCE_PCT = BigDecimal.valueOf(5);

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
