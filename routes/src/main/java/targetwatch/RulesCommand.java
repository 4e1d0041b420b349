package targetwatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import targetwatch.engine.ruleset.RuleSetFiles;
import targetwatch.routes.Settings;

/**
 * {@code ./targetwatch rules diff DIR} and {@code rules activate DIR}: the secretariat's files of a folder
 * sent to the running service, which checks and builds them beside the running rule set; {@code diff}
 * prints what activating would change, {@code activate} then activates. The same path as an upload.
 * The service's address comes from TARGETWATCH_API (default http://localhost:8080/api), the user from
 * TARGETWATCH_USER and TARGETWATCH_PASSWORD (default: the demo secretariat user of the embedded run).
 */
final class RulesCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private final String authorization;

    RulesCommand(PrintStream out, PrintStream err) throws IOException {
        this.out = out;
        this.err = err;
        this.api = System.getenv().getOrDefault("TARGETWATCH_API", "http://localhost:8080/api");
        String user = System.getenv("TARGETWATCH_USER");
        String password = System.getenv("TARGETWATCH_PASSWORD");
        if (user == null || password == null) {
            user = "secretariat";
            password = demoPassword(user);
        }
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String demoPassword(String user) throws IOException {
        Path credentials = Settings.resolve(System.getenv().getOrDefault("TARGETWATCH_DATA", "data")).resolve("demo-credentials.txt");
        if (!Files.exists(credentials)) {
            throw new IOException("set TARGETWATCH_USER and TARGETWATCH_PASSWORD (no " + credentials + ")");
        }
        return Files.readAllLines(credentials).stream().filter(l -> l.startsWith(user + ": "))
                .map(l -> l.substring(user.length() + 2).strip()).findFirst()
                .orElseThrow(() -> new IOException("no " + user + " in " + credentials));
    }

    int run(String action, Path dir) throws IOException, InterruptedException {
        Map<String, String> files = RuleSetFiles.read(dir);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                if (RuleSetFiles.SECRETARIAT_FILES.contains(f.getKey())) {
                    z.putNextEntry(new ZipEntry(f.getKey()));
                    z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                    z.closeEntry();
                }
            }
        }
        HttpResponse<String> submitted = send(HttpRequest.newBuilder(URI.create(api + "/rulesets"))
                .header("Content-Type", "application/zip").header("comment", "./targetwatch rules " + action + " " + dir)
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip.toByteArray())));
        JsonNode answer = JSON.readTree(submitted.body());
        if (submitted.statusCode() != 201) {
            err.println("refused (" + submitted.statusCode() + "): " + answer.path("error").asText(""));
            answer.path("errors").forEach(e -> out.println(e.asText()));
            answer.path("details").forEach(e -> out.println(e.isTextual() ? e.asText() : e.toString()));
            return 1;
        }
        int version = answer.get("version").asInt();
        HttpResponse<String> changes = action.equals("activate")
                ? send(HttpRequest.newBuilder(URI.create(api + "/rulesets/" + version + "/activate"))
                        .POST(HttpRequest.BodyPublishers.noBody()))
                : send(HttpRequest.newBuilder(URI.create(api + "/rulesets/" + version + "/preview")).GET());
        if (changes.statusCode() != 200) {
            err.println("failed (" + changes.statusCode() + "): " + changes.body());
            return 1;
        }
        print(version, action, JSON.readTree(changes.body()));
        return 0;
    }

    private void print(int version, String action, JsonNode changes) {
        out.println("rule set version " + version + (action.equals("activate") ? " is active" : " (not active: a preview)"));
        JsonNode ratings = changes.path("ratings");
        out.println(ratings.size() + " rating(s) change:");
        for (JsonNode r : ratings) {
            out.println("  " + r.path("series").asText() + " " + r.path("period").asText() + ": " + rating(r.path("before"))
                    + " -> " + rating(r.path("after")));
        }
        JsonNode alerts = changes.path("alerts");
        out.println(alerts.size() + " alert(s) change:");
        for (JsonNode a : alerts) {
            out.println("  " + a.path("series").asText() + ": " + a.path("before").asText() + " -> " + a.path("after").asText());
        }
    }

    private static String rating(JsonNode a) {
        return a.isNull() || a.isMissingNode() ? "none"
                : a.path("rating").asText() + " (expected " + a.path("expected").asText() + ")";
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("Authorization", authorization).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
