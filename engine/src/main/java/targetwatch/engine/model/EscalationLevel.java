package targetwatch.engine.model;

import java.util.List;

/**
 * One row of {@code escalation.csv}: who hears of an alert at one level, and when an alert goes up to it.
 * Level 1 is where every alert starts; a higher level is reached after {@code afterRedPeriods} consecutive
 * RED periods, or after {@code afterWorkingDays} working days at the level below without an acknowledgement,
 * whichever comes first.
 *
 * @param priority the priority the row is for, or {@code *} for every priority without rows of its own
 * @param recipients contact ids, or {@code lead} (the target's lead) and {@code data-contact} (the target's
 *                   data contact, its lead when it has none)
 * @param afterRedPeriods consecutive RED periods that reach this level; null when red periods do not
 * @param afterWorkingDays working days unacknowledged at the level below that reach this one; null when time does not
 * @param remindEveryWorkingDays how often an unacknowledged alert at this level is reminded; null for never
 * @param acknowledgementLastsWorkingDays how long an acknowledgement at this level holds; null until the rating worsens
 * @param maxReminders how many reminders an alert gets at this level before they stop; null for no limit. Each
 *                     waits twice as long as the one before it: the first {@code remindEveryWorkingDays}, the
 *                     second twice that, and so on
 * @param remindLowerLevels whether a reminder at this level also goes to those told at the levels below, who
 *                          otherwise hear only of what goes over their heads (an escalation) and of its end
 */
public record EscalationLevel(int row, String priority, AlertKind alert, int level, List<String> recipients,
                              Integer afterRedPeriods, Integer afterWorkingDays, Integer remindEveryWorkingDays,
                              Integer acknowledgementLastsWorkingDays, Integer maxReminders, boolean remindLowerLevels) {

    public static final String EVERY_PRIORITY = "*";
    public static final String LEAD = "lead";
    public static final String DATA_CONTACT = "data-contact";

    public EscalationLevel {
        recipients = List.copyOf(recipients);
        if (level < 1 || recipients.isEmpty() || alert == null) {
            throw new IllegalArgumentException("an escalation level needs a level from 1, an alert kind and recipients");
        }
        if (maxReminders != null && maxReminders < 0) {
            throw new IllegalArgumentException("an escalation level's reminder limit is negative: " + maxReminders);
        }
    }

    /** A level whose reminders neither stop nor reach the levels below. */
    public EscalationLevel(int row, String priority, AlertKind alert, int level, List<String> recipients,
                           Integer afterRedPeriods, Integer afterWorkingDays, Integer remindEveryWorkingDays,
                           Integer acknowledgementLastsWorkingDays) {
        this(row, priority, alert, level, recipients, afterRedPeriods, afterWorkingDays, remindEveryWorkingDays,
                acknowledgementLastsWorkingDays, null, false);
    }

    /** The same row for one priority (the default rows are copied to every priority without its own). */
    public EscalationLevel forPriority(String p) {
        return new EscalationLevel(row, p, alert, level, recipients, afterRedPeriods, afterWorkingDays,
                remindEveryWorkingDays, acknowledgementLastsWorkingDays, maxReminders, remindLowerLevels);
    }

    /** The contact ids this level reaches for a target with the given lead and data contact. */
    public List<String> recipientsFor(String lead, String dataContact) {
        List<String> out = new java.util.ArrayList<>(recipients.size());
        for (String r : recipients) {
            String contact = switch (r) {
                case LEAD -> lead;
                case DATA_CONTACT -> dataContact == null ? lead : dataContact;
                default -> r;
            };
            if (!out.contains(contact)) {
                out.add(contact);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
