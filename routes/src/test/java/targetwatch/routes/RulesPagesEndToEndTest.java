package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import com.fasterxml.jackson.databind.JsonNode;

import targetwatch.engine.rules.Now;
import targetwatch.engine.ruleset.TargetsWorkbook;

/**
 * The secretariat's rules pages in a real headless Chromium: a bad workbook refused with each cell in the error
 * summary, a good one previewed, activated and rolled back; the upload's size limit (a boundary pair); the role check
 * (a viewer and a lead get 403 and no Rules link) and the CSRF token on every form; a candidate refused once another
 * version was activated, and a rollback whose preview went out of date; a silence previewed with what it would hold
 * back, then added; and axe-core finding no serious or critical violation on these pages. The service runs the real
 * rule set; each test works from whatever version is active when it starts.
 */
class RulesPagesEndToEndTest extends BrowserTestBase {

    /** The upload limit these tests set (targetwatch.pages.max-upload-bytes), so that its boundary pair stays small. */
    private static final int LIMIT = 1024 * 1024;
    private static final String ASB = "asb-satisfaction";

    private Path files;
    private final AtomicInteger uploads = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path profile, @TempDir Path files) throws Exception {
        this.files = files;
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of("targetwatch.pages.max-upload-bytes",
                String.valueOf(LIMIT)));
        browser = Browser.open(profile, app.baseUrl());
    }

    // ---- helpers

    /** A file with this name and content, in a folder of its own (the browser sends the name as it is). */
    private Path file(String name, byte[] content) throws IOException {
        Path folder = Files.createDirectories(files.resolve("upload-" + uploads.incrementAndGet()));
        return Files.write(folder.resolve(name), content);
    }

    private Path targetsCsv(String text) throws IOException {
        return file("targets.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Chooses the file in the rules page's upload form and sends it, waiting for the answer. */
    private void upload(Path file) {
        browser.find("#file").sendKeys(file.toAbsolutePath().toString());
        browser.clickAndWait("form[action='/rules/upload'] button");
    }

    private void signInAsSecretariat() throws IOException {
        browser.signIn("secretariat", app.password("secretariat"));
        browser.go("/rules");
        assertEquals("Rules – targetwatch", browser.title());
    }

    private JsonNode rulesets() throws Exception {
        HttpResponse<String> r = app.send(app.request("/api/rulesets").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        assertEquals(200, r.statusCode(), r.body());
        return RunningTargetwatch.json(r);
    }

    private int activeVersion() throws Exception {
        return rulesets().get("active").asInt();
    }

    private int versionCount() throws Exception {
        return rulesets().get("versions").size();
    }

    /** Another member of the secretariat, through the API: uploads targets.csv and activates it; returns its version. */
    private int activatedThroughTheApi(String targets) throws Exception {
        HttpResponse<String> up = app.send(app.request("/api/rulesets?name=targets.csv")
                .header("Authorization", app.basicAuth("admin")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(targets)).build());
        assertEquals(201, up.statusCode(), up.body());
        int version = RunningTargetwatch.json(up).get("version").asInt();
        HttpResponse<String> on = app.send(app.request("/api/rulesets/" + version + "/activate")
                .header("Authorization", app.basicAuth("admin")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, on.statusCode(), on.body());
        return version;
    }

    private int versionOnThisPage() {
        return Integer.parseInt(browser.path().replaceAll("^/rules/(versions|silence)/(\\d+).*$", "$2"));
    }

    private List<String> cells(WebElement row) {
        return row.findElements(By.cssSelector("th, td")).stream().map(WebElement::getText).toList();
    }

    /** The row of a preview table about an area. */
    private List<String> rowAbout(String table, String area) {
        return browser.all(table + " tbody tr").stream().map(this::cells).filter(c -> c.contains(area)).findFirst()
                .orElseThrow(() -> new AssertionError("no row about " + area + " in " + browser.text(table)));
    }

    private List<String> summaryErrors() {
        return browser.all(".govuk-error-summary__list li").stream().map(WebElement::getText).toList();
    }

    private String rating(String indicator, String area, String period) throws Exception {
        return app.assessment(indicator, area, period).orElseThrow().get("rating").asText();
    }

    // ---- the tests

    @Test
    void the_secretariat_uploads_a_bad_workbook_sees_the_cell_in_the_error_summary_then_previews_activates_and_rolls_back_a_good_one()
            throws Exception {
        // given a customer satisfaction reading on track under the active targets (85.5 against 84.83)
        String area = "rules-rollback";
        assertEquals(202, app.postReadings("lead", Readings.json(ASB, area, "2017-Q4", "85.5")).statusCode());
        assertEquals("GREEN", rating(ASB, area, "2017-Q4"));
        signInAsSecretariat();
        int before = Integer.parseInt(browser.text("#active-version"));
        assertEquals(before, activeVersion());

        // when the secretariat uploads a workbook with a tolerance of 150%
        String bad = SecretariatFiles.withCell(SecretariatFiles.realTargets(), ASB, "tolerance_pct", "150");
        int row = SecretariatFiles.rowOf(bad, ASB);
        upload(file("targets.xlsx", TargetsWorkbook.fromCsv(bad)));

        // then the error summary names the workbook's cell and links to the file field, and nothing changed
        assertEquals("Error: Rules – targetwatch", browser.title());
        assertEquals("There is a problem", browser.text(".govuk-error-summary__title"));
        assertEquals(List.of("targets.xlsx:" + row + ":tolerance_pct: 150 is not a percentage between 0 and 100 (cell L" + row
                + ")"), summaryErrors());
        assertEquals("#file", browser.find(".govuk-error-summary__list a").getDomAttribute("href"));
        assertTrue(browser.text("#file-error").contains("150 is not a percentage"), "the field says it too");
        assertEquals(before, activeVersion());

        // when it uploads a workbook raising the target to 95%
        upload(file("targets.xlsx", TargetsWorkbook.fromCsv(SecretariatFiles.withCell(SecretariatFiles.realTargets(), ASB,
                "target", "95"))));

        // then the preview lists the rating and the alert that would change, and nothing is active yet
        int candidate = versionOnThisPage();
        assertEquals("Check version " + candidate + " before activating it", browser.text("h1"));
        assertEquals(List.of("Customer satisfaction with how ASB incidents are managed", area, "2017-Q4",
                "On track 85.5 against 84.83", "Off track 85.5 against 94.45"), rowAbout("#rating-changes", area));
        assertEquals(List.of("Customer satisfaction with how ASB incidents are managed", area, "Opens: Off track"),
                rowAbout("#alert-changes", area));
        assertEquals("Cancel", browser.text("#cancel"));
        assertEquals(before, activeVersion());
        assertEquals("GREEN", rating(ASB, area, "2017-Q4"));

        // when it activates it
        browser.clickAndWait("#activate");

        // then it is active, says what changed, and the reading is rated by it
        assertEquals("/rules", browser.path());
        assertEquals("Version " + candidate + " is active: 1 rating and 1 alert changed.",
                browser.text(".govuk-notification-banner__heading"));
        assertEquals(String.valueOf(candidate), browser.text("#active-version"));
        assertEquals(candidate, activeVersion());
        assertEquals("RED", rating(ASB, area, "2017-Q4"));

        // when it rolls back to the version before, through its confirmation page
        browser.clickAndWait("#versions a[href='/rules/versions/" + before + "']");
        assertEquals("Roll back to version " + before + "?", browser.text("h1"));
        assertEquals(List.of("Customer satisfaction with how ASB incidents are managed", area, "2017-Q4",
                "Off track 85.5 against 94.45", "On track 85.5 against 84.83"), rowAbout("#rating-changes", area));
        assertEquals(List.of("Customer satisfaction with how ASB incidents are managed", area, "Closes (was off track)"),
                rowAbout("#alert-changes", area));
        assertEquals("Roll back to version " + before, browser.text("#activate"));
        browser.clickAndWait("#activate");

        // then the version before is active again and rates the reading as it did
        assertEquals("Rolled back to version " + before + ": 1 rating and 1 alert changed.",
                browser.text(".govuk-notification-banner__heading"));
        assertEquals(before, activeVersion());
        assertEquals("GREEN", rating(ASB, area, "2017-Q4"));
        assertTrue(browser.text("#versions").contains("Earlier version"), "the candidate is kept as an earlier version");
    }

    @Test
    void a_file_of_exactly_the_size_limit_is_taken_and_one_a_byte_larger_is_refused_saying_so() throws Exception {
        // given targets.csv padded with empty lines (which the loader skips) to exactly the limit, and one byte more
        byte[] targets = SecretariatFiles.realTargets().getBytes(StandardCharsets.UTF_8);
        byte[] atLimit = java.util.Arrays.copyOf(targets, LIMIT);
        java.util.Arrays.fill(atLimit, targets.length, LIMIT, (byte) '\n');
        byte[] overLimit = java.util.Arrays.copyOf(atLimit, LIMIT + 1);
        overLimit[LIMIT] = '\n';
        signInAsSecretariat();

        // when the one at the limit is uploaded, then it is checked and previewed
        upload(file("targets.csv", atLimit));
        assertTrue(browser.path().startsWith("/rules/versions/"), browser.path());

        // when the one over it is uploaded, then it is refused with the limit in words and nothing is stored
        browser.go("/rules");
        int versions = versionCount();
        upload(file("targets.csv", overLimit));
        assertEquals(List.of("The selected file must be at most 1 MB (targets.csv is just over)"), summaryErrors());
        assertEquals(versions, versionCount());
    }

    @Test
    void a_viewer_and_a_lead_get_403_on_the_rules_pages_and_no_rules_link_while_the_secretariat_has_one() throws Exception {
        int versions = versionCount();
        for (String user : List.of("viewer", "lead")) {
            browser.signIn(user, app.password(user));
            assertTrue(browser.all("a.govuk-service-navigation__link[href='/rules']").isEmpty(), user + " is offered Rules");
            for (String page : List.of("/rules", "/rules/silence", "/rules/versions/1")) {
                browser.go(page);
                assertEquals("You cannot do this", browser.text("h1"), user + " on " + page);
                assertTrue(browser.text("main").contains("needs the secretariat role"), browser.text("main"));
            }
            // the upload form built in the page they may open, with their own session's token
            browser.go("/alerts");
            browser.script("const f = document.createElement('form'); f.method = 'post'; f.action = '/rules/upload';"
                    + " f.enctype = 'multipart/form-data'; const i = document.createElement('input'); i.type = 'hidden';"
                    + " i.name = 'csrf'; i.value = document.querySelector(\"form[action='/sign-out'] input[name=csrf]\").value;"
                    + " f.appendChild(i); document.body.appendChild(f); f.submit();");
            org.awaitility.Awaitility.await().atMost(RunningTargetwatch.PATIENCE).until(() -> browser.path().equals("/rules/upload"));
            assertEquals("You cannot do this", browser.text("h1"));
            browser.signOut();
        }
        assertEquals(versions, versionCount(), "nothing was stored");

        signInAsSecretariat();
        assertEquals("Rules", browser.text("a.govuk-service-navigation__link[href='/rules']"));
    }

    @Test
    void a_forged_or_missing_csrf_token_is_refused_on_the_upload_and_the_activation_and_changes_nothing() throws Exception {
        signInAsSecretariat();
        int versions = versionCount();
        int active = activeVersion();

        // a forged token on the upload form
        browser.script("document.querySelector(\"form[action='/rules/upload'] input[name=csrf]\").value = 'forged-token'");
        upload(targetsCsv(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "perception-speeding", "tolerance_pct", "8")));
        assertEquals("This form has expired", browser.text("h1"));
        assertEquals(versions, versionCount(), "no version was stored");

        // no token on the activation form of a real candidate
        browser.go("/rules");
        upload(targetsCsv(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "perception-speeding", "tolerance_pct", "8")));
        int candidate = versionOnThisPage();
        browser.script("document.querySelector(\"form[action$='/activate'] input[name=csrf]\").remove()");
        browser.clickAndWait("#activate");
        assertEquals("This form has expired", browser.text("h1"));
        assertEquals(active, activeVersion());

        // while the page's own form activates it
        browser.go("/rules/versions/" + candidate);
        browser.clickAndWait("#activate");
        assertEquals(candidate, activeVersion());
    }

    @Test
    void a_candidate_is_refused_once_another_version_is_activated_and_a_rollback_whose_preview_went_out_of_date_is_shown_again()
            throws Exception {
        // given the secretariat looking at the preview of its candidate
        signInAsSecretariat();
        int before = activeVersion();
        upload(targetsCsv(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "perception-speeding", "tolerance_pct", "7")));
        int mine = versionOnThisPage();

        // when someone else activates another change meanwhile, and the secretariat then activates its candidate
        int theirs = activatedThroughTheApi(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "perception-drugs",
                "tolerance_pct", "7"));
        browser.clickAndWait("#activate");

        // then it is refused, saying why, and theirs stays active; the page no longer offers to activate it
        assertEquals(List.of("Version " + mine + " was made from an earlier rule set: version " + theirs
                + " has been activated since"), summaryErrors().stream().map(e -> e.replaceAll(" \\(.*", "")).toList());
        assertTrue(summaryErrors().get(0).endsWith("Upload your files again to make a new version from the active rule set."));
        assertEquals(theirs, activeVersion());
        assertTrue(browser.all("#activate").isEmpty());
        browser.go("/rules/versions/" + mine);
        assertTrue(browser.text(".govuk-warning-text").contains("made from an earlier rule set"));
        assertTrue(browser.all("#activate").isEmpty());

        // when the secretariat opens the rollback to the version before, and another is activated before it confirms
        browser.go("/rules/versions/" + before);
        assertEquals("Roll back to version " + before + "?", browser.text("h1"));
        int another = activatedThroughTheApi(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "perception-drugs",
                "tolerance_pct", "9"));
        browser.clickAndWait("#activate");

        // then nothing changed and the page shows what rolling back would change now, to confirm again
        assertTrue(summaryErrors().get(0).startsWith("Version " + another + " was activated after this page was opened"),
                summaryErrors().toString());
        assertEquals(another, activeVersion());
        browser.clickAndWait("#activate");
        assertEquals("Rolled back to version " + before, browser.text(".govuk-notification-banner__heading")
                .replaceAll(":.*", ""));
        assertEquals(before, activeVersion());
    }

    @Test
    void a_silence_is_previewed_with_the_alerts_and_escalations_it_would_hold_back_then_added_as_a_new_version()
            throws Exception {
        // given an unacknowledged alert to the domestic abuse lead, due to go to the SMP chair after 10 working days
        String area = "rules-silence";
        String alert = app.raiseRepeatVictimsAlert(area);
        signInAsSecretariat();
        browser.clickAndWait("a[href='/rules/silence']");
        assertEquals("Add a silence", browser.text("h1"));

        // when the form is sent empty, then each field is named
        browser.clickAndWait("form[action='/rules/silence'] button");
        assertEquals(List.of("Choose the indicator or priority to silence", "Enter the last day of the silence",
                "Enter why the alerts are silenced", "Choose who answers for the silence"), summaryErrors());

        // when it asks for a silence of the indicator for 30 days
        LocalDate until = LocalDate.now(Now.ZONE).plusDays(30);
        int active = activeVersion();
        new Select(browser.find("#subject")).selectByValue("indicator:da-repeat-victims");
        browser.find("#until-day").sendKeys(String.valueOf(until.getDayOfMonth()));
        browser.find("#until-month").sendKeys(String.valueOf(until.getMonthValue()));
        browser.find("#until-year").sendKeys(String.valueOf(until.getYear()));
        browser.find("#reason").sendKeys("The DV forum moves to a new case system");
        new Select(browser.find("#author")).selectByValue("lead-domestic-abuse");
        browser.clickAndWait("form[action='/rules/silence'] button");

        // then the preview lists the open alert it covers and the escalation it would hold back, and nothing is active
        assertEquals("Check what the silence would hold back", browser.text("h1"));
        int candidate = versionOnThisPage();
        assertTrue(rowAbout("#held-alerts", area).get(2).startsWith("Off track (2018-Q1), level 1, not acknowledged"),
                rowAbout("#held-alerts", area).toString());
        List<List<String>> held = browser.all("#held-events tbody tr").stream().map(this::cells)
                .filter(c -> c.get(2).endsWith(" in " + area)).toList();
        assertTrue(held.stream().anyMatch(c -> c.get(1).startsWith("Escalated to level 2")
                && c.get(3).startsWith("Chief Inspector Jon Bumpus")), held.toString());
        assertEquals(active, activeVersion());

        // when it adds the silence
        browser.clickAndWait("#activate");

        // then it is in force, listed with its reason, author and last day, and the alert is held back
        assertEquals("The silence is in force: version " + candidate + " is active.",
                browser.text(".govuk-notification-banner__heading"));
        assertEquals(candidate, activeVersion());
        List<String> silence = browser.all("table tbody tr").stream().map(this::cells)
                .filter(c -> c.contains("The DV forum moves to a new case system")).findFirst().orElseThrow();
        assertEquals(List.of("% of domestic abuse victims who are repeat victims", targetwatch.routes.pages.Words.day(until),
                "The DV forum moves to a new case system", "Ian Park, Lead officer: domestic abuse", "In force"), silence);
        assertTrue(app.alertHistory(alert).get("alert").get("silence").asText().contains("The DV forum moves to a new case system"));
    }

    @Test
    void the_rules_pages_have_no_serious_or_critical_accessibility_violation() throws Exception {
        signInAsSecretariat();
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "rules");
        browser.clickAndWait("form[action='/rules/upload'] button");
        assertEquals(List.of("Choose a file to upload"), summaryErrors());
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "rules with the upload's error");

        // needles collected, which no other test here sends, so that the other tests' counts of changes stay theirs
        assertEquals(202, app.postReadings("lead", Readings.json("needles-collected", "rules-axe", "2017", "1300")).statusCode());
        upload(targetsCsv(SecretariatFiles.withCell(SecretariatFiles.realTargets(), "needles-collected", "target", "600")));
        assertFalse(browser.all("#rating-changes").isEmpty());
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "a candidate's preview");

        browser.go("/rules/silence");
        browser.clickAndWait("form[action='/rules/silence'] button");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "the silence form with its errors");
        new Select(browser.find("#subject")).selectByValue("priority:road-safety");
        LocalDate until = LocalDate.now(Now.ZONE).plusDays(3);
        browser.find("#until-day").sendKeys(String.valueOf(until.getDayOfMonth()));
        browser.find("#until-month").sendKeys(String.valueOf(until.getMonthValue()));
        browser.find("#until-year").sendKeys(String.valueOf(until.getYear()));
        browser.find("#reason").sendKeys("Checking the axe");
        new Select(browser.find("#author")).selectByValue("lead-road-safety");
        browser.clickAndWait("form[action='/rules/silence'] button");
        assertEquals("Check what the silence would hold back", browser.text("h1"));
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "a silence's preview");
    }
}
