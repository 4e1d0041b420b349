package targetwatch.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/** The real rules/ folder (the secretariat's data; templates and DRL come from the release), and copies of it that a test may change one cell of. */
public final class RuleFolders {

    private RuleFolders() {
    }

    /** The live rule set folder: surefire passes it as {@code targetwatch.rules}. */
    public static Path real() {
        String configured = System.getProperty("targetwatch.rules");
        Path folder = (configured == null ? Path.of("..", "rules") : Path.of(configured)).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(folder.resolve("targets.csv")), "no rule set at " + folder
                + " (set the system property targetwatch.rules)");
        return folder;
    }

    /** Copies the real rule set, every file of it, into {@code into}. */
    public static Path copyOfReal(Path into) throws IOException {
        Path from = real();
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
        return into;
    }

    /** Writes a file from lines. */
    public static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Sets one cell of a secretariat CSV: the column {@code column} of the row whose first cell is
     * {@code key}.
     *
     * @return the spreadsheet row number of the edited row (the header is row 1)
     */
    public static int editCell(Path csv, String key, String column, String value) throws IOException {
        Table table = Table.read(csv);
        int index = table.header.indexOf(column);
        if (index < 0) {
            fail(csv.getFileName() + " has no column " + column);
        }
        int row = table.rowOf(key);
        table.rows.get(row - 2).set(index, value);
        table.write(csv);
        return row;
    }

    /** Adds a column, blank on every row, for a test to fill with {@link #editCell} (nothing if it is there). */
    public static void addColumn(Path csv, String column) throws IOException {
        Table table = Table.read(csv);
        if (table.header.contains(column)) {
            return;
        }
        table.header.add(column);
        table.rows.forEach(r -> r.add(""));
        table.write(csv);
    }

    /** Removes the row whose first cell is {@code key}. */
    public static void removeRow(Path csv, String key) throws IOException {
        Table table = Table.read(csv);
        table.rows.remove(table.rowOf(key) - 2);
        table.write(csv);
    }

    /** How many rows a secretariat CSV holds below its header. */
    public static int rowCount(Path csv) throws IOException {
        return Table.read(csv).rows.size();
    }

    /** The spreadsheet row numbers (the header is row 1) of the rows whose {@code column} holds {@code value}. */
    public static List<Integer> rowsWhere(Path csv, String column, String value) throws IOException {
        Table table = Table.read(csv);
        int index = table.header.indexOf(column);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < table.rows.size(); i++) {
            if (table.rows.get(i).get(index).equals(value)) {
                rows.add(i + 2);
            }
        }
        return rows;
    }

    /** A CSV file as text cells. */
    private record Table(List<String> header, List<List<String>> rows) {

        static Table read(Path csv) throws IOException {
            CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
            try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser parser = CSVParser.parse(r, format)) {
                List<List<String>> rows = new ArrayList<>();
                for (CSVRecord rec : parser) {
                    rows.add(new ArrayList<>(rec.toList()));
                }
                return new Table(new ArrayList<>(parser.getHeaderNames()), rows);
            }
        }

        int rowOf(String key) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).get(0).equals(key)) {
                    return i + 2;
                }
            }
            return fail("no row starts with " + key);
        }

        void write(Path csv) throws IOException {
            StringWriter out = new StringWriter();
            try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build())) {
                printer.printRecord(header);
                for (List<String> row : rows) {
                    printer.printRecord(row);
                }
            }
            Files.writeString(csv, out.toString(), StandardCharsets.UTF_8);
        }
    }
}
