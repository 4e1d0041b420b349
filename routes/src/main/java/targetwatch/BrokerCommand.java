package targetwatch;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import targetwatch.engine.ruleset.RuleSetLayout;
import targetwatch.routes.Settings;
import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.EmbeddedBroker;

/**
 * {@code ./targetwatch broker}: the broker alone, for several {@code targetwatch run} instances to share (each with
 * {@code TARGETWATCH_BROKER_URL} pointing at it): the same Artemis server, accounts, addresses and limits as the
 * embedded one, declared for every partnership of the rules folder. The service account's password for this run is
 * written beside the accounts ({@code broker-service-password.txt}, readable by its owner only), for the instances'
 * {@code TARGETWATCH_BROKER_USER=targetwatch} and {@code TARGETWATCH_BROKER_PASSWORD}. In production, an Artemis
 * live/backup pair made with {@code artemis create} plays this part.
 */
final class BrokerCommand {

    private BrokerCommand() {
    }

    static int run(PrintStream out, Map<String, String> env) throws Exception {
        Path data = Settings.resolve(env.getOrDefault("TARGETWATCH_DATA", "data"));
        Path rules = Settings.resolve(env.getOrDefault("TARGETWATCH_RULES", "rules"));
        String host = env.getOrDefault("TARGETWATCH_BROKER_HOST", "localhost");
        int port = Integer.parseInt(env.getOrDefault("TARGETWATCH_BROKER_PORT", "61616"));
        long intakeMax = Long.parseLong(env.getOrDefault("TARGETWATCH_BROKER_INTAKE_MAX_BYTES", "104857600"));
        Files.createDirectories(data);
        BrokerAccounts accounts = new BrokerAccounts(data.resolve("broker-users.properties"),
                data.resolve("broker-roles.properties"));
        Set<String> partnerships = new TreeSet<>(RuleSetLayout.of(rules).partnerships().keySet());
        accounts.createDemo(data.resolve("demo-credentials.txt"), partnerships.iterator().next());
        EmbeddedBroker broker = new EmbeddedBroker(data.resolve("broker"), host, port, accounts, partnerships, intakeMax, "");
        broker.start();
        Path password = data.resolve("broker-service-password.txt");
        Files.writeString(password, broker.servicePassword(), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        out.println("targetwatch broker on " + broker.tcpUrl() + " for " + String.join(", ", partnerships)
                + "; the service account (" + EmbeddedBroker.SERVICE_USER + ") password is in " + password
                + ". Ctrl-C stops it.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                // stopping anyway
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
