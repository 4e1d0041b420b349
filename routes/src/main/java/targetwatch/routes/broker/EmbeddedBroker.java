package targetwatch.routes.broker;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule;

/**
 * The default broker: ActiveMQ Artemis in this process, with a persistent journal under the data folder and one TCP
 * acceptor (Artemis' core protocol, AMQP 1.0 and STOMP) where partners' own clients connect. Security is on: every
 * connection signs in (Artemis' JAAS security manager: the accounts of {@link BrokerAccounts} through its properties
 * login module, and the service's own account, in memory with a password made at each start); roles decide who may
 * send or consume where (see {@link #securitySettings}); only the addresses declared here exist; the intake queues
 * refuse messages once full; and every message carries its sender's validated user.
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String READINGS = "targetwatch.readings";
    public static final String READINGS_DLQ = "targetwatch.readings.DLQ";
    public static final String ACKS = "targetwatch.acks";
    public static final String ACKS_DLQ = "targetwatch.acks.DLQ";
    public static final String ALERTS = "targetwatch.alerts";
    /** In-process connections skip the network. */
    public static final String IN_VM_URL = "vm://0";
    /** The service's own account: it consumes the intake queues and publishes alerts. */
    public static final String SERVICE_USER = "targetwatch";
    /** The role of the service's own account. */
    static final String SERVICE = "service";
    /**
     * How long the journal gathers writes before one sync, in nanoseconds. Artemis keeps 3.33 ms for NIO unless told,
     * which caps a committing consumer at about 300 commits a second; {@code artemis create} measures this disk's
     * sync at about 70 us and writes that into the broker.xml it makes, so the embedded broker uses the same.
     */
    private static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 70_000;
    /** A message the service keeps failing on is parked after this many attempts. */
    private static final int MAX_DELIVERY_ATTEMPTS = 5;
    private static final String[] PARKING = {"DLQ", "ExpiryQueue"};

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final String tcpUrl;
    private final String servicePassword;
    private final Set<String> partnerships;

    /** What a role may do on an address; each is one of Artemis' permissions. */
    enum Permission { SEND, CONSUME, CREATE_DURABLE_QUEUE, DELETE_DURABLE_QUEUE, CREATE_NON_DURABLE_QUEUE,
        DELETE_NON_DURABLE_QUEUE, MANAGE, BROWSE, CREATE_ADDRESS, DELETE_ADDRESS, VIEW, EDIT }

    /** Subscribing to a topic: a queue of one's own on the address, made, consumed from and removed. */
    private static final Set<Permission> SUBSCRIBE = EnumSet.of(Permission.CONSUME, Permission.CREATE_DURABLE_QUEUE,
            Permission.DELETE_DURABLE_QUEUE, Permission.CREATE_NON_DURABLE_QUEUE, Permission.DELETE_NON_DURABLE_QUEUE);

    /**
     * @param dataDir where the journal, bindings, paging and large messages live
     * @param host the address the TCP acceptor listens on (localhost by default)
     * @param port the TCP port (61616 by default)
     * @param accounts the partners' and administrators' accounts
     * @param partnerships the partnerships whose alert addresses ({@code targetwatch.alerts.<id>}) are declared, beside
     *                     those the accounts name
     * @param intakeMaxBytes how much the readings and acknowledgement queues hold before they refuse more
     * @param tlsParams the TCP acceptor's TLS parameters ({@code sslEnabled=true;keyStorePath=...;keyStorePassword=...}),
     *                  or empty for plain TCP
     */
    public EmbeddedBroker(Path dataDir, String host, int port, BrokerAccounts accounts, Set<String> partnerships,
                          long intakeMaxBytes, String tlsParams) throws Exception {
        this.tcpUrl = "tcp://" + host + ":" + port;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.servicePassword = Base64.getEncoder().encodeToString(secret);
        Set<String> all = new TreeSet<>(partnerships);
        all.addAll(accounts.partnerships());
        this.partnerships = Set.copyOf(all);
        Configuration config = new ConfigurationImpl()
                .setName("targetwatch")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                // the sender's account on every message, set by the broker whatever the client put there (and by
                // SenderStamp for the protocols whose messages Artemis does not stamp itself)
                .setPopulateValidatedUser(true)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .setJournalBufferTimeout_AIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .addAcceptorConfiguration("in-vm", IN_VM_URL)
                .addAcceptorConfiguration("tcp", tcpUrl + "?protocols=CORE,AMQP,STOMP"
                        + (tlsParams == null || tlsParams.isBlank() ? "" : ";" + tlsParams))
                .setJMXManagementEnabled(false)
                // alert events carry their id as the duplicate id: remember enough of them to drop resends
                .setIDCacheSize(200_000)
                .setPersistIDCache(true);
        // nothing is made on demand: a client naming an address not declared here is refused; every other address
        // (subscribers' queues on the alert topics, the DLQ itself) parks dead or expired messages on the broker's
        // usual queues rather than dropping them
        config.addAddressSetting("#", new AddressSettings()
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setAutoCreateDeadLetterResources(false)
                .setAutoCreateExpiryResources(false)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        // a message given back (a rollback, or its consumer's connection lost) is redelivered at once, at the head of
        // the queue: a redelivery delay would schedule it behind the later messages of its partnership's group and
        // break their order. The consumer waits itself (it holds a batch through a database outage, and backs off
        // after any other failure), so nothing thrashes.
        config.addAddressSetting(READINGS, intake(intakeMaxBytes)
                .setDeadLetterAddress(SimpleString.of(READINGS_DLQ))
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setRedeliveryDelay(0));
        config.addAddressSetting(ACKS, intake(intakeMaxBytes));
        for (String queue : new String[] {READINGS, READINGS_DLQ, ACKS, ACKS_DLQ, PARKING[0], PARKING[1]}) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(queue).addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)));
        }
        config.addAddressConfiguration(new CoreAddressConfiguration().setName(ALERTS).addRoutingType(RoutingType.MULTICAST));
        // each partnership's alerts are copied onto an address of its own, which only its accounts may read
        for (String p : this.partnerships) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(alertsOf(p))
                    .addRoutingType(RoutingType.MULTICAST));
            config.addDivertConfiguration(new DivertConfiguration().setName("alerts-" + p).setAddress(ALERTS)
                    .setForwardingAddress(alertsOf(p)).setExclusive(false).setFilterString("partnership = '" + p + "'"));
        }
        securitySettings(this.partnerships).forEach(config::putSecurityRoles);
        config.registerBrokerPlugin(new SenderStamp());
        server.setConfiguration(config);
        server.setSecurityManager(new ActiveMQJAASSecurityManager("targetwatch", new Logins(accounts, servicePassword)));
    }

    /** The address a partnership's accounts read its alerts from. */
    public static String alertsOf(String partnership) {
        return ALERTS + "." + partnership;
    }

    /**
     * Who may do what, by address: partners send readings and acknowledgements and read their own partnership's
     * alerts; only the service consumes readings and acknowledgements and sends alerts and dead letters; only an
     * administrator manages the broker and reads the dead-letter queues. Anything not listed is the administrator's.
     */
    static Map<String, Set<Role>> securitySettings(Set<String> partnerships) {
        Map<String, Set<Role>> settings = new HashMap<>();
        settings.put("#", Set.of(role(BrokerAccounts.ADMIN, EnumSet.allOf(Permission.class))));
        for (String intake : new String[] {READINGS, ACKS}) {
            settings.put(intake, Set.of(
                    role(BrokerAccounts.PARTNER, EnumSet.of(Permission.SEND)),
                    role(SERVICE, EnumSet.of(Permission.CONSUME)),
                    role(BrokerAccounts.ADMIN, EnumSet.of(Permission.BROWSE, Permission.VIEW))));
        }
        for (String parked : new String[] {READINGS_DLQ, ACKS_DLQ, PARKING[0], PARKING[1]}) {
            settings.put(parked, Set.of(
                    role(SERVICE, EnumSet.of(Permission.SEND)),
                    role(BrokerAccounts.ADMIN, EnumSet.of(Permission.CONSUME, Permission.BROWSE, Permission.SEND,
                            Permission.VIEW))));
        }
        Set<Permission> serviceOnAlerts = EnumSet.of(Permission.SEND);
        serviceOnAlerts.addAll(SUBSCRIBE);
        Set<Permission> adminOnAlerts = EnumSet.of(Permission.VIEW, Permission.BROWSE);
        adminOnAlerts.addAll(SUBSCRIBE);
        settings.put(ALERTS, Set.of(role(SERVICE, serviceOnAlerts), role(BrokerAccounts.ADMIN, adminOnAlerts)));
        for (String p : partnerships) {
            settings.put(alertsOf(p), Set.of(role(BrokerAccounts.PARTNERSHIP + p, SUBSCRIBE),
                    role(BrokerAccounts.ADMIN, adminOnAlerts)));
        }
        return settings;
    }

    private static AddressSettings intake(long maxBytes) {
        // a flood is refused at the door rather than paged to disk until the disk is full
        return new AddressSettings().setMaxSizeBytes(maxBytes).setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL)
                .setAutoCreateAddresses(false).setAutoCreateQueues(false)
                .setDeadLetterAddress(SimpleString.of("DLQ")).setExpiryAddress(SimpleString.of("ExpiryQueue"));
    }

    private static Role role(String name, Set<Permission> p) {
        return new Role(name, p.contains(Permission.SEND), p.contains(Permission.CONSUME),
                p.contains(Permission.CREATE_DURABLE_QUEUE), p.contains(Permission.DELETE_DURABLE_QUEUE),
                p.contains(Permission.CREATE_NON_DURABLE_QUEUE), p.contains(Permission.DELETE_NON_DURABLE_QUEUE),
                p.contains(Permission.MANAGE), p.contains(Permission.BROWSE), p.contains(Permission.CREATE_ADDRESS),
                p.contains(Permission.DELETE_ADDRESS), p.contains(Permission.VIEW), p.contains(Permission.EDIT));
    }

    /**
     * The JAAS configuration: the service's account in memory, then the accounts files through Artemis' properties
     * login module (read again when they change). Either suffices; a connection neither knows is refused.
     */
    private static final class Logins extends SecurityConfiguration {

        private final BrokerAccounts accounts;

        Logins(BrokerAccounts accounts, String servicePassword) {
            this.accounts = accounts;
            addUser(SERVICE_USER, servicePassword);
            addRole(SERVICE_USER, SERVICE);
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            Map<String, Object> inVm = new HashMap<>();
            inVm.put(InVMLoginModule.CONFIG_PROP_NAME, this);
            Map<String, Object> files = new HashMap<>();
            files.put(PropertiesLoginModule.USER_FILE_PROP_NAME, accounts.usersFile().toString());
            files.put(PropertiesLoginModule.ROLE_FILE_PROP_NAME, accounts.rolesFile().toString());
            files.put("reload", "true");
            return new AppConfigurationEntry[] {
                new AppConfigurationEntry(InVMLoginModule.class.getName(), LoginModuleControlFlag.SUFFICIENT, inVm),
                new AppConfigurationEntry(PropertiesLoginModule.class.getName(), LoginModuleControlFlag.SUFFICIENT, files)};
        }
    }

    /**
     * Writes the sending session's validated user on every message it sends, over whatever the client wrote in that
     * property: Artemis populates it on core messages only, and an AMQP or STOMP client could otherwise set it itself.
     */
    private static final class SenderStamp implements ActiveMQServerMessagePlugin {
        @Override
        public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                               boolean noAutoCreateQueue) {
            if (session != null && session.getValidatedUser() != null) {
                message.putStringProperty(Message.HDR_VALIDATED_USER, SimpleString.of(session.getValidatedUser()));
            }
        }
    }

    public void start() throws Exception {
        server.start();
    }

    /** The URL a partner's client uses. */
    public String tcpUrl() {
        return tcpUrl;
    }

    /** The password of the service's own account for this run. */
    public String servicePassword() {
        return servicePassword;
    }

    /** The partnerships whose alert addresses exist. */
    public Set<String> partnerships() {
        return new HashSet<>(partnerships);
    }

    public boolean isActive() {
        return server.getActiveMQServer() != null && server.getActiveMQServer().isActive();
    }

    /**
     * How many messages a queue holds, waiting or handed to a consumer that has not acknowledged (committed) them yet;
     * -1 when the broker holds no such queue.
     */
    public long messageCount(String queue) {
        org.apache.activemq.artemis.core.server.Queue q = server.getActiveMQServer() == null ? null
                : server.getActiveMQServer().locateQueue(queue);
        return q == null ? -1 : q.getMessageCount();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
