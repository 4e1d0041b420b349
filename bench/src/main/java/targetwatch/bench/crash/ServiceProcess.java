package targetwatch.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./targetwatch run} as a child process: its own data folder and ports, its output appended to a log
 * file, started, killed with SIGKILL and started again on the same data folder and ports.
 */
final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path data;
    private final Path log;
    private final int httpPort;
    private final int brokerPort;
    private final int smtpPort;
    private final Map<String, String> extraEnv;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;
    private int starts;
    private long logOffset;

    ServiceProcess(Path home, Path data, Path log, int httpPort, int brokerPort, int smtpPort, Map<String, String> extraEnv) {
        this.extraEnv = Map.copyOf(extraEnv);
        this.home = home;
        this.data = data;
        this.log = log;
        this.httpPort = httpPort;
        this.brokerPort = brokerPort;
        this.smtpPort = smtpPort;
    }

    int brokerPort() {
        return brokerPort;
    }

    int httpPort() {
        return httpPort;
    }

    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the service is already running (pid " + process.pid() + ")");
        }
        starts++;
        mark("start #" + starts);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("targetwatch").toString(), "run").directory(home.toFile());
        Map<String, String> env = pb.environment();
        // only what this test sets: nothing from the caller's environment may point the service elsewhere
        env.keySet().removeIf(k -> (k.startsWith("TARGETWATCH_") && !k.equals("TARGETWATCH_JAVA_OPTS")) || k.startsWith("CAMEL_"));
        env.put("TARGETWATCH_DATA", data.toAbsolutePath().toString());
        env.put("CAMEL_SERVER_PORT", String.valueOf(httpPort));
        env.put("TARGETWATCH_BROKER_PORT", String.valueOf(brokerPort));
        env.put("TARGETWATCH_SMTP_HOST", "127.0.0.1");
        env.put("TARGETWATCH_SMTP_PORT", String.valueOf(smtpPort));
        env.put("TARGETWATCH_OUTBOX_POLL_MS", "500");
        env.put("TARGETWATCH_DELIVERY_INITIAL_DELAY_MS", "500");
        // the alert clock stays still, as in the clean run it is compared with: readings alone make the events
        env.put("TARGETWATCH_ALERTS_CLOCK", "frozen");
        // a short group wait, so digests happen (and are counted by the ids they list) without slowing the test
        env.put("TARGETWATCH_EMAIL_GROUP_WAIT_MS", "2000");
        extraEnv.forEach((k, v) -> env.put(k, v.replace("{data}", data.toAbsolutePath().toString())));
        logOffset = Files.exists(log) ? Files.size(log) : 0;
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        process = pb.start();
    }

    /** Whether {@code ./targetwatch} built the code again at the last start: the sources changed under the test. */
    boolean rebuiltAtLastStart() throws IOException {
        byte[] all = Files.readAllBytes(log);
        String since = new String(all, (int) Math.min(logOffset, all.length), (int) (all.length - Math.min(logOffset, all.length)),
                StandardCharsets.UTF_8);
        return since.contains("targetwatch: building");
    }

    int starts() {
        return starts;
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Waits until /api/health answers UP.
     *
     * @throws IllegalStateException when the process ends first or the time runs out
     */
    void awaitUp(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("the service ended (exit " + (p == null ? "?" : p.exitValue())
                        + ") before it was up; see " + log);
            }
            JsonNode h = health();
            if (h != null && "UP".equals(h.path("status").asText())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service was not up after " + timeout.toSeconds() + " s; see " + log);
    }

    /** The health document, or null when the service does not answer. */
    JsonNode health() {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/api/health"))
                    .timeout(Duration.ofSeconds(5)).GET();
            // the detail (counts, rule set) is for a signed-in viewer: without credentials health says only UP or DOWN
            java.nio.file.Path credentials = data.resolve("demo-credentials.txt");
            if (java.nio.file.Files.isRegularFile(credentials)) {
                String basic = "viewer:" + targetwatch.bench.DemoAccounts.password(data, "viewer");
                request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** SIGKILL, the JVM itself ({@code ./targetwatch} execs java) and anything it started. */
    synchronized long kill() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return -1;
        }
        long pid = p.pid();
        mark("SIGKILL to pid " + pid);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        return pid;
    }

    /** Stops the service: SIGTERM (it finishes its work in hand), then SIGKILL if it takes too long. */
    synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            mark("stop (SIGTERM) pid " + p.pid());
            p.destroy();
            if (!p.waitFor(45, TimeUnit.SECONDS)) {
                mark("not stopped after 45 s: SIGKILL");
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A line in the service's log saying what the test did, between the service's own lines. */
    private void mark(String what) {
        try {
            Files.writeString(log, "===== crash-test " + Instant.now() + ": " + what + " =====\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for people; the test goes on without the mark
        }
    }
}
