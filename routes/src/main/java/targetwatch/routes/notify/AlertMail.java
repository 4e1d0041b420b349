package targetwatch.routes.notify;

import java.math.BigDecimal;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Target;

/**
 * The email a recipient gets for an alert event, in plain text and HTML: which indicator, the actual
 * against the trajectory and the target, the direction of travel, and what they are asked to do.
 */
public record AlertMail(String to, String toName, String subject, String text, String html) {

    public static AlertMail compose(AlertEvent e, Target target, Contact recipient) {
        return compose(e, target, recipient, null);
    }

    /**
     * @param note the partner's note on the reading, or null; shown as text, escaped in the HTML, so a
     *             note written as a spreadsheet formula or markup stays inert
     */
    public static AlertMail compose(AlertEvent e, Target target, Contact recipient, String note) {
        String name = target.name();
        String subject = "[targetwatch] " + headline(e) + ": " + name + " (" + e.area() + ", " + e.period() + ")";
        String comparedWith = switch (target.kind()) {
            case BELOW_COMPARATOR -> "the " + target.comparatorArea() + " figure for the same period";
            case MAINTAIN -> "the baseline it should keep";
            case DELIVER_ANNUALLY -> "the target pro rata for the financial year to date";
            default -> "the trajectory to the target";
        };
        String targetLine = target.target() == null
                ? "Target: stay below " + target.comparatorArea()
                : "Target: " + target.kind().code().replace('-', ' ') + " " + plain(target.target()) + " by " + target.targetDate();
        String ask = switch (e.type()) {
            case RESOLVED -> "No action is needed: the indicator is back on track. This closes the alert you were sent.";
            case IMPROVED -> "The indicator is improving but still off track: please keep the partnership informed.";
            default -> "Please look into this reading with the partners who deliver it, and be ready to report to the "
                    + "Safer Maidstone Partnership on what is being done.";
        };
        String actual = e.actual() == null ? "-" : plain(e.actual());
        String expected = e.expected() == null ? "-" : plain(e.expected());
        String text = "Dear " + recipient.name() + ",\n\n"
                + headline(e) + ": " + name + " (" + e.indicator() + ") in " + e.area() + " for " + e.period() + ".\n\n"
                + "Rating: " + e.severity() + (e.previousSeverity() == null ? "" : " (was " + e.previousSeverity() + ")") + "\n"
                + "Actual: " + actual + "\n"
                + "Expected: " + expected + " (" + comparedWith + ")\n"
                + targetLine + "\n"
                + "Direction of travel: " + e.direction().code() + "\n"
                + "Priority: " + target.priority() + "\n"
                + (note == null ? "" : "Partner's note: " + note + "\n")
                + "\n" + ask + "\n\n"
                + "You receive this as " + (recipient.role() == null ? "the contact" : recipient.role()) + ".\n"
                + "Event id: " + e.id() + "\n";
        String html = "<!DOCTYPE html><html><body style=\"font-family:Arial,sans-serif\">"
                + "<p>Dear " + esc(recipient.name()) + ",</p>"
                + "<h2>" + esc(headline(e)) + ": " + esc(name) + "</h2>"
                + "<p>" + esc(e.indicator()) + " in " + esc(e.area()) + " for " + esc(e.period().toString()) + "</p>"
                + "<table>"
                + row("Rating", e.severity() + (e.previousSeverity() == null ? "" : " (was " + e.previousSeverity() + ")"))
                + row("Actual", actual)
                + row("Expected", expected + " (" + comparedWith + ")")
                + row("Target", targetLine.substring("Target: ".length()))
                + row("Direction of travel", e.direction().code())
                + row("Priority", target.priority())
                + (note == null ? "" : row("Partner's note", note))
                + "</table><p>" + esc(ask) + "</p>"
                + "<p style=\"color:#505a5f\">Event id " + esc(e.id()) + "</p></body></html>";
        return new AlertMail(recipient.email(), recipient.name(), subject, text, html);
    }

    private static String headline(AlertEvent e) {
        return switch (e.type()) {
            case RAISED -> e.severity() + " alert raised";
            case WORSENED -> "Alert worsened to " + e.severity();
            case IMPROVED -> "Alert improved to " + e.severity();
            case RESOLVED -> "Alert resolved";
            case ESCALATED -> "Alert escalated to level " + e.level();
            case REMINDER -> "Reminder: alert still open";
            case ACKNOWLEDGED -> "Alert acknowledged";
            case LATE_DATA -> "Reading overdue";
        };
    }

    private static String row(String k, String v) {
        return "<tr><th style=\"text-align:left;padding-right:1em\">" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
    }

    private static String plain(BigDecimal v) {
        return v.toPlainString();
    }

    /** Escapes text for HTML, so nothing a partner or the secretariat wrote can become markup. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
