package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The secretariat's files as the tests edit them: the real rules/ folder copied to a folder the service
 * watches, one cell of targets.csv changed, and files packed as a zip upload.
 */
final class SecretariatFiles {

    static final String TARGETS = "targets.csv";

    private SecretariatFiles() {
    }

    /** The real rule set folder, which surefire passes as {@code targetwatch.rules}. */
    static Path real() {
        return Path.of(System.getProperty("targetwatch.rules")).toAbsolutePath().normalize();
    }

    /** Copies every file of the real rule set into {@code into}. */
    static Path copyOfReal(Path into) throws IOException {
        Path from = real();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path to = into.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return into;
    }

    /**
     * A copy of the real rule set that rates readings for any area, as these tests send readings for areas of their
     * own (each test its own "ward") to keep their series apart; the real areas.csv would refuse them.
     */
    static Path copyOfRealTakingAnyArea(Path into) throws IOException {
        copyOfReal(into);
        Files.writeString(into.resolve("settings.csv"), "setting,value\nunlisted_areas,rate\n", StandardCharsets.UTF_8);
        return into;
    }

    /** The real targets.csv as text. */
    static String realTargets() throws IOException {
        return Files.readString(real().resolve(TARGETS), StandardCharsets.UTF_8);
    }

    /**
     * The CSV text with one cell changed: {@code column} of the row whose first cell is {@code key}. The other
     * rows are written back as they were read (quoted where CSV needs it).
     */
    static String withCell(String csv, String key, String column, String value) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
        List<String> header;
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), format)) {
            header = new ArrayList<>(parser.getHeaderNames());
            for (CSVRecord rec : parser) {
                rows.add(new ArrayList<>(rec.toList()));
            }
        }
        int index = header.indexOf(column);
        if (index < 0) {
            fail("no column " + column + " in " + header);
        }
        List<String> row = rows.stream().filter(r -> r.get(0).equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no row starts with " + key));
        row.set(index, value);
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build())) {
            printer.printRecord(header);
            for (List<String> r : rows) {
                printer.printRecord(r);
            }
        }
        return out.toString();
    }

    /** The spreadsheet row (the header is row 1) of the targets row whose first cell is {@code key}. */
    static int rowOf(String csv, String key) {
        List<String> lines = csv.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(key + ",")) {
                return i + 1;
            }
        }
        return fail("no row starts with " + key);
    }

    /**
     * Replaces a file of a watched folder all at once (written beside it under a name the service does not
     * read, then renamed), so that the service never reads half of it.
     */
    static void replace(Path folder, String name, String text) throws IOException {
        Path part = folder.resolve("." + name + ".part");
        Files.writeString(part, text, StandardCharsets.UTF_8);
        Files.move(part, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A zip of the named entries. */
    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
