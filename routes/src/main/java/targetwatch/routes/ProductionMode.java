package targetwatch.routes;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code targetwatch.mode=production}: the service refuses to start while any setting is one only the embedded demo
 * may have (demo accounts, a broker anyone on the network reaches in clear or without signing in, a weak or missing
 * acknowledgement-link secret, plain HTTP beyond this machine, rules activated straight from the folder, mail in
 * clear), with one line naming each. {@code targetwatch.mode=demo}, the default, checks nothing.
 */
public final class ProductionMode {

    /** The shortest acknowledgement-link secret production takes: 32 characters (e.g. {@code openssl rand -base64 32}). */
    static final int MIN_SECRET = 32;

    private ProductionMode() {
    }

    /** @throws IllegalStateException in production mode with every unsafe setting named; nothing in demo mode */
    static void check(Settings settings) {
        String mode = settings.get("targetwatch.mode");
        if (mode.isEmpty() || mode.equals("demo")) {
            return;
        }
        if (!mode.equals("production")) {
            throw new IllegalArgumentException("targetwatch.mode is \"" + mode + "\": use demo or production");
        }
        List<String> unsafe = unsafe(settings::get, settings::path);
        if (!unsafe.isEmpty()) {
            throw new IllegalStateException("targetwatch.mode=production refuses to start with " + unsafe.size()
                    + " unsafe setting" + (unsafe.size() == 1 ? "" : "s") + ":\n  - " + String.join("\n  - ", unsafe)
                    + "\n(see \"Running in production\" in the README)");
        }
    }

    /**
     * What production refuses in these settings, one line per setting, each naming it and saying what to do.
     *
     * @param setting a setting's value ("" when not set)
     * @param path a path setting resolved as the service resolves it
     */
    static List<String> unsafe(Function<String, String> setting, Function<String, Path> path) {
        List<String> out = new ArrayList<>();
        Path users = path.apply("targetwatch.users.file");
        Path demo = users.resolveSibling("demo-credentials.txt");
        if (!Files.exists(users)) {
            out.add("targetwatch.users.file: " + users + " does not exist, so demo accounts would be created: add the users"
                    + " with ./targetwatch users");
        }
        if (Files.exists(demo)) {
            out.add("demo accounts: " + demo + " holds demo passwords (from a demo run): remove the demo accounts and that"
                    + " file, and give each person an account of their own");
        }
        boolean embedded = setting.apply("targetwatch.broker.url").isEmpty();
        if (embedded) {
            Path brokerUsers = path.apply("targetwatch.broker.users-file");
            if (!Files.exists(brokerUsers)) {
                out.add("targetwatch.broker.users-file: " + brokerUsers + " does not exist, so demo broker accounts would be"
                        + " created: write the partners' accounts first");
            }
            if (!loopback(setting.apply("targetwatch.broker.host")) && !on(setting, "targetwatch.broker.ssl.enabled")) {
                out.add("targetwatch.broker.ssl.enabled is off while targetwatch.broker.host (" + setting.apply("targetwatch.broker.host")
                        + ") serves the network: partners' passwords and readings would cross it in clear; set"
                        + " targetwatch.broker.ssl.enabled=true with targetwatch.broker.ssl.keystore");
            }
            if (on(setting, "targetwatch.broker.ssl.enabled") && setting.apply("targetwatch.broker.ssl.keystore").isEmpty()) {
                out.add("targetwatch.broker.ssl.keystore is empty: the broker's TLS acceptor needs a keystore");
            }
        } else if (setting.apply("targetwatch.broker.user").isEmpty()) {
            out.add("targetwatch.broker.user is empty: the service would use the external broker "
                    + setting.apply("targetwatch.broker.url") + " without signing in, as if its security were off");
        }
        String secret = setting.apply("targetwatch.ack.secret");
        if (secret.isEmpty()) {
            out.add("targetwatch.ack.secret is missing: set a secret of at least " + MIN_SECRET + " random characters"
                    + " (openssl rand -base64 32), kept outside the data folder");
        } else if (weak(secret)) {
            out.add("targetwatch.ack.secret is weak: use at least " + MIN_SECRET + " random characters (openssl rand -base64 32)");
        }
        String publicUrl = setting.apply("targetwatch.public-url");
        if (publicUrl.startsWith("http://") && !loopback(host(publicUrl))) {
            out.add("targetwatch.public-url is " + publicUrl + ": links in mails would go over plain HTTP; use https://"
                    + " (TLS here or at a reverse proxy)");
        }
        if (!loopback(setting.apply("camel.server.host")) && !on(setting, "camel.server.useGlobalSslContextParameters")) {
            out.add("camel.server.host (" + setting.apply("camel.server.host") + ") serves plain HTTP to the network: set"
                    + " camel.server.useGlobalSslContextParameters=true with camel.ssl.*, or keep it on localhost behind a"
                    + " TLS reverse proxy");
        }
        if (on(setting, "targetwatch.rules.auto-activate")) {
            out.add("targetwatch.rules.auto-activate is on: a change to the rules folder would go live unseen; set it false"
                    + " so changes wait as candidates");
        }
        if (!setting.apply("targetwatch.smtp.host").isEmpty() && !on(setting, "targetwatch.smtp.starttls")) {
            out.add("targetwatch.smtp.starttls is off: alert mails would reach " + setting.apply("targetwatch.smtp.host")
                    + " in clear; set it true (STARTTLS required)");
        }
        if (!setting.apply("targetwatch.webhook.url").isEmpty() && weak(setting.apply("targetwatch.webhook.secret"))) {
            out.add("targetwatch.webhook.secret is missing or weak: the webhook's receiver could not tell our alerts from"
                    + " forged ones; set at least " + MIN_SECRET + " random characters");
        }
        return out;
    }

    private static boolean on(Function<String, String> setting, String key) {
        return Boolean.parseBoolean(setting.apply(key));
    }

    /** Shorter than the minimum, or a single character repeated. */
    static boolean weak(String secret) {
        return secret.length() < MIN_SECRET || secret.chars().distinct().count() < 8;
    }

    static boolean loopback(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    private static String host(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? "" : h;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
