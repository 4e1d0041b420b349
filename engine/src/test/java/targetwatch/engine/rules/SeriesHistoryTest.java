package targetwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.SeriesKey;

/** A series' periods are found by period whatever their notation and however far apart, and kept in period order. */
class SeriesHistoryTest {

    private final SeriesHistory history = new SeriesHistory(new SeriesKey("maidstone", "ksi-casualties", "maidstone"),
            new HashMap<>(), false, row -> 1);

    @Test
    void periods_read_in_any_order_and_notation_are_found_and_kept_in_period_order() {
        // given periods before and after each other, of every notation, some a thousand years apart
        List<Period> periods = List.of(Period.month(2014, 3), Period.month(2013, 1), Period.month(2016, 12),
                Period.quarter(2014, 1), Period.year(2014), Period.financialYear(2013), Period.month(1901, 1),
                Period.month(2999, 11), Period.month(2014, 4), Period.quarter(2999, 4), Period.month(1950, 6));
        int value = 1;
        for (Period p : periods) {
            read(p, value++);
        }
        // then each is found with its own value, and nothing else is
        value = 1;
        for (Period p : periods) {
            assertEquals(BigDecimal.valueOf(value++), history.value(p), p.toString());
        }
        assertNull(history.value(Period.month(2014, 5)));
        assertNull(history.slot(Period.month(1901, 2)));
        assertNull(history.value(Period.year(2013)));
        // and they are held in period order (by last day, then first day, then notation)
        List<Period> held = new ArrayList<>();
        history.forEachReading(r -> held.add(r.period()));
        List<Period> sorted = new ArrayList<>(periods);
        sorted.sort(SeriesHistory.BY_SPAN);
        assertEquals(sorted, held);
        assertEquals(periods.size(), history.periodsRead().size());
    }

    @Test
    void the_period_before_and_the_one_a_year_before_are_found_in_every_notation_near_and_far() {
        for (Period p : List.of(Period.month(2014, 1), Period.month(2013, 12), Period.month(2013, 1), Period.quarter(2014, 1),
                Period.quarter(2013, 4), Period.quarter(2013, 1), Period.year(2014), Period.year(2013),
                Period.financialYear(2014), Period.financialYear(2013), Period.month(1902, 1), Period.month(1901, 12),
                Period.month(1901, 1))) {
            read(p, p.year() * 100 + p.index());
        }
        for (Period p : List.of(Period.month(2014, 1), Period.quarter(2014, 1), Period.year(2014), Period.financialYear(2014),
                Period.month(1902, 1))) {
            assertEquals(history.value(p.previous()), history.valueBefore(p, 1), "before " + p);
            assertEquals(history.value(p.yearBefore()), history.valueBefore(p, SeriesHistory.perYear(p.frequency())),
                    "a year before " + p);
        }
        assertNull(history.valueBefore(Period.month(2013, 1), 1), "nothing read for 2012-12");
    }

    @Test
    void a_period_read_again_keeps_its_slot() {
        read(Period.month(2014, 3), 5);
        SeriesHistory.Slot slot = history.slot(Period.month(2014, 3));
        read(Period.month(2012, 3), 6); // the notation's array grows backwards
        read(Period.month(2017, 3), 7); // and forwards
        assertSame(slot, history.slotFor(Period.month(2014, 3)));
        assertEquals(BigDecimal.valueOf(5), history.value(Period.month(2014, 3)));
    }

    private void read(Period p, int value) {
        SeriesHistory.Slot s = history.slotFor(p);
        history.keep(s, new Reading("maidstone", "ksi-casualties", "maidstone", p, BigDecimal.valueOf(value), "kfrs", null, null));
        s.value = BigDecimal.valueOf(value);
    }
}
