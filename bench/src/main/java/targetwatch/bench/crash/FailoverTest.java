package targetwatch.bench.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.mail.internet.MimeMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import targetwatch.bench.BenchRules;
import targetwatch.engine.ruleset.RuleSetLayout;
import targetwatch.routes.broker.BrokerAccounts;

/**
 * The fail-over test (issue 15): one broker ({@code ./targetwatch broker}) and two instances A and B
 * ({@code ./targetwatch run}, sharing one PostgreSQL schema and the broker, each partnership's readings grouped by
 * {@code JMSXGroupID}) over the 13 Kent partnerships. A feeder streams readings with a per-partnership sequence
 * number; A is SIGKILLed mid-stream and started again; later B is SIGSTOPped past the broker's connection TTL and
 * resumed. Afterwards it checks by SQL that every reading is stored once, that each partnership's readings were
 * stored in sequence order with owners' epochs never going back (so a fenced-out instance wrote nothing after losing
 * a partnership), that each series' alert events are numbered without a gap or a repeat, and, from the mails an SMTP
 * server in this process received, that no alert event was mailed twice; and it prints the hand-over times.
 * Exits 0 when all hold, 1 when one does not, 2 when the test could not run.
 */
public final class FailoverTest {

    private static final String QUEUE = "targetwatch.readings";
    private static final String INDICATOR = "asb-incidents-per-1000";
    private static final Duration TTL = Duration.ofSeconds(6);
    private static final String DEAD_LETTERED = "SELECT COUNT(*) FROM processed_messages WHERE dead_letter_reason IS NOT NULL";

    private final Path home;
    private final int perPartnership;
    private final long seed;
    private final String pgUrl;
    private final String pgUser;
    private final String pgPassword;
    private final long started = System.nanoTime();

    private FailoverTest(Path home, int perPartnership, long seed, String pgUrl, String pgUser, String pgPassword) {
        this.home = home;
        this.perPartnership = perPartnership;
        this.seed = seed;
        this.pgUrl = pgUrl;
        this.pgUser = pgUser;
        this.pgPassword = pgPassword;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(".");
        int n = 120;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--readings" -> n = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: bench/failover-test [--readings PER-PARTNERSHIP] [--seed N]");
                    System.exit(2);
                }
            }
        }
        String url = System.getenv("TARGETWATCH_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            System.err.println("failover-test: set TARGETWATCH_TEST_PG_URL (and _USER, _PASSWORD) to a PostgreSQL database");
            System.exit(2);
        }
        // An instance stopped or killed in the middle of a mail ends GreenMail's connection mid-DATA, and GreenMail's
        // handler thread throws. That is one line here, not a stack trace; nor may it fail the test's waits, which
        // Awaitility would do by default with any thread's uncaught exception (the test then ended with exit 2 and no
        // report, as seeds 27 and 30 once did): the report judges what reached the mailbox.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().startsWith("smtp:")) {
                System.err.println("failover-test: SMTP connection " + t.getName() + " ended: " + firstLine(e.getMessage())
                        + (e.getCause() == null ? "" : " (" + firstLine(e.getCause().getMessage()) + ")"));
            } else {
                System.err.println("failover-test: uncaught in " + t.getName() + ": " + e);
                e.printStackTrace();
            }
        });
        int status;
        try {
            status = new FailoverTest(home.toAbsolutePath().normalize(), n, seed, url, System.getenv("TARGETWATCH_TEST_PG_USER"),
                    System.getenv("TARGETWATCH_TEST_PG_PASSWORD")).run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    private int run() throws Exception {
        Path work = Files.createDirectories(home.resolve("bench/target/failover-test")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        // the Kent sample, every reading news (so that alerts are delivered, and can be counted twice)
        Path rules = work.resolve("rules");
        BenchRules.copyTree(home.resolve("samples/kent"), rules);
        List<String> partnerships = new ArrayList<>(RuleSetLayout.of(rules).partnerships().keySet());
        for (String p : partnerships) {
            Path settings = rules.resolve(p).resolve("settings.csv");
            Files.writeString(settings, Files.readString(settings).stripTrailing()
                    + "\nhistory_window_periods,600\ndaily_mail_budget,none\n", StandardCharsets.UTF_8);
        }
        String schema = "failover" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = db(pgUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String dbUrl = pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        int[] ports = freePorts(4);
        int brokerPort = ports[0];
        say("work folder %s, PostgreSQL schema %s, %d partnerships x %d readings, seed %d", work, schema,
                partnerships.size(), perPartnership, seed);

        Path brokerData = Files.createDirectories(work.resolve("broker"));
        BrokerAccounts accounts = new BrokerAccounts(brokerData.resolve("broker-users.properties"),
                brokerData.resolve("broker-roles.properties"));
        String feederPassword = UUID.randomUUID().toString();
        List<String> roles = new ArrayList<>(List.of(BrokerAccounts.PARTNER));
        partnerships.forEach(p -> roles.add(BrokerAccounts.PARTNERSHIP + p));
        accounts.add("feeder", feederPassword, roles);
        Path servicePassword = brokerData.resolve("broker-service-password.txt");
        ProcessBuilder brokerStart = new ProcessBuilder(home.resolve("targetwatch").toString(), "broker").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("broker.log").toFile());
        brokerStart.environment().put("TARGETWATCH_DATA", brokerData.toString());
        brokerStart.environment().put("TARGETWATCH_RULES", rules.toString());
        brokerStart.environment().put("TARGETWATCH_BROKER_PORT", String.valueOf(brokerPort));
        Process broker = brokerStart.start();
        awaitFile(servicePassword, Duration.ofSeconds(120), broker);
        String brokerUrl = "tcp://localhost:" + brokerPort;
        // the instances' connections are declared dead this long after they stop answering
        String clientUrl = brokerUrl + "?connectionTTL=" + TTL.toMillis() + "&clientFailureCheckPeriod=2000";

        Mailbox mailbox = new Mailbox(ports[1]);
        Map<String, String> env = new HashMap<>();
        env.put("TARGETWATCH_BROKER_URL", clientUrl);
        env.put("TARGETWATCH_BROKER_USER", "targetwatch");
        env.put("TARGETWATCH_BROKER_PASSWORD", Files.readString(servicePassword).strip());
        env.put("TARGETWATCH_DB_URL", dbUrl);
        env.put("TARGETWATCH_DB_USER", pgUser == null ? "" : pgUser);
        env.put("TARGETWATCH_DB_PASSWORD", pgPassword == null ? "" : pgPassword);
        env.put("TARGETWATCH_RULES", rules.toString());
        env.put("TARGETWATCH_INSTANCE_SHARED", "true");
        // an owner renews its hold at every tick: a resumed instance learns it has lost its partnerships within 2 s,
        // and a partnership whose owner said nothing for three ticks is taken over
        env.put("TARGETWATCH_ALERTS_TICK_MS", "2000");
        Map<String, String> envA = new HashMap<>(env);
        envA.put("TARGETWATCH_INSTANCE_ID", "A");
        Map<String, String> envB = new HashMap<>(env);
        envB.put("TARGETWATCH_INSTANCE_ID", "B");
        ServiceProcess a = new ServiceProcess(home, Files.createDirectories(work.resolve("a")), work.resolve("a.log"), ports[2],
                freePorts(1)[0], ports[1], envA);
        ServiceProcess b = new ServiceProcess(home, Files.createDirectories(work.resolve("b")), work.resolve("b.log"), ports[3],
                freePorts(1)[0], ports[1], envB);
        int status = 2;
        try {
            a.start();
            a.awaitUp(Duration.ofMinutes(3));
            b.start();
            b.awaitUp(Duration.ofMinutes(3));
            say("broker, A (pid %d) and B (pid %d) are up", a.pid(), b.pid());
            status = stream(partnerships, brokerUrl, feederPassword, a, b, dbUrl, mailbox, work);
        } finally {
            a.stop();
            b.stop();
            broker.destroy();
            broker.waitFor();
            mailbox.close();
        }
        return status;
    }

    private int stream(List<String> partnerships, String brokerUrl, String feederPassword, ServiceProcess a, ServiceProcess b,
                       String dbUrl, Mailbox mailbox, Path work) throws Exception {
        int total = partnerships.size() * perPartnership;
        Random random = new Random(seed);
        int killAt = total / 4 + random.nextInt(total / 4);
        int stopAt = total * 5 / 8 + random.nextInt(total / 8);
        Instant killedAt = null;
        Instant[] resumedAt = new Instant[1];
        Instant stoppedAt = null;
        Thread pause = null;
        AtomicInteger sent = new AtomicInteger();
        // a steady stream of about 650 readings a second, so that the events happen mid-stream: 13 permits every 20 ms,
        // a few batches' worth at most saved up while the feeder waits on a start
        Semaphore pace = new Semaphore(0);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        pacer.scheduleAtFixedRate(() -> {
            if (pace.availablePermits() < 13 * 5) {
                pace.release(13);
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl, "feeder", feederPassword);
        try (jakarta.jms.Connection c = factory.createConnection()) {
            Session session = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int seq = 1; seq <= perPartnership; seq++) {
                for (String p : partnerships) {
                    pace.acquire();
                    TextMessage m = session.createTextMessage(reading(p, seq, random));
                    m.setStringProperty("JMSXGroupID", p);
                    producer.send(m);
                    int n = sent.incrementAndGet();
                    if (n % 13 == 0) {
                        session.commit();
                    }
                    if (n == killAt) {
                        session.commit();
                        killedAt = Instant.now();
                        say("SIGKILL to A (pid %d) after %d of %d readings", a.kill(), n, total);
                        a.start();
                    }
                    if (n == stopAt) {
                        session.commit();
                        a.awaitUp(Duration.ofMinutes(3));
                        stoppedAt = Instant.now();
                        long pid = b.pid();
                        signal("STOP", pid);
                        say("SIGSTOP to B (pid %d) after %d readings; resumed once A owns every partnership (past the"
                                + " connection TTL of %d s), while the stream goes on", pid, n, TTL.toSeconds());
                        // the partners go on sending while B stands still: what the broker had handed B goes to A
                        // once B's connection is declared dead, and A takes what B owned over (by its readings, or by
                        // B's silence past three ticks of the alert clock)
                        pause = new Thread(() -> {
                            try {
                                await("A owning every partnership B had").atMost(Duration.ofMinutes(2))
                                        .pollInterval(Duration.ofMillis(250))
                                        .until(() -> count(dbUrl, "SELECT COUNT(*) FROM partnership_owners WHERE owner = 'B'") == 0);
                                signal("CONT", pid);
                                resumedAt[0] = Instant.now();
                            } catch (Exception e) {
                                throw new IllegalStateException("could not resume B (pid " + pid + ")", e);
                            }
                        }, "resume-b");
                        pause.start();
                    }
                }
            }
            session.commit();
        } finally {
            pacer.shutdownNow();
        }
        say("sent %d readings; waiting for them to be stored", total);
        if (pause != null) {
            pause.join();
        }
        // a reading dead-lettered is not coming: stop waiting for it (the report fails it); nor one parked by the broker
        long[] stored = {-1, System.nanoTime()};
        try {
            await("every reading stored and no delivery pending").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        long now = count(dbUrl, "SELECT COUNT(*) FROM readings") + count(dbUrl, DEAD_LETTERED);
                        if (now != stored[0]) {
                            stored[0] = now;
                            stored[1] = System.nanoTime();
                        } else if (System.nanoTime() - stored[1] > Duration.ofSeconds(90).toNanos()) {
                            say("nothing more stored for 90 s: %d of %d; reporting", now, total);
                            return true; // the report says which count is short
                        }
                        return now >= total && count(dbUrl, "SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING'") == 0;
                    });
            // the relay marks a mail sent once the SMTP server has it: the mailbox holds it a moment later
            await("every mail sent in the mailbox").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> mailbox.count() >= count(dbUrl, "SELECT COUNT(DISTINCT COALESCE(mail_id, CAST(id AS VARCHAR(40))))"
                            + " FROM deliveries WHERE sink = 'EMAIL' AND status = 'SENT'"));
        } catch (ConditionTimeoutException e) {
            say("%s; reporting", e.getMessage());
        }
        return report(partnerships, dbUrl, total, killedAt, stoppedAt, resumedAt[0], mailbox, work);
    }

    /** The first line of a message (GreenMail's carry the whole mail read so far), or an empty string for none. */
    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** One reading as a partner system sends it: its partnership's ASB rate for the month of its sequence number. */
    private static String reading(String partnership, int seq, Random random) {
        java.time.YearMonth month = java.time.YearMonth.of(2014, 1).plusMonths(seq - 1);
        // two decimals exactly, as a partner's system sends them (a double such as 10.719999999999999 is refused)
        java.math.BigDecimal value = java.math.BigDecimal.valueOf(500 + random.nextInt(3000), 2);
        return "[{\"partnership\":\"" + partnership + "\",\"indicator\":\"" + INDICATOR + "\",\"area\":\"" + partnership
                + "\",\"period\":\"" + month + "\",\"value\":" + value + ",\"source\":\"kent-police\",\"note\":\"seq " + seq
                + "\"}]";
    }

    private int report(List<String> partnerships, String dbUrl, int total, Instant killedAt, Instant stoppedAt,
                       Instant resumedAt, Mailbox mailbox, Path work) throws Exception {
        StringBuilder out = new StringBuilder("\nFail-over test, seed " + seed + ": " + partnerships.size() + " partnerships x "
                + perPartnership + " readings, two instances on one PostgreSQL and one broker\n");
        boolean ok = true;
        long stored = count(dbUrl, "SELECT COUNT(*) FROM readings");
        long distinct = count(dbUrl, "SELECT COUNT(*) FROM (SELECT DISTINCT partnership, note FROM readings) x");
        ok &= line(out, stored == total && distinct == total, "readings stored %d, distinct %d, sent %d", stored, distinct, total);
        long deadLettered = count(dbUrl, DEAD_LETTERED);
        ok &= line(out, deadLettered == 0, "messages dead-lettered: %d%s", deadLettered, deadLettered == 0 ? ""
                : " (" + first(dbUrl, "SELECT dead_letter_reason FROM processed_messages WHERE dead_letter_reason IS NOT NULL") + ")");
        int outOfOrder = 0;
        int epochBack = 0;
        Map<String, Long> handOver = new TreeMap<>();
        Map<String, Long> stopHandOver = new TreeMap<>();
        Map<String, TreeSet<String>> writers = new TreeMap<>();
        try (Connection c = db(dbUrl)) {
            for (String p : partnerships) {
                int lastSeq = 0;
                String lastWriter = null;
                long lastEpoch = 0;
                try (PreparedStatement s = c.prepareStatement("SELECT note, written_by, received_at FROM readings"
                        + " WHERE partnership = ? ORDER BY id")) {
                    s.setString(1, p);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            int seq = Integer.parseInt(rs.getString(1).substring(4));
                            if (seq <= lastSeq) {
                                outOfOrder++; // a reading missing is counted above; this is one stored after a later one
                            }
                            lastSeq = seq;
                            String w = rs.getString(2);
                            long epoch = w == null ? 0 : Long.parseLong(w.substring(w.indexOf('#') + 1));
                            if (epoch < lastEpoch) {
                                epochBack++;
                            }
                            if (lastWriter != null && !lastWriter.equals(w) && killedAt != null && handOver.get(p) == null
                                    && lastWriter.startsWith("A#") && rs.getTimestamp(3).toInstant().isAfter(killedAt)) {
                                handOver.put(p, Duration.between(killedAt, rs.getTimestamp(3).toInstant()).toMillis());
                            }
                            if (lastWriter != null && !lastWriter.equals(w) && stoppedAt != null && stopHandOver.get(p) == null
                                    && lastWriter.startsWith("B#") && rs.getTimestamp(3).toInstant().isAfter(stoppedAt)) {
                                stopHandOver.put(p, Duration.between(stoppedAt, rs.getTimestamp(3).toInstant()).toMillis());
                            }
                            lastEpoch = Math.max(lastEpoch, epoch);
                            lastWriter = w;
                            writers.computeIfAbsent(p, k -> new TreeSet<>()).add(w == null ? "(no fence)" : w);
                        }
                    }
                }
            }
            ok &= line(out, outOfOrder == 0, "readings stored out of their partnership's sequence: %d", outOfOrder);
            long unfenced = count(dbUrl, "SELECT COUNT(*) FROM readings WHERE written_by IS NULL");
            ok &= line(out, unfenced == 0, "readings written by an instance that did not own their partnership"
                    + " (no fence): %d", unfenced);
            ok &= line(out, epochBack == 0, "readings written under an epoch older than one before them (a fenced-out"
                    + " instance writing after losing the partnership): %d", epochBack);
            long gaps = 0;
            long series = 0;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT partnership, indicator, area,"
                    + " COUNT(*), MIN(sequence_no), MAX(sequence_no) FROM alert_events WHERE reading_id IS NOT NULL"
                    + " GROUP BY partnership, indicator, area")) {
                while (rs.next()) {
                    series++;
                    if (rs.getLong(6) - rs.getLong(5) + 1 != rs.getLong(4)) {
                        gaps++;
                    }
                }
            }
            long events = count(dbUrl, "SELECT COUNT(*) FROM alert_events");
            ok &= line(out, gaps == 0, "alert events %d in %d series; series whose numbers have a gap or a repeat: %d",
                    events, series, gaps);
            long pending = count(dbUrl, "SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING'");
            long sentDeliveries = count(dbUrl, "SELECT COUNT(*) FROM deliveries WHERE status = 'SENT'");
            ok &= line(out, pending == 0, "deliveries sent %d, still pending %d", sentDeliveries, pending);
            // a mail whose relay was killed between handing it to the SMTP server and hearing back is left in doubt
            // for an administrator, never sent again on its own (README "Nothing lost, nothing twice"): only the
            // killed instance A may have left one
            long inDoubt = count(dbUrl, "SELECT COUNT(*) FROM deliveries WHERE status = 'INDOUBT'");
            long inDoubtElse = count(dbUrl, "SELECT COUNT(*) FROM deliveries WHERE status = 'INDOUBT'"
                    + " AND (claimed_by IS NULL OR claimed_by <> 'A')");
            ok &= line(out, inDoubtElse == 0, "deliveries in doubt %d (mails the SIGKILL of A cut off mid-hand-over, left"
                    + " for an administrator), of them not A's: %d", inDoubt, inDoubtElse);
        }
        Map<String, Integer> mailed = new HashMap<>();
        for (MimeMessage m : mailbox.messages()) {
            String body = new String(m.getRawInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .replace("=\r\n", "").replace("=\n", "");
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("Event id: ([0-9a-f-]{36})").matcher(body);
            while (id.find()) {
                mailed.merge(id.group(1), 1, Integer::sum);
            }
        }
        long twice = mailed.values().stream().filter(v -> v > 1).count();
        ok &= line(out, twice == 0, "mails received %d naming %d alert events; events mailed twice: %d (the README's"
                + " at-least-once window: a relay that dies between handing a mail over and marking it)",
                mailbox.count(), mailed.size(), twice);
        List<Long> times = new ArrayList<>(handOver.values());
        java.util.Collections.sort(times);
        out.append(String.format("  hand-over after the SIGKILL of A: %d partnerships moved; first reading stored by the"
                        + " new owner after %s ms (median %s ms)%n", times.size(), times.isEmpty() ? "-" : times.get(times.size() - 1),
                times.isEmpty() ? "-" : times.get(times.size() / 2)));
        List<Long> stopTimes = new ArrayList<>(stopHandOver.values());
        java.util.Collections.sort(stopTimes);
        out.append(String.format("  hand-over after the SIGSTOP of B: %d partnerships moved; first reading stored by the"
                        + " new owner after %s ms (median %s ms; the broker's connection TTL is %d ms of it)%n", stopTimes.size(),
                stopTimes.isEmpty() ? "-" : stopTimes.get(stopTimes.size() - 1),
                stopTimes.isEmpty() ? "-" : stopTimes.get(stopTimes.size() / 2), TTL.toMillis()));
        long refusals = Files.readAllLines(work.resolve("b.log"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("was taken over by another instance")).count();
        out.append(String.format("  B, resumed, was refused by the fence and let a partnership go %d times%n", refusals));
        out.append(String.format("  SIGSTOP of B at %s, resumed at %s; writers of each partnership's readings: %s%n",
                stoppedAt, resumedAt, writers));
        out.append(ok ? "PASSED" : "FAILED").append(String.format(" in %.0f s; logs in %s%n",
                (System.nanoTime() - started) / 1e9, work));
        System.out.print(out);
        Files.writeString(work.resolve("report.txt"), out.toString(), StandardCharsets.UTF_8);
        return ok ? 0 : 1;
    }

    private String first(String url, String sql) throws Exception {
        try (Connection c = db(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static boolean line(StringBuilder out, boolean ok, String format, Object... args) {
        out.append(ok ? "  ok    " : "  FAIL  ").append(String.format(format, args)).append('\n');
        return ok;
    }

    private Connection db(String url) throws Exception {
        return DriverManager.getConnection(url, pgUser, pgPassword);
    }

    private long count(String url, String sql) throws Exception {
        try (Connection c = db(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor();
    }

    private static void awaitFile(Path file, Duration timeout, Process process) {
        try {
            await("the broker's password file").atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || (Files.isRegularFile(file) && Files.size(file) > 0));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the broker did not start in " + timeout.toSeconds() + " s; see its log beside "
                    + file.getParent());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the broker stopped at its start; see its log beside " + file.getParent());
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        List<java.net.ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                java.net.ServerSocket s = new java.net.ServerSocket(0);
                open.add(s);
                out[i] = s.getLocalPort();
            }
        } finally {
            for (java.net.ServerSocket s : open) {
                s.close();
            }
        }
        return out;
    }

    private void say(String format, Object... args) {
        System.err.printf("failover-test %5.0f s: %s%n", (System.nanoTime() - started) / 1e9, String.format(format, args));
    }
}
