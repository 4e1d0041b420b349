package targetwatch.routes;

import java.nio.file.Path;

import org.apache.camel.CamelContext;

/** Reads targetwatch settings from the Camel properties; relative paths are taken from the home folder. */
public final class Settings {

    /** The system property naming the targetwatch folder (set by ./targetwatch). */
    public static final String HOME = "targetwatch.home";

    private final CamelContext context;

    public Settings(CamelContext context) {
        this.context = context;
    }

    public String get(String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::strip).orElse("");
    }

    public Path path(String key) {
        return resolve(get(key));
    }

    /** A path as configured: absolute as it is, relative from the targetwatch folder. */
    public static Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : Path.of(System.getProperty(HOME, ".")).resolve(p).normalize();
    }
}
