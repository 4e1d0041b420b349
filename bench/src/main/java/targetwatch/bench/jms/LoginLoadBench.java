package targetwatch.bench.jms;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.bench.DemoAccounts;
import targetwatch.routes.Application;
import targetwatch.routes.service.Tenants;

/**
 * The login load benchmark behind {@code bench/run-login-load}: readings flow over JMS as fast as the service takes
 * them while, for {@code --attack-seconds}, {@code --rate} bad-password requests a second go to the API (half for a
 * known user, half for unknown names, all from one address). Intake (readings taken per second, sampled each second)
 * is measured in a window without the attack, the attack's window, and a window without it again; the table gives
 * each window's median, the attack's median against the mean of the two others, how the bad requests were answered
 * (429 throttled before any hashing, 401 checked) with their median latency, and the failures and refusals
 * /api/health counted, beside the load average. The bar: intake within 20% of its rate without the attack.
 */
public final class LoginLoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Options(Path rules, double rate, int attackSeconds, int quietSeconds, int feedSize) {

        static Options parse(String[] args) {
            Path rules = Path.of("rules");
            double rate = 200;
            int attack = 30;
            int quiet = 30;
            int feed = 50_000;
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--rules" -> rules = Path.of(value);
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--attack-seconds" -> attack = Integer.parseInt(value);
                    case "--quiet-seconds" -> quiet = Integer.parseInt(value);
                    case "--feed" -> feed = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --rules DIR --rate R --attack-seconds S --quiet-seconds S --feed N)");
                }
            }
            return new Options(rules, rate, attack, quiet, feed);
        }
    }

    /** How the bad requests of the attack were answered. */
    static final class Attack {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final List<Double> millis = new CopyOnWriteArrayList<>();
        final AtomicInteger sent = new AtomicInteger();
        final LongAdder errors = new LongAdder();
    }

    public static void main(String[] args) throws Exception {
        System.exit(new LoginLoadBench().run(Options.parse(args)));
    }

    private int run(Options options) throws Exception {
        String loadBefore = loadAverage();
        Path data = Files.createTempDirectory("targetwatch-login-bench-");
        int brokerPort = freePort();
        int httpPort = freePort();
        Map<String, String> settings = new HashMap<>(Map.of(
                "targetwatch.data", data.toString(),
                "targetwatch.rules", targetwatch.bench.BenchRules.takingAnyArea(options.rules().toAbsolutePath(),
                        data.resolve("rules")).toString(),
                "camel.server.port", String.valueOf(httpPort),
                "targetwatch.broker.port", String.valueOf(brokerPort)));
        progress("starting the service on %s", data);
        Main main = Application.create(settings);
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            Tenants service = context.getRegistry().findSingleByType(Tenants.class);
            List<String> feed = JmsFeed.realistic(service.first().ingest().ruleSet().targets(), options.feedSize(), "ward", false, 2012,
                    2018, 20261);
            ConnectionFactory partner = DemoAccounts.client("tcp://localhost:" + brokerPort, data, "partner");
            String base = "http://localhost:" + httpPort;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            String viewer = basic("viewer", DemoAccounts.password(data, "viewer"));
            health(http, base, viewer); // verified once, as a monitoring client would be, before the attack

            // readings flow: a sender keeps the queue from running dry, the same feed over and over (a reading sent
            // again changes nothing but is taken, assessed and counted like any other)
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                try {
                    while (sending.get()) {
                        for (int from = 0; from < feed.size() && sending.get(); from += 2_000) {
                            List<String> chunk = feed.subList(from, Math.min(feed.size(), from + 2_000));
                            // the readings address refuses sends while it is full (its size limit): a partner
                            // waits and sends again, as this sender does, rather than stopping the flow
                            while (sending.get()) {
                                try {
                                    JmsBench.send(partner, JmsBench.READINGS, chunk, 500);
                                    break;
                                } catch (jakarta.jms.JMSException e) {
                                    if (e.getMessage() == null || !e.getMessage().contains("is full")) {
                                        throw e;
                                    }
                                    Thread.sleep(200);
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    progress("the sender stopped: %s", e);
                }
            }, "bench-sender");
            sender.setDaemon(true);
            sender.start();
            progress("warming up for 10 s");
            sample(service, 10);

            progress("intake without the attack, %d s", options.quietSeconds());
            List<Double> before = sample(service, options.quietSeconds());
            progress("intake during %,.0f bad-password requests/s, %d s", options.rate(), options.attackSeconds());
            Attack attack = new Attack();
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            long periodNanos = (long) (1e9 / options.rate());
            int total = (int) (options.rate() * options.attackSeconds());
            clock.scheduleAtFixedRate(() -> {
                int n = attack.sent.getAndIncrement();
                if (n >= total) {
                    return;
                }
                String name = n % 2 == 0 ? "lead" : "nobody-" + n;
                long start = System.nanoTime();
                http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                                .header("Authorization", basic(name, "guess-" + n)).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    if (e != null) {
                        attack.errors.increment();
                        return;
                    }
                    attack.millis.add((System.nanoTime() - start) / 1e6);
                    attack.statuses.computeIfAbsent(r.statusCode(), s -> new LongAdder()).increment();
                });
            }, 0, periodNanos, TimeUnit.NANOSECONDS);
            List<Double> during = sample(service, options.attackSeconds());
            clock.shutdownNow();
            progress("intake after the attack, %d s", options.quietSeconds());
            List<Double> after = sample(service, options.quietSeconds());
            sending.set(false);
            sender.join(60_000);

            JsonNode signIns = health(http, base, viewer).get("signIns");
            String table = table(options, before, during, after, attack, signIns, loadBefore);
            System.out.print(table);
            return 0;
        } finally {
            main.stop();
        }
    }

    /** Readings taken each second, for the given seconds. */
    private static List<Double> sample(Tenants service, int seconds) {
        List<Double> rates = new ArrayList<>();
        long last = service.readingsTaken();
        long lastAt = System.nanoTime();
        for (int i = 0; i < seconds; i++) {
            LockSupport.parkNanos(lastAt + 1_000_000_000L - System.nanoTime());
            long now = System.nanoTime();
            long taken = service.readingsTaken();
            rates.add((taken - last) / ((now - lastAt) / 1e9));
            last = taken;
            lastAt = now;
        }
        return rates;
    }

    private static String table(Options o, List<Double> before, List<Double> during, List<Double> after, Attack attack,
                                JsonNode signIns, String loadBefore) {
        double quiet = (median(before) + median(after)) / 2;
        double ratio = median(during) / quiet;
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Login load: %,.0f bad-password requests/s for %d s (half for a known user,"
                + " half unknown names, one address) while readings flow over JMS%n", o.rate(), o.attackSeconds()));
        t.append(String.format(Locale.ROOT, "  %-46s %,12.0f readings/s (median of %d 1-s samples)%n",
                "intake without the attack, before", median(before), before.size()));
        t.append(String.format(Locale.ROOT, "  %-46s %,12.0f readings/s%n", "intake during the attack", median(during)));
        t.append(String.format(Locale.ROOT, "  %-46s %,12.0f readings/s%n", "intake without the attack, after", median(after)));
        t.append(String.format(Locale.ROOT, "  %-46s %12.3f (the bar: at least 0.800)%s%n",
                "during / mean of before and after", ratio, ratio >= 0.8 ? "" : "   BELOW THE BAR"));
        t.append(String.format(Locale.ROOT, "  %-46s %,12d sent, %s, %d failed to send%n", "bad requests",
                attack.sent.get() > o.rate() * o.attackSeconds() ? (int) (o.rate() * o.attackSeconds()) : attack.sent.get(),
                statuses(attack), attack.errors.sum()));
        t.append(String.format(Locale.ROOT, "  %-46s %12.1f ms%n", "median answer to a bad request", median(attack.millis)));
        t.append(String.format(Locale.ROOT, "  %-46s checked %d, failed %d, throttled %d%n", "/api/health signIns",
                signIns.get("checked").asLong(), signIns.get("failed").asLong(), signIns.get("throttled").asLong()));
        t.append(String.format(Locale.ROOT, "load average (1/5/15 min) at start %s, at end %s; %d cores%n", loadBefore,
                loadAverage(), Runtime.getRuntime().availableProcessors()));
        return t.toString();
    }

    private static String statuses(Attack attack) {
        List<String> out = new ArrayList<>();
        new java.util.TreeMap<>(attack.statuses).forEach((status, n) -> out.add(n.sum() + " answered " + status));
        return String.join(", ", out);
    }

    private static JsonNode health(HttpClient http, String base, String authorization) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health"))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/api/health answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }
}
