package targetwatch.routes.broker;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.api.core.QueueConfiguration;

/**
 * The default broker: ActiveMQ Artemis in this process, with a persistent journal under the data folder
 * and a TCP acceptor so that a partner's own Artemis or JMS client can connect.
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String READINGS = "targetwatch.readings";
    public static final String READINGS_DLQ = "targetwatch.readings.DLQ";
    public static final String ALERTS = "targetwatch.alerts";
    /** In-process connections skip the network. */
    public static final String IN_VM_URL = "vm://0";
    /**
     * How long the journal gathers writes before one sync, in nanoseconds. Artemis keeps 3.33 ms for NIO unless told,
     * which caps a committing consumer at about 300 commits a second; {@code artemis create} measures this disk's
     * sync at about 70 us and writes that into the broker.xml it makes, so the embedded broker uses the same.
     */
    private static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 70_000;
    /** A message the service keeps failing on is parked after this many attempts. */
    private static final int MAX_DELIVERY_ATTEMPTS = 5;

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final String tcpUrl;

    /**
     * @param dataDir where the journal, bindings, paging and large messages live
     * @param host the address the TCP acceptor listens on (localhost by default)
     * @param port the TCP port (61616 by default)
     */
    public EmbeddedBroker(Path dataDir, String host, int port) throws Exception {
        this.tcpUrl = "tcp://" + host + ":" + port;
        Configuration config = new ConfigurationImpl()
                .setName("targetwatch")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .setJournalBufferTimeout_AIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .addAcceptorConfiguration("in-vm", IN_VM_URL)
                .addAcceptorConfiguration("tcp", tcpUrl)
                .setJMXManagementEnabled(false)
                // alert events carry their id as the duplicate id: remember enough of them to drop resends
                .setIDCacheSize(200_000)
                .setPersistIDCache(true);
        // every other address (subscribers' queues on the alert topic, the DLQ itself) parks dead or
        // expired messages on the broker's usual queues rather than dropping them
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        config.addAddressSetting(READINGS, new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(READINGS_DLQ))
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2));
        config.addAddressConfiguration(new CoreAddressConfiguration().setName(READINGS).addRoutingType(RoutingType.ANYCAST)
                .addQueueConfiguration(QueueConfiguration.of(READINGS).setRoutingType(RoutingType.ANYCAST)));
        config.addAddressConfiguration(new CoreAddressConfiguration().setName(READINGS_DLQ).addRoutingType(RoutingType.ANYCAST)
                .addQueueConfiguration(QueueConfiguration.of(READINGS_DLQ).setRoutingType(RoutingType.ANYCAST)));
        config.addAddressConfiguration(new CoreAddressConfiguration().setName(ALERTS).addRoutingType(RoutingType.MULTICAST));
        for (String parking : new String[] {"DLQ", "ExpiryQueue"}) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(parking).addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(parking).setRoutingType(RoutingType.ANYCAST)));
        }
        server.setConfiguration(config);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The URL a partner's client uses. */
    public String tcpUrl() {
        return tcpUrl;
    }

    public boolean isActive() {
        return server.getActiveMQServer() != null && server.getActiveMQServer().isActive();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
