package targetwatch.engine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Assessment;

/** The one JSON form of assessments and alert events, as DESIGN.md fixes it for {@code replay --json}, the API and the topic. */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private EventJson() {
    }

    /** {@code {"type":"assessment","partnership":...,"direction":"improving"}} with the fields in contract order. */
    public static ObjectNode toJson(Assessment a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "assessment");
        n.put("partnership", a.partnership());
        n.put("indicator", a.indicator());
        n.put("area", a.area());
        n.put("period", a.period().toString());
        n.put("actual", a.actual());
        n.put("expected", a.expected());
        n.put("rating", a.rating().name());
        n.put("direction", a.direction().code());
        return n;
    }

    /**
     * {@code {"type":"alert","event":"RAISED","level":1,...}}: the alert event and the reading behind it; then, when
     * the event has them, the alert it belongs to ({@code alert}), when it happened ({@code at}, an ISO instant), the
     * target's {@code priority}, who caused it ({@code actor}) and what they said ({@code comment}), and
     * {@code "silenced":true} for an event kept for the history but delivered to nobody, and {@code "history":true}
     * for one that came of a reading for a period long past, likewise delivered to nobody.
     */
    public static ObjectNode toJson(AlertEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "alert");
        n.put("event", e.type().name());
        n.put("level", e.level());
        n.put("id", e.id());
        n.put("partnership", e.partnership());
        n.put("indicator", e.indicator());
        n.put("area", e.area());
        n.put("period", e.period().toString());
        n.put("severity", e.severity().name());
        n.put("previousSeverity", e.previousSeverity() == null ? null : e.previousSeverity().name());
        n.put("actual", e.actual());
        n.put("expected", e.expected());
        n.put("direction", e.direction().code());
        n.put("recipient", e.recipient());
        if (e.reason() != null) {
            n.put("reason", e.reason());
        }
        if (e.alertId() != null) {
            n.put("alert", e.alertId());
        }
        if (e.at() != null) {
            n.put("at", e.at().toString());
        }
        if (e.priority() != null) {
            n.put("priority", e.priority());
        }
        if (e.actor() != null) {
            n.put("actor", e.actor());
        }
        if (e.comment() != null) {
            n.put("comment", e.comment());
        }
        if (e.silenced()) {
            n.put("silenced", true);
        }
        if (e.history()) {
            n.put("history", true);
        }
        return n;
    }

    /** The assessment as one line of JSON. */
    public static String line(Assessment a) {
        return write(toJson(a));
    }

    /** The noise of a replay as one line of JSON: {@code {"type":"noise",...}}. */
    public static String line(targetwatch.engine.alerts.NoiseReport noise) {
        return write(noise.toJson());
    }

    /**
     * One partnership's noise when a replay runs several: {@code {"type":"noise","partnership":"ashford",...}}.
     */
    public static String line(targetwatch.engine.alerts.NoiseReport noise, String partnership) {
        ObjectNode n = MAPPER.createObjectNode();
        ObjectNode fields = noise.toJson();
        n.set("type", fields.remove("type"));
        n.put("partnership", partnership);
        n.setAll(fields);
        return write(n);
    }

    /**
     * The line that opens a partnership's group when a replay runs several: {@code {"type":"partnership",
     * "partnership":"maidstone","name":"Safer Maidstone Partnership","folder":"samples/kent/maidstone"}}; its
     * assessments and alert events follow it.
     */
    public static String partnershipLine(String partnership, String name, String folder) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "partnership");
        n.put("partnership", partnership);
        n.put("name", name);
        n.put("folder", folder);
        return write(n);
    }

    /** The alert event as one line of JSON. */
    public static String line(AlertEvent e) {
        return write(toJson(e));
    }

    private static String write(ObjectNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }
}
