package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Numbers;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;

/**
 * The reference copy of what the kind templates called before issue 13: each rule collected its series' earlier
 * observations and passed the target's numbers as text, parsed on every firing. Only the differential test uses it.
 */
public final class ReferenceRatings {

    /** Expected values are reported to this many decimal places. */
    private static final int EXPECTED_SCALE = 2;

    private ReferenceRatings() {
    }

    // The methods below are what the generated rules call.

    /** Streak.of as it was: the streak ending at {@code latest} among the assessments of its series. */
    public static Streak streak(Assessment latest, List<?> assessments) {
        List<Assessment> rated = assessments.stream().map(Assessment.class::cast)
                .filter(a -> a.rating() != Rating.GREY && !a.period().end().isAfter(latest.period().end()))
                .sorted(Comparator.comparing((Assessment a) -> a.period().end()).reversed()).toList();
        return new Streak(latest.series(), latest, run(rated, Rating.RED, Rating.RED), run(rated, Rating.AMBER, Rating.RED),
                run(rated, Rating.GREEN, Rating.GREEN));
    }

    private static int run(List<Assessment> newestFirst, Rating a, Rating b) {
        int n = 0;
        for (Assessment x : newestFirst) {
            if (x.rating() != a && x.rating() != b) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Observation.appliesTo as it was: whether a row ({@code only} a partnership, or all {@code except} some) applies. */
    public static boolean appliesTo(String partnership, String only, String except) {
        if (!PeriodToRate.ALL.equals(only)) {
            return only.equals(partnership);
        }
        return PeriodToRate.NONE.equals(except) || !java.util.List.of(except.split(",")).contains(partnership);
    }

    /** Rates a reduce-to target: lower is better than its trajectory. */
    public static Assessment reduceTo(int row, String polarity, Observation o, Collection<Observation> earlier,
                                      String baseline, String baselineDate, String target, String targetDate,
                                      String tolerancePct) {
        return trajectory(false, row, polarity, o, earlier, baseline, baselineDate, target, targetDate, tolerancePct);
    }

    /** Rates an increase-to target: higher is better than its trajectory. */
    public static Assessment increaseTo(int row, String polarity, Observation o, Collection<Observation> earlier,
                                        String baseline, String baselineDate, String target, String targetDate,
                                        String tolerancePct) {
        return trajectory(true, row, polarity, o, earlier, baseline, baselineDate, target, targetDate, tolerancePct);
    }

    private static Assessment trajectory(boolean higherIsBetter, int row, String polarity, Observation o,
                                         Collection<Observation> earlier, String baseline, String baselineDate,
                                         String target, String targetDate, String tolerancePct) {
        BigDecimal expected = Ratings.expected(new BigDecimal(baseline), LocalDate.parse(baselineDate), new BigDecimal(target),
                LocalDate.parse(targetDate), o.getPeriod().end());
        BigDecimal tol = new BigDecimal(tolerancePct).movePointLeft(2);
        Rating rating = higherIsBetter ? Ratings.higherIsBetter(o.getValue(), expected, tol) : Ratings.lowerIsBetter(o.getValue(), expected, tol);
        return assessment(row, Polarity.fromCode(polarity), o, o.getValue(), expected, rating, earlier);
    }

    /** Rates a below-comparator target: GREY while the comparator area has no reading for the period. */
    public static Assessment comparator(int row, String polarity, Observation o, Collection<Observation> comparators,
                                        Collection<Observation> earlier, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        if (comparators.isEmpty()) {
            return assessment(row, p, o, o.getValue(), null, Rating.GREY, earlier);
        }
        BigDecimal comparator = comparators.iterator().next().getValue();
        Rating rating = Ratings.belowComparator(o.getValue(), comparator, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, o.getValue(), comparator, rating, earlier);
    }

    /** Rates a maintain target against its baseline. */
    public static Assessment maintained(int row, String polarity, Observation o, Collection<Observation> earlier,
                                        String baseline, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        BigDecimal base = new BigDecimal(baseline);
        Rating rating = Ratings.maintain(o.getValue(), base, p, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, o.getValue(), base, rating, earlier);
    }

    /** Rates a deliver-annually target: the financial year to date against the target pro rata. */
    public static Assessment annualDelivery(int row, String polarity, Observation o, Collection<Observation> yearToDate,
                                            Collection<Observation> earlier, String annualTarget, String tolerancePct) {
        Polarity p = Polarity.fromCode(polarity);
        BigDecimal sum = BigDecimal.ZERO;
        for (Observation each : yearToDate) {
            sum = sum.add(each.getValue());
        }
        BigDecimal due = Ratings.proRata(new BigDecimal(annualTarget), o.getPeriod());
        Rating rating = Ratings.higherIsBetter(sum, due, new BigDecimal(tolerancePct).movePointLeft(2));
        return assessment(row, p, o, sum, due, rating, earlier);
    }

    private static Assessment assessment(int row, Polarity polarity, Observation o, BigDecimal actual, BigDecimal expected,
                                         Rating rating, Collection<Observation> earlier) {
        BigDecimal previous = null;
        BigDecimal yearBefore = null;
        for (Observation e : earlier) {
            if (e.getPeriod().equals(o.getPeriod().previous())) {
                previous = e.getValue();
            }
            if (e.getPeriod().equals(o.getPeriod().yearBefore())) {
                yearBefore = e.getValue();
            }
        }
        return new Assessment(o.getPartnership(), o.getIndicator(), o.getArea(), o.getPeriod(), Numbers.tidy(actual),
                expected == null ? null : Numbers.tidy(expected.setScale(EXPECTED_SCALE, RoundingMode.HALF_UP)),
                rating, Direction.between(previous, o.getValue(), polarity),
                Direction.between(yearBefore, o.getValue(), polarity), row);
    }
}
