package targetwatch.engine.rules;

import java.util.Comparator;
import java.util.List;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;

/**
 * How a series has been rated lately: its latest rated period and how many rated periods in a row, ending
 * there, were RED, AMBER or RED, and GREEN. GREY periods say nothing and are skipped. The alert rules decide
 * hysteresis and red-period escalation on it; a rule keeps one per series, logically inserted.
 */
public record Streak(SeriesKey series, Assessment latest, int redRun, int alertRun, int greenRun) {

    /** The streak ending at {@code latest} among the assessments of its series. */
    public static Streak of(Assessment latest, List<?> assessments) {
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

    public Rating rating() {
        return latest.rating();
    }

    /** Whether the latest rated period asks for an alert (AMBER or RED). */
    public boolean alerting() {
        return latest.rating() == Rating.AMBER || latest.rating() == Rating.RED;
    }
}
