package targetwatch.engine.generated;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import targetwatch.engine.model.Kind;
import targetwatch.engine.ruleset.RuleSetLoader;

/**
 * Writes a synthetic rule set of any size: generated targets.csv and contacts.csv rows beside the real
 * rule set's templates and DRL, so the build exercises exactly the templates that run in production.
 */
public final class GeneratedRuleSet {

    /** Leads the generated targets are spread over. */
    static final int LEADS = 20;
    private static final String[] MONTHLY_QUARTERLY_YEARLY = {"month", "quarter", "year"};
    private static final String[] UNITS = {"per-1000", "percent", "count"};
    private static final String[] MAINTAIN_POLARITIES = {"none", "higher", "lower"};

    private GeneratedRuleSet() {
    }

    /**
     * Writes a rule set of {@code targets} rows, spread evenly over the five kinds in turn, into
     * {@code folder}, with the release's templates and DRL
     * ({@code real}, the real rule set folder, is kept for the callers that pass it).
     *
     * @return {@code folder}
     */
    public static Path write(Path real, Path folder, int targets) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve(RuleSetLoader.CONTACTS), contacts(), StandardCharsets.UTF_8);
        Files.write(folder.resolve(RuleSetLoader.TARGETS), targets(targets), StandardCharsets.UTF_8);
        return folder;
    }

    static List<String> contacts() {
        List<String> lines = new ArrayList<>();
        lines.add("id,name,role,organisation,email");
        for (int i = 1; i <= LEADS; i++) {
            lines.add(String.format("%s,Lead Officer %02d,Lead officer: generated priority %02d,Generated Partner,lead-%02d@example.org",
                    lead(i), i, i, i));
        }
        return lines;
    }

    static List<String> targets(int count) {
        List<String> lines = new ArrayList<>();
        lines.add("indicator,name,priority,unit,kind,polarity,frequency,baseline,baseline_date,target,target_date,"
                + "tolerance_pct,comparator_area,lead");
        Kind[] kinds = Kind.values();
        for (int i = 1; i <= count; i++) {
            Kind kind = kinds[(i - 1) % kinds.length];
            int variant = (i - 1) / kinds.length;
            lines.add(row(i, kind, variant));
        }
        return lines;
    }

    /** One target row: a kind's typical unit, polarity and frequency, with values that vary by row. */
    private static String row(int i, Kind kind, int variant) {
        String frequency = MONTHLY_QUARTERLY_YEARLY[variant % MONTHLY_QUARTERLY_YEARLY.length];
        String unit;
        String polarity;
        BigDecimal baseline;
        String target;
        String comparator = "";
        switch (kind) {
            case REDUCE_TO -> {
                unit = UNITS[variant % UNITS.length];
                polarity = "lower";
                boolean count = unit.equals("count");
                baseline = count ? BigDecimal.valueOf(100 + variant * 7L) : BigDecimal.valueOf(2000 + variant * 13L, 2);
                target = baseline.multiply(new BigDecimal("0.8")).setScale(count ? 0 : 2, RoundingMode.HALF_UP).toPlainString();
            }
            case INCREASE_TO -> {
                unit = "percent";
                polarity = "higher";
                baseline = BigDecimal.valueOf(6000 + (variant % 30) * 100L, 2);
                target = baseline.add(BigDecimal.valueOf(5)).toPlainString();
            }
            case BELOW_COMPARATOR -> {
                unit = "per-1000";
                polarity = "lower";
                baseline = BigDecimal.valueOf(1000 + variant * 11L, 2);
                target = "";
                comparator = "kent";
            }
            case MAINTAIN -> {
                unit = "percent";
                polarity = MAINTAIN_POLARITIES[variant % MAINTAIN_POLARITIES.length];
                baseline = BigDecimal.valueOf(4000 + (variant % 50) * 100L, 2);
                target = baseline.toPlainString();
            }
            case DELIVER_ANNUALLY -> {
                unit = "count";
                polarity = "higher";
                frequency = "financial-year";
                baseline = BigDecimal.valueOf(1000 + variant * 10L);
                target = baseline.toPlainString();
            }
            default -> throw new IllegalStateException("no generator for kind " + kind);
        }
        return String.join(",", indicator(i), "Generated indicator " + i, "gen-priority-" + (1 + variant % 5), unit,
                kind.code(), polarity, frequency, baseline.toPlainString(), "2011-09-30", target, "2018-03-31",
                String.valueOf(3 + i % 8), comparator, lead(1 + i % LEADS));
    }

    /** The generated indicator id of row {@code i} (1-based): {@code gen-0001}. */
    static String indicator(int i) {
        return String.format("gen-%04d", i);
    }

    private static String lead(int i) {
        return String.format("lead-%02d", i);
    }
}
