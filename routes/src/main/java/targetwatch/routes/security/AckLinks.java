package targetwatch.routes.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The acknowledgement links in alert mails: each names an alert and the recipient it was sent to, expires, and is
 * signed with HMAC-SHA256 under a key only this service holds, so a link cannot be made up or altered. Each carries
 * a random id that the store marks used, so it works once.
 */
public final class AckLinks {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MAX_TOKEN = 600;

    private final byte[] key;
    private final String baseUrl;
    private final Duration valid;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AckLinks(byte[] key, String baseUrl, Duration valid, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("an acknowledgement link key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.valid = valid;
        this.clock = clock;
    }

    /**
     * Links signed with the configured secret, or else with a random key kept in {@code keyFile} (made on first use,
     * readable by its owner only), so that links sent before a restart still work after it.
     */
    public static AckLinks create(String secret, Path keyFile, String baseUrl, Duration valid, Clock clock) throws IOException {
        byte[] key;
        if (!secret.isBlank()) {
            key = MessageDigestHolder.sha256(secret.getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(keyFile)) {
            key = Base64.getDecoder().decode(Files.readString(keyFile).strip());
        } else {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions protect it
            }
        }
        return new AckLinks(key, baseUrl, valid, clock);
    }

    /** The link for one recipient of one alert. */
    public String linkFor(String alertId, String recipient) {
        return baseUrl + "/ack/" + token(alertId, recipient);
    }

    /** A token: the alert, the recipient, when it expires and a random id, then their signature. */
    public String token(String alertId, String recipient) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String payload = alertId + "|" + recipient + "|" + clock.instant().plus(valid).getEpochSecond() + "|"
                + B64.encodeToString(nonce);
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(sign(body));
    }

    /**
     * What a token says, if this service signed it and it has not expired; it may still have been used (the store
     * knows).
     *
     * @throws Refused naming why: not a link of ours (forged or altered), or expired
     */
    public Verified verify(String token) throws Refused {
        if (token == null || token.length() > MAX_TOKEN || token.indexOf('.') < 0) {
            throw new Refused(Refused.Why.FORGED);
        }
        String body = token.substring(0, token.indexOf('.'));
        byte[] signature;
        String[] fields;
        try {
            signature = B64D.decode(token.substring(token.indexOf('.') + 1));
            fields = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            throw new Refused(Refused.Why.FORGED);
        }
        if (!MessageDigest.isEqual(sign(body), signature) || fields.length != 4) {
            throw new Refused(Refused.Why.FORGED);
        }
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(fields[2]));
        } catch (NumberFormatException e) {
            throw new Refused(Refused.Why.FORGED);
        }
        if (!clock.instant().isBefore(expires)) {
            throw new Refused(Refused.Why.EXPIRED);
        }
        return new Verified(fields[3], fields[0], fields[1], expires);
    }

    /**
     * A value nobody without this service's key can work out from {@code value}: HMAC-SHA256 under a key derived from
     * the link key for this use alone. The alert topic's duplicate id is this of the event id, so that a client that
     * guesses the next event ids cannot publish them first and have the broker drop the real alerts as repeats.
     */
    public String keyedHash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] derived = mac.doFinal("targetwatch duplicate id".getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(derived, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private byte[] sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** A token this service signed, still in time: its single-use id, the alert and the recipient it was sent to. */
    public record Verified(String tokenId, String alertId, String recipient, Instant expires) {
    }

    /** A link refused, and why. */
    public static final class Refused extends Exception {

        public enum Why { FORGED, EXPIRED, USED }

        private final Why why;

        public Refused(Why why) {
            super(switch (why) {
                case FORGED -> "This is not an acknowledgement link targetwatch sent: it may have been altered or cut short.";
                case EXPIRED -> "This acknowledgement link has expired. Acknowledge the alert in targetwatch instead.";
                case USED -> "This acknowledgement link has been used already: each link works once.";
            });
            this.why = why;
        }

        public Why why() {
            return why;
        }
    }

    private static final class MessageDigestHolder {
        static byte[] sha256(byte[] data) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }
    }
}
