package targetwatch.bench.crash;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/**
 * The crash test's readings: a fixed-seed feed for many wards, period by period in the order partners send
 * them, with a share of later corrections (revisions with a new value). Every reading in it is distinct, so
 * all of them must be stored. The indicators avoid below-comparator ones (a rating there depends on the order
 * in which the comparator's reading arrives) and the DEFRA fly-tipping series.
 */
final class CrashFeed {

    static final String PARTNERSHIP = "maidstone";
    static final int FIRST_YEAR = 2012;
    static final int LAST_YEAR = 2017;
    /** Of every hundred readings, how many a partner corrects once the next batch of periods has started. */
    private static final int CORRECTIONS_PER_HUNDRED = 2;

    /** An indicator the feed sends: its period notation, the range its values wander in, and who sends it. */
    private record Indicator(String id, Frequency frequency, double low, double high, int decimals, String source) {
    }

    private static final List<Indicator> INDICATORS = List.of(
            new Indicator("asb-incidents-per-1000", Frequency.MONTH, 15, 30, 2, "kent-police"),
            new Indicator("asb-satisfaction", Frequency.QUARTER, 75, 90, 1, "kent-police"),
            new Indicator("da-repeat-victims", Frequency.QUARTER, 20, 27, 1, "mdvf"),
            new Indicator("da-marac-police-referrals", Frequency.QUARTER, 35, 45, 1, "marac"),
            new Indicator("yjs-first-time-entrants", Frequency.QUARTER, 10, 15, 1, "kent-yjs"),
            new Indicator("reoffending-rate", Frequency.QUARTER, 20, 28, 1, "probation"),
            new Indicator("perception-speeding", Frequency.YEAR, 22, 30, 1, "kcc-survey"),
            new Indicator("perception-drunk-rowdy", Frequency.YEAR, 6, 9, 1, "kcc-survey"),
            new Indicator("perception-drugs", Frequency.YEAR, 3.5, 5, 1, "kcc-survey"),
            new Indicator("perception-feel-safe", Frequency.YEAR, 88, 99, 1, "kcc-survey"),
            new Indicator("ksi-casualties", Frequency.YEAR, 30, 80, 0, "kfrs"),
            new Indicator("needles-collected", Frequency.YEAR, 1000, 2600, 0, "kenward-trust"),
            new Indicator("rush-year11-delivery", Frequency.FINANCIAL_YEAR, 2500, 3200, 0, "kfrs"));

    private record Slot(Indicator indicator, Period period) {
    }

    private CrashFeed() {
    }

    /** Exactly {@code size} distinct readings, the same ones for the same seed. */
    static List<Reading> generate(int size, long seed) {
        List<Slot> slots = slots();
        int areas = (int) Math.ceil(size * 100.0 / (100 + CORRECTIONS_PER_HUNDRED) / slots.size()) + 1;
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Double> level = new HashMap<>();
        List<Reading> out = new ArrayList<>(size);
        List<Reading> corrections = new ArrayList<>();
        java.time.LocalDate batchEnd = null;
        for (Slot slot : slots) {
            if (!slot.period().end().equals(batchEnd)) {
                for (Reading late : corrections) {
                    if (out.size() < size) {
                        out.add(corrected(late, indicator(late), random));
                    }
                }
                corrections.clear();
                batchEnd = slot.period().end();
            }
            Indicator ind = slot.indicator();
            for (int a = 1; a <= areas && out.size() < size; a++) {
                String area = String.format("ward-%04d", a);
                // a random walk per series, so that ratings hold for a while and then change
                String key = ind.id() + "|" + area;
                double span = ind.high() - ind.low();
                double previous = level.computeIfAbsent(key, k -> ind.low() + random.nextDouble() * span);
                double next = previous + (random.nextDouble() * 2 - 1) * span * 0.3;
                if (next < ind.low()) {
                    next = 2 * ind.low() - next;
                }
                if (next > ind.high()) {
                    next = 2 * ind.high() - next;
                }
                next = Math.max(ind.low(), Math.min(ind.high(), next));
                level.put(key, next);
                Reading r = new Reading(PARTNERSHIP, ind.id(), area, slot.period(),
                        BigDecimal.valueOf(next).setScale(ind.decimals(), RoundingMode.HALF_UP), ind.source(), null, null);
                out.add(r);
                if (random.nextInt(100) < CORRECTIONS_PER_HUNDRED) {
                    corrections.add(r);
                }
            }
        }
        if (out.size() != size) {
            throw new IllegalStateException("the feed came to " + out.size() + " readings, not " + size);
        }
        return List.copyOf(out);
    }

    private static Indicator indicator(Reading r) {
        return INDICATORS.stream().filter(i -> i.id().equals(r.indicator())).findFirst().orElseThrow();
    }

    /** The same reading with another value: a revision. */
    private static Reading corrected(Reading r, Indicator ind, SplittableRandom random) {
        BigDecimal step = BigDecimal.ONE.movePointLeft(ind.decimals());
        BigDecimal delta = step.multiply(BigDecimal.valueOf(1 + random.nextInt(5)));
        BigDecimal value = random.nextBoolean() || r.value().compareTo(delta) <= 0 ? r.value().add(delta) : r.value().subtract(delta);
        return new Reading(r.partnership(), r.indicator(), r.area(), r.period(), value, r.source(), null, null);
    }

    /** Every (indicator, period) from {@link #FIRST_YEAR} to {@link #LAST_YEAR}, in the order their periods end. */
    private static List<Slot> slots() {
        List<Slot> slots = new ArrayList<>();
        for (Indicator ind : INDICATORS) {
            for (int y = FIRST_YEAR; y <= LAST_YEAR; y++) {
                switch (ind.frequency()) {
                    case MONTH -> {
                        for (int m = 1; m <= 12; m++) {
                            slots.add(new Slot(ind, Period.month(y, m)));
                        }
                    }
                    case QUARTER -> {
                        for (int q = 1; q <= 4; q++) {
                            slots.add(new Slot(ind, Period.quarter(y, q)));
                        }
                    }
                    case YEAR -> slots.add(new Slot(ind, Period.year(y)));
                    case FINANCIAL_YEAR -> slots.add(new Slot(ind, Period.financialYear(y)));
                }
            }
        }
        slots.sort(Comparator.comparing((Slot s) -> s.period().end()).thenComparing(s -> INDICATORS.indexOf(s.indicator())));
        return slots;
    }

    /** One reading as a partner sends it to the queue. */
    static String json(Reading r) {
        return "{\"partnership\":\"" + r.partnership() + "\",\"indicator\":\"" + r.indicator() + "\",\"area\":\"" + r.area()
                + "\",\"period\":\"" + r.period() + "\",\"value\":" + r.value().toPlainString() + ",\"source\":\"" + r.source()
                + "\"}";
    }
}
