package targetwatch.engine.generated;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;

/**
 * A synthetic but realistic partner feed for a rule set: every target's indicator, in its own period
 * notation, for the comparator area, the borough and many wards, in the order partners send them (period
 * by period), with a share of late corrections to earlier readings.
 *
 * @param readings the readings in arrival order
 * @param wards how many ward areas ({@code ward-001} and on) the feed covers, beside kent and maidstone
 * @param firstYear the first calendar year of readings
 * @param lastYear the last calendar year of readings
 */
public record ReadingFeed(List<Reading> readings, int wards, int firstYear, int lastYear) {

    static final String PARTNERSHIP = "maidstone";
    /** Of every hundred readings, how many a partner corrects a period later. */
    private static final int CORRECTIONS_PER_HUNDRED = 2;
    private static final long SEED = 20131;

    /** One period of one target: the unit in which partners send a batch for every area. */
    private record Slot(Target target, Period period) {
    }

    /** A reading sent, and the target it was generated for. */
    private record Sent(Reading reading, Target target) {
    }

    /**
     * Builds a feed of exactly {@code size} readings for the targets, over the calendar years given,
     * with as many wards as it takes.
     */
    public static ReadingFeed generate(List<Target> targets, int size, int firstYear, int lastYear) {
        return generate(targets, size, firstYear, lastYear, (t, area, random) -> value(t, random));
    }

    /**
     * As {@link #generate}, but each series drifts as real ones do: it starts within 15% of its centre and moves by at
     * most 2% a period, pulled back a little towards the centre, so its rating changes now and then rather than at
     * almost every period (the same areas, periods, order and corrections).
     */
    public static ReadingFeed generateDrifting(List<Target> targets, int size, int firstYear, int lastYear) {
        java.util.Map<String, Double> level = new java.util.HashMap<>();
        return generate(targets, size, firstYear, lastYear, (t, area, random) -> {
            double at = level.compute(t.indicator() + "/" + area, (k, was) -> was == null
                    ? 0.85 + random.nextDouble() * 0.30
                    : was + (random.nextDouble() - 0.5) * 0.04 + (1.0 - was) * 0.02);
            return inUnit(t.unit(), centre(t).multiply(BigDecimal.valueOf(at)));
        });
    }

    /** The value of a series' next reading. */
    private interface Values {
        BigDecimal next(Target target, String area, SplittableRandom random);
    }

    private static ReadingFeed generate(List<Target> targets, int size, int firstYear, int lastYear, Values values) {
        List<Slot> slots = slots(targets, firstYear, lastYear);
        int wards = Math.max(1, (int) Math.ceil(size * 100.0 / (100 + CORRECTIONS_PER_HUNDRED) / slots.size()) - 2);
        List<String> areas = new ArrayList<>(List.of("kent", PARTNERSHIP));
        for (int w = 1; w <= wards; w++) {
            areas.add(String.format("ward-%03d", w));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        List<Reading> out = new ArrayList<>(size);
        List<Sent> corrections = new ArrayList<>();
        LocalDate batchEnd = null;
        for (Slot slot : slots) {
            if (!slot.period().end().equals(batchEnd)) {
                for (Sent late : corrections) {
                    add(out, size, corrected(late, random));
                }
                corrections.clear();
                batchEnd = slot.period().end();
            }
            for (String area : areas) {
                Reading r = new Reading(PARTNERSHIP, slot.target().indicator(), area, slot.period(),
                        values.next(slot.target(), area, random), source(slot.target()), null, null);
                add(out, size, r);
                if (random.nextInt(100) < CORRECTIONS_PER_HUNDRED) {
                    corrections.add(new Sent(r, slot.target()));
                }
            }
        }
        return new ReadingFeed(List.copyOf(out), wards, firstYear, lastYear);
    }

    private static void add(List<Reading> out, int size, Reading r) {
        if (out.size() < size) {
            out.add(r);
        }
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

    /** A value within 15% either side of the target's baseline: enough to move between green, amber and red. */
    private static BigDecimal value(Target t, SplittableRandom random) {
        return inUnit(t.unit(), centre(t).multiply(BigDecimal.valueOf(0.85 + random.nextDouble() * 0.30)));
    }

    private static BigDecimal centre(Target t) {
        return t.kind() == Kind.DELIVER_ANNUALLY ? t.target() : t.baseline();
    }

    /** A late correction: the same reading a few percent off what was first sent. */
    private static Reading corrected(Sent sent, SplittableRandom random) {
        Reading r = sent.reading();
        BigDecimal value = inUnit(sent.target().unit(), r.value().multiply(BigDecimal.valueOf(0.95 + random.nextDouble() * 0.10)));
        return new Reading(r.partnership(), r.indicator(), r.area(), r.period(), value, r.source(), null, null);
    }

    private static BigDecimal inUnit(Unit unit, BigDecimal raw) {
        return switch (unit) {
            case COUNT -> raw.setScale(0, RoundingMode.HALF_UP);
            case PERCENT -> raw.min(BigDecimal.valueOf(100)).setScale(2, RoundingMode.HALF_UP);
            case PER_1000 -> raw.min(BigDecimal.valueOf(1000)).setScale(2, RoundingMode.HALF_UP);
        };
    }

    private static String source(Target t) {
        return "feed-" + t.priority();
    }

    /** Writes the feed as a reading CSV in the contract's column names. */
    public void writeCsv(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("partnership,indicator,area,period,value,source");
            w.newLine();
            for (Reading r : readings) {
                w.write(String.join(",", r.partnership(), r.indicator(), r.area(), r.period().toString(),
                        r.value().toPlainString(), r.source()));
                w.newLine();
            }
        }
    }
}
