package targetwatch.engine.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Target;
import targetwatch.engine.ruleset.RuleSet;

/** The latest rating of every target as a plain-text table: what a lead officer reads first. */
final class StatusTable {

    private static final String[] HEADER = {"priority", "indicator", "area", "period", "actual", "expected", "rating",
            "travel", "year on year", "lead"};

    private final RuleSet ruleSet;
    private final List<Assessment> latest;

    StatusTable(RuleSet ruleSet, List<Assessment> latest) {
        this.ruleSet = ruleSet;
        this.latest = latest;
    }

    void print(PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        boolean onePartnership = latest.stream().map(Assessment::partnership).distinct().count() <= 1;
        for (Target t : ruleSet.targets()) {
            List<Assessment> mine = latest.stream().filter(a -> a.indicator().equals(t.indicator())
                    && t.appliesTo(a.partnership())).toList();
            if (mine.isEmpty()) {
                rows.add(new String[] {t.priority(), t.indicator(), "-", "-", "-", "-", "GREY", "no reading", "", t.lead()});
            }
            for (Assessment a : mine) {
                String area = onePartnership ? a.area() : a.partnership() + "/" + a.area();
                rows.add(new String[] {t.priority(), t.indicator(), area, a.period().toString(), plain(a.actual()),
                        plain(a.expected()), a.rating().name(), a.direction().code(), a.yearOnYear().code(), t.lead()});
            }
        }
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        out.println(format(HEADER, width));
        String[] rule = new String[HEADER.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        out.println(format(rule, width));
        rows.forEach(r -> out.println(format(r, width)));
    }

    private static String plain(BigDecimal v) {
        return v == null ? "-" : v.toPlainString();
    }

    private static String format(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean number = i == 4 || i == 5;
            String c = cells[i];
            String pad = " ".repeat(width[i] - c.length());
            b.append(number ? pad + c : c + pad);
            if (i < cells.length - 1) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }
}
