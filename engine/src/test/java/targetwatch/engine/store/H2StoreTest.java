package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.Rating;
import targetwatch.engine.model.Reading;

/** The store contract on embedded H2, the default database. */
class H2StoreTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    Store openEmpty() {
        // as the service opens its embedded database: every commit written at once
        return JdbcStore.open("jdbc:h2:file:" + dir.resolve("targetwatch").toAbsolutePath() + ";WRITE_DELAY=0", "", "");
    }

    /** Many small batches of readings with an assessment each, as the JMS intake writes them; returns how many. */
    private int storeManyBatches() {
        int n = 0;
        for (int batch = 0; batch < 100; batch++) {
            List<StoredReading> readings = new ArrayList<>();
            for (int i = 0; i < 100; i++, n++) {
                String period = (2000 + n % 19) + "-" + String.format("%02d", 1 + n % 12);
                Reading r = Reading.of("maidstone", "ksi-casualties", "ward-" + (n % 97), period, String.valueOf(n), "kfrs");
                readings.add(new StoredReading(r, "jms ID:" + n, List.of(assessment("2017", "60", Rating.RED)), List.of(),
                        List.of()));
            }
            store.save(readings, List.of(new ProcessedMessage("ID:" + batch, null)), NO_SINKS, "abc", NOW);
        }
        return n;
    }

    @Test
    void compacting_the_embedded_file_gives_back_the_space_of_old_page_versions_and_keeps_every_reading() throws Exception {
        int n = storeManyBatches();
        System.out.println("h2 file before compaction: " + Files.size(dir.resolve("targetwatch.mv.db")));
        Path file = dir.resolve("targetwatch.mv.db");

        long after = ((JdbcStore) store).compactFile(1_000);
        System.out.println("h2 file after compaction: " + after);

        assertEquals(Files.size(file), after);
        assertTrue(after < 1_000L * n, "the file holds " + after + " bytes for " + n + " readings after compaction");
        assertEquals(n, store.readingCount());
        List<String> values = new ArrayList<>();
        store.forEachReading(r -> values.add(r.value().toPlainString()));
        assertEquals(String.valueOf(n - 1), values.get(n - 1));
        assertEquals(n, values.size());
    }

    @Test
    void without_compaction_the_same_batches_leave_the_file_several_times_larger() throws Exception {
        // the other side of the compaction test's bound: what the file holds when nothing compacts it
        JdbcStore plain = JdbcStore.open("jdbc:h2:file:" + dir.resolve("plain").toAbsolutePath() + ";WRITE_DELAY=0", "", "",
                JdbcStore.DEFAULT_CONNECTION_TIMEOUT, false);
        store.close();
        store = plain;
        int n = storeManyBatches();
        long size = Files.size(dir.resolve("plain.mv.db"));
        assertTrue(size > 1_000L * n, "the file holds " + size + " bytes for " + n + " readings");
    }

    @Test
    void a_database_that_is_not_an_embedded_h2_file_has_nothing_to_compact() {
        try (JdbcStore inMemory = JdbcStore.open("jdbc:h2:mem:compact-" + System.nanoTime(), "", "")) {
            assertEquals(-1, inMemory.compactFile(100));
        }
    }
}
