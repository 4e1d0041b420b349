package targetwatch.engine.rules;

import java.util.Iterator;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;

/**
 * How a series has been rated lately: its latest rated period and how many rated periods in a row, ending there,
 * were RED, AMBER or RED, and GREEN. GREY periods say nothing and are skipped. The alert rules open and resolve alerts
 * on it (when its runs have lasted their row's hysteresis, which it says itself, below) and escalate after red
 * periods. The engine keeps one per series in working memory and moves it once the target rules have rated the
 * periods put up, before any alert rule runs, from the series' assessments the engine holds: extending the runs when
 * the one period rated is the newest, counting them again only when an earlier one changed.
 * <p>
 * It also says whether its runs have reached the hysteresis of the target row that rated the latest period (how many
 * rated periods in a row an alert needs to open or to resolve): {@link #isRaising()} and {@link #isResolving()}. The
 * alert rules test these rather than the runs themselves, so that a run growing past its hysteresis, which most
 * readings of a settled series do, wakes no rule; the runs stay readable for the rest.
 */
public final class Streak {

    private final SeriesKey series;
    /** The series' assessments as the engine holds them, newest period first: read, never changed, here. */
    private final Supplier<Iterator<Assessment>> newestFirst;
    /** A series of an area the secretariat keeps without alerts (areas.csv alerts=no): rated, never alerting. */
    private final boolean quiet;
    /** The hysteresis of each targets.csv row, by row: what a run must reach to open or resolve an alert. */
    private final IntUnaryOperator hysteresisOfRow;
    private Assessment latest;
    private int redRun;
    private int alertRun;
    private int greenRun;
    /** The assessments made since the streak last settled: how many, the earliest period among them, the last one. */
    private int changes;
    private Period earliestChange;
    private Assessment lastChange;

    /**
     * The streak of a series nothing has rated yet, which follows the assessments the engine keeps for it (given newest
     * period first), for a series that alerts (false) or is only kept (true), with the rule set's hysteresis by
     * targets.csv row ({@link Integer#MAX_VALUE} for a row it does not have).
     */
    Streak(SeriesKey series, Supplier<Iterator<Assessment>> newestFirst, boolean quiet, IntUnaryOperator hysteresisOfRow) {
        this.series = Objects.requireNonNull(series);
        this.newestFirst = newestFirst;
        this.quiet = quiet;
        this.hysteresisOfRow = Objects.requireNonNull(hysteresisOfRow);
    }

    /** A streak as it stands, following no assessments. */
    Streak(SeriesKey series, Assessment latest, int redRun, int alertRun, int greenRun) {
        this(series, null, false, row -> Integer.MAX_VALUE);
        this.latest = latest;
        this.redRun = redRun;
        this.alertRun = alertRun;
        this.greenRun = greenRun;
    }

    /**
     * The engine tells the streak of every assessment of its series the rules make, as they make it: the streak then
     * knows whether it can extend its runs or must count them again. True for the first since it last settled.
     */
    boolean assessed(Assessment a) {
        changes++;
        lastChange = a;
        if (earliestChange == null || a.period().compareTo(earliestChange) < 0) {
            earliestChange = a.period();
        }
        return changes == 1;
    }

    /** What {@link #settle()} says when nothing was assessed since the streak last settled. */
    static final String[] UNCHANGED = new String[0];

    /**
     * Once the rules have rated every period put up (before the alert rules run): the runs as they then stand, the
     * series' assessments as the engine holds them. One newer period extends them; anything else counts them again.
     * Returns the names of the properties the alert rules test that moved ({@link #UNCHANGED}, empty, when none did),
     * which the engine hands Drools with the update so that only the patterns that test them are evaluated again: a
     * streak that only extends its green run wakes no rule about red periods, and one whose runs only grow past their
     * hysteresis wakes none at all. The latest assessment and the alert and green runs are not named: no pattern tests
     * them (the rules test {@code raising} and {@code resolving}, and read the latest assessment in their
     * consequences), so a move of theirs alone is no update.
     */
    String[] settle() {
        if (changes == 0) {
            return UNCHANGED;
        }
        boolean extend = changes == 1 && (latest == null || earliestChange.compareTo(latest.period()) > 0);
        Assessment rated = lastChange;
        changes = 0;
        earliestChange = null;
        lastChange = null;
        Rating wasRating = rating();
        int wasRow = targetRow();
        int wasRed = redRun;
        boolean wasRaising = isRaising();
        boolean wasResolving = isResolving();
        if (!extend) {
            recount();
        } else if (rated.rating() != Rating.GREY) {
            latest = rated;
            redRun = extend(redRun, rated, Rating.RED, Rating.RED);
            alertRun = extend(alertRun, rated, Rating.AMBER, Rating.RED);
            greenRun = extend(greenRun, rated, Rating.GREEN, Rating.GREEN);
        }
        String[] moved = new String[5];
        int n = 0;
        if (rating() != wasRating) {
            moved[n++] = "rating";
        }
        if (targetRow() != wasRow) {
            moved[n++] = "targetRow";
        }
        if (redRun != wasRed) {
            moved[n++] = "redRun";
        }
        if (isRaising() != wasRaising) {
            moved[n++] = "raising";
        }
        if (isResolving() != wasResolving) {
            moved[n++] = "resolving";
        }
        return n == 0 ? UNCHANGED : java.util.Arrays.copyOf(moved, n);
    }

    private static int extend(int run, Assessment a, Rating one, Rating other) {
        return a.rating() == one || a.rating() == other ? run + 1 : 0;
    }

    /** Counts the runs again, newest rated period first, as far back as the longest of them goes. */
    private void recount() {
        latest = null;
        redRun = 0;
        alertRun = 0;
        greenRun = 0;
        boolean red = true;
        boolean alert = true;
        boolean green = true;
        for (Iterator<Assessment> i = newestFirst.get(); i.hasNext(); ) {
            Assessment a = i.next();
            Rating r = a.rating();
            if (r == Rating.GREY) {
                continue;
            }
            if (latest == null) {
                latest = a;
            }
            red &= r == Rating.RED;
            alert &= r == Rating.AMBER || r == Rating.RED;
            green &= r == Rating.GREEN;
            if (!red && !alert && !green) {
                return;
            }
            redRun += red ? 1 : 0;
            alertRun += alert ? 1 : 0;
            greenRun += green ? 1 : 0;
        }
    }

    public SeriesKey series() {
        return series;
    }

    /** The latest rated period's assessment; null while nothing rated the series. */
    public Assessment latest() {
        return latest;
    }

    public int redRun() {
        return redRun;
    }

    public int alertRun() {
        return alertRun;
    }

    public int greenRun() {
        return greenRun;
    }

    /** The latest rated period's rating; null while nothing rated the series. */
    public Rating rating() {
        return latest == null ? null : latest.rating();
    }

    /** The targets.csv row that rated the latest rated period; 0 while nothing rated the series. */
    public int targetRow() {
        return latest == null ? 0 : latest.targetRow();
    }

    /** Whether the latest rated period asks for an alert (AMBER or RED), in a series that alerts at all. */
    public boolean alerting() {
        return !quiet && latest != null && (latest.rating() == Rating.AMBER || latest.rating() == Rating.RED);
    }

    /** The hysteresis of the target row that rated the latest period; {@link Integer#MAX_VALUE} while none did. */
    private int hysteresis() {
        return latest == null ? Integer.MAX_VALUE : hysteresisOfRow.applyAsInt(latest.targetRow());
    }

    /**
     * Whether the series asks for an alert: it alerts, and its latest rated periods have been AMBER or RED for as many
     * in a row as the hysteresis of the target row that rated the latest.
     */
    public boolean isRaising() {
        return alerting() && alertRun >= hysteresis();
    }

    /**
     * Whether an alert of the series may resolve: its latest rated periods have been GREEN for as many in a row as the
     * hysteresis of the target row that rated the latest.
     */
    public boolean isResolving() {
        return latest != null && latest.rating() == Rating.GREEN && greenRun >= hysteresis();
    }

    /** Whether the series is kept without alerts. */
    public boolean quiet() {
        return quiet;
    }

    // The same, as the JavaBean properties Drools names when the engine tells it which of them moved (property
    // reactivity knows a class's properties by their getters); the alert rules test these.

    public SeriesKey getSeries() {
        return series;
    }

    public Assessment getLatest() {
        return latest;
    }

    public Rating getRating() {
        return rating();
    }

    public boolean isAlerting() {
        return alerting();
    }

    public int getTargetRow() {
        return targetRow();
    }

    public int getRedRun() {
        return redRun;
    }

    public int getAlertRun() {
        return alertRun;
    }

    public int getGreenRun() {
        return greenRun;
    }

    public boolean isQuiet() {
        return quiet;
    }

    /** Streaks are equal when they say the same of the same series (what truth maintenance compares). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Streak s && series.equals(s.series) && Objects.equals(latest, s.latest) && redRun == s.redRun
                && alertRun == s.alertRun && greenRun == s.greenRun;
    }

    @Override
    public int hashCode() {
        return series.hashCode();
    }

    @Override
    public String toString() {
        return "Streak[" + series + " " + (latest == null ? "unrated" : latest.period() + " " + latest.rating()) + " red "
                + redRun + " alert " + alertRun + " green " + greenRun + "]";
    }
}
