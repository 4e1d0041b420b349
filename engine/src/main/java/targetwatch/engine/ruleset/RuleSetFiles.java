package targetwatch.engine.ruleset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A rule set as files (relative name to text), for storing versions and moving them between the
 * watched folder, uploads and the folder a version is compiled from.
 */
public final class RuleSetFiles {

    /**
     * The files the secretariat owns and may upload or keep in the rules folder; the rest (templates, DRL) comes with
     * a release ({@link ReleaseRules}).
     */
    public static final Set<String> SECRETARIAT_FILES = Set.of("targets.csv", "targets.xlsx", "contacts.csv",
            "escalation.csv", "silences.csv", "population.csv", "areas.csv", "bank-holidays.csv", "settings.csv");
    private static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    private RuleSetFiles() {
    }

    /** Whether a file belongs to the developers (templates and DRL), which uploads may not carry. */
    public static boolean isDeveloperOwned(String name) {
        return name.startsWith(RuleSetLoader.TEMPLATES + "/") || name.endsWith(".drl") || name.endsWith(".drt");
    }

    /**
     * The secretariat's files of a stored version: versions stored before the rules came from the release also hold
     * the templates and DRL of their day, which the release's own now replace.
     */
    public static Map<String, String> withoutDeveloperFiles(Map<String, String> files) {
        Map<String, String> out = new TreeMap<>(files);
        out.keySet().removeIf(RuleSetFiles::isDeveloperOwned);
        return out;
    }

    /** Reads every rule set file of a folder: its .csv files, *.drl and templates/*.drt. */
    public static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder, 2)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = folder.relativize(p).toString().replace('\\', '/');
                boolean wanted = name.equals(RuleSetLoader.TEMPLATES + "/" + p.getFileName()) ? name.endsWith(".drt")
                        : !name.contains("/") && (name.endsWith(".csv") || name.endsWith(".drl"));
                if (wanted && Files.size(p) <= MAX_FILE_BYTES) {
                    files.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    /**
     * The files of one partnership's folder under a root of partnership folders: its own, and the root's shared
     * reference files ({@link RuleSetLayout#SHARED_FILES}) it has none of; a stored version is whole by itself.
     *
     * @param shared the root, or null for a folder on its own
     */
    public static Map<String, String> read(Path folder, Path shared) throws IOException {
        Map<String, String> files = read(folder);
        if (shared != null) {
            for (String name : RuleSetLayout.SHARED_FILES) {
                Path p = shared.resolve(name);
                if (!files.containsKey(name) && Files.isRegularFile(p) && Files.size(p) <= MAX_FILE_BYTES) {
                    files.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    /** Writes the files into an empty folder, refusing any name that would leave it. */
    public static Path write(Map<String, String> files, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = folder.resolve(f.getKey()).normalize();
            if (!target.startsWith(folder.normalize())) {
                throw new IOException("\"" + f.getKey() + "\" would be written outside the rule set folder");
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
        return folder;
    }

    /** A SHA-256 over names and contents, the same for the same files wherever they are. */
    public static String checksum(Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(files).forEach((name, text) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(text.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
