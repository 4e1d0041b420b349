package targetwatch.routes.pages;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Polarity;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Target;
import targetwatch.engine.model.Unit;

/** The words the pages, the report and the mails use for ratings, directions, events, numbers and dates. */
public final class Words {

    /** Times are shown as people in the partnership read them. */
    public static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm", Locale.UK);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK);
    private static final DateTimeFormatter DAY_MONTH = DateTimeFormatter.ofPattern("d MMM", Locale.UK);

    private Words() {
    }

    /** A rating in words, never by colour alone. */
    public static String rating(Rating r) {
        return switch (r) {
            case GREEN -> "On track";
            case AMBER -> "At risk";
            case RED -> "Off track";
            case GREY -> "No reading";
        };
    }

    /** The GOV.UK tag colour of a rating, beside its word. */
    public static String tag(Rating r) {
        return switch (r) {
            case GREEN -> "govuk-tag--green";
            case AMBER -> "govuk-tag--orange";
            case RED -> "govuk-tag--red";
            case GREY -> "govuk-tag--grey";
        };
    }

    /** The chart point class of a rating. */
    public static String point(Rating r) {
        return "tw-chart__point--" + r.name().toLowerCase();
    }

    public static String direction(Direction d) {
        return switch (d) {
            case IMPROVING -> "Improving";
            case STABLE -> "Stable";
            case WORSENING -> "Worsening";
            case NONE -> "No earlier reading";
        };
    }

    public static String event(AlertEventType t) {
        return switch (t) {
            case RAISED -> "Raised";
            case WORSENED -> "Worsened";
            case IMPROVED -> "Improved";
            case ESCALATED -> "Escalated";
            case REMINDER -> "Reminder sent";
            case ACKNOWLEDGED -> "Acknowledged";
            case RESOLVED -> "Resolved";
            case LATE_DATA -> "Reading overdue";
        };
    }

    /** One line of an alert's history: what happened, at which level, to whom and why. */
    public static String eventLine(AlertEvent e) {
        StringBuilder b = new StringBuilder(event(e.type()));
        if (e.type() == AlertEventType.ESCALATED) {
            b.append(" to level ").append(e.level());
        }
        if (e.type() != AlertEventType.ACKNOWLEDGED && e.type() != AlertEventType.RESOLVED) {
            b.append(": ").append(rating(e.severity()));
        }
        b.append(" (").append(e.period()).append(")");
        return b.toString();
    }

    public static String when(Instant at) {
        return at == null ? "" : WHEN.format(at.atZone(LONDON));
    }

    public static String day(LocalDate d) {
        return d == null ? "" : DAY.format(d);
    }

    public static String dayMonth(LocalDate d) {
        return DAY_MONTH.format(d);
    }

    /** A value as written, without trailing zeros; a dash for none. */
    public static String number(BigDecimal v) {
        return v == null ? "–" : v.stripTrailingZeros().scale() < 0 ? v.setScale(0).toPlainString()
                : v.stripTrailingZeros().toPlainString();
    }

    /** A value rounded to two decimals for tables. */
    public static String rounded(BigDecimal v) {
        return v == null ? "–" : number(v.setScale(2, RoundingMode.HALF_UP));
    }

    /** The value with its unit: "23.7%", "18.5 per 1,000", "3071". */
    public static String withUnit(BigDecimal v, Unit unit) {
        if (v == null) {
            return "–";
        }
        return switch (unit) {
            case PERCENT -> rounded(v) + "%";
            case PER_1000 -> rounded(v) + " per 1,000";
            case COUNT -> rounded(v);
        };
    }

    /**
     * How far the actual is from what was expected, in the indicator's worse direction: "1.46 (6.6%) above the
     * trajectory". Empty when either is missing.
     */
    public static String gap(BigDecimal actual, BigDecimal expected, Target t) {
        if (actual == null || expected == null) {
            return "";
        }
        BigDecimal diff = actual.subtract(expected);
        String side = diff.signum() > 0 ? "above" : diff.signum() < 0 ? "below" : "exactly at";
        String pct = expected.signum() == 0 ? "" : " (" + number(diff.abs().multiply(BigDecimal.valueOf(100))
                .divide(expected.abs(), MathContext.DECIMAL64).setScale(1, RoundingMode.HALF_UP)) + "%)";
        return (diff.signum() == 0 ? "" : rounded(diff.abs()) + pct + " ") + side + " " + comparedWith(t);
    }

    /** What a target's readings are compared with, in words. */
    public static String comparedWith(Target t) {
        return switch (t.kind()) {
            case BELOW_COMPARATOR -> "the " + t.comparatorArea() + " figure";
            case MAINTAIN -> "the baseline";
            case DELIVER_ANNUALLY -> "the target pro rata for the year to date";
            default -> "the trajectory";
        };
    }

    /** The target's definition in a sentence. */
    public static String definition(Target t) {
        String better = t.polarity() == Polarity.LOWER ? "lower is better" : t.polarity() == Polarity.HIGHER
                ? "higher is better" : "change either way is worse";
        String from = " from " + withUnit(t.baseline(), t.unit()) + " at " + day(t.baselineDate());
        String tolerance = "; at risk within " + number(t.tolerancePct()) + "%" + (t.kind() == Kind.MAINTAIN
                ? " (off track beyond " + number(t.tolerancePct().multiply(BigDecimal.valueOf(2))) + "%)" : "")
                + " of it, off track beyond that";
        return switch (t.kind()) {
            case REDUCE_TO -> "Reduce to " + withUnit(t.target(), t.unit()) + " by " + day(t.targetDate()) + from
                    + ", along a straight trajectory (" + better + tolerance + ").";
            case INCREASE_TO -> "Increase to " + withUnit(t.target(), t.unit()) + " by " + day(t.targetDate()) + from
                    + ", along a straight trajectory (" + better + tolerance + ").";
            case BELOW_COMPARATOR -> "Stay below the " + t.comparatorArea() + " figure for the same period (" + better
                    + tolerance + ").";
            case MAINTAIN -> "Keep at the baseline of " + withUnit(t.baseline(), t.unit()) + " (" + better + tolerance + ").";
            case DELIVER_ANNUALLY -> "Deliver " + number(t.target()) + " a financial year, April to March, compared"
                    + " with the target pro rata for the year to date (" + tolerance.substring(2) + ").";
        };
    }

    /** When a target's readings are due, in words. */
    public static String due(Target t) {
        String period = switch (t.frequency()) {
            case MONTH -> "month";
            case QUARTER -> "quarter";
            case YEAR -> "calendar year";
            case FINANCIAL_YEAR -> "financial year";
        };
        return t.dueDays() + " days after each " + period + " ends";
    }

    public static String frequency(Frequency f) {
        return switch (f) {
            case MONTH -> "Monthly";
            case QUARTER -> "Quarterly";
            case YEAR -> "Yearly";
            case FINANCIAL_YEAR -> "Each financial year";
        };
    }

    /** A priority as a heading: "domestic-abuse" as "Domestic abuse", and a short one such as "asb" as "ASB". */
    public static String priority(String slug) {
        return slug != null && slug.length() <= 3 && !slug.contains("-") ? slug.toUpperCase(Locale.UK) : title(slug);
    }

    /** A slug shown as words: "domestic-abuse" as "Domestic abuse". */
    public static String title(String slug) {
        if (slug == null || slug.isEmpty()) {
            return "";
        }
        String s = slug.replace('-', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
