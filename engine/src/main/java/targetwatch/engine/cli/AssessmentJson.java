package targetwatch.engine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import targetwatch.engine.model.Assessment;

/** The one JSON form of an assessment, as DESIGN.md fixes it for {@code replay --json} and the API. */
public final class AssessmentJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private AssessmentJson() {
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

    /** The assessment as one line of JSON. */
    public static String line(Assessment a) {
        try {
            return MAPPER.writeValueAsString(toJson(a));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an assessment always serialises", e);
        }
    }
}
