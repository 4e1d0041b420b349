package targetwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Broker clients for the benchmarks, signed in as the demo accounts the service wrote to its data folder's
 * demo-credentials.txt on its first start (the embedded broker lets no one in without an account).
 */
public final class DemoAccounts {

    private DemoAccounts() {
    }

    /** A JMS client of the broker at {@code url}, signed in as a demo account of the service whose data is here. */
    public static ActiveMQConnectionFactory client(String url, Path data, String account) throws IOException {
        return new ActiveMQConnectionFactory(url, account, password(data, account));
    }

    /** The demo account's password. */
    public static String password(Path data, String account) throws IOException {
        return Files.readAllLines(data.resolve("demo-credentials.txt"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith(account + ": "))
                .map(line -> line.substring(account.length() + 2).strip())
                .findFirst().orElseThrow(() -> new IllegalStateException("no demo account " + account + " in " + data));
    }

    /** Declares a queue of the benchmark's own, as the broker's administrator (the broker makes none on demand). */
    public static void declareQueue(String url, Path data, String queue) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession("broker-admin", password(data, "broker-admin"), false, true, true,
                     false, 1)) {
            if (!session.queueQuery(org.apache.activemq.artemis.api.core.SimpleString.of(queue)).isExists()) {
                // no address is made on demand either
                if (!session.addressQuery(org.apache.activemq.artemis.api.core.SimpleString.of(queue)).isExists()) {
                    session.createAddress(org.apache.activemq.artemis.api.core.SimpleString.of(queue), RoutingType.ANYCAST, false);
                }
                session.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }
        }
    }
}
