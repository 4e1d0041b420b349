package targetwatch.routes;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.nio.file.Path;

import jakarta.jms.Connection;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

import targetwatch.engine.store.JdbcStore;
import targetwatch.engine.store.Sink;
import targetwatch.engine.store.Store;
import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.BrokerStatus;
import targetwatch.routes.broker.EmbeddedBroker;
import targetwatch.routes.ingest.jms.BatchedJmsComponent;
import targetwatch.routes.notify.MailSender;
import targetwatch.routes.notify.OutboxRelay;
import targetwatch.routes.security.AckLinks;
import targetwatch.routes.security.LoginGuard;
import targetwatch.routes.security.Users;
import targetwatch.routes.service.Tenants;
import targetwatch.routes.web.BodyLimits;

/**
 * The beans the routes use, built from application.properties: the store (embedded H2 by default),
 * the rule engine service, the outbox relay, the broker (embedded by default), the JMS component, the
 * mail sender and the API users.
 */
public class TargetwatchConfiguration implements CamelConfiguration {

    /** The registry name of a clock to use instead of the wall clock. */
    public static final String CLOCK = "targetwatch.clock";

    /**
     * The embedded H2 database's URL under a data folder, when {@code targetwatch.db.url} names none. WRITE_DELAY=0:
     * H2 otherwise holds commits up to half a second before writing them, and a killed process would lose readings
     * whose messages were already acknowledged. PAGE_SIZE=8192: a commit writes each page it changed whole, and a
     * batch's alert events, alerts and deliveries land at random places (their ids are name-based UUIDs): pages of
     * 8 KB instead of H2's 16 KB are less to write for each.
     */
    public static String embeddedDatabaseUrl(Path data) {
        return "jdbc:h2:file:" + data.resolve("db").resolve("targetwatch").toAbsolutePath() + ";WRITE_DELAY=0;PAGE_SIZE=8192";
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        ProductionMode.check(settings); // before anything is created: a refused production start leaves nothing behind
        // the wall clock, unless a clock was bound as "targetwatch.clock" (end-to-end tests move one by hand, to
        // see escalations after working days without waiting for them)
        Clock clock = java.util.Optional.ofNullable(context.getRegistry().lookupByNameAndType(CLOCK, Clock.class))
                .orElse(Clock.systemUTC());
        Path data = Files.createDirectories(settings.path("targetwatch.data"));
        Path usersFile = settings.path("targetwatch.users.file");
        Path demoCredentials = usersFile.resolveSibling("demo-credentials.txt");

        String dbUrl = settings.get("targetwatch.db.url");
        if (dbUrl.isBlank()) {
            dbUrl = embeddedDatabaseUrl(data);
        }
        Store store = JdbcStore.open(dbUrl, settings.get("targetwatch.db.user"), settings.get("targetwatch.db.password"),
                Duration.ofMillis(Long.parseLong(settings.get("targetwatch.db.connection-timeout-ms"))));
        context.addService(closing(store::close), true);
        boolean webhook = !settings.get("targetwatch.webhook.url").isBlank();
        Set<Sink> sinks = webhook ? EnumSet.allOf(Sink.class) : EnumSet.of(Sink.TOPIC, Sink.EMAIL);
        String alertClock = settings.get("targetwatch.alerts.clock");
        if (!alertClock.equals("system") && !alertClock.equals("frozen")) {
            throw new IllegalArgumentException("targetwatch.alerts.clock is \"" + alertClock + "\": use system or frozen");
        }
        // this instance's name: what it owns partnerships and claims deliveries as (kept across restarts by default)
        String instance = settings.get("targetwatch.instance.id").isBlank() ? java.net.InetAddress.getLocalHost().getHostName()
                + "-" + settings.get("camel.server.port") : settings.get("targetwatch.instance.id");
        boolean shared = Boolean.parseBoolean(settings.get("targetwatch.instance.shared"));
        // one tenant per partnership folder (or the one partnership of a single folder), each with its own rule set
        // versions and engine
        Tenants tenants = Tenants.start(settings.path("targetwatch.rules"), store, data.resolve("rulesets"),
                new Tenants.Running(sinks, clock, alertClock.equals("system"),
                        Duration.ofMillis(Long.parseLong(settings.get("targetwatch.alerts.history-summary-wait-ms"))),
                        instance, shared,
                        // an owner renews at every tick: three ticks without a word and another instance takes over
                        Duration.ofMillis(3 * Long.parseLong(settings.get("targetwatch.alerts.tick-ms")))));
        context.getRegistry().bind("tenants", tenants);
        context.addService(closing(tenants::close), true);
        // before the embedded broker adds its demo accounts to the same credentials file; the demo lead answers for
        // every target's lead, so the pages show it each alert and let it acknowledge
        context.getRegistry().bind("users", Users.loadOrCreateDemo(usersFile, demoCredentials,
                tenants.all().stream().flatMap(t -> t.ingest().ruleSet().targets().stream())
                        .map(targetwatch.engine.model.Target::lead).distinct().sorted().toList()));
        OutboxRelay relay = new OutboxRelay(store, context.createProducerTemplate(), clock,
                Integer.parseInt(settings.get("targetwatch.delivery.max-attempts")),
                Duration.ofMillis(Long.parseLong(settings.get("targetwatch.delivery.initial-delay-ms"))), webhook,
                Duration.ofMillis(Long.parseLong(settings.get("targetwatch.email.group-wait-ms"))),
                // the topic's deliveries go in batches, each published in one broker transaction; an instance alone on
                // its database reads them rather than claiming them, and records their answers every 100 ms
                p -> tenants.ruleSetOf(p).orElse(null), instance, EnumSet.of(Sink.TOPIC), !shared);
        context.getRegistry().bind("outboxRelay", relay);
        context.getRegistry().bind("ackLinks", AckLinks.create(settings.get("targetwatch.ack.secret"),
                data.resolve("ack-link.key"), settings.get("targetwatch.public-url"),
                Duration.ofDays(Long.parseLong(settings.get("targetwatch.ack.link-valid-days"))), clock));
        context.addService(closing(relay::close), true);

        String url = settings.get("targetwatch.broker.url");
        String clientUrl;
        BrokerStatus status;
        ActiveMQConnectionFactory factory;
        if (url.isBlank()) {
            BrokerAccounts accounts = new BrokerAccounts(settings.path("targetwatch.broker.users-file"),
                    settings.path("targetwatch.broker.roles-file"));
            accounts.createDemo(demoCredentials, tenants.first().id());
            context.getRegistry().bind("brokerAccounts", accounts);
            // every partnership held has its alert address, and so has any other the settings name
            Set<String> partnerships = new TreeSet<>(List.of(settings.get("targetwatch.broker.partnerships").split("\\s*,\\s*")));
            partnerships.addAll(tenants.ids());
            partnerships.remove("");
            EmbeddedBroker broker = new EmbeddedBroker(data.resolve("broker"), settings.get("targetwatch.broker.host"),
                    Integer.parseInt(settings.get("targetwatch.broker.port")), accounts, partnerships,
                    Long.parseLong(settings.get("targetwatch.broker.intake-max-bytes")), brokerTls(settings));
            broker.start();
            context.addService(closing(broker::close), true);
            clientUrl = EmbeddedBroker.IN_VM_URL;
            // the service signs in as itself, like any other client
            factory = new ActiveMQConnectionFactory(clientUrl, EmbeddedBroker.SERVICE_USER, broker.servicePassword());
            status = new BrokerStatus("embedded, " + broker.tcpUrl(), broker::isActive);
            context.getRegistry().bind("embeddedBroker", broker);
        } else {
            factory = new ActiveMQConnectionFactory(url);
            String user = settings.get("targetwatch.broker.user");
            if (!user.isBlank()) {
                factory.setUser(user);
                factory.setPassword(settings.get("targetwatch.broker.password"));
            }
            ActiveMQConnectionFactory probeFactory = factory;
            status = new BrokerStatus(url, () -> {
                try (Connection c = probeFactory.createConnection()) {
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(factory);
        pool.setMaxConnections(4);
        context.addService(closing(pool::stop), true);
        JmsComponent jms = JmsComponent.jmsComponent(pool);
        context.addComponent("jms", jms);
        // readings are consumed on one connection of their own, in transacted batches
        context.addComponent("readings-jms", new BatchedJmsComponent(factory));
        context.getRegistry().bind("brokerStatus", status);

        context.getRegistry().bind("mailSender", new MailSender(settings.get("targetwatch.smtp.host"),
                Integer.parseInt(settings.get("targetwatch.smtp.port")), settings.get("targetwatch.mail.from"),
                settings.path("targetwatch.mail.dir"), Boolean.parseBoolean(settings.get("targetwatch.smtp.starttls")),
                settings.get("targetwatch.smtp.user"), settings.get("targetwatch.smtp.password")));

        context.getRegistry().bind("sessions", new targetwatch.routes.pages.Sessions(
                Duration.ofMinutes(Long.parseLong(settings.get("targetwatch.pages.session-idle-minutes"))),
                Duration.ofHours(Long.parseLong(settings.get("targetwatch.pages.session-max-hours"))), Clock.systemUTC()));
        // every password check of the pages and the API, limited before any hashing
        context.getRegistry().bind("loginGuard", new LoginGuard(context.getRegistry().findSingleByType(Users.class),
                new LoginGuard.Limits(Integer.parseInt(settings.get("targetwatch.sign-in.max-failures-per-name")),
                        Integer.parseInt(settings.get("targetwatch.sign-in.max-failures-per-address")),
                        Duration.ofMinutes(Long.parseLong(settings.get("targetwatch.sign-in.failure-window-minutes"))),
                        Duration.ofSeconds(Long.parseLong(settings.get("targetwatch.sign-in.cache-seconds"))),
                        Integer.parseInt(settings.get("targetwatch.sign-in.concurrent-checks"))),
                Clock.systemUTC()));
        context.addStartupListener(bodyLimits());
    }

    /** Puts the HTTP body limits on the server once it runs (until then its own small limit holds for every route). */
    private static org.apache.camel.StartupListener bodyLimits() {
        return new org.apache.camel.StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                BodyLimits.install(context);
            }
        };
    }

    /** The embedded broker acceptor's TLS parameters (Artemis' sslEnabled and keystore options), or empty for none. */
    static String brokerTls(Settings settings) {
        if (!Boolean.parseBoolean(settings.get("targetwatch.broker.ssl.enabled"))) {
            return "";
        }
        String params = "sslEnabled=true;keyStorePath=" + settings.path("targetwatch.broker.ssl.keystore")
                + ";keyStorePassword=" + settings.get("targetwatch.broker.ssl.keystore-password");
        if (!settings.get("targetwatch.broker.ssl.truststore").isBlank()) {
            // partners' systems sign in with certificates: mutual TLS
            params += ";needClientAuth=true;trustStorePath=" + settings.path("targetwatch.broker.ssl.truststore")
                    + ";trustStorePassword=" + settings.get("targetwatch.broker.ssl.truststore-password");
        }
        return params;
    }

    /** A service that only closes something when the context stops (after the routes have). */
    private static ServiceSupport closing(Closer closer) {
        return new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                closer.close();
            }
        };
    }

    @FunctionalInterface
    private interface Closer {
        void close() throws Exception;
    }
}
