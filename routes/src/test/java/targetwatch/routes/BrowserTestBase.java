package targetwatch.routes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What the page tests share: one running service and one headless Chromium for the class (started by the test's own
 * {@code @BeforeAll}, which knows its settings and accounts), closed after it, and every test starting signed out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {

    protected RunningTargetwatch app;
    protected Browser browser;

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.go("/sign-in");
        browser.driver().manage().deleteAllCookies();
    }
}
