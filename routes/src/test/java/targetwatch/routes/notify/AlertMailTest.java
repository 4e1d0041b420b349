package targetwatch.routes.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.rules.RuleEngine;

/** The mail about no one target: the summary a person gets after a history was loaded. */
class AlertMailTest {

    private static final Contact LEAD = new Contact("lead-domestic-abuse", "Ian Park", "Lead officer: domestic abuse",
            "Maidstone Domestic Violence Forum", "ian.park@example.org");

    @Test
    void the_summary_after_a_history_load_says_what_it_is_in_its_subject_and_opens_its_sentence_with_a_capital() {
        AlertEvent summary = new AlertEvent("e-1", 1, AlertEventType.REMINDER, "maidstone",
                RuleEngine.SUMMARY_SUBJECT, RuleEngine.SILENCE_AREA, Period.parse("2026-12"), Rating.GREY, null, null,
                null, Direction.NONE, 0, 0, LEAD.id(), "readings for past periods were loaded; 1 you are told of is open now:"
                + " da-repeat-victims in maidstone (RED since 2013-Q1, level 3) <b>", null, null,
                Instant.parse("2026-12-02T10:00:00Z"), null, null, false, false);
        AlertMail mail = AlertMail.notice(summary, LEAD);
        assertEquals("[targetwatch] Alerts open after past readings were loaded", mail.subject());
        assertTrue(mail.text().contains("Dear Ian Park,\n\nReadings for past periods were loaded;"), mail.text());
        assertTrue(mail.html().contains("<p>Readings for past periods were loaded;") && mail.html().contains("&lt;b&gt;"),
                mail.html());
    }
}
