package targetwatch.engine.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * An empty schema on the real PostgreSQL server named by {@code TARGETWATCH_TEST_PG_URL} (with
 * {@code TARGETWATCH_TEST_PG_USER} and {@code TARGETWATCH_TEST_PG_PASSWORD}); {@code .ci/run} installs and starts one.
 * Skips the test on a developer's machine without one; never in CI, where a missing server fails.
 */
final class PostgresTestDatabase {

    private PostgresTestDatabase() {
    }

    /** The JDBC URL of a new, empty schema. */
    static String emptySchemaUrl() throws Exception {
        String url = System.getenv("TARGETWATCH_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI must provide a PostgreSQL server in TARGETWATCH_TEST_PG_URL");
            }
            assumeTrue(false, "no PostgreSQL server: set TARGETWATCH_TEST_PG_URL to run these tests");
        }
        String schema = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, user(), password()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static String user() {
        return System.getenv("TARGETWATCH_TEST_PG_USER");
    }

    static String password() {
        return System.getenv("TARGETWATCH_TEST_PG_PASSWORD");
    }
}
