package targetwatch.routes;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import targetwatch.routes.broker.BrokerAccounts;
import targetwatch.routes.broker.BrokerStatus;
import targetwatch.routes.ingest.FileDropRoute;
import targetwatch.routes.ingest.IngestRoute;
import targetwatch.routes.ingest.JmsReadingsRoute;
import targetwatch.routes.notify.MailSender;
import targetwatch.routes.notify.NotifyRoutes;
import targetwatch.routes.service.IngestService;
import targetwatch.routes.service.Tenants;
import targetwatch.routes.web.ApiRoutes;
import targetwatch.routes.web.RuleSetRoutes;

/** Assembles the running service on Camel Main: configuration, routes, and the start-up summary. */
public final class Application {

    private Application() {
    }

    /**
     * A Camel Main for targetwatch with application.properties, environment overrides and then the
     * given overrides (tests use them for ports and folders).
     */
    public static Main create(Map<String, String> overrides) throws IOException {
        Main main = new Main();
        main.configure().addConfiguration(TargetwatchConfiguration.class);
        main.configure().addRoutesBuilder(new IngestRoute());
        main.configure().addRoutesBuilder(new FileDropRoute());
        main.configure().addRoutesBuilder(new targetwatch.routes.feeds.PoliceFeedRoute());
        main.configure().addRoutesBuilder(new targetwatch.routes.feeds.Stats19FeedRoute());
        main.configure().addRoutesBuilder(new targetwatch.routes.feeds.DefraFeedRoute());
        main.configure().addRoutesBuilder(new JmsReadingsRoute());
        main.configure().addRoutesBuilder(new ApiRoutes());
        main.configure().addRoutesBuilder(new RuleSetRoutes());
        main.configure().addRoutesBuilder(new NotifyRoutes());
        main.configure().addRoutesBuilder(new targetwatch.routes.alerts.AlertClockRoute());
        main.configure().addRoutesBuilder(new targetwatch.routes.alerts.JmsAcksRoute());
        main.configure().addRoutesBuilder(new targetwatch.routes.web.AlertApiRoutes());
        main.configure().addRoutesBuilder(new targetwatch.routes.web.DeliveryApiRoutes());
        main.configure().addRoutesBuilder(new targetwatch.routes.pages.PageRoutes());
        main.configure().addRoutesBuilder(new targetwatch.routes.pages.ReportRoutes());
        main.configure().addRoutesBuilder(new targetwatch.routes.pages.RulePageRoutes());
        environmentOverrides().forEach(main::addOverrideProperty);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    /** TARGETWATCH_BROKER_URL overrides targetwatch.broker.url, and so on for every key of application.properties. */
    static Map<String, String> environmentOverrides() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = Application.class.getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : defaults.stringPropertyNames()) {
            String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
            if (env != null) {
                out.put(key, env);
            }
        }
        return out;
    }

    /** Runs until Ctrl-C, printing a one-screen summary once everything has started. */
    public static void run() throws Exception {
        Main main = create(Map.of());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                System.out.println(summary(m.getCamelContext()));
            }
        });
        main.run();
    }

    /** What is running and where: rule set, sources, sinks, API, demo credentials. */
    static String summary(CamelContext context) {
        Settings s = new Settings(context);
        Tenants service = context.getRegistry().findSingleByType(Tenants.class);
        BrokerStatus broker = context.getRegistry().findSingleByType(BrokerStatus.class);
        MailSender mail = context.getRegistry().findSingleByType(MailSender.class);
        String api = "http://" + s.get("camel.server.host") + ":" + s.get("camel.server.port") + "/api";
        String webhook = s.get("targetwatch.webhook.url");
        return String.join("\n",
                "",
                "targetwatch is running. Ctrl-C stops it after finishing the work in hand.",
                "",
                ruleSets(service),
                "             watching " + s.path("targetwatch.rules") + " (changes are "
                        + (Boolean.parseBoolean(s.get("targetwatch.rules.auto-activate")) ? "activated" : "stored as candidates")
                        + "); uploads to " + api + "/rulesets",
                "  database   " + service.store().description() + ": " + service.store().readingCount() + " readings stored",
                "  sources    file drop  " + s.path("targetwatch.inbox") + "   (or ./targetwatch send FILE...)",
                "             JMS queue  " + s.get("targetwatch.queue.readings") + " on " + broker.description(),
                "             HTTP POST  " + api + "/readings",
                "  sinks      JMS topic  " + s.get("targetwatch.topic.alerts") + " (each partnership's on "
                        + s.get("targetwatch.topic.alerts") + ".<partnership>)",
                "             email      " + mail.description() + inDoubt(service),
                "             webhook    " + (webhook.isBlank() ? "none (set targetwatch.webhook.url)" : webhook),
                "             acks       JMS queue " + s.get("targetwatch.queue.acks") + ", POST " + api
                        + "/alerts/{id}/ack, links in mails",
                "  pages      " + s.get("targetwatch.public-url") + "/ (sign in with a user below)",
                "  alerts     " + api + "/alerts (clock: " + s.get("targetwatch.alerts.clock") + ")",
                "  API        " + api + "/status, " + api + "/health",
                "  users      " + s.path("targetwatch.users.file") + " (demo passwords in "
                        + s.path("targetwatch.users.file").resolveSibling("demo-credentials.txt") + ")",
                brokerAccounts(context),
                "");
    }

    /** Each partnership's active rule set: one line for a single partnership, as before tenants. */
    private static String ruleSets(Tenants tenants) {
        List<String> lines = new java.util.ArrayList<>();
        for (Tenants.Tenant t : tenants.all()) {
            IngestService p = t.ingest();
            lines.add((tenants.all().size() == 1 ? "" : t.id() + " (" + t.name() + "): ") + "version " + p.ruleSetVersion()
                    + ": " + p.ruleSet().targets().size() + " targets, " + p.ruleCount() + " rules, checksum "
                    + p.ruleSet().checksum().substring(0, 12));
        }
        return "  rule set   " + String.join("\n             ", lines);
    }

    /** The embedded broker's accounts (their passwords are beside the users' when they are the demo ones). */
    private static String brokerAccounts(CamelContext context) {
        BrokerAccounts accounts = context.getRegistry().lookupByNameAndType("brokerAccounts", BrokerAccounts.class);
        if (accounts == null) {
            return "  broker     accounts kept by the external broker";
        }
        return "  broker     accounts " + String.join(", ", accounts.names()) + " in " + accounts.usersFile()
                + "\n             (every client signs in; partners read targetwatch.alerts.<partnership>)";
    }

    /** A warning on the email line when mails were handed to the server and never answered. */
    private static String inDoubt(Tenants service) {
        long n = service.store().deliveryCounts().inDoubt();
        return n == 0 ? "" : "   (" + n + " in doubt: handed over, never answered; see /api/deliveries/in-doubt)";
    }
}
