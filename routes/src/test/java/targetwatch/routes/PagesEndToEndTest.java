package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import targetwatch.routes.security.Role;
import targetwatch.routes.security.Users;

/**
 * The lead officers' pages in a real headless Chromium: signing in with a personal account, the alert list and its
 * filters, an alert's page (chart, table, history) and its acknowledge form with a required note and a success
 * banner; the CSRF token on every form; the role and contact checks; the mail's link landing on the alert page; and
 * axe-core finding no serious or critical accessibility violation on these pages.
 */
class PagesEndToEndTest extends BrowserTestBase {

    private Path data;
    private String ianPassword;
    private String nickPassword;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path profile) throws Exception {
        this.data = data;
        app = RunningTargetwatch.start(data, Optional.empty());
        Path users = data.resolve("users.properties");
        ianPassword = Users.add(users, "ian.park", Role.LEAD, List.of("lead-domestic-abuse"));
        nickPassword = Users.add(users, "nick.silvester", Role.LEAD, List.of("lead-road-safety"));
        browser = Browser.open(profile, app.baseUrl());
    }

    /** A road-safety alert: 70 killed or seriously injured in 2017 against a trajectory near 41 is RED. */
    private String raiseKsiAlert(String area) throws Exception {
        var r = app.postReadings("lead", "{\"indicator\":\"ksi-casualties\",\"area\":\"" + area
                + "\",\"period\":\"2017\",\"value\":70,\"source\":\"kfrs\"}");
        assertEquals(202, r.statusCode(), r.body());
        return RunningTargetwatch.json(r).get("alerts").get(0).get("alert").asText();
    }

    private List<String> alertIdsShown() {
        return browser.all("table a.govuk-link").stream().map(a -> a.getAttribute("href"))
                .map(h -> h.substring(h.lastIndexOf('/') + 1)).toList();
    }

    private List<String> alertIdsIn(String caption) {
        return browser.all("table").stream()
                .filter(t -> t.findElement(org.openqa.selenium.By.tagName("caption")).getAttribute("textContent").strip()
                        .equals(caption))
                .flatMap(t -> t.findElements(org.openqa.selenium.By.cssSelector("a.govuk-link")).stream())
                .map(a -> a.getAttribute("href")).map(h -> h.substring(h.lastIndexOf('/') + 1)).toList();
    }

    @Test
    void a_lead_filters_opens_and_acknowledges_an_alert_with_a_note_and_sees_the_banner_and_the_history() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-acked");
        String ksi = raiseKsiAlert("pages-acked");

        browser.signIn("ian.park", ianPassword);
        assertEquals("/alerts", browser.path());
        assertTrue(alertIdsIn("Alerts sent to you").contains(da), "the domestic abuse lead's own alert comes first");
        assertTrue(alertIdsIn("Alerts sent to others").contains(ksi));

        new Select(browser.find("#priority")).selectByValue("road-safety");
        browser.clickAndWait("form[action='/alerts'] button");
        assertTrue(browser.path().contains("priority=road-safety"), browser.path());
        assertTrue(alertIdsShown().contains(ksi));
        assertFalse(alertIdsShown().contains(da), "filtered to road safety");

        browser.go("/alerts?priority=domestic-abuse&rating=AMBER");
        assertFalse(alertIdsShown().contains(da), "a RED alert is not among the AMBER ones");
        browser.go("/alerts?priority=domestic-abuse&rating=RED&rating=AMBER");
        assertTrue(browser.find("#rating-RED").isSelected());

        browser.clickAndWait("a[href='/alerts/" + da + "']");
        assertEquals("% of domestic abuse victims who are repeat victims", browser.text("h1"));
        WebElement chart = browser.find("svg.tw-chart[role='img']");
        assertTrue(chart.findElement(org.openqa.selenium.By.tagName("title")).getAttribute("textContent").contains("pages-acked"));
        assertTrue(chart.findElement(org.openqa.selenium.By.tagName("desc")).getAttribute("textContent").contains("2018-Q1"));
        assertEquals(List.of("2018-Q1", "30", "21", "Off track"), browser.all("table tbody tr").get(0)
                .findElements(org.openqa.selenium.By.cssSelector("th, td")).stream().map(WebElement::getText).toList(),
                "the table beside the chart holds the same figures");
        assertTrue(browser.text("main").contains("9 (42.9%) above the trajectory"), "how far off track it is");

        browser.clickAndWait("form[action$='/acknowledge'] button");
        assertEquals("There is a problem", browser.text(".govuk-error-summary__title"));
        assertEquals("Enter what is being done about the alert", browser.text(".govuk-error-summary__list a"));
        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(da), "a missing note acknowledges nothing");

        browser.find("#note").sendKeys("MARAC review of repeat cases booked for Tuesday");
        browser.clickAndWait("form[action$='/acknowledge'] button");
        assertEquals("Alert acknowledged", browser.text(".govuk-notification-banner__heading"));
        String timeline = browser.text(".tw-timeline");
        assertTrue(timeline.contains("Acknowledged") && timeline.contains("by ian.park")
                && timeline.contains("MARAC review of repeat cases booked for Tuesday"), timeline);
        assertEquals("ian.park", app.alertHistory(da).get("alert").get("acknowledgedBy").asText());

        browser.go("/alerts/" + da);
        assertTrue(browser.all(".govuk-notification-banner").isEmpty(), "the banner is shown once, not on every visit");
    }

    @Test
    void a_forged_or_missing_csrf_token_is_refused_and_acknowledges_nothing() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-csrf");
        browser.signIn("ian.park", ianPassword);

        browser.go("/alerts/" + da);
        browser.find("#note").sendKeys("forged");
        browser.script("document.querySelector(\"form[action$='/acknowledge'] input[name=csrf]\").value = 'forged-token'");
        browser.clickAndWait("form[action$='/acknowledge'] button");
        assertEquals("This form has expired", browser.text("h1"));

        browser.go("/alerts/" + da);
        browser.find("#note").sendKeys("no token");
        browser.script("document.querySelector(\"form[action$='/acknowledge'] input[name=csrf]\").remove()");
        browser.clickAndWait("form[action$='/acknowledge'] button");
        assertEquals("This form has expired", browser.text("h1"));

        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(da));
    }

    @Test
    void a_viewer_reads_an_alert_but_cannot_acknowledge_it_nor_can_another_priority_s_lead() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-viewer");

        browser.signIn("viewer", app.password("viewer"));
        browser.go("/alerts/" + da);
        assertTrue(browser.all("form[action$='/acknowledge']").isEmpty());
        assertTrue(browser.text(".govuk-inset-text").contains("needs a lead officer's account"));
        // the viewer's own session and token, on a form it was never given
        postAcknowledgementFromThePage(da, "viewer says so");
        assertEquals("You cannot do this", browser.text("h1"));
        assertTrue(browser.text("main").contains("needs the lead role"));

        browser.signOut();
        browser.signIn("nick.silvester", nickPassword);
        browser.go("/alerts/" + da);
        assertTrue(browser.all("form[action$='/acknowledge']").isEmpty());
        postAcknowledgementFromThePage(da, "not my priority");
        assertEquals("You cannot acknowledge this alert", browser.text("h1"));

        assertEquals(List.of("RAISED lead-domestic-abuse"), app.alertEvents(da));
    }

    /** Builds the acknowledge form the page did not offer, with the session's real token, and submits it. */
    private void postAcknowledgementFromThePage(String alertId, String note) {
        browser.script("const f = document.createElement('form'); f.method = 'post'; f.action = '/alerts/' + arguments[0]"
                + " + '/acknowledge';"
                + "for (const [k, v] of [['csrf', document.querySelector(\"form[action='/sign-out'] input[name=csrf]\").value],"
                + " ['note', arguments[1]]]) { const i = document.createElement('input'); i.type = 'hidden'; i.name = k;"
                + " i.value = v; f.appendChild(i); } document.body.appendChild(f); f.submit();", alertId, note);
        await().atMost(PATIENCE).until(() -> !browser.path().equals("/alerts/" + alertId));
    }

    @Test
    void a_page_without_a_session_asks_to_sign_in_and_returns_there_and_a_wrong_password_is_refused() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-return");
        browser.go("/alerts/" + da);
        assertEquals("Sign in – targetwatch", browser.title());
        assertEquals("Sign in to see this page.", browser.text("main p.govuk-body"));

        browser.find("#name").sendKeys("ian.park");
        browser.find("#password").sendKeys("not-the-password");
        browser.clickAndWait("form[action='/sign-in'] button");
        assertEquals("Error: Sign in – targetwatch", browser.title());
        assertEquals("The user name or password is not right", browser.text(".govuk-error-summary__list a"));

        browser.find("#password").sendKeys(ianPassword);
        browser.clickAndWait("form[action='/sign-in'] button");
        assertEquals("/alerts/" + da, browser.path(), "signing in leads back to the page asked for");

        browser.signOut();
        browser.go("/alerts");
        assertEquals("Sign in – targetwatch", browser.title(), "signed out, the session no longer opens pages");
    }

    @Test
    void a_disabled_account_is_signed_out_at_its_next_request() throws Exception {
        Path users = data.resolve("users.properties");
        String password = Users.add(users, "temp.officer", Role.LEAD, List.of("lead-asb"));
        browser.signIn("temp.officer", password);
        assertEquals("Alerts – targetwatch", browser.title());

        Users.disable(users, "temp.officer");
        browser.go("/alerts");
        assertEquals("Sign in – targetwatch", browser.title());
        browser.signIn("temp.officer", password);
        assertEquals("The user name or password is not right", browser.text(".govuk-error-summary__list a"));
    }

    @Test
    void the_link_in_the_alert_mail_lands_on_the_alert_page_and_acknowledges_as_its_recipient() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-mail-link");
        String link = linkInMailAbout("pages-mail-link");

        browser.driver().get(link);
        assertEquals("% of domestic abuse victims who are repeat victims", browser.text("h1"));
        assertFalse(browser.all("svg.tw-chart[role='img']").isEmpty(), "the same page as /alerts/{id}, chart and all");
        assertTrue(browser.text("form button").startsWith("Acknowledge as Ian Park"));
        browser.find("#note").sendKeys("Called the DV forum");
        browser.clickAndWait("form button");
        assertEquals("Alert acknowledged", browser.text(".govuk-notification-banner__heading"));
        assertEquals("lead-domestic-abuse", app.alertHistory(da).get("alert").get("acknowledgedBy").asText());
    }

    /** The acknowledgement link in the first finished .eml written about the area (mail goes to files without an SMTP server). */
    private String linkInMailAbout(String area) {
        Pattern link = Pattern.compile("(http://localhost:\\d+/ack/[A-Za-z0-9_.-]+)");
        return await("a mail about " + area).atMost(PATIENCE).until(() -> {
            Path mail = data.resolve("mail");
            if (!Files.isDirectory(mail)) {
                return Optional.<String>empty();
            }
            try (Stream<Path> files = Files.list(mail)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".eml")).toList()) {
                    // the sender writes ".<name>.tmp" and moves it into place, so a finished mail is a *.eml
                    String body = Files.readString(f, StandardCharsets.ISO_8859_1).replace("=\r\n", "").replace("=\n", "")
                            .replace("=3D", "=");
                    int named = body.indexOf(area);
                    Matcher m = link.matcher(body);
                    if (named >= 0 && m.find(named)) {
                        return Optional.of(m.group(1));
                    }
                }
            }
            return Optional.<String>empty();
        }, Optional::isPresent).orElseThrow();
    }

    @Test
    void an_indicator_page_charts_its_series_beside_a_table_of_the_same_figures_with_its_target_in_words() throws Exception {
        app.raiseRepeatVictimsAlert("pages-indicator");
        browser.signIn("viewer", app.password("viewer"));
        browser.go("/indicators");
        browser.clickAndWait("a[href='/indicators/da-repeat-victims?area=pages-indicator']");

        assertEquals("% of domestic abuse victims who are repeat victims", browser.text("h1"));
        assertEquals("Off track", browser.text("main .govuk-body-l .govuk-tag"), "the status in words");
        WebElement chart = browser.find("svg.tw-chart[role='img']");
        assertTrue(chart.findElement(org.openqa.selenium.By.tagName("title")).getAttribute("textContent")
                .contains("pages-indicator"));
        assertEquals(List.of("2018-Q1", "30", "21", "Off track"), browser.all("table tbody tr").get(0)
                .findElements(org.openqa.selenium.By.cssSelector("th, td")).stream().map(WebElement::getText).toList(),
                "the table beside the chart holds the same figures");
        String summary = browser.text(".govuk-summary-list");
        assertTrue(summary.contains("Reduce to 21% by 31 Mar 2018") && summary.contains("Ian Park")
                && summary.contains("45 days after each quarter ends"), summary);

        browser.go("/indicators/no-such-indicator");
        assertEquals("No such indicator", browser.text("h1"));
        browser.go("/indicators/da-repeat-victims?area=nowhere-at-all");
        assertEquals("No such indicator", browser.text("h1"), "an area without readings is not shown as empty");
    }

    @Test
    void the_sign_in_alerts_and_alert_pages_have_no_serious_or_critical_accessibility_violation() throws Exception {
        String da = app.raiseRepeatVictimsAlert("pages-axe");
        browser.go("/sign-in");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "sign in");
        browser.clickAndWait("form[action='/sign-in'] button");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "sign in with its error summary");

        browser.signIn("ian.park", ianPassword);
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "alerts");
        browser.go("/alerts/" + da);
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "alert");
        browser.clickAndWait("form[action$='/acknowledge'] button");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "alert with the note's error");
        browser.go("/indicators");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "indicators");
        browser.go("/indicators/da-repeat-victims?area=pages-axe");
        assertEquals(List.of(), browser.seriousAccessibilityViolations(), "indicator");
    }
}
