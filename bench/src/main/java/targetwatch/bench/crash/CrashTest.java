package targetwatch.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import com.fasterxml.jackson.databind.JsonNode;

import targetwatch.bench.DemoAccounts;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Reading;
import targetwatch.engine.rules.CompiledRules;
import targetwatch.engine.rules.InvalidReadingException;
import targetwatch.engine.rules.Outcome;
import targetwatch.engine.rules.RuleCompiler;
import targetwatch.engine.rules.RuleEngine;

/**
 * The crash test of issue 4: starts {@code ./targetwatch run} as its own process, streams readings to its
 * queue over TCP from this process, kills the service with SIGKILL at random moments and starts it again on
 * the same data, waits until everything is through, and compares what came out with a clean in-process run
 * of the same readings: readings stored, alert events on the topic (by event id) and mails (each event once).
 * Exit status 0 when nothing was lost and nothing came twice, 1 otherwise, 2 when the test itself could not
 * run. Run by {@code bench/crash-test}.
 */
public final class CrashTest {

    static final String QUEUE = "targetwatch.readings";
    static final String TOPIC = "targetwatch.alerts";
    private static final int SHOW = 10;
    /** Readings sent in one JMS transaction. */
    private static final int BATCH = 100;
    /** How many readings the stream may run ahead of what the service has stored, at most. */
    private static final int MAX_WINDOW = 2_000;

    private final Path home;
    private final int size;
    private final int kills;
    private final long seed;
    private final Duration settle;
    private final boolean keep;
    private final Path dataParent;
    private final Map<String, String> serviceEnv;
    private final long started = System.nanoTime();
    private final List<String> rebuilds = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CrashTest(Path home, int size, int kills, long seed, Duration settle, boolean keep, Path dataParent,
                      Map<String, String> serviceEnv) {
        this.home = home;
        this.size = size;
        this.kills = kills;
        this.seed = seed;
        this.settle = settle;
        this.keep = keep;
        this.dataParent = dataParent;
        this.serviceEnv = Map.copyOf(serviceEnv);
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(".");
        int size = 50_000;
        int kills = 2;
        long seed = 4;
        int settleSeconds = 300;
        boolean keep = false;
        Path dataParent = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))
                ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Map<String, String> serviceEnv = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--readings" -> size = Integer.parseInt(args[++i]);
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--wait-seconds" -> settleSeconds = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--data-parent" -> dataParent = Path.of(args[++i]);
                case "--env" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        System.err.println("crash-test: --env takes NAME=VALUE, got " + kv);
                        System.exit(2);
                    }
                    serviceEnv.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> {
                    System.err.println("usage: bench/crash-test [--readings N] [--kills N] [--seed N] [--wait-seconds N] [--keep]"
                            + " [--data-parent DIR] [--env NAME=VALUE]...");
                    System.exit(2);
                }
            }
        }
        // the service killed in the middle of a mail resets GreenMail's connection: one line, not a stack trace
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().startsWith("smtp:")) {
                System.err.println("crash-test: SMTP connection " + t.getName() + " ended: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            } else {
                System.err.println("crash-test: uncaught in " + t.getName() + ": " + e);
                e.printStackTrace();
            }
        });
        int status;
        try {
            status = new CrashTest(home.toAbsolutePath().normalize(), size, kills, seed, Duration.ofSeconds(settleSeconds), keep,
                    dataParent, serviceEnv).run();
        } catch (Exception e) {
            System.err.println("crash-test: could not run: " + e);
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    /** What a clean run of the readings gives: the readings it keeps, and its alert events in order. */
    private record Expected(long stored, Map<String, AlertEvent> events, Map<String, String> mailTo, String ruleSet) {
    }

    /** A kill: how far the stream and the service were, which process, and how long the restart took. */
    private record Kill(int sent, long stored, long pending, long pid, double restartSeconds, long storedAfter) {
    }

    /** The producer and the killer agree on a kill after the producer sent {@code after} messages of a batch. */
    private static final class MidBatch {
        final int after;
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch killed = new CountDownLatch(1);

        MidBatch(int after) {
            this.after = after;
        }
    }

    /** The service's progress as /api/health last showed it, looked at four times a second. */
    private static final class Progress implements Runnable {
        private final ServiceProcess service;
        private volatile long stored;
        private volatile long pending;

        Progress(ServiceProcess service) {
            this.service = service;
        }

        @Override
        public void run() {
            while (true) {
                JsonNode h = service.health();
                if (h != null && h.path("readings").has("stored")) {
                    stored = h.path("readings").path("stored").asLong();
                    pending = h.path("deliveries").path("pending").asLong();
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stored() {
            return stored;
        }

        long pending() {
            return pending;
        }
    }

    private int run() throws Exception {
        say("generating %,d readings (seed %d)", size, seed);
        List<Reading> feed = CrashFeed.generate(size, seed);
        long distinct = feed.stream().distinct().count();
        // the feed's wards are not in the sample's areas.csv: both runs use a copy of rules/ that rates any area, and
        // without a daily mail budget (10 a person by default), which would hold most mails back to a next morning
        // that the frozen clock never reaches: every event is to be mailed within the test
        Path rules = targetwatch.bench.BenchRules.withSetting(targetwatch.bench.BenchRules.takingAnyArea(
                home.resolve("rules"), Files.createTempDirectory("targetwatch-crash-rules-")), "daily_mail_budget", "none");
        Expected expected = cleanRun(feed, rules);
        say("clean run: %,d readings kept, %,d alert events (%s)", expected.stored(), expected.events().size(),
                expected.events().values().stream().collect(Collectors.groupingBy(e -> e.type().name(), java.util.TreeMap::new,
                        Collectors.counting())));

        Path work = home.resolve("bench/target/crash-test")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(work);
        Files.createDirectories(dataParent);
        Path data = Files.createTempDirectory(dataParent, "targetwatch-crash-test-");
        Path log = work.resolve("service.log");
        int[] ports = freePorts(3);
        Mailbox mail = new Mailbox(ports[2]);
        Map<String, String> env = new LinkedHashMap<>(serviceEnv);
        env.putIfAbsent("TARGETWATCH_RULES", rules.toString());
        ServiceProcess service = new ServiceProcess(home, data, log, ports[0], ports[1], ports[2], env);
        Thread cleanup = new Thread(() -> {
            if (service.isAlive()) {
                try {
                    service.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        AlertListener listener = null;
        try {
            say("starting ./targetwatch run: data %s, HTTP %d, broker %d, SMTP %d; its output in %s", data, ports[0], ports[1],
                    ports[2], log);
            long t0 = System.nanoTime();
            service.start();
            service.awaitUp(Duration.ofMinutes(5));
            say("service up in %.1f s (pid %d)", seconds(t0), service.pid());
            checkRebuild(service);
            JsonNode health = service.health();
            String checksum = health == null ? "" : health.path("ruleSet").path("checksum").asText();
            if (!expected.ruleSet().equals(checksum)) {
                throw new IllegalStateException("the service runs rule set " + checksum + ", the clean run " + expected.ruleSet()
                        + ": rules/ changed under the test");
            }

            String url = "tcp://localhost:" + service.brokerPort()
                    + "?reconnectAttempts=-1&retryInterval=200&retryIntervalMultiplier=1&callTimeout=30000";
            listener = new AlertListener(DemoAccounts.client(url, data, "broker-admin"), TOPIC);
            Thread listening = new Thread(listener, "alerts-listener");
            listening.setDaemon(true);
            listening.start();
            if (!listener.awaitSubscribed(60)) {
                throw new IllegalStateException("could not subscribe to " + TOPIC + ": " + listener.lastError());
            }

            List<Integer> killAt = killPoints();
            say("streaming %,d readings to %s; SIGKILL when the service has stored %s of them (then up to half a second,"
                    + " and in the middle of a batch of readings being sent)",
                    size, QUEUE, killAt);
            Progress progress = new Progress(service);
            Thread polling = new Thread(progress, "health-poller");
            polling.setDaemon(true);
            polling.start();
            AtomicInteger sent = new AtomicInteger();
            AtomicReference<MidBatch> midBatch = new AtomicReference<>();
            List<Kill> done = new ArrayList<>();
            AtomicReference<Exception> killerFailed = new AtomicReference<>();
            Random jitter = new Random(seed * 31 + 7);
            Thread killer = new Thread(() -> {
                try {
                    for (int at : killAt) {
                        while (progress.stored() < at) {
                            Thread.sleep(20);
                        }
                        Thread.sleep(jitter.nextInt(500));
                        // then in the middle of a batch of readings on its way to the broker: the producer stops after
                        // a random number of its messages until the service is dead, so that the rest of the batch fails
                        MidBatch handshake = new MidBatch(1 + jitter.nextInt(BATCH - 1));
                        midBatch.set(handshake);
                        boolean inBatch = handshake.ready.await(30, TimeUnit.SECONDS);
                        midBatch.set(null);
                        int sentThen = sent.get();
                        long storedThen = progress.stored();
                        long pendingThen = progress.pending();
                        long pid;
                        try {
                            pid = service.kill();
                        } finally {
                            handshake.killed.countDown();
                        }
                        say("SIGKILL to the service (pid %d): %,d readings sent, about %,d stored, about %,d deliveries pending%s",
                                pid, sentThen, storedThen, pendingThen, inBatch ? ", " + handshake.after
                                        + " messages into a batch" : " (not in a batch: the stream had ended)");
                        long t = System.nanoTime();
                        service.start();
                        service.awaitUp(Duration.ofMinutes(5));
                        checkRebuild(service);
                        JsonNode h = service.health();
                        long stored = h == null ? -1 : h.path("readings").path("stored").asLong(-1);
                        double took = seconds(t);
                        say("restarted: up again in %.1f s (pid %d), %,d readings stored", took, service.pid(), stored);
                        synchronized (done) {
                            done.add(new Kill(sentThen, storedThen, pendingThen, pid, took, stored));
                        }
                    }
                } catch (Exception e) {
                    killerFailed.set(e);
                }
            }, "killer");
            killer.setDaemon(true);
            killer.start();

            long t1 = System.nanoTime();
            long failedSends = stream(feed, DemoAccounts.client(url, data, "partner"), sent, midBatch, progress,
                    killerFailed);
            double streamSeconds = seconds(t1);
            say("all %,d readings sent in %.1f s (%.0f/s); %,d batches failed and were sent again", size, streamSeconds,
                    size / streamSeconds, failedSends);
            killer.join(Duration.ofMinutes(10).toMillis());
            if (killerFailed.get() != null) {
                throw killerFailed.get();
            }
            if (done.size() != killAt.size()) {
                throw new IllegalStateException("only " + done.size() + " of " + killAt.size() + " kills happened");
            }

            long t2 = System.nanoTime();
            JsonNode last = settle(service, listener, mail, expected);
            double settleSeconds = seconds(t2);
            report(feed.size(), distinct, expected, last, listener, mail, done, failedSends, streamSeconds,
                    settleSeconds, work, data, log);
        } finally {
            if (listener != null) {
                listener.stop();
            }
            service.stop();
            mail.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            if (results == null || results.status() != 0 || keep) {
                // kept for a look, beside the service's log (the data folder may be in memory, under /dev/shm)
                copyTree(data, work.resolve("data"));
            }
            deleteTree(data);
        }
        StringBuilder out = new StringBuilder(results.text());
        out.append(results.status() != 0 || keep ? "kept for a look: " + work + " (data/ and service.log)\n"
                : "service log: " + log + "\n");
        System.out.print(out);
        System.out.flush();
        return results.status();
    }

    private void checkRebuild(ServiceProcess service) throws IOException {
        if (service.rebuiltAtLastStart()) {
            rebuilds.add("start #" + service.starts());
            say("WARNING: ./targetwatch built the code again at start #%d: sources changed under the test", service.starts());
        }
    }

    /** The readings through the engine in this process, one at a time in the order they are sent. */
    private Expected cleanRun(List<Reading> feed, Path folder) throws Exception {
        long t = System.nanoTime();
        CompiledRules rules = new RuleCompiler().load(folder);
        long stored = 0;
        Map<String, AlertEvent> events = new LinkedHashMap<>();
        Map<String, String> mailTo = new HashMap<>();
        try (RuleEngine engine = new RuleEngine(rules)) {
            for (Reading r : feed) {
                Outcome o;
                try {
                    o = engine.process(r);
                } catch (InvalidReadingException e) {
                    throw new IllegalStateException("the rule set refuses a generated reading " + r + ": " + e.reasons());
                }
                if (o.recorded()) {
                    stored++;
                }
                for (AlertEvent e : o.alertEvents()) {
                    if (events.put(e.id(), e) != null) {
                        throw new IllegalStateException("the clean run gave event id " + e.id() + " twice");
                    }
                    mailTo.put(e.id(), rules.ruleSet().contact(e.recipient()).map(Contact::email)
                            .orElseThrow(() -> new IllegalStateException("no contact " + e.recipient())).toLowerCase(Locale.ROOT));
                }
            }
        }
        say("clean run took %.1f s", seconds(t));
        return new Expected(stored, events, mailTo, rules.ruleSet().checksum());
    }

    /**
     * Kill moments, as counts of readings the service has stored: in the middle 80% of the stream, at least a
     * tenth of it apart.
     */
    private List<Integer> killPoints() {
        Random random = new Random(seed);
        int low = size / 10;
        int span = size * 8 / 10;
        for (int attempt = 0; ; attempt++) {
            TreeSet<Integer> points = new TreeSet<>();
            while (points.size() < kills) {
                points.add(low + random.nextInt(span));
            }
            List<Integer> list = new ArrayList<>(points);
            boolean apart = true;
            for (int i = 1; i < list.size(); i++) {
                apart &= list.get(i) - list.get(i - 1) >= size / 10;
            }
            if (apart || attempt > 1000) {
                return list;
            }
        }
    }

    /**
     * Sends every reading as a persistent message, one reading a message, in transacted batches of at most
     * {@link #BATCH} with no two readings of the same (series, period, source) in one batch; a batch whose commit
     * fails is sent again whole after reconnecting. A batch that was in fact committed then reaches the queue
     * twice, right after itself: each reading in the second copy is an exact repeat of the latest value for its
     * key, which the service takes as nothing new. Returns how many batches were sent again.
     */
    private long stream(List<Reading> feed, ActiveMQConnectionFactory factory, AtomicInteger sent,
                        AtomicReference<MidBatch> midBatch, Progress progress, AtomicReference<Exception> killerFailed)
            throws Exception {
        long failed = 0;
        Connection connection = null;
        Session session = null;
        MessageProducer producer = null;
        long lastSay = System.nanoTime();
        // a twentieth of the stream ahead at most, so that the kills in its middle 80% come while it still streams
        int window = Math.max(2 * BATCH, Math.min(MAX_WINDOW, feed.size() / 20));
        try {
            int from = 0;
            while (from < feed.size()) {
                // stay at most a window of readings ahead of the service, so that it is killed while readings are streaming in
                while (from - progress.stored() > window && killerFailed.get() == null) {
                    Thread.sleep(20);
                }
                int to = from;
                Set<String> keys = new java.util.HashSet<>();
                while (to < feed.size() && to - from < BATCH) {
                    Reading r = feed.get(to);
                    if (!keys.add(r.series() + "|" + r.period() + "|" + r.source())) {
                        break;
                    }
                    to++;
                }
                while (true) {
                    if (killerFailed.get() != null) {
                        throw killerFailed.get();
                    }
                    try {
                        if (producer == null) {
                            connection = factory.createConnection();
                            session = connection.createSession(true, Session.SESSION_TRANSACTED);
                            producer = session.createProducer(session.createQueue(QUEUE));
                            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        }
                        for (int i = from; i < to; i++) {
                            TextMessage m = session.createTextMessage(CrashFeed.json(feed.get(i)));
                            m.setIntProperty("crashTestSeq", i);
                            producer.send(m);
                            MidBatch handshake = midBatch.get();
                            if (handshake != null && i - from + 1 >= handshake.after && midBatch.compareAndSet(handshake, null)) {
                                handshake.ready.countDown();
                                handshake.killed.await(60, TimeUnit.SECONDS);
                            }
                        }
                        session.commit();
                        break;
                    } catch (JMSException | RuntimeException e) {
                        failed++;
                        closeQuietly(connection);
                        connection = null;
                        session = null;
                        producer = null;
                        Thread.sleep(200);
                    }
                }
                from = to;
                sent.set(to);
                if (System.nanoTime() - lastSay > 15_000_000_000L) {
                    say("%,d readings sent", to);
                    lastSay = System.nanoTime();
                }
            }
        } finally {
            closeQuietly(connection);
        }
        return failed;
    }

    /**
     * Waits until the service stored what the clean run kept and has no pending delivery, and the topic and
     * the mailbox have been quiet for a while; gives up at the deadline, or early when nothing has moved for a
     * minute. Returns the last health document.
     */
    private JsonNode settle(ServiceProcess service, AlertListener listener, Mailbox mail, Expected expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        long lastStored = -1;
        int lastMails = -1;
        long lastReceived = -1;
        long movedAt = System.nanoTime();
        long mailsMovedAt = System.nanoTime();
        long lastSay = 0;
        JsonNode h = null;
        while (System.nanoTime() < deadline) {
            JsonNode now = service.health();
            if (now != null) {
                h = now;
            }
            long stored = h == null ? -1 : h.path("readings").path("stored").asLong(-1);
            long pending = h == null ? -1 : h.path("deliveries").path("pending").asLong(-1);
            int mails = mail.count();
            long received = listener.received();
            if (stored != lastStored || mails != lastMails || received != lastReceived) {
                movedAt = System.nanoTime();
            }
            if (mails != lastMails) {
                mailsMovedAt = System.nanoTime();
            }
            lastStored = stored;
            lastMails = mails;
            lastReceived = received;
            boolean quiet = listener.quietMillis() >= 5000 && (System.nanoTime() - mailsMovedAt) >= 5_000_000_000L;
            if (stored == expected.stored() && pending == 0 && quiet) {
                return h;
            }
            if (pending == 0 && quiet && System.nanoTime() - movedAt > 60_000_000_000L) {
                say("nothing has moved for a minute: stored %,d of %,d", stored, expected.stored());
                return h;
            }
            if (System.nanoTime() - lastSay > 15_000_000_000L) {
                say("waiting: %,d of %,d readings stored, %d deliveries pending, %,d events on the topic, %,d mails", stored,
                        expected.stored(), pending, listener.distinctEvents(), mails);
                lastSay = System.nanoTime();
            }
            Thread.sleep(1000);
        }
        say("gave up waiting after %d s", settle.toSeconds());
        return h;
    }

    /** What the report leaves for {@link #run} to finish with once the service has stopped. */
    private record Results(int status, String text, Path work, Path data, Path log) {
    }

    private Results results;

    private int report(int sentCount, long distinct, Expected expected, JsonNode health, AlertListener listener, Mailbox mail,
                       List<Kill> done, long failedSends, double streamSeconds, double settleSeconds, Path work, Path data,
                       Path log) throws MessagingException {
        List<String> failures = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%ncrash test: %,d readings, %d SIGKILLs, seed %d%n", sentCount, done.size(), seed));
        for (Kill k : done) {
            out.append(String.format("  SIGKILL pid %d with %,d readings sent, about %,d stored and %,d deliveries pending;"
                    + " up again in %.1f s with %,d readings stored%n", k.pid(), k.sent(), k.stored(), k.pending(), k.restartSeconds(),
                    k.storedAfter()));
        }

        long stored = health == null ? -1 : health.path("readings").path("stored").asLong(-1);
        JsonNode d = health == null ? null : health.path("deliveries");
        out.append(String.format("readings: %,d distinct sent (%,d batches sent again after a failure), %,d kept by the clean run; stored %,d",
                distinct, failedSends, expected.stored(), stored));
        if (stored != distinct || stored != expected.stored()) {
            failures.add("readings stored " + stored + " != distinct readings sent " + distinct);
            out.append("  LOSS" + (stored > distinct ? " (MORE STORED THAN SENT)" : ""));
        } else {
            out.append("  OK");
        }
        out.append(String.format("%n  (health: %s)%n", health == null ? "no answer" : health.path("readings") + " deliveries "
                + health.path("deliveries")));
        if (d != null && d.path("parked").asLong(0) > 0) {
            failures.add(d.path("parked").asLong() + " deliveries parked");
        }
        if (d != null && d.path("pending").asLong(0) > 0) {
            failures.add(d.path("pending").asLong() + " deliveries still pending");
        }

        // the topic, by event id
        Map<String, Set<String>> byEvent = listener.messagesByEvent();
        Set<String> expectedIds = expected.events().keySet();
        List<String> twice = byEvent.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).sorted().toList();
        List<String> missing = expectedIds.stream().filter(id -> !byEvent.containsKey(id)).toList();
        List<String> unexpected = byEvent.keySet().stream().filter(id -> !expectedIds.contains(id)).sorted().toList();
        out.append(String.format("events on the topic: %,d expected (clean run); %,d distinct ids in %,d messages;"
                        + " ids seen twice %d; missing %d; unexpected %d",
                expectedIds.size(), byEvent.size(), byEvent.values().stream().mapToInt(Set::size).sum(), twice.size(),
                missing.size(), unexpected.size()));
        out.append(twice.isEmpty() && missing.isEmpty() && unexpected.isEmpty() && listener.withoutEventId() == 0 ? "  OK%n".formatted()
                : "  FAIL%n".formatted());
        out.append(String.format("  (the test's subscriber: %,d deliveries, %,d of them redeliveries of a message it had"
                + " (same JMSMessageID), %d reconnects; %d messages without eventId)%n", listener.received(),
                listener.redelivered(), listener.reconnects(), listener.withoutEventId()));
        show(out, "seen twice", twice, expected);
        show(out, "missing", missing, expected);
        show(out, "unexpected", unexpected, expected);
        if (!twice.isEmpty()) {
            failures.add(twice.size() + " event ids twice on the topic");
        }
        if (!missing.isEmpty()) {
            failures.add(missing.size() + " events missing on the topic");
        }
        if (!unexpected.isEmpty()) {
            failures.add(unexpected.size() + " unexpected events on the topic");
        }
        if (listener.withoutEventId() > 0) {
            failures.add(listener.withoutEventId() + " topic messages without an eventId");
        }

        // the mailbox: each event mailed once to its recipient, alone or in a digest
        List<MimeMessage> mails = mail.messages();
        Map<String, Integer> byMessageId = new HashMap<>();
        Map<String, Integer> byEventAndRecipient = new HashMap<>();
        Set<String> mailedEvents = new LinkedHashSet<>();
        int withoutHeader = 0;
        int eventMentions = 0;
        for (MimeMessage m : mails) {
            byMessageId.merge(String.valueOf(m.getMessageID()), 1, Integer::sum);
            String[] header = m.getHeader("X-Targetwatch-Event");
            if (header == null || header.length == 0) {
                withoutHeader++;
                continue;
            }
            String to = Stream.of(m.getRecipients(Message.RecipientType.TO) == null ? new jakarta.mail.Address[0]
                    : m.getRecipients(Message.RecipientType.TO)).map(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress()
                    .toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
            // a digest lists the ids of all its events, separated by spaces
            for (String id : header[0].strip().split("\\s+")) {
                byEventAndRecipient.merge(id + " " + to, 1, Integer::sum);
                mailedEvents.add(id);
                eventMentions++;
            }
        }
        long idTwice = byMessageId.values().stream().filter(n -> n > 1).count();
        List<String> pairTwice = byEventAndRecipient.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .sorted().toList();
        Set<String> expectedPairs = expected.mailTo().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.toSet());
        List<String> mailMissing = expectedIds.stream().filter(id -> !byEventAndRecipient.containsKey(id + " " + expected.mailTo().get(id)))
                .toList();
        List<String> mailUnexpected = byEventAndRecipient.keySet().stream().filter(k -> !expectedPairs.contains(k)).sorted().toList();
        out.append(String.format("mails: %,d in the mailbox (digests included) telling of %,d events, %,d expected (each once);"
                        + " Message-ID twice %d; event+recipient twice %d; missing %d; unexpected %d; without X-Targetwatch-Event %d",
                mails.size(), eventMentions, expectedIds.size(), idTwice, pairTwice.size(), mailMissing.size(), mailUnexpected.size(), withoutHeader));
        boolean mailOk = idTwice == 0 && pairTwice.isEmpty() && mailMissing.isEmpty() && mailUnexpected.isEmpty() && withoutHeader == 0
                && eventMentions == expectedIds.size();
        out.append(mailOk ? "  OK%n".formatted() : "  FAIL%n".formatted());
        show(out, "mailed twice", pairTwice.stream().map(k -> k.split(" ")[0]).toList(), expected);
        show(out, "not mailed", mailMissing, expected);
        if (!mailUnexpected.isEmpty()) {
            out.append("  unexpected mails: ").append(mailUnexpected.stream().limit(SHOW).toList()).append('\n');
        }
        if (idTwice > 0 || !pairTwice.isEmpty()) {
            failures.add(Math.max(idTwice, pairTwice.size()) + " mails twice");
        }
        if (!mailMissing.isEmpty()) {
            failures.add(mailMissing.size() + " mails missing");
        }
        if (!mailUnexpected.isEmpty() || withoutHeader > 0) {
            failures.add((mailUnexpected.size() + withoutHeader) + " unexpected mails");
        }

        out.append(String.format("time: streaming %.1f s (%.0f readings/s sent), settling %.1f s, whole test %.1f s%n", streamSeconds,
                sentCount / streamSeconds, settleSeconds, seconds(started)));
        int status;
        if (failures.isEmpty()) {
            out.append("PASS: nothing lost, nothing twice\n");
            status = 0;
        } else {
            out.append("FAIL: ").append(String.join("; ", failures)).append('\n');
            status = 1;
        }
        if (!rebuilds.isEmpty()) {
            out.append("INVALID: ./targetwatch rebuilt the service at ").append(rebuilds)
                    .append(" because sources changed during the test; the clean run and the service may not be the same code\n");
            status = 2;
        }
        results = new Results(status, out.toString(), work, data, log);
        return status;
    }

    private static void show(StringBuilder out, String what, Collection<String> ids, Expected expected) {
        if (ids.isEmpty()) {
            return;
        }
        out.append("  ").append(what).append(", the first ").append(Math.min(SHOW, ids.size())).append(":\n");
        ids.stream().limit(SHOW).forEach(id -> {
            AlertEvent e = expected.events().get(id);
            out.append("    ").append(id).append(e == null ? "" : "  " + e.type() + " " + e.severity() + " " + e.indicator() + " "
                    + e.area() + " " + e.period() + " #" + e.sequence()).append('\n');
        });
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (JMSException | RuntimeException e) {
                // going anyway
            }
        }
    }

    private static void copyTree(Path from, Path to) {
        try {
            targetwatch.bench.BenchRules.copyTree(from, to);
        } catch (IOException e) {
            // the evidence is kept as far as it goes: a failed run still reports
            System.err.println("crash-test: could not copy " + from + " to " + to + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("crash-test: could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private void say(String format, Object... args) {
        System.err.printf("crash-test %6.1fs  %s%n", seconds(started), String.format(format, args));
    }
}
