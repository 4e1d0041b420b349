package targetwatch.engine.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** An activation written in two steps on embedded H2, the default database. */
class H2ActivationTest extends ActivationContract {

    @TempDir
    Path dir;

    @Override
    String emptyDatabase() {
        return "jdbc:h2:file:" + dir.resolve("targetwatch").toAbsolutePath();
    }

    @Override
    String user() {
        return "";
    }

    @Override
    String password() {
        return "";
    }
}
