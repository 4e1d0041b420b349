package targetwatch.engine.store;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Rating;

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

    @Override
    String[] emptyDatabase() {
        return new String[] {"jdbc:h2:file:" + dir.resolve("another").toAbsolutePath(), "", ""};
    }

    @Test
    void the_file_writes_a_stream_of_small_commits_into_the_space_of_those_before_it_within_seconds() {
        // as the service opens it: every commit written at once
        Path file = dir.resolve("service.mv.db");
        try (Store service = JdbcStore.open("jdbc:h2:file:" + dir.resolve("service").toAbsolutePath() + ";WRITE_DELAY=0", "", "")) {
            // each one-reading commit appends a chunk of its own (every page it changed, and their paths to the
            // roots); H2's default keeps each for 45 s, so the file would grow by all of them for as long as this waits
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                long before = Files.size(file);
                for (int i = 0; i < COMMITS; i++) {
                    service.save(List.of(new StoredReading(reading("2017", "68"), "a",
                            List.of(assessment("2017", "68", Rating.RED)), List.of(), List.of())), NO_SINKS, "abc", NOW);
                }
                return Files.size(file) - before < MOST_GROWTH;
            });
        }
    }

    /** How many commits the file is watched over, and the most it may grow by meanwhile: a tenth of what they write. */
    private static final int COMMITS = 300;
    private static final long MOST_GROWTH = 1024 * 1024;
}
