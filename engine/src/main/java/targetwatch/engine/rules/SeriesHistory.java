package targetwatch.engine.rules;

import java.math.BigDecimal;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

import org.kie.api.runtime.rule.FactHandle;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/**
 * What the engine holds of one series, outside working memory: for each period read, its readings by source, the
 * value in force and the assessment the rules made. A period is found by its number in its notation in an array
 * (every reading looks up its own period, the one before and the one a year before: no hashing), and the periods are
 * also kept in order for what runs through them (the year to date, the streak counted again, the latest assessment). The rules reach it through the
 * {@link PeriodToRate} facts the engine inserts, by key, never by searching working memory.
 */
final class SeriesHistory {

    /** Periods by their span (a different notation of the same span kept apart). */
    static final Comparator<Period> BY_SPAN = (a, b) -> {
        int c = a.compareTo(b);
        return c != 0 ? c : a.frequency().compareTo(b.frequency());
    };

    /** One period of the series: its readings (one per source, the latest last), the value in force, its assessment. */
    static final class Slot {
        private static final Reading[] NONE = new Reading[0];

        final Period period;
        private Reading[] readings = NONE;
        /** The value in force: its latest reading's; null before any. */
        BigDecimal value;
        /** What the rules made of it last; null while they have not rated it. */
        Assessment assessment;
        /** Whether the engine puts it up for rating at its next firing (it is then on the engine's list once). */
        boolean queued;
        /** Whether the rules rated it in the engine's current firing, and its assessment before that firing. */
        boolean ratedNow;
        Assessment before;

        Slot(Period period) {
            this.period = period;
        }

        /** The reading from a source, or null. */
        Reading reading(String source) {
            for (Reading r : readings) {
                if (r.source().equals(source)) {
                    return r;
                }
            }
            return null;
        }

        /** Keeps a source's reading as the latest, in place of any it sent before. */
        void keep(Reading r) {
            int n = readings.length;
            for (int i = 0; i < n; i++) {
                if (readings[i].source().equals(r.source())) {
                    System.arraycopy(readings, i + 1, readings, i, n - i - 1);
                    readings[n - 1] = r;
                    return;
                }
            }
            readings = Arrays.copyOf(readings, n + 1);
            readings[n] = r;
        }

        boolean read() {
            return readings.length > 0;
        }
    }

    final SeriesKey key;
    /** The series of the same partnership and indicator, by area (this one among them): where comparators are found. */
    final Map<String, SeriesHistory> areas;
    /**
     * The slots of each notation (by {@link targetwatch.engine.model.Frequency#ordinal()}), by the period's number in it
     * ({@link #number}) from {@code base[notation]} on; a period too far from its notation's others to be kept so is
     * kept in {@link #far} instead.
     */
    private final Slot[][] near = new Slot[targetwatch.engine.model.Frequency.values().length][];
    private final int[] base = new int[near.length];
    private Map<Period, Slot> far;
    /** The same slots, in period order ({@link #BY_SPAN}). */
    private final List<Slot> inOrder = new ArrayList<>();
    private int periodsRead;
    private int periodsAssessed;
    /**
     * What {@link #freeze} gave last, kept while the series' periods, readings and values (the latter written only with
     * a reading kept, {@link #keep}) and assessments stay as they were; null once one changes.
     */
    private Frozen frozen;
    final Streak streak;
    FactHandle streakHandle;
    /** The series' watch for late data and its handle; null while it is not watched. */
    Watch watch;
    FactHandle watchHandle;

    SeriesHistory(SeriesKey key, Map<String, SeriesHistory> areas, boolean quiet, IntUnaryOperator hysteresisOfRow) {
        this.key = key;
        this.areas = areas;
        this.streak = new Streak(key, this::assessedNewestFirst, quiet, hysteresisOfRow);
    }

    /** The most slots of one notation kept by number: 50 years of months. */
    static final int MOST_NEAR = 600;
    /** The room left on either side when a notation's array grows: a year of months. */
    private static final int ROOM = 12;

    /** A period's number in its notation: consecutive periods have consecutive numbers. */
    static int number(Period p) {
        return switch (p.frequency()) {
            case MONTH -> p.year() * 12 + p.index() - 1;
            case QUARTER -> p.year() * 4 + p.index() - 1;
            case YEAR, FINANCIAL_YEAR -> p.year();
        };
    }

    /** The slot of a period, or null. */
    Slot slot(Period p) {
        Slot[] slots = near[p.frequency().ordinal()];
        if (slots != null) {
            int i = number(p) - base[p.frequency().ordinal()];
            if (i >= 0 && i < slots.length && slots[i] != null) {
                return slots[i];
            }
        }
        return far == null ? null : far.get(p);
    }

    /** Keeps a new slot by its number when its notation's array reaches it (growing it, up to its limit), else far. */
    private void place(Slot s) {
        int f = s.period.frequency().ordinal();
        int n = number(s.period);
        Slot[] slots = near[f];
        if (slots == null) {
            slots = new Slot[2 * ROOM + 1];
            near[f] = slots;
            base[f] = n - ROOM;
        } else if (n < base[f] || n >= base[f] + slots.length) {
            int from = Math.min(base[f], n - ROOM);
            int to = Math.max(base[f] + slots.length, n + ROOM + 1);
            if (to - from > MOST_NEAR) {
                if (far == null) {
                    far = new HashMap<>();
                }
                far.put(s.period, s);
                return;
            }
            Slot[] grown = new Slot[to - from];
            System.arraycopy(slots, 0, grown, base[f] - from, slots.length);
            slots = grown;
            near[f] = grown;
            base[f] = from;
        }
        slots[n - base[f]] = s;
    }

    /** The slot of a period, made (in its place in the order) when the period has none yet. */
    Slot slotFor(Period p) {
        Slot s = slot(p);
        if (s == null) {
            frozen = null;
            s = new Slot(p);
            place(s);
            int n = inOrder.size();
            if (n == 0 || BY_SPAN.compare(inOrder.get(n - 1).period, p) < 0) {
                inOrder.add(s); // the usual case: the newest period yet
            } else {
                inOrder.add(-indexOf(p) - 1, s);
            }
        }
        return s;
    }

    /** Keeps a reading in its period's slot; true when the period had no reading before. */
    boolean keep(Slot s, Reading r) {
        frozen = null; // the value in force is set with it
        boolean first = !s.read();
        s.keep(r);
        if (first) {
            periodsRead++;
        }
        return first;
    }

    /** Where a period is in {@link #inOrder}, or (-(insertion point) - 1) as {@link java.util.Collections#binarySearch} says. */
    private int indexOf(Period p) {
        int low = 0;
        int high = inOrder.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = BY_SPAN.compare(inOrder.get(mid).period, p);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    /** How many periods of a notation make a year: the number of the same period a year before is this many less. */
    static int perYear(targetwatch.engine.model.Frequency f) {
        return switch (f) {
            case MONTH -> 12;
            case QUARTER -> 4;
            case YEAR, FINANCIAL_YEAR -> 1;
        };
    }

    /**
     * The value in force in the period {@code back} periods before {@code p} in its notation (1: the period before;
     * {@link #perYear}: the same period a year before), or null: found by number, making no period.
     */
    BigDecimal valueBefore(Period p, int back) {
        int f = p.frequency().ordinal();
        Slot[] slots = near[f];
        if (slots != null) {
            int i = number(p) - back - base[f];
            if (i >= 0 && i < slots.length && slots[i] != null) {
                return slots[i].value;
            }
        }
        if (far == null) {
            return null;
        }
        Period q = back == 1 ? p.previous() : back == perYear(p.frequency()) ? p.yearBefore() : null;
        Slot s = q == null ? null : far.get(q);
        return s == null ? null : s.value;
    }

    /** The value in force in a period of this series, or null without a reading. */
    BigDecimal value(Period p) {
        Slot s = slot(p);
        return s == null ? null : s.value;
    }

    /** The value in force in a period of another area of the same partnership and indicator, or null. */
    BigDecimal valueIn(String area, Period p) {
        SeriesHistory other = areas.get(area);
        return other == null ? null : other.value(p);
    }

    /** The sum of the values of the financial year holding {@code p}'s last day, in its notation, up to {@code p}. */
    BigDecimal financialYearToDate(Period p) {
        Period fy = p.financialYear();
        BigDecimal sum = BigDecimal.ZERO;
        int at = indexOf(p);
        for (int i = at >= 0 ? at : -at - 2; i >= 0; i--) {
            Slot s = inOrder.get(i);
            Period q = s.period;
            if (q.end().isBefore(fy.start())) {
                break;
            }
            if (s.value != null && q.frequency() == p.frequency() && q.financialYear().equals(fy)) {
                sum = sum.add(s.value);
            }
        }
        return sum;
    }

    /** The periods after {@code p} with a value, in its notation and its financial year, in order. */
    List<Period> laterInFinancialYear(Period p) {
        Period fy = p.financialYear();
        List<Period> later = new ArrayList<>();
        int at = indexOf(p);
        for (int i = at >= 0 ? at + 1 : -at - 1; i < inOrder.size(); i++) {
            Slot s = inOrder.get(i);
            Period q = s.period;
            if (q.start().isAfter(fy.end())) {
                break;
            }
            if (s.value != null && q.frequency() == p.frequency() && q.financialYear().equals(fy)) {
                later.add(q);
            }
        }
        return later;
    }

    /** Holds what the rules made of a period in its slot; returns what they had made of it before, or null. */
    Assessment assess(Slot s, Assessment a) {
        frozen = null;
        Assessment was = s.assessment;
        s.assessment = a;
        if (was == null) {
            periodsAssessed++;
        }
        return was;
    }

    /** The assessment of a period, or null. */
    Assessment assessment(Period p) {
        Slot s = slot(p);
        return s == null ? null : s.assessment;
    }

    /** The assessment of the latest period assessed, or null. */
    Assessment latest() {
        if (periodsAssessed == 0) {
            return null;
        }
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            Assessment a = inOrder.get(i).assessment;
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    boolean assessed() {
        return periodsAssessed > 0;
    }

    /** The assessments held, newest period first: what the streak counts again. */
    Iterator<Assessment> assessedNewestFirst() {
        return new Iterator<>() {
            private int i = inOrder.size();
            private Assessment next = advance();

            private Assessment advance() {
                while (--i >= 0) {
                    Assessment a = inOrder.get(i).assessment;
                    if (a != null) {
                        return a;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Assessment next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Assessment a = next;
                next = advance();
                return a;
            }
        };
    }

    /** A copy of the assessments held, by period. */
    NavigableMap<Period, Assessment> assessments() {
        NavigableMap<Period, Assessment> copy = new TreeMap<>(BY_SPAN);
        for (Slot s : inOrder) {
            if (s.assessment != null) {
                copy.put(s.period, s.assessment);
            }
        }
        return copy;
    }

    /** Every reading held (the latest per period and source), in period order, each period's latest last. */
    void forEachReading(Consumer<Reading> action) {
        for (Slot s : inOrder) {
            for (Reading r : s.readings) {
                action.accept(r);
            }
        }
    }

    /**
     * A copy of what the series holds, frozen: its periods in order, each with its readings, value in force and
     * assessment. Taken under the engine's lock in one pass over the periods (the readings and assessments themselves
     * are immutable and shared), it is read afterwards without the lock: a candidate rule set is built from it, a preview
     * compared with it, while the series goes on taking readings.
     */
    record Frozen(SeriesKey key, Period[] periods, Reading[][] readings, BigDecimal[] values, Assessment[] assessments,
                  Watch.Schedule watchSchedule) {

        /** Every reading, in period order, each period's latest last: as {@link SeriesHistory#forEachReading} gives them. */
        void forEachReading(Consumer<Reading> action) {
            for (Reading[] rs : readings) {
                for (Reading r : rs) {
                    action.accept(r);
                }
            }
        }

        /** The assessments, in period order. */
        List<Assessment> assessed() {
            List<Assessment> out = new ArrayList<>(assessments.length);
            for (Assessment a : assessments) {
                if (a != null) {
                    out.add(a);
                }
            }
            return out;
        }
    }

    /**
     * What the series holds now, frozen ({@link Frozen}): the arrays of the last freeze again while nothing in them has
     * changed since (they are never written), so that a snapshot taken again copies only the series that changed.
     */
    Frozen freeze() {
        Watch.Schedule schedule = watch == null ? null : watch.schedule();
        if (frozen != null) {
            return new Frozen(key, frozen.periods(), frozen.readings(), frozen.values(), frozen.assessments(), schedule);
        }
        int n = inOrder.size();
        Period[] periods = new Period[n];
        Reading[][] readings = new Reading[n][];
        BigDecimal[] values = new BigDecimal[n];
        Assessment[] assessments = new Assessment[n];
        for (int i = 0; i < n; i++) {
            Slot s = inOrder.get(i);
            periods[i] = s.period;
            readings[i] = s.readings.length == 0 ? Slot.NONE : s.readings.clone(); // a slot's array changes in place
            values[i] = s.value;
            assessments[i] = s.assessment;
        }
        frozen = new Frozen(key, periods, readings, values, assessments, schedule);
        return frozen;
    }

    /**
     * Takes over what a frozen series of the same key holds, in a series that holds nothing yet: its periods, readings,
     * values and assessments, as if its readings had been replayed under rules that rate it as the rules it was
     * frozen under did. The caller moves the streak and watch.
     */
    void adopt(Frozen frozen) {
        if (!inOrder.isEmpty()) {
            throw new IllegalStateException("a series adopts what another held only while it holds nothing");
        }
        for (int i = 0; i < frozen.periods().length; i++) {
            Slot s = new Slot(frozen.periods()[i]);
            place(s);
            inOrder.add(s); // frozen in order already
            Reading[] rs = frozen.readings()[i];
            s.readings = rs.length == 0 ? Slot.NONE : rs.clone();
            if (rs.length > 0) {
                periodsRead++;
            }
            s.value = frozen.values()[i];
            s.assessment = frozen.assessments()[i];
            if (s.assessment != null) {
                periodsAssessed++;
            }
        }
        this.frozen = frozen; // holding what it froze, until something changes
    }

    /** The slots with an assessment, in period order: what a comparison walks. */
    List<Assessment> assessedInOrder() {
        List<Assessment> out = new ArrayList<>(periodsAssessed);
        for (Slot s : inOrder) {
            if (s.assessment != null) {
                out.add(s.assessment);
            }
        }
        return out;
    }

    /** How many readings (one per period and source) the series holds. */
    int readingCount() {
        int n = 0;
        for (Slot s : inOrder) {
            n += s.readings.length;
        }
        return n;
    }

    /** The periods with a reading, as a live view: what the series' watch counts as received. */
    Set<Period> periodsRead() {
        return new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                Slot s = o instanceof Period p ? slot(p) : null;
                return s != null && s.read();
            }

            @Override
            public int size() {
                return periodsRead;
            }

            @Override
            public Iterator<Period> iterator() {
                return inOrder.stream().filter(Slot::read).map(s -> s.period).iterator();
            }
        };
    }
}
