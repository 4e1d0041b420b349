package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

/** The reading contract's own checks, whichever encoding or feed a reading came from. */
class ReadingTest {

    @Test
    void partnership_defaults_to_maidstone() {
        assertEquals("maidstone", Reading.of(null, "ksi-casualties", "maidstone", "2014", "52", "kfrs").partnership());
        assertEquals("maidstone", Reading.of(" ", "ksi-casualties", "maidstone", "2014", "52", "kfrs").partnership());
    }

    @Test
    void equal_values_are_kept_alike_whatever_their_notation() {
        Reading r = new Reading(null, "ksi-casualties", "maidstone", Period.year(2014), new BigDecimal("5.20E+1"), "kfrs", null, null);
        assertEquals("52", r.value().toPlainString());
        assertEquals(Reading.of(null, "ksi-casualties", "maidstone", "2014", "52", "kfrs"), r);
    }

    @Test
    void an_identifier_that_is_not_a_slug_is_refused_naming_the_field() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reading.of("maidstone", "KSI casualties", "maidstone", "2014", "52", "kfrs"));
        assertEquals("indicator \"KSI casualties\" is not a lower-case slug such as ksi-casualties", e.getMessage());
    }

    @Test
    void a_period_in_the_first_year_there_is_is_refused_because_nothing_before_it_can_be_named() {
        // a reading for 1900 would make the rules ask for 1899, which no period can be
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Reading(null, "ksi-casualties", "maidstone", Period.year(1900), BigDecimal.TEN, "kfrs", null, null));
        assertEquals("period 1900 is too early to compare with the periods before it (year 1899 is out of range 1900-2999)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Reading(null, "ksi-casualties", "maidstone", Period.month(1900, 12), BigDecimal.TEN, "kfrs", null, null));
    }

    @Test
    void a_period_whose_previous_periods_exist_is_taken() {
        assertEquals(Period.month(1901, 1), Reading.of(null, "ksi-casualties", "maidstone", "1901-01", "1", "kfrs").period());
    }
}
