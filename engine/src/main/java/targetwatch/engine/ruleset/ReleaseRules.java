package targetwatch.engine.ruleset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import targetwatch.engine.model.Kind;

/**
 * The developer-owned rules, which come with the release (this jar's {@code targetwatch/rules/}: a template
 * {@code templates/<kind>.drt} per kind of target and the cross-cutting DRL), never from the watched rules folder or an
 * upload: the folder and uploads carry the secretariat's data only, so write access to them is not code execution.
 *
 * @param templates each kind's template by kind code ({@code reduce-to})
 * @param drl the cross-cutting DRL by name without {@code .drl} ({@code alerts})
 */
public record ReleaseRules(Map<String, String> templates, Map<String, String> drl) {

    /** Where the release keeps them on the class path. */
    public static final String RESOURCES = "/targetwatch/rules/";
    /** The cross-cutting DRL files the release holds. */
    static final List<String> DRL = List.of("alerts");

    private static final ReleaseRules SHIPPED = load();

    public ReleaseRules {
        templates = Map.copyOf(templates);
        drl = Map.copyOf(drl);
    }

    /** The rules this release ships with. */
    public static ReleaseRules shipped() {
        return SHIPPED;
    }

    private static ReleaseRules load() {
        Map<String, String> templates = new TreeMap<>();
        for (Kind k : Kind.values()) {
            String text = resource(RuleSetLoader.TEMPLATES + "/" + k.code() + ".drt");
            if (text != null) {
                templates.put(k.code(), text);
            }
        }
        Map<String, String> drl = new TreeMap<>();
        for (String name : DRL) {
            String text = resource(name + ".drl");
            if (text == null) {
                throw new IllegalStateException("the release has no " + RESOURCES + name + ".drl");
            }
            drl.put(name, text);
        }
        return new ReleaseRules(templates, drl);
    }

    private static String resource(String name) {
        try (InputStream in = ReleaseRules.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCES + name + " from the release: " + e.getMessage(), e);
        }
    }

    /** The same release without one kind's template (a test of the refusal when a kind has none). */
    public ReleaseRules withoutTemplate(String kind) {
        Map<String, String> t = new TreeMap<>(templates);
        t.remove(kind);
        return new ReleaseRules(t, drl);
    }

    /** The rules as files ({@code templates/reduce-to.drt}, {@code alerts.drl}), for a rule set's checksum. */
    public Map<String, String> files() {
        Map<String, String> out = new TreeMap<>();
        templates.forEach((kind, text) -> out.put(RuleSetLoader.TEMPLATES + "/" + kind + ".drt", text));
        drl.forEach((name, text) -> out.put(name + ".drl", text));
        return out;
    }
}
