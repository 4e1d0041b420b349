package targetwatch.engine.alerts;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import targetwatch.engine.calendar.WorkingDays;
import targetwatch.engine.model.AlertEvent;

/**
 * How noisy a run of alerts is, for people tuning a rule set: events by type and by recipient, those delivered to
 * nobody (silenced, or history), and the mails a real run would send. The mails are counted as the service's outbox
 * relay sends them: the events for one person and priority at one moment go as one mail (a digest when there are
 * several), and one person gets at most the daily mail budget of them a day; what would go over it waits for the
 * next working morning and goes there in one digest.
 */
public final class NoiseReport {

    private static final ZoneId ZONE = ZoneId.of("Europe/London");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int dailyBudget;
    private final WorkingDays calendar;
    private final Map<String, Long> byType = new TreeMap<>();
    private final Map<String, Long> byRecipient = new TreeMap<>();
    private long events;
    private long silenced;
    private long history;
    private long summaries;
    /** Mail groups seen: recipient, priority and moment; the last one decides whether a new event makes a new mail. */
    private final Map<String, String> lastGroup = new LinkedHashMap<>();
    /** Mails sent to each person on each day, and events held back for their next digest. */
    private final Map<String, Map<LocalDate, Integer>> mailsByDay = new TreeMap<>();
    private final Map<String, LocalDate> foldedUntil = new TreeMap<>();
    private long mails;
    private long folded;
    private long digestsOfFolded;

    public NoiseReport(int dailyBudget, WorkingDays calendar) {
        this.dailyBudget = dailyBudget;
        this.calendar = calendar;
    }

    /** Counts events in the order they happened. */
    public void count(List<AlertEvent> happened) {
        happened.forEach(this::count);
    }

    /** Counts one event, in the order they happened. */
    public void count(AlertEvent e) {
        events++;
        byType.merge(e.type().name(), 1L, Long::sum);
        byRecipient.merge(e.recipient(), 1L, Long::sum);
        if (e.silenced()) {
            silenced++;
            return;
        }
        if (e.history()) {
            history++;
            return;
        }
        Instant at = e.at() == null ? Instant.EPOCH : e.at();
        String group = e.priority() + "|" + at;
        if (group.equals(lastGroup.put(e.recipient(), group))) {
            return; // in the same mail as the event before it
        }
        mail(e.recipient(), at.atZone(ZONE).toLocalDate());
    }

    /** Counts a history summary: one mail to its recipient. */
    public void countSummary(AlertEvent e) {
        summaries++;
        count(e);
    }

    private void mail(String recipient, LocalDate day) {
        LocalDate waiting = foldedUntil.get(recipient);
        if (waiting != null && !day.isBefore(waiting)) {
            // the held-back digest went out on its morning before this one
            foldedUntil.remove(recipient);
            digestsOfFolded++;
            sent(recipient, waiting);
        }
        Map<LocalDate, Integer> days = mailsByDay.computeIfAbsent(recipient, r -> new TreeMap<>());
        if (days.getOrDefault(day, 0) >= dailyBudget) {
            folded++;
            foldedUntil.putIfAbsent(recipient, nextWorkingDay(day));
            return;
        }
        sent(recipient, day);
    }

    private void sent(String recipient, LocalDate day) {
        mailsByDay.computeIfAbsent(recipient, r -> new TreeMap<>()).merge(day, 1, Integer::sum);
        mails++;
    }

    private LocalDate nextWorkingDay(LocalDate day) {
        LocalDate next = day.plusDays(1);
        while (!calendar.isWorkingDay(next)) {
            next = next.plusDays(1);
        }
        return next;
    }

    /** The mails a real run would send, counting the digests still held back at the end. */
    public long mails() {
        return mails + foldedUntil.size();
    }

    public long events() {
        return events;
    }

    /** Mails that would have gone over someone's daily budget and were folded into their next digest instead. */
    public long folded() {
        return folded;
    }

    public long history() {
        return history;
    }

    public long summaries() {
        return summaries;
    }

    public Map<String, Long> byType() {
        return Map.copyOf(byType);
    }

    public Map<String, Long> byRecipient() {
        return Map.copyOf(byRecipient);
    }

    /** {@code {"type":"noise","events":...,"byType":{...},"byRecipient":{...},"mails":...}}. */
    public ObjectNode toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "noise");
        n.put("events", events);
        ObjectNode types = n.putObject("byType");
        byType.forEach(types::put);
        ObjectNode recipients = n.putObject("byRecipient");
        byRecipient.forEach(recipients::put);
        n.put("silenced", silenced);
        n.put("history", history);
        n.put("summaries", summaries);
        n.put("mails", mails());
        n.put("folded", folded);
        n.put("dailyMailBudget", dailyBudget);
        return n;
    }

    /** One line for people: {@code 391 alert events (ESCALATED 197, ...); to smp-chair 126, ...; 212 mails ...}. */
    public String summaryLine() {
        StringBuilder b = new StringBuilder();
        b.append(events).append(" alert event").append(events == 1 ? "" : "s");
        if (events > 0) {
            b.append(" (").append(joined(byType)).append("); to ").append(joined(byRecipient));
        }
        b.append("; ").append(mails()).append(" mail").append(mails() == 1 ? "" : "s").append(" a real run would send");
        if (folded > 0) {
            b.append(" (").append(folded).append(" folded into next-day digests by the daily budget of ").append(dailyBudget)
                    .append(")");
        }
        if (history > 0 || silenced > 0) {
            b.append("; delivered to nobody: ").append(history).append(" history, ").append(silenced).append(" silenced");
        }
        if (summaries > 0) {
            b.append("; ").append(summaries).append(" history summar").append(summaries == 1 ? "y" : "ies");
        }
        return b.toString();
    }

    private static String joined(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(x -> x.getKey() + " " + x.getValue()).reduce((x, y) -> x + ", " + y).orElse("");
    }
}
