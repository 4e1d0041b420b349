package targetwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The rule set the benchmarks run on: a copy of the given one that rates readings for any area. The generated feeds
 * spread their readings over hundreds of wards to make many series, and the sample rules' areas.csv lists only
 * maidstone and kent, so it would refuse them.
 */
public final class BenchRules {

    private BenchRules() {
    }

    /** Copies {@code rules} into {@code into} with {@code unlisted_areas,rate} in its settings.csv. */
    public static Path takingAnyArea(Path rules, Path into) throws IOException {
        try (Stream<Path> files = Files.walk(rules)) {
            for (Path p : files.toList()) {
                Path to = into.resolve(rules.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path settings = into.resolve("settings.csv");
        String text = Files.isRegularFile(settings) ? Files.readString(settings, StandardCharsets.UTF_8) : "setting,value\n";
        if (!text.contains("unlisted_areas")) {
            Files.writeString(settings, (text.endsWith("\n") ? text : text + "\n") + "unlisted_areas,rate\n",
                    StandardCharsets.UTF_8);
        }
        return into;
    }
}
