package targetwatch.engine.store;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Direction;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;

/**
 * Stores an alert event whole, so the relay can deliver it exactly as it was raised. Events stored before alerts
 * had ids, times and actors decode with none of them (and not silenced).
 */
final class AlertEventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertEventCodec() {
    }

    static String encode(AlertEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("sequence", e.sequence());
        n.put("type", e.type().name());
        n.put("partnership", e.partnership());
        n.put("indicator", e.indicator());
        n.put("area", e.area());
        n.put("period", e.period().toString());
        n.put("severity", e.severity().name());
        n.put("previousSeverity", e.previousSeverity() == null ? null : e.previousSeverity().name());
        n.put("actual", e.actual() == null ? null : e.actual().toPlainString());
        n.put("expected", e.expected() == null ? null : e.expected().toPlainString());
        n.put("direction", e.direction().name());
        n.put("level", e.level());
        n.put("targetRow", e.targetRow());
        n.put("recipient", e.recipient());
        n.put("reason", e.reason());
        n.put("priority", e.priority());
        n.put("alertId", e.alertId());
        n.put("at", e.at() == null ? null : e.at().toString());
        n.put("actor", e.actor());
        n.put("comment", e.comment());
        n.put("silenced", e.silenced());
        if (e.history()) {
            n.put("history", true);
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of plain values always serialises", ex);
        }
    }

    static AlertEvent decode(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new AlertEvent(n.get("id").asText(), n.get("sequence").asLong(), AlertEventType.valueOf(n.get("type").asText()),
                    n.get("partnership").asText(), n.get("indicator").asText(), n.get("area").asText(),
                    Period.parse(n.get("period").asText()), Rating.valueOf(n.get("severity").asText()),
                    n.get("previousSeverity").isNull() ? null : Rating.valueOf(n.get("previousSeverity").asText()),
                    decimal(n.get("actual")), decimal(n.get("expected")), Direction.valueOf(n.get("direction").asText()),
                    n.get("level").asInt(), n.get("targetRow").asInt(), n.get("recipient").asText(), text(n, "reason"),
                    text(n, "priority"), text(n, "alertId"), instant(n, "at"), text(n, "actor"), text(n, "comment"),
                    n.path("silenced").asBoolean(false), n.path("history").asBoolean(false));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a stored alert event is not readable: " + ex.getOriginalMessage(), ex);
        }
    }

    /** A field's text; null when it is null or absent. */
    static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** A field's instant, written as ISO text; null when it is null or absent. */
    static Instant instant(JsonNode n, String field) {
        return n.hasNonNull(field) ? Instant.parse(n.get(field).asText()) : null;
    }

    private static BigDecimal decimal(JsonNode n) {
        return n == null || n.isNull() ? null : new BigDecimal(n.asText());
    }
}
