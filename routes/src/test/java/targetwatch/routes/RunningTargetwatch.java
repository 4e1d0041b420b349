package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The whole service started for end-to-end tests on free ports and a temporary data folder, seen only from
 * outside as a partner sees it: the inbox folder, the broker over TCP, and the HTTP API.
 */
final class RunningTargetwatch implements AutoCloseable {

    /** How long anything asynchronous (file poll, queue, topic, mail) may take on a slow build machine. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Main main;
    private final Path data;
    private final int httpPort;
    private final String brokerUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RunningTargetwatch(Main main, Path data, int httpPort, int brokerPort) {
        this.main = main;
        this.data = data;
        this.httpPort = httpPort;
        this.brokerUrl = "tcp://localhost:" + brokerPort;
    }

    /**
     * Starts targetwatch on the real rule set with its data under {@code data}; mail goes to the SMTP server on
     * {@code smtpPort}, or to .eml files under {@code data} when it is empty.
     */
    static RunningTargetwatch start(Path data, Optional<Integer> smtpPort) throws Exception {
        return start(data, smtpPort, Map.of());
    }

    /**
     * Starts targetwatch as {@link #start(Path, Optional)} does, with further settings laid over the test ones
     * (such as {@code targetwatch.rules} for a watched folder the test may edit).
     */
    static RunningTargetwatch start(Path data, Optional<Integer> smtpPort, Map<String, String> more) throws Exception {
        return start(data, smtpPort, more, null);
    }

    /**
     * Starts targetwatch as {@link #start(Path, Optional, Map)} does, on the given clock instead of the wall clock
     * (null for the wall clock): a test moves it to see what falls due after working days.
     */
    static RunningTargetwatch start(Path data, Optional<Integer> smtpPort, Map<String, String> more, java.time.Clock clock)
            throws Exception {
        int httpPort = freePort();
        int brokerPort = freePort();
        Map<String, String> settings = new HashMap<>(Map.of(
                "targetwatch.data", data.toString(),
                "targetwatch.rules", newsRules(data).toString(),
                "camel.server.port", String.valueOf(httpPort),
                "targetwatch.broker.port", String.valueOf(brokerPort),
                "targetwatch.inbox.poll-ms", "100",
                "targetwatch.delivery.initial-delay-ms", "100",
                "targetwatch.email.group-wait-ms", "1000",
                "targetwatch.public-url", "http://localhost:" + httpPort));
        smtpPort.ifPresent(port -> {
            settings.put("targetwatch.smtp.host", "localhost");
            settings.put("targetwatch.smtp.port", String.valueOf(port));
        });
        settings.putAll(more);
        // JVM system properties win over Camel Main's override properties by default, and surefire passes
        // targetwatch.rules as one: make them the fallback so that the settings given here (the news rules above
        // among them) count
        settings.put("camel.component.properties.system-properties-mode", "1");
        Main main = Application.create(settings);
        if (clock != null) {
            main.bind(targetwatch.routes.TargetwatchConfiguration.CLOCK, clock);
        }
        try {
            main.start();
        } catch (Exception e) {
            main.stop();
            throw e;
        }
        return new RunningTargetwatch(main, data, httpPort, brokerPort);
    }

    /**
     * The real rule set with a news window reaching back to the plan's years: these tests send 2014-2018 readings on
     * a 2026 clock and are about what those readings deliver, not about history loads (HistoryLoadTest is).
     */
    private static Path newsRules(Path data) throws IOException {
        Path rules = SecretariatFiles.copyOfReal(data.resolve("test-rules"));
        // the real settings (the partnership's name among them) and these
        Files.writeString(rules.resolve("settings.csv"), Files.readString(rules.resolve("settings.csv")).stripTrailing()
                + "\nhistory_window_periods,600\ndaily_mail_budget,1000\nunlisted_areas,rate\n", StandardCharsets.UTF_8);
        return rules;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        main.stop();
    }

    /** A bean of the running service, such as its IngestService, from the Camel registry. */
    <T> T bean(Class<T> type) {
        return main.getCamelContext().getRegistry().findSingleByType(type);
    }

    /**
     * A connection to the service's embedded H2 database, opened in this JVM beside the service's own (H2 lets
     * connections of one process share an open database file). Close it when done.
     */
    java.sql.Connection database() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection("jdbc:h2:file:" + data.resolve("db").resolve("targetwatch").toAbsolutePath());
    }

    // ---- the file drop

    Path inbox() {
        return data.resolve("inbox");
    }

    /** Drops a reading file into the inbox the way {@code ./targetwatch send} does: written aside, then renamed. */
    Path drop(String name, String content) throws IOException {
        Path inbox = Files.createDirectories(inbox());
        Path hidden = inbox.resolve("." + name + ".part");
        Files.writeString(hidden, content, StandardCharsets.UTF_8);
        return Files.move(hidden, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Drops every Maidstone sample feed into the inbox, as the README's walk-through does, and waits until the service
     * has taken them all and rated the last quarter of the plan.
     */
    void dropSampleFeeds() throws IOException {
        try (java.util.stream.Stream<Path> feeds = Files.list(Path.of("../sample-feeds/maidstone"))) {
            for (Path f : feeds.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                drop(f.getFileName().toString(), Files.readString(f));
            }
        }
        awaitAssessment("da-repeat-victims", "maidstone", "2018-Q1");
        await("every feed taken").atMost(PATIENCE.multipliedBy(4)).until(() -> {
            try (java.util.stream.Stream<Path> left = Files.list(inbox())) {
                return left.noneMatch(p -> p.toString().endsWith(".csv"));
            }
        });
    }

    // ---- the broker, as a partner's own JMS client sees it

    /** A plain Artemis JMS client over TCP, as a partner would use, signed in as the demo partner account. */
    ConnectionFactory partnerClient() {
        return brokerClient("partner");
    }

    /** An Artemis JMS client over TCP signed in as the demo broker administrator (who reads the dead-letter queues). */
    ConnectionFactory adminClient() {
        return brokerClient("broker-admin");
    }

    /** An Artemis JMS client over TCP signed in as one of the demo broker accounts. */
    ConnectionFactory brokerClient(String account) {
        try {
            return new ActiveMQConnectionFactory(brokerUrl, account, password(account));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The URL of the embedded broker's TCP acceptor. */
    String brokerUrl() {
        return brokerUrl;
    }

    /** Adds a broker account with these roles and a new password, and returns a client signed in as it. */
    ConnectionFactory addBrokerAccount(String name, String... roles) throws IOException {
        String password = targetwatch.routes.security.PasswordHash.randomPassword();
        bean(targetwatch.routes.broker.BrokerAccounts.class).add(name, password, List.of(roles));
        return new ActiveMQConnectionFactory(brokerUrl, name, password);
    }

    /** Sends one text message to the readings queue, over TCP. */
    void sendToReadingsQueue(String text) throws JMSException {
        try (Connection c = partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            producer.send(session.createTextMessage(text));
        }
    }

    /** Sends the text to the readings queue as a partner does, in the message group given (JMSXGroupID). */
    void sendToReadingsQueue(String text, String group) throws JMSException {
        try (Connection c = partnerClient().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("targetwatch.readings"));
            jakarta.jms.TextMessage m = session.createTextMessage(text);
            m.setStringProperty("JMSXGroupID", group);
            producer.send(m);
        }
    }

    /** Waits until the dead-letter queue holds a message with exactly this body, and returns its reason. */
    String awaitDeadLetterReason(String body) {
        return await("a dead letter with body " + body).atMost(PATIENCE)
                .until(() -> deadLetterReason(body), Optional::isPresent).orElseThrow();
    }

    private Optional<String> deadLetterReason(String body) throws JMSException {
        return deadLetterReason("targetwatch.readings.DLQ", body);
    }

    /** The reason of the message with exactly this body on a dead-letter queue, if it is there. */
    Optional<String> deadLetterReason(String queue, String body) throws JMSException {
        try (Connection c = adminClient().createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue));
            for (Object m : Collections.list(browser.getEnumeration())) {
                if (m instanceof TextMessage t && body.equals(t.getText())) {
                    return Optional.ofNullable(t.getStringProperty("TargetwatchReason"));
                }
            }
            return Optional.empty();
        }
    }

    /** The reason of the first message on a dead-letter queue that the JMS selector picks, if there is one. */
    Optional<String> deadLetterReasonWhere(String queue, String selector) throws JMSException {
        try (Connection c = adminClient().createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue), selector);
            for (Object m : Collections.list(browser.getEnumeration())) {
                return Optional.ofNullable(((jakarta.jms.Message) m).getStringProperty("TargetwatchReason"));
            }
            return Optional.empty();
        }
    }

    // ---- the HTTP API

    /** The password of a demo user or broker account, from demo-credentials.txt beside the users file. */
    String password(String user) throws IOException {
        return Files.readAllLines(data.resolve("demo-credentials.txt"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith(user + ": "))
                .map(line -> line.substring(user.length() + 2).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no demo user " + user));
    }

    String basicAuth(String user) throws IOException {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
    }

    /** Where the service answers HTTP: the pages and the API. */
    String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request whose answer is binary, such as a workbook. */
    HttpResponse<byte[]> sendForBytes(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Posts a red quarter of repeat domestic-abuse victims (30% against 21%) for an area; returns the alert it raised. */
    String raiseRepeatVictimsAlert(String area) throws Exception {
        HttpResponse<String> r = postReadings("lead", "{\"indicator\":\"da-repeat-victims\",\"area\":\"" + area
                + "\",\"period\":\"2018-Q1\",\"value\":30,\"source\":\"dv-forum\"}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode raised = json(r).get("alerts").get(0);
        assertEquals("RAISED", raised.get("event").asText());
        return raised.get("alert").asText();
    }

    /** GET /api/alerts/{id}/history as a viewer: the alert and its events. */
    JsonNode alertHistory(String alertId) throws Exception {
        HttpResponse<String> r = send(request("/api/alerts/" + alertId + "/history")
                .header("Authorization", basicAuth("viewer")).GET().build());
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    /** An alert's events as "EVENT recipient", in the order they happened. */
    List<String> alertEvents(String alertId) throws Exception {
        List<String> out = new ArrayList<>();
        alertHistory(alertId).get("events").forEach(e -> out.add(e.get("event").asText() + " " + e.get("recipient").asText()));
        return out;
    }

    /** POST /api/readings as the given user with a JSON body. */
    HttpResponse<String> postReadings(String user, String json) throws IOException, InterruptedException {
        return send(request("/api/readings").header("Authorization", basicAuth(user))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** GET /api/health as a viewer: the detail (broker, database, deliveries, readings, sign-ins). */
    HttpResponse<String> health() throws IOException, InterruptedException {
        return send(request("/api/health").header("Authorization", basicAuth("viewer")).GET().build());
    }

    /** GET /api/health with no credentials: only UP or DOWN. */
    HttpResponse<String> anonymousHealth() throws IOException, InterruptedException {
        return send(request("/api/health").GET().build());
    }

    /** The latest assessment of a series in GET /api/status, if it is for the given period. */
    Optional<JsonNode> assessment(String indicator, String area, String period) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request("/api/status").header("Authorization", basicAuth("viewer")).GET().build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/status answered " + response.statusCode() + ": " + response.body());
        }
        return StreamSupport.stream(json(response).get("assessments").spliterator(), false)
                .filter(a -> a.get("indicator").asText().equals(indicator) && a.get("area").asText().equals(area)
                        && a.get("period").asText().equals(period))
                .findFirst();
    }

    /** Waits until GET /api/status shows the series assessed for the period. */
    JsonNode awaitAssessment(String indicator, String area, String period) {
        return await(indicator + " in " + area + " for " + period + " in /api/status").atMost(PATIENCE)
                .until(() -> assessment(indicator, area, period), Optional::isPresent).orElseThrow();
    }

    static BigDecimal decimal(JsonNode node, String field) {
        return node.get(field).decimalValue();
    }
}
