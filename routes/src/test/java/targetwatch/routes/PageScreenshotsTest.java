package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.routes.pages.Words;

/**
 * The pages over the Maidstone sample feeds, as the README's walk-through shows them: after the feeds are dropped in
 * the inbox, the indicators page lists every target with the engine's own latest rating in words, an alert's page
 * opens from the list, the quarterly report shows (to its lead and to a board member), and the secretariat's rules
 * page previews an upload; each page, and the first page of the report's PDF, is saved as a PNG for the README (into
 * {@code target/screenshots}, or the folder named by {@code -Dtargetwatch.screenshots=...}, which is how
 * docs/screenshots is refreshed).
 */
class PageScreenshotsTest {

    @Test
    void the_sample_feeds_show_on_the_pages_with_the_engine_s_ratings_and_each_page_is_saved_for_the_readme(
            @TempDir Path data, @TempDir Path profile, @TempDir Path uploads) throws Exception {
        Path shots = Path.of(System.getProperty("targetwatch.screenshots", "target/screenshots"));
        try (RunningTargetwatch app = RunningTargetwatch.start(data, Optional.empty());
             Browser browser = Browser.open(profile, app.baseUrl())) {
            app.dropSampleFeeds();
            var latest = app.awaitAssessment("da-repeat-victims", "maidstone", "2018-Q1");

            browser.go("/");
            assertEquals("Sign in – targetwatch", browser.title(), "the service's front page asks to sign in");
            browser.screenshot(shots.resolve("sign-in.png"));

            browser.signIn("lead", app.password("lead"));
            assertEquals("/alerts", browser.path());
            browser.screenshot(shots.resolve("alerts.png"));

            browser.clickAndWait("table a.govuk-link");
            assertTrue(browser.path().startsWith("/alerts/"), browser.path());
            browser.screenshot(shots.resolve("alert.png"));

            browser.go("/indicators");
            String row = browser.find("a[href='/indicators/da-repeat-victims?area=maidstone']")
                    .findElement(org.openqa.selenium.By.xpath("ancestor::tr")).getText();
            String rating = Words.rating(targetwatch.engine.model.Rating.valueOf(latest.get("rating").asText()));
            assertTrue(row.contains("2018-Q1") && row.contains(rating), row + " against the engine's " + rating);
            browser.screenshot(shots.resolve("indicators.png"));

            browser.go("/indicators/da-repeat-victims?area=maidstone");
            assertEquals(List.of("2011-Q4", "22.9"), browser.all("table tbody tr").get(0)
                    .findElements(org.openqa.selenium.By.cssSelector("th, td")).stream().limit(2)
                    .map(org.openqa.selenium.WebElement::getText).toList(), "the dv-forum feed's first quarter");
            browser.screenshot(shots.resolve("indicator.png"));

            browser.go("/report?period=2015-Q4");
            assertEquals("October to December 2015 (2015-Q4)", browser.text("h1"));
            browser.clickAndWait("#da-repeat-victims a[href^='/report/commentary/']");
            browser.find("#commentary").sendKeys("Repeat victimisation rose with the new risk assessment, which finds more"
                    + " repeat cases than the old one did. The MARAC now reviews every repeat case within a week.");
            browser.screenshot(shots.resolve("commentary.png"));
            browser.clickAndWait("form[action='/report/commentary/da-repeat-victims'] button");
            assertEquals("Commentary saved", browser.text(".govuk-notification-banner__heading"));
            browser.screenshot(shots.resolve("report.png"));
            var pdf = browser.download("/report.pdf?period=2015-Q4");
            assertEquals(200, pdf.statusCode());
            try (var document = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
                java.awt.image.BufferedImage first = new org.apache.pdfbox.rendering.PDFRenderer(document).renderImageWithDPI(0, 110);
                javax.imageio.ImageIO.write(first, "png", shots.resolve("report-pdf.png").toFile());
            }

            // a board member reads the same report, with the lead's commentary and no form to write one
            browser.signOut();
            browser.signIn("viewer", app.password("viewer"));
            browser.go("/report?period=2015-Q4");
            assertTrue(browser.all("a[href^='/report/commentary/']").isEmpty(), "a viewer is offered no commentary form");
            assertTrue(browser.text("#da-repeat-victims").contains("MARAC now reviews every repeat case"),
                    browser.text("#da-repeat-victims"));
            browser.screenshot(shots.resolve("report-viewer.png"));

            // the secretariat's rules page, and the preview of a tighter KSI target uploaded there
            browser.signOut();
            browser.signIn("secretariat", app.password("secretariat"));
            browser.go("/rules");
            assertEquals("Rules", browser.text("h1"));
            browser.screenshot(shots.resolve("rules.png"));
            Path targets = Files.writeString(uploads.resolve("targets.csv"), SecretariatFiles.withCell(
                    SecretariatFiles.realTargets(), "ksi-casualties", "target", "35"));
            browser.find("#file").sendKeys(targets.toAbsolutePath().toString());
            browser.find("#comment").sendKeys("KSI: the county's new target of 35 by 2018");
            browser.clickAndWait("form[action='/rules/upload'] button");
            assertTrue(browser.path().startsWith("/rules/versions/"), browser.path());
            assertTrue(browser.text("#rating-changes").contains("Road users killed or seriously injured"), browser.text("main"));
            browser.screenshot(shots.resolve("rules-preview.png"));
        }
    }
}
