package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Frequency;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.Commentary;
import targetwatch.routes.pages.ReportViews;
import targetwatch.routes.pages.Words;
import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.IngestService;

/**
 * The board and scrutiny's quarterly report over the Maidstone sample feeds, in a real headless Chromium: each
 * indicator's status for a quarter is the engine's rating of its period, and the PDF (read back with PDFBox) and the
 * CSV say the same; a lead writes an indicator's commentary and the report, its PDF and CSV and the indicator's page
 * show it with the author; a viewer and another priority's lead cannot write it; a forged or missing CSRF token
 * changes nothing; axe-core finds no serious or critical violation on the report and its form.
 */
class ReportPagesEndToEndTest extends BrowserTestBase {

    /** The period each frequency reports for 2015-Q3 (July to September 2015), worked out by hand. */
    private static final Map<Frequency, String> Q3_PERIODS = Map.of(Frequency.MONTH, "2015-09", Frequency.QUARTER, "2015-Q3",
            Frequency.YEAR, "2014", Frequency.FINANCIAL_YEAR, "2014/15");

    private String nickPassword;
    private String ianPassword;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path profile) throws Exception {
        app = RunningTargetwatch.start(data, Optional.empty());
        Path users = data.resolve("users.properties");
        nickPassword = Users.add(users, "nick.silvester", Role.LEAD, List.of("lead-road-safety"));
        ianPassword = Users.add(users, "ian.park", Role.LEAD, List.of("lead-domestic-abuse"));
        app.dropSampleFeeds();
        browser = Browser.open(profile, app.baseUrl());
    }

    private IngestService service() {
        return app.bean(targetwatch.routes.service.Tenants.class).first().ingest();
    }

    /** The engine's assessment of a Maidstone series for a period, if it rated one. */
    private Optional<Assessment> engine(String indicator, String period) {
        return service().assessments().stream().filter(a -> a.partnership().equals("maidstone") && a.area().equals("maidstone")
                && a.indicator().equals(indicator) && a.period().toString().equals(period)).findFirst();
    }

    private String field(String indicator, String field) {
        return browser.find("#" + indicator + " [data-field='" + field + "']").getText();
    }

    private Map<String, CSVRecord> csv(String query) throws Exception {
        var r = browser.download("/report.csv?" + query);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\uFEFF"), "a byte order mark, so a spreadsheet reads UTF-8");
        Map<String, CSVRecord> rows = new LinkedHashMap<>();
        for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(text.substring(1)))) {
            rows.put(row.get("indicator"), row);
        }
        return rows;
    }

    /** The PDF's text with its white space as single spaces, and its number of pages. */
    private record Pdf(String text, int pages) {
    }

    private Pdf pdf(String query) throws Exception {
        var r = browser.download("/report.pdf?" + query);
        assertEquals(200, r.statusCode());
        assertEquals("application/pdf", r.headers().firstValue("Content-Type").orElse(""));
        try (var document = Loader.loadPDF(r.body())) {
            return new Pdf(new PDFTextStripper().getText(document).replaceAll("\\s+", " "), document.getNumberOfPages());
        }
    }

    /** What the PDF's page of an indicator says, from its name to the next indicator's. */
    private static String pdfSection(Pdf pdf, Target t) {
        int details = pdf.text().indexOf("The indicators one by one");
        int at = pdf.text().indexOf(t.name() + " ", details);
        assertTrue(details > 0 && at > details, t.name() + " has its own part of the PDF");
        return pdf.text().substring(at, Math.min(pdf.text().length(), at + 600));
    }

    @Test
    void a_quarter_s_report_shows_each_indicator_as_the_engine_rated_its_period_and_the_pdf_and_the_csv_say_the_same()
            throws Exception {
        browser.signIn("viewer", app.password("viewer"));
        browser.clickAndWait("a.govuk-service-navigation__link[href='/report']");
        browser.go("/report?period=2015-Q3");
        assertEquals("July to September 2015 (2015-Q3)", browser.text("h1"));

        Map<String, CSVRecord> csv = csv("period=2015-Q3");
        Pdf pdf = pdf("period=2015-Q3");
        Map<ReportViews.Standing, Integer> counted = new java.util.EnumMap<>(ReportViews.Standing.class);
        List<Target> targets = service().ruleSet().targets();
        for (Target t : targets) {
            String period = Q3_PERIODS.get(t.frequency());
            Optional<Assessment> a = engine(t.indicator(), period);
            String status = a.map(x -> Words.rating(x.rating())).orElse("No reading");
            String actual = a.map(x -> Words.number(x.actual())).orElse("–");
            String expected = a.map(x -> Words.rounded(x.expected())).orElse("–");
            counted.merge(a.map(x -> switch (x.rating()) {
                case RED -> ReportViews.Standing.OFF_TRACK;
                case AMBER -> ReportViews.Standing.AT_RISK;
                case GREEN -> ReportViews.Standing.ON_TRACK;
                case GREY -> ReportViews.Standing.NO_READING;
            }).orElse(ReportViews.Standing.NO_READING), 1, Integer::sum);

            assertEquals(List.of(period, status), List.of(field(t.indicator(), "period"), field(t.indicator(), "status")),
                    t.indicator() + " on the page, against the engine");
            assertEquals(a.isPresent() ? List.of(actual, expected) : List.of(), browser.all("#" + t.indicator()
                    + " [data-field='actual'], #" + t.indicator() + " [data-field='expected']").stream()
                    .map(WebElement::getText).toList(), t.indicator() + "'s figures on the page");
            CSVRecord row = csv.get(t.indicator());
            assertEquals(List.of(period, actual.equals("–") ? "" : actual, expected.equals("–") ? "" : expected, status),
                    List.of(row.get("period"), row.get("actual"), row.get("expected"), row.get("status")),
                    t.indicator() + " in the CSV");
            String section = pdfSection(pdf, t);
            assertTrue(section.contains("Period " + period + " Actual " + actual + " Expected " + expected + " Status " + status),
                    t.indicator() + " in the PDF: " + section);
        }
        assertEquals(targets.size(), csv.size(), "one row per indicator");
        assertEquals("No reading", field("reoffending-rate", "status"), "probation's 2015-Q3 return never came");
        assertEquals("Off track", field("da-repeat-victims", "status"));

        for (ReportViews.Standing s : ReportViews.Standing.values()) {
            String shown = browser.find("#counts [data-standing='" + s.name() + "']").getText();
            assertEquals(counted.getOrDefault(s, 0) + " " + s.label(), shown, "the count at the top");
        }
        assertTrue(pdf.text().contains("Summary " + String.join(" ", java.util.Arrays.stream(ReportViews.Standing.values())
                .map(s -> counted.getOrDefault(s, 0) + " " + s.label()).toList()) + " "), "the PDF counts the same");
        List<String> faced = browser.all("#faced li").stream().map(WebElement::getText).toList();
        int reds = counted.getOrDefault(ReportViews.Standing.OFF_TRACK, 0);
        assertEquals(reds + counted.getOrDefault(ReportViews.Standing.AT_RISK, 0), faced.size());
        assertTrue(faced.subList(0, reds).stream().allMatch(l -> l.startsWith("Off track")), "the reds faced first: " + faced);

        assertTrue(pdf.text().contains("Page 1 of " + pdf.pages()), "page numbers in the margin");
        assertTrue(pdf.pages() > 1);
        String today = java.time.format.DateTimeFormatter.ofPattern("EEE d MMM yyyy", java.util.Locale.UK)
                .format(LocalDate.now(Words.LONDON));
        assertTrue(pdf.text().contains("Generated " + today) && pdf.text().contains("July to September 2015 (2015-Q3)"),
                "the period and the day it was made");
    }

    /** Builds a form the page did not offer, with the session's own CSRF token (from the sign-out form), and submits it. */
    private void postFromThePage(String action, Map<String, String> fields) {
        String here = browser.path();
        browser.script("const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                + "const fields = Object.assign({csrf: document.querySelector(\"form[action='/sign-out'] input[name=csrf]\")"
                + ".value}, arguments[1]);"
                + "for (const [k, v] of Object.entries(fields)) { const i = document.createElement('input'); i.type = 'hidden';"
                + " i.name = k; i.value = v; f.appendChild(i); } document.body.appendChild(f); f.submit();", action, fields);
        await().atMost(PATIENCE).until(() -> !browser.path().equals(here));
    }

    private Map<String, Commentary> stored(String quarter) {
        return service().store().commentaries("maidstone", "maidstone", Period.parse(quarter));
    }

    @Test
    void a_lead_writes_an_indicator_s_commentary_and_the_report_its_pdf_csv_and_indicator_page_show_it_with_the_author()
            throws Exception {
        browser.signIn("nick.silvester", nickPassword);
        browser.go("/report?period=2015-Q4");
        assertTrue(browser.all("#da-repeat-victims a[href^='/report/commentary/']").isEmpty(),
                "no pen on another priority's indicator");
        browser.clickAndWait("#ksi-casualties a[href^='/report/commentary/']");
        assertEquals("Road users killed or seriously injured", browser.text("h1"));

        browser.clickAndWait("form[action='/report/commentary/ksi-casualties'] button");
        assertEquals("Enter the commentary", browser.text(".govuk-error-summary__list a"));
        assertEquals(Map.of(), stored("2015-Q4"));

        String text = "Two fatal collisions on the A20 in October.\nSpeed checks <b>in hand</b> with Kent Police.";
        browser.find("#commentary").sendKeys(text);
        browser.clickAndWait("form[action='/report/commentary/ksi-casualties'] button");
        assertTrue(browser.path().startsWith("/report?period=2015-Q4"), browser.path());
        assertEquals("Commentary saved", browser.text(".govuk-notification-banner__heading"));
        assertTrue(field("ksi-casualties", "commentary").startsWith(text + "\nnick.silvester, "),
                "the text as written, escaped, then who wrote it: " + field("ksi-casualties", "commentary"));
        assertEquals("nick.silvester", stored("2015-Q4").get("ksi-casualties").author());

        browser.go("/report?period=2015-Q4");
        assertTrue(browser.all(".govuk-notification-banner").isEmpty(), "the banner is shown once");

        CSVRecord row = csv("period=2015-Q4").get("ksi-casualties");
        assertEquals(List.of(text, "nick.silvester"), List.of(row.get("commentary"), row.get("commentary_by")));
        String section = pdfSection(pdf("period=2015-Q4"), service().ruleSet().targetFor("maidstone", "ksi-casualties")
                .orElseThrow());
        assertTrue(section.contains("Two fatal collisions on the A20 in October. Speed checks <b>in hand</b> with Kent Police."
                + " nick.silvester, "), section);

        browser.go("/indicators/ksi-casualties?area=maidstone");
        String latest = browser.text("#commentary");
        assertTrue(latest.contains("Two fatal collisions on the A20") && latest.contains("For 2015-Q4, by nick.silvester"),
                latest);

        browser.signOut();
        browser.signIn("ian.park", ianPassword);
        browser.go("/report?period=2015-Q4");
        postFromThePage("/report/commentary/ksi-casualties", Map.of("period", "2015-Q4", "area", "maidstone",
                "partnership", "maidstone", "commentary", "not my priority"));
        assertEquals("You cannot write this commentary", browser.text("h1"));
        assertEquals(text, stored("2015-Q4").get("ksi-casualties").text());
    }

    @Test
    void a_viewer_reads_the_report_but_cannot_write_commentary() throws Exception {
        browser.signIn("viewer", app.password("viewer"));
        browser.go("/report?period=2015-Q2");
        assertTrue(browser.all("a[href^='/report/commentary/']").isEmpty(), "no pen for a viewer");

        browser.go("/report/commentary/ksi-casualties?period=2015-Q2");
        assertEquals("You cannot do this", browser.text("h1"));
        assertTrue(browser.text("main").contains("needs the lead role"));

        browser.go("/report?period=2015-Q2");
        postFromThePage("/report/commentary/ksi-casualties", Map.of("period", "2015-Q2", "area", "maidstone",
                "partnership", "maidstone", "commentary", "a viewer's words"));
        assertEquals("You cannot do this", browser.text("h1"));
        assertEquals(Map.of(), stored("2015-Q2"));
    }

    @Test
    void a_forged_or_missing_csrf_token_is_refused_and_stores_no_commentary() throws Exception {
        browser.signIn("nick.silvester", nickPassword);
        browser.go("/report/commentary/ksi-casualties?period=2015-Q1&area=maidstone");
        browser.find("#commentary").sendKeys("forged");
        browser.script("document.querySelector(\"form[action='/report/commentary/ksi-casualties'] input[name=csrf]\").value"
                + " = 'forged-token'");
        browser.clickAndWait("form[action='/report/commentary/ksi-casualties'] button");
        assertEquals("This form has expired", browser.text("h1"));

        browser.go("/report/commentary/ksi-casualties?period=2015-Q1&area=maidstone");
        browser.find("#commentary").sendKeys("no token");
        browser.script("document.querySelector(\"form[action='/report/commentary/ksi-casualties'] input[name=csrf]\").remove()");
        browser.clickAndWait("form[action='/report/commentary/ksi-casualties'] button");
        assertEquals("This form has expired", browser.text("h1"));

        assertEquals(Map.of(), stored("2015-Q1"));
    }

    @Test
    void a_report_of_no_quarter_or_of_an_area_without_readings_is_not_found_and_without_one_it_is_the_latest_complete_quarter()
            throws Exception {
        browser.signIn("viewer", app.password("viewer"));
        browser.go("/report");
        Period latest = ReportViews.defaultQuarter(LocalDate.now(Words.LONDON));
        assertTrue(browser.text("h1").endsWith("(" + latest + ")"), browser.text("h1"));

        browser.go("/report?period=2015-Q5");
        assertEquals("No such quarter", browser.text("h1"));
        browser.go("/report?period=2015");
        assertEquals("No such quarter", browser.text("h1"), "a year is not a quarter");
        browser.go("/report?period=2015-Q4&area=nowhere-at-all");
        assertEquals("No such area", browser.text("h1"));
    }

    @Test
    void the_report_and_its_commentary_form_have_no_serious_or_critical_accessibility_violation() throws Exception {
        browser.signIn("nick.silvester", nickPassword);
        browser.go("/report?period=2015-Q4");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "report");
        browser.go("/report/commentary/ksi-casualties?period=2016-Q1");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "commentary form");
        browser.clickAndWait("form[action='/report/commentary/ksi-casualties'] button");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "commentary form with its error");
    }
}
