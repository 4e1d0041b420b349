package targetwatch.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Production mode's check of the settings: a safe set passes, and each unsafe setting is refused with its name. */
class ProductionModeTest {

    private static final String SECRET = "Zq3vK8pL1xR7mN2bT5wY9cF4hJ6dG0sA"; // 32 characters

    @TempDir
    Path data;
    private final Map<String, String> settings = new HashMap<>();

    /** A production set: personal accounts, broker TLS, https public URL, a strong secret, candidates only, STARTTLS. */
    @BeforeEach
    void safe() throws IOException {
        Files.writeString(data.resolve("users.properties"), "ian.park=lead:hash\n");
        Files.writeString(data.resolve("broker-users.properties"), "kent-police=ENC(hash)\n");
        Files.writeString(data.resolve("broker.p12"), "");
        settings.putAll(Map.of(
                "targetwatch.users.file", data.resolve("users.properties").toString(),
                "targetwatch.broker.users-file", data.resolve("broker-users.properties").toString(),
                "targetwatch.broker.host", "0.0.0.0",
                "targetwatch.broker.ssl.enabled", "true",
                "targetwatch.broker.ssl.keystore", data.resolve("broker.p12").toString(),
                "targetwatch.ack.secret", SECRET,
                "targetwatch.public-url", "https://targetwatch.example.org",
                "camel.server.host", "localhost",
                "targetwatch.rules.auto-activate", "false"));
        settings.putAll(Map.of("targetwatch.smtp.host", "smtp.example.org", "targetwatch.smtp.starttls", "true"));
    }

    private List<String> unsafe() {
        return ProductionMode.unsafe(k -> settings.getOrDefault(k, ""), k -> Path.of(settings.getOrDefault(k, "")));
    }

    private void assertRefusedNaming(String setting) {
        List<String> unsafe = unsafe();
        assertEquals(1, unsafe.size(), unsafe.toString());
        assertTrue(unsafe.get(0).contains(setting), unsafe.get(0));
    }

    @Test
    void a_production_set_of_settings_is_taken() {
        assertEquals(List.of(), unsafe());
    }

    @Test
    void no_users_file_is_refused_because_demo_accounts_would_be_created() throws IOException {
        Files.delete(data.resolve("users.properties"));
        assertRefusedNaming("targetwatch.users.file");
    }

    @Test
    void demo_credentials_left_from_a_demo_run_are_refused() throws IOException {
        Files.writeString(data.resolve("demo-credentials.txt"), "viewer: x\n");
        assertRefusedNaming("demo-credentials.txt");
    }

    @Test
    void no_broker_users_file_is_refused_because_demo_broker_accounts_would_be_created() throws IOException {
        Files.delete(data.resolve("broker-users.properties"));
        assertRefusedNaming("targetwatch.broker.users-file");
    }

    @Test
    void an_external_broker_without_signing_in_is_refused_as_broker_security_off() {
        settings.put("targetwatch.broker.url", "tcp://broker.example.org:61616");
        assertRefusedNaming("targetwatch.broker.user");
        settings.put("targetwatch.broker.user", "targetwatch");
        assertEquals(List.of(), unsafe());
    }

    @Test
    void the_broker_serving_the_network_without_tls_is_refused_and_on_localhost_is_taken() {
        settings.put("targetwatch.broker.ssl.enabled", "false");
        assertRefusedNaming("targetwatch.broker.ssl.enabled");
        settings.put("targetwatch.broker.host", "localhost");
        assertEquals(List.of(), unsafe());
    }

    @Test
    void a_missing_ack_link_secret_is_refused() {
        settings.remove("targetwatch.ack.secret");
        assertRefusedNaming("targetwatch.ack.secret is missing");
    }

    @Test
    void an_ack_link_secret_one_character_short_is_refused_as_weak_and_one_repeated_character_too() {
        settings.put("targetwatch.ack.secret", SECRET.substring(1));
        assertRefusedNaming("targetwatch.ack.secret is weak");
        settings.put("targetwatch.ack.secret", "a".repeat(64));
        assertRefusedNaming("targetwatch.ack.secret is weak");
    }

    @Test
    void an_http_public_url_outside_loopback_is_refused_and_on_loopback_is_taken() {
        settings.put("targetwatch.public-url", "http://targetwatch.example.org");
        assertRefusedNaming("targetwatch.public-url");
        settings.put("targetwatch.public-url", "http://127.0.0.1:8080");
        assertEquals(List.of(), unsafe());
    }

    @Test
    void plain_http_served_to_the_network_is_refused_and_with_tls_is_taken() {
        settings.put("camel.server.host", "0.0.0.0");
        assertRefusedNaming("camel.server.host");
        settings.put("camel.server.useGlobalSslContextParameters", "true");
        assertEquals(List.of(), unsafe());
    }

    @Test
    void rules_auto_activation_is_refused() {
        settings.put("targetwatch.rules.auto-activate", "true");
        assertRefusedNaming("targetwatch.rules.auto-activate");
    }

    @Test
    void smtp_without_starttls_is_refused() {
        settings.put("targetwatch.smtp.starttls", "false");
        assertRefusedNaming("targetwatch.smtp.starttls");
    }

    @Test
    void a_webhook_without_a_signing_secret_is_refused() {
        settings.put("targetwatch.webhook.url", "https://partner.example.org/alerts");
        assertRefusedNaming("targetwatch.webhook.secret");
        settings.put("targetwatch.webhook.secret", SECRET);
        assertEquals(List.of(), unsafe());
    }

    @Test
    void the_demo_defaults_are_refused_with_a_line_for_each_setting() {
        settings.clear();
        settings.putAll(Map.of("targetwatch.users.file", data.resolve("none/users.properties").toString(),
                "targetwatch.broker.users-file", data.resolve("none/broker-users.properties").toString(),
                "targetwatch.broker.host", "localhost", "targetwatch.public-url", "http://localhost:8080",
                "camel.server.host", "localhost", "targetwatch.rules.auto-activate", "true"));
        String all = String.join("\n", unsafe());
        for (String named : List.of("targetwatch.users.file", "targetwatch.broker.users-file", "targetwatch.ack.secret",
                "targetwatch.rules.auto-activate")) {
            assertTrue(all.contains(named), all);
        }
        assertEquals(4, unsafe().size(), all);
    }
}
