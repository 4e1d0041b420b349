package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.AlertEventType;
import targetwatch.engine.model.Period;
import targetwatch.engine.model.Rating;
import targetwatch.engine.model.SeriesKey;
import targetwatch.engine.store.DeliveryCounts;
import targetwatch.routes.service.IngestService;

/**
 * Outages of what targetwatch sends to and takes from: an external Artemis broker and the SMTP server are
 * each stopped during a run and started again on the same port (the broker on the same journal). While one
 * is away readings keep coming and alert deliveries wait in the outbox; once it is back every reading is
 * stored once, and every alert event reaches the topic once (counted by event id) and its recipient once
 * (counted by X-Targetwatch-Event and address; a digest mail lists several events there).
 *
 * <p>Every reading is a KSI count of 70 for 2017 (RED against the trajectory) in an area of its own, so each
 * raises exactly one alert event, whose stable id the test computes itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageEndToEndTest {

    /**
     * How long the broker or the mail server stays away. The issue asks for 30 s; what is under test (deliveries
     * retried with back-off until the sink answers again, then made once) is the same for a shorter outage, so
     * the suite uses 5 s. Run with {@code -Dtargetwatch.test.outage-seconds=30} for the full length.
     */
    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("targetwatch.test.outage-seconds", 5));

    /** How long recovery may take once the sink is back: the last back-off may be about as long as the outage. */
    private static final Duration RECOVERY = PATIENCE.plus(OUTAGE.multipliedBy(2));

    private static final String KSI = "ksi-casualties";
    private static final String KSI_LEAD = "nick.silvester@example.org";

    /** Deliveries retry from 200 ms, doubling; 30 attempts outlast any outage a test makes; readings come in batches of 5. */
    private static final Map<String, String> QUICK_RETRIES = Map.of(
            "targetwatch.delivery.initial-delay-ms", "200",
            "targetwatch.delivery.max-attempts", "30",
            "targetwatch.outbox.poll-ms", "200",
            // small batches, so that the broker stops while readings are still on its queue
            "targetwatch.jms.batch-size", "5");

    private ExternalBroker broker;
    private Path brokerData;
    private int brokerPort;
    private GreenMail mail;
    private int smtpPort;
    private RunningTargetwatch app;
    private IngestService service;
    /** A partner's own client of the external broker. */
    private ActiveMQConnectionFactory partner;

    @BeforeAll
    void startTargetwatchWithAnExternalBrokerAndAMailServer(@TempDir Path data, @TempDir Path brokerData) throws Exception {
        this.brokerData = brokerData;
        brokerPort = RunningTargetwatch.freePort();
        broker = ExternalBroker.start(brokerData, brokerPort);
        partner = new ActiveMQConnectionFactory(broker.url());
        smtpPort = RunningTargetwatch.freePort();
        mail = startMailServer(smtpPort);
        Map<String, String> settings = new TreeMap<>(QUICK_RETRIES);
        settings.put("targetwatch.broker.url", broker.url());
        app = RunningTargetwatch.start(data, Optional.of(smtpPort), settings);
        service = app.bean(targetwatch.routes.service.Tenants.class).first().ingest();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (app != null) {
            app.close();
        }
        if (mail != null) {
            mail.stop();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void when_the_external_broker_is_down_for_an_outage_the_readings_left_on_its_queue_are_taken_once_and_every_alert_is_published_and_mailed_once_after_it_returns()
            throws Exception {
        Outbox before = Outbox.now(service);
        // given a partner with a durable subscription to the alerts on the external broker
        DurableSubscriber.subscribe(partner, "outage-partner", "every-alert");

        // when the partner sends 200 RED readings to the readings queue
        List<String> queued = areas("outage-broker-queued-", 200);
        sendToQueue(partner, queued);
        // and the broker stops while targetwatch is part-way through them
        await("targetwatch taking readings from the queue").atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> service.store().readingCount() >= before.readings() + 5);
        broker.stop();

        // and readings keep coming over HTTP while it is away
        List<String> posted = areas("outage-broker-posted-", 20);
        postInBatchesOfFive(posted);
        // and the broker stays away for the outage, health saying so and alert deliveries waiting
        await("the broker down for " + OUTAGE.toSeconds() + " s, shown on /api/health, with deliveries waiting")
                .during(OUTAGE).atMost(OUTAGE.plus(PATIENCE))
                .until(() -> brokerStatus().equals("DOWN") && service.store().deliveryCounts().pending() > 0);
        long stored = service.store().readingCount() - before.readings();
        assertTrue(stored < queued.size() + posted.size(), "all " + queued.size() + " queued readings were taken before the"
                + " broker stopped: none was left on its queue for the outage");

        // and it then starts again on the same port and journal
        broker = ExternalBroker.start(brokerData, brokerPort);

        // then every reading is stored once, those left on the queue and those posted meanwhile, and every delivery made
        List<String> all = new ArrayList<>(queued);
        all.addAll(posted);
        awaitEveryDeliveryMade(before, all.size());
        assertEquals("UP", brokerStatus());
        // and the partner's subscription holds each alert event once
        try (DurableSubscriber subscriber = DurableSubscriber.open(partner, "outage-partner", "every-alert")) {
            assertEachEventOnce("on the topic", expectedEventIds(all), subscriber::eventIds);
        }
        // and the lead got one mail per event
        assertEachEventOnce("in the lead's mailbox", expectedEventIds(all), () -> mailedEventIds(mail, "outage-broker-"));
    }

    @Test
    void when_the_mail_server_is_down_for_an_outage_every_alert_is_mailed_once_after_it_returns_and_published_once_meanwhile()
            throws Exception {
        Outbox before = Outbox.now(service);
        try (AlertSubscriber subscriber = new AlertSubscriber(partner, "area LIKE 'outage-smtp-%'")) {
            // given alerts mailed while the mail server is up
            List<String> early = areas("outage-smtp-early-", 10);
            postInBatchesOfFive(early);
            awaitEveryDeliveryMade(before, early.size());
            assertEachEventOnce("in the mailbox before the outage", expectedEventIds(early),
                    () -> mailedEventIds(mail, "outage-smtp-"));

            // when the mail server stops
            mail.stop();
            // and alerts are raised while it is away: over HTTP, and by a partner on the readings queue
            List<String> during = areas("outage-smtp-during-", 30);
            postInBatchesOfFive(during.subList(0, 20));
            sendToQueue(partner, during.subList(20, 30));
            // and it stays away for the outage, the mails waiting in the outbox
            await("the mail server down for " + OUTAGE.toSeconds() + " s with mails waiting")
                    .during(OUTAGE).atMost(OUTAGE.plus(PATIENCE))
                    .until(() -> service.store().deliveryCounts().pending() > 0);
            // and it then starts again on the same port
            mail = startMailServer(smtpPort);

            // then every delivery is made, none parked
            List<String> all = new ArrayList<>(early);
            all.addAll(during);
            awaitEveryDeliveryMade(before, all.size());
            // and each mail held back by the outage arrives once, and none sent before it is sent again
            assertEachEventOnce("in the mailbox after the outage", expectedEventIds(during),
                    () -> mailedEventIds(mail, "outage-smtp-"));
            // and the topic, which never went away, carried each event once
            assertEachEventOnce("on the topic", expectedEventIds(all),
                    () -> subscriber.received().stream().map(r -> r.property("eventId")).toList());
        }
    }

    /** How many readings and deliveries the store held when a test began. */
    private record Outbox(long readings, long sent) {

        static Outbox now(IngestService service) {
            return new Outbox(service.store().readingCount(), service.store().deliveryCounts().sent());
        }
    }

    // ---- what is sent

    private static List<String> areas(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private static String jsonArray(List<String> areas) {
        return areas.stream().map(a -> Readings.json(KSI, a, "2017", "70")).collect(Collectors.joining(",", "[", "]"));
    }

    private void postInBatchesOfFive(List<String> areas) throws Exception {
        for (int i = 0; i < areas.size(); i += 5) {
            HttpResponse<String> response = app.postReadings("lead", jsonArray(areas.subList(i, Math.min(i + 5, areas.size()))));
            assertEquals(202, response.statusCode(), response.body());
        }
    }

    /** Sends one persistent message per area to the readings queue, committed together. */
    private static void sendToQueue(jakarta.jms.ConnectionFactory factory, List<String> areas) throws JMSException {
        try (Connection c = factory.createConnection()) {
            Session session = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            for (String area : areas) {
                producer.send(session.createTextMessage(Readings.json(KSI, area, "2017", "70")));
            }
            session.commit();
        }
    }

    /** The id of the one event a RED 2017 KSI reading raises in a fresh area: the first of its series. */
    private static Set<String> expectedEventIds(List<String> areas) {
        return areas.stream()
                .map(area -> AlertEvent.idFor(new SeriesKey("maidstone", KSI, area), 1, Period.parse("2017"),
                        AlertEventType.RAISED, Rating.RED, 1))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    // ---- what came out

    /**
     * Waits until {@code readings} more readings than at {@code before} are stored, and each of their events'
     * two deliveries (topic, email) is sent; none parked.
     */
    private void awaitEveryDeliveryMade(Outbox before, int readings) {
        await(readings + " readings stored and " + 2 * readings + " deliveries sent").atMost(RECOVERY)
                .untilAsserted(() -> {
                    DeliveryCounts now = service.store().deliveryCounts();
                    long stored = service.store().readingCount() - before.readings();
                    assertTrue(stored == readings && now.unanswered() == 0, stored + " readings stored, deliveries " + now);
                });
        DeliveryCounts counts = service.store().deliveryCounts();
        assertAll(
                () -> assertEquals(before.readings() + readings, service.store().readingCount(), "readings stored"),
                () -> assertEquals(before.sent() + 2L * readings, counts.sent(), "deliveries sent: " + counts),
                () -> assertEquals(0, counts.parked(), "deliveries parked: " + counts));
    }

    private String brokerStatus() throws Exception {
        JsonNode health = RunningTargetwatch.json(app.health());
        return health.get("broker").get("status").asText();
    }

    /**
     * Waits until every expected event id has arrived, and stays, for a second, without any arriving again;
     * then checks each arrived exactly once and nothing else did.
     */
    private static void assertEachEventOnce(String where, Set<String> expected, Callable<List<String>> arrived) {
        await("each of " + expected.size() + " alert events " + where).atMost(RECOVERY).untilAsserted(() -> {
            Set<String> missing = new LinkedHashSet<>(expected);
            List<String> now = arrived.call();
            now.forEach(missing::remove);
            assertTrue(missing.isEmpty(), missing.size() + " of " + expected.size() + " events not yet " + where
                    + " (" + now.size() + " arrived)");
        });
        int[] last = {-1};
        await("no more alert events arriving " + where + " for a second").during(Duration.ofSeconds(1)).atMost(PATIENCE)
                .until(() -> {
                    int now = arrived.call().size();
                    boolean same = now == last[0];
                    last[0] = now;
                    return same;
                });
        List<String> ids = uncheckedGet(arrived);
        Map<String, Long> counts = ids.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        Map<String, Long> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        Set<String> unexpected = new LinkedHashSet<>(counts.keySet());
        unexpected.removeAll(expected);
        assertAll(where,
                () -> assertEquals(Map.of(), twice, "events that arrived more than once " + where),
                () -> assertEquals(Set.of(), unexpected, "events " + where + " that no reading raised"),
                () -> assertEquals(expected.size(), ids.size(), "events " + where));
    }

    private static <T> T uncheckedGet(Callable<T> s) {
        try {
            return s.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The event id of every mail the server received about an area starting with {@code areaPrefix}, once per mail. */
    private static List<String> mailedEventIds(GreenMail server, String areaPrefix) throws MessagingException {
        List<String> ids = new ArrayList<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            // one mail per event, or one digest listing several (its body names their areas)
            boolean digest = m.getSubject().matches("\\[targetwatch\\] \\d+ alerts for .*")
                    && com.icegreen.greenmail.util.GreenMailUtil.getBody(m).contains(areaPrefix);
            if (!m.getSubject().contains("(" + areaPrefix) && !digest) {
                continue;
            }
            Address[] to = m.getRecipients(jakarta.mail.Message.RecipientType.TO);
            boolean toLead = to != null && to.length == 1 && to[0] instanceof InternetAddress i && KSI_LEAD.equals(i.getAddress());
            String[] event = m.getHeader("X-Targetwatch-Event");
            if (!toLead || event == null || event.length != 1) {
                throw new AssertionError("a mail not to " + KSI_LEAD + " alone, or without one X-Targetwatch-Event: "
                        + m.getSubject());
            }
            // a digest (several events to one person at once) lists its events' ids, separated by spaces
            ids.addAll(java.util.Arrays.asList(event[0].strip().split("\\s+")));
        }
        return ids;
    }

    // ---- the servers that go away

    private static GreenMail startMailServer(int port) {
        GreenMail mail = new GreenMail(new ServerSetup(port, "localhost", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    /**
     * A partner's own Artemis broker, as an external broker would be: persistent, on a TCP port, addresses
     * created as they are used. Stopped and started again on the same journal, it keeps its messages.
     */
    static final class ExternalBroker implements AutoCloseable {

        private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        private final int port;

        private ExternalBroker(Path dir, int port) throws Exception {
            this.port = port;
            Configuration config = new ConfigurationImpl()
                    .setName("external-broker")
                    .setPersistenceEnabled(true)
                    .setSecurityEnabled(false)
                    .setJournalType(JournalType.NIO)
                    .setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("tcp", url(port));
            server.setConfiguration(config);
        }

        static ExternalBroker start(Path dir, int port) throws Exception {
            ExternalBroker broker = new ExternalBroker(dir, port);
            broker.server.start();
            return broker;
        }

        private static String url(int port) {
            return "tcp://localhost:" + port;
        }

        String url() {
            return url(port);
        }

        void stop() throws Exception {
            server.stop();
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }

    /** A partner's durable subscription to the alerts topic: it keeps what is published while the partner is away. */
    static final class DurableSubscriber implements AutoCloseable {

        private final Connection connection;
        private final List<String> eventIds = new CopyOnWriteArrayList<>();
        private final List<Exception> failures = new CopyOnWriteArrayList<>();

        private DurableSubscriber(jakarta.jms.ConnectionFactory factory, String clientId, String name) throws JMSException {
            connection = factory.createConnection();
            try {
                connection.setClientID(clientId);
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createDurableConsumer(session.createTopic("targetwatch.alerts"), name).setMessageListener(this::keep);
                connection.start();
            } catch (JMSException e) {
                connection.close();
                throw e;
            }
        }

        /** Creates the subscription and leaves: from now on the broker keeps every alert for it. */
        static void subscribe(jakarta.jms.ConnectionFactory factory, String clientId, String name) throws JMSException {
            try (Connection c = factory.createConnection()) {
                c.setClientID(clientId);
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createDurableConsumer(session.createTopic("targetwatch.alerts"), name).close();
            }
        }

        /** Comes back to the subscription and takes what it holds, and what arrives from now on. */
        static DurableSubscriber open(jakarta.jms.ConnectionFactory factory, String clientId, String name) throws JMSException {
            return new DurableSubscriber(factory, clientId, name);
        }

        private void keep(Message m) {
            try {
                eventIds.add(m.getStringProperty("eventId"));
            } catch (JMSException e) {
                failures.add(e);
            }
        }

        List<String> eventIds() {
            if (!failures.isEmpty()) {
                throw new AssertionError("an alert message could not be read", failures.get(0));
            }
            return List.copyOf(eventIds);
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }
}
