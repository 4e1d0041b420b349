package targetwatch.engine.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** Fencing and outbox claims on embedded H2: two pools on one database file, as two stores in one process. */
class H2FencingTest extends FencingContract {

    @TempDir
    Path dir;

    @Override
    String emptyDatabase() {
        return "jdbc:h2:file:" + dir.resolve("targetwatch").toAbsolutePath();
    }

    @Override
    JdbcStore open(String url) {
        return JdbcStore.open(url, "", "");
    }

    @Override
    String lockWaits() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
    }

    @Override
    boolean claimsPassOverLockedRows() {
        return false;
    }
}
