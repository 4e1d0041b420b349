package targetwatch.routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static targetwatch.routes.RunningTargetwatch.PATIENCE;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import targetwatch.routes.notify.WebhookSignature;

/**
 * The webhook's POSTs are signed: a receiving server that knows the secret checks the HMAC-SHA256 over the timestamp
 * and the body as the README tells a receiver to (its own code here, not the service's), and a tampered body or an
 * old timestamp fails the same check.
 */
class WebhookSignatureEndToEndTest {

    private static final String SECRET = "webhook-secret-0123456789-abcdefghij";

    /** One POST as the receiver got it. */
    record Received(String timestamp, String signature, byte[] body) {
    }

    /** The receiver's check, written from the README: hex HMAC-SHA256 of "timestamp.body", compared in constant time. */
    static boolean receiverAccepts(String secret, Received r, Instant now) throws Exception {
        if (r.timestamp() == null || r.signature() == null
                || Math.abs(now.getEpochSecond() - Long.parseLong(r.timestamp())) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((r.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body()))).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, r.signature().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void every_webhook_post_carries_a_timestamp_and_a_signature_the_receiver_verifies_and_a_tampered_one_fails(
            @TempDir Path data) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        receiver.createContext("/alerts", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (RunningTargetwatch app = RunningTargetwatch.start(data, Optional.empty(), Map.of(
                "targetwatch.webhook.url", "http://localhost:" + receiver.getAddress().getPort() + "/alerts",
                "targetwatch.webhook.secret", SECRET))) {
            app.raiseRepeatVictimsAlert("webhook-signed");
            Received r = await("a signed webhook POST").atMost(PATIENCE).until(() -> received.stream()
                    .filter(x -> new String(x.body(), StandardCharsets.UTF_8).contains("webhook-signed")).findFirst(),
                    Optional::isPresent).orElseThrow();
            Instant now = Instant.now();
            assertTrue(receiverAccepts(SECRET, r, now), "the receiver verifies the signature: " + r.signature());
            assertTrue(WebhookSignature.verify(SECRET, r.timestamp(), r.body(), r.signature(), now), "and so does ours");

            byte[] tampered = new String(r.body(), StandardCharsets.UTF_8).replace("RED", "GREEN").getBytes(StandardCharsets.UTF_8);
            assertFalse(receiverAccepts(SECRET, new Received(r.timestamp(), r.signature(), tampered), now), "a changed body fails");
            assertFalse(receiverAccepts("another-secret-of-the-same-length-xx", r, now), "another secret fails");
            assertFalse(receiverAccepts(SECRET, r, now.plusSeconds(301)), "a POST played again 301 s later fails");
            assertTrue(receiverAccepts(SECRET, r, now.plusSeconds(299 - (now.getEpochSecond() - Long.parseLong(r.timestamp())))),
                    "within the five minutes it is taken");
            assertEquals(-1, r.signature().indexOf(' '));
        } finally {
            receiver.stop(0);
        }
    }
}
