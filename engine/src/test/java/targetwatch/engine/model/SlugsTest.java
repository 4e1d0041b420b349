package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an identifier may be: runs of lower-case letters and digits joined by single hyphens, at most 64 characters. */
class SlugsTest {

    @ParameterizedTest(name = "\"{0}\" is a slug")
    @ValueSource(strings = {"a", "7", "ksi-casualties", "ward-001", "asb-incidents-per-1000", "a-b-c", "2014"})
    void lower_case_letters_and_digits_joined_by_single_hyphens_are_a_slug(String text) {
        assertTrue(Slugs.isSlug(text));
    }

    @ParameterizedTest(name = "\"{0}\" is not a slug")
    @ValueSource(strings = {"", "-", "-a", "a-", "a--b", "Maidstone", "ksi_casualties", "ksi casualties", "a.b", "é",
            "a\u0000", "ward-001\n"})
    void anything_else_is_not_a_slug(String text) {
        assertFalse(Slugs.isSlug(text));
    }

    @Test
    void a_slug_is_at_most_64_characters() {
        assertTrue(Slugs.isSlug("a".repeat(64)));
        assertFalse(Slugs.isSlug("a".repeat(65)));
    }

    @Test
    void no_text_is_not_a_slug() {
        assertFalse(Slugs.isSlug(null));
    }

    @Test
    void a_required_slug_that_is_not_one_is_refused_naming_the_field() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Slugs.require("area", "Ward 1"));
        assertEquals("area \"Ward 1\" is not a lower-case slug such as ksi-casualties", e.getMessage());
        assertEquals("ward-1", Slugs.require("area", "ward-1"));
    }
}
