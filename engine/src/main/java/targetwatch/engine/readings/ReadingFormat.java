package targetwatch.engine.readings;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.model.Period;
import targetwatch.engine.model.Reading;
import targetwatch.engine.model.Slugs;

/**
 * The reading contract of DESIGN.md in its two encodings, JSON (one object or an array) and CSV with the
 * same column names. Every bad row is rejected with its reason; the good rows still go through.
 */
public final class ReadingFormat {

    /** The columns a reading CSV must have; {@code partnership}, {@code reportedAt} and {@code note} are optional. */
    public static final List<String> REQUIRED = List.of("indicator", "area", "period", "value", "source");
    public static final List<String> COLUMNS = List.of("partnership", "indicator", "area", "period", "value", "source",
            "reportedAt", "note");
    private static final Set<String> FIELDS = Set.copyOf(COLUMNS);
    /** Deeper JSON than this is hostile, not a reading. */
    private static final int MAX_JSON_DEPTH = 8;
    private static final int MAX_VALUE_DIGITS = 20;

    private final ObjectMapper json;
    /** The partnership of a reading that names none, or null when it must name one. */
    private final String defaultPartnership;

    /** A format whose readings that name no partnership are the default partnership's (a single-folder service). */
    public ReadingFormat() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH)
                        .maxStringLength(1_000_000).maxNumberLength(MAX_VALUE_DIGITS + 10).build())
                .build();
        json = new ObjectMapper(factory);
        json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        defaultPartnership = Reading.DEFAULT_PARTNERSHIP;
    }

    private ReadingFormat(ObjectMapper json, String defaultPartnership) {
        this.json = json;
        this.defaultPartnership = defaultPartnership;
    }

    /**
     * The same format with another partnership for readings that name none (the sender's, or the only one the service
     * holds); null: such a reading is refused, saying to name its partnership.
     */
    public ReadingFormat withDefaultPartnership(String partnership) {
        return new ReadingFormat(json, partnership);
    }

    /** Whether a file name says the file holds readings in a format we read. */
    public static boolean isReadingFile(String name) {
        String n = name.toLowerCase();
        return n.endsWith(".csv") || n.endsWith(".json");
    }

    /** Parses a file by its name's ending: {@code .json} as JSON, anything else as CSV. */
    public void parse(String file, InputStream in, ReadingSink sink) throws IOException {
        if (file.toLowerCase().endsWith(".json")) {
            parseJson(file, in, sink);
        } else {
            parseCsv(file, in, sink);
        }
    }

    /** Parses a reading CSV as it streams: the header names the columns, in any order. */
    public void parseCsv(String file, InputStream in, ReadingSink sink) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(false).setAllowMissingColumnNames(true).build();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        try (CSVParser parser = CSVParser.parse(new BomSkippingReader(reader), format)) {
            List<String> header = parser.getHeaderNames();
            List<String> missing = REQUIRED.stream().filter(c -> !header.contains(c)).toList();
            if (!missing.isEmpty()) {
                sink.reject(new RejectedReading(file, 1, "the header lacks the column" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing) + " (a reading CSV has " + String.join(",", COLUMNS) + ")"));
                return;
            }
            Iterator<CSVRecord> rows = parser.iterator();
            while (true) {
                CSVRecord rec;
                try {
                    if (!rows.hasNext()) {
                        break;
                    }
                    rec = rows.next();
                } catch (RuntimeException e) {
                    sink.reject(new RejectedReading(file, parser.getRecordNumber() + 2, "unreadable CSV: "
                            + rootMessage(e) + "; the rest of the file was not read"));
                    return;
                }
                long row = rec.getRecordNumber() + 1;
                if (rec.size() == 1 && rec.get(0).isEmpty()) {
                    continue; // an empty line: skipped, but counted so row numbers match the file's lines
                }
                if (rec.size() > header.size()) {
                    sink.reject(new RejectedReading(file, row, "has " + rec.size() + " cells where the header has " + header.size()));
                    continue;
                }
                Map<String, String> cells = rec.toMap();
                try {
                    sink.accept(reading(cells::get), file, row);
                } catch (IllegalArgumentException e) {
                    sink.reject(new RejectedReading(file, row, e.getMessage()));
                }
            }
        } catch (IllegalArgumentException e) {
            sink.reject(new RejectedReading(file, 1, "unreadable CSV header: " + e.getMessage()));
        } catch (java.io.UncheckedIOException | java.nio.charset.CharacterCodingException e) {
            sink.reject(new RejectedReading(file, 0, "not UTF-8 text: " + rootMessage(e)));
        }
    }

    /**
     * Parses one JSON reading or an array of them, from UTF-8 only: wrongly encoded bytes (overlong forms, encoded
     * surrogates, bytes no UTF-8 text holds) reject the whole input rather than slip through as odd characters.
     */
    public void parseJson(String file, InputStream in, ReadingSink sink) throws IOException {
        JsonNode root;
        try {
            root = json.readTree(new BomSkippingReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))));
        } catch (JsonProcessingException e) {
            sink.reject(new RejectedReading(file, 0, "malformed JSON: " + e.getOriginalMessage()));
            return;
        } catch (java.nio.charset.CharacterCodingException e) {
            sink.reject(new RejectedReading(file, 0, "not UTF-8 text: " + rootMessage(e)));
            return;
        }
        if (root == null || root.isMissingNode()) {
            sink.reject(new RejectedReading(file, 0, "empty: no reading in it"));
            return;
        }
        if (root.isObject()) {
            jsonReading(file, 1, root, sink);
        } else if (root.isArray()) {
            int i = 0;
            for (JsonNode item : root) {
                jsonReading(file, ++i, item, sink);
            }
            if (i == 0) {
                sink.reject(new RejectedReading(file, 0, "an empty array: no reading in it"));
            }
        } else {
            sink.reject(new RejectedReading(file, 0, "expected a reading object or an array of them"));
        }
    }

    /** Parses one JSON reading from text, throwing with the reason when it is not one. */
    public List<Reading> parseJson(String text) {
        List<Reading> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            parseJson("message", new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), new ReadingSink() {
                @Override
                public void accept(Reading reading, String file, long row) {
                    out.add(reading);
                }

                @Override
                public void reject(RejectedReading rejected) {
                    problems.add(rejected.row() == 0 ? rejected.reason() : "item " + rejected.row() + ": " + rejected.reason());
                }
            });
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return out;
    }

    private void jsonReading(String file, long row, JsonNode node, ReadingSink sink) {
        if (!node.isObject()) {
            sink.reject(new RejectedReading(file, row, "expected a reading object"));
            return;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode v = node.get(name);
            if (FIELDS.contains(name) && !(v.isValueNode())) {
                sink.reject(new RejectedReading(file, row, name + " must be a plain value, not " + v.getNodeType().name().toLowerCase()));
                return;
            }
        }
        try {
            sink.accept(reading(field -> {
                JsonNode v = node.get(field);
                return v == null || v.isNull() ? null : v.asText();
            }), file, row);
        } catch (IllegalArgumentException e) {
            sink.reject(new RejectedReading(file, row, e.getMessage()));
        }
    }

    /** Builds a reading from named text cells, with a reason naming the field when one is wrong. */
    Reading reading(java.util.function.Function<String, String> cell) {
        String value = trim(cell.apply("value"));
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
        BigDecimal number;
        if (!value.matches("-?\\d{1," + MAX_VALUE_DIGITS + "}(\\.\\d{1,10})?")) {
            throw new IllegalArgumentException("value \"" + Slugs.abbreviate(value) + "\" is not a number");
        }
        number = new BigDecimal(value);
        Period period;
        try {
            period = Period.parse(trim(cell.apply("period")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("period " + e.getMessage(), e);
        }
        Instant reportedAt = null;
        String at = trim(cell.apply("reportedAt"));
        if (at != null) {
            try {
                reportedAt = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("reportedAt \"" + Slugs.abbreviate(at) + "\" is not an ISO instant such as 2014-04-02T09:00:00Z", e);
            }
        }
        String note = trim(cell.apply("note"));
        if (note != null && note.chars().anyMatch(c -> c == 0)) {
            throw new IllegalArgumentException("note holds a NUL character");
        }
        String partnership = trim(cell.apply("partnership"));
        if (partnership == null) {
            if (defaultPartnership == null) {
                throw new IllegalArgumentException("partnership is required: this service holds several partnerships and"
                        + " the sender speaks for more than one");
            }
            partnership = defaultPartnership;
        }
        return new Reading(partnership, trim(cell.apply("indicator")), trim(cell.apply("area")),
                period, number, trim(cell.apply("source")), reportedAt, note);
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
