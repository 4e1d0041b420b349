package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/** The JSON an alert event or an alert's state is stored as, including what earlier versions stored. */
class AlertCodecsTest {

    @Test
    void an_event_stored_before_alerts_had_ids_decodes_with_none_and_not_silenced() {
        // as the first version wrote it, before priority, alertId, at, actor, comment and silenced
        String stored = "{\"id\":\"e1\",\"sequence\":3,\"type\":\"WORSENED\",\"partnership\":\"maidstone\","
                + "\"indicator\":\"ksi-casualties\",\"area\":\"maidstone\",\"period\":\"2017\",\"severity\":\"RED\","
                + "\"previousSeverity\":\"AMBER\",\"actual\":\"68\",\"expected\":\"40.68\",\"direction\":\"WORSENING\","
                + "\"level\":1,\"targetRow\":11,\"recipient\":\"lead-road-safety\",\"reason\":null}";

        assertEquals(new AlertEvent("e1", 3, AlertEventType.WORSENED, "maidstone", "ksi-casualties", "maidstone",
                Period.parse("2017"), Rating.RED, Rating.AMBER, new BigDecimal("68"), new BigDecimal("40.68"),
                Direction.WORSENING, 1, 11, "lead-road-safety", null), AlertEventCodec.decode(stored));
    }

    @Test
    void an_event_with_its_alert_time_actor_and_comment_round_trips() {
        AlertEvent e = new AlertEvent("e2", 4, AlertEventType.ACKNOWLEDGED, "maidstone", "ksi-casualties", "maidstone",
                Period.parse("2017/18"), Rating.RED, Rating.RED, null, null, Direction.NONE, 2, 11, "head-of-community-safety",
                null, "roads", "a1", Instant.parse("2018-05-02T10:15:30.123456789Z"), "j.smith", "on it \"today\"", true);

        assertEquals(e, AlertEventCodec.decode(AlertEventCodec.encode(e)));
    }

    @Test
    void an_alert_with_every_field_set_or_unset_round_trips() {
        Instant opened = Instant.parse("2018-05-01T09:00:00.000000001Z");
        AlertState full = StoreContract.alertState("a1", opened, opened.plusSeconds(86_400));
        AlertState bare = StoreContract.openedAlert("a2", opened);

        assertEquals(full, AlertStateCodec.decode(AlertStateCodec.encode(full)));
        assertEquals(bare, AlertStateCodec.decode(AlertStateCodec.encode(bare)));
    }

    @Test
    void a_late_data_alert_keeps_its_missing_periods_and_its_reminder_count() {
        Instant opened = Instant.parse("2014-05-30T07:00:00Z");
        AlertState open = StoreContract.openedAlert("a3", opened);
        AlertState late = new AlertState(open.id(), AlertKind.LATE_DATA, open.partnership(), open.indicator(), open.area(),
                open.priority(), open.targetRow(), open.lead(), open.dataContact(), Period.parse("2014-04"), Rating.GREY, 2,
                opened, opened, opened, java.util.List.of("lead-asb"), null, null, null, null, null, null, 2,
                java.util.List.of(Period.parse("2014-04"), Period.parse("2014-06")));

        assertEquals(late, AlertStateCodec.decode(AlertStateCodec.encode(late)));
    }

    @Test
    void a_late_data_alert_stored_when_it_was_about_one_period_decodes_missing_that_period() {
        Instant opened = Instant.parse("2014-05-30T07:00:00Z");
        AlertState open = StoreContract.openedAlert("a4", opened);
        AlertState old = new AlertState(open.id(), AlertKind.LATE_DATA, open.partnership(), open.indicator(), open.area(),
                open.priority(), open.targetRow(), open.lead(), open.dataContact(), Period.parse("2014-04"), Rating.GREY, 1,
                opened, opened, opened, java.util.List.of(), null, null, null, null, null, null);
        String stored = AlertStateCodec.encode(old).replace(",\"reminders\":0,\"missing\":[\"2014-04\"]", "");

        assertEquals(false, stored.contains("missing"), stored);
        AlertState decoded = AlertStateCodec.decode(stored);
        assertEquals(java.util.List.of(Period.parse("2014-04")), decoded.missing());
        assertEquals(0, decoded.reminders());
    }
}
