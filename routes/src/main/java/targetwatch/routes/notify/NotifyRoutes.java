package targetwatch.routes.notify;

import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

import targetwatch.engine.cli.EventJson;
import targetwatch.engine.model.AlertEvent;
import targetwatch.engine.model.Contact;
import targetwatch.engine.model.Target;
import targetwatch.engine.store.Sink;
import targetwatch.routes.service.IngestService;

/**
 * Sinks, fed by the outbox relay: every alert event goes to the Artemis topic {@code targetwatch.alerts}
 * (JSON, with JMS properties for selectors, and the event id as Artemis' duplicate id so that a resend
 * is dropped by the broker), by email to its recipient, and to a webhook when one is configured. Each
 * sink has its own relay, so a failing sink never holds up the others or intake.
 */
public class NotifyRoutes extends RouteBuilder {

    /** Artemis drops a second message with the same value of this property on the same address. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    @Override
    public void configure() {
        for (Sink sink : Sink.values()) {
            String name = sink.name().toLowerCase();
            from("timer:outbox-" + name + "?period={{targetwatch.outbox.poll-ms}}").routeId("outbox-" + name)
                    .process(exchange -> relay(exchange).run(sink));
        }

        from(OutboxRelay.DELIVER + "topic").routeId("notify-topic")
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
                    exchange.getIn().setHeader(DUPLICATE_ID, e.id());
                    exchange.getIn().setBody(EventJson.line(e));
                })
                .to(ExchangePattern.InOnly, "jms:topic:{{targetwatch.topic.alerts}}")
                .setBody(constant("published"));

        from(OutboxRelay.DELIVER + "email").routeId("notify-email")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    IngestService service = service(exchange);
                    Contact to = service.ruleSet().contact(e.recipient()).orElseThrow(
                            () -> new IllegalStateException("no contact " + e.recipient() + " in the rule set"));
                    MailSender sender = exchange.getContext().getRegistry().findSingleByType(MailSender.class);
                    String note = service.store().latestNote(e.series(), e.period()).orElse(null);
                    exchange.getIn().setBody(sender.send(AlertMail.compose(e, target(exchange, e), to, note), e.id()));
                });

        from(OutboxRelay.DELIVER + "webhook").routeId("notify-webhook")
                .process(exchange -> {
                    AlertEvent e = exchange.getIn().getMandatoryBody(AlertEvent.class);
                    exchange.getIn().removeHeaders("*");
                    exchange.getIn().setHeader("Content-Type", "application/json");
                    exchange.getIn().setHeader("X-Targetwatch-Event", e.id());
                    exchange.getIn().setHeader(org.apache.camel.Exchange.HTTP_METHOD, "POST");
                    exchange.getIn().setBody(EventJson.line(e));
                })
                .toD("{{targetwatch.webhook.url}}")
                .setBody(simple("HTTP ${header.CamelHttpResponseCode}"));
    }

    private static OutboxRelay relay(org.apache.camel.Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(OutboxRelay.class);
    }

    private static IngestService service(org.apache.camel.Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(IngestService.class);
    }

    private static Target target(org.apache.camel.Exchange exchange, AlertEvent e) {
        return service(exchange).ruleSet().targetFor(e.partnership(), e.indicator()).orElseThrow();
    }
}
