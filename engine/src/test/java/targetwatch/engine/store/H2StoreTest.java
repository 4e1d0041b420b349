package targetwatch.engine.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded H2, the default database (an activation written in two steps: {@link H2ActivationTest}). */
class H2StoreTest extends StoreContract {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("targetwatch").toAbsolutePath();
    }

    @Override
    Store openEmpty() {
        return JdbcStore.open(url(), "", "");
    }
}
