package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Partners' notes and acknowledgement comments written to forge a mail's lines (a second "Acknowledge it" line with
 * another link, bidi overrides, markup, line breaks) reach the mails (through GreenMail, a real SMTP server) and the
 * alert page (in the real browser) inert: one line, quoted as their author's, no control or bidi character, and no
 * link but the service's own acknowledgement link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTextEndToEndTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HREF = Pattern.compile("<a\\s[^>]*href=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private RunningTargetwatch app;
    private Browser browser;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path profile) throws Exception {
        app = RunningTargetwatch.start(data, Optional.of(MAIL.getSmtp().getPort()), Map.of());
        browser = Browser.open(profile, app.baseUrl());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** A RED quarter of repeat domestic-abuse victims for the area, with the given note; the alert it raised. */
    private String raiseWithNote(String area, String note) throws Exception {
        HttpResponse<String> r = app.postReadings("lead", JSON.writeValueAsString(Map.of("indicator", "da-repeat-victims",
                "area", area, "period", "2018-Q1", "value", 30, "source", "dv-forum", "note", note)));
        assertEquals(202, r.statusCode(), r.body());
        return RunningTargetwatch.json(r).get("alerts").get(0).get("alert").asText();
    }

    /** The plain text and the HTML of the first mail whose subject starts with the words and names the area. */
    private String[] mail(String subjectStart, String area) {
        MimeMessage m = await("a mail \"" + subjectStart + "\" about " + area).atMost(PATIENCE).until(() -> Arrays
                .stream(MAIL.getReceivedMessages()).filter(x -> subjectOf(x).startsWith("[targetwatch] " + subjectStart)
                        && subjectOf(x).contains(area)).findFirst(), Optional::isPresent).orElseThrow();
        try {
            MimeMultipart alternative = (MimeMultipart) m.getContent();
            return new String[] {(String) alternative.getBodyPart(0).getContent(), (String) alternative.getBodyPart(1).getContent()};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> linesStarting(String text, String start) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith(start)) {
                out.add(line);
            }
        }
        return out;
    }

    private static void assertNoUnsafeCharacter(String text, String where) {
        Matcher m = HostileInputs.UNSAFE_CHARACTERS.matcher(text);
        assertFalse(m.find(), () -> where + " holds U+" + Integer.toHexString(text.charAt(m.start())) + ": " + text);
    }

    private void assertOnlyOurOwnLinks(String html) {
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            assertTrue(m.group(1).startsWith(app.baseUrl() + "/ack/"), "a link that is not the service's: " + m.group(1));
        }
    }

    @Test
    void a_note_forging_an_acknowledge_line_reaches_the_mail_as_one_quoted_line_of_the_partner_s_with_no_link() throws Exception {
        raiseWithNote("hostile-note", HostileInputs.FORGED_ACK_NOTE);
        String[] mail = mail("RED alert raised", "hostile-note");
        String text = mail[0].replace("\r\n", "\n");
        List<String> asks = linesStarting(text, "Acknowledge it");
        assertEquals(1, asks.size(), "one line asks to acknowledge, the service's own: " + text);
        assertTrue(asks.get(0).contains(app.baseUrl() + "/ack/"), asks.get(0));
        List<String> notes = linesStarting(text, "Partner's note:");
        assertEquals(List.of("Partner's note: dv-forum wrote: \u201cFigures provisional. Acknowledge it (it then stops escalating"
                + " and reminding): http[:]//evil.example/ack/forged knil siht kcilc <a href=\"http[:]//evil.example/x\">details</a>\u201d"),
                notes, "the note on one line, quoted as the partner's, its links defused");
        for (String line : text.split("\n")) {
            assertNoUnsafeCharacter(line, "a line of the mail");
        }
        assertFalse(text.contains("http://evil.example"), text);

        String html = mail[1];
        assertOnlyOurOwnLinks(html);
        assertEquals(1, HREF.matcher(html).results().count(), "one link, to acknowledge: " + html);
        assertTrue(html.contains("dv-forum wrote: \u201cFigures provisional. Acknowledge it"), html);
        assertTrue(html.contains("&lt;a href=\"http[:]//evil.example/x\"&gt;details&lt;/a&gt;"), "the markup shown as text: " + html);
        assertNoUnsafeCharacter(html.replace("\n", " ").replace("\r", " "), "the mail's HTML");
    }

    @Test
    void an_acknowledgement_comment_reaches_the_mail_and_the_alert_page_quoted_with_its_author_on_one_line() throws Exception {
        String alert = raiseWithNote("hostile-comment", "\u202eprovisional\u202c\nsee http://evil.example/a");
        String comment = "Done.\n\nAcknowledge it: http://evil.example/ack/forged\n\u2067\u202etxet desrever\u202c\u2069";
        HttpResponse<String> ack = app.send(app.request("/api/alerts/" + alert + "/ack")
                .header("Authorization", app.basicAuth("lead")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("comment", comment)))).build());
        assertEquals(200, ack.statusCode(), ack.body());

        String[] mail = mail("Alert acknowledged", "hostile-comment");
        String text = mail[0].replace("\r\n", "\n");
        assertEquals(List.of("Acknowledged by lead. lead wrote: \u201cDone. Acknowledge it: http[:]//evil.example/ack/forged"
                + " txet desrever\u201d"), linesStarting(text, "Acknowledged by"), text);
        assertTrue(linesStarting(text, "Acknowledge it").isEmpty(), "an acknowledged alert asks for nothing: " + text);
        for (String line : text.split("\n")) {
            assertNoUnsafeCharacter(line, "a line of the mail");
        }
        assertEquals(0, HREF.matcher(mail[1]).results().count(), "no link at all: " + mail[1]);

        browser.signIn("viewer", app.password("viewer"));
        browser.go("/alerts/" + alert);
        WebElement timeline = browser.find(".tw-timeline");
        assertTrue(timeline.findElements(By.tagName("a")).isEmpty(), "no link in the history");
        String said = timeline.findElements(By.cssSelector("p.govuk-body")).stream()
                .map(p -> p.getAttribute("textContent")).filter(t -> t.contains("wrote")).findFirst().orElseThrow();
        assertEquals("lead wrote: \u201cDone. Acknowledge it: http[:]//evil.example/ack/forged txet desrever\u201d", said);
        String note = browser.all(".govuk-summary-list__row").stream()
                .filter(r -> r.findElement(By.tagName("dt")).getText().equals("Partner's note"))
                .map(r -> r.findElement(By.tagName("dd")).getAttribute("textContent")).findFirst().orElseThrow();
        assertEquals("dv-forum wrote: \u201cprovisional see http[:]//evil.example/a\u201d", note);
        assertNoUnsafeCharacter(browser.find("main").getAttribute("textContent").replace("\n", " ").replace("\t", " "),
                "the alert page");
        assertTrue(browser.find("main").findElements(By.cssSelector("a[href*='evil']")).isEmpty());
    }
}
