package targetwatch.engine.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based ids: the same as {@link UUID#nameUUIDFromBytes} of the name's UTF-8 bytes (an MD5, version 3), with the
 * digest kept per thread instead of looked up among the security providers for every id, as the engine makes one
 * for every alert event.
 */
public final class NameIds {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new InternalError("MD5 not supported", e);
        }
    });

    private NameIds() {
    }

    /** {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8)).toString()}. */
    public static String of(String name) {
        byte[] md5 = MD5.get().digest(name.getBytes(StandardCharsets.UTF_8));
        md5[6] &= 0x0f; // version 3
        md5[6] |= 0x30;
        md5[8] &= 0x3f; // IETF variant
        md5[8] |= (byte) 0x80;
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (md5[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (md5[i] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }
}
