package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away while readings arrive on the queue (a real H2 server over TCP, stopped and started again):
 * the batch in hand is held, uncommitted, and taken again with back-off until the database answers, so the outage
 * neither loses a reading nor spends the broker's delivery attempts (after five of which a message would be parked
 * on the dead-letter queue), and {@code /api/health} says intake is waiting for the database.
 */
class DatabaseOutageEndToEndTest {

    private static final String KSI = "ksi-casualties";
    /** The broker parks a message on the dead-letter queue after this many deliveries (EmbeddedBroker). */
    private static final int BROKER_DELIVERY_ATTEMPTS = 5;

    private Path dbDir;
    private int dbPort;
    private Server database;
    private RunningTargetwatch app;

    @BeforeEach
    void startDatabaseAndTargetwatch(@TempDir Path data, @TempDir Path dbDir) throws Exception {
        this.dbDir = dbDir;
        dbPort = RunningTargetwatch.freePort();
        database = startDatabase();
        app = RunningTargetwatch.start(data, Optional.empty(), Map.of(
                "targetwatch.db.url", "jdbc:h2:tcp://localhost:" + dbPort + "/targetwatch",
                "targetwatch.db.connection-timeout-ms", "500"));
    }

    private Server startDatabase() throws Exception {
        return Server.createTcpServer("-tcpPort", String.valueOf(dbPort), "-baseDir", dbDir.toString(), "-ifNotExists").start();
    }

    @AfterEach
    void stopEverything() {
        if (app != null) {
            app.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    private JsonNode intake() throws Exception {
        return RunningTargetwatch.json(app.health()).get("intake");
    }

    @Test
    void readings_sent_while_the_database_is_down_are_held_and_all_taken_once_when_it_returns_none_dead_lettered()
            throws Exception {
        app.sendToReadingsQueue(Readings.json(KSI, "before-outage", "2017", "30"));
        app.awaitAssessment(KSI, "before-outage", "2017");
        assertFalse(intake().get("waitingForDatabase").asBoolean(), intake().toString());

        database.stop();
        String[] during = {Readings.json(KSI, "during-outage-1", "2017", "30"), Readings.json(KSI, "during-outage-2", "2017", "70")};
        for (String body : during) {
            app.sendToReadingsQueue(body);
        }
        // more attempts than the broker would have allowed, had each failure been given back to it
        await("intake waiting for the database, tried more than " + BROKER_DELIVERY_ATTEMPTS + " times")
                .atMost(Duration.ofSeconds(90))
                .until(() -> intake().get("waitingForDatabase").asBoolean()
                        && intake().get("attemptsWhileWaiting").asInt() > BROKER_DELIVERY_ATTEMPTS);
        assertEquals(503, app.health().statusCode(), "the service says it is down while its database is");

        database = startDatabase();

        assertEquals("GREEN", app.awaitAssessment(KSI, "during-outage-1", "2017").get("rating").asText());
        assertEquals("RED", app.awaitAssessment(KSI, "during-outage-2", "2017").get("rating").asText());
        for (String body : during) {
            assertTrue(app.deadLetterReason("targetwatch.readings.DLQ", body).isEmpty(), "dead-lettered: " + body);
        }
        await("intake no longer waiting").atMost(RunningTargetwatch.PATIENCE)
                .until(() -> !intake().get("waitingForDatabase").asBoolean());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:tcp://localhost:" + dbPort + "/targetwatch");
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM readings WHERE area LIKE 'during-outage-%'")) {
            rs.next();
            assertEquals(2, rs.getInt(1), "each reading sent during the outage stored once");
        }
    }
}
