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
        copyTree(rules, into);
        return withSetting(into, "unlisted_areas", "rate");
    }

    /** Copies a folder and everything below it into {@code into}. */
    public static void copyTree(Path from, Path into) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path to = into.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    /** Sets one row of the folder's settings.csv (made when absent), replacing the setting's row if it has one. */
    public static Path withSetting(Path folder, String setting, String value) throws IOException {
        Path settings = folder.resolve("settings.csv");
        java.util.List<String> lines = new java.util.ArrayList<>(Files.isRegularFile(settings)
                ? Files.readAllLines(settings, StandardCharsets.UTF_8) : java.util.List.of("setting,value"));
        lines.removeIf(line -> line.startsWith(setting + ","));
        lines.add(setting + "," + value);
        Files.write(settings, lines, StandardCharsets.UTF_8);
        return folder;
    }
}
