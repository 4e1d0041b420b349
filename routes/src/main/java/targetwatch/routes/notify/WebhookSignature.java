package targetwatch.routes.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the webhook's receiver knows a POST is ours and fresh: {@code X-Targetwatch-Timestamp} is the time of sending in
 * seconds since the epoch, and {@code X-Targetwatch-Signature} is {@code sha256=} and the lower-case hex HMAC-SHA256,
 * keyed with {@code targetwatch.webhook.secret}, of the timestamp, a full stop and the body's bytes. A receiver
 * computes the same over what it received, compares in constant time, and refuses a timestamp more than five minutes
 * from its clock (so a recorded POST cannot be played again later).
 */
public final class WebhookSignature {

    public static final String TIMESTAMP = "X-Targetwatch-Timestamp";
    public static final String SIGNATURE = "X-Targetwatch-Signature";
    /** How far a timestamp may be from the receiver's clock. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    /** The signature header's value for a body sent at the given second. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** What a receiver checks: the signature over the timestamp and body, and the timestamp within the tolerance. */
    public static boolean verify(String secret, String timestamp, byte[] body, String signature, Instant now) {
        if (timestamp == null || signature == null || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        long t = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - t) > TOLERANCE.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, t, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
