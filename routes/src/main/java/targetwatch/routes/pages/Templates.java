package targetwatch.routes.pages;

import java.util.Map;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The templates under {@code src/main/jte}, compiled to Java at build time by the jte plugin and escaped by context
 * (text, attribute, URL, script): the pages render through them, never by string concatenation.
 */
public final class Templates {

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {
    }

    /** The template (such as {@code alerts.jte}) rendered with its parameters, by name. */
    public static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, params, out);
        return out.toString();
    }
}
