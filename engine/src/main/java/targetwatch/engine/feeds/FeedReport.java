package targetwatch.engine.feeds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;

/**
 * What an adapter read from one file: rows read, used, and skipped by reason; counts per period, area
 * and category (crime type, KSI collisions); the readings it made; and notes for people (partial figures,
 * places outside the area, checks against the publisher's own figures).
 */
public final class FeedReport {

    private final String file;
    private final FeedKind kind;
    private long read;
    private long used;
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private final SortedMap<Period, SortedMap<String, SortedMap<String, Long>>> counts = new TreeMap<>();
    private final List<Reading> readings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    FeedReport(String file, FeedKind kind) {
        this.file = file;
        this.kind = kind;
    }

    void read() {
        read++;
    }

    void used() {
        used++;
    }

    void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    void count(Period period, String area, String category, long n) {
        counts.computeIfAbsent(period, p -> new TreeMap<>()).computeIfAbsent(area, a -> new TreeMap<>())
                .merge(category, n, Long::sum);
    }

    void made(Reading reading) {
        readings.add(reading);
    }

    void note(String note) {
        notes.add(note);
    }

    public String file() {
        return file;
    }

    public FeedKind kind() {
        return kind;
    }

    public long rowsRead() {
        return read;
    }

    public long rowsUsed() {
        return used;
    }

    /** Rows not used, by reason, in the order the reasons were first met. */
    public Map<String, Long> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    public long rowsSkipped() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The count for a period, area and category (0 when none). */
    public long count(Period period, String area, String category) {
        return counts.getOrDefault(period, Collections.emptySortedMap()).getOrDefault(area, Collections.emptySortedMap())
                .getOrDefault(category, 0L);
    }

    /** Every count: period, then area, then category. */
    public SortedMap<Period, SortedMap<String, SortedMap<String, Long>>> counts() {
        return Collections.unmodifiableSortedMap(counts);
    }

    /** The readings made from this file, in the order they were handed on. */
    public List<Reading> readings() {
        return List.copyOf(readings);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** One line: {@code file (kind): 17,792 rows read, 17,520 used; skipped: 257 with no location; 3 readings}. */
    public String summary() {
        StringBuilder b = new StringBuilder(file).append(" (").append(kind.description()).append("): ")
                .append(number(read)).append(" rows read, ").append(number(used)).append(" used");
        if (!skipped.isEmpty()) {
            b.append("; skipped: ");
            List<String> parts = new ArrayList<>();
            skipped.forEach((reason, n) -> parts.add(number(n) + " " + reason));
            b.append(String.join(", ", parts));
        }
        return b.append("; ").append(readings.size()).append(readings.size() == 1 ? " reading" : " readings").toString();
    }

    /** The summary and then each note, indented. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(summary());
        notes.forEach(n -> out.add("  " + n));
        return out;
    }

    static String number(long n) {
        return String.format(Locale.UK, "%,d", n);
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }
}
