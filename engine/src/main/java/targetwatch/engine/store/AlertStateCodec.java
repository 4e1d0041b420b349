package targetwatch.engine.store;

import static targetwatch.engine.store.AlertEventCodec.instant;
import static targetwatch.engine.store.AlertEventCodec.text;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import targetwatch.engine.model.AlertKind;
import targetwatch.engine.model.AlertState;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/**
 * Stores an alert's state whole, so the engine resumes it exactly as it was: its clocks to the nanosecond, who was
 * told in the order they were told. The alerts table's other columns are copies for lists and filters.
 */
final class AlertStateCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertStateCodec() {
    }

    static String encode(AlertState s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", s.id());
        n.put("kind", s.kind().name());
        n.put("partnership", s.partnership());
        n.put("indicator", s.indicator());
        n.put("area", s.area());
        n.put("priority", s.priority());
        n.put("targetRow", s.targetRow());
        n.put("lead", s.lead());
        n.put("dataContact", s.dataContact());
        n.put("period", s.period().toString());
        n.put("severity", s.severity().name());
        n.put("level", s.level());
        n.put("openedAt", iso(s.openedAt()));
        n.put("levelSince", iso(s.levelSince()));
        n.put("lastNotifiedAt", iso(s.lastNotifiedAt()));
        ArrayNode told = n.putArray("told");
        s.told().forEach(told::add);
        n.put("acknowledgedBy", s.acknowledgedBy());
        n.put("acknowledgedAt", iso(s.acknowledgedAt()));
        n.put("acknowledgementComment", s.acknowledgementComment());
        n.put("acknowledgedUntil", iso(s.acknowledgedUntil()));
        n.put("silence", s.silence());
        n.put("closedAt", iso(s.closedAt()));
        n.put("reminders", s.reminders());
        ArrayNode missing = n.putArray("missing");
        s.missing().forEach(p -> missing.add(p.toString()));
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of plain values always serialises", ex);
        }
    }

    static AlertState decode(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            List<String> told = new ArrayList<>();
            n.path("told").forEach(t -> told.add(t.asText()));
            AlertKind kind = AlertKind.valueOf(n.get("kind").asText());
            Period period = Period.parse(n.get("period").asText());
            List<Period> missing = new ArrayList<>();
            if (n.has("missing")) {
                n.get("missing").forEach(p -> missing.add(Period.parse(p.asText())));
            } else if (kind == AlertKind.LATE_DATA) {
                missing.add(period); // stored when a late-data alert was about one period
            }
            return new AlertState(n.get("id").asText(), kind, n.get("partnership").asText(),
                    n.get("indicator").asText(), n.get("area").asText(), text(n, "priority"), n.get("targetRow").asInt(),
                    text(n, "lead"), text(n, "dataContact"), period,
                    Rating.valueOf(n.get("severity").asText()), n.get("level").asInt(), instant(n, "openedAt"),
                    instant(n, "levelSince"), instant(n, "lastNotifiedAt"), told, text(n, "acknowledgedBy"),
                    instant(n, "acknowledgedAt"), text(n, "acknowledgementComment"), instant(n, "acknowledgedUntil"),
                    text(n, "silence"), instant(n, "closedAt"), n.path("reminders").asInt(0), missing);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a stored alert is not readable: " + ex.getOriginalMessage(), ex);
        }
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }
}
