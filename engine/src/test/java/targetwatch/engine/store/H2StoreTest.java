package targetwatch.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Rating;

/** The store contract on embedded H2, the default database; and an activation written in two steps. */
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

    /** The periods of the assessments stored with the cause "rule change", in order. */
    private List<String> ruleChangePeriods() throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT period FROM assessments WHERE cause = 'rule change' ORDER BY period")) {
            List<String> periods = new ArrayList<>();
            while (rs.next()) {
                periods.add(rs.getString(1));
            }
            return periods;
        }
    }

    @Test
    void an_activation_written_ahead_stores_what_was_written_less_what_was_withdrawn_plus_the_rest_and_holds_up_no_save()
            throws Exception {
        int version = store.addRuleSetVersion("c1", Map.of("targets.csv", "a"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        try (Store.PendingActivation pending = store.beginActivation(version, NOW)) {
            pending.write(List.of(assessment("2015", "60", Rating.RED), assessment("2016", "61", Rating.RED)));
            // readings keep being stored while the activation is open
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> store.save(List.of(new StoredReading(reading("2017", "68"),
                    "a", List.of(assessment("2017", "68", Rating.RED)), List.of(), List.of())), NO_SINKS, "abc", NOW));
            assertEquals(List.of(), ruleChangePeriods(), "nothing is seen before the commit");
            pending.finish(List.of(assessment("2016", "61", Rating.RED)), List.of(assessment("2014", "59", Rating.AMBER)),
                    List.of(event(1, AlertEventType.RAISED, "2015")), List.of(), NO_SINKS);
        }
        assertEquals(List.of("2014", "2015"), ruleChangePeriods());
        assertEquals(RuleSetVersion.ACTIVE, store.ruleSetVersion(version).orElseThrow().status());
        assertEquals(1, store.readingCount());
        assertEquals(new DeliveryCounts(0, 0, 0), store.deliveryCounts());
    }

    @Test
    void an_activation_closed_unfinished_stores_nothing_and_the_version_stays_a_candidate() throws Exception {
        int version = store.addRuleSetVersion("c1", Map.of("targets.csv", "a"), RuleSetVersion.CANDIDATE, "folder", null, null, NOW);
        try (Store.PendingActivation pending = store.beginActivation(version, NOW)) {
            pending.write(List.of(assessment("2015", "60", Rating.RED)));
        }
        assertEquals(List.of(), ruleChangePeriods());
        assertEquals(RuleSetVersion.CANDIDATE, store.ruleSetVersion(version).orElseThrow().status());
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
