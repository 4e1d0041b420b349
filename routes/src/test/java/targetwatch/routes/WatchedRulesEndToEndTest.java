package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import targetwatch.engine.ruleset.RuleSetFiles;

/**
 * Rule set changes made in the watched rules folder (a copy of the real one that the tests edit) while the
 * service runs: a valid change is checked, built and activated with readings streaming in, losing and
 * doubling none; an invalid one is refused with its errors and the running rule set stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchedRulesEndToEndTest {

    private static final String KSI = "ksi-casualties";
    /** 2017 expected under the real KSI target of 40 (58 to 40 over 2,374 days; 2,284 elapsed at 2017-12-31). */
    private static final BigDecimal KSI_2017_UNDER_40 = new BigDecimal("40.68");
    /** 2017 expected once the KSI target is tightened to 30: 58 + (30 - 58) * 2284 / 2374. */
    private static final BigDecimal KSI_2017_UNDER_30 = new BigDecimal("31.06");
    private static final int READINGS = 10_000;
    /** How many readings are assessed before the change is written to the folder. */
    private static final int BEFORE_CHANGE = 2_000;
    /** How many readings are held back until the new version is active, so that some surely come after it. */
    private static final int AFTER_SWAP = 1_000;
    /** How many readings a partner's message holds. */
    private static final int PER_MESSAGE = 25;

    private RunningTargetwatch app;
    private Path rules;

    @BeforeAll
    void startTargetwatchWatchingACopyOfTheRules(@TempDir Path data, @TempDir Path folder) throws Exception {
        rules = SecretariatFiles.copyOfRealTakingAnyArea(folder);
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of(
                "targetwatch.rules", rules.toString(),
                "targetwatch.rules.watch-ms", "200",
                "targetwatch.rules.auto-activate", "true"));
    }

    @AfterAll
    void stopTargetwatch() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void a_valid_change_picked_up_from_the_folder_while_10000_readings_stream_in_over_jms_assesses_each_reading_exactly_once_under_the_old_or_the_new_version()
            throws Exception {
        // given the active rule set, and a partner about to send 10,000 KSI readings, each for its own ward and
        // green under both the old target (40) and the tightened one (30)
        String oldChecksum = activeChecksum();
        long takenBefore = taken();
        CountDownLatch swapped = new CountDownLatch(1);
        CompletableFuture<Void> partner = CompletableFuture.runAsync(() -> {
            try {
                sendKsiReadings(0, READINGS - AFTER_SWAP);
                if (!swapped.await(PATIENCE.toSeconds() * 4, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the new rule set never became active");
                }
                sendKsiReadings(READINGS - AFTER_SWAP, READINGS);
            } catch (JMSException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        // when, with readings streaming in, the secretariat tightens the KSI target in the watched folder
        await("the first " + BEFORE_CHANGE + " readings assessed").atMost(PATIENCE.multipliedBy(4))
                .until(() -> taken() - takenBefore >= BEFORE_CHANGE);
        String targets = SecretariatFiles.withCell(SecretariatFiles.realTargets(), KSI, "target", "30");
        SecretariatFiles.replace(rules, SecretariatFiles.TARGETS, targets);
        String newChecksum = RuleSetFiles.checksum(RuleSetFiles.read(rules));

        // then it becomes the active version while the readings keep coming
        await("the tightened rule set active").atMost(PATIENCE.multipliedBy(4))
                .until(() -> activeChecksum().equals(newChecksum));
        swapped.countDown();
        JsonNode picked = version(newChecksum).orElseThrow();
        assertEquals("ACTIVE", picked.get("status").asText());
        assertEquals("rules folder", picked.get("createdBy").asText());
        assertEquals("RETIRED", version(oldChecksum).orElseThrow().get("status").asText());
        partner.get(PATIENCE.toSeconds() * 4, TimeUnit.SECONDS);
        await("all " + READINGS + " readings stored").atMost(PATIENCE.multipliedBy(8)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT COUNT(*) FROM readings WHERE area LIKE 'swap-%'") == READINGS);

        // and every reading was stored once and assessed once, by the rule set active when it was taken: all
        // readings before the swap under the old version, all after it under the new one, none under both
        List<Assessed> assessed = assessedReadings();
        Set<String> areas = new HashSet<>();
        assessed.forEach(a -> areas.add(a.area()));
        List<String> problems = new ArrayList<>();
        String previous = oldChecksum;
        for (Assessed a : assessed) {
            if (a.assessments() != 1) {
                problems.add(a + ": " + a.assessments() + " assessments from readings, not one");
            } else if (!a.ruleSet().equals(oldChecksum) && !a.ruleSet().equals(newChecksum)) {
                problems.add(a + ": assessed under neither version");
            } else if (a.expected().compareTo(a.ruleSet().equals(oldChecksum) ? KSI_2017_UNDER_40 : KSI_2017_UNDER_30) != 0) {
                problems.add(a + ": expected value is not the one of the version it records");
            } else if (previous.equals(newChecksum) && a.ruleSet().equals(oldChecksum)) {
                problems.add(a + ": assessed under the old version after a reading under the new one");
            }
            previous = a.ruleSet() == null ? previous : a.ruleSet();
        }
        long underOld = assessed.stream().filter(a -> oldChecksum.equals(a.ruleSet())).count();
        long underNew = assessed.stream().filter(a -> newChecksum.equals(a.ruleSet())).count();
        assertAll(
                () -> assertEquals(READINGS, assessed.size(), "reading rows"),
                () -> assertEquals(READINGS, areas.size(), "readings stored once each"),
                () -> assertEquals(List.of(), problems.subList(0, Math.min(10, problems.size())), problems.size() + " problems"),
                () -> assertTrue(underOld >= BEFORE_CHANGE, underOld + " readings under the old version"),
                () -> assertTrue(underNew >= AFTER_SWAP, underNew + " readings under the new version"),
                () -> assertEquals(READINGS, underOld + underNew));

        // and every reading assessed under the old version has its rating restated by the change, saying so
        assertEquals(underOld, count("SELECT COUNT(*) FROM assessments WHERE area LIKE 'swap-%' AND cause = 'rule change'"
                + " AND rule_set = '" + newChecksum + "' AND reading_id IS NULL AND expected = " + KSI_2017_UNDER_30));
    }

    @Test
    void an_invalid_change_in_the_folder_is_refused_with_its_file_row_and_column_and_the_old_version_stays_active()
            throws Exception {
        // given the active version
        String oldChecksum = activeChecksum();
        int activeVersion = rulesets().get("active").asInt();

        // when the secretariat saves targets.csv with a KSI target that is not a number
        String current = Files.readString(rules.resolve(SecretariatFiles.TARGETS));
        String broken = SecretariatFiles.withCell(current, KSI, "target", "forty");
        SecretariatFiles.replace(rules, SecretariatFiles.TARGETS, broken);
        String brokenChecksum = RuleSetFiles.checksum(RuleSetFiles.read(rules));

        // then the change is stored as refused, with the error at its file, row and column
        JsonNode refused = await("the broken rule set refused").atMost(PATIENCE)
                .until(() -> version(brokenChecksum), Optional::isPresent).orElseThrow();
        int row = SecretariatFiles.rowOf(broken, KSI);
        assertAll(
                () -> assertEquals("REFUSED", refused.get("status").asText()),
                () -> assertEquals("rules folder", refused.get("createdBy").asText()),
                () -> assertEquals("[\"targets.csv:" + row + ":target: \\\"forty\\\" is not a number\"]",
                        refused.get("errors").toString()));

        // and the old version is still the active one, and still rates what comes in
        assertEquals(activeVersion, rulesets().get("active").asInt());
        assertEquals(oldChecksum, activeChecksum());
        assertEquals(202, app.postReadings("lead", Readings.json(KSI, "after-refused-ward", "2017", "20")).statusCode());
        JsonNode assessed = app.awaitAssessment(KSI, "after-refused-ward", "2017");
        BigDecimal expected = oldChecksum.equals(RuleSetFiles.checksum(RuleSetFiles.read(SecretariatFiles.real())))
                ? KSI_2017_UNDER_40 : KSI_2017_UNDER_30;
        assertEquals(0, expected.compareTo(RunningTargetwatch.decimal(assessed, "expected")), assessed.toString());
    }

    // ---- the partner and the service as the tests see them

    /**
     * Sends KSI readings {@code from} (inclusive) to {@code to}, each for its own ward swap-NNNNN, as a partner's
     * system does: a JSON array of {@link #PER_MESSAGE} readings a message, committed a hundred messages at a time.
     */
    private void sendKsiReadings(int from, int to) throws JMSException {
        try (jakarta.jms.Connection c = app.partnerClient().createConnection()) {
            Session session = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            for (int i = from; i < to; i += PER_MESSAGE) {
                List<String> readings = new ArrayList<>();
                for (int j = i; j < Math.min(to, i + PER_MESSAGE); j++) {
                    readings.add(Readings.json(KSI, String.format("swap-%05d", j), "2017", "20"));
                }
                producer.send(session.createTextMessage("[" + String.join(",", readings) + "]"));
                if ((i / PER_MESSAGE + 1) % 100 == 0) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    private long taken() throws Exception {
        HttpResponse<String> health = app.health();
        return RunningTargetwatch.json(health).get("readings").get("taken").asLong();
    }

    private String activeChecksum() throws Exception {
        HttpResponse<String> status = app.send(app.request("/api/status").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        return RunningTargetwatch.json(status).get("ruleSet").asText();
    }

    private JsonNode rulesets() throws Exception {
        HttpResponse<String> response = app.send(app.request("/api/rulesets").header("Authorization", app.basicAuth("viewer"))
                .GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return RunningTargetwatch.json(response);
    }

    private Optional<JsonNode> version(String checksum) throws Exception {
        return StreamSupport.stream(rulesets().get("versions").spliterator(), false)
                .filter(v -> v.get("checksum").asText().equals(checksum)).findFirst();
    }

    /** One stored reading and the assessments stored with it (not those a rule change made). */
    private record Assessed(long readingId, String area, int assessments, String ruleSet, BigDecimal expected) {
    }

    private List<Assessed> assessedReadings() throws SQLException {
        List<Assessed> out = new ArrayList<>();
        try (Connection c = app.database();
             PreparedStatement s = c.prepareStatement("SELECT r.id, r.area, COUNT(a.id), MIN(a.rule_set), MAX(a.rule_set),"
                     + " MIN(a.expected) FROM readings r LEFT JOIN assessments a ON a.reading_id = r.id AND a.cause IS NULL"
                     + " WHERE r.area LIKE 'swap-%' GROUP BY r.id, r.area ORDER BY r.id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                // with one assessment MIN and MAX are its values; with more they are checked no further
                out.add(new Assessed(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getBigDecimal(6)));
            }
        }
        return out;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = app.database(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
