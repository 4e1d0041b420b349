package targetwatch.bench.jms;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;
import targetwatch.engine.rules.Ratings;

/**
 * JSON reading messages as partners send them to {@code targetwatch.readings}, one reading a message: every
 * target's indicator in its own period notation, for many areas, period by period. Unlike the engine
 * bench's feed (values scattered around the baseline, so more than half the readings raise an alert event),
 * most series here run steadily on one side of their target, as real ones do: most readings change no
 * rating and raise nothing. A few series sit RED from their first reading (one RAISED each), and a few are
 * volatile, flipping between GREEN and RED from period to period (an alert event on most of their readings).
 * The latency probes are readings that each raise exactly one alert event in an area of their own.
 */
final class JmsFeed {

    static final String PARTNERSHIP = "maidstone";
    /** The comparator area, which below-comparator targets need a reading from before the areas' own. */
    static final String COMPARATOR = "kent";
    /** Of every thousand series, how many sit RED and how many flip between GREEN and RED. */
    private static final int RED_PER_THOUSAND = 30;
    private static final int VOLATILE_PER_THOUSAND = 40;

    /** The probe: a RED reading of ksi-casualties (trajectory 41.3 for 2017) in a fresh area raises RAISED. */
    static final String PROBE_INDICATOR = "ksi-casualties";

    private enum Behaviour { GREEN, RED, VOLATILE }

    private record Slot(Target target, Period period) {
    }

    private record Series(String indicator, String area) {
    }

    private JmsFeed() {
    }

    /**
     * {@code size} reading messages for the targets over the calendar years given, for the areas
     * {@code prefix-0001} and on (as many as it takes), preceded in each period by the comparator area when
     * {@code withComparator}.
     */
    static List<String> realistic(List<Target> targets, int size, String prefix, boolean withComparator, int firstYear,
                                  int lastYear, long seed) {
        List<Target> applying = targets.stream().filter(t -> t.appliesTo(PARTNERSHIP)).toList();
        List<Slot> slots = slots(applying, firstYear, lastYear);
        int areaCount = (int) Math.ceil((double) size / slots.size()) + (withComparator ? 1 : 0);
        List<String> areas = new ArrayList<>();
        if (withComparator) {
            areas.add(COMPARATOR);
        }
        for (int i = 1; areas.size() < areaCount; i++) {
            areas.add(String.format("%s-%04d", prefix, i));
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<Series, Behaviour> behaviours = new HashMap<>();
        Map<Series, Double> margins = new HashMap<>();
        List<String> out = new ArrayList<>(size);
        for (Slot slot : slots) {
            for (String area : areas) {
                if (out.size() == size) {
                    return out;
                }
                Target t = slot.target();
                Series series = new Series(t.indicator(), area);
                Behaviour b = behaviours.computeIfAbsent(series, s -> {
                    int draw = random.nextInt(1000);
                    return draw < RED_PER_THOUSAND ? Behaviour.RED
                            : draw < RED_PER_THOUSAND + VOLATILE_PER_THOUSAND ? Behaviour.VOLATILE : Behaviour.GREEN;
                });
                // how far on the good side a steady series runs: 4% to 10%, its own for every period
                double margin = margins.computeIfAbsent(series, s -> 0.04 + random.nextDouble() * 0.06);
                boolean red = b == Behaviour.RED || (b == Behaviour.VOLATILE && random.nextBoolean());
                BigDecimal value = area.equals(COMPARATOR)
                        ? comparatorValue(t, slot.period(), random)
                        : value(t, slot.period(), red, margin, random);
                out.add(json(t.indicator(), area, slot.period().toString(), value, "feed-" + t.priority()));
            }
        }
        return out;
    }

    /** A reading that raises one RAISED (RED) event: its area has no reading before it. */
    static String probe(String area) {
        return json(PROBE_INDICATOR, area, "2017", BigDecimal.valueOf(70), "kfrs");
    }

    static String json(String indicator, String area, String period, BigDecimal value, String source) {
        return "{\"partnership\":\"" + PARTNERSHIP + "\",\"indicator\":\"" + indicator + "\",\"area\":\"" + area
                + "\",\"period\":\"" + period + "\",\"value\":" + value.toPlainString() + ",\"source\":\"" + source + "\"}";
    }

    /** Every period of every target over the years, in the order their data falls due. */
    private static List<Slot> slots(List<Target> targets, int firstYear, int lastYear) {
        List<Slot> slots = new ArrayList<>();
        for (Target t : targets) {
            Period p = first(t.frequency(), firstYear);
            while (p.end().getYear() <= lastYear) {
                slots.add(new Slot(t, p));
                p = p.next();
            }
        }
        slots.sort(Comparator.comparing((Slot s) -> s.period().end()).thenComparing(s -> s.target().row()));
        return slots;
    }

    private static Period first(Frequency frequency, int year) {
        return switch (frequency) {
            case MONTH -> Period.month(year, 1);
            case QUARTER -> Period.quarter(year, 1);
            case YEAR -> Period.year(year);
            case FINANCIAL_YEAR -> Period.financialYear(year - 1);
        };
    }

    /** What the rule compares a reading with (for a comparator target, the comparator's level: the baseline). */
    private static BigDecimal reference(Target t, Period p) {
        return switch (t.kind()) {
            case REDUCE_TO, INCREASE_TO -> Ratings.expected(t.baseline(), t.baselineDate(), t.target(), t.targetDate(), p.end());
            case BELOW_COMPARATOR, MAINTAIN -> t.baseline();
            // one period's share of the annual target, so that the year to date keeps pace with the pro rata
            case DELIVER_ANNUALLY -> t.target().multiply(BigDecimal.valueOf(days(p)))
                    .divide(BigDecimal.valueOf(days(p.financialYear())), 6, RoundingMode.HALF_UP);
        };
    }

    private static long days(Period p) {
        return ChronoUnit.DAYS.between(p.start(), p.end()) + 1;
    }

    /** +1 when higher is better, -1 when lower is, 0 when any change is worse (maintain, polarity none). */
    private static int better(Target t) {
        return switch (t.kind()) {
            case REDUCE_TO, BELOW_COMPARATOR -> -1;
            case INCREASE_TO, DELIVER_ANNUALLY -> 1;
            case MAINTAIN -> t.polarity() == Polarity.HIGHER ? 1 : t.polarity() == Polarity.LOWER ? -1 : 0;
        };
    }

    /**
     * GREEN: {@code margin} on the good side of the reference (within 1% of it for maintain with no polarity),
     * with half a percent of noise; RED: 15% to 25% on the bad side, beyond every kind's AMBER band.
     */
    private static BigDecimal value(Target t, Period p, boolean red, double margin, SplittableRandom random) {
        int better = better(t);
        double factor;
        if (red) {
            double off = 0.15 + random.nextDouble() * 0.10;
            factor = better == 0 ? 1 + off : 1 - better * off;
        } else {
            double noise = (random.nextDouble() - 0.5) * 0.01;
            factor = better == 0 ? 1 + 2 * noise : 1 + better * margin + noise;
        }
        return inUnit(t.unit(), reference(t, p).multiply(BigDecimal.valueOf(factor)));
    }

    /** The comparator area's own reading: the baseline, give or take half a percent. */
    private static BigDecimal comparatorValue(Target t, Period p, SplittableRandom random) {
        if (t.kind() != Kind.BELOW_COMPARATOR) {
            return value(t, p, false, 0.05, random);
        }
        return inUnit(t.unit(), t.baseline().multiply(BigDecimal.valueOf(1 + (random.nextDouble() - 0.5) * 0.01)));
    }

    private static BigDecimal inUnit(Unit unit, BigDecimal raw) {
        return switch (unit) {
            case COUNT -> raw.max(BigDecimal.ZERO).setScale(0, RoundingMode.HALF_UP);
            case PERCENT -> raw.max(BigDecimal.ZERO).min(BigDecimal.valueOf(100)).setScale(2, RoundingMode.HALF_UP);
            case PER_1000 -> raw.max(BigDecimal.ZERO).min(BigDecimal.valueOf(1000)).setScale(2, RoundingMode.HALF_UP);
        };
    }
}
