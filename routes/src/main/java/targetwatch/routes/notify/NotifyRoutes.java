package targetwatch.routes.notify;

import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.cli.EventJson;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Target;
import targetwatch.routes.Settings;
import targetwatch.routes.ingest.IngestRoute;
import targetwatch.routes.service.IngestService;

/**
 * Sinks: every alert event goes to the Artemis topic {@code targetwatch.alerts} (JSON, with JMS properties
 * for selectors), by email to its recipient, and to a webhook when one is configured. Each sink has its
 * own queue and retries with back-off, so a slow or failing sink never blocks intake or the others.
 */
public class NotifyRoutes extends RouteBuilder {

    @Override
    public void configure() {
        Settings settings = new Settings(getContext());
        errorHandler(defaultErrorHandler()
                .maximumRedeliveries(Integer.parseInt(settings.get("targetwatch.delivery.max-attempts")))
                .redeliveryDelay(Long.parseLong(settings.get("targetwatch.delivery.initial-delay-ms")))
                .useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(60_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN));

        from(IngestRoute.ALERTS).routeId("notify")
                .multicast().to("seda:notify-topic?size=100000", "seda:notify-email?size=100000",
                        "seda:notify-webhook?size=100000");

        from("seda:notify-topic?size=100000").routeId("notify-topic")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    Target t = target(exchange, e);
                    exchange.getIn().setHeader("partnership", e.partnership());
                    exchange.getIn().setHeader("indicator", e.indicator());
                    exchange.getIn().setHeader("area", e.area());
                    exchange.getIn().setHeader("priority", t.priority());
                    exchange.getIn().setHeader("severity", e.severity().name());
                    exchange.getIn().setHeader("event", e.type().name());
                    exchange.getIn().setHeader("level", e.level());
                    exchange.getIn().setHeader("eventId", e.id());
                    exchange.getIn().setBody(EventJson.line(e));
                })
                .to(ExchangePattern.InOnly, "jms:topic:{{targetwatch.topic.alerts}}");

        from("seda:notify-email?size=100000").routeId("notify-email")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    IngestService service = service(exchange);
                    Contact to = service.ruleSet().contact(e.recipient()).orElseThrow(
                            () -> new IllegalStateException("no contact " + e.recipient() + " in the rule set"));
                    MailSender sender = exchange.getContext().getRegistry().findSingleByType(MailSender.class);
                    sender.send(AlertMail.compose(e, target(exchange, e), to), e.id());
                });

        from("seda:notify-webhook?size=100000").routeId("notify-webhook")
                .filter(simple("'{{targetwatch.webhook.url}}' != ''"))
                    .process(exchange -> {
                        AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                        exchange.getIn().removeHeaders("*");
                        exchange.getIn().setHeader("Content-Type", "application/json");
                        exchange.getIn().setHeader("X-Targetwatch-Event", e.id());
                        exchange.getIn().setHeader(org.apache.camel.Exchange.HTTP_METHOD, "POST");
                        exchange.getIn().setBody(EventJson.line(e));
                    })
                    .toD("{{targetwatch.webhook.url}}")
                .end();
    }

    private static IngestService service(org.apache.camel.Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(IngestService.class);
    }

    private static Target target(org.apache.camel.Exchange exchange, AlertEvent e) {
        return service(exchange).ruleSet().targetFor(e.partnership(), e.indicator()).orElseThrow();
    }
}
