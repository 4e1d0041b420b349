package targetwatch.engine.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded H2, the default database. */
class H2StoreTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    Store openEmpty() {
        return JdbcStore.open("jdbc:h2:file:" + dir.resolve("targetwatch").toAbsolutePath(), "", "");
    }
}
