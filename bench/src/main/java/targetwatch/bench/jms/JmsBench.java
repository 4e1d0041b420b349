package targetwatch.bench.jms;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import targetwatch.bench.DemoAccounts;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.DeliveryCounts;
import targetwatch.routes.Application;
import targetwatch.routes.TargetwatchConfiguration;
import targetwatch.routes.broker.EmbeddedBroker;
import targetwatch.routes.service.Tenants;

/**
 * The JMS benchmark behind {@code bench/run-jms-bench}: readings per second through the service's JMS route
 * ({@code ingest-jms}: one database transaction and one JMS commit per batch of messages) against the same
 * broker's raw throughput for the same messages into a plain JMS consumer, and the latency from a partner's
 * send to the alert on the topic.
 * <p>
 * The whole service runs in this JVM (Camel Main, embedded Artemis with its persistent journal, H2, the real
 * rule set) on a fresh data folder. With the JMS route stopped, the N readings are sent persistent over TCP to
 * {@code targetwatch.readings}, and the same N messages to {@code bench.raw}. Then, in cycles until the route
 * has taken all N (or its time budget is spent), three windows one after the other, so that each cycle's
 * figures share the machine's state of the moment (a noisy 2-core machine moves them by a factor from one
 * minute to the next; per-cycle ratios cancel some of that):
 * <ol>
 * <li>raw, transacted: a plain consumer on a transacted session committing every message, in-VM as the route
 *     consumes, on {@code bench.raw};</li>
 * <li>the route: started, run for its window, stopped; then the outbox is left to publish what it raised, so
 *     the next raw window has the service idle (but for mail held for its group wait, which goes when that ends);</li>
 * <li>raw, auto-ack: the same plain consumer on an AUTO_ACKNOWLEDGE session.</li>
 * </ol>
 * {@code bench.raw} is topped up from the same N messages when it runs low. Then latency: alerting readings
 * (one RAISED each, in an area of their own) sent over TCP on a fixed schedule, persistent and asynchronous (each
 * confirmed by the broker), and matched by area on a topic subscriber over TCP, once at a light load (probes only,
 * at {@code --light-fraction} of the loaded phase's probe rate) and once one in {@code --probe-every} among
 * non-alerting readings at {@code --load-rate} readings/s; each probe's time also in stages (see {@link Stage}).
 * Prints a plain-text table of medians; progress goes to stderr.
 */
public final class JmsBench {

    static final String READINGS = "targetwatch.readings";
    /** The partner reads its own partnership's alerts. */
    static final String ALERTS = "targetwatch.alerts.maidstone";
    static final String RAW = "bench.raw";
    static final String ROUTE_ID = "ingest-jms";

    private final Options options;

    private JmsBench(Options options) {
        this.options = options;
    }

    /** What a run measures and for how long; every field has a command-line option. */
    record Options(Path rules, int readings, int sendBatch, int batch, int routeBudgetSeconds, int routeWindowSeconds,
                   int rawWindowSeconds, int autoWindowSeconds, int windowsAtLeast, double lightFraction, int lightSeconds,
                   double loadRate, int loadSeconds, int probeEvery) {

        static Options parse(String[] args) {
            Path rules = Path.of("rules");
            int readings = 100_000;
            int sendBatch = 500;
            int batch = 500;
            int routeBudget = 240;
            int routeWindow = 30;
            int rawWindow = 10;
            int autoWindow = 3;
            int windows = 5;
            double lightFraction = 0.1;
            int lightSeconds = 20;
            double loadRate = 1000;
            int loadSeconds = 30;
            int probeEvery = 10;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--rules" -> rules = Path.of(required(args[i], value));
                    case "--readings" -> readings = Integer.parseInt(required(args[i], value));
                    case "--send-batch" -> sendBatch = Integer.parseInt(required(args[i], value));
                    case "--batch" -> batch = Integer.parseInt(required(args[i], value));
                    case "--route-budget" -> routeBudget = Integer.parseInt(required(args[i], value));
                    case "--route-window" -> routeWindow = Integer.parseInt(required(args[i], value));
                    case "--raw-window" -> rawWindow = Integer.parseInt(required(args[i], value));
                    case "--auto-window" -> autoWindow = Integer.parseInt(required(args[i], value));
                    case "--windows" -> windows = Integer.parseInt(required(args[i], value));
                    case "--light-fraction" -> lightFraction = Double.parseDouble(required(args[i], value));
                    case "--light-seconds" -> lightSeconds = Integer.parseInt(required(args[i], value));
                    case "--load-rate" -> loadRate = Double.parseDouble(required(args[i], value));
                    case "--load-seconds" -> loadSeconds = Integer.parseInt(required(args[i], value));
                    case "--probe-every" -> probeEvery = Integer.parseInt(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --rules DIR"
                            + " --readings N --send-batch N --batch N --route-budget S --route-window S --raw-window S"
                            + " --auto-window S --windows N --light-fraction F --light-seconds S --load-rate R"
                            + " --load-seconds S --probe-every N)");
                }
                i++;
            }
            return new Options(rules, readings, sendBatch, batch, routeBudget, routeWindow, rawWindow, autoWindow, windows,
                    lightFraction, lightSeconds, loadRate, loadSeconds, probeEvery);
        }

        private static String required(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        /** The most a window takes: a share of N, so that a fast machine still gets several windows. */
        int windowCount() {
            return Math.max(1, readings / windowsAtLeast);
        }
    }

    /** Where a probe's time went, each from the send unless it says from what (ms). */
    enum Stage {
        CONFIRMED("broker confirmed the send"),
        STORING("intake began to store it (received_at)"),
        PUBLISHED("relay published the event (JMSTimestamp)"),
        STORING_TO_PUBLISHED("  of which from storing to published"),
        PUBLISHED_TO_RECEIVED("from published to received");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /**
     * What one latency phase measured; times in ms. {@code refused}: sends the broker refused, over the whole timer;
     * {@code notConfirmed}: sends of this phase with no answer 60 s after the last.
     */
    record Latency(double offeredRate, double achievedRate, int sent, int probes, List<Double> millis,
                   Map<Stage, List<Double>> stages, int missing, long refused, long notConfirmed) {

        double percentile(double p) {
            return percentileOf(millis, p);
        }

        double stage(Stage s, double p) {
            return percentileOf(stages.get(s), p);
        }
    }

    /** One window: how many in how long. */
    record Window(long count, long nanos) {
        double rate() {
            return JmsBench.rate(count, nanos);
        }
    }

    /**
     * One cycle of the three windows, and how long the outbox took to empty after the route's, and the store alone
     * writing as many readings as the route took.
     */
    record Cycle(Window rawTransacted, Window route, Window rawAutoAck, double outboxSeconds, boolean outboxEmpty,
                 Window storeAlone) {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new JmsBench(Options.parse(args)).run());
    }

    private int run() throws Exception {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String loadBefore = loadAverage();
        Path data = Files.createTempDirectory("targetwatch-jms-bench-");
        // the service's own database, which the bench reads beside it (the same H2 database in this JVM)
        String db = TargetwatchConfiguration.embeddedDatabaseUrl(data);
        int brokerPort = freePort();
        Map<String, String> settings = new HashMap<>(Map.of(
                "targetwatch.data", data.toString(),
                // the feed's 2012-2018 periods are news on today's clock (else a history load: one summary, no alerts
                // on the topic for the latency probes to time)
                "targetwatch.rules", targetwatch.bench.BenchRules.withSetting(targetwatch.bench.BenchRules.takingAnyArea(
                        options.rules().toAbsolutePath(), data.resolve("rules")), "history_window_periods", "600").toString(),
                "camel.server.port", String.valueOf(freePort()),
                "targetwatch.broker.port", String.valueOf(brokerPort),
                "targetwatch.jms.batch-size", String.valueOf(options.batch())));
        // the whole feed waits on the queue before the route is let at it: more than the 100 MB a partner may leave there
        settings.put("targetwatch.broker.intake-max-bytes", String.valueOf(2L * 1024 * 1024 * 1024));
        progress("starting the service on %s", data);
        Main main = Application.create(settings);
        main.start();
        double startSeconds = seconds(System.nanoTime() - t0);
        try {
            CamelContext context = main.getCamelContext();
            Tenants service = context.getRegistry().findSingleByType(Tenants.class);
            progress("service up in %.1f s", startSeconds);
            context.getRouteController().stopRoute(ROUTE_ID);
            List<Target> targets = service.first().ingest().ruleSet().targets();
            List<String> feed = JmsFeed.realistic(targets, options.readings(), "ward", true, 2012, 2018, 20131);
            int n = feed.size();

            String tcp = "tcp://localhost:" + brokerPort;
            ConnectionFactory partner = DemoAccounts.client(tcp, data, "partner");
            // the route consumes in-VM as the service; the plain consumer does the same, as the broker's administrator
            // on a queue of the benchmark's own (and as the service to empty the readings queue)
            DemoAccounts.declareQueue(tcp, data, RAW);
            ConnectionFactory inVm = DemoAccounts.client("vm://0", data, "broker-admin");
            ConnectionFactory asService = new ActiveMQConnectionFactory("vm://0", EmbeddedBroker.SERVICE_USER,
                    context.getRegistry().findSingleByType(EmbeddedBroker.class).servicePassword());

            double sendRate = rate(n, send(partner, READINGS, feed, options.sendBatch()));
            progress("%,d readings queued for the route at %,.0f msgs/s", n, sendRate);
            RawQueue raw = new RawQueue(inVm, feed, options.sendBatch());
            raw.topUp(n);
            progress("assessing the feed beforehand for the store alone");
            StoreAlone alone = new StoreAlone(Path.of(settings.get("targetwatch.rules")), data.resolve("store-alone"), feed,
                    options.batch());

            LongSupplier done = () -> service.readingsTaken() + service.readingsRejected() + service.deadLettered();
            long routeBudget = Duration.ofSeconds(options.routeBudgetSeconds()).toNanos();
            long routeSpent = 0;
            long routeTaken = 0;
            List<Cycle> cycles = new ArrayList<>();
            while (routeTaken < n && routeSpent < routeBudget) {
                int limit = options.windowCount();
                raw.topUp(limit);
                Window tx = consume(inVm, RAW, limit, options.rawWindowSeconds(), true, options.batch());
                raw.consumed(tx.count());

                long before = done.getAsLong();
                long windowNanos = Math.min(Duration.ofSeconds(options.routeWindowSeconds()).toNanos(), routeBudget - routeSpent);
                long start = System.nanoTime();
                context.getRouteController().startRoute(ROUTE_ID);
                long taken = 0;
                long now = start;
                while (taken < Math.min(limit, n - routeTaken) && now - start < windowNanos) {
                    LockSupport.parkNanos(2_000_000);
                    taken = done.getAsLong() - before;
                    now = System.nanoTime();
                }
                context.getRouteController().stopRoute(ROUTE_ID);
                taken = done.getAsLong() - before;
                Window route = new Window(taken, now - start);
                routeSpent += now - start;
                routeTaken += taken;
                long outboxStart = System.nanoTime();
                boolean empty = awaitOutbox(db, Duration.ofSeconds(30), false);
                double outboxSeconds = seconds(System.nanoTime() - outboxStart);

                raw.topUp(limit);
                Window auto = consume(inVm, RAW, limit, options.autoWindowSeconds(), false, 1);
                raw.consumed(auto.count());
                Window storeAlone = alone.write(Math.max(1, taken));
                Cycle c = new Cycle(tx, route, auto, outboxSeconds, empty, storeAlone);
                cycles.add(c);
                progress("cycle %d: raw transacted %,.0f msgs/s; route %,.0f readings/s (%,d of %,d taken); raw auto-ack"
                                + " %,.0f msgs/s; store alone %,.0f readings/s; ratios %.3f, %.3f, %.3f; outbox empty after"
                                + " %.1f s", cycles.size(), tx.rate(), route.rate(), routeTaken, n, auto.rate(),
                        storeAlone.rate(), route.rate() / tx.rate(), route.rate() / auto.rate(),
                        route.rate() / storeAlone.rate(), outboxSeconds);
            }
            alone.close();
            if (service.readingsRejected() + service.deadLettered() > 0) {
                progress("WARNING %d readings refused, %d messages dead-lettered", service.readingsRejected(),
                        service.deadLettered());
            }
            DeliveryCounts counts = service.store().deliveryCounts();
            long events = (counts.pending() + counts.sent() + counts.parked()) / 2; // topic + email per event
            if (routeTaken < n) {
                // the rest of the backlog would only delay the latency phases
                purge(asService, READINGS);
            }
            // the mail the route's windows raised, thousands of mails, goes (or is folded by the daily budget) as each
            // group's wait ends: let it, so that the latency phases time the topic beside their own mail only
            long mailStart = System.nanoTime();
            if (!awaitOutbox(db, MAIL_GROUP_WAIT.multipliedBy(4), true)) {
                progress("WARNING the outbox still had deliveries due %.0f s after the route's windows",
                        seconds(System.nanoTime() - mailStart));
            }
            context.getRouteController().startRoute(ROUTE_ID);

            // latency
            Latency light;
            Latency load;
            // the partner's sender with a confirmation window, for its asynchronous sends' completion listeners
            ActiveMQConnectionFactory sender = DemoAccounts.client(tcp, data, "partner");
            sender.setConfirmationWindowSize(1024 * 1024);
            try (AlertTimer timer = new AlertTimer(sender, partner, areas -> storedAt(db, areas))) {
                // probes only, at a fraction of the loaded phase's probe rate: the floor of the latency
                double lightRate = Math.max(1, options.lightFraction() * options.loadRate() / options.probeEvery());
                int lightCount = (int) Math.round(lightRate * options.lightSeconds());
                List<Outgoing> lightStream = new ArrayList<>();
                for (int i = 1; i <= lightCount; i++) {
                    lightStream.add(Outgoing.probe(String.format("probe-light-%05d", i)));
                }
                light = timer.run(lightStream, lightRate);
                progress("light load (%,.0f probes/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d missing",
                        light.achievedRate(), light.percentile(50), light.percentile(99), light.percentile(100),
                        light.missing());

                double loadRate = options.loadRate();
                int loadCount = (int) Math.round(loadRate * options.loadSeconds());
                List<String> background = JmsFeed.realistic(targets, loadCount, "bg", false, 2012, 2018, 7);
                List<Outgoing> loadStream = new ArrayList<>();
                for (int i = 0; i < loadCount; i++) {
                    loadStream.add(i % options.probeEvery() == 0
                            ? Outgoing.probe(String.format("probe-load-%05d", i / options.probeEvery() + 1))
                            : Outgoing.plain(background.get(i)));
                }
                load = timer.run(loadStream, loadRate);
                progress("at %,.0f readings/s (offered %,.0f/s, 1 in %d alerting): p50 %.1f ms, p99 %.1f ms,"
                                + " max %.1f ms, %d missing", load.achievedRate(), load.offeredRate(),
                        options.probeEvery(), load.percentile(50), load.percentile(99), load.percentile(100), load.missing());
            }
            awaitOutbox(db, Duration.ofSeconds(30), false);
            long stored = service.store().readingCount();
            long dbBytes = treeSize(data.resolve("db"));
            String table = table(started, loadBefore, startSeconds, n, sendRate, cycles, routeTaken, seconds(routeSpent),
                    events, light, load, stored, dbBytes, System.nanoTime() - t0);
            System.out.print(table);
            return 0;
        } finally {
            long stopStart = System.nanoTime();
            main.stop();
            progress("service stopped in %.1f s", seconds(System.nanoTime() - stopStart));
            deleteTree(data);
        }
    }

    /** The raw queue's supply: the same N messages, sent again from where the last top-up stopped. */
    static final class RawQueue {
        private final ConnectionFactory factory;
        private final List<String> feed;
        private final int batch;
        private long available;
        private int next;

        RawQueue(ConnectionFactory factory, List<String> feed, int batch) {
            this.factory = factory;
            this.feed = feed;
            this.batch = batch;
        }

        /** Sends messages until at least {@code wanted} wait on the queue. */
        void topUp(long wanted) throws JMSException {
            if (available >= wanted) {
                return;
            }
            List<String> more = new ArrayList<>();
            while (available + more.size() < Math.max(wanted, feed.size() / 2)) {
                more.add(feed.get(next));
                next = (next + 1) % feed.size();
            }
            long nanos = send(factory, RAW, more, batch);
            available += more.size();
            progress("sent %,d messages to %s at %,.0f msgs/s", more.size(), RAW, rate(more.size(), nanos));
        }

        void consumed(long count) {
            available -= count;
        }
    }

    /** Sends the bodies persistent on a transacted session committing every {@code batch}; returns the nanoseconds. */
    static long send(ConnectionFactory factory, String queue, List<String> bodies, int batch) throws JMSException {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            long start = System.nanoTime();
            int uncommitted = 0;
            for (String body : bodies) {
                producer.send(s.createTextMessage(body));
                if (++uncommitted == batch) {
                    s.commit();
                    uncommitted = 0;
                }
            }
            s.commit();
            return System.nanoTime() - start;
        }
    }

    /**
     * Consumes up to {@code count} messages, for at most {@code seconds}, with a plain consumer reading each body
     * as the route does, on a session either transacted (a commit every {@code batch} messages, and when the queue
     * has nothing more, as the route commits) or AUTO_ACKNOWLEDGE.
     */
    static Window consume(ConnectionFactory factory, String queue, int count, int seconds, boolean transacted, int batch)
            throws JMSException {
        try (Connection c = factory.createConnection()) {
            Session s = transacted ? c.createSession(true, Session.SESSION_TRANSACTED)
                    : c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            c.start();
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(seconds).toNanos();
            long bytes = 0;
            int i = 0;
            long now = start;
            while (i < count && now < deadline) {
                Message m = consumer.receive(30_000);
                if (m == null) {
                    throw new IllegalStateException("the raw queue ran dry after " + i + " messages");
                }
                bytes += m.getBody(String.class).length();
                i++;
                int inBatch = 1;
                while (inBatch < batch && i < count && (m = consumer.receiveNoWait()) != null) {
                    bytes += m.getBody(String.class).length();
                    i++;
                    inBatch++;
                }
                if (transacted) {
                    s.commit();
                }
                now = System.nanoTime();
            }
            if (bytes == 0) {
                throw new IllegalStateException("empty messages");
            }
            return new Window(i, now - start);
        }
    }

    private static void purge(ConnectionFactory factory, String queue) throws JMSException {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            c.start();
            long n = 0;
            while (consumer.receive(1_000) != null) {
                n++;
            }
            progress("purged %,d readings the route had not taken", n);
        }
    }

    /**
     * Waits until no delivery waits for a relay to take it: the topic's published and recorded, and every mail sent,
     * folded by the daily budget, or within its group wait (the service's default, 30 s, from when it was stored; it
     * goes when that ends, and waiting for it would idle every cycle for most of a group wait, since the route's last
     * seconds always leave mail waiting), unless {@code heldMailToo}: then until nothing is due at all (mail folded by the
     * budget is due the next working day). One counting query every 20 ms on the service's database.
     */
    private static boolean awaitOutbox(String db, Duration patience, boolean heldMailToo) {
        long deadline = System.nanoTime() + patience.toNanos();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db, "", "");
             java.sql.PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING'"
                     + " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                     + " AND (sink <> 'EMAIL' OR attempts > 0 OR folded OR next_attempt_at <= ?)")) {
            while (System.nanoTime() < deadline) {
                Instant at = Instant.now();
                java.sql.Timestamp now = java.sql.Timestamp.from(at);
                s.setTimestamp(1, now);
                // held mail is claimed by the mail relay; when waited for too, any claim counts
                s.setTimestamp(2, heldMailToo ? java.sql.Timestamp.from(at.plus(Duration.ofDays(365))) : now);
                // a first attempt's next_attempt_at is when it was stored; a second for the relay's next run
                s.setTimestamp(3, java.sql.Timestamp.from(heldMailToo ? at : at.minus(MAIL_GROUP_WAIT).minusSeconds(1)));
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getLong(1) == 0) {
                        return true;
                    }
                }
                LockSupport.parkNanos(20_000_000);
            }
        } catch (java.sql.SQLException e) {
            progress("WARNING could not read the outbox: %s", e.getMessage());
        }
        return false;
    }

    /** The service's default email group wait (targetwatch.email.group-wait-ms), which the bench leaves as it is. */
    private static final Duration MAIL_GROUP_WAIT = Duration.ofSeconds(30);

    // ---- latency ----

    /** A message of a latency phase: a probe (timed, by its area) or a plain reading. */
    record Outgoing(String body, String probeArea) {
        static Outgoing probe(String area) {
            return new Outgoing(JmsFeed.probe(area), area);
        }

        static Outgoing plain(String body) {
            return new Outgoing(body, null);
        }
    }

    /**
     * A partner's sender and subscriber, both over TCP. The sender offers a stream on a fixed schedule, each message
     * persistent and sent asynchronously (JMS 2's send with a completion listener, on a connection with a confirmation
     * window: the broker confirms each message once it is in its journal, as a blocking send would wait for), so that
     * the offered rate is the schedule's and not one round trip at a time. Each probe is timed from just before its
     * send to the arrival of its RAISED event on the topic, and in stages: the broker's confirmation of the send, the
     * reading's received_at (the service's clock as intake begins to store it), the alert message's JMSTimestamp
     * (the relay's publish) and the arrival. The stages read the wall clock (ms) of one machine.
     */
    static final class AlertTimer implements AutoCloseable {

        private final Connection sending;
        private final Session sendSession;
        private final MessageProducer producer;
        private final Connection subscribing;
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
        private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        private final Map<String, Long> receivedAtMillis = new ConcurrentHashMap<>();
        /** When the broker confirmed each probe's send (System.nanoTime). */
        private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();
        /** The alert message's JMSTimestamp: when the outbox relay handed it to the broker (ms, same clock). */
        private final Map<String, Long> publishedAtMillis = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong confirmed = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        /** When intake began to store each probe's reading (its received_at, ms), by area. */
        private final Function<List<String>, Map<String, Long>> storedAtMillis;

        /**
         * {@code sendFactory} must have a confirmation window (else Artemis calls the completion listener before the
         * broker has the message); {@code subscribeFactory} is the partner's own.
         */
        AlertTimer(ActiveMQConnectionFactory sendFactory, ConnectionFactory subscribeFactory,
                   Function<List<String>, Map<String, Long>> storedAtMillis) throws JMSException {
            this.storedAtMillis = storedAtMillis;
            if (sendFactory.getConfirmationWindowSize() <= 0) {
                throw new IllegalArgumentException("the sender needs a confirmation window for its completion listeners");
            }
            subscribing = subscribeFactory.createConnection();
            Session subSession = subscribing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = subSession.createConsumer(subSession.createTopic(ALERTS),
                    "indicator = '" + JmsFeed.PROBE_INDICATOR + "' AND event = 'RAISED'");
            consumer.setMessageListener(m -> {
                long now = System.nanoTime();
                long nowMillis = System.currentTimeMillis();
                try {
                    String area = m.getStringProperty("area");
                    if (area != null && receivedAt.putIfAbsent(area, now) == null) {
                        receivedAtMillis.put(area, nowMillis);
                        publishedAtMillis.put(area, m.getJMSTimestamp());
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            subscribing.start();
            sending = sendFactory.createConnection();
            sendSession = sending.createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = sendSession.createProducer(sendSession.createQueue(READINGS));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }

        Latency run(List<Outgoing> stream, double rate) throws JMSException {
            long intervalNanos = (long) (1e9 / rate);
            long confirmedBefore = confirmed.get() + refused.get();
            long start = System.nanoTime();
            int probes = 0;
            for (int i = 0; i < stream.size(); i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Outgoing o = stream.get(i);
                TextMessage m = sendSession.createTextMessage(o.body());
                String area = o.probeArea();
                if (area != null) {
                    probes++;
                    sentAtMillis.put(area, System.currentTimeMillis());
                    sentAt.put(area, System.nanoTime());
                }
                producer.send(m, new jakarta.jms.CompletionListener() {
                    @Override
                    public void onCompletion(Message message) {
                        if (area != null) {
                            confirmedAt.put(area, System.nanoTime());
                        }
                        confirmed.incrementAndGet();
                    }

                    @Override
                    public void onException(Message message, Exception exception) {
                        refused.incrementAndGet();
                    }
                });
            }
            long sendNanos = System.nanoTime() - start;
            List<String> areas = stream.stream().map(Outgoing::probeArea).filter(a -> a != null).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (confirmed.get() + refused.get() - confirmedBefore < stream.size()
                    || !areas.stream().allMatch(receivedAt::containsKey))) {
                LockSupport.parkNanos(20_000_000);
            }
            List<Double> millis = new ArrayList<>();
            Map<Stage, List<Double>> stages = new EnumMap<>(Stage.class);
            for (Stage s : Stage.values()) {
                stages.put(s, new ArrayList<>());
            }
            int missing = 0;
            Map<String, Long> stored = storedAtMillis.apply(areas);
            for (String area : areas) {
                Long got = receivedAt.get(area);
                if (got == null) {
                    missing++;
                    continue;
                }
                long sent = sentAt.get(area);
                long sentMillis = sentAtMillis.get(area);
                millis.add((got - sent) / 1e6);
                Long ack = confirmedAt.get(area);
                if (ack != null) {
                    stages.get(Stage.CONFIRMED).add((ack - sent) / 1e6);
                }
                Long storing = stored.get(area);
                long published = publishedAtMillis.get(area);
                if (storing != null) {
                    stages.get(Stage.STORING).add((double) (storing - sentMillis));
                    stages.get(Stage.STORING_TO_PUBLISHED).add((double) (published - storing));
                }
                stages.get(Stage.PUBLISHED).add((double) (published - sentMillis));
                stages.get(Stage.PUBLISHED_TO_RECEIVED).add((double) (receivedAtMillis.get(area) - published));
            }
            long notConfirmed = stream.size() - (confirmed.get() + refused.get() - confirmedBefore);
            return new Latency(rate, rate(stream.size(), sendNanos), stream.size(), probes, millis, stages, missing,
                    refused.get(), notConfirmed);
        }

        @Override
        public void close() throws JMSException {
            try {
                sending.close();
            } finally {
                subscribing.close();
            }
        }
    }

    /**
     * When intake began to store the readings of these areas (their received_at, the service's clock just before its
     * transaction), in ms; read from the service's embedded database, open in this JVM.
     */
    static Map<String, Long> storedAt(String url, List<String> areas) {
        Map<String, Long> out = new HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "", "");
             java.sql.PreparedStatement s = c.prepareStatement("SELECT area, MIN(received_at) FROM readings"
                     + " WHERE area LIKE 'probe-%' GROUP BY area")) {
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getObject(2, java.time.OffsetDateTime.class).toInstant().toEpochMilli());
                }
            }
        } catch (java.sql.SQLException e) {
            progress("WARNING could not read when the probes were stored: %s", e.getMessage());
        }
        out.keySet().retainAll(new java.util.HashSet<>(areas));
        return out;
    }

    // ---- report ----

    private String table(Instant started, String loadBefore, double startSeconds, int n, double sendRate,
                         List<Cycle> cycles, long routeTaken, double routeSeconds, long events, Latency light,
                         Latency load, long stored, long dbBytes, long runNanos) {
        StringBuilder out = new StringBuilder();
        Runtime rt = Runtime.getRuntime();
        out.append(String.format(Locale.ROOT, "targetwatch JMS benchmark, %s%n", started.truncatedTo(ChronoUnit.SECONDS)));
        out.append(String.format(Locale.ROOT, "Java %s, %d cores, max heap %,d MB, JVM options %s%n",
                System.getProperty("java.version"), rt.availableProcessors(), rt.maxMemory() / 1024 / 1024,
                ManagementFactory.getRuntimeMXBean().getInputArguments()));
        out.append(String.format(Locale.ROOT, "load average (1/5/15 min) at start %s, at end %s%n", loadBefore, loadAverage()));
        out.append(String.format(Locale.ROOT, "%nThe whole service in this JVM (Camel Main, embedded Artemis with its persistent journal,%n"
                + "H2 file database, rules/), up in %.0f s. %,d JSON readings, one per message (15 indicators; %.1f%% raised%n"
                + "an alert event), sent persistent over TCP in transactions of %d at %,.0f msgs/s to targetwatch.readings,%n"
                + "and the same messages to bench.raw. Consumers in-VM, like the route's. Windows in cycles of raw transacted,%n"
                + "route, raw auto-ack (each window up to %,d messages or %d / %d / %d s), then the store alone: as many of%n"
                + "the same readings as the route took, assessed beforehand by an engine of the same rules, written by%n"
                + "JdbcStore.save in batches of %d into an H2 database of its own, nothing else running in it (its ceiling%n"
                + "for the route). Median of the cycles [min-max].%n",
                startSeconds, n, 100.0 * events / Math.max(1, routeTaken), options.sendBatch(), sendRate,
                options.windowCount(), options.rawWindowSeconds(), options.routeWindowSeconds(), options.autoWindowSeconds(),
                options.batch()));
        out.append(String.format(Locale.ROOT, "  %-60s %10s %22s%n", "", "median", "[min-max]"));
        out.append(line("route ingest-jms, readings/s (commit per batch of " + options.batch() + ")", cycles,
                c -> c.route().rate(), "%,.0f"));
        out.append(line("raw consumer, transacted, commit per " + options.batch() + ", msgs/s", cycles,
                c -> c.rawTransacted().rate(), "%,.0f"));
        out.append(line("raw consumer, auto-ack, msgs/s", cycles, c -> c.rawAutoAck().rate(), "%,.0f"));
        out.append(line("ratio route / raw transacted (per cycle)", cycles, c -> c.route().rate() / c.rawTransacted().rate(), "%.3f"));
        out.append(line("ratio route / raw auto-ack (per cycle)", cycles, c -> c.route().rate() / c.rawAutoAck().rate(), "%.3f"));
        out.append(line("store alone, JdbcStore.save of the same readings, readings/s", cycles, c -> c.storeAlone().rate(),
                "%,.0f"));
        out.append(line("ratio route / store alone (per cycle)", cycles, c -> c.route().rate() / c.storeAlone().rate(), "%.3f"));
        out.append(line("outbox with nothing waiting for a relay after the route, s", cycles, Cycle::outboxSeconds, "%.1f"));
        out.append(String.format(Locale.ROOT, "  route: %,d of %,d readings taken in %.0f s over %d windows (%,.0f readings/s overall);"
                + " %,d alert events%n", routeTaken, n, routeSeconds, cycles.size(), routeTaken / routeSeconds, events));
        if (routeTaken < n) {
            out.append(String.format(Locale.ROOT, "  NOTE: the route's budget of %d s ran out before it had taken all %,d readings;"
                    + " at its median rate all of them would take %.0f s%n", options.routeBudgetSeconds(), n,
                    n / median(cycles.stream().map(c -> c.route().rate()).toList())));
        }
        if (cycles.stream().anyMatch(c -> !c.outboxEmpty())) {
            out.append("  NOTE: in some cycle the outbox still had deliveries waiting for a relay (past any group wait) 30 s after the route stopped\n");
        }

        out.append(String.format(Locale.ROOT, "%nLatency from a partner's send to the RAISED event arriving at its topic subscriber, both over TCP,%n"
                + "ms; sends persistent and asynchronous on a fixed schedule (each confirmed by the broker once journalled),%n"
                + "each probe a RED ksi-casualties reading in an area of its own. rate/s is the rate the sends reached.%n"));
        out.append(String.format(Locale.ROOT, "  %-36s %7s %7s %9s %9s %9s%n", "", "rate/s", "probes", "p50", "p99", "max"));
        String lightLabel = String.format(Locale.ROOT, "probes only, %.0f/s", options.lightFraction() * options.loadRate()
                / options.probeEvery());
        String loadLabel = String.format(Locale.ROOT, "%.0f readings/s, 1 in %d alerting", options.loadRate(),
                options.probeEvery());
        out.append(latencyLine(lightLabel, light));
        out.append(latencyLine(loadLabel, load));
        out.append(String.format(Locale.ROOT, "  Stages, p50 / p99 ms, from the send unless said (received_at: the service's clock as intake's%n"
                + "  transaction begins; JMSTimestamp: the relay's publish; the wall clock of one machine, ms):%n"));
        out.append(String.format(Locale.ROOT, "  %-46s %21s %21s%n", "", lightLabel, "at " + (int) options.loadRate() + "/s"));
        for (Stage stage : Stage.values()) {
            out.append(String.format(Locale.ROOT, "  %-46s %21s %21s%n", stage.label, stageCell(light, stage), stageCell(load, stage)));
        }
        if (light.missing() + load.missing() > 0) {
            out.append(String.format(Locale.ROOT, "  NOTE: %d probes got no alert within 60 s of the last send%n",
                    light.missing() + load.missing()));
        }
        if (load.refused() > 0 || light.notConfirmed() + load.notConfirmed() > 0) {
            out.append(String.format(Locale.ROOT, "  NOTE: the broker refused %d sends; %d had no answer within 60 s%n",
                    load.refused(), light.notConfirmed() + load.notConfirmed()));
        }
        out.append(String.format(Locale.ROOT, "%nEmbedded H2 files after the run: %,.1f MB for %,d readings stored (with their assessments,%n"
                + "alert events, deliveries and processed message ids): %,.0f bytes per reading (limit 10,240)%n",
                dbBytes / 1e6, stored, stored == 0 ? Double.NaN : (double) dbBytes / stored));
        out.append(String.format(Locale.ROOT, "%nrun took %s%n", Duration.ofNanos(runNanos).truncatedTo(ChronoUnit.SECONDS)
                .toString().substring(2).toLowerCase()));
        return out.toString();
    }

    private static String line(String label, List<Cycle> cycles, java.util.function.ToDoubleFunction<Cycle> f, String format) {
        List<Double> values = cycles.stream().map(c -> f.applyAsDouble(c)).sorted().toList();
        return String.format(Locale.ROOT, "  %-60s %10s %22s%n", label, String.format(Locale.ROOT, format, median(values)),
                "[" + String.format(Locale.ROOT, format, values.get(0)) + "-"
                        + String.format(Locale.ROOT, format, values.get(values.size() - 1)) + "]");
    }

    private static String latencyLine(String label, Latency l) {
        return String.format(Locale.ROOT, "  %-36s %7.0f %7d %9.1f %9.1f %9.1f%n", label, l.achievedRate(), l.probes(),
                l.percentile(50), l.percentile(99), l.percentile(100));
    }

    private static String stageCell(Latency l, Stage s) {
        return String.format(Locale.ROOT, "%.1f / %.1f", l.stage(s, 50), l.stage(s, 99));
    }

    static double percentileOf(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    // ---- helpers ----

    static double rate(long count, long nanos) {
        return count / (nanos / 1e9);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The machine's load averages, to read the figures by: other work on a 2-core machine moves them. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long treeSize(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            long total = 0;
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    /**
     * Deletes the bench's data folder. A thread of the stopped service may still be writing into it (a relay's failed
     * run, say), so a folder found not empty is walked again; one that still cannot be deleted is left, with a note:
     * the table is printed already, and a run is not failed for a temporary folder.
     */
    private static void deleteTree(Path root) {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (java.nio.file.NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                if (attempt == 3) {
                    progress("could not delete %s (%s); left for the system's temporary files", root, e);
                    return;
                }
            }
        }
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "jms-bench %s " + format + "%n",
                Stream.concat(Stream.of(Instant.now().truncatedTo(ChronoUnit.SECONDS)), Stream.of(args)).toArray());
    }
}
