package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.opc.PackagePartName;
import org.apache.poi.openxml4j.opc.PackagingURIHelper;
import org.apache.poi.openxml4j.opc.TargetMode;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import targetwatch.engine.ruleset.TargetsWorkbook;

/**
 * Rule sets through the API on the running service: uploads checked and refused with a clear reason, previews
 * that list exactly what a change would alter, activation and rollback, and the targets workbook round trip.
 * The service watches a copy of the real rules folder that no test changes. Only the preview test sends KSI
 * readings, so that the KSI changes it expects are all there are; every test starts from version 1 (the rule set
 * the service started with) where it matters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuleSetApiEndToEndTest {

    private static final String KSI = "ksi-casualties";
    private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /** The rule set the service started with: stored as version 1. */
    private static final int FIRST_VERSION = 1;

    private RunningTargetwatch app;

    @BeforeAll
    void startTargetwatch(@TempDir Path data, @TempDir Path rules) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of(
                "targetwatch.rules", SecretariatFiles.copyOfRealTakingAnyArea(rules).toString(),
                "targetwatch.rules.auto-activate", "false"));
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    // ---- invalid changes

    @Test
    void an_upload_with_bad_cells_is_refused_with_each_file_row_and_column_and_the_active_version_stays() throws Exception {
        // given the active version
        JsonNode before = rulesets();
        String activeChecksum = statusChecksum();

        // when the secretariat uploads targets.csv with a tolerance of 150% and a target date of 30 February
        String targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), "asb-satisfaction", "tolerance_pct", "150");
        targets = SecretariatFiles.withCell(targets, KSI, "target_date", "2018-02-30");
        HttpResponse<String> response = upload("secretariat", "text/csv", "targets.csv", targets.getBytes(StandardCharsets.UTF_8));

        // then it is refused with every error at its file, row and column
        assertEquals(422, response.statusCode(), response.body());
        JsonNode answer = RunningTargetwatch.json(response);
        List<String> expected = List.of(
                "targets.csv:" + SecretariatFiles.rowOf(targets, "asb-satisfaction") + ":tolerance_pct: 150 is not a percentage between 0 and 100",
                "targets.csv:" + SecretariatFiles.rowOf(targets, KSI) + ":target_date: \"2018-02-30\" is not a real date");
        assertEquals("REFUSED", answer.get("status").asText());
        assertEquals(expected, texts(answer.get("errors")));

        // and it is kept as a refused version, with who sent it and why it was refused
        JsonNode stored = version(answer.get("version").asInt()).orElseThrow();
        assertAll(
                () -> assertEquals("REFUSED", stored.get("status").asText()),
                () -> assertEquals("secretariat", stored.get("createdBy").asText()),
                () -> assertEquals(expected, texts(stored.get("errors"))));

        // and it cannot be activated: the running version stays
        HttpResponse<String> activation = activate("secretariat", answer.get("version").asInt());
        assertTrue(activation.statusCode() >= 400, activation.statusCode() + " " + activation.body());
        assertTrue(activation.body().contains("refused"), activation.body());
        assertEquals(before.get("active").asInt(), rulesets().get("active").asInt());
        assertEquals(activeChecksum, statusChecksum());
    }

    static Stream<Arguments> refusedUploads() {
        return Stream.of(
                Arguments.of("DRL text in the indicator and target cells", (Supplier<Upload>) () -> new Upload("text/csv",
                        "targets.csv", csvWithDrlInCells()), 422,
                        List.of("targets.csv:11:indicator: ", "is not a lower-case identifier", "targets.csv:11:target: ",
                                "is not a number")),
                Arguments.of("an .xlsx holding a formula", (Supplier<Upload>) () -> new Upload(XLSX, "targets.xlsx",
                        workbookWithFormula()), 422,
                        List.of("targets.xlsx was refused", "targets.xlsx:11:target: holds a formula (30+10); type the value itself")),
                Arguments.of("an .xlsx with a macro (xl/vbaProject.bin)", (Supplier<Upload>) () -> new Upload(XLSX,
                        "targets.xlsx", workbookWithMacro()), 422,
                        List.of("targets.xlsx was refused", "targets.xlsx:0:: holds macros; save it as a plain .xlsx workbook without macros")),
                Arguments.of("a zip entry escaping its folder", (Supplier<Upload>) () -> new Upload("application/zip", null,
                        zip(Map.of("../targets.csv", realTargetsBytes()))), 422,
                        List.of("zip entry \"../targets.csv\" would escape its folder")),
                Arguments.of("a zip bomb (30 MB of zeros)", (Supplier<Upload>) () -> new Upload("application/zip", null,
                        zip(Map.of("targets.csv", new byte[30 * 1024 * 1024]))), 422,
                        List.of("the zip unpacks to more than 20 MB (at targets.csv): refused as a zip bomb")),
                Arguments.of("a DRL file", (Supplier<Upload>) () -> new Upload("text/plain", "alerts.drl",
                        "rule \"x\" when then System.exit(1); end".getBytes(StandardCharsets.UTF_8)), 422,
                        List.of("\"alerts.drl\" is a template or DRL: these change only with a release, never by upload")),
                Arguments.of("a template in a zip", (Supplier<Upload>) () -> new Upload("application/zip", null,
                        zip(Map.of("targets.csv", realTargetsBytes(), "templates/reduce-to.drt",
                                "template header\nrow\n".getBytes(StandardCharsets.UTF_8)))), 422,
                        List.of("\"reduce-to.drt\" is a template or DRL: these change only with a release, never by upload")),
                Arguments.of("a 50 MB upload", (Supplier<Upload>) () -> new Upload("application/zip", null,
                        new byte[50 * 1024 * 1024]), 413, List.of()));
    }

    @ParameterizedTest(name = "{0} is refused with a clear reason and the active version stays")
    @MethodSource("refusedUploads")
    void an_upload_that_is_not_plain_secretariat_data_is_refused_with_a_clear_reason_and_the_active_version_stays(
            String what, Supplier<Upload> upload, int status, List<String> reasons) throws Exception {
        // given the active version
        int active = rulesets().get("active").asInt();
        String activeChecksum = statusChecksum();

        // when the secretariat uploads it
        Upload u = upload.get();
        HttpResponse<String> response = upload("secretariat", u.contentType(), u.name(), u.body());

        // then it is refused, saying why
        assertEquals(status, response.statusCode(), response.body());
        for (String reason : reasons) {
            assertTrue(response.body().contains(json(reason)), "\"" + reason + "\" not in " + response.body());
        }

        // and nothing running changed
        assertEquals(active, rulesets().get("active").asInt());
        assertEquals(activeChecksum, statusChecksum());
    }

    @Test
    void only_the_secretariat_or_admin_may_upload_or_activate_a_rule_set() throws Exception {
        // given a valid upload and a version to activate
        byte[] targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), "asb-satisfaction", "target", "86")
                .getBytes(StandardCharsets.UTF_8);
        int versions = rulesets().get("versions").size();
        int active = rulesets().get("active").asInt();

        // when a viewer or a lead uploads it, or activates the first version
        // then they are refused with 403, and nothing is stored or activated
        for (String user : List.of("viewer", "lead")) {
            HttpResponse<String> uploaded = upload(user, "text/csv", "targets.csv", targets);
            assertEquals(403, uploaded.statusCode(), user + ": " + uploaded.body());
            assertTrue(uploaded.body().contains("needs the secretariat role"), uploaded.body());
            HttpResponse<String> activated = activate(user, FIRST_VERSION);
            assertEquals(403, activated.statusCode(), user + ": " + activated.body());
        }
        assertEquals(versions, rulesets().get("versions").size());
        assertEquals(active, rulesets().get("active").asInt());

        // and without credentials it is 401
        HttpResponse<String> anonymous = app.send(app.request("/api/rulesets").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(targets)).build());
        assertEquals(401, anonymous.statusCode(), anonymous.body());

        // while admin may upload (the secretariat does throughout these tests), and a viewer may read the versions
        uploaded(upload("admin", "text/csv", "targets.csv", targets));
        assertEquals(versions + 1, rulesets().get("versions").size());
    }

    // ---- rollback

    @Test
    void rolling_back_to_version_n_restores_exactly_the_ratings_n_gave() throws Exception {
        // given version 1 active and readings that the change below rates differently
        assertEquals(200, activate("secretariat", FIRST_VERSION).statusCode());
        String area = "rollback-ward";
        assertEquals(202, app.postReadings("lead", "[" + String.join(",",
                Readings.json("asb-satisfaction", area, "2017-Q4", "83"),
                Readings.json("perception-drugs", area, "2017", "3.9"),
                Readings.json("needles-collected", area, "2017", "1300"),
                Readings.json("asb-satisfaction", "rollback-other-ward", "2017-Q4", "86")) + "]").statusCode());
        JsonNode underFirst = status();

        // and a version that moves those three targets, activated
        String moved = SecretariatFiles.withCell(SecretariatFiles.realTargets(), "asb-satisfaction", "target", "95");
        moved = SecretariatFiles.withCell(moved, "perception-drugs", "target", "2");
        moved = SecretariatFiles.withCell(moved, "needles-collected", "target", "600");
        int second = uploaded(upload("secretariat", "text/csv", "targets.csv", moved.getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, activate("secretariat", second).statusCode());
        JsonNode underSecond = status();
        assertNotEquals(ratingsIn(underFirst, area), ratingsIn(underSecond, area), "the second version rates them alike");
        assertNotEquals(underFirst.get("ruleSet"), underSecond.get("ruleSet"));

        // when admin rolls back to version 1
        HttpResponse<String> rollback = activate("admin", FIRST_VERSION);

        // then version 1 is active again and every assessment is exactly what version 1 gave
        assertEquals(200, rollback.statusCode(), rollback.body());
        assertEquals(FIRST_VERSION, rulesets().get("active").asInt());
        assertEquals("RETIRED", version(second).orElseThrow().get("status").asText());
        assertEquals(underFirst, status());
    }

    // ---- preview

    @Test
    void the_preview_of_a_tighter_ksi_target_lists_exactly_the_ksi_periods_and_alerts_that_change_and_nothing_else()
            throws Exception {
        // given version 1 (KSI to reduce from 58 to 40) active, and readings for several indicators: the KFRS sample
        // feed (KSI 2012-2017 in Maidstone, RED in 2017, and RUSH deliveries), a Maidstone KSI count for 2010 (before
        // the baseline date, so rated against the baseline whatever the target), a ward green in 2017 under a target
        // of 40, another amber, and readings of other indicators
        assertEquals(200, activate("secretariat", FIRST_VERSION).statusCode());
        List<String> readings = new ArrayList<>(kfrsSampleFeed());
        readings.add(Readings.json(KSI, "maidstone", "2010", "57"));
        readings.add(Readings.json(KSI, "preview-green-ward", "2017", "35"));
        readings.add(Readings.json(KSI, "preview-amber-ward", "2017", "42"));
        readings.add(Readings.json("asb-satisfaction", "preview-green-ward", "2017-Q4", "83"));
        readings.add(Readings.json("perception-drugs", "preview-green-ward", "2017", "4.2"));
        HttpResponse<String> posted = app.postReadings("lead", "[" + String.join(",", readings) + "]");
        assertEquals(202, posted.statusCode(), posted.body());
        JsonNode statusBefore = status();

        // when the secretariat uploads targets.csv with the KSI target tightened from 40 to 30, and previews it
        String tighter = SecretariatFiles.withCell(SecretariatFiles.realTargets(), KSI, "target", "30");
        int candidate = uploaded(upload("secretariat", "text/csv", "targets.csv", tighter.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> byViewer = app.send(app.request("/api/rulesets/" + candidate + "/preview")
                .header("Authorization", app.basicAuth("viewer")).GET().build());
        assertEquals(403, byViewer.statusCode(), "a viewer may not set a candidate's build and replay going: " + byViewer.body());
        HttpResponse<String> response = app.send(app.request("/api/rulesets/" + candidate + "/preview")
                .header("Authorization", app.basicAuth("secretariat")).GET().build());

        // then the preview lists every KSI period after the baseline date (its expected value falls), and only those
        assertEquals(200, response.statusCode(), response.body());
        JsonNode preview = RunningTargetwatch.json(response);
        Map<String, String> ratings = new LinkedHashMap<>();
        for (JsonNode change : preview.get("ratings")) {
            ratings.put(change.get("series").asText() + " " + change.get("period").asText(),
                    change.get("before").get("rating").asText() + " -> " + change.get("after").get("rating").asText());
            assertTrue(change.get("before").get("expected").decimalValue()
                    .compareTo(change.get("after").get("expected").decimalValue()) > 0, change.toString());
        }
        assertEquals(Map.of(
                "maidstone/ksi-casualties/maidstone 2012", "GREEN -> GREEN",
                "maidstone/ksi-casualties/maidstone 2013", "GREEN -> GREEN",
                "maidstone/ksi-casualties/maidstone 2014", "AMBER -> RED",
                "maidstone/ksi-casualties/maidstone 2015", "RED -> RED",
                "maidstone/ksi-casualties/maidstone 2016", "RED -> RED",
                "maidstone/ksi-casualties/maidstone 2017", "RED -> RED",
                "maidstone/ksi-casualties/preview-amber-ward 2017", "AMBER -> RED",
                "maidstone/ksi-casualties/preview-green-ward 2017", "GREEN -> RED"), ratings);

        // and exactly the two alerts that change: the green ward's opens, the amber ward's worsens; Maidstone's stays
        // open and red, and says nothing
        Set<String> alerts = StreamSupport.stream(preview.get("alerts").spliterator(), false)
                .map(a -> a.get("series").asText() + " " + a.get("before").asText() + " -> " + a.get("after").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("maidstone/ksi-casualties/preview-amber-ward AMBER -> RED",
                "maidstone/ksi-casualties/preview-green-ward none -> RED"), alerts);
        Set<String> events = StreamSupport.stream(preview.get("events").spliterator(), false)
                .map(e -> e.get("area").asText() + " " + e.get("event").asText() + " " + e.get("severity").asText()
                        + " " + e.get("reason").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("preview-amber-ward WORSENED RED rule change", "preview-green-ward RAISED RED rule change"), events);

        // and previewing changed nothing running
        assertEquals(FIRST_VERSION, rulesets().get("active").asInt());
        assertEquals(statusBefore, status());
    }

    // ---- the workbook

    @Test
    void the_active_targets_downloaded_as_targets_xlsx_can_be_uploaded_back_and_change_nothing() throws Exception {
        // given version 1 active and readings of several indicators
        assertEquals(200, activate("secretariat", FIRST_VERSION).statusCode());
        String area = "workbook-ward";
        assertEquals(202, app.postReadings("lead", "[" + String.join(",",
                Readings.json("asb-satisfaction", area, "2017-Q4", "83"),
                Readings.json("perception-drugs", area, "2017", "4.2"),
                Readings.json("needles-collected", area, "2017", "1300"),
                Readings.json("rush-year11-delivery", area, "2017/18", "2900")) + "]").statusCode());

        // when a viewer downloads the active targets as a workbook
        HttpResponse<byte[]> download = app.sendForBytes(app.request("/api/rulesets/active/targets.xlsx")
                .header("Authorization", app.basicAuth("viewer")).GET().build());
        assertEquals(200, download.statusCode());
        assertEquals(XLSX, download.headers().firstValue("Content-Type").orElse(""));

        // then it holds the active targets, cell for cell
        assertEquals(cells(SecretariatFiles.realTargets()), cells(TargetsWorkbook.toCsv(new ByteArrayInputStream(download.body()))));

        // and the secretariat can upload it back as it is: accepted, and activating it would change no rating or alert
        int version = uploaded(upload("secretariat", XLSX, "targets.xlsx", download.body()));
        JsonNode preview = RunningTargetwatch.json(app.send(app.request("/api/rulesets/" + version + "/preview")
                .header("Authorization", app.basicAuth("secretariat")).GET().build()));
        assertEquals(0, preview.get("ratings").size(), preview.toString());
        assertEquals(0, preview.get("alerts").size(), preview.toString());
        assertEquals("CANDIDATE", version(version).orElseThrow().get("status").asText());
    }

    // ---- uploads

    /** What the secretariat sends: the content type, the ?name= of a single file (null for a zip), the bytes. */
    record Upload(String contentType, String name, byte[] body) {
    }

    private HttpResponse<String> upload(String user, String contentType, String name, byte[] body) throws Exception {
        return app.send(app.request("/api/rulesets" + (name == null ? "" : "?name=" + name))
                .header("Authorization", app.basicAuth(user)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** The version number of an upload that was accepted as a candidate. */
    private static int uploaded(HttpResponse<String> response) throws IOException {
        assertEquals(201, response.statusCode(), response.body());
        JsonNode answer = RunningTargetwatch.json(response);
        assertEquals("CANDIDATE", answer.get("status").asText());
        return answer.get("version").asInt();
    }

    private HttpResponse<String> activate(String user, int version) throws Exception {
        return app.send(app.request("/api/rulesets/" + version + "/activate").header("Authorization", app.basicAuth(user))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static byte[] realTargetsBytes() {
        try {
            return SecretariatFiles.realTargets().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        try {
            return SecretariatFiles.zip(entries);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real targets.csv with DRL written into the KSI row's indicator and target cells. */
    private static byte[] csvWithDrlInCells() {
        try {
            String targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), KSI, "target",
                    "40\" ) then System.exit(1); end rule \"x\" when then");
            targets = SecretariatFiles.withCell(targets, KSI, "indicator",
                    "ksi\" ) then java.nio.file.Files.delete(java.nio.file.Path.of(\"/\")); end //");
            return targets.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The active targets as a workbook, the KSI target typed as the formula =30+10. */
    private static byte[] workbookWithFormula() {
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(TargetsWorkbook.fromCsv(SecretariatFiles.realTargets())))) {
            Row header = wb.getSheetAt(0).getRow(0);
            int target = -1;
            for (int c = 0; c < header.getLastCellNum(); c++) {
                if (header.getCell(c).getStringCellValue().equals("target")) {
                    target = c;
                }
            }
            for (Row row : wb.getSheetAt(0)) {
                if (row.getCell(0).getStringCellValue().equals(KSI)) {
                    row.getCell(target).setCellFormula("30+10");
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The active targets as a workbook whose package also holds a VBA project, as Excel saves macros. */
    private static byte[] workbookWithMacro() {
        try (OPCPackage pkg = OPCPackage.open(new ByteArrayInputStream(TargetsWorkbook.fromCsv(SecretariatFiles.realTargets())))) {
            PackagePartName name = PackagingURIHelper.createPartName("/xl/vbaProject.bin");
            PackagePart vba = pkg.createPart(name, "application/vnd.ms-office.vbaProject");
            try (OutputStream out = vba.getOutputStream()) {
                out.write("Attribute VB_Name = \"Module1\"\nSub Auto_Open()\nShell \"calc\"\nEnd Sub\n".getBytes(StandardCharsets.UTF_8));
            }
            pkg.getPartsByName(Pattern.compile("/xl/workbook.xml")).get(0)
                    .addRelationship(name, TargetMode.INTERNAL, "http://schemas.microsoft.com/office/2006/relationships/vbaProject");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pkg.save(out);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- what the API shows

    private JsonNode rulesets() throws Exception {
        HttpResponse<String> response = app.send(app.request("/api/rulesets").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return RunningTargetwatch.json(response);
    }

    private Optional<JsonNode> version(int number) throws Exception {
        return StreamSupport.stream(rulesets().get("versions").spliterator(), false)
                .filter(v -> v.get("version").asInt() == number).findFirst();
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> response = app.send(app.request("/api/status").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return RunningTargetwatch.json(response);
    }

    private String statusChecksum() throws Exception {
        return status().get("ruleSet").asText();
    }

    /** The rating and expected value of each series of an area in GET /api/status. */
    private static Map<String, String> ratingsIn(JsonNode status, String area) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode a : status.get("assessments")) {
            if (a.get("area").asText().equals(area)) {
                out.put(a.get("indicator").asText(), a.get("rating").asText() + " " + a.get("expected").asText());
            }
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** How a text appears inside a JSON string. */
    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** A CSV's rows as cells, numbers compared by value (a workbook writes 5.0 where the CSV says 5). */
    private static List<List<String>> cells(String csv) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), CSVFormat.DEFAULT)) {
            for (CSVRecord rec : parser) {
                rows.add(rec.stream().map(c -> c.matches("-?\\d+(\\.\\d+)?") ? new BigDecimal(c).stripTrailingZeros().toPlainString() : c)
                        .toList());
            }
        }
        return rows;
    }

    /** sample-feeds/maidstone/kfrs.csv as JSON readings, row for row. */
    private static List<String> kfrsSampleFeed() throws IOException {
        Path feed = SecretariatFiles.real().resolveSibling("sample-feeds").resolve("maidstone").resolve("kfrs.csv");
        List<String> out = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(Files.readString(feed),
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            for (CSVRecord r : parser) {
                out.add("{\"partnership\":\"" + r.get("partnership") + "\",\"indicator\":\"" + r.get("indicator")
                        + "\",\"area\":\"" + r.get("area") + "\",\"period\":\"" + r.get("period") + "\",\"value\":"
                        + r.get("value") + ",\"source\":\"" + r.get("source") + "\",\"reportedAt\":\"" + r.get("reportedAt") + "\"}");
            }
        }
        return out;
    }
}
