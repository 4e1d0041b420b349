package targetwatch.routes.notify;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Partnership;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.PlainText;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.StoredNote;
import targetwatch.routes.pages.Templates;

/**
 * The email a recipient gets for an alert event, in plain text and HTML (the HTML from the templates under
 * {@code src/main/jte/mail}, escaped by jte like the pages): which indicator, the actual against the trajectory and the
 * target, the direction of travel, and what they are asked to do.
 */
public record AlertMail(String to, String toName, String subject, String text, String html) {

    public static AlertMail compose(AlertEvent e, Target target, Contact recipient) {
        return compose(e, target, recipient, null, null);
    }

    public static AlertMail compose(AlertEvent e, Target target, Contact recipient, StoredNote note) {
        return compose(e, target, recipient, note, null);
    }

    /**
     * @param target the target that rates the event's indicator; null for a notice about no one target (a silence
     *               about to end), which gets a plain mail with its reason
     * @param note the partner's note on the reading, or null; quoted as its source's words on one line, its links
     *             defused, escaped in the HTML, so that a note written as a spreadsheet formula, markup or a
     *             forged line of the mail ("Acknowledge it: http://...") stays inert
     * @param ackUrl the recipient's acknowledgement link, or null when the event asks for none
     */
    public static AlertMail compose(AlertEvent e, Target target, Contact recipient, StoredNote storedNote, String ackUrl) {
        return compose(e, target, recipient, storedNote, ackUrl, Partnership.defaultName(e.partnership()));
    }

    /** @param partnershipName the name of the partnership whose target it is, as its settings.csv gives it */
    public static AlertMail compose(AlertEvent e, Target target, Contact recipient, StoredNote storedNote, String ackUrl,
                                    String partnershipName) {
        String note = storedNote == null ? null : storedNote.quoted();
        if (target == null) {
            return notice(e, recipient);
        }
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
            case RESOLVED -> "No action is needed: this closes the alert you were sent.";
            case IMPROVED -> "The indicator is improving but still off track: please keep the partnership informed.";
            case ACKNOWLEDGED -> acknowledged(e);
            case LATE_DATA -> "Please send the reading, or tell the partnership when it will come.";
            default -> "Please look into this reading with the partners who deliver it, and be ready to report to the "
                    + partnershipName + " on what is being done.";
        };
        String reason = PlainText.defused(e.reason());
        String why = reason == null ? "" : "Why: " + reason + "\n";
        String ack = ackUrl == null ? "" : "\nAcknowledge it (it then stops escalating and reminding): " + ackUrl + "\n";
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
                + "Partnership: " + partnershipName + "\n"
                + (note == null ? "" : "Partner's note: " + note + "\n")
                + why
                + "\n" + ask + "\n" + ack + "\n"
                + "You receive this as " + (recipient.role() == null ? "the contact" : recipient.role()) + ".\n"
                + "Event id: " + e.id() + "\n";
        java.util.List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"Rating", e.severity() + (e.previousSeverity() == null ? "" : " (was " + e.previousSeverity() + ")")});
        rows.add(new String[] {"Actual", actual});
        rows.add(new String[] {"Expected", expected + " (" + comparedWith + ")"});
        rows.add(new String[] {"Target", targetLine.substring("Target: ".length())});
        rows.add(new String[] {"Direction of travel", e.direction().code()});
        rows.add(new String[] {"Priority", target.priority()});
        rows.add(new String[] {"Partnership", partnershipName});
        if (note != null) {
            rows.add(new String[] {"Partner's note", note});
        }
        if (reason != null) {
            rows.add(new String[] {"Why", reason});
        }
        String html = Templates.render("mail/alert.jte", params("recipient", recipient.name(), "headline", headline(e),
                "name", name, "where", e.indicator() + " in " + e.area() + " for " + e.period(), "rows", rows, "ask", ask,
                "ackUrl", ackUrl, "eventId", e.id()));
        return new AlertMail(recipient.email(), recipient.name(), subject, text, html);
    }

    /** A plain mail for an event about no one target, such as a silence about to end: its reason says it all. */
    static AlertMail notice(AlertEvent e, Contact recipient) {
        String subject = targetwatch.engine.rules.RuleEngine.SUMMARY_SUBJECT.equals(e.indicator())
                ? "[targetwatch] Alerts open after past readings were loaded"
                : "[targetwatch] " + headline(e) + ": " + e.indicator();
        String reason = PlainText.defused(e.reason());
        String said = reason == null ? headline(e) : Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
        String text = "Dear " + recipient.name() + ",\n\n" + said + ".\n\n" + "Event id: " + e.id() + "\n";
        String html = Templates.render("mail/notice.jte", params("recipient", recipient.name(), "text", said,
                "eventId", e.id()));
        return new AlertMail(recipient.email(), recipient.name(), subject, text, html);
    }

    /**
     * One mail for several events of a priority that reached the same recipient together: a line each, with its
     * acknowledgement link, rather than a flood of mails.
     *
     * @param ackUrls the recipient's acknowledgement link of each event that asks for one, by event id
     */
    public static AlertMail digest(List<AlertEvent> events, java.util.function.Function<AlertEvent, Target> targets,
                                   Contact recipient, Map<String, String> ackUrls) {
        return digest(events, targets, recipient, ackUrls, 0, 0);
    }

    /**
     * A digest that also carries events held back by the recipient's daily mail budget, and says how many.
     *
     * @param folded how many of the events went over yesterday's (or an earlier day's) budget and waited for this mail
     * @param budget the daily mail budget they went over
     */
    public static AlertMail digest(List<AlertEvent> events, java.util.function.Function<AlertEvent, Target> targets,
                                   Contact recipient, Map<String, String> ackUrls, int folded, int budget) {
        String priority = events.get(0).priority();
        String subject = "[targetwatch] " + events.size() + " alert" + (events.size() == 1 ? "" : "s") + " for "
                + (priority == null ? "the partnership" : priority) + (folded == 0 ? "" : " (" + folded + " held back)");
        String foldedNote = folded == 0 ? "" : folded + " of these " + (folded == 1 ? "was" : "were") + " held back because you"
                + " had been sent your " + budget + " alert mails for the day; they are folded into this digest instead,"
                + " and nothing was dropped.";
        StringBuilder text = new StringBuilder("Dear " + recipient.name() + ",\n\n"
                + (foldedNote.isEmpty() ? "" : foldedNote + "\n\n") + events.size() + " alerts of the "
                + priority + " priority changed together:\n\n");
        java.util.List<String[]> lines = new java.util.ArrayList<>();
        for (AlertEvent e : events) {
            Target t = targets.apply(e);
            String line = headline(e) + ": " + (t == null ? e.indicator() : t.name()) + " (" + e.area() + ", " + e.period()
                    + ") actual " + (e.actual() == null ? "-" : plain(e.actual())) + ", expected "
                    + (e.expected() == null ? "-" : plain(e.expected())) + (e.reason() == null ? "" : "; " + PlainText.defused(e.reason()));
            String url = ackUrls.get(e.id());
            text.append("- ").append(line).append(url == null ? "" : "\n  Acknowledge: " + url).append("\n");
            lines.add(new String[] {line, url});
        }
        text.append("\nEvent ids: ").append(events.stream().map(AlertEvent::id).collect(java.util.stream.Collectors.joining(" ")))
                .append("\n");
        String html = Templates.render("mail/digest.jte", params("recipient", recipient.name(), "count", events.size(),
                "priority", String.valueOf(priority), "lines", lines, "foldedNote", foldedNote));
        return new AlertMail(recipient.email(), recipient.name(), subject, text.toString(), html);
    }

    /** Who acknowledged, and what they wrote quoted as theirs, on one line with its links defused. */
    static String acknowledged(AlertEvent e) {
        String who = PlainText.oneLine(e.actor());
        String said = PlainText.quoted(who, e.comment());
        return "Acknowledged by " + who + (said == null ? "." : ". " + said);
    }

    /** Whether an event asks its recipient to act, and so carries an acknowledgement link. */
    public static boolean asksForAcknowledgement(AlertEvent e) {
        return e.alertId() != null && switch (e.type()) {
            case RAISED, WORSENED, ESCALATED, REMINDER, LATE_DATA -> true;
            default -> false;
        };
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

    private static java.util.Map<String, Object> params(Object... keysAndValues) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String plain(BigDecimal v) {
        return v.toPlainString();
    }
}
