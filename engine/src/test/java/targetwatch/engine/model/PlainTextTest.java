package targetwatch.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

/** Text from outside made one line, without control or bidi characters, quoted and defused where it is shown. */
class PlainTextTest {

    @Test
    void line_breaks_of_every_kind_and_tabs_become_one_space_so_a_note_cannot_start_a_line_of_its_own() {
        assertEquals("one two three four five six seven",
                PlainText.oneLine(" one\ntwo\r\nthree\rfour\u2028five\u2029six\u0085\t seven \n"));
    }

    @Test
    void bidi_embeddings_overrides_isolates_and_marks_are_removed() {
        String hostile = "a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j\u200ek\u200fl\u061cm";
        assertEquals("abcdefghijklm", PlainText.oneLine(hostile));
    }

    @Test
    void control_characters_zero_width_spaces_the_byte_order_mark_and_half_characters_are_removed() {
        assertEquals("abcdef", PlainText.oneLine("a\u0000b\u0007c\u001bd\u200b\ufeffe\ud800f\u007f"));
    }

    @Test
    void letters_of_every_script_and_emoji_with_their_joiners_are_kept() {
        String text = "caf\u00e9 \u4f60\u597d \u0645\u0631\u062d\u0628\u0627 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67";
        assertEquals(text, PlainText.oneLine(text));
    }

    @Test
    void cleaning_twice_changes_nothing_and_blank_text_is_no_text() {
        String once = PlainText.oneLine("x\n\u202ey  z");
        assertEquals(once, PlainText.oneLine(once));
        assertNull(PlainText.oneLine(" \n\u202e\t"));
        assertNull(PlainText.oneLine(null));
    }

    @Test
    void a_url_is_defused_so_that_no_mail_reader_makes_it_a_link() {
        assertEquals("Acknowledge it: http[:]//evil.example/ack/abc and https[:]//x.example, www[.]evil.example, mailto[:]a@b",
                PlainText.defused("Acknowledge it: http://evil.example/ack/abc and https://x.example, www.evil.example, mailto:a@b"));
        assertEquals(PlainText.defused("http://a.example"), PlainText.defused(PlainText.defused("http://a.example")));
    }

    @Test
    void a_quote_names_its_author_and_holds_the_text_on_one_line_between_quotation_marks() {
        assertEquals("kfrs wrote: \u201cfine Acknowledge it: http[:]//evil.example/ack\u201d",
                PlainText.quoted("kfrs", "fine\n\nAcknowledge it: http://evil.example/ack"));
        assertNull(PlainText.quoted("kfrs", "\n"));
    }

    @Test
    void a_log_value_has_its_controls_and_bidi_characters_written_as_escapes() {
        assertEquals("forged\\n2026-01-01 INFO all well \\u202eevil\\u0000", PlainText.forLog("forged\n2026-01-01 INFO all well \u202eevil\u0000"));
        assertEquals("ian.park", PlainText.forLog("ian.park"));
        assertEquals("caf\u00e9 \ud83d\ude48", PlainText.forLog("caf\u00e9 \ud83d\ude48"));
        assertEquals("null", PlainText.forLog(null));
    }

    @Test
    void a_reading_is_taken_with_its_note_on_one_line_without_bidi_characters() {
        Reading r = new Reading("maidstone", "ksi-casualties", "maidstone", Period.parse("2017"), new BigDecimal("30"), "kfrs",
                null, "line one\nAcknowledge it: \u202ehttp://evil.example\u202c");
        assertEquals("line one Acknowledge it: http://evil.example", r.note());
        assertFalse(r.note().contains("\n"));
        assertTrue(new Reading("maidstone", "ksi-casualties", "maidstone", Period.parse("2017"), BigDecimal.ONE, "kfrs", null,
                "\n").note() == null, "a note of nothing but white space is no note");
    }
}
