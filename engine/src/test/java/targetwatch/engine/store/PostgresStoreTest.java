package targetwatch.engine.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * The store contract on a real PostgreSQL server, named by {@code TARGETWATCH_TEST_PG_URL} (with
 * {@code TARGETWATCH_TEST_PG_USER} and {@code TARGETWATCH_TEST_PG_PASSWORD}); {@code .ci/run} installs and
 * starts one. Skipped on a developer's machine without one; never in CI, where a missing server fails.
 */
class PostgresStoreTest extends StoreContract {

    @Override
    Store openEmpty() throws Exception {
        String url = System.getenv("TARGETWATCH_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI must provide a PostgreSQL server in TARGETWATCH_TEST_PG_URL");
            }
            assumeTrue(false, "no PostgreSQL server: set TARGETWATCH_TEST_PG_URL to run these tests");
        }
        String user = System.getenv("TARGETWATCH_TEST_PG_USER");
        String password = System.getenv("TARGETWATCH_TEST_PG_PASSWORD");
        String schema = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return JdbcStore.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password);
    }
}
